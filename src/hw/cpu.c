/* cpu: the processor and its operations (compute, transactions, calls),
 * the engine that runs them and its bus port.  Interrupts are in
 * cpu_irq.c, programmed I/O in cpu_pio.c.  See cpu.h. */
#include "cpu.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "kernel/base.h"
#include "kernel/trace.h"
#include "cpu_int.h"
#include "xact.h"

/* Trace points (the mechanism: kernel/trace.h). */
static const struct trace_point tp_cpu_run = {
	"run", TRACE_SPAN, 0,
	"the CPU computes"
};
static const struct trace_point tp_cpu_stall = {
	"stall", TRACE_SPAN, 0,
	"the CPU is stalled on the bus"
};
static const struct trace_point tp_cpu_irq = {
	"irq_handler", TRACE_SPAN, 0,
	"the CPU runs an interrupt handler"
};
static const struct trace_point tp_cpu_state = {
	"state", TRACE_SIGNAL, 2,
	"0 idle, 1 computing, 2 stalled on the bus, 3 in a handler"
};

/* The CPU's activity as traced: 0 idle, 1 computing, 2 on the bus
 * (waiting or holding it), 3 in an interrupt (entry, handler, exit). */
static int cpu_trace_level(const struct cpu *cpu, enum cpu_state st)
{
	if (cpu->in_irq)
		return 3;
	switch (st) {
	case CPU_IDLE:
		return 0;
	case CPU_BUS:
		return 2;
	case CPU_IRQ_ENTRY:
	case CPU_HANDLER:
	case CPU_IRQ_EXIT:
		return 3;
	default:
		return 1;
	}
}

TRACE_COLD void cpu_trace_state(struct cpu *cpu, enum cpu_state st)
{
	static const struct trace_point *const span[4] = {
		NULL, &tp_cpu_run, &tp_cpu_stall, &tp_cpu_irq };
	int level = cpu_trace_level(cpu, st);

	if (level == cpu->trace_level)
		return;
	if (cpu->trace_level)
		trace_span_end(cpu->sim, cpu->track, span[cpu->trace_level]);
	if (level)
		trace_span_begin(cpu->sim, cpu->track, span[level], NULL);
	trace_signal(cpu->sim, cpu->track, &tp_cpu_state, (uint64_t)level);
	cpu->trace_level = (uint8_t)level;
}

void cpu_go_idle(struct cpu *cpu)
{
	if (cpu->state != CPU_IDLE)
		cpu->busy_ps += cpu->sim->now - cpu->busy_since;
	cpu_set_state(cpu, CPU_IDLE);
}

void cpu_wake(struct cpu *cpu)
{
	if (cpu->state == CPU_IDLE)
		cpu->busy_since = cpu->sim->now;
}

/* Schedule fn after `cycles` CPU cycles as the running step. */
void cpu_timer(struct cpu *cpu, uint64_t cycles, event_fn fn)
{
#ifdef DMASIM_MUTATE_CPU_CYCLES_AT_BUS_CLOCK
	const struct clock *clk = &cpu->port.bus->clk;	/* the bus's, broken */
#else
	const struct clock *clk = &cpu->clk;
#endif
	struct event *ev = sim_at_clamped(cpu->sim, cpu->sim->now +
					  clock_ps(clk, cycles),
					  PHASE_REQUEST, fn, cpu, NULL, 0);

	assert(ev);
	cpu->ev = evq_handle(ev);
	cpu->ev_start = cpu->sim->now;
}

/* ---- operations ---- */

void cpu_op_finish(struct cpu *cpu, struct cpu_op *op)
{
	unsigned ctx = cpu->depth;

	assert(cpu->head[ctx] == op);
	cpu->head[ctx] = op->next;
	if (!op->next)
		cpu->tail[ctx] = NULL;
	op->next = NULL;
	op->cycles = clock_cycles(&cpu->clk, cpu->sim->now - op->start);
	if (op->done)
		op->done(cpu, op);
}

/* Complete an operation with a bus status (BUS_OK: success). */
void cpu_op_complete(struct cpu *cpu, struct cpu_op *op, int status)
{
	op->status = status;
	if (status)
		cpu->bus_errors++;
	cpu_op_finish(cpu, op);
}

