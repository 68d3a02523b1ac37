/* SPDX-License-Identifier: GPL-2.0 */
/* Flows as the kernel reports them, in host form. */
#ifndef FLOWMESH_LIB_FLOW_H
#define FLOWMESH_LIB_FLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include <linux/flowmesh.h>

struct fm_nl;
struct nlmsghdr;

/*
 * A latency summary (network RTT or response time), in microseconds.  An
 * absent nest reads as no samples.
 */
struct fm_latency {
	uint32_t count;
	uint64_t sum_us;
	uint32_t min_us;	/* min, max, last: meaningful when count > 0 */
	uint32_t max_us;
	uint32_t last_us;
	/* a closed flow's stored summary keeps no last sample, and no
	 * response minimum: those print as null */
	bool no_last;
	bool no_min;
	bool has_hist;
	uint32_t hist[FLOWMESH_HIST_BUCKETS];
};

/* Client: the side that sent the first packet (TCP: the first SYN). */
struct fm_flow {
	uint32_t netns;		/* network namespace inode number */
	uint8_t family;		/* AF_INET or AF_INET6 */
	uint8_t proto;		/* IPPROTO_TCP or IPPROTO_UDP */
	uint16_t client_port;
	uint16_t server_port;
	uint8_t client[16];	/* network order; IPv4 fills the first 4 */
	uint8_t server[16];
	uint64_t tx_bytes;	/* IP bytes client -> server */
	uint64_t tx_packets;
	uint64_t rx_bytes;	/* IP bytes server -> client */
	uint64_t rx_packets;
	uint64_t first_seen_ns;	/* since the Unix epoch */
	uint64_t last_seen_ns;

	/* Optional attributes: bit FLOWMESH_FLOW_A_x set when present. */
	uint64_t attrs;
	uint64_t id;
	uint8_t state;		/* enum flowmesh_state */
	uint8_t tcp_flags_tx;	/* OR of TCP flag bytes, client -> server */
	uint8_t tcp_flags_rx;
	uint32_t retransmits;
	uint32_t resets;
	uint32_t zero_windows;
	uint32_t rtt_hs_client_us;	/* SYN-ACK -> ACK; 0: not seen */
	uint32_t rtt_hs_server_us;	/* SYN -> SYN-ACK; 0: not seen */
	uint8_t l7_proto;		/* FLOWMESH_L7_*, as the agent labelled */
	uint8_t sampled;		/* FLOWMESH_SAMPLED_* */
	struct fm_latency rtt;		/* from TCP timestamp echoes */
	struct fm_latency response;	/* request -> first response data */
};

static inline bool fm_flow_has(const struct fm_flow *flow, uint16_t attr)
{
	return attr < 64 && (flow->attrs >> attr & 1);
}

struct fm_flows {
	struct fm_flow *v;
	size_t len;
	size_t cap;
};

/*
 * What FLOWMESH_A_FILTER asks the kernel for; a flow is listed when it
 * matches every filter set.  The namespace filter is applied here too, so
 * it holds whatever the kernel does with it.
 */
struct fm_flow_filter {
	bool netns_set;
	uint32_t netns;
	uint8_t proto;		/* 0: any */
	uint8_t family;		/* AF_INET, AF_INET6, 0: any */
	uint8_t addr_len;	/* 4, 16, 0: any address */
	uint8_t addr[16];	/* client or server, network order */
	uint16_t port;		/* client or server; 0: any */
};

/* 0, or -EBADMSG for any message that is not a well-formed flow. */
int fm_flow_parse(const struct nlmsghdr *nlh, struct fm_flow *flow);

/* "inspect", "detect" (FLOWMESH_SAMPLED_* bits), or NULL for neither. */
const char *fm_sampled_name(uint8_t sampled);

/* "tcp", "udp", or NULL. */
const char *fm_proto_name(uint8_t proto);

/* "open", "established", "closing", "closed", or NULL for other values. */
const char *fm_state_name(uint8_t state);

/*
 * TCP flag names ("SYN", "ACK", ...) in the order a connection uses them:
 * SYN ACK PSH URG ECE CWR FIN RST.  Fills @names, returns how many.
 */
size_t fm_tcp_flag_names(uint8_t flags, const char **names, size_t max);

/* Orders by netns, protocol, family, client, server. */
int fm_flow_cmp(const struct fm_flow *a, const struct fm_flow *b);

json_t *fm_flow_to_json(const struct fm_flow *flow);
json_t *fm_flows_to_json(const struct fm_flows *flows);

int fm_flows_add(struct fm_flows *flows, const struct fm_flow *flow);
void fm_flows_sort(struct fm_flows *flows);
void fm_flows_free(struct fm_flows *flows);

/* Adds FLOWMESH_A_FILTER to a request; nothing when no filter is set. */
int fm_flow_filter_put(struct nlmsghdr *nlh, size_t buflen,
		       const struct fm_flow_filter *filter);

/*
 * Replaces @out with the kernel's flows that pass @filter (may be NULL);
 * empty on error.
 */
int fm_flow_dump(struct fm_nl *nl, const struct fm_flow_filter *filter,
		 struct fm_flows *out);

#endif /* FLOWMESH_LIB_FLOW_H */
