// SPDX-License-Identifier: GPL-2.0
/*
 * flowmeshd's loop.  One epoll set waits on: the source (DATA_READY
 * notifications, or a pipe), signals (signalfd), a one-second timer, and
 * the control socket.  Records go to the aggregator (and to tap clients);
 * every flush_interval the windows the aggregator is done with go to the
 * store in one transaction, with closed flows and the live flows' state,
 * so a restart resumes without counting anything twice.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <systemd/sd-daemon.h>
#include "daemon/control.h"
#include "daemon/daemon.h"
#include "daemon/http.h"
#include "daemon/source.h"
#include "lib/config.h"
#include "lib/flow.h"
#include "lib/inventory.h"
#include "lib/json.h"
#include "lib/label.h"
#include "lib/store.h"

/* --- logging ----------------------------------------------------------------- */

uint64_t fm_mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

uint64_t fm_real_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000 + (uint64_t)ts.tv_nsec;
}

static void fm_vlog(int prio, const char *fmt, va_list ap)
{
	/* the journal reads "<N>" as the line's priority; a terminal a name */
	if (getenv("JOURNAL_STREAM"))
		fprintf(stderr, "<%d>", prio);
	else
		fputs("flowmeshd: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void fm_log(int prio, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fm_vlog(prio, fmt, ap);
	va_end(ap);
}

void fm_log_limited(struct fm_ratelimit *rl, int prio, const char *fmt, ...)
{
	uint64_t now = fm_mono_ms();
	va_list ap;

	if (!rl->start_ms || now - rl->start_ms >= FM_LOG_INTERVAL_MS) {
		if (rl->suppressed)
			fm_log(prio, "%" PRIu64 " similar message(s) suppressed",
			       rl->suppressed);
		rl->start_ms = now;
		rl->printed = 0;
		rl->suppressed = 0;
	}
	if (rl->printed >= FM_LOG_BURST) {
		rl->suppressed++;
		return;
	}
	rl->printed++;
	va_start(ap, fmt);
	fm_vlog(prio, fmt, ap);
	va_end(ap);
}

/* --- status --------------------------------------------------------------------- */

#define FM_C(field) offsetof(struct fm_daemon_status, c.field)
#define FM_A(field) offsetof(struct fm_daemon_status, agg.field)
#define FM_S(field) offsetof(struct fm_daemon_status, field)
#define FM_L(field) offsetof(struct fm_daemon_status, l7.field)

const struct fm_status_field fm_status_fields[] = {
	{ "records_read", "Records read from the kernel (or the file).",
	  FM_C(records_read), false },
	{ "records_invalid", "File records that did not decode, skipped.",
	  FM_C(records_invalid), false },
	{ "drains", "DRAIN dumps (or file reads).", FM_C(drains), false },
	{ "drain_errors", "Drains (or reads) that failed.",
	  FM_C(drain_errors), false },
	{ "notifications", "DATA_READY notifications received.",
	  FM_C(notifications), false },
	{ "notify_overruns",
	  "Times notifications were lost (ENOBUFS); each is followed by a drain.",
	  FM_C(notify_overruns), false },
	{ "flush_commits", "Flushes committed to the store.",
	  FM_C(flush_commits), false },
	{ "flush_failures",
	  "Flushes rolled back; their data is written by the next flush.",
	  FM_C(flush_failures), false },
	{ "tap_events_sent", "Events sent to tap clients.",
	  FM_C(tap_events_sent), false },
	{ "tap_events_dropped",
	  "Events not sent to a tap client: its rate limit, or it read too slowly.",
	  FM_C(tap_events_dropped), false },
	{ "inventory_reloads", "Inventory reloads (SIGHUP) that succeeded.",
	  FM_C(inventory_reloads), false },
	{ "inventory_reload_failures",
	  "Inventory reloads refused; the previous inventory stays.",
	  FM_C(inventory_reload_failures), false },
	{ "records_aggregated", "Records fed to the aggregator.",
	  FM_A(records), false },
	{ "open_records", "OPEN records aggregated.", FM_A(opens), false },
	{ "update_records", "UPDATE records aggregated.", FM_A(updates), false },
	{ "close_records", "CLOSE records aggregated.", FM_A(closes), false },
	{ "rtt_samples", "RTT samples aggregated.", FM_A(rtt_samples), false },
	{ "response_samples", "Response time samples aggregated.",
	  FM_A(response_samples), false },
	{ "duplicate_records",
	  "Records of a connection already counted from another namespace.",
	  FM_A(duplicates), false },
	{ "unknown_type_records", "Records of types this agent does not know.",
	  FM_A(unknown_type), false },
	{ "series_overflow_records",
	  "Records lost: no room for another edge in the window (max_series).",
	  FM_A(series_overflow), false },
	{ "flows_overflow_records",
	  "Records lost: no room for another live flow (max_flows).",
	  FM_A(flows_overflow), false },
	{ "late_records",
	  "Records whose window was already written: merged into the stored row.",
	  FM_A(late), false },
	{ "stale_records",
	  "Records drained after a newer one of their flow (another CPU's ring) or after its close: samples counted, totals already in.",
	  FM_A(stale), false },
	{ "alloc_failure_records",
	  "Records (and L7 requests) lost: out of memory.",
	  FM_A(alloc_failures), false },
	{ "totals_overflow_records",
	  "Records whose edge had no room in the per-edge totals (max_series).",
	  FM_A(totals_overflow), false },
	{ "requests", "L7 requests of inspected flows handed to the aggregator.",
	  FM_A(requests), false },
	{ "request_duplicates",
	  "L7 requests of a connection counted from another namespace.",
	  FM_A(request_duplicates), false },
	{ "request_overflow",
	  "L7 requests lost: no room for their edge or connection (max_series, max_flows).",
	  FM_A(request_overflow), false },
	{ "routes_overflow",
	  "L7 requests counted in their edge but not their route: no room for another route (max_series).",
	  FM_A(routes_overflow), false },
	{ "live_flows", "Flows the agent keeps state for.", FM_A(live_flows),
	  true },
	{ "open_windows", "Windows in memory, not yet written.",
	  FM_A(open_windows), true },
	{ "tap_clients", "Tap clients connected.", FM_S(tap_clients), true },
	{ "inventory_entries", "Entries of the inventory in use.",
	  FM_S(inventory_entries), true },
	{ "l7_packets",
	  "Payload packets read from NFQUEUE, each accepted before it was parsed.",
	  FM_L(packets), false },
	{ "l7_verdict_batches", "Batch verdicts (NF_ACCEPT) sent to NFQUEUE.",
	  FM_L(verdict_batches), false },
	{ "l7_enobufs",
	  "Times a queue socket overran (ENOBUFS): packets the agent missed, accepted by fail-open.",
	  FM_L(enobufs), false },
	{ "l7_flows", "Flows whose payload the agent follows.", FM_L(flows),
	  true },
	{ "l7_flows_expired", "Followed flows forgotten after 60 s idle.",
	  FM_L(flows_expired), false },
	{ "l7_flows_overflow",
	  "Packets of flows not followed: l7_max_flows were followed.",
	  FM_L(flows_overflow), false },
	{ "l7_labels_sent", "Flow labels the module took (SET_LABEL).",
	  FM_L(labels_sent), false },
	{ "l7_labels_enoent",
	  "Flow labels for flows the module no longer tracked.",
	  FM_L(labels_enoent), false },
	{ "l7_netns_watched", "Network namespaces whose queues are bound.",
	  FM_L(netns_watched), true },
	{ "l7_netns_failed",
	  "Network namespaces not watched (not found, refused, l7_max_netns) or dropped on a socket error.",
	  FM_L(netns_failed), false },
	{ "database_bytes", "Size of the database file, bytes.",
	  FM_S(database_bytes), true },
	{ "wal_bytes", "Size of the database's write-ahead log, bytes.",
	  FM_S(wal_bytes), true },
};

const size_t fm_status_nfields = sizeof(fm_status_fields) /
				 sizeof(*fm_status_fields);

static json_t *fm_settings_json(const struct fm_agent_config *cfg)
{
	const struct fm_config_field *samples = fm_config_field_by_name("samples");
	const struct fm_agent_key *k;
	json_t *obj = json_object();
	struct fm_config kc = { 0 };
	const char *s;
	uint32_t u;
	char buf[64];
	size_t i;
	int err = 0;

	if (!obj)
		return NULL;
	for (i = 0; i < fm_agent_config_nkeys; i++) {
		k = &fm_agent_config_keys[i];
		switch (k->kind) {
		case FM_AGENT_KEY_PATH:
		case FM_AGENT_KEY_LISTEN:
			s = (const char *)cfg + k->offset;
			err |= fm_json_put(obj, k->name, *s ? json_string(s) :
					   json_null());
			break;
		case FM_AGENT_KEY_DURATION:
		case FM_AGENT_KEY_COUNT:
			memcpy(&u, (const char *)cfg + k->offset, sizeof(u));
			err |= fm_json_put(obj, k->name, json_integer(u));
			break;
		case FM_AGENT_KEY_SAMPLES:
			memcpy(&kc.samples, (const char *)cfg + k->offset,
			       sizeof(kc.samples));
			fm_config_value_str(&kc, samples, buf, sizeof(buf));
			err |= fm_json_put(obj, k->name, json_string(buf));
			break;
		case FM_AGENT_KEY_SWITCH:
			memcpy(&u, (const char *)cfg + k->offset, sizeof(u));
			err |= fm_json_put(obj, k->name,
					   json_string(u ? "on" : "off"));
			break;
		}
	}
	if (err) {
		json_decref(obj);
		return NULL;
	}
	return obj;
}

json_t *fm_daemon_status_json(const struct fm_daemon_status *st,
			      const struct fm_agent_config *cfg,
			      uint64_t now_ns)
{
	const struct fm_status_field *f;
	json_t *obj = json_object();
	int err = 0;

	if (!obj)
		return NULL;
	err |= fm_json_put(obj, "version", json_string(FLOWMESH_VERSION));
	err |= fm_json_put(obj, "pid", json_integer(st->pid));
	err |= fm_json_put(obj, "source",
			   json_string(st->netlink ? "netlink" : "file"));
	err |= fm_json_put(obj, "started", json_real(fm_json_seconds(st->started_ns)));
	err |= fm_json_put(obj, "uptime_s", json_integer(fm_json_uint(
		now_ns > st->started_ns ?
		(now_ns - st->started_ns) / 1000000000 : 0)));
	err |= fm_json_put(obj, "last_flush", st->last_flush_ns ?
			   json_real(fm_json_seconds(st->last_flush_ns)) :
			   json_null());
	err |= fm_json_put(obj, "http", st->http_address[0] ?
			   json_string(st->http_address) : json_null());
	for (f = fm_status_fields; f < fm_status_fields + fm_status_nfields;
	     f++)
		err |= fm_json_put(obj, f->name, json_integer(
			fm_json_uint(fm_status_value(st, f))));
	err |= fm_json_put(obj, "settings", fm_settings_json(cfg));
	if (err) {
		json_decref(obj);
		return NULL;
	}
	return obj;
}

/* --- the daemon ------------------------------------------------------------------ */

/* A wake-up: drain at most this many batches before looking around. */
#define FM_DAEMON_DRAIN_BATCHES	64
/* On stop, drain at most this many: a busy kernel never runs dry. */
#define FM_DAEMON_STOP_DRAINS	1024
#define FM_DAEMON_EXPIRE_MS	60000

enum fm_watch {
	FM_WATCH_SOURCE = 1,
	FM_WATCH_SIGNAL,
	FM_WATCH_TIMER,
	FM_WATCH_CONTROL,
	FM_WATCH_NFQ,
};

struct fm_daemon {
	struct fm_agent_config cfg;
	struct fm_store *store;
	struct fm_inventory inventory;
	bool have_inventory;
	struct fm_identity_map ids;
	struct fm_aggregator *agg;
	struct fm_source src;
	bool src_open;
	struct fm_control *ctl;
	struct fm_http *http;
	struct fm_nfq *nfq;		/* NULL: L7 is off */
	struct fm_daemon_shared shared;
	int epfd, sigfd, timerfd;

	struct fm_daemon_status st;	/* the loop's own, copied to shared */
	uint64_t now_ms;
	uint64_t last_flush_ms;
	uint64_t last_expire_ms;
	uint64_t newest_ns;		/* latest record time seen */
	bool more;			/* the source has more right now */
	bool stop;
	bool read_failed;		/* the source broke: stop with 1 */
	char wal_path[PATH_MAX + 8];

	struct fm_ratelimit rl_drain, rl_flush, rl_notify;
};

static int fm_daemon_on_record(const struct flowmesh_record *rec, void *data)
{
	struct fm_daemon *d = data;

	d->st.c.records_read++;
	if (rec->time_ns > d->newest_ns)
		d->newest_ns = rec->time_ns;
	/* payload of the namespace's flows is queued there: bind its queues */
	if (d->nfq)
		fm_nfq_saw_netns(d->nfq, rec->netns, d->now_ms);
	/* a record the aggregator has no room for is counted there */
	fm_agg_record(d->agg, rec);
	if (fm_control_tapping(d->ctl))
		fm_control_tap(d->ctl, rec, d->now_ms);
	return 0;
}

static void fm_daemon_fill_status(struct fm_daemon *d)
{
	struct fm_control_counters cc = { 0 };
	struct stat sb;

	d->st.agg = *fm_agg_counters(d->agg);
	if (d->ctl)
		fm_control_counters(d->ctl, &cc);
	d->st.c.tap_events_sent = cc.tap_sent;
	d->st.c.tap_events_dropped = cc.tap_dropped;
	d->st.tap_clients = cc.taps;
	d->st.c.records_invalid = d->src.invalid;
	if (d->nfq)
		fm_nfq_counters(d->nfq, &d->st.l7);
	d->st.inventory_entries = d->have_inventory ? d->inventory.len : 0;
	d->st.database_bytes = stat(d->cfg.db_path, &sb) ? 0 :
			       (uint64_t)sb.st_size;
	d->st.wal_bytes = stat(d->wal_path, &sb) ? 0 : (uint64_t)sb.st_size;
}

static void fm_daemon_publish(struct fm_daemon *d)
{
	fm_daemon_fill_status(d);
	pthread_mutex_lock(&d->shared.lock);
	d->shared.status = d->st;
	pthread_mutex_unlock(&d->shared.lock);
}

static json_t *fm_daemon_status_cb(void *ctx)
{
	struct fm_daemon *d = ctx;

	fm_daemon_fill_status(d);
	return fm_daemon_status_json(&d->st, &d->cfg, fm_real_ns());
}

/* Reads what the source has; sets d->more when it stopped short. */
static int fm_daemon_drain(struct fm_daemon *d, unsigned int max)
{
	unsigned int i;
	size_t n;
	int err;

	d->more = false;
	for (i = 0; i < max; i++) {
		d->st.c.drains++;
		err = fm_source_read(&d->src, fm_daemon_on_record, d, &n);
		if (err) {
			d->st.c.drain_errors++;
			fm_log_limited(&d->rl_drain, LOG_ERR, "%s: %s",
				       d->src.netlink ? "draining the kernel's records" :
				       "reading the records file",
				       strerror(-err));
			if (!d->src.netlink) {
				d->read_failed = true;
				d->stop = true;
			}
			return err;
		}
		if (d->src.eof) {
			d->stop = true;
			return 0;
		}
		/* a pipe is read once per wake-up: epoll says when again */
		if (!n || (!d->src.netlink && d->src.pollable))
			return 0;
	}
	d->more = true;
	return 0;
}

/* --- flushing --------------------------------------------------------------------- */

static int fm_sink_window(void *ctx, const struct fm_window_row *row)
{
	return fm_store_put_window(ctx, row);
}

static int fm_sink_route(void *ctx, const struct fm_route_row *row)
{
	return fm_store_put_route(ctx, row);
}

static int fm_sink_flow(void *ctx, const struct fm_flow_row *row)
{
	return fm_store_put_flow(ctx, row);
}

static int fm_sink_live(void *ctx, const struct fm_live_flow *lf)
{
	return fm_store_put_live(ctx, lf);
}

static int fm_sink_live_gone(void *ctx, uint64_t flow_id)
{
	return fm_store_del_live(ctx, flow_id);
}

static void fm_daemon_snapshot_totals(struct fm_daemon *d)
{
	struct fm_edge_totals *totals = NULL;
	size_t n = 0;

	if (fm_agg_totals(d->agg, &totals, &n))
		return;	/* the previous snapshot stays */
	pthread_mutex_lock(&d->shared.lock);
	free(d->shared.totals);
	d->shared.totals = totals;
	d->shared.ntotals = n;
	pthread_mutex_unlock(&d->shared.lock);
}

static int fm_daemon_flush(struct fm_daemon *d, bool all)
{
	const struct fm_agg_sink sink = {
		.window = fm_sink_window,
		.route = fm_sink_route,
		.flow_closed = fm_sink_flow,
		.live = fm_sink_live,
		.live_gone = fm_sink_live_gone,
		.ctx = d->store,
	};
	const struct fm_retention keep = {
		.fine_s = d->cfg.retain_10s_s,
		.minute_s = d->cfg.retain_1m_s,
		.hour_s = d->cfg.retain_1h_s,
		.flows_s = d->cfg.retain_flows_s,
	};
	uint64_t now_ns = fm_real_ns(), now_s = now_ns / 1000000000;
	uint64_t lag = (uint64_t)d->cfg.grace_s + d->cfg.window_s;
	/*
	 * Live records are stamped as they happen, so the wall clock says
	 * which windows are complete.  Replayed records are not: there the
	 * records' own time does, or a minute would roll up before the
	 * rest of its records were read.
	 */
	uint64_t data_ns = d->src.netlink ? now_ns : d->newest_ns;
	uint64_t data_s = data_ns / 1000000000;
	bool expire = !d->last_expire_ms ||
		      d->now_ms - d->last_expire_ms >= FM_DAEMON_EXPIRE_MS;
	const char *doing = "beginning a transaction";
	int err;

	d->last_flush_ms = d->now_ms;
	err = fm_store_begin(d->store);
	if (!err) {
		doing = "writing windows";
		err = fm_agg_flush(d->agg, data_ns, all, &sink);
	}
	if (!err) {
		/* only minutes whose every window was written roll up */
		doing = "rolling windows up";
		err = fm_store_rollup(d->store, d->cfg.window_s,
				      data_s > lag ? data_s - lag : 0);
	}
	if (!err && expire) {
		doing = "expiring old rows";
		err = fm_store_expire(d->store, &keep, now_s);
	}
	if (!err) {
		doing = "committing";
		err = fm_store_commit(d->store);
	}
	if (err) {
		fm_store_rollback(d->store);
		d->st.c.flush_failures++;
		fm_log_limited(&d->rl_flush, LOG_ERR,
			       "flush failed %s: %s (%s); retried at the next flush",
			       doing, strerror(-err), fm_store_errmsg(d->store));
		return err;
	}
	if (expire)
		d->last_expire_ms = d->now_ms;
	d->st.c.flush_commits++;
	d->st.last_flush_ns = now_ns;
	err = fm_store_checkpoint(d->store);
	if (err)
		fm_log_limited(&d->rl_flush, LOG_WARNING, "WAL checkpoint: %s (%s)",
			       strerror(-err), fm_store_errmsg(d->store));
	fm_daemon_snapshot_totals(d);
	return 0;
}

/* --- events ------------------------------------------------------------------------ */

static void fm_daemon_reload(struct fm_daemon *d)
{
	struct fm_identity_source src;
	struct fm_inventory fresh = { 0 };
	const char *path = d->cfg.inventory_path;
	int err;

	if (!path[0]) {
		fm_log(LOG_INFO, "SIGHUP: no inventory is configured; nothing to reload");
		return;
	}
	err = fm_inventory_load(path, &fresh, stderr);
	if (err) {
		d->st.c.inventory_reload_failures++;
		fm_log(LOG_ERR, "SIGHUP: %s: %s; keeping the previous inventory (%zu entries)",
		       path, err == -EINVAL ? "bad lines (above)" : strerror(-err),
		       d->have_inventory ? d->inventory.len : (size_t)0);
		return;
	}
	/* the identity source points at d->inventory: swap the contents */
	fm_inventory_free(&d->inventory);
	d->inventory = fresh;
	if (!d->have_inventory) {
		fm_inventory_source(&d->inventory, &src);
		fm_identity_add_source(&d->ids, &src);
		d->have_inventory = true;
	}
	d->st.c.inventory_reloads++;
	fm_log(LOG_INFO, "SIGHUP: inventory %s reloaded: %zu entries", path,
	       d->inventory.len);
}

static void fm_daemon_on_signal(struct fm_daemon *d)
{
	struct signalfd_siginfo si;

	while (read(d->sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGHUP) {
			fm_daemon_reload(d);
		} else {
			fm_log(LOG_INFO, "%s: stopping", strsignal((int)si.ssi_signo));
			d->stop = true;
		}
	}
}

static void fm_daemon_on_notify(struct fm_daemon *d)
{
	struct fm_notify_seen seen = { 0 };
	int err;

	err = fm_notify_read(&d->src.notify, &seen);
	if (err)
		fm_log_limited(&d->rl_notify, LOG_ERR, "reading notifications: %s",
			       strerror(-err));
	d->st.c.notifications += seen.ready;
	d->st.c.notify_overruns += seen.overruns;
	/* lost or garbled news is news too: drain rather than guess */
	if (err || seen.ready || seen.overruns || seen.garbled)
		fm_daemon_drain(d, FM_DAEMON_DRAIN_BATCHES);
}

static void fm_daemon_on_tick(struct fm_daemon *d)
{
	uint64_t ticks;

	while (read(d->timerfd, &ticks, sizeof(ticks)) == (ssize_t)sizeof(ticks))
		;
	/* the safety net for notifications that never came */
	if (d->src.netlink)
		fm_daemon_drain(d, FM_DAEMON_DRAIN_BATCHES);
	if (d->ctl)
		fm_control_tick(d->ctl, d->now_ms);
	if (d->nfq)
		fm_nfq_tick(d->nfq, d->now_ms);
	if (d->now_ms - d->last_flush_ms >= (uint64_t)d->cfg.flush_s * 1000)
		fm_daemon_flush(d, false);
	fm_daemon_publish(d);
}

int fm_daemon_run(struct fm_daemon *d)
{
	struct epoll_event ev[8];
	int n, i;

	d->last_flush_ms = fm_mono_ms();
	while (!d->stop) {
		n = epoll_wait(d->epfd, ev, 8, d->more ? 0 : -1);
		if (n < 0 && errno != EINTR) {
			fm_log(LOG_ERR, "epoll_wait: %s", strerror(errno));
			d->read_failed = true;
			break;
		}
		d->now_ms = fm_mono_ms();
		for (i = 0; i < n && !d->stop; i++) {
			switch (ev[i].data.u32) {
			case FM_WATCH_SOURCE:
				if (d->src.netlink)
					fm_daemon_on_notify(d);
				else
					fm_daemon_drain(d, 1);
				break;
			case FM_WATCH_SIGNAL:
				fm_daemon_on_signal(d);
				break;
			case FM_WATCH_TIMER:
				fm_daemon_on_tick(d);
				break;
			case FM_WATCH_CONTROL:
				fm_control_handle(d->ctl, d->now_ms);
				break;
			case FM_WATCH_NFQ:
				fm_nfq_handle(d->nfq, d->now_ms);
				break;
			}
		}
		if (d->more && !d->stop)
			fm_daemon_drain(d, FM_DAEMON_DRAIN_BATCHES);
	}
	return d->read_failed ? FM_DAEMON_EXIT_RUNTIME : FM_DAEMON_EXIT_OK;
}

/* --- start and stop ------------------------------------------------------------------ */

static int fm_daemon_watch(struct fm_daemon *d, int fd, enum fm_watch what)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u32 = what };

	return epoll_ctl(d->epfd, EPOLL_CTL_ADD, fd, &ev) ? -errno : 0;
}

