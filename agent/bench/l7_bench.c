// SPDX-License-Identifier: GPL-2.0
/*
 * What the L7 detectors cost on the host: every capture of a directory is
 * read into memory once, then
 *
 * - replayed through `flowmesh classify`'s pipeline (the engine and
 *   detectors live traffic goes through) until BENCH_L7_SECONDS of CPU
 *   time have passed, all flows at once and then the flows of each
 *   detected protocol alone: payload MB/s and packets/s per core;
 * - fed, first packets of a real flow, to BENCH_L7_FLOWS flows of
 *   flowmeshd's NFQUEUE consumer as inspected flows: the heap each flow
 *   takes (its table entry, engine and detector states, buffers), from
 *   mallinfo2() before and after.
 *
 *   l7_bench PCAP_DIR        prints "label<TAB>value" lines
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <malloc.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/resource.h>

#include "cli/classify.h"
#include "daemon/nfqueue.h"
#include "l7/engine.h"
#include "l7/packet.h"

#define BENCH_L7_SECONDS_DEFAULT	1.0
#define BENCH_L7_FLOWS_DEFAULT		10000
/* Any queue number: it only tells the consumer direction and kind. */
#define BENCH_QUEUE		0
/* An IP header starts this far into a captured frame at most. */
#define BENCH_LINK_MAX		64
#define BENCH_UNSET		((size_t)-1)

struct bench_packet {
	uint64_t ts_ns;
	uint8_t *data;
	size_t caplen;
	bool ok;		/* TCP or UDP over IP: it reaches the engine */
	size_t payload;		/* L4 payload bytes */
	size_t flow;		/* the flow's index, in order of first packet */
	enum fm_l7_dir dir;
};

struct bench_capture {
	char *name;
	int dlt;
	struct bench_packet *pkts;
	size_t npkts;
	enum fm_l7_proto *proto;	/* per flow, as classified */
	size_t *decided_at;	/* per flow: the packet that decided it */
	size_t nflows;
};

struct bench_set {
	struct bench_capture *caps;
	size_t ncaps;
};

static void bench_die(const char *what, const char *why)
{
	fprintf(stderr, "l7_bench: %s: %s\n", what, why);
	exit(1);
}

static void *bench_grow(void *p, size_t *cap, size_t n, size_t size)
{
	size_t want = *cap ? *cap : 16;

	if (n < *cap)
		return p;
	while (want <= n)
		want *= 2;
	p = reallocarray(p, want, size);
	if (!p)
		bench_die("memory", strerror(ENOMEM));
	*cap = want;
	return p;
}

