/*
 * camera: a video capture device streaming frames by DMA into a ring of
 * buffers that the application queues and dequeues, with the semantics
 * of V4L2's streaming I/O (VIDIOC_QBUF, VIDIOC_DQBUF, STREAMON; the Linux
 * Media Infrastructure API, "Streaming I/O (User Pointers)").
 *
 * A frame of `frame` bytes comes every `period` ps from the start, read
 * out line by line: line i of `lines` is ready at the frame's start plus
 * (i + 1) * period / (lines + lines / 24 + 1) (the rest of the period is
 * vertical blanking), and is written by DMA (writes of at most
 * `burst` bytes through hw/xact, so it crosses bridges) into the buffer
 * the frame took.  At its start a frame takes the oldest queued buffer;
 * a frame that finds none is dropped and counted (`drops`), as is one
 * that starts while the previous one is still being written (`overruns`).
 * When its last line is written, and an 8-byte read of the buffer has
 * come back behind those writes (a bridge returns a read only after the
 * posted writes ahead of it, as PCIe orders an interrupt after the data),
 * the buffer is done: it joins the done
 * queue with the frame's sequence number (frames counted from 0, dropped
 * ones included, as V4L2's sequence field) and time, the frame hook runs
 * and the interrupt line (if any) is raised.  The application dequeues
 * done buffers in order and queues them again.
 *
 * A frame's bytes: its sequence number (8 bytes, little-endian), then a
 * pattern of the seed, the sequence number and the offset
 * (camera_pattern()), so a test checks every byte delivered.
 *
 * Register window (camera_map; 4 KiB, 32-bit registers, a buffer's
 * 64-bit address also as one 8-byte access), a driver's view of the
 * ioctls above:
 *   0x00 CTRL     rw  bit 0 STREAMON: writing 1 starts streaming
 *                     (camera_streamon); reads 1 once streaming; writing
 *                     0 has no effect (STREAMOFF is not modelled)
 *   0x04 IMS      rw  interrupt causes enabled: bit 0 FRAME (set at reset,
 *                     so a camera driven by the direct calls interrupts)
 *   0x08 ICR      rw  causes raised (write 1 to clear)
 *   0x10 QBUF     wo  write an index: VIDIOC_QBUF (camera_qbuf)
 *   0x14 DQBUF    ro  read: VIDIOC_DQBUF, popping the oldest done buffer:
 *                     bit 31 VALID, bits 24..28 its index, bits 0..23 the
 *                     low bits of its frame's sequence number (the frame's
 *                     first 8 bytes hold all of it); 0 when none is done
 *                     (EAGAIN)
 *   0x20 FRAMES   ro  frames started        0x24 CAPTURED  ro
 *   0x28 DROPS    ro                        0x2C OVERRUNS  ro
 *   0x100 + 16 i  buffer i (i < buffers):
 *         +0 ADDR rw  its bus address (64-bit)
 *         +8 LEN  rw  its length in bytes (at least a frame)
 * Refused (BUS_ERR_SLAVE) and counted as a guest error: another offset,
 * a misaligned or odd-sized access, a read of QBUF or a write of a
 * read-only register, a QBUF of a buffer that is not the application's
 * or has no length, a write of ADDR or LEN while the buffer is queued,
 * and a LEN shorter than a frame.  A frame done sets ICR's FRAME and,
 * when IMS enables it, raises the interrupt; enabling FRAME while it is
 * raised raises the interrupt once.
 *
 * Buffer states (struct camera_buf):
 *   APP --camera_qbuf--> QUEUED --frame start (camera_frame)--> ACTIVE
 *   ACTIVE --last line written--> DONE --camera_dqbuf--> APP
 * The watch hook sees QUEUED and ACTIVE (filling): the sanitizer checks
 * there that the buffer is pinned.
 */
#ifndef DMASIM_HW_CAMERA_H
#define DMASIM_HW_CAMERA_H

#include <stdbool.h>
#include <stdint.h>

#include "bus.h"
#include "intc.h"
#include "xact.h"

#define CAMERA_MAX_BUFS 32
#define CAMERA_MAX_LINE 65536	/* bytes */
#define CAMERA_WINDOW 0x1000	/* bytes of the register window */

