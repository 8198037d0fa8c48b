/* snapshot.c - snapshot rows (hash-chained) and the outbox of their deliveries. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "common/config.h"
#include "common/log.h"
#include "common/util.h"
#include "store/chain.h"
#include "store/snapshot.h"
#include "store/writer.h"

/* Every read of an item selects these columns, in this order. */
#define OUTBOX_COLUMNS                                                       \
	"o.id, o.snapshot_id, s.uid, s.kind, s.period_from_ms, "             \
	"s.period_to_ms, s.created_ms, s.path, s.size, s.sha256, o.target, " \
	"o.state, o.attempts, o.next_ms, ifnull(o.last_ms, -1), "            \
	"ifnull(o.last_status, 0), ifnull(o.last_error, ''), "               \
	"ifnull(o.sent_ms, -1) FROM outbox o JOIN snapshot s ON "            \
	"s.id = o.snapshot_id "

int
snapshot_kind_bit(const char *kind)
{
	if (kind == NULL)
		return 0;
	if (strcmp(kind, "daily") == 0)
		return SNAPSHOT_DAILY;
	if (strcmp(kind, "quarterly") == 0)
		return SNAPSHOT_QUARTERLY;
	if (strcmp(kind, "manual") == 0)
		return SNAPSHOT_MANUAL;
	return 0;
}

int64_t
snapshot_add(struct writer *w, const struct config *cfg,
    const struct snapshot_new *s, size_t *ntargets)
{
	unsigned char prev[CHAIN_HASH_LEN], hash[CHAIN_HASH_LEN];
	int bit = snapshot_kind_bit(s->kind);
	sqlite3_stmt *st;
	int64_t id;
	size_t n = 0;
	char *text;

	if (bit == 0) {
		log_err("snapshot_add: unknown kind %s", s->kind);
		return -1;
	}
	if (chain_last(w, "snapshot", prev) == -1)
		return -1;
	text = chain_snapshot_text(s->uid, s->kind, s->from_ms, s->to_ms,
	    s->created_ms, s->size, s->sha256, s->manifest_sha256);
	chain_hash(prev, text, hash);
	free(text);
	st = writer_prepare(w,
	    "INSERT INTO snapshot (uid, kind, period_from_ms, period_to_ms, "
	    "created_ms, path, size, sha256, manifest_sha256, prev_hash, "
	    "hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)");
	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, s->uid, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, s->kind, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 3, s->from_ms);
	sqlite3_bind_int64(st, 4, s->to_ms);
	sqlite3_bind_int64(st, 5, s->created_ms);
	sqlite3_bind_text(st, 6, s->path, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 7, s->size);
	sqlite3_bind_text(st, 8, s->sha256, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 9, s->manifest_sha256, -1, SQLITE_TRANSIENT);
	sqlite3_bind_blob(st, 10, prev, CHAIN_HASH_LEN, SQLITE_TRANSIENT);
	sqlite3_bind_blob(st, 11, hash, CHAIN_HASH_LEN, SQLITE_TRANSIENT);
	if (writer_step(w, st) == -1)
		return -1;
	id = sqlite3_last_insert_rowid(writer_db(w));
	for (size_t i = 0; i < cfg->npushes; i++) {
		if (!(cfg->pushes[i].kinds & bit))
			continue;
		st = writer_prepare(w,
		    "INSERT INTO outbox (snapshot_id, target, state, next_ms) "
		    "VALUES (?1, ?2, 'pending', ?3)");
		if (st == NULL)
			return -1;
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_text(
		    st, 2, cfg->pushes[i].key, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(st, 3, s->created_ms);
		if (writer_step(w, st) == -1)
			return -1;
		n++;
	}
	if (ntargets != NULL)
		*ntargets = n;
	return id;
}

int
snapshot_exists(sqlite3 *db, const char *kind, int64_t from_ms)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(db,
		"SELECT 1 FROM snapshot WHERE kind = ?1 AND "
		"period_from_ms = ?2 LIMIT 1",
		-1, &st, NULL) != SQLITE_OK) {
		log_err("cannot read snapshots: %s", sqlite3_errmsg(db));
		return -1;
	}
	sqlite3_bind_text(st, 1, kind, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, from_ms);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	log_err("cannot read snapshots: %s", sqlite3_errmsg(db));
	return -1;
}

