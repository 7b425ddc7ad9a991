/* results: the run's report as text and JSON.  See results.h. */
#include "results.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/alloc.h"
#include "kernel/sim.h"
#include "kernel/util.h"
#include "kernel/vec.h"

/* A number in JSON, which has no NaN or infinities: those are written as
 * the strings "nan", "inf" and "-inf" rather than dropped. */
static json_t *json_num(double d)
{
	if (isfinite(d))
		return json_real(d);
	return json_string(isnan(d) ? "nan" : d > 0 ? "inf" : "-inf");
}

/* Bytes of the valid UTF-8 sequence at s (1..4), or 0 when s does not
 * start one (a stray continuation byte, an overlong form, a surrogate, a
 * code point past U+10FFFF, or a sequence cut short). */
static size_t utf8_seq(const unsigned char *s)
{
	unsigned char c = s[0];
	size_t n;
	uint32_t cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2, cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3, cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4, cp = c & 0x07;
	else
		return 0;
	for (size_t k = 1; k < n; k++) {
		if ((s[k] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[k] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return n;
}

/*
 * A copy of s that is valid UTF-8, each byte that is not part of a valid
 * sequence replaced by U+FFFD.  JSON strings must be UTF-8; without this a
 * name, cell or claim holding other bytes (a scenario's binary string)
 * would be refused by the JSON writer and vanish from the report.
 */
static char *text_dup(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t len = 0, bad = 0;
	char *out, *o;

	for (size_t k = 0, n; u[k]; k += n ? n : 1) {
		n = utf8_seq(u + k);
		len += n ? n : 3;
		bad += !n;
	}
	if (!bad)
		return util_strdup(s);
	out = dm_malloc(len + 1);
	if (!out)
		return NULL;
	o = out;
	for (size_t k = 0, n; u[k]; k += n ? n : 1) {
		n = utf8_seq(u + k);
		if (n) {
			memcpy(o, u + k, n);
			o += n;
		} else {
			memcpy(o, "\xef\xbf\xbd", 3);	/* U+FFFD */
			o += 3;
		}
	}
	*o = '\0';
	return out;
}

void results_init(struct results *r)
{
	memset(r, 0, sizeof(*r));
	r->systems = json_array();
	r->names = json_object();
}

static void item_free(struct result_item *it)
{
	dm_free(it->name);
	dm_free(it->unit);
	dm_free(it->v.s);
}

void results_fini(struct results *r)
{
	for (size_t i = 0; i < r->nitems; i++)
		item_free(&r->items[i]);
	for (size_t i = 0; i < r->nparams; i++)
		item_free(&r->params[i]);
	for (size_t i = 0; i < r->ntables; i++) {
		struct result_table *t = &r->tables[i];

		for (size_t c = 0; c < (t->nrows + 1) * t->ncols; c++)
			dm_free(t->cells[c]);
		dm_free(t->cells);
		dm_free(t->title);
	}
	for (size_t i = 0; i < r->nclaims; i++) {
		dm_free(r->claims[i].id);
		dm_free(r->claims[i].text);
		dm_free(r->claims[i].unit);
		dm_free(r->claims[i].formula);
		dm_free(r->claims[i].explain);
	}
	dm_free(r->items);
	dm_free(r->params);
	dm_free(r->tables);
	dm_free(r->claims);
	json_decref(r->systems);
	json_decref(r->names);
	memset(r, 0, sizeof(*r));
}

static int item_set(struct result_item *it, const char *name,
		    const struct rvalue *v, const char *unit)
{
	it->name = text_dup(name);
	it->unit = text_dup(unit);
	it->v = *v;
	it->v.s = v->type == RV_STR ? text_dup(v->s) : NULL;
	if (!it->name || !it->unit || (v->type == RV_STR && !it->v.s)) {
		item_free(it);
		return DMASIM_ENOMEM;
	}
	return 0;
}

int results_add(struct results *r, const char *name, const struct rvalue *v,
		const char *unit)
{
	int err;

	if (!r->names)
		return DMASIM_ENOMEM;
	VEC_RESERVE(r->items, r->nitems, r->capitems, return DMASIM_ENOMEM);
	err = item_set(&r->items[r->nitems], name, v, unit);
	if (err)
		return err;
	name = r->items[r->nitems].name;	/* as made valid UTF-8 */
	if (json_object_get(r->names, name)) {
		item_free(&r->items[r->nitems]);
		return DMASIM_EINVAL;
	}
	if (json_object_set_new(r->names, name, json_null())) {
		item_free(&r->items[r->nitems]);
		return DMASIM_ENOMEM;
	}
	r->nitems++;
	return 0;
}

int results_add_param(struct results *r, const char *name,
		      const struct rvalue *v)
{
	int err;

	VEC_RESERVE(r->params, r->nparams, r->capparams, return DMASIM_ENOMEM);
	err = item_set(&r->params[r->nparams], name, v, "");
	if (!err)
		r->nparams++;
	return err;
}

int results_add_table(struct results *r, const char *title, size_t ncols,
		      size_t nrows, const char *const *cells)
{
	struct result_table *t;
	size_t n = (nrows + 1) * ncols;

	VEC_RESERVE(r->tables, r->ntables, r->captables, return DMASIM_ENOMEM);
	t = &r->tables[r->ntables];
	t->title = text_dup(title);
	t->cells = dm_calloc(n ? n : 1, sizeof(char *));
	if (!t->title || !t->cells) {
		dm_free(t->title);
		dm_free(t->cells);
		return DMASIM_ENOMEM;
	}
	t->ncols = ncols;
	t->nrows = nrows;
	for (size_t i = 0; i < n; i++) {
		t->cells[i] = text_dup(cells[i]);
		if (!t->cells[i]) {
			for (size_t j = 0; j < i; j++)
				dm_free(t->cells[j]);
			dm_free(t->cells);
			dm_free(t->title);
			return DMASIM_ENOMEM;
		}
	}
	r->ntables++;
	return 0;
}

bool results_agree(double model, double simulated, double tolerance)
{
	double scale = fabs(model) > 0 ? fabs(model) : 1.0;

	return fabs(simulated - model) <= tolerance * scale;
}

bool results_reproduced(int cmp, double published, double simulated,
			double tolerance)
{
	switch (cmp) {
	case DMASIM_PUB_ABOUT:
		return results_agree(published, simulated, tolerance);
	case DMASIM_PUB_OVER:
		return simulated > published;
	case DMASIM_PUB_UNDER:
		return simulated < published;
	default:
		return false;
	}
}

const char *results_published_format(int cmp, double published,
				     const char *unit, char *buf, size_t len)
{
	static const char *const rel[] = { "", "about ", "> ", "< " };

	if (cmp <= DMASIM_PUB_NONE || cmp > DMASIM_PUB_UNDER)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%s%.6g%s%s", rel[cmp], published,
			 unit && *unit ? " " : "", unit ? unit : "");
	return buf;
}

int results_add_claim(struct results *r, const struct claim_rec *in,
		      bool *agree)
{
	struct claim_rec *c;

	VEC_RESERVE(r->claims, r->nclaims, r->capclaims, return DMASIM_ENOMEM);
	c = &r->claims[r->nclaims];
	*c = *in;
	c->id = text_dup(in->id);
	c->text = text_dup(in->text);
	c->unit = text_dup(in->unit ? in->unit : "");
	c->formula = in->formula ? text_dup(in->formula) : NULL;
	c->explain = in->explain ? text_dup(in->explain) : NULL;
	if (!c->id || !c->text || !c->unit || (in->formula && !c->formula) ||
	    (in->explain && !c->explain)) {
		dm_free(c->id);
		dm_free(c->text);
		dm_free(c->unit);
		dm_free(c->formula);
		dm_free(c->explain);
		return DMASIM_ENOMEM;
	}
	c->agree = !c->data_wrong &&
		   results_agree(c->model, c->simulated, c->tolerance);
	c->reproduced = results_reproduced(c->published_cmp, c->published,
					   c->simulated, c->tolerance);
	if (agree)
		*agree = c->agree;
	r->nclaims++;
	return 0;
}

int results_reserve_system(struct results *r)
{
	if (json_array_append_new(r->systems, json_null()))
		return -1;
	return (int)json_array_size(r->systems) - 1;
}

static json_t *stat_json(const struct stat_entry *e, uint64_t now)
{
	if (e->kind == STAT_COUNTER)
		return json_integer((json_int_t)stat_count(e));
	if (e->kind == STAT_HIST) {
		const struct stat_hist *h = e->ptr;

		return json_pack("{sI sI sI so}", "count", (json_int_t)h->count,
				 "min", (json_int_t)(h->count ? h->min : 0),
				 "max", (json_int_t)h->max, "mean",
				 json_num(stat_hist_mean(h)));
	}
	return json_num(stat_read(e, now));
}

int results_snapshot_system(struct results *r, int i, const char *name,
			    const struct sim *sim)
{
	json_t *stats = json_object();
	json_t *sys;

	if (!stats)
		return DMASIM_ENOMEM;
	for (size_t k = 0; k < sim->stats.len; k++) {
		const struct stat_entry *e = &sim->stats.v[k];

		json_object_set_new(stats, e->name, stat_json(e, sim->now));
	}
	sys = json_pack("{ss sI sI so}", "name", name, "time_ps",
			(json_int_t)sim->now, "events", (json_int_t)sim->events,
			"stats", stats);
	if (!sys || json_array_set_new(r->systems, (size_t)i, sys))
		return DMASIM_ENOMEM;
	return 0;
}

const char *rvalue_format(const struct rvalue *v, char *buf, size_t len)
{
	switch (v->type) {
	case RV_INT:
		snprintf(buf, len, "%" PRId64, v->i);
		break;
	case RV_REAL:
		snprintf(buf, len, "%.6g", v->d);
		break;
	case RV_BOOL:
		snprintf(buf, len, "%s", v->i ? "true" : "false");
		break;
	case RV_STR:
		return v->s;	/* whole, however long */
	}
	return buf;
}

static json_t *rvalue_json(const struct rvalue *v)
{
	switch (v->type) {
	case RV_INT:
		return json_integer(v->i);
	case RV_REAL:
		return json_num(v->d);
	case RV_BOOL:
		return json_boolean(v->i);
	case RV_STR:
		return json_string(v->s);
	}
	return json_null();
}

void results_print_table(FILE *out, const char *title, size_t ncols,
			 size_t nrows, const char *const *cells)
{
	size_t width[64] = { 0 };

	if (ncols > 64)
		ncols = 64;
	for (size_t r = 0; r <= nrows; r++)
		for (size_t c = 0; c < ncols; c++) {
			size_t w = strlen(cells[r * ncols + c]);

			if (w > width[c])
				width[c] = w;
		}
	if (title && *title)
		fprintf(out, "\n%s\n", title);
	for (size_t r = 0; r <= nrows; r++) {
		for (size_t c = 0; c < ncols; c++) {
			const char *s = cells[r * ncols + c];

			fprintf(out, "%s%-*s", c ? "  " : "",
				c + 1 < ncols ? (int)width[c] : 0, s);
		}
		fputc('\n', out);
		if (r == 0) {
			for (size_t c = 0; c < ncols; c++) {
				fprintf(out, "%s", c ? "  " : "");
				for (size_t k = 0; k < width[c]; k++)
					fputc('-', out);
			}
			fputc('\n', out);
		}
	}
}

int results_print(const struct results *r, FILE *out)
{
	char buf[64];

	for (size_t i = 0; i < r->nitems; i++) {
		const struct result_item *it = &r->items[i];

		fprintf(out, "%s %s%s%s\n", it->name,
			rvalue_format(&it->v, buf, sizeof(buf)),
			*it->unit ? " " : "", it->unit);
	}
	for (size_t i = 0; i < r->ntables; i++) {
		const struct result_table *t = &r->tables[i];

		results_print_table(out, t->title, t->ncols, t->nrows,
				    (const char *const *)t->cells);
	}
	if (r->nclaims) {
		size_t n = (r->nclaims + 1) * 5;
		const char **cells = dm_calloc(n, sizeof(char *));
		char *store = dm_calloc(r->nclaims * 4, 48);

		if (!cells || !store) {
			dm_free(cells);
			dm_free(store);
			return DMASIM_ENOMEM;
		}
		cells[0] = "claim";
		cells[1] = "model";
		cells[2] = "simulated";
		cells[3] = "tolerance";
		cells[4] = "agree";
		for (size_t i = 0; i < r->nclaims; i++) {
			const struct claim_rec *c = &r->claims[i];
			char *s = store + i * 4 * 48;
			const char **row = cells + (i + 1) * 5;

			snprintf(s, 48, "%.6g%s%s", c->model,
				 *c->unit ? " " : "", c->unit);
			snprintf(s + 48, 48, "%.6g%s%s", c->simulated,
				 *c->unit ? " " : "", c->unit);
			snprintf(s + 96, 48, "%.3g%%", c->tolerance * 100);
			row[0] = c->text;
			row[1] = s;
			row[2] = s + 48;
			row[3] = s + 96;
			row[4] = c->agree ? "yes" : c->data_wrong ?
				 "NO (data wrong)" : "NO";
		}
		results_print_table(out, "Claims", 5, r->nclaims, cells);
		dm_free(cells);
		dm_free(store);
	}
	return 0;
}

json_t *results_json(const struct results *r, const char *scenario,
		     uint64_t seed)
{
	json_t *root = json_object();
	json_t *params = json_object();
	json_t *items = json_object();
	json_t *tables = json_array();
	json_t *claims = json_array();

	if (!root || !params || !items || !tables || !claims)
		goto err;
	for (size_t i = 0; i < r->nparams; i++)
		json_object_set_new(params, r->params[i].name,
				    rvalue_json(&r->params[i].v));
	for (size_t i = 0; i < r->nitems; i++) {
		const struct result_item *it = &r->items[i];

		if (*it->unit)
			json_object_set_new(items, it->name,
					    json_pack("{so ss}", "value",
						      rvalue_json(&it->v),
						      "unit", it->unit));
		else
			json_object_set_new(items, it->name,
					    rvalue_json(&it->v));
	}
	for (size_t i = 0; i < r->ntables; i++) {
		const struct result_table *t = &r->tables[i];
		json_t *cols = json_array(), *rows = json_array();

		for (size_t c = 0; c < t->ncols; c++)
			json_array_append_new(cols, json_string(t->cells[c]));
		for (size_t k = 0; k < t->nrows; k++) {
			json_t *row = json_array();

			for (size_t c = 0; c < t->ncols; c++)
				json_array_append_new(row, json_string(
					t->cells[(k + 1) * t->ncols + c]));
			json_array_append_new(rows, row);
		}
		json_array_append_new(tables,
				      json_pack("{ss so so}", "title", t->title,
						"columns", cols, "rows", rows));
	}
	for (size_t i = 0; i < r->nclaims; i++) {
		const struct claim_rec *c = &r->claims[i];
		static const char *const rel[] = { "none", "about", "over",
						   "under" };
		json_t *o = json_pack(
			"{ss ss ss ss so so so sb sb}", "id", c->id, "claim",
			c->text, "kind", c->check ? "check" : "quantity",
			"unit", c->unit, "model", json_num(c->model),
			"simulated", json_num(c->simulated), "tolerance",
			json_num(c->tolerance), "data_intact",
			!c->data_wrong, "agree", c->agree);

		if (o && c->published_cmp != DMASIM_PUB_NONE) {
			json_object_set_new(o, "published", json_pack(
				"{ss so sb}", "relation",
				rel[c->published_cmp], "value",
				json_num(c->published),
				"reproduced", c->reproduced));
		}
		if (o && c->formula)
			json_object_set_new(o, "formula",
					    json_string(c->formula));
		if (o && c->explain)
			json_object_set_new(o, "explain",
					    json_string(c->explain));
		json_array_append_new(claims, o);
	}
	json_object_set_new(root, "dmasim", json_string(DMASIM_VERSION));
	json_object_set_new(root, "scenario", json_string(scenario));
	json_object_set_new(root, "seed", json_integer((json_int_t)seed));
	json_object_set_new(root, "params", params);
	json_object_set_new(root, "results", items);
	json_object_set_new(root, "tables", tables);
	json_object_set_new(root, "claims", claims);
	json_object_set(root, "systems", r->systems);
	return root;
err:
	json_decref(root);
	json_decref(params);
	json_decref(items);
	json_decref(tables);
	json_decref(claims);
	return NULL;
}
