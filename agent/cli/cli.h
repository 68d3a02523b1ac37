/* SPDX-License-Identifier: GPL-2.0 */
/* What the flowmesh CLI's verbs share, and each verb's entry points. */
#ifndef FLOWMESH_CLI_H
#define FLOWMESH_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <jansson.h>
#include "lib/flow.h"
#include "lib/config.h"
#include "lib/stats.h"

struct fm_nl;
struct flowmesh_record;

/* Exit status of every verb, as listed in --help. */
enum cli_exit {
	CLI_EXIT_OK = 0,
	CLI_EXIT_RUNTIME = 1,
	CLI_EXIT_USAGE = 2,
	CLI_EXIT_PERMISSION = 3,
	CLI_EXIT_NO_MODULE = 4,
	CLI_EXIT_NO_AGENT = 5,	/* no database, or flowmeshd not running */
};

enum cli_format {
	CLI_FORMAT_TABLE,
	CLI_FORMAT_JSON,
	CLI_FORMAT_WIDE,	/* tables with every column */
	CLI_FORMAT_DOT,		/* topology: Graphviz */
	CLI_FORMAT_SVG,		/* topology: Graphviz, rendered by dot(1) */
};

/* What parsing a verb's arguments found. */
enum cli_parse {
	CLI_PARSE_OK,
	CLI_PARSE_HELP,
	CLI_PARSE_BAD,		/* the reason is in the error buffer */
};

#define CLI_ERR_MAX 256

/* cli.c */
extern const char cli_exit_status_help[];
int cli_parse_format(const char *arg, enum cli_format *format);
int cli_parse_u32(const char *arg, uint32_t *value);
void cli_bad_option(int c, char **argv, char *err, size_t errlen);
/* After the options, for verbs that take no operands: CLI_PARSE_OK or _BAD. */
enum cli_parse cli_no_operands(int argc, char **argv, char *err,
			       size_t errlen);
/* -o table|json into @format: 0, or -EINVAL with the reason in @err. */
int cli_opt_format(const char *arg, enum cli_format *format, char *err,
		   size_t errlen);
/* The PATH of option --@name, which must not be empty: 0 or -EINVAL. */
int cli_opt_path(const char *name, const char *arg, const char **out,
		 char *err, size_t errlen);
/* A count of 1 to 2^32-1 (--count, --limit): 0 or -EINVAL. */
int cli_opt_count(const char *name, const char *arg, uint32_t *out,
		  char *err, size_t errlen);
int cli_usage_error(const char *verb, const char *reason);
/*
 * What a verb does once its arguments are parsed: prints its help or the
 * usage error and returns the exit code, or returns -1 to carry on.
 */
int cli_parsed(enum cli_parse parsed, const char *verb,
	       void (*help)(FILE *out), const char *reason);
int cli_connect(struct fm_nl *nl);
int cli_report_family(int err, uint32_t kernel_version);
int cli_report(int err, const char *doing);
/* cli_report(), with what the kernel said about it (extended ACK) */
int cli_report_nl(const struct fm_nl *nl, int err, const char *doing);
int cli_print_json(FILE *out, json_t *json);
/* with jansson dump @flags, e.g. FM_JSON_METRICS_FLAGS */
int cli_print_json_flags(FILE *out, json_t *json, size_t flags);
uint64_t cli_now_ns(void);
void cli_format_duration(uint64_t ns, char *buf, size_t len);
/* "  NAME  text", the text wrapped at 79 columns and indented to @col */
void cli_print_wrapped(FILE *out, const char *name, size_t col,
		       const char *text);
/* A latency for tables: 850us, 1.2ms, 2.35s, 120s */
void cli_format_us(uint64_t ns, char *buf, size_t len);

/* table.c: columns aligned like ss(8) and conntrack(8) */
enum cli_align {
	CLI_ALIGN_LEFT,
	CLI_ALIGN_RIGHT,
};

struct cli_column {
	const char *name;
	enum cli_align align;
};

struct cli_table {
	const struct cli_column *cols;
	size_t ncols;
	char **cells;		/* row-major, ncols per row */
	size_t nrows;
	size_t cap;
};

void cli_table_init(struct cli_table *t, const struct cli_column *cols,
		    size_t ncols);
int cli_table_add(struct cli_table *t, const char *const *cells);
int cli_table_print(const struct cli_table *t, FILE *out);
void cli_table_free(struct cli_table *t);

/* flows.c */
#define FLOWS_LIMIT_DEFAULT 1000

struct flows_opts {
	enum cli_format format;
	struct fm_flow_filter filter;	/* live flows */
	/* closed flows from the agent's store: --since given */
	const char *since;
	uint64_t from_s, to_s;		/* the period, from --since and now */
	uint32_t limit;
	const char *client;		/* --from, --to: services; NULL: any */
	const char *server;
	const char *db_path;		/* NULL: from the config file */
	const char *config_path;	/* NULL: FM_AGENT_CONFIG_PATH */
};

int flows_parse_args(int argc, char **argv, struct flows_opts *opts,
		     char *err, size_t errlen);
