/* htmltl: a run's timeline on the HTML page, from its trace.  See
 * htmltl.h. */
#include "htmltl.h"

#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/alloc.h"
#include "kernel/base.h"

#define TL_W 860		/* px: the plot's width, whose pixel is the
				 * one spans are merged below */
#define TL_RH 18		/* px: a row */
#define TL_TOP 6		/* px: above the rows */
#define TL_AXIS 38		/* px: the axis under them */
#define TL_NCOLOUR 12		/* colours for names (waits have their own) */
#define TL_DEPTH 2		/* nesting drawn; deeper spans as this deep */
#define TL_UNITS 1e7		/* the plot's coordinates across a run, at
				 * most */
#define TL_LABEL 32		/* characters of a row's label, at most */
#define TL_LEGEND 40		/* names in a legend, at most */

/* One system's timeline while it is drawn. */
struct tl {
	FILE *f;
	const struct traceread *tr;
	int64_t t0, t1;		/* ps: the run shown at full view */
	int64_t unit;		/* ps: one plot coordinate */
	double px;		/* ps: one pixel at full view */
	int *colour;		/* per name: its colour, -1 before it is met
				 * (shared by the run's systems) */
	int ncolour;		/* colours handed out */
	double *acc;		/* per name: ps of the column being merged */
	uint32_t *touched;	/* names with acc non-zero */
	size_t ntouched;
	size_t *nspan, *ninst;	/* per name: in this system */
	uint32_t *seen;		/* names met in this system, in order */
	size_t nseen;
};

/* A run of merged pixel columns of one name. */
struct tl_run {
	bool on;
	uint32_t name;
	long last;		/* its last column */
	size_t n;		/* spans */
	int64_t b, e;		/* ps */
};

/* Text with <, >, & and quotes escaped, and the control characters
 * XML does not allow (a trace's names may hold them) as '?'. */
static void tl_esc(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		if ((unsigned char)*s < 0x20 && *s != '\t' && *s != '\n' &&
		    *s != '\r')
			fputc('?', f);
		else if (*s == '<')
			fputs("&lt;", f);
		else if (*s == '>')
			fputs("&gt;", f);
		else if (*s == '&')
			fputs("&amp;", f);
		else if (*s == '"')
			fputs("&quot;", f);
		else
			fputc(*s, f);
	}
}

/* ps as text, exact, in the largest unit that keeps it at least 1:
 * "0 ps", "8 ns", "1.25 µs". */
static const char *tl_time(char *buf, size_t n, int64_t ps)
{
	static const struct {
		uint64_t div;
		int digits;
		const char *name;
	} u[] = {
		{ 1000000000000u, 12, "s" }, { 1000000000u, 9, "ms" },
		{ 1000000u, 6, "\xc2\xb5" "s" }, { 1000u, 3, "ns" },
		{ 1u, 0, "ps" },
	};
	uint64_t a = ps < 0 ? 0 - (uint64_t)ps : (uint64_t)ps, frac;
	size_t i = 0;
	char digits[16];
	int k;

	while (i < 4 && a < u[i].div)
		i++;
	frac = a % u[i].div;
	if (!frac) {
		snprintf(buf, n, "%s%" PRIu64 " %s", ps < 0 ? "-" : "",
			 a / u[i].div, u[i].name);
		return buf;
	}
	snprintf(digits, sizeof(digits), "%0*" PRIu64, u[i].digits, frac);
	for (k = u[i].digits; digits[k - 1] == '0'; k--)
		;
	snprintf(buf, n, "%s%" PRIu64 ".%.*s %s", ps < 0 ? "-" : "",
		 a / u[i].div, k, digits, u[i].name);
	return buf;
}

/* A time as a plot coordinate. */
static int64_t tl_x(const struct tl *tl, int64_t t)
{
	if (tl->unit == 1)
		return t - tl->t0;
	return llround((double)(t - tl->t0) / (double)tl->unit);
}

static bool is_wait(const char *name)
{
	return !strcmp(name, "wait");
}

/* A span or instant of this name is drawn in this system: count it
 * (instant or not), and list the name for the legend when it is new. */
static void tl_meet(struct tl *tl, uint32_t name, bool inst)
{
	if (!tl->nspan[name] && !tl->ninst[name])
		tl->seen[tl->nseen++] = name;
	if (inst)
		tl->ninst[name]++;
	else
		tl->nspan[name]++;
}

