/*
 * /hw/memory: sparse DRAM with real bytes, its timing as a bus target, and
 * the bus address map that routes transactions to it.  The bus runs at
 * 1 GHz (one cycle = 1000 ps) with 8-byte beats unless a case says
 * otherwise.
 */
#include <stdlib.h>
#include <string.h>

#include "hw/bus.h"
#include "hw/memory.h"
#include "testutil.h"

#define KiB 1024ull
#define MiB (1024ull * KiB)
#define GiB (1024ull * MiB)
#define TEST(path, fn) { path, fn, NULL, NULL, NULL }

struct rig {
	struct sim sim;
	struct bus bus;
};

static void rig_init(struct rig *r, uint32_t width)
{
	struct bus_config cfg = { .period = 1000, .arb = BUS_ARB_ROUND_ROBIN,
				  .width = width };

	assert_int_equal(sim_init(&r->sim, 1), 0);
	assert_int_equal(bus_init(&r->bus, &r->sim, "bus", &cfg), 0);
}

static void rig_fini(struct rig *r)
{
	bus_fini(&r->bus);
	sim_fini(&r->sim);
}

static void mem_new(struct rig *r, struct memory *m, const char *name,
		    uint64_t base, uint64_t size, uint64_t latency,
		    double bandwidth)
{
	struct memory_config cfg = { .size = size, .latency = latency,
				     .bandwidth = bandwidth };

	assert_int_equal(memory_init(m, &r->sim, &r->bus, name, base, &cfg),
			 0);
}

/* Deterministic bytes that differ from zero and from each other often. */
static void fill(uint8_t *p, size_t n, uint32_t seed)
{
	uint32_t x = seed * 2654435761u + 1;

	for (size_t i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		p[i] = (uint8_t)(x >> 24);
	}
}

static bool all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

/*
 * A 64 GiB memory takes no chunks until written: reading anywhere gives
 * zeros and allocates nothing; one byte written costs one 64 KiB chunk.
 */
static void sparse(void **state)
{
	struct rig r;
	struct memory m;
	uint8_t *buf = malloc(MiB);
	uint8_t b = 0x5a, back = 0;

	(void)state;
	assert_non_null(buf);
	rig_init(&r, 8);
	mem_new(&r, &m, "dram", 0, 64 * GiB, 0, 0);
	assert_int_equal(m.nregions, 64);	/* 64 GiB / 1 GiB */
	assert_int_equal(m.chunks, 0);
	memset(buf, 0xff, MiB);
	memory_read(&m, 40 * GiB + 123, buf, MiB);
	assert_true(all_zero(buf, MiB));
	memset(buf, 0xff, MiB);
	assert_int_equal(bus_xact_data(&r.bus, 64 * GiB - MiB, buf, MiB, false),
			 BUS_OK);
	assert_true(all_zero(buf, MiB));
	assert_int_equal(m.chunks, 0);
	/* The hash of untouched memory is the hash of zeros. */
	memset(buf, 0, MiB);
	assert_int_equal(memory_write(&m, 7 * GiB, buf, MiB), 0);
	assert_int_equal(m.chunks, MiB / MEM_CHUNK);	/* 16 */
	assert_int_equal(memory_hash(&m, 7 * GiB, MiB),
			 memory_hash(&m, 9 * GiB, MiB));
	assert_int_equal(memory_write(&m, 63 * GiB + 5, &b, 1), 0);
	assert_int_equal(m.chunks, 16 + 1);
	memory_read(&m, 63 * GiB + 5, &back, 1);
	assert_int_equal(back, 0x5a);
	memory_read(&m, 63 * GiB + 4, &back, 1);
	assert_int_equal(back, 0);
	memory_fini(&m);
	rig_fini(&r);
	free(buf);
}

/*
 * Writes and reads crossing chunk boundaries (and a 1 GiB region boundary)
 * land byte for byte; the bytes just outside stay zero.
 */
