/* test_store2.c - unit tests of store schema 2: intervals, chains, samples. */
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "common/config.h"
#include "common/log.h"
#include "common/util.h"
#include "common/xtime.h"
#include "evidence/uptime.h"
#include "store/alert.h"
#include "store/chain.h"
#include "store/db.h"
#include "store/device.h"
#include "store/interval.h"
#include "store/maintenance.h"
#include "store/sample.h"
#include "store/writer.h"
#include "tests/unit/testutil.h"

/* 2026-10-01 00:00 UTC: a whole hour, somewhere in 2026Q4. */
#define T0   INT64_C(1790812800000)
#define HOUR INT64_C(3600000)

/* Column 0 of the first row of SQL as text ("NULL" for a NULL). */
static char *
query_text(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	const unsigned char *t;
	char *v;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	t = sqlite3_column_text(st, 0);
	v = xstrdup(t != NULL ? (const char *)t : "NULL");
	sqlite3_finalize(st);
	return v;
}

static void
assert_query_text(sqlite3 *db, const char *sql, const char *want)
{
	char *got = query_text(db, sql);

	if (strcmp(got, want) != 0)
		fail_msg("%s: got \"%s\", want \"%s\"", sql, got, want);
	free(got);
}

/*
 * Someone editing the database behind the daemon's back: a connection
 * of their own, with none of our settings.
 */
static void
tamper(const struct store_fixture *f, const char *sql)
{
	sqlite3 *db;
	char *msg = NULL;

	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", sql, msg);
	assert_int_equal(sqlite3_changes(db), 1);
	sqlite3_free(msg);
	sqlite3_close(db);
}

/* A device row as device_sync would make it; returns its id. */
static int64_t
device_add(struct store_fixture *f, const char *key, const char *name,
    int64_t added_ms)
{
	sqlite3_stmt *st = writer_prepare(f->w,
	    "INSERT INTO device (key, name, kind, added_ms) "
	    "VALUES (?1, ?2, 'wifi-ap', ?3)");

	assert_non_null(st);
	sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 3, added_ms);
	assert_int_equal(writer_step(f->w, st), 0);
	assert_int_equal(writer_commit(f->w), 0);
	return sqlite3_last_insert_rowid(writer_db(f->w));
}

static void
device_retire_raw(struct store_fixture *f, int64_t id, int64_t at_ms)
{
	sqlite3_stmt *st = writer_prepare(
	    f->w, "UPDATE device SET retired_ms = ?2 WHERE id = ?1");

	assert_non_null(st);
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, at_ms);
	assert_int_equal(writer_step(f->w, st), 0);
	assert_int_equal(writer_commit(f->w), 0);
}

static void
assert_interval(const struct interval *iv, int64_t start, int64_t end,
    enum dev_state state, const char *cause)
{
	if (iv->start_ms != start || iv->end_ms != end || iv->state != state ||
	    strcmp(iv->cause, cause) != 0)
		fail_msg("interval [%" PRId64 ", %" PRId64 ") %s \"%s\", want "
			 "[%" PRId64 ", %" PRId64 ") %s \"%s\"",
		    iv->start_ms, iv->end_ms, dev_state_name(iv->state),
		    iv->cause, start, end, dev_state_name(state), cause);
}

static void
assert_chain_ok(sqlite3 *db, const char *table)
{
	char err[512] = "";
	int64_t bad = -7;
	int rc = chain_verify(db, table, &bad, err, sizeof err);

	if (rc != 0)
		fail_msg("chain_verify %s: %d at %" PRId64 ": %s", table, rc,
		    bad, err);
	assert_int_equal(bad, -7);
}

static void
assert_chain_broken(
    sqlite3 *db, const char *table, int64_t want_id, const char *want_err)
{
	char err[512] = "";
	int64_t bad = -7;

	assert_int_equal(chain_verify(db, table, &bad, err, sizeof err), 1);
	assert_int_equal(bad, want_id);
	assert_string_equal(err, want_err);
}

/* ---- state intervals ---- */

static void
test_transitions_are_contiguous(void **state)
{
	struct store_fixture *f = *state;
	int64_t ap = device_add(f, "ap-thon-1", "Nhà văn hóa thôn 1", T0);
	int64_t fw = device_add(f, "fw-ubnd", "Tường lửa UBND", T0);
	struct interval *iv;
	enum dev_state s;
	int64_t since;
	char cause[32];
	size_t n;

	assert_int_equal(
	    interval_transition(f->w, ap, DEV_UNKNOWN, T0 + 1000, NULL), 0);
	assert_int_equal(
	    interval_transition(f->w, fw, DEV_UP, T0 + 1500, NULL), 0);
	assert_int_equal(
	    interval_transition(f->w, ap, DEV_UP, T0 + 2000, NULL), 0);
	assert_int_equal(
	    interval_transition(f->w, ap, DEV_DOWN, T0 + 5000, "timeout"), 0);
	assert_int_equal(
	    interval_transition(f->w, ap, DEV_UP, T0 + 9000, NULL), 0);
	assert_int_equal(writer_commit(f->w), 0);

	assert_int_equal(interval_load(f->r, ap, 0, INT64_MAX, &iv, &n), 0);
	assert_int_equal(n, 4);
	assert_interval(&iv[0], T0 + 1000, T0 + 2000, DEV_UNKNOWN, "");
	assert_interval(&iv[1], T0 + 2000, T0 + 5000, DEV_UP, "");
	assert_interval(&iv[2], T0 + 5000, T0 + 9000, DEV_DOWN, "timeout");
	assert_interval(&iv[3], T0 + 9000, INT64_MAX, DEV_UP, "");
	free(iv);
	assert_int_equal(interval_load(f->r, fw, 0, INT64_MAX, &iv, &n), 0);
	assert_int_equal(n, 1);
	assert_interval(&iv[0], T0 + 1500, INT64_MAX, DEV_UP, "");
	free(iv);

	assert_int_equal(
	    interval_current(f->r, ap, &s, &since, cause, sizeof cause), 0);
	assert_int_equal(s, DEV_UP);
	assert_int_equal(since, T0 + 9000);
	assert_string_equal(cause, "");
	assert_int_equal(interval_transition(f->w, ap, DEV_UNREACHABLE,
			     T0 + 9500, "parent fw-ubnd down"),
	    0);
	assert_int_equal(writer_commit(f->w), 0);
	assert_int_equal(
	    interval_current(f->r, ap, &s, &since, cause, sizeof cause), 0);
	assert_int_equal(s, DEV_UNREACHABLE);
	assert_int_equal(since, T0 + 9500);
	assert_string_equal(cause, "parent fw-ubnd down");

	/* At most one open interval per device, whatever writes it. */
	assert_int_equal(query_int(f->r, "SELECT count(*) FROM state_interval "
					 "WHERE end_ms IS NULL"),
	    2);
	assert_chain_ok(f->r, "state_interval");

	/* No such device, no such state. */
	assert_int_equal(interval_transition(f->w, 999, DEV_UP, T0, NULL), -1);
	assert_int_equal(
	    interval_transition(f->w, ap, (enum dev_state)7, T0, NULL), -1);
	assert_int_equal(writer_commit(f->w), 0);
	assert_int_equal(
	    query_int(f->r, "SELECT count(*) FROM state_interval"), 6);
	/* A device with no interval at all. */
	assert_int_equal(interval_current(f->r, 999, &s, &since, NULL, 0), 1);
}

