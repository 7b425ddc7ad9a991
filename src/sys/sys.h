/*
 * sys: the machine, the composition root.  A system owns one simulation,
 * its interconnects and every component built on them, the processes of
 * the software it runs and, when asked, the DMA sanitizer.  It is what
 * include/dmasim/machine.h exposes; the Lua layer binds the same calls.
 *
 * Components are wrappers (struct dmasim_<kind>) around the models of hw/
 * and os/, each knowing its system, so that a handle of one system is
 * refused by another.  They are freed with the system, in reverse order
 * of creation.
 *
 * Who observes a system (timelines, the sanitizer's report sink, a
 * progress display, a snapshot of its statistics when it is freed) is
 * given by hooks at creation (struct sys_hooks): the run of report/ sets
 * them; sys/ knows nothing of results.
 */
#ifndef DMASIM_SYS_SYS_H
#define DMASIM_SYS_SYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "check/sanitizer.h"
#include "dmasim/machine.h"
#include "hw/bridge.h"
#include "hw/bus.h"
#include "hw/cache.h"
#include "hw/cpu.h"
#include "hw/dma.h"
#include "hw/intc.h"
#include "hw/iodev.h"
#include "hw/iommu.h"
#include "hw/iommu_qi.h"
#include "hw/memory.h"
#include "hw/msi.h"
#include "hw/pcie.h"
#include "hw/synth.h"
#include "hw/timer.h"
#include "kernel/proc.h"
#include "kernel/sim.h"
#include "kernel/trace.h"
#include "os/dmaiommu.h"
#include "os/dmamap.h"

#define SYS_NAME_MAX 32

struct vm;

/* How a run observes a system; all optional. */
struct sys_hooks {
	struct trace_config *trace;	/* timeline sinks */
	bool check;			/* attach the DMA sanitizer */
	san_sink_fn check_sink;		/* where its reports go */
	void *check_ctx;
	void (*progress)(struct sim *sim, uint64_t until, uint64_t events);
	void *progress_ctx;
	/* Called once as the system is freed, before anything in it is. */
	void (*on_free)(void *ctx, struct dmasim_sys *sys);
	void *free_ctx;
};

struct sys_comp {
	void *obj;
	void (*fini)(void *obj);
};

struct dmasim_sys {
	struct sim sim;
	char name[SYS_NAME_MAX];
	char err[512];			/* the last failure's message */
	struct sys_hooks hooks;
	struct sys_comp *comps;		/* owned, freed in reverse */
	size_t ncomps, capcomps;
	struct dmasim_bus **buses;
	size_t nbuses, capbuses;
	struct dmasim_proc *procs;	/* live processes */
	/* drops them when the system is freed (set by process.c) */
	void (*procs_free)(struct dmasim_sys *sys);
	struct sanitizer *san;		/* with hooks.check */
	/* with it: where each DMA channel's transfer was started from, for
	 * its reports (process.c) */
	struct sys_origin *origins;
	size_t norigins, caporigins;
	bool running;
	int fail_code;			/* a process failed the run */
	/* components made so far, for default names */
	unsigned ncpus, nmems, ndmas, ndevs, ncaches, ndmadevs, nvms, ntraffic,
		 nbridges, niommus, nintcs, ntimers;
	unsigned npcie_roots, npcie_switches, npcie_endpoints;
	unsigned nnics, nnetdrvs, ncameras;
	struct vm *vms[8];		/* memory managers, for pin look-ups */
	void *user;			/* the Lua layer's back pointer */
	struct dmasim_gpu *gpus;	/* its GPUs (gpu.c), newest first */
	/* a node of a cluster (cluster.c): run only by the cluster */
	struct dmasim_cluster *cluster;
	uint32_t node;			/* its id there */
	bool orphaned;			/* its cluster was freed */
	unsigned nrnics;
	struct sys_port *port;		/* software on its cluster port */
};

struct dmasim_bus {
	struct bus bus;
	struct dmasim_sys *sys;
};

struct dmasim_bridge {
	struct bridge br;
	struct dmasim_sys *sys;
};

enum sys_pcie_kind { SYS_PCIE_ROOT, SYS_PCIE_SWITCH, SYS_PCIE_ENDPOINT };

struct dmasim_pcie {
	struct dmasim_sys *sys;
	enum sys_pcie_kind kind;
	char name[SYS_NAME_MAX];
	uint64_t base, size;		/* MMIO range, window or BAR */
	struct dmasim_bus *bus;		/* its own */
	struct dmasim_bridge *bridge;	/* a root's host bridge */
	struct dmasim_pcie *root;
	struct pcie_link link;		/* to the parent (not a root) */
	bool linked;
	struct pcie_p2p p2p;		/* a root's peer path */
	struct pcie_msi msi;		/* a root's */
};

struct dmasim_iommu {
	struct iommu io;
	struct dmasim_sys *sys;
	struct iommu_qi qi;	/* when cfg qi_base */
	struct dmaiommu_qi osq;	/* the mapping API's ring (osq.ring) */
};

