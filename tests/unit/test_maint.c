/* test_maint.c - unit tests of maintenance windows: parsing, maint_active(), maint_next_change(). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "common/maint.h"
#include "common/util.h"
#include "common/xtime.h"

/*
 * UTC ms of a wall-clock time in Vietnam, worked out apart from the code
 * under test: timegm() of the local fields, less the fixed 7 hours.
 */
static int64_t
vn(int y, int mo, int d, int h, int mi)
{
	struct tm tm = {0};

	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	return ((int64_t)timegm(&tm) - 7 * 3600) * 1000;
}

static int
zone_setup(void **state)
{
	return time_zone_set("Asia/Ho_Chi_Minh");
}

struct windows {
	struct maint_window *w;
	size_t n;
};

static struct windows
parse_ok(const char *text)
{
	struct windows ws = {NULL, 99};
	char err[256];

	if (maint_parse(text, &ws.w, &ws.n, err, sizeof err) != 0)
		fail_msg("'%s': %s", text, err);
	assert_string_equal(err, "");
	return ws;
}

static void
test_parse_good(void **state)
{
	static const struct {
		const char *text;
		size_t n;
	} cases[] = {
	    {"Sun 22:00-23:00", 1},
	    {"Mon-Fri 12:00-13:00", 1},
	    {"daily 02:00-02:30", 1},
	    {"Sat 23:00-01:00", 1},
	    {"2026-12-01 08:00-12:00", 1},
	    {"2026-12-24 22:00 - 2026-12-25 06:00", 1},
	    {"2026-12-24 22:00-2026-12-25 06:00", 1},
	    {"sun 22:00 - 23:00", 1},
	    {"DAILY 0:00-24:00", 1},
	    {"2024-02-29 08:00-09:00", 1},
	    {"Sun 22:00-23:00; Mon-Fri 12:00-13:00;daily 02:00-02:30", 3},
	    /* ',' as well: a ';' after a space is an INI comment. */
	    {"Sun 22:00-23:00 , Sat 01:00-02:00", 2},
	    {"Sun 22:00-23:00;", 1},
	    {"", 0},
	    {" ; ", 0},
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct windows ws = parse_ok(cases[i].text);

		if (ws.n != cases[i].n)
			fail_msg("'%s': %zu windows, not %zu", cases[i].text,
			    ws.n, cases[i].n);
		maint_free(ws.w);
	}
}

