// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: what userspace sends is checked before it is used: the policies
 * reject malformed settings and filters with a message, and a filter
 * selects exactly the flows it names.
 */
#include <kunit/test.h>
#include "config.h"
#include "flow_table.h"
#include "netlink.h"

struct msg {
	struct sk_buff *skb;
	struct nlattr *nest;
};

static void msg_start(struct kunit *test, struct msg *m, int nest_type)
{
	m->skb = nlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, m->skb);
	m->nest = nla_nest_start(m->skb, nest_type);
	KUNIT_ASSERT_NOT_NULL(test, m->nest);
}

/* Parses the config nest against the policy; returns the error. */
static int config_parse(struct kunit *test, struct msg *m,
			struct netlink_ext_ack *extack)
{
	struct nlattr *tb[FLOWMESH_CONFIG_A_MAX + 1];
	int err;

	nla_nest_end(m->skb, m->nest);
	err = nla_parse_nested(tb, FLOWMESH_CONFIG_A_MAX, m->nest,
			       flowmesh_config_policy, extack);
	kfree_skb(m->skb);
	return err;
}

static void config_policy_accepts_valid(struct kunit *test)
{
	struct netlink_ext_ack extack = {};
	u16 ports[] = { 22, 9100 };
	struct msg m;

	msg_start(test, &m, FLOWMESH_A_CONFIG);
	nla_put_u32(m.skb, FLOWMESH_CONFIG_A_MAX_FLOWS, 1000);
	nla_put_u32(m.skb, FLOWMESH_CONFIG_A_RING_SIZE, 1024);
	nla_put_u32(m.skb, FLOWMESH_CONFIG_A_TIMEOUT_UDP, 30);
	nla_put_u32(m.skb, FLOWMESH_CONFIG_A_UPDATE_INTERVAL, 0);
	nla_put_u32(m.skb, FLOWMESH_CONFIG_A_SAMPLES, FLOWMESH_SAMPLES_RTT);
	nla_put(m.skb, FLOWMESH_CONFIG_A_SKIP_PORTS, sizeof(ports), ports);
	nla_put_u32(m.skb, FLOWMESH_CONFIG_A_DETECT_PACKETS, 64);
	nla_put_u32(m.skb, FLOWMESH_CONFIG_A_INSPECT_ONE_IN, 65535);
	nla_put_u32(m.skb, FLOWMESH_CONFIG_A_QUEUE_NUM, 0);
	nla_put(m.skb, FLOWMESH_CONFIG_A_OPAQUE_PORTS, sizeof(ports), ports);
	KUNIT_EXPECT_EQ(test, config_parse(test, &m, &extack), 0);
}

struct bad_config {
	const char *what;
	int type;
	u32 value;
	int len;	/* bytes of value to send */
};

static const struct bad_config bad_configs[] = {
	{ "ring_size below 16", FLOWMESH_CONFIG_A_RING_SIZE, 8, 4 },
	{ "ring_size above 2^20", FLOWMESH_CONFIG_A_RING_SIZE, 1U << 21, 4 },
	{ "max_flows below 16", FLOWMESH_CONFIG_A_MAX_FLOWS, 1, 4 },
	{ "timeout of zero", FLOWMESH_CONFIG_A_TIMEOUT_TCP_OPEN, 0, 4 },
	{ "timeout over 30 days", FLOWMESH_CONFIG_A_TIMEOUT_UDP, 2592001, 4 },
	{ "update_interval over a day", FLOWMESH_CONFIG_A_UPDATE_INTERVAL,
	  86401, 4 },
	{ "unknown sample bit", FLOWMESH_CONFIG_A_SAMPLES, 1U << 7, 4 },
	{ "u32 sent as u16", FLOWMESH_CONFIG_A_RING_SIZE, 64, 2 },
	{ "detect_packets above 64", FLOWMESH_CONFIG_A_DETECT_PACKETS, 65, 4 },
	{ "inspect_one_in above 65535", FLOWMESH_CONFIG_A_INSPECT_ONE_IN,
	  65536, 4 },
	{ "queue_num above 65535", FLOWMESH_CONFIG_A_QUEUE_NUM, 65536, 4 },
	{ "queue_num sent as u16", FLOWMESH_CONFIG_A_QUEUE_NUM, 7, 2 },
	{ "unknown attribute", FLOWMESH_CONFIG_A_MAX + 1, 1, 4 },
};

