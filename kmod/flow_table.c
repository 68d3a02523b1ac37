// SPDX-License-Identifier: GPL-2.0
/*
 * Bounded flow table.  Lookups run under RCU from the packet path; inserts
 * and removals take a striped bucket lock.  When the table is full a new
 * flow takes the place of a closed flow of its bucket (counted evicted) or
 * is not tracked (counted untracked); its packets pass untouched either way.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/random.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/log2.h>
#include "config.h"
#include "flow_table.h"

static spinlock_t *flowmesh_bucket_lock(struct flowmesh_table *t,
					unsigned int bucket)
{
	return &t->locks[bucket % FLOWMESH_LOCKS];
}

static unsigned int flowmesh_bucket_of(const struct flowmesh_table *t,
				       const struct flowmesh_key *key)
{
	return flowmesh_key_hash(key, t->seed) >> (32 - t->bucket_bits);
}

/*
 * @name names the table's slab cache of UDP flows, e.g. in /proc/slabinfo;
 * TCP flows come from "@name_tcp".
 */
int flowmesh_table_init(struct flowmesh_table *t, unsigned int max_flows,
			const char *name)
{
	unsigned int i, buckets;
	char *tcp_name;

	/*
	 * A UDP flow fits a 256-byte object.  Lock debugging (lockdep, as in
	 * the test kernel) makes spinlock_t, and so the flow, larger.
	 */
	BUILD_BUG_ON(sizeof(spinlock_t) == 4 &&
		     sizeof(struct flowmesh_flow) > 256);

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
	/* The cache keeps its own copy of the name. */
	tcp_name = kasprintf(GFP_KERNEL, "%s_tcp", name);
	if (!tcp_name)
		goto err_tcp_name;
	t->tcp_cache = kmem_cache_create(tcp_name,
					 sizeof(struct flowmesh_tcp_flow), 0,
					 SLAB_HWCACHE_ALIGN, NULL);
	kfree(tcp_name);
	if (!t->tcp_cache)
		goto err_tcp_name;
	t->bucket_bits = ilog2(buckets);
	t->max_flows = max_flows;
	atomic_set(&t->count, 0);
	atomic64_set(&t->next_id, 0);
	t->seed = get_random_u32();
	t->sample_seed = get_random_u32();
	t->rings = NULL;
	t->on_remove = NULL;
	for (i = 0; i < FLOWMESH_LOCKS; i++)
		spin_lock_init(&t->locks[i]);
	return 0;

err_tcp_name:
	kmem_cache_destroy(t->cache);
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
	if (t->on_remove)
		t->on_remove(t, flow);
	hlist_del_rcu(&flow->node);
	atomic_dec(&t->count);
	call_rcu(&flow->rcu, flowmesh_flow_free_rcu);
}

/*
 * Calls @visit on every flow, removing those for which it returns true;
 * returns how many were removed.  Process context.
 */
unsigned int flowmesh_table_scan(struct flowmesh_table *t,
				 bool (*visit)(struct flowmesh_flow *flow,
					       void *arg),
				 void *arg)
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
			if (visit(flow, arg)) {
				flowmesh_flow_remove(t, flow);
				removed++;
			}
		}
		spin_unlock_bh(lock);
		cond_resched();
	}
	return removed;
}

static bool flowmesh_visit_all(struct flowmesh_flow *flow, void *arg)
{
	return true;
}

void flowmesh_table_destroy(struct flowmesh_table *t)
{
	flowmesh_table_scan(t, flowmesh_visit_all, NULL);
	/* Flows freed by call_rcu must be gone before their cache is. */
	rcu_barrier();
	kmem_cache_destroy(t->tcp_cache);
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
	return flowmesh_bucket_find(&t->buckets[flowmesh_bucket_of(t, key)],
				    key);
}

/*
 * The table is full: frees a slot by removing a closed flow of @bucket.
 * Closed flows have sent their last packet and only linger to absorb
 * stragglers, so they go first.  Caller holds the bucket lock.
 */
