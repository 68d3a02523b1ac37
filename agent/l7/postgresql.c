// SPDX-License-Identifier: GPL-2.0
/*
 * PostgreSQL frontend/backend protocol 3.0: matched on the client's
 * StartupMessage, SSLRequest, GSSENCRequest or CancelRequest.  A simple
 * Query is a request; so is an extended-protocol batch (Parse, Bind,
 * Execute, ... up to Sync).  Each request ends at the server's
 * ReadyForQuery; an ErrorResponse before it marks it failed.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "l7/stream.h"

#define PG_BUF_MAX		FM_L7_REASM_MAX
#define PG_MSG_MAX		(1U << 30)
#define PG_NAME_MAX		64
#define PG_STMTS		16
#define PG_CLASSES		16
#define PG_PEEK			320	/* message bytes read, at most */

enum {
	PG_PROTO_3 = 196608,
	PG_CANCEL = 80877102,
	PG_SSL = 80877103,
	PG_GSSENC = 80877104,
};

struct pg_pending {
	char method[FM_L7_METHOD_MAX];
	char route[FM_L7_METHOD_MAX];
	uint64_t ts, resp_ts;
	bool has_resp, failed, closed, silent;
};

struct pg_stmt {
	char name[PG_NAME_MAX];
	char verb[FM_L7_METHOD_MAX];
};

struct pg_class {
	char code[3];
	uint64_t count;
};

