/* bus: shared bus arbitration.  See bus.h for the model. */
#include "bus.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/alloc.h"
#include "kernel/base.h"
#include "kernel/trace.h"
#include "kernel/vec.h"

/* Trace points (the mechanism: kernel/trace.h). */
static const struct trace_point tp_bus_owner = {
	"owner", TRACE_SPAN, 0,
	"a master owns the bus; the span is named after it"
};
static const struct trace_point tp_bus_waiting = {
	"waiting", TRACE_COUNTER, 0,
	"masters waiting for a grant: the arbiter's queue depth"
};
static const struct trace_point tp_bus_util = {
	"utilisation", TRACE_COUNTER, 0,
	"owned cycles / elapsed cycles since time 0, to 0.001"
};
static const struct trace_point tp_bus_busy = {
	"busy", TRACE_SIGNAL, 1,
	"the bus is owned"
};
static const struct trace_point tp_bus_wait = {
	"wait", TRACE_SPAN, 0,
	"the master waits for a grant"
};
static const struct trace_point tp_bus_tenure = {
	"tenure", TRACE_SPAN, 0,
	"the master owns the bus"
};
static const struct trace_point tp_bus_req = {
	"req", TRACE_SIGNAL, 1,
	"the master waits for a grant"
};
static const struct trace_point tp_bus_grant = {
	"grant", TRACE_SIGNAL, 1,
	"the master owns the bus"
};

static inline bool bus_arbitrate(struct bus *bus, uint64_t lead);
static void bus_releases(struct bus *bus);

/* Leave the queue (granted the last of its request, or dropped it). */
static inline void bus_dequeue(struct bus *bus, struct bus_master *m)
{
	m->waiting = false;
	bus->waiting--;
	if (m->mode != BUS_MODE_TRANSPARENT)
		bus->waiting_opaque--;
}

/* Masters waiting as the trace shows them: not an owner queued for the
 * rest of its request. */
static unsigned bus_waiting_shown(const struct bus *bus)
{
	return bus->waiting - (bus->owner && bus->owner->waiting);
}
static void bus_release_event(struct sim *sim, struct event *ev);
static void bus_release_event_rr(struct sim *sim, struct event *ev);

/*
 * ---- trace points ----
 * A traced master's ops are wrapped (bus_traced_ops), so the release and
 * grant paths carry no test at all when tracing is off; only a request
 * tests bus->track, which is non-zero only when the simulation is traced.
 */

TRACE_COLD static void bus_trace_request(struct bus *bus, struct bus_master *m)
{
	struct sim *sim = bus->sim;

	trace_span_begin(sim, m->track, &tp_bus_wait, NULL);
	trace_signal(sim, m->track, &tp_bus_req, 1);
	trace_counter(sim, bus->track, &tp_bus_waiting, bus_waiting_shown(bus));
}

/* Runs where the master's granted op would: the tenure is set up. */
static void bus_traced_granted(struct bus_master *m, uint64_t cycles)
{
	struct bus *bus = m->bus;
	struct sim *sim = bus->sim;

	trace_span_end(sim, m->track, &tp_bus_wait);
	trace_signal(sim, m->track, &tp_bus_req, 0);
	trace_counter(sim, bus->track, &tp_bus_waiting, bus_waiting_shown(bus));
	trace_span_begin(sim, bus->track, &tp_bus_owner, m->name);
	trace_span_begin(sim, m->track, &tp_bus_tenure, NULL);
	trace_signal(sim, bus->track, &tp_bus_busy, 1);
	trace_signal(sim, m->track, &tp_bus_grant, 1);
	if (bus->traced_ops[m->id]->granted)
		bus->traced_ops[m->id]->granted(m, cycles);
}

