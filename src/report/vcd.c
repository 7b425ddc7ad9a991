/* vcd: value-change dump writer.  See vcd.h. */
#include "vcd.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/alloc.h"
#include "kernel/base.h"
#include "kernel/vec.h"

#define VCD_LINE 512

struct vcd_decl {
	char path[TRACE_NAME_MAX];	/* the track's name */
	const struct trace_point *tp;
	uint32_t id;
};

/* One system: its declarations and its changes (a temporary file of
 * "#time" lines, each followed by the changes at that time). */
struct vcd_sys {
	char name[TRACE_NAME_MAX];
	FILE *body;
	uint64_t last;		/* ps: time of the last "#" line */
	bool timed;		/* a "#" line was written */
	struct vcd_decl *decl;
	size_t ndecl, capdecl;
};

struct vcd {
	struct trace_sink base;
	FILE *f;
	struct vcd_sys *sys;
	unsigned nsys, capsys;
	uint8_t *width;		/* bits: each signal's wire width, by var id */
	size_t nwidth, capwidth;
	bool failed;		/* out of memory or a temporary file failed */
};

static struct vcd *vcd_of(struct trace_sink *s)
{
	return (struct vcd *)s;
}

char *vcd_id(uint32_t id, char *buf)
{
	int n = 0;

	do {
		buf[n++] = (char)('!' + id % 94);
		id /= 94;
	} while (id);
	buf[n] = '\0';
	return buf;
}

/* A name usable as a VCD identifier: no white space. */
static void vcd_name(FILE *f, const char *s, size_t len)
{
	for (size_t i = 0; i < len && s[i]; i++)
		fputc((unsigned char)s[i] <= ' ' ? '_' : s[i], f);
}

static struct vcd_sys *vcd_sys(struct vcd *v, const struct trace *t)
{
	return t->sys < v->nsys ? &v->sys[t->sys] : NULL;
}

static void vcd_system(struct trace_sink *s, const struct trace *t)
{
	struct vcd *v = vcd_of(s);
	struct vcd_sys *vs;

	/* Systems arrive in index order, once each. */
	VEC_RESERVE(v->sys, v->nsys, v->capsys, v->failed = true; return);
	if (t->sys != v->nsys) {
		v->failed = true;
		return;
	}
	vs = &v->sys[v->nsys++];
	memset(vs, 0, sizeof(*vs));
	snprintf(vs->name, sizeof(vs->name), "%s", t->name);
	vs->body = tmpfile();
	if (!vs->body)
		v->failed = true;
}

static void vcd_track(struct trace_sink *s, const struct trace *t,
		      uint32_t track)
{
	(void)s, (void)t, (void)track;
}

static void vcd_var(struct trace_sink *s, const struct trace *t, uint32_t var,
		    uint32_t track, const struct trace_point *tp)
{
	struct vcd *v = vcd_of(s);
	struct vcd_sys *vs = vcd_sys(v, t);
	struct vcd_decl *d;

	if (!vs)
		return;
	VEC_RESERVE(vs->decl, vs->ndecl, vs->capdecl, v->failed = true; return);
	d = &vs->decl[vs->ndecl++];
	memcpy(d->path, t->tracks[track].name, sizeof(d->path));
	d->tp = tp;
	d->id = var;
	if (tp->kind != TRACE_SIGNAL)
		return;
	/* Ids are dense from 0, so the table grows to the highest seen. */
	while (v->nwidth <= var) {
		VEC_RESERVE(v->width, v->nwidth, v->capwidth,
			    v->failed = true; return);
		v->width[v->nwidth++] = 1;
	}
	if (tp->width)
		v->width[var] = (uint8_t)tp->width;
}

static void vcd_span(struct trace_sink *s, const struct trace *t,
		     uint32_t track, const char *name, uint64_t begin,
		     uint64_t end)
{
	(void)s, (void)t, (void)track, (void)name, (void)begin, (void)end;
}

static void vcd_instant(struct trace_sink *s, const struct trace *t,
			uint32_t track, const char *name, uint64_t at)
{
	(void)s, (void)t, (void)track, (void)name, (void)at;
}

/* The body positioned for a change at `at`. */
static FILE *vcd_at(struct vcd *v, const struct trace *t, uint64_t at)
{
	struct vcd_sys *vs = vcd_sys(v, t);

	if (!vs || !vs->body)
		return NULL;
	if (!vs->timed || at != vs->last) {
		fprintf(vs->body, "#%" PRIu64 "\n", at);
		vs->timed = true;
		vs->last = at;
	}
	return vs->body;
}

