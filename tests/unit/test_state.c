/* test_state.c - unit tests of daemon/state: the availability rules. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "common/config.h"
#include "daemon/state.h"

#define MIN 60000LL
#define T0  1790787600000LL /* 2026-10-01 00:00 +07 */
/* Round K of a device probed every minute; a result lands 2 s later. */
#define AT(k)  (T0 + (int64_t)(k)*MIN)
#define NOW(k) (AT(k) + 2000)

#define MAXDEV 8
#define MAXEV  128

struct rec {
	struct state_event ev;
	size_t children[MAXDEV];
};

struct fixture {
	struct config cfg;
	struct config_device devs[MAXDEV];
	char keys[MAXDEV][16];
	struct statemachine *sm;
	struct rec ev[MAXEV];
	size_t nev;
};

static void
on_event(void *arg, const struct state_event *ev)
{
	struct fixture *f = arg;
	struct rec *r;

	assert_true(f->nev < MAXEV);
	r = &f->ev[f->nev++];
	r->ev = *ev;
	assert_true(ev->nchildren <= MAXDEV);
	if (ev->nchildren > 0)
		memcpy(r->children, ev->children,
		    ev->nchildren * sizeof *ev->children);
	/* The copy must not point into the state machine's scratch. */
	r->ev.children = NULL;
}

/* A device with the shipped defaults, but thresholds 3 down / 2 up. */
static void
dev_init(struct fixture *f, size_t i, const char *key, const char *probes,
    int parent)
{
	struct config_device *d = &f->devs[i];

	memset(d, 0, sizeof *d);
	snprintf(f->keys[i], sizeof f->keys[i], "%s", key);
	d->key = f->keys[i];
	d->name = f->keys[i];
	d->probes = (char *)probes;
	d->parent_index = parent;
	d->interval_ms = MIN;
	d->timeout_ms = 5000;
	d->fail_threshold = 3;
	d->success_threshold = 2;
	d->probe_rule = PROBE_RULE_ANY;
	d->icmp_count = 20;
	d->loss_warn = 20;
	d->rtt_warn_ms = 0;
	d->degraded_after_ms = 5 * MIN;
	d->flap_count = 6;
	d->flap_window_ms = 30 * MIN;
}

static void
fx_start(struct fixture *f, size_t n)
{
	f->cfg.devices = f->devs;
	f->cfg.ndevices = n;
	f->sm = state_new(&f->cfg, on_event, f, T0);
}

static int
fx_setup(void **state)
{
	static struct fixture f;

	memset(&f, 0, sizeof f);
	*state = &f;
	return 0;
}

static int
fx_teardown(void **state)
{
	struct fixture *f = *state;

	state_free(f->sm);
	f->sm = NULL;
	return 0;
}

static struct probe_result
res(bool ok, int64_t at_ms, enum probe_cause cause, const char *detail)
{
	struct probe_result r;

	memset(&r, 0, sizeof r);
	r.ok = ok;
	r.cause = ok ? CAUSE_NONE : cause;
	snprintf(r.detail, sizeof r.detail, "%s", detail);
	r.start_wall_ms = at_ms;
	r.rtt_us = ok ? 10000 : -1;
	r.rtt_min_us = r.rtt_max_us = r.rtt_us;
	r.jitter_us = -1;
	r.sent = 20;
	r.received = ok ? 20 : 0;
	r.cert_days = -1;
	return r;
}

/* An ICMP round of 20 echoes with LOST lost and mean RTT RTT_MS. */
static struct probe_result
icmp(int64_t at_ms, int lost, int rtt_ms)
{
	struct probe_result r = res(lost < 20, at_ms, CAUSE_LOSS, "");

	r.received = 20 - lost;
	r.rtt_us = lost < 20 ? (int64_t)rtt_ms * 1000 : -1;
	return r;
}

static void
good(struct fixture *f, size_t d, int k)
{
	struct probe_result r = res(true, AT(k), CAUSE_NONE, "rtt 10 ms");

	state_result(f->sm, d, 0, &r, NOW(k));
}

static void
bad(struct fixture *f, size_t d, int k)
{
	struct probe_result r =
	    res(false, AT(k), CAUSE_LOSS, "20 of 20 echoes lost");

	state_result(f->sm, d, 0, &r, NOW(k));
}

/* Rounds FROM..TO of device D, all good. */
static void
goods(struct fixture *f, size_t d, int from, int to)
{
	for (int k = from; k <= to; k++)
		good(f, d, k);
}

/* Rounds FROM..TO of device D, all bad. */
static void
bads(struct fixture *f, size_t d, int from, int to)
{
	for (int k = from; k <= to; k++)
		bad(f, d, k);
}

/* Rounds K * STEP of device 0 for K = FROM..TO: bad when K is odd. */
static void
flap(struct fixture *f, int from, int to, int step)
{
	for (int k = from; k <= to; k++) {
		if (k % 2)
			bad(f, 0, step * k);
		else
			good(f, 0, step * k);
	}
}

/* ICMP rounds FROM..TO of device 0, with LOST lost and mean RTT RTT_MS. */
static void
icmp_rounds(struct fixture *f, int from, int to, int lost, int rtt_ms)
{
	for (int k = from; k <= to; k++) {
		struct probe_result r = icmp(AT(k), lost, rtt_ms);

		state_result(f->sm, 0, 0, &r, NOW(k));
	}
}

