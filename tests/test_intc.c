/*
 * /hw/intc: the interrupt controller (priorities and nesting, masking,
 * lost raises, latency and time in handlers), the interval timer and
 * inter-processor interrupts, on timelines worked out by hand (beside
 * each case).
 *
 * The machine: CPUs at 1 GHz (one cycle = 1000 ps) with no memory
 * references, so only instructions and interrupts take time; entry 10
 * cycles, exit 7.  Handlers compute a given number of instructions at
 * CPI 1.
 */
#include <stdlib.h>
#include <string.h>

#include "hw/bus.h"
#include "hw/cpu.h"
#include "hw/intc.h"
#include "hw/timer.h"
#include "testutil.h"

#define NS 1000ull
#define TEST(path, fn) { path, fn, NULL, NULL, NULL }
#define ENTRY 10
#define EXIT 7

struct rig {
	struct sim sim;
	struct bus bus;
	struct cpu cpu[2];
	struct intc ic;
	struct timer tm;
};

static const struct cpu_config cpu_cfg = {
	.period = NS, .cpi = 1, .mem_frac = 0, .data_addr = 0x100000,
	.word = 8, .pio_loop = 5, .irq_entry = ENTRY, .irq_exit = EXIT,
};

static void rig_init(struct rig *r)
{
	struct bus_config bc = { .period = NS, .arb = BUS_ARB_ROUND_ROBIN,
				 .width = 8 };

	memset(r, 0, sizeof(*r));
	assert_int_equal(sim_init(&r->sim, 3), 0);
	assert_int_equal(bus_init(&r->bus, &r->sim, "bus", &bc), 0);
	assert_int_equal(cpu_init(&r->cpu[0], &r->sim, &r->bus, "cpu0",
				  &cpu_cfg, BUS_MODE_BURST, 0), 0);
	assert_int_equal(cpu_init(&r->cpu[1], &r->sim, &r->bus, "cpu1",
				  &cpu_cfg, BUS_MODE_BURST, 0), 0);
	assert_int_equal(intc_init(&r->ic, &r->sim, "intc", 16), 0);
}

static void rig_fini(struct rig *r)
{
	assert_true(intc_check(&r->ic));
	assert_true(bus_check(&r->bus));
	bus_fini(&r->bus);
	sim_fini(&r->sim);
}

/* A handler computing `instr` instructions at its own level. */
struct handler {
	struct rig *r;
	int runs;
	uint64_t at;		/* cycles: its last start */
	uint64_t instr;
	unsigned level;
	struct cpu_op op;
};

static void handler_op_done(struct cpu *cpu, struct cpu_op *op)
{
	struct handler *h = op->ctx;

	cpu_irq_done_level(cpu, h->level);
}

static void handler_fn(struct cpu *cpu, unsigned line, void *ctx)
{
	struct handler *h = ctx;

	(void)line;
	h->runs++;
	h->at = h->r->sim.now / NS;
	h->level = cpu_irq_level(cpu);
	if (!h->instr) {
		cpu_irq_done(cpu);
		return;
	}
	cpu_op_compute(&h->op, h->instr, 1, 0);
	h->op.done = handler_op_done;
	h->op.ctx = h;
	assert_int_equal(cpu_submit(cpu, (enum cpu_ctx)h->level, &h->op), 0);
}

static uint64_t done_at;	/* cycles: the thread's operation ended */

static void thread_done(struct cpu *cpu, struct cpu_op *op)
{
	(void)op;
	done_at = cpu->sim->now / NS;
}

static void thread(struct rig *r, unsigned c, struct cpu_op *op,
		   uint64_t instr)
{
	cpu_op_compute(op, instr, 1, 0);
	op->done = thread_done;
	done_at = 0;
	assert_int_equal(cpu_submit(&r->cpu[c], CPU_CTX_THREAD, op), 0);
}

static void raise_event(struct sim *sim, struct event *ev)
{
	(void)sim;
	intc_raise(ev->obj, (unsigned)ev->arg);
}

static void raise_at(struct rig *r, uint64_t cycle, unsigned line)
{
	assert_non_null(sim_at(&r->sim, cycle * NS, PHASE_REQUEST, raise_event,
			       &r->ic, NULL, line));
}

static void unmask_event(struct sim *sim, struct event *ev)
{
	(void)sim;
	intc_mask(ev->obj, (unsigned)ev->arg, false);
}

static void check_event(struct sim *sim, struct event *ev)
{
	(void)sim;
	assert_true(intc_check(ev->obj));
}

