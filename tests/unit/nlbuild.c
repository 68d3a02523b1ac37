// SPDX-License-Identifier: GPL-2.0
#include <assert.h>
#include <string.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/flowmesh.h>
#include "nlbuild.h"

static void nlb_latency(struct fm_latency *l, uint32_t count, uint64_t sum,
			uint32_t min, uint32_t max, uint32_t last)
{
	size_t i;

	memset(l, 0, sizeof(*l));
	l->count = count;
	l->sum_us = sum;
	l->min_us = min;
	l->max_us = max;
	l->last_us = last;
	l->has_hist = true;
	/* any counts will do: distinct ones catch a mix-up */
	for (i = 0; i < FLOWMESH_HIST_BUCKETS && count; i++)
		l->hist[i] = (uint32_t)(i * 3 % 7);
}

#define NLB_ALL_OPTIONAL(f) do {					\
	uint16_t t_;							\
	for (t_ = FLOWMESH_FLOW_A_ID; t_ <= FLOWMESH_FLOW_A_MAX; t_++)	\
		(f)->attrs |= 1ull << t_;				\
} while (0)

void nlb_flow_v4(struct fm_flow *f)
{
	memset(f, 0, sizeof(*f));
	f->family = AF_INET;
	f->proto = IPPROTO_TCP;
	f->netns = 4026531840u;
	inet_pton(AF_INET, "198.18.0.2", f->client);
	inet_pton(AF_INET, "198.18.0.1", f->server);
	f->client_port = 43512;
	f->server_port = 80;
	f->tx_bytes = 1234;
	f->tx_packets = 10;
	f->rx_bytes = 567890;
	f->rx_packets = 12;
	f->first_seen_ns = 1700000000123456789ull;
	f->last_seen_ns = 1700000042000001000ull;
	NLB_ALL_OPTIONAL(f);
	f->id = 1001;
	f->state = FLOWMESH_STATE_ESTABLISHED;
	f->tcp_flags_tx = 0x1b;		/* SYN ACK PSH FIN */
	f->tcp_flags_rx = 0x1a;		/* SYN ACK PSH */
	f->retransmits = 2;
	f->resets = 0;
	f->zero_windows = 1;
	f->rtt_hs_client_us = 150;
	f->rtt_hs_server_us = 1200;
	nlb_latency(&f->rtt, 3, 4501, 1000, 2001, 1500);
	nlb_latency(&f->response, 2, 30000, 10000, 20000, 20000);
	f->l7_proto = FLOWMESH_L7_HTTP;
	f->sampled = FLOWMESH_SAMPLED_DETECT;
}

void nlb_flow_v6(struct fm_flow *f)
{
	memset(f, 0, sizeof(*f));
	f->family = AF_INET6;
	f->proto = IPPROTO_UDP;
	f->netns = 4026532001u;
	inet_pton(AF_INET6, "fd00::2", f->client);
	inet_pton(AF_INET6, "fd00::53", f->server);
	f->client_port = 53001;
	f->server_port = 53;
	f->tx_bytes = 76;
	f->tx_packets = 1;
	f->rx_bytes = 140;
	f->rx_packets = 1;
	f->first_seen_ns = 1700000100000000000ull;
	f->last_seen_ns = 1700000100000250000ull;
	/* what the kernel sends for UDP: no TCP-only attributes */
	f->attrs = 1ull << FLOWMESH_FLOW_A_ID | 1ull << FLOWMESH_FLOW_A_STATE |
		   1ull << FLOWMESH_FLOW_A_RTT |
		   1ull << FLOWMESH_FLOW_A_RESPONSE |
		   1ull << FLOWMESH_FLOW_A_L7_PROTO |
		   1ull << FLOWMESH_FLOW_A_SAMPLED;
	f->l7_proto = FLOWMESH_L7_DNS;
	f->sampled = FLOWMESH_SAMPLED_DETECT | FLOWMESH_SAMPLED_INSPECT;
	f->id = 2002;
	f->state = FLOWMESH_STATE_ESTABLISHED;
	nlb_latency(&f->rtt, 0, 0, 0, 0, 0);
	nlb_latency(&f->response, 1, 250, 250, 250, 250);
}

