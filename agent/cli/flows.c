// SPDX-License-Identifier: GPL-2.0
/*
 * flowmesh flows: the flows the kernel module is tracking, or with
 * --since the closed flows the agent stored.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <linux/flowmesh.h>
#include "cli/cli.h"
#include "l7/l7.h"
#include "lib/addr.h"
#include "lib/agent_config.h"
#include "lib/flow.h"
#include "lib/genl.h"
#include "lib/query.h"
#include "lib/store.h"

static const char flows_usage[] =
	"Usage: flowmesh flows [-o table|wide|json] [--netns INUM] [--proto tcp|udp]\n"
	"                      [--family 4|6] [--addr ADDR] [--port PORT]\n"
	"       flowmesh flows --since TIME|DUR [-o table|wide|json] [--limit N]\n"
	"                      [--from SERVICE] [--to SERVICE] [--db PATH]\n"
	"                      [--config PATH]\n";

static const char flows_description[] =
	"\n"
	"List the TCP and UDP flows the flowmesh kernel module is tracking.\n"
	"Run in the initial network namespace, it shows the flows of every\n"
	"namespace; run elsewhere, only those of its own namespace.  Flows are\n"
	"sorted by namespace, protocol, client and server.\n"
	"\n"
	"With --since, list instead the flows that closed in the period, as\n"
	"flowmeshd stored them (their final counters; STATE is closed), oldest\n"
	"first.  AGE and IDLE are then counted up to now, not to the close.\n"
	"\n"
	"The client is the side that sent the first packet (for TCP, the first\n"
	"SYN).  TX counts what the client sent to the server, RX what the\n"
	"server sent back.  Bytes are IP bytes, headers included, as in\n"
	"conntrack accounting.  RTT is the network round-trip time measured\n"
	"from TCP timestamp echoes; RESP the service response time, from a\n"
	"client's request data to the server's first response data.\n"
	"\n"
	"Options:\n"
	"  -o, --output FORMAT  table (the default), wide (every column) or json\n"
	"      --netns INUM     only flows of the network namespace whose inode\n"
	"                       number is INUM, as printed by\n"
	"                       'stat -L -c %i /proc/PID/ns/net'; the form\n"
	"                       'readlink /proc/PID/ns/net' prints, net:[INUM],\n"
	"                       is accepted too\n"
	"      --proto PROTO    only tcp or only udp flows\n"
	"      --family 4|6     only IPv4 or only IPv6 flows\n"
	"      --addr ADDR      only flows whose client or server address is\n"
	"                       ADDR (IPv4 or IPv6; implies its family)\n"
	"      --port PORT      only flows whose client or server port is PORT\n"
	"                       (1 to 65535)\n"
	"  -h, --help           show this help and exit\n"
	"\n"
	"Filters are applied by the kernel module; a flow is listed when it\n"
	"matches all of them.\n"
	"\n"
	"Closed flows (none of the filters above applies to them):\n"
	"      --since TIME|DUR the period: from TIME up to now; TIME is Unix\n"
	"                       seconds (1764158400) or UTC as\n"
	"                       2025-11-26T12:00:00Z or '2025-11-26 12:00:00';\n"
	"                       DUR is the last DUR (30s, 5m, 24h, 7d)\n"
	"      --limit N        list at most N flows (default 1000)\n"
	"      --from SERVICE   only flows whose client is of SERVICE\n"
	"      --to SERVICE     only flows whose server is of SERVICE\n"
	"      --db PATH        the agent's database (default: the config\n"
	"                       file's \"database\", else " FM_AGENT_DB_PATH ")\n"
	"      --config PATH    the agent's config file (default\n"
	"                       " FM_AGENT_CONFIG_PATH "; a missing default\n"
	"                       file is no error)\n"
	"\n"
	"Table columns (\"-\" where there is no value):\n"
	"  PROTO     tcp or udp\n"
	"  CLIENT    client address:port; IPv6 as [address]:port\n"
	"  SERVER    server address:port\n"
	"  STATE     open, established, closing or closed\n"
	"  TX_BYTES  IP bytes, client to server\n"
	"  RX_BYTES  IP bytes, server to client\n"
	"  RTT       mean network round-trip time (us, ms, s)\n"
	"  RESP      mean service response time\n"
	"  RETX      retransmitted TCP segments\n"
	"  AGE       time since the first packet (s, m, h, d)\n"
	"  IDLE      time since the last packet\n"
	"  NETNS     network namespace inode number\n"
	"With -o wide, also:\n"
	"  ID        flow id, as in 'flowmesh events'\n"
	"  TX_PKTS   packets, client to server\n"
	"  RX_PKTS   packets, server to client\n"
	"  RTT_MIN   smallest RTT sample; RTT_MAX largest; RTT_N samples\n"
	"  HS_CLI    handshake RTT, client side (SYN-ACK to ACK)\n"
	"  HS_SRV    handshake RTT, server side (SYN to SYN-ACK)\n"
	"  RESP_MAX  largest response time; RESP_N responses timed\n"
	"  RST       TCP segments with RST\n"
	"  ZWIN      times a side closed its TCP receive window\n"
	"  TX_FLAGS  TCP flags seen client to server; RX_FLAGS the other way\n"
	"  PROTOCOL  application protocol the agent detected (http, dns, ...)\n"
	"\n"
	"JSON output: an array with one object per flow (null: no value):\n"
	"  id            number  flow id, as in event records\n"
	"  proto         string  \"tcp\" or \"udp\"\n"
	"  family        number  4 or 6\n"
	"  netns         number  network namespace inode number\n"
	"  client        string  client address (no port, no brackets)\n"
	"  server        string  server address\n"
	"  client_port   number  client port\n"
	"  server_port   number  server port\n"
	"  state         string  \"open\", \"established\", \"closing\", \"closed\"\n"
	"  tx_bytes      number  IP bytes, client to server\n"
	"  tx_packets    number  packets, client to server\n"
	"  rx_bytes      number  IP bytes, server to client\n"
	"  rx_packets    number  packets, server to client\n"
	"  first_seen    number  first packet, seconds since the Unix epoch,\n"
	"                        to the microsecond; null for a closed flow\n"
	"                        whose opening flowmeshd did not see\n"
	"  last_seen     number  last packet, seconds since the Unix epoch\n"
	"  tcp_flags_tx  array   TCP flags seen client to server, e.g.\n"
	"                        [\"SYN\",\"ACK\",\"FIN\"]; null for UDP\n"
	"  tcp_flags_rx  array   the same, server to client\n"
	"  retransmits   number  retransmitted TCP segments; null for UDP\n"
	"  resets        number  TCP segments with RST; null for UDP\n"
	"  zero_windows  number  times a side closed its window; null for UDP\n"
	"  rtt_handshake_client_us  number  us, SYN-ACK to ACK; null if unseen\n"
	"  rtt_handshake_server_us  number  us, SYN to SYN-ACK; null if unseen\n"
	"  rtt_us        object  network RTT, us: min, avg, max, last,\n"
	"                        samples, hist (16 counts, see below); min,\n"
	"                        avg, max and last are null without samples\n"
	"  response_us   object  response time, us: count, avg, max, min,\n"
	"                        last, hist; null figures without responses\n"
	"  protocol      string  application protocol the agent detected:\n"
	"                        \"unknown\" until it decided, \"http\", \"dns\",\n"
	"                        ...; null from a module without detection\n"
	"  sampled       string  \"detect\" (its first detect_packets payload\n"
	"                        packets go to the agent) or \"inspect\" (all\n"
	"                        of them); null for neither\n"
	"Histogram bucket 0 counts samples below 32 us, bucket i below\n"
	"2^(5+i) us; the last bucket (from 2^19 us, about 524 ms) is open.\n"
	"\n";

static const char flows_examples[] =
	"\n"
	"Examples:\n"
	"  flowmesh flows\n"
	"  flowmesh flows -o wide --proto tcp --port 443\n"
	"  flowmesh flows -o json | jq '.[] | select(.rtt_us.avg > 1000)'\n"
	"  flowmesh flows --netns \"$(stat -L -c %i /proc/1234/ns/net)\"\n"
	"  flowmesh flows --since 10m --to db -o wide\n";

void flows_help(FILE *out)
{
	fputs(flows_usage, out);
	fputs(flows_description, out);
	fputs(cli_exit_status_help, out);
	fputs(flows_examples, out);
}

/* INUM, or net:[INUM] as readlink(1) shows a namespace link. */
static int flows_parse_netns(const char *arg, uint32_t *inum)
{
	size_t len = strlen(arg);
	char digits[16];

	if (!strncmp(arg, "net:[", 5) && len > 6 && arg[len - 1] == ']' &&
	    len - 6 < sizeof(digits)) {
		memcpy(digits, arg + 5, len - 6);
		digits[len - 6] = '\0';
		arg = digits;
	}
	if (cli_parse_u32(arg, inum) || !*inum)
		return -EINVAL;
	return 0;
}

