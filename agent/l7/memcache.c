// SPDX-License-Identifier: GPL-2.0
/*
 * memcached, text and binary protocols.  Text: a command line whose
 * arguments must have the right shape (storage commands are followed by a
 * data block of the announced size, skipped); replies are single lines
 * except retrievals and stats, which end with END.  Binary: 24-byte
 * headers, magic 0x80 (request) and 0x81 (response), paired by opaque.
 * Failures: text ERROR, CLIENT_ERROR and SERVER_ERROR; binary statuses
 * other than 0 (no error) and 1 (key not found, a miss).
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "l7/stream.h"

#define MC_LINE_MAX		2048
#define MC_KEY_MAX		250
#define MC_TOKENS		24
#define MC_HDR			24
#define MC_BODY_MAX		(1U << 28)
#define MC_DATA_MAX		(1ULL << 30)

struct mc_pending {
	char method[FM_L7_METHOD_MAX];
	uint64_t ts, resp_ts;
	uint32_t opaque;
	bool has_resp, binary, until_end;
};

struct mc_state {
	bool binary;
	uint64_t requests;
	struct mc_pending queue[FM_L7_PENDING_MAX];
	unsigned int head, count;
	uint64_t untracked;
	struct fm_l7_streams io;
};

struct mc_tok {
	const uint8_t *p;
	size_t len;
};

enum mc_shape {
	MC_RETRIEVE,		/* get <key>+ */
	MC_TOUCH_GET,		/* gat <exptime> <key>+ */
	MC_STORE,		/* set <key> <flags> <exptime> <bytes> [noreply] */
	MC_CAS,			/* ... <bytes> <cas> [noreply] */
	MC_DELETE,		/* delete <key> [<time>] [noreply] */
	MC_ARITH,		/* incr <key> <value> [noreply] */
	MC_TOUCH,		/* touch <key> <exptime> [noreply] */
	MC_ANY,			/* stats [args] */
	MC_NONE,		/* version, quit */
	MC_FLUSH,		/* flush_all [delay] [noreply] */
	MC_VERBOSITY,		/* verbosity <level> [noreply] */
};

static const struct {
	const char *word;
	enum mc_shape shape;
} mc_commands[] = {
	{ "get", MC_RETRIEVE }, { "gets", MC_RETRIEVE },
	{ "gat", MC_TOUCH_GET }, { "gats", MC_TOUCH_GET },
	{ "set", MC_STORE }, { "add", MC_STORE }, { "replace", MC_STORE },
	{ "append", MC_STORE }, { "prepend", MC_STORE }, { "cas", MC_CAS },
	{ "delete", MC_DELETE }, { "incr", MC_ARITH }, { "decr", MC_ARITH },
	{ "touch", MC_TOUCH }, { "stats", MC_ANY }, { "version", MC_NONE },
	{ "quit", MC_NONE }, { "flush_all", MC_FLUSH },
	{ "verbosity", MC_VERBOSITY },
};

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)be16(p) << 16 | be16(p + 2);
}

static bool mc_num(const struct mc_tok *t, bool sign, uint64_t *out)
{
	uint64_t v = 0;
	size_t i = sign && t->len && t->p[0] == '-';

	if (i == t->len || t->len - i > 20)
		return false;
	for (; i < t->len; i++) {
		if (!isdigit(t->p[i]))
			return false;
		v = v * 10 + (uint64_t)(t->p[i] - '0');
	}
	if (out)
		*out = v;
	return true;
}

static bool mc_key(const struct mc_tok *t)
{
	size_t i;

	if (!t->len || t->len > MC_KEY_MAX)
		return false;
	for (i = 0; i < t->len; i++)
		if (t->p[i] <= 0x20 || t->p[i] == 0x7f)
			return false;
	return true;
}

static bool mc_noreply(const struct mc_tok *t)
{
	return t->len == 7 && !memcmp(t->p, "noreply", 7);
}

/* Splits a line at spaces; false if it has more tokens than we read. */
static bool mc_split(const uint8_t *p, size_t len, struct mc_tok *tok,
		     size_t *n)
{
	size_t i = 0;

	*n = 0;
	while (i < len) {
		if (p[i] == ' ') {
			i++;
			continue;
		}
		if (*n == MC_TOKENS)
			return false;
		tok[*n].p = p + i;
		while (i < len && p[i] != ' ')
			i++;
		tok[*n].len = (size_t)(tok[*n].p - p);
		tok[*n].len = i - tok[*n].len;
		(*n)++;
	}
	return true;
}