/* A name's colour class: "k3", "kw" for waits. */
static const char *tl_class(struct tl *tl, uint32_t name, char *buf,
			    size_t n)
{
	if (is_wait(tl->tr->name[name]))
		return "kw";
	if (tl->colour[name] < 0)
		tl->colour[name] = tl->ncolour++ % TL_NCOLOUR;
	snprintf(buf, n, "k%d", tl->colour[name]);
	return buf;
}

/* The rectangle's start of a span at a depth, with its class. */
static void tl_rect(struct tl *tl, unsigned depth, int64_t b, int64_t e,
		    uint32_t name, bool merged)
{
	unsigned d = depth < TL_DEPTH ? depth : TL_DEPTH;
	int64_t xb = tl_x(tl, b), xe = tl_x(tl, e);
	char cls[16];

	fprintf(tl->f, "<rect x=\"%" PRId64 "\" y=\"%u\" width=\"%" PRId64
		"\" height=\"%u\" class=\"%s%s\">", xb, 2 + 2 * d, xe - xb,
		14 - 4 * d, tl_class(tl, name, cls, sizeof(cls)),
		merged ? " m" : "");
}

/* A span drawn as it is. */
static void tl_span(struct tl *tl, const struct traceread_span *s)
{
	char b[40], e[40], d[40];

	tl_rect(tl, s->depth, s->b, s->e, s->name, false);
	fputs("<title>", tl->f);
	tl_esc(tl->f, tl->tr->name[s->name]);
	fprintf(tl->f, ", %s to %s (%s)</title></rect>\n",
		tl_time(b, sizeof(b), s->b), tl_time(e, sizeof(e), s->e),
		tl_time(d, sizeof(d), s->e - s->b));
	tl_meet(tl, s->name, false);
}

/* A run of merged columns, at least a pixel wide. */
static void tl_merged(struct tl *tl, unsigned depth, const struct tl_run *r)
{
	int64_t e = r->e;
	char b[40], t[40];

	if ((double)(e - r->b) < tl->px)
		e = r->b + (int64_t)ceil(tl->px);
	tl_rect(tl, depth, r->b, e, r->name, true);
	fprintf(tl->f, "<title>%zu spans narrower than a pixel, merged: %s "
		"to %s, most of the time ", r->n, tl_time(b, sizeof(b), r->b),
		tl_time(t, sizeof(t), r->e));
	tl_esc(tl->f, tl->tr->name[r->name]);
	fputs("</title></rect>\n", tl->f);
}

static long tl_col(const struct tl *tl, int64_t t)
{
	double c = floor((double)(t - tl->t0) / tl->px);

	return c < 0 ? 0 : c >= TL_W ? TL_W - 1 : (long)c;
}

/* Close a column of merged spans (n of them, from b to e): it joins the
 * run when its name is the run's and it follows it, else the run is
 * drawn and the column starts the next.  Returns the rectangles drawn. */
static size_t tl_close(struct tl *tl, unsigned depth, struct tl_run *run,
		       long col, size_t n, int64_t b, int64_t e)
{
	uint32_t best = tl->touched[0];
	size_t drawn = 0;

	for (size_t i = 0; i < tl->ntouched; i++) {
		uint32_t k = tl->touched[i];

		if (tl->acc[k] > tl->acc[best])
			best = k;
	}
	for (size_t i = 0; i < tl->ntouched; i++)
		tl->acc[tl->touched[i]] = 0;
	tl->ntouched = 0;
	if (run->on && run->name == best && col == run->last + 1) {
		run->n += n;
		run->last = col;
		if (e > run->e)
			run->e = e;
		return 0;
	}
	if (run->on) {
		tl_merged(tl, depth, run);
		drawn = 1;
	}
	*run = (struct tl_run){ .on = true, .name = best, .last = col,
				.n = n, .b = b, .e = e };
	return drawn;
}

/* The narrow spans of a track at one drawn depth, merged.  Returns the
 * rectangles drawn. */
