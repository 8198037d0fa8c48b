/*
 * health.h - the daemon's own health on a board the loop updates once a
 * second (probe rate, in-flight rounds, inbox, writer, capture, SNMP)
 * and the web threads copy for /metrics. The board is behind a mutex
 * held only for a struct copy, so the loop never waits on a reader.
 */
#ifndef XANET_HEALTH_H
#define XANET_HEALTH_H

#include "web/metrics.h"

struct health;
struct xanetd;

/* Loop thread, once X's monitor, inbox, writer and LAN exist: fill the
 * board at once, then every second. */
struct health *health_new(struct xanetd *x);
/* Loop thread, after the web threads have stopped. */
void health_free(struct health *h);
/* Any thread (a metrics_health_fn): the latest figures into OUT. */
void health_read(void *h, struct metrics_health *out);

#endif
