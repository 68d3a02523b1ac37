// SPDX-License-Identifier: GPL-2.0
#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/flowmesh.h>
#include "fake_nl.h"
#include "nlbuild.h"

static ssize_t fake_nl_send(void *ctx, const void *buf, size_t len)
{
	struct fake_nl *fake = ctx;
	const struct nlmsghdr *nlh = buf;

	assert(len >= NLMSG_HDRLEN + GENL_HDRLEN && len == nlh->nlmsg_len);
	assert(fake->nsent < FAKE_NL_MAX_REQUESTS);
	assert(len <= sizeof(fake->last));
	memcpy(fake->last, buf, len);
	fake->next_at_send[fake->nsent] = fake->next;
	fake->sent[fake->nsent] = *nlh;
	memcpy(&fake->sent_genl[fake->nsent], mnl_nlmsg_get_payload(nlh),
	       sizeof(struct genlmsghdr));
	fake->nsent++;
	fake->seq = nlh->nlmsg_seq;
	return (ssize_t)len;
}

/* Messages built with sequence 0 answer the last request. */
static void fake_nl_stamp(struct fake_nl *fake, void *buf, size_t len)
{
	char *pos = buf, *end = pos + len;
	struct nlmsghdr *nlh;

	while ((size_t)(end - pos) >= NLMSG_HDRLEN) {
		nlh = (struct nlmsghdr *)pos;
		if (nlh->nlmsg_len < NLMSG_HDRLEN ||
		    nlh->nlmsg_len > (size_t)(end - pos))
			break;
		if (!nlh->nlmsg_seq)
			nlh->nlmsg_seq = fake->seq;
		if (NLMSG_ALIGN(nlh->nlmsg_len) >= (size_t)(end - pos))
			break;
		pos += NLMSG_ALIGN(nlh->nlmsg_len);
	}
}

static ssize_t fake_nl_recv(void *ctx, void *buf, size_t len)
{
	struct fake_nl *fake = ctx;
	size_t n;

	if (fake->recv_error)
		return fake->recv_error;
	if (fake->next == fake->ndgrams)
		return 0;
	n = fake->dgrams[fake->next].len;
	assert(n <= len);
	memcpy(buf, fake->dgrams[fake->next].data, n);
	fake->next++;
	fake_nl_stamp(fake, buf, n);
	return (ssize_t)n;
}

/* As the socket does: the next datagram's whole length. */
static ssize_t fake_nl_peek(void *ctx)
{
	struct fake_nl *fake = ctx;

	fake->peeks++;
	if (fake->recv_error)
		return fake->recv_error;
	if (fake->next == fake->ndgrams)
		return 0;
	return (ssize_t)fake->dgrams[fake->next].len;
}

static void fake_nl_close(void *ctx)
{
	struct fake_nl *fake = ctx;

	fake->closed++;
}

static const struct fm_nl_transport fake_transport = {
	.send = fake_nl_send,
	.recv = fake_nl_recv,
	.peek = fake_nl_peek,
	.close = fake_nl_close,
};

void fake_nl_init(struct fake_nl *fake, struct fm_nl *nl)
{
	memset(fake, 0, sizeof(*fake));
	fm_nl_init(nl, &fake_transport, fake, NLB_PORTID, 1000);
	nl->family_id = NLB_FAMILY_ID;
	nl->family_version = FLOWMESH_GENL_VERSION;
}

void fake_nl_queue(struct fake_nl *fake, const void *buf, size_t len)
{
	void *copy = malloc(len ? len : 1);

	assert(copy && fake->ndgrams < FAKE_NL_MAX_DGRAMS);
	memcpy(copy, buf, len);
	fake->dgrams[fake->ndgrams].data = copy;
	fake->dgrams[fake->ndgrams].len = len;
	fake->ndgrams++;
}

void fake_nl_free(struct fake_nl *fake)
{
	size_t i;

	for (i = 0; i < fake->ndgrams; i++)
		free(fake->dgrams[i].data);
	fake->ndgrams = 0;
}