static int fm_daemon_restore_cb(const struct fm_live_flow *lf, void *data)
{
	int err = fm_agg_restore(data, lf);

	/* beyond max_flows, or stored twice: counted there, not fatal */
	return err == -ENOMEM ? err : 0;
}

static int fm_daemon_open_store(struct fm_daemon *d)
{
	char err[FM_STORE_ERR_MAX];
	int ret;

	ret = fm_mkdir_parent(d->cfg.db_path, 0750);
	if (ret) {
		fm_log(LOG_ERR, "cannot create the directory of %s: %s",
		       d->cfg.db_path, strerror(-ret));
		return ret;
	}
	ret = fm_store_open(&d->store, d->cfg.db_path, FM_STORE_WRITE, err,
			    sizeof(err));
	if (ret) {
		d->store = NULL;
		fm_log(LOG_ERR, "%s: %s", d->cfg.db_path, err);
		return ret;
	}
	snprintf(d->wal_path, sizeof(d->wal_path), "%s-wal", d->cfg.db_path);
	return 0;
}

static int fm_daemon_open_inventory(struct fm_daemon *d)
{
	const char *path = d->cfg.inventory_path;
	struct fm_identity_source src;
	int ret;

	if (!path[0])
		return 0;
	ret = fm_inventory_load(path, &d->inventory, stderr);
	if (ret == -ENOENT && !strcmp(path, FM_AGENT_INVENTORY_PATH)) {
		fm_log(LOG_INFO, "no inventory at %s: services are named by their addresses",
		       path);
		return 0;
	}
	if (ret) {
		fm_log(LOG_ERR, "%s: %s", path, ret == -EINVAL ?
		       "the inventory has bad lines (above)" : strerror(-ret));
		return ret;
	}
	fm_inventory_source(&d->inventory, &src);
	ret = fm_identity_add_source(&d->ids, &src);
	if (ret)
		return ret;
	d->have_inventory = true;
	fm_log(LOG_INFO, "inventory %s: %zu entries", path, d->inventory.len);
	return 0;
}

