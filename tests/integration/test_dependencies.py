#!/usr/bin/env python3
# test_dependencies.py - a router's outage makes the hosts behind it unreachable, not down: real routers in namespaces.
#
#   root ── rt  ── c1 .. c5            (config: parent = rt)
#        └─ rt2 ── sw, gc, d2, d3, d4  (config: parent = rt2, except
#                                       gc: parent = sw, a grandchild)
#
# Both uplinks go down at once on the root side, so every host behind
# them is unreachable for real. The routers have fail_threshold 3, the
# hosts behind them 6 (interval 1s for all), so that the routers are
# always judged first. Under rt2: d3 is already down on its own (its own
# link at the router cut) and stays down, not unreachable; d2 is in
# maintenance, which is stopped by hand while rt2 is still down, and d4
# is added to the config by a reload while rt2 is down: both are then
# devices that fail while an ancestor is down, so each becomes
# unreachable with a line of its own.
import os
import signal
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
from avail import (describe, device_alerts, fmt_ms, intervals,  # noqa: E402
                   parse_duration, parse_iso, status_device, wait_state)
from daemon import Daemon, device_section, minimal_config  # noqa: E402
from netns import Net  # noqa: E402
from xtest import (between, contains, eq, ge, le, ok, run,  # noqa: E402
                   shared_fixture, test)

INTERVAL = 1.0
ROUTER_FAIL, CHILD_FAIL = 3, 6
CHILDREN = ["c1", "c2", "c3", "c4", "c5"]
CAUSES = {"timeout", "loss", "dns", "unreachable", "refused", "network"}

DEFAULTS = ("[defaults]\n"
            "interval = 1s\n"
            "timeout = 500ms\n"
            "success_threshold = 2\n"
            "icmp_count = 3\n"
            "icmp_spacing = 100ms\n"
            "probes = icmp\n")


def lines(al):
    return "\n".join(a["line"] for a in al) or "(none)"


def events(d, key, which):
    return [a for a in device_alerts(d, key) if a["event"] in which]


def one_down(d, key):
    al = device_alerts(d, key)
    downs = [a for a in al if a["event"] == "down"]
    eq(len(downs), 1, "down lines of %s:\n%s" % (key, lines(al)))
    return downs[0]


def only_iv(rows, state, key):
    got = [x for x in rows if x["state"] == state]
    eq(len(got), 1, "%s intervals of %s:\n%s" % (state, key,
                                                 describe(rows)))
    return got[0]


def check_up_line(d, key, down_iv):
    ups = events(d, key, ("up",))
    eq(len(ups), 1, "up lines of %s:\n%s" % (key, lines(ups)))
    dur = (down_iv["end_ms"] - down_iv["start_ms"]) / 1000.0
    between(parse_duration(ups[0]["details"].get("outage", "-1")),
            dur - 1.0, dur + 1.0, "outage= of %r (the down interval "
            "lasted %.3f s)" % (ups[0]["line"], dur))
    between(parse_iso(ups[0]["details"].get("since", "")),
            int(down_iv["start_ms"] / 1000.0) - 1.0,
            down_iv["start_ms"] / 1000.0 + 1.0,
            "since= of %r" % ups[0]["line"])


def children_of(a):
    kids = a["details"].get("children", "")
    return sorted(k for k in kids.split(",") if k)



