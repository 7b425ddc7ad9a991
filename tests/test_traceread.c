/* /report/traceread: trace-event JSON read back for the page's timeline. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report/traceread.h"
#include "testutil.h"

/* Write text to a fresh file and read it as a trace.  Returns the code;
 * the trace in *out (NULL on failure), the reason in why. */
static int load_text(const char *text, struct traceread **out, char *why,
		     size_t len)
{
	char path[] = "/tmp/dmasim-trace-XXXXXX";
	int fd = mkstemp(path), err;

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	err = traceread_load(path, out, why, len);
	unlink(path);
	return err;
}

static const struct traceread_track *track(const struct traceread *tr,
					   const struct traceread_sys *s,
					   size_t i)
{
	assert_true(i < s->ntrack);
	return &tr->track[s->track[i]];
}

/* A trace as other tools write it: metadata after the events, spans out
 * of order and nested, names that hold brackets, quotes and escapes,
 * times as integers and as decimals, phases that are not drawn. */
static void spans(void **state)
{
	static const char text[] =
		"{\"otherData\": {\"from_ps\": 0, \"note\": [\"]}\"]},\n"
		" \"traceEvents\": [\n"
		"  {\"ph\": \"X\", \"pid\": 2, \"tid\": 7, \"ts\": 5, \"dur\": 1,"
		"   \"name\": \"in \\\"]}\\\\ner\"},\n"
		"  {\"ph\": \"X\", \"pid\": 2, \"tid\": 7, \"ts\": 4, \"dur\": 3,"
		"   \"name\": \"outer\"},\n"
		"  {\"ph\": \"X\", \"pid\": 2, \"tid\": 7, \"ts\": 0.000001,"
		"   \"dur\": 0.5, \"name\": \"first\"},\n"
		"  {\"ph\": \"X\", \"pid\": 2, \"tid\": 3, \"ts\": 1, \"dur\": 0},\n"
		"  {\"ph\": \"i\", \"s\": \"t\", \"pid\": 2, \"tid\": 3,"
		"   \"ts\": 9.25, \"name\": \"done\"},\n"
		"  {\"ph\": \"C\", \"pid\": 2, \"ts\": 1, \"name\": \"n\","
		"   \"args\": {\"value\": 3}},\n"
		"  {\"ph\": \"B\", \"pid\": 2, \"tid\": 3, \"ts\": 1},\n"
		"  {\"ph\": \"M\", \"name\": \"thread_name\", \"pid\": 2,"
		"   \"tid\": 7, \"args\": {\"name\": \"sys.bus\"}},\n"
		"  {\"ph\": \"M\", \"name\": \"thread_sort_index\", \"pid\": 2,"
		"   \"tid\": 7, \"args\": {\"sort_index\": 1}},\n"
		"  {\"ph\": \"M\", \"name\": \"process_name\", \"pid\": 2,"
		"   \"args\": {\"name\": \"sys\"}},\n"
		"  {\"ph\": \"X\", \"pid\": 1, \"tid\": 1, \"ts\": 2, \"dur\": 2}\n"
		" ]}\n";
	const struct traceread_track *t;
	const struct traceread_sys *s;
	struct traceread *tr;
	char why[256];

	(void)state;
	assert_int_equal(load_text(text, &tr, why, sizeof(why)), 0);
	assert_int_equal(tr->skipped, 2);	/* the counter, the B */
	assert_int_equal(tr->nsys, 2);
	s = &tr->sys[0];			/* by sort index: pid 1 */
	assert_string_equal(s->name, "pid 1");
	assert_int_equal(s->nspan, 1);
	s = &tr->sys[1];
	assert_string_equal(s->name, "sys");
	assert_int_equal(s->nspan, 4);
	assert_int_equal(s->ninst, 1);
	assert_int_equal(s->t0, 0);		/* from_ps */
	assert_int_equal(s->t1, 9250000);	/* the instant */
	/* tid 7 sorts first (index 1), tid 3 after (index = tid) */
	t = track(tr, s, 0);
	assert_string_equal(t->name, "sys.bus");
	assert_int_equal(t->nspan, 3);
	assert_int_equal(t->span[0].b, 1);	/* 0.000001 us */
	assert_int_equal(t->span[0].e, 500001);
	assert_string_equal(tr->name[t->span[0].name], "first");
	assert_int_equal(t->span[1].b, 4000000);
	assert_int_equal(t->span[1].depth, 0);
	assert_string_equal(tr->name[t->span[1].name], "outer");
	assert_int_equal(t->span[2].b, 5000000);
	assert_int_equal(t->span[2].e, 6000000);
	assert_int_equal(t->span[2].depth, 1);	/* inside "outer" */
	assert_string_equal(tr->name[t->span[2].name], "in \"]}\\ner");
	t = track(tr, s, 1);
	assert_string_equal(t->name, "tid 3");
	assert_int_equal(t->nspan, 1);
	assert_int_equal(t->span[0].e - t->span[0].b, 0);
	assert_string_equal(tr->name[t->span[0].name], "");
	assert_int_equal(t->ninst, 1);
	assert_int_equal(t->inst[0].at, 9250000);
	assert_string_equal(tr->name[t->inst[0].name], "done");
	traceread_free(tr);
}

/* The bare array form; no from_ps: the timeline starts at the first
 * event.  Many spans and names: the tables grow. */