static void
test_backdated_transition_is_clamped(void **state)
{
	struct store_fixture *f = *state;
	int64_t ap = device_add(f, "ap-thon-2", "Nhà văn hóa thôn 2", T0);
	struct interval *iv;
	size_t n;

	/* Before the device was added: starts at added_ms. */
	assert_int_equal(
	    interval_transition(f->w, ap, DEV_UNKNOWN, T0 - 50000, NULL), 0);
	assert_int_equal(
	    interval_transition(f->w, ap, DEV_UP, T0 + 10000, NULL), 0);
	/* The outage's first failed probe came before the up interval. */
	assert_int_equal(
	    interval_transition(f->w, ap, DEV_DOWN, T0 + 8000, "timeout"), 0);
	assert_int_equal(
	    interval_transition(f->w, ap, DEV_UP, T0 + 20000, NULL), 0);
	assert_int_equal(writer_commit(f->w), 0);

	assert_int_equal(interval_load(f->r, ap, 0, INT64_MAX, &iv, &n), 0);
	assert_int_equal(n, 4);
	assert_interval(&iv[0], T0, T0 + 10000, DEV_UNKNOWN, "");
	/* Shrunk to nothing, never overlapping the down interval. */
	assert_interval(&iv[1], T0 + 10000, T0 + 10000, DEV_UP, "");
	assert_interval(&iv[2], T0 + 10000, T0 + 20000, DEV_DOWN, "timeout");
	assert_interval(&iv[3], T0 + 20000, INT64_MAX, DEV_UP, "");
	free(iv);
	assert_chain_ok(f->r, "state_interval");
}

static void
test_open_gap_after_crash(void **state)
{
	struct store_fixture *f = *state;
	char err[512];
	int64_t a = device_add(f, "ap-a", "A", T0);
	int64_t b = device_add(f, "ap-b", "B", T0);
	int64_t c = device_add(f, "ap-c", "C", T0);
	int64_t d, gap = T0 + 50000;
	struct interval *iv;
	enum dev_state s;
	int64_t since;
	char cause[32];
	size_t n;

	assert_int_equal(
	    interval_transition(f->w, a, DEV_UP, T0 + 1000, NULL), 0);
	assert_int_equal(
	    interval_transition(f->w, b, DEV_DOWN, T0 + 2000, "loss"), 0);
	assert_int_equal(
	    interval_transition(f->w, c, DEV_UP, T0 + 500, NULL), 0);
	assert_int_equal(writer_commit(f->w), 0);
	device_retire_raw(f, c, T0 + 40000);

	/* kill -9: the last batch made it, nothing closed the intervals. */
	writer_free(f->w);
	f->w = writer_new(db_open_writer(f->path, 0, err, sizeof err));
	assert_non_null(f->w);
	/* A device configured by this start, after the gap began. */
	d = device_add(f, "ap-d", "D", T0 + 70000);

	assert_int_equal(interval_open_gap(f->w, gap), 0);
	assert_int_equal(writer_commit(f->w), 0);

	assert_int_equal(interval_load(f->r, a, 0, INT64_MAX, &iv, &n), 0);
	assert_int_equal(n, 2);
	assert_interval(&iv[0], T0 + 1000, gap, DEV_UP, "");
	assert_interval(&iv[1], gap, INT64_MAX, DEV_UNKNOWN, "monitor-stopped");
	free(iv);
	assert_int_equal(interval_load(f->r, b, 0, INT64_MAX, &iv, &n), 0);
	assert_int_equal(n, 2);
	assert_interval(&iv[0], T0 + 2000, gap, DEV_DOWN, "loss");
	assert_interval(&iv[1], gap, INT64_MAX, DEV_UNKNOWN, "monitor-stopped");
	free(iv);
	/* Retired: closed, nothing new opened. */
	assert_int_equal(interval_load(f->r, c, 0, INT64_MAX, &iv, &n), 0);
	assert_int_equal(n, 1);
	assert_interval(&iv[0], T0 + 500, gap, DEV_UP, "");
	free(iv);
	assert_int_equal(interval_current(f->r, c, &s, &since, NULL, 0), 1);
	/* New: from when it was added. */
	assert_int_equal(
	    interval_current(f->r, d, &s, &since, cause, sizeof cause), 0);
	assert_int_equal(s, DEV_UNKNOWN);
	assert_int_equal(since, T0 + 70000);
	assert_string_equal(cause, "monitor-stopped");

	/* The state machine then takes over. */
	assert_int_equal(
	    interval_transition(f->w, a, DEV_UP, gap + 30000, NULL), 0);
	assert_int_equal(writer_commit(f->w), 0);
	assert_int_equal(interval_load(f->r, a, 0, INT64_MAX, &iv, &n), 0);
	assert_int_equal(n, 3);
	assert_interval(
	    &iv[1], gap, gap + 30000, DEV_UNKNOWN, "monitor-stopped");
	assert_interval(&iv[2], gap + 30000, INT64_MAX, DEV_UP, "");
	free(iv);
	assert_chain_ok(f->r, "state_interval");
}

