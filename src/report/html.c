/*
 * html: one self-contained HTML page of one or more runs (dmasim report,
 * dmasim tour --html): per run its parameters, results, tables and claims
 * (with each claim's formula and mechanism where the scenario gives
 * them), a chart, as inline SVG, of each claim's simulated value against
 * its model (the relative error as a dot inside the band of the
 * tolerance), and, when the run's trace is given, its timeline
 * (htmltl.h) with the small script that zooms and pans it (tlscript.h).
 * No style sheet, script or font from elsewhere: the page opens without
 * network access, and without its script the timeline shows the whole
 * run.  The page is well-formed XML (XHTML served as HTML, the script in
 * CDATA) so that XML tools read it too.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "dmasim/dmasim.h"
#include "htmltl.h"
#include "results.h"
#include "run.h"
#include "kernel/alloc.h"
#include "tlscript.h"
#include "traceread.h"

/* A run's trace, for its timeline. */
struct html_trace {
	struct traceread *tr;	/* NULL: the run has none */
	char *file;		/* its name on the page */
	size_t max_spans;	/* per track before merging */
};

struct dmasim_html {
	json_t *runs;		/* [{"name", "run": the run's JSON}] */
	struct html_trace *trace;	/* per run, ntrace of them */
	size_t ntrace;
	char err[640];		/* why the last add failed */
};

static int page_of(struct dmasim_html **page)
{
	if (*page)
		return 0;
	*page = calloc(1, sizeof(**page));
	if (!*page || !((*page)->runs = json_array())) {
		dm_free(*page);
		*page = NULL;
		return DMASIM_ENOMEM;
	}
	return 0;
}

static int add(struct dmasim_html **page, json_t *root, const char *name)
{
	json_t *o;

	if (!root)
		return DMASIM_ENOMEM;
	if (page_of(page)) {
		json_decref(root);
		return DMASIM_ENOMEM;
	}
	o = json_pack("{ss so}", "name", name ? name : "run", "run", root);
	if (!o || json_array_append_new((*page)->runs, o))
		return DMASIM_ENOMEM;
	return 0;
}

int dmasim_html_add_run(struct dmasim_html **page,
			const struct dmasim_run *run, const char *name)
{
	return add(page, results_json(&run->res, run->scenario ?
				      run->scenario : "", run->seed), name);
}

int dmasim_html_add_json(struct dmasim_html **page, const char *path)
{
	json_error_t jerr;
	json_t *root = json_load_file(path, 0, &jerr);
	const char *slash;

	if (!root)
		return errno == ENOENT ? DMASIM_EIO : DMASIM_EINVAL;
	if (!json_is_object(root) || !json_is_array(json_object_get(root,
								    "claims"))) {
		json_decref(root);
		return DMASIM_EINVAL;
	}
	slash = strrchr(path, '/');
	return add(page, root, slash ? slash + 1 : path);
}

int dmasim_html_add_trace(struct dmasim_html *page, const char *path,
			  unsigned max_spans)
{
	size_t run = page ? json_array_size(page->runs) : 0;
	struct html_trace *t;
	const char *slash;
	int err;

	if (!run) {
		if (page)
			snprintf(page->err, sizeof(page->err), "the trace '%s' "
				 "comes before any run: expected it after its "
				 "run's JSON", path);
		return DMASIM_EINVAL;
	}
	if (page->ntrace < run) {
		t = dm_realloc(page->trace, run * sizeof(*t));
		if (!t)
			return DMASIM_ENOMEM;
		memset(t + page->ntrace, 0, (run - page->ntrace) * sizeof(*t));
		page->trace = t;
		page->ntrace = run;
	}
	t = &page->trace[run - 1];
	if (t->tr) {
		snprintf(page->err, sizeof(page->err), "'%s' is a second trace "
			 "for the run '%s': expected one trace per run, after "
			 "its JSON", path, json_string_value(json_object_get(
			 json_array_get(page->runs, run - 1), "name")));
		return DMASIM_EINVAL;
	}
	err = traceread_load(path, &t->tr, page->err, sizeof(page->err));
	if (err == DMASIM_EIO)
		snprintf(page->err, sizeof(page->err), "cannot read the trace "
			 "'%s': %s", path, strerror(errno));
	else if (err == DMASIM_ENOMEM)
		snprintf(page->err, sizeof(page->err), "out of memory reading "
			 "the trace '%s'", path);
	if (err)
		return err;
	slash = strrchr(path, '/');
	t->file = strdup(slash ? slash + 1 : path);
	t->max_spans = max_spans ? max_spans : HTMLTL_MAX_SPANS;
	if (!t->file) {
		traceread_free(t->tr);
		t->tr = NULL;
		return DMASIM_ENOMEM;
	}
	return 0;
}

