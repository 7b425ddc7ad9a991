/*
 * pcie: a PCI Express link between an upstream bus (a root complex's or a
 * switch's internal bus) and a downstream bus (a switch's internal bus, or
 * an endpoint's device-side bus), modelled at the transaction layer.
 *
 * Sources: PCI Express Base Specification (TLP types, maximum payload and
 * read request sizes, read completion boundary, flow control credits of 4
 * dwords per data credit, ordering rules); line rates and encodings per
 * generation (2.5, 5 GT/s with 8b/10b; 8, 16, 32 GT/s with 128b/130b).
 *
 * Each direction (DOWN: upstream bus to downstream bus, UP: back) is a
 * forwarding target on its near bus, as a bridge window is (hw/xact.h):
 *   near hop     the initiator holds the near bus for the data beats of a
 *                write, one address cycle of a read
 *   queue        at most `queue` requests per direction inside the link; an
 *                initiator that finds it full waits without its bus
 *   transmit     requests become TLPs in order: a write is split into
 *                memory-write TLPs of at most `mps` bytes, a read into
 *                read-request TLPs of at most `mrrs` bytes, neither
 *                crossing a 4 KiB boundary.  One TLP at a time occupies
 *                the direction's wire for (payload + overhead) bytes at
 *                the link rate; a TLP is sent only when the receiver has
 *                header and data credits for it (posted, non-posted,
 *                completion; a data credit is 16 bytes) and, for a read
 *                request, a tag is free.  A sender short of either stalls
 *                (head of line) until credits come back.
 *   receive      a TLP arrives `latency` after its last byte left; the
 *                receiver handles its TLPs in arrival order: a write or a
 *                read request is issued on the far bus by the direction's
 *                issuer (a bus master), a completion is handed to its
 *                request.  A TLP's credits go back to the sender in an
 *                UpdateFC once its receiver took it out of its buffer
 *                (the data link layer, below).
 *   completion   a read's data comes back the other way as completions of
 *                at most `mps` bytes ending on `rcb` boundaries; once all
 *                are in, the returner holds the near bus for the data
 *                beats and the read completes for its initiator.
 * Writes are posted: one completes for its initiator when its near hop
 * ends.  Since each direction sends, and each receiver handles, its TLPs
 * strictly in order, a completion never passes a posted write that went
 * the same way before it (PCI's producer-consumer rule), on every hop.
 *
 * The data link and physical layers' own traffic shares each direction's
 * wire with the TLPs (hw/pcie_dll.c): one packet at a time, never
 * pre-empted; at each packet boundary the wire sends, first to last, a
 * SKP ordered set that is due, an Ack that is due, an UpdateFC that is
 * waiting, the next TLP (the Base Specification's recommended priority of
 * scheduled transmissions, in its data link layer chapter, puts Acks and
 * the required FC updates before TLPs; ordered sets are the physical
 * layer's and go at their interval).
 *   Ack          a DLLP of 6 bytes plus 2 of framing (SDP and END
 *                symbols at 8b/10b, the SDP token at 128b/130b): 8 bytes
 *                of wire time.  The receiver of TLPs one way acknowledges
 *                them the other way, one Ack for all received up to the
 *                instant it is sent (it carries the latest sequence
 *                number): it is due when the AckNak latency timer, started
 *                by the first TLP not yet acknowledged, expires, or once
 *                `ack_tlps` TLPs wait (0: the timer alone); TLPs that
 *                arrive while it waits for the wire ride in it.  The timer's
 *                limit (Base Specification, the Ack transmission latency
 *                limit) is ((mps + 28) * AckFactor / width + InternalDelay)
 *                symbol times, 28 the bytes of a TLP's header, sequence
 *                number, LCRC and framing, InternalDelay 19 symbol times at
 *                2.5 GT/s, 70 at 5 and 115 at 8 GT/s and above, AckFactor
 *                from the spec's table for 2.5 GT/s (1.4 up to x4, 2.5 at
 *                x8, 3.0 at x16 for mps 128 and 256; 1.0 up to x8 and 2.0
 *                at x16 for 512 and above), used at every rate; a symbol
 *                time is 10 bit times at 8b/10b, 8 at 128b/130b (Gen3 x16,
 *                mps 256: 168.25 ns).  `ack_timer` overrides it.  No
 *                replay: an Ack's arrival changes nothing at the sender.
 *   UpdateFC     8 bytes of wire time likewise.  When the receiver takes
 *                a TLP out of its buffer it owes the sender that TLP's
 *                credits: an UpdateFC of its type (posted, non-posted,
 *                completion) waits for the reverse wire and, once sent,
 *                reaches the sender `latency` after its last byte; only
 *                then may the credits be used.  Credits freed while an
 *                UpdateFC of the same type still waits ride in it (an
 *                UpdateFC carries the receiver's running credit count,
 *                section 2.6.1, so the later one supersedes it); so it is
 *                one UpdateFC per freed TLP unless the reverse wire is
 *                busy.  Types with infinite credits send none.
 *   SKP          at 128b/130b (Gen3 and later) every lane sends a SKP
 *                ordered set after every `skp_interval` blocks (the spec
 *                allows 370 to 375; 370 by default), holding the whole
 *                link for one block time (16 bytes a lane, 130 bits); at
 *                8b/10b one of 4 symbols a lane after every `skp_interval`
 *                symbol times (1180 to 1538; 1180).  A SKP that falls due
 *                during a packet goes at its end, and the interval counts
 *                from the SKP's end.  On an idle wire the SKPs go on time
 *                and are accounted (lazily, counted in one step rather
 *                than one by one) when the wire is next used, so `skps`
 *                counts those up to the direction's last packet.
 *
 * Times in ps, sizes in bytes.  Omissions: no Nak or replay (no bit
 * errors), no relaxed ordering or passing of posted writes past stalled
 * completions, no configuration space.
 *
 * Request slot state machine (per direction):
 *   FREE --win_admit--> RESERVED --win_forward--> SENDING (TLPs queued)
 *   SENDING --every write TLP done on the far bus (rx_done)--> FREE
 *   SENDING --every completion delivered (cpl_deliver)--> RETURNING
 *   RETURNING --the returner's tenure (ret_released)--> FREE
 * Invariant (pcie_link_check): used slots <= queue; tags in use <= tags;
 * a receiver with TLPs not yet acknowledged has its AckNak timer running
 * or its Ack waiting on the reverse wire.
 */
