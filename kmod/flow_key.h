/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A flow's identity: 5-tuple + network namespace, with both endpoints in
 * canonical order so the two directions of one flow build the same key.
 */
#ifndef _FLOWMESH_FLOW_KEY_H
#define _FLOWMESH_FLOW_KEY_H

#include <linux/types.h>
#include <linux/netfilter.h>
#include <net/net_namespace.h>

/* Side 0 sorts before side 1.  No padding: hashed and compared as words. */
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

void flowmesh_key_init(struct flowmesh_key *key, u8 *src_side,
		       struct net *net, u8 family, u8 proto,
		       const union nf_inet_addr *saddr, __be16 sport,
		       const union nf_inet_addr *daddr, __be16 dport);
u32 flowmesh_key_hash(const struct flowmesh_key *key, u32 seed);
bool flowmesh_key_equal(const struct flowmesh_key *a,
			const struct flowmesh_key *b);

#endif
