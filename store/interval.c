/* interval.c - state_interval rows: written by the writer, read by anyone. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/util.h"
#include "evidence/uptime.h"
#include "store/chain.h"
#include "store/interval.h"
#include "store/writer.h"

/* Why an interval was opened with no state known: see interval_fill. */
#define INTERVAL_CAUSE_GAP         "monitor-stopped"
#define INTERVAL_CAUSE_NOT_WATCHED "not-watched"

static void
interval_bind_text(sqlite3_stmt *st, int col, const char *s)
{
	if (s == NULL)
		sqlite3_bind_null(st, col);
	else
		sqlite3_bind_text(st, col, s, -1, SQLITE_TRANSIENT);
}

/* The device's key (for the hash) and when it was added. 0 or -1. */
static int
interval_device(struct writer *w, int64_t device_id, char *key, size_t keylen,
    int64_t *added_ms)
{
	sqlite3_stmt *st;
	int rc;

	st =
	    writer_prepare(w, "SELECT key, added_ms FROM device WHERE id = ?1");
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, device_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const unsigned char *k = sqlite3_column_text(st, 0);

		str_copy(key, k != NULL ? (const char *)k : "", keylen);
		*added_ms = sqlite3_column_int64(st, 1);
	} else if (rc == SQLITE_DONE)
		log_err(
		    "state interval: no device with id %" PRId64, device_id);
	else
		log_err("state interval: cannot read device %" PRId64 ": %s",
		    device_id, sqlite3_errmsg(writer_db(w)));
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : -1;
}

/*
 * Append an interval to the chain, from START_MS to END_MS (-1: open).
 * The chain is ordered by id, so the previous hash is the last row's.
 */
static int
interval_insert(struct writer *w, int64_t device_id, const char *key,
    enum dev_state state, int64_t start_ms, int64_t end_ms, const char *cause)
{
	unsigned char prev[CHAIN_HASH_LEN], hash[CHAIN_HASH_LEN];
	const char *name = dev_state_name(state);
	sqlite3_stmt *st;
	char *text;

	if (chain_last(w, "state_interval", prev) == -1)
		return -1;
	text = chain_interval_text(key, name, start_ms, cause);
	chain_hash(prev, text, hash);
	free(text);

	st = writer_prepare(w,
	    "INSERT INTO state_interval (device_id, state, start_ms, end_ms, "
	    "cause, prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, device_id);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, start_ms);
	if (end_ms >= 0)
		sqlite3_bind_int64(st, 4, end_ms);
	else
		sqlite3_bind_null(st, 4);
	interval_bind_text(st, 5, cause);
	sqlite3_bind_blob(st, 6, prev, CHAIN_HASH_LEN, SQLITE_TRANSIENT);
	sqlite3_bind_blob(st, 7, hash, CHAIN_HASH_LEN, SQLITE_TRANSIENT);
	return writer_step(w, st);
}

/*
 * Where DEVICE_ID's next interval may start, given AT_MS: not before its
 * open interval's start, which is then closed there; with none open, not
 * before the end of its last one. A device with no open interval but a
 * history (its last one closed by a stop or a gap, then retired and
 * configured again) gets an `unknown` interval over the time nobody
 * watched it, so that its intervals stay contiguous and chain_verify
 * can hold every interval's end to the next one's start.
 */
static int
interval_fill(
    struct writer *w, int64_t device_id, const char *key, int64_t *at_ms)
{
	sqlite3_stmt *st;
	int64_t id, start, last_end;
	int rc;

