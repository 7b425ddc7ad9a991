/*
 * /harden: inputs a hostile or careless scenario may give.  Each must end
 * in an error that names what was wrong, never in a crash, a hang, undefined
 * behaviour or a silently wrong result.  The cases are the findings of the
 * hardening review, one test per finding.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"

/* Run text; it must succeed.  Returns the run (caller frees). */
static struct dmasim_run *accepted(const char *text)
{
	struct dmasim_run *run;
	int code;

	run = tu_run_text(text, &code, NULL);
	if (code != 0)
		fail_msg("refused: %s", dmasim_run_error(run));
	return run;
}

#define SYS "local sys = dmasim.system{}\n"

/* 1: a VM window whose base + size wraps past 2^64. */
static void vm_window_wraps(void **state)
{
	(void)state;
	tu_refused(SYS "local m = sys:memory{ base = 0, size = '64MiB' }\n"
		"local vm = sys:vm{ memory = m, base = 2^64 - 4096, "
		"size = 8192 }\n"
		"vm:aspace{ size = 4096 }:write(0, 'x')\n",
		"[0xfffffffffffff000, +8192): expected a non-empty range "
		"below 2^64");
}

/* 2: simulated time never wraps; NaN, infinities and huge values are
 * refused where they enter. */
static void time_and_floats(void **state)
{
	static const char *const bad[] = { "0/0", "1/0", "-1/0", "1e300",
					   "-1", "2^64" };
	char text[512];

	(void)state;
	tu_refused(SYS "local cpu = sys:cpu{}\n"
		"sys:spawn(function() cpu:busy(1 << 62) end)\nsys:run()\n",
		"cpu:busy(): busy of 4611686018427387904 cycles at cpi 1: "
		"expected a duration that ends before the end of simulated "
		"time");
	tu_refused(SYS "local cpu = sys:cpu{}\n"
		"sys:spawn(function() cpu:compute(1 << 40, { cpi = 1e300 }) "
		"end)\nsys:run()\n", "expected a duration that ends before");
	tu_refused(SYS "sys:spawn(function() sys:wait(1e19) end)\nsys:run()\n",
		"sleep of 10000000000000000000 ps: expected a time that ends "
		"before the end of simulated time");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text), SYS "sys:spawn(function() "
			 "sys:wait(%s) end)\nsys:run()\n", bad[i]);
		tu_refused(text, "system:wait(");
		snprintf(text, sizeof(text), SYS "sys:run(%s)\n", bad[i]);
		tu_refused(text, "system:run(");
		if (i < 3) {	/* large but finite: see the compute above */
			snprintf(text, sizeof(text), SYS "sys:cpu{ cpi = %s "
				 "}\n", bad[i]);
			tu_refused(text, "cpi");
		}
		snprintf(text, sizeof(text), SYS "sys:cpu{ priority = %s }\n",
			 i == 4 ? "-2^40" : bad[i]);
		tu_refused(text, "field 'priority'");
		snprintf(text, sizeof(text), SYS "sys:cpu{ clock = %s }\n",
			 bad[i]);
		tu_refused(text, "clock");
	}
	/* Infinities and NaN are refused for every kind of field. */
	tu_refused(SYS "sys:device{ rate = 1/0 }\n",
		"field 'rate' = inf: expected a finite number");
	tu_refused(SYS "sys:device{ rate = 0/0 }\n", "field 'rate'");
	tu_refused(SYS "local m = sys:memory{ size = '64MiB' }\n"
		"sys:vm{ memory = m, fault_cycles = 1/0 }\n",
		"field 'fault_cycles' = inf");
	/* A swap device's timing is its disk's: the old formula's fields
	 * are refused with what to write instead. */
	tu_refused(SYS "local m = sys:memory{ size = '64MiB' }\n"
		"sys:vm{ memory = m, swap = { latency = '50us' } }\n",
		"expected swap = { blkdev = system:blkdev{...}");
	/* Time after a long wait is still positive in Lua. */
	{
		struct dmasim_run *run = accepted(
			SYS "sys:spawn(function() sys:wait(2^62) end)\n"
			"sys:run()\ndmasim.report('t', sys:now())\n");

		assert_int_equal(tu_int(run, "t"), (int64_t)1 << 62);
		dmasim_run_free(run);
	}
}