struct pg_state {
	bool started, ssl_asked, ssl, enc_wait;
	char user[PG_NAME_MAX], database[PG_NAME_MAX];
	char server_version[PG_NAME_MAX];
	uint64_t requests;
	struct pg_pending queue[FM_L7_PENDING_MAX];
	unsigned int head, count;
	bool batch_open;
	struct pg_stmt stmts[PG_STMTS];
	unsigned int next_stmt;
	struct pg_class classes[PG_CLASSES];
	struct fm_l7_streams io;
};

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/* The first keyword of a statement, past blanks and comments. */
static void pg_verb(const uint8_t *p, size_t len, char *out, size_t size)
{
	size_t i = 0, o = 0;

	while (i < len) {
		if (isspace(p[i]) || p[i] == '(') {
			i++;
		} else if (p[i] == '-' && i + 1 < len && p[i + 1] == '-') {
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

/* A NUL-terminated string at @p: its length, or -1 if not within @len. */
static long pg_cstr(const uint8_t *p, size_t len)
{
	const uint8_t *nul = memchr(p, 0, len);

	return nul ? nul - p : -1;
}

static void pg_copy(char *out, size_t size, const uint8_t *p, size_t len)
{
	size_t i;

	if (len >= size)
		len = size - 1;
	for (i = 0; i < len; i++)
		out[i] = p[i] >= 0x20 && p[i] < 0x7f ? (char)p[i] : '?';
	out[len] = '\0';
}

/* StartupMessage parameters: name/value pairs, then a NUL. */
static bool pg_startup(struct pg_state *s, const uint8_t *p, size_t len)
{
	size_t off = 0;

	while (off < len && p[off]) {
		long k = pg_cstr(p + off, len - off), v;
		const uint8_t *key = p + off;
		long i;

		if (k < 0)
			return false;
		for (i = 0; i < k; i++)
			if (key[i] < 0x20 || key[i] >= 0x7f)
				return false;
		off += (size_t)k + 1;
		v = off < len ? pg_cstr(p + off, len - off) : -1;
		if (v < 0)
			return false;
		if (k == 4 && !memcmp(key, "user", 4))
			pg_copy(s->user, sizeof(s->user), p + off, (size_t)v);
		else if (k == 8 && !memcmp(key, "database", 8))
			pg_copy(s->database, sizeof(s->database), p + off,
				(size_t)v);
		off += (size_t)v + 1;
	}
	return off + 1 == len;
}

/* The untyped first message of a connection. */
static long pg_first(struct pg_state *s, const uint8_t *p, size_t len)
{
	uint32_t mlen, code;

	if (len < 8)
		return 0;
	mlen = be32(p);
	code = be32(p + 4);
	switch (code) {
	case PG_SSL:
	case PG_GSSENC:
		if (mlen != 8)
			return -1;
		s->enc_wait = true;
		s->ssl_asked |= code == PG_SSL;
		break;
	case PG_CANCEL:
		if (mlen != 16)
			return -1;
		s->started = true;	/* nothing follows */
		break;
	case PG_PROTO_3:
		if (mlen < 9 || mlen > PG_BUF_MAX)
			return -1;
		if (len < mlen)
			return 0;
		if (!pg_startup(s, p + 8, mlen - 8))
			return -1;
		s->started = true;
		break;
	default:
		return -1;
	}
	s->io.matched = true;
	return (long)mlen;
}

static struct pg_pending *pg_push(struct pg_state *s, const char *method,
				  uint64_t ts)
{
	struct pg_pending *q;

	if (s->count == FM_L7_PENDING_MAX)
		return NULL;
	q = &s->queue[(s->head + s->count++) % FM_L7_PENDING_MAX];
	memset(q, 0, sizeof(*q));
	snprintf(q->method, sizeof(q->method), "%s", method);
	q->ts = ts;
	return q;
}

static struct pg_pending *pg_tail(struct pg_state *s)
{
	return s->count ? &s->queue[(s->head + s->count - 1) %
				    FM_L7_PENDING_MAX] : NULL;
}

static void pg_client(struct pg_state *s, uint8_t type, const uint8_t *p,
		      size_t len, uint64_t ts)
{
	struct pg_pending *q = s->batch_open ? pg_tail(s) : NULL;
	long n, m;
	size_t i;

	switch (type) {
	case 'Q':
		s->requests++;
		q = pg_push(s, "QUERY", ts);
		if (q) {
			pg_verb(p, len, q->route, sizeof(q->route));
			q->closed = true;
		}
		return;
	case 'F':
		s->requests++;
		q = pg_push(s, "CALL", ts);
		if (q) {
			snprintf(q->route, sizeof(q->route), "CALL");
			q->closed = true;
		}
		return;
	case 'S':
		if (!s->batch_open) {
			/* a lone Sync still gets its ReadyForQuery */
			q = pg_push(s, "SYNC", ts);
			if (q)
				q->silent = q->closed = true;
			return;
		}
		s->batch_open = false;
		if (q) {
			q->closed = true;
			if (!q->route[0])
				snprintf(q->route, sizeof(q->route), "%s",
					 q->method);
		}
		return;
	case 'P': case 'B': case 'E': case 'D': case 'C': case 'H':
		break;
	default:
		return;		/* password, copy data, terminate */
	}
	if (!s->batch_open) {
		s->requests++;
		s->batch_open = true;
		q = pg_push(s, "PREPARE", ts);
	}
	if (!q)
		return;
	n = pg_cstr(p, len);
	if (type == 'E') {
		snprintf(q->method, sizeof(q->method), "EXECUTE");
	} else if (type == 'P' && n >= 0) {
		struct pg_stmt *st = &s->stmts[s->next_stmt++ % PG_STMTS];

		/* a batch is named after its first statement */
		pg_verb(p + n + 1, len - (size_t)n - 1, st->verb,
			sizeof(st->verb));
		pg_copy(st->name, sizeof(st->name), p, (size_t)n);
		if (!q->route[0])
			memcpy(q->route, st->verb, sizeof(q->route));
	} else if (type == 'B' && n >= 0 && !q->route[0]) {
		/* portal, then the statement bound */
		m = pg_cstr(p + n + 1, len - (size_t)n - 1);
		for (i = 0; m >= 0 && i < PG_STMTS; i++) {
			char name[PG_NAME_MAX];

			pg_copy(name, sizeof(name), p + n + 1, (size_t)m);
			if (s->stmts[i].verb[0] &&
			    !strcmp(s->stmts[i].name, name))
				memcpy(q->route, s->stmts[i].verb,
				       sizeof(q->route));
		}
	}
}

static void pg_error(struct pg_state *s, const uint8_t *p, size_t len)
{
	struct pg_pending *q = s->count ? &s->queue[s->head] : NULL;
	size_t off = 0, i;
	long n;

	if (q)
		q->failed = true;
	while (off < len && p[off]) {
		n = pg_cstr(p + off + 1, len - off - 1);
		if (n < 0)
			return;
		if (p[off] == 'C' && n == 5)
			break;
		off += (size_t)n + 2;
	}
	if (off >= len || !p[off])
		return;
	for (i = 0; i < PG_CLASSES; i++) {
		struct pg_class *c = &s->classes[i];

		if (!c->count)
			memcpy(c->code, p + off + 1, 2);
		if (!memcmp(c->code, p + off + 1, 2)) {
			c->count++;
			return;
		}
	}
}

static void pg_ready(struct pg_state *s, const struct fm_l7_sink *sink)
{
	struct pg_pending *q = &s->queue[s->head];
	struct fm_l7_request req;

	s->head = (s->head + 1) % FM_L7_PENDING_MAX;
	s->count--;
	if (q->silent)
		return;
	memset(&req, 0, sizeof(req));
	memcpy(req.method, q->method, sizeof(q->method));
	memcpy(req.route, q->route, sizeof(q->route));
	req.status = -1;
	req.failed = q->failed;
	req.latency_ns = q->resp_ts > q->ts ? q->resp_ts - q->ts : 0;
	if (sink && sink->request)
		sink->request(sink->ctx, &req);
}

static void pg_server(struct pg_state *s, const struct fm_l7_sink *sink,
		      uint8_t type, const uint8_t *p, size_t len, uint64_t ts)
{
	struct pg_pending *q = s->count ? &s->queue[s->head] : NULL;
	long n;

	if (q && !q->has_resp) {
		q->has_resp = true;
		q->resp_ts = ts;
	}
	if (type == 'E') {
		pg_error(s, p, len);
	} else if (type == 'Z' && q && q->closed) {
		pg_ready(s, sink);
	} else if (type == 'S') {
		n = pg_cstr(p, len);
		if (n == 14 && !memcmp(p, "server_version", 14)) {
			long v = pg_cstr(p + 15, len - 15);

			if (v >= 0)
				pg_copy(s->server_version,
					sizeof(s->server_version), p + 15,
					(size_t)v);
		}
	}
}

static long pg_parse(void *state, const struct fm_l7_sink *sink,
		     enum fm_l7_dir dir, const uint8_t *p, size_t len,
		     uint64_t ts)
{
	struct pg_state *s = state;
	static const char client_types[] = "QPBEDCHSFpXdcf";
	static const char server_types[] = "RSKZTDCEN123nstIGHWdcAVv";
	size_t total, need;
	uint32_t mlen;

	if (dir == FM_L7_TO_SERVER && !s->started && !s->enc_wait)
		return pg_first(s, p, len);
	if (dir == FM_L7_TO_CLIENT && !s->io.matched)
		/* a plausible reply waits for the client to decide */
		return p[0] && strchr("SNRE", p[0]) ? 0 : -1;
	if (dir == FM_L7_TO_CLIENT && s->enc_wait) {
		if (p[0] != 'N') {
			s->ssl = s->ssl_asked && p[0] == 'S';
			return -1;	/* encrypted from here on */
		}
		s->enc_wait = false;
		return 1;
	}
	if (dir == FM_L7_TO_SERVER && s->enc_wait)
		return 0;	/* after the server's answer */
	if (len < 5)
		return 0;
	mlen = be32(p + 1);
	if (!p[0] || mlen < 4 || mlen > PG_MSG_MAX ||
	    !strchr(dir == FM_L7_TO_SERVER ? client_types : server_types,
		    p[0]))
		return -1;
	total = 1 + (size_t)mlen;
	need = total < PG_PEEK ? total : PG_PEEK;
	if (len < need)
		return 0;
	if (dir == FM_L7_TO_SERVER)
		pg_client(s, p[0], p + 5, need - 5, ts);
	else
		pg_server(s, sink, p[0], p + 5, need - 5, ts);
	return (long)total;
}

/*
 * Bytes held for the other side's news: replies until the client is
 * matched, the client's until the server answers an encryption request.
 */
static unsigned int pg_waiting(const void *state)
{
	const struct pg_state *s = state;

	return (s->io.matched ? 0 : 1U) | (s->enc_wait ? 2U : 0);
}

static const struct fm_l7_framing pg_framing = {
	.parse = pg_parse,
	.waiting = pg_waiting,
};

static enum fm_l7_verdict pg_feed(void *state, const struct fm_l7_sink *sink,
				  enum fm_l7_dir dir, bool datagram,
				  const uint8_t *data, size_t len, uint64_t ts)
{
	struct pg_state *s = state;

	return fm_l7_stream_feed(&s->io, &pg_framing, s, sink, dir, datagram,
				 data, len, ts);
}

static enum fm_l7_verdict pg_gap(void *state, enum fm_l7_dir dir)
{
	struct pg_state *s = state;

	(void)dir;
	return fm_l7_stream_stop(&s->io);	/* message boundaries are lost */
}

static int pg_describe(const void *state, json_t *l7)
{
	const struct pg_state *s = state;
	json_t *classes = json_object();
	int err = 0;
	size_t i;

	if (!classes)
		return -1;
	if (s->user[0])
		err |= json_object_set_new(l7, "user", json_string(s->user));
	if (s->database[0])
		err |= json_object_set_new(l7, "database",
					   json_string(s->database));
	if (s->server_version[0])
		err |= json_object_set_new(l7, "server_version",
					   json_string(s->server_version));
	err |= json_object_set_new(l7, "ssl", json_boolean(s->ssl));
	err |= json_object_set_new(l7, "requests",
				   json_integer((json_int_t)s->requests));
	for (i = 0; i < PG_CLASSES && s->classes[i].count; i++) {
		char code[3];

		pg_copy(code, sizeof(code), (const uint8_t *)s->classes[i].code,
			2);
		err |= json_object_set_new(classes, code,
					   json_integer((json_int_t)
							s->classes[i].count));
	}
	err |= json_object_set_new(l7, "sqlstate_classes", classes);
	return err ? -1 : 0;
}

static void pg_release(void *state)
{
	struct pg_state *s = state;

	fm_l7_stream_release(&s->io);
}

const struct fm_l7_detector fm_l7_postgresql = {
	.proto = FM_L7_POSTGRESQL,
	.name = "postgresql",
	.state_size = sizeof(struct pg_state),
	.feed = pg_feed,
	.gap = pg_gap,
	.describe = pg_describe,
	.release = pg_release,
};
