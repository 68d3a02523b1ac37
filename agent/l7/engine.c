// SPDX-License-Identifier: GPL-2.0
/*
 * The L7 engine: TCP reassembly per direction and dispatch of the stream
 * to the detectors (see engine.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>

#include "l7/engine.h"

enum fm_l7_phase {
	FM_L7_PHASE_OFFERING,	/* candidates left, none matched yet */
	FM_L7_PHASE_MATCHED,
	FM_L7_PHASE_UNKNOWN,	/* all refused, or the engine gave up */
};

/*
 * One direction of a TCP stream.  Bytes ahead of a hole wait in @held at
 * their offset from @next, @present marking which; both are allocated
 * only while something waits.
 */
struct fm_l7_reasm {
	bool synced;		/* @next is known */
	uint32_t next;		/* sequence number of the next byte due */
	uint8_t *held;		/* FM_L7_REASM_MAX bytes, then @present */
	uint8_t *present;	/* one flag per byte of @held */
	size_t held_bytes;
	unsigned int hole_segments;	/* segments held since the hole */
};

struct fm_l7_candidate {
	const struct fm_l7_detector *detector;
	void *state;		/* NULL once released */
};

struct fm_l7_flow {
	uint8_t l4proto;
	enum fm_l7_phase phase;
	bool parsing;		/* the owner still follows the stream */
	struct fm_l7_candidate *owner;
	size_t remaining;	/* candidates not released */
	uint64_t offered_bytes[2];
	unsigned int offered_packets;
	struct fm_l7_counters counters;
	struct fm_l7_reasm stream[2];
	size_t ncandidates;
	struct fm_l7_candidate candidates[];
};

static void fm_l7_ignore_request(void *ctx, const struct fm_l7_request *req)
{
	(void)ctx;
	(void)req;
}

static const struct fm_l7_sink fm_l7_no_sink = {
	.request = fm_l7_ignore_request,
};

static void fm_l7_release(struct fm_l7_candidate *c)
{
	if (!c->state)
		return;
	if (c->detector->release)
		c->detector->release(c->state);
	free(c->state);
	c->state = NULL;
}

static void fm_l7_reasm_drop(struct fm_l7_reasm *st)
{
	free(st->held);
	st->held = NULL;
	st->present = NULL;
	st->held_bytes = 0;
	st->hole_segments = 0;
}

/* Nothing more will be fed: reassembly buffers are of no further use. */
static void fm_l7_stop(struct fm_l7_flow *flow)
{
	fm_l7_reasm_drop(&flow->stream[0]);
	fm_l7_reasm_drop(&flow->stream[1]);
	flow->parsing = false;
}

static void fm_l7_give_up(struct fm_l7_flow *flow)
{
	size_t i;

	for (i = 0; i < flow->ncandidates; i++)
		fm_l7_release(&flow->candidates[i]);
	flow->remaining = 0;
	flow->phase = FM_L7_PHASE_UNKNOWN;
	fm_l7_stop(flow);
}

static void fm_l7_matched(struct fm_l7_flow *flow, struct fm_l7_candidate *c)
{
	size_t i;

	for (i = 0; i < flow->ncandidates; i++)
		if (&flow->candidates[i] != c)
			fm_l7_release(&flow->candidates[i]);
	flow->owner = c;
	flow->remaining = 1;
	flow->phase = FM_L7_PHASE_MATCHED;
	flow->parsing = true;
}

/* A refusal of candidate @c before any match. */
static void fm_l7_refused(struct fm_l7_flow *flow, struct fm_l7_candidate *c)
{
	fm_l7_release(c);
	if (!--flow->remaining)
		fm_l7_give_up(flow);
}

static bool fm_l7_feeding(const struct fm_l7_flow *flow)
{
	return flow->phase == FM_L7_PHASE_OFFERING || flow->parsing;
}

/* In-order bytes (or a datagram) of direction @dir to the detectors. */
static void fm_l7_deliver(struct fm_l7_flow *flow, enum fm_l7_dir dir,
			  bool datagram, const uint8_t *data, size_t len,
			  uint64_t ts_ns, const struct fm_l7_sink *sink)
{
	enum fm_l7_verdict v;
	size_t i;

	if (!fm_l7_feeding(flow) || !len)
		return;
	flow->counters.bytes[dir] += len;
	if (flow->phase == FM_L7_PHASE_MATCHED) {
		v = flow->owner->detector->feed(flow->owner->state, sink, dir,
						datagram, data, len, ts_ns);
		if (v == FM_L7_NO_MATCH)
			fm_l7_stop(flow);
		return;
	}
	for (i = 0; i < flow->ncandidates; i++) {
		struct fm_l7_candidate *c = &flow->candidates[i];

		if (!c->state)
			continue;
		v = c->detector->feed(c->state, sink, dir, datagram, data, len,
				      ts_ns);
		if (v == FM_L7_MATCH) {
			fm_l7_matched(flow, c);
			return;
		}
		if (v == FM_L7_NO_MATCH) {
			fm_l7_refused(flow, c);
			if (flow->phase != FM_L7_PHASE_OFFERING)
				return;
		}
	}
	flow->offered_bytes[dir] += len;
	if (flow->offered_bytes[dir] >= FM_L7_OFFER_BYTES)
		fm_l7_give_up(flow);
}

