// SPDX-License-Identifier: GPL-2.0
/*
 * Redis (RESP2 and RESP3): the client sends arrays of bulk strings (or an
 * inline command line), the server one reply per command, in order, so
 * requests queue up until their replies come (pipelining).  Values are
 * counted, not kept: bulk strings are skipped without buffering.
 */
#include <ctype.h>
#include <string.h>

#include "l7/stream.h"

#define RESP_CMD_MAX		32	/* longest command name read */
#define RESP_ARGS_MAX		(1 << 20)
#define RESP_BULK_MAX		(512LL << 20)

/* Where a direction is in its current message. */
struct resp_dir {
	uint64_t remaining;	/* values left in the current message */
	bool want_cmd;		/* client: next value names the command */
	uint64_t req_ts;	/* client: when the current command began */
	bool error, push;	/* server: kind of the current reply */
};

struct resp_pending {
	char method[FM_L7_METHOD_MAX];
	uint64_t ts;
};

struct resp_state {
	uint64_t requests, errors;
	struct resp_pending queue[FM_L7_PENDING_MAX];
	unsigned int head, count;
	uint64_t untracked;	/* requests beyond the queue, in order after */
	uint64_t reply_ts;
	struct resp_dir dir[2];
	struct fm_l7_streams io;
};

/* Commands accepted inline (a bare line) before a match: none of them is
 * a word another text protocol starts with. */
static const char *const resp_inline[] = {
	"PING", "INFO", "ECHO", "AUTH", "SELECT", "MONITOR", "DBSIZE",
	"FLUSHALL", "FLUSHDB", "KEYS", "EXISTS", "DEL", "TTL", "TYPE",
	"HELLO", "COMMAND", "CONFIG", "CLIENT", "SUBSCRIBE", "PUBLISH",
	"LPUSH", "RPUSH", "LRANGE", "LLEN", "HGETALL", "SCAN",
};

static bool resp_int(const uint8_t *p, size_t len, long long *out)
{
	long long v = 0;
	bool neg = false;
	size_t i = 0;

	if (len && p[0] == '-') {
		neg = true;
		i = 1;
	}
	if (i == len || len - i > 18)
		return false;
	for (; i < len; i++) {
		if (!isdigit(p[i]))
			return false;
		v = v * 10 + (p[i] - '0');
	}
	*out = neg ? -v : v;
	return true;
}

/* A command name: letters, with the dots and underscores of modules. */
static bool resp_cmd_name(const uint8_t *p, size_t len, char *out)
{
	size_t i;

	if (!len || len >= FM_L7_METHOD_MAX || !isalpha(p[0]))
		return false;
	for (i = 0; i < len; i++) {
		if (!isalpha(p[i]) && p[i] != '.' && p[i] != '_')
			return false;
		out[i] = (char)toupper(p[i]);
	}
	out[len] = '\0';
	return true;
}

static void resp_request(struct resp_state *s, const char *method,
			 uint64_t ts)
{
	struct resp_pending *q;

	s->requests++;
	if (s->count == FM_L7_PENDING_MAX || s->untracked) {
		s->untracked++;
		return;
	}
	q = &s->queue[(s->head + s->count++) % FM_L7_PENDING_MAX];
	memcpy(q->method, method, FM_L7_METHOD_MAX);
	q->ts = ts;
}

static void resp_reply(struct resp_state *s, const struct fm_l7_sink *sink,
		       bool error)
{
	struct fm_l7_request req;
	struct resp_pending *q;

	if (error)
		s->errors++;
	if (!s->count) {
		/* a reply to a request past the queue, or a pub/sub message */
		if (s->untracked)
			s->untracked--;
		return;
	}
	q = &s->queue[s->head];
	s->head = (s->head + 1) % FM_L7_PENDING_MAX;
	s->count--;
	memset(&req, 0, sizeof(req));
	memcpy(req.method, q->method, sizeof(req.method));
	memcpy(req.route, q->method, sizeof(req.method));
	req.status = -1;
	req.failed = error;
	req.latency_ns = s->reply_ts > q->ts ? s->reply_ts - q->ts : 0;
	if (sink && sink->request)
		sink->request(sink->ctx, &req);
}

/* An inline command line (no leading '*'). */
static long resp_inline_cmd(struct resp_state *s, const uint8_t *p,
			    size_t line, size_t eol, uint64_t ts)
{
	char method[FM_L7_METHOD_MAX];
	size_t w = 0, i;

	while (w < line && p[w] != ' ')
		w++;
	if (!line)
		return (long)eol;	/* redis skips empty lines */
	if (!resp_cmd_name(p, w, method))
		return -1;
	if (!s->io.matched) {
		for (i = 0; i < sizeof(resp_inline) / sizeof(*resp_inline);
		     i++)
			if (!strcmp(method, resp_inline[i]))
				break;
		if (i == sizeof(resp_inline) / sizeof(*resp_inline))
			return -1;
		for (i = w; i < line; i++)
			if (p[i] < 0x20 || p[i] >= 0x7f)
				return -1;
		s->io.matched = true;
	}
	resp_request(s, method, ts);
	return (long)eol;
}

