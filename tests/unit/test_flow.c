// SPDX-License-Identifier: GPL-2.0
/*
 * Flow message parsing: well-formed messages give back every field, and
 * every way of spoiling one is an error, never a crash.  Messages are
 * parsed from heap copies of their exact length so that ASan sees any
 * read past the end.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <cmocka.h>
#include <linux/genetlink.h>
#include <linux/flowmesh.h>
#include "lib/flow.h"
#include "nlbuild.h"

/* Parses a copy of @nlh exactly @len bytes long. */
static int parse_exact(const struct nlmsghdr *nlh, size_t len,
		       struct fm_flow *flow)
{
	struct nlmsghdr *copy = malloc(len);
	int err;

	assert_non_null(copy);
	memcpy(copy, nlh, len);
	if (len >= sizeof(*copy))
		copy->nlmsg_len = len;
	err = fm_flow_parse(copy, flow);
	free(copy);
	return err;
}

static int parse_copy(const struct nlmsghdr *nlh, struct fm_flow *flow)
{
	return parse_exact(nlh, nlh->nlmsg_len, flow);
}

static int parse_spoiled(const struct fm_flow *in, const struct nlb_opts *opts)
{
	union nlb_msg m;
	struct fm_flow out;

	return parse_copy(nlb_flow(m.buf, in, opts), &out);
}

static void assert_flow_equal(const struct fm_flow *a, const struct fm_flow *b)
{
	assert_int_equal(a->family, b->family);
	assert_int_equal(a->proto, b->proto);
	assert_int_equal(a->netns, b->netns);
	assert_memory_equal(a->client, b->client, sizeof(a->client));
	assert_memory_equal(a->server, b->server, sizeof(a->server));
	assert_int_equal(a->client_port, b->client_port);
	assert_int_equal(a->server_port, b->server_port);
	assert_int_equal(a->tx_bytes, b->tx_bytes);
	assert_int_equal(a->tx_packets, b->tx_packets);
	assert_int_equal(a->rx_bytes, b->rx_bytes);
	assert_int_equal(a->rx_packets, b->rx_packets);
	assert_int_equal(a->first_seen_ns, b->first_seen_ns);
	assert_int_equal(a->last_seen_ns, b->last_seen_ns);
}

static void test_flow_ipv4(void **state)
{
	struct fm_flow in, out;
	union nlb_msg m;
	char addr[INET_ADDRSTRLEN];

	(void)state;
	nlb_flow_v4(&in);
	memset(&out, 0xa5, sizeof(out));
	assert_int_equal(parse_copy(nlb_flow(m.buf, &in, NULL), &out), 0);
	assert_flow_equal(&out, &in);
	inet_ntop(AF_INET, out.client, addr, sizeof(addr));
	assert_string_equal(addr, "198.18.0.2");
	/* IPv4 leaves the rest of the address zero: sorting relies on it */
	assert_memory_equal(out.client + 4, "\0\0\0\0\0\0\0\0\0\0\0\0", 12);
}

static void test_flow_ipv6(void **state)
{
	struct fm_flow in, out;
	union nlb_msg m;

	(void)state;
	nlb_flow_v6(&in);
	assert_int_equal(parse_copy(nlb_flow(m.buf, &in, NULL), &out), 0);
	assert_flow_equal(&out, &in);
	assert_int_equal(out.family, AF_INET6);
	assert_int_equal(out.proto, IPPROTO_UDP);
}

/* nla_put_u64_64bit() puts a PAD attribute first where u64s need it. */
static void test_flow_pad_attributes(void **state)
{
	struct nlb_opts opts = { .pad64 = true };
	struct fm_flow in, out;
	union nlb_msg m;

	(void)state;
	nlb_flow_v4(&in);
	assert_int_equal(parse_copy(nlb_flow(m.buf, &in, &opts), &out), 0);
	assert_flow_equal(&out, &in);
}

static void test_flow_missing_attribute(void **state)
{
	struct fm_flow in;
	uint16_t type;

	(void)state;
	nlb_flow_v4(&in);
	for (type = FLOWMESH_FLOW_A_FAMILY; type <= FLOWMESH_FLOW_A_MAX; type++) {
		struct nlb_opts opts = { .omit = type };

		if (parse_spoiled(&in, &opts) != -EBADMSG)
			fail_msg("flow without attribute %u parsed", type);
	}
}

