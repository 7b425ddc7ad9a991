/* dma_regs: the engine's register window: a driver's register accesses,
 * the doorbell that latches a transfer, guest errors.  See dma.h. */
#include <stdlib.h>
#include <string.h>

#include "dma_int.h"
#include "kernel/alloc.h"
#include "kernel/util.h"

void dma_doorbell(struct dma_chan *ch)
{
	struct dma_engine *eng = ch->eng;

	if (dma_chan_busy(ch)) {
		eng->guest_errors++;	/* a doorbell while busy is ignored */
		return;
	}
	/* The transfer runs on the values latched here: the registers may
	 * be reprogrammed for the next one while it runs. */
	ch->cur_burst = ch->burst;
	ch->cur_ctrl = ch->ctrl;
	ch->cur_len = ch->cur_done = 0;
	ch->desc_held = false;
	ch->fail_code = 0;
	ch->status = DMA_STATUS_BUSY;
	if (eng->on_start)
		eng->on_start(eng->start_ctx, ch);
	ch->started_at = ch->sim->now;
	dma_chan_trace_start(ch);
	if (!ch->burst) {
		dma_chan_fail(ch, DMA_ERR_BADDESC, 0);
		return;
	}
	if (ch->buf_size < ch->burst) {
		uint8_t *b = dm_realloc(ch->buf, ch->burst);

		if (!b) {
			dma_chan_fail(ch, DMA_ERR_SLAVE, 0);
			return;
		}
		ch->buf = b;
		ch->buf_size = ch->burst;
	}
	ch->chain = ch->ctrl & DMA_CTRL_CHAIN;
	ch->chain_len = 0;
	if (ch->seen)
		memset(ch->seen, 0, ch->seen_cap * sizeof(*ch->seen));
	if (ch->chain) {
		ch->cur_desc = ch->desc;
		dma_start_fetch(ch);
		return;
	}
	ch->cur_src = ch->src;
	ch->cur_dst = ch->dst;
	ch->cur_len = ch->len;
	ch->cur_flags = (ch->ctrl & DMA_CTRL_SRC_FIXED ? DMA_DESC_SRC_FIXED : 0) |
			(ch->ctrl & DMA_CTRL_DST_FIXED ? DMA_DESC_DST_FIXED : 0) |
			(ch->ctrl & DMA_CTRL_FLYBY ? DMA_DESC_FLYBY : 0);
	dma_start_xfer(ch);
}

uint32_t dma_reg_read(struct dma_engine *eng, uint64_t off)
{
	struct dma_chan *ch;
	unsigned i = (unsigned)(off / DMA_CH_STRIDE);

	if (i >= eng->nchan) {
		eng->guest_errors++;
		return 0;
	}
	ch = &eng->chan[i];
	switch (off % DMA_CH_STRIDE) {
	case DMA_REG_SRC_LO: return (uint32_t)ch->src;
	case DMA_REG_SRC_HI: return (uint32_t)(ch->src >> 32);
	case DMA_REG_DST_LO: return (uint32_t)ch->dst;
	case DMA_REG_DST_HI: return (uint32_t)(ch->dst >> 32);
	case DMA_REG_LEN: return ch->len;
	case DMA_REG_CTRL: return ch->ctrl;
	case DMA_REG_STATUS: return ch->status;
	case DMA_REG_RESIDUE:
		return dma_chan_busy(ch) || ch->state == DMA_ERROR ?
		       (uint32_t)(ch->cur_len - ch->cur_done) : 0;
	case DMA_REG_DESC_LO: return (uint32_t)ch->desc;
	case DMA_REG_DESC_HI: return (uint32_t)(ch->desc >> 32);
	case DMA_REG_BURST: return ch->burst;
	case DMA_REG_DONE_COUNT: return (uint32_t)ch->transfers;
	case DMA_REG_ERR_ADDR_LO: return (uint32_t)ch->err_addr;
	case DMA_REG_ERR_ADDR_HI: return (uint32_t)(ch->err_addr >> 32);
	case DMA_REG_ERR_DESC_LO: return (uint32_t)ch->err_desc;
	case DMA_REG_ERR_DESC_HI: return (uint32_t)(ch->err_desc >> 32);
	}
	eng->guest_errors++;
	return 0;
}

static void set_lo(uint64_t *r, uint32_t v)
{
	*r = (*r & ~0xffffffffull) | v;
}

static void set_hi(uint64_t *r, uint32_t v)
{
	*r = (*r & 0xffffffffull) | (uint64_t)v << 32;
}

void dma_reg_write(struct dma_engine *eng, uint64_t off, uint32_t v)
{
	struct dma_chan *ch;
	unsigned i = (unsigned)(off / DMA_CH_STRIDE);

	if (i >= eng->nchan) {
		eng->guest_errors++;
		return;
	}
	ch = &eng->chan[i];
	switch (off % DMA_CH_STRIDE) {
	case DMA_REG_SRC_LO: set_lo(&ch->src, v); return;
	case DMA_REG_SRC_HI: set_hi(&ch->src, v); return;
	case DMA_REG_DST_LO: set_lo(&ch->dst, v); return;
	case DMA_REG_DST_HI: set_hi(&ch->dst, v); return;
	case DMA_REG_LEN:
		/* a count register count_bits wide keeps the low bits */
		if (v & ~eng->count_mask)
			eng->guest_errors++;
		ch->len = v & eng->count_mask;
		return;
	case DMA_REG_DESC_LO: set_lo(&ch->desc, v); return;
	case DMA_REG_DESC_HI: set_hi(&ch->desc, v); return;
	case DMA_REG_BURST: ch->burst = v; return;
	case DMA_REG_CTRL:
		ch->ctrl = v & ~DMA_CTRL_START;
		if (v & DMA_CTRL_START)
			dma_doorbell(ch);
		return;
	case DMA_REG_STATUS:
		ch->status &= ~(v & (DMA_STATUS_DONE | DMA_STATUS_ERROR));
		if (v & DMA_STATUS_ERROR)
			ch->status &= ~0xff00u;
		return;
	}
	eng->guest_errors++;	/* unknown or read-only register */
}

static uint64_t regs_cycles(struct bus_target *t, uint64_t off, uint64_t len,
			    bool write)
{
	struct dma_engine *eng = (struct dma_engine *)t;

	(void)off;
	(void)write;
	return eng->reg_cycles + bus_beats(eng->bus, len);
}

static int regs_access(struct bus_target *t, uint64_t off, void *data,
		       uint64_t len, bool write)
{
	struct dma_engine *eng = (struct dma_engine *)t;
	uint8_t *p = data;

	if (off >= DMA_ATS_INV(eng->nchan)) {	/* the ATS block */
		if (write && eng->atc.cap)
			return dma_atc_reg_write(eng, off -
						 DMA_ATS_INV(eng->nchan),
						 data, len);
		eng->guest_errors++;
		return BUS_ERR_SLAVE;
	}
	/* 32-bit registers; an aligned 64-bit access covers a LO/HI pair. */
	if ((len != 4 && len != 8) || off % 4) {
		eng->guest_errors++;
		return BUS_ERR_SLAVE;
	}
	for (uint64_t k = 0; k < len; k += 4) {
		if (write)
			dma_reg_write(eng, off + k, (uint32_t)util_le_get(p + k, 4));
		else
			util_le_put(p + k, dma_reg_read(eng, off + k), 4);
	}
	return 0;
}

const struct bus_target_ops dma_regs_ops = {
	.cycles = regs_cycles,
	.access = regs_access,
};
