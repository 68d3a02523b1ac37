// SPDX-License-Identifier: GPL-2.0
/*
 * What stat, edges, topology, top and routes share: their options, finding and
 * opening the agent's database, and the tables of golden metrics, laid
 * out like 'linkerd viz stat'.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include "cli/cli.h"
#include "lib/json.h"
#include "l7/l7.h"
#include "lib/agent_config.h"
#include "lib/hist.h"
#include "lib/period.h"
#include "lib/query.h"
#include "lib/store.h"

const char metrics_windows_help[] =
	"\n"
	"flowmeshd stores windows of 10 s, 1 min and 1 h, each kept for as long\n"
	"as its retention setting says; a query reads the finest windows still\n"
	"kept at the start of the period.  Rates are per second of the time\n"
	"those windows cover.\n"
	"\n"
	"Options:\n"
	"  -o, --output FORMAT  table (the default), wide (every column) or json\n";

const char metrics_common_help[] =
	"      --window DUR     the period: the last DUR up to now (default "
	FM_PERIOD_DEFAULT ");\n"
	"                       DUR is a number of seconds with s, m, h or d\n"
	"                       (30s, 5m, 24h, 7d)\n"
	"      --since TIME|DUR the period: from TIME up to now; TIME is Unix\n"
	"                       seconds (1764158400) or UTC as\n"
	"                       2025-11-26T12:00:00Z or '2025-11-26 12:00:00';\n"
	"                       a DUR means the same as --window DUR\n"
	"      --db PATH        the agent's database (default: the config\n"
	"                       file's \"database\", else " FM_AGENT_DB_PATH ")\n"
	"      --config PATH    the agent's config file (default\n"
	"                       " FM_AGENT_CONFIG_PATH "; a missing default\n"
	"                       file is no error)\n"
	"  -h, --help           show this help and exit\n";

const char metrics_columns_help[] =
	"  SUCCESS      share of L7 requests that did not fail (%); \"-\" when\n"
	"               no request was seen at L7\n"
	"  RPS          L7 requests per second over the period\n"
	"  LATENCY_P50  response time (request to first response data), 50th,\n"
	"  LATENCY_P95  95th and 99th percentile (us, ms, s); from every\n"
	"  LATENCY_P99  request -> response exchange seen at L4\n"
	"  RTT_P50      median network round-trip time (us, ms, s)\n"
	"  CONNS        connections opened\n"
	"  TX           IP bytes client to server (B, KiB, MiB, GiB)\n"
	"  RX           IP bytes server to client\n"
	"With -o wide, TX and RX are exact byte counts, and also:\n"
	"  RTT_P95      95th percentile of the network RTT; RTT_P99 the 99th\n"
	"  REQUESTS     L7 requests\n"
	"  EXCHANGES    request -> response exchanges seen at L4\n"
	"  TX_PKTS      packets client to server; RX_PKTS server to client\n"
	"  RETRANS      retransmitted TCP segments\n"
	"  CLOSED       connections closed\n"
	"A \"~\" before SUCCESS, RPS or REQUESTS marks an estimate: L7 looked\n"
	"at a sample of the flows and the counts were scaled up.  Percentiles\n"
	"come from histograms whose buckets are within 0.4 % of their values.\n";

/* --- options ------------------------------------------------------------- */

enum {
	OPT_WINDOW = 0x100,
	OPT_SINCE,
	OPT_DB,
	OPT_CONFIG,
	OPT_FROM,
	OPT_TO,
	OPT_INTERVAL,
	OPT_PROTOCOL,
};

#define METRICS_COMMON_OPTIONS \
	{ "output", required_argument, NULL, 'o' }, \
	{ "window", required_argument, NULL, OPT_WINDOW }, \
	{ "since", required_argument, NULL, OPT_SINCE }, \
	{ "db", required_argument, NULL, OPT_DB }, \
	{ "config", required_argument, NULL, OPT_CONFIG }, \
	{ "help", no_argument, NULL, 'h' }

static const struct option metrics_plain_options[] = {
	METRICS_COMMON_OPTIONS,
	{ NULL, 0, NULL, 0 },
};

static const struct option metrics_edges_options[] = {
	METRICS_COMMON_OPTIONS,
	{ "from", required_argument, NULL, OPT_FROM },
	{ "to", required_argument, NULL, OPT_TO },
	{ NULL, 0, NULL, 0 },
};

