/* run: a run, its outputs and everything reported into it.  See run.h. */
#include "run.h"

#include <errno.h>
#include <stddef.h>
#include <time.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/alloc.h"
#include "kernel/units.h"
#include "kernel/util.h"
#include "kernel/vec.h"
#include "sys/sys.h"
#include "tracejson.h"
#include "vcd.h"

static int open_outputs(struct dmasim_run *run);

const char *dmasim_version(void)
{
	return DMASIM_VERSION;
}

int dmasim_run_new(struct dmasim_run **out)
{
	struct dmasim_run *run = dm_calloc(1, sizeof(*run));

	if (!run)
		return DMASIM_ENOMEM;
	results_init(&run->res);
	if (!run->res.systems || !run->res.names) {
		results_fini(&run->res);
		dm_free(run);
		return DMASIM_ENOMEM;
	}
	run->seed = 1;
	*out = run;
	return 0;
}

void dmasim_run_free(struct dmasim_run *run)
{
	if (!run)
		return;
	results_fini(&run->res);
	for (size_t i = 0; i < run->ndefs; i++) {
		dm_free(run->defs[i].name);
		dm_free(run->defs[i].value);
	}
	dm_free(run->defs);
	dm_free(run->checks);
	dm_free(run->slot_rank);
	dm_free(run->error);
	dm_free(run->partial);
	dm_free(run->scenario);
	dm_free(run->libdir);
	dm_free(run->trace_json.path);
	dm_free(run->trace_vcd.path);
	statsout_free(run);
	dm_free(run);
}

int dmasim_run_set_libdir(struct dmasim_run *run, const char *dir)
{
	char *copy;

	if (!dir || !*dir)
		return DMASIM_EINVAL;
	copy = util_strdup(dir);
	if (!copy)
		return DMASIM_ENOMEM;
	dm_free(run->libdir);
	run->libdir = copy;
	return 0;
}

int dmasim_run_define(struct dmasim_run *run, const char *name,
		      const char *value)
{
	struct define *d;

	if (!name || !*name || !value)
		return DMASIM_EINVAL;
	for (size_t i = 0; i < run->ndefs; i++) {
		if (strcmp(run->defs[i].name, name) == 0) {
			char *v = util_strdup(value);

			if (!v)
				return DMASIM_ENOMEM;
			dm_free(run->defs[i].value);
			run->defs[i].value = v;
			return 0;
		}
	}
	VEC_RESERVE(run->defs, run->ndefs, run->capdefs, return DMASIM_ENOMEM);
	d = &run->defs[run->ndefs];
	d->name = util_strdup(name);
	d->value = util_strdup(value);
	d->used = false;
	if (!d->name || !d->value) {
		dm_free(d->name);
		dm_free(d->value);
		return DMASIM_ENOMEM;
	}
	run->ndefs++;
	return 0;
}

int dmasim_run_define_arg(struct dmasim_run *run, const char *arg)
{
	const char *eq = strchr(arg, '=');
	char *name;
	int err;

	if (!eq || eq == arg)
		return DMASIM_EINVAL;
	name = dm_malloc((size_t)(eq - arg) + 1);
	if (!name)
		return DMASIM_ENOMEM;
	memcpy(name, arg, (size_t)(eq - arg));
	name[eq - arg] = '\0';
	err = dmasim_run_define(run, name, eq + 1);
	dm_free(name);
	return err;
}

void dmasim_run_set_seed(struct dmasim_run *run, uint64_t seed)
{
	run->seed = seed;
	run->seed_set = true;
}

static int set_output(struct run_output *o, const char *path, uint64_t from,
		      uint64_t to)
{
	char *p = NULL;

	if (from > to)
		return DMASIM_EINVAL;
	if (path && !(p = util_strdup(path)))
		return DMASIM_ENOMEM;
	dm_free(o->path);
	o->path = p;
	o->from = from;
	o->to = to;
	return 0;
}

