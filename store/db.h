/* db.h - opening the SQLite database: pragmas, checks, migrations. */
#ifndef XANET_DB_H
#define XANET_DB_H

#include <sqlite3.h>
#include <stddef.h>

/* PRAGMA application_id of every xanet database ("XANT"). */
#define DB_APPLICATION_ID 0x58414e54

/*
 * Open (creating if missing) the one writing connection: WAL,
 * synchronous=NORMAL (FULL if SYNC_FULL), foreign keys, busy timeout,
 * quick_check, then migrations to the latest schema. A corrupt database,
 * a foreign one (other application_id, or tables but no id) or one with a
 * newer schema than this build knows is refused, never overwritten.
 * Returns NULL and a one-line reason in ERR on failure.
 */
sqlite3 *db_open_writer(const char *path, int sync_full, char *err,
    size_t errlen);
/*
 * Open a read-only connection for the web, xanetctl and reports. Fails if
 * the file is missing, foreign, or of a schema this build does not know.
 */
sqlite3 *db_open_reader(const char *path, char *err, size_t errlen);
void db_close(sqlite3 *db);
/* The schema version of an open database (PRAGMA user_version). */
int db_schema_version(sqlite3 *db);

#endif
