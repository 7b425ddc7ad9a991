/* plot: sweep figures drawn by gnuplot.  See plot.h. */
#include "plot.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#define PLOT_PANEL_W 480	/* pixels per panel */
#define PLOT_PANEL_H 420

/* What is drawn: a sweep's scenario, axes and points' outcomes. */
struct plot_data {
	const char *file;
	const struct range_axis *axes;
	size_t naxes;
	size_t npoints;
	const struct pool_point *pts;
};

static const char *plot_ext(const char *path)
{
	const char *dot = strrchr(path, '.');

	return dot && !strchr(dot, '/') ? dot + 1 : "";
}

int plot_format_ok(const char *path)
{
	return !strcmp(plot_ext(path), "svg") || !strcmp(plot_ext(path), "png");
}

static void plot_err(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
}

/* A gnuplot string: single quotes, a quote doubled. */
static void gp_str(FILE *f, const char *s)
{
	fputc('\'', f);
	for (; *s; s++) {
		if (*s == '\'')
			fputc('\'', f);
		fputc(*s == '\n' || *s == '\t' ? ' ' : *s, f);
	}
	fputc('\'', f);
}

/* A data field: no tabs or line breaks, never empty. */
static void gp_field(FILE *f, const char *s)
{
	if (!*s)
		fputc('-', f);
	for (; *s; s++)
		fputc(*s == '\t' || *s == '\n' || *s == '\r' ? ' ' : *s, f);
}

/* A display unit for an axis in base units: the largest whose scale is
 * at most the smallest value (sizes: only one that divides every value). */
struct plot_scale {
	double scale;
	const char *unit;
};

static struct plot_scale x_scale(const struct range_axis *a)
{
	static const struct plot_scale size[] = {
		{ 1073741824.0, "GiB" }, { 1048576.0, "MiB" },
		{ 1024.0, "KiB" }, { 1, "bytes" } };
	static const struct plot_scale time[] = {
		{ 1e12, "s" }, { 1e9, "ms" }, { 1e6, "us" }, { 1e3, "ns" },
		{ 1, "ps" } };
	static const struct plot_scale freq[] = {
		{ 1e9, "GHz" }, { 1e6, "MHz" }, { 1e3, "kHz" }, { 1, "Hz" } };
	static const struct plot_scale bw[] = {
		{ 1e9, "GB/s" }, { 1e6, "MB/s" }, { 1e3, "KB/s" },
		{ 1, "bytes/s" } };
	const struct plot_scale *t = NULL;
	size_t n = 0;
	double lo = INFINITY;
	struct plot_scale none = { 1, "" };

	switch (a->numeric ? a->unit : DMASIM_UNIT_NONE) {
	case DMASIM_UNIT_NONE:
		return none;
	case DMASIM_UNIT_SIZE:
		t = size, n = sizeof(size) / sizeof(size[0]);
		break;
	case DMASIM_UNIT_TIME:
		t = time, n = sizeof(time) / sizeof(time[0]);
		break;
	case DMASIM_UNIT_FREQ:
		t = freq, n = sizeof(freq) / sizeof(freq[0]);
		break;
	case DMASIM_UNIT_BANDWIDTH:
		t = bw, n = sizeof(bw) / sizeof(bw[0]);
		break;
	}
	for (size_t i = 0; i < a->n; i++)
		if (a->num[i] > 0 && a->num[i] < lo)
			lo = a->num[i];
	for (size_t k = 0; k < n; k++) {
		bool divides = true;

		if (t[k].scale > lo)
			continue;
		if (a->unit == DMASIM_UNIT_SIZE)
			for (size_t i = 0; i < a->n; i++)
				divides &= fmod(a->num[i], t[k].scale) == 0;
		if (divides)
			return t[k];
	}
	return t[n - 1];
}

/* Move figs[k] to the end of the kept prefix figs[0..*kept). */
static void keep(const char **figs, size_t *kept, size_t k)
{
	const char *tmp = figs[*kept];

	figs[*kept] = figs[k];
	figs[k] = tmp;
	(*kept)++;
}

