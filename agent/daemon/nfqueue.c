// SPDX-License-Identifier: GPL-2.0
/*
 * NFQUEUE consumer (nfqueue.h).  Every packet is accepted before it is
 * parsed: a round reads what the socket holds (up to FM_NFQ_BATCH
 * datagrams), sends one batch verdict per queue up to the highest packet
 * id seen, and only then runs the engine, so packets wait for a read and
 * a send, never for the detectors.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <netinet/in.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_queue.h>
#include <libnetfilter_queue/libnetfilter_queue.h>
#include <linux/flowmesh.h>
#include "daemon/daemon.h"
#include "daemon/nfqueue.h"
#include "l7/engine.h"
#include "l7/packet.h"

/* --- messages ------------------------------------------------------------ */

int fm_nfq_queue_role(uint16_t queue_num, uint16_t queue,
		      enum fm_l7_dir *dir, bool *inspect)
{
	unsigned int off = (unsigned int)queue - queue_num;

	if (queue < queue_num || off >= FM_NFQ_QUEUES)
		return -ERANGE;
	*dir = off & 1 ? FM_L7_TO_CLIENT : FM_L7_TO_SERVER;
	*inspect = off >= 2;
	return 0;
}

/* Whether the attributes after the nfgenmsg fill the message exactly. */
static bool fm_nfq_attrs_fill(const struct nlmsghdr *nlh)
{
	const struct nlattr *a;

	mnl_attr_for_each(a, nlh, sizeof(struct nfgenmsg))
		;
	return (const void *)a == mnl_nlmsg_get_payload_tail(nlh);
}

int fm_nfq_parse_packet(const struct nlmsghdr *nlh, struct fm_nfq_packet *pkt)
{
	struct nlattr *attr[NFQA_MAX + 1] = { NULL };
	struct nfqnl_msg_packet_timestamp ts;
	const struct nfqnl_msg_packet_hdr *ph;
	const struct nfgenmsg *nfg;

	memset(pkt, 0, sizeof(*pkt));
	if (nlh->nlmsg_type != (NFNL_SUBSYS_QUEUE << 8 | NFQNL_MSG_PACKET) ||
	    nlh->nlmsg_len < NLMSG_HDRLEN + sizeof(*nfg) ||
	    !fm_nfq_attrs_fill(nlh))
		return -EBADMSG;
	if (nfq_nlmsg_parse(nlh, attr) < 0 || !attr[NFQA_PACKET_HDR] ||
	    mnl_attr_get_payload_len(attr[NFQA_PACKET_HDR]) < sizeof(*ph))
		return -EBADMSG;
	nfg = mnl_nlmsg_get_payload(nlh);
	ph = mnl_attr_get_payload(attr[NFQA_PACKET_HDR]);
	pkt->queue = ntohs(nfg->res_id);
	pkt->id = ntohl(ph->packet_id);
	if (attr[NFQA_TIMESTAMP]) {
		if (mnl_attr_get_payload_len(attr[NFQA_TIMESTAMP]) < sizeof(ts))
			return -EBADMSG;
		/* attributes are 4-byte aligned: no loads of the u64s there */
		memcpy(&ts, mnl_attr_get_payload(attr[NFQA_TIMESTAMP]),
		       sizeof(ts));
		pkt->has_ts = true;
		pkt->ts_ns = be64toh(ts.sec) * 1000000000 +
			     be64toh(ts.usec) * 1000;
	}
	if (attr[NFQA_PAYLOAD]) {
		pkt->data = mnl_attr_get_payload(attr[NFQA_PAYLOAD]);
		pkt->len = mnl_attr_get_payload_len(attr[NFQA_PAYLOAD]);
	}
	return 0;
}

struct nlmsghdr *fm_nfq_verdict_batch(void *buf, uint16_t queue, uint32_t id)
{
	struct nlmsghdr *nlh;

	memset(buf, 0, FM_NFQ_VERDICT_SIZE);
	nlh = nfq_nlmsg_put(buf, NFQNL_MSG_VERDICT_BATCH, queue);
	nfq_nlmsg_verdict_put(nlh, (int)id, NF_ACCEPT);
	return nlh;
}

