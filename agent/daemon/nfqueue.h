/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The payload packets the module hands over through NFQUEUE (see "L7
 * sampling" in uapi/linux/flowmesh.h): accepted at once, then parsed and
 * run through the L7 engine per flow; what the detectors decide goes back
 * to the module as labels (lib/label.h), the requests of inspected flows
 * to the aggregator.
 *
 * With the module's queue_num Q, a packet comes on queue Q + 0 (client to
 * server) or Q + 1 (server to client) when its flow was chosen for
 * detection, Q + 2 or Q + 3 when it is inspected; "client" is the
 * module's.  Queues are per network namespace: the four are bound in
 * every namespace whose records name it, each with its own netlink
 * socket, opened from inside that namespace (setns) and watched through
 * one epoll set of its own, which the daemon's loop waits on.
 */
#ifndef FLOWMESH_DAEMON_NFQUEUE_H
#define FLOWMESH_DAEMON_NFQUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "daemon/aggregate.h"
#include "l7/l7.h"
#include "lib/label.h"

struct nlmsghdr;

#define FM_NFQ_QUEUES		4	/* Q .. Q + 3 */
/* Datagrams (one packet each) read before the verdicts go out. */
#define FM_NFQ_BATCH		32
/* Largest datagram: a 64 KiB (GSO) packet and its attributes. */
#define FM_NFQ_DGRAM_SIZE	(65536 + 4096)
/* Batches per wake-up and namespace, so one busy namespace can't starve. */
#define FM_NFQ_ROUNDS		8
#define FM_NFQ_IDLE_MS		60000	/* a flow idle this long is forgotten */
/* A namespace not found is looked for again after this long. */
#define FM_NFQ_RETRY_MS		5000
/* How often the files naming watched namespaces are checked. */
#define FM_NFQ_CHECK_MS		5000

struct fm_nfq_config {
	uint16_t queue_num;	/* Q; Q + 3 must be a queue number */
	uint32_t max_flows;	/* flows followed at once */
	uint32_t max_netns;	/* namespaces watched at once */
	uint32_t rcvbuf;	/* each socket's receive buffer, bytes */
	const char *root;	/* where /run/netns and /proc are: "" for / */
};

struct fm_nfq_counters {
	uint64_t packets;		/* read from the queues (each accepted) */
	uint64_t verdict_batches;	/* batch verdicts sent */
	uint64_t enobufs;		/* socket overruns: packets missed */
	uint64_t flows;			/* followed now */
	uint64_t flows_expired;		/* forgotten after FM_NFQ_IDLE_MS */
	uint64_t flows_overflow;	/* not followed: max_flows reached */
	uint64_t labels_sent;		/* SET_LABEL the module took */
	uint64_t labels_enoent;		/* ... for a flow it had forgotten */
	uint64_t netns_watched;		/* namespaces with queues bound now */
	uint64_t netns_failed;		/* not found, not entered, not bound,
					 * or lost on a socket error */
	uint64_t requests;		/* handed to the aggregator (which
					 * exports them as its own) */
};

/* What the consumer hands on; the daemon plugs in netlink and aggregator. */
struct fm_nfq_ops {
	/* 0, -ENOENT (the module forgot the flow), or another error */
	int (*label)(void *ctx, const struct fm_label *label);
	void (*request)(void *ctx, const struct fm_agg_request *req);
	void *ctx;
};

struct fm_nfq;

/* No namespace is watched yet (fm_nfq_saw_netns).  0 or a negative errno. */
int fm_nfq_new(struct fm_nfq **out, const struct fm_nfq_config *cfg,
	       const struct fm_nfq_ops *ops);
void fm_nfq_free(struct fm_nfq *nfq);
/* The epoll set to wait on (readable: call fm_nfq_handle). */
int fm_nfq_fd(const struct fm_nfq *nfq);
/* The module's inspect_one_in: what each inspected flow stands for. */
void fm_nfq_set_one_in(struct fm_nfq *nfq, uint32_t one_in);
/* Reads, accepts and parses what the queues hold. */
void fm_nfq_handle(struct fm_nfq *nfq, uint64_t now_ms);
/*
 * A record named namespace @netns: bind the queues there unless done,
 * failed less than FM_NFQ_RETRY_MS ago, or max_netns are watched.
 */
void fm_nfq_saw_netns(struct fm_nfq *nfq, uint32_t netns, uint64_t now_ms);
/* Idle flows expire; namespaces whose file went away are forgotten. */
void fm_nfq_tick(struct fm_nfq *nfq, uint64_t now_ms);
void fm_nfq_counters(const struct fm_nfq *nfq, struct fm_nfq_counters *out);

/* --- the parts, apart for tests ------------------------------------------ */

/* What a queue number says: 0, or -ERANGE for a queue not of Q..Q + 3. */
int fm_nfq_queue_role(uint16_t queue_num, uint16_t queue,
		      enum fm_l7_dir *dir, bool *inspect);

/* One queued packet, as NFQNL_MSG_PACKET carries it. */
struct fm_nfq_packet {
	uint16_t queue;
	uint32_t id;
	bool has_ts;
	uint64_t ts_ns;			/* NFQA_TIMESTAMP, Unix time */
	const uint8_t *data;		/* NFQA_PAYLOAD: from the IP header */
	size_t len;			/* 0: no payload copied */
};

/* 0, or -EBADMSG for anything but a well-formed packet message. */
int fm_nfq_parse_packet(const struct nlmsghdr *nlh,
			struct fm_nfq_packet *pkt);
/*
 * NFQNL_MSG_VERDICT_BATCH accepting every packet of @queue up to @id, in
 * @buf (at least FM_NFQ_VERDICT_SIZE bytes).
 */
#define FM_NFQ_VERDICT_SIZE	64
struct nlmsghdr *fm_nfq_verdict_batch(void *buf, uint16_t queue, uint32_t id);
/* NFQNL_MSG_CONFIG binding @queue: copy-packet, fail-open, GSO; ACKed. */
#define FM_NFQ_CONFIG_SIZE	128
struct nlmsghdr *fm_nfq_bind_msg(void *buf, uint16_t queue, uint32_t seq);

/*
 * One packet of namespace @netns, after its verdict: its flow found or
 * made, fed to the engine at pkt->ts_ns (@now_ns when it has none);
 * labels and requests follow.  Packets that are not TCP or UDP over IP
 * are ignored.
 */
void fm_nfq_packet_in(struct fm_nfq *nfq, uint32_t netns,
		      const struct fm_nfq_packet *pkt, uint64_t now_ms,
		      uint64_t now_ns);

/*
 * A file naming namespace @inode under @root: a bind mount in
 * /run/netns, else /proc/PID/ns/net of a process in it.  0 with the
 * path in @path, or -ENOENT.
 */
int fm_nfq_find_netns(const char *root, uint32_t inode, char *path,
		      size_t len);
/*
 * Binds the queues in namespace @netns now (whatever the retry time).
 * 0, or a negative errno (counted in netns_failed); the thread is back
 * in its own namespace either way.
 */
int fm_nfq_watch(struct fm_nfq *nfq, uint32_t netns, uint64_t now_ms);

#endif /* FLOWMESH_DAEMON_NFQUEUE_H */
