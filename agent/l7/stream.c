// SPDX-License-Identifier: GPL-2.0
#include <stdlib.h>
#include <string.h>

#include "l7/stream.h"

static size_t stream_limit(const struct fm_l7_framing *f)
{
	return f->limit ? f->limit : FM_L7_REASM_MAX;
}

/*
 * Parses the @len bytes at @p message by message: the first @old of them
 * came at st->ts, the others at @ts, so that each message is stamped with
 * when its first byte came.  Returns the bytes taken, -1 when the parser
 * refused.
 */
static long stream_parse(struct fm_l7_stream *st, const struct fm_l7_framing *f,
			 void *state, const struct fm_l7_sink *sink,
			 enum fm_l7_dir dir, const uint8_t *p, size_t len,
			 size_t old, uint64_t ts)
{
	uint64_t msg_ts = old ? st->ts : ts;
	size_t off = 0;
	long used;

	while (off < len) {
		used = f->parse(state, sink, dir, p + off, len - off, msg_ts);
		if (used < 0)
			return -1;
		if (!used)
			break;
		if ((size_t)used > len - off) {
			st->skip = (size_t)used - (len - off);
			off = len;
			break;
		}
		off += (size_t)used;
		if (off >= old)
			msg_ts = ts;
	}
	st->ts = msg_ts;
	return (long)off;
}

/* Parses what @st holds, its last @fresh bytes come at @ts. */
static int stream_drain(struct fm_l7_stream *st, const struct fm_l7_framing *f,
			void *state, const struct fm_l7_sink *sink,
			enum fm_l7_dir dir, size_t fresh, uint64_t ts)
{
	long used;

	if (!st->len)
		return 0;
	used = stream_parse(st, f, state, sink, dir, st->buf, st->len,
			    st->len - fresh, ts);
	if (used < 0)
		return -1;
	memmove(st->buf, st->buf + used, st->len - (size_t)used);
	st->len -= (size_t)used;
	return st->len == stream_limit(f) ? -1 : 0;
}

/*
 * @len bytes, at most the limit, to a stream that holds nothing: parsed
 * where they are, only what the parser leaves is copied to be held.
 */
static int stream_direct(struct fm_l7_stream *st, const struct fm_l7_framing *f,
			 void *state, const struct fm_l7_sink *sink,
			 enum fm_l7_dir dir, const uint8_t *data, size_t len,
			 uint64_t ts)
{
	long used = stream_parse(st, f, state, sink, dir, data, len, 0, ts);
	size_t left;

	if (used < 0)
		return -1;
	left = len - (size_t)used;
	if (!left)
		return 0;
	if (left == stream_limit(f))
		return -1;	/* a message larger than the limit */
	if (!st->buf) {
		st->buf = malloc(stream_limit(f));
		if (!st->buf)
			return -1;
	}
	memcpy(st->buf, data + used, left);
	st->len = left;
	return 0;
}

static int stream_feed(struct fm_l7_streams *ss, const struct fm_l7_framing *f,
		       void *state, const struct fm_l7_sink *sink,
		       enum fm_l7_dir dir, const uint8_t *data, size_t len,
		       uint64_t ts)
{
	struct fm_l7_stream *st = &ss->dir[dir];
	unsigned int waited = f->waiting ? f->waiting(state) : 0;
	int err;

	while (len) {
		size_t n;

		if (st->skip) {
			n = st->skip < len ? (size_t)st->skip : len;
			st->skip -= n;
			data += n;
			len -= n;
			continue;
		}
		/* the parser sees at most the limit at a time, however the
		 * bytes came: the same messages fit, or do not */
		n = stream_limit(f) - st->len;
		if (n > len)
			n = len;
		if (st->len) {
			memcpy(st->buf + st->len, data, n);
			st->len += n;
			err = stream_drain(st, f, state, sink, dir, n, ts);
		} else {
			err = stream_direct(st, f, state, sink, dir, data, n,
					    ts);
		}
		if (err)
			return -1;
		data += n;
		len -= n;
		if (f->waiting && (waited & ~f->waiting(state))) {
			/* the other side's held bytes get their turn */
			waited = f->waiting(state);
			if (stream_drain(&ss->dir[!dir], f, state, sink, !dir,
					 0, ts))
				return -1;
		}
	}
	return 0;
}

enum fm_l7_verdict fm_l7_stream_feed(struct fm_l7_streams *ss,
				     const struct fm_l7_framing *f,
				     void *state,
				     const struct fm_l7_sink *sink,
				     enum fm_l7_dir dir, bool datagram,
				     const uint8_t *data, size_t len,
				     uint64_t ts)
{
	if (ss->stopped)
		return fm_l7_stream_verdict(ss);
	if (datagram || stream_feed(ss, f, state, sink, dir, data, len, ts))
		return fm_l7_stream_stop(ss);
	return fm_l7_stream_verdict(ss);
}

enum fm_l7_verdict fm_l7_stream_stop(struct fm_l7_streams *ss)
{
	fm_l7_stream_release(ss);
	ss->stopped = true;
	return fm_l7_stream_verdict(ss);
}

enum fm_l7_verdict fm_l7_stream_verdict(const struct fm_l7_streams *ss)
{
	if (ss->matched)
		return FM_L7_MATCH;
	return ss->stopped ? FM_L7_NO_MATCH : FM_L7_NEED_MORE;
}

void fm_l7_stream_release(struct fm_l7_streams *ss)
{
	unsigned int i;

	for (i = 0; i < 2; i++) {
		free(ss->dir[i].buf);
		memset(&ss->dir[i], 0, sizeof(ss->dir[i]));
	}
}
