/* test_uptime.c - unit tests of evidence/uptime: figures and periods. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "common/xtime.h"
#include "evidence/uptime.h"

#define SEC  1000LL
#define MIN  (60 * SEC)
#define HOUR (60 * MIN)
#define DAY  (24 * HOUR)
#define OPEN INT64_MAX

/* 2026Q3 in Vietnam: 2026-06-30T17:00Z to 2026-09-30T17:00Z, 92 days. */
#define Q3_FROM 1782838800000LL
#define Q3_TO   1790787600000LL

static struct interval
iv(int64_t start, int64_t end, enum dev_state st)
{
	struct interval v;

	memset(&v, 0, sizeof v);
	v.start_ms = start;
	v.end_ms = end;
	v.state = st;
	strcpy(v.cause, st == DEV_DOWN ? "timeout" : "");
	return v;
}

static void
test_crossing_boundaries(void **state)
{
	struct interval v[] = {
	    iv(Q3_FROM - 10 * DAY, Q3_FROM + 10 * DAY, DEV_UP),
	    iv(Q3_FROM + 10 * DAY, Q3_FROM + 10 * DAY + 2 * HOUR, DEV_DOWN),
	    iv(Q3_FROM + 10 * DAY + 2 * HOUR, Q3_TO + 5 * DAY, DEV_UP),
	};
	struct uptime u;

	assert_int_equal(Q3_TO - Q3_FROM, 92 * DAY);
	assert_int_equal(uptime_compute(v, 3, Q3_FROM, Q3_TO, -1, -1, &u), 0);
	assert_int_equal(u.from_ms, Q3_FROM);
	assert_int_equal(u.to_ms, Q3_TO);
	assert_int_equal(u.up_ms, 92 * DAY - 2 * HOUR);
	assert_int_equal(u.down_ms, 2 * HOUR);
	assert_int_equal(u.unknown_ms, 0);
	assert_int_equal(u.unreachable_ms, 0);
	assert_int_equal(u.maintenance_ms, 0);
	/* 2206 h up of 2208 h. */
	assert_float_equal(u.uptime_pct, 100.0 * 2206 / 2208, 1e-9);
	assert_float_equal(u.coverage_pct, 100.0, 1e-9);
	assert_int_equal(u.outages, 1);
	assert_int_equal(u.longest_outage_ms, 2 * HOUR);
}

static void
test_maintenance_splits_outage(void **state)
{
	int64_t d1 = Q3_FROM + DAY;
	struct interval v[] = {
	    iv(Q3_FROM, d1, DEV_UP),
	    iv(d1, d1 + 3 * HOUR, DEV_DOWN),
	    iv(d1 + 3 * HOUR, d1 + 5 * HOUR, DEV_MAINTENANCE),
	    iv(d1 + 5 * HOUR, d1 + 6 * HOUR, DEV_DOWN),
	    iv(d1 + 6 * HOUR, Q3_TO, DEV_UP),
	};
	struct uptime u;

	assert_int_equal(uptime_compute(v, 5, Q3_FROM, Q3_TO, -1, -1, &u), 0);
	assert_int_equal(u.up_ms, 92 * DAY - 6 * HOUR);
	assert_int_equal(u.down_ms, 4 * HOUR);
	assert_int_equal(u.maintenance_ms, 2 * HOUR);
	/* Maintenance is out of both sides: 2202 h up of 2206 h judged. */
	assert_float_equal(u.uptime_pct, 100.0 * 2202 / 2206, 1e-9);
	/* ... but the monitor watched all of it. */
	assert_float_equal(u.coverage_pct, 100.0, 1e-9);
	assert_int_equal(u.outages, 2);
	assert_int_equal(u.longest_outage_ms, 3 * HOUR);
}

