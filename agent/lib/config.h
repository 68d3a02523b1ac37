/* SPDX-License-Identifier: GPL-2.0 */
/* The kernel module's settings: FLOWMESH_CMD_GET_CONFIG / SET_CONFIG. */
#ifndef FLOWMESH_LIB_CONFIG_H
#define FLOWMESH_LIB_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include <linux/flowmesh.h>

struct fm_nl;
struct nlmsghdr;

struct fm_config {
	uint32_t set;		/* bit FLOWMESH_CONFIG_A_x: the value is here */
	uint32_t max_flows;
	uint32_t timeout_tcp_open;
	uint32_t timeout_tcp_established;
	uint32_t timeout_tcp_closing;
	uint32_t timeout_tcp_closed;
	uint32_t timeout_udp;
	uint32_t update_interval;
	uint32_t ring_size;
	uint32_t samples;	/* FLOWMESH_SAMPLES_* */
	uint16_t skip_ports[FLOWMESH_MAX_PORTS];
	size_t nskip_ports;
	uint32_t detect_packets;
	uint32_t inspect_one_in;
	uint32_t queue_num;
	uint16_t opaque_ports[FLOWMESH_MAX_PORTS];
	size_t nopaque_ports;
};

enum fm_config_kind {
	FM_CONFIG_U32,
	FM_CONFIG_SAMPLES,	/* names: rtt, response; all, none */
	FM_CONFIG_PORTS,	/* comma list of ports; none */
};

/* One setting: its attribute, its key (JSON and KEY=VALUE), its meaning. */
struct fm_config_field {
	uint16_t attr;
	const char *name;
	enum fm_config_kind kind;
	size_t offset;		/* of the uint32_t, for FM_CONFIG_U32/SAMPLES */
	const char *unit;	/* "s", "flows", "records", "packets", "" */
	const char *help;
	const char *range;	/* as the kernel checks it */
	const char *def;	/* the module's default */
};

#define FM_CONFIG_NFIELDS 14
extern const struct fm_config_field fm_config_fields[FM_CONFIG_NFIELDS];

static inline bool fm_config_has(const struct fm_config *cfg, uint16_t attr)
{
	return attr < 32 && (cfg->set >> attr & 1);
}

const struct fm_config_field *fm_config_field_by_attr(uint16_t attr);
const struct fm_config_field *fm_config_field_by_name(const char *name);

/*
 * A GET_CONFIG reply: every setting must be there.  0, or -EBADMSG for a
 * message that is not a well-formed configuration.
 */
int fm_config_parse(const struct nlmsghdr *nlh, struct fm_config *cfg);

/* Only the settings present in @cfg. */
json_t *fm_config_to_json(const struct fm_config *cfg);

/* A setting's value as config set takes it: "60", "rtt,response", "none". */
void fm_config_value_str(const struct fm_config *cfg,
			 const struct fm_config_field *field,
			 char *buf, size_t len);

/* FLOWMESH_A_CONFIG with the settings present in @cfg; -EMSGSIZE. */
int fm_config_put(struct nlmsghdr *nlh, size_t buflen,
		  const struct fm_config *cfg);

/*
 * Adds one KEY=VALUE to @cfg, checking its syntax only (ranges beyond the
 * type's are the kernel's to judge).  0, or -EINVAL with the reason in
 * @err, which names the key.
 */
int fm_config_assign(struct fm_config *cfg, const char *arg, char *err,
		     size_t errlen);

/*
 * A samples value: a comma list of rtt and response, or all, or none, as
 * FLOWMESH_SAMPLES_* bits.  0, or -EINVAL with the reason in @msg, which
 * names @key.
 */
int fm_samples_parse(const char *key, const char *value, uint32_t *samples,
		     char *msg, size_t msglen);

int fm_config_get(struct fm_nl *nl, struct fm_config *out);
/* One SET_CONFIG with everything in @cfg: the kernel applies all or none. */
int fm_config_set(struct fm_nl *nl, const struct fm_config *cfg);

#endif /* FLOWMESH_LIB_CONFIG_H */
