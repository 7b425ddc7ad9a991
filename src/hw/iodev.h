/*
 * iodev: a simple I/O device with a data register and a buffer, usable by
 * programmed I/O or by DMA.
 *
 * An input device produces `size` bytes of a deterministic pattern at
 * `rate` bytes per second (0: all at once) into a buffer of `buffer` bytes;
 * the producer pauses while the buffer is full.  Reading the data window
 * pops bytes.  An output device consumes what is written at `rate`, with
 * the same buffer, and keeps every byte it received so a test can check
 * it.  The device tells initiators when an access can proceed (its request
 * line, the bus target's `ready` op), so DMA and PIO wait for data instead
 * of reading garbage.  The line covers at most what the buffer holds: an
 * initiator moves a longer transfer in pieces of at most `buffer` bytes,
 * waiting for the device before each (a DMA burst of 4 KiB through a
 * 256-byte buffer is 16 pieces).  An access that runs ahead anyway (a
 * driver reading DATA without waiting, another master draining the FIFO,
 * reading past the `size` bytes an input device ever produces, writing
 * past what an output device takes) underflows (reads zeros) or
 * overflows (drops bytes); the device counts those bytes and answers
 * BUS_ERR_SHORT, so the initiator reports an error rather than success
 * (a DMA channel ends with DMA_ERR_SHORT, a CPU operation with that
 * status).
 *
 * Arrival processes: by default the device works at `rate` exactly
 * (deterministic).  Otherwise it works in units of `unit` bytes, unit k
 * done (produced, or consumed: its service over) at the k-th time of a
 * schedule: IODEV_POISSON, intervals drawn exponential with mean
 * unit / rate from the device's own seeded stream (Poisson arrivals, or
 * exponential service times); IODEV_TRACE, the times given (ps from the
 * start, non-decreasing), replayed.  Pauses (a full input buffer, an
 * empty output one) shift the schedule as they shift the rate's.
 *
 * Interrupt-driven I/O (irq_unit > 0 and an interrupt sink): an input
 * device raises its line each time another irq_unit bytes are ready (the
 * k-th raise when k * irq_unit bytes, or the whole remainder, have been
 * produced; the buffer holding them), an output device each time room
 * for another irq_unit bytes has opened (consumption of what was written
 * before).  A raise that a full input buffer postpones comes when a read
 * makes room again.
 *
 * Register window (4 KiB):
 *   0x000..0x7ff  DATA    rw  FIFO: any access here pops (reads) or pushes
 *                             (writes) its length in bytes; a DMA at a fixed
 *                             address here may move more than the window
 *                             in one access
 *   0x800         STATUS  ro  bytes ready to read (input) or free (output)
 *   0x804         COUNT   ro  bytes moved through DATA so far
 */
#ifndef DMASIM_HW_IODEV_H
#define DMASIM_HW_IODEV_H

#include <stdbool.h>
#include <stdint.h>

#include "bus.h"
#include "intc.h"
#include "kernel/rng.h"

enum iodev_arrival { IODEV_RATE, IODEV_POISSON, IODEV_TRACE };

#define IODEV_WINDOW 0x1000
#define IODEV_DATA 0x000
#define IODEV_DATA_SIZE 0x800
#define IODEV_STATUS 0x800
#define IODEV_COUNT 0x804

struct iodev_config {
	bool output;		/* consumes data (else produces it) */
	uint64_t size;		/* bytes in all */
	double rate;		/* bytes per second; 0: unlimited */
	uint64_t buffer;	/* bytes of buffer */
	uint64_t latency;	/* ps per register access */
	uint64_t seed;		/* pattern seed */
	uint64_t irq_unit;	/* bytes per interrupt; 0: none */
	enum iodev_arrival arrival;
	uint64_t unit;		/* bytes per arrival (POISSON, TRACE) */
	const uint64_t *trace;	/* TRACE: ps of each unit, copied at init */
	uint64_t ntrace;
	uint64_t fail_after;	/* bytes moved before it fails (0: never) */
};

struct iodev {
	struct bus_target tgt;
	struct iodev_config cfg;
	struct sim *sim;
	struct bus *bus;
	char name[32];
	uint32_t track;		/* trace track, 0 when not traced */
	uint64_t lat_cycles;
	uint64_t start;		/* ps: when production/consumption would
				   have begun to be where it is, had it never
				   paused */
	uint64_t moved;		/* bytes through DATA */
	uint8_t *received;	/* output: what was written, size bytes */
	uint64_t *sched;	/* POISSON, TRACE: ps of unit k + 1 from start */
	uint64_t nsched, capsched;
	struct rng rng;		/* POISSON's intervals */
	struct irq_sink irq;	/* where its interrupts go (raise NULL: none) */
	uint64_t irq_next;	/* bytes (produced, or of room) at the next
				   raise */
	struct ev_handle irq_ev;	/* that raise, scheduled */
	uint64_t irqs;		/* raised */
	/* statistics */
	uint64_t underruns, overruns;	/* bytes */
	uint64_t errors;		/* data accesses refused (fail_after) */
	uint64_t accesses;
};

int iodev_init(struct iodev *dev, struct sim *sim, struct bus *bus,
	       const char *name, uint64_t base, const struct iodev_config *cfg);
void iodev_fini(struct iodev *dev);
/* Route the device's interrupts (with cfg.irq_unit) and arm the first. */
void iodev_set_irq(struct iodev *dev, struct irq_sink irq);

/* Byte k of the device's pattern. */
static inline uint8_t iodev_pattern(const struct iodev *dev, uint64_t k)
{
	uint64_t x = (k + 1) * 0x9e3779b97f4a7c15ull ^ dev->cfg.seed;

	x ^= x >> 29;
	x *= 0xbf58476d1ce4e5b9ull;
	return (uint8_t)(x >> 56);
}

/* Bytes produced (input) or consumed (output) by time t, for t no earlier
 * than the last access, ignoring the buffer (a full input buffer, or an
 * output one emptied, stops the device at moved + buffer, or moved). */
uint64_t iodev_progress(const struct iodev *dev, uint64_t t);

#endif
