// SPDX-License-Identifier: GPL-2.0
/*
 * Netfilter hooks, registered in every network namespace.  Each packet
 * passes exactly one of PRE_ROUTING (received or forwarded) and LOCAL_OUT
 * (sent by a local socket) in a namespace, the same places conntrack
 * accounts it, so byte and packet counts compare with conntrack's exactly.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <net/ipv6.h>
#include <net/ip.h>
#include <net/tcp.h>
#include "flowmesh.h"

/* Which side of @pkt's key is the client of a flow this packet starts. */
static u8 flowmesh_client_side(const struct flowmesh_pkt *pkt)
{
	u8 src = pkt->src_side;
	const struct flowmesh_tcp_seg *seg = pkt->seg;

	if (!seg)		/* UDP: whoever sends first is the client */
		return src;
	if (seg->flags & TCPHDR_SYN)	/* SYN: client; SYN-ACK: server */
		return seg->flags & TCPHDR_ACK ? !src : src;
	/*
	 * A flow already running when we started watching: assume the server
	 * holds the lower port, as ephemeral ports sit high.
	 */
	if (ntohs(pkt->key.port[src]) < ntohs(pkt->key.port[!src]))
		return !src;
	return src;
}

static unsigned int flowmesh_account(struct sk_buff *skb,
				     const struct nf_hook_state *state,
				     u8 family, u8 proto,
				     const union nf_inet_addr *saddr,
				     const union nf_inet_addr *daddr,
				     unsigned int thoff)
{
	const struct flowmesh_config *cfg = flowmesh_config_get();
	struct flowmesh_tcp_seg seg;
	struct flowmesh_pkt pkt;
	const __be16 *ports;
	__be16 portbuf[2];

	/* TCP's ports come with the header it parses anyway. */
	if (proto == IPPROTO_TCP) {
		if (flowmesh_tcp_parse(skb, thoff, skb->len, &seg))
			goto skip;
		portbuf[0] = seg.source;
		portbuf[1] = seg.dest;
		ports = portbuf;
		pkt.seg = &seg;
		pkt.payload = seg.payload;
	} else if (proto == IPPROTO_UDP) {
		ports = skb_header_pointer(skb, thoff, sizeof(portbuf), portbuf);
		if (!ports || skb->len < thoff + sizeof(struct udphdr))
			goto skip;
		pkt.seg = NULL;
		pkt.payload = skb->len - thoff - sizeof(struct udphdr);
	} else {
		goto skip;
	}
	if (flowmesh_config_skips(cfg, ports[0], ports[1]))
		goto skip;

	flowmesh_key_init(&pkt.key, &pkt.src_side, state->net, family, proto,
			  saddr, ports[0], daddr, ports[1]);
	pkt.client_side = flowmesh_client_side(&pkt);
	pkt.len = skb->len;
	flowmesh_stat_inc(&flowmesh_flows, packets_seen);
	return flowmesh_flow_packet(&flowmesh_flows, cfg, &pkt, ktime_get_ns());
skip:
	flowmesh_stat_inc(&flowmesh_flows, packets_skipped);
	return NF_ACCEPT;
}

static unsigned int flowmesh_hook_ipv4(void *priv, struct sk_buff *skb,
				       const struct nf_hook_state *state)
{
	union nf_inet_addr saddr = {}, daddr = {};
	struct iphdr _iph;
	const struct iphdr *iph;

	iph = skb_header_pointer(skb, skb_network_offset(skb), sizeof(_iph),
				 &_iph);
	/* Later fragments carry no ports; conntrack's defrag runs earlier. */
	if (!iph || iph->ihl < 5 || (iph->frag_off & htons(IP_OFFSET))) {
		flowmesh_stat_inc(&flowmesh_flows, packets_skipped);
		return NF_ACCEPT;
	}
	saddr.ip = iph->saddr;
	daddr.ip = iph->daddr;
	return flowmesh_account(skb, state, NFPROTO_IPV4, iph->protocol,
				&saddr, &daddr,
				skb_network_offset(skb) + iph->ihl * 4);
}