#ifndef DMASIM_HW_PCIE_H
#define DMASIM_HW_PCIE_H

#include <stdbool.h>
#include <stdint.h>

#include "bus.h"
#include "xact.h"

#define PCIE_MAX_WINDOWS 4
#define PCIE_MAX_PEERS 32

enum pcie_dir_id { PCIE_DOWN = 0, PCIE_UP = 1 };
enum pcie_tlp_type { PCIE_MWR, PCIE_MRD, PCIE_CPL };

/* Credits a receiver advertises (0: infinite). */
struct pcie_credits {
	uint32_t ph, pd;	/* posted header, data (16-byte units) */
	uint32_t nph;		/* non-posted header */
	uint32_t cplh, cpld;	/* completion header, data */
};

struct pcie_link_config {
	unsigned gen;		/* 1..5 */
	unsigned width;		/* lanes: 1, 2, 4, 8, 16 */
	uint32_t mps;		/* max payload, bytes: 128..4096, power of 2 */
	uint32_t mrrs;		/* max read request, bytes: 128..4096 */
	uint32_t rcb;		/* read completion boundary: 64 or 128 */
	uint32_t tlp_overhead;	/* bytes of header and framing per request
				 * TLP (24: 64-bit address) */
	uint32_t cpl_overhead;	/* ... per completion TLP (20) */
	uint64_t latency;	/* ps from a TLP's last byte sent to its
				 * arrival, each way */
	uint64_t completer_latency;	/* ps the downstream side takes to
					 * start on a read request */
	uint32_t queue;		/* requests inside, per direction */
	uint32_t tags;		/* read requests outstanding, per direction */
	struct pcie_credits credits;	/* each receiver's */
	int priority;		/* of its masters on either bus */
	uint64_t ack_timer;	/* ps a receiver may hold an Ack back (the
				 * AckNak latency timer); 0: the spec's
				 * limit for gen, width and mps */
	uint32_t ack_tlps;	/* an Ack once this many TLPs wait for one;
				 * 0: on the timer alone */
	uint32_t skp_interval;	/* blocks between SKP ordered sets (Gen3
				 * and later, 370..375) or symbol times
				 * (Gen1-2, 1180..1538); 0: the least */
};

