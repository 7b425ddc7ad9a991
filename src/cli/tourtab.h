/*
 * tourtab: the tour's tables.  Rows are grouped by scenario under a line
 * naming the scenario and the command that reproduces its rows; each row
 * gives the claim's id (without the scenario's prefix), the model's and
 * the simulated values, their unit, the relative error, the tolerance,
 * the agreement, and the source's figure and whether it is reproduced.
 * It fits 100 columns; wide adds each claim in words.
 */
#ifndef DMASIM_CLI_TOURTAB_H
#define DMASIM_CLI_TOURTAB_H

#include <stdbool.h>
#include <limits.h>
#include <stddef.h>

/* One line of the tour's tables: a quantitative claim or a yes/no check. */
struct tour_row {
	char scenario[64];
	char path[PATH_MAX + 512];	/* as the reproducing commands name it */
	char id[96];
	char *claim;
	char model[48], sim[48], unit[24], err[16], tol[16], pub[48];
	int check, agree, data_wrong, published, reproduced;
};

/* Print the quantitative claims (check == 0) or the checks (check == 1),
 * each column as wide as its widest cell; returns how many it printed. */
int tourtab_print(const struct tour_row *r, size_t n, int check, bool wide);

/* path made absolute, without . and .. (as written when that fails), in
 * buf. */
const char *tourtab_path(const char *path, char *buf, size_t len);

#endif
