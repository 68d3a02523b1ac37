// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: which packets the hooks hand to the agent over NFQUEUE.  Only
 * payload packets of chosen flows, the first detect_packets of each
 * direction or, for inspected flows, all of them; never a flow on an
 * opaque port; labels end it.  The verdict carries the queue number and
 * the bypass flag.
 */
#include <kunit/test.h>
#include <net/tcp.h>
#include "flowmesh.h"
#include "netlink.h"

#define QUEUE_NUM	4242
#define CLIENT		0xc6120001	/* 198.18.0.1 */
#define SERVER		0xc6120002	/* 198.18.0.2 */

struct queue_ctx {
	struct flowmesh_table table;
	struct flowmesh_config cfg;
};

static int queue_test_init(struct kunit *test)
{
	struct queue_ctx *ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);

	if (!ctx)
		return -ENOMEM;
	test->priv = ctx;
	ctx->cfg.detect_packets = 4;
	ctx->cfg.queue_num = QUEUE_NUM;
	return flowmesh_table_init(&ctx->table, 64, "flowmesh_test_queue");
}

static void queue_test_exit(struct kunit *test)
{
	struct queue_ctx *ctx = test->priv;

	flowmesh_table_destroy(&ctx->table);
}

static void ports_add(struct flowmesh_ports *ports, u16 port)
{
	__set_bit(port, ports->map);
	ports->list[ports->n++] = port;
}

/* A packet from @src:@sport to @dst:@dport with @payload bytes. */
static struct flowmesh_pkt pkt_v4(u8 proto, u32 src, u16 sport, u32 dst,
				  u16 dport, u32 payload)
{
	union nf_inet_addr s = { .ip = htonl(src) }, d = { .ip = htonl(dst) };
	struct flowmesh_pkt p = { .len = 40 + payload, .payload = payload };

	flowmesh_key_init(&p.key, &p.src_side, &init_net, NFPROTO_IPV4, proto,
			  &s, htons(sport), &d, htons(dport));
	p.client_side = p.src_side;
	return p;
}

static unsigned int verdict_of(struct queue_ctx *ctx,
			       const struct flowmesh_pkt *p)
{
	unsigned int v;

	rcu_read_lock();
	v = flowmesh_flow_packet(&ctx->table, &ctx->cfg, p, 1000);
	rcu_read_unlock();
	return v;
}

/* Feeds @p @n times; returns how many were queued. */
static unsigned int queued_of(struct queue_ctx *ctx,
			      const struct flowmesh_pkt *p, unsigned int n)
{
	unsigned int i, queued = 0;

	for (i = 0; i < n; i++)
		queued += verdict_of(ctx, p) != NF_ACCEPT;
	return queued;
}

static u64 stat_queued(struct queue_ctx *ctx)
{
	struct flowmesh_stats s;

	flowmesh_table_stats(&ctx->table, &s);
	return s.packets_queued;
}

static struct flowmesh_flow *flow_of(struct queue_ctx *ctx,
				     const struct flowmesh_pkt *p)
{
	struct flowmesh_flow *flow;

	rcu_read_lock();
	flow = flowmesh_table_lookup(&ctx->table, &p->key);
	rcu_read_unlock();
	return flow;	/* the table holds it until the suite's exit */
}

/*
 * The queue number says the direction: a request to queue_num + 0, the
 * reply to queue_num + 1; always with the bypass flag.
 */
