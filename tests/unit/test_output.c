// SPDX-License-Identifier: GPL-2.0
/*
 * What flows, status and config print: JSON and tables against golden
 * files in tests/unit/golden/, the exact JSON names, durations, latencies.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <cmocka.h>
#include "cli/cli.h"
#include "lib/config.h"
#include "lib/flow.h"
#include "lib/stats.h"
#include "golden.h"
#include "nlbuild.h"

#define NS	1000000000ull
/* "now" for every table: ages and idle times below are relative to it */
#define NOW_NS	(1700003700ull * NS)

static void sample_flows(struct fm_flows *flows)
{
	struct fm_flow f;

	/* added out of order: output must come sorted */
	nlb_flow_v6(&f);
	assert_int_equal(fm_flows_add(flows, &f), 0);

	nlb_flow_v4(&f);
	assert_int_equal(fm_flows_add(flows, &f), 0);

	nlb_flow_v4(&f);	/* counters beyond JSON's integers */
	f.proto = IPPROTO_UDP;
	inet_pton(AF_INET, "198.18.0.3", f.client);
	inet_pton(AF_INET, "198.18.0.255", f.server);
	f.client_port = 5353;
	f.server_port = 5353;
	f.tx_bytes = UINT64_MAX;
	f.tx_packets = 1ull << 40;
	f.rx_bytes = 0;
	f.rx_packets = 0;
	f.first_seen_ns = NOW_NS - (2 * 86400 + 3 * 3600 + 59) * NS;
	f.last_seen_ns = NOW_NS - 5 * NS;
	/* UDP: the TCP-only attributes a kernel should not send are ignored */
	f.id = 99;
	f.state = FLOWMESH_STATE_OPEN;
	f.rtt_hs_client_us = f.rtt_hs_server_us = 0;
	f.rtt.count = 0;
	f.rtt.sum_us = 0;
	f.response.count = 40000;	/* long means: seconds */
	f.response.sum_us = 40000ull * 2345678;
	f.response.max_us = 4000000000u;
	assert_int_equal(fm_flows_add(flows, &f), 0);

	nlb_flow_v6(&f);	/* first seen after "now": clock skew */
	f.proto = IPPROTO_TCP;
	f.attrs |= 1ull << FLOWMESH_FLOW_A_TCP_FLAGS_TX |
		   1ull << FLOWMESH_FLOW_A_TCP_FLAGS_RX |
		   1ull << FLOWMESH_FLOW_A_RETRANSMITS |
		   1ull << FLOWMESH_FLOW_A_RESETS |
		   1ull << FLOWMESH_FLOW_A_ZERO_WINDOWS |
		   1ull << FLOWMESH_FLOW_A_RTT_HS_CLIENT |
		   1ull << FLOWMESH_FLOW_A_RTT_HS_SERVER;
	f.id = 7;
	f.state = FLOWMESH_STATE_CLOSED;
	f.tcp_flags_tx = 0x02;		/* SYN */
	f.tcp_flags_rx = 0x14;		/* RST ACK */
	f.resets = 1;
	f.rtt_hs_server_us = 873;
	f.response.count = 0;		/* refused: no response timed */
	f.response.sum_us = 0;
	memset(f.response.hist, 0, sizeof(f.response.hist));
	f.netns = 4026531840u;
	inet_pton(AF_INET6, "2001:db8::1", f.client);
	inet_pton(AF_INET6, "2001:db8:ffff::10", f.server);
	f.client_port = 51000;
	f.server_port = 443;
	f.first_seen_ns = NOW_NS + 3 * NS;
	f.last_seen_ns = NOW_NS + 3 * NS;
	assert_int_equal(fm_flows_add(flows, &f), 0);

	nlb_flow_v4(&f);	/* an old module: none of the new attributes */
	f.attrs = 0;
	f.rtt_hs_client_us = f.rtt_hs_server_us = 0;
	memset(&f.rtt, 0, sizeof(f.rtt));
	memset(&f.response, 0, sizeof(f.response));
	inet_pton(AF_INET, "10.0.0.1", f.client);
	f.first_seen_ns = NOW_NS - 59 * NS - 999999999;
	f.last_seen_ns = NOW_NS - 1;
	f.tx_bytes = 60;
	f.tx_packets = 1;
	f.rx_bytes = 0;
	f.rx_packets = 0;
	assert_int_equal(fm_flows_add(flows, &f), 0);

	fm_flows_sort(flows);
}

