/*
 * alert.h - alert rows: every line of the alert log, hash-chained, so
 * that xanetctl alerts, reports and the web read the same events.
 */
#ifndef XANET_ALERT_H
#define XANET_ALERT_H

#include <sqlite3.h>
#include <stdint.h>

struct writer;

/*
 * Record an event, appended to the alert hash chain (store/chain.h) in
 * the current batch. DEVICE_ID is -1 for the monitor itself. SEVERITY is
 * the alert log's word ("error", "warning", "notice", ...); DETAILS may
 * be NULL (stored as ""). Returns the new row id, or -1.
 */
int64_t alert_add(struct writer *w, int64_t ts_ms, const char *severity,
    const char *event, int64_t device_id, const char *details);

struct alert_row {
	int64_t id;
	int64_t ts_ms;
	char severity[16];
	char event[32];
	char device_key[64]; /* "" for the monitor */
	char device_name[256];
	char details[1024];
	int64_t acked_ms;   /* -1 if not acknowledged */
	char ack_note[320]; /* "USER: text"; alert_list only */
};
/*
 * Alerts with id > AFTER_ID and ts >= SINCE_MS, of DEVICE_KEY if not
 * NULL, oldest (lowest id) first, at most LIMIT (0: no limit). Returns
 * the number of rows FN was called for, or -1; FN returning non-zero
 * stops the walk (not an error).
 */
int alert_each(sqlite3 *db, int64_t after_id, int64_t since_ms,
    const char *device_key, int limit,
    int (*fn)(const struct alert_row *a, void *arg), void *arg);

/* What the dashboard's alert list asks for. */
struct alert_filter {
	const char *device_key; /* NULL: every device */
	const char *severity;   /* NULL: every severity */
	int unacked_only;
	int64_t before_id; /* <= 0: from the newest */
	int limit;         /* > 0 */
};
/*
 * Alerts matching F, newest (highest id) first, ack_note filled. The
 * number of rows FN was called for, or -1; FN returning non-zero stops.
 */
int alert_list(sqlite3 *db, const struct alert_filter *f,
    int (*fn)(const struct alert_row *a, void *arg), void *arg);

/*
 * Acknowledge alert ID at NOW_MS with NOTE ("USER: text"; stored as
 * ack_note). The acknowledgement is not part of the hash chain
 * (store/chain.h), so setting it later breaks nothing. Committed with
 * the batch. 1 done, 0 no such alert or acknowledged already, -1 error.
 */
int alert_ack(struct writer *w, int64_t id, const char *note, int64_t now_ms);

#endif
