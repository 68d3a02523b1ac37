// SPDX-License-Identifier: GPL-2.0
/* flowmeshd.conf: defaults, each key's checks, cross-key checks, print. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <linux/flowmesh.h>
#include "lib/agent_config.h"

/* Parses @text as file "conf" over the defaults; errors in *errs. */
static int parse(const char *text, struct fm_agent_config *cfg, char **errs)
{
	size_t errlen;
	FILE *in, *err;
	int rc;

	fm_agent_config_init(cfg);
	in = fmemopen((void *)text, strlen(text), "r");
	assert_non_null(in);
	err = open_memstream(errs, &errlen);
	assert_non_null(err);
	rc = fm_agent_config_parse(in, "conf", cfg, err);
	fclose(in);
	fclose(err);
	return rc;
}

static const char defaults_printed[] =
	"database = /var/lib/flowmesh/flowmesh.db\n"
	"socket = /run/flowmesh/flowmeshd.sock\n"
	"inventory = /etc/flowmesh/inventory\n"
	"http_listen = 127.0.0.1:9465\n"
	"window = 10s\n"
	"grace = 5s\n"
	"flush_interval = 5s\n"
	"retention_window = 1d\n"
	"retention_minute = 7d\n"
	"retention_hour = 30d\n"
	"retention_flows = 1d\n"
	"max_series = 10000\n"
	"max_flows = 262144\n"
	"netlink_rcvbuf = 8388608\n"
	"tap_rate = 1000\n"
	"samples = all\n"
	"l7 = on\n"
	"detect_packets = 4\n"
	"inspect_one_in = 0\n"
	"queue_num = 7000\n"
	"l7_max_flows = 8192\n"
	"l7_max_netns = 256\n";

static char *print(const struct fm_agent_config *cfg)
{
	char *buf;
	size_t len;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	fm_agent_config_print(f, cfg);
	fclose(f);
	return buf;
}

static void test_defaults(void **state)
{
	struct fm_agent_config cfg;
	char err[256], *out;
	size_t i;

	(void)state;
	fm_agent_config_init(&cfg);
	assert_string_equal(cfg.db_path, FM_AGENT_DB_PATH);
	assert_string_equal(cfg.socket_path, FM_AGENT_SOCKET_PATH);
	assert_string_equal(cfg.inventory_path, FM_AGENT_INVENTORY_PATH);
	assert_string_equal(cfg.http_listen, FM_AGENT_HTTP_LISTEN);
	assert_int_equal(cfg.window_s, 10);
	assert_int_equal(cfg.grace_s, 5);
	assert_int_equal(cfg.flush_s, 5);
	assert_int_equal(cfg.retain_10s_s, 86400);
	assert_int_equal(cfg.retain_1m_s, 7 * 86400);
	assert_int_equal(cfg.retain_1h_s, 30 * 86400);
	assert_int_equal(cfg.retain_flows_s, 86400);
	assert_int_equal(cfg.max_series, 10000);
	assert_int_equal(cfg.max_flows, 262144);
	assert_int_equal(cfg.rcvbuf, 8388608);
	assert_int_equal(cfg.tap_rate, 1000);
	assert_int_equal(cfg.samples, FLOWMESH_SAMPLES_ALL);
	assert_int_equal(cfg.l7, 1);
	assert_int_equal(cfg.detect_packets, 4);
	assert_int_equal(cfg.inspect_one_in, 0);
	assert_int_equal(cfg.queue_num, 7000);
	assert_int_equal(cfg.l7_max_flows, 8192);
	assert_int_equal(cfg.l7_max_netns, 256);
	assert_int_equal(fm_agent_config_check(&cfg, err, sizeof(err)), 0);
	/* every default is a value the key takes */
	for (i = 0; i < fm_agent_config_nkeys; i++) {
		const struct fm_agent_key *k = &fm_agent_config_keys[i];

		assert_non_null(k->help);
		assert_int_equal(fm_agent_config_assign(&cfg, k->name, k->def,
							err, sizeof(err)), 0);
	}
	out = print(&cfg);
	assert_string_equal(out, defaults_printed);
	free(out);
}

