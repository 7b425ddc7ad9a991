/*
 * process: software running on a system.  A process is a kernel process
 * (kernel/proc.h) with a body that says how to resume it: a C function
 * called again at each resumption (struct dmasim_proc's fn), or a Lua
 * coroutine (the Lua layer's body).  Whatever the body, a process waits on
 * the same primitives: a delay, a CPU operation it issued, a DMA channel,
 * a completion.  A process that a CPU starts for an interrupt runs in
 * interrupt context (irq_cpu): its CPU operations pre-empt the
 * interrupted work, and the interrupt returns when it finishes.
 *
 * A process waits for at most one thing at a time, so it carries the one
 * operation it may have in flight (struct sys_op) inline: issuing costs no
 * allocation.
 */
#ifndef DMASIM_SYS_PROCESS_H
#define DMASIM_SYS_PROCESS_H

#include "os/dmamap.h"
#include "os/vm.h"
#include "sys.h"

struct dmasim_mmu;
struct aspace;

/* How a process is resumed and freed. */
struct dma_chan;

struct sys_body {
	void (*resume)(struct dmasim_proc *p);
	/* Optional: where in its source the process is ("file.lua:12"),
	 * into buf (len bytes); for the sanitizer's reports. */
	void (*where)(struct dmasim_proc *p, char *buf, size_t len);
	/* The process finished (or was dropped): free what the body owns,
	 * including p when the body allocated it. */
	void (*done)(struct dmasim_proc *p);
};

/* The operation a process waits for. */
struct sys_op {
	struct cpu_op op[4];		/* ops submitted together */
	unsigned nops;
	struct dmasim_cpu *cpu;		/* they run on */
	struct signal sig;		/* notified when the last completes */
	uint8_t word[4][8];		/* the data of small accesses */
	struct dmasim_result res;
	enum cpu_ctx ctx;		/* the context they run in */
	/* a call that leaves the CPU to wait (sys_call_sleep) */
	bool sleep;			/* its step's end leaves the CPU */
	bool woken;			/* what it waits for is done */
	bool parked;			/* off the CPU, waiting */
	bool slept;			/* it left the CPU once at least */
	uint64_t t0;			/* then: when it first started */
	/* calls run on a CPU (cache maintenance, the mapping API) */
	void (*call)(struct dmasim_proc *p, struct cache_cost *cost);
	union {
		struct {
			struct dmasim_cache *c;
			enum cache_op op;
			uint64_t addr, len;
			struct cache_walk walk;	/* the routine's steps */
			bool walking;		/* walk begun, not ended */
		} maint;
		struct {
			struct dmasim_dmadev *dev;
			int what;
			enum dma_dir dir;
			uint64_t a, b, len;
			struct dmasim_sg *sg;
			unsigned n;
			bool ran;	/* bookkeeping done: its CPU work
					 * (bounce copies) follows */
		} map;
		struct {
			struct dmasim_mmu *mmu;
			struct aspace *as;
			uint8_t *buf;
			uint64_t va, len, done, pa;
			struct vm_job job;	/* a fault's memory work */
			bool write;
			int err;	/* a fault not served: DMASIM_E* */
			int stage;	/* 0 translate, 1 walked, 2 fault,
					 * 3 the fault's memory work,
					 * 4 the page tables' construction */
			uint64_t built;	/* its steps made (sys_vmpt_step) */
			bool refault;	/* a fault found the page present */
			struct dmasim_proc *next_owed;	/* parked, waiting
					 * for an owed entry (sys/mmu.c) */
		} vacc;
		struct {
			struct aspace *as;
			struct vm_job job;
			uint64_t vpn, last;	/* the page, the last one */
			uint64_t pages;		/* pinned */
			uint64_t off;		/* bytes copied */
			uint32_t from, to;	/* a migration's frames */
			int what;		/* 0 zero, 1 migrate, 2 pin */
			int stage;
			int err;		/* the vm's DMASIM_E*, or 0 */
			uint8_t line[64];	/* a copy's line */
		} vmw;
	} u;
};

