/*
 * clock: a component's clock, a period in picoseconds, and conversions
 * between simulated time (ps) and the component's cycles.
 */
#ifndef DMASIM_KERNEL_CLOCK_H
#define DMASIM_KERNEL_CLOCK_H

#include <stdint.h>

#define PS_PER_NS 1000ull
#define PS_PER_US 1000000ull
#define PS_PER_MS 1000000000ull
#define PS_PER_S 1000000000000ull

struct clock {
	uint64_t period;	/* ps per cycle, >= 1 */
};

static inline uint64_t clock_ps(const struct clock *c, uint64_t cycles)
{
	return cycles * c->period;
}

/* Whole cycles elapsed in t ps (rounded down). */
static inline uint64_t clock_cycles(const struct clock *c, uint64_t t)
{
	return t / c->period;
}

/* The first clock edge at or after t. */
static inline uint64_t clock_edge(const struct clock *c, uint64_t t)
{
	uint64_t r = t % c->period;

	return r ? t + (c->period - r) : t;
}

/* Period in ps of a frequency in Hz, rounded to the nearest ps. */
static inline uint64_t clock_period_of_hz(double hz)
{
	double p = 1e12 / hz + 0.5;

	return p < 1.0 ? 1 : (uint64_t)p;
}

#endif
