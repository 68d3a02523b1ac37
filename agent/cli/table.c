// SPDX-License-Identifier: GPL-2.0
/*
 * Aligned text tables: rows are kept until printing so each column is as
 * wide as its widest cell.  Text is left-aligned, numbers right-aligned.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/cli.h"

#define CLI_TABLE_GAP 2

void cli_table_init(struct cli_table *t, const struct cli_column *cols,
		    size_t ncols)
{
	memset(t, 0, sizeof(*t));
	t->cols = cols;
	t->ncols = ncols;
}

int cli_table_add(struct cli_table *t, const char *const *cells)
{
	char **row;
	size_t i, cap;

	if (t->nrows == t->cap) {
		cap = t->cap ? t->cap * 2 : 32;
		row = reallocarray(t->cells, cap * t->ncols, sizeof(*row));
		if (!row)
			return -ENOMEM;
		t->cells = row;
		t->cap = cap;
	}
	row = t->cells + t->nrows * t->ncols;
	for (i = 0; i < t->ncols; i++) {
		row[i] = strdup(cells[i]);
		if (!row[i]) {
			while (i--)
				free(row[i]);
			return -ENOMEM;
		}
	}
	t->nrows++;
	return 0;
}

/* Built in @line first so that an empty last cell leaves no blanks. */
static void cli_table_print_row(const struct cli_table *t,
				const char *const *cells, const size_t *width,
				char *line, FILE *out)
{
	char *pos = line;
	size_t i, pad;

	for (i = 0; i < t->ncols; i++) {
		pad = width[i] - strlen(cells[i]);
		if (i)
			pos += sprintf(pos, "%*s", CLI_TABLE_GAP, "");
		if (t->cols[i].align == CLI_ALIGN_RIGHT)
			pos += sprintf(pos, "%*s%s", (int)pad, "", cells[i]);
		else
			pos += sprintf(pos, "%s%*s", cells[i], (int)pad, "");
	}
	while (pos > line && pos[-1] == ' ')
		pos--;
	*pos = '\0';
	fprintf(out, "%s\n", line);
}

int cli_table_print(const struct cli_table *t, FILE *out)
{
	const char *header[t->ncols];
	size_t width[t->ncols];
	size_t r, i, len, linelen;
	char *line;

	for (i = 0; i < t->ncols; i++) {
		header[i] = t->cols[i].name;
		width[i] = strlen(header[i]);
	}
	for (r = 0; r < t->nrows; r++) {
		for (i = 0; i < t->ncols; i++) {
			len = strlen(t->cells[r * t->ncols + i]);
			if (len > width[i])
				width[i] = len;
		}
	}
	linelen = 1;
	for (i = 0; i < t->ncols; i++)
		linelen += width[i] + CLI_TABLE_GAP;
	line = malloc(linelen);
	if (!line)
		return -ENOMEM;
	cli_table_print_row(t, header, width, line, out);
	for (r = 0; r < t->nrows; r++)
		cli_table_print_row(t, (const char *const *)t->cells +
				    r * t->ncols, width, line, out);
	free(line);
	return 0;
}

void cli_table_free(struct cli_table *t)
{
	size_t i;

	for (i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	memset(t, 0, sizeof(*t));
}
