/*
 * lmap: the DMA mapping API and the sanitizer in the scenario language.
 *
 *   local dev = sys:dma_device{ cpu = cpu, cache = l1, mask = "4GiB",
 *       pool_base = .., pool_size = .., bounce_base = .., bounce_size = .. }
 *   local h = dev:map_single(addr, len, "from_device")   -- on dev's CPU
 *   if dev:mapping_error(h) then ... end
 *   dev:sync_for_cpu(h, len, "from_device")
 *   dev:unmap_single(h, len, "from_device")
 *   local dmas, n = dev:map_sg({ {addr, len}, ... }, "to_device")
 *   dev:unmap_sg(dmas, n, "to_device")
 *   local cpu_addr, dma = dev:alloc_coherent(size)
 *   dev:free_coherent(cpu_addr, size, dma)
 *   dev:teardown()
 */
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>

#include "check/sanitizer.h"
#include "hw/cache.h"
#include "lcoh.h"
#include "lfields.h"
#include "lrun.h"
#include "os/dmamap.h"
#include "kernel/vec.h"

#define DDEV_MT "dmasim.dma_device"

struct ldev {
	struct dma_dev d;
	struct cpu *cpu;
};

static const char *const dir_names[] = { "bidirectional", "to_device",
	"from_device", NULL };

/* ---- the sanitizer ---- */

static void san_to_run(void *ctx, const struct san_report *r)
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
	c->time = r->time;
	c->paddr = r->paddr;
	c->dma = r->dma;
	c->size = r->size;
}

static void san_free(void *obj)
{
	san_fini(obj);
}

/* The system's sanitizer, created on first use when the run checks. */
static struct sanitizer *sys_san(lua_State *L, struct lsys *sys)
{
	struct dmasim_run *run = lrun_get(L);

	if (!sys->san && run->check) {
		sys->san = lsys_alloc(L, sys, sizeof(*sys->san), san_free);
		san_init(sys->san, &sys->sim, &sys->bus, san_to_run, run);
	}
	return sys->san;
}

void lcoh_cache_added(lua_State *L, struct lsys *sys, struct cache *c)
{
	struct sanitizer *s = sys_san(L, sys);

	if (s)
		san_watch_cache(s, c);
}

/* ---- calls ---- */

enum { C_MAP, C_UNMAP, C_MAP_SG, C_UNMAP_SG, C_SYNC_CPU, C_SYNC_DEV,
       C_ALLOC, C_FREE };

struct map_call {
	struct lcall lc;
	struct ldev *dev;
	int what;
	enum dma_dir dir;
	uint64_t a, b, len, ret, ret2;
	unsigned n;
	struct dma_sg *sg;
};

static void map_run(struct lcall *lc, uint64_t *cycles, uint64_t *bus)
{
	struct map_call *m = (struct map_call *)lc;
	struct dma_dev *d = &m->dev->d;
	struct cache_cost cost = { 0, 0 };

	switch (m->what) {
	case C_MAP:
		m->ret = dmamap_map_single(d, m->a, m->len, m->dir, &cost);
		break;
	case C_UNMAP:
		dmamap_unmap_single(d, m->a, m->len, m->dir, &cost);
		break;
	case C_MAP_SG:
		m->ret = dmamap_map_sg(d, m->sg, m->n, m->dir, &cost);
		break;
	case C_UNMAP_SG:
		dmamap_unmap_sg(d, m->sg, m->n, m->dir, &cost);
		break;
	case C_SYNC_CPU:
		dmamap_sync_for_cpu(d, m->a, m->len, m->dir, &cost);
		break;
	case C_SYNC_DEV:
		dmamap_sync_for_device(d, m->a, m->len, m->dir, &cost);
		break;
	case C_ALLOC:
		m->ret = dmamap_alloc_coherent(d, m->len, &m->ret2, &cost);
		break;
	case C_FREE:
		dmamap_free_coherent(d, m->a, m->len, m->b, &cost);
		break;
	}
	*cycles = cost.cpu;
	*bus = cost.bus;
}

