/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-CPU event rings of fixed-size records.  The packet path adds to its
 * own CPU's ring and never waits for the reader: a full ring drops the
 * record and counts it.  Per ring, always:
 *   produced = drained + dropped + queued.
 */
#ifndef _FLOWMESH_RING_H
#define _FLOWMESH_RING_H

#include <linux/types.h>
#include <linux/spinlock.h>
#include <linux/percpu.h>
#include <linux/workqueue.h>
#include <linux/flowmesh.h>

struct flowmesh_ring {
	spinlock_t lock;	/* producer and reader; held for a copy only */
	u32 head;		/* next slot written, free-running */
	u32 tail;		/* next slot read, free-running */
	u32 mask;		/* slots - 1 */
	struct flowmesh_record *slots;
	u64 produced;
	u64 drained;
	u64 dropped;
};

struct flowmesh_ring_counts {
	u64 produced;
	u64 drained;
	u64 dropped;
	u64 queued;
};

struct flowmesh_rings {
	struct flowmesh_ring __percpu *cpu;
	/* Called, from a work item, after a record lands in an empty ring. */
	void (*data_ready)(struct flowmesh_rings *rings);
	struct delayed_work notify;
	unsigned long notify_pending;
};

int flowmesh_rings_init(struct flowmesh_rings *rings, u32 size,
			void (*data_ready)(struct flowmesh_rings *));
void flowmesh_rings_destroy(struct flowmesh_rings *rings);
int flowmesh_rings_resize(struct flowmesh_rings *rings, u32 size);
bool flowmesh_ring_put(struct flowmesh_rings *rings,
		       const struct flowmesh_record *rec);
unsigned int flowmesh_ring_take(struct flowmesh_rings *rings, int cpu,
				struct flowmesh_record *out, unsigned int max);
u32 flowmesh_ring_size(struct flowmesh_rings *rings, int cpu);
void flowmesh_ring_counts(struct flowmesh_rings *rings, int cpu,
			  struct flowmesh_ring_counts *c);

#endif