static void
outbox_row(sqlite3_stmt *st, struct outbox_item *it)
{
#define COL(i) ((const char *)sqlite3_column_text(st, (i)))
	it->id = sqlite3_column_int64(st, 0);
	it->snapshot_id = sqlite3_column_int64(st, 1);
	str_copy_utf8(it->uid, COL(2), sizeof it->uid);
	str_copy_utf8(it->kind, COL(3), sizeof it->kind);
	it->from_ms = sqlite3_column_int64(st, 4);
	it->to_ms = sqlite3_column_int64(st, 5);
	it->created_ms = sqlite3_column_int64(st, 6);
	str_copy_utf8(it->path, COL(7), sizeof it->path);
	it->size = sqlite3_column_int64(st, 8);
	str_copy_utf8(it->sha256, COL(9), sizeof it->sha256);
	str_copy_utf8(it->target, COL(10), sizeof it->target);
	str_copy_utf8(it->state, COL(11), sizeof it->state);
	it->attempts = sqlite3_column_int(st, 12);
	it->next_ms = sqlite3_column_int64(st, 13);
	it->last_ms = sqlite3_column_int64(st, 14);
	it->last_status = sqlite3_column_int(st, 15);
	str_copy_utf8(it->last_error, COL(16), sizeof it->last_error);
	it->sent_ms = sqlite3_column_int64(st, 17);
#undef COL
}

int
outbox_due(
    struct writer *w, int64_t now_ms, struct outbox_item *items, size_t max)
{
	sqlite3_stmt *st;
	size_t n = 0;
	int rc;

	st = writer_prepare(w, "SELECT " OUTBOX_COLUMNS
			       "WHERE o.state = 'pending' AND o.next_ms <= ?1 "
			       "ORDER BY o.next_ms, o.id LIMIT ?2");
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, now_ms);
	sqlite3_bind_int64(st, 2, (int64_t)max);
	while (n < max && (rc = sqlite3_step(st)) == SQLITE_ROW)
		outbox_row(st, &items[n++]);
	if (n < max && rc != SQLITE_DONE) {
		log_err(
		    "cannot read the outbox: %s", sqlite3_errmsg(writer_db(w)));
		sqlite3_reset(st);
		return -1;
	}
	sqlite3_reset(st);
	return (int)n;
}

int
outbox_next_due(struct writer *w, int64_t *next_ms)
{
	sqlite3_stmt *st;
	int rc, ret;

	st = writer_prepare(w, "SELECT min(next_ms) FROM outbox WHERE "
			       "state = 'pending'");
	if (st == NULL)
		return -1;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
		*next_ms = sqlite3_column_int64(st, 0);
		ret = 0;
	} else
		ret = rc == SQLITE_ROW ? 1 : -1;
	sqlite3_reset(st);
	return ret;
}

/* Run a prepared update with ?1 = ID; -1 on error, else rows changed. */
static int
outbox_update(struct writer *w, sqlite3_stmt *st)
{
	if (writer_step(w, st) == -1)
		return -1;
	return sqlite3_changes(writer_db(w));
}

int
outbox_lease(struct writer *w, int64_t id, int64_t until_ms)
{
	sqlite3_stmt *st = writer_prepare(w,
	    "UPDATE outbox SET next_ms = ?2 WHERE id = ?1 AND "
	    "state = 'pending'");

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, until_ms);
	return outbox_update(w, st) < 0 ? -1 : 0;
}

int
outbox_sent(struct writer *w, int64_t id, int64_t now_ms, int status)
{
	sqlite3_stmt *st = writer_prepare(w,
	    "UPDATE outbox SET state = 'sent', attempts = attempts + 1, "
	    "last_ms = ?2, sent_ms = ?2, last_status = ?3, last_error = NULL "
	    "WHERE id = ?1");

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, now_ms);
	sqlite3_bind_int(st, 3, status);
	return outbox_update(w, st) < 0 ? -1 : 0;
}

int
outbox_failed(struct writer *w, int64_t id, int64_t now_ms, int status,
    const char *error, int64_t next_ms)
{
	sqlite3_stmt *st = writer_prepare(w,
	    "UPDATE outbox SET attempts = attempts + 1, last_ms = ?2, "
	    "last_status = ?3, last_error = ?4, next_ms = ?5 "
	    "WHERE id = ?1 AND state = 'pending'");

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, now_ms);
	if (status > 0)
		sqlite3_bind_int(st, 3, status);
	sqlite3_bind_text(st, 4, error, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 5, next_ms);
	return outbox_update(w, st) < 0 ? -1 : 0;
}

int
outbox_quarantine(
    struct writer *w, int64_t id, int64_t now_ms, int status, const char *error)
{
	sqlite3_stmt *st = writer_prepare(w,
	    "UPDATE outbox SET state = 'quarantined', attempts = attempts + 1, "
	    "last_ms = ?2, last_status = ?3, last_error = ?4 WHERE id = ?1");

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, now_ms);
	if (status > 0)
		sqlite3_bind_int(st, 3, status);
	sqlite3_bind_text(st, 4, error, -1, SQLITE_TRANSIENT);
	return outbox_update(w, st) < 0 ? -1 : 0;
}

int
outbox_retry(struct writer *w, int64_t id, int64_t now_ms)
{
	sqlite3_stmt *st = writer_prepare(w,
	    "UPDATE outbox SET state = 'pending', next_ms = ?2 WHERE id = ?1 "
	    "AND state IN ('pending', 'quarantined')");

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, now_ms);
	return outbox_update(w, st);
}