static void
test_unknown_gaps_lower_coverage_only(void **state)
{
	struct interval v[] = {
	    iv(Q3_FROM, Q3_FROM + 30 * DAY, DEV_UP),
	    /* no row for day 31: the monitor was not running */
	    iv(Q3_FROM + 31 * DAY, Q3_FROM + 32 * DAY, DEV_UNKNOWN),
	    iv(Q3_FROM + 32 * DAY, Q3_TO, DEV_UP),
	};
	struct uptime u;

	assert_int_equal(uptime_compute(v, 3, Q3_FROM, Q3_TO, -1, -1, &u), 0);
	assert_int_equal(u.up_ms, 90 * DAY);
	assert_int_equal(u.unknown_ms, 2 * DAY);
	assert_int_equal(u.down_ms, 0);
	assert_float_equal(u.uptime_pct, 100.0, 1e-9);
	assert_float_equal(u.coverage_pct, 100.0 * 90 / 92, 1e-9);
	assert_int_equal(u.outages, 0);
	assert_int_equal(u.longest_outage_ms, 0);
}

static void
test_added_mid_quarter(void **state)
{
	int64_t added = Q3_FROM + 46 * DAY;
	struct interval v[] = {
	    /* the first hour after it was added has no row */
	    iv(added + HOUR, OPEN, DEV_UP),
	};
	struct uptime u;

	assert_int_equal(
	    uptime_compute(v, 1, Q3_FROM, Q3_TO, added, -1, &u), 0);
	assert_int_equal(u.from_ms, added);
	assert_int_equal(u.to_ms, Q3_TO);
	assert_int_equal(u.up_ms, 46 * DAY - HOUR);
	assert_int_equal(u.unknown_ms, HOUR);
	assert_float_equal(u.uptime_pct, 100.0, 1e-9);
	/* Coverage of its own part only: 1103 of 1104 hours. */
	assert_float_equal(u.coverage_pct, 100.0 * 1103 / 1104, 1e-9);
}

static void
test_retired_mid_quarter(void **state)
{
	int64_t retired = Q3_FROM + 20 * DAY;
	struct interval v[] = {
	    iv(Q3_FROM - 5 * DAY, Q3_FROM + 15 * DAY, DEV_UP),
	    /* never closed: the device was removed while down */
	    iv(Q3_FROM + 15 * DAY, OPEN, DEV_DOWN),
	};
	struct uptime u;

	assert_int_equal(uptime_compute(v, 2, Q3_FROM, Q3_TO,
			     Q3_FROM - 30 * DAY, retired, &u),
	    0);
	assert_int_equal(u.from_ms, Q3_FROM);
	assert_int_equal(u.to_ms, retired);
	assert_int_equal(u.up_ms, 15 * DAY);
	assert_int_equal(u.down_ms, 5 * DAY);
	assert_int_equal(u.unknown_ms, 0);
	assert_float_equal(u.uptime_pct, 75.0, 1e-9);
	assert_float_equal(u.coverage_pct, 100.0, 1e-9);
	assert_int_equal(u.outages, 1);
	assert_int_equal(u.longest_outage_ms, 5 * DAY);
}

static void
test_open_interval_runs_to_end(void **state)
{
	struct interval v[] = {
	    iv(Q3_FROM + DAY, OPEN, DEV_UP),
	};
	struct uptime u;

	assert_int_equal(uptime_compute(v, 1, Q3_FROM, Q3_TO, -1, -1, &u), 0);
	assert_int_equal(u.up_ms, 91 * DAY);
	assert_int_equal(u.unknown_ms, DAY);
	assert_float_equal(u.coverage_pct, 100.0 * 91 / 92, 1e-9);
	/* A period in progress: the caller passes TO = now. */
	assert_int_equal(
	    uptime_compute(v, 1, Q3_FROM, Q3_FROM + 3 * DAY, -1, -1, &u), 0);
	assert_int_equal(u.up_ms, 2 * DAY);
	assert_int_equal(u.unknown_ms, DAY);
}

static void
test_empty_part(void **state)
{
	struct interval v[] = {
	    iv(Q3_FROM, Q3_TO, DEV_UP),
	};
	struct uptime u;

	/* Added after the period. */
	assert_int_equal(
	    uptime_compute(v, 1, Q3_FROM, Q3_TO, Q3_TO, -1, &u), -1);
	assert_int_equal(u.up_ms, 0);
	assert_int_equal(u.from_ms, 0);
	assert_int_equal(u.to_ms, 0);
	assert_float_equal(u.uptime_pct, -1, 0);
	assert_float_equal(u.coverage_pct, -1, 0);
	/* Retired before it. */
	assert_int_equal(uptime_compute(v, 1, Q3_FROM, Q3_TO, Q3_FROM - DAY,
			     Q3_FROM - HOUR, &u),
	    -1);
	/* Retired the instant it began. */
	assert_int_equal(
	    uptime_compute(v, 1, Q3_FROM, Q3_TO, Q3_FROM, Q3_FROM, &u), -1);
	/* An empty period. */
	assert_int_equal(uptime_compute(v, 1, Q3_TO, Q3_FROM, -1, -1, &u), -1);
}