/* 3: running until a time already past. */
static void run_until_past(void **state)
{
	(void)state;
	tu_refused(SYS "sys:spawn(function() sys:wait(1000) end)\nsys:run()\n"
		"sys:run(10)\n", "run until 10 ps: expected a time no earlier "
		"than now (1000 ps)");
}

/* 6: load() and require take text chunks only. */
static void text_chunks_only(void **state)
{
	char path[64], text[512];
	FILE *f;

	(void)state;
	tu_refused("local f = string.dump(function() return 1 end)\n"
		"assert(load(f))\n", "attempt to load a binary chunk");
	tu_refused("local f = string.dump(function() return 1 end)\n"
		"assert(load(f, 'x', 'b'))\n",
		"load(): mode b: only text chunks are loaded");
	/* A mutated binary chunk once crashed the host. */
	tu_refused("local f = string.dump(function(a) return a + 1 end)\n"
		"f = f:sub(1, 20) .. string.rep('\\255', 40) .. f:sub(61)\n"
		"assert(load(f))\n", "binary chunk");
	dmasim_run_free(accepted("assert(load('return 1 + 1')() == 2)\n"
				 "assert(load('return 3', 'c', 't')() == 3)\n"));
	/* A module file holding a binary chunk is refused too. */
	snprintf(path, sizeof(path), "/tmp/hardenbin%d.lua", (int)getpid());
	f = fopen(path, "wb");
	assert_non_null(f);
	fputs("\x1bLua\x54\x00garbage", f);
	fclose(f);
	snprintf(text, sizeof(text), "require 'hardenbin%d'\n",
		 (int)getpid());
	tu_refused(text, "attempt to load a binary chunk");
	unlink(path);
}

/* 7: a process closing its own system. */
static void gc_from_own_process(void **state)
{
	(void)state;
	tu_refused(SYS "sys:spawn(function() getmetatable(sys).__gc(sys) "
		"sys:wait(10) end)\nsys:run()\n",
		"system 'system': cannot be closed while it runs");
	/* Closed outside a run: later calls are errors, not crashes. */
	tu_refused(SYS "getmetatable(sys).__gc(sys)\nsys:run()\n",
		"system is closed");
}

#define DEV SYS "local m = sys:memory{ base = 0, size = '64MiB' }\n" \
	"local cpu = sys:cpu{}\n" \
	"local dev = sys:dma_device{ cpu = cpu, pool_base = 0, " \
	"pool_size = '1MiB' }\n"