/* Devices 0..N-1 up from round 0: good at rounds 0 and 1. */
static void
all_up(struct fixture *f, size_t n)
{
	for (size_t i = 0; i < n; i++)
		goods(f, i, 0, 1);
}

static void
assert_transition(const struct fixture *f, size_t i, size_t dev,
    enum dev_state from, enum dev_state to, int64_t at, bool alert)
{
	const struct state_event *ev;

	assert_true(i < f->nev);
	ev = &f->ev[i].ev;
	assert_int_equal(ev->type, SEV_TRANSITION);
	assert_int_equal(ev->device, dev);
	assert_int_equal(ev->from, from);
	assert_int_equal(ev->to, to);
	assert_int_equal(ev->at_ms, at);
	assert_int_equal(ev->alert, alert);
}

static void
assert_state(
    const struct fixture *f, size_t d, enum dev_state st, int64_t since)
{
	struct state_info info;

	state_get(f->sm, d, &info);
	assert_int_equal(info.state, st);
	assert_int_equal(info.since_ms, since);
}

static void
test_thresholds_backdated(void **state)
{
	struct fixture *f = *state;
	const struct state_event *ev;
	struct state_info info;

	dev_init(f, 0, "ap-1", "icmp", -1);
	fx_start(f, 1);
	assert_state(f, 0, DEV_UNKNOWN, T0);

	good(f, 0, 0);
	assert_int_equal(f->nev, 0);
	good(f, 0, 1);
	/* Unknown -> up is recorded, not alerted, from the first good probe. */
	assert_int_equal(f->nev, 1);
	assert_transition(f, 0, 0, DEV_UNKNOWN, DEV_UP, AT(0), false);

	bads(f, 0, 2, 3);
	assert_int_equal(f->nev, 1);
	bad(f, 0, 4);
	assert_int_equal(f->nev, 2);
	/* The outage starts at the first failed probe of the run. */
	assert_transition(f, 1, 0, DEV_UP, DEV_DOWN, AT(2), true);
	ev = &f->ev[1].ev;
	assert_int_equal(ev->cause, CAUSE_LOSS);
	assert_string_equal(ev->detail, "20 of 20 echoes lost");
	assert_int_equal(ev->nchildren, 0);

	/* One good probe is not a recovery; the run restarts. */
	good(f, 0, 5);
	bad(f, 0, 6);
	good(f, 0, 7);
	assert_int_equal(f->nev, 2);
	good(f, 0, 8);
	assert_int_equal(f->nev, 3);
	/* It ends at the first good probe of the run that recovered it. */
	assert_transition(f, 2, 0, DEV_DOWN, DEV_UP, AT(7), true);
	ev = &f->ev[2].ev;
	assert_int_equal(ev->outage_ms, AT(7) - AT(2));
	assert_int_equal(ev->outage_ms, 5 * MIN);
	assert_int_equal(ev->cause, CAUSE_NONE);

	state_get(f->sm, 0, &info);
	assert_int_equal(info.state, DEV_UP);
	assert_int_equal(info.since_ms, AT(7));
	assert_int_equal(info.last_rtt_us, 10000);
	assert_float_equal(info.last_loss_pct, 0.0, 1e-9);
	assert_int_equal(info.last_cause, CAUSE_NONE);
	assert_false(info.degraded);
	assert_false(info.flapping);
}

static void
test_single_failure_does_nothing(void **state)
{
	struct fixture *f = *state;
	struct state_info info;

	dev_init(f, 0, "ap-1", "icmp", -1);
	fx_start(f, 1);
	goods(f, 0, 0, 1);
	assert_int_equal(f->nev, 1);
	bad(f, 0, 2);
	good(f, 0, 3);
	bads(f, 0, 4, 5);
	good(f, 0, 6);
	bads(f, 0, 7, 8);
	good(f, 0, 9);
	/* Nor do lost rounds make it degraded: they are the verdict's. */
	assert_int_equal(f->nev, 1);
	assert_state(f, 0, DEV_UP, AT(0));
	/* The latest failure still shows in the status. */
	bad(f, 0, 10);
	state_get(f->sm, 0, &info);
	assert_false(info.degraded);
	assert_int_equal(info.last_cause, CAUSE_LOSS);
	assert_float_equal(info.last_loss_pct, 100.0, 1e-9);
	assert_int_equal(info.last_rtt_us, 10000);
}

static void
test_down_at_start(void **state)
{
	struct fixture *f = *state;

	dev_init(f, 0, "ap-1", "icmp", -1);
	fx_start(f, 1);
	bads(f, 0, 0, 1);
	assert_int_equal(f->nev, 0);
	bad(f, 0, 2);
	/* Found down at start: the officer is told. */
	assert_int_equal(f->nev, 1);
	assert_transition(f, 0, 0, DEV_UNKNOWN, DEV_DOWN, AT(0), true);
	goods(f, 0, 3, 4);
	assert_int_equal(f->nev, 2);
	assert_transition(f, 1, 0, DEV_DOWN, DEV_UP, AT(3), true);
	assert_int_equal(f->ev[1].ev.outage_ms, 3 * MIN);
}

static void
probe_res(struct fixture *f, size_t probe, bool good, int64_t at)
{
	struct probe_result r =
	    good ? res(true, at, CAUSE_NONE, "")
		 : res(false, at, CAUSE_REFUSED, "connection refused");

	state_result(f->sm, 0, probe, &r, at + 2000);
}

