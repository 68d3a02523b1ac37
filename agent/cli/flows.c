// SPDX-License-Identifier: GPL-2.0
/* flowmesh flows: the flows the kernel module is tracking. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <string.h>
#include <linux/flowmesh.h>
#include "cli/cli.h"
#include "lib/addr.h"
#include "lib/flow.h"
#include "lib/genl.h"

static const char flows_usage[] =
	"Usage: flowmesh flows [-o table|json] [--netns INUM]\n";

static const char flows_description[] =
	"\n"
	"List the TCP and UDP flows the flowmesh kernel module is tracking.\n"
	"Run in the initial network namespace, it shows the flows of every\n"
	"namespace; run elsewhere, only those of its own namespace.  Flows are\n"
	"sorted by namespace, protocol, client and server.\n"
	"\n"
	"The client is the side that sent the first packet (for TCP, the first\n"
	"SYN).  TX counts what the client sent to the server, RX what the\n"
	"server sent back.  Bytes are IP bytes, headers included, as in\n"
	"conntrack accounting.\n"
	"\n"
	"Options:\n"
	"  -o, --output FORMAT  table (the default) or json\n"
	"      --netns INUM     only flows of the network namespace whose inode\n"
	"                       number is INUM, as printed by\n"
	"                       'stat -L -c %i /proc/PID/ns/net'; the form\n"
	"                       'readlink /proc/PID/ns/net' prints, net:[INUM],\n"
	"                       is accepted too\n"
	"  -h, --help           show this help and exit\n"
	"\n"
	"Table columns:\n"
	"  PROTO     tcp or udp\n"
	"  CLIENT    client address:port; IPv6 as [address]:port\n"
	"  SERVER    server address:port\n"
	"  TX_PKTS   packets, client to server\n"
	"  TX_BYTES  IP bytes, client to server\n"
	"  RX_PKTS   packets, server to client\n"
	"  RX_BYTES  IP bytes, server to client\n"
	"  AGE       time since the first packet (s, m, h, d)\n"
	"  IDLE      time since the last packet\n"
	"  NETNS     network namespace inode number\n"
	"\n"
	"JSON output: an array with one object per flow:\n"
	"  proto        string  \"tcp\" or \"udp\"\n"
	"  family       number  4 or 6\n"
	"  netns        number  network namespace inode number\n"
	"  client       string  client address (no port, no brackets)\n"
	"  server       string  server address\n"
	"  client_port  number  client port\n"
	"  server_port  number  server port\n"
	"  tx_bytes     number  IP bytes, client to server\n"
	"  tx_packets   number  packets, client to server\n"
	"  rx_bytes     number  IP bytes, server to client\n"
	"  rx_packets   number  packets, server to client\n"
	"  first_seen   number  first packet, seconds since the Unix epoch,\n"
	"                       to the microsecond\n"
	"  last_seen    number  last packet, seconds since the Unix epoch\n"
	"\n";

static const char flows_examples[] =
	"\n"
	"Examples:\n"
	"  flowmesh flows\n"
	"  flowmesh flows -o json | jq '.[] | select(.server_port == 443)'\n"
	"  flowmesh flows --netns \"$(stat -L -c %i /proc/1234/ns/net)\"\n";

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

enum { OPT_NETNS = 0x100 };

static const struct option flows_options[] = {
	{ "output", required_argument, NULL, 'o' },
	{ "netns", required_argument, NULL, OPT_NETNS },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

int flows_parse_args(int argc, char **argv, struct flows_opts *opts,
		     char *err, size_t errlen)
{
	int c;

	*opts = (struct flows_opts){ .format = CLI_FORMAT_TABLE };
	optind = 0;	/* a fresh argv: make getopt start over */
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":ho:", flows_options, NULL)) != -1) {
		switch (c) {
		case 'h':
			return CLI_PARSE_HELP;
		case 'o':
			if (cli_parse_format(optarg, &opts->format)) {
				snprintf(err, errlen, "unknown output format '%s'; use table or json",
					 optarg);
				return CLI_PARSE_BAD;
			}
			break;
		case OPT_NETNS:
			if (flows_parse_netns(optarg, &opts->netns)) {
				snprintf(err, errlen, "invalid namespace inode number '%s'",
					 optarg);
				return CLI_PARSE_BAD;
			}
			opts->netns_set = true;
			break;
		default:
			cli_bad_option(c, argv, err, errlen);
			return CLI_PARSE_BAD;
		}
	}
	if (optind < argc) {
		snprintf(err, errlen, "unexpected argument '%s'", argv[optind]);
		return CLI_PARSE_BAD;
	}
	return CLI_PARSE_OK;
}

