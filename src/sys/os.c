/* os: the memory manager on a system.  See os.h. */
#include "os.h"

#include "check/sanitizer.h"
#include "kernel/checked.h"

static void vm_fini_cb(void *obj)
{
	vm_fini(obj);
}

static void vm_hazard_report(void *ctx, const char *who, uint64_t pa,
			     uint64_t len)
{
	san_page_moved(ctx, who, pa, len);
}

int sys_vm_new(struct dmasim_sys *sys, struct dmasim_memory *mem,
	       uint64_t base, uint64_t size, const struct vm_config *cfg,
	       struct vm **out)
{
	struct vm *vm;
	int err = sys_owns(sys, mem->sys, "the memory");

	if (err)
		return err;
	if (base % FRAME_SIZE || size % FRAME_SIZE)
		return sys_error(sys, DMASIM_EINVAL, "base and size must be "
				 "multiples of 4KiB");
	if (!size || ck_range(base, size))
		return sys_error(sys, DMASIM_EINVAL, "[%#llx, +%llu): expected "
				 "a non-empty range below 2^64",
				 (unsigned long long)base,
				 (unsigned long long)size);
	vm = sys_alloc(sys, sizeof(*vm), vm_fini_cb);
	if (!vm)
		return sys_error(sys, DMASIM_ENOMEM, "out of memory");
	err = vm_init(vm, &sys->sim, &mem->mem, base, size, cfg);
	if (err == DMASIM_EINVAL)
		return sys_error(sys, err, "[%#llx, +%llu) is not inside "
				 "memory '%s'", (unsigned long long)base,
				 (unsigned long long)size, mem->mem.name);
	if (!err)
		err = vm_watch_bus(vm, mem->mem.bus);
	if (err)
		return sys_error(sys, err, "%s", dmasim_strerror(err));
	if (sys->san) {		/* its hazards are the sanitizer's reports */
		vm->on_hazard = vm_hazard_report;
		vm->hazard_ctx = sys->san;
	}
	if (sys->nvms < sizeof(sys->vms) / sizeof(sys->vms[0]))
		sys->vms[sys->nvms] = vm;
	sys->nvms++;
	*out = vm;
	return 0;
}

int sys_workload_new(struct dmasim_sys *sys, struct vm *vm, struct aspace *as,
		     const char *name, const struct workload_config *cfg,
		     struct workload **out)
{
	struct workload *w;
	int err;

	if (as->vm != vm)
		return sys_error(sys, DMASIM_EINVAL, "field 'aspace': expected "
				 "an address space of this vm");
	w = sys_alloc(sys, sizeof(*w), NULL);
	if (!w)
		return sys_error(sys, DMASIM_ENOMEM, "out of memory");
	err = workload_start(w, &sys->sim, as, name, cfg);
	if (err)
		return sys_error(sys, err, "%s", dmasim_strerror(err));
	*out = w;
	return 0;
}