int dmasim_run_set_trace(struct dmasim_run *run, const char *path,
			 uint64_t from_ps, uint64_t to_ps)
{
	return set_output(&run->trace_json, path, from_ps, to_ps);
}

int dmasim_run_set_vcd(struct dmasim_run *run, const char *path,
		       uint64_t from_ps, uint64_t to_ps)
{
	return set_output(&run->trace_vcd, path, from_ps, to_ps);
}

void dmasim_run_set_progress(struct dmasim_run *run, dmasim_progress_fn fn,
			     void *ctx)
{
	run->progress = fn;
	run->progress_ctx = ctx;
}

void dmasim_run_set_limits(struct dmasim_run *run, uint64_t max_events,
			   double max_wall_s, uint64_t max_instructions)
{
	run->max_events = max_events;
	run->max_wall_s = max_wall_s > 0 && isfinite(max_wall_s) ?
			  max_wall_s : 0;
	run->max_instr = max_instructions;
}

const char *dmasim_run_partial(const struct dmasim_run *run)
{
	return run->partial;
}

double run_wall_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

bool run_limit_reached(struct dmasim_run *run, uint64_t events)
{
	char msg[160];

	if (run->partial)
		return true;
	if (run->max_events && events >= run->max_events)
		snprintf(msg, sizeof(msg), "run limit reached: %" PRIu64
			 " events (--max-events %" PRIu64 "); the results are "
			 "partial", events, run->max_events);
	else if (run->max_instr && run->instr >= run->max_instr)
		snprintf(msg, sizeof(msg), "run limit reached: %" PRIu64
			 " Lua instructions (--max-instructions %" PRIu64
			 "); the results are partial", run->instr,
			 run->max_instr);
	else if (run->max_wall_s &&
		 run_wall_now() - run->wall_start >= run->max_wall_s)
		snprintf(msg, sizeof(msg), "run limit reached: %g s of wall "
			 "time (--max-wall-time); the results are partial",
			 run->max_wall_s);
	else
		return false;
	run->partial = util_strdup(msg);
	return true;
}

/* sim_run()'s hook, every 2^16 events: hand over to the owner's display,
 * and stop the system at a limit. */
static void run_progress(struct sim *sim, uint64_t until, uint64_t events)
{
	struct dmasim_run *run = sim->progress_ctx;
	struct dmasim_progress p = {
		.system = sim->name ? sim->name : "system",
		.now = sim->now,
		.until = until,
		.events = events,
	};

	if (run->progress)
		run->progress(run->progress_ctx, &p);
	if (run_limit_reached(run, events)) {
		struct dmasim_sys *sys = (struct dmasim_sys *)(void *)
			((char *)sim - offsetof(struct dmasim_sys, sim));

		sys_fail(sys, DMASIM_ELIMIT, run->partial ? run->partial :
			 "run limit reached (out of memory for the message)");
	}
}

static int open_outputs(struct dmasim_run *run)
{
	static const struct {
		const char *what;
		int (*open)(const char *, uint64_t, uint64_t,
			    struct trace_sink **);
	} kinds[] = {
		{ "trace", tracejson_open },
		{ "VCD", vcd_open },
	};
	const struct run_output *o[] = { &run->trace_json, &run->trace_vcd };

	trace_config_init(&run->trace);
	for (int i = 0; i < 2; i++) {
		struct trace_sink *sink;
		char msg[512];
		int err;

		if (!o[i]->path)
			continue;
		err = kinds[i].open(o[i]->path, o[i]->from, o[i]->to, &sink);
		if (err) {
			snprintf(msg, sizeof(msg), "cannot write the %s to "
				 "'%s': %s", kinds[i].what, o[i]->path,
				 err == DMASIM_EIO ? strerror(errno)
						   : dmasim_strerror(err));
			return run_fail(run, err, msg);
		}
		trace_config_add(&run->trace, sink);
	}
	return asciitl_start(run);
}

const char *dmasim_run_error(const struct dmasim_run *run)
{
	return run->error ? run->error : "";
}

