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

/* Stored histograms as fm_hist_encode writes them (see lib/hist.h). */
static int hist_seeds(const char *dir)
{
	/* version, count, sum, min, max, then (index delta, count) pairs */
	static const unsigned char empty[] = { 1, 0, 0, 0, 0 };
	static const unsigned char one[] = { 1, 1, 42, 42, 42, 42, 1 };
	/* 0 twice, 300, 1000000 five times, 2^40 */
	static const unsigned char spread[] = {
		0x01, 0x09, 0xec, 0x98, 0xb1, 0x82, 0x80, 0x20, 0x00, 0x80,
		0x80, 0x80, 0x80, 0x80, 0x20, 0x00, 0x02, 0x96, 0x02, 0x01,
		0xde, 0x0b, 0x05, 0x8c, 0x14, 0x01 };
	int err = 0;

	err |= write_file(dir, "hist_fuzz", "empty", empty, sizeof(empty));
	err |= write_file(dir, "hist_fuzz", "one", one, sizeof(one));
	err |= write_file(dir, "hist_fuzz", "spread", spread, sizeof(spread));
	return err;
}

static int inventory_seeds(const char *dir)
{
	static const char good[] =
		"# rack 4\n"
		"10.0.0.0/8 corp\n"
		"10.1.0.0/16 web name=web-1 namespace=prod tier=front # lb\n"
		"10.1.2.3 db app.kubernetes.io/name=pg\n"
		"fd00::/8 v6net\n"
		"fd00::7/128 v6host zone=a\n"
		"::ffff:10.1.2.3 mapped\n"
		"0.0.0.0/0 world\n";
	static const char bad[] =
		"10.0.0.1/8 x\n10.0.0.0/8 a a=1 a=2\n10.0.0.0/8 b\n"
		"fd00::/129 c\nnot-an-address d\n";
	int err = 0;

	err |= write_file(dir, "inventory_fuzz", "good", good,
			  sizeof(good) - 1);
	err |= write_file(dir, "inventory_fuzz", "bad", bad, sizeof(bad) - 1);
	return err;
}

static int agent_config_seeds(const char *dir)
{
	static const char all[] =
		"# flowmeshd\n"
		"database = /var/lib/flowmesh/flowmesh.db\n"
		"socket = /run/flowmesh/flowmeshd.sock\n"
		"inventory = none\n"
		"http_listen = [::1]:9465\n"
		"window = 10s\ngrace = 5s\nflush_interval = 5s\n"
		"retention_window = 24h\nretention_minute = 7d\n"
		"retention_hour = 30d\nretention_flows = 24h\n"
		"max_series = 10000\nmax_flows = 262144\n"
		"netlink_rcvbuf = 8388608\ntap_rate = 1000\n"
		"samples = rtt,response  # both\n";
	static const char bad[] =
		"window = 7s\nwindow = 10s\ngrace\nhttp_listen = off\n"
		"retention_minute = 1h\n";
	int err = 0;

	err |= write_file(dir, "agent_config_fuzz", "all", all,
			  sizeof(all) - 1);
	err |= write_file(dir, "agent_config_fuzz", "bad", bad,
			  sizeof(bad) - 1);
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
	err |= hist_seeds(argv[1]);
	err |= inventory_seeds(argv[1]);
	err |= agent_config_seeds(argv[1]);
	return err;
}
