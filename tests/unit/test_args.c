// SPDX-License-Identifier: GPL-2.0
/*
 * Argument handling.  Tables of "ARGS ; RESULT" lines, as in
 * conntrack-tools' tests: each verb's parser in process, then the whole
 * program run as a child (the ASan build of flowmesh).
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <cmocka.h>
#include "cli/cli.h"
#include "cli_run.h"
#include "golden.h"

#define MAX_ARGS 16

/* The exit status sanitizers are told to use in children. */
#define SANITIZER_EXIT 86

/* Splits "ARGS ; RESULT" into argv (argv[0] is @argv0) and RESULT. */
static int split_case(const char *line, char *copy, size_t copylen,
		      const char *argv0, char **argv, const char **result)
{
	char *sep, *tok, *save = NULL;
	int argc = 0;

	snprintf(copy, copylen, "%s", line);
	sep = strstr(copy, ";");
	assert_non_null(sep);
	*sep = '\0';
	*result = sep + 1 + strspn(sep + 1, " ");
	if (argv0)
		argv[argc++] = (char *)argv0;
	for (tok = strtok_r(copy, " ", &save); tok;
	     tok = strtok_r(NULL, " ", &save)) {
		assert_true(argc < MAX_ARGS - 1);
		argv[argc++] = tok;
	}
	argv[argc] = NULL;
	return argc;
}

