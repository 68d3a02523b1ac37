// SPDX-License-Identifier: GPL-2.0
/*
 * flowmesh events: take the event records out of the kernel module's
 * rings and print them.  The rings are read with FLOWMESH_CMD_DRAIN, a
 * dump; with --follow a second socket, joined to the "events" multicast
 * group, says when a ring got data (DATA_READY), and a drain once a second
 * covers anything a lost notification would hide.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <linux/flowmesh.h>
#include "cli/cli.h"
#include "lib/addr.h"
#include "lib/flow.h"
#include "lib/genl.h"
#include "lib/json.h"
#include "lib/notify.h"
#include "lib/record.h"

static const char events_usage[] =
	"Usage: flowmesh events [-o json|table|raw] [--follow] [--count N]\n"
	"                       [--timeout SECONDS]\n";

static const char events_description[] =
	"\n"
	"Print the event records the flowmesh kernel module has queued: a\n"
	"flow opened, an update of an active flow's counters, a flow closed,\n"
	"an RTT sample, a response time sample.\n"
	"\n"
	"Draining CONSUMES the records: whatever this command reads is gone\n"
	"from the kernel's rings, and flowmeshd, the node agent that normally\n"
	"reads them, will never see it.  Use it on a node where flowmeshd is\n"
	"not running, or accept the gap in its data.  Draining is node-wide: it\n"
	"works only in the initial network namespace and shows the records of\n"
	"every namespace.\n"
	"\n"
	"Without --follow, the rings are drained until they are empty, then\n"
	"the command exits.  With --follow, it then waits for more, draining\n"
	"whenever the module says new records arrived and at least once a\n"
	"second, until --count records were printed, --timeout passed, or it\n"
	"gets SIGINT or SIGTERM; each ends it with exit status 0.\n"
	"\n"
	"Records are printed as drained: oldest first within each CPU's ring,\n"
	"one ring after another, so records of one flow from different CPUs\n"
	"can come out of time order; order them by flow_id and time.\n"
	"\n"
	"Options:\n"
	"  -o, --output FORMAT    json (the default: one JSON object per line),\n"
	"                         table, or raw: each record as the kernel's\n"
	"                         binary struct flowmesh_record (160 bytes, host\n"
	"                         byte order), back to back, what 'flowmeshd\n"
	"                         --source FILE' replays\n"
	"  -f, --follow           keep draining as records arrive\n"
	"  -c, --count N          stop after N records (records taken from the\n"
	"                         rings in the same batch after the Nth are lost)\n"
	"  -t, --timeout SECONDS  stop after SECONDS (decimals allowed, to the\n"
	"                         millisecond)\n"
	"  -h, --help             show this help and exit\n"
	"\n"
	"JSON output: one object per line, flushed after each batch (null: no\n"
	"value; microseconds are \"_us\"):\n"
	"  type            string  \"open\", \"update\", \"close\", \"rtt\",\n"
	"                          \"response\"\n"
	"  flow_id         number  the flow's id, as in 'flowmesh flows -o json'\n"
	"  time            number  when it happened, seconds since the Unix\n"
	"                          epoch, to the microsecond\n"
	"  proto           string  \"tcp\" or \"udp\"\n"
	"  family          number  4 or 6\n"
	"  netns           number  network namespace inode number\n"
	"  client          string  client address\n"
	"  server          string  server address\n"
	"  client_port     number  client port\n"
	"  server_port     number  server port\n"
	"  state           string  \"open\", \"established\", \"closing\", \"closed\"\n"
	"  tx_bytes        number  IP bytes client to server, so far\n"
	"  tx_packets      number  packets client to server, so far\n"
	"  rx_bytes        number  IP bytes server to client, so far\n"
	"  rx_packets      number  packets server to client, so far\n"
	"  value_us        number  the sample (only on rtt and response records)\n"
	"  rtt_samples     number  RTT samples of the flow so far\n"
	"  rtt_min_us, rtt_max_us, rtt_avg_us  number  their minimum, maximum\n"
	"                          and mean; null without samples\n"
	"  rtt_handshake_client_us  number  SYN-ACK to ACK; null if unseen\n"
	"  rtt_handshake_server_us  number  SYN to SYN-ACK; null if unseen\n"
	"  response_count  number  responses timed so far\n"
	"  response_avg_us, response_max_us  number  their mean and maximum;\n"
	"                          null without responses\n"
	"  retransmits     number  retransmitted TCP segments; null for UDP\n"
	"  resets          number  TCP segments with RST; null for UDP\n"
	"  zero_windows    number  times a side closed its window; null for UDP\n"
	"  protocol        string  application protocol the agent labelled the\n"
	"                          flow with, as in flows; \"unknown\" until then\n"
	"\n"
	"Table columns: TIME (UTC, to the microsecond), TYPE, FLOW (id), PROTO,\n"
	"CLIENT, SERVER, STATE, VALUE (the sample), TX_BYTES, RX_BYTES, RTT and\n"
	"RESP (the flow's means so far).\n"
	"\n";

static const char events_examples[] =
	"\n"
	"Examples:\n"
	"  flowmesh events\n"
	"  flowmesh events --follow --timeout 10 -o table\n"
	"  flowmesh events -f | jq -c 'select(.type == \"response\")'\n";

void events_help(FILE *out)
{
	fputs(events_usage, out);
	fputs(events_description, out);
	fputs(cli_exit_status_help, out);
	fputs(events_examples, out);
}

/* SECONDS[.FRACTION], to the millisecond, more than zero. */
static int events_parse_seconds(const char *arg, uint64_t *ms)
{
	const char *dot = strchr(arg, '.');
	char whole[16];
	uint32_t s = 0, frac = 0, scale = 100;
	size_t n = dot ? (size_t)(dot - arg) : strlen(arg);
	const char *p;

	if (n >= sizeof(whole) || (!n && !dot))
		return -EINVAL;
	memcpy(whole, arg, n);
	whole[n] = '\0';
	if (n && cli_parse_u32(whole, &s))
		return -EINVAL;
	if (dot) {
		if (!dot[1] || strlen(dot + 1) > 3)
			return -EINVAL;
		for (p = dot + 1; *p; p++, scale /= 10) {
			if (*p < '0' || *p > '9')
				return -EINVAL;
			frac += (uint32_t)(*p - '0') * scale;
		}
	}
	*ms = (uint64_t)s * 1000 + frac;
	return *ms ? 0 : -EINVAL;
}