static void
test_probe_rule_any(void **state)
{
	struct fixture *f = *state;

	dev_init(f, 0, "fw", "icmp, tcp:443", -1);
	fx_start(f, 1);
	/* ICMP answers, the port is closed: any probe will do. */
	for (int k = 0; k < 4; k++) {
		probe_res(f, 0, true, AT(k));
		probe_res(f, 1, false, AT(k) + 1000);
	}
	assert_int_equal(f->nev, 1);
	assert_transition(f, 0, 0, DEV_UNKNOWN, DEV_UP, AT(0), false);
	/* Both fail: three bad verdicts in a row. */
	probe_res(f, 0, false, AT(4));
	probe_res(f, 1, false, AT(4) + 1000);
	assert_int_equal(f->nev, 1);
	probe_res(f, 0, false, AT(5));
	assert_int_equal(f->nev, 2);
	assert_transition(f, 1, 0, DEV_UP, DEV_DOWN, AT(4), true);
	/* One probe answering is enough to count towards recovery. */
	probe_res(f, 1, true, AT(5) + 1000);
	probe_res(f, 0, false, AT(6));
	assert_int_equal(f->nev, 3);
	assert_transition(f, 2, 0, DEV_DOWN, DEV_UP, AT(5) + 1000, true);
}

static void
test_probe_rule_all(void **state)
{
	struct fixture *f = *state;
	const struct state_event *ev;

	dev_init(f, 0, "fw", "icmp, tcp:443", -1);
	f->devs[0].probe_rule = PROBE_RULE_ALL;
	fx_start(f, 1);
	/* A probe that has not reported yet does not count either way. */
	probe_res(f, 0, true, AT(0));
	probe_res(f, 1, false, AT(0) + 1000);
	probe_res(f, 0, true, AT(1));
	assert_int_equal(f->nev, 0);
	probe_res(f, 1, false, AT(1) + 1000);
	assert_int_equal(f->nev, 1);
	/* Down from the port's first failure, for the port's reason. */
	assert_transition(f, 0, 0, DEV_UNKNOWN, DEV_DOWN, AT(0) + 1000, true);
	ev = &f->ev[0].ev;
	assert_int_equal(ev->cause, CAUSE_REFUSED);
	assert_string_equal(ev->detail, "connection refused");
	/* ICMP alone answering is not enough. */
	probe_res(f, 0, true, AT(2));
	probe_res(f, 1, true, AT(2) + 1000);
	assert_int_equal(f->nev, 1);
	probe_res(f, 0, true, AT(3));
	assert_int_equal(f->nev, 2);
	assert_transition(f, 1, 0, DEV_DOWN, DEV_UP, AT(2) + 1000, true);
	assert_int_equal(f->ev[1].ev.outage_ms, 2 * MIN);
}

static void
monitor(struct fixture *f, size_t d, int k)
{
	struct probe_result r =
	    res(false, AT(k), CAUSE_MONITOR, "SNMP authentication failed");

	state_result(f->sm, d, 0, &r, NOW(k));
}

static void
test_monitor_faults_unknown_not_down(void **state)
{
	struct fixture *f = *state;
	const struct state_event *ev;
	struct state_info info;

	dev_init(f, 0, "sw-1", "icmp", -1);
	fx_start(f, 1);
	goods(f, 0, 0, 1);
	monitor(f, 0, 2);
	monitor(f, 0, 3);
	assert_int_equal(f->nev, 1);
	monitor(f, 0, 4);
	assert_int_equal(f->nev, 2);
	assert_transition(f, 1, 0, DEV_UP, DEV_UNKNOWN, AT(2), true);
	ev = &f->ev[1].ev;
	assert_int_equal(ev->cause, CAUSE_MONITOR);
	assert_string_equal(ev->detail, "SNMP authentication failed");
	for (int k = 5; k < 10; k++)
		monitor(f, 0, k);
	assert_int_equal(f->nev, 2);
	state_get(f->sm, 0, &info);
	assert_int_equal(info.state, DEV_UNKNOWN);
	assert_int_equal(info.last_cause, CAUSE_MONITOR);

	goods(f, 0, 10, 11);
	assert_int_equal(f->nev, 3);
	assert_transition(f, 2, 0, DEV_UNKNOWN, DEV_UP, AT(10), false);

	/* Monitor faults neither break nor extend a failure run. */
	bad(f, 0, 12);
	monitor(f, 0, 13);
	bad(f, 0, 14);
	monitor(f, 0, 15);
	assert_int_equal(f->nev, 3);
	bad(f, 0, 16);
	assert_int_equal(f->nev, 4);
	assert_transition(f, 3, 0, DEV_UP, DEV_DOWN, AT(12), true);
}

/* Gateway 0 with access points 1..5 behind it, all up at round 1. */
static void
star_start(struct fixture *f)
{
	dev_init(f, 0, "gw", "icmp", -1);
	for (size_t i = 1; i <= 5; i++) {
		char key[16];

		snprintf(key, sizeof key, "ap-%zu", i);
		dev_init(f, i, key, "icmp", 0);
	}
	fx_start(f, 6);
	all_up(f, 6);
	assert_int_equal(f->nev, 6);
	f->nev = 0;
}