static void vcd_counter(struct trace_sink *s, const struct trace *t,
			uint32_t track, uint32_t var, const struct trace_point *tp,
			uint64_t at, double value)
{
	FILE *f = vcd_at(vcd_of(s), t, at);
	char id[8];

	(void)track, (void)tp;
	if (f)
		fprintf(f, "r%.17g %s\n", isfinite(value) ? value : 0,
			vcd_id(var, id));
}

static void vcd_signal(struct trace_sink *s, const struct trace *t,
		       uint32_t var, uint64_t at, uint64_t value)
{
	struct vcd *v = vcd_of(s);
	FILE *f = vcd_at(v, t, at);
	char id[8], bits[65];
	int n = 0;

	if (!f)
		return;
	/* Only a 1-bit wire takes the scalar form: a viewer rejects "0!" for
	 * a vector variable. */
	if (value <= 1 && (var >= v->nwidth || v->width[var] == 1)) {
		fprintf(f, "%c%s\n", (int)('0' + value), vcd_id(var, id));
		return;
	}
	for (int b = 63; b >= 0; b--)
		if (n || (value >> b) & 1 || !b)
			bits[n++] = (char)('0' + ((value >> b) & 1));
	bits[n] = '\0';
	fprintf(f, "b%s %s\n", bits, vcd_id(var, id));
}

static void vcd_system_end(struct trace_sink *s, const struct trace *t,
			   uint64_t at)
{
	struct vcd *v = vcd_of(s);

	/* Mark where the system stopped, so a viewer shows the last values
	 * up to there. */
	if (at >= s->from && vcd_sys(v, t))
		vcd_at(v, t, at < s->to ? at : s->to);
}

/* Compare track paths part by part: "bus" < "bus.cpu" < "bus2". */
static int vcd_path_cmp(const char *a, const char *b)
{
	for (;; a++, b++) {
		unsigned char ca = *a == '.' ? 1 : (unsigned char)*a;
		unsigned char cb = *b == '.' ? 1 : (unsigned char)*b;

		if (ca != cb || !ca)
			return ca - cb;
	}
}

static int vcd_decl_cmp(const void *pa, const void *pb)
{
	const struct vcd_decl *a = pa, *b = pb;
	int c = vcd_path_cmp(a->path, b->path);

	if (c)
		return c;
	return a->id < b->id ? -1 : a->id > b->id;
}

/* Number of leading dot-separated parts two paths share; OUT: *len is
 * the length of the shared prefix of a. */
static int vcd_common(const char *a, const char *b, size_t *len)
{
	int parts = 0;
	size_t i = 0;

	*len = 0;
	for (;;) {
		size_t ea = strcspn(a + i, "."), eb = strcspn(b + i, ".");

		if (ea != eb || strncmp(a + i, b + i, ea))
			return parts;
		parts++;
		i += ea;
		*len = i;
		if (!a[i] || !b[i])
			return parts;
		i++;
	}
}

static int vcd_parts(const char *p)
{
	int n = *p ? 1 : 0;

	for (; *p; p++)
		n += *p == '.';
	return n;
}

static void vcd_header(struct vcd *v)
{
	FILE *f = v->f;

	fprintf(f, "$version dmasim %s $end\n", DMASIM_VERSION);
	if (v->base.from || v->base.to != UINT64_MAX) {
		fprintf(f, "$comment window from %" PRIu64 " ps", v->base.from);
		if (v->base.to != UINT64_MAX)
			fprintf(f, " to %" PRIu64 " ps", v->base.to);
		fputs(" $end\n", f);
	}
	fputs("$timescale 1ps $end\n", f);
	for (unsigned k = 0; k < v->nsys; k++) {
		struct vcd_sys *vs = &v->sys[k];
		const char *prev = "";
		int depth = 0;

		qsort(vs->decl, vs->ndecl, sizeof(*vs->decl), vcd_decl_cmp);
		fputs("$scope module ", f);
		vcd_name(f, vs->name, sizeof(vs->name));
		fputs(" $end\n", f);
		for (size_t i = 0; i < vs->ndecl; i++) {
			const struct vcd_decl *d = &vs->decl[i];
			const struct trace_point *pi = d->tp;
			size_t len;
			int keep = vcd_common(prev, d->path, &len);
			const char *p;
			char id[8];

			for (; depth > keep; depth--)
				fputs("$upscope $end\n", f);
			p = d->path + (depth ? len + 1 : 0);
			while (depth < vcd_parts(d->path)) {
				size_t n = strcspn(p, ".");

				fputs("$scope module ", f);
				vcd_name(f, p, n);
				fputs(" $end\n", f);
				depth++;
				p += n + (p[n] == '.');
			}
			if (pi->kind == TRACE_COUNTER)
				fprintf(f, "$var real 64 %s %s $end\n",
					vcd_id(d->id, id), pi->name);
			else
				fprintf(f, "$var wire %u %s %s $end\n",
					pi->width ? pi->width : 1,
					vcd_id(d->id, id), pi->name);
			prev = d->path;
		}
		for (; depth > 0; depth--)
			fputs("$upscope $end\n", f);
		fputs("$upscope $end\n", f);
	}
	fputs("$enddefinitions $end\n", f);
}