/* Restored flows the kernel no longer has are forgotten. */
static void fm_daemon_confirm_flows(struct fm_daemon *d)
{
	struct fm_flows flows = { 0 };
	size_t i;
	int err;

	err = fm_flow_dump(&d->src.nl, NULL, &flows);
	if (err) {
		fm_log(LOG_WARNING, "listing the kernel's flows: %s; keeping every restored flow",
		       strerror(-err));
		return;
	}
	for (i = 0; i < flows.len; i++)
		if (fm_flow_has(&flows.v[i], FLOWMESH_FLOW_A_ID))
			fm_agg_restore_keep(d->agg, flows.v[i].id);
	fm_agg_restore_done(d->agg);
	fm_flows_free(&flows);
}

static int fm_daemon_nfq_label(void *ctx, const struct fm_label *label)
{
	struct fm_daemon *d = ctx;

	return fm_label_set(&d->src.nl, label);
}

static void fm_daemon_nfq_request(void *ctx, const struct fm_agg_request *r)
{
	struct fm_daemon *d = ctx;

	/* a request the aggregator has no room for is counted there */
	fm_agg_request(d->agg, r);
	if (fm_control_tapping(d->ctl))
		fm_control_tap_request(d->ctl, r, d->now_ms);
}

/*
 * The module's L7 settings from ours (none handed over when l7 is off),
 * then, with l7 on, the queues' consumer, on the queue number and
 * inspect_one_in the module reports.
 */
