/* runview: --stats, --timeline and the summary of dmasim run.  See
 * runview.h. */
#include "runview.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int runview_option(struct runview *v, int argc, char **argv, int *i)
{
	const char *a = argv[*i];

	if (!strcmp(a, "--stats") || !strcmp(a, "--stats=text") ||
	    !strcmp(a, "--stats=json")) {
		if (*i + 1 >= argc) {
			fprintf(stderr, "dmasim run: %s needs a file (or - for "
				"standard output)\n", a);
			return -1;
		}
		v->stats = argv[++*i];
		v->stats_json = !strcmp(a, "--stats=json");
		return 1;
	}
	if (!strncmp(a, "--stats=", 8)) {
		fprintf(stderr, "dmasim run: %s: expected --stats=text or "
			"--stats=json\n", a);
		return -1;
	}
	if (!strcmp(a, "--timeline")) {
		v->timeline = true;
		return 1;
	}
	if (!strcmp(a, "--timeline-width")) {
		uint64_t w;

		if (*i + 1 >= argc || cli_parse_seed(argv[*i + 1], &w) ||
		    w < 10 || w > 1000) {
			fprintf(stderr, "dmasim run: --timeline-width %s: "
				"expected a number of columns from 10 to "
				"1000\n", *i + 1 < argc ? argv[*i + 1] : "");
			return -1;
		}
		++*i;
		v->width = (unsigned)w;
		v->timeline = true;
		return 1;
	}
	if (!strcmp(a, "--no-summary")) {
		v->no_summary = true;
		return 1;
	}
	return 0;
}

int runview_setup(const struct runview *v, struct dmasim_run *run,
		  uint64_t from, uint64_t to)
{
	if (!v->timeline)
		return 0;
	return dmasim_run_set_timeline(run, stdout, from, to,
				       v->width ? v->width : 100);
}

int runview_finish(const struct runview *v, const struct dmasim_run *run,
		   bool quiet)
{
	FILE *f;
	int err;

	if (!quiet && !v->no_summary) {
		printf("\n");
		dmasim_run_print_summary(run, stdout);
	}
	if (!v->stats)
		return 0;
	f = strcmp(v->stats, "-") ? fopen(v->stats, "w") : stdout;
	if (!f) {
		fprintf(stderr, "dmasim: cannot write the statistics to '%s': "
			"%s\n", v->stats, strerror(errno));
		return EXIT_IO;
	}
	err = dmasim_run_write_stats(run, f, v->stats_json);
	if (f != stdout)
		err |= fclose(f);
	else
		fflush(f);
	if (err) {
		fprintf(stderr, "dmasim: cannot write the statistics to '%s'\n",
			v->stats);
		return EXIT_IO;
	}
	return 0;
}
