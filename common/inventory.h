/* inventory.h - the device inventory CSV as Excel writes it: rows of named cells. */
#ifndef XANET_INVENTORY_H
#define XANET_INVENTORY_H

#include <stdbool.h>
#include <stddef.h>

#include "common/util.h"

/* More columns than this is not an inventory but a mistake. */
#define INVENTORY_MAX_COLUMNS 64

struct inventory;

/* LINE is the physical line a row starts on, or 0 for the whole file. */
typedef void (*inventory_error_fn)(void *arg, int line, const char *msg);

/*
 * Parse LEN bytes of CSV: UTF-8 with or without a BOM, separated by commas
 * or semicolons (whichever the header row uses more), CRLF or LF, quoted
 * fields with separators, quotes and line breaks. The first non-blank row
 * is the header; its names are trimmed and lowercased. Blank rows are
 * skipped. Cells are trimmed and their line breaks become spaces. Every
 * problem goes to ERROR; the rows that could be read are kept.
 */
struct inventory *inventory_parse(
    const char *data, size_t len, inventory_error_fn error, void *arg);
void inventory_free(struct inventory *inv);

char inventory_delimiter(const struct inventory *inv);
/* 0 when there is no header row. */
int inventory_header_line(const struct inventory *inv);
size_t inventory_ncolumns(const struct inventory *inv);
const char *inventory_column(const struct inventory *inv, size_t col);
size_t inventory_nrows(const struct inventory *inv);
int inventory_row_line(const struct inventory *inv, size_t row);
/* "" for an empty or absent cell, never NULL. */
const char *inventory_cell(const struct inventory *inv, size_t row, size_t col);

#endif
