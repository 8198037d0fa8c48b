/* state.c - each device's availability state and the events it raises. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/config.h"
#include "common/duration.h"
#include "common/util.h"
#include "daemon/state.h"

/*
 * Bounds, so that a config typo cannot make one device eat the memory:
 * probes per device, flap ring entries (the config allows 2-100) and
 * rounds kept in a degraded window.
 */
#define STATE_MAX_PROBES 64
#define STATE_MAX_FLAPS  100
#define STATE_MAX_ROUNDS 2048

/* A probe's latest word, as the verdict sees it. */
enum probe_word {
	WORD_NONE, /* no result yet, or the monitor could not probe */
	WORD_OK,
	WORD_FAIL,
};

enum verdict {
	VERDICT_NONE,
	VERDICT_GOOD,
	VERDICT_BAD,
};

struct sprobe {
	enum probe_word word;
	bool icmp; /* feeds the degraded window and last_loss_pct */
};

/* One ICMP round in the degraded window. */
/* 16 bytes: every ICMP device keeps a window of these. */
struct round {
	int64_t at_ms;
	int32_t rtt_us; /* -1: none; clamped to 2,147 s */
	uint16_t sent;  /* echoes of the round (at most 100) */
	uint16_t received;
};

struct sdev {
	char *key;
	/* The list as written: on reconfigure, do probe indices still match? */
	char *probes_text;

	/* Copied from the config, which may be freed before us. */
	int parent;
	int fail_threshold;
	int success_threshold;
	int probe_rule;
	double loss_warn;
	int64_t rtt_warn_ms;
	int64_t degraded_after_ms;
	int flap_count;
	int64_t flap_window_ms;

	struct sprobe *probes;
	size_t nprobes;

	enum dev_state state;
	int64_t since_ms;
	int fail_streak;
	int64_t fail_start_ms;
	int ok_streak;
	int64_t ok_start_ms;
	int monitor_streak;
	int64_t monitor_start_ms;
	enum verdict last_verdict;
	/* Crossed the failure threshold while an ancestor was failing too. */
	bool pending;
	enum probe_cause fail_cause;
	char fail_detail[160];

	int64_t last_rtt_us;
	double last_loss_pct;
	enum probe_cause last_cause;

	struct round *rounds; /* ring of the degraded window */
	size_t rcap, rhead, rlen;
	int64_t window_since_ms; /* first round since the window restarted */
	bool degraded;

	int64_t *flaps; /* ring of up/down transition times */
	size_t fcap, fhead, flen;
	bool flapping;
};

struct statemachine {
	struct sdev *devs;
	size_t ndevs;
	state_event_fn fn;
	void *arg;
	size_t *scratch; /* the children of a device going down */
	size_t npending;
};

/* What stands between a device and the monitor. */
enum ancestry {
	ANC_CLEAR,
	ANC_SUSPECT, /* an ancestor's latest verdict was bad: wait for it */
	ANC_BLOCKED, /* an ancestor is down, unreachable or in maintenance */
};

static void state_transition(struct statemachine *sm, size_t d,
    enum dev_state to, int64_t at_ms, enum probe_cause cause,
    const char *detail, bool alert);

static bool
state_blocking(enum dev_state s)
{
	return s == DEV_DOWN || s == DEV_UNREACHABLE || s == DEV_MAINTENANCE;
}

static int64_t
state_max64(int64_t a, int64_t b)
{
	return a > b ? a : b;
}

/* "icmp", or "icmp:..." in case options are ever added to the entry. */
static bool
state_is_icmp(const char *s, size_t len)
{
	if (len < 4 || strncasecmp(s, "icmp", 4) != 0)
		return false;
	return len == 4 || s[4] == ':' || s[4] == ' ' || s[4] == '\t';
}

/* Entries of a device's probe list: "icmp, tcp:443" is two. */
static size_t
state_count_probes(const char *text, struct sprobe *out, size_t max)
{
	size_t n = 0;
	const char *p = text;

	if (text == NULL)
		return 0;
	while (n < max) {
		const char *end = strchr(p, ',');
		size_t len = end != NULL ? (size_t)(end - p) : strlen(p);
		const char *s = p;

		while (len > 0 && (*s == ' ' || *s == '\t')) {
			s++;
			len--;
		}
		if (out != NULL) {
			out[n].word = WORD_NONE;
			out[n].icmp = state_is_icmp(s, len);
		}
		n++;
		if (end == NULL)
			break;
		p = end + 1;
	}
	return n;
}

