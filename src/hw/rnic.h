/*
 * rnic: an RDMA NIC with the semantics of InfiniBand verbs (the IBTA
 * InfiniBand Architecture Specification, vol. 1, chapters 9 and 10: the
 * reliable-connected transport, queue pairs, memory regions), reached by
 * its driver the way mlx5 devices are: work requests in rings in host
 * memory, doorbells and BlueFlame writes to its registers, completions
 * written by the device into completion queues in host memory, which the
 * software polls.
 *
 * The device is a bus master (its DMA: work-request fetches, payload
 * reads and writes, completion writes are transactions through hw/xact,
 * `engines` of them in flight at once, their results taken in the order
 * they were issued) and a bus target (its register window).  Its port is
 * a node's end of a link of the cluster's network (hw/net.h): nothing
 * reaches another node except frames on that link.
 *
 * Posting.  The software writes a work request (WQE, below) into its
 * send queue's slot and either rings the doorbell (DB: the device then
 * fetches the WQE by DMA) or writes the WQE itself to the BlueFlame
 * window (BF: no fetch).  An inline WQE carries its data; otherwise the
 * device reads the data from memory by DMA, packet by packet.
 *
 * The transport (reliable connected).  Messages are cut into packets of
 * at most `mtu` bytes, numbered by a packet sequence number (PSN).  The
 * responder takes packets in PSN order: a duplicate is acknowledged again
 * (a read is executed again), a gap is answered once with a NAK (sequence
 * error) and the requester goes back to the NAK's PSN.  The responder
 * acknowledges each message's last packet once its data is placed, and
 * every RNIC_ACK_EVERY-th packet of a long one.  A queue pair sends at
 * most RNIC_TX_WINDOW packets beyond its oldest unacknowledged one; a
 * message is at most RNIC_MAX_MSG bytes (LOC_LEN_ERR beyond).  The
 * requester keeps every unacknowledged WQE and a timer: when `timeout`
 * passes with no progress it sends everything again from the oldest
 * unacknowledged WQE, at most `retry` times (then the WQE completes with
 * RETRY_EXC_ERR).  A SEND finding no receive WQE posted is answered with
 * a receiver-not-ready NAK, retried after `rnr_delay` at most `rnr_retry`
 * times.
 *
 * Protection.  A memory region (registered by a command) has a key, a
 * protection domain, an address range and access rights.  A WRITE needs
 * REMOTE_WRITE, a READ REMOTE_READ, on an rkey of the QP's domain
 * covering the whole request; a local buffer needs a valid lkey of the
 * domain covering it (LOCAL_WRITE where the device writes it).  A remote
 * violation is answered with a NAK (REM_ACCESS_ERR; a bad request
 * REM_INV_REQ_ERR), a local one fails the WQE at once (LOC_PROT_ERR);
 * either moves the requester's QP to the error state, where every WQE
 * left and any posted later complete with WR_FLUSH_ERR.
 *
 * Queue-pair states (MODIFY_QP): RESET -> INIT -> RTR -> RTS, any -> ERR,
 * any -> RESET.  Only an RTR or RTS queue pair takes packets, only an RTS
 * one sends.
 *
 * WQE (send queue slot of RNIC_SQ_STRIDE bytes; little-endian):
 *   0  opcode  1  RNIC_OP_SEND, _WRITE, _READ
 *   1  flags   1  RNIC_WQE_SIGNALED (a completion on success),
 *                 RNIC_WQE_INLINE (data at 64, len <= RNIC_MAX_INLINE)
 *   4  qpn     4
 *   8  wr_id   8
 *   16 laddr   8  local buffer
 *   24 len     4  bytes
 *   28 lkey    4
 *   32 raddr   8  remote address (WRITE, READ)
 *   40 rkey    4
 * Receive WQE (RNIC_RQE bytes): 0 wr_id 8, 8 addr 8, 16 len 4, 20 lkey 4.
 * CQE (RNIC_CQE bytes): 0 wr_id 8, 8 byte_len 4, 12 qpn 4, 16 opcode 1
 *   (IBV_WC_*: SEND 0, RDMA_WRITE 1, RDMA_READ 2, RECV 128), 17 status 1
 *   (IBV_WC_* codes), 18 owner 1: 1 on the first pass round the ring,
 *   0 on the second, and so on (the software expects ((ci / depth) + 1)
 *   & 1 at consumer index ci; memory starts zeroed).
 *
 * Registers (window RNIC_WINDOW; 8-byte accesses unless stated):
 *   0x000 DB      w  qpn << 32 | send producer index (WQEs posted)
 *   0x008 RQDB    w  qpn << 32 | receive producer index
 *   0x010 CMD     w  a command (4 bytes): runs for `cmd_time`
 *   0x014 STATUS  r  4 bytes: 0 done, 1 busy, 2 refused
 *   0x018 RESULT  r  the id the last command made (cqn, qpn, key)
 *   0x020 ARG0..ARG7 rw  the command's arguments
 *   0x060 NODE    r  this node's id in the cluster
 *   0x100 BF      w  a whole WQE (64 bytes, + inline data), one write
 * Commands: CREATE_CQ (base, depth), CREATE_QP (sq base, sq depth, rq
 * base, rq depth, send cqn, recv cqn, pd), MODIFY_QP (qpn, state, remote
 * node, remote qpn), REG_MR (addr, len, access, pd), DEREG_MR (key).
 */