struct nlmsghdr *fm_nfq_bind_msg(void *buf, uint16_t queue, uint32_t seq)
{
	const uint32_t flags = NFQA_CFG_F_FAIL_OPEN | NFQA_CFG_F_GSO;
	struct nlmsghdr *nlh;

	memset(buf, 0, FM_NFQ_CONFIG_SIZE);
	nlh = nfq_nlmsg_put(buf, NFQNL_MSG_CONFIG, queue);
	nlh->nlmsg_flags |= NLM_F_ACK;
	nlh->nlmsg_seq = seq;
	/* one message: the kernel binds, then applies the rest, or refuses */
	nfq_nlmsg_cfg_put_cmd(nlh, AF_UNSPEC, NFQNL_CFG_CMD_BIND);
	nfq_nlmsg_cfg_put_params(nlh, NFQNL_COPY_PACKET, 0xffff);
	mnl_attr_put_u32(nlh, NFQA_CFG_FLAGS, htonl(flags));
	mnl_attr_put_u32(nlh, NFQA_CFG_MASK, htonl(flags));
	return nlh;
}

/* --- state --------------------------------------------------------------- */

/* A flow as the module keys it: client = the module's client. */
struct fm_nfq_key {
	uint32_t netns;
	uint8_t family;
	uint8_t proto;
	uint16_t client_port;
	uint16_t server_port;
	uint8_t client[16];
	uint8_t server[16];
};

struct fm_nfq_flow {
	struct fm_nfq_key key;		/* zero padding: compared whole */
	struct fm_nfq_flow *hnext;	/* in its bucket */
	struct fm_nfq_flow *older, *newer;	/* by last packet */
	struct fm_nfq *nfq;
	struct fm_l7_flow *l7;		/* NULL: nothing left to learn */
	uint64_t last_ms;
	uint64_t ts_ns;			/* of the packet being fed */
	bool inspect;
	bool labelled;			/* its protocol was sent */
	uint8_t sent_proto;
};

struct fm_nfq_ns {
	uint32_t inode;			/* 0: a free slot */
	bool own;			/* the agent's namespace */
	bool broken;			/* forget after this round */
	struct mnl_socket *nl;
	char path[PATH_MAX];		/* the file that names it */
};

struct fm_nfq_failed {
	uint32_t inode;
	uint64_t retry_ms;
};

/*
 * What the last lookup of a namespace found, in a slot by its inode:
 * records of a few namespaces interleave, and each would otherwise scan
 * every namespace slot (a path each) and the failures.
 */
#define FM_NFQ_KNOWN_SLOTS	64
#define FM_NFQ_WATCHED		UINT64_MAX	/* known.until_ms */

struct fm_nfq_known {
	uint32_t inode;
	uint64_t until_ms;		/* nothing to do before; or WATCHED */
};

struct fm_nfq {
	struct fm_nfq_config cfg;
	char root[PATH_MAX];
	struct fm_nfq_ops ops;
	uint32_t one_in;
	int epfd;
	int self_fd;			/* the agent's namespace */
	uint32_t self_inode;
	uint32_t seq;

	struct fm_nfq_ns *ns;		/* cfg.max_netns slots */
	struct fm_nfq_known known[FM_NFQ_KNOWN_SLOTS];
	struct fm_nfq_failed *failed;	/* max_netns, oldest replaced */
	size_t nfailed, failed_next;
	uint64_t last_check_ms;

	struct fm_nfq_flow **buckets;
	size_t nbuckets;		/* a power of two */
	struct fm_nfq_flow *oldest, *newest;

	/* a round's datagrams */
	unsigned char *bufs;
	struct mmsghdr msgs[FM_NFQ_BATCH];
	struct iovec iov[FM_NFQ_BATCH];

	struct fm_nfq_counters c;
	struct fm_ratelimit rl_label, rl_ns, rl_sock;
};

/* --- flows --------------------------------------------------------------- */

static size_t fm_nfq_hash(const struct fm_nfq_key *k)
{
	const unsigned char *p = (const unsigned char *)k;
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < sizeof(*k); i++)
		h = (h ^ p[i]) * 16777619u;
	return h;
}

static void fm_nfq_unlink_lru(struct fm_nfq *nfq, struct fm_nfq_flow *f)
{
	if (f->older)
		f->older->newer = f->newer;
	else
		nfq->oldest = f->newer;
	if (f->newer)
		f->newer->older = f->older;
	else
		nfq->newest = f->older;
	f->older = f->newer = NULL;
}

