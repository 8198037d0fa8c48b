/*
 * heartbeat.h - the heartbeat endpoint GET|POST /hb/TOKEN for devices
 * behind carrier NAT, and the limits that keep its tokens from being
 * guessed: unknown tokens spend a per-address token bucket (then 429),
 * and a known device is heard at most once a second.
 *
 * The token is looked up by its hash (store/hbtoken.h) on the thread's
 * read-only connection; the heartbeat itself goes to the loop as the
 * control command "heartbeat KEY ok|fail MSG" through daemon/inbox.h.
 * The token is never logged: only the device key is.
 */
#ifndef XANET_WEB_HEARTBEAT_H
#define XANET_WEB_HEARTBEAT_H

#include <stddef.h>
#include <stdint.h>

struct web_req;
struct hbweb;

/* Unknown tokens per client address: a burst, then one per interval. */
#define HBWEB_UNKNOWN_BURST       10
#define HBWEB_UNKNOWN_INTERVAL_MS 6000 /* 10 a minute */
/* A known device is heard at most once per this. */
#define HBWEB_DEVICE_MIN_MS 1000
/* Addresses and devices remembered; the stalest entry makes room. */
#define HBWEB_ADDRS_MAX   1024
#define HBWEB_DEVICES_MAX 4096
/* Bytes of a device's message kept (UTF-8, control characters removed). */
#define HBWEB_MSG_MAX 120

/*
 * The limiter, shared by the web threads (it locks itself). The daemon
 * keeps one across dashboard restarts so that a reload does not hand a
 * guesser a fresh bucket.
 */
struct hbweb *hbweb_new(void);
void hbweb_free(struct hbweb *h);

/*
 * Before a lookup: 0 if a request from IP may look a token up now, or
 * the milliseconds until it may (its bucket of unknown tokens is empty).
 */
int64_t hbweb_addr_wait(struct hbweb *h, const char *ip, int64_t now_ms);
/* IP sent a token that matches no device: spend one from its bucket. */
void hbweb_addr_unknown(struct hbweb *h, const char *ip, int64_t now_ms);
/*
 * Device KEY called in: 0 if it is taken (and remembered as heard at
 * NOW_MS), or the milliseconds until the next one is.
 */
int64_t hbweb_device_wait(struct hbweb *h, const char *key, int64_t now_ms);

struct hbweb_stats {
	uint64_t accepted, unknown, limited_addr, limited_device;
};
void hbweb_get_stats(struct hbweb *h, struct hbweb_stats *st);

/*
 * The device's message made safe for the alert log and the inbox line:
 * control characters (C0, DEL, C1) removed, cut to HBWEB_MSG_MAX bytes
 * without splitting a character, into OUT (OUTLEN > HBWEB_MSG_MAX).
 * -1 if IN is not UTF-8.
 */
int hbweb_msg_clean(const char *in, char *out, size_t outlen);

/* The handler of GET|POST /hb/TOKEN (a struct route's fn). */
int hbweb_handle(struct web_req *r);

#endif