def build(s):
    net = Net("deps")
    s.closers.append(net.close)
    rt = net.router("rt", CHILDREN)
    rt2 = net.router("rt2", ["sw", "gc", "d2", "d3", "d4"])
    devs = [device_section("rt", "Router UBND xã", kind="router",
                           address=rt.addr, fail_threshold=ROUTER_FAIL)]
    for i, c in enumerate(CHILDREN, 1):
        devs.append(device_section(
            c, "Nhà văn hóa thôn %d" % i, address=rt.children[c].addr,
            parent="rt", fail_threshold=CHILD_FAIL))
    k2 = rt2.children
    devs += [
        device_section("rt2", "Router nhà văn hóa xã", kind="router",
                       address=rt2.addr, fail_threshold=ROUTER_FAIL),
        device_section("sw", "Switch hội trường", kind="switch",
                       address=k2["sw"].addr, parent="rt2",
                       fail_threshold=CHILD_FAIL),
        device_section("gc", "Wifi hội trường", address=k2["gc"].addr,
                       parent="sw", fail_threshold=CHILD_FAIL),
        device_section("d2", "Wifi thư viện", address=k2["d2"].addr,
                       parent="rt2", fail_threshold=CHILD_FAIL),
        device_section("d3", "Wifi sân bóng", address=k2["d3"].addr,
                       parent="rt2", fail_threshold=ROUTER_FAIL),
    ]
    # The harness itself: everything answers now ...
    for h in [rt, rt2] + list(rt.children.values()) + list(k2.values()):
        ok(net.ping(h.addr), "%s (%s) answers a ping before the test: %s" %
           (h.name, h.addr, net.last_ping))
    # d4 joins the config by a reload while rt2 is down.
    d4 = device_section("d4", "Wifi nhà bia tưởng niệm",
                        address=k2["d4"].addr, parent="rt2",
                        fail_threshold=ROUTER_FAIL)
    d = s.d = Daemon(minimal_config(devs, extra=DEFAULTS),
                     prefix="xtest-deps-")
    s.closers.append(d.close)
    d.start()
    d.wait_ready()
    s.allkeys = ["rt", "rt2", "sw", "gc", "d2", "d3"] + CHILDREN
    for key in s.allkeys:
        wait_state(d, key, "up", 15, "at start")

    # d3 down on its own; d2 into maintenance.
    s.d3_cut = time.time()
    k2["d3"].link(False)
    s.mstart = d.ctl("maintenance", "start", "d2", "--for", "10m")
    wait_state(d, "d3", "down", 10, "d3 behind its own dead link")
    wait_state(d, "d2", "maintenance", 3, "d2")

    s.cut = time.time()
    rt.link(False)
    rt2.link(False)
    # ... and nothing behind the routers does once the uplinks are down.
    for h in [rt, rt.children["c1"], rt2, k2["gc"]]:
        ok(not net.ping(h.addr, timeout=0.3), "%s (%s) unreachable with "
           "the uplink down: %s" % (h.name, h.addr, net.last_ping))
    wait_state(d, "rt", "down", ROUTER_FAIL * INTERVAL + 4,
               "router rt with its uplink down")
    wait_state(d, "rt2", "down", 3, "router rt2 with its uplink down")
    logpos = len(d.stderr_text())
    d.write_config(minimal_config(devs + [d4], extra=DEFAULTS))
    s.d4_added = time.time()
    d.signal(signal.SIGHUP)
    d.wait_log("configuration reloaded", 5, logpos)
    # Past the children's own threshold: they fail too, and must still be
    # unreachable, not down.
    time.sleep(max(0.0, s.cut + CHILD_FAIL * INTERVAL + 3 - time.time()))
    s.during = {k: status_device(d, k) for k in s.allkeys + ["d4"]}
    s.d2_stop = time.time()
    s.mstop = d.ctl("maintenance", "stop", "d2")
    time.sleep(2.0)
    s.d2_after = status_device(d, "d2")
    time.sleep(max(0.0, s.cut + 13 - time.time()))
    s.restore = time.time()
    rt.link(True)
    rt2.link(True)
    s.allkeys.append("d4")
    for key in s.allkeys:
        if key != "d3":
            wait_state(d, key, "up", 12, "after the uplinks came back")
    time.sleep(2 * INTERVAL)
    s.d3_after = status_device(d, "d3")
    s.d3_restore = time.time()
    k2["d3"].link(True)
    wait_state(d, "d3", "up", 8, "d3 with its link back")
    time.sleep(1.0)


scene = shared_fixture(build, "the dependency scenario")


@test(timeout=150)
def states_during_the_outage(t):
    s = scene()
    t.note("d3 cut %s; uplinks cut %s, restored %s; d3 restored %s" %
           tuple(fmt_ms(x * 1000) for x in (s.d3_cut, s.cut, s.restore,
                                            s.d3_restore)))
    want = {k: "unreachable" for k in s.allkeys}  # d4 included
    want.update({"rt": "down", "rt2": "down", "d2": "maintenance",
                 "d3": "down"})
    eq({k: v.get("state") for k, v in s.during.items()}, want,
       "states %.0f s after both uplinks went down (children's own "
       "fail_threshold %d crossed by then)" %
       (CHILD_FAIL * INTERVAL + 3, CHILD_FAIL))


