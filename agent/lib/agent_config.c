// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <linux/flowmesh.h>
#include "lib/agent_config.h"
#include "lib/config.h"

#define MINUTE	60U
#define HOUR	(60 * MINUTE)
#define DAY	(24 * HOUR)

/* the longest line the file may have, newline aside */
#define FM_AGENT_LINE_MAX 4095

#define OFF(field) offsetof(struct fm_agent_config, field)
#define SUN_PATH_MAX (sizeof(((struct sockaddr_un *)0)->sun_path) - 1)

const struct fm_agent_key fm_agent_config_keys[] = {
	{ "database", FM_AGENT_KEY_PATH, OFF(db_path), 0, PATH_MAX - 1,
	  FM_AGENT_DB_PATH, "the SQLite database the metrics are kept in",
	  NULL },
	{ "socket", FM_AGENT_KEY_PATH, OFF(socket_path), 0, SUN_PATH_MAX,
	  FM_AGENT_SOCKET_PATH,
	  "the control socket (status, tap) the CLI connects to", NULL },
	{ "inventory", FM_AGENT_KEY_PATH, OFF(inventory_path), 0,
	  PATH_MAX - 1, FM_AGENT_INVENTORY_PATH,
	  "the node inventory naming local addresses; none: no inventory",
	  "none" },
	{ "http_listen", FM_AGENT_KEY_LISTEN, OFF(http_listen), 0, 0,
	  FM_AGENT_HTTP_LISTEN,
	  "where the HTTP API and Prometheus metrics are served; off: nowhere",
	  "off" },
	{ "window", FM_AGENT_KEY_DURATION, OFF(window_s), 1, MINUTE, "10s",
	  "the finest aggregation window; must divide a minute", NULL },
	{ "grace", FM_AGENT_KEY_DURATION, OFF(grace_s), 0, 300, "5s",
	  "how long after a window ends it is written, for late records",
	  NULL },
	{ "flush_interval", FM_AGENT_KEY_DURATION, OFF(flush_s), 1, 300, "5s",
	  "the longest time between two database commits", NULL },
	{ "retention_window", FM_AGENT_KEY_DURATION, OFF(retain_10s_s),
	  2 * MINUTE, 30 * DAY, "24h",
	  "how long rows of the finest window are kept", NULL },
	{ "retention_minute", FM_AGENT_KEY_DURATION, OFF(retain_1m_s),
	  2 * HOUR, 365 * DAY, "7d", "how long one-minute rows are kept",
	  NULL },
	{ "retention_hour", FM_AGENT_KEY_DURATION, OFF(retain_1h_s),
	  2 * DAY, 3650 * DAY, "30d", "how long one-hour rows are kept",
	  NULL },
	{ "retention_flows", FM_AGENT_KEY_DURATION, OFF(retain_flows_s),
	  MINUTE, 365 * DAY, "24h", "how long closed flows are kept", NULL },
	{ "max_series", FM_AGENT_KEY_COUNT, OFF(max_series), 1, 1000000,
	  "10000",
	  "(client, server) pairs kept per window; records of further pairs are counted, not kept",
	  NULL },
	{ "max_flows", FM_AGENT_KEY_COUNT, OFF(max_flows), 1, 16777216,
	  "262144", "flows the agent keeps state for", NULL },
	{ "netlink_rcvbuf", FM_AGENT_KEY_COUNT, OFF(rcvbuf), 65536,
	  1073741824, "8388608",
	  "the netlink socket's receive buffer, in bytes", NULL },
	{ "tap_rate", FM_AGENT_KEY_COUNT, OFF(tap_rate), 1, 1000000, "1000",
	  "events per second sent to each tap client; the rest are dropped",
	  NULL },
	{ "samples", FM_AGENT_KEY_SAMPLES, OFF(samples), 0, 0, "all",
	  "the samples the kernel is asked for: rtt, response (comma list), all or none",
	  NULL },
	{ "l7", FM_AGENT_KEY_SWITCH, OFF(l7), 0, 1, "on",
	  "whether payload packets are taken from NFQUEUE to detect protocols; off: the module hands none over",
	  NULL },
	{ "detect_packets", FM_AGENT_KEY_COUNT, OFF(detect_packets), 0, 64,
	  "4",
	  "payload packets each way of every new flow the module hands over for detection; 0: none",
	  NULL },
	{ "inspect_one_in", FM_AGENT_KEY_COUNT, OFF(inspect_one_in), 0, 65535,
	  "0",
	  "1 in this many new flows has all its payload inspected for requests; 0: none",
	  NULL },
	/* the four queues Q .. Q + 3 are all queue numbers */
	{ "queue_num", FM_AGENT_KEY_COUNT, OFF(queue_num), 0, 65532, "7000",
	  "the first of the four NFQUEUE queues the module hands packets to",
	  NULL },
	{ "l7_max_flows", FM_AGENT_KEY_COUNT, OFF(l7_max_flows), 1, 16777216,
	  "8192",
	  "flows whose payload the agent follows at once; packets of further flows are accepted, not parsed",
	  NULL },
	{ "l7_max_netns", FM_AGENT_KEY_COUNT, OFF(l7_max_netns), 1, 65536,
	  "256", "network namespaces whose queues the agent binds at once",
	  NULL },
};

