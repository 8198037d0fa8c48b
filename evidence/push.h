/*
 * push.h - delivery of evidence packs to the push targets ([push NAME]):
 * the outbox (store/snapshot.h) worked through libcurl's multi interface
 * on the loop, with retries, back-off and quarantine.
 */
#ifndef XANET_PUSH_H
#define XANET_PUSH_H

#include <ev.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct config;
struct writer;

/* Requests in flight at once, over all targets. */
#define PUSH_CONCURRENCY 4

/* What an attempt's outcome means for its outbox item. */
enum push_verdict {
	PUSH_SENT,
	PUSH_RETRY,      /* transient: try again after a back-off */
	PUSH_QUARANTINE, /* the target refused it: wait for the officer */
};

/*
 * Classify an attempt on a target of TYPE (enum push_type) that ended
 * with libcurl's CURLCODE and the server's last response CODE (HTTP
 * status or SMTP reply; 0 if none).
 */
enum push_verdict push_classify(int type, int curlcode, long code);

/*
 * Full jitter back-off: a delay drawn uniformly in
 * [0, min(CAP_MS, BASE_MS * 2^ATTEMPTS)] from RND (a uniform random
 * 64-bit number), so that many communes retrying at once spread out.
 */
int64_t push_backoff_ms(
    int attempts, int64_t base_ms, int64_t cap_ms, uint64_t rnd);

/*
 * A Retry-After header's value (RFC 9110: delay-seconds or an HTTP
 * date) as a delay from NOW_MS into *DELAY_MS (0 for a date already
 * past). 0, or -1 if it is neither.
 */
int push_retry_after_parse(
    const char *value, int64_t now_ms, int64_t *delay_ms);

/* Something the officer must see: an alert, raised by the caller. */
typedef void (*push_event_fn)(
    void *arg, const char *severity, const char *event, const char *details);

struct push;

/*
 * A push engine on LOOP writing through W, delivering to CFG's targets
 * (the pointer must stay valid until push_reconfigure or push_free).
 * EVENT is called for push-quarantined and push-backlog.
 */
struct push *push_new(struct ev_loop *loop, struct writer *w,
    const struct config *cfg, push_event_fn event, void *arg);
/* Follow a new configuration (reload); attempts in flight finish. */
void push_reconfigure(struct push *p, const struct config *cfg);
/* The signing key's fingerprint, quoted in mails; NULL: none. */
void push_set_fingerprint(struct push *p, const char *fpr);
/* Look at the outbox now (a snapshot was added, an item made due). */
void push_kick(struct push *p);
/* Attempts in flight. */
size_t push_inflight(const struct push *p);
void push_free(struct push *p);

#endif
