// SPDX-License-Identifier: GPL-2.0
/*
 * Writes seed inputs for the fuzz targets into DIR/TARGET/: well-formed
 * replies built by the unit tests' message builders (reply_fuzz), record
 * arrays (record_fuzz) and config set arguments (config_fuzz).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <linux/flowmesh.h>
#include "nlbuild.h"

#define SEED_SEQ 1

static int write_file(const char *dir, const char *target, const char *name,
		      const void *data, size_t len)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, target);
	if (mkdir(path, 0755) && errno != EEXIST) {
		perror(path);
		return 1;
	}
	snprintf(path, sizeof(path), "%s/%s/%s", dir, target, name);
	f = fopen(path, "wb");
	if (!f || fwrite(data, 1, len, f) != len || fclose(f)) {
		perror(path);
		return 1;
	}
	return 0;
}

static int write_seed(const char *dir, const char *name, struct nlb_dgram *d)
{
	char *pos = d->u.buf, *end = pos + d->len;
	int err;

	/* the fuzz target answers sequence SEED_SEQ */
	while (pos < end) {
		struct nlmsghdr *nlh = (struct nlmsghdr *)pos;

		nlh->nlmsg_seq = SEED_SEQ;
		pos += NLMSG_ALIGN(nlh->nlmsg_len);
	}
	err = write_file(dir, "reply_fuzz", name, d->u.buf, d->len);
	d->len = 0;
	return err;
}

static int reply_seeds(const char *dir)
{
	struct nlb_opts pad = { .pad64 = true, .unknown = 200,
				.inner_unknown = 201 };
	static struct nlb_dgram d;
	struct flowmesh_record recs[10];
	struct fm_config config;
	struct fm_stats stats;
	struct fm_flow flow;
	union nlb_msg req;
	struct nlmsghdr *r;
	unsigned int i;
	int err = 0;

	nlb_flow_v4(&flow);
	nlb_add(&d, nlb_flow(nlb_tail(&d), &flow, NULL));
	nlb_flow_v6(&flow);
	nlb_add(&d, nlb_flow(nlb_tail(&d), &flow, &pad));
	nlb_add(&d, nlb_done(nlb_tail(&d), 0));
	err |= write_seed(dir, "flows", &d);

	nlb_stats_sample(&stats);
	nlb_add(&d, nlb_stats(nlb_tail(&d), &stats, NULL));
	nlb_add(&d, nlb_error(nlb_tail(&d), 0));
	err |= write_seed(dir, "stats", &d);
	nlb_add(&d, nlb_stats(nlb_tail(&d), &stats, &pad));
	err |= write_seed(dir, "stats-padded", &d);

	nlb_config_sample(&config);
	nlb_add(&d, nlb_config(nlb_tail(&d), &config, NULL));
	nlb_add(&d, nlb_error(nlb_tail(&d), 0));
	err |= write_seed(dir, "config", &d);

	for (i = 0; i < 10; i++)
		nlb_record_sample(&recs[i], i);
	nlb_add(&d, nlb_records(nlb_tail(&d), recs, 4, 0));
	nlb_add(&d, nlb_records(nlb_tail(&d), recs + 4, 6, 0));
	nlb_add(&d, nlb_done(nlb_tail(&d), 0));
	err |= write_seed(dir, "drain", &d);

	nlb_add(&d, nlb_family(nlb_tail(&d), 0x1d, FLOWMESH_GENL_VERSION));
	err |= write_seed(dir, "family", &d);
	nlb_add(&d, nlb_family_groups(nlb_tail(&d), 0x1d, FLOWMESH_GENL_VERSION,
				      FLOWMESH_MCGRP_EVENTS, 7));
	err |= write_seed(dir, "family-groups", &d);

	nlb_add(&d, nlb_error(nlb_tail(&d), -1));
	err |= write_seed(dir, "error", &d);
	nlb_add(&d, nlb_error_ext(nlb_tail(&d), -22, "integer out of range",
				  true, 28, true, NULL));
	err |= write_seed(dir, "extack-capped", &d);
	r = nlb_genl(req.buf, 0x1d, NLM_F_REQUEST | NLM_F_ACK,
		     FLOWMESH_CMD_SET_CONFIG);
	mnl_attr_put_u32(r, FLOWMESH_CONFIG_A_RING_SIZE, 1000);
	nlb_add(&d, nlb_error_ext(nlb_tail(&d), -22,
				  "ring_size must be a power of two", true, 20,
				  false, r));
	err |= write_seed(dir, "extack-uncapped", &d);
	nlb_add(&d, nlb_done_ext(nlb_tail(&d), -1, "node-wide command"));
	err |= write_seed(dir, "extack-done", &d);

	nlb_add(&d, nlb_data_ready(nlb_tail(&d), 0x1d));
	nlb_add(&d, nlb_data_ready(nlb_tail(&d), 0x1d));
	err |= write_seed(dir, "data-ready", &d);
	return err;
}

static int record_seeds(const char *dir)
{
	struct flowmesh_record recs[10];
	unsigned int i;
	int err = 0;

	for (i = 0; i < 10; i++)
		nlb_record_sample(&recs[i], i);
	err |= write_file(dir, "record_fuzz", "one", recs, sizeof(recs[0]));
	err |= write_file(dir, "record_fuzz", "ten", recs, sizeof(recs));
	return err;
}

static int config_seeds(const char *dir)
{
	static const char all[] =
		"max_flows=65536\ntimeout_tcp_open=60\n"
		"timeout_tcp_established=7200\ntimeout_tcp_closing=120\n"
		"timeout_tcp_closed=10\ntimeout_udp=60\nupdate_interval=10\n"
		"ring_size=4096\nsamples=rtt,response\nskip_ports=22,2049\n";
	static const char none[] = "samples=none\nskip_ports=none\n";
	int err = 0;

	err |= write_file(dir, "config_fuzz", "all", all, sizeof(all) - 1);
	err |= write_file(dir, "config_fuzz", "none", none, sizeof(none) - 1);
	return err;
}

int main(int argc, char **argv)
{
	int err = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: %s DIR\n", argv[0]);
		return 2;
	}
	err |= reply_seeds(argv[1]);
	err |= record_seeds(argv[1]);
	err |= config_seeds(argv[1]);
	return err;
}
