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

#include "lfields.h"
#include "lrun.h"
#include "lsys.h"
#include "os/dmaiommu.h"
#include "kernel/alloc.h"

#define DDEV_MT "dmasim.dma_device"

static const char *const dir_names[] = { "bidirectional", "to_device",
	"from_device", NULL };

static uint64_t arg_u(lua_State *L, int idx, const char *fn)
{
	if (!lua_isinteger(L, idx))
		lf_error(L, "%s: argument %d: expected an integer", fn,
			 idx - 1);
	return (uint64_t)lua_tointeger(L, idx);
}

static struct lproc *map_proc(lua_State *L, const char *fn)
{
	lsys_check_comp(L, 1, DDEV_MT);
	return lsys_current(L, lsys_of(L, 1), fn);
}

static int k_map(lua_State *L, int status, lua_KContext ctx)
{
	struct lproc *lp = (struct lproc *)ctx;

	(void)status;
	lua_pushinteger(L, (lua_Integer)dmasim_proc_result(&lp->p)->value);
	return 1;
}

static int k_alloc(lua_State *L, int status, lua_KContext ctx)
{
	struct lproc *lp = (struct lproc *)ctx;
	const struct dmasim_result *r = dmasim_proc_result(&lp->p);

	(void)status;
	if (r->value2 != DMASIM_MAPPING_ERROR) {
		lua_pushinteger(L, (lua_Integer)r->value);
		lua_pushinteger(L, (lua_Integer)r->value2);
	} else {
		lua_pushnil(L);
		lua_pushnil(L);
	}
	return 2;
}

static int k_map_sg(lua_State *L, int status, lua_KContext ctx)
{
	struct lproc *lp = (struct lproc *)ctx;
	const struct dmasim_sg *sg = lp->buf;
	uint64_t ok = dmasim_proc_result(&lp->p)->value;
	unsigned n = lp->p.op.u.map.n;

	(void)status;
	lua_createtable(L, (int)n, 0);
	for (unsigned i = 0; ok && i < n; i++) {
		lua_pushinteger(L, (lua_Integer)sg[i].dma);
		lua_rawseti(L, -2, i + 1);
	}
	lua_pushinteger(L, (lua_Integer)ok);
	dm_free(lp->buf);
	lp->buf = NULL;
	return 2;
}

static int k_sg_free(lua_State *L, int status, lua_KContext ctx)
{
	struct lproc *lp = (struct lproc *)ctx;

	(void)L;
	(void)status;
	dm_free(lp->buf);
	lp->buf = NULL;
	return 0;
}

typedef int (*simple_fn)(struct dmasim_proc *, struct dmasim_dmadev *,
			 uint64_t, uint64_t, enum dmasim_dir);

static int simple(lua_State *L, simple_fn f, const char *fn, bool result)
{
	struct dmasim_dmadev *d = lsys_check_comp(L, 1, DDEV_MT);
	uint64_t a = arg_u(L, 2, fn), len = arg_u(L, 3, fn);
	int dir = luaL_checkoption(L, 4, NULL, dir_names);
	struct lproc *lp = map_proc(L, fn);

	return lsys_await(L, lp->ls, f(&lp->p, d, a, len,
				       (enum dmasim_dir)dir), fn,
			  result ? k_map : NULL, (lua_KContext)lp);
}

static int l_map_single(lua_State *L)
{
	return simple(L, dmasim_map_single, "dma_device:map_single()", true);
}

static int l_unmap_single(lua_State *L)
{
	return simple(L, dmasim_unmap_single, "dma_device:unmap_single()",
		      false);
}

static int l_sync_for_cpu(lua_State *L)
{
	return simple(L, dmasim_sync_for_cpu, "dma_device:sync_for_cpu()",
		      false);
}

static int l_sync_for_device(lua_State *L)
{
	return simple(L, dmasim_sync_for_device,
		      "dma_device:sync_for_device()", false);
}

/* An sg list for the calling process (freed in its continuation). */
static struct dmasim_sg *sg_new(lua_State *L, struct lproc *lp,
				lua_Integer n)
{
	dm_free(lp->buf);
	lp->buf = dm_calloc((size_t)n, sizeof(struct dmasim_sg));
	if (!lp->buf)
		luaL_error(L, "out of memory");
	return lp->buf;
}

