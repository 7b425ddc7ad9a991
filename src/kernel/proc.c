/* proc: processes and signals.  See proc.h for the state machine. */
#include "proc.h"

#include <assert.h>

#include "kernel/base.h"

void proc_init(struct proc *p, struct sim *sim, const struct proc_ops *ops)
{
	p->ops = ops;
	p->sim = sim;
	p->state = PROC_NEW;
	p->wake.ev = NULL;
	p->wake.gen = 0;
	p->on = NULL;
	p->next = NULL;
}

static void proc_finish(struct proc *p)
{
	p->state = PROC_DONE;
	if (p->ops->done)
		p->ops->done(p);
}

static void proc_run(struct sim *sim, struct event *ev)
{
	struct proc *p = ev->obj;
	struct proc *saved = sim->current;

	assert(p->state == PROC_READY || p->state == PROC_SLEEPING);
	p->wake.ev = NULL;
	p->state = PROC_RUNNING;
	sim->current = p;
	p->ops->resume(p);
	sim->current = saved;
	if (p->state == PROC_RUNNING)
		proc_finish(p);
}

static int proc_ready_at(struct proc *p, uint64_t t, enum phase phase)
{
	struct event *ev = sim_at_clamped(p->sim, t, phase, proc_run, p,
					  NULL, 0);

	if (!ev)
		return DMASIM_ENOMEM;
	p->state = PROC_READY;
	p->wake = evq_handle(ev);
	return 0;
}

int proc_start(struct proc *p)
{
	assert(p->state == PROC_NEW);
	return proc_ready_at(p, p->sim->now, PHASE_WAKE);
}

int proc_wait_delay(struct proc *p, uint64_t delay)
{
	int err;

	assert(p->state == PROC_RUNNING);
	err = proc_ready_at(p, p->sim->now + delay, PHASE_REQUEST);
	if (!err)
		p->state = PROC_SLEEPING;
	return err;
}

void proc_wait_signal(struct proc *p, struct signal *sig)
{
	assert(p->state == PROC_RUNNING);
	p->state = PROC_WAITING;
	p->on = sig;
	p->next = NULL;
	if (sig->tail)
		sig->tail->next = p;
	else
		sig->head = p;
	sig->tail = p;
}

static void signal_unlink(struct signal *sig, struct proc *p)
{
	struct proc **pp = &sig->head, *prev = NULL;

	while (*pp && *pp != p) {
		prev = *pp;
		pp = &(*pp)->next;
	}
	if (!*pp)
		return;
	*pp = p->next;
	if (sig->tail == p)
		sig->tail = prev;
	p->next = NULL;
}

void proc_kill(struct proc *p)
{
	if (p->state == PROC_DONE)
		return;
	sim_cancel(p->sim, p->wake);
	p->wake.ev = NULL;
	if (p->state == PROC_WAITING && p->on)
		signal_unlink(p->on, p);
	p->on = NULL;
	proc_finish(p);
}

int signal_notify(struct sim *sim, struct signal *sig)
{
	struct proc *p = sig->head;

	(void)sim;
	sig->notified++;
	sig->head = sig->tail = NULL;
	while (p) {
		struct proc *next = p->next;
		int err;

		p->next = NULL;
		p->on = NULL;
		err = proc_ready_at(p, p->sim->now, PHASE_WAKE);
		if (err)
			return err;
		p = next;
	}
	return 0;
}
