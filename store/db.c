/* db.c - opening the SQLite database: identity checks, pragmas, migrations. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "common/util.h"
#include "store/db.h"
#include "store/migrate.h"

#define DB_BUSY_TIMEOUT_MS 5000

#define DB_STR(x)  #x
#define DB_XSTR(x) DB_STR(x)

/* What is in an open file before we touch it. */
struct db_identity {
	int application_id;
	int version;
	char table[128]; /* one table that is not SQLite's own, or "" */
};

/* Run SQL returning one row; copy column 0 as text or int. */
static int
db_query_one(sqlite3 *db, const char *sql, int *ival, char *sval, size_t slen)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		if (ival != NULL)
			*ival = sqlite3_column_int(st, 0);
		if (sval != NULL) {
			const unsigned char *t = sqlite3_column_text(st, 0);

			str_copy(sval, t != NULL ? (const char *)t : "", slen);
		}
	} else if (rc == SQLITE_DONE) {
		if (ival != NULL)
			*ival = 0;
		if (sval != NULL && slen > 0)
			*sval = '\0';
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

/* Why the last call on DB failed, in words for the person at the console. */
static void
db_explain(sqlite3 *db, const char *path, char *err, size_t errlen)
{
	switch (sqlite3_errcode(db) & 0xff) { /* primary code */
	case SQLITE_NOTADB:
		snprintf(err, errlen, "%s: file is not a database", path);
		break;
	case SQLITE_CORRUPT:
		snprintf(err, errlen, "%s: database is corrupt: %s", path,
		    sqlite3_errmsg(db));
		break;
	default:
		snprintf(err, errlen, "cannot read %s: %s", path,
		    sqlite3_errmsg(db));
		break;
	}
}

/* Read the header fields and the table list; only reads. */
static int
db_identify(sqlite3 *db, const char *path, struct db_identity *id, char *err,
    size_t errlen)
{
	if (db_query_one(db, "PRAGMA application_id", &id->application_id, NULL,
		0) == -1 ||
	    db_query_one(db, "PRAGMA user_version", &id->version, NULL, 0) ==
		-1 ||
	    db_query_one(db,
		"SELECT name FROM sqlite_schema WHERE type = 'table' AND "
		"name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name LIMIT 1",
		NULL, id->table, sizeof id->table) == -1) {
		db_explain(db, path, err, errlen);
		return -1;
	}
	return 0;
}

/*
 * Refuse what is not ours or is beyond us. A database is ours if it
 * carries our application_id, or is brand new: no id, no tables and no
 * schema version (the writer stamps the id before the first migration).
 */
static int
db_check_identity(
    const struct db_identity *id, const char *path, char *err, size_t errlen)
{
	int latest = migrate_latest();

	if (id->application_id != 0 &&
	    id->application_id != DB_APPLICATION_ID) {
		snprintf(err, errlen,
		    "%s: not a xanet database (application_id 0x%08x)", path,
		    (unsigned)id->application_id);
		return -1;
	}
	if (id->application_id == 0 && id->table[0] != '\0') {
		snprintf(err, errlen,
		    "%s: not a xanet database (it has a table \"%s\" and no "
		    "xanet application_id)",
		    path, id->table);
		return -1;
	}
	if (id->application_id == 0 && id->version != 0) {
		snprintf(err, errlen,
		    "%s: not a xanet database (schema version %d and no xanet "
		    "application_id)",
		    path, id->version);
		return -1;
	}
	if (id->version > latest) {
		snprintf(err, errlen,
		    "%s: database schema version %d is newer than this xanet "
		    "knows (%d); upgrade xanet",
		    path, id->version, latest);
		return -1;
	}
	return 0;
}

/* Append ITEM to the "; "-separated list in BUF, truncating at SIZE. */
static void
db_list_add(char *buf, size_t size, const char *item)
{
	size_t len = strlen(buf);

	if (len > 0 && len + 2 < size) {
		memcpy(buf + len, "; ", 3);
		len += 2;
	}
	if (len + 1 < size)
		str_copy(buf + len, item, size - len);
}

/* PRAGMA quick_check: "ok", or what it found, joined on one line. */
static int
db_quick_check(sqlite3 *db, const char *path, char *err, size_t errlen)
{
	char found[512] = "";
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(db, "PRAGMA quick_check", -1, &st, NULL) !=
	    SQLITE_OK) {
		db_explain(db, path, err, errlen);
		return -1;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *t = (const char *)sqlite3_column_text(st, 0);

		if (t != NULL && strcmp(t, "ok") != 0)
			db_list_add(found, sizeof found, t);
	}
	if (rc != SQLITE_DONE) {
		int code = sqlite3_errcode(db) & 0xff;

		/* Damage bad enough to stop the check is still its finding. */
		if (code != SQLITE_CORRUPT && code != SQLITE_NOTADB) {
			db_explain(db, path, err, errlen);
			sqlite3_finalize(st);
			return -1;
		}
		db_list_add(found, sizeof found, sqlite3_errmsg(db));
	}
	sqlite3_finalize(st);
	if (found[0] == '\0')
		return 0;
	/* Reports can span lines ("*** in database main ***\n..."). */
	for (char *p = found; *p != '\0'; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	snprintf(err, errlen,
	    "%s: database is corrupt: quick_check reported: %s", path, found);
	return -1;
}

/* Run one pragma that must succeed; its message into ERR if it fails. */
static int
db_exec(
    sqlite3 *db, const char *path, const char *sql, char *err, size_t errlen)
{
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK)
		return 0;
	snprintf(err, errlen, "%s: %s: %s", path, sql, sqlite3_errmsg(db));
	return -1;
}

