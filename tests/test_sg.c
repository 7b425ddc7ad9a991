/*
 * /hw/dma/sg: scatter-gather chains walked by the engine.  Every segment
 * count from 1 to 64 with random segment sizes delivers exactly the bytes
 * a contiguous copy would, guard patterns around every segment untouched;
 * every malformed chain ends as a reported DMA error naming the bad
 * descriptor, never a crash or a hang.  Tests touch only registers and
 * memory, as a driver would.
 */
#include <string.h>

#include "hw/dma.h"
#include "hw/memory.h"
#include "kernel/rng.h"
#include "testutil.h"

#define REGS 0x40000000ull
#define GUARD 64

struct rig {
	struct sim sim;
	struct bus bus;
	struct memory mem;
	struct dma_engine dma;
};

static void rig_init(struct rig *g, uint64_t desc_cycles, uint64_t fence)
{
	struct bus_config bc = { .period = 1000, .width = 8 };
	struct memory_config mc = { .size = 16u << 20, .latency = 20000 };
	struct dma_config dc = { .channels = 1, .base = REGS, .burst = 64,
				 .desc_cycles = desc_cycles,
				 .fence_cycles = fence,
				 .mode = BUS_MODE_CYCLE_STEAL };

	assert_int_equal(sim_init(&g->sim, 1), 0);
	assert_int_equal(bus_init(&g->bus, &g->sim, "bus", &bc), 0);
	assert_int_equal(memory_init(&g->mem, &g->sim, &g->bus, "mem", 0, &mc),
			 0);
	assert_int_equal(dma_engine_init(&g->dma, &g->sim, &g->bus, "dma", &dc),
			 0);
}

static void rig_fini(struct rig *g)
{
	dma_engine_fini(&g->dma);
	memory_fini(&g->mem);
	bus_fini(&g->bus);
	sim_fini(&g->sim);
}

static void reg_write(struct rig *g, uint64_t off, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16),
			 (uint8_t)(v >> 24) };

	assert_int_equal(bus_xact_data(&g->bus, REGS + off, b, 4, true), 0);
}

static uint32_t reg_read(struct rig *g, uint64_t off)
{
	uint8_t b[4];

	assert_int_equal(bus_xact_data(&g->bus, REGS + off, b, 4, false), 0);
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
	       (uint32_t)b[3] << 24;
}

static void put_desc(struct rig *g, uint64_t at, uint64_t src, uint64_t dst,
		     uint32_t len, uint32_t flags, uint64_t next)
{
	uint8_t d[DMA_DESC_SIZE];

	for (int i = 0; i < 8; i++) {
		d[DMA_DESC_SRC + i] = (uint8_t)(src >> (8 * i));
		d[DMA_DESC_DST + i] = (uint8_t)(dst >> (8 * i));
		d[DMA_DESC_NEXT + i] = (uint8_t)(next >> (8 * i));
	}
	for (int i = 0; i < 4; i++) {
		d[DMA_DESC_LEN + i] = (uint8_t)(len >> (8 * i));
		d[DMA_DESC_CTRL + i] = (uint8_t)(flags >> (8 * i));
	}
	assert_int_equal(memory_write(&g->mem, at, d, sizeof(d)), 0);
}

/* Start the chain at desc and run to completion; returns STATUS. */
static uint32_t run_chain(struct rig *g, uint64_t desc)
{
	reg_write(g, DMA_REG_DESC_LO, (uint32_t)desc);
	reg_write(g, DMA_REG_DESC_HI, (uint32_t)(desc >> 32));
	reg_write(g, DMA_REG_CTRL, DMA_CTRL_CHAIN | DMA_CTRL_START);
	sim_run(&g->sim, UINT64_MAX);
	return reg_read(g, DMA_REG_STATUS);
}

