/*
 * ldma: DMA engines and their channels in the scenario language.
 *
 *   local dma = sys:dma{ base = 0x40000000, channels = 4, irq = cpu }
 *   local ch = dma:channel(0)      -- ch:wait(), ch.done_at, ch.bytes ...
 *   local R = dmasim.dma_regs      -- the register map, for drivers
 */
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>

#include "hw/dma.h"
#include "kernel/util.h"
#include "lfields.h"
#include "lsys.h"

#define check_addr lsys_check_addr
#define opt_table lsys_opt_table

/* ---- dma ---- */

/* sys:dma{name, bus, base, channels, reg_latency, burst, mode, priority,
 *         irq, intc, irq_line, desc_cycles, fence_cycles, count_bits,
 *         dreq_latency, dack_cycles, atc} */
static int l_sys_dma(lua_State *L)
{
	static const char *const known[] = { "name", "bus", "base",
		"channels", "reg_latency", "burst", "mode", "priority", "irq",
		"irq_line", "desc_cycles", "fence_cycles", "intc", "count_bits",
		"dreq_latency", "dack_cycles", "atc", NULL };
	const char *what = "system:dma{}";
	struct lsys *ls = lsys_check(L, 1);
	struct dmasim_dma_config cfg;
	struct dmasim_dma *dma;
	struct dmasim_bus *bus;

	opt_table(L, 2);
	lf_known(L, 2, what, known);
	dmasim_dma_config_init(&cfg);
	bus = lsys_opt_bus(L, 2, what);
	cfg.name = lf_string(L, 2, what, "name", NULL);
	cfg.base = lf_uint(L, 2, what, "base", UNIT_SIZE, 0x40000000ull, 0);
	cfg.channels = lf_u32(L, 2, what, "channels", UNIT_NUMBER,
					 1, 1);
	if (cfg.channels > 64)
		return lf_error(L, "%s: field 'channels' = %u: expected 1 to "
				  "64", what, cfg.channels);
	cfg.reg_latency = lf_uint(L, 2, what, "reg_latency", UNIT_TIME, 0, 0);
	cfg.burst = lf_u32(L, 2, what, "burst", UNIT_SIZE, 64, 1);
	cfg.desc_cycles = lf_uint(L, 2, what, "desc_cycles", UNIT_NUMBER, 0, 0);
	cfg.fence_cycles = lf_uint(L, 2, what, "fence_cycles", UNIT_NUMBER, 0,
				   0);
	cfg.count_bits = (unsigned)lf_uint(L, 2, what, "count_bits",
					   UNIT_NUMBER, 32, 1);
	cfg.dreq_latency = lf_uint(L, 2, what, "dreq_latency", UNIT_TIME, 0, 0);
	cfg.dack_cycles = lf_uint(L, 2, what, "dack_cycles", UNIT_NUMBER, 0,
				  0);
	cfg.atc = lf_u32(L, 2, what, "atc", UNIT_NUMBER, 0, 0);
	if (cfg.count_bits > 32)
		return lf_error(L, "%s: field 'count_bits' = %u: expected 1 to "
				"32", what, cfg.count_bits);
	cfg.mode = (enum dmasim_mode)lf_enum(L, 2, what, "mode",
					     lsys_mode_names,
					     DMASIM_MODE_CYCLE_STEALING);
	cfg.priority = lf_int(L, 2, what, "priority", 0, -1000000000,
			      1000000000);
	cfg.irq_line = lf_u32(L, 2, what, "irq_line", UNIT_NUMBER,
					 0, 0);
	lua_getfield(L, 2, "irq");
	if (!lua_isnil(L, -1)) {
		struct lcomp *c = luaL_testudata(L, -1, CPU_MT);

		if (!c)
			return luaL_error(L, "%s: field 'irq': expected a cpu",
					  what);
		cfg.irq = c->obj;
	}
	lua_pop(L, 1);
	lua_getfield(L, 2, "intc");
	if (!lua_isnil(L, -1)) {
		struct lcomp *c = luaL_testudata(L, -1, INTC_MT);

		if (!c)
			return luaL_error(L, "%s: field 'intc': expected an "
					  "intc", what);
		cfg.intc = c->obj;
	}
	lua_pop(L, 1);
	if (cfg.irq && cfg.irq_line + cfg.channels > CPU_IRQ_LINES)
		return lf_error(L, "%s: irq_line %u + %u channels: expected "
				  "lines below %d", what, cfg.irq_line,
				  cfg.channels, CPU_IRQ_LINES);
	if (dmasim_dma_new(ls->sys, bus, &cfg, &dma))
		return lsys_raise(L, ls, what);
	lsys_push_comp(L, 1, dma, DMA_MT);
	return 1;
}

