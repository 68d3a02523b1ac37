// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for everything that reads kernel replies: the datagram
 * walker and, behind it, the flow, stats (with CPU nests), config, record
 * (DRAIN), family (with multicast groups) and extended ACK parsers, plus
 * the formatting parsed data goes through.  The same bytes are also read
 * as a notification datagram and, as a request, for extended ACK offsets.
 * The input is one datagram.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <linux/genetlink.h>
#include "lib/addr.h"
#include "lib/config.h"
#include "lib/flow.h"
#include "lib/genl.h"
#include "lib/notify.h"
#include "lib/record.h"
#include "lib/stats.h"

/* The seeds' family id and sequence, so they reach the parsers. */
#define FUZZ_FAMILY_ID	0x1d
#define FUZZ_SEQ	1

static int fuzz_record_cb(const struct flowmesh_record *rec, void *data)
{
	json_t *json = fm_record_to_json(rec);

	(void)data;
	if (!json)
		abort();	/* a decoded record always converts */
	json_decref(json);
	return 0;
}

static void fuzz_config(const struct fm_config *cfg)
{
	const struct fm_config_field *f;
	char value[512];

	json_decref(fm_config_to_json(cfg));
	for (f = fm_config_fields; f < fm_config_fields + FM_CONFIG_NFIELDS; f++)
		fm_config_value_str(cfg, f, value, sizeof(value));
}

static int fuzz_msg_cb(const struct nlmsghdr *nlh, void *data)
{
	char ep[FM_ENDPOINT_STRLEN];
	struct fm_genl_family family;
	struct fm_config config;
	struct fm_stats stats;
	struct fm_flow flow;
	size_t count;
	json_t *json;

	(void)data;
	if (!fm_flow_parse(nlh, &flow)) {
		fm_endpoint_str(flow.family, flow.client, flow.client_port,
				ep, sizeof(ep));
		json = fm_flow_to_json(&flow);
		if (!json)
			abort();	/* a parsed flow always converts */
		json_decref(json);
	}
	if (!fm_stats_parse(nlh, &stats)) {
		json_decref(fm_stats_to_json(&stats));
		fm_stats_free(&stats);
	}
	if (!fm_config_parse(nlh, &config))
		fuzz_config(&config);
	fm_records_parse(nlh, fuzz_record_cb, NULL, &count);
	fm_genl_parse_family(nlh, &family);
	return 0;
}

/* The input as our own request: any offset must resolve safely. */
static void fuzz_attr_path(const uint8_t *data, size_t size)
{
	uint16_t path[FM_NL_EXTACK_DEPTH];
	struct nlmsghdr *req;
	uint32_t off;

	if (size < NLMSG_HDRLEN + 4)
		return;
	req = malloc(size);
	if (!req)
		return;
	memcpy(req, data, size);
	req->nlmsg_len = (uint32_t)size;
	memcpy(&off, data + NLMSG_HDRLEN, sizeof(off));
	fm_nl_attr_path(req, GENL_HDRLEN, off % (uint32_t)(size + 8), path,
			FM_NL_EXTACK_DEPTH);
	free(req);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fm_nl_extack extack;
	struct fm_notify_seen seen = { 0 };
	struct fm_nl_reply reply = {
		.seq = FUZZ_SEQ,
		.portid = 0,
		.type = FUZZ_FAMILY_ID,
		.cb = fuzz_msg_cb,
		.extack = &extack,
	};
	void *buf;

	/* an exact-size, aligned copy: ASan sees any read past the end */
	buf = malloc(size ? size : 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	fm_nl_walk(&reply, buf, size);
	reply.type = GENL_ID_CTRL;
	fm_nl_walk(&reply, buf, size);
	fm_notify_walk(buf, size, FUZZ_FAMILY_ID, &seen);
	if (size >= NLMSG_HDRLEN && ((struct nlmsghdr *)buf)->nlmsg_len <= size)
		fm_nl_parse_extack(buf, &extack);
	free(buf);
	fuzz_attr_path(data, size);
	return 0;
}
