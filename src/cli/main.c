/*
 * dmasim: the command.  A thin layer over libdmasim's public API, as lua.c
 * is over liblua.
 *
 * Exit status:
 *   0  success
 *   1  the scenario failed (a Lua error, a simulated run that cannot go on)
 *   2  usage: a bad command line, an unknown or malformed -D parameter, or
 *      a parameter the scenario rejects
 *   3  a file could not be read or written
 *   4  tour: a claim disagreed with its closed-form model
 *   5  run --check: the DMA sanitizer reported misuse
 *   6  run: a limit (--max-events, --max-wall-time, --max-instructions)
 *      stopped the run; the results are partial
 * A sweep exits with the status of its first failed point.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "csv.h"
#include "explain.h"
#include "mpicomm.h"
#include "progress.h"
#include "ranks.h"
#include "calibrate.h"
#include "report_cmd.h"
#include "runview.h"
#include "sweep.h"
#include "tourtab.h"


static const char *prog = "dmasim";

static void usage(FILE *out)
{
	fprintf(out,
"usage: dmasim <command> [options]\n"
"\n"
"A deterministic discrete-event simulator of DMA-based I/O systems.\n"
"\n"
"Commands:\n"
"  run FILE.lua [options]   run a scenario and print its results\n"
"  sweep FILE.lua [options] run a scenario over ranges of parameters, in\n"
"                           parallel (or on MPI ranks: mpirun -n R dmasim\n"
"                           sweep ...): CSV and plots\n"
"  tour [options]           run every claim scenario and compare each claim\n"
"                           with its closed-form model\n"
"  calibrate [options]      measure this machine and write the figures as a\n"
"                           Lua machine description\n"
"  report RUN.json [--trace TRACE.json]... -o PAGE.html\n"
"                           one self-contained HTML page of runs' results\n"
"                           and, from their traces, their timelines\n"
"\n"
"Options:\n"
"  -h, --help               show this help (dmasim COMMAND --help: its\n"
"                           options; man dmasim: the manual)\n"
"  -V, --version            show the version\n"
"\n"
"Exit status: 0 success, 1 scenario failed, 2 usage or parameter error,\n"
"3 file error, 4 a claim disagreed with its model (tour), 5 the DMA\n"
"sanitizer reported misuse (run --check), 6 a run limit stopped the run\n"
"(partial results).\n");
}

static void run_usage(FILE *out)
{
	fprintf(out,
"usage: dmasim run FILE.lua [-D name=value]... [--json FILE] [--csv FILE]\n"
"                  [--trace FILE.json] [--vcd FILE.vcd]\n"
"                  [--trace-from T] [--trace-to T] [--seed N] [-q]\n"
"                  [--max-events N] [--max-wall-time T] [--max-instructions N]\n"
"                  [--stats[=json] FILE] [--timeline] [--timeline-width N]\n"
"                  [--no-summary]\n"
"\n"
"Run a Lua scenario: it builds a system, runs software on it and reports\n"
"results, printed as \"name value [unit]\" lines and tables.\n"
"\n"
"Options:\n"
"  -D name=value     override a parameter the scenario declares with\n"
"                    dmasim.params{}; values take units: 512KiB, 100ns,\n"
"                    2GHz, 16GB/s (an unknown name lists the known ones)\n"
"  --json FILE       also write results, parameters and statistics as JSON\n"
"                    (byte-identical for the same scenario, values and seed)\n"
"  --csv FILE        also write a CSV header and one row: every parameter,\n"
"                    then every reported figure, unformatted (as a sweep's\n"
"                    rows)\n"
"  --trace FILE.json write a timeline as Chrome trace-event JSON: open it in\n"
"                    ui.perfetto.dev or chrome://tracing; one track per\n"
"                    component (bus owner, each master's waits and\n"
"                    tenures, each CPU's run/stall/interrupt handler,\n"
"                    each DMA channel's transfers), interrupts as\n"
"                    instants, counters for queue depths and utilisation\n"
"  --vcd FILE.vcd    write a value-change dump: open it in GTKWave; the bus\n"
"                    grant and request wires of each master (timescale 1ps)\n"
"  --trace-from T, --trace-to T\n"
"                    keep only simulated times T1 to T2 in the --trace and\n"
"                    --vcd files and the --timeline (a time: 10us, 250ns,\n"
"                    or ps); spans are clipped to the window\n"
"  --timeline        draw each system's timeline in the terminal as it\n"
"                    ends: a row per bus (who owns it), CPU (Run, Stall,\n"
"                    Irq handler) and DMA channel (Transfer), one column\n"
"                    per slice of time (upper case: the span covers half\n"
"                    the slice or more; '.': idle), and each row's exact\n"
"                    time per owner\n"
"  --timeline-width N\n"
"                    at most N columns (10 to 1000, default 100)\n"
"  --stats FILE, --stats=json FILE\n"
"                    write every statistic of every system, one per line\n"
"                    with its unit and meaning (as gem5's stats.txt), or\n"
"                    as JSON; FILE - is standard output\n"
"  --no-summary      leave out the summary printed after the results: where\n"
"                    each system's time went (bus utilisation and who held\n"
"                    the bus, CPU busy, stalled and idle time, DMA bytes,\n"
"                    interrupts) and what was left unfinished (processes\n"
"                    still waiting, channels never started, interrupts no\n"
"                    handler took, a system never run)\n"
"  --check           turn on the DMA sanitizer: reports, each with the\n"
"                    scenario's line that caused it, go to stderr and\n"
"                    the JSON; exit status 5 when it reported anything\n"
"  --seed N          the run seed (default 1); every component derives its\n"
"                    own random stream from it\n"
"  --max-events N, --max-wall-time T, --max-instructions N\n"
"                    stop the run when a system has run N events (checked\n"
"                    every 65536), after T seconds (or 500ms), or after N\n"
"                    Lua instructions of scenario code; the results so far\n"
"                    are printed and written marked partial, exit status 6\n"
"  -q, --quiet       print nothing on success (errors still go to stderr),\n"
"                    and no progress line\n"
"  -h, --help        show this help\n"
"\n"
"Under mpirun (a build with -DDMASIM_MPI=ON: mpirun -n R dmasim run ...)\n"
"every rank runs the scenario; a cluster made with a partition is split\n"
"over the ranks, and rank 0 prints and writes the results, the same as a\n"
"run alone (--trace, --vcd, --timeline and --stats are refused there).\n"
"\n"
"A run longer than a second shows a progress line on stderr when stderr\n"
"is a terminal: simulated time, events per second, and the time left when\n"
"the scenario runs to a known end (system:run(until)).\n"
"\n"
"Examples:\n"
"  dmasim run bench/busbench.lua -D K=4 -D N=1000 --json out.json\n"
"  dmasim run bench/busbench.lua -D N=1000 --trace t.json --vcd t.vcd \\\n"
"      --trace-from 1us --trace-to 2us\n");
}

static void tour_usage(FILE *out)
{
	fprintf(out,
"usage: dmasim tour [--scenarios DIR] [--seed N] [--json DIR]\n"
"                   [--explain [ID]] [--html FILE] [--wide]\n"
"\n"
"Run every claim scenario on its defaults and print two tables, grouped\n"
"by scenario under the command that reproduces its rows.  The\n"
"quantitative claims: the claim's id, the closed-form model's value, the\n"
"simulated value, their unit, the relative error, the tolerance, whether\n"
"they agree (and the data arrived intact), and, where the source\n"
"publishes a figure, that figure and whether the simulation reproduces\n"
"it.  The yes/no checks: the answer expected and the one observed.  Exit status 4 if any claim disagrees or\n"
"any check fails (a published figure not reproduced is reported, not an\n"
"error).\n"
"\n"
"Options:\n"
"  --scenarios DIR  where the scenarios are (default: found next to the\n"
"                   program, then $DMASIM_SCENARIOS, then the install dir)\n"
"  --seed N         the run seed (default 1)\n"
"  --json DIR       write each scenario's JSON results into DIR\n"
"  --wide           add each claim in words to the tables (they fit 100\n"
"                   columns without it)\n"
"  --explain [ID]   instead of the tables, write each claim out: the claim,\n"
"                   the model's value and its formula with the parameters'\n"
"                   values, the simulated value and the mechanism behind\n"
"                   it, the error against the tolerance, the published\n"
"                   figure, where it is defined and the commands that\n"
"                   reproduce and sweep it; ID: one claim\n"
"                   (io_methods.dma_cpu) or one scenario's (io_methods)\n"
"  --html FILE      also write the tour as one self-contained HTML page:\n"
"                   each scenario's parameters, tables and claims, and a\n"
"                   chart of each claim's model against its simulated\n"
"                   value as inline SVG (dmasim report makes one of a run)\n"
"  -h, --help       show this help\n");
}

/* The run's row, as a sweep writes it.  Returns 0, or -1 with errno. */
static int write_csv(const struct dmasim_run *run, const char *path)
{
	struct csv_row row = { 0 };
	int err = 0;

	if (csv_row_of_run(&row, run) || csv_write_file(path, &row, 1))
		err = -1;
	csv_row_free(&row);
	return err;
}