static void
test_parse_bad(void **state)
{
	static const struct {
		const char *text;
		const char *err;
	} cases[] = {
	    {"Sun 25:00-26:00",
		"bad maintenance window 'Sun 25:00-26:00': hour must be 0-23"},
	    {"Sun 22:60-23:00", "bad maintenance window 'Sun 22:60-23:00': "
				"minute must be 0-59"},
	    {"Sun 22:00-24:30",
		"bad maintenance window 'Sun 22:00-24:30': hour must be 0-23"},
	    {"Sun 24:00-01:00",
		"bad maintenance window 'Sun 24:00-01:00': 24:00 can only end "
		"a window"},
	    {"Sunday 22:00-23:00",
		"bad maintenance window 'Sunday 22:00-23:00': unknown day "
		"'Sunday': use Mon, Tue, Wed, Thu, Fri, Sat, Sun, a range such "
		"as Mon-Fri, or daily"},
	    {"Mon-Fry 12:00-13:00",
		"bad maintenance window 'Mon-Fry 12:00-13:00': unknown day "
		"'Mon-Fry': use Mon, Tue, Wed, Thu, Fri, Sat, Sun, a range "
		"such as Mon-Fri, or daily"},
	    {"Sun 22:00",
		"bad maintenance window 'Sun 22:00': expected DAYS HH:MM-HH:MM "
		"or YYYY-MM-DD HH:MM-HH:MM, such as Sun 22:00-23:00"},
	    {"22:00-23:00",
		"bad maintenance window '22:00-23:00': expected DAYS "
		"HH:MM-HH:MM or YYYY-MM-DD HH:MM-HH:MM, such as Sun "
		"22:00-23:00"},
	    {"Sun 22:00-23:00 UTC",
		"bad maintenance window 'Sun 22:00-23:00 UTC': expected DAYS "
		"HH:MM-HH:MM or YYYY-MM-DD HH:MM-HH:MM, such as Sun "
		"22:00-23:00"},
	    {"Sun 22h-23h",
		"bad maintenance window 'Sun 22h-23h': a time is written "
		"HH:MM, such as 08:00"},
	    {"Sun 22:00-22:00",
		"bad maintenance window 'Sun 22:00-22:00': start and end are "
		"the same time"},
	    {"2026-12-01 08:00-08:00",
		"bad maintenance window '2026-12-01 08:00-08:00': start and "
		"end are the same time"},
	    {"2026-02-29 08:00-12:00",
		"bad maintenance window '2026-02-29 08:00-12:00': no such date "
		"2026-02-29"},
	    {"2026-13-01 08:00-12:00",
		"bad maintenance window '2026-13-01 08:00-12:00': no such date "
		"2026-13-01"},
	    {"2026-12-1 08:00-12:00",
		"bad maintenance window '2026-12-1 08:00-12:00': a date is "
		"written YYYY-MM-DD, such as 2026-12-01"},
	    {"1969-12-31 08:00-12:00",
		"bad maintenance window '1969-12-31 08:00-12:00': year must be "
		"1970 or later"},
	    {"2026-12-25 06:00 - 2026-12-24 22:00",
		"bad maintenance window '2026-12-25 06:00 - 2026-12-24 22:00': "
		"it ends before it starts"},
	    /* The window that is wrong is named, not the first. */
	    {"Sun 22:00-23:00; Sat 1:00-",
		"bad maintenance window 'Sat 1:00-': expected DAYS HH:MM-HH:MM "
		"or YYYY-MM-DD HH:MM-HH:MM, such as Sun 22:00-23:00"},
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct maint_window *w = (void *)1;
		size_t n = 99;
		char err[256];

		if (maint_parse(cases[i].text, &w, &n, err, sizeof err) != -1)
			fail_msg("accepted '%s'", cases[i].text);
		assert_string_equal(err, cases[i].err);
		assert_null(w);
		assert_int_equal(n, 0);
	}
}

/* A list is bounded: it lives on one config line or CSV cell. */
static void
test_parse_too_many(void **state)
{
	char *text = xstrdup(""), *t, err[256];
	struct maint_window *w;
	size_t n;

	for (int i = 0; i < 65; i++) {
		t = xasprintf("%s%sdaily %02d:00-%02d:30", text, i ? ";" : "",
		    i % 24, i % 24);
		free(text);
		text = t;
	}
	assert_int_equal(maint_parse(text, &w, &n, err, sizeof err), -1);
	assert_string_equal(err,
	    "bad maintenance window 'daily 16:00-16:30': more than 64 windows");
	/* Cut at the last ';': 64 are fine. */
	*strrchr(text, ';') = '\0';
	assert_int_equal(maint_parse(text, &w, &n, err, sizeof err), 0);
	assert_int_equal(n, 64);
	maint_free(w);
	free(text);
}

