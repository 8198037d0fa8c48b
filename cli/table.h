/* table.h - aligned text tables for xanetctl (UTF-8 aware). */
#ifndef XANET_TABLE_H
#define XANET_TABLE_H

#include <stddef.h>
#include <stdio.h>

struct table;

struct table *table_new(size_t ncols, const char *const *headers);
/* Add a row of NCOLS cells (copied; NULL prints as empty). */
void table_add(struct table *t, const char *const *cells);
size_t table_rows(const struct table *t);
void table_print(const struct table *t, FILE *fp);
void table_free(struct table *t);

#endif
