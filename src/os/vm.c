/* vm: address spaces, faults, reclaim, migration, pinning.  See vm.h. */
#include "vm.h"

#include <stdlib.h>
#include <string.h>

#include "kernel/alloc.h"
#include "kernel/base.h"
#include "kernel/sim.h"
#include "kernel/util.h"
#include "kernel/vec.h"

int vm_init(struct vm *vm, struct sim *sim, struct memory *mem,
	    uint64_t base, uint64_t size, const struct vm_config *cfg)
{
	int err;

	memset(vm, 0, sizeof(*vm));
	if (!mem || base < mem->tgt.base ||
	    base + size > mem->tgt.base + mem->cfg.size || !cfg->swap_slots)
		return DMASIM_EINVAL;
	vm->cfg = *cfg;
	vm->mem = mem;
	vm->sim = sim;
	err = frames_init(&vm->fr, base, size);
	if (err)
		return err;
	vm->slot_free = dm_malloc((size_t)cfg->swap_slots *
			       sizeof(*vm->slot_free));
	vm->moved_at = dm_calloc(vm->fr.n, sizeof(*vm->moved_at));
	if (!vm->slot_free || !vm->moved_at) {
		vm_fini(vm);
		return DMASIM_ENOMEM;
	}
	return 0;
}

void vm_fini(struct vm *vm)
{
	for (int i = 0; i < vm->nas; i++) {
		dm_free(vm->as[i]->pte);
		dm_free(vm->as[i]);
	}
	dm_free(vm->as);
	dm_free(vm->slot_free);
	dm_free(vm->watch);
	dm_free(vm->haz);
	dm_free(vm->moved_at);
	dm_free(vm->pend);
	frames_fini(&vm->fr);
	memset(vm, 0, sizeof(*vm));
}

struct aspace *vm_aspace(struct vm *vm, uint64_t npages)
{
	struct aspace **v = dm_realloc(vm->as, (size_t)(vm->nas + 1) * sizeof(*v));
	struct aspace *as;

	if (!v)
		return NULL;
	vm->as = v;
	as = dm_calloc(1, sizeof(*as));
	if (!as)
		return NULL;
	as->pte = dm_calloc(npages ? npages : 1, sizeof(*as->pte));
	if (!as->pte) {
		dm_free(as);
		return NULL;
	}
	as->vm = vm;
	as->id = vm->nas;
	as->npages = npages;
	vm->as[vm->nas++] = as;
	return as;
}

struct aspace *vm_aspace_huge(struct vm *vm, uint64_t npages)
{
	struct aspace *as = vm_aspace(vm, npages);

	if (as)
		as->huge = true;
	return as;
}

static uint64_t frame_off(const struct vm *vm, uint32_t pfn)
{
	return frames_pa(&vm->fr, pfn) - vm->mem->tgt.base;
}

void vm_set_swapdev(struct vm *vm, const struct vm_swapdev *dev)
{
	vm->dev = *dev;
}

static int pend_add(struct vm *vm, uint8_t op, uint32_t slot, uint32_t pfn)
{
	VEC_RESERVE(vm->pend, vm->npend, vm->cappend, return DMASIM_ENOMEM);
	vm->pend[vm->npend].op = op;
	vm->pend[vm->npend].slot = slot;
	vm->pend[vm->npend].pa = frames_pa(&vm->fr, pfn);
	vm->npend++;
	if (op != VM_SWAP_ZERO)
		vm->swap_ios++;
	return 0;
}

int vm_swap_start(struct vm *vm, vm_swap_done_fn done, void *arg)
{
	int err;

	if (!vm->npend)
		return 0;
	err = vm->dev.start(vm->dev.ctx, vm->pend, vm->npend, done, arg);
	vm->npend = 0;
	return err;
}

int vm_swap_settle(struct vm *vm)
{
	int err;

	if (!vm->npend)
		return 0;
	err = vm->dev.settle(vm->dev.ctx, vm->pend, vm->npend);
	vm->npend = 0;
	return err;
}

static uint32_t slot_alloc(struct vm *vm)
{
	if (vm->nfree)
		return vm->slot_free[--vm->nfree];
	if (vm->slot_next < vm->cfg.swap_slots)
		return vm->slot_next++;
	return FRAME_NONE;
}

/* Every slot is freed at most once per use, so the stack never holds more
 * than swap_slots. */
