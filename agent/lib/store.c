// SPDX-License-Identifier: GPL-2.0
/*
 * The agent's SQLite store: schema and migrations, the write paths of the
 * daemon (windows, routes, flows), rollups, expiry, and the hist_merge()
 * SQL functions every connection gets.  docs/store.md describes the
 * tables.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <netinet/in.h>
#include <sqlite3.h>
#include "lib/store.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof(*(a)))

/* Progress of the rollups: the start of the next window to roll up. */
#define META_ROLLUP_MINUTE	"rollup_60_next"
#define META_ROLLUP_HOUR	"rollup_3600_next"

/*
 * Migration i takes user_version i to i + 1, in a transaction of its own,
 * so an interrupted upgrade leaves the database at a version it had.
 */
static const char *const store_migrations[] = {
	/* 0 -> 1 */
	"CREATE TABLE windows ("
	" res INTEGER NOT NULL,"
	" start INTEGER NOT NULL,"
	" client TEXT NOT NULL,"
	" server TEXT NOT NULL,"
	" opened INTEGER NOT NULL,"
	" closed INTEGER NOT NULL,"
	" tx_bytes INTEGER NOT NULL,"
	" rx_bytes INTEGER NOT NULL,"
	" tx_packets INTEGER NOT NULL,"
	" rx_packets INTEGER NOT NULL,"
	" retransmits INTEGER NOT NULL,"
	" exchanges INTEGER NOT NULL,"
	" requests INTEGER,"
	" failures INTEGER,"
	" sample_rate REAL,"
	" latency BLOB,"
	" rtt BLOB,"
	/* the key is the (res, start) range index the queries use */
	" PRIMARY KEY (res, start, client, server)"
	") WITHOUT ROWID;"
	"CREATE TABLE flows ("
	" flow_id INTEGER NOT NULL,"
	" netns INTEGER NOT NULL,"
	" family INTEGER NOT NULL,"
	" proto INTEGER NOT NULL,"
	" client BLOB NOT NULL,"
	" client_port INTEGER NOT NULL,"
	" server BLOB NOT NULL,"
	" server_port INTEGER NOT NULL,"
	" client_service TEXT NOT NULL,"
	" server_service TEXT NOT NULL,"
	" opened_ns INTEGER NOT NULL,"
	" closed_ns INTEGER NOT NULL,"
	" tx_bytes INTEGER NOT NULL,"
	" tx_packets INTEGER NOT NULL,"
	" rx_bytes INTEGER NOT NULL,"
	" rx_packets INTEGER NOT NULL,"
	" state INTEGER NOT NULL,"
	" rtt_samples INTEGER NOT NULL,"
	" rtt_min_us INTEGER NOT NULL,"
	" rtt_max_us INTEGER NOT NULL,"
	" rtt_sum_us INTEGER NOT NULL,"
	" rtt_hs_client_us INTEGER NOT NULL,"
	" rtt_hs_server_us INTEGER NOT NULL,"
	" response_count INTEGER NOT NULL,"
	" response_sum_us INTEGER NOT NULL,"
	" response_max_us INTEGER NOT NULL,"
	" retransmits INTEGER NOT NULL,"
	" resets INTEGER NOT NULL,"
	" zero_windows INTEGER NOT NULL"
	");"
	"CREATE INDEX flows_closed ON flows (closed_ns);"
	"CREATE TABLE live_flows ("
	" flow_id INTEGER PRIMARY KEY,"
	" netns INTEGER NOT NULL,"
	" family INTEGER NOT NULL,"
	" proto INTEGER NOT NULL,"
	" client_port INTEGER NOT NULL,"
	" server_port INTEGER NOT NULL,"
	" client BLOB NOT NULL,"
	" server BLOB NOT NULL,"
	" opened_ns INTEGER NOT NULL,"
	" client_service TEXT NOT NULL,"
	" server_service TEXT NOT NULL,"
	" tx_bytes INTEGER NOT NULL,"
	" tx_packets INTEGER NOT NULL,"
	" rx_bytes INTEGER NOT NULL,"
	" rx_packets INTEGER NOT NULL,"
	" retransmits INTEGER NOT NULL,"
	" response_count INTEGER NOT NULL"
	");"
	"CREATE TABLE meta ("
	" key TEXT PRIMARY KEY,"
	" value INTEGER NOT NULL"
	") WITHOUT ROWID;",
	/* 1 -> 2: L7 requests per route */
	"CREATE TABLE routes ("
	" res INTEGER NOT NULL,"
	" start INTEGER NOT NULL,"
	" client TEXT NOT NULL,"
	" server TEXT NOT NULL,"
	" protocol TEXT NOT NULL,"
	" method TEXT NOT NULL,"
	" route TEXT NOT NULL,"
	" requests INTEGER NOT NULL,"
	" failures INTEGER NOT NULL,"
	" sample_rate REAL NOT NULL,"
	" latency BLOB,"
	" PRIMARY KEY (res, start, client, server, protocol, method, route)"
	") WITHOUT ROWID;"
	/* the routes of one service: flowmesh routes SERVICE */
	"CREATE INDEX routes_server ON routes (res, server, start);",
};

_Static_assert(ARRAY_SIZE(store_migrations) == FM_STORE_SCHEMA_VERSION,
	       "one migration step per schema version");

/*
 * How a window merges into the row already there: counters add, L7
 * figures stay NULL until some window knew them, the sample rate keeps
 * the smallest (most estimated) one, histograms merge.
 */
#define WINDOW_COLUMNS							\
	"res, start, client, server, opened, closed, tx_bytes, rx_bytes,"	\
	" tx_packets, rx_packets, retransmits, exchanges, requests,"	\
	" failures, sample_rate, latency, rtt"
#define WINDOW_MERGE							\
	" ON CONFLICT (res, start, client, server) DO UPDATE SET"	\
	" opened = opened + excluded.opened,"				\
	" closed = closed + excluded.closed,"				\
	" tx_bytes = tx_bytes + excluded.tx_bytes,"			\
	" rx_bytes = rx_bytes + excluded.rx_bytes,"			\
	" tx_packets = tx_packets + excluded.tx_packets,"		\
	" rx_packets = rx_packets + excluded.rx_packets,"		\
	" retransmits = retransmits + excluded.retransmits,"		\
	" exchanges = exchanges + excluded.exchanges,"			\
	" requests = CASE WHEN requests IS NULL THEN excluded.requests"	\
	"  ELSE requests + IFNULL(excluded.requests, 0) END,"		\
	" failures = CASE WHEN failures IS NULL THEN excluded.failures"	\
	"  ELSE failures + IFNULL(excluded.failures, 0) END,"		\
	" sample_rate = COALESCE(min(sample_rate, excluded.sample_rate),"	\
	"  sample_rate, excluded.sample_rate),"				\
	" latency = hist_merge(latency, excluded.latency),"		\
	" rtt = hist_merge(rtt, excluded.rtt)"

