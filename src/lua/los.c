/*
 * los: the operating system's memory manager in the scenario language.
 *
 *   local vm = sys:vm{ memory = mem, base = "64MiB", size = "16MiB",
 *                      swap = { blkdev = blk, lba = 0, slots = 4096 } }
 *   local as = vm:aspace{ size = "4MiB" }
 *   as:write(0x1000, "hello")            -- untimed, faults pages in
 *   local segs = as:sg(0, 65536)         -- {{pa = ..., len = ...}, ...}
 *   local cycles = as:pin(0, 65536)      -- set-up: the cycles it costs
 *   as:pin(0, 65536, cpu)                -- in a process: cpu runs it
 *   as:migrate(0x3000, cpu)              -- cpu copies the page
 *
 * Given a CPU, pinning and migration run on it (sys/vmcpu.c): the
 * handler's cycles, and its memory work (zero fills, copies, page-table
 * entries) as that CPU's loads and stores.  Without one, pinning is done
 * at once and returns the CPU cycles it costs, for software to spend.
 */
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>

#include "hw/memory.h"
#include "lfields.h"
#include "lsys.h"
#include "os/vm.h"
#include "os/workload.h"
#include "sys/os.h"
#include "sys/swap.h"
#include "sys/vmcpu.h"
#include "kernel/alloc.h"

#define VM_MT "dmasim.vm"
#define AS_MT "dmasim.aspace"
#define WL_MT "dmasim.workload"

/* An address-space handle's object is the aspace itself. */
struct las;

/* sys:vm{memory, base, size, fault_cycles, pin_cycles, migrate_cycles,
 *        swap = {blkdev, lba, slots}} */
static int l_sys_vm(lua_State *L)
{
	static const char *const known[] = { "memory", "base", "size",
		"fault_cycles", "pin_cycles", "migrate_cycles", "swap", NULL };
	static const char *const swap_known[] = { "slots", "blkdev", "lba",
		NULL };
	const char *what = "system:vm{}";
	struct lsys *sys = lsys_check(L, 1);
	struct vm_config cfg;
	struct memory *mem;
	struct dmasim_blkdev *blk = NULL;
	uint64_t base, size, swap_lba;
	struct vm *vm;
	int err;

	luaL_checktype(L, 2, LUA_TTABLE);
	lf_known(L, 2, what, known);
	lua_getfield(L, 2, "memory");
	mem = luaL_testudata(L, -1, MEM_MT);
	if (!mem)
		return luaL_error(L, "%s: field 'memory': expected a memory "
				  "(system:memory{})", what);
	mem = ((struct lcomp *)(void *)mem)->obj;
	lua_pop(L, 1);
	base = lf_uint(L, 2, what, "base", UNIT_SIZE, mem->tgt.base, 0);
	size = lf_uint(L, 2, what, "size", UNIT_SIZE,
		       mem->tgt.base + mem->cfg.size - base, FRAME_SIZE);
	cfg.fault_cycles = lf_uint(L, 2, what, "fault_cycles", UNIT_NUMBER,
				   2000, 0);
	cfg.pin_cycles = lf_uint(L, 2, what, "pin_cycles", UNIT_NUMBER, 200, 0);
	cfg.migrate_cycles = lf_uint(L, 2, what, "migrate_cycles", UNIT_NUMBER,
				     3000, 0);
	if (lua_getfield(L, 2, "swap") == LUA_TNIL) {
		lua_pop(L, 1);
		lua_newtable(L);
	}
	if (!lua_istable(L, -1))
		return luaL_error(L, "%s: field 'swap': expected a table", what);
	if (lua_getfield(L, -1, "latency") != LUA_TNIL ||
	    lua_getfield(L, -2, "bandwidth") != LUA_TNIL)
		return luaL_error(L, "%s: swap{}: 'latency' and 'bandwidth' "
				  "are a disk's now: expected swap = { blkdev "
				  "= system:blkdev{...}, lba, slots } with "
				  "them on its system:disk{}", what);
	lua_settop(L, 3);
	lf_known(L, -1, "swap{}", swap_known);
	cfg.swap_slots = lf_u32(L, lua_gettop(L), "swap{}", "slots",
					   UNIT_NUMBER, 65536, 1);
	lua_getfield(L, -1, "blkdev");
	if (!lua_isnil(L, -1)) {
		struct lcomp *c = luaL_testudata(L, -1, BLKDEV_MT);

		if (!c)
			return luaL_error(L, "%s: swap{}: field 'blkdev': "
					  "expected a blkdev", what);
		blk = c->obj;
	}
	lua_pop(L, 1);
	swap_lba = lf_uint(L, lua_gettop(L), "swap{}", "lba", UNIT_NUMBER, 0,
			   0);
	lua_settop(L, 2);
	if (base % FRAME_SIZE || size % FRAME_SIZE)
		return luaL_error(L, "%s: base and size must be multiples of "
				  "4KiB", what);
	err = sys_vm_new(sys->sys, (struct dmasim_memory *)mem, base, size,
			 &cfg, &vm);
	if (!err && blk)
		err = sys_vm_swap_disk(sys->sys, vm, blk, swap_lba);
	if (err)
		return lsys_raise(L, sys, what);
	lsys_push_comp(L, 1, vm, VM_MT);
	return 1;
}