/* An IPv4 or IPv6 address; IPv6 may come in brackets, as in endpoints. */
static int flows_parse_addr(const char *arg, struct fm_flow_filter *f)
{
	char buf[INET6_ADDRSTRLEN + 2];
	size_t len = strlen(arg);

	if (inet_pton(AF_INET, arg, f->addr) == 1) {
		f->addr_len = 4;
		return 0;
	}
	if (len > 2 && arg[0] == '[' && arg[len - 1] == ']' &&
	    len - 2 < sizeof(buf)) {
		memcpy(buf, arg + 1, len - 2);
		buf[len - 2] = '\0';
		arg = buf;
	}
	if (inet_pton(AF_INET6, arg, f->addr) == 1) {
		f->addr_len = 16;
		return 0;
	}
	return -EINVAL;
}

static int flows_parse_format(const char *arg, enum cli_format *format)
{
	if (!strcmp(arg, "wide")) {
		*format = CLI_FORMAT_WIDE;
		return 0;
	}
	return cli_parse_format(arg, format);
}

enum {
	OPT_NETNS = 0x100,
	OPT_PROTO,
	OPT_FAMILY,
	OPT_ADDR,
	OPT_PORT,
	OPT_SINCE,
	OPT_LIMIT,
	OPT_FROM,
	OPT_TO,
	OPT_DB,
	OPT_CONFIG,
};