static void cross_chunks(void **state)
{
	struct rig r;
	struct memory m;
	const uint64_t len = 200 * KiB, at = MEM_CHUNK - 100;
	uint8_t *src = malloc(len + 2), *back = malloc(len + 2);
	uint8_t rb[20], wb[20];

	(void)state;
	assert_non_null(src);
	assert_non_null(back);
	rig_init(&r, 8);
	mem_new(&r, &m, "dram", 0, 4 * GiB, 0, 0);
	fill(src, len, 1);
	assert_int_equal(memory_write(&m, at, src, len), 0);
	/* [65436, 270236) touches chunks 0..4: 270236 / 65536 = 4.12 */
	assert_int_equal(m.chunks, 5);
	memory_read(&m, at - 1, back, len + 2);
	assert_int_equal(back[0], 0);
	assert_memory_equal(back + 1, src, len);
	assert_int_equal(back[len + 1], 0);
	/* Across 1 GiB: two chunks in two regions. */
	fill(wb, sizeof(wb), 2);
	assert_int_equal(memory_write(&m, GiB - 10, wb, sizeof(wb)), 0);
	assert_int_equal(m.chunks, 5 + 2);
	memory_read(&m, GiB - 10, rb, sizeof(rb));
	assert_memory_equal(rb, wb, sizeof(wb));
	/* Through the bus as well. */
	memset(back, 0, len);
	assert_int_equal(bus_xact_data(&r.bus, at, back, len, false), BUS_OK);
	assert_memory_equal(back, src, len);
	memory_fini(&m);
	rig_fini(&r);
	free(src);
	free(back);
}

/*
 * memory_copy has memmove semantics for every overlap, including ranges
 * that overlap across chunk boundaries in either direction, and copies of
 * never-written memory give zeros.
 */
static void copy_overlap(void **state)
{
	/* (dst, src, len) relative to a base; the reference is a host
	 * memmove over the same bytes. */
	static const struct { int64_t dst, src; uint64_t len; } cases[] = {
		{ 100, 0, 200 * KiB },			/* forward hazard */
		{ 0, 100, 200 * KiB },			/* backward */
		{ MEM_CHUNK + 7, 3, 3 * MEM_CHUNK },	/* > a chunk apart */
		{ 1, 0, 2 * MEM_CHUNK + 5 },		/* 1 byte apart */
		{ 0, 1, 2 * MEM_CHUNK + 5 },
		{ 4096, 4096, 100 * KiB },		/* in place */
		{ 50, 10, 40 },				/* inside one chunk */
		{ 3 * MEM_CHUNK - 1, 0, 2 },		/* disjoint */
	};
	const uint64_t span = 6 * MEM_CHUNK, base = MEM_CHUNK - 333;
	uint8_t *ref = malloc(span), *got = malloc(span);
	struct rig r;
	struct memory m;

	(void)state;
	assert_non_null(ref);
	assert_non_null(got);
	rig_init(&r, 8);
	mem_new(&r, &m, "dram", 0, 64 * MiB, 0, 0);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		fill(ref, span, (uint32_t)i + 10);
		assert_int_equal(memory_write(&m, base, ref, span), 0);
		memmove(ref + cases[i].dst, ref + cases[i].src, cases[i].len);
		assert_int_equal(memory_copy(&m, base + cases[i].dst,
					     base + cases[i].src,
					     cases[i].len), 0);
		memory_read(&m, base, got, span);
		if (memcmp(ref, got, span))
			fail_msg("case %zu: memory_copy(%lld <- %lld, %llu) "
				 "differs from memmove", i,
				 (long long)cases[i].dst,
				 (long long)cases[i].src,
				 (unsigned long long)cases[i].len);
	}
	/* Untouched source: the destination becomes zeros. */
	assert_int_equal(memory_copy(&m, base, 32 * MiB, 3 * MEM_CHUNK), 0);
	memory_read(&m, base, got, 3 * MEM_CHUNK);
	assert_true(all_zero(got, 3 * MEM_CHUNK));
	memory_fini(&m);
	rig_fini(&r);
	free(ref);
	free(got);
}

/*
 * Cycles of a transaction = latency rounded up to whole bus cycles + one
 * cycle per beat; a beat moves min(bus width, bandwidth * period) bytes.
 */