static void fm_nfq_push_lru(struct fm_nfq *nfq, struct fm_nfq_flow *f)
{
	f->older = nfq->newest;
	f->newer = NULL;
	if (nfq->newest)
		nfq->newest->newer = f;
	else
		nfq->oldest = f;
	nfq->newest = f;
}

static void fm_nfq_flow_drop(struct fm_nfq *nfq, struct fm_nfq_flow *f)
{
	struct fm_nfq_flow **pp = &nfq->buckets[fm_nfq_hash(&f->key) &
						  (nfq->nbuckets - 1)];

	while (*pp != f)
		pp = &(*pp)->hnext;
	*pp = f->hnext;
	fm_nfq_unlink_lru(nfq, f);
	fm_l7_flow_free(f->l7);
	free(f);
	nfq->c.flows--;
}

static struct fm_nfq_flow *fm_nfq_flow_get(struct fm_nfq *nfq,
					   const struct fm_nfq_key *key,
					   uint64_t now_ms)
{
	size_t b = fm_nfq_hash(key) & (nfq->nbuckets - 1);
	struct fm_nfq_flow *f;

	for (f = nfq->buckets[b]; f; f = f->hnext)
		if (!memcmp(&f->key, key, sizeof(*key)))
			break;
	if (f) {
		fm_nfq_unlink_lru(nfq, f);
	} else {
		if (nfq->c.flows >= nfq->cfg.max_flows) {
			nfq->c.flows_overflow++;
			return NULL;
		}
		f = calloc(1, sizeof(*f));
		if (!f)
			return NULL;
		f->l7 = fm_l7_flow_new(key->proto);
		if (!f->l7) {
			free(f);
			return NULL;
		}
		f->key = *key;
		f->nfq = nfq;
		f->hnext = nfq->buckets[b];
		nfq->buckets[b] = f;
		nfq->c.flows++;
	}
	f->last_ms = now_ms;
	fm_nfq_push_lru(nfq, f);
	return f;
}

static void fm_nfq_expire(struct fm_nfq *nfq, uint64_t now_ms)
{
	while (nfq->oldest && now_ms - nfq->oldest->last_ms >= FM_NFQ_IDLE_MS) {
		fm_nfq_flow_drop(nfq, nfq->oldest);
		nfq->c.flows_expired++;
	}
}

/* --- labels and requests ------------------------------------------------- */

static void fm_nfq_label(struct fm_nfq *nfq, struct fm_nfq_flow *f,
			 uint8_t proto, uint32_t flags)
{
	struct fm_label label = {
		.netns = f->key.netns,
		.family = f->key.family,
		.proto = f->key.proto,
		.client_port = f->key.client_port,
		.server_port = f->key.server_port,
		.l7_proto = proto,
		.flags = flags,
	};
	int err;

	memcpy(label.client, f->key.client, sizeof(label.client));
	memcpy(label.server, f->key.server, sizeof(label.server));
	f->labelled = true;
	f->sent_proto = proto;
	err = nfq->ops.label(nfq->ops.ctx, &label);
	if (!err)
		nfq->c.labels_sent++;
	else if (err == -ENOENT)
		nfq->c.labels_enoent++;
	else
		fm_log_limited(&nfq->rl_label, LOG_WARNING,
			       "labelling a flow of namespace %u as %s: %s",
			       f->key.netns, fm_l7_proto_name(proto),
			       strerror(-err));
}

/*
 * After a packet: a detection flow is labelled once, DONE, when decided;
 * an inspected one whenever its protocol is new, and STOP once its
 * detector no longer follows it.  Either way the engine's state goes when
 * nothing more is to be learnt; the flow stays until idle, so that the
 * packets still queued are not taken for a new flow.
 */
static void fm_nfq_decide(struct fm_nfq *nfq, struct fm_nfq_flow *f)
{
	enum fm_l7_proto proto;
	bool parsing;

	if (!fm_l7_flow_decided(f->l7))
		return;
	proto = fm_l7_flow_proto(f->l7);
	parsing = f->inspect && fm_l7_flow_parsing(f->l7);
	if (!f->inspect)
		fm_nfq_label(nfq, f, proto, FLOWMESH_LABEL_DONE);
	else if (!parsing)
		fm_nfq_label(nfq, f, proto, FLOWMESH_LABEL_STOP);
	else if (!f->labelled || f->sent_proto != proto)
		fm_nfq_label(nfq, f, proto, 0);
	if (!parsing) {
		fm_l7_flow_free(f->l7);
		f->l7 = NULL;
	}
}

