/* SPDX-License-Identifier: GPL-2.0 */
/* Conventions every JSON document flowmesh emits follows. */
#ifndef FLOWMESH_LIB_JSON_H
#define FLOWMESH_LIB_JSON_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <jansson.h>

#if JSON_INTEGER_IS_LONG_LONG
#define FM_JSON_INT_MAX	LLONG_MAX
#else
#define FM_JSON_INT_MAX	LONG_MAX
#endif

/*
 * 16 significant digits print Unix times to the microsecond, which is the
 * resolution flowmesh reports, without binary rounding noise.
 */
#define FM_JSON_FLAGS	(JSON_INDENT(2) | JSON_REAL_PRECISION(16))
/*
 * Metric documents (stat, edges, routes, topology) hold no Unix times,
 * only values below 10^12 with at most 6 decimals: 15 significant digits
 * print them exactly as computed (76.031, not 76.03100000000001).
 */
#define FM_JSON_METRICS_FLAGS	(JSON_INDENT(2) | JSON_REAL_PRECISION(15))
/* One object per line, for streams (JSON Lines). */
#define FM_JSON_LINE_FLAGS	(JSON_COMPACT | JSON_REAL_PRECISION(16))

/* jansson integers are signed 64-bit; counters beyond that saturate. */
static inline json_int_t fm_json_uint(uint64_t v)
{
	return v > (uint64_t)FM_JSON_INT_MAX ? FM_JSON_INT_MAX : (json_int_t)v;
}

/* Nanoseconds since the epoch as seconds, rounded down to microseconds. */
static inline double fm_json_seconds(uint64_t ns)
{
	uint64_t us = ns / 1000;

	return (double)(us / 1000000) + (double)(us % 1000000) / 1e6;
}

/* A counter, or null when the kernel did not report it. */
static inline json_t *fm_json_uint_or_null(bool present, uint64_t v)
{
	return present ? json_integer(fm_json_uint(v)) : json_null();
}

/*
 * @sum / @count rounded to three decimals (a mean of microseconds, to the
 * nanosecond), or null without samples.
 */
static inline json_t *fm_json_avg(uint64_t sum, uint32_t count)
{
	uint64_t q, frac;

	if (!count)
		return json_null();
	q = sum / count;
	/* the remainder is below 2^32: times 1000 fits */
	frac = ((sum % count) * 1000 + count / 2) / count;
	return json_real((double)q + (double)frac / 1000.0);
}

/* Adds @v under @key, taking the reference; NULL (no memory) fails. */
static inline int fm_json_put(json_t *obj, const char *key, json_t *v)
{
	if (!v)
		return -1;
	return json_object_set_new(obj, key, v);
}

#endif /* FLOWMESH_LIB_JSON_H */