/*
 * Start a chunk of `instr` instructions: the whole cycles they take at the
 * op's CPI, the fraction carried to the op's next chunk so that a CPI such
 * as 0.5 or 1.3 costs exactly instr * cpi over the operation.
 */
uint64_t cpu_chunk_start(struct cpu_op *op, uint64_t instr)
{
	double c = (double)instr * op->cpi + op->cyc_frac;
	double whole = floor(c + 1e-9);

	op->chunk = instr;
	op->chunk_cycles = (uint64_t)whole;
	op->cyc_frac = c - whole > 0 ? c - whole : 0;
	return op->chunk_cycles;
}

void cpu_ask_bus(struct cpu *cpu, uint64_t cycles, int why)
{
	cpu_set_state(cpu, CPU_BUS);
	cpu->port_why = why;
	bus_request(&cpu->port, cycles, cycles);
}

/* Bus cycles of one memory reference: a word's transaction to data_addr,
 * looked up again until a target answers there (the memory may be built
 * after the CPU); one bus cycle while none does. */
static uint64_t cpu_ref_cycles(struct cpu *cpu)
{
	if (!cpu->ref_target) {
		uint64_t off, c;

		c = bus_xact_cycles(cpu->port.bus, cpu->cfg.data_addr,
				    cpu->cfg.word, false, &cpu->ref_target,
				    &off);
		cpu->ref_cycles = c ? c : 1;
	}
	return cpu->ref_cycles;
}

static inline bool ref_due(const struct cpu_op *op)
{
	return op->mem_frac > 0 && op->ref_acc >= 1.0 - 1e-9;
}

/* A cached reference's bus cycles (its line fill, write-backs), if any. */
static void ref_bus(struct cpu *cpu)
{
	uint64_t each;

	if (!cpu->ref_bus_left) {
		cpu_dispatch(cpu);
		return;
	}
	/* one grant per line transaction */
	each = cpu->ref_bus_left / (cpu->ref_bus_xacts ? cpu->ref_bus_xacts : 1);
	cpu->ref_bus_left -= each;
	if (cpu->ref_bus_xacts)
		cpu->ref_bus_xacts--;
	cpu_ask_bus(cpu, each, BUS_FOR_REF);
}

static void ref_hit_done(struct sim *sim, struct event *ev)
{
	struct cpu *cpu = ev->obj;

	(void)sim;
	cpu->ev.ev = NULL;
	cpu->mem_ref_ps += cpu->sim->now - cpu->ev_start;
	ref_bus(cpu);
}

/* A compute reference through the cache: a word at a random offset below
 * the footprint.  False: the cache did not take it (no memory there). */
static bool cached_ref(struct cpu *cpu)
{
	uint64_t words = cpu->cfg.footprint / cpu->cfg.word, c = 0, b = 0, n = 0;
	uint64_t addr = cpu->cfg.data_addr;
	uint8_t buf[8];

	if (words > 1)
		addr += rng_below(&cpu->rng, words) * cpu->cfg.word;
	if (!cpu->mem_hook.xact(cpu->mem_hook.ctx, cpu, addr, buf,
				cpu->cfg.word, false, &c, &b, &n))
		return false;
	cpu->ref_bus_left = b;
	cpu->ref_bus_xacts = n;
	if (c) {
		cpu_set_state(cpu, CPU_TIMED);
		cpu_timer(cpu, c, ref_hit_done);
	} else {
		ref_bus(cpu);
	}
	return true;
}

/* Run the next piece of a compute operation: a memory reference if one is
 * due, else instructions up to the next reference. */
static void step_compute(struct cpu *cpu, struct cpu_op *op)
{
	uint64_t chunk = op->instr;

	if (ref_due(op)) {
		op->ref_acc -= 1.0;
		if (op->ref_acc < 0)
			op->ref_acc = 0;
		cpu->mem_refs++;
		if (cpu->cfg.footprint && cpu->mem_hook.xact && cached_ref(cpu))
			return;
		cpu_ask_bus(cpu, cpu_ref_cycles(cpu), BUS_FOR_REF);
		return;
	}
	if (!op->instr) {
		cpu_op_finish(cpu, op);
		cpu_dispatch(cpu);
		return;
	}
	if (op->mem_frac > 0) {
		double need = ceil((1.0 - op->ref_acc) / op->mem_frac - 1e-9);

		if (need < 1)
			need = 1;
		if (need < (double)chunk)
			chunk = (uint64_t)need;
	}
	cpu_set_state(cpu, CPU_COMPUTING);
	cpu_timer(cpu, cpu_chunk_start(op, chunk), cpu_compute_chunk_done);
}

