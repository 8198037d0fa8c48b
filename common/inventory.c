/* inventory.c - the device inventory CSV as Excel writes it: rows of named cells. */
#include <csv.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/inventory.h"
#include "common/util.h"

struct inv_row {
	int line;
	char **cells; /* ncolumns of them, NULL for empty */
};

struct inventory {
	char delim;
	int header_line;
	char **columns;
	size_t ncolumns;
	struct inv_row *rows;
	size_t nrows;
};

/* The state of one pass of libcsv over the bytes. */
struct inv_parse {
	struct inventory *inv;
	inventory_error_fn error;
	void *arg;
	char **cells; /* the row being read */
	size_t ncells, capcells;
	int line;     /* physical line of the byte being fed */
	int row_line; /* physical line the current row started on */
	int in_row;
	int bad_utf8; /* reported once: one bad export makes every row bad */
};

static void inv_error(struct inv_parse *ps, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
inv_error(struct inv_parse *ps, int line, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	if (msg == NULL)
		msg = xstrdup("out of memory");
	ps->error(ps->arg, line, msg);
	free(msg);
}

/*
 * A cell as people mean it: line breaks inside a quoted cell become one
 * space (a name goes on one line of the alert log), ends trimmed.
 */
static char *
cell_clean(const char *s, size_t len)
{
	char *out = xmalloc(len + 1), *o = out;

	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\r' || s[i] == '\n') {
			while (i + 1 < len &&
			       (s[i + 1] == '\r' || s[i + 1] == '\n'))
				i++;
			*o++ = ' ';
		} else
			*o++ = s[i];
	}
	*o = '\0';
	return str_trim(out);
}

static void
row_clear(struct inv_parse *ps)
{
	for (size_t i = 0; i < ps->ncells; i++)
		free(ps->cells[i]);
	ps->ncells = 0;
}

static void
on_field(void *s, size_t len, void *arg)
{
	struct inv_parse *ps = arg;
	const char *text = s != NULL ? s : "";

	if (s == NULL)
		len = 0;
	if (!utf8_valid(text, len)) {
		if (!ps->bad_utf8)
			inv_error(ps, ps->row_line,
			    "not valid UTF-8 text: in Excel, save the file as "
			    "\"CSV UTF-8 (Comma delimited)\"");
		ps->bad_utf8 = 1;
	}
	if (ps->ncells == ps->capcells) {
		ps->capcells = ps->capcells ? 2 * ps->capcells : 16;
		ps->cells =
		    xreallocarray(ps->cells, ps->capcells, sizeof *ps->cells);
	}
	ps->cells[ps->ncells++] = cell_clean(text, len);
}

static void
header_set(struct inv_parse *ps)
{
	struct inventory *inv = ps->inv;
	size_t n = ps->ncells;

	if (n > INVENTORY_MAX_COLUMNS) {
		inv_error(ps, ps->row_line,
		    "the header row has %zu columns; at most %d are allowed", n,
		    INVENTORY_MAX_COLUMNS);
		n = INVENTORY_MAX_COLUMNS;
	}
	/* Excel keeps trailing separators of once-formatted empty columns. */
	while (n > 0 && ps->cells[n - 1][0] == '\0')
		n--;
	inv->header_line = ps->row_line;
	inv->columns = xcalloc(n, sizeof *inv->columns);
	inv->ncolumns = n;
	for (size_t i = 0; i < n; i++) {
		char *name = ps->cells[i];

		for (char *p = name; *p != '\0'; p++)
			*p = (char)tolower((unsigned char)*p);
		for (size_t j = 0; j < i; j++) {
			if (name[0] != '\0' &&
			    strcmp(inv->columns[j], name) == 0)
				inv_error(ps, ps->row_line,
				    "duplicate column '%s' (columns %zu and "
				    "%zu)",
				    name, j + 1, i + 1);
		}
		inv->columns[i] = name;
		ps->cells[i] = NULL;
	}
}

static void
row_add(struct inv_parse *ps)
{
	struct inventory *inv = ps->inv;
	struct inv_row *row;

	for (size_t i = 0; i < ps->ncells; i++) {
		const char *v = ps->cells[i];

		if (v[0] == '\0' || (i < inv->ncolumns && inv->columns[i][0]))
			continue;
		inv_error(ps, ps->row_line,
		    "value '%s' in column %zu, which has no name in the header "
		    "row",
		    v, i + 1);
	}
	inv->rows = xreallocarray(inv->rows, inv->nrows + 1, sizeof *inv->rows);
	row = &inv->rows[inv->nrows++];
	row->line = ps->row_line;
	row->cells = xcalloc(inv->ncolumns, sizeof *row->cells);
	for (size_t i = 0; i < inv->ncolumns && i < ps->ncells; i++) {
		if (ps->cells[i][0] != '\0') {
			row->cells[i] = ps->cells[i];
			ps->cells[i] = NULL;
		}
	}
}