static struct fm_cpu_stats nlb_cpus[2] = {
	{ .cpu = 0, .records_produced = 5000, .records_drained = 4900,
	  .records_dropped = 60, .packets_seen = 600000000 },
	{ .cpu = 1, .records_produced = 3000, .records_drained = 2960,
	  .records_dropped = 2, .packets_seen = 387654321 },
};

void nlb_stats_sample(struct fm_stats *s)
{
	*s = (struct fm_stats){
		.flows_active = 12,
		.flows_max = 65536,
		.flows_created = 1200,
		.flows_expired = 1188,
		.flows_untracked = 3,
		.flows_evicted = 4,
		.alloc_failed = 1,
		.packets_seen = 987654321,
		.packets_skipped = 4321,
		.records_produced = 8000,
		.records_drained = 7860,
		.records_dropped = 62,
		.records_queued = 78,
		.present = (1u << FM_STATS_NFIELDS) - 1,
		.cpus = nlb_cpus,
		.ncpus = 2,
	};
}

void nlb_config_sample(struct fm_config *c)
{
	*c = (struct fm_config){
		.set = ((1u << (FLOWMESH_CONFIG_A_MAX + 1)) - 1) & ~1u,
		.max_flows = 262144,
		.timeout_tcp_open = 60,
		.timeout_tcp_established = 7200,
		.timeout_tcp_closing = 120,
		.timeout_tcp_closed = 10,
		.timeout_udp = 60,
		.update_interval = 10,
		.ring_size = 4096,
		.samples = FLOWMESH_SAMPLES_ALL,
		.skip_ports = { 22, 2049 },
		.nskip_ports = 2,
		.detect_packets = 4,
		.inspect_one_in = 100,
		.queue_num = 7000,
		.opaque_ports = { 3306, 6379, 11211 },
		.nopaque_ports = 3,
	};
}

void nlb_record_sample(struct flowmesh_record *r, unsigned int i)
{
	static const uint8_t types[] = {
		FLOWMESH_REC_OPEN, FLOWMESH_REC_RTT, FLOWMESH_REC_RESPONSE,
		FLOWMESH_REC_UPDATE, FLOWMESH_REC_CLOSE,
	};

	memset(r, 0, sizeof(*r));
	r->type = types[i % 5];
	r->flow_id = 1001 + i / 5;
	r->time_ns = 1700000000123456789ull + (uint64_t)i * 1500000000ull;
	if (i / 5 % 2) {
		r->family = AF_INET6;
		r->proto = IPPROTO_UDP;
		inet_pton(AF_INET6, "fd00::2", r->client);
		inet_pton(AF_INET6, "fd00::53", r->server);
		r->client_port = 53001;
		r->server_port = 53;
		r->netns = 4026532001u;
	} else {
		r->family = AF_INET;
		r->proto = IPPROTO_TCP;
		inet_pton(AF_INET, "198.18.0.2", r->client);
		inet_pton(AF_INET, "198.18.0.1", r->server);
		r->client_port = 43512;
		r->server_port = 80;
		r->netns = 4026531840u;
		r->rtt_hs_client_us = 150;
		r->rtt_hs_server_us = 1200;
		r->retransmits = i;
		r->zero_windows = 1;
	}
	r->state = r->type == FLOWMESH_REC_OPEN ? FLOWMESH_STATE_OPEN :
		   r->type == FLOWMESH_REC_CLOSE ? FLOWMESH_STATE_CLOSED :
		   FLOWMESH_STATE_ESTABLISHED;
	r->tx_bytes = 100 * (i + 1);
	r->tx_packets = i + 1;
	r->rx_bytes = 1000 * i;
	r->rx_packets = i;
	/* the agent names a flow's protocol after its first packets */
	if (r->type != FLOWMESH_REC_OPEN && r->proto == IPPROTO_TCP)
		r->l7_proto = FLOWMESH_L7_HTTP;
	if (r->type != FLOWMESH_REC_OPEN && r->proto == IPPROTO_TCP) {
		r->rtt_samples = 3;
		r->rtt_sum_us = 4501;
		r->rtt_min_us = 1000;
		r->rtt_max_us = 2001;
	}
	if (r->type == FLOWMESH_REC_RTT)
		r->value_us = 1500;
	if (r->type == FLOWMESH_REC_RESPONSE || r->type == FLOWMESH_REC_UPDATE ||
	    r->type == FLOWMESH_REC_CLOSE) {
		r->response_count = 2;
		r->response_sum_us = 30001;
		r->response_max_us = 20000;
	}
	if (r->type == FLOWMESH_REC_RESPONSE)
		r->value_us = 20000;
}