int
outbox_retry_all(struct writer *w, int64_t now_ms)
{
	sqlite3_stmt *st = writer_prepare(w,
	    "UPDATE outbox SET next_ms = ?1 WHERE state = 'pending' AND "
	    "next_ms > ?1");

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, now_ms);
	return outbox_update(w, st);
}

int64_t
outbox_pending_count(sqlite3 *db)
{
	sqlite3_stmt *st;
	int64_t n = -1;

	if (sqlite3_prepare_v2(db,
		"SELECT count(*) FROM outbox WHERE state = 'pending'", -1, &st,
		NULL) != SQLITE_OK) {
		log_err("cannot count the outbox: %s", sqlite3_errmsg(db));
		return -1;
	}
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	else
		log_err("cannot count the outbox: %s", sqlite3_errmsg(db));
	sqlite3_finalize(st);
	return n;
}

int
outbox_each(sqlite3 *db, int limit,
    int (*fn)(const struct outbox_item *it, void *arg), void *arg)
{
	struct outbox_item it;
	sqlite3_stmt *st;
	int rc, n = 0;

	if (sqlite3_prepare_v2(db,
		"SELECT " OUTBOX_COLUMNS "ORDER BY s.id DESC, o.id LIMIT ?1",
		-1, &st, NULL) != SQLITE_OK) {
		log_err("cannot read the outbox: %s", sqlite3_errmsg(db));
		return -1;
	}
	sqlite3_bind_int(st, 1, limit > 0 ? limit : -1);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		outbox_row(st, &it);
		n++;
		if (fn(&it, arg) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	if (rc != SQLITE_DONE) {
		log_err("cannot read the outbox: %s", sqlite3_errmsg(db));
		n = -1;
	}
	sqlite3_finalize(st);
	return n;
}

int
snapshot_prunable(sqlite3 *db, int64_t before_ms, int limit,
    void (*fn)(int64_t id, const char *path, void *arg), void *arg)
{
	sqlite3_stmt *st;
	int rc, n = 0;

	if (sqlite3_prepare_v2(db,
		"SELECT s.id, s.path FROM snapshot s WHERE s.created_ms < ?1 "
		"AND s.path <> '' AND NOT EXISTS (SELECT 1 FROM outbox o "
		"WHERE o.snapshot_id = s.id AND o.state <> 'sent') "
		"ORDER BY s.id LIMIT ?2",
		-1, &st, NULL) != SQLITE_OK) {
		log_err("cannot read snapshots: %s", sqlite3_errmsg(db));
		return -1;
	}
	sqlite3_bind_int64(st, 1, before_ms);
	sqlite3_bind_int(st, 2, limit);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		fn(sqlite3_column_int64(st, 0),
		    (const char *)sqlite3_column_text(st, 1), arg);
		n++;
	}
	if (rc != SQLITE_DONE) {
		log_err("cannot read snapshots: %s", sqlite3_errmsg(db));
		n = -1;
	}
	sqlite3_finalize(st);
	return n;
}

int
snapshot_pruned(struct writer *w, int64_t id)
{
	/* The path is not hashed: the chain stays whole. */
	sqlite3_stmt *st =
	    writer_prepare(w, "UPDATE snapshot SET path = '' WHERE id = ?1");

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	return writer_step(w, st);
}

int
snapshot_each(sqlite3 *db, int limit,
    int (*fn)(const struct snapshot_row *s, void *arg), void *arg)
{
	struct snapshot_row row;
	sqlite3_stmt *st;
	int rc, n = 0;

	if (sqlite3_prepare_v2(db,
		"SELECT id, uid, kind, period_from_ms, period_to_ms, "
		"created_ms, size, path = '' FROM snapshot ORDER BY id DESC "
		"LIMIT ?1",
		-1, &st, NULL) != SQLITE_OK) {
		log_err("cannot read the snapshots: %s", sqlite3_errmsg(db));
		return -1;
	}
	sqlite3_bind_int(st, 1, limit > 0 ? limit : 100);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&row, 0, sizeof row);
		row.id = sqlite3_column_int64(st, 0);
		str_copy(row.uid, (const char *)sqlite3_column_text(st, 1),
		    sizeof row.uid);
		str_copy(row.kind, (const char *)sqlite3_column_text(st, 2),
		    sizeof row.kind);
		row.from_ms = sqlite3_column_int64(st, 3);
		row.to_ms = sqlite3_column_int64(st, 4);
		row.created_ms = sqlite3_column_int64(st, 5);
		row.size = sqlite3_column_int64(st, 6);
		row.pruned = sqlite3_column_int(st, 7) != 0;
		n++;
		if (fn(&row, arg) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	if (rc != SQLITE_DONE) {
		log_err("cannot read the snapshots: %s", sqlite3_errmsg(db));
		n = -1;
	}
	sqlite3_finalize(st);
	return n;
}
