/* asciitl: an ASCII timeline of each system's lanes.  See asciitl.h. */
#include "asciitl.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/alloc.h"
#include "kernel/trace.h"
#include "run.h"

#define TL_LABELS 36		/* symbols per lane; more share '?' */
#define TL_FINE 10		/* slices kept per column asked for */

struct tl_label {
	char name[TRACE_NAME_MAX];
	char sym;
	uint64_t total;		/* ps, innermost spans only */
	double *bin;		/* ps covered in each slice */
};

struct tl_span {
	uint64_t b, e;
	unsigned label;
};

struct tl_track {
	struct tl_label lab[TL_LABELS + 1];	/* the last: '?' others */
	unsigned nlab;
	struct tl_span *stack;	/* spans ended inside the open outer one */
	size_t nstack, capstack;
};

struct tl_sys {
	bool used;
	uint64_t binw;		/* ps per slice */
	struct tl_track **tr;	/* by track number */
	uint32_t ntr;
};

struct asciitl {
	struct trace_sink base;
	FILE *out;
	unsigned width;		/* columns at most */
	size_t nbins;		/* width * TL_FINE */
	struct tl_sys *sys;	/* by system index */
	unsigned nsys;
	bool nomem;
};

static struct tl_sys *tl_sys_of(struct asciitl *a, unsigned i)
{
	if (i >= a->nsys) {
		struct tl_sys *more = dm_realloc(a->sys, (i + 1) * sizeof(*more));

		if (!more)
			return NULL;
		memset(more + a->nsys, 0, (i + 1 - a->nsys) * sizeof(*more));
		a->sys = more;
		a->nsys = i + 1;
	}
	if (!a->sys[i].used) {
		a->sys[i].used = true;
		a->sys[i].binw = 1;
	}
	return &a->sys[i];
}

static void tl_track_free(struct tl_track *tr)
{
	if (!tr)
		return;
	for (unsigned k = 0; k <= TL_LABELS; k++)
		dm_free(tr->lab[k].bin);
	dm_free(tr->stack);
	dm_free(tr);
}

static void tl_sys_free(struct tl_sys *s)
{
	for (uint32_t k = 0; k < s->ntr; k++)
		tl_track_free(s->tr[k]);
	dm_free(s->tr);
	memset(s, 0, sizeof(*s));
}

/* Slices twice or five times as long (1, 2, 10, 20, 100 ps ...). */
static void tl_coarsen(struct asciitl *a, struct tl_sys *s)
{
	uint64_t w = s->binw;
	unsigned f;

	while (w >= 10)
		w /= 10;
	f = w == 1 ? 2 : 5;
	for (uint32_t k = 0; k < s->ntr; k++) {
		struct tl_track *tr = s->tr[k];

		if (!tr)
			continue;
		for (unsigned l = 0; l <= TL_LABELS; l++) {
			double *b = tr->lab[l].bin;

			if (!b)
				continue;
			for (size_t i = 0; i < a->nbins; i++) {
				double sum = 0;

				for (unsigned j = 0; j < f; j++)
					if (i * f + j < a->nbins)
						sum += b[i * f + j];
				b[i] = sum;
				if (i * f >= a->nbins)
					b[i] = 0;
			}
		}
	}
	s->binw *= f;
}

/* Add sign * the part of [b, e) (ps from the window's start) to a
 * label's slices. */
static void tl_add(struct asciitl *a, struct tl_sys *s, struct tl_label *l,
		   uint64_t b, uint64_t e, int sign)
{
	uint64_t w = s->binw;

	for (uint64_t i = b / w; i < a->nbins && i * w < e; i++) {
		uint64_t lo = i * w > b ? i * w : b;
		uint64_t hi = (i + 1) * w < e ? (i + 1) * w : e;

		l->bin[i] += sign * (double)(hi - lo);
	}
	if (sign > 0)
		l->total += e - b;
	else
		l->total -= e - b;
}