static void slot_release(struct vm *vm, uint32_t slot)
{
	vm->slot_free[vm->nfree++] = slot;
}

static void note_moved(struct vm *vm, uint32_t pfn)
{
	vm->moved_at[pfn] = vm->sim->now;
}

uint32_t vm_reclaim_one(struct vm *vm)
{
	if (!vm->dev.start)
		return FRAME_NONE;	/* nowhere to put a page */
	/* Two sweeps: the first clears reference bits, the second finds a
	 * victim unless every frame is pinned or free. */
	for (uint64_t k = 0; k < 2ull * vm->fr.n; k++) {
		uint32_t pfn = vm->hand;
		struct frame *f = &vm->fr.f[pfn];
		struct aspace *as;
		struct pte *p;

		vm->hand = (vm->hand + 1) % vm->fr.n;
#ifdef DMASIM_MUTATE_RECLAIM_IGNORES_PINS
		/* pinned frames are paged out like any other */
		if (!f->used || f->owner < 0)
			continue;
#else
		if (!f->used || f->owner < 0 || f->pins)
			continue;
#endif
		if (f->accessed) {
			f->accessed = 0;
			continue;
		}
		as = vm->as[f->owner];
		p = &as->pte[f->vpn];
		p->slot = slot_alloc(vm);
		if (p->slot == FRAME_NONE)
			return FRAME_NONE;
		/* The device writes it out by DMA, later (clean pages
		 * too: the swap area keeps no copy of pages read back). */
		if (pend_add(vm, VM_SWAP_OUT, p->slot, pfn))
			return FRAME_NONE;
		if (p->flags & PTE_DIRTY)
			vm->writebacks++;
		p->flags = PTE_SWAPPED;
		vm_pte_sync(as, f->vpn);
		as->resident--;
		vm->evictions++;
		note_moved(vm, pfn);
		f->owner = -1;
		return pfn;
	}
	return FRAME_NONE;
}

const char *vm_nomem_why(const struct vm *vm)
{
	if (!vm->dev.start)
		return "memory is full and the memory manager has no swap "
		       "device: expected system:vm{swap = {blkdev = ...}}";
	if (!vm->nfree && vm->slot_next >= vm->cfg.swap_slots)
		return "memory is full and so is swap: expected more "
		       "swap{slots}";
	return "memory is full of pinned pages";
}

/* A frame for a page: free if any, else reclaimed. */
static uint32_t frame_get(struct vm *vm)
{
	uint32_t pfn = frames_alloc(&vm->fr, 0);

	if (pfn != FRAME_NONE)
		return pfn;
	pfn = vm_reclaim_one(vm);
	if (pfn == FRAME_NONE)
		return FRAME_NONE;
	vm->fr.f[pfn].gen++;	/* it changes hands */
	return pfn;
}

/* Map the whole 2 MiB region around vpn from one block, if the region is
 * untouched and such a block is free.  True when done. */
static bool huge_fault(struct aspace *as, uint64_t vpn, bool write,
		       uint64_t *cycles)
{
	struct vm *vm = as->vm;
	uint64_t n = 1ull << VM_HUGE_ORDER;
	uint64_t first = vpn & ~(n - 1);
	uint32_t pfn;

	if (first + n > as->npages)
		return false;
	for (uint64_t v = first; v < first + n; v++)
		if (as->pte[v].flags)
			return false;
	pfn = frames_alloc(&vm->fr, VM_HUGE_ORDER);
	if (pfn == FRAME_NONE)
		return false;
	if (vm->defer_zero) {
		vm->zero_pfn = pfn;
		vm->zero_n = (uint32_t)n;
	}
	for (uint64_t i = 0; i < n; i++) {
		static const uint8_t zero[FRAME_SIZE];
		struct frame *f = &vm->fr.f[pfn + i];

		if (!vm->defer_zero)
			memory_write(vm->mem, frame_off(vm, pfn + (uint32_t)i),
				     zero, FRAME_SIZE);
		as->pte[first + i].pfn = pfn + (uint32_t)i;
		as->pte[first + i].flags = PTE_PRESENT |
			(write && first + i == vpn ? PTE_DIRTY : 0);
		vm_pte_sync(as, first + i);
		f->owner = as->id;
		f->vpn = (uint32_t)(first + i);
		f->accessed = 1;
	}
	as->resident += n;
	as->faults++;
	as->huge_faults++;
	vm->faults++;
	if (cycles)
		*cycles += vm->cfg.fault_cycles;
	return true;
}