/*
 * Rolls rows of resolution ?1 with start in [?2, ?3) up into rows of
 * resolution ?4.  The WHERE clause also keeps SQLite's parser from taking
 * ON CONFLICT for a join constraint.
 */
#define WINDOW_ROLLUP							\
	"INSERT INTO windows (" WINDOW_COLUMNS ")"			\
	" SELECT ?4, start - start % ?4, client, server, SUM(opened),"	\
	" SUM(closed), SUM(tx_bytes), SUM(rx_bytes), SUM(tx_packets),"	\
	" SUM(rx_packets), SUM(retransmits), SUM(exchanges),"		\
	" SUM(requests), SUM(failures), MIN(sample_rate),"		\
	" hist_merge(latency), hist_merge(rtt)"				\
	" FROM windows WHERE res = ?1 AND start >= ?2 AND start < ?3"	\
	" GROUP BY start - start % ?4, client, server"			\
	WINDOW_MERGE

#define ROUTE_COLUMNS							\
	"res, start, client, server, protocol, method, route, requests,"	\
	" failures, sample_rate, latency"
#define ROUTE_MERGE							\
	" ON CONFLICT (res, start, client, server, protocol, method, route)"	\
	" DO UPDATE SET"						\
	" requests = requests + excluded.requests,"			\
	" failures = failures + excluded.failures,"			\
	" sample_rate = min(sample_rate, excluded.sample_rate),"	\
	" latency = hist_merge(latency, excluded.latency)"
#define ROUTE_ROLLUP							\
	"INSERT INTO routes (" ROUTE_COLUMNS ")"			\
	" SELECT ?4, start - start % ?4, client, server, protocol, method,"	\
	" route, SUM(requests), SUM(failures), MIN(sample_rate),"	\
	" hist_merge(latency)"						\
	" FROM routes WHERE res = ?1 AND start >= ?2 AND start < ?3"	\
	" GROUP BY start - start % ?4, client, server, protocol, method,"	\
	" route" ROUTE_MERGE

enum store_stmt {
	ST_BEGIN,
	ST_COMMIT,
	ST_ROLLBACK,
	ST_PUT_WINDOW,
	ST_PUT_ROUTE,
	ST_PUT_FLOW,
	ST_PUT_LIVE,
	ST_DEL_LIVE,
	ST_LOAD_LIVE,
	ST_META_GET,
	ST_META_SET,
	ST_OLDEST,
	ST_ROLLUP,
	ST_ROLLUP_ROUTES,
	ST_EXPIRE_WINDOWS,
	ST_EXPIRE_ROUTES,
	ST_EXPIRE_FLOWS,
	ST_COUNT
};

static const char *const store_sql[ST_COUNT] = {
	[ST_BEGIN] = "BEGIN IMMEDIATE",
	[ST_COMMIT] = "COMMIT",
	[ST_ROLLBACK] = "ROLLBACK",
	[ST_PUT_WINDOW] =
		"INSERT INTO windows (" WINDOW_COLUMNS ") VALUES (?1, ?2, ?3,"
		" ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,"
		" ?17)" WINDOW_MERGE,
	[ST_PUT_ROUTE] =
		"INSERT INTO routes (" ROUTE_COLUMNS ") VALUES (?1, ?2, ?3, ?4,"
		" ?5, ?6, ?7, ?8, ?9, ?10, ?11)" ROUTE_MERGE,
	[ST_PUT_FLOW] =
		"INSERT INTO flows (flow_id, netns, family, proto, client,"
		" client_port, server, server_port, client_service,"
		" server_service, opened_ns, closed_ns, tx_bytes, tx_packets,"
		" rx_bytes, rx_packets, state, rtt_samples, rtt_min_us,"
		" rtt_max_us, rtt_sum_us, rtt_hs_client_us, rtt_hs_server_us,"
		" response_count, response_sum_us, response_max_us,"
		" retransmits, resets, zero_windows) VALUES (?1, ?2, ?3, ?4,"
		" ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,"
		" ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29)",
	[ST_PUT_LIVE] =
		"INSERT OR REPLACE INTO live_flows (flow_id, netns, family,"
		" proto, client, client_port, server, server_port,"
		" client_service, server_service, opened_ns, tx_bytes,"
		" tx_packets, rx_bytes, rx_packets, retransmits,"
		" response_count) VALUES"
		" (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13,"
		" ?14, ?15, ?16, ?17)",
	[ST_DEL_LIVE] = "DELETE FROM live_flows WHERE flow_id = ?1",
	[ST_LOAD_LIVE] =
		"SELECT flow_id, netns, family, proto, client_port,"
		" server_port, client, server, opened_ns, client_service,"
		" server_service, tx_bytes, tx_packets, rx_bytes, rx_packets,"
		" retransmits, response_count FROM live_flows ORDER BY flow_id",
	[ST_META_GET] = "SELECT value FROM meta WHERE key = ?1",
	[ST_META_SET] = "INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)",
	[ST_OLDEST] = "SELECT MIN(start) FROM windows WHERE res = ?1",
	[ST_ROLLUP] = WINDOW_ROLLUP,
	[ST_ROLLUP_ROUTES] = ROUTE_ROLLUP,
	[ST_EXPIRE_WINDOWS] = ("DELETE FROM windows"
			       " WHERE res >= ?1 AND res <= ?2 AND start < ?3"),
	[ST_EXPIRE_ROUTES] = ("DELETE FROM routes"
			      " WHERE res >= ?1 AND res <= ?2 AND start < ?3"),
	[ST_EXPIRE_FLOWS] = "DELETE FROM flows WHERE closed_ns < ?1",
};

