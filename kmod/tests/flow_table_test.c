// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the flow table accounts, bounds, evicts, expires and flushes
 * flows, and a flow's packets update its counters, state, RTT and response
 * time and emit the records they should.
 */
#include <kunit/test.h>
#include <net/tcp.h>
#include "flowmesh.h"

struct table_ctx {
	struct flowmesh_table table;	/* first: tests use priv as the table */
	struct flowmesh_rings rings;
	struct flowmesh_config cfg;
	unsigned int removed;
};

static void no_notify(struct flowmesh_rings *rings)
{
}

static void count_removed(struct flowmesh_table *t, struct flowmesh_flow *f)
{
	container_of(t, struct table_ctx, table)->removed++;
}

static int table_test_init(struct kunit *test)
{
	struct table_ctx *ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	int err;

	if (!ctx)
		return -ENOMEM;
	test->priv = ctx;
	err = flowmesh_rings_init(&ctx->rings, 64, no_notify);
	if (err)
		return err;
	err = flowmesh_table_init(&ctx->table, 64, "flowmesh_test_flow");
	if (err) {
		flowmesh_rings_destroy(&ctx->rings);
		return err;
	}
	ctx->table.rings = &ctx->rings;
	ctx->table.on_remove = count_removed;
	ctx->cfg.samples = FLOWMESH_SAMPLES_ALL;
	return 0;
}

static void table_test_exit(struct kunit *test)
{
	struct table_ctx *ctx = test->priv;

	flowmesh_table_destroy(&ctx->table);
	flowmesh_rings_destroy(&ctx->rings);
}

static struct flowmesh_pkt pkt_v4(struct net *net, u8 proto, u32 src,
				  u16 sport, u32 dst, u16 dport, u32 len)
{
	union nf_inet_addr s = { .ip = htonl(src) }, d = { .ip = htonl(dst) };
	struct flowmesh_pkt p = { .len = len };

	flowmesh_key_init(&p.key, &p.src_side, net, NFPROTO_IPV4, proto, &s,
			  htons(sport), &d, htons(dport));
	p.client_side = p.src_side;
	return p;
}

/* Feeds @p as the hooks would; true when its flow is tracked. */
static bool account(struct flowmesh_table *t, const struct flowmesh_pkt *p,
		    u64 now)
{
	struct table_ctx *ctx = container_of(t, struct table_ctx, table);
	bool tracked;

	rcu_read_lock();
	flowmesh_flow_packet(t, &ctx->cfg, p, now);
	tracked = flowmesh_table_lookup(t, &p->key);
	rcu_read_unlock();
	return tracked;
}

#define CLIENT 0xc6120001	/* 198.18.0.1 */
#define SERVER 0xc6120002	/* 198.18.0.2 */

static void table_counts_each_direction(struct kunit *test)
{
	struct flowmesh_table *t = test->priv;
	struct flowmesh_pkt req = pkt_v4(&init_net, IPPROTO_TCP, CLIENT, 40000,
					 SERVER, 80, 60);
	struct flowmesh_pkt rsp = pkt_v4(&init_net, IPPROTO_TCP, SERVER, 80,
					 CLIENT, 40000, 1500);
	struct flowmesh_flow *flow;
	struct flowmesh_stats s;

	rsp.client_side = !rsp.src_side;	/* as the hook would decide */
	KUNIT_ASSERT_TRUE(test, account(t, &req, 1000));
	KUNIT_ASSERT_TRUE(test, account(t, &rsp, 2000));
	KUNIT_ASSERT_TRUE(test, account(t, &rsp, 3000));

	rcu_read_lock();
	flow = flowmesh_table_lookup(t, &req.key);
	KUNIT_ASSERT_NOT_NULL(test, flow);
	KUNIT_EXPECT_EQ(test, flow->client_side, req.src_side);
	KUNIT_EXPECT_EQ(test, flow->dir[FLOWMESH_DIR_TX].packets, 1ULL);
	KUNIT_EXPECT_EQ(test, flow->dir[FLOWMESH_DIR_TX].bytes, 60ULL);
	KUNIT_EXPECT_EQ(test, flow->dir[FLOWMESH_DIR_RX].packets, 2ULL);
	KUNIT_EXPECT_EQ(test, flow->dir[FLOWMESH_DIR_RX].bytes, 3000ULL);
	KUNIT_EXPECT_EQ(test, flow->first_ns, 1000ULL);
	KUNIT_EXPECT_EQ(test, flow->last_ns, 3000ULL);
	rcu_read_unlock();

	KUNIT_EXPECT_EQ(test, atomic_read(&t->count), 1);
	flowmesh_table_stats(t, &s);
	KUNIT_EXPECT_EQ(test, s.created, 1ULL);
}

