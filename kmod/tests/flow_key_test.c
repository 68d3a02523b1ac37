// SPDX-License-Identifier: GPL-2.0
/* KUnit: flow keys are direction-free, complete and hash consistently. */
#include <kunit/test.h>
#include <net/ipv6.h>
#include "flow_table.h"

static union nf_inet_addr v4(u8 a, u8 b, u8 c, u8 d)
{
	union nf_inet_addr x = {};

	x.ip = htonl(a << 24 | b << 16 | c << 8 | d);
	return x;
}

static union nf_inet_addr v6(u16 last)
{
	union nf_inet_addr x = {};

	x.in6.s6_addr16[0] = htons(0xfd00);
	x.in6.s6_addr16[7] = htons(last);
	return x;
}

static void key_of(struct flowmesh_key *k, u8 *side, struct net *net,
		   u8 family, u8 proto, union nf_inet_addr s, u16 sp,
		   union nf_inet_addr d, u16 dp)
{
	flowmesh_key_init(k, side, net, family, proto, &s, htons(sp), &d,
			  htons(dp));
}

static void key_both_directions_equal(struct kunit *test)
{
	struct flowmesh_key ab, ba;
	u8 sab, sba;

	key_of(&ab, &sab, &init_net, NFPROTO_IPV4, IPPROTO_TCP,
	       v4(198, 18, 0, 1), 40000, v4(198, 18, 0, 2), 80);
	key_of(&ba, &sba, &init_net, NFPROTO_IPV4, IPPROTO_TCP,
	       v4(198, 18, 0, 2), 80, v4(198, 18, 0, 1), 40000);
	KUNIT_EXPECT_TRUE(test, flowmesh_key_equal(&ab, &ba));
	KUNIT_EXPECT_EQ(test, flowmesh_key_hash(&ab, 7),
			flowmesh_key_hash(&ba, 7));
	KUNIT_EXPECT_NE(test, sab, sba);
	/* The side index names the sender's address and port. */
	KUNIT_EXPECT_EQ(test, ab.addr[sab].ip, v4(198, 18, 0, 1).ip);
	KUNIT_EXPECT_EQ(test, ntohs(ab.port[sab]), 40000);
	KUNIT_EXPECT_EQ(test, ab.addr[sba].ip, v4(198, 18, 0, 2).ip);
}

static void key_ipv6_both_directions_equal(struct kunit *test)
{
	union nf_inet_addr one = v6(1), two = v6(2);
	struct flowmesh_key ab, ba;
	u8 sab, sba;

	key_of(&ab, &sab, &init_net, NFPROTO_IPV6, IPPROTO_UDP, v6(2), 5353,
	       v6(1), 53);
	key_of(&ba, &sba, &init_net, NFPROTO_IPV6, IPPROTO_UDP, v6(1), 53,
	       v6(2), 5353);
	KUNIT_EXPECT_TRUE(test, flowmesh_key_equal(&ab, &ba));
	KUNIT_EXPECT_EQ(test, flowmesh_key_hash(&ab, 1),
			flowmesh_key_hash(&ba, 1));
	KUNIT_EXPECT_TRUE(test, ipv6_addr_equal(&ab.addr[sab].in6,
						&two.in6));
	KUNIT_EXPECT_TRUE(test, ipv6_addr_equal(&ab.addr[sba].in6,
						&one.in6));
}

static void key_fields_distinguish(struct kunit *test)
{
	struct net *other = kunit_kzalloc(test, sizeof(*other), GFP_KERNEL);
	struct flowmesh_key base, k;
	u8 side;

	KUNIT_ASSERT_NOT_NULL(test, other);
	key_of(&base, &side, &init_net, NFPROTO_IPV4, IPPROTO_TCP,
	       v4(10, 0, 0, 1), 1000, v4(10, 0, 0, 2), 2000);

	key_of(&k, &side, &init_net, NFPROTO_IPV4, IPPROTO_UDP,
	       v4(10, 0, 0, 1), 1000, v4(10, 0, 0, 2), 2000);
	KUNIT_EXPECT_FALSE_MSG(test, flowmesh_key_equal(&base, &k), "proto");

	key_of(&k, &side, other, NFPROTO_IPV4, IPPROTO_TCP,
	       v4(10, 0, 0, 1), 1000, v4(10, 0, 0, 2), 2000);
	KUNIT_EXPECT_FALSE_MSG(test, flowmesh_key_equal(&base, &k), "netns");

	/* Swapping the ports between the hosts is another flow. */
	key_of(&k, &side, &init_net, NFPROTO_IPV4, IPPROTO_TCP,
	       v4(10, 0, 0, 1), 2000, v4(10, 0, 0, 2), 1000);
	KUNIT_EXPECT_FALSE_MSG(test, flowmesh_key_equal(&base, &k), "ports");

	key_of(&k, &side, &init_net, NFPROTO_IPV4, IPPROTO_TCP,
	       v4(10, 0, 0, 3), 1000, v4(10, 0, 0, 2), 2000);
	KUNIT_EXPECT_FALSE_MSG(test, flowmesh_key_equal(&base, &k), "addr");
}

