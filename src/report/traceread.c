/* traceread: a trace-event JSON file read back, streamed.  See
 * traceread.h. */
#include "traceread.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "kernel/base.h"

#define RD_MAX_VALUE (16u << 20)	/* bytes: the largest event read */
#define RD_MAX_US 9e12			/* us: |times| within int64 ps */
#define RD_MAX_DEPTH 64			/* nesting tracked per track */

/* The reader: a buffered file and the raw text of the last value. */
struct rd {
	FILE *f;
	const char *path;
	char *why;
	size_t whylen;
	unsigned char buf[1 << 16];
	size_t pos, len;
	long line;		/* of the next byte */
	long vline;		/* where the last value starts */
	char *val;		/* its raw text, NUL-terminated */
	size_t nval, cval;
	size_t nevent;		/* events read so far */
	bool ioerr;
};

static int rd_peek(struct rd *r)
{
	if (r->pos == r->len) {
		r->pos = 0;
		r->len = fread(r->buf, 1, sizeof(r->buf), r->f);
		if (!r->len) {
			r->ioerr = ferror(r->f) != 0;
			return EOF;
		}
	}
	return r->buf[r->pos];
}

static int rd_get(struct rd *r)
{
	int c = rd_peek(r);

	if (c != EOF) {
		r->pos++;
		r->line += c == '\n';
	}
	return c;
}

/* Skip white space; the next byte (not consumed) or EOF. */
static int rd_ws(struct rd *r)
{
	int c;

	while ((c = rd_peek(r)) == ' ' || c == '\t' || c == '\n' || c == '\r')
		rd_get(r);
	return c;
}

/* Say why at a line of the file (0: the file as a whole); returns
 * DMASIM_EINVAL, or DMASIM_EIO when reading failed underneath. */
static int rd_fail(struct rd *r, long line, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (r->ioerr)
		return DMASIM_EIO;
	if (line > 0)
		n = snprintf(r->why, r->whylen, "'%s', line %ld: ", r->path,
			     line);
	else
		n = snprintf(r->why, r->whylen, "'%s' ", r->path);
	if (n >= 0 && (size_t)n < r->whylen) {
		va_start(ap, fmt);
		vsnprintf(r->why + n, r->whylen - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return DMASIM_EINVAL;
}

static int rd_put(struct rd *r, int c)
{
	if (r->nval + 2 > r->cval) {
		size_t n = r->cval ? 2 * r->cval : 256;
		char *p;

		if (n > RD_MAX_VALUE)
			return rd_fail(r, r->vline, "a value of more "
				       "than %u MiB: expected trace events",
				       RD_MAX_VALUE >> 20);
		p = realloc(r->val, n);
		if (!p)
			return DMASIM_ENOMEM;
		r->val = p;
		r->cval = n;
	}
	r->val[r->nval++] = (char)c;
	return 0;
}

/* The raw text of the next value into r->val, its brackets and strings
 * balanced; jansson checks the rest when it parses it. */
static int rd_value(struct rd *r)
{
	int c = rd_ws(r), depth = 0, err;
	bool str = false, esc = false;

	r->nval = 0;
	r->vline = r->line;
	if (c == '{' || c == '[' || c == '"') {
		do {
			c = rd_get(r);
			if (c == EOF)
				return rd_fail(r, r->vline, "the file ends "
					       "inside a value: expected a "
					       "whole trace (was it cut "
					       "short?)");
			if ((err = rd_put(r, c)))
				return err;
			if (str) {
				if (esc)
					esc = false;
				else if (c == '\\')
					esc = true;
				else if (c == '"')
					str = false;
			} else if (c == '"') {
				str = true;
			} else if (c == '{' || c == '[') {
				depth++;
			} else if (c == '}' || c == ']') {
				depth--;
			}
		} while (str || depth > 0);
	} else {
		while ((c = rd_peek(r)) != EOF && c && !strchr(",:]} \t\r\n", c))
			if ((err = rd_put(r, rd_get(r))))
				return err;
	}
	if ((err = rd_put(r, 0)))
		return err;
	r->nval--;
	return 0;
}

/* The last value parsed (NULL: r->why says why). */
static json_t *rd_parse(struct rd *r, size_t flags)
{
	json_error_t jerr;
	json_t *v = json_loadb(r->val, r->nval, flags, &jerr);

	if (!v)
		rd_fail(r, r->vline + (jerr.line > 0 ? jerr.line - 1 : 0),
			"not JSON (%s): expected a trace-event JSON, as "
			"dmasim run --trace writes", jerr.text);
	return v;
}

static uint64_t mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	return x ^ (x >> 33);
}

static uint64_t track_hash(int64_t pid, int64_t tid)
{
	return mix((uint64_t)pid * 0x9e3779b97f4a7c15ULL + (uint64_t)tid);
}

static uint64_t name_hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return mix(h);
}

