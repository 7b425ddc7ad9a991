/*
 * dma: a DMA engine of several channels, each a bus master, programmed
 * through memory-mapped registers.
 *
 * A driver programs a channel the way it would a real controller (in the
 * spirit of the Intel 8237 and of descriptor-based engines such as the
 * Linux dmaengine's): either the registers of one transfer (SRC, DST, LEN,
 * then CTRL with START, the doorbell), or the address of a chain of
 * descriptors in memory (CTRL.CHAIN).  Each register access is a bus
 * transaction the CPU pays for: that is the setup cost.  The channel then
 * fetches descriptors over the bus, moves the data in bursts (each burst a
 * read of the source and a write of the destination, real bytes), writes
 * each descriptor's status back, and raises its interrupt line when the
 * transfer (or chain) completes or fails.  The bus's transfer mode for the
 * channel decides how many bursts one grant covers.  Burst mode is block
 * mode: one grant covers the block (every burst inside both targets),
 * each burst reaches its destination at the bus cycle it ends, and to or
 * from a paced device the channel keeps the bus while the device makes
 * it wait (bus_hold), so other masters are locked out for the block's
 * whole duration at the device's pace.  The doorbell latches
 * every register the transfer uses (addresses, length, burst size, CTRL):
 * a driver may program the next transfer while one runs; a doorbell while
 * busy is ignored and counted as a guest error.
 *
 * A transfer that touches an address no target answers, or a descriptor
 * that cannot be fetched or is malformed (misaligned, zero length, a buffer
 * running past its target, a chain that comes back to a descriptor it has
 * walked), ends the channel with STATUS.ERROR, an error code, the failing
 * address in ERR_ADDR, the failing descriptor in ERR_DESC and an
 * interrupt: a simulated error, never a host crash or hang.  In a chain, a
 * descriptor that was fetched and then failed gets ERROR written back into
 * its CTRL (as a completed one gets DONE); those after it are untouched.
 * Each descriptor costs a fetch, desc_cycles of processing and a status
 * write-back; chained segments are separated by fence_cycles.  Completion (done or
 * error) is signalled exactly once per doorbell.
 *
 * Fixed addresses (CTRL.SRC_FIXED / DST_FIXED, or the descriptor's flags):
 * the address does not advance.  It is routed by the address itself, and
 * each burst is one access of its full length there, costing the cycles
 * of that many bytes.  At a device's data register that pops (pushes) the
 * whole burst, however long: a FIFO has no extent.  In memory a fixed
 * address names one bus-width word (the width bytes from it, fewer in a
 * burst that short), which every beat of the burst (width bytes from the
 * burst's start, the last one possibly shorter) accesses: a fixed source
 * repeats that word (a fill), a fixed destination keeps what the last
 * beat left in it; nothing beyond the word is read or written, and the
 * word must lie inside the memory (else SRC or DST, RANGE in a chain).
 *
 * Fly-by (CTRL.FLYBY, or the descriptor's flag): between a memory and a
 * device on the channel's bus, each unit moves in a single bus
 * transaction: the memory is addressed while the device is acknowledged
 * (DACK) and puts its data on the bus or takes it from there, so a burst
 * costs the memory side's cycles only, half those of a read then a
 * write when both sides cost the same.  Anything else (two memories, two
 * devices, a side across a bridge) ends the channel with FLYBY.
 *
 * Paced devices (a target with a request line, bus.h's `ready` op): a
 * burst to or from one moves in pieces no larger than the line covers
 * (what the device's buffer holds), each requested once the device is
 * ready for it; each piece counts as a burst.  The handshake has its
 * timings: the channel acts on the device's request (DREQ) dreq_latency
 * after the device is ready, and each piece's acknowledge (DACK) adds
 * dack_cycles bus cycles to its tenure.  A device access that still
 * moves fewer bytes than asked (its FIFO ran empty or full: another
 * master drained it, or the transfer is longer than the device's data)
 * ends the channel with SHORT and the device's address in ERR_ADDR; the
 * bytes of that burst are not counted as moved (RESIDUE includes them),
 * and the channel never reports DONE for bytes that did not move.
 *
 * Channel state machine (ch->state), and the function behind each edge:
 *   IDLE --doorbell (dma_doorbell)--> FETCH (CHAIN) or XFER
 *   FETCH --descriptor read and checked (chan_fetched), desc_cycles of
 *           processing (chan_processed)--> XFER
 *   FETCH --first half of a 2-D descriptor read (dma_fetched_data)-->
 *           FETCH of its second half (dma_fetch_part)
 *   XFER --bursts moved, more to go (chan_bursts_done, chan_request_xfer;
 *           to a paced device after waiting for it, chan_wake_event)--> XFER
 *   XFER --last burst moved (chan_bursts_done)--> WRITEBACK (CHAIN) or DONE
 *   WRITEBACK --status written (chan_written_back), fence_cycles
 *           (chan_fenced)--> FETCH (next) or DONE
 *   FETCH/XFER/WRITEBACK --bus or descriptor error, or a short device
 *           access (chan_fail)--> ERROR
 *   XFER --error once a descriptor was fetched (chan_fail)--> WRITEBACK
 *     of its ERROR flag --chan_written_back--> ERROR
 *   DONE/ERROR --doorbell--> FETCH or XFER
 */