const char *dmasim_html_error(const struct dmasim_html *page)
{
	return page ? page->err : "no run on the page yet";
}

void dmasim_html_free(struct dmasim_html *page)
{
	if (!page)
		return;
	for (size_t i = 0; i < page->ntrace; i++) {
		traceread_free(page->trace[i].tr);
		dm_free(page->trace[i].file);
	}
	dm_free(page->trace);
	json_decref(page->runs);
	dm_free(page);
}

/* Text with <, >, & and quotes escaped. */
static void esc(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '&':
			fputs("&amp;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		default:
			fputc(*s, f);
		}
	}
}

static void value(FILE *f, json_t *v)
{
	char buf[64];

	if (json_is_string(v))
		esc(f, json_string_value(v));
	else if (json_is_integer(v))
		fprintf(f, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
	else if (json_is_real(v))
		fprintf(f, "%.6g", json_real_value(v));
	else if (json_is_boolean(v))
		fputs(json_is_true(v) ? "true" : "false", f);
	else if (v) {
		char *d = json_dumps(v, JSON_COMPACT);

		snprintf(buf, sizeof(buf), "%s", d ? d : "");
		dm_free(d);
		esc(f, buf);
	}
}

static double num(json_t *v)
{
	if (json_is_number(v))
		return json_number_value(v);
	return NAN;
}

/* name/value pairs of an object as a two-column table. */
static void pairs(FILE *f, const char *title, json_t *obj)
{
	const char *k;
	json_t *v;

	if (!json_object_size(obj))
		return;
	fprintf(f, "<h3>%s</h3>\n<table class=\"kv\">\n", title);
	json_object_foreach(obj, k, v) {
		fputs("<tr><th>", f);
		esc(f, k);
		fputs("</th><td>", f);
		value(f, v);
		fputs("</td></tr>\n", f);
	}
	fputs("</table>\n", f);
}

static void tables(FILE *f, json_t *list)
{
	size_t i, j, k;
	json_t *t, *c, *row;

	json_array_foreach(list, i, t) {
		fputs("<h3>", f);
		esc(f, json_string_value(json_object_get(t, "title")));
		fputs("</h3>\n<table>\n<tr>", f);
		json_array_foreach(json_object_get(t, "columns"), j, c) {
			fputs("<th>", f);
			value(f, c);
			fputs("</th>", f);
		}
		fputs("</tr>\n", f);
		json_array_foreach(json_object_get(t, "rows"), j, row) {
			fputs("<tr>", f);
			json_array_foreach(row, k, c) {
				fputs("<td>", f);
				value(f, c);
				fputs("</td>", f);
			}
			fputs("</tr>\n", f);
		}
		fputs("</table>\n", f);
	}
}

/* The relative error of a quantitative claim (absolute when the model is
 * 0). */
static double rel_err(json_t *c)
{
	double m = num(json_object_get(c, "model"));
	double s = num(json_object_get(c, "simulated"));

	return m != 0 ? (s - m) / fabs(m) : s - m;
}

static bool is_check(json_t *c)
{
	const char *k = json_string_value(json_object_get(c, "kind"));

	return k && !strcmp(k, "check");
}

/* Each quantitative claim's relative error in the band of its
 * tolerance, as SVG. */
static void chart(FILE *f, json_t *claims)
{
	const int left = 260, w = 360, rowh = 22;
	double span = 0;
	size_t i, n = 0;
	json_t *c;
	int y = 30;

	json_array_foreach(claims, i, c) {
		double e = fabs(rel_err(c));
		double t = num(json_object_get(c, "tolerance"));

		if (is_check(c))
			continue;
		n++;
		if (isfinite(e) && e > span)
			span = e;
		if (isfinite(t) && t > span)
			span = t;
	}
	if (!n)
		return;
	span = span > 0 ? span * 1.25 : 0.01;
	fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" "
		"width=\"%d\" height=\"%zu\" role=\"img\">\n", left + w + 20,
		(size_t)y + n * rowh + 10);
	fprintf(f, "<title>Simulated against model: relative error, and the "
		"tolerance band</title>\n");
	/* centred on the whole SVG: it is wider than the band's half */
	fprintf(f, "<text x=\"%d\" y=\"16\" text-anchor=\"middle\">relative "
		"error of the simulation against the model, %+.3g%% to "
		"%+.3g%% (band: the tolerance)</text>\n", (left + w + 20) / 2,
		-span * 100, span * 100);
	fprintf(f, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%zu\" "
		"stroke=\"#888\"/>\n", left + w / 2, y - 6, left + w / 2,
		(size_t)y + n * rowh);
	json_array_foreach(claims, i, c) {
		double t = num(json_object_get(c, "tolerance"));
		double e = rel_err(c);
		double x, bw;
		bool agree = json_is_true(json_object_get(c, "agree"));

		if (is_check(c))
			continue;
		bw = (isfinite(t) ? t : 0) / span * (w / 2);
		x = isfinite(e) ? e / span * (w / 2) : (e > 0 ? w / 2 :
							 -w / 2);
		if (x > w / 2)
			x = w / 2;
		if (x < -w / 2)
			x = -w / 2;
		fprintf(f, "<g class=\"claim\"><text x=\"%d\" y=\"%d\" "
			"text-anchor=\"end\">", left - 8, y + 14);
		esc(f, json_string_value(json_object_get(c, "id")));
		fprintf(f, "</text><rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" "
			"height=\"14\" fill=\"#dde\"/><circle cx=\"%.1f\" "
			"cy=\"%d\" r=\"5\" fill=\"%s\"/></g>\n",
			left + w / 2 - bw, y + 3, 2 * bw, left + w / 2 + x,
			y + 10, agree ? "#2a2" : "#d22");
		y += rowh;
	}
	fputs("</svg>\n", f);
}

