/*
 * lsys: what the Lua bindings share: a system handle (a struct dmasim_sys
 * of sys/, made through the run), component handles, and Lua processes
 * (a sys/ process whose body is a coroutine).  The bindings parse and
 * check a scenario's arguments, call the machine API of sys/ and turn its
 * results and errors into Lua values and errors; they model nothing.
 */
#ifndef DMASIM_LUA_LSYS_H
#define DMASIM_LUA_LSYS_H

#include <stdbool.h>
#include <stddef.h>

#include <lauxlib.h>
#include <lua.h>

#include "lrun.h"
#include "sys/process.h"
#include "sys/sys.h"

#define SYS_MT "dmasim.system"

/* The system userdata. */
struct lsys {
	struct dmasim_sys *sys;	/* NULL once closed */
	lua_State *runL;	/* the thread inside sys:run() */
	int err_ref;		/* a process's error, or LUA_NOREF */
	struct dmasim_run *run;
};

/* A handle to a component; its user value keeps the system alive. */
struct lcomp {
	struct lsys *ls;
	void *obj;		/* the sys/ component (struct dmasim_<kind>) */
};

/* A Lua process: a sys/ process whose body resumes a coroutine. */
struct lproc {
	struct dmasim_proc p;	/* first */
	struct lsys *ls;
	lua_State *co;
	int ref;		/* registry reference to co */
	int nargs;		/* arguments for the first resume */
	void *buf;		/* a buffer its operation uses, freed with it */
};

extern const char *const lsys_mode_names[];

struct lsys *lsys_check(lua_State *L, int idx);
/* The sys/ component behind a handle of metatable mt (its system open). */
void *lsys_check_comp(lua_State *L, int idx, const char *mt);
/* The system of the handle at idx. */
struct lsys *lsys_of(lua_State *L, int idx);
/* Push a handle of metatable mt for component obj of the system at
 * sys_idx. */
void lsys_push_comp(lua_State *L, int sys_idx, void *obj, const char *mt);
/* Raise the error of the system's last failed call, prefixed by what. */
int lsys_raise(lua_State *L, struct lsys *ls, const char *what);
/* The Lua process running the calling coroutine, or an error naming fn. */
struct lproc *lsys_current(lua_State *L, struct lsys *ls, const char *fn);
/* Start fn (at idx) with nargs arguments above it as a process. */
struct lproc *lsys_spawn(lua_State *L, struct lsys *ls, int idx, int nargs);
/* After a blocking sys/ call for the calling process: yield when it
 * waits (resuming in k with ctx), raise its error, or call k at once. */
int lsys_await(lua_State *L, struct lsys *ls, int rc, const char *what,
	       lua_KFunction k, lua_KContext ctx);
/* A component handle's numeric field, as __index functions list them. */
struct lsys_field {
	const char *name;
	uint64_t value;
};

#define LSYS_NFIELDS(f) (sizeof(f) / sizeof((f)[0]))

/* Fields common to every bus master handle (its name is a string). */
#define PORT_FIELDS(m)                                                        \
	{ "id", (m)->id }, { "grants", (m)->grants },                        \
	{ "wait_cycles", bus_master_wait_cycles(m) }


/* In an __index function: push the method named k of the handle at idx,
 * or the field named k of f (an integer).  Returns 1, or 0 when neither
 * exists (nothing pushed that matters). */
int lsys_index(lua_State *L, int idx, const char *k,
	       const struct lsys_field *f, size_t n);

/* Register a class: methods, an __index function, optional __gc. */
void lsys_class(lua_State *L, const char *mt, const luaL_Reg *methods,
		lua_CFunction index, lua_CFunction gc);

/* Push a new system of the run (its first bus made from bc); raises
 * errors prefixed by what. */
struct lsys *lsys_new(lua_State *L, const struct dmasim_sys_config *sc,
		      const struct dmasim_bus_config *bc, const char *what);