static void
test_parent_down_children_unreachable(void **state)
{
	struct fixture *f = *state;
	const struct state_event *ev;

	star_start(f);
	bads(f, 0, 2, 4);
	assert_int_equal(f->nev, 6);
	/* One alert, naming the five it took with it. */
	assert_transition(f, 0, 0, DEV_UP, DEV_DOWN, AT(2), true);
	ev = &f->ev[0].ev;
	assert_int_equal(ev->nchildren, 5);
	for (size_t i = 0; i < 5; i++)
		assert_int_equal(f->ev[0].children[i], i + 1);
	for (size_t i = 1; i <= 5; i++) {
		assert_transition(
		    f, i, i, DEV_UP, DEV_UNREACHABLE, AT(2), false);
		assert_int_equal(f->ev[i].ev.cause, CAUSE_UNREACHABLE);
		assert_string_equal(f->ev[i].ev.detail, "parent gw is down");
		assert_int_equal(f->ev[i].ev.nchildren, 0);
		assert_state(f, i, DEV_UNREACHABLE, AT(2));
	}

	/* Their own failures while the gateway is down change nothing. */
	for (int k = 5; k < 9; k++)
		for (size_t i = 1; i <= 5; i++)
			bad(f, i, k);
	assert_int_equal(f->nev, 6);

	/* The gateway recovers; each child is judged by its own results. */
	goods(f, 0, 9, 10);
	assert_int_equal(f->nev, 7);
	assert_transition(f, 6, 0, DEV_DOWN, DEV_UP, AT(9), true);
	assert_int_equal(f->ev[6].ev.outage_ms, 7 * MIN);
	for (size_t i = 1; i <= 4; i++) {
		goods(f, i, 11, 12);
	}
	bads(f, 5, 11, 12);
	assert_int_equal(f->nev, 11);
	for (size_t i = 1; i <= 4; i++)
		assert_transition(
		    f, 6 + i, i, DEV_UNREACHABLE, DEV_UP, AT(11), false);
	/* ap-5 really is broken: its outage starts after the restart. */
	bad(f, 5, 13);
	assert_int_equal(f->nev, 12);
	assert_transition(f, 11, 5, DEV_UNREACHABLE, DEV_DOWN, AT(11), true);
}

static void
test_child_first_waits_for_parent(void **state)
{
	struct fixture *f = *state;

	star_start(f);
	/* ap-1 is probed just before the gateway each round. */
	bad(f, 1, 2);
	bad(f, 0, 2);
	bad(f, 1, 3);
	bad(f, 0, 3);
	bad(f, 1, 4);
	/* ap-1 crossed first, but the gateway is failing too: wait. */
	assert_int_equal(f->nev, 0);
	assert_state(f, 1, DEV_UP, AT(0));
	bad(f, 0, 4);
	assert_int_equal(f->nev, 6);
	assert_transition(f, 0, 0, DEV_UP, DEV_DOWN, AT(2), true);
	assert_int_equal(f->ev[0].ev.nchildren, 5);
	assert_transition(f, 1, 1, DEV_UP, DEV_UNREACHABLE, AT(2), false);
}

static void
test_child_down_when_parent_recovers(void **state)
{
	struct fixture *f = *state;

	star_start(f);
	bad(f, 0, 2);
	bads(f, 1, 2, 4);
	assert_int_equal(f->nev, 0);
	/* The gateway's blip is over: ap-1's outage is its own. */
	good(f, 0, 3);
	assert_int_equal(f->nev, 1);
	assert_transition(f, 0, 1, DEV_UP, DEV_DOWN, AT(2), true);
	assert_int_equal(f->ev[0].ev.cause, CAUSE_LOSS);
	assert_int_equal(f->ev[0].ev.nchildren, 0);
	/* A later gateway outage leaves the down child alone. */
	bads(f, 0, 5, 7);
	assert_int_equal(f->nev, 6);
	assert_transition(f, 1, 0, DEV_UP, DEV_DOWN, AT(5), true);
	assert_int_equal(f->ev[1].ev.nchildren, 4);
	assert_int_equal(f->ev[1].children[0], 2);
	assert_int_equal(f->ev[1].children[3], 5);
	assert_state(f, 1, DEV_DOWN, AT(2));
}

static void
test_grandchildren(void **state)
{
	struct fixture *f = *state;

	dev_init(f, 0, "gw", "icmp", -1);
	dev_init(f, 1, "sw", "icmp", 0);
	dev_init(f, 2, "ap-a", "icmp", 1);
	dev_init(f, 3, "ap-b", "icmp", 1);
	fx_start(f, 4);
	all_up(f, 4);
	f->nev = 0;
	bads(f, 0, 2, 4);
	assert_int_equal(f->nev, 4);
	assert_int_equal(f->ev[0].ev.nchildren, 3);
	assert_int_equal(f->ev[0].children[0], 1);
	assert_int_equal(f->ev[0].children[1], 2);
	assert_int_equal(f->ev[0].children[2], 3);
	for (size_t i = 1; i <= 3; i++)
		assert_transition(
		    f, i, i, DEV_UP, DEV_UNREACHABLE, AT(2), false);
	assert_string_equal(f->ev[3].ev.detail, "parent gw is down");

	goods(f, 0, 5, 6);
	assert_int_equal(f->nev, 5);
	/* The switch is still unreachable: ap-a's failures wait for it. */
	bads(f, 2, 7, 9);
	assert_int_equal(f->nev, 5);
	goods(f, 1, 7, 8);
	assert_int_equal(f->nev, 6);
	assert_transition(f, 5, 1, DEV_UNREACHABLE, DEV_UP, AT(7), false);
	/* Now ap-a's own run decides, counted from the switch's return. */
	bads(f, 2, 10, 11);
	assert_int_equal(f->nev, 6);
	bad(f, 2, 12);
	assert_int_equal(f->nev, 7);
	assert_transition(f, 6, 2, DEV_UNREACHABLE, DEV_DOWN, AT(10), true);
	goods(f, 3, 13, 14);
	assert_int_equal(f->nev, 8);
	assert_transition(f, 7, 3, DEV_UNREACHABLE, DEV_UP, AT(13), false);
}

