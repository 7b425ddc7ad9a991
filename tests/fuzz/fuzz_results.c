/*
 * Fuzz target: the results writers.  The input is a program of reports
 * (named values of every type, parameters, tables, claims with any
 * doubles: NaN, infinities, huge and tiny ones) with arbitrary bytes in
 * names, units and cells.  Whatever it holds, the text report must print
 * and the JSON report must be valid JSON that reads back with as many
 * items and claims as were accepted; a crash, leak or sanitizer report is
 * a bug.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/results.h"

struct in {
	const uint8_t *p;
	size_t n;
};

static uint64_t take(struct in *in, unsigned bytes)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < bytes && in->n; i++, in->p++, in->n--)
		v |= (uint64_t)*in->p << (8 * i);
	return v;
}

static double take_double(struct in *in)
{
	uint64_t b = take(in, 8);
	double d;

	memcpy(&d, &b, sizeof(d));
	return d;
}

/* A string of up to 15 bytes from the input (any bytes but NUL). */
static char *take_str(struct in *in, char *buf)
{
	size_t len = (size_t)take(in, 1) % 16, k = 0;

	while (k < len && in->n) {
		buf[k] = (char)(*in->p ? *in->p : '?');
		k++, in->p++, in->n--;
	}
	buf[k] = '\0';
	return buf;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct in in = { data, size };
	struct results r;
	size_t items = 0, claims = 0;
	FILE *null = fopen("/dev/null", "w");

	if (!null)
		return 0;
	results_init(&r);
	while (in.n) {
		char a[16], b[16], c[16];
		struct rvalue v = { 0 };
		unsigned op = (unsigned)take(&in, 1) % 4;

		switch (op) {
		case 0:	/* a named value */
		case 1: {	/* a parameter */
			v.type = (enum rv_type)(take(&in, 1) % 4);
			v.i = (int64_t)take(&in, 8);
			v.d = take_double(&in);
			v.s = v.type == RV_STR ? take_str(&in, c) : NULL;
			take_str(&in, a);
			if (op == 0) {
				if (!results_add(&r, a, &v, take_str(&in, b)))
					items++;
			} else {
				results_add_param(&r, a, &v);
			}
			break;
		}
		case 2: {	/* a table of up to 3 x 3 */
			size_t ncols = 1 + take(&in, 1) % 3;
			size_t nrows = take(&in, 1) % 3;
			static char cell[12][16];
			const char *cells[12];

			for (size_t k = 0; k < (1 + nrows) * ncols; k++)
				cells[k] = take_str(&in, cell[k]);
			results_add_table(&r, take_str(&in, a), ncols, nrows,
					  cells);
			break;
		}
		default: {	/* a claim */
			struct claim_rec cr = { 0 };
			uint64_t flags = take(&in, 1);

			cr.id = take_str(&in, a);
			cr.text = take_str(&in, b);
			cr.unit = take_str(&in, c);
			cr.model = take_double(&in);
			cr.simulated = take_double(&in);
			cr.tolerance = take_double(&in);
			cr.check = flags & 1;
			cr.data_wrong = flags & 2;
			cr.published_cmp = (int)(flags >> 2) % 4;
			cr.published = take_double(&in);
			if (!results_add_claim(&r, &cr, NULL))
				claims++;
			break;
		}
		}
	}
	results_print(&r, null);
	fclose(null);
	json_t *j = results_json(&r, "fuzz", 1);

	if (j) {
		char *s = json_dumps(j, JSON_ENCODE_ANY);
		json_error_t err;
		json_t *back = s ? json_loads(s, 0, &err) : NULL;

		if (s && !back)
			abort();	/* the writer produced invalid JSON */
		/* nothing accepted is lost on the way (names are unique: a
		 * second value under one name was refused) */
		if (back && (json_object_size(json_object_get(back, "results"))
			     != items ||
			     json_array_size(json_object_get(back, "claims"))
			     != claims))
			abort();
		json_decref(back);
		free(s);
		json_decref(j);
	}
	results_fini(&r);
	return 0;
}
