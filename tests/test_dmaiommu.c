/*
 * /os/dmaiommu: the mapping API through an IOMMU (os/dmaiommu.h), at the
 * boundary of a flush.  Lazy: the first flush_max - 1 unmaps leave the
 * IOTLB alone, so a device still reaches the freed pages through their
 * old I/O addresses and nothing is flushed; the flush_max-th unmap
 * flushes the domain and the same accesses fault.  With a timeout T, an
 * access just before T after the first unmap still goes through and one
 * just after faults.  Strict: every unmap invalidates at once.
 *
 * Bus A: 1 GHz, 8 bytes, 8 MiB of memory answering in 10 ns; bus B: the
 * device's, 1 GHz, 8 bytes; the bridge forwards B's [0, 8 MiB) to A.
 * Page tables at 0x80000, I/O addresses from 1 MiB, buffers one page
 * each from 4 MiB.
 */
#include <stdlib.h>
#include <string.h>

#include "iommu_rig.h"
#include "os/dmaiommu.h"
#include "os/dmamap.h"

#define BUF 0x400000ull
#define NS 1000ull

struct rig {
	struct io_rig g;
	struct dma_dev d;
	struct cache_cost cost;
};

static void rig_init(struct rig *r, bool lazy, uint32_t flush_max,
		     uint64_t flush_timeout)
{
	struct iommu_config ic = { .entries = 64, .max_faults = 16 };
	struct dmamap_config dc = { .mask = ~0ull };
	struct dmaiommu_config mic = {
		.pt_base = 0x80000, .pt_size = 64 << 10,
		.iova_base = 1 << 20, .iova_size = 1 << 20,
		.lazy = lazy, .flush_max = flush_max,
		.flush_timeout = flush_timeout,
		.alloc = 200, .pte = 20, .inval = 2000,
	};

	memset(r, 0, sizeof(*r));
	io_rig_init(&r->g, 8 << 20, &ic);
	assert_int_equal(dmamap_init(&r->d, &r->g.a, NULL, NULL, "nic", &dc),
			 0);
	assert_int_equal(dmaiommu_attach(&r->d, &r->g.io, &r->g.dev.m,
					 &r->g.mem, &r->g.sim, &mic), 0);
	iommu_enable(&r->g.io, true);
}

static void rig_fini(struct rig *r)
{
	dmamap_fini(&r->d);
	io_rig_fini(&r->g);
}

/* The device writes 8 bytes of v at iova; everything runs out. */
static void dev_write(struct rig *r, uint64_t iova, uint8_t v)
{
	uint8_t w[8];

	memset(w, v, 8);
	xm_start(&r->g.dev, iova, w, 8, true);
	sim_run(&r->g.sim, UINT64_MAX);
}

/* The device reads 8 bytes at iova, started now and given until `until`
 * (a pending flush timer must not fire first).  Returns the status. */
static int dev_read(struct rig *r, uint64_t iova, uint8_t *got,
		    uint64_t until)
{
	int n = r->g.dev.ndone;

	xm_start(&r->g.dev, iova, got, 8, false);
	sim_run(&r->g.sim, until);
	assert_int_equal(r->g.dev.ndone, n + 1);
	return r->g.dev.status;
}

static void nothing(struct sim *sim, struct event *ev)
{
	(void)sim;
	(void)ev;
}

/* Let time run to t even if nothing else is queued by then. */
static void run_to(struct rig *r, uint64_t t)
{
	assert_non_null(sim_at(&r->g.sim, t, PHASE_REQUEST, nothing, r, NULL,
			       0));
	sim_run(&r->g.sim, t);
	assert_int_equal(r->g.sim.now, t);
}

static void check_bytes(struct rig *r, uint64_t pa, uint8_t v)
{
	uint8_t got[8];

	memory_read(&r->g.mem, pa, got, 8);
	for (int i = 0; i < 8; i++)
		if (got[i] != v)
			fail_msg("byte %d at %#llx: %#x, want %#x", i,
				 (unsigned long long)pa, got[i], v);
}

static uint64_t map(struct rig *r, uint64_t pa, enum dma_dir dir)
{
	uint64_t dma = dmamap_map_single(&r->d, pa, 4096, dir, &r->cost);

	assert_false(dmamap_mapping_error(&r->d, dma));
	return dma;
}

