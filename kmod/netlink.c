// SPDX-License-Identifier: GPL-2.0
/*
 * The "flowmesh" generic netlink family: the only way flow data leaves the
 * kernel.  Every command needs CAP_NET_ADMIN over the socket's namespace;
 * node-wide ones (draining events, changing settings) only run from the
 * initial namespace.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <net/genetlink.h>
#include <net/netlink.h>
#include <net/sock.h>
#include "compat.h"
#include "flowmesh.h"
#include "netlink.h"

static const struct nla_policy flowmesh_filter_policy[FLOWMESH_FILTER_A_MAX + 1] = {
	[FLOWMESH_FILTER_A_NETNS] = { .type = NLA_U32 },
	[FLOWMESH_FILTER_A_PROTO] = { .type = NLA_U8 },
	[FLOWMESH_FILTER_A_FAMILY] = { .type = NLA_U8 },
	[FLOWMESH_FILTER_A_ADDR] = NLA_POLICY_RANGE(NLA_BINARY, 4, 16),
	[FLOWMESH_FILTER_A_PORT] = NLA_POLICY_MIN(NLA_U16, 1),
};

/* What names a flow to label: its identity, as a dump lists it. */
static const struct nla_policy
flowmesh_flow_name_policy[FLOWMESH_FLOW_A_SERVER_PORT + 1] = {
	[FLOWMESH_FLOW_A_FAMILY] = { .type = NLA_U8 },
	[FLOWMESH_FLOW_A_PROTO] = { .type = NLA_U8 },
	[FLOWMESH_FLOW_A_NETNS] = { .type = NLA_U32 },
	[FLOWMESH_FLOW_A_CLIENT_ADDR] = NLA_POLICY_RANGE(NLA_BINARY, 4, 16),
	[FLOWMESH_FLOW_A_SERVER_ADDR] = NLA_POLICY_RANGE(NLA_BINARY, 4, 16),
	[FLOWMESH_FLOW_A_CLIENT_PORT] = NLA_POLICY_MIN(NLA_U16, 1),
	[FLOWMESH_FLOW_A_SERVER_PORT] = NLA_POLICY_MIN(NLA_U16, 1),
};

/* Only filters, settings and labels travel from userspace to the kernel. */
const struct nla_policy flowmesh_policy[FLOWMESH_A_MAX + 1] = {
	[FLOWMESH_A_FLOW] = NLA_POLICY_NESTED(flowmesh_flow_name_policy),
	[FLOWMESH_A_STATS] = { .type = NLA_REJECT },
	[FLOWMESH_A_FILTER] = NLA_POLICY_NESTED(flowmesh_filter_policy),
	[FLOWMESH_A_RECORDS] = { .type = NLA_REJECT },
	[FLOWMESH_A_CONFIG] = NLA_POLICY_NESTED(flowmesh_config_policy),
	[FLOWMESH_A_LABEL_PROTO] = NLA_POLICY_MAX(NLA_U8, FLOWMESH_L7_MAX),
	[FLOWMESH_A_LABEL_FLAGS] = NLA_POLICY_MASK(NLA_U32, FLOWMESH_LABEL_ALL),
};

static const struct genl_multicast_group flowmesh_mcgrps[] = {
	{
		.name = FLOWMESH_MCGRP_EVENTS,
#ifdef GENL_MCAST_CAP_NET_ADMIN
		.flags = GENL_MCAST_CAP_NET_ADMIN,
#endif
	},
};

static struct genl_family flowmesh_family;

static bool flowmesh_initial_netns(struct sk_buff *skb,
				   struct netlink_ext_ack *extack)
{
	if (net_eq(sock_net(skb->sk), &init_net))
		return true;
	NL_SET_ERR_MSG(extack,
		       "node-wide command: run it in the initial network namespace");
	return false;
}

static int flowmesh_put_addr(struct sk_buff *skb, int attr, u8 family,
			     const union nf_inet_addr *addr)
{
	if (family == NFPROTO_IPV4)
		return nla_put_in_addr(skb, attr, addr->ip);
	return nla_put_in6_addr(skb, attr, &addr->in6);
}