static size_t tl_merge(struct tl *tl, const struct traceread_track *t,
		       unsigned depth)
{
	struct tl_run run = { .on = false };
	int64_t cb = 0, ce = 0;
	size_t n = 0, drawn = 0;
	long col = -1;

	for (size_t k = 0; k < t->nspan; k++) {
		const struct traceread_span *s = &t->span[k];
		unsigned d = s->depth < TL_DEPTH ? s->depth : TL_DEPTH;
		long c;

		if ((double)(s->e - s->b) >= tl->px || d != depth)
			continue;
		c = tl_col(tl, s->b);
		if (c != col) {
			if (col >= 0)
				drawn += tl_close(tl, depth, &run, col, n, cb,
						  ce);
			col = c;
			n = 0;
			cb = s->b;
			ce = s->e;
		}
		if (tl->acc[s->name] == 0)
			tl->touched[tl->ntouched++] = s->name;
		/* + 1 ps: a span of no time still counts */
		tl->acc[s->name] += (double)(s->e - s->b) + 1;
		if (s->e > ce)
			ce = s->e;
		n++;
		tl_meet(tl, s->name, false);
	}
	if (col >= 0)
		drawn += tl_close(tl, depth, &run, col, n, cb, ce);
	if (run.on) {
		tl_merged(tl, depth, &run);
		drawn++;
	}
	return drawn;
}

/* A track's instants as ticks; merged per pixel column beyond
 * max_spans.  Returns the ticks drawn. */
static size_t tl_insts(struct tl *tl, const struct traceread_track *t,
		       size_t max_spans)
{
	bool merge = t->ninst > max_spans;
	size_t drawn = 0;
	char a[40], b[40];

	for (size_t k = 0, j; k < t->ninst; k = j) {
		const struct traceread_inst *in = &t->inst[k];
		int64_t x = tl_x(tl, in->at);

		j = k + 1;
		if (merge)
			while (j < t->ninst &&
			       tl_col(tl, t->inst[j].at) == tl_col(tl, in->at))
				j++;
		for (size_t i = k; i < j; i++)
			tl_meet(tl, t->inst[i].name, true);
		fprintf(tl->f, "<line class=\"inst\" x1=\"%" PRId64 "\" y1=\"1\" "
			"x2=\"%" PRId64 "\" y2=\"%d\"><title>", x, x, TL_RH - 1);
		if (j - k == 1) {
			tl_esc(tl->f, tl->tr->name[in->name]);
			fprintf(tl->f, " at %s", tl_time(a, sizeof(a), in->at));
		} else {
			fprintf(tl->f, "%zu instants, merged: %s to %s", j - k,
				tl_time(a, sizeof(a), in->at),
				tl_time(b, sizeof(b), t->inst[j - 1].at));
		}
		fputs("</title></line>\n", tl->f);
		drawn++;
	}
	return drawn;
}

/* A track's row of the plot.  Returns the rectangles and ticks drawn. */
static size_t tl_row(struct tl *tl, const struct traceread_track *t,
		     const char *label, size_t row, size_t max_spans)
{
	bool merge = t->nspan > max_spans;
	size_t drawn = 0;

	fprintf(tl->f, "<g class=\"row\" data-track=\"");
	tl_esc(tl->f, label);
	fprintf(tl->f, "\" data-spans=\"%zu\" transform=\"translate(0,%zu)\">"
		"\n", t->nspan, row * TL_RH);
	for (size_t k = 0; k < t->nspan; k++) {
		if (merge && (double)(t->span[k].e - t->span[k].b) < tl->px)
			continue;
		tl_span(tl, &t->span[k]);
		drawn++;
	}
	if (merge)
		for (unsigned d = 0; d <= TL_DEPTH; d++)
			drawn += tl_merge(tl, t, d);
	drawn += tl_insts(tl, t, max_spans);
	fputs("</g>\n", tl->f);
	return drawn;
}

/* A track's name without its system's: "bus.cpu0" in "busbench". */
static const char *tl_label(const struct traceread_sys *s,
			    const struct traceread_track *t)
{
	size_t n = strlen(s->name);

	if (!strncmp(t->name, s->name, n) && t->name[n] == '.' &&
	    t->name[n + 1])
		return t->name + n + 1;
	return t->name;
}

/* A step of 1, 2 or 5 times a power of ten, at least x. */
static double tl_nice(double x)
{
	double p = pow(10, floor(log10(x))), m = x / p;

	return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
}

/* The axis at full view (the script draws it again as it zooms): ticks,
 * grid lines up over the rows, and the unit. */