/* Bytes of direction @dir were lost: every detector still fed is told. */
static void fm_l7_lost(struct fm_l7_flow *flow, enum fm_l7_dir dir)
{
	const struct fm_l7_detector *d;
	enum fm_l7_verdict v;
	size_t i;

	flow->counters.gaps[dir]++;
	if (flow->phase == FM_L7_PHASE_MATCHED) {
		d = flow->owner->detector;
		if (flow->parsing &&
		    (!d->gap || d->gap(flow->owner->state, dir) == FM_L7_NO_MATCH))
			fm_l7_stop(flow);
		return;
	}
	for (i = 0; i < flow->ncandidates &&
		    flow->phase == FM_L7_PHASE_OFFERING; i++) {
		struct fm_l7_candidate *c = &flow->candidates[i];

		if (!c->state)
			continue;
		d = c->detector;
		/* a detector that cannot resynchronise cannot decide either */
		v = d->gap ? d->gap(c->state, dir) : FM_L7_NO_MATCH;
		if (v == FM_L7_MATCH)
			fm_l7_matched(flow, c);
		else if (v == FM_L7_NO_MATCH)
			fm_l7_refused(flow, c);
	}
}

/* @n more bytes are behind: what waited within them is forgotten. */
static void fm_l7_advance(struct fm_l7_reasm *st, size_t n)
{
	size_t i, dropped = 0;

	st->next += (uint32_t)n;
	if (!st->held)
		return;
	if (n >= FM_L7_REASM_MAX) {
		fm_l7_reasm_drop(st);
		return;
	}
	for (i = 0; i < n; i++)
		dropped += st->present[i];
	memmove(st->held, st->held + n, FM_L7_REASM_MAX - n);
	memmove(st->present, st->present + n, FM_L7_REASM_MAX - n);
	memset(st->present + FM_L7_REASM_MAX - n, 0, n);
	st->held_bytes -= dropped;
	if (!st->held_bytes)
		fm_l7_reasm_drop(st);
}

/* Delivers what waited right at @next, as far as it runs. */
static void fm_l7_release_held(struct fm_l7_flow *flow, enum fm_l7_dir dir,
			       uint64_t ts_ns, const struct fm_l7_sink *sink)
{
	struct fm_l7_reasm *st = &flow->stream[dir];
	size_t run;

	while (st->held && st->present[0]) {
		for (run = 1; run < FM_L7_REASM_MAX && st->present[run]; run++)
			;
		/* the bytes become readable now, with the packet that
		 * filled the hole: they carry its time */
		fm_l7_deliver(flow, dir, false, st->held, run, ts_ns, sink);
		/* delivery may have stopped the flow and freed @held */
		if (!st->held)
			break;
		fm_l7_advance(st, run);
	}
	if (!st->held)
		st->hole_segments = 0;
}

/* The hole at @next is lost: delivery resumes at the first held byte. */
static void fm_l7_skip_hole(struct fm_l7_flow *flow, enum fm_l7_dir dir,
			    uint64_t ts_ns, const struct fm_l7_sink *sink)
{
	struct fm_l7_reasm *st = &flow->stream[dir];
	size_t first = 0;

	while (first < FM_L7_REASM_MAX && !st->present[first])
		first++;
	fm_l7_lost(flow, dir);
	if (!fm_l7_feeding(flow))
		return;
	st->hole_segments = 0;
	fm_l7_advance(st, first);
	fm_l7_release_held(flow, dir, ts_ns, sink);
}

static int fm_l7_hold(struct fm_l7_reasm *st, size_t off, const uint8_t *data,
		      size_t len)
{
	size_t i;

	if (!st->held) {
		st->held = calloc(2, FM_L7_REASM_MAX);
		if (!st->held)
			return -ENOMEM;
		st->present = st->held + FM_L7_REASM_MAX;
	}
	memcpy(st->held + off, data, len);
	for (i = off; i < off + len; i++) {
		st->held_bytes += !st->present[i];
		st->present[i] = 1;
	}
	st->hole_segments++;
	return 0;
}

