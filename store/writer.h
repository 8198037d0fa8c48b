/* writer.h - the one writing connection: queued writes, committed in batches. */
#ifndef XANET_WRITER_H
#define XANET_WRITER_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

struct writer;

/* Takes ownership of DB (from db_open_writer). */
struct writer *writer_new(sqlite3 *db);
/* Commits what is pending, finalizes cached statements, closes the db. */
void writer_free(struct writer *w);
sqlite3 *writer_db(struct writer *w);

/*
 * A cached prepared statement for SQL (keyed by the string's text) with
 * its bindings cleared; opens the batch transaction if none is open. Bind,
 * then writer_step(). NULL on error (logged).
 */
sqlite3_stmt *writer_prepare(struct writer *w, const char *sql);
/* Step STMT to completion and reset it; 0 or -1 (logged). */
int writer_step(struct writer *w, sqlite3_stmt *stmt);
/*
 * Run the DELETE in SQL with ?1 = BEFORE_MS and ?2 = LIMIT (at most LIMIT
 * rows, so that a prune never holds the batch long): the number of rows
 * deleted, or -1 (logged, as WHAT for a LIMIT that is not positive).
 */
int writer_prune(struct writer *w, const char *what, const char *sql,
    int64_t before_ms, int limit);
/* Rows written in the open batch. */
size_t writer_pending(const struct writer *w);
/* Monotonic ms at which the open batch began, or -1 if none is open. */
int64_t writer_batch_started(const struct writer *w);
/*
 * Commit the open batch, if any. On failure (disk full...) the batch is
 * rolled back, counted and -1 returned; the connection stays usable.
 */
int writer_commit(struct writer *w);

struct writer_stats {
	uint64_t commits;
	uint64_t rows;
	uint64_t failed_commits;
	uint64_t rows_lost; /* rows rolled back by failed commits */
	int64_t last_commit_us;
	int64_t max_commit_us;
};
void writer_get_stats(const struct writer *w, struct writer_stats *st);

#endif