@test
def router_down_line_lists_children(t):
    s = scene()
    d = s.d
    rows = intervals(d, "rt")
    t.note("rt:\n" + describe(rows))
    rdown = only_iv(rows, "down", "rt")
    between(rdown["start_ms"] / 1000.0, s.cut - 1.0,
            s.cut + INTERVAL + 1.0, "rt outage start vs the uplink cut")
    between(rdown["end_ms"] / 1000.0, s.restore - 1.0,
            s.restore + INTERVAL + 1.0,
            "rt outage end vs the uplink restore")
    a = one_down(d, "rt")
    eq(a["severity"], "error", "severity of %r" % a["line"])
    contains(CAUSES, a["details"].get("cause"), "cause= of %r" % a["line"])
    eq(a["details"].get("unreachable"), str(len(CHILDREN)),
       "unreachable= of %r" % a["line"])
    eq(children_of(a), CHILDREN, "children= of %r" % a["line"])
    check_up_line(d, "rt", rdown)


def back_after_uplink(s, u):
    """A device behind a down router is up again once it answers: that
    can be a moment before the router's own next probe (daemon/state.h),
    but never before the uplink really came back."""
    return u["end_ms"] is not None and u["end_ms"] >= s.restore * 1000 - 250


@test
def children_unreachable_not_down(t):
    s = scene()
    d = s.d
    rdown = only_iv(intervals(d, "rt"), "down", "rt")
    for c in CHILDREN:
        rows = intervals(d, c)
        t.note("%s:\n%s" % (c, describe(rows)))
        eq([x for x in rows if x["state"] == "down"], [],
           "down intervals of %s:\n%s" % (c, describe(rows)))
        u = only_iv(rows, "unreachable", c)
        eq(u["start_ms"], rdown["start_ms"], "%s unreachable from the "
           "instant rt went down (%s)" % (c, fmt_ms(rdown["start_ms"])))
        ok(back_after_uplink(s, u),
           "%s unreachable until the uplink is back (%s; rt up %s):\n%s" %
           (c, fmt_ms(s.restore * 1000), fmt_ms(rdown["end_ms"]),
            describe(rows)))
        eq(rows[-1]["state"], "up", "last state of %s" % c)
        al = events(d, c, ("down", "unreachable"))
        eq(al, [], "down/unreachable lines of %s (rt's line lists it):\n%s"
           % (c, lines(al)))


@test
def all_back_up(t):
    s = scene()
    d = s.d
    for k in s.allkeys:
        rows = intervals(d, k)
        eq(rows[-1]["state"], "up", "last state of %s:\n%s" %
           (k, describe(rows)))
        eq(rows[-1]["end_ms"], None, "%s's up interval is open" % k)
    for k in CHILDREN + ["sw", "gc"]:
        u = only_iv(intervals(d, k), "unreachable", k)
        le(u["end_ms"] / 1000.0, s.restore + 8.0,
           "%s back up within 8 s of the uplink coming back" % k)


@test
def grandchild_unreachable_too(t):
    s = scene()
    d = s.d
    r2down = only_iv(intervals(d, "rt2"), "down", "rt2")
    a2 = one_down(d, "rt2")
    eq(children_of(a2), ["gc", "sw"], "children= of %r (every descendant, "
       "but not d2 in maintenance nor d3 already down)" % a2["line"])
    eq(a2["details"].get("unreachable"), "2", "unreachable= of %r" %
       a2["line"])
    for k in ("sw", "gc"):
        rows = intervals(d, k)
        t.note("%s:\n%s" % (k, describe(rows)))
        u = only_iv(rows, "unreachable", k)
        eq(u["start_ms"], r2down["start_ms"], "%s unreachable from the "
           "instant rt2 went down" % k)
        ok(back_after_uplink(s, u),
           "%s unreachable until the uplink is back (%s; rt2 up %s):\n%s" %
           (k, fmt_ms(s.restore * 1000), fmt_ms(r2down["end_ms"]),
            describe(rows)))
        eq([x for x in rows if x["state"] == "down"], [],
           "down intervals of %s" % k)
        eq(events(d, k, ("down", "unreachable")), [],
           "down/unreachable lines of %s" % k)


