// SPDX-License-Identifier: GPL-2.0
/*
 * DNS over UDP (one message a datagram) and TCP (each message behind a
 * 2-byte length).  Queries and responses are paired by transaction id in a
 * bounded table; a request is the question's type and name, its status the
 * response code.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "l7/l7.h"

#define DNS_HDR_LEN		12
#define DNS_QDCOUNT_MAX		4	/* real traffic sends 1 */
#define DNS_RRCOUNT_MAX		512
#define DNS_NAME_MAX		255	/* RFC 1035 3.1, wire form */
#define DNS_JUMPS_MAX		16	/* compression pointers followed */
#define DNS_TCP_PREFIX		512	/* a TCP message's bytes parsed */
#define DNS_RCODES		16

struct dns_query {
	bool used;
	uint16_t id;
	uint16_t qtype;
	uint64_t ts;
	char name[FM_L7_ROUTE_MAX];
};

struct dns_tcp {
	uint8_t buf[DNS_TCP_PREFIX];
	size_t len;		/* bytes kept of the current message */
	size_t need;		/* its length, 0 until the prefix is read */
	size_t seen;		/* bytes of it seen, kept or not */
	bool parsed;
	uint8_t prefix[2];
	uint8_t prefix_len;
	uint64_t ts;
};

struct dns_state {
	bool matched, stopped, datagram_set, datagram;
	uint64_t queries;
	uint64_t rcodes[DNS_RCODES];
	/* FM_L7_PENDING_MAX, allocated with the first query; or NULL */
	struct dns_query *pending;
	struct dns_tcp tcp[2];
};

struct dns_msg {
	uint16_t id, flags, qtype, qclass;
	char name[FM_L7_ROUTE_MAX];
};

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/*
 * The name at @off of the @len-byte message, lowercased and dotted into
 * @out (cut to its size); pointers must go backwards, which also rules out
 * loops.  Returns the offset after the name where it began, or 0 if the
 * name is malformed or runs past the end.
 */
static size_t dns_name(const uint8_t *msg, size_t len, size_t off, char *out,
		       size_t size)
{
	size_t after = 0, wire = 0, o = 0, limit = off;
	unsigned int jumps = 0;

	for (;;) {
		uint8_t l;

		if (off >= len)
			return 0;
		l = msg[off];
		if ((l & 0xc0) == 0xc0) {
			size_t to;

			if (off + 1 >= len || ++jumps > DNS_JUMPS_MAX)
				return 0;
			to = (size_t)(l & 0x3f) << 8 | msg[off + 1];
			if (!after)
				after = off + 2;
			if (to >= limit)
				return 0;
			limit = to;
			off = to;
			continue;
		}
		if (l & 0xc0)
			return 0;
		wire += l + 1;
		if (wire > DNS_NAME_MAX)
			return 0;
		if (!l)
			break;
		if (off + 1 + l > len)
			return 0;
		if (o && o + 1 < size)
			out[o++] = '.';
		for (size_t i = 0; i < l && o + 1 < size; i++) {
			uint8_t c = msg[off + 1 + i];

			out[o++] = c > 0x20 && c < 0x7f ?
				   (char)tolower(c) : '?';
		}
		off += 1 + l;
	}
	if (!o && size > 1)
		out[o++] = '.';		/* the root */
	out[o] = '\0';
	return after ? after : off + 1;
}

static bool dns_class_ok(uint16_t qclass)
{
	/* IN, CH, HS, NONE, ANY; the top bit is mDNS's unicast flag */
	qclass &= 0x7fff;
	return qclass == 1 || qclass == 3 || qclass == 4 || qclass == 254 ||
	       qclass == 255;
}

