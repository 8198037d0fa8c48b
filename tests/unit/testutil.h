/* testutil.h - what the unit tests share: scratch directories, files, configs, SQLite. */
#ifndef XANET_TEST_TESTUTIL_H
#define XANET_TEST_TESTUTIL_H

#include <stddef.h>
#include <stdint.h>
#include <sqlite3.h>

struct writer;

/*
 * Make a fresh directory /tmp/xanet-test-NAME-XXXXXX in DIR (LEN bytes);
 * 0, or -1 if it cannot.
 */
int scratch_make(char *dir, size_t len, const char *name);
/* Remove DIR and the files directly in it; rmdir()'s 0 or -1. */
int scratch_remove(const char *dir);
/*
 * cmocka group setup and teardown for tests that run inside a scratch
 * directory, so that paths in messages are short: make it and go in;
 * go out and remove it.
 */
int scratch_enter(char *dir, size_t len, const char *name);
int scratch_leave(const char *dir);
/*
 * Defines tmpdir and the static group_setup and group_teardown above
 * for a test file whose tests all run in /tmp/xanet-test-NAME-XXXXXX.
 */
#define SCRATCH_GROUP(name)                                          \
	static char tmpdir[64];                                      \
	static int group_setup(void **state)                         \
	{                                                            \
		(void)state;                                         \
		return scratch_enter(tmpdir, sizeof tmpdir, (name)); \
	}                                                            \
	static int group_teardown(void **state)                      \
	{                                                            \
		(void)state;                                         \
		return scratch_leave(tmpdir);                        \
	}

/* Write TEXT to PATH, replacing it; fails the test if it cannot. */
void write_file(const char *path, const char *text);

struct config;
/* Load TEXT as t.conf in the current directory: the config, or NULL with ERR filled. */
struct config *load_text(const char *text, char *err, size_t errlen);
/* TEXT as t.conf must be refused with exactly the message WANT. */
void assert_load_fails(const char *text, const char *want);

/* Run SQL on DB; fails the test with SQLite's message if it errs. */
void exec_ok(sqlite3 *db, const char *sql);
/* Column 0 of the first row of SQL, which must have one. */
int64_t query_int(sqlite3 *db, const char *sql);
/* A plain SQLite connection, as another program would have. */
sqlite3 *raw_open(const char *path);

/*
 * A scratch directory holding the database xanet.db, for store tests;
 * W and R (a reader, as the web server or xanetctl has) are open only
 * with store_setup_open().
 */
struct store_fixture {
	char dir[64];
	char path[128];
	struct writer *w;
	sqlite3 *r;
};

/*
 * cmocka setups, for cmocka_unit_test_prestate_setup_teardown() with the
 * test file's short name as the prestate: a fixture with no database
 * file yet, or one with the latest schema, a writer and a reader open.
 */
int store_setup_empty(void **state);
int store_setup_open(void **state);
/* The cmocka teardown for either: closes what is open, removes it all. */
int store_teardown(void **state);
/* A test of FN with a fixture of SETUP, its directory named for NAME. */
#define STORE_TEST(fn, setup, name)               \
	cmocka_unit_test_prestate_setup_teardown( \
	    fn, store_setup_##setup, store_teardown, (void *)(name))

#endif