int flows_print_table(FILE *out, const struct fm_flows *flows,
		      uint64_t now_ns, bool wide);
int flows_print_json(FILE *out, const struct fm_flows *flows);
void flows_help(FILE *out);
int flows_main(int argc, char **argv);

/* status.c */
struct status_opts {
	enum cli_format format;
	const char *socket;	/* flowmeshd's; NULL: from the config file */
};

/* What status shows; version and config may be missing (NULL). */
struct status_info {
	const char *version;
	const struct fm_stats *stats;
	const struct fm_config *config;
	json_t *agent;		/* flowmeshd's status; NULL: not running */
	const char *agent_socket;	/* where it was looked for */
};

#define STATUS_VERSION_PATH "/sys/module/flowmesh/version"

int status_parse_args(int argc, char **argv, struct status_opts *opts,
		      char *err, size_t errlen);
/* The module's version from @path, or NULL. */
const char *status_read_version(const char *path, char *buf, size_t len);
int status_print_table(FILE *out, const struct status_info *info);
int status_print_json(FILE *out, const struct status_info *info);
void status_help(FILE *out);
int status_main(int argc, char **argv);

/* config.c */
enum config_action {
	CONFIG_GET,
	CONFIG_SET,
};

struct config_opts {
	enum config_action action;
	enum cli_format format;
	struct fm_config set;	/* what config set sends */
};

int config_parse_args(int argc, char **argv, struct config_opts *opts,
		      char *err, size_t errlen);
int config_print_table(FILE *out, const struct fm_config *cfg);
int config_print_json(FILE *out, const struct fm_config *cfg);
/* The refusal of a SET_CONFIG, with the kernel's reason. */
int config_report_set(const struct fm_nl *nl, int err);
void config_help(FILE *out);
int config_main(int argc, char **argv);

/* events.c */
struct events_opts {
	enum cli_format format;
	bool follow;
	uint64_t count;		/* 0: no limit */
	uint64_t timeout_ms;	/* 0: none */
	bool raw;		/* -o raw: struct flowmesh_record, binary */
};

/* How the follow loop waits and tells time; tests script both. */
enum events_wake {
	EVENTS_WAKE_TIMEOUT,	/* nothing came in time */
	EVENTS_WAKE_READY,	/* DATA_READY (or a garbled notification) */
	EVENTS_WAKE_OVERRUN,	/* notifications were lost: ENOBUFS */
	EVENTS_WAKE_STOP,	/* SIGINT or SIGTERM */
};

struct events_hooks {
	/* an events_wake, or a negative errno */
	int (*wait)(void *ctx, int timeout_ms);
	uint64_t (*now_ms)(void *ctx);	/* monotonic */
	bool (*stopped)(void *ctx);	/* a signal asked to stop */
	void *ctx;
};

struct events_run {
	const struct events_opts *opts;
	struct fm_nl *nl;		/* for FLOWMESH_CMD_DRAIN */
	const struct events_hooks *hooks;
	FILE *out;
	uint64_t printed;		/* records printed */
	uint64_t drains;		/* DRAIN dumps sent */
	uint64_t overruns;		/* times notifications were lost */
	bool limit_reached;		/* --count records printed */
	bool header_printed;		/* table: the column names */
};

#define EVENTS_SAFETY_MS 1000	/* drain at least this often with --follow */

int events_parse_args(int argc, char **argv, struct events_opts *opts,
		      char *err, size_t errlen);
int events_print_header(FILE *out, enum cli_format format);
int events_print_record(FILE *out, enum cli_format format,
			const struct flowmesh_record *rec);
/* Drains and prints until the options say stop: 0 or a negative errno. */
int events_loop(struct events_run *run);
void events_help(FILE *out);
int events_main(int argc, char **argv);

/* metrics.c: what the verbs over the agent's store share */
struct fm_store;
struct fm_metrics_rows;

enum metrics_verb {
	METRICS_STAT,
	METRICS_EDGES,
	METRICS_TOPOLOGY,
	METRICS_TOP,
	METRICS_ROUTES,		/* parsing only: routes prints its own rows */
};

#define METRICS_INTERVAL_DEFAULT 2	/* top: seconds between frames */
#define METRICS_INTERVAL_MAX 3600

struct metrics_opts {
	enum cli_format format;
	const char *window;	/* as given; NULL: not given */
	const char *since;
	uint64_t from_s, to_s;	/* the period at parse time */
	const char *db_path;	/* NULL: from the config file */
	const char *config_path;	/* NULL: FM_AGENT_CONFIG_PATH */
	const char *service;	/* stat, routes SERVICE; NULL: every service */
	const char *client;	/* edges, routes --from; NULL: any */
	const char *server;	/* edges --to */
	const char *protocol;	/* routes --protocol; NULL: any */
	uint32_t interval_s;	/* top --interval */
};

/*
 * Ends the --help description of stat, edges and routes: which windows a
 * period reads; then opens their options with -o.
 */
