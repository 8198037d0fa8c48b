/* xtime.h - monotonic and wall clocks, local-time formatting. */
#ifndef XANET_XTIME_H
#define XANET_XTIME_H

#include <stddef.h>
#include <stdint.h>

#define XANET_DEFAULT_TZ "Asia/Ho_Chi_Minh"

/* Monotonic milliseconds: for scheduling and durations only. */
int64_t time_mono_ms(void);
/* UTC milliseconds since the epoch: for records. */
int64_t time_wall_ms(void);
/* The start of the UTC hour that T_MS falls in; floor, also before 1970. */
int64_t time_hour_floor(int64_t t_ms);

/*
 * Use time zone NAME (e.g. "Asia/Ho_Chi_Minh") for local times. Falls back
 * to a fixed UTC+7 when tzdata lacks it; returns -1 in that case.
 */
int time_zone_set(const char *name);

/* "2026-11-22 17:31:02 +07:00" */
size_t time_format_local(int64_t wall_ms, char *buf, size_t len);
/* "2026-11-22T17:31:02+07:00" */
size_t time_format_iso(int64_t wall_ms, char *buf, size_t len);

#endif
