// SPDX-License-Identifier: GPL-2.0
/*
 * flowmesh classify: reads a capture file (pcap or pcapng), groups its
 * packets into flows and runs the L7 engine over each, as the agent does
 * on live traffic.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include "cli/classify.h"
#include "lib/addr.h"
#include "lib/json.h"

static const char classify_usage[] =
	"Usage: flowmesh classify FILE [-o table|json] [--pcap-filter EXPR]\n";

static const char classify_description[] =
	"\n"
	"Read the capture FILE (pcap or pcapng), group its TCP and UDP packets\n"
	"into flows and tell for each the application protocol it speaks, with\n"
	"the detectors the agent runs on live traffic: http (HTTP/1.x), http2,\n"
	"grpc, tls, dns, mysql, postgresql, redis, memcache and smtp.  TCP\n"
	"streams are reassembled in order per direction first.  A protocol is\n"
	"never guessed from a port: a flow no detector recognises is unknown.\n"
	"\n"
	"Link types read: Ethernet (802.1Q and 802.1ad VLAN tags), Linux cooked\n"
	"capture (SLL, SLL2), raw IP (IPv4, IPv6) and BSD loopback.  IPv6\n"
	"extension headers are skipped; IP fragments are counted, not\n"
	"reassembled.  Other packets are counted and ignored.\n"
	"\n"
	"A flow is the packets of one protocol between two address:port\n"
	"endpoints, both directions.  Its client is the side that sent the SYN\n"
	"(TCP), else the sender of its first packet.  TX counts what the client\n"
	"sent, RX what the server sent.  Bytes are IP bytes (the IP header's\n"
	"total length: headers included, link layer excluded), as in\n"
	"'flowmesh flows'.  Flows are listed in order of their first packet.\n"
	"\n"
	"Options:\n"
	"  -o, --output FORMAT     table (the default) or json\n"
	"      --pcap-filter EXPR  only packets that match the pcap-filter(7)\n"
	"                          expression EXPR, e.g. 'tcp port 443'\n"
	"  -h, --help              show this help and exit\n"
	"\n"
	"Table columns:\n"
	"  PROTO     tcp or udp\n"
	"  CLIENT    client address:port; IPv6 as [address]:port\n"
	"  SERVER    server address:port\n"
	"  PROTOCOL  the application protocol, or unknown\n"
	"  TX_PKTS   packets, client to server\n"
	"  RX_PKTS   packets, server to client\n"
	"  TX_BYTES  IP bytes, client to server\n"
	"  RX_BYTES  IP bytes, server to client\n"
	"  L7        what the detector learnt (sni=..., version=...), the\n"
	"            first request (method, route, status) and the number of\n"
	"            requests; for an unknown flow, the service its port is\n"
	"            registered for, as hint=NAME; \"-\" when nothing\n"
	"\n"
	"JSON output: an array with one object per flow, with the fields of\n"
	"'flowmesh flows -o json' (id, state, netns and the TCP figures are\n"
	"null or 0: a capture has none of them; first_seen and last_seen are\n"
	"the capture's timestamps, seconds since the Unix epoch), and:\n"
	"  protocol   string  the application protocol, or \"unknown\"\n"
	"  l7         object  what the detector learnt, e.g. \"sni\",\n"
	"                     \"version\", and \"requests\": the number of\n"
	"                     finished requests it saw; {} for unknown flows\n"
	"  port_hint  string  for an unknown flow, the service a port of it is\n"
	"                     registered for (\"https\", \"mysql\", ...): a hint,\n"
	"                     not a detection; null otherwise\n"
	"\n"
	"Exit status:\n"
	"  0  success\n"
	"  1  the file cannot be read or is damaged (the flows read before the\n"
	"     damage are printed), out of memory, write error\n"
	"  2  usage error: unknown option, bad option argument or pcap-filter\n"
	"     expression, no FILE or more than one\n";

static const char classify_examples[] =
	"\n"
	"Examples:\n"
	"  flowmesh classify capture.pcapng\n"
	"  flowmesh classify capture.pcap --pcap-filter 'tcp port 5432'\n"
	"  flowmesh classify capture.pcap -o json | jq -r '.[].l7.sni // empty'\n";

void classify_help(FILE *out)
{
	fputs(classify_usage, out);
	fputs(classify_description, out);
	fputs(classify_examples, out);
}

enum {
	OPT_PCAP_FILTER = 0x100,
};

static const struct option classify_options[] = {
	{ "output", required_argument, NULL, 'o' },
	{ "pcap-filter", required_argument, NULL, OPT_PCAP_FILTER },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

int classify_parse_args(int argc, char **argv, struct classify_opts *opts,
			char *err, size_t errlen)
{
	int c;

	*opts = (struct classify_opts){ .format = CLI_FORMAT_TABLE };
	optind = 0;	/* a fresh argv: make getopt start over */
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":ho:", classify_options,
				NULL)) != -1) {
		switch (c) {
		case 'h':
			return CLI_PARSE_HELP;
		case 'o':
			if (cli_opt_format(optarg, &opts->format, err, errlen))
				return CLI_PARSE_BAD;
			break;
		case OPT_PCAP_FILTER:
			if (!*optarg) {
				snprintf(err, errlen, "--pcap-filter needs an expression");
				return CLI_PARSE_BAD;
			}
			opts->filter = optarg;
			break;
		default:
			cli_bad_option(c, argv, err, errlen);
			return CLI_PARSE_BAD;
		}
	}
	if (optind >= argc) {
		snprintf(err, errlen, "no capture file given");
		return CLI_PARSE_BAD;
	}
	if (optind + 1 < argc) {
		snprintf(err, errlen, "unexpected argument '%s'",
			 argv[optind + 1]);
		return CLI_PARSE_BAD;
	}
	if (!*argv[optind]) {
		snprintf(err, errlen, "the capture file name is empty");
		return CLI_PARSE_BAD;
	}
	opts->path = argv[optind];
	return CLI_PARSE_OK;
}

