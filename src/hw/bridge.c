/* bridge: a bridge between two buses.  See bridge.h. */
#include "bridge.h"

#include <assert.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/alloc.h"
#include "kernel/base.h"

#define SIDE_OF(m, field)                                                    \
	((struct bridge_side *)((char *)(m) -                                \
				offsetof(struct bridge_side, field)))

static struct bridge_window *win_of(struct bus_target *t)
{
	return (struct bridge_window *)t;
}

static struct bridge_side *side_of_win(struct bridge_window *w)
{
	return &w->br->side[w->dir];
}

/* Beats of len bytes on bus through the bridge's data path. */
static uint64_t beats(const struct bridge *br, const struct bus *bus,
		      uint64_t len)
{
	uint64_t w = bus->cfg.width;

	if (br->cfg.width && br->cfg.width < w)
		w = br->cfg.width;
	return len ? (len + w - 1) / w : 1;
}

/* ---- the entries ---- */

static void kick_forwarder(struct bridge_side *s);
static void kick_returner(struct bridge_side *s);
static struct bridge_side *other_side(struct bridge_side *s);

/* An entry leaves the bridge: its slot goes to the first initiator
 * waiting for one, or back to the pool. */
static void entry_free(struct bridge_side *s, struct bridge_entry *e)
{
	struct xact *w = s->wait_head;

	e->x = NULL;
	e->next = s->free;
	s->free = e;
	if (!w) {
		s->used--;
		return;
	}
	s->wait_head = w->next;
	if (!s->wait_head)
		s->wait_tail = NULL;
	w->next = NULL;
	xact_resume(w);		/* its slot is this one */
}

static void entry_push(struct bridge_entry **head, struct bridge_entry **tail,
		       struct bridge_entry *e)
{
	e->next = NULL;
	if (*tail)
		(*tail)->next = e;
	else
		*head = e;
	*tail = e;
}

static struct bridge_entry *entry_pop(struct bridge_entry **head,
				      struct bridge_entry **tail)
{
	struct bridge_entry *e = *head;

	if (e) {
		*head = e->next;
		if (!*head)
			*tail = NULL;
		e->next = NULL;
	}
	return e;
}

/* ---- the near hop: windows as targets ---- */

static uint64_t win_cycles(struct bus_target *t, uint64_t off, uint64_t len,
			   bool write)
{
	struct bridge_window *w = win_of(t);
	struct bridge_side *s = side_of_win(w);

	(void)off;
	/* a write's data beats; a read's address cycle */
	return write ? beats(w->br, s->near, len) : 1;
}

static bool win_admit(struct bus_target *t, struct xact *x)
{
	struct bridge_side *s = side_of_win(win_of(t));

	if (s->used < win_of(t)->br->cfg.queue) {
		s->used++;
		return true;
	}
	s->stalls++;
	x->next = NULL;
	if (s->wait_tail)
		s->wait_tail->next = x;
	else
		s->wait_head = x;
	s->wait_tail = x;
	return false;
}

static void win_forward(struct bus_target *t, struct xact *x)
{
	struct bridge_window *w = win_of(t);
	struct bridge *br = w->br;
	struct bridge_side *s = side_of_win(w);
	struct bridge_entry *e = s->free;

	assert(e);	/* admitted: a slot is reserved */
	s->free = e->next;
	if (e->cap < x->len) {
		uint8_t *b = dm_realloc(e->buf, x->len);

		if (!b) {
			/* no room for the data: the bridge refuses it */
			entry_free(s, e);
			x->status = BUS_ERR_SLAVE;
			x->done(x);
			return;
		}
		e->buf = b;
		e->cap = x->len;
	}
	e->x = x;
	e->addr = x->addr;
	e->total = x->len;
	xact_init(&e->sub, x->addr, e->buf, x->len, x->write, x->init, NULL, e);
	e->sub.fixed = x->fixed;
	e->sub.translated = x->translated;
	e->sub.ats_req = x->ats_req;
	e->sub.message = x->message;
	e->sub.hops = x->hops;
	e->at = br->sim->now + br->cfg.latency;
	if (x->write) {
		memcpy(e->buf, x->data, x->len);
		s->writes++;
		if (br->cfg.posted) {
			s->posted_in++;
			e->x = NULL;	/* done for its initiator */
			x->status = BUS_OK;
			x->done(x);
		}
	} else {
		s->reads++;
	}
	entry_push(&s->q_head, &s->q_tail, e);
	kick_forwarder(s);
}