struct nlmsghdr *nlb_genl(void *buf, uint16_t type, uint16_t flags,
			  uint8_t cmd)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *genl;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	nlh->nlmsg_pid = NLB_PORTID;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = cmd;
	genl->version = FLOWMESH_GENL_VERSION;
	return nlh;
}

static const struct nlb_opts nlb_no_opts;

/* The spoilers for one level of nesting. */
struct nlb_level {
	uint16_t omit, resize, resize_len, nested, unknown;
	bool pad64;
};

static struct nlb_level nlb_outer(const struct nlb_opts *o)
{
	return (struct nlb_level){ o->omit, o->resize, o->resize_len,
				   o->nested, o->unknown, o->pad64 };
}

static struct nlb_level nlb_inner(const struct nlb_opts *o)
{
	return (struct nlb_level){ o->inner_omit, o->inner_resize,
				   o->inner_resize_len, o->inner_nested,
				   o->inner_unknown, o->pad64 };
}

/* Puts one attribute, spoiled the way @lv asks. */
static void nlb_put(struct nlmsghdr *nlh, const struct nlb_level *lv,
		    uint16_t type, const void *data, size_t len)
{
	char spoiled[256] = { 0 };
	struct nlattr *attr;

	if (type == lv->omit)
		return;
	if (type == lv->resize) {
		assert(lv->resize_len <= sizeof(spoiled));
		memcpy(spoiled, data, len < lv->resize_len ?
		       len : lv->resize_len);
		data = spoiled;
		len = lv->resize_len;
	}
	attr = mnl_nlmsg_get_payload_tail(nlh);
	mnl_attr_put(nlh, type, len, data);
	if (type == lv->nested)
		attr->nla_type |= NLA_F_NESTED;
}

static void nlb_put_u64(struct nlmsghdr *nlh, const struct nlb_level *lv,
			uint16_t pad, uint16_t type, uint64_t v)
{
	if (lv->pad64)
		mnl_attr_put(nlh, pad, 0, NULL);
	nlb_put(nlh, lv, type, &v, sizeof(v));
}

static void nlb_put_unknown(struct nlmsghdr *nlh, const struct nlb_level *lv)
{
	static const char junk[12] = "future attr";

	if (lv->unknown)
		mnl_attr_put(nlh, lv->unknown, sizeof(junk), junk);
}

/* A nest the outer level can omit, resize (to garbage) or un-nest. */
static struct nlattr *nlb_nest_start(struct nlmsghdr *nlh,
				     const struct nlb_level *outer,
				     uint16_t type)
{
	if (type == outer->omit || type == outer->resize)
		return NULL;
	return mnl_attr_nest_start(nlh, type);
}

static void nlb_nest_end(struct nlmsghdr *nlh, const struct nlb_level *outer,
			 uint16_t type, struct nlattr *nest)
{
	static const char junk[8] = "garbage";

	if (type == outer->resize) {
		assert(outer->resize_len <= sizeof(junk));
		mnl_attr_put(nlh, type, outer->resize_len, junk);
		return;
	}
	if (!nest)
		return;
	mnl_attr_nest_end(nlh, nest);
	if (type == outer->nested)
		nest->nla_type &= ~NLA_F_NESTED;	/* the flag, inverted */
}