static void
test_maintenance_exits(void **state)
{
	struct fixture *f = *state;
	int64_t m;

	dev_init(f, 0, "a", "icmp", -1);
	dev_init(f, 1, "b", "icmp", -1);
	dev_init(f, 2, "c", "icmp", -1);
	fx_start(f, 3);
	all_up(f, 3);
	f->nev = 0;
	m = AT(2) + 30000;
	for (size_t i = 0; i < 3; i++)
		state_maintenance(f->sm, i, true, m);
	assert_int_equal(f->nev, 3);
	for (size_t i = 0; i < 3; i++)
		assert_transition(f, i, i, DEV_UP, DEV_MAINTENANCE, m, false);
	/* Twice on is once on. */
	state_maintenance(f->sm, 0, true, m + 1);
	assert_int_equal(f->nev, 3);

	/* a fails throughout; b fails then answers; c fails once. */
	bads(f, 0, 3, 7);
	bads(f, 1, 3, 5);
	good(f, 1, 6);
	good(f, 2, 3);
	bad(f, 2, 4);
	/* Nothing happens, and nothing is alerted, in maintenance. */
	assert_int_equal(f->nev, 3);

	m = AT(8);
	for (size_t i = 0; i < 3; i++)
		state_maintenance(f->sm, i, false, m);
	assert_int_equal(f->nev, 6);
	/* Down from the end of the window, not back-dated into it. */
	assert_transition(f, 3, 0, DEV_MAINTENANCE, DEV_DOWN, m, true);
	assert_int_equal(f->ev[3].ev.cause, CAUSE_LOSS);
	assert_transition(f, 4, 1, DEV_MAINTENANCE, DEV_UP, m, false);
	assert_transition(f, 5, 2, DEV_MAINTENANCE, DEV_UNKNOWN, m, false);
	/* Twice off is once off. */
	state_maintenance(f->sm, 2, false, m + 1);
	assert_int_equal(f->nev, 6);
	/* c's run went on through the window: two more make it down. */
	bad(f, 2, 9);
	assert_int_equal(f->nev, 6);
	bad(f, 2, 10);
	assert_int_equal(f->nev, 7);
	assert_transition(f, 6, 2, DEV_UNKNOWN, DEV_DOWN, m, true);
}

static void
test_maintenance_child_not_taken(void **state)
{
	struct fixture *f = *state;

	star_start(f);
	state_maintenance(f->sm, 3, true, AT(2));
	assert_int_equal(f->nev, 1);
	f->nev = 0;
	bads(f, 0, 3, 5);
	assert_int_equal(f->nev, 5);
	assert_int_equal(f->ev[0].ev.nchildren, 4);
	assert_int_equal(f->ev[0].children[2], 4);
	assert_state(f, 3, DEV_MAINTENANCE, AT(2));
	/* Out of maintenance with its own failures while gw is down. */
	bads(f, 3, 6, 8);
	state_maintenance(f->sm, 3, false, AT(9));
	assert_int_equal(f->nev, 6);
	assert_transition(
	    f, 5, 3, DEV_MAINTENANCE, DEV_UNREACHABLE, AT(9), true);
	assert_string_equal(f->ev[5].ev.detail, "parent gw is down");
	/* Maintenance on a down device silences it until the end. */
	state_maintenance(f->sm, 0, true, AT(10));
	assert_int_equal(f->nev, 7);
	assert_transition(f, 6, 0, DEV_DOWN, DEV_MAINTENANCE, AT(10), false);
	goods(f, 0, 11, 12);
	assert_int_equal(f->nev, 7);
	state_maintenance(f->sm, 0, false, AT(13));
	assert_transition(f, 7, 0, DEV_MAINTENANCE, DEV_UP, AT(13), false);
}

static void
test_degraded_loss_hysteresis(void **state)
{
	struct fixture *f = *state;
	const struct state_event *ev;
	struct state_info info;

	dev_init(f, 0, "ap-1", "icmp", -1);
	fx_start(f, 1);
	icmp_rounds(f, 0, 1, 0, 10);
	assert_int_equal(f->nev, 1);
	/*
	 * The window opened with round 1 (the first while up) and is full
	 * from round 6: rounds 2..6 then hold 5 × 20 echoes, 30 lost.
	 */
	icmp_rounds(f, 2, 5, 6, 12);
	assert_int_equal(f->nev, 1);
	icmp_rounds(f, 6, 6, 6, 12);
	assert_int_equal(f->nev, 2);
	ev = &f->ev[1].ev;
	assert_int_equal(ev->type, SEV_DEGRADED);
	assert_int_equal(ev->device, 0);
	assert_int_equal(ev->from, DEV_UP);
	assert_int_equal(ev->to, DEV_UP);
	assert_int_equal(ev->at_ms, NOW(6));
	assert_true(ev->alert);
	assert_float_equal(ev->loss_pct, 30.0, 1e-9);
	assert_int_equal(ev->rtt_us, 12000);
	assert_string_equal(ev->detail, "loss 30.0% over 5m, mean RTT 12.0 ms");
	state_get(f->sm, 0, &info);
	assert_true(info.degraded);
	assert_int_equal(info.state, DEV_UP);
	assert_float_equal(info.last_loss_pct, 30.0, 1e-9);

	/* Still lossy: raised once only. 15% is not below 20 / 2. */
	icmp_rounds(f, 7, 11, 3, 12);
	assert_int_equal(f->nev, 2);
	/* 5% rounds: the window goes 13%, 11%, then 9% < 10%. */
	icmp_rounds(f, 12, 13, 1, 12);
	assert_int_equal(f->nev, 2);
	icmp_rounds(f, 14, 14, 1, 12);
	assert_int_equal(f->nev, 3);
	ev = &f->ev[2].ev;
	assert_int_equal(ev->type, SEV_RECOVERED);
	assert_int_equal(ev->at_ms, NOW(14));
	assert_float_equal(ev->loss_pct, 9.0, 1e-9);
	state_get(f->sm, 0, &info);
	assert_false(info.degraded);
}