static const struct option metrics_top_options[] = {
	METRICS_COMMON_OPTIONS,
	{ "interval", required_argument, NULL, OPT_INTERVAL },
	{ NULL, 0, NULL, 0 },
};

static const struct option metrics_routes_options[] = {
	METRICS_COMMON_OPTIONS,
	{ "from", required_argument, NULL, OPT_FROM },
	{ "protocol", required_argument, NULL, OPT_PROTOCOL },
	{ NULL, 0, NULL, 0 },
};

static const struct metrics_verb_desc {
	const char *name;
	const struct option *options;
	enum cli_format def;
	/* -o FORMAT: the names taken, and how the error lists them */
	const char *const *formats;
	const char *formats_text;
} metrics_verbs[] = {
	[METRICS_STAT] = { "stat", metrics_plain_options, CLI_FORMAT_TABLE,
			   (const char *const[]){ "table", "wide", "json", NULL },
			   "table, wide or json" },
	[METRICS_EDGES] = { "edges", metrics_edges_options, CLI_FORMAT_TABLE,
			    (const char *const[]){ "table", "wide", "json", NULL },
			    "table, wide or json" },
	[METRICS_TOPOLOGY] = { "topology", metrics_plain_options,
			       CLI_FORMAT_DOT,
			       (const char *const[]){ "dot", "json", "svg", NULL },
			       "dot, json or svg" },
	[METRICS_TOP] = { "top", metrics_top_options, CLI_FORMAT_TABLE,
			  (const char *const[]){ "table", "wide", NULL },
			  "table or wide" },
	[METRICS_ROUTES] = { "routes", metrics_routes_options,
			     CLI_FORMAT_TABLE,
			     (const char *const[]){ "table", "wide", "json",
						    NULL },
			     "table, wide or json" },
};

static int metrics_format_value(const char *name, enum cli_format *format)
{
	static const struct {
		const char *name;
		enum cli_format format;
	} names[] = {
		{ "table", CLI_FORMAT_TABLE }, { "wide", CLI_FORMAT_WIDE },
		{ "json", CLI_FORMAT_JSON }, { "dot", CLI_FORMAT_DOT },
		{ "svg", CLI_FORMAT_SVG },
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(*names); i++) {
		if (!strcmp(names[i].name, name)) {
			*format = names[i].format;
			return 0;
		}
	}
	return -EINVAL;
}

static int metrics_parse_format(const struct metrics_verb_desc *d,
				const char *arg, enum cli_format *format)
{
	const char *const *f;

	for (f = d->formats; *f; f++)
		if (!strcmp(*f, arg))
			return metrics_format_value(arg, format);
	return -EINVAL;
}

int cli_check_service(const char *what, const char *name, char *err,
		      size_t errlen)
{
	size_t len = strlen(name);

	if (len && len < FM_NAME_MAX)
		return 0;
	snprintf(err, errlen, "invalid %s '%s'; a service name has 1 to %d bytes",
		 what, name, FM_NAME_MAX - 1);
	return -EINVAL;
}

int cli_parse_period(const char *window, const char *since, uint64_t now_s,
		     uint64_t *from_s, uint64_t *to_s, char *err,
		     size_t errlen)
{
	char reason[CLI_ERR_MAX];

	if (window && since) {
		snprintf(err, errlen, "--window and --since exclude each other; give one");
		return -EINVAL;
	}
	if (fm_period_parse(window, since, now_s, from_s, to_s, reason,
			    sizeof(reason))) {
		/* the library names the option "window" or "since" */
		snprintf(err, errlen, "--%s", reason);
		return -EINVAL;
	}
	return 0;
}

static int metrics_parse_interval(const char *arg, uint32_t *interval_s,
				  char *err, size_t errlen)
{
	if (fm_parse_duration(arg, interval_s) || !*interval_s ||
	    *interval_s > METRICS_INTERVAL_MAX) {
		snprintf(err, errlen, "invalid interval '%s'; use 1s to 1h, e.g. 2s or 1m",
			 arg);
		return -EINVAL;
	}
	return 0;
}

