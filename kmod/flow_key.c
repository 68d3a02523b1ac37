// SPDX-License-Identifier: GPL-2.0
/* Flow keys: canonical order, hashing, comparison. */
#include <linux/jhash.h>
#include "flow_key.h"

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

/* Sets *@src_side to the side of @key that holds the sender. */
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
