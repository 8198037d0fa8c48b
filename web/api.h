/*
 * api.h - the JSON API under /api/v1/ (jansson): devices and their
 * states, uptime for a period, alerts, LAN hosts, snapshots. Read-only,
 * on the web thread's read-only connection; the server has checked the
 * session. Answers are application/json; errors are {"error": "..."}
 * with 400 (bad parameter, said which) or 404.
 *
 * The uptime figures are the report model's (evidence/report.c) as
 * data.json writes them (evidence/json.c): the numbers of xanetctl
 * report and xanetctl uptime, never a second computation.
 */
#ifndef XANET_API_H
#define XANET_API_H

#include <stdint.h>

struct web_req;

/* Bounds of what one answer lists. */
#define API_ALERTS_DEFAULT 100
#define API_ALERTS_MAX     1000
#define API_SAMPLES        20 /* a device's latest raw samples */
#define API_SNAPSHOTS_MAX  1000
#define API_HOSTS_MAX      10000
#define API_DEVICES_MAX    100000
/* ?since= absent: alerts of the last 7 days. */
#define API_ALERTS_SINCE_MS (7 * 86400000LL)

/* Handlers (a struct route's fn): 0, or -1 for a 500. */
int api_devices(struct web_req *r);   /* GET /api/v1/devices */
int api_device(struct web_req *r);    /* GET /api/v1/devices/KEY */
int api_uptime(struct web_req *r);    /* GET /api/v1/uptime?... */
int api_alerts(struct web_req *r);    /* GET /api/v1/alerts?... */
int api_hosts(struct web_req *r);     /* GET /api/v1/hosts */
int api_snapshots(struct web_req *r); /* GET /api/v1/snapshots */

/*
 * A time parameter: UTC milliseconds ("1780000000000"), a local date
 * ("2026-07-01", local midnight) or ISO 8601 with an offset or Z
 * ("2026-07-01T08:30:00+07:00", seconds optional). 0, or -1.
 */
int api_parse_time(const char *text, int64_t *ms);

#endif