static const struct option flows_options[] = {
	{ "output", required_argument, NULL, 'o' },
	{ "netns", required_argument, NULL, OPT_NETNS },
	{ "proto", required_argument, NULL, OPT_PROTO },
	{ "family", required_argument, NULL, OPT_FAMILY },
	{ "addr", required_argument, NULL, OPT_ADDR },
	{ "port", required_argument, NULL, OPT_PORT },
	{ "since", required_argument, NULL, OPT_SINCE },
	{ "limit", required_argument, NULL, OPT_LIMIT },
	{ "from", required_argument, NULL, OPT_FROM },
	{ "to", required_argument, NULL, OPT_TO },
	{ "db", required_argument, NULL, OPT_DB },
	{ "config", required_argument, NULL, OPT_CONFIG },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static int flows_parse_opt(int c, struct flows_opts *opts, char *err,
			   size_t errlen)
{
	struct fm_flow_filter *f = &opts->filter;
	uint32_t v;

	switch (c) {
	case 'o':
		if (flows_parse_format(optarg, &opts->format)) {
			snprintf(err, errlen, "unknown output format '%s'; use table, wide or json",
				 optarg);
			return -EINVAL;
		}
		return 0;
	case OPT_NETNS:
		if (flows_parse_netns(optarg, &f->netns)) {
			snprintf(err, errlen, "invalid namespace inode number '%s'",
				 optarg);
			return -EINVAL;
		}
		f->netns_set = true;
		return 0;
	case OPT_PROTO:
		if (!strcmp(optarg, "tcp")) {
			f->proto = IPPROTO_TCP;
		} else if (!strcmp(optarg, "udp")) {
			f->proto = IPPROTO_UDP;
		} else {
			snprintf(err, errlen, "unknown protocol '%s'; use tcp or udp",
				 optarg);
			return -EINVAL;
		}
		return 0;
	case OPT_FAMILY:
		if (!strcmp(optarg, "4")) {
			f->family = AF_INET;
		} else if (!strcmp(optarg, "6")) {
			f->family = AF_INET6;
		} else {
			snprintf(err, errlen, "unknown family '%s'; use 4 or 6",
				 optarg);
			return -EINVAL;
		}
		return 0;
	case OPT_ADDR:
		if (flows_parse_addr(optarg, f)) {
			snprintf(err, errlen, "invalid address '%s'", optarg);
			return -EINVAL;
		}
		return 0;
	case OPT_PORT:
		if (cli_parse_u32(optarg, &v) || v < 1 || v > UINT16_MAX) {
			snprintf(err, errlen, "invalid port '%s'; use 1 to 65535",
				 optarg);
			return -EINVAL;
		}
		f->port = (uint16_t)v;
		return 0;
	}
	return -EINVAL;
}

/* The options of closed flows from the store. */
static int flows_parse_history_opt(int c, struct flows_opts *opts,
				   char *err, size_t errlen)
{
	switch (c) {
	case OPT_SINCE:
		opts->since = optarg;
		return 0;
	case OPT_LIMIT:
		return cli_opt_count("limit", optarg, &opts->limit, err,
				     errlen);
	case OPT_FROM:
		opts->client = optarg;
		return cli_check_service("--from service", optarg, err, errlen);
	case OPT_TO:
		opts->server = optarg;
		return cli_check_service("--to service", optarg, err, errlen);
	case OPT_DB:
		return cli_opt_path("db", optarg, &opts->db_path, err, errlen);
	case OPT_CONFIG:
		return cli_opt_path("config", optarg, &opts->config_path, err,
				    errlen);
	}
	return -EINVAL;
}

/* Live filters and store options exclude each other. */
static int flows_check_mode(struct flows_opts *opts, bool history_opt,
			    char *err, size_t errlen)
{
	const struct fm_flow_filter *f = &opts->filter;

	if (!opts->since) {
		if (history_opt) {
			snprintf(err, errlen, "--limit, --from, --to, --db and --config need --since");
			return -EINVAL;
		}
		return 0;
	}
	if (f->netns_set || f->proto || f->family || f->addr_len || f->port) {
		snprintf(err, errlen, "--netns, --proto, --family, --addr and --port filter live flows; not with --since");
		return -EINVAL;
	}
	return cli_parse_period(NULL, opts->since, (uint64_t)time(NULL),
				&opts->from_s, &opts->to_s, err, errlen);
}

int flows_parse_args(int argc, char **argv, struct flows_opts *opts,
		     char *err, size_t errlen)
{
	struct fm_flow_filter *f = &opts->filter;
	bool history_opt = false;
	int c;

	*opts = (struct flows_opts){
		.format = CLI_FORMAT_TABLE,
		.limit = FLOWS_LIMIT_DEFAULT,
	};
	optind = 0;	/* a fresh argv: make getopt start over */
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":ho:", flows_options, NULL)) != -1) {
		switch (c) {
		case 'h':
			return CLI_PARSE_HELP;
		case 'o':
		case OPT_NETNS:
		case OPT_PROTO:
		case OPT_FAMILY:
		case OPT_ADDR:
		case OPT_PORT:
			if (flows_parse_opt(c, opts, err, errlen))
				return CLI_PARSE_BAD;
			break;
		case OPT_LIMIT:
		case OPT_FROM:
		case OPT_TO:
		case OPT_DB:
		case OPT_CONFIG:
			history_opt = true;
			/* fall through */
		case OPT_SINCE:
			if (flows_parse_history_opt(c, opts, err, errlen))
				return CLI_PARSE_BAD;
			break;
		default:
			cli_bad_option(c, argv, err, errlen);
			return CLI_PARSE_BAD;
		}
	}
	if (cli_no_operands(argc, argv, err, errlen) != CLI_PARSE_OK)
		return CLI_PARSE_BAD;
	/* the kernel refuses an address of another family than asked for */
	if (f->addr_len && f->family &&
	    (f->addr_len == 4) != (f->family == AF_INET)) {
		snprintf(err, errlen, "--addr is not an IPv%c address, as --family asks",
			 f->family == AF_INET ? '4' : '6');
		return CLI_PARSE_BAD;
	}
	if (flows_check_mode(opts, history_opt, err, errlen))
		return CLI_PARSE_BAD;
	return CLI_PARSE_OK;
}

