// SPDX-License-Identifier: GPL-2.0
#include <string.h>

#include "l7/stream.h"

static size_t stream_limit(const struct fm_l7_framing *f)
{
	return f->limit ? f->limit : FM_L7_REASM_MAX;
}

/*
 * Parses what @st holds, message by message; its last @fresh bytes came
 * at @ts, the ones before at st->ts, so that each message is stamped
 * with when its first byte came.
 */
static int stream_drain(struct fm_l7_stream *st, const struct fm_l7_framing *f,
			void *state, const struct fm_l7_sink *sink,
			enum fm_l7_dir dir, size_t fresh, uint64_t ts)
{
	size_t off = 0, old = st->len - fresh;
	uint64_t msg_ts = st->ts;
	long used;

	while (off < st->len) {
		used = f->parse(state, sink, dir, st->buf + off, st->len - off,
				msg_ts);
		if (used < 0)
			return -1;
		if (!used)
			break;
		if ((size_t)used > st->len - off) {
			st->skip = (size_t)used - (st->len - off);
			off = st->len;
			break;
		}
		off += (size_t)used;
		if (off >= old)
			msg_ts = ts;
	}
	memmove(st->buf, st->buf + off, st->len - off);
	st->len -= off;
	st->ts = msg_ts;
	return st->len == stream_limit(f) ? -1 : 0;
}

int fm_l7_stream_feed(struct fm_l7_stream streams[2],
		      const struct fm_l7_framing *f, void *state,
		      const struct fm_l7_sink *sink, enum fm_l7_dir dir,
		      const uint8_t *data, size_t len, uint64_t ts)
{
	struct fm_l7_stream *st = &streams[dir];
	unsigned int waited = f->waiting ? f->waiting(state) : 0;

	while (len) {
		size_t n;

		if (st->skip) {
			n = st->skip < len ? (size_t)st->skip : len;
			st->skip -= n;
			data += n;
			len -= n;
			continue;
		}
		if (!st->len)
			st->ts = ts;
		n = stream_limit(f) - st->len;
		if (n > len)
			n = len;
		memcpy(st->buf + st->len, data, n);
		st->len += n;
		data += n;
		len -= n;
		if (stream_drain(st, f, state, sink, dir, n, ts))
			return -1;
		if (f->waiting && (waited & ~f->waiting(state))) {
			/* the other side's held bytes get their turn */
			waited = f->waiting(state);
			if (stream_drain(&streams[!dir], f, state, sink, !dir,
					 0, ts))
				return -1;
		}
	}
	return 0;
}

enum fm_l7_verdict fm_l7_stream_verdict(bool matched, bool stopped)
{
	if (matched)
		return FM_L7_MATCH;
	return stopped ? FM_L7_NO_MATCH : FM_L7_NEED_MORE;
}