static void queue_verdict_has_number_and_bypass(struct kunit *test)
{
	struct queue_ctx *ctx = test->priv;
	struct flowmesh_pkt p = pkt_v4(IPPROTO_UDP, CLIENT, 5353, SERVER, 53,
				       30);
	struct flowmesh_pkt r = pkt_v4(IPPROTO_UDP, SERVER, 53, CLIENT, 5353,
				       40);
	unsigned int v = verdict_of(ctx, &p);

	KUNIT_EXPECT_EQ(test, v & NF_VERDICT_MASK, (unsigned int)NF_QUEUE);
	KUNIT_EXPECT_EQ(test, v >> NF_VERDICT_QBITS,
			QUEUE_NUM + FLOWMESH_QUEUE_DETECT_TO_SERVER);
	KUNIT_EXPECT_TRUE(test, v & NF_VERDICT_FLAG_QUEUE_BYPASS);
	KUNIT_EXPECT_EQ(test, v, NF_QUEUE_NR(QUEUE_NUM) |
				 NF_VERDICT_FLAG_QUEUE_BYPASS);
	r.client_side = !r.src_side;
	v = verdict_of(ctx, &r);
	KUNIT_EXPECT_EQ(test, v, NF_QUEUE_NR(QUEUE_NUM +
					     FLOWMESH_QUEUE_DETECT_TO_CLIENT) |
				 NF_VERDICT_FLAG_QUEUE_BYPASS);
}

/* A TCP flow: handshake and pure ACKs pass, 4 payload packets each way. */
static void queue_tcp_detect_budget_per_direction(struct kunit *test)
{
	struct queue_ctx *ctx = test->priv;
	struct flowmesh_tcp_seg syn = { .seq = 1, .flags = TCPHDR_SYN };
	struct flowmesh_tcp_seg synack = { .seq = 9, .ack_seq = 2,
					   .flags = TCPHDR_SYN | TCPHDR_ACK };
	struct flowmesh_tcp_seg ack = { .seq = 2, .ack_seq = 10,
					.flags = TCPHDR_ACK };
	struct flowmesh_tcp_seg data = { .seq = 2, .ack_seq = 10,
					 .payload = 100,
					 .flags = TCPHDR_PSH | TCPHDR_ACK };
	struct flowmesh_pkt c = pkt_v4(IPPROTO_TCP, CLIENT, 40000, SERVER, 80,
				       0);
	struct flowmesh_pkt s = pkt_v4(IPPROTO_TCP, SERVER, 80, CLIENT, 40000,
				       0);
	struct flowmesh_pkt cdata = c, sdata = s;
	struct flowmesh_flow *flow;

	s.client_side = !s.src_side;
	c.seg = &syn;
	KUNIT_EXPECT_EQ(test, verdict_of(ctx, &c), NF_ACCEPT);
	s.seg = &synack;
	KUNIT_EXPECT_EQ(test, verdict_of(ctx, &s), NF_ACCEPT);
	c.seg = &ack;
	KUNIT_EXPECT_EQ(test, queued_of(ctx, &c, 3), 0U);

	cdata.seg = &data;
	cdata.payload = data.payload;
	sdata.seg = &data;
	sdata.payload = data.payload;
	KUNIT_EXPECT_EQ(test, queued_of(ctx, &cdata, 3), 3U);
	s.seg = &ack;
	KUNIT_EXPECT_EQ(test, queued_of(ctx, &s, 2), 0U);
	KUNIT_EXPECT_EQ(test, queued_of(ctx, &sdata, 6), 4U);
	KUNIT_EXPECT_EQ(test, queued_of(ctx, &cdata, 3), 1U);
	KUNIT_EXPECT_EQ(test, stat_queued(ctx), 8ULL);

	/* Every packet was accounted, queued or not. */
	flow = flow_of(ctx, &c);
	KUNIT_ASSERT_NOT_NULL(test, flow);
	KUNIT_EXPECT_EQ(test, flow->dir[FLOWMESH_DIR_TX].packets, 10ULL);
	KUNIT_EXPECT_EQ(test, flow->dir[FLOWMESH_DIR_RX].packets, 9ULL);
	KUNIT_EXPECT_EQ(test, flow->sampled, (u8)FLOWMESH_SAMPLED_DETECT);
}

