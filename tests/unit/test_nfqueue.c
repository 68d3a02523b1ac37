// SPDX-License-Identifier: GPL-2.0
/*
 * The NFQUEUE consumer without a kernel: queue messages built with libmnl
 * as nfnetlink_queue sends them, the verdict and bind messages it sends,
 * the flow table, the labels and requests it hands on, and namespace
 * discovery on a fake /proc tree.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <sys/stat.h>
#include <netinet/in.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_queue.h>
#include <libnetfilter_queue/libnetfilter_queue.h>
#include <linux/flowmesh.h>
#include "daemon/nfqueue.h"
#include "l7/engine.h"
#include "pktbuild.h"

#define Q	7000
#define NETNS	4026531840U
#define T0	1000000		/* ms, monotonic */
#define NOW_NS	1700000000000000000ULL

/* --- what the consumer hands on ---------------------------------------- */

struct seen {
	struct fm_label labels[16];
	size_t nlabels;
	struct fm_agg_request reqs[16];
	size_t nreqs;
	int label_ret;		/* what the module answers */
};

static int seen_label(void *ctx, const struct fm_label *l)
{
	struct seen *s = ctx;

	assert_true(s->nlabels < 16);
	s->labels[s->nlabels++] = *l;
	return s->label_ret;
}

static void seen_request(void *ctx, const struct fm_agg_request *r)
{
	struct seen *s = ctx;

	assert_true(s->nreqs < 16);
	s->reqs[s->nreqs++] = *r;
}

static struct fm_nfq *new_nfq(struct seen *s, uint32_t max_flows,
			      const char *root)
{
	const struct fm_nfq_config cfg = { .queue_num = Q,
					   .max_flows = max_flows,
					   .max_netns = 4,
					   .rcvbuf = 1 << 20,
					   .root = root };
	const struct fm_nfq_ops ops = { .label = seen_label,
					.request = seen_request, .ctx = s };
	struct fm_nfq *nfq;

	memset(s, 0, sizeof(*s));
	assert_int_equal(fm_nfq_new(&nfq, &cfg, &ops), 0);
	fm_nfq_set_one_in(nfq, 8);
	return nfq;
}

static struct fm_nfq_counters counters(const struct fm_nfq *nfq)
{
	struct fm_nfq_counters c;

	fm_nfq_counters(nfq, &c);
	return c;
}

/* --- packets ----------------------------------------------------------- */

static const uint8_t cli4[4] = { 10, 1, 0, 5 }, srv4[4] = { 10, 2, 0, 9 };

struct ippkt {
	uint8_t buf[2048];
	size_t len;
};

/* IPv4 + TCP (ACK|PSH) carrying @text. */
static void tcp4(struct ippkt *p, const uint8_t *src, const uint8_t *dst,
		 uint16_t sport, uint16_t dport, uint32_t seq, const char *text)
{
	size_t l4;

	memset(p, 0, sizeof(*p));
	l4 = pkt_tcp(p->buf + 20, sport, dport, seq, 0x18, text);
	p->len = pkt_ipv4(p->buf, src, dst, IPPROTO_TCP, l4, 0);
}

/* IPv6 + UDP carrying @len bytes of @data. */
static void udp6(struct ippkt *p, uint16_t sport, uint16_t dport,
		 const uint8_t *data, size_t len)
{
	memset(p, 0, sizeof(*p));
	p->len = 40 + pkt_udp(p->buf + 40, sport, dport, data, len);
	p->buf[0] = 0x60;
	pkt_put16(p->buf + 4, (uint16_t)(8 + len));
	p->buf[6] = IPPROTO_UDP;
	p->buf[7] = 64;
	p->buf[8] = 0xfd;
	p->buf[23] = 1;
	p->buf[24] = 0xfd;
	p->buf[39] = 2;
}

static void feed(struct fm_nfq *nfq, uint16_t queue, const struct ippkt *ip,
		 uint64_t now_ms)
{
	struct fm_nfq_packet pkt = { .queue = queue, .id = 1,
				     .data = ip->buf, .len = ip->len };

	fm_nfq_packet_in(nfq, NETNS, &pkt, now_ms, NOW_NS);
}