/* Whether the arguments fit @shape; *@data is a data block's size. */
static bool mc_shape_ok(enum mc_shape shape, const struct mc_tok *t, size_t n,
			uint64_t *data, bool *noreply)
{
	size_t i, first = shape == MC_TOUCH_GET ? 2 : 1;

	*noreply = n > 1 && mc_noreply(&t[n - 1]);
	switch (shape) {
	case MC_TOUCH_GET:
		if (n < 3 || !mc_num(&t[1], true, NULL))
			return false;
		/* fall through */
	case MC_RETRIEVE:
		*noreply = false;
		if (n < first + 1)
			return false;
		for (i = first; i < n; i++)
			if (!mc_key(&t[i]))
				return false;
		return true;
	case MC_STORE:
	case MC_CAS:
		i = shape == MC_CAS ? 6 : 5;
		if ((n != i && !(n == i + 1 && *noreply)) || !mc_key(&t[1]) ||
		    !mc_num(&t[2], false, NULL) ||
		    !mc_num(&t[3], true, NULL) || !mc_num(&t[4], false, data) ||
		    *data > MC_DATA_MAX ||
		    (shape == MC_CAS && !mc_num(&t[5], false, NULL)))
			return false;
		return true;
	case MC_DELETE:
		return (n == 2 || n == 3 || (n == 4 && *noreply)) &&
		       mc_key(&t[1]) &&
		       (n == 2 || *noreply || mc_num(&t[2], false, NULL));
	case MC_ARITH:
	case MC_TOUCH:
		return (n == 3 || (n == 4 && *noreply)) && mc_key(&t[1]) &&
		       mc_num(&t[2], shape == MC_TOUCH, NULL);
	case MC_ANY:
		*noreply = false;
		return true;
	case MC_NONE:
		*noreply = false;
		return n == 1;
	case MC_FLUSH:
		return n == 1 || (n == 2 && (*noreply ||
					     mc_num(&t[1], false, NULL))) ||
		       (n == 3 && *noreply && mc_num(&t[1], false, NULL));
	case MC_VERBOSITY:
		return (n == 2 || (n == 3 && *noreply)) &&
		       mc_num(&t[1], false, NULL);
	}
	return false;
}

static void mc_push(struct mc_state *s, const char *method, uint64_t ts,
		    bool binary, uint32_t opaque, bool until_end)
{
	struct mc_pending *q;

	s->requests++;
	if (s->count == FM_L7_PENDING_MAX || s->untracked) {
		s->untracked++;
		return;
	}
	q = &s->queue[(s->head + s->count++) % FM_L7_PENDING_MAX];
	memset(q, 0, sizeof(*q));
	snprintf(q->method, sizeof(q->method), "%s", method);
	q->ts = ts;
	q->binary = binary;
	q->opaque = opaque;
	q->until_end = until_end;
}

static void mc_pop(struct mc_state *s, const struct fm_l7_sink *sink,
		   int32_t status, bool failed)
{
	struct mc_pending *q = &s->queue[s->head];
	struct fm_l7_request req;

	s->head = (s->head + 1) % FM_L7_PENDING_MAX;
	s->count--;
	memset(&req, 0, sizeof(req));
	memcpy(req.method, q->method, sizeof(q->method));
	memcpy(req.route, q->method, sizeof(q->method));
	req.status = status;
	req.failed = failed;
	req.latency_ns = q->resp_ts > q->ts ? q->resp_ts - q->ts : 0;
	if (sink && sink->request)
		sink->request(sink->ctx, &req);
}

