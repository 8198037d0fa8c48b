/* test_writer.c - unit tests of the writer, monitor runs and the device table. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "common/config.h"
#include "common/log.h"
#include "common/util.h"
#include "common/xtime.h"
#include "store/db.h"
#include "store/device.h"
#include "store/run.h"
#include "store/writer.h"
#include "tests/unit/testutil.h"

#define INSERT_RUN                                                    \
	"INSERT INTO monitor_run (start_ms, last_alive_ms, version, " \
	"config_hash) VALUES (?1, ?1, ?2, 'h')"

static int
insert_run(struct writer *w, int64_t ms, const char *version)
{
	sqlite3_stmt *st = writer_prepare(w, INSERT_RUN);

	assert_non_null(st);
	sqlite3_bind_int64(st, 1, ms);
	if (version != NULL)
		sqlite3_bind_text(st, 2, version, -1, SQLITE_TRANSIENT);
	return writer_step(w, st);
}

static int64_t
count_runs(sqlite3 *db)
{
	return query_int(db, "SELECT count(*) FROM monitor_run");
}

/* ---- writer ---- */

static void
test_writer_batch_hidden_until_commit(void **state)
{
	struct store_fixture *f = *state;
	struct writer_stats st;
	int64_t t0 = time_mono_ms();

	assert_int_equal(writer_pending(f->w), 0);
	assert_int_equal(writer_batch_started(f->w), -1);
	/* A read alone opens no batch. */
	assert_int_equal(
	    writer_step(f->w, writer_prepare(f->w, "SELECT count(*) FROM "
						   "monitor_run")),
	    0);
	assert_int_equal(writer_batch_started(f->w), -1);
	assert_int_equal(sqlite3_get_autocommit(writer_db(f->w)), 1);
	for (int i = 0; i < 3; i++)
		assert_int_equal(insert_run(f->w, 1000 + i, "0.1.0"), 0);
	assert_int_equal(writer_pending(f->w), 3);
	assert_true(writer_batch_started(f->w) >= t0);
	assert_true(writer_batch_started(f->w) <= time_mono_ms());
	/* The reader is not blocked, and does not see the open batch. */
	assert_int_equal(count_runs(f->r), 0);
	/* The writer's own connection does. */
	assert_int_equal(count_runs(writer_db(f->w)), 3);

	assert_int_equal(writer_commit(f->w), 0);
	assert_int_equal(count_runs(f->r), 3);
	assert_int_equal(writer_pending(f->w), 0);
	assert_int_equal(writer_batch_started(f->w), -1);
	writer_get_stats(f->w, &st);
	assert_int_equal(st.commits, 1);
	assert_int_equal(st.rows, 3);
	assert_int_equal(st.failed_commits, 0);
	assert_int_equal(st.rows_lost, 0);
	assert_true(st.last_commit_us >= 0);
	assert_int_equal(st.max_commit_us, st.last_commit_us);

	/* Nothing pending: a commit is a no-op, not a counted commit. */
	assert_int_equal(writer_commit(f->w), 0);
	writer_get_stats(f->w, &st);
	assert_int_equal(st.commits, 1);

	/* An UPDATE counts the rows it changed; a SELECT counts none. */
	{
		sqlite3_stmt *s = writer_prepare(
		    f->w, "UPDATE monitor_run SET last_alive_ms = 5000");

		assert_int_equal(writer_step(f->w, s), 0);
		s = writer_prepare(f->w, "SELECT * FROM monitor_run");
		assert_int_equal(writer_step(f->w, s), 0);
	}
	assert_int_equal(writer_pending(f->w), 3);
	assert_int_equal(writer_commit(f->w), 0);
	writer_get_stats(f->w, &st);
	assert_int_equal(st.commits, 2);
	assert_int_equal(st.rows, 6);
	assert_true(st.max_commit_us >= st.last_commit_us);
}

