// SPDX-License-Identifier: GPL-2.0
/*
 * flowmesh tap: the records flowmeshd is aggregating and the L7 requests
 * of its inspected flows, live, from its control socket (docs/api.md).
 * Unlike `flowmesh events` it takes nothing away from the agent, and
 * events come named with their services.  Also the socket client
 * `flowmesh status` asks the agent's status with.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include "cli/cli.h"
#include "lib/agent_config.h"
#include "lib/identity.h"
#include "lib/json.h"

static const char tap_usage[] =
	"Usage: flowmesh tap [--from SERVICE] [--to SERVICE] [--port N]\n"
	"                    [--requests] [-o table|json] [--count N]\n"
	"                    [--socket PATH]\n";

static const char tap_description[] =
	"\n"
	"Stream what flowmeshd sees as it happens: the records it receives\n"
	"from the kernel module (flows opened, updated and closed, RTT and\n"
	"response time samples) and every L7 request that an inspected flow\n"
	"(1 in inspect_one_in) finishes, each with the client's and the\n"
	"server's service and the flow's application protocol.  The agent\n"
	"keeps aggregating them: tapping takes nothing away.  It sends at most\n"
	"tap_rate events a second to each tap (its setting, default 1000),\n"
	"records and requests together; events beyond that, or that a slow\n"
	"reader could not take, are dropped and their number reported.\n"
	"\n"
	"Runs until Ctrl-C (SIGINT), SIGTERM, --count events, or flowmeshd\n"
	"stops.\n"
	"\n"
	"Options:\n"
	"      --from SERVICE    only events whose client is SERVICE\n"
	"      --to SERVICE      only events whose server is SERVICE\n"
	"  -p, --port N          only events with N as client or server port\n"
	"      --requests        only L7 requests, no records\n"
	"  -o, --output FORMAT   table (the default) or json\n"
	"  -c, --count N         stop after N events\n"
	"      --socket PATH     flowmeshd's control socket (default: the\n"
	"                        'socket' setting of " FM_AGENT_CONFIG_PATH ",\n"
	"                        else " FM_AGENT_SOCKET_PATH ")\n"
	"  -h, --help            show this help and exit\n"
	"\n"
	"JSON output: one object per line.  A record has the fields of\n"
	"'flowmesh events -o json' (protocol among them) plus client_service\n"
	"and server_service (strings).  A request has type \"request\", time\n"
	"(Unix seconds of the first byte of the response), proto, family,\n"
	"netns, client, server, client_port, server_port, client_service,\n"
	"server_service, protocol, method, route, status (null when the\n"
	"protocol has none), failed (true or false), latency_us (first byte of\n"
	"the request to first byte of its response, in microseconds),\n"
	"estimated (true when not every flow is inspected) and sample_rate\n"
	"(the share of flows inspected, 0 to 1).  A line {\"dropped\": N} says\n"
	"N events were not sent.\n"
	"\n"
	"Table columns: TIME (UTC, to the microsecond), TYPE (the record's type,\n"
	"or request), PROTOCOL (the flow's application protocol, as in\n"
	"'flowmesh flows'; unknown until detected), CLIENT and SERVER (service,\n"
	"then address:port), VALUE (the sample of rtt and response records, a\n"
	"request's latency), DETAIL (a record: the flow's IP bytes so far, tx\n"
	"client to server and rx back; a request: method, route and status,\n"
	"then \"failed\" when it failed).\n"
	"\n";

static const char tap_examples[] =
	"\n"
	"Examples:\n"
	"  flowmesh tap --to api\n"
	"  flowmesh tap --requests --port 8080\n"
	"  flowmesh tap --port 5432 -o json --count 100\n";

void tap_help(FILE *out)
{
	fputs(tap_usage, out);
	fputs(tap_description, out);
	fputs(cli_exit_status_help, out);
	fputs(tap_examples, out);
}

enum { TAP_OPT_FROM = 256, TAP_OPT_TO, TAP_OPT_REQUESTS, TAP_OPT_SOCKET };

static const struct option tap_options[] = {
	{ "from", required_argument, NULL, TAP_OPT_FROM },
	{ "to", required_argument, NULL, TAP_OPT_TO },
	{ "port", required_argument, NULL, 'p' },
	{ "requests", no_argument, NULL, TAP_OPT_REQUESTS },
	{ "output", required_argument, NULL, 'o' },
	{ "count", required_argument, NULL, 'c' },
	{ "socket", required_argument, NULL, TAP_OPT_SOCKET },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

int tap_parse_args(int argc, char **argv, struct tap_opts *opts, char *err,
		   size_t errlen)
{
	uint32_t v;
	int c;

	*opts = (struct tap_opts){ .format = CLI_FORMAT_TABLE };
	optind = 0;	/* a fresh argv: make getopt start over */
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":hp:o:c:", tap_options,
				NULL)) != -1) {
		switch (c) {
		case 'h':
			return CLI_PARSE_HELP;
		case TAP_OPT_FROM:
			if (cli_check_service("--from service", optarg, err,
					      errlen))
				return CLI_PARSE_BAD;
			opts->from = optarg;
			break;
		case TAP_OPT_TO:
			if (cli_check_service("--to service", optarg, err,
					      errlen))
				return CLI_PARSE_BAD;
			opts->to = optarg;
			break;
		case 'p':
			if (cli_parse_u32(optarg, &v) || !v || v > 65535) {
				snprintf(err, errlen, "invalid port '%s'; use 1 to 65535",
					 optarg);
				return CLI_PARSE_BAD;
			}
			opts->port = (uint16_t)v;
			break;
		case TAP_OPT_REQUESTS:
			opts->requests = true;
			break;
		case 'o':
			if (cli_opt_format(optarg, &opts->format, err, errlen))
				return CLI_PARSE_BAD;
			break;
		case 'c':
			if (cli_opt_count("count", optarg, &opts->count, err,
					  errlen))
				return CLI_PARSE_BAD;
			break;
		case TAP_OPT_SOCKET:
			if (cli_opt_path("socket", optarg, &opts->socket, err,
					 errlen))
				return CLI_PARSE_BAD;
			break;
		default:
			cli_bad_option(c, argv, err, errlen);
			return CLI_PARSE_BAD;
		}
	}
	return cli_no_operands(argc, argv, err, errlen);
}