/* 8: absurd sizes and addresses given to the mapping API. */
static void mapping_sizes(void **state)
{
	struct dmasim_run *run;

	(void)state;
	tu_refused(DEV "sys:spawn(function() dev:map_single(4096, -1, "
		"'to_device') end)\nsys:run()\n",
		"map_single: buffer [0x1000, +18446744073709551615): expected "
		"a length from 1 to 2^62 bytes that ends below 2^64");
	tu_refused(DEV "sys:spawn(function() dev:map_single(-4096, 8192, "
		"'to_device') end)\nsys:run()\n",
		"map_single: buffer [0xfffffffffffff000, +8192)");
	tu_refused(DEV "sys:spawn(function() dev:map_single(4096, 0, "
		"'to_device') end)\nsys:run()\n", "map_single: buffer");
	tu_refused(DEV "sys:spawn(function() dev:alloc_coherent(-1) end)\n"
		"sys:run()\n", "alloc_coherent: size [0, "
		"+18446744073709551615)");
	tu_refused(DEV "sys:spawn(function() dev:map_sg({ { 1.5, 64 } }, "
		"'to_device') end)\nsys:run()\n",
		"entry 1: expected {addr, len}: whole numbers, len >= 1");
	tu_refused(DEV "sys:spawn(function() dev:map_sg({ { 0, 64 }, "
		"{ 4096, -5 } }, 'to_device') end)\nsys:run()\n",
		"entry 2: expected {addr, len}");
	/* A pool at address 0: its first allocation is address 0, not
	 * "none". */
	run = accepted(DEV "sys:spawn(function()\n"
		       "  local a, da = dev:alloc_coherent(4096)\n"
		       "  local b, db = dev:alloc_coherent(4096)\n"
		       "  local c, dc = dev:alloc_coherent(2 << 20)\n"
		       "  dmasim.report('a', a) dmasim.report('da', da)\n"
		       "  dmasim.report('b', b)\n"
		       "  dmasim.report('c_none', c == nil and dc == nil)\n"
		       "end)\nsys:run()\n");
	assert_int_equal(tu_int(run, "a"), 0);
	assert_int_equal(tu_int(run, "da"), 0);
	assert_int_equal(tu_int(run, "b"), 4096);
	assert_string_equal(tu_str(run, "c_none"), "true");
	dmasim_run_free(run);
}

/* 9: NaN and infinite results and claims reach the JSON; a name reported
 * twice is an error. */
static void json_keeps_everything(void **state)
{
	struct dmasim_run *run;
	char path[] = "/tmp/dmasim-harden-XXXXXX";
	char buf[4096];
	size_t n;
	FILE *f;
	int fd;

	(void)state;
	run = accepted("dmasim.report('a', 0/0)\n"
		       "dmasim.report('b', 1/0)\n"
		       "dmasim.report('c', -1/0, 'ps')\n"
		       "dmasim.claim{ id = 'x', claim = 'c', model = 1, "
		       "simulated = math.huge, tolerance = 0.1 }\n");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(dmasim_run_write_json(run, path), 0);
	f = fopen(path, "r");
	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	unlink(path);
	if (!strstr(buf, "\"a\": \"nan\"") || !strstr(buf, "\"b\": \"inf\"") ||
	    !strstr(buf, "\"value\": \"-inf\"") ||
	    !strstr(buf, "\"simulated\": \"inf\""))
		fail_msg("JSON lacks a value:\n%s", buf);
	dmasim_run_free(run);

	tu_refused("dmasim.report('a', 1)\ndmasim.report('a', 2)\n",
		"dmasim.report('a', ...): 'a' is already reported: expected "
		"each name once");
	tu_refused("dmasim.report('a', 1)\nreturn { a = 2 }\n",
		"already reported");
}

/* 10: a handle of one system given to another. */
static void foreign_handles(void **state)
{
	(void)state;
	tu_refused("local a = dmasim.system{ name = 'a' }\n"
		"local b = dmasim.system{ name = 'b' }\n"
		"local cpu = a:cpu{}\nb:dma_device{ cpu = cpu }\n",
		"belongs to system 'a'");
	tu_refused("local a = dmasim.system{ name = 'a' }\n"
		"local b = dmasim.system{ name = 'b' }\n"
		"local m = a:memory{ size = '1MiB' }\nb:vm{ memory = m }\n",
		"belongs to system 'a'");
	tu_refused("local a = dmasim.system{ name = 'a' }\n"
		"local b = dmasim.system{ name = 'b' }\n"
		"local cpu = a:cpu{}\n"
		"b:spawn(function() cpu:busy(10) end)\nb:run()\n",
		"must be called from a process");
}

