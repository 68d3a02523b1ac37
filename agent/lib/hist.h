/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Latency histograms the agent keeps, merges and stores: log-linear
 * buckets in the manner of HdrHistogram.  Values (microseconds) below 256
 * have a bucket each; above, every power of two is cut into
 * FM_HIST_SUB_BUCKETS equal buckets, so a bucket is never wider than
 * 1/128 of its values and its midpoint is within 0.4 % of any of them.
 * Two histograms merge by adding counts: windows roll up without error.
 *
 * Only buckets with samples are kept, sorted by index, so a histogram of
 * a few hundred distinct latencies costs a few KiB at most.
 */
#ifndef FLOWMESH_LIB_HIST_H
#define FLOWMESH_LIB_HIST_H

#include <stddef.h>
#include <stdint.h>

#define FM_HIST_SUB_BITS	7
#define FM_HIST_SUB_BUCKETS	(1U << FM_HIST_SUB_BITS)	/* 128 */
/* Values up to 2^64 - 1; the last index is below this. */
#define FM_HIST_INDEX_MAX	((64 - FM_HIST_SUB_BITS) * FM_HIST_SUB_BUCKETS \
				 + 2 * FM_HIST_SUB_BUCKETS)

struct fm_hist_bucket {
	uint32_t index;
	uint64_t count;
};

struct fm_hist {
	struct fm_hist_bucket *b;	/* sorted by index, counts > 0 */
	size_t len;
	size_t cap;
	uint64_t count;			/* sum of the buckets' counts */
	uint64_t sum;			/* of the values, saturating */
	uint64_t min;			/* meaningful when count > 0 */
	uint64_t max;
};

#define FM_HIST_INIT { 0 }

/* The bucket of a value, and the range [lo, hi] of values it holds. */
uint32_t fm_hist_index(uint64_t value);
uint64_t fm_hist_bucket_lo(uint32_t index);
uint64_t fm_hist_bucket_hi(uint32_t index);

/* 0, or -ENOMEM (the histogram is then unchanged). */
int fm_hist_add(struct fm_hist *h, uint64_t value, uint64_t count);
/* Adds every sample of @src to @dst; 0 or -ENOMEM (@dst unchanged). */
int fm_hist_merge(struct fm_hist *dst, const struct fm_hist *src);
void fm_hist_reset(struct fm_hist *h);	/* empty, keeps its memory */
void fm_hist_free(struct fm_hist *h);

/*
 * The value at quantile @q (0 < q <= 1) by nearest rank: the midpoint of
 * the bucket holding sample number ceil(q * count), clamped to [min, max].
 * 0 when the histogram is empty.
 */
uint64_t fm_hist_quantile(const struct fm_hist *h, double q);
/* sum / count, 0 when empty */
double fm_hist_mean(const struct fm_hist *h);

/*
 * The stored form (a BLOB in SQLite): a version byte (1), then count,
 * sum, min, max and (index delta, count) pairs as unsigned LEB128
 * varints, shortest form.  The pairs run to the end of the BLOB (there is
 * no pair count); the first delta is the first index itself, the others
 * the distance from the previous index.  An empty histogram has min and
 * max 0 and no pairs.
 * fm_hist_encode returns the length written, or -ENOSPC when @len is too
 * small; FM_HIST_ENCODED_MAX(h) is always enough.
 */
#define FM_HIST_ENCODED_MAX(h)	(1 + 4 * 10 + (h)->len * 20)
long fm_hist_encode(const struct fm_hist *h, uint8_t *buf, size_t len);
/*
 * Replaces @h with the histogram in @buf.  -EBADMSG for anything not
 * produced by fm_hist_encode (truncated, unknown version, indexes out of
 * order or range, zero counts, totals that do not add up), and @h is then
 * empty; -ENOMEM.  Stored data is input like any other.
 */
int fm_hist_decode(struct fm_hist *h, const uint8_t *buf, size_t len);

#endif /* FLOWMESH_LIB_HIST_H */