static int print_flows_json(FILE *out, const void *flows)
{
	return flows_print_json(out, flows);
}

static int print_flows_table(FILE *out, const void *flows)
{
	return flows_print_table(out, flows, NOW_NS, false);
}

static int print_flows_wide(FILE *out, const void *flows)
{
	return flows_print_table(out, flows, NOW_NS, true);
}

static int print_status_json(FILE *out, const void *info)
{
	return status_print_json(out, info);
}

static int print_status_table(FILE *out, const void *info)
{
	return status_print_table(out, info);
}

static int print_config_json(FILE *out, const void *cfg)
{
	return config_print_json(out, cfg);
}

static int print_config_table(FILE *out, const void *cfg)
{
	return config_print_table(out, cfg);
}

static void test_flows_json_golden(void **state)
{
	struct fm_flows flows = { 0 };
	char *text;

	(void)state;
	sample_flows(&flows);
	text = capture(print_flows_json, &flows);
	assert_golden("flows.json", text);
	/* nanoseconds come out as seconds to the microsecond */
	assert_non_null(strstr(text, "\"first_seen\": 1700000000.123456,"));
	free(text);
	fm_flows_free(&flows);
}

static void test_flows_table_golden(void **state)
{
	struct fm_flows flows = { 0 };
	char *text;

	(void)state;
	sample_flows(&flows);
	text = capture(print_flows_table, &flows);
	assert_golden("flows.table", text);
	assert_non_null(strstr(text, "[fd00::2]:53001"));
	free(text);
	fm_flows_free(&flows);
}

static void test_flows_wide_golden(void **state)
{
	struct fm_flows flows = { 0 };
	char *text;

	(void)state;
	sample_flows(&flows);
	text = capture(print_flows_wide, &flows);
	assert_golden("flows.wide", text);
	assert_non_null(strstr(text, "SYN,ACK,PSH,FIN"));
	free(text);
	fm_flows_free(&flows);
}

static void test_flows_empty(void **state)
{
	struct fm_flows flows = { 0 };
	char *text;

	(void)state;
	text = capture(print_flows_json, &flows);
	assert_string_equal(text, "[]\n");
	free(text);
	text = capture(print_flows_table, &flows);
	assert_string_equal(text, "PROTO  CLIENT  SERVER  STATE  TX_BYTES  RX_BYTES  RTT  RESP  RETX  AGE  IDLE  NETNS\n");
	free(text);
	text = capture(print_flows_wide, &flows);
	assert_string_equal(text, "ID  PROTO  CLIENT  SERVER  STATE  TX_PKTS  TX_BYTES  RX_PKTS  RX_BYTES  RTT  RTT_MIN  RTT_MAX  RTT_N  HS_CLI  HS_SRV  RESP  RESP_MAX  RESP_N  RETX  RST  ZWIN  TX_FLAGS  RX_FLAGS  PROTOCOL  AGE  IDLE  NETNS\n");
	free(text);
}

/* The JSON names are an interface: exactly these, in this order. */
static void test_flows_json_names(void **state)
{
	static const char *const names[] = {
		"id", "proto", "family", "netns", "client", "server",
		"client_port", "server_port", "state", "tx_bytes",
		"tx_packets", "rx_bytes", "rx_packets", "first_seen",
		"last_seen", "tcp_flags_tx", "tcp_flags_rx", "retransmits",
		"resets", "zero_windows", "rtt_handshake_client_us",
		"rtt_handshake_server_us", "rtt_us", "response_us",
		"protocol", "sampled",
	};
	static const char *const rtt_names[] = {
		"min", "avg", "max", "last", "samples", "hist",
	};
	static const char *const resp_names[] = {
		"count", "avg", "max", "min", "last", "hist",
	};
	struct fm_flow f;
	json_t *obj;
	void *iter;
	size_t i = 0;

	(void)state;
	nlb_flow_v6(&f);
	obj = fm_flow_to_json(&f);
	assert_non_null(obj);
	for (iter = json_object_iter(obj); iter;
	     iter = json_object_iter_next(obj, iter), i++) {
		assert_true(i < sizeof(names) / sizeof(*names));
		assert_string_equal(json_object_iter_key(iter), names[i]);
	}
	assert_int_equal(i, sizeof(names) / sizeof(*names));
	assert_string_equal(json_string_value(json_object_get(obj, "proto")),
			    "udp");
	assert_int_equal(json_integer_value(json_object_get(obj, "family")), 6);
	assert_string_equal(json_string_value(json_object_get(obj, "client")),
			    "fd00::2");
	assert_int_equal(json_integer_value(json_object_get(obj, "server_port")),
			 53);
	assert_true(json_is_real(json_object_get(obj, "first_seen")));
	assert_true(json_real_value(json_object_get(obj, "last_seen")) ==
		    1700000100.00025);
	i = 0;
	for (iter = json_object_iter(json_object_get(obj, "rtt_us")); iter;
	     iter = json_object_iter_next(json_object_get(obj, "rtt_us"), iter))
		assert_string_equal(json_object_iter_key(iter), rtt_names[i++]);
	assert_int_equal(i, 6);
	i = 0;
	for (iter = json_object_iter(json_object_get(obj, "response_us")); iter;
	     iter = json_object_iter_next(json_object_get(obj, "response_us"),
					  iter))
		assert_string_equal(json_object_iter_key(iter), resp_names[i++]);
	assert_int_equal(i, 6);
	json_decref(obj);
}

