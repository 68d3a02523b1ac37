// SPDX-License-Identifier: GPL-2.0
/*
 * flowmesh classify: the captures of the pcaps directory against
 * expected.tsv (flows, packet counts, protocols), the link-layer and IP
 * parsing on packets built here, and the verb as a user runs it.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <cmocka.h>
#include "cli/classify.h"
#include "cli_run.h"
#include "pktbuild.h"

#ifdef FM_PCAP_DIR
static const char *pcap_dir(void)
{
	return FM_PCAP_DIR;
}
#else
/* <top>/../shared/pcaps, <top> from this file's path */
static const char *pcap_dir(void)
{
	static char dir[4096];
	const char *tail = strstr(__FILE__, "/tests/unit/");

	assert_non_null(tail);
	snprintf(dir, sizeof(dir), "%.*s/../shared/pcaps",
		 (int)(tail - __FILE__), __FILE__);
	return dir;
}
#endif

/* --- the captures --------------------------------------------------------- */

struct expected_row {
	char capture[128];
	char l4[8];
	char side_a[64];
	char side_b[64];
	char label[64];
	uint64_t a_pkts, a_bytes, b_pkts, b_bytes;
};

/* nDPI's label as the protocol we must report (the README's table). */
static const char *expected_protocol(const char *label)
{
	static const struct {
		const char *prefix;
		const char *proto;
	} map[] = {
		{ "HTTP2", "http2" }, { "HTTP", "http" }, { "TLS", "tls" },
		{ "DNS", "dns" }, { "Memcached", "memcache" },
		{ "MySQL", "mysql" }, { "PostgreSQL", "postgresql" },
		{ "RESP", "redis" }, { "SMTP", "smtp" },
	};
	size_t i, n;

	for (i = 0; i < sizeof(map) / sizeof(*map); i++) {
		n = strlen(map[i].prefix);
		/* HTTP and HTTP.Google, not HTTP2; DNS.Google; TLS.ntop */
		if (!strncmp(label, map[i].prefix, n) &&
		    (!label[n] || label[n] == '.'))
			return map[i].proto;
	}
	return NULL;
}

static int read_expected(struct expected_row *rows, size_t max)
{
	char path[4200], line[512];
	size_t n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/expected.tsv", pcap_dir());
	f = fopen(path, "r");
	if (!f)
		fail_msg("%s: %s", path, strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		struct expected_row *r = &rows[n];

		if (!strncmp(line, "capture\t", 8))
			continue;
		assert_true(n < max);
		if (sscanf(line, "%127[^\t]\t%7[^\t]\t%63[^\t]\t%63[^\t]\t%63[^\t]\t%" SCNu64 " pkts/%" SCNu64 " bytes\t%" SCNu64 " pkts/%" SCNu64 " bytes",
			   r->capture, r->l4, r->side_a, r->side_b, r->label,
			   &r->a_pkts, &r->a_bytes, &r->b_pkts,
			   &r->b_bytes) != 9)
			fail_msg("%s: cannot read the line '%s'", path, line);
		n++;
	}
	fclose(f);
	return (int)n;
}

/* "1.2.3.4:80" or "[::1]:80" into @addr, @port; the family. */
static uint8_t parse_endpoint(const char *s, uint8_t *addr, uint16_t *port)
{
	const char *colon = strrchr(s, ':');
	char host[64];
	size_t len;

	assert_non_null(colon);
	len = (size_t)(colon - s);
	if (s[0] == '[') {
		s++;
		len -= 2;
	}
	assert_true(len < sizeof(host));
	memcpy(host, s, len);
	host[len] = '\0';
	*port = (uint16_t)atoi(colon + 1);
	memset(addr, 0, 16);
	if (inet_pton(AF_INET, host, addr) == 1)
		return AF_INET;
	assert_int_equal(inet_pton(AF_INET6, host, addr), 1);
	return AF_INET6;
}

static void run_capture(const char *name, struct classify_run *run)
{
	char path[4200], errbuf[PCAP_ERRBUF_SIZE];
	pcap_t *pcap;

	snprintf(path, sizeof(path), "%s/%s", pcap_dir(), name);
	pcap = pcap_open_offline_with_tstamp_precision(path,
			PCAP_TSTAMP_PRECISION_NANO, errbuf);
	if (!pcap)
		fail_msg("%s: %s", path, errbuf);
	classify_init(run);
	if (classify_read(run, pcap, errbuf, sizeof(errbuf)))
		fail_msg("%s: %s", path, errbuf);
	pcap_close(pcap);
	classify_sort(run);
}

