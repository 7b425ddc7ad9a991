/* report_cmd: dmasim report.  See report_cmd.h. */
#include "report_cmd.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static void report_usage(FILE *out)
{
	fprintf(out,
"usage: dmasim report RUN.json... -o PAGE.html\n"
"\n"
"Make one self-contained HTML page of the JSON results of runs (dmasim\n"
"run --json, dmasim tour --json DIR): for each run its parameters,\n"
"results, tables and claims (each with its error against the model, the\n"
"published figure, and the formula and mechanism where the scenario\n"
"gives them), and a chart of each claim's simulated value against its\n"
"model as inline SVG.  The page needs no network access.\n"
"\n"
"Options:\n"
"  -o FILE     the page to write (required)\n"
"  -h, --help  show this help\n"
"\n"
"Example:\n"
"  dmasim run scenarios/io_methods.lua --json run.json\n"
"  dmasim report run.json -o report.html\n");
}

int report_main(int argc, char **argv)
{
	struct dmasim_html *page = NULL;
	const char *out = NULL;
	int status = 0, nruns = 0;

	for (int i = 0; i < argc; i++)
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			report_usage(stdout);
			return 0;
		}
	for (int i = 0; i < argc && !status; i++) {
		const char *a = argv[i];
		int err;

		if (!strcmp(a, "-o")) {
			if (i + 1 >= argc) {
				fprintf(stderr, "dmasim report: -o needs a file "
					"(the page to write)\n");
				status = EXIT_USAGE;
			}
			out = i + 1 < argc ? argv[++i] : NULL;
			continue;
		}
		if (a[0] == '-' && a[1]) {
			fprintf(stderr, "dmasim report: unknown option '%s' "
				"(see dmasim report --help)\n", a);
			status = EXIT_USAGE;
			break;
		}
		err = dmasim_html_add_json(&page, a);
		if (err == DMASIM_EIO) {
			fprintf(stderr, "dmasim report: cannot read '%s': %s\n",
				a, strerror(errno));
			status = EXIT_IO;
		} else if (err) {
			fprintf(stderr, "dmasim report: '%s' is not a run's "
				"JSON results (expected the file dmasim run "
				"--json writes)\n", a);
			status = err == DMASIM_EINVAL ? EXIT_USAGE :
				 EXIT_SCENARIO;
		}
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
