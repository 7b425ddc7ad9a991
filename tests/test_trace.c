/*
 * /kernel/trace: trace points and their sinks.  The kernel's span, window
 * and variable logic against a recording sink; the Chrome trace JSON of
 * BUSBENCH-1 K=1 N=3 against its timeline worked out by hand
 * (shared/bench/BUSBENCH-expected.md), parsed with jansson; the VCD,
 * parsed by a small reader here, against the bus statistics.
 */
#define _DEFAULT_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "kernel/sim.h"
#include "kernel/trace.h"
#include "report/run.h"
#include "report/vcd.h"
#include "testutil.h"

/* Points of the test's own, as a layer declares its points. */
static const struct trace_point TP_BUS_OWNER[1] = {
	{ "owner", TRACE_SPAN, 0, "owner" } };
static const struct trace_point TP_BUS_WAITING[1] = {
	{ "waiting", TRACE_COUNTER, 0, "queue" } };
static const struct trace_point TP_BUS_BUSY[1] = {
	{ "busy", TRACE_SIGNAL, 1, "busy" } };
static const struct trace_point TP_BUS_GRANT[1] = {
	{ "grant", TRACE_SIGNAL, 1, "grant" } };
static const struct trace_point TP_BUS_TENURE[1] = {
	{ "tenure", TRACE_SPAN, 0, "tenure" } };
static const struct trace_point TP_CPU_RUN[1] = {
	{ "run", TRACE_SPAN, 0, "run" } };
static const struct trace_point TP_CPU_STALL[1] = {
	{ "stall", TRACE_SPAN, 0, "stall" } };
static const struct trace_point TP_IRQ_RAISE[1] = {
	{ "irq", TRACE_INSTANT, 0, "irq" } };

/* ---- a sink that records what it is given, as text lines ---- */

struct rec {
	struct trace_sink base;
	char log[64][96];
	int n;
	int closed;
};

