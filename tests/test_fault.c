/*
 * test_fault: faults injected into the simulated machine, and what the
 * software sees of them.  A memory refuses chosen bus transactions with a
 * bus error (memory:inject): a DMA channel stops at the refused burst
 * with its error status and the failing address, everything before it
 * delivered and nothing after; a CPU access gets "bus error".  A device
 * fails mid-transfer (fail_after): the DMA from it stops there, the
 * bytes before it intact.  (Frames corrupted on a network: test_rdma.)
 *
 * The machine is scenarios/lib/machine.lua's: a DMA engine of 256-byte
 * bursts driven through its registers by dmadrv.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "testutil.h"

#define PRELUDE                                                               \
	"local machine = require 'machine'\n"                                 \
	"local m = machine.build{}\n"                                         \
	"local R = dmasim.dma_regs\n"                                         \
	"local SRC, DST, LEN = 0x100000, 0x200000, 4096\n"                    \
	"local function copy(src, dst, len, opts)\n"                          \
	"  local st\n"                                                        \
	"  m.sys:spawn(function()\n"                                          \
	"    m.drv:copy(0, src, dst, len, opts); st = m.drv:wait(0)\n"        \
	"  end)\n"                                                            \
	"  m.sys:run()\n"                                                     \
	"  return st & R.STATUS_ERROR ~= 0, m.dma:channel(0).err_addr\n"      \
	"end\n"                                                               \
	"local function zeros(a, n)\n"                                        \
	"  return m.mem:hash(a, n) == dmasim.hash(string.rep('\\0', n))\n"    \
	"end\n"

static int setup(void **state)
{
	(void)state;
	setenv("DMASIM_PATH", tu_path("scenarios"), 1);
	return 0;
}

/* The source's 5th read refused (4 pass, count 1): 4 bursts of 256 bytes
 * land, the channel stops at SRC + 1024 with its error, nothing after.
 * The same copy again succeeds: the fault is spent.  A write fault on
 * every access to one byte of the destination (count 0: all) stops a copy
 * at the burst that touches it, each time.  A CPU read of a faulty word
 * answers "bus error".  memN.faulted counts every refusal. */
static void test_memory(void **state)
{
	struct dmasim_run *run = tu_run_ok(PRELUDE
		"m.mem:fill(SRC, LEN, 7)\n"
		"m.mem:inject{ addr = SRC, len = LEN, on = 'read', after = 4 }\n"
		"local err, at = copy(SRC, DST, LEN)\n"
		"local again = copy(SRC, DST + LEN, LEN)\n"
		"m.mem:inject{ addr = DST + 2 * LEN + 600, len = 1, on = 'write',\n"
		"              count = 0 }\n"
		"local werr, wat = copy(SRC, DST + 2 * LEN, LEN)\n"
		"local werr2 = copy(SRC, DST + 2 * LEN, LEN)\n"
		"m.mem:inject{ addr = 0x300000, len = 4 }\n"
		"local v, why\n"
		"m.sys:spawn(function() v, why = m.cpu:read32(0x300000) end)\n"
		"m.sys:run()\n"
		"return { err = tostring(err), at = at - SRC,\n"
		"  before = m.mem:hash(DST, 1024) == m.mem:hash(SRC, 1024),\n"
		"  after = zeros(DST + 1024, LEN - 1024),\n"
		"  again = tostring(again),\n"
		"  whole = m.mem:hash(DST + LEN, LEN) == m.mem:hash(SRC, LEN),\n"
		"  werr = tostring(werr and werr2), wat = wat - DST - 2 * LEN,\n"
		"  wbefore = m.mem:hash(DST + 2 * LEN, 512) ==\n"
		"            m.mem:hash(SRC, 512),\n"
		"  wafter = zeros(DST + 2 * LEN + 512, LEN - 512),\n"
		"  why = why, faulted = m.sys:stat('mem0.faulted') }\n");

	(void)state;
	assert_string_equal(tu_str(run, "err"), "true");
	assert_int_equal(tu_int(run, "at"), 1024);
	assert_string_equal(tu_str(run, "before"), "true");
	assert_string_equal(tu_str(run, "after"), "true");
	assert_string_equal(tu_str(run, "again"), "false");
	assert_string_equal(tu_str(run, "whole"), "true");
	assert_string_equal(tu_str(run, "werr"), "true");
	assert_int_equal(tu_int(run, "wat"), 512);	/* the third burst */
	assert_string_equal(tu_str(run, "wbefore"), "true");
	assert_string_equal(tu_str(run, "wafter"), "true");
	assert_string_equal(tu_str(run, "why"), "bus error");
	/* one read, two writes (one per copy), one CPU read */
	assert_int_equal(tu_int(run, "faulted"), 4);
	dmasim_run_free(run);
}

/* A device that fails after 3 KiB: a DMA of 8 KiB from its FIFO stops
 * with its error at the 13th burst, the first 3 KiB in memory as the
 * device produced them, nothing after; the device counts one error. */
static void test_device(void **state)
{
	struct dmasim_run *run = tu_run_ok(PRELUDE
		"local dev = m.sys:device{ base = 0x51000000, size = '64KiB',\n"
		"                          fail_after = '3KiB', name = 'bad' }\n"
		"local err, at = copy(0x51000000, DST, 8192, { src_fixed = true })\n"
		"return { err = tostring(err), at = at - 0x51000000,\n"
		"  moved = m.sys:stat('bad.moved'),\n"
		"  errors = m.sys:stat('bad.errors'),\n"
		"  intact = m.mem:read(DST, 3072) == dev:expected(0, 3072),\n"
		"  after = zeros(DST + 3072, 8192 - 3072) }\n");

	(void)state;
	assert_string_equal(tu_str(run, "err"), "true");
	assert_int_equal(tu_int(run, "at"), 0);		/* its FIFO */
	assert_int_equal(tu_int(run, "moved"), 3072);
	assert_int_equal(tu_int(run, "errors"), 1);
	assert_string_equal(tu_str(run, "intact"), "true");
	assert_string_equal(tu_str(run, "after"), "true");
	dmasim_run_free(run);
}

static void test_refused(void **state)
{
	(void)state;
	tu_refused("local s = dmasim.system{}\nlocal m = s:memory{ size = "
		   "'1MiB' }\nm:inject{ len = 4 }", "field 'addr' missing");
	tu_refused("local s = dmasim.system{}\nlocal m = s:memory{ size = "
		   "'1MiB' }\nm:inject{ addr = 0x100000, len = 4 }",
		   "is outside memory");
	tu_refused("local s = dmasim.system{}\nlocal m = s:memory{ size = "
		   "'1MiB' }\nm:inject{ addr = 0, len = 4, on = 'up' }", "on");
	tu_refused("local s = dmasim.system{}\nlocal m = s:memory{ size = "
		   "'1MiB' }\nm:inject{ addr = 0, len = 4, colour = 1 }",
		   "colour");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_memory),
		cmocka_unit_test(test_device),
		cmocka_unit_test(test_refused),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