static void config_policy_rejects_malformed(struct kunit *test)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad_configs); i++) {
		const struct bad_config *b = &bad_configs[i];
		struct netlink_ext_ack extack = {};
		struct msg m;

		msg_start(test, &m, FLOWMESH_A_CONFIG);
		nla_put(m.skb, b->type, b->len, &b->value);
		KUNIT_EXPECT_LT_MSG(test, config_parse(test, &m, &extack), 0,
				    "%s accepted", b->what);
		KUNIT_EXPECT_NOT_NULL_MSG(test, extack._msg,
					  "%s: no message", b->what);
	}
}

static void config_policy_rejects_too_many_ports(struct kunit *test)
{
	static const int lists[] = {
		FLOWMESH_CONFIG_A_SKIP_PORTS, FLOWMESH_CONFIG_A_OPAQUE_PORTS,
	};
	u16 ports[FLOWMESH_MAX_PORTS + 1] = {};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(lists); i++) {
		struct netlink_ext_ack extack = {};
		struct msg m;

		msg_start(test, &m, FLOWMESH_A_CONFIG);
		nla_put(m.skb, lists[i], sizeof(ports), ports);
		KUNIT_EXPECT_LT(test, config_parse(test, &m, &extack), 0);
	}
}

/* Parses @skb's attributes against the family's top-level policy. */
static int top_parse(struct sk_buff *skb, struct netlink_ext_ack *extack)
{
	struct nlattr *tb[FLOWMESH_A_MAX + 1];
	int err;

	err = nla_parse(tb, FLOWMESH_A_MAX, (struct nlattr *)skb->data,
			skb->len, flowmesh_policy, extack);
	kfree_skb(skb);
	return err;
}

static void label_policy_checks_ranges(struct kunit *test)
{
	static const struct {
		int type;
		u32 value;
		int len;
		bool ok;
	} cases[] = {
		{ FLOWMESH_A_LABEL_PROTO, FLOWMESH_L7_SMTP, 1, true },
		{ FLOWMESH_A_LABEL_PROTO, FLOWMESH_L7_MAX + 1, 1, false },
		{ FLOWMESH_A_LABEL_PROTO, FLOWMESH_L7_HTTP, 4, false },
		{ FLOWMESH_A_LABEL_FLAGS, FLOWMESH_LABEL_ALL, 4, true },
		{ FLOWMESH_A_LABEL_FLAGS, 1U << 2, 4, false },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct sk_buff *skb = nlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
		struct netlink_ext_ack extack = {};
		int err;

		KUNIT_ASSERT_NOT_NULL(test, skb);
		nla_put(skb, cases[i].type, cases[i].len, &cases[i].value);
		err = top_parse(skb, &extack);
		if (cases[i].ok) {
			KUNIT_EXPECT_EQ_MSG(test, err, 0, "case %u", i);
		} else {
			KUNIT_EXPECT_LT_MSG(test, err, 0, "case %u", i);
			KUNIT_EXPECT_NOT_NULL_MSG(test, extack._msg,
						  "case %u: no message", i);
		}
	}
}

/* A flow name nest: AF_INET TCP 198.18.0.1:40000 -> 198.18.0.2:80. */
static void name_start(struct kunit *test, struct msg *m, u8 family)
{
	msg_start(test, m, FLOWMESH_A_FLOW);
	nla_put_u8(m->skb, FLOWMESH_FLOW_A_FAMILY, family);
	nla_put_u8(m->skb, FLOWMESH_FLOW_A_PROTO, IPPROTO_TCP);
	nla_put_in_addr(m->skb, FLOWMESH_FLOW_A_CLIENT_ADDR, htonl(0xc6120001));
	nla_put_u16(m->skb, FLOWMESH_FLOW_A_CLIENT_PORT, 40000);
	nla_put_u16(m->skb, FLOWMESH_FLOW_A_SERVER_PORT, 80);
}

static int name_of(struct kunit *test, struct msg *m,
		   struct flowmesh_flow_name *n, struct netlink_ext_ack *extack)
{
	int err;

	nla_nest_end(m->skb, m->nest);
	err = flowmesh_flow_name_parse(n, m->nest, extack);
	kfree_skb(m->skb);
	return err;
}

