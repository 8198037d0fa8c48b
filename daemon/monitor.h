/*
 * monitor.h - availability in the daemon: probe results go to the state
 * machine and the samples; state events become intervals, alert rows and
 * alert-log lines; maintenance windows and retention run here too.
 */
#ifndef XANET_MONITOR_H
#define XANET_MONITOR_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct monitor;
struct xanetd;

/* Privileged part: opens the probe engines (ICMP sockets). */
struct monitor *monitor_new(struct xanetd *x, char *err, size_t errlen);
/*
 * After the database is open and the run recorded: GAP_START_MS is when
 * the previous run stopped (or was last alive), -1 if there was none.
 */
int monitor_start(struct monitor *m, int64_t gap_start_ms);
/* x->cfg was replaced (and the devices synced): follow it. */
int monitor_reconfigure(struct monitor *m);
/* Clean stop: close every open interval now. */
void monitor_stop(struct monitor *m);
void monitor_free(struct monitor *m);

/*
 * Record an event: one alert-log line (and through it the daemon log)
 * and one alert row, with the same timestamp. DEVICE_ID -1 and KEY NULL
 * for the monitor itself.
 */
void monitor_event(struct xanetd *x, int prio, const char *event,
    int64_t device_id, const char *key, const char *name, const char *details);

/* The device table id of config device I, or -1. */
int64_t monitor_device_id(struct monitor *m, size_t i);

/* State fields of device I for the status answer. */
void monitor_device_json(struct monitor *m, size_t i, json_t *obj);
/*
 * A heartbeat for device KEY arrived (daemon/inbox.c): OK false when the
 * device reported a failure. 0, or -1 if KEY has no heartbeat probe.
 */
int monitor_heartbeat(
    struct monitor *m, const char *key, bool ok, const char *msg);
/*
 * Set device KEY's heartbeat token hash (xanetctl heartbeat token): 0,
 * or -1 with the reason in ERR (unknown device, no heartbeat probe).
 */
int monitor_heartbeat_token(struct monitor *m, const char *key,
    const unsigned char hash[32], char *err, size_t errlen);
/* The monitor's own counters for the status answer. */
json_t *monitor_stats_json(struct monitor *m);

/*
 * Manual maintenance of device KEY for SECONDS from now; returns the row
 * id or -1 with the reason in ERR; *UNTIL_MS gets its end.
 */
int64_t monitor_maint_start(struct monitor *m, const char *key, int64_t seconds,
    const char *reason, int64_t *until_ms, char *err, size_t errlen);
/* End KEY's manual maintenance; the number of windows ended, or -1. */
int monitor_maint_stop(
    struct monitor *m, const char *key, char *err, size_t errlen);

#endif
