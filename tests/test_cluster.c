/*
 * test_cluster: the cluster's board (what nodes publish out of band,
 * visible from the next barrier on) and its split over ranks, with a
 * stand-in for the other rank: the frames bound for its switch ports
 * leave packed, its nodes cannot be made or publish here, and what has no
 * one order across ranks (drop_nth) is refused.  The split's results
 * against a run alone, on real MPI ranks, are tests/mpi_cluster.sh's.
 */
#define _DEFAULT_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "hw/net.h"
#include "sys/sys.h"
#include "testutil.h"

/* Rank 0 of 2; rank 1 sends nothing, has no event and never fails. */
struct fake {
	uint64_t to_rank1;	/* frame and board bytes sent to rank 1 */
	uint64_t calls;
};

static int fake_alltoall(void *ctx, const uint64_t *send, uint64_t *recv,
			 size_t n)
{
	struct fake *f = ctx;

	f->calls++;
	memcpy(recv, send, n * sizeof(*send));
	memset(recv + n, 0, n * sizeof(*recv));
	if (n == 4)		/* a barrier's header: rank 1 has no event */
		recv[n + 2] = UINT64_MAX;
	if (n == 2)		/* the gathering: as many systems, no bytes */
		recv[n + 1] = send[1];
	return 0;
}

static int fake_exchange(void *ctx, void *const *sbuf, const size_t *slen,
			 void *const *rbuf, const size_t *rlen)
{
	struct fake *f = ctx;

	(void)sbuf;
	(void)rbuf;
	assert_int_equal(rlen[1], 0);
	f->to_rank1 += slen[1];
	return 0;
}

static struct fake fk;
static const struct dmasim_comm two = { 0, 2, &fk, fake_alltoall,
					fake_exchange };

/* ---- the board, alone ---- */

static void test_board(void **state)
{
	static const char text[] =
		"local cl = dmasim.cluster{ nodes = 2, partition = 'blocks' }\n"
		"local a, b = cl:node(0), cl:node(1)\n"
		"cl:publish(0, 'early', 7)\n"
		"local before = cl:lookup(0, 'early')\n"
		"local seen = {}\n"
		"a:spawn(function()\n"
		"  a:wait('1us')\n"
		"  cl:publish(0, 'x', 1.5)\n"
		"  cl:publish(0, 's', 'text')\n"
		"  cl:publish(0, 'b', false)\n"
		"  a:wait('1us')\n"
		"  cl:publish(0, 'x', 2)\n"
		"end)\n"
		"b:spawn(function()\n"
		"  seen.early = cl:lookup(0, 'early')\n"
		"  b:wait('1us')\n"
		"  seen.same = cl:lookup(0, 'x')\n"
		"  b:wait('500ns')\n"
		"  seen.later = cl:lookup(0, 'x')\n"
		"end)\n"
		"cl:run()\n"
		"return { before = tostring(before), early = seen.early,\n"
		"  same = tostring(seen.same), later = seen.later,\n"
		"  s = cl:lookup(0, 's'), b = tostring(cl:lookup(0, 'b')),\n"
		"  last = math.type(cl:lookup(0, 'x')) .. cl:lookup(0, 'x'),\n"
		"  none = tostring(cl:lookup(1, 'x')),\n"
		"  owns = tostring(cl:owns(0) and cl:owns(1)),\n"
		"  ranks = cl.ranks, rank = cl.rank }\n";
	struct dmasim_run *run;
	int code;

	(void)state;
	run = tu_run_text(text, &code, NULL);
	assert_int_equal(code, 0);
	/* visible from the next barrier on, never before */
	assert_string_equal(tu_str(run, "before"), "nil");
	assert_int_equal(tu_int(run, "early"), 7);
	/* published at 1 us: not seen by another node at 1 us (the same
	 * window), seen 500 ns later (windows of 100 ns), whichever node
	 * runs first */
	assert_string_equal(tu_str(run, "same"), "nil");
	assert_true(tu_num(run, "later") == 1.5);
	assert_string_equal(tu_str(run, "s"), "text");
	assert_string_equal(tu_str(run, "b"), "false");
	/* published again: the last value, an integer still */
	assert_string_equal(tu_str(run, "last"), "integer2");
	assert_string_equal(tu_str(run, "none"), "nil");
	assert_string_equal(tu_str(run, "owns"), "true");
	assert_int_equal(tu_int(run, "ranks"), 1);
	assert_int_equal(tu_int(run, "rank"), 0);
	dmasim_run_free(run);
}

static void test_board_refused(void **state)
{
	(void)state;
	tu_refused("local cl = dmasim.cluster{}\ncl:publish(0, 'k', {})",
		   "expected a number, a string or a boolean");
	tu_refused("local cl = dmasim.cluster{}\n"
		   "cl:publish(0, string.rep('k', 256), 1)",
		   "expected a key of 1 to 255 bytes");
	tu_refused("local cl = dmasim.cluster{}\ncl:lookup(2, 'k')",
		   "cluster:lookup(2): expected a node from 0 to 1");
	tu_refused("dmasim.cluster{ nodes = 2, partition = { 0 } }",
		   "a list of 1 ranks: expected one per node (2)");
	tu_refused("dmasim.cluster{ nodes = 2, partition = { 0, -1 } }",
		   "node 1's rank -1: expected a whole number");
	tu_refused("dmasim.cluster{ partition = 'rows' }", "partition");
}

/* ---- split over ranks, from C ---- */

static struct net_frame *frame_to(struct net *n, uint32_t src, uint32_t dst)
{
	struct net_frame *f = net_frame_get(n);

