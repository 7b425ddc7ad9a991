/*
 * /lua/scenario: the scenario language and the run API: parameters and
 * their overrides, errors that name what was wrong, Lua processes in
 * simulated time, results, and byte-identical JSON for the same seed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

static void expect_error(int code, int want, const struct dmasim_run *run,
			 const char *needle)
{
	if (code != want)
		fail_msg("code %d (%s), want %d; error: %s", code,
			 dmasim_strerror(code), want, dmasim_run_error(run));
	if (!strstr(dmasim_run_error(run), needle))
		fail_msg("error '%s' lacks '%s'", dmasim_run_error(run),
			 needle);
}

static void params_and_overrides(void **state)
{
	static const char *text =
		"local p = dmasim.params{ n = 3, size = '4KiB', f = 0.5, "
		"  on = false }\n"
		"dmasim.report('n', p.n)\n"
		"dmasim.report('size', dmasim.size(p.size), 'bytes')\n"
		"dmasim.report('f', p.f)\n"
		"dmasim.report('on', p.on)\n";
	struct dmasim_run *run;
	int code;

	(void)state;
	run = tu_run_text(text, &code, NULL);
	assert_int_equal(code, 0);
	assert_int_equal(tu_int(run, "n"), 3);
	assert_int_equal(tu_int(run, "size"), 4096);
	dmasim_run_free(run);

	run = tu_run_text(text, &code, "n=7", "size=1MiB", "f=2.5", "on=yes",
			  NULL);
	assert_int_equal(code, 0);
	assert_int_equal(tu_int(run, "n"), 7);
	assert_int_equal(tu_int(run, "size"), 1048576);
	assert_float_equal(tu_num(run, "f"), 2.5, 0);
	assert_string_equal(tu_str(run, "on"), "true");
	{
		struct dmasim_value v;

		assert_int_equal(dmasim_run_result(run, 3, &v), 0);
		assert_false(v.is_number);
		/* Parameters are listed sorted by name. */
		assert_int_equal(dmasim_run_param(run, 0, &v), 0);
		assert_string_equal(v.name, "f");
		assert_int_equal(dmasim_run_param(run, 3, &v), 0);
		assert_string_equal(v.name, "size");
	}
	dmasim_run_free(run);

	/* A numeric parameter takes units: 2KiB = 2048. */
	run = tu_run_text(text, &code, "n=2KiB", NULL);
	assert_int_equal(code, 0);
	assert_int_equal(tu_int(run, "n"), 2048);
	dmasim_run_free(run);
}

