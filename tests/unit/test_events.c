// SPDX-License-Identifier: GPL-2.0
/*
 * flowmesh events: the drain loop (until empty, --count, --timeout,
 * signals, --follow's notifications and once-a-second safety drain) run
 * against canned DRAIN replies and a scripted clock; DATA_READY
 * notifications; the events group's id; the output against golden files.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <linux/genetlink.h>
#include <linux/flowmesh.h>
#include "cli/cli.h"
#include "lib/genl.h"
#include "lib/notify.h"
#include "lib/record.h"
#include "fake_nl.h"
#include "golden.h"
#include "nlbuild.h"

/* --- a scripted world ---------------------------------------------------- */

struct step {
	int wake;		/* what wait() returns */
	uint64_t after_ms;	/* how long it took; 0 with TIMEOUT: all of it */
};

struct script {
	uint64_t now;
	const struct step *steps;
	size_t nsteps, next;
	int timeouts[16];	/* what each wait() was asked for */
	unsigned int stop_after_checks;	/* stopped() true from then; 0 never */
	unsigned int checks;
};

static int s_wait(void *ctx, int timeout_ms)
{
	struct script *s = ctx;
	const struct step *st;

	assert_true(timeout_ms >= 0 && timeout_ms <= EVENTS_SAFETY_MS);
	if (s->next < 16)
		s->timeouts[s->next] = timeout_ms;
	if (s->next == s->nsteps)
		return EVENTS_WAKE_STOP;	/* the script is over */
	st = &s->steps[s->next++];
	s->now += st->after_ms ? st->after_ms :
		  st->wake == EVENTS_WAKE_TIMEOUT ? (uint64_t)timeout_ms : 0;
	return st->wake;
}

static uint64_t s_now(void *ctx)
{
	return ((struct script *)ctx)->now;
}

static bool s_stopped(void *ctx)
{
	struct script *s = ctx;

	s->checks++;
	return s->stop_after_checks && s->checks >= s->stop_after_checks;
}

struct fixture {
	struct fake_nl fake;
	struct fm_nl nl;
	struct nlb_dgram d;
	struct script script;
	struct events_hooks hooks;
	struct events_opts opts;
	struct events_run run;
	char *out;
	size_t outlen;
	unsigned int next_rec;
};

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	if (!fx)
		return -1;
	fake_nl_init(&fx->fake, &fx->nl);
	fx->hooks = (struct events_hooks){
		.wait = s_wait, .now_ms = s_now, .stopped = s_stopped,
		.ctx = &fx->script,
	};
	fx->opts.format = CLI_FORMAT_JSON;
	fx->run = (struct events_run){ .opts = &fx->opts, .nl = &fx->nl,
				       .hooks = &fx->hooks };
	fx->run.out = open_memstream(&fx->out, &fx->outlen);
	if (!fx->run.out)
		return -1;
	fx->script.now = 5000;	/* any start will do */
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	if (fx->run.out)
		fclose(fx->run.out);
	free(fx->out);
	fake_nl_free(&fx->fake);
	free(fx);
	return 0;
}

/* One DRAIN reply: @n records (in one message), then NLMSG_DONE. */
static void queue_drain(struct fixture *fx, size_t n)
{
	struct flowmesh_record recs[16];
	size_t i;

	assert_true(n <= 16);
	for (i = 0; i < n; i++)
		nlb_record_sample(&recs[i], fx->next_rec++);
	if (n)
		nlb_add(&fx->d, nlb_records(nlb_tail(&fx->d), recs, n, 0));
	nlb_add(&fx->d, nlb_done(nlb_tail(&fx->d), 0));
	fake_nl_queue(&fx->fake, fx->d.u.buf, fx->d.len);
	fx->d.len = 0;
}

static size_t lines(struct fixture *fx)
{
	size_t i, n = 0;

	fflush(fx->run.out);
	for (i = 0; i < fx->outlen; i++)
		n += fx->out[i] == '\n';
	return n;
}

static void assert_all_drains(struct fixture *fx)
{
	unsigned int i;

	for (i = 0; i < fx->fake.nsent; i++) {
		assert_int_equal(fx->fake.sent_genl[i].cmd, FLOWMESH_CMD_DRAIN);
		assert_int_equal(fx->fake.sent[i].nlmsg_flags,
				 NLM_F_REQUEST | NLM_F_DUMP);
	}
	assert_int_equal(fx->fake.nsent, fx->run.drains);
}

/* --- without --follow ------------------------------------------------------ */

