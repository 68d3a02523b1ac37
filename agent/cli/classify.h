/* SPDX-License-Identifier: GPL-2.0 */
/*
 * flowmesh classify: the flows of a capture file and the L7 protocol each
 * speaks, through the same engine and detectors as live traffic.
 */
#ifndef FLOWMESH_CLI_CLASSIFY_H
#define FLOWMESH_CLI_CLASSIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <jansson.h>
#include <pcap/pcap.h>
#include "cli/cli.h"
#include "l7/engine.h"
#include "l7/packet.h"
#include "lib/flow.h"

/*
 * Reads the headers of one packet of link type @dlt (a DLT_ value, as
 * pcap_datalink() returns).  Only OK fills @pkt.
 */
enum fm_packet_verdict classify_parse_packet(int dlt, const uint8_t *data,
					    size_t caplen,
					    struct fm_packet *pkt);

struct classify_flow {
	struct fm_flow flow;	/* endpoints and counters */
	struct fm_l7_flow *l7;
	uint64_t requests;	/* finished requests the detector reported */
	bool has_request;
	struct fm_l7_request first_request;
	size_t order;		/* how many flows were seen before it */
	struct classify_flow *next;	/* in its hash bucket */
};

struct classify_run {
	struct classify_flow **buckets;
	size_t nbuckets;
	struct classify_flow **flows;	/* in order of first packet */
	size_t nflows;
	size_t cap;
	uint64_t packets;	/* every packet read */
	uint64_t other;		/* not TCP or UDP over IP */
	uint64_t fragments;
	uint64_t truncated;
};

struct classify_opts {
	enum cli_format format;
	const char *path;
	const char *filter;	/* --pcap-filter; NULL: every packet */
};

int classify_parse_args(int argc, char **argv, struct classify_opts *opts,
			char *err, size_t errlen);

void classify_init(struct classify_run *run);
void classify_free(struct classify_run *run);
/* One packet of link type @dlt seen at @ts_ns: 0 or -ENOMEM. */
int classify_add_packet(struct classify_run *run, int dlt, uint64_t ts_ns,
			const uint8_t *data, size_t caplen);
/*
 * Every packet of @pcap (opened with nanosecond timestamps).  0, -ENOMEM,
 * or -EIO when the file is damaged: @err then says how, and the flows
 * read so far stay in @run.
 */
int classify_read(struct classify_run *run, pcap_t *pcap, char *err,
		  size_t errlen);
/* Orders the flows by first packet (stable). */
void classify_sort(struct classify_run *run);
/* The flow whose endpoints are these two, in either order; or NULL. */
struct classify_flow *classify_find(const struct classify_run *run,
				    const struct fm_packet *pkt);

/* A flow as JSON: fm_flow_to_json() plus protocol, l7 and port_hint. */
json_t *classify_flow_json(const struct classify_flow *cf);
/* A well-known service name of the flow's ports, or NULL. */
const char *classify_port_hint(const struct fm_flow *flow);
int classify_print_json(FILE *out, const struct classify_run *run);
int classify_print_table(FILE *out, const struct classify_run *run);

#endif /* FLOWMESH_CLI_CLASSIFY_H */
