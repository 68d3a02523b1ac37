/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-flow TCP tracking, fed one segment at a time: state, flags, resets,
 * retransmissions, zero windows, the handshake RTT split and continuous RTT
 * from the TCP timestamp echo (the pping method).  The tracker is a pure
 * function of its state, the segment and the time, so tests can drive it
 * with synthetic sequences; only flowmesh_tcp_parse() reads an skb.
 */
#ifndef _FLOWMESH_TCP_TRACK_H
#define _FLOWMESH_TCP_TRACK_H

#include <linux/types.h>
#include <linux/flowmesh.h>
#include "flow_key.h"

struct sk_buff;

/* The fields of one TCP segment the tracker needs. */
struct flowmesh_tcp_seg {
	__be16 source, dest;	/* ports, as on the wire */
	u32 seq, ack_seq;	/* host order */
	u32 payload;		/* TCP payload bytes */
	u16 window;		/* raw window field (unscaled) */
	u8 flags;		/* TCP flag byte, TCPHDR_* bits */
	bool has_ts;		/* timestamp option present */
	u32 tsval, tsecr;
};

/*
 * Parses the TCP header and options at @thoff, the payload ending at
 * @payload_end (both offsets into @skb), into @seg.  Returns 0, or -EINVAL
 * when the header is truncated or invalid (doff < 5, options past the end).
 */
int flowmesh_tcp_parse(const struct sk_buff *skb, unsigned int thoff,
		       unsigned int payload_end, struct flowmesh_tcp_seg *seg);

/*
 * Finds the timestamp option (kind 8, length 10) in the @len option bytes
 * at @opt and sets @seg->has_ts, tsval and tsecr.  Never reads past @len;
 * an option list with a malformed length yields no timestamp at all.
 */
void flowmesh_tcp_parse_options(const u8 *opt, unsigned int len,
				struct flowmesh_tcp_seg *seg);

/*
 * What one side sent (dir[FLOWMESH_DIR_TX] is the client).  Counters
 * saturate instead of wrapping.  28 bytes.
 */
struct flowmesh_tcp_dir {
	u32 end_seq;		/* highest end sequence sent (seq + len) */
	u32 ts_max;		/* newest TSval sent */
	u32 ts_val;		/* TSval waiting for its echo */
	u32 ts_us;		/* when ts_val, or this side's SYN, was seen */
	u32 rtt_us:27;		/* latest partial RTT, 0 until measured */
	u32 seq_valid:1;	/* end_seq is set */
	u32 ts_seen:1;		/* ts_max is set */
	u32 ts_wait:1;		/* ts_val is waiting for its echo */
	u32 zero_win:1;		/* last window advertised was 0 */
	u32 fin_acked:1;	/* the other side acknowledged our FIN */
	u32 retrans;		/* retransmitted segments */
	u16 zero_wins;		/* times the advertised window went to 0 */
	u8 resets;		/* RST segments sent */
	u8 flags;		/* OR of the TCP flag bytes sent */
};

/*
 * Zero-initialised before the first segment.  64 bytes.
 *
 * hs_server_us is the server side of the handshake as seen where the
 * packets are observed (SYN -> SYN-ACK), hs_client_us the client side
 * (SYN-ACK -> first ACK); each is 0 until measured, and a measurement
 * below 1 us reads as 1.
 */
struct flowmesh_tcp {
	struct flowmesh_tcp_dir dir[FLOWMESH_DIR_COUNT];
	u32 hs_server_us;
	u32 hs_client_us;
};

/*
 * Feeds one segment sent in direction @dir at @now_ns.  Returns true and
 * sets *@rtt_us when the segment echoes a timestamp and so completes a
 * flow RTT sample: the partial RTT it completes plus the latest partial RTT
 * of the other direction.  Until both directions have a partial there is
 * no sample: the first echo of a flow only stores its partial, which at an
 * endpoint may be the near-zero local half.
 */
bool flowmesh_tcp_track(struct flowmesh_tcp *tcp, enum flowmesh_dir dir,
			const struct flowmesh_tcp_seg *seg, u64 now_ns,
			u32 *rtt_us);

enum flowmesh_state flowmesh_tcp_state(const struct flowmesh_tcp *tcp);

#endif