/* The value of option argv[*i], or NULL with an error printed. */
static const char *opt_value(int argc, char **argv, int *i, const char *cmd)
{
	if (*i + 1 >= argc) {
		fprintf(stderr, "%s %s: %s needs a value (see dmasim %s "
			"--help)\n", prog, cmd, argv[*i], cmd);
		return NULL;
	}
	return argv[++*i];
}

static int run_cmd(struct ranks *rk, int argc, char **argv)
{
	struct dmasim_run *run;
	const char *file = NULL, *json = NULL, *csv = NULL;
	const char *trace = NULL, *vcd = NULL;
	uint64_t seed = 1, from = 0, to = UINT64_MAX;
	uint64_t max_events = 0, max_instr = 0;
	double max_wall = 0;
	bool window = false;
	struct progress prog_line;
	struct runview view = { 0 };
	int quiet = 0, err, status = EXIT_USAGE, taken;

	if (cli_run_new(&run)) {
		fprintf(stderr, "%s: out of memory\n", prog);
		return EXIT_SCENARIO;
	}
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i], *v;

		if ((taken = runview_option(&view, argc, argv, &i)) < 0) {
			goto out;
		} else if (taken) {
			continue;
		} else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			run_usage(stdout);
			status = 0;
			goto out;
		} else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
			quiet = 1;
		} else if (!strcmp(a, "--check")) {
			dmasim_run_set_check(run, 1);
		} else if (!strncmp(a, "-D", 2)) {
			const char *def = a[2] ? a + 2 : (i + 1 < argc ? argv[++i]
							  : NULL);

			if (!def || dmasim_run_define_arg(run, def)) {
				fprintf(stderr, "%s run: -D %s: expected "
					"name=value\n", prog, def ? def : "");
				goto out;
			}
		} else if (!strcmp(a, "--json") || !strcmp(a, "--csv") ||
			   !strcmp(a, "--trace") || !strcmp(a, "--vcd")) {
			if (!(v = opt_value(argc, argv, &i, "run")))
				goto out;
			if (!strcmp(a, "--json"))
				json = v;
			else if (!strcmp(a, "--csv"))
				csv = v;
			else if (!strcmp(a, "--trace"))
				trace = v;
			else
				vcd = v;
		} else if (!strcmp(a, "--seed")) {
			if (!(v = opt_value(argc, argv, &i, "run")))
				goto out;
			if (cli_parse_seed(v, &seed)) {
				fprintf(stderr, "%s run: --seed %s: expected a "
					"whole number >= 0\n", prog, v);
				goto out;
			}
		} else if (!strcmp(a, "--max-events") ||
			   !strcmp(a, "--max-instructions")) {
			if (!(v = opt_value(argc, argv, &i, "run")))
				goto out;
			if (cli_parse_seed(v, a[6] == 'e' ? &max_events :
					   &max_instr) ||
			    !(a[6] == 'e' ? max_events : max_instr)) {
				fprintf(stderr, "%s run: %s %s: expected a whole "
					"number >= 1\n", prog, a, v);
				goto out;
			}
		} else if (!strcmp(a, "--max-wall-time")) {
			if (!(v = opt_value(argc, argv, &i, "run")))
				goto out;
			if (cli_parse_seconds(v, &max_wall)) {
				fprintf(stderr, "%s run: --max-wall-time %s: "
					"expected seconds > 0, or a time such "
					"as 500ms\n", prog, v);
				goto out;
			}
		} else if (!strcmp(a, "--trace-from") ||
			   !strcmp(a, "--trace-to")) {
			if (!(v = opt_value(argc, argv, &i, "run")))
				goto out;
			if (cli_parse_time(v, a[8] == 'f' ? &from : &to)) {
				fprintf(stderr, "%s run: %s %s: expected a time "
					"such as 10us, 250ns or a number of ps\n",
					prog, a, v);
				goto out;
			}
			window = true;
		} else if (a[0] == '-' && a[1]) {
			fprintf(stderr, "%s run: unknown option '%s' (see "
				"dmasim run --help)\n", prog, a);
			goto out;
		} else if (file) {
			fprintf(stderr, "%s run: one scenario at a time ('%s' "
				"and '%s')\n", prog, file, a);
			goto out;
		} else {
			file = a;
		}
	}
	if (!file) {
		fprintf(stderr, "%s run: expected a scenario file (see dmasim "
			"run --help)\n", prog);
		goto out;
	}
	if (ranks_on(rk) && (trace || vcd || view.timeline || view.stats)) {
		fprintf(stderr, "%s run: --trace, --vcd, --timeline and "
			"--stats show the systems of one process, and under "
			"mpirun a split cluster's nodes are spread over the "
			"ranks: expected them in a run without mpirun\n", prog);
		goto out;
	}
	ranks_loud(rk);
	if (ranks_on(rk))
		dmasim_run_set_comm(run, mpicomm_world());
	if (window && !trace && !vcd && !view.timeline) {
		fprintf(stderr, "%s run: --trace-from and --trace-to apply to "
			"--trace and --vcd files and --timeline: expected one "
			"of them too\n", prog);
		goto out;
	}
	if (from > to) {
		fprintf(stderr, "%s run: --trace-from (%" PRIu64 " ps) is after "
			"--trace-to (%" PRIu64 " ps): expected from <= to\n",
			prog, from, to);
		goto out;
	}
	if (dmasim_run_set_trace(run, trace, from, to) ||
	    dmasim_run_set_vcd(run, vcd, from, to) ||
	    runview_setup(&view, run, from, to)) {
		fprintf(stderr, "%s: out of memory\n", prog);
		status = EXIT_SCENARIO;
		goto out;
	}
	dmasim_run_set_seed(run, seed);
	dmasim_run_set_stats(run, view.stats != NULL);
	dmasim_run_set_limits(run, max_events, max_wall, max_instr);
	progress_init(&prog_line, stderr, !quiet && !rk->rank &&
		      isatty(STDERR_FILENO));
	/* Without a display the simulation runs without the hook at all. */
	if (prog_line.on)
		dmasim_run_set_progress(run, progress_run, &prog_line);
	err = dmasim_run_file(run, file);
	progress_clear(&prog_line);
	if (err) {
		if (rk->rank)
			fprintf(stderr, "%s: rank %d: %s\n", prog, rk->rank,
				dmasim_run_error(run));
		else
			fprintf(stderr, "%s: %s\n", prog,
				dmasim_run_error(run));
		status = cli_exit_for(err);
		/* Another rank may be waiting for this one at a barrier:
		 * mpirun ends them all. */
		if (ranks_on(rk))
			rk->failed = true;
		/* At a limit the partial results still come out, marked. */
		if (err != DMASIM_ELIMIT || rk->failed)
			goto out;
	}
	if (rk->rank) {		/* rank 0 has the whole run's results */
		status = 0;
		goto out;
	}
	if (!quiet)
		dmasim_run_print(run, stdout);
	for (int i = 0; i < dmasim_run_check_count(run); i++) {
		const struct dmasim_check *c = dmasim_run_check_report(run, i);

		fprintf(stderr, "dmasim check: %s at %.3f us by %s%s%s%s: %s; "
			"paddr %#llx dma %#llx size %llu; fix: %s\n", c->cls,
			(double)c->time / 1e6, c->initiator,
			*c->where ? " (" : "", c->where, *c->where ? ")" : "",
			c->what,
			(unsigned long long)c->paddr,
			(unsigned long long)c->dma,
			(unsigned long long)c->size, c->fix);
	}
	if (!err)
		status = dmasim_run_check_count(run) ? EXIT_CHECK : 0;
	if ((err = runview_finish(&view, run, quiet)) != 0)
		status = err;
	if (json && dmasim_run_write_json(run, json)) {
		fprintf(stderr, "%s: cannot write JSON to '%s': %s\n", prog,
			json, strerror(errno));
		status = EXIT_IO;
	}
	if (csv && write_csv(run, csv)) {
		fprintf(stderr, "%s: cannot write CSV to '%s': %s\n", prog,
			csv, strerror(errno));
		status = EXIT_IO;
	}