/* In process: "VERB ARGS ; OK|HELP|BAD" against the verb's parser. */
static const char *const verb_cases[] = {
	"flows ; OK",
	"flows -o table ; OK",
	"flows -o json ; OK",
	"flows -ojson ; OK",
	"flows --output json ; OK",
	"flows --output=table ; OK",
	"flows -o table -o json ; OK",
	"flows --netns 4026531840 ; OK",
	"flows --netns=1 -o json ; OK",
	"flows -o json --netns 4294967295 ; OK",
	"flows --netns net:[4026531840] ; OK",
	"flows -h ; HELP",
	"flows --help ; HELP",
	"flows -o json --help ; HELP",
	"flows -o ; BAD",
	"flows --output ; BAD",
	"flows -o yaml ; BAD",
	"flows -o JSON ; BAD",
	"flows -o=json ; BAD",
	"flows --netns ; BAD",
	"flows --netns abc ; BAD",
	"flows --netns -1 ; BAD",
	"flows --netns +1 ; BAD",
	"flows --netns 0 ; BAD",
	"flows --netns 0x10 ; BAD",
	"flows --netns 12x ; BAD",
	"flows --netns 4294967296 ; BAD",
	"flows --netns 99999999999999999999999 ; BAD",
	"flows --netns net:[] ; BAD",
	"flows --netns net:[0] ; BAD",
	"flows --netns net:[12 ; BAD",
	"flows --netns net:12] ; BAD",
	"flows --netns mnt:[4026531840] ; BAD",
	"flows --netns net:[99999999999999999999] ; BAD",
	"flows -x ; BAD",
	"flows --bogus ; BAD",
	"flows --help=1 ; BAD",
	"flows extra ; BAD",
	"flows -o json json ; BAD",
	"flows -o wide ; OK",
	"flows --output=wide --proto tcp ; OK",
	"flows --proto udp ; OK",
	"flows --proto TCP ; BAD",
	"flows --proto icmp ; BAD",
	"flows --proto ; BAD",
	"flows --family 4 ; OK",
	"flows --family 6 ; OK",
	"flows --family 5 ; BAD",
	"flows --family inet ; BAD",
	"flows --addr 198.18.0.1 ; OK",
	"flows --addr fd00::1 ; OK",
	"flows --addr [fd00::1] ; OK",
	"flows --addr ::ffff:198.18.0.1 ; OK",
	"flows --addr 198.18.0.1 --family 4 ; OK",
	"flows --family 6 --addr fd00::1 ; OK",
	"flows --family 6 --addr 198.18.0.1 ; BAD",
	"flows --addr fd00::1 --family 4 ; BAD",
	"flows --addr 198.18.0 ; BAD",
	"flows --addr 198.18.0.256 ; BAD",
	"flows --addr fd00::1%eth0 ; BAD",
	"flows --addr [fd00::1 ; BAD",
	"flows --addr host.example ; BAD",
	"flows --addr ; BAD",
	"flows --port 1 ; OK",
	"flows --port 65535 ; OK",
	"flows --port 0 ; BAD",
	"flows --port 65536 ; BAD",
	"flows --port -1 ; BAD",
	"flows --port http ; BAD",
	"flows --netns 1 --proto tcp --family 4 --addr 10.0.0.1 --port 80 -o json ; OK",
	"status ; OK",
	"status -o json ; OK",
	"status --output table ; OK",
	"status -h ; HELP",
	"status --netns 1 ; BAD",
	"status -o xml ; BAD",
	"status -o wide ; BAD",
	"status -o ; BAD",
	"status now ; BAD",
	"config ; BAD",
	"config -h ; HELP",
	"config --help ; HELP",
	"config get ; OK",
	"config get -o json ; OK",
	"config get --output=table ; OK",
	"config get -h ; HELP",
	"config get -o yaml ; BAD",
	"config get -o wide ; BAD",
	"config get max_flows ; BAD",
	"config get --bogus ; BAD",
	"config set max_flows=65536 ; OK",
	"config set timeout_udp=30 samples=rtt skip_ports=22,53 ; OK",
	"config set samples=none skip_ports=none ; OK",
	"config set --help ; HELP",
	"config set max_flows=1 -h ; HELP",
	"config set ; BAD",
	"config set max_flows ; BAD",
	"config set max_flows=x ; BAD",
	"config set max_flows=4294967296 ; BAD",
	"config set bogus=1 ; BAD",
	"config set ring_size=16 ring_size=32 ; BAD",
	"config set skip_ports=65536 ; BAD",
	"config set samples=bogus ; BAD",
	"config set -o json max_flows=1 ; BAD",
	"config set --bogus ; BAD",
	"config show ; BAD",
	"config GET ; BAD",
	"events ; OK",
	"events -o table ; OK",
	"events -o json ; OK",
	"events --follow ; OK",
	"events -f ; OK",
	"events -f -c 10 ; OK",
	"events --follow --count 1 --timeout 2.5 ; OK",
	"events --count=4294967295 ; OK",
	"events -t 0.001 ; OK",
	"events --timeout 10 ; OK",
	"events -h ; HELP",
	"events --count 0 ; BAD",
	"events --count -1 ; BAD",
	"events --count 4294967296 ; BAD",
	"events --count x ; BAD",
	"events --timeout 0 ; BAD",
	"events --timeout -1 ; BAD",
	"events --timeout 1s ; BAD",
	"events --timeout 0.0001 ; BAD",
	"events --timeout ; BAD",
	"events -o wide ; BAD",
	"events -o ; BAD",
	"events --follow=yes ; BAD",
	"events now ; BAD",
	"tap ; OK",
	"tap --from web --to db -p 5432 -o json -c 3 --socket /x ; OK",
	"tap --port 65535 --count 4294967295 ; OK",
	"tap --requests -o json ; OK",
	"tap --requests=yes ; BAD",
	"tap -h ; HELP",
	"tap --from= ; BAD",
	"tap --to 0123456789012345678901234567890123456789012345678901234567890123 ; BAD",
	"tap --port 0 ; BAD",
	"tap --port 65536 ; BAD",
	"tap -c 0 ; BAD",
	"tap -c x ; BAD",
	"tap -o wide ; BAD",
	"tap --socket= ; BAD",
	"tap now ; BAD",
};

static int parse_verb(int argc, char **argv, char *err, size_t errlen)
{
	struct flows_opts fo;
	struct status_opts so;
	struct config_opts co;
	struct events_opts eo;
	struct tap_opts to;

	if (!strcmp(argv[0], "flows"))
		return flows_parse_args(argc, argv, &fo, err, errlen);
	if (!strcmp(argv[0], "status"))
		return status_parse_args(argc, argv, &so, err, errlen);
	if (!strcmp(argv[0], "config"))
		return config_parse_args(argc, argv, &co, err, errlen);
	if (!strcmp(argv[0], "events"))
		return events_parse_args(argc, argv, &eo, err, errlen);
	if (!strcmp(argv[0], "tap"))
		return tap_parse_args(argc, argv, &to, err, errlen);
	fail_msg("no verb %s", argv[0]);
	return -1;
}