/* 11: fields truncated to 32 bits, signed overflow in range checks. */
static void truncation_and_overflow(void **state)
{
	(void)state;
	/* burst = 2^32 was cut to 0 and reported as "registers overlap". */
	tu_refused(SYS "sys:dma{ burst = 2^32 }\n",
		"field 'burst' = 4294967296.0: expected a whole number from 1 "
		"to 4294967295");
	tu_refused(SYS "sys:cache{ ways = 1 << 40 }\n", "field 'ways'");
	tu_refused(SYS "sys:bus{ width = 2^33 }\n", "field 'width'");
	tu_refused(SYS "local d = sys:device{ size = 4096 }\n"
		"d:expected(1, math.maxinteger)\n",
		"device:expected: [1, +9223372036854775807) is outside the "
		"device's 4096 bytes");
	tu_refused(SYS "local d = sys:device{ size = 4096, output = true }\n"
		"d:received(math.maxinteger, 2)\n",
		"device:received: [9223372036854775807, +2) is outside");
	tu_refused(SYS "local m = sys:memory{ size = '64MiB' }\n"
		"local a = sys:vm{ memory = m }:aspace{ size = 8192 }\n"
		"a:write(math.maxinteger, 'xy')\n", "is outside the address "
		"space (8192 bytes)");
	tu_refused(SYS "local m = sys:memory{ size = '64MiB' }\n"
		"local a = sys:vm{ memory = m }:aspace{ size = 8192 }\n"
		"a:read(4096, math.maxinteger)\n", "is outside the address "
		"space");
}

/* Run text under limits; it must stop with DMASIM_ELIMIT and needle, the
 * results so far kept and the run marked partial. */
static void limited(const char *text, uint64_t events, double wall,
		    uint64_t instr, const char *needle)
{
	struct dmasim_run *run;
	char path[64];
	int code;

	assert_int_equal(dmasim_run_new(&run), 0);
	dmasim_run_set_limits(run, events, wall, instr);
	snprintf(path, sizeof(path), "/tmp/dmasim-limit-%d.lua", (int)getpid());
	{
		FILE *f = fopen(path, "w");

		assert_non_null(f);
		fputs(text, f);
		fclose(f);
	}
	code = dmasim_run_file(run, path);
	unlink(path);
	if (code != DMASIM_ELIMIT)
		fail_msg("code %d, error '%s'", code, dmasim_run_error(run));
	if (!strstr(dmasim_run_error(run), needle))
		fail_msg("error '%s' lacks '%s'", dmasim_run_error(run),
			 needle);
	assert_non_null(dmasim_run_partial(run));
	assert_int_equal(tu_int(run, "before"), 1);
	dmasim_run_free(run);
}

/* 5: bounded runs: scenario code looping without yielding, even under
 * pcall, a simulation that never ends, and the wall clock. */
static void run_limits(void **state)
{
	(void)state;
	limited("dmasim.report('before', 1)\nwhile true do end\n", 0, 0,
		1000000, "run limit reached: 1000000 Lua instructions");
	limited("dmasim.report('before', 1)\n"
		"while true do pcall(function() while true do end end) end\n",
		0, 0, 100000, "Lua instructions");
	limited(SYS "sys:spawn(function() while true do sys:wait(1) end "
		"end)\ndmasim.report('before', 1)\nsys:run()\n", 100000, 0, 0,
		"run limit reached: 131072 events (--max-events 100000)");
	limited(SYS "sys:spawn(function() while true do sys:wait(1) end "
		"end)\ndmasim.report('before', 1)\nsys:run()\n", 0, 0.2, 0,
		"s of wall time");
	limited(SYS "sys:spawn(function() while true do end end)\n"
		"dmasim.report('before', 1)\nsys:run()\n", 0, 0.2, 0,
		"s of wall time");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(vm_window_wraps),
		cmocka_unit_test(time_and_floats),
		cmocka_unit_test(run_until_past),
		cmocka_unit_test(text_chunks_only),
		cmocka_unit_test(gc_from_own_process),
		cmocka_unit_test(mapping_sizes),
		cmocka_unit_test(json_keeps_everything),
		cmocka_unit_test(foreign_handles),
		cmocka_unit_test(truncation_and_overflow),
		cmocka_unit_test(run_limits),
	};

	return cmocka_run_group_tests_name("/harden", tests, NULL, NULL);
}
