#!/usr/bin/env python3
# test_snmp_hostile.py - hostile SNMP answers (wrong types, exceptions, 64 KB strings, looping or endless walks, truncated and garbage packets) never crash xanetd or stall the others.
#
# One xanetd polls one fake agent per behaviour (tests/lib/snmpfake.py)
# next to a control device on a real snmpd, every 2 s for ~20 s. Then:
# xanetd is alive and clean under the sanitizers, every poll of every
# device ended (with a result), walks stayed bounded, answering agents
# count as up and garbled ones as timeouts, the misbehaviour that can be
# seen is logged naming the device, and the control device was polled on
# schedule throughout.
import os
import re
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
from avail import describe, intervals, open_state, samples  # noqa: E402
from daemon import Daemon, device_section, minimal_config  # noqa: E402
from snmpd import Snmpd, require_snmpd  # noqa: E402
from snmpfake import FakeAgent  # noqa: E402
from xtest import (contains, eq, ge, le, ok, require_root,  # noqa: E402
                   run, shared_fixture, test)

INTERVAL = 2.0
RUN_S = 20.0
MAX_COLUMNS = 32		# snmp_plan.columns
MAX_ROWS = 2048			# rows per column per walk (SNMP_WALK_ROWS in probes/snmp.c)
ANSWERING = ("normal", "wrongtypes", "exceptions", "bigstring", "loop",
             "backwards")
SILENT = ("truncated", "badlen", "garbage", "wrongid", "silent")
LOGGED = ("wrongtypes", "bigstring", "loop", "backwards", "endless")


def build(s):
    require_root()
    require_snmpd()
    s.fakes = {}
    for mode in ANSWERING + SILENT + ("endless",):
        f = FakeAgent(mode).start()
        s.closers.append(f.close)
        s.fakes[mode] = f
    s.ctl = Snmpd(sysname="control", prefix="xtest-snmpd-hostile-")
    s.closers.append(s.ctl.close)
    s.ctl.start()
    s.ctl.wait_ready()
    devs = [device_section("control", "Switch đối chứng", kind="switch",
                           probes="snmp", snmp_port=s.ctl.port,
                           snmp_community="public")]
    for mode, f in s.fakes.items():
        devs.append(device_section("h-" + mode, "Thiết bị lạ %s" % mode,
                                   kind="other", probes="snmp",
                                   snmp_port=f.port,
                                   snmp_community="public"))
    extra = ("[defaults]\ninterval = 2s\ntimeout = 1s\nicmp_count = 1\n"
             "fail_threshold = 2\nsuccess_threshold = 1\n")
    s.d = Daemon(minimal_config(devs, extra=extra), prefix="xtest-hostile-")
    s.closers.append(s.d.close)
    s.d.start()
    s.d.wait_ready()
    s.start_ms = time.time() * 1000
    time.sleep(RUN_S)
    s.end_ms = time.time() * 1000


fixture = shared_fixture(build, "fake agents and xanetd")


def lines_about(text, key, port):
    # Not the state-change lines (they name every device).
    return [ln for ln in text.splitlines()
            if (re.search(r"\b%s\b" % re.escape(key), ln) or
                ":%d" % port in ln) and " -> " not in ln]


@test(timeout=120)
def daemon_survives(t):
    s = fixture()
    ok(s.d.alive(), "xanetd alive after every hostile agent:\n" +
       s.d.log_tail())
    eq(s.d.sanitizer_report(), "", "sanitizer report")
    eq(s.d.status().get("ok", True), True, "control socket answers")


@test(timeout=60)
def control_on_schedule(t):
    s = fixture()
    ts = [r["ts_ms"] for r in samples(s.d, "control", "snmp")
          if s.start_ms <= r["ts_ms"] <= s.end_ms]
    ge(len(ts), int(RUN_S / INTERVAL) - 2, "control polls in %.0f s" % RUN_S)
    gaps = [b - a for a, b in zip(ts, ts[1:])]
    t.note("control gaps (ms): %s" % gaps)
    le(max(gaps), INTERVAL * 1000 * 1.5, "largest gap between control polls")
    ok(all(r["ok"] for r in samples(s.d, "control", "snmp")),
       "every control poll ok")
    eq(open_state(s.d, "control"), "up", "control state")


@test(timeout=60)
def every_poll_ends(t):
    s = fixture()
    for mode in s.fakes:
        sm = samples(s.d, "h-" + mode, "snmp")
        ge(len(sm), int(RUN_S / INTERVAL) - 4,
           "%s: polls that ended with a result" % mode)


@test(timeout=60)
def answering_agents_up_garbled_down(t):
    s = fixture()
    for mode in ANSWERING:
        eq(open_state(s.d, "h-" + mode), "up", "%s state\n%s" % (
            mode, describe(intervals(s.d, "h-" + mode))))
    for mode in SILENT:
        key = "h-" + mode
        eq(open_state(s.d, key), "down", "%s state" % mode)
        causes = {r["cause"] for r in samples(s.d, key, "snmp")
                  if not r["ok"]}
        eq(causes, {"timeout"}, "%s failure causes" % mode)


@test(timeout=60)
def walks_bounded(t):
    s = fixture()
    for mode in ("loop", "backwards", "endless"):
        f = s.fakes[mode]
        st = f.stats()
        polls = len(samples(s.d, "h-" + mode, "snmp")) + 1
        t.note("%s: %s over %d polls" % (mode, st, polls))
        le(st["varbinds_out"] / polls, MAX_COLUMNS * (MAX_ROWS + 200),
           "%s: varbinds sent per poll" % mode)
    # A loop is seen at its first repeat: far fewer requests than rows.
    for mode in ("loop", "backwards"):
        st = s.fakes[mode].stats()
        polls = len(samples(s.d, "h-" + mode, "snmp")) + 1
        le((st["getbulk"] + st["getnext"]) / polls, MAX_COLUMNS * 4,
           "%s: walk requests per poll" % mode)


@test(timeout=60)
def misbehaviour_logged(t):
    s = fixture()
    text = s.d.stderr_text()
    for mode in LOGGED:
        got = lines_about(text, "h-" + mode, s.fakes[mode].port)
        ok(got, "a log line naming h-%s or port %d:\n%s" % (
            mode, s.fakes[mode].port, s.d.log_tail(30)))
        t.note("%s: %s" % (mode, got[0][:200]))
    # Rate-limited: not one line per varbind or per poll.
    for mode in LOGGED:
        n = len(lines_about(text, "h-" + mode, s.fakes[mode].port))
        le(n, 2 * RUN_S / INTERVAL + 5, "log lines about h-%s" % mode)


@test(timeout=60)
def big_string_bounded(t):
    s = fixture()
    rows = s.d.query(
        "SELECT length(s.sys_descr) AS n FROM snmp_system s JOIN device dv "
        "ON dv.id = s.device_id WHERE dv.key = 'h-bigstring'")
    ok(rows, "snmp_system row for h-bigstring")
    le(rows[0]["n"] or 0, 64000, "stored sysDescr length")
    contains(s.d.query(
        "SELECT s.sys_name FROM snmp_system s JOIN device dv "
        "ON dv.id = s.device_id WHERE dv.key = 'h-bigstring'")[0]["sys_name"],
        "fake-bigstring", "sysName next to the big sysDescr")


run()