struct vcd_cursor {
	FILE *f;
	uint64_t t;		/* time of the block to copy next */
	bool live;
};

/* Read up to the next "#time" line of a body. */
static void vcd_next(struct vcd_cursor *c, FILE *out)
{
	char line[VCD_LINE];

	while (fgets(line, sizeof(line), c->f)) {
		if (line[0] == '#') {
			c->t = strtoull(line + 1, NULL, 10);
			return;
		}
		if (out)
			fputs(line, out);
	}
	c->live = false;
}

/* Merge the systems' bodies by time: each is sorted, so a k-way merge of
 * their time blocks keeps the dump's times increasing. */
static int vcd_merge(struct vcd *v)
{
	struct vcd_cursor *c = dm_calloc(v->nsys ? v->nsys : 1, sizeof(*c));
	bool any = true;

	if (!c)
		return DMASIM_ENOMEM;
	for (unsigned k = 0; k < v->nsys; k++) {
		c[k].f = v->sys[k].body;
		c[k].live = c[k].f && fflush(c[k].f) == 0 &&
			    fseek(c[k].f, 0, SEEK_SET) == 0;
		if (c[k].live)
			vcd_next(&c[k], NULL);
	}
	while (any) {
		uint64_t t = UINT64_MAX;

		any = false;
		for (unsigned k = 0; k < v->nsys; k++)
			if (c[k].live && (!any || c[k].t < t)) {
				t = c[k].t;
				any = true;
			}
		if (!any)
			break;
		fprintf(v->f, "#%" PRIu64 "\n", t);
		for (unsigned k = 0; k < v->nsys; k++)
			if (c[k].live && c[k].t == t)
				vcd_next(&c[k], v->f);
	}
	dm_free(c);
	return 0;
}

static int vcd_close(struct trace_sink *s)
{
	struct vcd *v = vcd_of(s);
	int err = v->failed ? DMASIM_EIO : 0;

	vcd_header(v);
	if (vcd_merge(v))
		err = DMASIM_ENOMEM;
	if (ferror(v->f))
		err = DMASIM_EIO;
	if (fclose(v->f) && !err)
		err = DMASIM_EIO;
	for (unsigned k = 0; k < v->nsys; k++) {
		if (v->sys[k].body) {
			if (ferror(v->sys[k].body) && !err)
				err = DMASIM_EIO;
			fclose(v->sys[k].body);
		}
		dm_free(v->sys[k].decl);
	}
	dm_free(v->sys);
	dm_free(v->width);
	dm_free(v);
	return err;
}

static const struct trace_sink_ops vcd_ops = {
	.system = vcd_system,
	.track = vcd_track,
	.var = vcd_var,
	.span = vcd_span,
	.instant = vcd_instant,
	.counter = vcd_counter,
	.signal = vcd_signal,
	.system_end = vcd_system_end,
	.close = vcd_close,
};

int vcd_open(const char *path, uint64_t from, uint64_t to,
	     struct trace_sink **out)
{
	struct vcd *v = dm_calloc(1, sizeof(*v));

	if (!v)
		return DMASIM_ENOMEM;
	v->f = fopen(path, "w");
	if (!v->f) {
		dm_free(v);
		return DMASIM_EIO;
	}
	v->base.ops = &vcd_ops;
	v->base.from = from;
	v->base.to = to;
	*out = &v->base;
	return 0;
}
