/*
 * evidence.h - the snapshot scheduler on the loop: daily and quarterly
 * evidence packs (and manual ones) built in a worker thread, recorded
 * with their outbox rows, then delivered by the push engine.
 */
#ifndef XANET_EVIDENCE_H
#define XANET_EVIDENCE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

struct xanetd;
struct evidence;

/* After the writer, the alert log and x->sigkey exist. NULL (logged). */
struct evidence *evidence_new(struct xanetd *x);
/*
 * Follow x->cfg after a reload. Waits for a pack being built (it reads
 * the old configuration), so call it before the old one is freed.
 */
void evidence_reconfigure(struct evidence *ev);
/*
 * Queue a snapshot now: KIND "manual" (today so far), "daily" (today
 * so far, as the day's snapshot) or "quarterly" (the quarter so far).
 * Its uid into UID (SNAPSHOT_UID_LEN bytes). 0, or -1 (ERR).
 */
int evidence_snapshot_now(
    struct evidence *ev, const char *kind, char *uid, char *err, size_t errlen);
/* Outbox item ID due now (pending or quarantined). 0, or -1 (ERR). */
int evidence_push_retry(
    struct evidence *ev, int64_t id, char *err, size_t errlen);
/* Every pending item due now: their number, or -1. */
int evidence_push_now(struct evidence *ev);
/* The newest outbox items for push-status (at most LIMIT). */
json_t *evidence_push_status(struct evidence *ev, int limit);
/* Waits for a pack being built; interrupted deliveries are due again. */
void evidence_free(struct evidence *ev);

#endif