int run_fail(struct dmasim_run *run, int code, const char *msg);

/* Create the timeline files asked for.  Returns 0 or the failure's code,
 * with the message set. */
int run_fail(struct dmasim_run *run, int code, const char *msg)
{
	dm_free(run->error);
	run->error = util_strdup(msg);
	run->code = code;
	return code;
}

int dmasim_run_print(const struct dmasim_run *run, FILE *out)
{
	return results_print(&run->res, out);
}

int dmasim_run_write_json(const struct dmasim_run *run, const char *path)
{
	json_t *root = results_json(&run->res,
				    run->scenario ? run->scenario : "",
				    run->seed);
	int err;

	if (!root)
		return DMASIM_ENOMEM;
	if (run->partial)
		json_object_set_new(root, "partial", json_string(run->partial));
	if (run->check) {
		json_t *a = json_array();

		for (size_t i = 0; i < run->nchecks; i++) {
			const struct dmasim_check *c = &run->checks[i];

			json_array_append_new(a, json_pack(
				"{s:s,s:s,s:s,s:s,s:s,s:I,s:I,s:I,s:I}",
				"class", c->cls, "what", c->what, "fix", c->fix,
				"initiator", c->initiator, "where", c->where,
				"time_ps", (json_int_t)c->time,
				"paddr", (json_int_t)c->paddr,
				"dma", (json_int_t)c->dma,
				"size", (json_int_t)c->size));
		}
		json_object_set_new(root, "check", a);
	}
	err = json_dump_file(root, path, JSON_INDENT(2) | JSON_REAL_PRECISION(
					 17)) ? DMASIM_EIO : 0;
	json_decref(root);
	return err;
}

/* The shortest text that reads back as the same double. */
static const char *real_text(double d, char *buf, size_t len)
{
	/* Whole numbers in full (12000, not 1.2e+04). */
	if (d == floor(d) && fabs(d) < 1e15) {
		snprintf(buf, len, "%.0f", d);
		return buf;
	}
	for (int prec = 1; prec <= 17; prec++) {
		snprintf(buf, len, "%.*g", prec, d);
		if (strtod(buf, NULL) == d)
			break;
	}
	return buf;
}

static void value_of(const struct result_item *it, struct dmasim_value *out)
{
	out->name = it->name;
	out->unit = it->unit;
	out->is_number = 0;
	out->number = NAN;
	switch (it->v.type) {
	case RV_INT:
		snprintf(out->buf, sizeof(out->buf), "%" PRId64, it->v.i);
		out->text = out->buf;
		out->number = (double)it->v.i;
		out->is_number = 1;
		break;
	case RV_REAL:
		out->text = real_text(it->v.d, out->buf, sizeof(out->buf));
		out->number = it->v.d;
		out->is_number = 1;
		break;
	case RV_BOOL:
		out->text = it->v.i ? "true" : "false";
		break;
	case RV_STR:
		out->text = it->v.s;
		break;
	}
}

int dmasim_run_result_count(const struct dmasim_run *run)
{
	return (int)run->res.nitems;
}

int dmasim_run_result(const struct dmasim_run *run, int i,
		      struct dmasim_value *out)
{
	if (i < 0 || (size_t)i >= run->res.nitems)
		return DMASIM_EINVAL;
	value_of(&run->res.items[i], out);
	return 0;
}

int dmasim_run_param_count(const struct dmasim_run *run)
{
	return (int)run->res.nparams;
}

int dmasim_run_param(const struct dmasim_run *run, int i,
		     struct dmasim_value *out)
{
	if (i < 0 || (size_t)i >= run->res.nparams)
		return DMASIM_EINVAL;
	value_of(&run->res.params[i], out);
	return 0;
}