/* dma:channel(i) -> the channel's handle */
static int l_dma_channel(lua_State *L)
{
	struct dmasim_dma *dma = lsys_check_comp(L, 1, DMA_MT);
	lua_Integer i = luaL_checkinteger(L, 2);

	if (i < 0 || (unsigned)i >= dma->eng.nchan)
		return lf_error(L, "dma:channel(%lld): expected 0 to %d",
				  (long long)i, (int)dma->eng.nchan - 1);
	lsys_push_comp(L, 1, &dma->chan[i], CHAN_MT);
	return 1;
}

static int l_dma_index(lua_State *L)
{
	struct dma_engine *eng = lsys_check_comp(L, 1, DMA_MT);
	const char *k = luaL_checkstring(L, 2);
	const struct lsys_field f[] = {
		{ "base", eng->regs.base },
		{ "channels", eng->nchan },
		{ "guest_errors", eng->guest_errors },
		{ "count_max", eng->count_mask },
		{ "ats_inval", eng->atc.cap ? eng->regs.base +
			       DMA_ATS_INV(eng->nchan) : 0 },
		{ "atc_hits", eng->atc.hits },
		{ "atc_misses", eng->atc.misses },
		{ "atc_refused", eng->atc.refused },
		{ "atc_invalidations", eng->atc.invalidations },
		{ "ats_requests", eng->atc.requests },
	};

	if (lsys_index(L, 1, k, f, LSYS_NFIELDS(f)))
		return 1;
	if (!strcmp(k, "name")) {
		lua_pushstring(L, eng->name);
		return 1;
	}
	return luaL_error(L, "dma has no field '%s'", k);
}

/* dma:set_reg(offset, value): an untimed 32-bit register write, for a
 * driver whose set-up cost is given as a total (it pays that apart) */
static int l_dma_set_reg(lua_State *L)
{
	struct dma_engine *eng = lsys_check_comp(L, 1, DMA_MT);
	lua_Integer off = luaL_checkinteger(L, 2);
	lua_Integer v = luaL_checkinteger(L, 3);

	if (off < 0 || off >= (lua_Integer)eng->nchan * DMA_CH_STRIDE ||
	    off % 4)
		return lf_error(L, "dma:set_reg: offset %lld: expected a "
				"multiple of 4 below %u", (long long)off,
				eng->nchan * DMA_CH_STRIDE);
	if (v < 0 || v > (lua_Integer)UINT32_MAX)
		return lf_error(L, "dma:set_reg: value %lld: expected 0 to "
				"2^32 - 1", (long long)v);
	dma_reg_write(eng, (uint64_t)off, (uint32_t)v);
	return 0;
}

/* ch:wait(): until the channel's current transfer completes or fails */
static int l_chan_wait(lua_State *L)
{
	struct dmasim_channel *h = lsys_check_comp(L, 1, CHAN_MT);
	struct dma_chan *ch = h->ch;
	struct lproc *lp = lsys_current(L, lsys_of(L, 1),
					"dma_channel:wait()");

	if (ch->state == DMA_IDLE)
		return luaL_error(L, "dma_channel:wait(): channel '%s' was "
				  "never started", ch->name);
	if (!dma_chan_busy(ch))
		return 0;
	sys_proc_wait(&lp->p, &ch->done);
	return lua_yield(L, 0);
}

static int l_chan_index(lua_State *L)
{
	struct dma_chan *ch = ((struct dmasim_channel *)
			       lsys_check_comp(L, 1, CHAN_MT))->ch;
	const char *k = luaL_checkstring(L, 2);
	const struct lsys_field f[] = {
		PORT_FIELDS(&ch->port),
		{ "busy_cycles", ch->port.busy_cycles },
		{ "status", ch->status },
		{ "done_at", ch->done_at },
		{ "started_at", ch->started_at },
		{ "bursts", ch->bursts_done },
		{ "transfers", ch->transfers },
		{ "bytes", ch->bytes },
		{ "errors", ch->errors },
		{ "index", ch->index },
		{ "error_code", DMA_STATUS_CODE(ch->status) },
		{ "err_addr", ch->err_addr },
		{ "err_desc", ch->err_desc },
		{ "desc_fetches", ch->desc_fetches },
	};

	if (lsys_index(L, 1, k, f, LSYS_NFIELDS(f)))
		return 1;
	if (!strcmp(k, "name"))
		lua_pushstring(L, ch->name);
	else if (!strcmp(k, "done"))
		lua_pushboolean(L, ch->state == DMA_DONE);
	else if (!strcmp(k, "failed"))
		lua_pushboolean(L, ch->state == DMA_ERROR);
	else if (!strcmp(k, "error"))
		lua_pushstring(L, dma_error_string(DMA_STATUS_CODE(ch->status)));
	else
		return luaL_error(L, "dma_channel has no field '%s'", k);
	return 1;
}

