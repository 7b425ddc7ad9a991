/*
 * /cluster and /hw/rnic: two nodes joined by the cluster's switch, driven
 * through scenarios/lib/verbs.lua: bytes delivered intact by WRITE, READ
 * and SEND across several packets; every error flow of the verbs
 * (queue-pair states, keys, access, bounds, a missing receive, a lost
 * network); exactly-once delivery under loss; results that do not depend
 * on the order the nodes are run in (nodes meet only through links); and
 * the errors bad arguments get.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

/* Two nodes, each a CPU and memory on a 1 GHz bus and the RDMA NIC on an
 * I/O bus behind a bridge; SETUP(o) makes cluster `cl`, nodes n[0], n[1]
 * with regions, a CQ and a QP each, exchanged out of band, and connects
 * them unless o.noconnect.  o: cluster fields, rnic fields, access.
 * go() runs the software at most 10 ms: a hang fails, it does not hang. */
#define RIG                                                                   \
	"local verbs = require 'verbs'\n"                                     \
	"local BUF = 0x400000\n"                                              \
	"local function rig(o)\n"                                             \
	"  local cl = dmasim.cluster(o.cluster or {})\n"                      \
	"  local n = {}\n"                                                    \
	"  for i = 0, 1 do\n"                                                 \
	"    local sys = cl:node(i, { bus = { width = 16 } })\n"              \
	"    local me = { sys = sys }\n"                                      \
	"    me.mem = sys:memory{ size = '32MiB', latency = '50ns' }\n"        \
	"    me.cpu = sys:cpu{}\n"                                            \
	"    local io = sys:bus{ name = 'io', width = 16 }\n"                 \
	"    sys:bridge{ a = sys.system_bus, b = io, latency = '200ns',\n"    \
	"      a_to_b = { { 0x5A000000, '1MiB' } }, b_to_a = { { 0, '32MiB' } } }\n" \
	"    local rc = o.rnic or {}\n"                                       \
	"    rc.bus = io\n"                                                   \
	"    me.nic = sys:rnic(rc)\n"                                         \
	"    n[i] = me\n"                                                     \
	"    sys:spawn(function()\n"                                          \
	"      me.v = verbs.open(sys, me.cpu, me.nic)\n"                      \
	"      me.mr = me.v:reg_mr(BUF, 0x400000, o.access or 7)\n"           \
	"      me.cq = me.v:create_cq(64)\n"                                  \
	"      me.qp = me.v:create_qp(me.cq, me.cq)\n"                        \
	"    end)\n"                                                          \
	"  end\n"                                                             \
	"  cl:run()\n"                                                        \
	"  return cl, n\n"                                                    \
	"end\n"                                                               \
	"local function go(cl, n, f, noconnect)\n"                            \
	"  local start = cl.now + 1000000\n"                                  \
	"  for i = 0, 1 do\n"                                                 \
	"    n[i].sys:spawn(function()\n"                                     \
	"      n[i].sys:wait(start - n[i].sys:now())\n"                       \
	"      if not noconnect then\n"                                       \
	"        n[i].v:connect(n[i].qp, 1 - i, n[1 - i].qp.n)\n"             \
	"        n[i].sys:wait('20us')\n"                                     \
	"      end\n"                                                         \
	"      f(i, n[i], n[1 - i])\n"                                        \
	"    end)\n"                                                          \
	"  end\n"                                                             \
	"  cl:run(start + 10000000000)\n"                                   \
	"end\n"

static struct dmasim_run *run_ok(const char *body)
{
	char *text = malloc(strlen(RIG) + strlen(body) + 1);
	struct dmasim_run *run;

	strcpy(text, RIG);
	strcat(text, body);
	run = tu_run_ok(text);
	free(text);
	return run;
}

static int setup(void **state)
{
	(void)state;
	setenv("DMASIM_PATH", tu_path("scenarios"), 1);
	return 0;
}