static void fm_nfq_on_request(void *ctx, const struct fm_l7_request *req)
{
	struct fm_nfq_flow *f = ctx;
	struct fm_nfq *nfq = f->nfq;
	struct fm_agg_request r = {
		.time_ns = f->ts_ns,
		.netns = f->key.netns,
		.family = f->key.family,
		.proto = f->key.proto,
		.client_port = f->key.client_port,
		.server_port = f->key.server_port,
		.l7_proto = (uint8_t)fm_l7_flow_proto(f->l7),
		.one_in = nfq->one_in,
		.req = *req,
	};

	memcpy(r.client, f->key.client, sizeof(r.client));
	memcpy(r.server, f->key.server, sizeof(r.server));
	nfq->c.requests++;
	nfq->ops.request(nfq->ops.ctx, &r);
}

void fm_nfq_packet_in(struct fm_nfq *nfq, uint32_t netns,
		      const struct fm_nfq_packet *pkt, uint64_t now_ms,
		      uint64_t now_ns)
{
	struct fm_l7_segment seg = { 0 };
	struct fm_nfq_key key;
	struct fm_nfq_flow *f;
	struct fm_packet p;
	struct fm_l7_sink sink;
	enum fm_l7_dir dir;
	bool inspect;
	size_t alen;

	if (fm_nfq_queue_role(nfq->cfg.queue_num, pkt->queue, &dir, &inspect) ||
	    fm_packet_parse_ip(pkt->data, pkt->len, &p) != FM_PACKET_OK)
		return;
	alen = p.family == AF_INET ? 4 : 16;
	memset(&key, 0, sizeof(key));
	key.netns = netns;
	key.family = p.family;
	key.proto = p.proto;
	if (dir == FM_L7_TO_SERVER) {
		memcpy(key.client, p.src, alen);
		memcpy(key.server, p.dst, alen);
		key.client_port = p.sport;
		key.server_port = p.dport;
	} else {
		memcpy(key.client, p.dst, alen);
		memcpy(key.server, p.src, alen);
		key.client_port = p.dport;
		key.server_port = p.sport;
	}
	f = fm_nfq_flow_get(nfq, &key, now_ms);
	if (!f)
		return;
	/* a flow is inspected from its creation: the queue tells */
	f->inspect |= inspect;
	if (!f->l7 || !p.payload_len)
		return;
	seg.seq = p.seq;
	seg.flags = (p.tcp_flags & FM_TCP_SYN ? FM_L7_SEG_SYN : 0) |
		    (p.tcp_flags & FM_TCP_FIN ? FM_L7_SEG_FIN : 0) |
		    (p.tcp_flags & FM_TCP_RST ? FM_L7_SEG_RST : 0);
	seg.data = p.payload;
	seg.len = p.payload_len;
	seg.ts_ns = pkt->has_ts ? pkt->ts_ns : now_ns;
	f->ts_ns = seg.ts_ns;
	sink.request = fm_nfq_on_request;
	sink.ctx = f;
	/* detection flows report no requests: their first packets only */
	if (fm_l7_flow_packet(f->l7, dir, &seg, f->inspect ? &sink : NULL)) {
		/* out of memory: the engine gave the flow up as unknown */
		fm_l7_flow_free(f->l7);
		f->l7 = NULL;
		fm_nfq_label(nfq, f, FM_L7_UNKNOWN, f->inspect ?
			     FLOWMESH_LABEL_STOP : FLOWMESH_LABEL_DONE);
		return;
	}
	fm_nfq_decide(nfq, f);
}

/* --- namespaces ---------------------------------------------------------- */

static bool fm_nfq_names(const char *path, uint32_t inode)
{
	struct stat sb;

	return !stat(path, &sb) && sb.st_ino == inode;
}