/* vm:aspace{size, huge} */
static int l_vm_aspace(lua_State *L)
{
	static const char *const known[] = { "size", "huge", NULL };
	struct vm *vm = lsys_check_comp(L, 1, VM_MT);
	uint64_t size;
	struct las *a;

	luaL_checktype(L, 2, LUA_TTABLE);
	lf_known(L, 2, "vm:aspace{}", known);
	size = lf_uint(L, 2, "vm:aspace{}", "size", UNIT_SIZE, 1ull << 24,
		       FRAME_SIZE);
	lua_getfield(L, 2, "huge");
	a = (struct las *)(lua_toboolean(L, -1) ? vm_aspace_huge : vm_aspace)(
		vm, (size + FRAME_SIZE - 1) >> FRAME_SHIFT);
	if (!a)
		return luaL_error(L, "out of memory");
	lsys_push_comp(L, 1, a, AS_MT);
	return 1;
}

static struct aspace *check_as(lua_State *L, int idx)
{
	return lsys_check_comp(L, idx, AS_MT);
}

static uint64_t check_range(lua_State *L, struct aspace *as, int iva,
			    int ilen, uint64_t *len, const char *fn)
{
	lua_Integer va = luaL_checkinteger(L, iva);
	lua_Integer n = luaL_checkinteger(L, ilen);

	uint64_t size = as->npages * FRAME_SIZE;

	if (va < 0 || n < 0 || (uint64_t)va > size ||
	    (uint64_t)n > size - (uint64_t)va)
		lf_error(L, "%s: [%#llx, +%lld) is outside the address space "
			   "(%llu bytes)", fn, (unsigned long long)va,
			   (long long)n, (unsigned long long)(as->npages *
							       FRAME_SIZE));
	*len = (uint64_t)n;
	return (uint64_t)va;
}

static int err_result(lua_State *L, const struct vm *vm, int err,
		      const char *fn)
{
	if (err == DMASIM_ENOMEM)
		return luaL_error(L, "%s: no frame can be had: %s", fn,
				  vm_nomem_why(vm));
	if (err == DMASIM_EINVAL)
		return luaL_error(L, "%s: untimed, it cannot page while the "
				  "swap disk moves pages for the run: expected "
				  "it before paging starts, or a timed call "
				  "(mmu:load/mmu:store, aspace:pin with a cpu)",
				  fn);
	return luaL_error(L, "%s: %s", fn, dmasim_strerror(err));
}

/* as:write(va, bytes): untimed */
static int l_as_write(lua_State *L)
{
	struct aspace *as = check_as(L, 1);
	size_t n;
	const char *s = luaL_checklstring(L, 3, &n);
	uint64_t len;
	uint64_t va;
	int err;

	lua_settop(L, 3);
	lua_pushinteger(L, (lua_Integer)n);	/* the length, for the check */
	va = check_range(L, as, 2, 4, &len, "aspace:write");
	err = vm_rw(as, va, (void *)s, len, true);
	return err ? err_result(L, as->vm, err, "aspace:write") : 0;
}