static void rec_add(struct trace_sink *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void rec_add(struct trace_sink *s, const char *fmt, ...)
{
	struct rec *r = (struct rec *)s;
	va_list ap;

	assert_true(r->n < 64);
	va_start(ap, fmt);
	vsnprintf(r->log[r->n++], sizeof(r->log[0]), fmt, ap);
	va_end(ap);
}

static void rec_system(struct trace_sink *s, const struct trace *t)
{
	rec_add(s, "system %u %s", t->sys, t->name);
}

static void rec_track(struct trace_sink *s, const struct trace *t,
		      uint32_t track)
{
	rec_add(s, "track %u %s", track, t->tracks[track].name);
}

static void rec_var(struct trace_sink *s, const struct trace *t, uint32_t var,
		    uint32_t track, const struct trace_point *tp)
{
	(void)t;
	rec_add(s, "var %u %u %s", var, track, tp->name);
}

static void rec_span(struct trace_sink *s, const struct trace *t,
		     uint32_t track, const char *name, uint64_t b, uint64_t e)
{
	(void)t;
	rec_add(s, "span %u %s %llu %llu", track, name, (unsigned long long)b,
		(unsigned long long)e);
}

static void rec_instant(struct trace_sink *s, const struct trace *t,
			uint32_t track, const char *name, uint64_t at)
{
	(void)t;
	rec_add(s, "instant %u %s %llu", track, name, (unsigned long long)at);
}

static void rec_counter(struct trace_sink *s, const struct trace *t,
			uint32_t track, uint32_t var, const struct trace_point *tp,
			uint64_t at, double v)
{
	(void)t, (void)var;
	rec_add(s, "counter %u %s %llu %g", track, tp->name,
		(unsigned long long)at, v);
}

static void rec_signal(struct trace_sink *s, const struct trace *t,
		       uint32_t var, uint64_t at, uint64_t v)
{
	(void)t;
	rec_add(s, "signal %u %llu %llu", var, (unsigned long long)at,
		(unsigned long long)v);
}

static void rec_end(struct trace_sink *s, const struct trace *t, uint64_t at)
{
	rec_add(s, "end %s %llu", t->name, (unsigned long long)at);
}

static int rec_close(struct trace_sink *s)
{
	((struct rec *)s)->closed++;
	return 0;
}

static const struct trace_sink_ops rec_ops = {
	.system = rec_system, .track = rec_track, .var = rec_var,
	.span = rec_span, .instant = rec_instant, .counter = rec_counter,
	.signal = rec_signal, .system_end = rec_end, .close = rec_close,
};

static void rec_init(struct rec *r, uint64_t from, uint64_t to)
{
	memset(r, 0, sizeof(*r));
	r->base.ops = &rec_ops;
	r->base.from = from;
	r->base.to = to;
}

/* The log must be exactly these lines, NULL-ended. */
static void rec_expect(const struct rec *r, const char *const *want)
{
	int n = 0;

	for (; want[n]; n++) {
		if (n >= r->n)
			fail_msg("line %d: missing '%s'", n, want[n]);
		if (strcmp(r->log[n], want[n]))
			fail_msg("line %d: '%s', want '%s'", n, r->log[n],
				 want[n]);
	}
	if (r->n != n)
		fail_msg("%d lines, want %d (extra: '%s')", r->n, n, r->log[n]);
}

static void off_costs_nothing(void **state)
{
	struct sim sim;

	(void)state;
	assert_int_equal(sim_init(&sim, 1), 0);
	assert_null(sim.trace);
	/* Tracks are 0 and every call does nothing. */
	assert_int_equal(trace_track(&sim, NULL, "bus"), 0);
	trace_span_begin(&sim, 0, TP_BUS_OWNER, "x");
	trace_span_end(&sim, 0, TP_BUS_OWNER);
	trace_counter(&sim, 1, TP_BUS_WAITING, 3);
	trace_signal(&sim, 1, TP_BUS_GRANT, 1);
	trace_instant(&sim, 1, TP_IRQ_RAISE, NULL);
	if (sim.trace)
		trace_detach(&sim);
	sim_fini(&sim);
}

static void spans_nest_and_close(void **state)
{
	struct trace_config cfg;
	struct rec r;
	struct sim sim;
	uint32_t a, b;
	static const char *const want[] = {
		"system 0 sys",
		"track 1 cpu",
		"track 2 bus.dma1",
		"span 1 inner 20 30",
		"span 1 outer 10 40",
		/* ending the outer span ends the inner one still open */
		"span 1 inner 60 70",
		"span 1 run 50 70",
		"instant 2 irq 70",
		"var 0 2 waiting",
		"counter 2 waiting 70 1",
		"counter 2 waiting 80 2",
		"var 1 2 grant",
		"signal 1 80 1",
		"span 2 tenure 80 90",
		"end sys 90",
		NULL
	};

	(void)state;
	rec_init(&r, 0, UINT64_MAX);
	trace_config_init(&cfg);
	assert_int_equal(trace_config_add(&cfg, &r.base), 0);
	assert_int_equal(sim_init(&sim, 1), 0);
	assert_int_equal(trace_attach(&sim, &cfg, "sys"), 0);
	a = trace_track(&sim, NULL, "cpu");
	b = trace_track(&sim, "bus", "dma1");
	assert_int_equal(a, 1);
	assert_int_equal(b, 2);
	assert_int_equal(trace_track(&sim, NULL, "cpu"), a);	/* same name */
	sim.now = 10;
	trace_span_begin(&sim, a, TP_CPU_RUN, "outer");
	sim.now = 20;
	trace_span_begin(&sim, a, TP_CPU_STALL, "inner");
	sim.now = 30;
	trace_span_end(&sim, a, TP_CPU_STALL);
	sim.now = 40;
	trace_span_end(&sim, a, TP_CPU_RUN);
	trace_span_end(&sim, a, TP_CPU_RUN);	/* none open: nothing */
	sim.now = 50;
	trace_span_begin(&sim, a, TP_CPU_RUN, NULL);
	sim.now = 60;
	trace_span_begin(&sim, a, TP_CPU_STALL, "inner");
	sim.now = 70;
	trace_span_end(&sim, a, TP_CPU_RUN);
	trace_instant(&sim, b, TP_IRQ_RAISE, NULL);
	trace_counter(&sim, b, TP_BUS_WAITING, 1);
	trace_counter(&sim, b, TP_BUS_WAITING, 1);	/* unchanged */
	sim.now = 80;
	trace_counter(&sim, b, TP_BUS_WAITING, 2);
	trace_signal(&sim, b, TP_BUS_GRANT, 1);
	trace_signal(&sim, b, TP_BUS_GRANT, 1);	/* unchanged */
	trace_span_begin(&sim, b, TP_BUS_TENURE, NULL);
	trace_span_begin(&sim, 99, TP_BUS_TENURE, NULL);	/* no track */
	sim.now = 90;
	if (sim.trace)
		trace_detach(&sim);
	sim_fini(&sim);	/* trace_detach closed the open tenure */
	rec_expect(&r, want);
	assert_int_equal(trace_config_fini(&cfg), 0);
	assert_int_equal(r.closed, 1);
}

static void window_clips_and_opens(void **state)
{
	struct trace_config cfg;
	struct rec r;
	struct sim sim;
	uint32_t a;
	static const char *const want[] = {
		"system 0 sys",
		"track 1 bus",
		"var 0 1 waiting",
		"var 1 1 busy",
		/* before the window: nothing, but the values are kept ... */
		/* ... and written at `from` when the window opens */
		"counter 1 waiting 100 3",
		"signal 1 100 1",
		"counter 1 waiting 120 4",
		"span 1 early 100 130",		/* clipped at from */
		"instant 1 irq 150",
		"span 1 late 190 200",		/* clipped at to */
		"end sys 300",
		NULL
	};

	(void)state;
	rec_init(&r, 100, 200);
	trace_config_init(&cfg);
	trace_config_add(&cfg, &r.base);
	assert_int_equal(sim_init(&sim, 1), 0);
	assert_int_equal(trace_attach(&sim, &cfg, "sys"), 0);
	a = trace_track(&sim, NULL, "bus");
	sim.now = 10;
	trace_counter(&sim, a, TP_BUS_WAITING, 3);
	trace_signal(&sim, a, TP_BUS_BUSY, 1);
	trace_span_begin(&sim, a, TP_BUS_OWNER, "gone");
	sim.now = 20;
	trace_span_end(&sim, a, TP_BUS_OWNER);		/* all before from */
	trace_instant(&sim, a, TP_IRQ_RAISE, NULL);	/* before from */
	trace_span_begin(&sim, a, TP_BUS_OWNER, "early");
	sim.now = 120;
	trace_counter(&sim, a, TP_BUS_WAITING, 4);
	sim.now = 130;
	trace_span_end(&sim, a, TP_BUS_OWNER);
	sim.now = 150;
	trace_instant(&sim, a, TP_IRQ_RAISE, NULL);
	sim.now = 190;
	trace_span_begin(&sim, a, TP_BUS_OWNER, "late");
	sim.now = 250;
	trace_instant(&sim, a, TP_IRQ_RAISE, NULL);	/* after to */
	trace_counter(&sim, a, TP_BUS_WAITING, 5);	/* after to */
	trace_span_begin(&sim, a, TP_CPU_RUN, "after");	/* after to */
	sim.now = 300;
	if (sim.trace)
		trace_detach(&sim);
	sim_fini(&sim);
	rec_expect(&r, want);
	trace_config_fini(&cfg);
}

static void system_names_unique(void **state)
{
	struct trace_config cfg;
	struct rec r;
	struct sim s1, s2, s3;

	(void)state;
	rec_init(&r, 0, UINT64_MAX);
	trace_config_init(&cfg);
	trace_config_add(&cfg, &r.base);
	sim_init(&s1, 1);
	sim_init(&s2, 1);
	sim_init(&s3, 1);
	assert_int_equal(trace_attach(&s1, &cfg, "node"), 0);
	assert_int_equal(trace_attach(&s2, &cfg, "node"), 0);
	assert_int_equal(trace_attach(&s3, &cfg, ""), 0);
	assert_string_equal(s1.trace->name, "node");
	assert_string_equal(s2.trace->name, "node_2");
	assert_string_equal(s3.trace->name, "system");
	assert_int_equal(s3.trace->sys, 2);
	trace_detach(&s1);
	trace_detach(&s2);
	trace_detach(&s3);
	sim_fini(&s1);
	sim_fini(&s2);
	sim_fini(&s3);
	trace_config_fini(&cfg);
}

/* ---- BUSBENCH-1 K=1 N=3 as Chrome trace JSON ---- */

static char *tmp_path(const char *suffix)
{
	static char buf[4][128];
	static int k;
	int fd;

	k = (k + 1) % 4;
	snprintf(buf[k], sizeof(buf[k]), "/tmp/dmasim-trace-XXXXXX%s", suffix);
	fd = mkstemps(buf[k], (int)strlen(suffix));
	assert_true(fd >= 0);
	close(fd);
	return buf[k];
}

/* Run busbench with defines, writing the trace and/or VCD. */
static struct dmasim_run *traced_run(const char *json, const char *vcd,
				     uint64_t from, uint64_t to,
				     const char *scenario, ...)
{
	struct dmasim_run *run;
	const char *def;
	va_list ap;
	int code;

	assert_int_equal(dmasim_run_new(&run), 0);
	assert_int_equal(dmasim_run_set_trace(run, json, from, to), 0);
	assert_int_equal(dmasim_run_set_vcd(run, vcd, from, to), 0);
	va_start(ap, scenario);
	while ((def = va_arg(ap, const char *)) != NULL)
		assert_int_equal(dmasim_run_define_arg(run, def), 0);
	va_end(ap);
	code = dmasim_run_file(run, tu_path(scenario));
	if (code)
		fail_msg("run failed: %s", dmasim_run_error(run));
	return run;
}

/* The tid of the thread named so, or -1. */
static int thread_id(json_t *events, const char *name)
{
	size_t i;
	json_t *ev;

	json_array_foreach(events, i, ev) {
		const char *ph = json_string_value(json_object_get(ev, "ph"));
		const char *n = json_string_value(json_object_get(ev, "name"));
		json_t *args = json_object_get(ev, "args");

		if (ph && n && !strcmp(ph, "M") && !strcmp(n, "thread_name") &&
		    !strcmp(json_string_value(json_object_get(args, "name")),
			    name))
			return (int)json_integer_value(json_object_get(ev,
								       "tid"));
	}
	return -1;
}

/* The spans of a thread as "name begin-end" in ns, in time order. */
static void spans_of(json_t *events, int tid, char *out, size_t len)
{
	struct { double ts; char text[48]; } s[64];
	size_t i, n = 0, used = 0;
	json_t *ev;

	json_array_foreach(events, i, ev) {
		const char *ph = json_string_value(json_object_get(ev, "ph"));
		double ts, dur;

		if (!ph || strcmp(ph, "X") ||
		    json_integer_value(json_object_get(ev, "tid")) != tid)
			continue;
		assert_true(n < 64);
		ts = json_number_value(json_object_get(ev, "ts")) * 1000;
		dur = json_number_value(json_object_get(ev, "dur")) * 1000;
		s[n].ts = ts;
		snprintf(s[n].text, sizeof(s[n].text), "%s %g-%g",
			 json_string_value(json_object_get(ev, "name")), ts,
			 ts + dur);
		n++;
	}
	/* Spans are written when they end: sort by start. */
	for (size_t a = 1; a < n; a++)
		for (size_t b = a; b > 0 && s[b].ts < s[b - 1].ts; b--) {
			char t[48];
			double x = s[b].ts;

			memcpy(t, s[b].text, sizeof(t));
			memcpy(s[b].text, s[b - 1].text, sizeof(t));
			memcpy(s[b - 1].text, t, sizeof(t));
			s[b].ts = s[b - 1].ts;
			s[b - 1].ts = x;
		}
	out[0] = '\0';
	for (i = 0; i < n; i++)
		used += (size_t)snprintf(out + used, len - used, "%s%s",
					 i ? ", " : "", s[i].text);
}

static json_t *load_events(const char *path, json_t **root)
{
	json_error_t err;

	*root = json_load_file(path, 0, &err);
	if (!*root)
		fail_msg("%s:%d: %s", path, err.line, err.text);
	return json_object_get(*root, "traceEvents");
}

static void busbench_json_timeline(void **state)
{
	char *path = tmp_path(".json");
	struct dmasim_run *run;
	json_t *root, *ev;
	char got[2048];
	int bus, cpu, dma;

	(void)state;
	run = traced_run(path, NULL, 0, UINT64_MAX, "bench/busbench.lua",
			 "K=1", "N=3", NULL);
	ev = load_events(path, &root);
	assert_non_null(ev);
	bus = thread_id(ev, "busbench.bus");
	cpu = thread_id(ev, "busbench.bus.cpu");
	dma = thread_id(ev, "busbench.bus.dma1");
	assert_true(bus > 0 && cpu > 0 && dma > 0);
	/* BUSBENCH-expected.md, worked by hand: the bus owner. */
	spans_of(ev, bus, got, sizeof(got));
	assert_string_equal(got, "dma1 0-8, cpu 8-12, dma1 12-20, cpu 20-24, "
				 "dma1 24-32, cpu 32-36");
	/* Each master: waits (the CPU asks at 3, 15, 27) and tenures. */
	spans_of(ev, cpu, got, sizeof(got));
	assert_string_equal(got, "wait 3-8, tenure 8-12, wait 15-20, "
				 "tenure 20-24, wait 27-32, tenure 32-36");
	spans_of(ev, dma, got, sizeof(got));
	assert_string_equal(got, "tenure 0-8, wait 8-12, tenure 12-20, "
				 "wait 20-24, tenure 24-32");
	/* The masters' own tracks: the CPU's gaps (written as each ends, so
	 * the first comes before the run's span that starts with it) inside
	 * its active span, stopped at 36; the channel active until 32. */
	spans_of(ev, thread_id(ev, "busbench.cpu"), got, sizeof(got));
	assert_string_equal(got, "gap 0-3, active 0-36, gap 12-15, "
				 "gap 24-27");
	spans_of(ev, thread_id(ev, "busbench.dma1"), got, sizeof(got));
	assert_string_equal(got, "active 0-32");
	json_decref(root);
	dmasim_run_free(run);

	/* The window 10ns..25ns clips the spans at its ends. */
	run = traced_run(path, NULL, 10000, 25000, "bench/busbench.lua",
			 "K=1", "N=3", NULL);
	ev = load_events(path, &root);
	spans_of(ev, thread_id(ev, "busbench.bus"), got, sizeof(got));
	assert_string_equal(got, "cpu 10-12, dma1 12-20, cpu 20-24, "
				 "dma1 24-25");
	json_decref(root);
	dmasim_run_free(run);
	unlink(path);
}

/* The CPU's and a DMA channel's own tracks (tests/trace_models.lua). */
static void cpu_and_dma_tracks(void **state)
{
	char *path = tmp_path(".json");
	struct dmasim_run *run;
	json_t *root, *ev;
	char got[4096], want[128];
	int cpu, ch;

	(void)state;
	run = traced_run(path, NULL, 0, UINT64_MAX, "tests/trace_models.lua",
			 NULL);
	ev = load_events(path, &root);
	cpu = thread_id(ev, "m.cpu");
	ch = thread_id(ev, "m.dma.ch0");
	assert_true(cpu > 0 && ch > 0);
	spans_of(ev, cpu, got, sizeof(got));
	/* 100 instructions first, then register writes stalled on the bus,
	 * and the completion interrupt's handler at the end */
	assert_true(!strncmp(got, "run 0-100, stall 100-", 21));
	assert_non_null(strstr(got, "irq_handler"));
	/* the channel: one transfer, doorbell to completion */
	spans_of(ev, ch, got, sizeof(got));
	snprintf(want, sizeof(want), "transfer %g-%g",
		 (double)tu_int(run, "started_at") / 1000,
		 (double)tu_int(run, "done_at") / 1000);
	assert_string_equal(got, want);
	json_decref(root);
	dmasim_run_free(run);
	unlink(path);
}

/* A descriptor chain: one transfer span, and inside it one descriptor
 * span per descriptor, back to back, from fetch to status write-back. */
static void descriptor_spans(void **state)
{
	char *path = tmp_path(".json");
	struct dmasim_run *run;
	json_t *root, *ev, *e;
	double t0 = -1, t1 = -1, d[4][2];
	size_t i;
	int ch, nd = 0;

	(void)state;
	run = traced_run(path, NULL, 0, UINT64_MAX, "tests/trace_chain.lua",
			 NULL);
	ev = load_events(path, &root);
	ch = thread_id(ev, "c.dma.ch0");
	assert_true(ch > 0);
	json_array_foreach(ev, i, e) {
		const char *ph = json_string_value(json_object_get(e, "ph"));
		const char *n = json_string_value(json_object_get(e, "name"));
		double ts, dur;

		if (!ph || strcmp(ph, "X") ||
		    json_integer_value(json_object_get(e, "tid")) != ch)
			continue;
		ts = json_number_value(json_object_get(e, "ts"));
		dur = json_number_value(json_object_get(e, "dur"));
		if (!strcmp(n, "transfer")) {
			t0 = ts;
			t1 = ts + dur;
		} else {
			assert_string_equal(n, "descriptor");
			assert_true(nd < 4);
			d[nd][0] = ts;
			d[nd++][1] = ts + dur;
		}
	}
	assert_int_equal(nd, 2);
	assert_float_equal(d[0][0], t0, 1e-9);
	assert_float_equal(d[0][1], d[1][0], 1e-9);
	assert_float_equal(d[1][1], t1, 1e-9);
	json_decref(root);
	dmasim_run_free(run);
	unlink(path);
}

/* Sanitizer reports are instants on the "check" track, named after their
 * class; a device's buffer level is a counter on its track. */
static void check_reports_and_devices(void **state)
{
	char *path = tmp_path(".json");
	struct dmasim_run *run;
	json_t *root, *ev, *e;
	size_t i;
	int check, reports = 0, levels = 0;

	(void)state;
	assert_int_equal(dmasim_run_new(&run), 0);
	assert_int_equal(dmasim_run_set_trace(run, path, 0, UINT64_MAX), 0);
	dmasim_run_set_check(run, 1);
	assert_int_equal(dmasim_run_file(run,
			 tu_path("tests/zoo/stale_cpu_read.lua")), 0);
	assert_int_equal(dmasim_run_check_count(run), 1);
	dmasim_run_free(run);
	ev = load_events(path, &root);
	check = thread_id(ev, "system.check");
	assert_true(check > 0);
	json_array_foreach(ev, i, e) {
		const char *ph = json_string_value(json_object_get(e, "ph"));
		const char *n = json_string_value(json_object_get(e, "name"));

		if (ph && !strcmp(ph, "i") &&
		    json_integer_value(json_object_get(e, "tid")) == check) {
			assert_string_equal(n, "STALE_CPU_READ");
			reports++;
		}
	}
	assert_int_equal(reports, 1);
	json_decref(root);

	run = traced_run(path, NULL, 0, UINT64_MAX, "scenarios/pio_vs_dma.lua",
			 "max_words=4", NULL);
	dmasim_run_free(run);
	ev = load_events(path, &root);
	json_array_foreach(ev, i, e) {
		const char *ph = json_string_value(json_object_get(e, "ph"));
		const char *n = json_string_value(json_object_get(e, "name"));

		levels += ph && n && !strcmp(ph, "C") &&
			  strstr(n, ".dev0.level") != NULL;
	}
	assert_true(levels > 0);
	json_decref(root);
	unlink(path);
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return buf;
}

/* An interrupt line is a wire in the VCD: raised by the DMA's completion
 * (at done_at), back to 0 when the handler starts, irq_entry (20) cycles
 * of 1 ns later. */
static void irq_line_wire(void **state)
{
	char *path = tmp_path(".vcd");
	struct dmasim_run *run;
	char id[16], want[64], *vcd, *decl, *up, *down;
	size_t len;

	(void)state;
	run = traced_run(NULL, path, 0, UINT64_MAX, "tests/trace_models.lua",
			 NULL);
	vcd = slurp(path, &len);
	decl = strstr(vcd, "$scope module irq0 $end");
	assert_non_null(decl);
	assert_int_equal(sscanf(decl, "$scope module irq0 $end\n$var wire 1 "
				"%15s irq $end", id), 1);
	snprintf(want, sizeof(want), "\n1%s\n", id);
	up = strstr(vcd, want);
	snprintf(want, sizeof(want), "\n0%s\n", id);
	down = up ? strstr(up, want) : NULL;
	assert_non_null(up);
	assert_non_null(down);
	/* the rise is stamped with the channel's completion time */
	snprintf(want, sizeof(want), "#%lld\n",
		 (long long)tu_int(run, "done_at"));
	assert_non_null(strstr(vcd, want));
	assert_true(strstr(vcd, want) < up);
	snprintf(want, sizeof(want), "#%lld\n",
		 (long long)tu_int(run, "done_at") + 20000);
	assert_non_null(strstr(vcd, want));
	assert_true(strstr(vcd, want) > up && strstr(vcd, want) < down);
	free(vcd);
	dmasim_run_free(run);
	unlink(path);
}

static void traces_are_deterministic(void **state)
{
	char *j1 = tmp_path(".json"), *j2 = tmp_path(".json");
	char *v1 = tmp_path(".vcd"), *v2 = tmp_path(".vcd");
	char *a, *b;
	size_t la, lb;

	(void)state;
	dmasim_run_free(traced_run(j1, v1, 0, UINT64_MAX, "bench/busbench.lua",
				   "N=200", NULL));
	dmasim_run_free(traced_run(j2, v2, 0, UINT64_MAX, "bench/busbench.lua",
				   "N=200", NULL));
	a = slurp(j1, &la);
	b = slurp(j2, &lb);
	assert_true(la > 1000);
	assert_true(la == lb && !memcmp(a, b, la));
	free(a);
	free(b);
	a = slurp(v1, &la);
	b = slurp(v2, &lb);
	assert_true(la > 1000);
	assert_true(la == lb && !memcmp(a, b, la));
	free(a);
	free(b);
	unlink(j1);
	unlink(j2);
	unlink(v1);
	unlink(v2);
}

/* ---- a small VCD reader ---- */

#define VCD_MAX_VARS 64

struct vcd_var {
	char name[128];		/* "busbench.bus.dma1.grant" */
	char id[8];
	int real;
	uint64_t high_ps;	/* time spent non-zero */
	uint64_t since;		/* when it last became non-zero */
	int value;		/* last value non-zero */
	int changes;
};

struct vcd_file {
	struct vcd_var var[VCD_MAX_VARS];
	int nvars;
	char timescale[16];
	uint64_t end;		/* last time stamp */
	int scopes;		/* top-level scopes */
};

static struct vcd_var *vcd_find_id(struct vcd_file *v, const char *id)
{
	for (int i = 0; i < v->nvars; i++)
		if (!strcmp(v->var[i].id, id))
			return &v->var[i];
	fail_msg("VCD: change of undeclared id '%s'", id);
	return NULL;
}

static struct vcd_var *vcd_var_named(struct vcd_file *v, const char *name)
{
	for (int i = 0; i < v->nvars; i++)
		if (!strcmp(v->var[i].name, name))
			return &v->var[i];
	fail_msg("VCD: no variable '%s'", name);
	return NULL;
}

static void vcd_set(struct vcd_var *x, uint64_t t, int nonzero)
{
	if (nonzero && !x->value)
		x->since = t;
	if (!nonzero && x->value)
		x->high_ps += t - x->since;
	x->value = nonzero;
	x->changes++;
}

/* Parse a whole file: declarations, then changes with increasing times. */
static void vcd_read(const char *path, struct vcd_file *v)
{
	FILE *f = fopen(path, "r");
	char tok[256], scope[8][64];
	int depth = 0, defs = 1, have_time = 0;
	uint64_t t = 0;

	assert_non_null(f);
	memset(v, 0, sizeof(*v));
	while (defs && fscanf(f, "%255s", tok) == 1) {
		if (!strcmp(tok, "$scope")) {
			assert_int_equal(fscanf(f, "%255s %63s", tok,
						scope[depth]), 2);
			assert_string_equal(tok, "module");
			v->scopes += depth == 0;
			depth++;
			assert_true(depth < 8);
		} else if (!strcmp(tok, "$upscope")) {
			assert_true(depth > 0);
			depth--;
		} else if (!strcmp(tok, "$var")) {
			struct vcd_var *x = &v->var[v->nvars++];
			char type[16], name[64];
			int width, used = 0;

			assert_true(v->nvars < VCD_MAX_VARS);
			assert_int_equal(fscanf(f, "%15s %d %7s %63s", type,
						&width, x->id, name), 4);
			x->real = !strcmp(type, "real");
			for (int i = 0; i < depth; i++)
				used += snprintf(x->name + used,
						 sizeof(x->name) - (size_t)used,
						 "%s.", scope[i]);
			snprintf(x->name + used, sizeof(x->name) - (size_t)used,
				 "%s", name);
		} else if (!strcmp(tok, "$timescale")) {
			assert_int_equal(fscanf(f, "%15s", v->timescale), 1);
		} else if (!strcmp(tok, "$enddefinitions")) {
			defs = 0;
		}
		if (tok[0] == '$' && strcmp(tok, "$end") &&
		    strcmp(tok, "$enddefinitions") && strcmp(tok, "$scope") &&
		    strcmp(tok, "$var") && strcmp(tok, "$timescale")) {
			/* skip to $end */
			while (fscanf(f, "%255s", tok) == 1 &&
			       strcmp(tok, "$end"))
				;
		}
	}
	assert_int_equal(depth, 0);
	assert_int_equal(fscanf(f, "%255s", tok), 1);	/* its $end */
	while (fscanf(f, "%255s", tok) == 1) {
		if (tok[0] == '#') {
			uint64_t nt = strtoull(tok + 1, NULL, 10);

			if (have_time && nt <= t)
				fail_msg("VCD: time %llu after %llu",
					 (unsigned long long)nt,
					 (unsigned long long)t);
			t = nt;
			have_time = 1;
		} else if (tok[0] == '0' || tok[0] == '1') {
			vcd_set(vcd_find_id(v, tok + 1), t, tok[0] == '1');
		} else if (tok[0] == 'b' || tok[0] == 'r') {
			char id[16];
			double val = tok[0] == 'r' ? strtod(tok + 1, NULL)
				     : (double)strtoull(tok + 1, NULL, 2);

			assert_int_equal(fscanf(f, "%15s", id), 1);
			vcd_set(vcd_find_id(v, id), t, val != 0);
		} else {
			fail_msg("VCD: unexpected '%s'", tok);
		}
	}
	v->end = t;
	fclose(f);
}

/* A statistic of system 0 from the run's JSON snapshot. */
static int64_t stat_of(const struct dmasim_run *run, const char *name)
{
	json_t *sys = json_array_get(run->res.systems, 0);
	json_t *v = json_object_get(json_object_get(sys, "stats"), name);

	if (!json_is_integer(v))
		fail_msg("no statistic '%s'", name);
	return json_integer_value(v);
}

static void vcd_grants_match_bus_stats(void **state)
{
	static const char *const masters[] = { "cpu", "dma1", "dma2", "dma3" };
	char *path = tmp_path(".vcd");
	struct dmasim_run *run;
	struct vcd_file v;
	uint64_t total = 0;
	char name[128];

	(void)state;
	run = traced_run(NULL, path, 0, UINT64_MAX, "bench/busbench.lua",
			 "K=3", "N=50", "C=5", NULL);
	vcd_read(path, &v);
	assert_string_equal(v.timescale, "1ps");
	assert_int_equal(v.scopes, 1);
	/* A 1 GHz bus: 1000 ps a cycle; each master's grant is high for
	 * exactly its busy cycles, and the bus's busy wire for all of them. */
	for (int i = 0; i < 4; i++) {
		struct vcd_var *g;
		int64_t busy;

		snprintf(name, sizeof(name), "busbench.bus.%s.grant",
			 masters[i]);
		g = vcd_var_named(&v, name);
		assert_int_equal(g->value, 0);
		snprintf(name, sizeof(name), "bus.%s.busy_cycles", masters[i]);
		busy = stat_of(run, name);
		assert_true(busy > 0);
		assert_int_equal(g->high_ps, (uint64_t)busy * 1000);
		total += g->high_ps;
		/* Each master's own state wire: non-zero (in a gap or on
		 * the bus) from its start at 0 until it completes or stops. */
		snprintf(name, sizeof(name), "busbench.%s.state", masters[i]);
		g = vcd_var_named(&v, name);
		assert_int_equal(g->value, 0);
		snprintf(name, sizeof(name), "%s.%s", masters[i],
			 i ? "done_at" : "stopped_at");
		assert_int_equal(g->high_ps, (uint64_t)stat_of(run, name));
	}
	assert_int_equal(total, (uint64_t)stat_of(run, "bus.busy_cycles") * 1000);
	assert_int_equal(vcd_var_named(&v, "busbench.bus.busy")->high_ps,
			 total);
	assert_true(vcd_var_named(&v, "busbench.bus.waiting")->real);
	assert_int_equal(v.end, (uint64_t)stat_of(run, "bus.busy_cycles") * 1000);
	dmasim_run_free(run);
	unlink(path);
}

/* With arbitration latency the grant covers it too: owned = busy + arb. */
static void vcd_grants_with_latency(void **state)
{
	static const char *text =
		"local sys = dmasim.system{ name = 'lat', bus = { latency = 2 } }\n"
		"local a = sys:traffic{ name = 'a', mode = 'burst', access = 4,\n"
		"                       count = 5 }\n"
		"local b = sys:traffic{ name = 'b', access = 3, count = 7 }\n"
		"a:start()\n"
		"b:start()\n"
		"sys:run()\n";
	char *path = tmp_path(".vcd"), *lua = tmp_path(".lua");
	struct dmasim_run *run;
	struct vcd_file v;
	FILE *f = fopen(lua, "w");
	uint64_t a, b;
	int code;

	(void)state;
	fputs(text, f);
	fclose(f);
	assert_int_equal(dmasim_run_new(&run), 0);
	assert_int_equal(dmasim_run_set_vcd(run, path, 0, UINT64_MAX), 0);
	code = dmasim_run_file(run, lua);
	assert_int_equal(code, 0);
	vcd_read(path, &v);
	a = vcd_var_named(&v, "lat.bus.a.grant")->high_ps;
	b = vcd_var_named(&v, "lat.bus.b.grant")->high_ps;
	assert_int_equal(a + b, (uint64_t)(stat_of(run, "bus.busy_cycles") +
					   stat_of(run, "bus.arb_cycles")) *
				       1000);
	/* a: one grant of 20 cycles plus 2 of latency. */
	assert_int_equal(a, 22000);
	dmasim_run_free(run);
	unlink(path);
	unlink(lua);
}

/* Two systems, one after the other, each from time 0: one dump, times
 * increasing, a scope each. */
static void vcd_merges_systems(void **state)
{
	static const char *text =
		"for i = 1, 2 do\n"
		"  local sys = dmasim.system{ name = 'n' }\n"
		"  local a = sys:traffic{ name = 'a', access = 2, count = 3 * i }\n"
		"  a:start()\n"
		"  sys:run()\n"
		"end\n";
	char *path = tmp_path(".vcd"), *json = tmp_path(".json");
	char *lua = tmp_path(".lua");
	struct dmasim_run *run;
	struct vcd_file v;
	json_t *root, *ev;
	FILE *f = fopen(lua, "w");

	(void)state;
	fputs(text, f);
	fclose(f);
	assert_int_equal(dmasim_run_new(&run), 0);
	assert_int_equal(dmasim_run_set_vcd(run, path, 0, UINT64_MAX), 0);
	assert_int_equal(dmasim_run_set_trace(run, json, 0, UINT64_MAX), 0);
	assert_int_equal(dmasim_run_file(run, lua), 0);
	vcd_read(path, &v);
	assert_int_equal(v.scopes, 2);
	assert_int_equal(vcd_var_named(&v, "n.bus.a.grant")->high_ps, 6000);
	assert_int_equal(vcd_var_named(&v, "n_2.bus.a.grant")->high_ps, 12000);
	ev = load_events(json, &root);
	assert_true(thread_id(ev, "n.bus.a") > 0);
	assert_true(thread_id(ev, "n_2.bus.a") > 0);
	json_decref(root);
	dmasim_run_free(run);
	unlink(path);
	unlink(json);
	unlink(lua);
}

static void output_errors(void **state)
{
	struct dmasim_run *run;
	int code;

	(void)state;
	assert_int_equal(dmasim_run_new(&run), 0);
	assert_int_equal(dmasim_run_set_trace(run, "x.json", 5, 4),
			 DMASIM_EINVAL);
	assert_int_equal(dmasim_run_set_vcd(run, "x.vcd", 5, 4), DMASIM_EINVAL);
	assert_int_equal(dmasim_run_set_trace(run, "/nonexistent/dir/t.json",
					      0, UINT64_MAX), 0);
	code = dmasim_run_file(run, tu_path("bench/busbench.lua"));
	assert_int_equal(code, DMASIM_EIO);
	if (!strstr(dmasim_run_error(run), "cannot write the trace to "
					    "'/nonexistent/dir/t.json'"))
		fail_msg("error: %s", dmasim_run_error(run));
	dmasim_run_free(run);

	assert_int_equal(dmasim_run_new(&run), 0);
	assert_int_equal(dmasim_run_set_vcd(run, "/nonexistent/dir/t.vcd", 0,
					    UINT64_MAX), 0);
	code = dmasim_run_file(run, tu_path("bench/busbench.lua"));
	assert_int_equal(code, DMASIM_EIO);
	assert_non_null(strstr(dmasim_run_error(run), "cannot write the VCD"));
	dmasim_run_free(run);
}

static void vcd_ids(void **state)
{
	char id[8];

	(void)state;
	assert_string_equal(vcd_id(0, id), "!");
	assert_string_equal(vcd_id(93, id), "~");
	assert_string_equal(vcd_id(94, id), "!\"");
	assert_string_equal(vcd_id(94 * 94 + 1, id), "\"!\"");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(off_costs_nothing),
		cmocka_unit_test(spans_nest_and_close),
		cmocka_unit_test(window_clips_and_opens),
		cmocka_unit_test(system_names_unique),
		cmocka_unit_test(busbench_json_timeline),
		cmocka_unit_test(cpu_and_dma_tracks),
		cmocka_unit_test(descriptor_spans),
		cmocka_unit_test(check_reports_and_devices),
		cmocka_unit_test(irq_line_wire),
		cmocka_unit_test(traces_are_deterministic),
		cmocka_unit_test(vcd_grants_match_bus_stats),
		cmocka_unit_test(vcd_grants_with_latency),
		cmocka_unit_test(vcd_merges_systems),
		cmocka_unit_test(output_errors),
		cmocka_unit_test(vcd_ids),
	};

	return cmocka_run_group_tests_name("/kernel/trace", tests, NULL, NULL);
}
