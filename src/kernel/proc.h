/*
 * proc: software running on the simulated machine, as processes that wait
 * for a delay or for a signal.  A process is resumed from an event; what it
 * does when resumed is up to its ops (a C state machine, or a Lua coroutine
 * in the Lua layer).
 *
 * States and the functions behind each edge:
 *
 *   NEW --proc_start--> READY --resume--> RUNNING
 *   RUNNING --proc_wait_delay--> SLEEPING --timer event--> READY
 *   RUNNING --proc_wait_signal--> WAITING --signal_notify--> READY
 *   RUNNING --(resume returns without waiting)--> DONE
 *   any --proc_kill--> DONE
 *
 * A process woken by a signal runs in PHASE_WAKE of the instant the signal
 * was notified (before that instant's requests and arbitration); one whose
 * delay ends runs in PHASE_REQUEST.
 */
#ifndef DMASIM_KERNEL_PROC_H
#define DMASIM_KERNEL_PROC_H

#include <stdint.h>

#include "sim.h"

struct proc;

enum proc_state {
	PROC_NEW,
	PROC_READY,
	PROC_RUNNING,
	PROC_SLEEPING,
	PROC_WAITING,
	PROC_DONE
};

struct proc_ops {
	/* Run the process until it waits (proc_wait_*) or finishes. */
	void (*resume)(struct proc *p);
	/* Optional: called once when the process reaches DONE. */
	void (*done)(struct proc *p);
};

/* Something processes wait for; each notify wakes every waiter. */
struct signal {
	struct proc *head, *tail;	/* FIFO of waiters */
	uint64_t notified;		/* times notified */
};

struct proc {
	const struct proc_ops *ops;
	struct sim *sim;
	enum proc_state state;
	struct ev_handle wake;
	struct signal *on;	/* signal waited on, when WAITING */
	struct proc *next;	/* next waiter on the same signal */
};

void proc_init(struct proc *p, struct sim *sim, const struct proc_ops *ops);

/* Make a NEW process READY to run at the current instant.  Returns 0 or
 * DMASIM_ENOMEM. */
int proc_start(struct proc *p);

/* From within resume: sleep for delay ps.  Returns 0 or DMASIM_ENOMEM. */
int proc_wait_delay(struct proc *p, uint64_t delay);

/* From within resume: wait for the next notify of sig. */
void proc_wait_signal(struct proc *p, struct signal *sig);

/* Stop a process wherever it is; it will not be resumed again. */
void proc_kill(struct proc *p);

static inline void signal_init(struct signal *s)
{
	s->head = s->tail = 0;
	s->notified = 0;
}

/* Wake every process waiting on sig.  Returns 0 or DMASIM_ENOMEM. */
int signal_notify(struct sim *sim, struct signal *sig);

#endif