static const char http_req[] = "GET /users/42 HTTP/1.1\r\nHost: api\r\n\r\n";
static const char http_resp[] =
	"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n";

/* --- messages ------------------------------------------------------------ */

static void test_queue_role(void **state)
{
	enum fm_l7_dir dir;
	bool inspect;

	(void)state;
	assert_int_equal(fm_nfq_queue_role(Q, Q, &dir, &inspect), 0);
	assert_int_equal(dir, FM_L7_TO_SERVER);
	assert_false(inspect);
	assert_int_equal(fm_nfq_queue_role(Q, Q + 1, &dir, &inspect), 0);
	assert_int_equal(dir, FM_L7_TO_CLIENT);
	assert_false(inspect);
	assert_int_equal(fm_nfq_queue_role(Q, Q + 2, &dir, &inspect), 0);
	assert_int_equal(dir, FM_L7_TO_SERVER);
	assert_true(inspect);
	assert_int_equal(fm_nfq_queue_role(Q, Q + 3, &dir, &inspect), 0);
	assert_int_equal(dir, FM_L7_TO_CLIENT);
	assert_true(inspect);
	assert_int_equal(fm_nfq_queue_role(Q, Q - 1, &dir, &inspect), -ERANGE);
	assert_int_equal(fm_nfq_queue_role(Q, Q + 4, &dir, &inspect), -ERANGE);
	assert_int_equal(fm_nfq_queue_role(65532, 65535, &dir, &inspect), 0);
	assert_true(inspect);
	assert_int_equal(fm_nfq_queue_role(0, 0, &dir, &inspect), 0);
}

union nlbuf {
	char buf[4096];
	struct nlmsghdr align;
};

/* NFQNL_MSG_PACKET as the kernel sends it; NULL parts are left out. */
static struct nlmsghdr *packet_msg(union nlbuf *m, uint16_t queue,
				   uint32_t id, const uint64_t *ts_us,
				   const void *payload, size_t len)
{
	struct nfqnl_msg_packet_hdr ph = { .packet_id = htonl(id),
					   .hw_protocol = htons(0x0800),
					   .hook = NF_INET_LOCAL_IN };
	struct nfqnl_msg_packet_timestamp ts;
	struct nlmsghdr *nlh;

	memset(m, 0, sizeof(*m));
	nlh = nfq_nlmsg_put(m->buf, NFQNL_MSG_PACKET, queue);
	nlh->nlmsg_flags = 0;
	mnl_attr_put(nlh, NFQA_PACKET_HDR, sizeof(ph), &ph);
	if (ts_us) {
		ts.sec = htobe64(*ts_us / 1000000);
		ts.usec = htobe64(*ts_us % 1000000);
		mnl_attr_put(nlh, NFQA_TIMESTAMP, sizeof(ts), &ts);
	}
	if (payload)
		mnl_attr_put(nlh, NFQA_PAYLOAD, len, payload);
	return nlh;
}

static void test_parse_packet(void **state)
{
	const uint64_t ts_us = 1700000000123456ULL;
	struct fm_nfq_packet pkt;
	struct nlmsghdr *nlh;
	struct ippkt ip;
	union nlbuf m;

	(void)state;
	tcp4(&ip, cli4, srv4, 40000, 80, 1, http_req);
	nlh = packet_msg(&m, Q + 2, 77, &ts_us, ip.buf, ip.len);
	assert_int_equal(fm_nfq_parse_packet(nlh, &pkt), 0);
	assert_int_equal(pkt.queue, Q + 2);
	assert_int_equal(pkt.id, 77);
	assert_true(pkt.has_ts);
	assert_int_equal(pkt.ts_ns, ts_us * 1000);
	assert_int_equal(pkt.len, ip.len);
	assert_memory_equal(pkt.data, ip.buf, ip.len);

	/* no timestamp, no payload: both absent, not an error */
	nlh = packet_msg(&m, Q, 0xfffffffe, NULL, NULL, 0);
	assert_int_equal(fm_nfq_parse_packet(nlh, &pkt), 0);
	assert_int_equal(pkt.id, 0xfffffffe);
	assert_false(pkt.has_ts);
	assert_int_equal(pkt.len, 0);
	assert_null(pkt.data);
}

