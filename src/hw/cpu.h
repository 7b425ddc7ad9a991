/*
 * cpu: a processor attached to the bus as a master, running software.
 *
 * Software (Lua or C processes) hands the CPU operations; each costs cycles
 * of the CPU clock, and the process waits until its operation completes:
 *
 *   compute(n)   n instructions at the base CPI, of which a fraction
 *                `mem_frac` reference memory.  With no `footprint` (or no
 *                cache) each reference is a miss that must win the bus for
 *                one word at data_addr: bus contention stretches the work,
 *                so the effective CPI rises.  With a footprint and a cache,
 *                each reference loads a word at data_addr plus a random
 *                word offset below footprint (the CPU's own stream) through
 *                the cache: a hit costs the cache's hit cycles and no bus,
 *                a miss its line fill on the bus.
 *   busy(n)      n cycles with no bus traffic (fixed driver overheads).
 *   xact         one bus transaction: a load, a store or a device register
 *                access, moving real bytes.  Through a cache, its hits and
 *                line transactions (fills, write-backs, each its own bus
 *                grant); to a non-cacheable page, one bus transaction per
 *                access of the cache's word, each granted on its own (a
 *                DMA competes with them access by access), its data moved
 *                as that transaction completes.
 *   call         a software routine modelled in C (cache maintenance, the
 *                DMA mapping API): its function runs when the CPU gets to
 *                it and returns its cost, CPU cycles then bus cycles.  A
 *                routine may run in steps (`again`: called again once a
 *                step's cycles are spent, interrupts taken between steps)
 *                and may wait (`park`: the CPU does nothing until someone
 *                calls cpu_call_resume(), e.g. a barrier waiting for the
 *                cache's write-backs).
 *   pio          programmed I/O: per word, `pio_loop` instructions of loop
 *                overhead, a read (or write) of the device's data register
 *                (a bus transaction with the device's access latency, after
 *                waiting for the device to be ready), and a memory store
 *                (or load) of the word.  A step moves no more than the
 *                device's request line covers (a buffer smaller than a word
 *                makes shorter steps).
 *
 * Interrupts: a raised line is taken at the next operation boundary (a
 * compute run is cut at once; a bus transaction in flight completes
 * first).  Taking it costs `irq_entry` cycles, then the line's handler runs
 * in interrupt context, pre-empting the interrupted process's operation;
 * its own operations go first; then `irq_exit` cycles, and the interrupted
 * work resumes.  Each line has a priority (cpu_set_irq_priority, 0 by
 * default): a pending line pre-empts a running handler only when its
 * priority is strictly higher (nesting, up to CPU_IRQ_NEST levels), so
 * lines of equal priority never nest; of several pending lines the
 * highest priority is taken first, the lowest line number among equals.
 * Each handler level has its own queue of operations (level 0 is the
 * thread context).  An interrupt controller (hw/intc) may hook a line to
 * see when its handler starts and ends.
 *
 * Engine state machine (cpu->state):
 *   IDLE --cpu_submit / irq raise--> dispatched by cpu_dispatch()
 *   COMPUTING --chunk_done--> MEM_REF (bus_request) or next step
 *   COMPUTING --cpu_raise_irq (pre-empt)--> IRQ_ENTRY
 *   BUS (waiting or holding) --cpu_released--> next step
 *   PIO_WAIT (device not ready) --pio_ready event--> BUS
 *   TIMED (a call, or a load/store the memory hook took) --timed_done-->
 *   BUS for its memory traffic, or next step
 *   IRQ_ENTRY --entry_done--> HANDLER (handler's ops run) --handler done-->
 *   IRQ_EXIT --exit_done--> cpu_dispatch()
 */
#ifndef DMASIM_HW_CPU_H
#define DMASIM_HW_CPU_H

#include <stdbool.h>
#include <stdint.h>

#include "bus.h"
#include "xact.h"
#include "kernel/proc.h"
#include "kernel/rng.h"
#include "kernel/stats.h"