/* WRITE, READ and SEND of 10,000 bytes in 1 KiB packets (10 each): the
 * bytes arrive as sent, each completion successful with its length. */
static void test_intact(void **state)
{
	struct dmasim_run *run = run_ok(
		"local cl, n = rig{ rnic = { mtu = 1024 } }\n"
		"local N = 10000\n"
		"local wc = {}\n"
		"go(cl, n, function(i, me, peer)\n"
		"  if i == 1 then\n"
		"    me.cpu:store(BUF + 0x100000, string.rep('r', N))\n"
		"    me.v:post_recv(me.qp, { addr = BUF + 0x200000, len = N,\n"
		"                            lkey = me.mr.key, wr_id = 99 })\n"
		"    wc.recv = me.v:poll(me.cq)\n"
		"    return\n"
		"  end\n"
		"  local src = {}\n"
		"  for k = 1, N do src[k] = string.char((k * 7) % 256) end\n"
		"  src = table.concat(src)\n"
		"  me.cpu:store(BUF, src)\n"
		"  me.v:post_send(me.qp, { op = 'write', laddr = BUF, len = N,\n"
		"    lkey = me.mr.key, raddr = BUF, rkey = peer.mr.key, wr_id = 1 })\n"
		"  wc.write = me.v:poll(me.cq)\n"
		"  me.v:post_send(me.qp, { op = 'read', laddr = BUF + 0x300000,\n"
		"    len = N, lkey = me.mr.key, raddr = BUF + 0x100000,\n"
		"    rkey = peer.mr.key, wr_id = 2 })\n"
		"  wc.read = me.v:poll(me.cq)\n"
		"  me.v:post_send(me.qp, { op = 'send', laddr = BUF, len = N,\n"
		"    lkey = me.mr.key, wr_id = 3 })\n"
		"  wc.send = me.v:poll(me.cq)\n"
		"end)\n"
		"local src = n[0].mem:read(BUF, N)\n"
		"dmasim.report('write_ok', wc.write.ok and wc.write.wr_id == 1\n"
		"  and wc.write.opcode == 1)\n"
		"dmasim.report('write_bytes', n[1].mem:read(BUF, N) == src)\n"
		"dmasim.report('read_ok', wc.read.ok and wc.read.opcode == 2)\n"
		"dmasim.report('read_bytes', n[0].mem:read(BUF + 0x300000, N)\n"
		"  == string.rep('r', N))\n"
		"dmasim.report('send_ok', wc.send.ok and wc.recv.ok\n"
		"  and wc.recv.opcode == 128 and wc.recv.len == N\n"
		"  and wc.recv.wr_id == 99)\n"
		"dmasim.report('send_bytes', n[1].mem:read(BUF + 0x200000, N)\n"
		"  == src)\n"
		"dmasim.report('packets', n[0].nic.tx_packets)\n");

	(void)state;
	assert_string_equal(tu_str(run, "write_ok"), "true");
	assert_string_equal(tu_str(run, "write_bytes"), "true");
	assert_string_equal(tu_str(run, "read_ok"), "true");
	assert_string_equal(tu_str(run, "read_bytes"), "true");
	assert_string_equal(tu_str(run, "send_ok"), "true");
	assert_string_equal(tu_str(run, "send_bytes"), "true");
	/* 10 WRITE packets, 1 READ request, 10 SEND packets: ceil(N/1024) */
	assert_int_equal(tu_int(run, "packets"), 21);
	dmasim_run_free(run);
}

/* Queue-pair states: no post before RTS; RESET -> RTS is refused; an
 * error moves the QP to ERR and what is posted later is flushed. */