/* as:read(va, len) -> bytes: untimed */
static int l_as_read(lua_State *L)
{
	struct aspace *as = check_as(L, 1);
	uint64_t len, va = check_range(L, as, 2, 3, &len, "aspace:read");
	luaL_Buffer b;
	char *p = luaL_buffinitsize(L, &b, len);
	int err = vm_rw(as, va, p, len, false);

	if (err)
		return err_result(L, as->vm, err, "aspace:read");
	luaL_pushresultsize(&b, len);
	return 1;
}

/* as:pa(va) -> physical address or nil when not present */
static int l_as_pa(lua_State *L)
{
	struct aspace *as = check_as(L, 1);
	uint64_t pa = vm_pa(as, (uint64_t)luaL_checkinteger(L, 2));

	if (pa == UINT64_MAX)
		lua_pushnil(L);
	else
		lua_pushinteger(L, (lua_Integer)pa);
	return 1;
}

/* The CPU a call is run on (argument idx), or NULL when absent. */
static struct dmasim_cpu *opt_cpu(lua_State *L, int idx, const char *fn)
{
	if (lua_isnoneornil(L, idx))
		return NULL;
	if (!luaL_testudata(L, idx, CPU_MT))
		lf_error(L, "%s: argument %d: expected the CPU that runs the "
			 "call (system:cpu{})", fn, idx);
	return lsys_check_comp(L, idx, CPU_MT);
}

/* The end of a memory-manager call a CPU ran: its cycles, or nil and
 * why (migrate), or an error (pin). */
static int k_vmcall(lua_State *L, int status, lua_KContext ctx)
{
	struct lproc *lp = (struct lproc *)ctx;
	const struct dmasim_result *r = dmasim_proc_result(&lp->p);
	int err = lp->p.op.u.vmw.err;

	(void)status;
	if (lp->p.op.u.vmw.what == 2) {
		if (err)
			return err_result(L, lp->p.op.u.vmw.as->vm, err,
					  "aspace:pin");
		if (r->status)
			return luaL_error(L, "aspace:pin: a store of the "
					  "memory manager found no memory "
					  "(bus error %d)", r->status);
		lua_pushinteger(L, (lua_Integer)r->cycles);
		return 1;
	}
	if (err || r->status) {
		lua_pushnil(L);
		lua_pushstring(L, r->status ? "bus error" :
			       err == DMASIM_EINVAL ? "pinned" :
			       "no free frame");
		return 2;
	}
	lua_pushinteger(L, (lua_Integer)r->cycles);
	return 1;
}

static int as_pin(lua_State *L, bool pin)
{
	const char *fn = pin ? "aspace:pin" : "aspace:unpin";
	struct aspace *as = check_as(L, 1);
	uint64_t len, va = check_range(L, as, 2, 3, &len, fn);
	struct dmasim_cpu *cpu = pin ? opt_cpu(L, 4, fn) : NULL;
	uint64_t cycles = 0;
	int64_t n;

	if (cpu && len) {
		struct lproc *lp = lsys_current(L, lsys_of(L, 1), fn);

		return lsys_await(L, lp->ls, sys_vm_pin(&lp->p, cpu, as, va,
							len),
				  fn, k_vmcall, (lua_KContext)lp);
	}
	n = vm_pin(as, va, len, pin, &cycles);
	if (n < 0)
		return err_result(L, as->vm, (int)n, fn);
	lua_pushinteger(L, (lua_Integer)cycles);
	return 1;
}

/* as:pin(va, len [, cpu]) -> CPU cycles */
static int l_as_pin(lua_State *L) { return as_pin(L, true); }
/* as:unpin(va, len) -> CPU cycles */
static int l_as_unpin(lua_State *L) { return as_pin(L, false); }

