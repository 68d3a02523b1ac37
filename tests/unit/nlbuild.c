// SPDX-License-Identifier: GPL-2.0
#include <assert.h>
#include <string.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <linux/genetlink.h>
#include <linux/flowmesh.h>
#include "nlbuild.h"

void nlb_flow_v4(struct fm_flow *f)
{
	memset(f, 0, sizeof(*f));
	f->family = AF_INET;
	f->proto = IPPROTO_TCP;
	f->netns = 4026531840u;
	inet_pton(AF_INET, "198.18.0.2", f->client);
	inet_pton(AF_INET, "198.18.0.1", f->server);
	f->client_port = 43512;
	f->server_port = 80;
	f->tx_bytes = 1234;
	f->tx_packets = 10;
	f->rx_bytes = 567890;
	f->rx_packets = 12;
	f->first_seen_ns = 1700000000123456789ull;
	f->last_seen_ns = 1700000042000001000ull;
}

void nlb_flow_v6(struct fm_flow *f)
{
	memset(f, 0, sizeof(*f));
	f->family = AF_INET6;
	f->proto = IPPROTO_UDP;
	f->netns = 4026532001u;
	inet_pton(AF_INET6, "fd00::2", f->client);
	inet_pton(AF_INET6, "fd00::53", f->server);
	f->client_port = 53001;
	f->server_port = 53;
	f->tx_bytes = 76;
	f->tx_packets = 1;
	f->rx_bytes = 140;
	f->rx_packets = 1;
	f->first_seen_ns = 1700000100000000000ull;
	f->last_seen_ns = 1700000100000250000ull;
}

void nlb_stats_sample(struct fm_stats *s)
{
	*s = (struct fm_stats){
		.flows_active = 12,
		.flows_max = 65536,
		.flows_created = 1200,
		.flows_expired = 1188,
		.flows_untracked = 3,
		.alloc_failed = 1,
		.packets_seen = 987654321,
		.packets_skipped = 4321,
	};
}

struct nlmsghdr *nlb_genl(void *buf, uint16_t type, uint16_t flags,
			  uint8_t cmd)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *genl;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	nlh->nlmsg_pid = NLB_PORTID;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = cmd;
	genl->version = FLOWMESH_GENL_VERSION;
	return nlh;
}

static const struct nlb_opts nlb_no_opts;

/* Puts one attribute, spoiled the way @opts asks. */
static void nlb_put(struct nlmsghdr *nlh, const struct nlb_opts *opts,
		    uint16_t type, const void *data, size_t len)
{
	char spoiled[64] = { 0 };
	struct nlattr *attr;

	if (type == opts->omit)
		return;
	if (type == opts->resize) {
		assert(opts->resize_len <= sizeof(spoiled));
		memcpy(spoiled, data, len < opts->resize_len ?
		       len : opts->resize_len);
		data = spoiled;
		len = opts->resize_len;
	}
	attr = mnl_nlmsg_get_payload_tail(nlh);
	mnl_attr_put(nlh, type, len, data);
	if (type == opts->nested)
		attr->nla_type |= NLA_F_NESTED;
}

static void nlb_put_u64(struct nlmsghdr *nlh, const struct nlb_opts *opts,
			uint16_t pad, uint16_t type, uint64_t v)
{
	if (opts->pad64)
		mnl_attr_put(nlh, pad, 0, NULL);
	nlb_put(nlh, opts, type, &v, sizeof(v));
}

static void nlb_put_unknown(struct nlmsghdr *nlh, const struct nlb_opts *opts)
{
	static const char junk[12] = "future attr";

	if (opts->unknown)
		mnl_attr_put(nlh, opts->unknown, sizeof(junk), junk);
}

