// SPDX-License-Identifier: GPL-2.0
/*
 * Per-flow accounting on the packet path, and the event records a flow
 * emits.  Everything a packet changes in its flow changes under the flow's
 * lock; records are built there and queued after it is released.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ktime.h>
#include <linux/timekeeping.h>
#include "flowmesh.h"

static u32 flowmesh_tcp_retransmits(const struct flowmesh_tcp *tcp)
{
	return tcp->dir[FLOWMESH_DIR_TX].retrans +
	       tcp->dir[FLOWMESH_DIR_RX].retrans;
}

static u32 flowmesh_tcp_resets(const struct flowmesh_tcp *tcp)
{
	return tcp->dir[FLOWMESH_DIR_TX].resets +
	       tcp->dir[FLOWMESH_DIR_RX].resets;
}

static u32 flowmesh_tcp_zero_windows(const struct flowmesh_tcp *tcp)
{
	return tcp->dir[FLOWMESH_DIR_TX].zero_wins +
	       tcp->dir[FLOWMESH_DIR_RX].zero_wins;
}

static void flowmesh_latency_record(const struct flowmesh_latency *l,
				    u32 *count, u32 *max_us, u64 *sum_us)
{
	*count = l->count;
	*max_us = l->max_us;
	*sum_us = l->sum_us;
}

/* Fills @rec from @flow; caller holds the flow lock. */
void flowmesh_flow_record(const struct flowmesh_flow *flow, u8 type,
			  u32 value_us, u64 now_ns, struct flowmesh_record *rec)
{
	const struct flowmesh_key *key = &flow->key;
	u8 client = flow->client_side, server = !client;
	size_t alen = key->family == NFPROTO_IPV4 ? 4 : 16;

	memset(rec, 0, sizeof(*rec));
	rec->flow_id = flow->id;
	rec->time_ns = ktime_mono_to_real(ns_to_ktime(now_ns));
	rec->tx_bytes = flow->dir[FLOWMESH_DIR_TX].bytes;
	rec->tx_packets = flow->dir[FLOWMESH_DIR_TX].packets;
	rec->rx_bytes = flow->dir[FLOWMESH_DIR_RX].bytes;
	rec->rx_packets = flow->dir[FLOWMESH_DIR_RX].packets;
	memcpy(rec->client, &key->addr[client], alen);
	memcpy(rec->server, &key->addr[server], alen);
	rec->netns = key->net->ns.inum;
	rec->client_port = ntohs(key->port[client]);
	rec->server_port = ntohs(key->port[server]);
	rec->type = type;
	rec->family = key->family == NFPROTO_IPV4 ? AF_INET : AF_INET6;
	rec->proto = key->proto;
	rec->state = flow->state;
	rec->value_us = value_us;
	rec->l7_proto = flow->l7_proto;
	rec->l7_flags = flow->l7_flags;
	rec->sampled = flow->sampled;
	flowmesh_latency_record(&flow->response, &rec->response_count,
				&rec->response_max_us, &rec->response_sum_us);
	/* Only TCP measures RTT: a UDP record keeps zero there. */
	if (key->proto == IPPROTO_TCP) {
		const struct flowmesh_tcp_flow *tf = flowmesh_tcp_flow_const(flow);
		const struct flowmesh_tcp *tcp = &tf->tcp;

		flowmesh_latency_record(&tf->rtt, &rec->rtt_samples,
					&rec->rtt_max_us, &rec->rtt_sum_us);
		rec->rtt_min_us = tf->rtt.min_us;
		rec->rtt_hs_client_us = tcp->hs_client_us;
		rec->rtt_hs_server_us = tcp->hs_server_us;
		rec->retransmits = flowmesh_tcp_retransmits(tcp);
		rec->resets = flowmesh_tcp_resets(tcp);
		rec->zero_windows = flowmesh_tcp_zero_windows(tcp);
	}
}

/* Emits one record of @flow's current state; takes the flow lock. */
void flowmesh_flow_emit(struct flowmesh_table *t, struct flowmesh_flow *flow,
			u8 type, u64 now_ns)
{
	struct flowmesh_record rec;

	spin_lock_bh(&flow->lock);
	flowmesh_flow_record(flow, type, 0, now_ns, &rec);
	flow->updated_ns = now_ns;
	spin_unlock_bh(&flow->lock);
	if (t->rings)
		flowmesh_ring_put(t->rings, &rec);
}