static struct bus *win_far(struct bus_target *t)
{
	return side_of_win(win_of(t))->far;
}

/* Untimed access across the window, for back doors (set-up, tests). */
static int win_access(struct bus_target *t, uint64_t off, void *data,
		      uint64_t len, bool write)
{
	struct bus_target *to;
	uint64_t o;

	to = bus_resolve(win_far(t), t->base + off, len, &o, NULL);
	if (!to)
		return BUS_ERR_DECODE;
	return to->ops->access(to, o, data, len, write);
}

static const struct bus_target_ops window_ops = {
	.cycles = win_cycles,
	.access = win_access,
	.admit = win_admit,
	.forward = win_forward,
	.far = win_far,
};

/* ---- the far hop: the forwarder ---- */

static void fwd_done(struct xact *sub);

/* The next piece of the entry on the far bus (all of it, unless a
 * translation stage cuts it at a page's end). */
static void fwd_piece(struct bridge_side *s, struct bridge_entry *e)
{
	e->sub.addr = e->addr + (e->sub.fixed ? 0 : e->moved);
	e->sub.data = e->buf + e->moved;
	e->sub.len = e->total - e->moved;
	e->sub.done = fwd_done;
	if (s->xl) {
		s->xl->translate(s->xl->ctx, s, e);
		return;
	}
	xact_start(&s->fwd, &e->sub);
}

static void fwd_issue(struct bridge_side *s)
{
	struct bridge_entry *e = entry_pop(&s->q_head, &s->q_tail);

	s->far_busy = e;
	s->forwarded++;
	s->bytes += e->sub.len;
	e->moved = 0;
	fwd_piece(s, e);
}

void bridge_xlate_done(struct bridge_side *s, struct bridge_entry *e,
		       int status)
{
	if (status) {
		e->sub.status = status;
		fwd_done(&e->sub);
		return;
	}
	xact_start(&s->fwd, &e->sub);
}

void bridge_xlate_answer(struct bridge_side *s, struct bridge_entry *e)
{
	(void)s;
	assert(!e->sub.write && e->moved == 0);
	e->sub.len = e->total;
	e->sub.status = BUS_OK;
	fwd_done(&e->sub);
}

void bridge_set_xlate(struct bridge *br, enum bridge_dir dir,
		      const struct bridge_xlate *xl)
{
	br->side[dir].xl = xl;
}

static void fwd_event(struct sim *sim, struct event *ev)
{
	struct bridge_side *s = ev->obj;

	(void)sim;
	s->fwd_pending = false;
	kick_forwarder(s);
}

static void kick_forwarder(struct bridge_side *s)
{
	struct bridge_entry *e = s->q_head;
	struct sim *sim = s->fwd.bus->sim;

	if (!e || s->far_busy || s->fwd_pending)
		return;
	if (e->at > sim->now) {
		s->fwd_pending = true;
		if (!sim_at(sim, e->at, PHASE_REQUEST, fwd_event, s,
			    NULL, 0))
			assert(!"out of event memory");
		return;
	}
	fwd_issue(s);
}

/* The side whose transactions go the other way. */
static struct bridge_side *other_side(struct bridge_side *s)
{
	struct bridge *br = ((struct bridge_window *)s->win)->br;

	return &br->side[s == &br->side[0] ? 1 : 0];
}

