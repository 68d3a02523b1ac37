// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel module's settings: the GET_CONFIG reply, its JSON, the
 * SET_CONFIG request, and KEY=VALUE arguments.  fm_config_fields is the one
 * list of settings; parser, encoder, JSON, tables and help follow it.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/flowmesh.h>
#include "lib/attr.h"
#include "lib/config.h"
#include "lib/genl.h"
#include "lib/json.h"

#define FM_CFG(a, field, kind_, unit_, help_, range_, def_) {		\
	.attr = FLOWMESH_CONFIG_A_##a,					\
	.name = #field,							\
	.kind = kind_,							\
	.offset = offsetof(struct fm_config, field),			\
	.unit = unit_,							\
	.help = help_,							\
	.range = range_,						\
	.def = def_,							\
}

const struct fm_config_field fm_config_fields[FM_CONFIG_NFIELDS] = {
	FM_CFG(MAX_FLOWS, max_flows, FM_CONFIG_U32, "flows",
	       "most flows the table holds; new flows beyond it are counted in flows_untracked",
	       "16 or more",
	       "1 per 16 KiB of RAM, 4096 to 4194304"),
	FM_CFG(TIMEOUT_TCP_OPEN, timeout_tcp_open, FM_CONFIG_U32, "s",
	       "idle time after which a TCP flow still in its handshake is removed",
	       "1 to 2592000", "60"),
	FM_CFG(TIMEOUT_TCP_ESTABLISHED, timeout_tcp_established, FM_CONFIG_U32,
	       "s", "idle time after which an established TCP flow is removed",
	       "1 to 2592000", "7200"),
	FM_CFG(TIMEOUT_TCP_CLOSING, timeout_tcp_closing, FM_CONFIG_U32, "s",
	       "idle time after which a TCP flow that saw a FIN is removed",
	       "1 to 2592000", "120"),
	FM_CFG(TIMEOUT_TCP_CLOSED, timeout_tcp_closed, FM_CONFIG_U32, "s",
	       "idle time after which a TCP flow closed both ways or reset is removed",
	       "1 to 2592000", "10"),
	FM_CFG(TIMEOUT_UDP, timeout_udp, FM_CONFIG_U32, "s",
	       "idle time after which a UDP flow is removed",
	       "1 to 2592000", "60"),
	FM_CFG(UPDATE_INTERVAL, update_interval, FM_CONFIG_U32, "s",
	       "time between update records of an active flow; 0: none",
	       "0 to 86400", "10"),
	FM_CFG(RING_SIZE, ring_size, FM_CONFIG_U32, "records",
	       "event records each CPU's ring holds",
	       "a power of two, 16 to 1048576", "4096"),
	FM_CFG(SAMPLES, samples, FM_CONFIG_SAMPLES, "",
	       "which sample records the rings get: rtt, response",
	       "rtt,response, all or none", "all"),
	FM_CFG(SKIP_PORTS, skip_ports, FM_CONFIG_PORTS, "",
	       "ports whose packets (from or to them) are not tracked",
	       "at most 64 ports, or none", "none"),
	FM_CFG(DETECT_PACKETS, detect_packets, FM_CONFIG_U32, "packets",
	       "payload packets of each direction of every new flow handed to the agent to detect its protocol; 0: no detection",
	       "0 to 64", "4"),
	FM_CFG(INSPECT_ONE_IN, inspect_one_in, FM_CONFIG_U32, "flows",
	       "1 in this many new flows has every payload packet handed to the agent, for per-request metrics; 0: none",
	       "0 to 65535", "0"),
	FM_CFG(QUEUE_NUM, queue_num, FM_CONFIG_U32, "",
	       "first of the 4 NFQUEUE queues packets are handed over on (+0/+1: detection to the server/client, +2/+3: inspection); with no reader they pass untouched",
	       "0 to 65532", "7000"),
	FM_CFG(OPAQUE_PORTS, opaque_ports, FM_CONFIG_PORTS, "",
	       "ports whose flows (from or to them) are tracked but never handed to the agent",
	       "at most 64 ports, or none",
	       "25,587,3306,4444,5432,6379,9300,11211"),
};