/* Header and first question of a message, strictly checked. */
static bool dns_parse(const uint8_t *p, size_t len, struct dns_msg *m)
{
	unsigned int opcode, qd;
	size_t off;

	if (len < DNS_HDR_LEN + 5)
		return false;
	m->id = be16(p);
	m->flags = be16(p + 2);
	opcode = (m->flags >> 11) & 0xf;
	qd = be16(p + 4);
	if (opcode == 3 || opcode > 6)
		return false;
	if (!qd || qd > DNS_QDCOUNT_MAX || be16(p + 6) > DNS_RRCOUNT_MAX ||
	    be16(p + 8) > DNS_RRCOUNT_MAX || be16(p + 10) > DNS_RRCOUNT_MAX)
		return false;
	/* a query carries no response code */
	if (!(m->flags & 0x8000) && (m->flags & 0xf))
		return false;
	off = dns_name(p, len, DNS_HDR_LEN, m->name, sizeof(m->name));
	if (!off || off + 4 > len)
		return false;
	m->qtype = be16(p + off);
	m->qclass = be16(p + off + 2);
	return m->qtype && dns_class_ok(m->qclass);
}

static void dns_type_name(uint16_t t, char *out, size_t size)
{
	static const struct {
		uint16_t type;
		const char *name;
	} names[] = {
		{ 1, "A" }, { 2, "NS" }, { 5, "CNAME" }, { 6, "SOA" },
		{ 12, "PTR" }, { 15, "MX" }, { 16, "TXT" }, { 28, "AAAA" },
		{ 33, "SRV" }, { 64, "SVCB" }, { 65, "HTTPS" }, { 255, "ANY" },
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (names[i].type == t) {
			snprintf(out, size, "%s", names[i].name);
			return;
		}
	}
	snprintf(out, size, "TYPE%u", t);
}

static void dns_query(struct dns_state *s, const struct dns_msg *m,
		      uint64_t ts)
{
	struct dns_query *slot = NULL;
	size_t i;

	s->queries++;
	if (!s->pending) {
		s->pending = calloc(FM_L7_PENDING_MAX, sizeof(*s->pending));
		if (!s->pending) {
			/* the flow stays dns, its queries are not followed */
			s->stopped = true;
			return;
		}
	}
	for (i = 0; i < FM_L7_PENDING_MAX; i++) {
		struct dns_query *q = &s->pending[i];

		/* a retransmission keeps the first try's time */
		if (q->used && q->id == m->id && q->qtype == m->qtype &&
		    !strcmp(q->name, m->name))
			return;
		if (!q->used) {
			if (!slot || slot->used)
				slot = q;
		} else if (!slot || (slot->used && q->ts < slot->ts)) {
			slot = q;	/* the oldest goes when full */
		}
	}
	slot->used = true;
	slot->id = m->id;
	slot->qtype = m->qtype;
	slot->ts = ts;
	memcpy(slot->name, m->name, sizeof(slot->name));
}

static void dns_response(struct dns_state *s, const struct fm_l7_sink *sink,
			 const struct dns_msg *m, uint64_t ts)
{
	unsigned int rcode = m->flags & 0xf;
	struct fm_l7_request req;
	size_t i;

	s->rcodes[rcode]++;
	for (i = 0; s->pending && i < FM_L7_PENDING_MAX; i++) {
		struct dns_query *q = &s->pending[i];

		if (!q->used || q->id != m->id || q->qtype != m->qtype ||
		    strcmp(q->name, m->name))
			continue;
		memset(&req, 0, sizeof(req));
		dns_type_name(q->qtype, req.method, sizeof(req.method));
		memcpy(req.route, q->name, sizeof(req.route));
		req.status = (int32_t)rcode;
		req.failed = rcode == 2 || rcode == 5;
		req.latency_ns = ts > q->ts ? ts - q->ts : 0;
		q->used = false;
		if (sink && sink->request)
			sink->request(sink->ctx, &req);
		return;
	}
}

/* One whole message (or its first bytes, for a long TCP one). */
static bool dns_message(struct dns_state *s, const struct fm_l7_sink *sink,
			const uint8_t *p, size_t len, uint64_t ts)
{
	struct dns_msg m;

	if (!dns_parse(p, len, &m))
		return false;
	s->matched = true;
	if (m.flags & 0x8000)
		dns_response(s, sink, &m, ts);
	else
		dns_query(s, &m, ts);
	return true;
}