static void fwd_done(struct xact *sub)
{
	struct bridge_entry *e = sub->ctx;
	struct bridge_side *s = e->side;
	struct bridge *br = ((struct bridge_window *)s->win)->br;

	if (!sub->status && e->moved + sub->len < e->total) {
		/* a translated piece: the rest of the entry next */
		e->moved += sub->len;
		fwd_piece(s, e);
		return;
	}
	s->far_busy = NULL;
	if (!e->x) {
		/* a posted write: nobody waits for it; a completion the
		 * other way may have waited for it */
		entry_free(s, e);
		s->posted_out++;
		kick_returner(other_side(s));
	} else {
		/* back across, behind the posted writes already inside the
		 * other way, then (a read) its data on the near bus */
		e->at = br->sim->now + br->cfg.latency;
#ifdef DMASIM_MUTATE_BRIDGE_CPL_NO_LATENCY
		/* broken on purpose: a completion comes back across the
		 * bridge at once, its way back's latency left out */
		e->at = br->sim->now;
#endif
		e->order = other_side(s)->posted_in;
		entry_push(&s->r_head, &s->r_tail, e);
		kick_returner(s);
	}
	kick_forwarder(s);
}

static void fwd_released(struct bus_master *m, uint64_t cycles)
{
	struct bridge_side *s = SIDE_OF(m, fwd);

	(void)cycles;
	xact_released(&s->far_busy->sub);
}

static const struct bus_master_ops fwd_ops = {
	.released = fwd_released,
};

/* ---- back to the initiator: the returner ---- */

static void ret_complete(struct bridge_side *s, struct bridge_entry *e)
{
	struct xact *x = e->x;

#ifdef DMASIM_MUTATE_BRIDGE_READ_NO_DATA
	if (false)	/* a read's completion returns without its data */
#else
	if (!x->write && !e->sub.status)
#endif
		memcpy(x->data, e->buf, x->len);
	x->status = e->sub.status;
	entry_free(s, e);
	x->done(x);
}

static void ret_event(struct sim *sim, struct event *ev)
{
	struct bridge_side *s = ev->obj;

	(void)sim;
	s->ret_busy = NULL;
	kick_returner(s);
}

static void kick_returner(struct bridge_side *s)
{
	struct bridge_entry *e = s->r_head;
	struct sim *sim = s->ret.bus->sim;
	struct bridge *br = ((struct bridge_window *)s->win)->br;
	uint64_t n;

	if (!e || s->ret_busy || e->order > other_side(s)->posted_out)
		return;		/* (kicked again when those writes are done) */
	if (e->at > sim->now) {
		/* crossing back: hold the returner until then */
		s->ret_busy = e;
		if (!sim_at(sim, e->at, PHASE_REQUEST, ret_event, s,
			    NULL, 0))
			assert(!"out of event memory");
		return;
	}
	entry_pop(&s->r_head, &s->r_tail);
	if (e->x->write || e->sub.status) {
		/* a non-posted write, or a failure: no data to carry */
		ret_complete(s, e);
		kick_returner(s);
		return;
	}
	s->ret_busy = e;
	n = beats(br, s->near, e->x->len);
	bus_request(&s->ret, n, n);
}

static void ret_released(struct bus_master *m, uint64_t cycles)
{
	struct bridge_side *s = SIDE_OF(m, ret);
	struct bridge_entry *e = s->ret_busy;

	(void)cycles;
	s->ret_busy = NULL;
	ret_complete(s, e);
	kick_returner(s);
}

static const struct bus_master_ops ret_ops = {
	.released = ret_released,
};

/* ---- set-up ---- */

static int side_init(struct bridge *br, struct bridge_side *s,
		     struct bus *near, struct bus *far, const char *dir)
{
	char name[48], prefix[64];
	struct {
		const char *n;
		uint64_t *v;
	} st[] = {
		{ "forwarded", &s->forwarded }, { "reads", &s->reads },
		{ "writes", &s->writes }, { "bytes", &s->bytes },
		{ "stalls", &s->stalls },
	};
	int err;