static void
test_writer_caches_statements(void **state)
{
	struct store_fixture *f = *state;
	sqlite3_stmt *first[100];
	char sql[64];

	/* Enough distinct statements to make the cache grow a few times. */
	for (int i = 0; i < 100; i++) {
		snprintf(sql, sizeof sql, "SELECT %d", i);
		first[i] = writer_prepare(f->w, sql);
		assert_non_null(first[i]);
	}
	for (int i = 0; i < 100; i++) {
		/* Keyed by text: a different buffer with the same SQL. */
		snprintf(sql, sizeof sql, "SELECT %d", i);
		assert_ptr_equal(writer_prepare(f->w, sql), first[i]);
	}
	assert_ptr_not_equal(first[0], first[1]);

	/* Bindings are cleared: a left-over version would satisfy NOT NULL. */
	{
		sqlite3_stmt *st = writer_prepare(f->w, INSERT_RUN);

		sqlite3_bind_int64(st, 1, 1);
		sqlite3_bind_text(st, 2, "stale", -1, SQLITE_STATIC);
		assert_ptr_equal(writer_prepare(f->w, INSERT_RUN), st);
		sqlite3_bind_int64(st, 1, 1);
		assert_int_equal(writer_step(f->w, st), -1);
	}
	/* Bad SQL is refused, logged, and not cached. */
	assert_null(writer_prepare(f->w, "SELEKT 1"));
	assert_null(writer_prepare(f->w, "SELEKT 1"));
	assert_int_equal(writer_commit(f->w), 0);
}

static void
test_writer_constraint_error_spares_the_batch(void **state)
{
	struct store_fixture *f = *state;
	struct writer_stats st;

	assert_int_equal(insert_run(f->w, 1, "a"), 0);
	/* version is NOT NULL: only this statement is undone. */
	assert_int_equal(insert_run(f->w, 2, NULL), -1);
	assert_int_equal(insert_run(f->w, 3, "c"), 0);
	assert_int_equal(writer_pending(f->w), 2);
	assert_int_equal(writer_commit(f->w), 0);
	assert_int_equal(count_runs(f->r), 2);
	assert_int_equal(query_int(f->r, "SELECT sum(start_ms) FROM "
					 "monitor_run"),
	    4);
	writer_get_stats(f->w, &st);
	assert_int_equal(st.failed_commits, 0);
	assert_int_equal(st.rows_lost, 0);
}

static void
test_writer_disk_full_loses_only_the_batch(void **state)
{
	struct store_fixture *f = *state;
	char version[256], sql[64], *big;
	struct writer_stats st;
	int attempts = 0, failed_at = -1;

	for (int i = 0; i < 10; i++)
		assert_int_equal(insert_run(f->w, i, "0.1.0"), 0);
	assert_int_equal(writer_commit(f->w), 0);

	/* The database may not grow by a single page: a full disk. */
	snprintf(sql, sizeof sql, "PRAGMA max_page_count = %lld",
	    (long long)query_int(writer_db(f->w), "PRAGMA page_count"));
	exec_ok(writer_db(f->w), sql);
	memset(version, 'v', sizeof version - 1);
	version[sizeof version - 1] = '\0';
	for (int i = 0; i < 200; i++) {
		attempts++;
		if (insert_run(f->w, 100 + i, version) == -1 && failed_at == -1)
			failed_at = i;
	}
	/*
	 * It failed part way, and everything after was refused; all of it
	 * is still pending, so that the loop will commit (roll back).
	 */
	assert_true(failed_at > 0);
	assert_int_equal(writer_pending(f->w), attempts);
	assert_int_equal(writer_commit(f->w), -1);
	writer_get_stats(f->w, &st);
	assert_int_equal(st.commits, 1);
	assert_int_equal(st.rows, 10);
	assert_int_equal(st.failed_commits, 1);
	assert_int_equal(st.rows_lost, attempts);
	assert_int_equal(writer_pending(f->w), 0);
	assert_int_equal(writer_batch_started(f->w), -1);
	/* Nothing of the batch got in, on either connection. */
	assert_int_equal(count_runs(f->r), 10);
	assert_int_equal(count_runs(writer_db(f->w)), 10);

	/*
	 * A batch whose very first write fails is still committed (lost).
	 * A row bigger than a page needs a new page whatever the free space.
	 */
	big = xmalloc(10000);
	memset(big, 'b', 9999);
	big[9999] = '\0';
	assert_int_equal(insert_run(f->w, 500, big), -1);
	free(big);
	assert_int_equal(writer_pending(f->w), 1);
	assert_true(writer_batch_started(f->w) >= 0);
	assert_int_equal(writer_commit(f->w), -1);
	assert_int_equal(writer_batch_started(f->w), -1);
	writer_get_stats(f->w, &st);
	assert_int_equal(st.failed_commits, 2);
	assert_int_equal(st.rows_lost, attempts + 1);

	/* Space again: the same connection writes on. */
	exec_ok(writer_db(f->w), "PRAGMA max_page_count = 1073741823");
	for (int i = 0; i < 5; i++)
		assert_int_equal(insert_run(f->w, 1000 + i, version), 0);
	assert_int_equal(writer_commit(f->w), 0);
	assert_int_equal(count_runs(f->r), 15);
	writer_get_stats(f->w, &st);
	assert_int_equal(st.commits, 2);
	assert_int_equal(st.rows, 15);
	assert_int_equal(st.failed_commits, 2);
	assert_int_equal(st.rows_lost, attempts + 1);
}