static void table_first_sender_stays_client(struct kunit *test)
{
	struct flowmesh_table *t = test->priv;
	struct flowmesh_pkt first = pkt_v4(&init_net, IPPROTO_UDP, SERVER, 53,
					   CLIENT, 5353, 100);
	struct flowmesh_pkt second = pkt_v4(&init_net, IPPROTO_UDP, CLIENT,
					    5353, SERVER, 53, 40);
	struct flowmesh_flow *flow;

	/* The reply claims to be the client: the existing flow decides. */
	KUNIT_ASSERT_TRUE(test, account(t, &first, 1));
	KUNIT_ASSERT_TRUE(test, account(t, &second, 2));
	rcu_read_lock();
	flow = flowmesh_table_lookup(t, &first.key);
	KUNIT_ASSERT_NOT_NULL(test, flow);
	KUNIT_EXPECT_EQ(test, flow->dir[FLOWMESH_DIR_TX].bytes, 100ULL);
	KUNIT_EXPECT_EQ(test, flow->dir[FLOWMESH_DIR_RX].bytes, 40ULL);
	rcu_read_unlock();
}

static void table_full_is_counted(struct kunit *test)
{
	struct flowmesh_table *t = test->priv;
	struct flowmesh_pkt p;
	struct flowmesh_stats s;
	unsigned int i, tracked = 0;

	for (i = 0; i < 100; i++) {
		p = pkt_v4(&init_net, IPPROTO_UDP, CLIENT, 1000 + i, SERVER,
			   53, 80);
		tracked += account(t, &p, i);
	}
	KUNIT_EXPECT_EQ(test, tracked, 64U);
	KUNIT_EXPECT_EQ(test, atomic_read(&t->count), 64);
	flowmesh_table_stats(t, &s);
	KUNIT_EXPECT_EQ(test, s.created, 64ULL);
	KUNIT_EXPECT_EQ(test, s.untracked, 36ULL);

	/* Flows already in the table still count their packets. */
	p = pkt_v4(&init_net, IPPROTO_UDP, CLIENT, 1000, SERVER, 53, 80);
	KUNIT_EXPECT_TRUE(test, account(t, &p, 1000));
	flowmesh_table_stats(t, &s);
	KUNIT_EXPECT_EQ(test, s.untracked, 36ULL);
}

static void table_every_flow_found(struct kunit *test)
{
	struct flowmesh_table *t = test->priv;
	struct flowmesh_pkt p;
	unsigned int i;

	for (i = 0; i < 64; i++) {
		p = pkt_v4(&init_net, IPPROTO_TCP, CLIENT + i, 40000,
			   SERVER, 443, 52);
		KUNIT_ASSERT_TRUE(test, account(t, &p, 1));
	}
	rcu_read_lock();
	for (i = 0; i < 64; i++) {
		p = pkt_v4(&init_net, IPPROTO_TCP, SERVER, 443, CLIENT + i,
			   40000, 52);
		KUNIT_EXPECT_NOT_NULL(test, flowmesh_table_lookup(t, &p.key));
	}
	p = pkt_v4(&init_net, IPPROTO_TCP, CLIENT + 64, 40000, SERVER, 443, 52);
	KUNIT_EXPECT_NULL(test, flowmesh_table_lookup(t, &p.key));
	rcu_read_unlock();
}

