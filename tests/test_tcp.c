/*
 * /os/tcp: the kernel network path between two nodes of a cluster: the
 * NIC on its node's cluster port (sys:nic{network = true}) driven by
 * scenarios/lib/tcp.lua.  A stream arrives intact and in order; with the
 * switch dropping a data segment, the retransmission timer resends it and
 * every byte is delivered exactly once; a frame for no node is not sent;
 * bad arguments (C API and scenario language) get errors that name what
 * was wrong.
 */
#include <stdio.h>
#include <string.h>

#include "testutil.h"

/* Two nodes, a stream of `total` bytes in messages of `msg` bytes from
 * node 0 to node 1; results: intact, delivered, retransmits, timeouts,
 * duplicates, drops, copied. */
static const char *const stream =
	"package.path = package.path .. ';" DMASIM_SOURCE_DIR
	"/scenarios/lib/?.lua'\n"
	"local tcp = require 'tcp'\n"
	"local p = dmasim.params{ total = 100000, msg = 10000, drop_nth = 0 }\n"
	"local cl = dmasim.cluster{ nodes = 2, link_rate = '100Gb/s',"
	"  link_latency = '100ns', drop_nth = p.drop_nth }\n"
	"local n = {}\n"
	"local function data(k) return string.rep(string.char(65 + k % 26)"
	"  .. 'tcp', p.msg // 4 + 1):sub(1, p.msg) end\n"
	"for i = 0, 1 do\n"
	"  local sys = cl:node(i, { bus = { clock = '1GHz', width = 16 } })\n"
	"  local me = { sys = sys }\n"
	"  me.mem = sys:memory{ size = '16MiB', latency = '50ns' }\n"
	"  me.cpu = sys:cpu{ clock = '1GHz' }\n"
	"  local ic = sys:intc{ lines = 4 }\n"
	"  me.nic = sys:nic{ network = true, intc = ic, irq_line = 1,"
	"    burst = 2048, wire_overhead = 24 }\n"
	"  n[i] = me\n"
	"  sys:spawn(function()\n"
	"    me.s = tcp.open(sys, me.cpu, me.nic, { peer = 1 - i, node = i,"
	"      intc = ic, line = 1 })\n"
	"    sys:wait('5us')\n"
	"    local count = p.total // p.msg\n"
	"    for k = 0, count - 1 do\n"
	"      if i == 0 then\n"
	"        me.cpu:store(0x800000, data(k))\n"
	"        me.s:send(0x800000, p.msg)\n"
	"      else\n"
	"        me.s:recv(0xA00000 + k * p.msg, p.msg)\n"
	"      end\n"
	"    end\n"
	"  end)\n"
	"end\n"
	"cl:run()\n"
	"local ok = true\n"
	"for k = 0, p.total // p.msg - 1 do\n"
	"  ok = ok and n[1].mem:read(0xA00000 + k * p.msg, p.msg) == data(k)\n"
	"end\n"
	"dmasim.report('intact', ok and 1 or 0)\n"
	"dmasim.report('delivered', n[1].s.stats.delivered)\n"
	"dmasim.report('copied', n[1].s.stats.copied)\n"
	"dmasim.report('duplicates', n[1].s.stats.duplicates)\n"
	"dmasim.report('retransmits', n[0].s.stats.retransmits)\n"
	"dmasim.report('timeouts', n[0].s.stats.timeouts)\n"
	"dmasim.report('drops', cl.drops)\n"
	"dmasim.report('tx_errors', n[0].nic.tx_errors + n[1].nic.tx_errors)\n"
	"dmasim.report('rx_packets', n[1].nic.rx_packets)\n";

static void stream_intact(void **state)
{
	struct dmasim_run *run;
	int code;

	(void)state;
	run = tu_run_text(stream, &code, NULL);
	if (code)
		fail_msg("%s", dmasim_run_error(run));
	assert_int_equal(tu_int(run, "intact"), 1);
	assert_int_equal(tu_int(run, "delivered"), 100000);
	assert_int_equal(tu_int(run, "copied"), 100000);
	assert_int_equal(tu_int(run, "retransmits"), 0);
	assert_int_equal(tu_int(run, "drops"), 0);
	assert_int_equal(tu_int(run, "tx_errors"), 0);
	/* 69 segments of at most 1460 bytes came through the ring */
	assert_true(tu_int(run, "rx_packets") >= 69);
	dmasim_run_free(run);
}

/* The switch drops its 12th frame, a data segment, mid-stream; only the
 * timer finds out (no fast retransmit), and the receiver sees each byte
 * once.  Its 10th is an acknowledgement: a later one covers it, and
 * nothing is resent. */
static void loss_retransmitted_once(void **state)
{
	struct dmasim_run *run;
	int code;

	(void)state;
	run = tu_run_text(stream, &code, "drop_nth=12", NULL);
	if (code)
		fail_msg("%s", dmasim_run_error(run));
	assert_int_equal(tu_int(run, "drops"), 1);
	assert_int_equal(tu_int(run, "timeouts"), 1);
	assert_true(tu_int(run, "retransmits") >= 1);
	assert_int_equal(tu_int(run, "intact"), 1);
	assert_int_equal(tu_int(run, "delivered"), 100000);
	assert_int_equal(tu_int(run, "copied"), 100000);
	dmasim_run_free(run);

	run = tu_run_text(stream, &code, "drop_nth=10", NULL);
	assert_int_equal(code, 0);
	assert_int_equal(tu_int(run, "drops"), 1);
	assert_int_equal(tu_int(run, "retransmits"), 0);
	assert_int_equal(tu_int(run, "intact"), 1);
	assert_int_equal(tu_int(run, "delivered"), 100000);
	dmasim_run_free(run);
}

/* Same seed, same run: the retransmitting stream twice gives the same
 * results. */