/* --- the control socket ------------------------------------------------------ */

int cli_agent_socket_path(const char *opt, char *path, size_t len)
{
	struct fm_agent_config cfg;
	int err;

	if (opt) {
		snprintf(path, len, "%s", opt);
		return 0;
	}
	fm_agent_config_init(&cfg);
	err = fm_agent_config_load(FM_AGENT_CONFIG_PATH, &cfg, stderr);
	if (err == -EINVAL) {
		fprintf(stderr, "flowmesh: %s: invalid configuration (see above)\n",
			FM_AGENT_CONFIG_PATH);
		return CLI_EXIT_RUNTIME;
	}
	/* no file is the same as the defaults */
	if (err)
		fm_agent_config_init(&cfg);
	snprintf(path, len, "%s", cfg.socket_path);
	return 0;
}

int cli_agent_connect(const char *path, json_t *request, FILE **out)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	char *line;
	FILE *f;
	int fd, err;

	*out = NULL;
	if (strlen(path) >= sizeof(sun.sun_path))
		return -ENAMETOOLONG;
	strcpy(sun.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun))) {
		err = -errno;
		close(fd);
		return err;
	}
	line = json_dumps(request, JSON_COMPACT);
	if (!line) {
		close(fd);
		return -ENOMEM;
	}
	err = 0;
	if (send(fd, line, strlen(line), MSG_NOSIGNAL) < 0 ||
	    send(fd, "\n", 1, MSG_NOSIGNAL) < 0)
		err = -errno;
	free(line);
	f = err ? NULL : fdopen(fd, "r");
	if (!f) {
		err = err ? err : -errno;
		close(fd);
		return err;
	}
	*out = f;
	return 0;
}

/* No socket, or nobody listening on it: the agent is not running. */
static bool cli_agent_absent(int err)
{
	return err == -ENOENT || err == -ECONNREFUSED || err == -ENOTDIR;
}