static unsigned int flowmesh_hook_ipv6(void *priv, struct sk_buff *skb,
				       const struct nf_hook_state *state)
{
	union nf_inet_addr saddr, daddr;
	struct ipv6hdr _ip6h;
	const struct ipv6hdr *ip6h;
	__be16 frag_off;
	u8 nexthdr;
	int thoff;

	ip6h = skb_header_pointer(skb, skb_network_offset(skb), sizeof(_ip6h),
				  &_ip6h);
	if (!ip6h)
		goto skip;
	nexthdr = ip6h->nexthdr;
	thoff = ipv6_skip_exthdr(skb, skb_network_offset(skb) + sizeof(_ip6h),
				 &nexthdr, &frag_off);
	if (thoff < 0 || (frag_off & htons(IP6_OFFSET)))
		goto skip;
	saddr.in6 = ip6h->saddr;
	daddr.in6 = ip6h->daddr;
	return flowmesh_account(skb, state, NFPROTO_IPV6, nexthdr,
				&saddr, &daddr, thoff);
skip:
	flowmesh_stat_inc(&flowmesh_flows, packets_skipped);
	return NF_ACCEPT;
}

/*
 * Right after conntrack and defrag, before NAT rewrites addresses.
 *
 * A packet handed to the agent leaves here through nf_queue() after it was
 * accounted.  When the agent answers NF_ACCEPT, nf_reinject() resumes the
 * walk at the hook after ours (hook_index + 1), so the packet is never
 * accounted twice; only NF_REPEAT would call us again, and the agent never
 * answers it.  A packet dropped by the queue (its listener closed with the
 * packet pending) is lost like any drop, and TCP sends it again.
 */
const struct nf_hook_ops flowmesh_hook_ops[FLOWMESH_HOOK_OPS] = {
	{
		.hook = flowmesh_hook_ipv4,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_PRE_ROUTING,
		.priority = NF_IP_PRI_CONNTRACK + 1,
	},
	{
		.hook = flowmesh_hook_ipv4,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_LOCAL_OUT,
		.priority = NF_IP_PRI_CONNTRACK + 1,
	},
	{
		.hook = flowmesh_hook_ipv6,
		.pf = NFPROTO_IPV6,
		.hooknum = NF_INET_PRE_ROUTING,
		.priority = NF_IP6_PRI_CONNTRACK + 1,
	},
	{
		.hook = flowmesh_hook_ipv6,
		.pf = NFPROTO_IPV6,
		.hooknum = NF_INET_LOCAL_OUT,
		.priority = NF_IP6_PRI_CONNTRACK + 1,
	},
};

static int __net_init flowmesh_net_init(struct net *net)
{
	return nf_register_net_hooks(net, flowmesh_hook_ops,
				     ARRAY_SIZE(flowmesh_hook_ops));
}

static void __net_exit flowmesh_net_pre_exit(struct net *net)
{
	nf_unregister_net_hooks(net, flowmesh_hook_ops,
				ARRAY_SIZE(flowmesh_hook_ops));
}

/*
 * The core waits for an RCU grace period between pre_exit and exit, so no
 * hook of this namespace is still running and no flow of it can follow.
 */
static void __net_exit flowmesh_net_exit(struct net *net)
{
	flowmesh_table_flush_net(&flowmesh_flows, net);
}

static struct pernet_operations flowmesh_net_ops = {
	.init = flowmesh_net_init,
	.pre_exit = flowmesh_net_pre_exit,
	.exit = flowmesh_net_exit,
};

int flowmesh_hooks_init(void)
{
	return register_pernet_subsys(&flowmesh_net_ops);
}

void flowmesh_hooks_exit(void)
{
	unregister_pernet_subsys(&flowmesh_net_ops);
}
