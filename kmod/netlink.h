/* SPDX-License-Identifier: GPL-2.0 */
/* Netlink parsing shared with the KUnit suites. */
#ifndef _FLOWMESH_NETLINK_H
#define _FLOWMESH_NETLINK_H

#include <net/netlink.h>
#include <linux/flowmesh.h>
#include <linux/netfilter.h>

extern const struct nla_policy flowmesh_policy[FLOWMESH_A_MAX + 1];

struct flowmesh_flow;

/* Which flows a dump lists; zero fields match anything. */
struct flowmesh_filter {
	struct net *net;		/* the reader's namespace, unless initial */
	u32 netns;
	u16 port;
	u8 proto;
	u8 family;			/* NFPROTO_* */
	u8 addr_len;
	union nf_inet_addr addr;
};

bool flowmesh_filter_match(const struct flowmesh_filter *f,
			   const struct flowmesh_flow *flow);
int flowmesh_filter_parse(struct flowmesh_filter *f, const struct nlattr *attr,
			  struct netlink_ext_ack *extack);

/* A flow as FLOWMESH_CMD_SET_LABEL names it. */
struct flowmesh_flow_name {
	u32 netns;			/* 0: the requester's namespace */
	u8 family;			/* NFPROTO_* */
	u8 proto;
	union nf_inet_addr addr[2];	/* client, server */
	__be16 port[2];
};

int flowmesh_flow_name_parse(struct flowmesh_flow_name *n,
			     const struct nlattr *attr,
			     struct netlink_ext_ack *extack);

struct flowmesh_table;
struct flowmesh_key;

/*
 * Labels the flow of @key: @l7_proto (FLOWMESH_L7_*; negative keeps the
 * flow's) and @flags added.  0, or -ENOENT when no such flow is tracked.
 * Caller holds rcu_read_lock().
 */
int flowmesh_flow_label(struct flowmesh_table *t,
			const struct flowmesh_key *key, int l7_proto,
			u32 flags, struct netlink_ext_ack *extack);

#endif
