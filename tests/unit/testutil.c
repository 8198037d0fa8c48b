/* testutil.c - what the unit tests share: scratch directories, files, configs, SQLite. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "common/config.h"
#include "common/util.h"
#include "store/db.h"
#include "store/writer.h"
#include "tests/unit/testutil.h"

int
scratch_make(char *dir, size_t len, const char *name)
{
	snprintf(dir, len, "/tmp/xanet-test-%s-XXXXXX", name);
	return mkdtemp(dir) == NULL ? -1 : 0;
}

int
scratch_remove(const char *dir)
{
	struct dirent *de;
	DIR *d = opendir(dir);

	while (d != NULL && (de = readdir(d)) != NULL) {
		char p[512];

		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(p, sizeof p, "%s/%s", dir, de->d_name);
		unlink(p);
	}
	if (d != NULL)
		closedir(d);
	return rmdir(dir);
}

int
scratch_enter(char *dir, size_t len, const char *name)
{
	if (scratch_make(dir, len, name) != 0 || chdir(dir) != 0)
		return -1;
	return 0;
}

int
scratch_leave(const char *dir)
{
	if (chdir("/") != 0)
		return -1;
	return scratch_remove(dir);
}

void
write_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	assert_int_equal(fwrite(text, 1, strlen(text), fp), strlen(text));
	assert_int_equal(fclose(fp), 0);
}

struct config *
load_text(const char *text, char *err, size_t errlen)
{
	write_file("t.conf", text);
	return config_load("t.conf", err, errlen);
}

void
assert_load_fails(const char *text, const char *want)
{
	char err[4096];
	struct config *cfg = load_text(text, err, sizeof err);

	if (cfg != NULL) {
		config_free(cfg);
		fail_msg("accepted: %s", text);
	}
	assert_string_equal(err, want);
}

void
exec_ok(sqlite3 *db, const char *sql)
{
	char *msg = NULL;
	int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);

	if (rc != SQLITE_OK)
		fail_msg("%s: %s", sql, msg);
	sqlite3_free(msg);
}

int64_t
query_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	int64_t v;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

sqlite3 *
raw_open(const char *path)
{
	sqlite3 *db;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	return db;
}

int
store_setup_empty(void **state)
{
	const char *name = *state;
	struct store_fixture *f = xcalloc(1, sizeof *f);

	if (scratch_make(f->dir, sizeof f->dir, name) != 0) {
		free(f);
		return -1;
	}
	snprintf(f->path, sizeof f->path, "%s/xanet.db", f->dir);
	*state = f;
	return 0;
}

int
store_setup_open(void **state)
{
	struct store_fixture *f;
	char err[512];

	if (store_setup_empty(state) != 0)
		return -1;
	f = *state;
	f->w = writer_new(db_open_writer(f->path, 0, err, sizeof err));
	if (f->w == NULL) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	f->r = db_open_reader(f->path, err, sizeof err);
	if (f->r == NULL) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	return 0;
}

int
store_teardown(void **state)
{
	struct store_fixture *f = *state;

	db_close(f->r);
	writer_free(f->w);
	scratch_remove(f->dir);
	free(f);
	return 0;
}
