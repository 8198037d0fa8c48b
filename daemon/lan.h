/*
 * lan.h - the LAN sampler in the daemon: pcap handles opened before the
 * privilege drop, the sampler fed from the loop, its findings and hosts
 * written to the store and the alert log.
 */
#ifndef XANET_DAEMON_LAN_H
#define XANET_DAEMON_LAN_H

#include <jansson.h>
#include <stddef.h>

struct lan;
struct xanetd;

/*
 * Privileged part: open a capture on each [lan] interface (the
 * default-route one when none is named). An interface that cannot be
 * opened is logged and skipped; the rest of the daemon runs on. Never
 * NULL.
 */
struct lan *lan_new(struct xanetd *x);
/*
 * After the database is ready: seed the sampler with the known hosts and
 * their approval, record a lan_capture row per interface, start watching.
 */
int lan_start(struct lan *l);
/* x->cfg was replaced: apply the new [lan] thresholds and lists. */
int lan_reconfigure(struct lan *l);
/* Flush the open hours, close the lan_capture rows. */
void lan_stop(struct lan *l);
void lan_free(struct lan *l);

/* Capture and sampler counters for the status answer. */
json_t *lan_stats_json(struct lan *l);

/*
 * The officer's decision on host MAC: STATUS "approved", "blocked" or
 * "unknown" (LABEL may be NULL), or NULL to forget the host. Recorded
 * and applied to the running sampler at once. 0, or -1 with the reason
 * in ERR.
 */
int lan_host_decide(struct lan *l, const char *mac, const char *status,
    const char *label, char *err, size_t errlen);

#endif