struct fm_store {
	sqlite3 *db;
	enum fm_store_mode mode;
	int version;
	sqlite3_stmt *st[ST_COUNT];	/* WRITE mode only */
	char err[FM_STORE_ERR_MAX];
};

static void store_set_err(struct fm_store *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void store_set_err(struct fm_store *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s->err, sizeof(s->err), fmt, ap);
	va_end(ap);
}

void fm_store_set_errmsg(struct fm_store *s, const char *msg)
{
	store_set_err(s, "%s", msg);
}

/* A negative errno for an SQLite result code. */
static int store_errno(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return -EBUSY;
	case SQLITE_NOMEM:
		return -ENOMEM;
	case SQLITE_READONLY:
		return -EROFS;
	case SQLITE_PERM:
	case SQLITE_AUTH:
		return -EACCES;
	case SQLITE_FULL:
		return -ENOSPC;
	case SQLITE_CANTOPEN:
		return -ENOENT;
	case SQLITE_NOTADB:
	case SQLITE_CORRUPT:
	case SQLITE_MISMATCH:
		return -EBADMSG;
	case SQLITE_TOOBIG:
		return -E2BIG;
	}
	return -EIO;
}

/* Records SQLite's message for @rc and returns it as a negative errno. */
static int store_fail(struct fm_store *s, int rc, const char *doing)
{
	store_set_err(s, "%s: %s", doing, sqlite3_errmsg(s->db));
	return store_errno(rc);
}

int fm_store_sqlite_errno(int rc)
{
	return store_errno(rc);
}

/* SQLite integers are signed: counters beyond INT64_MAX saturate. */
static sqlite3_int64 store_i64(uint64_t v)
{
	return v > INT64_MAX ? INT64_MAX : (sqlite3_int64)v;
}

/* ---- hist_merge() ------------------------------------------------------ */

/* Decodes a stored histogram, or says what is wrong with it. */
static int hist_from_value(sqlite3_context *ctx, sqlite3_value *v,
			   struct fm_hist *h)
{
	int err;

	if (sqlite3_value_type(v) != SQLITE_BLOB) {
		sqlite3_result_error(ctx, "hist_merge: argument is not a histogram BLOB",
				     -1);
		return -EBADMSG;
	}
	err = fm_hist_decode(h, sqlite3_value_blob(v),
			     (size_t)sqlite3_value_bytes(v));
	if (err == -ENOMEM) {
		sqlite3_result_error_nomem(ctx);
		return err;
	}
	if (err) {
		sqlite3_result_error(ctx, "hist_merge: malformed histogram BLOB",
				     -1);
		return err;
	}
	return 0;
}

static void hist_result(sqlite3_context *ctx, const struct fm_hist *h)
{
	size_t cap = FM_HIST_ENCODED_MAX(h);
	uint8_t *buf = sqlite3_malloc64(cap);
	long len;

	if (!buf) {
		sqlite3_result_error_nomem(ctx);
		return;
	}
	len = fm_hist_encode(h, buf, cap);
	if (len < 0) {
		sqlite3_free(buf);
		sqlite3_result_error(ctx, "hist_merge: cannot encode histogram",
				     -1);
		return;
	}
	sqlite3_result_blob64(ctx, buf, (sqlite3_uint64)len, sqlite3_free);
}

/* Adds the histogram in @v (not NULL) to @acc; false when it failed. */
static bool hist_accumulate(sqlite3_context *ctx, struct fm_hist *acc,
			    sqlite3_value *v)
{
	struct fm_hist h = FM_HIST_INIT;
	bool ok = false;

	if (hist_from_value(ctx, v, &h))
		goto out;
	if (fm_hist_merge(acc, &h)) {
		sqlite3_result_error_nomem(ctx);
		goto out;
	}
	ok = true;
out:
	fm_hist_free(&h);
	return ok;
}

struct hist_agg {
	struct fm_hist h;
	bool any;
	bool failed;
};

static void hist_merge_step(sqlite3_context *ctx, int argc,
			    sqlite3_value **argv)
{
	struct hist_agg *agg = sqlite3_aggregate_context(ctx, sizeof(*agg));

	(void)argc;
	if (!agg) {
		sqlite3_result_error_nomem(ctx);
		return;
	}
	if (agg->failed || sqlite3_value_type(argv[0]) == SQLITE_NULL)
		return;
	if (!hist_accumulate(ctx, &agg->h, argv[0]))
		agg->failed = true;
	else
		agg->any = true;
}

static void hist_merge_final(sqlite3_context *ctx)
{
	struct hist_agg *agg = sqlite3_aggregate_context(ctx, 0);

	if (!agg) {
		sqlite3_result_null(ctx);	/* no rows */
		return;
	}
	/* after a failed step the error is the result already */
	if (!agg->failed) {
		if (agg->any)
			hist_result(ctx, &agg->h);
		else
			sqlite3_result_null(ctx);	/* only NULLs */
	}
	fm_hist_free(&agg->h);
}

/* hist_merge(a, b): the two merged; NULL is an empty histogram. */
static void hist_merge2(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct fm_hist acc = FM_HIST_INIT;
	bool any = false;
	int i;

	for (i = 0; i < argc; i++) {
		if (sqlite3_value_type(argv[i]) == SQLITE_NULL)
			continue;
		if (!hist_accumulate(ctx, &acc, argv[i]))
			goto out;
		any = true;
	}
	if (any)
		hist_result(ctx, &acc);
	else
		sqlite3_result_null(ctx);
out:
	fm_hist_free(&acc);
}

int fm_store_register_functions(void *sqlite_db)
{
	const int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC |
			  SQLITE_INNOCUOUS;
	sqlite3 *db = sqlite_db;
	int rc;

	rc = sqlite3_create_function_v2(db, "hist_merge", 1, flags, NULL, NULL,
					hist_merge_step, hist_merge_final,
					NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_create_function_v2(db, "hist_merge", 2, flags,
						NULL, hist_merge2, NULL, NULL,
						NULL);
	return rc == SQLITE_OK ? 0 : store_errno(rc);
}

/* ---- opening, migrating ------------------------------------------------ */

static int store_exec(struct fm_store *s, const char *sql, const char *doing)
{
	int rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL);

	return rc == SQLITE_OK ? 0 : store_fail(s, rc, doing);
}

static int store_user_version(struct fm_store *s, int *version)
{
	sqlite3_stmt *st;
	int rc;

	rc = sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return store_fail(s, rc, "reading the schema version");
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*version = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return store_fail(s, rc, "reading the schema version");
	return 0;
}