static void claims_table(FILE *f, json_t *claims)
{
	size_t i;
	json_t *c;

	if (!json_array_size(claims))
		return;
	fputs("<h3>Claims</h3>\n<table class=\"claims\">\n<tr><th>id</th>"
	      "<th>claim</th><th>model</th><th>simulated</th><th>error</th>"
	      "<th>tolerance</th><th>published</th><th>agree</th></tr>\n", f);
	json_array_foreach(claims, i, c) {
		json_t *pub = json_object_get(c, "published");
		const char *unit = json_string_value(json_object_get(c, "unit"));
		bool agree = json_is_true(json_object_get(c, "agree"));
		bool check = is_check(c);

		fprintf(f, "<tr class=\"%s\"><td>", agree ? "yes" : "no");
		esc(f, json_string_value(json_object_get(c, "id")));
		fputs("</td><td>", f);
		esc(f, json_string_value(json_object_get(c, "claim")));
		if (json_object_get(c, "formula") ||
		    json_object_get(c, "explain")) {
			fputs("<details><summary>how</summary>", f);
			if (json_object_get(c, "formula")) {
				fputs("<p>model: <code>", f);
				esc(f, json_string_value(json_object_get(
					c, "formula")));
				fputs("</code></p>", f);
			}
			if (json_object_get(c, "explain")) {
				fputs("<p>", f);
				esc(f, json_string_value(json_object_get(
					c, "explain")));
				fputs("</p>", f);
			}
			fputs("</details>", f);
		}
		if (check) {
			fprintf(f, "</td><td>%s</td><td>%s</td><td>-</td>"
				"<td>-</td>", num(json_object_get(c, "model"))
				!= 0 ? "yes" : "no", num(json_object_get(c,
				"simulated")) != 0 ? "yes" : "no");
		} else {
			fputs("</td><td>", f);
			value(f, json_object_get(c, "model"));
			fputs(" ", f);
			esc(f, unit);
			fputs("</td><td>", f);
			value(f, json_object_get(c, "simulated"));
			fputs(" ", f);
			esc(f, unit);
			fprintf(f, "</td><td>%+.3g%%</td><td>%.3g%%</td>",
				rel_err(c) * 100, num(json_object_get(
				c, "tolerance")) * 100);
		}
		fputs("<td>", f);
		if (pub) {
			esc(f, json_string_value(json_object_get(pub,
								 "relation")));
			fputs(" ", f);
			value(f, json_object_get(pub, "value"));
			fprintf(f, " (%s)", json_is_true(json_object_get(
				pub, "reproduced")) ? "reproduced" :
				"not reproduced");
		} else {
			fputs("-", f);
		}
		fprintf(f, "</td><td>%s</td></tr>\n", agree ? "yes" : "NO");
	}
	fputs("</table>\n", f);
}