/* --- headers ------------------------------------------------------------ */

#define ETH_HLEN	14
#define SLL_HLEN	16
#define SLL2_HLEN	20
#define NULL_HLEN	4
#define VLAN_TAGS_MAX	4	/* nested tags read before giving up */

#define ETH_P_IPV4	0x0800
#define ETH_P_IPV6	0x86dd
#define ETH_P_VLAN	0x8100
#define ETH_P_QINQ	0x88a8

static uint16_t get_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static enum fm_packet_verdict classify_ethertype(uint16_t type,
						 const uint8_t *p, size_t len,
						 struct fm_packet *pkt)
{
	if (type == ETH_P_IPV4)
		return fm_packet_parse_ipv4(p, len, pkt);
	if (type == ETH_P_IPV6)
		return fm_packet_parse_ipv6(p, len, pkt);
	return FM_PACKET_OTHER;
}

static enum fm_packet_verdict classify_ethernet(const uint8_t *p, size_t len,
					       struct fm_packet *pkt)
{
	size_t off = 12;
	uint16_t type;
	int tags = 0;

	if (len < ETH_HLEN)
		return FM_PACKET_TRUNCATED;
	type = get_be16(p + off);
	while (type == ETH_P_VLAN || type == ETH_P_QINQ) {
		if (++tags > VLAN_TAGS_MAX)
			return FM_PACKET_OTHER;
		off += 4;
		if (len < off + 2)
			return FM_PACKET_TRUNCATED;
		type = get_be16(p + off);
	}
	off += 2;
	return classify_ethertype(type, p + off, len - off, pkt);
}

/*
 * BSD loopback: the address family in 4 bytes, in the byte order of the
 * host that captured (DLT_NULL) or big endian (DLT_LOOP).  IPv6's value
 * differs between systems: 10 Linux, 24 NetBSD and OpenBSD, 28 FreeBSD,
 * 30 macOS.
 */
