/*
 * ldisk: disks, their block driver and the page cache in the scenario
 * language.
 *
 *   local disk = sys:disk{ bus = io, kind = "nvme", size = "1GiB",
 *                          latency = "80us", bandwidth = "2GB/s",
 *                          intc = ic, irq_line = 3 }
 *   local blk = sys:blkdev{ disk = disk, cpu = cpu, sq = .., cq = ..,
 *                           prp = .. }
 *   local pc = sys:pagecache{ blkdev = blk, base = .., size = "4MiB",
 *                             readahead = 7 }
 *   pc:file("data", 0, "1MiB")
 *   sys:spawn(function() pc:read("data", 0, "1MiB", buf) end)
 */
#include <string.h>

#include <lauxlib.h>

#include "lfields.h"
#include "lsys.h"
#include "sys/disk.h"

/* An optional component field of metatable mt (NULL when absent). */
static void *opt_comp(lua_State *L, int idx, const char *what,
		      const char *field, const char *mt, const char *expected)
{
	struct lcomp *c;

	lua_getfield(L, idx, field);
	if (lua_isnil(L, -1)) {
		lua_pop(L, 1);
		return NULL;
	}
	c = luaL_testudata(L, -1, mt);
	if (!c)
		lf_error(L, "%s: field '%s': expected %s", what, field,
			 expected);
	lua_pop(L, 1);
	return c->obj;
}

/* An optional whole-number field; def (which may be DMASIM_DEFAULT) when
 * absent. */
static uint64_t opt_u64(lua_State *L, int idx, const char *what,
			const char *field, enum unit_kind kind, uint64_t def)
{
	bool absent;

	lua_getfield(L, idx, field);
	absent = lua_isnil(L, -1);
	lua_pop(L, 1);
	return absent ? def : lf_uint(L, idx, what, field, kind, 0, 0);
}

/* sys:disk{name, bus, base, kind, size, block, queue, reg_latency,
 *          latency, bandwidth, coalesce, rpm, seek, seek_min,
 *          sectors_per_track, positional, priority, intc, irq_line, msi} */
static int l_sys_disk(lua_State *L)
{
	static const char *const known[] = { "name", "bus", "base", "kind",
		"size", "block", "queue", "reg_latency", "latency", "bandwidth",
		"coalesce", "rpm", "seek", "seek_min", "sectors_per_track",
		"positional", "priority", "intc", "irq_line", "msi", NULL };
	static const char *const kinds[] = { "nvme", "rotating", NULL };
	const char *what = "system:disk{}";
	struct lsys *ls = lsys_check(L, 1);
	struct dmasim_disk_config cfg;
	struct dmasim_disk *d;
	struct dmasim_bus *bus;
	int err;

	lsys_opt_table(L, 2);
	lf_known(L, 2, what, known);
	dmasim_disk_config_init(&cfg);
	bus = lsys_opt_bus(L, 2, what);
	cfg.name = lf_string(L, 2, what, "name", NULL);
	cfg.base = opt_u64(L, 2, what, "base", UNIT_SIZE, DMASIM_DEFAULT);
	cfg.kind = (enum dmasim_disk_kind)lf_enum(L, 2, what, "kind", kinds,
						  0);
	cfg.size = lf_uint(L, 2, what, "size", UNIT_SIZE, cfg.size, 1);
	cfg.block = lf_u32(L, 2, what, "block", UNIT_SIZE, cfg.block, 1);
	cfg.queue = lf_u32(L, 2, what, "queue", UNIT_NUMBER, cfg.queue, 2);
	cfg.reg_latency = lf_uint(L, 2, what, "reg_latency", UNIT_TIME, 0, 0);
	cfg.latency = opt_u64(L, 2, what, "latency", UNIT_TIME, DMASIM_DEFAULT);
	cfg.bandwidth = lf_value(L, 2, what, "bandwidth", UNIT_BANDWIDTH, -1,
				 0);	/* absent: -1, by kind */
	cfg.coalesce = lf_u32(L, 2, what, "coalesce", UNIT_NUMBER, 1, 1);
	cfg.rpm = lf_value(L, 2, what, "rpm", UNIT_NUMBER, cfg.rpm, 0);
	cfg.seek = lf_uint(L, 2, what, "seek", UNIT_TIME, cfg.seek, 0);
	cfg.seek_min = lf_uint(L, 2, what, "seek_min", UNIT_TIME,
			       cfg.seek_min, 0);
	cfg.sectors_per_track = lf_u32(L, 2, what, "sectors_per_track",
				       UNIT_NUMBER, 0, 0);
	lua_getfield(L, 2, "positional");
	cfg.positional = lua_toboolean(L, -1);
	lua_pop(L, 1);
	cfg.priority = lf_int(L, 2, what, "priority", 0, -1000000, 1000000);
	cfg.intc = opt_comp(L, 2, what, "intc", INTC_MT, "an intc");
	cfg.irq_line = lf_u32(L, 2, what, "irq_line", UNIT_NUMBER, 0, 0);
	cfg.msi = lf_uint(L, 2, what, "msi", UNIT_SIZE, 0, 0);
	err = dmasim_disk_new(ls->sys, bus, &cfg, &d);
	lua_settop(L, 2);
	if (err)
		return lsys_raise(L, ls, what);
	lsys_push_comp(L, 1, d, DISK_MT);
	return 1;
}