static void route(struct rig *r, unsigned line, unsigned c, int prio,
		  struct handler *h)
{
	h->r = r;
	assert_int_equal(intc_route(&r->ic, line, &r->cpu[c], prio), 0);
	cpu_set_irq_handler(&r->cpu[c], line, handler_fn, h);
}

/*
 * Nesting: compute(1000) from 0; line 1 (priority 1, handler of 100) at
 * 100, line 2 (priority 2, handler of 20) at 150.
 *   100 the thread is cut (100 done); entry 100-110; handler 1 from 110;
 *   150 (40 of it done) line 2 pre-empts it: entry 150-160, handler 2
 *   160-180, exit 180-187; handler 1's other 60 run 187-247; exit
 *   247-254; the thread's other 900 run 254-1154.
 * Time in handlers: line 2 10 + 20 + 7 = 37; line 1 10 + 40 + 60 + 7 =
 * 117 (line 2's excluded); the CPU in interrupts 254 - 100 = 154.
 */
static void nested_by_priority(void **state)
{
	struct rig r;
	struct handler h1 = { .instr = 100 }, h2 = { .instr = 20 };
	struct cpu_op a;

	(void)state;
	rig_init(&r);
	route(&r, 1, 0, 1, &h1);
	route(&r, 2, 0, 2, &h2);
	thread(&r, 0, &a, 1000);
	raise_at(&r, 100, 1);
	raise_at(&r, 150, 2);
	sim_run(&r.sim, UINT64_MAX);
	assert_int_equal(h1.at, 110);
	assert_int_equal(h2.at, 160);
	assert_int_equal(h1.level, 1);
	assert_int_equal(h2.level, 2);
	assert_int_equal(done_at, 1154);
	assert_int_equal(r.cpu[0].irq_nested, 1);
	assert_int_equal(r.cpu[0].irq_ps, 154 * NS);
	assert_int_equal(r.ic.line[2].handler_ps, 37 * NS);
	assert_int_equal(r.ic.line[1].handler_ps, 117 * NS);
	assert_int_equal(r.ic.line[1].latency.max, ENTRY * NS);
	assert_int_equal(r.ic.line[2].latency.max, ENTRY * NS);
	assert_int_equal(r.ic.line[1].delivered, 1);
	assert_int_equal(r.ic.line[2].delivered, 1);
	rig_fini(&r);
}

/*
 * A lower priority waits: line 2 (priority 2, handler of 20) at 100,
 * line 1 (priority 1, handler of 100) at 120, inside handler 2.
 *   entry 100-110, handler 2 110-130, exit 130-137; then line 1: entry
 *   137-147 (latency 147 - 120 = 27), handler 147-247, exit 247-254;
 *   the thread's other 900 run 254-1154.  Nothing nested.
 */
static void lower_priority_waits(void **state)
{
	struct rig r;
	struct handler h1 = { .instr = 100 }, h2 = { .instr = 20 };
	struct cpu_op a;

	(void)state;
	rig_init(&r);
	route(&r, 1, 0, 1, &h1);
	route(&r, 2, 0, 2, &h2);
	thread(&r, 0, &a, 1000);
	raise_at(&r, 100, 2);
	raise_at(&r, 120, 1);
	sim_run(&r.sim, UINT64_MAX);
	assert_int_equal(h2.at, 110);
	assert_int_equal(h1.at, 147);
	assert_int_equal(r.ic.line[1].latency.max, 27 * NS);
	assert_int_equal(r.cpu[0].irq_nested, 0);
	assert_int_equal(done_at, 1154);
	rig_fini(&r);
}

/*
 * Equal priorities do not nest (as a CPU's own lines never did): line 3
 * and line 4, both priority 0 with handlers of 100, at 100 and 150: the
 * second waits for the first's exit at 217, entry 217-227 (latency 77).
 */
static void equal_priority_no_nesting(void **state)
{
	struct rig r;
	struct handler h3 = { .instr = 100 }, h4 = { .instr = 100 };

	(void)state;
	rig_init(&r);
	route(&r, 3, 0, 0, &h3);
	route(&r, 4, 0, 0, &h4);
	raise_at(&r, 100, 3);
	raise_at(&r, 150, 4);
	sim_run(&r.sim, UINT64_MAX);
	assert_int_equal(h3.at, 110);
	assert_int_equal(h4.at, 227);
	assert_int_equal(r.ic.line[4].latency.max, 77 * NS);
	assert_int_equal(r.cpu[0].irq_nested, 0);
	rig_fini(&r);
}

/*
 * Masking: line 1 masked, raised at 100 while the thread computes
 * 1000; held until unmasked at 500: the thread is cut at 500, entry
 * 500-510 (latency 410 from the raise), a handler of nothing, exit
 * 510-517; the thread ends at 1017.
 */
