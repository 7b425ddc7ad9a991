/* trace: trace points and the window logic shared by every sink.  See
 * trace.h. */
#include "trace.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/base.h"
#include "kernel/vec.h"
#include "alloc.h"

void trace_config_init(struct trace_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
}

int trace_config_add(struct trace_config *cfg, struct trace_sink *sink)
{
	if (cfg->nsinks == TRACE_MAX_SINKS)
		return DMASIM_EINVAL;
	cfg->sink[cfg->nsinks++] = sink;
	return 0;
}

int trace_config_fini(struct trace_config *cfg)
{
	int err = 0;

	for (unsigned i = 0; i < cfg->nsinks; i++) {
		int e = cfg->sink[i]->ops->close(cfg->sink[i]);

		if (e && !err)
			err = e;
	}
	for (unsigned i = 0; i < cfg->nsystems; i++)
		dm_free(cfg->names[i]);
	dm_free(cfg->names);
	memset(cfg, 0, sizeof(*cfg));
	return err;
}

static bool name_taken(const struct trace_config *cfg, const char *name)
{
	for (unsigned i = 0; i < cfg->nsystems; i++)
		if (!strcmp(cfg->names[i], name))
			return true;
	return false;
}

int trace_attach(struct sim *sim, struct trace_config *cfg, const char *name)
{
	struct trace *t;
	char **names;

	if (!cfg->nsinks)
		return 0;
	t = dm_calloc(1, sizeof(*t));
	names = dm_realloc(cfg->names, (cfg->nsystems + 1) * sizeof(*names));
	if (!t || !names) {
		dm_free(t);
		return DMASIM_ENOMEM;
	}
	cfg->names = names;
	snprintf(t->name, sizeof(t->name), "%s", name && *name ? name : "system");
	for (unsigned k = 2; name_taken(cfg, t->name); k++)
		snprintf(t->name, sizeof(t->name), "%.40s_%u",
			 name && *name ? name : "system", k);
	names[cfg->nsystems] = dm_malloc(strlen(t->name) + 1);
	if (!names[cfg->nsystems]) {
		dm_free(t);
		return DMASIM_ENOMEM;
	}
	strcpy(names[cfg->nsystems], t->name);
	t->cfg = cfg;
	t->sim = sim;
	t->sys = cfg->nsystems++;
	t->quiet_before = UINT64_MAX;
	t->quiet_after = UINT64_MAX;	/* until every window has opened */
	for (unsigned i = 0; i < cfg->nsinks; i++)
		if (cfg->sink[i]->from < t->quiet_before)
			t->quiet_before = cfg->sink[i]->from;
	sim->trace = t;
	for (unsigned i = 0; i < cfg->nsinks; i++)
		cfg->sink[i]->ops->system(cfg->sink[i], t);
	return 0;
}

/* ---- the window ---- */

static void trace_var_emit(struct trace *t, struct trace_sink *s,
			   uint32_t track, const struct trace_var *v,
			   uint64_t at)
{
	if (v->tp->kind == TRACE_COUNTER)
		s->ops->counter(s, t, track, v->id, v->tp, at, v->value);
	else
		s->ops->signal(s, t, v->id, at, v->bits);
}

static bool trace_all_entered(const struct trace *t)
{
	for (unsigned i = 0; i < t->cfg->nsinks; i++)
		if (!t->entered[i])
			return false;
	return true;
}

/* Whether nothing can be written now (outside every window). */
static bool trace_quiet(const struct trace *t, uint64_t now)
{
	return now < t->quiet_before || now > t->quiet_after;
}

/* Sink i's window opens: write every value as it stands at `from`. */
static void trace_enter(struct trace *t, unsigned i)
{
	struct trace_sink *s = t->cfg->sink[i];

	t->entered[i] = true;
	if (trace_all_entered(t)) {
		t->quiet_after = 0;
		for (unsigned j = 0; j < t->cfg->nsinks; j++)
			if (t->cfg->sink[j]->to > t->quiet_after)
				t->quiet_after = t->cfg->sink[j]->to;
	}
	for (uint32_t k = 1; k <= t->ntracks; k++) {
		const struct trace_track *tr = &t->tracks[k];

		for (unsigned j = 0; j < tr->nvars; j++)
			if (tr->var[j].set)
				trace_var_emit(t, s, k, &tr->var[j], s->from);
	}
}

/* Whether a moment now is inside sink i's window, opening it if due. */
static bool trace_in_window(struct trace *t, unsigned i, uint64_t now)
{
	const struct trace_sink *s = t->cfg->sink[i];

	if (now < s->from)
		return false;
	if (!t->entered[i])
		trace_enter(t, i);
	return now <= s->to;
}

static void trace_emit_span(struct trace *t, uint32_t track,
			    const struct trace_open *o, uint64_t end)
{
	const char *name = o->label ? o->label : o->tp->name;

	if (end < t->quiet_before || o->begin > t->quiet_after)
		return;
	for (unsigned i = 0; i < t->cfg->nsinks; i++) {
		struct trace_sink *s = t->cfg->sink[i];
		uint64_t b = o->begin, e = end;

		/* Zero-length spans (a wait granted at once) show nothing. */
		if (e < s->from || b > s->to || b == e)
			continue;
		if (!t->entered[i])
			trace_enter(t, i);
		if (b < s->from)
			b = s->from;
		if (e > s->to)
			e = s->to;
		if (b < e)
			s->ops->span(s, t, track, name, b, e);
	}
}

/* ---- tracks ---- */

