/* test_push.c - unit tests of evidence/push: back-off, Retry-After, classification; store/snapshot's outbox. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include <curl/curl.h>

#include "common/config.h"
#include "common/xtime.h"
#include "evidence/push.h"
#include "evidence/schedule.h"
#include "store/chain.h"
#include "store/db.h"
#include "store/snapshot.h"
#include "store/writer.h"

static void
test_backoff_bounds(void **state)
{
	/* RND = max: the top of the window, which doubles up to the cap. */
	assert_int_equal(push_backoff_ms(0, 1000, 4000, UINT64_MAX - 0),
	    (int64_t)(UINT64_MAX % 1001));
	assert_int_equal(push_backoff_ms(0, 1000, 4000, 1000), 1000);
	assert_int_equal(push_backoff_ms(0, 1000, 4000, 1001), 0);
	assert_int_equal(push_backoff_ms(1, 1000, 4000, 2000), 2000);
	assert_int_equal(push_backoff_ms(2, 1000, 4000, 4000), 4000);
	/* Capped: 2^3 * 1000 = 8000 > 4000. */
	assert_int_equal(push_backoff_ms(3, 1000, 4000, 4000), 4000);
	assert_int_equal(push_backoff_ms(3, 1000, 4000, 4001), 0);
	/* Far beyond 63 doublings: no overflow, still the cap. */
	assert_int_equal(
	    push_backoff_ms(500, 30000, 6 * 3600000LL, 6 * 3600000LL),
	    6 * 3600000LL);
	assert_int_equal(push_backoff_ms(-3, 1000, 4000, 1000), 1000);
}

static void
test_backoff_full_jitter(void **state)
{
	int64_t lo = INT64_MAX, hi = -1, d;
	uint64_t x = 88172645463325252ull;
	int low = 0;

	/* Uniform over [0, 8000]: both ends reached, a quarter below 2000. */
	for (int i = 0; i < 20000; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		d = push_backoff_ms(3, 1000, 60000, x);
		assert_true(d >= 0 && d <= 8000);
		lo = d < lo ? d : lo;
		hi = d > hi ? d : hi;
		low += d < 2000;
	}
	assert_true(lo < 50);
	assert_true(hi > 7950);
	assert_in_range(low, 4500, 5500);
}

static void
test_retry_after(void **state)
{
	/* 2015-10-21 07:28:00 UTC, RFC 9110's example date. */
	int64_t now = 1445412480000LL, d = -1;

	assert_int_equal(push_retry_after_parse("3", now, &d), 0);
	assert_int_equal(d, 3000);
	assert_int_equal(push_retry_after_parse(" 120\r\n", now, &d), 0);
	assert_int_equal(d, 120000);
	assert_int_equal(push_retry_after_parse("0", now, &d), 0);
	assert_int_equal(d, 0);
	assert_int_equal(
	    push_retry_after_parse("Wed, 21 Oct 2015 07:28:00 GMT", now, &d),
	    0);
	assert_int_equal(d, 0);
	assert_int_equal(
	    push_retry_after_parse("Wed, 21 Oct 2015 07:29:30 GMT", now, &d),
	    0);
	assert_int_equal(d, 90000);
	/* A date already past: now. */
	assert_int_equal(
	    push_retry_after_parse("Tue, 20 Oct 2015 07:28:00 GMT", now, &d),
	    0);
	assert_int_equal(d, 0);
	/* Absurdly long: cut to a week. */
	assert_int_equal(
	    push_retry_after_parse("99999999999999999999", now, &d), 0);
	assert_int_equal(d, 7 * 86400000LL);
	assert_int_equal(push_retry_after_parse("", now, &d), -1);
	assert_int_equal(push_retry_after_parse("-5", now, &d), -1);
	assert_int_equal(push_retry_after_parse("1.5", now, &d), -1);
	assert_int_equal(push_retry_after_parse("soon", now, &d), -1);
	assert_int_equal(push_retry_after_parse(NULL, now, &d), -1);
}

