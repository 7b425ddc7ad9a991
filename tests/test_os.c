/*
 * /os/frames and /os/vm: the buddy allocator's fragmentation and
 * coalescing, page tables, reclaim and migration keeping every byte, and
 * pins that are never moved or reclaimed.
 */
#include <stdlib.h>
#include <string.h>

#include "hw/memory.h"
#include "kernel/rng.h"
#include "os/frames.h"
#include "os/vm.h"
#include "os/workload.h"
#include "testutil.h"

static void buddy_coalesces_back(void **state)
{
	struct frames fr;
	uint32_t n = 0, *held;

	(void)state;
	assert_int_equal(frames_init(&fr, 0, 4u << 20), 0);	/* 1024 frames */
	assert_int_equal(frames_largest(&fr), FRAMES_MAX_ORDER);
	held = malloc(fr.n * sizeof(*held));
	for (uint32_t p; (p = frames_alloc(&fr, 0)) != FRAME_NONE;)
		held[n++] = p;
	assert_int_equal(n, 1024);
	assert_int_equal(fr.free, 0);
	assert_int_equal(frames_largest(&fr), -1);
	assert_true(frames_check(&fr));
	/* Free every other frame: half the memory free, no pair adjacent. */
	for (uint32_t i = 0; i < n; i += 2)
		frames_free(&fr, held[i], 0);
	assert_int_equal(fr.free, 512);
	assert_int_equal(frames_largest(&fr), 0);
	assert_int_equal(frames_alloc(&fr, 1), FRAME_NONE);	/* 8 KiB fails */
	assert_true(frames_check(&fr));
	/* Free the rest: everything coalesces into the largest blocks. */
	for (uint32_t i = 1; i < n; i += 2)
		frames_free(&fr, held[i], 0);
	assert_int_equal(fr.free, 1024);
	assert_int_equal(fr.nfree_blocks[FRAMES_MAX_ORDER], 1);
	assert_true(frames_check(&fr));
	free(held);
	frames_fini(&fr);
}

/* A long random run of allocations and frees of every order: no frame is
 * ever handed out twice, and every frame is accounted for. */
static void buddy_random_run(void **state)
{
	enum { N = 3000 };
	struct frames fr;
	struct rng r;
	uint8_t *owned;
	uint32_t pfn[64], ord[64];
	int live = 0;

	(void)state;
	/* an odd size: blocks of several orders at the start */
	assert_int_equal(frames_init(&fr, 0x100000, 1000 * 4096ull), 0);
	owned = calloc(fr.n, 1);
	rng_seed(&r, 9, "buddy");
	for (int step = 0; step < 200000; step++) {
		if (live < 64 && (live == 0 || rng_below(&r, 2))) {
			unsigned o = (unsigned)rng_below(&r, 6);
			uint32_t p = frames_alloc(&fr, o);

			if (p == FRAME_NONE)
				continue;
			for (uint32_t i = 0; i < (1u << o); i++) {
				assert_int_equal(owned[p + i], 0);
				owned[p + i] = 1;
			}
			pfn[live] = p;
			ord[live++] = o;
		} else {
			int k = (int)rng_below(&r, (uint64_t)live);

			for (uint32_t i = 0; i < (1u << ord[k]); i++)
				owned[pfn[k] + i] = 0;
			frames_free(&fr, pfn[k], ord[k]);
			pfn[k] = pfn[--live];
			ord[k] = ord[live];
		}
		if (step % 10000 == 0)
			assert_true(frames_check(&fr));
	}
	{
		uint32_t used = 0;

		for (uint32_t i = 0; i < fr.n; i++)
			used += owned[i];
		assert_int_equal(used + fr.free, fr.n);
	}
	while (live) {
		live--;
		frames_free(&fr, pfn[live], ord[live]);
	}
	assert_int_equal(fr.free, fr.n);
	assert_true(frames_check(&fr));
	(void)N;
	free(owned);
	frames_fini(&fr);
}

/*
 * The swap device of these tests of the memory manager alone: slots in
 * host memory, each record's bytes moved when its batch completes, a
 * fixed TSWAP_PS after the batch before it (one batch at a time); untimed
 * settling moves them at once.  The simulator's swap device pages through
 * a disk by DMA (sys/swap.c; tests/lua/disk_swap.lua, test_vmcpu).
 */
#define TSWAP_PS 1000000ull	/* 1 us a batch */
#define TSWAP_SLOTS 4096

