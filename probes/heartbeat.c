/*
 * heartbeat.c - the heartbeat probe kind: devices behind carrier NAT that
 * the server cannot reach push "I am alive" (GET or POST /hb/TOKEN on the
 * web server, handed to the loop) instead of being probed.
 *
 * A round runs every interval like any probe, but sends nothing: it
 * judges the last heartbeat. Within interval + grace (heartbeat_grace,
 * default one more interval) it succeeds, or fails with cause `reported`
 * when the device said status=fail; older or none, it fails with
 * `timeout` — so a silent device goes down through the same thresholds
 * as a probed one. Until one interval + grace has passed since the
 * probe was set up, a device never heard from is `monitor` (unknown
 * time, not an outage): xanetd may just have restarted.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/config.h"
#include "common/duration.h"
#include "common/util.h"
#include "common/xtime.h"
#include "probes/engine.h"

/* What the last heartbeat said, kept per probe (p->priv). */
struct heartbeat {
	int64_t created_mono_ms;
	int64_t last_mono_ms; /* -1: none yet */
	bool ok;
	char msg[120];
};

static int
heartbeat_parse(const char *text, const struct config_device *dev,
    struct probe_spec *spec, char *err, size_t errlen)
{
	if (strcmp(text, "heartbeat") != 0) {
		snprintf(err, errlen, "'heartbeat' takes no arguments");
		return -1;
	}
	spec->kind = PROBE_HEARTBEAT;
	return 0;
}

static struct heartbeat *
heartbeat_of(struct probe *p)
{
	struct heartbeat *hb = p->priv;

	if (hb == NULL) {
		hb = xcalloc(1, sizeof *hb);
		hb->created_mono_ms = time_mono_ms();
		hb->last_mono_ms = -1;
		p->priv = hb;
	}
	return hb;
}

void
heartbeat_seen(struct probe *p, bool ok, const char *msg)
{
	struct heartbeat *hb = heartbeat_of(p);

	hb->last_mono_ms = time_mono_ms();
	hb->ok = ok;
	str_copy_utf8(hb->msg, msg, sizeof hb->msg);
}

static int64_t
heartbeat_window_ms(const struct probe *p)
{
	int64_t grace = p->dev->heartbeat_grace_ms > 0
			    ? p->dev->heartbeat_grace_ms
			    : p->interval_ms;

	return p->interval_ms + grace;
}

static void
heartbeat_start(void *engine, struct probe *p)
{
	struct heartbeat *hb = heartbeat_of(p);
	int64_t now = time_mono_ms(), window = heartbeat_window_ms(p);
	struct probe_result r;
	char ago[32], win[32];

	memset(&r, 0, sizeof r);
	r.rtt_us = r.rtt_min_us = r.rtt_max_us = r.jitter_us = -1;
	r.cert_days = -1;
	r.sent = 1;
	duration_format(window, win, sizeof win);
	if (hb->last_mono_ms >= 0 && now - hb->last_mono_ms <= window) {
		r.ok = hb->ok;
		r.received = 1;
		if (!hb->ok) {
			r.cause = CAUSE_REPORTED;
			snprintf(r.detail, sizeof r.detail,
			    "device reports: %s",
			    hb->msg[0] != '\0' ? hb->msg : "fail");
		}
	} else if (hb->last_mono_ms < 0 && now - hb->created_mono_ms < window) {
		r.cause = CAUSE_MONITOR;
		snprintf(r.detail, sizeof r.detail,
		    "no heartbeat yet since xanetd started (expected within "
		    "%s)",
		    win);
	} else {
		r.cause = CAUSE_TIMEOUT;
		if (hb->last_mono_ms >= 0) {
			duration_format(
			    now - hb->last_mono_ms, ago, sizeof ago);
			snprintf(r.detail, sizeof r.detail,
			    "no heartbeat for %s (expected within %s)", ago,
			    win);
		} else
			snprintf(r.detail, sizeof r.detail,
			    "no heartbeat received (expected within %s)", win);
	}
	probe_done(p, &r);
}

static void
heartbeat_release(void *engine, struct probe *p)
{
	free(p->priv);
	p->priv = NULL;
}

const struct probe_engine probe_engine_heartbeat = {
    .name = "heartbeat",
    .kind = PROBE_HEARTBEAT,
    .needs_address = false,
    .parse = heartbeat_parse,
    .start = heartbeat_start,
    .release = heartbeat_release,
};
