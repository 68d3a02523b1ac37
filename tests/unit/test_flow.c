// SPDX-License-Identifier: GPL-2.0
/*
 * Flow message parsing: well-formed messages give back every field, and
 * every way of spoiling one is an error, never a crash.  Messages are
 * parsed from heap copies of their exact length so that ASan sees any
 * read past the end.
 */
#include <stdarg.h>
#include <stdbool.h>
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
	assert_int_equal(a->attrs, b->attrs);
	assert_int_equal(a->id, b->id);
	assert_int_equal(a->state, b->state);
	assert_int_equal(a->tcp_flags_tx, b->tcp_flags_tx);
	assert_int_equal(a->tcp_flags_rx, b->tcp_flags_rx);
	assert_int_equal(a->retransmits, b->retransmits);
	assert_int_equal(a->resets, b->resets);
	assert_int_equal(a->l7_proto, b->l7_proto);
	assert_int_equal(a->sampled, b->sampled);
	assert_int_equal(a->zero_windows, b->zero_windows);
	assert_int_equal(a->rtt_hs_client_us, b->rtt_hs_client_us);
	assert_int_equal(a->rtt_hs_server_us, b->rtt_hs_server_us);
	assert_memory_equal(&a->rtt, &b->rtt, sizeof(a->rtt));
	assert_memory_equal(&a->response, &b->response, sizeof(a->response));
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

/* What every flow message has had since the first version. */
static const uint16_t required[] = {
	FLOWMESH_FLOW_A_FAMILY, FLOWMESH_FLOW_A_PROTO, FLOWMESH_FLOW_A_NETNS,
	FLOWMESH_FLOW_A_CLIENT_ADDR, FLOWMESH_FLOW_A_SERVER_ADDR,
	FLOWMESH_FLOW_A_CLIENT_PORT, FLOWMESH_FLOW_A_SERVER_PORT,
	FLOWMESH_FLOW_A_TX_BYTES, FLOWMESH_FLOW_A_TX_PACKETS,
	FLOWMESH_FLOW_A_RX_BYTES, FLOWMESH_FLOW_A_RX_PACKETS,
	FLOWMESH_FLOW_A_FIRST_SEEN, FLOWMESH_FLOW_A_LAST_SEEN,
};

static bool is_required(uint16_t type)
{
	size_t i;

	for (i = 0; i < sizeof(required) / sizeof(*required); i++)
		if (required[i] == type)
			return true;
	return false;
}

static void test_flow_missing_attribute(void **state)
{
	struct fm_flow in;
	size_t i;

	(void)state;
	nlb_flow_v4(&in);
	for (i = 0; i < sizeof(required) / sizeof(*required); i++) {
		struct nlb_opts opts = { .omit = required[i] };

		if (parse_spoiled(&in, &opts) != -EBADMSG)
			fail_msg("flow without attribute %u parsed", required[i]);
	}
}

