/*
 * lgpu: GPUs, their streams and events in the scenario language.
 *
 *   local gpu = sys:gpu{ cpu = cpu, gen = 4, lanes = 16,
 *                        bounce_base = 0x100000 }
 *   local d = gpu:malloc("1MiB")
 *   local s = gpu:stream()
 *   sys:spawn(function()
 *     local h = gpu:host_alloc("1MiB")
 *     s:copy{ dst = d, src = h, size = "1MiB" }
 *     s:kernel{ input = d, in_size = "1MiB", rate = "100GB/s" }
 *     s:sync()
 *   end)
 */
#include <string.h>

#include <lauxlib.h>

#include "lfields.h"
#include "lsys.h"
#include "sys/gpu_int.h"
#include "kernel/alloc.h"

#define GPU_MT "dmasim.gpu"
#define STREAM_MT "dmasim.stream"
#define EVENT_MT "dmasim.event"

static const char *const kernel_ops[] = { "none", "copy", "xor", "add",
					  NULL };

/* sys:gpu{...}: see docs/language.md */
static int l_sys_gpu(lua_State *L)
{
	static const char *const known[] = { "name", "cpu", "host", "gen",
		"lanes", "mps", "tlp_overhead", "link_latency", "outstanding",
		"mem_base", "mem_size", "mem_bandwidth", "copy_engines",
		"inflight", "piece", "ce_setup", "launch", "call", "desc",
		"desc_max", "pin_page", "register_page", "pin_budget",
		"host_base", "host_size", "bounce_base", "bounce_size",
		"bounce_count", "stage_piece", "stage_cycles", "pcie",
		"bar_latency", NULL };
	const char *what = "system:gpu{}";
	struct lsys *ls = lsys_check(L, 1);
	struct dmasim_gpu_config c;
	struct dmasim_gpu *g;
	struct lcomp *cpu, *bus, *pc;

	lsys_opt_table(L, 2);
	lf_known(L, 2, what, known);
	dmasim_gpu_config_init(&c);
	c.name = lf_string(L, 2, what, "name", NULL);
	lua_getfield(L, 2, "cpu");
	cpu = luaL_testudata(L, -1, CPU_MT);
	if (!cpu)
		return lf_error(L, "%s: field 'cpu': expected the cpu its "
				"driver runs on", what);
	c.cpu = cpu->obj;
	lua_pop(L, 1);
	lua_getfield(L, 2, "host");
	bus = luaL_testudata(L, -1, BUS_MT);
	if (!lua_isnil(L, -1) && !bus)
		return lf_error(L, "%s: field 'host': expected a bus", what);
	c.host = bus ? bus->obj : NULL;
	lua_pop(L, 1);
	lua_getfield(L, 2, "pcie");
	pc = luaL_testudata(L, -1, PCIE_MT);
	if (!lua_isnil(L, -1) && !pc)
		return lf_error(L, "%s: field 'pcie': expected a pcie endpoint "
				"(system:pcie_endpoint{})", what);
	c.pcie = pc ? pc->obj : NULL;
	lua_pop(L, 1);
	c.bar_latency = lf_uint(L, 2, what, "bar_latency", UNIT_TIME,
				c.bar_latency, 0);
	c.gen = lf_u32(L, 2, what, "gen", UNIT_NUMBER, c.gen, 1);
	c.lanes = lf_u32(L, 2, what, "lanes", UNIT_NUMBER, c.lanes, 1);
	c.mps = lf_u32(L, 2, what, "mps", UNIT_SIZE, c.mps, 1);
	c.tlp_overhead = lf_u32(L, 2, what, "tlp_overhead", UNIT_SIZE,
				c.tlp_overhead, 0);
	c.link_latency = lf_uint(L, 2, what, "link_latency", UNIT_TIME,
				 c.link_latency, 0);
	c.outstanding = lf_u32(L, 2, what, "outstanding", UNIT_NUMBER,
			       c.outstanding, 1);
	c.mem_base = lf_uint(L, 2, what, "mem_base", UNIT_SIZE, c.mem_base, 1);
	c.mem_size = lf_uint(L, 2, what, "mem_size", UNIT_SIZE, c.mem_size, 1);
	c.mem_bandwidth = lf_value(L, 2, what, "mem_bandwidth",
				   UNIT_BANDWIDTH, c.mem_bandwidth, 1e9);
	c.copy_engines = lf_u32(L, 2, what, "copy_engines", UNIT_NUMBER,
				c.copy_engines, 1);
	c.inflight = lf_u32(L, 2, what, "inflight", UNIT_NUMBER, c.inflight,
			    1);
	c.piece = lf_u32(L, 2, what, "piece", UNIT_SIZE, c.piece, 1);
	c.ce_setup = lf_uint(L, 2, what, "ce_setup", UNIT_TIME, c.ce_setup, 0);
	c.launch = lf_uint(L, 2, what, "launch", UNIT_TIME, c.launch, 0);
	c.call = lf_uint(L, 2, what, "call", UNIT_TIME, c.call, 0);
	c.desc = lf_uint(L, 2, what, "desc", UNIT_TIME, c.desc, 0);
	c.desc_max = lf_uint(L, 2, what, "desc_max", UNIT_SIZE, c.desc_max,
			     1);
	c.pin_page = lf_uint(L, 2, what, "pin_page", UNIT_TIME, c.pin_page, 0);
	c.register_page = lf_uint(L, 2, what, "register_page", UNIT_TIME,
				  c.register_page, 0);
	c.pin_budget = lf_uint(L, 2, what, "pin_budget", UNIT_SIZE,
			       c.pin_budget, 0);
	c.host_base = lf_uint(L, 2, what, "host_base", UNIT_SIZE, 0, 0);
	c.host_size = lf_uint(L, 2, what, "host_size", UNIT_SIZE, 0, 0);
	if (lua_getfield(L, 2, "bounce_base") != LUA_TNIL)
		c.bounce_base = lf_uint(L, 2, what, "bounce_base", UNIT_SIZE,
					0, 0);
	lua_pop(L, 1);
	c.bounce_size = lf_uint(L, 2, what, "bounce_size", UNIT_SIZE,
				c.bounce_size, 1);
	c.bounce_count = lf_u32(L, 2, what, "bounce_count", UNIT_NUMBER,
				c.bounce_count, 1);
	c.stage_piece = lf_u32(L, 2, what, "stage_piece", UNIT_SIZE,
			       c.stage_piece, 1);
	c.stage_cycles = lf_u32(L, 2, what, "stage_cycles", UNIT_NUMBER,
				c.stage_cycles, 0);
	if (dmasim_gpu_new(ls->sys, &c, &g))
		return lsys_raise(L, ls, what);
	lsys_push_comp(L, 1, g, GPU_MT);
	return 1;
}

