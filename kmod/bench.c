// SPDX-License-Identifier: GPL-2.0
/*
 * The hook's cost per packet, measured in the kernel: only in the
 * FLOWMESH_BENCH=y build, which make bench loads for this one step.
 *
 * Reading /proc/net/flowmesh/bench runs it.  Synthetic IPv4 packets go
 * through the module's own IPv4 PRE_ROUTING hook function in init_net, in
 * FLOWMESH_BENCH_BATCHES timed batches of FLOWMESH_BENCH_PACKETS, with
 * bottom halves off and the RCU read lock held as in the real receive
 * path.  Each case prints one line, "name median_ns p99_ns": over the
 * batches, the median and the 99th percentile (nearest rank: with 31
 * batches, the slowest) of a batch's mean ns per packet.  Cases:
 *
 *   udp_flow      packets of one existing UDP flow
 *   tcp_rtt       one established TCP flow, both ways in turn, 64 bytes of
 *                 payload and timestamps: every packet completes an RTT
 *                 sample and every reply a response time sample
 *   udp_new_flow  every packet a new UDP flow (table insert); the flows
 *                 are removed after each batch, outside the timing
 *   skip_port     a UDP packet to a skip port, which the hook ignores: the
 *                 floor
 *
 * The rings are not drained meanwhile: once a CPU's ring is full, its
 * records are dropped and counted, as when no reader keeps up.  The flows
 * use 198.51.100.0/24 (TEST-NET-2) and are removed at the end; the skip
 * port list is restored.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bottom_half.h>
#include <linux/ip.h>
#include <linux/ktime.h>
#include <linux/mutex.h>
#include <linux/proc_fs.h>
#include <linux/sched/signal.h>
#include <linux/seq_file.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <net/ip.h>
#include <net/tcp.h>
#include "flowmesh.h"

#define FLOWMESH_BENCH_BATCHES	31
#define FLOWMESH_BENCH_PACKETS	10000
#define FLOWMESH_BENCH_PAYLOAD	64

/* 198.51.100.0/24: client .1, server .2; new flows come from .3. */
#define FLOWMESH_BENCH_NET	0xc6336400
#define FLOWMESH_BENCH_CLIENT	(FLOWMESH_BENCH_NET | 1)
#define FLOWMESH_BENCH_SERVER	(FLOWMESH_BENCH_NET | 2)
#define FLOWMESH_BENCH_NEW	(FLOWMESH_BENCH_NET | 3)
#define FLOWMESH_BENCH_CPORT	40000
#define FLOWMESH_BENCH_SPORT	7000	/* below the client's: the server */
#define FLOWMESH_BENCH_SKIP	7009
#define FLOWMESH_BENCH_NEW_PORT	10000	/* first source port of new flows */

enum flowmesh_bench_case {
	FLOWMESH_BENCH_UDP_FLOW,
	FLOWMESH_BENCH_TCP_RTT,
	FLOWMESH_BENCH_UDP_NEW,
	FLOWMESH_BENCH_SKIP_PORT,
	FLOWMESH_BENCH_CASES
};

static const char *const flowmesh_bench_names[FLOWMESH_BENCH_CASES] = {
	[FLOWMESH_BENCH_UDP_FLOW] = "udp_flow",
	[FLOWMESH_BENCH_TCP_RTT] = "tcp_rtt",
	[FLOWMESH_BENCH_UDP_NEW] = "udp_new_flow",
	[FLOWMESH_BENCH_SKIP_PORT] = "skip_port",
};

struct flowmesh_bench {
	const struct nf_hook_ops *ops;
	struct nf_hook_state state;
	struct sk_buff *udp;		/* client -> server */
	struct sk_buff *udp_new;	/* its source port changes */
	struct sk_buff *skip;		/* client -> skip port */
	struct sk_buff *tcp[FLOWMESH_DIR_COUNT];
	u32 seq[FLOWMESH_DIR_COUNT];	/* next sequence number each sends */
	u32 tsval[FLOWMESH_DIR_COUNT];	/* last TSval each sent */
	u64 ns[FLOWMESH_BENCH_BATCHES];
};