static void
test_writer_failed_commit_rolls_back(void **state)
{
	struct store_fixture *f = *state;
	char walpath[160], version[512];
	struct writer_stats st;
	struct rlimit old, lim;
	struct stat sb;
	void (*oldsig)(int);

	for (int i = 0; i < 10; i++)
		assert_int_equal(insert_run(f->w, i, "0.1.0"), 0);
	assert_int_equal(writer_commit(f->w), 0);

	/*
	 * The batch fits in memory, so the first byte that has to reach
	 * the disk is at COMMIT, when the WAL must grow: forbid that, as a
	 * full file system would.
	 */
	snprintf(walpath, sizeof walpath, "%s-wal", f->path);
	assert_int_equal(stat(walpath, &sb), 0);
	memset(version, 'v', sizeof version - 1);
	version[sizeof version - 1] = '\0';
	for (int i = 0; i < 300; i++)
		assert_int_equal(insert_run(f->w, 100 + i, version), 0);
	assert_int_equal(writer_pending(f->w), 300);

	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	lim = old;
	lim.rlim_cur = (rlim_t)sb.st_size;
	oldsig = signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
	assert_int_equal(writer_commit(f->w), -1);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	signal(SIGXFSZ, oldsig);

	writer_get_stats(f->w, &st);
	assert_int_equal(st.commits, 1);
	assert_int_equal(st.failed_commits, 1);
	assert_int_equal(st.rows_lost, 300);
	assert_int_equal(count_runs(f->r), 10);
	assert_int_equal(count_runs(writer_db(f->w)), 10);

	for (int i = 0; i < 5; i++)
		assert_int_equal(insert_run(f->w, 1000 + i, "0.1.0"), 0);
	assert_int_equal(writer_commit(f->w), 0);
	assert_int_equal(count_runs(f->r), 15);
	assert_int_equal(query_int(f->r, "SELECT count(*) FROM "
					 "pragma_quick_check WHERE quick_check "
					 "= 'ok'"),
	    1);
}

static void
test_writer_free_commits_pending(void **state)
{
	struct store_fixture *f = *state;
	char err[512] = "";

	assert_int_equal(insert_run(f->w, 1, "a"), 0);
	assert_int_equal(insert_run(f->w, 2, "b"), 0);
	writer_free(f->w);
	assert_int_equal(count_runs(f->r), 2);
	/* The fixture's teardown frees a writer: give it a fresh one. */
	f->w = writer_new(db_open_writer(f->path, 0, err, sizeof err));
	assert_non_null(f->w);
	assert_int_equal(count_runs(writer_db(f->w)), 2);
}

/* ---- monitor runs ---- */