#ifndef DMASIM_HW_DMA_H
#define DMASIM_HW_DMA_H

#include <stdbool.h>
#include <stdint.h>

#include "bus.h"
#include "intc.h"
#include "xact.h"
#include "kernel/proc.h"

/* Register map of one channel: name, offset, access, meaning.  32-bit
 * registers; channel i's block starts at i * DMA_CH_STRIDE. */
#define DMA_REGS(X)                                                          \
	X(SRC_LO, 0x00, "rw", "source bus address, bits 31..0")            \
	X(SRC_HI, 0x04, "rw", "source bus address, bits 63..32")           \
	X(DST_LO, 0x08, "rw", "destination bus address, bits 31..0")       \
	X(DST_HI, 0x0c, "rw", "destination bus address, bits 63..32")      \
	X(LEN, 0x10, "rw", "bytes to move (count_bits wide: higher bits "  \
	  "are dropped, a guest error)")                                   \
	X(CTRL, 0x14, "rw", "START(0) IRQ_EN(1) SRC_FIXED(2) DST_FIXED(3) " \
	  "CHAIN(4) FLYBY(5); writing START rings the doorbell")           \
	X(STATUS, 0x18, "w1c", "BUSY(0, ro) DONE(1) ERROR(2); error code " \
	  "in bits 15..8")                                                 \
	X(RESIDUE, 0x1c, "ro", "bytes left of the current transfer")       \
	X(DESC_LO, 0x20, "rw", "first descriptor of a chain, bits 31..0")  \
	X(DESC_HI, 0x24, "rw", "first descriptor, bits 63..32")            \
	X(BURST, 0x28, "rw", "burst size in bytes (> 0)")                  \
	X(DONE_COUNT, 0x2c, "ro", "transfers completed since power-on")    \
	X(ERR_ADDR_LO, 0x30, "ro", "failing address, bits 31..0")          \
	X(ERR_ADDR_HI, 0x34, "ro", "failing address, bits 63..32")        \
	X(ERR_DESC_LO, 0x38, "ro", "failing descriptor, bits 31..0")       \
	X(ERR_DESC_HI, 0x3c, "ro", "failing descriptor, bits 63..32")

enum {
#define DMA_REG_ENUM(name, off, acc, what) DMA_REG_##name = (off),
	DMA_REGS(DMA_REG_ENUM)
#undef DMA_REG_ENUM
};

#define DMA_CH_STRIDE 0x40

/* CTRL bits */
#define DMA_CTRL_START (1u << 0)
#define DMA_CTRL_IRQ_EN (1u << 1)
#define DMA_CTRL_SRC_FIXED (1u << 2)
#define DMA_CTRL_DST_FIXED (1u << 3)
#define DMA_CTRL_CHAIN (1u << 4)
#define DMA_CTRL_FLYBY (1u << 5)
/* Data requests marked already translated (an ATS device claiming its
 * addresses are physical; an IOMMU trusting it does not check them). */
#define DMA_CTRL_TRANSLATED (1u << 6)
/* STATUS bits */
#define DMA_STATUS_BUSY (1u << 0)
#define DMA_STATUS_DONE (1u << 1)
#define DMA_STATUS_ERROR (1u << 2)
#define DMA_STATUS_CODE(s) (((s) >> 8) & 0xff)

