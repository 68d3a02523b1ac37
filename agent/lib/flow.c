// SPDX-License-Identifier: GPL-2.0
/* FLOWMESH_CMD_GET_FLOW replies: parsing, ordering, JSON, the dump. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <linux/flowmesh.h>
#include "lib/addr.h"
#include "lib/attr.h"
#include "lib/flow.h"
#include "lib/genl.h"
#include "lib/json.h"

static const uint16_t fm_flow_required[] = {
	FLOWMESH_FLOW_A_FAMILY,
	FLOWMESH_FLOW_A_PROTO,
	FLOWMESH_FLOW_A_NETNS,
	FLOWMESH_FLOW_A_CLIENT_ADDR,
	FLOWMESH_FLOW_A_SERVER_ADDR,
	FLOWMESH_FLOW_A_CLIENT_PORT,
	FLOWMESH_FLOW_A_SERVER_PORT,
	FLOWMESH_FLOW_A_TX_BYTES,
	FLOWMESH_FLOW_A_TX_PACKETS,
	FLOWMESH_FLOW_A_RX_BYTES,
	FLOWMESH_FLOW_A_RX_PACKETS,
	FLOWMESH_FLOW_A_FIRST_SEEN,
	FLOWMESH_FLOW_A_LAST_SEEN,
};

static int parse_flow_attr_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;
	uint16_t type = mnl_attr_get_type(attr);
	size_t len;

	switch (type) {
	case FLOWMESH_FLOW_A_FAMILY:
	case FLOWMESH_FLOW_A_PROTO:
		len = sizeof(uint8_t);
		break;
	case FLOWMESH_FLOW_A_NETNS:
		len = sizeof(uint32_t);
		break;
	case FLOWMESH_FLOW_A_CLIENT_ADDR:
	case FLOWMESH_FLOW_A_SERVER_ADDR:
		/* checked against the family once all are parsed */
		len = mnl_attr_get_payload_len(attr) == 4 ? 4 : 16;
		break;
	case FLOWMESH_FLOW_A_CLIENT_PORT:
	case FLOWMESH_FLOW_A_SERVER_PORT:
		len = sizeof(uint16_t);
		break;
	case FLOWMESH_FLOW_A_TX_BYTES:
	case FLOWMESH_FLOW_A_TX_PACKETS:
	case FLOWMESH_FLOW_A_RX_BYTES:
	case FLOWMESH_FLOW_A_RX_PACKETS:
	case FLOWMESH_FLOW_A_FIRST_SEEN:
	case FLOWMESH_FLOW_A_LAST_SEEN:
		len = sizeof(uint64_t);
		break;
	default:
		return MNL_CB_OK;	/* padding, or newer than us: skip */
	}
	if (!fm_attr_scalar_ok(attr, len))
		return MNL_CB_ERROR;
	tb[type] = attr;
	return MNL_CB_OK;
}

static int fm_flow_addr(const struct nlattr *attr, uint8_t family,
			uint8_t *addr)
{
	size_t len = family == AF_INET ? 4 : 16;

	if (mnl_attr_get_payload_len(attr) != len)
		return -EBADMSG;
	memcpy(addr, mnl_attr_get_payload(attr), len);
	return 0;
}

static int fm_flow_from_attrs(const struct nlattr **tb, struct fm_flow *flow)
{
	size_t i;

	for (i = 0; i < sizeof(fm_flow_required) / sizeof(*fm_flow_required); i++)
		if (!tb[fm_flow_required[i]])
			return -EBADMSG;

	memset(flow, 0, sizeof(*flow));
	flow->family = mnl_attr_get_u8(tb[FLOWMESH_FLOW_A_FAMILY]);
	flow->proto = mnl_attr_get_u8(tb[FLOWMESH_FLOW_A_PROTO]);
	if (flow->family != AF_INET && flow->family != AF_INET6)
		return -EBADMSG;
	if (!fm_proto_name(flow->proto))
		return -EBADMSG;
	if (fm_flow_addr(tb[FLOWMESH_FLOW_A_CLIENT_ADDR], flow->family,
			 flow->client) ||
	    fm_flow_addr(tb[FLOWMESH_FLOW_A_SERVER_ADDR], flow->family,
			 flow->server))
		return -EBADMSG;

	flow->netns = mnl_attr_get_u32(tb[FLOWMESH_FLOW_A_NETNS]);
	flow->client_port = mnl_attr_get_u16(tb[FLOWMESH_FLOW_A_CLIENT_PORT]);
	flow->server_port = mnl_attr_get_u16(tb[FLOWMESH_FLOW_A_SERVER_PORT]);
	flow->tx_bytes = mnl_attr_get_u64(tb[FLOWMESH_FLOW_A_TX_BYTES]);
	flow->tx_packets = mnl_attr_get_u64(tb[FLOWMESH_FLOW_A_TX_PACKETS]);
	flow->rx_bytes = mnl_attr_get_u64(tb[FLOWMESH_FLOW_A_RX_BYTES]);
	flow->rx_packets = mnl_attr_get_u64(tb[FLOWMESH_FLOW_A_RX_PACKETS]);
	flow->first_seen_ns = mnl_attr_get_u64(tb[FLOWMESH_FLOW_A_FIRST_SEEN]);
	flow->last_seen_ns = mnl_attr_get_u64(tb[FLOWMESH_FLOW_A_LAST_SEEN]);
	return 0;
}