/* dev:map_sg({{addr, len}, ...}, dir) -> dma addresses, n (0: error) */
static int l_map_sg(lua_State *L)
{
	const char *fn = "dma_device:map_sg()";
	struct dmasim_dmadev *d = lsys_check_comp(L, 1, DDEV_MT);
	struct dmasim_sg *sg;
	struct lproc *lp;
	lua_Integer n;
	int dir;

	luaL_checktype(L, 2, LUA_TTABLE);
	dir = luaL_checkoption(L, 3, NULL, dir_names);
	n = luaL_len(L, 2);
	if (n < 1 || n > 4096)
		return luaL_error(L, "%s: expected 1 to 4096 entries", fn);
	for (lua_Integer i = 1; i <= n; i++) {
		lua_geti(L, 2, i);
		if (!lua_istable(L, -1) || lua_geti(L, -1, 1) != LUA_TNUMBER ||
		    lua_geti(L, -2, 2) != LUA_TNUMBER ||
		    !lua_isinteger(L, -2) || !lua_isinteger(L, -1) ||
		    lua_tointeger(L, -1) < 1)
			return luaL_error(L, "%s: entry %d: expected {addr, "
					  "len}: whole numbers, len >= 1", fn,
					  (int)i);
		lua_pop(L, 3);
	}
	lp = map_proc(L, fn);
	sg = sg_new(L, lp, n);
	for (lua_Integer i = 1; i <= n; i++) {
		lua_geti(L, 2, i);
		lua_geti(L, -1, 1);
		lua_geti(L, -2, 2);
		sg[i - 1].addr = (uint64_t)lua_tointeger(L, -2);
		sg[i - 1].len = (uint64_t)lua_tointeger(L, -1);
		lua_pop(L, 3);
	}
	return lsys_await(L, lp->ls, dmasim_map_sg(&lp->p, d, sg, (unsigned)n,
			  (enum dmasim_dir)dir), fn, k_map_sg,
			  (lua_KContext)lp);
}

/* dev:unmap_sg(dmas, nents, dir): dmas as map_sg returned them */
static int l_unmap_sg(lua_State *L)
{
	const char *fn = "dma_device:unmap_sg()";
	struct dmasim_dmadev *d = lsys_check_comp(L, 1, DDEV_MT);
	struct dmasim_sg *sg;
	struct lproc *lp;
	lua_Integer n;
	int dir;

	luaL_checktype(L, 2, LUA_TTABLE);
	n = luaL_checkinteger(L, 3);
	dir = luaL_checkoption(L, 4, NULL, dir_names);
	if (n < 1 || n > 4096)
		return luaL_error(L, "%s: nents: expected 1 to 4096", fn);
	lp = map_proc(L, fn);
	sg = sg_new(L, lp, n);
	for (lua_Integer i = 1; i <= n; i++) {
		lua_geti(L, 2, i);
		sg[i - 1].dma = (uint64_t)lua_tointeger(L, -1);
		lua_pop(L, 1);
	}
	return lsys_await(L, lp->ls, dmasim_unmap_sg(&lp->p, d, sg,
			  (unsigned)n, (enum dmasim_dir)dir), fn, k_sg_free,
			  (lua_KContext)lp);
}

/* dev:alloc_coherent(size) -> cpu_addr, dma (nil, nil: pool exhausted) */
static int l_alloc_coherent(lua_State *L)
{
	const char *fn = "dma_device:alloc_coherent()";
	struct dmasim_dmadev *d = lsys_check_comp(L, 1, DDEV_MT);
	uint64_t len = arg_u(L, 2, fn);
	struct lproc *lp = map_proc(L, fn);

	return lsys_await(L, lp->ls, dmasim_alloc_coherent(&lp->p, d, len),
			  fn, k_alloc, (lua_KContext)lp);
}

/* dev:free_coherent(cpu_addr, size, dma) */
static int l_free_coherent(lua_State *L)
{
	const char *fn = "dma_device:free_coherent()";
	struct dmasim_dmadev *d = lsys_check_comp(L, 1, DDEV_MT);
	uint64_t a = arg_u(L, 2, fn), len = arg_u(L, 3, fn);
	uint64_t b = arg_u(L, 4, fn);
	struct lproc *lp = map_proc(L, fn);

	return lsys_await(L, lp->ls, dmasim_free_coherent(&lp->p, d, a, len,
			  b), fn, NULL, 0);
}

