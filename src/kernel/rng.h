/*
 * rng: per-component random streams.  Each stream is xoshiro256** seeded
 * through splitmix64 from the run seed mixed with an FNV-1a hash of the
 * component's name, so adding a component never perturbs another's stream.
 */
#ifndef DMASIM_KERNEL_RNG_H
#define DMASIM_KERNEL_RNG_H

#include <stdint.h>

struct rng {
	uint64_t s[4];
};

void rng_seed(struct rng *r, uint64_t run_seed, const char *name);
uint64_t rng_next(struct rng *r);
/* Uniform in [0, n), n >= 1, without modulo bias. */
uint64_t rng_below(struct rng *r, uint64_t n);
/* Uniform in [0, 1). */
double rng_unit(struct rng *r);

#endif