int fm_nfq_find_netns(const char *root, uint32_t inode, char *path,
		      size_t len)
{
	static const char *const dirs[] = { "run/netns", "proc" };
	struct dirent *de;
	char dir[PATH_MAX];
	size_t i;
	DIR *d;

	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(dir, sizeof(dir), "%s/%s", root, dirs[i]);
		d = opendir(dir);
		if (!d)
			continue;
		while ((de = readdir(d))) {
			if (de->d_name[0] == '.')
				continue;
			if (i == 0)
				snprintf(path, len, "%s/%s", dir, de->d_name);
			else if (strspn(de->d_name, "0123456789") ==
				 strlen(de->d_name))
				snprintf(path, len, "%s/%s/ns/net", dir,
					 de->d_name);
			else
				continue;
			if (fm_nfq_names(path, inode)) {
				closedir(d);
				return 0;
			}
		}
		closedir(d);
	}
	path[0] = '\0';
	return -ENOENT;
}

/*
 * A netlink socket of the namespace @path names: made from inside it,
 * the thread back home before anything else happens.
 */
static int fm_nfq_socket_in(struct fm_nfq *nfq, struct fm_nfq_ns *ns)
{
	struct stat sb;
	int fd, err = 0;

	if (ns->own) {
		ns->nl = mnl_socket_open2(NETLINK_NETFILTER,
					  SOCK_CLOEXEC | SOCK_NONBLOCK);
		return ns->nl ? 0 : -errno;
	}
	fd = open(ns->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	/* the process may have gone and its pid been reused meanwhile */
	if (fstat(fd, &sb) || sb.st_ino != ns->inode) {
		close(fd);
		return -ENOENT;
	}
	if (setns(fd, CLONE_NEWNET)) {
		err = -errno;
		close(fd);
		return err;
	}
	close(fd);
	ns->nl = mnl_socket_open2(NETLINK_NETFILTER,
				  SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (!ns->nl)
		err = -errno;
	if (setns(nfq->self_fd, CLONE_NEWNET)) {
		/* every later socket and label would be another pod's */
		fm_log(LOG_CRIT, "cannot return to the agent's network namespace: %s",
		       strerror(errno));
		abort();
	}
	return err;
}

static int fm_nfq_bind(struct fm_nfq *nfq, struct fm_nfq_ns *ns)
{
	union {
		char buf[FM_NFQ_QUEUES * FM_NFQ_CONFIG_SIZE];
		struct nlmsghdr align;
	} req;
	int fd = mnl_socket_get_fd(ns->nl), size = (int)nfq->cfg.rcvbuf;
	size_t len = 0;
	unsigned int i;

	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	if (mnl_socket_bind(ns->nl, 0, MNL_SOCKET_AUTOPID))
		return -errno;
	/* the ACKs come in with the packets, read by the loop */
	for (i = 0; i < FM_NFQ_QUEUES; i++)
		len += fm_nfq_bind_msg(req.buf + len,
				       (uint16_t)(nfq->cfg.queue_num + i),
				       ++nfq->seq)->nlmsg_len;
	if (mnl_socket_sendto(ns->nl, req.buf, len) < 0)
		return -errno;
	return 0;
}

static void fm_nfq_know(struct fm_nfq *nfq, uint32_t inode, uint64_t until_ms)
{
	struct fm_nfq_known *k = &nfq->known[inode % FM_NFQ_KNOWN_SLOTS];

	k->inode = inode;
	k->until_ms = until_ms;
}

static void fm_nfq_forget(struct fm_nfq *nfq, struct fm_nfq_ns *ns)
{
	struct fm_nfq_known *k = &nfq->known[ns->inode % FM_NFQ_KNOWN_SLOTS];

	if (ns->nl) {
		epoll_ctl(nfq->epfd, EPOLL_CTL_DEL, mnl_socket_get_fd(ns->nl),
			  NULL);
		mnl_socket_close(ns->nl);
		nfq->c.netns_watched--;
	}
	if (k->inode == ns->inode)
		memset(k, 0, sizeof(*k));
	memset(ns, 0, sizeof(*ns));
}

static void fm_nfq_fail(struct fm_nfq *nfq, uint32_t inode, uint64_t now_ms)
{
	size_t i;

	nfq->c.netns_failed++;
	for (i = 0; i < nfq->nfailed; i++)
		if (nfq->failed[i].inode == inode)
			break;
	if (i == nfq->nfailed) {
		if (nfq->nfailed < nfq->cfg.max_netns) {
			i = nfq->nfailed++;
		} else {
			i = nfq->failed_next;
			nfq->failed_next = (i + 1) % nfq->cfg.max_netns;
		}
	}
	nfq->failed[i].inode = inode;
	nfq->failed[i].retry_ms = now_ms + FM_NFQ_RETRY_MS;
	fm_nfq_know(nfq, inode, nfq->failed[i].retry_ms);
}

int fm_nfq_watch(struct fm_nfq *nfq, uint32_t netns, uint64_t now_ms)
{
	struct fm_nfq_ns *ns = NULL;
	struct epoll_event ev = { .events = EPOLLIN };
	const char *doing = "finding a file naming it";
	uint32_t i;
	int err;

	for (i = 0; i < nfq->cfg.max_netns && !ns; i++)
		if (!nfq->ns[i].inode)
			ns = &nfq->ns[i];
	if (!ns) {
		fm_log_limited(&nfq->rl_ns, LOG_WARNING,
			       "network namespace %u: not watched, %u are (l7_max_netns)",
			       netns, nfq->cfg.max_netns);
		fm_nfq_fail(nfq, netns, now_ms);
		return -ENOSPC;
	}
	ns->inode = netns;
	ns->own = netns == nfq->self_inode;
	err = ns->own ? 0 : fm_nfq_find_netns(nfq->root, netns, ns->path,
					       sizeof(ns->path));
	if (!err) {
		doing = "entering it";
		err = fm_nfq_socket_in(nfq, ns);
	}
	if (!err) {
		nfq->c.netns_watched++;
		doing = "binding its queues";
		err = fm_nfq_bind(nfq, ns);
	}
	if (!err) {
		ev.data.u32 = (uint32_t)(ns - nfq->ns);
		doing = "watching its socket";
		if (epoll_ctl(nfq->epfd, EPOLL_CTL_ADD,
			      mnl_socket_get_fd(ns->nl), &ev))
			err = -errno;
	}
	if (err) {
		fm_log_limited(&nfq->rl_ns, LOG_WARNING,
			       "network namespace %u: %s: %s; retried in %d s",
			       netns, doing, strerror(-err),
			       FM_NFQ_RETRY_MS / 1000);
		fm_nfq_forget(nfq, ns);
		fm_nfq_fail(nfq, netns, now_ms);
		return err;
	}
	fm_nfq_know(nfq, netns, FM_NFQ_WATCHED);
	return 0;
}

void fm_nfq_saw_netns(struct fm_nfq *nfq, uint32_t netns, uint64_t now_ms)
{
	const struct fm_nfq_known *k =
		&nfq->known[netns % FM_NFQ_KNOWN_SLOTS];
	uint32_t i;
	size_t j;

	if (k->inode == netns && now_ms < k->until_ms)
		return;
	for (i = 0; i < nfq->cfg.max_netns; i++)
		if (nfq->ns[i].inode == netns) {
			fm_nfq_know(nfq, netns, FM_NFQ_WATCHED);
			return;
		}
	for (j = 0; j < nfq->nfailed; j++)
		if (nfq->failed[j].inode == netns &&
		    now_ms < nfq->failed[j].retry_ms) {
			fm_nfq_know(nfq, netns, nfq->failed[j].retry_ms);
			return;
		}
	fm_nfq_watch(nfq, netns, now_ms);
}

/* Watched namespaces whose file is gone are looked for again, or dropped. */
static void fm_nfq_check_netns(struct fm_nfq *nfq, uint64_t now_ms)
{
	struct fm_nfq_ns *ns;
	uint32_t i;

	for (i = 0; i < nfq->cfg.max_netns; i++) {
		ns = &nfq->ns[i];
		if (!ns->inode || ns->own || fm_nfq_names(ns->path, ns->inode))
			continue;
		if (fm_nfq_find_netns(nfq->root, ns->inode, ns->path,
				      sizeof(ns->path)))
			fm_nfq_forget(nfq, ns);
	}
	nfq->last_check_ms = now_ms;
}

/* --- reading ------------------------------------------------------------- */

/* An acknowledgement or error of ours: a refused bind loses the namespace. */
static void fm_nfq_on_error(struct fm_nfq *nfq, struct fm_nfq_ns *ns,
			    const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);

	if (nlh->nlmsg_len < NLMSG_HDRLEN + sizeof(*e) || !e->error)
		return;
	fm_log_limited(&nfq->rl_sock, LOG_WARNING,
		       "network namespace %u: the kernel refused a queue request: %s",
		       ns->inode, strerror(-e->error));
	ns->broken = true;
}

/* One round: read, accept, parse.  The number of datagrams read, or -1. */
static int fm_nfq_round(struct fm_nfq *nfq, struct fm_nfq_ns *ns,
			uint64_t now_ms)
{
	struct fm_nfq_packet pkts[FM_NFQ_BATCH];
	union {
		char buf[FM_NFQ_QUEUES * FM_NFQ_VERDICT_SIZE];
		struct nlmsghdr align;
	} vbuf;
	uint32_t top[FM_NFQ_QUEUES];
	bool seen[FM_NFQ_QUEUES] = { false };
	const struct nlmsghdr *nlh;
	size_t npkts = 0, vlen = 0;
	enum fm_l7_dir dir;
	bool inspect;
	uint64_t now_ns;
	unsigned int q;
	int n, i, left;

	n = recvmmsg(mnl_socket_get_fd(ns->nl), nfq->msgs, FM_NFQ_BATCH,
		     MSG_DONTWAIT, NULL);
	if (n < 0) {
		if (errno == ENOBUFS) {
			/* fail-open accepted what did not fit; read on */
			nfq->c.enobufs++;
			return 0;
		}
		if (errno == EAGAIN || errno == EINTR)
			return -1;
		fm_log_limited(&nfq->rl_sock, LOG_WARNING,
			       "network namespace %u: reading its queues: %s",
			       ns->inode, strerror(errno));
		ns->broken = true;
		return -1;
	}
	for (i = 0; i < n; i++) {
		nlh = (const struct nlmsghdr *)nfq->iov[i].iov_base;
		left = (int)nfq->msgs[i].msg_len;
		for (; mnl_nlmsg_ok(nlh, left);
		     nlh = mnl_nlmsg_next(nlh, &left)) {
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				fm_nfq_on_error(nfq, ns, nlh);
				continue;
			}
			if (npkts == FM_NFQ_BATCH ||
			    fm_nfq_parse_packet(nlh, &pkts[npkts]) ||
			    fm_nfq_queue_role(nfq->cfg.queue_num,
					      pkts[npkts].queue, &dir, &inspect))
				continue;
			q = pkts[npkts].queue - nfq->cfg.queue_num;
			if (!seen[q] || pkts[npkts].id > top[q])
				top[q] = pkts[npkts].id;
			seen[q] = true;
			npkts++;
		}
	}
	for (q = 0; q < FM_NFQ_QUEUES; q++) {
		if (!seen[q])
			continue;
		vlen += fm_nfq_verdict_batch(vbuf.buf + vlen,
					     (uint16_t)(nfq->cfg.queue_num + q),
					     top[q])->nlmsg_len;
		nfq->c.verdict_batches++;
	}
	if (vlen && mnl_socket_sendto(ns->nl, vbuf.buf, vlen) < 0) {
		fm_log_limited(&nfq->rl_sock, LOG_WARNING,
			       "network namespace %u: sending verdicts: %s",
			       ns->inode, strerror(errno));
		ns->broken = true;
	}
	nfq->c.packets += npkts;
	now_ns = fm_real_ns();
	for (i = 0; i < (int)npkts; i++)
		fm_nfq_packet_in(nfq, ns->inode, &pkts[i], now_ms, now_ns);
	return n;
}