int dmasim_parse_value(const char *s, enum dmasim_unit *unit, double *out)
{
	static const struct {
		enum unit_kind kind;
		enum dmasim_unit unit;
	} kinds[] = {
		{ UNIT_NUMBER, DMASIM_UNIT_NONE },
		{ UNIT_SIZE, DMASIM_UNIT_SIZE },
		{ UNIT_TIME, DMASIM_UNIT_TIME },
		{ UNIT_FREQ, DMASIM_UNIT_FREQ },
		{ UNIT_BANDWIDTH, DMASIM_UNIT_BANDWIDTH },
	};

	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		if (units_parse(s, kinds[i].kind, out) == 0) {
			if (unit)
				*unit = kinds[i].unit;
			return 0;
		}
	}
	return DMASIM_EUNIT;
}

const char *dmasim_unit_name(enum dmasim_unit unit)
{
	switch (unit) {
	case DMASIM_UNIT_NONE:
		break;
	case DMASIM_UNIT_SIZE:
		return "bytes";
	case DMASIM_UNIT_TIME:
		return "ps";
	case DMASIM_UNIT_FREQ:
		return "Hz";
	case DMASIM_UNIT_BANDWIDTH:
		return "bytes/s";
	}
	return "";
}

int dmasim_run_claim_count(const struct dmasim_run *run)
{
	return (int)run->res.nclaims;
}

int dmasim_run_claim(const struct dmasim_run *run, int i,
		     struct dmasim_claim *out)
{
	const struct claim_rec *c;

	if (i < 0 || (size_t)i >= run->res.nclaims)
		return DMASIM_EINVAL;
	c = &run->res.claims[i];
	out->id = c->id;
	out->text = c->text;
	out->unit = c->unit;
	out->model = c->model;
	out->simulated = c->simulated;
	out->tolerance = c->tolerance;
	out->check = c->check;
	out->data_wrong = c->data_wrong;
	out->published_cmp = c->published_cmp;
	out->published = c->published;
	out->reproduced = c->reproduced;
	out->agree = c->agree;
	out->formula = c->formula;
	out->explain = c->explain;
	return 0;
}

void dmasim_run_set_check(struct dmasim_run *run, int on)
{
	run->check = on != 0;
}

int dmasim_run_check_count(const struct dmasim_run *run)
{
	return (int)run->nchecks;
}

const struct dmasim_check *dmasim_run_check_report(
	const struct dmasim_run *run, int i)
{
	if (i < 0 || (size_t)i >= run->nchecks)
		return NULL;
	return &run->checks[i];
}

/* ---- systems observed by the run ---- */

int run_start(struct dmasim_run *run)
{
	if (run->started)
		return 0;
	run->started = true;
	return open_outputs(run);
}

int dmasim_run_finish(struct dmasim_run *run)
{
	return run_finish(run);
}

int run_finish(struct dmasim_run *run)
{
	if (!run->started)
		return run->code;
	run->started = false;
	if (trace_config_fini(&run->trace) && !run->code)
		run_fail(run, DMASIM_EIO, "cannot finish writing the trace or "
			 "VCD file (disk full?)");
	return run->code;
}

static void run_check_sink(void *ctx, const struct san_report *r)
{
	struct dmasim_run *run = ctx;
	struct dmasim_check *c;

	VEC_RESERVE(run->checks, run->nchecks, run->capchecks, return);
	c = &run->checks[run->nchecks++];
	memset(c, 0, sizeof(*c));
	snprintf(c->cls, sizeof(c->cls), "%s", san_class_name(r->cls));
	snprintf(c->what, sizeof(c->what), "%s", san_class_what(r->cls));
	snprintf(c->fix, sizeof(c->fix), "%s", san_class_fix(r->cls));
	snprintf(c->initiator, sizeof(c->initiator), "%s", r->initiator);
	snprintf(c->where, sizeof(c->where), "%s", r->where);
	c->time = r->time;
	c->paddr = r->paddr;
	c->dma = r->dma;
	c->size = r->size;
}

/* A system is freed: keep its statistics in the results. */
struct run_slot {
	struct dmasim_run *run;
	int slot;
};

