// SPDX-License-Identifier: GPL-2.0
/*
 * flowmeshd: the real daemon (the ASan build) run on files of records,
 * its store checked through the query API; a FIFO source keeps it up for
 * the control socket and the HTTP API.  Also the pieces alone: control
 * requests, tap filters and events (L7 requests among them, which only
 * the control socket in-process can be handed), Prometheus text.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <setjmp.h>
#include <cmocka.h>
#include <jansson.h>
#include <linux/flowmesh.h>
#include "cli/cli.h"
#include "daemon/control.h"
#include "daemon/daemon.h"
#include "daemon/http.h"
#include "daemon/prometheus.h"
#include "lib/query.h"
#include "lib/store.h"
#include "golden.h"

#define CLIENT_ADDR "10.0.0.1"
#define SERVER_ADDR "10.0.0.2"

/* --- helpers ----------------------------------------------------------------- */

struct tmp {
	char dir[64];
	char db[128];
	char sock[128];
	char records[128];
	char err[128];		/* the daemon's stderr */
	char conf[128];		/* an empty settings file */
};

static void tmp_init(struct tmp *t)
{
	snprintf(t->dir, sizeof(t->dir), "/tmp/fm-daemon-XXXXXX");
	assert_non_null(mkdtemp(t->dir));
	snprintf(t->db, sizeof(t->db), "%s/db/x.db", t->dir);
	snprintf(t->sock, sizeof(t->sock), "%s/run/s.sock", t->dir);
	snprintf(t->records, sizeof(t->records), "%s/records", t->dir);
	snprintf(t->err, sizeof(t->err), "%s/stderr", t->dir);
	snprintf(t->conf, sizeof(t->conf), "%s/flowmeshd.conf", t->dir);
	fclose(fopen(t->conf, "we"));
}

