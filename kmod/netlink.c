// SPDX-License-Identifier: GPL-2.0
/*
 * The "flowmesh" generic netlink family: the only way flow data leaves the
 * kernel.  Every command needs CAP_NET_ADMIN over the socket's namespace.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <net/genetlink.h>
#include <net/netlink.h>
#include <net/sock.h>
#include "flowmesh.h"

/* No command takes attributes yet; anything sent is rejected. */
static const struct nla_policy flowmesh_policy[FLOWMESH_A_MAX + 1] = {
	[FLOWMESH_A_FLOW] = { .type = NLA_REJECT },
	[FLOWMESH_A_STATS] = { .type = NLA_REJECT },
};

static struct genl_family flowmesh_family;

static int flowmesh_put_addr(struct sk_buff *skb, int attr, u8 family,
			     const union nf_inet_addr *addr)
{
	if (family == NFPROTO_IPV4)
		return nla_put_in_addr(skb, attr, addr->ip);
	return nla_put_in6_addr(skb, attr, &addr->in6);
}

static int flowmesh_put_flow(struct sk_buff *skb,
			     const struct flowmesh_flow *flow, u64 real_offset)
{
	const struct flowmesh_key *key = &flow->key;
	u8 client = flow->client_side, server = !client;
	struct flowmesh_counters dir[FLOWMESH_DIR_COUNT];
	u64 first_ns, last_ns;
	struct nlattr *nest;

	spin_lock_bh((spinlock_t *)&flow->lock);
	memcpy(dir, flow->dir, sizeof(dir));
	first_ns = flow->first_ns;
	last_ns = flow->last_ns;
	spin_unlock_bh((spinlock_t *)&flow->lock);

	nest = nla_nest_start(skb, FLOWMESH_A_FLOW);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u8(skb, FLOWMESH_FLOW_A_FAMILY,
		       key->family == NFPROTO_IPV4 ? AF_INET : AF_INET6) ||
	    nla_put_u8(skb, FLOWMESH_FLOW_A_PROTO, key->proto) ||
	    nla_put_u32(skb, FLOWMESH_FLOW_A_NETNS, key->net->ns.inum) ||
	    flowmesh_put_addr(skb, FLOWMESH_FLOW_A_CLIENT_ADDR, key->family,
			      &key->addr[client]) ||
	    flowmesh_put_addr(skb, FLOWMESH_FLOW_A_SERVER_ADDR, key->family,
			      &key->addr[server]) ||
	    nla_put_u16(skb, FLOWMESH_FLOW_A_CLIENT_PORT,
			ntohs(key->port[client])) ||
	    nla_put_u16(skb, FLOWMESH_FLOW_A_SERVER_PORT,
			ntohs(key->port[server])) ||
	    nla_put_u64_64bit(skb, FLOWMESH_FLOW_A_TX_BYTES,
			      dir[FLOWMESH_DIR_TX].bytes, FLOWMESH_FLOW_A_PAD) ||
	    nla_put_u64_64bit(skb, FLOWMESH_FLOW_A_TX_PACKETS,
			      dir[FLOWMESH_DIR_TX].packets, FLOWMESH_FLOW_A_PAD) ||
	    nla_put_u64_64bit(skb, FLOWMESH_FLOW_A_RX_BYTES,
			      dir[FLOWMESH_DIR_RX].bytes, FLOWMESH_FLOW_A_PAD) ||
	    nla_put_u64_64bit(skb, FLOWMESH_FLOW_A_RX_PACKETS,
			      dir[FLOWMESH_DIR_RX].packets, FLOWMESH_FLOW_A_PAD) ||
	    nla_put_u64_64bit(skb, FLOWMESH_FLOW_A_FIRST_SEEN,
			      first_ns + real_offset, FLOWMESH_FLOW_A_PAD) ||
	    nla_put_u64_64bit(skb, FLOWMESH_FLOW_A_LAST_SEEN,
			      last_ns + real_offset, FLOWMESH_FLOW_A_PAD)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int flowmesh_fill_flow(struct sk_buff *skb, struct netlink_callback *cb,
			      const struct flowmesh_flow *flow, u64 real_offset)
{
	void *hdr;

	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &flowmesh_family, NLM_F_MULTI, FLOWMESH_CMD_GET_FLOW);
	if (!hdr)
		return -EMSGSIZE;
	if (flowmesh_put_flow(skb, flow, real_offset)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

/*
 * Resumes at bucket cb->args[0], skipping cb->args[1] flows of it.  A bucket
 * is sent whole or not at all when it can be, so flows added or removed
 * while the dump runs never make another flow appear twice or go missing;
 * only a bucket too large for one message is split.
 */
static int flowmesh_dump_flows(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct flowmesh_table *t = &flowmesh_flows;
	struct net *net = sock_net(cb->skb->sk);
	bool all_nets = net_eq(net, &init_net);
	u64 real_offset = ktime_get_real_ns() - ktime_get_ns();
	unsigned long bucket = cb->args[0], skip = cb->args[1];
	struct flowmesh_flow *flow;

	rcu_read_lock();
	for (; bucket < flowmesh_table_buckets(t); bucket++, skip = 0) {
		unsigned char *mark = skb_tail_pointer(skb);
		unsigned int mark_len = skb->len;
		unsigned long idx = 0;
		bool full = false;

		hlist_for_each_entry_rcu(flow, &t->buckets[bucket], node) {
			if (!all_nets && !net_eq(flow->key.net, net))
				continue;
			if (idx++ < skip)
				continue;
			if (flowmesh_fill_flow(skb, cb, flow, real_offset)) {
				full = true;
				break;
			}
		}
		if (!full)
			continue;
		if (mark_len)
			nlmsg_trim(skb, mark);	/* resend the bucket whole */
		else
			skip = idx - 1;		/* it alone fills a message */
		break;
	}
	rcu_read_unlock();
	cb->args[0] = bucket;
	cb->args[1] = skip;
	return skb->len;
}

static int flowmesh_get_stats(struct sk_buff *skb, struct genl_info *info)
{
	struct flowmesh_table *t = &flowmesh_flows;
	struct flowmesh_stats s;
	struct nlattr *nest;
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &flowmesh_family, 0,
				FLOWMESH_CMD_GET_STATS);
	if (!hdr)
		goto nospace;

	flowmesh_table_stats(t, &s);
	nest = nla_nest_start(msg, FLOWMESH_A_STATS);
	if (!nest ||
	    nla_put_u64_64bit(msg, FLOWMESH_STATS_A_FLOWS_ACTIVE,
			      atomic_read(&t->count), FLOWMESH_STATS_A_PAD) ||
	    nla_put_u64_64bit(msg, FLOWMESH_STATS_A_FLOWS_MAX, t->max_flows,
			      FLOWMESH_STATS_A_PAD) ||
	    nla_put_u64_64bit(msg, FLOWMESH_STATS_A_FLOWS_CREATED, s.created,
			      FLOWMESH_STATS_A_PAD) ||
	    nla_put_u64_64bit(msg, FLOWMESH_STATS_A_FLOWS_EXPIRED, s.expired,
			      FLOWMESH_STATS_A_PAD) ||
	    nla_put_u64_64bit(msg, FLOWMESH_STATS_A_FLOWS_UNTRACKED,
			      s.untracked, FLOWMESH_STATS_A_PAD) ||
	    nla_put_u64_64bit(msg, FLOWMESH_STATS_A_ALLOC_FAILED,
			      s.alloc_failed, FLOWMESH_STATS_A_PAD) ||
	    nla_put_u64_64bit(msg, FLOWMESH_STATS_A_PACKETS_SEEN,
			      s.packets_seen, FLOWMESH_STATS_A_PAD) ||
	    nla_put_u64_64bit(msg, FLOWMESH_STATS_A_PACKETS_SKIPPED,
			      s.packets_skipped, FLOWMESH_STATS_A_PAD))
		goto nospace;
	nla_nest_end(msg, nest);
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

nospace:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

static const struct genl_small_ops flowmesh_ops[] = {
	{
		.cmd = FLOWMESH_CMD_GET_FLOW,
		.dumpit = flowmesh_dump_flows,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = FLOWMESH_CMD_GET_STATS,
		.doit = flowmesh_get_stats,
		.flags = GENL_UNS_ADMIN_PERM,
	},
};

static struct genl_family flowmesh_family __ro_after_init = {
	.name = FLOWMESH_GENL_NAME,
	.version = FLOWMESH_GENL_VERSION,
	.maxattr = FLOWMESH_A_MAX,
	.policy = flowmesh_policy,
	.netnsok = true,
	.module = THIS_MODULE,
	.small_ops = flowmesh_ops,
	.n_small_ops = ARRAY_SIZE(flowmesh_ops),
	.resv_start_op = FLOWMESH_CMD_MAX + 1,
};

int flowmesh_netlink_init(void)
{
	return genl_register_family(&flowmesh_family);
}

void flowmesh_netlink_exit(void)
{
	genl_unregister_family(&flowmesh_family);
}