static void test_parse_packet_bad(void **state)
{
	struct fm_nfq_packet pkt;
	struct nlmsghdr *nlh;
	struct nlattr *a;
	union nlbuf m;
	uint8_t zero[8] = { 0 };

	(void)state;
	/* not a packet: a verdict */
	nlh = packet_msg(&m, Q, 1, NULL, NULL, 0);
	nlh->nlmsg_type = NFNL_SUBSYS_QUEUE << 8 | NFQNL_MSG_VERDICT;
	assert_int_equal(fm_nfq_parse_packet(nlh, &pkt), -EBADMSG);
	/* no packet header */
	memset(&m, 0, sizeof(m));
	nlh = nfq_nlmsg_put(m.buf, NFQNL_MSG_PACKET, Q);
	mnl_attr_put(nlh, NFQA_PAYLOAD, 4, zero);
	assert_int_equal(fm_nfq_parse_packet(nlh, &pkt), -EBADMSG);
	/* a packet header cut short */
	memset(&m, 0, sizeof(m));
	nlh = nfq_nlmsg_put(m.buf, NFQNL_MSG_PACKET, Q);
	mnl_attr_put(nlh, NFQA_PACKET_HDR, 4, zero);
	assert_int_equal(fm_nfq_parse_packet(nlh, &pkt), -EBADMSG);
	/* a timestamp cut short */
	nlh = packet_msg(&m, Q, 1, NULL, NULL, 0);
	mnl_attr_put(nlh, NFQA_TIMESTAMP, 8, zero);
	assert_int_equal(fm_nfq_parse_packet(nlh, &pkt), -EBADMSG);
	/* an attribute running past the message */
	nlh = packet_msg(&m, Q, 1, NULL, zero, 8);
	a = (struct nlattr *)((char *)nlh + nlh->nlmsg_len - 12);
	a->nla_len = 200;
	assert_int_equal(fm_nfq_parse_packet(nlh, &pkt), -EBADMSG);
	/* no room for the nfgenmsg */
	nlh->nlmsg_len = NLMSG_HDRLEN;
	assert_int_equal(fm_nfq_parse_packet(nlh, &pkt), -EBADMSG);
}

static void test_verdict_batch(void **state)
{
	struct nlattr *attr[NFQA_MAX + 1] = { NULL };
	const struct nfqnl_msg_verdict_hdr *vh;
	const struct nfgenmsg *nfg;
	struct nlmsghdr *nlh;
	union nlbuf m;

	(void)state;
	nlh = fm_nfq_verdict_batch(m.buf, Q + 3, 123456);
	assert_true(nlh->nlmsg_len <= FM_NFQ_VERDICT_SIZE);
	assert_int_equal(nlh->nlmsg_type,
			 NFNL_SUBSYS_QUEUE << 8 | NFQNL_MSG_VERDICT_BATCH);
	assert_true(nlh->nlmsg_flags & NLM_F_REQUEST);
	nfg = mnl_nlmsg_get_payload(nlh);
	assert_int_equal(ntohs(nfg->res_id), Q + 3);
	assert_true(nfq_nlmsg_parse(nlh, attr) >= 0);
	assert_non_null(attr[NFQA_VERDICT_HDR]);
	vh = mnl_attr_get_payload(attr[NFQA_VERDICT_HDR]);
	assert_int_equal(ntohl(vh->verdict), NF_ACCEPT);
	assert_int_equal(ntohl(vh->id), 123456);
}

