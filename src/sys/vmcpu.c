/* vmcpu: the memory manager's work as a CPU's transactions.  See
 * vmcpu.h. */
#include "vmcpu.h"

#include "hw/cpu.h"
#include "kernel/base.h"
#include "kernel/util.h"
#include "os/vmpt.h"

#define LINE VM_JOB_LINE	/* bytes a step of a fill or copy moves */

static uint8_t zero_line[LINE];	/* only ever read */

void sys_cpu_piece(struct cpu *cpu, struct cpu_op *op, uint64_t pa,
		   uint8_t *buf, uint64_t n, bool write,
		   struct cache_cost *cost)
{
	uint64_t c = 0, b = 0, x = 0, off;
	struct bus_target *t;

	if (cpu->mem_hook.xact && cpu->mem_hook.xact(cpu->mem_hook.ctx, cpu,
						     pa, buf, n, write, &c,
						     &b, &x)) {
		cost->cpu += c;
		cost->bus += b;
		op->call_xacts = x;
	} else {
		cost->bus += bus_xact_cycles(cpu->port.bus, pa, n, write, &t,
					     &off);
		if (!t || bus_xact_data(cpu->port.bus, pa, buf, n, write))
			op->status = BUS_ERR_DECODE;
	}
}

/* Page vpn's leaf entry, its value now, by the CPU's 8-byte store; the
 * TLBs hear of it after. */
static void pte_store(struct cpu *cpu, struct cpu_op *op, struct aspace *as,
		      uint64_t vpn, struct cache_cost *cost)
{
	uint8_t b[8];

	util_le_put(b, vm_pte_value(as, vpn), 8);
	sys_cpu_piece(cpu, op, vm_pte_addr(as, vpn), b, 8, true, cost);
	vm_pte_written(as, vpn);
}

bool sys_vmjob_step(struct cpu *cpu, struct cpu_op *op, struct vm_job *j,
		    bool data, struct cache_cost *cost)
{
	struct vm_store s;

	if (!vm_job_next(j, data, &s))
		return false;
	sys_cpu_piece(cpu, op, s.pa, s.as ? s.entry : zero_line, s.len, true,
		      cost);
	if (s.as)
		vm_pte_written(s.as, s.vpn);
	return true;
}

int sys_vm_tables_uncached(struct dmasim_sys *sys, struct dmasim_cpu *cpu,
			   const struct aspace *as)
{
	uint64_t size;
	struct cache *c;

	if (!as->pt_root || !cpu->cache)
		return 0;
	c = &cpu->cache->c;
	if (!cache_cacheable(c, as->pt_root))
		return 0;
	size = as->pt_leaf - as->pt_root +
	       (as->npages + 511) / 512 * FRAME_SIZE;
	if (cache_set_cacheable(c, as->pt_root, size, false))
		return sys_error(sys, DMASIM_ENOMEM, "cache '%s': no room to "
				 "make the page tables at [%#llx, +%llu) "
				 "non-cacheable: expected at most %d "
				 "non-cacheable ranges", c->name,
				 (unsigned long long)as->pt_root,
				 (unsigned long long)size, CACHE_MAX_NC);
	return 0;
}

bool sys_vmpt_step(struct cpu *cpu, struct cpu_op *op, struct aspace *as,
		   uint64_t *pos, struct cache_cost *cost)
{
	uint64_t lines = vmpt_bytes(as) / LINE, k = *pos;
	uint64_t pa, v;
	uint8_t b[8];

#ifdef DMASIM_MUTATE_PT_BUILD_FREE
	/* the tables written at once, behind the bus's back, for free */
	for (uint64_t i = 0; i < lines; i++)
		bus_xact_data(cpu->port.bus, as->pt_root + i * LINE,
			      zero_line, LINE, true);
	for (uint64_t i = 0; i < vmpt_nupper(as); i++) {
		util_le_put(b, vmpt_upper(as, i, &pa), 8);
		bus_xact_data(cpu->port.bus, pa, b, 8, true);
	}
	for (v = 0; v < as->npages; v++) {
		util_le_put(b, vm_pte_value(as, v), 8);
		bus_xact_data(cpu->port.bus, vm_pte_addr(as, v), b, 8, true);
	}
	(void)op;
	(void)cost;
	(void)pos;
	return false;
#endif
	if (k < lines) {
		sys_cpu_piece(cpu, op, as->pt_root + k * LINE, zero_line,
			      LINE, true, cost);
		++*pos;
		return true;
	}
	k -= lines;
	if (k < vmpt_nupper(as)) {
		util_le_put(b, vmpt_upper(as, k, &pa), 8);
		sys_cpu_piece(cpu, op, pa, b, 8, true, cost);
		++*pos;
		return true;
	}
	for (v = k - vmpt_nupper(as); v < as->npages; v++)
		if (as->pte[v].flags & PTE_PRESENT)
			break;
	if (v >= as->npages)
		return false;
	*pos = lines + vmpt_nupper(as) + v + 1;
	pte_store(cpu, op, as, v, cost);
	return true;
}