static void test_flow_address_length(void **state)
{
	static const uint16_t bad_v4[] = { 0, 3, 5, 6, 8, 15, 16, 17, 32 };
	static const uint16_t bad_v6[] = { 0, 4, 8, 12, 15, 17, 20, 32 };
	struct fm_flow v4, v6;
	size_t i;

	(void)state;
	nlb_flow_v4(&v4);
	nlb_flow_v6(&v6);
	for (i = 0; i < sizeof(bad_v4) / sizeof(*bad_v4); i++) {
		struct nlb_opts c = { .resize = FLOWMESH_FLOW_A_CLIENT_ADDR,
				      .resize_len = bad_v4[i] };
		struct nlb_opts s = { .resize = FLOWMESH_FLOW_A_SERVER_ADDR,
				      .resize_len = bad_v4[i] };

		if (parse_spoiled(&v4, &c) != -EBADMSG ||
		    parse_spoiled(&v4, &s) != -EBADMSG)
			fail_msg("IPv4 flow with %u-byte address parsed",
				 bad_v4[i]);
	}
	for (i = 0; i < sizeof(bad_v6) / sizeof(*bad_v6); i++) {
		struct nlb_opts c = { .resize = FLOWMESH_FLOW_A_CLIENT_ADDR,
				      .resize_len = bad_v6[i] };
		struct nlb_opts s = { .resize = FLOWMESH_FLOW_A_SERVER_ADDR,
				      .resize_len = bad_v6[i] };

		if (parse_spoiled(&v6, &c) != -EBADMSG ||
		    parse_spoiled(&v6, &s) != -EBADMSG)
			fail_msg("IPv6 flow with %u-byte address parsed",
				 bad_v6[i]);
	}
}

static void test_flow_scalar_length(void **state)
{
	static const struct {
		uint16_t type;
		uint16_t len;
	} bad[] = {
		{ FLOWMESH_FLOW_A_FAMILY, 0 },
		{ FLOWMESH_FLOW_A_FAMILY, 2 },
		{ FLOWMESH_FLOW_A_PROTO, 4 },
		{ FLOWMESH_FLOW_A_NETNS, 2 },
		{ FLOWMESH_FLOW_A_NETNS, 8 },
		{ FLOWMESH_FLOW_A_CLIENT_PORT, 1 },
		{ FLOWMESH_FLOW_A_SERVER_PORT, 4 },
		{ FLOWMESH_FLOW_A_TX_BYTES, 4 },
		{ FLOWMESH_FLOW_A_TX_PACKETS, 7 },
		{ FLOWMESH_FLOW_A_RX_BYTES, 9 },
		{ FLOWMESH_FLOW_A_RX_PACKETS, 16 },
		{ FLOWMESH_FLOW_A_FIRST_SEEN, 0 },
		{ FLOWMESH_FLOW_A_LAST_SEEN, 4 },
	};
	struct fm_flow in;
	size_t i;

	(void)state;
	nlb_flow_v4(&in);
	for (i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		struct nlb_opts opts = { .resize = bad[i].type,
					 .resize_len = bad[i].len };

		if (parse_spoiled(&in, &opts) != -EBADMSG)
			fail_msg("attribute %u with %u bytes parsed",
				 bad[i].type, bad[i].len);
	}
}

/* A scalar marked as a nest is the wrong type, whatever its size. */
static void test_flow_nested_flag_on_scalar(void **state)
{
	struct fm_flow in;
	uint16_t type;

	(void)state;
	nlb_flow_v6(&in);
	for (type = FLOWMESH_FLOW_A_FAMILY; type <= FLOWMESH_FLOW_A_MAX; type++) {
		struct nlb_opts opts = { .nested = type };

		if (parse_spoiled(&in, &opts) != -EBADMSG)
			fail_msg("attribute %u marked nested parsed", type);
	}
}