static void
test_classify(void **state)
{
	assert_int_equal(push_classify(PUSH_HTTP, CURLE_OK, 200), PUSH_SENT);
	assert_int_equal(push_classify(PUSH_HTTP, CURLE_OK, 201), PUSH_SENT);
	assert_int_equal(push_classify(PUSH_S3, CURLE_OK, 204), PUSH_SENT);
	assert_int_equal(push_classify(PUSH_HTTP, CURLE_OK, 500), PUSH_RETRY);
	assert_int_equal(push_classify(PUSH_HTTP, CURLE_OK, 503), PUSH_RETRY);
	assert_int_equal(push_classify(PUSH_HTTP, CURLE_OK, 429), PUSH_RETRY);
	assert_int_equal(push_classify(PUSH_HTTP, CURLE_OK, 408), PUSH_RETRY);
	assert_int_equal(
	    push_classify(PUSH_HTTP, CURLE_OK, 400), PUSH_QUARANTINE);
	assert_int_equal(
	    push_classify(PUSH_S3, CURLE_OK, 403), PUSH_QUARANTINE);
	assert_int_equal(
	    push_classify(PUSH_WEBDAV, CURLE_OK, 401), PUSH_QUARANTINE);
	assert_int_equal(
	    push_classify(PUSH_HTTP, CURLE_OK, 404), PUSH_QUARANTINE);
	assert_int_equal(
	    push_classify(PUSH_HTTP, CURLE_OPERATION_TIMEDOUT, 0), PUSH_RETRY);
	assert_int_equal(
	    push_classify(PUSH_HTTP, CURLE_COULDNT_CONNECT, 0), PUSH_RETRY);
	assert_int_equal(
	    push_classify(PUSH_HTTP, CURLE_GOT_NOTHING, 0), PUSH_RETRY);
	assert_int_equal(
	    push_classify(PUSH_HTTP, CURLE_RECV_ERROR, 0), PUSH_RETRY);
	assert_int_equal(
	    push_classify(PUSH_HTTP, CURLE_URL_MALFORMAT, 0), PUSH_QUARANTINE);
	assert_int_equal(push_classify(PUSH_SMTP, CURLE_OK, 250), PUSH_SENT);
	/* SMTP: 4xx is "try later", 5xx is "never". */
	assert_int_equal(
	    push_classify(PUSH_SMTP, CURLE_SEND_ERROR, 451), PUSH_RETRY);
	assert_int_equal(
	    push_classify(PUSH_SMTP, CURLE_SEND_ERROR, 550), PUSH_QUARANTINE);
	assert_int_equal(
	    push_classify(PUSH_SMTP, CURLE_LOGIN_DENIED, 535), PUSH_QUARANTINE);
	assert_int_equal(
	    push_classify(PUSH_SMTP, CURLE_COULDNT_CONNECT, 0), PUSH_RETRY);
}

/* The outbox rows: one per target whose kinds match, in one commit. */
static void
test_outbox_rows(void **state)
{
	char path[] = "/tmp/test_push_XXXXXX", dbpath[64], err[256];
	struct config cfg = {0};
	struct config_push pushes[3] = {
	    {.key = "so", .kinds = SNAPSHOT_DAILY | SNAPSHOT_MANUAL},
	    {.key = "s3", .kinds = SNAPSHOT_QUARTERLY},
	    {.key = "mail",
		.kinds = SNAPSHOT_DAILY | SNAPSHOT_QUARTERLY | SNAPSHOT_MANUAL},
	};
	struct snapshot_new s = {.uid = "11111111-2222-4333-8444-555555555555",
	    .kind = "daily",
	    .from_ms = 1000,
	    .to_ms = 2000,
	    .created_ms = 5000,
	    .path = "/x/a.zip",
	    .size = 10,
	    .sha256 = "ab",
	    .manifest_sha256 = "cd"};
	struct outbox_item items[8];
	struct writer *w;
	size_t nt = 0;
	int64_t id, next, bad;
	sqlite3 *db;

	assert_non_null(mkdtemp(path));
	snprintf(dbpath, sizeof dbpath, "%s/x.db", path);
	cfg.pushes = pushes;
	cfg.npushes = 3;
	db = db_open_writer(dbpath, 0, err, sizeof err);
	assert_non_null(db);
	w = writer_new(db);
	id = snapshot_add(w, &cfg, &s, &nt);
	assert_true(id > 0);
	assert_int_equal(nt, 2);
	s.uid = "11111111-2222-4333-8444-666666666666";
	s.kind = "quarterly";
	assert_true(snapshot_add(w, &cfg, &s, &nt) > id);
	assert_int_equal(nt, 2);
	assert_int_equal(writer_commit(w), 0);
	assert_int_equal(outbox_pending_count(writer_db(w)), 4);
	assert_int_equal(snapshot_exists(writer_db(w), "daily", 1000), 1);
	assert_int_equal(snapshot_exists(writer_db(w), "daily", 1001), 0);

	/* Due at created_ms: none before, all four at it. */
	assert_int_equal(outbox_due(w, 4999, items, 8), 0);
	assert_int_equal(outbox_due(w, 5000, items, 8), 4);
	assert_int_equal(outbox_due(w, 5000, items, 3), 3);
	assert_string_equal(items[0].target, "so");
	assert_string_equal(items[0].path, "/x/a.zip");
	/* A lease hides an item; a failure counts and moves it. */
	assert_int_equal(outbox_lease(w, items[0].id, 90000), 0);
	assert_int_equal(outbox_due(w, 5000, items + 4, 4), 3);
	assert_int_equal(
	    outbox_failed(w, items[1].id, 6000, 503, "HTTP 503", 7000), 0);
	assert_int_equal(
	    outbox_quarantine(w, items[2].id, 6000, 400, "HTTP 400"), 0);
	assert_int_equal(outbox_sent(w, items[3].id, 6000, 200), 0);
	assert_int_equal(outbox_pending_count(writer_db(w)), 2);
	assert_int_equal(outbox_next_due(w, &next), 0);
	assert_int_equal(next, 7000);
	/* Retry: a quarantined item is pending again; a sent one is not. */
	assert_int_equal(outbox_retry(w, items[2].id, 8000), 1);
	assert_int_equal(outbox_retry(w, items[3].id, 8000), 0);
	assert_int_equal(outbox_pending_count(writer_db(w)), 3);
	assert_int_equal(outbox_retry_all(w, 100), 3);
	assert_int_equal(outbox_due(w, 100, items, 8), 3);
	assert_int_equal(
	    items[0].attempts + items[1].attempts + items[2].attempts, 2);
	assert_int_equal(writer_commit(w), 0);

	/* The snapshot chain is whole, and an edit breaks it. */
	assert_int_equal(
	    chain_verify(writer_db(w), "snapshot", &bad, err, sizeof err), 0);
	assert_int_equal(
	    sqlite3_exec(writer_db(w),
		"UPDATE snapshot SET size = 11 WHERE id = 1", NULL, NULL, NULL),
	    SQLITE_OK);
	assert_int_equal(
	    chain_verify(writer_db(w), "snapshot", &bad, err, sizeof err), 1);
	assert_int_equal(bad, 1);
	writer_free(w);
	unlink(dbpath);
	snprintf(dbpath, sizeof dbpath, "%s/x.db-wal", path);
	unlink(dbpath);
	snprintf(dbpath, sizeof dbpath, "%s/x.db-shm", path);
	unlink(dbpath);
	rmdir(path);
}

