/* maint.c - maintenance windows: parsing them, and whether a moment is inside one. */

/*
 * Windows are kept in local wall-clock terms (days of the week and minutes
 * of the day, or local dates), never as precomputed UTC instants: the
 * config is parsed before the daemon has set the site's zone, and a
 * "Sun 22:00" window means 22:00 on the office clock whatever the offset.
 *
 * maint_active() compares in "local milliseconds": the local date and time
 * of the moment counted from 1970-01-01 00:00 as if it were UTC. That is
 * the wall clock's own arithmetic, with no offset to get wrong.
 * maint_next_change() has to name a UTC instant, so it turns each candidate
 * local boundary back into one with mktime().
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "common/maint.h"
#include "common/util.h"

/* A device's list lives on one config line or CSV cell: a few windows. */
#define MAINT_MAX_WINDOWS 64

#define MIN_MS 60000LL
#define DAY_MS 86400000LL

struct maint_window {
	bool once;
	/* Recurring: bit N is tm_wday N (0 = Sunday). */
	unsigned days;
	/* Recurring: minutes of the day; end > start, up to a day later. */
	int start_min, end_min;
	/* One-off: local minutes since 1970-01-01 00:00. */
	int64_t start_local, end_local;
};

static const char *const day_names[7] = {
    "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant). */
static int64_t
days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* The weekday (0 = Sunday) of day DAYS since 1970-01-01, a Thursday. */
static int
weekday(int64_t days)
{
	return (int)(((days + 4) % 7 + 7) % 7);
}

static bool
leap_year(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
month_days(int y, int m)
{
	static const int n[12] = {
	    31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	return m == 2 && leap_year(y) ? 29 : n[m - 1];
}

/* Parsing: P walks one window's text; the first problem is kept. */

struct cursor {
	const char *p;
	char why[160];
};

static int fail(struct cursor *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
fail(struct cursor *c, const char *fmt, ...)
{
	va_list ap;

	if (c->why[0] == '\0') {
		va_start(ap, fmt);
		vsnprintf(c->why, sizeof c->why, fmt, ap);
		va_end(ap);
	}
	return -1;
}

#define FORMAT_HINT                                                     \
	"expected DAYS HH:MM-HH:MM or YYYY-MM-DD HH:MM-HH:MM, such as " \
	"Sun 22:00-23:00"

static void
skip_space(struct cursor *c)
{
	while (*c->p == ' ' || *c->p == '\t')
		c->p++;
}

/* Exactly N digits into *OUT. */
static int
digits(struct cursor *c, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)c->p[i]))
			return -1;
		v = v * 10 + (c->p[i] - '0');
	}
	c->p += n;
	*out = v;
	return 0;
}

/*
 * "H:MM" or "HH:MM" into minutes of the day; 24:00 only where an end
 * may be, for a window that runs to midnight.
 */
static int
clock_parse(struct cursor *c, bool end, int *minutes)
{
	int h, m;

	if (!isdigit((unsigned char)c->p[0]))
		return fail(c, FORMAT_HINT);
	if (isdigit((unsigned char)c->p[1]))
		digits(c, 2, &h);
	else
		digits(c, 1, &h);
	if (*c->p != ':')
		return fail(c, "a time is written HH:MM, such as 08:00");
	c->p++;
	if (digits(c, 2, &m) == -1 || isdigit((unsigned char)*c->p))
		return fail(c, "a time is written HH:MM, such as 08:00");
	if (h == 24 && m == 0) {
		if (!end)
			return fail(c, "24:00 can only end a window");
	} else if (h > 23)
		return fail(c, "hour must be 0-23");
	if (m > 59)
		return fail(c, "minute must be 0-59");
	*minutes = h * 60 + m;
	return 0;
}

/* "YYYY-MM-DD" into days since 1970-01-01. */
static int
date_parse(struct cursor *c, int64_t *days)
{
	int y, m, d;

	if (digits(c, 4, &y) == -1 || *c->p++ != '-' ||
	    digits(c, 2, &m) == -1 || *c->p++ != '-' ||
	    digits(c, 2, &d) == -1 || isdigit((unsigned char)*c->p))
		return fail(
		    c, "a date is written YYYY-MM-DD, such as 2026-12-01");
	if (y < 1970)
		return fail(c, "year must be 1970 or later");
	if (m < 1 || m > 12 || d < 1 || d > month_days(y, m))
		return fail(c, "no such date %04d-%02d-%02d", y, m, d);
	*days = days_from_civil(y, m, d);
	return 0;
}