static void flow_name_parses_and_rejects(struct kunit *test)
{
	struct netlink_ext_ack extack = {};
	struct flowmesh_flow_name n;
	struct msg m;

	name_start(test, &m, AF_INET);
	nla_put_in_addr(m.skb, FLOWMESH_FLOW_A_SERVER_ADDR, htonl(0xc6120002));
	nla_put_u32(m.skb, FLOWMESH_FLOW_A_NETNS, 4026531840U);
	KUNIT_ASSERT_EQ(test, name_of(test, &m, &n, &extack), 0);
	KUNIT_EXPECT_EQ(test, n.family, NFPROTO_IPV4);
	KUNIT_EXPECT_EQ(test, n.proto, IPPROTO_TCP);
	KUNIT_EXPECT_EQ(test, n.netns, 4026531840U);
	KUNIT_EXPECT_EQ(test, ntohl(n.addr[1].ip), 0xc6120002U);
	KUNIT_EXPECT_EQ(test, ntohs(n.port[0]), 40000);
	KUNIT_EXPECT_EQ(test, ntohs(n.port[1]), 80);

	/* no server address */
	name_start(test, &m, AF_INET);
	KUNIT_EXPECT_EQ(test, name_of(test, &m, &n, &extack), -EINVAL);
	KUNIT_EXPECT_STREQ(test, extack._msg,
			   "a flow needs family, protocol, addresses and ports");

	/* an IPv4 address in an IPv6 flow */
	name_start(test, &m, AF_INET6);
	nla_put_in_addr(m.skb, FLOWMESH_FLOW_A_SERVER_ADDR, htonl(0xc6120002));
	KUNIT_EXPECT_EQ(test, name_of(test, &m, &n, &extack), -EINVAL);
	KUNIT_EXPECT_STREQ(test, extack._msg,
			   "address does not match the family");

	/* a family that is not IP */
	name_start(test, &m, AF_UNIX);
	nla_put_in_addr(m.skb, FLOWMESH_FLOW_A_SERVER_ADDR, htonl(0xc6120002));
	KUNIT_EXPECT_EQ(test, name_of(test, &m, &n, &extack), -EINVAL);

	/* counters are what the kernel tells, not what names a flow */
	name_start(test, &m, AF_INET);
	nla_put_in_addr(m.skb, FLOWMESH_FLOW_A_SERVER_ADDR, htonl(0xc6120002));
	nla_put_u64_64bit(m.skb, FLOWMESH_FLOW_A_TX_BYTES, 1,
			  FLOWMESH_FLOW_A_PAD);
	KUNIT_EXPECT_LT(test, name_of(test, &m, &n, &extack), 0);

	/* port 0 */
	msg_start(test, &m, FLOWMESH_A_FLOW);
	nla_put_u16(m.skb, FLOWMESH_FLOW_A_SERVER_PORT, 0);
	KUNIT_EXPECT_LT(test, name_of(test, &m, &n, &extack), 0);
}

static void top_policy_rejects_kernel_only_attrs(struct kunit *test)
{
	struct netlink_ext_ack extack = {};
	struct sk_buff *skb = nlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, skb);
	nla_put(skb, FLOWMESH_A_RECORDS, 8, "01234567");
	KUNIT_EXPECT_LT(test, top_parse(skb, &extack), 0);
}

/* Parses a filter nest; returns the error. */
static int filter_of(struct kunit *test, struct msg *m,
		     struct flowmesh_filter *f, struct netlink_ext_ack *extack)
{
	int err;

	nla_nest_end(m->skb, m->nest);
	memset(f, 0, sizeof(*f));
	err = flowmesh_filter_parse(f, m->nest, extack);
	kfree_skb(m->skb);
	return err;
}