static void
test_weekly(void **state)
{
	struct windows ws = parse_ok("Sun 22:00-23:00");

	/* 2026-11-22 is a Sunday. */
	assert_false(maint_active(ws.w, ws.n, vn(2026, 11, 22, 21, 59)));
	assert_true(maint_active(ws.w, ws.n, vn(2026, 11, 22, 22, 0)));
	assert_true(maint_active(ws.w, ws.n, vn(2026, 11, 22, 23, 0) - 1));
	assert_false(maint_active(ws.w, ws.n, vn(2026, 11, 22, 23, 0)));
	assert_false(maint_active(ws.w, ws.n, vn(2026, 11, 23, 22, 30)));
	assert_true(maint_active(ws.w, ws.n, vn(2026, 11, 29, 22, 30)));
	assert_int_equal(maint_next_change(ws.w, ws.n, vn(2026, 11, 20, 8, 0)),
	    vn(2026, 11, 22, 22, 0));
	/* Strictly after: at a boundary, the next one. */
	assert_int_equal(maint_next_change(ws.w, ws.n, vn(2026, 11, 22, 22, 0)),
	    vn(2026, 11, 22, 23, 0));
	assert_int_equal(maint_next_change(ws.w, ws.n, vn(2026, 11, 22, 23, 0)),
	    vn(2026, 11, 29, 22, 0));
	maint_free(ws.w);
}

static void
test_day_ranges(void **state)
{
	struct windows ws = parse_ok("Mon-Fri 12:00-13:00");

	assert_true(maint_active(ws.w, ws.n, vn(2026, 11, 23, 12, 30)));
	assert_true(maint_active(ws.w, ws.n, vn(2026, 11, 20, 12, 30)));
	assert_false(maint_active(ws.w, ws.n, vn(2026, 11, 21, 12, 30)));
	assert_false(maint_active(ws.w, ws.n, vn(2026, 11, 22, 12, 30)));
	/* Friday's ends; Monday's is next, over the weekend. */
	assert_int_equal(maint_next_change(ws.w, ws.n, vn(2026, 11, 20, 13, 0)),
	    vn(2026, 11, 23, 12, 0));
	maint_free(ws.w);

	/* A range may wrap past Sunday. */
	ws = parse_ok("Fri-Mon 00:00-24:00");
	assert_true(maint_active(ws.w, ws.n, vn(2026, 11, 22, 12, 0)));
	assert_true(maint_active(ws.w, ws.n, vn(2026, 11, 23, 23, 59)));
	assert_false(maint_active(ws.w, ws.n, vn(2026, 11, 24, 0, 0)));
	assert_false(maint_active(ws.w, ws.n, vn(2026, 11, 19, 23, 59)));
	assert_true(maint_active(ws.w, ws.n, vn(2026, 11, 20, 0, 0)));
	/* Back-to-back days: the boundary at each midnight is reported. */
	assert_int_equal(maint_next_change(ws.w, ws.n, vn(2026, 11, 21, 12, 0)),
	    vn(2026, 11, 22, 0, 0));
	maint_free(ws.w);

	ws = parse_ok("daily 02:00-02:30");
	for (int d = 16; d <= 22; d++) {
		assert_true(maint_active(ws.w, ws.n, vn(2026, 11, d, 2, 15)));
		assert_false(maint_active(ws.w, ws.n, vn(2026, 11, d, 2, 30)));
	}
	assert_int_equal(maint_next_change(ws.w, ws.n, vn(2026, 11, 22, 2, 30)),
	    vn(2026, 11, 23, 2, 0));
	maint_free(ws.w);
}

static void
test_across_midnight(void **state)
{
	struct windows ws = parse_ok("Fri 23:00-01:00");

	assert_false(maint_active(ws.w, ws.n, vn(2026, 11, 20, 22, 59)));
	assert_true(maint_active(ws.w, ws.n, vn(2026, 11, 20, 23, 30)));
	assert_true(maint_active(ws.w, ws.n, vn(2026, 11, 21, 0, 30)));
	assert_false(maint_active(ws.w, ws.n, vn(2026, 11, 21, 1, 0)));
	/* Thursday night is not Friday night. */
	assert_false(maint_active(ws.w, ws.n, vn(2026, 11, 19, 23, 30)));
	assert_false(maint_active(ws.w, ws.n, vn(2026, 11, 20, 0, 30)));
	assert_int_equal(
	    maint_next_change(ws.w, ws.n, vn(2026, 11, 20, 23, 30)),
	    vn(2026, 11, 21, 1, 0));
	maint_free(ws.w);
}