/*
 * One value (or an aggregate's header) at the start of @p, @len bytes
 * buffered.  Returns the bytes it takes (more than @len: the rest is to be
 * skipped), 0 for more bytes, -1 if this is not RESP.
 */
static long resp_parse(void *state, const struct fm_l7_sink *sink,
		       enum fm_l7_dir dir, const uint8_t *p, size_t len,
		       uint64_t ts)
{
	struct resp_state *s = state;
	struct resp_dir *d = &s->dir[dir];
	const uint8_t *cr = len ? memchr(p, '\r', len) : NULL;
	size_t line, eol;
	bool top = !d->remaining, attr = false;
	long long n = 0;
	long used;

	/* lines end in CRLF, never a bare LF */
	if (memchr(p, '\n', cr ? (size_t)(cr - p) : len))
		return -1;
	if (!cr)
		return 0;
	line = (size_t)(cr - p);
	if (line + 1 >= len)
		return 0;
	if (cr[1] != '\n')
		return -1;
	eol = line + 2;
	if (dir == FM_L7_TO_SERVER && top && (!line || p[0] != '*'))
		return resp_inline_cmd(s, p, line, eol, ts);
	if (!line)
		return -1;
	if (top) {
		d->remaining = 1;
		d->error = p[0] == '-' || p[0] == '!';
		d->push = p[0] == '>';
		if (dir == FM_L7_TO_CLIENT)
			s->reply_ts = ts;
	}
	used = (long)eol;
	switch (p[0]) {
	case '+': case '-': case ':': case ',': case '#': case '_': case '(':
		if (dir == FM_L7_TO_SERVER)
			return -1;	/* clients send bulk strings */
		break;
	case '$': case '=': case '!':
		if (!resp_int(p + 1, line - 1, &n) || n < -1 ||
		    n > RESP_BULK_MAX)
			return -1;
		if (n < 0)
			break;
		if (d->want_cmd) {
			char method[FM_L7_METHOD_MAX];

			if (n > RESP_CMD_MAX)
				return -1;
			if (len < eol + n + 2)
				return 0;
			if (!resp_cmd_name(p + eol, n, method) ||
			    p[eol + n] != '\r' || p[eol + n + 1] != '\n')
				return -1;
			d->want_cmd = false;
			s->io.matched = true;
			resp_request(s, method, d->req_ts);
		}
		used = (long)(eol + n + 2);
		break;
	case '|':
		attr = true;
		/* fall through */
	case '*': case '~': case '%': case '>':
		if (!resp_int(p + 1, line - 1, &n) || n < -1 ||
		    n > RESP_ARGS_MAX)
			return -1;
		if (dir == FM_L7_TO_SERVER && top) {
			if (n < 1)
				return -1;
			d->want_cmd = true;
			d->req_ts = ts;
		} else if (dir == FM_L7_TO_SERVER) {
			return -1;
		}
		if (n > 0)
			d->remaining += (uint64_t)n * (p[0] == '%' || attr ?
						       2 : 1);
		break;
	default:
		return -1;
	}
	/* a server's bytes wait for the client's to decide */
	if (!s->io.matched && dir == FM_L7_TO_CLIENT) {
		d->remaining = 0;
		return 0;
	}
	if (!attr)
		d->remaining--;
	if (!d->remaining && dir == FM_L7_TO_CLIENT && !d->push)
		resp_reply(s, sink, d->error);
	return used;
}

/* Replies held back until the client spoke. */
static unsigned int resp_waiting(const void *state)
{
	const struct resp_state *s = state;

	return !s->io.matched;
}

static const struct fm_l7_framing resp_framing = {
	.parse = resp_parse,
	.waiting = resp_waiting,
};

static enum fm_l7_verdict resp_feed(void *state, const struct fm_l7_sink *sink,
				    enum fm_l7_dir dir, bool datagram,
				    const uint8_t *data, size_t len,
				    uint64_t ts)
{
	struct resp_state *s = state;

	return fm_l7_stream_feed(&s->io, &resp_framing, s, sink, dir, datagram,
				 data, len, ts);
}

static enum fm_l7_verdict resp_gap(void *state, enum fm_l7_dir dir)
{
	struct resp_state *s = state;

	(void)dir;
	return fm_l7_stream_stop(&s->io);	/* no way back to a value boundary */
}

static int resp_describe(const void *state, json_t *l7)
{
	const struct resp_state *s = state;
	int err = 0;

	err |= json_object_set_new(l7, "requests",
				   json_integer((json_int_t)s->requests));
	err |= json_object_set_new(l7, "errors",
				   json_integer((json_int_t)s->errors));
	return err ? -1 : 0;
}

static void resp_release(void *state)
{
	struct resp_state *s = state;

	fm_l7_stream_release(&s->io);
}

const struct fm_l7_detector fm_l7_redis = {
	.proto = FM_L7_REDIS,
	.name = "redis",
	.state_size = sizeof(struct resp_state),
	.feed = resp_feed,
	.gap = resp_gap,
	.describe = resp_describe,
	.release = resp_release,
};