static void
test_degraded_ten_percent_is_fine(void **state)
{
	struct fixture *f = *state;

	dev_init(f, 0, "ap-1", "icmp", -1);
	fx_start(f, 1);
	icmp_rounds(f, 0, 1, 0, 10);
	icmp_rounds(f, 2, 19, 2, 10);
	assert_int_equal(f->nev, 1);
	assert_int_equal(f->ev[0].ev.type, SEV_TRANSITION);
}

static void
test_degraded_rtt(void **state)
{
	struct fixture *f = *state;
	const struct state_event *ev;

	dev_init(f, 0, "ap-1", "icmp", -1);
	f->devs[0].rtt_warn_ms = 100;
	fx_start(f, 1);
	icmp_rounds(f, 0, 1, 0, 20);
	icmp_rounds(f, 2, 6, 0, 150);
	assert_int_equal(f->nev, 2);
	ev = &f->ev[1].ev;
	assert_int_equal(ev->type, SEV_DEGRADED);
	assert_int_equal(ev->at_ms, NOW(6));
	assert_int_equal(ev->rtt_us, 150000);
	assert_float_equal(ev->loss_pct, 0.0, 1e-9);
	/* 90 ms is under the threshold but not under 0.8 × 100 ms. */
	icmp_rounds(f, 7, 11, 0, 90);
	assert_int_equal(f->nev, 2);
	/* 60 ms rounds: the window's mean goes 84, then 78 ms. */
	icmp_rounds(f, 12, 12, 0, 60);
	assert_int_equal(f->nev, 2);
	icmp_rounds(f, 13, 13, 0, 60);
	assert_int_equal(f->nev, 3);
	ev = &f->ev[2].ev;
	assert_int_equal(ev->type, SEV_RECOVERED);
	assert_int_equal(ev->rtt_us, 78000);
}

static void
test_degraded_cleared_by_outage(void **state)
{
	struct fixture *f = *state;
	struct state_info info;

	dev_init(f, 0, "ap-1", "icmp", -1);
	fx_start(f, 1);
	icmp_rounds(f, 0, 1, 0, 10);
	icmp_rounds(f, 2, 6, 10, 10);
	assert_int_equal(f->nev, 2);
	assert_int_equal(f->ev[1].ev.type, SEV_DEGRADED);
	/* Down says more than degraded: no warning while down. */
	icmp_rounds(f, 7, 9, 20, 0);
	assert_int_equal(f->nev, 3);
	assert_transition(f, 2, 0, DEV_UP, DEV_DOWN, AT(7), true);
	state_get(f->sm, 0, &info);
	assert_false(info.degraded);
	/* Back up, clean: the window starts again and stays quiet. */
	icmp_rounds(f, 10, 20, 0, 10);
	assert_int_equal(f->nev, 4);
	assert_transition(f, 3, 0, DEV_DOWN, DEV_UP, AT(10), true);
}

static void
test_flapping(void **state)
{
	struct fixture *f = *state;
	const struct state_event *ev;
	struct state_info info;
	size_t i;

	dev_init(f, 0, "ap-1", "icmp", -1);
	f->devs[0].fail_threshold = 1;
	f->devs[0].success_threshold = 1;
	fx_start(f, 1);
	good(f, 0, 0);
	assert_int_equal(f->nev, 1);
	/* Down at odd rounds, up at even ones: 6 changes by round 6. */
	flap(f, 1, 5, 1);
	assert_int_equal(f->nev, 6);
	for (i = 1; i < 6; i++)
		assert_true(f->ev[i].ev.alert);
	good(f, 0, 6);
	assert_int_equal(f->nev, 8);
	assert_transition(f, 6, 0, DEV_DOWN, DEV_UP, AT(6), true);
	ev = &f->ev[7].ev;
	assert_int_equal(ev->type, SEV_FLAPPING);
	assert_int_equal(ev->at_ms, AT(6));
	assert_true(ev->alert);
	assert_string_equal(ev->detail, "6 up/down changes within 30m");
	state_get(f->sm, 0, &info);
	assert_true(info.flapping);

	/* Still flapping: recorded, not alerted, and flagged only once. */
	flap(f, 7, 10, 1);
	assert_int_equal(f->nev, 12);
	for (i = 8; i < 12; i++) {
		assert_int_equal(f->ev[i].ev.type, SEV_TRANSITION);
		assert_false(f->ev[i].ev.alert);
	}
	/* Quiet from round 10: stable once 30 minutes have passed. */
	goods(f, 0, 11, 39);
	assert_int_equal(f->nev, 12);
	good(f, 0, 40);
	assert_int_equal(f->nev, 13);
	ev = &f->ev[12].ev;
	assert_int_equal(ev->type, SEV_STABLE);
	assert_int_equal(ev->at_ms, AT(10) + 30 * MIN);
	assert_int_equal(ev->to, DEV_UP);
	assert_true(ev->alert);
	state_get(f->sm, 0, &info);
	assert_false(info.flapping);
	/* The next outage is news again. */
	bad(f, 0, 41);
	assert_int_equal(f->nev, 14);
	assert_transition(f, 13, 0, DEV_UP, DEV_DOWN, AT(41), true);
}