static void test_bind_msg(void **state)
{
	struct nlattr *attr[NFQA_CFG_MAX + 1] = { NULL };
	const struct nfqnl_msg_config_params *params;
	const struct nfqnl_msg_config_cmd *cmd;
	const struct nlattr *a;
	const struct nfgenmsg *nfg;
	struct nlmsghdr *nlh;
	union nlbuf m;

	(void)state;
	nlh = fm_nfq_bind_msg(m.buf, Q + 1, 99);
	assert_true(nlh->nlmsg_len <= FM_NFQ_CONFIG_SIZE);
	assert_int_equal(nlh->nlmsg_type,
			 NFNL_SUBSYS_QUEUE << 8 | NFQNL_MSG_CONFIG);
	assert_int_equal(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK);
	assert_int_equal(nlh->nlmsg_seq, 99);
	nfg = mnl_nlmsg_get_payload(nlh);
	assert_int_equal(ntohs(nfg->res_id), Q + 1);
	mnl_attr_for_each(a, nlh, sizeof(*nfg)) {
		assert_true(mnl_attr_get_type(a) <= NFQA_CFG_MAX);
		attr[mnl_attr_get_type(a)] = (struct nlattr *)a;
	}
	assert_non_null(attr[NFQA_CFG_CMD]);
	cmd = mnl_attr_get_payload(attr[NFQA_CFG_CMD]);
	assert_int_equal(cmd->command, NFQNL_CFG_CMD_BIND);
	assert_non_null(attr[NFQA_CFG_PARAMS]);
	params = mnl_attr_get_payload(attr[NFQA_CFG_PARAMS]);
	assert_int_equal(params->copy_mode, NFQNL_COPY_PACKET);
	assert_int_equal(ntohl(params->copy_range), 0xffff);
	assert_non_null(attr[NFQA_CFG_FLAGS]);
	assert_non_null(attr[NFQA_CFG_MASK]);
	assert_int_equal(ntohl(mnl_attr_get_u32(attr[NFQA_CFG_FLAGS])),
			 NFQA_CFG_F_FAIL_OPEN | NFQA_CFG_F_GSO);
	assert_int_equal(ntohl(mnl_attr_get_u32(attr[NFQA_CFG_MASK])),
			 NFQA_CFG_F_FAIL_OPEN | NFQA_CFG_F_GSO);
}

/* --- flows and labels ------------------------------------------------------ */

static void assert_label_v4(const struct fm_label *l, uint8_t proto,
			    uint32_t flags)
{
	assert_int_equal(l->netns, NETNS);
	assert_int_equal(l->family, AF_INET);
	assert_int_equal(l->proto, IPPROTO_TCP);
	assert_memory_equal(l->client, cli4, 4);
	assert_memory_equal(l->server, srv4, 4);
	assert_int_equal(l->client_port, 40000);
	assert_int_equal(l->server_port, 8080);
	assert_int_equal(l->l7_proto, proto);
	assert_int_equal(l->flags, flags);
}

static void test_detect_labels_done(void **state)
{
	struct fm_nfq *nfq;
	struct ippkt ip;
	struct seen s;

	(void)state;
	nfq = new_nfq(&s, 16, "");
	tcp4(&ip, cli4, srv4, 40000, 8080, 1000, http_req);
	feed(nfq, Q, &ip, T0);
	assert_int_equal(s.nlabels, 1);
	assert_label_v4(&s.labels[0], FLOWMESH_L7_HTTP, FLOWMESH_LABEL_DONE);
	assert_int_equal(counters(nfq).labels_sent, 1);
	assert_int_equal(counters(nfq).flows, 1);
	/* the response: same flow, nothing more to say, no requests */
	tcp4(&ip, srv4, cli4, 8080, 40000, 5000, http_resp);
	feed(nfq, Q + 1, &ip, T0 + 1);
	assert_int_equal(s.nlabels, 1);
	assert_int_equal(s.nreqs, 0);
	assert_int_equal(counters(nfq).flows, 1);
	assert_int_equal(counters(nfq).requests, 0);
	fm_nfq_free(nfq);
}