/* Grow the open-addressing table slot[cap] (entries: index + 1) to twice
 * its size, rehashing its n entries by hash(i). */
static int rehash(size_t **slot, size_t *cap, size_t n,
		  const struct traceread *tr,
		  uint64_t (*hash)(const struct traceread *, size_t))
{
	size_t c = *cap ? 2 * *cap : 64, *s = calloc(c, sizeof(*s));

	if (!s)
		return DMASIM_ENOMEM;
	for (size_t k = 0; k < n; k++) {
		size_t i = hash(tr, k) & (c - 1);

		while (s[i])
			i = (i + 1) & (c - 1);
		s[i] = k + 1;
	}
	free(*slot);
	*slot = s;
	*cap = c;
	return 0;
}

static uint64_t track_hash_of(const struct traceread *tr, size_t k)
{
	return track_hash(tr->track[k].pid, tr->track[k].tid);
}

static uint64_t name_hash_of(const struct traceread *tr, size_t k)
{
	return name_hash(tr->name[k]);
}

/* The track (pid, tid), made when new.  Returns 0 or DMASIM_ENOMEM. */
static int track_of(struct traceread *tr, int64_t pid, int64_t tid,
		    struct traceread_track **out)
{
	struct traceread_track *t;
	size_t i, mask;
	int err;

	if (2 * (tr->ntrack + 1) > tr->tcap &&
	    (err = rehash(&tr->tslot, &tr->tcap, tr->ntrack, tr,
			  track_hash_of)))
		return err;
	mask = tr->tcap - 1;
	for (i = track_hash(pid, tid) & mask; tr->tslot[i]; i = (i + 1) & mask) {
		t = &tr->track[tr->tslot[i] - 1];
		if (t->pid == pid && t->tid == tid) {
			*out = t;
			return 0;
		}
	}
	if (tr->ntrack == tr->ctrack) {
		size_t n = tr->ctrack ? 2 * tr->ctrack : 16;

		t = realloc(tr->track, n * sizeof(*t));
		if (!t)
			return DMASIM_ENOMEM;
		tr->track = t;
		tr->ctrack = n;
	}
	t = &tr->track[tr->ntrack];
	memset(t, 0, sizeof(*t));
	t->pid = pid;
	t->tid = tid;
	t->sort = tid;
	tr->tslot[i] = ++tr->ntrack;
	*out = t;
	return 0;
}

/* The index of a span or instant name, interned.  Returns 0 or
 * DMASIM_ENOMEM. */
static int name_of(struct traceread *tr, const char *s, uint32_t *out)
{
	size_t i, mask;
	int err;

	if (2 * (tr->nname + 1) > tr->ncap &&
	    (err = rehash(&tr->nslot, &tr->ncap, tr->nname, tr,
			  name_hash_of)))
		return err;
	mask = tr->ncap - 1;
	for (i = name_hash(s) & mask; tr->nslot[i]; i = (i + 1) & mask) {
		if (!strcmp(tr->name[tr->nslot[i] - 1], s)) {
			*out = (uint32_t)(tr->nslot[i] - 1);
			return 0;
		}
	}
	if (tr->nname == tr->cname) {
		size_t n = tr->cname ? 2 * tr->cname : 16;
		char **p = realloc(tr->name, n * sizeof(*p));

		if (!p)
			return DMASIM_ENOMEM;
		tr->name = p;
		tr->cname = n;
	}
	if (!(tr->name[tr->nname] = strdup(s)))
		return DMASIM_ENOMEM;
	*out = (uint32_t)tr->nname;
	tr->nslot[i] = ++tr->nname;
	return 0;
}