/*
 * Which of the agent's queues gets @pkt, going @dir: its FLOWMESH_QUEUE_*
 * offset from queue_num, or -1 when the packet is not handed over.  Only
 * packets with a payload, of a flow chosen at creation and not labelled
 * STOP; detection takes the first detect_packets of each direction until
 * the flow is labelled DONE, inspection takes them all.  Caller holds the
 * flow lock.
 */
static int flowmesh_flow_hand_over(struct flowmesh_flow *flow,
				   const struct flowmesh_config *cfg,
				   const struct flowmesh_pkt *pkt,
				   enum flowmesh_dir dir)
{
	const struct flowmesh_key *key = &flow->key;
	int queue;

	if (!pkt->payload || (flow->l7_flags & FLOWMESH_LABEL_STOP))
		return -1;
	if ((flow->sampled & FLOWMESH_SAMPLED_INSPECT) && cfg->inspect_one_in)
		queue = FLOWMESH_QUEUE_INSPECT_TO_SERVER;
	else if ((flow->sampled & FLOWMESH_SAMPLED_DETECT) &&
		 !(flow->l7_flags & FLOWMESH_LABEL_DONE) &&
		 cfg->detect_packets && flow->detect_left[dir])
		queue = FLOWMESH_QUEUE_DETECT_TO_SERVER;
	else
		return -1;
	/*
	 * Last, as it costs two bitmap lookups: a port made opaque since the
	 * flow was chosen stops it at once.
	 */
	if (flowmesh_config_opaque(cfg, key->port[0], key->port[1]))
		return -1;
	if (queue == FLOWMESH_QUEUE_DETECT_TO_SERVER)
		flow->detect_left[dir]--;
	return queue + (dir == FLOWMESH_DIR_RX);
}

/*
 * Accounts @pkt in its flow; returns the hook's verdict: NF_ACCEPT, or the
 * queue verdict when the agent is to see the packet.
 */
unsigned int flowmesh_flow_packet(struct flowmesh_table *t,
				  const struct flowmesh_config *cfg,
				  const struct flowmesh_pkt *pkt, u64 now_ns)
{
	struct flowmesh_record recs[3];
	struct flowmesh_counters *c;
	struct flowmesh_flow *flow;
	unsigned int nrec = 0, i;
	enum flowmesh_dir dir;
	bool created;
	int queue;
	u32 us;

	flow = flowmesh_table_add(t, cfg, pkt, now_ns, &created);
	if (!flow)
		return NF_ACCEPT;
	dir = pkt->src_side == flow->client_side ? FLOWMESH_DIR_TX :
						    FLOWMESH_DIR_RX;

	spin_lock_bh(&flow->lock);
	c = &flow->dir[dir];
	c->bytes += pkt->len;
	c->packets++;
	WRITE_ONCE(flow->last_ns, now_ns);
	if (pkt->seg) {
		struct flowmesh_tcp_flow *tf = flowmesh_tcp_flow(flow);
		bool rtt = flowmesh_tcp_track(&tf->tcp, dir, pkt->seg, now_ns,
					      &us);

		WRITE_ONCE(flow->state, flowmesh_tcp_state(&tf->tcp));
		if (rtt) {
			flowmesh_latency_add(&tf->rtt, us);
			if (cfg->samples & FLOWMESH_SAMPLES_RTT)
				flowmesh_flow_record(flow, FLOWMESH_REC_RTT, us,
						     now_ns, &recs[nrec++]);
		}
	} else if (dir == FLOWMESH_DIR_RX &&
		   flow->state == FLOWMESH_STATE_OPEN) {
		WRITE_ONCE(flow->state, FLOWMESH_STATE_ESTABLISHED);
	}
	if (flowmesh_response_track(&flow->exchange, dir, pkt->payload, now_ns,
				    &us)) {
		flowmesh_latency_add(&flow->response, us);
		if (cfg->samples & FLOWMESH_SAMPLES_RESPONSE)
			flowmesh_flow_record(flow, FLOWMESH_REC_RESPONSE, us,
					     now_ns, &recs[nrec++]);
	}
	if (created)
		flowmesh_flow_record(flow, FLOWMESH_REC_OPEN, 0, now_ns,
				     &recs[nrec++]);
	queue = flowmesh_flow_hand_over(flow, cfg, pkt, dir);
	spin_unlock_bh(&flow->lock);

	for (i = 0; i < nrec && t->rings; i++)
		flowmesh_ring_put(t->rings, &recs[i]);
	if (queue < 0)
		return NF_ACCEPT;
	flowmesh_stat_inc(t, packets_queued);
	return flowmesh_queue_verdict(cfg, queue);
}