extern const char metrics_windows_help[];
/* Options every such verb takes, for the verbs' --help. */
extern const char metrics_common_help[];
extern const char metrics_columns_help[];

/* The period is worked out against @now_s (Unix seconds). */
int metrics_parse_args(enum metrics_verb verb, int argc, char **argv,
		       uint64_t now_s, struct metrics_opts *opts, char *err,
		       size_t errlen);
/* fm_period_parse() with its reason worded for the command line. */
int cli_parse_period(const char *window, const char *since, uint64_t now_s,
		     uint64_t *from_s, uint64_t *to_s, char *err,
		     size_t errlen);
/* A service name for --from, --to, stat SERVICE: 0 or -EINVAL. */
int cli_check_service(const char *what, const char *name, char *err,
		      size_t errlen);
/*
 * Opens the agent's database read-only: @db_path, else the "database" of
 * @config_path (NULL: the default file, which may be missing), else the
 * default path.  0, or the exit status after printing why not.
 */
int cli_open_store(const char *db_path, const char *config_path,
		   struct fm_store **out);
/* Prints why a query failed; the exit status. */
int cli_report_store(struct fm_store *s, int err);
/* The rows of the period; @services or @edges NULL: not wanted. */
int metrics_query(struct fm_store *s, const struct metrics_opts *opts,
		  uint64_t from_s, uint64_t to_s,
		  struct fm_metrics_rows *services,
		  struct fm_metrics_rows *edges);
/* stat and edges: parse, open, query, print; the exit status. */
int metrics_run(enum metrics_verb verb, int argc, char **argv,
		void (*help)(FILE *out));
/* Per service (@edges false) or per edge, as table, wide or json. */
int metrics_print(FILE *out, const struct fm_metrics_rows *rows, bool edges,
		  enum cli_format format);
/* 512B, 1.2KiB, 15MiB: bytes for tables */
void cli_format_bytes(uint64_t bytes, char *buf, size_t len);
/* "2025-11-26T12:00:00Z" */
void cli_format_utc(uint64_t unix_s, char *buf, size_t len);

/* stat.c, edges.c, topology.c, top.c */
int stat_main(int argc, char **argv);
void stat_help(FILE *out);
int edges_main(int argc, char **argv);
void edges_help(FILE *out);
int topology_main(int argc, char **argv);
void topology_help(FILE *out);
/* The graph in Graphviz's language over [@from_s, @to_s). */
int topology_print_dot(FILE *out, const struct fm_metrics_rows *services,
		       const struct fm_metrics_rows *edges, uint64_t from_s,
		       uint64_t to_s);
/*
 * Feeds @text to "@program -Tsvg", whose output goes to @out_fd.  0,
 * -ENOENT when @program is not installed, -EPROTO when it failed, or a
 * negative errno.
 */
int topology_run_dot(const char *program, const char *text, size_t len,
		     int out_fd);

/* What one frame of top shows. */
struct top_frame {
	const struct fm_metrics_rows *services;
	const struct fm_metrics_rows *edges;	/* NULL: not shown */
	uint64_t now_s, from_s, to_s;
	uint32_t interval_s;
	bool wide;
};

int top_main(int argc, char **argv);
void top_help(FILE *out);
/*
 * The frame as at most @height lines of at most @width bytes: a header
 * (time, period, keys), the services and, when given, the edges.
 */
int top_render(FILE *out, const struct top_frame *frame, int width,
	       int height);
/* routes.c */
struct fm_route_rows;

/* As table, wide or json. */
int routes_print(FILE *out, const struct fm_route_rows *rows,
		 enum cli_format format);
int routes_main(int argc, char **argv);
void routes_help(FILE *out);

/* tap.c: flowmeshd's control socket */
struct tap_opts {
	enum cli_format format;
	const char *from;	/* services; NULL: any */
	const char *to;
	uint16_t port;		/* 0: any */
	bool requests;		/* L7 request events only */
	uint32_t count;		/* 0: no limit */
	const char *socket;	/* NULL: from the config file */
};

#define CLI_AGENT_TIMEOUT_MS 2000	/* for the status reply */

int tap_parse_args(int argc, char **argv, struct tap_opts *opts, char *err,
		   size_t errlen);
int tap_print_header(FILE *out, enum cli_format format);
/* One event line of the socket (a JSON object), as table or JSON. */
int tap_print_event(FILE *out, enum cli_format format, json_t *ev);
int tap_main(int argc, char **argv);
void tap_help(FILE *out);
int classify_main(int argc, char **argv);
void classify_help(FILE *out);
/* @opt, else the config file's "socket", else the default; 0 or an exit. */
int cli_agent_socket_path(const char *opt, char *path, size_t len);
/* Connects and sends @request as one line; *@out reads the replies. */
int cli_agent_connect(const char *path, json_t *request, FILE **out);
/*
 * flowmeshd's status document into *@status, NULL when it is not running
 * (returns 0 then too); a negative errno when it answered wrongly.
 */
int cli_agent_status(const char *path, json_t **status);

#endif /* FLOWMESH_CLI_H */