struct tswap {
	struct vm *vm;
	uint8_t *area;			/* TSWAP_SLOTS pages */
	struct vm_swap_rec rec[64];	/* the batch in flight */
	uint32_t n;
	vm_swap_done_fn done;
	void *arg;
	uint64_t batches;
};

static int tswap_settle(void *ctx, const struct vm_swap_rec *r, uint32_t n)
{
	struct tswap *t = ctx;
	struct memory *mem = t->vm->mem;

	for (uint32_t i = 0; i < n; i++) {
		uint8_t *slot = t->area + (uint64_t)r[i].slot * 4096;
		uint64_t off = r[i].pa - mem->tgt.base;
		static const uint8_t zero[4096];

		if (r[i].op == VM_SWAP_OUT)
			memory_read(mem, off, slot, 4096);
		else if (memory_write(mem, off, r[i].op == VM_SWAP_IN ?
				      slot : zero, 4096))
			return DMASIM_ENOMEM;
	}
	return 0;
}

static bool tswap_busy(void *ctx)
{
	return ((struct tswap *)ctx)->n > 0;
}

static void tswap_end(struct sim *sim, struct event *ev)
{
	struct tswap *t = ev->obj;
	uint32_t n = t->n;

	(void)sim;
	t->n = 0;
	assert_int_equal(tswap_settle(t, t->rec, n), 0);
	t->done(t->arg);
}

static int tswap_start(void *ctx, const struct vm_swap_rec *r, uint32_t n,
		       vm_swap_done_fn done, void *arg)
{
	struct tswap *t = ctx;

	/* the workloads here wait for each batch before the next */
	assert_int_equal(t->n, 0);
	assert_true(n <= 64);
	memcpy(t->rec, r, n * sizeof(*r));
	t->n = n;
	t->done = done;
	t->arg = arg;
	t->batches++;
	assert_non_null(sim_at(t->vm->sim, t->vm->sim->now + TSWAP_PS,
			       PHASE_RELEASE, tswap_end, t, NULL, 0));
	return 0;
}

struct rig {
	struct sim sim;
	struct bus bus;
	struct memory mem;
	struct vm vm;
	struct tswap swap;
};

/* frames of memory managed; with swap, the test device above */
static void rig_init_swap(struct rig *g, uint64_t frames, bool swap)
{
	struct bus_config bc = { .period = 1000, .width = 8 };
	struct memory_config mc = { .size = 64u << 20 };
	struct vm_config vc = { .fault_cycles = 1000, .pin_cycles = 100,
				.migrate_cycles = 500,
				.swap_slots = TSWAP_SLOTS };

	assert_int_equal(sim_init(&g->sim, 1), 0);
	assert_int_equal(bus_init(&g->bus, &g->sim, "bus", &bc), 0);
	assert_int_equal(memory_init(&g->mem, &g->sim, &g->bus, "mem", 0, &mc),
			 0);
	assert_int_equal(vm_init(&g->vm, &g->sim, &g->mem, 1u << 20,
				 frames * 4096, &vc), 0);
	memset(&g->swap, 0, sizeof(g->swap));
	if (swap) {
		struct vm_swapdev dev = { .start = tswap_start,
					  .settle = tswap_settle,
					  .busy = tswap_busy,
					  .ctx = &g->swap };

		g->swap.vm = &g->vm;
		g->swap.area = calloc(TSWAP_SLOTS, 4096);
		assert_non_null(g->swap.area);
		vm_set_swapdev(&g->vm, &dev);
	}
}

static void rig_init(struct rig *g, uint64_t frames)
{
	rig_init_swap(g, frames, true);
}

static void rig_fini(struct rig *g)
{
	free(g->swap.area);
	vm_fini(&g->vm);
	memory_fini(&g->mem);
	bus_fini(&g->bus);
	sim_fini(&g->sim);
}

static void page_pattern(uint8_t *buf, int as, uint64_t vpn, uint32_t ver)
{
	for (int i = 0; i < 4096; i++)
		buf[i] = (uint8_t)(as * 31 + vpn * 7 + ver * 13 + i * 5);
}

/* Sweeping an address space twice the size of memory over and over: each
 * page is swapped out and in again many times, and the swap area reuses
 * the slots pages left, so it never holds more slots than there are pages
 * out at once; every page still reads back what was written. */