static void nlb_latency_put(struct nlmsghdr *nlh, const struct nlb_opts *opts,
			    uint16_t type, const struct fm_latency *l)
{
	struct nlb_level outer = nlb_outer(opts), inner = nlb_inner(opts);
	struct nlattr *nest = nlb_nest_start(nlh, &outer, type);

	if (nest) {
		nlb_put_unknown(nlh, &inner);
		nlb_put(nlh, &inner, FLOWMESH_LAT_A_COUNT, &l->count, 4);
		nlb_put_u64(nlh, &inner, FLOWMESH_LAT_A_PAD,
			    FLOWMESH_LAT_A_SUM_US, l->sum_us);
		nlb_put(nlh, &inner, FLOWMESH_LAT_A_MIN_US, &l->min_us, 4);
		nlb_put(nlh, &inner, FLOWMESH_LAT_A_MAX_US, &l->max_us, 4);
		nlb_put(nlh, &inner, FLOWMESH_LAT_A_LAST_US, &l->last_us, 4);
		if (l->has_hist)
			nlb_put(nlh, &inner, FLOWMESH_LAT_A_HIST, l->hist,
				sizeof(l->hist));
	}
	nlb_nest_end(nlh, &outer, type, nest);
}

struct nlmsghdr *nlb_flow(void *buf, const struct fm_flow *f,
			  const struct nlb_opts *opts)
{
	size_t alen = f->family == AF_INET ? 4 : 16;
	struct nlb_level lv;
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	uint32_t netns = f->netns;

	if (!opts)
		opts = &nlb_no_opts;
	lv = nlb_outer(opts);
	nlh = nlb_genl(buf, NLB_FAMILY_ID, NLM_F_MULTI, FLOWMESH_CMD_GET_FLOW);
	nest = mnl_attr_nest_start(nlh, FLOWMESH_A_FLOW);
	nlb_put_unknown(nlh, &lv);
	nlb_put(nlh, &lv, FLOWMESH_FLOW_A_FAMILY, &f->family, 1);
	nlb_put(nlh, &lv, FLOWMESH_FLOW_A_PROTO, &f->proto, 1);
	nlb_put(nlh, &lv, FLOWMESH_FLOW_A_NETNS, &netns, 4);
	nlb_put(nlh, &lv, FLOWMESH_FLOW_A_CLIENT_ADDR, f->client, alen);
	nlb_put(nlh, &lv, FLOWMESH_FLOW_A_SERVER_ADDR, f->server, alen);
	nlb_put(nlh, &lv, FLOWMESH_FLOW_A_CLIENT_PORT, &f->client_port, 2);
	nlb_put(nlh, &lv, FLOWMESH_FLOW_A_SERVER_PORT, &f->server_port, 2);
	nlb_put_u64(nlh, &lv, FLOWMESH_FLOW_A_PAD, FLOWMESH_FLOW_A_TX_BYTES,
		    f->tx_bytes);
	nlb_put_u64(nlh, &lv, FLOWMESH_FLOW_A_PAD, FLOWMESH_FLOW_A_TX_PACKETS,
		    f->tx_packets);
	nlb_put_u64(nlh, &lv, FLOWMESH_FLOW_A_PAD, FLOWMESH_FLOW_A_RX_BYTES,
		    f->rx_bytes);
	nlb_put_u64(nlh, &lv, FLOWMESH_FLOW_A_PAD, FLOWMESH_FLOW_A_RX_PACKETS,
		    f->rx_packets);
	nlb_put_u64(nlh, &lv, FLOWMESH_FLOW_A_PAD, FLOWMESH_FLOW_A_FIRST_SEEN,
		    f->first_seen_ns);
	nlb_put_u64(nlh, &lv, FLOWMESH_FLOW_A_PAD, FLOWMESH_FLOW_A_LAST_SEEN,
		    f->last_seen_ns);
	if (fm_flow_has(f, FLOWMESH_FLOW_A_ID))
		nlb_put_u64(nlh, &lv, FLOWMESH_FLOW_A_PAD, FLOWMESH_FLOW_A_ID,
			    f->id);
	if (fm_flow_has(f, FLOWMESH_FLOW_A_STATE))
		nlb_put(nlh, &lv, FLOWMESH_FLOW_A_STATE, &f->state, 1);
	if (fm_flow_has(f, FLOWMESH_FLOW_A_TCP_FLAGS_TX))
		nlb_put(nlh, &lv, FLOWMESH_FLOW_A_TCP_FLAGS_TX,
			&f->tcp_flags_tx, 1);
	if (fm_flow_has(f, FLOWMESH_FLOW_A_TCP_FLAGS_RX))
		nlb_put(nlh, &lv, FLOWMESH_FLOW_A_TCP_FLAGS_RX,
			&f->tcp_flags_rx, 1);
	if (fm_flow_has(f, FLOWMESH_FLOW_A_RETRANSMITS))
		nlb_put(nlh, &lv, FLOWMESH_FLOW_A_RETRANSMITS,
			&f->retransmits, 4);
	if (fm_flow_has(f, FLOWMESH_FLOW_A_RESETS))
		nlb_put(nlh, &lv, FLOWMESH_FLOW_A_RESETS, &f->resets, 4);
	if (fm_flow_has(f, FLOWMESH_FLOW_A_ZERO_WINDOWS))
		nlb_put(nlh, &lv, FLOWMESH_FLOW_A_ZERO_WINDOWS,
			&f->zero_windows, 4);
	if (fm_flow_has(f, FLOWMESH_FLOW_A_RTT_HS_CLIENT))
		nlb_put(nlh, &lv, FLOWMESH_FLOW_A_RTT_HS_CLIENT,
			&f->rtt_hs_client_us, 4);
	if (fm_flow_has(f, FLOWMESH_FLOW_A_RTT_HS_SERVER))
		nlb_put(nlh, &lv, FLOWMESH_FLOW_A_RTT_HS_SERVER,
			&f->rtt_hs_server_us, 4);
	if (fm_flow_has(f, FLOWMESH_FLOW_A_RTT))
		nlb_latency_put(nlh, opts, FLOWMESH_FLOW_A_RTT, &f->rtt);
	if (fm_flow_has(f, FLOWMESH_FLOW_A_RESPONSE))
		nlb_latency_put(nlh, opts, FLOWMESH_FLOW_A_RESPONSE,
				&f->response);
	if (fm_flow_has(f, FLOWMESH_FLOW_A_L7_PROTO))
		nlb_put(nlh, &lv, FLOWMESH_FLOW_A_L7_PROTO, &f->l7_proto, 1);
	if (fm_flow_has(f, FLOWMESH_FLOW_A_SAMPLED))
		nlb_put(nlh, &lv, FLOWMESH_FLOW_A_SAMPLED, &f->sampled, 1);
	mnl_attr_nest_end(nlh, nest);
	return nlh;
}