static int k_map(lua_State *L, int status, lua_KContext ctx)
{
	struct map_call *m = (struct map_call *)ctx;
	int n = 0;

	(void)status;
	switch (m->what) {
	case C_MAP:
		lua_pushinteger(L, (lua_Integer)m->ret);
		n = 1;
		break;
	case C_MAP_SG:
		lua_createtable(L, (int)m->n, 0);
		for (unsigned i = 0; m->ret && i < m->n; i++) {
			lua_pushinteger(L, (lua_Integer)m->sg[i].dma);
			lua_rawseti(L, -2, i + 1);
		}
		lua_pushinteger(L, (lua_Integer)m->ret);
		n = 2;
		break;
	case C_ALLOC:
		if (m->ret) {
			lua_pushinteger(L, (lua_Integer)m->ret);
			lua_pushinteger(L, (lua_Integer)m->ret2);
		} else {
			lua_pushnil(L);
			lua_pushnil(L);
		}
		n = 2;
		break;
	}
	free(m->sg);
	free(m);
	return n;
}

static uint64_t arg_u(lua_State *L, int idx, const char *fn)
{
	if (!lua_isinteger(L, idx))
		luaL_error(L, "%s: argument %d: expected an integer", fn,
			   idx - 1);
	return (uint64_t)lua_tointeger(L, idx);
}

static int issue(lua_State *L, struct map_call *m, const char *fn)
{
	m->lc.fn = map_run;
	m->dev = lsys_check_comp(L, 1, DDEV_MT);
	return lcoh_call(L, ((struct lcomp *)lua_touserdata(L, 1))->sys,
			 m->dev->cpu, &m->lc, fn, k_map);
}

static int simple(lua_State *L, int what, const char *fn)
{
	struct map_call *m;
	uint64_t a, len;
	int dir;

	lsys_check_comp(L, 1, DDEV_MT);
	a = arg_u(L, 2, fn);
	len = arg_u(L, 3, fn);
	dir = luaL_checkoption(L, 4, NULL, dir_names);
	m = (struct map_call *)lcoh_new(L, sizeof(*m));
	m->what = what;
	m->a = a;
	m->len = len;
	m->dir = (enum dma_dir)dir;
	return issue(L, m, fn);
}

static int l_map_single(lua_State *L)
{
	return simple(L, C_MAP, "dma_device:map_single()");
}

static int l_unmap_single(lua_State *L)
{
	return simple(L, C_UNMAP, "dma_device:unmap_single()");
}

static int l_sync_for_cpu(lua_State *L)
{
	return simple(L, C_SYNC_CPU, "dma_device:sync_for_cpu()");
}

static int l_sync_for_device(lua_State *L)
{
	return simple(L, C_SYNC_DEV, "dma_device:sync_for_device()");
}

/* dev:map_sg({{addr, len}, ...}, dir) -> dma addresses, n (0: error) */
static int l_map_sg(lua_State *L)
{
	const char *fn = "dma_device:map_sg()";
	struct map_call *m;
	lua_Integer n;
	int dir;

	lsys_check_comp(L, 1, DDEV_MT);
	luaL_checktype(L, 2, LUA_TTABLE);
	dir = luaL_checkoption(L, 3, NULL, dir_names);
	n = luaL_len(L, 2);
	if (n < 1 || n > 4096)
		return luaL_error(L, "%s: expected 1 to 4096 entries", fn);
	m = (struct map_call *)lcoh_new(L, sizeof(*m));
	m->sg = calloc((size_t)n, sizeof(*m->sg));
	if (!m->sg) {
		free(m);
		return luaL_error(L, "out of memory");
	}
	for (lua_Integer i = 1; i <= n; i++) {
		lua_geti(L, 2, i);
		if (!lua_istable(L, -1) || lua_geti(L, -1, 1) != LUA_TNUMBER ||
		    lua_geti(L, -2, 2) != LUA_TNUMBER) {
			free(m->sg);
			free(m);
			return luaL_error(L, "%s: entry %d: expected {addr, "
					  "len}", fn, (int)i);
		}
		m->sg[i - 1].paddr = (uint64_t)lua_tointeger(L, -2);
		m->sg[i - 1].len = (uint64_t)lua_tointeger(L, -1);
		lua_pop(L, 3);
	}
	m->what = C_MAP_SG;
	m->n = (unsigned)n;
	m->dir = (enum dma_dir)dir;
	return issue(L, m, fn);
}