static void key_ipv4_differs_from_ipv6(struct kunit *test)
{
	union nf_inet_addr a = {}, b = {};
	struct flowmesh_key k4, k6;
	u8 side;

	/* Same leading bytes: only the family tells them apart. */
	a.ip = htonl(0x0a000001);
	b.ip = htonl(0x0a000002);
	key_of(&k4, &side, &init_net, NFPROTO_IPV4, IPPROTO_TCP, a, 1, b, 2);
	key_of(&k6, &side, &init_net, NFPROTO_IPV6, IPPROTO_TCP, a, 1, b, 2);
	KUNIT_EXPECT_FALSE(test, flowmesh_key_equal(&k4, &k6));
}

static void key_same_address_ordered_by_port(struct kunit *test)
{
	struct flowmesh_key ab, ba;
	u8 sab, sba;

	key_of(&ab, &sab, &init_net, NFPROTO_IPV4, IPPROTO_TCP,
	       v4(127, 0, 0, 1), 50000, v4(127, 0, 0, 1), 8080);
	key_of(&ba, &sba, &init_net, NFPROTO_IPV4, IPPROTO_TCP,
	       v4(127, 0, 0, 1), 8080, v4(127, 0, 0, 1), 50000);
	KUNIT_EXPECT_TRUE(test, flowmesh_key_equal(&ab, &ba));
	KUNIT_EXPECT_NE(test, sab, sba);
	KUNIT_EXPECT_EQ(test, ntohs(ab.port[sab]), 50000);
}

static void key_ipv4_ignores_unused_address_bytes(struct kunit *test)
{
	union nf_inet_addr a = v4(1, 2, 3, 4), b = v4(5, 6, 7, 8);
	struct flowmesh_key k1, k2;
	u8 side;

	key_of(&k1, &side, &init_net, NFPROTO_IPV4, IPPROTO_UDP, a, 9, b, 10);
	/* Garbage past the IPv4 address must not leak into the key. */
	a.all[1] = 0xdeadbeef;
	b.all[3] = 0xfeedface;
	key_of(&k2, &side, &init_net, NFPROTO_IPV4, IPPROTO_UDP, a, 9, b, 10);
	KUNIT_EXPECT_TRUE(test, flowmesh_key_equal(&k1, &k2));
}

static void key_hash_spreads(struct kunit *test)
{
	unsigned int hits[64] = {}, i, worst = 0;
	struct flowmesh_key k;
	u8 side;

	for (i = 0; i < 64 * 64; i++) {
		key_of(&k, &side, &init_net, NFPROTO_IPV4, IPPROTO_UDP,
		       v4(198, 18, i >> 8, i), 30000 + i, v4(198, 18, 1, 1), 53);
		hits[flowmesh_key_hash(&k, 0x1234) >> 26]++;
	}
	for (i = 0; i < 64; i++)
		worst = max(worst, hits[i]);
	/* 64 expected per bucket; a poor hash piles them up. */
	KUNIT_EXPECT_LT(test, worst, 128U);
}

static struct kunit_case flow_key_cases[] = {
	KUNIT_CASE(key_both_directions_equal),
	KUNIT_CASE(key_ipv6_both_directions_equal),
	KUNIT_CASE(key_fields_distinguish),
	KUNIT_CASE(key_ipv4_differs_from_ipv6),
	KUNIT_CASE(key_same_address_ordered_by_port),
	KUNIT_CASE(key_ipv4_ignores_unused_address_bytes),
	KUNIT_CASE(key_hash_spreads),
	{}
};

static struct kunit_suite flow_key_suite = {
	.name = "flowmesh_flow_key",
	.test_cases = flow_key_cases,
};

kunit_test_suite(flow_key_suite);