	st = writer_prepare(w, "SELECT id, start_ms FROM state_interval "
			       "WHERE device_id = ?1 AND end_ms IS NULL");
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, device_id);
	rc = sqlite3_step(st);
	id = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	start = rc == SQLITE_ROW ? sqlite3_column_int64(st, 1) : 0;
	sqlite3_reset(st);
	if (rc == SQLITE_ROW) {
		/*
		 * A back-dated transition (an outage starts at its first
		 * failed probe) may reach before the open interval began,
		 * e.g. before the restart that opened it: intervals must not
		 * overlap, so the open one shrinks to nothing at most.
		 */
		if (*at_ms < start)
			*at_ms = start;
		st = writer_prepare(
		    w, "UPDATE state_interval SET end_ms = ?2 WHERE id = ?1");
		if (st == NULL)
			return -1;
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, *at_ms);
		return writer_step(w, st);
	}
	if (rc != SQLITE_DONE)
		goto fail;

	st = writer_prepare(w,
	    "SELECT end_ms FROM state_interval WHERE device_id = ?1 "
	    "ORDER BY start_ms DESC, id DESC LIMIT 1");
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, device_id);
	rc = sqlite3_step(st);
	last_end = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return 0; /* the device's first interval */
	if (rc != SQLITE_ROW)
		goto fail;
	if (*at_ms <= last_end) {
		*at_ms = last_end;
		return 0;
	}
	return interval_insert(w, device_id, key, DEV_UNKNOWN, last_end, *at_ms,
	    INTERVAL_CAUSE_NOT_WATCHED);

fail:
	log_err("state interval: cannot read device %" PRId64 "'s intervals: "
		"%s",
	    device_id, sqlite3_errmsg(writer_db(w)));
	return -1;
}

static int
interval_open(struct writer *w, int64_t device_id, enum dev_state state,
    int64_t at_ms, const char *cause)
{
	char key[64];
	int64_t added_ms;

	if ((unsigned)state >= DEV_NSTATES) {
		log_err("state interval: device %" PRId64 ": no state %d",
		    device_id, (int)state);
		return -1;
	}
	if (interval_device(w, device_id, key, sizeof key, &added_ms) == -1)
		return -1;
	/* A device has no state from before it was configured. */
	if (at_ms < added_ms)
		at_ms = added_ms;
	if (interval_fill(w, device_id, key, &at_ms) == -1)
		return -1;
	return interval_insert(w, device_id, key, state, at_ms, -1, cause);
}

int
interval_transition(struct writer *w, int64_t device_id, enum dev_state state,
    int64_t at_ms, const char *cause)
{
	if (interval_open(w, device_id, state, at_ms, cause) == -1) {
		log_err("cannot record device %" PRId64 " becoming %s",
		    device_id, dev_state_name(state));
		return -1;
	}
	return 0;
}

/* Close every open interval at AT_MS, or at its start if that is later. */
static int
interval_close_open(struct writer *w, int64_t at_ms)
{
	sqlite3_stmt *st;

	st = writer_prepare(w,
	    "UPDATE state_interval SET end_ms = max(start_ms, ?1) "
	    "WHERE end_ms IS NULL");
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, at_ms);
	return writer_step(w, st);
}

int
interval_open_gap(struct writer *w, int64_t gap_start_ms)
{
	int64_t *ids = NULL;
	size_t n = 0, cap = 0;
	sqlite3_stmt *st;
	int rc, ret = -1;

	/* Retired devices too: nobody watched them after the gap either. */
	if (interval_close_open(w, gap_start_ms) == -1)
		goto out;
	/* Ids first: the device table is not read while rows are added. */
	st = writer_prepare(
	    w, "SELECT id FROM device WHERE retired_ms IS NULL ORDER BY id");
	if (st == NULL)
		goto out;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			ids = xreallocarray(ids, cap, sizeof *ids);
		}
		ids[n++] = sqlite3_column_int64(st, 0);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		log_err(
		    "cannot read devices: %s", sqlite3_errmsg(writer_db(w)));
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		if (interval_open(w, ids[i], DEV_UNKNOWN, gap_start_ms,
			INTERVAL_CAUSE_GAP) == -1)
			goto out;
	ret = 0;
out:
	if (ret == -1)
		log_err("cannot record the time the monitor was stopped");
	free(ids);
	return ret;
}

int
interval_close_all(struct writer *w, int64_t at_ms)
{
	if (interval_close_open(w, at_ms) == -1) {
		log_err("cannot close the open state intervals");
		return -1;
	}
	return 0;
}

int
interval_load(sqlite3 *db, int64_t device_id, int64_t from_ms, int64_t to_ms,
    struct interval **out, size_t *n)
{
	struct interval *iv = NULL;
	size_t len = 0, cap = 0;
	sqlite3_stmt *st;
	int rc;

