/*
 * inbox.h - the bounded queue through which other threads (the web
 * server) hand work to the loop. What they hand over is a control
 * command line (daemon/ctlcmd.c: "host-approve MAC NAME", "heartbeat
 * KEY ok MSG", ...), run on the loop thread exactly as if it came from
 * the control socket, so that every change has one implementation and
 * only the loop writes the database. A full inbox refuses (and counts)
 * rather than grow or block the poster.
 */
#ifndef XANET_INBOX_H
#define XANET_INBOX_H

#include <ev.h>
#include <stddef.h>
#include <stdint.h>

#define INBOX_LINE_MAX 256 /* as a control socket request */

struct inbox;
/* Runs LINE on the loop; returns the malloc'd JSON answer (or NULL). */
typedef char *(*inbox_run_fn)(void *arg, const char *line);

struct inbox *inbox_new(
    struct ev_loop *loop, size_t cap, inbox_run_fn fn, void *arg);
/* Loop thread, after the posting threads have stopped. */
void inbox_free(struct inbox *in);
/*
 * Any thread: queue LINE (at most INBOX_LINE_MAX bytes, one line) and
 * return at once; its answer is dropped. 0, or -1 when full or LINE is
 * too long (counted as refused).
 */
int inbox_post(struct inbox *in, const char *line);
/*
 * Any thread but the loop's: queue LINE and wait up to TIMEOUT_MS for
 * its answer, the JSON text (malloc'd; the caller frees it). NULL with
 * the reason in ERR when the inbox is full or the loop did not answer
 * in time (the command may still run later).
 */
char *inbox_call(struct inbox *in, const char *line, int64_t timeout_ms,
    char *err, size_t errlen);

struct inbox_stats {
	uint64_t posted, delivered, refused, timeouts;
	size_t depth, cap;
};
/* Any thread. */
void inbox_get_stats(struct inbox *in, struct inbox_stats *st);

#endif
