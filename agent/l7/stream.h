/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The byte streams of a TCP flow cut into messages: each direction's bytes
 * are held in a bounded buffer until the detector's parser takes a whole
 * message off its front.  Message bodies the parser does not need to read
 * are passed over as they stream past, without being held.
 */
#ifndef FLOWMESH_L7_STREAM_H
#define FLOWMESH_L7_STREAM_H

#include "l7/l7.h"

/* One direction; zeroed is empty. */
struct fm_l7_stream {
	uint8_t buf[FM_L7_REASM_MAX];
	size_t len;		/* bytes held in buf */
	uint64_t skip;		/* bytes still to pass over unheld */
	uint64_t ts;		/* when buf[0] came */
};

/* How a detector cuts its streams. */
struct fm_l7_framing {
	/*
	 * The message at the start of @p, @len bytes of it held, its first
	 * byte seen at @ts: returns its size (more than @len: the rest is
	 * passed over), 0 to wait for more bytes, -1 when the stream is not
	 * (or no longer) followed.
	 */
	long (*parse)(void *state, const struct fm_l7_sink *sink,
		      enum fm_l7_dir dir, const uint8_t *p, size_t len,
		      uint64_t ts);
	/*
	 * What a direction's held bytes may wait for from the other one (a
	 * match, an answer), as bits set while waiting: when a bit clears,
	 * the other direction is parsed again.  NULL when nothing waits.
	 */
	unsigned int (*waiting)(const void *state);
	/* Bytes held per direction at most, FM_L7_REASM_MAX when 0. */
	size_t limit;
};

/*
 * The next @len bytes of direction @dir of @streams, seen at @ts, given to
 * @f's parser.  Returns -1 once the streams are no longer followed: the
 * parser refused, or a message outgrew the buffer.
 */
int fm_l7_stream_feed(struct fm_l7_stream streams[2],
		      const struct fm_l7_framing *f, void *state,
		      const struct fm_l7_sink *sink, enum fm_l7_dir dir,
		      const uint8_t *data, size_t len, uint64_t ts);

/* A detector's answer from whether it matched and whether it stopped. */
enum fm_l7_verdict fm_l7_stream_verdict(bool matched, bool stopped);

#endif /* FLOWMESH_L7_STREAM_H */
