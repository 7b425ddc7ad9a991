/*
 * lmmu: a CPU's MMU in the scenario language.
 *
 *   local mmu = sys:mmu{ cpu = cpu, entries = 64, ways = 4,
 *                        trap_cycles = 500 }
 *   local as = vm:aspace{ size = "4MiB" }
 *   mmu:store(as, 0x1000, "hello")       -- timed: TLB, walk, cache, bus
 *   local s = mmu:load(as, 0x1000, 5)
 *   print(mmu.tlb_misses, mmu.walk_reads)
 */
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>

#include "lfields.h"
#include "lsys.h"
#include "sys/mmu.h"
#include "kernel/alloc.h"

#define MMU_MT "dmasim.mmu"
#define AS_MT "dmasim.aspace"

/* sys:mmu{cpu, name, entries, ways, trap_cycles} */
static int l_sys_mmu(lua_State *L)
{
	static const char *const known[] = { "cpu", "name", "entries", "ways",
		"trap_cycles", NULL };
	const char *what = "system:mmu{}";
	struct lsys *ls = lsys_check(L, 1);
	struct mmu_config cfg;
	struct dmasim_cpu *cpu;
	struct dmasim_mmu *m;
	const char *name;
	uint64_t trap;

	luaL_checktype(L, 2, LUA_TTABLE);
	lf_known(L, 2, what, known);
	lua_getfield(L, 2, "cpu");
	if (!luaL_testudata(L, -1, CPU_MT))
		return luaL_error(L, "%s: field 'cpu': expected a CPU "
				  "(system:cpu{})", what);
	cpu = lsys_check_comp(L, -1, CPU_MT);
	lua_pop(L, 1);
	cfg.entries = lf_u32(L, 2, what, "entries", UNIT_NUMBER, 64, 1);
	cfg.ways = lf_u32(L, 2, what, "ways", UNIT_NUMBER, 4, 1);
	trap = lf_uint(L, 2, what, "trap_cycles", UNIT_NUMBER, 500, 0);
	name = lf_string(L, 2, what, "name", NULL);
	if (sys_mmu_new(ls->sys, cpu, name, &cfg, trap, &m))
		return lsys_raise(L, ls, what);
	lsys_push_comp(L, 1, m, MMU_MT);
	return 1;
}

static int k_access(lua_State *L, int status, lua_KContext ctx)
{
	struct lproc *lp = (struct lproc *)ctx;
	const struct dmasim_result *r = dmasim_proc_result(&lp->p);
	bool load = !lp->p.op.u.vacc.write;

	(void)status;
	if (r->status) {
		dm_free(lp->buf);
		lp->buf = NULL;
		lua_pushnil(L);
		if (lp->p.op.u.vacc.err == DMASIM_ENOMEM)
			lua_pushfstring(L, "page fault not served: %s",
					vm_nomem_why(lp->p.op.u.vacc.as->vm));
		else if (lp->p.op.u.vacc.err == DMASIM_EINVAL)
			lua_pushstring(L, "page fault not served: the page "
				       "is present but its table entry says "
				       "not (the tables disagree with the "
				       "memory manager)");
		else if (lp->p.op.u.vacc.err)
			lua_pushfstring(L, "page fault not served: %s",
					dmasim_strerror(lp->p.op.u.vacc.err));
		else
			lua_pushstring(L, "no memory at the address (bus "
				       "error)");
		return 2;
	}
	if (load)
		lua_pushlstring(L, lp->buf, lp->p.op.u.vacc.len);
	else
		lua_pushnil(L);
	dm_free(lp->buf);
	lp->buf = NULL;
	return 1;
}

static int mmu_access(lua_State *L, bool write)
{
	const char *fn = write ? "mmu:store()" : "mmu:load()";
	struct dmasim_mmu *m = lsys_check_comp(L, 1, MMU_MT);
	struct aspace *as = lsys_check_comp(L, 2, AS_MT);
	uint64_t va = lsys_check_addr(L, 3, write ? "mmu:store" : "mmu:load");
	struct lproc *lp;
	const char *s = NULL;
	size_t len;

	if (write) {
		s = luaL_checklstring(L, 4, &len);
		if (!len)
			return 0;
	} else {
		lua_Integer n = luaL_checkinteger(L, 4);

		if (n <= 0 || n > (1 << 20))
			return lf_error(L, "mmu:load: length %lld: expected "
					"1 to 1MiB", (long long)n);
		len = (size_t)n;
	}
	lp = lsys_current(L, lsys_of(L, 1), fn);
	dm_free(lp->buf);
	lp->buf = dm_malloc(len);
	if (!lp->buf)
		return luaL_error(L, "out of memory");
	if (write)
		memcpy(lp->buf, s, len);
	return lsys_await(L, lp->ls, sys_mmu_access(&lp->p, m, as, va, lp->buf,
			  len, write), fn, k_access, (lua_KContext)lp);
}

/* mmu:load(aspace, va, n) -> bytes */
static int l_mmu_load(lua_State *L)
{
	return mmu_access(L, false);
}

/* mmu:store(aspace, va, bytes) */
static int l_mmu_store(lua_State *L)
{
	return mmu_access(L, true);
}

static int l_mmu_index(lua_State *L)
{
	const struct dmasim_mmu *m = lsys_check_comp(L, 1, MMU_MT);
	const char *k = luaL_checkstring(L, 2);
	const struct lsys_field f[] = {
		{ "tlb_hits", m->m.hits }, { "tlb_misses", m->m.misses },
		{ "walk_reads", m->m.walk_reads }, { "faults", m->m.faults },
		{ "tlb_invals", m->m.invals }, { "entries", m->m.cfg.entries },
		{ "ways", m->m.cfg.ways },
	};

	if (lsys_index(L, 1, k, f, LSYS_NFIELDS(f)))
		return 1;
	if (!strcmp(k, "name")) {
		lua_pushstring(L, m->m.name);
		return 1;
	}
	return luaL_error(L, "mmu has no field '%s'", k);
}

const luaL_Reg lmmu_sys_methods[] = {
	{ "mmu", l_sys_mmu },
	{ NULL, NULL }
};

void lmmu_open(lua_State *L)
{
	static const luaL_Reg mmu_methods[] = {
		{ "load", l_mmu_load },
		{ "store", l_mmu_store },
		{ NULL, NULL }
	};

	lsys_class(L, MMU_MT, mmu_methods, l_mmu_index, NULL);
}
