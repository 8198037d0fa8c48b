/* run.h - monitor_run rows: when the monitor itself was watching. */
#ifndef XANET_RUN_H
#define XANET_RUN_H

#include <sqlite3.h>
#include <stdint.h>

struct writer;

/*
 * Close any run left open by a crash at its last-alive time (stop_reason
 * 'crash'), then insert and commit a new run. Returns its id, or -1.
 */
int64_t run_start(struct writer *w, int64_t now_ms, const char *version,
    const char *config_hash);
/* Record that run ID is alive at NOW_MS (queued in the current batch). */
int run_alive(struct writer *w, int64_t id, int64_t now_ms);
/* Close run ID cleanly and commit. REASON: "stop", "signal"... */
int run_stop(struct writer *w, int64_t id, int64_t now_ms,
    const char *reason);

struct run_info {
	int64_t id;
	int64_t start_ms;
	int64_t last_alive_ms;
	int64_t stop_ms;	/* -1 while running */
	char stop_reason[32];
	char version[32];
	char config_hash[65];
};
/* The newest run, read through any connection: 0, 1 if none, -1 error. */
int run_last(sqlite3 *db, struct run_info *ri);

#endif