static bool
at_date(const struct cursor *c)
{
	for (int i = 0; i < 4; i++)
		if (!isdigit((unsigned char)c->p[i]))
			return false;
	return c->p[4] == '-';
}

static int
dash(struct cursor *c)
{
	skip_space(c);
	if (*c->p != '-')
		return fail(c, FORMAT_HINT);
	c->p++;
	skip_space(c);
	return 0;
}

static int
day_index(const char *name, size_t len)
{
	for (int i = 0; i < 7; i++)
		if (len == 3 && strncasecmp(name, day_names[i], 3) == 0)
			return i;
	return -1;
}

/* "daily", "Sun" or "Mon-Fri" (a range may wrap: "Fri-Mon"). */
static int
days_parse(struct cursor *c, unsigned *mask)
{
	const char *start = c->p, *dash_at;
	size_t len = strcspn(c->p, " \t");
	int first, last;

	c->p += len;
	if (len == 5 && strncasecmp(start, "daily", 5) == 0) {
		*mask = 0x7f;
		return 0;
	}
	dash_at = memchr(start, '-', len);
	if (dash_at == NULL) {
		if ((first = day_index(start, len)) < 0)
			goto unknown;
		*mask = 1u << first;
		return 0;
	}
	first = day_index(start, (size_t)(dash_at - start));
	last = day_index(dash_at + 1, len - (size_t)(dash_at - start) - 1);
	if (first < 0 || last < 0)
		goto unknown;
	*mask = 0;
	for (int d = first;; d = (d + 1) % 7) {
		*mask |= 1u << d;
		if (d == last)
			break;
	}
	return 0;
unknown:
	return fail(c,
	    "unknown day '%.*s': use Mon, Tue, Wed, Thu, Fri, Sat, Sun, a "
	    "range such as Mon-Fri, or daily",
	    (int)len, start);
}

static int
window_parse(struct cursor *c, struct maint_window *w)
{
	int64_t day, end_day;
	int start, end;

	memset(w, 0, sizeof *w);
	if (at_date(c)) {
		w->once = true;
		if (date_parse(c, &day) == -1)
			return -1;
		skip_space(c);
		if (clock_parse(c, false, &start) == -1 || dash(c) == -1)
			return -1;
		end_day = day;
		if (at_date(c)) {
			if (date_parse(c, &end_day) == -1)
				return -1;
			skip_space(c);
			if (clock_parse(c, true, &end) == -1)
				return -1;
		} else if (clock_parse(c, true, &end) == -1)
			return -1;
		if (*c->p != '\0')
			return fail(c, FORMAT_HINT);
		w->start_local = day * 1440 + start;
		w->end_local = end_day * 1440 + end;
		if (end_day == day && end == start)
			return fail(c, "start and end are the same time");
		/* "2026-12-01 22:00-02:00" runs into the next morning. */
		if (end_day == day && end < start)
			w->end_local += 1440;
		if (w->end_local <= w->start_local)
			return fail(c, "it ends before it starts");
		return 0;
	}
	if (!isalpha((unsigned char)*c->p))
		return fail(c, FORMAT_HINT);
	if (days_parse(c, &w->days) == -1)
		return -1;
	skip_space(c);
	if (clock_parse(c, false, &start) == -1 || dash(c) == -1 ||
	    clock_parse(c, true, &end) == -1)
		return -1;
	if (*c->p != '\0')
		return fail(c, FORMAT_HINT);
	if (end == start)
		return fail(c, "start and end are the same time");
	w->start_min = start;
	/* "Sat 23:00-01:00" ends on Sunday. */
	w->end_min = end > start ? end : end + 1440;
	return 0;
}

