// SPDX-License-Identifier: GPL-2.0
/*
 * The Prometheus text format, version 0.0.4: each family once, with HELP
 * and TYPE lines, then its samples.  Label values are escaped as the
 * format says (backslash, double quote, newline); HELP texts likewise
 * (backslash, newline).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <string.h>
#include "daemon/prometheus.h"

void fm_prom_write_label_value(FILE *out, const char *value)
{
	const char *p;

	for (p = value; *p; p++) {
		if (*p == '\\')
			fputs("\\\\", out);
		else if (*p == '"')
			fputs("\\\"", out);
		else if (*p == '\n')
			fputs("\\n", out);
		else
			fputc(*p, out);
	}
}

static void fm_prom_family(FILE *out, const char *name, const char *suffix,
			   const char *type, const char *help)
{
	const char *p;

	fprintf(out, "# HELP %s%s ", name, suffix);
	for (p = help; *p; p++) {
		if (*p == '\\')
			fputs("\\\\", out);
		else if (*p == '\n')
			fputs("\\n", out);
		else
			fputc(*p, out);
	}
	fprintf(out, "\n# TYPE %s%s %s\n", name, suffix, type);
}

/* Left open: a quantile label may follow. */
static void fm_prom_edge_labels(FILE *out, const char *client,
				const char *server)
{
	fputs("{client=\"", out);
	fm_prom_write_label_value(out, client);
	fputs("\",server=\"", out);
	fm_prom_write_label_value(out, server);
	fputc('"', out);
}

static void fm_prom_agent(FILE *out, const struct fm_daemon_status *st)
{
	const struct fm_status_field *f;
	char name[128];

	for (f = fm_status_fields; f < fm_status_fields + fm_status_nfields;
	     f++) {
		snprintf(name, sizeof(name), "flowmesh_agent_%s", f->name);
		fm_prom_family(out, name, f->gauge ? "" : "_total",
			       f->gauge ? "gauge" : "counter", f->help);
		fprintf(out, "%s%s %" PRIu64 "\n", name,
			f->gauge ? "" : "_total", fm_status_value(st, f));
	}
	fm_prom_family(out, "flowmesh_agent_start_time_seconds", "", "gauge",
		       "When flowmeshd started, seconds since the Unix epoch.");
	fprintf(out, "flowmesh_agent_start_time_seconds %" PRIu64 "\n",
		st->started_ns / 1000000000);
	if (st->last_flush_ns) {
		fm_prom_family(out, "flowmesh_agent_last_flush_timestamp_seconds",
			       "", "gauge",
			       "When the last flush committed, seconds since the Unix epoch.");
		fprintf(out, "flowmesh_agent_last_flush_timestamp_seconds %" PRIu64 "\n",
			st->last_flush_ns / 1000000000);
	}
}

/* flows_active, flows_max and records_queued are levels; the rest counts */
static bool fm_prom_module_gauge(const char *name)
{
	return !strcmp(name, "flows_active") || !strcmp(name, "flows_max") ||
	       !strcmp(name, "records_queued");
}

static void fm_prom_module(FILE *out, const struct fm_stats *stats)
{
	const struct fm_stats_field *f;
	char name[128];
	bool gauge;

	for (f = fm_stats_fields; f < fm_stats_fields + FM_STATS_NFIELDS; f++) {
		if (!fm_stats_present(stats, f))
			continue;
		gauge = fm_prom_module_gauge(f->name);
		snprintf(name, sizeof(name), "flowmesh_module_%s%s", f->name,
			 gauge ? "" : "_total");
		fm_prom_family(out, name, "", gauge ? "gauge" : "counter",
			       f->help);
		fprintf(out, "%s %" PRIu64 "\n", name,
			fm_stats_value(stats, f));
	}
}

static const struct fm_prom_total {
	const char *name;
	const char *help;
	size_t offset;
} fm_prom_totals[] = {
	{ "flowmesh_edge_connections_opened_total",
	  "Connections the client opened to the server.",
	  offsetof(struct fm_edge_totals, opened) },
	{ "flowmesh_edge_connections_closed_total",
	  "Connections between the client and the server that closed.",
	  offsetof(struct fm_edge_totals, closed) },
	{ "flowmesh_edge_tx_bytes_total",
	  "IP bytes from the client to the server.",
	  offsetof(struct fm_edge_totals, tx_bytes) },
	{ "flowmesh_edge_rx_bytes_total",
	  "IP bytes from the server to the client.",
	  offsetof(struct fm_edge_totals, rx_bytes) },
	{ "flowmesh_edge_exchanges_total",
	  "Request -> response exchanges timed at L4.",
	  offsetof(struct fm_edge_totals, exchanges) },
	{ "flowmesh_edge_requests_total",
	  "L7 requests of inspected flows, scaled up to every flow.",
	  offsetof(struct fm_edge_totals, requests) },
	{ "flowmesh_edge_request_failures_total",
	  "L7 requests that failed, scaled like the requests.",
	  offsetof(struct fm_edge_totals, failures) },
};

static size_t fm_prom_min(size_t a, size_t b)
{
	return a < b ? a : b;
}

static void fm_prom_edges(FILE *out, const struct fm_prom_input *in)
{
	size_t n = fm_prom_min(in->ntotals, in->max_series), i, k;
	const struct fm_edge_totals *t;

	for (k = 0; k < sizeof(fm_prom_totals) / sizeof(*fm_prom_totals);
	     k++) {
		fm_prom_family(out, fm_prom_totals[k].name, "", "counter",
			       fm_prom_totals[k].help);
		for (i = 0; i < n; i++) {
			t = &in->totals[i];
			fputs(fm_prom_totals[k].name, out);
			fm_prom_edge_labels(out, t->client, t->server);
			fprintf(out, "} %" PRIu64 "\n",
				*(const uint64_t *)((const char *)t +
						    fm_prom_totals[k].offset));
		}
	}
}

static const struct fm_prom_quantile {
	double q;
	const char *label;
} fm_prom_quantiles[] = {
	{ 0.5, "0.5" }, { 0.95, "0.95" }, { 0.99, "0.99" },
};

static void fm_prom_latency(FILE *out, const struct fm_prom_input *in,
			    const char *name, const char *help, bool rtt)
{
	size_t n = fm_prom_min(in->recent->len, in->max_series), i, k;
	const struct fm_metrics_row *row;
	const struct fm_hist *h;

	fm_prom_family(out, name, "", "gauge", help);
	for (i = 0; i < n; i++) {
		row = &in->recent->v[i];
		h = rtt ? &row->rtt : &row->latency;
		if (!h->count)
			continue;
		for (k = 0; k < 3; k++) {
			fputs(name, out);
			fm_prom_edge_labels(out, row->client, row->server);
			fprintf(out, ",quantile=\"%s\"} %.6f\n",
				fm_prom_quantiles[k].label,
				(double)fm_hist_quantile(h, fm_prom_quantiles[k].q) / 1e6);
		}
	}
}

int fm_prom_write(FILE *out, const struct fm_prom_input *in)
{
	fm_prom_agent(out, in->status);
	if (in->module)
		fm_prom_module(out, in->module);
	if (in->totals)
		fm_prom_edges(out, in);
	if (in->recent) {
		fm_prom_latency(out, in, "flowmesh_edge_latency_seconds",
				"Response time over the last minute, by quantile.",
				false);
		fm_prom_latency(out, in, "flowmesh_edge_rtt_seconds",
				"Network round-trip time over the last minute, by quantile.",
				true);
	}
	return ferror(out) ? -EIO : 0;
}
