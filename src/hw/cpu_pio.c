/* cpu_pio: programmed I/O, word by word: loop overhead, the device's data
 * register (after waiting for its request line) and memory.  See cpu.h. */
#include <assert.h>

#include "cpu_int.h"
#include "xact.h"

static void cpu_pio_ready(struct sim *sim, struct event *ev)
{
	struct cpu *cpu = ev->obj;

	(void)sim;
	cpu->ev.ev = NULL;
	cpu->pio_wait_ps += cpu->sim->now - cpu->ev_start;
	cpu->pio_ready_seen = true;
	cpu_dispatch(cpu);
}

/*
 * PIO: the bytes of the next step: a CPU word at most, and no more than
 * the device's request line covers (its ready op lowers the length; the
 * time it gives is waited for in cpu_pio_run()).
 */
uint64_t cpu_pio_word(const struct cpu *cpu, const struct cpu_op *op)
{
	uint64_t w = op->len - op->step < cpu->cfg.word ?
		     op->len - op->step : cpu->cfg.word;
	uint64_t off;
	struct bus_target *t = bus_route(cpu->port.bus, op->addr, w, &off);

	if (t && t->ops->ready)
		t->ops->ready(t, off, &w, op->write);
	return w;
}

/* PIO: the address and direction of the current phase's transaction. */
static void cpu_pio_phase(const struct cpu_op *op, uint64_t w,
			   uint64_t *addr, bool *write, bool *device)
{
	bool first = op->phase == 1;

	*device = op->write ? !first : first;
	if (*device) {
		*addr = op->addr;
		*write = op->write;
	} else {
		*addr = op->mem + op->step;
		*write = !op->write;
	}
	(void)w;
}

void cpu_pio_run(struct cpu *cpu, struct cpu_op *op)
{
	uint64_t w = op->pio_w;
	uint64_t addr, off;
	bool write, device;
	struct bus_target *t;

	if (op->phase == 0) {
		cpu_set_state(cpu, CPU_COMPUTING);
		cpu_timer(cpu, cpu_chunk_start(op, cpu->cfg.pio_loop),
			  cpu_compute_chunk_done);
		return;
	}
	cpu_pio_phase(op, w, &addr, &write, &device);
	t = bus_route(cpu->port.bus, addr, w, &off);
	if (!t) {
		cpu_op_complete(cpu, op, BUS_ERR_DECODE);
		cpu_dispatch(cpu);
		return;
	}
	if (t->ops->forward) {
		/* the far bus waits for a paced device's request line */
		cpu_remote(cpu, addr, op->word, w, write, BUS_FOR_PIO);
		return;
	}
	if (device && t->ops->ready && !cpu->pio_ready_seen) {
		/* The line may cover less than planned (the device changed
		 * since): move only that; the rest comes next step. */
		uint64_t at = t->ops->ready(t, off, &w, write);

		op->pio_w = w;
		if (at > cpu->sim->now) {
			struct event *ev = sim_at(cpu->sim, at, PHASE_REQUEST,
						  cpu_pio_ready, cpu, NULL, 0);

			assert(ev);
			cpu->ev = evq_handle(ev);
			cpu->ev_start = cpu->sim->now;
			cpu_set_state(cpu, CPU_PIO_WAIT);
			return;
		}
	}
	cpu->pio_ready_seen = false;
	cpu_ask_bus(cpu, t->ops->cycles(t, off, w, write), BUS_FOR_PIO);
}

void cpu_pio_xact_done(struct cpu *cpu, struct cpu_op *op)
{
	uint64_t w = op->pio_w;
	uint64_t addr;
	bool write, device;
	int st;

	cpu_pio_phase(op, w, &addr, &write, &device);
	st = bus_xact_data(cpu->port.bus, addr, op->word, w, write);
	cpu_pio_next(cpu, op, st);
}

/* A PIO transaction moved its data with status st: the next phase. */
void cpu_pio_next(struct cpu *cpu, struct cpu_op *op, int st)
{
	uint64_t w = op->pio_w;

	if (st) {
		cpu_op_complete(cpu, op, st);
		return;
	}
	if (op->phase == 1) {
		op->phase = 2;
		return;
	}
	op->step += w;
	cpu->pio_bytes += w;
	op->phase = 0;
	if (op->step == op->len)
		cpu_op_finish(cpu, op);
}