static size_t
state_rounds_cap(const struct config_device *cd)
{
	int64_t interval = cd->interval_ms > 1000 ? cd->interval_ms : 1000;
	int64_t n;

	if (cd->degraded_after_ms <= 0)
		return 4;
	/* Room for one window of rounds, and a little slack for jitter. */
	n = cd->degraded_after_ms / interval + 3;
	if (n > STATE_MAX_ROUNDS)
		n = STATE_MAX_ROUNDS;
	return (size_t)n;
}

static size_t
state_flaps_cap(const struct config_device *cd)
{
	if (cd->flap_count < 2)
		return 1;
	return cd->flap_count > STATE_MAX_FLAPS ? STATE_MAX_FLAPS
						: (size_t)cd->flap_count;
}

/* A fresh device from its config entry: unknown since NOW_MS. */
static void
state_dev_init(struct sdev *sd, const struct config_device *cd, int64_t now_ms)
{
	memset(sd, 0, sizeof *sd);
	sd->key = xstrdup(cd->key);
	sd->probes_text = xstrdup(cd->probes != NULL ? cd->probes : "");
	sd->parent = cd->parent_index;
	sd->fail_threshold = cd->fail_threshold > 0 ? cd->fail_threshold : 1;
	sd->success_threshold =
	    cd->success_threshold > 0 ? cd->success_threshold : 1;
	sd->probe_rule = cd->probe_rule;
	sd->loss_warn = cd->loss_warn;
	sd->rtt_warn_ms = cd->rtt_warn_ms;
	sd->degraded_after_ms =
	    cd->degraded_after_ms > 0 ? cd->degraded_after_ms : 0;
	sd->flap_count = cd->flap_count;
	sd->flap_window_ms = cd->flap_window_ms;

	sd->nprobes = state_count_probes(cd->probes, NULL, STATE_MAX_PROBES);
	sd->probes =
	    xcalloc(sd->nprobes > 0 ? sd->nprobes : 1, sizeof *sd->probes);
	state_count_probes(cd->probes, sd->probes, STATE_MAX_PROBES);

	sd->state = DEV_UNKNOWN;
	sd->since_ms = now_ms;
	sd->last_verdict = VERDICT_NONE;
	sd->fail_cause = CAUSE_NONE;
	sd->last_rtt_us = -1;
	sd->last_loss_pct = -1;
	sd->last_cause = CAUSE_NONE;

	sd->rcap = state_rounds_cap(cd);
	sd->rounds = xcalloc(sd->rcap, sizeof *sd->rounds);
	sd->window_since_ms = -1;
	sd->fcap = state_flaps_cap(cd);
	sd->flaps = xcalloc(sd->fcap, sizeof *sd->flaps);
}

static void
state_dev_free(struct sdev *sd)
{
	free(sd->key);
	free(sd->probes_text);
	free(sd->probes);
	free(sd->rounds);
	free(sd->flaps);
}

static void
state_emit(struct statemachine *sm, struct state_event *ev)
{
	if (sm->fn != NULL)
		sm->fn(sm->arg, ev);
}

static void
state_event_init(struct state_event *ev, enum state_event_type type, size_t d,
    enum dev_state st, int64_t at_ms)
{
	memset(ev, 0, sizeof *ev);
	ev->type = type;
	ev->device = d;
	ev->from = st;
	ev->to = st;
	ev->at_ms = at_ms;
	ev->cause = CAUSE_NONE;
	ev->alert = true;
	ev->rtt_us = -1;
}

/* Restart a device's run counters: from here its own results decide. */
static void
state_restart(struct statemachine *sm, struct sdev *sd)
{
	sd->fail_streak = 0;
	sd->ok_streak = 0;
	sd->monitor_streak = 0;
	if (sd->pending) {
		sd->pending = false;
		sm->npending--;
	}
}

static void
state_set_pending(struct statemachine *sm, struct sdev *sd, bool on)
{
	if (sd->pending == on)
		return;
	sd->pending = on;
	if (on)
		sm->npending++;
	else
		sm->npending--;
}