#define SEC 1000000000ULL

static struct flowmesh_flow *find(struct flowmesh_table *t,
				  const struct flowmesh_pkt *p);
static unsigned int take_all(struct table_ctx *ctx, struct flowmesh_record *out,
			     unsigned int max);

static const struct flowmesh_timeouts test_timeouts = {
	.tcp = {
		[FLOWMESH_STATE_OPEN] = 60,
		[FLOWMESH_STATE_ESTABLISHED] = 7200,
		[FLOWMESH_STATE_CLOSING] = 120,
		[FLOWMESH_STATE_CLOSED] = 10,
	},
	.udp = 5,
	.update_interval = 0,
};

static void table_expires_idle_flows(struct kunit *test)
{
	struct flowmesh_table *t = test->priv;
	struct flowmesh_pkt old = pkt_v4(&init_net, IPPROTO_UDP, CLIENT, 1,
					 SERVER, 2, 10);
	struct flowmesh_pkt fresh = pkt_v4(&init_net, IPPROTO_UDP, CLIENT, 3,
					   SERVER, 4, 10);
	struct flowmesh_stats s;

	account(t, &old, 1 * SEC);
	account(t, &fresh, 9 * SEC);
	KUNIT_EXPECT_EQ(test, flowmesh_table_gc(t, &test_timeouts, 10 * SEC),
			1U);
	KUNIT_EXPECT_EQ(test, atomic_read(&t->count), 1);
	rcu_read_lock();
	KUNIT_EXPECT_NULL(test, flowmesh_table_lookup(t, &old.key));
	KUNIT_EXPECT_NOT_NULL(test, flowmesh_table_lookup(t, &fresh.key));
	rcu_read_unlock();
	flowmesh_table_stats(t, &s);
	KUNIT_EXPECT_EQ(test, s.expired, 1ULL);

	/* A slot freed by expiry takes a new flow. */
	KUNIT_EXPECT_TRUE(test, account(t, &old, 11 * SEC));
}

static void table_timeout_follows_tcp_state(struct kunit *test)
{
	struct flowmesh_table *t = test->priv;
	struct flowmesh_pkt up = pkt_v4(&init_net, IPPROTO_TCP, CLIENT, 1,
					SERVER, 2, 60);
	struct flowmesh_pkt done = pkt_v4(&init_net, IPPROTO_TCP, CLIENT, 3,
					  SERVER, 4, 60);

	account(t, &up, 0);
	account(t, &done, 0);
	WRITE_ONCE(find(t, &up)->state, FLOWMESH_STATE_ESTABLISHED);
	WRITE_ONCE(find(t, &done)->state, FLOWMESH_STATE_CLOSED);
	/* 11 s idle: past the closed timeout, far from the established one. */
	KUNIT_EXPECT_EQ(test, flowmesh_table_gc(t, &test_timeouts, 11 * SEC),
			1U);
	KUNIT_EXPECT_NOT_NULL(test, find(t, &up));
	KUNIT_EXPECT_NULL(test, find(t, &done));
	KUNIT_EXPECT_EQ(test, flowmesh_table_gc(t, &test_timeouts, 7201 * SEC),
			1U);
	KUNIT_EXPECT_NULL(test, find(t, &up));
}