static void
prune_cb(int64_t id, const char *path, void *arg)
{
	int64_t *ids = arg;

	ids[ids[0]++ + 1] = id;
	assert_string_equal(path, "/x/old.zip");
}

/* Only packs whose every delivery is sent are pruned, and only once. */
static void
test_prunable(void **state)
{
	char path[] = "/tmp/test_prune_XXXXXX", dbpath[64], err[256];
	struct config cfg = {0};
	struct config_push pushes[1] = {{.key = "so", .kinds = SNAPSHOT_DAILY}};
	struct snapshot_new s = {.uid = "a",
	    .kind = "daily",
	    .from_ms = 0,
	    .to_ms = 10,
	    .created_ms = 1000,
	    .path = "/x/old.zip",
	    .size = 1,
	    .sha256 = "ab",
	    .manifest_sha256 = "cd"};
	struct outbox_item items[4];
	int64_t ids[8] = {0};
	struct writer *w;

	assert_non_null(mkdtemp(path));
	snprintf(dbpath, sizeof dbpath, "%s/x.db", path);
	cfg.pushes = pushes;
	cfg.npushes = 1;
	w = writer_new(db_open_writer(dbpath, 0, err, sizeof err));
	assert_non_null(w);
	assert_true(snapshot_add(w, &cfg, &s, NULL) > 0);
	s.uid = "b";
	s.path = "/x/pending.zip";
	assert_true(snapshot_add(w, &cfg, &s, NULL) > 0);
	s.uid = "c";
	s.path = "/x/new.zip";
	s.created_ms = 9000;
	assert_true(snapshot_add(w, &cfg, &s, NULL) > 0);
	assert_int_equal(outbox_due(w, 100000, items, 4), 3);
	assert_int_equal(outbox_sent(w, items[0].id, 2000, 200), 0);
	assert_int_equal(outbox_sent(w, items[2].id, 9500, 200), 0);
	assert_int_equal(writer_commit(w), 0);
	/* Old and sent: a; old but pending: not b; sent but new: not c. */
	assert_int_equal(
	    snapshot_prunable(writer_db(w), 5000, 10, prune_cb, ids), 1);
	assert_int_equal(ids[0], 1);
	assert_int_equal(ids[1], 1);
	assert_int_equal(snapshot_pruned(w, 1), 0);
	assert_int_equal(writer_commit(w), 0);
	ids[0] = 0;
	assert_int_equal(
	    snapshot_prunable(writer_db(w), 5000, 10, prune_cb, ids), 0);
	writer_free(w);
	snprintf(err, sizeof err, "rm -rf %s", path);
	assert_int_equal(system(err), 0);
}