static bool
state_is_descendant(const struct statemachine *sm, size_t d, size_t anc)
{
	int p = sm->devs[d].parent;

	/* At most ndevs steps, so that a parent cycle cannot hang us. */
	for (size_t i = 0; p >= 0 && (size_t)p < sm->ndevs && i < sm->ndevs;
	     i++) {
		if ((size_t)p == anc)
			return true;
		p = sm->devs[p].parent;
	}
	return false;
}

/* The nearest ancestor that blocks D, else the nearest failing one. */
static enum ancestry
state_ancestry(const struct statemachine *sm, size_t d, size_t *who)
{
	int p = sm->devs[d].parent;
	enum ancestry a = ANC_CLEAR;

	for (size_t i = 0; p >= 0 && (size_t)p < sm->ndevs && i < sm->ndevs;
	     i++) {
		const struct sdev *pd = &sm->devs[p];

		if (state_blocking(pd->state)) {
			*who = (size_t)p;
			return ANC_BLOCKED;
		}
		if (a == ANC_CLEAR && pd->fail_streak > 0) {
			*who = (size_t)p;
			a = ANC_SUSPECT;
		}
		p = pd->parent;
	}
	return a;
}

static void
state_parent_detail(
    const struct statemachine *sm, size_t anc, char *buf, size_t len)
{
	const struct sdev *ad = &sm->devs[anc];

	snprintf(buf, len, "parent %s is %s%s", ad->key,
	    ad->state == DEV_MAINTENANCE ? "in " : "",
	    dev_state_name(ad->state));
}

static void
state_window_clear(struct sdev *sd)
{
	sd->rhead = 0;
	sd->rlen = 0;
	sd->window_since_ms = -1;
	sd->degraded = false;
}

static void
state_stable(struct statemachine *sm, size_t d, int64_t at_ms)
{
	struct sdev *sd = &sm->devs[d];
	struct state_event ev;
	char dur[32];

	sd->flapping = false;
	sd->flen = 0;
	sd->fhead = 0;
	state_event_init(&ev, SEV_STABLE, d, sd->state, at_ms);
	duration_format(sd->flap_window_ms, dur, sizeof dur);
	snprintf(ev.detail, sizeof ev.detail, "no up/down change for %s", dur);
	state_emit(sm, &ev);
}

/* A flapping device that kept still for a whole window is stable again. */
static void
state_check_stable(struct statemachine *sm, size_t d, int64_t now_ms)
{
	struct sdev *sd = &sm->devs[d];
	int64_t last;

	if (!sd->flapping || sd->flen == 0)
		return;
	last = sd->flaps[(sd->fhead + sd->flen - 1) % sd->fcap];
	if (now_ms - last >= sd->flap_window_ms)
		state_stable(sm, d, last + sd->flap_window_ms);
}

/* Record an up/down transition; true if it makes the device flapping. */
static bool
state_flap_push(struct sdev *sd, int64_t at_ms)
{
	int64_t oldest;

	if (sd->flap_count < 2 || sd->flap_window_ms <= 0)
		return false;
	if (sd->flen < sd->fcap)
		sd->flaps[(sd->fhead + sd->flen++) % sd->fcap] = at_ms;
	else {
		sd->flaps[sd->fhead] = at_ms;
		sd->fhead = (sd->fhead + 1) % sd->fcap;
	}
	if (sd->flapping || sd->flen < sd->fcap)
		return false;
	oldest = sd->flaps[sd->fhead];
	if (at_ms - oldest > sd->flap_window_ms)
		return false;
	sd->flapping = true;
	return true;
}

/*
 * Every descendant of D that is not down, unreachable already or in
 * maintenance, into sm->scratch; returns how many.
 */
static size_t
state_collect_children(struct statemachine *sm, size_t d)
{
	size_t n = 0;

	for (size_t i = 0; i < sm->ndevs; i++) {
		enum dev_state s = sm->devs[i].state;

		if (i == d || s == DEV_DOWN || s == DEV_UNREACHABLE ||
		    s == DEV_MAINTENANCE || !state_is_descendant(sm, i, d))
			continue;
		sm->scratch[n++] = i;
	}
	return n;
}

/*
 * D no longer blocks its descendants: those it left unreachable start
 * counting afresh, so that their own results decide.
 */
