/* memory: sparse DRAM with real bytes.  See memory.h. */
#include "memory.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/alloc.h"
#include "kernel/base.h"
#include "kernel/sim.h"
#include "kernel/util.h"
#include "kernel/vec.h"

static const uint8_t zero_chunk[MEM_CHUNK];

/* The host ran out of memory for a chunk: a failure of dmasim, not of the
 * simulated machine, so the run stops with it (sim->host_err) instead of
 * going on with a simulated bus error. */
static uint8_t *chunk_oom(struct memory *mem)
{
	sim_host_oom(mem->bus->sim);
	sim_stop(mem->bus->sim);
	return NULL;
}

/*
 * Which lines (MEM_LINE bytes) of a chunk anything has written: a bitmap
 * kept after the chunk's bytes, for the sanitizer's reads of memory
 * nobody wrote (memory_written()).
 */
#define MEM_LINE 64
#define MEM_MAP_BYTES (MEM_CHUNK / MEM_LINE / 8)

static void mark(uint8_t *c, uint64_t in, uint64_t n)
{
	uint8_t *map = c + MEM_CHUNK;
	uint64_t l = in / MEM_LINE, end = (in + n - 1) / MEM_LINE + 1;

	for (; l < end && l % 8; l++)
		map[l / 8] |= (uint8_t)(1u << (l % 8));
	if (end - l >= 8) {		/* whole bytes of the map at once */
		memset(map + l / 8, 0xff, (end - l) / 8);
		l += (end - l) / 8 * 8;
	}
	for (; l < end; l++)
		map[l / 8] |= (uint8_t)(1u << (l % 8));
}

/* The chunk holding off, or NULL when never written (alloc false) or out
 * of host memory. */
static uint8_t *chunk(struct memory *mem, uint64_t off, bool alloc)
{
	uint64_t r = off >> MEM_REGION_SHIFT;
	uint64_t c = (off >> MEM_CHUNK_SHIFT) & (MEM_CHUNKS_PER_REGION - 1);
	uint8_t **reg = mem->region[r];

	if (!reg) {
		if (!alloc)
			return NULL;
		reg = dm_calloc(MEM_CHUNKS_PER_REGION, sizeof(*reg));
		if (!reg)
			return chunk_oom(mem);
		mem->region[r] = reg;
	}
	if (!reg[c] && alloc) {
		reg[c] = dm_calloc(1, MEM_CHUNK + MEM_MAP_BYTES);
		if (!reg[c])
			return chunk_oom(mem);
		mem->chunks++;
	}
	return reg[c];
}

bool memory_written(struct memory *mem, uint64_t off, uint64_t len)
{
	if (!mem->track_written)
		return true;		/* not kept: nothing to say */
	while (len) {
		uint64_t in = off & (MEM_CHUNK - 1);
		uint64_t n = MEM_CHUNK - in < len ? MEM_CHUNK - in : len;
		const uint8_t *c = chunk(mem, off, false);

		if (!c)
			return false;
		for (uint64_t l = in / MEM_LINE; l <= (in + n - 1) / MEM_LINE;
		     l++)
			if (!(c[MEM_CHUNK + l / 8] & (1u << (l % 8))))
				return false;
		off += n;
		len -= n;
	}
	return true;
}

void memory_read(struct memory *mem, uint64_t off, void *dst, uint64_t len)
{
	uint8_t *d = dst;

	while (len) {
		uint64_t in = off & (MEM_CHUNK - 1);
		uint64_t n = MEM_CHUNK - in < len ? MEM_CHUNK - in : len;
		const uint8_t *c = chunk(mem, off, false);

		memcpy(d, (c ? c : zero_chunk) + in, n);
		d += n;
		off += n;
		len -= n;
	}
}

int memory_write(struct memory *mem, uint64_t off, const void *src,
		 uint64_t len)
{
	const uint8_t *s = src;

	while (len) {
		uint64_t in = off & (MEM_CHUNK - 1);
		uint64_t n = MEM_CHUNK - in < len ? MEM_CHUNK - in : len;
		uint8_t *c = chunk(mem, off, true);

		if (!c)
			return DMASIM_ENOMEM;
		memcpy(c + in, s, n);
		if (mem->track_written)
			mark(c, in, n);
		s += n;
		off += n;
		len -= n;
	}
	return 0;
}

