/*
 * rnic_int: what the RDMA NIC's two halves share: rnic.c (its DMA
 * engines, frames, completions, commands, registers and set-up) and
 * rnic_xport.c (the reliable-connected transport: requester and
 * responder).  Private to hw/.
 */
#ifndef DMASIM_HW_RNIC_INT_H
#define DMASIM_HW_RNIC_INT_H

#include "kernel/util.h"
#include "rnic.h"

/* Packet opcodes (the frame header's op) and their flags. */
enum { PK_SEND = 1, PK_WRITE, PK_READ_REQ, PK_READ_RESP, PK_ACK };
#define PK_FIRST 1u
#define PK_LAST 2u
/* Acknowledgement syndromes. */
enum { SY_ACK, SY_NAK_SEQ, SY_NAK_RNR, SY_NAK_ACCESS, SY_NAK_INV };

/* Header bytes on the wire (InfiniBand: LRH 8, BTH 12, ICRC 4, VCRC 2;
 * RETH 16 on a WRITE's first packet and a READ request; AETH 4 on an
 * acknowledgement and a READ response's first and last packets). */
#define HDR_BASE 26
#define HDR_RETH 16
#define HDR_AETH 4

/* WQE fields. */
#define W_OP 0
#define W_FLAGS 1
#define W_QPN 4
#define W_WRID 8
#define W_LADDR 16
#define W_LEN 24
#define W_LKEY 28
#define W_RADDR 32
#define W_RKEY 40
#define W_HDR 64

static inline uint64_t rnic_get(const uint8_t *b, unsigned off, unsigned n)
{
	return util_le_get(b + off, n);
}

static inline struct rnic_wqe *rnic_held(struct rnic_qp *qp, uint32_t i)
{
	return &qp->w[(qp->w_head + i) % qp->sq_depth];
}

/* rnic.c */
struct rnic_dma *rnic_dma_new(struct rnic *r);
void rnic_dma_issue(struct rnic *r, struct rnic_dma *d, uint64_t addr,
		    void *data, uint64_t len, bool write,
		    void (*cb)(struct rnic *, struct rnic_dma *));
void rnic_dma_nothing(struct rnic *r, struct rnic_dma *d);
void rnic_send_frame(struct rnic *r, struct rnic_qp *qp,
		     struct net_frame *f, uint32_t hdr);
struct net_frame *rnic_frame(struct rnic *r, uint32_t sqpn, uint8_t op,
			     uint16_t flags, uint32_t psn);
void rnic_send_ack(struct rnic *r, uint32_t qpn, uint8_t syndrome,
		   uint32_t psn);
void rnic_cqe(struct rnic *r, uint32_t cqn, uint64_t wr_id, uint32_t len,
	      uint32_t qpn, uint8_t opcode, uint8_t status);
uint8_t rnic_wc_opcode(uint8_t op);
void rnic_qp_error(struct rnic *r, uint32_t qpn, uint8_t status);

/* rnic_xport.c */
bool rnic_mr_covers(const struct rnic *r, uint32_t key, uint32_t pd,
		    uint64_t addr, uint64_t len, uint32_t access);
void rnic_doorbell(struct rnic *r, uint64_t v);
void rnic_rq_doorbell(struct rnic *r, uint64_t v);
void rnic_blueflame(struct rnic *r, const uint8_t *b, uint64_t len);
void rnic_rx(void *ctx, struct net_frame *f);
void rnic_retire(struct rnic *r, uint32_t qpn);

#endif
