/*
 * chain.c - hash chains over evidence rows: their canonical text, the
 * hash of a new row, and the walk that verifies a table.
 *
 * Each chained table has its own chain, in id order (the order the one
 * writer appended the rows): hash = SHA-256(prev_hash || text), where
 * prev_hash is the previous row's hash (32 zero bytes for the first row)
 * and text is the row's canonical text, UTF-8, no terminator:
 *
 *   state_interval  DEVICE_KEY|STATE|START_MS|CAUSE
 *   alert           TS_MS|SEVERITY|EVENT|DEVICE_KEY|DETAILS
 *   snapshot        UID|KIND|FROM_MS|TO_MS|CREATED_MS|SIZE|SHA256|
 *                   MANIFEST_SHA256 (one line; the pack's path is not
 *                   hashed: packs may be moved or pruned)
 *
 * Numbers are decimal; a NULL (no cause, no device for a monitor alert)
 * is the empty string. The device is named by its key, which is stable
 * across databases and readable by whoever checks a printed chain, not by
 * its row id. Device keys and the other fields before the last one never
 * contain '|' (keys are letters, digits, '.', '_', '-'), so the text
 * reads back one way. Fields written after the row is appended (an
 * interval's end, an alert's acknowledgement) are not hashed; continuity
 * covers interval ends.
 */
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/util.h"
#include "store/chain.h"
#include "store/writer.h"

static const unsigned char chain_zero[CHAIN_HASH_LEN];

void
chain_hash(const unsigned char prev[CHAIN_HASH_LEN], const char *text,
    unsigned char out[CHAIN_HASH_LEN])
{
	crypto_hash_sha256_state st;

	/*
	 * No sodium_init() needed: SHA-256 has a single portable
	 * implementation and reads no random source.
	 */
	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, prev, CHAIN_HASH_LEN);
	crypto_hash_sha256_update(
	    &st, (const unsigned char *)text, strlen(text));
	crypto_hash_sha256_final(&st, out);
}

static const char *
chain_str(const char *s)
{
	return s != NULL ? s : "";
}

char *
chain_interval_text(const char *device_key, const char *state, int64_t start_ms,
    const char *cause)
{
	return xasprintf("%s|%s|%" PRId64 "|%s", chain_str(device_key),
	    chain_str(state), start_ms, chain_str(cause));
}

char *
chain_alert_text(int64_t ts_ms, const char *severity, const char *event,
    const char *device_key, const char *details)
{
	return xasprintf("%" PRId64 "|%s|%s|%s|%s", ts_ms, chain_str(severity),
	    chain_str(event), chain_str(device_key), chain_str(details));
}

char *
chain_snapshot_text(const char *uid, const char *kind, int64_t from_ms,
    int64_t to_ms, int64_t created_ms, int64_t size, const char *sha256,
    const char *manifest_sha256)
{
	return xasprintf("%s|%s|%" PRId64 "|%" PRId64 "|%" PRId64 "|%" PRId64
			 "|%s|%s",
	    chain_str(uid), chain_str(kind), from_ms, to_ms, created_ms, size,
	    chain_str(sha256), chain_str(manifest_sha256));
}

/*
 * Per chained table: the statements, fixed strings (table names are never
 * formatted into SQL).
 */
struct chain_table {
	const char *name;
	const char *last_sql;
	const char *walk_sql;
};

static const struct chain_table chain_tables[] = {
    {
	"state_interval",
	"SELECT hash FROM state_interval ORDER BY id DESC LIMIT 1",
	"SELECT s.id, s.prev_hash, s.hash, d.key, s.state, s.start_ms, "
	"s.cause FROM state_interval s LEFT JOIN device d "
	"ON d.id = s.device_id ORDER BY s.id",
    },
    {
	"alert",
	"SELECT hash FROM alert ORDER BY id DESC LIMIT 1",
	"SELECT a.id, a.prev_hash, a.hash, a.ts_ms, a.severity, a.event, "
	"d.key, a.details FROM alert a LEFT JOIN device d "
	"ON d.id = a.device_id ORDER BY a.id",
    },
    {
	"snapshot",
	"SELECT hash FROM snapshot ORDER BY id DESC LIMIT 1",
	"SELECT id, prev_hash, hash, uid, kind, period_from_ms, "
	"period_to_ms, created_ms, size, sha256, manifest_sha256 "
	"FROM snapshot ORDER BY id",
    },
};