/* disk:fill(off, len, seed): the pattern of seed (untimed set-up) */
static int l_disk_fill(lua_State *L)
{
	struct dmasim_disk *d = lsys_check_comp(L, 1, DISK_MT);
	uint64_t off = lf_arg_u64(L, 2, "disk:fill", UNIT_SIZE);
	uint64_t len = lf_arg_u64(L, 3, "disk:fill", UNIT_SIZE);

	if (dmasim_disk_fill(d, off, len, (uint64_t)luaL_optinteger(L, 4, 0)))
		return lsys_raise(L, lsys_of(L, 1), "disk:fill");
	return 0;
}

/* disk:hash(off, len) -> FNV-1a of the bytes (memory:hash's) */
static int l_disk_hash(lua_State *L)
{
	struct dmasim_disk *d = lsys_check_comp(L, 1, DISK_MT);
	uint64_t off = lf_arg_u64(L, 2, "disk:hash", UNIT_SIZE);
	uint64_t len = lf_arg_u64(L, 3, "disk:hash", UNIT_SIZE);
	uint64_t h;

	if (dmasim_disk_hash(d, off, len, &h))
		return lsys_raise(L, lsys_of(L, 1), "disk:hash");
	lua_pushinteger(L, (lua_Integer)h);
	return 1;
}

static int l_disk_index(lua_State *L)
{
	struct dmasim_disk *dd = lsys_check_comp(L, 1, DISK_MT);
	const char *k = luaL_checkstring(L, 2);
	struct dmasim_disk_info i;

	dmasim_disk_info(dd, &i);
	{
		const struct lsys_field f[] = {
			{ "base", dd->d.tgt.base },
			{ "size", dd->d.cfg.size },
			{ "block", dd->d.cfg.block },
			{ "commands", i.commands },
			{ "reads", i.reads },
			{ "writes", i.writes },
			{ "errors", i.errors },
			{ "bytes_read", i.bytes_read },
			{ "bytes_written", i.bytes_written },
			{ "dma_xacts", i.dma_xacts },
			{ "dma_bytes", i.dma_bytes },
			{ "completions", i.completions },
			{ "irqs", i.irqs },
			{ "doorbells", i.doorbells },
			{ "media_ps", i.media_ps },
			{ "seeks", i.seeks },
		};

		if (lsys_index(L, 1, k, f, LSYS_NFIELDS(f)))
			return 1;
	}
	if (!strcmp(k, "name")) {
		lua_pushstring(L, dd->d.name);
		return 1;
	}
	return luaL_error(L, "disk has no field '%s'", k);
}

/* sys:blkdev{disk, cpu, cache, sq, cq, prp, entries, submit_cycles,
 *            complete_cycles, irq_priority} */
