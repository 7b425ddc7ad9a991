/*
 * liommu: IOMMUs in the scenario language.
 *
 *   local br = sys:bridge{ a = sys.system_bus, b = io,
 *                          b_to_a = { { 0, "1GiB" } } }
 *   local mmu = sys:iommu{ bridge = br, dir = "b_to_a", entries = 64,
 *                          intc = ic, irq_line = 3 }   -- its fault interrupt
 *   local d = mmu:domain{ root = 0x80000 }   -- its I/O page table
 *   mmu:attach(dma:channel(0), d)
 *   mmu:attach("firmware", d)                -- any bus master, by name
 *   mmu:enable(true)
 *   mmu:invalidate(d, iova, len)             -- after changing the table
 *   mmu.faults, mmu:fault(1).reason, ...
 *
 * The page tables are the software's: it writes their entries into
 * memory (see hw/iommu.h for the format); enable, attach and invalidate
 * are untimed set-up of the hardware's registers.
 */
#include <lauxlib.h>

#include "lfields.h"
#include "lsys.h"

static const char *const dir_names[] = { "a_to_b", "b_to_a", NULL };

/* sys:iommu{bridge, dir, name, entries, ways, lookup, max_faults, qi_base,
 *           qi_latency, qi_ring, qi_spin, intc, irq_line} */
static int l_sys_iommu(lua_State *L)
{
	static const char *const known[] = { "bridge", "dir", "name",
		"entries", "ways", "lookup", "max_faults", "qi_base",
		"qi_latency", "qi_ring", "qi_spin", "intc", "irq_line",
		NULL };
	const char *what = "system:iommu{}";
	struct lsys *ls = lsys_check(L, 1);
	struct dmasim_iommu_config cfg;
	struct dmasim_iommu *io;
	struct lcomp *br;
	int dir;

	luaL_checktype(L, 2, LUA_TTABLE);
	lf_known(L, 2, what, known);
	lua_getfield(L, 2, "bridge");
	br = luaL_testudata(L, -1, BRIDGE_MT);
	if (!br)
		return lf_error(L, "%s: field 'bridge': expected a bridge "
				"(system:bridge{})", what);
	lua_pop(L, 1);
	dir = lf_enum(L, 2, what, "dir", dir_names, DMASIM_B_TO_A);
	dmasim_iommu_config_init(&cfg);
	cfg.name = lf_string(L, 2, what, "name", NULL);
	cfg.entries = (uint32_t)lf_uint(L, 2, what, "entries", UNIT_NUMBER,
					64, 1);
	cfg.ways = (uint32_t)lf_uint(L, 2, what, "ways", UNIT_NUMBER, 0, 0);
	cfg.lookup = lf_uint(L, 2, what, "lookup", UNIT_TIME, 0, 0);
	cfg.max_faults = (uint32_t)lf_uint(L, 2, what, "max_faults",
					   UNIT_NUMBER, 256, 0);
	cfg.qi_base = lf_uint(L, 2, what, "qi_base", UNIT_SIZE, 0, 0);
	cfg.qi_latency = lf_uint(L, 2, what, "qi_latency", UNIT_TIME, 10000,
				 0);
	cfg.qi_ring = lf_uint(L, 2, what, "qi_ring", UNIT_SIZE, 0, 0);
	cfg.qi_spin = (uint32_t)lf_uint(L, 2, what, "qi_spin", UNIT_NUMBER,
					20, 0);
	lua_getfield(L, 2, "intc");
	if (!lua_isnil(L, -1)) {
		struct lcomp *c = luaL_testudata(L, -1, INTC_MT);

		if (!c)
			return lf_error(L, "%s: field 'intc': expected an intc "
					"(system:intc{})", what);
		cfg.intc = c->obj;
	}
	lua_pop(L, 1);
	cfg.irq_line = (unsigned)lf_uint(L, 2, what, "irq_line", UNIT_NUMBER,
					 0, 0);
	if (dmasim_iommu_new(ls->sys, br->obj, (enum dmasim_bridge_dir)dir,
			     &cfg, &io))
		return lsys_raise(L, ls, what);
	lsys_push_comp(L, 1, io, IOMMU_MT);
	return 1;
}

/* mmu:enable(on) */
static int l_iommu_enable(lua_State *L)
{
	struct dmasim_iommu *io = lsys_check_comp(L, 1, IOMMU_MT);

	luaL_checktype(L, 2, LUA_TBOOLEAN);
	dmasim_iommu_enable(io, lua_toboolean(L, 2));
	return 0;
}

/* mmu:domain{root, identity} -> id */
static int l_iommu_domain(lua_State *L)
{
	static const char *const known[] = { "root", "identity", NULL };
	struct dmasim_iommu *io = lsys_check_comp(L, 1, IOMMU_MT);
	uint64_t root;
	bool identity;
	int d;

	luaL_checktype(L, 2, LUA_TTABLE);
	lf_known(L, 2, "iommu:domain{}", known);
	root = lf_uint(L, 2, "iommu:domain{}", "root", UNIT_SIZE, 0, 0);
	lua_getfield(L, 2, "identity");
	identity = lua_toboolean(L, -1);
	lua_pop(L, 1);
	if (!identity && (root & 4095))
		return lf_error(L, "iommu:domain{}: field 'root' = %#llx: "
				"expected a 4 KiB-aligned physical address",
				(unsigned long long)root);
	d = dmasim_iommu_domain(io, root, identity);
	if (d < 0)
		return lsys_raise(L, lsys_of(L, 1), "iommu:domain{}");
	lua_pushinteger(L, d);
	return 1;
}