/* ---- a zero fill ---- */

static void zero_call(struct dmasim_proc *p, struct cache_cost *cost)
{
	struct cpu_op *op = &p->op.op[0];

	op->again = sys_vmjob_step(&p->op.cpu->cpu, op, &p->op.u.vmw.job,
				   true, cost) && !op->status;
}

int sys_cpu_zero(struct dmasim_proc *p, struct dmasim_cpu *cpu, uint64_t pa,
		 uint64_t len)
{
	struct vm_job *j = &p->op.u.vmw.job;

	if (!len || len % LINE)
		return sys_error(p->sys, DMASIM_EINVAL, "zero fill of %llu "
				 "bytes: expected a multiple of %d",
				 (unsigned long long)len, LINE);
	p->op.call = zero_call;
	p->op.u.vmw.what = 0;
	p->op.u.vmw.err = 0;
	j->zpa = pa;
	j->zlen = len;
	j->zdone = 0;
	j->pte.inv_as = j->pte.map_as = NULL;
	j->stage = 1;
	return sys_call_issue(p, cpu, "zero fill");
}

/* ---- a migration ---- */

static uint64_t pfn_pa(const struct aspace *as, uint32_t pfn)
{
	return frames_pa(&as->vm->fr, pfn);
}

/*
 * Steps: 0 the handler's own cycles (migrate_cycles) and the target
 * frame (leaving the CPU while a page reclaimed for it is written out,
 * if one is); 1 the entry of a page reclaimed for it; 2, 3 each line's load
 * from the old frame and store into the new; 4 the move; 5 the new entry.
 */
static void migrate_call(struct dmasim_proc *p, struct cache_cost *cost)
{
	struct cpu *cpu = &p->op.cpu->cpu;
	struct cpu_op *op = &p->op.op[0];
	struct aspace *as = p->op.u.vmw.as;
	struct vm *vm = as->vm;
	int err;

	op->again = true;
	switch (p->op.u.vmw.stage) {
	case 0:
		vm_defer_begin(vm);
		err = vm_migrate_begin(as, p->op.u.vmw.vpn, &p->op.u.vmw.to);
		vm_defer_end(vm, &p->op.u.vmw.job);
		if (err) {
			p->op.u.vmw.err = err;
			op->again = false;
			return;
		}
		p->op.u.vmw.from = as->pte[p->op.u.vmw.vpn].pfn;
		p->op.u.vmw.off = 0;
		cost->cpu += vm->cfg.migrate_cycles;
		p->op.u.vmw.stage = 1;
		/* a frame reclaimed for it: written out before the copy */
		sys_call_swap_wait(p, vm);
		return;
	case 1:
		if (sys_vmjob_step(cpu, op, &p->op.u.vmw.job, false, cost))
			break;
		p->op.u.vmw.stage = 2;
		/* fall through */
	case 2:
#ifdef DMASIM_MUTATE_VM_COPY_BACKDOOR
		/* the page copied at once, behind the bus's back, for free */
		{
			uint8_t buf[FRAME_SIZE];

			bus_xact_data(cpu->port.bus, pfn_pa(as, p->op.u.vmw.from),
				      buf, FRAME_SIZE, false);
			bus_xact_data(cpu->port.bus, pfn_pa(as, p->op.u.vmw.to),
				      buf, FRAME_SIZE, true);
			p->op.u.vmw.stage = 4;
			break;
		}
#endif
		sys_cpu_piece(cpu, op, pfn_pa(as, p->op.u.vmw.from) +
			      p->op.u.vmw.off, p->op.u.vmw.line, LINE, false,
			      cost);
		p->op.u.vmw.stage = 3;
		break;
	case 3:
		sys_cpu_piece(cpu, op, pfn_pa(as, p->op.u.vmw.to) +
			      p->op.u.vmw.off, p->op.u.vmw.line, LINE, true,
			      cost);
		p->op.u.vmw.off += LINE;
		p->op.u.vmw.stage = p->op.u.vmw.off < FRAME_SIZE ? 2 : 4;
		break;
	case 4:
		vm_defer_begin(vm);
		err = vm_migrate_end(as, p->op.u.vmw.vpn, p->op.u.vmw.from,
				     p->op.u.vmw.to);
		vm_defer_end(vm, &p->op.u.vmw.job);
		if (err) {
			p->op.u.vmw.err = err;
			op->again = false;
			return;
		}
		p->op.u.vmw.stage = 5;
		/* fall through */
	default:
		op->again = sys_vmjob_step(cpu, op, &p->op.u.vmw.job, true,
					   cost);
		break;
	}
	if (op->status)
		op->again = false;
}

