/*
 * schedule.h - when scheduled snapshots are due: the local days and
 * quarters ([evidence] daily, quarterly_day, quarterly_time) in the zone
 * set by time_zone_set, kept pure so that the rules are tested alone.
 */
#ifndef XANET_SCHEDULE_H
#define XANET_SCHEDULE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One period that may need its snapshot. */
struct schedule_slot {
	const char *kind; /* "daily" or "quarterly" */
	int64_t from_ms;  /* the period: a local day or quarter */
	int64_t to_ms;
	int64_t due_ms; /* when its snapshot is made */
	bool previous;  /* the period before the current one */
};

#define SCHEDULE_SLOTS_MAX 4

/*
 * The slots to look at NOW_MS: today and yesterday when DAILY_MINUTE >= 0
 * (minute of the local day), this quarter and the last when
 * QUARTERLY_DAY > 0 (day of the quarter's last month, at
 * QUARTERLY_MINUTE). Returns how many were written to OUT.
 */
size_t schedule_slots(int64_t now_ms, int daily_minute, int quarterly_day,
    int quarterly_minute, struct schedule_slot out[SCHEDULE_SLOTS_MAX]);

/* Local midnight of the day T_MS falls in, plus DAYS days. */
int64_t schedule_midnight(int64_t t_ms, int days);
/* The bounds of the quarter T_MS falls in, plus DELTA quarters. */
void schedule_quarter(
    int64_t t_ms, int delta, int64_t *from_ms, int64_t *to_ms);

#endif