static void
test_close_all_then_restart(void **state)
{
	struct store_fixture *f = *state;
	int64_t a = device_add(f, "ap-a", "A", T0);
	int64_t b = device_add(f, "ap-b", "B", T0);
	int64_t stop = T0 + 100000, back = T0 + 400000;
	struct interval *iv;
	enum dev_state s;
	int64_t since;
	size_t n;

	assert_int_equal(
	    interval_transition(f->w, a, DEV_UP, T0 + 1000, NULL), 0);
	/* Opened after the stop time (a clock stepped back): kept whole. */
	assert_int_equal(
	    interval_transition(f->w, b, DEV_MAINTENANCE, stop + 5, NULL), 0);
	assert_int_equal(interval_close_all(f->w, stop), 0);
	assert_int_equal(writer_commit(f->w), 0);
	assert_int_equal(interval_current(f->r, a, &s, &since, NULL, 0), 1);
	assert_int_equal(interval_current(f->r, b, &s, &since, NULL, 0), 1);
	assert_int_equal(query_int(f->r, "SELECT count(*) FROM state_interval "
					 "WHERE end_ms IS NULL"),
	    0);
	assert_int_equal(
	    query_int(f->r, "SELECT end_ms FROM state_interval WHERE "
			    "device_id = 2"),
	    stop + 5);
	assert_chain_ok(f->r, "state_interval");

	/* The next start opens the gap from the clean stop: no hole. */
	assert_int_equal(interval_open_gap(f->w, stop), 0);
	assert_int_equal(writer_commit(f->w), 0);
	assert_int_equal(interval_load(f->r, a, 0, INT64_MAX, &iv, &n), 0);
	assert_int_equal(n, 2);
	assert_interval(&iv[0], T0 + 1000, stop, DEV_UP, "");
	assert_interval(
	    &iv[1], stop, INT64_MAX, DEV_UNKNOWN, "monitor-stopped");
	free(iv);
	assert_int_equal(interval_load(f->r, b, 0, INT64_MAX, &iv, &n), 0);
	assert_int_equal(n, 2);
	assert_interval(&iv[0], stop + 5, stop + 5, DEV_MAINTENANCE, "");
	assert_interval(
	    &iv[1], stop + 5, INT64_MAX, DEV_UNKNOWN, "monitor-stopped");
	free(iv);

	/*
	 * A closed device with no gap opened (retired, then configured
	 * again): the time in between is unknown, not a hole.
	 */
	assert_int_equal(interval_close_all(f->w, stop + 1000), 0);
	assert_int_equal(
	    interval_transition(f->w, a, DEV_DOWN, back, "refused"), 0);
	/* And before the last end: clamped to it. */
	assert_int_equal(interval_transition(f->w, b, DEV_UP, T0, NULL), 0);
	assert_int_equal(writer_commit(f->w), 0);
	assert_int_equal(interval_load(f->r, a, 0, INT64_MAX, &iv, &n), 0);
	assert_int_equal(n, 4);
	assert_interval(
	    &iv[1], stop, stop + 1000, DEV_UNKNOWN, "monitor-stopped");
	assert_interval(&iv[2], stop + 1000, back, DEV_UNKNOWN, "not-watched");
	assert_interval(&iv[3], back, INT64_MAX, DEV_DOWN, "refused");
	free(iv);
	assert_int_equal(interval_load(f->r, b, 0, INT64_MAX, &iv, &n), 0);
	assert_int_equal(n, 3);
	assert_interval(&iv[2], stop + 1000, INT64_MAX, DEV_UP, "");
	free(iv);
	assert_chain_ok(f->r, "state_interval");
}

static void
test_interval_load_overlap_and_commit(void **state)
{
	struct store_fixture *f = *state;
	int64_t a = device_add(f, "ap-a", "A", T0);
	int64_t b = device_add(f, "ap-b", "B", T0);
	struct interval *iv;
	enum dev_state s;
	int64_t since;
	size_t n;

	/* [T0, +10) up, [+10, +20) down, [+20, +30) up, [+30, ...) down */
	for (int i = 0; i < 4; i++)
		assert_int_equal(
		    interval_transition(f->w, a, i % 2 ? DEV_DOWN : DEV_UP,
			T0 + 10000 * i, i % 2 ? "timeout" : NULL),
		    0);
	assert_int_equal(interval_transition(f->w, b, DEV_UP, T0, NULL), 0);
	assert_int_equal(writer_commit(f->w), 0);

	/* Not clipped: whole intervals that overlap. */
	assert_int_equal(
	    interval_load(f->r, a, T0 + 15000, T0 + 25000, &iv, &n), 0);
	assert_int_equal(n, 2);
	assert_interval(&iv[0], T0 + 10000, T0 + 20000, DEV_DOWN, "timeout");
	assert_interval(&iv[1], T0 + 20000, T0 + 30000, DEV_UP, "");
	free(iv);
	/* Half-open: an interval ending at FROM or starting at TO is out. */
	assert_int_equal(
	    interval_load(f->r, a, T0 + 10000, T0 + 20000, &iv, &n), 0);
	assert_int_equal(n, 1);
	assert_interval(&iv[0], T0 + 10000, T0 + 20000, DEV_DOWN, "timeout");
	free(iv);
	/* The open one, far in the future. */
	assert_int_equal(
	    interval_load(f->r, a, T0 + 1000 * HOUR, T0 + 2000 * HOUR, &iv, &n),
	    0);
	assert_int_equal(n, 1);
	assert_interval(&iv[0], T0 + 30000, INT64_MAX, DEV_DOWN, "timeout");
	free(iv);
	/* Before everything: nothing, and no array. */
	assert_int_equal(interval_load(f->r, a, 0, T0, &iv, &n), 0);
	assert_int_equal(n, 0);
	assert_null(iv);

	/* Queued, not committed: the writer sees it, a reader does not. */
	assert_int_equal(
	    interval_transition(f->w, a, DEV_UP, T0 + 40000, NULL), 0);
	assert_int_equal(interval_load(f->r, a, 0, INT64_MAX, &iv, &n), 0);
	assert_int_equal(n, 4);
	assert_interval(&iv[3], T0 + 30000, INT64_MAX, DEV_DOWN, "timeout");
	free(iv);
	assert_int_equal(interval_current(f->r, a, &s, &since, NULL, 0), 0);
	assert_int_equal(s, DEV_DOWN);
	assert_int_equal(
	    interval_current(writer_db(f->w), a, &s, &since, NULL, 0), 0);
	assert_int_equal(s, DEV_UP);
	assert_int_equal(writer_commit(f->w), 0);
	assert_int_equal(interval_load(f->r, a, 0, INT64_MAX, &iv, &n), 0);
	assert_int_equal(n, 5);
	assert_interval(&iv[3], T0 + 30000, T0 + 40000, DEV_DOWN, "timeout");
	assert_interval(&iv[4], T0 + 40000, INT64_MAX, DEV_UP, "");
	free(iv);
}

