/* SPDX-License-Identifier: GPL-2.0 */
/* What the flowmesh CLI's verbs share, and each verb's entry points. */
#ifndef FLOWMESH_CLI_H
#define FLOWMESH_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <jansson.h>

struct fm_nl;
struct fm_flows;
struct fm_stats;

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
int cli_connect(struct fm_nl *nl);
int cli_report_family(int err, uint32_t kernel_version);
int cli_report(int err, const char *doing);
int cli_print_json(FILE *out, json_t *json);
uint64_t cli_now_ns(void);
void cli_format_duration(uint64_t ns, char *buf, size_t len);

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
	bool netns_set;
	uint32_t netns;
};

int flows_parse_args(int argc, char **argv, struct flows_opts *opts,
		     char *err, size_t errlen);
int flows_print_table(FILE *out, const struct fm_flows *flows,
		      uint64_t now_ns);
int flows_print_json(FILE *out, const struct fm_flows *flows);
void flows_help(FILE *out);
int flows_main(int argc, char **argv);

/* status.c */
struct status_opts {
	enum cli_format format;
};

int status_parse_args(int argc, char **argv, struct status_opts *opts,
		      char *err, size_t errlen);
int status_print_table(FILE *out, const struct fm_stats *stats);
int status_print_json(FILE *out, const struct fm_stats *stats);
void status_help(FILE *out);
int status_main(int argc, char **argv);

#endif /* FLOWMESH_CLI_H */
