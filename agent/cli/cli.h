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
};

enum cli_format {
	CLI_FORMAT_TABLE,
	CLI_FORMAT_JSON,
	CLI_FORMAT_WIDE,	/* flows only: every column */
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
struct flows_opts {
	enum cli_format format;
	struct fm_flow_filter filter;
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
};

/* What status shows; version and config may be missing (NULL). */
struct status_info {
	const char *version;
	const struct fm_stats *stats;
	const struct fm_config *config;
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

#endif /* FLOWMESH_CLI_H */
