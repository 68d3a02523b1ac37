// SPDX-License-Identifier: GPL-2.0
/*
 * Requests and their replies.  A reply is one or more datagrams, each
 * holding one or more messages, and ends with NLMSG_DONE (dumps) or an
 * acknowledgement (requests sent with NLM_F_ACK).  Receiving is separate
 * from walking a datagram so that tests and fuzzers can feed datagrams in.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/flowmesh.h>
#include "lib/genl.h"

/* Largest errno the kernel can report; anything else is garbage. */
#define FM_MAX_ERRNO	4095

struct nlmsghdr *fm_genl_msg_start(void *buf, uint16_t type, uint16_t flags,
				   uint8_t cmd, uint8_t version)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *genl;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = cmd;
	genl->version = version;
	return nlh;
}

static int fm_nl_errno(int32_t error)
{
	if (error < 0 && error >= -FM_MAX_ERRNO)
		return error;
	return -EPROTO;
}

static int fm_nl_walk_error(const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*err))
		return -EBADMSG;
	if (err->error == 0)
		return FM_NL_DONE;	/* acknowledgement */
	return fm_nl_errno(err->error);
}

/* A dump that failed part way reports the error inside NLMSG_DONE. */
static int fm_nl_walk_done(const struct nlmsghdr *nlh)
{
	int32_t status = 0;

	if (mnl_nlmsg_get_payload_len(nlh) >= sizeof(status))
		memcpy(&status, mnl_nlmsg_get_payload(nlh), sizeof(status));
	return status < 0 ? fm_nl_errno(status) : FM_NL_DONE;
}

static int fm_nl_walk_one(struct fm_nl_reply *reply,
			  const struct nlmsghdr *nlh)
{
	int err;

	/* Left over from an abandoned request, or not from the kernel. */
	if (nlh->nlmsg_seq != reply->seq ||
	    (nlh->nlmsg_pid && nlh->nlmsg_pid != reply->portid))
		return FM_NL_MORE;

	/* Keep reading: the rest of the dump must be drained anyway. */
	if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
		reply->interrupted = true;

	switch (nlh->nlmsg_type) {
	case NLMSG_ERROR:
		return fm_nl_walk_error(nlh);
	case NLMSG_DONE:
		return fm_nl_walk_done(nlh);
	case NLMSG_OVERRUN:
		return -ENOBUFS;
	}
	if (nlh->nlmsg_type < NLMSG_MIN_TYPE)
		return FM_NL_MORE;	/* NLMSG_NOOP and reserved types */
	if (nlh->nlmsg_type != reply->type)
		return -EPROTO;
	err = reply->cb(nlh, reply->data);
	return err < 0 ? err : FM_NL_MORE;
}

/*
 * Not mnl_nlmsg_ok(): libmnl compares the length as an int, so a message
 * claiming 2 GiB or more would pass as fitting.
 */
static bool fm_nlmsg_fits(const struct nlmsghdr *nlh, size_t left)
{
	return left >= sizeof(*nlh) && nlh->nlmsg_len >= sizeof(*nlh) &&
	       nlh->nlmsg_len <= left;
}

int fm_nl_walk(struct fm_nl_reply *reply, const void *buf, size_t len)
{
	const char *pos = buf, *end = pos + len;
	const struct nlmsghdr *nlh;
	size_t step;
	int ret;

	while (fm_nlmsg_fits(nlh = (const void *)pos, end - pos)) {
		ret = fm_nl_walk_one(reply, nlh);
		if (ret)
			return ret;
		step = NLMSG_ALIGN(nlh->nlmsg_len);
		if (step >= (size_t)(end - pos))
			return FM_NL_MORE;	/* the last may lack padding */
		pos += step;
	}
	/* A datagram holds whole messages; leftovers are a cut-off one. */
	return pos < end ? -EBADMSG : FM_NL_MORE;
}

static int fm_nl_recv_reply(struct fm_nl *nl, struct fm_nl_reply *reply)
{
	union {
		char buf[FM_NL_RECV_SIZE];
		struct nlmsghdr align;
	} rx;
	ssize_t n;
	int ret;

	for (;;) {
		n = nl->transport->recv(nl->ctx, rx.buf, sizeof(rx.buf));
		if (n < 0)
			return (int)n;
		if (n == 0)
			return -ECONNRESET;	/* no end of reply will come */
		ret = fm_nl_walk(reply, rx.buf, (size_t)n);
		if (ret)
			return ret < 0 ? ret : 0;
	}
}

int fm_nl_exchange(struct fm_nl *nl, struct nlmsghdr *nlh, fm_nl_msg_cb cb,
		   void *data, bool *interrupted)
{
	struct fm_nl_reply reply = {
		.portid = nl->portid,
		.type = nlh->nlmsg_type,
		.cb = cb,
		.data = data,
	};
	ssize_t n;
	int err;

	/* Sequence 0 is what unsolicited messages carry; never use it. */
	if (++nl->seq == 0)
		nl->seq = 1;
	nlh->nlmsg_seq = reply.seq = nl->seq;

	n = nl->transport->send(nl->ctx, nlh, nlh->nlmsg_len);
	if (n < 0)
		return (int)n;
	if ((size_t)n != nlh->nlmsg_len)
		return -EIO;

	err = fm_nl_recv_reply(nl, &reply);
	if (interrupted)
		*interrupted = reply.interrupted;
	return err;
}

int fm_nl_do(struct fm_nl *nl, uint8_t cmd, fm_nl_msg_cb cb, void *data)
{
	union {
		char buf[64];
		struct nlmsghdr align;
	} req;
	struct nlmsghdr *nlh;

	nlh = fm_genl_msg_start(req.buf, nl->family_id,
				NLM_F_REQUEST | NLM_F_ACK, cmd,
				FLOWMESH_GENL_VERSION);
	return fm_nl_exchange(nl, nlh, cb, data, NULL);
}

int fm_nl_dump(struct fm_nl *nl, uint8_t cmd, fm_nl_msg_cb cb,
	       fm_nl_restart_cb restart, void *data)
{
	union {
		char buf[64];
		struct nlmsghdr align;
	} req;
	struct nlmsghdr *nlh;
	bool interrupted;
	int attempt, err;

	for (attempt = 0; attempt < FM_NL_DUMP_ATTEMPTS; attempt++) {
		if (restart)
			restart(data);
		nlh = fm_genl_msg_start(req.buf, nl->family_id,
					NLM_F_REQUEST | NLM_F_DUMP, cmd,
					FLOWMESH_GENL_VERSION);
		err = fm_nl_exchange(nl, nlh, cb, data, &interrupted);
		if (err)
			return err;
		if (!interrupted)
			return 0;
	}
	return -EINTR;
}