/* Keep claim id's "<id>.model" and "<id>.simulated".  Returns 0, or -1
 * when the figures lack either. */
static int keep_claim(const char **figs, size_t n, size_t *kept,
		      const char *id, size_t len)
{
	static const char *const what[] = { ".model", ".simulated" };
	size_t at[2];

	for (int w = 0; w < 2; w++) {
		size_t wl = strlen(what[w]);

		for (at[w] = *kept; at[w] < n; at[w]++)
			if (strlen(figs[at[w]]) == len + wl &&
			    !strncmp(figs[at[w]], id, len) &&
			    !strcmp(figs[at[w]] + len, what[w]))
				break;
		if (at[w] == n)
			return -1;
	}
	keep(figs, kept, at[0]);
	/* The swap may have moved the second one to at[0]'s old place. */
	if (at[1] == *kept - 1)
		at[1] = at[0];
	keep(figs, kept, at[1]);
	return 0;
}

/* The unit of figure name, from the first point that reported it. */
static const char *fig_unit(const struct plot_data *sw, const char *name)
{
	for (size_t p = 0; p < sw->npoints; p++) {
		const struct csv_val *v = csv_row_find(&sw->pts[p].row, true,
						       name);

		if (v)
			return v->unit;
	}
	return "";
}

/* For figs[k] = "<id>.model": the index of "<id>.simulated", or nfig. */
static size_t claim_partner(const char **figs, size_t nfig, size_t k)
{
	size_t len = strlen(figs[k]);

	if (len < 6 || strcmp(figs[k] + len - 6, ".model"))
		return nfig;
	for (size_t j = 0; j < nfig; j++)
		if (strlen(figs[j]) == len + 4 &&
		    !strncmp(figs[j], figs[k], len - 6) &&
		    !strcmp(figs[j] + len - 6, ".simulated"))
			return j;
	return nfig;
}

/* Whether figs[k] is drawn in its claim's model panel. */
static bool claim_paired(const char **figs, size_t nfig, size_t k)
{
	for (size_t j = 0; j < nfig; j++)
		if (claim_partner(figs, nfig, j) == k)
			return true;
	return false;
}

#define PLOT_GROUP_MAX 4	/* figures drawn together by default */
#define PLOT_TITLE_MAX 56	/* characters of figure names in a title */
#define PLOT_WORDS_MAX 60	/* characters of a claim's words in one */

/* By default, figures of one unit share a panel (PLOT_GROUP_MAX at
 * most), in the order reported: times with times, sizes with sizes.  A
 * claim keeps a panel of its own (model against simulated), and so does
 * a figure without a unit (counts and ratios of unlike scales). */
static void group_by_unit(const struct plot_data *sw, const char **figs,
			  size_t n, size_t *panel)
{
	for (size_t k = 0; k < n; k++) {
		const char *u = fig_unit(sw, figs[k]);
		size_t members = 0;

		if (!*u || claim_partner(figs, n, k) < n ||
		    claim_paired(figs, n, k))
			continue;
		for (size_t j = 0; j < k; j++) {
			if (panel[j] != j || claim_partner(figs, n, j) < n ||
			    claim_paired(figs, n, j) ||
			    strcmp(fig_unit(sw, figs[j]), u))
				continue;
			members = 0;
			for (size_t m = 0; m < k; m++)
				members += panel[m] == j;
			if (members < PLOT_GROUP_MAX) {
				panel[k] = j;
				break;
			}
		}
	}
}

/* The figures to draw: numeric results of the successful points (claims
 * give "<id>.model" and "<id>.simulated"), in the order first reported,
 * grouped by unit (group_by_unit()), or those named in y (a figure, or a
 * claim's id for both).  Returns their count (0 with a message when one
 * named is neither). */
