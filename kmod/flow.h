/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One flow: counters per direction, TCP tracking, RTT and response time,
 * and the event records it emits.
 */
#ifndef _FLOWMESH_FLOW_H
#define _FLOWMESH_FLOW_H

#include <linux/types.h>
#include <linux/spinlock.h>
#include <linux/rculist.h>
#include "flow_key.h"
#include "latency.h"
#include "response.h"
#include "tcp_track.h"

struct flowmesh_counters {
	u64 bytes;
	u64 packets;
};

/*
 * What every flow has.  TCP flows are struct flowmesh_tcp_flow, which
 * starts with this; a UDP flow needs neither TCP tracking nor RTT, so it
 * fits a 256-byte slab object (checked in flowmesh_table_init()).
 */
struct flowmesh_flow {
	struct hlist_node node;
	struct flowmesh_key key;
	u8 client_side;		/* index into key.addr/port of the client */
	u8 state;		/* enum flowmesh_state */
	u8 sampled;		/* FLOWMESH_SAMPLED_*, chosen at creation */
	u8 l7_proto;		/* FLOWMESH_L7_*, from the agent's label */
	u8 l7_flags;		/* FLOWMESH_LABEL_* */
	/* Payload packets still to hand over; with the label, under lock. */
	u8 detect_left[FLOWMESH_DIR_COUNT];
	spinlock_t lock;	/* guards everything below, and the TCP part */
	u64 id;
	u64 first_ns;		/* ktime_get_ns() */
	u64 last_ns;
	u64 updated_ns;		/* last OPEN or UPDATE record */
	struct flowmesh_counters dir[FLOWMESH_DIR_COUNT];
	struct flowmesh_latency response;
	struct flowmesh_response exchange;
	struct rcu_head rcu;
	struct kmem_cache *cache;	/* to free it from an RCU callback */
};

/* A flow with key.proto IPPROTO_TCP, from the table's TCP cache. */
struct flowmesh_tcp_flow {
	struct flowmesh_flow flow;
	struct flowmesh_tcp tcp;
	struct flowmesh_latency rtt;	/* from TCP timestamp echoes */
};

/* The TCP part of @flow; only for flows whose key.proto is TCP. */
static inline struct flowmesh_tcp_flow *
flowmesh_tcp_flow(struct flowmesh_flow *flow)
{
	return container_of(flow, struct flowmesh_tcp_flow, flow);
}

static inline const struct flowmesh_tcp_flow *
flowmesh_tcp_flow_const(const struct flowmesh_flow *flow)
{
	return container_of(flow, const struct flowmesh_tcp_flow, flow);
}

/* What the hooks learned about one packet. */
struct flowmesh_pkt {
	struct flowmesh_key key;
	u8 src_side;		/* side of key that sent it */
	u8 client_side;		/* side that is the client if the flow is new */
	u32 len;		/* IP bytes, as conntrack accounting counts */
	u32 payload;		/* L4 payload bytes */
	const struct flowmesh_tcp_seg *seg;	/* NULL unless TCP */
};

struct flowmesh_config;
struct flowmesh_table;

unsigned int flowmesh_flow_packet(struct flowmesh_table *t,
				  const struct flowmesh_config *cfg,
				  const struct flowmesh_pkt *pkt, u64 now_ns);
void flowmesh_flow_record(const struct flowmesh_flow *flow, u8 type,
			  u32 value_us, u64 now_ns,
			  struct flowmesh_record *rec);
void flowmesh_flow_emit(struct flowmesh_table *t, struct flowmesh_flow *flow,
			u8 type, u64 now_ns);

#endif