static void masked_line_held(void **state)
{
	struct rig r;
	struct handler h1 = { .instr = 0 };
	struct cpu_op a;

	(void)state;
	rig_init(&r);
	route(&r, 1, 0, 1, &h1);
	intc_mask(&r.ic, 1, true);
	thread(&r, 0, &a, 1000);
	raise_at(&r, 100, 1);
	assert_non_null(sim_at(&r.sim, 300 * NS, PHASE_REQUEST, check_event,
			       &r.ic, NULL, 0));
	assert_non_null(sim_at(&r.sim, 500 * NS, PHASE_REQUEST, unmask_event,
			       &r.ic, NULL, 1));
	sim_run(&r.sim, UINT64_MAX);
	assert_int_equal(h1.runs, 1);
	assert_int_equal(h1.at, 510);
	assert_int_equal(r.ic.line[1].latency.max, 410 * NS);
	assert_int_equal(done_at, 1017);
	rig_fini(&r);
}

/*
 * Lost raises: line 1 (handler of 100) raised at 100, 105, 150 and 160.
 *   100: taken, entry 100-110; 105 is lost (pending until the handler
 *   starts at 110); 150: pending again (equal priority, no nesting); 160
 *   is lost.  After the exit at 217: entry 217-227 (latency 77), handler
 *   227-327, exit 327-334.
 * Raised 4, delivered 2, lost 2; handler time 2 x 117.
 */
static void raised_while_pending_is_lost(void **state)
{
	struct rig r;
	struct handler h1 = { .instr = 100 };

	(void)state;
	rig_init(&r);
	route(&r, 1, 0, 0, &h1);
	raise_at(&r, 100, 1);
	raise_at(&r, 105, 1);
	raise_at(&r, 150, 1);
	raise_at(&r, 160, 1);
	sim_run(&r.sim, UINT64_MAX);
	assert_int_equal(h1.runs, 2);
	assert_int_equal(h1.at, 227);
	assert_int_equal(r.ic.line[1].raised, 4);
	assert_int_equal(r.ic.line[1].delivered, 2);
	assert_int_equal(r.ic.line[1].lost, 2);
	assert_int_equal(r.ic.line[1].latency.count, 2);
	assert_int_equal(r.ic.line[1].latency.min, ENTRY * NS);
	assert_int_equal(r.ic.line[1].latency.max, 77 * NS);
	assert_int_equal(r.ic.line[1].handler_ps, 2 * 117 * NS);
	assert_int_equal(r.sim.now, 334 * NS);
	rig_fini(&r);
}

static void stop_event(struct sim *sim, struct event *ev)
{
	(void)sim;
	timer_stop(ev->obj);
}

/*
 * A periodic timer of 1000 cycles on line 0 (handler of 100) to an idle
 * CPU, stopped at 3500: fires at 1000, 2000, 3000; each interrupt keeps
 * the CPU 117 cycles.  Then a one-shot of 50 from t0 (where the run
 * stopped): fires once at t0 + 50, its handler at t0 + 60.
 */
static void timer_periodic_and_one_shot(void **state)
{
	struct rig r;
	struct handler h0 = { .instr = 100 };
	uint64_t t0;

	(void)state;
	rig_init(&r);
	route(&r, 0, 0, 0, &h0);
	assert_int_equal(timer_init(&r.tm, &r.sim, "timer",
				    intc_sink(&r.ic, 0)), 0);
	assert_int_equal(timer_start(&r.tm, 0, true), DMASIM_EINVAL);
	assert_int_equal(timer_start(&r.tm, 1000 * NS, true), 0);
	assert_non_null(sim_at(&r.sim, 3500 * NS, PHASE_REQUEST, stop_event,
			       &r.tm, NULL, 0));
	sim_run(&r.sim, UINT64_MAX);
	assert_int_equal(r.tm.fires, 3);
	assert_int_equal(h0.runs, 3);
	assert_int_equal(h0.at, 3010);
	assert_int_equal(cpu_busy_cycles(&r.cpu[0]), 3 * 117);
	t0 = r.sim.now / NS;
	assert_int_equal(timer_start(&r.tm, 50 * NS, false), 0);
	sim_run(&r.sim, UINT64_MAX);
	assert_int_equal(r.tm.fires, 4);
	assert_int_equal(h0.at, t0 + 60);
	assert_false(r.tm.armed);
	rig_fini(&r);
}

/*
 * An inter-processor interrupt: line 5 routed to cpu1, raised at 200 (by
 * cpu0's software): cpu1 (idle) takes it, handler at 210; cpu0's
 * compute(1000) is not disturbed and ends at 1000.
 */