/* Every cell a flow can show; the two layouts pick from them. */
enum flows_cell {
	CELL_ID, CELL_PROTO, CELL_CLIENT, CELL_SERVER, CELL_STATE,
	CELL_TX_PKTS, CELL_TX_BYTES, CELL_RX_PKTS, CELL_RX_BYTES,
	CELL_RTT, CELL_RTT_MIN, CELL_RTT_MAX, CELL_RTT_N,
	CELL_HS_CLI, CELL_HS_SRV, CELL_RESP, CELL_RESP_MAX, CELL_RESP_N,
	CELL_RETX, CELL_RST, CELL_ZWIN, CELL_TX_FLAGS, CELL_RX_FLAGS,
	CELL_AGE, CELL_IDLE, CELL_NETNS, CELL_PROTOCOL,
	NCELLS
};

static const struct cli_column flows_cells[NCELLS] = {
	[CELL_ID] = { "ID", CLI_ALIGN_RIGHT },
	[CELL_PROTO] = { "PROTO", CLI_ALIGN_LEFT },
	[CELL_CLIENT] = { "CLIENT", CLI_ALIGN_LEFT },
	[CELL_SERVER] = { "SERVER", CLI_ALIGN_LEFT },
	[CELL_STATE] = { "STATE", CLI_ALIGN_LEFT },
	[CELL_TX_PKTS] = { "TX_PKTS", CLI_ALIGN_RIGHT },
	[CELL_TX_BYTES] = { "TX_BYTES", CLI_ALIGN_RIGHT },
	[CELL_RX_PKTS] = { "RX_PKTS", CLI_ALIGN_RIGHT },
	[CELL_RX_BYTES] = { "RX_BYTES", CLI_ALIGN_RIGHT },
	[CELL_RTT] = { "RTT", CLI_ALIGN_RIGHT },
	[CELL_RTT_MIN] = { "RTT_MIN", CLI_ALIGN_RIGHT },
	[CELL_RTT_MAX] = { "RTT_MAX", CLI_ALIGN_RIGHT },
	[CELL_RTT_N] = { "RTT_N", CLI_ALIGN_RIGHT },
	[CELL_HS_CLI] = { "HS_CLI", CLI_ALIGN_RIGHT },
	[CELL_HS_SRV] = { "HS_SRV", CLI_ALIGN_RIGHT },
	[CELL_RESP] = { "RESP", CLI_ALIGN_RIGHT },
	[CELL_RESP_MAX] = { "RESP_MAX", CLI_ALIGN_RIGHT },
	[CELL_RESP_N] = { "RESP_N", CLI_ALIGN_RIGHT },
	[CELL_RETX] = { "RETX", CLI_ALIGN_RIGHT },
	[CELL_RST] = { "RST", CLI_ALIGN_RIGHT },
	[CELL_ZWIN] = { "ZWIN", CLI_ALIGN_RIGHT },
	[CELL_TX_FLAGS] = { "TX_FLAGS", CLI_ALIGN_LEFT },
	[CELL_RX_FLAGS] = { "RX_FLAGS", CLI_ALIGN_LEFT },
	[CELL_AGE] = { "AGE", CLI_ALIGN_RIGHT },
	[CELL_IDLE] = { "IDLE", CLI_ALIGN_RIGHT },
	[CELL_NETNS] = { "NETNS", CLI_ALIGN_RIGHT },
	[CELL_PROTOCOL] = { "PROTOCOL", CLI_ALIGN_LEFT },
};

