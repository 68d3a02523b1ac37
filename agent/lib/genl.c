// SPDX-License-Identifier: GPL-2.0
/*
 * The connection to the flowmesh generic netlink family: a libmnl socket,
 * and the family's id and multicast group looked up by name through the
 * generic netlink controller.
 */
#include <errno.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/flowmesh.h>
#include "lib/attr.h"
#include "lib/genl.h"

static ssize_t fm_nl_socket_send(void *ctx, const void *buf, size_t len)
{
	ssize_t n = mnl_socket_sendto(ctx, buf, len);

	return n < 0 ? -errno : n;
}

static ssize_t fm_nl_socket_recv(void *ctx, void *buf, size_t len)
{
	ssize_t n;

	do
		n = mnl_socket_recvfrom(ctx, buf, len);
	while (n < 0 && errno == EINTR);
	/* libmnl reports a datagram larger than @len as ENOSPC */
	return n < 0 ? -errno : n;
}

/* The whole length of the next datagram: netlink honours MSG_TRUNC. */
static ssize_t fm_nl_socket_peek(void *ctx)
{
	int fd = mnl_socket_get_fd(ctx);
	ssize_t n;

	do
		n = recv(fd, NULL, 0, MSG_PEEK | MSG_TRUNC);
	while (n < 0 && errno == EINTR);
	return n < 0 ? -errno : n;
}

static void fm_nl_socket_close(void *ctx)
{
	mnl_socket_close(ctx);
}

static const struct fm_nl_transport fm_nl_socket = {
	.send = fm_nl_socket_send,
	.recv = fm_nl_socket_recv,
	.peek = fm_nl_socket_peek,
	.close = fm_nl_socket_close,
};

void fm_nl_init(struct fm_nl *nl, const struct fm_nl_transport *transport,
		void *ctx, uint32_t portid, uint32_t seq)
{
	memset(nl, 0, sizeof(*nl));
	nl->transport = transport;
	nl->ctx = ctx;
	nl->portid = portid;
	nl->seq = seq;
}

int fm_nl_open(struct fm_nl *nl)
{
	struct mnl_socket *sock;
	int one = 1, err;

	sock = mnl_socket_open2(NETLINK_GENERIC, SOCK_CLOEXEC);
	if (!sock)
		return -errno;
	/*
	 * Errors come with the kernel's reason (NETLINK_EXT_ACK) and without
	 * a copy of the request (NETLINK_CAP_ACK).  Both exist since 4.12;
	 * without them errors are still reported, only less well.
	 */
	mnl_socket_setsockopt(sock, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(sock, NETLINK_CAP_ACK, &one, sizeof(one));
	if (mnl_socket_bind(sock, 0, MNL_SOCKET_AUTOPID) < 0) {
		err = -errno;
		mnl_socket_close(sock);
		return err;
	}
	/* A time-based start keeps replies to an earlier run apart. */
	fm_nl_init(nl, &fm_nl_socket, sock, mnl_socket_get_portid(sock),
		   (uint32_t)time(NULL));
	return 0;
}

void fm_nl_close(struct fm_nl *nl)
{
	if (nl->transport && nl->transport->close)
		nl->transport->close(nl->ctx);
	nl->transport = NULL;
	nl->ctx = NULL;
}

static int parse_ctrl_attr_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;
	uint16_t type = mnl_attr_get_type(attr);
	size_t len;

	switch (type) {
	case CTRL_ATTR_FAMILY_ID:
		len = sizeof(uint16_t);
		break;
	case CTRL_ATTR_VERSION:
		len = sizeof(uint32_t);
		break;
	case CTRL_ATTR_MCAST_GROUPS:
		if (mnl_attr_validate(attr, MNL_TYPE_NESTED) < 0)
			return MNL_CB_ERROR;
		tb[type] = attr;
		return MNL_CB_OK;
	default:
		return MNL_CB_OK;	/* name, ops, policies: not needed */
	}
	if (!fm_attr_scalar_ok(attr, len))
		return MNL_CB_ERROR;
	tb[type] = attr;
	return MNL_CB_OK;
}