/* Saturday night's window ends on Sunday: the week wraps under it. */
static void
test_week_wrap(void **state)
{
	struct windows ws = parse_ok("Sat 23:00-01:00");

	assert_true(maint_active(ws.w, ws.n, vn(2026, 11, 21, 23, 0)));
	assert_true(maint_active(ws.w, ws.n, vn(2026, 11, 22, 0, 0)));
	assert_true(maint_active(ws.w, ws.n, vn(2026, 11, 22, 1, 0) - 1));
	assert_false(maint_active(ws.w, ws.n, vn(2026, 11, 22, 1, 0)));
	assert_false(maint_active(ws.w, ws.n, vn(2026, 11, 23, 0, 30)));
	assert_true(maint_active(ws.w, ws.n, vn(2026, 11, 15, 0, 30)));
	assert_int_equal(maint_next_change(ws.w, ws.n, vn(2026, 11, 22, 0, 30)),
	    vn(2026, 11, 22, 1, 0));
	assert_int_equal(maint_next_change(ws.w, ws.n, vn(2026, 11, 22, 1, 0)),
	    vn(2026, 11, 28, 23, 0));
	/* Over a year end as well: 2026-12-26 is a Saturday. */
	assert_true(maint_active(ws.w, ws.n, vn(2027, 1, 3, 0, 30)));
	assert_int_equal(maint_next_change(ws.w, ws.n, vn(2026, 12, 31, 12, 0)),
	    vn(2027, 1, 2, 23, 0));
	maint_free(ws.w);
}

static void
test_one_off(void **state)
{
	struct windows ws = parse_ok("2026-12-01 08:00-12:00");

	assert_false(maint_active(ws.w, ws.n, vn(2026, 12, 1, 7, 59)));
	assert_true(maint_active(ws.w, ws.n, vn(2026, 12, 1, 8, 0)));
	assert_false(maint_active(ws.w, ws.n, vn(2026, 12, 1, 12, 0)));
	/* Not again a week later: it is not a Tuesday window. */
	assert_false(maint_active(ws.w, ws.n, vn(2026, 12, 8, 9, 0)));
	assert_int_equal(maint_next_change(ws.w, ws.n, vn(2026, 11, 1, 0, 0)),
	    vn(2026, 12, 1, 8, 0));
	assert_int_equal(maint_next_change(ws.w, ws.n, vn(2026, 12, 1, 9, 0)),
	    vn(2026, 12, 1, 12, 0));
	assert_int_equal(
	    maint_next_change(ws.w, ws.n, vn(2026, 12, 1, 12, 0)), INT64_MAX);
	maint_free(ws.w);

	/* One date, crossing midnight into the new year. */
	ws = parse_ok("2026-12-31 22:00-02:00");
	assert_true(maint_active(ws.w, ws.n, vn(2027, 1, 1, 1, 0)));
	assert_false(maint_active(ws.w, ws.n, vn(2027, 1, 1, 2, 0)));
	assert_int_equal(maint_next_change(ws.w, ws.n, vn(2026, 12, 31, 23, 0)),
	    vn(2027, 1, 1, 2, 0));
	maint_free(ws.w);
}

static void
test_one_off_spanning_days(void **state)
{
	struct windows ws = parse_ok("2026-12-24 22:00 - 2026-12-26 06:00");

	assert_false(maint_active(ws.w, ws.n, vn(2026, 12, 24, 21, 59)));
	assert_true(maint_active(ws.w, ws.n, vn(2026, 12, 24, 22, 0)));
	assert_true(maint_active(ws.w, ws.n, vn(2026, 12, 25, 12, 0)));
	assert_true(maint_active(ws.w, ws.n, vn(2026, 12, 26, 5, 59)));
	assert_false(maint_active(ws.w, ws.n, vn(2026, 12, 26, 6, 0)));
	assert_int_equal(maint_next_change(ws.w, ws.n, vn(2026, 12, 24, 23, 0)),
	    vn(2026, 12, 26, 6, 0));
	maint_free(ws.w);
}