static const struct option events_options[] = {
	{ "output", required_argument, NULL, 'o' },
	{ "follow", no_argument, NULL, 'f' },
	{ "count", required_argument, NULL, 'c' },
	{ "timeout", required_argument, NULL, 't' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

int events_parse_args(int argc, char **argv, struct events_opts *opts,
		      char *err, size_t errlen)
{
	uint32_t count;
	int c;

	*opts = (struct events_opts){ .format = CLI_FORMAT_JSON };
	optind = 0;	/* a fresh argv: make getopt start over */
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":hfo:c:t:", events_options,
				NULL)) != -1) {
		switch (c) {
		case 'h':
			return CLI_PARSE_HELP;
		case 'o':
			opts->raw = !strcmp(optarg, "raw");
			if (opts->raw)
				break;
			if (cli_parse_format(optarg, &opts->format)) {
				snprintf(err, errlen, "unknown output format '%s'; use json, table or raw",
					 optarg);
				return CLI_PARSE_BAD;
			}
			break;
		case 'f':
			opts->follow = true;
			break;
		case 'c':
			if (cli_opt_count("count", optarg, &count, err, errlen))
				return CLI_PARSE_BAD;
			opts->count = count;
			break;
		case 't':
			if (events_parse_seconds(optarg, &opts->timeout_ms)) {
				snprintf(err, errlen, "invalid timeout '%s'; use seconds, more than 0, e.g. 10 or 0.5",
					 optarg);
				return CLI_PARSE_BAD;
			}
			break;
		default:
			cli_bad_option(c, argv, err, errlen);
			return CLI_PARSE_BAD;
		}
	}
	return cli_no_operands(argc, argv, err, errlen);
}

/* --- printing ------------------------------------------------------------ */

