/*
 * lcluster: clusters, their nodes and RDMA NICs in the scenario language.
 *
 *   local cl = dmasim.cluster{ nodes = 2, link_rate = "100Gb/s",
 *                              link_latency = "100ns" }
 *   local a = cl:node(0, { bus = { clock = "1GHz" } })  -- a system
 *   local nic = a:rnic{ bus = io, mtu = 4096 }
 *   ... build both nodes, spawn their software ...
 *   cl:run()
 */
#include <string.h>

#include <lauxlib.h>

#include "lfields.h"
#include "lsys.h"

#define CLUSTER_MT "dmasim.cluster"
#define RNIC_MT "dmasim.rnic"

struct lcluster {
	struct dmasim_cluster *cl;
	uint32_t nodes;
};

static struct lcluster *check_cluster(lua_State *L, int idx)
{
	struct lcluster *c = luaL_checkudata(L, idx, CLUSTER_MT);

	if (!c->cl)
		lf_error(L, "the cluster was closed");
	return c;
}

/* dmasim.cluster{name, nodes, link_rate, link_latency, switch_latency,
 *                switch_buffer, loss, drop_nth, seed, run_order} */
static int l_cluster(lua_State *L)
{
	static const char *const known[] = { "name", "nodes", "link_rate",
		"link_latency", "switch_latency", "switch_buffer", "loss",
		"drop_nth", "seed", "run_order", NULL };
	static const char *const orders[] = { "forward", "reverse", NULL };
	const char *what = "dmasim.cluster{}";
	struct dmasim_run *run = lrun_get(L);
	struct dmasim_cluster_config cfg;
	struct lcluster *c;
	const char *bad = NULL;
	int err;

	lsys_opt_table(L, 1);
	lf_known(L, 1, what, known);
	dmasim_cluster_config_init(&cfg);
	cfg.name = lf_string(L, 1, what, "name", NULL);
	cfg.nodes = lf_u32(L, 1, what, "nodes", UNIT_NUMBER, 2, 1);
	cfg.link_rate = 8 * lf_value(L, 1, what, "link_rate", UNIT_BANDWIDTH,
				     cfg.link_rate / 8, 0);
	cfg.link_latency = lf_uint(L, 1, what, "link_latency", UNIT_TIME,
				   cfg.link_latency, 0);
	cfg.switch_latency = lf_uint(L, 1, what, "switch_latency", UNIT_TIME,
				     cfg.switch_latency, 0);
	cfg.switch_buffer = lf_uint(L, 1, what, "switch_buffer", UNIT_SIZE,
				    cfg.switch_buffer, 0);
	cfg.loss = lf_value(L, 1, what, "loss", UNIT_NUMBER, 0, 0);
	cfg.drop_nth = lf_uint(L, 1, what, "drop_nth", UNIT_NUMBER, 0, 0);
	cfg.seed = lf_uint(L, 1, what, "seed", UNIT_NUMBER, run->seed, 0);
	cfg.reverse = lf_enum(L, 1, what, "run_order", orders, 0) == 1;
	lua_settop(L, 1);
	c = lua_newuserdatauv(L, sizeof(*c), 1);
	memset(c, 0, sizeof(*c));
	luaL_setmetatable(L, CLUSTER_MT);
	err = dmasim_cluster_new(&cfg, &c->cl, &bad);
	if (err)
		return lf_error(L, "%s: %s", what, bad ? bad :
				dmasim_strerror(err));
	c->nodes = cfg.nodes;
	lua_newtable(L);	/* its nodes' systems, kept alive */
	lua_setiuservalue(L, -2, 1);
	return 1;
}

/* cl:node(i [, {name, bus = {...}}]) -> the system of node i, made on
 * the first call */
static int l_cluster_node(lua_State *L)
{
	static const char *const known[] = { "name", "bus", NULL };
	const char *what = "cluster:node{}";
	struct lcluster *c = check_cluster(L, 1);
	lua_Integer i = luaL_checkinteger(L, 2);
	struct dmasim_sys_config sc;
	struct dmasim_bus_config bc;
	char name[SYS_NAME_MAX];
	struct lsys *ls;

	if (i < 0 || (uint64_t)i >= c->nodes)
		return lf_error(L, "cluster:node(%lld): expected a node from "
				"0 to %u", (long long)i, c->nodes - 1);
	lua_settop(L, 3);		/* the options, or nil, at 3 */
	lua_getiuservalue(L, 1, 1);	/* the nodes, at 4 */
	if (lua_rawgeti(L, 4, i) != LUA_TNIL) {
		if (!lua_isnoneornil(L, 3))
			return lf_error(L, "cluster:node(%lld, {...}): node "
					"%lld is made already: pass the table "
					"on the first call only", (long long)i,
					(long long)i);
		return 1;
	}
	lua_pop(L, 1);
	if (lua_isnil(L, 3)) {
		lua_newtable(L);
		lua_replace(L, 3);
	}
	luaL_checktype(L, 3, LUA_TTABLE);
	lf_known(L, 3, what, known);
	snprintf(name, sizeof(name), "node%lld", (long long)i);
	dmasim_sys_config_init(&sc);
	sc.name = lf_string(L, 3, what, "name", name);
	sc.seed = lrun_get(L)->seed + (uint64_t)i;
	if (!*sc.name || strlen(sc.name) >= SYS_NAME_MAX)
		return lf_error(L, "%s: field 'name' = '%s': expected 1 to %d "
				"characters", what, sc.name, SYS_NAME_MAX - 1);
	if (lua_getfield(L, 3, "bus") == LUA_TNIL) {
		lua_pop(L, 1);
		lua_newtable(L);
	}
	if (!lua_istable(L, -1))
		return lf_error(L, "%s: field 'bus': expected a table", what);
	lsys_bus_fields(L, lua_gettop(L), "bus{}", &bc);
	lua_pop(L, 1);
	ls = lsys_new(L, &sc, &bc, what);
	if (dmasim_cluster_add(c->cl, ls->sys, (uint32_t)i))
		return lsys_raise(L, ls, what);
	lua_pushvalue(L, -1);
	lua_rawseti(L, 4, i);	/* the uservalue table, at 4 */
	return 1;
}