int
maint_parse(const char *text, struct maint_window **windows, size_t *n,
    char *err, size_t errlen)
{
	char *copy = xstrdup(text != NULL ? text : ""), *rest = copy, *item;
	struct maint_window *list = NULL;
	size_t count = 0;

	if (errlen > 0)
		err[0] = '\0';
	/* ',' too: in the INI file a ';' after a space starts a comment. */
	while ((item = strsep(&rest, ";,")) != NULL) {
		struct cursor c = {NULL, ""};

		str_trim(item);
		if (item[0] == '\0')
			continue;
		c.p = item;
		if (count == MAINT_MAX_WINDOWS)
			fail(&c, "more than %d windows", MAINT_MAX_WINDOWS);
		else {
			list = xreallocarray(list, count + 1, sizeof *list);
			if (window_parse(&c, &list[count]) == 0) {
				count++;
				continue;
			}
		}
		snprintf(err, errlen, "bad maintenance window '%s': %s", item,
		    c.why);
		free(list);
		free(copy);
		*windows = NULL;
		*n = 0;
		return -1;
	}
	free(copy);
	*windows = list;
	*n = count;
	return 0;
}

void
maint_free(struct maint_window *windows)
{
	free(windows);
}

/* WALL_MS as local milliseconds (see the top of this file). */
static int64_t
local_ms(int64_t wall_ms)
{
	int64_t secs = wall_ms / 1000, ms = wall_ms % 1000;
	time_t t;
	struct tm tm;

	if (ms < 0) {
		ms += 1000;
		secs--;
	}
	t = (time_t)secs;
	if (localtime_r(&t, &tm) == NULL)
		return wall_ms;
	return (days_from_civil(
		    (int64_t)tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday) *
		       86400 +
		   tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec) *
		   1000 +
	       ms;
}

/* Local minutes since 1970 back to UTC ms, through the zone's rules. */
static int64_t
utc_ms(int64_t local_min)
{
	time_t t = (time_t)(local_min * 60);
	struct tm tm;

	gmtime_r(&t, &tm);
	tm.tm_isdst = -1;
	t = mktime(&tm);
	return (int64_t)t * 1000;
}

static int64_t
floor_div(int64_t a, int64_t b)
{
	return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

bool
maint_active(const struct maint_window *windows, size_t n, int64_t wall_ms)
{
	int64_t now = local_ms(wall_ms), today = floor_div(now, DAY_MS);

	for (size_t i = 0; i < n; i++) {
		const struct maint_window *w = &windows[i];

		if (w->once) {
			if (w->start_local * MIN_MS <= now &&
			    now < w->end_local * MIN_MS)
				return true;
			continue;
		}
		/* A window that began yesterday may still be running. */
		for (int64_t d = today - 1; d <= today; d++) {
			int64_t base = d * DAY_MS;

			if ((w->days & (1u << weekday(d))) != 0 &&
			    base + w->start_min * MIN_MS <= now &&
			    now < base + w->end_min * MIN_MS)
				return true;
		}
	}
	return false;
}

int64_t
maint_next_change(const struct maint_window *windows, size_t n, int64_t wall_ms)
{
	int64_t best = INT64_MAX;
	int64_t today = floor_div(local_ms(wall_ms), DAY_MS);

	for (size_t i = 0; i < n; i++) {
		const struct maint_window *w = &windows[i];
		int64_t cand[2];

		if (w->once) {
			cand[0] = utc_ms(w->start_local);
			cand[1] = utc_ms(w->end_local);
			for (int k = 0; k < 2; k++)
				if (cand[k] > wall_ms && cand[k] < best)
					best = cand[k];
			continue;
		}
		/*
		 * Yesterday's window may end today; some day of the coming
		 * week starts one. A day's slack either side covers a zone
		 * whose offset moves.
		 */
		for (int64_t d = today - 2; d <= today + 8; d++) {
			if ((w->days & (1u << weekday(d))) == 0)
				continue;
			cand[0] = utc_ms(d * 1440 + w->start_min);
			cand[1] = utc_ms(d * 1440 + w->end_min);
			for (int k = 0; k < 2; k++)
				if (cand[k] > wall_ms && cand[k] < best)
					best = cand[k];
		}
	}
	return best;
}