static void tl_axis(struct tl *tl, size_t rowsh)
{
	static const struct {
		double ps;
		const char *name;
	} u[] = {
		{ 1e12, "s" }, { 1e9, "ms" }, { 1e6, "\xc2\xb5" "s" },
		{ 1e3, "ns" }, { 1, "ps" },
	};
	double a = (double)tl->t0, b = (double)tl->t1;
	double step = tl_nice((b - a) / 8), big = fmax(fabs(a), fabs(b));
	size_t i = 0;
	int dec;

	while (i < 4 && big < u[i].ps)
		i++;
	dec = (int)ceil(-log10(step / u[i].ps) - 1e-9);
	if (dec < 0)
		dec = 0;
	for (double k = ceil(a / step); k * step <= b; k++) {
		double x = (k * step - a) / (b - a) * TL_W;

		fprintf(tl->f, "<line class=\"grid\" x1=\"%.1f\" y1=\"-%zu\" "
			"x2=\"%.1f\" y2=\"0\"/><line x1=\"%.1f\" y1=\"0\" "
			"x2=\"%.1f\" y2=\"4\"/><text x=\"%.1f\" y=\"16\" "
			"text-anchor=\"middle\">%.*f</text>\n", x, rowsh, x,
			x, x, x, dec, k * step / u[i].ps);
	}
	fprintf(tl->f, "<text class=\"unit\" x=\"%d\" y=\"32\" "
		"text-anchor=\"end\">time (%s)</text>\n", TL_W, u[i].name);
}

/* The names met in this system with their colours and counts. */
static void tl_legend(struct tl *tl)
{
	char cls[16];

	fputs("<ul class=\"legend\">\n", tl->f);
	for (size_t i = 0; i < tl->nseen && i < TL_LEGEND; i++) {
		uint32_t k = tl->seen[i];

		if (tl->nspan[k]) {
			fprintf(tl->f, "<li><span class=\"sw %s\"></span>",
				tl_class(tl, k, cls, sizeof(cls)));
			tl_esc(tl->f, tl->tr->name[k]);
			fprintf(tl->f, " <small>(%zu span%s)</small></li>\n",
				tl->nspan[k], tl->nspan[k] == 1 ? "" : "s");
		}
		if (tl->ninst[k]) {
			fputs("<li><span class=\"sw ti\"></span>", tl->f);
			tl_esc(tl->f, tl->tr->name[k]);
			fprintf(tl->f, " <small>(%zu instant%s)</small></li>\n",
				tl->ninst[k], tl->ninst[k] == 1 ? "" : "s");
		}
	}
	if (tl->nseen > TL_LEGEND)
		fprintf(tl->f, "<li>and %zu more names</li>\n",
			tl->nseen - TL_LEGEND);
	fputs("</ul>\n", tl->f);
}

/* The tracks that have more than max_spans spans, and so were merged. */
static void tl_merged_list(struct tl *tl, const struct traceread_sys *s,
			   size_t max_spans)
{
	const char *sep = "";

	for (size_t i = 0; i < s->ntrack; i++) {
		const struct traceread_track *t = &tl->tr->track[s->track[i]];

		if (t->nspan <= max_spans && t->ninst <= max_spans)
			continue;
		fputs(sep, tl->f);
		tl_esc(tl->f, tl_label(s, t));
		fprintf(tl->f, " (%zu)", t->nspan > max_spans ? t->nspan :
			t->ninst);
		sep = ", ";
	}
}