static void test_flow_bad_values(void **state)
{
	struct fm_flow in, out;
	union nlb_msg m;

	(void)state;
	nlb_flow_v4(&in);
	in.family = AF_UNIX;	/* 4-byte addresses still go out */
	assert_int_equal(parse_copy(nlb_flow(m.buf, &in, NULL), &out),
			 -EBADMSG);
	nlb_flow_v4(&in);
	in.proto = IPPROTO_ICMP;
	assert_int_equal(parse_copy(nlb_flow(m.buf, &in, NULL), &out),
			 -EBADMSG);
	nlb_flow_v4(&in);
	in.proto = IPPROTO_SCTP;
	assert_int_equal(parse_copy(nlb_flow(m.buf, &in, NULL), &out),
			 -EBADMSG);
}

/* Attributes newer than this program are skipped, inside and outside. */
static void test_flow_unknown_attributes(void **state)
{
	static const uint16_t unknown[] = {
		FLOWMESH_FLOW_A_MAX + 1, FLOWMESH_FLOW_A_MAX + 100, 0x7fff,
		FLOWMESH_FLOW_A_PAD,	/* padding is skipped whatever its size */
	};
	struct fm_flow in, out;
	struct nlmsghdr *nlh;
	union nlb_msg m;
	size_t i;

	(void)state;
	nlb_flow_v6(&in);
	for (i = 0; i < sizeof(unknown) / sizeof(*unknown); i++) {
		struct nlb_opts opts = { .unknown = unknown[i] };

		memset(&out, 0, sizeof(out));
		assert_int_equal(parse_copy(nlb_flow(m.buf, &in, &opts), &out),
				 0);
		assert_flow_equal(&out, &in);
	}

	nlh = nlb_flow(m.buf, &in, NULL);
	mnl_attr_put_u32(nlh, FLOWMESH_A_MAX + 1, 7);
	mnl_attr_put(nlh, 0x3fff, 3, "abc");
	assert_int_equal(parse_copy(nlh, &out), 0);
	assert_flow_equal(&out, &in);
}

/* Every cut of a valid message is an error, read within its bounds. */
static void test_flow_truncated(void **state)
{
	struct fm_flow in, out;
	struct nlmsghdr *nlh;
	union nlb_msg m;
	size_t len;

	(void)state;
	nlb_flow_v6(&in);
	nlh = nlb_flow(m.buf, &in, NULL);
	for (len = nlh->nlmsg_len - 1; len >= NLMSG_HDRLEN; len--)
		if (parse_exact(nlh, len, &out) != -EBADMSG)
			fail_msg("flow cut to %zu of %u bytes parsed", len,
				 nlh->nlmsg_len);
}

/* Bytes after the last attribute that are not an attribute: corrupt. */
static void test_flow_trailing_garbage(void **state)
{
	struct fm_flow in, out;
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	union nlb_msg m;

	(void)state;
	nlb_flow_v4(&in);
	nlh = nlb_flow(m.buf, &in, NULL);
	nest = mnl_nlmsg_get_payload_offset(nlh, GENL_HDRLEN);
	memset((char *)nlh + nlh->nlmsg_len, 0xff, 4);
	nest->nla_len += 4;
	nlh->nlmsg_len += 4;
	assert_int_equal(parse_copy(nlh, &out), -EBADMSG);

	nlh = nlb_flow(m.buf, &in, NULL);
	memset((char *)nlh + nlh->nlmsg_len, 0, 2);
	nlh->nlmsg_len += 2;
	assert_int_equal(parse_copy(nlh, &out), -EBADMSG);
}

