// SPDX-License-Identifier: GPL-2.0
/* FLOWMESH_CMD_DRAIN: event records, their checks, JSON, the dump. */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <linux/flowmesh.h>
#include "lib/addr.h"
#include "lib/attr.h"
#include "lib/flow.h"
#include "lib/genl.h"
#include "lib/json.h"
#include "lib/record.h"
#include "l7/l7.h"

/* The layout is the contract; it only grows into its reserved fields. */
_Static_assert(sizeof(struct flowmesh_record) == 160,
	       "struct flowmesh_record is 160 bytes");

const char *fm_record_type_name(uint8_t type)
{
	switch (type) {
	case FLOWMESH_REC_OPEN:
		return "open";
	case FLOWMESH_REC_UPDATE:
		return "update";
	case FLOWMESH_REC_CLOSE:
		return "close";
	case FLOWMESH_REC_RTT:
		return "rtt";
	case FLOWMESH_REC_RESPONSE:
		return "response";
	}
	return NULL;
}

static bool fm_record_ok(const struct flowmesh_record *rec)
{
	return (rec->family == AF_INET || rec->family == AF_INET6) &&
	       fm_proto_name(rec->proto);
}

int fm_records_decode(const void *payload, size_t len, fm_record_cb cb,
		      void *data, size_t *count)
{
	const size_t size = sizeof(struct flowmesh_record);
	struct flowmesh_record rec;
	const char *pos = payload;
	size_t i, n;
	int err;

	if (count)
		*count = 0;
	if (len % size)
		return -EBADMSG;
	n = len / size;
	/* all or nothing: a broken batch hands out none of its records */
	for (i = 0; i < n; i++) {
		memcpy(&rec, pos + i * size, size);
		if (!fm_record_ok(&rec))
			return -EBADMSG;
	}
	if (count)
		*count = n;
	for (i = 0; i < n; i++) {
		memcpy(&rec, pos + i * size, size);
		if (!fm_record_type_name(rec.type))
			continue;	/* newer than this program */
		err = cb(&rec, data);
		if (err < 0)
			return err;
	}
	return 0;
}

int fm_records_parse(const struct nlmsghdr *nlh, fm_record_cb cb, void *data,
		     size_t *count)
{
	const struct nlattr *top[FLOWMESH_A_MAX + 1] = { NULL };
	const struct nlattr *attr;
	int err;

	if (count)
		*count = 0;
	err = fm_genl_parse(nlh, FLOWMESH_CMD_DRAIN, fm_parse_flowmesh_attr_cb,
			    top);
	if (err)
		return err;
	attr = top[FLOWMESH_A_RECORDS];
	if (!attr)
		return -EBADMSG;
	return fm_records_decode(mnl_attr_get_payload(attr),
				 mnl_attr_get_payload_len(attr), cb, data,
				 count);
}

/* A TCP-only counter: null on UDP records. */
static json_t *fm_record_tcp_json(const struct flowmesh_record *rec,
				  uint32_t v)
{
	return fm_json_uint_or_null(rec->proto == IPPROTO_TCP, v);
}

json_t *fm_record_to_json(const struct flowmesh_record *rec)
{
	char client[FM_ADDR_STRLEN], server[FM_ADDR_STRLEN];
	const char *type = fm_record_type_name(rec->type);
	const char *state = fm_state_name(rec->state);
	bool rtt = rec->rtt_samples > 0, resp = rec->response_count > 0;
	json_t *obj;
	int err = 0;

	if (!type || !fm_record_ok(rec) ||
	    fm_addr_str(rec->family, rec->client, client, sizeof(client)) < 0 ||
	    fm_addr_str(rec->family, rec->server, server, sizeof(server)) < 0)
		return NULL;
	obj = json_pack("{s:s, s:I, s:f, s:s, s:i, s:I, s:s, s:s, s:i, s:i,"
			" s:o, s:I, s:I, s:I, s:I}",
			"type", type,
			"flow_id", fm_json_uint(rec->flow_id),
			"time", fm_json_seconds(rec->time_ns),
			"proto", fm_proto_name(rec->proto),
			"family", rec->family == AF_INET ? 4 : 6,
			"netns", (json_int_t)rec->netns,
			"client", client,
			"server", server,
			"client_port", (int)rec->client_port,
			"server_port", (int)rec->server_port,
			"state", state ? json_string(state) : json_null(),
			"tx_bytes", fm_json_uint(rec->tx_bytes),
			"tx_packets", fm_json_uint(rec->tx_packets),
			"rx_bytes", fm_json_uint(rec->rx_bytes),
			"rx_packets", fm_json_uint(rec->rx_packets));
	if (!obj)
		return NULL;
	if (rec->type == FLOWMESH_REC_RTT || rec->type == FLOWMESH_REC_RESPONSE)
		err |= fm_json_put(obj, "value_us", json_integer(rec->value_us));
	err |= fm_json_put(obj, "rtt_samples", json_integer(rec->rtt_samples));
	err |= fm_json_put(obj, "rtt_min_us",
			   fm_json_uint_or_null(rtt, rec->rtt_min_us));
	err |= fm_json_put(obj, "rtt_max_us",
			   fm_json_uint_or_null(rtt, rec->rtt_max_us));
	err |= fm_json_put(obj, "rtt_avg_us",
			   fm_json_avg(rec->rtt_sum_us, rec->rtt_samples));
	err |= fm_json_put(obj, "rtt_handshake_client_us",
			   fm_json_uint_or_null(rec->rtt_hs_client_us != 0,
						rec->rtt_hs_client_us));
	err |= fm_json_put(obj, "rtt_handshake_server_us",
			   fm_json_uint_or_null(rec->rtt_hs_server_us != 0,
						rec->rtt_hs_server_us));
	err |= fm_json_put(obj, "response_count",
			   json_integer(rec->response_count));
	err |= fm_json_put(obj, "response_avg_us",
			   fm_json_avg(rec->response_sum_us,
				       rec->response_count));
	err |= fm_json_put(obj, "response_max_us",
			   fm_json_uint_or_null(resp, rec->response_max_us));
	err |= fm_json_put(obj, "retransmits",
			   fm_record_tcp_json(rec, rec->retransmits));
	err |= fm_json_put(obj, "resets", fm_record_tcp_json(rec, rec->resets));
	err |= fm_json_put(obj, "zero_windows",
			   fm_record_tcp_json(rec, rec->zero_windows));
	err |= fm_json_put(obj, "protocol",
			   json_string(fm_l7_proto_name(rec->l7_proto)));
	if (err) {
		json_decref(obj);
		return NULL;
	}
	return obj;
}

struct fm_drain_ctx {
	fm_record_cb cb;
	void *data;
	size_t count;
};

static int fm_drain_msg_cb(const struct nlmsghdr *nlh, void *data)
{
	struct fm_drain_ctx *ctx = data;
	size_t n = 0;
	int err;

	err = fm_records_parse(nlh, ctx->cb, ctx->data, &n);
	ctx->count += n;
	return err;
}

int fm_drain(struct fm_nl *nl, fm_record_cb cb, void *data, size_t *count)
{
	struct fm_drain_ctx ctx = { .cb = cb, .data = data };
	int err;

	/* NLM_F_DUMP_INTR means nothing here: every record is new */
	err = fm_nl_request(nl, FLOWMESH_CMD_DRAIN, NLM_F_DUMP, NULL, NULL,
			    fm_drain_msg_cb, &ctx, NULL);
	if (count)
		*count = ctx.count;
	return err;
}