_Static_assert(FLOWMESH_CONFIG_A_MAX < 32, "fm_config.set has a bit per type");

static const struct {
	uint32_t bit;
	const char *name;
} fm_sample_names[] = {
	{ FLOWMESH_SAMPLES_RTT, "rtt" },
	{ FLOWMESH_SAMPLES_RESPONSE, "response" },
};

#define FM_NSAMPLE_NAMES (sizeof(fm_sample_names) / sizeof(*fm_sample_names))

const struct fm_config_field *fm_config_field_by_attr(uint16_t attr)
{
	size_t i;

	for (i = 0; i < FM_CONFIG_NFIELDS; i++)
		if (fm_config_fields[i].attr == attr)
			return &fm_config_fields[i];
	return NULL;
}

const struct fm_config_field *fm_config_field_by_name(const char *name)
{
	size_t i;

	for (i = 0; i < FM_CONFIG_NFIELDS; i++)
		if (!strcmp(fm_config_fields[i].name, name))
			return &fm_config_fields[i];
	return NULL;
}

/* The list of a FM_CONFIG_PORTS setting, and where its length is kept. */
static uint16_t *fm_config_ports(struct fm_config *cfg,
				 const struct fm_config_field *f, size_t **n)
{
	if (f->attr == FLOWMESH_CONFIG_A_OPAQUE_PORTS) {
		*n = &cfg->nopaque_ports;
		return cfg->opaque_ports;
	}
	*n = &cfg->nskip_ports;
	return cfg->skip_ports;
}

static const uint16_t *fm_config_ports_value(const struct fm_config *cfg,
					     const struct fm_config_field *f,
					     size_t *n)
{
	if (f->attr == FLOWMESH_CONFIG_A_OPAQUE_PORTS) {
		*n = cfg->nopaque_ports;
		return cfg->opaque_ports;
	}
	*n = cfg->nskip_ports;
	return cfg->skip_ports;
}

static uint32_t *fm_config_u32(struct fm_config *cfg,
			       const struct fm_config_field *f)
{
	return (uint32_t *)((char *)cfg + f->offset);
}

static uint32_t fm_config_u32_value(const struct fm_config *cfg,
				    const struct fm_config_field *f)
{
	return *(const uint32_t *)((const char *)cfg + f->offset);
}

/* --- the GET_CONFIG reply ------------------------------------------------ */

static int parse_config_attr_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;
	uint16_t type = mnl_attr_get_type(attr);
	const struct fm_config_field *f = fm_config_field_by_attr(type);
	size_t len;

	if (!f)
		return MNL_CB_OK;	/* newer than us: skip */
	if (f->kind == FM_CONFIG_PORTS) {
		len = mnl_attr_get_payload_len(attr);
		if (attr->nla_type & NLA_F_NESTED || len % sizeof(uint16_t) ||
		    len > FLOWMESH_MAX_PORTS * sizeof(uint16_t))
			return MNL_CB_ERROR;
	} else if (!fm_attr_scalar_ok(attr, sizeof(uint32_t))) {
		return MNL_CB_ERROR;
	}
	tb[type] = attr;
	return MNL_CB_OK;
}

