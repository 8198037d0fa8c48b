/* run.c - monitor_run rows: when the monitor itself was watching. */
#include <stdio.h>
#include <string.h>

#include "common/log.h"
#include "common/util.h"
#include "store/run.h"
#include "store/writer.h"

int64_t
run_start(struct writer *w, int64_t now_ms, const char *version,
    const char *config_hash)
{
	sqlite3_stmt *st;
	int64_t id;

	if (version == NULL || config_hash == NULL) {
		log_err("run_start: version and config hash are required");
		return -1;
	}
	/*
	 * A run still open belongs to a process that died without saying
	 * so. We know it was watching until its last heartbeat, no longer:
	 * coverage must not claim the time it was down.
	 */
	st =
	    writer_prepare(w, "UPDATE monitor_run SET stop_ms = last_alive_ms, "
			      "stop_reason = 'crash' WHERE stop_ms IS NULL");
	if (st == NULL || writer_step(w, st) == -1)
		goto fail;
	if (sqlite3_changes(writer_db(w)) > 0)
		log_warn("closed %d monitor run(s) left open by a crash",
		    sqlite3_changes(writer_db(w)));

	st = writer_prepare(w,
	    "INSERT INTO monitor_run (start_ms, last_alive_ms, version, "
	    "config_hash) VALUES (?1, ?1, ?2, ?3)");
	if (st == NULL)
		goto fail;
	sqlite3_bind_int64(st, 1, now_ms);
	sqlite3_bind_text(st, 2, version, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, config_hash, -1, SQLITE_TRANSIENT);
	if (writer_step(w, st) == -1)
		goto fail;
	id = sqlite3_last_insert_rowid(writer_db(w));
	/* The start of a run is evidence on its own: not left in a batch. */
	if (writer_commit(w) == -1)
		return -1;
	return id;

fail:
	/* Whatever part got queued goes with the next commit, or is lost. */
	log_err("cannot record the start of a monitor run");
	return -1;
}

int
run_alive(struct writer *w, int64_t id, int64_t now_ms)
{
	sqlite3_stmt *st;

	/*
	 * max(): a wall clock stepped back must not shorten a run that was
	 * already watched.
	 */
	st = writer_prepare(w,
	    "UPDATE monitor_run SET last_alive_ms = max(last_alive_ms, ?2) "
	    "WHERE id = ?1 AND stop_ms IS NULL");
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, now_ms);
	if (writer_step(w, st) == -1)
		return -1;
	if (sqlite3_changes(writer_db(w)) != 1) {
		log_err("monitor run %lld is not open", (long long)id);
		return -1;
	}
	return 0;
}

int
run_stop(struct writer *w, int64_t id, int64_t now_ms, const char *reason)
{
	sqlite3_stmt *st;

	st = writer_prepare(w,
	    "UPDATE monitor_run SET stop_ms = ?2, stop_reason = ?3, "
	    "last_alive_ms = max(last_alive_ms, ?2) "
	    "WHERE id = ?1 AND stop_ms IS NULL");
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, now_ms);
	sqlite3_bind_text(
	    st, 3, reason != NULL ? reason : "stop", -1, SQLITE_TRANSIENT);
	if (writer_step(w, st) == -1)
		return -1;
	if (sqlite3_changes(writer_db(w)) != 1) {
		log_err("monitor run %lld is not open", (long long)id);
		return -1;
	}
	return writer_commit(w);
}

static void
run_copy_text(sqlite3_stmt *st, int col, char *dst, size_t size)
{
	const unsigned char *t = sqlite3_column_text(st, col);

	str_copy(dst, t != NULL ? (const char *)t : "", size);
}

int
run_last(sqlite3 *db, struct run_info *ri)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(db,
		"SELECT id, start_ms, last_alive_ms, ifnull(stop_ms, -1), "
		"stop_reason, version, config_hash FROM monitor_run "
		"ORDER BY id DESC LIMIT 1",
		-1, &st, NULL) != SQLITE_OK) {
		log_err("cannot read monitor runs: %s", sqlite3_errmsg(db));
		return -1;
	}
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		memset(ri, 0, sizeof *ri);
		ri->id = sqlite3_column_int64(st, 0);
		ri->start_ms = sqlite3_column_int64(st, 1);
		ri->last_alive_ms = sqlite3_column_int64(st, 2);
		ri->stop_ms = sqlite3_column_int64(st, 3);
		run_copy_text(st, 4, ri->stop_reason, sizeof ri->stop_reason);
		run_copy_text(st, 5, ri->version, sizeof ri->version);
		run_copy_text(st, 6, ri->config_hash, sizeof ri->config_hash);
	} else if (rc != SQLITE_DONE)
		log_err("cannot read monitor runs: %s", sqlite3_errmsg(db));
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return 0;
	return rc == SQLITE_DONE ? 1 : -1;
}