static void
test_run_start_alive_stop(void **state)
{
	struct store_fixture *f = *state;
	struct run_info ri;
	int64_t id;

	assert_int_equal(run_last(f->r, &ri), 1);
	id = run_start(
	    f->w, 1790787600000LL, "0.1.0", "9f86d081884c7d65be0a4a0a8b6f3e1a");
	assert_int_equal(id, 1);
	/* Committed at once: a reader sees the run before any batch. */
	assert_int_equal(writer_pending(f->w), 0);
	assert_int_equal(run_last(f->r, &ri), 0);
	assert_int_equal(ri.id, 1);
	assert_int_equal(ri.start_ms, 1790787600000LL);
	assert_int_equal(ri.last_alive_ms, 1790787600000LL);
	assert_int_equal(ri.stop_ms, -1);
	assert_string_equal(ri.stop_reason, "");
	assert_string_equal(ri.version, "0.1.0");
	assert_string_equal(ri.config_hash, "9f86d081884c7d65be0a4a0a8b6f3e1a");

	/* Alive is queued with the batch. */
	assert_int_equal(run_alive(f->w, id, 1790787660000LL), 0);
	assert_int_equal(writer_pending(f->w), 1);
	assert_int_equal(run_last(f->r, &ri), 0);
	assert_int_equal(ri.last_alive_ms, 1790787600000LL);
	assert_int_equal(writer_commit(f->w), 0);
	assert_int_equal(run_last(f->r, &ri), 0);
	assert_int_equal(ri.last_alive_ms, 1790787660000LL);
	/* A clock stepped back does not shorten the run. */
	assert_int_equal(run_alive(f->w, id, 1790787000000LL), 0);
	assert_int_equal(writer_commit(f->w), 0);
	assert_int_equal(run_last(f->r, &ri), 0);
	assert_int_equal(ri.last_alive_ms, 1790787660000LL);
	/* No such run. */
	assert_int_equal(run_alive(f->w, 99, 1790787700000LL), -1);

	assert_int_equal(run_stop(f->w, id, 1790787720000LL, "signal"), 0);
	assert_int_equal(writer_pending(f->w), 0);
	assert_int_equal(run_last(f->r, &ri), 0);
	assert_int_equal(ri.stop_ms, 1790787720000LL);
	assert_int_equal(ri.last_alive_ms, 1790787720000LL);
	assert_string_equal(ri.stop_reason, "signal");
	/* A closed run stays closed. */
	assert_int_equal(run_alive(f->w, id, 1790787780000LL), -1);
	assert_int_equal(run_stop(f->w, id, 1790787780000LL, "stop"), -1);
	assert_int_equal(writer_commit(f->w), 0);
	assert_int_equal(run_last(f->r, &ri), 0);
	assert_int_equal(ri.stop_ms, 1790787720000LL);
}

static void
test_run_start_closes_crashed_runs(void **state)
{
	struct store_fixture *f = *state;
	char err[512] = "";
	struct run_info ri;
	int64_t a, b, c;

	a = run_start(f->w, 100, "0.1.0", "h1");
	assert_int_equal(run_stop(f->w, a, 200, "stop"), 0);
	b = run_start(f->w, 300, "0.1.0", "h1");
	assert_int_equal(run_alive(f->w, b, 400), 0);
	assert_int_equal(writer_commit(f->w), 0);
	/* Then the power went: B was never stopped. A new process starts. */
	writer_free(f->w);
	f->w = writer_new(db_open_writer(f->path, 0, err, sizeof err));
	assert_non_null(f->w);
	c = run_start(f->w, 1000, "0.1.1", "h2");
	assert_int_equal(c, 3);

	assert_int_equal(query_int(f->r, "SELECT stop_ms FROM monitor_run "
					 "WHERE id = 1"),
	    200);
	assert_int_equal(query_int(f->r, "SELECT stop_reason = 'stop' FROM "
					 "monitor_run WHERE id = 1"),
	    1);
	/* Watching ended at the last heartbeat, not at the restart. */
	assert_int_equal(query_int(f->r, "SELECT stop_ms FROM monitor_run "
					 "WHERE id = 2"),
	    400);
	assert_int_equal(query_int(f->r, "SELECT stop_reason = 'crash' FROM "
					 "monitor_run WHERE id = 2"),
	    1);
	assert_int_equal(run_last(f->r, &ri), 0);
	assert_int_equal(ri.id, c);
	assert_int_equal(ri.start_ms, 1000);
	assert_int_equal(ri.stop_ms, -1);
	assert_string_equal(ri.version, "0.1.1");
	assert_string_equal(ri.config_hash, "h2");
	/* run_last works on the writer's connection too. */
	assert_int_equal(run_last(writer_db(f->w), &ri), 0);
	assert_int_equal(ri.id, c);
}