static void compute_account(struct cpu *cpu, struct cpu_op *op,
			    uint64_t instr, uint64_t cycles)
{
	op->instr -= instr;
	cpu->instructions += instr;
	cpu->compute_cycles += cycles;
	op->ref_acc += (double)instr * op->mem_frac;
}

void cpu_compute_chunk_done(struct sim *sim, struct event *ev)
{
	struct cpu *cpu = ev->obj;
	struct cpu_op *op = cpu_current(cpu);

	(void)sim;
	cpu->ev.ev = NULL;
	if (op->kind == CPU_OP_PIO) {
		cpu->compute_cycles += op->chunk_cycles;
		cpu->instructions += op->chunk;
		op->phase = 1;
		op->pio_w = cpu_pio_word(cpu, op);
	} else {
		compute_account(cpu, op, op->chunk, op->chunk_cycles);
	}
	cpu_dispatch(cpu);
}

/* An interrupt cuts a compute run or a wait for a device: keep what was
 * done; the operation resumes after the interrupt. */
void cpu_preempt(struct cpu *cpu)
{
	struct cpu_op *op = cpu_current(cpu);
	uint64_t elapsed = clock_cycles(&cpu->clk, cpu->sim->now -
					cpu->ev_start);

	sim_cancel(cpu->sim, cpu->ev);
	cpu->ev.ev = NULL;
	if (cpu->state == CPU_PIO_WAIT) {
		cpu->pio_wait_ps += cpu->sim->now - cpu->ev_start;
		return;
	}
	if (op->kind == CPU_OP_COMPUTE) {
		uint64_t done = (uint64_t)floor((double)elapsed / op->cpi);

		if (done > op->chunk)
			done = op->chunk;
		compute_account(cpu, op, done, elapsed);
	} else {
		/* PIO loop overhead: restart the word's loop after */
		cpu->compute_cycles += elapsed;
	}
}

static void timed_done(struct sim *sim, struct event *ev)
{
	struct cpu *cpu = ev->obj;

	(void)sim;
	cpu->ev.ev = NULL;
	cpu_dispatch(cpu);
}

/* A call, or an access the memory hook took: phase 0 runs it, phase 1
 * spends its CPU cycles, phase 2 its bus cycles, one grant per
 * transaction (a call's traffic is one). */
static void step_timed(struct cpu *cpu, struct cpu_op *op, uint64_t cycles,
		       uint64_t bus_cycles, uint64_t bus_xacts)
{
	if (op->phase == 0) {
		op->phase = 1;
		op->bus_left = bus_cycles;
		op->bus_xacts = bus_xacts ? bus_xacts : 1;
#ifdef DMASIM_MUTATE_ONE_GRANT_PER_ACCESS
		op->bus_xacts = 1;
#endif
		if (cycles) {
			cpu_set_state(cpu, CPU_TIMED);
			cpu_timer(cpu, cycles, timed_done);
			return;
		}
	}
	if (op->phase >= 1 && op->bus_left) {
		uint64_t each = op->bus_left / op->bus_xacts;

		op->phase = 2;
		cpu_ask_bus(cpu, each, BUS_FOR_TIMED);
		return;
	}
	if (op->kind == CPU_OP_CALL && op->again) {
		/* the routine's next step, after any interrupt */
		op->phase = 0;
		cpu_dispatch(cpu);
		return;
	}
	cpu_op_finish(cpu, op);
	cpu_dispatch(cpu);
}

static void step_call(struct cpu *cpu, struct cpu_op *op)
{
	uint64_t c = 0, b = 0;

	if (op->phase == 0) {
		op->again = false;
		op->park = false;
		op->call_xacts = 0;
		op->call(cpu, op, &c, &b);
		if (op->park) {
			op->phase = 3;
			cpu_set_state(cpu, CPU_TIMED);
			return;
		}
	}
	step_timed(cpu, op, c, b, op->call_xacts ? op->call_xacts : 1);
}

