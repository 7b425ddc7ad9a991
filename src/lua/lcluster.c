/*
 * lcluster: clusters, their nodes and RDMA NICs in the scenario language.
 *
 *   local cl = dmasim.cluster{ nodes = 2, link_rate = "100Gb/s",
 *                              link_latency = "100ns" }
 *   local a = cl:node(0, { bus = { clock = "1GHz" } })  -- a system
 *   local nic = a:rnic{ bus = io, mtu = 4096 }
 *   ... build both nodes, spawn their software ...
 *   cl:run()
 *
 * Under MPI ranks (dmasim_run_set_comm()), a cluster made with partition
 * is split: cl:node(i) makes only this rank's nodes and gives nil for
 * the others', and what nodes tell one another goes through the board
 * (cl:publish, cl:lookup).
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
	int rank, ranks;	/* this rank of those it is split over (0, 1
				 * when not split) */
};

static struct lcluster *check_cluster(lua_State *L, int idx)
{
	struct lcluster *c = luaL_checkudata(L, idx, CLUSTER_MT);

	if (!c->cl)
		lf_error(L, "the cluster was closed");
	return c;
}

/*
 * partition = "none" (every node simulated by every rank), "blocks"
 * (consecutive nodes, as even as can be, per rank of the run), "cyclic"
 * (node i on rank i mod ranks), or a list of each node's rank: the
 * owner table, left on the stack (NULL for blocks), and whether the
 * cluster is split.  Alone, every partition is accepted and
 * nothing is split.
 */
static bool cluster_partition(lua_State *L, struct dmasim_run *run,
			      uint32_t nodes, uint32_t **owner)
{
	static const char *const kinds[] = { "none", "blocks", "cyclic",
		NULL };
	const char *what = "dmasim.cluster{}";
	int ranks = run->comm ? run->comm->ranks : 1;
	int kind;

	*owner = NULL;
	lua_getfield(L, 1, "partition");
	if (!lua_istable(L, -1)) {
		lua_pop(L, 1);
		kind = lf_enum(L, 1, what, "partition", kinds, 0);
		if (kind == 2 && ranks > 1) {
			*owner = lua_newuserdatauv(L, nodes * sizeof(**owner),
						   0);
			for (uint32_t i = 0; i < nodes; i++)
				(*owner)[i] = i % (uint32_t)ranks;
		}
		return kind && ranks > 1;
	}
	if (luaL_len(L, -1) != (lua_Integer)nodes)
		return lf_error(L, "%s: field 'partition': a list of %lld "
				"ranks: expected one per node (%u)", what,
				(long long)luaL_len(L, -1), nodes);
	*owner = lua_newuserdatauv(L, nodes * sizeof(**owner), 0);
	for (uint32_t i = 0; i < nodes; i++) {
		lua_Integer r;
		int ok;

		lua_geti(L, -2, (lua_Integer)i + 1);
		r = lua_tointegerx(L, -1, &ok);
		if (!ok || r < 0 || (ranks > 1 && r >= ranks))
			return lf_error(L, "%s: field 'partition': node %u's "
					"rank %s: expected a whole number from "
					"0 to %d", what, i,
					luaL_tolstring(L, -1, NULL),
					ranks > 1 ? ranks - 1 : INT32_MAX);
		(*owner)[i] = (uint32_t)r;
		lua_pop(L, 1);
	}
	lua_remove(L, -2);	/* the list; the owner array stays on top */
	return ranks > 1;
}

/* dmasim.cluster{name, nodes, link_rate, link_latency, switch_latency,
 *                switch_buffer, loss, drop_nth, corrupt, seed, run_order,
 *                partition} */