#define EVENTS_ROW "%-15s  %-8s  %6s  %-5s  %-21s  %-21s  %-11s  %7s  %10s  %10s  %7s  %7s\n"

int events_print_header(FILE *out, enum cli_format format)
{
	if (format != CLI_FORMAT_TABLE)
		return 0;
	fprintf(out, EVENTS_ROW, "TIME", "TYPE", "FLOW", "PROTO", "CLIENT",
		"SERVER", "STATE", "VALUE", "TX_BYTES", "RX_BYTES", "RTT",
		"RESP");
	return ferror(out) ? -EIO : 0;
}

static void events_avg(char *buf, size_t len, uint64_t sum, uint32_t count)
{
	if (count)
		cli_format_us(sum / count * 1000 + sum % count * 1000 / count,
			      buf, len);
	else
		snprintf(buf, len, "-");
}

static int events_print_row(FILE *out, const struct flowmesh_record *rec)
{
	char client[FM_ENDPOINT_STRLEN], server[FM_ENDPOINT_STRLEN];
	char when[32], flow[24], value[16], tx[24], rx[24], rtt[16], resp[16];
	const char *state = fm_state_name(rec->state);
	time_t secs = (time_t)(rec->time_ns / 1000000000);
	struct tm tm;

	if (fm_endpoint_str(rec->family, rec->client, rec->client_port,
			    client, sizeof(client)) < 0 ||
	    fm_endpoint_str(rec->family, rec->server, rec->server_port,
			    server, sizeof(server)) < 0)
		return -EINVAL;
	if (gmtime_r(&secs, &tm))
		snprintf(when, sizeof(when), "%02d:%02d:%02d.%06u", tm.tm_hour,
			 tm.tm_min, tm.tm_sec,
			 (unsigned int)(rec->time_ns / 1000 % 1000000));
	else
		snprintf(when, sizeof(when), "-");
	snprintf(flow, sizeof(flow), "%" PRIu64, (uint64_t)rec->flow_id);
	if (rec->type == FLOWMESH_REC_RTT || rec->type == FLOWMESH_REC_RESPONSE)
		cli_format_us((uint64_t)rec->value_us * 1000, value,
			      sizeof(value));
	else
		snprintf(value, sizeof(value), "-");
	snprintf(tx, sizeof(tx), "%" PRIu64, (uint64_t)rec->tx_bytes);
	snprintf(rx, sizeof(rx), "%" PRIu64, (uint64_t)rec->rx_bytes);
	events_avg(rtt, sizeof(rtt), rec->rtt_sum_us, rec->rtt_samples);
	events_avg(resp, sizeof(resp), rec->response_sum_us,
		   rec->response_count);
	fprintf(out, EVENTS_ROW, when, fm_record_type_name(rec->type), flow,
		fm_proto_name(rec->proto), client, server,
		state ? state : "-", value, tx, rx, rtt, resp);
	return 0;
}

int events_print_record(FILE *out, enum cli_format format,
			const struct flowmesh_record *rec)
{
	json_t *json;
	int err = 0;

	if (format == CLI_FORMAT_TABLE) {
		err = events_print_row(out, rec);
	} else {
		json = fm_record_to_json(rec);
		if (!json)
			return -ENOMEM;
		if (json_dumpf(json, out, FM_JSON_LINE_FLAGS) < 0 ||
		    fputc('\n', out) == EOF)
			err = -EIO;
		json_decref(json);
	}
	if (!err && ferror(out))
		err = -EIO;
	return err;
}

/* --- the loop ---------------------------------------------------------------- */

struct events_deadline {
	bool set;
	uint64_t at_ms;
};

static int events_record_cb(const struct flowmesh_record *rec, void *data)
{
	struct events_run *run = data;
	int err;

	if (run->opts->raw) {
		err = fwrite(rec, sizeof(*rec), 1, run->out) == 1 ? 0 : -EIO;
	} else {
		if (!run->header_printed) {
			err = events_print_header(run->out, run->opts->format);
			if (err)
				return err;
			run->header_printed = true;
		}
		err = events_print_record(run->out, run->opts->format, rec);
	}
	if (err)
		return err;
	run->printed++;
	if (run->opts->count && run->printed >= run->opts->count) {
		run->limit_reached = true;
		return -ECANCELED;	/* stop reading: the rest would be lost */
	}
	return 0;
}

