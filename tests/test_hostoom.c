/*
 * /harden/host_oom: the host running out of memory is a failure of the
 * run, reported as such, never a crash, a leak or a simulated error.  The
 * library's allocator (dmasim_set_allocator()) is one that can fail:
 *   - the memory's 64 KiB chunks: a CPU store then fails the run with
 *     "the host ran out of memory", not a simulated bus error;
 *   - the nth allocation, for every n of a short run (the way SQLite
 *     tests its allocation failures): every run either succeeds or fails
 *     with a message saying the host ran out of memory, and every block
 *     is given back once the run is freed.  (OOM_TRACE=n prints where
 *     allocation n was asked for, to find a failure this reports.)
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
#include <execinfo.h>

#include "hw/memory.h"
#include "testutil.h"

/* Every block carries its size before it: the live ones are counted. */
struct hdr {
	size_t n;
	size_t pad;
};

static struct {
	uint64_t count;		/* allocations asked for */
	uint64_t fail_at;	/* fail this one (0: none) */
	uint64_t failed;
	int64_t live;		/* blocks not given back */
	int fail_chunks;	/* fail every memory chunk */
} a;

static void *t_realloc(void *ctx, void *p, size_t n)
{
	struct hdr *h = p ? (struct hdr *)p - 1 : NULL;

	(void)ctx;
	/* a memory chunk: its bytes and the map of lines written */
	if (++a.count == a.fail_at || (a.fail_chunks && n >= MEM_CHUNK &&
					n < MEM_CHUNK + MEM_CHUNK / 64)) {
		a.failed++;
		/* OOM_TRACE=n: where allocation n is asked for */
		if (getenv("OOM_TRACE") && a.fail_at ==
		    strtoull(getenv("OOM_TRACE"), NULL, 10)) {
			void *bt[32];

			backtrace_symbols_fd(bt, backtrace(bt, 32), 2);
		}
		return NULL;		/* p, if any, stays as it was */
	}
	h = realloc(h, sizeof(*h) + n);
	if (!h)
		return NULL;
	if (!p)
		a.live++;
	h->n = n;
	return h + 1;
}

static void t_free(void *ctx, void *p)
{
	(void)ctx;
	a.live--;
	free((struct hdr *)p - 1);
}

static const struct dmasim_allocator failing = { t_realloc, t_free, NULL };

static int setup(void **state)
{
	(void)state;
	setenv("DMASIM_PATH", tu_path("scenarios"), 1);
	memset(&a, 0, sizeof(a));
	dmasim_set_allocator(&failing);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	dmasim_set_allocator(NULL);
	return 0;
}

static void store_without_host_memory(void **state)
{
	struct dmasim_run *run;
	int code;

	(void)state;
	a.fail_chunks = 1;
	run = tu_run_text("local s = dmasim.system{}\n"
			  "s:memory{ base = 0, size = '1MiB' }\n"
			  "local cpu = s:cpu{}\n"
			  "s:spawn(function()\n"
			  "  dmasim.report('r', tostring(cpu:store(0, 'x')))\n"
			  "end)\ns:run()\n", &code, NULL);
	a.fail_chunks = 0;
	if (code == 0)
		fail_msg("the run succeeded; store gave %s",
			 tu_str(run, "r"));
	if (!strstr(dmasim_run_error(run), "the host ran out of memory"))
		fail_msg("error '%s'", dmasim_run_error(run));
	dmasim_run_free(run);
	assert_int_equal(a.live, 0);
}

/* Short runs that touch the layers: a system, memory, a CPU, a DMA
 * engine driven by its registers, an interrupt handler, a process, the
 * sanitizer, results, a claim and the JSON; and a cluster of two nodes
 * with RDMA NICs, the board and frames through the switch. */
static const char dma_run[] =
	"local machine = require 'machine'\n"
	"local m = machine.build{}\n"
	"m.mem:fill(0x1000, 1024, 3)\n"
	"m.sys:spawn(function()\n"
	"  m.drv:copy(0, 0x1000, 0x8000, 1024); m.drv:wait(0)\n"
	"  m.cpu:load(0x8000, 64)\n"
	"end)\n"
	"m.sys:run()\n"
	"dmasim.report('same', m.mem:hash(0x8000, 1024) == m.mem:hash(0x1000, 1024))\n"
	"dmasim.claim{ id = 'oom.copy', claim = 'the copy lands',\n"
	"  model = 1, simulated = 1, tolerance = 0.01 }\n";
