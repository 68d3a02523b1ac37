// SPDX-License-Identifier: GPL-2.0
/* FLOWMESH_CMD_GET_STATS replies: parsing, JSON, the request. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <linux/flowmesh.h>
#include "lib/attr.h"
#include "lib/genl.h"
#include "lib/json.h"
#include "lib/stats.h"

#define FM_STAT(a, field, text, req) {					\
	.attr = FLOWMESH_STATS_A_##a,					\
	.offset = offsetof(struct fm_stats, field),			\
	.name = #field,							\
	.help = text,							\
	.required = req,						\
}

/* The one list of counters: parser, JSON and the CLI's table follow it. */
const struct fm_stats_field fm_stats_fields[FM_STATS_NFIELDS] = {
	FM_STAT(FLOWS_ACTIVE, flows_active, "flows in the table now", true),
	FM_STAT(FLOWS_MAX, flows_max,
		"most flows the table holds (max_flows)", true),
	FM_STAT(FLOWS_CREATED, flows_created, "flows ever inserted", true),
	FM_STAT(FLOWS_EXPIRED, flows_expired,
		"flows removed after being idle for their timeout", true),
	FM_STAT(FLOWS_UNTRACKED, flows_untracked,
		"new flows not tracked: the table was full", true),
	FM_STAT(FLOWS_EVICTED, flows_evicted,
		"closed flows removed early to make room for new ones", false),
	FM_STAT(ALLOC_FAILED, alloc_failed, "flow allocations that failed",
		true),
	FM_STAT(PACKETS_SEEN, packets_seen,
		"packets accounted to a flow or counted untracked", true),
	FM_STAT(PACKETS_SKIPPED, packets_skipped,
		"packets not accounted: not TCP/UDP, truncated, fragments, skip ports",
		true),
	FM_STAT(RECORDS_PRODUCED, records_produced,
		"event records written to the rings", false),
	FM_STAT(RECORDS_DRAINED, records_drained,
		"event records read out of the rings", false),
	FM_STAT(RECORDS_DROPPED, records_dropped,
		"event records lost: their ring was full", false),
	FM_STAT(RECORDS_QUEUED, records_queued,
		"event records waiting in the rings now", false),
	FM_STAT(PACKETS_QUEUED, packets_queued,
		"packets handed to the agent over NFQUEUE for L7 detection", false),
	FM_STAT(LABELS_SET, labels_set,
		"flows labelled with what the agent learned", false),
};

_Static_assert(offsetof(struct fm_stats, present) ==
	       FM_STATS_NFIELDS * sizeof(uint64_t),
	       "every counter of struct fm_stats is in fm_stats_fields");

#define FM_CPU(a, field) {						\
	.attr = FLOWMESH_CPU_A_##a,					\
	.offset = offsetof(struct fm_cpu_stats, field),			\
	.name = #field,							\
}

const struct fm_cpu_field fm_cpu_fields[FM_CPU_NFIELDS] = {
	FM_CPU(RECORDS_PRODUCED, records_produced),
	FM_CPU(RECORDS_DRAINED, records_drained),
	FM_CPU(RECORDS_DROPPED, records_dropped),
	FM_CPU(PACKETS_SEEN, packets_seen),
};

struct fm_stats_tb {
	const struct nlattr *tb[FLOWMESH_STATS_A_MAX + 1];
	struct fm_stats *stats;
	int err;
};

static int parse_cpu_attr_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;
	uint16_t type = mnl_attr_get_type(attr);
	size_t len;

	switch (type) {
	case FLOWMESH_CPU_A_ID:
		len = sizeof(uint32_t);
		break;
	case FLOWMESH_CPU_A_RECORDS_PRODUCED:
	case FLOWMESH_CPU_A_RECORDS_DRAINED:
	case FLOWMESH_CPU_A_RECORDS_DROPPED:
	case FLOWMESH_CPU_A_PACKETS_SEEN:
		len = sizeof(uint64_t);
		break;
	default:
		return MNL_CB_OK;	/* padding, or newer than us: skip */
	}
	if (!fm_attr_scalar_ok(attr, len))
		return MNL_CB_ERROR;
	tb[type] = attr;
	return MNL_CB_OK;
}