/* ---- hash chains ---- */

static void
test_chain_hash_known_value(void **state)
{
	static const unsigned char zero[CHAIN_HASH_LEN];
	unsigned char out[CHAIN_HASH_LEN];
	char hex[2 * CHAIN_HASH_LEN + 1], *text;

	(void)state;
	text = chain_interval_text("ap-a", "up", T0, NULL);
	assert_string_equal(text, "ap-a|up|1790812800000|");
	free(text);
	text = chain_alert_text(T0, "warning", "down", NULL, "a|b");
	assert_string_equal(text, "1790812800000|warning|down||a|b");
	free(text);
	/* SHA-256 of 32 zero bytes followed by "abc" (sha256sum agrees). */
	chain_hash(zero, "abc", out);
	hex_encode(out, sizeof out, hex);
	assert_string_equal(hex, "365aa7d8f7f9402c4b9434502b4cc89ddb09fe50"
				 "d7cd95b493b834c62d5a5370");
}

static void
test_chain_detects_edits(void **state)
{
	struct store_fixture *f = *state;
	int64_t dev[3];
	int64_t t = T0;
	int nrows;

	dev[0] = device_add(f, "ap-a", "A", T0);
	dev[1] = device_add(f, "ap-b", "B", T0);
	dev[2] = device_add(f, "sw-1", "Switch", T0);
	assert_chain_ok(f->r, "state_interval"); /* empty */
	/*
	 * 3,000 rows, row i + 1 for device i % 3 at T0 + (i + 1) s: up for
	 * three rows, down (timeout) for the next three, and so on.
	 */
	for (int i = 0; i < 3000; i++) {
		enum dev_state s = (enum dev_state)(1 + (i / 3) % 2);

		t += 1000;
		assert_int_equal(interval_transition(f->w, dev[i % 3], s, t,
				     s == DEV_DOWN ? "timeout" : NULL),
		    0);
		if (i % 500 == 499)
			assert_int_equal(writer_commit(f->w), 0);
	}
	assert_int_equal(writer_commit(f->w), 0);
	nrows = (int)query_int(f->r, "SELECT count(*) FROM state_interval");
	assert_int_equal(nrows, 3000);
	assert_chain_ok(f->r, "state_interval");
	/* The writer's own connection verifies the same. */
	assert_chain_ok(writer_db(f->w), "state_interval");

	/* A down turned up. */
	assert_query_text(
	    f->r, "SELECT state FROM state_interval WHERE id = 780", "down");
	tamper(f, "UPDATE state_interval SET state = 'up' WHERE id = 780");
	assert_chain_broken(
	    f->r, "state_interval", 780, "state_interval 780: hash mismatch");
	/* Put back: whole again, so the walk really recomputes. */
	tamper(f, "UPDATE state_interval SET state = 'down' WHERE id = 780");
	assert_chain_ok(f->r, "state_interval");

	/* The cause rewritten. */
	tamper(f, "UPDATE state_interval SET cause = 'power cut' "
		  "WHERE id = 1501");
	assert_chain_broken(
	    f->r, "state_interval", 1501, "state_interval 1501: hash mismatch");
	tamper(f, "UPDATE state_interval SET cause = NULL WHERE id = 1501");
	assert_chain_ok(f->r, "state_interval");

	/* The start moved, the previous end moved with it. */
	tamper(f, "UPDATE state_interval SET start_ms = start_ms + 1 "
		  "WHERE id = 2000");
	assert_chain_broken(
	    f->r, "state_interval", 2000, "state_interval 2000: hash mismatch");
	tamper(f, "UPDATE state_interval SET start_ms = start_ms - 1 "
		  "WHERE id = 2000");

	/* The end is not hashed; continuity catches it. */
	tamper(f, "UPDATE state_interval SET end_ms = end_ms - 500 "
		  "WHERE id = 1200");
	assert_chain_broken(f->r, "state_interval", 1200,
	    "state_interval 1200: ends at 1790814002500, but the device's "
	    "next interval (1203) starts at 1790814003000");
	tamper(f, "UPDATE state_interval SET end_ms = end_ms + 500 "
		  "WHERE id = 1200");
	/*
	 * The schema allows one open interval per device; someone who
	 * drops that index can reopen an old one.
	 */
	assert_int_equal(sqlite3_exec(writer_db(f->w),
			     "UPDATE state_interval "
			     "SET end_ms = NULL WHERE id = 2500",
			     NULL, NULL, NULL),
	    SQLITE_CONSTRAINT_UNIQUE);
	tamper(f, "DROP INDEX state_interval_open; "
		  "UPDATE state_interval SET end_ms = NULL WHERE id = 2500");
	assert_chain_broken(f->r, "state_interval", 2500,
	    "state_interval 2500: still open, but the device's next "
	    "interval (2503) starts at 1790815303000");
	tamper(f, "UPDATE state_interval SET end_ms = 1790815303000 "
		  "WHERE id = 2500");
	assert_chain_ok(f->r, "state_interval");

	/* A row taken out of the middle: found at the row after it. */
	tamper(f, "DELETE FROM state_interval WHERE id = 1800");
	assert_chain_broken(f->r, "state_interval", 1801,
	    "state_interval 1801: prev_hash does not match the previous row "
	    "(1799; rows 1800 to 1800 are missing)");
	/* The first row too. */
	tamper(f, "DELETE FROM state_interval WHERE id = 1");
	assert_chain_broken(f->r, "state_interval", 2,
	    "state_interval 2: prev_hash does not match the previous row (it "
	    "is the first row; rows 1 to 1 are missing)");

	/* Not a chained table. */
	{
		char err[128];
		int64_t bad;

		assert_int_equal(
		    chain_verify(f->r, "device", &bad, err, sizeof err), -1);
		assert_string_equal(err, "device is not a hash-chained table");
	}
}

