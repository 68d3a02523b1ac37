// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "golden.h"

char *slurp(FILE *f)
{
	char *text = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);
	int c;

	assert_non_null(mem);
	rewind(f);
	while ((c = fgetc(f)) != EOF)
		fputc(c, mem);
	fclose(mem);
	fclose(f);
	return text;
}

char *slurp_path(const char *path)
{
	FILE *f = fopen(path, "re");

	return f ? slurp(f) : NULL;
}

void assert_golden(const char *name, const char *actual)
{
	char path[512];
	char *expected;
	const char *update = getenv("FLOWMESH_UPDATE_GOLDEN");
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", FM_GOLDEN_DIR, name);
	if (update && !strcmp(update, "1")) {
		f = fopen(path, "w");
		assert_non_null(f);
		fputs(actual, f);
		assert_int_equal(fclose(f), 0);
		return;
	}
	expected = slurp_path(path);
	if (!expected)
		fail_msg("golden file %s is missing", path);
	if (strcmp(expected, actual))
		print_error("output differs from %s\n", path);
	assert_string_equal(actual, expected);
	free(expected);
}

char *capture(int (*print)(FILE *out, const void *arg), const void *arg)
{
	char *text = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);

	assert_non_null(mem);
	assert_int_equal(print(mem, arg), 0);
	assert_int_equal(fclose(mem), 0);
	return text;
}
