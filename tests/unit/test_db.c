/* test_db.c - unit tests of store/db: pragmas, refusals, read-only connections. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "common/log.h"
#include "common/util.h"
#include "store/db.h"
#include "store/migrate.h"
#include "tests/unit/testutil.h"

/* The whole file, for byte-for-byte comparison. */
static char *
slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *buf;
	long n;

	assert_non_null(fp);
	assert_int_equal(fseek(fp, 0, SEEK_END), 0);
	n = ftell(fp);
	assert_true(n >= 0);
	rewind(fp);
	buf = xmalloc((size_t)n + 1);
	assert_int_equal(fread(buf, 1, (size_t)n, fp), (size_t)n);
	fclose(fp);
	*len = (size_t)n;
	return buf;
}

static void
spit(const char *path, const void *data, size_t len)
{
	FILE *fp = fopen(path, "wb");

	assert_non_null(fp);
	assert_int_equal(fwrite(data, 1, len, fp), len);
	assert_int_equal(fclose(fp), 0);
}

static int
exists(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0;
}

static void
assert_no_side_files(const char *path)
{
	const char *suffix[] = {"-wal", "-shm", "-journal"};

	for (size_t i = 0; i < 3; i++) {
		char p[256];

		snprintf(p, sizeof p, "%s%s", path, suffix[i]);
		assert_false(exists(p));
	}
}

static void
query_text(sqlite3 *db, const char *sql, char *out, size_t len)
{
	sqlite3_stmt *st;

	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	str_copy(out, (const char *)sqlite3_column_text(st, 0), len);
	sqlite3_finalize(st);
}

/*
 * Open PATH as the writer and expect the refusal WANT, with the file
 * left exactly as it was.
 */
static void
assert_writer_refuses(const char *path, const char *want)
{
	char err[512] = "";
	size_t before_len, after_len;
	char *before = slurp(path, &before_len), *after;

	assert_null(db_open_writer(path, 0, err, sizeof err));
	assert_string_equal(err, want);
	after = slurp(path, &after_len);
	assert_int_equal(after_len, before_len);
	assert_memory_equal(after, before, before_len);
	free(before);
	free(after);
	assert_no_side_files(path);
}

static void
test_writer_creates_wal_database(void **state)
{
	struct store_fixture *f = *state;
	char err[512] = "", mode[16];
	sqlite3 *db;

	db = db_open_writer(f->path, 0, err, sizeof err);
	assert_non_null(db);
	assert_string_equal(err, "");
	query_text(db, "PRAGMA journal_mode", mode, sizeof mode);
	assert_string_equal(mode, "wal");
	assert_int_equal(
	    query_int(db, "PRAGMA application_id"), DB_APPLICATION_ID);
	assert_int_equal(query_int(db, "PRAGMA application_id"), 0x58414e54);
	assert_int_equal(db_schema_version(db), migrate_latest());
	assert_int_equal(query_int(db, "PRAGMA foreign_keys"), 1);
	/* 1 is NORMAL, 2 is FULL. */
	assert_int_equal(query_int(db, "PRAGMA synchronous"), 1);
	assert_int_equal(query_int(db, "PRAGMA busy_timeout"), 5000);
	assert_int_equal(
	    query_int(db, "SELECT count(*) FROM sqlite_schema WHERE type = "
			  "'table' AND name IN ('device', 'monitor_run')"),
	    2);
	exec_ok(db, "INSERT INTO monitor_run (start_ms, last_alive_ms, "
		    "version, config_hash) VALUES (1, 2, 'v', 'h')");
	db_close(db);

	/* Reopening keeps the data and honours sync_full. */
	db = db_open_writer(f->path, 1, err, sizeof err);
	assert_non_null(db);
	assert_int_equal(query_int(db, "PRAGMA synchronous"), 2);
	assert_int_equal(
	    query_int(db, "SELECT last_alive_ms FROM monitor_run"), 2);
	assert_int_equal(db_schema_version(db), migrate_latest());
	db_close(db);
}

static void
test_writer_refuses_non_sqlite_file(void **state)
{
	struct store_fixture *f = *state;
	const char text[] = "[site]\nname = UBND xã Tân Phú\nprovince = "
			    "Đồng Nai\n\n[web]\nlisten = 127.0.0.1\n";
	char want[256];

	spit(f->path, text, sizeof text - 1);
	snprintf(want, sizeof want, "%s: file is not a database", f->path);
	assert_writer_refuses(f->path, want);
}