int fm_config_parse(const struct nlmsghdr *nlh, struct fm_config *cfg)
{
	const struct nlattr *top[FLOWMESH_A_MAX + 1] = { NULL };
	const struct nlattr *tb[FLOWMESH_CONFIG_A_MAX + 1] = { NULL };
	const struct fm_config_field *f;
	const struct nlattr *a;
	int err;

	err = fm_genl_parse(nlh, FLOWMESH_CMD_GET_CONFIG,
			    fm_parse_flowmesh_attr_cb, top);
	if (err)
		return err;
	if (!top[FLOWMESH_A_CONFIG])
		return -EBADMSG;
	err = fm_attr_parse_nested(top[FLOWMESH_A_CONFIG],
				   parse_config_attr_cb, tb);
	if (err)
		return err;
	for (f = fm_config_fields; f < fm_config_fields + FM_CONFIG_NFIELDS; f++)
		if (!tb[f->attr])
			return -EBADMSG;

	memset(cfg, 0, sizeof(*cfg));
	for (f = fm_config_fields; f < fm_config_fields + FM_CONFIG_NFIELDS; f++) {
		a = tb[f->attr];
		if (f->kind == FM_CONFIG_PORTS) {
			size_t *n;
			uint16_t *ports = fm_config_ports(cfg, f, &n);

			*n = mnl_attr_get_payload_len(a) / sizeof(uint16_t);
			memcpy(ports, mnl_attr_get_payload(a),
			       mnl_attr_get_payload_len(a));
		} else {
			*fm_config_u32(cfg, f) = mnl_attr_get_u32(a);
		}
		cfg->set |= 1u << f->attr;
	}
	return 0;
}

/* --- JSON and text --------------------------------------------------------- */

static json_t *fm_samples_json(uint32_t samples)
{
	json_t *array = json_array();
	size_t i;

	if (!array)
		return NULL;
	for (i = 0; i < FM_NSAMPLE_NAMES; i++) {
		if (!(samples & fm_sample_names[i].bit))
			continue;
		if (json_array_append_new(array,
					  json_string(fm_sample_names[i].name))) {
			json_decref(array);
			return NULL;
		}
	}
	return array;
}

static json_t *fm_ports_json(const struct fm_config *cfg,
			     const struct fm_config_field *f)
{
	json_t *array = json_array();
	size_t i, n;
	const uint16_t *ports = fm_config_ports_value(cfg, f, &n);

	if (!array)
		return NULL;
	for (i = 0; i < n; i++) {
		if (json_array_append_new(array, json_integer(ports[i]))) {
			json_decref(array);
			return NULL;
		}
	}
	return array;
}

json_t *fm_config_to_json(const struct fm_config *cfg)
{
	const struct fm_config_field *f;
	json_t *obj = json_object(), *v;
	int err = 0;

	if (!obj)
		return NULL;
	for (f = fm_config_fields; f < fm_config_fields + FM_CONFIG_NFIELDS; f++) {
		if (!fm_config_has(cfg, f->attr))
			continue;
		switch (f->kind) {
		case FM_CONFIG_SAMPLES:
			v = fm_samples_json(fm_config_u32_value(cfg, f));
			break;
		case FM_CONFIG_PORTS:
			v = fm_ports_json(cfg, f);
			break;
		default:
			v = json_integer(fm_config_u32_value(cfg, f));
			break;
		}
		err |= fm_json_put(obj, f->name, v);
	}
	if (err) {
		json_decref(obj);
		return NULL;
	}
	return obj;
}

void fm_config_value_str(const struct fm_config *cfg,
			 const struct fm_config_field *f, char *buf,
			 size_t len)
{
	size_t i, n = 0, nports;
	const uint16_t *ports;
	uint32_t samples;
	int w;

	if (!len)
		return;
	buf[0] = '\0';
	switch (f->kind) {
	case FM_CONFIG_U32:
		snprintf(buf, len, "%u", fm_config_u32_value(cfg, f));
		return;
	case FM_CONFIG_SAMPLES:
		samples = fm_config_u32_value(cfg, f);
		for (i = 0; i < FM_NSAMPLE_NAMES && n < len; i++) {
			if (!(samples & fm_sample_names[i].bit))
				continue;
			w = snprintf(buf + n, len - n, "%s%s", n ? "," : "",
				     fm_sample_names[i].name);
			n += w > 0 ? (size_t)w : 0;
		}
		break;
	case FM_CONFIG_PORTS:
		ports = fm_config_ports_value(cfg, f, &nports);
		for (i = 0; i < nports && n < len; i++) {
			w = snprintf(buf + n, len - n, "%s%u", n ? "," : "",
				     ports[i]);
			n += w > 0 ? (size_t)w : 0;
		}
		break;
	}
	if (!n)
		snprintf(buf, len, "none");
}