/* dev:mapping_error(dma) -> bool (untimed) */
static int l_mapping_error(lua_State *L)
{
	struct dmasim_dmadev *d = lsys_check_comp(L, 1, DDEV_MT);

	lua_pushboolean(L, dmasim_mapping_error(d, arg_u(L, 2,
				"dma_device:mapping_error()")));
	return 1;
}

/* dev:use_iommu{iommu, device, memory, pt_base, pt_size, iova_base,
 *                iova_size, lazy, flush_max, flush_timeout, alloc, pte,
 *                inval, untrusted, ats, ats_inval}: map through an IOMMU
 *                from now on */
static int l_use_iommu(lua_State *L)
{
	static const char *const known[] = { "iommu", "device", "memory",
		"pt_base", "pt_size", "iova_base", "iova_size", "lazy",
		"flush_max", "flush_timeout", "alloc", "pte", "inval",
		"untrusted", "ats", "ats_inval", NULL };
	const char *what = "dma_device:use_iommu{}";
	struct dmasim_dmadev *d = lsys_check_comp(L, 1, DDEV_MT);
	struct dmasim_iommu_map_config cfg;
	void *io, *ch, *mem;

	luaL_checktype(L, 2, LUA_TTABLE);
	lf_known(L, 2, what, known);
	lua_getfield(L, 2, "iommu");
	io = luaL_testudata(L, -1, IOMMU_MT);
	lua_getfield(L, 2, "device");
	ch = luaL_testudata(L, -1, CHAN_MT);
	lua_getfield(L, 2, "memory");
	mem = luaL_testudata(L, -1, MEM_MT);
	if (!io || !ch || !mem)
		return lf_error(L, "%s: fields 'iommu', 'device' and 'memory': "
				"expected an iommu, the DMA channel of the "
				"device and the memory holding the page tables",
				what);
	lua_pop(L, 3);
	dmasim_iommu_map_config_init(&cfg);
	cfg.pt_base = lf_uint(L, 2, what, "pt_base", UNIT_SIZE, 0, 0);
	cfg.pt_size = lf_uint(L, 2, what, "pt_size", UNIT_SIZE, 0, 0);
	cfg.iova_base = lf_uint(L, 2, what, "iova_base", UNIT_SIZE, 1 << 20,
				4096);
	cfg.iova_size = lf_uint(L, 2, what, "iova_size", UNIT_SIZE, 1ull << 32,
				4096);
	lua_getfield(L, 2, "lazy");
	cfg.lazy = lua_toboolean(L, -1);
	lua_pop(L, 1);
	lua_getfield(L, 2, "untrusted");
	cfg.untrusted = lua_toboolean(L, -1);
	lua_pop(L, 1);
	lua_getfield(L, 2, "ats");
	cfg.ats = lua_toboolean(L, -1);
	lua_pop(L, 1);
	cfg.flush_max = (uint32_t)lf_uint(L, 2, what, "flush_max", UNIT_NUMBER,
					  256, 1);
	cfg.flush_timeout = lf_uint(L, 2, what, "flush_timeout", UNIT_TIME,
				    10000000000ull, 0);
	cfg.alloc = (uint32_t)lf_uint(L, 2, what, "alloc", UNIT_NUMBER, 200, 0);
	cfg.pte = (uint32_t)lf_uint(L, 2, what, "pte", UNIT_NUMBER, 20, 0);
	cfg.inval = (uint32_t)lf_uint(L, 2, what, "inval", UNIT_NUMBER, 2000,
				      0);
	cfg.ats_inval = lf_uint(L, 2, what, "ats_inval", UNIT_SIZE, 0, 0);
	if (dmasim_dmadev_use_iommu(d, ((struct lcomp *)io)->obj,
				    ((struct lcomp *)ch)->obj,
				    ((struct lcomp *)mem)->obj, &cfg))
		return lsys_raise(L, lsys_of(L, 1), what);
	return 0;
}

static int l_teardown(lua_State *L)
{
	dmasim_dmadev_teardown(lsys_check_comp(L, 1, DDEV_MT));
	return 0;
}