enum camera_reg {
	CAMERA_CTRL = 0x00, CAMERA_IMS = 0x04, CAMERA_ICR = 0x08,
	CAMERA_QBUF = 0x10, CAMERA_DQBUF = 0x14,
	CAMERA_FRAMES = 0x20, CAMERA_CAPTURED = 0x24, CAMERA_DROPS = 0x28,
	CAMERA_OVERRUNS = 0x2C,
	CAMERA_BUFTAB = 0x100		/* + 16 i: ADDR (+0), LEN (+8) */
};

#define CAMERA_CTRL_STREAMON 1u
#define CAMERA_INT_FRAME 1u
#define CAMERA_DQ_VALID 0x80000000u
#define CAMERA_DQ_INDEX(v) (((v) >> 24) & 0x1fu)
#define CAMERA_DQ_SEQ_MASK 0xffffffu

enum camera_buf_state { CAMERA_APP, CAMERA_QUEUED, CAMERA_ACTIVE,
			CAMERA_DONE };

struct camera_buf {
	uint64_t addr, len;	/* bus address, bytes */
	enum camera_buf_state state;
	uint64_t seq;		/* frame held (DONE) */
	uint64_t at;		/* ps: when it was done */
};

struct camera_config {
	uint64_t frame;		/* bytes per frame */
	uint32_t lines;		/* lines per frame (frame % lines == 0) */
	uint64_t period;	/* ps per frame */
	uint64_t frames;	/* frames the sensor sends from the start */
	uint32_t burst;		/* bytes per DMA write */
	uint64_t seed;
	unsigned nbufs;		/* buffers, 1..CAMERA_MAX_BUFS */
};

struct camera;
/* Observer of the buffers (the sanitizer); filling: the frame begins. */
struct camera_watch {
	void (*buffer)(void *ctx, struct camera *c, unsigned idx,
		       bool filling);
	void *ctx;
};

struct camera {
	struct bus_master port;		/* first: the bus's ops get it */
	struct bus_target tgt;		/* its registers (camera_map) */
	struct camera_config cfg;
	struct sim *sim;
	struct bus *bus;
	char name[32];
	struct camera_buf buf[CAMERA_MAX_BUFS];
	unsigned queued[CAMERA_MAX_BUFS], nqueued, qhead;	/* FIFO */
	unsigned donefifo[CAMERA_MAX_BUFS], ndone, dhead;	/* FIFO */
	bool streaming;
	uint64_t start;			/* ps: the first frame's start */
	uint64_t next_frame;		/* sequence number of the next */
	/* the frame being written */
	int active;			/* buffer, -1: none */
	uint64_t aseq, astart;
	uint32_t line;			/* next line to write */
	uint32_t piece;			/* bytes into the line */
	uint8_t linebuf[CAMERA_MAX_LINE];
	struct xact x;
	struct irq_sink irq;
	struct camera_watch watch;
	void (*frame_done)(void *ctx);	/* optional */
	void *frame_ctx;
	uint32_t ims, icr;		/* interrupt registers */
	/* statistics */
	uint64_t captured, drops, overruns, bytes, guest_errors;
};

/* NULL when cfg is valid, else what is wrong with it. */
const char *camera_config_check(const struct camera_config *cfg);
int camera_init(struct camera *c, struct sim *sim, struct bus *bus,
		const char *name, const struct camera_config *cfg);
/* Map the register window at base on the camera's bus.  Returns 0 or
 * bus_map's error (DMASIM_EINVAL: it overlaps another target). */
int camera_map(struct camera *c, uint64_t base);
/* Buffer i lies at [addr, +len) (len at least a frame).  Only while the
 * buffer is the application's.  Returns 0 or DMASIM_EINVAL. */
int camera_set_buffer(struct camera *c, unsigned i, uint64_t addr,
		      uint64_t len);
/* VIDIOC_QBUF: 0, or DMASIM_EINVAL (no such buffer, not the
 * application's, or never given an address). */
int camera_qbuf(struct camera *c, unsigned i);
/* VIDIOC_DQBUF: the oldest done buffer's index, or -1 when none is done
 * (EAGAIN). */
int camera_dqbuf(struct camera *c);
/* STREAMON: frames start now. */
void camera_streamon(struct camera *c);
/* Byte off of frame seq. */
uint8_t camera_pattern(const struct camera *c, uint64_t seq, uint64_t off);
bool camera_check(const struct camera *c);

#endif