enum cpu_state {
	CPU_IDLE,
	CPU_COMPUTING,	/* a run of instructions between memory references */
	CPU_BUS,	/* waiting for or holding the bus */
	CPU_PIO_WAIT,	/* waiting for a device to be ready */
	CPU_TIMED,	/* the CPU cycles of a call or a cached access */
	CPU_IRQ_ENTRY,
	CPU_HANDLER,	/* the handler runs (its operations, if any) */
	CPU_IRQ_EXIT
};

enum cpu_op_kind { CPU_OP_COMPUTE, CPU_OP_XACT, CPU_OP_PIO, CPU_OP_CALL };

struct cpu;
struct cpu_op;

typedef void (*cpu_op_done_fn)(struct cpu *cpu, struct cpu_op *op);
/* A call's routine: runs at the start, adds its cost (CPU cycles, then bus
 * cycles of memory traffic). */
typedef void (*cpu_call_fn)(struct cpu *cpu, struct cpu_op *op,
			    uint64_t *cycles, uint64_t *bus_cycles);

/*
 * Optional agent between the CPU and memory (a cache): it may take a
 * load/store, moving the data at once and returning its cost (CPU cycles,
 * then bus cycles made of *bus_xacts transactions of equal length); false
 * leaves the access to the bus as usual (device registers, no memory
 * there).  uncached (optional), asked first: the access size in bytes when
 * [addr, addr + len) bypasses the agent (a non-cacheable page), so the CPU
 * makes the access itself as one bus transaction per access of that size;
 * 0 when the agent takes it.
 */
struct cpu_mem_hook {
	bool (*xact)(void *ctx, struct cpu *cpu, uint64_t addr, void *data,
		     uint64_t len, bool write, uint64_t *cycles,
		     uint64_t *bus_cycles, uint64_t *bus_xacts);
	uint32_t (*uncached)(void *ctx, uint64_t addr, uint64_t len,
			     bool write);
	void *ctx;
};

/* An operation; the caller owns it until its done callback runs, exactly
 * once. */
struct cpu_op {
	enum cpu_op_kind kind;
	/* COMPUTE */
	uint64_t instr;		/* instructions left */
	double cpi;		/* cycles per instruction */
	double mem_frac;	/* memory references per instruction */
	/* XACT and PIO */
	uint64_t addr;		/* bus address (PIO: the data register) */
	uint64_t len;		/* bytes (PIO: bytes to move) */
	uint64_t mem;		/* PIO: memory address of the buffer */
	bool write;		/* XACT: store; PIO: memory to device */
	uint8_t *data;		/* XACT: len bytes, moved at completion */
	cpu_call_fn call;	/* CALL */
	bool again;		/* CALL: set by the routine: run it again once
				 * its cycles are spent (a routine in steps) */
	bool park;		/* CALL: set by the routine: the CPU waits,
				 * doing nothing, until cpu_call_resume() */
	uint64_t call_xacts;	/* CALL: set by the routine: the bus
				 * transactions its bus cycles are made of,
				 * each its own grant (0: one) */
	uint64_t bus_left;	/* CALL, hooked XACT: bus cycles still due */
	uint64_t bus_xacts;	/* hooked XACT: bus transactions still due
				 * (bus_left split evenly among them) */
	/* result */
	int status;		/* BUS_OK or BUS_ERR_* */
	uint64_t start;		/* ps */
	uint64_t cycles;	/* CPU cycles it took, stalls included */
	cpu_op_done_fn done;
	void *ctx;
	/* private */
	struct cpu_op *next;
	double ref_acc;		/* fractional memory references due */
	uint64_t step;		/* PIO: bytes done */
	uint64_t pio_w;		/* PIO: bytes of the step in flight */
	uint32_t nc_word;	/* XACT: bytes per uncached access (0: one
				 * transaction for the whole op) */
	int phase;		/* PIO: 0 loop, 1 device, 2 memory */
	uint64_t chunk;		/* instructions in the running chunk */
	uint64_t chunk_cycles;	/* CPU cycles the running chunk takes */
	double cyc_frac;	/* fraction of a cycle carried to the next */
	bool started;
	uint8_t word[8];
};