static const enum flows_cell flows_layout[] = {
	CELL_PROTO, CELL_CLIENT, CELL_SERVER, CELL_STATE, CELL_TX_BYTES,
	CELL_RX_BYTES, CELL_RTT, CELL_RESP, CELL_RETX, CELL_AGE, CELL_IDLE,
	CELL_NETNS,
};

static const enum flows_cell flows_wide_layout[] = {
	CELL_ID, CELL_PROTO, CELL_CLIENT, CELL_SERVER, CELL_STATE,
	CELL_TX_PKTS, CELL_TX_BYTES, CELL_RX_PKTS, CELL_RX_BYTES,
	CELL_RTT, CELL_RTT_MIN, CELL_RTT_MAX, CELL_RTT_N, CELL_HS_CLI,
	CELL_HS_SRV, CELL_RESP, CELL_RESP_MAX, CELL_RESP_N, CELL_RETX,
	CELL_RST, CELL_ZWIN, CELL_TX_FLAGS, CELL_RX_FLAGS, CELL_PROTOCOL,
	CELL_AGE, CELL_IDLE, CELL_NETNS,
};

#define FLOWS_NARROW (sizeof(flows_layout) / sizeof(*flows_layout))
#define FLOWS_WIDE (sizeof(flows_wide_layout) / sizeof(*flows_wide_layout))

