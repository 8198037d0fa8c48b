/* test_heartbeat.c - the heartbeat probe judges the last heartbeat; the inbox carries them to the loop. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "common/config.h"
#include "daemon/inbox.h"
#include "probes/engine.h"

static struct probe_result last;
static int ndone;

static void
on_done(struct probe *p, struct probe_result *r)
{
	last = *r;
	ndone++;
}

static void
probe_init(struct probe *p, struct config_device *dev, int64_t interval_ms,
    int64_t grace_ms)
{
	memset(dev, 0, sizeof *dev);
	dev->key = "nvh-xa-la";
	dev->interval_ms = interval_ms;
	dev->heartbeat_grace_ms = grace_ms;
	memset(p, 0, sizeof *p);
	p->dev = dev;
	p->interval_ms = interval_ms;
	p->on_done = on_done;
	ndone = 0;
}

static void
sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	nanosleep(&ts, NULL);
}

static void
test_fresh_heartbeat_is_up(void **state)
{
	struct config_device dev;
	struct probe p;

	probe_init(&p, &dev, 60000, 0);
	heartbeat_seen(&p, true, NULL);
	probe_engine_heartbeat.start(NULL, &p);
	assert_int_equal(ndone, 1);
	assert_true(last.ok);
	assert_int_equal(last.received, 1);
	probe_engine_heartbeat.release(NULL, &p);
	assert_null(p.priv);
}

static void
test_reported_failure(void **state)
{
	struct config_device dev;
	struct probe p;

	probe_init(&p, &dev, 60000, 0);
	heartbeat_seen(&p, false, "WAN xuống <b>");
	probe_engine_heartbeat.start(NULL, &p);
	assert_false(last.ok);
	assert_int_equal(last.cause, CAUSE_REPORTED);
	assert_string_equal(last.detail, "device reports: WAN xuống <b>");
	assert_string_equal(probe_cause_name(last.cause), "reported");
	probe_engine_heartbeat.release(NULL, &p);
}

static void
test_never_heard_is_unknown_then_down(void **state)
{
	struct config_device dev;
	struct probe p;

	/* Window 100 ms: interval 50 ms and a grace of 50 ms. */
	probe_init(&p, &dev, 50, 50);
	probe_engine_heartbeat.start(NULL, &p);
	assert_false(last.ok);
	assert_int_equal(last.cause, CAUSE_MONITOR);
	sleep_ms(250);
	probe_engine_heartbeat.start(NULL, &p);
	assert_int_equal(last.cause, CAUSE_TIMEOUT);
	assert_non_null(strstr(last.detail, "no heartbeat received"));
	probe_engine_heartbeat.release(NULL, &p);
}

static void
test_late_heartbeat_is_a_failure(void **state)
{
	struct config_device dev;
	struct probe p;

	probe_init(&p, &dev, 50, 50);
	heartbeat_seen(&p, true, "ok");
	sleep_ms(250);
	probe_engine_heartbeat.start(NULL, &p);
	assert_false(last.ok);
	assert_int_equal(last.cause, CAUSE_TIMEOUT);
	assert_non_null(strstr(last.detail, "no heartbeat for"));
	heartbeat_seen(&p, true, "ok");
	probe_engine_heartbeat.start(NULL, &p);
	assert_true(last.ok);
	probe_engine_heartbeat.release(NULL, &p);
}

static int ndelivered;
static char delivered[64];

static char *
run(void *arg, const char *line)
{
	ndelivered++;
	snprintf(delivered, sizeof delivered, "%s", line);
	return strdup("{\"ok\":true}");
}

static void
test_inbox_bounded(void **state)
{
	struct ev_loop *loop = ev_loop_new(EVFLAG_AUTO);
	struct inbox *in = inbox_new(loop, 4, run, NULL);
	struct inbox_stats st;
	char line[64], err[128];

	ndelivered = 0;
	for (int i = 0; i < 6; i++) {
		snprintf(line, sizeof line, "heartbeat dev-%d ok", i);
		assert_int_equal(inbox_post(in, line), i < 4 ? 0 : -1);
	}
	/* Not one line: refused, never split into two commands. */
	assert_int_equal(inbox_post(in, "ping\nstop"), -1);
	inbox_get_stats(in, &st);
	assert_int_equal(st.depth, 4);
	assert_int_equal(st.refused, 3);
	/* Full: a caller is told at once rather than left waiting. */
	assert_null(inbox_call(in, "ping", 1000, err, sizeof err));
	assert_string_equal(err, "the daemon is busy (its inbox is full)");
	ev_run(loop, EVRUN_NOWAIT);
	assert_int_equal(ndelivered, 4);
	assert_string_equal(delivered, "heartbeat dev-3 ok");
	inbox_get_stats(in, &st);
	assert_int_equal(st.depth, 0);
	assert_int_equal(st.delivered, 4);
	/* Nobody runs the loop: the caller gives up after its timeout. */
	assert_null(inbox_call(in, "ping", 50, err, sizeof err));
	assert_string_equal(err, "the daemon did not answer in time");
	ev_run(loop, EVRUN_NOWAIT); /* the abandoned call still runs, safely */
	assert_int_equal(ndelivered, 5);
	inbox_free(in);
	ev_loop_destroy(loop);
}

static void *
loop_thread(void *arg)
{
	struct ev_loop *loop = arg;

	ev_run(loop, 0);
	return NULL;
}

static void
stop_cb(struct ev_loop *loop, ev_async *w, int revents)
{
	ev_break(loop, EVBREAK_ALL);
}

static void
test_inbox_call_answers(void **state)
{
	struct ev_loop *loop = ev_loop_new(EVFLAG_AUTO);
	struct inbox *in = inbox_new(loop, 8, run, NULL);
	ev_async stop;
	pthread_t t;
	char err[128], *answer;

	ev_async_init(&stop, stop_cb);
	ev_async_start(loop, &stop);
	pthread_create(&t, NULL, loop_thread, loop);
	answer = inbox_call(
	    in, "host-approve 00:11:22:33:44:55 PC", 5000, err, sizeof err);
	assert_non_null(answer);
	assert_string_equal(answer, "{\"ok\":true}");
	assert_string_equal(delivered, "host-approve 00:11:22:33:44:55 PC");
	free(answer);
	ev_async_send(loop, &stop);
	pthread_join(t, NULL);
	ev_async_stop(loop, &stop);
	inbox_free(in);
	ev_loop_destroy(loop);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_fresh_heartbeat_is_up),
	    cmocka_unit_test(test_reported_failure),
	    cmocka_unit_test(test_never_heard_is_unknown_then_down),
	    cmocka_unit_test(test_late_heartbeat_is_a_failure),
	    cmocka_unit_test(test_inbox_bounded),
	    cmocka_unit_test(test_inbox_call_answers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
