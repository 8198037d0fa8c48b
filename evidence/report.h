/*
 * report.h - one period's evidence gathered from the database: the model
 * that every renderer (HTML, CSV, JSON, the web pages) reads, so that a
 * figure is computed once, in report.c, and shown the same everywhere.
 *
 * Times are UTC ms; "days" are local days (time_zone_set) starting at
 * local midnight. Percentages are -1 when there is nothing to divide by.
 */
#ifndef XANET_REPORT_H
#define XANET_REPORT_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "evidence/uptime.h"

struct config;

/* What data.json says it is; bump when a field changes meaning. */
#define REPORT_SCHEMA_VERSION 1
/* Bounds that keep a report's memory bounded; what is cut is counted. */
#define REPORT_MAX_OUTAGES 20000 /* over all devices */
#define REPORT_MAX_ALERTS  20000
#define REPORT_MAX_HOSTS   10000

struct report_opts {
	int64_t from_ms; /* [from, to): local-day or quarter bounds */
	int64_t to_ms;
	const char *group;  /* only this group, or NULL */
	const char *device; /* only this device key, or NULL */
	const char *lang;   /* "vi" (default when NULL) or "en" */
	int64_t now_ms;     /* generated-at; figures stop here */
	/*
	 * Open intervals end here: now while xanetd runs, else the time the
	 * database proves it was watching (ctl_watched_until).
	 */
	int64_t watched_until_ms;
	const char *key_fingerprint; /* signing key, printed; NULL: none */
};

struct report_outage {
	size_t device;            /* index into report.devices */
	int64_t start_ms, end_ms; /* clipped to the period */
	bool open;                /* still going on at the report's end */
	char cause[32];
};

/* One device's figures for one local day. */
struct report_day {
	double uptime_pct;   /* -1: no up or down time that day */
	double coverage_pct; /* -1: the device did not exist that day */
};

struct report_device {
	int64_t id;
	char *key, *name, *kind, *group, *address, *parent_key, *isp;
	int64_t added_ms, retired_ms;  /* retired -1: still configured */
	bool exists;                   /* existed for part of the period */
	struct uptime up;              /* evidence/uptime.h */
	struct report_day *days;       /* report.ndays entries */
	size_t first_outage, noutages; /* slice of report.outages */
};

/* Uplink quality (probes of the uplink devices) for one local day. */
struct report_uplink_day {
	double loss_pct;   /* -1: no samples */
	double rtt_avg_ms; /* -1: no samples */
	int64_t samples;
};

struct report_uplink {
	size_t device;                  /* index into report.devices */
	struct report_uplink_day *days; /* report.ndays entries */
	double loss_pct, rtt_avg_ms;    /* over the period, -1: none */
};

enum report_verdict {
	REPORT_MET,
	REPORT_NOT_MET,
	REPORT_NO_DATA, /* nothing to judge, or not built yet (av) */
};

struct report_indicator {
	char *key, *title, *metric, *scope;
	double target; /* -1: none (shown, not judged) */
	bool at_most;  /* judged value <= target, else value >= target */
	double value;  /* -1: no data */
	enum report_verdict verdict;
	char *detail; /* one line in the report's language, e.g. "15/17" */
};

struct report_alert {
	int64_t id, ts_ms;
	char *severity, *event, *device_key, *details;
	int64_t acked_ms; /* -1: not acknowledged */
};

struct report_host {
	char mac[18];
	char *ips, *name, *vendor, *os, *status; /* status: approval */
	int64_t first_ms, last_ms;
	int64_t bytes_in, bytes_out; /* in the period */
};

struct report {
	/* The period and where it comes from. */
	int64_t from_ms, to_ms, generated_ms;
	char *lang;
	char *site_name, *province;
	char *version;                    /* xanet's */
	char *key_fingerprint;            /* NULL: unsigned */
	char *scope_group, *scope_device; /* the filters, or NULL */
	/* Heads of the hash chains (hex), "" when a table is empty. */
	char chain_state[65], chain_alert[65], chain_snapshot[65];

	/* Local days of the period: day i starts at days_ms[i]. */
	int64_t *days_ms;
	size_t ndays;

	/* Time the monitor itself ran (monitor_run) over the period. */
	int64_t watched_ms;
	double coverage_pct;
	/* LAN sampler coverage (lan_capture); -1: the sampler never ran. */
	double lan_coverage_pct;
	bool lan; /* the LAN sampler has data: hosts are meaningful */

	struct report_device *devices; /* by group, then key */
	size_t ndevices;
	struct report_outage *outages; /* by device, then start */
	size_t noutages, outages_cut;
	struct report_uplink *uplinks;
	size_t nuplinks;
	struct report_indicator *indicators;
	size_t nindicators;
	struct report_alert *alerts; /* by time */
	size_t nalerts, alerts_cut;
	struct report_host *hosts; /* by last seen, newest first */
	size_t nhosts, hosts_cut;
};

/*
 * Read everything the period needs from DB (read-only is enough) and
 * compute the figures and the verdicts of CFG's indicators. Returns 0,
 * or -1 with the reason in ERR (*OUT untouched).
 */
int report_build(sqlite3 *db, const struct config *cfg,
    const struct report_opts *opts, struct report **out, char *err,
    size_t errlen);
void report_free(struct report *r);

/* A rendered file of a report, in memory. */
struct report_file {
	char name[32]; /* "report.html", "uptime.csv", ... */
	char *data;
	size_t len;
};

/*
 * Render every file of the report (report.html, uptime.csv,
 * outages.csv, alerts.csv, hosts.csv when R->lan, data.json) into a
 * malloc'd array. 0 or -1 (ERR).
 */
int report_render_all(const struct report *r, struct report_file **files,
    size_t *nfiles, char *err, size_t errlen);
void report_files_free(struct report_file *files, size_t nfiles);

/* The renderers, one per format; each returns 0 or -1. */
int report_html(const struct report *r, struct report_file *out);
int report_json(const struct report *r, struct report_file *out);
int report_csv_uptime(const struct report *r, struct report_file *out);
int report_csv_outages(const struct report *r, struct report_file *out);
int report_csv_alerts(const struct report *r, struct report_file *out);
int report_csv_hosts(const struct report *r, struct report_file *out);

#endif
