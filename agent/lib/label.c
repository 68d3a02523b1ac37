// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <sys/socket.h>
#include <libmnl/libmnl.h>
#include <linux/flowmesh.h>
#include "l7/l7.h"
#include "lib/genl.h"
#include "lib/label.h"

/* The agent labels flows with its detectors' ids as they are. */
_Static_assert(FM_L7_UNKNOWN == FLOWMESH_L7_UNKNOWN &&
	       FM_L7_HTTP == FLOWMESH_L7_HTTP &&
	       FM_L7_HTTP2 == FLOWMESH_L7_HTTP2 &&
	       FM_L7_GRPC == FLOWMESH_L7_GRPC &&
	       FM_L7_TLS == FLOWMESH_L7_TLS &&
	       FM_L7_DNS == FLOWMESH_L7_DNS &&
	       FM_L7_MYSQL == FLOWMESH_L7_MYSQL &&
	       FM_L7_POSTGRESQL == FLOWMESH_L7_POSTGRESQL &&
	       FM_L7_REDIS == FLOWMESH_L7_REDIS &&
	       FM_L7_MEMCACHE == FLOWMESH_L7_MEMCACHE &&
	       FM_L7_SMTP == FLOWMESH_L7_SMTP &&
	       FM_L7_PROTO_COUNT == FLOWMESH_L7_MAX + 1,
	       "enum fm_l7_proto and FLOWMESH_L7_* disagree");

int fm_label_put(struct nlmsghdr *nlh, size_t buflen,
		 const struct fm_label *label)
{
	size_t alen;
	struct nlattr *nest;
	bool ok;

	if (label->family == AF_INET)
		alen = 4;
	else if (label->family == AF_INET6)
		alen = 16;
	else
		return -EINVAL;
	nest = mnl_attr_nest_start_check(nlh, buflen, FLOWMESH_A_FLOW);
	if (!nest)
		return -EMSGSIZE;
	ok = mnl_attr_put_u8_check(nlh, buflen, FLOWMESH_FLOW_A_FAMILY,
				   label->family) &&
	     mnl_attr_put_u8_check(nlh, buflen, FLOWMESH_FLOW_A_PROTO,
				   label->proto) &&
	     mnl_attr_put_u32_check(nlh, buflen, FLOWMESH_FLOW_A_NETNS,
				    label->netns) &&
	     mnl_attr_put_check(nlh, buflen, FLOWMESH_FLOW_A_CLIENT_ADDR, alen,
				label->client) &&
	     mnl_attr_put_check(nlh, buflen, FLOWMESH_FLOW_A_SERVER_ADDR, alen,
				label->server) &&
	     mnl_attr_put_u16_check(nlh, buflen, FLOWMESH_FLOW_A_CLIENT_PORT,
				    label->client_port) &&
	     mnl_attr_put_u16_check(nlh, buflen, FLOWMESH_FLOW_A_SERVER_PORT,
				    label->server_port);
	if (!ok) {
		mnl_attr_nest_cancel(nlh, nest);
		return -EMSGSIZE;
	}
	mnl_attr_nest_end(nlh, nest);
	if (!mnl_attr_put_u8_check(nlh, buflen, FLOWMESH_A_LABEL_PROTO,
				   label->l7_proto) ||
	    !mnl_attr_put_u32_check(nlh, buflen, FLOWMESH_A_LABEL_FLAGS,
				    label->flags))
		return -EMSGSIZE;
	return 0;
}

static int fm_label_put_cb(struct nlmsghdr *nlh, size_t buflen,
			   const void *arg)
{
	return fm_label_put(nlh, buflen, arg);
}

int fm_label_set(struct fm_nl *nl, const struct fm_label *label)
{
	return fm_nl_do_req(nl, FLOWMESH_CMD_SET_LABEL, fm_label_put_cb, label,
			    NULL, NULL);
}
