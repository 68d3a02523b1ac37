// SPDX-License-Identifier: GPL-2.0
/*
 * Bounded flow table.  Lookups run under RCU from the packet path; inserts
 * and removals take a striped bucket lock.  A full table or a failed
 * allocation is counted and the packet passes untouched.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/jhash.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/log2.h>
#include "flow_table.h"

static int flowmesh_side_cmp(u8 family, const union nf_inet_addr *a,
			     __be16 aport, const union nf_inet_addr *b,
			     __be16 bport)
{
	size_t len = family == NFPROTO_IPV4 ? sizeof(a->ip) : sizeof(a->in6);
	int c = memcmp(a, b, len);

	if (c)
		return c;
	return memcmp(&aport, &bport, sizeof(aport));
}

void flowmesh_key_init(struct flowmesh_key *key, u8 *src_side,
		       struct net *net, u8 family, u8 proto,
		       const union nf_inet_addr *saddr, __be16 sport,
		       const union nf_inet_addr *daddr, __be16 dport)
{
	u8 s = flowmesh_side_cmp(family, saddr, sport, daddr, dport) > 0;

	memset(key, 0, sizeof(*key));
	if (family == NFPROTO_IPV4) {
		key->addr[s].ip = saddr->ip;
		key->addr[!s].ip = daddr->ip;
	} else {
		key->addr[s].in6 = saddr->in6;
		key->addr[!s].in6 = daddr->in6;
	}
	key->port[s] = sport;
	key->port[!s] = dport;
	key->family = family;
	key->proto = proto;
	key->net = net;
	*src_side = s;
}

u32 flowmesh_key_hash(const struct flowmesh_key *key, u32 seed)
{
	BUILD_BUG_ON(sizeof(*key) % sizeof(u32));
	return jhash2((const u32 *)key, sizeof(*key) / sizeof(u32), seed);
}

bool flowmesh_key_equal(const struct flowmesh_key *a,
			const struct flowmesh_key *b)
{
	return !memcmp(a, b, sizeof(*a));
}

/* @name names the table's slab cache, e.g. in /proc/slabinfo. */
int flowmesh_table_init(struct flowmesh_table *t, unsigned int max_flows,
			const char *name)
{
	unsigned int i, buckets;

	/* About two flows per bucket when full. */
	buckets = roundup_pow_of_two(max(max_flows / 2, 16U));
	t->buckets = kvcalloc(buckets, sizeof(*t->buckets), GFP_KERNEL);
	if (!t->buckets)
		goto err_buckets;
	t->stats = alloc_percpu(struct flowmesh_stats);
	if (!t->stats)
		goto err_stats;
	t->cache = kmem_cache_create(name, sizeof(struct flowmesh_flow), 0,
				     SLAB_HWCACHE_ALIGN, NULL);
	if (!t->cache)
		goto err_cache;
	t->bucket_bits = ilog2(buckets);
	t->max_flows = max_flows;
	atomic_set(&t->count, 0);
	t->seed = get_random_u32();
	for (i = 0; i < FLOWMESH_LOCKS; i++)
		spin_lock_init(&t->locks[i]);
	return 0;

err_cache:
	free_percpu(t->stats);
err_stats:
	kvfree(t->buckets);
err_buckets:
	return -ENOMEM;
}

static void flowmesh_flow_free_rcu(struct rcu_head *head)
{
	struct flowmesh_flow *flow = container_of(head, struct flowmesh_flow,
						  rcu);

	kmem_cache_free(flow->cache, flow);
}

/* Caller holds the bucket lock. */
static void flowmesh_flow_remove(struct flowmesh_table *t,
				 struct flowmesh_flow *flow)
{
	hlist_del_rcu(&flow->node);
	atomic_dec(&t->count);
	call_rcu(&flow->rcu, flowmesh_flow_free_rcu);
}

/* Removes every flow that @match accepts; returns how many. */
static unsigned int flowmesh_table_remove_if(struct flowmesh_table *t,
					     bool (*match)(const struct flowmesh_flow *,
							   const void *),
					     const void *arg)
{
	unsigned int i, removed = 0;
	struct flowmesh_flow *flow;
	struct hlist_node *tmp;

	for (i = 0; i < flowmesh_table_buckets(t); i++) {
		spinlock_t *lock = flowmesh_bucket_lock(t, i);

		if (hlist_empty(&t->buckets[i]))
			continue;
		spin_lock_bh(lock);
		hlist_for_each_entry_safe(flow, tmp, &t->buckets[i], node) {
			if (match(flow, arg)) {
				flowmesh_flow_remove(t, flow);
				removed++;
			}
		}
		spin_unlock_bh(lock);
		cond_resched();
	}
	return removed;
}

static bool flowmesh_match_all(const struct flowmesh_flow *flow,
			       const void *arg)
{
	return true;
}

void flowmesh_table_destroy(struct flowmesh_table *t)
{
	flowmesh_table_remove_if(t, flowmesh_match_all, NULL);
	/* Flows freed by call_rcu must be gone before their cache is. */
	rcu_barrier();
	kmem_cache_destroy(t->cache);
	free_percpu(t->stats);
	kvfree(t->buckets);
}