/* Runs where the master's released op would: the bus is free. */
static void bus_traced_released(struct bus_master *m, uint64_t cycles)
{
	struct bus *bus = m->bus;
	struct sim *sim = bus->sim;
	uint64_t elapsed = clock_cycles(&bus->clk, sim->now);

	trace_span_end(sim, bus->track, &tp_bus_owner);
	trace_span_end(sim, m->track, &tp_bus_tenure);
	trace_signal(sim, bus->track, &tp_bus_busy, 0);
	trace_signal(sim, m->track, &tp_bus_grant, 0);
	/* Rounded, so that the counter changes (and is written) rarely once
	 * the average settles. */
	if (elapsed)
		trace_counter(sim, bus->track, &tp_bus_util,
			      floor(1000.0 * (double)bus_busy_cycles(bus) /
				    (double)elapsed + 0.5) / 1000.0);
	/* Queued for the rest of its request, unless the op drops it:
	 * it waits again from now. */
	m->rest = m->waiting;
	bus->traced_ops[m->id]->released(m, cycles);
	if (m->rest) {
		m->rest = false;
		bus_trace_request(bus, m);
	}
}

static const struct bus_master_ops bus_traced_ops = {
	.released = bus_traced_released,
	.granted = bus_traced_granted,
};

static void copy_name(char *dst, size_t len, const char *src)
{
	snprintf(dst, len, "%s", src ? src : "");
}

static double bus_queue_depth_fn(const void *obj, uint64_t now)
{
	return bus_queue_depth(obj, now);
}

/* The bus's own counts are its masters' summed when read: each grant
 * and release then adds to one count, the master's, not to two. */
uint64_t bus_grants(const struct bus *bus)
{
	uint64_t n = 0;

	for (unsigned i = 0; i < bus->n; i++)
		n += bus->m[i]->grants;
	return n;
}

uint64_t bus_busy_cycles(const struct bus *bus)
{
	uint64_t n = 0;

	for (unsigned i = 0; i < bus->n; i++)
		n += bus->m[i]->busy_cycles;
	return n;
}

static uint64_t bus_grants_fn(const void *bus)
{
	return bus_grants(bus);
}

static uint64_t bus_busy_cycles_fn(const void *bus)
{
	return bus_busy_cycles(bus);
}

/* Every grant waits the arbitration latency. */
static uint64_t bus_arb_cycles_fn(const void *bus)
{
	return bus_grants(bus) *
	       ((const struct bus *)bus)->cfg.arb_latency;
}

double bus_queue_depth(const struct bus *bus, uint64_t now)
{
	double waited = 0;

	/* Every waiting master adds its waiting time to the integral of the
	 * queue's length: no bookkeeping on the hot path. */
	for (unsigned i = 0; i < bus->n; i++) {
		const struct bus_master *m = bus->m[i];

		waited += (double)m->wait_ps;
		if (m->waiting && m != bus->owner)
			waited += (double)(now - m->req_time);
	}
	return now ? waited / (double)now : 0;
}

int bus_init(struct bus *bus, struct sim *sim, const char *name,
	     const struct bus_config *cfg)
{
	if (!cfg->period || !cfg->width)
		return DMASIM_EINVAL;
	memset(bus, 0, sizeof(*bus));
	bus->cfg = *cfg;
	bus->clk.period = cfg->period;
	bus->arb_ps = (uint64_t)cfg->arb_latency * cfg->period;
	bus->sim = sim;
	evq_embed(&bus->release, cfg->arb == BUS_ARB_ROUND_ROBIN ?
		  bus_release_event_rr : bus_release_event, bus, NULL, 0);
	copy_name(bus->name, sizeof(bus->name), name);
	if (stats_add_count(&sim->stats, bus->name, "grants", "",
			    bus_grants_fn, bus) ||
	    stats_add_count(&sim->stats, bus->name, "busy_cycles", "cycles",
			    bus_busy_cycles_fn, bus) ||
	    stats_add_fn(&sim->stats, bus->name, "queue_depth", "masters",
			 bus_queue_depth_fn, bus) ||
	    stats_add_count(&sim->stats, bus->name, "arb_cycles", "cycles",
			    bus_arb_cycles_fn, bus))
		return DMASIM_ENOMEM;
	bus->track = trace_track(sim, NULL, bus->name);
	trace_signal(sim, bus->track, &tp_bus_busy, 0);
	trace_counter(sim, bus->track, &tp_bus_waiting, 0);
	return 0;
}

