// SPDX-License-Identifier: GPL-2.0
/*
 * Strict attribute parsing.  libmnl's parsers stop quietly at the first
 * attribute that does not fit its container, which would let a truncated
 * message pass as one that merely lacks attributes; here the stream must
 * end exactly where its container does.
 */
#include <errno.h>
#include <limits.h>
#include <linux/genetlink.h>
#include "lib/attr.h"

/* True when the attributes fill @len bytes, the last one's padding aside. */
static bool fm_attr_stream_whole(const void *payload, size_t len)
{
	const struct nlattr *attr = payload;
	int left = (int)len;

	while (mnl_attr_ok(attr, left)) {
		left -= MNL_ALIGN(attr->nla_len);
		attr = mnl_attr_next(attr);
	}
	return left <= 0;
}

int fm_attr_parse_payload(const void *payload, size_t len, mnl_attr_cb_t cb,
			  void *data)
{
	if (len > INT_MAX || !fm_attr_stream_whole(payload, len))
		return -EBADMSG;
	if (mnl_attr_parse_payload(payload, len, cb, data) < MNL_CB_OK)
		return -EBADMSG;
	return 0;
}

int fm_attr_parse_nested(const struct nlattr *nest, mnl_attr_cb_t cb,
			 void *data)
{
	if (!fm_attr_stream_whole(mnl_attr_get_payload(nest),
				  mnl_attr_get_payload_len(nest)))
		return -EBADMSG;
	if (mnl_attr_parse_nested(nest, cb, data) < MNL_CB_OK)
		return -EBADMSG;
	return 0;
}

int fm_genl_parse(const struct nlmsghdr *nlh, uint8_t cmd, mnl_attr_cb_t cb,
		  void *data)
{
	const struct genlmsghdr *genl;

	if (nlh->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN)
		return -EBADMSG;
	genl = mnl_nlmsg_get_payload(nlh);
	if (genl->cmd != cmd)
		return -EBADMSG;
	return fm_attr_parse_payload((const char *)genl + GENL_HDRLEN,
				     nlh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN,
				     cb, data);
}

bool fm_attr_scalar_ok(const struct nlattr *attr, size_t len)
{
	return !(attr->nla_type & NLA_F_NESTED) &&
	       mnl_attr_get_payload_len(attr) == len;
}

int fm_parse_flowmesh_attr_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;
	uint16_t type = mnl_attr_get_type(attr);

	switch (type) {
	case FLOWMESH_A_FLOW:
	case FLOWMESH_A_STATS:
	case FLOWMESH_A_CONFIG:
		if (mnl_attr_validate(attr, MNL_TYPE_NESTED) < 0)
			return MNL_CB_ERROR;
		tb[type] = attr;
		break;
	case FLOWMESH_A_RECORDS:
		/* binary: its length is checked against the record size */
		if (attr->nla_type & NLA_F_NESTED)
			return MNL_CB_ERROR;
		tb[type] = attr;
		break;
	default:
		break;	/* newer than this program: skip */
	}
	return MNL_CB_OK;
}
