/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The flow table: one bounded hash table of flows for all network
 * namespaces, keyed by 5-tuple + namespace, like conntrack's.
 */
#ifndef _FLOWMESH_FLOW_TABLE_H
#define _FLOWMESH_FLOW_TABLE_H

#include <linux/types.h>
#include <linux/spinlock.h>
#include <linux/percpu.h>
#include "flow.h"

struct flowmesh_rings;
struct flowmesh_timeouts;

struct flowmesh_stats {
	u64 created;
	u64 expired;
	u64 evicted;
	u64 untracked;
	u64 alloc_failed;
	u64 packets_seen;
	u64 packets_skipped;
	u64 packets_queued;	/* handed to the agent over NFQUEUE */
	u64 labels_set;
};

#define FLOWMESH_LOCKS 256

struct flowmesh_table {
	struct hlist_head *buckets;
	unsigned int bucket_bits;
	unsigned int max_flows;		/* may change at run time */
	atomic_t count;
	atomic64_t next_id;
	u32 seed;
	u32 sample_seed;		/* which flows are inspected */
	spinlock_t locks[FLOWMESH_LOCKS];	/* striped over buckets */
	struct flowmesh_stats __percpu *stats;
	struct kmem_cache *cache;	/* UDP flows */
	struct kmem_cache *tcp_cache;	/* TCP flows: struct flowmesh_tcp_flow */
	struct flowmesh_rings *rings;	/* where flows' records go; may be NULL */
	/* Called for every flow leaving the table, under its bucket lock. */
	void (*on_remove)(struct flowmesh_table *t, struct flowmesh_flow *flow);
};

int flowmesh_table_init(struct flowmesh_table *t, unsigned int max_flows,
			const char *name);
void flowmesh_table_destroy(struct flowmesh_table *t);
struct flowmesh_flow *flowmesh_table_add(struct flowmesh_table *t,
					 const struct flowmesh_config *cfg,
					 const struct flowmesh_pkt *pkt,
					 u64 now_ns, bool *created);
bool flowmesh_table_inspects(const struct flowmesh_table *t,
			     const struct flowmesh_key *key, u32 one_in);
struct flowmesh_flow *flowmesh_table_lookup(struct flowmesh_table *t,
					    const struct flowmesh_key *key);
unsigned int flowmesh_table_scan(struct flowmesh_table *t,
				 bool (*visit)(struct flowmesh_flow *flow,
					       void *arg),
				 void *arg);
unsigned int flowmesh_table_gc(struct flowmesh_table *t,
			       const struct flowmesh_timeouts *timeouts,
			       u64 now_ns);
unsigned int flowmesh_table_flush_net(struct flowmesh_table *t,
				      const struct net *net);
void flowmesh_table_stats(struct flowmesh_table *t,
			  struct flowmesh_stats *sum);

static inline unsigned int flowmesh_table_buckets(const struct flowmesh_table *t)
{
	return 1U << t->bucket_bits;
}

#define flowmesh_stat_inc(t, field) this_cpu_inc((t)->stats->field)

#endif
