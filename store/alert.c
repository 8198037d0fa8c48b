/* alert.c - alert rows: appended to their hash chain, read back in order. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/util.h"
#include "store/alert.h"
#include "store/chain.h"
#include "store/writer.h"

/* DEVICE_ID's key into KEY; 0 or -1 (no such device). */
static int
alert_device_key(struct writer *w, int64_t device_id, char *key, size_t len)
{
	sqlite3_stmt *st;
	int rc;

	st = writer_prepare(w, "SELECT key FROM device WHERE id = ?1");
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, device_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		str_copy_utf8(
		    key, (const char *)sqlite3_column_text(st, 0), len);
	else if (rc == SQLITE_DONE)
		log_err("alert: no device with id %" PRId64, device_id);
	else
		log_err("alert: cannot read device %" PRId64 ": %s", device_id,
		    sqlite3_errmsg(writer_db(w)));
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : -1;
}

int64_t
alert_add(struct writer *w, int64_t ts_ms, const char *severity,
    const char *event, int64_t device_id, const char *details)
{
	unsigned char prev[CHAIN_HASH_LEN], hash[CHAIN_HASH_LEN];
	char key[64] = "";
	sqlite3_stmt *st;
	char *text;

	if (severity == NULL || event == NULL) {
		log_err("alert_add: severity and event are required");
		return -1;
	}
	if (details == NULL)
		details = "";
	if (device_id >= 0 &&
	    alert_device_key(w, device_id, key, sizeof key) == -1)
		goto fail;
	if (chain_last(w, "alert", prev) == -1)
		goto fail;
	text = chain_alert_text(ts_ms, severity, event, key, details);
	chain_hash(prev, text, hash);
	free(text);

	st = writer_prepare(w,
	    "INSERT INTO alert (ts_ms, severity, event, device_id, details, "
	    "prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
	if (st == NULL)
		goto fail;
	sqlite3_bind_int64(st, 1, ts_ms);
	sqlite3_bind_text(st, 2, severity, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, event, -1, SQLITE_TRANSIENT);
	if (device_id >= 0)
		sqlite3_bind_int64(st, 4, device_id);
	else
		sqlite3_bind_null(st, 4);
	sqlite3_bind_text(st, 5, details, -1, SQLITE_TRANSIENT);
	sqlite3_bind_blob(st, 6, prev, CHAIN_HASH_LEN, SQLITE_TRANSIENT);
	sqlite3_bind_blob(st, 7, hash, CHAIN_HASH_LEN, SQLITE_TRANSIENT);
	if (writer_step(w, st) == -1)
		goto fail;
	return sqlite3_last_insert_rowid(writer_db(w));

fail:
	log_err("cannot record alert %s", event);
	return -1;
}

/* What alert_each and alert_list read, in alert_rows' order. */
#define ALERT_COLUMNS                                                    \
	"a.id, a.ts_ms, a.severity, a.event, d.key, d.name, a.details, " \
	"ifnull(a.acked_ms, -1), ifnull(a.ack_note, '')"

/* Step ST (selecting ALERT_COLUMNS) through FN; finalizes it. */
static int
alert_rows(sqlite3 *db, sqlite3_stmt *st,
    int (*fn)(const struct alert_row *a, void *arg), void *arg)
{
	struct alert_row a;
	int rc, n = 0;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&a, 0, sizeof a);
		a.id = sqlite3_column_int64(st, 0);
		a.ts_ms = sqlite3_column_int64(st, 1);
		str_copy_utf8(a.severity,
		    (const char *)sqlite3_column_text(st, 2),
		    sizeof a.severity);
		str_copy_utf8(a.event, (const char *)sqlite3_column_text(st, 3),
		    sizeof a.event);
		str_copy_utf8(a.device_key,
		    (const char *)sqlite3_column_text(st, 4),
		    sizeof a.device_key);
		str_copy_utf8(a.device_name,
		    (const char *)sqlite3_column_text(st, 5),
		    sizeof a.device_name);
		str_copy_utf8(a.details,
		    (const char *)sqlite3_column_text(st, 6), sizeof a.details);
		a.acked_ms = sqlite3_column_int64(st, 7);
		str_copy_utf8(a.ack_note,
		    (const char *)sqlite3_column_text(st, 8),
		    sizeof a.ack_note);
		n++;
		if (fn(&a, arg) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	if (rc != SQLITE_DONE) {
		log_err("cannot read alerts: %s", sqlite3_errmsg(db));
		n = -1;
	}
	sqlite3_finalize(st);
	return n;
}

int
alert_each(sqlite3 *db, int64_t after_id, int64_t since_ms,
    const char *device_key, int limit,
    int (*fn)(const struct alert_row *a, void *arg), void *arg)
{
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(db,
		"SELECT " ALERT_COLUMNS " "
		"FROM alert a LEFT JOIN device d ON d.id = a.device_id "
		"WHERE a.id > ?1 AND a.ts_ms >= ?2 AND (?3 IS NULL OR "
		"a.device_id = (SELECT id FROM device WHERE key = ?3)) "
		"ORDER BY a.id LIMIT ?4",
		-1, &st, NULL) != SQLITE_OK) {
		log_err("cannot read alerts: %s", sqlite3_errmsg(db));
		return -1;
	}
	sqlite3_bind_int64(st, 1, after_id);
	sqlite3_bind_int64(st, 2, since_ms);
	if (device_key != NULL)
		sqlite3_bind_text(st, 3, device_key, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 4, limit > 0 ? limit : -1);
	return alert_rows(db, st, fn, arg);
}

int
alert_ack(struct writer *w, int64_t id, const char *note, int64_t now_ms)
{
	sqlite3_stmt *st;

	/* A second acknowledgement keeps the first: who saw it first. */
	st = writer_prepare(w, "UPDATE alert SET acked_ms = ?2, ack_note = ?3 "
			       "WHERE id = ?1 AND acked_ms IS NULL");
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, now_ms);
	sqlite3_bind_text(
	    st, 3, note != NULL ? note : "", -1, SQLITE_TRANSIENT);
	if (writer_step(w, st) == -1) {
		log_err("cannot acknowledge alert %" PRId64, id);
		return -1;
	}
	return sqlite3_changes(writer_db(w)) > 0 ? 1 : 0;
}

int
alert_list(sqlite3 *db, const struct alert_filter *f,
    int (*fn)(const struct alert_row *a, void *arg), void *arg)
{
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(db,
		"SELECT " ALERT_COLUMNS " "
		"FROM alert a LEFT JOIN device d ON d.id = a.device_id "
		"WHERE (?1 <= 0 OR a.id < ?1) AND (?2 IS NULL OR "
		"a.device_id = (SELECT id FROM device WHERE key = ?2)) "
		"AND (?3 IS NULL OR a.severity = ?3) "
		"AND (?4 = 0 OR a.acked_ms IS NULL) "
		"ORDER BY a.id DESC LIMIT ?5",
		-1, &st, NULL) != SQLITE_OK) {
		log_err("cannot read alerts: %s", sqlite3_errmsg(db));
		return -1;
	}
	sqlite3_bind_int64(st, 1, f->before_id);
	if (f->device_key != NULL)
		sqlite3_bind_text(st, 2, f->device_key, -1, SQLITE_TRANSIENT);
	if (f->severity != NULL)
		sqlite3_bind_text(st, 3, f->severity, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 4, f->unacked_only ? 1 : 0);
	sqlite3_bind_int(st, 5, f->limit > 0 ? f->limit : 100);
	return alert_rows(db, st, fn, arg);
}