struct nlmsghdr *nlb_flow(void *buf, const struct fm_flow *f,
			  const struct nlb_opts *opts)
{
	size_t alen = f->family == AF_INET ? 4 : 16;
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	uint32_t netns = f->netns;

	if (!opts)
		opts = &nlb_no_opts;
	nlh = nlb_genl(buf, NLB_FAMILY_ID, NLM_F_MULTI, FLOWMESH_CMD_GET_FLOW);
	nest = mnl_attr_nest_start(nlh, FLOWMESH_A_FLOW);
	nlb_put_unknown(nlh, opts);
	nlb_put(nlh, opts, FLOWMESH_FLOW_A_FAMILY, &f->family, 1);
	nlb_put(nlh, opts, FLOWMESH_FLOW_A_PROTO, &f->proto, 1);
	nlb_put(nlh, opts, FLOWMESH_FLOW_A_NETNS, &netns, 4);
	nlb_put(nlh, opts, FLOWMESH_FLOW_A_CLIENT_ADDR, f->client, alen);
	nlb_put(nlh, opts, FLOWMESH_FLOW_A_SERVER_ADDR, f->server, alen);
	nlb_put(nlh, opts, FLOWMESH_FLOW_A_CLIENT_PORT, &f->client_port, 2);
	nlb_put(nlh, opts, FLOWMESH_FLOW_A_SERVER_PORT, &f->server_port, 2);
	nlb_put_u64(nlh, opts, FLOWMESH_FLOW_A_PAD, FLOWMESH_FLOW_A_TX_BYTES,
		    f->tx_bytes);
	nlb_put_u64(nlh, opts, FLOWMESH_FLOW_A_PAD, FLOWMESH_FLOW_A_TX_PACKETS,
		    f->tx_packets);
	nlb_put_u64(nlh, opts, FLOWMESH_FLOW_A_PAD, FLOWMESH_FLOW_A_RX_BYTES,
		    f->rx_bytes);
	nlb_put_u64(nlh, opts, FLOWMESH_FLOW_A_PAD, FLOWMESH_FLOW_A_RX_PACKETS,
		    f->rx_packets);
	nlb_put_u64(nlh, opts, FLOWMESH_FLOW_A_PAD, FLOWMESH_FLOW_A_FIRST_SEEN,
		    f->first_seen_ns);
	nlb_put_u64(nlh, opts, FLOWMESH_FLOW_A_PAD, FLOWMESH_FLOW_A_LAST_SEEN,
		    f->last_seen_ns);
	mnl_attr_nest_end(nlh, nest);
	return nlh;
}

struct nlmsghdr *nlb_stats(void *buf, const struct fm_stats *s,
			   const struct nlb_opts *opts)
{
	const struct fm_stats_field *f;
	struct nlmsghdr *nlh;
	struct nlattr *nest;

	if (!opts)
		opts = &nlb_no_opts;
	nlh = nlb_genl(buf, NLB_FAMILY_ID, 0, FLOWMESH_CMD_GET_STATS);
	nest = mnl_attr_nest_start(nlh, FLOWMESH_A_STATS);
	nlb_put_unknown(nlh, opts);
	for (f = fm_stats_fields; f < fm_stats_fields + FM_STATS_NFIELDS; f++)
		nlb_put_u64(nlh, opts, FLOWMESH_STATS_A_PAD, f->attr,
			    fm_stats_value(s, f));
	mnl_attr_nest_end(nlh, nest);
	return nlh;
}

struct nlmsghdr *nlb_done(void *buf, int32_t status)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);

	nlh->nlmsg_type = NLMSG_DONE;
	nlh->nlmsg_flags = NLM_F_MULTI;
	nlh->nlmsg_pid = NLB_PORTID;
	memcpy(mnl_nlmsg_put_extra_header(nlh, sizeof(status)), &status,
	       sizeof(status));
	return nlh;
}

struct nlmsghdr *nlb_error(void *buf, int32_t error)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nlmsgerr *err;

	nlh->nlmsg_type = NLMSG_ERROR;
	nlh->nlmsg_pid = NLB_PORTID;
	err = mnl_nlmsg_put_extra_header(nlh, sizeof(*err));
	err->error = error;
	err->msg.nlmsg_len = NLMSG_HDRLEN + GENL_HDRLEN;
	err->msg.nlmsg_type = NLB_FAMILY_ID;
	return nlh;
}

struct nlmsghdr *nlb_family(void *buf, uint16_t id, uint32_t version)
{
	struct nlmsghdr *nlh;

	nlh = nlb_genl(buf, GENL_ID_CTRL, 0, CTRL_CMD_NEWFAMILY);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, FLOWMESH_GENL_NAME);
	mnl_attr_put_u16(nlh, CTRL_ATTR_FAMILY_ID, id);
	mnl_attr_put_u32(nlh, CTRL_ATTR_VERSION, version);
	mnl_attr_put_u32(nlh, CTRL_ATTR_HDRSIZE, 0);
	mnl_attr_put_u32(nlh, CTRL_ATTR_MAXATTR, FLOWMESH_A_MAX);
	return nlh;
}

void *nlb_tail(struct nlb_dgram *d)
{
	assert(d->len + NLB_MSG_SIZE <= sizeof(d->u.buf));
	return d->u.buf + d->len;
}

void nlb_add(struct nlb_dgram *d, const struct nlmsghdr *nlh)
{
	assert((const char *)nlh == d->u.buf + d->len);
	d->len += NLMSG_ALIGN(nlh->nlmsg_len);
}