/* as:migrate(va, cpu) -> cycles, or nil and why */
static int l_as_migrate(lua_State *L)
{
	struct aspace *as = check_as(L, 1);
	uint64_t vpn = (uint64_t)luaL_checkinteger(L, 2) >> FRAME_SHIFT;
	struct dmasim_cpu *cpu = opt_cpu(L, 3, "aspace:migrate");
	struct lproc *lp;

	if (!cpu)
		return lf_error(L, "aspace:migrate: argument 3: expected the "
				"CPU whose loads and stores copy the page "
				"(system:cpu{})");
	if (vpn >= as->npages || !(as->pte[vpn].flags & PTE_PRESENT)) {
		lua_pushnil(L);
		lua_pushliteral(L, "not present");
		return 2;
	}
	lp = lsys_current(L, lsys_of(L, 1), "aspace:migrate");
	return lsys_await(L, lp->ls, sys_vm_migrate(&lp->p, cpu, as, vpn),
			  "aspace:migrate", k_vmcall, (lua_KContext)lp);
}

/* as:sg(va, len [, watch]) -> {{pa, len}, ...} */
static int l_as_sg(lua_State *L)
{
	struct aspace *as = check_as(L, 1);
	uint64_t len, va = check_range(L, as, 2, 3, &len, "aspace:sg");
	int max = (int)(len / FRAME_SIZE + 2);
	struct vm_sg_seg *seg = dm_malloc((size_t)max * sizeof(*seg));
	int n;

	if (!seg)
		return luaL_error(L, "out of memory");
	n = vm_sg_build(as, va, len, seg, max, lua_toboolean(L, 4));
	if (n < 0) {
		dm_free(seg);
		return err_result(L, as->vm, n, "aspace:sg");
	}
	lua_createtable(L, n, 0);
	for (int i = 0; i < n; i++) {
		lua_createtable(L, 0, 2);
		lua_pushinteger(L, (lua_Integer)seg[i].pa);
		lua_setfield(L, -2, "pa");
		lua_pushinteger(L, (lua_Integer)seg[i].len);
		lua_setfield(L, -2, "len");
		lua_rawseti(L, -2, i + 1);
	}
	dm_free(seg);
	return 1;
}

static int l_as_index(lua_State *L)
{
	struct aspace *as = check_as(L, 1);
	const char *k = luaL_checkstring(L, 2);
	const struct lsys_field f[] = {
		{ "faults", as->faults },
		{ "major_faults", as->major_faults },
		{ "huge_faults", as->huge_faults },
		{ "resident", as->resident },
		{ "pages", as->npages },
		{ "id", (uint64_t)as->id },
	};

	if (lsys_index(L, 1, k, f, LSYS_NFIELDS(f)))
		return 1;
	return luaL_error(L, "aspace has no field '%s'", k);
}

/* vm:fragment(fraction, seed): occupy memory with single-frame kernel
 * allocations and free a random `fraction` of them again, leaving free
 * frames scattered.  Returns the frames left allocated. */
static int l_vm_fragment(lua_State *L)
{
	struct vm *vm = lsys_check_comp(L, 1, VM_MT);
	double frac = luaL_checknumber(L, 2);
	if (!(frac >= 0 && frac <= 1))
		return lf_error(L, "vm:fragment(%g): expected a fraction "
				  "from 0 to 1", frac);
	lua_pushinteger(L, (lua_Integer)vm_fragment(vm, frac,
			(uint64_t)luaL_optinteger(L, 3, 1)));
	return 1;
}

/* vm:alloc_contig(bytes) -> physical address or nil */
static int l_vm_alloc_contig(lua_State *L)
{
	struct vm *vm = lsys_check_comp(L, 1, VM_MT);
	lua_Integer bytes = luaL_checkinteger(L, 2);
	uint64_t pa;

	if (bytes < 1 || (uint64_t)bytes > (uint64_t)FRAME_SIZE <<
	    FRAMES_MAX_ORDER)
		return lf_error(L, "vm:alloc_contig: %lld bytes: expected 1 "
				  "to %u", (long long)bytes,
				  FRAME_SIZE << FRAMES_MAX_ORDER);
	pa = vm_alloc_contig(vm, (uint64_t)bytes);
	if (pa == UINT64_MAX)
		lua_pushnil(L);
	else
		lua_pushinteger(L, (lua_Integer)pa);
	return 1;
}