static unsigned tl_label(struct asciitl *a, struct tl_track *tr,
			 const char *name)
{
	unsigned k;

	for (k = 0; k < tr->nlab; k++)
		if (!strcmp(tr->lab[k].name, name))
			return k;
	if (tr->nlab == TL_LABELS) {
		k = TL_LABELS;
		if (!tr->lab[k].bin) {
			snprintf(tr->lab[k].name, sizeof(tr->lab[k].name),
				 "others");
			tr->lab[k].sym = '?';
		}
	} else {
		struct tl_label *l = &tr->lab[k];
		static const char more[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
					   "0123456789";
		char sym = 0;

		/* The name's first letter, else its last character (dma1,
		 * dma2: D, 2), else another of its letters, else any free
		 * symbol. */
		size_t n = strlen(name);
		char first[2] = { name[0], 0 };
		char last[2] = { n ? name[n - 1] : 0, 0 };
		const char *cands[] = { first, last, name, more };

		for (int pass = 0; pass < 4 && !sym; pass++) {
			for (const char *c = cands[pass]; *c && !sym; c++) {
				char u = (char)toupper((unsigned char)*c);
				bool taken = false;

				if (!isalnum((unsigned char)u) ||
				    (pass != 1 && pass != 3 &&
				     !isalpha((unsigned char)u)))
					continue;
				for (unsigned j = 0; j < tr->nlab; j++)
					taken |= tr->lab[j].sym == u;
				if (!taken)
					sym = u;
			}
		}
		snprintf(l->name, sizeof(l->name), "%s", name);
		l->sym = sym ? sym : '?';
		tr->nlab++;
	}
	if (!tr->lab[k].bin)
		tr->lab[k].bin = dm_calloc(a->nbins, sizeof(double));
	if (!tr->lab[k].bin)
		a->nomem = true;
	return k;
}

static void tl_span(struct trace_sink *sink, const struct trace *t,
		    uint32_t track, const char *name, uint64_t begin,
		    uint64_t end)
{
	struct asciitl *a = (struct asciitl *)sink;
	struct tl_sys *s = tl_sys_of(a, t->sys);
	struct tl_track *tr;
	uint64_t b, e;
	unsigned k;

	if (!s || a->nomem) {
		a->nomem = true;
		return;
	}
	if (track >= s->ntr) {
		struct tl_track **more = dm_realloc(s->tr, (track + 1) *
						 sizeof(*more));

		if (!more) {
			a->nomem = true;
			return;
		}
		memset(more + s->ntr, 0, (track + 1 - s->ntr) * sizeof(*more));
		s->tr = more;
		s->ntr = track + 1;
	}
	if (!s->tr[track] && !(s->tr[track] = dm_calloc(1, sizeof(*tr)))) {
		a->nomem = true;
		return;
	}
	tr = s->tr[track];
	b = begin - a->base.from;
	e = end - a->base.from;
	while (e > s->binw * a->nbins)
		tl_coarsen(a, s);
	k = tl_label(a, tr, name);
	if (a->nomem)
		return;
	tl_add(a, s, &tr->lab[k], b, e, 1);
	/* Spans that ended inside this one count only as themselves. */
	while (tr->nstack && tr->stack[tr->nstack - 1].b >= b &&
	       tr->stack[tr->nstack - 1].e <= e) {
		struct tl_span *in = &tr->stack[--tr->nstack];

		tl_add(a, s, &tr->lab[k], in->b, in->e, -1);
	}
	if (t->tracks[track].depth == 0) {
		tr->nstack = 0;		/* nothing encloses it */
		return;
	}
	if (tr->nstack == tr->capstack) {
		size_t cap = tr->capstack ? tr->capstack * 2 : 16;
		struct tl_span *more = dm_realloc(tr->stack, cap * sizeof(*more));

		if (!more) {
			a->nomem = true;
			return;
		}
		tr->stack = more;
		tr->capstack = cap;
	}
	tr->stack[tr->nstack++] = (struct tl_span){ b, e, k };
}

static const char *tl_time(uint64_t ps, char *buf, size_t len)
{
	static const struct {
		uint64_t scale;
		const char *unit;
	} u[] = { { 1000000000000u, "s" }, { 1000000000u, "ms" },
		  { 1000000u, "us" }, { 1000u, "ns" } };

	for (size_t i = 0; i < sizeof(u) / sizeof(u[0]); i++)
		if (ps >= u[i].scale) {
			snprintf(buf, len, "%.6g %s", (double)ps /
				 (double)u[i].scale, u[i].unit);
			return buf;
		}
	snprintf(buf, len, "%" PRIu64 " ps", ps);
	return buf;
}

/* Whether a lane repeats its parent (bus.cpu0's tenures are the bus's
 * spans labelled cpu0): its parent is a lane with spans. */
static bool tl_repeats(const struct tl_sys *s, const struct trace *t,
		       uint32_t k)
{
	const char *name = t->tracks[k].name;

	for (const char *dot = strchr(name, '.'); dot;
	     dot = strchr(dot + 1, '.')) {
		for (uint32_t j = 1; j < s->ntr && j <= t->ntracks; j++) {
			const char *p = t->tracks[j].name;

			if (j != k && s->tr[j] && s->tr[j]->nlab &&
			    strlen(p) == (size_t)(dot - name) &&
			    !strncmp(p, name, (size_t)(dot - name)))
				return true;
		}
	}
	return false;
}

static void tl_draw(struct asciitl *a, struct tl_sys *s,
		    const struct trace *t, uint64_t len)
{
	FILE *f = a->out;
	uint64_t m = (len + s->binw * a->width - 1) / (s->binw * a->width);
	uint64_t colw, ncols;
	int namew = 4;
	char t1[32], t2[32], t3[32];

	if (m == 0)
		m = 1;
	colw = m * s->binw;
	ncols = (len + colw - 1) / colw;
	for (uint32_t k = 1; k < s->ntr && k <= t->ntracks; k++)
		if (s->tr[k] && s->tr[k]->nlab && !tl_repeats(s, t, k) &&
		    (int)strlen(t->tracks[k].name) > namew)
			namew = (int)strlen(t->tracks[k].name);
	fprintf(f, "Timeline of %s: %s to %s, one column = %s (%" PRIu64
		" columns)\n", t->name, tl_time(a->base.from, t1, sizeof(t1)),
		tl_time(a->base.from + len, t2, sizeof(t2)),
		tl_time(colw, t3, sizeof(t3)), ncols);
	fprintf(f, "%*s  |", namew, "");
	for (uint64_t c = 0; c < ncols; c++)
		fputc(c % 10 == 0 ? '+' : '-', f);
	fprintf(f, "|\n");
	for (uint32_t k = 1; k < s->ntr && k <= t->ntracks; k++) {
		struct tl_track *tr = s->tr[k];
		uint64_t busy = 0;

		if (!tr || !tr->nlab || tl_repeats(s, t, k))
			continue;
		fprintf(f, "%*s  |", namew, t->tracks[k].name);
		for (uint64_t c = 0; c < ncols; c++) {
			uint64_t lo = c * m, hi = lo + m;
			double best = 0, span = (double)((c + 1) * colw > len ?
					len - c * colw : colw);
			int sym = '.';

			for (unsigned l = 0; l <= TL_LABELS; l++) {
				double sum = 0;

				if (!tr->lab[l].bin)
					continue;
				for (uint64_t i = lo; i < hi && i < a->nbins;
				     i++)
					sum += tr->lab[l].bin[i];
				if (sum > best + 1e-9) {
					best = sum;
					sym = tr->lab[l].sym;
				}
			}
			if (sym != '.' && best * 2 < span)
				sym = tolower(sym);
			fputc(sym, f);
		}
		fprintf(f, "|\n");
		for (unsigned l = 0; l <= TL_LABELS; l++) {
			const struct tl_label *lb = &tr->lab[l];

			if (!lb->bin)
				continue;
			busy += lb->total;
			fprintf(f, "%*s   %c %-16s %14" PRIu64 " ps %6.2f%%\n",
				namew, "", lb->sym, lb->name, lb->total,
				len ? 100.0 * (double)lb->total /
				(double)len : 0);
		}
		fprintf(f, "%*s   . %-16s %14" PRIu64 " ps %6.2f%%\n", namew,
			"", "idle", len - busy, len ? 100.0 * (double)(len -
			busy) / (double)len : 0);
	}
	fprintf(f, "\n");
}

static void tl_system_end(struct trace_sink *sink, const struct trace *t,
			  uint64_t at)
{
	struct asciitl *a = (struct asciitl *)sink;
	struct tl_sys *s = t->sys < a->nsys ? &a->sys[t->sys] : NULL;
	uint64_t end = at < a->base.to ? at : a->base.to;

	if (a->nomem) {
		fprintf(a->out, "Timeline of %s: out of memory\n", t->name);
	} else if (end <= a->base.from) {
		fprintf(a->out, "Timeline of %s: nothing ran in the window\n",
			t->name);
	} else {
		if (!s)
			s = tl_sys_of(a, t->sys);
		if (s) {
			while (end - a->base.from > s->binw * a->nbins)
				tl_coarsen(a, s);
			tl_draw(a, s, t, end - a->base.from);
		}
	}
	if (s)
		tl_sys_free(s);
	fflush(a->out);
}

static void tl_nothing_sys(struct trace_sink *s, const struct trace *t)
{
	(void)s;
	(void)t;
}

static void tl_nothing_track(struct trace_sink *s, const struct trace *t,
			     uint32_t track)
{
	(void)s;
	(void)t;
	(void)track;
}

static void tl_nothing_var(struct trace_sink *s, const struct trace *t,
			   uint32_t var, uint32_t track,
			   const struct trace_point *tp)
{
	(void)s;
	(void)t;
	(void)var;
	(void)track;
	(void)tp;
}

static void tl_nothing_instant(struct trace_sink *s, const struct trace *t,
			       uint32_t track, const char *name, uint64_t at)
{
	(void)s;
	(void)t;
	(void)track;
	(void)name;
	(void)at;
}

static void tl_nothing_counter(struct trace_sink *s, const struct trace *t,
			       uint32_t track, uint32_t var,
			       const struct trace_point *tp, uint64_t at,
			       double value)
{
	(void)s;
	(void)t;
	(void)track;
	(void)var;
	(void)tp;
	(void)at;
	(void)value;
}

static void tl_nothing_signal(struct trace_sink *s, const struct trace *t,
			      uint32_t var, uint64_t at, uint64_t value)
{
	(void)s;
	(void)t;
	(void)var;
	(void)at;
	(void)value;
}

static int tl_close(struct trace_sink *sink)
{
	struct asciitl *a = (struct asciitl *)sink;
	int err = ferror(a->out) ? DMASIM_EIO : 0;

	for (unsigned i = 0; i < a->nsys; i++)
		tl_sys_free(&a->sys[i]);
	dm_free(a->sys);
	dm_free(a);
	return err;
}

static const struct trace_sink_ops tl_ops = {
	.system = tl_nothing_sys,
	.track = tl_nothing_track,
	.var = tl_nothing_var,
	.span = tl_span,
	.instant = tl_nothing_instant,
	.counter = tl_nothing_counter,
	.signal = tl_nothing_signal,
	.system_end = tl_system_end,
	.close = tl_close,
};

int asciitl_start(struct dmasim_run *run)
{
	struct asciitl *a;

	if (!run->timeline.out)
		return 0;
	a = dm_calloc(1, sizeof(*a));
	if (!a)
		return run_fail(run, DMASIM_ENOMEM, "out of memory for the "
				"timeline");
	a->base.ops = &tl_ops;
	a->base.from = run->timeline.from;
	a->base.to = run->timeline.to;
	a->out = run->timeline.out;
	a->width = run->timeline.width ? run->timeline.width : 100;
	a->nbins = (size_t)a->width * TL_FINE;
	if (trace_config_add(&run->trace, &a->base)) {
		dm_free(a);
		return run_fail(run, DMASIM_EINVAL, "too many timeline outputs "
				"at once");
	}
	return 0;
}

int dmasim_run_set_timeline(struct dmasim_run *run, FILE *out,
			    uint64_t from_ps, uint64_t to_ps, unsigned width)
{
	if (from_ps > to_ps || (out && (width < 10 || width > 1000)))
		return DMASIM_EINVAL;
	run->timeline.out = out;
	run->timeline.from = from_ps;
	run->timeline.to = to_ps;
	run->timeline.width = width;
	return 0;
}