static size_t pick_figures(const struct plot_data *sw, const char *y,
			   const char ***out, size_t **panel_out, char *err,
			   size_t errlen)
{
	const char **figs = NULL;
	size_t *panel;
	size_t n = 0, cap = 0;

	for (size_t p = 0; p < sw->npoints; p++) {
		const struct csv_row *row = &sw->pts[p].row;

		for (size_t i = 0; i < row->n; i++) {
			const struct csv_val *v = &row->v[i];
			bool seen = false;

			if (!v->result || !v->is_number)
				continue;
			for (size_t k = 0; k < n && !seen; k++)
				seen = !strcmp(figs[k], v->name);
			if (seen)
				continue;
			if (n == cap) {
				const char **a;

				cap = cap ? cap * 2 : 16;
				a = realloc(figs, cap * sizeof(*a));
				if (!a) {
					free(figs);
					plot_err(err, errlen, "out of memory");
					return 0;
				}
				figs = a;
			}
			figs[n++] = v->name;
		}
	}
	panel = calloc(n ? n : 1, sizeof(*panel));
	if (!panel) {
		free(figs);
		plot_err(err, errlen, "out of memory");
		return 0;
	}
	for (size_t k = 0; k < n; k++)
		panel[k] = k;
	if (!y)
		group_by_unit(sw, figs, n, panel);
	if (y) {
		size_t kept = 0, g = 0;
		const char *p = y;

		/* "a,b+c": a in one panel, b and c drawn together in another */
		while (*p) {
			size_t len = strcspn(p, ",+"), k, before = kept;

			for (k = kept; k < n; k++)
				if (strlen(figs[k]) == len &&
				    !strncmp(figs[k], p, len))
					break;
			if (k < n) {
				keep(figs, &kept, k);
			} else if (keep_claim(figs, n, &kept, p, len)) {
				plot_err(err, errlen, "--y: '%.*s' is not a "
					 "numeric figure or a claim the "
					 "scenario reports", (int)len, p);
				free(figs);
				free(panel);
				return 0;
			}
			for (size_t j = before; j < kept; j++)
				panel[j] = g;
			if (p[len] != '+')
				g++;
			p += len + (p[len] == ',' || p[len] == '+');
		}
		n = kept;
	}
	if (!n) {
		plot_err(err, errlen, "no point reported a numeric figure to "
			 "plot");
		free(figs);
		free(panel);
		return 0;
	}
	*out = figs;
	*panel_out = panel;
	return n;
}

/* A claim's words ("<id>.claim" note), from the first point that has
 * them, or NULL. */
static const char *claim_words(const struct plot_data *sw, const char *id,
			       size_t idlen)
{
	char name[300];

	snprintf(name, sizeof(name), "%.*s.claim", (int)idlen, id);
	for (size_t p = 0; p < sw->npoints; p++) {
		const char *t = csv_row_note(&sw->pts[p].row, name);

		if (t && *t)
			return t;
	}
	return NULL;
}

/* The point with axis xk at index xi and the series' indices elsewhere. */
static size_t point_at(const struct plot_data *sw, size_t xk, size_t xi,
		       size_t series)
{
	size_t p = 0;

	for (size_t k = 0; k < sw->naxes; k++) {
		size_t n = sw->axes[k].n, i;

		if (k == xk) {
			i = xi;
		} else {
			i = series % n;
			series /= n;
		}
		p = p * n + i;
	}
	return p;
}

/* "K=2, mode=burst": the series' values of the axes other than x that
 * have several values, after prefix ("model", or ""). */
static void series_title(FILE *f, const struct plot_data *sw, size_t xk,
			 size_t series, const char *prefix)
{
	char buf[512];
	size_t used = (size_t)snprintf(buf, sizeof(buf), "%s", prefix);

	for (size_t k = 0; k < sw->naxes; k++) {
		const struct range_axis *a = &sw->axes[k];
		size_t i = series % a->n;

		if (k == xk)
			continue;
		series /= a->n;
		if (a->n < 2 || used >= sizeof(buf))
			continue;
		used += (size_t)snprintf(buf + used, sizeof(buf) - used,
					 "%s%s=%s", used ? ", " : "", a->name,
					 a->text[i]);
	}
	gp_str(f, buf);
}