/*
 * One row: the flow, its packets per direction exactly, its bytes within
 * the link-layer headers nDPI counts on top of ours, and its protocol.
 * Returns what went wrong, "" when nothing.
 */
static void check_row(const struct classify_run *run,
		      const struct expected_row *r, char *why, size_t len)
{
	const char *want = expected_protocol(r->label), *got;
	struct fm_packet key = { 0 };
	uint64_t tx_pkts, rx_pkts, tx_bytes, rx_bytes;
	struct classify_flow *cf;
	bool a_is_client;

	why[0] = '\0';
	key.proto = !strcmp(r->l4, "TCP") ? IPPROTO_TCP : IPPROTO_UDP;
	key.family = parse_endpoint(r->side_a, key.src, &key.sport);
	assert_int_equal(parse_endpoint(r->side_b, key.dst, &key.dport),
			 key.family);
	cf = classify_find(run, &key);
	if (!cf) {
		snprintf(why, len, "no flow found");
		return;
	}
	a_is_client = cf->flow.client_port == key.sport &&
		      !memcmp(cf->flow.client, key.src,
			      key.family == AF_INET ? 4 : 16);
	tx_pkts = a_is_client ? r->a_pkts : r->b_pkts;
	rx_pkts = a_is_client ? r->b_pkts : r->a_pkts;
	tx_bytes = a_is_client ? r->a_bytes : r->b_bytes;
	rx_bytes = a_is_client ? r->b_bytes : r->a_bytes;
	if (cf->flow.tx_packets != tx_pkts || cf->flow.rx_packets != rx_pkts) {
		snprintf(why, len, "packets %" PRIu64 "/%" PRIu64 ", expected %" PRIu64 "/%" PRIu64,
			 cf->flow.tx_packets, cf->flow.rx_packets, tx_pkts,
			 rx_pkts);
		return;
	}
	/* nDPI adds each frame's link-layer header: at most 32 bytes */
	if (cf->flow.tx_bytes > tx_bytes || cf->flow.rx_bytes > rx_bytes ||
	    tx_bytes - cf->flow.tx_bytes > 32 * tx_pkts ||
	    rx_bytes - cf->flow.rx_bytes > 32 * rx_pkts) {
		snprintf(why, len, "bytes %" PRIu64 "/%" PRIu64 ", nDPI %" PRIu64 "/%" PRIu64,
			 cf->flow.tx_bytes, cf->flow.rx_bytes, tx_bytes,
			 rx_bytes);
		return;
	}
	got = fm_l7_proto_name(fm_l7_flow_proto(cf->l7));
	if (!want || strcmp(got, want))
		snprintf(why, len, "protocol %s, expected %s (nDPI %s)", got,
			 want ? want : "a mapping", r->label);
}

static bool is_capture(const char *name)
{
	const char *dot = strrchr(name, '.');

	return dot && (!strcmp(dot, ".pcap") || !strcmp(dot, ".pcapng") ||
		       !strcmp(dot, ".cap"));
}

static void test_captures(void **state)
{
	static struct expected_row rows[256];
	struct classify_run run;
	struct dirent *de;
	size_t i, flows, failed = 0, captures = 0;
	int nrows;
	char why[160];
	DIR *dir;

	(void)state;
	dir = opendir(pcap_dir());
	if (!dir)
		fail_msg("the capture directory %s cannot be read: %s (make PCAP_DIR=... names another)",
			 pcap_dir(), strerror(errno));
	nrows = read_expected(rows, sizeof(rows) / sizeof(*rows));
	assert_true(nrows > 0);
	while ((de = readdir(dir))) {
		if (!is_capture(de->d_name))
			continue;
		captures++;
		run_capture(de->d_name, &run);
		flows = 0;
		for (i = 0; i < (size_t)nrows; i++) {
			if (strcmp(rows[i].capture, de->d_name))
				continue;
			flows++;
			check_row(&run, &rows[i], why, sizeof(why));
			print_message("%-7s %s %s %s %s%s%s\n",
				      why[0] ? "MISS" : "ok", de->d_name,
				      rows[i].side_a, rows[i].side_b,
				      rows[i].label, why[0] ? ": " : "", why);
			failed += why[0] != '\0';
		}
		/* every flow of ours is one nDPI reported */
		if (!flows || run.nflows != flows) {
			print_message("MISS    %s: %zu flows, expected.tsv lists %zu\n",
				      de->d_name, run.nflows, flows);
			failed++;
		}
		classify_free(&run);
	}
	closedir(dir);
	assert_true(captures > 0);
	if (failed)
		fail_msg("%zu of the expected flows differ (MISS above)",
			 failed);
}