static long mc_text_request(struct mc_state *s, const uint8_t *p, size_t line,
			    size_t eol, uint64_t ts)
{
	struct mc_tok t[MC_TOKENS];
	char method[FM_L7_METHOD_MAX];
	uint64_t data = 0;
	bool noreply;
	size_t n, i, c;

	if (!mc_split(p, line, t, &n) || !n)
		return -1;
	for (c = 0; c < sizeof(mc_commands) / sizeof(*mc_commands); c++)
		if (strlen(mc_commands[c].word) == t[0].len &&
		    !memcmp(mc_commands[c].word, t[0].p, t[0].len))
			break;
	if (c == sizeof(mc_commands) / sizeof(*mc_commands) ||
	    !mc_shape_ok(mc_commands[c].shape, t, n, &data, &noreply))
		return -1;
	s->io.matched = true;
	for (i = 0; i < t[0].len; i++)
		method[i] = (char)toupper(t[0].p[i]);
	method[t[0].len] = '\0';
	if (noreply)
		s->requests++;
	else if (strcmp(method, "QUIT"))
		mc_push(s, method, ts, false, 0,
			mc_commands[c].shape == MC_RETRIEVE ||
			mc_commands[c].shape == MC_TOUCH_GET ||
			mc_commands[c].shape == MC_ANY);
	if (mc_commands[c].shape == MC_STORE || mc_commands[c].shape == MC_CAS)
		return (long)(eol + data + 2);
	return (long)eol;
}

static bool mc_is(const struct mc_tok *t, const char *word)
{
	return t->len == strlen(word) && !memcmp(t->p, word, t->len);
}

static long mc_text_reply(struct mc_state *s, const struct fm_l7_sink *sink,
			  const uint8_t *p, size_t line, size_t eol,
			  uint64_t ts)
{
	struct mc_tok t[MC_TOKENS];
	struct mc_pending *q = s->count ? &s->queue[s->head] : NULL;
	bool done = false, failed = false, block = false;
	uint64_t data = 0;
	size_t n;

	if (!mc_split(p, line, t, &n) || !n)
		return -1;
	if (mc_is(&t[0], "VALUE")) {
		if ((n != 4 && n != 5) || !mc_key(&t[1]) ||
		    !mc_num(&t[2], false, NULL) ||
		    !mc_num(&t[3], false, &data) || data > MC_DATA_MAX)
			return -1;
		block = true;
	} else if (mc_is(&t[0], "STAT")) {
		if (n < 2)
			return -1;
	} else if (mc_is(&t[0], "ERROR") || mc_is(&t[0], "CLIENT_ERROR") ||
		   mc_is(&t[0], "SERVER_ERROR")) {
		done = failed = true;
	} else if (mc_is(&t[0], "END") || mc_is(&t[0], "STORED") ||
		   mc_is(&t[0], "NOT_STORED") || mc_is(&t[0], "EXISTS") ||
		   mc_is(&t[0], "NOT_FOUND") || mc_is(&t[0], "DELETED") ||
		   mc_is(&t[0], "TOUCHED") || mc_is(&t[0], "OK") ||
		   mc_is(&t[0], "VERSION") || (n == 1 &&
					       mc_num(&t[0], false, NULL))) {
		done = !q || !q->until_end || mc_is(&t[0], "END");
	} else {
		return -1;
	}
	if (!s->io.matched)
		return 0;	/* a reply waits for the client's request */
	if (q && !q->binary) {
		if (!q->has_resp) {
			q->has_resp = true;
			q->resp_ts = ts;
		}
		if (done)
			mc_pop(s, sink, -1, failed);
	} else if (done && s->untracked) {
		s->untracked--;
	}
	return (long)(block ? eol + data + 2 : eol);
}

static const char *const mc_opcodes[] = {
	[0x00] = "GET", [0x01] = "SET", [0x02] = "ADD", [0x03] = "REPLACE",
	[0x04] = "DELETE", [0x05] = "INCR", [0x06] = "DECR", [0x07] = "QUIT",
	[0x08] = "FLUSH", [0x0a] = "NOOP", [0x0b] = "VERSION",
	[0x0c] = "GET", [0x0e] = "APPEND", [0x0f] = "PREPEND",
	[0x10] = "STATS", [0x1b] = "VERBOSITY", [0x1c] = "TOUCH",
	[0x1d] = "GAT", [0x20] = "SASL_LIST", [0x21] = "SASL_AUTH",
	[0x22] = "SASL_STEP",
};

/* Quiet variants answer only on failure: counted, not followed. */
static bool mc_quiet(uint8_t op)
{
	return op == 0x09 || op == 0x0d || (op >= 0x11 && op <= 0x1a) ||
	       op == 0x1e;
}

