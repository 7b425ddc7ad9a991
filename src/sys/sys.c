/* sys: systems, their components' ownership, running and statistics.  See
 * sys.h. */
#include "sys.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/alloc.h"
#include "kernel/vec.h"

const enum bus_mode sys_bus_mode[3] = {
	[DMASIM_MODE_BURST] = BUS_MODE_BURST,
	[DMASIM_MODE_CYCLE_STEALING] = BUS_MODE_CYCLE_STEAL,
	[DMASIM_MODE_TRANSPARENT] = BUS_MODE_TRANSPARENT,
};

int sys_error(struct dmasim_sys *sys, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(sys->err, sizeof(sys->err), fmt, ap);
	va_end(ap);
	return code;
}

const char *dmasim_sys_error(const struct dmasim_sys *sys)
{
	return sys ? sys->err : "";
}

const char *dmasim_sys_name(const struct dmasim_sys *sys)
{
	return sys->name;
}

void dmasim_sys_config_init(struct dmasim_sys_config *cfg)
{
	cfg->name = "system";
	cfg->seed = 1;
}

static void san_free(void *obj)
{
	san_fini(obj);
}

int sys_new_hooked(const struct dmasim_sys_config *cfg,
		   const struct sys_hooks *hooks, struct dmasim_sys **out)
{
	struct dmasim_sys_config def;
	struct dmasim_sys *sys;
	int err;

	if (!cfg) {
		dmasim_sys_config_init(&def);
		cfg = &def;
	}
	if (cfg->name && (!*cfg->name || strlen(cfg->name) >= SYS_NAME_MAX))
		return DMASIM_EINVAL;
	sys = dm_calloc(1, sizeof(*sys));
	if (!sys)
		return DMASIM_ENOMEM;
	snprintf(sys->name, sizeof(sys->name), "%s",
		 cfg->name ? cfg->name : "system");
	if (hooks)
		sys->hooks = *hooks;
	err = sim_init(&sys->sim, cfg->seed);
	if (err) {
		dm_free(sys);
		return err;
	}
	sys->sim.name = sys->name;
	sys->sim.user = sys;
	sys->sim.progress = sys->hooks.progress;
	sys->sim.progress_ctx = sys->hooks.progress_ctx;
	if (sys->hooks.trace &&
	    (err = trace_attach(&sys->sim, sys->hooks.trace, sys->name)))
		goto err_sim;
	if (sys->hooks.check) {
		sys->san = sys_alloc(sys, sizeof(*sys->san), san_free);
		if (!sys->san) {
			err = DMASIM_ENOMEM;
			goto err_sim;
		}
		san_init(sys->san, &sys->sim, sys_check_sink, sys);
	}
	*out = sys;
	return 0;
err_sim:
	/* not made: its creator keeps what the hook would have freed */
	sys->hooks.on_free = NULL;
	dmasim_sys_free(sys);
	return err;
}

int dmasim_sys_new(const struct dmasim_sys_config *cfg,
		   struct dmasim_sys **out)
{
	return sys_new_hooked(cfg, NULL, out);
}

void dmasim_sys_free(struct dmasim_sys *sys)
{
	if (!sys)
		return;
	if (sys->hooks.on_free)
		sys->hooks.on_free(sys->hooks.free_ctx, sys);
	if (sys->cluster)
		sys_cluster_leave(sys);
	if (sys->procs_free)
		sys->procs_free(sys);
	if (sys->sim.trace)
		trace_detach(&sys->sim);
	for (size_t i = sys->ncomps; i-- > 0;) {
		if (sys->comps[i].fini)
			sys->comps[i].fini(sys->comps[i].obj);
		dm_free(sys->comps[i].obj);
	}
	dm_free(sys->comps);
	dm_free(sys->buses);
	dm_free(sys->origins);
	sim_fini(&sys->sim);
	dm_free(sys);
}

void *sys_alloc(struct dmasim_sys *sys, size_t size, void (*fini)(void *))
{
	void *obj;

	VEC_RESERVE(sys->comps, sys->ncomps, sys->capcomps, return NULL);
	obj = dm_calloc(1, size);
	if (!obj)
		return NULL;
	sys->comps[sys->ncomps].obj = obj;
	sys->comps[sys->ncomps].fini = fini;
	sys->ncomps++;
	return obj;
}

