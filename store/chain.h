/*
 * chain.h - hash chains over the rows that matter as evidence (state
 * intervals, alerts, snapshots): each row stores
 * hash = SHA-256(prev_hash || canonical text of the row), so an edit made
 * behind the daemon's back breaks the chain at that row.
 */
#ifndef XANET_CHAIN_H
#define XANET_CHAIN_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#define CHAIN_HASH_LEN 32

struct writer;

/* OUT = SHA-256(PREV || TEXT); PREV all zero for the first row. */
void chain_hash(const unsigned char prev[CHAIN_HASH_LEN], const char *text,
    unsigned char out[CHAIN_HASH_LEN]);

/*
 * The canonical text of a row, malloc'd (the caller frees it); chain.c
 * says what it is made of. NULL strings are written as "".
 */
char *chain_interval_text(const char *device_key, const char *state,
    int64_t start_ms, const char *cause);
char *chain_alert_text(int64_t ts_ms, const char *severity, const char *event,
    const char *device_key, const char *details);
char *chain_snapshot_text(const char *uid, const char *kind, int64_t from_ms,
    int64_t to_ms, int64_t created_ms, int64_t size, const char *sha256,
    const char *manifest_sha256);

/*
 * The hash of the last row of TABLE ("state_interval", "alert" or
 * "snapshot") as the
 * writer sees it, rows of the open batch included; all zero if the table
 * is empty. This is the prev_hash of the next row. 0 or -1.
 */
int chain_last(
    struct writer *w, const char *table, unsigned char out[CHAIN_HASH_LEN]);

/*
 * Re-walk table TABLE ("state_interval", "alert" or "snapshot") in id
 * order. Returns
 * 0 if whole; 1 with *BAD_ID the first row whose hash does not match (and
 * WHY in ERR); -1 on a database error.
 *
 * Broken links come first: a row whose hash is not SHA-256 of its own
 * prev_hash and text ("hash mismatch"), or whose prev_hash is not the
 * previous row's hash ("prev_hash does not match the previous row"; a
 * row deleted in the middle shows here, at the row after it, and ERR
 * names the missing ids). If the chain is whole, state_interval is also
 * checked for continuity, which the hash cannot cover because an
 * interval's end is written when it closes: each closed interval must
 * end where the device's next interval starts, and only a device's last
 * interval may be open; *BAD_ID is then the lowest such interval.
 * Removing rows from the end of a chain is not detected here.
 */
int chain_verify(
    sqlite3 *db, const char *table, int64_t *bad_id, char *err, size_t errlen);

#endif