void bus_fini(struct bus *bus)
{
	dm_free(bus->m);
	dm_free(bus->traced_ops);
	dm_free(bus->snoopers);
	bus->snoopers = NULL;
	bus->m = NULL;
	bus->traced_ops = NULL;
	bus->n = bus->cap = 0;
}

int bus_attach(struct bus *bus, struct bus_master *m, const char *name,
	       const struct bus_master_ops *ops, enum bus_mode mode,
	       int priority)
{
	char prefix[80];
	uint32_t track;

	/* room for the master and the copy of master 0 after the last */
	VEC_RESERVE(bus->m, bus->n + 1, bus->cap, return DMASIM_ENOMEM);
	memset(m, 0, sizeof(*m));
	m->ops = ops;
	m->released = ops->released;
	m->granted = ops->granted;
	m->bus = bus;
	m->id = bus->n;
#ifdef DMASIM_MUTATE_ARB_IGNORES_MODE
	(void)mode;
	m->mode = BUS_MODE_BURST;
#elif defined(DMASIM_MUTATE_ARB_BURST_RELEASES)
	/* burst mode gives the bus up after every burst, as cycle stealing */
	m->mode = mode == BUS_MODE_BURST ? BUS_MODE_CYCLE_STEAL : mode;
#else
	m->mode = mode;
#endif
	m->priority = priority;
	copy_name(m->name, sizeof(m->name), name);
	bus->m[bus->n++] = m;
	bus->m[bus->n] = bus->m[0];
	snprintf(prefix, sizeof(prefix), "%s.%s", bus->name, m->name);
	if (stats_add(&bus->sim->stats, prefix, "grants", STAT_COUNTER, "",
		      &m->grants) ||
	    stats_add(&bus->sim->stats, prefix, "busy_cycles", STAT_COUNTER,
		      "cycles", &m->busy_cycles) ||
	    stats_add(&bus->sim->stats, prefix, "wait_ps", STAT_COUNTER,
		      "ps", &m->wait_ps) ||
	    stats_add(&bus->sim->stats, prefix, "preemptions", STAT_COUNTER,
		      "", &m->preemptions))
		return DMASIM_ENOMEM;
	track = trace_track(bus->sim, bus->name, m->name);
	if (track && track <= UINT16_MAX) {
		const struct bus_master_ops **v =
			dm_realloc(bus->traced_ops, bus->cap * sizeof(*v));

		if (!v)
			return DMASIM_ENOMEM;
		bus->traced_ops = v;
		v[m->id] = ops;
		m->ops = &bus_traced_ops;
		m->released = bus_traced_ops.released;
		m->granted = bus_traced_ops.granted;
		m->track = (uint16_t)track;
		trace_signal(bus->sim, m->track, &tp_bus_req, 0);
		trace_signal(bus->sim, m->track, &tp_bus_grant, 0);
	}
	return 0;
}

int bus_add_snooper(struct bus *bus, struct bus_snooper *s)
{
	VEC_RESERVE(bus->snoopers, bus->nsnoopers, bus->capsnoopers,
		    return DMASIM_ENOMEM);
	bus->snoopers[bus->nsnoopers++] = s;
	return 0;
}

static void bus_arbitrate_event(struct sim *sim, struct event *ev)
{
	struct bus *bus = ev->obj;

	bus->arb_pending = false;
	if (bus->waiting && bus_arbitrate(bus, sim_lead(sim))) {
		sim_enter(sim, bus->tenure_end, PHASE_RELEASE);
		sim_entered(sim, 1);
		bus_releases(bus);
	}
}