void cpu_call_resume(struct cpu *cpu)
{
	struct cpu_op *op = cpu_current(cpu);

	assert(op && op->kind == CPU_OP_CALL && op->phase == 3);
	op->phase = 0;
	cpu_dispatch(cpu);
}

static void step_xact_bus(struct cpu *cpu, struct cpu_op *op);

static void step_xact(struct cpu *cpu, struct cpu_op *op)
{
	uint64_t c = 0, b = 0, n = 0;

#ifndef DMASIM_MUTATE_ONE_GRANT_PER_ACCESS
	if (op->phase == 0 && !op->nc_word && cpu->mem_hook.uncached)
		op->nc_word = cpu->mem_hook.uncached(cpu->mem_hook.ctx,
						     op->addr, op->len,
						     op->write);
#endif
	if (!op->nc_word && (op->phase || (cpu->mem_hook.xact &&
	    cpu->mem_hook.xact(cpu->mem_hook.ctx, cpu, op->addr, op->data,
			       op->len, op->write, &c, &b, &n)))) {
		step_timed(cpu, op, c, b, n);
		return;
	}
	step_xact_bus(cpu, op);
}

/* The piece of an XACT the next bus transaction moves: the whole op, or
 * its next uncached access. */
static uint64_t xact_piece(const struct cpu_op *op, uint64_t *addr,
			   uint8_t **data)
{
	uint64_t left = op->len - op->step;

	*addr = op->addr + op->step;
	*data = op->data + op->step;
	return op->nc_word && op->nc_word < left ? op->nc_word : left;
}

/* A transaction of an XACT moved its piece with status st: true when the
 * op is complete (the last piece, or an error), else the next piece is
 * due. */
static bool xact_piece_done(struct cpu *cpu, struct cpu_op *op, int st)
{
	uint64_t addr;
	uint8_t *data;
	uint64_t n = xact_piece(op, &addr, &data);

	op->step += n;
	if (st || op->step >= op->len) {
		cpu_op_complete(cpu, op, st);
		return true;
	}
	return false;
}

void cpu_pio_next(struct cpu *cpu, struct cpu_op *op, int st);

/* A transaction across a bridge (hw/xact.h) ended: the XACT operation
 * completes, or the PIO step goes on. */
static void cpu_xact_done(struct xact *x)
{
	struct cpu *cpu = x->ctx;
	struct cpu_op *op = cpu_current(cpu);

	if (cpu->remote_why == BUS_FOR_XACT)
		xact_piece_done(cpu, op, x->status);
	else
		cpu_pio_next(cpu, op, x->status);
	cpu_dispatch(cpu);
}

/* An access whose target lies across a bridge: a transaction routed hop
 * by hop; the CPU waits (stalled) until it completes. */
void cpu_remote(struct cpu *cpu, uint64_t addr, void *data,
		       uint64_t len, bool write, int why)
{
	cpu_set_state(cpu, CPU_BUS);
	cpu->port_why = BUS_FOR_REMOTE;
	cpu->remote_why = why;
	xact_init(&cpu->xact, addr, data, len, write, &cpu->port,
		  cpu_xact_done, cpu);
	xact_start(&cpu->port, &cpu->xact);
}

static void step_xact_bus(struct cpu *cpu, struct cpu_op *op)
{
	struct bus_target *t;
	uint64_t off, addr;
	uint8_t *data;
	uint64_t len = xact_piece(op, &addr, &data);
#ifdef DMASIM_MUTATE_CPU_ACCESS_ONE_BEAT
	/* broken on purpose: a load or store of many bytes is charged the
	 * bus time of its first beat alone (its data beats left out) */
	uint64_t cycles = bus_xact_cycles(cpu->port.bus, addr, 1,
					  op->write, &t, &off);
#else
	uint64_t cycles = bus_xact_cycles(cpu->port.bus, addr, len,
					  op->write, &t, &off);
#endif

	if (!t) {
		cpu_op_complete(cpu, op, BUS_ERR_DECODE);
		cpu_dispatch(cpu);
		return;
	}
	if (t->ops->forward) {
		cpu_remote(cpu, addr, data, len, op->write, BUS_FOR_XACT);
		return;
	}
	cpu_ask_bus(cpu, cycles, BUS_FOR_XACT);
}

