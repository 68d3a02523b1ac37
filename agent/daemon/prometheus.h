/* SPDX-License-Identifier: GPL-2.0 */
/*
 * GET /metrics: the Prometheus text exposition format, version 0.0.4.
 * Series and their meaning are listed in docs/api.md.
 */
#ifndef FLOWMESH_DAEMON_PROMETHEUS_H
#define FLOWMESH_DAEMON_PROMETHEUS_H

#include <stddef.h>
#include <stdio.h>

#include "daemon/aggregate.h"
#include "daemon/daemon.h"
#include "lib/query.h"
#include "lib/stats.h"

#define FM_PROM_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

/* What one scrape shows; any pointer but @status may be NULL. */
struct fm_prom_input {
	const struct fm_daemon_status *status;
	const struct fm_stats *module;		/* NULL: module not reached */
	const struct fm_edge_totals *totals;	/* since the agent started */
	size_t ntotals;
	const struct fm_metrics_rows *recent;	/* edges of the last minute */
	size_t max_series;			/* edges per family, at most */
};

/* A label value with \, " and newline escaped. */
void fm_prom_write_label_value(FILE *out, const char *value);
/* 0, or -EIO when @out failed. */
int fm_prom_write(FILE *out, const struct fm_prom_input *in);

#endif /* FLOWMESH_DAEMON_PROMETHEUS_H */
