/* statdesc: what each statistic means, by the last part of its name.  See
 * statsout.h. */
#include "statsout.h"

#include <string.h>

static const struct {
	const char *leaf, *what;
} descs[] = {
	{ "accesses", "accesses made (a device's register accesses, a "
		      "traffic master's bus accesses)" },
	{ "arb_cycles", "bus cycles lost to arbitration latency" },
	{ "bursts", "bursts this channel moved (one bus tenure each)" },
	{ "bus_errors", "accesses the bus answered with an error" },
	{ "busy_cycles", "bus data cycles owned (by this master, or by any "
			 "master for the bus itself)" },
	{ "busy_ps", "time not idle: running, stalled or in interrupt "
		     "handlers" },
	{ "bytes", "bytes this channel moved" },
	{ "bytes_read", "bytes read from this memory" },
	{ "bytes_written", "bytes written to this memory" },
	{ "compute_cycles", "CPU cycles of computation (no memory access)" },
	{ "delivered", "interrupts delivered (a handler started)" },
	{ "desc_fetches", "descriptors fetched from simulated memory" },
	{ "done_at", "when the work finished (0: it did not)" },
	{ "errors", "transfers that ended with an error" },
	{ "evictions", "lines evicted to make room" },
	{ "faults", "translations refused (no mapping or no permission)" },
	{ "fires", "times the timer fired" },
	{ "forwarded", "transactions forwarded across the bridge" },
	{ "gap_cycles", "cycles between accesses (think time)" },
	{ "grants", "bus tenures granted (to this master, or to any master "
		    "for the bus itself)" },
	{ "guest_errors", "programming errors of the driver refused by the "
			  "controller" },
	{ "handler_ps", "time in this line's handlers (entry, body, exit; "
			"nested handlers excluded)" },
	{ "hits", "lookups found in the cache or IOTLB" },
	{ "instructions", "instructions executed" },
	{ "invalidations", "entries invalidated" },
	{ "irq_latency", "from an interrupt's raise to its handler's start "
			 "(a histogram)" },
	{ "irq_ps", "time in interrupt entry, handlers and exit" },
	{ "irqs", "interrupts taken" },
	{ "latency", "from the raise to the handler's start (a histogram)" },
	{ "lost", "raises while one was already pending (merged, not "
		  "delivered again)" },
	{ "maint_lines", "lines walked by cache maintenance" },
	{ "mem_refs", "memory references made" },
	{ "misses", "lookups not found in the cache or IOTLB" },
	{ "moved", "bytes the device moved" },
	{ "overruns", "data the device had to drop: no buffer was ready" },
	{ "pio_bytes", "bytes moved by programmed I/O" },
	{ "preemptions", "tenures cut short for another master" },
	{ "queue_depth", "masters waiting for the bus, averaged over time" },
	{ "raised", "interrupts raised on this line" },
	{ "reads", "read transactions served" },
	{ "snoop_invals", "lines invalidated by snooped DMA writes" },
	{ "snoop_writebacks", "dirty lines written back for snooped DMA "
			      "reads" },
	{ "snoops", "DMA accesses snooped" },
	{ "stall_ps", "time waiting for bus grants" },
	{ "stalls", "times a transaction waited for room in the bridge" },
	{ "started_at", "when the work started" },
	{ "stopped_at", "when the work was stopped (0: it was not)" },
	{ "transfers", "transfers completed" },
	{ "translations", "addresses translated" },
	{ "uncached", "accesses that bypassed the cache" },
	{ "underruns", "data the device lacked: no buffer was ready" },
	{ "wait_ps", "time spent waiting for bus grants" },
	{ "walk_reads", "page-table reads of translation walks" },
	{ "writebacks", "dirty lines written back" },
	{ "writes", "write transactions served" },
};

const char *statdesc(const char *name)
{
	const char *dot = strrchr(name, '.');
	const char *leaf = dot ? dot + 1 : name;

	for (size_t i = 0; i < sizeof(descs) / sizeof(descs[0]); i++)
		if (!strcmp(descs[i].leaf, leaf))
			return descs[i].what;
	return "";
}
