/* tourtab: the tour's tables.  See tourtab.h. */
#define _XOPEN_SOURCE 700	/* realpath */
#include "tourtab.h"

#include <limits.h>
#include <stdlib.h>

#include <stdio.h>
#include <string.h>

/* The id without "scenario." in front. */
static const char *short_id(const struct tour_row *r)
{
	size_t n = strlen(r->scenario);

	if (!strncmp(r->id, r->scenario, n) && r->id[n] == '.')
		return r->id + n + 1;
	return r->id;
}

int tourtab_print(const struct tour_row *r, size_t n, int check, bool wide)
{
	const char *hdr[8] = { check ? "check" : "claim",
			       check ? "expected" : "model",
			       check ? "observed" : "simulated", "unit",
			       "error", "tol", "published", "" };
	size_t w[8];
	int count = 0;
	const char *last = NULL;

	for (int k = 0; k < 8; k++)
		w[k] = strlen(hdr[k]);
	for (size_t i = 0; i < n; i++) {
		const char *cell[7] = { short_id(&r[i]), r[i].model, r[i].sim,
					r[i].unit, r[i].err, r[i].tol,
					r[i].pub };

		if (r[i].check != check)
			continue;
		count++;
		for (int k = 0; k < 7; k++)
			if (strlen(cell[k]) + (k == 0 ? 2 : 0) > w[k])
				w[k] = strlen(cell[k]) + (k == 0 ? 2 : 0);
	}
	if (!count)
		return 0;
	if (check)
		printf("Checks (yes/no)\n%-*s  %*s  %*s  %s%s\n", (int)w[0],
		       hdr[0], (int)w[1], hdr[1], (int)w[2], hdr[2], "pass",
		       wide ? "  the check" : "");
	else
		printf("Quantitative claims (model against simulation)\n"
		       "%-*s %*s  %*s %-*s  %*s %*s  %-5s %*s  %s%s\n",
		       (int)w[0], hdr[0], (int)w[1], hdr[1], (int)w[2],
		       hdr[2], (int)w[3], hdr[3], (int)w[4], hdr[4],
		       (int)w[5], hdr[5], "agree", (int)w[6], hdr[6],
		       "repro", wide ? "  the claim" : "");
	for (size_t i = 0; i < n; i++) {
		const char *verdict = r[i].agree ? "yes" :
				      r[i].data_wrong ? "NO (data wrong)" :
				      "NO";

		if (r[i].check != check)
			continue;
		if (!last || strcmp(last, r[i].scenario)) {
			last = r[i].scenario;
			printf("%s  (dmasim run %s)\n", r[i].scenario,
			       r[i].path);
		}
		if (check) {
			printf("  %-*s  %*s  %*s  %s", (int)w[0] - 2,
			       short_id(&r[i]), (int)w[1], r[i].model,
			       (int)w[2], r[i].sim, verdict);
		} else {
			printf("  %-*s %*s  %*s %-*s  %*s %*s  %-5s %*s  "
			       "%s", (int)w[0] - 2, short_id(&r[i]),
			       (int)w[1], r[i].model, (int)w[2], r[i].sim,
			       (int)w[3], r[i].unit, (int)w[4], r[i].err,
			       (int)w[5], r[i].tol, verdict, (int)w[6],
			       r[i].pub, !r[i].published ? "-" :
			       r[i].reproduced ? "yes" : "no");
		}
		if (wide)
			printf("  %s", r[i].claim);
		printf("\n");
	}
	return count;
}

const char *tourtab_path(const char *path, char *buf, size_t len)
{
	char real[PATH_MAX];

	if (realpath(path, real) && strlen(real) < len)
		memcpy(buf, real, strlen(real) + 1);
	else
		snprintf(buf, len, "%s", path);
	return buf;
}
