/* table.c - aligned text tables for xanetctl (UTF-8 aware). */
#include <stdlib.h>
#include <string.h>

#include "cli/table.h"
#include "common/util.h"

struct table {
	size_t ncols;
	size_t nrows; /* including the header row */
	char **cells; /* nrows * ncols */
	size_t *widths;
};

struct table *
table_new(size_t ncols, const char *const *headers)
{
	struct table *t = xcalloc(1, sizeof *t);

	t->ncols = ncols;
	t->widths = xcalloc(ncols, sizeof *t->widths);
	table_add(t, headers);
	return t;
}

void
table_add(struct table *t, const char *const *cells)
{
	t->cells = xreallocarray(
	    t->cells, (t->nrows + 1) * t->ncols, sizeof *t->cells);
	for (size_t i = 0; i < t->ncols; i++) {
		char *c = xstrdup(cells[i] != NULL ? cells[i] : "");
		size_t w = utf8_width(c);

		t->cells[t->nrows * t->ncols + i] = c;
		if (w > t->widths[i])
			t->widths[i] = w;
	}
	t->nrows++;
}

size_t
table_rows(const struct table *t)
{
	return t->nrows - 1;
}

void
table_print(const struct table *t, FILE *fp)
{
	for (size_t r = 0; r < t->nrows; r++) {
		for (size_t c = 0; c < t->ncols; c++) {
			const char *cell = t->cells[r * t->ncols + c];
			size_t pad = t->widths[c] - utf8_width(cell);

			fputs(cell, fp);
			if (c + 1 < t->ncols)
				fprintf(fp, "%*s", (int)(pad + 2), "");
		}
		fputc('\n', fp);
	}
}

void
table_free(struct table *t)
{
	if (t == NULL)
		return;
	for (size_t i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	free(t->widths);
	free(t);
}
