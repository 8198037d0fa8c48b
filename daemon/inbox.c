/* inbox.c - the bounded queue from other threads to the loop (ev_async). */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/util.h"
#include "daemon/inbox.h"

/* Run per wakeup, so that a flood cannot hold the loop. */
#define INBOX_BATCH 64

/*
 * A caller waiting for an answer. Shared by the caller and the loop:
 * whoever finishes with it last frees it (REFS), so a caller that gave
 * up waiting never leaves the loop writing into freed memory.
 */
struct inbox_call {
	pthread_cond_t done_cv;
	bool done;
	int refs;
	char *answer;
};

struct inbox_item {
	char line[INBOX_LINE_MAX + 1];
	struct inbox_call *call; /* NULL: nobody waits */
};

struct inbox {
	struct ev_loop *loop;
	ev_async wake;
	inbox_run_fn fn;
	void *arg;
	pthread_mutex_t lock;
	struct inbox_item *ring;
	size_t cap, head, n;
	struct inbox_stats stats;
};

/* Under IN->lock: drop one reference to C, freeing it with the last. */
static void
inbox_call_unref(struct inbox_call *c)
{
	if (--c->refs > 0)
		return;
	pthread_cond_destroy(&c->done_cv);
	free(c->answer);
	free(c);
}

static void
inbox_wake_cb(struct ev_loop *loop, ev_async *w, int revents)
{
	struct inbox *in = w->data;
	struct inbox_item batch[INBOX_BATCH];
	size_t n = 0;
	bool more;

	pthread_mutex_lock(&in->lock);
	while (n < INBOX_BATCH && in->n > 0) {
		batch[n++] = in->ring[in->head];
		in->head = (in->head + 1) % in->cap;
		in->n--;
	}
	in->stats.delivered += n;
	more = in->n > 0;
	pthread_mutex_unlock(&in->lock);
	for (size_t i = 0; i < n; i++) {
		char *answer = in->fn(in->arg, batch[i].line);

		if (batch[i].call == NULL) {
			free(answer);
			continue;
		}
		pthread_mutex_lock(&in->lock);
		batch[i].call->answer = answer;
		batch[i].call->done = true;
		pthread_cond_signal(&batch[i].call->done_cv);
		inbox_call_unref(batch[i].call);
		pthread_mutex_unlock(&in->lock);
	}
	if (more)
		ev_async_send(loop, &in->wake);
}

struct inbox *
inbox_new(struct ev_loop *loop, size_t cap, inbox_run_fn fn, void *arg)
{
	struct inbox *in = xcalloc(1, sizeof *in);

	in->loop = loop;
	in->fn = fn;
	in->arg = arg;
	in->cap = cap > 0 ? cap : 1;
	in->ring = xcalloc(in->cap, sizeof *in->ring);
	pthread_mutex_init(&in->lock, NULL);
	ev_async_init(&in->wake, inbox_wake_cb);
	in->wake.data = in;
	ev_async_start(loop, &in->wake);
	/* Wakes the loop without keeping it alive on its own. */
	ev_unref(loop);
	return in;
}

void
inbox_free(struct inbox *in)
{
	if (in == NULL)
		return;
	ev_ref(in->loop);
	ev_async_stop(in->loop, &in->wake);
	/* Callers still waiting (none, once the web is stopped) give up. */
	for (; in->n > 0; in->n--, in->head = (in->head + 1) % in->cap)
		if (in->ring[in->head].call != NULL) {
			pthread_mutex_lock(&in->lock);
			in->ring[in->head].call->done = true;
			pthread_cond_signal(&in->ring[in->head].call->done_cv);
			inbox_call_unref(in->ring[in->head].call);
			pthread_mutex_unlock(&in->lock);
		}
	pthread_mutex_destroy(&in->lock);
	free(in->ring);
	free(in);
}

/* Queue LINE with CALL (may be NULL). 0, or -1 (counted). */
static int
inbox_push(struct inbox *in, const char *line, struct inbox_call *call)
{
	size_t len = strlen(line);
	int rc = 0;

	pthread_mutex_lock(&in->lock);
	if (in->n == in->cap || len > INBOX_LINE_MAX ||
	    strpbrk(line, "\r\n") != NULL) {
		in->stats.refused++;
		rc = -1;
	} else {
		struct inbox_item *it = &in->ring[(in->head + in->n) % in->cap];

		memcpy(it->line, line, len + 1);
		it->call = call;
		if (call != NULL)
			call->refs++;
		in->n++;
		in->stats.posted++;
	}
	pthread_mutex_unlock(&in->lock);
	if (rc == 0)
		ev_async_send(in->loop, &in->wake);
	return rc;
}

int
inbox_post(struct inbox *in, const char *line)
{
	return inbox_push(in, line, NULL);
}

char *
inbox_call(struct inbox *in, const char *line, int64_t timeout_ms, char *err,
    size_t errlen)
{
	struct inbox_call *c = xcalloc(1, sizeof *c);
	pthread_condattr_t ca;
	struct timespec until;
	char *answer = NULL;

	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&c->done_cv, &ca);
	pthread_condattr_destroy(&ca);
	c->refs = 1;
	if (inbox_push(in, line, c) == -1) {
		snprintf(err, errlen, "the daemon is busy (its inbox is full)");
		pthread_mutex_lock(&in->lock);
		inbox_call_unref(c);
		pthread_mutex_unlock(&in->lock);
		return NULL;
	}
	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += timeout_ms / 1000;
	until.tv_nsec += (timeout_ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&in->lock);
	while (!c->done && pthread_cond_timedwait(
			       &c->done_cv, &in->lock, &until) != ETIMEDOUT)
		;
	if (c->done && c->answer != NULL) {
		answer = c->answer;
		c->answer = NULL;
	} else if (!c->done) {
		in->stats.timeouts++;
		snprintf(err, errlen, "the daemon did not answer in time");
	} else
		snprintf(err, errlen, "the daemon gave no answer");
	inbox_call_unref(c);
	pthread_mutex_unlock(&in->lock);
	return answer;
}

void
inbox_get_stats(struct inbox *in, struct inbox_stats *st)
{
	pthread_mutex_lock(&in->lock);
	*st = in->stats;
	st->depth = in->n;
	st->cap = in->cap;
	pthread_mutex_unlock(&in->lock);
}