static void fm_daemon_open_l7(struct fm_daemon *d)
{
	const struct fm_nfq_ops ops = { .label = fm_daemon_nfq_label,
					.request = fm_daemon_nfq_request,
					.ctx = d };
	struct fm_config kc = {
		.set = 1U << FLOWMESH_CONFIG_A_DETECT_PACKETS |
		       1U << FLOWMESH_CONFIG_A_INSPECT_ONE_IN |
		       1U << FLOWMESH_CONFIG_A_QUEUE_NUM,
		.detect_packets = d->cfg.l7 ? d->cfg.detect_packets : 0,
		.inspect_one_in = d->cfg.l7 ? d->cfg.inspect_one_in : 0,
		.queue_num = d->cfg.queue_num,
	};
	struct fm_nfq_config ncfg = {
		.max_flows = d->cfg.l7_max_flows,
		.max_netns = d->cfg.l7_max_netns,
		.rcvbuf = d->cfg.rcvbuf,
		.root = "",
	};
	int ret;

	ret = fm_config_set(&d->src.nl, &kc);
	if (ret)
		fm_log(LOG_WARNING, "setting the kernel's detect_packets, inspect_one_in and queue_num: %s",
		       d->src.nl.extack.msg[0] ? d->src.nl.extack.msg :
		       strerror(-ret));
	if (!d->cfg.l7)
		return;
	ret = fm_config_get(&d->src.nl, &kc);
	if (!ret && kc.queue_num > UINT16_MAX - (FM_NFQ_QUEUES - 1))
		ret = -ERANGE;
	if (!ret) {
		ncfg.queue_num = (uint16_t)kc.queue_num;
		ret = fm_nfq_new(&d->nfq, &ncfg, &ops);
	}
	if (!ret)
		ret = fm_daemon_watch(d, fm_nfq_fd(d->nfq), FM_WATCH_NFQ);
	if (ret) {
		fm_log(LOG_WARNING, "L7 detection is off: %s", strerror(-ret));
		fm_nfq_free(d->nfq);
		d->nfq = NULL;
		return;
	}
	fm_nfq_set_one_in(d->nfq, kc.inspect_one_in);
	fm_log(LOG_INFO, "L7: queues %u to %u, detect_packets %u, inspect_one_in %u",
	       kc.queue_num, kc.queue_num + FM_NFQ_QUEUES - 1,
	       kc.detect_packets, kc.inspect_one_in);
}

