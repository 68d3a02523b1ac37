// SPDX-License-Identifier: GPL-2.0
/* Helpers every verb uses: argument checks, errors, connecting, output. */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <jansson.h>
#include <linux/flowmesh.h>
#include "cli/cli.h"
#include "lib/genl.h"
#include "lib/json.h"

const char cli_exit_status_help[] =
	"Exit status:\n"
	"  0  success\n"
	"  1  runtime error: netlink or database failure, malformed reply, a\n"
	"     request the kernel refused (its reason is printed), write error\n"
	"  2  usage error: unknown verb or option, bad option argument\n"
	"  3  permission denied: flowmesh needs CAP_NET_ADMIN, or read access\n"
	"     to the agent's database (run as root)\n"
	"  4  the flowmesh kernel module is not loaded\n"
	"  5  no agent: flowmeshd's database or control socket is missing\n"
	"     (is flowmeshd running?)\n";

int cli_parse_format(const char *arg, enum cli_format *format)
{
	if (!strcmp(arg, "table"))
		*format = CLI_FORMAT_TABLE;
	else if (!strcmp(arg, "json"))
		*format = CLI_FORMAT_JSON;
	else
		return -EINVAL;
	return 0;
}

/* Decimal digits only: no sign, no spaces, no hex, no overflow. */
int cli_parse_u32(const char *arg, uint32_t *value)
{
	unsigned long long v;
	char *end;

	if (!isdigit((unsigned char)arg[0]))
		return -EINVAL;
	errno = 0;
	v = strtoull(arg, &end, 10);
	if (errno || *end || v > UINT32_MAX)
		return -ERANGE;
	*value = (uint32_t)v;
	return 0;
}

/* Explains a '?' or ':' from getopt_long() run with opterr = 0. */
void cli_bad_option(int c, char **argv, char *err, size_t errlen)
{
	const char *arg = argv[optind - 1];

	if (c == ':')
		snprintf(err, errlen, "option '%s' needs an argument", arg);
	else if (optopt && strncmp(arg, "--", 2))
		snprintf(err, errlen, "unknown option '-%c'", optopt);
	else
		snprintf(err, errlen, "unknown option '%s'", arg);
}

enum cli_parse cli_no_operands(int argc, char **argv, char *err,
			       size_t errlen)
{
	if (optind < argc) {
		snprintf(err, errlen, "unexpected argument '%s'", argv[optind]);
		return CLI_PARSE_BAD;
	}
	return CLI_PARSE_OK;
}

int cli_opt_format(const char *arg, enum cli_format *format, char *err,
		   size_t errlen)
{
	if (!cli_parse_format(arg, format))
		return 0;
	snprintf(err, errlen, "unknown output format '%s'; use table or json",
		 arg);
	return -EINVAL;
}

int cli_opt_path(const char *name, const char *arg, const char **out,
		 char *err, size_t errlen)
{
	if (!*arg) {
		snprintf(err, errlen, "--%s needs a path", name);
		return -EINVAL;
	}
	*out = arg;
	return 0;
}

int cli_opt_count(const char *name, const char *arg, uint32_t *out,
		  char *err, size_t errlen)
{
	if (cli_parse_u32(arg, out) || !*out) {
		snprintf(err, errlen, "invalid %s '%s'; use 1 to 4294967295",
			 name, arg);
		return -EINVAL;
	}
	return 0;
}

int cli_usage_error(const char *verb, const char *reason)
{
	if (verb)
		fprintf(stderr, "flowmesh %s: %s (try 'flowmesh %s --help')\n",
			verb, reason, verb);
	else
		fprintf(stderr, "flowmesh: %s (try 'flowmesh --help')\n",
			reason);
	return CLI_EXIT_USAGE;
}

int cli_parsed(enum cli_parse parsed, const char *verb,
	       void (*help)(FILE *out), const char *reason)
{
	switch (parsed) {
	case CLI_PARSE_HELP:
		help(stdout);
		return CLI_EXIT_OK;
	case CLI_PARSE_BAD:
		return cli_usage_error(verb, reason);
	case CLI_PARSE_OK:
		break;
	}
	return -1;
}

int cli_connect(struct fm_nl *nl)
{
	int err;

	err = fm_nl_open(nl);
	if (err) {
		fprintf(stderr, "flowmesh: cannot open a netlink socket: %s\n",
			strerror(-err));
		return CLI_EXIT_RUNTIME;
	}
	err = fm_nl_resolve_family(nl);
	if (!err)
		return CLI_EXIT_OK;
	fm_nl_close(nl);
	return cli_report_family(err, nl->family_version);
}

/* A family that is not registered means the module is not loaded. */
int cli_report_family(int err, uint32_t kernel_version)
{
	if (err == -ENOENT) {
		fprintf(stderr, "flowmesh: the flowmesh kernel module is not loaded (try: modprobe flowmesh)\n");
		return CLI_EXIT_NO_MODULE;
	}
	if (err == -EPROTONOSUPPORT) {
		fprintf(stderr, "flowmesh: the kernel module speaks netlink version %" PRIu32 ", this program version %d; install matching versions\n",
			kernel_version, FLOWMESH_GENL_VERSION);
		return CLI_EXIT_RUNTIME;
	}
	return cli_report(err, "looking up the flowmesh netlink family");
}

