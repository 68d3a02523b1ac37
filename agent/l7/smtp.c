// SPDX-License-Identifier: GPL-2.0
/*
 * SMTP: the server speaks first, a "220" greeting, which is what the flow
 * is matched on (or the client's EHLO/HELO when that comes first).  Each
 * command is a request answered by one reply, possibly multi-line, in
 * order (PIPELINING); DATA's message is passed over up to its final
 * "<CRLF>.<CRLF>" without buffering.  After an accepted STARTTLS the rest
 * is TLS and is not followed.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "l7/stream.h"

#define SMTP_LINE_MAX		1024	/* RFC 5321 4.5.3.1: 1000 */
#define SMTP_BANNER_MAX		60

struct smtp_pending {
	char method[FM_L7_METHOD_MAX];
	uint64_t ts, resp_ts;
	bool has_resp;
};

struct smtp_state {
	bool banner_seen, starttls;
	bool in_reply;		/* server: inside a multi-line reply */
	bool in_data;		/* client: inside DATA's message */
	bool auth_cont;		/* client: lines answer the server's 334 */
	uint8_t data_match;	/* how much of CRLF.CRLF was seen */
	char banner[SMTP_BANNER_MAX + 1];
	uint64_t requests, reply_ts;
	struct smtp_pending queue[FM_L7_PENDING_MAX];
	unsigned int head, count;
	struct fm_l7_streams io;
};

/* A line at @p: its length without the line end, *@eol with it. */
static bool smtp_line(const uint8_t *p, size_t len, size_t *line, size_t *eol)
{
	const uint8_t *lf = memchr(p, '\n', len);

	if (!lf)
		return false;
	*eol = (size_t)(lf - p) + 1;
	*line = *eol - 1;
	if (*line && p[*line - 1] == '\r')
		(*line)--;
	return true;
}

static bool smtp_printable(const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if ((p[i] < 0x20 && p[i] != '\t') || p[i] >= 0x7f)
			return false;
	return true;
}

static bool smtp_contains(const uint8_t *p, size_t len, const char *word)
{
	size_t n = strlen(word), i;

	for (i = 0; i + n <= len; i++)
		if (!strncasecmp((const char *)p + i, word, n))
			return true;
	return false;
}

/* "EHLO host" or "HELO host": a domain or an address literal. */
static bool smtp_hello(const uint8_t *p, size_t line)
{
	size_t i;

	if (line < 6 || (strncasecmp((const char *)p, "EHLO ", 5) &&
			 strncasecmp((const char *)p, "HELO ", 5)))
		return false;
	for (i = 5; i < line; i++)
		if (!isalnum(p[i]) && !strchr(".-_:[]", p[i]))
			return false;
	return line - 5 <= 255;
}

static void smtp_command(struct smtp_state *s, const uint8_t *p, size_t line,
			 uint64_t ts)
{
	struct smtp_pending *q;
	size_t n = 0;

	s->requests++;
	if (s->count == FM_L7_PENDING_MAX)
		return;
	q = &s->queue[(s->head + s->count++) % FM_L7_PENDING_MAX];
	memset(q, 0, sizeof(*q));
	while (n < line && n + 1 < sizeof(q->method) && isalpha(p[n])) {
		q->method[n] = (char)toupper(p[n]);
		n++;
	}
	if (!n)
		snprintf(q->method, sizeof(q->method), "UNKNOWN");
	q->ts = ts;
}

static long smtp_client(struct smtp_state *s, const uint8_t *p, size_t len,
			uint64_t ts)
{
	size_t line, eol, i;

	if (s->in_data) {
		/* find CRLF "." CRLF, across calls */
		for (i = 0; i < len && s->in_data; i++) {
			uint8_t c = p[i], m = s->data_match;

			if (c == '\r')
				m = m == 3 ? 4 : 1;
			else if (c == '\n')
				m = m == 1 ? 2 : m == 4 ? 5 : 0;
			else if (c == '.')
				m = m == 2 ? 3 : 0;
			else
				m = 0;
			s->data_match = m;
			s->in_data = m != 5;
		}
		return (long)i;
	}
	if (!smtp_line(p, len, &line, &eol))
		return 0;
	if (!s->io.matched) {
		if (!smtp_hello(p, line))
			return -1;
		s->io.matched = true;
	}
	if (s->auth_cont)
		return (long)eol;	/* a SASL response, not a command */
	smtp_command(s, p, line, ts);
	return (long)eol;
}

static void smtp_report(struct smtp_state *s, const struct fm_l7_sink *sink,
			int code)
{
	struct smtp_pending *q = &s->queue[s->head];
	struct fm_l7_request req;

	s->head = (s->head + 1) % FM_L7_PENDING_MAX;
	s->count--;
	memset(&req, 0, sizeof(req));
	memcpy(req.method, q->method, sizeof(q->method));
	memcpy(req.route, q->method, sizeof(q->method));
	req.status = code;
	req.failed = code >= 400;
	req.latency_ns = q->resp_ts > q->ts ? q->resp_ts - q->ts : 0;
	if (sink && sink->request)
		sink->request(sink->ctx, &req);
}