const size_t fm_agent_config_nkeys =
	sizeof(fm_agent_config_keys) / sizeof(fm_agent_config_keys[0]);

static const struct fm_agent_key *fm_agent_key_by_name(const char *name)
{
	size_t i;

	for (i = 0; i < fm_agent_config_nkeys; i++)
		if (!strcmp(fm_agent_config_keys[i].name, name))
			return &fm_agent_config_keys[i];
	return NULL;
}

static void *fm_agent_field(struct fm_agent_config *cfg,
			    const struct fm_agent_key *k)
{
	return (char *)cfg + k->offset;
}

static const void *fm_agent_field_c(const struct fm_agent_config *cfg,
				    const struct fm_agent_key *k)
{
	return (const char *)cfg + k->offset;
}

/* -EINVAL for a malformed duration, -ERANGE for one past UINT32_MAX. */
static int fm_duration(const char *s, uint32_t *seconds)
{
	uint64_t v = 0, unit = 1;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	for (; *s >= '0' && *s <= '9'; s++) {
		v = v * 10 + (uint64_t)(*s - '0');
		if (v > UINT32_MAX)
			return -ERANGE;
	}
	switch (*s) {
	case '\0':
		break;
	case 's':
		s++;
		break;
	case 'm':
		unit = MINUTE;
		s++;
		break;
	case 'h':
		unit = HOUR;
		s++;
		break;
	case 'd':
		unit = DAY;
		s++;
		break;
	default:
		return -EINVAL;
	}
	if (*s)
		return -EINVAL;
	if (v * unit > UINT32_MAX)
		return -ERANGE;
	*seconds = (uint32_t)(v * unit);
	return 0;
}

int fm_parse_duration(const char *s, uint32_t *seconds)
{
	return fm_duration(s, seconds) ? -EINVAL : 0;
}

/* In the largest unit that says it exactly, as the file would have it. */
static void fm_duration_str(uint32_t s, char *buf, size_t len)
{
	if (s && !(s % DAY))
		snprintf(buf, len, "%ud", s / DAY);
	else if (s && !(s % HOUR))
		snprintf(buf, len, "%uh", s / HOUR);
	else if (s && !(s % MINUTE))
		snprintf(buf, len, "%um", s / MINUTE);
	else
		snprintf(buf, len, "%us", s);
}

