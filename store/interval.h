/*
 * interval.h - state_interval rows: every device's states over time.
 *
 * A transition closes the device's open interval at AT_MS and opens the
 * next one; rows are hash-chained (store/chain.h) over (device key,
 * state, start, cause); an interval's end is the next one's start, which
 * chain_verify also checks.
 */
#ifndef XANET_INTERVAL_H
#define XANET_INTERVAL_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/devstate.h"

struct interval;
struct writer;

/*
 * Close DEVICE_ID's open interval at AT_MS (if any; an AT_MS before its
 * start is clamped to it) and open STATE from AT_MS with CAUSE (may be
 * NULL). Queued in the batch. 0 or -1.
 *
 * Intervals never start before the device's added_ms. With no interval
 * open, AT_MS is clamped to the end of the device's last one; if it is
 * later, an `unknown` interval (cause "not-watched") fills the time in
 * between, so a device's intervals always follow one another.
 */
int interval_transition(struct writer *w, int64_t device_id,
    enum dev_state state, int64_t at_ms, const char *cause);
/*
 * Monitor start after a gap: close every open interval at GAP_START_MS
 * (the previous run's stop, or its last-alive time after a crash) and
 * open `unknown` from there for every configured (not retired) device
 * (cause "monitor-stopped"), so that time the monitor was away is never
 * up or down. The clamps of interval_transition apply: a device added
 * after GAP_START_MS starts at its added_ms. Open intervals of retired
 * devices are closed too. 0 or -1.
 */
int interval_open_gap(struct writer *w, int64_t gap_start_ms);
/*
 * Clean stop: close every open interval at AT_MS (at its start, if that
 * is later). 0 or -1.
 */
int interval_close_all(struct writer *w, int64_t at_ms);

/*
 * DEVICE_ID's intervals overlapping [FROM, TO) (start < TO and end >
 * FROM), not clipped, sorted by start, into a malloc'd array (*OUT, *N;
 * NULL and 0 if none; the caller frees it); open ones end at INT64_MAX.
 * 0 or -1.
 */
int interval_load(sqlite3 *db, int64_t device_id, int64_t from_ms,
    int64_t to_ms, struct interval **out, size_t *n);
/*
 * interval_load(), with the open interval ended at UNTIL_MS (never before
 * its start), so that time nobody watched is never counted as up or
 * down; *OPEN (may be NULL) says whether one was open. Shared by
 * xanetctl uptime and the reports. 0 or -1.
 */
int interval_load_until(sqlite3 *db, int64_t device_id, int64_t from_ms,
    int64_t to_ms, int64_t until_ms, struct interval **out, size_t *n,
    bool *open);
/* The open interval of DEVICE_ID: 0, 1 if none, -1 on error. */
int interval_current(sqlite3 *db, int64_t device_id, enum dev_state *state,
    int64_t *since_ms, char *cause, size_t causelen);

#endif