static int fm_daemon_open_netlink(struct fm_daemon *d)
{
	struct fm_config kc = { .set = 1U << FLOWMESH_CONFIG_A_SAMPLES,
				.samples = d->cfg.samples };
	char err[256];
	int ret;

	ret = fm_source_open_netlink(&d->src, err, sizeof(err));
	d->src_open = d->src.nl_open;
	if (ret) {
		fm_log(LOG_ERR, "%s", err);
		return ret;
	}
	fm_daemon_confirm_flows(d);
	ret = fm_config_set(&d->src.nl, &kc);
	if (ret)
		fm_log(LOG_WARNING, "setting the kernel's samples: %s",
		       d->src.nl.extack.msg[0] ? d->src.nl.extack.msg :
		       strerror(-ret));
	fm_daemon_open_l7(d);
	ret = fm_source_open_notify(&d->src, err, sizeof(err));
	if (ret) {
		fm_log(LOG_ERR, "%s", err);
		return ret;
	}
	ret = fm_source_set_rcvbuf(&d->src, d->cfg.rcvbuf);
	if (ret)
		fm_log(LOG_WARNING, "netlink receive buffer of %" PRIu32 " bytes: %s",
		       d->cfg.rcvbuf, strerror(-ret));
	return 0;
}

static int fm_daemon_open_timers(struct fm_daemon *d)
{
	struct itimerspec tick = { .it_interval = { .tv_sec = 1 },
				   .it_value = { .tv_sec = 1 } };
	sigset_t mask;

	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &mask, NULL))
		return -errno;
	signal(SIGPIPE, SIG_IGN);
	d->sigfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	d->timerfd = timerfd_create(CLOCK_MONOTONIC,
				    TFD_NONBLOCK | TFD_CLOEXEC);
	if (d->sigfd < 0 || d->timerfd < 0 ||
	    timerfd_settime(d->timerfd, 0, &tick, NULL))
		return -errno;
	if (fm_daemon_watch(d, d->sigfd, FM_WATCH_SIGNAL) ||
	    fm_daemon_watch(d, d->timerfd, FM_WATCH_TIMER))
		return -errno;
	return 0;
}

