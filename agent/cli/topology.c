// SPDX-License-Identifier: GPL-2.0
/* flowmesh topology: the service graph, as Graphviz text, SVG or JSON. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>
#include "cli/cli.h"
#include "lib/json.h"
#include "lib/query.h"
#include "lib/store.h"

#define TOPOLOGY_DOT "dot"

static const char topology_usage[] =
	"Usage: flowmesh topology [-o dot|json|svg] [--window DUR | --since TIME|DUR]\n"
	"                         [--db PATH] [--config PATH]\n";

static const char topology_description[] =
	"\n"
	"Print the graph of services over a period, from the database\n"
	"flowmeshd writes: one node per service, one arrow per caller ->\n"
	"callee pair that exchanged traffic, labelled with their metrics.\n"
	"\n"
	"Options:\n"
	"  -o, --output FORMAT  dot (the default): Graphviz's language, to\n"
	"                       render with dot(1); svg: rendered by dot -Tsvg\n"
	"                       (needs Graphviz installed); json\n";

static const char topology_fields[] =
	"\n"
	"In dot and svg, a node is labelled with the service's name, its L7\n"
	"requests per second (rps) and success rate (%) when known; an arrow\n"
	"with the pair's requests per second, the 95th percentile of its\n"
	"response time (us, ms, s) and the IP bytes it carried both ways (B,\n"
	"KiB, MiB, GiB).  A \"~\" marks an estimate from sampled flows.  A\n"
	"comment on the first line gives the period in UTC.\n"
	"\n"
	"JSON output: one object, {\"nodes\": [...], \"edges\": [...]}: nodes\n"
	"as 'flowmesh stat -o json' prints services, edges as 'flowmesh edges\n"
	"-o json' prints them; the same document the agent's HTTP API serves.\n"
	"\n";

static const char topology_examples[] =
	"\n"
	"Examples:\n"
	"  flowmesh topology | dot -Tpng > mesh.png\n"
	"  flowmesh topology -o svg --window 1h > mesh.svg\n"
	"  flowmesh topology -o json | jq '.edges | length'\n";

void topology_help(FILE *out)
{
	fputs(topology_usage, out);
	fputs(topology_description, out);
	fputs(metrics_common_help, out);
	fputs(topology_fields, out);
	fputs(cli_exit_status_help, out);
	fputs(topology_examples, out);
}

/*
 * A name in a quoted DOT string: only '"' has a meaning there, but a
 * backslash would escape the closing quote or, in a label, start an
 * escape sequence, so both are escaped.
 */
static void topology_escape(FILE *out, const char *name)
{
	for (; *name; name++) {
		if (*name == '"' || *name == '\\')
			fputc('\\', out);
		fputc(*name, out);
	}
}

static void topology_quote(FILE *out, const char *name)
{
	fputc('"', out);
	topology_escape(out, name);
	fputc('"', out);
}

static bool topology_estimated(const struct fm_metrics_row *row)
{
	return row->l7 && row->sample_rate < 1.0;
}

/* @sep then "RPS rps", or nothing when unknown: whether it wrote. */
static bool topology_rps(FILE *out, const struct fm_metrics_row *row,
			 const char *sep)
{
	double rps = fm_metrics_rps(row);

	if (rps < 0)
		return false;
	fprintf(out, "%s%s%.2f rps", sep, topology_estimated(row) ? "~" : "",
		rps);
	return true;
}

/* DOT's "\n" in a label is a line break. */
static void topology_node(FILE *out, const struct fm_metrics_row *row)
{
	double success = fm_metrics_success_rate(row);

	fputc('\t', out);
	topology_quote(out, row->server);
	fputs(" [label=\"", out);
	topology_escape(out, row->server);
	topology_rps(out, row, "\\n");
	if (success >= 0)
		fprintf(out, "\\n%s%.2f%%", topology_estimated(row) ? "~" : "",
			success * 100);
	fputs("\"];\n", out);
}

static void topology_edge(FILE *out, const struct fm_metrics_row *row)
{
	uint64_t bytes = row->tx_bytes + row->rx_bytes, p95;
	const char *sep;
	char buf[32];

	if (bytes < row->tx_bytes)
		bytes = UINT64_MAX;
	fputc('\t', out);
	topology_quote(out, row->client);
	fputs(" -> ", out);
	topology_quote(out, row->server);
	fputs(" [label=\"", out);
	sep = topology_rps(out, row, "") ? "\\n" : "";
	if (row->latency.count) {
		p95 = fm_hist_quantile(&row->latency, 0.95);
		cli_format_us(p95 > UINT64_MAX / 1000 ? UINT64_MAX : p95 * 1000,
			      buf, sizeof(buf));
		fprintf(out, "%sp95 %s", sep, buf);
		sep = "\\n";
	}
	cli_format_bytes(bytes, buf, sizeof(buf));
	fprintf(out, "%s%s\"];\n", sep, buf);
}

