// SPDX-License-Identifier: GPL-2.0
/*
 * The SQLite store: schema versions and the upgrade from version 1, WAL,
 * merging windows and routes, rollups, expiry, flow state, and stored data that is not what it should be.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <cmocka.h>
#include <sqlite3.h>
#include "lib/store.h"
#include "store_fixture.h"

#define T0	1699999200ULL	/* a multiple of 10, 60 and 3600 s */

static int setup(void **state)
{
	return store_fixture_setup(state, "store");
}

static struct fm_store *open_store(struct store_fixture *f, enum fm_store_mode mode)
{
	struct fm_store *s;
	char err[FM_STORE_ERR_MAX] = "";
	int ret;

	ret = fm_store_open(&s, f->d.path, mode, err, sizeof(err));
	if (ret)
		fail_msg("open: %d %s", ret, err);
	return s;
}

static void open_writer(struct store_fixture *f)
{
	f->s = open_store(f, FM_STORE_WRITE);
}

/* A raw connection, for looking behind the store's back. */
static sqlite3 *raw_open(struct store_fixture *f)
{
	sqlite3 *db;

	assert_int_equal(sqlite3_open(f->d.path, &db), SQLITE_OK);
	return db;
}

static void raw_exec(sqlite3 *db, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		fail_msg("%s: %s", sql, msg);
		sqlite3_free(msg);
	}
}