/* TCP: returns false when the stream is not (or no longer) DNS. */
static bool dns_stream(struct dns_state *s, const struct fm_l7_sink *sink,
		       struct dns_tcp *t, const uint8_t *data, size_t len,
		       uint64_t ts)
{
	while (len) {
		size_t n;

		if (!t->need) {
			if (!t->prefix_len)
				t->ts = ts;
			t->prefix[t->prefix_len++] = *data++;
			len--;
			if (t->prefix_len < 2)
				continue;
			t->prefix_len = 0;
			t->need = be16(t->prefix);
			t->len = t->seen = 0;
			if (t->need < DNS_HDR_LEN + 5)
				return false;
			continue;
		}
		n = t->need - t->seen < len ? t->need - t->seen : len;
		if (t->len < sizeof(t->buf)) {
			size_t keep = sizeof(t->buf) - t->len;

			memcpy(t->buf + t->len, data, keep < n ? keep : n);
			t->len += keep < n ? keep : n;
		}
		t->seen += n;
		data += n;
		len -= n;
		/* parsed once: when whole, or when its prefix is kept */
		if (!t->parsed && (t->seen == t->need ||
				   t->len == sizeof(t->buf))) {
			t->parsed = true;
			if (!dns_message(s, sink, t->buf, t->len, t->ts))
				return false;
		}
		if (t->seen == t->need) {
			t->need = 0;
			t->parsed = false;
		}
	}
	return true;
}

static enum fm_l7_verdict dns_feed(void *state, const struct fm_l7_sink *sink,
				   enum fm_l7_dir dir, bool datagram,
				   const uint8_t *data, size_t len,
				   uint64_t ts)
{
	struct dns_state *s = state;

	if (s->stopped)
		return s->matched ? FM_L7_MATCH : FM_L7_NO_MATCH;
	if (!s->datagram_set) {
		s->datagram_set = true;
		s->datagram = datagram;
	}
	if (s->datagram != datagram) {
		s->stopped = true;
	} else if (datagram) {
		/* a stray datagram after a match is skipped, not fatal */
		if (!dns_message(s, sink, data, len, ts) && !s->matched)
			s->stopped = true;
	} else if (!dns_stream(s, sink, &s->tcp[dir], data, len, ts)) {
		s->stopped = true;
	}
	if (s->stopped)
		return s->matched ? FM_L7_MATCH : FM_L7_NO_MATCH;
	return s->matched ? FM_L7_MATCH : FM_L7_NEED_MORE;
}

static enum fm_l7_verdict dns_gap(void *state, enum fm_l7_dir dir)
{
	struct dns_state *s = state;

	(void)dir;
	/* TCP loses its message boundaries; UDP has no gaps */
	if (!s->datagram)
		s->stopped = true;
	return s->matched ? FM_L7_MATCH : FM_L7_NO_MATCH;
}

static const char *const dns_rcode_names[DNS_RCODES] = {
	"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED",
	"YXDOMAIN", "YXRRSET", "NXRRSET", "NOTAUTH", "NOTZONE", "DSOTYPENI",
	"RCODE12", "RCODE13", "RCODE14", "RCODE15",
};

static int dns_describe(const void *state, json_t *l7)
{
	const struct dns_state *s = state;
	json_t *rcodes = json_object();
	int err = 0;
	size_t i;

	if (!rcodes)
		return -1;
	for (i = 0; i < DNS_RCODES; i++)
		if (s->rcodes[i])
			err |= json_object_set_new(rcodes, dns_rcode_names[i],
						   json_integer((json_int_t)
								s->rcodes[i]));
	err |= json_object_set_new(l7, "rcodes", rcodes);
	err |= json_object_set_new(l7, "queries",
				   json_integer((json_int_t)s->queries));
	return err ? -1 : 0;
}

static void dns_release(void *state)
{
	struct dns_state *s = state;

	free(s->pending);
}

const struct fm_l7_detector fm_l7_dns = {
	.proto = FM_L7_DNS,
	.name = "dns",
	.state_size = sizeof(struct dns_state),
	.feed = dns_feed,
	.gap = dns_gap,
	.describe = dns_describe,
	.release = dns_release,
};
