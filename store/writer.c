/* writer.c - the one writing connection: cached statements, batched commits. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/log.h"
#include "common/util.h"
#include "common/xtime.h"
#include "store/db.h"
#include "store/writer.h"

/* Statements are few (one per kind of write): a small open hash is plenty. */
#define WRITER_SLOTS_MIN 32

/* Disk full fails every batch: say so a few times a minute, not per second. */
#define WRITER_LOG_INTERVAL_MS 60000
#define WRITER_LOG_BURST       5

struct writer_slot {
	char *sql; /* NULL if the slot is free */
	uint32_t hash;
	sqlite3_stmt *stmt;
};

struct writer {
	sqlite3 *db;
	struct writer_slot *slots;
	size_t nslots; /* a power of two */
	size_t nused;
	sqlite3_stmt *begin;
	sqlite3_stmt *commit;
	sqlite3_stmt *rollback;

	bool in_batch;
	size_t pending;
	int64_t batch_started;
	/*
	 * Set when a write failed in a way that spoils the whole batch (disk
	 * full, I/O error, or SQLite rolled the transaction back itself).
	 * A batch is all or nothing: the rest of it is refused and the next
	 * commit rolls it back, so no half-written batch reaches the disk.
	 */
	bool doomed;
	size_t refused; /* writes refused since the batch was doomed */
	char doom_reason[256];

	struct writer_stats stats;
	struct ratelimit log_rl;
};

static int64_t
writer_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* FNV-1a: short keys, no adversary. */
static uint32_t
writer_hash(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= 16777619u;
	}
	return h;
}