static void test_states(void **state)
{
	struct dmasim_run *run = run_ok(
		"local cl, n = rig{}\n"
		"local r = {}\n"
		"go(cl, n, function(i, me, peer)\n"
		"  if i == 1 then me.v:connect(me.qp, 0, peer.qp.n) return end\n"
		"  r.post_reset = me.v:post_send(me.qp, { op = 'write', len = 8,\n"
		"    inline = true, data = '12345678', raddr = BUF, rkey = 1 })\n"
		"  r.skip = me.v:modify(me.qp, 'rts')\n"
		"  r.init = me.v:modify(me.qp, 'init')\n"
		"  r.post_init = me.v:post_send(me.qp, { op = 'write', len = 8,\n"
		"    inline = true, data = '12345678', raddr = BUF, rkey = 1 })\n"
		"  r.rtr = me.v:modify(me.qp, 'rtr', 1, peer.qp.n)\n"
		"  r.rts = me.v:modify(me.qp, 'rts')\n"
		"  me.v:post_send(me.qp, { op = 'write', len = 8, inline = true,\n"
		"    data = '12345678', raddr = BUF, rkey = peer.mr.key + 1 })\n"
		"  r.bad = me.v:poll(me.cq)\n"
		"  me.v:post_send(me.qp, { op = 'write', len = 8, inline = true,\n"
		"    data = '12345678', raddr = BUF, rkey = peer.mr.key })\n"
		"  r.flushed = me.v:poll(me.cq)\n"
		"  r.state = me.nic:qp(me.qp.n).state\n"
		"end, true)\n"
		"dmasim.report('post_reset', r.post_reset)\n"
		"dmasim.report('skip', r.skip)\n"
		"dmasim.report('steps', r.init and r.rtr and r.rts)\n"
		"dmasim.report('post_init', r.post_init)\n"
		"dmasim.report('bad', r.bad.status)\n"
		"dmasim.report('flushed', r.flushed.status)\n"
		"dmasim.report('state', r.state)\n"
		"dmasim.report('untouched', n[1].mem:read(BUF, 8) ==\n"
		"  string.rep('\\0', 8))\n");

	(void)state;
	assert_string_equal(tu_str(run, "post_reset"), "false");
	assert_string_equal(tu_str(run, "skip"), "false");
	assert_string_equal(tu_str(run, "steps"), "true");
	assert_string_equal(tu_str(run, "post_init"), "false");
	assert_int_equal(tu_int(run, "bad"), 10);	/* REM_ACCESS_ERR */
	assert_int_equal(tu_int(run, "flushed"), 5);	/* WR_FLUSH_ERR */
	assert_string_equal(tu_str(run, "state"), "error");
	assert_string_equal(tu_str(run, "untouched"), "true");
	dmasim_run_free(run);
}

/* Access: a READ of a region without REMOTE_READ, a WRITE past its end,
 * a local buffer under a wrong lkey, a SEND with no receive posted (RNR,
 * retried, then failed), a message over 16 MiB, each with its verbs
 * status; the target's memory untouched by the refused WRITE. */
