/*
 * swap: a memory manager's swap on a disk (os/vm.h's struct vm_swapdev).
 * Slot s is the 4 KiB at block lba + s * (4 KiB / block) of the disk.
 * One worker process on the block driver's CPU takes the queued records
 * in order: a page out is a disk write command whose DMA reads the frame,
 * a page in a read command whose DMA fills it, a zero-fill (a fresh page
 * whose frame a page-out queued before it reads) the CPU's stores once
 * the transfers before it are done; each batch's waiter is told when its
 * last record is done.  Untimed settling copies between the disk image and
 * memory at once (the vm's untimed calls: set-up and checks).
 */
#include <stdlib.h>
#include <string.h>

#include "disk.h"
#include "os/vm.h"
#include "process.h"
#include "vmcpu.h"
#include "swap.h"
#include "kernel/alloc.h"

struct swap_item {
	struct vm_swap_rec rec;
	vm_swap_done_fn done;	/* called after this record, or NULL */
	void *arg;
};

struct sys_swap {
	struct dmasim_sys *sys;
	struct dmasim_blkdev *b;
	struct vm *vm;
	uint64_t lba;
	struct swap_item *q;	/* FIFO: q[head..n) */
	size_t head, n, cap;
	bool running;
	/* statistics */
	uint64_t outs, ins, zeros;
};

static uint64_t slot_lba(const struct sys_swap *s, uint32_t slot)
{
	return s->lba + (uint64_t)slot * (FRAME_SIZE /
					  s->b->disk->d.cfg.block);
}

static void zero_frame(struct sys_swap *s, uint64_t pa)
{
	static const uint8_t zero[FRAME_SIZE];

	if (memory_write(s->vm->mem, pa - s->vm->mem->tgt.base, zero,
			 FRAME_SIZE))
		sim_host_oom(&s->sys->sim);
}

static void swap_worker(struct dmasim_proc *p, void *ctx)
{
	struct sys_swap *s = ctx;
	struct swap_item *it;
	vm_swap_done_fn done;
	void *arg;

	DMASIM_PROC_BEGIN(p);
	while (s->head < s->n) {
		it = &s->q[s->head];
		if (it->rec.op == VM_SWAP_ZERO) {
			/* the fault handler's clear_page, by the stores of
			 * the CPU it runs on */
			DMASIM_AWAIT(p, sys_cpu_zero(p, s->b->cpu,
						     s->q[s->head].rec.pa,
						     FRAME_SIZE));
			if (p->op.res.status) {
				dmasim_proc_fail(p, "swap: a zero fill found "
						 "no memory at the frame");
				return;
			}
			it = &s->q[s->head];
			s->zeros++;
		} else {
			DMASIM_AWAIT(p, sys_blk_io_pages(p, s->b,
				     s->q[s->head].rec.op == VM_SWAP_OUT,
				     slot_lba(s, s->q[s->head].rec.slot),
				     FRAME_SIZE / s->b->disk->d.cfg.block,
				     &s->q[s->head].rec.pa, 1));
			if (p->op.res.status) {
				dmasim_proc_fail(p, "swap: a disk command "
						 "failed (is the swap area "
						 "inside the disk?)");
				return;
			}
			it = &s->q[s->head];
			if (it->rec.op == VM_SWAP_OUT)
				s->outs++;
			else
				s->ins++;
		}
		done = it->done;
		arg = it->arg;
		s->head++;
		/* may queue more records (and move s->q) */
		if (done)
			done(arg);
	}
	s->head = s->n = 0;
	s->running = false;
	DMASIM_PROC_END(p);
}

static int swap_start(void *ctx, const struct vm_swap_rec *r, uint32_t n,
		      vm_swap_done_fn done, void *arg)
{
	struct sys_swap *s = ctx;

	if (s->n + n > s->cap) {
		size_t cap = (s->n + n) * 2;
		struct swap_item *q = dm_realloc(s->q, cap * sizeof(*q));

		if (!q)
			return DMASIM_ENOMEM;
		s->q = q;
		s->cap = cap;
	}
	for (uint32_t i = 0; i < n; i++) {
		s->q[s->n].rec = r[i];
		s->q[s->n].done = i + 1 == n ? done : NULL;
		s->q[s->n].arg = arg;
		s->n++;
	}
	if (!s->running) {
		s->running = true;
		return dmasim_spawn(s->sys, swap_worker, s, NULL);
	}
	return 0;
}

static int swap_settle(void *ctx, const struct vm_swap_rec *r, uint32_t n)
{
	struct sys_swap *s = ctx;
	struct disk *d = &s->b->disk->d;
	uint8_t buf[FRAME_SIZE];

	for (uint32_t i = 0; i < n; i++) {
		uint64_t off = slot_lba(s, r[i].slot) * d->cfg.block;
		uint64_t moff = r[i].pa - s->vm->mem->tgt.base;

		switch (r[i].op) {
		case VM_SWAP_OUT:
			memory_read(s->vm->mem, moff, buf, FRAME_SIZE);
			if (disk_image_write(d, off, buf, FRAME_SIZE))
				return DMASIM_ENOMEM;
			break;
		case VM_SWAP_IN:
			disk_image_read(d, off, buf, FRAME_SIZE);
			if (memory_write(s->vm->mem, moff, buf, FRAME_SIZE))
				return DMASIM_ENOMEM;
			break;
		default:
			zero_frame(s, r[i].pa);
			break;
		}
	}
	return 0;
}

static bool swap_busy(void *ctx)
{
	return ((struct sys_swap *)ctx)->running;
}

static void swap_fini_cb(void *obj)
{
	dm_free(((struct sys_swap *)obj)->q);
}

int sys_vm_swap_disk(struct dmasim_sys *sys, struct vm *vm,
		     struct dmasim_blkdev *b, uint64_t lba)
{
	const struct disk *d = &b->disk->d;
	uint64_t per = FRAME_SIZE / d->cfg.block;
	uint64_t blocks = d->cfg.size / d->cfg.block;
	struct vm_swapdev dev;
	struct sys_swap *s;
	int err = sys_owns(sys, b->sys, "the blkdev");

	if (err)
		return err;
	if (lba % per || lba >= blocks ||
	    (blocks - lba) / per < vm->cfg.swap_slots)
		return sys_error(sys, DMASIM_EINVAL, "swap on disk '%s': "
				 "%u slots of 4 KiB from block %llu: expected "
				 "a page-aligned area inside its %llu blocks",
				 d->name, vm->cfg.swap_slots,
				 (unsigned long long)lba,
				 (unsigned long long)blocks);
	if (vm->npend || vm->evictions)
		return sys_error(sys, DMASIM_EINVAL, "swap on disk '%s': the "
				 "memory manager has swapped already: set its "
				 "swap device before any page leaves", d->name);
	s = sys_alloc(sys, sizeof(*s), swap_fini_cb);
	if (!s)
		return sys_error(sys, DMASIM_ENOMEM, "out of memory");
	s->sys = sys;
	s->b = b;
	s->vm = vm;
	s->lba = lba;
	dev.start = swap_start;
	dev.settle = swap_settle;
	dev.busy = swap_busy;
	dev.ctx = s;
	vm_set_swapdev(vm, &dev);
	return 0;
}