uint32_t trace_track(struct sim *sim, const char *prefix, const char *name)
{
	struct trace *t = sim->trace;
	char full[TRACE_NAME_MAX];
	struct trace_track *tr;

	if (!t)
		return 0;
	if (prefix && *prefix)
		snprintf(full, sizeof(full), "%s.%s", prefix, name);
	else
		snprintf(full, sizeof(full), "%s", name);
	for (uint32_t k = 1; k <= t->ntracks; k++)
		if (!strcmp(t->tracks[k].name, full))
			return k;
	/* track 0 means "none": tracks are numbered from 1 */
	VEC_RESERVE(t->tracks, t->ntracks + 1, t->captracks, return 0);
	tr = &t->tracks[++t->ntracks];
	memset(tr, 0, sizeof(*tr));
	memcpy(tr->name, full, sizeof(full));
	for (unsigned i = 0; i < t->cfg->nsinks; i++)
		t->cfg->sink[i]->ops->track(t->cfg->sink[i], t, t->ntracks);
	return t->ntracks;
}

static struct trace_track *trace_get(struct trace *t, uint32_t track)
{
	return track && track <= t->ntracks ? &t->tracks[track] : NULL;
}

/* The track's variable for point tp, declared on first use; NULL when the
 * track has no room left. */
static struct trace_var *trace_var(struct trace *t, struct trace_track *tr,
				   uint32_t track, const struct trace_point *tp)
{
	struct trace_var *v;

	for (unsigned j = 0; j < tr->nvars; j++)
		if (tr->var[j].tp == tp)
			return &tr->var[j];
	if (tr->nvars == TRACE_TRACK_VARS)
		return NULL;
	v = &tr->var[tr->nvars++];
	v->tp = tp;
	v->id = t->cfg->nvars++;
	v->set = false;
	for (unsigned i = 0; i < t->cfg->nsinks; i++)
		t->cfg->sink[i]->ops->var(t->cfg->sink[i], t, v->id, track, tp);
	return v;
}

/* ---- emitting ---- */

void trace_do_span_begin(struct trace *t, uint32_t track, const struct trace_point *tp,
			 const char *label)
{
	struct trace_track *tr = trace_get(t, track);
	struct trace_open *o;

	if (!tr)
		return;
	if (tr->depth == TRACE_DEPTH) {
		tr->lost++;
		return;
	}
	o = &tr->open[tr->depth++];
	o->begin = t->sim->now;
	o->label = label;
	o->tp = tp;
}

void trace_do_span_end(struct trace *t, uint32_t track, const struct trace_point *tp)
{
	struct trace_track *tr = trace_get(t, track);
	unsigned d;

	if (!tr)
		return;
	if (tr->lost) {
		/* The matching begin was never recorded. */
		tr->lost--;
		return;
	}
	for (d = tr->depth; d > 0 && tr->open[d - 1].tp != tp; d--)
		;
	if (!d)
		return;
	while (tr->depth >= d)
		trace_emit_span(t, track, &tr->open[--tr->depth],
				t->sim->now);
}

void trace_do_instant(struct trace *t, uint32_t track, const struct trace_point *tp,
		      const char *label)
{
	uint64_t now = t->sim->now;

	if (!trace_get(t, track) || trace_quiet(t, now))
		return;
	for (unsigned i = 0; i < t->cfg->nsinks; i++) {
		struct trace_sink *s = t->cfg->sink[i];

		if (trace_in_window(t, i, now))
			s->ops->instant(s, t, track,
					label ? label : tp->name,
					now);
	}
}

/* A variable changes now: a window opening now first writes the old
 * value, at `from`. */
static void trace_var_update(struct trace *t, uint32_t track,
			     struct trace_var *v, double value, uint64_t bits)
{
	uint64_t now = t->sim->now;
	bool in[TRACE_MAX_SINKS];

	if (trace_quiet(t, now)) {
		v->set = true;
		v->value = value;
		v->bits = bits;
		return;
	}
	for (unsigned i = 0; i < t->cfg->nsinks; i++)
		in[i] = trace_in_window(t, i, now);
	v->set = true;
	v->value = value;
	v->bits = bits;
	for (unsigned i = 0; i < t->cfg->nsinks; i++)
		if (in[i])
			trace_var_emit(t, t->cfg->sink[i], track, v, now);
}

void trace_do_counter(struct trace *t, uint32_t track, const struct trace_point *tp,
		      double value)
{
	struct trace_track *tr = trace_get(t, track);
	struct trace_var *v;

	if (!tr || !(v = trace_var(t, tr, track, tp)))
		return;
	if (v->set && v->value == value)
		return;
	trace_var_update(t, track, v, value, 0);
}

void trace_do_signal(struct trace *t, uint32_t track, const struct trace_point *tp,
		     uint64_t value)
{
	struct trace_track *tr = trace_get(t, track);
	struct trace_var *v;

	if (!tr || !(v = trace_var(t, tr, track, tp)))
		return;
	if (v->set && v->bits == value)
		return;
	trace_var_update(t, track, v, 0, value);
}

void trace_detach(struct sim *sim)
{
	struct trace *t = sim->trace;
	uint64_t now = sim->now;

	for (unsigned i = 0; i < t->cfg->nsinks; i++)
		if (!t->entered[i] && now >= t->cfg->sink[i]->from)
			trace_enter(t, i);
	for (uint32_t k = 1; k <= t->ntracks; k++) {
		struct trace_track *tr = &t->tracks[k];

		while (tr->depth)
			trace_emit_span(t, k, &tr->open[--tr->depth], now);
	}
	for (unsigned i = 0; i < t->cfg->nsinks; i++) {
		struct trace_sink *s = t->cfg->sink[i];

		s->ops->system_end(s, t, now);
	}
	dm_free(t->tracks);
	dm_free(t);
	sim->trace = NULL;
}