static long mc_binary(struct mc_state *s, const struct fm_l7_sink *sink,
		      enum fm_l7_dir dir, const uint8_t *p, size_t len,
		      uint64_t ts)
{
	uint32_t body, opaque;
	uint16_t status;
	uint8_t op;

	if (len < MC_HDR)
		return 0;
	op = p[1];
	body = be32(p + 8);
	opaque = be32(p + 12);
	status = be16(p + 6);
	if (p[0] != (dir == FM_L7_TO_SERVER ? 0x80 : 0x81) || p[5] ||
	    body > MC_BODY_MAX || (uint32_t)p[4] + be16(p + 2) > body ||
	    op > 0x22 || (!mc_quiet(op) && !mc_opcodes[op]))
		return -1;
	if (dir == FM_L7_TO_SERVER) {
		s->io.matched = s->binary = true;
		if (mc_quiet(op))
			s->requests++;
		else if (op != 0x07)
			mc_push(s, mc_opcodes[op], ts, true, opaque, false);
		return (long)(MC_HDR + body);
	}
	if (!s->io.matched)
		return 0;
	/* drop what the server left unanswered before this one */
	while (s->count && (!s->queue[s->head].binary ||
			    s->queue[s->head].opaque != opaque))
		mc_pop(s, NULL, -1, false);
	if (s->count) {
		struct mc_pending *q = &s->queue[s->head];

		if (!q->has_resp) {
			q->has_resp = true;
			q->resp_ts = ts;
		}
		/* stats come one per response, an empty key last */
		if (op != 0x10 || !be16(p + 2))
			mc_pop(s, sink, status, status > 1);
	}
	return (long)(MC_HDR + body);
}

static long mc_parse(void *state, const struct fm_l7_sink *sink,
		     enum fm_l7_dir dir, const uint8_t *p, size_t len,
		     uint64_t ts)
{
	struct mc_state *s = state;
	const uint8_t *lf;
	size_t line, eol;

	if (p[0] == 0x80 || p[0] == 0x81)
		return mc_binary(s, sink, dir, p, len, ts);
	lf = memchr(p, '\n', len < MC_LINE_MAX ? len : MC_LINE_MAX);
	if (!lf)
		return len >= MC_LINE_MAX ? -1 : 0;
	eol = (size_t)(lf - p) + 1;
	line = eol - 1;
	if (!line || p[line - 1] != '\r')
		return -1;
	line--;
	if (dir == FM_L7_TO_SERVER)
		return mc_text_request(s, p, line, eol, ts);
	return mc_text_reply(s, sink, p, line, eol, ts);
}

/* Replies held back until the client spoke. */
static unsigned int mc_waiting(const void *state)
{
	const struct mc_state *s = state;

	return !s->io.matched;
}

static const struct fm_l7_framing mc_framing = {
	.parse = mc_parse,
	.waiting = mc_waiting,
};

static enum fm_l7_verdict mc_feed(void *state, const struct fm_l7_sink *sink,
				  enum fm_l7_dir dir, bool datagram,
				  const uint8_t *data, size_t len, uint64_t ts)
{
	struct mc_state *s = state;

	return fm_l7_stream_feed(&s->io, &mc_framing, s, sink, dir, datagram,
				 data, len, ts);
}

static enum fm_l7_verdict mc_gap(void *state, enum fm_l7_dir dir)
{
	struct mc_state *s = state;

	(void)dir;
	return fm_l7_stream_stop(&s->io);	/* message boundaries are lost */
}

static int mc_describe(const void *state, json_t *l7)
{
	const struct mc_state *s = state;
	int err = 0;

	err |= json_object_set_new(l7, "requests",
				   json_integer((json_int_t)s->requests));
	err |= json_object_set_new(l7, "binary", json_boolean(s->binary));
	return err ? -1 : 0;
}

static void mc_release(void *state)
{
	struct mc_state *s = state;

	fm_l7_stream_release(&s->io);
}

const struct fm_l7_detector fm_l7_memcache = {
	.proto = FM_L7_MEMCACHE,
	.name = "memcache",
	.state_size = sizeof(struct mc_state),
	.feed = mc_feed,
	.gap = mc_gap,
	.describe = mc_describe,
	.release = mc_release,
};
