/*
 * randscen: random scenarios, for fuzzing and for the robustness test.
 * `randscen SEED` writes to standard output a scenario made at random
 * (and the same for the same seed): a system with a bus, memory, a CPU,
 * maybe a cache, a DMA engine driven by dmadrv through its registers,
 * maybe a device and synthetic traffic, and processes doing random work
 * (compute, loads, stores, copies, waits); a few values are out of range
 * on purpose, so that some scenarios must fail with a clear error.  The
 * robustness test (tests/randscen.sh) runs them under run limits: none
 * may crash or hang the host, and a run is the same each time; a set of
 * them is the seed corpus of fuzz_scenario.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static uint64_t st;

static uint64_t next(void)
{
	st ^= st << 13;
	st ^= st >> 7;
	st ^= st << 17;
	return st;
}

/* 0 .. n - 1 */
static unsigned pick(unsigned n)
{
	return (unsigned)(next() % n);
}

/* One of the values, or (1 in 40) one of the bad ones. */
static const char *val(const char *const *good, unsigned ngood,
		       const char *const *bad, unsigned nbad)
{
	if (nbad && !pick(40))
		return bad[pick(nbad)];
	return good[pick(ngood)];
}

#define VAL(g, b) val(g, sizeof(g) / sizeof(g[0]), b, \
		      sizeof(b) / sizeof(b[0]))

int main(int argc, char **argv)
{
	static const char *const clocks[] = { "100MHz", "500MHz", "1GHz",
					      "2GHz" };
	static const char *const bad_clocks[] = { "0Hz", "-1GHz", "fast" };
	static const char *const widths[] = { "4", "8", "16" };
	static const char *const bad_widths[] = { "0", "3", "1e9" };
	static const char *const arbs[] = { "round_robin", "priority" };
	static const char *const modes[] = { "burst", "cycle_stealing",
					     "transparent" };
	static const char *const bursts[] = { "64", "256", "1KiB", "4KiB" };
	static const char *const bad_bursts[] = { "0", "-64", "3" };
	static const char *const lats[] = { "0ns", "10ns", "50ns", "200ns" };
	static const char *const rates[] = { "0", "100MB/s", "1GB/s" };
	uint64_t seed = argc > 1 ? strtoull(argv[1], NULL, 10) : 1;
	unsigned nproc, cache, dev, traffic;

	st = seed * 0x9e3779b97f4a7c15ull + 1;
	for (int i = 0; i < 8; i++)
		next();
	cache = pick(2);
	dev = pick(2);
	traffic = pick(3) == 0;
	nproc = 1 + pick(3);
	printf("-- random scenario %" PRIu64 " (tools/randscen)\n", seed);
	printf("local drv = require 'dmadrv'\n");
	printf("local sys = dmasim.system{ bus = { clock = '%s', width = %s, "
	       "arbitration = '%s' } }\n", VAL(clocks, bad_clocks),
	       VAL(widths, bad_widths), arbs[pick(2)]);
	printf("local mem = sys:memory{ base = 0, size = '%uMiB', latency = "
	       "'%s' }\n", 1u << (4 + pick(4)), lats[pick(4)]);
	printf("local cpu = sys:cpu{ clock = '%s', cpi = %u }\n",
	       clocks[pick(4)], 1 + pick(3));
	if (cache)
		printf("local l1 = sys:cache{ cpu = cpu, size = '%uKiB', ways "
		       "= %u, line = 64, coherent = %s }\n", 4u << pick(4),
		       1u << pick(3), pick(2) ? "true" : "false");
	printf("local dma = sys:dma{ base = 0x40000000, channels = %u, irq = "
	       "cpu, burst = '%s', mode = '%s' }\n", 1 + pick(3),
	       VAL(bursts, bad_bursts), modes[pick(3)]);
	printf("local d = drv.new(cpu, dma, {}):attach(sys)\n");
	if (dev)
		printf("local dev = sys:device{ base = 0x50000000, size = "
		       "'64KiB', rate = '%s', latency = '%s', output = %s }\n",
		       rates[pick(3)], lats[pick(4)], pick(2) ? "true" :
		       "false");
	if (traffic)
		printf("local t = sys:traffic{ compute = %u, access = %u, count "
		       "= %u, mode = '%s' }\nt:start()\n", pick(10),
		       1 + pick(8), 1 + pick(200), modes[pick(2)]);
	printf("mem:fill(0x10000, 0x10000, %u)\n", pick(256));
	for (unsigned p = 0; p < nproc; p++) {
		unsigned nops = 1 + pick(8);

		printf("sys:spawn(function()\n");
		for (unsigned k = 0; k < nops; k++) {
			uint64_t a = 0x10000 + 64 * pick(1024);

			switch (pick(7)) {
			case 0:
				printf("  cpu:compute(%u)\n", 1 + pick(5000));
				break;
			case 1:
				printf("  cpu:load(%#" PRIx64 ", %u)\n", a,
				       1 + pick(512));
				break;
			case 2:
				printf("  cpu:store(%#" PRIx64 ", string.rep("
				       "'%c', %u))\n", a, 'a' + pick(26),
				       1 + pick(512));
				break;
			case 3:
				if (p == 0) {	/* channel 0 is process 0's */
					printf("  d:copy(0, %#" PRIx64 ", %#"
					       PRIx64 ", %u)\n  d:wait(0)\n", a,
					       a + 0x100000,
					       64 * (1 + pick(64)));
					break;
				}
				/* fall through */
			case 4:
				printf("  sys:wait('%uns')\n", 1 + pick(2000));
				break;
			case 5:
				printf("  cpu:busy(%u)\n", pick(3000));
				break;
			default:
				printf("  cpu:write32(%#" PRIx64 ", %u)\n", a,
				       pick(1u << 16));
				break;
			}
		}
		printf("end)\n");
	}
	if (pick(3) == 0)
		printf("sys:run('%uus')\n", 1 + pick(200));
	else
		printf("sys:run()\n");
	if (traffic)
		printf("t:stop()\n");
	printf("dmasim.report('now', sys:now(), 'ps')\n");
	printf("dmasim.report('busy', sys:stat('bus.busy_cycles'), "
	       "'cycles')\n");
	printf("dmasim.report('hash', mem:hash(0x10000, 0x200000))\n");
	return 0;
}
