/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A generic netlink connection to the flowmesh family, and the request /
 * reply loop every command goes through.
 */
#ifndef FLOWMESH_LIB_GENL_H
#define FLOWMESH_LIB_GENL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct nlmsghdr;

/*
 * Large enough for any datagram the kernel sends a dump reader: netlink
 * sizes dump messages to the reader's buffer but never beyond 32 KiB.  A
 * "do" reply can be larger (the stats reply grows with the number of
 * CPUs); the socket transport measures each datagram first and the buffer
 * grows to fit.
 */
#define FM_NL_RECV_SIZE		32768

/* Requests carry at most a filter or a configuration. */
#define FM_NL_REQ_SIZE		1024

/* A dump that keeps racing with table changes is retried this often. */
#define FM_NL_DUMP_ATTEMPTS	4

/* Extended ACK: what the kernel said about the request it refused. */
#define FM_NL_EXTACK_MSG_MAX	256
#define FM_NL_EXTACK_DEPTH	4

struct fm_nl_extack {
	int error;		/* errno the report came with; 0: a warning */
	char msg[FM_NL_EXTACK_MSG_MAX];	/* NLMSGERR_ATTR_MSG, or "" */
	bool has_offset;
	uint32_t offset;	/* NLMSGERR_ATTR_OFFS: bytes into the request */
	/* the attribute at that offset: types, outermost first */
	uint16_t path[FM_NL_EXTACK_DEPTH];
	size_t depth;		/* 0: not resolved */
	bool has_miss_type;
	uint32_t miss_type;	/* NLMSGERR_ATTR_MISS_TYPE */
};

/*
 * Where requests go and replies come from.  All return a byte count or a
 * negative errno; recv returns 0 when no more data will ever arrive.  The
 * socket is one transport; tests plug in canned reply buffers.  peek is
 * optional: the length of the next datagram, waiting for one.
 */
struct fm_nl_transport {
	ssize_t (*send)(void *ctx, const void *buf, size_t len);
	ssize_t (*recv)(void *ctx, void *buf, size_t len);
	ssize_t (*peek)(void *ctx);
	void (*close)(void *ctx);
};

struct fm_nl {
	const struct fm_nl_transport *transport;
	void *ctx;
	uint32_t portid;
	uint32_t seq;			/* of the last request sent */
	uint16_t family_id;		/* 0 until resolved */
	uint32_t family_version;	/* as the kernel reports it */
	uint32_t events_group;		/* FLOWMESH_MCGRP_EVENTS, 0: none */
	struct fm_nl_extack extack;	/* of the last reply */
};

/* Called for each data message of a reply; returns 0 or a negative errno. */
typedef int (*fm_nl_msg_cb)(const struct nlmsghdr *nlh, void *data);

/* Called before each attempt of a dump, to drop a previous attempt's data. */
typedef void (*fm_nl_restart_cb)(void *data);

/*
 * Adds a request's attributes to @nlh, which lives in a buffer of @buflen
 * bytes; returns 0 or -EMSGSIZE.
 */
typedef int (*fm_nl_put_cb)(struct nlmsghdr *nlh, size_t buflen,
			    const void *arg);

/* With NETLINK_EXT_ACK and NETLINK_CAP_ACK on. */
int fm_nl_open(struct fm_nl *nl);
void fm_nl_init(struct fm_nl *nl, const struct fm_nl_transport *transport,
		void *ctx, uint32_t portid, uint32_t seq);
void fm_nl_close(struct fm_nl *nl);

/*
 * Looks up the family's id, version and multicast group.  -ENOENT: the
 * family is not registered, i.e. the module is not loaded.
 */
int fm_nl_resolve_family(struct fm_nl *nl);

struct fm_genl_family {
	uint16_t id;
	uint32_t version;
	uint32_t events_group;	/* 0 when the family has no such group */
};

int fm_genl_parse_family(const struct nlmsghdr *nlh,
			 struct fm_genl_family *family);

/* Starts a request: netlink header plus generic netlink header. */
struct nlmsghdr *fm_genl_msg_start(void *buf, uint16_t type, uint16_t flags,
				   uint8_t cmd, uint8_t version);

/*
 * Sends @nlh and feeds each reply message to @cb until the reply ends.
 * The kernel's extended ACK, if any, is left in nl->extack.
 */
int fm_nl_exchange(struct fm_nl *nl, struct nlmsghdr *nlh, fm_nl_msg_cb cb,
		   void *data, bool *interrupted);

/*
 * One request of the flowmesh family: @flags (NLM_F_ACK or NLM_F_DUMP
 * besides NLM_F_REQUEST), attributes from @put (may be NULL).
 */
int fm_nl_request(struct fm_nl *nl, uint8_t cmd, uint16_t flags,
		  fm_nl_put_cb put, const void *arg, fm_nl_msg_cb cb,
		  void *data, bool *interrupted);

/* A "do" command of the flowmesh family, acknowledged. */
int fm_nl_do(struct fm_nl *nl, uint8_t cmd, fm_nl_msg_cb cb, void *data);
int fm_nl_do_req(struct fm_nl *nl, uint8_t cmd, fm_nl_put_cb put,
		 const void *arg, fm_nl_msg_cb cb, void *data);

/*
 * A dump of the flowmesh family.  A dump the kernel marks NLM_F_DUMP_INTR
 * is read to its end and then run again, after @restart; -EINTR when every
 * one of FM_NL_DUMP_ATTEMPTS was interrupted.  Not for dumps that consume
 * what they read (FLOWMESH_CMD_DRAIN): those use fm_nl_request().
 */
int fm_nl_dump(struct fm_nl *nl, uint8_t cmd, fm_nl_msg_cb cb,
	       fm_nl_restart_cb restart, void *data);
int fm_nl_dump_req(struct fm_nl *nl, uint8_t cmd, fm_nl_put_cb put,
		   const void *arg, fm_nl_msg_cb cb, fm_nl_restart_cb restart,
		   void *data);

/*
 * State of one reply while its datagrams are walked: which messages are
 * ours (seq, portid), which data type they must have, and what was seen.
 */
struct fm_nl_reply {
	uint32_t seq;
	uint32_t portid;
	uint16_t type;
	fm_nl_msg_cb cb;
	void *data;
	bool interrupted;
	struct fm_nl_extack *extack;	/* filled from errors, may be NULL */
};

enum {
	FM_NL_MORE = 0,		/* the reply goes on in the next datagram */
	FM_NL_DONE = 1,		/* NLMSG_DONE or an acknowledgement */
};

/* Walks one received datagram: FM_NL_MORE, FM_NL_DONE or a negative errno. */
int fm_nl_walk(struct fm_nl_reply *reply, const void *buf, size_t len);

/*
 * The extended ACK TLVs of an NLMSG_ERROR or NLMSG_DONE message, capped
 * (NETLINK_CAP_ACK) or not.  @ext is reset first; a message without TLVs
 * leaves it empty.  -EBADMSG when the TLVs are malformed (@ext then holds
 * nothing but the error).
 */
int fm_nl_parse_extack(const struct nlmsghdr *nlh, struct fm_nl_extack *ext);

/*
 * The attribute of request @req that starts @offset bytes into it: its
 * type and those of the nests around it, outermost first, into @path.
 * Returns the depth, 0 when no attribute starts there.  @hdrlen is the
 * family header's size (GENL_HDRLEN).
 */
size_t fm_nl_attr_path(const struct nlmsghdr *req, size_t hdrlen,
		       uint32_t offset, uint16_t *path, size_t max);

#endif /* FLOWMESH_LIB_GENL_H */