static double bench_cpu_seconds(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	       (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

static size_t bench_heap_bytes(void)
{
	struct mallinfo2 mi = mallinfo2();

	return mi.uordblks + mi.hblkhd;
}

/* Which way @pkt goes on the flow @f of a capture. */
static enum fm_l7_dir bench_dir(const struct fm_flow *f,
				const struct fm_packet *pkt)
{
	size_t alen = pkt->family == AF_INET ? 4 : 16;

	return pkt->sport == f->client_port &&
	       !memcmp(pkt->src, f->client, alen) ? FM_L7_TO_SERVER :
						    FM_L7_TO_CLIENT;
}

/*
 * Every packet of @cap's file into memory, then one pass through the
 * classify pipeline: each packet's flow and direction, each flow's
 * protocol and the packet that decided it.  0, or -1 when the file is no
 * capture libpcap reads.
 */
static int bench_load(struct bench_capture *cap, const char *path)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	struct classify_run run;
	struct pcap_pkthdr *h;
	const u_char *data;
	size_t i, cap_pkts = 0, cap_flows = 0;
	pcap_t *pcap;
	int ret;

	pcap = pcap_open_offline_with_tstamp_precision(path,
			PCAP_TSTAMP_PRECISION_NANO, errbuf);
	if (!pcap)
		return -1;
	cap->dlt = pcap_datalink(pcap);
	while ((ret = pcap_next_ex(pcap, &h, &data)) == 1) {
		struct bench_packet *p;

		cap->pkts = bench_grow(cap->pkts, &cap_pkts, cap->npkts,
				       sizeof(*cap->pkts));
		p = &cap->pkts[cap->npkts++];
		memset(p, 0, sizeof(*p));
		/* opened with nanosecond precision: tv_usec holds ns */
		p->ts_ns = (uint64_t)h->ts.tv_sec * 1000000000u +
			   (uint64_t)h->ts.tv_usec;
		p->caplen = h->caplen;
		p->data = malloc(h->caplen ? h->caplen : 1);
		if (!p->data)
			bench_die(path, strerror(ENOMEM));
		memcpy(p->data, data, h->caplen);
	}
	if (ret == PCAP_ERROR)
		bench_die(path, pcap_geterr(pcap));
	pcap_close(pcap);

	classify_init(&run);
	for (i = 0; i < cap->npkts; i++) {
		struct bench_packet *p = &cap->pkts[i];
		struct classify_flow *cf;
		struct fm_packet pkt;

		if (classify_add_packet(&run, cap->dlt, p->ts_ns, p->data,
					p->caplen))
			bench_die(path, strerror(ENOMEM));
		if (classify_parse_packet(cap->dlt, p->data, p->caplen,
					  &pkt) != FM_PACKET_OK)
			continue;
		cf = classify_find(&run, &pkt);
		p->ok = true;
		p->payload = pkt.payload_len;
		p->flow = cf->order;
		p->dir = bench_dir(&cf->flow, &pkt);
		while (cap->nflows < run.nflows) {
			cap->decided_at = bench_grow(cap->decided_at,
						     &cap_flows, cap->nflows,
						     sizeof(*cap->decided_at));
			cap->decided_at[cap->nflows++] = BENCH_UNSET;
		}
		if (cap->decided_at[p->flow] == BENCH_UNSET &&
		    fm_l7_flow_decided(cf->l7))
			cap->decided_at[p->flow] = i;
	}
	cap->proto = calloc(cap->nflows ? cap->nflows : 1,
			    sizeof(*cap->proto));
	if (!cap->proto)
		bench_die(path, strerror(ENOMEM));
	for (i = 0; i < cap->nflows; i++)
		cap->proto[i] = fm_l7_flow_proto(run.flows[i]->l7);
	classify_free(&run);
	return 0;
}

static int bench_name_cmp(const void *a, const void *b)
{
	return strcmp(((const struct bench_capture *)a)->name,
		      ((const struct bench_capture *)b)->name);
}

/* Every capture of @dir, in name order; files libpcap refuses are not. */
static void bench_load_dir(struct bench_set *set, const char *dir)
{
	size_t cap = 0;
	struct dirent *e;
	char path[4096];
	DIR *d = opendir(dir);

	if (!d)
		bench_die(dir, strerror(errno));
	while ((e = readdir(d))) {
		struct bench_capture *c;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		set->caps = bench_grow(set->caps, &cap, set->ncaps,
				       sizeof(*set->caps));
		c = &set->caps[set->ncaps];
		memset(c, 0, sizeof(*c));
		if (bench_load(c, path))
			continue;
		c->name = strdup(e->d_name);
		if (!c->name)
			bench_die(path, strerror(ENOMEM));
		set->ncaps++;
	}
	closedir(d);
	if (!set->ncaps)
		bench_die(dir, "no capture files");
	qsort(set->caps, set->ncaps, sizeof(*set->caps), bench_name_cmp);
}

static void bench_free(struct bench_set *set)
{
	size_t i, j;

	for (i = 0; i < set->ncaps; i++) {
		for (j = 0; j < set->caps[i].npkts; j++)
			free(set->caps[i].pkts[j].data);
		free(set->caps[i].pkts);
		free(set->caps[i].proto);
		free(set->caps[i].decided_at);
		free(set->caps[i].name);
	}
	free(set->caps);
}

/* Whether @p belongs to the replay of @proto (-1: every flow). */
static bool bench_in(const struct bench_capture *cap,
		     const struct bench_packet *p, int proto)
{
	return proto < 0 || (p->ok && (int)cap->proto[p->flow] == proto);
}

/* One pass of @proto's packets through the classify pipeline. */
static void bench_replay(const struct bench_set *set, int proto)
{
	struct classify_run run;
	size_t i, j;

	for (i = 0; i < set->ncaps; i++) {
		const struct bench_capture *cap = &set->caps[i];

		classify_init(&run);
		for (j = 0; j < cap->npkts; j++) {
			const struct bench_packet *p = &cap->pkts[j];

			if (bench_in(cap, p, proto) &&
			    classify_add_packet(&run, cap->dlt, p->ts_ns,
						p->data, p->caplen))
				bench_die(cap->name, strerror(ENOMEM));
		}
		classify_free(&run);
	}
}

/* Replays @proto's packets for @seconds of CPU time; prints its rows. */
static void bench_throughput(const struct bench_set *set, int proto,
			     const char *label, double seconds)
{
	uint64_t bytes = 0, packets = 0, passes = 0;
	double start, cpu;
	size_t i, j;

	for (i = 0; i < set->ncaps; i++) {
		for (j = 0; j < set->caps[i].npkts; j++) {
			const struct bench_packet *p = &set->caps[i].pkts[j];

			if (!bench_in(&set->caps[i], p, proto))
				continue;
			bytes += p->payload;
			packets++;
		}
	}
	if (!packets)
		return;
	/* one unrecorded pass: the caches warm, the allocator grows */
	bench_replay(set, proto);
	start = bench_cpu_seconds();
	do {
		bench_replay(set, proto);
		passes++;
		cpu = bench_cpu_seconds() - start;
	} while (cpu < seconds);
	printf("replay %s: packets per pass\t%" PRIu64 "\n", label, packets);
	printf("replay %s: payload bytes per pass\t%" PRIu64 "\n", label,
	       bytes);
	printf("replay %s: MB/s of payload per core\t%.1f\n", label,
	       (double)(bytes * passes) / cpu / 1e6);
	printf("replay %s: packets/s per core\t%.0f\n", label,
	       (double)(packets * passes) / cpu);
}

static int bench_label(void *ctx, const struct fm_label *label)
{
	(void)ctx;
	(void)label;
	return 0;
}

static void bench_request(void *ctx, const struct fm_agg_request *req)
{
	(void)ctx;
	(void)req;
}

/* Where the IP header of @p starts: parsing from there finds its payload. */
static size_t bench_ip_start(const struct bench_capture *cap,
			     const struct bench_packet *p)
{
	struct fm_packet link, ip;
	size_t off;

	if (classify_parse_packet(cap->dlt, p->data, p->caplen, &link) !=
	    FM_PACKET_OK)
		return BENCH_UNSET;
	for (off = 0; off < BENCH_LINK_MAX && off < p->caplen; off++)
		if (fm_packet_parse_ip(p->data + off, p->caplen - off, &ip) ==
			    FM_PACKET_OK &&
		    ip.payload == link.payload &&
		    ip.payload_len == link.payload_len)
			return off;
	return BENCH_UNSET;
}

/* Packets of one flow to feed, the last one maybe cut short. */
struct bench_feed {
	const struct bench_capture *cap;
	const struct bench_packet *pkts[FM_L7_OFFER_PACKETS * 2];
	size_t npkts;
	size_t last_payload;	/* payload bytes of the last one fed */
};

/*
 * The heap each of @nflows inspected flows of the NFQUEUE consumer takes
 * once @feed's packets have come, each flow in a namespace of its own.
 */
static double bench_flow_bytes(const struct bench_feed *feed, uint32_t nflows)
{
	const struct fm_nfq_config cfg = { .queue_num = BENCH_QUEUE,
					   .max_flows = nflows,
					   .max_netns = 1 };
	const struct fm_nfq_ops ops = { .label = bench_label,
					.request = bench_request };
	size_t before, after, i, off;
	struct fm_nfq *nfq;
	uint32_t n;
	int err;

	err = fm_nfq_new(&nfq, &cfg, &ops);
	if (err)
		bench_die("NFQUEUE consumer", strerror(-err));
	before = bench_heap_bytes();
	for (n = 0; n < nflows; n++) {
		for (i = 0; i < feed->npkts; i++) {
			const struct bench_packet *p = feed->pkts[i];
			struct fm_nfq_packet np = {
				.queue = BENCH_QUEUE + 2 +
					 (p->dir == FM_L7_TO_CLIENT),
				.has_ts = true,
				.ts_ns = p->ts_ns,
			};

			off = bench_ip_start(feed->cap, p);
			np.data = p->data + off;
			np.len = p->caplen - off;
			if (i + 1 == feed->npkts)
				np.len -= p->payload - feed->last_payload;
			fm_nfq_packet_in(nfq, n + 1, &np, 0, p->ts_ns);
		}
	}
	after = bench_heap_bytes();
	fm_nfq_free(nfq);
	return after > before ? (double)(after - before) / nflows : 0;
}

/*
 * The packets of the first flow classified as @proto up to the one that
 * decided it; those with payload only, as the module queues no others.
 */
static bool bench_decided_feed(const struct bench_set *set,
			       enum fm_l7_proto proto, struct bench_feed *feed)
{
	size_t i, j, f;

	for (i = 0; i < set->ncaps; i++) {
		const struct bench_capture *cap = &set->caps[i];

		for (f = 0; f < cap->nflows; f++) {
			if (cap->proto[f] != proto ||
			    cap->decided_at[f] == BENCH_UNSET)
				continue;
			feed->cap = cap;
			feed->npkts = 0;
			for (j = 0; j <= cap->decided_at[f]; j++) {
				const struct bench_packet *p = &cap->pkts[j];

				if (!p->ok || p->flow != f || !p->payload)
					continue;
				if (feed->npkts == sizeof(feed->pkts) /
						   sizeof(feed->pkts[0]) ||
				    bench_ip_start(cap, p) == BENCH_UNSET)
					break;
				feed->pkts[feed->npkts++] = p;
				feed->last_payload = p->payload;
			}
			if (j > cap->decided_at[f])
				return true;
		}
	}
	return false;
}

/*
 * The first packet of a flow classified as @proto that has payload (fed
 * cut to its first half: the flow stays undecided), or that has none (a
 * handshake's: the flow is made, every detector a candidate).
 */
static bool bench_first_packet(const struct bench_set *set,
			       enum fm_l7_proto proto, bool with_payload,
			       struct bench_feed *feed)
{
	size_t i, j;

	for (i = 0; i < set->ncaps; i++) {
		const struct bench_capture *cap = &set->caps[i];

		for (j = 0; j < cap->npkts; j++) {
			const struct bench_packet *p = &cap->pkts[j];

			if (!p->ok || cap->proto[p->flow] != proto ||
			    !p->payload != !with_payload ||
			    bench_ip_start(cap, p) == BENCH_UNSET)
				continue;
			feed->cap = cap;
			feed->pkts[0] = p;
			feed->npkts = 1;
			feed->last_payload = p->payload / 2;
			return true;
		}
	}
	return false;
}

/* One "heap bytes per flow" row: @fmt names the case. */
__attribute__((format(printf, 3, 4)))
static void bench_memory_row(const struct bench_feed *feed, uint32_t nflows,
			     const char *fmt, ...)
{
	va_list ap;

	printf("heap bytes per flow: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\t%.0f\n", bench_flow_bytes(feed, nflows));
}

static void bench_memory(const struct bench_set *set, uint32_t nflows)
{
	struct bench_feed feed;
	unsigned int proto;

	printf("inspected flows created per case\t%u\n", nflows);
	if (bench_first_packet(set, FM_L7_HTTP, false, &feed))
		bench_memory_row(&feed, nflows, "undecided, every detector a "
				 "candidate (no payload yet)");
	if (bench_first_packet(set, FM_L7_HTTP, true, &feed))
		bench_memory_row(&feed, nflows, "undecided, first %zu of %zu "
				 "bytes of an HTTP request", feed.last_payload,
				 feed.pkts[0]->payload);
	for (proto = FM_L7_UNKNOWN + 1; proto < FM_L7_PROTO_COUNT; proto++)
		if (bench_decided_feed(set, proto, &feed))
			bench_memory_row(&feed, nflows, "decided %s (after %zu "
					 "payload packet%s)",
					 fm_l7_proto_name(proto), feed.npkts,
					 feed.npkts == 1 ? "" : "s");
}

static double bench_env(const char *name, double fallback)
{
	const char *v = getenv(name);
	char *end;
	double d;

	if (!v || !*v)
		return fallback;
	d = strtod(v, &end);
	if (*end || d <= 0)
		bench_die(name, "not a positive number");
	return d;
}

int main(int argc, char **argv)
{
	double seconds = bench_env("BENCH_L7_SECONDS",
				   BENCH_L7_SECONDS_DEFAULT);
	uint32_t nflows = (uint32_t)bench_env("BENCH_L7_FLOWS",
					      BENCH_L7_FLOWS_DEFAULT);
	struct bench_set set = { 0 };
	uint64_t flows = 0, packets = 0;
	unsigned int proto;
	size_t i;

	if (argc != 2) {
		fprintf(stderr, "usage: l7_bench PCAP_DIR\n");
		return 2;
	}
	bench_load_dir(&set, argv[1]);
	for (i = 0; i < set.ncaps; i++) {
		flows += set.caps[i].nflows;
		packets += set.caps[i].npkts;
	}
	printf("captures\t%zu\n", set.ncaps);
	printf("flows\t%" PRIu64 "\n", flows);
	printf("packets\t%" PRIu64 "\n", packets);
	bench_throughput(&set, -1, "all flows", seconds);
	for (proto = 0; proto < FM_L7_PROTO_COUNT; proto++)
		bench_throughput(&set, (int)proto, fm_l7_proto_name(proto),
				 seconds);
	bench_memory(&set, nflows);
	bench_free(&set);
	return 0;
}
