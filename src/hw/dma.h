/*
 * dma: a DMA channel, a bus master that moves a block as a number of bursts.
 *
 * This first model knows only timing: a transfer is N bursts of D bus
 * cycles.  The bus's transfer mode for the channel decides how many bursts
 * one grant covers (all of them in burst mode, one in cycle-stealing mode,
 * as many as no one else wants in transparent mode).  When the last burst's
 * tenure ends the channel records its completion time and notifies `done`.
 *
 * Channel state machine:
 *   IDLE --dma_chan_start--> ACTIVE (bus_request)
 *   ACTIVE --dma_released, work left--> ACTIVE (bus_request again)
 *   ACTIVE --dma_released, no work left--> DONE (signal_notify(done))
 *   DONE --dma_chan_start--> ACTIVE
 */
#ifndef DMASIM_HW_DMA_H
#define DMASIM_HW_DMA_H

#include <stdbool.h>
#include <stdint.h>

#include "bus.h"
#include "kernel/proc.h"

enum dma_state { DMA_IDLE, DMA_ACTIVE, DMA_DONE };

struct dma_chan {
	struct bus_master port;
	struct sim *sim;
	char name[32];
	enum dma_state state;
	uint64_t burst;		/* bus cycles per burst */
	uint64_t pos;		/* cycles moved of the current burst */
	uint64_t left;		/* bus cycles of work left */
	struct signal done;	/* notified at each completion */
	/* statistics */
	uint64_t bursts_done;
	uint64_t transfers;
	uint64_t started_at;	/* ps */
	uint64_t done_at;	/* ps: release time of the last burst */
};

/* Attach a channel to the bus.  Returns 0 or DMASIM_ENOMEM. */
int dma_chan_init(struct dma_chan *ch, struct sim *sim, struct bus *bus,
		  const char *name, enum bus_mode mode, int priority);

/* Start moving `bursts` bursts of `burst_cycles` each.  Returns 0,
 * DMASIM_EINVAL (zero sizes, or the channel is busy) or DMASIM_ENOMEM. */
int dma_chan_start(struct dma_chan *ch, uint64_t bursts,
		   uint64_t burst_cycles);

#endif