static void nlb_cpu_put(struct nlmsghdr *nlh, const struct nlb_opts *opts,
			const struct fm_cpu_stats *c)
{
	struct nlb_level outer = nlb_outer(opts), inner = nlb_inner(opts);
	const struct fm_cpu_field *f;
	struct nlattr *nest = nlb_nest_start(nlh, &outer, FLOWMESH_STATS_A_CPU);

	if (nest) {
		nlb_put_unknown(nlh, &inner);
		nlb_put(nlh, &inner, FLOWMESH_CPU_A_ID, &c->cpu, 4);
		for (f = fm_cpu_fields; f < fm_cpu_fields + FM_CPU_NFIELDS; f++)
			nlb_put_u64(nlh, &inner, FLOWMESH_CPU_A_PAD, f->attr,
				    *(const uint64_t *)((const char *)c +
							f->offset));
	}
	nlb_nest_end(nlh, &outer, FLOWMESH_STATS_A_CPU, nest);
}

struct nlmsghdr *nlb_stats(void *buf, const struct fm_stats *s,
			   const struct nlb_opts *opts)
{
	const struct fm_stats_field *f;
	struct nlb_level lv;
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	size_t i;

	if (!opts)
		opts = &nlb_no_opts;
	lv = nlb_outer(opts);
	nlh = nlb_genl(buf, NLB_FAMILY_ID, 0, FLOWMESH_CMD_GET_STATS);
	nest = mnl_attr_nest_start(nlh, FLOWMESH_A_STATS);
	nlb_put_unknown(nlh, &lv);
	for (f = fm_stats_fields; f < fm_stats_fields + FM_STATS_NFIELDS; f++)
		if (fm_stats_present(s, f))
			nlb_put_u64(nlh, &lv, FLOWMESH_STATS_A_PAD, f->attr,
				    fm_stats_value(s, f));
	for (i = 0; i < s->ncpus; i++)
		nlb_cpu_put(nlh, opts, &s->cpus[i]);
	mnl_attr_nest_end(nlh, nest);
	return nlh;
}