/* Queue an arbitration at the next edge.  Returns 0 or DMASIM_ENOMEM. */
static SIM_NOINLINE int bus_queue_arbitration(struct bus *bus)
{
	struct sim *sim = bus->sim;

	if (!sim_at_clamped(sim, clock_edge(&bus->clk, sim->now),
			    PHASE_ARBITRATE, bus_arbitrate_event, bus, NULL, 0))
		return DMASIM_ENOMEM;
	bus->arb_pending = true;
	return 0;
}

/* Make sure an arbitration runs at the next edge if someone waits. */
static inline int bus_schedule_arbitration(struct bus *bus)
{
	if (bus->owner || !bus->waiting || bus->arb_pending || bus->releasing)
		return 0;
	return bus_queue_arbitration(bus);
}

/* End the owner's tenure now with `cycles` data cycles used.  Returns
 * whether the master's released op ran (not when it is quiet); with
 * `releasing`, the op runs with bus->releasing set (bus_releases()). */
static inline bool bus_end_tenure(struct bus *bus, uint64_t cycles,
				  uint64_t now, const bool releasing)
{
	struct bus_master *m = bus->owner;

	assert(now == bus->sim->now);
	bus->owner = NULL;
	m->busy_cycles += cycles;
	/* Queued for the rest of a cycle-stealing request (bus_grant): it
	 * waits again from now. */
	if (m->waiting) {
		if (SIM_LIKELY(m->req_cycles > cycles)) {
			m->req_cycles -= cycles;
			m->req_time = now;
			if (m->quiet)
				return false;
		} else {
			bus_dequeue(bus, m);	/* held it all (bus_hold) */
		}
	}
	if (releasing) {
		bus->releasing = true;
		m->released(m, cycles);
		bus->releasing = false;
	} else {
		m->released(m, cycles);
	}
	return true;
}

void bus_set_quiet(struct bus_master *m, bool quiet)
{
	m->quiet = quiet && !m->track;
}

void bus_skip_granted(struct bus_master *m)
{
	if (!m->track)
		m->granted = NULL;
}

void bus_drop_rest(struct bus_master *m)
{
	if (m->waiting && m->bus->owner != m) {
		bus_dequeue(m->bus, m);
		m->rest = false;
	}
}

static bool eligible(const struct bus *bus, const struct bus_master *m)
{
	return m->waiting &&
	       (m->mode != BUS_MODE_TRANSPARENT || !bus->waiting_opaque);
}

/* Priority arbitration: the first eligible master with the highest
 * priority, scanning from id i. */
static struct bus_master *bus_pick_priority(struct bus *bus, unsigned i)
{
	unsigned n = bus->n;
	struct bus_master *best = NULL;

	for (unsigned k = 0; k < n; k++, i = i + 1 < n ? i + 1 : 0) {
		struct bus_master *m = bus->m[i];

		if (eligible(bus, m) &&
		    (!best || m->priority > best->priority))
			best = m;
	}
	return best;
}

/* Where the arbiter's scan starts. */
static inline unsigned bus_scan_start(const struct bus *bus)
{
	return bus->next < bus->n ? bus->next : 0;
}

/* Round-robin arbitration: the id of the master to grant, scanning from
 * `next` (bus->next); some master must be waiting.  The id is the scan's
 * index, so that the next scan's start does not wait for a load of the
 * master's id. */
static inline unsigned bus_pick_round_robin(const struct bus *bus,
					    unsigned next)
{
	unsigned n = bus->n;
	unsigned i = next;	/* bus->m[n] is master 0 again */

	/* Ends: a master waits, and while one that is not transparent
	 * waits, that one is eligible. */
	for (;;) {
		if (eligible(bus, bus->m[i]))
			return i < n ? i : 0;
		if (++i >= n)
			i = 0;
	}
}