static enum fm_packet_verdict classify_loopback(const uint8_t *p, size_t len,
					       struct fm_packet *pkt)
{
	uint32_t be, le;

	if (len < NULL_HLEN)
		return FM_PACKET_TRUNCATED;
	be = get_be32(p);
	le = (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 |
	     (uint32_t)p[1] << 8 | p[0];
	if (be == 2 || le == 2)
		return fm_packet_parse_ipv4(p + NULL_HLEN, len - NULL_HLEN, pkt);
	if (be == 10 || be == 24 || be == 28 || be == 30 ||
	    le == 10 || le == 24 || le == 28 || le == 30)
		return fm_packet_parse_ipv6(p + NULL_HLEN, len - NULL_HLEN, pkt);
	return FM_PACKET_OTHER;
}

enum fm_packet_verdict classify_parse_packet(int dlt, const uint8_t *data,
					    size_t caplen,
					    struct fm_packet *pkt)
{
	memset(pkt, 0, sizeof(*pkt));
	switch (dlt) {
	case DLT_EN10MB:
		return classify_ethernet(data, caplen, pkt);
	case DLT_LINUX_SLL:
		if (caplen < SLL_HLEN)
			return FM_PACKET_TRUNCATED;
		return classify_ethertype(get_be16(data + 14), data + SLL_HLEN,
					  caplen - SLL_HLEN, pkt);
	case DLT_LINUX_SLL2:
		if (caplen < SLL2_HLEN)
			return FM_PACKET_TRUNCATED;
		return classify_ethertype(get_be16(data), data + SLL2_HLEN,
					  caplen - SLL2_HLEN, pkt);
	case DLT_RAW:
		return fm_packet_parse_ip(data, caplen, pkt);
	case DLT_IPV4:
		return fm_packet_parse_ipv4(data, caplen, pkt);
	case DLT_IPV6:
		return fm_packet_parse_ipv6(data, caplen, pkt);
	case DLT_NULL:
	case DLT_LOOP:
		return classify_loopback(data, caplen, pkt);
	}
	return FM_PACKET_OTHER;
}

/* --- flows -------------------------------------------------------------- */

#define CLASSIFY_BUCKETS_MIN	256

void classify_init(struct classify_run *run)
{
	memset(run, 0, sizeof(*run));
}

void classify_free(struct classify_run *run)
{
	size_t i;

	for (i = 0; i < run->nflows; i++) {
		fm_l7_flow_free(run->flows[i]->l7);
		free(run->flows[i]);
	}
	free(run->flows);
	free(run->buckets);
	memset(run, 0, sizeof(*run));
}

static size_t classify_addr_len(uint8_t family)
{
	return family == AF_INET ? 4 : 16;
}

/* FNV-1a over one endpoint. */
static uint32_t classify_hash_end(uint32_t h, const uint8_t *addr,
				  size_t len, uint16_t port)
{
	size_t i;

	for (i = 0; i < len; i++)
		h = (h ^ addr[i]) * 16777619u;
	h = (h ^ (port & 0xff)) * 16777619u;
	return (h ^ (port >> 8)) * 16777619u;
}

/* The same for both directions: the two endpoints' hashes combined. */
static size_t classify_hash(uint8_t family, uint8_t proto,
			    const uint8_t *a, uint16_t aport,
			    const uint8_t *b, uint16_t bport)
{
	size_t len = classify_addr_len(family);

	return (classify_hash_end(2166136261u, a, len, aport) ^
		classify_hash_end(2166136261u, b, len, bport)) +
	       (size_t)family * 31 + proto;
}

static size_t classify_flow_hash(const struct fm_flow *f)
{
	return classify_hash(f->family, f->proto, f->client, f->client_port,
			     f->server, f->server_port);
}

/* Whether @pkt goes from client to server (1), the other way (0), or is
 * of another flow (-1). */
static int classify_match(const struct fm_flow *f,
			  const struct fm_packet *pkt)
{
	size_t len = classify_addr_len(f->family);

	if (f->family != pkt->family || f->proto != pkt->proto)
		return -1;
	if (f->client_port == pkt->sport && f->server_port == pkt->dport &&
	    !memcmp(f->client, pkt->src, len) &&
	    !memcmp(f->server, pkt->dst, len))
		return 1;
	if (f->client_port == pkt->dport && f->server_port == pkt->sport &&
	    !memcmp(f->client, pkt->dst, len) &&
	    !memcmp(f->server, pkt->src, len))
		return 0;
	return -1;
}

struct classify_flow *classify_find(const struct classify_run *run,
				    const struct fm_packet *pkt)
{
	struct classify_flow *cf;
	size_t h;

	if (!run->nbuckets)
		return NULL;
	h = classify_hash(pkt->family, pkt->proto, pkt->src, pkt->sport,
			  pkt->dst, pkt->dport);
	for (cf = run->buckets[h % run->nbuckets]; cf; cf = cf->next)
		if (classify_match(&cf->flow, pkt) >= 0)
			return cf;
	return NULL;
}

/* Keeps chains short: twice the buckets once there are as many flows. */
static int classify_grow(struct classify_run *run)
{
	size_t n = run->nbuckets ? run->nbuckets * 2 : CLASSIFY_BUCKETS_MIN;
	struct classify_flow **buckets, **flows;
	size_t i, h;

	if (run->nflows == run->cap) {
		flows = reallocarray(run->flows, run->cap ? run->cap * 2 : 64,
				     sizeof(*flows));
		if (!flows)
			return -ENOMEM;
		run->flows = flows;
		run->cap = run->cap ? run->cap * 2 : 64;
	}
	if (run->nflows < run->nbuckets)
		return 0;
	buckets = calloc(n, sizeof(*buckets));
	if (!buckets)
		return -ENOMEM;
	for (i = 0; i < run->nflows; i++) {
		h = classify_flow_hash(&run->flows[i]->flow) % n;
		run->flows[i]->next = buckets[h];
		buckets[h] = run->flows[i];
	}
	free(run->buckets);
	run->buckets = buckets;
	run->nbuckets = n;
	return 0;
}

static struct classify_flow *classify_new_flow(struct classify_run *run,
					       const struct fm_packet *pkt,
					       uint64_t ts_ns)
{
	/* a SYN-ACK's receiver sent the SYN: it is the client */
	bool reply = pkt->proto == IPPROTO_TCP &&
		     (pkt->tcp_flags & (FM_TCP_SYN | FM_TCP_ACK)) == (FM_TCP_SYN | FM_TCP_ACK);
	size_t len = classify_addr_len(pkt->family), h;
	struct classify_flow *cf;
	struct fm_flow *f;

	if (classify_grow(run))
		return NULL;
	cf = calloc(1, sizeof(*cf));
	if (!cf)
		return NULL;
	cf->l7 = fm_l7_flow_new(pkt->proto);
	if (!cf->l7) {
		free(cf);
		return NULL;
	}
	f = &cf->flow;
	f->family = pkt->family;
	f->proto = pkt->proto;
	memcpy(f->client, reply ? pkt->dst : pkt->src, len);
	memcpy(f->server, reply ? pkt->src : pkt->dst, len);
	f->client_port = reply ? pkt->dport : pkt->sport;
	f->server_port = reply ? pkt->sport : pkt->dport;
	f->first_seen_ns = ts_ns;
	cf->order = run->nflows;
	h = classify_flow_hash(f) % run->nbuckets;
	cf->next = run->buckets[h];
	run->buckets[h] = cf;
	run->flows[run->nflows++] = cf;
	return cf;
}

static void classify_on_request(void *ctx, const struct fm_l7_request *req)
{
	struct classify_flow *cf = ctx;

	if (!cf->requests++) {
		cf->first_request = *req;
		cf->has_request = true;
	}
}

int classify_add_packet(struct classify_run *run, int dlt, uint64_t ts_ns,
			const uint8_t *data, size_t caplen)
{
	struct fm_l7_segment seg = { .ts_ns = ts_ns };
	struct fm_packet pkt;
	struct classify_flow *cf;
	struct fm_l7_sink sink;
	enum fm_l7_dir dir;
	struct fm_flow *f;

	run->packets++;
	switch (classify_parse_packet(dlt, data, caplen, &pkt)) {
	case FM_PACKET_OK:
		break;
	case FM_PACKET_OTHER:
		run->other++;
		return 0;
	case FM_PACKET_FRAGMENT:
		run->fragments++;
		return 0;
	case FM_PACKET_TRUNCATED:
		run->truncated++;
		return 0;
	}
	cf = classify_find(run, &pkt);
	if (!cf) {
		cf = classify_new_flow(run, &pkt, ts_ns);
		if (!cf)
			return -ENOMEM;
	}
	f = &cf->flow;
	dir = classify_match(f, &pkt) ? FM_L7_TO_SERVER : FM_L7_TO_CLIENT;
	if (dir == FM_L7_TO_SERVER) {
		f->tx_packets++;
		f->tx_bytes += pkt.ip_len;
	} else {
		f->rx_packets++;
		f->rx_bytes += pkt.ip_len;
	}
	/* captures are not always in time order */
	if (ts_ns < f->first_seen_ns)
		f->first_seen_ns = ts_ns;
	if (ts_ns > f->last_seen_ns)
		f->last_seen_ns = ts_ns;
	seg.seq = pkt.seq;
	seg.flags = (pkt.tcp_flags & FM_TCP_SYN ? FM_L7_SEG_SYN : 0) |
		    (pkt.tcp_flags & FM_TCP_FIN ? FM_L7_SEG_FIN : 0) |
		    (pkt.tcp_flags & FM_TCP_RST ? FM_L7_SEG_RST : 0);
	seg.data = pkt.payload;
	seg.len = pkt.payload_len;
	sink = (struct fm_l7_sink){ .request = classify_on_request, .ctx = cf };
	return fm_l7_flow_packet(cf->l7, dir, &seg, &sink);
}

int classify_read(struct classify_run *run, pcap_t *pcap, char *err,
		  size_t errlen)
{
	int dlt = pcap_datalink(pcap);
	struct pcap_pkthdr *h;
	const u_char *data;
	uint64_t ts_ns;
	int ret;

	while ((ret = pcap_next_ex(pcap, &h, &data)) == 1) {
		/* opened with nanosecond precision: tv_usec holds ns */
		ts_ns = (uint64_t)h->ts.tv_sec * 1000000000u +
			(uint64_t)h->ts.tv_usec;
		if (classify_add_packet(run, dlt, ts_ns, data, h->caplen))
			return -ENOMEM;
	}
	if (ret == PCAP_ERROR) {
		snprintf(err, errlen, "%s", pcap_geterr(pcap));
		return -EIO;
	}
	return 0;
}

static int classify_cmp(const void *a, const void *b)
{
	const struct classify_flow *x = *(struct classify_flow *const *)a;
	const struct classify_flow *y = *(struct classify_flow *const *)b;

	if (x->flow.first_seen_ns != y->flow.first_seen_ns)
		return x->flow.first_seen_ns < y->flow.first_seen_ns ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

void classify_sort(struct classify_run *run)
{
	if (run->nflows)
		qsort(run->flows, run->nflows, sizeof(*run->flows),
		      classify_cmp);
}

/* --- output ------------------------------------------------------------- */

static const struct classify_port {
	uint16_t port;
	uint8_t proto;		/* 0: TCP and UDP */
	const char *name;
} classify_ports[] = {
	{ 25, IPPROTO_TCP, "smtp" },
	{ 53, 0, "domain" },
	{ 80, IPPROTO_TCP, "http" },
	{ 443, 0, "https" },
	{ 465, IPPROTO_TCP, "submissions" },
	{ 587, IPPROTO_TCP, "submission" },
	{ 853, 0, "domain-s" },
	{ 3306, IPPROTO_TCP, "mysql" },
	{ 5353, IPPROTO_UDP, "mdns" },
	{ 5432, IPPROTO_TCP, "postgresql" },
	{ 6379, IPPROTO_TCP, "redis" },
	{ 8080, IPPROTO_TCP, "http-alt" },
	{ 8443, IPPROTO_TCP, "https-alt" },
	{ 11211, 0, "memcache" },
};

static const char *classify_port_name(uint16_t port, uint8_t proto)
{
	size_t i;

	for (i = 0; i < sizeof(classify_ports) / sizeof(*classify_ports); i++)
		if (classify_ports[i].port == port &&
		    (!classify_ports[i].proto || classify_ports[i].proto == proto))
			return classify_ports[i].name;
	return NULL;
}

const char *classify_port_hint(const struct fm_flow *flow)
{
	const char *name = classify_port_name(flow->server_port, flow->proto);

	/* the client may be the well-known side when its SYN went unseen */
	return name ? name : classify_port_name(flow->client_port, flow->proto);
}

static json_t *classify_l7_json(const struct classify_flow *cf)
{
	json_t *l7 = json_object();

	if (!l7)
		return NULL;
	if (fm_l7_flow_proto(cf->l7) == FM_L7_UNKNOWN)
		return l7;
	if (fm_l7_flow_describe(cf->l7, l7) ||
	    fm_json_put(l7, "requests", json_integer(fm_json_uint(cf->requests)))) {
		json_decref(l7);
		return NULL;
	}
	return l7;
}

json_t *classify_flow_json(const struct classify_flow *cf)
{
	enum fm_l7_proto proto = fm_l7_flow_proto(cf->l7);
	const char *hint = proto ? NULL : classify_port_hint(&cf->flow);
	json_t *obj = fm_flow_to_json(&cf->flow);

	if (!obj)
		return NULL;
	if (fm_json_put(obj, "protocol", json_string(fm_l7_proto_name(proto))) ||
	    fm_json_put(obj, "l7", classify_l7_json(cf)) ||
	    fm_json_put(obj, "port_hint", hint ? json_string(hint) :
						 json_null())) {
		json_decref(obj);
		return NULL;
	}
	return obj;
}

int classify_print_json(FILE *out, const struct classify_run *run)
{
	json_t *array = json_array();
	size_t i;
	int err;

	if (!array)
		return -ENOMEM;
	for (i = 0; i < run->nflows; i++) {
		if (json_array_append_new(array,
					  classify_flow_json(run->flows[i]))) {
			json_decref(array);
			return -ENOMEM;
		}
	}
	err = cli_print_json(out, array);
	json_decref(array);
	return err;
}

#define CLASSIFY_L7_MAX	64	/* the L7 cell, "..." included */

/* Appends @text to the cell, a space between parts; 0, or -ENOSPC. */
static int classify_cell_add(char *cell, const char *text)
{
	size_t pos = strlen(cell);

	snprintf(cell + pos, CLASSIFY_L7_MAX - pos, "%s%s", pos ? " " : "",
		 text);
	return strlen(cell) == CLASSIFY_L7_MAX - 1 ? -ENOSPC : 0;
}

/*
 * What the detector said, shortest first: its text fields as key=value,
 * the first request, how many requests.  Cut with "..." when too long.
 */
static void classify_summary(const struct classify_flow *cf, char *cell)
{
	char part[FM_L7_METHOD_MAX + FM_L7_ROUTE_MAX + 32];
	const struct fm_l7_request *r = &cf->first_request;
	enum fm_l7_proto proto = fm_l7_flow_proto(cf->l7);
	const char *key, *hint;
	json_t *l7, *v;
	int err = 0;

	cell[0] = '\0';
	if (!proto) {
		hint = classify_port_hint(&cf->flow);
		if (hint)
			snprintf(cell, CLASSIFY_L7_MAX, "hint=%s", hint);
		else
			snprintf(cell, CLASSIFY_L7_MAX, "-");
		return;
	}
	l7 = json_object();
	if (l7 && !fm_l7_flow_describe(cf->l7, l7)) {
		json_object_foreach(l7, key, v) {
			if (!json_is_string(v) || err)
				continue;
			snprintf(part, sizeof(part), "%s=%s", key,
				 json_string_value(v));
			err = classify_cell_add(cell, part);
		}
	}
	json_decref(l7);
	if (cf->has_request && !err) {
		if (r->status >= 0)
			snprintf(part, sizeof(part), "%s %s %" PRId32,
				 r->method, r->route, r->status);
		else
			snprintf(part, sizeof(part), "%s %s", r->method,
				 r->route);
		err = classify_cell_add(cell, part);
	}
	if (cf->requests && !err) {
		snprintf(part, sizeof(part), "(%" PRIu64 " request%s)",
			 cf->requests, cf->requests == 1 ? "" : "s");
		err = classify_cell_add(cell, part);
	}
	if (err)
		memcpy(cell + CLASSIFY_L7_MAX - 4, "...", 4);
	else if (!cell[0])
		snprintf(cell, CLASSIFY_L7_MAX, "-");
}

enum classify_cell {
	CELL_PROTO, CELL_CLIENT, CELL_SERVER, CELL_PROTOCOL, CELL_TX_PKTS,
	CELL_RX_PKTS, CELL_TX_BYTES, CELL_RX_BYTES, CELL_L7,
	NCELLS
};

static const struct cli_column classify_columns[NCELLS] = {
	[CELL_PROTO] = { "PROTO", CLI_ALIGN_LEFT },
	[CELL_CLIENT] = { "CLIENT", CLI_ALIGN_LEFT },
	[CELL_SERVER] = { "SERVER", CLI_ALIGN_LEFT },
	[CELL_PROTOCOL] = { "PROTOCOL", CLI_ALIGN_LEFT },
	[CELL_TX_PKTS] = { "TX_PKTS", CLI_ALIGN_RIGHT },
	[CELL_RX_PKTS] = { "RX_PKTS", CLI_ALIGN_RIGHT },
	[CELL_TX_BYTES] = { "TX_BYTES", CLI_ALIGN_RIGHT },
	[CELL_RX_BYTES] = { "RX_BYTES", CLI_ALIGN_RIGHT },
	[CELL_L7] = { "L7", CLI_ALIGN_LEFT },
};

#define CLASSIFY_CELL_MAX \
	(FM_ENDPOINT_STRLEN > CLASSIFY_L7_MAX ? FM_ENDPOINT_STRLEN : \
						CLASSIFY_L7_MAX)

static int classify_fill(char c[NCELLS][CLASSIFY_CELL_MAX],
			 const struct classify_flow *cf)
{
	const struct fm_flow *f = &cf->flow;

	if (fm_endpoint_str(f->family, f->client, f->client_port,
			    c[CELL_CLIENT], CLASSIFY_CELL_MAX) < 0 ||
	    fm_endpoint_str(f->family, f->server, f->server_port,
			    c[CELL_SERVER], CLASSIFY_CELL_MAX) < 0)
		return -EINVAL;
	snprintf(c[CELL_PROTO], CLASSIFY_CELL_MAX, "%s",
		 fm_proto_name(f->proto));
	snprintf(c[CELL_PROTOCOL], CLASSIFY_CELL_MAX, "%s",
		 fm_l7_proto_name(fm_l7_flow_proto(cf->l7)));
	snprintf(c[CELL_TX_PKTS], CLASSIFY_CELL_MAX, "%" PRIu64, f->tx_packets);
	snprintf(c[CELL_RX_PKTS], CLASSIFY_CELL_MAX, "%" PRIu64, f->rx_packets);
	snprintf(c[CELL_TX_BYTES], CLASSIFY_CELL_MAX, "%" PRIu64, f->tx_bytes);
	snprintf(c[CELL_RX_BYTES], CLASSIFY_CELL_MAX, "%" PRIu64, f->rx_bytes);
	classify_summary(cf, c[CELL_L7]);
	return 0;
}

int classify_print_table(FILE *out, const struct classify_run *run)
{
	char cells[NCELLS][CLASSIFY_CELL_MAX];
	const char *row[NCELLS];
	struct cli_table t;
	size_t i;
	int err = 0;

	for (i = 0; i < NCELLS; i++)
		row[i] = cells[i];
	cli_table_init(&t, classify_columns, NCELLS);
	for (i = 0; i < run->nflows && !err; i++) {
		err = classify_fill(cells, run->flows[i]);
		if (!err)
			err = cli_table_add(&t, row);
	}
	if (!err)
		err = cli_table_print(&t, out);
	cli_table_free(&t);
	return err;
}

/* --- the verb ----------------------------------------------------------- */

static int classify_set_filter(pcap_t *pcap, const char *expr)
{
	struct bpf_program prog;
	char reason[CLI_ERR_MAX + PCAP_ERRBUF_SIZE];
	int err;

	if (pcap_compile(pcap, &prog, expr, 1, PCAP_NETMASK_UNKNOWN)) {
		snprintf(reason, sizeof(reason), "invalid --pcap-filter '%s': %s",
			 expr, pcap_geterr(pcap));
		return cli_usage_error("classify", reason);
	}
	err = pcap_setfilter(pcap, &prog);
	pcap_freecode(&prog);
	if (err) {
		fprintf(stderr, "flowmesh: cannot apply --pcap-filter: %s\n",
			pcap_geterr(pcap));
		return CLI_EXIT_RUNTIME;
	}
	return CLI_EXIT_OK;
}

static int classify_output(const struct classify_opts *opts,
			   const struct classify_run *run)
{
	int err;

	if (opts->format == CLI_FORMAT_JSON)
		err = classify_print_json(stdout, run);
	else
		err = classify_print_table(stdout, run);
	if (err || fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "flowmesh: cannot write the output: %s\n",
			err == -ENOMEM ? strerror(ENOMEM) : "write error");
		return CLI_EXIT_RUNTIME;
	}
	return CLI_EXIT_OK;
}

/* libpcap names the file in some of its errors; once is enough. */
static const char *classify_strip_path(const char *errbuf, const char *path)
{
	size_t len = strlen(path);

	if (!strncmp(errbuf, path, len) && !strncmp(errbuf + len, ": ", 2))
		return errbuf + len + 2;
	return errbuf;
}

int classify_main(int argc, char **argv)
{
	char errbuf[PCAP_ERRBUF_SIZE], reason[CLI_ERR_MAX];
	struct classify_opts opts;
	struct classify_run run;
	int ret, err;
	pcap_t *pcap;

	ret = cli_parsed(classify_parse_args(argc, argv, &opts, reason,
					     sizeof(reason)),
			 "classify", classify_help, reason);
	if (ret >= 0)
		return ret;
	errbuf[0] = '\0';
	pcap = pcap_open_offline_with_tstamp_precision(opts.path,
			PCAP_TSTAMP_PRECISION_NANO, errbuf);
	if (!pcap) {
		fprintf(stderr, "flowmesh: %s: %s\n", opts.path,
			classify_strip_path(errbuf, opts.path));
		return CLI_EXIT_RUNTIME;
	}
	if (opts.filter) {
		ret = classify_set_filter(pcap, opts.filter);
		if (ret) {
			pcap_close(pcap);
			return ret;
		}
	}
	classify_init(&run);
	err = classify_read(&run, pcap, errbuf, sizeof(errbuf));
	pcap_close(pcap);
	if (err == -ENOMEM) {
		fprintf(stderr, "flowmesh: %s: %s\n", opts.path,
			strerror(ENOMEM));
		classify_free(&run);
		return CLI_EXIT_RUNTIME;
	}
	classify_sort(&run);
	ret = classify_output(&opts, &run);
	classify_free(&run);
	if (err) {
		fprintf(stderr, "flowmesh: %s: %s\n", opts.path, errbuf);
		return CLI_EXIT_RUNTIME;
	}
	return ret;
}