static void
test_writer_refuses_foreign_application_id(void **state)
{
	struct store_fixture *f = *state;
	sqlite3 *db = raw_open(f->path);
	char want[256], err[256];

	exec_ok(db, "PRAGMA application_id = 1234;"
		    "CREATE TABLE device (id INTEGER PRIMARY KEY);");
	sqlite3_close(db);
	snprintf(want, sizeof want,
	    "%s: not a xanet database (application_id 0x000004d2)", f->path);
	assert_writer_refuses(f->path, want);
	assert_null(db_open_reader(f->path, err, sizeof err));
	assert_string_equal(err, want);
}

static void
test_writer_refuses_foreign_tables(void **state)
{
	struct store_fixture *f = *state;
	sqlite3 *db = raw_open(f->path);
	char want[256];

	exec_ok(db, "CREATE TABLE photos (id INTEGER PRIMARY KEY, jpeg BLOB);"
		    "INSERT INTO photos (jpeg) VALUES (x'ffd8ffe0');");
	sqlite3_close(db);
	snprintf(want, sizeof want,
	    "%s: not a xanet database (it has a table \"photos\" and no "
	    "xanet application_id)",
	    f->path);
	assert_writer_refuses(f->path, want);
}

static void
test_writer_refuses_newer_schema(void **state)
{
	struct store_fixture *f = *state;
	char err[512] = "", want[512], sql[64];
	sqlite3 *db;

	db = db_open_writer(f->path, 0, err, sizeof err);
	assert_non_null(db);
	snprintf(
	    sql, sizeof sql, "PRAGMA user_version = %d", migrate_latest() + 3);
	exec_ok(db, sql);
	db_close(db);

	snprintf(want, sizeof want,
	    "%s: database schema version %d is newer than this xanet knows "
	    "(%d); upgrade xanet",
	    f->path, migrate_latest() + 3, migrate_latest());
	assert_writer_refuses(f->path, want);
	assert_null(db_open_reader(f->path, err, sizeof err));
	assert_string_equal(err, want);
}

static void
test_writer_refuses_corrupt_database(void **state)
{
	struct store_fixture *f = *state;
	char err[512] = "", prefix[256];
	unsigned char junk[64];
	int64_t root, pagesize;
	sqlite3 *db;
	int fd;

	db = db_open_writer(f->path, 0, err, sizeof err);
	assert_non_null(db);
	exec_ok(db, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 "
		    "FROM n WHERE i < 500) INSERT INTO device (key, name, "
		    "kind, added_ms) SELECT 'ap-' || i, 'Nhà văn hóa thôn ' || "
		    "i, 'wifi-ap', i FROM n");
	root = query_int(
	    db, "SELECT rootpage FROM sqlite_schema WHERE name = 'device'");
	pagesize = query_int(db, "PRAGMA page_size");
	db_close(db); /* checkpoints: everything is in the main file */
	assert_no_side_files(f->path);

	/*
	 * Scribble over the cells at the end of the device table's root
	 * page, as a bad disk would; the header stays readable.
	 */
	memset(junk, 0xa5, sizeof junk);
	fd = open(f->path, O_WRONLY);
	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, junk, sizeof junk,
			     root * pagesize - (int64_t)sizeof junk),
	    (ssize_t)sizeof junk);
	close(fd);

	snprintf(prefix, sizeof prefix,
	    "%s: database is corrupt: quick_check reported: ", f->path);
	{
		size_t before_len, after_len;
		char *before = slurp(f->path, &before_len), *after;

		assert_null(db_open_writer(f->path, 0, err, sizeof err));
		assert_memory_equal(err, prefix, strlen(prefix));
		/* What quick_check found follows, on the same line. */
		assert_memory_equal(err + strlen(prefix),
		    "*** in database main *** On tree page ", 38);
		assert_null(strchr(err, '\n'));
		after = slurp(f->path, &after_len);
		assert_int_equal(after_len, before_len);
		assert_memory_equal(after, before, before_len);
		free(before);
		free(after);
	}
}

static void
test_writer_cannot_create_in_missing_directory(void **state)
{
	struct store_fixture *f = *state;
	char path[256], want[300], err[512] = "";

	snprintf(path, sizeof path, "%s/no/such/dir/xanet.db", f->dir);
	assert_null(db_open_writer(path, 0, err, sizeof err));
	snprintf(want, sizeof want, "cannot open %s: No such file or directory",
	    path);
	assert_string_equal(err, want);
}

static void
test_reader_missing_file(void **state)
{
	struct store_fixture *f = *state;
	char want[256], err[512] = "";

	assert_null(db_open_reader(f->path, err, sizeof err));
	snprintf(want, sizeof want, "no database at %s", f->path);
	assert_string_equal(err, want);
	/* And it did not create one. */
	assert_false(exists(f->path));
}