static int fm_daemon_open_servers(struct fm_daemon *d)
{
	const struct fm_control_ops ops = { .status = fm_daemon_status_cb,
					    .ctx = d };
	struct fm_http_ctx hctx = { .cfg = &d->cfg, .shared = &d->shared,
				    .module_stats = d->src.netlink };
	char err[512];
	int ret;

	ret = fm_control_open(&d->ctl, d->cfg.socket_path, d->cfg.tap_rate,
			      &d->ids, &ops, err, sizeof(err));
	if (ret) {
		fm_log(LOG_ERR, "control socket: %s", err);
		return ret;
	}
	ret = fm_daemon_watch(d, fm_control_fd(d->ctl), FM_WATCH_CONTROL);
	if (ret)
		return ret;
	if (!d->cfg.http_listen[0])
		return 0;
	ret = fm_http_start(&d->http, &hctx, err, sizeof(err));
	if (ret) {
		fm_log(LOG_ERR, "HTTP: %s", err);
		return ret;
	}
	snprintf(d->st.http_address, sizeof(d->st.http_address), "%s",
		 fm_http_address(d->http));
	return 0;
}

static void fm_daemon_free(struct fm_daemon *d)
{
	fm_http_stop(d->http);
	fm_control_close(d->ctl);
	fm_nfq_free(d->nfq);
	if (d->src_open)
		fm_source_close(&d->src);
	if (d->agg)
		fm_agg_free(d->agg);
	if (d->store)
		fm_store_close(d->store);
	fm_inventory_free(&d->inventory);
	if (d->epfd >= 0)
		close(d->epfd);
	if (d->sigfd >= 0)
		close(d->sigfd);
	if (d->timerfd >= 0)
		close(d->timerfd);
	free(d->shared.totals);
	pthread_mutex_destroy(&d->shared.lock);
	free(d);
}

