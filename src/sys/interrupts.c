/* interrupts: a system's interrupt controllers and interval timers
 * (dmasim/machine.h).  See sys.h. */
#include <stdio.h>
#include <string.h>

#include "sys.h"

/* ---- interrupt controllers ---- */

void dmasim_intc_config_init(struct dmasim_intc_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->lines = 32;
}

int dmasim_intc_new(struct dmasim_sys *sys,
		    const struct dmasim_intc_config *cfg,
		    struct dmasim_intc **out)
{
	struct dmasim_intc_config def;
	struct dmasim_intc *ic;
	char name[SYS_NAME_MAX];
	int err;

	if (!cfg) {
		dmasim_intc_config_init(&def);
		cfg = &def;
	}
	if ((err = sys_comp_name(sys, "intc", cfg->name, "intc", sys->nintcs,
				 name, sizeof(name))))
		return err;
	if (!cfg->lines || cfg->lines > INTC_MAX_LINES)
		return sys_error(sys, DMASIM_EINVAL, "intc '%s': lines %u: "
				 "expected 1 to %d", name, cfg->lines,
				 INTC_MAX_LINES);
	ic = sys_alloc(sys, sizeof(*ic), NULL);
	if (!ic)
		return sys_error(sys, DMASIM_ENOMEM, "out of memory");
	ic->sys = sys;
	err = intc_init(&ic->ic, &sys->sim, name, cfg->lines);
	if (err)
		return sys_error(sys, err, "intc '%s': %s", name,
				 dmasim_strerror(err));
	sys->nintcs++;
	if (out)
		*out = ic;
	return 0;
}

static int intc_line_ok(const struct dmasim_intc *ic, unsigned line,
			const char *what)
{
	if (line >= ic->ic.nlines)
		return sys_error(ic->sys, DMASIM_EINVAL, "intc '%s': %s line "
				 "%u: expected 0 to %u", ic->ic.name, what,
				 line, ic->ic.nlines - 1);
	return 0;
}

int dmasim_intc_route(struct dmasim_intc *ic, unsigned line,
		      struct dmasim_cpu *cpu, int priority)
{
	int err;

	if ((err = intc_line_ok(ic, line, "route")))
		return err;
	if (!cpu)
		return sys_error(ic->sys, DMASIM_EINVAL, "intc '%s': line %u: "
				 "expected a CPU to deliver it to",
				 ic->ic.name, line);
	if ((err = sys_owns(ic->sys, cpu->sys, "the CPU")))
		return err;
	err = intc_route(&ic->ic, line, &cpu->cpu, priority);
	if (err == DMASIM_EINVAL)
		return sys_error(ic->sys, err, "intc '%s': line %u is pending: "
				 "expected it routed while idle", ic->ic.name,
				 line);
	if (err)
		return sys_error(ic->sys, err, "out of memory");
	return 0;
}

int dmasim_intc_mask(struct dmasim_intc *ic, unsigned line, bool masked)
{
	int err = intc_line_ok(ic, line, "mask");

	if (err)
		return err;
	intc_mask(&ic->ic, line, masked);
	return 0;
}

int dmasim_intc_raise(struct dmasim_intc *ic, unsigned line)
{
	int err = intc_line_ok(ic, line, "raise");

	if (err)
		return err;
	intc_raise(&ic->ic, line);
	return 0;
}

int dmasim_intc_line_info(const struct dmasim_intc *ic, unsigned line,
			  struct dmasim_intc_line_info *out)
{
	const struct intc_line *l;
	int err = intc_line_ok(ic, line, "info");

	if (err)
		return err;
	l = &ic->ic.line[line];
	memset(out, 0, sizeof(*out));
	out->routed = l->cpu != NULL;
	out->masked = l->masked;
	out->pending = l->state != INTC_IDLE;
	out->priority = l->prio;
	out->raised = l->raised;
	out->delivered = l->delivered;
	out->lost = l->lost;
	out->handler_ps = l->handler_ps;
	out->latency_count = l->latency.count;
	out->latency_min = l->latency.count ? l->latency.min : 0;
	out->latency_max = l->latency.max;
	out->latency_mean = stat_hist_mean(&l->latency);
	return 0;
}