/* A CPU nest is new with the rings: all of it is there or it is broken. */
static int fm_cpu_parse(const struct nlattr *nest, struct fm_stats *stats)
{
	const struct nlattr *tb[FLOWMESH_CPU_A_MAX + 1] = { NULL };
	const struct fm_cpu_field *f;
	struct fm_cpu_stats *cpu, *v;

	if (mnl_attr_validate(nest, MNL_TYPE_NESTED) < 0 ||
	    fm_attr_parse_nested(nest, parse_cpu_attr_cb, tb))
		return -EBADMSG;
	if (!tb[FLOWMESH_CPU_A_ID])
		return -EBADMSG;
	for (f = fm_cpu_fields; f < fm_cpu_fields + FM_CPU_NFIELDS; f++)
		if (!tb[f->attr])
			return -EBADMSG;

	v = reallocarray(stats->cpus, stats->ncpus + 1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	stats->cpus = v;
	cpu = &v[stats->ncpus++];
	cpu->cpu = mnl_attr_get_u32(tb[FLOWMESH_CPU_A_ID]);
	for (f = fm_cpu_fields; f < fm_cpu_fields + FM_CPU_NFIELDS; f++)
		*(uint64_t *)((char *)cpu + f->offset) =
			mnl_attr_get_u64(tb[f->attr]);
	return 0;
}

static int parse_stats_attr_cb(const struct nlattr *attr, void *data)
{
	struct fm_stats_tb *ctx = data;
	uint16_t type = mnl_attr_get_type(attr);

	if (type == FLOWMESH_STATS_A_CPU) {
		ctx->err = fm_cpu_parse(attr, ctx->stats);
		return ctx->err ? MNL_CB_ERROR : MNL_CB_OK;
	}
	/* padding, or newer than us: skip */
	if (type < FLOWMESH_STATS_A_FLOWS_ACTIVE || type > FLOWMESH_STATS_A_MAX)
		return MNL_CB_OK;
	if (!fm_attr_scalar_ok(attr, sizeof(uint64_t)))
		return MNL_CB_ERROR;
	ctx->tb[type] = attr;
	return MNL_CB_OK;
}

static int fm_cpu_cmp(const void *a, const void *b)
{
	const struct fm_cpu_stats *x = a, *y = b;

	return x->cpu < y->cpu ? -1 : x->cpu > y->cpu;
}

static int fm_stats_parse_nest(const struct nlattr *nest,
			       struct fm_stats *stats)
{
	struct fm_stats_tb ctx = { .stats = stats };
	const struct fm_stats_field *f;
	size_t i;
	int err;

	err = fm_attr_parse_nested(nest, parse_stats_attr_cb, &ctx);
	if (err)
		return ctx.err ? ctx.err : err;
	for (f = fm_stats_fields; f < fm_stats_fields + FM_STATS_NFIELDS; f++)
		if (f->required && !ctx.tb[f->attr])
			return -EBADMSG;

	for (i = 0; i < FM_STATS_NFIELDS; i++) {
		f = &fm_stats_fields[i];
		if (!ctx.tb[f->attr])
			continue;
		*(uint64_t *)((char *)stats + f->offset) =
			mnl_attr_get_u64(ctx.tb[f->attr]);
		stats->present |= 1u << i;
	}
	if (stats->ncpus > 1)
		qsort(stats->cpus, stats->ncpus, sizeof(*stats->cpus),
		      fm_cpu_cmp);
	return 0;
}

int fm_stats_parse(const struct nlmsghdr *nlh, struct fm_stats *stats)
{
	const struct nlattr *top[FLOWMESH_A_MAX + 1] = { NULL };
	int err;

	memset(stats, 0, sizeof(*stats));
	err = fm_genl_parse(nlh, FLOWMESH_CMD_GET_STATS,
			    fm_parse_flowmesh_attr_cb, top);
	if (err)
		return err;
	if (!top[FLOWMESH_A_STATS])
		return -EBADMSG;
	err = fm_stats_parse_nest(top[FLOWMESH_A_STATS], stats);
	if (err)
		fm_stats_free(stats);
	return err;
}

void fm_stats_free(struct fm_stats *stats)
{
	free(stats->cpus);
	stats->cpus = NULL;
	stats->ncpus = 0;
}

json_t *fm_cpu_stats_to_json(const struct fm_stats *stats)
{
	const struct fm_cpu_field *f;
	json_t *array = json_array(), *obj;
	size_t i;
	int err = 0;

	if (!array)
		return NULL;
	for (i = 0; i < stats->ncpus && !err; i++) {
		obj = json_object();
		if (!obj || json_array_append_new(array, obj)) {
			err = -1;
			break;
		}
		err |= fm_json_put(obj, "cpu", json_integer(stats->cpus[i].cpu));
		for (f = fm_cpu_fields; f < fm_cpu_fields + FM_CPU_NFIELDS; f++)
			err |= fm_json_put(obj, f->name, json_integer(fm_json_uint(
				*(const uint64_t *)((const char *)&stats->cpus[i] +
						    f->offset))));
	}
	if (err) {
		json_decref(array);
		return NULL;
	}
	return array;
}

/* The counters (null when the module does not report one), then "cpus". */
json_t *fm_stats_to_json(const struct fm_stats *stats)
{
	const struct fm_stats_field *f;
	json_t *obj = json_object();
	int err = 0;

	if (!obj)
		return NULL;
	for (f = fm_stats_fields; f < fm_stats_fields + FM_STATS_NFIELDS; f++)
		err |= fm_json_put(obj, f->name,
				   fm_json_uint_or_null(fm_stats_present(stats, f),
							fm_stats_value(stats, f)));
	err |= fm_json_put(obj, "cpus", fm_cpu_stats_to_json(stats));
	if (err) {
		json_decref(obj);
		return NULL;
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

	if (ctx->seen)
		fm_stats_free(ctx->out);	/* one reply is expected */
	err = fm_stats_parse(nlh, ctx->out);
	if (!err)
		ctx->seen = true;
	return err;
}

int fm_stats_get(struct fm_nl *nl, struct fm_stats *out)
{
	struct fm_stats_ctx ctx = { .out = out };
	int err;

	memset(out, 0, sizeof(*out));
	err = fm_nl_do(nl, FLOWMESH_CMD_GET_STATS, fm_stats_cb, &ctx);
	if (err || !ctx.seen) {
		fm_stats_free(out);
		/* acknowledged without a reply: not what the contract says */
		return err ? err : -EBADMSG;
	}
	return 0;
}