static void
state_release_children(struct statemachine *sm, size_t d)
{
	for (size_t i = 0; i < sm->ndevs; i++)
		if (sm->devs[i].state == DEV_UNREACHABLE &&
		    state_is_descendant(sm, i, d))
			state_restart(sm, &sm->devs[i]);
}

static void
state_transition(struct statemachine *sm, size_t d, enum dev_state to,
    int64_t at_ms, enum probe_cause cause, const char *detail, bool alert)
{
	struct sdev *sd = &sm->devs[d];
	struct state_event ev;
	enum dev_state from = sd->state;
	size_t nchildren = 0;
	bool counted, now_flapping = false;
	char why[160];

	/* An interval never starts before the one it closes. */
	at_ms = state_max64(at_ms, sd->since_ms);
	counted = (from == DEV_UP && to == DEV_DOWN) ||
		  (from == DEV_DOWN && to == DEV_UP);
	if (sd->flapping)
		alert = false;

	state_event_init(&ev, SEV_TRANSITION, d, from, at_ms);
	ev.to = to;
	ev.cause = cause;
	ev.alert = alert;
	str_copy(ev.detail, detail != NULL ? detail : "", sizeof ev.detail);
	if (from == DEV_DOWN && to == DEV_UP)
		ev.outage_ms = at_ms - sd->since_ms;

	sd->state = to;
	sd->since_ms = at_ms;
	/* Degraded is judged only while up, on a window of up time. */
	state_window_clear(sd);
	if (counted)
		now_flapping = state_flap_push(sd, at_ms);
	if (to == DEV_DOWN) {
		state_set_pending(sm, sd, false);
		nchildren = state_collect_children(sm, d);
		ev.children = nchildren > 0 ? sm->scratch : NULL;
		ev.nchildren = nchildren;
	}

	state_emit(sm, &ev);

	if (nchildren > 0) {
		snprintf(why, sizeof why, "parent %s is down", sd->key);
		for (size_t i = 0; i < nchildren; i++) {
			size_t c = sm->scratch[i];

			state_restart(sm, &sm->devs[c]);
			state_transition(sm, c, DEV_UNREACHABLE, at_ms,
			    CAUSE_UNREACHABLE, why, false);
		}
	}
	if (now_flapping) {
		char dur[32];

		state_event_init(&ev, SEV_FLAPPING, d, to, at_ms);
		duration_format(sd->flap_window_ms, dur, sizeof dur);
		snprintf(ev.detail, sizeof ev.detail,
		    "%zu up/down changes within %s", sd->fcap, dur);
		state_emit(sm, &ev);
	}
	if (state_blocking(from) && !state_blocking(to))
		state_release_children(sm, d);
}

/* D's fail run crossed the threshold: down, unreachable or wait. */
static void
state_fail(struct statemachine *sm, size_t d)
{
	struct sdev *sd = &sm->devs[d];
	char why[160];
	size_t anc;

	switch (state_ancestry(sm, d, &anc)) {
	case ANC_BLOCKED:
		state_set_pending(sm, sd, false);
		if (sd->state != DEV_UNREACHABLE) {
			state_parent_detail(sm, anc, why, sizeof why);
			/* Not in the parent's list: its own line. */
			state_transition(sm, d, DEV_UNREACHABLE,
			    sd->fail_start_ms, CAUSE_UNREACHABLE, why, true);
		}
		break;
	case ANC_SUSPECT:
		/* The ancestor's next verdict says whose outage this is. */
		state_set_pending(sm, sd, true);
		break;
	case ANC_CLEAR:
		state_set_pending(sm, sd, false);
		state_transition(sm, d, DEV_DOWN, sd->fail_start_ms,
		    sd->fail_cause, sd->fail_detail, true);
		break;
	}
}

/* Apply D's counters to its state after a verdict. */
static void
state_judge(struct statemachine *sm, size_t d, const struct probe_result *r)
{
	struct sdev *sd = &sm->devs[d];

	switch (sd->state) {
	case DEV_MAINTENANCE:
		return;
	case DEV_DOWN:
		if (sd->ok_streak >= sd->success_threshold)
			state_transition(sm, d, DEV_UP, sd->ok_start_ms,
			    CAUSE_NONE, r->detail, true);
		return;
	case DEV_UP:
	case DEV_UNKNOWN:
	case DEV_UNREACHABLE:
		if (sd->fail_streak >= sd->fail_threshold)
			state_fail(sm, d);
		else if (sd->ok_streak >= sd->success_threshold &&
			 sd->state != DEV_UP)
			state_transition(sm, d, DEV_UP, sd->ok_start_ms,
			    CAUSE_NONE, r->detail, false);
		return;
	}
}