/*
 * With the kernel's own reason when it gave one for this very error: an
 * extended ACK message says more than strerror(), and more than a guess
 * at missing privileges (a node-wide command refused outside the initial
 * network namespace is EPERM too).
 */
int cli_report_nl(const struct fm_nl *nl, int err, const char *doing)
{
	const struct fm_nl_extack *ext = nl ? &nl->extack : NULL;

	if (!ext || !ext->msg[0] || ext->error != err || err >= 0)
		return cli_report(err, doing);
	if (err == -EPERM || err == -EACCES) {
		fprintf(stderr, "flowmesh: permission denied: %s: %s\n", doing,
			ext->msg);
		return CLI_EXIT_PERMISSION;
	}
	fprintf(stderr, "flowmesh: %s: the kernel rejected the request: %s\n",
		doing, ext->msg);
	return CLI_EXIT_RUNTIME;
}

/* Maps a negative errno from the library to a message and exit status. */
int cli_report(int err, const char *doing)
{
	switch (-err) {
	case EPERM:
	case EACCES:
		fprintf(stderr, "flowmesh: permission denied: %s needs CAP_NET_ADMIN (run as root)\n",
			doing);
		return CLI_EXIT_PERMISSION;
	case EBADMSG:
	case EPROTO:
		fprintf(stderr, "flowmesh: %s: malformed reply from the kernel module (does its version match this program's?)\n",
			doing);
		return CLI_EXIT_RUNTIME;
	case EINTR:
		fprintf(stderr, "flowmesh: %s: the flow table changed during each of %d attempts; try again\n",
			doing, FM_NL_DUMP_ATTEMPTS);
		return CLI_EXIT_RUNTIME;
	}
	fprintf(stderr, "flowmesh: %s: %s\n", doing, strerror(-err));
	return CLI_EXIT_RUNTIME;
}

int cli_print_json_flags(FILE *out, json_t *json, size_t flags)
{
	if (!json)
		return -ENOMEM;
	if (json_dumpf(json, out, flags) < 0 || fputc('\n', out) < 0)
		return -EIO;
	return 0;
}

int cli_print_json(FILE *out, json_t *json)
{
	return cli_print_json_flags(out, json, FM_JSON_FLAGS);
}

uint64_t cli_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000 + (uint64_t)ts.tv_nsec;
}

/* Two units at most, like ps(1) elapsed times: 59s, 12m03s, 5h07m, 3d02h. */
void cli_format_duration(uint64_t ns, char *buf, size_t len)
{
	uint64_t s = ns / 1000000000;

	if (s < 60)
		snprintf(buf, len, "%" PRIu64 "s", s);
	else if (s < 3600)
		snprintf(buf, len, "%" PRIu64 "m%02" PRIu64 "s", s / 60, s % 60);
	else if (s < 86400)
		snprintf(buf, len, "%" PRIu64 "h%02" PRIu64 "m", s / 3600,
			 s / 60 % 60);
	else
		snprintf(buf, len, "%" PRIu64 "d%02" PRIu64 "h", s / 86400,
			 s / 3600 % 24);
}

/* Three significant figures or so, in the largest unit that keeps them. */
void cli_format_us(uint64_t ns, char *buf, size_t len)
{
	uint64_t us = ns / 1000 + (ns % 1000 >= 500), tenths, hundredths;

	if (us < 1000) {
		snprintf(buf, len, "%" PRIu64 "us", us);
		return;
	}
	tenths = (us + 50) / 100;		/* 0.1 ms */
	if (tenths < 10000) {
		snprintf(buf, len, "%" PRIu64 ".%" PRIu64 "ms", tenths / 10,
			 tenths % 10);
		return;
	}
	hundredths = (us + 5000) / 10000;	/* 0.01 s */
	if (hundredths < 10000) {
		snprintf(buf, len, "%" PRIu64 ".%02" PRIu64 "s",
			 hundredths / 100, hundredths % 100);
		return;
	}
	snprintf(buf, len, "%" PRIu64 "s", (us + 500000) / 1000000);
}

/*
 * "  NAME  text" with the text wrapped at 79 columns, continuation lines
 * indented to @col, as man pages lay out option lists.
 */
void cli_print_wrapped(FILE *out, const char *name, size_t col,
		       const char *text)
{
	size_t at, len, word;
	const char *p = text;

	fprintf(out, "  %-*s", (int)(col - 2), name);
	at = 2 + strlen(name) > col ? 2 + strlen(name) : col;
	if (at > col) {		/* a long name: text starts on its own line */
		fprintf(out, "\n%*s", (int)col, "");
		at = col;
	}
	len = 0;
	while (*p) {
		while (*p == ' ')
			p++;
		word = strcspn(p, " ");
		if (!word)
			break;
		if (len && at + 1 + word > 79) {
			fprintf(out, "\n%*s", (int)col, "");
			at = col;
			len = 0;
		}
		if (len) {
			fputc(' ', out);
			at++;
		}
		fprintf(out, "%.*s", (int)word, p);
		at += word;
		len += word;
		p += word;
	}
	fputc('\n', out);
}
