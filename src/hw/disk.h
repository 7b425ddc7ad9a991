/*
 * disk: a block-storage controller in the shape of NVMe (NVM Express Base
 * Specification 1.4, sections 3.1 (registers), 4 (queues, PRPs,
 * completion entries) and the NVM command set's Read and Write), with an
 * NVMe-like media (a fixed latency and an internal bandwidth) or a
 * classic rotating one (seek, rotational latency, transfer) for textbook
 * exercises.
 *
 * The controller is a bus target (its registers) and a bus master (its
 * DMA).  Software keeps one submission queue (SQ) and one completion
 * queue (CQ) in host memory: the admin queue pair of the specification,
 * used here for the NVM commands too (one queue pair is all a course
 * exercise needs).  A write of the SQ tail doorbell tells the controller
 * that commands wait; it fetches each 64-byte command by DMA from the SQ,
 * reads the PRP list by DMA when the transfer spans more than two pages,
 * runs the media, moves the data by DMA page segment by page segment,
 * writes a 16-byte completion entry by DMA into the CQ (its phase bit
 * flipping each time the CQ wraps) and raises its interrupt line
 * (coalesced: once `coalesce` entries are waiting, or when it goes idle
 * with any waiting).  Commands run one after another, in SQ order.
 *
 * Media time per command:
 *   NVME      latency + bytes / bandwidth
 *   ROTATING  latency (controller overhead) + seek + rotation + transfer:
 *     average mode: seek = `seek` (the average), rotation = half a
 *       revolution (30 / rpm s), transfer = bytes / bandwidth (or, with
 *       bandwidth 0, sectors / sectors_per_track revolutions);
 *     positional mode: seek by track distance d (tracks of
 *       sectors_per_track blocks): 0 for d = 0, else
 *       seek_min + 3 (seek - seek_min) d / tracks, whose mean over
 *       uniformly random pairs of tracks (mean d = tracks / 3) is `seek`;
 *       rotation: until the first sector comes under the head, the
 *       platter turning from angle 0 at time 0; transfer: the sectors'
 *       share of a revolution.
 *
 * The backing store holds real bytes, in 64 KiB chunks allocated when
 * first written (untouched blocks read as zeros), so a large disk costs
 * nothing until used.
 *
 * Register window (DISK_WINDOW bytes), little-endian:
 *   0x00  CAP    ro  8  MQES (15:0) = queue entries - 1
 *   0x08  VS     ro  4  0x00010400 (1.4)
 *   0x14  CC     rw  4  bit 0 EN: enable (the queues' registers are read
 *                       when it goes 0 -> 1; 1 -> 0 resets the queues)
 *   0x1c  CSTS   ro  4  bit 0 RDY, bit 1 CFS (fatal: a command fetch or a
 *                       completion write failed on the bus)
 *   0x24  AQA    rw  4  SQ entries - 1 (11:0), CQ entries - 1 (27:16)
 *   0x28  ASQ    rw  8  SQ base (bus address, 64-byte aligned)
 *   0x30  ACQ    rw  8  CQ base (bus address, 16-byte aligned)
 *   0x1000 SQTDBL wo 4  SQ tail doorbell
 *   0x1004 CQHDBL wo 4  CQ head doorbell
 * An access to another offset, or of another width, is refused
 * (BUS_ERR_SLAVE) and counted.
 *
 * Command (64 bytes): opcode (byte 0: 0x00 flush, 0x01 write, 0x02 read),
 * command id (bytes 2-3), PRP1 (24-31), PRP2 (32-39), starting LBA
 * (40-47), blocks - 1 (48-49).  Completion (16 bytes): SQ head (8-9),
 * SQ id 0 (10-11), command id (12-13), status (14-15): bit 0 the phase,
 * bits 8:1 the status code (DISK_SC_*).
 *
 * Controller state machine (disk->state), the function behind each edge:
 *   OFF --CC.EN 1 (disk_enable)--> IDLE
 *   IDLE --SQ tail doorbell, head != tail (disk_kick)--> FETCH
 *   FETCH --command read (fetch_done), needs a PRP list--> PRPLIST
 *   FETCH/PRPLIST --read: media_start--> MEDIA --media_done--> DATA
 *   FETCH/PRPLIST --write: data_next--> DATA --all read--> MEDIA
 *   DATA/MEDIA --finished (post)--> CQE (CQ full: WAIT_CQ until the CQ
 *               head doorbell)
 *   CQE --entry written (cqe_done)--> FETCH (more) or IDLE
 *   any --bus error on a fetch or entry write--> FAILED (CSTS.CFS)
 *   any --CC.EN 0--> OFF (a transaction in flight completes unseen)
 */