static DEFINE_MUTEX(flowmesh_bench_lock);	/* one run at a time */

/* An IPv4 packet from @saddr:@sport to @daddr:@dport, headers set. */
static struct sk_buff *flowmesh_bench_skb(u8 proto, u32 saddr, u16 sport,
					  u32 daddr, u16 dport)
{
	unsigned int l4 = proto == IPPROTO_TCP ?
			  sizeof(struct tcphdr) + TCPOLEN_TSTAMP_ALIGNED :
			  sizeof(struct udphdr);
	unsigned int len = sizeof(struct iphdr) + l4 + FLOWMESH_BENCH_PAYLOAD;
	struct sk_buff *skb = alloc_skb(LL_MAX_HEADER + len, GFP_KERNEL);
	struct iphdr *iph;

	if (!skb)
		return NULL;
	skb_reserve(skb, LL_MAX_HEADER);
	skb->protocol = htons(ETH_P_IP);
	skb_reset_network_header(skb);
	iph = skb_put_zero(skb, sizeof(*iph));
	iph->version = 4;
	iph->ihl = sizeof(*iph) / 4;
	iph->tot_len = htons(len);
	iph->ttl = 64;
	iph->protocol = proto;
	iph->saddr = htonl(saddr);
	iph->daddr = htonl(daddr);
	iph->check = ip_fast_csum(iph, iph->ihl);
	skb_set_transport_header(skb, skb->len);
	if (proto == IPPROTO_TCP) {
		struct tcphdr *th = skb_put_zero(skb, l4);

		th->source = htons(sport);
		th->dest = htons(dport);
		th->doff = l4 / 4;
		th->ack = 1;
		th->psh = 1;
		th->window = htons(65535);
		*(__be32 *)(th + 1) = htonl(TCPOPT_NOP << 24 |
					    TCPOPT_NOP << 16 |
					    TCPOPT_TIMESTAMP << 8 |
					    TCPOLEN_TIMESTAMP);
	} else {
		struct udphdr *uh = skb_put_zero(skb, l4);

		uh->source = htons(sport);
		uh->dest = htons(dport);
		uh->len = htons(l4 + FLOWMESH_BENCH_PAYLOAD);
	}
	skb_put_zero(skb, FLOWMESH_BENCH_PAYLOAD);
	return skb;
}

/*
 * The next segment @dir sends: new data, acknowledging all the other side
 * sent and echoing its last TSval, which completes that side's RTT half.
 */
static struct sk_buff *flowmesh_bench_tcp_next(struct flowmesh_bench *b,
					       enum flowmesh_dir dir)
{
	struct sk_buff *skb = b->tcp[dir];
	struct tcphdr *th = tcp_hdr(skb);
	__be32 *ts = (__be32 *)(th + 1) + 1;

	th->seq = htonl(b->seq[dir]);
	th->ack_seq = htonl(b->seq[!dir]);
	ts[0] = htonl(++b->tsval[dir]);
	ts[1] = htonl(b->tsval[!dir]);
	b->seq[dir] += FLOWMESH_BENCH_PAYLOAD;
	return skb;
}

/* Feeds one batch of @n packets of case @c to the hook; returns its ns. */
static u64 flowmesh_bench_batch(struct flowmesh_bench *b,
				enum flowmesh_bench_case c, unsigned int n)
{
	nf_hookfn *hook = b->ops->hook;
	void *priv = b->ops->priv;
	const struct nf_hook_state *st = &b->state;
	struct udphdr *uh = udp_hdr(b->udp_new);
	unsigned int i;
	u64 t0, t1;

