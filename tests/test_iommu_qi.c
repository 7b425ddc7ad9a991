/*
 * /hw/iommu_qi: the invalidation queue (hw/iommu_qi.h).  Descriptors are
 * written by hand into simulated memory and the tail register written; the
 * IOMMU fetches each by a memory read, carries it out, and a wait
 * descriptor writes its status word.  Bus A: 1 GHz, 8 bytes, memory
 * answering in 10 ns; the device on bus B behind the bridge and IOMMU.
 * Page tables: IOVA 0x10000 -> 0x40000 and IOVA 0x11000 -> 0x50000.
 * Also: requests marked translated (ATS), trusted or not.
 */
#include <string.h>

#include "hw/iommu_qi.h"
#include "iommu_rig.h"
#include "kernel/util.h"

#define ROOT 0x80000ull
#define RING 0x90000ull
#define STATUS 0x91000ull
#define REGS 0x700000ull

struct rig {
	struct io_rig g;
	struct iommu_qi q;
	int dom;
};

static void put(struct rig *r, uint64_t at, uint64_t v, unsigned n)
{
	uint8_t b[8];

	util_le_put(b, v, n);
	memory_write(&r->g.mem, at, b, n);
}

static uint64_t get(struct rig *r, uint64_t at, unsigned n)
{
	uint8_t b[8];

	memory_read(&r->g.mem, at, b, n);
	return util_le_get(b, n);
}

static void rig_init(struct rig *r)
{
	struct iommu_config ic = { .entries = 8, .max_faults = 16 };
	const uint64_t rw = IOMMU_PTE_R | IOMMU_PTE_W;

	memset(r, 0, sizeof(*r));
	io_rig_init(&r->g, 4 << 20, &ic);
	assert_int_equal(iommu_qi_init(&r->q, &r->g.io, REGS, 2), 0);
	put(r, ROOT, 0x81000 | rw, 8);
	put(r, 0x81000, 0x82000 | rw, 8);
	put(r, 0x82000 + 0x10 * 8, 0x40000 | rw, 8);
	put(r, 0x82000 + 0x11 * 8, 0x50000 | rw, 8);
	iommu_enable(&r->g.io, true);
	r->dom = iommu_domain_new(&r->g.io, ROOT, false);
	assert_int_equal(iommu_attach_device(&r->g.io, &r->g.dev.m, r->dom), 0);
}

static void rig_fini(struct rig *r)
{
	io_rig_fini(&r->g);
}

static void reg(struct rig *r, uint64_t off, uint32_t v)
{
	uint8_t b[4];

	util_le_put(b, v, 4);
	assert_int_equal(r->q.regs.ops->access(&r->q.regs, off, b, 4, true),
			 0);
}

static void desc(struct rig *r, unsigned i, uint32_t type, uint32_t dom,
		 uint64_t addr, uint64_t len)
{
	uint64_t at = RING + (uint64_t)i * IOMMU_QI_DESC;

	put(r, at, type, 4);
	put(r, at + 4, dom, 4);
	put(r, at + 8, addr, 8);
	put(r, at + 16, len, 8);
}

static void touch(struct rig *r, uint64_t iova)
{
	uint8_t w[8] = { 0 };

	xm_start(&r->g.dev, iova, w, 8, true);
	sim_run(&r->g.sim, UINT64_MAX);
}

/* A range invalidation and a wait: the IOTLB entry of the first page goes
 * (its next access misses again), the other's stays (a hit); the status
 * word is written, the head reaches the tail, and it took two descriptor
 * reads and the status write of memory time (3 x 10 ns at least). */