/*
 * Grant m, whose id is `id`, the bus now.  Returns the tenure's end when
 * it is by `lead` (sim_lead(), or 0 not to enter), for a master with no
 * granted op (nothing runs between the grant and the release): the
 * release is then not queued, and the caller enters it (bus_releases()).
 * Otherwise the release is queued; returns 0.
 */
static inline uint64_t bus_grant(struct bus *bus, struct bus_master *m,
				 unsigned id, uint64_t now, uint64_t lead)
{
	struct sim *sim = bus->sim;
	uint64_t period = bus->clk.period;
	uint64_t cycles = m->req_cycles < m->req_grant ? m->req_cycles :
			  m->req_grant;
	bool queued;

	/* A cycle-stealing request with units left stays queued. */
	if (cycles == m->req_cycles)
		bus_dequeue(bus, m);
	assert(id == m->id && now == sim->now);
	m->wait_ps += now - m->req_time;
	m->grants++;
	bus->owner = m;
	bus->next = id + 1;
	bus->tenure_start = now + bus->arb_ps;
	bus->tenure_cycles = cycles;
	bus->tenure_end = bus->tenure_start + cycles * period;
	if (bus->tenure_end <= lead && !m->granted)
		return bus->tenure_end;
	queued = sim_at_embedded(sim, &bus->release, bus->tenure_end,
				 PHASE_RELEASE);
	/* Out of event memory the run cannot go on meaningfully. */
	assert(queued);
	(void)queued;
	/* Read back, so that only the bus is kept across the queue's
	 * out-of-line paths. */
	m = bus->owner;
	if (m->granted)
		m->granted(m, bus->tenure_cycles);
	return 0;
}

/* Priority arbitration and its grant, kept out of the release path.
 * Returns bus_grant()'s answer (false when nobody is eligible). */
static SIM_NOINLINE bool bus_arbitrate_priority(struct bus *bus,
						uint64_t lead)
{
	struct bus_master *m = bus_pick_priority(bus, bus_scan_start(bus));

	return m && bus_grant(bus, m, m->id, bus->sim->now, lead);
}

/* Grant the bus to the arbiter's choice; returns bus_grant()'s answer. */
static inline bool bus_arbitrate(struct bus *bus, uint64_t lead)
{
	assert(!bus->owner && bus->waiting);
	if (bus->cfg.arb != BUS_ARB_ROUND_ROBIN)
		return bus_arbitrate_priority(bus, lead);
	{
		unsigned id = bus_pick_round_robin(bus, bus->next);

		return bus_grant(bus, bus->m[id], id, bus->sim->now, lead);
	}
}

/*
 * Tenures a release may run back to back (bus_releases()) before it queues
 * the next one for the event loop: the loop's progress hook and run limits
 * see the run at least this often.
 */
#define BUS_ENTER_MAX 64

/*
 * The owner's tenure ends now.  Arbitrate at once when nothing else can
 * still happen before the arbitration phase of this instant: same result,
 * one event less (a tenure always ends on a bus clock edge).  When the
 * tenure granted then ends before anything else in the simulation happens
 * (bus_grant() did not queue its release), its release is entered here and
 * the loop goes on: the order of events is the event loop's, without the
 * queue.
 */