/* An event's time field, in us in the file, as ps. */
static int rd_time(struct rd *r, json_t *ev, const char *key, int64_t *out)
{
	json_t *v = json_object_get(ev, key);
	double us = json_number_value(v);

	if (!json_is_number(v))
		return rd_fail(r, r->vline, "event %zu (phase %s) has no "
			       "number \"%s\": expected a time in "
			       "microseconds", r->nevent,
			       json_string_value(json_object_get(ev, "ph")),
			       key);
	if (!(fabs(us) <= RD_MAX_US))
		return rd_fail(r, r->vline, "event %zu: \"%s\" is %g us: "
			       "expected at most %g (microseconds)",
			       r->nevent, key, us, RD_MAX_US);
	if (json_is_integer(v))
		*out = (int64_t)json_integer_value(v) * 1000000;
	else
		*out = llround(us * 1e6);
	return 0;
}

/* An event's pid or tid (0 when absent). */
static int rd_id(struct rd *r, json_t *ev, const char *key, int64_t *out)
{
	json_t *v = json_object_get(ev, key);

	*out = 0;
	if (!v)
		return 0;
	if (!json_is_integer(v))
		return rd_fail(r, r->vline, "event %zu: \"%s\" is not an "
			       "integer: expected a process or thread id",
			       r->nevent, key);
	*out = (int64_t)json_integer_value(v);
	return 0;
}

static const char *ev_name(json_t *ev)
{
	const char *s = json_string_value(json_object_get(ev, "name"));

	return s ? s : "";
}

static int rd_track(struct rd *r, struct traceread *tr, json_t *ev,
		    struct traceread_track **t)
{
	int64_t pid, tid;
	int err;

	if ((err = rd_id(r, ev, "pid", &pid)) ||
	    (err = rd_id(r, ev, "tid", &tid)))
		return err;
	return track_of(tr, pid, tid, t);
}

/* A complete event: a span. */
static int rd_span(struct rd *r, struct traceread *tr, json_t *ev)
{
	struct traceread_track *t;
	int64_t ts, dur;
	uint32_t name;
	int err;

	if ((err = rd_time(r, ev, "ts", &ts)) ||
	    (err = rd_time(r, ev, "dur", &dur)))
		return err;
	if (dur < 0)
		return rd_fail(r, r->vline, "event %zu has a negative "
			       "\"dur\": expected a duration >= 0", r->nevent);
	if ((err = rd_track(r, tr, ev, &t)) ||
	    (err = name_of(tr, ev_name(ev), &name)))
		return err;
	if (t->nspan == t->cspan) {
		size_t n = t->cspan ? 2 * t->cspan : 16;
		struct traceread_span *p = realloc(t->span, n * sizeof(*p));

		if (!p)
			return DMASIM_ENOMEM;
		t->span = p;
		t->cspan = n;
	}
	t->span[t->nspan++] = (struct traceread_span){
		.b = ts, .e = ts + dur, .name = name };
	return 0;
}

static int rd_inst(struct rd *r, struct traceread *tr, json_t *ev)
{
	struct traceread_track *t;
	uint32_t name;
	int64_t ts;
	int err;

	if ((err = rd_time(r, ev, "ts", &ts)) ||
	    (err = rd_track(r, tr, ev, &t)) ||
	    (err = name_of(tr, ev_name(ev), &name)))
		return err;
	if (t->ninst == t->cinst) {
		size_t n = t->cinst ? 2 * t->cinst : 16;
		struct traceread_inst *p = realloc(t->inst, n * sizeof(*p));

		if (!p)
			return DMASIM_ENOMEM;
		t->inst = p;
		t->cinst = n;
	}
	t->inst[t->ninst++] = (struct traceread_inst){ .at = ts, .name = name };
	return 0;
}

