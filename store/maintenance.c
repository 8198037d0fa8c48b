/* maintenance.c - maintenance windows started by hand, kept across restarts. */
#include <inttypes.h>
#include <string.h>

#include "common/log.h"
#include "common/xtime.h"
#include "common/util.h"
#include "store/maintenance.h"
#include "store/writer.h"

int64_t
maint_store_start(struct writer *w, int64_t device_id, int64_t start_ms,
    int64_t end_ms, const char *reason)
{
	sqlite3_stmt *st;

	if (end_ms < start_ms) {
		log_err("maintenance of device %" PRId64 ": it ends (%" PRId64
			") before it starts (%" PRId64 ")",
		    device_id, end_ms, start_ms);
		return -1;
	}
	st = writer_prepare(w,
	    "INSERT INTO maintenance (device_id, start_ms, end_ms, reason, "
	    "created_ms) VALUES (?1, ?2, ?3, ?4, ?5)");
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, device_id);
	sqlite3_bind_int64(st, 2, start_ms);
	sqlite3_bind_int64(st, 3, end_ms);
	if (reason != NULL)
		sqlite3_bind_text(st, 4, reason, -1, SQLITE_TRANSIENT);
	/* When it was asked for, which may differ from when it starts. */
	sqlite3_bind_int64(st, 5, time_wall_ms());
	if (writer_step(w, st) == -1) {
		log_err(
		    "cannot record maintenance of device %" PRId64, device_id);
		return -1;
	}
	return sqlite3_last_insert_rowid(writer_db(w));
}

int
maint_store_stop(struct writer *w, int64_t device_id, int64_t now_ms)
{
	sqlite3_stmt *st;

	st = writer_prepare(w,
	    "UPDATE maintenance SET end_ms = ?2 WHERE device_id = ?1 "
	    "AND start_ms <= ?2 AND end_ms > ?2");
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, device_id);
	sqlite3_bind_int64(st, 2, now_ms);
	if (writer_step(w, st) == -1) {
		log_err("cannot end maintenance of device %" PRId64, device_id);
		return -1;
	}
	return sqlite3_changes(writer_db(w));
}

int
maint_store_each(sqlite3 *db, int64_t now_ms,
    int (*fn)(const struct maint_row *m, void *arg), void *arg)
{
	struct maint_row m;
	sqlite3_stmt *st;
	int rc, n = 0;

	if (sqlite3_prepare_v2(db,
		"SELECT m.id, d.key, m.start_ms, m.end_ms, m.reason "
		"FROM maintenance m JOIN device d ON d.id = m.device_id "
		"WHERE m.end_ms > ?1 ORDER BY m.start_ms, m.id",
		-1, &st, NULL) != SQLITE_OK) {
		log_err(
		    "cannot read maintenance windows: %s", sqlite3_errmsg(db));
		return -1;
	}
	sqlite3_bind_int64(st, 1, now_ms);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		m.id = sqlite3_column_int64(st, 0);
		str_copy_utf8(m.device_key,
		    (const char *)sqlite3_column_text(st, 1),
		    sizeof m.device_key);
		m.start_ms = sqlite3_column_int64(st, 2);
		m.end_ms = sqlite3_column_int64(st, 3);
		str_copy_utf8(m.reason,
		    (const char *)sqlite3_column_text(st, 4), sizeof m.reason);
		n++;
		if (fn(&m, arg) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	if (rc != SQLITE_DONE) {
		log_err(
		    "cannot read maintenance windows: %s", sqlite3_errmsg(db));
		n = -1;
	}
	sqlite3_finalize(st);
	return n;
}