static void range_then_wait(void **state)
{
	struct rig r;
	uint64_t t0, misses;

	(void)state;
	rig_init(&r);
	touch(&r, 0x10000);
	touch(&r, 0x11000);
	misses = r.g.io.misses;
	assert_int_equal(misses, 2);
	reg(&r, IOMMU_QI_IQA, (uint32_t)RING);
	reg(&r, IOMMU_QI_IQS, 8);
	desc(&r, 0, IOMMU_QI_RANGE, (uint32_t)r.dom, 0x10000, 4096);
	desc(&r, 1, IOMMU_QI_WAIT, 77, STATUS, 0);
	t0 = r.g.sim.now;
	reg(&r, IOMMU_QI_IQT, 2);
	assert_int_equal(get(&r, STATUS, 4), 0);	/* not yet */
	sim_run(&r.g.sim, UINT64_MAX);
	assert_int_equal(get(&r, STATUS, 4), 77);
	assert_true(r.g.sim.now - t0 >= 3 * 10000);
	assert_int_equal(r.q.head, 2);
	assert_int_equal(r.q.descriptors, 2);
	assert_int_equal(r.q.waits, 1);
	assert_int_equal(r.q.errors, 0);
	touch(&r, 0x11000);
	assert_int_equal(r.g.io.misses, misses);		/* kept */
	touch(&r, 0x10000);
	assert_int_equal(r.g.io.misses, misses + 1);	/* invalidated */
	rig_fini(&r);
}

/* Nothing happens before the tail is written; the ring wraps; a domain
 * invalidation drops both entries; an unknown type and a tail beyond the
 * ring are counted as errors. */
static void wrap_domain_and_errors(void **state)
{
	struct rig r;

	(void)state;
	rig_init(&r);
	touch(&r, 0x10000);
	touch(&r, 0x11000);
	reg(&r, IOMMU_QI_IQA, (uint32_t)RING);
	reg(&r, IOMMU_QI_IQS, 2);
	desc(&r, 0, 99, 0, 0, 0);
	desc(&r, 1, IOMMU_QI_DOMAIN, (uint32_t)r.dom, 0, 0);
	sim_run(&r.g.sim, UINT64_MAX);
	assert_int_equal(r.q.descriptors, 0);
	reg(&r, IOMMU_QI_IQT, 1);
	sim_run(&r.g.sim, UINT64_MAX);
	assert_int_equal(r.q.errors, 1);
	reg(&r, IOMMU_QI_IQT, 0);		/* wraps: index 1 fetched */
	sim_run(&r.g.sim, UINT64_MAX);
	assert_int_equal(r.q.head, 0);
	assert_int_equal(r.q.descriptors, 2);
	touch(&r, 0x10000);
	touch(&r, 0x11000);
	assert_int_equal(r.g.io.misses, 4);
	reg(&r, IOMMU_QI_IQT, 5);		/* beyond the ring */
	assert_int_equal(r.q.errors, 2);
	rig_fini(&r);
}

/* The device writes 8 bytes of 9 at 0x300000 marked translated. */
static void write_translated(struct rig *r)
{
	static uint8_t w[8] = { 9, 9, 9, 9, 9, 9, 9, 9 };

	xact_init(&r->g.dev.x, 0x300000, w, 8, true, &r->g.dev.m, xm_done,
		  &r->g.dev);
	r->g.dev.x.translated = true;
	xact_start(&r->g.dev.m, &r->g.dev.x);
	sim_run(&r->g.sim, UINT64_MAX);
}

/* A request marked translated (ATS) from a device the IOMMU does not trust
 * faults (reason TRANSLATED) and changes no byte; once trusted, the same
 * request reaches its physical address unchecked, though no mapping
 * covers it. */
static void translated_requests(void **state)
{
	struct rig r;

	(void)state;
	rig_init(&r);
	write_translated(&r);
	assert_int_equal(r.g.io.faults, 1);
	assert_int_equal(r.g.io.log[0].reason, IOMMU_FAULT_TRANSLATED);
	assert_int_equal(get(&r, 0x300000, 8), 0);
	assert_int_equal(iommu_trust_ats(&r.g.io, &r.g.dev.m, true), 0);
	write_translated(&r);
	assert_int_equal(r.g.io.faults, 1);
	assert_int_equal(get(&r, 0x300000, 8), 0x0909090909090909ull);
	rig_fini(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(range_then_wait),
		cmocka_unit_test(wrap_domain_and_errors),
		cmocka_unit_test(translated_requests),
	};

	return cmocka_run_group_tests_name("/hw/iommu_qi", tests, NULL, NULL);
}
