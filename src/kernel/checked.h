/*
 * checked: arithmetic on values that come from the user (a scenario, the
 * command line, the C API) before they reach the models.  Sizes, addresses
 * and simulated times are uint64_t (bytes, ps); every helper reports an
 * overflow or an unrepresentable value instead of wrapping, so that the
 * caller can name the field in its error.
 */
#ifndef DMASIM_KERNEL_CHECKED_H
#define DMASIM_KERNEL_CHECKED_H

#include <math.h>
#include <stdbool.h>
#include <stdint.h>

/* 2^64 as a double: the first value that no uint64_t holds. */
#define CK_TWO64 18446744073709551616.0

/* *out = a + b; returns true on overflow (then *out is unspecified). */
static inline bool ck_add(uint64_t a, uint64_t b, uint64_t *out)
{
	return __builtin_add_overflow(a, b, out);
}

/* *out = a * b; returns true on overflow. */
static inline bool ck_mul(uint64_t a, uint64_t b, uint64_t *out)
{
	return __builtin_mul_overflow(a, b, out);
}

/* True when [base, base + len) wraps past the end of the 64-bit space (an
 * empty range at 2^64 - 0 is fine; base + len == 2^64 is allowed). */
static inline bool ck_range(uint64_t base, uint64_t len)
{
	return len && base > UINT64_MAX - (len - 1);
}

/*
 * Convert a double to uint64_t, rounding toward zero.  Returns false for
 * NaN, infinities, negative values and values >= 2^64, whose conversion is
 * undefined in C.
 */
static inline bool ck_dtou(double v, uint64_t *out)
{
	if (!(v >= 0) || !(v < CK_TWO64))
		return false;
	*out = (uint64_t)v;
	return true;
}

/* A finite double, neither NaN nor an infinity. */
static inline bool ck_finite(double v)
{
	return isfinite(v);
}

/*
 * The end of simulated time: 2^63 - 1 ps (about 106 days), so that every
 * time is also a Lua integer and the models keep headroom for the stalls
 * that follow an operation's own duration.
 */
#define CK_TIME_MAX ((uint64_t)INT64_MAX)

/*
 * The simulated time `delay` ps after `now` (ps): false when it would pass
 * the end of simulated time instead of wrapping.
 */
static inline bool ck_time_after(uint64_t now, uint64_t delay, uint64_t *out)
{
	return !ck_add(now, delay, out) && *out <= CK_TIME_MAX;
}

/* The same for a delay in ps held as a double (a product of cycles, CPI and
 * a period): false when NaN, negative, infinite or past the end. */
static inline bool ck_time_after_d(uint64_t now, double delay, uint64_t *out)
{
	uint64_t d;

	return ck_dtou(delay, &d) && ck_time_after(now, d, out);
}

#endif