	s->near = near;
	s->far = far;
	s->slots = dm_calloc(br->cfg.queue, sizeof(*s->slots));
	if (!s->slots)
		return DMASIM_ENOMEM;
	for (uint32_t i = br->cfg.queue; i-- > 0;) {
		s->slots[i].side = s;
		s->slots[i].next = s->free;
		s->free = &s->slots[i];
	}
	snprintf(name, sizeof(name), "%s.%s", br->name, dir);
	err = bus_attach(far, &s->fwd, name, &fwd_ops, BUS_MODE_BURST,
			 br->cfg.priority);
	if (err)
		return err;
	snprintf(name, sizeof(name), "%s.%s_ret", br->name, dir);
	err = bus_attach(near, &s->ret, name, &ret_ops, BUS_MODE_BURST,
			 br->cfg.priority);
	if (err)
		return err;
	snprintf(prefix, sizeof(prefix), "%s.%s", br->name, dir);
	for (size_t i = 0; i < sizeof(st) / sizeof(st[0]); i++)
		if (stats_add(&br->sim->stats, prefix, st[i].n, STAT_COUNTER,
			      i == 3 ? "bytes" : "", st[i].v))
			return DMASIM_ENOMEM;
	return 0;
}

int bridge_init(struct bridge *br, struct sim *sim, const char *name,
		struct bus *a, struct bus *b, const struct bridge_config *cfg)
{
	int err;

	if (a == b || !cfg->queue)
		return DMASIM_EINVAL;
	memset(br, 0, sizeof(*br));
	br->cfg = *cfg;
	br->sim = sim;
	snprintf(br->name, sizeof(br->name), "%s", name);
	for (int d = 0; d < 2; d++)
		for (unsigned i = 0; i < BRIDGE_MAX_WINDOWS; i++) {
			br->side[d].win[i].br = br;
			br->side[d].win[i].dir = (enum bridge_dir)d;
		}
	err = side_init(br, &br->side[BRIDGE_A_TO_B], a, b, "a2b");
	if (!err)
		err = side_init(br, &br->side[BRIDGE_B_TO_A], b, a, "b2a");
	return err;
}

void bridge_fini(struct bridge *br)
{
	for (int d = 0; d < 2; d++) {
		struct bridge_side *s = &br->side[d];

		for (uint32_t i = 0; s->slots && i < br->cfg.queue; i++)
			dm_free(s->slots[i].buf);
		dm_free(s->slots);
		s->slots = NULL;
	}
}

int bridge_window(struct bridge *br, enum bridge_dir dir, uint64_t base,
		  uint64_t size)
{
	struct bridge_side *s = &br->side[dir];
	struct bridge_window *w;
	const struct bus *b = s->far;

	if (s->nwin == BRIDGE_MAX_WINDOWS)
		return DMASIM_ERANGE;
	if (!size || base + size < base)
		return DMASIM_EINVAL;
	/* Where the far bus would send the window's address: never back to
	 * this bus (a routing loop). */
	for (unsigned hops = 0; b; hops++) {
		uint64_t off;
		struct bus_target *t = bus_route(b, base, 1, &off);

		if (b == s->near || hops > XACT_MAX_HOPS)
			return DMASIM_EINVAL;
		if (!t || !t->ops->far)
			break;
		b = t->ops->far(t);
	}
	w = &s->win[s->nwin];
	w->tgt.ops = &window_ops;
	w->tgt.name = br->name;
	if (bus_map(s->near, &w->tgt, base, size))
		return DMASIM_EINVAL;
	s->nwin++;
	return 0;
}

bool bridge_check(const struct bridge *br)
{
	for (int d = 0; d < 2; d++) {
		const struct bridge_side *s = &br->side[d];
		unsigned nfree = 0;

		for (const struct bridge_entry *e = s->free; e; e = e->next)
			nfree++;
		if (s->used > br->cfg.queue || nfree + s->used < br->cfg.queue)
			return false;
		if (s->wait_head && s->used < br->cfg.queue)
			return false;
	}
	return true;
}