static void writer_log(struct writer *w, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
writer_log(struct writer *w, const char *fmt, ...)
{
	char msg[768];
	uint64_t suppressed = 0;
	va_list ap;

	if (!ratelimit_allow(&w->log_rl, time_mono_ms(), &suppressed))
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (suppressed > 0)
		log_err("%s (%llu similar messages not logged)", msg,
		    (unsigned long long)suppressed);
	else
		log_err("%s", msg);
}

static sqlite3_stmt *
writer_prepare_raw(struct writer *w, const char *sql)
{
	sqlite3_stmt *st = NULL;

	/* PERSISTENT: these live as long as the daemon. */
	if (sqlite3_prepare_v3(w->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st,
		NULL) != SQLITE_OK) {
		writer_log(
		    w, "cannot prepare \"%s\": %s", sql, sqlite3_errmsg(w->db));
		return NULL;
	}
	return st;
}

struct writer *
writer_new(sqlite3 *db)
{
	struct writer *w;

	if (db == NULL)
		return NULL;
	w = xcalloc(1, sizeof *w);
	w->db = db;
	w->nslots = WRITER_SLOTS_MIN;
	w->slots = xcalloc(w->nslots, sizeof *w->slots);
	w->batch_started = -1;
	ratelimit_init(&w->log_rl, WRITER_LOG_INTERVAL_MS, WRITER_LOG_BURST);
	w->begin = writer_prepare_raw(w, "BEGIN IMMEDIATE");
	w->commit = writer_prepare_raw(w, "COMMIT");
	w->rollback = writer_prepare_raw(w, "ROLLBACK");
	if (w->begin == NULL || w->commit == NULL || w->rollback == NULL) {
		writer_free(w);
		return NULL;
	}
	return w;
}

/* Close the batch bookkeeping after a commit or a rollback. */
static void
writer_batch_reset(struct writer *w)
{
	w->in_batch = false;
	w->pending = 0;
	w->batch_started = -1;
	w->doomed = false;
	w->refused = 0;
	w->doom_reason[0] = '\0';
}

/* Roll the batch back (if SQLite has not already) and count it as lost. */
static int
writer_batch_lost(struct writer *w, const char *why)
{
	size_t lost = w->pending + w->refused;

	if (!sqlite3_get_autocommit(w->db)) {
		sqlite3_step(w->rollback);
		sqlite3_reset(w->rollback);
	}
	w->stats.failed_commits++;
	w->stats.rows_lost += lost;
	writer_log(w,
	    "database write failed, batch of %zu rows rolled back: %s", lost,
	    why);
	writer_batch_reset(w);
	return -1;
}

void
writer_free(struct writer *w)
{
	if (w == NULL)
		return;
	if (w->in_batch)
		writer_commit(w);
	for (size_t i = 0; i < w->nslots; i++) {
		if (w->slots[i].sql == NULL)
			continue;
		sqlite3_finalize(w->slots[i].stmt);
		free(w->slots[i].sql);
	}
	free(w->slots);
	sqlite3_finalize(w->begin);
	sqlite3_finalize(w->commit);
	sqlite3_finalize(w->rollback);
	db_close(w->db);
	free(w);
}

sqlite3 *
writer_db(struct writer *w)
{
	return w->db;
}

static struct writer_slot *
writer_lookup(struct writer *w, const char *sql, uint32_t hash)
{
	size_t mask = w->nslots - 1;
	size_t i = hash & mask;

	while (w->slots[i].sql != NULL) {
		if (w->slots[i].hash == hash &&
		    strcmp(w->slots[i].sql, sql) == 0)
			break;
		i = (i + 1) & mask;
	}
	return &w->slots[i];
}

/* Keep the table at most half full so that probes stay short. */
static void
writer_grow(struct writer *w)
{
	struct writer_slot *old = w->slots;
	size_t nold = w->nslots;

	w->nslots *= 2;
	w->slots = xcalloc(w->nslots, sizeof *w->slots);
	for (size_t i = 0; i < nold; i++)
		if (old[i].sql != NULL)
			*writer_lookup(w, old[i].sql, old[i].hash) = old[i];
	free(old);
}

static int
writer_begin(struct writer *w)
{
	int rc;

	if (w->in_batch)
		return 0;
	rc = sqlite3_step(w->begin);
	sqlite3_reset(w->begin);
	if (rc != SQLITE_DONE) {
		writer_log(w, "cannot begin a database batch: %s",
		    sqlite3_errmsg(w->db));
		return -1;
	}
	w->in_batch = true;
	w->pending = 0;
	w->batch_started = time_mono_ms();
	return 0;
}

sqlite3_stmt *
writer_prepare(struct writer *w, const char *sql)
{
	uint32_t hash = writer_hash(sql);
	struct writer_slot *slot = writer_lookup(w, sql, hash);

	if (slot->sql == NULL) {
		sqlite3_stmt *st = writer_prepare_raw(w, sql);

		if (st == NULL)
			return NULL;
		if ((w->nused + 1) * 2 > w->nslots) {
			writer_grow(w);
			slot = writer_lookup(w, sql, hash);
		}
		slot->sql = xstrdup(sql);
		slot->hash = hash;
		slot->stmt = st;
		w->nused++;
	}
	/* A caller that bailed out between bind and step left it dirty. */
	sqlite3_reset(slot->stmt);
	sqlite3_clear_bindings(slot->stmt);
	/*
	 * A read alone opens no batch: nothing would make the loop commit
	 * a batch with no rows, and it would sit open holding the lock.
	 */
	if (!sqlite3_stmt_readonly(slot->stmt) && writer_begin(w) == -1)
		return NULL;
	return slot->stmt;
}

/*
 * Errors after which the batch cannot be trusted to commit as a whole.
 * A constraint or type error, by contrast, undoes only its own statement
 * and is the caller's to handle.
 */
static bool
writer_error_spoils_batch(sqlite3 *db, int rc)
{
	switch (rc & 0xff) {
	case SQLITE_FULL:
	case SQLITE_IOERR:
	case SQLITE_NOMEM:
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
	case SQLITE_READONLY:
	case SQLITE_CANTOPEN:
	case SQLITE_PROTOCOL:
		return true;
	default:
		/* SQLite may roll the transaction back on its own. */
		return sqlite3_get_autocommit(db) != 0;
	}
}

int
writer_step(struct writer *w, sqlite3_stmt *stmt)
{
	int rc;

	if (w->doomed && !sqlite3_stmt_readonly(stmt)) {
		sqlite3_reset(stmt);
		w->refused++;
		return -1;
	}
	/* RETURNING rows and the like are not wanted here. */
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
		;
	if (rc == SQLITE_DONE) {
		if (!sqlite3_stmt_readonly(stmt))
			w->pending += (size_t)sqlite3_changes(w->db);
		sqlite3_reset(stmt);
		return 0;
	}
	rc = sqlite3_extended_errcode(w->db);
	if (w->in_batch && writer_error_spoils_batch(w->db, rc)) {
		w->doomed = true;
		w->refused++;
		str_copy(w->doom_reason, sqlite3_errmsg(w->db),
		    sizeof w->doom_reason);
		writer_log(w,
		    "database write failed, batch of %zu rows will "
		    "be rolled back: %s",
		    w->pending + w->refused, w->doom_reason);
	} else
		writer_log(w, "database write failed: %s (%s)",
		    sqlite3_errmsg(w->db), sqlite3_sql(stmt));
	sqlite3_reset(stmt);
	return -1;
}

int
writer_prune(struct writer *w, const char *what, const char *sql,
    int64_t before_ms, int limit)
{
	sqlite3_stmt *st;

	if (limit <= 0) {
		log_err("%s: limit must be positive, not %d", what, limit);
		return -1;
	}
	st = writer_prepare(w, sql);
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, before_ms);
	sqlite3_bind_int(st, 2, limit);
	if (writer_step(w, st) == -1)
		return -1;
	return sqlite3_changes(w->db);
}

size_t
writer_pending(const struct writer *w)
{
	/*
	 * Refused writes count: a batch doomed by its first write must
	 * still look non-empty, or the loop would never commit (roll back)
	 * it and every later write would be refused too.
	 */
	return w->pending + w->refused;
}

int64_t
writer_batch_started(const struct writer *w)
{
	return w->batch_started;
}

int
writer_commit(struct writer *w)
{
	char why[256];
	int64_t t0, us;
	int rc;

	if (!w->in_batch)
		return 0;
	if (w->doomed)
		return writer_batch_lost(w, w->doom_reason);
	if (sqlite3_get_autocommit(w->db))
		return writer_batch_lost(
		    w, "the transaction was rolled back by SQLite");

	t0 = writer_now_us();
	rc = sqlite3_step(w->commit);
	us = writer_now_us() - t0;
	if (rc != SQLITE_DONE) {
		str_copy(why, sqlite3_errmsg(w->db), sizeof why);
		sqlite3_reset(w->commit);
		return writer_batch_lost(w, why);
	}
	sqlite3_reset(w->commit);
	w->stats.commits++;
	w->stats.rows += w->pending;
	w->stats.last_commit_us = us;
	if (us > w->stats.max_commit_us)
		w->stats.max_commit_us = us;
	writer_batch_reset(w);
	return 0;
}

void
writer_get_stats(const struct writer *w, struct writer_stats *st)
{
	*st = w->stats;
}
