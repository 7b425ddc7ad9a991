/*
 * util: the few small helpers every layer needs, kept in one place: a
 * checked string copy, little-endian loads and stores (descriptors and
 * registers of the simulated hardware are little-endian), and the case
 * labels that turn an X-macro table of (name, code, text) into a look-up.
 */
#ifndef DMASIM_KERNEL_UTIL_H
#define DMASIM_KERNEL_UTIL_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "alloc.h"

/* A malloc'd copy of s, or NULL when out of memory. */
static inline char *util_strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = dm_malloc(n);

	if (d)
		memcpy(d, s, n);
	return d;
}

/* A malloc'd copy of the first n bytes of s (or fewer, at its end). */
static inline char *util_strndup(const char *s, size_t n)
{
	size_t len = strnlen(s, n);
	char *d = dm_malloc(len + 1);

	if (d) {
		memcpy(d, s, len);
		d[len] = '\0';
	}
	return d;
}

/* The n-byte little-endian number at p (n <= 8). */
static inline uint64_t util_le_get(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;

	while (n--)
		v = v << 8 | p[n];
	return v;
}

/* Store v at p as n little-endian bytes (n <= 8). */
static inline void util_le_put(uint8_t *p, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++, v >>= 8)
		p[i] = (uint8_t)v;
}

/* FNV-1a, 64 bits: h (UTIL_FNV_BASIS to start) folded over n bytes at p;
 * dmasim's hash of data everywhere (memory:hash, dmasim.hash, a frame's
 * check sequence). */
#define UTIL_FNV_BASIS 0xcbf29ce484222325ull
static inline uint64_t util_fnv1a(uint64_t h, const void *p, uint64_t n)
{
	const uint8_t *s = p;

	for (uint64_t i = 0; i < n; i++)
		h = (h ^ s[i]) * 0x100000001b3ull;
	return h;
}

/*
 * For a table X(name, code, text): `switch (code) { TABLE(UTIL_CASE_TEXT) }`
 * returns the text of a code, `TABLE(UTIL_CASE_NAME)` its name.
 */
#define UTIL_CASE_TEXT(name, code, text)                                      \
	case code:                                                           \
		return text;
#define UTIL_CASE_NAME(name, code, text)                                      \
	case code:                                                           \
		return #name;

#endif