struct dmasim_memory {
	struct memory mem;
	struct dmasim_sys *sys;
};

struct sys_irq;

struct dmasim_cpu {
	struct cpu cpu;
	struct dmasim_sys *sys;
	struct dmasim_cache *cache;	/* its L1, or NULL */
	struct sys_irq *irq;		/* handlers by line, or NULL */
};

struct dmasim_cache {
	struct cache c;
	struct dmasim_sys *sys;
	struct dmasim_cpu *cpu;		/* whose maintenance runs on it */
};

struct dmasim_channel {
	struct dma_chan *ch;
	struct dmasim_dma *dma;
};

struct dmasim_dma {
	struct dma_engine eng;
	struct dmasim_sys *sys;
	struct dmasim_channel *chan;	/* eng.nchan handles */
};

struct dmasim_traffic {
	struct synth s;
	struct dmasim_sys *sys;
};

struct dmasim_device {
	struct iodev dev;
	struct dmasim_sys *sys;
};

struct dmasim_dmadev {
	struct dma_dev d;
	struct dmasim_sys *sys;
	struct dmasim_cpu *cpu;		/* where its calls run */
};

struct dmasim_intc {
	struct intc ic;
	struct dmasim_sys *sys;
};

struct dmasim_timer {
	struct timer t;
	struct dmasim_sys *sys;
};

struct dmasim_completion {
	struct signal sig;
	uint64_t done, taken;
	struct dmasim_sys *sys;
};

/* Allocate a zeroed component of size bytes owned by the system (fini,
 * when not NULL, runs before it is freed).  NULL when out of memory. */
void *sys_alloc(struct dmasim_sys *sys, size_t size, void (*fini)(void *));
/* Record a failure's message (printf-style) and return code. */
int sys_error(struct dmasim_sys *sys, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* A system observed by hooks (see struct sys_hooks). */
int sys_new_hooked(const struct dmasim_sys_config *cfg,
		   const struct sys_hooks *hooks, struct dmasim_sys **out);
/* Stop the run with a process's failure (code and message). */
void sys_fail(struct dmasim_sys *sys, int code, const char *msg);
/* A name for a new component: cfg_name, or prefix<n>; checked (1 to 23
 * characters, no '.').  Returns 0 or DMASIM_EINVAL with the message set. */
int sys_comp_name(struct dmasim_sys *sys, const char *what,
		  const char *cfg_name, const char *prefix, unsigned n,
		  char *buf, size_t len);
/* Check that a handle belongs to this system. */
int sys_owns(struct dmasim_sys *sys, const struct dmasim_sys *owner,
	     const char *what);

extern const enum bus_mode sys_bus_mode[3];
/* A bus mode from the public enum is valid. */
bool sys_mode_ok(enum dmasim_mode m);
/* A clock in Hz: a whole number of ps per cycle in *period, or
 * DMASIM_EINVAL with the message naming `what`. */
int sys_clock_ok(struct dmasim_sys *sys, const char *what, double hz,
		 uint64_t *period);
/* The bus a component goes on: *bus, or the system's first; it must be
 * this system's. */
int sys_pick_bus(struct dmasim_sys *sys, const char *what,
		 struct dmasim_bus **bus);
/* A device's interrupt as configured: intc (or NULL: none), irq_line of
 * it, and msi (0: a wire; else the address its MSI port writes).  Check
 * it (0, or the error reported, naming the device: "<kind> '<name>'"),
 * then, once the device exists, make its sink: a wire to the line, or an
 * MSI port "<name>.msi" on bus (port: where it lives) writing the line's
 * number (0 or DMASIM_ENOMEM, reported; *out untouched without intc). */
int sys_irq_check(struct dmasim_sys *sys, const char *kind,
		  const char *name, const struct dmasim_intc *intc,
		  unsigned line, uint64_t msi);
int sys_irq_sink(struct dmasim_sys *sys, const char *name, struct bus *bus,
		 struct dmasim_intc *intc, unsigned line, uint64_t msi,
		 struct msi_port *port, struct irq_sink *out);

/* Run a system up to and including `until`, as dmasim_sys_run() does
 * but for a node of a cluster too (the cluster's windows). */
int sys_run(struct dmasim_sys *sys, uint64_t until);
/* The sanitizer's sink (process.c): the report, with where in the
 * software it came from, to the hooks' sink. */
void sys_check_sink(void *ctx, const struct san_report *r);
/* A node being freed leaves its cluster (cluster.c). */
void sys_cluster_leave(struct dmasim_sys *sys);
/* The network of a cluster (cluster.c), for the devices on its ports. */
struct net *sys_cluster_net(struct dmasim_cluster *cl);

/* The CPU stored [addr, addr + len): the GPUs' sanitizers look (gpu.c). */
void sys_gpu_host_store(struct dmasim_sys *sys, uint64_t addr, uint64_t len);

#endif