static int store_too_new(struct fm_store *s, int version)
{
	store_set_err(s, "database schema %d is newer than this flowmesh (%d)",
		      version, FM_STORE_SCHEMA_VERSION);
	return -EPROTONOSUPPORT;
}

/*
 * Takes the database up to schema @target, each step in its own
 * transaction; the version is read again inside it in case another
 * writer upgraded the file meanwhile.
 */
static int store_migrate(struct fm_store *s, int target)
{
	char sql[64];
	int err, version;

	for (;;) {
		err = store_exec(s, "BEGIN IMMEDIATE", "upgrading the schema");
		if (err)
			return err;
		err = store_user_version(s, &version);
		if (err)
			goto fail;
		if (version < 0 || version > FM_STORE_SCHEMA_VERSION) {
			err = store_too_new(s, version);
			goto fail;
		}
		if (version >= target)
			break;
		err = store_exec(s, store_migrations[version],
				 "upgrading the schema");
		if (err)
			goto fail;
		snprintf(sql, sizeof(sql), "PRAGMA user_version = %d",
			 version + 1);
		err = store_exec(s, sql, "upgrading the schema");
		if (err)
			goto fail;
		err = store_exec(s, "COMMIT", "upgrading the schema");
		if (err)
			goto fail;
	}
	s->version = version;
	return store_exec(s, "COMMIT", "opening the database");
fail:
	sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	return err;
}

int fm_store_migrate_to(void *sqlite_db, int version)
{
	struct fm_store s = { .db = sqlite_db };

	if (version < 0 || version > FM_STORE_SCHEMA_VERSION)
		return -EINVAL;
	return store_migrate(&s, version);
}

/*
 * WAL lets readers work while the daemon writes.  synchronous=NORMAL
 * syncs the WAL at checkpoints only: a process crash loses nothing that
 * was committed (the WAL is in the page cache), a power loss may lose
 * the last transactions but never corrupts the file.
 */
static int store_setup_writer(struct fm_store *s)
{
	sqlite3_stmt *st;
	bool wal = false;
	int rc;

	rc = sqlite3_prepare_v2(s->db, "PRAGMA journal_mode = WAL", -1, &st,
				NULL);
	if (rc != SQLITE_OK)
		return store_fail(s, rc, "enabling WAL");
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const unsigned char *mode = sqlite3_column_text(st, 0);

		wal = mode && !strcmp((const char *)mode, "wal");
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return store_fail(s, rc, "enabling WAL");
	if (!wal) {
		store_set_err(s, "the database cannot use WAL journaling");
		return -EIO;
	}
	return store_exec(s, "PRAGMA synchronous = NORMAL",
			  "setting synchronous mode");
}

static int store_prepare(struct fm_store *s)
{
	size_t i;
	int rc;

	for (i = 0; i < ST_COUNT; i++) {
		rc = sqlite3_prepare_v3(s->db, store_sql[i], -1,
					SQLITE_PREPARE_PERSISTENT, &s->st[i],
					NULL);
		if (rc != SQLITE_OK)
			return store_fail(s, rc, "preparing statements");
	}
	return 0;
}

static int store_open_db(struct fm_store *s, const char *path,
			 enum fm_store_mode mode)
{
	struct stat sb;
	int flags, rc;

	if (mode == FM_STORE_READ) {
		/* SQLite would say "unable to open": say which file */
		if (stat(path, &sb)) {
			int err = -errno;

			store_set_err(s, "%s%s", strerror(errno),
				      err == -ENOENT ?
				      " (has flowmeshd run yet?)" : "");
			return err;
		}
		flags = SQLITE_OPEN_READONLY;
	} else {
		flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	}
	rc = sqlite3_open_v2(path, &s->db, flags, NULL);
	if (rc != SQLITE_OK) {
		if (!s->db) {
			store_set_err(s, "out of memory");
			return -ENOMEM;
		}
		store_set_err(s, "%s", sqlite3_errmsg(s->db));
		return store_errno(rc);
	}
	sqlite3_extended_result_codes(s->db, 1);
	rc = sqlite3_busy_timeout(s->db, FM_STORE_BUSY_MS);
	if (rc != SQLITE_OK)
		return store_fail(s, rc, "setting the busy timeout");
	return store_exec(s, "PRAGMA foreign_keys = OFF", "opening");
}

static int store_open(struct fm_store *s, const char *path,
		      enum fm_store_mode mode)
{
	int err;

	err = store_open_db(s, path, mode);
	if (err)
		return err;
	err = fm_store_register_functions(s->db);
	if (err) {
		store_set_err(s, "registering SQL functions: %s",
			      strerror(-err));
		return err;
	}
	if (mode == FM_STORE_WRITE) {
		err = store_setup_writer(s);
		if (!err)
			err = store_migrate(s, FM_STORE_SCHEMA_VERSION);
		return err ? err : store_prepare(s);
	}
	err = store_user_version(s, &s->version);
	if (err)
		return err;
	if (s->version > FM_STORE_SCHEMA_VERSION)
		return store_too_new(s, s->version);
	if (s->version < FM_STORE_SCHEMA_VERSION) {
		store_set_err(s, "database schema %d is older than this flowmesh (%d); flowmeshd upgrades it when it starts",
			      s->version, FM_STORE_SCHEMA_VERSION);
		return -EPROTONOSUPPORT;
	}
	return 0;
}

int fm_store_open(struct fm_store **out, const char *path,
		  enum fm_store_mode mode, char *err, size_t errlen)
{
	struct fm_store *s;
	int ret;

	*out = NULL;
	s = calloc(1, sizeof(*s));
	if (!s) {
		if (errlen)
			snprintf(err, errlen, "%s: out of memory", path);
		return -ENOMEM;
	}
	s->mode = mode;
	ret = store_open(s, path, mode);
	if (ret) {
		if (errlen)
			snprintf(err, errlen, "%s: %s", path, s->err);
		fm_store_close(s);
		return ret;
	}
	*out = s;
	return 0;
}

void fm_store_close(struct fm_store *s)
{
	size_t i;

	if (!s)
		return;
	for (i = 0; i < ST_COUNT; i++)
		sqlite3_finalize(s->st[i]);
	sqlite3_close(s->db);
	free(s);
}