struct nlmsghdr *nlb_config(void *buf, const struct fm_config *c,
			    const struct nlb_opts *opts)
{
	const struct fm_config_field *f;
	struct nlb_level lv;
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	uint32_t v;

	if (!opts)
		opts = &nlb_no_opts;
	lv = nlb_outer(opts);
	nlh = nlb_genl(buf, NLB_FAMILY_ID, 0, FLOWMESH_CMD_GET_CONFIG);
	nest = mnl_attr_nest_start(nlh, FLOWMESH_A_CONFIG);
	nlb_put_unknown(nlh, &lv);
	for (f = fm_config_fields; f < fm_config_fields + FM_CONFIG_NFIELDS; f++) {
		if (!fm_config_has(c, f->attr))
			continue;
		if (f->attr == FLOWMESH_CONFIG_A_OPAQUE_PORTS) {
			nlb_put(nlh, &lv, f->attr, c->opaque_ports,
				c->nopaque_ports * sizeof(uint16_t));
			continue;
		}
		if (f->kind == FM_CONFIG_PORTS) {
			nlb_put(nlh, &lv, f->attr, c->skip_ports,
				c->nskip_ports * sizeof(uint16_t));
			continue;
		}
		memcpy(&v, (const char *)c + f->offset, sizeof(v));
		nlb_put(nlh, &lv, f->attr, &v, sizeof(v));
	}
	mnl_attr_nest_end(nlh, nest);
	return nlh;
}

struct nlmsghdr *nlb_records(void *buf, const struct flowmesh_record *recs,
			     size_t n, size_t trim)
{
	size_t len = n * sizeof(*recs) - trim;
	struct nlmsghdr *nlh;

	assert(trim <= n * sizeof(*recs));
	assert(len + 64 <= NLB_MSG_SIZE);
	nlh = nlb_genl(buf, NLB_FAMILY_ID, NLM_F_MULTI, FLOWMESH_CMD_DRAIN);
	mnl_attr_put(nlh, FLOWMESH_A_RECORDS, len, recs);
	return nlh;
}

struct nlmsghdr *nlb_done(void *buf, int32_t status)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);

	nlh->nlmsg_type = NLMSG_DONE;
	nlh->nlmsg_flags = NLM_F_MULTI;
	nlh->nlmsg_pid = NLB_PORTID;
	memcpy(mnl_nlmsg_put_extra_header(nlh, sizeof(status)), &status,
	       sizeof(status));
	return nlh;
}

struct nlmsghdr *nlb_error(void *buf, int32_t error)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nlmsgerr *err;

	nlh->nlmsg_type = NLMSG_ERROR;
	nlh->nlmsg_pid = NLB_PORTID;
	err = mnl_nlmsg_put_extra_header(nlh, sizeof(*err));
	err->error = error;
	err->msg.nlmsg_len = NLMSG_HDRLEN + GENL_HDRLEN;
	err->msg.nlmsg_type = NLB_FAMILY_ID;
	return nlh;
}