static int l_ddev_index(lua_State *L)
{
	const struct dma_dev *d = lsys_check_comp(L, 1, DDEV_MT);
	const char *k = luaL_checkstring(L, 2);
	const struct lsys_field f[] = {
		{ "maps", d->maps },
		{ "syncs", d->syncs },
		{ "map_errors", d->map_errors },
		{ "bounces", d->bounces },
		{ "bounce_bytes", d->bounce_bytes },
		{ "polls", d->polls },
		{ "MAPPING_ERROR", DMASIM_MAPPING_ERROR },
		{ "iommu_flushes", d->iommu ? d->iommu->flushes : 0 },
		{ "iommu_invalidations",
		  d->iommu ? d->iommu->invalidations : 0 },
		{ "iommu_stale_ps", d->iommu ? d->iommu->stale_ps : 0 },
		{ "iommu_ptes", d->iommu ? d->iommu->ptes : 0 },
		{ "iommu_stale_max_ps", d->iommu ? d->iommu->stale_max_ps : 0 },
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

/* sys:dma_device{cpu, cache, name, mask, map_cycles, sync_cycles, copy,
 *                pool_base, pool_size, bounce_base, bounce_size,
 *                bounce_slot} */
static int l_sys_dma_device(lua_State *L)
{
	static const char *const known[] = { "cpu", "cache", "name", "mask",
		"map_cycles", "sync_cycles", "copy", "pool_base", "pool_size",
		"bounce_base", "bounce_size", "bounce_slot", NULL };
	const char *what = "system:dma_device{}";
	struct lsys *ls = lsys_check(L, 1);
	struct dmasim_dmadev_config cfg;
	struct dmasim_cache *cache = NULL;
	struct dmasim_dmadev *d;
	struct lcomp *cpu;

	luaL_checktype(L, 2, LUA_TTABLE);
	lf_known(L, 2, what, known);
	lua_getfield(L, 2, "cpu");
	cpu = luaL_testudata(L, -1, "dmasim.cpu");
	if (!cpu)
		return luaL_error(L, "%s: field 'cpu': expected a cpu", what);
	lua_pop(L, 1);
	if (lua_getfield(L, 2, "cache") != LUA_TNIL)
		cache = lsys_check_comp(L, -1, "dmasim.cache");
	lua_pop(L, 1);
	dmasim_dmadev_config_init(&cfg);
	cfg.name = lf_string(L, 2, what, "name", "dev");
	cfg.mask = lf_uint(L, 2, what, "mask", UNIT_SIZE, 0, 0);
	cfg.map_cycles = lf_u32(L, 2, what, "map_cycles",
					   UNIT_NUMBER, 50, 0);
	cfg.sync_cycles = lf_u32(L, 2, what, "sync_cycles",
					    UNIT_NUMBER, 20, 0);
	cfg.copy = lf_u32(L, 2, what, "copy", UNIT_NUMBER, 16, 0);
	cfg.pool_base = lf_uint(L, 2, what, "pool_base", UNIT_SIZE, 0, 0);
	cfg.pool_size = lf_uint(L, 2, what, "pool_size", UNIT_SIZE, 0, 0);
	cfg.bounce_base = lf_uint(L, 2, what, "bounce_base", UNIT_SIZE, 0, 0);
	cfg.bounce_size = lf_uint(L, 2, what, "bounce_size", UNIT_SIZE, 0, 0);
	cfg.bounce_slot = lf_u32(L, 2, what, "bounce_slot",
					    UNIT_SIZE, 2048, 1);
	if (dmasim_dmadev_new(ls->sys, cpu->obj, cache, &cfg, &d))
		return lsys_raise(L, ls, what);
	lsys_push_comp(L, 1, d, DDEV_MT);
	return 1;
}

/* dmasim.check_reports() -> count of sanitizer reports so far, table of
 * classes */
static int l_reports(lua_State *L)
{
	struct dmasim_run *run = lrun_get(L);
	int n = dmasim_run_check_count(run);

	lua_pushinteger(L, n);
	lua_createtable(L, n, 0);
	for (int i = 0; i < n; i++) {
		lua_pushstring(L, dmasim_run_check_report(run, i)->cls);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	return 2;
}

const luaL_Reg lmap_sys_methods[] = {
	{ "dma_device", l_sys_dma_device },
	{ NULL, NULL }
};

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
		{ "use_iommu", l_use_iommu },
		{ NULL, NULL }
	};

	lsys_class(L, DDEV_MT, methods, l_ddev_index, NULL);
	lua_pushcfunction(L, l_reports);
	lua_setfield(L, -2, "check_reports");
}
