/*
 * net: the network between the nodes of a cluster: frames, the links
 * that carry them and the switch that joins the links.
 *
 * Every node is a logical process with its own simulation (its own clock
 * and event queue); so is the switch.  They never call into one another:
 * a frame leaves its sender as a message stamped with the time it arrives
 * at the far end of the link, and the cluster (sys/cluster.c) hands it to
 * the receiver at the next barrier.  Every link has a positive latency,
 * so a frame sent at t arrives no earlier than t + lookahead, the
 * smallest link latency: a window of that length can be run on every
 * logical process independently (see net_deliver()).
 *
 * Topology: a star.  Node i's port is joined to switch port i by a
 * full-duplex link of `rate` bits/s each way and `latency` ps.  A port
 * serialises its frames in order (one frame on the wire at a time); the
 * frame's last bit reaches the other end `latency` after it left.
 *
 * The switch stores and forwards: a frame that has wholly arrived is
 * looked up, waits `switch_latency`, and joins the output port's queue;
 * the port sends its queue in order.  A queue holds at most `buffer`
 * bytes of frames not yet sent; a frame that does not fit is dropped and
 * counted.  Loss can also be injected: with probability `loss` (the
 * switch's seeded stream) or the switch's `drop_nth` frame; and
 * corruption: with probability `corrupt` one bit of a frame (payload, or
 * header when it has none) is flipped on its way, which its receiver's
 * check of the frame's check sequence catches.
 *
 * Frames come from a pool owned by the network (no malloc per frame in
 * the steady state); whoever consumes a frame gives it back with
 * net_frame_put().
 */
#ifndef DMASIM_HW_NET_H
#define DMASIM_HW_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel/rng.h"
#include "kernel/sim.h"

#define NET_MAX_PAYLOAD 4096	/* bytes of data a frame carries, at most */
#define NET_MAX_NODES 65536

/* The transport header a frame carries (the RDMA NIC's, see hw/rnic.h);
 * the network reads only src, dst and wire. */
struct net_hdr {
	uint8_t op;		/* the transport's opcode */
	uint8_t syndrome;	/* an acknowledgement's: ACK or a NAK code */
	uint16_t flags;
	uint32_t sqpn, dqpn;	/* source and destination queue pairs */
	uint32_t psn;		/* packet sequence number */
	uint32_t msn;		/* message sequence number (acknowledgements) */
	uint32_t rkey;
	uint64_t va;		/* remote virtual address (RETH) */
	uint32_t dmalen;	/* bytes of the whole request (RETH) */
	uint32_t imm;
};

struct net_frame {
	struct net_frame *next;	/* in a queue or the pool */
	uint64_t time;		/* ps: arrival at the next hop */
	uint64_t seq;		/* the sender's count, for ordering ties */
	uint32_t src, dst;	/* node ids */
	uint32_t wire;		/* bytes on the wire, headers included */
	uint32_t len;		/* bytes of data[] used */
	uint64_t fcs;		/* check sequence, set by net_send() */
	struct net_hdr h;
	uint8_t data[NET_MAX_PAYLOAD];
};

struct net_config {
	double rate;		/* bits/s each way, every link (> 0) */
	uint64_t latency;	/* ps, every link (> 0) */
	uint64_t switch_latency; /* ps, arrival to the output queue */
	uint64_t buffer;	/* bytes per output queue (>= one frame) */
	double loss;		/* probability a frame is dropped, [0, 1) */
	uint64_t drop_nth;	/* the switch drops its nth frame (0: none) */
	double corrupt;		/* probability a frame has one bit flipped,
				 * [0, 1): receivers see its check sequence
				 * fail and drop it */
};

/* A node's attachment: its end of the link. */
struct net_port {
	uint64_t tx_free;	/* ps: its transmitter is idle from then */
	struct sim *sim;	/* the node's simulation */
	/* called in the node's simulation when a frame arrives; it owns
	 * the frame */
	void (*rx)(void *ctx, struct net_frame *f);
	/* called when the network goes before the device: it must let go
	 * of the network (NULL: nothing to do) */
	void (*detach)(void *ctx);
	void *ctx;
	bool attached;		/* a device is on it */
	uint64_t tx_frames, tx_bytes, rx_frames, rx_bytes;
};

