/* explain: dmasim tour --explain.  See explain.h. */
#include "explain.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

bool explain_match(const char *want, const char *scenario, const char *id)
{
	size_t n;

	if (!want)
		return true;
	if (!strcmp(want, id) || !strcmp(want, scenario))
		return true;
	n = strlen(want);
	return !strncmp(want, id, n) && id[n] == '.';
}

bool explain_scenario(const char *want, const char *scenario)
{
	size_t n = strlen(scenario);

	return !want || !strcmp(want, scenario) ||
	       (!strncmp(want, scenario, n) && want[n] == '.');
}

/* The line of the scenario file that names the claim's id, or 0. */
static int claim_line(const char *path, const char *id)
{
	char line[1024];
	int no = 0;
	FILE *f = fopen(path, "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		char *at;

		no++;
		at = strstr(line, id);
		if (at && at > line && (at[-1] == '"' || at[-1] == '\'') &&
		    (at[strlen(id)] == '"' || at[strlen(id)] == '\'')) {
			fclose(f);
			return no;
		}
	}
	fclose(f);
	return 0;
}

/* Print text wrapped at 76 columns, each line indented. */
static void wrap(FILE *out, const char *indent, const char *text)
{
	size_t col = 0, lim = 76 - strlen(indent);
	int pad = (int)strlen(indent);

	fputs(indent, out);
	while (*text) {
		size_t w = strcspn(text, " ");

		if (col && col + 1 + w > lim) {
			fprintf(out, "\n%*s", pad, "");
			col = 0;
		} else if (col) {
			fputc(' ', out);
			col++;
		}
		fwrite(text, 1, w, out);
		col += w;
		text += w;
		text += strspn(text, " ");
	}
	fputc('\n', out);
}

void explain_print(FILE *out, const char *path, const char *scenario,
		   const struct dmasim_claim *c)
{
	const char *u = *c->unit ? " " : "";
	int line = claim_line(path, c->id);
	char buf[512];

	fprintf(out, "%s\n", c->id);
	wrap(out, "  claim:      ", c->text);
	if (c->check) {
		fprintf(out, "  a yes/no check: expected %s, observed %s: %s\n",
			c->model != 0 ? "yes" : "no",
			c->simulated != 0 ? "yes" : "no",
			c->agree ? "passes" : "FAILS");
	} else {
		double err = c->model != 0 ? (c->simulated - c->model) /
			     fabs(c->model) : c->simulated - c->model;

		fprintf(out, "  model:      %.6g%s%s  (the closed form, from the "
			"parameters alone)\n", c->model, u, c->unit);
		if (c->formula)
			wrap(out, "  formula:    ", c->formula);
		fprintf(out, "  simulated:  %.6g%s%s  (emerged from the "
			"mechanism)\n", c->simulated, u, c->unit);
		fprintf(out, "  error:      %+.3g%% %s, tolerance %.3g%%: %s\n",
			err * 100, c->model != 0 ? "relative" : "absolute",
			c->tolerance * 100, c->agree ? "they agree" :
			c->data_wrong ? "DISAGREE (the data arrived wrong)" :
			"DISAGREE");
	}
	if (c->published_cmp != DMASIM_PUB_NONE)
		fprintf(out, "  published:  %s%.6g%s%s: %s\n",
			c->published_cmp == DMASIM_PUB_OVER ? "> " :
			c->published_cmp == DMASIM_PUB_UNDER ? "< " : "about ",
			c->published, u, c->unit, c->reproduced ?
			"reproduced" : "not reproduced");
	if (c->explain)
		wrap(out, "  mechanism:  ", c->explain);
	else
		fprintf(out, "  mechanism:  not written out for this claim; "
			"see the scenario's header\n");
	if (line)
		snprintf(buf, sizeof(buf), "%s:%d", path, line);
	else
		snprintf(buf, sizeof(buf), "%s", path);
	fprintf(out, "  defined at: %s\n", buf);
	fprintf(out, "  reproduce:  dmasim run %s\n", path);
	fprintf(out, "  sweep:      dmasim sweep %s -D NAME=A..B*2 --y %s.model,"
		"%s.simulated --plot %s.svg\n\n", path, c->id, c->id,
		scenario);
}