/* One system's timeline: the SVG, a note on what it drew, the legend. */
static void tl_system(struct tl *tl, const struct traceread_sys *s,
		      size_t run, size_t id, size_t max_spans)
{
	const struct traceread *tr = tl->tr;
	size_t rowsh = s->ntrack * TL_RH, lw = 60, drawn = 0;
	bool merged = false;
	char a[40], b[40];
	FILE *f = tl->f;

	for (size_t i = 0; i < tl->nseen; i++)
		tl->nspan[tl->seen[i]] = tl->ninst[tl->seen[i]] = 0;
	tl->nseen = 0;
	tl->t0 = s->t0;
	tl->t1 = s->t1 > s->t0 ? s->t1 : s->t0 + 1;
	for (tl->unit = 1; (double)(tl->t1 - tl->t0) / (double)tl->unit >
	     TL_UNITS; tl->unit *= 10)
		;
	tl->px = (double)(tl->t1 - tl->t0) / TL_W;
	for (size_t i = 0; i < s->ntrack; i++) {
		const struct traceread_track *t = &tr->track[s->track[i]];
		size_t n = strlen(tl_label(s, t));

		n = (n > TL_LABEL ? TL_LABEL : n) * 7 + 14;
		lw = n > lw ? n : lw;
		merged |= t->nspan > max_spans || t->ninst > max_spans;
	}
	fprintf(f, "<section class=\"tl\" id=\"tl%zu-%zu\">\n<h3>Timeline "
		"of ", run, id);
	tl_esc(f, s->name);
	fputs("</h3>\n", f);
	if (!s->nspan && !s->ninst) {
		fputs("<p>No spans or instants of this system in the "
		      "trace.</p>\n</section>\n", f);
		return;
	}
	fprintf(f, "<div class=\"tlbox\"><button type=\"button\" "
		"class=\"tlreset\" hidden=\"hidden\">Whole run</button>\n"
		"<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"timeline\" "
		"width=\"%zu\" height=\"%zu\" viewBox=\"0 0 %zu %zu\" "
		"data-t0=\"%" PRId64 "\" data-unit=\"%" PRId64 "\" "
		"tabindex=\"0\" role=\"img\">\n<title>Timeline of ",
		lw + TL_W + 24, TL_TOP + rowsh + TL_AXIS, lw + TL_W + 24,
		TL_TOP + rowsh + TL_AXIS, tl->t0, tl->unit);
	tl_esc(f, s->name);
	fprintf(f, ", %s to %s</title>\n", tl_time(a, sizeof(a), s->t0),
		tl_time(b, sizeof(b), s->t1));
	for (size_t i = 0; i < s->ntrack; i++) {
		const struct traceread_track *t = &tr->track[s->track[i]];
		const char *l = tl_label(s, t);
		size_t n = strlen(l);

		if (i % 2)
			fprintf(f, "<rect class=\"stripe\" x=\"0\" y=\"%zu\" "
				"width=\"%zu\" height=\"%d\"/>\n",
				TL_TOP + i * TL_RH, lw + TL_W, TL_RH);
		fprintf(f, "<text class=\"lbl\" x=\"%zu\" y=\"%zu\" "
			"text-anchor=\"end\">%s", lw - 6,
			TL_TOP + i * TL_RH + 13, n > TL_LABEL ?
			"\xe2\x80\xa6" : "");
		tl_esc(f, n > TL_LABEL ? l + n - TL_LABEL + 1 : l);
		fputs("<title>", f);
		tl_esc(f, t->name);
		fprintf(f, ": %zu span%s, %zu instant%s</title></text>\n",
			t->nspan, t->nspan == 1 ? "" : "s", t->ninst,
			t->ninst == 1 ? "" : "s");
	}
	fprintf(f, "<g class=\"axis\" transform=\"translate(%zu,%zu)\">\n",
		lw, TL_TOP + rowsh);
	tl_axis(tl, rowsh);
	fprintf(f, "</g>\n<svg class=\"plot\" x=\"%zu\" y=\"%d\" width=\"%d\" "
		"height=\"%zu\" viewBox=\"0 0 %" PRId64 " %zu\" "
		"preserveAspectRatio=\"none\">\n", lw, TL_TOP, TL_W, rowsh,
		tl_x(tl, tl->t1), rowsh);
	for (size_t i = 0; i < s->ntrack; i++) {
		const struct traceread_track *t = &tr->track[s->track[i]];

		drawn += tl_row(tl, t, tl_label(s, t), i, max_spans);
	}
	fprintf(f, "</svg>\n<rect class=\"frame\" x=\"%zu\" y=\"%d\" "
		"width=\"%d\" height=\"%zu\"/>\n</svg></div>\n", lw, TL_TOP,
		TL_W, rowsh);
	fprintf(f, "<p class=\"tlnote\">%s to %s: %zu spans and %zu instants "
		"on %zu tracks", tl_time(a, sizeof(a), s->t0),
		tl_time(b, sizeof(b), s->t1), s->nspan, s->ninst, s->ntrack);
	if (merged) {
		fprintf(f, ", drawn as %zu rectangles and ticks: on the tracks "
			"with more than %zu (", drawn, max_spans);
		tl_merged_list(tl, s, max_spans);
		fputs("), those narrower than a pixel at full view are "
		      "merged, one rectangle (paler) per run of pixel columns "
		      "in the colour of the name that took most of their "
		      "time.</p>\n", f);
	} else {
		fputs(", every one drawn.</p>\n", f);
	}
	tl_legend(tl);
	fputs("</section>\n", f);
}

