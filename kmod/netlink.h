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

#endif
