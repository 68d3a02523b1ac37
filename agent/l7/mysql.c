// SPDX-License-Identifier: GPL-2.0
/*
 * MySQL / MariaDB client protocol: the server speaks first with its
 * greeting (protocol version 10), which is what the flow is matched on.
 * After authentication each client command (sequence id 0) is a request
 * and the server's first packet back (sequence id 1) its response: OK,
 * ERR or the start of a result set, whose rows are skipped unread.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "l7/stream.h"

#define MY_BUF_MAX		FM_L7_REASM_MAX
#define MY_GREETING_MAX		1024
#define MY_VERSION_MAX		64
#define MY_STMTS		16
#define MY_VERB_BYTES		64	/* statement bytes read for its verb */

enum {
	MY_CAP_COMPRESS = 0x20,
	MY_CAP_PROTOCOL_41 = 0x200,
	MY_CAP_SSL = 0x800,
	MY_COM_QUIT = 0x01,
	MY_COM_INIT_DB = 0x02,
	MY_COM_QUERY = 0x03,
	MY_COM_PING = 0x0e,
	MY_COM_STMT_PREPARE = 0x16,
	MY_COM_STMT_EXECUTE = 0x17,
	MY_COM_STMT_SEND_LONG_DATA = 0x18,
	MY_COM_STMT_CLOSE = 0x19,
};

struct my_pending {
	char method[FM_L7_METHOD_MAX];
	char route[FM_L7_METHOD_MAX];
	uint64_t ts;
};

struct my_stmt {
	uint32_t id;
	char verb[FM_L7_METHOD_MAX];
};

struct my_state {
	bool greeting, handshake, authed, ssl;
	char server_version[MY_VERSION_MAX];
	uint64_t requests;
	struct my_pending queue[FM_L7_PENDING_MAX];
	unsigned int head, count;
	struct my_stmt stmts[MY_STMTS];
	unsigned int next_stmt;
	struct fm_l7_streams io;
};

static uint32_t le24(const uint8_t *p)
{
	return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16;
}

static uint32_t le32(const uint8_t *p)
{
	return le24(p) | (uint32_t)p[3] << 24;
}

/* The first keyword of a statement, past blanks and comments. */
static void my_verb(const uint8_t *p, size_t len, char *out, size_t size)
{
	size_t i = 0, o = 0;

	while (i < len) {
		if (isspace(p[i]) || p[i] == '(') {
			i++;
		} else if (p[i] == '#' ||
			   (p[i] == '-' && i + 1 < len && p[i + 1] == '-')) {
			while (i < len && p[i] != '\n')
				i++;
		} else if (p[i] == '/' && i + 1 < len && p[i + 1] == '*') {
			for (i += 2; i + 1 < len; i++)
				if (p[i] == '*' && p[i + 1] == '/')
					break;
			i += 2;
		} else {
			break;
		}
	}
	while (i < len && isalpha(p[i]) && o + 1 < size)
		out[o++] = (char)toupper(p[i++]);
	if (!o)
		snprintf(out, size, "OTHER");
	else
		out[o] = '\0';
}

/* The greeting: protocol 10, the server's version, ids, a zero filler. */
static bool my_greeting(struct my_state *s, const uint8_t *p, size_t len)
{
	const uint8_t *nul;
	size_t vlen, i;

	if (len < 1 || p[0] != 10)
		return false;
	nul = memchr(p + 1, 0, len - 1);
	if (!nul)
		return false;
	vlen = (size_t)(nul - p - 1);
	if (!vlen || vlen >= MY_VERSION_MAX || !isdigit(p[1]))
		return false;
	for (i = 1; i <= vlen; i++)
		if (p[i] < 0x20 || p[i] >= 0x7f)
			return false;
	/* connection id (4), auth data (8), filler, capabilities (2) */
	if (len < vlen + 2 + 4 + 8 + 1 + 2 || p[vlen + 2 + 12] != 0)
		return false;
	memcpy(s->server_version, p + 1, vlen);
	s->server_version[vlen] = '\0';
	return true;
}

static void my_report(struct my_state *s, const struct fm_l7_sink *sink,
		      const uint8_t *p, size_t avail, uint64_t ts)
{
	struct my_pending *q = &s->queue[s->head];
	struct fm_l7_request req;

	memset(&req, 0, sizeof(req));
	memcpy(req.method, q->method, sizeof(q->method));
	memcpy(req.route, q->route, sizeof(q->route));
	req.latency_ns = ts > q->ts ? ts - q->ts : 0;
	if (p[0] == 0xff && avail >= 3) {
		req.status = p[1] | p[2] << 8;
		req.failed = true;
	} else if (p[0] == 0x00 && avail >= 5 &&
		   !strcmp(q->method, "PREPARE")) {
		struct my_stmt *st = &s->stmts[s->next_stmt++ % MY_STMTS];

		st->id = le32(p + 1);
		memcpy(st->verb, q->route, sizeof(st->verb));
	}
	s->head = (s->head + 1) % FM_L7_PENDING_MAX;
	s->count--;
	if (sink && sink->request)
		sink->request(sink->ctx, &req);
}