/* Interrupt handler: runs in interrupt context; it may submit operations
 * to its level (cpu_irq_level() when it starts; CPU_CTX_IRQ when handlers
 * do not nest) and must call cpu_irq_done_level() when finished. */
typedef void (*cpu_irq_fn)(struct cpu *cpu, unsigned line, void *ctx);

/* A context is a level: 0 the thread, k the k-th nested handler. */
enum cpu_ctx { CPU_CTX_THREAD = 0, CPU_CTX_IRQ = 1 };

/* Handler levels that may be nested. */
#define CPU_IRQ_NEST 8

/* One level of interrupt being handled. */
struct cpu_irq_frame {
	unsigned line;
	int prio;
	bool handler_running;	/* its handler has not called done */
	uint64_t start;		/* ps: entry began */
	uint64_t run_since;	/* ps: this level last (re)gained the CPU */
	uint64_t own_ps;	/* ps at this level, nested levels excluded */
};

/* A controller's view of a line it delivers (hw/intc): ack when the
 * handler starts (after the entry cycles), eoi when the exit cycles
 * end, with the ps spent at that level (entry, handler and exit, nested
 * handlers excluded). */
struct cpu_irq_hook {
	void (*ack)(void *ctx, struct cpu *cpu, unsigned line);
	void (*eoi)(void *ctx, struct cpu *cpu, unsigned line,
		    uint64_t own_ps);
	void *ctx;
};

struct cpu_config {
	uint64_t period;	/* ps per CPU cycle */
	double cpi;		/* base cycles per instruction */
	double mem_frac;	/* memory references per instruction */
	uint64_t data_addr;	/* bus address the references go to */
	uint64_t footprint;	/* bytes referenced from data_addr through
				 * the cache; 0: every reference to the bus */
	uint32_t word;		/* bytes per PIO word (1..8) */
	uint32_t pio_loop;	/* instructions of loop overhead per word */
	uint32_t irq_entry;	/* cycles to take an interrupt */
	uint32_t irq_exit;	/* cycles to return from one */
};

struct cpu_irq_handler {
	cpu_irq_fn fn;
	void *ctx;
};

#define CPU_IRQ_LINES 64

struct cpu {
	struct bus_master port;
	struct clock clk;
	struct cpu_config cfg;
	struct sim *sim;
	char name[32];
	enum cpu_state state;
	uint32_t track;			/* trace track, 0 when not traced */
	uint8_t trace_level;		/* traced activity (see cpu.c) */
	uint32_t irq_track[CPU_IRQ_LINES];	/* interrupt lines' wires, traced */
	/* operations, per level: FIFO */
	struct cpu_op *head[CPU_IRQ_NEST + 1], *tail[CPU_IRQ_NEST + 1];
	bool in_irq;			/* depth > 0 */
	unsigned depth;			/* handler levels entered */
	bool irq_calling;		/* a handler's start routine runs */
	struct cpu_irq_frame frame[CPU_IRQ_NEST];	/* by depth - 1 */
	int irq_prio[CPU_IRQ_LINES];	/* per line */
	struct cpu_irq_hook irq_hook[CPU_IRQ_LINES];	/* per line, optional */
	int port_why;			/* what the bus tenure is for */
	int remote_why;			/* what a transaction across a bridge
					 * is for */
	struct xact xact;		/* one across a bridge */
	bool pio_ready_seen;		/* the device was waited for */
	struct ev_handle ev;		/* chunk or entry/exit timer */
	uint64_t ev_start;		/* ps: when the running chunk began */
	uint64_t irq_pending;		/* bitmask of raised lines */
	uint64_t irq_raised_at[CPU_IRQ_LINES];
	struct cpu_irq_handler handler[CPU_IRQ_LINES];
	struct cpu_mem_hook mem_hook;	/* a cache, if any */
	struct bus_target *ref_target;	/* answers data_addr; NULL: none yet */
	uint64_t ref_cycles;		/* bus cycles per memory reference */
	uint64_t ref_bus_left;		/* bus cycles of a cached reference due */
	uint64_t ref_bus_xacts;		/* in that many transactions */
	struct rng rng;			/* footprint offsets */
	uint64_t busy_since;		/* ps: start of the current busy run */
	/* statistics */
	uint64_t compute_cycles;	/* cycles executing instructions */
	uint64_t instructions;
	uint64_t mem_refs;
	uint64_t mem_ref_ps;		/* cache hit cycles, waiting for and
					 * holding the bus */
	uint64_t stall_ps;		/* waiting for bus grants */
	uint64_t busy_ps;		/* not idle */
	uint64_t irq_ps;		/* entry, handler and exit */
	uint64_t irqs;
	uint64_t irq_nested;		/* taken inside another handler */
	uint64_t pio_bytes;
	uint64_t pio_wait_ps;		/* waiting for a device */
	uint64_t bus_errors;
	struct stat_hist irq_latency;	/* ps from raise to handler start */
};