/* The attributes added with the event rings may each be missing. */
static void test_flow_optional_attributes(void **state)
{
	struct fm_flow in, out;
	union nlb_msg m;
	uint16_t type;

	(void)state;
	for (type = FLOWMESH_FLOW_A_ID; type <= FLOWMESH_FLOW_A_MAX; type++) {
		struct nlb_opts opts = { .omit = type };

		assert_false(is_required(type));
		nlb_flow_v4(&in);
		assert_int_equal(parse_copy(nlb_flow(m.buf, &in, &opts), &out),
				 0);
		assert_false(fm_flow_has(&out, type));
		/* what was left out reads as zero, the rest as sent */
		in.attrs &= ~(1ull << type);
		switch (type) {
		case FLOWMESH_FLOW_A_ID: in.id = 0; break;
		case FLOWMESH_FLOW_A_STATE: in.state = 0; break;
		case FLOWMESH_FLOW_A_TCP_FLAGS_TX: in.tcp_flags_tx = 0; break;
		case FLOWMESH_FLOW_A_TCP_FLAGS_RX: in.tcp_flags_rx = 0; break;
		case FLOWMESH_FLOW_A_RETRANSMITS: in.retransmits = 0; break;
		case FLOWMESH_FLOW_A_RESETS: in.resets = 0; break;
		case FLOWMESH_FLOW_A_ZERO_WINDOWS: in.zero_windows = 0; break;
		case FLOWMESH_FLOW_A_RTT_HS_CLIENT: in.rtt_hs_client_us = 0; break;
		case FLOWMESH_FLOW_A_RTT_HS_SERVER: in.rtt_hs_server_us = 0; break;
		case FLOWMESH_FLOW_A_L7_PROTO: in.l7_proto = 0; break;
		case FLOWMESH_FLOW_A_SAMPLED: in.sampled = 0; break;
		case FLOWMESH_FLOW_A_RTT:
			memset(&in.rtt, 0, sizeof(in.rtt));
			break;
		case FLOWMESH_FLOW_A_RESPONSE:
			memset(&in.response, 0, sizeof(in.response));
			break;
		}
		assert_flow_equal(&out, &in);
	}

	/* a flow as the first version of the module sent it */
	nlb_flow_v4(&in);
	in.attrs = 0;
	memset(&in.rtt, 0, sizeof(in.rtt));
	memset(&in.response, 0, sizeof(in.response));
	assert_int_equal(parse_copy(nlb_flow(m.buf, &in, NULL), &out), 0);
	assert_int_equal(out.attrs, 0);
	assert_int_equal(out.rtt.count, 0);
	assert_false(out.rtt.has_hist);
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
		{ FLOWMESH_FLOW_A_ID, 4 },
		{ FLOWMESH_FLOW_A_ID, 16 },
		{ FLOWMESH_FLOW_A_STATE, 0 },
		{ FLOWMESH_FLOW_A_STATE, 4 },
		{ FLOWMESH_FLOW_A_TCP_FLAGS_TX, 2 },
		{ FLOWMESH_FLOW_A_TCP_FLAGS_RX, 4 },
		{ FLOWMESH_FLOW_A_RETRANSMITS, 8 },
		{ FLOWMESH_FLOW_A_RESETS, 2 },
		{ FLOWMESH_FLOW_A_ZERO_WINDOWS, 1 },
		{ FLOWMESH_FLOW_A_RTT_HS_CLIENT, 8 },
		{ FLOWMESH_FLOW_A_RTT_HS_SERVER, 0 },
		/* nests too short to be one, or not made of attributes */
		{ FLOWMESH_FLOW_A_RTT, 2 },
		{ FLOWMESH_FLOW_A_RTT, 8 },
		{ FLOWMESH_FLOW_A_RESPONSE, 3 },
		{ FLOWMESH_FLOW_A_RESPONSE, 6 },
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
	nlb_flow_v4(&in);
	for (type = FLOWMESH_FLOW_A_FAMILY; type <= FLOWMESH_FLOW_A_MAX; type++) {
		struct nlb_opts opts = { .nested = type };

		if (type == FLOWMESH_FLOW_A_RTT ||
		    type == FLOWMESH_FLOW_A_RESPONSE)
			continue;	/* nests already */

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

/* Inside a latency nest: the count always, figures when there are samples. */
static void test_flow_latency_nest(void **state)
{
	static const uint16_t figures[] = {
		FLOWMESH_LAT_A_SUM_US, FLOWMESH_LAT_A_MIN_US,
		FLOWMESH_LAT_A_MAX_US, FLOWMESH_LAT_A_LAST_US,
	};
	static const struct {
		uint16_t type;
		uint16_t len;
	} bad[] = {
		{ FLOWMESH_LAT_A_COUNT, 8 }, { FLOWMESH_LAT_A_SUM_US, 4 },
		{ FLOWMESH_LAT_A_MIN_US, 2 }, { FLOWMESH_LAT_A_MAX_US, 8 },
		{ FLOWMESH_LAT_A_LAST_US, 0 },
		{ FLOWMESH_LAT_A_HIST, 60 }, { FLOWMESH_LAT_A_HIST, 68 },
		{ FLOWMESH_LAT_A_HIST, 0 }, { FLOWMESH_LAT_A_HIST, 128 },
	};
	struct fm_flow in, out;
	union nlb_msg m;
	size_t i;

	(void)state;
	nlb_flow_v4(&in);
	{
		struct nlb_opts opts = { .inner_omit = FLOWMESH_LAT_A_COUNT };

		assert_int_equal(parse_spoiled(&in, &opts), -EBADMSG);
	}
	for (i = 0; i < sizeof(figures) / sizeof(*figures); i++) {
		struct nlb_opts opts = { .inner_omit = figures[i] };

		/* with samples a figure is missing; without, none is needed */
		assert_int_equal(parse_spoiled(&in, &opts), -EBADMSG);
		nlb_flow_v6(&in);
		assert_int_equal(in.rtt.count, 0);
		opts.omit = FLOWMESH_FLOW_A_RESPONSE;
		assert_int_equal(parse_copy(nlb_flow(m.buf, &in, &opts), &out),
				 0);
		nlb_flow_v4(&in);
	}
	for (i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		struct nlb_opts opts = { .inner_resize = bad[i].type,
					 .inner_resize_len = bad[i].len };

		if (parse_spoiled(&in, &opts) != -EBADMSG)
			fail_msg("latency attribute %u with %u bytes parsed",
				 bad[i].type, bad[i].len);
	}
	{
		struct nlb_opts opts = { .inner_nested = FLOWMESH_LAT_A_COUNT };

		assert_int_equal(parse_spoiled(&in, &opts), -EBADMSG);
	}
	/* no histogram is fine: it reads as absent */
	{
		struct nlb_opts opts = { .inner_omit = FLOWMESH_LAT_A_HIST };

		assert_int_equal(parse_copy(nlb_flow(m.buf, &in, &opts), &out),
				 0);
		assert_false(out.rtt.has_hist);
		assert_int_equal(out.rtt.count, 3);
	}
	/* unknown attributes and padding inside are skipped */
	{
		struct nlb_opts opts = { .inner_unknown = FLOWMESH_LAT_A_MAX + 1,
					 .pad64 = true };

		assert_int_equal(parse_copy(nlb_flow(m.buf, &in, &opts), &out),
				 0);
		assert_flow_equal(&out, &in);
	}
}

static void test_flow_names(void **state)
{
	const char *names[8];
	size_t n;

	(void)state;
	assert_string_equal(fm_state_name(FLOWMESH_STATE_OPEN), "open");
	assert_string_equal(fm_state_name(FLOWMESH_STATE_ESTABLISHED),
			    "established");
	assert_string_equal(fm_state_name(FLOWMESH_STATE_CLOSING), "closing");
	assert_string_equal(fm_state_name(FLOWMESH_STATE_CLOSED), "closed");
	assert_null(fm_state_name(__FLOWMESH_STATE_MAX));
	assert_null(fm_state_name(255));

	assert_int_equal(fm_tcp_flag_names(0, names, 8), 0);
	n = fm_tcp_flag_names(0x13, names, 8);	/* FIN SYN ACK */
	assert_int_equal(n, 3);
	assert_string_equal(names[0], "SYN");
	assert_string_equal(names[1], "ACK");
	assert_string_equal(names[2], "FIN");
	assert_int_equal(fm_tcp_flag_names(0xff, names, 8), 8);
	assert_string_equal(names[7], "RST");
	assert_int_equal(fm_tcp_flag_names(0xff, names, 2), 2);
}

static json_t *json_of(const struct fm_flow *f)
{
	json_t *obj = fm_flow_to_json(f);

	assert_non_null(obj);
	return obj;
}

/* TCP-only values are null on UDP flows, even if a kernel sent them. */
static void test_flow_json_udp(void **state)
{
	static const char *const tcp_only[] = {
		"tcp_flags_tx", "tcp_flags_rx", "retransmits", "resets",
		"zero_windows", "rtt_handshake_client_us",
		"rtt_handshake_server_us",
	};
	struct fm_flow f;
	json_t *obj, *rtt;
	size_t i;

	(void)state;
	nlb_flow_v4(&f);
	f.proto = IPPROTO_UDP;
	f.rtt_hs_client_us = f.rtt_hs_server_us = 0;
	obj = json_of(&f);
	for (i = 0; i < sizeof(tcp_only) / sizeof(*tcp_only); i++)
		if (!json_is_null(json_object_get(obj, tcp_only[i])))
			fail_msg("%s is not null on UDP", tcp_only[i]);
	json_decref(obj);

	/* no samples: counts of zero, null figures */
	nlb_flow_v6(&f);
	obj = json_of(&f);
	rtt = json_object_get(obj, "rtt_us");
	assert_int_equal(json_integer_value(json_object_get(rtt, "samples")), 0);
	assert_true(json_is_null(json_object_get(rtt, "min")));
	assert_true(json_is_null(json_object_get(rtt, "avg")));
	assert_true(json_is_null(json_object_get(rtt, "max")));
	assert_true(json_is_null(json_object_get(rtt, "last")));
	assert_int_equal(json_array_size(json_object_get(rtt, "hist")),
			 FLOWMESH_HIST_BUCKETS);
	json_decref(obj);
}

static void test_flow_json_tcp(void **state)
{
	struct fm_flow f;
	json_t *obj, *flags, *rtt, *resp;

	(void)state;
	nlb_flow_v4(&f);
	obj = json_of(&f);
	assert_int_equal(json_integer_value(json_object_get(obj, "id")), 1001);
	assert_string_equal(json_string_value(json_object_get(obj, "state")),
			    "established");
	flags = json_object_get(obj, "tcp_flags_tx");
	assert_int_equal(json_array_size(flags), 4);
	assert_string_equal(json_string_value(json_array_get(flags, 0)), "SYN");
	assert_string_equal(json_string_value(json_array_get(flags, 3)), "FIN");
	assert_int_equal(json_integer_value(json_object_get(obj, "resets")), 0);
	assert_int_equal(json_integer_value(json_object_get(obj,
				"rtt_handshake_server_us")), 1200);
	rtt = json_object_get(obj, "rtt_us");
	/* 4501 / 3 = 1500.333... to the nanosecond */
	assert_true(json_real_value(json_object_get(rtt, "avg")) > 1500.3329 &&
		    json_real_value(json_object_get(rtt, "avg")) < 1500.3331);
	assert_int_equal(json_integer_value(json_object_get(rtt, "min")), 1000);
	assert_int_equal(json_integer_value(json_object_get(rtt, "samples")), 3);
	resp = json_object_get(obj, "response_us");
	assert_int_equal(json_integer_value(json_object_get(resp, "count")), 2);
	assert_true(json_real_value(json_object_get(resp, "avg")) == 15000.0);
	json_decref(obj);

	/* absent or unknown: null */
	f.attrs &= ~(1ull << FLOWMESH_FLOW_A_ID | 1ull << FLOWMESH_FLOW_A_RESETS |
		     1ull << FLOWMESH_FLOW_A_TCP_FLAGS_RX);
	f.state = 9;
	f.rtt_hs_client_us = 0;
	f.response.has_hist = false;
	obj = json_of(&f);
	assert_true(json_is_null(json_object_get(obj, "id")));
	assert_true(json_is_null(json_object_get(obj, "state")));
	assert_true(json_is_null(json_object_get(obj, "resets")));
	assert_true(json_is_null(json_object_get(obj, "tcp_flags_rx")));
	assert_true(json_is_null(json_object_get(obj,
				"rtt_handshake_client_us")));
	assert_true(json_is_null(json_object_get(
		json_object_get(obj, "response_us"), "hist")));
	/* flags present but none set: an empty list */
	json_decref(obj);
	f.tcp_flags_tx = 0;
	obj = json_of(&f);
	assert_true(json_is_array(json_object_get(obj, "tcp_flags_tx")));
	assert_int_equal(json_array_size(json_object_get(obj, "tcp_flags_tx")),
			 0);
	json_decref(obj);
}

/* The filter goes to the kernel as one nest with what was asked for. */
static void test_flow_filter_encoding(void **state)
{
	struct fm_flow_filter f = {
		.netns_set = true, .netns = 4026531840u, .proto = IPPROTO_TCP,
		.family = AF_INET6, .addr_len = 16, .port = 443,
	};
	const struct nlattr *tb[FLOWMESH_FILTER_A_MAX + 1] = { NULL };
	union nlb_msg m;
	struct nlmsghdr *nlh;
	struct nlattr *attr, *nest = NULL;
	int n = 0;

	(void)state;
	inet_pton(AF_INET6, "fd00::53", f.addr);
	nlh = nlb_genl(m.buf, NLB_FAMILY_ID, 0, FLOWMESH_CMD_GET_FLOW);
	assert_int_equal(fm_flow_filter_put(nlh, sizeof(m.buf), &f), 0);
	mnl_attr_for_each(attr, nlh, GENL_HDRLEN) {
		nest = attr;
		n++;
	}
	assert_int_equal(n, 1);
	assert_int_equal(mnl_attr_get_type(nest), FLOWMESH_A_FILTER);
	/* the kernel's strict validation wants the flag on nests */
	assert_true(nest->nla_type & NLA_F_NESTED);
	n = 0;
	mnl_attr_for_each_nested(attr, nest) {
		tb[mnl_attr_get_type(attr)] = attr;
		n++;
	}
	assert_int_equal(n, 5);
	assert_int_equal(mnl_attr_get_payload_len(tb[FLOWMESH_FILTER_A_NETNS]), 4);
	assert_int_equal(mnl_attr_get_u32(tb[FLOWMESH_FILTER_A_NETNS]),
			 4026531840u);
	assert_int_equal(mnl_attr_get_payload_len(tb[FLOWMESH_FILTER_A_PROTO]), 1);
	assert_int_equal(mnl_attr_get_u8(tb[FLOWMESH_FILTER_A_PROTO]),
			 IPPROTO_TCP);
	assert_int_equal(mnl_attr_get_u8(tb[FLOWMESH_FILTER_A_FAMILY]),
			 AF_INET6);
	assert_int_equal(mnl_attr_get_payload_len(tb[FLOWMESH_FILTER_A_ADDR]),
			 16);
	assert_memory_equal(mnl_attr_get_payload(tb[FLOWMESH_FILTER_A_ADDR]),
			    f.addr, 16);
	assert_int_equal(mnl_attr_get_payload_len(tb[FLOWMESH_FILTER_A_PORT]), 2);
	assert_int_equal(mnl_attr_get_u16(tb[FLOWMESH_FILTER_A_PORT]), 443);

	/* only what is set */
	f = (struct fm_flow_filter){ .addr_len = 4, .addr = { 198, 18, 0, 1 } };
	nlh = nlb_genl(m.buf, NLB_FAMILY_ID, 0, FLOWMESH_CMD_GET_FLOW);
	assert_int_equal(fm_flow_filter_put(nlh, sizeof(m.buf), &f), 0);
	nest = mnl_nlmsg_get_payload_offset(nlh, GENL_HDRLEN);
	n = 0;
	mnl_attr_for_each_nested(attr, nest) {
		assert_int_equal(mnl_attr_get_type(attr), FLOWMESH_FILTER_A_ADDR);
		assert_int_equal(mnl_attr_get_payload_len(attr), 4);
		n++;
	}
	assert_int_equal(n, 1);

	/* nothing asked: no nest at all */
	f = (struct fm_flow_filter){ 0 };
	nlh = nlb_genl(m.buf, NLB_FAMILY_ID, 0, FLOWMESH_CMD_GET_FLOW);
	assert_int_equal(fm_flow_filter_put(nlh, sizeof(m.buf), &f), 0);
	assert_int_equal(fm_flow_filter_put(nlh, sizeof(m.buf), NULL), 0);
	assert_int_equal(nlh->nlmsg_len, NLMSG_HDRLEN + GENL_HDRLEN);

	/* no room: an error, and the request left as it was */
	f.port = 80;
	assert_int_equal(fm_flow_filter_put(nlh, nlh->nlmsg_len + 8, &f),
			 -EMSGSIZE);
	assert_int_equal(nlh->nlmsg_len, NLMSG_HDRLEN + GENL_HDRLEN);
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
		cmocka_unit_test(test_flow_optional_attributes),
		cmocka_unit_test(test_flow_address_length),
		cmocka_unit_test(test_flow_scalar_length),
		cmocka_unit_test(test_flow_nested_flag_on_scalar),
		cmocka_unit_test(test_flow_bad_values),
		cmocka_unit_test(test_flow_unknown_attributes),
		cmocka_unit_test(test_flow_truncated),
		cmocka_unit_test(test_flow_trailing_garbage),
		cmocka_unit_test(test_flow_wrong_message),
		cmocka_unit_test(test_flow_latency_nest),
		cmocka_unit_test(test_flow_names),
		cmocka_unit_test(test_flow_json_udp),
		cmocka_unit_test(test_flow_json_tcp),
		cmocka_unit_test(test_flow_filter_encoding),
		cmocka_unit_test(test_flow_sort),
		cmocka_unit_test(test_flow_list_grows),
	};

	return cmocka_run_group_tests_name("flow", tests, NULL, NULL);
}