struct nlmsghdr *nlb_error_ext(void *buf, int32_t error, const char *msg,
			       bool has_offs, uint32_t offs, bool capped,
			       const struct nlmsghdr *req)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nlmsgerr *err;
	size_t body;

	nlh->nlmsg_type = NLMSG_ERROR;
	nlh->nlmsg_pid = NLB_PORTID;
	nlh->nlmsg_flags = NLM_F_ACK_TLVS | (capped ? NLM_F_CAPPED : 0);
	err = mnl_nlmsg_put_extra_header(nlh, sizeof(*err));
	err->error = error;
	if (req) {
		err->msg = *req;
	} else {
		err->msg.nlmsg_len = NLMSG_HDRLEN + GENL_HDRLEN;
		err->msg.nlmsg_type = NLB_FAMILY_ID;
	}
	if (!capped) {
		/* the request's body follows its header, padded */
		body = err->msg.nlmsg_len - NLMSG_HDRLEN;
		if (req)
			memcpy(mnl_nlmsg_put_extra_header(nlh, body),
			       mnl_nlmsg_get_payload(req), body);
		else
			memset(mnl_nlmsg_put_extra_header(nlh, body), 0xee,
			       body);
	}
	if (msg)
		mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, msg);
	if (has_offs)
		mnl_attr_put_u32(nlh, NLMSGERR_ATTR_OFFS, offs);
	return nlh;
}

struct nlmsghdr *nlb_done_ext(void *buf, int32_t status, const char *msg)
{
	struct nlmsghdr *nlh = nlb_done(buf, status);

	nlh->nlmsg_flags |= NLM_F_ACK_TLVS;
	mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, msg);
	return nlh;
}

struct nlmsghdr *nlb_family(void *buf, uint16_t id, uint32_t version)
{
	struct nlmsghdr *nlh;

	nlh = nlb_genl(buf, GENL_ID_CTRL, 0, CTRL_CMD_NEWFAMILY);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, FLOWMESH_GENL_NAME);
	mnl_attr_put_u16(nlh, CTRL_ATTR_FAMILY_ID, id);
	mnl_attr_put_u32(nlh, CTRL_ATTR_VERSION, version);
	mnl_attr_put_u32(nlh, CTRL_ATTR_HDRSIZE, 0);
	mnl_attr_put_u32(nlh, CTRL_ATTR_MAXATTR, FLOWMESH_A_MAX);
	return nlh;
}

struct nlmsghdr *nlb_family_groups(void *buf, uint16_t id, uint32_t version,
				   const char *name, uint32_t group)
{
	struct nlmsghdr *nlh = nlb_family(buf, id, version);
	struct nlattr *groups, *grp;

	groups = mnl_attr_nest_start(nlh, CTRL_ATTR_MCAST_GROUPS);
	grp = mnl_attr_nest_start(nlh, 1);
	mnl_attr_put_u32(nlh, CTRL_ATTR_MCAST_GRP_ID, 3);
	mnl_attr_put_strz(nlh, CTRL_ATTR_MCAST_GRP_NAME, "other");
	mnl_attr_nest_end(nlh, grp);
	grp = mnl_attr_nest_start(nlh, 2);
	mnl_attr_put_strz(nlh, CTRL_ATTR_MCAST_GRP_NAME, name);
	mnl_attr_put_u32(nlh, CTRL_ATTR_MCAST_GRP_ID, group);
	mnl_attr_nest_end(nlh, grp);
	mnl_attr_nest_end(nlh, groups);
	return nlh;
}

struct nlmsghdr *nlb_data_ready(void *buf, uint16_t family)
{
	struct nlmsghdr *nlh = nlb_genl(buf, family, 0,
					FLOWMESH_CMD_DATA_READY);

	nlh->nlmsg_pid = 0;	/* from the kernel */
	return nlh;
}

void *nlb_tail(struct nlb_dgram *d)
{
	assert(d->len + NLB_MSG_SIZE <= sizeof(d->u.buf));
	return d->u.buf + d->len;
}

void nlb_add(struct nlb_dgram *d, const struct nlmsghdr *nlh)
{
	assert((const char *)nlh == d->u.buf + d->len);
	d->len += NLMSG_ALIGN(nlh->nlmsg_len);
}