/* 48: room for an IPv6 endpoint and for every TCP flag name. */
#define FLOWS_CELL_MAX	(FM_ENDPOINT_STRLEN > 48 ? FM_ENDPOINT_STRLEN : 48)

typedef char flows_cells_t[NCELLS][FLOWS_CELL_MAX];

/* A clock behind the kernel's reads as no time passed, not as years. */
static uint64_t flows_since(uint64_t now_ns, uint64_t then_ns)
{
	return now_ns > then_ns ? now_ns - then_ns : 0;
}

static void flows_us(char *cell, bool present, uint64_t us)
{
	if (present)
		cli_format_us(us * 1000, cell, FLOWS_CELL_MAX);
	else
		snprintf(cell, FLOWS_CELL_MAX, "-");
}

/* The mean, to the nanosecond; sum * 1000 could overflow. */
static void flows_avg(char *cell, const struct fm_latency *l)
{
	uint64_t ns;

	if (!l->count) {
		snprintf(cell, FLOWS_CELL_MAX, "-");
		return;
	}
	ns = l->sum_us / l->count * 1000 +
	     l->sum_us % l->count * 1000 / l->count;
	cli_format_us(ns, cell, FLOWS_CELL_MAX);
}

static void flows_tcp_count(char *cell, const struct fm_flow *f,
			    uint16_t attr, uint32_t v)
{
	if (f->proto == IPPROTO_TCP && fm_flow_has(f, attr))
		snprintf(cell, FLOWS_CELL_MAX, "%" PRIu32, v);
	else
		snprintf(cell, FLOWS_CELL_MAX, "-");
}

static void flows_flags(char *cell, const struct fm_flow *f, uint16_t attr,
			uint8_t flags)
{
	const char *names[8];
	size_t i, n = 0, pos = 0;

	if (f->proto == IPPROTO_TCP && fm_flow_has(f, attr))
		n = fm_tcp_flag_names(flags, names, 8);
	for (i = 0; i < n; i++)
		pos += (size_t)snprintf(cell + pos, FLOWS_CELL_MAX - pos,
					"%s%s", i ? "," : "", names[i]);
	if (!n)
		snprintf(cell, FLOWS_CELL_MAX, "-");
}