static void timing(void **state)
{
	static const struct {
		uint64_t latency;	/* ps */
		double bandwidth;	/* B/s */
		uint64_t len;
		uint64_t cycles;
	} cases[] = {
		/* 20 ns = 20 cycles; 64 B / 8 B per beat = 8 beats */
		{ 20000, 0, 64, 20 + 8 },
		/* 20.5 ns rounds up to 21 cycles; 65 B = 9 beats */
		{ 20500, 0, 65, 21 + 9 },
		/* 1 byte is still one beat */
		{ 0, 0, 1, 0 + 1 },
		/* 4 GB/s * 1 ns = 4 B per cycle: 64 / 4 = 16 beats */
		{ 10000, 4e9, 64, 10 + 16 },
		/* 16 GB/s is more than the bus carries: 8 B per beat */
		{ 10000, 16e9, 64, 10 + 8 },
		/* 0.5 GB/s: less than a byte per cycle, still 1 B per beat */
		{ 0, 0.5e9, 64, 64 },
		/* 6 GB/s: 6 B per cycle; 64 / 6 = 10.67 -> 11 beats */
		{ 1, 6e9, 64, 1 + 11 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct rig r;
		struct memory m;
		struct bus_target *t;
		uint64_t off;

		rig_init(&r, 8);
		mem_new(&r, &m, "dram", 0x1000, MiB, cases[i].latency,
			cases[i].bandwidth);
		assert_int_equal(bus_xact_cycles(&r.bus, 0x1000 + 8,
						 cases[i].len, false, &t,
						 &off), cases[i].cycles);
		assert_ptr_equal(t, &m.tgt);
		assert_int_equal(off, 8);
		/* Writes cost the same. */
		assert_int_equal(bus_xact_cycles(&r.bus, 0x1000, cases[i].len,
						 true, &t, &off),
				 cases[i].cycles);
		memory_fini(&m);
		rig_fini(&r);
	}
}

/* Bus accesses count transactions and bytes; backdoor accesses do not. */
static void access_stats(void **state)
{
	struct rig r;
	struct memory m;
	uint8_t buf[100] = { 1 };

	(void)state;
	rig_init(&r, 8);
	mem_new(&r, &m, "dram", 0, MiB, 0, 0);
	assert_int_equal(bus_xact_data(&r.bus, 10, buf, 100, true), BUS_OK);
	assert_int_equal(bus_xact_data(&r.bus, 10, buf, 30, false), BUS_OK);
	assert_int_equal(bus_xact_data(&r.bus, 10, buf, 30, false), BUS_OK);
	assert_int_equal(memory_write(&m, 0, buf, 100), 0);
	memory_read(&m, 0, buf, 100);
	assert_int_equal(m.writes, 1);
	assert_int_equal(m.bytes_written, 100);
	assert_int_equal(m.reads, 2);
	assert_int_equal(m.bytes_read, 60);
	assert_non_null(stats_find(&r.sim.stats, "dram.bytes_read"));
	memory_fini(&m);
	rig_fini(&r);
}

/* FNV-1a, checked against its published test vectors. */
static void hash_vectors(void **state)
{
	struct rig r;
	struct memory m;

	(void)state;
	rig_init(&r, 8);
	mem_new(&r, &m, "dram", 0, MiB, 0, 0);
	assert_int_equal(memory_write(&m, MEM_CHUNK - 3, "foobar", 6), 0);
	/* FNV-1a 64 of "" and of "a" and "foobar" (spanning two chunks) */
	assert_int_equal(memory_hash(&m, 0, 0), 0xcbf29ce484222325ull);
	assert_int_equal(memory_write(&m, 0, "a", 1), 0);
	assert_int_equal(memory_hash(&m, 0, 1), 0xaf63dc4c8601ec8cull);
	assert_int_equal(memory_hash(&m, MEM_CHUNK - 3, 6),
			 0x85944171f73967e8ull);
	memory_fini(&m);
	rig_fini(&r);
}

/*
 * bus_map keeps targets sorted and rejects empty, wrapping and overlapping
 * ranges; a full map answers DMASIM_ERANGE; memory_init reports the
 * overlap and leaves nothing mapped or allocated.
 */
static void map_overlap(void **state)
{
	struct rig r;
	struct memory a, b, c;
	struct bus_target t[BUS_MAX_TARGETS + 1];
	struct memory_config cfg = { .size = MiB };
	uint64_t off;

	(void)state;
	memset(t, 0, sizeof(t));
	rig_init(&r, 8);
	mem_new(&r, &a, "a", 4 * MiB, 2 * MiB, 0, 0);	/* [4, 6) MiB */
	/* overlapping at either end, inside, around */
	assert_int_equal(memory_init(&b, &r.sim, &r.bus, "b", 5 * MiB, &cfg),
			 DMASIM_EINVAL);
	assert_int_equal(memory_init(&b, &r.sim, &r.bus, "b", 3 * MiB + 1,
				     &cfg), DMASIM_EINVAL);
	assert_int_equal(bus_map(&r.bus, &t[0], 6 * MiB - 1, 1),
			 DMASIM_EINVAL);
	assert_int_equal(bus_map(&r.bus, &t[0], 0, 16 * MiB), DMASIM_EINVAL);
	assert_int_equal(bus_map(&r.bus, &t[0], 4 * MiB + 1, 10),
			 DMASIM_EINVAL);
	/* empty, and wrapping past 2^64 */
	assert_int_equal(bus_map(&r.bus, &t[0], 0, 0), DMASIM_EINVAL);
	assert_int_equal(bus_map(&r.bus, &t[0], UINT64_MAX - 10, 20),
			 DMASIM_EINVAL);
	assert_int_equal(r.bus.ntargets, 1);
	cfg.size = 0;
	assert_int_equal(memory_init(&b, &r.sim, &r.bus, "b", 0, &cfg),
			 DMASIM_EINVAL);
	/* adjacent on both sides is fine, and the map stays sorted */
	mem_new(&r, &b, "b", 6 * MiB, MiB, 0, 0);
	mem_new(&r, &c, "c", 3 * MiB, MiB, 0, 0);
	assert_ptr_equal(r.bus.targets[0], &c.tgt);
	assert_ptr_equal(r.bus.targets[1], &a.tgt);
	assert_ptr_equal(r.bus.targets[2], &b.tgt);
	assert_ptr_equal(bus_route(&r.bus, 3 * MiB, 1, &off), &c.tgt);
	assert_ptr_equal(bus_route(&r.bus, 6 * MiB, 1, &off), &b.tgt);
	/* fill the map: targets 4..32 fit, the 33rd does not */
	for (unsigned i = 3; i < BUS_MAX_TARGETS; i++)
		assert_int_equal(bus_map(&r.bus, &t[i], 100 * MiB + i * 4096,
					 4096), 0);
	assert_int_equal(bus_map(&r.bus, &t[0], 999 * MiB, 4096),
			 DMASIM_ERANGE);
	memory_fini(&a);
	memory_fini(&b);
	memory_fini(&c);
	rig_fini(&r);
}

/*
 * bus_route at the edges: first and last byte of a target, one past it, a
 * gap between targets, a range spanning two adjacent targets, below the
 * first target, lengths that would wrap.
 */
static void route_edges(void **state)
{
	struct rig r;
	struct bus_target a = { 0 }, b = { 0 }, c = { 0 };
	uint64_t off = 12345;

	(void)state;
	rig_init(&r, 8);
	assert_int_equal(bus_map(&r.bus, &a, 0x1000, 0x1000), 0);
	assert_int_equal(bus_map(&r.bus, &b, 0x2000, 0x1000), 0);
	assert_int_equal(bus_map(&r.bus, &c, 0x8000, 0x100), 0);
	assert_ptr_equal(bus_route(&r.bus, 0x1000, 1, &off), &a);
	assert_int_equal(off, 0);
	assert_ptr_equal(bus_route(&r.bus, 0x1fff, 1, &off), &a);
	assert_int_equal(off, 0xfff);
	assert_ptr_equal(bus_route(&r.bus, 0x1000, 0x1000, &off), &a);
	assert_ptr_equal(bus_route(&r.bus, 0x2000, 1, &off), &b);
	assert_int_equal(off, 0);
	/* a whole target and one byte more: no single target answers */
	assert_null(bus_route(&r.bus, 0x1000, 0x1001, &off));
	assert_null(bus_route(&r.bus, 0x1fff, 2, &off));
	/* below the first, in the gap, one past the last, far above */
	assert_null(bus_route(&r.bus, 0xfff, 1, &off));
	assert_null(bus_route(&r.bus, 0, 1, &off));
	assert_null(bus_route(&r.bus, 0x3000, 1, &off));
	assert_null(bus_route(&r.bus, 0x7fff, 2, &off));
	assert_null(bus_route(&r.bus, 0x8100, 1, &off));
	assert_null(bus_route(&r.bus, UINT64_MAX, 1, &off));
	/* lengths that would wrap around the address space */
	assert_null(bus_route(&r.bus, 0x8001, UINT64_MAX, &off));
	assert_null(bus_route(&r.bus, 0x80ff, UINT64_MAX - 0x80fe, &off));
	/* a transaction no target answers is a decode error, not a crash */
	assert_int_equal(bus_xact_data(&r.bus, 0x3000, &off, 8, false),
			 BUS_ERR_DECODE);
	rig_fini(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		TEST("/hw/memory/sparse_64gib", sparse),
		TEST("/hw/memory/cross_chunks", cross_chunks),
		TEST("/hw/memory/copy_overlap", copy_overlap),
		TEST("/hw/memory/timing", timing),
		TEST("/hw/memory/access_stats", access_stats),
		TEST("/hw/memory/hash_vectors", hash_vectors),
		TEST("/hw/memory/map_overlap", map_overlap),
		TEST("/hw/memory/route_edges", route_edges),
	};

	return cmocka_run_group_tests_name("/hw/memory", tests, NULL, NULL);
}