/* The single integer @sql returns; -1 for NULL. */
static int64_t sql_int(void *db, const char *sql)
{
	sqlite3_stmt *st;
	int64_t v;

	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	v = sqlite3_column_type(st, 0) == SQLITE_NULL ? -1 :
	    sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static int64_t sql_intf(void *db, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int64_t sql_intf(void *db, const char *fmt, ...)
{
	char sql[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(sql, sizeof(sql), fmt, ap);
	va_end(ap);
	return sql_int(db, sql);
}

static void sql_text(void *db, const char *sql, char *out, size_t len)
{
	sqlite3_stmt *st;

	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	snprintf(out, len, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
}

/* The histogram of the window column @col of the row @where. */
static void sql_hist(void *db, const char *col, const char *where,
		     struct fm_hist *h)
{
	char sql[256];
	sqlite3_stmt *st;

	snprintf(sql, sizeof(sql), "SELECT %s FROM windows WHERE %s", col,
		 where);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_type(st, 0), SQLITE_BLOB);
	assert_int_equal(fm_hist_decode(h, sqlite3_column_blob(st, 0),
					(size_t)sqlite3_column_bytes(st, 0)),
			 0);
	sqlite3_finalize(st);
}

static void window(struct fm_window_row *w, uint32_t res, uint64_t start,
		   const char *client, const char *server, uint64_t n)
{
	memset(w, 0, sizeof(*w));
	w->res_s = res;
	w->start_s = start;
	snprintf(w->client, sizeof(w->client), "%s", client);
	snprintf(w->server, sizeof(w->server), "%s", server);
	w->opened = n;
	w->closed = n + 1;
	w->tx_bytes = 1000 * n;
	w->rx_bytes = 2000 * n;
	w->tx_packets = 10 * n;
	w->rx_packets = 20 * n;
	w->retransmits = n + 2;
	w->exchanges = 3 * n;
}

static void test_create(void **state)
{
	struct store_fixture *f = *state;
	char mode[16];
	void *db;

	open_writer(f);
	db = fm_store_db(f->s);
	assert_int_equal(fm_store_schema_version(f->s), FM_STORE_SCHEMA_VERSION);
	assert_int_equal(sql_int(db, "PRAGMA user_version"),
			 FM_STORE_SCHEMA_VERSION);
	sql_text(db, "PRAGMA journal_mode", mode, sizeof(mode));
	assert_string_equal(mode, "wal");
	assert_int_equal(sql_int(db, "PRAGMA synchronous"), 1);	/* NORMAL */
	assert_int_equal(sql_int(db, "PRAGMA busy_timeout"), FM_STORE_BUSY_MS);
	assert_int_equal(sql_int(db, "PRAGMA foreign_keys"), 0);
	assert_int_equal(sql_int(db, "SELECT COUNT(*) FROM sqlite_master"
				 " WHERE name IN ('windows', 'flows',"
				 " 'live_flows', 'meta', 'flows_closed')"), 5);
}

static void test_reopen_keeps_data(void **state)
{
	struct store_fixture *f = *state;
	struct fm_window_row w;
	struct fm_store *r;

	open_writer(f);
	window(&w, FM_RES_FINE, T0, "web", "db", 5);
	put_window_ok(f->s, &w);
	fm_store_close(f->s);
	f->s = NULL;

	open_writer(f);
	assert_int_equal(sql_int(fm_store_db(f->s),
				 "SELECT tx_bytes FROM windows"), 5000);
	r = open_store(f, FM_STORE_READ);
	assert_int_equal(fm_store_schema_version(r), FM_STORE_SCHEMA_VERSION);
	assert_int_equal(sql_int(fm_store_db(r),
				 "SELECT opened FROM windows WHERE client = 'web'"),
			 5);
	/* a reader cannot write */
	assert_int_equal(fm_store_put_window(r, &w), -EROFS);
	assert_int_equal(fm_store_begin(r), -EROFS);
	fm_store_close(r);
}

static void test_read_missing(void **state)
{
	struct store_fixture *f = *state;
	char err[FM_STORE_ERR_MAX] = "";
	struct fm_store *s = (void *)1;

	assert_int_equal(fm_store_open(&s, f->d.path, FM_STORE_READ, err,
				       sizeof(err)), -ENOENT);
	assert_null(s);
	assert_non_null(strstr(err, f->d.path));
	/* and nothing was created */
	assert_int_equal(access(f->d.path, F_OK), -1);
}

static void test_newer_schema_refused(void **state)
{
	struct store_fixture *f = *state;
	char err[FM_STORE_ERR_MAX], want[64];
	struct fm_store *s;
	sqlite3 *db;

	open_writer(f);
	fm_store_close(f->s);
	f->s = NULL;
	db = raw_open(f);
	raw_exec(db, "PRAGMA user_version = 99");
	sqlite3_close(db);

	snprintf(want, sizeof(want),
		 "database schema 99 is newer than this flowmesh (%d)",
		 FM_STORE_SCHEMA_VERSION);
	assert_int_equal(fm_store_open(&s, f->d.path, FM_STORE_READ, err,
				       sizeof(err)), -EPROTONOSUPPORT);
	assert_non_null(strstr(err, want));
	assert_int_equal(fm_store_open(&s, f->d.path, FM_STORE_WRITE, err,
				       sizeof(err)), -EPROTONOSUPPORT);
	assert_non_null(strstr(err, want));
	assert_non_null(strstr(err, f->d.path));
}

static void test_older_schema(void **state)
{
	struct store_fixture *f = *state;
	char err[FM_STORE_ERR_MAX];
	struct fm_store *s;
	sqlite3 *db;

	/* a database from before the first schema: version 0 */
	db = raw_open(f);
	raw_exec(db, "CREATE TABLE unrelated (x)");
	sqlite3_close(db);

	assert_int_equal(fm_store_open(&s, f->d.path, FM_STORE_READ, err,
				       sizeof(err)), -EPROTONOSUPPORT);
	assert_non_null(strstr(err, "database schema 0 is older"));

	/* the writer migrates it, then readers accept it */
	open_writer(f);
	assert_int_equal(fm_store_schema_version(f->s), FM_STORE_SCHEMA_VERSION);
	s = open_store(f, FM_STORE_READ);
	assert_int_equal(sql_int(fm_store_db(s),
				 "SELECT COUNT(*) FROM windows"), 0);
	fm_store_close(s);
}

static void test_migrate_empty_file(void **state)
{
	struct store_fixture *f = *state;
	FILE *fp = fopen(f->d.path, "w");

	assert_non_null(fp);
	fclose(fp);
	open_writer(f);
	assert_int_equal(sql_int(fm_store_db(f->s), "PRAGMA user_version"),
			 FM_STORE_SCHEMA_VERSION);
	assert_int_equal(sql_int(fm_store_db(f->s),
				 "SELECT COUNT(*) FROM live_flows"), 0);
}

static void test_not_a_database(void **state)
{
	struct store_fixture *f = *state;
	char err[FM_STORE_ERR_MAX];
	struct fm_store *s;
	FILE *fp = fopen(f->d.path, "w");
	int i;

	assert_non_null(fp);
	for (i = 0; i < 512; i++)
		fputs("not sqlite ", fp);
	fclose(fp);
	assert_int_equal(fm_store_open(&s, f->d.path, FM_STORE_READ, err,
				       sizeof(err)), -EBADMSG);
	assert_non_null(strstr(err, f->d.path));
	assert_int_equal(fm_store_open(&s, f->d.path, FM_STORE_WRITE, err,
				       sizeof(err)), -EBADMSG);
	assert_non_null(strstr(err, f->d.path));
}

static void test_put_window_merges(void **state)
{
	struct store_fixture *f = *state;
	struct fm_hist want_lat = FM_HIST_INIT, want_rtt = FM_HIST_INIT;
	struct fm_hist got = FM_HIST_INIT;
	struct fm_window_row w;
	uint64_t v;
	void *db;

	open_writer(f);
	db = fm_store_db(f->s);

	/* not L7, then L7 twice: NULL + x = x, then x + y */
	window(&w, FM_RES_FINE, T0, "web", "db", 2);
	for (v = 100; v < 200; v++) {
		assert_int_equal(fm_hist_add(&w.latency, v * 7, 1), 0);
		assert_int_equal(fm_hist_add(&w.rtt, v, 2), 0);
	}
	assert_int_equal(fm_hist_merge(&want_lat, &w.latency), 0);
	assert_int_equal(fm_hist_merge(&want_rtt, &w.rtt), 0);
	put_window_ok(f->s, &w);
	assert_int_equal(sql_int(db, "SELECT requests FROM windows"), -1);
	assert_int_equal(sql_int(db, "SELECT failures FROM windows"), -1);
	assert_int_equal(sql_int(db, "SELECT sample_rate FROM windows"), -1);

	window(&w, FM_RES_FINE, T0, "web", "db", 3);
	w.l7 = true;
	w.requests = 40;
	w.failures = 4;
	w.sample_rate = 0.5;
	for (v = 1; v < 5000; v += 13)
		assert_int_equal(fm_hist_add(&w.latency, v, 3), 0);
	assert_int_equal(fm_hist_merge(&want_lat, &w.latency), 0);
	put_window_ok(f->s, &w);

	window(&w, FM_RES_FINE, T0, "web", "db", 4);
	w.l7 = true;
	w.requests = 60;
	w.failures = 1;
	w.sample_rate = 0.25;
	assert_int_equal(fm_hist_add(&w.rtt, 123456, 1), 0);
	assert_int_equal(fm_hist_merge(&want_rtt, &w.rtt), 0);
	put_window_ok(f->s, &w);

	/* a window without L7 leaves the L7 figures alone */
	window(&w, FM_RES_FINE, T0, "web", "db", 1);
	put_window_ok(f->s, &w);

	assert_int_equal(sql_int(db, "SELECT COUNT(*) FROM windows"), 1);
	assert_int_equal(sql_int(db, "SELECT opened FROM windows"), 10);
	assert_int_equal(sql_int(db, "SELECT closed FROM windows"), 14);
	assert_int_equal(sql_int(db, "SELECT tx_bytes FROM windows"), 10000);
	assert_int_equal(sql_int(db, "SELECT rx_bytes FROM windows"), 20000);
	assert_int_equal(sql_int(db, "SELECT tx_packets FROM windows"), 100);
	assert_int_equal(sql_int(db, "SELECT rx_packets FROM windows"), 200);
	assert_int_equal(sql_int(db, "SELECT retransmits FROM windows"), 18);
	assert_int_equal(sql_int(db, "SELECT exchanges FROM windows"), 30);
	assert_int_equal(sql_int(db, "SELECT requests FROM windows"), 100);
	assert_int_equal(sql_int(db, "SELECT failures FROM windows"), 5);
	assert_int_equal(sql_int(db, "SELECT sample_rate = 0.25 FROM windows"),
			 1);
	sql_hist(db, "latency", "1", &got);
	assert_hist_equal(&got, &want_lat);
	sql_hist(db, "rtt", "1", &got);
	assert_hist_equal(&got, &want_rtt);

	/* another edge, another resolution: rows of their own */
	window(&w, FM_RES_FINE, T0, "db", "web", 1);
	put_window_ok(f->s, &w);
	window(&w, FM_RES_MINUTE, T0, "web", "db", 1);
	put_window_ok(f->s, &w);
	assert_int_equal(sql_int(db, "SELECT COUNT(*) FROM windows"), 3);
	assert_int_equal(sql_int(db, "SELECT latency IS NULL FROM windows"
				 " WHERE res = 60"), 1);

	/* what cannot be stored is refused */
	window(&w, 0, T0, "web", "db", 1);
	assert_int_equal(fm_store_put_window(f->s, &w), -EINVAL);
	window(&w, FM_RES_FINE, T0, "web", "db", 1);
	memset(w.client, 'x', sizeof(w.client));
	assert_int_equal(fm_store_put_window(f->s, &w), -EINVAL);

	fm_hist_free(&got);
	fm_hist_free(&want_lat);
	fm_hist_free(&want_rtt);
}

/* Every column of every window, in order: what "nothing changed" means. */
static char *dump_windows(void *db)
{
	sqlite3_stmt *st;
	char *out = NULL, *line;
	size_t len = 0;
	FILE *fp = open_memstream(&out, &len);
	int i;

	assert_non_null(fp);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT *, hex(latency),"
					    " hex(rtt) FROM windows ORDER BY"
					    " res, start, client, server", -1,
					    &st, NULL), SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		for (i = 0; i < sqlite3_column_count(st); i++) {
			line = (char *)sqlite3_column_text(st, i);
			fprintf(fp, "%s|", line ? line : "NULL");
		}
		fputc('\n', fp);
	}
	sqlite3_finalize(st);
	fclose(fp);
	return out;
}

/*
 * Fine windows from one minute before an hour boundary H to two minutes
 * after, for two edges; requests only on the first.
 */
#define HOUR_B	(T0 + 3600 * 5)

static void put_fine_rows(struct fm_store *s, uint64_t from, uint64_t to)
{
	struct fm_window_row w;
	uint64_t t;

	for (t = from; t < to; t += FM_RES_FINE) {
		window(&w, FM_RES_FINE, t, "web", "db", t % 7 + 1);
		w.l7 = true;
		w.requests = t % 5 + 1;
		w.failures = t % 2;
		w.sample_rate = t == HOUR_B ? 0.5 : 1;
		assert_int_equal(fm_hist_add(&w.latency, t % 1000 + 1, 1), 0);
		put_window_ok(s, &w);
		window(&w, FM_RES_FINE, t, "api", "db", 1);
		assert_int_equal(fm_hist_add(&w.rtt, 50, 1), 0);
		put_window_ok(s, &w);
	}
}

/* What the minute starting at @m should hold. */
static void expect_minute(void *db, uint64_t m)
{
	uint64_t t, opened = 0, requests = 0, failures = 0;
	const unsigned long long mm = m;

	for (t = m; t < m + 60; t += FM_RES_FINE) {
		opened += t % 7 + 1;
		requests += t % 5 + 1;
		failures += t % 2;
	}
	assert_int_equal(sql_intf(db, "SELECT opened FROM windows WHERE"
				  " res = 60 AND start = %llu AND"
				  " client = 'web'", mm), opened);
	assert_int_equal(sql_intf(db, "SELECT requests FROM windows WHERE"
				  " res = 60 AND start = %llu AND"
				  " client = 'web'", mm), requests);
	assert_int_equal(sql_intf(db, "SELECT failures FROM windows WHERE"
				  " res = 60 AND start = %llu AND"
				  " client = 'web'", mm), failures);
	/* not L7: stays NULL through the rollup */
	assert_int_equal(sql_intf(db, "SELECT requests FROM windows WHERE"
				  " res = 60 AND start = %llu AND"
				  " client = 'api'", mm), -1);
	assert_int_equal(sql_intf(db, "SELECT opened FROM windows WHERE"
				  " res = 60 AND start = %llu AND"
				  " client = 'api'", mm), 6);
}

static void test_rollup(void **state)
{
	struct store_fixture *f = *state;
	struct fm_hist h = FM_HIST_INIT;
	char *before, *after;
	void *db;

	open_writer(f);
	db = fm_store_db(f->s);
	put_fine_rows(f->s, HOUR_B - 60, HOUR_B + 150);

	/* the minute [H+120, H+180) has not ended by H+170 */
	assert_int_equal(fm_store_rollup(f->s, FM_RES_FINE, HOUR_B + 170), 0);
	assert_int_equal(sql_int(db, "SELECT COUNT(*) FROM windows"
				 " WHERE res = 60"), 6);
	expect_minute(db, HOUR_B - 60);
	expect_minute(db, HOUR_B);
	expect_minute(db, HOUR_B + 60);
	/* the minute holding the estimated window is estimated */
	assert_int_equal(sql_intf(db, "SELECT sample_rate = 0.5 FROM windows"
				  " WHERE res = 60 AND client = 'web'"
				  " AND start = %llu", HOUR_B), 1);
	assert_int_equal(sql_intf(db, "SELECT sample_rate = 1 FROM windows"
				  " WHERE res = 60 AND client = 'web'"
				  " AND start = %llu", HOUR_B + 60), 1);
	sql_hist(db, "rtt", "res = 60 AND client = 'api' AND start = 0 + "
		 "(SELECT MIN(start) FROM windows WHERE res = 60)", &h);
	assert_int_equal(h.count, 6);
	assert_int_equal(h.sum, 300);
	/* only the hour before H has all its minutes */
	assert_int_equal(sql_int(db, "SELECT COUNT(*) FROM windows"
				 " WHERE res = 3600"), 2);
	assert_int_equal(sql_int(db, "SELECT start FROM windows WHERE"
				 " res = 3600 AND client = 'api'"),
			 HOUR_B - 3600);
	assert_int_equal(sql_int(db, "SELECT opened FROM windows WHERE"
				 " res = 3600 AND client = 'web'"),
			 sql_intf(db, "SELECT opened FROM windows WHERE"
				  " res = 60 AND client = 'web' AND"
				  " start = %llu", HOUR_B - 60));

	/* again: nothing changes */
	before = dump_windows(db);
	assert_int_equal(fm_store_rollup(f->s, FM_RES_FINE, HOUR_B + 170), 0);
	after = dump_windows(db);
	assert_string_equal(before, after);
	free(after);

	/*
	 * A rollup inside a transaction that is rolled back (a crash before
	 * the commit) leaves no trace, so running it again counts once.
	 */
	put_fine_rows(f->s, HOUR_B + 150, HOUR_B + 3600);
	assert_int_equal(fm_store_begin(f->s), 0);
	assert_int_equal(fm_store_rollup(f->s, FM_RES_FINE, HOUR_B + 3600), 0);
	fm_store_rollback(f->s);
	assert_int_equal(sql_int(db, "SELECT value FROM meta"
				 " WHERE key = 'rollup_60_next'"),
			 HOUR_B + 120);
	assert_int_equal(fm_store_rollup(f->s, FM_RES_FINE, HOUR_B + 3600), 0);
	assert_int_equal(sql_int(db, "SELECT COUNT(*) FROM windows"
				 " WHERE res = 60"), 122);
	expect_minute(db, HOUR_B + 120);
	expect_minute(db, HOUR_B + 3540);
	/* the hour from H: the sum of its minutes, of its fine rows */
	assert_int_equal(sql_intf(db, "SELECT opened FROM windows WHERE"
				  " res = 3600 AND start = %llu"
				  " AND client = 'web'", HOUR_B),
			 sql_intf(db, "SELECT SUM(opened) FROM windows WHERE"
				  " res = 10 AND start >= %llu"
				  " AND client = 'web'", HOUR_B));
	assert_int_equal(sql_intf(db, "SELECT requests FROM windows WHERE"
				  " res = 3600 AND start = %llu"
				  " AND client = 'web'", HOUR_B),
			 sql_intf(db, "SELECT SUM(requests) FROM windows WHERE"
				  " res = 10 AND start >= %llu"
				  " AND client = 'web'", HOUR_B));
	sql_hist(db, "latency", "res = 3600 AND client = 'web' AND start = 0"
		 " + (SELECT MAX(start) FROM windows WHERE res = 3600)", &h);
	assert_int_equal(h.count, 360);
	assert_int_equal(sql_int(db, "SELECT COUNT(*) FROM windows"
				 " WHERE res = 3600"), 4);

	assert_int_equal(fm_store_rollup(f->s, 7, HOUR_B), -EINVAL);
	assert_int_equal(fm_store_rollup(f->s, 0, HOUR_B), -EINVAL);
	free(before);
	fm_hist_free(&h);
}

static void test_rollup_empty(void **state)
{
	struct store_fixture *f = *state;
	struct fm_window_row w;
	void *db;

	open_writer(f);
	db = fm_store_db(f->s);
	/* nothing yet: nothing happens, and no progress is recorded */
	assert_int_equal(fm_store_rollup(f->s, FM_RES_FINE, T0), 0);
	assert_int_equal(sql_int(db, "SELECT COUNT(*) FROM meta"), 0);

	/* minute windows as the finest: straight to hours */
	window(&w, FM_RES_MINUTE, T0 + 60, "a", "b", 1);
	put_window_ok(f->s, &w);
	window(&w, FM_RES_MINUTE, T0 + 3540, "a", "b", 2);
	put_window_ok(f->s, &w);
	assert_int_equal(fm_store_rollup(f->s, FM_RES_MINUTE, T0 + 3600), 0);
	assert_int_equal(sql_int(db, "SELECT opened FROM windows"
				 " WHERE res = 3600"), 3);
}

static void test_expire(void **state)
{
	struct store_fixture *f = *state;
	const struct fm_retention r = {
		.fine_s = 100, .minute_s = 1000, .hour_s = 10000,
		.flows_s = 50,
	};
	const struct fm_retention keep = { 0 };
	struct fm_flow_row fr = { 0 };
	struct fm_window_row w;
	const uint64_t now = T0 + 20000;
	void *db;

	open_writer(f);
	db = fm_store_db(f->s);
	window(&w, FM_RES_FINE, now - 110, "a", "b", 1);	/* old */
	put_window_ok(f->s, &w);
	window(&w, FM_RES_FINE, now - 100, "a", "b", 1);
	put_window_ok(f->s, &w);
	window(&w, FM_RES_MINUTE, now - 1020, "a", "b", 1);	/* old */
	put_window_ok(f->s, &w);
	window(&w, FM_RES_MINUTE, now - 960, "a", "b", 1);
	put_window_ok(f->s, &w);
	window(&w, FM_RES_HOUR, T0, "a", "b", 1);		/* old */
	put_window_ok(f->s, &w);
	window(&w, FM_RES_HOUR, T0 + 10800, "a", "b", 1);
	put_window_ok(f->s, &w);
	fr.rec.family = AF_INET;
	fr.rec.proto = IPPROTO_TCP;
	fr.rec.time_ns = (now - 51) * 1000000000ULL;		/* old */
	assert_int_equal(fm_store_put_flow(f->s, &fr), 0);
	fr.rec.time_ns = (now - 50) * 1000000000ULL;
	assert_int_equal(fm_store_put_flow(f->s, &fr), 0);

	/* retention 0 keeps everything */
	assert_int_equal(fm_store_expire(f->s, &keep, now), 0);
	assert_int_equal(sql_int(db, "SELECT COUNT(*) FROM windows"), 6);
	assert_int_equal(sql_int(db, "SELECT COUNT(*) FROM flows"), 2);

	assert_int_equal(fm_store_expire(f->s, &r, now), 0);
	assert_int_equal(sql_int(db, "SELECT start FROM windows WHERE res = 10"),
			 now - 100);
	assert_int_equal(sql_int(db, "SELECT start FROM windows WHERE res = 60"),
			 now - 960);
	assert_int_equal(sql_int(db, "SELECT start FROM windows"
				 " WHERE res = 3600"), T0 + 10800);
	assert_int_equal(sql_int(db, "SELECT closed_ns FROM flows"),
			 (now - 50) * 1000000000ULL);
}

static int collect_live(const struct fm_live_flow *lf, void *data)
{
	struct fm_live_flow *v = data;
	size_t i;

	for (i = 0; i < 4 && v[i].flow_id; i++)
		;
	if (i == 4)
		return -ENOSPC;
	v[i] = *lf;
	return 0;
}

static int refuse_live(const struct fm_live_flow *lf, void *data)
{
	(void)lf;
	(void)data;
	return -ECANCELED;
}

static void live(struct fm_live_flow *lf, uint64_t id)
{
	memset(lf, 0, sizeof(*lf));
	lf->flow_id = id;
	lf->netns = 4026531840u;
	lf->family = AF_INET6;
	lf->proto = IPPROTO_TCP;
	lf->client_port = 40000;
	lf->server_port = 443;
	memset(lf->client, 0xfd, sizeof(lf->client));
	memset(lf->server, 0x20, sizeof(lf->server));
	lf->opened_ns = T0 * 1000000000ULL + 7;
	strcpy(lf->client_service, "web");
	strcpy(lf->server_service, "api");
	lf->tx_bytes = (id & 0xffff) * 10;
	lf->tx_packets = id & 0xffff;
	lf->rx_bytes = (id & 0xffff) * 20;
	lf->rx_packets = (id & 0xffff) * 2;
	lf->retransmits = 3;
	lf->response_count = 9;
}

static void test_live_flows(void **state)
{
	struct store_fixture *f = *state;
	struct fm_live_flow a, b, got[4];
	void *db;

	open_writer(f);
	db = fm_store_db(f->s);
	live(&a, 1);
	live(&b, UINT64_MAX);	/* ids are opaque: the top bit survives */
	assert_int_equal(fm_store_put_live(f->s, &a), 0);
	assert_int_equal(fm_store_put_live(f->s, &b), 0);
	a.tx_bytes = 12345;	/* an update replaces */
	assert_int_equal(fm_store_put_live(f->s, &a), 0);

	memset(got, 0, sizeof(got));
	assert_int_equal(fm_store_load_live(f->s, collect_live, got), 0);
	/* ordered by the stored (signed) id */
	assert_memory_equal(&got[0], &b, sizeof(b));
	assert_memory_equal(&got[1], &a, sizeof(a));
	assert_int_equal(got[2].flow_id, 0);

	/* a callback's error stops the load and is returned */
	assert_int_equal(fm_store_load_live(f->s, refuse_live, NULL),
			 -ECANCELED);

	assert_int_equal(fm_store_del_live(f->s, UINT64_MAX), 0);
	assert_int_equal(fm_store_del_live(f->s, 77), 0);	/* none */
	memset(got, 0, sizeof(got));
	assert_int_equal(fm_store_load_live(f->s, collect_live, got), 0);
	assert_memory_equal(&got[0], &a, sizeof(a));
	assert_int_equal(got[1].flow_id, 0);

	/* stored state that is not what the store wrote is refused */
	raw_exec(db, "UPDATE live_flows SET client = x'0102'");
	assert_int_equal(fm_store_load_live(f->s, collect_live, got),
			 -EBADMSG);
	assert_non_null(strstr(fm_store_errmsg(f->s), "malformed live flow"));
	raw_exec(db, "UPDATE live_flows SET client = zeroblob(16),"
		 " netns = -1");
	assert_int_equal(fm_store_load_live(f->s, collect_live, got),
			 -EBADMSG);
	raw_exec(db, "UPDATE live_flows SET netns = 1,"
		 " client_service = 'x' || printf('%100s', '')");
	assert_int_equal(fm_store_load_live(f->s, collect_live, got),
			 -EBADMSG);
	raw_exec(db, "UPDATE live_flows SET client_service = 'web',"
		 " family = 99");
	assert_int_equal(fm_store_load_live(f->s, collect_live, got),
			 -EBADMSG);
}

static void test_put_flow(void **state)
{
	struct store_fixture *f = *state;
	struct fm_flow_row fr = { 0 };
	struct flowmesh_record *r = &fr.rec;
	sqlite3_stmt *st;
	void *db;
	int i;
	static const int64_t want[] = {
		42, 7, AF_INET, IPPROTO_TCP, 5555, 80, 1000, 2000, 11, 12,
		13, 14, FLOWMESH_STATE_CLOSED, 15, 16, 17, 18, 19, 20, 21,
		22, 23, 24, 25, 26,
	};

	open_writer(f);
	db = fm_store_db(f->s);
	r->flow_id = 42;
	r->netns = 7;
	r->family = AF_INET;
	r->proto = IPPROTO_TCP;
	r->client_port = 5555;
	r->server_port = 80;
	fr.opened_ns = 1000;
	r->time_ns = 2000;
	r->tx_bytes = 11;
	r->tx_packets = 12;
	r->rx_bytes = 13;
	r->rx_packets = 14;
	r->state = FLOWMESH_STATE_CLOSED;
	r->rtt_samples = 15;
	r->rtt_min_us = 16;
	r->rtt_max_us = 17;
	r->rtt_sum_us = 18;
	r->rtt_hs_client_us = 19;
	r->rtt_hs_server_us = 20;
	r->response_count = 21;
	r->response_sum_us = 22;
	r->response_max_us = 23;
	r->retransmits = 24;
	r->resets = 25;
	r->zero_windows = 26;
	r->client[0] = 10;
	r->server[0] = 192;
	strcpy(fr.client_service, "web");
	strcpy(fr.server_service, "db");
	assert_int_equal(fm_store_put_flow(f->s, &fr), 0);

	assert_int_equal(sqlite3_prepare_v2(db, "SELECT flow_id, netns,"
			 " family, proto, client_port, server_port, opened_ns,"
			 " closed_ns, tx_bytes, tx_packets, rx_bytes,"
			 " rx_packets, state, rtt_samples, rtt_min_us,"
			 " rtt_max_us, rtt_sum_us, rtt_hs_client_us,"
			 " rtt_hs_server_us, response_count, response_sum_us,"
			 " response_max_us, retransmits, resets, zero_windows,"
			 " client_service, server_service, hex(client),"
			 " hex(server) FROM flows", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	for (i = 0; i < (int)(sizeof(want) / sizeof(*want)); i++)
		if (sqlite3_column_int64(st, i) != want[i])
			fail_msg("column %d: %lld, want %lld", i,
				 (long long)sqlite3_column_int64(st, i),
				 (long long)want[i]);
	assert_string_equal(sqlite3_column_text(st, i++), "web");
	assert_string_equal(sqlite3_column_text(st, i++), "db");
	assert_string_equal(sqlite3_column_text(st, i++),
			    "0A000000000000000000000000000000");
	assert_string_equal(sqlite3_column_text(st, i++),
			    "C0000000000000000000000000000000");
	sqlite3_finalize(st);

	memset(fr.server_service, 'x', sizeof(fr.server_service));
	assert_int_equal(fm_store_put_flow(f->s, &fr), -EINVAL);
}

static void test_hist_merge_sql(void **state)
{
	struct store_fixture *f = *state;
	struct fm_hist a = FM_HIST_INIT, got = FM_HIST_INIT;
	struct fm_window_row w;
	sqlite3_stmt *st;
	void *db;
	int rc;

	open_writer(f);
	db = fm_store_db(f->s);

	/* no rows, only NULLs: NULL */
	assert_int_equal(sql_int(db, "SELECT hist_merge(latency) IS NULL"
				 " FROM windows"), 1);
	assert_int_equal(sql_int(db, "SELECT hist_merge(NULL, NULL) IS NULL"),
			 1);

	/* garbage, from any column: a clear error, not a crash */
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT hist_merge(x)"
					    " FROM (SELECT x'ff00ff' AS x)",
					    -1, &st, NULL), SQLITE_OK);
	rc = sqlite3_step(st);
	assert_int_equal(rc, SQLITE_ERROR);
	assert_non_null(strstr(sqlite3_errmsg(db), "malformed histogram"));
	sqlite3_finalize(st);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT hist_merge('text')",
					    -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ERROR);
	assert_non_null(strstr(sqlite3_errmsg(db), "not a histogram"));
	sqlite3_finalize(st);

	/* a stored garbage histogram stops the upsert, with the reason */
	window(&w, FM_RES_FINE, T0, "a", "b", 1);
	assert_int_equal(fm_hist_add(&w.latency, 100, 1), 0);
	assert_int_equal(fm_hist_merge(&a, &w.latency), 0);
	put_window_ok(f->s, &w);
	raw_exec(db, "UPDATE windows SET rtt = x'01'");
	window(&w, FM_RES_FINE, T0, "a", "b", 1);
	assert_int_equal(fm_hist_add(&w.rtt, 100, 1), 0);
	assert_int_not_equal(fm_store_put_window(f->s, &w), 0);
	assert_non_null(strstr(fm_store_errmsg(f->s), "malformed histogram"));
	fm_hist_free(&w.rtt);
	/* and a rollup of it fails the same way, changing nothing */
	window(&w, FM_RES_FINE, T0 + 10, "a", "b", 1);
	put_window_ok(f->s, &w);
	assert_int_not_equal(fm_store_rollup(f->s, FM_RES_FINE, T0 + 60), 0);
	assert_non_null(strstr(fm_store_errmsg(f->s), "malformed histogram"));
	assert_int_equal(sql_int(db, "SELECT COUNT(*) FROM windows"
				 " WHERE res = 60"), 0);
	assert_int_equal(sql_int(db, "SELECT COUNT(*) FROM meta"), 0);

	/* NULL is an empty histogram to the aggregate */
	raw_exec(db, "UPDATE windows SET rtt = NULL");
	sql_hist(db, "hist_merge(latency)", "1", &got);
	assert_hist_equal(&got, &a);

	fm_hist_free(&a);
	fm_hist_free(&got);
}