static int flowmesh_put_latency(struct sk_buff *skb, int attr,
				const struct flowmesh_latency *l)
{
	u32 hist[FLOWMESH_HIST_BUCKETS];
	struct nlattr *nest;
	unsigned int i;

	for (i = 0; i < FLOWMESH_HIST_BUCKETS; i++)
		hist[i] = l->hist[i];
	nest = nla_nest_start(skb, attr);
	if (!nest ||
	    nla_put_u32(skb, FLOWMESH_LAT_A_COUNT, l->count) ||
	    nla_put_u64_64bit(skb, FLOWMESH_LAT_A_SUM_US, l->sum_us,
			      FLOWMESH_LAT_A_PAD) ||
	    nla_put_u32(skb, FLOWMESH_LAT_A_MIN_US, l->min_us) ||
	    nla_put_u32(skb, FLOWMESH_LAT_A_MAX_US, l->max_us) ||
	    nla_put_u32(skb, FLOWMESH_LAT_A_LAST_US, l->last_us) ||
	    nla_put(skb, FLOWMESH_LAT_A_HIST, sizeof(hist), hist))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int flowmesh_put_tcp(struct sk_buff *skb, const struct flowmesh_record *r,
			    const struct flowmesh_tcp *tcp)
{
	if (nla_put_u8(skb, FLOWMESH_FLOW_A_TCP_FLAGS_TX,
		       tcp->dir[FLOWMESH_DIR_TX].flags) ||
	    nla_put_u8(skb, FLOWMESH_FLOW_A_TCP_FLAGS_RX,
		       tcp->dir[FLOWMESH_DIR_RX].flags) ||
	    nla_put_u32(skb, FLOWMESH_FLOW_A_RETRANSMITS, r->retransmits) ||
	    nla_put_u32(skb, FLOWMESH_FLOW_A_RESETS, r->resets) ||
	    nla_put_u32(skb, FLOWMESH_FLOW_A_ZERO_WINDOWS, r->zero_windows) ||
	    nla_put_u32(skb, FLOWMESH_FLOW_A_RTT_HS_CLIENT,
			r->rtt_hs_client_us) ||
	    nla_put_u32(skb, FLOWMESH_FLOW_A_RTT_HS_SERVER,
			r->rtt_hs_server_us))
		return -EMSGSIZE;
	return 0;
}

/* A consistent copy of what a dump shows, taken under the flow lock. */
struct flowmesh_flow_view {
	struct flowmesh_record rec;
	struct flowmesh_tcp tcp;
	struct flowmesh_latency rtt;
	struct flowmesh_latency response;
	u64 first_ns;
	u64 last_ns;
};

static int flowmesh_put_flow(struct sk_buff *skb, struct flowmesh_flow *flow,
			     struct flowmesh_flow_view *v)
{
	const struct flowmesh_key *key = &flow->key;
	u8 client = flow->client_side, server = !client;
	struct flowmesh_record *r = &v->rec;
	struct nlattr *nest;

	spin_lock_bh(&flow->lock);
	flowmesh_flow_record(flow, 0, 0, flow->last_ns, r);
	if (key->proto == IPPROTO_TCP) {
		v->tcp = flowmesh_tcp_flow(flow)->tcp;
		v->rtt = flowmesh_tcp_flow(flow)->rtt;
	} else {
		memset(&v->rtt, 0, sizeof(v->rtt));
	}
	v->response = flow->response;
	v->first_ns = flow->first_ns;
	v->last_ns = flow->last_ns;
	spin_unlock_bh(&flow->lock);

	nest = nla_nest_start(skb, FLOWMESH_A_FLOW);
	if (!nest ||
	    nla_put_u8(skb, FLOWMESH_FLOW_A_FAMILY, r->family) ||
	    nla_put_u8(skb, FLOWMESH_FLOW_A_PROTO, r->proto) ||
	    nla_put_u32(skb, FLOWMESH_FLOW_A_NETNS, r->netns) ||
	    flowmesh_put_addr(skb, FLOWMESH_FLOW_A_CLIENT_ADDR, key->family,
			      &key->addr[client]) ||
	    flowmesh_put_addr(skb, FLOWMESH_FLOW_A_SERVER_ADDR, key->family,
			      &key->addr[server]) ||
	    nla_put_u16(skb, FLOWMESH_FLOW_A_CLIENT_PORT, r->client_port) ||
	    nla_put_u16(skb, FLOWMESH_FLOW_A_SERVER_PORT, r->server_port) ||
	    nla_put_u64_64bit(skb, FLOWMESH_FLOW_A_TX_BYTES, r->tx_bytes,
			      FLOWMESH_FLOW_A_PAD) ||
	    nla_put_u64_64bit(skb, FLOWMESH_FLOW_A_TX_PACKETS, r->tx_packets,
			      FLOWMESH_FLOW_A_PAD) ||
	    nla_put_u64_64bit(skb, FLOWMESH_FLOW_A_RX_BYTES, r->rx_bytes,
			      FLOWMESH_FLOW_A_PAD) ||
	    nla_put_u64_64bit(skb, FLOWMESH_FLOW_A_RX_PACKETS, r->rx_packets,
			      FLOWMESH_FLOW_A_PAD) ||
	    nla_put_u64_64bit(skb, FLOWMESH_FLOW_A_FIRST_SEEN,
			      ktime_mono_to_real(ns_to_ktime(v->first_ns)),
			      FLOWMESH_FLOW_A_PAD) ||
	    nla_put_u64_64bit(skb, FLOWMESH_FLOW_A_LAST_SEEN, r->time_ns,
			      FLOWMESH_FLOW_A_PAD) ||
	    nla_put_u64_64bit(skb, FLOWMESH_FLOW_A_ID, r->flow_id,
			      FLOWMESH_FLOW_A_PAD) ||
	    nla_put_u8(skb, FLOWMESH_FLOW_A_STATE, r->state) ||
	    (r->proto == IPPROTO_TCP && flowmesh_put_tcp(skb, r, &v->tcp)) ||
	    flowmesh_put_latency(skb, FLOWMESH_FLOW_A_RTT, &v->rtt) ||
	    flowmesh_put_latency(skb, FLOWMESH_FLOW_A_RESPONSE, &v->response) ||
	    nla_put_u8(skb, FLOWMESH_FLOW_A_L7_PROTO, r->l7_proto) ||
	    nla_put_u8(skb, FLOWMESH_FLOW_A_SAMPLED, r->sampled)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int flowmesh_fill_flow(struct sk_buff *skb, struct netlink_callback *cb,
			      struct flowmesh_flow *flow,
			      struct flowmesh_flow_view *v)
{
	void *hdr;

	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &flowmesh_family, NLM_F_MULTI, FLOWMESH_CMD_GET_FLOW);
	if (!hdr)
		return -EMSGSIZE;
	if (flowmesh_put_flow(skb, flow, v)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

/* A dump's filter and scratch space, kept in the callback between calls. */
struct flowmesh_dump {
	struct flowmesh_filter filter;
	struct flowmesh_flow_view view;
};

bool flowmesh_filter_match(const struct flowmesh_filter *f,
			   const struct flowmesh_flow *flow)
{
	const struct flowmesh_key *k = &flow->key;

	if (f->net && !net_eq(k->net, f->net))
		return false;
	if (f->netns && k->net->ns.inum != f->netns)
		return false;
	if (f->proto && k->proto != f->proto)
		return false;
	if (f->family && k->family != f->family)
		return false;
	if (f->port && ntohs(k->port[0]) != f->port &&
	    ntohs(k->port[1]) != f->port)
		return false;
	if (f->addr_len && (k->family != f->family ||
			    (memcmp(&k->addr[0], &f->addr, f->addr_len) &&
			     memcmp(&k->addr[1], &f->addr, f->addr_len))))
		return false;
	return true;
}

/* The NFPROTO_* of @a, an AF_INET or AF_INET6 attribute. */
static int flowmesh_family_parse(u8 *family, const struct nlattr *a,
				 struct netlink_ext_ack *extack)
{
	switch (nla_get_u8(a)) {
	case AF_INET:
		*family = NFPROTO_IPV4;
		return 0;
	case AF_INET6:
		*family = NFPROTO_IPV6;
		return 0;
	}
	NL_SET_ERR_MSG_ATTR(extack, a, "family must be AF_INET or AF_INET6");
	return -EINVAL;
}

/* The protocol of @a: only TCP and UDP have flows. */
static int flowmesh_proto_parse(u8 *proto, const struct nlattr *a,
				struct netlink_ext_ack *extack)
{
	*proto = nla_get_u8(a);
	if (*proto == IPPROTO_TCP || *proto == IPPROTO_UDP)
		return 0;
	NL_SET_ERR_MSG_ATTR(extack, a, "protocol must be TCP or UDP");
	return -EINVAL;
}

int flowmesh_filter_parse(struct flowmesh_filter *f, const struct nlattr *attr,
			  struct netlink_ext_ack *extack)
{
	struct nlattr *tb[FLOWMESH_FILTER_A_MAX + 1];
	int err;

	if (!attr)
		return 0;
	err = nla_parse_nested(tb, FLOWMESH_FILTER_A_MAX, attr,
			       flowmesh_filter_policy, extack);
	if (err)
		return err;
	if (tb[FLOWMESH_FILTER_A_NETNS])
		f->netns = nla_get_u32(tb[FLOWMESH_FILTER_A_NETNS]);
	if (tb[FLOWMESH_FILTER_A_PORT])
		f->port = nla_get_u16(tb[FLOWMESH_FILTER_A_PORT]);
	if (tb[FLOWMESH_FILTER_A_PROTO]) {
		err = flowmesh_proto_parse(&f->proto,
					   tb[FLOWMESH_FILTER_A_PROTO], extack);
		if (err)
			return err;
	}
	if (tb[FLOWMESH_FILTER_A_FAMILY]) {
		err = flowmesh_family_parse(&f->family,
					    tb[FLOWMESH_FILTER_A_FAMILY], extack);
		if (err)
			return err;
	}
	if (tb[FLOWMESH_FILTER_A_ADDR]) {
		const struct nlattr *a = tb[FLOWMESH_FILTER_A_ADDR];
		u8 family = nla_len(a) == 4 ? NFPROTO_IPV4 : NFPROTO_IPV6;

		if (nla_len(a) != 4 && nla_len(a) != 16) {
			NL_SET_ERR_MSG_ATTR(extack, a,
					    "address must be 4 or 16 bytes");
			return -EINVAL;
		}
		if (f->family && f->family != family) {
			NL_SET_ERR_MSG_ATTR(extack, a,
					    "address does not match the family");
			return -EINVAL;
		}
		f->family = family;
		f->addr_len = nla_len(a);
		memcpy(&f->addr, nla_data(a), f->addr_len);
	}
	return 0;
}

static int flowmesh_dump_flows_start(struct netlink_callback *cb)
{
	struct nlattr **attrs = flowmesh_dump_attrs(cb);
	struct net *net = sock_net(cb->skb->sk);
	struct flowmesh_dump *dump;
	int err;

	dump = kzalloc(sizeof(*dump), GFP_KERNEL);
	if (!dump)
		return -ENOMEM;
	err = flowmesh_filter_parse(&dump->filter,
				    attrs[FLOWMESH_A_FILTER], cb->extack);
	if (err) {
		kfree(dump);
		return err;
	}
	if (!net_eq(net, &init_net))
		dump->filter.net = net;
	cb->args[2] = (long)dump;
	return 0;
}

static int flowmesh_dump_flows_done(struct netlink_callback *cb)
{
	kfree((void *)cb->args[2]);
	return 0;
}

/*
 * Resumes at bucket cb->args[0], skipping cb->args[1] listed flows of it.  A
 * bucket is sent whole or not at all when it can be, so flows added or
 * removed while the dump runs never make another flow appear twice or go
 * missing; only a bucket too large for one message is split.
 */
static int flowmesh_dump_flows(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct flowmesh_dump *dump = (struct flowmesh_dump *)cb->args[2];
	struct flowmesh_table *t = &flowmesh_flows;
	unsigned long bucket = cb->args[0], skip = cb->args[1];
	struct flowmesh_flow *flow;

	rcu_read_lock();
	for (; bucket < flowmesh_table_buckets(t); bucket++, skip = 0) {
		unsigned char *mark = skb_tail_pointer(skb);
		unsigned int mark_len = skb->len;
		unsigned long idx = 0;
		bool full = false;

		hlist_for_each_entry_rcu(flow, &t->buckets[bucket], node) {
			if (!flowmesh_filter_match(&dump->filter, flow))
				continue;
			if (idx++ < skip)
				continue;
			if (flowmesh_fill_flow(skb, cb, flow, &dump->view)) {
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

static int flowmesh_put_cpu(struct sk_buff *skb, int cpu)
{
	struct flowmesh_ring_counts c;
	struct nlattr *nest;

	flowmesh_ring_counts(&flowmesh_rings, cpu, &c);
	nest = nla_nest_start(skb, FLOWMESH_STATS_A_CPU);
	if (!nest ||
	    nla_put_u32(skb, FLOWMESH_CPU_A_ID, cpu) ||
	    nla_put_u64_64bit(skb, FLOWMESH_CPU_A_RECORDS_PRODUCED, c.produced,
			      FLOWMESH_CPU_A_PAD) ||
	    nla_put_u64_64bit(skb, FLOWMESH_CPU_A_RECORDS_DRAINED, c.drained,
			      FLOWMESH_CPU_A_PAD) ||
	    nla_put_u64_64bit(skb, FLOWMESH_CPU_A_RECORDS_DROPPED, c.dropped,
			      FLOWMESH_CPU_A_PAD) ||
	    nla_put_u64_64bit(skb, FLOWMESH_CPU_A_PACKETS_SEEN,
			      READ_ONCE(per_cpu_ptr(flowmesh_flows.stats,
						    cpu)->packets_seen),
			      FLOWMESH_CPU_A_PAD) ||
	    nla_put_u64_64bit(skb, FLOWMESH_CPU_A_PACKETS_QUEUED,
			      READ_ONCE(per_cpu_ptr(flowmesh_flows.stats,
						    cpu)->packets_queued),
			      FLOWMESH_CPU_A_PAD))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int flowmesh_put_u64s(struct sk_buff *skb, const int *attrs,
			     const u64 *values, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (nla_put_u64_64bit(skb, attrs[i], values[i],
				      FLOWMESH_STATS_A_PAD))
			return -EMSGSIZE;
	return 0;
}

static int flowmesh_put_stats(struct sk_buff *skb)
{
	static const int attrs[] = {
		FLOWMESH_STATS_A_FLOWS_ACTIVE, FLOWMESH_STATS_A_FLOWS_MAX,
		FLOWMESH_STATS_A_FLOWS_CREATED, FLOWMESH_STATS_A_FLOWS_EXPIRED,
		FLOWMESH_STATS_A_FLOWS_UNTRACKED, FLOWMESH_STATS_A_ALLOC_FAILED,
		FLOWMESH_STATS_A_PACKETS_SEEN, FLOWMESH_STATS_A_PACKETS_SKIPPED,
		FLOWMESH_STATS_A_FLOWS_EVICTED,
		FLOWMESH_STATS_A_RECORDS_PRODUCED,
		FLOWMESH_STATS_A_RECORDS_DRAINED,
		FLOWMESH_STATS_A_RECORDS_DROPPED,
		FLOWMESH_STATS_A_RECORDS_QUEUED,
		FLOWMESH_STATS_A_PACKETS_QUEUED, FLOWMESH_STATS_A_LABELS_SET,
	};
	struct flowmesh_totals tot;
	struct nlattr *nest;
	int cpu;

	flowmesh_totals(&tot);
	{
		const u64 values[] = {
			tot.flows_active, tot.flows_max, tot.flows.created,
			tot.flows.expired, tot.flows.untracked,
			tot.flows.alloc_failed, tot.flows.packets_seen,
			tot.flows.packets_skipped, tot.flows.evicted,
			tot.records.produced, tot.records.drained,
			tot.records.dropped, tot.records.queued,
			tot.flows.packets_queued, tot.flows.labels_set,
		};

		BUILD_BUG_ON(ARRAY_SIZE(values) != ARRAY_SIZE(attrs));
		nest = nla_nest_start(skb, FLOWMESH_A_STATS);
		if (!nest ||
		    flowmesh_put_u64s(skb, attrs, values, ARRAY_SIZE(attrs)))
			return -EMSGSIZE;
	}
	for_each_possible_cpu(cpu)
		if (flowmesh_put_cpu(skb, cpu))
			return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int flowmesh_get_stats(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(NLMSG_DEFAULT_SIZE + num_possible_cpus() * 64,
			  GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &flowmesh_family, 0,
				FLOWMESH_CMD_GET_STATS);
	if (!hdr || flowmesh_put_stats(msg)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

static int flowmesh_drain_start(struct netlink_callback *cb)
{
	return flowmesh_initial_netns(cb->skb, cb->extack) ? 0 : -EPERM;
}

/*
 * Moves records from ring cb->args[0] into messages, many per message;
 * cb->args[1] counts what this dump took from that ring, so a ring that
 * producers keep refilling still lets the dump end.
 */
static int flowmesh_drain(struct sk_buff *skb, struct netlink_callback *cb)
{
	const unsigned int rec_size = sizeof(struct flowmesh_record);
	unsigned long cpu = cb->args[0], taken = cb->args[1];

	for (; cpu < nr_cpu_ids; cpu++, taken = 0) {
		if (!cpu_possible(cpu))
			continue;
		while (taken < flowmesh_ring_size(&flowmesh_rings, cpu)) {
			unsigned int room, want, got;
			struct nlattr *nla;
			void *hdr;

			room = skb_tailroom(skb);
			if (room < nlmsg_total_size(GENL_HDRLEN +
						    nla_total_size(rec_size)))
				goto out;	/* message full */
			want = (room - nlmsg_total_size(GENL_HDRLEN) -
				NLA_HDRLEN - NLA_ALIGNTO) / rec_size;
			want = min_t(unsigned long, want,
				     flowmesh_ring_size(&flowmesh_rings, cpu) -
				     taken);
			hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
					  cb->nlh->nlmsg_seq, &flowmesh_family,
					  NLM_F_MULTI, FLOWMESH_CMD_DRAIN);
			if (!hdr)
				goto out;
			nla = nla_reserve(skb, FLOWMESH_A_RECORDS,
					  want * rec_size);
			if (!nla) {
				genlmsg_cancel(skb, hdr);
				goto out;
			}
			got = flowmesh_ring_take(&flowmesh_rings, cpu,
						 nla_data(nla), want);
			if (!got) {
				genlmsg_cancel(skb, hdr);
				break;		/* this ring is empty */
			}
			if (got < want) {
				nla->nla_len = nla_attr_size(got * rec_size);
				skb_trim(skb, (unsigned char *)nla - skb->data +
					 nla_total_size(got * rec_size));
			}
			genlmsg_end(skb, hdr);
			taken += got;
			if (got < want)
				break;
		}
	}
out:
	cb->args[0] = cpu;
	cb->args[1] = taken;
	return skb->len;
}

void flowmesh_netlink_data_ready(struct flowmesh_rings *rings)
{
	struct sk_buff *msg;
	void *hdr;

	if (!genl_has_listeners(&flowmesh_family, &init_net, 0))
		return;
	msg = genlmsg_new(0, GFP_KERNEL);
	if (!msg)
		return;
	hdr = genlmsg_put(msg, 0, 0, &flowmesh_family, 0,
			  FLOWMESH_CMD_DATA_READY);
	if (!hdr) {
		nlmsg_free(msg);
		return;
	}
	genlmsg_end(msg, hdr);
	genlmsg_multicast(&flowmesh_family, msg, 0, 0, GFP_KERNEL);
}

static int flowmesh_get_config(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *msg;
	int err;
	void *hdr;

	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &flowmesh_family, 0,
				FLOWMESH_CMD_GET_CONFIG);
	rcu_read_lock();
	err = hdr ? flowmesh_config_fill(msg, flowmesh_config_get()) : -EMSGSIZE;
	rcu_read_unlock();
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

static int flowmesh_set_config(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[FLOWMESH_CONFIG_A_MAX + 1];
	int err;

	if (!flowmesh_initial_netns(skb, info->extack))
		return -EPERM;
	if (GENL_REQ_ATTR_CHECK(info, FLOWMESH_A_CONFIG))
		return -EINVAL;
	err = nla_parse_nested(tb, FLOWMESH_CONFIG_A_MAX,
			       info->attrs[FLOWMESH_A_CONFIG],
			       flowmesh_config_policy, info->extack);
	if (err)
		return err;
	return flowmesh_config_set(tb, info->extack);
}

static int flowmesh_addr_parse(union nf_inet_addr *addr, u8 family,
			       const struct nlattr *a,
			       struct netlink_ext_ack *extack)
{
	if (nla_len(a) != (family == NFPROTO_IPV4 ? 4 : 16)) {
		NL_SET_ERR_MSG_ATTR(extack, a,
				    "address does not match the family");
		return -EINVAL;
	}
	memcpy(addr, nla_data(a), nla_len(a));
	return 0;
}

int flowmesh_flow_name_parse(struct flowmesh_flow_name *n,
			     const struct nlattr *attr,
			     struct netlink_ext_ack *extack)
{
	struct nlattr *tb[FLOWMESH_FLOW_A_SERVER_PORT + 1];
	int err;

	err = nla_parse_nested(tb, FLOWMESH_FLOW_A_SERVER_PORT, attr,
			       flowmesh_flow_name_policy, extack);
	if (err)
		return err;
	if (!tb[FLOWMESH_FLOW_A_FAMILY] || !tb[FLOWMESH_FLOW_A_PROTO] ||
	    !tb[FLOWMESH_FLOW_A_CLIENT_ADDR] ||
	    !tb[FLOWMESH_FLOW_A_SERVER_ADDR] ||
	    !tb[FLOWMESH_FLOW_A_CLIENT_PORT] ||
	    !tb[FLOWMESH_FLOW_A_SERVER_PORT]) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "a flow needs family, protocol, addresses and ports");
		return -EINVAL;
	}
	memset(n, 0, sizeof(*n));
	err = flowmesh_family_parse(&n->family, tb[FLOWMESH_FLOW_A_FAMILY],
				    extack) ?:
	      flowmesh_proto_parse(&n->proto, tb[FLOWMESH_FLOW_A_PROTO],
				   extack) ?:
	      flowmesh_addr_parse(&n->addr[0], n->family,
				  tb[FLOWMESH_FLOW_A_CLIENT_ADDR], extack) ?:
	      flowmesh_addr_parse(&n->addr[1], n->family,
				  tb[FLOWMESH_FLOW_A_SERVER_ADDR], extack);
	if (err)
		return err;
	n->port[0] = htons(nla_get_u16(tb[FLOWMESH_FLOW_A_CLIENT_PORT]));
	n->port[1] = htons(nla_get_u16(tb[FLOWMESH_FLOW_A_SERVER_PORT]));
	if (tb[FLOWMESH_FLOW_A_NETNS])
		n->netns = nla_get_u32(tb[FLOWMESH_FLOW_A_NETNS]);
	return 0;
}

int flowmesh_flow_label(struct flowmesh_table *t,
			const struct flowmesh_key *key, int l7_proto,
			u32 flags, struct netlink_ext_ack *extack)
{
	struct flowmesh_flow *flow = flowmesh_table_lookup(t, key);

	if (!flow) {
		NL_SET_ERR_MSG(extack, "no such flow");
		return -ENOENT;
	}
	spin_lock_bh(&flow->lock);
	if (l7_proto >= 0)
		flow->l7_proto = l7_proto;
	flow->l7_flags |= flags;
	spin_unlock_bh(&flow->lock);
	flowmesh_stat_inc(t, labels_set);
	return 0;
}

/*
 * The namespace a label names: the requester's own, or from the initial
 * namespace any.  NULL when there is none of that number.  Caller holds
 * rcu_read_lock(); the namespace's flows are flushed only after a grace
 * period, so the pointer is good for a lookup.
 */
static struct net *flowmesh_label_net(struct net *net, u32 netns)
{
	struct net *it;

	if (!netns || netns == net->ns.inum)
		return net;
	if (!net_eq(net, &init_net))
		return NULL;
	for_each_net_rcu(it)
		if (it->ns.inum == netns)
			return it;
	return NULL;
}

static int flowmesh_set_label(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *proto = info->attrs[FLOWMESH_A_LABEL_PROTO];
	struct nlattr *flags = info->attrs[FLOWMESH_A_LABEL_FLAGS];
	struct flowmesh_flow_name name;
	struct flowmesh_key key;
	struct net *net;
	int err;
	u8 side;

	if (GENL_REQ_ATTR_CHECK(info, FLOWMESH_A_FLOW))
		return -EINVAL;
	if (!proto && !flags) {
		NL_SET_ERR_MSG(info->extack,
			       "nothing to set: give FLOWMESH_A_LABEL_PROTO or FLOWMESH_A_LABEL_FLAGS");
		return -EINVAL;
	}
	err = flowmesh_flow_name_parse(&name, info->attrs[FLOWMESH_A_FLOW],
				       info->extack);
	if (err)
		return err;
	rcu_read_lock();
	net = flowmesh_label_net(sock_net(skb->sk), name.netns);
	if (net) {
		flowmesh_key_init(&key, &side, net, name.family, name.proto,
				  &name.addr[0], name.port[0],
				  &name.addr[1], name.port[1]);
		err = flowmesh_flow_label(&flowmesh_flows, &key,
					  proto ? nla_get_u8(proto) : -1,
					  flags ? nla_get_u32(flags) : 0,
					  info->extack);
	} else {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[FLOWMESH_A_FLOW],
				    "no such network namespace");
		err = -ENOENT;
	}
	rcu_read_unlock();
	return err;
}

static const struct genl_ops flowmesh_ops[] = {
	{
		.cmd = FLOWMESH_CMD_GET_FLOW,
		.start = flowmesh_dump_flows_start,
		.dumpit = flowmesh_dump_flows,
		.done = flowmesh_dump_flows_done,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = FLOWMESH_CMD_GET_STATS,
		.doit = flowmesh_get_stats,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = FLOWMESH_CMD_DRAIN,
		.start = flowmesh_drain_start,
		.dumpit = flowmesh_drain,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = FLOWMESH_CMD_GET_CONFIG,
		.doit = flowmesh_get_config,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = FLOWMESH_CMD_SET_CONFIG,
		.doit = flowmesh_set_config,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = FLOWMESH_CMD_SET_LABEL,
		.doit = flowmesh_set_label,
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
	.ops = flowmesh_ops,
	.n_ops = ARRAY_SIZE(flowmesh_ops),
	.mcgrps = flowmesh_mcgrps,
	.n_mcgrps = ARRAY_SIZE(flowmesh_mcgrps),
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
