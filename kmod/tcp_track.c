// SPDX-License-Identifier: GPL-2.0
/*
 * TCP tracking, as seen at the observation point (a host or a node that
 * forwards both directions).
 *
 * Retransmission: a segment occupying sequence space (payload, SYN or FIN)
 * whose end is not after the highest end its sender already sent.  Pure
 * ACKs never count, so neither do zero-length keep-alive probes; a
 * keep-alive carrying one byte resends an old byte and does count.
 *
 * Zero window: counted when a side goes into zero window, not for every
 * repeated zero-window segment; RST segments are ignored.
 *
 * Handshake RTT: server side SYN -> SYN-ACK, client side SYN-ACK -> first
 * ACK, each timed from the last copy sent.  After a retransmitted SYN (or
 * SYN-ACK) only a timestamp echo of the last copy proves which copy was
 * answered; without one that side is not measured (Karn's rule).
 *
 * Continuous RTT (pping): each side has at most one TSval waiting for its
 * echo, timed from the first segment carrying it.  The echo gives that
 * side's partial RTT (observation point -> far end of that side -> back);
 * a flow sample is it plus the latest partial of the other side, so there
 * is none until both sides have one: at an endpoint one half is the local
 * stack's near-zero turnaround, never an RTT on its own.  Only segments
 * occupying sequence space start a sample: a pure ACK is echoed only when
 * the peer next has something to send, which can be much later.
 * A retransmission never starts one and cancels its side's wait, as does
 * an ACK of everything that echoes an older TSval; echoes with TSecr 0,
 * without ACK, or arriving over 134 s late give no sample.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/build_bug.h>
#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/skbuff.h>
#include <net/tcp.h>
#include "tcp_track.h"

static_assert(sizeof(struct flowmesh_tcp) <= 64);

/* A partial RTT fits 27 bits; an echo later than that is no RTT. */
#define FLOWMESH_TCP_RTT_MAX_US		((1U << 27) - 1)