/* ---- alerts ---- */

struct alert_seen {
	int n;
	int stop_after;
	struct alert_row rows[8];
	int64_t last_id;
};

static int
alert_collect(const struct alert_row *a, void *arg)
{
	struct alert_seen *s = arg;

	if (s->n < 8)
		s->rows[s->n] = *a;
	s->n++;
	s->last_id = a->id;
	return s->stop_after > 0 && s->n >= s->stop_after;
}

static void
test_alerts_chain_and_read(void **state)
{
	struct store_fixture *f = *state;
	int64_t a = device_add(f, "ap-thon-1", "Nhà văn hóa thôn 1", T0);
	int64_t b = device_add(f, "ap-thon-2", "Nhà văn hóa thôn 2", T0);
	struct alert_seen seen;
	char details[64];

	assert_chain_ok(f->r, "alert");
	assert_int_equal(
	    alert_add(f->w, T0, "notice", "monitor-start", -1, "xanetd 0.2.0"),
	    1);
	for (int i = 1; i < 600; i++) {
		snprintf(details, sizeof details, "lần %d | mất gói %d%%", i,
		    i % 100);
		assert_int_equal(
		    alert_add(f->w, T0 + i * 1000, i % 2 ? "error" : "notice",
			i % 2 ? "down" : "up", i % 3 ? a : b, details),
		    i + 1);
	}
	/* No such device: nothing added. */
	assert_int_equal(alert_add(f->w, T0, "error", "down", 99, "x"), -1);
	assert_int_equal(alert_add(f->w, T0, NULL, "down", a, "x"), -1);
	assert_int_equal(writer_commit(f->w), 0);
	assert_int_equal(query_int(f->r, "SELECT count(*) FROM alert"), 600);
	assert_chain_ok(f->r, "alert");

	/* All of them, oldest first; the monitor's own has no device. */
	memset(&seen, 0, sizeof seen);
	assert_int_equal(
	    alert_each(f->r, 0, 0, NULL, 0, alert_collect, &seen), 600);
	assert_int_equal(seen.rows[0].id, 1);
	assert_int_equal(seen.rows[0].ts_ms, T0);
	assert_string_equal(seen.rows[0].severity, "notice");
	assert_string_equal(seen.rows[0].event, "monitor-start");
	assert_string_equal(seen.rows[0].device_key, "");
	assert_string_equal(seen.rows[0].device_name, "");
	assert_string_equal(seen.rows[0].details, "xanetd 0.2.0");
	assert_int_equal(seen.rows[0].acked_ms, -1);
	assert_int_equal(seen.rows[1].id, 2);
	assert_string_equal(seen.rows[1].severity, "error");
	assert_string_equal(seen.rows[1].event, "down");
	assert_string_equal(seen.rows[1].device_key, "ap-thon-1");
	assert_string_equal(seen.rows[1].device_name, "Nhà văn hóa thôn 1");
	assert_string_equal(seen.rows[1].details, "lần 1 | mất gói 1%");
	assert_int_equal(seen.last_id, 600);

	/* After an id, since a time, of a device, at most LIMIT. */
	memset(&seen, 0, sizeof seen);
	assert_int_equal(
	    alert_each(f->r, 595, 0, NULL, 0, alert_collect, &seen), 5);
	assert_int_equal(seen.rows[0].id, 596);
	memset(&seen, 0, sizeof seen);
	assert_int_equal(
	    alert_each(f->r, 0, T0 + 598 * 1000, NULL, 0, alert_collect, &seen),
	    2);
	assert_int_equal(seen.rows[0].id, 599);
	memset(&seen, 0, sizeof seen);
	/* i % 3 == 0 went to b: i = 3, 6, ... 597, ids i + 1. */
	assert_int_equal(
	    alert_each(f->r, 0, 0, "ap-thon-2", 0, alert_collect, &seen), 199);
	assert_int_equal(seen.rows[0].id, 4);
	assert_string_equal(seen.rows[0].device_name, "Nhà văn hóa thôn 2");
	assert_int_equal(seen.last_id, 598);
	memset(&seen, 0, sizeof seen);
	assert_int_equal(
	    alert_each(f->r, 0, 0, "no-such", 0, alert_collect, &seen), 0);
	assert_int_equal(
	    alert_each(f->r, 10, 0, NULL, 3, alert_collect, &seen), 3);
	assert_int_equal(seen.last_id, 13);
	memset(&seen, 0, sizeof seen);
	seen.stop_after = 4;
	assert_int_equal(
	    alert_each(f->r, 0, 0, NULL, 0, alert_collect, &seen), 4);
	assert_int_equal(seen.last_id, 4);

	/* An acknowledgement is not part of the chain. */
	tamper(f, "UPDATE alert SET acked_ms = 1, ack_note = 'đã gọi VNPT' "
		  "WHERE id = 300");
	assert_chain_ok(f->r, "alert");
	tamper(f, "UPDATE alert SET details = 'mất điện' WHERE id = 300");
	assert_chain_broken(f->r, "alert", 300, "alert 300: hash mismatch");
	tamper(f, "UPDATE alert SET details = 'lần 299 | mất gói 99%' "
		  "WHERE id = 300");
	assert_chain_ok(f->r, "alert");
	tamper(f, "UPDATE alert SET severity = 'notice' WHERE id = 42");
	assert_chain_broken(f->r, "alert", 42, "alert 42: hash mismatch");
	tamper(f, "UPDATE alert SET severity = 'error' WHERE id = 42");
	/* Blamed on another device. */
	tamper(f, "UPDATE alert SET device_id = 1 WHERE id = 43");
	assert_chain_broken(f->r, "alert", 43, "alert 43: hash mismatch");
	tamper(f, "UPDATE alert SET device_id = 2 WHERE id = 43");
	assert_chain_ok(f->r, "alert");
	tamper(f, "DELETE FROM alert WHERE id = 250");
	assert_chain_broken(f->r, "alert", 251,
	    "alert 251: prev_hash does not match the previous row (249; rows "
	    "250 to 250 are missing)");
}