/* gpu:malloc(size) -> device address */
static int l_gpu_malloc(lua_State *L)
{
	struct dmasim_gpu *g = lsys_check_comp(L, 1, GPU_MT);
	uint64_t len = lf_arg_u64(L, 2, "gpu:malloc", UNIT_SIZE), addr;

	if (dmasim_gpu_malloc(g, len, &addr))
		return lsys_raise(L, lsys_of(L, 1), "gpu:dm_malloc()");
	lua_pushinteger(L, (lua_Integer)addr);
	return 1;
}

static int l_gpu_stream(lua_State *L)
{
	struct dmasim_gpu *g = lsys_check_comp(L, 1, GPU_MT);
	struct dmasim_stream *s;

	if (dmasim_stream_new(g, &s))
		return lsys_raise(L, lsys_of(L, 1), "gpu:stream()");
	lsys_push_comp(L, 1, s, STREAM_MT);
	return 1;
}

static int l_gpu_event(lua_State *L)
{
	struct dmasim_gpu *g = lsys_check_comp(L, 1, GPU_MT);
	struct dmasim_event *e;

	if (dmasim_event_new(g, &e))
		return lsys_raise(L, lsys_of(L, 1), "gpu:event()");
	lsys_push_comp(L, 1, e, EVENT_MT);
	return 1;
}

static int k_value(lua_State *L, int status, lua_KContext ctx)
{
	struct lproc *lp = (struct lproc *)ctx;

	(void)status;
	lua_pushinteger(L, (lua_Integer)dmasim_proc_result(&lp->p)->value);
	return 1;
}

/* A pinning call: its address, or nil and the message over the budget
 * (the real call's cudaErrorMemoryAllocation). */
static int pin_result(lua_State *L, struct lproc *lp, int rc,
		      const char *what)
{
	if (rc == DMASIM_ENOMEM) {
		lua_pushnil(L);
		lua_pushstring(L, dmasim_sys_error(lp->ls->sys));
		return 2;
	}
	return lsys_await(L, lp->ls, rc, what, k_value, (lua_KContext)lp);
}