/* memory_copy() for a destination above an overlapping source: pieces from
 * the end down, so no piece reads bytes an earlier piece has written. */
static int memory_copy_down(struct memory *mem, uint64_t dst, uint64_t src,
			    uint64_t len)
{
	while (len) {
		uint64_t se = src + len, de = dst + len;
		uint64_t n = len;
		const uint8_t *s;
		uint8_t *d;

		/* bytes of the last piece within its source and dest chunks */
		if (((se - 1) & (MEM_CHUNK - 1)) + 1 < n)
			n = ((se - 1) & (MEM_CHUNK - 1)) + 1;
		if (((de - 1) & (MEM_CHUNK - 1)) + 1 < n)
			n = ((de - 1) & (MEM_CHUNK - 1)) + 1;
		s = chunk(mem, se - n, false);
		d = chunk(mem, de - n, true);
		if (!d)
			return DMASIM_ENOMEM;
		memmove(d + ((de - n) & (MEM_CHUNK - 1)),
			(s ? s : zero_chunk) + ((se - n) & (MEM_CHUNK - 1)), n);
		if (mem->track_written)
			mark(d, (de - n) & (MEM_CHUNK - 1), n);
		len -= n;
	}
	return 0;
}

int memory_copy(struct memory *mem, uint64_t dst, uint64_t src,
		uint64_t len)
{
	/* Chunk by chunk, with memmove within a piece.  Going upwards is
	 * safe unless the destination starts inside the source: a piece
	 * would then overwrite source bytes a later piece still reads. */
	if (dst > src && dst - src < len)
		return memory_copy_down(mem, dst, src, len);
	while (len) {
		uint64_t sin = src & (MEM_CHUNK - 1), din = dst & (MEM_CHUNK - 1);
		uint64_t n = len;
		const uint8_t *s;
		uint8_t *d;

		if (MEM_CHUNK - sin < n)
			n = MEM_CHUNK - sin;
		if (MEM_CHUNK - din < n)
			n = MEM_CHUNK - din;
		s = chunk(mem, src, false);
		d = chunk(mem, dst, true);
		if (!d)
			return DMASIM_ENOMEM;
		memmove(d + din, (s ? s : zero_chunk) + sin, n);
		if (mem->track_written)
			mark(d, din, n);
		src += n;
		dst += n;
		len -= n;
	}
	return 0;
}

int memory_burst_copy(struct memory *mem, uint64_t dst, uint64_t src,
		      uint64_t len)
{
	mem->reads++;
	mem->bytes_read += len;
	mem->writes++;
	mem->bytes_written += len;
	return memory_copy(mem, dst, src, len);
}

void memory_repeat(struct memory *mem, bool write, uint64_t bytes)
{
	if (write)
		mem->bytes_written += bytes;
	else
		mem->bytes_read += bytes;
}

uint64_t memory_hash(struct memory *mem, uint64_t off, uint64_t len)
{
	uint64_t h = UTIL_FNV_BASIS;

	while (len) {
		uint64_t in = off & (MEM_CHUNK - 1);
		uint64_t n = MEM_CHUNK - in < len ? MEM_CHUNK - in : len;
		const uint8_t *c = chunk(mem, off, false);

		h = util_fnv1a(h, (c ? c : zero_chunk) + in, n);
		off += n;
		len -= n;
	}
	return h;
}

static uint64_t mem_cycles(struct bus_target *t, uint64_t off, uint64_t len,
			   bool write)
{
	struct memory *mem = (struct memory *)t;

	(void)off;
	(void)write;
#ifdef DMASIM_MUTATE_MEMORY_NO_LATENCY
	/* the DRAM's access latency left out: data beats alone */
	return (len + mem->beat_bytes - 1) / mem->beat_bytes;
#endif
	return mem->lat_cycles + (len + mem->beat_bytes - 1) / mem->beat_bytes;
}