/* ---- samples ---- */

static struct probe_result
result(int64_t ts, bool ok, enum probe_cause cause, int sent, int received,
    int64_t rtt, int64_t rtt_min, int64_t rtt_max)
{
	struct probe_result r;

	memset(&r, 0, sizeof r);
	r.ok = ok;
	r.cause = cause;
	r.start_wall_ms = ts;
	r.sent = sent;
	r.received = received;
	r.rtt_us = rtt;
	r.rtt_min_us = rtt_min;
	r.rtt_max_us = rtt_max;
	r.jitter_us = -1;
	r.cert_days = -1;
	return r;
}

struct hours_seen {
	int n;
	struct sample_hour h[8];
};

static int
hours_collect(const struct sample_hour *h, void *arg)
{
	struct hours_seen *s = arg;

	if (s->n < 8)
		s->h[s->n] = *h;
	s->n++;
	return 0;
}

static void
assert_hour(const struct sample_hour *h, int64_t hour, int count, int ok,
    int sent, int received, int64_t mn, int64_t avg, int64_t mx)
{
	assert_int_equal(h->hour_ms, hour);
	assert_int_equal(h->count, count);
	assert_int_equal(h->ok, ok);
	assert_int_equal(h->sent, sent);
	assert_int_equal(h->received, received);
	assert_int_equal(h->rtt_min_us, mn);
	assert_int_equal(h->rtt_avg_us, avg);
	assert_int_equal(h->rtt_max_us, mx);
}

static void
test_samples_and_rollups(void **state)
{
	struct store_fixture *f = *state;
	int64_t a = device_add(f, "ap-a", "A", T0);
	struct probe_result r[9];
	struct hours_seen seen;

	/* Hour T0: 4 rounds, 3 good, 8 of 12 echoes back. */
	r[0] = result(T0 + 1000, true, CAUSE_NONE, 3, 3, 1000, 800, 1300);
	r[0].jitter_us = 250;
	r[1] = result(T0 + 60000, true, CAUSE_NONE, 3, 2, 2000, 1500, 2600);
	r[2] = result(T0 + 120000, false, CAUSE_LOSS, 3, 0, -1, -1, -1);
	r[3] = result(T0 + HOUR - 1, true, CAUSE_NONE, 3, 3, 1501, 700, 3000);
	/* Hour T0 + 1h: a timeout, then one echo of three. */
	r[4] = result(T0 + HOUR, false, CAUSE_TIMEOUT, 3, 0, -1, -1, -1);
	r[5] = result(T0 + HOUR + 5, true, CAUSE_NONE, 3, 1, 999, 999, 999);
	/* Hour T0 + 2h: nothing came back at all. */
	r[6] = result(
	    T0 + 2 * HOUR + 7, false, CAUSE_UNREACHABLE, 3, 0, -1, -1, -1);
	for (int i = 0; i < 7; i++)
		assert_int_equal(sample_add(f->w, a, 0, PROBE_ICMP, &r[i]), 0);
	/* Another kind keeps its own rollup. */
	r[7] = result(T0 + 10, true, CAUSE_NONE, 1, 1, 5000, -1, -1);
	assert_int_equal(sample_add(f->w, a, 1, PROBE_TCP, &r[7]), 0);
	r[8] = result(T0 + 20, false, CAUSE_HTTP_STATUS, 1, 1, 120000, -1, -1);
	r[8].http_status = 503;
	r[8].cert_days = 41;
	assert_int_equal(sample_add(f->w, a, 2, PROBE_HTTP, &r[8]), 0);
	assert_int_equal(writer_commit(f->w), 0);

	/* The raw rows, with NULL for what a probe did not measure. */
	assert_int_equal(query_int(f->r, "SELECT count(*) FROM sample"), 9);
	assert_query_text(f->r,
	    "SELECT probe || ',' || kind || ',' || ts_ms || ',' || ok || ',' "
	    "|| quote(cause) || ',' || quote(rtt_us) || ',' || "
	    "quote(rtt_min_us) || ',' || quote(rtt_max_us) || ',' || "
	    "quote(jitter_us) || ',' || sent || ',' || received || ',' || "
	    "quote(http_status) || ',' || quote(cert_days) FROM sample "
	    "WHERE id = 1",
	    "0,icmp,1790812801000,1,NULL,1000,800,1300,250,3,3,NULL,NULL");
	assert_query_text(f->r,
	    "SELECT kind || ',' || ok || ',' || quote(cause) || ',' || "
	    "quote(rtt_us) || ',' || quote(rtt_min_us) || ',' || received "
	    "FROM sample WHERE id = 3",
	    "icmp,0,'loss',NULL,NULL,0");
	assert_query_text(f->r,
	    "SELECT probe || ',' || kind || ',' || quote(cause) || ',' || "
	    "rtt_us || ',' || http_status || ',' || cert_days FROM sample "
	    "WHERE id = 9",
	    "2,http,'http-status',120000,503,41");

	/*
	 * By hand: hour T0 RTTs 1000 + 2000 + 1501 = 4501 over 3 rounds,
	 * 1500.33 -> 1500; min 700 (r3), max 3000 (r3).
	 */
	memset(&seen, 0, sizeof seen);
	assert_int_equal(sample_hours(f->r, a, PROBE_ICMP, T0, T0 + 3 * HOUR,
			     hours_collect, &seen),
	    3);
	assert_hour(&seen.h[0], T0, 4, 3, 12, 8, 700, 1500, 3000);
	assert_hour(&seen.h[1], T0 + HOUR, 2, 1, 6, 1, 999, 999, 999);
	assert_hour(&seen.h[2], T0 + 2 * HOUR, 1, 0, 3, 0, -1, -1, -1);
	/* Loss of hour T0: 4 of 12 echoes. */
	assert_int_equal(seen.h[0].sent - seen.h[0].received, 4);
	memset(&seen, 0, sizeof seen);
	assert_int_equal(sample_hours(f->r, a, PROBE_TCP, T0, T0 + 3 * HOUR,
			     hours_collect, &seen),
	    1);
	assert_hour(&seen.h[0], T0, 1, 1, 1, 1, 5000, 5000, 5000);
	memset(&seen, 0, sizeof seen);
	assert_int_equal(sample_hours(f->r, a, PROBE_HTTP, T0, T0 + HOUR,
			     hours_collect, &seen),
	    1);
	assert_hour(&seen.h[0], T0, 1, 0, 1, 1, 120000, 120000, 120000);
	/* Hours that start in [FROM, TO) only. */
	memset(&seen, 0, sizeof seen);
	assert_int_equal(sample_hours(f->r, a, PROBE_ICMP, T0 + 1,
			     T0 + 2 * HOUR, hours_collect, &seen),
	    1);
	assert_int_equal(seen.h[0].hour_ms, T0 + HOUR);

	/* Every rollup can be recomputed from the raw rows. */
	assert_int_equal(
	    query_int(f->r,
		"SELECT count(*) FROM (SELECT kind, ts_ms / 3600000 * 3600000 "
		"AS hour_ms, count(*) AS c, sum(ok) AS o, sum(sent) AS s, "
		"sum(received) AS r, total(rtt_us) AS t, count(rtt_us) AS n, "
		"min(ifnull(rtt_min_us, rtt_us)) AS mn, "
		"max(ifnull(rtt_max_us, rtt_us)) AS mx FROM sample "
		"GROUP BY 1, 2) x JOIN sample_hour h USING (kind, hour_ms) "
		"WHERE h.count = x.c AND h.ok = x.o AND h.sent = x.s AND "
		"h.received = x.r AND h.rtt_sum_us = x.t AND h.rtt_n = x.n "
		"AND h.rtt_min_us IS x.mn AND h.rtt_max_us IS x.mx"),
	    5);
	assert_int_equal(
	    query_int(f->r, "SELECT count(*) FROM sample_hour"), 5);

	/* Refused: not a probe kind, more answers than echoes. */
	assert_int_equal(
	    sample_add(f->w, a, 0, (enum probe_kind)PROBE_NKINDS, &r[0]), -1);
	r[0].received = 4;
	assert_int_equal(sample_add(f->w, a, 0, PROBE_ICMP, &r[0]), -1);
	assert_int_equal(writer_commit(f->w), 0);
	assert_int_equal(query_int(f->r, "SELECT count(*) FROM sample"), 9);
}