int fm_store_schema_version(struct fm_store *s)
{
	return s->version;
}

void *fm_store_db(struct fm_store *s)
{
	return s->db;
}

const char *fm_store_errmsg(struct fm_store *s)
{
	return s->err;
}

/* ---- statements -------------------------------------------------------- */

/* The prepared statement @i, reset; NULL on a read-only handle. */
static sqlite3_stmt *store_stmt(struct fm_store *s, enum store_stmt i)
{
	if (!s->st[i]) {
		store_set_err(s, "the database is open read-only");
		return NULL;
	}
	sqlite3_reset(s->st[i]);
	sqlite3_clear_bindings(s->st[i]);
	return s->st[i];
}

/* Runs a statement that returns no rows. */
static int store_run(struct fm_store *s, sqlite3_stmt *st, const char *doing)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return store_fail(s, rc, doing);
	return 0;
}

static int store_simple(struct fm_store *s, enum store_stmt i,
			const char *doing)
{
	sqlite3_stmt *st = store_stmt(s, i);

	return st ? store_run(s, st, doing) : -EROFS;
}

int fm_store_begin(struct fm_store *s)
{
	return store_simple(s, ST_BEGIN, "starting a transaction");
}

int fm_store_commit(struct fm_store *s)
{
	return store_simple(s, ST_COMMIT, "committing");
}

void fm_store_rollback(struct fm_store *s)
{
	/* fails harmlessly when SQLite rolled back already */
	if (s->st[ST_ROLLBACK] && !sqlite3_get_autocommit(s->db))
		store_simple(s, ST_ROLLBACK, "rolling back");
}

/* Binds a histogram: NULL when it has no samples. */
static int bind_hist(struct fm_store *s, sqlite3_stmt *st, int i,
		     const struct fm_hist *h)
{
	size_t cap;
	uint8_t *buf;
	long len;

	if (!h->count)
		return sqlite3_bind_null(st, i);
	cap = FM_HIST_ENCODED_MAX(h);
	buf = malloc(cap);
	if (!buf) {
		store_set_err(s, "out of memory");
		return SQLITE_NOMEM;
	}
	len = fm_hist_encode(h, buf, cap);
	if (len < 0) {
		free(buf);
		store_set_err(s, "cannot encode a histogram");
		return SQLITE_MISUSE;
	}
	return sqlite3_bind_blob64(st, i, buf, (sqlite3_uint64)len, free);
}

static bool text_ok(const char *text, size_t size)
{
	return memchr(text, '\0', size) != NULL;
}

static bool name_ok(const char *name)
{
	return text_ok(name, FM_NAME_MAX);
}

/* ?1 to ?4, alike in windows and routes: the resolution, window, edge. */
static void bind_window_key(sqlite3_stmt *st, uint32_t res_s,
			    uint64_t start_s, const char *client,
			    const char *server)
{
	sqlite3_bind_int64(st, 1, res_s);
	sqlite3_bind_int64(st, 2, store_i64(start_s));
	sqlite3_bind_text(st, 3, client, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, server, -1, SQLITE_STATIC);
}

/*
 * Runs @st once the histograms are bound (@bind_rc, their result), then
 * lets go of the bindings: the blobs are bound with free().
 */
static int store_run_bound(struct fm_store *s, sqlite3_stmt *st,
			   int bind_rc, const char *doing)
{
	int err;

	if (bind_rc != SQLITE_OK)
		err = bind_rc == SQLITE_NOMEM ? -ENOMEM : -EINVAL;
	else
		err = store_run(s, st, doing);
	sqlite3_clear_bindings(st);
	return err;
}

int fm_store_put_window(struct fm_store *s, const struct fm_window_row *row)
{
	sqlite3_stmt *st;
	int rc;

	if (!row->res_s || !name_ok(row->client) || !name_ok(row->server)) {
		store_set_err(s, "invalid window row");
		return -EINVAL;
	}
	st = store_stmt(s, ST_PUT_WINDOW);
	if (!st)
		return -EROFS;
	bind_window_key(st, row->res_s, row->start_s, row->client, row->server);
	sqlite3_bind_int64(st, 5, store_i64(row->opened));
	sqlite3_bind_int64(st, 6, store_i64(row->closed));
	sqlite3_bind_int64(st, 7, store_i64(row->tx_bytes));
	sqlite3_bind_int64(st, 8, store_i64(row->rx_bytes));
	sqlite3_bind_int64(st, 9, store_i64(row->tx_packets));
	sqlite3_bind_int64(st, 10, store_i64(row->rx_packets));
	sqlite3_bind_int64(st, 11, store_i64(row->retransmits));
	sqlite3_bind_int64(st, 12, store_i64(row->exchanges));
	if (row->l7) {
		sqlite3_bind_int64(st, 13, store_i64(row->requests));
		sqlite3_bind_int64(st, 14, store_i64(row->failures));
		sqlite3_bind_double(st, 15, row->sample_rate);
	}
	rc = bind_hist(s, st, 16, &row->latency);
	if (rc == SQLITE_OK)
		rc = bind_hist(s, st, 17, &row->rtt);
	return store_run_bound(s, st, rc, "writing a window");
}

int fm_store_put_route(struct fm_store *s, const struct fm_route_row *row)
{
	sqlite3_stmt *st;
	int rc;

	if (!row->res_s || !name_ok(row->client) || !name_ok(row->server) ||
	    !text_ok(row->protocol, sizeof(row->protocol)) ||
	    !row->protocol[0] ||
	    !text_ok(row->method, sizeof(row->method)) ||
	    !text_ok(row->route, sizeof(row->route)) ||
	    !(row->sample_rate > 0 && row->sample_rate <= 1)) {
		store_set_err(s, "invalid route row");
		return -EINVAL;
	}
	st = store_stmt(s, ST_PUT_ROUTE);
	if (!st)
		return -EROFS;
	bind_window_key(st, row->res_s, row->start_s, row->client, row->server);
	sqlite3_bind_text(st, 5, row->protocol, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, row->method, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, row->route, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 8, store_i64(row->requests));
	sqlite3_bind_int64(st, 9, store_i64(row->failures));
	sqlite3_bind_double(st, 10, row->sample_rate);
	rc = bind_hist(s, st, 11, &row->latency);
	return store_run_bound(s, st, rc, "writing a route");
}