	assert_non_null(f);
	f->src = src;
	f->dst = dst;
	f->wire = 100;
	f->len = 10;
	memset(f->data, 0xab, f->len);
	return f;
}

static void send_two(struct sim *sim, struct event *ev)
{
	struct net *n = ev->obj;

	(void)sim;
	net_send(n, frame_to(n, 0, 1));		/* to a node of this rank */
	net_send(n, frame_to(n, 0, 3));		/* to a node of rank 1 */
}

static int got;

static void rx(void *ctx, struct net_frame *f)
{
	got++;
	net_frame_put(ctx, f);
}

static void test_split(void **state)
{
	struct dmasim_cluster_config cfg;
	struct dmasim_cluster_info info;
	struct dmasim_cluster *cl;
	struct dmasim_sys *s[3];
	struct net *n;
	const char *bad = NULL;
	uint32_t owner[4] = { 0, 1, 0, 2 };

	(void)state;
	memset(&fk, 0, sizeof(fk));
	dmasim_cluster_config_init(&cfg);
	cfg.nodes = 4;
	cfg.comm = &two;
	/* what has no one order over ranks, and ranks that are not there */
	cfg.drop_nth = 3;
	assert_int_equal(dmasim_cluster_new(&cfg, &cl, &bad), DMASIM_EINVAL);
	assert_non_null(strstr(bad, "drop_nth"));
	cfg.drop_nth = 0;
	cfg.owner = owner;
	assert_int_equal(dmasim_cluster_new(&cfg, &cl, &bad), DMASIM_EINVAL);
	assert_non_null(strstr(bad, "owner"));
	/* blocks: nodes 0 and 1 here, 2 and 3 on rank 1 */
	cfg.owner = NULL;
	assert_int_equal(dmasim_cluster_new(&cfg, &cl, &bad), 0);
	assert_int_equal(dmasim_cluster_owner(cl, 1), 0);
	assert_int_equal(dmasim_cluster_owner(cl, 2), 1);
	for (int i = 0; i < 3; i++)
		assert_int_equal(dmasim_sys_new(NULL, &s[i]), 0);
	assert_int_equal(dmasim_cluster_add(cl, s[0], 0), 0);
	assert_int_equal(dmasim_cluster_add(cl, s[1], 1), 0);
	assert_int_equal(dmasim_cluster_add(cl, s[2], 2), DMASIM_EINVAL);
	assert_non_null(strstr(dmasim_sys_error(s[2]), "simulated by rank "
			       "1, this is rank 0"));
	assert_int_equal(dmasim_cluster_publish(cl, 2, "k", "v", 1),
			 DMASIM_EINVAL);
	assert_int_equal(dmasim_cluster_publish(cl, 1, "k", "v", 1), 0);
	n = sys_cluster_net(cl);
	n->ports[1].rx = rx;
	n->ports[1].ctx = n;
	n->ports[1].attached = true;
	got = 0;
	assert_non_null(sim_at(&s[0]->sim, 1000, PHASE_REQUEST, send_two, n,
			       NULL, 0));
	assert_int_equal(dmasim_cluster_run(cl, UINT64_MAX), 0);
	/* one frame delivered here, one packed for rank 1 (with the board's
	 * publication, made before the run, which goes to every rank) */
	assert_int_equal(got, 1);
	assert_int_equal(fk.to_rank1, net_frame_packed(frame_to(n, 0, 3)) +
			 12 + 1 + 1);
	assert_non_null(dmasim_cluster_lookup(cl, 1, "k", NULL));
	dmasim_cluster_info(cl, &info);
	assert_int_equal(info.frames, 1);	/* through this rank's ports */
	assert_true(fk.calls > 2);
	dmasim_cluster_free(cl);
	for (int i = 0; i < 3; i++)
		dmasim_sys_free(s[i]);
}

/* A scenario on rank 0 of 2: the other rank's nodes are nil here. */
static void test_split_lua(void **state)
{
	static const char text[] =
		"local cl = dmasim.cluster{ nodes = 4, partition = 'blocks' }\n"
		"local made = 0\n"
		"for i = 0, 3 do if cl:node(i) then made = made + 1 end end\n"
		"local ok, err = pcall(cl.publish, cl, 3, 'k', 1)\n"
		"local none = dmasim.cluster{ nodes = 4 }\n"
		"return { made = made, owns3 = tostring(cl:owns(3)),\n"
		"  again = tostring(cl:node(3)), err = err,\n"
		"  ranks = cl.ranks, whole = tostring(none:owns(3)),\n"
		"  none_ranks = none.ranks }\n";
	char path[] = "/tmp/dmasim-test-XXXXXX.lua";
	struct dmasim_run *run;
	int fd = mkstemps(path, 4);

	(void)state;
	memset(&fk, 0, sizeof(fk));
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	assert_int_equal(dmasim_run_new(&run), 0);
	dmasim_run_set_comm(run, &two);
	assert_int_equal(dmasim_run_file(run, path), 0);
	unlink(path);
	assert_int_equal(tu_int(run, "made"), 2);
	assert_string_equal(tu_str(run, "owns3"), "false");
	assert_string_equal(tu_str(run, "again"), "nil");
	assert_non_null(strstr(tu_str(run, "err"), "node 3 is simulated by "
			       "rank 1, this is rank 0"));
	assert_int_equal(tu_int(run, "ranks"), 2);
	/* no partition: every rank simulates the cluster whole */
	assert_string_equal(tu_str(run, "whole"), "true");
	assert_int_equal(tu_int(run, "none_ranks"), 1);
	dmasim_run_free(run);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_board),
		cmocka_unit_test(test_board_refused),
		cmocka_unit_test(test_split),
		cmocka_unit_test(test_split_lua),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