	local_bh_disable();
	rcu_read_lock();
	t0 = ktime_get_ns();
	switch (c) {
	case FLOWMESH_BENCH_UDP_FLOW:
		for (i = 0; i < n; i++)
			hook(priv, b->udp, st);
		break;
	case FLOWMESH_BENCH_TCP_RTT:
		for (i = 0; i < n; i++)
			hook(priv, flowmesh_bench_tcp_next(b, i & 1), st);
		break;
	case FLOWMESH_BENCH_UDP_NEW:
		for (i = 0; i < n; i++) {
			uh->source = htons(FLOWMESH_BENCH_NEW_PORT + i);
			hook(priv, b->udp_new, st);
		}
		break;
	case FLOWMESH_BENCH_SKIP_PORT:
		for (i = 0; i < n; i++)
			hook(priv, b->skip, st);
		break;
	case FLOWMESH_BENCH_CASES:
		break;
	}
	t1 = ktime_get_ns();
	rcu_read_unlock();
	local_bh_enable();
	return t1 - t0;
}

static bool flowmesh_bench_flow(struct flowmesh_flow *flow, void *arg)
{
	const struct flowmesh_key *k = &flow->key;

	return net_eq(k->net, &init_net) && k->family == NFPROTO_IPV4 &&
	       (ntohl(k->addr[0].ip) & ~0xffU) == FLOWMESH_BENCH_NET &&
	       (ntohl(k->addr[1].ip) & ~0xffU) == FLOWMESH_BENCH_NET;
}

static void flowmesh_bench_flush(void)
{
	flowmesh_table_scan(&flowmesh_flows, flowmesh_bench_flow, NULL);
}

/* Replaces the skip port list with @n @ports; 0 or an error. */
static int flowmesh_bench_skip_ports(const u16 *ports, unsigned int n)
{
	struct nlattr *tb[FLOWMESH_CONFIG_A_MAX + 1] = {};
	size_t size = n * sizeof(u16);
	struct nlattr *attr;
	int err;

	attr = kzalloc(nla_total_size(size), GFP_KERNEL);
	if (!attr)
		return -ENOMEM;
	attr->nla_type = FLOWMESH_CONFIG_A_SKIP_PORTS;
	attr->nla_len = nla_attr_size(size);
	memcpy(nla_data(attr), ports, size);
	tb[FLOWMESH_CONFIG_A_SKIP_PORTS] = attr;
	err = flowmesh_config_set(tb, NULL);
	kfree(attr);
	return err;
}