#ifndef DMASIM_HW_RNIC_H
#define DMASIM_HW_RNIC_H

#include <stdbool.h>
#include <stdint.h>

#include "bus.h"
#include "net.h"
#include "xact.h"

#define RNIC_WINDOW 0x1000
#define RNIC_SQ_STRIDE 256
#define RNIC_MAX_INLINE 192
#define RNIC_RQE 32
#define RNIC_CQE 32
#define RNIC_MAX_ENGINES 16
#define RNIC_MAX_QP 256
#define RNIC_MAX_CQ 256
#define RNIC_MAX_MR 1024
#define RNIC_MAX_DEPTH 4096
#define RNIC_ACK_EVERY 16	/* packets per acknowledgement, at most */
#define RNIC_TX_WINDOW 256	/* packets a QP sends beyond its oldest
				 * unacknowledged one */
#define RNIC_MAX_MSG (16u << 20)	/* bytes per message (max_msg_sz) */

enum rnic_reg {
	RNIC_DB = 0x000, RNIC_RQDB = 0x008, RNIC_CMD = 0x010,
	RNIC_STATUS = 0x014, RNIC_RESULT = 0x018, RNIC_ARG = 0x020,
	RNIC_NODE = 0x060, RNIC_BF = 0x100
};

enum rnic_cmd { RNIC_CMD_CREATE_CQ = 1, RNIC_CMD_CREATE_QP,
		RNIC_CMD_MODIFY_QP, RNIC_CMD_REG_MR, RNIC_CMD_DEREG_MR };
enum rnic_qp_state { RNIC_RESET, RNIC_INIT, RNIC_RTR, RNIC_RTS, RNIC_ERR };
enum rnic_op { RNIC_OP_SEND, RNIC_OP_WRITE, RNIC_OP_READ };

#define RNIC_WQE_SIGNALED 1u
#define RNIC_WQE_INLINE 2u

/* Access flags (ibv_access_flags). */
#define RNIC_LOCAL_WRITE 1u
#define RNIC_REMOTE_WRITE 2u
#define RNIC_REMOTE_READ 4u

/* Completion status (enum ibv_wc_status). */
enum rnic_wc {
	RNIC_WC_SUCCESS = 0, RNIC_WC_LOC_LEN_ERR = 1,
	RNIC_WC_LOC_PROT_ERR = 4, RNIC_WC_WR_FLUSH_ERR = 5,
	RNIC_WC_REM_INV_REQ_ERR = 9, RNIC_WC_REM_ACCESS_ERR = 10,
	RNIC_WC_RETRY_EXC_ERR = 12, RNIC_WC_RNR_RETRY_EXC_ERR = 13
};

struct rnic_config {
	uint32_t mtu;		/* payload bytes per packet (256..4096) */
	uint32_t engines;	/* DMA transactions in flight (1..16) */
	uint64_t latency;	/* ps per register access */
	uint64_t proc;		/* ps the device takes per packet it sends
				 * or takes in (its pipeline) */
	uint64_t cmd_time;	/* ps a command runs */
	uint64_t timeout;	/* ps without progress before resending */
	uint32_t retry;		/* resends before RETRY_EXC_ERR (7) */
	uint64_t rnr_delay;	/* ps before a SEND refused RNR is resent */
	uint32_t rnr_retry;
};

struct rnic_mr {
	uint64_t addr, len;
	uint32_t key, pd, access;
	bool valid;
};

struct rnic_cq {
	uint64_t base;
	uint32_t depth, pi;
	bool valid;
};