/* ---- devices ---- */

struct rows {
	struct device_row *v;
	size_t n;
	int stop_after; /* 0: never */
};

static int
collect(const struct device_row *row, void *arg)
{
	struct rows *rs = arg;

	rs->v = xreallocarray(rs->v, rs->n + 1, sizeof *rs->v);
	rs->v[rs->n++] = *row;
	return rs->stop_after != 0 && (int)rs->n >= rs->stop_after ? -1 : 0;
}

static struct device_row *
find_row(struct rows *rs, const char *key)
{
	for (size_t i = 0; i < rs->n; i++)
		if (strcmp(rs->v[i].key, key) == 0)
			return &rs->v[i];
	fail_msg("no device %s", key);
	return NULL;
}

/* Listed children first: the sync must not depend on order. */
static struct config_device base_devices[] = {
    {.key = "ap-thon-2",
	.name = "Nhà văn hóa thôn 2",
	.kind = DEVICE_WIFI_AP,
	.group = "Thôn 2",
	.address = "thon2.ddns.net",
	.parent = "fw-ubnd",
	.isp = "Viettel F90-77",
	.probes = "heartbeat",
	.interval_ms = 60000},
    {.key = "ap-thon-1",
	.name = "Nhà văn hóa thôn 1",
	.kind = DEVICE_WIFI_AP,
	.group = "Thôn 1",
	.address = "14.160.2.1",
	.parent = "sw-core",
	.isp = "VNPT HD-0042",
	.probes = "icmp, http",
	.interval_ms = 60000},
    {.key = "pc-ketoan",
	.name = "Máy kế toán",
	.kind = DEVICE_PC,
	.group = "UBND",
	.address = "192.168.1.20",
	.parent = "sw-core",
	.probes = "icmp"},
    {.key = "sw-core",
	.name = "Switch lõi",
	.kind = DEVICE_SWITCH,
	.group = "UBND",
	.address = "192.168.1.2",
	.parent = "fw-ubnd",
	.probes = "icmp, snmp",
	.interval_ms = 30000},
    {.key = "fw-ubnd",
	.name = "Tường lửa UBND",
	.kind = DEVICE_FIREWALL,
	.address = "192.168.1.1",
	.probes = "icmp",
	.interval_ms = 30000},
};

#define NBASE (sizeof base_devices / sizeof base_devices[0])

static void
assert_row(const struct device_row *r, const char *key, const char *name,
    const char *kind, const char *group, const char *address,
    const char *parent, int64_t added, int64_t retired)
{
	assert_string_equal(r->key, key);
	assert_string_equal(r->name, name);
	assert_string_equal(r->kind, kind);
	assert_string_equal(r->group, group);
	assert_string_equal(r->address, address);
	assert_string_equal(r->parent, parent);
	assert_int_equal(r->added_ms, added);
	assert_int_equal(r->retired_ms, retired);
}