static int fm_daemon_open_source(struct fm_daemon *d, const char *source)
{
	char err[PATH_MAX + 64];
	int ret, fd;

	if (!source)
		ret = fm_daemon_open_netlink(d);
	else {
		ret = fm_source_open_file(&d->src, source, err, sizeof(err));
		d->src_open = !ret;
		if (ret)
			fm_log(LOG_ERR, "%s", err);
		/* a regular file is read at once, to its end */
		d->more = true;
	}
	if (ret)
		return ret;
	fd = fm_source_fd(&d->src);
	if (fd >= 0) {
		d->more = false;
		ret = fm_daemon_watch(d, fd, FM_WATCH_SOURCE);
	}
	return ret;
}

int fm_daemon_start(struct fm_daemon **out, const struct fm_agent_config *cfg,
		    const char *source)
{
	const struct fm_agg_config acfg = {
		.window_s = cfg->window_s,
		.grace_s = cfg->grace_s,
		.max_series = cfg->max_series,
		.max_flows = cfg->max_flows,
	};
	struct fm_daemon *d;
	int ret;

	*out = NULL;
	d = calloc(1, sizeof(*d));
	if (!d) {
		fm_log(LOG_ERR, "out of memory");
		return FM_DAEMON_EXIT_RUNTIME;
	}
	d->cfg = *cfg;
	d->epfd = d->sigfd = d->timerfd = -1;
	pthread_mutex_init(&d->shared.lock, NULL);
	d->st.pid = (int)getpid();
	d->st.netlink = !source;
	d->st.started_ns = fm_real_ns();
	d->src.fd = -1;
	d->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (d->epfd < 0 || fm_daemon_open_timers(d)) {
		fm_log(LOG_ERR, "cannot set up the event loop: %s",
		       strerror(errno));
		goto fail;
	}
	ret = fm_daemon_open_inventory(d);
	if (ret == -EINVAL) {
		fm_daemon_free(d);
		return FM_DAEMON_EXIT_USAGE;
	}
	if (ret || fm_daemon_open_store(d))
		goto fail;
	ret = fm_agg_new(&d->agg, &acfg, &d->ids);
	if (ret) {
		fm_log(LOG_ERR, "cannot set up the aggregator: %s",
		       strerror(-ret));
		goto fail;
	}
	ret = fm_store_load_live(d->store, fm_daemon_restore_cb, d->agg);
	if (ret) {
		fm_log(LOG_ERR, "restoring live flows from %s: %s (%s)",
		       d->cfg.db_path, strerror(-ret),
		       fm_store_errmsg(d->store));
		goto fail;
	}
	if (fm_daemon_open_source(d, source) ||
	    fm_daemon_open_servers(d))
		goto fail;
	d->now_ms = fm_mono_ms();
	fm_daemon_publish(d);
	fm_daemon_snapshot_totals(d);
	fm_log(LOG_INFO, "version %s started: records from %s, %" PRIu64 " live flows restored, database %s, socket %s, HTTP %s",
	       FLOWMESH_VERSION, source ? source : "the kernel",
	       d->st.agg.live_flows, d->cfg.db_path, d->cfg.socket_path,
	       d->st.http_address[0] ? d->st.http_address : "off");
	sd_notify(0, "READY=1");
	*out = d;
	return FM_DAEMON_EXIT_OK;
fail:
	fm_daemon_free(d);
	return FM_DAEMON_EXIT_RUNTIME;
}

