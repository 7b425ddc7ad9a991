/*
 * results: what a run reports, kept in the order it was reported: named
 * values (with a unit), tables, claims checked against their closed-form
 * models, the parameters in force and a statistics snapshot of each system.
 * Printed as readable text or written as JSON (jansson).
 */
#ifndef DMASIM_REPORT_RESULTS_H
#define DMASIM_REPORT_RESULTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "dmasim/dmasim.h"
#include "kernel/base.h"

struct sim;

enum rv_type { RV_INT, RV_REAL, RV_STR, RV_BOOL };

struct rvalue {
	enum rv_type type;
	int64_t i;
	double d;
	char *s;
};

struct result_item {
	char *name;
	char *unit;
	struct rvalue v;
};

struct result_table {
	char *title;
	size_t ncols, nrows;
	char **cells;		/* (1 + nrows) * ncols: the header row first */
};

struct claim_rec {
	char *id, *text, *unit;
	double model, simulated, tolerance;
	bool check;		/* a yes/no check, not a quantity */
	bool data_wrong;	/* the data the mechanism moved arrived wrong */
	int published_cmp;	/* DMASIM_PUB_* */
	double published;	/* the source's figure, in unit */
	bool agree;		/* derived: the model's value and the data */
	bool reproduced;	/* derived: the published figure */
	char *formula;		/* the model written out, or NULL */
	char *explain;		/* the mechanism in words, or NULL */
};

struct results {
	struct result_item *items;
	size_t nitems, capitems;
	struct result_table *tables;
	size_t ntables, captables;
	struct claim_rec *claims;
	size_t nclaims, capclaims;
	struct result_item *params;
	size_t nparams, capparams;
	json_t *systems;	/* array of statistics snapshots */
	json_t *names;		/* the items' names, an index (values null) */
};

void results_init(struct results *r);
void results_fini(struct results *r);

/* Each returns 0 or DMASIM_ENOMEM; strings are copied.  results_add
 * returns DMASIM_EINVAL for a name already reported (a second value would
 * silently replace the first in the JSON). */
int results_add(struct results *r, const char *name, const struct rvalue *v,
		const char *unit);
int results_add_param(struct results *r, const char *name,
		      const struct rvalue *v);
/* cells: (1 + nrows) * ncols strings, header first; copied. */
int results_add_table(struct results *r, const char *title, size_t ncols,
		      size_t nrows, const char *const *cells);
/* in: id, text, unit (strings, copied), model, simulated, tolerance,
 * check, data_wrong, published_cmp, published; agree and reproduced are
 * derived.  OUT: *agree (may be NULL). */
int results_add_claim(struct results *r, const struct claim_rec *in,
		      bool *agree);
/* Reserve a slot for a system's statistics; returns its index or < 0. */
int results_reserve_system(struct results *r);
/* Fill slot i with the statistics of sim as they stand. */
int results_snapshot_system(struct results *r, int i, const char *name,
			    const struct sim *sim);

/* Agreement rule used for every claim: |sim - model| <= tol * |model|
 * (or <= tol when the model is 0). */
bool results_agree(double model, double simulated, double tolerance);
/* Whether the simulated value matches a published figure stated as cmp
 * (DMASIM_PUB_ABOUT: within tolerance of it; _OVER: above; _UNDER: below);
 * false for DMASIM_PUB_NONE. */
bool results_reproduced(int cmp, double published, double simulated,
			double tolerance);
/* "about 1.58", "> 200000", "< 3" (or "-" when none) into buf. */
const char *results_published_format(int cmp, double published,
				     const char *unit, char *buf, size_t len);

/* Format a value for text output: a number or boolean into buf (32 bytes
 * hold any), returning buf; a string is returned as it is, never cut. */
const char *rvalue_format(const struct rvalue *v, char *buf, size_t len);

int results_print(const struct results *r, FILE *out);
/* The whole report as a JSON object (new reference), or NULL. */
json_t *results_json(const struct results *r, const char *scenario,
		     uint64_t seed);
/* Print a text table with aligned columns. */
void results_print_table(FILE *out, const char *title, size_t ncols,
			 size_t nrows, const char *const *cells);

#endif