	*out = NULL;
	*n = 0;
	if (sqlite3_prepare_v2(db,
		/*
		 * A device's intervals follow one another without overlap:
		 * none starts before the last one starting at or before
		 * FROM, so the index range starts there rather than at the
		 * device's first interval (a year of history: 81 -> 18 ms
		 * for 1,000 devices).
		 */
		"SELECT start_ms, ifnull(end_ms, ?4), state, cause "
		"FROM state_interval WHERE device_id = ?1 AND start_ms < ?3 "
		"AND start_ms >= ifnull((SELECT max(start_ms) FROM "
		"state_interval WHERE device_id = ?1 AND start_ms <= ?2), ?2) "
		"AND (end_ms IS NULL OR end_ms > ?2) ORDER BY start_ms, id",
		-1, &st, NULL) != SQLITE_OK) {
		log_err("cannot read state intervals: %s", sqlite3_errmsg(db));
		return -1;
	}
	sqlite3_bind_int64(st, 1, device_id);
	sqlite3_bind_int64(st, 2, from_ms);
	sqlite3_bind_int64(st, 3, to_ms);
	sqlite3_bind_int64(st, 4, INT64_MAX);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *state = (const char *)sqlite3_column_text(st, 2);
		const unsigned char *cause = sqlite3_column_text(st, 3);

		if (len == cap) {
			cap = cap ? cap * 2 : 16;
			iv = xreallocarray(iv, cap, sizeof *iv);
		}
		memset(&iv[len], 0, sizeof iv[len]);
		iv[len].start_ms = sqlite3_column_int64(st, 0);
		iv[len].end_ms = sqlite3_column_int64(st, 1);
		if (state == NULL ||
		    dev_state_parse(state, &iv[len].state) == -1) {
			log_err("state interval of device %" PRId64
				" has no valid state",
			    device_id);
			rc = SQLITE_ERROR;
			break;
		}
		str_copy(iv[len].cause,
		    cause != NULL ? (const char *)cause : "",
		    sizeof iv[len].cause);
		len++;
	}
	if (rc != SQLITE_DONE) {
		if (rc != SQLITE_ERROR)
			log_err("cannot read state intervals: %s",
			    sqlite3_errmsg(db));
		sqlite3_finalize(st);
		free(iv);
		return -1;
	}
	sqlite3_finalize(st);
	*out = iv;
	*n = len;
	return 0;
}

int
interval_load_until(sqlite3 *db, int64_t device_id, int64_t from_ms,
    int64_t to_ms, int64_t until_ms, struct interval **out, size_t *n,
    bool *open)
{
	if (interval_load(db, device_id, from_ms, to_ms, out, n) == -1)
		return -1;
	if (open != NULL)
		*open = false;
	for (size_t i = 0; i < *n; i++) {
		struct interval *v = &(*out)[i];

		if (v->end_ms != INT64_MAX)
			continue;
		v->end_ms = until_ms > v->start_ms ? until_ms : v->start_ms;
		if (open != NULL)
			*open = true;
	}
	return 0;
}

int
interval_current(sqlite3 *db, int64_t device_id, enum dev_state *state,
    int64_t *since_ms, char *cause, size_t causelen)
{
	sqlite3_stmt *st;
	int rc, ret = -1;

	if (sqlite3_prepare_v2(db,
		"SELECT state, start_ms, cause FROM state_interval "
		"WHERE device_id = ?1 AND end_ms IS NULL",
		-1, &st, NULL) != SQLITE_OK) {
		log_err("cannot read state intervals: %s", sqlite3_errmsg(db));
		return -1;
	}
	sqlite3_bind_int64(st, 1, device_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const char *s = (const char *)sqlite3_column_text(st, 0);
		const unsigned char *c = sqlite3_column_text(st, 2);

		if (s == NULL || dev_state_parse(s, state) == -1)
			log_err("state interval of device %" PRId64
				" has no valid state",
			    device_id);
		else {
			*since_ms = sqlite3_column_int64(st, 1);
			if (cause != NULL && causelen > 0)
				str_copy(cause,
				    c != NULL ? (const char *)c : "", causelen);
			ret = 0;
		}
	} else if (rc == SQLITE_DONE)
		ret = 1;
	else
		log_err("cannot read state intervals: %s", sqlite3_errmsg(db));
	sqlite3_finalize(st);
	return ret;
}