/* cl:run([until]) -> the time reached (ps) */
static int l_cluster_run(lua_State *L)
{
	struct lcluster *c = check_cluster(L, 1);
	uint64_t until = UINT64_MAX;
	struct dmasim_cluster_info info;
	int code;

	if (!lua_isnoneornil(L, 2))
		until = lf_arg_u64(L, 2, "cluster:run", UNIT_TIME);
	lua_settop(L, 2);
	lua_getiuservalue(L, 1, 1);
	for (uint32_t i = 0; i < c->nodes; i++) {
		if (lua_rawgeti(L, 3, i) != LUA_TNIL) {
			struct lsys *ls = lsys_check(L, -1);

			if (ls->sys->running)
				return lf_error(L, "cluster:run() cannot be "
						"called from a process");
			ls->runL = L;
		}
		lua_pop(L, 1);
	}
	code = dmasim_cluster_run(c->cl, until);
	for (uint32_t i = 0; i < c->nodes; i++) {
		if (lua_rawgeti(L, 3, i) != LUA_TNIL)
			lsys_take_error(L, lsys_check(L, -1));
		lua_pop(L, 1);
	}
	if (code)
		return lf_error(L, "cluster:run(): %s",
				dmasim_cluster_error(c->cl));
	dmasim_cluster_info(c->cl, &info);
	lua_pushinteger(L, (lua_Integer)info.now);
	return 1;
}

static int l_cluster_index(lua_State *L)
{
	struct lcluster *c = check_cluster(L, 1);
	const char *k = luaL_checkstring(L, 2);
	struct dmasim_cluster_info i;

	dmasim_cluster_info(c->cl, &i);
	{
		const struct lsys_field f[] = {
			{ "nodes", i.nodes }, { "now", i.now },
			{ "windows", i.windows }, { "frames", i.frames },
			{ "bytes", i.bytes }, { "drops", i.drops },
			{ "drops_full", i.drops_full },
			{ "max_queued", i.max_queued },
			{ "events", i.events },
		};

		if (lsys_index(L, 1, k, f, LSYS_NFIELDS(f)))
			return 1;
	}
	return luaL_error(L, "cluster has no field '%s'", k);
}

static int l_cluster_gc(lua_State *L)
{
	struct lcluster *c = luaL_checkudata(L, 1, CLUSTER_MT);

	dmasim_cluster_free(c->cl);
	c->cl = NULL;
	return 0;
}

/* ---- RDMA NICs ---- */

/* node:rnic{name, bus, base, mtu, engines, latency, proc, cmd_time,
 *           timeout, retry, rnr_delay, rnr_retry} */
static int l_sys_rnic(lua_State *L)
{
	static const char *const known[] = { "name", "bus", "base", "mtu",
		"engines", "latency", "proc", "cmd_time", "timeout", "retry",
		"rnr_delay", "rnr_retry", NULL };
	const char *what = "system:rnic{}";
	struct lsys *ls = lsys_check(L, 1);
	struct dmasim_rnic_config cfg;
	struct dmasim_rnic *r;
	struct dmasim_bus *bus;

	lsys_opt_table(L, 2);
	lf_known(L, 2, what, known);
	dmasim_rnic_config_init(&cfg);
	bus = lsys_opt_bus(L, 2, what);
	cfg.cluster = ls->sys->cluster;
	if (!cfg.cluster)
		return lf_error(L, "%s: system '%s' is not a node of a "
				"cluster: expected a system made by "
				"cluster:node()", what, ls->sys->name);
	cfg.name = lf_string(L, 2, what, "name", NULL);
	cfg.base = lf_uint(L, 2, what, "base", UNIT_SIZE,
			   0x5A000000ull + 0x1000ull * ls->sys->nrnics, 0);
	cfg.mtu = lf_u32(L, 2, what, "mtu", UNIT_SIZE, cfg.mtu, 1);
	cfg.engines = lf_u32(L, 2, what, "engines", UNIT_NUMBER, cfg.engines,
			     1);
	cfg.latency = lf_uint(L, 2, what, "latency", UNIT_TIME, 0, 0);
	cfg.proc = lf_uint(L, 2, what, "proc", UNIT_TIME, cfg.proc, 0);
	cfg.cmd_time = lf_uint(L, 2, what, "cmd_time", UNIT_TIME,
			       cfg.cmd_time, 0);
	cfg.timeout = lf_uint(L, 2, what, "timeout", UNIT_TIME, cfg.timeout,
			      1);
	cfg.retry = lf_u32(L, 2, what, "retry", UNIT_NUMBER, cfg.retry, 0);
	cfg.rnr_delay = lf_uint(L, 2, what, "rnr_delay", UNIT_TIME,
				cfg.rnr_delay, 0);
	cfg.rnr_retry = lf_u32(L, 2, what, "rnr_retry", UNIT_NUMBER,
			       cfg.rnr_retry, 0);
	if (dmasim_rnic_new(ls->sys, bus, &cfg, &r))
		return lsys_raise(L, ls, what);
	lsys_push_comp(L, 1, r, RNIC_MT);
	return 1;
}

