/* SPDX-License-Identifier: GPL-2.0 */
/*
 * flowmeshd's settings: /etc/flowmesh/flowmeshd.conf, then command-line
 * overrides.  The file is "key = value" lines, '#' comments, blank lines;
 * every key is in fm_agent_config_keys[] with its meaning and default
 * (docs/agent.md describes them in the same words).  The CLI
 * reads the same file to find the database and the daemon's socket.
 */
#ifndef FLOWMESH_LIB_AGENT_CONFIG_H
#define FLOWMESH_LIB_AGENT_CONFIG_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define FM_AGENT_CONFIG_PATH	"/etc/flowmesh/flowmeshd.conf"
#define FM_AGENT_DB_PATH	"/var/lib/flowmesh/flowmesh.db"
#define FM_AGENT_SOCKET_PATH	"/run/flowmesh/flowmeshd.sock"
#define FM_AGENT_INVENTORY_PATH	"/etc/flowmesh/inventory"
#define FM_AGENT_HTTP_LISTEN	"127.0.0.1:9465"

struct fm_agent_config {
	char db_path[PATH_MAX];
	char socket_path[PATH_MAX];	/* control socket: status, tap */
	char inventory_path[PATH_MAX];	/* "" : no inventory */
	char http_listen[128];		/* "ADDR:PORT", "[ADDR6]:PORT"; "" : off */
	uint32_t window_s;		/* finest window, default 10 */
	uint32_t grace_s;		/* a window is written this long after it ends */
	uint32_t flush_s;		/* commit at least this often */
	uint32_t retain_10s_s;		/* rows of the finest windows: 24 h */
	uint32_t retain_1m_s;		/* 7 d */
	uint32_t retain_1h_s;		/* 30 d */
	uint32_t retain_flows_s;	/* closed flows: 24 h */
	uint32_t max_series;		/* live (client, server) pairs per window */
	uint32_t max_flows;		/* flows the agent keeps state for */
	uint32_t rcvbuf;		/* netlink receive buffer, bytes */
	uint32_t tap_rate;		/* events per second per tap client */
	uint32_t samples;		/* FLOWMESH_SAMPLES_* to ask the kernel for */
	uint32_t l7;			/* 1: consume NFQUEUE, label flows */
	uint32_t detect_packets;	/* the module's, while l7 is on */
	uint32_t inspect_one_in;	/* the module's, while l7 is on */
	uint32_t queue_num;		/* the module's; queues Q .. Q + 3 */
	uint32_t l7_max_flows;		/* flows the L7 engine follows at once */
	uint32_t l7_max_netns;		/* namespaces whose queues are bound */
};

enum fm_agent_key_kind {
	FM_AGENT_KEY_PATH,		/* absolute path, or "" where allowed */
	FM_AGENT_KEY_LISTEN,
	FM_AGENT_KEY_DURATION,		/* 10s, 5m, 24h, 7d; plain seconds */
	FM_AGENT_KEY_COUNT,
	FM_AGENT_KEY_SAMPLES,		/* rtt,response | all | none */
	FM_AGENT_KEY_SWITCH,		/* on | off, a uint32_t 1 or 0 */
};

struct fm_agent_key {
	const char *name;
	enum fm_agent_key_kind kind;
	size_t offset;
	uint32_t min, max;		/* DURATION (seconds) and COUNT;
					 * PATH: max is the longest, bytes */
	const char *def;		/* default, as written in the file */
	const char *help;
	const char *off;		/* PATH, LISTEN: the word for "" */
};

extern const struct fm_agent_key fm_agent_config_keys[];
extern const size_t fm_agent_config_nkeys;

/* The defaults. */
void fm_agent_config_init(struct fm_agent_config *cfg);
/*
 * One "key=value" (the file's lines and --set KEY=VALUE both come here).
 * 0, or -EINVAL with a reason naming the key in @err.
 */
int fm_agent_config_assign(struct fm_agent_config *cfg, const char *key,
			   const char *value, char *err, size_t errlen);
/*
 * Reads the file on top of @cfg.  Each bad line is reported in @errs as
 * "@name:LINE: reason\n"; -EINVAL when any was bad (then @cfg holds the
 * good lines only and must not be used), -errno when the file can't be
 * read.  Checks across keys (e.g. retention longer than a window) too.
 */
int fm_agent_config_parse(FILE *in, const char *name,
			  struct fm_agent_config *cfg, FILE *errs);
int fm_agent_config_load(const char *path, struct fm_agent_config *cfg,
			 FILE *errs);
/* Cross-key checks alone: 0 or -EINVAL with the reason in @err. */
int fm_agent_config_check(const struct fm_agent_config *cfg, char *err,
			  size_t errlen);
/* "key = value" lines of every key, the file's syntax. */
void fm_agent_config_print(FILE *out, const struct fm_agent_config *cfg);
/*
 * "10s", "5m", "24h", "7d", "90": seconds; -EINVAL for anything else
 * (signs, blanks, other units, more than UINT32_MAX seconds).
 */
int fm_parse_duration(const char *s, uint32_t *seconds);

#endif /* FLOWMESH_LIB_AGENT_CONFIG_H */