static const struct cli_column flows_columns[] = {
	{ "PROTO", CLI_ALIGN_LEFT },
	{ "CLIENT", CLI_ALIGN_LEFT },
	{ "SERVER", CLI_ALIGN_LEFT },
	{ "TX_PKTS", CLI_ALIGN_RIGHT },
	{ "TX_BYTES", CLI_ALIGN_RIGHT },
	{ "RX_PKTS", CLI_ALIGN_RIGHT },
	{ "RX_BYTES", CLI_ALIGN_RIGHT },
	{ "AGE", CLI_ALIGN_RIGHT },
	{ "IDLE", CLI_ALIGN_RIGHT },
	{ "NETNS", CLI_ALIGN_RIGHT },
};

#define FLOWS_NCOLS (sizeof(flows_columns) / sizeof(*flows_columns))

/* A clock behind the kernel's reads as no time passed, not as years. */
static uint64_t flows_since(uint64_t now_ns, uint64_t then_ns)
{
	return now_ns > then_ns ? now_ns - then_ns : 0;
}

static int flows_table_add(struct cli_table *t, const struct fm_flow *f,
			   uint64_t now_ns)
{
	char client[FM_ENDPOINT_STRLEN], server[FM_ENDPOINT_STRLEN];
	char num[4][24], age[24], idle[24], netns[16];
	const char *cells[FLOWS_NCOLS] = {
		fm_proto_name(f->proto), client, server,
		num[0], num[1], num[2], num[3], age, idle, netns,
	};

	if (!cells[0] ||
	    fm_endpoint_str(f->family, f->client, f->client_port,
			    client, sizeof(client)) < 0 ||
	    fm_endpoint_str(f->family, f->server, f->server_port,
			    server, sizeof(server)) < 0)
		return -EINVAL;
	snprintf(num[0], sizeof(num[0]), "%" PRIu64, f->tx_packets);
	snprintf(num[1], sizeof(num[1]), "%" PRIu64, f->tx_bytes);
	snprintf(num[2], sizeof(num[2]), "%" PRIu64, f->rx_packets);
	snprintf(num[3], sizeof(num[3]), "%" PRIu64, f->rx_bytes);
	cli_format_duration(flows_since(now_ns, f->first_seen_ns), age,
			    sizeof(age));
	cli_format_duration(flows_since(now_ns, f->last_seen_ns), idle,
			    sizeof(idle));
	snprintf(netns, sizeof(netns), "%" PRIu32, f->netns);
	return cli_table_add(t, cells);
}

int flows_print_table(FILE *out, const struct fm_flows *flows,
		      uint64_t now_ns)
{
	struct cli_table t;
	size_t i;
	int err = 0;

	cli_table_init(&t, flows_columns, FLOWS_NCOLS);
	for (i = 0; i < flows->len && !err; i++)
		err = flows_table_add(&t, &flows->v[i], now_ns);
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

int flows_main(int argc, char **argv)
{
	struct fm_flows flows = { 0 };
	struct fm_flow_filter filter;
	struct flows_opts opts;
	char reason[CLI_ERR_MAX];
	struct fm_nl nl;
	int ret, err;

	switch (flows_parse_args(argc, argv, &opts, reason, sizeof(reason))) {
	case CLI_PARSE_HELP:
		flows_help(stdout);
		return CLI_EXIT_OK;
	case CLI_PARSE_BAD:
		return cli_usage_error("flows", reason);
	case CLI_PARSE_OK:
		break;
	}

	ret = cli_connect(&nl);
	if (ret)
		return ret;
	filter = (struct fm_flow_filter){
		.netns_set = opts.netns_set,
		.netns = opts.netns,
	};
	err = fm_flow_dump(&nl, &filter, &flows);
	fm_nl_close(&nl);
	if (err) {
		ret = cli_report(err, "reading flows");
		goto out;
	}

	fm_flows_sort(&flows);
	if (opts.format == CLI_FORMAT_JSON)
		err = flows_print_json(stdout, &flows);
	else
		err = flows_print_table(stdout, &flows, cli_now_ns());
	if (err)
		ret = cli_report(err, "printing flows");
out:
	fm_flows_free(&flows);
	return ret;
}