static void test_access(void **state)
{
	struct dmasim_run *run = run_ok(
		"local r = {}\n"
		"local function one(access, rnic, f)\n"
		"  local cl, n = rig{ access = access, rnic = rnic }\n"
		"  go(cl, n, function(i, me, peer)\n"
		"    if i == 0 then r[#r + 1] = f(me, peer).status end\n"
		"  end)\n"
		"  return n\n"
		"end\n"
		"one(3, nil, function(me, peer)\n"
		"  me.v:post_send(me.qp, { op = 'read', laddr = BUF, len = 64,\n"
		"    lkey = me.mr.key, raddr = BUF, rkey = peer.mr.key })\n"
		"  return me.v:poll(me.cq) end)\n"
		"local n = one(7, nil, function(me, peer)\n"
		"  me.cpu:store(BUF, string.rep('x', 64))\n"
		"  me.v:post_send(me.qp, { op = 'write', laddr = BUF, len = 64,\n"
		"    lkey = me.mr.key, raddr = BUF + 0x400000 - 32,\n"
		"    rkey = peer.mr.key })\n"
		"  return me.v:poll(me.cq) end)\n"
		"dmasim.report('untouched', n[1].mem:read(BUF + 0x400000 - 32, 32)\n"
		"  == string.rep('\\0', 32))\n"
		"one(7, nil, function(me, peer)\n"
		"  me.v:post_send(me.qp, { op = 'write', laddr = BUF, len = 64,\n"
		"    lkey = me.mr.key ~ 1, raddr = BUF, rkey = peer.mr.key })\n"
		"  return me.v:poll(me.cq) end)\n"
		"one(7, { rnr_retry = 2, rnr_delay = '2us' }, function(me, peer)\n"
		"  me.v:post_send(me.qp, { op = 'send', len = 8, inline = true,\n"
		"    data = 'abcdefgh' })\n"
		"  return me.v:poll(me.cq) end)\n"
		"one(7, nil, function(me, peer)\n"
		"  me.v:post_send(me.qp, { op = 'write', laddr = BUF,\n"
		"    len = 16 * 1024 * 1024 + 1, lkey = me.mr.key, raddr = BUF,\n"
		"    rkey = peer.mr.key })\n"
		"  return me.v:poll(me.cq) end)\n"
		"for k, s in ipairs(r) do dmasim.report('status' .. k, s) end\n");

	(void)state;
	assert_int_equal(tu_int(run, "status1"), 10);	/* no REMOTE_READ */
	assert_int_equal(tu_int(run, "status2"), 10);	/* out of bounds */
	assert_string_equal(tu_str(run, "untouched"), "true");
	assert_int_equal(tu_int(run, "status3"), 4);	/* LOC_PROT_ERR */
	assert_int_equal(tu_int(run, "status4"), 13);	/* RNR_RETRY_EXC */
	/* a message over the device's 16 MiB: LOC_LEN_ERR */
	assert_int_equal(tu_int(run, "status5"), 1);
	dmasim_run_free(run);
}

/* Loss: with 2% of the frames dropped at random, 8 WRITEs of 64 KiB
 * (16 packets each) all complete, land byte for byte, and the responder
 * discards what it had taken already (duplicates) rather than placing it
 * twice.  With nearly every frame lost and one retry, the request fails
 * with RETRY_EXC_ERR. */
/* Node 0 WRITEs 8 x 64 KiB of known bytes to node 1 on the cluster cl of
 * nodes n; reports whether every completion came, in order, and whether
 * the bytes landed as sent. */
#define WRITE8                                                                \
	"local ok = true\n"                                                   \
	"go(cl, n, function(i, me, peer)\n"                                   \
	"  if i == 1 then return end\n"                                       \
	"  for k = 0, 7 do\n"                                                 \
	"    me.cpu:store(BUF + k * 65536, string.rep(string.char(65 + k),\n"  \
	"                 65536))\n"                                           \
	"  end\n"                                                             \
	"  for k = 0, 7 do\n"                                                 \
	"    me.v:post_send(me.qp, { op = 'write', laddr = BUF + k * 65536,\n" \
	"      len = 65536, lkey = me.mr.key, raddr = BUF + k * 65536,\n"      \
	"      rkey = peer.mr.key, wr_id = k })\n"                             \
	"  end\n"                                                             \
	"  for k = 0, 7 do\n"                                                 \
	"    local wc = me.v:poll(me.cq)\n"                                    \
	"    ok = ok and wc.ok and wc.wr_id == k\n"                            \
	"  end\n"                                                             \
	"end)\n"                                                              \
	"dmasim.report('ok', ok)\n"                                           \
	"dmasim.report('intact', n[1].mem:read(BUF, 8 * 65536) ==\n"          \
	"  n[0].mem:read(BUF, 8 * 65536))\n"

/* What WRITE8 and the transport's counters must show after recovering
 * from lost or damaged packets: every completion, the bytes as sent,
 * retransmissions, and each of the 128 packets taken exactly once (the
 * responder's expected PSN one past the last). */
static void write8_recovered(const struct dmasim_run *run)
{
	assert_string_equal(tu_str(run, "ok"), "true");
	assert_string_equal(tu_str(run, "intact"), "true");
	assert_true(tu_int(run, "retransmits") > 0);
	assert_int_equal(tu_int(run, "epsn"), 128);
}