/* The system of pid, made when new. */
static int sys_of(struct traceread *tr, int64_t pid,
		  struct traceread_sys **out)
{
	struct traceread_sys *s;

	for (size_t i = 0; i < tr->nsys; i++)
		if (tr->sys[i].pid == pid) {
			*out = &tr->sys[i];
			return 0;
		}
	s = realloc(tr->sys, (tr->nsys + 1) * sizeof(*s));
	if (!s)
		return DMASIM_ENOMEM;
	tr->sys = s;
	s = &tr->sys[tr->nsys++];
	memset(s, 0, sizeof(*s));
	s->pid = pid;
	s->sort = pid;
	*out = s;
	return 0;
}

/* Replace *dst with a copy of s. */
static int set_name(char **dst, const char *s)
{
	char *p = strdup(s);

	if (!p)
		return DMASIM_ENOMEM;
	free(*dst);
	*dst = p;
	return 0;
}

/* Metadata: the names and order of systems and tracks. */
static int rd_meta(struct rd *r, struct traceread *tr, json_t *ev)
{
	const char *what = ev_name(ev);
	json_t *args = json_object_get(ev, "args");
	const char *name = json_string_value(json_object_get(args, "name"));
	json_t *sort = json_object_get(args, "sort_index");
	struct traceread_track *t;
	struct traceread_sys *s;
	int64_t pid;
	int err;

	if (!strncmp(what, "process_", 8)) {
		if ((err = rd_id(r, ev, "pid", &pid)) ||
		    (err = sys_of(tr, pid, &s)))
			return err;
		if (!strcmp(what, "process_name") && name)
			return set_name(&s->name, name);
		if (!strcmp(what, "process_sort_index") &&
		    json_is_integer(sort))
			s->sort = (int64_t)json_integer_value(sort);
		return 0;
	}
	if (strncmp(what, "thread_", 7))
		return 0;
	if ((err = rd_track(r, tr, ev, &t)))
		return err;
	if (!strcmp(what, "thread_name") && name)
		return set_name(&t->name, name);
	if (!strcmp(what, "thread_sort_index") && json_is_integer(sort))
		t->sort = (int64_t)json_integer_value(sort);
	return 0;
}

static int rd_event(struct rd *r, struct traceread *tr)
{
	json_t *ev = rd_parse(r, 0);
	const char *ph = json_string_value(json_object_get(ev, "ph"));
	int err = 0;

	if (!ev)
		return DMASIM_EINVAL;
	if (!ph)
		err = rd_fail(r, r->vline, "event %zu is not a trace event: "
			      "expected an object with a \"ph\" (phase) "
			      "string", r->nevent);
	else if (!strcmp(ph, "X"))
		err = rd_span(r, tr, ev);
	else if (!strcmp(ph, "i") || !strcmp(ph, "I"))
		err = rd_inst(r, tr, ev);
	else if (!strcmp(ph, "M"))
		err = rd_meta(r, tr, ev);
	else
		tr->skipped++;
	json_decref(ev);
	return err;
}

/* The array of events, from its '['. */
static int rd_events(struct rd *r, struct traceread *tr)
{
	int c, err;

	rd_get(r);
	if (rd_ws(r) == ']') {
		rd_get(r);
		return 0;
	}
	for (;;) {
		r->nevent++;
		if ((err = rd_value(r)) || (err = rd_event(r, tr)))
			return err;
		c = rd_ws(r);
		rd_get(r);
		if (c == ']')
			return 0;
		if (c != ',')
			return rd_fail(r, r->line, "%s after event %zu: "
				       "expected ',' or ']'", c == EOF ?
				       "the file ends" : "stray text",
				       r->nevent);
	}
}

/* Only white space may follow the trace. */
static int rd_end(struct rd *r)
{
	if (rd_ws(r) != EOF)
		return rd_fail(r, r->line, "text after the trace: "
			       "expected the end of the file");
	return r->ioerr ? DMASIM_EIO : 0;
}

/* A member of the top-level object other than traceEvents: checked;
 * otherData gives where the window starts. */