static int l_cluster(lua_State *L)
{
	static const char *const known[] = { "name", "nodes", "link_rate",
		"link_latency", "switch_latency", "switch_buffer", "loss",
		"drop_nth", "corrupt", "seed", "run_order", "partition", NULL };
	static const char *const orders[] = { "forward", "reverse", NULL };
	const char *what = "dmasim.cluster{}";
	struct dmasim_run *run = lrun_get(L);
	struct dmasim_cluster_config cfg;
	struct lcluster *c;
	const char *bad = NULL;
	uint32_t *owner;
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
	cfg.corrupt = lf_value(L, 1, what, "corrupt", UNIT_NUMBER, 0, 0);
	cfg.seed = lf_uint(L, 1, what, "seed", UNIT_NUMBER, run->seed, 0);
	cfg.reverse = lf_enum(L, 1, what, "run_order", orders, 0) == 1;
	lua_settop(L, 1);
	if (cluster_partition(L, run, cfg.nodes, &owner))
		cfg.comm = run->comm;
	cfg.owner = owner;
	c = lua_newuserdatauv(L, sizeof(*c), 1);
	memset(c, 0, sizeof(*c));
	luaL_setmetatable(L, CLUSTER_MT);
	err = dmasim_cluster_new(&cfg, &c->cl, &bad);
	if (err)
		return lf_error(L, "%s: %s", what, bad ? bad :
				dmasim_strerror(err));
	c->nodes = cfg.nodes;
	c->rank = cfg.comm ? cfg.comm->rank : 0;
	c->ranks = cfg.comm ? cfg.comm->ranks : 1;
	lua_newtable(L);	/* its nodes' systems, kept alive */
	lua_setiuservalue(L, -2, 1);
	return 1;
}

/* Node i's number, checked, from argument 2 of method fn. */
static uint32_t node_arg(lua_State *L, const struct lcluster *c,
			 const char *fn)
{
	lua_Integer i = luaL_checkinteger(L, 2);

	if (i < 0 || (uint64_t)i >= c->nodes)
		return (uint32_t)lf_error(L, "cluster:%s(%lld): expected a "
					  "node from 0 to %u", fn,
					  (long long)i, c->nodes - 1);
	return (uint32_t)i;
}

/* cl:owns(i) -> whether node i is simulated by this rank */
static int l_cluster_owns(lua_State *L)
{
	struct lcluster *c = check_cluster(L, 1);
	uint32_t i = node_arg(L, c, "owns");

	lua_pushboolean(L, dmasim_cluster_owner(c->cl, i) == c->rank);
	return 1;
}

/* cl:publish(i, key, value): node i tells every node value (a number, a
 * string or a boolean) under key, from the next barrier on. */
static int l_cluster_publish(lua_State *L)
{
	struct lcluster *c = check_cluster(L, 1);
	uint32_t i = node_arg(L, c, "publish");
	const char *key = luaL_checkstring(L, 3);
	luaL_Buffer b;
	int err;

	luaL_buffinit(L, &b);
	if (lua_isinteger(L, 4)) {
		lua_Integer v = lua_tointeger(L, 4);

		luaL_addchar(&b, 'i');
		luaL_addlstring(&b, (const char *)&v, sizeof(v));
	} else if (lua_type(L, 4) == LUA_TNUMBER) {
		lua_Number v = lua_tonumber(L, 4);

		luaL_addchar(&b, 'f');
		luaL_addlstring(&b, (const char *)&v, sizeof(v));
	} else if (lua_type(L, 4) == LUA_TSTRING) {
		size_t n;
		const char *v = lua_tolstring(L, 4, &n);

		luaL_addchar(&b, 's');
		luaL_addlstring(&b, v, n);
	} else if (lua_type(L, 4) == LUA_TBOOLEAN) {
		luaL_addchar(&b, lua_toboolean(L, 4) ? 'T' : 'F');
	} else {
		return lf_error(L, "cluster:publish(%u, '%s', %s): expected a "
				"number, a string or a boolean", i, key,
				luaL_typename(L, 4));
	}
	luaL_pushresult(&b);
	if (dmasim_cluster_owner(c->cl, i) != c->rank)
		return lf_error(L, "cluster:publish(%u, '%s'): node %u is "
				"simulated by rank %d, this is rank %d: a node "
				"publishes on its own rank (cl:owns(%u))", i,
				key, i, dmasim_cluster_owner(c->cl, i),
				c->rank, i);
	err = dmasim_cluster_publish(c->cl, i, key, lua_tostring(L, -1),
				     lua_rawlen(L, -1));
	if (err)
		return lf_error(L, "cluster:publish(%u, '%s'): %s", i, key,
				err == DMASIM_ENOMEM ? "out of memory" :
				"expected a key of 1 to 255 bytes and a value "
				"of at most 64 KiB");
	return 0;
}