static void table_gc_emits_updates_for_active_flows(struct kunit *test)
{
	struct table_ctx *ctx = test->priv;
	struct flowmesh_timeouts timeouts = test_timeouts;
	struct flowmesh_pkt idle = pkt_v4(&init_net, IPPROTO_UDP, CLIENT, 1,
					  SERVER, 2, 10);
	struct flowmesh_pkt busy = pkt_v4(&init_net, IPPROTO_UDP, CLIENT, 3,
					  SERVER, 4, 10);
	struct flowmesh_record *recs = kunit_kcalloc(test, 8, sizeof(*recs),
						       GFP_KERNEL);
	unsigned int n;

	KUNIT_ASSERT_NOT_NULL(test, recs);
	timeouts.udp = 600;
	timeouts.update_interval = 10;
	account(&ctx->table, &idle, 0);
	account(&ctx->table, &busy, 0);
	account(&ctx->table, &busy, 4 * SEC);
	KUNIT_ASSERT_EQ(test, take_all(ctx, recs, 8), 2U);	/* the opens */
	/* Only the flow with packets since its last record gets an update. */
	flowmesh_table_gc(&ctx->table, &timeouts, 11 * SEC);
	n = take_all(ctx, recs, 8);
	KUNIT_ASSERT_EQ(test, n, 1U);
	KUNIT_EXPECT_EQ(test, recs[0].type, FLOWMESH_REC_UPDATE);
	KUNIT_EXPECT_EQ(test, recs[0].tx_packets, 2ULL);
	/* Nothing new since: no second update. */
	flowmesh_table_gc(&ctx->table, &timeouts, 30 * SEC);
	KUNIT_EXPECT_EQ(test, take_all(ctx, recs, 8), 0U);
}

static void table_flush_net_removes_only_that_net(struct kunit *test)
{
	struct flowmesh_table *t = test->priv;
	struct net *pod = kunit_kzalloc(test, sizeof(*pod), GFP_KERNEL);
	struct flowmesh_pkt host, mine;

	KUNIT_ASSERT_NOT_NULL(test, pod);
	host = pkt_v4(&init_net, IPPROTO_TCP, CLIENT, 1, SERVER, 2, 10);
	mine = pkt_v4(pod, IPPROTO_TCP, CLIENT, 1, SERVER, 2, 10);
	account(t, &host, 1);
	account(t, &mine, 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&t->count), 2);
	KUNIT_EXPECT_EQ(test, flowmesh_table_flush_net(t, pod), 1U);
	KUNIT_EXPECT_EQ(test, ((struct table_ctx *)test->priv)->removed, 1U);
	rcu_read_lock();
	KUNIT_EXPECT_NOT_NULL(test, flowmesh_table_lookup(t, &host.key));
	KUNIT_EXPECT_NULL(test, flowmesh_table_lookup(t, &mine.key));
	rcu_read_unlock();
}

static struct flowmesh_flow *find(struct flowmesh_table *t,
				  const struct flowmesh_pkt *p)
{
	struct flowmesh_flow *flow;

	rcu_read_lock();
	flow = flowmesh_table_lookup(t, &p->key);
	rcu_read_unlock();
	return flow;	/* tests own the table: no concurrent removal */
}

static void table_evicts_closed_flow_when_full(struct kunit *test)
{
	struct table_ctx *ctx = test->priv;
	struct flowmesh_table *t = &ctx->table;
	struct flowmesh_pkt p, closed;
	struct flowmesh_stats s;
	unsigned int i;

	for (i = 0; i < 64; i++) {
		p = pkt_v4(&init_net, IPPROTO_UDP, CLIENT, 1000 + i, SERVER,
			   53, 80);
		KUNIT_ASSERT_TRUE(test, account(t, &p, i));
	}
	/* Nothing closed: a new flow is not tracked. */
	p = pkt_v4(&init_net, IPPROTO_UDP, CLIENT, 5000, SERVER, 53, 80);
	KUNIT_EXPECT_FALSE(test, account(t, &p, 100));

	/* A closed flow of the new flow's bucket gives up its place. */
	for (i = 0; i < 64; i++) {
		closed = pkt_v4(&init_net, IPPROTO_UDP, CLIENT, 1000 + i,
				SERVER, 53, 80);
		WRITE_ONCE(find(t, &closed)->state, FLOWMESH_STATE_CLOSED);
	}
	for (i = 5001; i < 6000; i++) {
		u32 b;

		p = pkt_v4(&init_net, IPPROTO_UDP, CLIENT, i, SERVER, 53, 80);
		b = flowmesh_key_hash(&p.key, t->seed) >> (32 - t->bucket_bits);
		if (!hlist_empty(&t->buckets[b]))
			break;
	}
	KUNIT_EXPECT_TRUE(test, account(t, &p, 200));
	flowmesh_table_stats(t, &s);
	KUNIT_EXPECT_EQ(test, s.evicted, 1ULL);
	KUNIT_EXPECT_EQ(test, s.untracked, 1ULL);
	KUNIT_EXPECT_EQ(test, atomic_read(&t->count), 64);
	KUNIT_EXPECT_EQ(test, ctx->removed, 1U);
}

