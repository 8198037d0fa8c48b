/*
 * maintenance.h - maintenance started by hand (xanetctl maintenance start),
 * kept in the database so that it survives a restart. Windows written in
 * the config file are not stored here; common/maint.h parses those.
 */
#ifndef XANET_MAINTENANCE_H
#define XANET_MAINTENANCE_H

#include <sqlite3.h>
#include <stdint.h>

struct writer;

/*
 * Put DEVICE_ID in maintenance over [START_MS, END_MS) (INT64_MAX: until
 * stopped); created_ms is the wall clock now. Returns the new id, or -1.
 */
int64_t maint_store_start(struct writer *w, int64_t device_id, int64_t start_ms,
    int64_t end_ms, const char *reason);
/*
 * End DEVICE_ID's running manual windows (start <= NOW_MS < end) at
 * NOW_MS; windows still ahead are kept. The count, or -1.
 */
int maint_store_stop(struct writer *w, int64_t device_id, int64_t now_ms);

struct maint_row {
	int64_t id;
	char device_key[64];
	int64_t start_ms;
	int64_t end_ms;
	char reason[256];
};
/*
 * Windows that end after NOW_MS (running or ahead), by start. Returns
 * the number FN was called for (FN returning non-zero stops the walk,
 * not an error), or -1.
 */
int maint_store_each(sqlite3 *db, int64_t now_ms,
    int (*fn)(const struct maint_row *m, void *arg), void *arg);

#endif
