/* cpu: the processor and its compute/access workload.  See cpu.h. */
#include "cpu.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "dmasim/dmasim.h"

static void cpu_stopped(struct cpu *cpu)
{
	cpu->state = CPU_STOPPED;
	cpu->stopped_at = cpu->sim->now;
	signal_notify(cpu->sim, &cpu->stopped);
}

static int cpu_ask(struct cpu *cpu)
{
	if (cpu->stop) {
		cpu_stopped(cpu);
		return 0;
	}
	cpu->state = CPU_WAITING;
	return bus_request(&cpu->port, cpu->access, cpu->access);
}

static void cpu_compute_done(struct sim *sim, struct event *ev)
{
	struct cpu *cpu = ev->obj;

	(void)sim;
	assert(cpu->state == CPU_COMPUTING);
	cpu_ask(cpu);
}

static int cpu_compute(struct cpu *cpu)
{
	if (cpu->stop) {
		cpu_stopped(cpu);
		return 0;
	}
	if (!cpu->compute)
		return cpu_ask(cpu);
	cpu->state = CPU_COMPUTING;
	cpu->compute_cycles += cpu->compute;
	if (!sim_after(cpu->sim, clock_ps(&cpu->clk, cpu->compute),
		       PHASE_REQUEST, cpu_compute_done, cpu, NULL, 0))
		return DMASIM_ENOMEM;
	return 0;
}

static void cpu_granted(struct bus_master *m, uint64_t cycles)
{
	struct cpu *cpu = (struct cpu *)m;

	(void)cycles;
	cpu->state = CPU_ACCESSING;
}

static void cpu_released(struct bus_master *m, uint64_t cycles)
{
	struct cpu *cpu = (struct cpu *)m;

	(void)cycles;
	cpu->accesses++;
	cpu_compute(cpu);
}

static const struct bus_master_ops cpu_port_ops = {
	.released = cpu_released,
	.granted = cpu_granted,
};

int cpu_init(struct cpu *cpu, struct sim *sim, struct bus *bus,
	     const char *name, const struct cpu_config *cfg,
	     enum bus_mode mode, int priority)
{
	int err;

	if (!cfg->period)
		return DMASIM_EINVAL;
	memset(cpu, 0, sizeof(*cpu));
	err = bus_attach(bus, &cpu->port, name, &cpu_port_ops, mode, priority);
	if (err)
		return err;
	cpu->clk.period = cfg->period;
	cpu->sim = sim;
	snprintf(cpu->name, sizeof(cpu->name), "%s", name);
	signal_init(&cpu->stopped);
	if (stats_add(&sim->stats, cpu->name, "accesses", STAT_COUNTER, "",
		      &cpu->accesses) ||
	    stats_add(&sim->stats, cpu->name, "compute_cycles", STAT_COUNTER,
		      "cycles", &cpu->compute_cycles))
		return DMASIM_ENOMEM;
	return 0;
}

int cpu_workload_start(struct cpu *cpu, uint64_t compute_cycles,
		       uint64_t access_cycles)
{
	if (!access_cycles || cpu->state != CPU_IDLE)
		return DMASIM_EINVAL;
	cpu->compute = compute_cycles;
	cpu->access = access_cycles;
	cpu->stop = false;
	return cpu_compute(cpu);
}

void cpu_workload_stop(struct cpu *cpu)
{
	cpu->stop = true;
	if (cpu->state == CPU_IDLE)
		cpu->state = CPU_STOPPED;
}