/* The last line of a reply (@code) to the oldest command. */
static bool smtp_reply(struct smtp_state *s, const struct fm_l7_sink *sink,
		       int code)
{
	struct smtp_pending *q = &s->queue[s->head];

	if (!s->count)
		return true;	/* unsolicited, e.g. 421 on timeout */
	if (!q->has_resp) {
		q->has_resp = true;
		q->resp_ts = s->reply_ts;
	}
	if (!strcmp(q->method, "AUTH") && code == 334) {
		s->auth_cont = true;
		return true;
	}
	if (!strcmp(q->method, "DATA") && code == 354) {
		s->in_data = true;
		s->data_match = 2;	/* the message may be empty */
		return true;
	}
	if (!strcmp(q->method, "AUTH"))
		s->auth_cont = false;
	if (!strcmp(q->method, "STARTTLS") && code == 220) {
		s->starttls = true;
		smtp_report(s, sink, code);
		return false;		/* TLS from here on */
	}
	smtp_report(s, sink, code);
	return true;
}

static long smtp_server(struct smtp_state *s, const struct fm_l7_sink *sink,
			const uint8_t *p, size_t len, uint64_t ts)
{
	size_t line, eol, i, n;
	bool last;
	int code;

	if (len >= 1 && !isdigit(p[0]))
		return -1;
	if (!smtp_line(p, len, &line, &eol))
		return 0;
	if (line < 3 || !isdigit(p[1]) || !isdigit(p[2]) || p[0] < '2' ||
	    p[0] > '5' || (line > 3 && p[3] != ' ' && p[3] != '-'))
		return -1;
	code = (p[0] - '0') * 100 + (p[1] - '0') * 10 + (p[2] - '0');
	last = line == 3 || p[3] == ' ';
	if (!s->banner_seen) {
		/* after the client's EHLO any greeting is taken as it is */
		if (!s->io.matched &&
		    (code != 220 || !smtp_printable(p, line) ||
		     (smtp_contains(p, line, "FTP") &&
		      !smtp_contains(p, line, "SMTP"))))
			return -1;
		s->banner_seen = s->io.matched = true;
		n = line > 4 ? line - 4 : 0;
		if (n > SMTP_BANNER_MAX)
			n = SMTP_BANNER_MAX;
		for (i = 0; i < n; i++)
			s->banner[i] = p[4 + i] >= 0x20 && p[4 + i] < 0x7f ?
				       (char)p[4 + i] : '?';
		s->banner[n] = '\0';
		s->in_reply = !last;
		return (long)eol;
	}
	if (!s->in_reply)
		s->reply_ts = ts;
	s->in_reply = !last;
	if (last && !smtp_reply(s, sink, code))
		return -1;
	return (long)eol;
}

static long smtp_parse(void *state, const struct fm_l7_sink *sink,
		       enum fm_l7_dir dir, const uint8_t *p, size_t len,
		       uint64_t ts)
{
	struct smtp_state *s = state;

	return dir == FM_L7_TO_SERVER ? smtp_client(s, p, len, ts) :
					smtp_server(s, sink, p, len, ts);
}

static const struct fm_l7_framing smtp_framing = {
	.parse = smtp_parse,
	.limit = SMTP_LINE_MAX,
};

static enum fm_l7_verdict smtp_feed(void *state, const struct fm_l7_sink *sink,
				    enum fm_l7_dir dir, bool datagram,
				    const uint8_t *data, size_t len,
				    uint64_t ts)
{
	struct smtp_state *s = state;

	return fm_l7_stream_feed(&s->io, &smtp_framing, s, sink, dir, datagram,
				 data, len, ts);
}

static enum fm_l7_verdict smtp_gap(void *state, enum fm_l7_dir dir)
{
	struct smtp_state *s = state;

	/* a gap inside a message body is harmless: the end is still found */
	if (dir == FM_L7_TO_SERVER && s->in_data && !s->io.dir[dir].len)
		return fm_l7_stream_verdict(&s->io);
	return fm_l7_stream_stop(&s->io);
}

static int smtp_describe(const void *state, json_t *l7)
{
	const struct smtp_state *s = state;
	int err = 0;

	if (s->banner_seen)
		err |= json_object_set_new(l7, "banner",
					   json_string(s->banner));
	err |= json_object_set_new(l7, "starttls", json_boolean(s->starttls));
	err |= json_object_set_new(l7, "requests",
				   json_integer((json_int_t)s->requests));
	return err ? -1 : 0;
}

static void smtp_release(void *state)
{
	struct smtp_state *s = state;

	fm_l7_stream_release(&s->io);
}

const struct fm_l7_detector fm_l7_smtp = {
	.proto = FM_L7_SMTP,
	.name = "smtp",
	.state_size = sizeof(struct smtp_state),
	.feed = smtp_feed,
	.gap = smtp_gap,
	.describe = smtp_describe,
	.release = smtp_release,
};