static void test_verb_table(void **state)
{
	static const char *const names[] = {
		[CLI_PARSE_OK] = "OK",
		[CLI_PARSE_HELP] = "HELP",
		[CLI_PARSE_BAD] = "BAD",
	};
	char copy[256], err[CLI_ERR_MAX];
	char *argv[MAX_ARGS];
	const char *want;
	int argc, got, failed = 0;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(verb_cases) / sizeof(*verb_cases); i++) {
		argc = split_case(verb_cases[i], copy, sizeof(copy), NULL,
				  argv, &want);
		err[0] = '\0';
		got = parse_verb(argc, argv, err, sizeof(err));
		if (strcmp(names[got], want)) {
			print_error("FAIL: %s -> %s\n", verb_cases[i],
				    names[got]);
			failed++;
		}
		if (got == CLI_PARSE_BAD && !err[0]) {
			print_error("FAIL: %s -> no reason given\n",
				    verb_cases[i]);
			failed++;
		}
	}
	assert_int_equal(failed, 0);
}

static void test_flows_options(void **state)
{
	static const uint8_t v6[16] = { 0xfd, [15] = 0x53 };
	char *plain[] = { "flows", NULL };
	char *full[] = { "flows", "-o", "json", "--netns", "42", NULL };
	char *filters[] = { "flows", "-o", "wide", "--proto", "udp",
			    "--family", "6", "--addr", "[fd00::53]", "--port",
			    "53", NULL };
	char *v4[] = { "flows", "--addr", "198.18.0.1", NULL };
	struct flows_opts opts;
	char err[CLI_ERR_MAX];

	(void)state;
	assert_int_equal(flows_parse_args(1, plain, &opts, err, sizeof(err)),
			 CLI_PARSE_OK);
	assert_int_equal(opts.format, CLI_FORMAT_TABLE);
	assert_false(opts.filter.netns_set);

	assert_int_equal(flows_parse_args(5, full, &opts, err, sizeof(err)),
			 CLI_PARSE_OK);
	assert_int_equal(opts.format, CLI_FORMAT_JSON);
	assert_true(opts.filter.netns_set);
	assert_int_equal(opts.filter.netns, 42);

	/* readlink's form of a namespace link */
	full[4] = "net:[4026531993]";
	assert_int_equal(flows_parse_args(5, full, &opts, err, sizeof(err)),
			 CLI_PARSE_OK);
	assert_int_equal(opts.filter.netns, 4026531993u);

	assert_int_equal(flows_parse_args(11, filters, &opts, err, sizeof(err)),
			 CLI_PARSE_OK);
	assert_int_equal(opts.format, CLI_FORMAT_WIDE);
	assert_int_equal(opts.filter.proto, IPPROTO_UDP);
	assert_int_equal(opts.filter.family, AF_INET6);
	assert_int_equal(opts.filter.addr_len, 16);
	assert_memory_equal(opts.filter.addr, v6, 16);
	assert_int_equal(opts.filter.port, 53);
	assert_false(opts.filter.netns_set);

	/* an address alone implies nothing else */
	assert_int_equal(flows_parse_args(3, v4, &opts, err, sizeof(err)),
			 CLI_PARSE_OK);
	assert_int_equal(opts.filter.addr_len, 4);
	assert_int_equal(opts.filter.family, 0);
	assert_memory_equal(opts.filter.addr, "\xc6\x12\x00\x01", 4);

	/* a second parse starts from scratch */
	assert_int_equal(flows_parse_args(1, plain, &opts, err, sizeof(err)),
			 CLI_PARSE_OK);
	assert_false(opts.filter.netns_set);
	assert_int_equal(opts.filter.addr_len, 0);
	assert_int_equal(opts.filter.port, 0);
}

static void test_config_options(void **state)
{
	char *set[] = { "config", "set", "ring_size=8192", "samples=rtt",
			NULL };
	char *get[] = { "config", "get", "-o", "json", NULL };
	struct config_opts opts;
	char err[CLI_ERR_MAX];

	(void)state;
	assert_int_equal(config_parse_args(4, set, &opts, err, sizeof(err)),
			 CLI_PARSE_OK);
	assert_int_equal(opts.action, CONFIG_SET);
	assert_int_equal(opts.set.set, 1u << FLOWMESH_CONFIG_A_RING_SIZE |
				       1u << FLOWMESH_CONFIG_A_SAMPLES);
	assert_int_equal(opts.set.ring_size, 8192);
	assert_int_equal(opts.set.samples, FLOWMESH_SAMPLES_RTT);

	assert_int_equal(config_parse_args(4, get, &opts, err, sizeof(err)),
			 CLI_PARSE_OK);
	assert_int_equal(opts.action, CONFIG_GET);
	assert_int_equal(opts.format, CLI_FORMAT_JSON);
	assert_int_equal(opts.set.set, 0);
}