struct duration_case {
	const char *in;
	int rc;
	uint32_t seconds;
};

static const struct duration_case duration_cases[] = {
	{ "10s", 0, 10 }, { "5m", 0, 300 }, { "24h", 0, 86400 },
	{ "7d", 0, 604800 }, { "90", 0, 90 }, { "0", 0, 0 }, { "0s", 0, 0 },
	{ "007m", 0, 420 }, { "4294967295", 0, UINT32_MAX },
	{ "4294967295s", 0, UINT32_MAX }, { "49710d", 0, 4294944000U },
	{ "4294967296", -EINVAL, 0 }, { "49711d", -EINVAL, 0 },
	{ "99999999999999999999999h", -EINVAL, 0 },
	{ "", -EINVAL, 0 }, { "-1", -EINVAL, 0 }, { "+1", -EINVAL, 0 },
	{ " 1", -EINVAL, 0 }, { "1 ", -EINVAL, 0 }, { "1x", -EINVAL, 0 },
	{ "1ss", -EINVAL, 0 }, { "s", -EINVAL, 0 }, { "1.5h", -EINVAL, 0 },
	{ "0x10", -EINVAL, 0 }, { "1h30m", -EINVAL, 0 }, { "1S", -EINVAL, 0 },
};

static void test_duration(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(duration_cases) / sizeof(*duration_cases); i++) {
		const struct duration_case *c = &duration_cases[i];
		uint32_t s = 12345;

		assert_int_equal(fm_parse_duration(c->in, &s), c->rc);
		assert_int_equal(s, c->rc ? 12345 : c->seconds);
	}
}

struct bad_case {
	const char *line;
	const char *msg;
};