/* A flow first seen server to client is keyed as the module's client. */
static void test_direction_from_queue(void **state)
{
	struct fm_nfq *nfq;
	struct ippkt ip;
	struct seen s;

	(void)state;
	nfq = new_nfq(&s, 16, "");
	tcp4(&ip, srv4, cli4, 8080, 40000, 5000,
	     "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
	feed(nfq, Q + 1, &ip, T0);
	tcp4(&ip, cli4, srv4, 40000, 8080, 1000, http_req);
	feed(nfq, Q, &ip, T0);
	/* one flow, labelled with client and server as the module has them */
	assert_int_equal(counters(nfq).flows, 1);
	assert_true(s.nlabels >= 1);
	assert_label_v4(&s.labels[s.nlabels - 1], FLOWMESH_L7_HTTP,
			FLOWMESH_LABEL_DONE);
	fm_nfq_free(nfq);
}

static void test_inspect_requests(void **state)
{
	struct fm_nfq_packet pkt;
	struct fm_nfq *nfq;
	struct ippkt ip;
	struct seen s;

	(void)state;
	nfq = new_nfq(&s, 16, "");
	tcp4(&ip, cli4, srv4, 40000, 8080, 1000, http_req);
	feed(nfq, Q + 2, &ip, T0);
	/* inspected: the protocol, without DONE: keep handing over */
	assert_int_equal(s.nlabels, 1);
	assert_label_v4(&s.labels[0], FLOWMESH_L7_HTTP, 0);
	tcp4(&ip, srv4, cli4, 8080, 40000, 5000, http_resp);
	pkt = (struct fm_nfq_packet){ .queue = Q + 3, .id = 2, .has_ts = true,
				      .ts_ns = NOW_NS + 7000000,
				      .data = ip.buf, .len = ip.len };
	fm_nfq_packet_in(nfq, NETNS, &pkt, T0 + 1, NOW_NS);
	assert_int_equal(s.nreqs, 1);
	assert_int_equal(counters(nfq).requests, 1);
	assert_int_equal(s.reqs[0].netns, NETNS);
	assert_int_equal(s.reqs[0].family, AF_INET);
	assert_int_equal(s.reqs[0].proto, IPPROTO_TCP);
	assert_memory_equal(s.reqs[0].client, cli4, 4);
	assert_memory_equal(s.reqs[0].server, srv4, 4);
	assert_int_equal(s.reqs[0].client_port, 40000);
	assert_int_equal(s.reqs[0].server_port, 8080);
	assert_int_equal(s.reqs[0].l7_proto, FM_L7_HTTP);
	assert_int_equal(s.reqs[0].one_in, 8);
	/* the response's own timestamp (NFQA_TIMESTAMP), not "now" */
	assert_int_equal(s.reqs[0].time_ns, NOW_NS + 7000000);
	assert_string_equal(s.reqs[0].req.method, "GET");
	assert_int_equal(s.reqs[0].req.status, 503);
	assert_true(s.reqs[0].req.failed);
	assert_int_equal(s.reqs[0].req.latency_ns, 7000000);
	/* the protocol was said once */
	assert_int_equal(s.nlabels, 1);
	fm_nfq_free(nfq);
}

/* An inspected flow nothing recognises: unknown, and STOP. */
static void test_inspect_unknown_stops(void **state)
{
	struct fm_nfq *nfq;
	struct ippkt ip;
	struct seen s;
	char junk[64];
	uint32_t seq = 1;
	int i;

	(void)state;
	nfq = new_nfq(&s, 16, "");
	memset(junk, 0x7f, sizeof(junk) - 1);
	junk[sizeof(junk) - 1] = '\0';
	for (i = 0; i < FM_L7_OFFER_PACKETS + 2 && !s.nlabels; i++) {
		tcp4(&ip, cli4, srv4, 40000, 8080, seq, junk);
		feed(nfq, Q + 2, &ip, T0);
		seq += sizeof(junk) - 1;
	}
	assert_int_equal(s.nlabels, 1);
	assert_label_v4(&s.labels[0], FLOWMESH_L7_UNKNOWN, FLOWMESH_LABEL_STOP);
	/* what is still queued changes nothing */
	feed(nfq, Q + 2, &ip, T0);
	assert_int_equal(s.nlabels, 1);
	fm_nfq_free(nfq);
}

static void test_udp6_dns(void **state)
{
	static const uint8_t query[] = {
		0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o',
		'm', 0, 0x00, 0x01, 0x00, 0x01,
	};
	struct fm_nfq *nfq;
	struct ippkt ip;
	struct seen s;

	(void)state;
	nfq = new_nfq(&s, 16, "");
	udp6(&ip, 53000, 53, query, sizeof(query));
	feed(nfq, Q, &ip, T0);
	assert_int_equal(s.nlabels, 1);
	assert_int_equal(s.labels[0].family, AF_INET6);
	assert_int_equal(s.labels[0].proto, IPPROTO_UDP);
	assert_int_equal(s.labels[0].client[0], 0xfd);
	assert_int_equal(s.labels[0].client[15], 1);
	assert_int_equal(s.labels[0].server[15], 2);
	assert_int_equal(s.labels[0].client_port, 53000);
	assert_int_equal(s.labels[0].server_port, 53);
	assert_int_equal(s.labels[0].l7_proto, FLOWMESH_L7_DNS);
	assert_int_equal(s.labels[0].flags, FLOWMESH_LABEL_DONE);
	fm_nfq_free(nfq);
}

static void test_label_enoent_counted(void **state)
{
	struct fm_nfq *nfq;
	struct ippkt ip;
	struct seen s;

	(void)state;
	nfq = new_nfq(&s, 16, "");
	s.label_ret = -ENOENT;
	tcp4(&ip, cli4, srv4, 40000, 8080, 1, http_req);
	feed(nfq, Q, &ip, T0);
	assert_int_equal(s.nlabels, 1);
	assert_int_equal(counters(nfq).labels_enoent, 1);
	assert_int_equal(counters(nfq).labels_sent, 0);
	fm_nfq_free(nfq);
}

static void test_ignored_packets(void **state)
{
	struct fm_nfq_packet pkt = { .queue = Q };
	uint8_t arp[28] = { 0 };
	struct fm_nfq *nfq;
	struct ippkt ip;
	struct seen s;

	(void)state;
	nfq = new_nfq(&s, 16, "");
	/* not IP, no payload copied, a queue not ours */
	pkt.data = arp;
	pkt.len = sizeof(arp);
	fm_nfq_packet_in(nfq, NETNS, &pkt, T0, NOW_NS);
	pkt.data = NULL;
	pkt.len = 0;
	fm_nfq_packet_in(nfq, NETNS, &pkt, T0, NOW_NS);
	tcp4(&ip, cli4, srv4, 40000, 8080, 1, http_req);
	feed(nfq, Q + 4, &ip, T0);
	/* headers cut short */
	ip.len = 30;
	feed(nfq, Q, &ip, T0);
	assert_int_equal(counters(nfq).flows, 0);
	assert_int_equal(s.nlabels, 0);
	fm_nfq_free(nfq);
}

static void test_flow_bounds_and_expiry(void **state)
{
	struct fm_nfq *nfq;
	struct ippkt ip;
	struct seen s;

	(void)state;
	nfq = new_nfq(&s, 2, "");
	/* three flows (client ports), two fit */
	tcp4(&ip, cli4, srv4, 1001, 9999, 1, "x");
	feed(nfq, Q, &ip, T0);
	tcp4(&ip, cli4, srv4, 1002, 9999, 1, "x");
	feed(nfq, Q, &ip, T0 + 10);
	tcp4(&ip, cli4, srv4, 1003, 9999, 1, "x");
	feed(nfq, Q, &ip, T0 + 20);
	assert_int_equal(counters(nfq).flows, 2);
	assert_int_equal(counters(nfq).flows_overflow, 1);
	/* the first flow is busy again half a minute later */
	tcp4(&ip, cli4, srv4, 1001, 9999, 2, "y");
	feed(nfq, Q, &ip, T0 + 30000);
	fm_nfq_tick(nfq, T0 + 10 + FM_NFQ_IDLE_MS - 1);
	assert_int_equal(counters(nfq).flows, 2);
	fm_nfq_tick(nfq, T0 + 10 + FM_NFQ_IDLE_MS);
	assert_int_equal(counters(nfq).flows, 1);
	assert_int_equal(counters(nfq).flows_expired, 1);
	/* room again */
	tcp4(&ip, cli4, srv4, 1003, 9999, 1, "x");
	feed(nfq, Q, &ip, T0 + 40000);
	assert_int_equal(counters(nfq).flows, 2);
	assert_int_equal(counters(nfq).flows_overflow, 1);
	fm_nfq_tick(nfq, T0 + 40000 + FM_NFQ_IDLE_MS);
	assert_int_equal(counters(nfq).flows, 0);
	assert_int_equal(counters(nfq).flows_expired, 3);
	fm_nfq_free(nfq);
}

static void test_new_bad_config(void **state)
{
	struct fm_nfq_config cfg = { .queue_num = 65533, .max_flows = 1,
				     .max_netns = 1 };
	const struct fm_nfq_ops ops = { 0 };
	struct fm_nfq *nfq;

	(void)state;
	assert_int_equal(fm_nfq_new(&nfq, &cfg, &ops), -EINVAL);
	assert_null(nfq);
	cfg.queue_num = 65532;
	cfg.max_flows = 0;
	assert_int_equal(fm_nfq_new(&nfq, &cfg, &ops), -EINVAL);
	cfg.max_flows = 1;
	cfg.max_netns = 0;
	assert_int_equal(fm_nfq_new(&nfq, &cfg, &ops), -EINVAL);
}

/* --- namespaces ------------------------------------------------------------ */

struct tree {
	char root[64];
	uint32_t named, pid_ns, pid2_ns;
};

static uint32_t touch(const char *root, const char *rel)
{
	char path[PATH_MAX];
	struct stat sb;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(stat(path, &sb), 0);
	return (uint32_t)sb.st_ino;
}

static void mkdirs(const char *root, const char *rel)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	assert_int_equal(mkdir(path, 0700), 0);
}