int fm_daemon_stop(struct fm_daemon *d)
{
	int ret = d->read_failed ? FM_DAEMON_EXIT_RUNTIME : FM_DAEMON_EXIT_OK;
	unsigned int i;

	sd_notify(0, "STOPPING=1");
	d->now_ms = fm_mono_ms();
	/* what the kernel still holds would be lost with the module's rings */
	for (i = 0; d->src.netlink && i < FM_DAEMON_STOP_DRAINS; i++)
		if (fm_daemon_drain(d, 1) || !d->more)
			break;
	if (d->src.eof && d->src.trailing) {
		fm_log(LOG_ERR, "the records file ends with a partial record: %zu of %zu bytes, ignored",
		       d->src.trailing, FM_SOURCE_RECORD_SIZE);
		ret = FM_DAEMON_EXIT_RUNTIME;
	}
	if (d->src.invalid)
		fm_log(LOG_WARNING, "%" PRIu64 " record(s) of the file did not decode and were skipped",
		       d->src.invalid);
	if (fm_daemon_flush(d, true))
		ret = FM_DAEMON_EXIT_RUNTIME;
	fm_daemon_fill_status(d);
	fm_log(LOG_INFO, "stopped: %" PRIu64 " records read, %" PRIu64 " flushes committed, %" PRIu64 " failed",
	       d->st.c.records_read, d->st.c.flush_commits,
	       d->st.c.flush_failures);
	fm_daemon_free(d);
	return ret;
}