static void
test_device_sync_inserts_with_parents(void **state)
{
	struct store_fixture *f = *state;
	struct config cfg = {.devices = base_devices, .ndevices = NBASE};
	struct rows rs = {0};

	assert_int_equal(device_sync(f->w, &cfg, 1000), 0);
	/* Queued, not committed. */
	assert_int_equal(device_each(f->r, 1, collect, &rs), 0);
	assert_int_equal(writer_commit(f->w), 0);
	assert_int_equal(device_each(f->r, 0, collect, &rs), 5);
	assert_int_equal(rs.n, 5);
	/* By group ("" first), then key. */
	assert_row(&rs.v[0], "fw-ubnd", "Tường lửa UBND", "firewall", "",
	    "192.168.1.1", "", 1000, -1);
	assert_row(&rs.v[1], "ap-thon-1", "Nhà văn hóa thôn 1", "wifi-ap",
	    "Thôn 1", "14.160.2.1", "sw-core", 1000, -1);
	assert_row(&rs.v[2], "ap-thon-2", "Nhà văn hóa thôn 2", "wifi-ap",
	    "Thôn 2", "thon2.ddns.net", "fw-ubnd", 1000, -1);
	assert_row(&rs.v[3], "pc-ketoan", "Máy kế toán", "pc", "UBND",
	    "192.168.1.20", "sw-core", 1000, -1);
	assert_row(&rs.v[4], "sw-core", "Switch lõi", "switch", "UBND",
	    "192.168.1.2", "fw-ubnd", 1000, -1);
	assert_true(rs.v[0].id > 0);
	/* The columns device_row leaves out. */
	assert_int_equal(query_int(f->r, "SELECT interval_ms FROM device "
					 "WHERE key = 'sw-core'"),
	    30000);
	assert_int_equal(query_int(f->r, "SELECT interval_ms IS NULL AND "
					 "isp IS NULL FROM device WHERE key "
					 "= 'pc-ketoan'"),
	    1);
	assert_int_equal(query_int(f->r, "SELECT isp = 'VNPT HD-0042' AND "
					 "probes = 'icmp, http' FROM device "
					 "WHERE key = 'ap-thon-1'"),
	    1);
	free(rs.v);

	/* The same config again writes nothing at all. */
	assert_int_equal(device_sync(f->w, &cfg, 2000), 0);
	assert_int_equal(writer_pending(f->w), 0);
	assert_int_equal(writer_commit(f->w), 0);
}

static void
test_device_sync_updates_retires_and_returns(void **state)
{
	struct store_fixture *f = *state;
	struct config_device changed[NBASE];
	struct config cfg = {.devices = base_devices, .ndevices = NBASE};
	struct rows rs = {0};
	int64_t id_thon2;

	assert_int_equal(device_sync(f->w, &cfg, 1000), 0);
	assert_int_equal(writer_commit(f->w), 0);
	id_thon2 = query_int(f->r, "SELECT id FROM device WHERE key = "
				   "'ap-thon-2'");

	/*
	 * Thôn 2 goes; thôn 1 gets a new name and moves under the
	 * firewall; the PC loses its address.
	 */
	memcpy(changed, base_devices, sizeof changed);
	changed[0] = changed[4];
	changed[1].name = "Nhà văn hóa thôn 1 (mới)";
	changed[1].parent = "fw-ubnd";
	changed[2].address = NULL;
	cfg.devices = changed;
	cfg.ndevices = NBASE - 1;
	assert_int_equal(device_sync(f->w, &cfg, 2000), 0);
	/* 1 name + 1 parent + 1 address + 1 retirement. */
	assert_int_equal(writer_pending(f->w), 4);
	assert_int_equal(writer_commit(f->w), 0);

	assert_int_equal(device_each(f->r, 0, collect, &rs), 4);
	assert_row(find_row(&rs, "ap-thon-1"), "ap-thon-1",
	    "Nhà văn hóa thôn 1 (mới)", "wifi-ap", "Thôn 1", "14.160.2.1",
	    "fw-ubnd", 1000, -1);
	assert_row(find_row(&rs, "pc-ketoan"), "pc-ketoan", "Máy kế toán", "pc",
	    "UBND", "", "sw-core", 1000, -1);
	for (size_t i = 0; i < rs.n; i++)
		assert_string_not_equal(rs.v[i].key, "ap-thon-2");
	free(rs.v);
	memset(&rs, 0, sizeof rs);
	/* Retired, not deleted: its history is evidence. */
	assert_int_equal(device_each(f->r, 1, collect, &rs), 5);
	assert_row(find_row(&rs, "ap-thon-2"), "ap-thon-2",
	    "Nhà văn hóa thôn 2", "wifi-ap", "Thôn 2", "thon2.ddns.net",
	    "fw-ubnd", 1000, 2000);
	free(rs.v);
	memset(&rs, 0, sizeof rs);

	/* Still gone a day later: retired_ms keeps the first date. */
	assert_int_equal(device_sync(f->w, &cfg, 2500), 0);
	assert_int_equal(writer_pending(f->w), 0);
	assert_int_equal(writer_commit(f->w), 0);

	/* It comes back: same row, un-retired, first added date kept. */
	cfg.devices = base_devices;
	cfg.ndevices = NBASE;
	assert_int_equal(device_sync(f->w, &cfg, 3000), 0);
	assert_int_equal(writer_commit(f->w), 0);
	assert_int_equal(device_each(f->r, 0, collect, &rs), 5);
	assert_row(find_row(&rs, "ap-thon-2"), "ap-thon-2",
	    "Nhà văn hóa thôn 2", "wifi-ap", "Thôn 2", "thon2.ddns.net",
	    "fw-ubnd", 1000, -1);
	assert_int_equal(find_row(&rs, "ap-thon-2")->id, id_thon2);
	assert_row(find_row(&rs, "ap-thon-1"), "ap-thon-1",
	    "Nhà văn hóa thôn 1", "wifi-ap", "Thôn 1", "14.160.2.1", "sw-core",
	    1000, -1);
	assert_row(find_row(&rs, "pc-ketoan"), "pc-ketoan", "Máy kế toán", "pc",
	    "UBND", "192.168.1.20", "sw-core", 1000, -1);
	free(rs.v);
}

