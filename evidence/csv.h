/*
 * csv.h - CSV as Excel reads it, for the report files and xanetctl's
 * --csv output alike: RFC 4180 quoting where needed, CRLF, cells that
 * would start a formula defused, seconds written exactly.
 */
#ifndef XANET_CSV_H
#define XANET_CSV_H

#include <stddef.h>
#include <stdint.h>

struct strbuf;

/* One record of N cells (NULL: empty) appended to SB. */
void csv_row(struct strbuf *sb, const char *const *cells, size_t n);
/* MS as seconds, exact: "3600" or "3600.5". */
void csv_seconds(int64_t ms, char *buf, size_t len);

#endif