/* dmasim.dma_regs: the register map and bit names, for Lua drivers. */
static void push_dma_regs(lua_State *L)
{
	lua_newtable(L);
#define DMA_REG_FIELD(name, off, acc, what)                                   \
	lua_pushinteger(L, off);                                             \
	lua_setfield(L, -2, #name);
	DMA_REGS(DMA_REG_FIELD)
#undef DMA_REG_FIELD
	static const struct {
		const char *name;
		lua_Integer v;
	} k[] = {
		{ "STRIDE", DMA_CH_STRIDE },
		{ "CTRL_START", DMA_CTRL_START },
		{ "CTRL_IRQ_EN", DMA_CTRL_IRQ_EN },
		{ "CTRL_SRC_FIXED", DMA_CTRL_SRC_FIXED },
		{ "CTRL_DST_FIXED", DMA_CTRL_DST_FIXED },
		{ "CTRL_CHAIN", DMA_CTRL_CHAIN },
		{ "CTRL_FLYBY", DMA_CTRL_FLYBY },
		{ "CTRL_TRANSLATED", DMA_CTRL_TRANSLATED },
		{ "STATUS_BUSY", DMA_STATUS_BUSY },
		{ "STATUS_DONE", DMA_STATUS_DONE },
		{ "STATUS_ERROR", DMA_STATUS_ERROR },
		{ "DESC_SIZE", DMA_DESC_SIZE },
		{ "DESC_SRC", DMA_DESC_SRC },
		{ "DESC_DST", DMA_DESC_DST },
		{ "DESC_LEN", DMA_DESC_LEN },
		{ "DESC_CTRL", DMA_DESC_CTRL },
		{ "DESC_NEXT", DMA_DESC_NEXT },
		{ "DESC_IRQ", DMA_DESC_IRQ },
		{ "DESC_SRC_FIXED", DMA_DESC_SRC_FIXED },
		{ "DESC_DST_FIXED", DMA_DESC_DST_FIXED },
		{ "DESC_FLYBY", DMA_DESC_FLYBY },
		{ "DESC_DONE", DMA_DESC_DONE },
		{ "DESC_ERROR", DMA_DESC_ERROR },
		{ "ERR_LOOP", DMA_ERR_LOOP },
		{ "ERR_ALIGN", DMA_ERR_ALIGN },
		{ "ERR_RANGE", DMA_ERR_RANGE },
		{ "ERR_DESC", DMA_ERR_DESC },
		{ "ERR_SRC", DMA_ERR_SRC },
		{ "ERR_DST", DMA_ERR_DST },
		{ "ERR_BADDESC", DMA_ERR_BADDESC },
		{ "ERR_SHORT", DMA_ERR_SHORT },
		{ "DESC_2D", DMA_DESC_2D },
		{ "DESC2D_SIZE", DMA_DESC2D_SIZE },
		{ "DESC_ROWS", DMA_DESC_ROWS },
		{ "DESC_FRAMES", DMA_DESC_FRAMES },
		{ "DESC_SRC_STRIDE", DMA_DESC_SRC_STRIDE },
		{ "DESC_DST_STRIDE", DMA_DESC_DST_STRIDE },
		{ "DESC_SRC_FSTRIDE", DMA_DESC_SRC_FSTRIDE },
		{ "DESC_DST_FSTRIDE", DMA_DESC_DST_FSTRIDE },
	};
	for (size_t i = 0; i < sizeof(k) / sizeof(k[0]); i++) {
		lua_pushinteger(L, k[i].v);
		lua_setfield(L, -2, k[i].name);
	}
}

const luaL_Reg ldma_sys_methods[] = {
	{ "dma", l_sys_dma },
	{ NULL, NULL }
};

void ldma_open(lua_State *L)
{
	static const luaL_Reg dma_methods[] = {
		{ "channel", l_dma_channel },
		{ "set_reg", l_dma_set_reg },
		{ NULL, NULL }
	};
	static const luaL_Reg chan_methods[] = {
		{ "wait", l_chan_wait },
		{ NULL, NULL }
	};

	lsys_class(L, DMA_MT, dma_methods, l_dma_index, NULL);
	lsys_class(L, CHAN_MT, chan_methods, l_chan_index, NULL);
	push_dma_regs(L);
	lua_setfield(L, -2, "dma_regs");
}