/* The dump is issued again until one comes back with no records. */
static void test_events_until_empty(void **state)
{
	struct fixture *fx = *state;

	queue_drain(fx, 3);
	queue_drain(fx, 2);
	queue_drain(fx, 0);
	queue_drain(fx, 4);	/* never asked for */
	assert_int_equal(events_loop(&fx->run), 0);
	assert_int_equal(fx->run.drains, 3);
	assert_int_equal(fx->run.printed, 5);
	assert_int_equal(lines(fx), 5);
	assert_int_equal(fx->script.next, 0);	/* never waited */
	assert_all_drains(fx);
}

static void test_events_empty_table(void **state)
{
	struct fixture *fx = *state;

	fx->opts.format = CLI_FORMAT_TABLE;
	queue_drain(fx, 0);
	assert_int_equal(events_loop(&fx->run), 0);
	assert_int_equal(lines(fx), 1);		/* the header alone */
	assert_non_null(strstr(fx->out, "TIME "));
}

/* --count: the dump is dropped at the Nth record, and that is success. */
static void test_events_count(void **state)
{
	struct fixture *fx = *state;

	fx->opts.count = 4;
	queue_drain(fx, 3);
	queue_drain(fx, 2);
	queue_drain(fx, 0);
	assert_int_equal(events_loop(&fx->run), 0);
	assert_true(fx->run.limit_reached);
	assert_int_equal(fx->run.printed, 4);
	assert_int_equal(lines(fx), 4);
	assert_int_equal(fx->run.drains, 2);
}

/* A signal between dumps ends the drain there, successfully. */
static void test_events_signal_between_dumps(void **state)
{
	struct fixture *fx = *state;

	fx->script.stop_after_checks = 2;
	queue_drain(fx, 3);
	queue_drain(fx, 3);
	assert_int_equal(events_loop(&fx->run), 0);
	assert_int_equal(fx->run.drains, 1);
	assert_int_equal(fx->run.printed, 3);
}

static void test_events_error(void **state)
{
	struct fixture *fx = *state;

	fx->opts.format = CLI_FORMAT_TABLE;
	nlb_add(&fx->d, nlb_error_ext(nlb_tail(&fx->d), -EPERM,
				      "node-wide command: run it in the initial network namespace",
				      false, 0, true, NULL));
	fake_nl_queue(&fx->fake, fx->d.u.buf, fx->d.len);
	assert_int_equal(events_loop(&fx->run), -EPERM);
	/* nothing on stdout for a command that failed */
	assert_int_equal(lines(fx), 0);
	assert_string_equal(fx->nl.extack.msg,
			    "node-wide command: run it in the initial network namespace");
}

/* --- with --follow ------------------------------------------------------------ */

static void test_events_follow(void **state)
{
	static const struct step steps[] = {
		{ EVENTS_WAKE_READY, 100 },	/* a ring got data */
		{ EVENTS_WAKE_TIMEOUT, 0 },	/* a quiet second */
		{ EVENTS_WAKE_OVERRUN, 5 },	/* notifications lost */
		{ EVENTS_WAKE_READY, 10 },
		{ EVENTS_WAKE_STOP, 1 },	/* SIGINT */
	};
	struct fixture *fx = *state;

	fx->opts.follow = true;
	fx->script.steps = steps;
	fx->script.nsteps = 5;
	queue_drain(fx, 0);		/* at start */
	queue_drain(fx, 2);		/* after READY */
	queue_drain(fx, 0);
	queue_drain(fx, 0);		/* the safety drain */
	queue_drain(fx, 1);		/* after the overrun */
	queue_drain(fx, 0);
	queue_drain(fx, 0);		/* after READY */
	assert_int_equal(events_loop(&fx->run), 0);
	assert_int_equal(fx->run.drains, 7);
	assert_int_equal(fx->run.printed, 3);
	assert_int_equal(fx->run.overruns, 1);
	assert_int_equal(fx->script.next, 5);
	/* every wait is bounded by the next safety drain */
	assert_int_equal(fx->script.timeouts[0], 1000);
	assert_int_equal(fx->script.timeouts[1], 1000);
	assert_int_equal(fx->script.timeouts[2], 1000);
	assert_int_equal(fx->script.timeouts[3], 1000);
	assert_all_drains(fx);
}

