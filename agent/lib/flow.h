/* SPDX-License-Identifier: GPL-2.0 */
/* Flows as the kernel reports them, in host form. */
#ifndef FLOWMESH_LIB_FLOW_H
#define FLOWMESH_LIB_FLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

struct fm_nl;
struct nlmsghdr;

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
};

struct fm_flows {
	struct fm_flow *v;
	size_t len;
	size_t cap;
};

struct fm_flow_filter {
	bool netns_set;
	uint32_t netns;
};

/* 0, or -EBADMSG for any message that is not a well-formed flow. */
int fm_flow_parse(const struct nlmsghdr *nlh, struct fm_flow *flow);

/* "tcp", "udp", or NULL. */
const char *fm_proto_name(uint8_t proto);

/* Orders by netns, protocol, family, client, server. */
int fm_flow_cmp(const struct fm_flow *a, const struct fm_flow *b);

json_t *fm_flow_to_json(const struct fm_flow *flow);
json_t *fm_flows_to_json(const struct fm_flows *flows);

int fm_flows_add(struct fm_flows *flows, const struct fm_flow *flow);
void fm_flows_sort(struct fm_flows *flows);
void fm_flows_free(struct fm_flows *flows);

/*
 * Replaces @out with the kernel's flows that pass @filter (may be NULL);
 * empty on error.
 */
int fm_flow_dump(struct fm_nl *nl, const struct fm_flow_filter *filter,
		 struct fm_flows *out);

#endif /* FLOWMESH_LIB_FLOW_H */
