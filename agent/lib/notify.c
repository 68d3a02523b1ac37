// SPDX-License-Identifier: GPL-2.0
/*
 * DATA_READY notifications.  They carry nothing but the news that a ring
 * went from empty to not empty, so a reader only counts them; a lost one
 * (the socket overran) is made good by draining anyway.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/flowmesh.h>
#include "lib/notify.h"

int fm_notify_open(struct fm_notify *n, uint16_t family_id, uint32_t group)
{
	struct mnl_socket *sock;
	int err;

	memset(n, 0, sizeof(*n));
	if (!group)
		return -ENOENT;
	sock = mnl_socket_open2(NETLINK_GENERIC, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (!sock)
		return -errno;
	if (mnl_socket_bind(sock, 0, MNL_SOCKET_AUTOPID) < 0 ||
	    mnl_socket_setsockopt(sock, NETLINK_ADD_MEMBERSHIP, &group,
				  sizeof(group)) < 0) {
		err = -errno;
		mnl_socket_close(sock);
		return err;
	}
	n->sock = sock;
	n->family_id = family_id;
	return 0;
}

int fm_notify_fd(const struct fm_notify *n)
{
	return n->sock ? mnl_socket_get_fd(n->sock) : -1;
}

void fm_notify_close(struct fm_notify *n)
{
	if (n->sock)
		mnl_socket_close(n->sock);
	n->sock = NULL;
}

int fm_notify_walk(const void *buf, size_t len, uint16_t family_id,
		   struct fm_notify_seen *seen)
{
	const char *pos = buf, *end = pos + len;
	const struct genlmsghdr *genl;
	const struct nlmsghdr *nlh;
	size_t left, step;

	for (;;) {
		left = (size_t)(end - pos);
		if (!left)
			return 0;
		nlh = (const struct nlmsghdr *)pos;
		if (left < sizeof(*nlh) || nlh->nlmsg_len < sizeof(*nlh) ||
		    nlh->nlmsg_len > left)
			return -EBADMSG;
		/* only the kernel (port 0) speaks for the family */
		if (nlh->nlmsg_type == family_id && !nlh->nlmsg_pid) {
			if (nlh->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN)
				return -EBADMSG;
			genl = mnl_nlmsg_get_payload(nlh);
			if (genl->cmd == FLOWMESH_CMD_DATA_READY)
				seen->ready++;
		}
		step = NLMSG_ALIGN(nlh->nlmsg_len);
		if (step >= left)
			return 0;
		pos += step;
	}
}

int fm_notify_read(struct fm_notify *n, struct fm_notify_seen *seen)
{
	union {
		char buf[8192];
		struct nlmsghdr align;
	} rx;
	ssize_t len;

	for (;;) {
		len = recv(mnl_socket_get_fd(n->sock), rx.buf, sizeof(rx.buf),
			   MSG_DONTWAIT | MSG_TRUNC);
		if (len < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			if (errno == EINTR)
				continue;
			if (errno == ENOBUFS) {
				seen->overruns++;
				continue;
			}
			return -errno;
		}
		if ((size_t)len > sizeof(rx.buf) ||
		    fm_notify_walk(rx.buf, (size_t)len, n->family_id, seen))
			seen->garbled++;
	}
}