/* Woken early for nothing: the safety drain keeps its time. */
static void test_events_follow_spurious(void **state)
{
	static const struct step steps[] = {
		{ EVENTS_WAKE_TIMEOUT, 300 },	/* e.g. another message */
		{ EVENTS_WAKE_TIMEOUT, 0 },
	};
	struct fixture *fx = *state;

	fx->opts.follow = true;
	fx->script.steps = steps;
	fx->script.nsteps = 2;
	queue_drain(fx, 0);
	queue_drain(fx, 0);
	assert_int_equal(events_loop(&fx->run), 0);
	assert_int_equal(fx->script.timeouts[0], 1000);
	assert_int_equal(fx->script.timeouts[1], 700);
	assert_int_equal(fx->run.drains, 2);
}

/* --timeout: the last wait is cut to the deadline, and then it ends. */
static void test_events_follow_timeout(void **state)
{
	static const struct step steps[] = {
		{ EVENTS_WAKE_TIMEOUT, 0 },
		{ EVENTS_WAKE_TIMEOUT, 0 },
		{ EVENTS_WAKE_TIMEOUT, 0 },
		{ EVENTS_WAKE_READY, 1 },	/* never reached */
	};
	struct fixture *fx = *state;

	fx->opts.follow = true;
	fx->opts.timeout_ms = 2500;
	fx->script.steps = steps;
	fx->script.nsteps = 4;
	queue_drain(fx, 1);
	queue_drain(fx, 0);
	queue_drain(fx, 0);		/* at 1 s */
	queue_drain(fx, 0);		/* at 2 s */
	assert_int_equal(events_loop(&fx->run), 0);
	assert_int_equal(fx->script.next, 3);
	assert_int_equal(fx->script.timeouts[0], 1000);
	assert_int_equal(fx->script.timeouts[1], 1000);
	assert_int_equal(fx->script.timeouts[2], 500);
	assert_int_equal(fx->run.drains, 4);
	assert_int_equal(fx->script.now, 5000 + 2500);
}

/* --count with --follow: ends inside the drain that reaches it. */
static void test_events_follow_count(void **state)
{
	static const struct step steps[] = {
		{ EVENTS_WAKE_READY, 50 },
		{ EVENTS_WAKE_READY, 50 },	/* never reached */
	};
	struct fixture *fx = *state;

	fx->opts.follow = true;
	fx->opts.count = 2;
	fx->script.steps = steps;
	fx->script.nsteps = 2;
	queue_drain(fx, 1);
	queue_drain(fx, 0);
	queue_drain(fx, 3);
	assert_int_equal(events_loop(&fx->run), 0);
	assert_int_equal(fx->run.printed, 2);
	assert_int_equal(fx->script.next, 1);
	assert_int_equal(fx->run.drains, 3);
}

static void test_events_follow_signal(void **state)
{
	struct fixture *fx = *state;

	/* a signal while the first drain ran: no wait at all */
	fx->opts.follow = true;
	fx->script.stop_after_checks = 2;
	queue_drain(fx, 0);
	assert_int_equal(events_loop(&fx->run), 0);
	assert_int_equal(fx->script.next, 0);
	assert_int_equal(fx->run.drains, 1);
}

static int s_wait_fails(void *ctx, int timeout_ms)
{
	(void)ctx;
	(void)timeout_ms;
	return -EBADF;
}

static void test_events_follow_wait_error(void **state)
{
	struct fixture *fx = *state;

	fx->opts.follow = true;
	fx->hooks.wait = s_wait_fails;
	queue_drain(fx, 0);
	assert_int_equal(events_loop(&fx->run), -EBADF);
}

/* --- notifications and the events group ---------------------------------------- */