static void ipi_to_other_cpu(void **state)
{
	struct rig r;
	struct handler h5 = { .instr = 30 };
	struct cpu_op a;

	(void)state;
	rig_init(&r);
	route(&r, 5, 1, 0, &h5);
	thread(&r, 0, &a, 1000);
	raise_at(&r, 200, 5);
	sim_run(&r.sim, UINT64_MAX);
	assert_int_equal(h5.at, 210);
	assert_int_equal(done_at, 1000);
	assert_int_equal(r.cpu[0].irqs, 0);
	assert_int_equal(r.cpu[1].irqs, 1);
	assert_int_equal(cpu_busy_cycles(&r.cpu[1]), ENTRY + 30 + EXIT);
	rig_fini(&r);
}

/* A line not routed counts as raised and lost; bad lines are refused. */
static void unrouted_and_bad_lines(void **state)
{
	struct rig r;
	struct intc ic2;

	(void)state;
	rig_init(&r);
	intc_raise(&r.ic, 7);
	assert_int_equal(r.ic.line[7].raised, 1);
	assert_int_equal(r.ic.line[7].lost, 1);
	assert_int_equal(intc_route(&r.ic, 16, &r.cpu[0], 0), DMASIM_EINVAL);
	assert_int_equal(intc_route(&r.ic, 0, NULL, 0), DMASIM_EINVAL);
	assert_int_equal(intc_init(&ic2, &r.sim, "x", 0), DMASIM_EINVAL);
	assert_int_equal(intc_init(&ic2, &r.sim, "x", INTC_MAX_LINES + 1),
			 DMASIM_EINVAL);
	rig_fini(&r);
}

/*
 * The same timeline as nested_by_priority, written as a scenario: Lua
 * handlers on the CPU's lines, a controller routing them with
 * priorities, raised by a process of software (ic:raise) at 100 and 150.
 * A handler's start is the handler process's first instant.
 */
static const char nested_lua[] =
	"local sys = dmasim.system{ bus = { clock = '1GHz', width = 8 } }\n"
	"local cpu = sys:cpu{ clock = '1GHz', irq_entry = 10, irq_exit = 7 }\n"
	"local other = sys:cpu{ clock = '1GHz', irq_entry = 10, irq_exit = 7 }\n"
	"local ic = sys:intc{ lines = 8 }\n"
	"ic:route(1, cpu, 1)\n"
	"ic:route(2, cpu, 2)\n"
	"ic:route(3, other, 0)\n"
	"local at = {}\n"
	"cpu:on_irq(1, function(l) at[1] = sys:cycles(); cpu:compute(100) end)\n"
	"cpu:on_irq(2, function(l) at[2] = sys:cycles(); cpu:compute(20) end)\n"
	"other:on_irq(3, function(l) at[3] = sys:cycles() end)\n"
	"local done\n"
	"sys:spawn(function() cpu:compute(1000); done = sys:cycles() end)\n"
	"sys:spawn(function() sys:wait('100ns'); ic:raise(1);\n"
	"  sys:wait('50ns'); ic:raise(2); ic:raise(3) end)\n"
	"sys:run()\n"
	"local l1, l2 = ic:line(1), ic:line(2)\n"
	"dmasim.report('h1', at[1]) dmasim.report('h2', at[2])\n"
	"dmasim.report('ipi', at[3])\n"
	"dmasim.report('done', done)\n"
	"dmasim.report('l1_ps', l1.handler_ps) dmasim.report('l2_ps', l2.handler_ps)\n"
	"dmasim.report('l2_lat', l2.latency_max)\n"
	"dmasim.report('irq_cycles', cpu.irq_cycles)\n";

static void lua_nested(void **state)
{
	struct dmasim_run *run;
	int code;

	(void)state;
	run = tu_run_text(nested_lua, &code, NULL);
	assert_int_equal(code, 0);
	assert_int_equal(tu_int(run, "h1"), 110);
	assert_int_equal(tu_int(run, "h2"), 160);
	assert_int_equal(tu_int(run, "ipi"), 160);
	assert_int_equal(tu_int(run, "done"), 1154);
	assert_int_equal(tu_int(run, "l1_ps"), 117 * NS);
	assert_int_equal(tu_int(run, "l2_ps"), 37 * NS);
	assert_int_equal(tu_int(run, "l2_lat"), ENTRY * NS);
	assert_int_equal(tu_int(run, "irq_cycles"), 154);
	dmasim_run_free(run);
}