void fm_nfq_handle(struct fm_nfq *nfq, uint64_t now_ms)
{
	struct epoll_event ev[16];
	struct fm_nfq_ns *ns;
	int n, i, r, round;
	uint32_t inode;

	n = epoll_wait(nfq->epfd, ev, 16, 0);
	for (i = 0; i < n; i++) {
		if (ev[i].data.u32 >= nfq->cfg.max_netns)
			continue;
		ns = &nfq->ns[ev[i].data.u32];
		if (!ns->nl)
			continue;
		for (round = 0; round < FM_NFQ_ROUNDS && !ns->broken; round++) {
			r = fm_nfq_round(nfq, ns, now_ms);
			/* 0 is an overrun: what follows it is there to read */
			if (r < 0 || (r > 0 && r < FM_NFQ_BATCH))
				break;
		}
		if (ns->broken) {
			/* forgotten first: the failure is what is known */
			inode = ns->inode;
			fm_nfq_forget(nfq, ns);
			fm_nfq_fail(nfq, inode, now_ms);
		}
	}
}

void fm_nfq_tick(struct fm_nfq *nfq, uint64_t now_ms)
{
	fm_nfq_expire(nfq, now_ms);
	if (now_ms - nfq->last_check_ms >= FM_NFQ_CHECK_MS)
		fm_nfq_check_netns(nfq, now_ms);
}