static void
test_no_judged_time(void **state)
{
	struct interval v[] = {
	    iv(Q3_FROM, Q3_FROM + 40 * DAY, DEV_MAINTENANCE),
	    iv(Q3_FROM + 40 * DAY, Q3_TO, DEV_UNREACHABLE),
	};
	struct uptime u;

	assert_int_equal(uptime_compute(v, 2, Q3_FROM, Q3_TO, -1, -1, &u), 0);
	assert_float_equal(u.uptime_pct, -1, 0);
	assert_int_equal(u.maintenance_ms, 40 * DAY);
	assert_int_equal(u.unreachable_ms, 52 * DAY);
	assert_float_equal(u.coverage_pct, 100.0, 1e-9);
	/* No interval at all: nothing judged, nothing watched. */
	assert_int_equal(
	    uptime_compute(NULL, 0, Q3_FROM, Q3_TO, -1, -1, &u), 0);
	assert_float_equal(u.uptime_pct, -1, 0);
	assert_float_equal(u.coverage_pct, 0, 0);
	assert_int_equal(u.unknown_ms, 92 * DAY);
}

static void
test_outage_list_clipped(void **state)
{
	struct interval v[] = {
	    iv(Q3_FROM - HOUR, Q3_FROM + HOUR, DEV_DOWN),
	    iv(Q3_FROM + HOUR, Q3_FROM + 10 * DAY, DEV_UP),
	    iv(Q3_FROM + 10 * DAY, Q3_FROM + 10 * DAY + 30 * MIN, DEV_DOWN),
	    iv(Q3_FROM + 10 * DAY + 30 * MIN, Q3_TO - 2 * HOUR, DEV_UP),
	    iv(Q3_TO - 2 * HOUR, Q3_TO + 3 * HOUR, DEV_DOWN),
	};
	struct interval out[8];
	struct uptime u;

	assert_int_equal(uptime_outages(v, 5, Q3_FROM, Q3_TO, out, 8), 3);
	assert_int_equal(out[0].start_ms, Q3_FROM);
	assert_int_equal(out[0].end_ms, Q3_FROM + HOUR);
	assert_string_equal(out[0].cause, "timeout");
	assert_int_equal(out[1].start_ms, Q3_FROM + 10 * DAY);
	assert_int_equal(out[1].end_ms, Q3_FROM + 10 * DAY + 30 * MIN);
	assert_int_equal(out[2].start_ms, Q3_TO - 2 * HOUR);
	assert_int_equal(out[2].end_ms, Q3_TO);
	assert_int_equal(out[2].state, DEV_DOWN);
	/* At most MAX. */
	assert_int_equal(uptime_outages(v, 5, Q3_FROM, Q3_TO, out, 2), 2);
	assert_int_equal(out[1].end_ms, Q3_FROM + 10 * DAY + 30 * MIN);
	/* A down interval ending exactly at FROM does not overlap. */
	assert_int_equal(
	    uptime_outages(v, 5, Q3_FROM + HOUR, Q3_FROM + DAY, out, 8), 0);

	assert_int_equal(uptime_compute(v, 5, Q3_FROM, Q3_TO, -1, -1, &u), 0);
	assert_int_equal(u.outages, 3);
	assert_int_equal(u.down_ms, 3 * HOUR + 30 * MIN);
	/* The last outage lasted 5 h, but only 2 h of it fall inside. */
	assert_int_equal(u.longest_outage_ms, 2 * HOUR);
}