struct dmasim_proc {
	struct proc p;			/* first: the kernel's process */
	struct dmasim_sys *sys;
	const struct sys_body *body;
	dmasim_proc_fn fn;		/* a C body's function */
	void *ctx;
	int pc;				/* its resume point */
	struct cpu *irq_cpu;		/* an interrupt handler of this CPU */
	unsigned irq_level;		/* at this handler level */
	struct sys_op op;
	struct dmasim_proc *next;	/* the system's live processes */
	struct dmasim_proc **pprev;	/* what points at it: O(1) unlink */
};

/* Start p (zeroed by the caller, body set) as a process now.  Returns 0 or
 * DMASIM_ENOMEM. */
int sys_proc_start(struct dmasim_sys *sys, struct dmasim_proc *p,
		   const struct sys_body *body);
/* The process being resumed, or NULL. */
struct dmasim_proc *sys_proc_current(const struct dmasim_sys *sys);
/* Where in the software an access by initiator (a CPU's name; NULL: any
 * CPU) comes from: the process running now, or else the one whose
 * operation that CPU is running; "" when none says. */
void sys_proc_where(struct dmasim_sys *sys, const char *initiator,
		    char *buf, size_t len);
struct sys_origin {
	char who[40];		/* a DMA channel's name */
	char where[200];
};
/* A DMA channel started (struct dma_engine's on_start, ctx the system):
 * keep where in the software it was started from. */
void sys_dma_started(void *ctx, struct dma_chan *ch);
/* What sys_dma_started() kept for initiator, into buf ("" when none). */
void sys_origin(const struct dmasim_sys *sys, const char *initiator,
		char *buf, size_t len);
/* Make p wait on sig; returns DMASIM_WAITING. */
int sys_proc_wait(struct dmasim_proc *p, struct signal *sig);
/* Drop every live process (the system is being freed). */
void sys_procs_free(struct dmasim_sys *sys);

/* Interrupt handlers: how a CPU starts one for a line. */
struct sys_irq_handler {
	/* Start the handler's process (its irq_cpu set) for cpu's line. */
	int (*start)(struct dmasim_cpu *cpu, unsigned line, void *ctx);
	void *ctx;
	void (*free)(void *ctx);	/* optional, at system free */
};
int sys_cpu_set_irq(struct dmasim_cpu *cpu, unsigned line,
		    const struct sys_irq_handler *h);
/* Mark p as cpu's interrupt handler (call before it issues anything). */
void sys_proc_irq(struct dmasim_proc *p, struct dmasim_cpu *cpu);

/* Issue the operation prepared in p->op (nops CPU ops) on cpu and wait.
 * Returns DMASIM_WAITING or an error (message set). */
int sys_op_issue(struct dmasim_proc *p, struct dmasim_cpu *cpu,
		 const char *what);
/* The routine of a cache maintenance operation (sys/ops.c). */
void sys_maint_call(struct dmasim_proc *p, struct cache_cost *cost);
/* Issue a call (p->op.call set) on cpu and wait. */
int sys_call_issue(struct dmasim_proc *p, struct dmasim_cpu *cpu,
		   const char *what);
/* For a call's routine: once this step's cycles are spent, the call
 * leaves the CPU (which runs other work meanwhile) until
 * sys_call_wake(p), then is queued on the CPU again and its routine goes
 * on where it was.  The wake may come before the step ends. */
void sys_call_sleep(struct dmasim_proc *p);
void sys_call_wake(struct dmasim_proc *p);
/* For a call's routine that queued page transfers in vm (a fault it
 * handled): start them and sleep until they are done.  False when
 * nothing is queued. */
bool sys_call_swap_wait(struct dmasim_proc *p, struct vm *vm);

#endif
