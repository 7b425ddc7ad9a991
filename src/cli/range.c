/* range: swept parameters and their grid of points.  See range.h. */
#include "range.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static int axis_push(struct range_axis *a, const char *text, size_t len,
		     double num)
{
	char **t = realloc(a->text, (a->n + 1) * sizeof(*t));
	double *v;

	if (!t)
		return -1;
	a->text = t;
	v = realloc(a->num, (a->n + 1) * sizeof(*v));
	if (!v)
		return -1;
	a->num = v;
	if (!(a->text[a->n] = cli_memdup(text, len)))
		return -1;
	a->num[a->n++] = num;
	return 0;
}

/* A range value as text: base units, 12 significant digits, which hides
 * the rounding of A + i*S (0.30000000000000004 is 0.3). */
static int axis_push_num(struct range_axis *a, double v)
{
	char buf[40];

	snprintf(buf, sizeof(buf), "%.12g", v);
	return axis_push(a, buf, strlen(buf), strtod(buf, NULL));
}

/* Whether the next value v would repeat the last one (as written): a step
 * below the precision of the range's values. */
static bool axis_repeats(const struct range_axis *a, double v)
{
	char buf[40];

	snprintf(buf, sizeof(buf), "%.12g", v);
	return a->n && !strcmp(a->text[a->n - 1], buf);
}

/* Two units that can share an axis: equal, or one of them plain. */
static int unit_merge(enum dmasim_unit *u, enum dmasim_unit v)
{
	if (v == DMASIM_UNIT_NONE || v == *u)
		return 0;
	if (*u != DMASIM_UNIT_NONE)
		return -1;
	*u = v;
	return 0;
}

/* The step operator of "A..B*R" or "A..B+S": the '*', or the last '+'
 * that is not an exponent's sign. */
static const char *range_op(const char *rest)
{
	const char *star = strchr(rest, '*'), *plus = NULL;

	if (star)
		return star;
	for (const char *p = rest; *p; p++)
		if (*p == '+' && p > rest && p[-1] != 'e' && p[-1] != 'E')
			plus = p;
	return plus;
}

static int parse_range(struct range_axis *a, const char *name,
		       const char *spec, const char *dots, const char *who)
{
	const char *rest = dots + 2, *op = range_op(rest);
	char *lo_s = cli_memdup(spec, (size_t)(dots - spec)), *hi_s = NULL;
	enum dmasim_unit ulo, uhi, ustep;
	double lo, hi, step;
	int err = -1;

	if (!lo_s)
		goto oom;
	if (!op) {
		fprintf(stderr, "%s: -D %s=%s: expected A..B*R (geometric) or "
			"A..B+S (arithmetic), e.g. 4KiB..16MiB*2 or 0..1+0.1\n",
			who, name, spec);
		goto out;
	}
	if (!(hi_s = cli_memdup(rest, (size_t)(op - rest))))
		goto oom;
	if (dmasim_parse_value(lo_s, &ulo, &lo) ||
	    dmasim_parse_value(hi_s, &uhi, &hi) ||
	    dmasim_parse_value(op + 1, &ustep, &step)) {
		fprintf(stderr, "%s: -D %s=%s: the ends and the step must be "
			"numbers, optionally with a unit (4KiB, 100ns, 2GHz)\n",
			who, name, spec);
		goto out;
	}
	a->unit = ulo;
	if (unit_merge(&a->unit, uhi) ||
	    (*op == '+' && unit_merge(&a->unit, ustep))) {
		fprintf(stderr, "%s: -D %s=%s: the ends%s must have the same "
			"kind of unit\n", who, name, spec,
			*op == '+' ? " and the step" : "");
		goto out;
	}
	if (hi < lo) {
		fprintf(stderr, "%s: -D %s=%s: the range ends before it starts: "
			"expected A <= B\n", who, name, spec);
		goto out;
	}
	a->numeric = true;
	if (*op == '*') {
		if (ustep != DMASIM_UNIT_NONE || !(step > 1) || !(lo > 0)) {
			fprintf(stderr, "%s: -D %s=%s: a geometric range needs "
				"A > 0 and a ratio R > 1 without a unit "
				"(e.g. 4KiB..16MiB*2)\n", who, name, spec);
			goto out;
		}
		a->kind = RANGE_GEOM;
		a->ratio = step;
		for (double v = lo; v <= hi * (1 + 1e-12); v *= step) {
			if (a->n == RANGE_MAX_VALUES)
				goto too_many;
			if (axis_repeats(a, v))
				goto repeats;
			if (axis_push_num(a, v))
				goto oom;
		}
	} else {
		if (!(step > 0)) {
			fprintf(stderr, "%s: -D %s=%s: an arithmetic range needs a "
				"step S > 0 (e.g. 0..1+0.1)\n", who, name, spec);
			goto out;
		}
		a->kind = RANGE_ARITH;
		if ((hi - lo) / step >= RANGE_MAX_VALUES)
			goto too_many;
		for (size_t i = 0; lo + (double)i * step <= hi + step * 1e-9;
		     i++) {
			/* The count above may be rounded: bound the walk. */
			if (a->n == RANGE_MAX_VALUES)
				goto too_many;
			if (axis_repeats(a, lo + (double)i * step))
				goto repeats;
			if (axis_push_num(a, lo + (double)i * step))
				goto oom;
		}
	}
	err = 0;
	goto out;
repeats:
	fprintf(stderr, "%s: -D %s=%s: the step is below the precision of the "
		"values (%s repeats): expected a step that changes the "
		"twelfth significant digit\n", who, name, spec,
		a->text[a->n - 1]);
	goto out;
too_many:
	fprintf(stderr, "%s: -D %s=%s: more than %d values: expected a "
		"shorter range or a larger step\n", who, name, spec,
		RANGE_MAX_VALUES);
	goto out;
oom:
	fprintf(stderr, "%s: out of memory\n", who);
out:
	free(lo_s);
	free(hi_s);
	return err;
}

