// SPDX-License-Identifier: GPL-2.0
/* FLOWMESH_CMD_GET_FLOW: the filter, reply parsing, ordering, JSON. */
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
#include "l7/l7.h"

/* What every flow message has had since the first version. */
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

_Static_assert(FLOWMESH_FLOW_A_MAX < 64, "fm_flow.attrs has a bit per type");

static int parse_flow_attr_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;
	uint16_t type = mnl_attr_get_type(attr);
	size_t len;

	switch (type) {
	case FLOWMESH_FLOW_A_FAMILY:
	case FLOWMESH_FLOW_A_PROTO:
	case FLOWMESH_FLOW_A_STATE:
	case FLOWMESH_FLOW_A_TCP_FLAGS_TX:
	case FLOWMESH_FLOW_A_TCP_FLAGS_RX:
	case FLOWMESH_FLOW_A_L7_PROTO:
	case FLOWMESH_FLOW_A_SAMPLED:
		len = sizeof(uint8_t);
		break;
	case FLOWMESH_FLOW_A_NETNS:
	case FLOWMESH_FLOW_A_RETRANSMITS:
	case FLOWMESH_FLOW_A_RESETS:
	case FLOWMESH_FLOW_A_ZERO_WINDOWS:
	case FLOWMESH_FLOW_A_RTT_HS_CLIENT:
	case FLOWMESH_FLOW_A_RTT_HS_SERVER:
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
	case FLOWMESH_FLOW_A_ID:
		len = sizeof(uint64_t);
		break;
	case FLOWMESH_FLOW_A_RTT:
	case FLOWMESH_FLOW_A_RESPONSE:
		if (mnl_attr_validate(attr, MNL_TYPE_NESTED) < 0)
			return MNL_CB_ERROR;
		tb[type] = attr;
		return MNL_CB_OK;
	default:
		return MNL_CB_OK;	/* padding, or newer than us: skip */
	}
	if (!fm_attr_scalar_ok(attr, len))
		return MNL_CB_ERROR;
	tb[type] = attr;
	return MNL_CB_OK;
}

static int parse_latency_attr_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;
	uint16_t type = mnl_attr_get_type(attr);
	size_t len;

	switch (type) {
	case FLOWMESH_LAT_A_COUNT:
	case FLOWMESH_LAT_A_MIN_US:
	case FLOWMESH_LAT_A_MAX_US:
	case FLOWMESH_LAT_A_LAST_US:
		len = sizeof(uint32_t);
		break;
	case FLOWMESH_LAT_A_SUM_US:
		len = sizeof(uint64_t);
		break;
	case FLOWMESH_LAT_A_HIST:
		len = FLOWMESH_HIST_BUCKETS * sizeof(uint32_t);
		break;
	default:
		return MNL_CB_OK;	/* padding, or newer than us: skip */
	}
	if (!fm_attr_scalar_ok(attr, len))
		return MNL_CB_ERROR;
	tb[type] = attr;
	return MNL_CB_OK;
}

/*
 * A latency nest: the count always, the figures whenever there are
 * samples; the histogram is optional.
 */