/* Devices held back by a failing ancestor: see whether they can go on. */
static void
state_settle(struct statemachine *sm)
{
	for (size_t i = 0; i < sm->ndevs && sm->npending > 0; i++) {
		struct sdev *sd = &sm->devs[i];
		size_t anc;

		if (!sd->pending)
			continue;
		if (sd->fail_streak < sd->fail_threshold ||
		    sd->state == DEV_DOWN || sd->state == DEV_MAINTENANCE) {
			state_set_pending(sm, sd, false);
			continue;
		}
		if (state_ancestry(sm, i, &anc) != ANC_SUSPECT)
			state_fail(sm, i);
	}
}

static enum verdict
state_verdict(const struct sdev *sd)
{
	bool any_ok = false, any_fail = false;

	for (size_t i = 0; i < sd->nprobes; i++) {
		if (sd->probes[i].word == WORD_OK)
			any_ok = true;
		else if (sd->probes[i].word == WORD_FAIL)
			any_fail = true;
	}
	if (!any_ok && !any_fail)
		return VERDICT_NONE;
	if (sd->probe_rule == PROBE_RULE_ALL)
		return any_fail ? VERDICT_BAD : VERDICT_GOOD;
	return any_ok ? VERDICT_GOOD : VERDICT_BAD;
}

static void
state_degraded_event(struct statemachine *sm, size_t d,
    enum state_event_type type, double loss, int64_t rtt_us, int64_t now_ms)
{
	struct sdev *sd = &sm->devs[d];
	struct state_event ev;
	char dur[32];
	int n;

	state_event_init(&ev, type, d, sd->state, now_ms);
	ev.loss_pct = loss;
	ev.rtt_us = rtt_us;
	duration_format(sd->degraded_after_ms, dur, sizeof dur);
	n = snprintf(
	    ev.detail, sizeof ev.detail, "loss %.1f%% over %s", loss, dur);
	if (rtt_us >= 0 && n > 0 && (size_t)n < sizeof ev.detail)
		snprintf(ev.detail + n, sizeof ev.detail - (size_t)n,
		    ", mean RTT %.1f ms", (double)rtt_us / 1000.0);
	state_emit(sm, &ev);
}

/* Add an ICMP round to the window of an up device and judge it. */
static void
state_degraded(struct statemachine *sm, size_t d, int64_t at_ms,
    const struct probe_result *r, int64_t now_ms)
{
	struct sdev *sd = &sm->devs[d];
	int64_t sent = 0, recv = 0, rtt_sum = 0, rtt_n = 0, rtt = -1;
	int64_t cut = at_ms - sd->degraded_after_ms;
	double loss, warn_us = (double)sd->rtt_warn_ms * 1000.0;
	bool full, bad_loss, bad_rtt, good_loss, good_rtt;

	if (sd->rlen == sd->rcap) {
		/* Rounds came faster than the interval: drop the oldest. */
		sd->rhead = (sd->rhead + 1) % sd->rcap;
		sd->rlen--;
	}
	sd->rounds[(sd->rhead + sd->rlen++) % sd->rcap] = (struct round){
	    .at_ms = at_ms,
	    .rtt_us = (int32_t)(r->rtt_us > INT32_MAX ? INT32_MAX : r->rtt_us),
	    .sent = (uint16_t)(r->sent > UINT16_MAX ? UINT16_MAX : r->sent),
	    .received =
		(uint16_t)(r->received > UINT16_MAX ? UINT16_MAX : r->received),
	};
	if (sd->window_since_ms < 0 || at_ms < sd->window_since_ms)
		sd->window_since_ms = at_ms;
	while (sd->rlen > 1 && sd->rounds[sd->rhead].at_ms <= cut) {
		sd->rhead = (sd->rhead + 1) % sd->rcap;
		sd->rlen--;
	}
	full = sd->window_since_ms <= cut;

	for (size_t i = 0; i < sd->rlen; i++) {
		const struct round *rd =
		    &sd->rounds[(sd->rhead + i) % sd->rcap];

		sent += rd->sent;
		recv += rd->received;
		if (rd->rtt_us >= 0 && rd->received > 0) {
			rtt_sum += (int64_t)rd->rtt_us * rd->received;
			rtt_n += rd->received;
		}
	}
	if (sent == 0)
		return;
	loss = 100.0 * (double)(sent - recv) / (double)sent;
	if (rtt_n > 0)
		rtt = rtt_sum / rtt_n;

	bad_loss = sd->loss_warn > 0 && loss >= sd->loss_warn;
	bad_rtt = sd->rtt_warn_ms > 0 && rtt >= 0 && (double)rtt >= warn_us;
	good_loss = sd->loss_warn <= 0 || loss < sd->loss_warn / 2;
	good_rtt =
	    sd->rtt_warn_ms <= 0 || rtt < 0 || (double)rtt < 0.8 * warn_us;

	if (!sd->degraded && full && (bad_loss || bad_rtt)) {
		sd->degraded = true;
		state_degraded_event(sm, d, SEV_DEGRADED, loss, rtt, now_ms);
	} else if (sd->degraded && good_loss && good_rtt) {
		sd->degraded = false;
		state_degraded_event(sm, d, SEV_RECOVERED, loss, rtt, now_ms);
	}
}