static void test_loss(void **state)
{
	struct dmasim_run *run = run_ok(
		"local cl, n = rig{ cluster = { loss = 0.02, seed = 5 } }\n"
		WRITE8
		"dmasim.report('drops', cl.drops)\n"
		"dmasim.report('retransmits', n[0].nic:qp(0).retransmits)\n"
		"dmasim.report('epsn', n[1].nic:qp(0).expected_psn)\n"
		"local cl2, m = rig{ cluster = { loss = 0.95, seed = 3 },\n"
		"                    rnic = { timeout = '5us', retry = 1 } }\n"
		"local st\n"
		"go(cl2, m, function(i, me, peer)\n"
		"  if i == 1 then return end\n"
		"  me.v:post_send(me.qp, { op = 'write', len = 8, inline = true,\n"
		"    data = 'abcdefgh', raddr = BUF, rkey = peer.mr.key })\n"
		"  st = me.v:poll(me.cq).status\n"
		"end, false)\n"
		"dmasim.report('exceeded', st)\n");

	(void)state;
	write8_recovered(run);
	assert_true(tu_int(run, "drops") > 0);
	assert_int_equal(tu_int(run, "exceeded"), 12);	/* RETRY_EXC_ERR */
	dmasim_run_free(run);
}

/* Corruption: the switch flips one bit of 2% of the frames; each
 * receiver's check of the frame's check sequence catches every one (the
 * two NICs' fcs_errors add up to exactly the switch's count), drops it,
 * and go-back-N sends it again: the 8 x 64 KiB land byte for byte, each
 * of the 128 packets placed once. */
static void test_corrupt(void **state)
{
	struct dmasim_run *run = run_ok(
		"local cl, n = rig{ cluster = { corrupt = 0.02, seed = 7 } }\n"
		WRITE8
		"dmasim.report('corrupted', cl.corrupted)\n"
		"dmasim.report('fcs', n[0].nic.fcs_errors + n[1].nic.fcs_errors)\n"
		"dmasim.report('drops', cl.drops)\n"
		"dmasim.report('retransmits', n[0].nic:qp(0).retransmits)\n"
		"dmasim.report('epsn', n[1].nic:qp(0).expected_psn)\n");

	(void)state;
	write8_recovered(run);
	assert_true(tu_int(run, "corrupted") > 0);
	assert_int_equal(tu_int(run, "fcs"), tu_int(run, "corrupted"));
	assert_int_equal(tu_int(run, "drops"), 0);
	dmasim_run_free(run);
}

/* A message of more packets than a queue pair may have in flight (1,024
 * packets of 1 KiB against a window of 256) goes on as acknowledgements
 * come, and lands whole. */
static void test_long(void **state)
{
	struct dmasim_run *run = run_ok(
		"local cl, n = rig{ rnic = { mtu = 1024 } }\n"
		"local wc\n"
		"go(cl, n, function(i, me, peer)\n"
		"  if i == 1 then return end\n"
		"  me.mem:fill(BUF, 1024 * 1024, 7)\n"
		"  me.v:post_send(me.qp, { op = 'write', laddr = BUF,\n"
		"    len = 1024 * 1024, lkey = me.mr.key, raddr = BUF + 0x100000,\n"
		"    rkey = peer.mr.key })\n"
		"  wc = me.v:poll(me.cq)\n"
		"end)\n"
		"dmasim.report('ok', wc.ok)\n"
		"dmasim.report('intact', n[1].mem:hash(BUF + 0x100000, 1048576)\n"
		"  == n[0].mem:hash(BUF, 1048576))\n"
		"dmasim.report('packets', n[0].nic.tx_packets)\n");

	(void)state;
	assert_string_equal(tu_str(run, "ok"), "true");
	assert_string_equal(tu_str(run, "intact"), "true");
	assert_int_equal(tu_int(run, "packets"), 1024);
	dmasim_run_free(run);
}