static int l_vm_unwatch(lua_State *L)
{
	vm_unwatch(lsys_check_comp(L, 1, VM_MT));
	return 0;
}

/* vm:hazards() -> {{time, pa, aspace, va, moved_at, now_pa}, ...} */
static int l_vm_hazards(lua_State *L)
{
	struct vm *vm = lsys_check_comp(L, 1, VM_MT);

	lua_createtable(L, (int)vm->nhaz, 0);
	for (uint32_t i = 0; i < vm->nhaz; i++) {
		const struct vm_hazard *h = &vm->haz[i];

		lua_createtable(L, 0, 6);
		lua_pushinteger(L, (lua_Integer)h->time);
		lua_setfield(L, -2, "time");
		lua_pushinteger(L, (lua_Integer)h->pa);
		lua_setfield(L, -2, "pa");
		lua_pushinteger(L, h->as);
		lua_setfield(L, -2, "aspace");
		lua_pushinteger(L, (lua_Integer)((uint64_t)h->vpn << FRAME_SHIFT));
		lua_setfield(L, -2, "va");
		lua_pushinteger(L, (lua_Integer)h->moved_at);
		lua_setfield(L, -2, "moved_at");
		if (h->new_pfn != FRAME_NONE) {
			lua_pushinteger(L, (lua_Integer)frames_pa(&vm->fr,
								  h->new_pfn));
			lua_setfield(L, -2, "now_pa");
		}
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	return 1;
}

static int l_vm_index(lua_State *L)
{
	struct vm *vm = lsys_check_comp(L, 1, VM_MT);
	const char *k = luaL_checkstring(L, 2);
	int largest = frames_largest(&vm->fr);
	const struct lsys_field f[] = {
		{ "frames", vm->fr.n },
		{ "free_frames", vm->fr.free },
		{ "largest_free", largest < 0 ? 0 :
				  (uint64_t)FRAME_SIZE << largest },
		{ "faults", vm->faults },
		{ "major_faults", vm->major_faults },
		{ "evictions", vm->evictions },
		{ "migrations", vm->migrations },
		{ "migrations_refused", vm->migrations_refused },
		{ "base", vm->fr.base },
	};

	if (lsys_index(L, 1, k, f, LSYS_NFIELDS(f)))
		return 1;
	return luaL_error(L, "vm has no field '%s'", k);
}

/* vm:workload{aspace, pages, first_page, touches, write_frac,
 *             touch_cycles, clock, hot_frac, hot_prob, cpu} */
static int l_vm_workload(lua_State *L)
{
	static const char *const known[] = { "aspace", "pages", "first_page",
		"touches", "write_frac", "touch_cycles", "clock", "name",
		"hot_frac", "hot_prob", "cpu", NULL };
	const char *what = "vm:workload{}";
	struct vm *vm;
	struct lsys *sys;
	struct workload_config cfg;
	struct workload *w;
	struct aspace *as;
	const char *name;
	double hz;
	int err;

	vm = lsys_check_comp(L, 1, VM_MT);
	sys = lsys_of(L, 1);
	luaL_checktype(L, 2, LUA_TTABLE);
	lf_known(L, 2, what, known);
	lua_getfield(L, 2, "aspace");
	if (!luaL_testudata(L, -1, AS_MT))
		return luaL_error(L, "%s: field 'aspace': expected an address "
				  "space (vm:aspace{})", what);
	as = check_as(L, -1);
	lua_pop(L, 1);
	name = lf_string(L, 2, what, "name", "workload");
	cfg.first_page = lf_uint(L, 2, what, "first_page", UNIT_NUMBER, 0, 0);
	cfg.pages = lf_uint(L, 2, what, "pages", UNIT_NUMBER,
			    as->npages - cfg.first_page, 1);
	cfg.touches = lf_uint(L, 2, what, "touches", UNIT_NUMBER, 100000, 1);
	cfg.write_frac = lf_value(L, 2, what, "write_frac", UNIT_NUMBER, 0.3, 0);
	cfg.hot_frac = lf_value(L, 2, what, "hot_frac", UNIT_NUMBER, 0, 0);
	cfg.hot_prob = lf_value(L, 2, what, "hot_prob", UNIT_NUMBER, 0, 0);
	if (cfg.hot_frac > 1 || cfg.hot_prob > 1)
		return luaL_error(L, "%s: hot_frac and hot_prob are fractions "
				  "from 0 to 1", what);
	cfg.touch_cycles = lf_uint(L, 2, what, "touch_cycles", UNIT_NUMBER,
				   100, 0);
	hz = lf_value(L, 2, what, "clock", UNIT_FREQ, 1e9, 1);
	cfg.period = clock_period_of_hz(hz);
	cfg.cpu = NULL;
	lua_getfield(L, 2, "cpu");
	if (!lua_isnil(L, -1)) {
		struct lcomp *c = luaL_testudata(L, -1, "dmasim.cpu");

		if (!c)
			return luaL_error(L, "%s: field 'cpu': expected a cpu", what);
		cfg.cpu = &((struct dmasim_cpu *)c->obj)->cpu;
	}
	lua_pop(L, 1);
	if (cfg.first_page + cfg.pages > as->npages)
		return lf_error(L, "%s: pages %llu..%llu lie outside the "
				  "address space's %llu pages", what,
				  (unsigned long long)cfg.first_page,
				  (unsigned long long)(cfg.first_page +
						       cfg.pages),
				  (unsigned long long)as->npages);
	err = sys_workload_new(sys->sys, vm, as, name, &cfg, &w);
	if (err)
		return lsys_raise(L, sys, what);
	lsys_push_comp(L, 1, w, WL_MT);
	return 1;
}

static int l_wl_wait(lua_State *L)
{
	struct workload *w = lsys_check_comp(L, 1, WL_MT);
	struct lproc *lp = lsys_current(L, lsys_of(L, 1), "workload:wait()");

	if (w->done || w->error)
		return 0;
	sys_proc_wait(&lp->p, &w->finished);
	return lua_yield(L, 0);
}

static int l_wl_index(lua_State *L)
{
	struct workload *w = lsys_check_comp(L, 1, WL_MT);
	const char *k = luaL_checkstring(L, 2);
	const struct lsys_field f[] = {
		{ "touched", w->touched },
		{ "faults", w->faults },
		{ "elapsed", (w->done ? w->end : w->p.sim->now) - w->start },
	};

	if (lsys_index(L, 1, k, f, LSYS_NFIELDS(f)))
		return 1;
	if (!strcmp(k, "done"))
		lua_pushboolean(L, w->done);
	else if (!strcmp(k, "error"))
		lua_pushstring(L, !w->error ? "" : w->error == DMASIM_ENOMEM ?
			       vm_nomem_why(w->as->vm) :
			       dmasim_strerror(w->error));
	else
		return luaL_error(L, "workload has no field '%s'", k);
	return 1;
}

const luaL_Reg los_sys_methods[] = {
	{ "vm", l_sys_vm },
	{ NULL, NULL }
};

void los_open(lua_State *L)
{
	static const luaL_Reg vm_methods[] = {
		{ "aspace", l_vm_aspace },
		{ "fragment", l_vm_fragment },
		{ "alloc_contig", l_vm_alloc_contig },
		{ "unwatch", l_vm_unwatch },
		{ "hazards", l_vm_hazards },
		{ "workload", l_vm_workload },
		{ NULL, NULL }
	};
	static const luaL_Reg as_methods[] = {
		{ "write", l_as_write },
		{ "read", l_as_read },
		{ "pa", l_as_pa },
		{ "pin", l_as_pin },
		{ "unpin", l_as_unpin },
		{ "migrate", l_as_migrate },
		{ "sg", l_as_sg },
		{ NULL, NULL }
	};
	static const luaL_Reg wl_methods[] = {
		{ "wait", l_wl_wait },
		{ NULL, NULL }
	};

	lsys_class(L, VM_MT, vm_methods, l_vm_index, NULL);
	lsys_class(L, AS_MT, as_methods, l_as_index, NULL);
	lsys_class(L, WL_MT, wl_methods, l_wl_index, NULL);
}