/* Whether some point of a series reports figure fig as a number. */
static bool series_has(const struct plot_data *sw, size_t xk, size_t series,
		       const char *fig)
{
	for (size_t i = 0; i < sw->axes[xk].n; i++) {
		const struct csv_val *v = csv_row_find(
			&sw->pts[point_at(sw, xk, i, series)].row, true, fig);

		if (v && v->is_number && isfinite(v->number))
			return true;
	}
	return false;
}

/* One line of a panel: column col of every series that has figure fig. */
static void plot_lines(FILE *f, const struct plot_data *sw, size_t xk,
		       const char *fig, size_t col, const char *style,
		       const char *prefix, size_t color0, size_t *drawn)
{
	size_t nseries = sw->npoints / sw->axes[xk].n;

	for (size_t s = 0; s < nseries; s++) {
		/* A series without this figure (all its points failed, or
		 * the figure depends on the parameters) is left out rather
		 * than drawn empty. */
		if (!series_has(sw, xk, s, fig))
			continue;
		fprintf(f, "%s$s%zu using 1:%zu%s with %s lc %zu ",
			(*drawn)++ ? ", \\\n     " : "", s, col + 3,
			sw->axes[xk].numeric ? "" : ":xtic(2)", style,
			color0 + s + 1);
		if (nseries > 1 || *prefix) {
			fputs("title ", f);
			series_title(f, sw, xk, s, prefix);
		} else {
			fputs("notitle", f);
		}
	}
}

/* Whether panel[k]'s values span two decades or more, all positive: such
 * a panel reads better on a log scale. */
static bool panel_wants_log(const struct plot_data *sw, const char **figs,
			    const size_t *panel, size_t nfig, size_t k)
{
	double lo = INFINITY, hi = 0;

	for (size_t j = 0; j < nfig; j++) {
		if (panel[j] != panel[k])
			continue;
		for (size_t p = 0; p < sw->npoints; p++) {
			const struct csv_val *v =
				csv_row_find(&sw->pts[p].row, true, figs[j]);

			if (!v || !v->is_number || !isfinite(v->number))
				continue;
			if (v->number <= 0)
				return false;
			lo = fmin(lo, v->number);
			hi = fmax(hi, v->number);
		}
	}
	return hi > 0 && hi >= 100 * lo;
}

/* The first figure of panel[k]'s panel (claim partners drawn with their
 * model are not counted). */
static size_t panel_lead(const char **figs, const size_t *panel, size_t nfig,
			 size_t k)
{
	for (size_t j = 0; j < nfig; j++)
		if (panel[j] == panel[k] && !claim_paired(figs, nfig, j))
			return j;
	return k;
}

/* Figure fig of point i of a series, or NAN. */
static double fig_at(const struct plot_data *sw, size_t xk, size_t i,
		     size_t series, const char *fig)
{
	const struct csv_val *v = csv_row_find(
		&sw->pts[point_at(sw, xk, i, series)].row, true, fig);

	return v && v->is_number && isfinite(v->number) ? v->number : NAN;
}

/*
 * Where two figures drawn together cross (a break-even): for each series,
 * each x at which a - b changes sign between two neighbouring points (by
 * linear interpolation in x, as the figures of a mechanism mostly grow
 * between samples, whatever the axis's scale), marked with a circle and
 * its x.  Returns the labels set.
 */