int htmltl_write(FILE *f, const struct traceread *tr, const char *file,
		 size_t run, size_t max_spans)
{
	size_t n = tr->nname ? tr->nname : 1, shown = 0;
	struct tl tl = {
		.f = f, .tr = tr,
		.colour = dm_malloc(n * sizeof(*tl.colour)),
		.acc = dm_calloc(n, sizeof(*tl.acc)),
		.touched = dm_malloc(n * sizeof(*tl.touched)),
		.nspan = dm_calloc(n, sizeof(*tl.nspan)),
		.ninst = dm_calloc(n, sizeof(*tl.ninst)),
		.seen = dm_malloc(n * sizeof(*tl.seen)),
	};
	int err = 0;

	if (!tl.colour || !tl.acc || !tl.touched || !tl.nspan || !tl.ninst ||
	    !tl.seen) {
		err = DMASIM_ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		tl.colour[i] = -1;
	for (size_t i = 0; i < tr->nsys; i++)
		shown += tr->sys[i].ntrack > 0;
	fputs("<div class=\"tls\">\n<p class=\"tlhelp\">The timeline of "
	      "each system from the trace <code>", f);
	tl_esc(f, file);
	fputs("</code>: a row per track, a rectangle per span (hover it for "
	      "its name and times). Mouse wheel: zoom around the pointer; "
	      "drag: pan; keys + and - zoom, the arrows pan and 0 shows the "
	      "whole run (click the timeline first).", f);
	if (tr->skipped)
		fprintf(f, " The trace's %zu counter and other events are not "
			"drawn (Perfetto shows them).", tr->skipped);
	fputs("</p>\n", f);
	if (!shown)
		fputs("<p>The trace has no spans or instants.</p>\n", f);
	for (size_t i = 0, id = 0; i < tr->nsys; i++)
		if (tr->sys[i].ntrack)
			tl_system(&tl, &tr->sys[i], run, ++id, max_spans);
	fputs("</div>\n", f);
out:
	dm_free(tl.colour);
	dm_free(tl.acc);
	dm_free(tl.touched);
	dm_free(tl.nspan);
	dm_free(tl.ninst);
	dm_free(tl.seen);
	return err;
}

void htmltl_style(FILE *f)
{
	static const char *const colour[TL_NCOLOUR] = {
		"#3b75af", "#e8882e", "#4f9d4a", "#c8463f", "#8064a8",
		"#2a9d9a", "#b8860b", "#d16ba5", "#7a5c3e", "#6b8e23",
		"#1f4e79", "#e0b020",
	};

	fputs("svg.timeline{display:block;cursor:grab;user-select:none;"
	      "touch-action:none}\nsvg.timeline.drag{cursor:grabbing}\n"
	      "svg.timeline:focus{outline:2px solid #58c}\n"
	      ".stripe{fill:#f3f3f3}\n.frame{fill:none;stroke:#999}\n"
	      ".axis line{stroke:#666}\n.axis line.grid{stroke:#e4e4e4}\n"
	      ".inst{stroke:#111;vector-effect:non-scaling-stroke}\n"
	      ".m{fill-opacity:.55}\n.kw{fill:#c9c9c9;background:#c9c9c9}\n",
	      f);
	for (int i = 0; i < TL_NCOLOUR; i++)
		fprintf(f, ".k%d{fill:%s;background:%s}\n", i, colour[i],
			colour[i]);
	fputs("ul.legend{list-style:none;padding:0;margin:.3em 0 1em}\n"
	      "ul.legend li{display:inline-block;margin:0 1.2em .2em 0}\n"
	      ".sw{display:inline-block;width:.9em;height:.9em;"
	      "margin-right:.3em;vertical-align:middle}\n"
	      ".sw.ti{width:2px;background:#111}\n"
	      "p.tlnote{font-size:90%;color:#444}\n", f);
}