@test
def already_down_child_stays_down(t):
    s = scene()
    d = s.d
    eq(s.d3_after.get("state"), "down", "d3 after rt2 came back, its own "
       "link still down")
    rows = intervals(d, "d3")
    t.note("d3:\n" + describe(rows))
    eq([x for x in rows if x["state"] == "unreachable"], [],
       "d3 was already down: never unreachable:\n" + describe(rows))
    dd = only_iv(rows, "down", "d3")
    between(dd["start_ms"] / 1000.0, s.d3_cut - 1.0,
            s.d3_cut + INTERVAL + 1.0, "d3 outage start")
    between(dd["end_ms"] / 1000.0, s.d3_restore - 1.0,
            s.d3_restore + INTERVAL + 1.0, "d3 outage end")
    one_down(d, "d3")
    check_up_line(d, "d3", dd)


@test
def maintenance_off_under_down_parent_is_unreachable(t):
    s = scene()
    d = s.d
    eq(s.mstart.returncode, 0, "xanetctl maintenance start d2\n%s%s" %
       (s.mstart.stdout, s.mstart.stderr))
    eq(s.mstop.returncode, 0, "xanetctl maintenance stop d2\n%s%s" %
       (s.mstop.stdout, s.mstop.stderr))
    eq(s.d2_after.get("state"), "unreachable", "d2 2 s after its "
       "maintenance stopped, rt2 still down")
    rows = intervals(d, "d2")
    t.note("d2:\n" + describe(rows))
    states = [x["state"] for x in rows]
    ok("maintenance" in states, "d2 maintenance interval:\n" +
       describe(rows))
    i = states.index("maintenance")
    eq(states[i:], ["maintenance", "unreachable", "up"],
       "d2 states from maintenance on:\n" + describe(rows))
    u = rows[i + 1]
    between(u["start_ms"] / 1000.0, s.d2_stop - 0.5, s.d2_stop + 2.0,
            "d2 unreachable from the maintenance stop")
    al = device_alerts(d, "d2")
    eq([x["event"] for x in al if x["event"] in ("down", "unreachable")],
       ["unreachable"], "d2's down/unreachable lines:\n" + lines(al))
    ua = [x for x in al if x["event"] == "unreachable"][0]
    eq(ua["severity"], "warning", "severity of %r" % ua["line"])
    eq(ua["details"].get("parent"), "rt2", "parent= of %r" % ua["line"])
    between(parse_iso(ua["details"].get("since", "")),
            int(u["start_ms"] / 1000.0) - 1.0, u["start_ms"] / 1000.0 + 1.0,
            "since= of %r" % ua["line"])


@test
def device_failing_under_down_parent_is_unreachable(t):
    # d4 is new (a reload while rt2 is down): unknown, then its own
    # probes cross the threshold while its parent is down.
    s = scene()
    d = s.d
    rows = intervals(d, "d4")
    t.note("d4 (added %s):\n%s" % (fmt_ms(s.d4_added * 1000),
                                    describe(rows)))
    eq([x["state"] for x in rows], ["unknown", "unreachable", "up"],
       "d4 states:\n" + describe(rows))
    u = rows[1]
    al = device_alerts(d, "d4")
    eq([x["event"] for x in al], ["unreachable"],
       "d4's alert lines (a device that fails while an ancestor is down "
       "gets an unreachable line):\n" + lines(al))
    ua = al[0]
    eq(ua["severity"], "warning", "severity of %r" % ua["line"])
    eq(ua["details"].get("parent"), "rt2", "parent= of %r" % ua["line"])
    between(parse_iso(ua["details"].get("since", "")),
            int(u["start_ms"] / 1000.0) - 1.0, u["start_ms"] / 1000.0 + 1.0,
            "since= of %r" % ua["line"])
    r2down = only_iv(intervals(d, "rt2"), "down", "rt2")
    ok(back_after_uplink(s, u), "d4 unreachable until the uplink is back "
       "(%s; rt2 up %s):\n%s" % (fmt_ms(s.restore * 1000),
                                  fmt_ms(r2down["end_ms"]), describe(rows)))


@test
def daemon_alive_and_clean(t):
    s = scene()
    ok(s.d.alive(), "xanetd alive\n" + s.d.log_tail())
    s.d.signal(signal.SIGTERM)
    eq(s.d.wait_exit(10), 0, "exit status after SIGTERM")
    eq(s.d.sanitizer_report(), "", "sanitizer report in xanetd's stderr")


run()