static void fill(struct rig *g, uint64_t at, uint64_t len, uint8_t seed)
{
	uint8_t b[4096];

	for (uint64_t done = 0; done < len;) {
		uint64_t n = len - done < sizeof(b) ? len - done : sizeof(b);

		for (uint64_t i = 0; i < n; i++)
			b[i] = (uint8_t)(seed + (done + i) * 7 + ((done + i) >> 8));
		memory_write(&g->mem, at + done, b, n);
		done += n;
	}
}

/* n segments of random sizes gather a source into scattered destinations
 * with guards: for every n from 1 to 64. */
static void segments_1_to_64(void **state)
{
	struct rng r;

	(void)state;
	rng_seed(&r, 11, "sg");
	for (int n = 1; n <= 64; n++) {
		struct rig g;
		uint64_t src = 0x100000, dst = 0x400000, desc = 0x10000;
		uint64_t seg_at[64], seg_len[64], total = 0;
		uint8_t a[4096], b[4096], guard[GUARD];

		rig_init(&g, 5, 3);
		for (int i = 0; i < n; i++) {
			seg_len[i] = 1 + rng_below(&r, 3000);
			/* the destination segment, a guard on each side */
			seg_at[i] = dst + GUARD;
			dst += GUARD + seg_len[i] + GUARD + rng_below(&r, 100);
			total += seg_len[i];
		}
		fill(&g, src, total, (uint8_t)n);
		/* guards everywhere in the destination area */
		memset(guard, 0xA5, sizeof(guard));
		for (uint64_t at = 0x400000; at < dst; at += GUARD)
			memory_write(&g.mem, at, guard, GUARD);
		for (int i = 0, off = 0; i < n; i++) {
			put_desc(&g, desc + (uint64_t)i * DMA_DESC_SIZE,
				 src + (uint64_t)off, seg_at[i],
				 (uint32_t)seg_len[i], 0,
				 i + 1 < n ? desc + (uint64_t)(i + 1) *
				 DMA_DESC_SIZE : 0);
			off += (int)seg_len[i];
		}
		assert_int_equal(run_chain(&g, desc) &
				 (DMA_STATUS_DONE | DMA_STATUS_ERROR),
				 DMA_STATUS_DONE);
		assert_int_equal(reg_read(&g, DMA_REG_DONE_COUNT), n);
		/* every segment holds its slice of the source */
		for (int i = 0, off = 0; i < n; i++) {
			memory_read(&g.mem, src + (uint64_t)off, a, seg_len[i]);
			memory_read(&g.mem, seg_at[i], b, seg_len[i]);
			if (memcmp(a, b, seg_len[i]))
				fail_msg("n=%d: segment %d differs", n, i);
			off += (int)seg_len[i];
		}
		/* every byte outside the segments is still the guard */
		for (uint64_t at = 0x400000; at < dst; at++) {
			bool inside = false;
			uint8_t v;

			for (int i = 0; i < n && !inside; i++)
				inside = at >= seg_at[i] &&
					 at < seg_at[i] + seg_len[i];
			if (inside)
				continue;
			memory_read(&g.mem, at, &v, 1);
			if (v != 0xA5 && at < 0x400000 + ((dst - 0x400000) /
							  GUARD) * GUARD)
				fail_msg("n=%d: byte at %#llx outside the "
					 "segments changed", n,
					 (unsigned long long)at);
		}
		/* each descriptor's status was written back DONE */
		for (int i = 0; i < n; i++) {
			uint8_t c[4];

			memory_read(&g.mem, desc + (uint64_t)i * DMA_DESC_SIZE +
				    DMA_DESC_CTRL, c, 4);
			assert_true(c[3] & 0x40);	/* DONE, bit 30 */
		}
		rig_fini(&g);
	}
}

/* The engine's time for n segments exceeds one contiguous descriptor's
 * by (n-1)*(d + f) with d the per-descriptor cost: here fetch (20 + 4),
 * processing 5, write-back (20 + 1) = 50 cycles, and f = 3. */