static void array(void **state)
{
	size_t cap = 1 << 20, n = 0;
	char *text = malloc(cap), why[256];
	struct traceread *tr;

	(void)state;
	assert_non_null(text);
	n += (size_t)snprintf(text + n, cap - n, "[");
	for (int i = 0; i < 3000; i++)
		n += (size_t)snprintf(text + n, cap - n, "%s{\"ph\":\"X\","
				      "\"pid\":1,\"tid\":%d,\"ts\":%d,"
				      "\"dur\":1,\"name\":\"n%d\"}",
				      i ? "," : "", i % 100, 10 + i, i % 700);
	snprintf(text + n, cap - n, "]");
	assert_int_equal(load_text(text, &tr, why, sizeof(why)), 0);
	free(text);
	assert_int_equal(tr->nsys, 1);
	assert_int_equal(tr->ntrack, 100);
	assert_int_equal(tr->nname, 700);
	assert_int_equal(tr->sys[0].nspan, 3000);
	assert_int_equal(tr->sys[0].t0, 10000000);
	assert_int_equal(tr->sys[0].t1, 3010000000);
	for (size_t i = 0; i < tr->ntrack; i++)
		assert_int_equal(tr->track[i].nspan, 30);
	traceread_free(tr);
}

/* What is not a trace-event JSON is refused, saying where and what was
 * expected. */
static void refused(void **state)
{
	static const struct {
		const char *text, *why;
	} bad[] = {
		{ "", "is empty: expected a trace-event JSON" },
		{ "hello", "is not a trace-event JSON: expected an object" },
		{ "{\"scenario\": \"x\", \"claims\": []}",
		  "it has no \"traceEvents\" array" },
		{ "{\"traceEvents\": {}}", "\"traceEvents\" is not an array" },
		{ "{\"traceEvents\": [{\"ph\": \"X\"", "the file ends inside "
		  "a value" },
		{ "{\"traceEvents\": [1]}", "event 1 is not a trace event" },
		{ "[{\"name\": \"x\"}]", "event 1 is not a trace event" },
		{ "[{\"ph\": \"M\"},\n{\"ph\": \"X\", \"ts\": 1}]",
		  "line 2: event 2 (phase X) has no number \"dur\"" },
		{ "[{\"ph\": \"X\", \"ts\": \"0\", \"dur\": 1}]",
		  "has no number \"ts\"" },
		{ "[{\"ph\": \"X\", \"ts\": 0, \"dur\": -1}]",
		  "negative \"dur\"" },
		{ "[{\"ph\": \"X\", \"ts\": 1e13, \"dur\": 1}]",
		  "\"ts\" is 1e+13 us: expected at most" },
		{ "[{\"ph\": \"X\", \"ts\": 0, \"dur\": 1, \"pid\": \"a\"}]",
		  "\"pid\" is not an integer" },
		{ "[{\"ph\": \"i\" \"ts\": 0}]", "not JSON" },
		{ "[{\"ph\": \"i\", \"ts\": 0} {}]", "stray text after event 1" },
		{ "[{\"ph\": \"i\", \"ts\": 0}", "the file ends after event 1" },
		{ "{\"traceEvents\": []} []", "text after the trace" },
		{ "{\"traceEvents\": [], \"a\": tru}", "not JSON" },
		{ "{traceEvents: []}", "expected a member name in quotes" },
	};
	struct traceread *tr;
	char why[256];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int err = load_text(bad[i].text, &tr, why, sizeof(why));

		if (err != DMASIM_EINVAL || !strstr(why, bad[i].why) ||
		    strncmp(why, "'/tmp/dmasim-trace-", 19))
			fail_msg("%s: code %d, '%s' (want '%s')", bad[i].text,
				 err, why, bad[i].why);
		assert_null(tr);
	}
	assert_int_equal(traceread_load("/nonexistent/t.json", &tr, why,
					sizeof(why)), DMASIM_EIO);
	assert_int_equal(errno, ENOENT);
	assert_null(tr);
}

/* What dmasim run --trace writes reads back: busbench with one channel
 * of three bursts puts six tenures on the bus, dma1 and cpu in turn. */
static void own_trace(void **state)
{
	char path[] = "/tmp/dmasim-trace-XXXXXX", why[256];
	static const char *const owner[] = { "dma1", "cpu" };
	const struct traceread_track *bus;
	struct dmasim_run *run;
	struct traceread *tr;
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(dmasim_run_new(&run), 0);
	assert_int_equal(dmasim_run_set_trace(run, path, 0, UINT64_MAX), 0);
	assert_int_equal(dmasim_run_define(run, "N", "3"), 0);
	assert_int_equal(dmasim_run_define(run, "K", "1"), 0);
	assert_int_equal(dmasim_run_file(run, tu_path("bench/busbench.lua")),
			 0);
	dmasim_run_free(run);
	assert_int_equal(traceread_load(path, &tr, why, sizeof(why)), 0);
	unlink(path);
	assert_int_equal(tr->nsys, 1);
	assert_string_equal(tr->sys[0].name, "busbench");
	assert_int_equal(tr->sys[0].ntrack, 5);
	assert_int_equal(tr->sys[0].t1, 36000);
	bus = track(tr, &tr->sys[0], 0);
	assert_string_equal(bus->name, "busbench.bus");
	assert_int_equal(bus->nspan, 6);
	for (size_t i = 0; i < 6; i++) {
		assert_int_equal(bus->span[i].b, (int64_t)(i / 2 * 12000 +
							   i % 2 * 8000));
		assert_string_equal(tr->name[bus->span[i].name], owner[i % 2]);
	}
	traceread_free(tr);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(spans),
		cmocka_unit_test(array),
		cmocka_unit_test(refused),
		cmocka_unit_test(own_trace),
	};

	return cmocka_run_group_tests_name("/report/traceread", tests, NULL,
					   NULL);
}
