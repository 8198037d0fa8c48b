/*
 * maint.h - maintenance windows: when a device's time is excluded.
 *
 * Written in config as `maintenance = WINDOW; WINDOW; ...`, local time
 * (the site's zone):
 *   Sun 22:00-23:00              every Sunday (Mon..Sun, or "daily")
 *   Mon-Fri 12:00-13:00          a day range
 *   daily 02:00-02:30
 *   Sat 23:00-01:00              crossing midnight: ends on Sunday 01:00
 *   2026-12-01 08:00-12:00       one-off, one day
 *   2026-12-24 22:00 - 2026-12-25 06:00   one-off, spanning days
 */
#ifndef XANET_MAINT_H
#define XANET_MAINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct maint_window;

/*
 * Parse TEXT into *WINDOWS (*N of them). On error returns -1 with what is
 * wrong in ERR (e.g. "bad maintenance window 'Sun 25:00-26:00': hour
 * must be 0-23"), naming the window; nothing allocated.
 */
int maint_parse(const char *text, struct maint_window **windows, size_t *n,
    char *err, size_t errlen);
void maint_free(struct maint_window *windows);
/* True if WALL_MS (UTC ms) falls inside any window (local time). */
bool maint_active(
    const struct maint_window *windows, size_t n, int64_t wall_ms);
/*
 * The first boundary (a window starting or ending) strictly after
 * WALL_MS, so the daemon can arm one timer; INT64_MAX if none.
 */
int64_t maint_next_change(
    const struct maint_window *windows, size_t n, int64_t wall_ms);

#endif