static struct flowmesh_flow *
flowmesh_bucket_find(struct hlist_head *head, const struct flowmesh_key *key)
{
	struct flowmesh_flow *flow;

	hlist_for_each_entry_rcu(flow, head, node) {
		if (flowmesh_key_equal(&flow->key, key))
			return flow;
	}
	return NULL;
}

/* Caller holds rcu_read_lock(). */
struct flowmesh_flow *flowmesh_table_lookup(struct flowmesh_table *t,
					    const struct flowmesh_key *key)
{
	u32 hash = flowmesh_key_hash(key, t->seed);

	return flowmesh_bucket_find(&t->buckets[hash >> (32 - t->bucket_bits)],
				    key);
}

static struct flowmesh_flow *
flowmesh_table_insert(struct flowmesh_table *t, const struct flowmesh_pkt *pkt,
		      unsigned int bucket, u64 now_ns)
{
	spinlock_t *lock = flowmesh_bucket_lock(t, bucket);
	struct flowmesh_flow *flow, *found;

	if (atomic_inc_return(&t->count) > t->max_flows) {
		atomic_dec(&t->count);
		flowmesh_stat_inc(t, untracked);
		return NULL;
	}
	flow = kmem_cache_zalloc(t->cache, GFP_ATOMIC);
	if (!flow) {
		atomic_dec(&t->count);
		flowmesh_stat_inc(t, alloc_failed);
		return NULL;
	}
	flow->cache = t->cache;
	flow->key = pkt->key;
	flow->client_side = pkt->client_side;
	flow->first_ns = now_ns;
	spin_lock_init(&flow->lock);

	spin_lock_bh(lock);
	/* Another CPU may have inserted the same flow since our lookup. */
	found = flowmesh_bucket_find(&t->buckets[bucket], &pkt->key);
	if (found) {
		spin_unlock_bh(lock);
		atomic_dec(&t->count);
		kmem_cache_free(t->cache, flow);
		return found;
	}
	hlist_add_head_rcu(&flow->node, &t->buckets[bucket]);
	spin_unlock_bh(lock);
	flowmesh_stat_inc(t, created);
	return flow;
}

/*
 * Accounts one packet to its flow, creating the flow if needed.  Returns
 * false when the flow is not tracked.  Caller holds rcu_read_lock().
 */
bool flowmesh_table_account(struct flowmesh_table *t,
			    const struct flowmesh_pkt *pkt, u64 now_ns)
{
	unsigned int bucket;
	struct flowmesh_flow *flow;
	struct flowmesh_counters *c;

	bucket = flowmesh_key_hash(&pkt->key, t->seed) >> (32 - t->bucket_bits);
	flow = flowmesh_bucket_find(&t->buckets[bucket], &pkt->key);
	if (!flow) {
		flow = flowmesh_table_insert(t, pkt, bucket, now_ns);
		if (!flow)
			return false;
	}

	spin_lock_bh(&flow->lock);
	c = &flow->dir[pkt->src_side == flow->client_side ?
		       FLOWMESH_DIR_TX : FLOWMESH_DIR_RX];
	c->bytes += pkt->len;
	c->packets++;
	flow->last_ns = now_ns;
	spin_unlock_bh(&flow->lock);
	return true;
}

struct flowmesh_idle_arg {
	u64 now_ns;
	u64 idle_ns;
};

static bool flowmesh_match_idle(const struct flowmesh_flow *flow,
				const void *arg)
{
	const struct flowmesh_idle_arg *idle = arg;

	/* last_ns is read without the flow lock: a stale value only delays. */
	return READ_ONCE(flow->last_ns) + idle->idle_ns <= idle->now_ns;
}

unsigned int flowmesh_table_expire(struct flowmesh_table *t, u64 now_ns,
				   u64 idle_ns)
{
	struct flowmesh_idle_arg arg = { .now_ns = now_ns, .idle_ns = idle_ns };
	unsigned int n = flowmesh_table_remove_if(t, flowmesh_match_idle, &arg);

	this_cpu_add(t->stats->expired, n);
	return n;
}

static bool flowmesh_match_net(const struct flowmesh_flow *flow,
			       const void *arg)
{
	return net_eq(flow->key.net, arg);
}

unsigned int flowmesh_table_flush_net(struct flowmesh_table *t,
				      const struct net *net)
{
	return flowmesh_table_remove_if(t, flowmesh_match_net, net);
}

void flowmesh_table_stats(struct flowmesh_table *t, struct flowmesh_stats *sum)
{
	int cpu;

	memset(sum, 0, sizeof(*sum));
	for_each_possible_cpu(cpu) {
		const struct flowmesh_stats *s = per_cpu_ptr(t->stats, cpu);

		sum->created += READ_ONCE(s->created);
		sum->expired += READ_ONCE(s->expired);
		sum->untracked += READ_ONCE(s->untracked);
		sum->alloc_failed += READ_ONCE(s->alloc_failed);
		sum->packets_seen += READ_ONCE(s->packets_seen);
		sum->packets_skipped += READ_ONCE(s->packets_skipped);
	}
}