/* mmu:attach(channel, domain [, ats]): domain -1 takes it out of every
 * domain; ats true trusts its translated requests.  mmu:attach(name,
 * domain): any bus master by name (a device's DMA port, a CPU). */
static int l_iommu_attach(lua_State *L)
{
	struct dmasim_iommu *io = lsys_check_comp(L, 1, IOMMU_MT);
	struct dmasim_channel *ch;
	lua_Integer d = luaL_checkinteger(L, 3);

	if (d < -1 || d > 1 << 20)
		return lf_error(L, "iommu:attach: domain %lld: expected -1 or "
				"a domain id", (long long)d);
	if (lua_type(L, 2) == LUA_TSTRING) {
		if (lua_toboolean(L, 4))
			return lf_error(L, "iommu:attach: ats: expected a DMA "
					"channel to trust (a master named "
					"'%s' cannot send translated "
					"requests)", lua_tostring(L, 2));
		if (dmasim_iommu_attach_master(io, lua_tostring(L, 2), (int)d))
			return lsys_raise(L, lsys_of(L, 1), "iommu:attach()");
		return 0;
	}
	ch = lsys_check_comp(L, 2, CHAN_MT);
	if (dmasim_iommu_attach(io, ch, (int)d) ||
	    dmasim_iommu_trust_ats(io, ch, lua_toboolean(L, 4)))
		return lsys_raise(L, lsys_of(L, 1), "iommu:attach()");
	return 0;
}

/* mmu:invalidate([domain [, iova, len]]) */
static int l_iommu_invalidate(lua_State *L)
{
	struct dmasim_iommu *io = lsys_check_comp(L, 1, IOMMU_MT);
	lua_Integer d = luaL_optinteger(L, 2, -1);
	lua_Integer iova = luaL_optinteger(L, 3, 0);
	lua_Integer len = luaL_optinteger(L, 4, 0);

	if (iova < 0 || len < 0)
		return lf_error(L, "iommu:invalidate: iova %lld, len %lld: "
				"expected integers >= 0", (long long)iova,
				(long long)len);
	dmasim_iommu_invalidate(io, (int)d, (uint64_t)iova, (uint64_t)len);
	return 0;
}

/* mmu:fault(i) -> {time, iova, write, reason, device} or nil (from 1) */
static int l_iommu_fault(lua_State *L)
{
	struct dmasim_iommu *io = lsys_check_comp(L, 1, IOMMU_MT);
	lua_Integer i = luaL_checkinteger(L, 2);
	struct dmasim_iommu_fault f;

	if (i < 1 || dmasim_iommu_fault(io, (unsigned)(i - 1), &f)) {
		lua_pushnil(L);
		return 1;
	}
	lua_createtable(L, 0, 5);
	lua_pushinteger(L, (lua_Integer)f.time);
	lua_setfield(L, -2, "time");
	lua_pushinteger(L, (lua_Integer)f.iova);
	lua_setfield(L, -2, "iova");
	lua_pushboolean(L, f.write);
	lua_setfield(L, -2, "write");
	lua_pushstring(L, f.reason);
	lua_setfield(L, -2, "reason");
	lua_pushstring(L, f.device);
	lua_setfield(L, -2, "device");
	return 1;
}

static int l_iommu_index(lua_State *L)
{
	struct dmasim_iommu *io = lsys_check_comp(L, 1, IOMMU_MT);
	const char *k = luaL_checkstring(L, 2);
	struct dmasim_iommu_info in;

	dmasim_iommu_info(io, &in);
	{
		const struct lsys_field f[] = {
			{ "translations", in.translations },
			{ "hits", in.hits }, { "misses", in.misses },
			{ "walk_reads", in.walk_reads },
			{ "faults", in.faults },
			{ "invalidations", in.invalidations },
			{ "qi_descriptors", in.qi_descriptors },
			{ "qi_waits", in.qi_waits },
			{ "qi_devtlb_time", in.qi_devtlb_ps },
			{ "qi_errors", in.qi_errors },
			{ "qi_submissions", in.qi_submissions },
			{ "qi_devtlbs", in.qi_devtlbs },
			{ "ats_requests", in.ats_requests },
		};

		if (lsys_index(L, 1, k, f, LSYS_NFIELDS(f)))
			return 1;
	}
	return luaL_error(L, "iommu has no field '%s'", k);
}

const luaL_Reg liommu_sys_methods[] = {
	{ "iommu", l_sys_iommu },
	{ NULL, NULL }
};

void liommu_open(lua_State *L)
{
	static const luaL_Reg methods[] = {
		{ "enable", l_iommu_enable },
		{ "domain", l_iommu_domain },
		{ "attach", l_iommu_attach },
		{ "invalidate", l_iommu_invalidate },
		{ "fault", l_iommu_fault },
		{ NULL, NULL }
	};

	lsys_class(L, IOMMU_MT, methods, l_iommu_index, NULL);
}