static void swap_slots_reused(void **state)
{
	struct rig g;
	struct aspace *as;
	uint8_t buf[4096], got[4096];

	(void)state;
	rig_init(&g, 128);
	as = vm_aspace(&g.vm, 256);
	for (int sweep = 0; sweep < 20; sweep++)
		for (uint64_t v = 0; v < 256; v++) {
			if (sweep) {
				page_pattern(buf, 0, v, (uint32_t)sweep - 1);
				assert_int_equal(vm_rw(as, v * 4096, got, 4096,
						       false), 0);
				assert_memory_equal(got, buf, 4096);
			}
			page_pattern(buf, 0, v, (uint32_t)sweep);
			assert_int_equal(vm_rw(as, v * 4096, buf, 4096, true),
					 0);
		}
	/* 20 sweeps of 256 pages through 128 frames: thousands of
	 * evictions, never more than 256 - 128 pages out at once (one more
	 * while a fault takes a frame before freeing its slot). */
	assert_true(g.vm.evictions > 4000);
	assert_true(g.vm.slot_next <= 129);
	rig_fini(&g);
}

/* Two address spaces twice the size of memory, random writes, touches
 * and migrations: every page reads back what was last written. */
static void data_intact_under_pressure(void **state)
{
	struct rig g;
	struct aspace *as[2];
	uint32_t ver[2][256] = { { 0 } };
	uint8_t buf[4096], got[4096];
	struct rng r;

	(void)state;
	rig_init(&g, 128);
	as[0] = vm_aspace(&g.vm, 256);
	as[1] = vm_aspace(&g.vm, 256);
	rng_seed(&r, 3, "pressure");
	for (int a = 0; a < 2; a++)
		for (uint64_t v = 0; v < 256; v++) {
			page_pattern(buf, a, v, 0);
			assert_int_equal(vm_rw(as[a], v * 4096, buf, 4096, true),
					 0);
		}
	for (int step = 0; step < 20000; step++) {
		int a = (int)rng_below(&r, 2);
		uint64_t v = rng_below(&r, 256);
		unsigned what = (unsigned)rng_below(&r, 4);

		if (what == 0) {
			page_pattern(buf, a, v, ++ver[a][v]);
			assert_int_equal(vm_rw(as[a], v * 4096, buf, 4096, true),
					 0);
		} else if (what == 1) {
			vm_migrate(as[a], v, NULL);	/* may be absent */
		} else {
			assert_int_equal(vm_touch(as[a], v, what == 3,
						  NULL), 0);
		}
	}
	assert_true(g.vm.evictions > 1000);
	assert_true(g.vm.migrations > 100);
	for (int a = 0; a < 2; a++)
		for (uint64_t v = 0; v < 256; v++) {
			page_pattern(buf, a, v, ver[a][v]);
			assert_int_equal(vm_rw(as[a], v * 4096, got, 4096, false),
					 0);
			if (memcmp(buf, got, 4096))
				fail_msg("aspace %d page %llu lost its data", a,
					 (unsigned long long)v);
		}
	assert_true(frames_check(&g.vm.fr));
	rig_fini(&g);
}

/* Pinned pages keep their frames under heavy pressure. */
static void pinned_never_moved(void **state)
{
	struct rig g;
	struct aspace *dma, *hog;
	uint32_t pfn[16];
	struct rng r;

	(void)state;
	rig_init(&g, 64);
	dma = vm_aspace(&g.vm, 16);
	hog = vm_aspace(&g.vm, 512);
	assert_int_equal(vm_pin(dma, 0, 16 * 4096, true, NULL), 16);
	for (int v = 0; v < 16; v++)
		pfn[v] = dma->pte[v].pfn;
	rng_seed(&r, 4, "hog");
	for (int step = 0; step < 20000; step++) {
		assert_int_equal(vm_touch(hog, rng_below(&r, 512), true,
					  NULL), 0);
		if (step % 7 == 0) {
			assert_int_equal(vm_migrate(dma, rng_below(&r, 16), NULL),
					 DMASIM_EINVAL);
		}
	}
	assert_true(g.vm.evictions > 5000);
	for (int v = 0; v < 16; v++) {
		assert_true(dma->pte[v].flags & PTE_PRESENT);
		assert_int_equal(dma->pte[v].pfn, pfn[v]);
	}
	assert_true(g.vm.migrations_refused > 0);
	/* Unpinned, they can go. */
	vm_pin(dma, 0, 16 * 4096, false, NULL);
	assert_int_equal(vm_migrate(dma, 3, NULL), 0);
	assert_int_not_equal(dma->pte[3].pfn, pfn[3]);
	rig_fini(&g);
}