/* A WQE the requester holds until it is acknowledged. */
struct rnic_wqe {
	uint8_t b[RNIC_SQ_STRIDE];	/* as posted */
	uint32_t first_psn, npkts;
	uint32_t sent;			/* packets sent this pass */
};

struct rnic_qp {
	enum rnic_qp_state state;
	uint32_t pd, scq, rcq;
	uint64_t sq_base, rq_base;
	uint32_t sq_depth, rq_depth;
	uint32_t rnode, rqpn;
	/* requester */
	uint32_t sq_fetched;		/* WQEs fetched (or BlueFlamed) */
	struct rnic_wqe *w;		/* sq_depth slots, by index */
	uint32_t w_head, w_len;		/* held WQEs: [head, head + len) */
	uint32_t w_tx;			/* next WQE (from head) to send */
	uint32_t next_psn;		/* next new PSN */
	uint32_t una;			/* oldest PSN not acknowledged */
	uint32_t retries, rnr_retries;
	uint32_t pass;			/* times it went back */
	struct ev_handle timer;
	/* responder */
	uint32_t epsn;			/* expected PSN */
	bool nak_sent;
	uint32_t rq_pi, rq_ci;
	uint64_t cur_va;		/* where the message's next bytes go */
	uint32_t cur_rkey, cur_left;
	uint8_t *rqes;			/* fetched receive WQEs, by slot */
	bool *rqes_ready;
	uint8_t rqe[RNIC_RQE];		/* the SEND being received */
	uint32_t recv_len;
	bool rqe_ok;
	/* statistics */
	uint64_t retransmits, duplicates, naks;
};

struct rnic;

/* One DMA operation of the device; cb runs when it and every operation
 * issued before it are done. */
struct rnic_dma {
	struct rnic_dma *next;
	uint64_t addr, len;
	bool write;
	uint8_t *data;		/* len bytes */
	void (*cb)(struct rnic *r, struct rnic_dma *d);
	void *ptr;
	uint64_t arg;
	int status;
	bool started, done;
	struct rnic_qp *qp;	/* a requester's frame: void once qp went */
	uint32_t pass;		/* back past this pass */
	uint8_t buf[RNIC_SQ_STRIDE];	/* small transfers' bytes */
};

struct rnic_eng {
	struct bus_master port;	/* first: the bus's ops get it */
	struct rnic *r;
	struct xact x;
	struct rnic_dma *d;	/* in work, or NULL */
};

struct rnic {
	struct bus_target tgt;	/* its registers */
	struct rnic_config cfg;
	struct sim *sim;
	struct bus *bus;
	struct net *net;	/* NULL: not on a network */
	uint32_t node;
	char name[32];
	uint64_t lat_cycles;
	struct rnic_eng eng[RNIC_MAX_ENGINES];
	/* DMA operations: waiting to start, and in flight in issue order */
	struct rnic_dma *wait_head, *wait_tail;
	struct rnic_dma *fly_head, *fly_tail;
	struct rnic_dma *dma_pool;
	/* commands */
	uint64_t arg[8];
	uint32_t status;
	uint64_t result;
	/* objects */
	struct rnic_qp *qp[RNIC_MAX_QP];
	uint32_t nqp;
	struct rnic_cq cq[RNIC_MAX_CQ];
	uint32_t ncq;
	struct rnic_mr mr[RNIC_MAX_MR];
	uint32_t nmr;
	uint64_t busy_until;	/* ps: its send pipeline is free then */
	uint64_t rx_busy;	/* ps: its receive pipeline is free then */
	/* statistics */
	uint64_t tx_packets, rx_packets, tx_bytes, rx_bytes, dma_reads,
		 dma_writes, wqe_fetches, cqes, commands, drops, guest_errors,
		 bf_writes, doorbells;
	uint64_t fcs_errors;	/* packets whose check (ICRC) failed */
};

const char *rnic_config_check(const struct rnic_config *cfg);
int rnic_init(struct rnic *r, struct sim *sim, struct bus *bus,
	      const char *name, uint64_t base, const struct rnic_config *cfg);
void rnic_fini(struct rnic *r);
/* Put the device on node `node`'s port of the network.  On a network
 * that corrupts frames, it counts the packets whose check (ICRC) fails
 * ("fcs_errors") and drops them.  Returns 0 or DMASIM_ENOMEM. */
int rnic_attach(struct rnic *r, struct net *net, uint32_t node);
/* Drop the network (it is being freed). */
void rnic_detach(struct rnic *r);

#endif