/* ---- the engine ---- */

/* The CPU is between steps: take an interrupt or run the next step. */
void cpu_dispatch(struct cpu *cpu)
{
	struct cpu_op *op;

	if (cpu->irq_pending && cpu_irq_deliverable(cpu)) {
		cpu_wake(cpu);
		cpu_take_irq(cpu);
		return;
	}
	op = cpu_current(cpu);
	if (!op) {
		if (cpu->in_irq) {
			cpu_set_state(cpu, CPU_HANDLER);
			if (!cpu->frame[cpu->depth - 1].handler_running)
				cpu_irq_exit(cpu);
			return;
		}
		cpu_go_idle(cpu);
		return;
	}
	cpu_wake(cpu);
	if (!op->started) {
		op->started = true;
		op->start = cpu->sim->now;
	}
	switch (op->kind) {
	case CPU_OP_COMPUTE:
		step_compute(cpu, op);
		break;
	case CPU_OP_XACT:
		step_xact(cpu, op);
		break;
	case CPU_OP_PIO:
		cpu_pio_run(cpu, op);
		break;
	case CPU_OP_CALL:
		step_call(cpu, op);
		break;
	}
}

int cpu_submit(struct cpu *cpu, enum cpu_ctx ctx, struct cpu_op *op)
{
	if ((op->kind == CPU_OP_COMPUTE && !(op->cpi > 0)) ||
	    (op->kind != CPU_OP_COMPUTE && !op->len) ||
	    (unsigned)ctx > cpu->depth)
		return DMASIM_EINVAL;
	op->next = NULL;
	op->status = BUS_OK;
	op->started = false;
	op->step = 0;
	op->phase = 0;
	op->ref_acc = 0;
	op->cyc_frac = 0;
	op->nc_word = 0;
	op->bus_xacts = 0;
	if (cpu->tail[ctx])
		cpu->tail[ctx]->next = op;
	else
		cpu->head[ctx] = op;
	cpu->tail[ctx] = op;
	if (cpu->state == CPU_IDLE ||
	    ((unsigned)ctx == cpu->depth && ctx != CPU_CTX_THREAD &&
	     cpu->state == CPU_HANDLER))
		cpu_dispatch(cpu);
	return 0;
}

void cpu_op_compute(struct cpu_op *op, uint64_t instr, double cpi,
		    double mem_frac)
{
	memset(op, 0, sizeof(*op));
	op->kind = CPU_OP_COMPUTE;
	op->instr = instr;
	op->cpi = cpi;
	op->mem_frac = mem_frac;
}

void cpu_op_xact(struct cpu_op *op, uint64_t addr, void *data, uint64_t len,
		 bool write)
{
	memset(op, 0, sizeof(*op));
	op->kind = CPU_OP_XACT;
	op->addr = addr;
	op->data = data;
	op->len = len;
	op->write = write;
}

void cpu_op_call(struct cpu_op *op, cpu_call_fn fn, void *ctx)
{
	memset(op, 0, sizeof(*op));
	op->kind = CPU_OP_CALL;
	op->call = fn;
	op->ctx = ctx;
	op->len = 1;
}

void cpu_op_pio(struct cpu_op *op, uint64_t reg, uint64_t mem, uint64_t len,
		bool to_device)
{
	memset(op, 0, sizeof(*op));
	op->kind = CPU_OP_PIO;
	op->addr = reg;
	op->mem = mem;
	op->len = len;
	op->write = to_device;
	op->cpi = 1;
}

/* ---- the bus port ---- */

static void cpu_granted(struct bus_master *m, uint64_t cycles)
{
	struct cpu *cpu = (struct cpu *)m;

	(void)cycles;
	cpu->stall_ps += cpu->sim->now - m->req_time;
}