static void bind_addr(sqlite3_stmt *st, int i, const uint8_t *addr)
{
	sqlite3_bind_blob(st, i, addr, 16, SQLITE_STATIC);
}

/*
 * ?1 to ?10, alike in flows and live_flows: the flow's identity and its
 * two ends.  Ids are opaque 64-bit values: stored as their bit pattern.
 */
static void bind_flow_ends(sqlite3_stmt *st, uint64_t flow_id,
			   uint32_t netns, uint8_t family, uint8_t proto,
			   const uint8_t *client, uint16_t client_port,
			   const uint8_t *server, uint16_t server_port,
			   const char *client_service,
			   const char *server_service)
{
	sqlite3_bind_int64(st, 1, (sqlite3_int64)flow_id);
	sqlite3_bind_int64(st, 2, netns);
	sqlite3_bind_int(st, 3, family);
	sqlite3_bind_int(st, 4, proto);
	bind_addr(st, 5, client);
	sqlite3_bind_int(st, 6, client_port);
	bind_addr(st, 7, server);
	sqlite3_bind_int(st, 8, server_port);
	sqlite3_bind_text(st, 9, client_service, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 10, server_service, -1, SQLITE_STATIC);
}

/* The byte and packet counters, from parameter @first on. */
static void bind_traffic(sqlite3_stmt *st, int first, uint64_t tx_bytes,
			 uint64_t tx_packets, uint64_t rx_bytes,
			 uint64_t rx_packets)
{
	sqlite3_bind_int64(st, first, store_i64(tx_bytes));
	sqlite3_bind_int64(st, first + 1, store_i64(tx_packets));
	sqlite3_bind_int64(st, first + 2, store_i64(rx_bytes));
	sqlite3_bind_int64(st, first + 3, store_i64(rx_packets));
}

int fm_store_put_flow(struct fm_store *s, const struct fm_flow_row *row)
{
	const struct flowmesh_record *r = &row->rec;
	sqlite3_stmt *st;

	if (!name_ok(row->client_service) || !name_ok(row->server_service)) {
		store_set_err(s, "invalid flow row");
		return -EINVAL;
	}
	st = store_stmt(s, ST_PUT_FLOW);
	if (!st)
		return -EROFS;
	bind_flow_ends(st, r->flow_id, r->netns, r->family, r->proto,
		       r->client, r->client_port, r->server, r->server_port,
		       row->client_service, row->server_service);
	sqlite3_bind_int64(st, 11, store_i64(row->opened_ns));
	sqlite3_bind_int64(st, 12, store_i64(r->time_ns));
	bind_traffic(st, 13, r->tx_bytes, r->tx_packets, r->rx_bytes,
		     r->rx_packets);
	sqlite3_bind_int(st, 17, r->state);
	sqlite3_bind_int64(st, 18, r->rtt_samples);
	sqlite3_bind_int64(st, 19, r->rtt_min_us);
	sqlite3_bind_int64(st, 20, r->rtt_max_us);
	sqlite3_bind_int64(st, 21, store_i64(r->rtt_sum_us));
	sqlite3_bind_int64(st, 22, r->rtt_hs_client_us);
	sqlite3_bind_int64(st, 23, r->rtt_hs_server_us);
	sqlite3_bind_int64(st, 24, r->response_count);
	sqlite3_bind_int64(st, 25, store_i64(r->response_sum_us));
	sqlite3_bind_int64(st, 26, r->response_max_us);
	sqlite3_bind_int64(st, 27, r->retransmits);
	sqlite3_bind_int64(st, 28, r->resets);
	sqlite3_bind_int64(st, 29, r->zero_windows);
	return store_run(s, st, "writing a closed flow");
}

int fm_store_put_live(struct fm_store *s, const struct fm_live_flow *lf)
{
	sqlite3_stmt *st;

	if (!name_ok(lf->client_service) || !name_ok(lf->server_service)) {
		store_set_err(s, "invalid live flow");
		return -EINVAL;
	}
	st = store_stmt(s, ST_PUT_LIVE);
	if (!st)
		return -EROFS;
	bind_flow_ends(st, lf->flow_id, lf->netns, lf->family, lf->proto,
		       lf->client, lf->client_port, lf->server,
		       lf->server_port, lf->client_service, lf->server_service);
	sqlite3_bind_int64(st, 11, store_i64(lf->opened_ns));
	bind_traffic(st, 12, lf->tx_bytes, lf->tx_packets, lf->rx_bytes,
		     lf->rx_packets);
	sqlite3_bind_int64(st, 16, lf->retransmits);
	sqlite3_bind_int64(st, 17, lf->response_count);
	return store_run(s, st, "writing a live flow");
}

int fm_store_del_live(struct fm_store *s, uint64_t flow_id)
{
	sqlite3_stmt *st = store_stmt(s, ST_DEL_LIVE);

	if (!st)
		return -EROFS;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)flow_id);
	return store_run(s, st, "deleting a live flow");
}

/* ---- reading stored values: untrusted ---------------------------------- */

/*
 * Integers only: SQLite sums text as 0.0 and turns an integer overflow
 * into a float, and neither is a count.
 */
bool fm_store_col_uint(void *stmt, int col, uint64_t max, uint64_t *out)
{
	sqlite3_stmt *st = stmt;
	sqlite3_int64 v;

	if (sqlite3_column_type(st, col) != SQLITE_INTEGER)
		return false;
	v = sqlite3_column_int64(st, col);
	if (v < 0 || (uint64_t)v > max)
		return false;
	*out = (uint64_t)v;
	return true;
}

bool fm_store_col_id(void *stmt, int col, uint64_t *out)
{
	sqlite3_stmt *st = stmt;

	if (sqlite3_column_type(st, col) != SQLITE_INTEGER)
		return false;
	*out = (uint64_t)sqlite3_column_int64(st, col);
	return true;
}

bool fm_store_col_text(void *stmt, int col, char *out, size_t size)
{
	sqlite3_stmt *st = stmt;
	const unsigned char *text;
	int len;

	if (sqlite3_column_type(st, col) != SQLITE_TEXT)
		return false;
	text = sqlite3_column_text(st, col);
	len = sqlite3_column_bytes(st, col);
	if (!text || (size_t)len >= size || memchr(text, '\0', (size_t)len))
		return false;
	memcpy(out, text, (size_t)len);
	out[len] = '\0';
	return true;
}