static int rd_member(struct rd *r, struct traceread *tr, bool other)
{
	json_t *v, *from;
	int err;

	if ((err = rd_value(r)))
		return err;
	if (!(v = rd_parse(r, JSON_DECODE_ANY)))
		return DMASIM_EINVAL;
	from = json_object_get(v, "from_ps");
	if (other && json_is_integer(from)) {
		tr->from = (int64_t)json_integer_value(from);
		tr->has_from = 1;
	}
	json_decref(v);
	return 0;
}

static int rd_top(struct rd *r, struct traceread *tr)
{
	bool seen = false;
	int c = rd_ws(r), err;

	if (c == '[')
		return (err = rd_events(r, tr)) ? err : rd_end(r);
	if (c != '{')
		return rd_fail(r, 0, c == EOF ? "is empty: expected a "
			       "trace-event JSON, as dmasim run --trace "
			       "writes" : "is not a trace-event JSON: "
			       "expected an object with a \"traceEvents\" "
			       "array (as dmasim run --trace writes) or an "
			       "array of events");
	rd_get(r);
	if (rd_ws(r) == '}')
		rd_get(r);
	else
		for (;;) {
			json_t *key;
			int kind;

			if (rd_ws(r) != '"')
				return rd_fail(r, r->line, "expected a member "
					       "name in quotes");
			if ((err = rd_value(r)))
				return err;
			if (!(key = rd_parse(r, JSON_DECODE_ANY)))
				return DMASIM_EINVAL;
			kind = !strcmp(json_string_value(key), "traceEvents") ?
			       1 : !strcmp(json_string_value(key),
					   "otherData") ? 2 : 0;
			json_decref(key);
			if (rd_ws(r) != ':')
				return rd_fail(r, r->line, "expected ':' after "
					       "a member name");
			rd_get(r);
			if (kind == 1 && rd_ws(r) != '[')
				return rd_fail(r, r->line, "\"traceEvents\" is "
					       "not an array: expected an "
					       "array of trace events");
			err = kind == 1 ? rd_events(r, tr) :
			      rd_member(r, tr, kind == 2);
			if (err)
				return err;
			seen |= kind == 1;
			c = rd_ws(r);
			rd_get(r);
			if (c == '}')
				break;
			if (c != ',')
				return rd_fail(r, r->line, "expected ',' or "
					       "'}' after a member");
		}
	if (!seen)
		return rd_fail(r, 0, "is not a trace-event JSON: it has no "
			       "\"traceEvents\" array (expected the file "
			       "dmasim run --trace writes)");
	return rd_end(r);
}

static int span_cmp(const void *a, const void *b)
{
	const struct traceread_span *x = a, *y = b;

	if (x->b != y->b)
		return x->b < y->b ? -1 : 1;
	if (x->e != y->e)
		return x->e > y->e ? -1 : 1;
	return x->name < y->name ? -1 : x->name > y->name;
}

static int inst_cmp(const void *a, const void *b)
{
	const struct traceread_inst *x = a, *y = b;

	if (x->at != y->at)
		return x->at < y->at ? -1 : 1;
	return x->name < y->name ? -1 : x->name > y->name;
}

static int track_cmp(const void *a, const void *b)
{
	const struct traceread_track *x = a, *y = b;

	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	if (x->sort != y->sort)
		return x->sort < y->sort ? -1 : 1;
	return x->tid < y->tid ? -1 : x->tid > y->tid;
}

static int sys_cmp(const void *a, const void *b)
{
	const struct traceread_sys *x = a, *y = b;

	if (x->sort != y->sort)
		return x->sort < y->sort ? -1 : 1;
	return x->pid < y->pid ? -1 : x->pid > y->pid;
}

/* Each track's spans in order with their depths; each system's tracks,
 * extent and counts; default names. */
