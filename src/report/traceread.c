/* traceread: a trace-event JSON file read back, streamed.  See
 * traceread.h. */
#include "traceread.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "kernel/alloc.h"
#include "kernel/base.h"
#include "traceread_int.h"

#define RD_MAX_VALUE (16u << 20)	/* bytes: the largest event read */
#define RD_MAX_US 9e12			/* us: |times| within int64 ps */

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
		p = dm_realloc(r->val, n);
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
	return traceread_track_of(tr, pid, tid, t);
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
	    (err = traceread_name_of(tr, ev_name(ev), &name)))
		return err;
	if (t->nspan == t->cspan) {
		size_t n = t->cspan ? 2 * t->cspan : 16;
		struct traceread_span *p = dm_realloc(t->span, n * sizeof(*p));

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
	    (err = traceread_name_of(tr, ev_name(ev), &name)))
		return err;
	if (t->ninst == t->cinst) {
		size_t n = t->cinst ? 2 * t->cinst : 16;
		struct traceread_inst *p = dm_realloc(t->inst, n * sizeof(*p));

		if (!p)
			return DMASIM_ENOMEM;
		t->inst = p;
		t->cinst = n;
	}
	t->inst[t->ninst++] = (struct traceread_inst){ .at = ts, .name = name };
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
		    (err = traceread_sys_of(tr, pid, &s)))
			return err;
		if (!strcmp(what, "process_name") && name)
			return traceread_set_name(&s->name, name);
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
		return traceread_set_name(&t->name, name);
	if (!strcmp(what, "thread_sort_index") && json_is_integer(sort))
		t->sort = (int64_t)json_integer_value(sort);
	return 0;
}

static int rd_event(struct rd *r, struct traceread *tr)
{
	json_t *ev = rd_parse(r, JSON_DECODE_ANY);
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

int traceread_load(const char *path, struct traceread **out, char *why,
		   size_t len)
{
	struct traceread *tr = dm_calloc(1, sizeof(*tr));
	struct rd *r = dm_calloc(1, sizeof(*r));
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
		err = traceread_finish(tr);
	fclose(r->f);
	if (err)
		goto err_alloc;
	dm_free(r->val);
	dm_free(r);
	dm_free(tr->nslot);
	tr->nslot = NULL;
	tr->ncap = 0;
	*out = tr;
	return 0;
err_alloc:
	saved = errno;
	if (r)
		dm_free(r->val);
	dm_free(r);
	traceread_free(tr);
	errno = saved;
	return err;
}