static void test_events_options(void **state)
{
	char *plain[] = { "events", NULL };
	char *full[] = { "events", "-f", "-o", "table", "-c", "5", "-t",
			 "1.5", NULL };
	struct events_opts opts;
	char err[CLI_ERR_MAX];

	(void)state;
	assert_int_equal(events_parse_args(1, plain, &opts, err, sizeof(err)),
			 CLI_PARSE_OK);
	assert_int_equal(opts.format, CLI_FORMAT_JSON);
	assert_false(opts.follow);
	assert_int_equal(opts.count, 0);
	assert_int_equal(opts.timeout_ms, 0);
	assert_int_equal(events_parse_args(8, full, &opts, err, sizeof(err)),
			 CLI_PARSE_OK);
	assert_int_equal(opts.format, CLI_FORMAT_TABLE);
	assert_true(opts.follow);
	assert_int_equal(opts.count, 5);
	assert_int_equal(opts.timeout_ms, 1500);
}

static void test_tap_options(void **state)
{
	char *plain[] = { "tap", NULL };
	char *full[] = { "tap", "--from", "web", "--to", "db", "-p", "5432",
			 "-o", "json", "-c", "7", "--socket", "/run/x.sock",
			 "--requests", NULL };
	struct tap_opts opts;
	char err[CLI_ERR_MAX];

	(void)state;
	assert_int_equal(tap_parse_args(1, plain, &opts, err, sizeof(err)),
			 CLI_PARSE_OK);
	assert_int_equal(opts.format, CLI_FORMAT_TABLE);
	assert_null(opts.from);
	assert_null(opts.to);
	assert_int_equal(opts.port, 0);
	assert_false(opts.requests);
	assert_int_equal(opts.count, 0);
	assert_null(opts.socket);
	assert_int_equal(tap_parse_args(14, full, &opts, err, sizeof(err)),
			 CLI_PARSE_OK);
	assert_int_equal(opts.format, CLI_FORMAT_JSON);
	assert_string_equal(opts.from, "web");
	assert_string_equal(opts.to, "db");
	assert_int_equal(opts.port, 5432);
	assert_int_equal(opts.count, 7);
	assert_string_equal(opts.socket, "/run/x.sock");
	assert_true(opts.requests);
}

static void test_usage_reasons(void **state)
{
	static const struct {
		const char *line;
		const char *reason;
	} cases[] = {
		{ "flows --bogus ;", "unknown option '--bogus'" },
		{ "flows --bogus=1 ;", "unknown option '--bogus=1'" },
		{ "flows -x ;", "unknown option '-x'" },
		{ "flows -o ;", "option '-o' needs an argument" },
		{ "flows --netns ;", "option '--netns' needs an argument" },
		{ "flows --netns 0 ;", "invalid namespace inode number '0'" },
		{ "flows extra ;", "unexpected argument 'extra'" },
		{ "status -o xml ;", "unknown output format 'xml'; use table or json" },
		{ "flows -o yaml ;", "unknown output format 'yaml'; use table, wide or json" },
		{ "flows --proto sctp ;", "unknown protocol 'sctp'; use tcp or udp" },
		{ "flows --family 5 ;", "unknown family '5'; use 4 or 6" },
		{ "flows --addr x ;", "invalid address 'x'" },
		{ "flows --port 0 ;", "invalid port '0'; use 1 to 65535" },
		{ "flows --addr fd00::1 --family 4 ;", "--addr is not an IPv4 address, as --family asks" },
		{ "flows --family 6 --addr 1.2.3.4 ;", "--addr is not an IPv6 address, as --family asks" },
		{ "config ;", "no action given; use get or set" },
		{ "config show ;", "unknown action 'show'; use get or set" },
		{ "config set ;", "config set needs at least one KEY=VALUE" },
		{ "config set max_flows=1x ;", "max_flows: '1x' is not a decimal number" },
		{ "config set timeout_udp=4294967296 ;", "timeout_udp: '4294967296' is out of range (0 to 4294967295)" },
		{ "config set nope=1 ;", "unknown key 'nope'" },
		{ "config set -o json max_flows=1 ;", "config set prints nothing; -o is for config get" },
		{ "config get x ;", "unexpected argument 'x'" },
		{ "events --count 0 ;", "invalid count '0'; use 1 to 4294967295" },
		{ "events --timeout 0 ;", "invalid timeout '0'; use seconds, more than 0, e.g. 10 or 0.5" },
		{ "events -o wide ;", "unknown output format 'wide'; use json, table or raw" },
		{ "tap --from= ;", "invalid --from service ''; a service name has 1 to 63 bytes" },
		{ "tap --to= ;", "invalid --to service ''; a service name has 1 to 63 bytes" },
		{ "tap --port 0 ;", "invalid port '0'; use 1 to 65535" },
		{ "tap --count 0 ;", "invalid count '0'; use 1 to 4294967295" },
		{ "tap --socket= ;", "--socket needs a path" },
	};
	char copy[256], err[CLI_ERR_MAX];
	char *argv[MAX_ARGS];
	const char *unused;
	size_t i;
	int argc;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		argc = split_case(cases[i].line, copy, sizeof(copy), NULL,
				  argv, &unused);
		assert_int_equal(parse_verb(argc, argv, err, sizeof(err)),
				 CLI_PARSE_BAD);
		assert_string_equal(err, cases[i].reason);
	}
}