static void test_reader_during_write(void **state)
{
	struct store_fixture *f = *state;
	struct fm_window_row w;
	struct fm_store *r;

	open_writer(f);
	window(&w, FM_RES_FINE, T0, "a", "b", 1);
	put_window_ok(f->s, &w);
	r = open_store(f, FM_STORE_READ);

	assert_int_equal(fm_store_begin(f->s), 0);
	window(&w, FM_RES_FINE, T0 + 10, "a", "b", 1);
	put_window_ok(f->s, &w);
	/* the reader sees what was committed, and is not kept waiting */
	assert_int_equal(sql_int(fm_store_db(r),
				 "SELECT COUNT(*) FROM windows"), 1);
	assert_int_equal(fm_store_commit(f->s), 0);
	assert_int_equal(sql_int(fm_store_db(r),
				 "SELECT COUNT(*) FROM windows"), 2);
	assert_int_equal(fm_store_checkpoint(f->s), 0);
	fm_store_close(r);
}

static void route(struct fm_route_row *r, uint32_t res, uint64_t start,
		  const char *server, const char *route_name, uint64_t n)
{
	memset(r, 0, sizeof(*r));
	r->res_s = res;
	r->start_s = start;
	snprintf(r->client, sizeof(r->client), "web");
	snprintf(r->server, sizeof(r->server), "%s", server);
	snprintf(r->protocol, sizeof(r->protocol), "http");
	snprintf(r->method, sizeof(r->method), "GET");
	snprintf(r->route, sizeof(r->route), "%s", route_name);
	r->requests = 4 * n;
	r->failures = n;
	r->sample_rate = 1;
	assert_int_equal(fm_hist_add(&r->latency, 100 * n, n), 0);
}

