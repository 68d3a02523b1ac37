/* SPDX-License-Identifier: GPL-2.0 */
/*
 * flowmeshd: records in (source.h), golden metrics out (aggregate.h) into
 * the store, with a control socket (control.h) and an HTTP API
 * (http.h) beside.  One thread runs the loop and owns the aggregator and
 * the writing store connection; the HTTP thread sees the loop's state only
 * through struct fm_daemon_shared.
 */
#ifndef FLOWMESH_DAEMON_DAEMON_H
#define FLOWMESH_DAEMON_DAEMON_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <syslog.h>

#include <jansson.h>

#include "daemon/aggregate.h"
#include "daemon/nfqueue.h"
#include "lib/agent_config.h"

/* Exit statuses, as --help lists them. */
enum fm_daemon_exit {
	FM_DAEMON_EXIT_OK = 0,
	FM_DAEMON_EXIT_RUNTIME = 1,
	FM_DAEMON_EXIT_USAGE = 2,	/* bad option or configuration */
};

/*
 * One line per event on stderr; with a journal behind stderr each line
 * carries its priority (LOG_ERR, LOG_WARNING, LOG_INFO).
 */
void fm_log(int prio, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* At most FM_LOG_BURST lines per FM_LOG_INTERVAL_MS for one kind of error. */
#define FM_LOG_BURST		5
#define FM_LOG_INTERVAL_MS	60000

struct fm_ratelimit {
	uint64_t start_ms;		/* of the present interval */
	unsigned int printed;
	uint64_t suppressed;
};

void fm_log_limited(struct fm_ratelimit *rl, int prio, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The monotonic clock in ms (intervals), the real one in Unix ns (stamps). */
uint64_t fm_mono_ms(void);
uint64_t fm_real_ns(void);

/* What the loop counts; all since the daemon started. */
struct fm_daemon_counters {
	uint64_t records_read;		/* from the kernel or the file */
	uint64_t records_invalid;	/* file records that did not decode */
	uint64_t drains;		/* DRAIN dumps, or file reads */
	uint64_t drain_errors;
	uint64_t notifications;		/* DATA_READY */
	uint64_t notify_overruns;	/* ENOBUFS: notifications lost */
	uint64_t flush_commits;
	uint64_t flush_failures;	/* rolled back; retried next flush */
	uint64_t tap_events_sent;
	uint64_t tap_events_dropped;	/* rate limit or slow client */
	uint64_t inventory_reloads;
	uint64_t inventory_reload_failures;
};

/* The agent's state as status and /metrics report it: plain data. */
struct fm_daemon_status {
	int pid;
	bool netlink;			/* the source: kernel, or a file */
	uint64_t started_ns;		/* Unix time, ns */
	uint64_t last_flush_ns;		/* 0: none yet */
	struct fm_daemon_counters c;
	struct fm_agg_counters agg;
	struct fm_nfq_counters l7;	/* zero while L7 is off */
	uint64_t database_bytes;
	uint64_t wal_bytes;
	uint64_t tap_clients;
	uint64_t inventory_entries;
	char http_address[80];		/* "" : HTTP is off */
};

/* One number of the status: its name, meaning, place, and kind. */
struct fm_status_field {
	const char *name;
	const char *help;
	size_t offset;			/* of a uint64_t in the status */
	bool gauge;			/* a level, not a count since start */
};

extern const struct fm_status_field fm_status_fields[];
extern const size_t fm_status_nfields;

static inline uint64_t fm_status_value(const struct fm_daemon_status *st,
				       const struct fm_status_field *f)
{
	return *(const uint64_t *)((const char *)st + f->offset);
}

/*
 * The status document: the control socket's reply, GET /api/v1/status
 * and the "agent" object of `flowmesh status -o json`.  NULL: no memory.
 */
json_t *fm_daemon_status_json(const struct fm_daemon_status *st,
			      const struct fm_agent_config *cfg,
			      uint64_t now_ns);

/* What the HTTP thread may read, under @lock. */
struct fm_daemon_shared {
	pthread_mutex_t lock;
	struct fm_daemon_status status;
	struct fm_edge_totals *totals;	/* after the last flush */
	size_t ntotals;
};

struct fm_daemon;

/*
 * Starts everything (see docs/agent.md, "Running flowmeshd"): @source is
 * NULL for the kernel, else a file or "-".  Returns an fm_daemon_exit:
 * anything but 0 means *@out is NULL and the reason was logged.
 */
int fm_daemon_start(struct fm_daemon **out, const struct fm_agent_config *cfg,
		    const char *source);
/* Runs until SIGTERM, SIGINT or the end of a file; an fm_daemon_exit. */
int fm_daemon_run(struct fm_daemon *d);
/* Graceful stop: the last records drained, flushed and committed. */
int fm_daemon_stop(struct fm_daemon *d);

#endif /* FLOWMESH_DAEMON_DAEMON_H */