/* Error codes in STATUS bits 15..8. */
#define DMA_ERRORS(X)                                                        \
	X(NONE, 0, "no error")                                              \
	X(SRC, 1, "no target answers the source address")                   \
	X(DST, 2, "no target answers the destination address")              \
	X(DESC, 3, "the descriptor could not be fetched")                   \
	X(SLAVE, 4, "a target refused the access")                          \
	X(BADDESC, 5, "malformed descriptor (zero length, zero 2-D count, " \
	  "or a 2-D total over 4 GiB - 1)")                                 \
	X(WRITEBACK, 6, "the descriptor status could not be written back")  \
	X(LOOP, 7, "the descriptor chain loops")                            \
	X(ALIGN, 8, "misaligned descriptor (not on a 32-byte boundary)")    \
	X(RANGE, 9, "a descriptor's buffer runs past the end of its target") \
	X(SHORT, 10, "a device moved fewer bytes than the burst (its FIFO "  \
	  "ran empty or full)")                                             \
	X(FLYBY, 11, "a fly-by transfer needs a memory on one side and a "  \
	  "device on the other, on the channel's own bus")

enum {
#define DMA_ERR_ENUM(name, code, what) DMA_ERR_##name = (code),
	DMA_ERRORS(DMA_ERR_ENUM)
#undef DMA_ERR_ENUM
};

const char *dma_error_string(unsigned code);

/* A descriptor in memory: 32 bytes, little-endian. */
#define DMA_DESC_SIZE 32
#define DMA_DESC_SRC 0x00	/* u64 */
#define DMA_DESC_DST 0x08	/* u64 */
#define DMA_DESC_LEN 0x10	/* u32 */
#define DMA_DESC_CTRL 0x14	/* u32: IRQ(0) SRC_FIXED(1) DST_FIXED(2)
				   FLYBY(3);
				   DONE(30) ERROR(31) written back */
#define DMA_DESC_NEXT 0x18	/* u64: next descriptor, 0 ends the chain */
#define DMA_DESC_IRQ (1u << 0)
#define DMA_DESC_SRC_FIXED (1u << 1)
#define DMA_DESC_DST_FIXED (1u << 2)
#define DMA_DESC_FLYBY (1u << 3)
#define DMA_DESC_2D (1u << 4)	/* a 2-D descriptor: 64 bytes, see below */
#define DMA_DESC_DONE (1u << 30)
#define DMA_DESC_ERROR (1u << 31)

/*
 * A 2-D strided descriptor (DMA_DESC_2D in CTRL): the 32 bytes above, LEN
 * being the chunk size, then a second half of 32 bytes the engine fetches
 * as a second read once it has seen the flag.  It moves FRAMES frames of
 * ROWS chunks of LEN bytes each.  Chunk r of frame f starts at
 *   SRC + f * SRC_FSTRIDE + r * SRC_STRIDE   (source)
 *   DST + f * DST_FSTRIDE + r * DST_STRIDE   (destination)
 * Strides are start to start, in bytes; a stride equal to LEN is
 * contiguous, and stride - LEN is the gap that Linux's interleaved
 * template (struct dma_interleaved_template: numf frames of frame_size
 * chunks, each chunk's size with its icg, src_icg and dst_icg gaps) calls
 * the inter-chunk gap.  The frame strides generalise that template, where
 * a frame starts where the last chunk's gap ends, so that one descriptor
 * can walk a matrix by columns.  A fixed side ignores its strides.  No
 * burst crosses a chunk boundary.  Malformed (BADDESC): a zero ROWS or
 * FRAMES, or LEN * ROWS * FRAMES over 2^32 - 1 bytes; each moving side's
 * extent, from SRC (DST) to the end of its last chunk, must lie inside
 * one target and not wrap past 2^64 (RANGE).
 */
#define DMA_DESC2D_SIZE 64
#define DMA_DESC_ROWS 0x20	/* u32: chunks per frame */
#define DMA_DESC_FRAMES 0x24	/* u32: frames */
#define DMA_DESC_SRC_STRIDE 0x28	/* u32: bytes between source chunks */
#define DMA_DESC_DST_STRIDE 0x2c	/* u32: between destination chunks */
#define DMA_DESC_SRC_FSTRIDE 0x30	/* u32: between source frames */
#define DMA_DESC_DST_FSTRIDE 0x34	/* u32: between destination frames */
				/* 0x38..0x3f reserved */