int sys_vm_migrate(struct dmasim_proc *p, struct dmasim_cpu *cpu,
		   struct aspace *as, uint64_t vpn)
{
	int err = sys_vm_tables_uncached(p->sys, cpu, as);

	if (err)
		return err;
	p->op.call = migrate_call;
	p->op.u.vmw.what = 1;
	p->op.u.vmw.as = as;
	p->op.u.vmw.vpn = vpn;
	p->op.u.vmw.stage = 0;
	p->op.u.vmw.err = 0;
	return sys_call_issue(p, cpu, "migrate");
}

/* ---- pinning ---- */

/* Per page: the fault's handling (if any) and pin_cycles; the call
 * leaves the CPU while the swap device moves the pages the fault needs;
 * then the fault's memory work. */
static void pin_call(struct dmasim_proc *p, struct cache_cost *cost)
{
	struct cpu *cpu = &p->op.cpu->cpu;
	struct cpu_op *op = &p->op.op[0];
	struct aspace *as = p->op.u.vmw.as;
	uint64_t cycles = 0;
	int r;

	op->again = true;
	if (p->op.u.vmw.stage == 1) {
		if (sys_vmjob_step(cpu, op, &p->op.u.vmw.job, true, cost)) {
			op->again = !op->status;
			return;
		}
		p->op.u.vmw.vpn++;
	}
	if (p->op.u.vmw.vpn > p->op.u.vmw.last) {
		op->again = false;
		return;
	}
	vm_defer_begin(as->vm);
	r = vm_pin_page(as, p->op.u.vmw.vpn, true, &cycles);
	vm_defer_end(as->vm, &p->op.u.vmw.job);
	if (r < 0) {
		p->op.u.vmw.err = r;
		op->again = false;
		return;
	}
	p->op.u.vmw.pages += (uint64_t)r;
	cost->cpu += cycles;
	p->op.u.vmw.stage = 1;
	/* a page to read back, or a victim to write out, first */
	sys_call_swap_wait(p, as->vm);
}

int sys_vm_pin(struct dmasim_proc *p, struct dmasim_cpu *cpu,
	       struct aspace *as, uint64_t va, uint64_t len)
{
	int err = sys_vm_tables_uncached(p->sys, cpu, as);

	if (err)
		return err;
	p->op.u.vmw.pages = 0;
	p->op.u.vmw.err = 0;
	if (!len)
		return 0;
	p->op.call = pin_call;
	p->op.u.vmw.what = 2;
	p->op.u.vmw.as = as;
	p->op.u.vmw.vpn = va >> FRAME_SHIFT;
	p->op.u.vmw.last = (va + len - 1) >> FRAME_SHIFT;
	p->op.u.vmw.stage = 0;
	return sys_call_issue(p, cpu, "pin");
}
