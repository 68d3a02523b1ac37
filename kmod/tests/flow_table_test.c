// SPDX-License-Identifier: GPL-2.0
/* KUnit: the flow table accounts, bounds, expires and flushes flows. */
#include <kunit/test.h>
#include "flow_table.h"

struct table_ctx {
	struct flowmesh_table table;
};

static int table_test_init(struct kunit *test)
{
	struct table_ctx *ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);

	if (!ctx)
		return -ENOMEM;
	test->priv = ctx;
	return flowmesh_table_init(&ctx->table, 64, "flowmesh_test_flow");
}

static void table_test_exit(struct kunit *test)
{
	struct table_ctx *ctx = test->priv;

	flowmesh_table_destroy(&ctx->table);
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

static bool account(struct flowmesh_table *t, const struct flowmesh_pkt *p,
		    u64 now)
{
	bool tracked;

	rcu_read_lock();
	tracked = flowmesh_table_account(t, p, now);
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

static void table_expires_idle_flows(struct kunit *test)
{
	struct flowmesh_table *t = test->priv;
	struct flowmesh_pkt old = pkt_v4(&init_net, IPPROTO_UDP, CLIENT, 1,
					 SERVER, 2, 10);
	struct flowmesh_pkt fresh = pkt_v4(&init_net, IPPROTO_UDP, CLIENT, 3,
					   SERVER, 4, 10);
	struct flowmesh_stats s;

	account(t, &old, 100);
	account(t, &fresh, 900);
	KUNIT_EXPECT_EQ(test, flowmesh_table_expire(t, 1000, 500), 1U);
	KUNIT_EXPECT_EQ(test, atomic_read(&t->count), 1);
	rcu_read_lock();
	KUNIT_EXPECT_NULL(test, flowmesh_table_lookup(t, &old.key));
	KUNIT_EXPECT_NOT_NULL(test, flowmesh_table_lookup(t, &fresh.key));
	rcu_read_unlock();
	flowmesh_table_stats(t, &s);
	KUNIT_EXPECT_EQ(test, s.expired, 1ULL);

	/* A slot freed by expiry takes a new flow. */
	KUNIT_EXPECT_TRUE(test, account(t, &old, 1100));
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
	rcu_read_lock();
	KUNIT_EXPECT_NOT_NULL(test, flowmesh_table_lookup(t, &host.key));
	KUNIT_EXPECT_NULL(test, flowmesh_table_lookup(t, &mine.key));
	rcu_read_unlock();
}

static struct kunit_case flow_table_cases[] = {
	KUNIT_CASE(table_counts_each_direction),
	KUNIT_CASE(table_first_sender_stays_client),
	KUNIT_CASE(table_full_is_counted),
	KUNIT_CASE(table_every_flow_found),
	KUNIT_CASE(table_expires_idle_flows),
	KUNIT_CASE(table_flush_net_removes_only_that_net),
	{}
};

static struct kunit_suite flow_table_suite = {
	.name = "flowmesh_flow_table",
	.init = table_test_init,
	.exit = table_test_exit,
	.test_cases = flow_table_cases,
};

kunit_test_suite(flow_table_suite);