static void
test_local_day_boundaries(void **state)
{
	int64_t from, to;

	assert_int_equal(
	    period_days("2026-10-01", "2026-10-01", &from, &to), 0);
	assert_int_equal(from, 1790787600000LL); /* 2026-09-30T17:00Z */
	assert_int_equal(to, 1790874000000LL);   /* 2026-10-01T17:00Z */
	assert_int_equal(
	    period_days("2026-07-01", "2026-09-30", &from, &to), 0);
	assert_int_equal(from, Q3_FROM);
	assert_int_equal(to, Q3_TO);
	/* 29 February in a leap year. */
	assert_int_equal(
	    period_days("2024-02-29", "2024-02-29", &from, &to), 0);
	assert_int_equal(from, 1709139600000LL);
	assert_int_equal(to, 1709226000000LL);
	/* Year end: 31 December runs to 1 January 00:00 local. */
	assert_int_equal(
	    period_days("2026-12-31", "2026-12-31", &from, &to), 0);
	assert_int_equal(from, 1798650000000LL);
	assert_int_equal(to, 1798736400000LL);
}

static void
test_quarters(void **state)
{
	int64_t from, to;

	assert_int_equal(period_quarter("2026Q1", &from, &to), 0);
	assert_int_equal(from, 1767200400000LL); /* 2025-12-31T17:00Z */
	assert_int_equal(to, 1774976400000LL);   /* 2026-03-31T17:00Z */
	assert_int_equal(period_quarter("2026Q2", &from, &to), 0);
	assert_int_equal(from, 1774976400000LL);
	assert_int_equal(to, Q3_FROM);
	assert_int_equal(period_quarter("2026Q3", &from, &to), 0);
	assert_int_equal(from, Q3_FROM);
	assert_int_equal(to, Q3_TO);
	assert_int_equal(period_quarter("2026Q4", &from, &to), 0);
	assert_int_equal(from, Q3_TO);
	assert_int_equal(to, 1798736400000LL); /* 2026-12-31T17:00Z */
	/* Typed in lower case, as people do. */
	assert_int_equal(period_quarter("2026q4", &from, &to), 0);
	assert_int_equal(to, 1798736400000LL);
}

static void
test_bad_periods(void **state)
{
	static const char *const quarters[] = {"2026Q5", "2026Q0", "26Q1",
	    "2026Q", "2026Q34", "Q3", "", "2026-Q3", "2026 Q3", "0900Q1",
	    "2026Q3 ", "x026Q3"};
	static const char *const days[][2] = {
	    {"2026-13-01", "2026-13-01"},
	    {"2026-00-10", "2026-01-10"},
	    {"2026-02-29", "2026-03-01"},
	    {"2026-04-31", "2026-05-01"},
	    {"2026-1-01", "2026-01-02"},
	    {"2026-01-01x", "2026-01-02"},
	    {"2026/01/01", "2026-01-02"},
	    {"2026-01-01", "2026-01-00"},
	    {"", "2026-01-01"},
	    {"2026-10-02", "2026-10-01"}, /* FROM after TO */
	    {"2027-01-01", "2026-12-31"},
	};
	int64_t from = 7, to = 8;

	for (size_t i = 0; i < sizeof quarters / sizeof quarters[0]; i++)
		assert_int_equal(period_quarter(quarters[i], &from, &to), -1);
	for (size_t i = 0; i < sizeof days / sizeof days[0]; i++)
		assert_int_equal(
		    period_days(days[i][0], days[i][1], &from, &to), -1);
	assert_int_equal(period_quarter(NULL, &from, &to), -1);
	assert_int_equal(period_days(NULL, "2026-01-01", &from, &to), -1);
	/* A rejected input leaves the outputs alone. */
	assert_int_equal(from, 7);
	assert_int_equal(to, 8);
}

static int
setup_zone(void **state)
{
	time_zone_set("Asia/Ho_Chi_Minh");
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_crossing_boundaries),
	    cmocka_unit_test(test_maintenance_splits_outage),
	    cmocka_unit_test(test_unknown_gaps_lower_coverage_only),
	    cmocka_unit_test(test_added_mid_quarter),
	    cmocka_unit_test(test_retired_mid_quarter),
	    cmocka_unit_test(test_open_interval_runs_to_end),
	    cmocka_unit_test(test_empty_part),
	    cmocka_unit_test(test_no_judged_time),
	    cmocka_unit_test(test_outage_list_clipped),
	    cmocka_unit_test(test_local_day_boundaries),
	    cmocka_unit_test(test_quarters),
	    cmocka_unit_test(test_bad_periods),
	};

	return cmocka_run_group_tests(tests, setup_zone, NULL);
}