/* Takes every queued record of this CPU's ring. */
static unsigned int take_all(struct table_ctx *ctx, struct flowmesh_record *out,
			     unsigned int max)
{
	unsigned int n = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		n += flowmesh_ring_take(&ctx->rings, cpu, out + n, max - n);
	return n;
}

static void flow_udp_exchange_records(struct kunit *test)
{
	struct table_ctx *ctx = test->priv;
	struct flowmesh_table *t = &ctx->table;
	struct flowmesh_pkt req = pkt_v4(&init_net, IPPROTO_UDP, CLIENT, 5353,
					 SERVER, 53, 128);
	struct flowmesh_pkt rsp = pkt_v4(&init_net, IPPROTO_UDP, SERVER, 53,
					 CLIENT, 5353, 228);
	struct flowmesh_record *recs = kunit_kcalloc(test, 8, sizeof(*recs),
						       GFP_KERNEL);
	struct flowmesh_flow *flow;
	unsigned int n;

	req.payload = 100;
	rsp.payload = 200;
	account(t, &req, 1000000);
	flow = find(t, &req);
	KUNIT_ASSERT_NOT_NULL(test, flow);
	KUNIT_EXPECT_EQ(test, flow->state, FLOWMESH_STATE_OPEN);
	account(t, &rsp, 4000000);
	KUNIT_EXPECT_EQ(test, flow->state, FLOWMESH_STATE_ESTABLISHED);
	KUNIT_EXPECT_EQ(test, flow->response.count, 1U);
	KUNIT_EXPECT_EQ(test, flow->response.last_us, 3000U);

	KUNIT_ASSERT_NOT_NULL(test, recs);
	n = take_all(ctx, recs, 8);
	KUNIT_ASSERT_EQ(test, n, 2U);
	KUNIT_EXPECT_EQ(test, recs[0].type, FLOWMESH_REC_OPEN);
	KUNIT_EXPECT_EQ(test, recs[0].tx_packets, 1ULL);
	KUNIT_EXPECT_EQ(test, recs[0].client_port, 5353);
	KUNIT_EXPECT_EQ(test, recs[0].server_port, 53);
	KUNIT_EXPECT_EQ(test, recs[0].family, AF_INET);
	KUNIT_EXPECT_EQ(test, recs[0].netns, init_net.ns.inum);
	KUNIT_EXPECT_EQ(test, memcmp(recs[0].client, &req.key.addr[req.src_side], 4), 0);
	KUNIT_EXPECT_EQ(test, recs[1].type, FLOWMESH_REC_RESPONSE);
	KUNIT_EXPECT_EQ(test, recs[1].value_us, 3000U);
	KUNIT_EXPECT_EQ(test, recs[1].flow_id, recs[0].flow_id);
	KUNIT_EXPECT_EQ(test, recs[1].rx_bytes, 228ULL);
	KUNIT_EXPECT_EQ(test, recs[1].response_count, 1U);
	KUNIT_EXPECT_EQ(test, recs[1].state, FLOWMESH_STATE_ESTABLISHED);
}

