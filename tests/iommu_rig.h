/*
 * iommu_rig: the machine the IOMMU tests share.  Buses a (memory) and b
 * (the device), 1 ns a cycle, 8 bytes wide; memory on a with 10 ns
 * latency; a device (a test bus master, "nic") on b; a bridge with no
 * latency, posted writes and a queue of 4, its b-to-a window over all of
 * memory; an IOMMU on that way.  Each test adds its own parts (page
 * tables, a mapping API, a queue) after io_rig_init.
 */
#ifndef DMASIM_TESTS_IOMMU_RIG_H
#define DMASIM_TESTS_IOMMU_RIG_H

#include <string.h>

#include "hw/bridge.h"
#include "hw/iommu.h"
#include "hw/memory.h"
#include "kernel/sim.h"
#include "testutil.h"
#include "xact_master.h"

struct io_rig {
	struct sim sim;
	struct bus a, b;
	struct memory mem;
	struct bridge br;
	struct iommu io;
	struct xm dev;
};

/* mem_size bytes of memory; the IOMMU's configuration as given. */
static inline void io_rig_init(struct io_rig *r, uint64_t mem_size,
			       const struct iommu_config *ic)
{
	struct bus_config bc = { .period = 1000, .width = 8 };
	struct memory_config mc = { .size = mem_size, .latency = 10000 };
	struct bridge_config brc = { .latency = 0, .queue = 4,
				     .posted = true };

	memset(r, 0, sizeof(*r));
	assert_int_equal(sim_init(&r->sim, 1), 0);
	assert_int_equal(bus_init(&r->a, &r->sim, "a", &bc), 0);
	assert_int_equal(bus_init(&r->b, &r->sim, "b", &bc), 0);
	assert_int_equal(memory_init(&r->mem, &r->sim, &r->a, "mem", 0, &mc),
			 0);
	assert_int_equal(bus_attach(&r->b, &r->dev.m, "nic", &xm_ops,
				    BUS_MODE_BURST, 0), 0);
	r->dev.m.io = true;
	assert_int_equal(bridge_init(&r->br, &r->sim, "br", &r->a, &r->b,
				     &brc), 0);
	assert_int_equal(bridge_window(&r->br, BRIDGE_B_TO_A, 0, mem_size),
			 0);
	assert_int_equal(iommu_init(&r->io, &r->sim, "iommu", &r->br,
				    BRIDGE_B_TO_A, ic), 0);
}

static inline void io_rig_fini(struct io_rig *r)
{
	assert_true(iommu_check(&r->io));
	assert_true(bridge_check(&r->br));
	iommu_fini(&r->io);
	bridge_fini(&r->br);
	memory_fini(&r->mem);
	bus_fini(&r->a);
	bus_fini(&r->b);
	sim_fini(&r->sim);
}

#endif