bool fm_store_col_name(void *stmt, int col, char *out)
{
	return fm_store_col_text(stmt, col, out, FM_NAME_MAX);
}

bool fm_store_col_addr(void *stmt, int col, uint8_t family, uint8_t *out)
{
	sqlite3_stmt *st = stmt;
	const void *blob;

	if (family != AF_INET && family != AF_INET6)
		return false;
	if (sqlite3_column_type(st, col) != SQLITE_BLOB ||
	    sqlite3_column_bytes(st, col) != 16)
		return false;
	blob = sqlite3_column_blob(st, col);
	if (!blob)
		return false;
	memcpy(out, blob, 16);
	return true;
}

bool fm_store_col_u8(void *stmt, int col, uint8_t *out)
{
	uint64_t v;

	if (!fm_store_col_uint(stmt, col, UINT8_MAX, &v))
		return false;
	*out = (uint8_t)v;
	return true;
}

bool fm_store_col_u16(void *stmt, int col, uint16_t *out)
{
	uint64_t v;

	if (!fm_store_col_uint(stmt, col, UINT16_MAX, &v))
		return false;
	*out = (uint16_t)v;
	return true;
}

bool fm_store_col_u32(void *stmt, int col, uint32_t *out)
{
	uint64_t v;

	if (!fm_store_col_uint(stmt, col, UINT32_MAX, &v))
		return false;
	*out = (uint32_t)v;
	return true;
}

bool fm_store_col_u64(void *stmt, int col, uint64_t *out)
{
	return fm_store_col_uint(stmt, col, UINT64_MAX, out);
}

static bool live_from_row(sqlite3_stmt *st, struct fm_live_flow *lf)
{
	memset(lf, 0, sizeof(*lf));
	return fm_store_col_id(st, 0, &lf->flow_id) &&
	       fm_store_col_u32(st, 1, &lf->netns) &&
	       fm_store_col_u8(st, 2, &lf->family) &&
	       fm_store_col_u8(st, 3, &lf->proto) &&
	       (lf->proto == IPPROTO_TCP || lf->proto == IPPROTO_UDP) &&
	       fm_store_col_u16(st, 4, &lf->client_port) &&
	       fm_store_col_u16(st, 5, &lf->server_port) &&
	       fm_store_col_addr(st, 6, lf->family, lf->client) &&
	       fm_store_col_addr(st, 7, lf->family, lf->server) &&
	       fm_store_col_u64(st, 8, &lf->opened_ns) &&
	       fm_store_col_name(st, 9, lf->client_service) &&
	       fm_store_col_name(st, 10, lf->server_service) &&
	       fm_store_col_u64(st, 11, &lf->tx_bytes) &&
	       fm_store_col_u64(st, 12, &lf->tx_packets) &&
	       fm_store_col_u64(st, 13, &lf->rx_bytes) &&
	       fm_store_col_u64(st, 14, &lf->rx_packets) &&
	       fm_store_col_u32(st, 15, &lf->retransmits) &&
	       fm_store_col_u32(st, 16, &lf->response_count);
}

int fm_store_load_live(struct fm_store *s,
		       int (*cb)(const struct fm_live_flow *lf, void *data),
		       void *data)
{
	sqlite3_stmt *st = store_stmt(s, ST_LOAD_LIVE);
	struct fm_live_flow lf;
	int rc, err = 0;

	if (!st)
		return -EROFS;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (!live_from_row(st, &lf)) {
			store_set_err(s, "malformed live flow %lld in the database",
				      (long long)sqlite3_column_int64(st, 0));
			err = -EBADMSG;
			break;
		}
		err = cb(&lf, data);
		if (err)
			break;
	}
	if (!err && rc != SQLITE_DONE)
		err = store_fail(s, rc, "reading live flows");
	sqlite3_reset(st);
	return err;
}

/* ---- rollups, expiry --------------------------------------------------- */

/* The value of @key in meta; false when there is none. */
static int meta_get(struct fm_store *s, const char *key, uint64_t *value,
		    bool *found)
{
	sqlite3_stmt *st = store_stmt(s, ST_META_GET);
	int rc, err = 0;

	if (!st)
		return -EROFS;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	*found = false;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		if (fm_store_col_u64(st, 0, value)) {
			*found = true;
		} else {
			store_set_err(s, "malformed %s in the database", key);
			err = -EBADMSG;
		}
	} else if (rc != SQLITE_DONE) {
		err = store_fail(s, rc, "reading rollup progress");
	}
	sqlite3_reset(st);
	return err;
}

static int meta_set(struct fm_store *s, const char *key, uint64_t value)
{
	sqlite3_stmt *st = store_stmt(s, ST_META_SET);

	if (!st)
		return -EROFS;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, store_i64(value));
	return store_run(s, st, "writing rollup progress");
}

/* The oldest window start at resolution @res; false when there is none. */
static int oldest_start(struct fm_store *s, uint32_t res, uint64_t *start,
			bool *found)
{
	sqlite3_stmt *st = store_stmt(s, ST_OLDEST);
	int rc, err = 0;

	if (!st)
		return -EROFS;
	sqlite3_bind_int64(st, 1, res);
	*found = false;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
		if (fm_store_col_u64(st, 0, start)) {
			*found = true;
		} else {
			store_set_err(s, "malformed window start in the database");
			err = -EBADMSG;
		}
	} else if (rc != SQLITE_ROW) {
		err = store_fail(s, rc, "finding the oldest window");
	}
	sqlite3_reset(st);
	return err;
}

/* One rollup statement (windows or routes) over [@from, @end). */
static int rollup_table(struct fm_store *s, enum store_stmt i,
			uint32_t src_res, uint32_t dst_res, uint64_t from,
			uint64_t end, const char *doing)
{
	sqlite3_stmt *st = store_stmt(s, i);

	if (!st)
		return -EROFS;
	sqlite3_bind_int64(st, 1, src_res);
	sqlite3_bind_int64(st, 2, store_i64(from));
	sqlite3_bind_int64(st, 3, store_i64(end));
	sqlite3_bind_int64(st, 4, dst_res);
	return store_run(s, st, doing);
}