static size_t mark_crossings(FILE *f, const struct plot_data *sw, size_t xk,
			     const struct plot_scale *xs, const char *a,
			     const char *b)
{
	const struct range_axis *xa = &sw->axes[xk];
	size_t nseries = sw->npoints / xa->n, nlabel = 0;

	for (size_t s = 0; s < nseries && xa->numeric; s++) {
		for (size_t i = 0; i + 1 < xa->n; i++) {
			double a0 = fig_at(sw, xk, i, s, a);
			double b0 = fig_at(sw, xk, i, s, b);
			double a1 = fig_at(sw, xk, i + 1, s, a);
			double b1 = fig_at(sw, xk, i + 1, s, b);
			double d0 = a0 - b0, d1 = a1 - b1, t, x0, x1, x, y;

			if (!isfinite(d0) || !isfinite(d1) || d0 == 0 ||
			    !((d0 < 0 && d1 >= 0) || (d0 > 0 && d1 <= 0)))
				continue;
			t = d0 / (d0 - d1);
			x0 = xa->num[i] / xs->scale;
			x1 = xa->num[i + 1] / xs->scale;
			x = x0 + t * (x1 - x0);
			y = a0 + t * (a1 - a0);
			fprintf(f, "set label %zu sprintf('%%s = %%.4g%s%s', ",
				++nlabel, *xs->unit ? " " : "", xs->unit);
			gp_str(f, xa->name);
			fprintf(f, ", %.17g) at %.17g, %.17g point pt 6 ps 2 "
				"offset 1, 1\n", x, x, y);
		}
	}
	return nlabel;
}