/* flush_max = 4, no timeout.  Three unmaps: no flush, no invalidation,
 * the device's writes through the three freed I/O addresses hit their
 * stale IOTLB entries and land in the old pages, and the addresses stay
 * taken (a new mapping gets another).  The fourth unmap flushes once
 * (one domain invalidation) and the same writes all fault, changing
 * nothing; the addresses are free again. */
static void lazy_flush_max(void **state)
{
	struct rig r;
	uint64_t iova[4], extra, again;
	struct dmaiommu *m;

	(void)state;
	rig_init(&r, true, 4, 0);
	m = r.d.iommu;
	for (int k = 0; k < 4; k++) {
		iova[k] = map(&r, BUF + k * 4096ull, DMA_FROM_DEVICE);
		dev_write(&r, iova[k], 0x11);
		check_bytes(&r, BUF + k * 4096ull, 0x11);
	}
	assert_int_equal(r.g.io.misses, 4);
	for (int k = 0; k < 3; k++) {
		dmamap_unmap_single(&r.d, iova[k], 4096, DMA_FROM_DEVICE,
				    &r.cost);
		assert_int_equal(m->nfq, k + 1);
	}
	assert_int_equal(m->unmaps, 3);
	assert_int_equal(m->flushes, 0);
	assert_int_equal(m->invalidations, 0);
	assert_int_equal(r.g.io.invalidations, 0);
	for (int k = 0; k < 3; k++) {
		dev_write(&r, iova[k], 0x22);
		check_bytes(&r, BUF + k * 4096ull, 0x22);  /* the freed page */
	}
	assert_int_equal(r.g.io.faults, 0);
	assert_int_equal(r.g.io.hits, 3);
	assert_int_equal(r.g.io.misses, 4);
	extra = map(&r, BUF + 8 * 4096ull, DMA_FROM_DEVICE);
	for (int k = 0; k < 4; k++)
		assert_true(extra != iova[k]);

	dmamap_unmap_single(&r.d, iova[3], 4096, DMA_FROM_DEVICE, &r.cost);
	assert_int_equal(m->nfq, 0);
	assert_int_equal(m->flushes, 1);
	assert_int_equal(m->invalidations, 1);
	assert_int_equal(r.g.io.invalidations, 1);
	for (int k = 0; k < 4; k++) {
		dev_write(&r, iova[k], 0x33);
		check_bytes(&r, BUF + k * 4096ull, k < 3 ? 0x22 : 0x11);
		assert_int_equal(r.g.io.faults, k + 1);
		assert_int_equal(r.g.io.log[k].reason, IOMMU_FAULT_NOT_PRESENT);
		assert_int_equal(r.g.io.log[k].iova, iova[k]);
	}
	/* the extra mapping lost nothing to the domain's invalidation */
	dev_write(&r, extra, 0x44);
	check_bytes(&r, BUF + 8 * 4096ull, 0x44);
	assert_int_equal(r.g.io.faults, 4);
	again = map(&r, BUF + 9 * 4096ull, DMA_FROM_DEVICE);
	assert_int_equal(again, iova[0]);	/* first fit: freed by the flush */
	dmamap_unmap_single(&r.d, again, 4096, DMA_FROM_DEVICE, &r.cost);
	dmamap_unmap_single(&r.d, extra, 4096, DMA_FROM_DEVICE, &r.cost);
	rig_fini(&r);
}

/* A 10 us timeout, flush_max far off.  Buffer 0 unmapped at t0, buffer
 * 1 at t0 + 5 us (the timer runs from the first).  Reads through both,
 * started 50 and 30 ns before t0 + T and done in 20 ns each, come back
 * with the data; at t0 + T the
 * queue is flushed once, each entry having waited its time; reads
 * started 1 ns after fault. */
