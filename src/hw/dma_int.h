/*
 * dma_int: what the files of the DMA engine model share (dma.c: the
 * channels' data path, completion and bus port; dma_chain.c: descriptor
 * chains; dma_regs.c: the register window).  Private to the model; see
 * dma.h for its interface.
 */
#ifndef DMASIM_HW_DMA_INT_H
#define DMASIM_HW_DMA_INT_H

#include "dma.h"
#include "memory.h"

/* Longest chain walked before the engine calls it a loop. */
#define DMA_MAX_CHAIN 65536u

/* What a transaction across a bridge is for (ch->remote). */
enum { REMOTE_NONE, REMOTE_READ, REMOTE_WRITE, REMOTE_FETCH,
       REMOTE_WRITEBACK, REMOTE_ATS };

static inline bool twod(const struct dma_chan *ch)
{
	return ch->cur_flags & DMA_DESC_2D;
}

/* Where byte cur_done of a 2-D transfer lies on a side starting at base
 * (dma.h: chunk r of frame f at base + f * fstride + r * stride). */
static inline uint64_t dma_2d_at(const struct dma_chan *ch, uint64_t base,
				 uint64_t stride, uint64_t fstride)
{
	uint64_t k = ch->cur_done, c = k / ch->csize;

#ifdef DMASIM_MUTATE_DMA_STRIDE_IGNORED
	(void)c;
	(void)stride;
	(void)fstride;
	return base + k;	/* strides ignored: a contiguous copy */
#else
	return base + c / ch->rows * fstride + c % ch->rows * stride +
	       k % ch->csize;
#endif
}

static inline uint64_t xfer_src(const struct dma_chan *ch)
{
	/* a fixed source (a device's FIFO) stays put; broken on purpose by
	 * DMA_SRC_FIXED_IGNORED, which walks it as memory */
#ifndef DMASIM_MUTATE_DMA_SRC_FIXED_IGNORED
	if (ch->cur_flags & DMA_DESC_SRC_FIXED)
		return ch->cur_src;
#endif
	return twod(ch) ? dma_2d_at(ch, ch->cur_src, ch->s_stride,
				    ch->s_fstride) : ch->cur_src + ch->cur_done;
}

static inline uint64_t xfer_dst(const struct dma_chan *ch)
{
	if (ch->cur_flags & DMA_DESC_DST_FIXED)
		return ch->cur_dst;
	return twod(ch) ? dma_2d_at(ch, ch->cur_dst, ch->d_stride,
				    ch->d_fstride) : ch->cur_dst + ch->cur_done;
}

/* The next burst: at most BURST, the rest, and (2-D) the chunk's rest. */
static inline uint64_t next_burst(const struct dma_chan *ch)
{
	uint64_t left = ch->cur_len - ch->cur_done;

	if (twod(ch) && ch->csize - ch->cur_done % ch->csize < left)
		left = ch->csize - ch->cur_done % ch->csize;
	return left < ch->cur_burst ? left : ch->cur_burst;
}

/* Bytes a fixed address in memory touches in a burst of n bytes: one
 * bus-width word, or the whole burst when it is shorter. */
static inline uint64_t fixed_word(const struct dma_chan *ch, uint64_t n)
{
	uint64_t w = ch->port.bus->cfg.width;

	return n < w ? n : w;
}

static inline bool src_fixed(const struct dma_chan *ch)
{
#ifdef DMASIM_MUTATE_DMA_SRC_FIXED_IGNORED
	/* broken on purpose: the source's fixed-address flag ignored */
	if (ch)
		return false;
#endif
	return ch->cur_flags & DMA_DESC_SRC_FIXED;
}

static inline bool flyby(const struct dma_chan *ch)
{
	return ch->cur_flags & DMA_DESC_FLYBY;
}

static inline bool dst_fixed(const struct dma_chan *ch)
{
	return ch->cur_flags & DMA_DESC_DST_FIXED;
}

/* Completion (dma.c). */
void dma_chan_raise(struct dma_chan *ch);
void dma_chan_trace_start(struct dma_chan *ch);
void dma_chan_trace_desc(struct dma_chan *ch, bool begin);
void dma_chan_finish(struct dma_chan *ch, enum dma_state state);
/* End the transfer with an error (writing a held descriptor's ERROR
 * flag back first). */