static void deterministic(void **state)
{
	struct dmasim_run *a, *b;
	int ca, cb;

	(void)state;
	a = tu_run_text(stream, &ca, "drop_nth=7", NULL);
	b = tu_run_text(stream, &cb, "drop_nth=7", NULL);
	assert_int_equal(ca, 0);
	assert_int_equal(cb, 0);
	assert_int_equal(tu_int(a, "retransmits"), tu_int(b, "retransmits"));
	assert_int_equal(tu_int(a, "rx_packets"), tu_int(b, "rx_packets"));
	assert_int_equal(tu_int(a, "duplicates"), tu_int(b, "duplicates"));
	dmasim_run_free(a);
	dmasim_run_free(b);
}

/* The C API refuses a NIC on a cluster its system is not a node of, a
 * packet source on a port, and a second device on one port. */
static void bad_nic_config(void **state)
{
	struct dmasim_cluster *cl, *other;
	struct dmasim_sys *sys;
	struct dmasim_nic_config nc;
	const char *bad = NULL;

	(void)state;
	assert_int_equal(dmasim_cluster_new(NULL, &cl, &bad), 0);
	assert_int_equal(dmasim_cluster_new(NULL, &other, &bad), 0);
	assert_int_equal(dmasim_sys_new(NULL, &sys), 0);
	assert_int_equal(dmasim_bus_new(sys, NULL, NULL), 0);
	assert_int_equal(dmasim_cluster_add(cl, sys, 1), 0);

	dmasim_nic_config_init(&nc);
	nc.cluster = other;
	assert_int_equal(dmasim_nic_new(sys, NULL, &nc, NULL), DMASIM_EINVAL);
	if (!strstr(dmasim_sys_error(sys), "cluster: expected the cluster "
		    "system"))
		fail_msg("error '%s'", dmasim_sys_error(sys));

	nc.cluster = cl;
	nc.packets = 5;
	assert_int_equal(dmasim_nic_new(sys, NULL, &nc, NULL), DMASIM_EINVAL);
	assert_non_null(strstr(dmasim_sys_error(sys), "packets 5: expected 0 "
			       "on a cluster port"));

	nc.packets = 0;
	assert_int_equal(dmasim_nic_new(sys, NULL, &nc, NULL), 0);
	nc.base = 0x59000000;
	assert_int_equal(dmasim_nic_new(sys, NULL, &nc, NULL), DMASIM_EINVAL);
	assert_non_null(strstr(dmasim_sys_error(sys), "node 1 has a device on "
			       "its port already"));
	/* the cluster goes first: the NIC lets go of its network */
	dmasim_cluster_free(cl);
	dmasim_cluster_free(other);
	dmasim_sys_free(sys);
}

static void bad_lua_arguments(void **state)
{
	(void)state;
	tu_refused("local s = dmasim.system{}\n"
		   "s:nic{ network = true }\n",
		   "network = true: system 'system' is not a node of a "
		   "cluster");
	tu_refused("package.path = package.path .. ';" DMASIM_SOURCE_DIR
		   "/scenarios/lib/?.lua'\n"
		   "local tcp = require 'tcp'\n"
		   "tcp.open(nil, nil, { base = 0 }, { peer = 1, intc = {},"
		   " mss = 9000 })\n",
		   "field 'mss' = 9000: expected 1 to 1994 bytes");
	tu_refused("package.path = package.path .. ';" DMASIM_SOURCE_DIR
		   "/scenarios/lib/?.lua'\n"
		   "local tcp = require 'tcp'\n"
		   "tcp.open(nil, nil, { base = 0 }, { peer = 1, windw = 3 })\n",
		   "field 'windw' = 3: expected one of the known options");
}

/* A frame whose destination is no node is counted, not sent. */
static void frame_for_no_node(void **state)
{
	static const char *text =
		"local cl = dmasim.cluster{ nodes = 2 }\n"
		"local sys = cl:node(0, { bus = { clock = '1GHz' } })\n"
		"sys:memory{ size = '1MiB' }\n"
		"local cpu = sys:cpu{}\n"
		"local nic = sys:nic{ network = true }\n"
		"sys:spawn(function()\n"
		"  cpu:store(0x1000, string.pack('<I6', 9) .. string.rep('x', 58))\n"
		"  cpu:store(0x100, string.pack('<I8I2I2I1I1I2', 0x1000, 64, 0, 0,"
		"    0, 1))\n"
		"  cpu:write64(nic.base + 0x30, 0x100)\n"
		"  cpu:write32(nic.base + 0x38, 8)\n"
		"  cpu:write32(nic.base + 0x00, 2)\n"
		"  cpu:write32(nic.base + 0x40, 1)\n"
		"  sys:wait('2us')\n"
		"  dmasim.report('tx_errors', nic.tx_errors)\n"
		"  dmasim.report('tdh', nic.tdh)\n"
		"end)\n"
		"cl:run()\n"
		"dmasim.report('frames', cl.frames)\n";
	struct dmasim_run *run;
	int code;

	(void)state;
	run = tu_run_text(text, &code, NULL);
	if (code)
		fail_msg("%s", dmasim_run_error(run));
	assert_int_equal(tu_int(run, "tx_errors"), 1);
	assert_int_equal(tu_int(run, "tdh"), 1);
	assert_int_equal(tu_int(run, "frames"), 0);
	dmasim_run_free(run);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(stream_intact),
		cmocka_unit_test(loss_retransmitted_once),
		cmocka_unit_test(deterministic),
		cmocka_unit_test(bad_nic_config),
		cmocka_unit_test(bad_lua_arguments),
		cmocka_unit_test(frame_for_no_node),
	};

	return cmocka_run_group_tests_name("/os/tcp", tests, NULL, NULL);
}