/*
 * Rolls rows of @src_res up into @dst_res rows, for every @dst_res window
 * from the last progress (the oldest @src_res row the first time) up to
 * @end, and records @end as progress.  A window is rolled up once: its
 * progress moves in the same transaction as its rows.  Routes share the
 * windows' progress: they are written in the same flushes.
 */
static int rollup_step(struct fm_store *s, uint32_t src_res, uint32_t dst_res,
		       const char *key, uint64_t end)
{
	uint64_t from;
	bool found;
	int err;

	err = meta_get(s, key, &from, &found);
	if (err)
		return err;
	if (!found) {
		err = oldest_start(s, src_res, &from, &found);
		if (err || !found)
			return err;	/* nothing to roll up yet */
		from -= from % dst_res;
	}
	if (from >= end)
		return 0;
	err = rollup_table(s, ST_ROLLUP, src_res, dst_res, from, end,
			   "rolling windows up");
	if (!err)
		err = rollup_table(s, ST_ROLLUP_ROUTES, src_res, dst_res, from,
				   end, "rolling routes up");
	if (err)
		return err;
	return meta_set(s, key, end);
}

static int store_rollup(struct fm_store *s, uint32_t fine_res_s,
			uint64_t upto_s)
{
	uint64_t minutes_done;
	bool found;
	int err;

	if (fine_res_s == FM_RES_MINUTE) {
		/* the fine rows are minute rows already */
		minutes_done = upto_s - upto_s % FM_RES_MINUTE;
	} else {
		err = rollup_step(s, fine_res_s, FM_RES_MINUTE,
				  META_ROLLUP_MINUTE,
				  upto_s - upto_s % FM_RES_MINUTE);
		if (err)
			return err;
		err = meta_get(s, META_ROLLUP_MINUTE, &minutes_done, &found);
		if (err || !found)
			return err;
	}
	/* an hour is rolled up once all its minutes are */
	return rollup_step(s, FM_RES_MINUTE, FM_RES_HOUR, META_ROLLUP_HOUR,
			   minutes_done - minutes_done % FM_RES_HOUR);
}

/*
 * Runs @fn in the caller's transaction when there is one (so its work
 * commits or rolls back with the caller's), else in one of its own.
 */
static int store_in_transaction(struct fm_store *s,
				int (*fn)(struct fm_store *s, const void *arg),
				const void *arg)
{
	bool own = sqlite3_get_autocommit(s->db);
	int err;

	if (own) {
		err = fm_store_begin(s);
		if (err)
			return err;
	}
	err = fn(s, arg);
	if (own) {
		if (!err)
			err = fm_store_commit(s);
		if (err)
			fm_store_rollback(s);
	}
	return err;
}

struct rollup_args {
	uint32_t fine_res_s;
	uint64_t upto_s;
};

static int rollup_fn(struct fm_store *s, const void *arg)
{
	const struct rollup_args *a = arg;

	return store_rollup(s, a->fine_res_s, a->upto_s);
}

int fm_store_rollup(struct fm_store *s, uint32_t fine_res_s, uint64_t upto_s)
{
	struct rollup_args a = { fine_res_s, upto_s };

	/* minutes are made of whole fine windows */
	if (!fine_res_s || FM_RES_MINUTE % fine_res_s) {
		store_set_err(s, "a window of %u s does not divide a minute",
			      fine_res_s);
		return -EINVAL;
	}
	return store_in_transaction(s, rollup_fn, &a);
}

static int expire_table(struct fm_store *s, enum store_stmt i,
			uint32_t res_lo, uint32_t res_hi, uint64_t cutoff_s,
			const char *doing)
{
	sqlite3_stmt *st = store_stmt(s, i);

	if (!st)
		return -EROFS;
	sqlite3_bind_int64(st, 1, res_lo);
	sqlite3_bind_int64(st, 2, res_hi);
	sqlite3_bind_int64(st, 3, store_i64(cutoff_s));
	return store_run(s, st, doing);
}

/* Windows and routes of resolutions [@res_lo, @res_hi] alike. */
static int expire_windows(struct fm_store *s, uint32_t res_lo,
			  uint32_t res_hi, uint32_t keep_s, uint64_t now_s)
{
	int err;

	if (!keep_s || keep_s >= now_s)
		return 0;
	err = expire_table(s, ST_EXPIRE_WINDOWS, res_lo, res_hi,
			   now_s - keep_s, "expiring windows");
	if (!err)
		err = expire_table(s, ST_EXPIRE_ROUTES, res_lo, res_hi,
				   now_s - keep_s, "expiring routes");
	return err;
}

struct expire_args {
	const struct fm_retention *r;
	uint64_t now_s;
};

static int expire_fn(struct fm_store *s, const void *arg)
{
	const struct expire_args *a = arg;
	const struct fm_retention *r = a->r;
	uint64_t cutoff_s;
	sqlite3_stmt *st;
	int err;

	/* finer than a minute is fine; 60 minute, 3600 hour */
	err = expire_windows(s, 1, FM_RES_MINUTE - 1, r->fine_s, a->now_s);
	if (!err)
		err = expire_windows(s, FM_RES_MINUTE, FM_RES_MINUTE,
				     r->minute_s, a->now_s);
	if (!err)
		err = expire_windows(s, FM_RES_HOUR, FM_RES_HOUR, r->hour_s,
				     a->now_s);
	if (err || !r->flows_s || r->flows_s >= a->now_s)
		return err;
	cutoff_s = a->now_s - r->flows_s;
	st = store_stmt(s, ST_EXPIRE_FLOWS);
	if (!st)
		return -EROFS;
	sqlite3_bind_int64(st, 1, cutoff_s > INT64_MAX / 1000000000 ?
			   INT64_MAX : (sqlite3_int64)cutoff_s * 1000000000);
	return store_run(s, st, "expiring closed flows");
}

int fm_store_expire(struct fm_store *s, const struct fm_retention *r,
		    uint64_t now_s)
{
	struct expire_args a = { r, now_s };

	return store_in_transaction(s, expire_fn, &a);
}

int fm_store_checkpoint(struct fm_store *s)
{
	int rc;

	rc = sqlite3_wal_checkpoint_v2(s->db, NULL, SQLITE_CHECKPOINT_PASSIVE,
				       NULL, NULL);
	/* readers in the way are not an error: the next one catches up */
	if (rc != SQLITE_OK && rc != SQLITE_BUSY)
		return store_fail(s, rc, "checkpointing the WAL");
	return 0;
}