/* Settings every connection gets, before it reads anything. */
static void
db_connection_setup(sqlite3 *db)
{
	/*
	 * The writer may hold its lock for a commit or a checkpoint; waiting
	 * a while beats failing a report or a probe's write.
	 */
	sqlite3_busy_timeout(db, DB_BUSY_TIMEOUT_MS);
	/* No writable_schema and friends: evidence is not to be edited. */
	sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
	sqlite3_extended_result_codes(db, 1);
}

static sqlite3 *
db_open_failed(sqlite3 *db, const char *path, char *err, size_t errlen)
{
	int syserr;

	if (db == NULL) {
		snprintf(err, errlen, "cannot open %s: out of memory", path);
		return NULL;
	}
	syserr = sqlite3_system_errno(db);
	if (syserr != 0)
		snprintf(
		    err, errlen, "cannot open %s: %s", path, strerror(syserr));
	else
		snprintf(err, errlen, "cannot open %s: %s", path,
		    sqlite3_errmsg(db));
	sqlite3_close(db);
	return NULL;
}

sqlite3 *
db_open_writer(const char *path, int sync_full, char *err, size_t errlen)
{
	struct db_identity id;
	char mode[16], why[512];
	sqlite3 *db = NULL;
	int stamped;

	if (sqlite3_open_v2(path, &db,
		SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK)
		return db_open_failed(db, path, err, errlen);
	db_connection_setup(db);

	/* Everything up to the journal mode only reads the file. */
	if (db_identify(db, path, &id, err, errlen) == -1 ||
	    db_check_identity(&id, path, err, errlen) == -1 ||
	    db_quick_check(db, path, err, errlen) == -1)
		goto fail;

	/* Readers see committed data while the loop writes. */
	if (db_query_one(db, "PRAGMA journal_mode = WAL", NULL, mode,
		sizeof mode) == -1) {
		db_explain(db, path, err, errlen);
		goto fail;
	}
	if (strcmp(mode, "wal") != 0) {
		snprintf(err, errlen,
		    "%s: cannot switch to WAL journal mode (still \"%s\")",
		    path, mode);
		goto fail;
	}
	/*
	 * In WAL mode, NORMAL syncs only at checkpoints: a power failure may
	 * lose the last commits, but never corrupts the database. FULL also
	 * syncs every commit, for those who would rather pay in disk writes.
	 */
	if (db_exec(db, path,
		sync_full ? "PRAGMA synchronous = FULL"
			  : "PRAGMA synchronous = NORMAL",
		err, errlen) == -1 ||
	    db_exec(db, path, "PRAGMA foreign_keys = ON", err, errlen) == -1)
		goto fail;

	if (id.application_id == 0) {
		if (db_exec(db, path,
			"PRAGMA application_id = " DB_XSTR(DB_APPLICATION_ID),
			err, errlen) == -1)
			goto fail;
		if (db_query_one(
			db, "PRAGMA application_id", &stamped, NULL, 0) == -1 ||
		    stamped != DB_APPLICATION_ID) {
			snprintf(err, errlen,
			    "%s: cannot set the xanet application_id", path);
			goto fail;
		}
		log_info("created database %s", path);
	}

	if (migrate_to(db, migrate_latest(), why, sizeof why) == -1) {
		snprintf(err, errlen, "%s: %s", path, why);
		goto fail;
	}
	if (id.version < migrate_latest())
		log_notice("database %s: schema version %d -> %d", path,
		    id.version, migrate_latest());
	return db;

fail:
	sqlite3_close(db);
	return NULL;
}

sqlite3 *
db_open_reader(const char *path, char *err, size_t errlen)
{
	struct db_identity id;
	sqlite3 *db = NULL;
	int fd;

	/*
	 * SQLite's own message for both is "unable to open database file";
	 * the person typing xanetctl needs to know which it is.
	 */
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd == -1) {
		if (errno == ENOENT)
			snprintf(err, errlen, "no database at %s", path);
		else
			snprintf(err, errlen, "cannot read %s: %s", path,
			    strerror(errno));
		return NULL;
	}
	close(fd);

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		return db_open_failed(db, path, err, errlen);
	db_connection_setup(db);
	/*
	 * No quick_check here: it reads the whole file, and readers open
	 * on every xanetctl call and report; the writer checks at startup.
	 */
	if (db_identify(db, path, &id, err, errlen) == -1 ||
	    db_check_identity(&id, path, err, errlen) == -1)
		goto fail;
	if (id.version < migrate_latest()) {
		/* Our queries are written against the latest schema. */
		snprintf(err, errlen,
		    "%s: database schema version %d is older than this xanet "
		    "(%d); start xanetd once to upgrade it",
		    path, id.version, migrate_latest());
		goto fail;
	}
	if (db_exec(db, path, "PRAGMA query_only = ON", err, errlen) == -1)
		goto fail;
	return db;

fail:
	sqlite3_close(db);
	return NULL;
}

void
db_close(sqlite3 *db)
{
	if (db == NULL)
		return;
	/* A statement still open here is a leak in its owner. */
	if (sqlite3_next_stmt(db, NULL) != NULL)
		log_err("closing database %s with statements still prepared",
		    sqlite3_db_filename(db, "main"));
	sqlite3_close_v2(db);
}

int
db_schema_version(sqlite3 *db)
{
	int version;

	if (db_query_one(db, "PRAGMA user_version", &version, NULL, 0) == -1)
		return -1;
	return version;
}
