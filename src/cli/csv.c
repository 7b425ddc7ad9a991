/* csv: rows of parameters and results.  See csv.h. */
#include "csv.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int csv_row_add(struct csv_row *row, bool result, const char *name,
		const char *unit, const char *text, bool is_number,
		double number)
{
	struct csv_val *v;

	if (row->n == row->cap) {
		size_t cap = row->cap ? row->cap * 2 : 16;
		struct csv_val *a = realloc(row->v, cap * sizeof(*a));

		if (!a)
			return -1;
		row->v = a;
		row->cap = cap;
	}
	v = &row->v[row->n];
	v->result = result;
	v->note = false;
	v->name = cli_strdup(name);
	v->unit = cli_strdup(unit ? unit : "");
	v->text = cli_strdup(text);
	v->is_number = is_number;
	v->number = number;
	if (!v->name || !v->unit || !v->text) {
		free(v->name);
		free(v->unit);
		free(v->text);
		return -1;
	}
	row->n++;
	return 0;
}

/* A claim's figure as a result "<id>.<what>", as unformatted as a
 * reported real (the shortest text that reads back the same). */
static int csv_claim(struct csv_row *row, const char *id, const char *what,
		     const char *unit, double x)
{
	char name[256], text[32];

	snprintf(name, sizeof(name), "%s.%s", id, what);
	if (x == floor(x) && fabs(x) < 1e15)
		snprintf(text, sizeof(text), "%.0f", x);
	else
		for (int prec = 1; prec <= 17; prec++) {
			snprintf(text, sizeof(text), "%.*g", prec, x);
			if (strtod(text, NULL) == x)
				break;
		}
	return csv_row_add(row, true, name, unit, text, true, x);
}

static int csv_claim_agree(struct csv_row *row, const char *id, int agree)
{
	char name[256];

	snprintf(name, sizeof(name), "%s.agree", id);
	return csv_row_add(row, true, name, "", agree ? "true" : "false",
			   false, 0);
}

int csv_row_of_run(struct csv_row *row, const struct dmasim_run *run)
{
	struct dmasim_value v;

	for (int i = 0; i < dmasim_run_param_count(run); i++) {
		dmasim_run_param(run, i, &v);
		if (csv_row_add(row, false, v.name, v.unit, v.text,
				v.is_number, v.number))
			return -1;
	}
	for (int i = 0; i < dmasim_run_result_count(run); i++) {
		dmasim_run_result(run, i, &v);
		if (csv_row_add(row, true, v.name, v.unit, v.text,
				v.is_number, v.number))
			return -1;
	}
	for (int i = 0; i < dmasim_run_claim_count(run); i++) {
		struct dmasim_claim c;

		dmasim_run_claim(run, i, &c);
		if (csv_claim(row, c.id, "model", c.unit, c.model) ||
		    csv_claim(row, c.id, "simulated", c.unit, c.simulated) ||
		    csv_claim_agree(row, c.id, c.agree))
			return -1;
	}
	for (int i = 0; i < dmasim_run_claim_count(run); i++) {
		struct dmasim_claim c;
		char name[256];

		dmasim_run_claim(run, i, &c);
		snprintf(name, sizeof(name), "%s.claim", c.id);
		if (csv_row_add_note(row, name, c.text ? c.text : ""))
			return -1;
	}
	return 0;
}

int csv_row_add_note(struct csv_row *row, const char *name,
		     const char *text)
{
	if (csv_row_add(row, true, name, "", text, false, 0))
		return -1;
	row->v[row->n - 1].note = true;
	return 0;
}

const char *csv_row_note(const struct csv_row *row, const char *name)
{
	for (size_t i = 0; i < row->n; i++)
		if (row->v[i].note && !strcmp(row->v[i].name, name))
			return row->v[i].text;
	return NULL;
}

const struct csv_val *csv_row_find(const struct csv_row *row, bool result,
				   const char *name)
{
	for (size_t i = 0; i < row->n; i++)
		if (row->v[i].result == result && !row->v[i].note &&
		    !strcmp(row->v[i].name, name))
			return &row->v[i];
	return NULL;
}

void csv_row_free(struct csv_row *row)
{
	for (size_t i = 0; i < row->n; i++) {
		free(row->v[i].name);
		free(row->v[i].unit);
		free(row->v[i].text);
	}
	free(row->v);
	memset(row, 0, sizeof(*row));
}

/* A cell, quoted when it holds a comma, a quote or a line break. */
static void csv_cell(FILE *f, const char *s)
{
	if (!strpbrk(s, ",\"\r\n")) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

int csv_write(FILE *f, const struct csv_row *rows, size_t nrows)
{
	struct csv_row cols = { 0 };	/* names only: the columns */

	/* Parameters, then results; columns are taken first from the rows
	 * that have results (a failed sweep point's row holds only its
	 * swept parameters), so a row's columns come in a run's order. */
	for (int pass = 0; pass < 4; pass++)
		for (size_t r = 0; r < nrows; r++)
			for (size_t i = 0; i < rows[r].n; i++) {
				const struct csv_val *v = &rows[r].v[i];
				bool full = rows[r].n && rows[r].v[rows[r].n - 1].result;

				if (v->note || v->result != (pass >= 2) ||
				    full != !(pass & 1) ||
				    csv_row_find(&cols, v->result, v->name))
					continue;
				if (csv_row_add(&cols, v->result, v->name, "",
						"", false, 0)) {
					csv_row_free(&cols);
					return -1;
				}
			}
	for (size_t c = 0; c < cols.n; c++) {
		if (c)
			fputc(',', f);
		csv_cell(f, cols.v[c].name);
	}
	fputc('\n', f);
	for (size_t r = 0; r < nrows; r++) {
		for (size_t c = 0; c < cols.n; c++) {
			const struct csv_val *v = csv_row_find(
				&rows[r], cols.v[c].result, cols.v[c].name);

			if (c)
				fputc(',', f);
			if (v)
				csv_cell(f, v->text);
		}
		fputc('\n', f);
	}
	csv_row_free(&cols);
	return 0;
}

int csv_write_file(const char *path, const struct csv_row *rows,
		   size_t nrows)
{
	FILE *f = fopen(path, "w");
	int err;

	if (!f)
		return -1;
	err = csv_write(f, rows, nrows) || ferror(f) ? -1 : 0;
	if (fclose(f))
		err = -1;
	return err;
}