static SIM_ALWAYS_INLINE void bus_releases_as(struct bus *bus, const bool rr)
{
	struct sim *sim = bus->sim;
	/* The clock and the round-robin scan's start, in locals: an entered
	 * release's time and the grant's id + 1 carry to the next tenure
	 * without a round trip through memory. */
	uint64_t now = sim->now, lead = 0;
	unsigned entered = 0, next = bus->next;

	for (;;) {
		bool told = bus_end_tenure(bus, bus->tenure_cycles, now, true);

		/* No arbitration is queued: none is while the bus is owned,
		 * and `releasing` kept the op from queuing one. */
		assert(!bus->arb_pending);
		if (!bus->waiting) {
			bus_schedule_arbitration(bus);
			break;
		}
		/* An entered release came before everything queued, and
		 * with no op run since, nothing was queued: the instant is
		 * clear and the lead holds. */
		if (told || !entered) {
			if (!sim_instant_clear_before(sim, PHASE_ARBITRATE)) {
				bus_schedule_arbitration(bus);
				break;
			}
			lead = sim_lead(sim);
		}
		if (entered == BUS_ENTER_MAX)
			lead = 0;
		if (rr) {
			unsigned id = bus_pick_round_robin(bus, next);
			uint64_t end = bus_grant(bus, bus->m[id], id, now, lead);

			if (!end)
				break;
			next = id + 1;
			now = end;
		} else {
			if (!bus_arbitrate_priority(bus, lead))
				break;
			now = bus->tenure_end;
		}
		sim_enter(sim, now, PHASE_RELEASE);
		entered++;
	}
	sim_entered(sim, entered);
}

/* The loop above for each arbitration, so that the round-robin one
 * carries no test of it; a bus's release event is the one for its
 * arbitration (bus_init()). */
static void bus_releases(struct bus *bus)
{
	if (bus->cfg.arb == BUS_ARB_ROUND_ROBIN)
		bus_releases_as(bus, true);
	else
		bus_releases_as(bus, false);
}

static void bus_release_event_rr(struct sim *sim, struct event *ev)
{
	(void)sim;
	bus_releases_as(ev->obj, true);
}

static void bus_release_event(struct sim *sim, struct event *ev)
{
	(void)sim;
	bus_releases_as(ev->obj, false);
}

/* A non-transparent master asked while a transparent one owns the bus: cut
 * the owner's tenure at the next edge. */
static SIM_NOINLINE void bus_preempt(struct bus *bus)
{
	struct sim *sim = bus->sim;
	uint64_t period = bus->clk.period;
	uint64_t used = 0, end;
	bool queued;

	if (sim->now > bus->tenure_start)
		used = (sim->now - bus->tenure_start + period - 1) / period;
	if (used >= bus->tenure_cycles)
		return;		/* ends by itself no later than the cut */
	bus->owner->preemptions++;
	sim_cancel(sim, evq_handle(&bus->release));
	end = bus->tenure_start + used * period;
	if (end < sim->now)
		end = sim->now;	/* still inside the arbitration latency */
	bus->tenure_cycles = used;
	bus->tenure_end = end;
	if (end == sim->now) {
		bus_end_tenure(bus, used, sim->now, false);
		return;
	}
	queued = sim_at_embedded(sim, &bus->release, end, PHASE_RELEASE);
	assert(queued);
	(void)queued;
}

/* The rest of bus_request() when it is traced, the master transparent or
 * the owner transparent: out of line, so that the common request makes
 * no call before its last. */
static SIM_NOINLINE int bus_request_rest(struct bus *bus,
					 struct bus_master *m)
{
	if (bus->track)
		bus_trace_request(bus, m);
	if (m->mode != BUS_MODE_TRANSPARENT) {
		bus->waiting_opaque++;
		if (bus->owner && bus->owner->mode == BUS_MODE_TRANSPARENT)
			bus_preempt(bus);
	}
	return bus_schedule_arbitration(bus);
}

int bus_request(struct bus_master *m, uint64_t cycles, uint64_t unit)
{
	struct bus *bus = m->bus;

	assert(!m->waiting && bus->owner != m);
	assert(cycles > 0);
	m->waiting = true;
	m->req_time = bus->sim->now;
	m->req_cycles = cycles;
	m->req_unit = unit;
	m->req_grant = m->mode == BUS_MODE_CYCLE_STEAL && unit ? unit :
		       UINT64_MAX;
	bus->waiting++;
	if (SIM_UNLIKELY(bus->track) || m->mode == BUS_MODE_TRANSPARENT ||
	    (bus->owner && bus->owner->mode == BUS_MODE_TRANSPARENT))
		return bus_request_rest(bus, m);
	bus->waiting_opaque++;
	return bus_schedule_arbitration(bus);
}

