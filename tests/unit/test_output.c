// SPDX-License-Identifier: GPL-2.0
/*
 * What flows and status print: JSON and tables against golden files in
 * tests/unit/golden/, the exact JSON names, durations.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <cmocka.h>
#include "cli/cli.h"
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
	assert_int_equal(fm_flows_add(flows, &f), 0);

	nlb_flow_v6(&f);	/* first seen after "now": clock skew */
	f.proto = IPPROTO_TCP;
	f.netns = 4026531840u;
	inet_pton(AF_INET6, "2001:db8::1", f.client);
	inet_pton(AF_INET6, "2001:db8:ffff::10", f.server);
	f.client_port = 51000;
	f.server_port = 443;
	f.first_seen_ns = NOW_NS + 3 * NS;
	f.last_seen_ns = NOW_NS + 3 * NS;
	assert_int_equal(fm_flows_add(flows, &f), 0);

	nlb_flow_v4(&f);
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
	return flows_print_table(out, flows, NOW_NS);
}

static int print_status_json(FILE *out, const void *stats)
{
	return status_print_json(out, stats);
}

static int print_status_table(FILE *out, const void *stats)
{
	return status_print_table(out, stats);
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

static void test_flows_empty(void **state)
{
	struct fm_flows flows = { 0 };
	char *text;

	(void)state;
	text = capture(print_flows_json, &flows);
	assert_string_equal(text, "[]\n");
	free(text);
	text = capture(print_flows_table, &flows);
	assert_string_equal(text, "PROTO  CLIENT  SERVER  TX_PKTS  TX_BYTES  RX_PKTS  RX_BYTES  AGE  IDLE  NETNS\n");
	free(text);
}

/* The JSON names are an interface: exactly these, in this order. */
static void test_flows_json_names(void **state)
{
	static const char *const names[] = {
		"proto", "family", "netns", "client", "server", "client_port",
		"server_port", "tx_bytes", "tx_packets", "rx_bytes",
		"rx_packets", "first_seen", "last_seen",
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
	json_decref(obj);
}

static void test_status_json_golden(void **state)
{
	struct fm_stats stats;
	char *text;

	(void)state;
	nlb_stats_sample(&stats);
	text = capture(print_status_json, &stats);
	assert_golden("status.json", text);
	free(text);
}

static void test_status_table_golden(void **state)
{
	struct fm_stats stats;
	char *text;

	(void)state;
	nlb_stats_sample(&stats);
	text = capture(print_status_table, &stats);
	assert_golden("status.table", text);
	free(text);
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
		cmocka_unit_test(test_flows_empty),
		cmocka_unit_test(test_flows_json_names),
		cmocka_unit_test(test_status_json_golden),
		cmocka_unit_test(test_status_table_golden),
		cmocka_unit_test(test_duration),
		cmocka_unit_test(test_table_alignment),
	};

	return cmocka_run_group_tests_name("output", tests, NULL, NULL);
}
