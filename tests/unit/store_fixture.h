/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A database in a fresh temporary directory, and checks shared by the
 * tests that write and read the store.
 */
#ifndef FLOWMESH_TEST_STORE_FIXTURE_H
#define FLOWMESH_TEST_STORE_FIXTURE_H

#include "lib/hist.h"
#include "lib/store.h"

struct store_dir {
	char dir[64];
	char path[128];		/* dir/flowmesh.db */
};

/* A new directory /tmp/fm-@tag-XXXXXX; 0 or -1. */
int store_dir_make(struct store_dir *d, const char *tag);
/* The database with its WAL, shared-memory and journal files, then dir. */
void store_dir_remove(struct store_dir *d);

/* cmocka state: a store_dir and the store the test opens in it. */
struct store_fixture {
	struct store_dir d;
	struct fm_store *s;
};

/* Setup and teardown: a new store_fixture, @tag naming its directory. */
int store_fixture_setup(void **state, const char *tag);
/* Closes the store if open, removes the directory. */
int store_fixture_teardown(void **state);

/* fm_store_put_window() must succeed; the row's histograms are freed. */
void put_window_ok(struct fm_store *s, struct fm_window_row *w);

/* Same counts, buckets and so quantiles. */
void assert_hist_equal(const struct fm_hist *a, const struct fm_hist *b);

#endif /* FLOWMESH_TEST_STORE_FIXTURE_H */