static void put_route_ok(struct fm_store *s, struct fm_route_row *r)
{
	int err = fm_store_put_route(s, r);

	if (err)
		fail_msg("put_route: %d %s", err, fm_store_errmsg(s));
	fm_hist_free(&r->latency);
}

static void test_migrate_v1(void **state)
{
	struct store_fixture *f = *state;
	struct fm_route_row r;
	sqlite3 *db;
	void *sdb;

	db = raw_open(f);
	assert_int_equal(fm_store_migrate_to(db, 1), 0);
	assert_int_equal(sql_int(db, "PRAGMA user_version"), 1);
	assert_int_equal(sql_int(db, "SELECT COUNT(*) FROM sqlite_master"
				 " WHERE name = 'routes'"), 0);
	assert_int_equal(fm_store_migrate_to(db, FM_STORE_SCHEMA_VERSION + 1),
			 -EINVAL);
	assert_int_equal(fm_store_migrate_to(db, -1), -EINVAL);
	raw_exec(db, "INSERT INTO windows (res, start, client, server, opened,"
		 " closed, tx_bytes, rx_bytes, tx_packets, rx_packets,"
		 " retransmits, exchanges) VALUES (10, 1700000000, 'web', 'db',"
		 " 3, 1, 100, 200, 1, 2, 0, 5)");
	raw_exec(db, "INSERT INTO meta (key, value) VALUES"
		 " ('rollup_60_next', 1700000040)");
	sqlite3_close(db);

	open_writer(f);
	sdb = fm_store_db(f->s);
	assert_int_equal(fm_store_schema_version(f->s), 2);
	assert_int_equal(sql_int(sdb, "PRAGMA user_version"), 2);
	/* what version 1 held is still there */
	assert_int_equal(sql_int(sdb, "SELECT opened FROM windows"), 3);
	assert_int_equal(sql_int(sdb, "SELECT value FROM meta"), 1700000040);
	assert_int_equal(sql_int(sdb, "SELECT COUNT(*) FROM sqlite_master"
				 " WHERE name = 'routes_server'"), 1);
	route(&r, FM_RES_FINE, T0, "db", "/x", 1);
	put_route_ok(f->s, &r);
	assert_int_equal(sql_int(sdb, "SELECT requests FROM routes"), 4);
	fm_store_close(f->s);
	/* opening again migrates nothing */
	open_writer(f);
	assert_int_equal(sql_int(fm_store_db(f->s),
				 "SELECT COUNT(*) FROM routes"), 1);
}