static void bad_input(void **state)
{
	struct dmasim_run *run;
	int code;

	(void)state;
	/* Unknown -D name: the error lists the known ones. */
	run = tu_run_text("dmasim.params{ alpha = 1, beta = 2 }", &code,
			  "gamma=3", NULL);
	expect_error(code, DMASIM_EPARAM, run,
		     "unknown parameter 'gamma' (-D gamma=3): this scenario "
		     "declares alpha, beta");
	dmasim_run_free(run);

	run = tu_run_text("local x = 1", &code, "gamma=3", NULL);
	expect_error(code, DMASIM_EPARAM, run, "declares no parameters");
	dmasim_run_free(run);

	/* A malformed scenario: syntax error with file:line. */
	run = tu_run_text("local x = = 2\n", &code, NULL);
	expect_error(code, DMASIM_ESCENARIO, run, ".lua:1:");
	dmasim_run_free(run);

	/* A runtime error with file:line. */
	run = tu_run_text("\n\nerror('boom')\n", &code, NULL);
	expect_error(code, DMASIM_ESCENARIO, run, ".lua:3: boom");
	dmasim_run_free(run);

	/* A bad unit string names the field and the expected form. */
	run = tu_run_text("dmasim.system{ bus = { clock = '2GBz' } }", &code,
			  NULL);
	expect_error(code, DMASIM_ESCENARIO, run,
		     "bus{}: field 'clock' = 2GBz: expected a frequency");
	dmasim_run_free(run);

	/* An unknown field lists the known ones. */
	run = tu_run_text("dmasim.system{ bus = { arbitraton = 'x' } }", &code,
			  NULL);
	expect_error(code, DMASIM_ESCENARIO, run,
		     "bus{}: unknown field 'arbitraton': expected one of clock, "
		     "arbitration, latency, width");
	dmasim_run_free(run);

	run = tu_run_text("dmasim.system{ bus = { arbitration = 'fifo' } }",
			  &code, NULL);
	expect_error(code, DMASIM_ESCENARIO, run,
		     "expected \"round_robin\" or \"priority\"");
	dmasim_run_free(run);

	/* Messages with numbers, addresses and fractions (printf-style, which
	 * Lua's own formatter would refuse). */
	run = tu_run_text("local s = dmasim.system{}\ns:cpu{ mem_frac = 2.5 }",
			  &code, NULL);
	expect_error(code, DMASIM_ESCENARIO, run,
		     ".lua:2: system:cpu{}: field 'mem_frac' = 2.5: expected a "
		     "fraction from 0 to 1");
	dmasim_run_free(run);
	run = tu_run_text("local s = dmasim.system{}\n"
			  "s:memory{ size = '1MiB' }\n"
			  "s:memory{ base = '512KiB', size = '1MiB' }", &code,
			  NULL);
	expect_error(code, DMASIM_ESCENARIO, run,
		     ".lua:3: system:memory{}: memory 'mem1': [0x80000, "
		     "+1048576) overlaps "
		     "another target on the bus");
	dmasim_run_free(run);
	run = tu_run_text("local s = dmasim.system{}\n"
			  "local m = s:memory{}\nm:read(0, 1 << 40)", &code,
			  NULL);
	expect_error(code, DMASIM_ESCENARIO, run,
		     "memory:read: length 1099511627776: expected 0 to 1GiB");
	dmasim_run_free(run);
	run = tu_run_text("dmasim.system{ bus = { width = 0 } }", &code, NULL);
	expect_error(code, DMASIM_ESCENARIO, run,
		     "bus{}: field 'width' = 0: expected a value >= 1");
	dmasim_run_free(run);

	/* A missing file is a file error. */
	run = tu_run("does/not/exist.lua", &code, NULL);
	expect_error(code, DMASIM_EIO, run, "cannot open");
	dmasim_run_free(run);

	/* The sandbox: no io, no os. */
	run = tu_run_text("io.open('/etc/passwd')", &code, NULL);
	expect_error(code, DMASIM_ESCENARIO, run, "io");
	dmasim_run_free(run);

	/* wait() outside a process. */
	run = tu_run_text("local s = dmasim.system{}; s:wait('1ns')", &code,
			  NULL);
	expect_error(code, DMASIM_ESCENARIO, run,
		     "must be called from a process started with "
		     "system:spawn()");
	dmasim_run_free(run);

	/* An error inside a process reaches the run with its line. */
	run = tu_run_text("local s = dmasim.system{}\n"
			  "s:spawn(function() s:wait('5ns')\n"
			  "  error('in process') end)\n"
			  "s:run()\n", &code, NULL);
	expect_error(code, DMASIM_ESCENARIO, run, ".lua:3: in process");
	dmasim_run_free(run);
}

/* Lua processes wait in simulated time and on a master's completion. */
static void processes(void **state)
{
	static const char *text =
		"local s = dmasim.system{ bus = { clock = '1GHz' } }\n"
		"local ch = s:traffic{ mode = 'burst', access = 4, count = 5 }\n"
		"local log = {}\n"
		"s:spawn(function(tag)\n"
		"  s:wait('10ns'); log[#log+1] = tag .. '@' .. s:cycles()\n"
		"  ch:start()\n"
		"  ch:wait(); log[#log+1] = 'done@' .. s:cycles()\n"
		"end, 'a')\n"
		"s:spawn(function() s:wait(15000); log[#log+1] = 'b@' .. "
		"  s:cycles() end)\n"
		"local t = s:run()\n"
		"dmasim.report('log', table.concat(log, ' '))\n"
		"dmasim.report('end', t)\n";
	struct dmasim_run *run;
	int code;

	(void)state;
	run = tu_run_text(text, &code, NULL);
	assert_int_equal(code, 0);
	/* a wakes at 10, starts 20 cycles of burst: done at 30 */
	{
		struct dmasim_value v;

		assert_int_equal(dmasim_run_result(run, 0, &v), 0);
		assert_string_equal(v.text, "a@10 b@15 done@30");
	}
	assert_int_equal(tu_int(run, "end"), 30000);
	dmasim_run_free(run);
}

