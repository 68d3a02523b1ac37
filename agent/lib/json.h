/* SPDX-License-Identifier: GPL-2.0 */
/* Conventions every JSON document flowmesh emits follows. */
#ifndef FLOWMESH_LIB_JSON_H
#define FLOWMESH_LIB_JSON_H

#include <limits.h>
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

#endif /* FLOWMESH_LIB_JSON_H */