static void run_snapshot(void *ctx, struct dmasim_sys *sys)
{
	struct run_slot *rs = ctx;

	results_snapshot_system(&rs->run->res, rs->slot, sys->name, &sys->sim);
	statsout_capture(rs->run, rs->slot, sys);
	dm_free(rs);
}

int dmasim_run_new_system(struct dmasim_run *run,
			  const struct dmasim_sys_config *cfg,
			  struct dmasim_sys **out)
{
	struct sys_hooks h = { 0 };
	struct run_slot *rs;
	int err = run_start(run);

	if (err)
		return err;
	rs = dm_malloc(sizeof(*rs));
	if (!rs)
		return DMASIM_ENOMEM;
	rs->run = run;
	rs->slot = results_reserve_system(&run->res);
	if (rs->slot < 0) {
		dm_free(rs);
		return DMASIM_ENOMEM;
	}
	h.trace = &run->trace;
	h.check = run->check;
	h.check_sink = run_check_sink;
	h.check_ctx = run;
	if (run->progress || run->max_events || run->max_wall_s ||
	    run->max_instr) {
		h.progress = run_progress;
		h.progress_ctx = run;
	}
	h.on_free = run_snapshot;
	h.free_ctx = rs;
	err = sys_new_hooked(cfg, &h, out);
	if (err)
		dm_free(rs);
	return err;
}

uint64_t dmasim_run_seed(const struct dmasim_run *run)
{
	return run->seed;
}

/* ---- reporting from C ---- */

static int run_report(struct dmasim_run *run, const char *name,
		      const struct rvalue *v, const char *unit)
{
	if (!name || !*name)
		return DMASIM_EINVAL;
	return results_add(&run->res, name, v, unit ? unit : "");
}

int dmasim_run_report_int(struct dmasim_run *run, const char *name,
			  int64_t value, const char *unit)
{
	struct rvalue v = { .type = RV_INT, .i = value };

	return run_report(run, name, &v, unit);
}

int dmasim_run_report_real(struct dmasim_run *run, const char *name,
			   double value, const char *unit)
{
	struct rvalue v = { .type = RV_REAL, .d = value };

	return run_report(run, name, &v, unit);
}

int dmasim_run_report_text(struct dmasim_run *run, const char *name,
			   const char *value)
{
	struct rvalue v = { .type = RV_STR, .s = (char *)(uintptr_t)value };

	if (!value)
		return DMASIM_EINVAL;
	return run_report(run, name, &v, "");
}

int dmasim_run_add_claim(struct dmasim_run *run, const struct dmasim_claim *c,
			 int *agree)
{
	bool a;
	int err;

	struct claim_rec in;

	if (!c->id || !*c->id || !c->text || !(c->tolerance >= 0) ||
	    c->published_cmp < DMASIM_PUB_NONE ||
	    c->published_cmp > DMASIM_PUB_UNDER)
		return DMASIM_EINVAL;
	in = (struct claim_rec){
		.id = (char *)(uintptr_t)c->id,
		.text = (char *)(uintptr_t)c->text,
		.unit = (char *)(uintptr_t)(c->unit ? c->unit : ""),
		.model = c->model, .simulated = c->simulated,
		.tolerance = c->tolerance, .check = c->check != 0,
		.data_wrong = c->data_wrong != 0,
		.published_cmp = c->published_cmp, .published = c->published,
		.formula = (char *)(uintptr_t)c->formula,
		.explain = (char *)(uintptr_t)c->explain,
	};
	err = results_add_claim(&run->res, &in, &a);
	if (!err && agree)
		*agree = a;
	return err;
}

int dmasim_run_add_table(struct dmasim_run *run, const char *title,
			 int ncols, int nrows, const char *const *cells)
{
	if (ncols < 1 || nrows < 0 || !cells)
		return DMASIM_EINVAL;
	return results_add_table(&run->res, title ? title : "",
				 (size_t)ncols, (size_t)nrows, cells);
}