static int fm_l7_tcp(struct fm_l7_flow *flow, enum fm_l7_dir dir,
		     const struct fm_l7_segment *seg,
		     const struct fm_l7_sink *sink)
{
	struct fm_l7_reasm *st = &flow->stream[dir];
	const uint8_t *data = seg->data;
	uint32_t seq = seg->seq;
	size_t len = seg->len;
	bool counted = false;
	int32_t off;

	if (seg->flags & FM_L7_SEG_SYN) {
		/* the SYN takes one sequence number; data follows it */
		seq++;
		if (!st->synced) {
			st->next = seq;
			st->synced = true;
		}
	}
	if (len && !st->synced) {
		st->next = seq;
		st->synced = true;
	}
	while (len && fm_l7_feeding(flow)) {
		off = (int32_t)(seq - st->next);
		if (off < 0) {
			/* already delivered: a retransmit, or an overlap */
			if ((size_t)-(int64_t)off >= len)
				break;
			data += -(int64_t)off;
			len -= (size_t)-(int64_t)off;
			seq = st->next;
			continue;
		}
		if (!counted) {
			flow->counters.packets[dir]++;
			counted = true;
		}
		if (off == 0) {
			fm_l7_deliver(flow, dir, false, data, len, seg->ts_ns,
				      sink);
			fm_l7_advance(st, len);
			fm_l7_release_held(flow, dir, seg->ts_ns, sink);
			break;
		}
		if ((size_t)off + len <= FM_L7_REASM_MAX) {
			if (fm_l7_hold(st, (size_t)off, data, len))
				return -ENOMEM;
			if (st->hole_segments >= FM_L7_HOLE_SEGMENTS)
				fm_l7_skip_hole(flow, dir, seg->ts_ns, sink);
			break;
		}
		/* it does not fit: the hole is lost */
		if (st->held) {
			fm_l7_skip_hole(flow, dir, seg->ts_ns, sink);
		} else {
			fm_l7_lost(flow, dir);
			st->next = seq;
		}
	}
	/* nothing will fill the hole once the sender is done */
	if (seg->flags & (FM_L7_SEG_FIN | FM_L7_SEG_RST) && st->held &&
	    fm_l7_feeding(flow))
		fm_l7_skip_hole(flow, dir, seg->ts_ns, sink);
	return 0;
}

int fm_l7_flow_packet(struct fm_l7_flow *flow, enum fm_l7_dir dir,
		      const struct fm_l7_segment *seg,
		      const struct fm_l7_sink *sink)
{
	int err = 0;

	if (!fm_l7_feeding(flow))
		return 0;
	if (!sink)
		sink = &fm_l7_no_sink;
	if (flow->l4proto == IPPROTO_UDP) {
		if (seg->len)
			flow->counters.packets[dir]++;
		fm_l7_deliver(flow, dir, true, seg->data, seg->len, seg->ts_ns,
			      sink);
	} else {
		err = fm_l7_tcp(flow, dir, seg, sink);
	}
	if (err) {
		fm_l7_give_up(flow);
		return err;
	}
	if (seg->len && flow->phase == FM_L7_PHASE_OFFERING &&
	    ++flow->offered_packets >= FM_L7_OFFER_PACKETS)
		fm_l7_give_up(flow);
	return 0;
}

struct fm_l7_flow *fm_l7_flow_new_with(uint8_t l4proto,
				       const struct fm_l7_detector *const *detectors,
				       size_t ndetectors)
{
	struct fm_l7_flow *flow;
	size_t i;

	if (l4proto != IPPROTO_TCP && l4proto != IPPROTO_UDP)
		return NULL;
	flow = calloc(1, sizeof(*flow) + ndetectors * sizeof(flow->candidates[0]));
	if (!flow)
		return NULL;
	flow->l4proto = l4proto;
	flow->ncandidates = ndetectors;
	for (i = 0; i < ndetectors; i++) {
		const struct fm_l7_detector *d = detectors[i];

		flow->candidates[i].detector = d;
		flow->candidates[i].state = calloc(1, d->state_size ?
							 d->state_size : 1);
		if (!flow->candidates[i].state) {
			fm_l7_flow_free(flow);
			return NULL;
		}
	}
	flow->remaining = ndetectors;
	if (!ndetectors)
		flow->phase = FM_L7_PHASE_UNKNOWN;
	return flow;
}

struct fm_l7_flow *fm_l7_flow_new(uint8_t l4proto)
{
	return fm_l7_flow_new_with(l4proto, fm_l7_detectors, fm_l7_ndetectors);
}

void fm_l7_flow_free(struct fm_l7_flow *flow)
{
	size_t i;

	if (!flow)
		return;
	for (i = 0; i < flow->ncandidates; i++)
		fm_l7_release(&flow->candidates[i]);
	fm_l7_stop(flow);
	free(flow);
}

enum fm_l7_proto fm_l7_flow_proto(const struct fm_l7_flow *flow)
{
	const struct fm_l7_detector *d;

	if (flow->phase != FM_L7_PHASE_MATCHED)
		return FM_L7_UNKNOWN;
	d = flow->owner->detector;
	return d->refine ? d->refine(flow->owner->state) : d->proto;
}

bool fm_l7_flow_decided(const struct fm_l7_flow *flow)
{
	return flow->phase != FM_L7_PHASE_OFFERING;
}

bool fm_l7_flow_parsing(const struct fm_l7_flow *flow)
{
	return flow->parsing;
}

int fm_l7_flow_describe(const struct fm_l7_flow *flow, json_t *l7)
{
	const struct fm_l7_detector *d;

	if (flow->phase != FM_L7_PHASE_MATCHED)
		return 0;
	d = flow->owner->detector;
	return d->describe ? d->describe(flow->owner->state, l7) : 0;
}

void fm_l7_flow_counters(const struct fm_l7_flow *flow,
			 struct fm_l7_counters *out)
{
	*out = flow->counters;
}