static void my_command(struct my_state *s, const uint8_t *p, size_t avail,
		       uint64_t ts)
{
	struct my_pending *q;
	size_t i;

	if (p[0] == MY_COM_QUIT || p[0] == MY_COM_STMT_CLOSE ||
	    p[0] == MY_COM_STMT_SEND_LONG_DATA)
		return;		/* no response comes */
	s->requests++;
	if (s->count == FM_L7_PENDING_MAX)
		return;
	q = &s->queue[(s->head + s->count++) % FM_L7_PENDING_MAX];
	q->ts = ts;
	switch (p[0]) {
	case MY_COM_QUERY:
		snprintf(q->method, sizeof(q->method), "QUERY");
		my_verb(p + 1, avail - 1, q->route, sizeof(q->route));
		return;
	case MY_COM_STMT_PREPARE:
		snprintf(q->method, sizeof(q->method), "PREPARE");
		my_verb(p + 1, avail - 1, q->route, sizeof(q->route));
		return;
	case MY_COM_STMT_EXECUTE:
		snprintf(q->method, sizeof(q->method), "EXECUTE");
		snprintf(q->route, sizeof(q->route), "EXECUTE");
		for (i = 0; avail >= 5 && i < MY_STMTS; i++)
			if (s->stmts[i].verb[0] &&
			    s->stmts[i].id == le32(p + 1))
				memcpy(q->route, s->stmts[i].verb,
				       sizeof(q->route));
		return;
	case MY_COM_PING:
		snprintf(q->method, sizeof(q->method), "PING");
		break;
	case MY_COM_INIT_DB:
		snprintf(q->method, sizeof(q->method), "INIT_DB");
		break;
	default:
		snprintf(q->method, sizeof(q->method), "COM_%u", p[0]);
		break;
	}
	memcpy(q->route, q->method, sizeof(q->route));
}

/*
 * One packet at the start of @p, @len bytes of it buffered: returns its
 * size (more than @len: the rest is skipped), 0 for more bytes, -1 when
 * the stream is not (or no longer) followed.
 */
static long my_parse(void *state, const struct fm_l7_sink *sink,
		     enum fm_l7_dir dir, const uint8_t *p, size_t len,
		     uint64_t ts)
{
	struct my_state *s = state;
	size_t plen, total, need, avail;
	uint8_t seq;

	if (len < 4)
		return 0;
	plen = le24(p);
	seq = p[3];
	total = 4 + plen;
	if (!plen)
		return -1;
	if (!s->greeting && dir == FM_L7_TO_CLIENT) {
		if (seq != 0 || plen > MY_GREETING_MAX)
			return -1;
		if (len < total)
			return 0;
		if (!my_greeting(s, p + 4, plen))
			return -1;
		s->greeting = s->io.matched = true;
		return (long)total;
	}
	if (!s->greeting) {
		/* a HandshakeResponse waits for the greeting to decide */
		if (seq != 1 || plen < 32 || plen >= MY_BUF_MAX)
			return -1;
		if (len >= 6 && !(p[5] & (MY_CAP_PROTOCOL_41 >> 8)))
			return -1;
		return 0;
	}
	need = 4 + 1 + MY_VERB_BYTES;
	if (need > total)
		need = total;
	if (len < need)
		return 0;
	avail = (len < total ? len : total) - 4;
	p += 4;
	if (dir == FM_L7_TO_SERVER) {
		if (!s->handshake) {
			s->handshake = true;
			if (seq != 1 || avail < 4)
				return -1;
			if (p[1] & (MY_CAP_SSL >> 8)) {
				s->ssl = true;
				return -1;	/* TLS follows */
			}
			if (p[0] & MY_CAP_COMPRESS)
				return -1;	/* framing we do not read */
		} else if (s->authed && seq == 0) {
			my_command(s, p, avail, ts);
		}
		return (long)total;
	}
	if (!s->authed) {
		if (seq >= 2 && p[0] == 0x00)
			s->authed = true;
		else if (p[0] == 0xff)
			return -1;		/* access denied */
	} else if (seq == 1 && s->count) {
		my_report(s, sink, p, avail, ts);
	}
	return (long)total;
}

/* The client's handshake, held until the greeting. */
static unsigned int my_waiting(const void *state)
{
	const struct my_state *s = state;

	return !s->io.matched;
}

static const struct fm_l7_framing my_framing = {
	.parse = my_parse,
	.waiting = my_waiting,
};

static enum fm_l7_verdict my_feed(void *state, const struct fm_l7_sink *sink,
				  enum fm_l7_dir dir, bool datagram,
				  const uint8_t *data, size_t len, uint64_t ts)
{
	struct my_state *s = state;

	return fm_l7_stream_feed(&s->io, &my_framing, s, sink, dir, datagram,
				 data, len, ts);
}

static enum fm_l7_verdict my_gap(void *state, enum fm_l7_dir dir)
{
	struct my_state *s = state;

	(void)dir;
	return fm_l7_stream_stop(&s->io);	/* packet boundaries are lost */
}

static int my_describe(const void *state, json_t *l7)
{
	const struct my_state *s = state;
	int err = 0;

	if (s->server_version[0])
		err |= json_object_set_new(l7, "server_version",
					   json_string(s->server_version));
	err |= json_object_set_new(l7, "ssl", json_boolean(s->ssl));
	err |= json_object_set_new(l7, "requests",
				   json_integer((json_int_t)s->requests));
	return err ? -1 : 0;
}

static void my_release(void *state)
{
	struct my_state *s = state;

	fm_l7_stream_release(&s->io);
}

const struct fm_l7_detector fm_l7_mysql = {
	.proto = FM_L7_MYSQL,
	.name = "mysql",
	.state_size = sizeof(struct my_state),
	.feed = my_feed,
	.gap = my_gap,
	.describe = my_describe,
	.release = my_release,
};
