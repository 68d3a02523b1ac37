/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-flow latency summary (network RTT or response time): min, max, last,
 * sum and count, and a log2 histogram whose bucket bounds are part of the
 * uapi (FLOWMESH_HIST_*), so userspace can merge it.
 */
#ifndef _FLOWMESH_LATENCY_H
#define _FLOWMESH_LATENCY_H

#include <linux/types.h>
#include <linux/log2.h>
#include <linux/minmax.h>
#include <linux/flowmesh.h>

struct flowmesh_latency {
	u64 sum_us;
	u32 count;
	u32 min_us;
	u32 max_us;
	u32 last_us;
	u16 hist[FLOWMESH_HIST_BUCKETS];	/* saturates at U16_MAX */
};

/* Bucket 0 holds [0, 2^FLOWMESH_HIST_SHIFT) us; each next one doubles. */
static inline unsigned int flowmesh_hist_bucket(u32 us)
{
	unsigned int b;

	if (us >> FLOWMESH_HIST_SHIFT == 0)
		return 0;
	b = ilog2(us) - FLOWMESH_HIST_SHIFT + 1;
	return min(b, FLOWMESH_HIST_BUCKETS - 1U);
}

static inline void flowmesh_latency_add(struct flowmesh_latency *l, u32 us)
{
	unsigned int b = flowmesh_hist_bucket(us);

	if (!l->count || us < l->min_us)
		l->min_us = us;
	l->max_us = max(l->max_us, us);
	l->last_us = us;
	l->sum_us += us;
	l->count++;
	if (l->hist[b] != U16_MAX)
		l->hist[b]++;
}

#endif