int vm_fault(struct aspace *as, uint64_t vpn, bool write, uint64_t *cycles)
{
	struct vm *vm = as->vm;
	struct pte *p;
	uint32_t pfn;

	if (vpn >= as->npages)
		return DMASIM_ERANGE;
	p = &as->pte[vpn];
	if (p->flags & PTE_PRESENT)
		return 0;
	if (as->huge && huge_fault(as, vpn, write, cycles))
		return 0;
	pfn = frame_get(vm);
	if (pfn == FRAME_NONE)
		return DMASIM_ENOMEM;
	as->faults++;
	vm->faults++;
	if (cycles)
		*cycles += vm->cfg.fault_cycles;
	if (p->flags & PTE_SWAPPED) {
		if (pend_add(vm, VM_SWAP_IN, p->slot, pfn))
			return DMASIM_ENOMEM;
		slot_release(vm, p->slot);
		as->major_faults++;
		vm->major_faults++;
	} else {
		/* A fresh page is zero-filled. */
		static const uint8_t zero[FRAME_SIZE];

		if (vm->npend) {
			/* after the transfers queued before it (the frame
			 * may be one being written out) */
			if (pend_add(vm, VM_SWAP_ZERO, 0, pfn))
				return DMASIM_ENOMEM;
		} else if (vm->defer_zero) {
			vm->zero_pfn = pfn;
			vm->zero_n = 1;
		} else if (memory_write(vm->mem, frame_off(vm, pfn), zero,
					FRAME_SIZE)) {
			return DMASIM_ENOMEM;
		}
	}
	p->pfn = pfn;
	p->flags = PTE_PRESENT | (write ? PTE_DIRTY : 0);
	vm_pte_sync(as, vpn);
	vm->fr.f[pfn].owner = as->id;
	vm->fr.f[pfn].vpn = (uint32_t)vpn;
	vm->fr.f[pfn].accessed = 1;
	as->resident++;
	return 0;
}

void vm_defer_begin(struct vm *vm)
{
	vm->defer_zero = true;
	vm->defer_pte = true;
	vm->zero_n = 0;
	memset(&vm->dw, 0, sizeof(vm->dw));
}

void vm_defer_end(struct vm *vm, struct vm_job *j)
{
	vm->defer_zero = false;
	vm->defer_pte = false;
	j->zpa = vm->mem->tgt.base + frame_off(vm, vm->zero_pfn);
	j->zlen = (uint64_t)vm->zero_n * FRAME_SIZE;
	j->zdone = 0;
	j->pte = vm->dw;
	j->map_done = 0;
	j->stage = 0;
	vm->zero_n = 0;
	memset(&vm->dw, 0, sizeof(vm->dw));
}

/* The store of page vpn's leaf entry, its value now. */
static void job_entry(struct vm_store *s, struct aspace *as, uint64_t vpn)
{
	s->pa = vm_pte_addr(as, vpn);
	s->len = 8;
	s->as = as;
	s->vpn = vpn;
	util_le_put(s->entry, vm_pte_value(as, vpn), 8);
}

bool vm_job_next(struct vm_job *j, bool data, struct vm_store *s)
{
	switch (j->stage) {
	case 0:
		j->stage = 1;
		if (j->pte.inv_as) {
			job_entry(s, j->pte.inv_as, j->pte.inv_vpn);
			return true;
		}
		/* fall through */
	case 1:
		if (!data)
			return false;
		if (j->zdone < j->zlen) {
			s->pa = j->zpa + j->zdone;
			s->len = VM_JOB_LINE;
			s->as = NULL;
			j->zdone += VM_JOB_LINE;
			return true;
		}
		j->stage = 2;
		/* fall through */
	case 2:
		if (j->pte.map_as && j->map_done < j->pte.map_n) {
			job_entry(s, j->pte.map_as,
				  j->pte.map_vpn + j->map_done++);
			return true;
		}
		j->stage = 3;
		/* fall through */
	default:
		return false;
	}
}

uint64_t vm_pa(const struct aspace *as, uint64_t va)
{
	uint64_t vpn = va >> FRAME_SHIFT;

	if (vpn >= as->npages || !(as->pte[vpn].flags & PTE_PRESENT))
		return UINT64_MAX;
	return frames_pa(&as->vm->fr, as->pte[vpn].pfn) +
	       (va & (FRAME_SIZE - 1));
}