static void
test_device_kinds_and_long_names(void **state)
{
	struct store_fixture *f = *state;
	static const char *const kinds[] = {"wifi-ap", "switch", "router",
	    "firewall", "server", "pc", "printer", "other"};
	struct config_device d[9];
	char keys[8][16], longname[512];
	struct config cfg = {.devices = d, .ndevices = 9};
	struct rows rs = {0};

	memset(d, 0, sizeof d);
	for (int i = 0; i < 8; i++) {
		snprintf(keys[i], sizeof keys[i], "k%d", i);
		d[i].key = keys[i];
		d[i].name = keys[i];
		d[i].kind = (enum device_kind)i;
	}
	/* "ă" is two bytes: 200 of them cannot be cut at byte 255. */
	longname[0] = '\0';
	for (int i = 0; i < 200; i++)
		strcat(longname, "ă");
	d[8].key = "long";
	d[8].name = longname;
	d[8].kind = DEVICE_OTHER;
	assert_int_equal(device_sync(f->w, &cfg, 1), 0);
	assert_int_equal(writer_commit(f->w), 0);
	assert_int_equal(device_each(f->r, 0, collect, &rs), 9);
	for (int i = 0; i < 8; i++)
		assert_string_equal(find_row(&rs, keys[i])->kind, kinds[i]);
	assert_int_equal(strlen(find_row(&rs, "long")->name), 254);
	assert_memory_equal(find_row(&rs, "long")->name, longname, 254);
	free(rs.v);

	/* An out-of-range kind is refused before it reaches the table. */
	d[0].kind = (enum device_kind)42;
	assert_int_equal(device_sync(f->w, &cfg, 2), -1);
	assert_int_equal(writer_commit(f->w), 0);
	assert_int_equal(query_int(f->r, "SELECT count(*) FROM device"), 9);
}

static void
test_device_each_stops_when_told(void **state)
{
	struct store_fixture *f = *state;
	struct config cfg = {.devices = base_devices, .ndevices = NBASE};
	struct rows rs = {.stop_after = 2};

	assert_int_equal(device_sync(f->w, &cfg, 1000), 0);
	assert_int_equal(writer_commit(f->w), 0);
	assert_int_equal(device_each(f->r, 0, collect, &rs), -1);
	assert_int_equal(rs.n, 2);
	free(rs.v);
}