/* gpu:pin(addr, size) -> addr, or nil and a message */
static int l_gpu_pin(lua_State *L)
{
	struct dmasim_gpu *g = lsys_check_comp(L, 1, GPU_MT);
	struct lproc *lp = lsys_current(L, lsys_of(L, 1), "gpu:pin()");
	uint64_t addr = lsys_check_addr(L, 2, "gpu:pin");
	uint64_t len = lf_arg_u64(L, 3, "gpu:pin", UNIT_SIZE);

	return pin_result(L, lp, dmasim_gpu_pin(&lp->p, g, addr, len),
			  "gpu:pin()");
}

/* gpu:host_alloc(size) -> addr, or nil and a message */
static int l_gpu_host_alloc(lua_State *L)
{
	struct dmasim_gpu *g = lsys_check_comp(L, 1, GPU_MT);
	struct lproc *lp = lsys_current(L, lsys_of(L, 1), "gpu:host_alloc()");
	uint64_t len = lf_arg_u64(L, 2, "gpu:host_alloc", UNIT_SIZE);

	return pin_result(L, lp, dmasim_gpu_host_alloc(&lp->p, g, len),
			  "gpu:host_alloc()");
}

/* The {dst, src, size} table of gpu:memcpy{} and stream:copy{} (at
 * index 2), checked; what names the call in errors. */
static void copy_args(lua_State *L, const char *what, uint64_t *dst,
		      uint64_t *src, uint64_t *len)
{
	static const char *const known[] = { "dst", "src", "size", NULL };

	luaL_checktype(L, 2, LUA_TTABLE);
	lf_known(L, 2, what, known);
	*dst = lf_uint(L, 2, what, "dst", UNIT_SIZE, UINT64_MAX, 0);
	*src = lf_uint(L, 2, what, "src", UNIT_SIZE, UINT64_MAX, 0);
	*len = lf_uint(L, 2, what, "size", UNIT_SIZE, 0, 1);
	if (*dst == UINT64_MAX || *src == UINT64_MAX)
		lf_error(L, "%s: fields 'dst' and 'src': expected two "
			 "addresses", what);
}

/* gpu:memcpy{dst, src, size}: a CPU copy of host memory */
static int l_gpu_memcpy(lua_State *L)
{
	const char *what = "gpu:memcpy{}";
	struct dmasim_gpu *g = lsys_check_comp(L, 1, GPU_MT);
	struct lproc *lp = lsys_current(L, lsys_of(L, 1), "gpu:memcpy()");
	uint64_t dst, src, len;

	copy_args(L, what, &dst, &src, &len);
	return lsys_await(L, lp->ls, dmasim_gpu_memcpy(&lp->p, g, dst, src,
						       len), what, NULL, 0);
}

/* gpu:unpin(addr), gpu:host_free(addr) */
static int l_gpu_unpin(lua_State *L)
{
	struct dmasim_gpu *g = lsys_check_comp(L, 1, GPU_MT);

	if (dmasim_gpu_unpin(g, lsys_check_addr(L, 2, "gpu:unpin")))
		return lsys_raise(L, lsys_of(L, 1), "gpu:unpin()");
	return 0;
}

static void set_int(lua_State *L, const char *k, uint64_t v)
{
	lua_pushinteger(L, (lua_Integer)v);
	lua_setfield(L, -2, k);
}

/* gpu:info() -> a table of counters */
static int l_gpu_info(lua_State *L)
{
	struct dmasim_gpu *g = lsys_check_comp(L, 1, GPU_MT);
	struct dmasim_gpu_info in;

	dmasim_gpu_info(g, &in);
	lua_createtable(L, 0, 16);
	set_int(L, "copies", in.copies);
	set_int(L, "kernels", in.kernels);
	set_int(L, "copy_bytes", in.copy_bytes);
	set_int(L, "pinned_copies", in.pinned_copies);
	set_int(L, "pageable_copies", in.pageable_copies);
	set_int(L, "stage_bytes", in.stage_bytes);
	set_int(L, "stage_ps", in.stage_ps);
	set_int(L, "driver_ps", in.driver_ps);
	set_int(L, "pin_ps", in.pin_ps);
	set_int(L, "pinned", in.pinned);
	set_int(L, "pinned_peak", in.pinned_peak);
	set_int(L, "pin_budget", in.pin_budget);
	set_int(L, "reports", in.reports);
	set_int(L, "errors", in.errors);
	lua_pushnumber(L, in.link_rate);
	lua_setfield(L, -2, "link_rate");
	return 1;
}