/* An output port of the switch: the frames waiting for its link. */
struct net_out {
	struct net_frame *head, *tail;	/* not yet sent, in order */
	uint64_t queued;	/* bytes of them */
	uint64_t max_queued;
	bool busy;		/* a frame is on the link */
	/* its streams for `loss` and `corrupt` (one per port, so that a port
	 * draws the same whichever rank simulates it) */
	struct rng rng, crng;
};

struct net {
	struct net_config cfg;
	struct sim sim;		/* the switch's logical process */
	uint32_t nports;
	struct net_port *ports;	/* by node */
	struct net_out *outs;	/* the switch's output queues, by node */
	/* frames sent in the current window, to be handed over */
	struct net_frame *to_switch, *to_nodes;
	struct net_frame **sort;	/* net_deliver()'s scratch */
	uint64_t capsort;
	/* the pool */
	struct net_frame *pool;
	void **chunks;
	uint32_t nchunks, capchunks;
	/* statistics */
	uint64_t frames, bytes, drops, drops_full, windows;
	uint64_t corrupted;	/* frames sent on with a bit flipped */
};

/* NULL when cfg is valid, else what is wrong with it. */
const char *net_config_check(const struct net_config *cfg);
int net_init(struct net *n, const struct net_config *cfg, uint64_t seed,
	     uint32_t nports);
void net_fini(struct net *n);

/* A frame from the pool (its header zeroed), or NULL when out of memory. */
struct net_frame *net_frame_get(struct net *n);
void net_frame_put(struct net *n, struct net_frame *f);
/* The check sequence of f's addresses, header and payload (FNV-1a);
 * whether f arrived as it was sent (a receiver drops it otherwise).  A
 * network that corrupts nothing has every frame intact: the sequence is
 * then neither set nor checked (it costs a hash of every frame). */
uint64_t net_fcs(const struct net_frame *f);
static inline bool net_frame_intact(const struct net *n,
				    const struct net_frame *f)
{
	return !(n->cfg.corrupt > 0) || f->fcs == net_fcs(f);
}
/* Wire time of `bytes` on a link (ps, rounded up). */
uint64_t net_wire_time(const struct net *n, uint64_t bytes);

/* Send f (src, dst, wire and the payload set) from its node's port now
 * (in the node's simulation): it queues behind the port's earlier frames
 * and is handed to the switch at the next barrier. */
void net_send(struct net *n, struct net_frame *f);

/* The earliest event of the switch's simulation (UINT64_MAX: none). */
uint64_t net_next(const struct net *n);
/* Run the switch up to and including `end`. */
void net_run(struct net *n, uint64_t end);
/* The barrier: hand the frames sent in the window to their receivers
 * (the switch's simulation, or a node's), in (time, sender, order)
 * order.  Every frame arrives after the window.  Returns false when out
 * of memory. */
bool net_deliver(struct net *n);

/* The earliest time a frame sent in this window reaches its next event:
 * its arrival at the switch (plus the look-up), or at an attached node
 * (UINT64_MAX: none). */
uint64_t net_pending_next(const struct net *n);

/*
 * Frames between the ranks of a split cluster (sys/cluster_sync.c), as
 * bytes: the sending rank packs a frame and gives it back to its pool,
 * the receiving one unpacks it into a frame of its own.  Both are the
 * same program on the same kind of machine, so the header goes as it is
 * in memory.
 */
size_t net_frame_packed(const struct net_frame *f);
/* Pack f at p (net_frame_packed(f) bytes); returns the byte after. */
uint8_t *net_frame_pack(const struct net_frame *f, uint8_t *p);
/* Unpack the frame at *p (up to end) into a frame from n's pool, put on
 * the list of frames bound for the switch; advances *p.  Returns 0,
 * DMASIM_ENOMEM, or DMASIM_EIO when the bytes are not a frame. */
int net_frame_unpack(struct net *n, const uint8_t **p, const uint8_t *end);

#endif
