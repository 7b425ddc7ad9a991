/* report_cmd: dmasim report.  See report_cmd.h. */
#include "report_cmd.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* --max-spans: at least a few, at most what a page can hold. */
#define MAX_SPANS_MIN 10
#define MAX_SPANS_MAX 1000000

static void report_usage(FILE *out)
{
	fprintf(out,
"usage: dmasim report RUN.json [--trace TRACE.json]... -o PAGE.html\n"
"                     [--max-spans N]\n"
"\n"
"Make one self-contained HTML page of the JSON results of runs (dmasim\n"
"run --json, dmasim tour --json DIR): for each run its parameters,\n"
"results, tables and claims (each with its error against the model, the\n"
"published figure, and the formula and mechanism where the scenario\n"
"gives them), and a chart of each claim's simulated value against its\n"
"model as inline SVG.  The page needs no network access.\n"
"\n"
"A --trace after a RUN.json gives that run's timeline, read from its\n"
"trace (dmasim run --trace FILE.json): for each system of the run a row\n"
"per track (the bus's owner, each master's waits and tenures, each CPU's\n"
"states, each DMA channel's transfers), a rectangle per span coloured\n"
"by its name (hover it for its name and times), ticks for instants, a\n"
"time axis and a legend.  Mouse wheel: zoom around the pointer; drag:\n"
"pan; keys + and - zoom, the arrows pan, 0 shows the whole run (click\n"
"the timeline first); the page's small script does it, with no library\n"
"and no network, and without it the whole run shows.\n"
"\n"
"Options:\n"
"  -o FILE          the page to write (required)\n"
"  --trace FILE     the trace of the run named just before it (one per\n"
"                   run)\n"
"  --max-spans N    on a track of more than N spans (default 4000), merge\n"
"                   the spans narrower than a pixel at full view (the\n"
"                   page says where it did); %d to %d\n"
"  -h, --help       show this help\n"
"\n"
"Example:\n"
"  dmasim run bench/busbench.lua -D N=3 -D K=1 --json run.json \\\n"
"      --trace trace.json\n"
"  dmasim report run.json --trace trace.json -o report.html\n",
		MAX_SPANS_MIN, MAX_SPANS_MAX);
}

/* --max-spans's value, or 0 after saying what was wrong. */
static unsigned max_spans_arg(const char *s)
{
	unsigned long v;
	char *end = NULL;

	errno = 0;
	v = s && *s >= '0' && *s <= '9' ? strtoul(s, &end, 10) : 0;
	if (!v || errno || *end || v < MAX_SPANS_MIN || v > MAX_SPANS_MAX) {
		fprintf(stderr, "dmasim report: --max-spans %s: expected a "
			"whole number of spans from %d to %d\n", s ? s : "",
			MAX_SPANS_MIN, MAX_SPANS_MAX);
		return 0;
	}
	return (unsigned)v;
}

/* Add a run's JSON or a trace; returns an exit status. */
static int add(struct dmasim_html **page, const char *a, bool trace,
	       unsigned max_spans)
{
	int err = trace ? dmasim_html_add_trace(*page, a, max_spans) :
		  dmasim_html_add_json(page, a);

	if (!err)
		return 0;
	if (trace)
		fprintf(stderr, "dmasim report: %s\n", dmasim_html_error(*page));
	else if (err == DMASIM_EIO)
		fprintf(stderr, "dmasim report: cannot read '%s': %s\n", a,
			strerror(errno));
	else if (err == DMASIM_EINVAL)
		fprintf(stderr, "dmasim report: '%s' is not a run's JSON "
			"results (expected the file dmasim run --json "
			"writes)\n", a);
	else
		fprintf(stderr, "dmasim report: '%s': %s\n", a,
			dmasim_strerror(err));
	return err == DMASIM_EIO ? EXIT_IO : err == DMASIM_EINVAL ?
	       EXIT_USAGE : EXIT_SCENARIO;
}

int report_main(int argc, char **argv)
{
	struct dmasim_html *page = NULL;
	const char *out = NULL;
	unsigned max_spans = 0;
	int status = 0, nruns = 0;

	for (int i = 0; i < argc && !status; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			report_usage(stdout);
			return 0;
		}
		if (!strcmp(argv[i], "--max-spans") &&
		    !(max_spans = max_spans_arg(argv[++i])))
			status = EXIT_USAGE;
	}
	for (int i = 0; i < argc && !status; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "-o") || !strcmp(a, "--trace") ||
		    !strcmp(a, "--max-spans")) {
			if (i + 1 >= argc) {
				fprintf(stderr, "dmasim report: %s needs a "
					"file (%s)\n", a, a[1] == 'o' ?
					"the page to write" :
					"the trace of the run before it, "
					"dmasim run --trace FILE.json");
				status = EXIT_USAGE;
			} else if (a[1] == 'o') {
				out = argv[++i];
			} else if (!strcmp(a, "--trace") && !nruns) {
				fprintf(stderr, "dmasim report: --trace %s "
					"comes before any RUN.json: expected "
					"each trace after its run's JSON\n",
					argv[i + 1]);
				status = EXIT_USAGE;
			} else if (!strcmp(a, "--trace")) {
				status = add(&page, argv[++i], true,
					     max_spans);
			} else {
				i++;
			}
			continue;
		}
		if (a[0] == '-' && a[1]) {
			fprintf(stderr, "dmasim report: unknown option '%s' "
				"(see dmasim report --help)\n", a);
			status = EXIT_USAGE;
			break;
		}
		status = add(&page, a, false, max_spans);
		nruns++;
	}
	if (!status && (!out || !nruns)) {
		fprintf(stderr, "dmasim report: expected RUN.json files and -o "
			"PAGE.html (see dmasim report --help)\n");
		status = EXIT_USAGE;
	}
	if (!status && dmasim_html_write(page, out)) {
		fprintf(stderr, "dmasim report: cannot write '%s': %s\n", out,
			strerror(errno));
		status = EXIT_IO;
	}
	dmasim_html_free(page);
	return status;
}
