/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The byte streams of a TCP flow cut into messages: the detector's parser
 * takes whole messages off the front of what each direction brought.  The
 * bytes of a message cut by a packet boundary are held in a bounded buffer,
 * allocated the first time something has to be held, until the rest
 * comes.  Message bodies the parser does not need to read are passed over
 * as they stream past, without being held.
 */
#ifndef FLOWMESH_L7_STREAM_H
#define FLOWMESH_L7_STREAM_H

#include "l7/l7.h"

/* One direction; zeroed is empty. */
struct fm_l7_stream {
	uint8_t *buf;		/* the framing's limit in bytes, or NULL */
	size_t len;		/* bytes held in buf */
	uint64_t skip;		/* bytes still to pass over unheld */
	uint64_t ts;		/* when buf[0] came */
};

/* Both directions of a flow, and what the detector decided; zeroed. */
struct fm_l7_streams {
	struct fm_l7_stream dir[2];
	bool matched;		/* set by the parser */
	bool stopped;		/* no longer followed: nothing is held */
};

/* How a detector cuts its streams. */
struct fm_l7_framing {
	/*
	 * The message at the start of @p, @len bytes of it at hand, its
	 * first byte seen at @ts: returns its size (more than @len: the
	 * rest is passed over), 0 to wait for more bytes, -1 when the
	 * stream is not (or no longer) followed.
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
 * A detector's feed() over @ss: the next @len bytes of direction @dir,
 * seen at @ts, given to @f's parser with @state.  The streams stop (and
 * their buffers are freed) on a datagram, when the parser refuses, when a
 * message outgrows the limit, or when no buffer can be had.
 */
enum fm_l7_verdict fm_l7_stream_feed(struct fm_l7_streams *ss,
				     const struct fm_l7_framing *f,
				     void *state,
				     const struct fm_l7_sink *sink,
				     enum fm_l7_dir dir, bool datagram,
				     const uint8_t *data, size_t len,
				     uint64_t ts);

/* Stops following @ss (e.g. on a gap) and gives the detector's verdict. */
enum fm_l7_verdict fm_l7_stream_stop(struct fm_l7_streams *ss);

/* The detector's verdict from whether it matched and whether it stopped. */
enum fm_l7_verdict fm_l7_stream_verdict(const struct fm_l7_streams *ss);

/* Frees what @ss holds: a detector's release(). */
void fm_l7_stream_release(struct fm_l7_streams *ss);

#endif /* FLOWMESH_L7_STREAM_H */