static int l_sys_blkdev(lua_State *L)
{
	static const char *const known[] = { "disk", "cpu", "cache", "sq",
		"cq", "prp", "entries", "submit_cycles", "complete_cycles",
		"irq_priority", NULL };
	const char *what = "system:blkdev{}";
	struct lsys *ls = lsys_check(L, 1);
	struct dmasim_blkdev_config cfg;
	struct dmasim_blkdev *b;
	int err;

	lsys_opt_table(L, 2);
	lf_known(L, 2, what, known);
	dmasim_blkdev_config_init(&cfg);
	cfg.disk = opt_comp(L, 2, what, "disk", DISK_MT, "a disk");
	cfg.cpu = opt_comp(L, 2, what, "cpu", CPU_MT, "a cpu");
	cfg.cache = opt_comp(L, 2, what, "cache", CACHE_MT, "a cache");
	if (!cfg.disk || !cfg.cpu)
		return lf_error(L, "%s: fields 'disk' and 'cpu' are required",
				what);
	cfg.sq = opt_u64(L, 2, what, "sq", UNIT_SIZE, DMASIM_DEFAULT);
	cfg.cq = opt_u64(L, 2, what, "cq", UNIT_SIZE, DMASIM_DEFAULT);
	cfg.prp = opt_u64(L, 2, what, "prp", UNIT_SIZE, DMASIM_DEFAULT);
	cfg.entries = lf_u32(L, 2, what, "entries", UNIT_NUMBER, cfg.entries,
			     2);
	cfg.submit_cycles = lf_u32(L, 2, what, "submit_cycles", UNIT_NUMBER,
				   cfg.submit_cycles, 0);
	cfg.complete_cycles = lf_u32(L, 2, what, "complete_cycles",
				     UNIT_NUMBER, cfg.complete_cycles, 0);
	cfg.irq_priority = lf_int(L, 2, what, "irq_priority", 1, -1000000,
				  1000000);
	err = dmasim_blkdev_new(ls->sys, &cfg, &b);
	lua_settop(L, 2);
	if (err)
		return lsys_raise(L, ls, what);
	lsys_push_comp(L, 1, b, BLKDEV_MT);
	return 1;
}

/* The status of a disk command or a file read: nil, or in words. */
static int k_status(lua_State *L, int status, lua_KContext ctx)
{
	struct lproc *lp = (struct lproc *)ctx;
	int st = dmasim_proc_result(&lp->p)->status;

	(void)status;
	if (!st)
		lua_pushnil(L);
	else
		lua_pushfstring(L, "disk error: status %d (%s)", st,
				st == DISK_SC_LBA_RANGE ? "LBA out of range" :
				st == DISK_SC_XFER_ERROR ? "data transfer "
				"error" : st == DISK_SC_BAD_FIELD ?
				"invalid field" : st == DISK_SC_BAD_OPCODE ?
				"invalid opcode" : "other");
	return 1;
}

static int blk_io(lua_State *L, bool write)
{
	const char *fn = write ? "blkdev:write()" : "blkdev:read()";
	struct dmasim_blkdev *b = lsys_check_comp(L, 1, BLKDEV_MT);
	uint64_t lba = lf_arg_u64(L, 2, fn, UNIT_NUMBER);
	uint64_t n = lf_arg_u64(L, 3, fn, UNIT_NUMBER);
	uint64_t addr = lsys_check_addr(L, 4, fn);
	struct lproc *lp = lsys_current(L, lsys_of(L, 1), fn);

	if (n > UINT32_MAX)
		return lf_error(L, "%s: %llu blocks: too many", fn,
				(unsigned long long)n);
	return lsys_await(L, lp->ls, dmasim_blk_io(&lp->p, b, write, lba,
			  (uint32_t)n, addr), fn, k_status,
			  (lua_KContext)lp);
}

/* blk:read(lba, nblocks, addr) / blk:write(...) -> nil or the error */
static int l_blk_read(lua_State *L)
{
	return blk_io(L, false);
}

static int l_blk_write(lua_State *L)
{
	return blk_io(L, true);
}

static int l_blk_index(lua_State *L)
{
	struct dmasim_blkdev *b = lsys_check_comp(L, 1, BLKDEV_MT);
	const char *k = luaL_checkstring(L, 2);
	struct dmasim_blkdev_info i;

	dmasim_blkdev_info(b, &i);
	{
		const struct lsys_field f[] = {
			{ "submitted", i.submitted },
			{ "completed", i.completed },
			{ "failed", i.failed },
			{ "irqs", i.irqs },
		};

		if (lsys_index(L, 1, k, f, LSYS_NFIELDS(f)))
			return 1;
	}
	return luaL_error(L, "blkdev has no field '%s'", k);
}