/*
 * sys:traffic{}: BUSBENCH-1 with K=1 N=3 written by hand (see its worked
 * timeline): the DMA-like master completes at 32, the CPU-like one, stopped
 * then while it waits (since 27), still gets 32-36 and stops at 36.
 */
static void traffic(void **state)
{
	static const char *text =
		"local s = dmasim.system{ bus = { clock = '1GHz' } }\n"
		"local cpu = s:traffic{ name = 'cpu', compute = 3, access = 4 }\n"
		"local dma = s:traffic{ name = 'dma', access = 8, count = 3 }\n"
		"cpu:start(); dma:start()\n"
		"s:spawn(function()\n"
		"  dma:wait(); dmasim.report('dma_wake', s:cycles())\n"
		"  cpu:stop(); cpu:wait()\n"
		"  dmasim.report('cpu_wake', s:cycles())\n"
		"  dma:wait()\n"
		"end)\n"
		"s:run()\n"
		"for _, k in ipairs{ 'id', 'accesses', 'grants', 'wait_cycles',\n"
		"    'bus_cycles', 'busy_cycles', 'gap_cycles', 'started_at',\n"
		"    'done_at', 'stopped_at', 'period' } do\n"
		"  dmasim.report('cpu_' .. k, cpu[k])\n"
		"  dmasim.report('dma_' .. k, dma[k])\n"
		"end\n"
		"dmasim.report('names', cpu.name .. ',' .. dma.name)\n"
		"dmasim.report('cpu_done', cpu.done)\n"
		"dmasim.report('cpu_stopped', cpu.stopped)\n"
		"dmasim.report('cpu_running', cpu.running)\n"
		"dmasim.report('dma_done', dma.done)\n";
	struct dmasim_run *run;
	int code;

	(void)state;
	run = tu_run_text(text, &code, NULL);
	assert_int_equal(code, 0);
	assert_int_equal(tu_int(run, "dma_wake"), 32);
	assert_int_equal(tu_int(run, "cpu_wake"), 36);
	assert_int_equal(tu_int(run, "cpu_id"), 0);
	assert_int_equal(tu_int(run, "dma_id"), 1);
	assert_int_equal(tu_int(run, "cpu_accesses"), 3);
	assert_int_equal(tu_int(run, "dma_accesses"), 3);
	assert_int_equal(tu_int(run, "cpu_grants"), 3);
	assert_int_equal(tu_int(run, "dma_grants"), 3);
	/* the CPU waits 3-8, 15-20, 27-32; the DMA 8-12, 20-24 */
	assert_int_equal(tu_int(run, "cpu_wait_cycles"), 15);
	assert_int_equal(tu_int(run, "dma_wait_cycles"), 8);
	assert_int_equal(tu_int(run, "cpu_bus_cycles"), 12);
	assert_int_equal(tu_int(run, "cpu_busy_cycles"), 12);
	assert_int_equal(tu_int(run, "dma_busy_cycles"), 24);
	assert_int_equal(tu_int(run, "cpu_gap_cycles"), 9);
	assert_int_equal(tu_int(run, "dma_gap_cycles"), 0);
	assert_int_equal(tu_int(run, "cpu_started_at"), 0);
	assert_int_equal(tu_int(run, "dma_done_at"), 32000);
	assert_int_equal(tu_int(run, "cpu_done_at"), 0);
	assert_int_equal(tu_int(run, "cpu_stopped_at"), 36000);
	assert_int_equal(tu_int(run, "dma_stopped_at"), 0);
	assert_int_equal(tu_int(run, "cpu_period"), 1000);
	assert_string_equal(tu_str(run, "names"), "cpu,dma");
	assert_string_equal(tu_str(run, "cpu_done"), "false");
	assert_string_equal(tu_str(run, "cpu_stopped"), "true");
	assert_string_equal(tu_str(run, "cpu_running"), "false");
	assert_string_equal(tu_str(run, "dma_done"), "true");
	dmasim_run_free(run);
}

