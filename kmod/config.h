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

struct flowmesh_config {
	u32 max_flows;
	struct flowmesh_timeouts timeouts;
	u32 ring_size;				/* records per CPU */
	u32 samples;				/* FLOWMESH_SAMPLES_* */
	u16 nskip;
	u16 skip_ports[FLOWMESH_MAX_PORTS];
	DECLARE_BITMAP(skip, 65536);		/* the same ports, for lookup */
	struct rcu_head rcu;
};

extern struct flowmesh_config __rcu *flowmesh_config;
extern const struct nla_policy flowmesh_config_policy[FLOWMESH_CONFIG_A_MAX + 1];

int flowmesh_config_init(u32 max_flows, u32 ring_size);
void flowmesh_config_exit(void);

/* Caller holds rcu_read_lock(). */
static inline const struct flowmesh_config *flowmesh_config_get(void)
{
	return rcu_dereference(flowmesh_config);
}

static inline bool flowmesh_config_skips(const struct flowmesh_config *cfg,
					 __be16 sport, __be16 dport)
{
	return cfg->nskip && (test_bit(ntohs(sport), cfg->skip) ||
			      test_bit(ntohs(dport), cfg->skip));
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