static void
test_sample_prune(void **state)
{
	struct store_fixture *f = *state;
	int64_t dev[3];
	int64_t before = T0 + 500 * 60000;
	int n, total = 0, rounds = 0;

	dev[0] = device_add(f, "ap-a", "A", T0);
	dev[1] = device_add(f, "ap-b", "B", T0);
	dev[2] = device_add(f, "ap-c", "C", T0);
	/* 3 devices x 1,000 minutes; the first 500 minutes are old. */
	for (int i = 0; i < 1000; i++)
		for (int d = 0; d < 3; d++) {
			struct probe_result r = result(T0 + i * 60000 + d, true,
			    CAUSE_NONE, 3, 3, 1000 + i, 900, 1100 + i);

			assert_int_equal(
			    sample_add(f->w, dev[d], 0, PROBE_ICMP, &r), 0);
		}
	assert_int_equal(writer_commit(f->w), 0);

	/* In bounded chunks, one batch each, until less than a chunk. */
	do {
		n = sample_prune(f->w, before, 400);
		assert_true(n >= 0 && n <= 400);
		assert_int_equal(writer_commit(f->w), 0);
		total += n;
		rounds++;
	} while (n == 400);
	assert_int_equal(total, 1500);
	assert_int_equal(rounds, 4); /* 400 + 400 + 400 + 300 */
	assert_int_equal(query_int(f->r, "SELECT count(*) FROM sample"), 1500);
	assert_int_equal(
	    query_int(f->r, "SELECT min(ts_ms) FROM sample"), before);
	/* Each device lost exactly its old rows. */
	assert_int_equal(query_int(f->r, "SELECT count(*) FROM sample WHERE "
					 "device_id = 2"),
	    500);
	/* Nothing left to prune. */
	assert_int_equal(sample_prune(f->w, before, 400), 0);
	/* The rollups stay: 1,000 minutes is 17 hours per device. */
	assert_int_equal(
	    query_int(f->r, "SELECT sum(count) FROM sample_hour"), 3000);
	assert_int_equal(
	    query_int(f->r, "SELECT count(*) FROM sample_hour"), 3 * 17);
	assert_int_equal(sample_prune(f->w, before, 0), -1);
	assert_int_equal(writer_commit(f->w), 0);
}

static void
test_sample_prune_plan(void **state)
{
	struct store_fixture *f = *state;
	sqlite3_stmt *st;
	char plan[512] = "";

	/* The same SQL as sample_prune: a seek per device, never a scan. */
	assert_int_equal(
	    sqlite3_prepare_v2(f->r,
		"EXPLAIN QUERY PLAN DELETE FROM sample WHERE id IN (SELECT "
		"s.id FROM device d CROSS JOIN sample s ON s.device_id = d.id "
		"WHERE s.ts_ms < ?1 LIMIT ?2)",
		-1, &st, NULL),
	    SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		size_t len = strlen(plan);

		snprintf(plan + len, sizeof plan - len, "%s;",
		    (const char *)sqlite3_column_text(st, 3));
	}
	sqlite3_finalize(st);
	if (strstr(plan, "SEARCH s USING COVERING INDEX sample_device_ts "
			 "(device_id=? AND ts_ms<?)") == NULL)
		fail_msg("plan: %s", plan);
}