/* Everything pinned: a fault has nowhere to go and says so. */
static void all_pinned_is_an_error(void **state)
{
	struct rig g;
	struct aspace *a, *b;

	(void)state;
	rig_init(&g, 16);
	a = vm_aspace(&g.vm, 16);
	b = vm_aspace(&g.vm, 4);
	assert_int_equal(vm_pin(a, 0, 16 * 4096, true, NULL), 16);
	assert_int_equal(vm_touch(b, 0, false, NULL), DMASIM_ENOMEM);
	assert_non_null(strstr(vm_nomem_why(&g.vm), "pinned"));
	assert_int_equal(vm_touch(b, 9, false, NULL), DMASIM_ERANGE);
	rig_fini(&g);
}

/* Without a swap device a full memory cannot page: a fault past it is
 * an error that says so, and nothing was evicted; with one, the same
 * touch pages a victim out. */
static void no_swap_device_is_an_error(void **state)
{
	struct rig g;
	struct aspace *a;

	(void)state;
	for (int swap = 0; swap < 2; swap++) {
		rig_init_swap(&g, 16, swap);
		a = vm_aspace(&g.vm, 32);
		for (uint64_t v = 0; v < 16; v++)
			assert_int_equal(vm_touch(a, v, true, NULL), 0);
		assert_int_equal(vm_touch(a, 16, true, NULL),
				 swap ? 0 : DMASIM_ENOMEM);
		assert_int_equal(g.vm.evictions, swap ? 1 : 0);
		/* the victim's page-out, then the fresh frame's zero fill
		 * behind it */
		assert_int_equal(vm_swap_pending(&g.vm), swap ? 2 : 0);
		if (!swap)
			assert_non_null(strstr(vm_nomem_why(&g.vm),
					       "no swap device"));
		rig_fini(&g);
	}
}

/* SG lists merge physically adjacent pages. */
static void sg_merges_adjacent(void **state)
{
	struct rig g;
	struct aspace *a;
	struct vm_sg_seg seg[8];
	int n;

	(void)state;
	rig_init(&g, 64);
	a = vm_aspace(&g.vm, 8);
	/* Fresh memory hands out ascending frames: one segment. */
	n = vm_sg_build(a, 100, 4 * 4096, seg, 8, false);
	assert_int_equal(n, 1);
	assert_int_equal(seg[0].len, 4 * 4096);
	assert_int_equal(seg[0].pa, vm_pa(a, 100));
	/* Move page 1 away: three segments, lengths adding up. */
	assert_int_equal(vm_migrate(a, 1, NULL), 0);
	n = vm_sg_build(a, 100, 4 * 4096, seg, 8, false);
	assert_int_equal(n, 3);
	assert_int_equal(seg[0].len + seg[1].len + seg[2].len, 4 * 4096);
	assert_int_equal(seg[0].len, 4096 - 100);
	assert_int_equal(vm_sg_build(a, 0, 8 * 4096, seg, 1, false),
			 DMASIM_ERANGE);
	rig_fini(&g);
}

/* 2 MiB pages: one fault maps a whole aligned region from one block;
 * on fragmented memory the space falls back to 4 KiB pages. */
static void huge_pages(void **state)
{
	struct rig g;
	struct aspace *a;
	struct vm_sg_seg seg[4];

	(void)state;
	rig_init(&g, 2048);	/* 8 MiB */
	a = vm_aspace_huge(&g.vm, 1024);
	assert_int_equal(vm_touch(a, 7, true, NULL), 0);
	assert_int_equal(a->huge_faults, 1);
	assert_int_equal(a->faults, 1);
	assert_int_equal(a->resident, 512);
	assert_int_equal(vm_sg_build(a, 0, 2u << 20, seg, 4, false), 1);
	assert_int_equal(seg[0].len, 2u << 20);
	/* the block is 2 MiB-aligned in frame numbers */
	assert_int_equal(a->pte[0].pfn % 512, 0);
	rig_fini(&g);

	rig_init(&g, 2048);
	{
		uint32_t held[2048], n = 0;

		for (uint32_t p; (p = frames_alloc(&g.vm.fr, 0)) != FRAME_NONE;)
			held[n++] = p;
		for (uint32_t i = 0; i < n; i += 2)
			frames_free(&g.vm.fr, held[i], 0);
	}
	a = vm_aspace_huge(&g.vm, 1024);
	assert_int_equal(vm_touch(a, 7, true, NULL), 0);
	assert_int_equal(a->huge_faults, 0);
	assert_int_equal(a->resident, 1);
	rig_fini(&g);
}