/* Several windows: active in any, the soonest boundary of all. */
static void
test_several(void **state)
{
	struct windows ws = parse_ok(
	    "Sun 22:00-23:00; 2026-11-25 09:00-10:00; daily 02:00-02:30");

	assert_int_equal(ws.n, 3);
	assert_true(maint_active(ws.w, ws.n, vn(2026, 11, 25, 9, 30)));
	assert_true(maint_active(ws.w, ws.n, vn(2026, 11, 25, 2, 10)));
	assert_false(maint_active(ws.w, ws.n, vn(2026, 11, 25, 8, 30)));
	assert_int_equal(maint_next_change(ws.w, ws.n, vn(2026, 11, 25, 3, 0)),
	    vn(2026, 11, 25, 9, 0));
	assert_int_equal(maint_next_change(ws.w, ws.n, vn(2026, 11, 25, 10, 0)),
	    vn(2026, 11, 26, 2, 0));
	assert_int_equal(maint_next_change(ws.w, ws.n, vn(2026, 11, 22, 3, 0)),
	    vn(2026, 11, 22, 22, 0));
	maint_free(ws.w);
	ws = parse_ok("");
	assert_false(maint_active(ws.w, ws.n, vn(2026, 11, 25, 9, 30)));
	assert_int_equal(
	    maint_next_change(ws.w, ws.n, vn(2026, 11, 25, 9, 30)), INT64_MAX);
	maint_free(ws.w);
}

/*
 * Vietnam keeps UTC+7 all year: local midnight is 17:00 UTC the day
 * before, in January as in July, with the zone from tzdata or, without
 * tzdata, the fixed offset time_zone_set() falls back to.
 */
static void
test_plus_seven(void **state)
{
	struct windows ws = parse_ok("daily 00:00-01:00");
	const char *zones[] = {"Asia/Ho_Chi_Minh", "No/Such_Zone"};

	for (size_t z = 0; z < 2; z++) {
		assert_int_equal(time_zone_set(zones[z]), z == 0 ? 0 : -1);
		for (int mo = 1; mo <= 12; mo++) {
			struct tm tm = {0};
			int64_t utc17;

			tm.tm_year = 2026 - 1900;
			tm.tm_mon = mo - 1;
			tm.tm_mday = 14;
			tm.tm_hour = 17;
			utc17 = (int64_t)timegm(&tm) * 1000;
			assert_int_equal(
			    maint_next_change(ws.w, ws.n, utc17 - 3600000),
			    utc17);
			assert_int_equal(maint_next_change(ws.w, ws.n, utc17),
			    utc17 + 3600000);
			assert_false(maint_active(ws.w, ws.n, utc17 - 1));
			assert_true(maint_active(ws.w, ws.n, utc17));
			assert_false(maint_active(ws.w, ws.n, utc17 + 3600000));
		}
	}
	assert_int_equal(time_zone_set("Asia/Ho_Chi_Minh"), 0);
	maint_free(ws.w);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse_good),
	    cmocka_unit_test(test_parse_bad),
	    cmocka_unit_test(test_parse_too_many),
	    cmocka_unit_test(test_weekly),
	    cmocka_unit_test(test_day_ranges),
	    cmocka_unit_test(test_across_midnight),
	    cmocka_unit_test(test_week_wrap),
	    cmocka_unit_test(test_one_off),
	    cmocka_unit_test(test_one_off_spanning_days),
	    cmocka_unit_test(test_several),
	    cmocka_unit_test(test_plus_seven),
	};

	return cmocka_run_group_tests(tests, zone_setup, NULL);
}
