/*
 * indicator.h - the indicator metrics: one table entry per metric name
 * (uptime-group, uptime-device-min, lan-coverage, uplink-quality,
 * av-coverage), each judging a built report against its [indicator]
 * config. Adding a metric is one function and one entry in indicator.c.
 */
#ifndef XANET_INDICATOR_H
#define XANET_INDICATOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct config_indicator;
struct report;
struct report_device;
struct report_indicator;

/*
 * Hourly probe sums of the devices in an indicator's scope, for metrics
 * judged hour by hour (uplink-quality): hour i starts at from_ms + i h.
 * report.c fills it from sample_hour for metrics that ask for it.
 */
struct indicator_hour {
	int64_t sent, received, rtt_sum_us, rtt_n;
};
struct indicator_hours {
	int64_t from_ms;
	size_t n;
	struct indicator_hour *h;
};

/* How a scope names devices, decided once per report (see below). */
enum indicator_scope_kind {
	SCOPE_ALL,    /* no scope */
	SCOPE_KIND,   /* a device kind name: wifi-ap, router, ... */
	SCOPE_GROUP,  /* a group some device of the report has */
	SCOPE_DEVICE, /* a device key */
};

/*
 * What SCOPE names in report R: NULL or "" is every device; else a kind
 * name, a group, or a device key, tried in that order.
 */
enum indicator_scope_kind indicator_scope_kind(
    const struct report *r, const char *scope);
/* Whether device D is in SCOPE (resolved as KIND). */
bool indicator_scope_match(enum indicator_scope_kind kind, const char *scope,
    const struct report_device *d);

/* The metric named NAME exists (config checks, tests). */
bool indicator_metric_known(const char *name);
/* The metric wants hourly sums of its scope's samples (uplink-quality). */
bool indicator_needs_hours(const char *metric);

/*
 * Judge CI over report R into OUT (value, verdict, detail in R's
 * language; key/title/metric/scope/target copied). HOURS may be NULL for
 * metrics that do not need them. An unknown metric gives NO_DATA with a
 * detail saying so. OUT's strings are malloc'd (report_free frees them).
 */
void indicator_judge(const struct report *r, const struct config_indicator *ci,
    const struct indicator_hours *hours, struct report_indicator *out);

#endif