static int finish(struct traceread *tr)
{
	char buf[48];
	int err;

	qsort(tr->track, tr->ntrack, sizeof(*tr->track), track_cmp);
	free(tr->tslot);	/* the order changed: the table is stale */
	tr->tslot = NULL;
	tr->tcap = 0;
	for (size_t i = 0; i < tr->ntrack; i++) {
		struct traceread_track *t = &tr->track[i];
		int64_t end[RD_MAX_DEPTH];
		struct traceread_sys *s;
		size_t *p, top = 0;

		qsort(t->span, t->nspan, sizeof(*t->span), span_cmp);
		qsort(t->inst, t->ninst, sizeof(*t->inst), inst_cmp);
		for (size_t k = 0; k < t->nspan; k++) {
			while (top && end[top - 1] <= t->span[k].b)
				top--;
			t->span[k].depth = (uint32_t)top;
			if (top < RD_MAX_DEPTH)
				end[top++] = t->span[k].e;
		}
		if (!t->name) {
			snprintf(buf, sizeof(buf), "tid %" PRId64, t->tid);
			if ((err = set_name(&t->name, buf)))
				return err;
		}
		if ((err = sys_of(tr, t->pid, &s)))
			return err;
		p = realloc(s->track, (s->ntrack + 1) * sizeof(*p));
		if (!p)
			return DMASIM_ENOMEM;
		s->track = p;
		s->track[s->ntrack++] = i;
	}
	qsort(tr->sys, tr->nsys, sizeof(*tr->sys), sys_cmp);
	for (size_t i = 0; i < tr->nsys; i++) {
		struct traceread_sys *s = &tr->sys[i];
		bool any = false;
		int64_t lo = 0, hi = 0;

		for (size_t k = 0; k < s->ntrack; k++) {
			const struct traceread_track *t = &tr->track[s->track[k]];

			for (size_t j = 0; j < t->nspan; j++) {
				if (!any || t->span[j].b < lo)
					lo = t->span[j].b;
				if (!any || t->span[j].e > hi)
					hi = t->span[j].e;
				any = true;
			}
			for (size_t j = 0; j < t->ninst; j++) {
				if (!any || t->inst[j].at < lo)
					lo = t->inst[j].at;
				if (!any || t->inst[j].at > hi)
					hi = t->inst[j].at;
				any = true;
			}
			s->nspan += t->nspan;
			s->ninst += t->ninst;
		}
		if (tr->has_from && (!any || tr->from < lo))
			lo = tr->from;
		s->t0 = lo;
		s->t1 = hi > lo ? hi : lo;
		if (!s->name) {
			snprintf(buf, sizeof(buf), "pid %" PRId64, s->pid);
			if ((err = set_name(&s->name, buf)))
				return err;
		}
	}
	return 0;
}

void traceread_free(struct traceread *tr)
{
	if (!tr)
		return;
	for (size_t i = 0; i < tr->ntrack; i++) {
		free(tr->track[i].name);
		free(tr->track[i].span);
		free(tr->track[i].inst);
	}
	for (size_t i = 0; i < tr->nsys; i++) {
		free(tr->sys[i].name);
		free(tr->sys[i].track);
	}
	for (size_t i = 0; i < tr->nname; i++)
		free(tr->name[i]);
	free(tr->track);
	free(tr->sys);
	free(tr->name);
	free(tr->tslot);
	free(tr->nslot);
	free(tr);
}

int traceread_load(const char *path, struct traceread **out, char *why,
		   size_t len)
{
	struct traceread *tr = calloc(1, sizeof(*tr));
	struct rd *r = calloc(1, sizeof(*r));
	int err, saved;

	*out = NULL;
	if (len)
		why[0] = '\0';
	if (!tr || !r) {
		err = DMASIM_ENOMEM;
		goto err_alloc;
	}
	r->f = fopen(path, "rb");
	if (!r->f) {
		err = DMASIM_EIO;
		goto err_alloc;
	}
	r->path = path;
	r->why = why;
	r->whylen = len;
	r->line = 1;
	err = rd_top(r, tr);
	if (!err)
		err = finish(tr);
	fclose(r->f);
	if (err)
		goto err_alloc;
	free(r->val);
	free(r);
	free(tr->nslot);
	tr->nslot = NULL;
	tr->ncap = 0;
	*out = tr;
	return 0;
err_alloc:
	saved = errno;
	if (r)
		free(r->val);
	free(r);
	traceread_free(tr);
	errno = saved;
	return err;
}
