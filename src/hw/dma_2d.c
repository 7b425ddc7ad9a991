/*
 * dma_2d: 2-D strided descriptors: frames of chunks, each side with its
 * own chunk and frame strides (the layout and its rules: dma.h).  The
 * data path (dma.c) walks the transfer by cur_done as for a contiguous
 * one; only the address of each byte (dma_int.h: dma_2d_at) and the
 * burst boundaries (no burst crosses a chunk) differ.  This file checks
 * a fetched descriptor and prices a tenure's remaining bursts.
 */
#include "dma_int.h"
#include "kernel/util.h"

/* Bytes from a side's start to the end of its last chunk; false when
 * that does not fit in 64 bits. */
static bool side_extent(uint64_t csize, uint64_t rows, uint64_t frames,
			uint64_t stride, uint64_t fstride, uint64_t *ext)
{
	/* each product is below 2^64: both factors are below 2^32 */
	uint64_t a = (frames - 1) * fstride, b = (rows - 1) * stride;

	if (a > UINT64_MAX - b || a + b > UINT64_MAX - csize)
		return false;
	*ext = a + b + csize;
	return true;
}

/* One side of the descriptor inside one target: 0, or RANGE. */
static unsigned side_ok(const struct dma_chan *ch, uint64_t addr, bool fixed,
			uint64_t stride, uint64_t fstride, uint64_t frames)
{
	uint64_t ext, off;

	if (fixed) {
		/* what its longest burst touches (dma_route_side) */
		ext = ch->cur_burst < ch->csize ? ch->cur_burst : ch->csize;
		return dma_route_side(ch, addr, ext, true, &off) ? 0 :
		       DMA_ERR_RANGE;
	}
	if (!side_extent(ch->csize, ch->rows, frames, stride, fstride, &ext) ||
	    ext - 1 > UINT64_MAX - addr)
		return DMA_ERR_RANGE;	/* wraps past 2^64 */
	return dma_route_side(ch, addr, ext, false, &off) ? 0 : DMA_ERR_RANGE;
}

unsigned dma_2d_load(struct dma_chan *ch, uint64_t *bad)
{
	const uint8_t *d = ch->descbuf;
	uint64_t rows = util_le_get(d + DMA_DESC_ROWS, 4);
	uint64_t frames = util_le_get(d + DMA_DESC_FRAMES, 4);
	uint64_t frame_bytes = ch->cur_len * rows;	/* below 2^64 */
	unsigned code;

	if (!rows || !frames || frame_bytes > UINT32_MAX / frames) {
		*bad = ch->cur_desc;
		return DMA_ERR_BADDESC;
	}
	ch->csize = ch->cur_len;
	ch->rows = rows;
	ch->s_stride = util_le_get(d + DMA_DESC_SRC_STRIDE, 4);
	ch->d_stride = util_le_get(d + DMA_DESC_DST_STRIDE, 4);
	ch->s_fstride = util_le_get(d + DMA_DESC_SRC_FSTRIDE, 4);
	ch->d_fstride = util_le_get(d + DMA_DESC_DST_FSTRIDE, 4);
	code = side_ok(ch, ch->cur_src, src_fixed(ch), ch->s_stride,
		       ch->s_fstride, frames);
	if (code) {
		*bad = ch->cur_src;
		return code;
	}
	code = side_ok(ch, ch->cur_dst, dst_fixed(ch), ch->d_stride,
		       ch->d_fstride, frames);
	if (code) {
		*bad = ch->cur_dst;
		return code;
	}
	ch->cur_len = frame_bytes * frames;
	return 0;
}

/* Bus cycles of len bytes of one chunk, in bursts of at most BURST. */
static uint64_t run_cycles(const struct dma_chan *ch, uint64_t len,
			   struct bus_target *st, uint64_t soff,
			   struct bus_target *dt, uint64_t doff)
{
	uint64_t b = ch->cur_burst, c = 0;

	if (len >= b)
		c = len / b * dma_burst_cycles(ch, b, st, soff, dt, doff);
	if (len % b)
		c += dma_burst_cycles(ch, len % b, st, soff, dt, doff);
	return c;
}

uint64_t dma_2d_rest_cycles(const struct dma_chan *ch, uint64_t n,
			    struct bus_target *st, uint64_t soff,
			    struct bus_target *dt, uint64_t doff)
{
	/* the rest of this chunk, then whole chunks (all of csize) */
	uint64_t in = ch->cur_done % ch->csize + n;
	uint64_t rest = ch->csize - in;
	uint64_t chunks = (ch->cur_len - ch->cur_done - n - rest) / ch->csize;

	return run_cycles(ch, rest, st, soff, dt, doff) +
	       chunks * run_cycles(ch, ch->csize, st, soff, dt, doff);
}
