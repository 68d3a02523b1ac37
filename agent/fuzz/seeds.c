// SPDX-License-Identifier: GPL-2.0
/*
 * Writes seed datagrams for reply_fuzz into DIR: well-formed replies
 * built by the unit tests' message builders.
 */
#include <stdio.h>
#include <string.h>
#include <linux/flowmesh.h>
#include "nlbuild.h"

#define SEED_SEQ 1

static int write_seed(const char *dir, const char *name,
		      struct nlb_dgram *d)
{
	char path[4096];
	char *pos = d->u.buf, *end = pos + d->len;
	FILE *f;

	/* the fuzz target answers sequence SEED_SEQ */
	while (pos < end) {
		struct nlmsghdr *nlh = (struct nlmsghdr *)pos;

		nlh->nlmsg_seq = SEED_SEQ;
		pos += NLMSG_ALIGN(nlh->nlmsg_len);
	}
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(d->u.buf, 1, d->len, f) != d->len || fclose(f)) {
		perror(path);
		return 1;
	}
	d->len = 0;
	return 0;
}

int main(int argc, char **argv)
{
	struct nlb_opts pad = { .pad64 = true, .unknown = 200 };
	static struct nlb_dgram d;
	struct fm_stats stats;
	struct fm_flow flow;
	int err = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: %s DIR\n", argv[0]);
		return 2;
	}
	nlb_flow_v4(&flow);
	nlb_add(&d, nlb_flow(nlb_tail(&d), &flow, NULL));
	nlb_flow_v6(&flow);
	nlb_add(&d, nlb_flow(nlb_tail(&d), &flow, &pad));
	nlb_add(&d, nlb_done(nlb_tail(&d), 0));
	err |= write_seed(argv[1], "flows", &d);

	nlb_stats_sample(&stats);
	nlb_add(&d, nlb_stats(nlb_tail(&d), &stats, NULL));
	nlb_add(&d, nlb_error(nlb_tail(&d), 0));
	err |= write_seed(argv[1], "stats", &d);

	nlb_add(&d, nlb_family(nlb_tail(&d), 0x1d, FLOWMESH_GENL_VERSION));
	err |= write_seed(argv[1], "family", &d);

	nlb_add(&d, nlb_error(nlb_tail(&d), -1));
	err |= write_seed(argv[1], "error", &d);
	return err;
}