static bool flowmesh_evict_closed(struct flowmesh_table *t,
				  unsigned int bucket)
{
	struct flowmesh_flow *flow;

	hlist_for_each_entry(flow, &t->buckets[bucket], node) {
		if (READ_ONCE(flow->state) == FLOWMESH_STATE_CLOSED) {
			flowmesh_flow_remove(t, flow);
			flowmesh_stat_inc(t, evicted);
			return true;
		}
	}
	return false;
}

/* A hint, read under RCU only: is there a closed flow to evict? */
static bool flowmesh_bucket_has_closed(struct hlist_head *head)
{
	struct flowmesh_flow *flow;

	hlist_for_each_entry_rcu(flow, head, node) {
		if (READ_ONCE(flow->state) == FLOWMESH_STATE_CLOSED)
			return true;
	}
	return false;
}

/*
 * Whether the flow of @key is one of the 1 in @one_in inspected.  A hash of
 * the key with a seed of our own: no order in which flows come (a DNS query
 * before each connection, say) can make the choice favour a kind of flow,
 * and it costs one hash per new flow.
 */
bool flowmesh_table_inspects(const struct flowmesh_table *t,
			     const struct flowmesh_key *key, u32 one_in)
{
	return one_in &&
	       !reciprocal_scale(flowmesh_key_hash(key, t->sample_seed), one_in);
}

/* Chooses, before @flow is visible, whether the agent sees its payload. */
static void flowmesh_flow_sample(const struct flowmesh_table *t,
				 const struct flowmesh_config *cfg,
				 struct flowmesh_flow *flow)
{
	const struct flowmesh_key *key = &flow->key;

	if (flowmesh_config_opaque(cfg, key->port[0], key->port[1]))
		return;
	if (cfg->detect_packets) {
		flow->sampled |= FLOWMESH_SAMPLED_DETECT;
		flow->detect_left[FLOWMESH_DIR_TX] = cfg->detect_packets;
		flow->detect_left[FLOWMESH_DIR_RX] = cfg->detect_packets;
	}
	if (flowmesh_table_inspects(t, key, cfg->inspect_one_in))
		flow->sampled |= FLOWMESH_SAMPLED_INSPECT;
}

static struct flowmesh_flow *
flowmesh_table_insert(struct flowmesh_table *t,
		      const struct flowmesh_config *cfg,
		      const struct flowmesh_pkt *pkt,
		      unsigned int bucket, u64 now_ns, bool *created)
{
	spinlock_t *lock = flowmesh_bucket_lock(t, bucket);
	struct kmem_cache *cache = pkt->key.proto == IPPROTO_TCP ?
				   t->tcp_cache : t->cache;
	struct flowmesh_flow *flow, *found;

	/* A flood of new flows into a full table must not cost allocations. */
	if (atomic_read(&t->count) >= READ_ONCE(t->max_flows) &&
	    !flowmesh_bucket_has_closed(&t->buckets[bucket])) {
		flowmesh_stat_inc(t, untracked);
		return NULL;
	}
	flow = kmem_cache_zalloc(cache, GFP_ATOMIC);
	if (!flow) {
		flowmesh_stat_inc(t, alloc_failed);
		return NULL;
	}
	flow->cache = cache;
	flow->key = pkt->key;
	flow->client_side = pkt->client_side;
	flow->first_ns = now_ns;
	flow->last_ns = now_ns;
	flow->updated_ns = now_ns;
	flowmesh_flow_sample(t, cfg, flow);
	spin_lock_init(&flow->lock);

	spin_lock_bh(lock);
	/* Another CPU may have inserted the same flow since our lookup. */
	found = flowmesh_bucket_find(&t->buckets[bucket], &pkt->key);
	if (found)
		goto out_free;
	if (atomic_inc_return(&t->count) > READ_ONCE(t->max_flows)) {
		atomic_dec(&t->count);
		if (!flowmesh_evict_closed(t, bucket)) {
			flowmesh_stat_inc(t, untracked);
			goto out_free;
		}
		atomic_inc(&t->count);
	}
	flow->id = atomic64_inc_return(&t->next_id);
	hlist_add_head_rcu(&flow->node, &t->buckets[bucket]);
	spin_unlock_bh(lock);
	flowmesh_stat_inc(t, created);
	*created = true;
	return flow;

out_free:
	spin_unlock_bh(lock);
	kmem_cache_free(cache, flow);
	return found;
}