static void
state_monitor_fault(struct statemachine *sm, size_t d, int64_t at_ms,
    const struct probe_result *r)
{
	struct sdev *sd = &sm->devs[d];

	if (sd->monitor_streak == 0 || at_ms < sd->monitor_start_ms)
		sd->monitor_start_ms = at_ms;
	if (sd->monitor_streak < INT_MAX)
		sd->monitor_streak++;
	if (sd->monitor_streak < sd->fail_threshold)
		return;
	/* The runs this broke no longer say anything about the device. */
	sd->fail_streak = 0;
	sd->ok_streak = 0;
	state_set_pending(sm, sd, false);
	if (sd->state != DEV_UNKNOWN && sd->state != DEV_MAINTENANCE)
		state_transition(sm, d, DEV_UNKNOWN, sd->monitor_start_ms,
		    CAUSE_MONITOR, r->detail, true);
}

void
state_result(struct statemachine *sm, size_t device, size_t probe,
    const struct probe_result *r, int64_t now_ms)
{
	struct sdev *sd;
	int64_t at_ms;
	enum verdict v;
	bool icmp;

	if (device >= sm->ndevs)
		return;
	sd = &sm->devs[device];
	if (probe >= sd->nprobes) {
		/* A list we counted differently from the probes module. */
		if (probe >= STATE_MAX_PROBES)
			return;
		sd->probes =
		    xreallocarray(sd->probes, probe + 1, sizeof *sd->probes);
		memset(sd->probes + sd->nprobes, 0,
		    (probe + 1 - sd->nprobes) * sizeof *sd->probes);
		sd->nprobes = probe + 1;
	}
	icmp = sd->probes[probe].icmp;
	at_ms = r->start_wall_ms > 0 ? r->start_wall_ms : now_ms;

	state_check_stable(sm, device, now_ms);

	sd->last_cause = r->cause;
	if (!r->ok && r->cause == CAUSE_MONITOR) {
		sd->probes[probe].word = WORD_NONE;
		state_monitor_fault(sm, device, at_ms, r);
		if (sm->npending > 0)
			state_settle(sm);
		return;
	}

	if (r->rtt_us >= 0)
		sd->last_rtt_us = r->rtt_us;
	if (icmp && r->sent > 0)
		sd->last_loss_pct =
		    100.0 * (double)(r->sent - r->received) / (double)r->sent;
	sd->probes[probe].word = r->ok ? WORD_OK : WORD_FAIL;
	sd->monitor_streak = 0;
	if (!r->ok) {
		sd->fail_cause = r->cause;
		str_copy(sd->fail_detail, r->detail, sizeof sd->fail_detail);
	}
	v = state_verdict(sd);
	sd->last_verdict = v;
	if (v == VERDICT_GOOD) {
		if (sd->ok_streak == 0 || at_ms < sd->ok_start_ms)
			sd->ok_start_ms = at_ms;
		if (sd->ok_streak < INT_MAX)
			sd->ok_streak++;
		sd->fail_streak = 0;
		state_set_pending(sm, sd, false);
	} else if (v == VERDICT_BAD) {
		if (sd->fail_streak == 0 || at_ms < sd->fail_start_ms)
			sd->fail_start_ms = at_ms;
		if (sd->fail_streak < INT_MAX)
			sd->fail_streak++;
		sd->ok_streak = 0;
	}
	state_judge(sm, device, r);

	/*
	 * Rounds lost outright are the verdict's business: counted here,
	 * every outage would be announced by a `degraded` first.
	 */
	if (icmp && r->ok && r->sent > 0 && sd->state == DEV_UP)
		state_degraded(sm, device, at_ms, r, now_ms);
	if (sm->npending > 0)
		state_settle(sm);
}

