/*
 * iommu_qi: queued invalidation for an IOMMU (in the manner of Intel
 * VT-d's invalidation queue, simplified).  Software does not invalidate
 * the IOTLB by a call: it writes invalidation descriptors into a ring in
 * simulated memory, advances the tail register, and the IOMMU fetches
 * each descriptor by a memory read, carries it out and advances the head.
 * A wait descriptor makes the IOMMU write a status word into memory once
 * everything before it is done: software polls that word.  Every step is
 * a bus transaction; what an invalidation costs emerges from them.
 *
 * Registers (a bus target on the IOMMU's far bus, 32-bit, an aligned
 * 64-bit access covering a LO/HI pair):
 *   0x00 IQA_LO, 0x04 IQA_HI  the ring's physical address (32-byte aligned)
 *   0x08 IQS   entries in the ring (a write empties it: head = tail = 0)
 *   0x10 IQT   tail: the index after the last descriptor written; a write
 *              starts fetching
 *   0x18 IQH   head: the next descriptor the IOMMU reads (read only)
 *   0x1c IQE   descriptors refused (unknown type, a bad tail), read only
 *   0x20 ICMP  a device's ATS invalidation completion lands here (a
 *              message: any write)
 * Descriptor (32 bytes, little-endian):
 *   +0  u32 type  1 IOTLB range (domain, [addr, addr + len)),
 *                 2 IOTLB domain, 3 IOTLB global, 4 wait,
 *                 5 device-TLB (a device's ATS translation cache:
 *                 [addr, addr + len), len 0 all of it)
 *   +4  u32 domain (types 1, 2) or the status value (4)
 *   +8  u64 addr  IOVA (1, 5) or the status word's physical address (4)
 *   +16 u64 len   bytes (1, 5)
 *   +24 u64 dev   (5) the device's invalidation register: the queue
 *                 writes it a 24-byte invalidation request (IOVA, length,
 *                 and ICMP's address for the completion) and waits for
 *                 the device's completion at ICMP before going on, as
 *                 PCIe ATS's Invalidate Request and Invalidate
 *                 Completion messages do
 * (VT-d's descriptors are 16 bytes with packed fields; these are wider to
 * keep each field whole.)
 *
 * State machine (one descriptor at a time):
 *   IDLE --IQT written, head != tail--> FETCH --read done--> execute:
 *   invalidation: done at once | wait: STATUS --write done--> next |
 *   device-TLB: DEVTLB --request written--> completion at ICMP --> next;
 *   next: head++, FETCH again or IDLE when head == tail.
 */
#ifndef DMASIM_HW_IOMMU_QI_H
#define DMASIM_HW_IOMMU_QI_H

#include <stdbool.h>
#include <stdint.h>

#include "bus.h"
#include "ats.h"
#include "xact.h"

#define IOMMU_QI_IQA 0x00
#define IOMMU_QI_IQS 0x08
#define IOMMU_QI_IQT 0x10
#define IOMMU_QI_IQH 0x18
#define IOMMU_QI_IQE 0x1c
#define IOMMU_QI_ICMP 0x20
#define IOMMU_QI_REGS 0x28
#define IOMMU_QI_DESC 32

enum { IOMMU_QI_RANGE = 1, IOMMU_QI_DOMAIN = 2, IOMMU_QI_GLOBAL = 3,
       IOMMU_QI_WAIT = 4, IOMMU_QI_DEVTLB = 5 };


struct iommu;

struct iommu_qi {
	struct bus_target regs;		/* first */
	struct iommu *io;
	struct bus_master port;		/* fetches and status writes */
	uint64_t reg_cycles;		/* bus cycles a register access holds */
	uint64_t base;
	uint32_t size, head, tail;
	bool busy;
	bool devtlb;			/* waiting for a device's completion */
	uint8_t desc[IOMMU_QI_DESC];
	uint8_t status[4];
	uint8_t msg[ATS_INV_SIZE];
	struct xact x;
	char name[48];
	/* statistics */
	uint64_t descriptors, waits, errors, devtlbs;
	uint64_t devtlb_at, devtlb_ps;	/* a request's start; ps from
					 * requests to completions */
};

/* The queue of io, its registers at [base, +IOMMU_QI_REGS) of io's far
 * bus (where memory is), answering in reg_cycles bus cycles.  Returns 0 or
 * a bus_map / stats error. */
int iommu_qi_init(struct iommu_qi *q, struct iommu *io, uint64_t base,
		  uint64_t reg_cycles);

#endif
