/* schedule.c - when scheduled snapshots are due: local days and quarters. */
#include <time.h>

#include "evidence/schedule.h"

int64_t
schedule_midnight(int64_t t_ms, int days)
{
	time_t t = (time_t)(t_ms / 1000);
	struct tm tm;

	localtime_r(&t, &tm);
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	tm.tm_mday += days;
	tm.tm_isdst = -1;
	return (int64_t)mktime(&tm) * 1000;
}

/* Local time YEAR-MON(0-based, may overflow into the next year)-DAY + MINUTE. */
static int64_t
schedule_local(int year, int mon, int day, int minute)
{
	struct tm tm = {0};

	tm.tm_year = year - 1900;
	tm.tm_mon = mon;
	tm.tm_mday = day;
	tm.tm_hour = minute / 60;
	tm.tm_min = minute % 60;
	tm.tm_isdst = -1;
	return (int64_t)mktime(&tm) * 1000;
}

/* The quarter T_MS falls in plus DELTA: its year and first month. */
static void
schedule_quarter_of(int64_t t_ms, int delta, int *year, int *first_mon)
{
	time_t t = (time_t)(t_ms / 1000);
	struct tm tm;
	int q;

	localtime_r(&t, &tm);
	q = (tm.tm_year + 1900) * 4 + tm.tm_mon / 3 + delta;
	*year = q / 4;
	*first_mon = (q % 4) * 3;
}

void
schedule_quarter(int64_t t_ms, int delta, int64_t *from_ms, int64_t *to_ms)
{
	int year, mon;

	schedule_quarter_of(t_ms, delta, &year, &mon);
	*from_ms = schedule_local(year, mon, 1, 0);
	*to_ms = schedule_local(year, mon + 3, 1, 0);
}

size_t
schedule_slots(int64_t now_ms, int daily_minute, int quarterly_day,
    int quarterly_minute, struct schedule_slot out[SCHEDULE_SLOTS_MAX])
{
	size_t n = 0;
	int year, mon;

	for (int d = -1; daily_minute >= 0 && d <= 0; d++) {
		out[n].kind = "daily";
		out[n].from_ms = schedule_midnight(now_ms, d);
		out[n].to_ms = schedule_midnight(now_ms, d + 1);
		out[n].due_ms = out[n].from_ms + (int64_t)daily_minute * 60000;
		out[n].previous = d < 0;
		n++;
	}
	for (int d = -1; quarterly_day > 0 && d <= 0; d++) {
		schedule_quarter_of(now_ms, d, &year, &mon);
		out[n].kind = "quarterly";
		schedule_quarter(now_ms, d, &out[n].from_ms, &out[n].to_ms);
		/* The reporting deadline: a day of the quarter's last month. */
		out[n].due_ms = schedule_local(
		    year, mon + 2, quarterly_day, quarterly_minute);
		out[n].previous = d < 0;
		n++;
	}
	return n;
}
