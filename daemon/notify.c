/* notify.c - systemd readiness, status and watchdog notifications. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-daemon.h>

#include "common/log.h"
#include "common/util.h"
#include "daemon/notify.h"

struct notify {
	struct ev_loop *loop;
	bool (*healthy)(void *);
	void *arg;
	ev_timer watchdog; /* at half of WatchdogSec */
	bool watchdog_on;
	bool unhealthy_logged;
};

static void
notify_send(const char *state)
{
	int rc = sd_notify(0, state);

	if (rc < 0)
		log_warn("sd_notify failed: %s", strerror(-rc));
}

static void
notify_watchdog_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct notify *n = w->data;

	if (n->healthy != NULL && !n->healthy(n->arg)) {
		if (!n->unhealthy_logged)
			log_err("loop unhealthy: withholding watchdog pings");
		n->unhealthy_logged = true;
		return;
	}
	n->unhealthy_logged = false;
	notify_send("WATCHDOG=1");
}

struct notify *
notify_new(struct ev_loop *loop, bool (*healthy)(void *), void *arg)
{
	struct notify *n = xcalloc(1, sizeof *n);
	uint64_t usec = 0;

	n->loop = loop;
	n->healthy = healthy;
	n->arg = arg;
	if (sd_watchdog_enabled(0, &usec) > 0 && usec > 0) {
		double half = (double)usec / 2e6;

		ev_timer_init(&n->watchdog, notify_watchdog_cb, half, half);
		n->watchdog.data = n;
		n->watchdog_on = true;
		log_info("systemd watchdog: pinging every %.3f s", half);
	}
	return n;
}

void
notify_free(struct notify *n)
{
	if (n == NULL)
		return;
	if (n->watchdog_on)
		ev_timer_stop(n->loop, &n->watchdog);
	free(n);
}

void
notify_ready(struct notify *n, const char *status)
{
	char *msg = xasprintf("READY=1\nSTATUS=%s", status);

	notify_send(msg);
	free(msg);
	if (n->watchdog_on && !ev_is_active(&n->watchdog)) {
		ev_timer_start(n->loop, &n->watchdog);
		notify_send("WATCHDOG=1");
	}
}

void
notify_reloading(struct notify *n)
{
	notify_send("RELOADING=1");
}

void
notify_stopping(struct notify *n)
{
	notify_send("STOPPING=1");
	if (n->watchdog_on)
		ev_timer_stop(n->loop, &n->watchdog);
}

void
notify_status(struct notify *n, const char *status)
{
	char *msg = xasprintf("STATUS=%s", status);

	notify_send(msg);
	free(msg);
}
