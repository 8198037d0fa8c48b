/*
 * sample.h - probe results: raw samples (kept `retention_days`) and
 * hourly rollups (kept for years), written together in the batch.
 */
#ifndef XANET_SAMPLE_H
#define XANET_SAMPLE_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#include "probes/probe.h"

struct writer;

/*
 * Record one round of probe PROBE (its index in the device's list) of
 * KIND for DEVICE_ID, and fold it into the rollup of the UTC hour of
 * r->start_wall_ms (same batch). Figures a probe did not have (negative
 * RTTs, http_status 0, cert_days -1) are stored as NULL; the cause is
 * NULL for CAUSE_NONE. 0 or -1.
 */
int sample_add(struct writer *w, int64_t device_id, size_t probe,
    enum probe_kind kind, const struct probe_result *r);
/*
 * Delete raw samples older than BEFORE_MS, at most LIMIT (> 0) rows, so
 * that one batch stays small: call again while it returns LIMIT. Rollups
 * stay. Returns the number deleted, or -1.
 */
int sample_prune(struct writer *w, int64_t before_ms, int limit);

struct sample_hour {
	int64_t hour_ms; /* start of the UTC hour */
	int count;       /* rounds */
	int ok;          /* good rounds */
	int sent;        /* ICMP echoes */
	int received;
	int64_t rtt_min_us; /* these three -1 if no RTT that hour */
	int64_t rtt_avg_us; /* mean of the rounds' RTTs, rounded */
	int64_t rtt_max_us;
};
/*
 * DEVICE_ID's rollups for probe kind KIND for the hours that start in
 * [FROM, TO), oldest first. Returns the number of hours FN was called
 * for (FN returning non-zero stops the walk, not an error), or -1.
 */
int sample_hours(sqlite3 *db, int64_t device_id, enum probe_kind kind,
    int64_t from_ms, int64_t to_ms,
    int (*fn)(const struct sample_hour *h, void *arg), void *arg);

#endif
