// SPDX-License-Identifier: GPL-2.0
/* The period a metrics query covers: --window / --since, ?window= / ?since= */
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "lib/agent_config.h"
#include "lib/period.h"

#define PERIOD_DUR_HINT	"e.g. 30s, 5m, 24h, 7d"

static bool period_all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

/* Unix seconds: decimal digits only, no overflow. */
static int period_parse_unix(const char *s, uint64_t *t)
{
	uint64_t v = 0;

	for (; *s; s++) {
		if (v > (UINT64_MAX - 9) / 10)
			return -ERANGE;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*t = v;
	return 0;
}

static int period_field(const char *s, size_t len)
{
	int v = 0;

	while (len--)
		v = v * 10 + (*s++ - '0');
	return v;
}

static bool period_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/*
 * "YYYY-MM-DDTHH:MM:SSZ" or "YYYY-MM-DD HH:MM:SS", UTC, exactly: strptime()
 * would take single digits, spaces and out-of-range days.
 */
static int period_parse_utc(const char *s, uint64_t *t)
{
	static const char iso[] = "dddd-dd-ddTdd:dd:ddZ";
	static const char plain[] = "dddd-dd-dd dd:dd:dd";
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
				     30, 31 };
	size_t len = strlen(s), i;
	const char *pattern;
	struct tm tm = { 0 };
	int days;
	time_t v;

	if (len == sizeof(iso) - 1)
		pattern = iso;
	else if (len == sizeof(plain) - 1)
		pattern = plain;
	else
		return -EINVAL;
	for (i = 0; i < len; i++) {
		if (pattern[i] == 'd' ? !isdigit((unsigned char)s[i]) :
					s[i] != pattern[i])
			return -EINVAL;
	}
	tm.tm_year = period_field(s, 4) - 1900;
	tm.tm_mon = period_field(s + 5, 2) - 1;
	tm.tm_mday = period_field(s + 8, 2);
	tm.tm_hour = period_field(s + 11, 2);
	tm.tm_min = period_field(s + 14, 2);
	tm.tm_sec = period_field(s + 17, 2);
	if (tm.tm_year < 70 || tm.tm_mon < 0 || tm.tm_mon > 11)
		return -EINVAL;
	days = mdays[tm.tm_mon] +
	       (tm.tm_mon == 1 && period_leap(tm.tm_year + 1900));
	if (tm.tm_mday < 1 || tm.tm_mday > days || tm.tm_hour > 23 ||
	    tm.tm_min > 59 || tm.tm_sec > 59)
		return -EINVAL;
	v = timegm(&tm);
	if (v < 0)
		return -EINVAL;
	*t = (uint64_t)v;
	return 0;
}

/* A duration of at least one second. */
static int period_parse_dur(const char *s, uint32_t *dur)
{
	if (fm_parse_duration(s, dur) || !*dur)
		return -EINVAL;
	return 0;
}

static int period_since(const char *since, uint64_t now_s, uint64_t *from_s,
			char *err, size_t errlen)
{
	uint32_t dur = 0;
	uint64_t t;
	int ret;

	/* digits alone are a time, not a duration in seconds */
	if (period_all_digits(since))
		ret = period_parse_unix(since, &t);
	else if (strchr(since, '-'))
		ret = period_parse_utc(since, &t);
	else {
		ret = period_parse_dur(since, &dur);
		t = now_s > dur ? now_s - dur : 0;
	}
	if (ret) {
		snprintf(err, errlen, "since: '%s' is neither a time (Unix seconds, YYYY-MM-DDTHH:MM:SSZ or YYYY-MM-DD HH:MM:SS, UTC) nor a duration (" PERIOD_DUR_HINT ")",
			 since);
		return -EINVAL;
	}
	if (t > now_s) {
		snprintf(err, errlen, "since: '%s' is in the future", since);
		return -EINVAL;
	}
	*from_s = t;
	return 0;
}

int fm_period_parse(const char *window, const char *since, uint64_t now_s,
		    uint64_t *from_s, uint64_t *to_s, char *err, size_t errlen)
{
	uint32_t dur;

	if (window && since) {
		snprintf(err, errlen, "window and since exclude each other; give one");
		return -EINVAL;
	}
	if (since) {
		if (period_since(since, now_s, from_s, err, errlen))
			return -EINVAL;
		*to_s = now_s;
		return 0;
	}
	if (!window)
		window = FM_PERIOD_DEFAULT;
	if (period_parse_dur(window, &dur)) {
		snprintf(err, errlen, "window: '%s' is not a duration of 1s or more (" PERIOD_DUR_HINT ")",
			 window);
		return -EINVAL;
	}
	*from_s = now_s > dur ? now_s - dur : 0;
	*to_s = now_s;
	return 0;
}