/* cl:lookup(i, key) -> what node i published under key, or nil */
static int l_cluster_lookup(lua_State *L)
{
	struct lcluster *c = check_cluster(L, 1);
	uint32_t i = node_arg(L, c, "lookup");
	const char *key = luaL_checkstring(L, 3);
	size_t n = 0;
	const char *v = dmasim_cluster_lookup(c->cl, i, key, &n);
	lua_Integer iv;
	lua_Number fv;

	if (!v || !n) {
		lua_pushnil(L);
	} else if (v[0] == 'i' && n == 1 + sizeof(iv)) {
		memcpy(&iv, v + 1, sizeof(iv));
		lua_pushinteger(L, iv);
	} else if (v[0] == 'f' && n == 1 + sizeof(fv)) {
		memcpy(&fv, v + 1, sizeof(fv));
		lua_pushnumber(L, fv);
	} else if (v[0] == 's') {
		lua_pushlstring(L, v + 1, n - 1);
	} else {
		lua_pushboolean(L, v[0] == 'T');
	}
	return 1;
}

/* cl:node(i [, {name, bus = {...}}]) -> the system of node i, made on
 * the first call; nil when another rank simulates it */
static int l_cluster_node(lua_State *L)
{
	static const char *const known[] = { "name", "bus", NULL };
	const char *what = "cluster:node{}";
	struct lcluster *c = check_cluster(L, 1);
	lua_Integer i = node_arg(L, c, "node");
	struct dmasim_sys_config sc;
	struct dmasim_bus_config bc;
	char name[SYS_NAME_MAX];
	struct lsys *ls;
	int owner = dmasim_cluster_owner(c->cl, (uint32_t)i);

	lua_settop(L, 3);		/* the options, or nil, at 3 */
	lua_getiuservalue(L, 1, 1);	/* the nodes, at 4 */
	if (lua_rawgeti(L, 4, i) != LUA_TNIL) {
		if (!lua_isnoneornil(L, 3))
			return lf_error(L, "cluster:node(%lld, {...}): node "
					"%lld is made already: pass the table "
					"on the first call only", (long long)i,
					(long long)i);
		if (!lua_toboolean(L, -1))
			lua_pushnil(L);
		return 1;
	}
	lua_pop(L, 1);
	if (owner != c->rank) {
		/* another rank's: its place among the run's systems, which
		 * that rank's results fill */
		if (run_remote_slot(lrun_get(L), owner))
			return lf_error(L, "%s: out of memory", what);
		lua_pushboolean(L, 0);
		lua_rawseti(L, 4, i);
		lua_pushnil(L);
		return 1;
	}
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
	if (c->ranks > 1 && run_slot_rank(lrun_get(L), c->rank))
		return lf_error(L, "%s: out of memory", what);
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
		if (lua_rawgeti(L, 3, i) == LUA_TUSERDATA) {
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
		if (lua_rawgeti(L, 3, i) == LUA_TUSERDATA)
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
			{ "corrupted", i.corrupted },
			{ "max_queued", i.max_queued },
			{ "events", i.events },
			{ "rank", (uint64_t)c->rank },
			{ "ranks", (uint64_t)c->ranks },
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
		{ "fcs_errors", rnic_stat(L, r, "fcs_errors") },
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
		{ "owns", l_cluster_owns },
		{ "publish", l_cluster_publish },
		{ "lookup", l_cluster_lookup },
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
