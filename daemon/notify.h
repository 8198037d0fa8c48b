/* notify.h - systemd readiness, status and watchdog notifications. */
#ifndef XANET_NOTIFY_H
#define XANET_NOTIFY_H

#include <ev.h>
#include <stdbool.h>

struct notify;

/*
 * HEALTHY is asked before each watchdog ping; a loop that stops iterating
 * or says it is unhealthy stops pinging, and systemd restarts it.
 */
struct notify *notify_new(
    struct ev_loop *loop, bool (*healthy)(void *), void *arg);
void notify_free(struct notify *n);
/* READY=1 with a STATUS line; starts the watchdog pings. */
void notify_ready(struct notify *n, const char *status);
void notify_reloading(struct notify *n);
void notify_stopping(struct notify *n);
void notify_status(struct notify *n, const char *status);

#endif