static void queue_udp_payload_only(struct kunit *test)
{
	struct queue_ctx *ctx = test->priv;
	struct flowmesh_pkt q = pkt_v4(IPPROTO_UDP, CLIENT, 5353, SERVER, 53,
				       40);
	struct flowmesh_pkt r = pkt_v4(IPPROTO_UDP, SERVER, 53, CLIENT, 5353,
				       120);
	struct flowmesh_pkt empty = q;

	empty.payload = 0;
	KUNIT_EXPECT_EQ(test, queued_of(ctx, &empty, 2), 0U);
	KUNIT_EXPECT_EQ(test, queued_of(ctx, &q, 5), 4U);
	KUNIT_EXPECT_EQ(test, queued_of(ctx, &r, 5), 4U);
	KUNIT_EXPECT_EQ(test, stat_queued(ctx), 8ULL);
}

static void queue_off_when_detect_packets_zero(struct kunit *test)
{
	struct queue_ctx *ctx = test->priv;
	struct flowmesh_pkt a = pkt_v4(IPPROTO_UDP, CLIENT, 1000, SERVER, 53,
				       40);
	struct flowmesh_pkt b = pkt_v4(IPPROTO_UDP, CLIENT, 1001, SERVER, 53,
				       40);

	ctx->cfg.detect_packets = 0;
	KUNIT_EXPECT_EQ(test, queued_of(ctx, &a, 3), 0U);
	KUNIT_EXPECT_EQ(test, flow_of(ctx, &a)->sampled, 0);

	/* Switching detection off also stops flows chosen before. */
	ctx->cfg.detect_packets = 4;
	KUNIT_EXPECT_EQ(test, queued_of(ctx, &b, 1), 1U);
	ctx->cfg.detect_packets = 0;
	KUNIT_EXPECT_EQ(test, queued_of(ctx, &b, 3), 0U);
}

static void queue_opaque_port_never(struct kunit *test)
{
	struct queue_ctx *ctx = test->priv;
	struct flowmesh_pkt c = pkt_v4(IPPROTO_TCP, CLIENT, 40000, SERVER, 6379,
				       50);
	struct flowmesh_pkt s = pkt_v4(IPPROTO_TCP, SERVER, 6379, CLIENT, 40000,
				       50);
	struct flowmesh_flow *flow;

	ports_add(&ctx->cfg.opaque, 6379);
	ctx->cfg.inspect_one_in = 1;
	s.client_side = !s.src_side;
	KUNIT_EXPECT_EQ(test, queued_of(ctx, &c, 10), 0U);
	KUNIT_EXPECT_EQ(test, queued_of(ctx, &s, 10), 0U);
	flow = flow_of(ctx, &c);
	KUNIT_ASSERT_NOT_NULL(test, flow);	/* tracked all the same */
	KUNIT_EXPECT_EQ(test, flow->sampled, 0);
	KUNIT_EXPECT_EQ(test, flow->dir[FLOWMESH_DIR_TX].packets, 10ULL);
	KUNIT_EXPECT_EQ(test, flow->dir[FLOWMESH_DIR_RX].packets, 10ULL);
	KUNIT_EXPECT_EQ(test, stat_queued(ctx), 0ULL);

	/* Skip ports, unlike opaque ones, are not tracked at all. */
	ports_add(&ctx->cfg.skip, 9100);
	KUNIT_EXPECT_TRUE(test, flowmesh_config_skips(&ctx->cfg, htons(40000),
						      htons(9100)));
	KUNIT_EXPECT_FALSE(test, flowmesh_config_skips(&ctx->cfg, htons(6379),
						       htons(40000)));
	KUNIT_EXPECT_TRUE(test, flowmesh_config_opaque(&ctx->cfg, htons(40000),
						       htons(6379)));
}

/* A port made opaque stops the flows already chosen on it at once. */
static void queue_opaque_port_added_later(struct kunit *test)
{
	struct queue_ctx *ctx = test->priv;
	struct flowmesh_pkt p = pkt_v4(IPPROTO_UDP, CLIENT, 5353, SERVER, 53,
				       40);

	KUNIT_EXPECT_EQ(test, queued_of(ctx, &p, 1), 1U);
	ports_add(&ctx->cfg.opaque, 53);
	KUNIT_EXPECT_EQ(test, queued_of(ctx, &p, 3), 0U);
	KUNIT_EXPECT_EQ(test, flow_of(ctx, &p)->sampled,
			(u8)FLOWMESH_SAMPLED_DETECT);
	/* The packets it held back did not use up its budget. */
	KUNIT_EXPECT_EQ(test, flow_of(ctx, &p)->detect_left[FLOWMESH_DIR_TX], 3);
}

