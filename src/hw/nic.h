/*
 * nic: a network interface card with receive and transmit descriptor
 * rings in host memory, in the manner of the Intel 82599 (Intel 82599
 * 10 GbE Controller Datasheet, section 7.1: receive, 7.2: transmit; its
 * legacy descriptors are 16 bytes).
 *
 * The device is a bus master (descriptor fetches, packet data and
 * descriptor write-backs are transactions through hw/xact, so they cross
 * bridges and contend on every bus of their path) and a bus target (its
 * register window).  It writes against a plain struct bus: whatever joins
 * that bus to memory (a bridge, a PCIe endpoint) carries its traffic.
 *
 * Receive.  A packet source on the wire sends `packets` frames of
 * `pkt_size` bytes, at `rate` frames per second (0: line rate), either
 * exactly periodic or with exponential gaps of that mean drawn from the
 * device's seeded stream (Poisson arrivals); never closer than the wire
 * allows (line rate, with `wire_overhead` bytes of preamble and gap per
 * frame).  A frame that arrives finds a free descriptor or is dropped and
 * counted (MPC, the missed packet count); a free descriptor is one the
 * driver has handed over (between RDH and RDT) and no earlier frame has
 * claimed.  Claimed frames are moved in arrival order by one engine:
 * fetch the descriptor (16-byte read), write the frame into its buffer
 * (`burst`-byte writes), write the descriptor back (16-byte write: length
 * and status DD|EOP), advance RDH.  The frame's bytes are a deterministic
 * pattern that begins with its sequence number, so delivery can be
 * checked byte for byte (nic_packet()).
 *
 * Ring registers (Intel's convention): RDH is the next descriptor the
 * device will fill, RDT one past the last one the driver has given; the
 * device owns [RDH, RDT) and the ring is full (for the device: no free
 * descriptor) when RDH == RDT.  A driver therefore keeps one slot empty.
 *
 * Transmit.  The driver fills descriptors in [TDH, TDT) and writes TDT;
 * the engine fetches each, reads the frame (`burst`-byte reads), sends it
 * (wire time at line rate), writes the descriptor back with DD and
 * advances TDH.  Sent bytes are hashed (FNV-1a) and counted.
 *
 * On a cluster port (nic_attach).  The packet source is replaced by the
 * network: a transmitted frame's first 6 bytes are its destination (the
 * node id, little-endian, standing in for a MAC address); the NIC hands
 * the frame, `wire_overhead` bytes more on the wire, to its port
 * (net_send), which serialises it at the link's rate.  A frame for no
 * node, or longer than a network frame (NET_MAX_PAYLOAD), is not sent
 * and counted in tx_errors.  A frame arriving from the port claims a
 * free descriptor as the source's frames do (or is dropped: MPC), and the
 * engine writes its bytes, whole, into the descriptor's buffer.
 *
 * Interrupt moderation: a receive raises the RX cause; with RX enabled in
 * IMS the line is raised after `itr_pkts` frames since the last raise, or
 * `itr_time` ps after the first of them, whichever comes first (0 turns
 * either off; at least one is on).  A masked cause accumulates, and
 * unmasking applies the same rule from then.  A raise is ordered behind
 * the device's posted writes: the engine first reads 4 bytes of the ring
 * (the read returns only after the writes ahead of it have landed, as
 * PCIe orders an MSI after the data), then raises the line.  Transmit completions with
 * RS raise the TX cause at once when enabled.
 *
 * Descriptor (16 bytes, little-endian; the 82599 legacy layout):
 *   0  addr    8  buffer address
 *   8  length  2  receive: bytes written back; transmit: bytes to send
 *   10 csum    2  (0)
 *   12 status  1  DD (1) descriptor done, EOP (2) end of packet
 *   13 errors  1  receive: RXE (0x80) the frame did not fit the buffer or
 *                 the data write failed
 *   14 special 2  transmit: command, EOP (1) and RS (8: report status)
 *
 * Register window (4 KiB; 32-bit registers, the 64-bit bases also as one
 * 8-byte access):
 *   0x00 CTRL   rw  bit 0 RXEN, bit 1 TXEN
 *   0x04 IMS    rw  interrupt causes enabled: bit 0 RX, bit 1 TX
 *   0x08 ICR    rw  causes raised (write 1 to clear)
 *   0x10 RDBA   rw  receive ring base (64-bit)
 *   0x18 RDLEN  rw  receive ring, descriptors (2..65536)
 *   0x1C RDH    rw  receive head
 *   0x20 RDT    rw  receive tail
 *   0x30 TDBA   rw  transmit ring base (64-bit)
 *   0x38 TDLEN  rw  transmit ring, descriptors
 *   0x3C TDH    rw  transmit head
 *   0x40 TDT    rw  transmit tail
 *   0x50 GPRC   ro  frames received into the ring
 *   0x54 MPC    ro  frames missed (dropped: no free descriptor)
 *   0x58 GPTC   ro  frames sent
 * Another offset, or a misaligned or odd-sized access, is refused
 * (BUS_ERR_SLAVE) and counted as a guest error.
 *
 * Engine state machine (nic->step):
 *   IDLE --a raise due (nic_kick)--> FLUSH --read done: raise--> IDLE
 *   IDLE --claimed frame or TDH != TDT (nic_kick)--> RX_FETCH / TX_FETCH
 *   RX_FETCH --read done--> RX_DATA --last burst--> RX_WB --done--> IDLE
 *   TX_FETCH --read done--> TX_DATA --last burst--> TX_WB --done--> IDLE
 * Invariant (nic_check): claimed frames = (rx_next - RDH) mod RDLEN, and
 * never more than the descriptors between RDH and RDT.
 */