#ifndef DMASIM_HW_DISK_H
#define DMASIM_HW_DISK_H

#include <stdbool.h>
#include <stdint.h>

#include "bus.h"
#include "intc.h"
#include "xact.h"

#define DISK_WINDOW 0x2000
#define DISK_CAP 0x00
#define DISK_VS 0x08
#define DISK_CC 0x14
#define DISK_CSTS 0x1c
#define DISK_AQA 0x24
#define DISK_ASQ 0x28
#define DISK_ACQ 0x30
#define DISK_SQTDBL 0x1000
#define DISK_CQHDBL 0x1004

#define DISK_CMD_SIZE 64
#define DISK_CQE_SIZE 16
#define DISK_PAGE 4096		/* memory page size of PRPs */
#define DISK_MAX_XFER (512u * DISK_PAGE)	/* one PRP list page */

#define DISK_OP_FLUSH 0x00
#define DISK_OP_WRITE 0x01
#define DISK_OP_READ 0x02

/* Status codes (generic command status, NVMe 1.4 figure 126). */
#define DISK_SC_OK 0x00
#define DISK_SC_BAD_OPCODE 0x01
#define DISK_SC_BAD_FIELD 0x02
#define DISK_SC_XFER_ERROR 0x04	/* data transfer error: a DMA failed */
#define DISK_SC_LBA_RANGE 0x80

#define DISK_CSTS_RDY 1u
#define DISK_CSTS_CFS 2u

enum disk_kind { DISK_NVME, DISK_ROTATING };

enum disk_state { DISK_OFF, DISK_IDLE, DISK_FETCH, DISK_PRPLIST, DISK_MEDIA,
		  DISK_DATA, DISK_CQE, DISK_WAIT_CQ, DISK_FAILED };

struct disk_config {
	enum disk_kind kind;
	uint64_t size;		/* bytes of media, a multiple of block */
	uint32_t block;		/* bytes per logical block (512) */
	uint32_t queue;		/* most entries a queue may have (2..4096) */
	uint64_t reg_latency;	/* ps per register access */
	uint64_t latency;	/* ps per command: the media's access (NVME),
				 * the controller's overhead (ROTATING) */
	double bandwidth;	/* bytes/s of the media's transfer; 0 with
				 * ROTATING: from rpm and sectors per track */
	uint32_t coalesce;	/* completions per interrupt (1) */
	/* ROTATING */
	double rpm;		/* revolutions per minute */
	uint64_t seek;		/* ps: average seek */
	uint64_t seek_min;	/* ps: track-to-track seek (positional) */
	uint32_t sectors_per_track;
	bool positional;	/* seek by distance, rotation by position */
};