enum dma_state {
	DMA_IDLE,
	DMA_FETCH,
	DMA_XFER,
	DMA_WRITEBACK,
	DMA_DONE,
	DMA_ERROR
};

struct dma_engine;

/*
 * ATS (PCI Express Address Translation Services): with cfg.atc entries the
 * engine keeps a cache of translations of its own (an ATC, 4 KiB pages,
 * fully associative, least recently used out).  A data request whose
 * address goes up through a bridge, and whose piece lies inside one page,
 * looks it up: a hit is sent as a translated request (the physical
 * address, marked translated: an IOMMU that trusts the device lets it
 * through unchecked); a miss first sends a translation request (an
 * 8-byte read the IOMMU answers with the page's translation), keeps the
 * answer and then sends the request translated.  An answer without the
 * permission the request needs, or a piece across pages, goes
 * untranslated: the IOMMU decides.  The ATC forgets a translation only
 * when told: an invalidation request (ATS_INV_SIZE (hw/ats.h) bytes: IOVA,
 * length (0: all), where to write the completion) written to the ATS
 * register at the end of the channels' registers (DMA_ATS_INV(channels))
 * drops the entries in the range, then the engine writes a completion
 * (a 4-byte message) to the given address.
 */
#define DMA_ATS_INV(nchan) ((uint64_t)(nchan) * DMA_CH_STRIDE)
#define DMA_ATS_REGS 0x40	/* bytes of the ATS block */

struct dma_atc_entry {
	uint64_t page, pa;	/* 4 KiB page numbers: IOVA, physical */
	uint64_t used;		/* LRU stamp */
	uint8_t perm;		/* ATS_R | ATS_W (hw/ats.h) */
};

struct dma_atc {
	unsigned cap, n;		/* entries (0: no ATS), in use */
	struct dma_atc_entry *e;
	uint64_t stamp;
	struct bus_master port;		/* invalidation completions */
	struct xact x;
	uint8_t done[4];
	uint64_t reply;			/* where the completion goes */
	uint32_t owed;			/* completions not yet sent */
	/* statistics */
	uint64_t hits, misses, refused, invalidations, requests;
};

struct dma_chan {
	struct bus_master port;
	struct dma_engine *eng;
	unsigned index;
	struct sim *sim;
	char name[32];
	enum dma_state state;
	uint32_t track;			/* trace track, 0 when not traced */
	bool desc_traced;		/* a descriptor span is open */
	/* registers */
	uint64_t src, dst, desc;
	uint32_t len, ctrl, status, burst;
	uint64_t err_addr;
	uint64_t err_desc;
	/* the transfer in progress */
	uint64_t cur_src, cur_dst, cur_desc;
	uint64_t cur_len, cur_done;	/* bytes */
	uint32_t cur_flags;		/* DMA_DESC_* of the transfer */
	uint32_t cur_burst;		/* bytes: BURST at the doorbell */
	uint32_t cur_ctrl;		/* CTRL at the doorbell */
	bool chain;
	uint64_t next_desc;		/* chain: the descriptor after this */
	uint32_t chain_len;		/* descriptors walked this doorbell */
	uint64_t *seen;			/* descriptors walked: a hash set */
	uint32_t seen_cap;
	/* past DMA_MAX_CHAIN descriptors: Brent's cycle detection */
	uint64_t brent_mark;		/* the descriptor compared against */
	uint64_t brent_power, brent_lam;
	bool desc_held;			/* cur_desc fetched, status not yet
					   written back */
	unsigned fail_code;		/* DMA_ERR_* being written back */
	uint64_t fail_addr;		/* its failing address */
	uint64_t piece;			/* bytes of the burst in flight */
	uint64_t pos;			/* bus cycles into the current burst */
	uint8_t *buf;			/* one burst */
	uint32_t buf_size;
	uint8_t descbuf[DMA_DESC2D_SIZE];
	uint32_t fetch_off;		/* bytes: which half is being fetched */
	/* a 2-D descriptor's geometry (DMA_DESC_2D in cur_flags) */
	uint64_t csize;			/* bytes per chunk */
	uint64_t rows;			/* chunks per frame */
	uint64_t s_stride, d_stride;	/* bytes, chunk to chunk */
	uint64_t s_fstride, d_fstride;	/* bytes, frame to frame */
	uint8_t wb[4];			/* a descriptor's status written back */
	int remote;			/* a transaction across a bridge in
					   flight (dma.c REMOTE_*) */
	struct xact xact;		/* that transaction */
	/* the request waiting for its translation (REMOTE_ATS) */
	struct {
		int what;
		uint64_t addr, len;
		void *data;
		bool write, fixed;
	} atw;
	uint8_t atbuf[8];		/* the translation's answer */
	struct ev_handle wake;		/* waiting for a device to be ready */
	/* block mode (a burst-mode channel): the bursts of one tenure are
	 * delivered one by one as the bus moves them */
	bool block;			/* this tenure is a block's */
	uint64_t blk_mark;		/* ps: where the burst in flight began */
	struct ev_handle piece_ev;	/* the end of a burst inside the tenure */
	unsigned blk_code;		/* DMA_ERR_* met inside the tenure, */
	uint64_t blk_bad;		/* reported at its release */
	struct signal done;		/* notified at each completion */
	/* statistics */
	uint64_t bursts_done;
	uint64_t transfers;		/* completed, descriptors included */
	uint64_t errors;
	uint64_t bytes;
	uint64_t desc_fetches;
	uint64_t started_at;		/* ps: last doorbell */
	uint64_t done_at;		/* ps: last completion */
};