static void test_put_route_merges(void **state)
{
	struct store_fixture *f = *state;
	struct fm_hist h = FM_HIST_INIT;
	struct fm_route_row r;
	sqlite3_stmt *st;
	void *db;

	open_writer(f);
	db = fm_store_db(f->s);
	route(&r, FM_RES_FINE, T0, "api", "/users/{id}", 1);
	put_route_ok(f->s, &r);
	route(&r, FM_RES_FINE, T0, "api", "/users/{id}", 2);
	r.sample_rate = 0.25;
	put_route_ok(f->s, &r);
	route(&r, FM_RES_FINE, T0, "api", "/users/{id}", 3);
	r.sample_rate = 0.5;
	put_route_ok(f->s, &r);
	/* another method is another route */
	route(&r, FM_RES_FINE, T0, "api", "/users/{id}", 1);
	snprintf(r.method, sizeof(r.method), "POST");
	put_route_ok(f->s, &r);
	assert_int_equal(sql_int(db, "SELECT COUNT(*) FROM routes"), 2);
	assert_int_equal(sql_int(db, "SELECT requests FROM routes"
				 " WHERE method = 'GET'"), 24);
	assert_int_equal(sql_int(db, "SELECT failures FROM routes"
				 " WHERE method = 'GET'"), 6);
	assert_int_equal(sql_int(db, "SELECT sample_rate = 0.25 FROM routes"
				 " WHERE method = 'GET'"), 1);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT latency FROM routes"
					    " WHERE method = 'GET'", -1, &st,
					    NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(fm_hist_decode(&h, sqlite3_column_blob(st, 0),
					(size_t)sqlite3_column_bytes(st, 0)),
			 0);
	sqlite3_finalize(st);
	assert_int_equal(h.count, 1 + 2 + 3);
	assert_int_equal(h.max, 300);
	fm_hist_free(&h);

	/* rows the store cannot hold are refused, and nothing is written */
	route(&r, FM_RES_FINE, T0, "api", "/bad", 1);
	r.res_s = 0;
	assert_int_equal(fm_store_put_route(f->s, &r), -EINVAL);
	r.res_s = FM_RES_FINE;
	memset(r.route, 'x', sizeof(r.route));
	assert_int_equal(fm_store_put_route(f->s, &r), -EINVAL);
	snprintf(r.route, sizeof(r.route), "/bad");
	r.protocol[0] = '\0';
	assert_int_equal(fm_store_put_route(f->s, &r), -EINVAL);
	snprintf(r.protocol, sizeof(r.protocol), "http");
	r.sample_rate = 0;
	assert_int_equal(fm_store_put_route(f->s, &r), -EINVAL);
	assert_non_null(strstr(fm_store_errmsg(f->s), "invalid route row"));
	fm_hist_free(&r.latency);
	assert_int_equal(sql_int(db, "SELECT COUNT(*) FROM routes"), 2);
}