struct disk {
	struct bus_target tgt;	/* first: the registers */
	struct bus_master port;	/* its DMA */
	struct disk_config cfg;
	struct sim *sim;
	struct bus *bus;
	char name[32];
	uint64_t reg_cycles;	/* bus cycles of latency per register access */
	struct irq_sink irq;	/* raise NULL: none */
	/* registers */
	uint32_t cc, csts, aqa;
	uint64_t asq, acq;
	/* queue state, from the registers at enable */
	enum disk_state state;
	uint32_t sq_n, cq_n;	/* entries */
	uint32_t sq_head, sq_tail, cq_head, cq_tail;
	uint8_t phase;		/* the phase bit of the next entry */
	/* the command in flight */
	uint8_t cmd[DISK_CMD_SIZE];
	uint8_t cqe[DISK_CQE_SIZE];
	uint8_t opcode;
	uint16_t cid;
	uint16_t sc;		/* its status code */
	uint64_t lba, nbytes;
	uint64_t prp[DISK_MAX_XFER / DISK_PAGE + 1];	/* page addresses */
	uint32_t nprp;		/* entries used */
	uint32_t seg;		/* data segment in flight */
	uint64_t seg_off;	/* bytes of the data moved before it */
	uint8_t *buf;		/* DISK_MAX_XFER: the controller's buffer */
	uint32_t irq_due;	/* completions not yet signalled */
	struct xact x;
	int xwhat;		/* what x is for (disk.c) */
	struct ev_handle ev;	/* the media's time, or a kick */
	uint64_t head_track;	/* ROTATING: where the head is */
	/* backing store: [regions][chunks] of DISK_CHUNK bytes */
	uint8_t ***region;
	uint64_t nregions;
	/* statistics */
	uint64_t commands, reads, writes, flushes, errors;
	uint64_t bytes_read, bytes_written;	/* by the host's commands */
	uint64_t dma_xacts, dma_bytes;	/* data moved by its DMA */
	uint64_t fetches, cqes, irqs, doorbells, bad_regs;
	uint64_t media_ps;	/* ps the media was busy */
	uint64_t seeks;		/* ROTATING: seeks to another track */
	uint64_t chunks;	/* host chunks of backing store allocated */
};

#define DISK_CHUNK_SHIFT 16
#define DISK_CHUNK (1u << DISK_CHUNK_SHIFT)

/*
 * Create a disk, map its registers at base on bus and attach its DMA as a
 * master there (burst mode, with priority).  Returns 0, DMASIM_EINVAL
 * (a malformed configuration, or the window overlaps another target) or
 * DMASIM_ENOMEM.
 */
int disk_init(struct disk *d, struct sim *sim, struct bus *bus,
	      const char *name, uint64_t base, const struct disk_config *cfg,
	      int priority);
void disk_fini(struct disk *d);
/* Where its completion interrupts go. */
static inline void disk_set_irq(struct disk *d, struct irq_sink irq)
{
	d->irq = irq;
}

/* Media time (ps) of a command moving nbytes from lba, the head at its
 * current track, starting at time `at`; moves the head. */
uint64_t disk_media_ps(struct disk *d, uint64_t lba, uint64_t nbytes,
		       uint64_t at);

/* Untimed access to the backing store (set-up and checks): [off,
 * off + len) must lie inside the disk.  Return 0, DMASIM_ERANGE or
 * DMASIM_ENOMEM. */
int disk_image_read(struct disk *d, uint64_t off, void *dst, uint64_t len);
int disk_image_write(struct disk *d, uint64_t off, const void *src,
		     uint64_t len);

/* Build a command (64 bytes) and read a completion entry (16 bytes). */
void disk_cmd_build(uint8_t *cmd, uint8_t opcode, uint16_t cid, uint64_t prp1,
		    uint64_t prp2, uint64_t lba, uint32_t nblocks);
static inline uint16_t disk_cqe_cid(const uint8_t *e)
{
	return (uint16_t)(e[12] | e[13] << 8);
}
static inline uint16_t disk_cqe_status(const uint8_t *e)
{
	return (uint16_t)(e[14] | e[15] << 8);
}
static inline uint16_t disk_cqe_sq_head(const uint8_t *e)
{
	return (uint16_t)(e[8] | e[9] << 8);
}

/* Invariant checker: queue indices inside the queues, state consistent. */
bool disk_check(const struct disk *d);

#endif