/* --- packets built here ---------------------------------------------------- */

static const uint8_t ip_a[4] = { 10, 0, 0, 1 };
static const uint8_t ip_b[4] = { 10, 0, 0, 2 };
static const uint8_t ip6_a[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
static const uint8_t ip6_b[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };

/* IPv4 TCP from 10.0.0.1:40000 to 10.0.0.2:443, payload "hello". */
static size_t build_v4_packet(uint8_t *p)
{
	size_t l4 = pkt_tcp(p + 20, 40000, 443, 7, 0x18, "hello");

	return pkt_ipv4(p, ip_a, ip_b, IPPROTO_TCP, l4, 0);
}

static void expect_v4_packet(const struct fm_packet *pkt)
{
	assert_int_equal(pkt->family, AF_INET);
	assert_int_equal(pkt->proto, IPPROTO_TCP);
	assert_memory_equal(pkt->src, ip_a, 4);
	assert_memory_equal(pkt->dst, ip_b, 4);
	assert_int_equal(pkt->sport, 40000);
	assert_int_equal(pkt->dport, 443);
	assert_int_equal(pkt->seq, 7);
	assert_int_equal(pkt->tcp_flags, 0x18);
	assert_int_equal(pkt->ip_len, 45);
	assert_int_equal(pkt->payload_len, 5);
	assert_memory_equal(pkt->payload, "hello", 5);
}

/*
 * @pkt of @len bytes reads as the packet above, and every prefix of it
 * that cuts into the headers as truncated (never as a packet).
 */
static void expect_link(int dlt, const uint8_t *pkt, size_t len,
			size_t headers)
{
	struct fm_packet out;
	size_t cut;

	assert_int_equal(classify_parse_packet(dlt, pkt, len, &out),
			 FM_PACKET_OK);
	expect_v4_packet(&out);
	for (cut = 0; cut < headers; cut++)
		assert_int_equal(classify_parse_packet(dlt, pkt, cut, &out),
				 FM_PACKET_TRUNCATED);
	/* cut into the payload: what was captured of it */
	assert_int_equal(classify_parse_packet(dlt, pkt, len - 2, &out),
			 FM_PACKET_OK);
	assert_int_equal(out.payload_len, 3);
	assert_int_equal(out.ip_len, 45);
}

static void test_ethernet(void **state)
{
	uint8_t pkt[128] = { 0 };
	size_t len;

	(void)state;
	pkt_put16(pkt + 12, 0x0800);
	len = 14 + build_v4_packet(pkt + 14);
	expect_link(DLT_EN10MB, pkt, len, 14 + 40);
	/* 802.1ad outer and 802.1Q inner tags */
	pkt_put16(pkt + 12, 0x88a8);
	pkt_put16(pkt + 14, 100);
	pkt_put16(pkt + 16, 0x8100);
	pkt_put16(pkt + 18, 200);
	pkt_put16(pkt + 20, 0x0800);
	len = 22 + build_v4_packet(pkt + 22);
	expect_link(DLT_EN10MB, pkt, len, 22 + 40);
}

static void test_ethernet_other(void **state)
{
	struct fm_packet out;
	uint8_t pkt[128] = { 0 };
	size_t i;

	(void)state;
	pkt_put16(pkt + 12, 0x0806);	/* ARP */
	assert_int_equal(classify_parse_packet(DLT_EN10MB, pkt, 60, &out),
			 FM_PACKET_OTHER);
	/* tags without end */
	for (i = 12; i < 12 + 4 * 8; i += 4)
		pkt_put16(pkt + i, 0x8100);
	assert_int_equal(classify_parse_packet(DLT_EN10MB, pkt, 60, &out),
			 FM_PACKET_OTHER);
	/* an unknown link type */
	assert_int_equal(classify_parse_packet(DLT_IEEE802_11, pkt, 60, &out),
			 FM_PACKET_OTHER);
}

static void test_sll(void **state)
{
	uint8_t pkt[128] = { 0 };
	size_t len;

	(void)state;
	pkt_put16(pkt + 14, 0x0800);
	len = 16 + build_v4_packet(pkt + 16);
	expect_link(DLT_LINUX_SLL, pkt, len, 16 + 40);
	memset(pkt, 0, sizeof(pkt));
	pkt_put16(pkt, 0x0800);
	len = 20 + build_v4_packet(pkt + 20);
	expect_link(DLT_LINUX_SLL2, pkt, len, 20 + 40);
}

static void test_raw_and_loopback(void **state)
{
	struct fm_packet out;
	uint8_t pkt[128] = { 0 };
	size_t len;

	(void)state;
	len = build_v4_packet(pkt);
	expect_link(DLT_RAW, pkt, len, 40);
	expect_link(DLT_IPV4, pkt, len, 40);
	/* DLT_NULL: the family in the capturing host's order */
	memset(pkt, 0, 4);
	pkt[0] = 2;
	len = 4 + build_v4_packet(pkt + 4);
	expect_link(DLT_NULL, pkt, len, 4 + 40);
	pkt_put32(pkt, 2);
	expect_link(DLT_NULL, pkt, len, 4 + 40);
	expect_link(DLT_LOOP, pkt, len, 4 + 40);
	pkt_put32(pkt, 7);
	assert_int_equal(classify_parse_packet(DLT_NULL, pkt, len, &out),
			 FM_PACKET_OTHER);
	/* raw IP of another version */
	pkt[4] = 0x55;
	assert_int_equal(classify_parse_packet(DLT_RAW, pkt + 4, len - 4, &out),
			 FM_PACKET_OTHER);
}

static void test_ipv4_fragments_and_options(void **state)
{
	struct fm_packet out;
	uint8_t pkt[128] = { 0 };
	size_t l4, len;

	(void)state;
	l4 = pkt_udp(pkt + 20, 5353, 53, "q", 1);
	len = pkt_ipv4(pkt, ip_a, ip_b, IPPROTO_UDP, l4, 0x2000);	/* MF */
	assert_int_equal(classify_parse_packet(DLT_RAW, pkt, len, &out),
			 FM_PACKET_FRAGMENT);
	pkt_put16(pkt + 6, 0x0010);		/* an offset */
	assert_int_equal(classify_parse_packet(DLT_RAW, pkt, len, &out),
			 FM_PACKET_FRAGMENT);
	pkt_put16(pkt + 6, 0x4000);		/* don't fragment: whole */
	assert_int_equal(classify_parse_packet(DLT_RAW, pkt, len, &out),
			 FM_PACKET_OK);
	assert_int_equal(out.proto, IPPROTO_UDP);
	assert_int_equal(out.payload_len, 1);
	/* an ICMP packet is another protocol */
	pkt[9] = IPPROTO_ICMP;
	assert_int_equal(classify_parse_packet(DLT_RAW, pkt, len, &out),
			 FM_PACKET_OTHER);
	/* a header length below 20 bytes */
	pkt[9] = IPPROTO_UDP;
	pkt[0] = 0x44;
	assert_int_equal(classify_parse_packet(DLT_RAW, pkt, len, &out),
			 FM_PACKET_TRUNCATED);
	/* options: 24 bytes of header */
	memmove(pkt + 24, pkt + 20, l4);
	pkt[0] = 0x46;
	pkt_put16(pkt + 2, (uint16_t)(24 + l4));
	memset(pkt + 20, 1, 4);		/* NOPs */
	assert_int_equal(classify_parse_packet(DLT_RAW, pkt, 24 + l4, &out),
			 FM_PACKET_OK);
	assert_int_equal(out.sport, 5353);
	assert_int_equal(out.ip_len, 24 + l4);
	/* a TCP data offset beyond the packet */
	l4 = pkt_tcp(pkt + 20, 1, 2, 0, 0x02, "");
	len = pkt_ipv4(pkt, ip_a, ip_b, IPPROTO_TCP, l4, 0);
	pkt[32] = 15 << 4;
	assert_int_equal(classify_parse_packet(DLT_RAW, pkt, len, &out),
			 FM_PACKET_TRUNCATED);
}

/* IPv6 with @next_hdr and @ext (already in place) before a UDP datagram. */
static size_t build_ipv6(uint8_t *p, uint8_t next_hdr, size_t ext_len,
			 const char *payload)
{
	size_t l4 = pkt_udp(p + 40 + ext_len, 5000, 53, payload,
			    strlen(payload));

	memset(p, 0, 8);
	p[0] = 0x60;
	pkt_put16(p + 4, (uint16_t)(ext_len + l4));
	p[6] = next_hdr;
	p[7] = 64;
	memcpy(p + 8, ip6_a, 16);
	memcpy(p + 24, ip6_b, 16);
	return 40 + ext_len + l4;
}

static void test_ipv6_extensions(void **state)
{
	struct fm_packet out;
	uint8_t pkt[256] = { 0 };
	size_t len, cut;

	(void)state;
	len = build_ipv6(pkt, IPPROTO_UDP, 0, "abc");
	assert_int_equal(classify_parse_packet(DLT_IPV6, pkt, len, &out),
			 FM_PACKET_OK);
	assert_int_equal(out.family, AF_INET6);
	assert_memory_equal(out.src, ip6_a, 16);
	assert_memory_equal(out.dst, ip6_b, 16);
	assert_int_equal(out.ip_len, len);
	assert_int_equal(out.payload_len, 3);
	/* hop-by-hop (8 bytes), destination options (16), then UDP */
	pkt[40] = 60;
	pkt[41] = 0;
	pkt[48] = IPPROTO_UDP;
	pkt[49] = 1;
	len = build_ipv6(pkt, 0, 24, "abc");
	assert_int_equal(classify_parse_packet(DLT_RAW, pkt, len, &out),
			 FM_PACKET_OK);
	assert_int_equal(out.proto, IPPROTO_UDP);
	assert_int_equal(out.dport, 53);
	assert_int_equal(out.payload_len, 3);
	assert_memory_equal(out.payload, "abc", 3);
	assert_int_equal(out.ip_len, len);
	for (cut = 0; cut < 40 + 24 + 8; cut++)
		assert_int_equal(classify_parse_packet(DLT_RAW, pkt, cut, &out),
				 FM_PACKET_TRUNCATED);
	/* an extension header longer than the packet */
	pkt[49] = 200;
	assert_int_equal(classify_parse_packet(DLT_RAW, pkt, len, &out),
			 FM_PACKET_TRUNCATED);
	/* a fragment header: an atomic fragment is whole, others are not */
	memset(pkt + 40, 0, 8);
	pkt[40] = IPPROTO_UDP;
	len = build_ipv6(pkt, 44, 8, "abc");
	assert_int_equal(classify_parse_packet(DLT_RAW, pkt, len, &out),
			 FM_PACKET_OK);
	pkt_put16(pkt + 42, 1);	/* more fragments */
	assert_int_equal(classify_parse_packet(DLT_RAW, pkt, len, &out),
			 FM_PACKET_FRAGMENT);
	/* ESP hides what follows */
	len = build_ipv6(pkt, 50, 0, "abc");
	assert_int_equal(classify_parse_packet(DLT_RAW, pkt, len, &out),
			 FM_PACKET_OTHER);
	/* a chain of extension headers without end */
	memset(pkt + 40, 0, 8 * 10);
	len = build_ipv6(pkt, 0, 80, "abc");
	assert_int_equal(classify_parse_packet(DLT_RAW, pkt, len, &out),
			 FM_PACKET_OTHER);
}

/* --- flows of packets built here ------------------------------------------ */

static void add_tcp(struct classify_run *run, uint64_t ts,
		    const uint8_t *src, uint16_t sport,
		    const uint8_t *dst, uint16_t dport, uint8_t flags,
		    const char *payload)
{
	uint8_t pkt[256];
	size_t l4 = pkt_tcp(pkt + 20, sport, dport, 1, flags, payload);
	size_t len = pkt_ipv4(pkt, src, dst, IPPROTO_TCP, l4, 0);

	assert_int_equal(classify_add_packet(run, DLT_RAW, ts, pkt, len), 0);
}

static void add_udp(struct classify_run *run, uint64_t ts,
		    const uint8_t *src, uint16_t sport,
		    const uint8_t *dst, uint16_t dport, const char *payload)
{
	uint8_t pkt[256];
	size_t l4 = pkt_udp(pkt + 20, sport, dport, payload,
			    strlen(payload));
	size_t len = pkt_ipv4(pkt, src, dst, IPPROTO_UDP, l4, 0);

	assert_int_equal(classify_add_packet(run, DLT_RAW, ts, pkt, len), 0);
}

static void test_flows(void **state)
{
	struct classify_run run;
	struct classify_flow *f;
	uint8_t junk[8] = { 0x45 };	/* IPv4, cut short */
	json_t *obj;

	(void)state;
	classify_init(&run);
	/* a SYN-ACK seen first: its receiver is the client */
	add_tcp(&run, 3000, ip_b, 443, ip_a, 40000, 0x12, "");
	add_tcp(&run, 3001, ip_a, 40000, ip_b, 443, 0x10, "\x01\x02");
	/* a UDP flow, both ways; it started earlier */
	add_udp(&run, 1000, ip_a, 9999, ip_b, 7777, "x");
	add_udp(&run, 2000, ip_b, 7777, ip_a, 9999, "yy");
	add_udp(&run, 2500, ip_b, 7777, ip_a, 9999, "zzz");
	/* a SYN: its sender is the client, whatever the ports */
	add_tcp(&run, 500, ip_b, 25, ip_a, 3306, 0x02, "");
	assert_int_equal(classify_add_packet(&run, DLT_RAW, 1, junk, 3), 0);
	assert_int_equal(classify_add_packet(&run, DLT_EN10MB, 1, junk, 8), 0);
	assert_int_equal(run.packets, 8);
	assert_int_equal(run.truncated, 2);
	assert_int_equal(run.nflows, 3);
	classify_sort(&run);

	f = run.flows[0];
	assert_int_equal(f->flow.first_seen_ns, 500);
	assert_int_equal(f->flow.client_port, 25);
	assert_int_equal(f->flow.server_port, 3306);
	f = run.flows[1];
	assert_int_equal(f->flow.proto, IPPROTO_UDP);
	assert_int_equal(f->flow.client_port, 9999);
	assert_int_equal(f->flow.tx_packets, 1);
	assert_int_equal(f->flow.rx_packets, 2);
	assert_int_equal(f->flow.tx_bytes, 20 + 8 + 1);
	assert_int_equal(f->flow.rx_bytes, 2 * 28 + 5);
	assert_int_equal(f->flow.last_seen_ns, 2500);
	f = run.flows[2];
	assert_memory_equal(f->flow.client, ip_a, 4);
	assert_int_equal(f->flow.client_port, 40000);
	assert_int_equal(f->flow.tx_packets, 1);
	assert_int_equal(f->flow.rx_packets, 1);

	/* JSON: the flow's fields, no protocol decided, a port hint */
	obj = classify_flow_json(f);
	assert_non_null(obj);
	assert_string_equal(json_string_value(json_object_get(obj, "protocol")),
			    "unknown");
	assert_int_equal(json_object_size(json_object_get(obj, "l7")), 0);
	assert_string_equal(json_string_value(json_object_get(obj, "port_hint")),
			    "https");
	assert_string_equal(json_string_value(json_object_get(obj, "client")),
			    "10.0.0.1");
	assert_int_equal(json_integer_value(json_object_get(obj, "server_port")),
			 443);
	assert_int_equal(json_integer_value(json_object_get(obj, "tx_packets")),
			 1);
	json_decref(obj);
	obj = classify_flow_json(run.flows[1]);
	assert_non_null(obj);
	assert_true(json_is_null(json_object_get(obj, "port_hint")));
	json_decref(obj);
	/* the server's port names the hint; else the client's */
	assert_string_equal(classify_port_hint(&run.flows[0]->flow), "mysql");
	run.flows[0]->flow.server_port = 1;
	assert_string_equal(classify_port_hint(&run.flows[0]->flow), "smtp");
	classify_free(&run);
}

static void test_outputs(void **state)
{
	struct classify_run run;
	char *buf = NULL;
	size_t len = 0;
	json_error_t jerr;
	json_t *doc;
	FILE *out;

	(void)state;
	classify_init(&run);
	add_tcp(&run, 10, ip_a, 40000, ip_b, 5432, 0x02, "");
	add_udp(&run, 20, ip_a, 9999, ip_b, 7777, "x");
	out = open_memstream(&buf, &len);
	assert_non_null(out);
	assert_int_equal(classify_print_table(out, &run), 0);
	assert_int_equal(fclose(out), 0);
	assert_non_null(strstr(buf, "PROTO  CLIENT"));
	assert_non_null(strstr(buf, "PROTOCOL"));
	assert_non_null(strstr(buf, "10.0.0.2:5432"));
	assert_non_null(strstr(buf, "hint=postgresql"));
	free(buf);

	out = open_memstream(&buf, &len);
	assert_non_null(out);
	assert_int_equal(classify_print_json(out, &run), 0);
	assert_int_equal(fclose(out), 0);
	doc = json_loads(buf, 0, &jerr);
	assert_non_null(doc);
	assert_int_equal(json_array_size(doc), 2);
	assert_string_equal(json_string_value(json_object_get(
				json_array_get(doc, 1), "proto")), "udp");
	json_decref(doc);
	free(buf);
	classify_free(&run);
}

/* --- the verb -------------------------------------------------------------- */

static void test_parse_args(void **state)
{
	char *ok[] = { "classify", "f.pcap", "-o", "json", "--pcap-filter",
		       "tcp", NULL };
	char *help[] = { "classify", "--help", NULL };
	char *none[] = { "classify", NULL };
	char *two[] = { "classify", "a", "b", NULL };
	char *fmt[] = { "classify", "a", "-o", "wide", NULL };
	char *empty[] = { "classify", "a", "--pcap-filter", "", NULL };
	char *unknown[] = { "classify", "a", "--since", "1h", NULL };
	struct classify_opts opts;
	char err[CLI_ERR_MAX];

	(void)state;
	assert_int_equal(classify_parse_args(6, ok, &opts, err, sizeof(err)),
			 CLI_PARSE_OK);
	assert_string_equal(opts.path, "f.pcap");
	assert_string_equal(opts.filter, "tcp");
	assert_int_equal(opts.format, CLI_FORMAT_JSON);
	assert_int_equal(classify_parse_args(2, help, &opts, err, sizeof(err)),
			 CLI_PARSE_HELP);
	assert_int_equal(classify_parse_args(1, none, &opts, err, sizeof(err)),
			 CLI_PARSE_BAD);
	assert_non_null(strstr(err, "no capture file"));
	assert_int_equal(classify_parse_args(3, two, &opts, err, sizeof(err)),
			 CLI_PARSE_BAD);
	assert_int_equal(classify_parse_args(4, fmt, &opts, err, sizeof(err)),
			 CLI_PARSE_BAD);
	assert_int_equal(classify_parse_args(4, empty, &opts, err, sizeof(err)),
			 CLI_PARSE_BAD);
	assert_int_equal(classify_parse_args(4, unknown, &opts, err,
					     sizeof(err)), CLI_PARSE_BAD);
}

/* A capture of three packets, written with libpcap into @path. */
static void write_capture(const char *path)
{
	pcap_t *dead = pcap_open_dead(DLT_RAW, 65535);
	struct pcap_pkthdr h = { 0 };
	pcap_dumper_t *d;
	uint8_t pkt[128];
	size_t l4, len;
	int i;

	assert_non_null(dead);
	d = pcap_dump_open(dead, path);
	assert_non_null(d);
	for (i = 0; i < 3; i++) {
		l4 = pkt_udp(pkt + 20, 5353, 53, "abc", 3);
		len = pkt_ipv4(pkt, i == 1 ? ip_b : ip_a, i == 1 ? ip_a : ip_b,
				 IPPROTO_UDP, l4, 0);
		if (i == 1) {
			pkt_put16(pkt + 20, 53);
			pkt_put16(pkt + 22, 5353);
		}
		h.ts.tv_sec = 1700000000 + i;
		h.caplen = h.len = (uint32_t)len;
		pcap_dump((u_char *)d, &h, pkt);
	}
	pcap_dump_close(d);
	pcap_close(dead);
}

static void expect_cli(char **argv, int status, const char *out,
		       const char *err)
{
	struct cli_run r;

	cli_run(argv, NULL, NULL, &r);
	if (r.status != status || (out && !strstr(r.out, out)) ||
	    (err && !strstr(r.err, err)))
		fail_msg("%s %s: status %d, stdout:\n%s\nstderr:\n%s", argv[1],
			 argv[2] ? argv[2] : "", r.status, r.out, r.err);
	cli_run_free(&r);
}

static void test_cli(void **state)
{
	char dir[] = "/tmp/fm-classify-XXXXXX";
	char capture[64], missing[64], garbage[64], cut[64];
	char *run_json[] = { "flowmesh", "classify", capture, "-o", "json",
			     NULL };
	char *run_table[] = { "flowmesh", "classify", capture, NULL };
	char *filtered[] = { "flowmesh", "classify", capture, "--pcap-filter",
			     "tcp", "-o", "json", NULL };
	char *bad_filter[] = { "flowmesh", "classify", capture,
			       "--pcap-filter", "port port", NULL };
	char *run_missing[] = { "flowmesh", "classify", missing, NULL };
	char *run_garbage[] = { "flowmesh", "classify", garbage, NULL };
	char *run_cut[] = { "flowmesh", "classify", cut, NULL };
	char *no_file[] = { "flowmesh", "classify", NULL };
	char *bad_format[] = { "flowmesh", "classify", capture, "-o", "yaml",
			       NULL };
	char *bad_option[] = { "flowmesh", "classify", capture, "--bogus",
			       NULL };
	char *help[] = { "flowmesh", "classify", "--help", NULL };
	char *data = NULL;
	size_t len = 0;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(capture, sizeof(capture), "%s/three.pcap", dir);
	snprintf(missing, sizeof(missing), "%s/missing.pcap", dir);
	snprintf(garbage, sizeof(garbage), "%s/garbage.pcap", dir);
	snprintf(cut, sizeof(cut), "%s/cut.pcap", dir);
	write_capture(capture);
	f = fopen(garbage, "w");
	assert_non_null(f);
	fputs("not a capture at all, just text\n", f);
	fclose(f);
	/* the capture cut in its last packet */
	f = fopen(capture, "r");
	assert_non_null(f);
	data = malloc(4096);
	assert_non_null(data);
	len = fread(data, 1, 4096, f);
	fclose(f);
	f = fopen(cut, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len - 5, f), len - 5);
	fclose(f);
	free(data);

	expect_cli(run_json, 0, "\"rx_packets\": 1", "");
	expect_cli(run_json, 0, "\"port_hint\": \"domain\"", "");
	expect_cli(run_table, 0, "10.0.0.1:5353", "");
	expect_cli(filtered, 0, "[]", "");
	expect_cli(help, 0, "Exit status:", "");
	expect_cli(run_missing, 1, NULL, "No such file or directory");
	expect_cli(run_garbage, 1, NULL, garbage);
	/* what was read is printed, the damage reported */
	expect_cli(run_cut, 1, "10.0.0.1:5353", "truncated");
	expect_cli(no_file, 2, NULL, "no capture file");
	expect_cli(bad_format, 2, NULL, "unknown output format");
	expect_cli(bad_option, 2, NULL, "--bogus");
	expect_cli(bad_filter, 2, NULL, "--pcap-filter");

	unlink(capture);
	unlink(garbage);
	unlink(cut);
	assert_int_equal(rmdir(dir), 0);
}

/* The file's name once, then libpcap's reason. */
static void test_cli_message(void **state)
{
	char *argv[] = { "flowmesh", "classify", "/nonexistent/x.pcap", NULL };
	struct cli_run r;

	(void)state;
	cli_run(argv, NULL, NULL, &r);
	assert_int_equal(r.status, 1);
	assert_string_equal(r.err,
		"flowmesh: /nonexistent/x.pcap: No such file or directory\n");
	assert_string_equal(r.out, "");
	cli_run_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ethernet),
		cmocka_unit_test(test_ethernet_other),
		cmocka_unit_test(test_sll),
		cmocka_unit_test(test_raw_and_loopback),
		cmocka_unit_test(test_ipv4_fragments_and_options),
		cmocka_unit_test(test_ipv6_extensions),
		cmocka_unit_test(test_flows),
		cmocka_unit_test(test_outputs),
		cmocka_unit_test(test_parse_args),
		cmocka_unit_test(test_cli),
		cmocka_unit_test(test_cli_message),
		cmocka_unit_test(test_captures),
	};

	return cmocka_run_group_tests_name("classify", tests, NULL, NULL);
}