static bool events_should_stop(struct events_run *run,
			       const struct events_deadline *dl)
{
	const struct events_hooks *h = run->hooks;

	if (run->limit_reached)
		return true;
	if (h->stopped && h->stopped(h->ctx))
		return true;
	return dl->set && h->now_ms(h->ctx) >= dl->at_ms;
}

/* DRAIN until one comes back empty, or something says stop. */
static int events_drain(struct events_run *run,
			const struct events_deadline *dl)
{
	size_t n;
	int err;

	do {
		if (events_should_stop(run, dl))
			return 0;
		n = 0;
		run->drains++;
		err = fm_drain(run->nl, events_record_cb, run, &n);
		if (fflush(run->out) && !err)
			err = -EIO;
		if (err == -ECANCELED && run->limit_reached)
			return 0;
		if (err)
			return err;
	} while (n);
	return 0;
}

int events_loop(struct events_run *run)
{
	const struct events_hooks *h = run->hooks;
	const struct events_opts *o = run->opts;
	struct events_deadline dl = { .set = o->timeout_ms > 0 };
	uint64_t now, last, wait;
	int err, wake;

	now = h->now_ms(h->ctx);
	dl.at_ms = now + o->timeout_ms;
	err = events_drain(run, &dl);
	if (err || !o->follow)
		goto out;
	last = h->now_ms(h->ctx);
	for (;;) {
		if (events_should_stop(run, &dl))
			break;
		now = h->now_ms(h->ctx);
		wait = last + EVENTS_SAFETY_MS > now ?
		       last + EVENTS_SAFETY_MS - now : 0;
		if (dl.set && (dl.at_ms > now ? dl.at_ms - now : 0) < wait)
			wait = dl.at_ms > now ? dl.at_ms - now : 0;
		wake = h->wait(h->ctx, (int)wait);
		if (wake < 0) {
			err = wake;
			break;
		}
		if (wake == EVENTS_WAKE_STOP)
			break;
		if (wake == EVENTS_WAKE_OVERRUN)
			run->overruns++;
		/* a timeout short of the safety interval was the deadline's */
		if (wake == EVENTS_WAKE_TIMEOUT &&
		    h->now_ms(h->ctx) < last + EVENTS_SAFETY_MS)
			continue;
		err = events_drain(run, &dl);
		if (err)
			break;
		last = h->now_ms(h->ctx);
	}
out:
	/* a table without records still has its header */
	if (!err && !run->header_printed && !o->raw) {
		err = events_print_header(run->out, o->format);
		run->header_printed = true;
	}
	return err;
}

/* --- the system: sockets, signals, clocks -------------------------------------- */

static volatile sig_atomic_t events_signalled;

static void events_on_signal(int sig)
{
	(void)sig;
	events_signalled = 1;
}

struct events_sys {
	struct fm_notify notify;	/* unused without --follow */
	sigset_t waitmask;		/* while waiting: stop signals let in */
	sigset_t oldmask;
	struct sigaction oldact[2];
	bool handled[2];
};

static const int events_stop_signals[2] = { SIGINT, SIGTERM };