#ifndef DMASIM_HW_NIC_H
#define DMASIM_HW_NIC_H

#include <stdbool.h>
#include <stdint.h>

#include "bus.h"
#include "intc.h"
#include "kernel/rng.h"
#include "net.h"
#include "xact.h"

#define NIC_WINDOW 0x1000
#define NIC_DESC 16		/* bytes per descriptor */
#define NIC_MAX_FRAME 16384	/* bytes */
#define NIC_MAX_RING 65536	/* descriptors */

enum nic_reg {
	NIC_CTRL = 0x00, NIC_IMS = 0x04, NIC_ICR = 0x08,
	NIC_RDBA = 0x10, NIC_RDLEN = 0x18, NIC_RDH = 0x1C, NIC_RDT = 0x20,
	NIC_TDBA = 0x30, NIC_TDLEN = 0x38, NIC_TDH = 0x3C, NIC_TDT = 0x40,
	NIC_GPRC = 0x50, NIC_MPC = 0x54, NIC_GPTC = 0x58
};

#define NIC_CTRL_RXEN 1u
#define NIC_CTRL_TXEN 2u
#define NIC_INT_RX 1u
#define NIC_INT_TX 2u
#define NIC_STA_DD 1u
#define NIC_STA_EOP 2u
#define NIC_ERR_RXE 0x80u
#define NIC_CMD_EOP 1u
#define NIC_CMD_RS 8u

/* Descriptor field offsets. */
#define NIC_D_ADDR 0
#define NIC_D_LEN 8
#define NIC_D_STATUS 12
#define NIC_D_ERRORS 13
#define NIC_D_CMD 14

enum nic_arrival { NIC_DETERMINISTIC, NIC_POISSON };

struct nic_config {
	double line_rate;	/* bits per second (> 0) */
	uint32_t pkt_size;	/* bytes per received frame, 16..NIC_MAX_FRAME */
	uint32_t wire_overhead;	/* bytes of preamble and gap per frame */
	double rate;		/* frames per second offered; 0: line rate */
	enum nic_arrival arrival;
	uint64_t packets;	/* frames the source sends */
	uint64_t seed;		/* pattern and arrival seed */
	uint32_t burst;		/* bytes per data transaction (> 0) */
	uint32_t buf_size;	/* bytes of a receive buffer */
	uint32_t itr_pkts;	/* frames per interrupt (0: no count) */
	uint64_t itr_time;	/* ps from the first frame (0: no timer) */
	uint64_t latency;	/* ps per register access */
};

