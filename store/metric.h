/*
 * metric.h - SNMP figures: raw metrics (kept `retention_days`) with
 * hourly rollups (kept for years), and what was learned of a device's
 * system group and interfaces (snmp_system, snmp_iface).
 */
#ifndef XANET_METRIC_H
#define XANET_METRIC_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct writer;
struct snmp_sysinfo;
struct snmp_ifinfo;

/*
 * Record VALUE of metric NAME (e.g. "if_in_bps", "cpu_pct", a custom
 * label) for INSTANCE (ifIndex, VAP index...; NULL or "" for none) of
 * DEVICE_ID at TS_MS (UTC ms), and fold it into the rollup of its UTC
 * hour (same batch). Non-finite values are refused. 0 or -1.
 */
int metric_insert(struct writer *w, int64_t device_id, const char *name,
    const char *instance, int64_t ts_ms, double value);
/*
 * Delete raw metrics older than BEFORE_MS, at most LIMIT (> 0) rows:
 * call again while it returns LIMIT (like sample_prune, with the same
 * retention). Rollups stay. Returns the number deleted, or -1.
 */
int metric_prune(struct writer *w, int64_t before_ms, int limit);

/* What the last poll learned of the system group; replaces the row. 0 or -1. */
int snmp_system_upsert(struct writer *w, int64_t device_id,
    const struct snmp_sysinfo *si, int64_t ts_ms);
/* One interface as last seen (negative rates stored as NULL). 0 or -1. */
int snmp_iface_upsert(struct writer *w, int64_t device_id,
    const struct snmp_ifinfo *ii, int64_t ts_ms);
/*
 * Forget DEVICE_ID's interfaces not seen since BEFORE_MS (gone from the
 * device's ifTable). Returns the number deleted, or -1.
 */
int snmp_iface_forget(struct writer *w, int64_t device_id, int64_t before_ms);

/* The latest text of custom string OID LABEL (snmp_sink.text). 0 or -1. */
int snmp_text_upsert(struct writer *w, int64_t device_id, const char *label,
    const char *value, int64_t ts_ms);

/* Read side (xanetctl, web): any connection, read-only is fine. */

struct metric_hour {
	int64_t hour_ms; /* start of the UTC hour */
	int count;
	double min, avg, max;
};
/*
 * DEVICE_ID's rollups of NAME/INSTANCE (NULL instance = "") for the hours
 * that start in [FROM, TO), oldest first. Returns the number of hours FN
 * was called for (FN returning non-zero stops the walk), or -1.
 */
int metric_hours(sqlite3 *db, int64_t device_id, const char *name,
    const char *instance, int64_t from_ms, int64_t to_ms,
    int (*fn)(const struct metric_hour *h, void *arg), void *arg);

struct metric_value {
	const char *name;
	const char *instance;
	int64_t ts_ms;
	double value;
};
/*
 * The latest value of each (name, instance) of DEVICE_ID whose name is
 * not one of the interface rates (if_*), ordered by name then instance
 * (numeric instances in numeric order). Strings are valid during FN only.
 * Returns the number of values FN was called for, or -1.
 */
int metric_latest(sqlite3 *db, int64_t device_id,
    int (*fn)(const struct metric_value *v, void *arg), void *arg);

struct snmp_text_row {
	const char *label;
	const char *value;
	int64_t updated_ms;
};
/* DEVICE_ID's custom string values by label (strings valid during FN only). Count or -1. */
int snmp_texts(sqlite3 *db, int64_t device_id,
    int (*fn)(const struct snmp_text_row *r, void *arg), void *arg);

struct snmp_system_row {
	char name[256];
	char descr[512];
	char object_id[128];
	int64_t uptime_cs;
	char profile[64];
	int64_t updated_ms;
};
/* DEVICE_ID's system row into OUT: 1, 0 if there is none, -1 on error. */
int snmp_system_get(
    sqlite3 *db, int64_t device_id, struct snmp_system_row *out);

struct snmp_iface_row {
	uint32_t index;
	char name[128];
	char alias[128];
	int admin, oper;
	int64_t speed_bps; /* -1 unknown */
	/* per second; negative = unknown */
	double in_bps, out_bps, in_errors, out_errors, in_discards,
	    out_discards;
	bool important;
	int64_t updated_ms;
};
/*
 * DEVICE_ID's interfaces ordered by ifIndex. Returns the number FN was
 * called for (FN returning non-zero stops), or -1.
 */
int snmp_ifaces(sqlite3 *db, int64_t device_id,
    int (*fn)(const struct snmp_iface_row *r, void *arg), void *arg);

/* "up", "down", "testing", "unknown", "dormant", "notPresent", "lowerLayerDown" or "?" */
const char *snmp_ifstatus_name(int status);

#endif