int dmasim_html_write(const struct dmasim_html *page, const char *path)
{
	FILE *f = fopen(path, "w");
	size_t i, nclaims = 0, nagree = 0;
	bool script = false;
	json_t *r, *c;
	int err = 0;

	if (!f)
		return DMASIM_EIO;
	json_array_foreach(page ? page->runs : NULL, i, r) {
		size_t k;

		json_array_foreach(json_object_get(json_object_get(r, "run"),
						   "claims"), k, c) {
			nclaims++;
			nagree += json_is_true(json_object_get(c, "agree"));
		}
	}
	fputs("<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" "
	      "lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n"
	      "<title>dmasim report</title>\n<style>\n"
	      "body{font-family:sans-serif;margin:2em;max-width:70em}\n"
	      "table{border-collapse:collapse;margin:.5em 0}\n"
	      "td,th{border:1px solid #ccc;padding:2px 6px;text-align:left;"
	      "vertical-align:top}\n"
	      "tr.no td{background:#fdd}\nsvg text{font-size:12px}\n"
	      "code{background:#f4f4f4}\n", f);
	htmltl_style(f);
	fputs("</style>\n</head>\n<body>\n", f);
	fprintf(f, "<h1>dmasim report</h1>\n<p id=\"summary\">%zu run%s; "
		"%zu of %zu claims and checks agree with their models.</p>\n",
		page ? json_array_size(page->runs) : 0,
		page && json_array_size(page->runs) == 1 ? "" : "s", nagree,
		nclaims);
	json_array_foreach(page ? page->runs : NULL, i, r) {
		json_t *run = json_object_get(r, "run");

		fprintf(f, "<section class=\"run\" id=\"run%zu\">\n<h2>", i + 1);
		esc(f, json_string_value(json_object_get(r, "name")));
		fputs("</h2>\n<p>scenario <code>", f);
		esc(f, json_string_value(json_object_get(run, "scenario")));
		fputs("</code>, seed ", f);
		value(f, json_object_get(run, "seed"));
		if (json_object_get(run, "partial")) {
			fputs("; <strong>partial: ", f);
			esc(f, json_string_value(json_object_get(run,
								 "partial")));
			fputs("</strong>", f);
		}
		fputs("</p>\n", f);
		pairs(f, "Parameters", json_object_get(run, "params"));
		pairs(f, "Results", json_object_get(run, "results"));
		tables(f, json_object_get(run, "tables"));
		claims_table(f, json_object_get(run, "claims"));
		chart(f, json_object_get(run, "claims"));
		if (i < page->ntrace && page->trace[i].tr) {
			const struct html_trace *t = &page->trace[i];

			if (htmltl_write(f, t->tr, t->file, i + 1,
					 t->max_spans))
				err = DMASIM_ENOMEM;
			script = true;
		}
		fputs("</section>\n", f);
	}
	if (script)
		tlscript_write(f);
	fprintf(f, "<footer><p>dmasim %s</p></footer>\n</body>\n</html>\n",
		dmasim_version());
	if (ferror(f))
		err = DMASIM_EIO;
	if (fclose(f))
		err = DMASIM_EIO;
	return err;
}