static void
test_flapping_needs_the_window(void **state)
{
	struct fixture *f = *state;

	dev_init(f, 0, "ap-1", "icmp", -1);
	f->devs[0].fail_threshold = 1;
	f->devs[0].success_threshold = 1;
	fx_start(f, 1);
	good(f, 0, 0);
	/* Six changes 7 minutes apart span 35 minutes: not flapping. */
	flap(f, 1, 6, 7);
	assert_int_equal(f->nev, 7);
	for (size_t i = 1; i < f->nev; i++) {
		assert_int_equal(f->ev[i].ev.type, SEV_TRANSITION);
		assert_true(f->ev[i].ev.alert);
	}
	/* A seventh soon after: the last six span 43 - 14 = 29 minutes. */
	bad(f, 0, 43);
	assert_int_equal(f->nev, 9);
	assert_int_equal(f->ev[8].ev.type, SEV_FLAPPING);
}

static void
test_reconfigure_by_key(void **state)
{
	struct fixture *f = *state;
	struct config cfg2;
	struct config_device devs2[3];
	struct state_info info;

	dev_init(f, 0, "a", "icmp", -1);
	dev_init(f, 1, "b", "icmp", -1);
	dev_init(f, 2, "c", "icmp", -1);
	fx_start(f, 3);
	goods(f, 0, 0, 1);
	bads(f, 1, 0, 2);
	assert_int_equal(f->nev, 2);
	bads(f, 0, 2, 3);

	/* b is gone; d is new, behind a; the order changed. */
	memset(&cfg2, 0, sizeof cfg2);
	devs2[0] = f->devs[2];
	devs2[1] = f->devs[0];
	devs2[2] = f->devs[0];
	devs2[2].key = "d";
	devs2[2].parent_index = 1;
	cfg2.devices = devs2;
	cfg2.ndevices = 3;
	state_reconfigure(f->sm, &cfg2, AT(4));
	/* Reconfiguring raises nothing. */
	assert_int_equal(f->nev, 2);
	assert_state(f, 0, DEV_UNKNOWN, T0);
	assert_state(f, 1, DEV_UP, AT(0));
	assert_state(f, 2, DEV_UNKNOWN, AT(4));
	state_get(f->sm, 2, &info);
	assert_int_equal(info.last_rtt_us, -1);
	assert_float_equal(info.last_loss_pct, -1, 0);
	/* Past the end: an unknown, empty answer. */
	state_get(f->sm, 3, &info);
	assert_int_equal(info.state, DEV_UNKNOWN);

	/* a's run survived the reload: one more failure makes three. */
	bad(f, 1, 4);
	assert_int_equal(f->nev, 4);
	assert_transition(f, 2, 1, DEV_UP, DEV_DOWN, AT(2), true);
	/* d had nothing to lose when a went down; it fails behind a. */
	assert_int_equal(f->ev[2].ev.nchildren, 1);
	assert_int_equal(f->ev[2].children[0], 2);
	assert_transition(f, 3, 2, DEV_UNKNOWN, DEV_UNREACHABLE, AT(4), false);
	bads(f, 2, 5, 7);
	assert_int_equal(f->nev, 4);
	/* Results for a removed device's old index go to the new one. */
	goods(f, 0, 5, 6);
	assert_int_equal(f->nev, 5);
	assert_transition(f, 4, 0, DEV_UNKNOWN, DEV_UP, AT(5), false);
}

static void
test_reconfigure_new_child_of_down_parent(void **state)
{
	struct fixture *f = *state;
	struct config cfg2;
	struct config_device devs2[2];

	dev_init(f, 0, "gw", "icmp", -1);
	fx_start(f, 1);
	bads(f, 0, 0, 2);
	assert_int_equal(f->nev, 1);
	memset(&cfg2, 0, sizeof cfg2);
	devs2[0] = f->devs[0];
	dev_init(f, 1, "ap-new", "icmp", 0);
	devs2[1] = f->devs[1];
	cfg2.devices = devs2;
	cfg2.ndevices = 2;
	state_reconfigure(f->sm, &cfg2, AT(3));
	/* A child failing while its parent is down is unreachable. */
	bads(f, 1, 4, 6);
	assert_int_equal(f->nev, 2);
	assert_transition(f, 1, 1, DEV_UNKNOWN, DEV_UNREACHABLE, AT(4), true);
	assert_string_equal(f->ev[1].ev.detail, "parent gw is down");
}