static int count_lines(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/*
 * The whole program: "ARGS ; OK|BAD".  BAD is exit status 2 with one
 * line on stderr that points at --help and nothing on stdout.  OK is any
 * other status: without the module loaded, or without privileges, a
 * valid command still fails at run time, just not as a usage error.
 */
static const char *const cli_cases[] = {
	" ; BAD",
	"--help ; OK",
	"-h ; OK",
	"--version ; OK",
	"-V ; OK",
	"--version flows ; OK",
	"help ; OK",
	"help flows ; OK",
	"help status ; OK",
	"flows --help ; OK",
	"status -h ; OK",
	"flows ; OK",
	"flows -o json ; OK",
	"flows --netns 4026531840 ; OK",
	"status ; OK",
	"status -o json ; OK",
	"help bogus ; BAD",
	"help flows status ; BAD",
	"bogus ; BAD",
	"Flows ; BAD",
	"--bogus ; BAD",
	"-x ; BAD",
	"--help=yes ; BAD",
	"-o json flows ; BAD",
	"flows -o yaml ; BAD",
	"flows --netns ; BAD",
	"flows --netns x ; BAD",
	"flows extra ; BAD",
	"status --netns 1 ; BAD",
	"help config ; OK",
	"help events ; OK",
	"config --help ; OK",
	"config get ; OK",
	"config set max_flows=65536 ; OK",
	"events -h ; OK",
	"flows -o wide --proto tcp --port 443 ; OK",
	"flows --addr nope ; BAD",
	"config ; BAD",
	"config set ; BAD",
	"config set max_flows=x ; BAD",
	"config set skip_ports=1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47,48,49,50,51,52,53,54,55,56,57,58,59,60,61,62,63,64,65 ; BAD",
	"events --count 0 ; BAD",
	"events extra ; BAD",
};

static void test_cli_table(void **state)
{
	char copy[256], *argv[MAX_ARGS];
	const char *want;
	struct cli_run r;
	size_t i;
	int failed = 0;
	bool bad;

	(void)state;
	for (i = 0; i < sizeof(cli_cases) / sizeof(*cli_cases); i++) {
		split_case(cli_cases[i], copy, sizeof(copy), "flowmesh", argv,
			   &want);
		cli_run(argv, NULL, NULL, &r);
		if (r.status == SANITIZER_EXIT || r.status < 0 ||
		    strstr(r.err, "Sanitizer") || strstr(r.err, "runtime error")) {
			print_error("FAIL: %s crashed or tripped a sanitizer:\n%s",
				    cli_cases[i], r.err);
			failed++;
		} else if (!strcmp(want, "BAD")) {
			bad = r.status == CLI_EXIT_USAGE && !r.out[0] &&
			      count_lines(r.err) == 1 &&
			      !strncmp(r.err, "flowmesh", 8) &&
			      strstr(r.err, "(try 'flowmesh ");
			if (!bad) {
				print_error("FAIL: %s -> %d: %s", cli_cases[i],
					    r.status, r.err);
				failed++;
			}
		} else if (r.status == CLI_EXIT_USAGE) {
			print_error("FAIL: %s -> usage error: %s",
				    cli_cases[i], r.err);
			failed++;
		}
		cli_run_free(&r);
	}
	assert_int_equal(failed, 0);
}

static void test_cli_help(void **state)
{
	char *argv[] = { "flowmesh", "--help", NULL };
	struct cli_run r;

	(void)state;
	cli_run(argv, NULL, NULL, &r);
	assert_int_equal(r.status, 0);
	assert_string_equal(r.err, "");
	assert_non_null(strstr(r.out, "Usage: flowmesh "));
	assert_non_null(strstr(r.out, "  flows "));
	assert_non_null(strstr(r.out, "  status "));
	assert_non_null(strstr(r.out, "  config "));
	assert_non_null(strstr(r.out, "  events "));
	assert_non_null(strstr(r.out, "Exit status:"));
	assert_non_null(strstr(r.out, "  3  permission denied"));
	assert_non_null(strstr(r.out, "  4  the flowmesh kernel module is not loaded"));
	cli_run_free(&r);
}

/* "help VERB" and "VERB --help" are the same page. */
static void test_cli_verb_help(void **state)
{
	static const char *const verbs[] = { "flows", "status", "config",
					     "events" };
	static const char *const musts[][6] = {
		{ "Usage: flowmesh flows", "RX_BYTES", "first_seen",
		  "rtt_us", "--port PORT", "Exit status:" },
		{ "Usage: flowmesh status", "flows_untracked",
		  "records_dropped", "cpus", "config", "Exit status:" },
		{ "Usage: flowmesh config get", "config set KEY=VALUE",
		  "timeout_tcp_established", "Default: 7200", "skip_ports",
		  "Exit status:" },
		{ "Usage: flowmesh events", "CONSUMES", "flowmeshd",
		  "--follow", "value_us", "Exit status:" },
	};
	struct cli_run a, b;
	size_t i, j, len;
	const char *line;

	(void)state;
	for (i = 0; i < 4; i++) {
		char *help[] = { "flowmesh", "help", (char *)verbs[i], NULL };
		char *opt[] = { "flowmesh", (char *)verbs[i], "--help", NULL };

		cli_run(help, NULL, NULL, &a);
		cli_run(opt, NULL, NULL, &b);
		assert_int_equal(a.status, 0);
		assert_int_equal(b.status, 0);
		assert_string_equal(a.out, b.out);
		for (j = 0; j < 6; j++)
			if (!strstr(a.out, musts[i][j]))
				fail_msg("help %s lacks '%s'", verbs[i],
					 musts[i][j]);
		/* a man page's width: no line beyond 80 columns */
		for (line = a.out; *line; line += len + 1) {
			len = strcspn(line, "\n");
			if (len > 80)
				fail_msg("help %s: line too long: %.*s",
					 verbs[i], (int)len, line);
			if (!line[len])
				break;
		}
		cli_run_free(&a);
		cli_run_free(&b);
	}
}

static void test_cli_version(void **state)
{
	char *argv[] = { "flowmesh", "--version", NULL };
	struct cli_run r;

	(void)state;
	cli_run(argv, NULL, NULL, &r);
	assert_int_equal(r.status, 0);
	assert_string_equal(r.out, "flowmesh " FLOWMESH_VERSION "\n");
	assert_true(strlen(FLOWMESH_VERSION) > 0);
	cli_run_free(&r);
}

static void test_cli_usage_message(void **state)
{
	char *verb[] = { "flowmesh", "bogus", NULL };
	char *opt[] = { "flowmesh", "flows", "-o", "yaml", NULL };
	struct cli_run r;

	(void)state;
	cli_run(verb, NULL, NULL, &r);
	assert_int_equal(r.status, 2);
	assert_string_equal(r.err, "flowmesh: unknown verb 'bogus' (try 'flowmesh --help')\n");
	cli_run_free(&r);

	cli_run(opt, NULL, NULL, &r);
	assert_int_equal(r.status, 2);
	assert_string_equal(r.err, "flowmesh flows: unknown output format 'yaml'; use table, wide or json (try 'flowmesh flows --help')\n");
	cli_run_free(&r);

	/* a bad setting is named, and nothing is sent */
	{
		char *set[] = { "flowmesh", "config", "set", "ring_size=4096",
				"max_flows=12x", NULL };

		cli_run(set, NULL, NULL, &r);
		assert_int_equal(r.status, 2);
		assert_string_equal(r.err, "flowmesh config: max_flows: '12x' is not a decimal number (try 'flowmesh config --help')\n");
		cli_run_free(&r);
	}
}

/* Output that cannot be written is an error, not a silent success. */
static void test_cli_write_error(void **state)
{
	char *argv[] = { "flowmesh", "--help", NULL };
	struct cli_run r;

	(void)state;
	if (access("/dev/full", W_OK))
		skip();
	cli_run(argv, "/dev/full", NULL, &r);
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.err, "flowmesh: write error: "));
	cli_run_free(&r);
}

