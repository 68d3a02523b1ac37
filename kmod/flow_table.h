/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The flow table: one bounded hash table of flows for all network
 * namespaces, keyed by 5-tuple + namespace, like conntrack's.
 */
#ifndef _FLOWMESH_FLOW_TABLE_H
#define _FLOWMESH_FLOW_TABLE_H

#include <linux/types.h>
#include <linux/spinlock.h>
#include <linux/rculist.h>
#include <linux/percpu.h>
#include <linux/netfilter.h>
#include <net/net_namespace.h>

/*
 * Both endpoints of a flow in canonical order (side 0 sorts before side 1),
 * so the two directions of one flow build the same key.  No padding: the key
 * is hashed and compared as raw words.
 */
struct flowmesh_key {
	union nf_inet_addr addr[2];
	__be16 port[2];
	u8 family;		/* NFPROTO_IPV4 or NFPROTO_IPV6 */
	u8 proto;		/* IPPROTO_TCP or IPPROTO_UDP */
	u8 pad[2];
	struct net *net;
};

enum flowmesh_dir {
	FLOWMESH_DIR_TX,	/* client -> server */
	FLOWMESH_DIR_RX,	/* server -> client */
	FLOWMESH_DIR_COUNT
};

struct flowmesh_counters {
	u64 bytes;
	u64 packets;
};

struct flowmesh_flow {
	struct hlist_node node;
	struct flowmesh_key key;
	u8 client_side;		/* index into key.addr/port of the client */
	spinlock_t lock;	/* guards everything below */
	u64 first_ns;		/* ktime_get_ns() */
	u64 last_ns;
	struct flowmesh_counters dir[FLOWMESH_DIR_COUNT];
	struct rcu_head rcu;
	struct kmem_cache *cache;	/* to free it from an RCU callback */
};

/* What the hooks learned about one packet. */
struct flowmesh_pkt {
	struct flowmesh_key key;
	u8 src_side;		/* side of key that sent it */
	u8 client_side;		/* side that is the client if the flow is new */
	u32 len;		/* IP bytes, as conntrack accounting counts */
};

struct flowmesh_stats {
	u64 created;
	u64 expired;
	u64 untracked;
	u64 alloc_failed;
	u64 packets_seen;
	u64 packets_skipped;
};

#define FLOWMESH_LOCKS 256

struct flowmesh_table {
	struct hlist_head *buckets;
	unsigned int bucket_bits;
	unsigned int max_flows;
	atomic_t count;
	u32 seed;
	spinlock_t locks[FLOWMESH_LOCKS];	/* striped over buckets */
	struct flowmesh_stats __percpu *stats;
	struct kmem_cache *cache;
};

void flowmesh_key_init(struct flowmesh_key *key, u8 *src_side,
		       struct net *net, u8 family, u8 proto,
		       const union nf_inet_addr *saddr, __be16 sport,
		       const union nf_inet_addr *daddr, __be16 dport);
u32 flowmesh_key_hash(const struct flowmesh_key *key, u32 seed);
bool flowmesh_key_equal(const struct flowmesh_key *a,
			const struct flowmesh_key *b);

int flowmesh_table_init(struct flowmesh_table *t, unsigned int max_flows,
			const char *name);
void flowmesh_table_destroy(struct flowmesh_table *t);
bool flowmesh_table_account(struct flowmesh_table *t,
			    const struct flowmesh_pkt *pkt, u64 now_ns);
struct flowmesh_flow *flowmesh_table_lookup(struct flowmesh_table *t,
					    const struct flowmesh_key *key);
unsigned int flowmesh_table_expire(struct flowmesh_table *t, u64 now_ns,
				   u64 idle_ns);
unsigned int flowmesh_table_flush_net(struct flowmesh_table *t,
				      const struct net *net);
void flowmesh_table_stats(struct flowmesh_table *t,
			  struct flowmesh_stats *sum);

static inline unsigned int flowmesh_table_buckets(const struct flowmesh_table *t)
{
	return 1U << t->bucket_bits;
}

static inline spinlock_t *flowmesh_bucket_lock(struct flowmesh_table *t,
					       unsigned int bucket)
{
	return &t->locks[bucket % FLOWMESH_LOCKS];
}

#define flowmesh_stat_inc(t, field) this_cpu_inc((t)->stats->field)

#endif