/* sys:pagecache{blkdev, base, size, readahead, lookup_cycles} */
static int l_sys_pagecache(lua_State *L)
{
	static const char *const known[] = { "blkdev", "base", "size",
		"readahead", "lookup_cycles", NULL };
	const char *what = "system:pagecache{}";
	struct lsys *ls = lsys_check(L, 1);
	struct dmasim_pagecache_config cfg;
	struct dmasim_pagecache *pc;
	int err;

	lsys_opt_table(L, 2);
	lf_known(L, 2, what, known);
	dmasim_pagecache_config_init(&cfg);
	cfg.blkdev = opt_comp(L, 2, what, "blkdev", BLKDEV_MT, "a blkdev");
	if (!cfg.blkdev)
		return lf_error(L, "%s: field 'blkdev' is required", what);
	cfg.base = opt_u64(L, 2, what, "base", UNIT_SIZE, DMASIM_DEFAULT);
	cfg.size = opt_u64(L, 2, what, "size", UNIT_SIZE, DMASIM_DEFAULT);
	cfg.readahead = lf_u32(L, 2, what, "readahead", UNIT_NUMBER, 0, 0);
	cfg.lookup_cycles = lf_u32(L, 2, what, "lookup_cycles", UNIT_NUMBER,
				   cfg.lookup_cycles, 0);
	err = dmasim_pagecache_new(ls->sys, &cfg, &pc);
	lua_settop(L, 2);
	if (err)
		return lsys_raise(L, ls, what);
	lsys_push_comp(L, 1, pc, PAGECACHE_MT);
	return 1;
}

/* pc:file(name, lba, size) */
static int l_pc_file(lua_State *L)
{
	struct dmasim_pagecache *pc = lsys_check_comp(L, 1, PAGECACHE_MT);
	const char *name = luaL_checkstring(L, 2);
	uint64_t lba = lf_arg_u64(L, 3, "pagecache:file", UNIT_NUMBER);
	uint64_t size = lf_arg_u64(L, 4, "pagecache:file", UNIT_SIZE);

	if (dmasim_pagecache_file(pc, name, lba, size))
		return lsys_raise(L, lsys_of(L, 1), "pagecache:file");
	return 0;
}

/* pc:read(name, off, len, addr) -> nil or the error */
static int l_pc_read(lua_State *L)
{
	const char *fn = "pagecache:read()";
	struct dmasim_pagecache *pc = lsys_check_comp(L, 1, PAGECACHE_MT);
	const char *name = luaL_checkstring(L, 2);
	uint64_t off = lf_arg_u64(L, 3, fn, UNIT_SIZE);
	uint64_t len = lf_arg_u64(L, 4, fn, UNIT_SIZE);
	uint64_t addr = lsys_check_addr(L, 5, fn);
	struct lproc *lp = lsys_current(L, lsys_of(L, 1), fn);

	return lsys_await(L, lp->ls, dmasim_file_read(&lp->p, pc, name, off,
			  len, addr), fn, k_status, (lua_KContext)lp);
}

static int l_pc_index(lua_State *L)
{
	struct dmasim_pagecache *pc = lsys_check_comp(L, 1, PAGECACHE_MT);
	const char *k = luaL_checkstring(L, 2);
	struct dmasim_pagecache_info i;

	dmasim_pagecache_info(pc, &i);
	{
		const struct lsys_field f[] = {
			{ "hits", i.hits },
			{ "misses", i.misses },
			{ "readahead_pages", i.readahead_pages },
			{ "fills", i.fills },
			{ "fill_bytes", i.fill_bytes },
			{ "copied", i.copied },
			{ "evictions", i.evictions },
		};

		if (lsys_index(L, 1, k, f, LSYS_NFIELDS(f)))
			return 1;
	}
	return luaL_error(L, "pagecache has no field '%s'", k);
}

const luaL_Reg ldisk_sys_methods[] = {
	{ "disk", l_sys_disk },
	{ "blkdev", l_sys_blkdev },
	{ "pagecache", l_sys_pagecache },
	{ NULL, NULL }
};

void ldisk_open(lua_State *L)
{
	static const luaL_Reg disk_methods[] = {
		{ "fill", l_disk_fill },
		{ "hash", l_disk_hash },
		{ NULL, NULL }
	};
	static const luaL_Reg blk_methods[] = {
		{ "read", l_blk_read },
		{ "write", l_blk_write },
		{ NULL, NULL }
	};
	static const luaL_Reg pc_methods[] = {
		{ "file", l_pc_file },
		{ "read", l_pc_read },
		{ NULL, NULL }
	};

	lsys_class(L, DISK_MT, disk_methods, l_disk_index, NULL);
	lsys_class(L, BLKDEV_MT, blk_methods, l_blk_index, NULL);
	lsys_class(L, PAGECACHE_MT, pc_methods, l_pc_index, NULL);
}
