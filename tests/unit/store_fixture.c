// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <cmocka.h>
#include "store_fixture.h"

int store_dir_make(struct store_dir *d, const char *tag)
{
	snprintf(d->dir, sizeof(d->dir), "/tmp/fm-%s-XXXXXX", tag);
	if (!mkdtemp(d->dir))
		return -1;
	snprintf(d->path, sizeof(d->path), "%s/flowmesh.db", d->dir);
	return 0;
}

void store_dir_remove(struct store_dir *d)
{
	static const char *const sfx[] = { "", "-wal", "-shm", "-journal" };
	char p[160];
	size_t i;

	for (i = 0; i < sizeof(sfx) / sizeof(*sfx); i++) {
		snprintf(p, sizeof(p), "%s%s", d->path, sfx[i]);
		unlink(p);
	}
	rmdir(d->dir);
}

int store_fixture_setup(void **state, const char *tag)
{
	struct store_fixture *f = calloc(1, sizeof(*f));

	if (!f || store_dir_make(&f->d, tag)) {
		free(f);
		return -1;
	}
	*state = f;
	return 0;
}

int store_fixture_teardown(void **state)
{
	struct store_fixture *f = *state;

	fm_store_close(f->s);
	store_dir_remove(&f->d);
	free(f);
	return 0;
}

void put_window_ok(struct fm_store *s, struct fm_window_row *w)
{
	int err = fm_store_put_window(s, w);

	if (err)
		fail_msg("put_window: %d %s", err, fm_store_errmsg(s));
	fm_hist_free(&w->latency);
	fm_hist_free(&w->rtt);
}

void assert_hist_equal(const struct fm_hist *a, const struct fm_hist *b)
{
	static const double qs[] = { 0.01, 0.5, 0.9, 0.95, 0.99, 1 };
	size_t i;

	assert_int_equal(a->count, b->count);
	assert_int_equal(a->sum, b->sum);
	assert_int_equal(a->min, b->min);
	assert_int_equal(a->max, b->max);
	assert_int_equal(a->len, b->len);
	for (i = 0; i < a->len; i++) {
		assert_int_equal(a->b[i].index, b->b[i].index);
		assert_int_equal(a->b[i].count, b->b[i].count);
	}
	for (i = 0; i < sizeof(qs) / sizeof(*qs); i++)
		assert_int_equal(fm_hist_quantile(a, qs[i]),
				 fm_hist_quantile(b, qs[i]));
}