/* dev:unmap_sg(dmas, nents, dir): dmas as map_sg returned them */
static int l_unmap_sg(lua_State *L)
{
	const char *fn = "dma_device:unmap_sg()";
	struct map_call *m;
	lua_Integer n;
	int dir;

	lsys_check_comp(L, 1, DDEV_MT);
	luaL_checktype(L, 2, LUA_TTABLE);
	n = luaL_checkinteger(L, 3);
	dir = luaL_checkoption(L, 4, NULL, dir_names);
	if (n < 1 || n > 4096)
		return luaL_error(L, "%s: nents: expected 1 to 4096", fn);
	m = (struct map_call *)lcoh_new(L, sizeof(*m));
	m->sg = calloc((size_t)n, sizeof(*m->sg));
	if (!m->sg) {
		free(m);
		return luaL_error(L, "out of memory");
	}
	for (lua_Integer i = 1; i <= n; i++) {
		lua_geti(L, 2, i);
		m->sg[i - 1].dma = (uint64_t)lua_tointeger(L, -1);
		lua_pop(L, 1);
	}
	m->what = C_UNMAP_SG;
	m->n = (unsigned)n;
	m->dir = (enum dma_dir)dir;
	return issue(L, m, fn);
}

/* dev:alloc_coherent(size) -> cpu_addr, dma (nil, nil: pool exhausted) */
static int l_alloc_coherent(lua_State *L)
{
	struct map_call *m;
	uint64_t len;

	lsys_check_comp(L, 1, DDEV_MT);
	len = arg_u(L, 2, "dma_device:alloc_coherent()");
	m = (struct map_call *)lcoh_new(L, sizeof(*m));
	m->what = C_ALLOC;
	m->len = len;
	return issue(L, m, "dma_device:alloc_coherent()");
}

/* dev:free_coherent(cpu_addr, size, dma) */
static int l_free_coherent(lua_State *L)
{
	const char *fn = "dma_device:free_coherent()";
	struct map_call *m;
	uint64_t a, len, b;

	lsys_check_comp(L, 1, DDEV_MT);
	a = arg_u(L, 2, fn);
	len = arg_u(L, 3, fn);
	b = arg_u(L, 4, fn);
	m = (struct map_call *)lcoh_new(L, sizeof(*m));
	m->what = C_FREE;
	m->a = a;
	m->len = len;
	m->b = b;
	return issue(L, m, fn);
}

/* dev:mapping_error(dma) -> bool (untimed) */
static int l_mapping_error(lua_State *L)
{
	struct ldev *d = lsys_check_comp(L, 1, DDEV_MT);

	lua_pushboolean(L, dmamap_mapping_error(&d->d, arg_u(L, 2,
				"dma_device:mapping_error()")));
	return 1;
}

static int l_teardown(lua_State *L)
{
	struct ldev *d = lsys_check_comp(L, 1, DDEV_MT);

	dmamap_teardown(&d->d);
	return 0;
}

static int l_ddev_index(lua_State *L)
{
	struct ldev *ld = lsys_check_comp(L, 1, DDEV_MT);
	const struct dma_dev *d = &ld->d;
	const char *k = luaL_checkstring(L, 2);
	const struct lsys_field f[] = {
		{ "maps", d->maps },
		{ "syncs", d->syncs },
		{ "map_errors", d->map_errors },
		{ "bounces", d->bounces },
		{ "bounce_bytes", d->bounce_bytes },
		{ "MAPPING_ERROR", DMA_MAPPING_ERROR },
	};

	if (lsys_index(L, 1, k, f, LSYS_NFIELDS(f)))
		return 1;
	if (!strcmp(k, "coherent"))
		lua_pushboolean(L, dmamap_coherent(d));
	else if (!strcmp(k, "name"))
		lua_pushstring(L, d->name);
	else
		return luaL_error(L, "dma_device has no field '%s'", k);
	return 1;
}

static void ldev_fini(void *obj)
{
	dmamap_fini(&((struct ldev *)obj)->d);
}

/* sys:dma_device{cpu, cache, name, mask, map_cycles, sync_cycles, copy,
 *                pool_base, pool_size, bounce_base, bounce_size,
 *                bounce_slot} */