/* gpu:reports() -> a list of the sanitizer's reports */
static int l_gpu_reports(lua_State *L)
{
	struct dmasim_gpu *g = lsys_check_comp(L, 1, GPU_MT);
	struct dmasim_gpu_info in;
	struct dmasim_gpu_report r;

	dmasim_gpu_info(g, &in);
	lua_createtable(L, (int)in.reports, 0);
	for (unsigned i = 0; i < in.reports; i++) {
		if (dmasim_gpu_report(g, i, &r))
			break;
		lua_createtable(L, 0, 9);
		lua_pushstring(L, r.cls);
		lua_setfield(L, -2, "class");
		lua_pushstring(L, r.what);
		lua_setfield(L, -2, "what");
		lua_pushstring(L, r.fix);
		lua_setfield(L, -2, "fix");
		set_int(L, "time", r.time);
		set_int(L, "addr", r.addr);
		set_int(L, "size", r.len);
		set_int(L, "copy_addr", r.op_addr);
		set_int(L, "copy_size", r.op_len);
		set_int(L, "stream", r.stream);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	return 1;
}

static int l_gpu_index(lua_State *L)
{
	struct dmasim_gpu *g = lsys_check_comp(L, 1, GPU_MT);
	const char *k = luaL_checkstring(L, 2);
	const struct lsys_field f[] = {
		{ "mem_base", g->cfg.mem_base },
		{ "mem_size", g->cfg.mem_size },
	};

	if (lsys_index(L, 1, k, f, LSYS_NFIELDS(f)))
		return 1;
	if (!strcmp(k, "name")) {
		lua_pushstring(L, g->name);
		return 1;
	}
	if (!strcmp(k, "mem")) {
		lsys_push_comp(L, 1, dmasim_gpu_memory(g), MEM_MT);
		return 1;
	}
	if (!strcmp(k, "bus")) {
		lsys_push_comp(L, 1, dmasim_gpu_bus(g), BUS_MT);
		return 1;
	}
	if (!strcmp(k, "link_rate")) {
		lua_pushnumber(L, g->link_rate);
		return 1;
	}
	return luaL_error(L, "gpu has no field '%s'", k);
}

/* ---- streams ---- */

/* stream:copy{dst, src, size} */
static int l_stream_copy(lua_State *L)
{
	const char *what = "stream:copy{}";
	struct dmasim_stream *s = lsys_check_comp(L, 1, STREAM_MT);
	struct lproc *lp = lsys_current(L, lsys_of(L, 1), "stream:copy()");
	uint64_t dst, src, len;

	copy_args(L, what, &dst, &src, &len);
	return lsys_await(L, lp->ls, dmasim_stream_copy(&lp->p, s, dst, src,
							len), what, NULL, 0);
}

/* stream:kernel{input, in_size, output, out_size, time, rate, op, value} */
static int l_stream_kernel(lua_State *L)
{
	static const char *const known[] = { "input", "in_size", "output",
		"out_size", "time", "rate", "op", "value", NULL };
	const char *what = "stream:kernel{}";
	struct dmasim_stream *s = lsys_check_comp(L, 1, STREAM_MT);
	struct lproc *lp = lsys_current(L, lsys_of(L, 1), "stream:kernel()");
	struct dmasim_kernel k;

	lsys_opt_table(L, 2);
	lf_known(L, 2, what, known);
	memset(&k, 0, sizeof(k));
	k.in = lf_uint(L, 2, what, "input", UNIT_SIZE, 0, 0);
	k.in_len = lf_uint(L, 2, what, "in_size", UNIT_SIZE, 0, 0);
	k.out = lf_uint(L, 2, what, "output", UNIT_SIZE, k.in, 0);
	k.out_len = lf_uint(L, 2, what, "out_size", UNIT_SIZE, 0, 0);
	k.time = lf_uint(L, 2, what, "time", UNIT_TIME, 0, 0);
	k.rate = lf_value(L, 2, what, "rate", UNIT_BANDWIDTH, 0, 0);
	k.op = (enum dmasim_kernel_op)lf_enum(L, 2, what, "op", kernel_ops,
					      DMASIM_KERNEL_NONE);
	k.value = (uint8_t)lf_int(L, 2, what, "value", 0, 0, 255);
	if (k.op != DMASIM_KERNEL_NONE && !k.out_len)
		k.out_len = k.in_len;
	return lsys_await(L, lp->ls, dmasim_stream_kernel(&lp->p, s, &k),
			  what, NULL, 0);
}

/* stream:record([event]) -> the event */
static int l_stream_record(lua_State *L)
{
	struct dmasim_stream *s = lsys_check_comp(L, 1, STREAM_MT);
	struct dmasim_event *e;

	if (lua_isnoneornil(L, 2)) {
		if (dmasim_event_new(s->g, &e))
			return lsys_raise(L, lsys_of(L, 1), "stream:record()");
		lsys_push_comp(L, 1, e, EVENT_MT);
	} else {
		e = lsys_check_comp(L, 2, EVENT_MT);
		lua_pushvalue(L, 2);
	}
	if (dmasim_stream_record(s, e))
		return lsys_raise(L, lsys_of(L, 1), "stream:record()");
	return 1;
}

/* stream:wait(event) */
static int l_stream_wait(lua_State *L)
{
	struct dmasim_stream *s = lsys_check_comp(L, 1, STREAM_MT);
	struct dmasim_event *e = lsys_check_comp(L, 2, EVENT_MT);

	if (dmasim_stream_wait(s, e))
		return lsys_raise(L, lsys_of(L, 1), "stream:wait()");
	return 0;
}

static int l_stream_sync(lua_State *L)
{
	struct dmasim_stream *s = lsys_check_comp(L, 1, STREAM_MT);
	struct lproc *lp = lsys_current(L, lsys_of(L, 1), "stream:sync()");

	return lsys_await(L, lp->ls, dmasim_stream_sync(&lp->p, s),
			  "stream:sync()", NULL, 0);
}

static int l_stream_index(lua_State *L)
{
	struct dmasim_stream *s = lsys_check_comp(L, 1, STREAM_MT);
	const char *k = luaL_checkstring(L, 2);
	const struct lsys_field f[] = {
		{ "id", s->s.id },
		{ "done", s->s.ops_done },
	};

	if (lsys_index(L, 1, k, f, LSYS_NFIELDS(f)))
		return 1;
	return luaL_error(L, "stream has no field '%s'", k);
}

/* ---- events ---- */

static int l_event_sync(lua_State *L)
{
	struct dmasim_event *e = lsys_check_comp(L, 1, EVENT_MT);
	struct lproc *lp = lsys_current(L, lsys_of(L, 1), "event:sync()");

	return lsys_await(L, lp->ls, dmasim_event_sync(&lp->p, e),
			  "event:sync()", NULL, 0);
}

static int l_event_index(lua_State *L)
{
	struct dmasim_event *e = lsys_check_comp(L, 1, EVENT_MT);
	const char *k = luaL_checkstring(L, 2);
	const struct lsys_field f[] = {
		{ "time", dmasim_event_time(e) },
		{ "recorded", e->ev.recorded },
		{ "completed", e->ev.completed },
	};

	if (lsys_index(L, 1, k, f, LSYS_NFIELDS(f)))
		return 1;
	return luaL_error(L, "event has no field '%s'", k);
}

static const luaL_Reg gpu_methods[] = {
	{ "malloc", l_gpu_malloc },
	{ "stream", l_gpu_stream },
	{ "event", l_gpu_event },
	{ "pin", l_gpu_pin },
	{ "host_alloc", l_gpu_host_alloc },
	{ "unpin", l_gpu_unpin },
	{ "memcpy", l_gpu_memcpy },
	{ "host_free", l_gpu_unpin },
	{ "info", l_gpu_info },
	{ "reports", l_gpu_reports },
	{ NULL, NULL }
};

static const luaL_Reg stream_methods[] = {
	{ "copy", l_stream_copy },
	{ "kernel", l_stream_kernel },
	{ "record", l_stream_record },
	{ "wait", l_stream_wait },
	{ "sync", l_stream_sync },
	{ NULL, NULL }
};

static const luaL_Reg event_methods[] = {
	{ "sync", l_event_sync },
	{ NULL, NULL }
};

const luaL_Reg lgpu_sys_methods[] = {
	{ "gpu", l_sys_gpu },
	{ NULL, NULL }
};

void lgpu_open(lua_State *L)
{
	lsys_class(L, GPU_MT, gpu_methods, l_gpu_index, NULL);
	lsys_class(L, STREAM_MT, stream_methods, l_stream_index, NULL);
	lsys_class(L, EVENT_MT, event_methods, l_event_index, NULL);
}
