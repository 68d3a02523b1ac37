// SPDX-License-Identifier: GPL-2.0
/*
 * Requests and their replies.  A reply is one or more datagrams, each
 * holding one or more messages, and ends with NLMSG_DONE (dumps) or an
 * acknowledgement (requests sent with NLM_F_ACK).  Receiving is separate
 * from walking a datagram so that tests and fuzzers can feed datagrams in.
 *
 * Errors carry the kernel's extended ACK (NETLINK_EXT_ACK): a message, and
 * the offset of the attribute it is about, which is mapped back onto the
 * request so the caller can name what was refused.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/flowmesh.h>
#include "lib/attr.h"
#include "lib/genl.h"

/* Largest errno the kernel can report; anything else is garbage. */
#define FM_MAX_ERRNO	4095

/* No datagram is believed to be larger than this. */
#define FM_NL_RECV_MAX	(16u << 20)

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

/* --- extended ACK ------------------------------------------------------ */

struct fm_extack_tb {
	const struct nlattr *msg;
	const struct nlattr *offs;
	const struct nlattr *miss_type;
};

static int parse_extack_attr_cb(const struct nlattr *attr, void *data)
{
	struct fm_extack_tb *tb = data;

	switch (mnl_attr_get_type(attr)) {
	case NLMSGERR_ATTR_MSG:
		if (attr->nla_type & NLA_F_NESTED ||
		    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) < 0)
			return MNL_CB_ERROR;
		tb->msg = attr;
		break;
	case NLMSGERR_ATTR_OFFS:
		if (!fm_attr_scalar_ok(attr, sizeof(uint32_t)))
			return MNL_CB_ERROR;
		tb->offs = attr;
		break;
	case NLMSGERR_ATTR_MISS_TYPE:
		if (!fm_attr_scalar_ok(attr, sizeof(uint32_t)))
			return MNL_CB_ERROR;
		tb->miss_type = attr;
		break;
	default:
		break;	/* cookie, policy, missing nest: not used */
	}
	return MNL_CB_OK;
}

/* The kernel's words go to a terminal: nothing but printable ASCII. */
static void fm_extack_copy_msg(char *dst, const char *src)
{
	size_t i;

	for (i = 0; i < FM_NL_EXTACK_MSG_MAX - 1 && src[i]; i++)
		dst[i] = src[i] >= 0x20 && src[i] < 0x7f ? src[i] : '?';
	dst[i] = '\0';
}

int fm_nl_parse_extack(const struct nlmsghdr *nlh, struct fm_nl_extack *ext)
{
	const char *payload = mnl_nlmsg_get_payload(nlh);
	size_t len, off;
	struct fm_extack_tb tb = { .msg = NULL };
	int32_t error;

	memset(ext, 0, sizeof(*ext));
	if (nlh->nlmsg_len < NLMSG_HDRLEN)
		return -EBADMSG;
	len = nlh->nlmsg_len - NLMSG_HDRLEN;

	if (nlh->nlmsg_type == NLMSG_ERROR) {
		const struct nlmsgerr *err = (const void *)payload;

		if (len < sizeof(*err))
			return -EBADMSG;
		error = err->error;
		off = sizeof(*err);
		/* uncapped: the whole request follows, padded */
		if (!(nlh->nlmsg_flags & NLM_F_CAPPED)) {
			if (err->msg.nlmsg_len < NLMSG_HDRLEN)
				return -EBADMSG;
			off = sizeof(err->error) +
			      (((size_t)err->msg.nlmsg_len + NLMSG_ALIGNTO - 1) &
			       ~(size_t)(NLMSG_ALIGNTO - 1));
		}
	} else if (nlh->nlmsg_type == NLMSG_DONE) {
		if (len < sizeof(error))
			return -EBADMSG;
		memcpy(&error, payload, sizeof(error));
		off = sizeof(error);
	} else {
		return -EBADMSG;
	}
	ext->error = error < 0 ? fm_nl_errno(error) : 0;

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return 0;
	if (off > len ||
	    fm_attr_parse_payload(payload + off, len - off,
				  parse_extack_attr_cb, &tb))
		return -EBADMSG;
	if (tb.msg)
		fm_extack_copy_msg(ext->msg, mnl_attr_get_str(tb.msg));
	if (tb.offs) {
		ext->has_offset = true;
		ext->offset = mnl_attr_get_u32(tb.offs);
	}
	if (tb.miss_type) {
		ext->has_miss_type = true;
		ext->miss_type = mnl_attr_get_u32(tb.miss_type);
	}
	return 0;
}

size_t fm_nl_attr_path(const struct nlmsghdr *req, size_t hdrlen,
		       uint32_t offset, uint16_t *path, size_t max)
{
	const char *base = (const char *)req;
	size_t pos = NLMSG_HDRLEN + MNL_ALIGN(hdrlen);
	size_t end = req->nlmsg_len, depth = 0, alen;
	const struct nlattr *attr;
	bool inside;

	while (depth < max) {
		inside = false;
		while (pos + sizeof(*attr) <= end) {
			attr = (const struct nlattr *)(base + pos);
			alen = attr->nla_len;
			if (alen < sizeof(*attr) || alen > end - pos)
				return 0;
			if (pos == offset) {
				path[depth++] = mnl_attr_get_type(attr);
				return depth;
			}
			if (offset > pos && offset < pos + alen) {
				if (!(attr->nla_type & NLA_F_NESTED))
					return 0;	/* inside a value */
				path[depth++] = mnl_attr_get_type(attr);
				end = pos + alen;
				pos += MNL_ATTR_HDRLEN;
				inside = true;
				break;
			}
			pos += MNL_ALIGN(alen);
		}
		if (!inside)
			return 0;
	}
	return 0;
}