/* An untimed call may not page now: it would take a frame by reclaim
 * while the device is still moving pages a timed call started (its
 * transfers would overtake those, and its page be mapped before its
 * bytes arrive). */
static bool untimed_must_wait(const struct vm *vm)
{
	return !vm->fr.free && vm->dev.busy && vm->dev.busy(vm->dev.ctx);
}

/* An untimed call's fault of page vpn, its swap settled at once; refused
 * (DMASIM_EINVAL, nothing changed) when untimed_must_wait(). */
static int untimed_fault(struct aspace *as, uint64_t vpn, bool write,
			 uint64_t *cycles)
{
	struct vm *vm = as->vm;
	int err;

	if (vpn < as->npages && !(as->pte[vpn].flags & PTE_PRESENT) &&
	    untimed_must_wait(vm))
		return DMASIM_EINVAL;
	err = vm_touch(as, vpn, write, cycles);
	return err ? err : vm_swap_settle(vm);
}

int vm_pin_page(struct aspace *as, uint64_t vpn, bool pin, uint64_t *cycles)
{
	struct frame *f;
	int err;

	if (pin) {
		/* a CPU running it (vm_defer_begin) waits for the
		 * transfers; set-up has them done at once */
		err = as->vm->defer_pte ? vm_fault(as, vpn, false, cycles) :
		      untimed_fault(as, vpn, false, cycles);
		if (err)
			return err;
	} else if (vpn >= as->npages || !(as->pte[vpn].flags & PTE_PRESENT)) {
		return 0;
	}
	f = &as->vm->fr.f[as->pte[vpn].pfn];
	if (pin)
		f->pins++;
	else if (f->pins)
		f->pins--;
	if (cycles)
		*cycles += as->vm->cfg.pin_cycles;
	return 1;
}

int64_t vm_pin(struct aspace *as, uint64_t va, uint64_t len, bool pin,
	       uint64_t *cycles)
{
	uint64_t first = va >> FRAME_SHIFT;
	uint64_t last = len ? (va + len - 1) >> FRAME_SHIFT : first;
	int64_t n = 0;

	for (uint64_t vpn = first; len && vpn <= last; vpn++) {
		int r = vm_pin_page(as, vpn, pin, cycles);

		if (r < 0)
			return r;
		n += r;
	}
	return n;
}

int vm_migrate_begin(struct aspace *as, uint64_t vpn, uint32_t *to)
{
	struct vm *vm = as->vm;
	uint32_t old, pfn;

	if (vpn >= as->npages || !(as->pte[vpn].flags & PTE_PRESENT))
		return DMASIM_EINVAL;
	old = as->pte[vpn].pfn;
#ifndef DMASIM_MUTATE_PIN_CHECK_SKIPPED
	if (vm->fr.f[old].pins) {
		vm->migrations_refused++;
		return DMASIM_EINVAL;
	}
#endif
	/* A target frame, reclaiming one if memory is full (never the page
	 * being moved: it is held for the while). */
	vm->fr.f[old].pins++;
	pfn = frame_get(vm);
	vm->fr.f[old].pins--;
	if (pfn == FRAME_NONE)
		return DMASIM_ENOMEM;
	*to = pfn;
	return 0;
}

int vm_migrate_end(struct aspace *as, uint64_t vpn, uint32_t from,
		   uint32_t to)
{
	struct vm *vm = as->vm;
	struct pte *p = &as->pte[vpn];

	if (!(p->flags & PTE_PRESENT) || p->pfn != from
#ifndef DMASIM_MUTATE_PIN_CHECK_SKIPPED
	    || vm->fr.f[from].pins
#endif
	    ) {
		/* pinned or gone while it was copied: the move is off */
		frames_free(&vm->fr, to, 0);
		vm->migrations_refused++;
		return DMASIM_EINVAL;
	}
	vm->fr.f[to].owner = as->id;
	vm->fr.f[to].vpn = (uint32_t)vpn;
	vm->fr.f[to].accessed = vm->fr.f[from].accessed;
	p->pfn = to;
	vm_pte_sync(as, vpn);
	note_moved(vm, from);
	frames_free(&vm->fr, from, 0);
	vm->migrations++;
	return 0;
}