/* root/run/netns/blue, root/proc/{123,77}/ns/net, root/proc/self, ... */
static void make_tree(struct tree *t)
{
	snprintf(t->root, sizeof(t->root), "/tmp/fm-nfq-XXXXXX");
	assert_non_null(mkdtemp(t->root));
	mkdirs(t->root, "run");
	mkdirs(t->root, "run/netns");
	mkdirs(t->root, "proc");
	mkdirs(t->root, "proc/123");
	mkdirs(t->root, "proc/123/ns");
	mkdirs(t->root, "proc/77");
	mkdirs(t->root, "proc/77/ns");
	mkdirs(t->root, "proc/456");
	mkdirs(t->root, "proc/self");
	mkdirs(t->root, "proc/self/ns");
	t->named = touch(t->root, "run/netns/blue");
	t->pid_ns = touch(t->root, "proc/123/ns/net");
	t->pid2_ns = touch(t->root, "proc/77/ns/net");
	/* not a pid: never looked at, whatever it holds */
	touch(t->root, "proc/self/ns/net");
}

static void remove_tree(struct tree *t)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", t->root);
	assert_int_equal(system(cmd), 0);
}

static void test_find_netns(void **state)
{
	char path[PATH_MAX], want[PATH_MAX];
	struct tree t;

	(void)state;
	make_tree(&t);
	assert_int_equal(fm_nfq_find_netns(t.root, t.named, path,
					   sizeof(path)), 0);
	snprintf(want, sizeof(want), "%s/run/netns/blue", t.root);
	assert_string_equal(path, want);
	assert_int_equal(fm_nfq_find_netns(t.root, t.pid_ns, path,
					   sizeof(path)), 0);
	snprintf(want, sizeof(want), "%s/proc/123/ns/net", t.root);
	assert_string_equal(path, want);
	assert_int_equal(fm_nfq_find_netns(t.root, t.pid2_ns, path,
					   sizeof(path)), 0);
	snprintf(want, sizeof(want), "%s/proc/77/ns/net", t.root);
	assert_string_equal(path, want);
	assert_int_equal(fm_nfq_find_netns(t.root, 1, path, sizeof(path)),
			 -ENOENT);
	assert_string_equal(path, "");
	/* no /run/netns at all: /proc still */
	snprintf(want, sizeof(want), "%s/run/netns/blue", t.root);
	assert_int_equal(unlink(want), 0);
	snprintf(want, sizeof(want), "%s/run/netns", t.root);
	assert_int_equal(rmdir(want), 0);
	assert_int_equal(fm_nfq_find_netns(t.root, t.pid_ns, path,
					   sizeof(path)), 0);
	assert_int_equal(fm_nfq_find_netns("/nonexistent-fm", t.pid_ns, path,
					   sizeof(path)), -ENOENT);
	remove_tree(&t);
}