/* --- the SET_CONFIG request ------------------------------------------------ */

int fm_config_put(struct nlmsghdr *nlh, size_t buflen,
		  const struct fm_config *cfg)
{
	const struct fm_config_field *f;
	struct nlattr *nest;
	bool ok = true;

	nest = mnl_attr_nest_start_check(nlh, buflen, FLOWMESH_A_CONFIG);
	if (!nest)
		return -EMSGSIZE;
	for (f = fm_config_fields; f < fm_config_fields + FM_CONFIG_NFIELDS && ok;
	     f++) {
		if (!fm_config_has(cfg, f->attr))
			continue;
		if (f->kind == FM_CONFIG_PORTS) {
			size_t n;
			const uint16_t *ports = fm_config_ports_value(cfg, f,
								      &n);

			ok = mnl_attr_put_check(nlh, buflen, f->attr,
						n * sizeof(uint16_t), ports);
		} else {
			ok = mnl_attr_put_u32_check(nlh, buflen, f->attr,
						    fm_config_u32_value(cfg, f));
		}
	}
	if (!ok) {
		mnl_attr_nest_cancel(nlh, nest);
		return -EMSGSIZE;
	}
	mnl_attr_nest_end(nlh, nest);
	return 0;
}

/* --- KEY=VALUE ---------------------------------------------------------------- */

/* Decimal digits only, at most @max: 0, -EINVAL (syntax), -ERANGE. */
static int fm_parse_uint(const char *s, size_t len, uint64_t max,
			 uint64_t *value)
{
	uint64_t v = 0;
	size_t i;

	if (!len)
		return -EINVAL;
	for (i = 0; i < len; i++)
		if (!isdigit((unsigned char)s[i]))
			return -EINVAL;
	for (i = 0; i < len; i++) {
		v = v * 10 + (uint64_t)(s[i] - '0');
		if (v > max)
			return -ERANGE;
	}
	*value = v;
	return 0;
}

static int fm_bad_number(int err, const char *key, const char *s, size_t len,
			 uint64_t max, char *msg, size_t msglen)
{
	if (err == -ERANGE)
		snprintf(msg, msglen, "%s: '%.*s' is out of range (0 to %llu)",
			 key, (int)len, s, (unsigned long long)max);
	else
		snprintf(msg, msglen, "%s: '%.*s' is not a decimal number",
			 key, (int)len, s);
	return -EINVAL;
}

int fm_samples_parse(const char *key, const char *value, uint32_t *samples,
		     char *msg, size_t msglen)
{
	const char *pos = value, *comma;
	size_t i, len;
	uint32_t bits = 0;

	if (!strcmp(value, "none")) {
		*samples = 0;
		return 0;
	}
	if (!strcmp(value, "all")) {
		*samples = FLOWMESH_SAMPLES_ALL;
		return 0;
	}
	for (;;) {
		comma = strchr(pos, ',');
		len = comma ? (size_t)(comma - pos) : strlen(pos);
		for (i = 0; i < FM_NSAMPLE_NAMES; i++)
			if (strlen(fm_sample_names[i].name) == len &&
			    !strncmp(fm_sample_names[i].name, pos, len))
				break;
		if (i == FM_NSAMPLE_NAMES) {
			snprintf(msg, msglen, "%s: unknown sample type '%.*s' (use rtt, response, all or none)",
				 key, (int)len, pos);
			return -EINVAL;
		}
		bits |= fm_sample_names[i].bit;
		if (!comma)
			break;
		pos = comma + 1;
	}
	*samples = bits;
	return 0;
}