int lmap_sys_dma_device(lua_State *L)
{
	static const char *const known[] = { "cpu", "cache", "name", "mask",
		"map_cycles", "sync_cycles", "copy", "pool_base", "pool_size",
		"bounce_base", "bounce_size", "bounce_slot", NULL };
	const char *what = "system:dma_device{}";
	struct lsys *sys = lsys_check(L, 1);
	struct dmamap_config cfg;
	struct cache *cache = NULL;
	struct ldev *ld;
	void *ud;
	int err;

	luaL_checktype(L, 2, LUA_TTABLE);
	lf_known(L, 2, what, known);
	lua_getfield(L, 2, "cpu");
	ud = luaL_testudata(L, -1, "dmasim.cpu");
	if (!ud)
		return luaL_error(L, "%s: field 'cpu': expected a cpu", what);
	lua_pop(L, 1);
	if (lua_getfield(L, 2, "cache") != LUA_TNIL)
		cache = lcoh_check_cache(L, -1);
	lua_pop(L, 1);
	memset(&cfg, 0, sizeof(cfg));
	cfg.mask = lf_uint(L, 2, what, "mask", UNIT_SIZE, 0, 0);
	cfg.mask = cfg.mask ? cfg.mask - 1 : ~(uint64_t)0;
	cfg.map_cycles = (uint32_t)lf_uint(L, 2, what, "map_cycles",
					   UNIT_NUMBER, 50, 0);
	cfg.sync_cycles = (uint32_t)lf_uint(L, 2, what, "sync_cycles",
					    UNIT_NUMBER, 20, 0);
	cfg.copy = (uint32_t)lf_uint(L, 2, what, "copy", UNIT_NUMBER, 16, 0);
	cfg.pool_base = lf_uint(L, 2, what, "pool_base", UNIT_SIZE, 0, 0);
	cfg.pool_size = lf_uint(L, 2, what, "pool_size", UNIT_SIZE, 0, 0);
	cfg.bounce_base = lf_uint(L, 2, what, "bounce_base", UNIT_SIZE, 0, 0);
	cfg.bounce_size = lf_uint(L, 2, what, "bounce_size", UNIT_SIZE, 0, 0);
	cfg.bounce_slot = (uint32_t)lf_uint(L, 2, what, "bounce_slot",
					    UNIT_SIZE, 2048, 1);
	ld = lsys_new_comp(L, sys, sizeof(*ld), DDEV_MT, ldev_fini);
	ld->cpu = ((struct lcomp *)ud)->obj;
	err = dmamap_init(&ld->d, &sys->bus, cache, sys_san(L, sys),
			  lf_string(L, 2, what, "name", "dev"), &cfg);
	if (err == DMASIM_EINVAL)
		return luaL_error(L, "%s: the bounce pool must lie below the "
				  "DMA mask", what);
	if (err)
		return luaL_error(L, "%s: %s", what, dmasim_strerror(err));
	return 1;
}

/* sys:check_reports() -> count of sanitizer reports so far, table of
 * classes */
static int l_reports(lua_State *L)
{
	struct dmasim_run *run = lrun_get(L);

	lua_pushinteger(L, (lua_Integer)run->nchecks);
	lua_createtable(L, (int)run->nchecks, 0);
	for (size_t i = 0; i < run->nchecks; i++) {
		lua_pushstring(L, run->checks[i].cls);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	return 2;
}

void lmap_open(lua_State *L)
{
	static const luaL_Reg methods[] = {
		{ "map_single", l_map_single },
		{ "unmap_single", l_unmap_single },
		{ "map_sg", l_map_sg },
		{ "unmap_sg", l_unmap_sg },
		{ "sync_for_cpu", l_sync_for_cpu },
		{ "sync_for_device", l_sync_for_device },
		{ "alloc_coherent", l_alloc_coherent },
		{ "free_coherent", l_free_coherent },
		{ "mapping_error", l_mapping_error },
		{ "teardown", l_teardown },
		{ NULL, NULL }
	};

	lsys_class(L, DDEV_MT, methods, l_ddev_index, NULL);
	lua_pushcfunction(L, l_reports);
	lua_setfield(L, -2, "check_reports");
}