/* Attach the CPU to the bus.  Returns 0, DMASIM_EINVAL or DMASIM_ENOMEM. */
int cpu_init(struct cpu *cpu, struct sim *sim, struct bus *bus,
	     const char *name, const struct cpu_config *cfg,
	     enum bus_mode mode, int priority);

/* Queue an operation in a context; it starts when the CPU gets to it.
 * Returns 0, or DMASIM_EINVAL (the operation is malformed: no instructions'
 * CPI, a zero-length transfer, interrupt context outside a handler). */
int cpu_submit(struct cpu *cpu, enum cpu_ctx ctx, struct cpu_op *op);

/* Helpers that fill an operation. */
void cpu_op_compute(struct cpu_op *op, uint64_t instr, double cpi,
		    double mem_frac);
void cpu_op_xact(struct cpu_op *op, uint64_t addr, void *data, uint64_t len,
		 bool write);
void cpu_op_call(struct cpu_op *op, cpu_call_fn fn, void *ctx);
void cpu_op_pio(struct cpu_op *op, uint64_t reg, uint64_t mem, uint64_t len,
		bool to_device);

/* Put an agent (a cache: cache_cpu_hook()) between the CPU and memory. */
static inline void cpu_set_mem_hook(struct cpu *cpu, struct cpu_mem_hook h)
{
	cpu->mem_hook = h;
}

/* A parked call (op->park) goes on: its routine runs again. */
void cpu_call_resume(struct cpu *cpu);

/* Install the handler of an interrupt line (NULL fn: entry and exit only). */
void cpu_set_irq_handler(struct cpu *cpu, unsigned line, cpu_irq_fn fn,
			 void *ctx);
/* A line's priority: larger pre-empts smaller (see above). */
void cpu_set_irq_priority(struct cpu *cpu, unsigned line, int prio);
/* Hook a line (a controller delivering it); NULL ops: none. */
void cpu_set_irq_hook(struct cpu *cpu, unsigned line,
		      const struct cpu_irq_hook *hook);
/* Raise a line (edge): taken at the next operation boundary. */
void cpu_raise_irq(struct cpu *cpu, unsigned line);
/* Withdraw a raised line not yet taken (a controller masking it). */
void cpu_withdraw_irq(struct cpu *cpu, unsigned line);
/* The handler of the current interrupt has finished. */
void cpu_irq_done(struct cpu *cpu);
/* The handler at level (1..depth) has finished; its level returns once
 * its operations are done and no nested level is above it. */
void cpu_irq_done_level(struct cpu *cpu, unsigned level);
/* Current handler level: 0 in the thread context. */
static inline unsigned cpu_irq_level(const struct cpu *cpu)
{
	return cpu->depth;
}

/* Effective cycles per instruction of the compute work so far. */
double cpu_effective_cpi(const struct cpu *cpu);
/* CPU cycles spent not idle. */
uint64_t cpu_busy_cycles(const struct cpu *cpu);

#endif