/* ---- interval timers ---- */

static void timer_fini_cb(void *obj)
{
	timer_stop(&((struct dmasim_timer *)obj)->t);
}

int dmasim_timer_new(struct dmasim_sys *sys,
		     const struct dmasim_timer_config *cfg,
		     struct dmasim_timer **out)
{
	struct dmasim_timer *t;
	char name[SYS_NAME_MAX];
	int err;

	if (!cfg || !cfg->intc)
		return sys_error(sys, DMASIM_EINVAL, "timer: no intc: expected "
				 "the interrupt controller it raises");
	if ((err = sys_comp_name(sys, "timer", cfg->name, "timer",
				 sys->ntimers, name, sizeof(name))) ||
	    (err = sys_owns(sys, cfg->intc->sys, "the intc")))
		return err;
	if (cfg->line >= cfg->intc->ic.nlines)
		return sys_error(sys, DMASIM_EINVAL, "timer '%s': line %u: "
				 "expected 0 to %u", name, cfg->line,
				 cfg->intc->ic.nlines - 1);
	t = sys_alloc(sys, sizeof(*t), timer_fini_cb);
	if (!t)
		return sys_error(sys, DMASIM_ENOMEM, "out of memory");
	t->sys = sys;
	err = timer_init(&t->t, &sys->sim, name,
			 intc_sink(&cfg->intc->ic, cfg->line));
	if (err)
		return sys_error(sys, err, "out of memory");
	sys->ntimers++;
	if (out)
		*out = t;
	return 0;
}

int dmasim_timer_start(struct dmasim_timer *t, uint64_t period_ps,
		       bool periodic)
{
	if (!period_ps)
		return sys_error(t->sys, DMASIM_EINVAL, "timer '%s': period 0: "
				 "expected a positive time", t->t.name);
	return timer_start(&t->t, period_ps, periodic);
}

void dmasim_timer_stop(struct dmasim_timer *t)
{
	timer_stop(&t->t);
}

uint64_t dmasim_timer_fires(const struct dmasim_timer *t)
{
	return t->t.fires;
}

int sys_irq_check(struct dmasim_sys *sys, const char *kind,
		  const char *name, const struct dmasim_intc *intc,
		  unsigned line, uint64_t msi)
{
	int err;

	if (msi && !intc)
		return sys_error(sys, DMASIM_EINVAL, "%s '%s': msi %#llx "
				 "without an intc: expected the interrupt "
				 "controller its MSI window raises (intc, "
				 "irq_line)", kind, name,
				 (unsigned long long)msi);
	if (intc && (err = sys_owns(sys, intc->sys, "the intc")))
		return err;
	if (intc && line >= intc->ic.nlines)
		return sys_error(sys, DMASIM_EINVAL, "%s '%s': irq_line %u: "
				 "expected 0 to %u", kind, name, line,
				 intc->ic.nlines - 1);
	return 0;
}

int sys_irq_sink(struct dmasim_sys *sys, const char *name, struct bus *bus,
		 struct dmasim_intc *intc, unsigned line, uint64_t msi,
		 struct msi_port *port, struct irq_sink *out)
{
	char pname[SYS_NAME_MAX + 8];

	if (!intc)
		return 0;
	if (!msi) {
		*out = intc_sink(&intc->ic, line);
		return 0;
	}
	snprintf(pname, sizeof(pname), "%s.msi", name);
	if (msi_port_init(port, bus, pname, msi))
		return sys_error(sys, DMASIM_ENOMEM, "out of memory");
	*out = msi_sink(port, line);
	return 0;
}
