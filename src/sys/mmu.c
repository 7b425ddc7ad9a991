/* mmu (sys): a CPU's MMU and its virtual accesses.  See mmu.h. */
#include "mmu.h"

#include <stdio.h>

#include "hw/cpu.h"
#include "kernel/base.h"
#include "os/vmpt.h"
#include "process.h"
#include "vmcpu.h"

static void mmu_fini_cb(void *obj)
{
	mmu_fini(&((struct dmasim_mmu *)obj)->m);
}

int sys_mmu_new(struct dmasim_sys *sys, struct dmasim_cpu *cpu,
		const char *name, const struct mmu_config *cfg,
		uint64_t trap_cycles, struct dmasim_mmu **out)
{
	struct dmasim_mmu *m;
	char def[48];
	int err = sys_owns(sys, cpu->sys, "the CPU");

	if (err)
		return err;
	if (!name) {
		snprintf(def, sizeof(def), "%s.mmu", cpu->cpu.name);
		name = def;
	}
	m = sys_alloc(sys, sizeof(*m), mmu_fini_cb);
	if (!m)
		return sys_error(sys, DMASIM_ENOMEM, "mmu: out of memory");
	err = mmu_init(&m->m, &sys->sim, cpu->cpu.port.bus, name, cfg,
		       cpu->cpu.port.priority);
	if (err)
		return sys_error(sys, err, "mmu '%s': %u entries in %u ways: "
				 "expected ways that divide the entries into "
				 "a power-of-two number of sets", name,
				 cfg->entries, cfg->ways);
	m->sys = sys;
	m->cpu = cpu;
	m->trap_cycles = trap_cycles;
	*out = m;
	return 0;
}

static void tlb_inval(void *ctx, struct aspace *as, uint64_t vpn)
{
	mmu_invalidate(ctx, as->id, vpn);
}

/* A leaf entry another CPU owed is written: the accesses parked for it
 * go on (they walk again). */
static void owed_written(struct vm *vm, struct aspace *as, uint64_t vpn)
{
	struct dmasim_proc **pp = (struct dmasim_proc **)&vm->owed_waiters;

	while (*pp) {
		struct dmasim_proc *p = *pp;

		if (p->op.u.vacc.as == as &&
		    (p->op.u.vacc.va + p->op.u.vacc.done) >> FRAME_SHIFT ==
		    vpn) {
			*pp = p->op.u.vacc.next_owed;
			sys_call_wake(p);
		} else {
			pp = &p->op.u.vacc.next_owed;
		}
	}
}

/* A walk ended: the CPU goes on with the routine. */
static void walked(void *ctx, enum mmu_result r, uint64_t pa)
{
	struct dmasim_proc *p = ctx;

	p->op.u.vacc.stage = r == MMU_HIT ? 1 : 2;
	p->op.u.vacc.pa = pa;
	cpu_call_resume(&p->op.u.vacc.mmu->cpu->cpu);
}

/* One transaction of a fault's memory work: the unmapping of a page
 * reclaimed for it, the kernel's stores of zeros into the new frame
 * (clear_page), the new entry; then the access goes on. */
static void fault_work(struct dmasim_proc *p, struct cache_cost *cost)
{
	struct cpu_op *op = &p->op.op[0];

	if (!sys_vmjob_step(&p->op.u.vacc.mmu->cpu->cpu, op,
			    &p->op.u.vacc.job, true, cost))
		p->op.u.vacc.stage = 0;
	op->again = !op->status;
}

/* The access of the piece in the page of pa. */
static void access_piece(struct dmasim_proc *p, struct cache_cost *cost)
{
	struct dmasim_mmu *m = p->op.u.vacc.mmu;
	struct cpu_op *op = &p->op.op[0];
	uint64_t va = p->op.u.vacc.va + p->op.u.vacc.done;
	uint64_t n = FRAME_SIZE - (va & (FRAME_SIZE - 1));

	if (n > p->op.u.vacc.len - p->op.u.vacc.done)
		n = p->op.u.vacc.len - p->op.u.vacc.done;
	/* the hardware's access and dirty flags */
	vm_touch(p->op.u.vacc.as, va >> FRAME_SHIFT, p->op.u.vacc.write, NULL);
	sys_cpu_piece(&m->cpu->cpu, op, p->op.u.vacc.pa,
		  p->op.u.vacc.buf + p->op.u.vacc.done, n, p->op.u.vacc.write,
		  cost);
	p->op.u.vacc.done += n;
	p->op.u.vacc.stage = 0;
	p->op.u.vacc.refault = false;
	op->again = !op->status && p->op.u.vacc.done < p->op.u.vacc.len;
}

/* One step of a virtual access: translate (a TLB hit, or a walk the CPU
 * waits for), a fault's trap and handler, or the access of one page. */