static void overhead_is_per_descriptor(void **state)
{
	uint64_t t[2];
	int ns[2] = { 1, 8 };

	(void)state;
	for (int k = 0; k < 2; k++) {
		struct rig g;
		int n = ns[k];
		uint64_t seg = 4096 / (uint64_t)n;

		rig_init(&g, 5, 3);
		for (int i = 0; i < n; i++)
			put_desc(&g, 0x10000 + (uint64_t)i * DMA_DESC_SIZE,
				 0x100000 + (uint64_t)i * seg,
				 0x400000 + (uint64_t)i * 2 * seg, (uint32_t)seg,
				 0, i + 1 < n ? 0x10000 + (uint64_t)(i + 1) *
				 DMA_DESC_SIZE : 0);
		run_chain(&g, 0x10000);
		t[k] = (g.dma.chan[0].done_at - g.dma.chan[0].started_at) / 1000;
		rig_fini(&g);
	}
	assert_int_equal(t[1] - t[0], 7 * (50 + 3));
}

struct bad_case {
	const char *what;
	unsigned code;
};

/* Each malformed chain: the error code, and the failing descriptor in
 * ERR_DESC. */
static void malformed_chains(void **state)
{
	static const struct bad_case cases[] = {
		{ "loop", DMA_ERR_LOOP },
		{ "self loop", DMA_ERR_LOOP },
		{ "length past the end of memory", DMA_ERR_RANGE },
		{ "unmapped buffer", DMA_ERR_RANGE },
		{ "unmapped descriptor", DMA_ERR_DESC },
		{ "misaligned descriptor", DMA_ERR_ALIGN },
		{ "zero length", DMA_ERR_BADDESC },
	};

	(void)state;
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		struct rig g;
		uint64_t a = 0x10000, b = 0x10020, c = 0x10040, bad = b;
		uint32_t st;

		rig_init(&g, 0, 0);
		/* a good first descriptor, then the bad one */
		put_desc(&g, a, 0x100000, 0x200000, 256, 0, b);
		switch (k) {
		case 0:	/* b -> c -> b */
			put_desc(&g, b, 0x100000, 0x300000, 256, 0, c);
			put_desc(&g, c, 0x100000, 0x300100, 256, 0, b);
			bad = b;
			break;
		case 1:
			put_desc(&g, b, 0x100000, 0x300000, 256, 0, b);
			break;
		case 2:	/* memory is 16 MiB */
			put_desc(&g, b, 0x100000, (16u << 20) - 100, 256, 0, 0);
			break;
		case 3:
			put_desc(&g, b, 0x7000000000ull, 0x300000, 256, 0, 0);
			break;
		case 4:
			put_desc(&g, a, 0x100000, 0x200000, 256, 0,
				 0x7000000000ull);
			bad = 0x7000000000ull;
			break;
		case 5:
			put_desc(&g, a, 0x100000, 0x200000, 256, 0, b + 8);
			bad = b + 8;
			break;
		case 6:
			put_desc(&g, b, 0x100000, 0x300000, 0, 0, 0);
			break;
		}
		st = run_chain(&g, a);
		if (!(st & DMA_STATUS_ERROR) ||
		    DMA_STATUS_CODE(st) != cases[k].code)
			fail_msg("%s: status %#x, want error %u", cases[k].what,
				 st, cases[k].code);
		assert_false(st & DMA_STATUS_BUSY);
		assert_int_equal(reg_read(&g, DMA_REG_ERR_DESC_LO),
				 (uint32_t)bad);
		assert_int_equal(reg_read(&g, DMA_REG_ERR_DESC_HI),
				 (uint32_t)(bad >> 32));
		/* the good descriptor before it completed (except when the
		 * loop's first lap completed more) */
		assert_true(reg_read(&g, DMA_REG_DONE_COUNT) >= 1);
		assert_int_equal(g.dma.chan[0].errors, 1);
		rig_fini(&g);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(segments_1_to_64),
		cmocka_unit_test(overhead_is_per_descriptor),
		cmocka_unit_test(malformed_chains),
	};

	return cmocka_run_group_tests_name("/hw/dma/sg", tests, NULL, NULL);
}
