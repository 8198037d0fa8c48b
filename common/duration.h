/* duration.h - durations as people write them in the config: 30s, 5m, 1h30m. */
#ifndef XANET_DURATION_H
#define XANET_DURATION_H

#include <stddef.h>
#include <stdint.h>

/*
 * Parse S into milliseconds. Accepts components with the units d, h, m,
 * s and ms, largest first and each at most once ("1h30m", "2d", "500ms");
 * a bare integer means seconds. Rejects empty strings, signs, spaces,
 * overflow and anything else: returns -1 and leaves *MS alone.
 */
int duration_parse(const char *s, int64_t *ms);
/*
 * Write MS as duration_parse() reads it ("1h30m", "45s", "500ms", "0s")
 * into BUF; returns the length the full text needs, like snprintf.
 */
size_t duration_format(int64_t ms, char *buf, size_t len);

#endif