static void flow_samples_can_be_disabled(struct kunit *test)
{
	struct table_ctx *ctx = test->priv;
	struct flowmesh_pkt req = pkt_v4(&init_net, IPPROTO_UDP, CLIENT, 5353,
					 SERVER, 53, 128);
	struct flowmesh_pkt rsp = pkt_v4(&init_net, IPPROTO_UDP, SERVER, 53,
					 CLIENT, 5353, 228);
	struct flowmesh_record *recs = kunit_kcalloc(test, 8, sizeof(*recs),
						       GFP_KERNEL);

	ctx->cfg.samples = 0;
	req.payload = 100;
	rsp.payload = 200;
	account(&ctx->table, &req, 1000);
	account(&ctx->table, &rsp, 2000);
	KUNIT_ASSERT_NOT_NULL(test, recs);
	KUNIT_ASSERT_EQ(test, take_all(ctx, recs, 8), 1U);
	KUNIT_EXPECT_EQ(test, recs[0].type, FLOWMESH_REC_OPEN);
	/* The flow still measures; only the sample records are off. */
	KUNIT_EXPECT_EQ(test, find(&ctx->table, &req)->response.count, 1U);
}

static void flow_tcp_handshake_through_packets(struct kunit *test)
{
	struct table_ctx *ctx = test->priv;
	struct flowmesh_table *t = &ctx->table;
	struct flowmesh_tcp_seg syn = { .seq = 1000, .flags = TCPHDR_SYN,
					.window = 64240 };
	struct flowmesh_tcp_seg synack = { .seq = 5000, .ack_seq = 1001,
					   .flags = TCPHDR_SYN | TCPHDR_ACK,
					   .window = 65160 };
	struct flowmesh_tcp_seg ack = { .seq = 1001, .ack_seq = 5001,
					.flags = TCPHDR_ACK, .window = 502 };
	struct flowmesh_pkt c = pkt_v4(&init_net, IPPROTO_TCP, CLIENT, 40000,
				       SERVER, 443, 60);
	struct flowmesh_pkt s = pkt_v4(&init_net, IPPROTO_TCP, SERVER, 443,
				       CLIENT, 40000, 60);
	struct flowmesh_flow *flow;

	c.seg = &syn;
	account(t, &c, 0);
	flow = find(t, &c);
	KUNIT_ASSERT_NOT_NULL(test, flow);
	KUNIT_EXPECT_EQ(test, flow->state, FLOWMESH_STATE_OPEN);
	s.seg = &synack;
	account(t, &s, 2000000);
	c.seg = &ack;
	account(t, &c, 3000000);
	KUNIT_EXPECT_EQ(test, flow->state, FLOWMESH_STATE_ESTABLISHED);
	KUNIT_EXPECT_EQ(test, flowmesh_tcp_flow(flow)->tcp.hs_server_us, 2000U);
	KUNIT_EXPECT_EQ(test, flowmesh_tcp_flow(flow)->tcp.hs_client_us, 1000U);
	KUNIT_EXPECT_EQ(test, flow->dir[FLOWMESH_DIR_TX].packets, 2ULL);
	KUNIT_EXPECT_EQ(test, flow->dir[FLOWMESH_DIR_RX].packets, 1ULL);
}

/*
 * TCP flows carry TCP tracking and RTT after the common part, in their own
 * cache; UDP flows have neither and report no RTT.
 */
