/*
 * snapshot.h - snapshot rows (the evidence packs made, hash-chained) and
 * their outbox rows (one delivery per push target), read and written by
 * the daemon's scheduler and push engine, read by xanetctl and the web.
 */
#ifndef XANET_SNAPSHOT_H
#define XANET_SNAPSHOT_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct config;
struct writer;

/* A snapshot uid: a UUID (36 characters). */
#define SNAPSHOT_UID_LEN 37

struct snapshot_new {
	const char *uid;
	const char *kind; /* "daily", "quarterly" or "manual" */
	int64_t from_ms, to_ms, created_ms;
	const char *path; /* the pack file */
	int64_t size;
	const char *sha256;          /* hex, of the zip */
	const char *manifest_sha256; /* hex, of manifest.json */
};

/* "daily" -> SNAPSHOT_DAILY (common/config.h); 0 if unknown. */
int snapshot_kind_bit(const char *kind);

/*
 * Append S to the snapshot hash chain and queue one outbox row for each
 * of CFG's push targets whose kinds include S->kind, due at S->created_ms,
 * all in the writer's open batch: the caller commits, so that a snapshot
 * and its deliveries are written in one transaction or not at all.
 * Returns the snapshot's id (and *NTARGETS, may be NULL), or -1.
 */
int64_t snapshot_add(struct writer *w, const struct config *cfg,
    const struct snapshot_new *s, size_t *ntargets);

/*
 * Whether a snapshot of KIND for the period starting at FROM_MS exists:
 * 1 yes, 0 no, -1 error. DB may be the writer's connection.
 */
int snapshot_exists(sqlite3 *db, const char *kind, int64_t from_ms);

/* One delivery, with what it delivers. */
struct outbox_item {
	int64_t id;
	int64_t snapshot_id;
	char uid[SNAPSHOT_UID_LEN];
	char kind[16];
	int64_t from_ms, to_ms, created_ms;
	char path[1024];
	int64_t size;
	char sha256[65];
	char target[64];
	char state[16]; /* pending, sent, quarantined */
	int attempts;
	int64_t next_ms;
	int64_t last_ms; /* -1: never tried */
	int last_status; /* HTTP or SMTP code, 0: none */
	char last_error[256];
	int64_t sent_ms; /* -1: not sent */
};

/*
 * Up to MAX pending items due at NOW_MS (next_ms <= NOW_MS), oldest due
 * first, into ITEMS. Returns how many, or -1.
 */
int outbox_due(
    struct writer *w, int64_t now_ms, struct outbox_item *items, size_t max);
/* The earliest next_ms of a pending item: 0 and *NEXT_MS, 1 none, -1. */
int outbox_next_due(struct writer *w, int64_t *next_ms);

/*
 * The outcome of an attempt, queued in the batch. A lease (a failed
 * attempt not yet counted) moves next_ms only, so that an item being
 * sent is not picked again, and is due again if xanetd dies meanwhile.
 */
int outbox_lease(struct writer *w, int64_t id, int64_t until_ms);
int outbox_sent(struct writer *w, int64_t id, int64_t now_ms, int status);
int outbox_failed(struct writer *w, int64_t id, int64_t now_ms, int status,
    const char *error, int64_t next_ms);
int outbox_quarantine(struct writer *w, int64_t id, int64_t now_ms, int status,
    const char *error);
/*
 * Make item ID (pending or quarantined) due at NOW_MS; 1 done, 0 no such
 * item or already sent, -1 error.
 */
int outbox_retry(struct writer *w, int64_t id, int64_t now_ms);
/* Make every pending item due at NOW_MS; the number of items, or -1. */
int outbox_retry_all(struct writer *w, int64_t now_ms);
/* Pending items (not sent, not quarantined), or -1. */
int64_t outbox_pending_count(sqlite3 *db);

/*
 * Items for status, newest snapshot first, at most LIMIT (0: all); FN
 * returning non-zero stops. The number of calls, or -1.
 */
int outbox_each(sqlite3 *db, int limit,
    int (*fn)(const struct outbox_item *it, void *arg), void *arg);

/* A snapshot as listed (the web's reports page). */
struct snapshot_row {
	int64_t id;
	char uid[SNAPSHOT_UID_LEN];
	char kind[16];
	int64_t from_ms, to_ms, created_ms;
	int64_t size;
	bool pruned; /* the pack file was removed (path "") */
};
/*
 * Snapshots, newest first, at most LIMIT (> 0); FN returning non-zero
 * stops. The number of calls, or -1.
 */
int snapshot_each(sqlite3 *db, int limit,
    int (*fn)(const struct snapshot_row *s, void *arg), void *arg);

/*
 * Packs created before BEFORE_MS, not yet pruned, whose every delivery
 * is sent (or that had none), at most LIMIT, for FN. The number, or -1.
 * DB is a connection of the loop thread (the writer's).
 */
int snapshot_prunable(sqlite3 *db, int64_t before_ms, int limit,
    void (*fn)(int64_t id, const char *path, void *arg), void *arg);
/* Record that snapshot ID's pack file was removed (path becomes ""). */
int snapshot_pruned(struct writer *w, int64_t id);

#endif