/* --- the whole ----------------------------------------------------------- */

int fm_nfq_new(struct fm_nfq **out, const struct fm_nfq_config *cfg,
	       const struct fm_nfq_ops *ops)
{
	struct fm_nfq *nfq;
	struct stat sb;
	size_t i;
	int err;

	*out = NULL;
	if (!cfg->max_flows || !cfg->max_netns ||
	    cfg->queue_num > UINT16_MAX - (FM_NFQ_QUEUES - 1))
		return -EINVAL;
	nfq = calloc(1, sizeof(*nfq));
	if (!nfq)
		return -ENOMEM;
	nfq->cfg = *cfg;
	snprintf(nfq->root, sizeof(nfq->root), "%s", cfg->root ? cfg->root : "");
	nfq->cfg.root = nfq->root;
	nfq->ops = *ops;
	nfq->self_fd = -1;
	nfq->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (nfq->epfd < 0)
		goto fail_errno;
	nfq->self_fd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (nfq->self_fd < 0 || fstat(nfq->self_fd, &sb))
		goto fail_errno;
	nfq->self_inode = (uint32_t)sb.st_ino;
	for (nfq->nbuckets = 1; nfq->nbuckets < cfg->max_flows;)
		nfq->nbuckets <<= 1;
	nfq->buckets = calloc(nfq->nbuckets, sizeof(*nfq->buckets));
	nfq->ns = calloc(cfg->max_netns, sizeof(*nfq->ns));
	nfq->failed = calloc(cfg->max_netns, sizeof(*nfq->failed));
	nfq->bufs = malloc((size_t)FM_NFQ_BATCH * FM_NFQ_DGRAM_SIZE);
	if (!nfq->buckets || !nfq->ns || !nfq->failed || !nfq->bufs) {
		err = -ENOMEM;
		goto fail;
	}
	for (i = 0; i < FM_NFQ_BATCH; i++) {
		nfq->iov[i].iov_base = nfq->bufs + i * FM_NFQ_DGRAM_SIZE;
		nfq->iov[i].iov_len = FM_NFQ_DGRAM_SIZE;
		nfq->msgs[i].msg_hdr.msg_iov = &nfq->iov[i];
		nfq->msgs[i].msg_hdr.msg_iovlen = 1;
	}
	*out = nfq;
	return 0;
fail_errno:
	err = -errno;
fail:
	fm_nfq_free(nfq);
	return err;
}

void fm_nfq_free(struct fm_nfq *nfq)
{
	uint32_t i;

	if (!nfq)
		return;
	for (i = 0; nfq->ns && i < nfq->cfg.max_netns; i++)
		if (nfq->ns[i].inode)
			fm_nfq_forget(nfq, &nfq->ns[i]);
	while (nfq->buckets && nfq->oldest)
		fm_nfq_flow_drop(nfq, nfq->oldest);
	if (nfq->epfd >= 0)
		close(nfq->epfd);
	if (nfq->self_fd >= 0)
		close(nfq->self_fd);
	free(nfq->buckets);
	free(nfq->ns);
	free(nfq->failed);
	free(nfq->bufs);
	free(nfq);
}

int fm_nfq_fd(const struct fm_nfq *nfq)
{
	return nfq->epfd;
}

void fm_nfq_set_one_in(struct fm_nfq *nfq, uint32_t one_in)
{
	nfq->one_in = one_in;
}

void fm_nfq_counters(const struct fm_nfq *nfq, struct fm_nfq_counters *out)
{
	*out = nfq->c;
}