static void lazy_timeout(void **state)
{
	const uint64_t T = 10000 * NS;
	struct rig r;
	uint64_t iova[2], t0;
	uint8_t got[8];
	struct dmaiommu *m;

	(void)state;
	rig_init(&r, true, 256, T);
	m = r.d.iommu;
	for (int k = 0; k < 2; k++) {
		memory_write(&r.g.mem, BUF + k * 4096ull,
			     k ? "stale-B!" : "stale-A!", 8);
		iova[k] = map(&r, BUF + k * 4096ull, DMA_BIDIRECTIONAL);
		assert_int_equal(dev_read(&r, iova[k], got, UINT64_MAX),
				 BUS_OK);
	}
	t0 = r.g.sim.now;
	dmamap_unmap_single(&r.d, iova[0], 4096, DMA_BIDIRECTIONAL, &r.cost);
	run_to(&r, t0 + T / 2);
	dmamap_unmap_single(&r.d, iova[1], 4096, DMA_BIDIRECTIONAL, &r.cost);

	run_to(&r, t0 + T - 50 * NS);
	for (int k = 0; k < 2; k++) {
		memset(got, 0, 8);
		assert_int_equal(dev_read(&r, iova[k], got,
					  r.g.sim.now + 20 * NS), BUS_OK);
		assert_memory_equal(got, k ? "stale-B!" : "stale-A!", 8);
	}
	assert_int_equal(m->flushes, 0);
	assert_int_equal(r.g.io.invalidations, 0);
	assert_int_equal(r.g.io.faults, 0);

	run_to(&r, t0 + T + 1 * NS);
	assert_int_equal(m->flushes, 1);
	assert_int_equal(m->invalidations, 1);
	assert_int_equal(r.g.io.invalidations, 1);
	assert_int_equal(m->stale_max_ps, T);
	assert_int_equal(m->stale_ps, T + T / 2);
	for (int k = 0; k < 2; k++) {
		assert_int_equal(dev_read(&r, iova[k], got, UINT64_MAX),
				 BUS_ERR_SLAVE);
		assert_int_equal(r.g.io.log[k].reason, IOMMU_FAULT_NOT_PRESENT);
		assert_true(r.g.io.log[k].time > t0 + T);
	}
	assert_int_equal(r.g.io.faults, 2);
	assert_int_equal(m->flushes, 1);	/* the timer fired once */
	rig_fini(&r);
}

/* Strict: each unmap invalidates its range at once (no flush queue): a
 * write right after faults and changes nothing, the other mappings keep
 * translating from the IOTLB, and the I/O address is free at once. */
static void strict_every_unmap(void **state)
{
	struct rig r;
	uint64_t iova[3], again;
	struct dmaiommu *m;

	(void)state;
	rig_init(&r, false, 0, 0);
	m = r.d.iommu;
	for (int k = 0; k < 3; k++) {
		iova[k] = map(&r, BUF + k * 4096ull, DMA_FROM_DEVICE);
		dev_write(&r, iova[k], 0x11);
	}
	for (int k = 0; k < 3; k++) {
		uint64_t hits = r.g.io.hits;

		dmamap_unmap_single(&r.d, iova[k], 4096, DMA_FROM_DEVICE,
				    &r.cost);
		assert_int_equal(m->invalidations, k + 1);
		assert_int_equal(r.g.io.invalidations, k + 1);
		assert_int_equal(m->nfq, 0);
		dev_write(&r, iova[k], 0x55);
		check_bytes(&r, BUF + k * 4096ull, 0x11);
		assert_int_equal(r.g.io.faults, k + 1);
		assert_int_equal(r.g.io.log[k].reason, IOMMU_FAULT_NOT_PRESENT);
		for (int j = k + 1; j < 3; j++) {
			dev_write(&r, iova[j], 0x11);
			assert_int_equal(r.g.io.hits, ++hits);
		}
	}
	assert_int_equal(m->flushes, 0);
	assert_int_equal(m->stale_max_ps, 0);
	again = map(&r, BUF + 5 * 4096ull, DMA_FROM_DEVICE);
	assert_int_equal(again, iova[0]);
	dmamap_unmap_single(&r.d, again, 4096, DMA_FROM_DEVICE, &r.cost);
	rig_fini(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(lazy_flush_max),
		cmocka_unit_test(lazy_timeout),
		cmocka_unit_test(strict_every_unmap),
	};

	return cmocka_run_group_tests_name("/os/dmaiommu", tests, NULL, NULL);
}
