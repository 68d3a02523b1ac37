/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The L7 engine: one flow's packets in, in-order stream bytes out to the
 * detectors (l7.h), and the flow's protocol as they decide it.
 *
 * TCP is reassembled per direction: bytes already delivered are never
 * delivered again, segments ahead of a hole wait in a bounded buffer
 * (FM_L7_REASM_MAX bytes per direction) and a hole that does not fill in
 * time is declared lost (the detectors' gap()).  UDP payloads are passed
 * as whole datagrams.  Every detector is a candidate for a new flow until
 * one matches or all refuse; the engine gives up (protocol unknown) after
 * FM_L7_OFFER_BYTES in one direction or FM_L7_OFFER_PACKETS payload
 * packets without a decision.
 */
#ifndef FLOWMESH_L7_ENGINE_H
#define FLOWMESH_L7_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "l7/l7.h"

/* TCP flags of a segment that matter to reassembly. */
#define FM_L7_SEG_SYN	0x01
#define FM_L7_SEG_FIN	0x02
#define FM_L7_SEG_RST	0x04

/* Bytes per direction, and payload packets in all, offered undecided. */
#define FM_L7_OFFER_BYTES	8192
#define FM_L7_OFFER_PACKETS	16
/* Segments past a hole before it is declared lost. */
#define FM_L7_HOLE_SEGMENTS	8

/* One packet of a flow, as the engine needs it. */
struct fm_l7_segment {
	uint32_t seq;		/* TCP: sequence number; UDP: unused */
	uint8_t flags;		/* FM_L7_SEG_*; UDP: 0 */
	const uint8_t *data;	/* the L4 payload */
	size_t len;
	uint64_t ts_ns;		/* when the packet was seen */
};

/* What the engine did with a flow's packets, per direction. */
struct fm_l7_counters {
	uint64_t bytes[2];	/* stream bytes (datagram bytes) delivered */
	uint64_t packets[2];	/* packets that brought new payload */
	uint64_t gaps[2];	/* holes declared lost */
};

struct fm_l7_flow;

/*
 * A flow of @l4proto (IPPROTO_TCP or IPPROTO_UDP) offered to every
 * detector of fm_l7_detectors; NULL when out of memory or for another
 * protocol.
 */
struct fm_l7_flow *fm_l7_flow_new(uint8_t l4proto);
/* The same, offered to @ndetectors detectors of @detectors, in order. */
struct fm_l7_flow *fm_l7_flow_new_with(uint8_t l4proto,
				       const struct fm_l7_detector *const *detectors,
				       size_t ndetectors);
void fm_l7_flow_free(struct fm_l7_flow *flow);

/*
 * One packet of direction @dir.  Detectors report requests to @sink (may
 * be NULL before a match, when no one listens).  0, or -ENOMEM: the flow
 * is then given up as unknown, its memory released.
 */
int fm_l7_flow_packet(struct fm_l7_flow *flow, enum fm_l7_dir dir,
		      const struct fm_l7_segment *seg,
		      const struct fm_l7_sink *sink);

/* What the flow speaks (refined: grpc over http2); FM_L7_UNKNOWN. */
enum fm_l7_proto fm_l7_flow_proto(const struct fm_l7_flow *flow);
/* A detector matched, or the engine gave up: nothing more to learn. */
bool fm_l7_flow_decided(const struct fm_l7_flow *flow);
/* Whether the matched detector still follows the requests. */
bool fm_l7_flow_parsing(const struct fm_l7_flow *flow);
/* Adds what the matched detector learnt to @l7; nothing when unknown. */
int fm_l7_flow_describe(const struct fm_l7_flow *flow, json_t *l7);
void fm_l7_flow_counters(const struct fm_l7_flow *flow,
			 struct fm_l7_counters *out);

#endif /* FLOWMESH_L7_ENGINE_H */
