/*
 * uptime.h - uptime maths over state intervals: the figures of the
 * evidence, shared by xanetctl, the reports and the web pages.
 *
 * For one device and a period [from, to): the device's part of the period
 * starts at max(from, added) and ends at min(to, retired); intervals are
 * clipped to it, and time with no interval counts as unknown.
 *   uptime %   = up / (up + down) × 100 (maintenance and unreachable are
 *                excluded; -1 when up + down is 0)
 *   coverage % = (part − unknown) / part × 100: the share of the time the
 *                monitor was watching and able to probe
 *   outages    = down intervals overlapping the part (clipped), counted
 *                with the longest one
 * An open interval (end INT64_MAX) runs to the end of the part: for a
 * period still in progress, pass TO = now.
 */
#ifndef XANET_UPTIME_H
#define XANET_UPTIME_H

#include <stddef.h>
#include <stdint.h>

#include "common/devstate.h"

struct interval {
	int64_t start_ms;
	int64_t end_ms; /* INT64_MAX while still open */
	enum dev_state state;
	char cause[32];
};

struct uptime {
	int64_t from_ms; /* the device's part of the period */
	int64_t to_ms;
	int64_t up_ms;
	int64_t down_ms;
	int64_t unreachable_ms;
	int64_t maintenance_ms;
	int64_t unknown_ms;
	double uptime_pct;
	double coverage_pct;
	int outages;
	int64_t longest_outage_ms;
};

/*
 * IV: the device's intervals, sorted by start, not overlapping. ADDED_MS
 * and RETIRED_MS (-1: still configured) bound the device's life (an
 * ADDED_MS of -1: unknown, no bound). Returns 0, or -1 if the part is
 * empty (the device did not exist then); *OUT is then zeroed, with both
 * percentages -1.
 */
int uptime_compute(const struct interval *iv, size_t n, int64_t from_ms,
    int64_t to_ms, int64_t added_ms, int64_t retired_ms, struct uptime *out);

/*
 * Down intervals overlapping [from, to), clipped, into OUT; at most MAX.
 * Returns how many were written.
 */
size_t uptime_outages(const struct interval *iv, size_t n, int64_t from_ms,
    int64_t to_ms, struct interval *out, size_t max);

/*
 * PCT as text with DECIMALS places, truncated, never rounded up: a
 * period with an outage must not read as 100. The epsilon absorbs
 * binary fractions such as 99.95 held as 99.9499999. "" when PCT < 0
 * (no data).
 */
void uptime_pct_text(double pct, int decimals, char *buf, size_t len);

/*
 * Periods in local time (the zone set by time_zone_set): "2026Q3" is
 * 2026-07-01 00:00 to 2026-10-01 00:00 local; a --from/--to pair of dates
 * "YYYY-MM-DD" covers whole local days, TO included. 0, or -1 (outputs
 * untouched) for malformed text ("2026Q5", "26Q1", "2026-02-30"), a year
 * before 1970, or FROM after TO. "2026q3" is accepted too.
 */
int period_quarter(const char *text, int64_t *from_ms, int64_t *to_ms);
int period_days(
    const char *from, const char *to, int64_t *from_ms, int64_t *to_ms);

#endif