static void
test_reader_permission_denied(void **state)
{
	struct store_fixture *f = *state;
	char want[256], err[512] = "";
	int pipefd[2], status;
	sqlite3 *db;
	pid_t pid;

	db = db_open_writer(f->path, 0, err, sizeof err);
	assert_non_null(db);
	db_close(db);
	assert_int_equal(chmod(f->path, 0600), 0);
	snprintf(
	    want, sizeof want, "cannot read %s: Permission denied", f->path);
	if (geteuid() != 0) {
		assert_int_equal(chmod(f->path, 0), 0);
		assert_null(db_open_reader(f->path, err, sizeof err));
		assert_string_equal(err, want);
		return;
	}
	/* Root reads anything: try as nobody, the way xanetctl users are. */
	assert_int_equal(chmod(f->dir, 0755), 0);
	assert_int_equal(pipe(pipefd), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(pipefd[0]);
		if (setgid(65534) != 0 || setuid(65534) != 0)
			_exit(2);
		db = db_open_reader(f->path, err, sizeof err);
		if (write(pipefd[1], err, strlen(err) + 1) < 0)
			_exit(3);
		_exit(db == NULL ? 0 : 1);
	}
	close(pipefd[1]);
	memset(err, 0, sizeof err);
	assert_true(read(pipefd[0], err, sizeof err - 1) > 0);
	close(pipefd[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_string_equal(err, want);
}

static void
test_reader_refuses_older_schema(void **state)
{
	struct store_fixture *f = *state;
	char want[256], err[512] = "", sql[64];
	sqlite3 *db = raw_open(f->path);

	/* Ours, but never migrated: what a crash on first start leaves. */
	snprintf(
	    sql, sizeof sql, "PRAGMA application_id = %d", DB_APPLICATION_ID);
	exec_ok(db, sql);
	sqlite3_close(db);
	assert_null(db_open_reader(f->path, err, sizeof err));
	snprintf(want, sizeof want,
	    "%s: database schema version 0 is older than this xanet (%d); "
	    "start xanetd once to upgrade it",
	    f->path, migrate_latest());
	assert_string_equal(err, want);
	/* The writer takes it up from there. */
	db = db_open_writer(f->path, 0, err, sizeof err);
	assert_non_null(db);
	assert_int_equal(db_schema_version(db), migrate_latest());
	db_close(db);
}

static void
test_reader_sees_only_committed_rows(void **state)
{
	struct store_fixture *f = *state;
	char err[512] = "";
	sqlite3 *w, *r;

	w = db_open_writer(f->path, 0, err, sizeof err);
	assert_non_null(w);
	exec_ok(w, "BEGIN IMMEDIATE;"
		   "INSERT INTO monitor_run (start_ms, last_alive_ms, version, "
		   "config_hash) VALUES (10, 10, '0.1.0', 'abc')");
	/* The writer holds its write transaction: readers still get in. */
	r = db_open_reader(f->path, err, sizeof err);
	assert_non_null(r);
	assert_string_equal(err, "");
	assert_int_equal(query_int(r, "SELECT count(*) FROM monitor_run"), 0);
	assert_int_equal(query_int(r, "PRAGMA query_only"), 1);
	assert_int_not_equal(
	    sqlite3_exec(r, "DELETE FROM monitor_run", NULL, NULL, NULL),
	    SQLITE_OK);
	exec_ok(w, "COMMIT");
	assert_int_equal(query_int(r, "SELECT count(*) FROM monitor_run"), 1);
	db_close(r);
	db_close(w);

	/* With the writer gone (no -wal, no -shm), a reader still reads. */
	assert_no_side_files(f->path);
	r = db_open_reader(f->path, err, sizeof err);
	assert_non_null(r);
	assert_int_equal(query_int(r, "SELECT start_ms FROM monitor_run"), 10);
	db_close(r);
}

int
main(void)
{
#define T(fn) STORE_TEST(fn, empty, "db")
	const struct CMUnitTest tests[] = {
	    T(test_writer_creates_wal_database),
	    T(test_writer_refuses_non_sqlite_file),
	    T(test_writer_refuses_foreign_application_id),
	    T(test_writer_refuses_foreign_tables),
	    T(test_writer_refuses_newer_schema),
	    T(test_writer_refuses_corrupt_database),
	    T(test_writer_cannot_create_in_missing_directory),
	    T(test_reader_missing_file),
	    T(test_reader_permission_denied),
	    T(test_reader_refuses_older_schema),
	    T(test_reader_sees_only_committed_rows),
	};
#undef T

	log_set_level(LOG_WARNING);

	return cmocka_run_group_tests(tests, NULL, NULL);
}