static void filter_rejects_malformed(struct kunit *test)
{
	struct netlink_ext_ack extack = {};
	struct flowmesh_filter f;
	u8 five[5] = {};
	struct msg m;

	msg_start(test, &m, FLOWMESH_A_FILTER);
	nla_put_u8(m.skb, FLOWMESH_FILTER_A_PROTO, IPPROTO_ICMP);
	KUNIT_EXPECT_EQ(test, filter_of(test, &m, &f, &extack), -EINVAL);
	KUNIT_EXPECT_NOT_NULL(test, extack._msg);

	msg_start(test, &m, FLOWMESH_A_FILTER);
	nla_put(m.skb, FLOWMESH_FILTER_A_ADDR, sizeof(five), five);
	KUNIT_EXPECT_LT(test, filter_of(test, &m, &f, &extack), 0);

	msg_start(test, &m, FLOWMESH_A_FILTER);
	nla_put_u8(m.skb, FLOWMESH_FILTER_A_FAMILY, AF_INET6);
	nla_put_in_addr(m.skb, FLOWMESH_FILTER_A_ADDR, htonl(0xc6120001));
	KUNIT_EXPECT_EQ(test, filter_of(test, &m, &f, &extack), -EINVAL);

	msg_start(test, &m, FLOWMESH_A_FILTER);
	nla_put_u16(m.skb, FLOWMESH_FILTER_A_PORT, 0);
	KUNIT_EXPECT_LT(test, filter_of(test, &m, &f, &extack), 0);
}

static void filter_selects_named_flows(struct kunit *test)
{
	union nf_inet_addr a = { .ip = htonl(0xc6120001) };
	union nf_inet_addr b = { .ip = htonl(0xc6120002) };
	union nf_inet_addr c = { .ip = htonl(0xc6120003) };
	struct netlink_ext_ack extack = {};
	struct flowmesh_flow ab = {}, cb = {};
	struct flowmesh_filter f;
	struct msg m;
	u8 side;

	flowmesh_key_init(&ab.key, &side, &init_net, NFPROTO_IPV4, IPPROTO_TCP,
			  &a, htons(40000), &b, htons(80));
	flowmesh_key_init(&cb.key, &side, &init_net, NFPROTO_IPV4, IPPROTO_UDP,
			  &c, htons(5353), &b, htons(53));

	msg_start(test, &m, FLOWMESH_A_FILTER);
	nla_put_in_addr(m.skb, FLOWMESH_FILTER_A_ADDR, a.ip);
	KUNIT_ASSERT_EQ(test, filter_of(test, &m, &f, &extack), 0);
	KUNIT_EXPECT_TRUE(test, flowmesh_filter_match(&f, &ab));
	KUNIT_EXPECT_FALSE(test, flowmesh_filter_match(&f, &cb));

	msg_start(test, &m, FLOWMESH_A_FILTER);
	nla_put_u16(m.skb, FLOWMESH_FILTER_A_PORT, 53);
	nla_put_u8(m.skb, FLOWMESH_FILTER_A_PROTO, IPPROTO_UDP);
	KUNIT_ASSERT_EQ(test, filter_of(test, &m, &f, &extack), 0);
	KUNIT_EXPECT_FALSE(test, flowmesh_filter_match(&f, &ab));
	KUNIT_EXPECT_TRUE(test, flowmesh_filter_match(&f, &cb));

	msg_start(test, &m, FLOWMESH_A_FILTER);
	nla_put_u32(m.skb, FLOWMESH_FILTER_A_NETNS, init_net.ns.inum + 1);
	KUNIT_ASSERT_EQ(test, filter_of(test, &m, &f, &extack), 0);
	KUNIT_EXPECT_FALSE(test, flowmesh_filter_match(&f, &ab));

	msg_start(test, &m, FLOWMESH_A_FILTER);
	nla_put_u8(m.skb, FLOWMESH_FILTER_A_FAMILY, AF_INET6);
	KUNIT_ASSERT_EQ(test, filter_of(test, &m, &f, &extack), 0);
	KUNIT_EXPECT_FALSE(test, flowmesh_filter_match(&f, &ab));
}

static struct kunit_case netlink_cases[] = {
	KUNIT_CASE(config_policy_accepts_valid),
	KUNIT_CASE(config_policy_rejects_malformed),
	KUNIT_CASE(config_policy_rejects_too_many_ports),
	KUNIT_CASE(label_policy_checks_ranges),
	KUNIT_CASE(flow_name_parses_and_rejects),
	KUNIT_CASE(top_policy_rejects_kernel_only_attrs),
	KUNIT_CASE(filter_rejects_malformed),
	KUNIT_CASE(filter_selects_named_flows),
	{}
};

static struct kunit_suite netlink_suite = {
	.name = "flowmesh_netlink",
	.test_cases = netlink_cases,
};

kunit_test_suite(netlink_suite);