static u32 flowmesh_get_be32(const u8 *p)
{
	return (u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 | p[3];
}

void flowmesh_tcp_parse_options(const u8 *opt, unsigned int len,
				struct flowmesh_tcp_seg *seg)
{
	seg->has_ts = false;
	seg->tsval = 0;
	seg->tsecr = 0;
	while (len) {
		unsigned int size;

		if (opt[0] == TCPOPT_EOL)
			return;
		if (opt[0] == TCPOPT_NOP) {
			opt++;
			len--;
			continue;
		}
		/*
		 * Any other option has a length byte that counts itself.  A
		 * list that breaks this is not trusted for anything.
		 */
		if (len < 2 || opt[1] < 2 || opt[1] > len)
			goto malformed;
		size = opt[1];
		if (opt[0] == TCPOPT_TIMESTAMP && size == TCPOLEN_TIMESTAMP) {
			seg->has_ts = true;
			seg->tsval = flowmesh_get_be32(opt + 2);
			seg->tsecr = flowmesh_get_be32(opt + 6);
		}
		opt += size;
		len -= size;
	}
	return;
malformed:
	seg->has_ts = false;
	seg->tsval = 0;
	seg->tsecr = 0;
}

int flowmesh_tcp_parse(const struct sk_buff *skb, unsigned int thoff,
		       unsigned int payload_end, struct flowmesh_tcp_seg *seg)
{
	u8 optbuf[MAX_TCP_OPTION_SPACE];
	struct tcphdr _th;
	const struct tcphdr *th;
	const u8 *opt;
	unsigned int hlen;

	if (payload_end > skb->len || payload_end < thoff ||
	    payload_end - thoff < sizeof(_th))
		return -EINVAL;
	th = skb_header_pointer(skb, thoff, sizeof(_th), &_th);
	if (!th)
		return -EINVAL;
	hlen = th->doff * 4;
	if (hlen < sizeof(_th) || hlen > payload_end - thoff)
		return -EINVAL;

	seg->source = th->source;
	seg->dest = th->dest;
	seg->seq = ntohl(th->seq);
	seg->ack_seq = ntohl(th->ack_seq);
	seg->payload = payload_end - thoff - hlen;
	seg->window = ntohs(th->window);
	seg->flags = tcp_flag_byte(th);
	if (hlen == sizeof(_th)) {
		flowmesh_tcp_parse_options(NULL, 0, seg);
		return 0;
	}
	opt = skb_header_pointer(skb, thoff + sizeof(_th), hlen - sizeof(_th),
				 optbuf);
	if (!opt)
		return -EINVAL;
	flowmesh_tcp_parse_options(opt, hlen - sizeof(_th), seg);
	return 0;
}

/* Sequence space the segment occupies: payload, plus one for SYN and FIN. */
static u32 flowmesh_tcp_seg_len(const struct flowmesh_tcp_seg *seg)
{
	return seg->payload + !!(seg->flags & TCPHDR_SYN) +
	       !!(seg->flags & TCPHDR_FIN);
}

/* Advances @d's highest end sequence; true if @seg is a retransmission. */
static bool flowmesh_tcp_seq(struct flowmesh_tcp_dir *d,
			     const struct flowmesh_tcp_seg *seg, u32 len)
{
	u32 end = seg->seq + len;

	if (d->seq_valid && !after(end, d->end_seq))
		return len != 0;
	/* A pure ACK past the end means we missed data: it was sent. */
	d->end_seq = end;
	d->seq_valid = 1;
	return false;
}

static void flowmesh_tcp_window(struct flowmesh_tcp_dir *d,
				const struct flowmesh_tcp_seg *seg)
{
	if (seg->window) {
		d->zero_win = 0;
	} else if (!d->zero_win) {
		d->zero_win = 1;
		if (d->zero_wins != U16_MAX)
			d->zero_wins++;
	}
}

/*
 * Whether @seg answers the last copy of the handshake segment @o sent:
 * always when @o sent only one, else only when @seg echoes its TSval.
 */
static bool flowmesh_tcp_answers_last(const struct flowmesh_tcp_dir *o,
				      const struct flowmesh_tcp_seg *seg)
{
	if (!o->retrans)
		return true;
	return seg->has_ts && o->ts_seen && seg->tsecr == o->ts_max;
}

static u32 flowmesh_tcp_hs_us(u32 now_us, u32 start_us)
{
	return max(now_us - start_us, 1U);
}

/*
 * The handshake clocks live in ts_us: a handshake segment that starts a
 * timestamp sample is seen at the same time, and one that does not (a
 * retransmission) has dropped the sample waiting there.  @sent is what
 * this side had sent before @seg.
 */
static void flowmesh_tcp_handshake(struct flowmesh_tcp *tcp,
				   enum flowmesh_dir dir,
				   const struct flowmesh_tcp_seg *seg, u8 sent,
				   u32 now_us)
{
	struct flowmesh_tcp_dir *d = &tcp->dir[dir], *o = &tcp->dir[!dir];
	bool syn = seg->flags & TCPHDR_SYN, ack = seg->flags & TCPHDR_ACK;

	if (dir == FLOWMESH_DIR_TX && syn && !ack) {
		if (!(o->flags & TCPHDR_SYN))
			d->ts_us = now_us;
	} else if (dir == FLOWMESH_DIR_RX && syn && ack) {
		if (!(sent & TCPHDR_SYN) && (o->flags & TCPHDR_SYN) &&
		    flowmesh_tcp_answers_last(o, seg))
			tcp->hs_server_us = flowmesh_tcp_hs_us(now_us, o->ts_us);
		if (!(o->flags & TCPHDR_ACK))
			d->ts_us = now_us;
	} else if (dir == FLOWMESH_DIR_TX && !syn && ack &&
		   !(sent & TCPHDR_ACK) && (o->flags & TCPHDR_SYN) &&
		   flowmesh_tcp_answers_last(o, seg)) {
		tcp->hs_client_us = flowmesh_tcp_hs_us(now_us, o->ts_us);
	}
}

static bool flowmesh_tcp_ts(struct flowmesh_tcp_dir *d,
			    struct flowmesh_tcp_dir *o,
			    const struct flowmesh_tcp_seg *seg, u32 len,
			    bool retrans, u32 now_us, u32 *rtt_us)
{
	bool sample = false, fresh;

	/* TSecr means nothing without ACK, and 0 is what "none" looks like. */
	if (o->ts_wait && (seg->flags & TCPHDR_ACK) && seg->tsecr) {
		u32 partial = now_us - o->ts_us;

		if (!before(seg->tsecr, o->ts_val) &&
		    !after(seg->tsecr, o->ts_max)) {
			o->ts_wait = 0;
			/*
			 * A sample needs both halves: until the other side has
			 * one, this half alone may be the near-zero local one.
			 */
			if (partial <= FLOWMESH_TCP_RTT_MAX_US) {
				o->rtt_us = max(partial, 1U);
				if (d->rtt_us) {
					*rtt_us = o->rtt_us + d->rtt_us;
					sample = true;
				}
			}
		} else if (before(seg->tsecr, o->ts_val) &&
			   !before(seg->ack_seq, o->end_seq)) {
			/*
			 * Everything arrived, yet an older TSval came back (a
			 * delayed ACK echoes the first segment it covers): ours
			 * is echoed only after the next segment, however late.
			 */
			o->ts_wait = 0;
		}
	}

	fresh = !d->ts_seen || after(seg->tsval, d->ts_max);
	if (fresh) {
		d->ts_max = seg->tsval;
		d->ts_seen = 1;
	}
	if (retrans) {
		/* Either copy may be echoed: the wait proves nothing now. */
		d->ts_wait = 0;
	} else if (fresh && len && !d->ts_wait) {
		d->ts_val = seg->tsval;
		d->ts_us = now_us;
		d->ts_wait = 1;
	}
	return sample;
}

bool flowmesh_tcp_track(struct flowmesh_tcp *tcp, enum flowmesh_dir dir,
			const struct flowmesh_tcp_seg *seg, u64 now_ns,
			u32 *rtt_us)
{
	struct flowmesh_tcp_dir *d = &tcp->dir[dir], *o = &tcp->dir[!dir];
	/* 32-bit microseconds: differences stay right for 71 minutes. */
	u32 now_us = (u32)div_u64(now_ns, NSEC_PER_USEC);
	u32 len = flowmesh_tcp_seg_len(seg);
	u8 sent = d->flags;
	bool retrans;

	d->flags |= seg->flags;
	if (seg->flags & TCPHDR_RST) {
		if (d->resets != U8_MAX)
			d->resets++;
		return false;
	}

	retrans = flowmesh_tcp_seq(d, seg, len);
	if (retrans && d->retrans != U32_MAX)
		d->retrans++;
	flowmesh_tcp_window(d, seg);
	flowmesh_tcp_handshake(tcp, dir, seg, sent, now_us);
	if ((seg->flags & TCPHDR_ACK) && (o->flags & TCPHDR_FIN) &&
	    o->seq_valid && !before(seg->ack_seq, o->end_seq))
		o->fin_acked = 1;

	if (!seg->has_ts)
		return false;
	return flowmesh_tcp_ts(d, o, seg, len, retrans, now_us, rtt_us);
}

enum flowmesh_state flowmesh_tcp_state(const struct flowmesh_tcp *tcp)
{
	const struct flowmesh_tcp_dir *c = &tcp->dir[FLOWMESH_DIR_TX];
	const struct flowmesh_tcp_dir *s = &tcp->dir[FLOWMESH_DIR_RX];
	u8 any = c->flags | s->flags;

	if ((any & TCPHDR_RST) || (c->fin_acked && s->fin_acked))
		return FLOWMESH_STATE_CLOSED;
	if (any & TCPHDR_FIN)
		return FLOWMESH_STATE_CLOSING;
	/* The client's first ACK ends the handshake; mid-stream has no SYN. */
	if ((c->flags & TCPHDR_ACK) ||
	    (!(any & TCPHDR_SYN) && (any || c->seq_valid || s->seq_valid)))
		return FLOWMESH_STATE_ESTABLISHED;
	return FLOWMESH_STATE_OPEN;
}