static int flows_fill(flows_cells_t c, const struct fm_flow *f,
		      uint64_t now_ns)
{
	const char *proto = fm_proto_name(f->proto);
	const char *state = fm_flow_has(f, FLOWMESH_FLOW_A_STATE) ?
			    fm_state_name(f->state) : NULL;

	if (!proto ||
	    fm_endpoint_str(f->family, f->client, f->client_port,
			    c[CELL_CLIENT], FLOWS_CELL_MAX) < 0 ||
	    fm_endpoint_str(f->family, f->server, f->server_port,
			    c[CELL_SERVER], FLOWS_CELL_MAX) < 0)
		return -EINVAL;
	if (fm_flow_has(f, FLOWMESH_FLOW_A_ID))
		snprintf(c[CELL_ID], FLOWS_CELL_MAX, "%" PRIu64, f->id);
	else
		snprintf(c[CELL_ID], FLOWS_CELL_MAX, "-");
	snprintf(c[CELL_PROTO], FLOWS_CELL_MAX, "%s", proto);
	snprintf(c[CELL_STATE], FLOWS_CELL_MAX, "%s", state ? state : "-");
	snprintf(c[CELL_TX_PKTS], FLOWS_CELL_MAX, "%" PRIu64, f->tx_packets);
	snprintf(c[CELL_TX_BYTES], FLOWS_CELL_MAX, "%" PRIu64, f->tx_bytes);
	snprintf(c[CELL_RX_PKTS], FLOWS_CELL_MAX, "%" PRIu64, f->rx_packets);
	snprintf(c[CELL_RX_BYTES], FLOWS_CELL_MAX, "%" PRIu64, f->rx_bytes);
	flows_avg(c[CELL_RTT], &f->rtt);
	flows_us(c[CELL_RTT_MIN], f->rtt.count, f->rtt.min_us);
	flows_us(c[CELL_RTT_MAX], f->rtt.count, f->rtt.max_us);
	snprintf(c[CELL_RTT_N], FLOWS_CELL_MAX, "%" PRIu32, f->rtt.count);
	flows_us(c[CELL_HS_CLI], fm_flow_has(f, FLOWMESH_FLOW_A_RTT_HS_CLIENT) &&
		 f->rtt_hs_client_us, f->rtt_hs_client_us);
	flows_us(c[CELL_HS_SRV], fm_flow_has(f, FLOWMESH_FLOW_A_RTT_HS_SERVER) &&
		 f->rtt_hs_server_us, f->rtt_hs_server_us);
	flows_avg(c[CELL_RESP], &f->response);
	flows_us(c[CELL_RESP_MAX], f->response.count, f->response.max_us);
	snprintf(c[CELL_RESP_N], FLOWS_CELL_MAX, "%" PRIu32, f->response.count);
	flows_tcp_count(c[CELL_RETX], f, FLOWMESH_FLOW_A_RETRANSMITS,
			f->retransmits);
	flows_tcp_count(c[CELL_RST], f, FLOWMESH_FLOW_A_RESETS, f->resets);
	flows_tcp_count(c[CELL_ZWIN], f, FLOWMESH_FLOW_A_ZERO_WINDOWS,
			f->zero_windows);
	flows_flags(c[CELL_TX_FLAGS], f, FLOWMESH_FLOW_A_TCP_FLAGS_TX,
		    f->tcp_flags_tx);
	flows_flags(c[CELL_RX_FLAGS], f, FLOWMESH_FLOW_A_TCP_FLAGS_RX,
		    f->tcp_flags_rx);
	if (f->first_seen_ns)
		cli_format_duration(flows_since(now_ns, f->first_seen_ns),
				    c[CELL_AGE], FLOWS_CELL_MAX);
	else
		snprintf(c[CELL_AGE], FLOWS_CELL_MAX, "-");
	cli_format_duration(flows_since(now_ns, f->last_seen_ns),
			    c[CELL_IDLE], FLOWS_CELL_MAX);
	snprintf(c[CELL_NETNS], FLOWS_CELL_MAX, "%" PRIu32, f->netns);
	snprintf(c[CELL_PROTOCOL], FLOWS_CELL_MAX, "%s",
		 fm_flow_has(f, FLOWMESH_FLOW_A_L7_PROTO) ?
		 fm_l7_proto_name(f->l7_proto) : "-");
	return 0;
}