static const char cluster_run[] =
	"local verbs = require 'verbs'\n"
	"local cl = dmasim.cluster{ nodes = 2 }\n"
	"local n = {}\n"
	"for i = 0, 1 do\n"
	"  local sys = cl:node(i)\n"
	"  local me = { sys = sys }\n"
	"  sys:memory{ size = '32MiB' }\n"
	"  me.cpu = sys:cpu{}\n"
	"  me.nic = sys:rnic{}\n"
	"  n[i] = me\n"
	"  sys:spawn(function()\n"
	"    local v = verbs.open(sys, me.cpu, me.nic)\n"
	"    local mr = v:reg_mr(0x10000, 4096, 7)\n"
	"    local cq = v:create_cq(8)\n"
	"    local qp = v:create_qp(cq, cq)\n"
	"    cl:publish(i, 'qp', qp.n)\n"
	"    cl:publish(i, 'key', mr.key)\n"
	"    sys:wait('500us')\n"
	"    v:connect(qp, 1 - i, cl:lookup(1 - i, 'qp'))\n"
	"    sys:wait('50us')\n"
	"    if i == 0 then\n"
	"      v:post_send(qp, { op = 'write', len = 8, inline = true,\n"
	"        data = 'abcdefgh', raddr = 0x10000,\n"
	"        rkey = cl:lookup(1, 'key') })\n"
	"      v:poll(cq)\n"
	"    end\n"
	"  end)\n"
	"end\n"
	"cl:run()\n"
	"dmasim.report('frames', cl.frames)\n";

/* Whether msg says the host ran out of memory, in one of the ways the
 * layers say it. */
static int says_oom(const char *msg)
{
	return msg && (strstr(msg, "out of memory") ||
		       strstr(msg, "not enough memory"));
}

/* One run of the scenario in path: its code (0 or an error). */
static int run_once(const char *path, const char *json)
{
	struct dmasim_run *run = NULL;
	int code = dmasim_run_new(&run);

	if (!code) {
		dmasim_run_set_check(run, 1);
		code = dmasim_run_file(run, path);
		if (!code && dmasim_run_write_json(run, json))
			code = DMASIM_EIO;
		if (code && code != DMASIM_ENOMEM && code != DMASIM_EIO &&
		    !says_oom(dmasim_run_error(run))) {
			printf("  error '%s'\n", dmasim_run_error(run));
			code = 1;	/* not a clean one */
		}
	}
	dmasim_run_free(run);
	return code;
}

/* Fail allocation n, for every n the run makes. */
static void fail_each(const char *text)
{
	char path[] = "/tmp/dmasim-oom-XXXXXX.lua";
	char json[] = "/tmp/dmasim-oom-XXXXXX.json";
	int fd = mkstemps(path, 4), jfd = mkstemps(json, 5);
	uint64_t total, ok = 0, clean = 0, bad = 0, leaks = 0;

	assert_true(fd >= 0 && jfd >= 0);
	close(jfd);
	assert_int_equal(write(fd, text, strlen(text)),
			 (ssize_t)strlen(text));
	close(fd);
	a.count = a.fail_at = 0;
	assert_int_equal(run_once(path, json), 0);	/* it runs */
	total = a.count;
	assert_int_equal(a.live, 0);
	for (uint64_t n = 1; n <= total; n++) {
		int code;

		a.count = 0;
		a.fail_at = n;
		code = run_once(path, json);
		if (!code)
			ok++;
		else if (code != 1)
			clean++;
		else if (bad++ < 10)
			printf("allocation %llu of %llu failed: an error that "
			       "is not the host's memory (above)\n",
			       (unsigned long long)n, (unsigned long long)total);
		if (a.live && leaks++ < 10)
			printf("allocation %llu of %llu failed: %lld blocks "
			       "not given back\n", (unsigned long long)n,
			       (unsigned long long)total, (long long)a.live);
		a.live = 0;
	}
	a.fail_at = 0;
	unlink(path);
	unlink(json);
	printf("host_oom: %llu allocations; failing each: %llu runs "
	       "recovered (Lua collects and asks again), %llu failed saying "
	       "the host ran out of memory\n", (unsigned long long)total,
	       (unsigned long long)ok, (unsigned long long)clean);
	assert_int_equal(bad, 0);
	assert_int_equal(leaks, 0);
}

static void every_allocation_fails_once(void **state)
{
	(void)state;
	fail_each(dma_run);
}

static void every_allocation_fails_once_cluster(void **state)
{
	(void)state;
	fail_each(cluster_run);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(store_without_host_memory),
		cmocka_unit_test(every_allocation_fails_once),
		cmocka_unit_test(every_allocation_fails_once_cluster),
	};

	return cmocka_run_group_tests_name("/harden/host_oom", tests, setup,
					   teardown);
}
