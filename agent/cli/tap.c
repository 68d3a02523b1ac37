// SPDX-License-Identifier: GPL-2.0
/*
 * flowmesh tap: the records flowmeshd is aggregating, live, from its
 * control socket (docs/api.md).  Unlike `flowmesh events` it takes nothing
 * away from the agent, and records come named with their services.  Also
 * the socket client `flowmesh status` asks the agent's status with.
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
	"                    [-o table|json] [--count N] [--socket PATH]\n";

static const char tap_description[] =
	"\n"
	"Stream the records flowmeshd receives from the kernel module as they\n"
	"arrive: flows opened, updated and closed, RTT and response time\n"
	"samples, each with the client's and the server's service.  The agent\n"
	"keeps aggregating them: tapping takes nothing away.  It sends at most\n"
	"tap_rate events a second to each tap (its setting, default 1000);\n"
	"events beyond that, or that a slow reader could not take, are dropped\n"
	"and their number reported.\n"
	"\n"
	"Runs until Ctrl-C (SIGINT), SIGTERM, --count events, or flowmeshd\n"
	"stops.\n"
	"\n"
	"Options:\n"
	"      --from SERVICE    only records whose client is SERVICE\n"
	"      --to SERVICE      only records whose server is SERVICE\n"
	"  -p, --port N          only records with N as client or server port\n"
	"  -o, --output FORMAT   table (the default) or json\n"
	"  -c, --count N         stop after N events\n"
	"      --socket PATH     flowmeshd's control socket (default: the\n"
	"                        'socket' setting of " FM_AGENT_CONFIG_PATH ",\n"
	"                        else " FM_AGENT_SOCKET_PATH ")\n"
	"  -h, --help            show this help and exit\n"
	"\n"
	"JSON output: one object per line, the fields of 'flowmesh events -o\n"
	"json' plus client_service and server_service (strings); a line\n"
	"{\"dropped\": N} says N events were not sent.\n"
	"\n"
	"Table columns: TIME (UTC, to the microsecond), TYPE, CLIENT and SERVER\n"
	"(service, then address:port), TX_BYTES and RX_BYTES (the flow's so\n"
	"far), VALUE (the sample of rtt and response records).\n"
	"\n";

static const char tap_examples[] =
	"\n"
	"Examples:\n"
	"  flowmesh tap --to api\n"
	"  flowmesh tap --port 5432 -o json --count 100\n";

void tap_help(FILE *out)
{
	fputs(tap_usage, out);
	fputs(tap_description, out);
	fputs(cli_exit_status_help, out);
	fputs(tap_examples, out);
}

enum { TAP_OPT_FROM = 256, TAP_OPT_TO, TAP_OPT_SOCKET };

static const struct option tap_options[] = {
	{ "from", required_argument, NULL, TAP_OPT_FROM },
	{ "to", required_argument, NULL, TAP_OPT_TO },
	{ "port", required_argument, NULL, 'p' },
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

#define TAP_ROW "%-15s  %-8s  %-34s  %-34s  %10s  %10s  %7s\n"

static const char *tap_str(json_t *obj, const char *key)
{
	const char *s = json_string_value(json_object_get(obj, key));

	return s ? s : "-";
}

static void tap_endpoint(json_t *ev, const char *side, char *buf, size_t len)
{
	char key[32];
	json_int_t port;

	snprintf(key, sizeof(key), "%s_port", side);
	port = json_integer_value(json_object_get(ev, key));
	snprintf(key, sizeof(key), "%s_service", side);
	/* an address names itself when no inventory knows it */
	if (!strcmp(tap_str(ev, key), tap_str(ev, side)))
		snprintf(buf, len, "%s:%" JSON_INTEGER_FORMAT, tap_str(ev, side),
			 port);
	else
		snprintf(buf, len, "%s (%s:%" JSON_INTEGER_FORMAT ")",
			 tap_str(ev, key), tap_str(ev, side), port);
}

int tap_print_event(FILE *out, enum cli_format format, json_t *ev)
{
	char when[32], client[128], server[128], tx[24], rx[24], value[16];
	double t = json_number_value(json_object_get(ev, "time"));
	json_t *v = json_object_get(ev, "value_us");
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
	snprintf(tx, sizeof(tx), "%" JSON_INTEGER_FORMAT,
		 json_integer_value(json_object_get(ev, "tx_bytes")));
	snprintf(rx, sizeof(rx), "%" JSON_INTEGER_FORMAT,
		 json_integer_value(json_object_get(ev, "rx_bytes")));
	if (json_is_integer(v))
		cli_format_us((uint64_t)json_integer_value(v) * 1000, value,
			      sizeof(value));
	else
		snprintf(value, sizeof(value), "-");
	fprintf(out, TAP_ROW, when, tap_str(ev, "type"), client, server, tx, rx,
		value);
	return ferror(out) ? -EIO : 0;
}

int tap_print_header(FILE *out, enum cli_format format)
{
	if (format != CLI_FORMAT_TABLE)
		return 0;
	fprintf(out, TAP_ROW, "TIME", "TYPE", "CLIENT", "SERVER", "TX_BYTES",
		"RX_BYTES", "VALUE");
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
	return json_pack("{s:s, s:o, s:o, s:o}", "request", "tap",
			 "from", opts->from ? json_string(opts->from) : json_null(),
			 "to", opts->to ? json_string(opts->to) : json_null(),
			 "port", opts->port ? json_integer(opts->port) :
			 json_null());
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
