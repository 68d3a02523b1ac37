// SPDX-License-Identifier: GPL-2.0
/*
 * Per-CPU event rings.  A producer runs with bottom halves disabled on its
 * own CPU's ring, so the ring lock is only ever contended by a reader
 * copying records out, never by another producer.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/bottom_half.h>
#include "ring.h"

/* Coalesces notifications: at most one per this delay. */
#define FLOWMESH_NOTIFY_DELAY	msecs_to_jiffies(2)

static struct flowmesh_record *flowmesh_slots_alloc(u32 size, int cpu)
{
	return kvmalloc_node(array_size(size, sizeof(struct flowmesh_record)),
			     GFP_KERNEL | __GFP_ZERO, cpu_to_node(cpu));
}

static void flowmesh_rings_notify(struct work_struct *work)
{
	struct flowmesh_rings *rings =
		container_of(to_delayed_work(work), struct flowmesh_rings,
			     notify);

	clear_bit(0, &rings->notify_pending);
	rings->data_ready(rings);
}

int flowmesh_rings_init(struct flowmesh_rings *rings, u32 size,
			void (*data_ready)(struct flowmesh_rings *))
{
	int cpu;

	rings->cpu = alloc_percpu(struct flowmesh_ring);
	if (!rings->cpu)
		return -ENOMEM;
	rings->data_ready = data_ready;
	rings->notify_pending = 0;
	INIT_DELAYED_WORK(&rings->notify, flowmesh_rings_notify);
	for_each_possible_cpu(cpu) {
		struct flowmesh_ring *ring = per_cpu_ptr(rings->cpu, cpu);

		spin_lock_init(&ring->lock);
		ring->mask = size - 1;
		ring->slots = flowmesh_slots_alloc(size, cpu);
		if (!ring->slots) {
			flowmesh_rings_destroy(rings);
			return -ENOMEM;
		}
	}
	return 0;
}

void flowmesh_rings_destroy(struct flowmesh_rings *rings)
{
	int cpu;

	cancel_delayed_work_sync(&rings->notify);
	for_each_possible_cpu(cpu)
		kvfree(per_cpu_ptr(rings->cpu, cpu)->slots);
	free_percpu(rings->cpu);
}

/*
 * Gives every ring @size slots, keeping the oldest queued records that fit;
 * the rest count as dropped.  Process context.
 */
int flowmesh_rings_resize(struct flowmesh_rings *rings, u32 size)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		struct flowmesh_ring *ring = per_cpu_ptr(rings->cpu, cpu);
		struct flowmesh_record *slots, *old;
		u32 queued, keep, i;

		slots = flowmesh_slots_alloc(size, cpu);
		if (!slots)
			return -ENOMEM;
		spin_lock_bh(&ring->lock);
		queued = ring->head - ring->tail;
		keep = min(queued, size);
		for (i = 0; i < keep; i++)
			slots[i] = ring->slots[(ring->tail + i) & ring->mask];
		ring->dropped += queued - keep;
		old = ring->slots;
		ring->slots = slots;
		ring->mask = size - 1;
		ring->tail = 0;
		ring->head = keep;
		spin_unlock_bh(&ring->lock);
		kvfree(old);
	}
	return 0;
}

/* Adds @rec to this CPU's ring; false when the ring was full. */
bool flowmesh_ring_put(struct flowmesh_rings *rings,
		       const struct flowmesh_record *rec)
{
	struct flowmesh_ring *ring;
	bool stored, was_empty;

	local_bh_disable();
	ring = this_cpu_ptr(rings->cpu);
	spin_lock(&ring->lock);
	ring->produced++;
	was_empty = ring->head == ring->tail;
	stored = ring->head - ring->tail <= ring->mask;
	if (stored) {
		ring->slots[ring->head & ring->mask] = *rec;
		ring->head++;
	} else {
		ring->dropped++;
	}
	spin_unlock(&ring->lock);
	if (was_empty && !test_and_set_bit(0, &rings->notify_pending))
		queue_delayed_work(system_wq, &rings->notify,
				   FLOWMESH_NOTIFY_DELAY);
	local_bh_enable();
	return stored;
}

/* Moves up to @max of @cpu's oldest records to @out; returns how many. */
unsigned int flowmesh_ring_take(struct flowmesh_rings *rings, int cpu,
				struct flowmesh_record *out, unsigned int max)
{
	struct flowmesh_ring *ring = per_cpu_ptr(rings->cpu, cpu);
	unsigned int n, i;

	spin_lock_bh(&ring->lock);
	n = min(ring->head - ring->tail, max);
	for (i = 0; i < n; i++)
		out[i] = ring->slots[(ring->tail + i) & ring->mask];
	ring->tail += n;
	ring->drained += n;
	spin_unlock_bh(&ring->lock);
	return n;
}

u32 flowmesh_ring_size(struct flowmesh_rings *rings, int cpu)
{
	return READ_ONCE(per_cpu_ptr(rings->cpu, cpu)->mask) + 1;
}

void flowmesh_ring_counts(struct flowmesh_rings *rings, int cpu,
			  struct flowmesh_ring_counts *c)
{
	struct flowmesh_ring *ring = per_cpu_ptr(rings->cpu, cpu);

	spin_lock_bh(&ring->lock);
	c->produced = ring->produced;
	c->drained = ring->drained;
	c->dropped = ring->dropped;
	c->queued = ring->head - ring->tail;
	spin_unlock_bh(&ring->lock);
}