int memory_inject(struct memory *mem, const struct memory_fault *f)
{
	if (!mem->faults && stats_add(&mem->sim->stats, mem->name, "faulted",
				      STAT_COUNTER, "", &mem->faulted))
		return DMASIM_ENOMEM;
	VEC_RESERVE(mem->faults, mem->nfaults, mem->capfaults,
		    return DMASIM_ENOMEM);
	mem->faults[mem->nfaults] = *f;
	mem->faults[mem->nfaults++].spent = false;
	return 0;
}

bool memory_faulted(struct memory *mem, uint64_t off, uint64_t len,
		    bool write)
{
	bool refused = false;

	for (size_t i = 0; i < mem->nfaults; i++) {
		struct memory_fault *f = &mem->faults[i];

		if (f->spent || !(write ? f->writes : f->reads) ||
		    off >= f->off + f->len || f->off >= off + len)
			continue;
		if (f->after) {
			f->after--;
			continue;
		}
		if (f->count && !--f->count)
			f->spent = true;
		refused = true;
	}
	mem->faulted += refused;
	return refused;
}

static int mem_access(struct bus_target *t, uint64_t off, void *data,
		      uint64_t len, bool write)
{
	struct memory *mem = (struct memory *)t;

	if (mem->nfaults && memory_faulted(mem, off, len, write))
		return BUS_ERR_SLAVE;
	if (write) {
		mem->writes++;
		mem->bytes_written += len;
		return memory_write(mem, off, data, len) ? BUS_ERR_SLAVE : 0;
	}
	mem->reads++;
	mem->bytes_read += len;
	memory_read(mem, off, data, len);
	return 0;
}

static const struct bus_target_ops memory_ops = {
	.cycles = mem_cycles,
	.access = mem_access,
};

struct memory *memory_of(struct bus_target *t)
{
	return t && t->ops == &memory_ops ? (struct memory *)t : NULL;
}

int memory_init(struct memory *mem, struct sim *sim, struct bus *bus,
		const char *name, uint64_t base,
		const struct memory_config *cfg)
{
	uint64_t period = bus->clk.period;
	int err;

	if (!cfg->size)
		return DMASIM_EINVAL;
	memset(mem, 0, sizeof(*mem));
	mem->cfg = *cfg;
	mem->bus = bus;
	mem->sim = sim;
	snprintf(mem->name, sizeof(mem->name), "%s", name);
	mem->tgt.ops = &memory_ops;
	mem->tgt.name = mem->name;
	mem->lat_cycles = (cfg->latency + period - 1) / period;
	mem->beat_bytes = bus->cfg.width;
	if (cfg->bandwidth > 0) {
		double per_cycle = cfg->bandwidth * (double)period / 1e12;

		if (per_cycle < (double)mem->beat_bytes)
			mem->beat_bytes = per_cycle < 1 ? 1 :
					  (uint64_t)floor(per_cycle);
	}
	mem->nregions = (cfg->size + (1ull << MEM_REGION_SHIFT) - 1) >>
			MEM_REGION_SHIFT;
	mem->region = dm_calloc(mem->nregions, sizeof(*mem->region));
	if (!mem->region)
		return DMASIM_ENOMEM;
	err = bus_map(bus, &mem->tgt, base, cfg->size);
	if (err) {
		dm_free(mem->region);
		mem->region = NULL;
		return err;
	}
	if (stats_add(&sim->stats, mem->name, "reads", STAT_COUNTER, "",
		      &mem->reads) ||
	    stats_add(&sim->stats, mem->name, "writes", STAT_COUNTER, "",
		      &mem->writes) ||
	    stats_add(&sim->stats, mem->name, "bytes_read", STAT_COUNTER,
		      "bytes", &mem->bytes_read) ||
	    stats_add(&sim->stats, mem->name, "bytes_written", STAT_COUNTER,
		      "bytes", &mem->bytes_written))
		return DMASIM_ENOMEM;
	return 0;
}

void memory_fini(struct memory *mem)
{
	for (uint64_t r = 0; mem->region && r < mem->nregions; r++) {
		if (!mem->region[r])
			continue;
		for (uint64_t c = 0; c < MEM_CHUNKS_PER_REGION; c++)
			dm_free(mem->region[r][c]);
		dm_free(mem->region[r]);
	}
	dm_free(mem->region);
	dm_free(mem->faults);
	mem->region = NULL;
	mem->faults = NULL;
}
