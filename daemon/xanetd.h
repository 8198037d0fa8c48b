/* xanetd.h - the daemon's root context: the loop and everything hanging off it. */
#ifndef XANET_XANETD_H
#define XANET_XANETD_H

#include <ev.h>
#include <stdint.h>

struct alertlog;
struct config;
struct control;
struct evidence;
struct health;
struct inbox;
struct lan;
struct monitor;
struct notify;
struct sigkey;
struct web;
struct writer;

/* Messages other threads may queue for the loop before refusing. */
#define XANETD_INBOX_CAP 1024

/* The one mutable root of xanetd; only the loop thread touches it. */
struct xanetd {
	struct ev_loop *loop;
	char *config_path; /* NULL: the embedded default */
	struct config *cfg;
	struct writer *writer;
	struct alertlog *alertlog;
	struct control *control;
	struct notify *notify;
	struct monitor *monitor;
	struct inbox *inbox;   /* from the web threads to the loop */
	struct lan *lan;       /* the LAN sampler (daemon/lan.c) */
	struct web *web;       /* the dashboard (daemon/web.c) */
	struct health *health; /* for /metrics (daemon/health.c) */
	/* The evidence signing key; NULL if it could not be made (logged). */
	struct sigkey *sigkey;
	/* Snapshots and their push (daemon/evidence.c); NULL: none. */
	struct evidence *evidence;
	int64_t run_id;
	int64_t started_wall_ms;
	int64_t started_mono_ms;
	const char *stop_reason; /* set when a stop is requested */

	ev_signal sig_term;
	ev_signal sig_int;
	ev_signal sig_hup;
	ev_signal sig_usr1;
	ev_prepare commit_prepare; /* commits a large batch before polling */
	ev_timer commit_timer;     /* commits any batch within a second */
	ev_timer alive_timer;      /* monitor_run.last_alive_ms */
	ev_timer stop_timer;       /* a stop requested from a callback */
};

/* Ask the loop to stop after the current callback; REASON is recorded. */
void xanetd_stop(struct xanetd *x, const char *reason);
/*
 * Re-read the configuration; on success apply it, on failure keep the
 * running one. Returns 0 or -1 with the reason ("FILE:LINE: ...") in ERR.
 */
int xanetd_reload(struct xanetd *x, char *err, size_t errlen);

#endif
