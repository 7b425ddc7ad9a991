/* tracejson: Chrome trace-event JSON, streamed.  See tracejson.h. */
#include "tracejson.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/alloc.h"
#include "kernel/base.h"

#define TRACEJSON_BUF (1u << 20)

struct tracejson {
	struct trace_sink base;
	FILE *f;
	char *buf;		/* stdio buffer: fewer, larger writes */
	bool first;		/* no event written yet */
};

static struct tracejson *tj_of(struct trace_sink *s)
{
	return (struct tracejson *)s;
}

/* A JSON string, escaped. */
static void tj_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

/* ps as microseconds, exact: "12", "12.5", "0.000001". */
static void tj_us(FILE *f, uint64_t ps)
{
	uint64_t frac = ps % 1000000;
	char digits[8];
	int n = 6;

	fprintf(f, "%" PRIu64, ps / 1000000);
	if (!frac)
		return;
	snprintf(digits, sizeof(digits), "%06" PRIu64, frac);
	while (digits[n - 1] == '0')
		n--;
	fprintf(f, ".%.*s", n, digits);
}

/* Start an event: the separator, then "{". */
static FILE *tj_event(struct tracejson *tj)
{
	fputs(tj->first ? "\n{" : ",\n{", tj->f);
	tj->first = false;
	return tj->f;
}

static unsigned tj_pid(const struct trace *t)
{
	return t->sys + 1;
}

static void tj_system(struct trace_sink *s, const struct trace *t)
{
	struct tracejson *tj = tj_of(s);
	FILE *f = tj_event(tj);

	fprintf(f, "\"ph\":\"M\",\"name\":\"process_name\",\"pid\":%u,"
		"\"tid\":0,\"args\":{\"name\":", tj_pid(t));
	tj_str(f, t->name);
	fputs("}}", f);
	f = tj_event(tj);
	fprintf(f, "\"ph\":\"M\",\"name\":\"process_sort_index\",\"pid\":%u,"
		"\"tid\":0,\"args\":{\"sort_index\":%u}}", tj_pid(t),
		tj_pid(t));
}

static void tj_track(struct trace_sink *s, const struct trace *t,
		     uint32_t track)
{
	struct tracejson *tj = tj_of(s);
	char name[2 * TRACE_NAME_MAX + 2];
	FILE *f = tj_event(tj);

	snprintf(name, sizeof(name), "%s.%s", t->name, t->tracks[track].name);
	fprintf(f, "\"ph\":\"M\",\"name\":\"thread_name\",\"pid\":%u,"
		"\"tid\":%" PRIu32 ",\"args\":{\"name\":", tj_pid(t), track);
	tj_str(f, name);
	fputs("}}", f);
	f = tj_event(tj);
	fprintf(f, "\"ph\":\"M\",\"name\":\"thread_sort_index\",\"pid\":%u,"
		"\"tid\":%" PRIu32 ",\"args\":{\"sort_index\":%" PRIu32 "}}",
		tj_pid(t), track, track);
}

static void tj_var(struct trace_sink *s, const struct trace *t, uint32_t var,
		   uint32_t track, const struct trace_point *tp)
{
	(void)s, (void)t, (void)var, (void)track, (void)tp;
}

static void tj_span(struct trace_sink *s, const struct trace *t,
		    uint32_t track, const char *name, uint64_t begin,
		    uint64_t end)
{
	FILE *f = tj_event(tj_of(s));

	fprintf(f, "\"ph\":\"X\",\"pid\":%u,\"tid\":%" PRIu32 ",\"ts\":",
		tj_pid(t), track);
	tj_us(f, begin);
	fputs(",\"dur\":", f);
	tj_us(f, end - begin);
	fputs(",\"name\":", f);
	tj_str(f, name);
	fputc('}', f);
}

static void tj_instant(struct trace_sink *s, const struct trace *t,
		       uint32_t track, const char *name, uint64_t at)
{
	FILE *f = tj_event(tj_of(s));

	fprintf(f, "\"ph\":\"i\",\"s\":\"t\",\"pid\":%u,\"tid\":%" PRIu32
		",\"ts\":", tj_pid(t), track);
	tj_us(f, at);
	fputs(",\"name\":", f);
	tj_str(f, name);
	fputc('}', f);
}

static void tj_counter(struct trace_sink *s, const struct trace *t,
		       uint32_t track, uint32_t var, const struct trace_point *tp,
		       uint64_t at, double value)
{
	char name[2 * TRACE_NAME_MAX + 40];
	FILE *f = tj_event(tj_of(s));

	(void)var;
	snprintf(name, sizeof(name), "%s.%s.%s", t->name,
		 t->tracks[track].name, tp->name);
	fprintf(f, "\"ph\":\"C\",\"pid\":%u,\"ts\":", tj_pid(t));
	tj_us(f, at);
	fputs(",\"name\":", f);
	tj_str(f, name);
	/* JSON has no NaN or infinity. */
	fprintf(f, ",\"args\":{\"value\":%.17g}}", isfinite(value) ? value : 0);
}

static void tj_signal(struct trace_sink *s, const struct trace *t,
		      uint32_t var, uint64_t at, uint64_t value)
{
	(void)s, (void)t, (void)var, (void)at, (void)value;
}

static void tj_system_end(struct trace_sink *s, const struct trace *t,
			  uint64_t at)
{
	(void)s, (void)t, (void)at;
}

static int tj_close(struct trace_sink *s)
{
	struct tracejson *tj = tj_of(s);
	int err;

	fputs("\n]}\n", tj->f);
	err = ferror(tj->f);
	if (fclose(tj->f))
		err = 1;
	dm_free(tj->buf);
	dm_free(tj);
	return err ? DMASIM_EIO : 0;
}

static const struct trace_sink_ops tracejson_ops = {
	.system = tj_system,
	.track = tj_track,
	.var = tj_var,
	.span = tj_span,
	.instant = tj_instant,
	.counter = tj_counter,
	.signal = tj_signal,
	.system_end = tj_system_end,
	.close = tj_close,
};

int tracejson_open(const char *path, uint64_t from, uint64_t to,
		   struct trace_sink **out)
{
	struct tracejson *tj = dm_calloc(1, sizeof(*tj));

	if (!tj)
		return DMASIM_ENOMEM;
	tj->f = fopen(path, "w");
	if (!tj->f) {
		dm_free(tj);
		return DMASIM_EIO;
	}
	tj->buf = dm_malloc(TRACEJSON_BUF);
	if (tj->buf)
		setvbuf(tj->f, tj->buf, _IOFBF, TRACEJSON_BUF);
	tj->base.ops = &tracejson_ops;
	tj->base.from = from;
	tj->base.to = to;
	tj->first = true;
	fprintf(tj->f, "{\"displayTimeUnit\":\"ns\",\"otherData\":{"
		"\"generator\":\"dmasim %s\",\"time_unit\":\"us, exact to the "
		"ps\",\"from_ps\":%" PRIu64 ",\"to_ps\":", DMASIM_VERSION, from);
	/* No end: null, as 2^64 - 1 is beyond most JSON readers' integers. */
	if (to == UINT64_MAX)
		fputs("null", tj->f);
	else
		fprintf(tj->f, "%" PRIu64, to);
	fputs("},\"traceEvents\":[", tj->f);
	*out = &tj->base;
	return 0;
}
