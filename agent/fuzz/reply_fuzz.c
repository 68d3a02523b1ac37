// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for everything that reads kernel replies: the datagram
 * walker and, behind it, the flow, stats and family parsers, plus the
 * formatting a parsed flow goes through.  The input is one datagram.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <linux/genetlink.h>
#include "lib/addr.h"
#include "lib/flow.h"
#include "lib/genl.h"
#include "lib/stats.h"

/* The seeds' family id and sequence, so they reach the parsers. */
#define FUZZ_FAMILY_ID	0x1d
#define FUZZ_SEQ	1

static int fuzz_msg_cb(const struct nlmsghdr *nlh, void *data)
{
	char ep[FM_ENDPOINT_STRLEN];
	struct fm_genl_family family;
	struct fm_stats stats;
	struct fm_flow flow;
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
	if (!fm_stats_parse(nlh, &stats))
		json_decref(fm_stats_to_json(&stats));
	fm_genl_parse_family(nlh, &family);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fm_nl_reply reply = {
		.seq = FUZZ_SEQ,
		.portid = 0,
		.type = FUZZ_FAMILY_ID,
		.cb = fuzz_msg_cb,
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
	free(buf);
	return 0;
}
