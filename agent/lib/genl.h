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
 * sizes dump messages to the reader's buffer but never beyond 32 KiB.
 */
#define FM_NL_RECV_SIZE		32768

/* A dump that keeps racing with table changes is retried this often. */
#define FM_NL_DUMP_ATTEMPTS	4

/*
 * Where requests go and replies come from.  Both return a byte count or a
 * negative errno; recv returns 0 when no more data will ever arrive.  The
 * socket is one transport; tests plug in canned reply buffers.
 */
struct fm_nl_transport {
	ssize_t (*send)(void *ctx, const void *buf, size_t len);
	ssize_t (*recv)(void *ctx, void *buf, size_t len);
	void (*close)(void *ctx);
};

struct fm_nl {
	const struct fm_nl_transport *transport;
	void *ctx;
	uint32_t portid;
	uint32_t seq;			/* of the last request sent */
	uint16_t family_id;		/* 0 until resolved */
	uint32_t family_version;	/* as the kernel reports it */
};

/* Called for each data message of a reply; returns 0 or a negative errno. */
typedef int (*fm_nl_msg_cb)(const struct nlmsghdr *nlh, void *data);

/* Called before each attempt of a dump, to drop a previous attempt's data. */
typedef void (*fm_nl_restart_cb)(void *data);

int fm_nl_open(struct fm_nl *nl);
void fm_nl_init(struct fm_nl *nl, const struct fm_nl_transport *transport,
		void *ctx, uint32_t portid, uint32_t seq);
void fm_nl_close(struct fm_nl *nl);

/* -ENOENT: the family is not registered, i.e. the module is not loaded. */
int fm_nl_resolve_family(struct fm_nl *nl);

struct fm_genl_family {
	uint16_t id;
	uint32_t version;
};

int fm_genl_parse_family(const struct nlmsghdr *nlh,
			 struct fm_genl_family *family);

/* Starts a request: netlink header plus generic netlink header. */
struct nlmsghdr *fm_genl_msg_start(void *buf, uint16_t type, uint16_t flags,
				   uint8_t cmd, uint8_t version);

/* Sends @nlh and feeds each reply message to @cb until the reply ends. */
int fm_nl_exchange(struct fm_nl *nl, struct nlmsghdr *nlh, fm_nl_msg_cb cb,
		   void *data, bool *interrupted);

/* A "do" command of the flowmesh family, acknowledged. */
int fm_nl_do(struct fm_nl *nl, uint8_t cmd, fm_nl_msg_cb cb, void *data);

/*
 * A dump of the flowmesh family.  A dump the kernel marks NLM_F_DUMP_INTR
 * is read to its end and then run again, after @restart; -EINTR when every
 * one of FM_NL_DUMP_ATTEMPTS was interrupted.
 */
int fm_nl_dump(struct fm_nl *nl, uint8_t cmd, fm_nl_msg_cb cb,
	       fm_nl_restart_cb restart, void *data);

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
};

enum {
	FM_NL_MORE = 0,		/* the reply goes on in the next datagram */
	FM_NL_DONE = 1,		/* NLMSG_DONE or an acknowledgement */
};

/* Walks one received datagram: FM_NL_MORE, FM_NL_DONE or a negative errno. */
int fm_nl_walk(struct fm_nl_reply *reply, const void *buf, size_t len);

#endif /* FLOWMESH_LIB_GENL_H */