static void test_notify_walk(void **state)
{
	struct nlb_dgram *d = calloc(1, sizeof(*d));
	struct fm_notify_seen seen = { 0 };
	struct nlmsghdr *nlh;

	(void)state;
	assert_non_null(d);
	nlb_add(d, nlb_data_ready(nlb_tail(d), NLB_FAMILY_ID));
	nlb_add(d, nlb_data_ready(nlb_tail(d), NLB_FAMILY_ID));
	/* not ours: another family, another command, not from the kernel */
	nlb_add(d, nlb_data_ready(nlb_tail(d), NLB_FAMILY_ID + 1));
	nlh = nlb_data_ready(nlb_tail(d), NLB_FAMILY_ID);
	((struct genlmsghdr *)mnl_nlmsg_get_payload(nlh))->cmd =
		FLOWMESH_CMD_GET_STATS;
	nlb_add(d, nlh);
	nlh = nlb_data_ready(nlb_tail(d), NLB_FAMILY_ID);
	nlh->nlmsg_pid = 1234;
	nlb_add(d, nlh);
	nlh = mnl_nlmsg_put_header(nlb_tail(d));
	nlh->nlmsg_type = NLMSG_NOOP;
	nlb_add(d, nlh);
	assert_int_equal(fm_notify_walk(d->u.buf, d->len, NLB_FAMILY_ID, &seen),
			 0);
	assert_int_equal(seen.ready, 2);

	/* cut short; no room for the genl header; nothing at all */
	assert_int_equal(fm_notify_walk(d->u.buf, d->len - 2, NLB_FAMILY_ID,
					&seen), -EBADMSG);
	assert_int_equal(fm_notify_walk(d->u.buf, 8, NLB_FAMILY_ID, &seen),
			 -EBADMSG);
	d->len = 0;
	nlh = mnl_nlmsg_put_header(nlb_tail(d));
	nlh->nlmsg_type = NLB_FAMILY_ID;
	nlb_add(d, nlh);
	assert_int_equal(fm_notify_walk(d->u.buf, d->len, NLB_FAMILY_ID, &seen),
			 -EBADMSG);
	seen.ready = 0;
	assert_int_equal(fm_notify_walk(d->u.buf, 0, NLB_FAMILY_ID, &seen), 0);
	assert_int_equal(seen.ready, 0);
	free(d);
}

static int parse_family(const struct nlmsghdr *nlh, struct fm_genl_family *f)
{
	struct nlmsghdr *copy = malloc(nlh->nlmsg_len);
	int err;

	assert_non_null(copy);
	memcpy(copy, nlh, nlh->nlmsg_len);
	err = fm_genl_parse_family(copy, f);
	free(copy);
	return err;
}

static void test_family_groups(void **state)
{
	struct fm_genl_family f;
	struct nlmsghdr *nlh;
	struct nlattr *groups, *grp;
	union nlb_msg m;

	(void)state;
	assert_int_equal(parse_family(nlb_family_groups(m.buf, 0x2a, 1,
						       "events", 9), &f), 0);
	assert_int_equal(f.id, 0x2a);
	assert_int_equal(f.events_group, 9);
	assert_int_equal(parse_family(nlb_family_groups(m.buf, 0x2a, 1,
						       "eventsx", 9), &f), 0);
	assert_int_equal(f.events_group, 0);
	assert_int_equal(parse_family(nlb_family(m.buf, 0x2a, 1), &f), 0);
	assert_int_equal(f.events_group, 0);

	/* a group id as a u16 */
	nlh = nlb_family(m.buf, 0x2a, 1);
	groups = mnl_attr_nest_start(nlh, CTRL_ATTR_MCAST_GROUPS);
	grp = mnl_attr_nest_start(nlh, 1);
	mnl_attr_put_u16(nlh, CTRL_ATTR_MCAST_GRP_ID, 9);
	mnl_attr_put_strz(nlh, CTRL_ATTR_MCAST_GRP_NAME, "events");
	mnl_attr_nest_end(nlh, grp);
	mnl_attr_nest_end(nlh, groups);
	assert_int_equal(parse_family(nlh, &f), -EBADMSG);

	/* a name without its NUL */
	nlh = nlb_family(m.buf, 0x2a, 1);
	groups = mnl_attr_nest_start(nlh, CTRL_ATTR_MCAST_GROUPS);
	grp = mnl_attr_nest_start(nlh, 1);
	mnl_attr_put_u32(nlh, CTRL_ATTR_MCAST_GRP_ID, 9);
	mnl_attr_put(nlh, CTRL_ATTR_MCAST_GRP_NAME, 6, "events");
	mnl_attr_nest_end(nlh, grp);
	mnl_attr_nest_end(nlh, groups);
	assert_int_equal(parse_family(nlh, &f), -EBADMSG);

	/* a group without an id; a group that is no nest */
	nlh = nlb_family(m.buf, 0x2a, 1);
	groups = mnl_attr_nest_start(nlh, CTRL_ATTR_MCAST_GROUPS);
	grp = mnl_attr_nest_start(nlh, 1);
	mnl_attr_put_strz(nlh, CTRL_ATTR_MCAST_GRP_NAME, "events");
	mnl_attr_nest_end(nlh, grp);
	mnl_attr_nest_end(nlh, groups);
	assert_int_equal(parse_family(nlh, &f), -EBADMSG);
	nlh = nlb_family(m.buf, 0x2a, 1);
	groups = mnl_attr_nest_start(nlh, CTRL_ATTR_MCAST_GROUPS);
	mnl_attr_put_u16(nlh, 1, 9);
	mnl_attr_nest_end(nlh, groups);
	assert_int_equal(parse_family(nlh, &f), -EBADMSG);
}