static int write_script(FILE *f, const struct plot_data *sw, const char *path,
			size_t xk, const char **figs, const size_t *panel,
			size_t nfig)
{
	const struct range_axis *xa = &sw->axes[xk];
	struct plot_scale xs = x_scale(xa);
	size_t nseries = sw->npoints / xa->n, npanel = 0;
	size_t cols, rows;
	bool png = !strcmp(plot_ext(path), "png");
	const char *slash = strrchr(sw->file, '/');
	char title[512];

	for (size_t k = 0; k < nfig; k++)
		npanel += !claim_paired(figs, nfig, k) &&
			  panel_lead(figs, panel, nfig, k) == k;
	cols = (size_t)ceil(sqrt((double)npanel));
	rows = (npanel + cols - 1) / cols;

	fprintf(f, "# dmasim sweep plot: %s\n", sw->file);
	fprintf(f, "set terminal %s size %zu,%zu noenhanced font 'Sans,10'%s\n",
		png ? "pngcairo" : "svg", cols * PLOT_PANEL_W,
		rows * PLOT_PANEL_H, png ? "" : " dynamic background rgb 'white'");
	fputs("set output ", f);
	gp_str(f, path);
	fputs("\nset datafile separator '\\t'\nset datafile missing '?'\n", f);
	/* One datablock per series: x, its label, then each figure. */
	for (size_t s = 0; s < nseries; s++) {
		fprintf(f, "$s%zu << EOD\n", s);
		for (size_t i = 0; i < xa->n; i++) {
			const struct csv_row *row =
				&sw->pts[point_at(sw, xk, i, s)].row;

			if (xa->numeric)
				fprintf(f, "%.17g\t", xa->num[i] / xs.scale);
			else
				fprintf(f, "%zu\t", i);
			gp_field(f, xa->text[i]);
			for (size_t k = 0; k < nfig; k++) {
				const struct csv_val *v =
					csv_row_find(row, true, figs[k]);

				if (v && v->is_number && isfinite(v->number))
					fprintf(f, "\t%.17g", v->number);
				else
					fputs("\t?", f);
			}
			fputc('\n', f);
		}
		fputs("EOD\n", f);
	}
	snprintf(title, sizeof(title), "%s: %zu points", slash ? slash + 1 :
		 sw->file, sw->npoints);
	fprintf(f, "set multiplot layout %zu,%zu title ", rows, cols);
	gp_str(f, title);
	fputs("\nset grid\nset key below\n", f);
	if (*xs.unit) {
		char label[256];

		snprintf(label, sizeof(label), "%s (%s)", xa->name, xs.unit);
		fputs("set xlabel ", f);
		gp_str(f, label);
	} else {
		fputs("set xlabel ", f);
		gp_str(f, xa->name);
	}
	fputc('\n', f);
	if (xa->kind == RANGE_GEOM)
		fprintf(f, "set logscale x %d\n",
			xa->ratio == 2 || xa->ratio == 4 ? 2 : 10);
	if (!xa->numeric)
		fprintf(f, "set xrange [-0.5:%zu.5]\n", xa->n - 1);
	else	/* the swept range, not gnuplot's round numbers around it */
		fputs("set autoscale xfix\nset offsets graph 0.03, graph 0.03, "
		      "graph 0.05, 0\n", f);
	for (size_t k = 0; k < nfig; k++) {
		size_t pk = claim_partner(figs, nfig, k), drawn = 0, nlabel;
		const char *unit = fig_unit(sw, figs[k]);
		char label[256], name[256];
		bool overlay = false;

		if (claim_paired(figs, nfig, k) ||
		    panel_lead(figs, panel, nfig, k) != k)
			continue;
		for (size_t j = k + 1; j < nfig; j++)
			overlay |= panel[j] == panel[k] &&
				   !claim_paired(figs, nfig, j);
		/* A claim: its model as a dashed line, the simulated values
		 * as points, in one panel named after the claim. */
		snprintf(name, sizeof(name), "%.*s", (int)(pk < nfig ?
			 strlen(figs[k]) - 6 : strlen(figs[k])), figs[k]);
		if (overlay) {
			size_t used = strlen(name), more = 0;

			/* the title names them while they fit a panel's
			 * width; the key names each line */
			for (size_t j = k + 1; j < nfig; j++) {
				if (panel[j] != panel[k] ||
				    claim_paired(figs, nfig, j))
					continue;
				if (!more && used + strlen(figs[j]) + 2 <=
					     PLOT_TITLE_MAX)
					used += (size_t)snprintf(name + used,
						sizeof(name) - used, ", %s",
						figs[j]);
				else
					more++;
			}
			if (more)
				snprintf(name + used, sizeof(name) - used,
					 " and %zu more", more);
			pk = nfig;	/* no model/simulated pairing */
		}
		if (overlay && *unit)	/* the key names the figures */
			snprintf(label, sizeof(label), "%s", unit);
		else
			snprintf(label, sizeof(label), *unit ? "%s (%s)" :
				 "%s", name, unit);
		/* a claim's panel is titled with the claim in words, the y
		 * axis with its id */
		if (pk < nfig && !overlay) {
			const char *w = claim_words(sw, name, strlen(name));

			if (w) {
				snprintf(label, sizeof(label), *unit ?
					 "%s (%s)" : "%s", name, unit);
				snprintf(name, sizeof(name), "%.*s%s",
					 PLOT_WORDS_MAX, w,
					 strlen(w) > PLOT_WORDS_MAX ? "..." :
					 "");
			}
		}
		fputs(xa->kind == RANGE_GEOM &&
		      panel_wants_log(sw, figs, panel, nfig, k) ?
		      "set logscale y 10\n" : "unset logscale y\n", f);
		fputs("set title ", f);
		gp_str(f, name);
		fputs("\nset ylabel ", f);
		gp_str(f, label);
		fputc('\n', f);
		nlabel = 0;
		if (overlay) {	/* the first two figures' crossings */
			const char *two[2];
			size_t m = 0;

			for (size_t j = k; j < nfig && m < 2; j++)
				if (panel[j] == panel[k] &&
				    !claim_paired(figs, nfig, j))
					two[m++] = figs[j];
			if (m == 2)
				nlabel = mark_crossings(f, sw, xk, &xs, two[0],
							two[1]);
		}
		fputs("plot ", f);
		if (pk < nfig) {
			plot_lines(f, sw, xk, figs[k], k, "lines dt 2 lw 1.5",
				   "model", 0, &drawn);
			plot_lines(f, sw, xk, figs[pk], pk,
				   "points pt 7 ps 0.7", "simulated", 0, &drawn);
		} else if (!overlay) {
			plot_lines(f, sw, xk, figs[k], k,
				   "linespoints pt 7 ps 0.6", "", 0, &drawn);
		} else {
			/* figures drawn together: one line each */
			for (size_t j = k, m = 0; j < nfig; j++) {
				if (panel[j] != panel[k] ||
				    claim_paired(figs, nfig, j))
					continue;
				plot_lines(f, sw, xk, figs[j], j,
					   "linespoints pt 7 ps 0.6", figs[j],
					   m++ * nseries, &drawn);
			}
		}
		fputc('\n', f);
		if (nlabel)
			fputs("unset label\n", f);
	}
	fputs("unset multiplot\n", f);
	return ferror(f) ? -1 : 0;
}