void dma_chan_fail(struct dma_chan *ch, unsigned code, uint64_t addr);
/* The DMA error for a data access the target answered with err. */
unsigned dma_access_error(int err);

/* The data path (dma.c). */
struct bus_target *dma_route_side(const struct dma_chan *ch, uint64_t addr,
				  uint64_t n, bool fixed, uint64_t *off);
void dma_request_xfer(struct dma_chan *ch);
void dma_start_xfer(struct dma_chan *ch);
/* A transaction across a bridge for ch (what: REMOTE_*): a data request
 * through the ATC when the engine has one (dma_atc.c). */
void dma_chan_xact(struct dma_chan *ch, int what, uint64_t addr, void *data,
		   uint64_t len, bool write, bool fixed);
/* The same as it goes on the bus: translated or not, or a translation
 * request (ats). */
void dma_chan_issue(struct dma_chan *ch, int what, uint64_t addr,
		    void *data, uint64_t len, bool write, bool fixed,
		    bool translated, bool ats);

/* The ATC (dma_atc.c; dma.h).  dma_atc_xact: true when it took the data
 * request (sent it, or a translation request first). */
int dma_atc_init(struct dma_engine *eng, unsigned entries);
void dma_atc_fini(struct dma_engine *eng);
bool dma_atc_xact(struct dma_chan *ch, int what, uint64_t addr, void *data,
		  uint64_t len, bool write, bool fixed);
/* The translation request came back (status: the read's). */
void dma_atc_answered(struct dma_chan *ch, int status);
/* A write to the ATS block: BUS_OK or BUS_ERR_SLAVE. */
int dma_atc_reg_write(struct dma_engine *eng, uint64_t off, const void *data,
		      uint64_t len);

/* Route both sides of a burst of n bytes (false: *code says why). */
bool dma_burst_route(const struct dma_chan *ch, uint64_t n, unsigned *code,
		     struct bus_target **st, uint64_t *soff,
		     struct bus_target **dt, uint64_t *doff);
/* Bus cycles of one burst of n bytes so routed, snooping included. */
uint64_t dma_burst_cycles(const struct dma_chan *ch, uint64_t n,
			  struct bus_target *st, uint64_t soff,
			  struct bus_target *dt, uint64_t doff);
/* Lower *n to what both sides' request lines cover; the time (ps) from
 * which that piece can move. */
uint64_t dma_piece_ready(struct bus_target *st, uint64_t soff,
			 struct bus_target *dt, uint64_t doff, uint64_t *n);
/* Move the bursts `cycles` bus cycles covered: 0 or a DMA_ERR_* code
 * with the failing address in *bad. */
unsigned dma_move_covered(struct dma_chan *ch, uint64_t cycles,
			  uint64_t *bad);

/* Block mode (dma_block.c): the bus port's granted op. */
void dma_block_granted(struct bus_master *m, uint64_t cycles);

/* Descriptor chains (dma_chain.c). */
void dma_start_fetch(struct dma_chan *ch);
/* Fetch the 32 bytes at cur_desc + off into descbuf + off. */
void dma_fetch_part(struct dma_chan *ch, uint32_t off);
void dma_fetched(struct dma_chan *ch);
void dma_fetched_data(struct dma_chan *ch);
void dma_written_back_or_done(struct dma_chan *ch);
void dma_written_back(struct dma_chan *ch);
void dma_written_back_status(struct dma_chan *ch, int st);

/* 2-D descriptors (dma_2d.c).  Read the second half in descbuf, check
 * the descriptor and set the channel's geometry and cur_len: 0, or a
 * DMA_ERR_* code with the failing address in *bad. */
unsigned dma_2d_load(struct dma_chan *ch, uint64_t *bad);
/* Bus cycles of the bursts of a 2-D transfer after the burst of n bytes
 * at cur_done, its sides routed as that burst's. */
uint64_t dma_2d_rest_cycles(const struct dma_chan *ch, uint64_t n,
			    struct bus_target *st, uint64_t soff,
			    struct bus_target *dt, uint64_t doff);

/* The register window (dma_regs.c). */
extern const struct bus_target_ops dma_regs_ops;

#endif
