// SPDX-License-Identifier: GPL-2.0
/* FLOWMESH_CMD_GET_STATS replies: parsing, JSON, the request. */
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <linux/flowmesh.h>
#include "lib/attr.h"
#include "lib/genl.h"
#include "lib/json.h"
#include "lib/stats.h"

#define FM_STAT(a, field, text) {					\
	.attr = FLOWMESH_STATS_A_##a,					\
	.offset = offsetof(struct fm_stats, field),			\
	.name = #field,							\
	.help = text,							\
}

/* The one list of counters: parser, JSON and the CLI's table follow it. */
const struct fm_stats_field fm_stats_fields[FM_STATS_NFIELDS] = {
	FM_STAT(FLOWS_ACTIVE, flows_active, "flows in the table now"),
	FM_STAT(FLOWS_MAX, flows_max, "most flows the table holds (max_flows)"),
	FM_STAT(FLOWS_CREATED, flows_created, "flows ever inserted"),
	FM_STAT(FLOWS_EXPIRED, flows_expired, "flows removed after being idle"),
	FM_STAT(FLOWS_UNTRACKED, flows_untracked,
		"new flows not tracked: the table was full"),
	FM_STAT(ALLOC_FAILED, alloc_failed, "flow allocations that failed"),
	FM_STAT(PACKETS_SEEN, packets_seen,
		"packets accounted to a flow or counted untracked"),
	FM_STAT(PACKETS_SKIPPED, packets_skipped,
		"packets not accounted: not TCP/UDP, truncated, or fragments"),
};

_Static_assert(sizeof(struct fm_stats) == FM_STATS_NFIELDS * sizeof(uint64_t),
	       "every counter of struct fm_stats is in fm_stats_fields");

static int parse_stats_attr_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;
	uint16_t type = mnl_attr_get_type(attr);

	/* padding, or newer than us: skip */
	if (type < FLOWMESH_STATS_A_FLOWS_ACTIVE || type > FLOWMESH_STATS_A_MAX)
		return MNL_CB_OK;
	if (!fm_attr_scalar_ok(attr, sizeof(uint64_t)))
		return MNL_CB_ERROR;
	tb[type] = attr;
	return MNL_CB_OK;
}

int fm_stats_parse(const struct nlmsghdr *nlh, struct fm_stats *stats)
{
	const struct nlattr *top[FLOWMESH_A_MAX + 1] = { NULL };
	const struct nlattr *tb[FLOWMESH_STATS_A_MAX + 1] = { NULL };
	const struct fm_stats_field *f;
	int err;

	err = fm_genl_parse(nlh, FLOWMESH_CMD_GET_STATS,
			    fm_parse_flowmesh_attr_cb, top);
	if (err)
		return err;
	if (!top[FLOWMESH_A_STATS])
		return -EBADMSG;
	err = fm_attr_parse_nested(top[FLOWMESH_A_STATS], parse_stats_attr_cb,
				   tb);
	if (err)
		return err;
	for (f = fm_stats_fields; f < fm_stats_fields + FM_STATS_NFIELDS; f++)
		if (!tb[f->attr])
			return -EBADMSG;

	for (f = fm_stats_fields; f < fm_stats_fields + FM_STATS_NFIELDS; f++)
		*(uint64_t *)((char *)stats + f->offset) =
			mnl_attr_get_u64(tb[f->attr]);
	return 0;
}

json_t *fm_stats_to_json(const struct fm_stats *stats)
{
	const struct fm_stats_field *f;
	json_t *obj = json_object();

	if (!obj)
		return NULL;
	for (f = fm_stats_fields; f < fm_stats_fields + FM_STATS_NFIELDS; f++) {
		if (json_object_set_new(obj, f->name,
			json_integer(fm_json_uint(fm_stats_value(stats, f))))) {
			json_decref(obj);
			return NULL;
		}
	}
	return obj;
}

struct fm_stats_ctx {
	struct fm_stats *out;
	bool seen;
};

static int fm_stats_cb(const struct nlmsghdr *nlh, void *data)
{
	struct fm_stats_ctx *ctx = data;
	int err;

	err = fm_stats_parse(nlh, ctx->out);
	if (!err)
		ctx->seen = true;
	return err;
}

int fm_stats_get(struct fm_nl *nl, struct fm_stats *out)
{
	struct fm_stats_ctx ctx = { .out = out };
	int err;

	err = fm_nl_do(nl, FLOWMESH_CMD_GET_STATS, fm_stats_cb, &ctx);
	if (err)
		return err;
	/* acknowledged without a reply: not what the contract says */
	return ctx.seen ? 0 : -EBADMSG;
}