int vm_migrate(struct aspace *as, uint64_t vpn, uint64_t *cycles)
{
	struct vm *vm = as->vm;
	uint8_t buf[FRAME_SIZE];
	uint32_t from, to;
	int err;

	if (untimed_must_wait(vm))
		return DMASIM_EINVAL;
	err = vm_migrate_begin(as, vpn, &to);
	if (!err)
		err = vm_swap_settle(vm);
	if (err)
		return err;
	from = as->pte[vpn].pfn;
	memory_read(vm->mem, frame_off(vm, from), buf, FRAME_SIZE);
	if (memory_write(vm->mem, frame_off(vm, to), buf, FRAME_SIZE))
		return DMASIM_ENOMEM;
	err = vm_migrate_end(as, vpn, from, to);
	if (!err && cycles)
		*cycles += vm->cfg.migrate_cycles;
	return err;
}

int vm_rw(struct aspace *as, uint64_t va, void *buf, uint64_t len,
	  bool write)
{
	uint8_t *b = buf;

	while (len) {
		uint64_t in = va & (FRAME_SIZE - 1);
		uint64_t n = FRAME_SIZE - in < len ? FRAME_SIZE - in : len;
		uint64_t vpn = va >> FRAME_SHIFT;
		int err = untimed_fault(as, vpn, write, NULL);
		uint64_t off;

		if (err)
			return err;
		off = frame_off(as->vm, as->pte[vpn].pfn) + in;
		if (write)
			err = memory_write(as->vm->mem, off, b, n);
		else
			memory_read(as->vm->mem, off, b, n);
		if (err)
			return err;
		b += n;
		va += n;
		len -= n;
	}
	return 0;
}

static int watch_add(struct vm *vm, struct aspace *as, uint64_t vpn)
{
	struct vm_watch *w;
	uint32_t pfn = as->pte[vpn].pfn;

	VEC_RESERVE(vm->watch, vm->nwatch, vm->capwatch, return DMASIM_ENOMEM);
	w = &vm->watch[vm->nwatch++];
	w->pa = frames_pa(&vm->fr, pfn);
	w->pfn = pfn;
	w->gen = vm->fr.f[pfn].gen;
	w->as = as->id;
	w->vpn = (uint32_t)vpn;
	w->live = true;
	return 0;
}

int vm_sg_build(struct aspace *as, uint64_t va, uint64_t len,
		struct vm_sg_seg *seg, int max, bool watch)
{
	int n = 0;

	while (len) {
		uint64_t in = va & (FRAME_SIZE - 1);
		uint64_t chunk = FRAME_SIZE - in < len ? FRAME_SIZE - in : len;
		uint64_t vpn = va >> FRAME_SHIFT;
		uint64_t pa;
		bool adjacent;
		int err = untimed_fault(as, vpn, false, NULL);

		if (err)
			return err;
		pa = frames_pa(&as->vm->fr, as->pte[vpn].pfn) + in;
		if (watch && (err = watch_add(as->vm, as, vpn)))
			return err;
		adjacent = n && seg[n - 1].pa + seg[n - 1].len == pa;
#ifdef DMASIM_MUTATE_SG_MERGE_UNCHECKED
		/* every page joins the segment before it, its frame adjacent
		 * or not: the list assumes physical contiguity */
		adjacent = n > 0;
#endif
		if (adjacent) {
			seg[n - 1].len += chunk;	/* physically adjacent */
		} else {
			if (n == max)
				return DMASIM_ERANGE;
			seg[n].pa = pa;
			seg[n].len = chunk;
			n++;
		}
		va += chunk;
		len -= chunk;
	}
	return n;
}

void vm_unwatch(struct vm *vm)
{
	vm->nwatch = 0;
}

static void hazard(struct vm *vm, const struct vm_watch *w, uint64_t pa)
{
	struct vm_hazard *h;
	const struct pte *p = &vm->as[w->as]->pte[w->vpn];

	VEC_RESERVE(vm->haz, vm->nhaz, vm->caphaz, return);
	h = &vm->haz[vm->nhaz++];
	h->time = vm->sim->now;
	h->pa = pa;
	h->as = w->as;
	h->vpn = w->vpn;
	h->moved_at = vm->moved_at[w->pfn];
	h->new_pfn = p->flags & PTE_PRESENT ? p->pfn : FRAME_NONE;
}

