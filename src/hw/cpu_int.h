/*
 * cpu_int: what the files of the CPU model share (cpu.c: the engine and
 * operations; cpu_irq.c: interrupts; cpu_pio.c: programmed I/O).  Private
 * to the model; see cpu.h for its interface.
 */
#ifndef DMASIM_HW_CPU_INT_H
#define DMASIM_HW_CPU_INT_H

#include "cpu.h"
#include "kernel/trace.h"

/* What a bus tenure of the operation engine is for. */
enum { BUS_FOR_REF, BUS_FOR_XACT, BUS_FOR_PIO, BUS_FOR_TIMED,
       BUS_FOR_REMOTE };

/* Trace the CPU's activity as it enters state st (cpu.c). */
void cpu_trace_state(struct cpu *cpu, enum cpu_state st);

static inline void cpu_set_state(struct cpu *cpu, enum cpu_state st)
{
	if (cpu->track && trace_on(cpu->sim))
		cpu_trace_state(cpu, st);
	cpu->state = st;
}

static inline struct cpu_op *cpu_current(const struct cpu *cpu)
{
	return cpu->head[cpu->depth];
}

/* The engine (cpu.c). */
void cpu_dispatch(struct cpu *cpu);
void cpu_wake(struct cpu *cpu);
/* Schedule fn after `cycles` CPU cycles as the running step. */
void cpu_timer(struct cpu *cpu, uint64_t cycles, event_fn fn);
void cpu_op_finish(struct cpu *cpu, struct cpu_op *op);
/* Complete an operation with a bus status (BUS_OK: success). */
void cpu_op_complete(struct cpu *cpu, struct cpu_op *op, int status);
/* Start a chunk of instr instructions: the whole cycles they take. */
uint64_t cpu_chunk_start(struct cpu_op *op, uint64_t instr);
void cpu_compute_chunk_done(struct sim *sim, struct event *ev);
void cpu_ask_bus(struct cpu *cpu, uint64_t cycles, int why);
/* An interrupt cuts a compute run or a wait for a device. */
void cpu_preempt(struct cpu *cpu);
/* An access across a bridge, a transaction routed hop by hop. */
void cpu_remote(struct cpu *cpu, uint64_t addr, void *data, uint64_t len,
		bool write, int why);

/* Programmed I/O (cpu_pio.c). */
uint64_t cpu_pio_word(const struct cpu *cpu, const struct cpu_op *op);
void cpu_pio_run(struct cpu *cpu, struct cpu_op *op);
void cpu_pio_xact_done(struct cpu *cpu, struct cpu_op *op);
/* A PIO transaction moved its data with status st: the next phase. */
void cpu_pio_next(struct cpu *cpu, struct cpu_op *op, int st);

/* Interrupts (cpu_irq.c). */
/* A pending line may be taken now (above the running level's priority). */
bool cpu_irq_deliverable(const struct cpu *cpu);
void cpu_take_irq(struct cpu *cpu);
void cpu_irq_exit(struct cpu *cpu);

#endif
