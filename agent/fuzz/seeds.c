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

/*
 * l7_http1_fuzz and l7_http2_fuzz: conversations in l7_fuzz.c's chunk
 * format.  The HTTP/2 header blocks use HPACK's static table and literal
 * fields, one of them indexed and then referenced from the dynamic table.
 */
static int l7_web_seeds(const char *dir)
{
	struct part {
		uint8_t flags;	/* 1: to the client, 4: a gap before */
		const char *data;
		size_t len;
	};
#define PART(flags, s)	{ flags, s, sizeof(s) - 1 }
	static const struct part keep_alive[] = {
		PART(0, "GET /users/42?x=1 HTTP/1.1\r\nHost: a\r\n"
			"Connection: keep-alive\r\n\r\n"),
		PART(1, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"),
		PART(0, "POST /users HTTP/1.1\r\nContent-Length: 7\r\n"
			"Expect: 100-continue\r\n\r\n"),
		PART(1, "HTTP/1.1 100 Continue\r\n\r\n"),
		PART(0, "{\"a\":1}"),
		PART(1, "HTTP/1.1 503 Service Unavailable\r\n"
			"Connection: close\r\nContent-Length: 0\r\n\r\n"),
	};
	static const struct part pipelined[] = {
		PART(0, "HEAD /a HTTP/1.1\r\n\r\nGET /b HTTP/1.1\r\n\r\n"
			"GET /c/550e8400-e29b-41d4-a716-446655440000 HTTP/1.1"
			"\r\n\r\n"),
		PART(1, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n"
			"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
			"5;x=y\r\nhello\r\n0\r\nTrailer: 1\r\n\r\n"),
		PART(1, "HTTP/1.1 304 Not Modified\r\n\r\n"),
	};
	static const struct part tunnel[] = {
		PART(0, "CONNECT example.com:443 HTTP/1.1\r\n\r\n"),
		PART(1, "HTTP/1.1 200 Connection established\r\n\r\n"),
		PART(0, "\x16\x03\x01\x00\x01\x01"),
	};
	static const struct part server_first[] = {
		PART(1, "HTTP/1.0 200 OK\r\n\r\nbody to the end"),
		PART(4, "GET / HTTP/1.1\r\n\r\n"),
	};
	static const char grpc_c1[] =
		"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\x00\x00\x0c\x04\x00"
		"\x00\x00\x00\x00\x00\x03\x00\x00\x00""d\x00\x04\x00"
		"\x01\x00\x00\x00\x00R\x01\x04\x00\x00\x00\x01\x83"
		"\x86\x00\x05:path\x1c/helloworld.Greeter/SayHello@"
		"\x0c""content-type\x10""application/grpc\x00\x02te"
		"\x08trailers\x00\x00\x07\x00\x01\x00\x00\x00\x01\x00"
		"\x00\x00\x00\x02\n\x00";
	static const char grpc_c2[] =
		"\x00\x00'\x01\x04\x00\x00\x00\x03\x83\x86\x00\x05:pa"
		"th\x1c/helloworld.Greeter/SayHello\xbe\x00\x00\x07"
		"\x00\x01\x00\x00\x00\x03\x00\x00\x00\x00\x02\n\x00";
	static const char grpc_s1[] =
		"\x00\x00\x0c\x04\x00\x00\x00\x00\x00\x00\x03\x00\x00"
		"\x00""d\x00\x04\x00\x01\x00\x00\x00\x00\x00\x04\x01"
		"\x00\x00\x00\x00\x00\x00 \x01\x04\x00\x00\x00\x01"
		"\x88@\x0c""content-type\x10""application/grpc\x00"
		"\x00\x07\x00\x00\x00\x00\x00\x01\x00\x00\x00\x00\x02"
		"\n\x00\x00\x00*\x01\x05\x00\x00\x00\x01\x00\x0bgrpc-"
		"status\x02""14\x00\x0cgrpc-message\x0bunavailable";
	static const char grpc_s2[] =
		"\x00\x00\x02\x01\x04\x00\x00\x00\x03\x88\xbe\x00\x00"
		"\x07\x00\x00\x00\x00\x00\x03\x00\x00\x00\x00\x02\n"
		"\x00\x00\x00\x0f\x01\x05\x00\x00\x00\x03\x00\x0bgrpc"
		"-status\x01""0";
	static const char plain_c1[] =
		"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\x00\x00\x0c\x04\x00"
		"\x00\x00\x00\x00\x00\x03\x00\x00\x00""d\x00\x04\x00"
		"\x01\x00\x00\x00\x00\x04\x01\x01\x00\x00\x00\x01\x82"
		"\x86\x00\x05\x00\x00#\x09\x04\x00\x00\x00\x01:path\r"
		"/users/42?x=1\x00\n:authority\x03""api";
	static const char plain_s1[] =
		"\x00\x00\x0c\x04\x00\x00\x00\x00\x00\x00\x03\x00\x00"
		"\x00""d\x00\x04\x00\x01\x00\x00\x00\x00\x00\x04\x01"
		"\x00\x00\x00\x00\x00\x00\x13\x01,\x00\x00\x00\x01"
		"\x02\x00\x00\x00\x00\x10\x88\x00\x06server\x01x\x00"
		"\x00\x00\x00\x02\x00\x01\x00\x00\x00\x01{}";
	static const char plain_c2[] =
		"\x00\x00#\x01\x05\x00\x00\x00\x03\x82\x86\x00\x05:pa"
		"th\x09/users/43\x00\n:authority\x03""api\x00\x00\x03"
		"\x01\x05\x00\x00\x00\x05\x82\x86\x84";
	static const char plain_s2[] =
		"\x00\x00\r\x01\x05\x00\x00\x00\x03\x00\x07:status"
		"\x03""503\x00\x00\x04\x03\x00\x00\x00\x00\x05\x00"
		"\x00\x00\x07\x00\x00\x08\x06\x00\x00\x00\x00\x00""12"
		"345678\x00\x00\x08\x07\x00\x00\x00\x00\x00\x00\x00"
		"\x00\x05\x00\x00\x00\x00";
	static const struct part grpc[] = {
		PART(0, grpc_c1), PART(1, grpc_s1),
		PART(0, grpc_c2), PART(1, grpc_s2),
	};
	static const struct part plain[] = {
		PART(0, plain_c1), PART(1, plain_s1),
		PART(0, plain_c2), PART(1, plain_s2),
	};
#undef PART
#define SEED(target, name, parts) \
	{ target, name, parts, sizeof(parts) / sizeof(parts[0]) }
	static const struct {
		const char *target, *name;
		const struct part *parts;
		size_t nparts;
	} seeds[] = {
		SEED("l7_http1_fuzz", "keep-alive", keep_alive),
		SEED("l7_http1_fuzz", "pipelined", pipelined),
		SEED("l7_http1_fuzz", "tunnel", tunnel),
		SEED("l7_http1_fuzz", "server-first", server_first),
		SEED("l7_http2_fuzz", "grpc", grpc),
		SEED("l7_http2_fuzz", "plain", plain),
	};
#undef SEED
	static uint8_t buf[4096];
	size_t i, j, len;
	int err = 0;

	for (i = 0; i < sizeof(seeds) / sizeof(seeds[0]); i++) {
		for (j = len = 0; j < seeds[i].nparts; j++) {
			const struct part *p = &seeds[i].parts[j];

			buf[len++] = p->flags;
			buf[len++] = (uint8_t)p->len;
			buf[len++] = (uint8_t)(p->len >> 8);
			memcpy(buf + len, p->data, p->len);
			len += p->len;
		}
		err |= write_file(dir, seeds[i].target, seeds[i].name, buf,
				  len);
	}
	return err;
}

/*
 * Short exchanges for the other detectors, in l7_fuzz.c's chunk format:
 * each part a flags byte (1: to the client, 2: a datagram), a 16-bit
 * little-endian length, the bytes.
 */
static int l7_other_seeds(const char *dir)
{
	struct part {
		uint8_t flags;
		const char *data;
		size_t len;
	};
#define PART(f, s) { f, s, sizeof(s) - 1 }
	static const struct part tls[] = {
		PART(0, "\x16\x03\x01\x00\x3e\x01\x00\x00\x3a\x03\x03"
			"0123456789abcdef0123456789abcdef\x00\x00\x02\x13\x01"
			"\x01\x00\x00\x0f\x00\x00\x00\x0b\x00\x09\x00\x00\x06"
			"a.test"),
		PART(1, "\x16\x03\x03\x00\x32\x02\x00\x00\x2e\x03\x03"
			"0123456789abcdef0123456789abcdef\x00\x13\x01\x00"
			"\x00\x06\x00\x2b\x00\x02\x03\x04"),
	};
	static const struct part dns[] = {
		PART(2, "\xbc\x1f\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00"
			"\x03www\x07" "example\x03" "com\x00\x00\x1c\x00\x01"),
		PART(3, "\xbc\x1f\x81\x83\x00\x01\x00\x00\x00\x00\x00\x00"
			"\x03www\x07" "example\x03" "com\x00\x00\x1c\x00\x01"),
	};
	static const struct part dns_tcp[] = {
		PART(0, "\x00\x14\x00\x07\x01\x00\x00\x01\x00\x00\x00\x00\x00"
			"\x00\x01" "a\xc0\x0c\x00\x01\x00\x01"),
		PART(1, "\x00\x13\x00\x07\x81\x80\x00\x01\x00\x00\x00\x00\x00"
			"\x00\x01" "a\x00\x00\x01\x00\x01"),
	};
	static const struct part mysql[] = {
		PART(1, "\x23\x00\x00\x00\x0a" "8.0.36\x00\x0c\x00\x00\x00"
			"12345678\x00\xff\xff\x21\x02\x00\xff\xdf\x15\x00\x00"
			"\x00\x00\x00\x00\x00\x00\x00\x00"),
		PART(0, "\x24\x00\x00\x01\x85\xa6\xff\x01\x00\x00\x00\x01\x21"
			"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
			"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00" "u\x00\x00"),
		PART(1, "\x07\x00\x00\x02\x00\x00\x00\x02\x00\x00\x00"),
		PART(0, "\x09\x00\x00\x00\x03" "SELECT 1"),
		PART(1, "\x01\x00\x00\x01\x01\x05\x00\x00\x02\xfe\x00\x00\x02"
			"\x00"),
		PART(0, "\x01\x00\x00\x00\x0e"),
		PART(1, "\x09\x00\x00\x01\xff\x15\x04#28000"),
	};
	static const struct part postgresql[] = {
		PART(0, "\x00\x00\x00\x08\x04\xd2\x16\x2f"),
		PART(1, "N"),
		PART(0, "\x00\x00\x00\x1f\x00\x03\x00\x00user\x00u\x00"
			"database\x00" "d\x00\x00"),
		PART(1, "R\x00\x00\x00\x08\x00\x00\x00\x00"
			"S\x00\x00\x00\x19server_version\x00" "16.1\x00"
			"Z\x00\x00\x00\x05I"),
		PART(0, "Q\x00\x00\x00\x0dselect 1\x00"
			"P\x00\x00\x00\x10s\x00update t\x00\x00\x00"
			"B\x00\x00\x00\x0e\x00s\x00\x00\x00\x00\x00\x00\x00\x00"
			"E\x00\x00\x00\x09\x00\x00\x00\x00\x00"
			"S\x00\x00\x00\x04"),
		PART(1, "C\x00\x00\x00\x0dSELECT 1\x00Z\x00\x00\x00\x05I"
			"E\x00\x00\x00\x13" "C42P01\x00Mno\x00\x00"
			"Z\x00\x00\x00\x05I"),
	};
	static const struct part redis[] = {
		PART(0, "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nhello\r\n"
			"*2\r\n$3\r\nGET\r\n$1\r\nk\r\nPING\r\n"),
		PART(1, "+OK\r\n$5\r\nhello\r\n-ERR no\r\n"
			"*2\r\n%1\r\n+a\r\n:1\r\n|1\r\n+b\r\n_\r\n#t\r\n"),
	};
	static const struct part memcache[] = {
		PART(0, "set k 0 0 5\r\nhello\r\nget k x\r\nincr n 1\r\n"),
		PART(1, "STORED\r\nVALUE k 0 5\r\nhello\r\nEND\r\n"
			"SERVER_ERROR no\r\n"),
	};
	static const struct part memcache_bin[] = {
		PART(0, "\x80\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x01"
			"\x00\x00\x00\x07\x00\x00\x00\x00\x00\x00\x00\x00" "k"),
		PART(1, "\x81\x00\x00\x00\x00\x00\x00\x01\x00\x00\x00\x00"
			"\x00\x00\x00\x07\x00\x00\x00\x00\x00\x00\x00\x00"),
	};
	static const struct part smtp[] = {
		PART(1, "220 mx.example.org ESMTP\r\n"),
		PART(0, "EHLO client.example\r\n"),
		PART(1, "250-mx.example.org\r\n250 PIPELINING\r\n"),
		PART(0, "MAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\n"),
		PART(1, "250 ok\r\n550 no\r\n354 go\r\n"),
		PART(0, "Subject: x\r\n\r\n..\r\n.\r\nSTARTTLS\r\n"),
		PART(1, "250 ok\r\n220 ready\r\n"),
	};
#undef PART
	static const struct {
		const char *target, *name;
		const struct part *parts;
		size_t nparts;
	} seeds[] = {
#define SEED(t, n, p) { "l7_" t "_fuzz", n, p, sizeof(p) / sizeof(p[0]) }
		SEED("tls", "hellos", tls),
		SEED("dns", "udp", dns),
		SEED("dns", "tcp", dns_tcp),
		SEED("mysql", "session", mysql),
		SEED("postgresql", "session", postgresql),
		SEED("redis", "pipeline", redis),
		SEED("memcache", "text", memcache),
		SEED("memcache", "binary", memcache_bin),
		SEED("smtp", "session", smtp),
#undef SEED
	};
	static uint8_t buf[4096];
	size_t i, j, len;
	int err = 0;

	for (i = 0; i < sizeof(seeds) / sizeof(seeds[0]); i++) {
		len = 0;
		for (j = 0; j < seeds[i].nparts; j++) {
			const struct part *p = &seeds[i].parts[j];

			buf[len++] = p->flags;
			buf[len++] = p->len & 0xff;
			buf[len++] = p->len >> 8;
			memcpy(buf + len, p->data, p->len);
			len += p->len;
		}
		err |= write_file(dir, seeds[i].target, seeds[i].name, buf,
				  len);
	}
	return err;
}

/* A capture file being built for classify_fuzz: pcap, little endian. */
struct classify_seed {
	uint8_t buf[4096];
	size_t len;
	uint32_t ts;
};

static void classify_seed_put(struct classify_seed *c, const void *data,
			      size_t len)
{
	if (c->len + len <= sizeof(c->buf)) {
		memcpy(c->buf + c->len, data, len);
		c->len += len;
	}
}

static void classify_seed_le32(struct classify_seed *c, uint32_t v)
{
	uint8_t b[4] = { v, v >> 8, v >> 16, v >> 24 };

	classify_seed_put(c, b, 4);
}

/* @magic: 0xa1b2c3d4 (microseconds) or 0xa1b23c4d (nanoseconds). */
static void classify_seed_start(struct classify_seed *c, uint32_t magic,
				uint32_t linktype)
{
	c->len = 0;
	c->ts = 1700000000;
	classify_seed_le32(c, magic);
	classify_seed_le32(c, 2 | 4 << 16);	/* version 2.4 */
	classify_seed_le32(c, 0);		/* time zone */
	classify_seed_le32(c, 0);		/* sigfigs */
	classify_seed_le32(c, 65535);		/* snaplen */
	classify_seed_le32(c, linktype);
}

/*
 * One IPv4 packet from 10.0.0.(@from) to the other of .1 and .2, after
 * @link (@link_len bytes), TCP (@seq, @flags) or UDP when @flags is 0.
 */
static void classify_seed_packet(struct classify_seed *c, const void *link,
				 size_t link_len, int from, uint32_t seq,
				 uint8_t flags, const char *payload, size_t plen)
{
	uint8_t ip[20] = { 0x45, 0, 0, 0, 0, 0, 0x40, 0, 64 };
	uint8_t l4[20] = { 0 };
	size_t l4len = flags ? 20 : 8;
	uint16_t cport = 40000, sport = flags ? 80 : 53;
	uint16_t total = (uint16_t)(20 + l4len + plen);

	ip[2] = total >> 8;
	ip[3] = total & 0xff;
	ip[9] = flags ? 6 : 17;
	ip[12] = ip[16] = 10;
	ip[15] = from == 1 ? 1 : 2;
	ip[19] = from == 1 ? 2 : 1;
	l4[0] = (from == 1 ? cport : sport) >> 8;
	l4[1] = (from == 1 ? cport : sport) & 0xff;
	l4[2] = (from == 1 ? sport : cport) >> 8;
	l4[3] = (from == 1 ? sport : cport) & 0xff;
	if (flags) {
		l4[4] = seq >> 24;
		l4[5] = seq >> 16;
		l4[6] = seq >> 8;
		l4[7] = seq;
		l4[12] = 5 << 4;
		l4[13] = flags;
	} else {
		l4[4] = (8 + plen) >> 8;
		l4[5] = (8 + plen) & 0xff;
	}
	classify_seed_le32(c, c->ts++);
	classify_seed_le32(c, 0);
	classify_seed_le32(c, (uint32_t)(link_len + total));
	classify_seed_le32(c, (uint32_t)(link_len + total));
	classify_seed_put(c, link, link_len);
	classify_seed_put(c, ip, sizeof(ip));
	classify_seed_put(c, l4, l4len);
	classify_seed_put(c, payload, plen);
}

/* Small captures: a TCP exchange over Ethernet (with a VLAN tag and out
 * of order segments), DNS over raw IP, and BSD loopback. */
static int classify_seeds(const char *dir)
{
	static const uint8_t eth[14] = { [12] = 0x08, [13] = 0x00 };
	static const uint8_t vlan[18] = { [12] = 0x81, [13] = 0x00,
					  [15] = 7, [16] = 0x08, [17] = 0x00 };
	static const uint8_t loop[4] = { 2 };
	static const char query[] = "\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00"
				    "\x00\x00\x03www\x07" "example\x03" "com"
				    "\x00\x00\x01\x00\x01";
	static const char answer[] = "\x12\x34\x81\x80\x00\x01\x00\x00\x00\x00"
				     "\x00\x00\x03www\x07" "example\x03" "com"
				     "\x00\x00\x01\x00\x01";
	static const char get[] = "GET /users/42 HTTP/1.1\r\nHost: a\r\n\r\n";
	static const char ok[] = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
	static const char preface[] = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
	static struct classify_seed c;
	int err = 0;

	classify_seed_start(&c, 0xa1b2c3d4, 1);
	classify_seed_packet(&c, eth, 14, 1, 100, 0x02, "", 0);
	classify_seed_packet(&c, eth, 14, 2, 500, 0x12, "", 0);
	classify_seed_packet(&c, eth, 14, 1, 101, 0x18, get, strlen(get));
	classify_seed_packet(&c, eth, 14, 2, 501, 0x18, ok, strlen(ok));
	classify_seed_packet(&c, eth, 14, 1, 101 + strlen(get), 0x11, "", 0);
	err |= write_file(dir, "classify_fuzz", "http_ethernet", c.buf, c.len);

	classify_seed_start(&c, 0xa1b2c3d4, 1);
	/* the second segment first, then a retransmit overlapping both */
	classify_seed_packet(&c, vlan, 18, 1, 990, 0x02, "", 0);
	classify_seed_packet(&c, vlan, 18, 1, 995, 0x18, "$4\r\nPING\r\n", 10);
	classify_seed_packet(&c, vlan, 18, 1, 991, 0x18, "*1\r\n", 4);
	classify_seed_packet(&c, vlan, 18, 2, 7, 0x18, "+PONG\r\n", 7);
	classify_seed_packet(&c, vlan, 18, 1, 991, 0x18, "*1\r\n$4", 6);
	err |= write_file(dir, "classify_fuzz", "reorder_vlan", c.buf, c.len);

	classify_seed_start(&c, 0xa1b23c4d, 101);
	classify_seed_packet(&c, NULL, 0, 1, 0, 0, query, sizeof(query) - 1);
	classify_seed_packet(&c, NULL, 0, 2, 0, 0, answer, sizeof(answer) - 1);
	err |= write_file(dir, "classify_fuzz", "dns_raw_ns", c.buf, c.len);

	classify_seed_start(&c, 0xa1b2c3d4, 0);
	classify_seed_packet(&c, loop, 4, 1, 1, 0x02, "", 0);
	classify_seed_packet(&c, loop, 4, 1, 2, 0x18, preface, strlen(preface));
	err |= write_file(dir, "classify_fuzz", "loopback", c.buf, c.len);
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
	err |= l7_web_seeds(argv[1]);
	err |= l7_other_seeds(argv[1]);
	err |= classify_seeds(argv[1]);
	return err;
}