/* --- walking replies ---------------------------------------------------- */

static void fm_nl_note_extack(struct fm_nl_reply *reply,
			      const struct nlmsghdr *nlh)
{
	struct fm_nl_extack ext;

	/* malformed TLVs lose the message, never the error itself */
	if (reply->extack && !fm_nl_parse_extack(nlh, &ext))
		*reply->extack = ext;
}

static int fm_nl_walk_error(struct fm_nl_reply *reply,
			    const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*err))
		return -EBADMSG;
	fm_nl_note_extack(reply, nlh);
	if (err->error == 0)
		return FM_NL_DONE;	/* acknowledgement */
	return fm_nl_errno(err->error);
}

/* A dump that failed part way reports the error inside NLMSG_DONE. */
static int fm_nl_walk_done(struct fm_nl_reply *reply,
			   const struct nlmsghdr *nlh)
{
	int32_t status = 0;

	if (mnl_nlmsg_get_payload_len(nlh) >= sizeof(status)) {
		memcpy(&status, mnl_nlmsg_get_payload(nlh), sizeof(status));
		fm_nl_note_extack(reply, nlh);
	}
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
		return fm_nl_walk_error(reply, nlh);
	case NLMSG_DONE:
		return fm_nl_walk_done(reply, nlh);
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

/* --- requests ------------------------------------------------------------ */

static int fm_nl_recv_reply(struct fm_nl *nl, struct fm_nl_reply *reply)
{
	size_t cap = FM_NL_RECV_SIZE;
	char *buf = malloc(cap), *bigger;
	ssize_t n, want;
	int ret;

	if (!buf)
		return -ENOMEM;
	for (;;) {
		if (nl->transport->peek) {
			want = nl->transport->peek(nl->ctx);
			if (want < 0) {
				ret = (int)want;
				break;
			}
			if ((size_t)want > cap && (size_t)want <= FM_NL_RECV_MAX) {
				bigger = realloc(buf, (size_t)want);
				if (!bigger) {
					ret = -ENOMEM;
					break;
				}
				buf = bigger;
				cap = (size_t)want;
			}
		}
		n = nl->transport->recv(nl->ctx, buf, cap);
		if (n < 0) {
			ret = (int)n;
			break;
		}
		if (n == 0) {
			ret = -ECONNRESET;	/* no end of reply will come */
			break;
		}
		ret = fm_nl_walk(reply, buf, (size_t)n);
		if (ret) {
			ret = ret < 0 ? ret : 0;
			break;
		}
	}
	free(buf);
	return ret;
}

int fm_nl_exchange(struct fm_nl *nl, struct nlmsghdr *nlh, fm_nl_msg_cb cb,
		   void *data, bool *interrupted)
{
	struct fm_nl_reply reply = {
		.portid = nl->portid,
		.type = nlh->nlmsg_type,
		.cb = cb,
		.data = data,
		.extack = &nl->extack,
	};
	struct fm_nl_extack *ext = &nl->extack;
	ssize_t n;
	int err;

	memset(ext, 0, sizeof(*ext));
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
	if (ext->has_offset)
		ext->depth = fm_nl_attr_path(nlh, GENL_HDRLEN, ext->offset,
					     ext->path, FM_NL_EXTACK_DEPTH);
	return err;
}

int fm_nl_request(struct fm_nl *nl, uint8_t cmd, uint16_t flags,
		  fm_nl_put_cb put, const void *arg, fm_nl_msg_cb cb,
		  void *data, bool *interrupted)
{
	union {
		char buf[FM_NL_REQ_SIZE];
		struct nlmsghdr align;
	} req;
	struct nlmsghdr *nlh;
	int err;

	nlh = fm_genl_msg_start(req.buf, nl->family_id, NLM_F_REQUEST | flags,
				cmd, FLOWMESH_GENL_VERSION);
	if (put) {
		err = put(nlh, sizeof(req.buf), arg);
		if (err)
			return err;
	}
	return fm_nl_exchange(nl, nlh, cb, data, interrupted);
}

int fm_nl_do_req(struct fm_nl *nl, uint8_t cmd, fm_nl_put_cb put,
		 const void *arg, fm_nl_msg_cb cb, void *data)
{
	return fm_nl_request(nl, cmd, NLM_F_ACK, put, arg, cb, data, NULL);
}

int fm_nl_do(struct fm_nl *nl, uint8_t cmd, fm_nl_msg_cb cb, void *data)
{
	return fm_nl_do_req(nl, cmd, NULL, NULL, cb, data);
}

int fm_nl_dump_req(struct fm_nl *nl, uint8_t cmd, fm_nl_put_cb put,
		   const void *arg, fm_nl_msg_cb cb, fm_nl_restart_cb restart,
		   void *data)
{
	bool interrupted;
	int attempt, err;

	for (attempt = 0; attempt < FM_NL_DUMP_ATTEMPTS; attempt++) {
		if (restart)
			restart(data);
		err = fm_nl_request(nl, cmd, NLM_F_DUMP, put, arg, cb, data,
				    &interrupted);
		if (err)
			return err;
		if (!interrupted)
			return 0;
	}
	return -EINTR;
}

int fm_nl_dump(struct fm_nl *nl, uint8_t cmd, fm_nl_msg_cb cb,
	       fm_nl_restart_cb restart, void *data)
{
	return fm_nl_dump_req(nl, cmd, NULL, NULL, cb, restart, data);
}