/* A name fm_l7_proto_name() gives, "unknown" included. */
static int metrics_parse_protocol(const char *arg, char *err, size_t errlen)
{
	if (!strcmp(fm_l7_proto_name(fm_l7_proto_by_name(arg)), arg))
		return 0;
	snprintf(err, errlen, "unknown protocol '%s'; use http, http2, grpc, tls, dns, mysql, postgresql, redis, memcache, smtp or unknown",
		 arg);
	return -EINVAL;
}

static int metrics_parse_opt(const struct metrics_verb_desc *d, int c,
			     struct metrics_opts *opts, char *err,
			     size_t errlen)
{
	switch (c) {
	case 'o':
		if (metrics_parse_format(d, optarg, &opts->format)) {
			snprintf(err, errlen, "unknown output format '%s'; use %s",
				 optarg, d->formats_text);
			return -EINVAL;
		}
		return 0;
	case OPT_WINDOW:
		opts->window = optarg;
		return 0;
	case OPT_SINCE:
		opts->since = optarg;
		return 0;
	case OPT_DB:
		return cli_opt_path("db", optarg, &opts->db_path, err, errlen);
	case OPT_CONFIG:
		return cli_opt_path("config", optarg, &opts->config_path, err,
				    errlen);
	case OPT_FROM:
		opts->client = optarg;
		return cli_check_service("--from service", optarg, err, errlen);
	case OPT_TO:
		opts->server = optarg;
		return cli_check_service("--to service", optarg, err, errlen);
	case OPT_INTERVAL:
		return metrics_parse_interval(optarg, &opts->interval_s, err,
					      errlen);
	case OPT_PROTOCOL:
		opts->protocol = optarg;
		return metrics_parse_protocol(optarg, err, errlen);
	}
	return -EINVAL;
}

int metrics_parse_args(enum metrics_verb verb, int argc, char **argv,
		       uint64_t now_s, struct metrics_opts *opts, char *err,
		       size_t errlen)
{
	const struct metrics_verb_desc *d = &metrics_verbs[verb];
	int c;

	*opts = (struct metrics_opts){
		.format = d->def,
		.interval_s = METRICS_INTERVAL_DEFAULT,
	};
	optind = 0;	/* a fresh argv: make getopt start over */
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":ho:", d->options, NULL)) != -1) {
		switch (c) {
		case 'h':
			return CLI_PARSE_HELP;
		case '?':
		case ':':
			cli_bad_option(c, argv, err, errlen);
			return CLI_PARSE_BAD;
		default:
			if (metrics_parse_opt(d, c, opts, err, errlen))
				return CLI_PARSE_BAD;
		}
	}
	if ((verb == METRICS_STAT || verb == METRICS_ROUTES) && optind < argc) {
		opts->service = argv[optind++];
		if (cli_check_service("service", opts->service, err, errlen))
			return CLI_PARSE_BAD;
	}
	if (cli_no_operands(argc, argv, err, errlen) != CLI_PARSE_OK)
		return CLI_PARSE_BAD;
	if (cli_parse_period(opts->window, opts->since, now_s, &opts->from_s,
			     &opts->to_s, err, errlen))
		return CLI_PARSE_BAD;
	return CLI_PARSE_OK;
}

/* --- the database -------------------------------------------------------- */

static int metrics_db_path(const char *config_path, char *path, size_t len)
{
	const char *file = config_path ? config_path : FM_AGENT_CONFIG_PATH;
	struct fm_agent_config cfg;
	int err;

	fm_agent_config_init(&cfg);
	err = fm_agent_config_load(file, &cfg, stderr);
	if (err == -ENOENT && !config_path) {
		/* no file is the same as the defaults */
		fm_agent_config_init(&cfg);
	} else if (err == -EINVAL) {
		fprintf(stderr, "flowmesh: %s: invalid configuration (see above)\n",
			file);
		return CLI_EXIT_RUNTIME;
	} else if (err) {
		fprintf(stderr, "flowmesh: cannot read %s: %s\n", file,
			strerror(-err));
		return CLI_EXIT_RUNTIME;
	}
	snprintf(path, len, "%s", cfg.db_path);
	return 0;
}

static int metrics_no_database(const char *path)
{
	fprintf(stderr, "flowmesh: no database at %s (is flowmeshd running?)\n",
		path);
	return CLI_EXIT_NO_AGENT;
}

int cli_open_store(const char *db_path, const char *config_path,
		   struct fm_store **out)
{
	char path[PATH_MAX], err[FM_STORE_ERR_MAX];
	struct stat st;
	int ret;