static void
on_row(int term, void *arg)
{
	struct inv_parse *ps = arg;
	int blank = 1;

	for (size_t i = 0; i < ps->ncells; i++)
		blank &= ps->cells[i][0] == '\0';
	/* A row of separators only (";;;;") is how Excel saves a blank row. */
	if (!blank) {
		if (ps->inv->header_line == 0)
			header_set(ps);
		else
			row_add(ps);
	}
	for (size_t i = 0; i < ps->ncells; i++)
		free(ps->cells[i]);
	ps->ncells = 0;
	ps->in_row = 0;
}

/* Semicolons win if the header has more of them: Vietnamese Excel's choice. */
static char
delimiter_detect(const char *data, size_t len)
{
	size_t commas = 0, semis = 0, i = 0;
	int quoted = 0;

	/* Skip blank lines before the header. */
	while (i < len && (data[i] == '\r' || data[i] == '\n' ||
			      data[i] == ' ' || data[i] == '\t'))
		i++;
	for (; i < len; i++) {
		char c = data[i];

		if (c == '"')
			quoted = !quoted;
		else if (!quoted && (c == '\r' || c == '\n'))
			break;
		else if (!quoted && c == ',')
			commas++;
		else if (!quoted && c == ';')
			semis++;
	}
	return semis > commas ? ';' : ',';
}

static void
parser_init(struct csv_parser *p, char delim)
{
	if (csv_init(p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0)
		abort();
	csv_set_delim(p, (unsigned char)delim);
}

struct inventory *
inventory_parse(
    const char *data, size_t len, inventory_error_fn error, void *arg)
{
	struct inventory *inv = xcalloc(1, sizeof *inv);
	struct inv_parse ps = {.inv = inv, .error = error, .arg = arg};
	struct csv_parser p;
	size_t i = 0;

	ps.line = 1;
	if (len >= 2 && (memcmp(data, "\xff\xfe", 2) == 0 ||
			    memcmp(data, "\xfe\xff", 2) == 0)) {
		inv_error(&ps, 0,
		    "the file is UTF-16 text: in Excel, save it as \"CSV "
		    "UTF-8 (Comma delimited)\"");
		inv->delim = ',';
		return inv;
	}
	if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	inv->delim = delimiter_detect(data + i, len - i);
	parser_init(&p, inv->delim);
	for (; i < len; i++) {
		unsigned char c = (unsigned char)data[i];

		if (!ps.in_row && c != ' ' && c != '\t' && c != '\r' &&
		    c != '\n') {
			ps.in_row = 1;
			ps.row_line = ps.line;
		}
		if (csv_parse(&p, &data[i], 1, on_field, on_row, &ps) != 1) {
			/*
			 * libcsv cannot resume inside a broken row: report it,
			 * drop the row and start afresh on the next line.
			 */
			inv_error(&ps, ps.line,
			    "misplaced '\"': quote a whole cell, and write a "
			    "quote inside it as \"\"");
			csv_free(&p);
			parser_init(&p, inv->delim);
			row_clear(&ps);
			ps.in_row = 0;
			while (i < len && data[i] != '\n' && data[i] != '\r')
				i++;
			if (i + 1 < len && data[i] == '\r' &&
			    data[i + 1] == '\n')
				i++;
			ps.line++;
			continue;
		}
		if (c == '\n' ||
		    (c == '\r' && (i + 1 == len || data[i + 1] != '\n')))
			ps.line++;
	}
	if (csv_fini(&p, on_field, on_row, &ps) != 0) {
		inv_error(&ps, ps.row_line,
		    "a quoted cell is never closed: a '\"' is missing");
		row_clear(&ps);
	}
	csv_free(&p);
	free(ps.cells);
	if (inv->header_line == 0)
		inv_error(&ps, 0,
		    "no header row: the first row must name the columns, "
		    "e.g. key,name,kind,address");
	return inv;
}

void
inventory_free(struct inventory *inv)
{
	if (inv == NULL)
		return;
	for (size_t r = 0; r < inv->nrows; r++) {
		for (size_t c = 0; c < inv->ncolumns; c++)
			free(inv->rows[r].cells[c]);
		free(inv->rows[r].cells);
	}
	free(inv->rows);
	for (size_t c = 0; c < inv->ncolumns; c++)
		free(inv->columns[c]);
	free(inv->columns);
	free(inv);
}

char
inventory_delimiter(const struct inventory *inv)
{
	return inv->delim;
}

int
inventory_header_line(const struct inventory *inv)
{
	return inv->header_line;
}

size_t
inventory_ncolumns(const struct inventory *inv)
{
	return inv->ncolumns;
}

const char *
inventory_column(const struct inventory *inv, size_t col)
{
	return col < inv->ncolumns ? inv->columns[col] : "";
}

size_t
inventory_nrows(const struct inventory *inv)
{
	return inv->nrows;
}

int
inventory_row_line(const struct inventory *inv, size_t row)
{
	return row < inv->nrows ? inv->rows[row].line : 0;
}

const char *
inventory_cell(const struct inventory *inv, size_t row, size_t col)
{
	if (row >= inv->nrows || col >= inv->ncolumns ||
	    inv->rows[row].cells[col] == NULL)
		return "";
	return inv->rows[row].cells[col];
}