/* The printed results of a scenario run with its defines. */
static char *printed(const char *rel, const char *const *defs, size_t n)
{
	struct dmasim_run *run;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	assert_int_equal(dmasim_run_new(&run), 0);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(dmasim_run_define_arg(run, defs[i]), 0);
	if (dmasim_run_file(run, tu_path(rel)))
		fail_msg("%s: %s", rel, dmasim_run_error(run));
	f = open_memstream(&buf, &len);
	assert_non_null(f);
	assert_int_equal(dmasim_run_print(run, f), 0);
	fclose(f);
	dmasim_run_free(run);
	return buf;
}

/* Nodes meet only through links: every cluster scenario prints the same
 * results whether the nodes of each window run first to last or last to
 * first.  A node reading another's state directly (a call into it, a
 * shared variable) would see it before or after that node's window, and
 * the figures would differ: the first version of rdma_latency.lua, whose
 * nodes polled a Lua flag the other set, failed here. */
static void test_order(void **state)
{
	static const struct {
		const char *rel;
		const char *defs[3];
	} cases[] = {
		{ "scenarios/rdma_latency.lua", { "iters=4", "bw_count=4" } },
		{ "scenarios/gpudirect.lua", { "iters=2" } },
		{ "scenarios/rdma_vs_tcp.lua", { "iters=3" } },
		{ "scenarios/halo_exchange.lua", { "nodes=4", "iters=3",
						   "sweep=false" } },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *defs[4];
		size_t n = 0;
		char *a, *b;

		while (n < 3 && cases[i].defs[n]) {
			defs[n] = cases[i].defs[n];
			n++;
		}
		a = printed(cases[i].rel, defs, n);
		defs[n] = "run_order=reverse";
		b = printed(cases[i].rel, defs, n + 1);
		if (strcmp(a, b))
			fail_msg("%s: the results depend on the order the "
				 "nodes run in", cases[i].rel);
		free(a);
		free(b);
	}
}

/* Bad arguments: each refused with what was expected. */
static void test_refused(void **state)
{
	(void)state;
	tu_refused("dmasim.cluster{ nodes = 0 }", "nodes");
	tu_refused("dmasim.cluster{ link_latency = 0 }", "link_latency: "
		   "expected a time > 0");
	tu_refused("dmasim.cluster{ loss = 1 }", "loss: expected a "
		   "probability in [0, 1)");
	tu_refused("dmasim.cluster{ corrupt = 1.5 }", "corrupt: expected a "
		   "probability in [0, 1)");
	tu_refused("dmasim.cluster{ colour = 1 }", "colour");
	tu_refused("local cl = dmasim.cluster{}\ncl:node(2)",
		   "expected a node from 0 to 1");
	tu_refused("local cl = dmasim.cluster{}\ncl:node(0)\n"
		   "cl:node(0, { name = 'x' })", "made already");
	tu_refused("local s = dmasim.system{}\ns:rnic{}",
		   "not a node of a cluster");
	tu_refused("local cl = dmasim.cluster{}\nlocal s = cl:node(0)\n"
		   "s:run()", "run the cluster, not the node");
	tu_refused("local cl = dmasim.cluster{}\nlocal s = cl:node(0)\n"
		   "s:memory{}\ns:rnic{ mtu = 1000 }", "mtu: expected 256");
	tu_refused("local cl = dmasim.cluster{}\nlocal s = cl:node(0)\n"
		   "s:memory{}\ns:rnic{}\ns:rnic{ base = 0x5B000000 }",
		   "has an RDMA NIC on its port already");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_intact),
		cmocka_unit_test(test_states),
		cmocka_unit_test(test_access),
		cmocka_unit_test(test_loss),
		cmocka_unit_test(test_corrupt),
		cmocka_unit_test(test_long),
		cmocka_unit_test(test_order),
		cmocka_unit_test(test_refused),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