void
state_maintenance(
    struct statemachine *sm, size_t device, bool on, int64_t now_ms)
{
	struct sdev *sd;
	size_t anc;
	char why[160];

	if (device >= sm->ndevs)
		return;
	sd = &sm->devs[device];
	state_check_stable(sm, device, now_ms);
	if (on) {
		if (sd->state == DEV_MAINTENANCE)
			return;
		state_set_pending(sm, sd, false);
		state_transition(sm, device, DEV_MAINTENANCE, now_ms,
		    CAUSE_NONE, "maintenance", false);
	} else {
		if (sd->state != DEV_MAINTENANCE)
			return;
		/*
		 * The window really lasted until now: whatever the probes
		 * saw meanwhile starts here, not back-dated into it.
		 */
		if (sd->fail_streak >= sd->fail_threshold) {
			switch (state_ancestry(sm, device, &anc)) {
			case ANC_BLOCKED:
				state_parent_detail(sm, anc, why, sizeof why);
				state_transition(sm, device, DEV_UNREACHABLE,
				    now_ms, CAUSE_UNREACHABLE, why, true);
				break;
			case ANC_SUSPECT:
				/* Unknown until the ancestor's verdict. */
				state_transition(sm, device, DEV_UNKNOWN,
				    now_ms, CAUSE_NONE,
				    "maintenance ended, waiting for parent",
				    false);
				state_set_pending(sm, sd, true);
				break;
			case ANC_CLEAR:
				state_transition(sm, device, DEV_DOWN, now_ms,
				    sd->fail_cause, sd->fail_detail, true);
				break;
			}
		} else if (sd->last_verdict == VERDICT_GOOD)
			state_transition(sm, device, DEV_UP, now_ms, CAUSE_NONE,
			    "maintenance ended", false);
		else
			state_transition(sm, device, DEV_UNKNOWN, now_ms,
			    CAUSE_NONE, "maintenance ended, no verdict yet",
			    false);
	}
	if (sm->npending > 0)
		state_settle(sm);
}

struct statemachine *
state_new(
    const struct config *cfg, state_event_fn fn, void *arg, int64_t now_ms)
{
	struct statemachine *sm = xcalloc(1, sizeof *sm);

	sm->fn = fn;
	sm->arg = arg;
	sm->ndevs = cfg->ndevices;
	sm->devs = xcalloc(sm->ndevs > 0 ? sm->ndevs : 1, sizeof *sm->devs);
	sm->scratch =
	    xcalloc(sm->ndevs > 0 ? sm->ndevs : 1, sizeof *sm->scratch);
	for (size_t i = 0; i < sm->ndevs; i++)
		state_dev_init(&sm->devs[i], &cfg->devices[i], now_ms);
	return sm;
}

void
state_free(struct statemachine *sm)
{
	if (sm == NULL)
		return;
	for (size_t i = 0; i < sm->ndevs; i++)
		state_dev_free(&sm->devs[i]);
	free(sm->devs);
	free(sm->scratch);
	free(sm);
}

/* Old devices sorted by key, so that a reload of 10,000 is not quadratic. */
struct state_keyidx {
	const char *key;
	size_t index;
};

static int
state_key_cmp(const void *a, const void *b)
{
	return strcmp(((const struct state_keyidx *)a)->key,
	    ((const struct state_keyidx *)b)->key);
}

static struct sdev *
state_find_old(struct sdev *old, const struct state_keyidx *order, size_t n,
    const char *key)
{
	struct state_keyidx k = {key, 0};
	const struct state_keyidx *hit;

	hit = bsearch(&k, order, n, sizeof *order, state_key_cmp);
	return hit != NULL ? &old[hit->index] : NULL;
}