static const struct bad_case bad_cases[] = {
	{ "l7 = yes", "l7: 'yes' is not on or off" },
	{ "l7 = ON", "l7: 'ON' is not on or off" },
	{ "detect_packets = 65",
	  "detect_packets: '65' is out of range (0 to 64)" },
	{ "inspect_one_in = 65536",
	  "inspect_one_in: '65536' is out of range (0 to 65535)" },
	/* Q + 3 must be a queue number too */
	{ "queue_num = 65533",
	  "queue_num: '65533' is out of range (0 to 65532)" },
	{ "queue_num = -1", "queue_num: '-1' is not a decimal number" },
	{ "l7_max_flows = 0",
	  "l7_max_flows: '0' is out of range (1 to 16777216)" },
	{ "l7_max_netns = 65537",
	  "l7_max_netns: '65537' is out of range (1 to 65536)" },
	{ "window = 7s", "window: '7s' does not divide a minute" },
	{ "window = 45", "window: '45' does not divide a minute" },
	{ "window = 0", "window: '0' is out of range (1s to 1m)" },
	{ "window = 2m", "window: '2m' is out of range (1s to 1m)" },
	{ "window = 10s 20s",
	  "window: '10s 20s' is not a duration (a number, then s, m, h or d)" },
	{ "window = \"10s\"",
	  "window: '\"10s\"' is not a duration (a number, then s, m, h or d)" },
	{ "window = -10s",
	  "window: '-10s' is not a duration (a number, then s, m, h or d)" },
	{ "window =", "window: missing value" },
	{ "grace = 301", "grace: '301' is out of range (0s to 5m)" },
	{ "flush_interval = 0s",
	  "flush_interval: '0s' is out of range (1s to 5m)" },
	{ "retention_window = 1m",
	  "retention_window: '1m' is out of range (2m to 30d)" },
	{ "retention_window = 31d",
	  "retention_window: '31d' is out of range (2m to 30d)" },
	{ "retention_minute = 1h",
	  "retention_minute: '1h' is out of range (2h to 365d)" },
	{ "retention_hour = 3651d",
	  "retention_hour: '3651d' is out of range (2d to 3650d)" },
	{ "retention_hour = 99999d",
	  "retention_hour: '99999d' is out of range (2d to 3650d)" },
	{ "retention_flows = 59s",
	  "retention_flows: '59s' is out of range (1m to 365d)" },
	{ "max_series = 0", "max_series: '0' is out of range (1 to 1000000)" },
	{ "max_series = 99999999999",
	  "max_series: '99999999999' is out of range (1 to 1000000)" },
	{ "max_flows = 16777217",
	  "max_flows: '16777217' is out of range (1 to 16777216)" },
	{ "netlink_rcvbuf = 65535",
	  "netlink_rcvbuf: '65535' is out of range (65536 to 1073741824)" },
	{ "netlink_rcvbuf = 8M",
	  "netlink_rcvbuf: '8M' is not a decimal number" },
	{ "tap_rate = 1e3", "tap_rate: '1e3' is not a decimal number" },
	{ "tap_rate = -5", "tap_rate: '-5' is not a decimal number" },
	{ "samples = rtt,latency",
	  "samples: unknown sample type 'latency' (use rtt, response, all or none)" },
	{ "samples = rtt,",
	  "samples: unknown sample type '' (use rtt, response, all or none)" },
	{ "database = relative/path",
	  "database: 'relative/path' is not an absolute path without blanks or '#'" },
	{ "database = none",
	  "database: 'none' is not an absolute path without blanks or '#'" },
	{ "inventory = /etc/my inventory",
	  "inventory: '/etc/my inventory' is not an absolute path without blanks or '#' (or none)" },
	{ "socket = /run/flowmesh/a-socket-path-that-is-far-too-long-for-sun-path-which-holds-only-one-hundred-and-eight-bytes.sock",
	  "socket: path longer than 107 bytes" },
	{ "http_listen = 127.0.0.1",
	  "http_listen: '127.0.0.1' is not ADDR:PORT, [ADDR6]:PORT or off" },
	{ "http_listen = ::1:80",
	  "http_listen: '::1:80' is not ADDR:PORT, [ADDR6]:PORT or off" },
	{ "http_listen = [127.0.0.1]:80",
	  "http_listen: '[127.0.0.1]:80' is not ADDR:PORT, [ADDR6]:PORT or off" },
	{ "http_listen = localhost:80",
	  "http_listen: 'localhost:80' is not ADDR:PORT, [ADDR6]:PORT or off" },
	{ "http_listen = 127.0.0.1:0",
	  "http_listen: port '0' is not a number from 1 to 65535" },
	{ "http_listen = [::1]:65536",
	  "http_listen: port '65536' is not a number from 1 to 65535" },
	{ "http_listen = [::1]:",
	  "http_listen: port '' is not a number from 1 to 65535" },
	{ "windw = 10s", "unknown key 'windw'" },
	{ "window 10s", "missing '='" },
	{ "= 10s", "missing key before '='" },
};

static void test_bad_values(void **state)
{
	struct fm_agent_config cfg;
	char text[512], want[512], *errs;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad_cases) / sizeof(*bad_cases); i++) {
		/* on line 3, after a comment and a blank line */
		snprintf(text, sizeof(text), "# flowmeshd\n\n%s\n",
			 bad_cases[i].line);
		snprintf(want, sizeof(want), "conf:3: %s\n", bad_cases[i].msg);
		assert_int_equal(parse(text, &cfg, &errs), -EINVAL);
		assert_string_equal(errs, want);
		free(errs);
	}
}

static void test_bad_value_kept_out(void **state)
{
	struct fm_agent_config cfg;
	char err[256];

	(void)state;
	fm_agent_config_init(&cfg);
	assert_int_equal(fm_agent_config_assign(&cfg, "window", "7s", err,
						sizeof(err)), -EINVAL);
	assert_string_equal(err, "window: '7s' does not divide a minute");
	assert_int_equal(cfg.window_s, 10);
	assert_int_equal(fm_agent_config_assign(&cfg, "http_listen", "x", err,
						sizeof(err)), -EINVAL);
	assert_string_equal(cfg.http_listen, FM_AGENT_HTTP_LISTEN);
	assert_int_equal(fm_agent_config_assign(&cfg, "nope", "1", err,
						sizeof(err)), -EINVAL);
	assert_string_equal(err, "unknown key 'nope'");
}