/* Peer-to-peer through a root complex: requests from one root port's
 * link down another's wait `latency` more and pass one after another at
 * `ps_per_kib`. */
struct pcie_p2p {
	uint64_t latency;	/* ps */
	uint64_t ps_per_kib;	/* ps per 1024 bytes; 0: no limit */
	uint64_t free;		/* ps: when the next may pass */
	const struct bus_master *ports[PCIE_MAX_PEERS];	/* issuers going up */
	unsigned nports;
	uint64_t requests, bytes;	/* statistics */
};

struct pcie_link;
struct pcie_dir;

struct pcie_win {
	struct bus_target tgt;
	struct pcie_dir *d;
};

struct pcie_req {
	struct xact *x;		/* the initiator's; NULL once posted */
	const struct bus_master *init;
	uint8_t *buf;
	uint64_t cap;		/* bytes of buf */
	uint64_t addr, total;	/* bytes */
	uint64_t done;		/* bytes done on the far side (writes) or
				 * delivered by completions (reads) */
	unsigned hops;
	int status;
	bool write;
	bool fixed;		/* a FIFO: every TLP to the same address */
	struct pcie_dir *d;
	struct pcie_req *next;
};

struct pcie_tlp {
	enum pcie_tlp_type type;
	struct pcie_req *req;
	uint64_t off, len;	/* a job: the range left; a TLP: its own */
	uint64_t at;		/* ps: a job's earliest start; a TLP's
				 * arrival */
	int status;		/* a completion's */
	bool last;		/* the last completion of its read request */
	struct xact sub;	/* issued on the far bus */
	struct pcie_tlp *next;
};

struct pcie_dir_stats {
	uint64_t tlps, payload, overhead;	/* TLPs sent; bytes */
	uint64_t writes, reads, cpls;		/* TLPs by type */
	uint64_t credit_stalls, tag_stalls;	/* times the sender stalled */
	uint64_t stall_ps;			/* ps stalled */
	uint64_t busy_ps;			/* ps the wire was sending */
	uint64_t first_ps, last_ps;	/* the first TLP's start, the last's
					 * end */
	uint64_t queue_stalls;			/* initiators kept waiting */
	/* the data link and physical layers' traffic on this wire */
	uint64_t acks, updatefcs;	/* DLLPs sent */
	uint64_t dllp_bytes;		/* bytes of them (8 each) */
	uint64_t dllp_ps;		/* ps the wire was sending them */
	uint64_t skps;			/* SKP ordered sets sent */
	uint64_t skp_ps;		/* ps the wire was sending them */
};