	if (db_path) {
		snprintf(path, sizeof(path), "%s", db_path);
	} else {
		ret = metrics_db_path(config_path, path, sizeof(path));
		if (ret)
			return ret;
	}
	/* told apart here: SQLite reports any file it cannot open alike */
	if (stat(path, &st) && errno == ENOENT)
		return metrics_no_database(path);

	err[0] = '\0';
	ret = fm_store_open(out, path, FM_STORE_READ, err, sizeof(err));
	if (!ret)
		return 0;
	if (ret == -ENOENT)
		return metrics_no_database(path);
	if (ret == -EACCES || ret == -EPERM) {
		fprintf(stderr, "flowmesh: permission denied: cannot read %s\n",
			path);
		return CLI_EXIT_PERMISSION;
	}
	fprintf(stderr, "flowmesh: %s: %s\n", path,
		err[0] ? err : strerror(-ret));
	return CLI_EXIT_RUNTIME;
}

int cli_report_store(struct fm_store *s, int err)
{
	fprintf(stderr, "flowmesh: reading the agent's database: %s\n",
		err == -ENOMEM || !s ? strerror(-err) : fm_store_errmsg(s));
	return CLI_EXIT_RUNTIME;
}

/* --- tables -------------------------------------------------------------- */

void cli_format_bytes(uint64_t bytes, char *buf, size_t len)
{
	static const char *const units[] = {
		"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB",
	};
	double v = (double)bytes;
	size_t u = 0;

	if (bytes < 1024) {
		snprintf(buf, len, "%" PRIu64 "B", bytes);
		return;
	}
	while (v >= 1024 && u < sizeof(units) / sizeof(*units) - 1) {
		v /= 1024;
		u++;
	}
	/* two or three figures, as ls -h prints them */
	if (v < 9.95)
		snprintf(buf, len, "%.1f%s", v, units[u]);
	else if (v < 1023.5)
		snprintf(buf, len, "%.0f%s", v, units[u]);
	else
		snprintf(buf, len, "1.0%s", units[u + 1]);
}

