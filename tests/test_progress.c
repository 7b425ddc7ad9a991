/*
 * /cli/progress: the run's progress hook (every 2^16 events, with the
 * simulated time, the events and the end when known) and the command's
 * progress line drawn from it (src/cli/progress.c, built into this test).
 */
#define _DEFAULT_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/progress.h"
#include "testutil.h"

struct seen {
	int calls;
	uint64_t last_now, last_events, until;
	int monotonic;
	char system[32];
};

static void count(void *ctx, const struct dmasim_progress *p)
{
	struct seen *s = ctx;

	/* The k-th call at the first event boundary at or after k x 2^16
	 * events: a release may enter up to 64 tenures (bus.c) in one
	 * callback. */
	if (p->now < s->last_now || p->events <= s->last_events ||
	    p->events / 65536 != (uint64_t)s->calls + 1 ||
	    p->events % 65536 > 64)
		s->monotonic = 0;
	s->calls++;
	s->last_now = p->now;
	s->last_events = p->events;
	s->until = p->until;
	snprintf(s->system, sizeof(s->system), "%s", p->system);
}

static struct dmasim_run *run_with(const char *text, struct seen *s)
{
	char path[] = "/tmp/dmasim-progress-XXXXXX.lua";
	struct dmasim_run *run;
	int fd = mkstemps(path, 4);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	memset(s, 0, sizeof(*s));
	s->monotonic = 1;
	assert_int_equal(dmasim_run_new(&run), 0);
	dmasim_run_set_progress(run, count, s);
	assert_int_equal(dmasim_run_file(run, path), 0);
	unlink(path);
	return run;
}

static void hook_every_65536_events(void **state)
{
	struct dmasim_run *run;
	struct seen s;

	(void)state;
	/* 200000 bursts: about 200000 events, so 3 calls. */
	run = run_with("local sys = dmasim.system{ name = 'p' }\n"
		       "local ch = sys:traffic{ access = 2, count = 200000 }\n"
		       "ch:start()\n"
		       "sys:run('1s')\n"
		       "dmasim.report('events', sys.events)\n", &s);
	assert_int_equal(s.calls, tu_int(run, "events") / 65536);
	assert_true(s.calls >= 3);
	assert_true(s.monotonic);
	assert_int_equal(s.until, 1000000000000ull);	/* 1 s in ps */
	assert_string_equal(s.system, "p");
	assert_true(s.last_now > 0);
	dmasim_run_free(run);

	/* No end given: until is UINT64_MAX; a short run: no call. */
	run = run_with("local sys = dmasim.system{}\n"
		       "local ch = sys:traffic{ access = 2, count = 70000 }\n"
		       "ch:start()\n"
		       "sys:run()\n", &s);
	assert_int_equal(s.calls, 1);
	assert_true(s.until == UINT64_MAX);
	dmasim_run_free(run);
	run = run_with("local sys = dmasim.system{}\n"
		       "local ch = sys:traffic{ access = 2, count = 1000 }\n"
		       "ch:start()\n"
		       "sys:run()\n", &s);
	assert_int_equal(s.calls, 0);
	dmasim_run_free(run);
}

static char *drawn(FILE *f)
{
	static char buf[1024];
	size_t n;

	fflush(f);
	rewind(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	return buf;
}

static void line_after_a_second(void **state)
{
	struct dmasim_progress dp = { "busbench", 0, UINT64_MAX, 0 };
	struct progress p;
	FILE *f = tmpfile();
	char *s;

	(void)state;
	assert_non_null(f);
	progress_init(&p, f, true);
	/* Before a second has passed: nothing. */
	dp.now = 1000000;
	dp.events = 65536;
	progress_run(&p, &dp);
	assert_string_equal(drawn(f), "");
	/* Pretend the run began two seconds ago. */
	p.start -= 2;
	p.seg_wall -= 1;
	dp.now = 5000000000ull;		/* 5 ms */
	dp.events = 4 * 65536;
	progress_run(&p, &dp);
	s = drawn(f);
	assert_non_null(strstr(s, "\r\033[Kbusbench: 5 ms simulated, "));
	assert_non_null(strstr(s, "M events/s"));
	assert_null(strstr(s, "left"));		/* no known end */
	progress_clear(&p);
	s = drawn(f);
	assert_int_equal(s[strlen(s) - 1], 'K');	/* erased */
	fclose(f);

	/* A known end gives the time left: half-way after 1 s: 1 s left. */
	f = tmpfile();
	progress_init(&p, f, true);
	dp.until = 2000000;
	dp.now = 0;
	dp.events = 65536;
	progress_run(&p, &dp);
	p.start -= 2;
	p.seg_wall -= 1;
	dp.now = 1000000;
	dp.events = 2 * 65536;
	progress_run(&p, &dp);
	assert_non_null(strstr(drawn(f), ", 1 s left"));
	fclose(f);

	/* Off (not a terminal, or --quiet): nothing, ever. */
	f = tmpfile();
	progress_init(&p, f, false);
	p.start -= 2;
	progress_run(&p, &dp);
	progress_draw(&p, true, "x");
	progress_clear(&p);
	assert_string_equal(drawn(f), "");
	fclose(f);
}

static void time_text(void **state)
{
	char b[32];

	(void)state;
	assert_string_equal(progress_time(12, b, sizeof(b)), "12 ps");
	assert_string_equal(progress_time(1500, b, sizeof(b)), "1.5 ns");
	assert_string_equal(progress_time(250000000, b, sizeof(b)), "250 us");
	assert_string_equal(progress_time(3000000000000ull, b, sizeof(b)),
			    "3 s");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hook_every_65536_events),
		cmocka_unit_test(line_after_a_second),
		cmocka_unit_test(time_text),
	};

	return cmocka_run_group_tests_name("/cli/progress", tests, NULL, NULL);
}