int fm_flow_parse(const struct nlmsghdr *nlh, struct fm_flow *flow)
{
	const struct nlattr *top[FLOWMESH_A_MAX + 1] = { NULL };
	const struct nlattr *tb[FLOWMESH_FLOW_A_MAX + 1] = { NULL };
	int err;

	err = fm_genl_parse(nlh, FLOWMESH_CMD_GET_FLOW,
			    fm_parse_flowmesh_attr_cb, top);
	if (err)
		return err;
	if (!top[FLOWMESH_A_FLOW])
		return -EBADMSG;
	err = fm_attr_parse_nested(top[FLOWMESH_A_FLOW], parse_flow_attr_cb,
				   tb);
	if (err)
		return err;
	return fm_flow_from_attrs(tb, flow);
}

const char *fm_proto_name(uint8_t proto)
{
	switch (proto) {
	case IPPROTO_TCP:
		return "tcp";
	case IPPROTO_UDP:
		return "udp";
	}
	return NULL;
}

#define FM_CMP(a, b) do {			\
	if ((a) != (b))				\
		return (a) < (b) ? -1 : 1;	\
} while (0)

int fm_flow_cmp(const struct fm_flow *a, const struct fm_flow *b)
{
	int ret;

	FM_CMP(a->netns, b->netns);
	FM_CMP(a->proto, b->proto);
	FM_CMP(a->family, b->family);
	ret = memcmp(a->client, b->client, sizeof(a->client));
	if (ret)
		return ret;
	FM_CMP(a->client_port, b->client_port);
	ret = memcmp(a->server, b->server, sizeof(a->server));
	if (ret)
		return ret;
	FM_CMP(a->server_port, b->server_port);
	/* a tuple can repeat once its first flow expired */
	FM_CMP(a->first_seen_ns, b->first_seen_ns);
	FM_CMP(a->last_seen_ns, b->last_seen_ns);
	return 0;
}

static int fm_flow_qsort_cmp(const void *a, const void *b)
{
	return fm_flow_cmp(a, b);
}

void fm_flows_sort(struct fm_flows *flows)
{
	if (flows->len > 1)
		qsort(flows->v, flows->len, sizeof(*flows->v),
		      fm_flow_qsort_cmp);
}

json_t *fm_flow_to_json(const struct fm_flow *flow)
{
	char client[FM_ADDR_STRLEN], server[FM_ADDR_STRLEN];
	const char *proto = fm_proto_name(flow->proto);

	if (!proto ||
	    fm_addr_str(flow->family, flow->client, client, sizeof(client)) < 0 ||
	    fm_addr_str(flow->family, flow->server, server, sizeof(server)) < 0)
		return NULL;
	return json_pack("{s:s, s:i, s:I, s:s, s:s, s:i, s:i,"
			 " s:I, s:I, s:I, s:I, s:f, s:f}",
			 "proto", proto,
			 "family", flow->family == AF_INET ? 4 : 6,
			 "netns", (json_int_t)flow->netns,
			 "client", client,
			 "server", server,
			 "client_port", (int)flow->client_port,
			 "server_port", (int)flow->server_port,
			 "tx_bytes", fm_json_uint(flow->tx_bytes),
			 "tx_packets", fm_json_uint(flow->tx_packets),
			 "rx_bytes", fm_json_uint(flow->rx_bytes),
			 "rx_packets", fm_json_uint(flow->rx_packets),
			 "first_seen", fm_json_seconds(flow->first_seen_ns),
			 "last_seen", fm_json_seconds(flow->last_seen_ns));
}

json_t *fm_flows_to_json(const struct fm_flows *flows)
{
	json_t *array = json_array();
	size_t i;

	if (!array)
		return NULL;
	for (i = 0; i < flows->len; i++) {
		if (json_array_append_new(array,
					  fm_flow_to_json(&flows->v[i]))) {
			json_decref(array);
			return NULL;
		}
	}
	return array;
}

int fm_flows_add(struct fm_flows *flows, const struct fm_flow *flow)
{
	struct fm_flow *v;
	size_t cap;

	if (flows->len == flows->cap) {
		cap = flows->cap ? flows->cap * 2 : 64;
		v = reallocarray(flows->v, cap, sizeof(*v));
		if (!v)
			return -ENOMEM;
		flows->v = v;
		flows->cap = cap;
	}
	flows->v[flows->len++] = *flow;
	return 0;
}

void fm_flows_free(struct fm_flows *flows)
{
	free(flows->v);
	memset(flows, 0, sizeof(*flows));
}

struct fm_flow_dump_ctx {
	const struct fm_flow_filter *filter;
	struct fm_flows *out;
};

static int fm_flow_dump_cb(const struct nlmsghdr *nlh, void *data)
{
	struct fm_flow_dump_ctx *ctx = data;
	const struct fm_flow_filter *filter = ctx->filter;
	struct fm_flow flow;
	int err;

	err = fm_flow_parse(nlh, &flow);
	if (err)
		return err;
	if (filter && filter->netns_set && flow.netns != filter->netns)
		return 0;
	return fm_flows_add(ctx->out, &flow);
}

static void fm_flow_dump_restart(void *data)
{
	struct fm_flow_dump_ctx *ctx = data;

	ctx->out->len = 0;
}

int fm_flow_dump(struct fm_nl *nl, const struct fm_flow_filter *filter,
		 struct fm_flows *out)
{
	struct fm_flow_dump_ctx ctx = { .filter = filter, .out = out };
	int err;

	err = fm_nl_dump(nl, FLOWMESH_CMD_GET_FLOW, fm_flow_dump_cb,
			 fm_flow_dump_restart, &ctx);
	if (err)
		out->len = 0;	/* a partial table would mislead */
	return err;
}