static const struct chain_table *
chain_table_find(const char *table)
{
	for (size_t i = 0; i < sizeof chain_tables / sizeof chain_tables[0];
	     i++)
		if (strcmp(chain_tables[i].name, table) == 0)
			return &chain_tables[i];
	return NULL;
}

int
chain_last(
    struct writer *w, const char *table, unsigned char out[CHAIN_HASH_LEN])
{
	const struct chain_table *t = chain_table_find(table);
	sqlite3_stmt *st;
	int rc, ret = -1;

	if (t == NULL) {
		log_err("chain_last: %s is not a chained table", table);
		return -1;
	}
	/* One indexed step back from the end: cheaper than keeping state. */
	st = writer_prepare(w, t->last_sql);
	if (st == NULL)
		return -1;
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		memcpy(out, chain_zero, CHAIN_HASH_LEN);
		ret = 0;
	} else if (rc == SQLITE_ROW &&
		   sqlite3_column_bytes(st, 0) == CHAIN_HASH_LEN) {
		memcpy(out, sqlite3_column_blob(st, 0), CHAIN_HASH_LEN);
		ret = 0;
	} else if (rc == SQLITE_ROW)
		log_err("the last row of %s has no valid hash", table);
	else
		log_err("cannot read the last hash of %s: %s", table,
		    sqlite3_errmsg(writer_db(w)));
	sqlite3_reset(st);
	return ret;
}

/* Column COL as a hash, or NULL if it is not one (then it cannot match). */
static const unsigned char *
chain_column_hash(sqlite3_stmt *st, int col)
{
	const void *p = sqlite3_column_blob(st, col);

	if (p == NULL || sqlite3_column_bytes(st, col) != CHAIN_HASH_LEN)
		return NULL;
	return p;
}

static char *
chain_row_text(const struct chain_table *t, sqlite3_stmt *st)
{
#define COL(i) ((const char *)sqlite3_column_text(st, (i)))
	if (t == &chain_tables[0])
		return chain_interval_text(
		    COL(3), COL(4), sqlite3_column_int64(st, 5), COL(6));
	if (strcmp(t->name, "snapshot") == 0)
		return chain_snapshot_text(COL(3), COL(4),
		    sqlite3_column_int64(st, 5), sqlite3_column_int64(st, 6),
		    sqlite3_column_int64(st, 7), sqlite3_column_int64(st, 8),
		    COL(9), COL(10));
	return chain_alert_text(
	    sqlite3_column_int64(st, 3), COL(4), COL(5), COL(6), COL(7));
#undef COL
}

/*
 * Walk the links. 0 whole, 1 broken (*BAD_ID, ERR), -1 database error.
 */
static int
chain_walk(sqlite3 *db, const struct chain_table *t, int64_t *bad_id, char *err,
    size_t errlen)
{
	unsigned char expect[CHAIN_HASH_LEN], calc[CHAIN_HASH_LEN];
	const unsigned char *prev, *hash;
	int64_t id, last_id = 0;
	sqlite3_stmt *st;
	int rc, ret = 0;
	char *text;

	if (sqlite3_prepare_v2(db, t->walk_sql, -1, &st, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "cannot read %s: %s", t->name,
		    sqlite3_errmsg(db));
		return -1;
	}
	memcpy(expect, chain_zero, CHAIN_HASH_LEN);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		id = sqlite3_column_int64(st, 0);
		prev = chain_column_hash(st, 1);
		hash = chain_column_hash(st, 2);
		text = chain_row_text(t, st);
		if (prev != NULL)
			chain_hash(prev, text, calc);
		free(text);
		if (prev == NULL || hash == NULL ||
		    memcmp(calc, hash, CHAIN_HASH_LEN) != 0) {
			*bad_id = id;
			snprintf(err, errlen, "%s %" PRId64 ": hash mismatch",
			    t->name, id);
			ret = 1;
			break;
		}
		if (memcmp(prev, expect, CHAIN_HASH_LEN) != 0) {
			*bad_id = id;
			/* Ids only grow: a gap is where rows were taken out. */
			if (id > last_id + 1 && last_id == 0)
				snprintf(err, errlen,
				    "%s %" PRId64 ": prev_hash does not match "
				    "the previous row (it is the first row; "
				    "rows 1 to %" PRId64 " are missing)",
				    t->name, id, id - 1);
			else if (id > last_id + 1)
				snprintf(err, errlen,
				    "%s %" PRId64 ": prev_hash does not match "
				    "the previous row (%" PRId64 "; rows "
				    "%" PRId64 " to %" PRId64 " are missing)",
				    t->name, id, last_id, last_id + 1, id - 1);
			else if (last_id == 0)
				snprintf(err, errlen,
				    "%s %" PRId64 ": prev_hash does not match "
				    "the previous row (it is the first row, "
				    "whose prev_hash is zero)",
				    t->name, id);
			else
				snprintf(err, errlen,
				    "%s %" PRId64 ": prev_hash does not match "
				    "the previous row (%" PRId64 ")",
				    t->name, id, last_id);
			ret = 1;
			break;
		}
		memcpy(expect, hash, CHAIN_HASH_LEN);
		last_id = id;
	}
	if (ret == 0 && rc != SQLITE_DONE) {
		snprintf(err, errlen, "cannot read %s: %s", t->name,
		    sqlite3_errmsg(db));
		ret = -1;
	}
	sqlite3_finalize(st);
	return ret;
}

