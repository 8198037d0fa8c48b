/*
 * state.h - each device's availability state and the events it raises.
 *
 * Pure logic, no I/O: results and time go in, events come out through a
 * callback, so every rule below is unit-tested without a network.
 *
 * - Thresholds: a device goes down after fail_threshold failed verdicts
 *   in a row, up after success_threshold good ones. A verdict is taken
 *   after each probe result: with probe_rule "any" the device is fine if
 *   the latest result of any of its probes is ok, with "all" if every
 *   probe's latest result is ok (a probe with no result yet, or whose
 *   latest was a monitor fault, counts neither way). The outage starts
 *   at the first failed probe of the run that crossed the threshold (its
 *   start_wall_ms) and ends at the first good probe of the run that
 *   crossed the recovery threshold. From unknown, the same thresholds
 *   decide. A back-dated at_ms is never before the device's current
 *   since_ms (an interval never starts before the one it closes). A
 *   result with no start_wall_ms (<= 0) counts at NOW_MS.
 * - Results with CAUSE_MONITOR (the monitor could not probe, e.g. an SNMP
 *   authentication error) are neither good nor bad; fail_threshold of
 *   them in a row, with no other verdict, make the device unknown from
 *   the first of them (cause CAUSE_MONITOR), and restart its runs.
 * - Dependencies: when a device goes down, every descendant not down or
 *   in maintenance becomes unreachable at the same instant, with no alert
 *   of its own: the parent's event lists them (in index order), and their
 *   own events (cause CAUSE_UNREACHABLE, detail "parent KEY is down")
 *   follow it. A device whose own probes cross the failure threshold
 *   while an ancestor is down, unreachable or in maintenance becomes
 *   unreachable, not down. If instead an ancestor's latest verdict is bad
 *   (it is failing but has not crossed yet), the device waits, with no
 *   event: if that ancestor goes down the device is among its children;
 *   once no ancestor is failing it goes down, back-dated as usual. So a
 *   child probed a moment before its parent does not raise an alert of
 *   its own. When the ancestor recovers, the descendants' counters
 *   restart and their own results decide: success_threshold good
 *   verdicts make an unreachable device up (also while an ancestor is
 *   still down: it answers, so it is reachable).
 * - Maintenance: on, the device is in maintenance (no alerts, excluded
 *   from uptime) from NOW_MS, while its results still update its runs;
 *   off, at NOW_MS (never back-dated into the window), it goes down if
 *   its latest fail streak has crossed the threshold (unreachable if an
 *   ancestor blocks it; unknown, waiting as above, if one is failing),
 *   up if its latest verdict was good, else unknown.
 * - Degraded: over a sliding window of degraded_after_ms, the ICMP loss
 *   (echoes lost / sent) ≥ loss_warn, or the mean RTT ≥ rtt_warn_ms (if
 *   set), raises `degraded` once the window is full; `recovered` when the
 *   window's loss falls below loss_warn / 2 and RTT below 0.8 × rtt_warn.
 *   Degraded is a warning, not a state: the device stays up. Details:
 *   ICMP rounds are those of the "icmp" entries of the probe list; a
 *   round lost outright is the verdict's business and stays out of the
 *   window (else every outage would be announced by a `degraded`); the
 *   window holds the rounds that started within degraded_after_ms of the
 *   latest one and is full once the first round since it (re)started is
 *   that old; the mean RTT is per answered echo; loss_warn <= 0 turns the
 *   loss test off. It is judged only while up: leaving up clears it with
 *   no event of its own (the transition says more), entering up starts
 *   an empty window. Both events carry at_ms = NOW_MS.
 * - Flapping: flap_count up/down transitions (up -> down or down -> up)
 *   within flap_window_ms raise one `flapping` event; further transitions
 *   are recorded with no alert until none happens for a whole window,
 *   which raises `stable`. The transition that completes the count still
 *   alerts; `flapping` follows it with the same at_ms. `stable` is raised
 *   by the device's first result (or maintenance call) a whole window
 *   after its last up/down transition, with at_ms = that transition +
 *   flap_window_ms.
 * - Alerts (ev->alert) on transitions: -> down always; down -> up;
 *   -> unknown through monitor faults (the officer must fix the
 *   monitoring); -> unreachable for a device that is not in a parent's
 *   down event (its own failure, or the end of its maintenance, while an
 *   ancestor is down): nobody else names it. Recorded without an alert:
 *   unknown -> up (the start), unreachable -> up, the unreachable
 *   children a parent's down event lists, -> maintenance, maintenance ->
 *   up or unknown, and every transition of a flapping device. `degraded`,
 *   `recovered`, `flapping` and `stable` alert; their from and to are
 *   the device's current state.
 * - Events are delivered synchronously, in causal order, from inside the
 *   call that caused them; the callback must not call back into the
 *   state machine, and ev->children is valid only during the callback.
 */
#ifndef XANET_STATE_H
#define XANET_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/devstate.h"
#include "probes/probe.h"

struct config;
struct statemachine;

enum state_event_type {
	SEV_TRANSITION, /* FROM -> TO at AT_MS */
	SEV_DEGRADED,
	SEV_RECOVERED,
	SEV_FLAPPING,
	SEV_STABLE,
};

struct state_event {
	enum state_event_type type;
	size_t device;
	enum dev_state from;
	enum dev_state to;
	int64_t at_ms; /* UTC ms; back-dated as described above */
	enum probe_cause cause;
	char detail[160];       /* the deciding result's detail, or why */
	bool alert;             /* false: record it, write no alert line */
	const size_t *children; /* a device going down: the descendants */
	size_t nchildren;       /* it made unreachable */
	int64_t outage_ms;      /* DOWN -> UP: how long the outage lasted */
	double loss_pct;        /* degraded/recovered: the window's loss */
	int64_t rtt_us;         /* degraded/recovered: mean RTT, or -1 */
};

typedef void (*state_event_fn)(void *arg, const struct state_event *ev);

/*
 * Every device of CFG starts unknown at NOW_MS. What the machine needs
 * of CFG is copied: CFG may be freed after the call.
 */
struct statemachine *state_new(
    const struct config *cfg, state_event_fn fn, void *arg, int64_t now_ms);
void state_free(struct statemachine *sm);
/*
 * A new configuration: devices keep their state by key, new ones start
 * unknown at NOW_MS, removed ones are forgotten (no event). Kept with the
 * state: the runs, the flapping ring and the degraded window (the latest
 * result of each probe only if the device's probe list is unchanged);
 * settings and parent links come from CFG. An unreachable device that no
 * ancestor blocks any more restarts its runs.
 */
void state_reconfigure(
    struct statemachine *sm, const struct config *cfg, int64_t now_ms);
/* A DEVICE past the configured ones is ignored. */
void state_result(struct statemachine *sm, size_t device, size_t probe,
    const struct probe_result *r, int64_t now_ms);
void state_maintenance(
    struct statemachine *sm, size_t device, bool on, int64_t now_ms);

struct state_info {
	enum dev_state state;
	int64_t since_ms;
	bool degraded;
	bool flapping;
	int64_t last_rtt_us;  /* latest result with an RTT; -1 none */
	double last_loss_pct; /* latest ICMP round; -1 none */
	enum probe_cause last_cause;
};
void state_get(
    const struct statemachine *sm, size_t device, struct state_info *info);

#endif