/* rnic:qp(qpn) -> { state, next_psn, expected_psn, held, retransmits,
 *                   duplicates, naks } */
static int l_rnic_qp(lua_State *L)
{
	static const char *const states[] = { "reset", "init", "rtr", "rts",
		"error" };
	struct dmasim_rnic *r = lsys_check_comp(L, 1, RNIC_MT);
	lua_Integer qpn = luaL_checkinteger(L, 2);
	struct dmasim_rnic_qp_info i;

	if (qpn < 0 || qpn > UINT32_MAX ||
	    dmasim_rnic_qp_info(r, (uint32_t)qpn, &i))
		return lf_error(L, "rnic:qp(%lld): no such queue pair",
				(long long)qpn);
	lua_createtable(L, 0, 7);
	lua_pushstring(L, states[i.state]);
	lua_setfield(L, -2, "state");
#define QP_FIELD(f) (lua_pushinteger(L, (lua_Integer)i.f), \
		     lua_setfield(L, -2, #f))
	QP_FIELD(next_psn);
	QP_FIELD(expected_psn);
	QP_FIELD(held);
	QP_FIELD(retransmits);
	QP_FIELD(duplicates);
	QP_FIELD(naks);
#undef QP_FIELD
	return 1;
}

/* One of the RDMA NIC's statistics (by its short name). */
static uint64_t rnic_stat(lua_State *L, struct dmasim_rnic *r,
			  const char *k)
{
	struct dmasim_stat st;
	char name[SYS_NAME_MAX + 32];

	snprintf(name, sizeof(name), "%s.%s", dmasim_rnic_name(r), k);
	return dmasim_sys_stat(lsys_of(L, 1)->sys, name, &st) ? 0 : st.count;
}

static int l_rnic_index(lua_State *L)
{
	struct dmasim_rnic *r = lsys_check_comp(L, 1, RNIC_MT);
	const char *k = luaL_checkstring(L, 2);
	const struct lsys_field f[] = {
		{ "base", dmasim_rnic_base(r) },
		{ "node", dmasim_rnic_node(r) },
		{ "tx_packets", rnic_stat(L, r, "tx_packets") },
		{ "rx_packets", rnic_stat(L, r, "rx_packets") },
		{ "tx_bytes", rnic_stat(L, r, "tx_bytes") },
		{ "rx_bytes", rnic_stat(L, r, "rx_bytes") },
		{ "dma_reads", rnic_stat(L, r, "dma_reads") },
		{ "dma_writes", rnic_stat(L, r, "dma_writes") },
		{ "wqe_fetches", rnic_stat(L, r, "wqe_fetches") },
		{ "bf_writes", rnic_stat(L, r, "bf_writes") },
		{ "doorbells", rnic_stat(L, r, "doorbells") },
		{ "cqes", rnic_stat(L, r, "cqes") },
		{ "commands", rnic_stat(L, r, "commands") },
		{ "drops", rnic_stat(L, r, "drops") },
		{ "guest_errors", rnic_stat(L, r, "guest_errors") },
	};

	if (lsys_index(L, 1, k, f, LSYS_NFIELDS(f)))
		return 1;
	return luaL_error(L, "rnic has no field '%s'", k);
}

const luaL_Reg lcluster_sys_methods[] = {
	{ "rnic", l_sys_rnic },
	{ NULL, NULL }
};

void lcluster_open(lua_State *L)
{
	static const luaL_Reg cluster_methods[] = {
		{ "node", l_cluster_node },
		{ "run", l_cluster_run },
		{ NULL, NULL }
	};
	static const luaL_Reg rnic_methods[] = {
		{ "qp", l_rnic_qp },
		{ NULL, NULL }
	};

	lsys_class(L, CLUSTER_MT, cluster_methods, l_cluster_index,
		   l_cluster_gc);
	lsys_class(L, RNIC_MT, rnic_methods, l_rnic_index, NULL);
	lua_pushcfunction(L, l_cluster);
	lua_setfield(L, -2, "cluster");
}