/* sys:traffic{} and its methods name what was wrong and what is
 * expected. */
static void traffic_errors(void **state)
{
	static const char *const bad[][2] = {
		{ "s:traffic{ access = 0 }",
		  ":2: system:traffic{}: field 'access' = 0: expected a value "
		  ">= 1" },
		{ "s:traffic{ bursts = 3 }",
		  "system:traffic{}: unknown field 'bursts': expected one of "
		  "name, bus, clock, compute, access, count, mode, priority" },
		{ "s:traffic{ compute = -1 }",
		  "field 'compute' = -1: expected a value >= 0" },
		{ "s:traffic{ access = 4, count = 1 << 62 }",
		  "system:traffic{}: traffic 'traffic0': count "
		  "4611686018427387904 with access 4: expected count * access "
		  "below 2^64 bus cycles" },
		{ "s:traffic{ mode = 'dma' }",
		  "field 'mode' = dma: expected \"burst\", \"cycle_stealing\" "
		  "or \"transparent\"" },
		{ "s:traffic{ clock = '1Gz' }",
		  "field 'clock' = 1Gz: expected a frequency" },
		{ "local t = s:traffic{}\nt:start(); t:start()",
		  ":3: traffic:start(): traffic 'traffic0' is already running: "
		  "expected it idle, done or stopped" },
		{ "local t = s:traffic{ name = 'bg' }\n"
		  "s:spawn(function() t:wait() end)\ns:run()",
		  "traffic:wait(): wait for traffic 'bg': it was never "
		  "started" },
		{ "local t = s:traffic{}\nt:wait()",
		  "traffic:wait() must be called from a process started with "
		  "system:spawn()" },
		{ "local t = s:traffic{}\nlocal x = t.bursts",
		  "traffic has no field 'bursts'" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char text[512];
		struct dmasim_run *run;
		int code;

		snprintf(text, sizeof(text),
			 "local s = dmasim.system{}\n%s\n", bad[i][0]);
		run = tu_run_text(text, &code, NULL);
		expect_error(code, DMASIM_ESCENARIO, run, bad[i][1]);
		dmasim_run_free(run);
	}
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = 0;
	fclose(f);
	return buf;
}

static void determinism(void **state)
{
	const char *out[2] = { "/tmp/dmasim-det-a.json",
			       "/tmp/dmasim-det-b.json" };
	char *json[2];

	(void)state;
	for (int i = 0; i < 2; i++) {
		struct dmasim_run *run;
		int code;

		run = tu_run("bench/busbench.lua", &code, "N=2000", NULL);
		assert_int_equal(code, 0);
		assert_int_equal(dmasim_run_write_json(run, out[i]), 0);
		dmasim_run_free(run);
		json[i] = slurp(out[i]);
		remove(out[i]);
	}
	assert_string_equal(json[0], json[1]);
	/* The JSON carries parameters, results and statistics. */
	assert_non_null(strstr(json[0], "\"N\": 2000"));
	assert_non_null(strstr(json[0], "\"end_time\": 71996"));
	assert_non_null(strstr(json[0], "\"bus.busy_cycles\": 72000"));
	free(json[0]);
	free(json[1]);
}

static void claims(void **state)
{
	struct dmasim_run *run;
	struct dmasim_claim c;
	int code;

	(void)state;
	run = tu_run_text(
		"dmasim.claim{ id = 'a', claim = 'close', model = 100, "
		"  simulated = 104, tolerance = 0.05 }\n"
		"dmasim.claim{ id = 'b', claim = 'far', model = 100, "
		"  simulated = 106, tolerance = 0.05, unit = 'ns' }\n",
		&code, NULL);
	assert_int_equal(code, 0);
	assert_int_equal(dmasim_run_claim_count(run), 2);
	assert_int_equal(dmasim_run_claim(run, 0, &c), 0);
	assert_true(c.agree);
	assert_int_equal(dmasim_run_claim(run, 1, &c), 0);
	assert_false(c.agree);
	assert_string_equal(c.unit, "ns");
	assert_int_equal(dmasim_run_claim(run, 2, &c), DMASIM_EINVAL);
	dmasim_run_free(run);
}

/* Checks, data that arrived wrong and published figures. */
static void claim_kinds(void **state)
{
	struct dmasim_run *run;
	struct dmasim_claim c;
	int code;

	(void)state;
	run = tu_run_text(
		"dmasim.claim{ id = 'c1', claim = 'yes', kind = 'check', "
		"  model = true, simulated = true }\n"
		"dmasim.claim{ id = 'c2', claim = 'no', kind = 'check', "
		"  model = false, simulated = true }\n"
		"dmasim.claim{ id = 'd', claim = 'numbers right, data wrong', "
		"  model = 100, simulated = 100, tolerance = 0.05, "
		"  intact = false }\n"
		"dmasim.claim{ id = 'p1', claim = 'about', model = 1.6, "
		"  simulated = 1.59, tolerance = 0.02, published = 1.58 }\n"
		"dmasim.claim{ id = 'p2', claim = 'over, missed', model = 9, "
		"  simulated = 9, tolerance = 0.01, published = 10, "
		"  published_is = 'over' }\n"
		"dmasim.claim{ id = 'p3', claim = 'about, missed', model = 2, "
		"  simulated = 2, tolerance = 0.02, published = 1.58 }\n",
		&code, NULL);
	assert_int_equal(code, 0);
	assert_int_equal(dmasim_run_claim_count(run), 6);
	dmasim_run_claim(run, 0, &c);
	assert_true(c.check && c.agree);
	assert_int_equal(c.published_cmp, DMASIM_PUB_NONE);
	dmasim_run_claim(run, 1, &c);
	assert_true(c.check);
	assert_false(c.agree);
	dmasim_run_claim(run, 2, &c);
	assert_false(c.check);
	assert_true(c.data_wrong);
	assert_false(c.agree);
	dmasim_run_claim(run, 3, &c);
	assert_true(c.agree);
	assert_int_equal(c.published_cmp, DMASIM_PUB_ABOUT);
	assert_true(c.reproduced);
	dmasim_run_claim(run, 4, &c);
	assert_true(c.agree);
	assert_int_equal(c.published_cmp, DMASIM_PUB_OVER);
	assert_false(c.reproduced);
	dmasim_run_claim(run, 5, &c);
	assert_true(c.agree);
	assert_false(c.reproduced);
	dmasim_run_free(run);

	/* Bad fields name themselves. */
	static const char *const bad[][2] = {
		{ "dmasim.claim{ id = 'x', claim = 'x', kind = 'check', "
		  "model = 2, simulated = 1 }", "field 'model' of a check" },
		{ "dmasim.claim{ id = 'x', claim = 'x', kind = 'maybe', "
		  "model = 1, simulated = 1 }", "kind" },
		{ "dmasim.claim{ id = 'x', claim = 'x', model = 1, "
		  "simulated = 1, tolerance = 0, intact = 1 }",
		  "field 'intact' must be a boolean" },
		{ "dmasim.claim{ id = 'x', claim = 'x', model = 1, "
		  "simulated = 1, tolerance = 0, published_is = 'over' }",
		  "needs 'published'" },
		{ "dmasim.claim{ id = 'x', claim = 'x', model = 1, "
		  "simulated = 1, tolerance = 0, published = 1, "
		  "published_is = 'near' }", "published_is" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		tu_refused(bad[i][0], bad[i][1]);
}

/* dmasim.sorted: numbers (numerically) before strings (bytewise). */
static void sorted(void **state)
{
	struct dmasim_run *run;
	int code;

	(void)state;
	run = tu_run_text(
		"local t = { b = 'M', [3] = 'D', ['\\xff'] = 'N', [''] = 'G',\n"
		"  [-math.huge] = 'A', ab = 'L', ['10'] = 'H', [1.5] = 'C',\n"
		"  B = 'I', [10] = 'E', ['a\\0b'] = 'K', [-2] = 'B', a = 'J',\n"
		"  [math.huge] = 'F' }\n"
		"local s, ty = '', ''\n"
		"for k, v in dmasim.sorted(t) do\n"
		"  s = s .. v; ty = ty .. type(k):sub(1, 1)\n"
		"end\n"
		"dmasim.report('order', s)\n"
		"dmasim.report('types', ty)\n"
		/* 200 keys put in out of order come out in order */
		"local u, n, ok = {}, 0, true\n"
		"for i = 0, 199 do u[string.format('%03d', (i * 7) % 200)] = i end\n"
		"for k in dmasim.sorted(u) do\n"
		"  ok = ok and k == string.format('%03d', n); n = n + 1\n"
		"end\n"
		"dmasim.report('many', ok and n or -1)\n"
		/* a key set to nil meanwhile is skipped; an empty table is
		 * nothing */
		"local w, seen = { x = 1, y = 2, z = 3 }, ''\n"
		"for k in dmasim.sorted(w) do seen = seen .. k; w.y = nil end\n"
		"for k in dmasim.sorted({}) do seen = seen .. '!' end\n"
		"dmasim.report('deleted', seen)\n",
		&code, NULL);
	assert_int_equal(code, 0);
	assert_string_equal(tu_str(run, "order"), "ABCDEFGHIJKLMN");
	assert_string_equal(tu_str(run, "types"), "nnnnnnssssssss");
	assert_int_equal(tu_int(run, "many"), 200);
	assert_string_equal(tu_str(run, "deleted"), "xz");
	dmasim_run_free(run);

	run = tu_run_text("for k in dmasim.sorted({ [true] = 1 }) do end",
			  &code, NULL);
	expect_error(code, DMASIM_ESCENARIO, run,
		     ":1: dmasim.sorted: a key of type boolean: expected only "
		     "number and string keys");
	dmasim_run_free(run);
	run = tu_run_text("dmasim.sorted('t')", &code, NULL);
	expect_error(code, DMASIM_ESCENARIO, run, "table expected");
	dmasim_run_free(run);
}

/* Two buses and a bridge in the scenario language: a DMA engine on the
 * I/O bus copies DRAM to DRAM across the bridge (a read and a write each
 * crossing), the CPU on the memory bus reads a register on the I/O bus;
 * the bridge's counters and the bytes agree; bad bridges are refused. */
static void buses_and_bridges(void **state)
{
	static const char *text =
		"local sys = dmasim.system{ bus = { clock = '1GHz' } }\n"
		"local io = sys:bus{ name = 'io', clock = '250MHz', width = 4 }\n"
		"local mem = sys:memory{ size = '16MiB', latency = '20ns' }\n"
		"local cpu = sys:cpu{}\n"
		"local dma = sys:dma{ bus = io, burst = 128 }\n"
		"sys:bridge{ a = sys.system_bus, b = io, latency = '10ns',\n"
		"  a_to_b = { { 0x40000000, '1MiB' } },\n"
		"  b_to_a = { { base = 0, size = '16MiB' } } }\n"
		"mem:fill(0x1000, 1000, 5)\n"
		"local R = dmasim.dma_regs\n"
		"local st\n"
		"sys:spawn(function()\n"
		"  cpu:write64(dma.base + R.SRC_LO, 0x1000)\n"
		"  cpu:write64(dma.base + R.DST_LO, 0x9000)\n"
		"  cpu:write32(dma.base + R.LEN, 1000)\n"
		"  cpu:write32(dma.base + R.CTRL, R.CTRL_START)\n"
		"  cpu:read32(dma.base + R.STATUS)\n"
		"  dma:channel(0):wait()\n"
		"  st = cpu:read32(dma.base + R.STATUS)\n"
		"end)\n"
		"sys:run()\n"
		"dmasim.report('same', mem:hash(0x9000, 1000) == "
		"mem:hash(0x1000, 1000) and 1 or 0)\n"
		"dmasim.report('status', st)\n"
		"dmasim.report('b2a', sys:stat('bridge0.b2a.forwarded'))\n"
		"dmasim.report('a2b', sys:stat('bridge0.a2b.forwarded'))\n"
		"dmasim.report('io_busy', io.busy_cycles)\n";
	struct dmasim_run *run;
	int code;

	(void)state;
	run = tu_run_text(text, &code, NULL);
	if (code)
		fail_msg("%s", dmasim_run_error(run));
	assert_int_equal(tu_int(run, "same"), 1);
	assert_int_equal(tu_int(run, "status"), 2);	/* DONE */
	/* 8 bursts of 128 bytes: a read and a write each cross */
	assert_int_equal(tu_int(run, "b2a"), 16);
	/* the CPU's 4 writes and 2 reads of the registers */
	assert_int_equal(tu_int(run, "a2b"), 6);
	assert_true(tu_int(run, "io_busy") > 0);
	dmasim_run_free(run);

	run = tu_run_text("local s = dmasim.system{}\n"
			  "s:bridge{ a = s.system_bus, b = s.system_bus }\n",
			  &code, NULL);
	expect_error(code, DMASIM_ESCENARIO, run, "different buses");
	dmasim_run_free(run);
	run = tu_run_text("local s = dmasim.system{}\n"
			  "local b = s:bus{ name = 'x' }\n"
			  "s:memory{}\n"
			  "s:bridge{ a = s.system_bus, b = b,\n"
			  "  a_to_b = { { 0, 4096 } } }\n", &code, NULL);
	expect_error(code, DMASIM_ESCENARIO, run, "window [0, +4096)");
	dmasim_run_free(run);
	run = tu_run_text("local s = dmasim.system{}\n"
			  "s:bridge{ a = s.system_bus, b = 3 }\n", &code,
			  NULL);
	expect_error(code, DMASIM_ESCENARIO, run, "field 'b': expected a bus");
	dmasim_run_free(run);
}

/* Across a bridge (tests/lua/across_bridge.lua): a descriptor chain in
 * DRAM walked by a DMA engine on the I/O bus, PIO from a device there, a
 * coherent cache snooping the DMA's accesses that arrive through the
 * bridge, and PCI ordering: a register read after the DMA sees its posted
 * writes done (without it, the last descriptor's DONE flag and the DMA's
 * last write are not there yet when the CPU looks). */
static void across_bridge(void **state)
{
	struct dmasim_run *run;
	int code;

	(void)state;
	run = tu_run("tests/lua/across_bridge.lua", &code, NULL);
	if (code)
		fail_msg("%s", dmasim_run_error(run));
	assert_string_equal(tu_str(run, "chain_intact"), "true");
	assert_int_equal(tu_int(run, "descriptors_done"), 3);
	assert_int_equal(tu_int(run, "desc_fetches"), 3);
	assert_string_equal(tu_str(run, "pio_intact"), "true");
	assert_string_equal(tu_str(run, "dma_read_cache_data"), "true");
	assert_string_equal(tu_str(run, "cpu_sees_dma_write"), "true");
	assert_true(tu_int(run, "snoops") > 0);
	dmasim_run_free(run);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(params_and_overrides),
		cmocka_unit_test(bad_input),
		cmocka_unit_test(processes),
		cmocka_unit_test(traffic),
		cmocka_unit_test(traffic_errors),
		cmocka_unit_test(determinism),
		cmocka_unit_test(claims),
		cmocka_unit_test(claim_kinds),
		cmocka_unit_test(sorted),
		cmocka_unit_test(buses_and_bridges),
		cmocka_unit_test(across_bridge),
	};

	return cmocka_run_group_tests_name("/lua/scenario", tests, NULL, NULL);
}