struct dma_engine {
	struct bus_target regs;
	struct sim *sim;
	struct bus *bus;
	char name[32];
	unsigned nchan;
	struct dma_chan *chan;
	uint64_t reg_cycles;	/* bus cycles per register access */
	uint64_t desc_cycles;	/* bus cycles to process a descriptor */
	uint64_t fence_cycles;	/* bus cycles between chained segments */
	uint32_t count_mask;	/* what LEN holds: count_bits ones */
	uint64_t dreq_latency;	/* ps from a device's request to the channel
				   acting on it */
	uint64_t dack_cycles;	/* bus cycles of acknowledge per piece */
	struct irq_sink irq;	/* channel i raises irq.line + i */
	uint64_t guest_errors;	/* accesses to unknown or read-only regs */
	struct dma_atc atc;	/* ATS: see above */
	/* told when a doorbell starts a channel (NULL: nobody) */
	void (*on_start)(void *ctx, struct dma_chan *ch);
	void *start_ctx;
};

struct dma_config {
	unsigned channels;
	uint64_t base;		/* bus address of the register window */
	uint64_t reg_latency;	/* ps per register access */
	uint32_t burst;		/* default burst size in bytes */
	uint64_t desc_cycles;	/* bus cycles of work per descriptor */
	uint64_t fence_cycles;	/* bus cycles of fence between segments */
	unsigned count_bits;	/* width of LEN, 1..32; 0: 32 */
	uint64_t dreq_latency;	/* ps: DREQ seen after the device is ready */
	uint64_t dack_cycles;	/* bus cycles of DACK per device piece */
	enum bus_mode mode;
	int priority;
	unsigned atc;		/* ATS translation cache entries (0: none) */
};

/*
 * Create an engine: map its registers on the bus at cfg->base and attach
 * its channels as masters named "<name>.ch<i>".  Returns 0, DMASIM_EINVAL
 * or DMASIM_ENOMEM.
 */
int dma_engine_init(struct dma_engine *eng, struct sim *sim, struct bus *bus,
		    const char *name, const struct dma_config *cfg);
void dma_engine_fini(struct dma_engine *eng);

static inline bool dma_chan_busy(const struct dma_chan *ch)
{
	return ch->state != DMA_IDLE && ch->state != DMA_DONE &&
	       ch->state != DMA_ERROR;
}

/* Register access by offset in the window (what the bus calls). */
uint32_t dma_reg_read(struct dma_engine *eng, uint64_t off);
void dma_reg_write(struct dma_engine *eng, uint64_t off, uint32_t v);

#endif
