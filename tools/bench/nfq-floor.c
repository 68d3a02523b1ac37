// SPDX-License-Identifier: GPL-2.0
/*
 * The floor of an NFQUEUE round trip, for make bench: binds the four
 * queues QUEUE .. QUEUE + 3 of its network namespace as flowmeshd does
 * (copy-packet, fail-open, GSO) and accepts each packet as soon as it is
 * read, parsing nothing.  What flowmeshd adds per queued packet beyond
 * this is its own cost.
 *
 *   nfq-floor QUEUE      runs until killed
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink_queue.h>
#include <libnetfilter_queue/libnetfilter_queue.h>

static struct mnl_socket *nl;

static void send_or_die(const struct nlmsghdr *nlh)
{
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
		perror("nfq-floor: sendto");
		exit(1);
	}
}

static int on_packet(const struct nlmsghdr *nlh, void *data)
{
	char buf[256];
	struct nlattr *attr[NFQA_MAX + 1] = { NULL };
	struct nfqnl_msg_packet_hdr *ph;
	struct nfgenmsg *nfg = mnl_nlmsg_get_payload(nlh);
	struct nlmsghdr *v;

	(void)data;
	if (nfq_nlmsg_parse(nlh, attr) < 0 || !attr[NFQA_PACKET_HDR])
		return MNL_CB_OK;
	ph = mnl_attr_get_payload(attr[NFQA_PACKET_HDR]);
	v = nfq_nlmsg_put(buf, NFQNL_MSG_VERDICT, ntohs(nfg->res_id));
	nfq_nlmsg_verdict_put(v, ntohl(ph->packet_id), NF_ACCEPT);
	send_or_die(v);
	return MNL_CB_OK;
}

int main(int argc, char **argv)
{
	const uint32_t flags = NFQA_CFG_F_FAIL_OPEN | NFQA_CFG_F_GSO;
	/* a whole 64 KiB packet and its attributes */
	static char buf[1 << 17];
	struct nlmsghdr *nlh;
	int queue, i, size = 8 << 20;
	ssize_t n;

	if (argc != 2 || (queue = atoi(argv[1])) < 0 || queue > 65532) {
		fprintf(stderr, "usage: nfq-floor QUEUE\n");
		return 2;
	}
	nl = mnl_socket_open(NETLINK_NETFILTER);
	if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID)) {
		perror("nfq-floor: netlink");
		return 1;
	}
	setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_RCVBUFFORCE, &size,
		   sizeof(size));
	for (i = 0; i < 4; i++) {
		nlh = nfq_nlmsg_put(buf, NFQNL_MSG_CONFIG, queue + i);
		nfq_nlmsg_cfg_put_cmd(nlh, AF_UNSPEC, NFQNL_CFG_CMD_BIND);
		nfq_nlmsg_cfg_put_params(nlh, NFQNL_COPY_PACKET, 0xffff);
		mnl_attr_put_u32(nlh, NFQA_CFG_FLAGS, htonl(flags));
		mnl_attr_put_u32(nlh, NFQA_CFG_MASK, htonl(flags));
		send_or_die(nlh);
	}
	for (;;) {
		n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		if (n < 0) {
			if (errno == ENOBUFS || errno == EINTR)
				continue;
			perror("nfq-floor: recv");
			return 1;
		}
		mnl_cb_run(buf, n, 0, 0, on_packet, NULL);
	}
}