static void test_good_values(void **state)
{
	struct fm_agent_config cfg;
	char *errs;

	(void)state;
	assert_int_equal(parse("# settings\n"
			       "  window\t=\t30s   # half a minute\n"
			       "http_listen=[::1]:9465\n"
			       "inventory = none\n"
			       "samples = response,rtt\n"
			       "max_flows = 16777216\n"
			       "retention_hour = 3650d\n"
			       "socket = /run/x.sock\r\n"
			       "\t\n", &cfg, &errs), 0);
	assert_string_equal(errs, "");
	free(errs);
	assert_int_equal(cfg.window_s, 30);
	assert_string_equal(cfg.http_listen, "[::1]:9465");
	assert_string_equal(cfg.inventory_path, "");
	assert_int_equal(cfg.samples, FLOWMESH_SAMPLES_ALL);
	assert_int_equal(cfg.max_flows, 16777216);
	assert_int_equal(cfg.retain_1h_s, 3650U * 86400);
	assert_string_equal(cfg.socket_path, "/run/x.sock");

	assert_int_equal(parse("http_listen = off\nsamples = rtt\n", &cfg,
			       &errs), 0);
	free(errs);
	assert_string_equal(cfg.http_listen, "");
	assert_int_equal(cfg.samples, FLOWMESH_SAMPLES_RTT);
	assert_int_equal(parse("http_listen = 0.0.0.0:1\nsamples = none\n",
			       &cfg, &errs), 0);
	free(errs);
	assert_string_equal(cfg.http_listen, "0.0.0.0:1");
	assert_int_equal(cfg.samples, 0);
	assert_int_equal(parse("l7 = off\ndetect_packets = 0\n"
			       "inspect_one_in = 65535\nqueue_num = 65532\n"
			       "l7_max_flows = 1\nl7_max_netns = 65536\n",
			       &cfg, &errs), 0);
	free(errs);
	assert_int_equal(cfg.l7, 0);
	assert_int_equal(cfg.detect_packets, 0);
	assert_int_equal(cfg.inspect_one_in, 65535);
	assert_int_equal(cfg.queue_num, 65532);
	assert_int_equal(cfg.l7_max_flows, 1);
	assert_int_equal(cfg.l7_max_netns, 65536);
}

static void test_lines(void **state)
{
	struct fm_agent_config cfg;
	char *text, *errs;

	(void)state;
	assert_int_equal(parse("window = 10s\ngrace = 1s\nwindow = 20s\n"
			       "window = 30s\n", &cfg, &errs), -EINVAL);
	assert_string_equal(errs, "conf:3: window: already set on line 1\n"
				  "conf:4: window: already set on line 1\n");
	free(errs);

	/* every bad line is reported, the good ones are applied */
	assert_int_equal(parse("grace = 1s\nbogus = 1\ntap_rate = 0\n"
			       "max_series = 7\n", &cfg, &errs), -EINVAL);
	assert_string_equal(errs, "conf:2: unknown key 'bogus'\n"
				  "conf:3: tap_rate: '0' is out of range (1 to 1000000)\n");
	free(errs);
	assert_int_equal(cfg.grace_s, 1);
	assert_int_equal(cfg.max_series, 7);

	/* 4095 characters are allowed, 4096 are not */
	text = malloc(8193);
	assert_non_null(text);
	memset(text, ' ', 8192);
	memcpy(text, "grace = 2s", 10);
	text[4095] = '\n';
	memcpy(text + 4096, "tap_rate = 9", 12);
	text[4096 + 4096] = '\0';
	assert_int_equal(parse(text, &cfg, &errs), -EINVAL);
	assert_string_equal(errs, "conf:2: line longer than 4095 characters\n");
	free(errs);
	assert_int_equal(cfg.grace_s, 2);
	free(text);
}