/*
 * Finds the flow of @pkt or adds it; NULL when it is not tracked.  Caller
 * holds rcu_read_lock().
 */
struct flowmesh_flow *flowmesh_table_add(struct flowmesh_table *t,
					 const struct flowmesh_config *cfg,
					 const struct flowmesh_pkt *pkt,
					 u64 now_ns, bool *created)
{
	unsigned int bucket = flowmesh_bucket_of(t, &pkt->key);
	struct flowmesh_flow *flow;

	*created = false;
	flow = flowmesh_bucket_find(&t->buckets[bucket], &pkt->key);
	if (flow)
		return flow;
	return flowmesh_table_insert(t, cfg, pkt, bucket, now_ns, created);
}

struct flowmesh_gc_arg {
	struct flowmesh_table *t;
	const struct flowmesh_timeouts *timeouts;
	u64 now_ns;
};

/* Expires an idle flow, or emits an UPDATE record for an active one. */
static bool flowmesh_gc_visit(struct flowmesh_flow *flow, void *arg)
{
	const struct flowmesh_gc_arg *gc = arg;
	u64 last = READ_ONCE(flow->last_ns), updated, interval;
	u32 timeout;

	/* Read without the flow lock: a stale value only delays. */
	timeout = flowmesh_timeout(gc->timeouts, flow->key.proto,
				   READ_ONCE(flow->state));
	if (last + (u64)timeout * NSEC_PER_SEC <= gc->now_ns)
		return true;
	interval = (u64)gc->timeouts->update_interval * NSEC_PER_SEC;
	updated = READ_ONCE(flow->updated_ns);
	if (interval && last > updated && gc->now_ns - updated >= interval)
		flowmesh_flow_emit(gc->t, flow, FLOWMESH_REC_UPDATE, gc->now_ns);
	return false;
}

/*
 * One pass of the table's garbage collector: flows idle for their state's
 * timeout leave (counted expired), active ones get their periodic UPDATE.
 * Returns how many expired.  Process context.
 */
unsigned int flowmesh_table_gc(struct flowmesh_table *t,
			       const struct flowmesh_timeouts *timeouts,
			       u64 now_ns)
{
	struct flowmesh_gc_arg arg = {
		.t = t, .timeouts = timeouts, .now_ns = now_ns,
	};
	unsigned int n = flowmesh_table_scan(t, flowmesh_gc_visit, &arg);

	this_cpu_add(t->stats->expired, n);
	return n;
}

static bool flowmesh_visit_net(struct flowmesh_flow *flow, void *arg)
{
	return net_eq(flow->key.net, arg);
}

unsigned int flowmesh_table_flush_net(struct flowmesh_table *t,
				      const struct net *net)
{
	return flowmesh_table_scan(t, flowmesh_visit_net, (void *)net);
}

void flowmesh_table_stats(struct flowmesh_table *t, struct flowmesh_stats *sum)
{
	int cpu;

	memset(sum, 0, sizeof(*sum));
	for_each_possible_cpu(cpu) {
		const struct flowmesh_stats *s = per_cpu_ptr(t->stats, cpu);

		sum->created += READ_ONCE(s->created);
		sum->expired += READ_ONCE(s->expired);
		sum->evicted += READ_ONCE(s->evicted);
		sum->untracked += READ_ONCE(s->untracked);
		sum->alloc_failed += READ_ONCE(s->alloc_failed);
		sum->packets_seen += READ_ONCE(s->packets_seen);
		sum->packets_skipped += READ_ONCE(s->packets_skipped);
		sum->packets_queued += READ_ONCE(s->packets_queued);
		sum->labels_set += READ_ONCE(s->labels_set);
	}
}