int cli_agent_status(const char *path, json_t **status)
{
	struct timeval tv = { .tv_sec = CLI_AGENT_TIMEOUT_MS / 1000 };
	json_t *req = json_pack("{s:s}", "request", "status");
	json_error_t jerr;
	char *line = NULL;
	size_t cap = 0;
	FILE *f;
	int err;

	*status = NULL;
	if (!req)
		return -ENOMEM;
	err = cli_agent_connect(path, req, &f);
	json_decref(req);
	if (cli_agent_absent(err))
		return 0;
	if (err)
		return err;
	setsockopt(fileno(f), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (getline(&line, &cap, f) < 0) {
		err = ferror(f) ? -errno : -EPROTO;
	} else {
		*status = json_loads(line, 0, &jerr);
		if (!json_is_object(*status) ||
		    json_object_get(*status, "error")) {
			json_decref(*status);
			*status = NULL;
			err = -EPROTO;
		}
	}
	free(line);
	fclose(f);
	return err;
}

/* --- printing ----------------------------------------------------------------- */

#define TAP_ROW "%-15s  %-8s  %-10s  %-20s  %-20s  %7s  %s\n"

static const char *tap_str(json_t *obj, const char *key)
{
	const char *s = json_string_value(json_object_get(obj, key));

	return s ? s : "-";
}

static void tap_endpoint(json_t *ev, const char *side, char *buf, size_t len)
{
	const char *addr = tap_str(ev, side);
	char key[32], where[80];
	json_int_t port;

	snprintf(key, sizeof(key), "%s_port", side);
	port = json_integer_value(json_object_get(ev, key));
	/* IPv6 in brackets, as `flowmesh flows` prints it */
	snprintf(where, sizeof(where),
		 strchr(addr, ':') ? "[%s]:%" JSON_INTEGER_FORMAT :
				     "%s:%" JSON_INTEGER_FORMAT, addr, port);
	snprintf(key, sizeof(key), "%s_service", side);
	/* an address names itself when no inventory knows it */
	if (!strcmp(tap_str(ev, key), addr))
		snprintf(buf, len, "%s", where);
	else
		snprintf(buf, len, "%s (%s)", tap_str(ev, key), where);
}

/* Method, route and status as `flowmesh routes` names a route. */
static void tap_request_detail(json_t *ev, char *buf, size_t len)
{
	const char *method = json_string_value(json_object_get(ev, "method"));
	const char *route = json_string_value(json_object_get(ev, "route"));
	json_t *status = json_object_get(ev, "status");
	char code[24] = "";
	int n;

	method = method ? method : "";
	route = route ? route : "";
	if (json_is_integer(status))
		snprintf(code, sizeof(code), "%" JSON_INTEGER_FORMAT,
			 json_integer_value(status));
	n = snprintf(buf, len, "%s%s%s", method, *method && *route ? " " : "",
		     route);
	if (!n)
		n = snprintf(buf, len, "-");
	if (*code && (size_t)n < len)
		n += snprintf(buf + n, len - (size_t)n, " %s", code);
	if (json_is_true(json_object_get(ev, "failed")) && (size_t)n < len)
		snprintf(buf + n, len - (size_t)n, " failed");
}

int tap_print_event(FILE *out, enum cli_format format, json_t *ev)
{
	char when[32], client[128], server[128], value[16], detail[640];
	double t = json_number_value(json_object_get(ev, "time"));
	bool request = !strcmp(tap_str(ev, "type"), "request");
	json_t *v = json_object_get(ev, request ? "latency_us" : "value_us");
	time_t secs = (time_t)t;
	struct tm tm;

	if (format == CLI_FORMAT_JSON) {
		if (json_dumpf(ev, out, FM_JSON_LINE_FLAGS) < 0 ||
		    fputc('\n', out) == EOF)
			return -EIO;
		return 0;
	}
	if (t >= 0 && gmtime_r(&secs, &tm))
		snprintf(when, sizeof(when), "%02d:%02d:%02d.%06u", tm.tm_hour,
			 tm.tm_min, tm.tm_sec,
			 (unsigned int)((t - (double)secs) * 1e6 + 0.5) % 1000000);
	else
		snprintf(when, sizeof(when), "-");
	tap_endpoint(ev, "client", client, sizeof(client));
	tap_endpoint(ev, "server", server, sizeof(server));
	if (json_is_integer(v))
		cli_format_us((uint64_t)json_integer_value(v) * 1000, value,
			      sizeof(value));
	else
		snprintf(value, sizeof(value), "-");
	if (request)
		tap_request_detail(ev, detail, sizeof(detail));
	else
		snprintf(detail, sizeof(detail), "tx %" JSON_INTEGER_FORMAT
			 " B  rx %" JSON_INTEGER_FORMAT " B",
			 json_integer_value(json_object_get(ev, "tx_bytes")),
			 json_integer_value(json_object_get(ev, "rx_bytes")));
	fprintf(out, TAP_ROW, when, tap_str(ev, "type"),
		tap_str(ev, "protocol"), client, server, value, detail);
	return ferror(out) ? -EIO : 0;
}

int tap_print_header(FILE *out, enum cli_format format)
{
	if (format != CLI_FORMAT_TABLE)
		return 0;
	fprintf(out, TAP_ROW, "TIME", "TYPE", "PROTOCOL", "CLIENT", "SERVER",
		"VALUE", "DETAIL");
	return ferror(out) ? -EIO : 0;
}

/* --- the verb ------------------------------------------------------------------- */

static volatile sig_atomic_t tap_signalled;

static void tap_on_signal(int sig)
{
	(void)sig;
	tap_signalled = 1;
}

static json_t *tap_request(const struct tap_opts *opts)
{
	return json_pack("{s:s, s:o, s:o, s:o, s:s}", "request", "tap",
			 "from", opts->from ? json_string(opts->from) : json_null(),
			 "to", opts->to ? json_string(opts->to) : json_null(),
			 "port", opts->port ? json_integer(opts->port) :
			 json_null(),
			 "events", opts->requests ? "requests" : "all");
}

/* Events until the count, a signal, or the agent closing: an exit status. */
static int tap_stream(FILE *in, const struct tap_opts *opts)
{
	uint64_t printed = 0, dropped = 0;
	json_error_t jerr;
	char *line = NULL;
	size_t cap = 0;
	json_t *ev, *v;
	int ret = CLI_EXIT_OK;

	if (tap_print_header(stdout, opts->format) || fflush(stdout))
		return CLI_EXIT_RUNTIME;
	while (!tap_signalled && (!opts->count || printed < opts->count)) {
		if (getline(&line, &cap, in) < 0) {
			if (!tap_signalled && ferror(in))
				ret = cli_report(-errno, "reading from flowmeshd");
			break;
		}
		ev = json_loads(line, 0, &jerr);
		if (!json_is_object(ev)) {
			json_decref(ev);
			fprintf(stderr, "flowmesh: malformed event from flowmeshd: %s\n",
				jerr.text);
			ret = CLI_EXIT_RUNTIME;
			break;
		}
		if ((v = json_object_get(ev, "error"))) {
			fprintf(stderr, "flowmesh: flowmeshd refused the tap: %s\n",
				json_string_value(v) ? json_string_value(v) : "?");
			json_decref(ev);
			ret = CLI_EXIT_RUNTIME;
			break;
		}
		if ((v = json_object_get(ev, "dropped"))) {
			dropped += (uint64_t)json_integer_value(v);
			if (opts->format == CLI_FORMAT_JSON &&
			    tap_print_event(stdout, opts->format, ev))
				ret = CLI_EXIT_RUNTIME;
		} else {
			printed++;
			if (tap_print_event(stdout, opts->format, ev))
				ret = CLI_EXIT_RUNTIME;
		}
		json_decref(ev);
		if (ret || fflush(stdout)) {
			ret = CLI_EXIT_RUNTIME;
			break;
		}
	}
	free(line);
	if (dropped && opts->format == CLI_FORMAT_TABLE)
		fprintf(stderr, "flowmesh: flowmeshd dropped %" PRIu64 " event(s) (tap_rate, or output too slow)\n",
			dropped);
	return ret;
}

int tap_main(int argc, char **argv)
{
	struct sigaction act = { .sa_handler = tap_on_signal };
	char reason[CLI_ERR_MAX], path[PATH_MAX];
	struct tap_opts opts;
	json_t *req;
	FILE *in;
	int ret, err;

	ret = cli_parsed(tap_parse_args(argc, argv, &opts, reason,
					sizeof(reason)),
			 "tap", tap_help, reason);
	if (ret >= 0)
		return ret;
	ret = cli_agent_socket_path(opts.socket, path, sizeof(path));
	if (ret)
		return ret;
	req = tap_request(&opts);
	if (!req)
		return cli_report(-ENOMEM, "connecting to flowmeshd");
	err = cli_agent_connect(path, req, &in);
	json_decref(req);
	if (cli_agent_absent(err)) {
		fprintf(stderr, "flowmesh: flowmeshd is not running (no socket at %s)\n",
			path);
		return CLI_EXIT_NO_AGENT;
	}
	if (err == -EACCES || err == -EPERM) {
		fprintf(stderr, "flowmesh: permission denied: %s (run as root)\n",
			path);
		return CLI_EXIT_PERMISSION;
	}
	if (err)
		return cli_report(err, "connecting to flowmeshd");
	/* no SA_RESTART: a signal ends the wait for the next line */
	sigemptyset(&act.sa_mask);
	sigaction(SIGINT, &act, NULL);
	sigaction(SIGTERM, &act, NULL);
	ret = tap_stream(in, &opts);
	fclose(in);
	return ret;
}