/* Like the hook, with a label given as SET_LABEL would. */
static int label(struct queue_ctx *ctx, const struct flowmesh_pkt *p,
		 int proto, u32 flags)
{
	int err;

	rcu_read_lock();
	err = flowmesh_flow_label(&ctx->table, &p->key, proto, flags, NULL);
	rcu_read_unlock();
	return err;
}

static void queue_label_done_stops_detection(struct kunit *test)
{
	struct queue_ctx *ctx = test->priv;
	struct flowmesh_pkt p = pkt_v4(IPPROTO_UDP, CLIENT, 5353, SERVER, 53,
				       40);
	struct flowmesh_record rec;
	struct flowmesh_stats s;

	KUNIT_EXPECT_EQ(test, queued_of(ctx, &p, 2), 2U);
	KUNIT_EXPECT_EQ(test, label(ctx, &p, FLOWMESH_L7_DNS,
				    FLOWMESH_LABEL_DONE), 0);
	KUNIT_EXPECT_EQ(test, queued_of(ctx, &p, 3), 0U);
	flowmesh_flow_record(flow_of(ctx, &p), FLOWMESH_REC_UPDATE, 0, 1000,
			     &rec);
	KUNIT_EXPECT_EQ(test, rec.l7_proto, FLOWMESH_L7_DNS);
	KUNIT_EXPECT_EQ(test, rec.l7_flags, FLOWMESH_LABEL_DONE);
	KUNIT_EXPECT_EQ(test, rec.sampled, FLOWMESH_SAMPLED_DETECT);
	KUNIT_EXPECT_EQ(test, rec.tx_packets, 5ULL);

	/* A later label keeps the flags and, without a protocol, the name. */
	KUNIT_EXPECT_EQ(test, label(ctx, &p, -1, 0), 0);
	KUNIT_EXPECT_EQ(test, flow_of(ctx, &p)->l7_proto, FLOWMESH_L7_DNS);
	KUNIT_EXPECT_EQ(test, flow_of(ctx, &p)->l7_flags, FLOWMESH_LABEL_DONE);
	flowmesh_table_stats(&ctx->table, &s);
	KUNIT_EXPECT_EQ(test, s.labels_set, 2ULL);
}

static void queue_inspected_until_stop(struct kunit *test)
{
	struct queue_ctx *ctx = test->priv;
	struct flowmesh_pkt p = pkt_v4(IPPROTO_TCP, CLIENT, 40000, SERVER, 80,
				       100);

	ctx->cfg.inspect_one_in = 1;
	/* an inspected flow's packets go to the inspection queues */
	KUNIT_EXPECT_EQ(test, verdict_of(ctx, &p),
			NF_QUEUE_NR(QUEUE_NUM +
				    FLOWMESH_QUEUE_INSPECT_TO_SERVER) |
			NF_VERDICT_FLAG_QUEUE_BYPASS);
	KUNIT_EXPECT_EQ(test, queued_of(ctx, &p, 9), 9U);
	KUNIT_EXPECT_EQ(test, flow_of(ctx, &p)->sampled,
			FLOWMESH_SAMPLED_DETECT | FLOWMESH_SAMPLED_INSPECT);
	/* DONE ends detection only: an inspected flow goes on. */
	KUNIT_EXPECT_EQ(test, label(ctx, &p, FLOWMESH_L7_HTTP,
				    FLOWMESH_LABEL_DONE), 0);
	KUNIT_EXPECT_EQ(test, queued_of(ctx, &p, 5), 5U);
	KUNIT_EXPECT_EQ(test, label(ctx, &p, -1, FLOWMESH_LABEL_STOP), 0);
	KUNIT_EXPECT_EQ(test, queued_of(ctx, &p, 5), 0U);
	KUNIT_EXPECT_EQ(test, stat_queued(ctx), 15ULL);
}