static void sample_status(struct status_info *info, struct fm_stats *stats,
			  struct fm_config *cfg)
{
	nlb_stats_sample(stats);
	nlb_config_sample(cfg);
	*info = (struct status_info){ .version = "0.2.0", .stats = stats,
				      .config = cfg };
}

static void test_status_json_golden(void **state)
{
	static const char *const names[] = {
		"version", "flows_active", "flows_max", "flows_created",
		"flows_expired", "flows_untracked", "flows_evicted",
		"alloc_failed", "packets_seen", "packets_skipped",
		"records_produced", "records_drained", "records_dropped",
		"records_queued", "packets_queued", "labels_set", "cpus",
		"config", "agent",
	};
	struct status_info info;
	struct fm_stats stats;
	struct fm_config cfg;
	json_error_t jerr;
	json_t *obj;
	void *iter;
	char *text;
	size_t i = 0;

	(void)state;
	sample_status(&info, &stats, &cfg);
	text = capture(print_status_json, &info);
	assert_golden("status.json", text);
	obj = json_loads(text, 0, &jerr);
	assert_non_null(obj);
	for (iter = json_object_iter(obj); iter;
	     iter = json_object_iter_next(obj, iter), i++) {
		assert_true(i < sizeof(names) / sizeof(*names));
		assert_string_equal(json_object_iter_key(iter), names[i]);
	}
	assert_int_equal(i, sizeof(names) / sizeof(*names));
	json_decref(obj);
	free(text);

	/* an older module: no version file, no settings, fewer counters */
	info.version = NULL;
	info.config = NULL;
	stats.present = 0xff;
	stats.ncpus = 0;
	text = capture(print_status_json, &info);
	obj = json_loads(text, 0, &jerr);
	assert_non_null(obj);
	assert_true(json_is_null(json_object_get(obj, "version")));
	assert_true(json_is_null(json_object_get(obj, "config")));
	assert_true(json_is_null(json_object_get(obj, "records_queued")));
	assert_int_equal(json_array_size(json_object_get(obj, "cpus")), 0);
	json_decref(obj);
	free(text);
}

static void test_status_table_golden(void **state)
{
	struct status_info info;
	struct fm_stats stats;
	struct fm_config cfg;
	char *text;

	(void)state;
	sample_status(&info, &stats, &cfg);
	text = capture(print_status_table, &info);
	assert_golden("status.table", text);
	free(text);

	info.version = NULL;
	info.config = NULL;
	stats.present &= ~(1u << 12);
	stats.ncpus = 0;
	text = capture(print_status_table, &info);
	assert_non_null(strstr(text, "module version: unknown\n"));
	assert_non_null(strstr(text, " -  event records waiting in the rings now\n"));
	assert_null(strstr(text, "KEY"));
	assert_null(strstr(text, "CPU"));
	free(text);
}