static uint64_t events_sys_now_ms(void *ctx)
{
	struct timespec ts;

	(void)ctx;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/*
 * Stop signals stay blocked except inside ppoll(), so none slips in
 * between the check and the wait; while draining they wait as pending.
 */
static bool events_sys_stopped(void *ctx)
{
	struct events_sys *sys = ctx;
	sigset_t pending;
	size_t i;

	if (events_signalled)
		return true;
	if (sigpending(&pending))
		return false;
	for (i = 0; i < 2; i++)
		if (sys->handled[i] &&
		    sigismember(&pending, events_stop_signals[i]) == 1)
			return true;
	return false;
}

static int events_sys_wait(void *ctx, int timeout_ms)
{
	struct events_sys *sys = ctx;
	struct pollfd pfd = { .fd = fm_notify_fd(&sys->notify),
			      .events = POLLIN };
	struct timespec ts = { .tv_sec = timeout_ms / 1000,
			       .tv_nsec = (long)(timeout_ms % 1000) * 1000000 };
	struct fm_notify_seen seen = { 0 };
	int n, err;

	n = ppoll(&pfd, 1, &ts, &sys->waitmask);
	if (n < 0) {
		if (errno != EINTR)
			return -errno;
		return events_signalled ? EVENTS_WAKE_STOP : EVENTS_WAKE_TIMEOUT;
	}
	if (!n)
		return EVENTS_WAKE_TIMEOUT;
	err = fm_notify_read(&sys->notify, &seen);
	if (err)
		return err;
	if (seen.overruns)
		return EVENTS_WAKE_OVERRUN;
	/* something that was not well formed: drain rather than guess */
	if (seen.ready || seen.garbled)
		return EVENTS_WAKE_READY;
	return EVENTS_WAKE_TIMEOUT;
}

static void events_sys_signals(struct events_sys *sys)
{
	struct sigaction act = { .sa_handler = events_on_signal };
	sigset_t stop;
	size_t i;

	sigemptyset(&stop);
	sigemptyset(&act.sa_mask);
	for (i = 0; i < 2; i++) {
		/* a signal ignored from the start stays ignored */
		if (sigaction(events_stop_signals[i], NULL, &sys->oldact[i]) ||
		    sys->oldact[i].sa_handler == SIG_IGN)
			continue;
		sigaddset(&stop, events_stop_signals[i]);
		sys->handled[i] = true;
	}
	sigprocmask(SIG_BLOCK, &stop, &sys->oldmask);
	sys->waitmask = sys->oldmask;
	for (i = 0; i < 2; i++) {
		if (!sys->handled[i])
			continue;
		sigdelset(&sys->waitmask, events_stop_signals[i]);
		sigaction(events_stop_signals[i], &act, NULL);
	}
}

static void events_sys_restore(struct events_sys *sys)
{
	size_t i;

	for (i = 0; i < 2; i++)
		if (sys->handled[i])
			sigaction(events_stop_signals[i], &sys->oldact[i], NULL);
	sigprocmask(SIG_SETMASK, &sys->oldmask, NULL);
}

int events_main(int argc, char **argv)
{
	struct events_sys sys = { 0 };
	struct events_hooks hooks = {
		.wait = events_sys_wait,
		.now_ms = events_sys_now_ms,
		.stopped = events_sys_stopped,
		.ctx = &sys,
	};
	struct events_opts opts;
	struct events_run run = { .opts = &opts, .hooks = &hooks,
				  .out = stdout };
	char reason[CLI_ERR_MAX];
	struct fm_nl nl;
	int ret, err;

	ret = cli_parsed(events_parse_args(argc, argv, &opts, reason,
					   sizeof(reason)),
			 "events", events_help, reason);
	if (ret >= 0)
		return ret;

	ret = cli_connect(&nl);
	if (ret)
		return ret;
	run.nl = &nl;
	/* joined before the first drain, so no notification falls between */
	if (opts.follow) {
		if (!nl.events_group) {
			fprintf(stderr, "flowmesh: the kernel module has no '%s' multicast group; --follow needs it\n",
				FLOWMESH_MCGRP_EVENTS);
			fm_nl_close(&nl);
			return CLI_EXIT_RUNTIME;
		}
		err = fm_notify_open(&sys.notify, nl.family_id,
				     nl.events_group);
		if (err) {
			fm_nl_close(&nl);
			return cli_report(err, "joining the events multicast group");
		}
	}

	events_sys_signals(&sys);
	err = events_loop(&run);
	events_sys_restore(&sys);
	fm_notify_close(&sys.notify);
	fm_nl_close(&nl);

	if (run.overruns)
		fprintf(stderr, "flowmesh: notifications were lost %" PRIu64 " time(s); the rings were drained each time to catch up\n",
			run.overruns);
	if (!err)
		return CLI_EXIT_OK;
	/* main() reports output that could not be written */
	if (err == -EIO && ferror(stdout))
		return CLI_EXIT_RUNTIME;
	return cli_report_nl(&nl, err, "draining events");
}