static void
test_parent_maintenance_blocks(void **state)
{
	struct fixture *f = *state;

	star_start(f);
	state_maintenance(f->sm, 0, true, AT(2));
	assert_int_equal(f->nev, 1);
	/* The router is being replaced: its access points drop out. */
	bads(f, 2, 3, 5);
	assert_int_equal(f->nev, 2);
	assert_transition(f, 1, 2, DEV_UP, DEV_UNREACHABLE, AT(3), true);
	assert_string_equal(f->ev[1].ev.detail, "parent gw is in maintenance");
	/* Back from maintenance: the access point's own results decide. */
	good(f, 0, 6);
	state_maintenance(f->sm, 0, false, AT(7));
	assert_int_equal(f->nev, 3);
	assert_transition(f, 2, 0, DEV_MAINTENANCE, DEV_UP, AT(7), false);
	bads(f, 2, 7, 8);
	assert_int_equal(f->nev, 3);
	bad(f, 2, 9);
	assert_int_equal(f->nev, 4);
	assert_transition(f, 3, 2, DEV_UNREACHABLE, DEV_DOWN, AT(7), true);
}

static void
test_waiting_child_released_by_monitor_fault(void **state)
{
	struct fixture *f = *state;

	star_start(f);
	bad(f, 0, 2);
	bads(f, 1, 2, 4);
	assert_int_equal(f->nev, 0);
	/* The gateway can no longer be judged: nothing to wait for. */
	monitor(f, 0, 3);
	monitor(f, 0, 4);
	assert_int_equal(f->nev, 0);
	monitor(f, 0, 5);
	assert_int_equal(f->nev, 2);
	assert_transition(f, 0, 0, DEV_UP, DEV_UNKNOWN, AT(3), true);
	assert_transition(f, 1, 1, DEV_UP, DEV_DOWN, AT(2), true);
}

static void
test_only_icmp_rounds_judge_degraded(void **state)
{
	struct fixture *f = *state;
	struct probe_result r;
	struct state_info info;

	dev_init(f, 0, "ap-1", "http://ap-1/, icmp", -1);
	f->devs[0].rtt_warn_ms = 100;
	fx_start(f, 1);
	for (int k = 0; k <= 10; k++) {
		/* A slow web page is not a slow network. */
		r = res(true, AT(k), CAUSE_NONE, "HTTP 200");
		r.rtt_us = 900000;
		r.sent = 1;
		r.received = 1;
		state_result(f->sm, 0, 0, &r, NOW(k));
		r = icmp(AT(k) + 1000, 2, 30);
		state_result(f->sm, 0, 1, &r, NOW(k) + 1000);
	}
	assert_int_equal(f->nev, 1);
	state_get(f->sm, 0, &info);
	assert_false(info.degraded);
	assert_int_equal(info.last_rtt_us, 30000);
	assert_float_equal(info.last_loss_pct, 10.0, 1e-9);
	/* The HTTP probe's own loss is not an ICMP round's. */
	r = res(false, AT(11), CAUSE_HTTP_STATUS, "HTTP 500");
	r.sent = 1;
	state_result(f->sm, 0, 0, &r, NOW(11));
	state_get(f->sm, 0, &info);
	assert_float_equal(info.last_loss_pct, 10.0, 1e-9);
	assert_int_equal(info.last_cause, CAUSE_HTTP_STATUS);
}

static void
test_bad_indices(void **state)
{
	struct fixture *f = *state;
	struct probe_result r = res(true, AT(0), CAUSE_NONE, "");

	dev_init(f, 0, "ap-1", "icmp", -1);
	fx_start(f, 1);
	state_result(f->sm, 1, 0, &r, NOW(0));
	state_maintenance(f->sm, 7, true, NOW(0));
	assert_int_equal(f->nev, 0);
	/* A probe index past the list as we counted it still counts. */
	state_result(f->sm, 0, 2, &r, NOW(0));
	r.start_wall_ms = AT(1);
	state_result(f->sm, 0, 2, &r, NOW(1));
	assert_int_equal(f->nev, 1);
	assert_transition(f, 0, 0, DEV_UNKNOWN, DEV_UP, AT(0), false);
	/* No start time: the result counts when it arrived. */
	r = res(false, 0, CAUSE_TIMEOUT, "timeout");
	for (int k = 2; k <= 4; k++)
		state_result(f->sm, 0, 2, &r, NOW(k));
	assert_int_equal(f->nev, 2);
	assert_transition(f, 1, 0, DEV_UP, DEV_DOWN, NOW(2), true);
}

int
main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, fx_setup, fx_teardown)
	const struct CMUnitTest tests[] = {
	    T(test_thresholds_backdated),
	    T(test_single_failure_does_nothing),
	    T(test_down_at_start),
	    T(test_probe_rule_any),
	    T(test_probe_rule_all),
	    T(test_monitor_faults_unknown_not_down),
	    T(test_parent_down_children_unreachable),
	    T(test_child_first_waits_for_parent),
	    T(test_child_down_when_parent_recovers),
	    T(test_grandchildren),
	    T(test_maintenance_exits),
	    T(test_maintenance_child_not_taken),
	    T(test_degraded_loss_hysteresis),
	    T(test_degraded_ten_percent_is_fine),
	    T(test_degraded_rtt),
	    T(test_degraded_cleared_by_outage),
	    T(test_flapping),
	    T(test_flapping_needs_the_window),
	    T(test_reconfigure_by_key),
	    T(test_reconfigure_new_child_of_down_parent),
	    T(test_parent_maintenance_blocks),
	    T(test_waiting_child_released_by_monitor_fault),
	    T(test_only_icmp_rounds_judge_degraded),
	    T(test_bad_indices),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
