/*
 * csv: results as CSV (RFC 4180), one row per run: every parameter in
 * force, then every reported figure, unformatted (4096, not 4KiB).  The
 * same code writes `dmasim run --csv` and `dmasim sweep --csv`, so a
 * sweep's row and a single run of the same point agree byte for byte.
 */
#ifndef DMASIM_CLI_CSV_H
#define DMASIM_CLI_CSV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "dmasim/dmasim.h"

/* One value of a row: a parameter or a result, or a note the CSV leaves
 * out (a claim's words, "<id>.claim", for a plot's titles). */
struct csv_val {
	bool result;
	bool note;
	char *name;
	char *unit;		/* "" when none */
	char *text;		/* unformatted */
	bool is_number;
	double number;
};

struct csv_row {
	struct csv_val *v;
	size_t n, cap;
};

/* Append a value (strings copied).  Returns 0 or -1 (out of memory). */
int csv_row_add(struct csv_row *row, bool result, const char *name,
		const char *unit, const char *text, bool is_number,
		double number);
/* Append a note (strings copied).  Returns 0 or -1 (out of memory). */
int csv_row_add_note(struct csv_row *row, const char *name,
		     const char *text);
/* The text of the note named so, or NULL. */
const char *csv_row_note(const struct csv_row *row, const char *name);
/* The row of a finished run: its parameters, then its results, then
 * each claim's words as a note. */
int csv_row_of_run(struct csv_row *row, const struct dmasim_run *run);
/* The value (not a note) named so, or NULL. */
const struct csv_val *csv_row_find(const struct csv_row *row, bool result,
				   const char *name);
void csv_row_free(struct csv_row *row);

/*
 * Write a header and one line per row.  The columns are every parameter
 * seen in any row (first seen first), then every result; a row lacking
 * one leaves its cell empty.  Returns 0 or -1 (out of memory); write
 * errors are the stream's (ferror).
 */
int csv_write(FILE *f, const struct csv_row *rows, size_t nrows);

/* csv_write() to the file at path, created or truncated.  Returns 0, or
 * -1 with errno saying why (the file may then be partly written). */
int csv_write_file(const char *path, const struct csv_row *rows,
		   size_t nrows);

#endif