static void test_status_version_file(void **state)
{
	char path[] = "/tmp/flowmesh-version-XXXXXX", buf[64];
	FILE *f;
	int fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	fputs("0.2.0\n", f);
	fclose(f);
	assert_string_equal(status_read_version(path, buf, sizeof(buf)),
			    "0.2.0");
	f = fopen(path, "w");
	fputs("0.2\0331\n", f);	/* not printable: not shown */
	fclose(f);
	assert_null(status_read_version(path, buf, sizeof(buf)));
	f = fopen(path, "w");
	fclose(f);
	assert_null(status_read_version(path, buf, sizeof(buf)));
	unlink(path);
	assert_null(status_read_version(path, buf, sizeof(buf)));
}

static void test_config_golden(void **state)
{
	struct fm_config cfg;
	char *text;

	(void)state;
	nlb_config_sample(&cfg);
	text = capture(print_config_json, &cfg);
	assert_golden("config.json", text);
	free(text);
	text = capture(print_config_table, &cfg);
	assert_golden("config.table", text);
	free(text);
}

static void test_latency_units(void **state)
{
	static const struct {
		uint64_t ns;
		const char *text;
	} cases[] = {
		{ 0, "0us" }, { 499, "0us" }, { 500, "1us" }, { 850000, "850us" },
		{ 999499, "999us" }, { 999500, "1.0ms" }, { 1000000, "1.0ms" },
		{ 1234567, "1.2ms" }, { 1250000, "1.3ms" },
		{ 999940000, "999.9ms" }, { 999950000, "1.00s" },
		{ 2345678000ull, "2.35s" }, { 99994000000ull, "99.99s" },
		{ 99995000000ull, "100s" }, { 4294967295000ull, "4295s" },
	};
	char buf[32];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		cli_format_us(cases[i].ns, buf, sizeof(buf));
		if (strcmp(buf, cases[i].text))
			fail_msg("%llu ns -> %s, not %s",
				 (unsigned long long)cases[i].ns, buf,
				 cases[i].text);
	}
}

static void test_duration(void **state)
{
	static const struct {
		uint64_t s;
		const char *text;
	} cases[] = {
		{ 0, "0s" }, { 59, "59s" }, { 60, "1m00s" }, { 61, "1m01s" },
		{ 3599, "59m59s" }, { 3600, "1h00m" }, { 86399, "23h59m" },
		{ 86400, "1d00h" }, { 90061, "1d01h" },
		{ 400 * 86400 + 23 * 3600, "400d23h" },
	};
	char buf[32];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		cli_format_duration(cases[i].s * NS, buf, sizeof(buf));
		assert_string_equal(buf, cases[i].text);
		/* just under the next second still reads as this one */
		cli_format_duration(cases[i].s * NS + NS - 1, buf, sizeof(buf));
		assert_string_equal(buf, cases[i].text);
	}
	cli_format_duration(UINT64_MAX, buf, sizeof(buf));
	assert_string_equal(buf, "213503d23h");
}

static void test_table_alignment(void **state)
{
	static const struct cli_column cols[] = {
		{ "NAME", CLI_ALIGN_LEFT },
		{ "N", CLI_ALIGN_RIGHT },
		{ "NOTE", CLI_ALIGN_LEFT },
	};
	const char *r1[] = { "a", "1", "x" };
	const char *r2[] = { "longer", "12345", "" };
	struct cli_table t;
	char *text = NULL;
	size_t len = 0;
	FILE *mem;

	(void)state;
	cli_table_init(&t, cols, 3);
	assert_int_equal(cli_table_add(&t, r1), 0);
	assert_int_equal(cli_table_add(&t, r2), 0);
	mem = open_memstream(&text, &len);
	assert_non_null(mem);
	assert_int_equal(cli_table_print(&t, mem), 0);
	fclose(mem);
	cli_table_free(&t);
	assert_string_equal(text,
			    "NAME        N  NOTE\n"
			    "a           1  x\n"
			    "longer  12345\n");
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_flows_json_golden),
		cmocka_unit_test(test_flows_table_golden),
		cmocka_unit_test(test_flows_wide_golden),
		cmocka_unit_test(test_flows_empty),
		cmocka_unit_test(test_flows_json_names),
		cmocka_unit_test(test_status_json_golden),
		cmocka_unit_test(test_status_table_golden),
		cmocka_unit_test(test_status_version_file),
		cmocka_unit_test(test_config_golden),
		cmocka_unit_test(test_latency_units),
		cmocka_unit_test(test_duration),
		cmocka_unit_test(test_table_alignment),
	};

	return cmocka_run_group_tests_name("output", tests, NULL, NULL);
}