static void
test_sample_insert_rate(void **state)
{
	struct store_fixture *f = *state;
	struct timespec t0, t1;
	int64_t dev[50];
	double secs, rate;
	char key[16];

	for (int d = 0; d < 50; d++) {
		snprintf(key, sizeof key, "ap-%02d", d);
		dev[d] = device_add(f, key, key, T0);
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 0; i < 100000; i++) {
		/* 50 devices every 30 s: 100,000 rounds is 16.7 hours. */
		struct probe_result r = result(T0 + (int64_t)(i / 50) * 30000,
		    i % 97 != 0, i % 97 ? CAUSE_NONE : CAUSE_TIMEOUT, 3,
		    i % 97 ? 3 : 0, i % 97 ? 1000 + i % 500 : -1,
		    i % 97 ? 900 : -1, i % 97 ? 1200 + i % 700 : -1);

		if (sample_add(f->w, dev[i % 50], 0, PROBE_ICMP, &r) != 0)
			fail_msg("sample %d", i);
		if (i % 2000 == 1999)
			assert_int_equal(writer_commit(f->w), 0);
	}
	assert_int_equal(writer_commit(f->w), 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) +
	       (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	rate = 100000 / secs;
	printf("# 100000 samples with hourly rollups, batches of 2000: "
	       "%.3f s, %.0f samples/s\n",
	    secs, rate);
	fflush(stdout);
	assert_int_equal(
	    query_int(f->r, "SELECT count(*) FROM sample"), 100000);
	assert_int_equal(
	    query_int(f->r, "SELECT sum(count) FROM sample_hour"), 100000);
	assert_int_equal(
	    query_int(f->r, "SELECT count(*) FROM sample_hour"), 50 * 17);
	/* Generous: even a sanitizer build on a slow disk does this. */
	assert_true(rate > 2000);
}

/* ---- maintenance ---- */

struct maint_seen {
	int n;
	struct maint_row m[8];
};

static int
maint_collect(const struct maint_row *m, void *arg)
{
	struct maint_seen *s = arg;

	if (s->n < 8)
		s->m[s->n] = *m;
	s->n++;
	return 0;
}

static void
test_maintenance_store(void **state)
{
	struct store_fixture *f = *state;
	int64_t a = device_add(f, "ap-a", "A", T0);
	int64_t b = device_add(f, "ap-b", "B", T0);
	int64_t now = T0 + 100000, wall0, wall1;
	struct maint_seen seen;

	wall0 = time_wall_ms();
	assert_int_equal(maint_store_start(
			     f->w, a, now + 10000, now + 20000, "thay bộ phát"),
	    1);
	assert_int_equal(
	    maint_store_start(f->w, a, now - 1000, now + 5000, "VNPT kéo cáp"),
	    2);
	assert_int_equal(
	    maint_store_start(f->w, b, now - 5000, now - 2000, NULL), 3);
	assert_int_equal(
	    maint_store_start(f->w, b, now - 100, INT64_MAX, "chờ sửa"), 4);
	wall1 = time_wall_ms();
	assert_int_equal(maint_store_start(f->w, a, now, now - 1, "x"), -1);
	assert_int_equal(maint_store_start(f->w, 99, now, now + 1, "x"), -1);
	assert_int_equal(writer_commit(f->w), 0);
	assert_true(query_int(f->r,
			"SELECT min(created_ms) FROM maintenance") >= wall0);
	assert_true(query_int(f->r,
			"SELECT max(created_ms) FROM maintenance") <= wall1);

	/* Running or ahead, by start; the finished one is not listed. */
	memset(&seen, 0, sizeof seen);
	assert_int_equal(maint_store_each(f->r, now, maint_collect, &seen), 3);
	assert_int_equal(seen.m[0].id, 2);
	assert_string_equal(seen.m[0].device_key, "ap-a");
	assert_int_equal(seen.m[0].start_ms, now - 1000);
	assert_int_equal(seen.m[0].end_ms, now + 5000);
	assert_string_equal(seen.m[0].reason, "VNPT kéo cáp");
	assert_int_equal(seen.m[1].id, 4);
	assert_string_equal(seen.m[1].device_key, "ap-b");
	assert_int_equal(seen.m[1].end_ms, INT64_MAX);
	assert_int_equal(seen.m[2].id, 1);
	assert_string_equal(seen.m[2].reason, "thay bộ phát");

	/* Stop ends the running window only. */
	assert_int_equal(maint_store_stop(f->w, a, now + 10), 1);
	assert_int_equal(maint_store_stop(f->w, a, now + 10), 0);
	assert_int_equal(writer_commit(f->w), 0);
	assert_int_equal(
	    query_int(f->r, "SELECT end_ms FROM maintenance WHERE id = 2"),
	    now + 10);
	assert_int_equal(
	    query_int(f->r, "SELECT end_ms FROM maintenance WHERE id = 1"),
	    now + 20000);
	memset(&seen, 0, sizeof seen);
	assert_int_equal(
	    maint_store_each(f->r, now + 10, maint_collect, &seen), 2);
	assert_int_equal(seen.m[0].id, 4);
	assert_int_equal(seen.m[1].id, 1);
	assert_query_text(
	    f->r, "SELECT quote(reason) FROM maintenance WHERE id = 3", "NULL");
}

/* ---- device ids ---- */

static void
test_device_ids(void **state)
{
	struct store_fixture *f = *state;
	struct config_device devs[4];
	struct config cfg;
	int64_t ids[4];

	device_add(f, "ap-a", "A", T0);
	device_add(f, "ap-b", "B", T0);
	device_add(f, "fw-ubnd", "F", T0);
	memset(devs, 0, sizeof devs);
	memset(&cfg, 0, sizeof cfg);
	devs[0].key = "fw-ubnd";
	devs[1].key = "ap-new";
	devs[2].key = "ap-a";
	devs[3].key = "ap-b";
	cfg.devices = devs;
	cfg.ndevices = 4;
	assert_int_equal(device_ids(f->r, &cfg, ids), 0);
	assert_int_equal(ids[0], 3);
	assert_int_equal(ids[1], -1);
	assert_int_equal(ids[2], 1);
	assert_int_equal(ids[3], 2);
	cfg.ndevices = 0;
	assert_int_equal(device_ids(f->r, &cfg, ids), 0);
}

#define T(fn) STORE_TEST(fn, open, "store2")

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_transitions_are_contiguous),
	    T(test_backdated_transition_is_clamped),
	    T(test_open_gap_after_crash),
	    T(test_close_all_then_restart),
	    T(test_interval_load_overlap_and_commit),
	    cmocka_unit_test(test_chain_hash_known_value),
	    T(test_chain_detects_edits),
	    T(test_alerts_chain_and_read),
	    T(test_samples_and_rollups),
	    T(test_sample_prune),
	    T(test_sample_prune_plan),
	    T(test_sample_insert_rate),
	    T(test_maintenance_store),
	    T(test_device_ids),
	};

	log_set_level(LOG_CRIT);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