static void test_cross_checks(void **state)
{
	static const struct bad_case cases[] = {
		{ "retention_window = 7d\nretention_minute = 7d\n",
		  "retention_minute (7d) must be longer than retention_window (7d)" },
		{ "retention_minute = 30d\n",
		  "retention_hour (30d) must be longer than retention_minute (30d)" },
		{ "retention_window = 2m\ngrace = 2m\n",
		  "grace (2m) must be shorter than retention_window (2m)" },
	};
	struct fm_agent_config cfg;
	char want[256], err[256], *errs;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		assert_int_equal(parse(cases[i].line, &cfg, &errs), -EINVAL);
		snprintf(want, sizeof(want), "conf: %s\n", cases[i].msg);
		assert_string_equal(errs, want);
		free(errs);
	}
	/* the lower bounds hold for a configuration built in code too */
	fm_agent_config_init(&cfg);
	cfg.retain_10s_s = 119;
	assert_int_equal(fm_agent_config_check(&cfg, err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "retention_window must be at least 2m");
	fm_agent_config_init(&cfg);
	cfg.retain_10s_s = 120;
	cfg.retain_1m_s = 7199;
	assert_int_equal(fm_agent_config_check(&cfg, err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "retention_minute must be at least 2h");
	/* the smallest consistent settings */
	assert_int_equal(parse("retention_window = 2m\nretention_minute = 2h\n"
			       "retention_hour = 2d\ngrace = 119s\n", &cfg,
			       &errs), 0);
	free(errs);
}

static void test_print_round_trip(void **state)
{
	struct fm_agent_config cfg, back;
	char *first, *second, *errs;

	(void)state;
	assert_int_equal(parse("database = /srv/fm/db.sqlite\n"
			       "socket = /tmp/fm.sock\n"
			       "inventory = none\n"
			       "http_listen = [fd00::1]:80\n"
			       "window = 1m\ngrace = 90\nflush_interval = 1s\n"
			       "retention_window = 7200\n"
			       "retention_minute = 36h\n"
			       "retention_hour = 3650d\n"
			       "retention_flows = 61s\n"
			       "max_series = 1\nmax_flows = 16777216\n"
			       "netlink_rcvbuf = 65536\ntap_rate = 1000000\n"
			       "samples = response\nl7 = off\n"
			       "detect_packets = 64\ninspect_one_in = 100\n"
			       "queue_num = 0\nl7_max_flows = 10\n"
			       "l7_max_netns = 1\n", &cfg, &errs), 0);
	free(errs);
	first = print(&cfg);
	assert_non_null(strstr(first, "retention_minute = 36h\n"));
	assert_non_null(strstr(first, "retention_flows = 61s\n"));
	assert_non_null(strstr(first, "grace = 90s\n"));
	assert_non_null(strstr(first, "l7 = off\n"));
	assert_int_equal(parse(first, &back, &errs), 0);
	assert_string_equal(errs, "");
	free(errs);
	second = print(&back);
	assert_string_equal(first, second);
	assert_string_equal(back.db_path, cfg.db_path);
	assert_string_equal(back.socket_path, cfg.socket_path);
	assert_string_equal(back.inventory_path, "");
	assert_string_equal(back.http_listen, cfg.http_listen);
	/* the numbers, from window_s on, are laid out one after another */
	assert_memory_equal(&back.window_s, &cfg.window_s,
			    sizeof(cfg) - offsetof(struct fm_agent_config,
						   window_s));
	free(first);
	free(second);
}

static void test_load(void **state)
{
	struct fm_agent_config cfg;
	char path[] = "/tmp/fm-agent-conf-XXXXXX";
	FILE *f;
	int fd;

	(void)state;
	fm_agent_config_init(&cfg);
	assert_int_equal(fm_agent_config_load("/nonexistent/flowmeshd.conf",
					      &cfg, NULL), -ENOENT);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	fputs("tap_rate = 5\n", f);
	fclose(f);
	assert_int_equal(fm_agent_config_load(path, &cfg, NULL), 0);
	assert_int_equal(cfg.tap_rate, 5);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("tap_rate = five\n", f);
	fclose(f);
	assert_int_equal(fm_agent_config_load(path, &cfg, NULL), -EINVAL);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_duration),
		cmocka_unit_test(test_bad_values),
		cmocka_unit_test(test_bad_value_kept_out),
		cmocka_unit_test(test_good_values),
		cmocka_unit_test(test_lines),
		cmocka_unit_test(test_cross_checks),
		cmocka_unit_test(test_print_round_trip),
		cmocka_unit_test(test_load),
	};

	return cmocka_run_group_tests_name("agent_config", tests, NULL, NULL);
}
