// SPDX-License-Identifier: GPL-2.0
/*
 * flowmesh top: stat and edges on a full screen, refreshed.  A frame is
 * rendered into lines by top_render(), which knows nothing of terminals;
 * the curses part only puts those lines on the screen and reads keys.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <curses.h>
#include "cli/cli.h"
#include "lib/query.h"
#include "lib/store.h"

static const char top_usage[] =
	"Usage: flowmesh top [-o table|wide] [--interval DUR]\n"
	"                    [--window DUR | --since TIME|DUR] [--db PATH]\n"
	"                    [--config PATH]\n";

static const char top_description[] =
	"\n"
	"Show the golden metrics of every service and, below them, of every\n"
	"caller -> callee pair, on the full terminal, read again from the\n"
	"agent's database every --interval.  The first line gives the time\n"
	"and the period shown (UTC); with --window or a --since DUR the period\n"
	"slides with the time, with a --since TIME it grows.  Rows that do not\n"
	"fit the terminal are cut off; 'flowmesh stat' and 'flowmesh edges'\n"
	"print them all.  Standard output must be a terminal.\n"
	"\n"
	"Keys:\n"
	"  q            quit (so do Ctrl-C and SIGTERM)\n"
	"  e            hide or show the edges\n"
	"  any other    read the database again now\n"
	"\n"
	"Options:\n"
	"  -o, --output FORMAT  table (the default) or wide (every column)\n"
	"      --interval DUR   time between two readings, 1s to 1h\n"
	"                       (default 2s)\n";

static const char top_fields[] =
	"\n"
	"Columns: SERVICE, or CLIENT and SERVER for edges, then:\n";

static const char top_examples[] =
	"\n"
	"Examples:\n"
	"  flowmesh top\n"
	"  flowmesh top --window 10m --interval 10s -o wide\n";

void top_help(FILE *out)
{
	fputs(top_usage, out);
	fputs(top_description, out);
	fputs(metrics_common_help, out);
	fputs(top_fields, out);
	fputs(metrics_columns_help, out);
	fputc('\n', out);
	fputs(cli_exit_status_help, out);
	fputs(top_examples, out);
}

/* The frame as text, before it is cut to the screen. */
static int top_text(FILE *out, const struct top_frame *f)
{
	enum cli_format format = f->wide ? CLI_FORMAT_WIDE : CLI_FORMAT_TABLE;
	char now[32], from[32], to[32];
	int err;

	cli_format_utc(f->now_s, now, sizeof(now));
	cli_format_utc(f->from_s, from, sizeof(from));
	cli_format_utc(f->to_s, to, sizeof(to));
	fprintf(out, "flowmesh top  %s  period %s to %s  every %us  q: quit  e: edges\n\n",
		now, from, to, f->interval_s);
	err = metrics_print(out, f->services, false, format);
	if (!err && f->edges) {
		fputc('\n', out);
		err = metrics_print(out, f->edges, true, format);
	}
	return err;
}

int top_render(FILE *out, const struct top_frame *frame, int width,
	       int height)
{
	char *text = NULL, *line, *end;
	size_t len = 0, n;
	FILE *mem;
	int err, i;

	mem = open_memstream(&text, &len);
	if (!mem)
		return -ENOMEM;
	err = top_text(mem, frame);
	if (fclose(mem) && !err)
		err = -ENOMEM;
	line = text;
	for (i = 0; !err && i < height && line < text + len; i++) {
		end = strchr(line, '\n');
		n = end ? (size_t)(end - line) : strlen(line);
		fprintf(out, "%.*s\n", (int)(n < (size_t)width ? n : (size_t)width),
			line);
		line += n + (end != NULL);
	}
	free(text);
	return err;
}

static volatile sig_atomic_t top_stop;

static void top_on_signal(int sig)
{
	(void)sig;
	top_stop = 1;
}

/* The rendered frame onto the screen, line by line. */
static int top_draw(const struct top_frame *frame)
{
	char *text = NULL, *line, *end;
	size_t len = 0;
	FILE *mem;
	int err, y;

	mem = open_memstream(&text, &len);
	if (!mem)
		return -ENOMEM;
	err = top_render(mem, frame, COLS, LINES);
	if (fclose(mem) && !err)
		err = -ENOMEM;
	erase();
	for (y = 0, line = text; !err && line && *line; y++) {
		end = strchr(line, '\n');
		mvaddnstr(y, 0, line, end ? (int)(end - line) : -1);
		line = end ? end + 1 : NULL;
	}
	refresh();
	free(text);
	return err;
}

struct top_state {
	struct fm_store *store;
	const struct metrics_opts *opts;
	bool show_edges;
	int store_err;		/* a failed query: report after endwin() */
};

static int top_frame_once(struct top_state *st)
{
	const struct metrics_opts *opts = st->opts;
	struct fm_metrics_rows services = { 0 }, edges = { 0 };
	struct top_frame frame = {
		.services = &services,
		.edges = st->show_edges ? &edges : NULL,
		.now_s = (uint64_t)time(NULL),
		.interval_s = opts->interval_s,
		.wide = opts->format == CLI_FORMAT_WIDE,
	};
	char reason[CLI_ERR_MAX];
	int err;

	/* parsed once already: now only moves forward, so this holds */
	if (cli_parse_period(opts->window, opts->since, frame.now_s,
			     &frame.from_s, &frame.to_s, reason,
			     sizeof(reason)))
		return -EINVAL;
	err = metrics_query(st->store, opts, frame.from_s, frame.to_s,
			    &services, st->show_edges ? &edges : NULL);
	if (err)
		st->store_err = err;
	else
		err = top_draw(&frame);
	fm_metrics_rows_free(&services);
	fm_metrics_rows_free(&edges);
	return err;
}

static int top_loop(struct top_state *st)
{
	int err = 0, key;

	initscr();
	cbreak();
	noecho();
	keypad(stdscr, TRUE);
	curs_set(0);
	timeout((int)st->opts->interval_s * 1000);
	while (!top_stop) {
		err = top_frame_once(st);
		if (err)
			break;
		key = getch();
		if (key == 'q' || key == 'Q')
			break;
		if (key == 'e' || key == 'E')
			st->show_edges = !st->show_edges;
	}
	endwin();
	return err;
}

int top_main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = top_on_signal };
	struct top_state st = { .show_edges = true };
	char reason[CLI_ERR_MAX];
	struct metrics_opts opts;
	int ret, err;

	ret = cli_parsed(metrics_parse_args(METRICS_TOP, argc, argv,
					    (uint64_t)time(NULL), &opts,
					    reason, sizeof(reason)),
			 "top", top_help, reason);
	if (ret >= 0)
		return ret;
	if (!isatty(STDOUT_FILENO))
		return cli_usage_error("top", "standard output is not a terminal; 'flowmesh stat' and 'flowmesh edges' print to pipes and files");
	ret = cli_open_store(opts.db_path, opts.config_path, &st.store);
	if (ret)
		return ret;
	st.opts = &opts;

	/* no SA_RESTART: getch() returns, and the loop ends cleanly */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	err = top_loop(&st);
	if (st.store_err)
		ret = cli_report_store(st.store, st.store_err);
	else if (err)
		ret = cli_report(err, "showing top");
	fm_store_close(st.store);
	return ret;
}