static int fm_latency_parse(const struct nlattr *nest, struct fm_latency *l)
{
	const struct nlattr *tb[FLOWMESH_LAT_A_MAX + 1] = { NULL };
	int err;

	err = fm_attr_parse_nested(nest, parse_latency_attr_cb, tb);
	if (err)
		return err;
	if (!tb[FLOWMESH_LAT_A_COUNT])
		return -EBADMSG;
	l->count = mnl_attr_get_u32(tb[FLOWMESH_LAT_A_COUNT]);
	if (l->count) {
		if (!tb[FLOWMESH_LAT_A_SUM_US] || !tb[FLOWMESH_LAT_A_MIN_US] ||
		    !tb[FLOWMESH_LAT_A_MAX_US] || !tb[FLOWMESH_LAT_A_LAST_US])
			return -EBADMSG;
		l->sum_us = mnl_attr_get_u64(tb[FLOWMESH_LAT_A_SUM_US]);
		l->min_us = mnl_attr_get_u32(tb[FLOWMESH_LAT_A_MIN_US]);
		l->max_us = mnl_attr_get_u32(tb[FLOWMESH_LAT_A_MAX_US]);
		l->last_us = mnl_attr_get_u32(tb[FLOWMESH_LAT_A_LAST_US]);
	}
	if (tb[FLOWMESH_LAT_A_HIST]) {
		l->has_hist = true;
		memcpy(l->hist, mnl_attr_get_payload(tb[FLOWMESH_LAT_A_HIST]),
		       sizeof(l->hist));
	}
	return 0;
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

static void fm_flow_optional(const struct nlattr **tb, struct fm_flow *flow)
{
	uint16_t type;

	for (type = FLOWMESH_FLOW_A_ID; type <= FLOWMESH_FLOW_A_MAX; type++)
		if (tb[type])
			flow->attrs |= 1ull << type;
	if (tb[FLOWMESH_FLOW_A_ID])
		flow->id = mnl_attr_get_u64(tb[FLOWMESH_FLOW_A_ID]);
	if (tb[FLOWMESH_FLOW_A_STATE])
		flow->state = mnl_attr_get_u8(tb[FLOWMESH_FLOW_A_STATE]);
	if (tb[FLOWMESH_FLOW_A_TCP_FLAGS_TX])
		flow->tcp_flags_tx =
			mnl_attr_get_u8(tb[FLOWMESH_FLOW_A_TCP_FLAGS_TX]);
	if (tb[FLOWMESH_FLOW_A_TCP_FLAGS_RX])
		flow->tcp_flags_rx =
			mnl_attr_get_u8(tb[FLOWMESH_FLOW_A_TCP_FLAGS_RX]);
	if (tb[FLOWMESH_FLOW_A_RETRANSMITS])
		flow->retransmits =
			mnl_attr_get_u32(tb[FLOWMESH_FLOW_A_RETRANSMITS]);
	if (tb[FLOWMESH_FLOW_A_RESETS])
		flow->resets = mnl_attr_get_u32(tb[FLOWMESH_FLOW_A_RESETS]);
	if (tb[FLOWMESH_FLOW_A_ZERO_WINDOWS])
		flow->zero_windows =
			mnl_attr_get_u32(tb[FLOWMESH_FLOW_A_ZERO_WINDOWS]);
	if (tb[FLOWMESH_FLOW_A_RTT_HS_CLIENT])
		flow->rtt_hs_client_us =
			mnl_attr_get_u32(tb[FLOWMESH_FLOW_A_RTT_HS_CLIENT]);
	if (tb[FLOWMESH_FLOW_A_RTT_HS_SERVER])
		flow->rtt_hs_server_us =
			mnl_attr_get_u32(tb[FLOWMESH_FLOW_A_RTT_HS_SERVER]);
	if (tb[FLOWMESH_FLOW_A_L7_PROTO])
		flow->l7_proto = mnl_attr_get_u8(tb[FLOWMESH_FLOW_A_L7_PROTO]);
	if (tb[FLOWMESH_FLOW_A_SAMPLED])
		flow->sampled = mnl_attr_get_u8(tb[FLOWMESH_FLOW_A_SAMPLED]);
}

const char *fm_sampled_name(uint8_t sampled)
{
	if (sampled & FLOWMESH_SAMPLED_INSPECT)
		return "inspect";
	if (sampled & FLOWMESH_SAMPLED_DETECT)
		return "detect";
	return NULL;
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

	fm_flow_optional(tb, flow);
	if (tb[FLOWMESH_FLOW_A_RTT] &&
	    fm_latency_parse(tb[FLOWMESH_FLOW_A_RTT], &flow->rtt))
		return -EBADMSG;
	if (tb[FLOWMESH_FLOW_A_RESPONSE] &&
	    fm_latency_parse(tb[FLOWMESH_FLOW_A_RESPONSE], &flow->response))
		return -EBADMSG;
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

const char *fm_state_name(uint8_t state)
{
	static const char *const names[__FLOWMESH_STATE_MAX] = {
		[FLOWMESH_STATE_OPEN] = "open",
		[FLOWMESH_STATE_ESTABLISHED] = "established",
		[FLOWMESH_STATE_CLOSING] = "closing",
		[FLOWMESH_STATE_CLOSED] = "closed",
	};

	return state < __FLOWMESH_STATE_MAX ? names[state] : NULL;
}

size_t fm_tcp_flag_names(uint8_t flags, const char **names, size_t max)
{
	static const struct {
		uint8_t bit;
		const char *name;
	} order[] = {
		{ 0x02, "SYN" }, { 0x10, "ACK" }, { 0x08, "PSH" },
		{ 0x20, "URG" }, { 0x40, "ECE" }, { 0x80, "CWR" },
		{ 0x01, "FIN" }, { 0x04, "RST" },
	};
	size_t i, n = 0;

	for (i = 0; i < sizeof(order) / sizeof(*order) && n < max; i++)
		if (flags & order[i].bit)
			names[n++] = order[i].name;
	return n;
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
	FM_CMP(a->id, b->id);
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

/* TCP flags as names; null for UDP and when the kernel left them out. */
static json_t *fm_flow_flags_json(const struct fm_flow *flow, uint16_t attr,
				  uint8_t flags)
{
	const char *names[8];
	json_t *array;
	size_t i, n;

	if (flow->proto != IPPROTO_TCP || !fm_flow_has(flow, attr))
		return json_null();
	array = json_array();
	if (!array)
		return NULL;
	n = fm_tcp_flag_names(flags, names, 8);
	for (i = 0; i < n; i++) {
		if (json_array_append_new(array, json_string(names[i]))) {
			json_decref(array);
			return NULL;
		}
	}
	return array;
}

/* A TCP-only counter: null for UDP and when the kernel left it out. */
static json_t *fm_flow_tcp_json(const struct fm_flow *flow, uint16_t attr,
				uint32_t v)
{
	return fm_json_uint_or_null(flow->proto == IPPROTO_TCP &&
				    fm_flow_has(flow, attr), v);
}

static json_t *fm_hist_json(const struct fm_latency *l)
{
	json_t *array;
	size_t i;

	if (!l->has_hist)
		return json_null();
	array = json_array();
	if (!array)
		return NULL;
	for (i = 0; i < FLOWMESH_HIST_BUCKETS; i++) {
		if (json_array_append_new(array, json_integer(l->hist[i]))) {
			json_decref(array);
			return NULL;
		}
	}
	return array;
}

/*
 * rtt_us {min, avg, max, last, samples, hist} and response_us {count, avg,
 * max, min, last, hist}: the figures are null without samples.
 */
static json_t *fm_latency_json(const struct fm_latency *l, bool rtt)
{
	bool any = l->count > 0;
	json_t *obj = json_object();
	int err = 0;

	if (!obj)
		return NULL;
	if (!rtt)
		err |= fm_json_put(obj, "count", json_integer(l->count));
	else
		err |= fm_json_put(obj, "min",
				   fm_json_uint_or_null(any, l->min_us));
	err |= fm_json_put(obj, "avg", fm_json_avg(l->sum_us, l->count));
	err |= fm_json_put(obj, "max", fm_json_uint_or_null(any, l->max_us));
	if (!rtt)
		err |= fm_json_put(obj, "min",
				   fm_json_uint_or_null(any && !l->no_min,
							l->min_us));
	err |= fm_json_put(obj, "last",
			   fm_json_uint_or_null(any && !l->no_last, l->last_us));
	if (rtt)
		err |= fm_json_put(obj, "samples", json_integer(l->count));
	err |= fm_json_put(obj, "hist", fm_hist_json(l));
	if (err) {
		json_decref(obj);
		return NULL;
	}
	return obj;
}

json_t *fm_flow_to_json(const struct fm_flow *flow)
{
	char client[FM_ADDR_STRLEN], server[FM_ADDR_STRLEN];
	const char *proto = fm_proto_name(flow->proto);
	const char *state = fm_state_name(flow->state);
	const char *sampled;
	json_t *first_seen;
	json_t *obj;
	int err = 0;

	if (!proto ||
	    fm_addr_str(flow->family, flow->client, client, sizeof(client)) < 0 ||
	    fm_addr_str(flow->family, flow->server, server, sizeof(server)) < 0)
		return NULL;
	if (!fm_flow_has(flow, FLOWMESH_FLOW_A_STATE))
		state = NULL;
	/* 0: a closed flow whose opening flowmeshd did not see */
	first_seen = flow->first_seen_ns ?
		     json_real(fm_json_seconds(flow->first_seen_ns)) :
		     json_null();
	obj = json_pack("{s:o, s:s, s:i, s:I, s:s, s:s, s:i, s:i, s:o,"
			" s:I, s:I, s:I, s:I, s:o, s:f}",
			"id", fm_json_uint_or_null(fm_flow_has(flow,
						FLOWMESH_FLOW_A_ID), flow->id),
			"proto", proto,
			"family", flow->family == AF_INET ? 4 : 6,
			"netns", (json_int_t)flow->netns,
			"client", client,
			"server", server,
			"client_port", (int)flow->client_port,
			"server_port", (int)flow->server_port,
			"state", state ? json_string(state) : json_null(),
			"tx_bytes", fm_json_uint(flow->tx_bytes),
			"tx_packets", fm_json_uint(flow->tx_packets),
			"rx_bytes", fm_json_uint(flow->rx_bytes),
			"rx_packets", fm_json_uint(flow->rx_packets),
			"first_seen", first_seen,
			"last_seen", fm_json_seconds(flow->last_seen_ns));
	if (!obj)
		return NULL;
	err |= fm_json_put(obj, "tcp_flags_tx",
			   fm_flow_flags_json(flow, FLOWMESH_FLOW_A_TCP_FLAGS_TX,
					      flow->tcp_flags_tx));
	err |= fm_json_put(obj, "tcp_flags_rx",
			   fm_flow_flags_json(flow, FLOWMESH_FLOW_A_TCP_FLAGS_RX,
					      flow->tcp_flags_rx));
	err |= fm_json_put(obj, "retransmits",
			   fm_flow_tcp_json(flow, FLOWMESH_FLOW_A_RETRANSMITS,
					    flow->retransmits));
	err |= fm_json_put(obj, "resets",
			   fm_flow_tcp_json(flow, FLOWMESH_FLOW_A_RESETS,
					    flow->resets));
	err |= fm_json_put(obj, "zero_windows",
			   fm_flow_tcp_json(flow, FLOWMESH_FLOW_A_ZERO_WINDOWS,
					    flow->zero_windows));
	/* 0: no handshake seen (the flow predates the module, or is UDP) */
	err |= fm_json_put(obj, "rtt_handshake_client_us",
			   fm_json_uint_or_null(fm_flow_has(flow,
						FLOWMESH_FLOW_A_RTT_HS_CLIENT) &&
						flow->rtt_hs_client_us != 0,
						flow->rtt_hs_client_us));
	err |= fm_json_put(obj, "rtt_handshake_server_us",
			   fm_json_uint_or_null(fm_flow_has(flow,
						FLOWMESH_FLOW_A_RTT_HS_SERVER) &&
						flow->rtt_hs_server_us != 0,
						flow->rtt_hs_server_us));
	err |= fm_json_put(obj, "rtt_us", fm_latency_json(&flow->rtt, true));
	err |= fm_json_put(obj, "response_us",
			   fm_latency_json(&flow->response, false));
	/* absent: from a module or a store that predates L7 detection */
	err |= fm_json_put(obj, "protocol",
			   fm_flow_has(flow, FLOWMESH_FLOW_A_L7_PROTO) ?
			   json_string(fm_l7_proto_name(flow->l7_proto)) :
			   json_null());
	sampled = fm_flow_has(flow, FLOWMESH_FLOW_A_SAMPLED) ?
		  fm_sampled_name(flow->sampled) : NULL;
	err |= fm_json_put(obj, "sampled",
			   sampled ? json_string(sampled) : json_null());
	if (err) {
		json_decref(obj);
		return NULL;
	}
	return obj;
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

int fm_flow_filter_put(struct nlmsghdr *nlh, size_t buflen,
		       const struct fm_flow_filter *f)
{
	struct nlattr *nest;

	if (!f || (!f->netns_set && !f->proto && !f->family && !f->addr_len &&
		   !f->port))
		return 0;
	nest = mnl_attr_nest_start_check(nlh, buflen, FLOWMESH_A_FILTER);
	if (!nest)
		return -EMSGSIZE;
	if ((f->netns_set &&
	     !mnl_attr_put_u32_check(nlh, buflen, FLOWMESH_FILTER_A_NETNS,
				     f->netns)) ||
	    (f->proto &&
	     !mnl_attr_put_u8_check(nlh, buflen, FLOWMESH_FILTER_A_PROTO,
				    f->proto)) ||
	    (f->family &&
	     !mnl_attr_put_u8_check(nlh, buflen, FLOWMESH_FILTER_A_FAMILY,
				    f->family)) ||
	    (f->addr_len &&
	     !mnl_attr_put_check(nlh, buflen, FLOWMESH_FILTER_A_ADDR,
				 f->addr_len, f->addr)) ||
	    (f->port &&
	     !mnl_attr_put_u16_check(nlh, buflen, FLOWMESH_FILTER_A_PORT,
				     f->port))) {
		mnl_attr_nest_cancel(nlh, nest);
		return -EMSGSIZE;
	}
	mnl_attr_nest_end(nlh, nest);
	return 0;
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

static int fm_flow_filter_put_cb(struct nlmsghdr *nlh, size_t buflen,
				 const void *arg)
{
	return fm_flow_filter_put(nlh, buflen, arg);
}

int fm_flow_dump(struct fm_nl *nl, const struct fm_flow_filter *filter,
		 struct fm_flows *out)
{
	struct fm_flow_dump_ctx ctx = { .filter = filter, .out = out };
	int err;

	err = fm_nl_dump_req(nl, FLOWMESH_CMD_GET_FLOW, fm_flow_filter_put_cb,
			     filter, fm_flow_dump_cb, fm_flow_dump_restart,
			     &ctx);
	if (err)
		out->len = 0;	/* a partial table would mislead */
	return err;
}