static void test_resolve_family_group(void **state)
{
	struct fixture *fx = *state;

	fx->nl.family_id = 0;
	nlb_add(&fx->d, nlb_family_groups(nlb_tail(&fx->d), 0x2a,
					  FLOWMESH_GENL_VERSION,
					  FLOWMESH_MCGRP_EVENTS, 11));
	nlb_add(&fx->d, nlb_error(nlb_tail(&fx->d), 0));
	fake_nl_queue(&fx->fake, fx->d.u.buf, fx->d.len);
	assert_int_equal(fm_nl_resolve_family(&fx->nl), 0);
	assert_int_equal(fx->nl.family_id, 0x2a);
	assert_int_equal(fx->nl.events_group, 11);
}

static void test_notify_open_without_group(void **state)
{
	struct fm_notify n;

	(void)state;
	assert_int_equal(fm_notify_open(&n, NLB_FAMILY_ID, 0), -ENOENT);
	assert_int_equal(fm_notify_fd(&n), -1);
	fm_notify_close(&n);
}

/* --- output ------------------------------------------------------------------ */

static int print_records(FILE *out, const void *arg)
{
	enum cli_format format = *(const enum cli_format *)arg;
	struct flowmesh_record r;
	unsigned int i;
	int err;

	err = events_print_header(out, format);
	for (i = 0; i < 10 && !err; i++) {
		nlb_record_sample(&r, i);
		err = events_print_record(out, format, &r);
	}
	return err;
}

static void test_events_json_golden(void **state)
{
	enum cli_format format = CLI_FORMAT_JSON;
	json_error_t jerr;
	char *text, *line, *save = NULL;
	json_t *obj;
	size_t n = 0;

	(void)state;
	text = capture(print_records, &format);
	assert_golden("events.jsonl", text);
	/* one compact object per line, each valid JSON */
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save), n++) {
		assert_null(strstr(line, ": "));
		obj = json_loads(line, 0, &jerr);
		assert_non_null(obj);
		json_decref(obj);
	}
	assert_int_equal(n, 10);
	free(text);
}

static void test_events_table_golden(void **state)
{
	enum cli_format format = CLI_FORMAT_TABLE;
	char *text;

	(void)state;
	text = capture(print_records, &format);
	assert_golden("events.table", text);
	free(text);
}

static void test_events_seconds_arg(void **state)
{
	static const struct {
		const char *arg;
		uint64_t ms;	/* 0: refused */
	} cases[] = {
		{ "10", 10000 }, { "0.5", 500 }, { "1.25", 1250 },
		{ "2.001", 2001 }, { ".5", 500 }, { "0", 0 }, { "0.000", 0 },
		{ "1.", 0 }, { "1.0001", 0 }, { "-1", 0 }, { "1e3", 0 },
		{ "", 0 }, { ".", 0 }, { "1.2.3", 0 }, { "4294967296", 0 },
		{ "4294967295.999", 4294967295999ull },
	};
	char err[CLI_ERR_MAX], *argv[4];
	struct events_opts opts;
	size_t i;
	int ret;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		argv[0] = "events";
		argv[1] = "--timeout";
		argv[2] = (char *)cases[i].arg;
		argv[3] = NULL;
		ret = events_parse_args(3, argv, &opts, err, sizeof(err));
		if (cases[i].ms) {
			assert_int_equal(ret, CLI_PARSE_OK);
			assert_int_equal(opts.timeout_ms, cases[i].ms);
		} else if (ret != CLI_PARSE_BAD) {
			fail_msg("--timeout '%s' accepted", cases[i].arg);
		}
	}
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_events_until_empty),
		T(test_events_empty_table),
		T(test_events_count),
		T(test_events_signal_between_dumps),
		T(test_events_error),
		T(test_events_follow),
		T(test_events_follow_spurious),
		T(test_events_follow_timeout),
		T(test_events_follow_count),
		T(test_events_follow_signal),
		T(test_events_follow_wait_error),
		cmocka_unit_test(test_notify_walk),
		cmocka_unit_test(test_family_groups),
		T(test_resolve_family_group),
		cmocka_unit_test(test_notify_open_without_group),
		cmocka_unit_test(test_events_json_golden),
		cmocka_unit_test(test_events_table_golden),
		cmocka_unit_test(test_events_seconds_arg),
	};

	return cmocka_run_group_tests_name("events", tests, NULL, NULL);
}