#define NBIG 20000
#define NSW  20

static void
test_device_sync_20000(void **state)
{
	struct store_fixture *f = *state;
	struct config_device *d = xcalloc(NBIG, sizeof *d);
	struct config cfg = {.devices = d, .ndevices = NBIG};
	struct rows rs = {0};
	int64_t t0, elapsed;

	/* 20 switches at the end of the list, everything else under them. */
	for (int i = 0; i < NBIG; i++) {
		int sw = i >= NBIG - NSW;

		d[i].key = sw ? xasprintf("sw-%02d", i - (NBIG - NSW))
			      : xasprintf("pc-%05d", i);
		d[i].name = xasprintf("Thiết bị số %d", i);
		d[i].kind = sw ? DEVICE_SWITCH : DEVICE_PC;
		d[i].group = xasprintf("Thôn %d", i % NSW);
		d[i].address = xasprintf(
		    "10.%d.%d.%d", i / 65536, (i / 256) % 256, i % 256);
		d[i].parent = sw ? NULL : xasprintf("sw-%02d", i % NSW);
		d[i].probes = "icmp";
		d[i].interval_ms = 60000;
	}
	t0 = time_mono_ms();
	assert_int_equal(device_sync(f->w, &cfg, 5000), 0);
	assert_int_equal(writer_commit(f->w), 0);
	elapsed = time_mono_ms() - t0;
	assert_true(elapsed < 30000);
	print_message(
	    "# 20000 devices synced in %lld ms\n", (long long)elapsed);

	assert_int_equal(query_int(f->r, "SELECT count(*) FROM device"), NBIG);
	assert_int_equal(query_int(f->r, "SELECT count(*) FROM device WHERE "
					 "parent_id IS NOT NULL"),
	    NBIG - NSW);
	assert_int_equal(device_each(f->r, 0, collect, &rs), NBIG);
	assert_row(find_row(&rs, "pc-12345"), "pc-12345", "Thiết bị số 12345",
	    "pc", "Thôn 5", "10.0.48.57", "sw-05", 5000, -1);
	free(rs.v);

	/* Nothing changed: nothing written. */
	t0 = time_mono_ms();
	assert_int_equal(device_sync(f->w, &cfg, 6000), 0);
	assert_int_equal(writer_pending(f->w), 0);
	assert_int_equal(writer_commit(f->w), 0);
	assert_true(time_mono_ms() - t0 < 30000);

	/* Drop the first thousand PCs. */
	cfg.devices = d + 1000;
	cfg.ndevices = NBIG - 1000;
	assert_int_equal(device_sync(f->w, &cfg, 7000), 0);
	assert_int_equal(writer_pending(f->w), 1000);
	assert_int_equal(writer_commit(f->w), 0);
	assert_int_equal(query_int(f->r, "SELECT count(*) FROM device WHERE "
					 "retired_ms = 7000"),
	    1000);

	for (int i = 0; i < NBIG; i++) {
		free(d[i].key);
		free(d[i].name);
		free(d[i].group);
		free(d[i].address);
		free(d[i].parent);
	}
	free(d);
}

int
main(void)
{
#define T(fn) STORE_TEST(fn, open, "writer")
	const struct CMUnitTest tests[] = {
	    T(test_writer_batch_hidden_until_commit),
	    T(test_writer_caches_statements),
	    T(test_writer_constraint_error_spares_the_batch),
	    T(test_writer_disk_full_loses_only_the_batch),
	    T(test_writer_failed_commit_rolls_back),
	    T(test_writer_free_commits_pending),
	    T(test_run_start_alive_stop),
	    T(test_run_start_closes_crashed_runs),
	    T(test_device_sync_inserts_with_parents),
	    T(test_device_sync_updates_retires_and_returns),
	    T(test_device_kinds_and_long_names),
	    T(test_device_each_stops_when_told),
	    T(test_device_sync_20000),
	};
#undef T

	/* Failures under test are expected; keep stderr to the unexpected. */
	log_set_level(LOG_CRIT);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