/* Locality: with memory for the hot pages but not the whole set, a
 * workload whose touches favour a hot fifth faults far less than a
 * uniform one. */
static void locality_lowers_faults(void **state)
{
	uint64_t faults[2];

	(void)state;
	for (int k = 0; k < 2; k++) {
		struct rig g;
		struct aspace *a;
		struct workload w;
		struct workload_config wc = { .pages = 400, .touches = 20000,
					      .write_frac = 0.3,
					      .touch_cycles = 100,
					      .period = 1000,
					      .hot_frac = k ? 0.2 : 0,
					      .hot_prob = k ? 0.9 : 0 };

		rig_init(&g, 200);
		a = vm_aspace(&g.vm, 400);
		assert_int_equal(workload_start(&w, &g.sim, a, "w", &wc), 0);
		sim_run(&g.sim, UINT64_MAX);
		assert_true(w.done);
		assert_int_equal(w.touched, 20000);
		/* it waited for each batch of page transfers in turn */
		assert_true(g.swap.batches > 0);
		assert_true(w.end - w.start >= g.swap.batches * TSWAP_PS);
		faults[k] = w.faults;
		rig_fini(&g);
	}
	/* uniform: about half the touches miss (200 of 400 pages fit) */
	assert_true(faults[0] > 8000);
	assert_true(faults[1] * 4 < faults[0]);
}

/* Programs on one shared CPU take turns: two programs of 1000 touches of
 * 100 cycles over 10 pages (10 cold faults of 1000 cycles, no swap I/O)
 * each need 110,000 cycles: 110 us apiece on cores of their own (which
 * make no stores: their zero fills are untimed).  On one 1 GHz CPU each
 * cold fault's handler also zero-fills its frame by 64 stores of 64
 * bytes, 8 bus cycles each (an 8-byte bus, memory without latency):
 * 20 x 64 x 8 = 10,240 cycles more, 230,240 for the pair, the CPU busy
 * all that time. */
static void workloads_share_a_cpu(void **state)
{
	uint64_t end[2];

	(void)state;
	for (int shared = 0; shared < 2; shared++) {
		struct rig g;
		struct cpu cpu;
		struct cpu_config cc = { .period = 1000, .cpi = 1, .word = 4 };
		struct workload w[2];

		rig_init(&g, 64);
		assert_int_equal(cpu_init(&cpu, &g.sim, &g.bus, "cpu", &cc,
					  BUS_MODE_BURST, 0), 0);
		for (int i = 0; i < 2; i++) {
			struct workload_config wc = { .pages = 10,
				.touches = 1000, .touch_cycles = 100,
				.period = 1000, .cpu = shared ? &cpu : NULL };

			assert_int_equal(workload_start(&w[i], &g.sim,
				vm_aspace(&g.vm, 10), i ? "b" : "a", &wc), 0);
		}
		sim_run(&g.sim, UINT64_MAX);
		assert_true(w[0].done && w[1].done);
		end[shared] = w[0].end > w[1].end ? w[0].end : w[1].end;
		if (shared)
			assert_int_equal(cpu_busy_cycles(&cpu),
					 220000 + 20 * 64 * 8);
		rig_fini(&g);
	}
	assert_int_equal(end[0], 110000ull * 1000);
	assert_int_equal(end[1], (220000ull + 20 * 64 * 8) * 1000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(buddy_coalesces_back),
		cmocka_unit_test(buddy_random_run),
		cmocka_unit_test(data_intact_under_pressure),
		cmocka_unit_test(swap_slots_reused),
		cmocka_unit_test(pinned_never_moved),
		cmocka_unit_test(no_swap_device_is_an_error),
		cmocka_unit_test(all_pinned_is_an_error),
		cmocka_unit_test(sg_merges_adjacent),
		cmocka_unit_test(huge_pages),
		cmocka_unit_test(locality_lowers_faults),
		cmocka_unit_test(workloads_share_a_cpu),
	};

	return cmocka_run_group_tests_name("/os", tests, NULL, NULL);
}