int topology_print_dot(FILE *out, const struct fm_metrics_rows *services,
		       const struct fm_metrics_rows *edges, uint64_t from_s,
		       uint64_t to_s)
{
	char from[32], to[32];
	size_t i;

	cli_format_utc(from_s, from, sizeof(from));
	cli_format_utc(to_s, to, sizeof(to));
	fprintf(out, "/* flowmesh topology from %s to %s */\n", from, to);
	fputs("digraph flowmesh {\n"
	      "\trankdir=LR;\n"
	      "\tnode [shape=box, style=rounded, fontname=\"sans-serif\"];\n"
	      "\tedge [fontname=\"sans-serif\", fontsize=10];\n", out);
	for (i = 0; i < services->len; i++)
		topology_node(out, &services->v[i]);
	for (i = 0; i < edges->len; i++)
		topology_edge(out, &edges->v[i]);
	fputs("}\n", out);
	return ferror(out) ? -EIO : 0;
}

static int topology_write_all(int fd, const char *text, size_t len)
{
	ssize_t n;

	while (len) {
		n = write(fd, text, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		text += n;
		len -= (size_t)n;
	}
	return 0;
}

int topology_run_dot(const char *program, const char *text, size_t len,
		     int out_fd)
{
	char *argv[] = { (char *)program, "-Tsvg", NULL };
	struct sigaction ign = { .sa_handler = SIG_IGN }, old;
	posix_spawn_file_actions_t fa;
	int pipefd[2], status, err;
	pid_t pid;

	if (pipe2(pipefd, O_CLOEXEC))
		return -errno;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, pipefd[0], STDIN_FILENO);
	if (out_fd != STDOUT_FILENO)
		posix_spawn_file_actions_adddup2(&fa, out_fd, STDOUT_FILENO);
	err = posix_spawnp(&pid, program, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(pipefd[0]);
	if (err) {
		close(pipefd[1]);
		return -err;
	}
	/* a dot that stops reading is reported by its exit status */
	sigaction(SIGPIPE, &ign, &old);
	err = topology_write_all(pipefd[1], text, len);
	close(pipefd[1]);
	sigaction(SIGPIPE, &old, NULL);
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			return -errno;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		return -EPROTO;
	return err;
}

static int topology_svg(const struct fm_metrics_rows *services,
			const struct fm_metrics_rows *edges,
			const struct metrics_opts *opts)
{
	char *text = NULL;
	size_t len = 0;
	FILE *mem;
	int err;

	mem = open_memstream(&text, &len);
	if (!mem)
		return cli_report(-ENOMEM, "printing the topology");
	err = topology_print_dot(mem, services, edges, opts->from_s,
				 opts->to_s);
	if (fclose(mem) && !err)
		err = -ENOMEM;
	/* what we printed so far must come before dot's output */
	if (!err && fflush(stdout))
		err = -errno;
	if (!err)
		err = topology_run_dot(TOPOLOGY_DOT, text, len, STDOUT_FILENO);
	free(text);
	switch (-err) {
	case 0:
		return CLI_EXIT_OK;
	case ENOENT:
		fprintf(stderr, "flowmesh: -o svg needs Graphviz's dot (apt-get install graphviz)\n");
		return CLI_EXIT_RUNTIME;
	case EPROTO:
		fprintf(stderr, "flowmesh: dot -Tsvg failed\n");
		return CLI_EXIT_RUNTIME;
	}
	return cli_report(err, "running dot -Tsvg");
}

static int topology_print(const struct fm_metrics_rows *services,
			  const struct fm_metrics_rows *edges,
			  const struct metrics_opts *opts)
{
	json_t *json;
	int err;

	switch (opts->format) {
	case CLI_FORMAT_SVG:
		return topology_svg(services, edges, opts);
	case CLI_FORMAT_JSON:
		json = fm_topology_to_json(services, edges);
		err = cli_print_json_flags(stdout, json,
						   FM_JSON_METRICS_FLAGS);
		json_decref(json);
		break;
	default:
		err = topology_print_dot(stdout, services, edges, opts->from_s,
					 opts->to_s);
	}
	return err ? cli_report(err, "printing the topology") : CLI_EXIT_OK;
}

int topology_main(int argc, char **argv)
{
	struct fm_metrics_rows services = { 0 }, edges = { 0 };
	char reason[CLI_ERR_MAX];
	struct metrics_opts opts;
	struct fm_store *s;
	int ret, err;

	ret = cli_parsed(metrics_parse_args(METRICS_TOPOLOGY, argc, argv,
					    (uint64_t)time(NULL), &opts,
					    reason, sizeof(reason)),
			 "topology", topology_help, reason);
	if (ret >= 0)
		return ret;
	ret = cli_open_store(opts.db_path, opts.config_path, &s);
	if (ret)
		return ret;
	err = metrics_query(s, &opts, opts.from_s, opts.to_s, &services,
			    &edges);
	if (err)
		ret = cli_report_store(s, err);
	else
		ret = topology_print(&services, &edges, &opts);
	fm_metrics_rows_free(&services);
	fm_metrics_rows_free(&edges);
	fm_store_close(s);
	return ret;
}