static int parse_list(struct range_axis *a, const char *name,
		      const char *spec, const char *who)
{
	const char *p = spec;

	a->kind = RANGE_LIST;
	a->numeric = true;
	a->unit = DMASIM_UNIT_NONE;
	for (;;) {
		size_t n = strcspn(p, ",");
		enum dmasim_unit u;
		double v = NAN;

		if (!n) {
			fprintf(stderr, "%s: -D %s=%s: an empty value: expected "
				"a,b,c\n", who, name, spec);
			return -1;
		}
		if (axis_push(a, p, n, NAN)) {
			fprintf(stderr, "%s: out of memory\n", who);
			return -1;
		}
		if (a->numeric &&
		    !dmasim_parse_value(a->text[a->n - 1], &u, &v) &&
		    !unit_merge(&a->unit, u))
			a->num[a->n - 1] = v;
		else
			a->numeric = false;
		if (a->n > RANGE_MAX_VALUES) {
			fprintf(stderr, "%s: -D %s: more than %d values\n",
				who, name, RANGE_MAX_VALUES);
			return -1;
		}
		if (!p[n])
			return 0;
		p += n + 1;
	}
}

int range_add(struct range_grid *g, const char *def, const char *who)
{
	const char *eq = strchr(def, '=');
	struct range_axis *a, *axes;
	const char *dots;

	if (!eq || eq == def || !eq[1]) {
		fprintf(stderr, "%s: -D %s: expected name=VALUES (a,b,c or "
			"A..B*R or A..B+S)\n", who, def);
		return -1;
	}
	for (size_t k = 0; k < g->naxes; k++)
		if (strlen(g->axes[k].name) == (size_t)(eq - def) &&
		    !strncmp(g->axes[k].name, def, (size_t)(eq - def))) {
			fprintf(stderr, "%s: -D %s: '%s' is already swept: "
				"expected each parameter once\n", who, def,
				g->axes[k].name);
			return -1;
		}
	axes = realloc(g->axes, (g->naxes + 1) * sizeof(*axes));
	if (!axes)
		return -1;
	g->axes = axes;
	a = &axes[g->naxes++];
	memset(a, 0, sizeof(*a));
	if (!(a->name = cli_memdup(def, (size_t)(eq - def))))
		return -1;
	dots = strstr(eq + 1, "..");
	return dots ? parse_range(a, a->name, eq + 1, dots, who)
		    : parse_list(a, a->name, eq + 1, who);
}

int range_count(struct range_grid *g, const char *who)
{
	g->npoints = 1;
	for (size_t k = 0; k < g->naxes; k++) {
		if (!g->axes[k].n ||
		    g->npoints > RANGE_MAX_POINTS / g->axes[k].n) {
			fprintf(stderr, "%s: more than %d points: expected "
				"fewer or shorter ranges\n", who,
				RANGE_MAX_POINTS);
			return -1;
		}
		g->npoints *= g->axes[k].n;
	}
	return 0;
}

size_t range_index(const struct range_grid *g, size_t p, size_t k)
{
	for (size_t j = g->naxes; j-- > k + 1;)
		p /= g->axes[j].n;
	return p % g->axes[k].n;
}

char *range_point_name(const struct range_grid *g, size_t p, char *buf,
		       size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t k = 0; k < g->naxes && used < len; k++) {
		const struct range_axis *a = &g->axes[k];
		int n = snprintf(buf + used, len - used, "%s%s=%s",
				 k ? ", " : "", a->name,
				 a->text[range_index(g, p, k)]);

		if (n < 0)
			break;
		used += (size_t)n;
	}
	return buf;
}

void range_free(struct range_grid *g)
{
	for (size_t k = 0; k < g->naxes; k++) {
		struct range_axis *a = &g->axes[k];

		for (size_t i = 0; i < a->n; i++)
			free(a->text[i]);
		free(a->text);
		free(a->num);
		free(a->name);
	}
	free(g->axes);
	g->axes = NULL;
	g->naxes = 0;
}