/* What a call printed on stderr, in a string the caller frees. */
static char *stderr_of(int (*report)(int err, const void *arg), int err,
		       const void *arg, int *ret)
{
	FILE *tmp = tmpfile();
	int saved;

	assert_non_null(tmp);
	fflush(stderr);
	saved = dup(2);
	assert_true(saved >= 0);
	assert_true(dup2(fileno(tmp), 2) >= 0);
	*ret = report(err, arg);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	return slurp(tmp);
}

static int report_reading_flows(int err, const void *arg)
{
	(void)arg;
	return cli_report(err, "reading flows");
}

static int report_family(int err, const void *arg)
{
	return cli_report_family(err, *(const uint32_t *)arg);
}

static void test_runtime_errors(void **state)
{
	static const struct {
		int err;
		int exit;
		const char *message;
	} cases[] = {
		{ -EPERM, CLI_EXIT_PERMISSION, "flowmesh: permission denied: reading flows needs CAP_NET_ADMIN (run as root)\n" },
		{ -EACCES, CLI_EXIT_PERMISSION, "flowmesh: permission denied: reading flows needs CAP_NET_ADMIN (run as root)\n" },
		{ -EBADMSG, CLI_EXIT_RUNTIME, "flowmesh: reading flows: malformed reply from the kernel module (does its version match this program's?)\n" },
		{ -EPROTO, CLI_EXIT_RUNTIME, "flowmesh: reading flows: malformed reply from the kernel module (does its version match this program's?)\n" },
		{ -EINTR, CLI_EXIT_RUNTIME, "flowmesh: reading flows: the flow table changed during each of 4 attempts; try again\n" },
		{ -ENOMEM, CLI_EXIT_RUNTIME, "flowmesh: reading flows: Cannot allocate memory\n" },
	};
	size_t i;
	char *msg;
	int ret;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		msg = stderr_of(report_reading_flows, cases[i].err, NULL, &ret);
		assert_int_equal(ret, cases[i].exit);
		assert_string_equal(msg, cases[i].message);
		free(msg);
	}
}