/* Carry OLD's life into NEW, which holds the new config's settings. */
static void
state_dev_carry(struct sdev *nd, const struct sdev *od)
{
	nd->state = od->state;
	nd->since_ms = od->since_ms;
	nd->fail_streak = od->fail_streak;
	nd->fail_start_ms = od->fail_start_ms;
	nd->ok_streak = od->ok_streak;
	nd->ok_start_ms = od->ok_start_ms;
	nd->monitor_streak = od->monitor_streak;
	nd->monitor_start_ms = od->monitor_start_ms;
	nd->last_verdict = od->last_verdict;
	nd->pending = od->pending;
	nd->fail_cause = od->fail_cause;
	memcpy(nd->fail_detail, od->fail_detail, sizeof nd->fail_detail);
	nd->last_rtt_us = od->last_rtt_us;
	nd->last_loss_pct = od->last_loss_pct;
	nd->last_cause = od->last_cause;

	/* Probe indices only mean the same thing if the list is the same. */
	if (strcmp(nd->probes_text, od->probes_text) == 0)
		for (size_t i = 0; i < nd->nprobes && i < od->nprobes; i++)
			nd->probes[i].word = od->probes[i].word;

	/* The newest rounds and transitions that fit the new bounds. */
	for (size_t i = od->rlen > nd->rcap ? od->rlen - nd->rcap : 0;
	     i < od->rlen; i++)
		nd->rounds[nd->rlen++] = od->rounds[(od->rhead + i) % od->rcap];
	nd->window_since_ms = od->window_since_ms;
	nd->degraded = od->degraded;
	for (size_t i = od->flen > nd->fcap ? od->flen - nd->fcap : 0;
	     i < od->flen; i++)
		nd->flaps[nd->flen++] = od->flaps[(od->fhead + i) % od->fcap];
	nd->flapping = od->flapping;
}

void
state_reconfigure(
    struct statemachine *sm, const struct config *cfg, int64_t now_ms)
{
	struct sdev *old = sm->devs, *devs;
	size_t nold = sm->ndevs, n = cfg->ndevices;
	struct state_keyidx *order;

	order = xcalloc(nold > 0 ? nold : 1, sizeof *order);
	for (size_t i = 0; i < nold; i++)
		order[i] = (struct state_keyidx){old[i].key, i};
	qsort(order, nold, sizeof *order, state_key_cmp);

	devs = xcalloc(n > 0 ? n : 1, sizeof *devs);
	sm->npending = 0;
	for (size_t i = 0; i < n; i++) {
		const struct sdev *od;

		state_dev_init(&devs[i], &cfg->devices[i], now_ms);
		od = state_find_old(old, order, nold, devs[i].key);
		if (od != NULL)
			state_dev_carry(&devs[i], od);
		if (devs[i].pending)
			sm->npending++;
	}
	for (size_t i = 0; i < nold; i++)
		state_dev_free(&old[i]);
	free(old);
	free(order);
	free(sm->scratch);
	sm->devs = devs;
	sm->ndevs = n;
	sm->scratch = xcalloc(n > 0 ? n : 1, sizeof *sm->scratch);

	/*
	 * New parent links: an unreachable device nothing blocks any more
	 * is judged afresh by its own results.
	 */
	for (size_t i = 0; i < n; i++) {
		size_t anc;

		if (devs[i].state == DEV_UNREACHABLE &&
		    state_ancestry(sm, i, &anc) != ANC_BLOCKED)
			state_restart(sm, &devs[i]);
	}
	if (sm->npending > 0)
		state_settle(sm);
}

void
state_get(const struct statemachine *sm, size_t device, struct state_info *info)
{
	const struct sdev *sd;

	memset(info, 0, sizeof *info);
	info->state = DEV_UNKNOWN;
	info->last_rtt_us = -1;
	info->last_loss_pct = -1;
	info->last_cause = CAUSE_NONE;
	if (device >= sm->ndevs)
		return;
	sd = &sm->devs[device];
	info->state = sd->state;
	info->since_ms = sd->since_ms;
	info->degraded = sd->degraded;
	info->flapping = sd->flapping;
	info->last_rtt_us = sd->last_rtt_us;
	info->last_loss_pct = sd->last_loss_pct;
	info->last_cause = sd->last_cause;
}