/* Run gnuplot on script.  Returns its exit status, 127 when it could not
 * be started, or -1. */
static int run_gnuplot(const char *script)
{
	pid_t pid;
	int status;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		execlp("gnuplot", "gnuplot", script, (char *)NULL);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int plot_sweep(const char *file, const struct range_grid *g,
	       const struct pool_point *pts, const char *path, const char *x,
	       const char *y, const char *keep, char *err, size_t errlen)
{
	const struct plot_data data = { .file = file, .axes = g->axes,
		.naxes = g->naxes, .npoints = g->npoints, .pts = pts };
	const struct plot_data *sw = &data;
	const char *tmpdir = getenv("TMPDIR");
	char script[4096];
	const char **figs = NULL;
	size_t *panel = NULL;
	size_t xk = 0, nfig;
	struct stat st;
	FILE *f;
	int fd, rc, ret = -1;

	for (xk = 0; xk < sw->naxes; xk++)
		if (x ? !strcmp(sw->axes[xk].name, x) : sw->axes[xk].n >= 2)
			break;
	if (xk == sw->naxes) {
		plot_err(err, errlen, x ? "--x %s: not a swept parameter" :
			 "nothing to plot against: expected a parameter swept "
			 "over two or more values (-D name=a,b or a range)", x);
		return -1;
	}
	nfig = pick_figures(sw, y, &figs, &panel, err, errlen);
	if (!nfig)
		return -1;
	snprintf(script, sizeof(script), "%s/dmasim-plot-XXXXXX",
		 tmpdir && *tmpdir ? tmpdir : "/tmp");
	if (keep) {	/* --plot-script: the script where asked, kept */
		snprintf(script, sizeof(script), "%s", keep);
		fd = open(script, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0 || !(f = fdopen(fd, "w"))) {
			plot_err(err, errlen, "cannot write the gnuplot script "
				 "%s: %s", script, strerror(errno));
			if (fd >= 0)
				close(fd);
			goto out;
		}
	} else if ((fd = mkstemp(script)) < 0 || !(f = fdopen(fd, "w"))) {
		plot_err(err, errlen, "cannot write a gnuplot script in %s: %s",
			 tmpdir && *tmpdir ? tmpdir : "/tmp", strerror(errno));
		if (fd >= 0)
			close(fd);
		goto out;
	}
	rc = write_script(f, sw, path, xk, figs, panel, nfig);
	if (fclose(f) || rc) {
		plot_err(err, errlen, "cannot write the gnuplot script %s",
			 script);
		goto out_unlink;
	}
	rc = run_gnuplot(script);
	if (rc == 127) {
		plot_err(err, errlen, "cannot run gnuplot: is it installed? "
			 "(Debian package gnuplot-nox; `make deps` installs "
			 "it); the CSV was still written");
		goto out_unlink;
	}
	if (rc) {
		plot_err(err, errlen, "gnuplot failed (status %d) on the "
			 "script kept at %s", rc, script);
		goto out;	/* keep the script to look at */
	}
	if (stat(path, &st) || st.st_size == 0) {
		plot_err(err, errlen, "gnuplot wrote no image (script kept at "
			 "%s)", script);
		goto out;
	}
	ret = 0;
out_unlink:
	if (!keep)
		unlink(script);
out:
	free(figs);
	free(panel);
	return ret;
}