/* Raise the error a process of the system failed with, if any (else 0). */
int lsys_take_error(lua_State *L, struct lsys *ls);
/* A bus{} table's fields at idx (clock, arbitration, latency, width). */
void lsys_bus_fields(lua_State *L, int idx, const char *what,
		     struct dmasim_bus_config *bc);

/* Optional table argument at idx defaulted to {}. */
void lsys_opt_table(lua_State *L, int idx);
/* An address argument: an integer >= 0. */
uint64_t lsys_check_addr(lua_State *L, int idx, const char *fn);
/* The bus named in field "bus" of the table at idx (default: the
 * system's first bus). */
struct dmasim_bus *lsys_opt_bus(lua_State *L, int idx, const char *what);

/* The metatables of component handles. */
#define BUS_MT "dmasim.bus"
#define BRIDGE_MT "dmasim.bridge"
#define IOMMU_MT "dmasim.iommu"
#define MEM_MT "dmasim.memory"
#define CPU_MT "dmasim.cpu"
#define CACHE_MT "dmasim.cache"
#define DMA_MT "dmasim.dma"
#define CHAN_MT "dmasim.dma_channel"
#define DEV_MT "dmasim.device"
#define TRAFFIC_MT "dmasim.traffic"
#define INTC_MT "dmasim.intc"
#define TIMER_MT "dmasim.timer"
#define PCIE_MT "dmasim.pcie"

/*
 * Each binding file registers its classes (and any module fields) with
 * l<x>_open(L), the `dmasim` module at the top of the stack, and lists
 * its sys:<model>{} constructors in l<x>_sys_methods: memories (lmem.c),
 * CPUs (lcpu.c), DMA engines (ldma.c), devices (ldev.c), synthetic
 * traffic (ltraffic.c).
 */
void lmem_open(lua_State *L);
extern const luaL_Reg lmem_sys_methods[];
void lcpu_open(lua_State *L);
extern const luaL_Reg lcpu_sys_methods[];
void ldma_open(lua_State *L);
extern const luaL_Reg ldma_sys_methods[];
void ldev_open(lua_State *L);
extern const luaL_Reg ldev_sys_methods[];
void ltraffic_open(lua_State *L);
extern const luaL_Reg ltraffic_sys_methods[];
/* IOMMUs (liommu.c). */
void liommu_open(lua_State *L);
extern const luaL_Reg liommu_sys_methods[];
/* The memory manager's bindings (los.c). */
void los_open(lua_State *L);
extern const luaL_Reg los_sys_methods[];
/* Caches (lcache.c) and the DMA mapping API (lmap.c). */
void lcache_open(lua_State *L);
extern const luaL_Reg lcache_sys_methods[];
void lmap_open(lua_State *L);
extern const luaL_Reg lmap_sys_methods[];
/* Interrupt controllers and timers (lintc.c). */
void lintc_open(lua_State *L);
extern const luaL_Reg lintc_sys_methods[];
/* PCI Express roots, switches and endpoints (lpcie.c). */
void lpcie_open(lua_State *L);
extern const luaL_Reg lpcie_sys_methods[];

/* GPUs, streams and events (lgpu.c). */
void lgpu_open(lua_State *L);
extern const luaL_Reg lgpu_sys_methods[];
/* Disks, the block driver and the page cache (ldisk.c). */
#define DISK_MT "dmasim.disk"
#define BLKDEV_MT "dmasim.blkdev"
#define PAGECACHE_MT "dmasim.pagecache"
void ldisk_open(lua_State *L);
extern const luaL_Reg ldisk_sys_methods[];
/* NICs and their receive driver (lnic.c), cameras (lcamera.c). */
void lnic_open(lua_State *L);
extern const luaL_Reg lnic_sys_methods[];
void lcamera_open(lua_State *L);
extern const luaL_Reg lcamera_sys_methods[];
/* Clusters, their nodes and RDMA NICs (lcluster.c). */
void lcluster_open(lua_State *L);
extern const luaL_Reg lcluster_sys_methods[];
/* MMUs (lmmu.c). */
void lmmu_open(lua_State *L);
extern const luaL_Reg lmmu_sys_methods[];

#endif