static int parse_mcast_grp_attr_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;
	uint16_t type = mnl_attr_get_type(attr);

	switch (type) {
	case CTRL_ATTR_MCAST_GRP_ID:
		if (!fm_attr_scalar_ok(attr, sizeof(uint32_t)))
			return MNL_CB_ERROR;
		break;
	case CTRL_ATTR_MCAST_GRP_NAME:
		if (attr->nla_type & NLA_F_NESTED ||
		    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) < 0)
			return MNL_CB_ERROR;
		break;
	default:
		return MNL_CB_OK;
	}
	tb[type] = attr;
	return MNL_CB_OK;
}

/* Each group is a nest of its own, of any type (they number them 1..n). */
static int parse_mcast_groups_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr *tb[CTRL_ATTR_MCAST_GRP_MAX + 1] = { NULL };
	uint32_t *group = data;

	if (mnl_attr_validate(attr, MNL_TYPE_NESTED) < 0 ||
	    fm_attr_parse_nested(attr, parse_mcast_grp_attr_cb, tb))
		return MNL_CB_ERROR;
	if (!tb[CTRL_ATTR_MCAST_GRP_ID] || !tb[CTRL_ATTR_MCAST_GRP_NAME])
		return MNL_CB_ERROR;
	if (!strcmp(mnl_attr_get_str(tb[CTRL_ATTR_MCAST_GRP_NAME]),
		    FLOWMESH_MCGRP_EVENTS))
		*group = mnl_attr_get_u32(tb[CTRL_ATTR_MCAST_GRP_ID]);
	return MNL_CB_OK;
}

int fm_genl_parse_family(const struct nlmsghdr *nlh,
			 struct fm_genl_family *family)
{
	const struct nlattr *tb[CTRL_ATTR_MAX + 1] = { NULL };
	uint32_t group = 0;
	int err;

	err = fm_genl_parse(nlh, CTRL_CMD_NEWFAMILY, parse_ctrl_attr_cb, tb);
	if (err)
		return err;
	if (!tb[CTRL_ATTR_FAMILY_ID] || !tb[CTRL_ATTR_VERSION])
		return -EBADMSG;
	if (tb[CTRL_ATTR_MCAST_GROUPS] &&
	    fm_attr_parse_nested(tb[CTRL_ATTR_MCAST_GROUPS],
				 parse_mcast_groups_cb, &group))
		return -EBADMSG;
	family->id = mnl_attr_get_u16(tb[CTRL_ATTR_FAMILY_ID]);
	family->version = mnl_attr_get_u32(tb[CTRL_ATTR_VERSION]);
	family->events_group = group;
	if (family->id < NLMSG_MIN_TYPE)
		return -EBADMSG;
	return 0;
}

static int fm_nl_family_cb(const struct nlmsghdr *nlh, void *data)
{
	return fm_genl_parse_family(nlh, data);
}

int fm_nl_resolve_family(struct fm_nl *nl)
{
	union {
		char buf[128];
		struct nlmsghdr align;
	} req;
	struct fm_genl_family family = { 0 };
	struct nlmsghdr *nlh;
	int err;

	nlh = fm_genl_msg_start(req.buf, GENL_ID_CTRL,
				NLM_F_REQUEST | NLM_F_ACK,
				CTRL_CMD_GETFAMILY, 1);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, FLOWMESH_GENL_NAME);
	err = fm_nl_exchange(nl, nlh, fm_nl_family_cb, &family, NULL);
	if (err)
		return err;
	if (!family.id)
		return -EBADMSG;	/* acknowledged, but no family */
	nl->family_version = family.version;
	/* A new version changes what existing attributes mean. */
	if (family.version != FLOWMESH_GENL_VERSION)
		return -EPROTONOSUPPORT;
	nl->family_id = family.id;
	nl->events_group = family.events_group;
	return 0;
}