static int fm_agent_bad(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fm_agent_bad(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static int fm_assign_path(const struct fm_agent_key *k, char *field,
			  const char *value, char *err, size_t errlen)
{
	size_t len = strlen(value);

	if (k->off && !strcmp(value, k->off)) {
		field[0] = '\0';
		return 0;
	}
	/* no blanks or '#': a path must read back the same from the file */
	if (value[0] != '/' || strpbrk(value, " \t\r\n\v\f#"))
		return fm_agent_bad(err, errlen,
				    "%s: '%s' is not an absolute path without blanks or '#'%s%s%s",
				    k->name, value, k->off ? " (or " : "",
				    k->off ? k->off : "", k->off ? ")" : "");
	if (len > k->max)
		return fm_agent_bad(err, errlen,
				    "%s: path longer than %u bytes", k->name,
				    k->max);
	memcpy(field, value, len + 1);
	return 0;
}

/* "ADDR:PORT" or "[ADDR6]:PORT"; the port 1 to 65535. */
static int fm_assign_listen(const struct fm_agent_key *k, char *field,
			    const char *value, char *err, size_t errlen)
{
	const char *whole = value;
	char host[INET6_ADDRSTRLEN];
	const char *port, *end;
	unsigned char raw[16];
	size_t hostlen;
	int family;
	long n;

	if (!strcmp(value, k->off)) {
		field[0] = '\0';
		return 0;
	}
	if (value[0] == '[') {
		end = strstr(value, "]:");
		if (!end)
			goto bad;
		family = AF_INET6;
		hostlen = (size_t)(end - value - 1);
		port = end + 2;
		value++;
	} else {
		end = strrchr(value, ':');
		if (!end)
			goto bad;
		family = AF_INET;
		hostlen = (size_t)(end - value);
		port = end + 1;
	}
	if (hostlen >= sizeof(host))
		goto bad;
	memcpy(host, value, hostlen);
	host[hostlen] = '\0';
	if (inet_pton(family, host, raw) != 1)
		goto bad;
	if (!*port || strlen(port) > 5 || strspn(port, "0123456789") !=
	    strlen(port) || (n = strtol(port, NULL, 10)) < 1 || n > 65535)
		return fm_agent_bad(err, errlen,
				    "%s: port '%s' is not a number from 1 to 65535",
				    k->name, port);
	/* the longest form, "[v6]:65535", fits the field */
	strcpy(field, whole);
	return 0;
bad:
	return fm_agent_bad(err, errlen,
			    "%s: '%s' is not ADDR:PORT, [ADDR6]:PORT or %s",
			    k->name, whole, k->off);
}

static int fm_assign_switch(const struct fm_agent_key *k, uint32_t *field,
			    const char *value, char *err, size_t errlen)
{
	if (!strcmp(value, "on"))
		*field = 1;
	else if (!strcmp(value, "off"))
		*field = 0;
	else
		return fm_agent_bad(err, errlen, "%s: '%s' is not on or off",
				    k->name, value);
	return 0;
}

/* A DURATION or COUNT in the key's range into @out. */
static int fm_parse_number(const struct fm_agent_key *k, uint32_t *out,
			   const char *value, char *err, size_t errlen)
{
	char lo[16], hi[16];
	uint32_t v;
	int r;

	if (k->kind == FM_AGENT_KEY_DURATION) {
		r = fm_duration(value, &v);
		if (r == -EINVAL)
			return fm_agent_bad(err, errlen,
					    "%s: '%s' is not a duration (a number, then s, m, h or d)",
					    k->name, value);
		fm_duration_str(k->min, lo, sizeof(lo));
		fm_duration_str(k->max, hi, sizeof(hi));
	} else {
		size_t len = strlen(value);
		uint64_t n = 0;
		size_t i;

		if (!len || strspn(value, "0123456789") != len)
			return fm_agent_bad(err, errlen,
					    "%s: '%s' is not a decimal number",
					    k->name, value);
		r = 0;
		for (i = 0; i < len && !r; i++) {
			n = n * 10 + (uint64_t)(value[i] - '0');
			if (n > UINT32_MAX)
				r = -ERANGE;
		}
		v = (uint32_t)n;
		snprintf(lo, sizeof(lo), "%u", k->min);
		snprintf(hi, sizeof(hi), "%u", k->max);
	}
	if (r || v < k->min || v > k->max)
		return fm_agent_bad(err, errlen,
				    "%s: '%s' is out of range (%s to %s)",
				    k->name, value, lo, hi);
	/* windows tile the minute, so minute rows roll up from whole ones */
	if (k->offset == OFF(window_s) && MINUTE % v)
		return fm_agent_bad(err, errlen,
				    "%s: '%s' does not divide a minute",
				    k->name, value);
	*out = v;
	return 0;
}

int fm_agent_config_assign(struct fm_agent_config *cfg, const char *key,
			   const char *value, char *err, size_t errlen)
{
	const struct fm_agent_key *k = fm_agent_key_by_name(key);

	if (!k)
		return fm_agent_bad(err, errlen, "unknown key '%s'", key);
	if (!*value)
		return fm_agent_bad(err, errlen, "%s: missing value", key);
	switch (k->kind) {
	case FM_AGENT_KEY_PATH:
		return fm_assign_path(k, fm_agent_field(cfg, k), value, err,
				      errlen);
	case FM_AGENT_KEY_LISTEN:
		return fm_assign_listen(k, fm_agent_field(cfg, k), value, err,
					errlen);
	case FM_AGENT_KEY_SAMPLES:
		return fm_samples_parse(k->name, value, fm_agent_field(cfg, k),
					err, errlen);
	case FM_AGENT_KEY_SWITCH:
		return fm_assign_switch(k, fm_agent_field(cfg, k), value, err,
					errlen);
	case FM_AGENT_KEY_DURATION:
	case FM_AGENT_KEY_COUNT:
		break;
	}
	return fm_parse_number(k, fm_agent_field(cfg, k), value, err, errlen);
}

void fm_agent_config_init(struct fm_agent_config *cfg)
{
	char err[256];
	size_t i;

	memset(cfg, 0, sizeof(*cfg));
	for (i = 0; i < fm_agent_config_nkeys; i++) {
		const struct fm_agent_key *k = &fm_agent_config_keys[i];

		/* the defaults are valid values: a unit test sees to that */
		fm_agent_config_assign(cfg, k->name, k->def, err, sizeof(err));
	}
}

int fm_agent_config_check(const struct fm_agent_config *cfg, char *err,
			  size_t errlen)
{
	char a[16], b[16];

	/* rollups read the finer rows of the last hour and the last day */
	if (cfg->retain_10s_s < 2 * MINUTE)
		return fm_agent_bad(err, errlen,
				    "retention_window must be at least 2m");
	if (cfg->retain_1m_s < 2 * HOUR)
		return fm_agent_bad(err, errlen,
				    "retention_minute must be at least 2h");
	if (cfg->retain_1m_s <= cfg->retain_10s_s) {
		fm_duration_str(cfg->retain_1m_s, a, sizeof(a));
		fm_duration_str(cfg->retain_10s_s, b, sizeof(b));
		return fm_agent_bad(err, errlen,
				    "retention_minute (%s) must be longer than retention_window (%s)",
				    a, b);
	}
	if (cfg->retain_1h_s <= cfg->retain_1m_s) {
		fm_duration_str(cfg->retain_1h_s, a, sizeof(a));
		fm_duration_str(cfg->retain_1m_s, b, sizeof(b));
		return fm_agent_bad(err, errlen,
				    "retention_hour (%s) must be longer than retention_minute (%s)",
				    a, b);
	}
	if (cfg->grace_s >= cfg->retain_10s_s) {
		fm_duration_str(cfg->grace_s, a, sizeof(a));
		fm_duration_str(cfg->retain_10s_s, b, sizeof(b));
		return fm_agent_bad(err, errlen,
				    "grace (%s) must be shorter than retention_window (%s)",
				    a, b);
	}
	return 0;
}

static char *fm_trim(char *s)
{
	char *end;

	s += strspn(s, " \t\r\v\f");
	end = s + strlen(s);
	while (end > s && strchr(" \t\r\v\f", end[-1]))
		*--end = '\0';
	return s;
}

/* 0 for a blank or comment line, 1 for a good one, -EINVAL (@msg). */
static int fm_agent_line(char *line, struct fm_agent_config *cfg,
			 unsigned int lineno, unsigned int *seen, char *msg,
			 size_t msglen)
{
	const struct fm_agent_key *k;
	char *hash, *eq, *key, *value;
	size_t i;
	int r;

	hash = strchr(line, '#');
	if (hash)
		*hash = '\0';
	line = fm_trim(line);
	if (!*line)
		return 0;
	eq = strchr(line, '=');
	if (!eq)
		return fm_agent_bad(msg, msglen, "missing '='");
	*eq = '\0';
	key = fm_trim(line);
	value = fm_trim(eq + 1);
	if (!*key)
		return fm_agent_bad(msg, msglen, "missing key before '='");
	k = fm_agent_key_by_name(key);
	if (!k)
		return fm_agent_bad(msg, msglen, "unknown key '%.64s'", key);
	i = (size_t)(k - fm_agent_config_keys);
	if (seen[i])
		return fm_agent_bad(msg, msglen, "%s: already set on line %u",
				    key, seen[i]);
	r = fm_agent_config_assign(cfg, key, value, msg, msglen);
	if (r)
		return r;
	seen[i] = lineno;
	return 1;
}

int fm_agent_config_parse(FILE *in, const char *name,
			  struct fm_agent_config *cfg, FILE *errs)
{
	unsigned int seen[sizeof(fm_agent_config_keys) /
			  sizeof(fm_agent_config_keys[0])] = { 0 };
	unsigned int lineno = 0;
	size_t bufsize = 0;
	char *buf = NULL, msg[512];
	bool bad = false;
	ssize_t len;
	int r;

	while ((len = getline(&buf, &bufsize, in)) >= 0) {
		lineno++;
		if (len && buf[len - 1] == '\n')
			buf[--len] = '\0';
		if (len > FM_AGENT_LINE_MAX)
			r = fm_agent_bad(msg, sizeof(msg),
					 "line longer than %d characters",
					 FM_AGENT_LINE_MAX);
		else if (strlen(buf) != (size_t)len)
			r = fm_agent_bad(msg, sizeof(msg),
					 "NUL byte in the line");
		else
			r = fm_agent_line(buf, cfg, lineno, seen, msg,
					  sizeof(msg));
		if (r < 0) {
			if (errs)
				fprintf(errs, "%s:%u: %s\n", name, lineno, msg);
			bad = true;
		}
	}
	free(buf);
	if (ferror(in))
		return -EIO;
	if (bad)
		return -EINVAL;
	if (fm_agent_config_check(cfg, msg, sizeof(msg))) {
		if (errs)
			fprintf(errs, "%s: %s\n", name, msg);
		return -EINVAL;
	}
	return 0;
}

int fm_agent_config_load(const char *path, struct fm_agent_config *cfg,
			 FILE *errs)
{
	FILE *f = fopen(path, "re");
	int err;

	if (!f)
		return -errno;
	err = fm_agent_config_parse(f, path, cfg, errs);
	fclose(f);
	return err;
}

static void fm_samples_str(uint32_t samples, char *buf, size_t len)
{
	switch (samples & FLOWMESH_SAMPLES_ALL) {
	case 0:
		snprintf(buf, len, "none");
		break;
	case FLOWMESH_SAMPLES_RTT:
		snprintf(buf, len, "rtt");
		break;
	case FLOWMESH_SAMPLES_RESPONSE:
		snprintf(buf, len, "response");
		break;
	default:
		snprintf(buf, len, "all");
		break;
	}
}

void fm_agent_config_print(FILE *out, const struct fm_agent_config *cfg)
{
	char buf[32];
	size_t i;

	for (i = 0; i < fm_agent_config_nkeys; i++) {
		const struct fm_agent_key *k = &fm_agent_config_keys[i];
		const void *field = fm_agent_field_c(cfg, k);
		const char *value = buf;

		switch (k->kind) {
		case FM_AGENT_KEY_PATH:
		case FM_AGENT_KEY_LISTEN:
			value = *(const char *)field ? field : k->off;
			break;
		case FM_AGENT_KEY_DURATION:
			fm_duration_str(*(const uint32_t *)field, buf,
					sizeof(buf));
			break;
		case FM_AGENT_KEY_COUNT:
			snprintf(buf, sizeof(buf), "%u",
				 *(const uint32_t *)field);
			break;
		case FM_AGENT_KEY_SAMPLES:
			fm_samples_str(*(const uint32_t *)field, buf,
				       sizeof(buf));
			break;
		case FM_AGENT_KEY_SWITCH:
			value = *(const uint32_t *)field ? "on" : "off";
			break;
		}
		fprintf(out, "%s = %s\n", k->name, value);
	}
}
