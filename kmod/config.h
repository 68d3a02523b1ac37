/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Node-wide settings, replaced as a whole under RCU so the packet path
 * reads one consistent version without locks.
 */
#ifndef _FLOWMESH_CONFIG_H
#define _FLOWMESH_CONFIG_H

#include <linux/types.h>
#include <linux/bitmap.h>
#include <linux/rcupdate.h>
#include <linux/in.h>
#include <linux/netfilter.h>
#include <net/netlink.h>
#include <linux/flowmesh.h>

struct genl_info;
struct sk_buff;

/* What the flow GC needs; copied out because its scan sleeps. */
struct flowmesh_timeouts {
	u32 tcp[__FLOWMESH_STATE_MAX];		/* s, by state */
	u32 udp;				/* s */
	u32 update_interval;			/* s, 0: no UPDATE records */
};

/* A set of ports, as listed and as a bitmap for lookup. */
struct flowmesh_ports {
	u16 n;
	u16 list[FLOWMESH_MAX_PORTS];
	DECLARE_BITMAP(map, 65536);
};

struct flowmesh_config {
	u32 max_flows;
	struct flowmesh_timeouts timeouts;
	u32 ring_size;				/* records per CPU */
	u32 samples;				/* FLOWMESH_SAMPLES_* */
	u32 detect_packets;			/* per direction of a new flow */
	u32 inspect_one_in;			/* 0: no flow inspected */
	u32 queue_num;				/* NFQUEUE number */
	struct flowmesh_ports skip;		/* not tracked */
	struct flowmesh_ports opaque;		/* tracked, never handed over */
	struct rcu_head rcu;
};

extern struct flowmesh_config __rcu *flowmesh_config;
extern const struct nla_policy flowmesh_config_policy[FLOWMESH_CONFIG_A_MAX + 1];

#define FLOWMESH_DETECT_PACKETS_MAX	64
/* Records per CPU ring, a power of two. */
#define FLOWMESH_RING_SIZE_MIN		16
#define FLOWMESH_RING_SIZE_MAX		(1U << 20)
#define FLOWMESH_QUEUE_NUM_DEFAULT	7000

int flowmesh_config_init(u32 max_flows, u32 ring_size);
void flowmesh_config_exit(void);

/* Caller holds rcu_read_lock(). */
static inline const struct flowmesh_config *flowmesh_config_get(void)
{
	return rcu_dereference(flowmesh_config);
}

/* Whether @ports holds either of a packet's ports. */
static inline bool flowmesh_ports_hold(const struct flowmesh_ports *ports,
				       __be16 sport, __be16 dport)
{
	return ports->n && (test_bit(ntohs(sport), ports->map) ||
			    test_bit(ntohs(dport), ports->map));
}

static inline bool flowmesh_config_skips(const struct flowmesh_config *cfg,
					 __be16 sport, __be16 dport)
{
	return flowmesh_ports_hold(&cfg->skip, sport, dport);
}

static inline bool flowmesh_config_opaque(const struct flowmesh_config *cfg,
					  __be16 sport, __be16 dport)
{
	return flowmesh_ports_hold(&cfg->opaque, sport, dport);
}

/*
 * The verdict handing a packet to the agent's queue queue_num + @offset
 * (FLOWMESH_QUEUE_*: the queue says the direction and why the flow was
 * chosen, which the packet alone cannot).  NF_VERDICT_FLAG_QUEUE_BYPASS:
 * when no program is bound to the queue in the packet's namespace,
 * nf_queue() returns 1 and the hook walk goes on as if we had accepted the
 * packet, instead of dropping it.
 */
static inline unsigned int flowmesh_queue_verdict(const struct flowmesh_config *cfg,
						  unsigned int offset)
{
	return NF_QUEUE_NR(cfg->queue_num + offset) |
	       NF_VERDICT_FLAG_QUEUE_BYPASS;
}

/* Idle timeout in seconds of a flow of @proto in @state. */
static inline u32 flowmesh_timeout(const struct flowmesh_timeouts *t,
				   u8 proto, u8 state)
{
	if (proto != IPPROTO_TCP)
		return t->udp;
	return t->tcp[min_t(u8, state, FLOWMESH_STATE_CLOSED)];
}

int flowmesh_config_fill(struct sk_buff *skb, const struct flowmesh_config *cfg);
int flowmesh_config_set(struct nlattr **tb, struct netlink_ext_ack *extack);

#endif