out:
	ranks_loud(rk);
	dmasim_run_free(run);
	return status;
}

/* dmasim run, alone or as one of the ranks of mpirun. */
static int cmd_run(int argc, char **argv)
{
	return ranks_main(prog, run_cmd, argc, argv);
}

static int cmd_tour(int argc, char **argv)
{
	struct tour_row *rows = NULL;
	size_t nrows = 0;
	char dirbuf[PATH_MAX + 64], path[PATH_MAX + 512], line[256];
	const char *dir = NULL, *jsondir = NULL, *explain = NULL;
	const char *html = NULL;
	bool explaining = false, wide = false;
	struct dmasim_html *page = NULL;
	uint64_t seed = 1;
	int status = 0, nclaims = 0, nagree = 0, nchecks = 0, npass = 0;
	int npub = 0, nrepro = 0, nexplained = 0;
	char real[sizeof(path)], short_name[sizeof(rows->scenario)];
	FILE *list;

	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			tour_usage(stdout);
			return 0;
		} else if (!strcmp(a, "--explain")) {
			explaining = true;
			if (i + 1 < argc && argv[i + 1][0] != '-')
				explain = argv[++i];
		} else if (!strcmp(a, "--wide")) {
			wide = true;
		} else if (!strcmp(a, "--html") && i + 1 < argc) {
			html = argv[++i];
		} else if ((!strcmp(a, "--scenarios") || !strcmp(a, "--seed") ||
			    !strcmp(a, "--json")) && i + 1 < argc) {
			if (!strcmp(a, "--scenarios"))
				dir = argv[++i];
			else if (!strcmp(a, "--json"))
				jsondir = argv[++i];
			else if (cli_parse_seed(argv[++i], &seed)) {
				fprintf(stderr, "%s tour: --seed %s: expected a "
					"whole number >= 0\n", prog, argv[i]);
				return EXIT_USAGE;
			}
		} else {
			fprintf(stderr, "%s tour: unexpected argument '%s' (see "
				"dmasim tour --help)\n", prog, a);
			return EXIT_USAGE;
		}
	}
	/* The JSON folder is made when missing (its parent must exist), and
	 * refused before the tour runs when it cannot be. */
	if (jsondir && mkdir(jsondir, 0777) && errno != EEXIST) {
		fprintf(stderr, "%s tour: --json %s: cannot make the folder: %s "
			"(expected a folder, or a new one in an existing "
			"folder)\n", prog, jsondir, strerror(errno));
		return EXIT_IO;
	}
	if (!dir)
		dir = cli_scenarios_dir(dirbuf, sizeof(dirbuf));
	snprintf(path, sizeof(path), "%s/tour.txt", dir);
	list = fopen(path, "r");
	if (!list) {
		fprintf(stderr, "%s tour: cannot read the tour list '%s': %s "
			"(use --scenarios DIR)\n", prog, path, strerror(errno));
		return EXIT_IO;
	}
	while (fgets(line, sizeof(line), list)) {
		struct dmasim_run *run;
		char *name = line + strspn(line, " \t");
		int err;

		name[strcspn(name, " \t\r\n#")] = '\0';
		if (!*name)
			continue;
		snprintf(short_name, sizeof(short_name), "%.*s",
			 (int)(strlen(name) > 4 && !strcmp(name + strlen(name)
			       - 4, ".lua") ? strlen(name) - 4 : strlen(name)),
			 name);
		if (explaining && !explain_scenario(explain, short_name))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, name);
		if (dmasim_run_new(&run)) {
			status = EXIT_SCENARIO;
			break;
		}
		dmasim_run_set_seed(run, seed);
		dmasim_run_set_stats(run, 0);
		/* The scenario's path as the reproducing commands name it. */
		tourtab_path(path, real, sizeof(real));
		err = dmasim_run_file(run, path);
		if (err) {
			fprintf(stderr, "%s tour: %s: %s\n", prog, name,
				dmasim_run_error(run));
			status = cli_exit_for(err);
			dmasim_run_free(run);
			continue;
		}
		for (int i = 0; i < dmasim_run_claim_count(run); i++) {
			struct dmasim_claim c;
			struct tour_row *r, *more;

			more = realloc(rows, (nrows + 1) * sizeof(*rows));
			if (!more) {
				status = EXIT_SCENARIO;
				break;
			}
			rows = more;
			r = &rows[nrows];
			dmasim_run_claim(run, i, &c);
			r->claim = cli_strdup(c.text);
			if (!r->claim) {
				status = EXIT_SCENARIO;
				break;
			}
			nrows++;
			snprintf(r->scenario, sizeof(r->scenario), "%s",
				 short_name);
			if (strncmp(c.id, short_name, strlen(short_name)) ||
			    c.id[strlen(short_name)] != '.') {
				fprintf(stderr, "%s tour: %s: claim id '%s': "
					"expected '%s.<name>' (a tour claim's "
					"id begins with its scenario's name)\n",
					prog, name, c.id, short_name);
				status = EXIT_SCENARIO;
			}
			if (c.check) {
				snprintf(r->model, sizeof(r->model), "%s",
					 c.model != 0 ? "yes" : "no");
				snprintf(r->sim, sizeof(r->sim), "%s",
					 c.simulated != 0 ? "yes" : "no");
				r->err[0] = '\0';
			} else {
				snprintf(r->model, sizeof(r->model), "%.6g",
					 c.model);
				snprintf(r->sim, sizeof(r->sim), "%.6g",
					 c.simulated);
				if (c.model != 0)
					snprintf(r->err, sizeof(r->err),
						 "%+.2g%%", (c.simulated -
						 c.model) / fabs(c.model) *
						 100);
				else
					snprintf(r->err, sizeof(r->err), "%+.2g",
						 c.simulated);
			}
			snprintf(r->unit, sizeof(r->unit), "%s",
				 *c.unit ? c.unit : "-");
			snprintf(r->id, sizeof(r->id), "%s", c.id);
			snprintf(r->path, sizeof(r->path), "%s", real);
			/* 10%, 2.5%; below 1%, one digit (0.0006%) */
			snprintf(r->tol, sizeof(r->tol),
				 c.tolerance >= 0.01 ? "%.3g%%" : "%.1g%%",
				 c.tolerance * 100);
			if (c.published_cmp == DMASIM_PUB_NONE)
				snprintf(r->pub, sizeof(r->pub), "-");
			else
				snprintf(r->pub, sizeof(r->pub), "%s%.6g",
					 c.published_cmp == DMASIM_PUB_OVER ?
					 "> " : c.published_cmp ==
					 DMASIM_PUB_UNDER ? "< " : "about ",
					 c.published);
			r->check = c.check;
			r->agree = c.agree;
			r->data_wrong = c.data_wrong;
			r->published = c.published_cmp != DMASIM_PUB_NONE;
			r->reproduced = c.reproduced;
			if (c.check) {
				nchecks++;
				npass += c.agree;
			} else {
				nclaims++;
				nagree += c.agree;
			}
			if (r->published) {
				npub++;
				nrepro += c.reproduced;
			}
			if (!c.agree && !status)
				status = EXIT_DISAGREE;
			if (explaining && explain_match(explain, r->scenario,
							c.id)) {
				explain_print(stdout, real, r->scenario, &c);
				nexplained++;
			}
		}
		if (html && dmasim_html_add_run(&page, run, name))
			status = EXIT_SCENARIO;
		if (jsondir) {
			char *dot;

			snprintf(path, sizeof(path), "%s/%s", jsondir, name);
			dot = strrchr(path, '.');
			if (dot)
				strcpy(dot, ".json");
			if (dmasim_run_write_json(run, path)) {
				fprintf(stderr, "%s tour: cannot write '%s'\n",
					prog, path);
				status = EXIT_IO;
			}
		}
		dmasim_run_free(run);
	}
	fclose(list);
	if (explaining && !nexplained) {
		fprintf(stderr, "%s tour: --explain %s: no such claim or "
			"scenario (expected an id such as io_methods.dma_cpu, "
			"or a scenario's name)\n", prog, explain);
		status = EXIT_USAGE;
	}
	if (!explaining && tourtab_print(rows, nrows, 0, wide))
		printf("\n");
	if (!explaining && tourtab_print(rows, nrows, 1, wide))
		printf("\n");
	if (html && dmasim_html_write(page, html)) {
		fprintf(stderr, "%s tour: cannot write the page '%s': %s\n",
			prog, html, strerror(errno));
		status = EXIT_IO;
	}
	dmasim_html_free(page);
	for (size_t i = 0; i < nrows; i++)
		free(rows[i].claim);
	free(rows);
	if (explaining && !nexplained)
		return status;	/* nothing run to sum up */
	printf("%d of %d quantitative claims agree with their models; "
	       "%d of %d checks pass; the simulation reproduces %d of %d "
	       "published figures\n", nagree, nclaims, npass, nchecks, nrepro,
	       npub);
	return status;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "-V") || !strcmp(argv[1], "--version")) {
		printf("dmasim %s\n", dmasim_version());
		return 0;
	}
	if (!strcmp(argv[1], "run"))
		return cmd_run(argc - 2, argv + 2);
	if (!strcmp(argv[1], "sweep"))
		return sweep_main(argc - 2, argv + 2);
	if (!strcmp(argv[1], "tour"))
		return cmd_tour(argc - 2, argv + 2);
	if (!strcmp(argv[1], "calibrate"))
		return calibrate_main(argc - 2, argv + 2);
	if (!strcmp(argv[1], "report"))
		return report_main(argc - 2, argv + 2);
	fprintf(stderr, "%s: unknown command '%s': expected run, sweep, "
		"tour, report or calibrate (see dmasim --help)\n", prog,
		argv[1]);
	return EXIT_USAGE;
}