void bus_hold(struct bus_master *m, uint64_t cycles)
{
	struct bus *bus = m->bus;
	struct sim *sim = bus->sim;
	uint64_t end = bus->tenure_start + cycles * bus->clk.period;
	bool queued;

	assert(bus->owner == m && m->mode != BUS_MODE_TRANSPARENT);
	assert(end >= sim->now);
	if (cycles == bus->tenure_cycles)
		return;
	sim_cancel(sim, evq_handle(&bus->release));
	bus->tenure_cycles = cycles;
	bus->tenure_end = end;
	queued = sim_at_embedded(sim, &bus->release, end, PHASE_RELEASE);
	assert(queued);
	(void)queued;
}

bool bus_check(const struct bus *bus)
{
	unsigned w = 0, wo = 0;

	for (unsigned i = 0; i < bus->n; i++) {
		const struct bus_master *m = bus->m[i];

		if (m->id != i || (m->waiting && m == bus->owner &&
				     m->req_cycles <= bus->tenure_cycles))
			return false;
		w += m->waiting;
		wo += m->waiting && m->mode != BUS_MODE_TRANSPARENT;
	}
	return w == bus->waiting && wo == bus->waiting_opaque;
}

int bus_map(struct bus *bus, struct bus_target *t, uint64_t base,
	    uint64_t size)
{
	unsigned i;

	if (!size || base + size < base)
		return DMASIM_EINVAL;
	if (bus->ntargets == BUS_MAX_TARGETS)
		return DMASIM_ERANGE;
	for (i = 0; i < bus->ntargets; i++) {
		const struct bus_target *o = bus->targets[i];

		if (base < o->base + o->size && o->base < base + size)
			return DMASIM_EINVAL;
		if (base < o->base)
			break;
	}
	memmove(&bus->targets[i + 1], &bus->targets[i],
		(bus->ntargets - i) * sizeof(bus->targets[0]));
	bus->targets[i] = t;
	bus->ntargets++;
	t->base = base;
	t->size = size;
	return 0;
}

struct bus_target *bus_route(const struct bus *bus, uint64_t addr,
			     uint64_t len, uint64_t *off)
{
	unsigned lo = 0, hi = bus->ntargets;

	/* binary search for the last target with base <= addr */
	while (lo < hi) {
		unsigned mid = (lo + hi) / 2;

		if (bus->targets[mid]->base <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return NULL;
	{
		struct bus_target *t = bus->targets[lo - 1];
		uint64_t o = addr - t->base;

		if (o >= t->size || len > t->size - o)
			return NULL;
		*off = o;
		return t;
	}
}

uint64_t bus_xact_cycles(const struct bus *bus, uint64_t addr, uint64_t len,
			 bool write, struct bus_target **t, uint64_t *off)
{
	*t = bus_route(bus, addr, len, off);
	if (!*t)
		return 0;
	return (*t)->ops->cycles(*t, *off, len, write);
}

int bus_xact_data(const struct bus *bus, uint64_t addr, void *data,
		  uint64_t len, bool write)
{
	uint64_t off;
	struct bus_target *t = bus_route(bus, addr, len, &off);

	if (!t)
		return BUS_ERR_DECODE;
	return t->ops->access(t, off, data, len, write);
}

struct bus_target *bus_resolve(const struct bus *bus, uint64_t addr,
			       uint64_t len, uint64_t *off,
			       const struct bus **on)
{
	/* a bridge's windows pass addresses on unchanged */
	for (unsigned hops = 0; hops <= 8 && bus; hops++) {
		struct bus_target *t = bus_route(bus, addr, len, off);

		if (!t || !t->ops->far) {
			if (on)
				*on = bus;
			return t;
		}
		bus = t->ops->far(t);
	}
	return NULL;
}