/*
 * Interrupt-driven input: a device producing 8 bytes every 100 ns raises
 * its line per 8 bytes; the handler moves them by PIO (a loop of 2
 * cycles, the device read 30 + 1, the memory write 20 + 1: 54 cycles).
 * Interrupt k comes at 100 (k + 1): entry 10, PIO 54, exit 7: 71 cycles
 * each, 568 for the 64 bytes; the last ends at 800 + 71 = 871.  Every
 * raise is delivered after exactly the entry cycles, none lost.
 */
static const char devirq_lua[] =
	"local sys = dmasim.system{ bus = { clock = '1GHz', width = 8 } }\n"
	"local mem = sys:memory{ base = 0, size = '1MiB', latency = '20ns' }\n"
	"local cpu = sys:cpu{ clock = '1GHz', word = 8, pio_loop = 2,\n"
	"  irq_entry = 10, irq_exit = 7 }\n"
	"local ic = sys:intc{ lines = 4 }\n"
	"ic:route(2, cpu, 1)\n"
	"local dev = sys:device{ size = 64, rate = '80MB/s', latency = '30ns',\n"
	"  intc = ic, irq_line = 2, irq_unit = 8 }\n"
	"local off = 0\n"
	"cpu:on_irq(2, function()\n"
	"  cpu:pio_read(dev.data, 0x1000 + off, 8); off = off + 8\n"
	"end)\n"
	"local t = sys:run()\n"
	"local l = ic:line(2)\n"
	"dmasim.report('ok', mem:read(0x1000, 64) == dev:expected(0, 64))\n"
	"dmasim.report('end', sys:cycles())\n"
	"dmasim.report('busy', cpu.busy_cycles)\n"
	"dmasim.report('irqs', dev.irqs)\n"
	"dmasim.report('delivered', l.delivered)\n"
	"dmasim.report('lost', l.lost)\n"
	"dmasim.report('lat', l.latency_max)\n";

static void lua_device_irq(void **state)
{
	struct dmasim_run *run;
	int code;

	(void)state;
	run = tu_run_text(devirq_lua, &code, NULL);
	if (code)
		fail_msg("%s", dmasim_run_error(run));
	assert_string_equal(tu_str(run, "ok"), "true");
	assert_int_equal(tu_int(run, "irqs"), 8);
	assert_int_equal(tu_int(run, "delivered"), 8);
	assert_int_equal(tu_int(run, "lost"), 0);
	assert_int_equal(tu_int(run, "lat"), ENTRY * NS);
	assert_int_equal(tu_int(run, "busy"), 8 * (ENTRY + 54 + EXIT));
	assert_int_equal(tu_int(run, "end"), 800 + ENTRY + 54 + EXIT);
	dmasim_run_free(run);
}

/* Bad arguments name what was wrong and what was expected. */
static void lua_bad_args(void **state)
{
	static const struct {
		const char *text, *msg;
	} cases[] = {
		{ "local s = dmasim.system{}; s:intc{ lines = 65 }",
		  "lines 65: expected 1 to 64" },
		{ "local s = dmasim.system{}; local ic = s:intc{ lines = 4 }; "
		  "ic:route(4, s:cpu{}, 0)", "route line 4: expected 0 to 3" },
		{ "local s = dmasim.system{}; local ic = s:intc{}; "
		  "ic:route(1, 5)", "expected a cpu" },
		{ "local s = dmasim.system{}; s:timer{ line = 0 }",
		  "field 'intc': expected an intc" },
		{ "local s = dmasim.system{}; local ic = s:intc{}; "
		  "s:timer{ intc = ic }:start(0)", "expected a time of at least" },
		{ "local s = dmasim.system{}; local ic = s:intc{ lines = 2 }; "
		  "s:dma{ intc = ic, channels = 3 }", "expected lines below 2" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		tu_refused(cases[i].text, cases[i].msg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		TEST("/hw/intc/nested_by_priority", nested_by_priority),
		TEST("/hw/intc/lower_priority_waits", lower_priority_waits),
		TEST("/hw/intc/equal_priority_no_nesting",
		     equal_priority_no_nesting),
		TEST("/hw/intc/masked_line_held", masked_line_held),
		TEST("/hw/intc/raised_while_pending_is_lost",
		     raised_while_pending_is_lost),
		TEST("/hw/timer/periodic_and_one_shot",
		     timer_periodic_and_one_shot),
		TEST("/hw/intc/ipi_to_other_cpu", ipi_to_other_cpu),
		TEST("/hw/intc/unrouted_and_bad_lines", unrouted_and_bad_lines),
		TEST("/lua/intc/nested", lua_nested),
		TEST("/lua/intc/device_irq", lua_device_irq),
		TEST("/lua/intc/bad_args", lua_bad_args),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