static void vm_snoop(struct bus_snooper *s, const struct bus_master *m,
		     uint64_t addr, uint64_t len, bool write)
{
	struct vm *vm = (struct vm *)s;

	if (!write || !vm->nwatch)
		return;
	for (uint32_t i = 0; i < vm->nwatch; i++) {
		struct vm_watch *w = &vm->watch[i];
		const struct pte *p;

		if (!w->live || addr >= w->pa + FRAME_SIZE ||
		    addr + len <= w->pa)
			continue;
		p = &vm->as[w->as]->pte[w->vpn];
		/* Still the page's frame: fine. */
		if ((p->flags & PTE_PRESENT) && p->pfn == w->pfn)
			continue;
		hazard(vm, w, addr > w->pa ? addr : w->pa);
		if (vm->on_hazard)
			vm->on_hazard(vm->hazard_ctx, m->name,
				      addr > w->pa ? addr : w->pa, len);
		w->live = false;	/* one report per page */
	}
}

int vm_watch_bus(struct vm *vm, struct bus *bus)
{
	vm->snoop.access = vm_snoop;
	vm->snoop.cycles = NULL;
	return bus_add_snooper(bus, &vm->snoop);
}

int64_t vm_fragment(struct vm *vm, double fraction, uint64_t seed)
{
	struct rng r;
	uint32_t *held, n = 0, kept = 0;

	if (!(fraction >= 0 && fraction <= 1))
		return DMASIM_EINVAL;
	rng_seed(&r, seed, "fragment");
	held = dm_malloc((size_t)vm->fr.n * sizeof(*held));
	if (!held)
		return DMASIM_ENOMEM;
	for (uint32_t pfn; (pfn = frames_alloc(&vm->fr, 0)) != FRAME_NONE;)
		held[n++] = pfn;
	for (uint32_t i = 0; i < n; i++) {
		if (rng_unit(&r) < fraction)
			frames_free(&vm->fr, held[i], 0);
		else
			kept++;
	}
	dm_free(held);
	return kept;
}

uint64_t vm_alloc_contig(struct vm *vm, uint64_t bytes)
{
	unsigned order = 0;
	uint32_t pfn;

	while (order < FRAMES_MAX_ORDER && ((uint64_t)FRAME_SIZE << order) <
	       bytes)
		order++;
	if (((uint64_t)FRAME_SIZE << order) < bytes)
		return UINT64_MAX;
	pfn = frames_alloc(&vm->fr, order);
	return pfn == FRAME_NONE ? UINT64_MAX : frames_pa(&vm->fr, pfn);
}

uint64_t vm_pte_value(const struct aspace *as, uint64_t vpn)
{
	const struct pte *p = &as->pte[vpn];

	return p->flags & PTE_PRESENT ?
	       frames_pa(&as->vm->fr, p->pfn) | 1 : 0;
}

void vm_pte_written(struct aspace *as, uint64_t vpn)
{
	bool owed = as->pte[vpn].flags & PTE_ENTRY_OWED;

	as->pte[vpn].flags &= (uint8_t)~PTE_ENTRY_OWED;
	if (as->pt_changed)
		as->pt_changed(as->pt_ctx, as, vpn);
	if (owed && as->vm->owed_written)
		as->vm->owed_written(as->vm, as, vpn);
}

/* Leave page vpn's entry to the CPU running the call, when it fits the
 * one unmapping and the one run of mappings it takes.  True if left. */
static bool pte_defer(struct aspace *as, uint64_t vpn)
{
	struct vm_pte_work *w = &as->vm->dw;

	if (!(as->pte[vpn].flags & PTE_PRESENT)) {
		if (w->inv_as)
			return false;
		w->inv_as = as;
		w->inv_vpn = vpn;
	} else if (!w->map_as) {
		w->map_as = as;
		w->map_vpn = vpn;
		w->map_n = 1;
	} else if (w->map_as == as && vpn == w->map_vpn + w->map_n) {
		w->map_n++;
	} else {
		return false;
	}
	as->pte[vpn].flags |= PTE_ENTRY_OWED;
	return true;
}

void vm_pte_sync(struct aspace *as, uint64_t vpn)
{
	uint8_t b[8];

	if (!as->pt_root)
		return;
	if (as->vm->defer_pte && pte_defer(as, vpn))
		return;
	util_le_put(b, vm_pte_value(as, vpn), 8);
	memory_write(as->vm->mem, vm_pte_addr(as, vpn) - as->vm->mem->tgt.base,
		     b, 8);
	vm_pte_written(as, vpn);
}
