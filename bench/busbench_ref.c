/*
 * busbench_ref: BUSBENCH-1 by hand, the reference that `make bench` times
 * dmasim against.
 *
 * A loop specialised to the benchmark's rules (shared/bench/BUSBENCH.md),
 * with no event queue: the DMA channels always want the bus while they
 * have bursts left, so the bus is never idle before the last channel
 * completes, and each pass of the loop is one grant at the instant the
 * bus becomes free.  Round-robin picks the first waiting master after the
 * last one granted; the CPU waits from the end of its compute phase.
 * Time is counted in bus cycles.
 *
 * Usage: busbench_ref [K N D C M]   (defaults 4 1000000 8 3 4)
 * Prints the benchmark's outputs, one `name value` line each, in the
 * spec's order.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#define MAX_K 4096

static uint64_t arg(const char *s, const char *name, uint64_t min)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *end || *s == '-' || v < min) {
		fprintf(stderr, "busbench_ref: %s = '%s': expected an integer "
			">= %llu\n", name, s, (unsigned long long)min);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	static uint64_t left[MAX_K + 1], done[MAX_K + 1];
	uint64_t k = 4, n = 1000000, d = 8, c = 3, m = 4;
	uint64_t t = 0, busy = 0, accesses = 0, cpu_req, end;
	uint64_t active;
	unsigned last;

	if (argc != 1 && argc != 6) {
		fprintf(stderr, "usage: busbench_ref [K N D C M]: expected no "
			"argument or all five\n");
		return 2;
	}
	if (argc == 6) {
		k = arg(argv[1], "K", 1);
		n = arg(argv[2], "N", 1);
		d = arg(argv[3], "D", 1);
		c = arg(argv[4], "C", 0);
		m = arg(argv[5], "M", 1);
		if (k > MAX_K) {
			fprintf(stderr, "busbench_ref: K = %llu: expected at "
				"most %d\n", (unsigned long long)k, MAX_K);
			return 2;
		}
	}
	for (uint64_t i = 1; i <= k; i++)
		left[i] = n;
	active = k;
	cpu_req = c;		/* the CPU computes from 0, then asks */
	/* Before the first grant the scan starts at id 0: as if K had been
	 * granted last. */
	last = (unsigned)k;
	for (;;) {
		/* The bus is free at t: scan from just after the last grant.
		 * Every channel with bursts left waits. */
		unsigned i = last == k ? 0 : last + 1;

		for (;;) {
			if (i == 0) {
				if (cpu_req <= t)
					break;
				i = 1;
			}
			if (left[i])
				break;
			i = i == k ? 0 : i + 1;
		}
		last = i;
		if (i == 0) {
			t += m;
			busy += m;
			accesses++;
			cpu_req = t + c;
			continue;
		}
		t += d;
		busy += d;
		if (--left[i])
			continue;
		done[i] = t;
		if (--active)
			continue;
		/* The last channel completed at t: a CPU request made before
		 * then is still granted and counts. */
		end = t;
		if (cpu_req < end) {
			busy += m;
			accesses++;
		}
		break;
	}
	printf("end_time %" PRIu64 "\n", end);
	printf("cpu_accesses %" PRIu64 "\n", accesses);
	printf("bus_busy %" PRIu64 "\n", busy);
	for (uint64_t i = 1; i <= k; i++)
		printf("ch%" PRIu64 "_done %" PRIu64 "\n", i, done[i]);
	return 0;
}