static int flowmesh_bench_cmp(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

static u64 flowmesh_bench_per_packet(u64 ns)
{
	return DIV_ROUND_CLOSEST_ULL(ns, FLOWMESH_BENCH_PACKETS);
}

/* One case: a warm-up batch, then the timed ones; prints its line. */
static int flowmesh_bench_case(struct seq_file *m, struct flowmesh_bench *b,
			       enum flowmesh_bench_case c)
{
	unsigned int i, p99 = DIV_ROUND_UP(FLOWMESH_BENCH_BATCHES * 99, 100);

	for (i = 0; i <= FLOWMESH_BENCH_BATCHES; i++) {
		u64 ns = flowmesh_bench_batch(b, c, FLOWMESH_BENCH_PACKETS);

		if (i)
			b->ns[i - 1] = ns;
		if (c == FLOWMESH_BENCH_UDP_NEW)
			flowmesh_bench_flush();
		if (fatal_signal_pending(current))
			return -EINTR;
		cond_resched();
	}
	sort(b->ns, FLOWMESH_BENCH_BATCHES, sizeof(b->ns[0]),
	     flowmesh_bench_cmp, NULL);
	seq_printf(m, "%s %llu %llu\n", flowmesh_bench_names[c],
		   flowmesh_bench_per_packet(b->ns[FLOWMESH_BENCH_BATCHES / 2]),
		   flowmesh_bench_per_packet(b->ns[p99 - 1]));
	return 0;
}

static int flowmesh_bench_cases(struct seq_file *m, struct flowmesh_bench *b)
{
	u16 saved[FLOWMESH_MAX_PORTS], skip = FLOWMESH_BENCH_SKIP;
	struct flowmesh_stats before, after;
	unsigned int nsaved;
	int c, err;

	rcu_read_lock();
	nsaved = flowmesh_config_get()->skip.n;
	memcpy(saved, flowmesh_config_get()->skip.list,
	       nsaved * sizeof(saved[0]));
	rcu_read_unlock();
	err = flowmesh_bench_skip_ports(&skip, 1);
	if (err)
		return err;

	flowmesh_table_stats(&flowmesh_flows, &before);
	for (c = 0; c < FLOWMESH_BENCH_CASES && !err; c++)
		err = flowmesh_bench_case(m, b, c);
	flowmesh_table_stats(&flowmesh_flows, &after);
	flowmesh_bench_flush();
	flowmesh_bench_skip_ports(saved, nsaved);
	if (err)
		return err;

	/* The insert case means nothing if flows were turned away. */
	if (after.untracked != before.untracked ||
	    after.alloc_failed != before.alloc_failed) {
		pr_warn("bench: new flows were not tracked: is max_flows below %u?\n",
			FLOWMESH_BENCH_PACKETS);
		return -ENOSPC;
	}
	return 0;
}

static int flowmesh_bench_show(struct seq_file *m, void *v)
{
	struct flowmesh_bench *b;
	int err = -ENOMEM;

	b = kzalloc(sizeof(*b), GFP_KERNEL);
	if (!b)
		return -ENOMEM;
	b->ops = &flowmesh_hook_ops[0];
	if (b->ops->pf != NFPROTO_IPV4 ||
	    b->ops->hooknum != NF_INET_PRE_ROUTING) {
		err = -EINVAL;
		goto out;
	}
	nf_hook_state_init(&b->state, NF_INET_PRE_ROUTING, NFPROTO_IPV4, NULL,
			   NULL, NULL, &init_net, NULL);
	b->udp = flowmesh_bench_skb(IPPROTO_UDP, FLOWMESH_BENCH_CLIENT,
				    FLOWMESH_BENCH_CPORT, FLOWMESH_BENCH_SERVER,
				    FLOWMESH_BENCH_SPORT);
	b->udp_new = flowmesh_bench_skb(IPPROTO_UDP, FLOWMESH_BENCH_NEW, 0,
					FLOWMESH_BENCH_SERVER,
					FLOWMESH_BENCH_SPORT);
	b->skip = flowmesh_bench_skb(IPPROTO_UDP, FLOWMESH_BENCH_CLIENT,
				     FLOWMESH_BENCH_CPORT, FLOWMESH_BENCH_SERVER,
				     FLOWMESH_BENCH_SKIP);
	b->tcp[FLOWMESH_DIR_TX] = flowmesh_bench_skb(IPPROTO_TCP,
						     FLOWMESH_BENCH_CLIENT,
						     FLOWMESH_BENCH_CPORT,
						     FLOWMESH_BENCH_SERVER,
						     FLOWMESH_BENCH_SPORT);
	b->tcp[FLOWMESH_DIR_RX] = flowmesh_bench_skb(IPPROTO_TCP,
						     FLOWMESH_BENCH_SERVER,
						     FLOWMESH_BENCH_SPORT,
						     FLOWMESH_BENCH_CLIENT,
						     FLOWMESH_BENCH_CPORT);
	b->seq[FLOWMESH_DIR_TX] = 1000;
	b->seq[FLOWMESH_DIR_RX] = 500000;
	if (b->udp && b->udp_new && b->skip && b->tcp[FLOWMESH_DIR_TX] &&
	    b->tcp[FLOWMESH_DIR_RX]) {
		mutex_lock(&flowmesh_bench_lock);
		err = flowmesh_bench_cases(m, b);
		mutex_unlock(&flowmesh_bench_lock);
	}
out:
	kfree_skb(b->udp);
	kfree_skb(b->udp_new);
	kfree_skb(b->skip);
	kfree_skb(b->tcp[FLOWMESH_DIR_TX]);
	kfree_skb(b->tcp[FLOWMESH_DIR_RX]);
	kfree(b);
	return err;
}

int flowmesh_bench_init(void)
{
	if (!proc_create_single("flowmesh/bench", 0400, init_net.proc_net,
				flowmesh_bench_show))
		return -ENOMEM;
	return 0;
}

void flowmesh_bench_exit(void)
{
	remove_proc_entry("flowmesh/bench", init_net.proc_net);
}