static void cpu_released(struct bus_master *m, uint64_t cycles)
{
	struct cpu *cpu = (struct cpu *)m;
	struct cpu_op *op;

	(void)cycles;
	op = cpu_current(cpu);
	switch (cpu->port_why) {
	case BUS_FOR_REF:
		cpu->mem_ref_ps += cpu->sim->now - m->req_time;
		if (cpu->ref_bus_left) {
			ref_bus(cpu);
			return;
		}
		break;
	case BUS_FOR_XACT: {
		uint64_t addr;
		uint8_t *data;
		uint64_t len = xact_piece(op, &addr, &data);

		xact_piece_done(cpu, op, bus_xact_data(m->bus, addr, data,
						       len, op->write));
		break;
	}
	case BUS_FOR_PIO:
		cpu_pio_xact_done(cpu, op);
		break;
	case BUS_FOR_TIMED:
		op->bus_left -= op->bus_left / op->bus_xacts;
		op->bus_xacts--;
		break;
	case BUS_FOR_REMOTE:
		/* the hop ended: the transaction goes on (cpu_xact_done) */
		xact_released(&cpu->xact);
		return;
	}
	cpu_dispatch(cpu);
}

static const struct bus_master_ops cpu_port_ops = {
	.released = cpu_released,
	.granted = cpu_granted,
};

double cpu_effective_cpi(const struct cpu *cpu)
{
	if (!cpu->instructions)
		return 0;
	return ((double)cpu->compute_cycles +
		(double)cpu->mem_ref_ps / (double)cpu->clk.period) /
	       (double)cpu->instructions;
}

uint64_t cpu_busy_cycles(const struct cpu *cpu)
{
	uint64_t ps = cpu->busy_ps;

	if (cpu->state != CPU_IDLE)
		ps += cpu->sim->now - cpu->busy_since;
	return clock_cycles(&cpu->clk, ps);
}

int cpu_init(struct cpu *cpu, struct sim *sim, struct bus *bus,
	     const char *name, const struct cpu_config *cfg,
	     enum bus_mode mode, int priority)
{
	int err;

	if (!cfg->period || !(cfg->cpi > 0) || cfg->mem_frac < 0 ||
	    cfg->mem_frac > 1 || !cfg->word || cfg->word > 8)
		return DMASIM_EINVAL;
	memset(cpu, 0, sizeof(*cpu));
	err = bus_attach(bus, &cpu->port, name, &cpu_port_ops, mode, priority);
	if (err)
		return err;
	cpu->cfg = *cfg;
	cpu->clk.period = cfg->period;
	cpu->sim = sim;
	snprintf(cpu->name, sizeof(cpu->name), "%s", name);
	cpu->track = trace_track(sim, NULL, cpu->name);
	trace_signal(sim, cpu->track, &tp_cpu_state, 0);
	rng_seed(&cpu->rng, sim->seed, cpu->name);
	cpu_ref_cycles(cpu);
	if (stats_add(&sim->stats, cpu->name, "compute_cycles", STAT_COUNTER,
		      "cycles", &cpu->compute_cycles) ||
	    stats_add(&sim->stats, cpu->name, "instructions", STAT_COUNTER, "",
		      &cpu->instructions) ||
	    stats_add(&sim->stats, cpu->name, "mem_refs", STAT_COUNTER, "",
		      &cpu->mem_refs) ||
	    stats_add(&sim->stats, cpu->name, "stall_ps", STAT_COUNTER, "ps",
		      &cpu->stall_ps) ||
	    stats_add(&sim->stats, cpu->name, "busy_ps", STAT_COUNTER, "ps",
		      &cpu->busy_ps) ||
	    stats_add(&sim->stats, cpu->name, "irqs", STAT_COUNTER, "",
		      &cpu->irqs) ||
	    stats_add(&sim->stats, cpu->name, "irq_ps", STAT_COUNTER, "ps",
		      &cpu->irq_ps) ||
	    stats_add(&sim->stats, cpu->name, "pio_bytes", STAT_COUNTER,
		      "bytes", &cpu->pio_bytes) ||
	    stats_add(&sim->stats, cpu->name, "bus_errors", STAT_COUNTER, "",
		      &cpu->bus_errors) ||
	    stats_add(&sim->stats, cpu->name, "irq_latency", STAT_HIST, "ps",
		      &cpu->irq_latency))
		return DMASIM_ENOMEM;
	return 0;
}