static void test_flow_wrong_message(void **state)
{
	struct fm_flow in, out;
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	union nlb_msg m;

	(void)state;
	nlb_flow_v4(&in);

	/* a stats reply is not a flow */
	nlh = nlb_flow(m.buf, &in, NULL);
	((struct genlmsghdr *)mnl_nlmsg_get_payload(nlh))->cmd =
		FLOWMESH_CMD_GET_STATS;
	assert_int_equal(parse_copy(nlh, &out), -EBADMSG);

	/* no FLOWMESH_A_FLOW */
	nlh = nlb_genl(m.buf, NLB_FAMILY_ID, 0, FLOWMESH_CMD_GET_FLOW);
	assert_int_equal(parse_copy(nlh, &out), -EBADMSG);

	/* FLOWMESH_A_STATS holding flow attributes is still no flow */
	nlh = nlb_flow(m.buf, &in, NULL);
	nest = mnl_nlmsg_get_payload_offset(nlh, GENL_HDRLEN);
	nest->nla_type = NLA_F_NESTED | FLOWMESH_A_STATS;
	assert_int_equal(parse_copy(nlh, &out), -EBADMSG);

	/* FLOWMESH_A_FLOW too short to be a nest */
	nlh = nlb_genl(m.buf, NLB_FAMILY_ID, 0, FLOWMESH_CMD_GET_FLOW);
	mnl_attr_put_u16(nlh, FLOWMESH_A_FLOW, 1);
	assert_int_equal(parse_copy(nlh, &out), -EBADMSG);

	/* no room for the generic netlink header */
	nlh = mnl_nlmsg_put_header(m.buf);
	nlh->nlmsg_type = NLB_FAMILY_ID;
	assert_int_equal(parse_copy(nlh, &out), -EBADMSG);
}

static void test_flow_sort(void **state)
{
	struct fm_flows flows = { 0 };
	struct fm_flow f[7];
	static const size_t shuffled[] = { 5, 2, 6, 0, 3, 1, 4 };
	size_t i, j;

	(void)state;
	/* f[] is in the expected order; each differs in one sort key */
	nlb_flow_v4(&f[0]);
	f[0].netns = 1;
	f[1] = f[0];
	f[1].client_port = 43513;		/* client port */
	f[2] = f[1];
	inet_pton(AF_INET, "198.18.0.3", f[2].server);	/* server */
	f[3] = f[0];
	inet_pton(AF_INET, "198.18.0.10", f[3].client);	/* client */
	nlb_flow_v6(&f[4]);
	f[4].netns = 1;
	f[4].proto = IPPROTO_TCP;			/* family after v4 */
	nlb_flow_v6(&f[5]);
	f[5].netns = 1;					/* udp after tcp */
	f[6] = f[0];
	f[6].netns = 2;					/* netns first */

	for (i = 0; i < 7; i++)
		assert_int_equal(fm_flows_add(&flows, &f[shuffled[i]]), 0);
	fm_flows_sort(&flows);
	assert_int_equal(flows.len, 7);
	for (i = 0; i < 7; i++)
		assert_flow_equal(&flows.v[i], &f[i]);
	for (i = 0; i < 7; i++)
		for (j = 0; j < 7; j++) {
			int c = fm_flow_cmp(&f[i], &f[j]);

			assert_true(i < j ? c < 0 : i > j ? c > 0 : c == 0);
		}
	fm_flows_free(&flows);
	assert_null(flows.v);
	assert_int_equal(flows.len, 0);
}

static void test_flow_list_grows(void **state)
{
	struct fm_flows flows = { 0 };
	struct fm_flow f;
	uint32_t i;

	(void)state;
	nlb_flow_v4(&f);
	for (i = 0; i < 1000; i++) {
		f.netns = i;
		assert_int_equal(fm_flows_add(&flows, &f), 0);
	}
	assert_int_equal(flows.len, 1000);
	assert_true(flows.cap >= 1000);
	for (i = 0; i < 1000; i++)
		assert_int_equal(flows.v[i].netns, i);
	fm_flows_free(&flows);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_flow_ipv4),
		cmocka_unit_test(test_flow_ipv6),
		cmocka_unit_test(test_flow_pad_attributes),
		cmocka_unit_test(test_flow_missing_attribute),
		cmocka_unit_test(test_flow_address_length),
		cmocka_unit_test(test_flow_scalar_length),
		cmocka_unit_test(test_flow_nested_flag_on_scalar),
		cmocka_unit_test(test_flow_bad_values),
		cmocka_unit_test(test_flow_unknown_attributes),
		cmocka_unit_test(test_flow_truncated),
		cmocka_unit_test(test_flow_trailing_garbage),
		cmocka_unit_test(test_flow_wrong_message),
		cmocka_unit_test(test_flow_sort),
		cmocka_unit_test(test_flow_list_grows),
	};

	return cmocka_run_group_tests_name("flow", tests, NULL, NULL);
}