enum nic_step { NIC_IDLE, NIC_RX_FETCH, NIC_RX_DATA, NIC_RX_WB,
		NIC_TX_FETCH, NIC_TX_DATA, NIC_TX_WB, NIC_FLUSH };

struct nic {
	struct bus_master port;		/* first: the bus's ops get it */
	struct bus_target tgt;		/* its registers */
	struct nic_config cfg;
	struct sim *sim;
	struct bus *bus;
	char name[32];
	uint64_t lat_cycles;		/* bus cycles per register access */
	uint64_t gap;			/* ps between frames at `rate` */
	uint64_t wire;			/* ps a frame takes on the wire */
	struct rng rng;			/* Poisson gaps */
	/* registers */
	uint32_t ctrl, ims, icr;
	uint64_t rdba, tdba;
	uint32_t rdlen, rdh, rdt, tdlen, tdh, tdt;
	/* receive state */
	uint32_t rx_next;		/* next descriptor to claim */
	uint64_t *claimed;		/* sequence numbers, by descriptor */
	struct net_frame **held;	/* on a port: frames, by descriptor */
	uint32_t cap_claimed;
	uint64_t sent;			/* frames the source has sent */
	bool source_on;
	uint32_t irq_pend;		/* RX frames since the last raise */
	bool raise_due;			/* a raise waits for the flush read */
	uint8_t flush[4];
	struct ev_handle itr_ev;	/* the moderation timer */
	struct irq_sink irq;		/* raise NULL: none */
	/* the engine */
	enum nic_step step;
	uint32_t idx;			/* descriptor in work */
	uint64_t seq;			/* frame in work */
	uint32_t len, done;		/* bytes of the frame, moved */
	uint8_t desc[NIC_DESC];
	uint8_t frame[NIC_MAX_FRAME];
	uint64_t wire_free;		/* ps: transmit wire idle from */
	struct xact x;
	struct net *net;		/* the cluster's network (NULL: the
					 * packet source) */
	uint32_t node;			/* its port there */
	/* statistics */
	uint64_t rx_packets, rx_bytes, rx_drops, rx_errors;
	uint64_t fcs_errors;		/* frames whose check failed, dropped */
	uint64_t tx_packets, tx_bytes, tx_hash, tx_errors;
	uint64_t irqs, desc_fetches, desc_writebacks, guest_errors;
	uint64_t max_claimed;
};

/*
 * Attach a NIC to bus: its master port and its register window at base.
 * Returns 0, DMASIM_EINVAL (a bad field; nic_config_check says which),
 * DMASIM_ENOMEM, or bus_map's error for the window.
 */
int nic_init(struct nic *n, struct sim *sim, struct bus *bus,
	     const char *name, uint64_t base, const struct nic_config *cfg);
void nic_fini(struct nic *n);
/* NULL when cfg is valid, else what is wrong with it. */
const char *nic_config_check(const struct nic_config *cfg);
/* Where the interrupts go. */
void nic_set_irq(struct nic *n, struct irq_sink irq);
/* Start the packet source now (frames arrive from now on). */
void nic_start(struct nic *n);
/* Put the device on node `node`'s port of the network, in place of its
 * packet source (its `packets` must be 0).  On a network that corrupts
 * frames, it counts those whose check sequence fails ("fcs_errors") and
 * drops them.  Returns 0 or DMASIM_ENOMEM. */
int nic_attach(struct nic *n, struct net *net, uint32_t node);
/* Frame seq of this device's source, len bytes, into dst. */
void nic_packet(const struct nic *n, uint64_t seq, uint8_t *dst,
		uint32_t len);
bool nic_check(const struct nic *n);

#endif