static uint32_t own_netns(void)
{
	struct stat sb;

	assert_int_equal(stat("/proc/thread-self/ns/net", &sb), 0);
	return (uint32_t)sb.st_ino;
}

/*
 * A file that is no namespace is found but cannot be entered; the thread
 * stays where it was, the failure is counted and retried only later.
 */
static void test_watch_failures(void **state)
{
	uint32_t home = own_netns();
	struct fm_nfq *nfq;
	struct tree t;
	struct seen s;

	(void)state;
	make_tree(&t);
	nfq = new_nfq(&s, 16, t.root);
	assert_true(fm_nfq_watch(nfq, t.pid_ns, T0) < 0);
	assert_int_equal(own_netns(), home);
	assert_int_equal(counters(nfq).netns_failed, 1);
	assert_int_equal(counters(nfq).netns_watched, 0);
	assert_int_equal(fm_nfq_watch(nfq, 12345, T0), -ENOENT);
	assert_int_equal(counters(nfq).netns_failed, 2);

	/* records naming it again: not before FM_NFQ_RETRY_MS */
	fm_nfq_saw_netns(nfq, t.pid_ns, T0 + 1);
	fm_nfq_saw_netns(nfq, 12345, T0 + FM_NFQ_RETRY_MS - 1);
	assert_int_equal(counters(nfq).netns_failed, 2);
	fm_nfq_saw_netns(nfq, t.pid_ns, T0 + FM_NFQ_RETRY_MS);
	assert_int_equal(counters(nfq).netns_failed, 3);
	assert_int_equal(own_netns(), home);
	/* a namespace never seen before is tried at once */
	fm_nfq_saw_netns(nfq, t.named, T0 + 1);
	assert_int_equal(counters(nfq).netns_failed, 4);
	assert_int_equal(counters(nfq).netns_watched, 0);
	/* nothing to read, no namespace: handling and ticking are no-ops */
	fm_nfq_handle(nfq, T0 + 2);
	fm_nfq_tick(nfq, T0 + FM_NFQ_CHECK_MS + 2);
	fm_nfq_free(nfq);
	remove_tree(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_queue_role),
		cmocka_unit_test(test_parse_packet),
		cmocka_unit_test(test_parse_packet_bad),
		cmocka_unit_test(test_verdict_batch),
		cmocka_unit_test(test_bind_msg),
		cmocka_unit_test(test_detect_labels_done),
		cmocka_unit_test(test_direction_from_queue),
		cmocka_unit_test(test_inspect_requests),
		cmocka_unit_test(test_inspect_unknown_stops),
		cmocka_unit_test(test_udp6_dns),
		cmocka_unit_test(test_label_enoent_counted),
		cmocka_unit_test(test_ignored_packets),
		cmocka_unit_test(test_flow_bounds_and_expiry),
		cmocka_unit_test(test_new_bad_config),
		cmocka_unit_test(test_find_netns),
		cmocka_unit_test(test_watch_failures),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