static void test_route_rollup_and_expiry(void **state)
{
	struct store_fixture *f = *state;
	const struct fm_retention keep = {
		.fine_s = 3600, .minute_s = 7200, .hour_s = 100000,
	};
	struct fm_window_row w;
	struct fm_route_row r;
	uint64_t t;
	void *db;

	open_writer(f);
	db = fm_store_db(f->s);
	/* an hour and a minute of fine windows, with their routes */
	for (t = HOUR_B; t < HOUR_B + 3660; t += FM_RES_FINE) {
		window(&w, FM_RES_FINE, t, "web", "api", 1);
		put_window_ok(f->s, &w);
		route(&r, FM_RES_FINE, t, "api", "/a", 1);
		r.sample_rate = t == HOUR_B + 20 ? 0.5 : 1;
		put_route_ok(f->s, &r);
	}
	assert_int_equal(fm_store_rollup(f->s, FM_RES_FINE, HOUR_B + 3660), 0);
	assert_int_equal(sql_int(db, "SELECT COUNT(*) FROM routes"
				 " WHERE res = 60"), 61);
	assert_int_equal(sql_intf(db, "SELECT requests FROM routes WHERE"
				  " res = 60 AND start = %llu",
				  (unsigned long long)HOUR_B), 24);
	assert_int_equal(sql_intf(db, "SELECT sample_rate = 0.5 FROM routes"
				  " WHERE res = 60 AND start = %llu",
				  (unsigned long long)HOUR_B), 1);
	assert_int_equal(sql_int(db, "SELECT requests FROM routes"
				 " WHERE res = 3600"), 360 * 4);
	assert_int_equal(sql_int(db, "SELECT failures FROM routes"
				 " WHERE res = 3600"), 360);
	assert_int_equal(sql_int(db, "SELECT sample_rate = 0.5 FROM routes"
				 " WHERE res = 3600"), 1);
	/* again: nothing changes */
	assert_int_equal(fm_store_rollup(f->s, FM_RES_FINE, HOUR_B + 3660), 0);
	assert_int_equal(sql_int(db, "SELECT requests FROM routes"
				 " WHERE res = 3600"), 360 * 4);

	/* routes expire with the windows of their resolution */
	assert_int_equal(fm_store_expire(f->s, &keep, HOUR_B + 7200), 0);
	assert_int_equal(sql_int(db, "SELECT MIN(start) FROM routes"
				 " WHERE res = 10"), HOUR_B + 3600);
	assert_int_equal(sql_int(db, "SELECT MIN(start) FROM windows"
				 " WHERE res = 10"), HOUR_B + 3600);
	assert_int_equal(sql_int(db, "SELECT COUNT(*) FROM routes"
				 " WHERE res = 60"), 61);
	assert_int_equal(fm_store_expire(f->s, &keep, HOUR_B + 10800), 0);
	assert_int_equal(sql_int(db, "SELECT COUNT(*) FROM routes"
				 " WHERE res = 60"), 1);
	assert_int_equal(sql_int(db, "SELECT COUNT(*) FROM routes"
				 " WHERE res = 3600"), 1);
}

/* Each test on a store of its own. */
#define STORE_TEST(fn) \
	cmocka_unit_test_setup_teardown(fn, setup, store_fixture_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		STORE_TEST(test_create),
		STORE_TEST(test_reopen_keeps_data),
		STORE_TEST(test_read_missing),
		STORE_TEST(test_newer_schema_refused),
		STORE_TEST(test_older_schema),
		STORE_TEST(test_migrate_empty_file),
		STORE_TEST(test_not_a_database),
		STORE_TEST(test_put_window_merges),
		STORE_TEST(test_rollup),
		STORE_TEST(test_rollup_empty),
		STORE_TEST(test_expire),
		STORE_TEST(test_live_flows),
		STORE_TEST(test_put_flow),
		STORE_TEST(test_hist_merge_sql),
		STORE_TEST(test_reader_during_write),
		STORE_TEST(test_migrate_v1),
		STORE_TEST(test_put_route_merges),
		STORE_TEST(test_route_rollup_and_expiry),
	};

	return cmocka_run_group_tests_name("store", tests, NULL, NULL);
}