/*
 * Each device's intervals, in the order they were written, must follow
 * one another with no gap and no overlap. The lowest offending interval
 * is reported, so the walk goes to the end.
 */
static int
chain_continuity(sqlite3 *db, int64_t *bad_id, char *err, size_t errlen)
{
	int64_t dev, id, start, end = 0, pdev = 0, pid = -1, pend = 0;
	int open, popen = 0, rc;
	sqlite3_stmt *st;
	int64_t worst = INT64_MAX;

	if (sqlite3_prepare_v2(db,
		"SELECT device_id, id, start_ms, end_ms IS NULL, end_ms "
		"FROM state_interval ORDER BY device_id, id",
		-1, &st, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "cannot read state_interval: %s",
		    sqlite3_errmsg(db));
		return -1;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		dev = sqlite3_column_int64(st, 0);
		id = sqlite3_column_int64(st, 1);
		start = sqlite3_column_int64(st, 2);
		open = sqlite3_column_int(st, 3);
		end = sqlite3_column_int64(st, 4);
		if (pid != -1 && dev == pdev && pid < worst) {
			if (popen) {
				worst = pid;
				snprintf(err, errlen,
				    "state_interval %" PRId64 ": still open, "
				    "but the device's next interval (%" PRId64
				    ") starts at %" PRId64,
				    pid, id, start);
			} else if (pend != start) {
				worst = pid;
				snprintf(err, errlen,
				    "state_interval %" PRId64 ": ends at "
				    "%" PRId64 ", but the device's next "
				    "interval (%" PRId64 ") starts at %" PRId64,
				    pid, pend, id, start);
			}
		}
		pdev = dev;
		pid = id;
		popen = open;
		pend = end;
	}
	if (rc != SQLITE_DONE) {
		snprintf(err, errlen, "cannot read state_interval: %s",
		    sqlite3_errmsg(db));
		sqlite3_finalize(st);
		return -1;
	}
	sqlite3_finalize(st);
	if (worst == INT64_MAX)
		return 0;
	*bad_id = worst;
	return 1;
}

int
chain_verify(
    sqlite3 *db, const char *table, int64_t *bad_id, char *err, size_t errlen)
{
	const struct chain_table *t = chain_table_find(table);
	int rc;

	if (t == NULL) {
		snprintf(err, errlen, "%s is not a hash-chained table", table);
		return -1;
	}
	/*
	 * One read transaction, so that both walks see the same rows while
	 * the writer goes on appending. A savepoint nests inside a caller's
	 * transaction, and needs no write on a read-only connection.
	 */
	if (sqlite3_exec(db, "SAVEPOINT chain_verify", NULL, NULL, NULL) !=
	    SQLITE_OK) {
		snprintf(err, errlen, "cannot read %s: %s", table,
		    sqlite3_errmsg(db));
		return -1;
	}
	rc = chain_walk(db, t, bad_id, err, errlen);
	if (rc == 0 && t == &chain_tables[0])
		rc = chain_continuity(db, bad_id, err, errlen);
	sqlite3_exec(db, "RELEASE chain_verify", NULL, NULL, NULL);
	return rc;
}