static void queue_label_stop_ends_detection(struct kunit *test)
{
	struct queue_ctx *ctx = test->priv;
	struct flowmesh_pkt p = pkt_v4(IPPROTO_UDP, CLIENT, 5353, SERVER, 53,
				       40);

	KUNIT_EXPECT_EQ(test, queued_of(ctx, &p, 1), 1U);
	KUNIT_EXPECT_EQ(test, label(ctx, &p, -1, FLOWMESH_LABEL_STOP), 0);
	KUNIT_EXPECT_EQ(test, queued_of(ctx, &p, 3), 0U);
}

static void queue_label_unknown_flow(struct kunit *test)
{
	struct queue_ctx *ctx = test->priv;
	struct flowmesh_pkt p = pkt_v4(IPPROTO_UDP, CLIENT, 5353, SERVER, 53,
				       40);
	struct flowmesh_pkt other = pkt_v4(IPPROTO_TCP, CLIENT, 5353, SERVER,
					   53, 40);
	struct netlink_ext_ack extack = {};
	struct flowmesh_stats s;
	int err;

	queued_of(ctx, &p, 1);
	rcu_read_lock();
	err = flowmesh_flow_label(&ctx->table, &other.key, FLOWMESH_L7_DNS, 0,
				  &extack);
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, err, -ENOENT);
	KUNIT_EXPECT_STREQ(test, extack._msg, "no such flow");
	flowmesh_table_stats(&ctx->table, &s);
	KUNIT_EXPECT_EQ(test, s.labels_set, 0ULL);
}

/* 1 in M of many flows, within 5 standard deviations. */
static void queue_inspects_one_in_m(struct kunit *test)
{
	struct queue_ctx *ctx = test->priv;
	const unsigned int flows = 20000, m = 10;
	unsigned int i, chosen = 0, all = 0, none = 0;

	for (i = 0; i < flows; i++) {
		struct flowmesh_pkt p = pkt_v4(IPPROTO_TCP, CLIENT + i / 1000,
					       32768 + i % 1000, SERVER, 443,
					       0);

		chosen += flowmesh_table_inspects(&ctx->table, &p.key, m);
		all += flowmesh_table_inspects(&ctx->table, &p.key, 1);
		none += flowmesh_table_inspects(&ctx->table, &p.key, 0);
	}
	/* mean 2000, standard deviation sqrt(20000 * 0.1 * 0.9) = 42 */
	KUNIT_EXPECT_GE(test, chosen, 2000U - 5 * 42);
	KUNIT_EXPECT_LE(test, chosen, 2000U + 5 * 42);
	KUNIT_EXPECT_EQ(test, all, flows);
	KUNIT_EXPECT_EQ(test, none, 0U);
}

static struct kunit_case queue_cases[] = {
	KUNIT_CASE(queue_verdict_has_number_and_bypass),
	KUNIT_CASE(queue_tcp_detect_budget_per_direction),
	KUNIT_CASE(queue_udp_payload_only),
	KUNIT_CASE(queue_off_when_detect_packets_zero),
	KUNIT_CASE(queue_opaque_port_never),
	KUNIT_CASE(queue_opaque_port_added_later),
	KUNIT_CASE(queue_label_done_stops_detection),
	KUNIT_CASE(queue_inspected_until_stop),
	KUNIT_CASE(queue_label_stop_ends_detection),
	KUNIT_CASE(queue_label_unknown_flow),
	KUNIT_CASE(queue_inspects_one_in_m),
	{}
};

static struct kunit_suite queue_suite = {
	.name = "flowmesh_l7_queue",
	.init = queue_test_init,
	.exit = queue_test_exit,
	.test_cases = queue_cases,
};

kunit_test_suite(queue_suite);