int sys_comp_name(struct dmasim_sys *sys, const char *what,
		  const char *cfg_name, const char *prefix, unsigned n,
		  char *buf, size_t len)
{
	if (!cfg_name) {
		snprintf(buf, len, "%s%u", prefix, n);
		return 0;
	}
	if (!*cfg_name || strlen(cfg_name) >= 24 || strchr(cfg_name, '.'))
		return sys_error(sys, DMASIM_EINVAL, "%s: field 'name' = '%s': "
				 "expected 1 to 23 characters without '.'",
				 what, cfg_name);
	snprintf(buf, len, "%s", cfg_name);
	return 0;
}

int sys_owns(struct dmasim_sys *sys, const struct dmasim_sys *owner,
	     const char *what)
{
	if (owner == sys)
		return 0;
	return sys_error(sys, DMASIM_EINVAL, "%s belongs to system '%s', not "
			 "to '%s': expected a component of the same system",
			 what, owner ? owner->name : "?", sys->name);
}

void sys_fail(struct dmasim_sys *sys, int code, const char *msg)
{
	if (!sys->fail_code) {
		sys->fail_code = code;
		if (msg != sys->err)
			snprintf(sys->err, sizeof(sys->err), "%s", msg);
	}
	sim_stop(&sys->sim);
}

int dmasim_sys_run(struct dmasim_sys *sys, uint64_t until)
{
	if (sys->cluster || sys->orphaned)
		return sys_error(sys, DMASIM_EINVAL, "system '%s' is a node "
				 "of a cluster%s: run the cluster, not the "
				 "node", sys->name, sys->orphaned ?
				 " that was freed" : "");
	return sys_run(sys, until);
}

int sys_run(struct dmasim_sys *sys, uint64_t until)
{
	int code;

	if (sys->running)
		return sys_error(sys, DMASIM_EINVAL, "the system is already "
				 "running (it cannot be run from a process)");
	if (until < sys->sim.now)
		return sys_error(sys, DMASIM_EINVAL, "run until %llu ps: "
				 "expected a time no earlier than now (%llu ps)",
				 (unsigned long long)until,
				 (unsigned long long)sys->sim.now);
	sys->running = true;
	sys->fail_code = 0;
	sys->sim.host_err = 0;
	sim_run(&sys->sim, until);
	sys->running = false;
	code = sys->fail_code;
	sys->fail_code = 0;
	if (!code && sys->sim.host_err)
		code = sys_error(sys, sys->sim.host_err, "the host ran out of "
				 "memory for simulated memory contents at %llu "
				 "ps", (unsigned long long)sys->sim.now);
	return code;
}

uint64_t dmasim_sys_now(const struct dmasim_sys *sys)
{
	return sys->sim.now;
}

uint64_t dmasim_sys_events(const struct dmasim_sys *sys)
{
	return sys->sim.events;
}

/* ---- statistics ---- */

int dmasim_sys_stat_count(const struct dmasim_sys *sys)
{
	return (int)sys->sim.stats.len;
}

static void stat_out(const struct dmasim_sys *sys,
		     const struct stat_entry *e, struct dmasim_stat *out)
{
	out->name = e->name;
	out->unit = e->unit;
	out->is_counter = e->kind == STAT_COUNTER;
	out->value = stat_read(e, sys->sim.now);
	if (e->kind == STAT_COUNTER)
		out->count = stat_count(e);
	else if (e->kind == STAT_HIST)
		out->count = ((const struct stat_hist *)e->ptr)->count;
	else
		out->count = 0;
}

int dmasim_sys_stat_at(const struct dmasim_sys *sys, int i,
		       struct dmasim_stat *out)
{
	if (i < 0 || (size_t)i >= sys->sim.stats.len)
		return DMASIM_EINVAL;
	stat_out(sys, &sys->sim.stats.v[i], out);
	return 0;
}

int dmasim_sys_stat(const struct dmasim_sys *sys, const char *name,
		    struct dmasim_stat *out)
{
	const struct stat_entry *e = name ? stats_find(&sys->sim.stats, name)
					  : NULL;

	if (!e)
		return DMASIM_EINVAL;
	stat_out(sys, e, out);
	return 0;
}