static void test_family_errors(void **state)
{
	uint32_t version = 7;
	char *msg;
	int ret;

	(void)state;
	msg = stderr_of(report_family, -ENOENT, &version, &ret);
	assert_int_equal(ret, CLI_EXIT_NO_MODULE);
	assert_string_equal(msg, "flowmesh: the flowmesh kernel module is not loaded (try: modprobe flowmesh)\n");
	free(msg);

	msg = stderr_of(report_family, -EPROTONOSUPPORT, &version, &ret);
	assert_int_equal(ret, CLI_EXIT_RUNTIME);
	assert_non_null(strstr(msg, "speaks netlink version 7, this program version 1"));
	free(msg);

	msg = stderr_of(report_family, -EPERM, &version, &ret);
	assert_int_equal(ret, CLI_EXIT_PERMISSION);
	free(msg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_verb_table),
		cmocka_unit_test(test_flows_options),
		cmocka_unit_test(test_config_options),
		cmocka_unit_test(test_events_options),
		cmocka_unit_test(test_tap_options),
		cmocka_unit_test(test_usage_reasons),
		cmocka_unit_test(test_cli_table),
		cmocka_unit_test(test_cli_help),
		cmocka_unit_test(test_cli_verb_help),
		cmocka_unit_test(test_cli_version),
		cmocka_unit_test(test_cli_usage_message),
		cmocka_unit_test(test_cli_write_error),
		cmocka_unit_test(test_runtime_errors),
		cmocka_unit_test(test_family_errors),
	};

	return cmocka_run_group_tests_name("args", tests, NULL, NULL);
}