static void flow_tcp_rtt_in_tcp_part(struct kunit *test)
{
	struct table_ctx *ctx = test->priv;
	struct flowmesh_table *t = &ctx->table;
	struct flowmesh_tcp_seg c1 = { .seq = 1001, .ack_seq = 5001,
				       .payload = 100, .flags = TCPHDR_ACK,
				       .window = 502, .has_ts = true,
				       .tsval = 10, .tsecr = 1 };
	struct flowmesh_tcp_seg s1 = { .seq = 5001, .ack_seq = 1101,
				       .payload = 100, .flags = TCPHDR_ACK,
				       .window = 502, .has_ts = true,
				       .tsval = 20, .tsecr = 10 };
	struct flowmesh_tcp_seg c2 = { .seq = 1101, .ack_seq = 5101,
				       .payload = 100, .flags = TCPHDR_ACK,
				       .window = 502, .has_ts = true,
				       .tsval = 11, .tsecr = 20 };
	struct flowmesh_pkt c = pkt_v4(&init_net, IPPROTO_TCP, CLIENT, 40000,
				       SERVER, 443, 152);
	struct flowmesh_pkt s = pkt_v4(&init_net, IPPROTO_TCP, SERVER, 443,
				       CLIENT, 40000, 152);
	struct flowmesh_pkt u = pkt_v4(&init_net, IPPROTO_UDP, CLIENT, 5353,
				       SERVER, 53, 128);
	struct flowmesh_record *recs = kunit_kcalloc(test, 8, sizeof(*recs),
						       GFP_KERNEL);
	struct flowmesh_tcp_flow *tf;
	struct flowmesh_flow *flow;
	unsigned int n;

	KUNIT_ASSERT_NOT_NULL(test, recs);
	c.payload = c1.payload;
	s.payload = s1.payload;
	/* Client half 2 ms (c1 -> s1), server half 1 ms (s1 -> c2). */
	c.seg = &c1;
	account(t, &c, 1000000);
	s.seg = &s1;
	account(t, &s, 3000000);
	c.seg = &c2;
	account(t, &c, 4000000);
	flow = find(t, &c);
	KUNIT_ASSERT_NOT_NULL(test, flow);
	KUNIT_EXPECT_PTR_EQ(test, flow->cache, t->tcp_cache);
	tf = flowmesh_tcp_flow(flow);
	KUNIT_EXPECT_EQ(test, tf->rtt.count, 1U);
	KUNIT_EXPECT_EQ(test, tf->rtt.last_us, 3000U);
	KUNIT_EXPECT_EQ(test, tf->tcp.dir[FLOWMESH_DIR_TX].flags, TCPHDR_ACK);
	KUNIT_EXPECT_EQ(test, flow->response.last_us, 2000U);

	n = take_all(ctx, recs, 8);
	KUNIT_ASSERT_EQ(test, n, 3U);
	KUNIT_EXPECT_EQ(test, recs[2].type, FLOWMESH_REC_RTT);
	KUNIT_EXPECT_EQ(test, recs[2].value_us, 3000U);
	KUNIT_EXPECT_EQ(test, recs[2].rtt_samples, 1U);
	KUNIT_EXPECT_EQ(test, recs[2].rtt_min_us, 3000U);
	KUNIT_EXPECT_EQ(test, recs[2].rtt_sum_us, 3000ULL);

	u.payload = 100;
	account(t, &u, 5000000);
	flow = find(t, &u);
	KUNIT_ASSERT_NOT_NULL(test, flow);
	KUNIT_EXPECT_PTR_EQ(test, flow->cache, t->cache);
	KUNIT_ASSERT_EQ(test, take_all(ctx, recs, 8), 1U);
	KUNIT_EXPECT_EQ(test, recs[0].type, FLOWMESH_REC_OPEN);
	KUNIT_EXPECT_EQ(test, recs[0].rtt_samples, 0U);
	KUNIT_EXPECT_EQ(test, recs[0].rtt_sum_us, 0ULL);
}

static struct kunit_case flow_table_cases[] = {
	KUNIT_CASE(table_counts_each_direction),
	KUNIT_CASE(table_first_sender_stays_client),
	KUNIT_CASE(table_full_is_counted),
	KUNIT_CASE(table_every_flow_found),
	KUNIT_CASE(table_expires_idle_flows),
	KUNIT_CASE(table_timeout_follows_tcp_state),
	KUNIT_CASE(table_gc_emits_updates_for_active_flows),
	KUNIT_CASE(table_flush_net_removes_only_that_net),
	KUNIT_CASE(table_evicts_closed_flow_when_full),
	KUNIT_CASE(flow_udp_exchange_records),
	KUNIT_CASE(flow_samples_can_be_disabled),
	KUNIT_CASE(flow_tcp_handshake_through_packets),
	KUNIT_CASE(flow_tcp_rtt_in_tcp_part),
	{}
};

static struct kunit_suite flow_table_suite = {
	.name = "flowmesh_flow_table",
	.init = table_test_init,
	.exit = table_test_exit,
	.test_cases = flow_table_cases,
};

kunit_test_suite(flow_table_suite);