static int rm_one(const char *path, const struct stat *sb, int flag,
		  struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void tmp_cleanup(struct tmp *t)
{
	nftw(t->dir, rm_one, 8, FTW_DEPTH | FTW_PHYS);
}

static uint64_t now_s(void)
{
	return (uint64_t)time(NULL);
}

/* A TCP record of CLIENT_ADDR:40000 -> SERVER_ADDR:80. */
static struct flowmesh_record rec(uint8_t type, uint64_t flow_id,
				  uint64_t t_s, uint64_t tx, uint64_t rx,
				  uint32_t responses, uint32_t value_us)
{
	struct flowmesh_record r;

	memset(&r, 0, sizeof(r));
	r.type = type;
	r.flow_id = flow_id;
	r.time_ns = t_s * 1000000000ull + 1000;
	r.family = AF_INET;
	r.proto = IPPROTO_TCP;
	inet_pton(AF_INET, CLIENT_ADDR, r.client);
	inet_pton(AF_INET, SERVER_ADDR, r.server);
	r.client_port = (uint16_t)(40000 + flow_id);
	r.server_port = 80;
	r.netns = 4026531840u;
	r.state = type == FLOWMESH_REC_OPEN ? FLOWMESH_STATE_OPEN :
		  type == FLOWMESH_REC_CLOSE ? FLOWMESH_STATE_CLOSED :
		  FLOWMESH_STATE_ESTABLISHED;
	r.tx_bytes = tx;
	r.tx_packets = tx / 100 + 1;
	r.rx_bytes = rx;
	r.rx_packets = rx / 100;
	r.response_count = responses;
	r.value_us = value_us;
	return r;
}

/*
 * Two flows over three windows of 10 s from @base (a multiple of 60):
 * flow 1 opens, is sampled, updates and closes; flow 2 opens and closes
 * in the first window.
 */
static size_t sample_records(struct flowmesh_record *r, uint64_t base)
{
	size_t n = 0;

	r[n++] = rec(FLOWMESH_REC_OPEN, 1, base + 1, 60, 0, 0, 0);
	r[n++] = rec(FLOWMESH_REC_RTT, 1, base + 2, 60, 0, 0, 500);
	r[n++] = rec(FLOWMESH_REC_OPEN, 2, base + 3, 60, 0, 0, 0);
	r[n++] = rec(FLOWMESH_REC_CLOSE, 2, base + 4, 200, 100, 0, 0);
	r[n++] = rec(FLOWMESH_REC_UPDATE, 1, base + 12, 1060, 5000, 1, 0);
	r[n++] = rec(FLOWMESH_REC_RESPONSE, 1, base + 13, 1060, 5000, 1, 2000);
	r[n++] = rec(FLOWMESH_REC_CLOSE, 1, base + 25, 1500, 8000, 1, 0);
	return n;
}

static void write_file(const char *path, const void *buf, size_t len)
{
	FILE *f = fopen(path, "we");

	assert_non_null(f);
	assert_int_equal(fwrite(buf, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

/* Runs flowmeshd with the test's settings plus @extra; its exit status. */
static int run_daemon(const struct tmp *t, const char *source,
		      const char *const *extra)
{
	char set_db[160], set_sock[160];
	const char *argv[32];
	size_t n = 0;
	pid_t pid;
	int status, fd;

	snprintf(set_db, sizeof(set_db), "database=%s", t->db);
	snprintf(set_sock, sizeof(set_sock), "socket=%s", t->sock);
	argv[n++] = FM_DAEMON_BIN;
	argv[n++] = "-c";
	argv[n++] = t->conf;
	if (source) {
		argv[n++] = "--source";
		argv[n++] = source;
	}
	argv[n++] = "--set";
	argv[n++] = set_db;
	argv[n++] = "--set";
	argv[n++] = "http_listen=off";
	argv[n++] = "--set";
	argv[n++] = set_sock;
	argv[n++] = "--set";
	argv[n++] = "inventory=none";
	while (extra && *extra)
		argv[n++] = *extra++;
	argv[n] = NULL;
	pid = fork();
	assert_true(pid >= 0);
	if (!pid) {
		fd = open(t->err, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		if (fd < 0 || dup2(fd, STDERR_FILENO) < 0 ||
		    dup2(fd, STDOUT_FILENO) < 0)
			_exit(127);
		execv(FM_DAEMON_BIN, (char *const *)argv);
		_exit(127);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

static int run_daemon_cfg(const struct tmp *t, const char *const *extra)
{
	return run_daemon(t, t->records, extra);
}

/* All of @path, which must be there. */
static char *file_text(const char *path)
{
	char *text = slurp_path(path);

	assert_non_null(text);
	return text;
}

static void assert_stderr_has(const struct tmp *t, const char *what)
{
	char *text = file_text(t->err);

	if (!strstr(text, what))
		fail_msg("stderr lacks \"%s\":\n%s", what, text);
	free(text);
}

/* The one edge's row of [from, from + len) at the finest resolution. */
static void edge_row(struct fm_store *s, uint64_t from, uint64_t len,
		     struct fm_metrics_row *out, size_t *nrows)
{
	struct fm_query q = { .from_s = from, .to_s = from + len, .res_s = 10 };
	struct fm_metrics_rows rows = { 0 };

	assert_int_equal(fm_query_edges(s, &q, &rows), 0);
	*nrows = rows.len;
	memset(out, 0, sizeof(*out));
	if (rows.len) {
		assert_string_equal(rows.v[0].client, CLIENT_ADDR);
		assert_string_equal(rows.v[0].server, SERVER_ADDR);
		out->opened = rows.v[0].opened;
		out->closed = rows.v[0].closed;
		out->tx_bytes = rows.v[0].tx_bytes;
		out->rx_bytes = rows.v[0].rx_bytes;
		out->exchanges = rows.v[0].exchanges;
		out->latency.count = rows.v[0].latency.count;
		out->rtt.count = rows.v[0].rtt.count;
	}
	fm_metrics_rows_free(&rows);
}

static void assert_window(struct fm_store *s, uint64_t start,
			  uint64_t opened, uint64_t closed, uint64_t tx,
			  uint64_t rx)
{
	struct fm_metrics_row row;
	size_t n;

	edge_row(s, start, 10, &row, &n);
	assert_int_equal(n, 1);
	assert_int_equal(row.opened, opened);
	assert_int_equal(row.closed, closed);
	assert_int_equal(row.tx_bytes, tx);
	assert_int_equal(row.rx_bytes, rx);
}

static struct fm_store *open_store(const struct tmp *t)
{
	char err[FM_STORE_ERR_MAX];
	struct fm_store *s;

	assert_int_equal(fm_store_open(&s, t->db, FM_STORE_READ, err,
				       sizeof(err)), 0);
	return s;
}

/* The three windows sample_records() fills, and nothing else. */
static void assert_sample_windows(struct fm_store *s, uint64_t base)
{
	struct fm_metrics_row row;
	size_t n;

	assert_window(s, base, 2, 1, 60 + 200, 100);
	assert_window(s, base + 10, 0, 0, 1000, 5000);
	assert_window(s, base + 20, 0, 1, 440, 3000);
	edge_row(s, base + 10, 10, &row, &n);
	assert_int_equal(row.exchanges, 1);
	assert_int_equal(row.latency.count, 1);
	edge_row(s, base, 10, &row, &n);
	assert_int_equal(row.rtt.count, 1);
	/* all of it, and no window beyond */
	edge_row(s, base, 60, &row, &n);
	assert_int_equal(row.tx_bytes, 1500 + 200);
	edge_row(s, base + 30, 30, &row, &n);
	assert_int_equal(n, 0);
}

static void assert_closed_flows(struct fm_store *s, uint64_t base)
{
	struct fm_query q = { .from_s = base, .to_s = base + 60 };
	struct fm_flows flows = { 0 };

	assert_int_equal(fm_query_flows(s, &q, 10, &flows), 0);
	assert_int_equal(flows.len, 2);
	/* oldest first: flow 2 closed at base + 4, flow 1 at base + 25 */
	assert_int_equal(flows.v[0].tx_bytes, 200);
	assert_int_equal(flows.v[0].rx_bytes, 100);
	assert_int_equal(flows.v[1].tx_bytes, 1500);
	assert_int_equal(flows.v[1].rx_bytes, 8000);
	fm_flows_free(&flows);
}

static uint64_t sample_base(void)
{
	return (now_s() - 600) / 60 * 60;
}

/* --- the daemon on a file ---------------------------------------------------- */

static void test_file_source(void **state)
{
	struct flowmesh_record r[16];
	uint64_t base = sample_base();
	struct fm_store *s;
	struct stat sb;
	struct tmp t;
	size_t n;

	(void)state;
	tmp_init(&t);
	n = sample_records(r, base);
	write_file(t.records, r, n * sizeof(*r));
	assert_int_equal(run_daemon_cfg(&t, NULL), 0);
	/* the database's directory was made, private to the agent */
	snprintf(t.records, sizeof(t.records), "%s/db", t.dir);
	assert_int_equal(stat(t.records, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0750);
	/* the socket is gone with the daemon */
	assert_int_not_equal(access(t.sock, F_OK), 0);

	s = open_store(&t);
	assert_sample_windows(s, base);
	assert_closed_flows(s, base);
	fm_store_close(s);
	assert_stderr_has(&t, "7 records read");
	tmp_cleanup(&t);
}

/* A flow's records in two runs: the second resumes from live_flows. */
static void test_restart_resumes(void **state)
{
	struct flowmesh_record r[16], first[16], second[16];
	uint64_t base = sample_base();
	size_t n, i, n1 = 0, n2 = 0;
	struct fm_store *s;
	struct tmp t;

	(void)state;
	tmp_init(&t);
	n = sample_records(r, base);
	/* flow 1's UPDATE and what comes before go first */
	for (i = 0; i < n; i++) {
		if (i <= 4)
			first[n1++] = r[i];
		else
			second[n2++] = r[i];
	}
	write_file(t.records, first, n1 * sizeof(*r));
	assert_int_equal(run_daemon_cfg(&t, NULL), 0);
	write_file(t.records, second, n2 * sizeof(*r));
	assert_int_equal(run_daemon_cfg(&t, NULL), 0);
	assert_stderr_has(&t, "1 live flows restored");

	s = open_store(&t);
	assert_sample_windows(s, base);
	assert_closed_flows(s, base);
	fm_store_close(s);
	tmp_cleanup(&t);
}

static void test_truncated_file(void **state)
{
	struct flowmesh_record r[16];
	uint64_t base = sample_base();
	struct fm_metrics_row row;
	struct fm_store *s;
	struct tmp t;
	size_t n;

	(void)state;
	tmp_init(&t);
	n = sample_records(r, base);
	/* four whole records and 50 bytes of the fifth */
	write_file(t.records, r, 4 * sizeof(*r) + 50);
	assert_int_equal(run_daemon_cfg(&t, NULL), 1);
	assert_stderr_has(&t, "ends with a partial record: 50 of 160 bytes");
	/* the whole ones were kept */
	s = open_store(&t);
	edge_row(s, base, 10, &row, &n);
	assert_int_equal(n, 1);
	assert_int_equal(row.opened, 2);
	assert_int_equal(row.closed, 1);
	fm_store_close(s);
	tmp_cleanup(&t);
}

static void test_invalid_records_skipped(void **state)
{
	struct flowmesh_record r[16];
	uint64_t base = sample_base();
	struct fm_store *s;
	struct tmp t;
	size_t n;

	(void)state;
	tmp_init(&t);
	n = sample_records(r, base);
	r[n] = r[0];
	r[n].family = 99;	/* not AF_INET nor AF_INET6 */
	write_file(t.records, r, (n + 1) * sizeof(*r));
	assert_int_equal(run_daemon_cfg(&t, NULL), 0);
	assert_stderr_has(&t, "1 record(s) of the file did not decode");
	s = open_store(&t);
	assert_sample_windows(s, base);
	fm_store_close(s);
	tmp_cleanup(&t);
}

static void test_bad_options(void **state)
{
	static const char *const unknown[] = { "--bogus", NULL };
	static const char *const bad_set[] = { "--set", "window=abc", NULL };
	static const char *const no_eq[] = { "--set", "window", NULL };
	static const char *const extra_arg[] = { "stray", NULL };
	static const char *const help[] = { "--help", NULL };
	static const char *const print[] = { "--print-config", "--set",
					     "window=30s", NULL };
	struct tmp t;
	char *out;

	(void)state;
	tmp_init(&t);
	write_file(t.records, "", 0);
	assert_int_equal(run_daemon_cfg(&t, unknown), 2);
	assert_stderr_has(&t, "unknown option: --bogus");
	assert_int_equal(run_daemon_cfg(&t, bad_set), 2);
	assert_stderr_has(&t, "--set window=abc: ");
	assert_int_equal(run_daemon_cfg(&t, no_eq), 2);
	assert_stderr_has(&t, "--set window: use KEY=VALUE");
	assert_int_equal(run_daemon_cfg(&t, extra_arg), 2);
	assert_stderr_has(&t, "unexpected argument: stray");
	assert_int_equal(run_daemon_cfg(&t, help), 0);
	assert_stderr_has(&t, "Usage: flowmeshd");
	assert_stderr_has(&t, "Signals:");
	assert_stderr_has(&t, "  SIGHUP ");
	assert_stderr_has(&t, "Exit status:");
	assert_stderr_has(&t, "  tap_rate ");
	assert_int_equal(run_daemon_cfg(&t, print), 0);
	out = file_text(t.err);
	assert_non_null(strstr(out, "window = 30s"));
	free(out);
	/* a source that is not there */
	assert_int_equal(run_daemon(&t, "/nonexistent/records", NULL), 1);
	assert_stderr_has(&t, "cannot open /nonexistent/records");
	/* -c names a file: it must be there */
	assert_int_equal(unlink(t.conf), 0);
	assert_int_equal(run_daemon_cfg(&t, NULL), 2);
	assert_stderr_has(&t, "cannot read ");
	tmp_cleanup(&t);
}

static void test_bad_config_file(void **state)
{
	static const char conf[] =
		"window = 7x\n"
		"# a comment\n"
		"no_such_key = 1\n"
		"tap_rate = 10\n";
	char path[160], arg[200];
	const char *argv[] = { FM_DAEMON_BIN, "-c", path, NULL };
	struct tmp t;
	pid_t pid;
	int status, fd;

	(void)state;
	tmp_init(&t);
	snprintf(path, sizeof(path), "%s/bad.conf", t.dir);
	write_file(path, conf, sizeof(conf) - 1);
	pid = fork();
	assert_true(pid >= 0);
	if (!pid) {
		fd = open(t.err, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		if (fd < 0 || dup2(fd, STDERR_FILENO) < 0)
			_exit(127);
		execv(FM_DAEMON_BIN, (char *const *)argv);
		_exit(127);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 2);
	snprintf(arg, sizeof(arg), "%s:1: ", path);
	assert_stderr_has(&t, arg);
	snprintf(arg, sizeof(arg), "%s:3: ", path);
	assert_stderr_has(&t, arg);
	/* an inventory with a bad line stops the start */
	snprintf(path, sizeof(path), "%s/inventory", t.dir);
	write_file(path, "not-an-address web\n", 19);
	snprintf(arg, sizeof(arg), "inventory=%s", path);
	{
		const char *const extra[] = { "--set", arg, NULL };

		write_file(t.records, "", 0);
		assert_int_equal(run_daemon_cfg(&t, extra), 2);
	}
	snprintf(arg, sizeof(arg), "%s:1: ", path);
	assert_stderr_has(&t, arg);
	tmp_cleanup(&t);
}

/* --- control requests ---------------------------------------------------------- */

static int parse(const char *line, struct fm_control_request *req,
		 char *err, size_t errlen)
{
	return fm_control_parse_request(line, strlen(line), req, err, errlen);
}

static void test_control_requests(void **state)
{
	static const struct {
		const char *line;
		const char *why;	/* NULL: good */
	} cases[] = {
		{ "{\"request\":\"status\"}", NULL },
		{ "{\"request\":\"tap\"}", NULL },
		{ "{\"request\":\"tap\",\"from\":null,\"to\":null,\"port\":null}", NULL },
		{ "{\"request\":\"tap\",\"from\":\"web\",\"to\":\"db\",\"port\":5432}", NULL },
		{ "{\"request\":\"tap\",\"events\":null}", NULL },
		{ "{\"request\":\"tap\",\"events\":\"all\"}", NULL },
		{ "{\"request\":\"tap\",\"events\":\"records\"}", NULL },
		{ "{\"request\":\"tap\",\"events\":\"flows\"}", "'events' must be" },
		{ "{\"request\":\"tap\",\"events\":2}", "'events' must be" },
		{ "{\"request\":\"status\"", "not JSON" },
		{ "", "not JSON" },
		{ "[\"status\"]", "a request is a JSON object" },
		{ "{}", "needs \"request\"" },
		{ "{\"request\":7}", "needs \"request\"" },
		{ "{\"request\":\"reboot\"}", "unknown request 'reboot'" },
		{ "{\"request\":\"status\",\"x\":1}", "no other fields" },
		{ "{\"request\":\"tap\",\"port\":0}", "'port' must be" },
		{ "{\"request\":\"tap\",\"port\":65536}", "'port' must be" },
		{ "{\"request\":\"tap\",\"port\":\"80\"}", "'port' must be" },
		{ "{\"request\":\"tap\",\"from\":\"\"}", "'from' must be" },
		{ "{\"request\":\"tap\",\"to\":3}", "'to' must be" },
		{ "{\"request\":\"tap\",\"via\":\"x\"}", "unknown field 'via'" },
		{ "{\"request\":\"tap\",\"request\":\"tap\"}", "not JSON" },
	};
	struct fm_control_request req;
	char err[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		err[0] = '\0';
		if (!cases[i].why) {
			assert_int_equal(parse(cases[i].line, &req, err,
					       sizeof(err)), 0);
			continue;
		}
		assert_int_equal(parse(cases[i].line, &req, err, sizeof(err)),
				 -EINVAL);
		if (!strstr(err, cases[i].why))
			fail_msg("%s: \"%s\" lacks \"%s\"", cases[i].line, err,
				 cases[i].why);
	}
	assert_int_equal(parse("{\"request\":\"tap\",\"from\":\"web\",\"port\":5432}",
			       &req, err, sizeof(err)), 0);
	assert_int_equal(req.kind, FM_CONTROL_TAP);
	assert_true(req.tap.from_set);
	assert_string_equal(req.tap.from, "web");
	assert_false(req.tap.to_set);
	assert_true(req.tap.port_set);
	assert_int_equal(req.tap.port, 5432);
	assert_int_equal(req.tap.events, FM_TAP_ALL);
	assert_int_equal(parse("{\"request\":\"tap\",\"events\":\"requests\"}",
			       &req, err, sizeof(err)), 0);
	assert_int_equal(req.tap.events, FM_TAP_REQUESTS);
	assert_int_equal(parse("{\"request\":\"tap\",\"events\":\"records\"}",
			       &req, err, sizeof(err)), 0);
	assert_int_equal(req.tap.events, FM_TAP_RECORDS);
	assert_int_equal(parse("{\"request\":\"status\"}", &req, err,
			       sizeof(err)), 0);
	assert_int_equal(req.kind, FM_CONTROL_STATUS);
}

/* An L7 request of CLIENT_ADDR:40001 -> SERVER_ADDR:80, as nfqueue.c has it. */
static struct fm_agg_request l7_request(const char *method, const char *route,
					int32_t status, bool failed,
					uint64_t latency_us, uint32_t one_in)
{
	struct fm_agg_request r;

	memset(&r, 0, sizeof(r));
	r.time_ns = 1700000000ull * 1000000000 + 250000000;
	r.netns = 4026531840u;
	r.family = AF_INET;
	r.proto = IPPROTO_TCP;
	inet_pton(AF_INET, CLIENT_ADDR, r.client);
	inet_pton(AF_INET, SERVER_ADDR, r.server);
	r.client_port = 40001;
	r.server_port = 80;
	r.l7_proto = FLOWMESH_L7_HTTP;
	r.one_in = one_in;
	strcpy(r.req.method, method);
	strcpy(r.req.route, route);
	r.req.status = status;
	r.req.failed = failed;
	r.req.latency_ns = latency_us * 1000 + 999;	/* rounded down */
	return r;
}

static void test_tap_filter(void **state)
{
	struct flowmesh_record r = rec(FLOWMESH_REC_RTT, 1, 1700000000, 10,
				       20, 0, 300);
	struct fm_agg_request q = l7_request("GET", "/users/{id}", 200, false,
					     1500, 1);
	struct fm_tap_filter f = { 0 };
	json_t *ev;

	(void)state;
	assert_true(fm_tap_match(&f, &r, "web", "db"));
	assert_true(fm_tap_match_request(&f, &q, "web", "db"));
	f.from_set = true;
	strcpy(f.from, "web");
	assert_true(fm_tap_match(&f, &r, "web", "db"));
	assert_false(fm_tap_match(&f, &r, "api", "db"));
	assert_true(fm_tap_match_request(&f, &q, "web", "db"));
	assert_false(fm_tap_match_request(&f, &q, "api", "db"));
	f.to_set = true;
	strcpy(f.to, "cache");
	assert_false(fm_tap_match(&f, &r, "web", "db"));
	assert_false(fm_tap_match_request(&f, &q, "web", "db"));
	f.to_set = false;
	f.port_set = true;
	f.port = 80;
	assert_true(fm_tap_match(&f, &r, "web", "db"));
	assert_true(fm_tap_match_request(&f, &q, "web", "db"));
	f.port = 40001;		/* the client's */
	assert_true(fm_tap_match(&f, &r, "web", "db"));
	assert_true(fm_tap_match_request(&f, &q, "web", "db"));
	f.port = 443;
	assert_false(fm_tap_match(&f, &r, "web", "db"));
	assert_false(fm_tap_match_request(&f, &q, "web", "db"));
	/* the kinds of events */
	f.port_set = false;
	f.events = FM_TAP_REQUESTS;
	assert_false(fm_tap_match(&f, &r, "web", "db"));
	assert_true(fm_tap_match_request(&f, &q, "web", "db"));
	f.events = FM_TAP_RECORDS;
	assert_true(fm_tap_match(&f, &r, "web", "db"));
	assert_false(fm_tap_match_request(&f, &q, "web", "db"));

	r.l7_proto = FLOWMESH_L7_HTTP;
	ev = fm_tap_event_json(&r, "web", "db");
	assert_non_null(ev);
	assert_string_equal(json_string_value(json_object_get(ev, "type")),
			    "rtt");
	assert_string_equal(json_string_value(json_object_get(ev,
				"client_service")), "web");
	assert_string_equal(json_string_value(json_object_get(ev,
				"server_service")), "db");
	assert_int_equal(json_integer_value(json_object_get(ev, "value_us")),
			 300);
	assert_string_equal(json_string_value(json_object_get(ev,
				"protocol")), "http");
	json_decref(ev);
}

static void test_tap_request_json(void **state)
{
	struct fm_agg_request q = l7_request("GET", "/users/{id}", 200, false,
					     1500, 4);
	json_t *ev;

	(void)state;
	ev = fm_tap_request_json(&q, "web", SERVER_ADDR);
	assert_non_null(ev);
	assert_string_equal(json_string_value(json_object_get(ev, "type")),
			    "request");
	assert_true(json_number_value(json_object_get(ev, "time")) ==
		    1700000000.25);
	assert_string_equal(json_string_value(json_object_get(ev, "proto")),
			    "tcp");
	assert_int_equal(json_integer_value(json_object_get(ev, "family")), 4);
	assert_string_equal(json_string_value(json_object_get(ev, "client")),
			    CLIENT_ADDR);
	assert_int_equal(json_integer_value(json_object_get(ev,
				"server_port")), 80);
	assert_string_equal(json_string_value(json_object_get(ev,
				"client_service")), "web");
	assert_string_equal(json_string_value(json_object_get(ev,
				"protocol")), "http");
	assert_string_equal(json_string_value(json_object_get(ev, "method")),
			    "GET");
	assert_string_equal(json_string_value(json_object_get(ev, "route")),
			    "/users/{id}");
	assert_int_equal(json_integer_value(json_object_get(ev, "status")),
			 200);
	assert_true(json_is_false(json_object_get(ev, "failed")));
	assert_int_equal(json_integer_value(json_object_get(ev, "latency_us")),
			 1500);
	assert_true(json_is_true(json_object_get(ev, "estimated")));
	assert_true(json_real_value(json_object_get(ev, "sample_rate")) ==
		    0.25);
	/* records' fields that a request does not have stay out */
	assert_null(json_object_get(ev, "value_us"));
	assert_null(json_object_get(ev, "flow_id"));
	json_decref(ev);

	/* no status in the protocol; fields that fill their whole buffer */
	q = l7_request("", "", -1, true, 0, 1);
	memset(q.req.method, 'M', sizeof(q.req.method));
	memset(q.req.route, '/', sizeof(q.req.route));
	ev = fm_tap_request_json(&q, CLIENT_ADDR, SERVER_ADDR);
	assert_non_null(ev);
	assert_true(json_is_null(json_object_get(ev, "status")));
	assert_true(json_is_true(json_object_get(ev, "failed")));
	assert_true(json_is_false(json_object_get(ev, "estimated")));
	assert_int_equal(strlen(json_string_value(json_object_get(ev,
				"method"))), sizeof(q.req.method));
	assert_int_equal(strlen(json_string_value(json_object_get(ev,
				"route"))), sizeof(q.req.route));
	json_decref(ev);
	/* one_in 0 is no sampling the aggregator knows */
	q.one_in = 0;
	assert_null(fm_tap_request_json(&q, CLIENT_ADDR, SERVER_ADDR));
}

/* Records and requests of every shape the tap prints, in @format. */
static int print_tap_events(FILE *out, const void *arg)
{
	enum cli_format format = *(const enum cli_format *)arg;
	struct flowmesh_record r[3] = {
		rec(FLOWMESH_REC_OPEN, 1, 1700000000, 60, 0, 0, 0),
		rec(FLOWMESH_REC_RESPONSE, 1, 1700000001, 1060, 5000, 1, 2000),
		rec(FLOWMESH_REC_CLOSE, 1, 1700000002, 1500, 8000, 1, 0),
	};
	struct fm_agg_request q[3] = {
		l7_request("GET", "/users/{id}", 200, false, 1500, 1),
		l7_request("DELETE", "/hello.txt", 501, true, 850, 1),
		l7_request("SET", "", -1, true, 120, 10),
	};
	json_t *dropped = json_pack("{s:i}", "dropped", 2);
	json_t *ev;
	size_t i;
	int err = tap_print_header(out, format);

	r[1].l7_proto = FLOWMESH_L7_HTTP;
	r[2].l7_proto = FLOWMESH_L7_HTTP;
	q[2].l7_proto = FLOWMESH_L7_REDIS;
	q[2].family = AF_INET6;
	inet_pton(AF_INET6, "fd00::2", q[2].client);
	inet_pton(AF_INET6, "fd00::6379", q[2].server);
	q[2].server_port = 6379;
	for (i = 0; i < 3; i++) {
		ev = fm_tap_event_json(&r[i], "web", SERVER_ADDR);
		assert_non_null(ev);
		err |= tap_print_event(out, format, ev);
		json_decref(ev);
		ev = fm_tap_request_json(&q[i], i < 2 ? "web" : "fd00::2",
					 i < 2 ? SERVER_ADDR : "fd00::6379");
		assert_non_null(ev);
		err |= tap_print_event(out, format, ev);
		json_decref(ev);
	}
	if (format == CLI_FORMAT_JSON)
		err |= tap_print_event(out, format, dropped);
	json_decref(dropped);
	return err;
}

static void test_tap_golden(void **state)
{
	enum cli_format format = CLI_FORMAT_JSON;
	char *text, *line, *save = NULL;
	size_t n = 0;

	(void)state;
	text = capture(print_tap_events, &format);
	assert_golden("tap.jsonl", text);
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		n++;
	assert_int_equal(n, 7);
	free(text);
	format = CLI_FORMAT_TABLE;
	text = capture(print_tap_events, &format);
	assert_golden("tap.table", text);
	/* rows of addresses that fit their columns fit 120 columns */
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		if (strlen(line) > 120)
			fail_msg("wider than 120 columns: %s", line);
	free(text);
}

/* --- the control socket in-process: requests tapped ---------------------------- */

static char *read_line(int fd);

static json_t *empty_status(void *ctx)
{
	(void)ctx;
	return json_object();
}

static int tap_client(struct fm_control *ctl, const char *path,
		      const char *request, uint64_t taps)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct fm_control_counters cc;
	int fd, i;

	strcpy(sun.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	assert_int_equal(connect(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	assert_int_equal(write(fd, request, strlen(request)),
			 (ssize_t)strlen(request));
	for (i = 0; i < 200; i++) {
		fm_control_handle(ctl, 0);
		fm_control_counters(ctl, &cc);
		if (cc.taps == taps)
			return fd;
		usleep(10000);
	}
	fail_msg("the tap '%s' was not taken", request);
	return -1;
}

/* The next line of @fd as JSON: the control socket has sent it already. */
static json_t *tap_line(int fd)
{
	json_error_t jerr;
	json_t *ev = json_loads(read_line(fd), 0, &jerr);

	assert_non_null(ev);
	return ev;
}

static void assert_no_line(int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	assert_int_equal(poll(&pfd, 1, 50), 0);
}

static void test_control_tap_requests(void **state)
{
	const struct fm_control_ops ops = { .status = empty_status };
	struct flowmesh_record r = rec(FLOWMESH_REC_RTT, 1, 1700000000, 10,
				       20, 0, 300);
	struct fm_agg_request q = l7_request("GET", "/users/{id}", 200, false,
					     1500, 1);
	struct fm_agg_request other = q;
	struct fm_control_counters cc;
	struct fm_identity_map ids = { .nsrc = 0 };
	struct fm_control *ctl;
	char err[256];
	struct tmp t;
	json_t *ev;
	int req_fd, all_fd, none_fd, i;

	(void)state;
	tmp_init(&t);
	assert_int_equal(fm_control_open(&ctl, t.sock, 3, &ids, &ops, err,
					 sizeof(err)), 0);
	req_fd = tap_client(ctl, t.sock,
			    "{\"request\":\"tap\",\"port\":80,\"events\":\"requests\"}\n",
			    1);
	all_fd = tap_client(ctl, t.sock, "{\"request\":\"tap\"}\n", 2);
	none_fd = tap_client(ctl, t.sock,
			     "{\"request\":\"tap\",\"to\":\"web\"}\n", 3);
	assert_true(fm_control_tapping(ctl));

	/* a record: not for the requests-only tap */
	r.l7_proto = FLOWMESH_L7_HTTP;
	fm_control_tap(ctl, &r, 5000);
	ev = tap_line(all_fd);
	assert_string_equal(json_string_value(json_object_get(ev, "type")),
			    "rtt");
	assert_string_equal(json_string_value(json_object_get(ev,
				"protocol")), "http");
	json_decref(ev);
	assert_no_line(req_fd);

	/* another port: filtered out, neither sent nor dropped */
	other.client_port = 40002;
	other.server_port = 443;
	fm_control_tap_request(ctl, &other, 5000);
	assert_no_line(req_fd);
	ev = tap_line(all_fd);
	assert_int_equal(json_integer_value(json_object_get(ev,
				"server_port")), 443);
	json_decref(ev);

	/* tap_rate=3 a second, records and requests together */
	for (i = 0; i < 5; i++)
		fm_control_tap_request(ctl, &q, 5000 + (uint64_t)i);
	for (i = 0; i < 3; i++) {
		ev = tap_line(req_fd);
		assert_string_equal(json_string_value(json_object_get(ev,
					"type")), "request");
		assert_string_equal(json_string_value(json_object_get(ev,
					"client_service")), CLIENT_ADDR);
		assert_string_equal(json_string_value(json_object_get(ev,
					"method")), "GET");
		assert_int_equal(json_integer_value(json_object_get(ev,
					"latency_us")), 1500);
		json_decref(ev);
	}
	assert_no_line(req_fd);
	/* the other tap had two events this second: one more got through */
	ev = tap_line(all_fd);
	assert_string_equal(json_string_value(json_object_get(ev, "type")),
			    "request");
	json_decref(ev);
	assert_no_line(all_fd);
	assert_no_line(none_fd);
	fm_control_counters(ctl, &cc);
	assert_int_equal(cc.tap_sent, 3 + 3);
	assert_int_equal(cc.tap_dropped, 2 + 4);

	/* the next second: the count of drops comes first */
	fm_control_tap_request(ctl, &q, 6000);
	ev = tap_line(req_fd);
	assert_int_equal(json_integer_value(json_object_get(ev, "dropped")),
			 2);
	json_decref(ev);
	ev = tap_line(req_fd);
	assert_string_equal(json_string_value(json_object_get(ev, "type")),
			    "request");
	json_decref(ev);
	ev = tap_line(all_fd);
	assert_int_equal(json_integer_value(json_object_get(ev, "dropped")),
			 4);
	json_decref(ev);
	json_decref(tap_line(all_fd));
	assert_no_line(none_fd);

	close(req_fd);
	close(all_fd);
	close(none_fd);
	fm_control_close(ctl);
	tmp_cleanup(&t);
}

/* --- Prometheus ------------------------------------------------------------------ */

static char *render(const struct fm_prom_input *in)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	assert_non_null(out);
	assert_int_equal(fm_prom_write(out, in), 0);
	assert_int_equal(fclose(out), 0);
	return text;
}

static void test_prom_label_escaping(void **state)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	(void)state;
	assert_non_null(out);
	fm_prom_write_label_value(out, "a\"b\\c\nd e");
	fclose(out);
	assert_string_equal(text, "a\\\"b\\\\c\\nd e");
	free(text);
}

static size_t count(const char *text, const char *what)
{
	size_t n = 0;

	for (; (text = strstr(text, what)); text++)
		n++;
	return n;
}

static void test_prom_text(void **state)
{
	struct fm_daemon_status st = { .started_ns = 1700000000000000000ull };
	struct fm_edge_totals totals[2];
	struct fm_metrics_row row;
	struct fm_metrics_rows recent = { .v = &row, .len = 1 };
	struct fm_prom_input in = { .status = &st, .totals = totals,
				    .ntotals = 2, .recent = &recent,
				    .max_series = 10 };
	char *text, *line, *save;
	int i;

	(void)state;
	st.c.records_read = 42;
	st.agg.live_flows = 7;
	memset(totals, 0, sizeof(totals));
	strcpy(totals[0].client, "web \"blue\"");
	strcpy(totals[0].server, "db\\1");
	totals[0].tx_bytes = 1234;
	totals[0].requests = 400;
	totals[0].failures = 8;
	strcpy(totals[1].client, "api");
	strcpy(totals[1].server, "db\\1");
	memset(&row, 0, sizeof(row));
	strcpy(row.client, "web");
	strcpy(row.server, "db");
	for (i = 1; i <= 100; i++)
		assert_int_equal(fm_hist_add(&row.latency, (uint64_t)i * 100, 1),
				 0);

	text = render(&in);
	assert_non_null(strstr(text,
		"# TYPE flowmesh_agent_records_read_total counter\n"
		"flowmesh_agent_records_read_total 42\n"));
	assert_non_null(strstr(text, "# TYPE flowmesh_agent_live_flows gauge\n"
				     "flowmesh_agent_live_flows 7\n"));
	assert_non_null(strstr(text,
		"flowmesh_edge_tx_bytes_total{client=\"web \\\"blue\\\"\",server=\"db\\\\1\"} 1234\n"));
	/* L7 requests per edge, from the totals; no route has a series */
	assert_non_null(strstr(text,
		"# TYPE flowmesh_edge_requests_total counter\n"));
	assert_non_null(strstr(text,
		"flowmesh_edge_requests_total{client=\"web \\\"blue\\\"\",server=\"db\\\\1\"} 400\n"));
	assert_non_null(strstr(text,
		"flowmesh_edge_request_failures_total{client=\"web \\\"blue\\\"\",server=\"db\\\\1\"} 8\n"));
	assert_non_null(strstr(text,
		"flowmesh_edge_requests_total{client=\"api\",server=\"db\\\\1\"} 0\n"));
	assert_null(strstr(text, "route=\""));
	/* 100 samples of 100 us to 10 ms: p50 near 5 ms, p99 near 9.9 ms */
	for (i = 0; i < 2; i++) {
		double q = i ? 0.99 : 0.5, v;
		char want[160], *at;

		snprintf(want, sizeof(want),
			 "flowmesh_edge_latency_seconds{client=\"web\",server=\"db\",quantile=\"%s\"} ",
			 i ? "0.99" : "0.5");
		at = strstr(text, want);
		assert_non_null(at);
		v = strtod(at + strlen(want), NULL);
		assert_true(v > q * 0.01 * 0.99 && v < q * 0.01 * 1.01);
	}
	/* no RTT samples: the family without series */
	assert_int_equal(count(text, "flowmesh_edge_rtt_seconds{"), 0);
	/* no module: no module series */
	assert_null(strstr(text, "flowmesh_module_"));
	/* each family declared once; every line a comment or a sample */
	assert_int_equal(count(text, "# TYPE flowmesh_edge_tx_bytes_total "), 1);
	assert_int_equal(count(text, "flowmesh_edge_tx_bytes_total{"), 2);
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		assert_true(!strncmp(line, "# HELP ", 7) ||
			    !strncmp(line, "# TYPE ", 7) ||
			    !strncmp(line, "flowmesh_", 9));
	free(text);

	/* cardinality: max_series edges per family */
	in.max_series = 1;
	text = render(&in);
	assert_int_equal(count(text, "flowmesh_edge_tx_bytes_total{"), 1);
	free(text);
	fm_hist_free(&row.latency);
}

static void test_http_listen(void **state)
{
	static const char *const bad[] = {
		"", "127.0.0.1", "127.0.0.1:", ":80", "127.0.0.1:65536",
		"127.0.0.1:-1", "localhost:80", "[::1]80", "[::1]:x", "::1:80",
	};
	struct sockaddr_storage ss;
	char err[128];
	socklen_t len;
	size_t i;

	(void)state;
	assert_int_equal(fm_http_parse_listen("127.0.0.1:9465", &ss, &len, err,
					      sizeof(err)), 0);
	assert_int_equal(ss.ss_family, AF_INET);
	assert_int_equal(ntohs(((struct sockaddr_in *)&ss)->sin_port), 9465);
	assert_int_equal(fm_http_parse_listen("[::1]:0", &ss, &len, err,
					      sizeof(err)), 0);
	assert_int_equal(ss.ss_family, AF_INET6);
	for (i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		if (!fm_http_parse_listen(bad[i], &ss, &len, err, sizeof(err)))
			fail_msg("'%s' was taken", bad[i]);
		assert_non_null(strstr(err, "invalid listen address"));
	}
}

/* --- the live daemon: control socket and HTTP -------------------------------------- */

struct live {
	struct tmp t;
	char fifo[128];
	pid_t pid;
	int wfd;		/* the FIFO's writing end */
};

static uint16_t free_port(void);

static void live_start(struct live *l)
{
	char set_db[160], set_sock[160], listen[64];
	const char *argv[] = {
		FM_DAEMON_BIN, "-c", NULL,
		"--source", l->fifo, "--set", set_db, "--set", set_sock,
		"--set", "inventory=none", "--set", listen,
		"--set", "flush_interval=1s", "--set", "tap_rate=3", NULL,
	};
	int fd, i, status;

	tmp_init(&l->t);
	argv[2] = l->t.conf;
	snprintf(listen, sizeof(listen), "http_listen=127.0.0.1:%u",
		 free_port());
	snprintf(l->fifo, sizeof(l->fifo), "%s/fifo", l->t.dir);
	snprintf(set_db, sizeof(set_db), "database=%s", l->t.db);
	snprintf(set_sock, sizeof(set_sock), "socket=%s", l->t.sock);
	assert_int_equal(mkfifo(l->fifo, 0600), 0);
	l->pid = fork();
	assert_true(l->pid >= 0);
	if (!l->pid) {
		fd = open(l->t.err, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
			  0600);
		if (fd < 0 || dup2(fd, STDERR_FILENO) < 0)
			_exit(127);
		execv(FM_DAEMON_BIN, (char *const *)argv);
		_exit(127);
	}
	/* the daemon opens the reading end once it started: up to 4 s */
	for (i = 0; i < 400; i++) {
		l->wfd = open(l->fifo, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
		if (l->wfd >= 0 || errno != ENXIO)
			break;
		if (waitpid(l->pid, &status, WNOHANG) == l->pid)
			fail_msg("flowmeshd exited: %d", status);
		usleep(10000);
	}
	assert_true(l->wfd >= 0);
	assert_int_equal(fcntl(l->wfd, F_SETFL, 0), 0);
}

/* A port nothing listens on now, for the daemon to take. */
static uint16_t free_port(void)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t len = sizeof(sin);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	inet_pton(AF_INET, "127.0.0.1", &sin.sin_addr);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	close(fd);
	return ntohs(sin.sin_port);
}

static int live_stop(struct live *l)
{
	int status;

	close(l->wfd);		/* the end of the file: a graceful stop */
	assert_int_equal(waitpid(l->pid, &status, 0), l->pid);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

static int unix_connect(const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd, i;

	strcpy(sun.sun_path, path);
	/* the daemon listens once it started: wait up to 4 s */
	for (i = 0; i < 400; i++) {
		fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		assert_true(fd >= 0);
		if (!connect(fd, (struct sockaddr *)&sun, sizeof(sun)))
			return fd;
		close(fd);
		usleep(10000);
	}
	fail_msg("no control socket at %s", path);
	return -1;
}

/* One line, up to 2 s. */
static char *read_line(int fd)
{
	static char buf[65536];
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	size_t len = 0;
	ssize_t n;

	while (len < sizeof(buf) - 1) {
		if (poll(&pfd, 1, 2000) != 1)
			fail_msg("no line from the daemon");
		n = read(fd, buf + len, 1);
		if (n <= 0)
			break;
		if (buf[len] == '\n')
			break;
		len++;
	}
	buf[len] = '\0';
	return buf;
}

static json_t *control(const char *sock, const char *request)
{
	json_error_t jerr;
	json_t *reply;
	int fd = unix_connect(sock);

	assert_int_equal(write(fd, request, strlen(request)),
			 (ssize_t)strlen(request));
	reply = json_loads(read_line(fd), 0, &jerr);
	close(fd);
	assert_non_null(reply);
	return reply;
}

/* GET (or @method) @path on 127.0.0.1:@port: the status, the body. */
static int http(uint16_t port, const char *method, const char *path,
		char **body)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
				   .sin_port = htons(port) };
	char req[512], *resp = NULL, chunk[4096], *p;
	size_t len = 0;
	FILE *m;
	ssize_t n;
	int fd, status = 0;

	inet_pton(AF_INET, "127.0.0.1", &sin.sin_addr);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	assert_int_equal(connect(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	snprintf(req, sizeof(req),
		 "%s %s HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
		 "Content-Length: 0\r\n\r\n", method, path);
	assert_int_equal(write(fd, req, strlen(req)), (ssize_t)strlen(req));
	m = open_memstream(&resp, &len);
	while ((n = read(fd, chunk, sizeof(chunk))) > 0)
		fwrite(chunk, 1, (size_t)n, m);
	fclose(m);
	close(fd);
	assert_int_equal(sscanf(resp, "HTTP/1.1 %d", &status), 1);
	p = strstr(resp, "\r\n\r\n");
	assert_non_null(p);
	*body = strdup(p + 4);
	free(resp);
	return status;
}

static uint16_t http_port(json_t *status)
{
	const char *addr = json_string_value(json_object_get(status, "http"));
	const char *colon;

	assert_non_null(addr);
	colon = strrchr(addr, ':');
	assert_non_null(colon);
	return (uint16_t)atoi(colon + 1);
}

/* Polls status until @name reaches @want, up to 4 s. */
static json_t *status_when(const char *sock, const char *name, int64_t want)
{
	json_t *st = NULL;
	int i;

	for (i = 0; i < 200; i++) {
		json_decref(st);
		st = control(sock, "{\"request\":\"status\"}\n");
		if (json_integer_value(json_object_get(st, name)) >= want)
			return st;
		usleep(20000);
	}
	fail_msg("%s never reached %lld", name, (long long)want);
	return NULL;
}

static void test_live_control_and_http(void **state)
{
	struct flowmesh_record r[16];
	uint64_t base = sample_base();
	json_error_t jerr;
	json_t *st, *doc;
	struct live l;
	uint16_t port;
	char *body;
	size_t n;

	(void)state;
	live_start(&l);
	n = sample_records(r, base);
	assert_int_equal(write(l.wfd, r, n * sizeof(*r)),
			 (ssize_t)(n * sizeof(*r)));
	st = status_when(l.t.sock, "flush_commits", 1);
	assert_int_equal(json_integer_value(json_object_get(st, "records_read")),
			 (json_int_t)n);
	assert_string_equal(json_string_value(json_object_get(st, "source")),
			    "file");
	assert_int_equal(json_integer_value(json_object_get(
		json_object_get(st, "settings"), "tap_rate")), 3);
	port = http_port(st);
	assert_true(port > 0);
	json_decref(st);
	/* the windows are older than grace: the first flush wrote them */
	st = status_when(l.t.sock, "flush_commits", 2);
	json_decref(st);

	/* bad requests get an error line */
	st = control(l.t.sock, "{\"request\":\"nope\"}\n");
	assert_non_null(strstr(json_string_value(json_object_get(st, "error")),
			       "unknown request"));
	json_decref(st);

	assert_int_equal(http(port, "GET", "/api/v1/stat?window=1h", &body),
			 200);
	doc = json_loads(body, 0, &jerr);
	assert_non_null(doc);
	assert_true(json_is_array(doc) || json_is_object(doc));
	assert_non_null(strstr(body, "\"" SERVER_ADDR "\""));
	json_decref(doc);
	free(body);

	assert_int_equal(http(port, "GET", "/api/v1/edges?window=1h&client="
			      CLIENT_ADDR, &body), 200);
	assert_non_null(strstr(body, "\"" CLIENT_ADDR "\""));
	free(body);
	/* records carry no L7 requests: no routes, but the document */
	assert_int_equal(http(port, "GET", "/api/v1/routes?window=1h&service="
			      SERVER_ADDR "&client=" CLIENT_ADDR
			      "&protocol=http", &body), 200);
	assert_string_equal(body, "[]\n");
	free(body);
	assert_int_equal(http(port, "GET", "/api/v1/routes?protocol=gopher",
			      &body), 400);
	assert_non_null(strstr(body, "unknown protocol 'gopher'"));
	free(body);
	assert_int_equal(http(port, "GET", "/api/v1/routes?server=x", &body),
			 400);
	free(body);
	assert_int_equal(http(port, "GET", "/api/v1/flows?since=1h&limit=1",
			      &body), 200);
	doc = json_loads(body, 0, &jerr);
	assert_non_null(doc);
	json_decref(doc);
	free(body);
	assert_int_equal(http(port, "GET", "/api/v1/status", &body), 200);
	doc = json_loads(body, 0, &jerr);
	assert_int_equal(json_integer_value(json_object_get(doc,
				"records_read")), (json_int_t)n);
	json_decref(doc);
	free(body);

	assert_int_equal(http(port, "GET", "/metrics", &body), 200);
	assert_non_null(strstr(body,
		"# TYPE flowmesh_agent_records_read_total counter\n"));
	assert_non_null(strstr(body, "flowmesh_edge_tx_bytes_total{client=\""
			       CLIENT_ADDR "\",server=\"" SERVER_ADDR "\"} 1700\n"));
	free(body);

	assert_int_equal(http(port, "GET", "/api/v1/stat?window=bogus", &body),
			 400);
	assert_non_null(strstr(body, "\"error\""));
	free(body);
	assert_int_equal(http(port, "GET", "/api/v1/stat?colour=red", &body),
			 400);
	assert_non_null(strstr(body, "unknown parameter 'colour'"));
	free(body);
	assert_int_equal(http(port, "GET", "/api/v1/flows?limit=0", &body), 400);
	free(body);
	assert_int_equal(http(port, "GET", "/nope", &body), 404);
	free(body);
	assert_int_equal(http(port, "POST", "/metrics", &body), 405);
	free(body);

	assert_int_equal(live_stop(&l), 0);
	tmp_cleanup(&l.t);
}

static void test_live_tap(void **state)
{
	struct flowmesh_record r[16];
	uint64_t base = sample_base();
	json_error_t jerr;
	json_t *ev, *st;
	struct live l;
	size_t n, i;
	int fd, other;
	static const char req[] =
		"{\"request\":\"tap\",\"from\":null,\"to\":\"" SERVER_ADDR
		"\",\"port\":80}\n";

	(void)state;
	live_start(&l);
	fd = unix_connect(l.t.sock);
	assert_int_equal(write(fd, req, sizeof(req) - 1),
			 (ssize_t)(sizeof(req) - 1));
	/* a tap that matches nothing gets nothing */
	other = unix_connect(l.t.sock);
	assert_int_equal(write(other, "{\"request\":\"tap\",\"from\":\"web\"}\n",
			       31), 31);
	st = status_when(l.t.sock, "tap_clients", 2);
	json_decref(st);

	n = sample_records(r, base);
	assert_int_equal(write(l.wfd, r, n * sizeof(*r)),
			 (ssize_t)(n * sizeof(*r)));
	/* tap_rate=3: three events this second, the rest dropped */
	for (i = 0; i < 3; i++) {
		ev = json_loads(read_line(fd), 0, &jerr);
		assert_non_null(ev);
		assert_int_equal(json_integer_value(json_object_get(ev,
					"flow_id")), (json_int_t)r[i].flow_id);
		assert_string_equal(json_string_value(json_object_get(ev,
					"client_service")), CLIENT_ADDR);
		assert_string_equal(json_string_value(json_object_get(ev,
					"server_service")), SERVER_ADDR);
		json_decref(ev);
	}
	ev = json_loads(read_line(fd), 0, &jerr);
	assert_non_null(ev);
	assert_int_equal(json_integer_value(json_object_get(ev, "dropped")),
			 (json_int_t)(n - 3));
	json_decref(ev);
	st = status_when(l.t.sock, "tap_events_dropped", (int64_t)(n - 3));
	assert_int_equal(json_integer_value(json_object_get(st,
				"tap_events_sent")), 3);
	json_decref(st);
	close(fd);
	close(other);
	assert_int_equal(live_stop(&l), 0);
	tmp_cleanup(&l.t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_file_source),
		cmocka_unit_test(test_restart_resumes),
		cmocka_unit_test(test_truncated_file),
		cmocka_unit_test(test_invalid_records_skipped),
		cmocka_unit_test(test_bad_options),
		cmocka_unit_test(test_bad_config_file),
		cmocka_unit_test(test_control_requests),
		cmocka_unit_test(test_tap_filter),
		cmocka_unit_test(test_tap_request_json),
		cmocka_unit_test(test_tap_golden),
		cmocka_unit_test(test_control_tap_requests),
		cmocka_unit_test(test_prom_label_escaping),
		cmocka_unit_test(test_prom_text),
		cmocka_unit_test(test_http_listen),
		cmocka_unit_test(test_live_control_and_http),
		cmocka_unit_test(test_live_tap),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests_name("daemon", tests, NULL, NULL);
}