static int fm_assign_ports(const char *key, const char *value,
			   uint16_t *ports, size_t *nports, char *msg,
			   size_t msglen)
{
	const char *pos = value, *comma;
	uint64_t port;
	size_t len, n = 0;
	int err;

	if (!strcmp(value, "none")) {
		*nports = 0;
		return 0;
	}
	for (;;) {
		comma = strchr(pos, ',');
		len = comma ? (size_t)(comma - pos) : strlen(pos);
		err = fm_parse_uint(pos, len, UINT16_MAX, &port);
		if (err)
			return fm_bad_number(err, key, pos, len, UINT16_MAX,
					     msg, msglen);
		if (n == FLOWMESH_MAX_PORTS) {
			snprintf(msg, msglen, "%s: more than %d ports", key,
				 FLOWMESH_MAX_PORTS);
			return -EINVAL;
		}
		ports[n++] = (uint16_t)port;
		if (!comma)
			break;
		pos = comma + 1;
	}
	*nports = n;
	return 0;
}

int fm_config_assign(struct fm_config *cfg, const char *arg, char *msg,
		     size_t msglen)
{
	const struct fm_config_field *f;
	const char *eq = strchr(arg, '='), *value;
	uint16_t *ports;
	size_t *nports;
	char key[32];
	uint64_t v;
	int err;

	if (!eq || eq == arg) {
		snprintf(msg, msglen, "expected KEY=VALUE, got '%s'", arg);
		return -EINVAL;
	}
	if ((size_t)(eq - arg) >= sizeof(key)) {
		snprintf(msg, msglen, "unknown key '%.*s'", (int)(eq - arg), arg);
		return -EINVAL;
	}
	memcpy(key, arg, (size_t)(eq - arg));
	key[eq - arg] = '\0';
	value = eq + 1;

	f = fm_config_field_by_name(key);
	if (!f) {
		snprintf(msg, msglen, "unknown key '%s'", key);
		return -EINVAL;
	}
	if (fm_config_has(cfg, f->attr)) {
		snprintf(msg, msglen, "%s: given twice", key);
		return -EINVAL;
	}
	switch (f->kind) {
	case FM_CONFIG_U32:
		err = fm_parse_uint(value, strlen(value), UINT32_MAX, &v);
		if (err)
			return fm_bad_number(err, key, value, strlen(value),
					     UINT32_MAX, msg, msglen);
		*fm_config_u32(cfg, f) = (uint32_t)v;
		break;
	case FM_CONFIG_SAMPLES:
		err = fm_samples_parse(key, value, fm_config_u32(cfg, f), msg,
				       msglen);
		if (err)
			return err;
		break;
	case FM_CONFIG_PORTS:
		ports = fm_config_ports(cfg, f, &nports);
		err = fm_assign_ports(key, value, ports, nports, msg, msglen);
		if (err)
			return err;
		break;
	}
	cfg->set |= 1u << f->attr;
	return 0;
}

/* --- requests --------------------------------------------------------------- */

struct fm_config_ctx {
	struct fm_config *out;
	bool seen;
};

static int fm_config_cb(const struct nlmsghdr *nlh, void *data)
{
	struct fm_config_ctx *ctx = data;
	int err;

	err = fm_config_parse(nlh, ctx->out);
	if (!err)
		ctx->seen = true;
	return err;
}

int fm_config_get(struct fm_nl *nl, struct fm_config *out)
{
	struct fm_config_ctx ctx = { .out = out };
	int err;

	err = fm_nl_do(nl, FLOWMESH_CMD_GET_CONFIG, fm_config_cb, &ctx);
	if (err)
		return err;
	return ctx.seen ? 0 : -EBADMSG;
}

/* Whatever SET_CONFIG answers besides its acknowledgement is not needed. */
static int fm_config_set_cb(const struct nlmsghdr *nlh, void *data)
{
	(void)nlh;
	(void)data;
	return 0;
}

static int fm_config_put_cb(struct nlmsghdr *nlh, size_t buflen,
			    const void *arg)
{
	return fm_config_put(nlh, buflen, arg);
}

int fm_config_set(struct fm_nl *nl, const struct fm_config *cfg)
{
	return fm_nl_do_req(nl, FLOWMESH_CMD_SET_CONFIG, fm_config_put_cb, cfg,
			    fm_config_set_cb, NULL);
}