/* Local (+07) wall time as UTC ms. */
#define VN(y, mo, d, h, mi) vn_ms((y), (mo), (d), (h), (mi))
static int64_t
vn_ms(int y, int mo, int d, int h, int mi)
{
	struct tm tm = {0};

	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	/* timegm of the local fields, less the fixed +07:00. */
	return ((int64_t)timegm(&tm) - 7 * 3600) * 1000;
}

static void
test_schedule_slots(void **state)
{
	struct schedule_slot s[SCHEDULE_SLOTS_MAX];
	size_t n;

	time_zone_set("Asia/Ho_Chi_Minh");
	/* 2026-12-20 23:56 +07: the Q4 deadline passed a minute ago. */
	n = schedule_slots(
	    VN(2026, 12, 20, 23, 56), 23 * 60 + 55, 20, 23 * 60 + 55, s);
	assert_int_equal(n, 4);
	assert_string_equal(s[0].kind, "daily");
	assert_true(s[0].previous);
	assert_int_equal(s[0].from_ms, VN(2026, 12, 19, 0, 0));
	assert_int_equal(s[0].to_ms, VN(2026, 12, 20, 0, 0));
	assert_int_equal(s[0].due_ms, VN(2026, 12, 19, 23, 55));
	assert_false(s[1].previous);
	assert_int_equal(s[1].from_ms, VN(2026, 12, 20, 0, 0));
	assert_int_equal(s[1].to_ms, VN(2026, 12, 21, 0, 0));
	assert_int_equal(s[1].due_ms, VN(2026, 12, 20, 23, 55));
	assert_string_equal(s[2].kind, "quarterly");
	assert_true(s[2].previous);
	assert_int_equal(s[2].from_ms, VN(2026, 7, 1, 0, 0));
	assert_int_equal(s[2].to_ms, VN(2026, 10, 1, 0, 0));
	assert_int_equal(s[2].due_ms, VN(2026, 9, 20, 23, 55));
	assert_int_equal(s[3].from_ms, VN(2026, 10, 1, 0, 0));
	assert_int_equal(s[3].to_ms, VN(2027, 1, 1, 0, 0));
	assert_int_equal(s[3].due_ms, VN(2026, 12, 20, 23, 55));

	/* 2027-01-01 00:00 +07 (17:00 UTC the day before): a new day and
	 * quarter; the last quarter's deadline is in December. */
	n = schedule_slots(VN(2027, 1, 1, 0, 0), 6 * 60, 30, 8 * 60, s);
	assert_int_equal(n, 4);
	assert_int_equal(s[0].from_ms, VN(2026, 12, 31, 0, 0));
	assert_int_equal(s[1].from_ms, VN(2027, 1, 1, 0, 0));
	assert_int_equal(s[1].due_ms, VN(2027, 1, 1, 6, 0));
	assert_int_equal(s[2].from_ms, VN(2026, 10, 1, 0, 0));
	assert_int_equal(s[2].due_ms, VN(2026, 12, 30, 8, 0));
	assert_int_equal(s[3].from_ms, VN(2027, 1, 1, 0, 0));
	assert_int_equal(s[3].to_ms, VN(2027, 4, 1, 0, 0));
	assert_int_equal(s[3].due_ms, VN(2027, 3, 30, 8, 0));

	/* Off: daily -1, quarterly 0. */
	assert_int_equal(schedule_slots(VN(2026, 5, 5, 12, 0), -1, 0, 0, s), 0);
	n = schedule_slots(VN(2026, 5, 5, 12, 0), -1, 20, 0, s);
	assert_int_equal(n, 2);
	assert_string_equal(s[0].kind, "quarterly");
	assert_int_equal(s[0].from_ms, VN(2026, 1, 1, 0, 0));
	assert_int_equal(s[1].from_ms, VN(2026, 4, 1, 0, 0));
	assert_int_equal(s[1].due_ms, VN(2026, 6, 20, 0, 0));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_backoff_bounds),
	    cmocka_unit_test(test_backoff_full_jitter),
	    cmocka_unit_test(test_retry_after),
	    cmocka_unit_test(test_classify),
	    cmocka_unit_test(test_outbox_rows),
	    cmocka_unit_test(test_schedule_slots),
	    cmocka_unit_test(test_prunable),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