void cli_format_utc(uint64_t unix_s, char *buf, size_t len)
{
	time_t t = (time_t)unix_s;
	struct tm tm;

	if (unix_s > (uint64_t)INT64_MAX || !gmtime_r(&t, &tm) ||
	    !strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(buf, len, "%" PRIu64, unix_s);
}

enum metrics_cell {
	MC_SERVICE, MC_CLIENT, MC_SERVER, MC_SUCCESS, MC_RPS,
	MC_LATENCY_P50, MC_LATENCY_P95, MC_LATENCY_P99, MC_RTT_P50, MC_CONNS,
	MC_TX, MC_RX, MC_RTT_P95, MC_RTT_P99, MC_REQUESTS, MC_EXCHANGES,
	MC_TX_PKTS, MC_RX_PKTS, MC_RETRANS, MC_CLOSED,
	MC_NCELLS
};

static const struct cli_column metrics_cells[MC_NCELLS] = {
	[MC_SERVICE] = { "SERVICE", CLI_ALIGN_LEFT },
	[MC_CLIENT] = { "CLIENT", CLI_ALIGN_LEFT },
	[MC_SERVER] = { "SERVER", CLI_ALIGN_LEFT },
	[MC_SUCCESS] = { "SUCCESS", CLI_ALIGN_RIGHT },
	[MC_RPS] = { "RPS", CLI_ALIGN_RIGHT },
	[MC_LATENCY_P50] = { "LATENCY_P50", CLI_ALIGN_RIGHT },
	[MC_LATENCY_P95] = { "LATENCY_P95", CLI_ALIGN_RIGHT },
	[MC_LATENCY_P99] = { "LATENCY_P99", CLI_ALIGN_RIGHT },
	[MC_RTT_P50] = { "RTT_P50", CLI_ALIGN_RIGHT },
	[MC_CONNS] = { "CONNS", CLI_ALIGN_RIGHT },
	[MC_TX] = { "TX", CLI_ALIGN_RIGHT },
	[MC_RX] = { "RX", CLI_ALIGN_RIGHT },
	[MC_RTT_P95] = { "RTT_P95", CLI_ALIGN_RIGHT },
	[MC_RTT_P99] = { "RTT_P99", CLI_ALIGN_RIGHT },
	[MC_REQUESTS] = { "REQUESTS", CLI_ALIGN_RIGHT },
	[MC_EXCHANGES] = { "EXCHANGES", CLI_ALIGN_RIGHT },
	[MC_TX_PKTS] = { "TX_PKTS", CLI_ALIGN_RIGHT },
	[MC_RX_PKTS] = { "RX_PKTS", CLI_ALIGN_RIGHT },
	[MC_RETRANS] = { "RETRANS", CLI_ALIGN_RIGHT },
	[MC_CLOSED] = { "CLOSED", CLI_ALIGN_RIGHT },
};

/* After the name column(s), narrow tables show these, wide all. */
static const enum metrics_cell metrics_layout[] = {
	MC_SUCCESS, MC_RPS, MC_LATENCY_P50, MC_LATENCY_P95, MC_LATENCY_P99,
	MC_RTT_P50, MC_CONNS, MC_TX, MC_RX,
	/* -o wide */
	MC_RTT_P95, MC_RTT_P99, MC_REQUESTS, MC_EXCHANGES, MC_TX_PKTS,
	MC_RX_PKTS, MC_RETRANS, MC_CLOSED,
};

#define METRICS_NARROW	9
#define METRICS_WIDE	(sizeof(metrics_layout) / sizeof(*metrics_layout))
#define METRICS_CELL_MAX (FM_NAME_MAX + 8)

typedef char metrics_cells_t[MC_NCELLS][METRICS_CELL_MAX];

/* L7 looked at a sample of the flows: its counts are scaled up. */
static bool metrics_estimated(const struct fm_metrics_row *row)
{
	return row->l7 && row->sample_rate < 1.0;
}

static void metrics_quantile(char *cell, const struct fm_hist *h, double q)
{
	uint64_t us = fm_hist_quantile(h, q);

	if (!h->count)
		snprintf(cell, METRICS_CELL_MAX, "-");
	else
		cli_format_us(us > UINT64_MAX / 1000 ? UINT64_MAX : us * 1000,
			      cell, METRICS_CELL_MAX);
}

static void metrics_fill(metrics_cells_t c, const struct fm_metrics_row *row,
			 bool wide)
{
	const char *est = metrics_estimated(row) ? "~" : "";
	double rps = fm_metrics_rps(row);
	double success = fm_metrics_success_rate(row);

	snprintf(c[MC_SERVICE], METRICS_CELL_MAX, "%s", row->server);
	snprintf(c[MC_CLIENT], METRICS_CELL_MAX, "%s", row->client);
	snprintf(c[MC_SERVER], METRICS_CELL_MAX, "%s", row->server);
	if (success < 0)
		snprintf(c[MC_SUCCESS], METRICS_CELL_MAX, "-");
	else
		snprintf(c[MC_SUCCESS], METRICS_CELL_MAX, "%s%.2f%%", est,
			 success * 100);
	if (rps < 0)
		snprintf(c[MC_RPS], METRICS_CELL_MAX, "-");
	else
		snprintf(c[MC_RPS], METRICS_CELL_MAX, "%s%.2f", est, rps);
	metrics_quantile(c[MC_LATENCY_P50], &row->latency, 0.50);
	metrics_quantile(c[MC_LATENCY_P95], &row->latency, 0.95);
	metrics_quantile(c[MC_LATENCY_P99], &row->latency, 0.99);
	metrics_quantile(c[MC_RTT_P50], &row->rtt, 0.50);
	metrics_quantile(c[MC_RTT_P95], &row->rtt, 0.95);
	metrics_quantile(c[MC_RTT_P99], &row->rtt, 0.99);
	snprintf(c[MC_CONNS], METRICS_CELL_MAX, "%" PRIu64, row->opened);
	if (wide) {
		snprintf(c[MC_TX], METRICS_CELL_MAX, "%" PRIu64, row->tx_bytes);
		snprintf(c[MC_RX], METRICS_CELL_MAX, "%" PRIu64, row->rx_bytes);
	} else {
		cli_format_bytes(row->tx_bytes, c[MC_TX], METRICS_CELL_MAX);
		cli_format_bytes(row->rx_bytes, c[MC_RX], METRICS_CELL_MAX);
	}
	if (row->l7)
		snprintf(c[MC_REQUESTS], METRICS_CELL_MAX, "%s%" PRIu64, est,
			 row->requests);
	else
		snprintf(c[MC_REQUESTS], METRICS_CELL_MAX, "-");
	snprintf(c[MC_EXCHANGES], METRICS_CELL_MAX, "%" PRIu64, row->exchanges);
	snprintf(c[MC_TX_PKTS], METRICS_CELL_MAX, "%" PRIu64, row->tx_packets);
	snprintf(c[MC_RX_PKTS], METRICS_CELL_MAX, "%" PRIu64, row->rx_packets);
	snprintf(c[MC_RETRANS], METRICS_CELL_MAX, "%" PRIu64,
		 row->retransmits);
	snprintf(c[MC_CLOSED], METRICS_CELL_MAX, "%" PRIu64, row->closed);
}

static int metrics_print_table(FILE *out, const struct fm_metrics_rows *rows,
			       bool edges, bool wide)
{
	struct cli_column cols[MC_NCELLS];
	const char *row[MC_NCELLS];
	size_t i, ncols = 0;
	metrics_cells_t cells;
	struct cli_table t;
	int err = 0;

	if (edges) {
		cols[ncols] = metrics_cells[MC_CLIENT];
		row[ncols++] = cells[MC_CLIENT];
		cols[ncols] = metrics_cells[MC_SERVER];
		row[ncols++] = cells[MC_SERVER];
	} else {
		cols[ncols] = metrics_cells[MC_SERVICE];
		row[ncols++] = cells[MC_SERVICE];
	}
	for (i = 0; i < (wide ? METRICS_WIDE : METRICS_NARROW); i++) {
		cols[ncols] = metrics_cells[metrics_layout[i]];
		row[ncols++] = cells[metrics_layout[i]];
	}
	cli_table_init(&t, cols, ncols);
	for (i = 0; i < rows->len && !err; i++) {
		metrics_fill(cells, &rows->v[i], wide);
		err = cli_table_add(&t, row);
	}
	if (!err)
		err = cli_table_print(&t, out);
	cli_table_free(&t);
	return err;
}

int metrics_print(FILE *out, const struct fm_metrics_rows *rows, bool edges,
		  enum cli_format format)
{
	json_t *json;
	int err;

	if (format != CLI_FORMAT_JSON)
		return metrics_print_table(out, rows, edges,
					   format == CLI_FORMAT_WIDE);
	json = edges ? fm_edge_rows_to_json(rows) : fm_stat_rows_to_json(rows);
	err = cli_print_json_flags(out, json, FM_JSON_METRICS_FLAGS);
	json_decref(json);
	return err;
}

/* The rows a verb shows; @services or @edges may be NULL when not wanted. */
int metrics_query(struct fm_store *s, const struct metrics_opts *opts,
		  uint64_t from_s, uint64_t to_s,
		  struct fm_metrics_rows *services,
		  struct fm_metrics_rows *edges)
{
	const struct fm_query q = {
		.from_s = from_s,
		.to_s = to_s,
		.service = opts->service,
		.client = opts->client,
		.server = opts->server,
	};
	int err = 0;

	if (services)
		err = fm_query_stat(s, &q, services);
	if (!err && edges)
		err = fm_query_edges(s, &q, edges);
	return err;
}

int metrics_run(enum metrics_verb verb, int argc, char **argv,
		void (*help)(FILE *out))
{
	const char *name = metrics_verbs[verb].name;
	struct fm_metrics_rows rows = { 0 };
	bool edges = verb == METRICS_EDGES;
	char reason[CLI_ERR_MAX];
	struct metrics_opts opts;
	struct fm_store *s;
	int ret, err;

	ret = cli_parsed(metrics_parse_args(verb, argc, argv,
					    (uint64_t)time(NULL), &opts,
					    reason, sizeof(reason)),
			 name, help, reason);
	if (ret >= 0)
		return ret;
	ret = cli_open_store(opts.db_path, opts.config_path, &s);
	if (ret)
		return ret;
	err = metrics_query(s, &opts, opts.from_s, opts.to_s,
			    edges ? NULL : &rows, edges ? &rows : NULL);
	if (err) {
		ret = cli_report_store(s, err);
	} else {
		err = metrics_print(stdout, &rows, edges, opts.format);
		if (err)
			ret = cli_report(err, "printing metrics");
	}
	fm_metrics_rows_free(&rows);
	fm_store_close(s);
	return ret;
}