static void vacc_call(struct dmasim_proc *p, struct cache_cost *cost)
{
	struct dmasim_mmu *m = p->op.u.vacc.mmu;
	struct aspace *as = p->op.u.vacc.as;
	struct cpu_op *op = &p->op.op[0];
	uint64_t va = p->op.u.vacc.va + p->op.u.vacc.done, pa, cycles = 0;
	int err;

	switch (p->op.u.vacc.stage) {
	case 0:
		switch (mmu_translate(&m->m, as->id, as->pt_root, va, &pa,
				      walked, p)) {
		case MMU_HIT:
			p->op.u.vacc.pa = pa;
			access_piece(p, cost);
			return;
		default:
			op->again = true;
			op->park = true;
			return;
		}
	case 1:
		access_piece(p, cost);
		return;
	case 3:
		fault_work(p, cost);
		return;
	case 4:
		/* the space's first access: the OS builds its tables */
		if (sys_vmpt_step(&m->cpu->cpu, op, as, &p->op.u.vacc.built,
				  cost)) {
			op->again = !op->status;
			return;
		}
		as->pt_ready = true;
		p->op.u.vacc.stage = 0;
		op->again = true;
		return;
	default:
		/* a page fault: the trap, the handler (its memory work, a
		 * fresh frame's zeroing and the entries, by its stores), then
		 * the walk again */
		if ((as->pte[va >> FRAME_SHIFT].flags &
		     (PTE_PRESENT | PTE_ENTRY_OWED)) ==
		    (PTE_PRESENT | PTE_ENTRY_OWED)) {
			/* another CPU's fault handling brings the page in,
			 * its entry not stored yet (its swap transfers may
			 * be on the way): leave the CPU until it is, then
			 * walk again */
			p->op.u.vacc.next_owed = as->vm->owed_waiters;
			as->vm->owed_waiters = p;
			as->vm->owed_written = owed_written;
			cost->cpu += m->trap_cycles;
			p->op.u.vacc.stage = 0;
			sys_call_sleep(p);
			return;
		}
		if (as->pte[va >> FRAME_SHIFT].flags & PTE_PRESENT) {
			/* mapped meanwhile (the walk read the entry before
			 * it was written): walk again; but twice running,
			 * the tables disagree with the memory manager */
			if (p->op.u.vacc.refault) {
				p->op.u.vacc.err = DMASIM_EINVAL;
				op->status = BUS_ERR_DECODE;
				return;
			}
			p->op.u.vacc.refault = true;
		}
		vm_defer_begin(as->vm);
		err = vm_fault(as, va >> FRAME_SHIFT, p->op.u.vacc.write,
			       &cycles);
		vm_defer_end(as->vm, &p->op.u.vacc.job);
		if (err) {
			p->op.u.vacc.err = err;
			op->status = BUS_ERR_DECODE;
			return;
		}
		cost->cpu += m->trap_cycles + cycles;
		p->op.u.vacc.stage = 3;
		/* a page to read back, or a victim to write out: the
		 * handler sleeps until the swap device's DMA is done */
		op->again = !sys_call_swap_wait(p, as->vm);
		return;
	}
}

int sys_mmu_access(struct dmasim_proc *p, struct dmasim_mmu *m,
		   struct aspace *as, uint64_t va, void *buf, uint64_t len,
		   bool write)
{
	int err = sys_owns(p->sys, m->sys, "the mmu");

	if (err)
		return err;
	if (!len || va >= (as->npages << FRAME_SHIFT) ||
	    len > (as->npages << FRAME_SHIFT) - va)
		return sys_error(p->sys, DMASIM_ERANGE, "mmu '%s': virtual "
				 "access [%#llx, +%llu): expected a range "
				 "inside the address space (%llu bytes)",
				 m->m.name, (unsigned long long)va,
				 (unsigned long long)len,
				 (unsigned long long)(as->npages <<
						      FRAME_SHIFT));
	/* The first access builds the tables. */
	if (as->pt_root && !as->pt_ready)
		return sys_error(p->sys, DMASIM_EINVAL, "mmu '%s': the "
				 "address space's page tables are being built "
				 "by another access: expected its first "
				 "access to end before others begin",
				 m->m.name);
	p->op.u.vacc.stage = as->pt_ready ? 0 : 4;
	p->op.u.vacc.built = 0;
	p->op.u.vacc.refault = false;
	if (!as->pt_root) {
		err = vmpt_alloc(as);
		if (err)
			return sys_error(p->sys, err, "mmu '%s': no page "
					 "tables for the address space (%s: "
					 "expected a space of at most 1 GiB "
					 "and free contiguous frames for its "
					 "tables)", m->m.name,
					 dmasim_strerror(err));
	}
	/* the handler's entry stores reach the memory the walker reads */
	err = sys_vm_tables_uncached(p->sys, m->cpu, as);
	if (err)
		return err;
	as->pt_changed = tlb_inval;
	as->pt_ctx = &m->m;
	p->op.call = vacc_call;
	p->op.u.vacc.mmu = m;
	p->op.u.vacc.as = as;
	p->op.u.vacc.buf = buf;
	p->op.u.vacc.va = va;
	p->op.u.vacc.len = len;
	p->op.u.vacc.done = 0;
	p->op.u.vacc.write = write;
	p->op.u.vacc.err = 0;
	return sys_call_issue(p, m->cpu, write ? "mmu:store" :
			      "mmu:load");
}