int flows_print_table(FILE *out, const struct fm_flows *flows,
		      uint64_t now_ns, bool wide)
{
	const enum flows_cell *layout = wide ? flows_wide_layout : flows_layout;
	size_t ncols = wide ? FLOWS_WIDE : FLOWS_NARROW;
	struct cli_column cols[NCELLS];
	const char *row[NCELLS];
	flows_cells_t cells;
	struct cli_table t;
	size_t i, j;
	int err = 0;

	for (j = 0; j < ncols; j++) {
		cols[j] = flows_cells[layout[j]];
		row[j] = cells[layout[j]];
	}
	cli_table_init(&t, cols, ncols);
	for (i = 0; i < flows->len && !err; i++) {
		err = flows_fill(cells, &flows->v[i], now_ns);
		if (!err)
			err = cli_table_add(&t, row);
	}
	if (!err)
		err = cli_table_print(&t, out);
	cli_table_free(&t);
	return err;
}

int flows_print_json(FILE *out, const struct fm_flows *flows)
{
	json_t *json = fm_flows_to_json(flows);
	int err;

	err = cli_print_json(out, json);
	json_decref(json);
	return err;
}

static int flows_print(const struct flows_opts *opts,
		       const struct fm_flows *flows)
{
	int err;

	if (opts->format == CLI_FORMAT_JSON)
		err = flows_print_json(stdout, flows);
	else
		err = flows_print_table(stdout, flows, cli_now_ns(),
					opts->format == CLI_FORMAT_WIDE);
	return err ? cli_report(err, "printing flows") : CLI_EXIT_OK;
}

/* Closed flows from the agent's store, in the order they closed. */
static int flows_history(const struct flows_opts *opts)
{
	const struct fm_query q = {
		.from_s = opts->from_s,
		.to_s = opts->to_s,
		.client = opts->client,
		.server = opts->server,
	};
	struct fm_flows flows = { 0 };
	struct fm_store *s;
	int ret, err;

	ret = cli_open_store(opts->db_path, opts->config_path, &s);
	if (ret)
		return ret;
	err = fm_query_flows(s, &q, opts->limit, &flows);
	if (err)
		ret = cli_report_store(s, err);
	else
		ret = flows_print(opts, &flows);
	fm_flows_free(&flows);
	fm_store_close(s);
	return ret;
}

int flows_main(int argc, char **argv)
{
	struct fm_flows flows = { 0 };
	struct flows_opts opts;
	char reason[CLI_ERR_MAX];
	struct fm_nl nl;
	int ret, err;

	ret = cli_parsed(flows_parse_args(argc, argv, &opts, reason,
					   sizeof(reason)),
			 "flows", flows_help, reason);
	if (ret >= 0)
		return ret;
	if (opts.since)
		return flows_history(&opts);

	ret = cli_connect(&nl);
	if (ret)
		return ret;
	err = fm_flow_dump(&nl, &opts.filter, &flows);
	fm_nl_close(&nl);
	if (err) {
		ret = cli_report_nl(&nl, err, "reading flows");
		goto out;
	}

	fm_flows_sort(&flows);
	ret = flows_print(&opts, &flows);
out:
	fm_flows_free(&flows);
	return ret;
}