struct pcie_dir {
	struct pcie_link *l;
	enum pcie_dir_id id;
	struct bus *near, *far;
	struct pcie_win win[PCIE_MAX_WINDOWS];
	unsigned nwin;
	/* requests */
	struct pcie_req *slots, *free;
	unsigned used;
	struct xact *wait_head, *wait_tail;
	/* transmitter */
	struct pcie_tlp *tx_head, *tx_tail;	/* jobs, in order */
	bool tx_busy;		/* an event at the end of the wire's packet
				 * (wire_free) is due: something waits */
	bool tx_wait;		/* a timer for the head job's time runs */
	uint64_t wire_free;	/* ps: when the wire's last packet ended */
	uint64_t skp_next;	/* ps: when the next SKP ordered set is due */
	bool ack_due;		/* an Ack waits for this wire */
	unsigned fc_due;	/* UpdateFCs waiting for it: bit 1 << type */
	uint32_t fc_h[3];	/* the header credits it carries, by type */
	uint64_t fc_d[3];	/* and the data credits */
	bool stalled;
	uint64_t stall_start;
	int64_t cr_ph, cr_pd, cr_nph, cr_cplh, cr_cpld;	/* receiver's, left */
	unsigned tags_used;
	/* receiver (at the far end) */
	struct pcie_tlp *rx_head, *rx_tail;
	struct bus_master iss;	/* on the far bus */
	struct pcie_tlp *iss_cur;
	bool rx_wait;		/* a completer-latency timer runs */
	uint32_t unacked;	/* TLPs received, not yet acknowledged */
	struct ev_handle ack_ev;	/* the AckNak latency timer */
	/* returner (at the near end) */
	struct bus_master ret;	/* on the near bus */
	struct pcie_req *r_head, *r_tail, *ret_busy;
	struct pcie_p2p *p2p;	/* DOWN of a root port: peer traffic */
	struct pcie_dir_stats st;
};

struct pcie_link {
	struct pcie_link_config cfg;
	struct sim *sim;
	char name[32];
	uint64_t mts;		/* MT/s per lane */
	uint32_t enc_num, enc_den;	/* payload bits per line bits */
	uint64_t ack_ps;	/* the AckNak latency timer's limit */
	uint64_t dllp_ps;	/* ps a DLLP holds the wire */
	uint64_t skp_ps;	/* ps a SKP ordered set holds it */
	uint64_t skp_gap_ps;	/* ps of packets between SKPs */
	struct pcie_dir dir[2];	/* by enum pcie_dir_id */
	struct pcie_tlp *pool;	/* free TLPs */
	void **chunks;		/* allocations of TLPs */
	unsigned nchunks, capchunks;
};

/* Why a configuration is refused: NULL when it is good, else a message
 * naming the field and what was expected. */
const char *pcie_config_error(const struct pcie_link_config *cfg);

/* A link between bus up and bus down.  Returns 0, DMASIM_EINVAL or
 * DMASIM_ENOMEM. */
int pcie_link_init(struct pcie_link *l, struct sim *sim, const char *name,
		   struct bus *up, struct bus *down,
		   const struct pcie_link_config *cfg);
void pcie_link_fini(struct pcie_link *l);

/* Claim [base, base + size) on the near bus of dir.  Returns 0,
 * DMASIM_EINVAL (empty or overlapping) or DMASIM_ERANGE (too many). */
int pcie_link_window(struct pcie_link *l, enum pcie_dir_id dir,
		     uint64_t base, uint64_t size);

/* Bytes per second each way after line encoding. */
double pcie_link_rate(const struct pcie_link *l);
/* ps the wire takes for n bytes. */
uint64_t pcie_link_wire_ps(const struct pcie_link *l, uint64_t n);
/* The AckNak latency timer's limit in ps for a configuration (the spec's
 * formula, see above; cfg->ack_timer ignored). */
uint64_t pcie_ack_limit_ps(const struct pcie_link_config *cfg);
/* Overhead bytes of a TLP of a type (what the wire carries beside the
 * payload). */
uint32_t pcie_tlp_overhead(const struct pcie_link_config *cfg,
			   enum pcie_tlp_type type);

bool pcie_link_check(const struct pcie_link *l);

/*
 * A root complex's MSI target: a memory write of a 32-bit value v (little
 * endian; fewer bytes are zero-extended) to it raises line v of an
 * interrupt controller, as a message-signalled interrupt does.  It sits
 * on the host side of the root complex, so that an MSI reaches it after
 * the posted writes the device made before it.  Reads return 0.
 */
struct intc;
struct pcie_msi {
	struct bus_target tgt;
	struct bus *bus;
	struct intc *ic;
	uint64_t raised, bad;	/* statistics: lines raised, bad lines */
};

/* Map the target at [base, base + size) on bus.  Returns 0 or
 * DMASIM_EINVAL (overlapping). */
int pcie_msi_init(struct pcie_msi *m, struct bus *bus, struct intc *ic,
		  uint64_t base, uint64_t size);

#endif
