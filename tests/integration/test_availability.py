#!/usr/bin/env python3
# test_availability.py - uptime evidence against real hosts in namespaces: outages, loss, flapping, maintenance, monitor downtime.
#
# One xanetd watches every scenario at once (they run in parallel, driven
# by background threads from the moment it is READY); each test waits for
# its own scenario and asserts on the alert log, state_interval, sample
# and the status reply. A second xanetd, also started at once, is stopped
# for 60 s to check that the monitor's own downtime becomes `unknown`.
#
# Settings: interval 1s, timeout 500ms, fail 3, success 2; ICMP rounds of
# 3 echoes 100 ms apart (20 echoes 20 ms apart for the loss hosts).
import datetime
import os
import signal
import sys
import threading
import time
import traceback

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
from avail import (describe, device_alerts, fmt_ms, intervals,  # noqa: E402
                   local_tz, parse_alert, parse_duration, parse_iso,
                   samples, status_device, wait_alert, wait_state)
from daemon import Daemon, device_section, minimal_config  # noqa: E402
from netns import Net  # noqa: E402
from xtest import (Skip, between, contains, eq, fail, ge, gt,  # noqa: E402
                   le, lt, ok, run, teardown, test)

INTERVAL = 1.0
FAIL, SUCCESS = 3, 2
OUTAGE_S = 8.0
LOSS = {"loss10": 10, "loss30": 30}
# Echoes per loss host: nft drops each with probability pct/100, so over
# 2,000 echoes ±3 points is 4.5 sigma at 10% and 2.9 sigma at 30%.
LOSS_ECHOES = 2000
FLAP_CYCLES = 4		# down+up: 8 transitions, flapping at the 4th
GAP_S = 60.0
CAUSES = {"timeout", "loss", "dns", "unreachable", "refused", "http-status",
          "http-body", "tls", "network"}

DEFAULTS = ("[defaults]\n"
            "interval = 1s\n"
            "timeout = 500ms\n"
            "fail_threshold = %d\n"
            "success_threshold = %d\n"
            "icmp_count = 3\n"
            "icmp_spacing = 100ms\n" % (FAIL, SUCCESS))


def dev(key, name, host, **extra):
    extra.setdefault("probes", "icmp")
    return device_section(key, name, address=host.addr, **extra)


def window_covering_now():
    """A daily window in local time (+07) that began a minute ago and
    ends in ten minutes: (text, end as epoch seconds)."""
    now = datetime.datetime.now(local_tz())
    start = (now - datetime.timedelta(minutes=1)).replace(second=0,
                                                          microsecond=0)
    end = start + datetime.timedelta(minutes=11)
    return ("daily %s-%s" % (start.strftime("%H:%M"), end.strftime("%H:%M")),
            end.timestamp())


class Scenario:
    def __init__(self, name, fn):
        self.name = name
        self.res = {}
        self.error = None
        self.tb = None
        self.thread = threading.Thread(target=self._run, args=(fn,),
                                       daemon=True)

    def _run(self, fn):
        try:
            fn(self.res)
        except BaseException as e:  # noqa: BLE001 - handed to the test
            self.error = e
            self.tb = traceback.format_exc()

    def wait(self, timeout):
        self.thread.join(timeout)
        if self.thread.is_alive():
            fail("scenario %s still running after %.0f s more" %
                 (self.name, timeout))
        if self.error is not None:
            if isinstance(self.error, AssertionError):
                raise self.error
            fail("scenario %s failed:\n%s" % (self.name, self.tb))
        return self.res


class World:
    def __init__(self):
        self.closers = []
        self.scen = {}
        self.net = Net("avail")
        self.closers.append(self.net.close)
        n = self.net
        self.h = {k: n.host(k) for k in (
            "out1", "loss10", "loss30", "flap1", "mnt1", "mnt2", "mnt3",
            "mntw", "gapA", "gapB")}
        for k, pct in LOSS.items():
            self.h[k].loss(pct)
        # Down before the daemon starts: its window must hide that.
        self.h["mntw"].link(False)
        self.h["gapB"].link(False)
        self.window, self.window_end = window_covering_now()
        h = self.h
        devices = [
            dev("out1", "Nhà văn hóa thôn Đông", h["out1"]),
            dev("loss10", "Nhà văn hóa thôn Bắc", h["loss10"],
                icmp_count=20, icmp_spacing="20ms", degraded_after="10s"),
            dev("loss30", "Nhà văn hóa thôn Nam", h["loss30"],
                icmp_count=20, icmp_spacing="20ms", degraded_after="10s"),
            dev("flap1", "Nhà văn hóa thôn Tây", h["flap1"],
                fail_threshold=1, success_threshold=1, flap_count=4,
                flap_window="60s"),
            dev("mnt1", "Điểm phát wifi chợ", h["mnt1"]),
            dev("mnt2", "Điểm phát wifi trạm y tế", h["mnt2"]),
            dev("mnt3", "Điểm phát wifi trường học", h["mnt3"]),
            dev("mntw", "Điểm phát wifi bưu điện", h["mntw"],
                maintenance=self.window),
        ]
        self.d = Daemon(minimal_config(devices, extra=DEFAULTS),
                        prefix="xtest-avail-")
        self.closers.append(self.d.close)
        gap_devices = [
            dev("gapA", "Nhà văn hóa thôn Một", h["gapA"]),
            dev("gapB", "Nhà văn hóa thôn Hai", h["gapB"]),
            device_section("gapC", "Máy chủ xã", kind="server",
                           address="127.0.0.1", probes="icmp"),
        ]
        self.g = Daemon(minimal_config(gap_devices, extra=DEFAULTS),
                        prefix="xtest-gap-")
        self.closers.append(self.g.close)
        self.t_start = time.time()
        self.d.start()
        self.g.start()
        self.d.wait_ready()
        self.t_ready = time.time()
        for name, fn in (("outage", self.drive_outage),
                         ("flap", self.drive_flap),
                         ("mnt1", self.drive_mnt1),
                         ("mnt2", self.drive_mnt2),
                         ("mnt3", self.drive_mnt3),
                         ("loss", self.drive_loss),
                         ("gap", self.drive_gap)):
            s = Scenario(name, fn)
            self.scen[name] = s
            s.thread.start()

    def close(self):
        errors = []
        for fn in reversed(self.closers):
            try:
                fn()
            except Exception:  # noqa: BLE001 - keep closing
                errors.append(traceback.format_exc())
        self.closers = []
        if errors:
            raise AssertionError("cleanup:\n" + "\n".join(errors))

    # --- drivers (background threads) ----------------------------------------

    def drive_outage(self, res):
        wait_state(self.d, "out1", "up", 15, "before the outage")
        time.sleep(1.0)
        res["cut"] = time.time()
        self.h["out1"].link(False)
        time.sleep(OUTAGE_S)
        res["restore"] = time.time()
        self.h["out1"].link(True)
        wait_state(self.d, "out1", "up", 15, "after the outage")

    def drive_flap(self, res):
        wait_state(self.d, "flap1", "up", 15, "before flapping")
        time.sleep(1.0)
        res["toggles"] = []
        for _ in range(FLAP_CYCLES):
            res["toggles"].append(("down", time.time()))
            self.h["flap1"].link(False)
            time.sleep(2.0)
            res["toggles"].append(("up", time.time()))
            self.h["flap1"].link(True)
            time.sleep(2.0)
        res["last"] = time.time()
        res["status"] = status_device(self.d, "flap1")

    def drive_mnt1(self, res):
        # Maintenance by hand, then an outage inside it that ends before
        # the maintenance does.
        wait_state(self.d, "mnt1", "up", 15, "before maintenance")
        res["start"] = time.time()
        res["ctl"] = self.d.ctl("maintenance", "start", "mnt1", "--for",
                                "30s", "--reason", "thay bộ phát")
        time.sleep(1.0)
        res["cut"] = time.time()
        self.h["mnt1"].link(False)
        time.sleep(FAIL * INTERVAL + 4)
        res["status_during"] = status_device(self.d, "mnt1")
        res["ctl_status"] = self.d.ctl("--json", "status")
        res["restore"] = time.time()
        self.h["mnt1"].link(True)

    def drive_mnt2(self, res):
        # The outage outlasts the maintenance: down when it ends.
        wait_state(self.d, "mnt2", "up", 15, "before maintenance")
        res["start"] = time.time()
        res["ctl"] = self.d.ctl("maintenance", "start", "mnt2", "--for",
                                "12s")
        time.sleep(1.0)
        res["cut"] = time.time()
        self.h["mnt2"].link(False)
        wait_alert(self.d, "mnt2", "maintenance-end", 25)
        wait_state(self.d, "mnt2", "down", 5, "after maintenance ended "
                   "with the link still down")
        time.sleep(2.0)
        res["restore"] = time.time()
        self.h["mnt2"].link(True)
        wait_state(self.d, "mnt2", "up", 10, "after the link came back")

    def drive_mnt3(self, res):
        # Maintenance stopped by hand long before its end.
        wait_state(self.d, "mnt3", "up", 15, "before maintenance")
        res["start"] = time.time()
        res["ctl"] = self.d.ctl("maintenance", "start", "mnt3", "--for",
                                "10m")
        time.sleep(4.0)
        res["stop"] = time.time()
        res["ctl_stop"] = self.d.ctl("maintenance", "stop", "mnt3")

    def echo_totals(self, key):
        rows = self.d.query(
            "SELECT COALESCE(SUM(s.sent), 0) AS sent, "
            "COALESCE(SUM(s.received), 0) AS received, COUNT(*) AS n "
            "FROM sample s JOIN device dv ON dv.id = s.device_id "
            "WHERE dv.key = ? AND s.kind = 'icmp'", (key,))
        return rows[0]

    def drive_loss(self, res):
        deadline = time.monotonic() + 180
        while True:
            tot = {k: self.echo_totals(k) for k in LOSS}
            if all(v["sent"] >= LOSS_ECHOES for v in tot.values()):
                break
            if time.monotonic() > deadline:
                fail("fewer than %d echoes per loss host within 180 s: %r"
                     % (LOSS_ECHOES, tot))
            if not self.d.alive():
                fail("xanetd died\n" + self.d.log_tail())
            time.sleep(1.0)
        res["totals"] = tot
        res["status"] = {k: status_device(self.d, k) for k in LOSS}
        res["ctl_status"] = self.d.ctl("--json", "status")
        res["lifted"] = time.time()
        self.h["loss30"].loss(0)
        res["recovered"] = wait_alert(self.d, "loss30", "recovered", 25)
        res["status_after"] = status_device(self.d, "loss30")

    def drive_gap(self, res):
        g = self.g
        g.wait_ready()
        for key, state in (("gapA", "up"), ("gapB", "down"),
                           ("gapC", "up")):
            wait_state(g, key, state, 15, "first run")
        res["before"] = {k: intervals(g, k) for k in ("gapA", "gapB",
                                                       "gapC")}
        g.signal(signal.SIGTERM)
        res["exit1"] = g.wait_exit(10)
        runs = g.query("SELECT * FROM monitor_run ORDER BY id")
        res["run1"] = runs[-1]
        stop_s = (runs[-1]["stop_ms"] or 0) / 1000.0
        time.sleep(max(0.0, stop_s + GAP_S - time.time()))
        mark = g.notify_mark()
        res["restart"] = time.time()
        g.start()
        g.wait_ready(since=mark)
        res["ready2"] = time.time()
        for key, state in (("gapA", "up"), ("gapB", "down"),
                           ("gapC", "up")):
            wait_state(g, key, state, 15, "second run")
        time.sleep(1.0)


_world = None
_world_error = None


def world():
    global _world, _world_error
    if _world is None and _world_error is None:
        w = None
        try:
            w = World.__new__(World)
            w.closers = []
            _world = w
            World.__init__(w)
        except BaseException as e:  # noqa: BLE001 - every test sees it
            _world_error = e
    if _world_error is not None:
        if isinstance(_world_error, (Skip, AssertionError)):
            raise _world_error
        raise AssertionError("setting up the namespaces and xanetd "
                             "failed: %r" % _world_error)
    return _world


@teardown
def _close_world():
    if _world is not None:
        _world.close()


def only(alerts, events):
    return [a for a in alerts if a["event"] in events]


def lines(alerts):
    return "\n".join(a["line"] for a in alerts) or "(none)"


def check_down_up_lines(d, key, down_iv):
    """The down/up pair of alert lines for KEY matches DOWN_IV."""
    al = device_alerts(d, key, ("down", "up"))
    eq([a["event"] for a in al], ["down", "up"],
       "down/up alert lines of %s:\n%s" % (key, lines(al)))
    down, up = al
    eq(down["severity"], "error", "severity of %r" % down["line"])
    eq(up["severity"], "notice", "severity of %r" % up["line"])
    start = down_iv["start_ms"] / 1000.0
    end = down_iv["end_ms"] / 1000.0
    for a in (down, up):
        contains(a["details"], "since", "details of %r" % a["line"])
        between(parse_iso(a["details"]["since"]), int(start) - 1.0,
                start + 1.0, "since= of %r vs the interval start %s" %
                (a["line"], fmt_ms(down_iv["start_ms"])))
    contains(down["details"], "cause", "details of %r" % down["line"])
    contains(CAUSES, down["details"]["cause"], "cause= of %r" % down["line"])
    contains(up["details"], "outage", "details of %r" % up["line"])
    outage = parse_duration(up["details"]["outage"])
    between(outage, end - start - 1.0, end - start + 1.0,
            "outage= of %r vs the down interval (%.3f s)" %
            (up["line"], end - start))
    return down, up


# --- 1. outage -----------------------------------------------------------------

@test(timeout=90)
def outage_matches_link_down(t):
    w = world()
    r = w.scen["outage"].wait(60)
    cut, restore = r["cut"], r["restore"]
    t.note("link down %s .. %s (%.1f s)" % (fmt_ms(cut * 1000),
                                             fmt_ms(restore * 1000),
                                             restore - cut))
    rows = intervals(w.d, "out1")
    t.note("intervals:\n" + describe(rows))
    downs = [x for x in rows if x["state"] == "down"]
    eq(len(downs), 1, "down intervals of out1:\n" + describe(rows))
    iv = downs[0]
    ok(iv["end_ms"] is not None, "the down interval is closed")
    start, end = iv["start_ms"] / 1000.0, iv["end_ms"] / 1000.0
    slack = 1.0
    between(start, cut - slack, cut + INTERVAL + slack,
            "outage start (first failed probe) vs the moment the link "
            "went down")
    between(end, restore - slack, restore + INTERVAL + slack,
            "outage end (first good probe) vs the moment the link came "
            "back")
    between(end - start, OUTAGE_S - INTERVAL - slack,
            OUTAGE_S + INTERVAL + slack, "outage duration (s) for a link "
            "down %.1f s" % OUTAGE_S)
    contains(CAUSES, iv["cause"], "cause of the down interval")
    eq([x["state"] for x in rows if x["start_ms"] >= iv["start_ms"]],
       ["down", "up"], "states from the outage on")
    eq(rows[-1]["end_ms"], None, "the last interval (up) is open")
    # Intervals tile time: each ends where the next begins.
    for a, b in zip(rows, rows[1:]):
        eq(a["end_ms"], b["start_ms"], "interval end = next start:\n" +
           describe(rows))
    down, up = check_down_up_lines(w.d, "out1", iv)
    le(down["ts"], cut + FAIL * INTERVAL + 3.0,
       "down line written within %d intervals (+ slack) of the cut: %r" %
       (FAIL, down["line"]))
    le(up["ts"], restore + SUCCESS * INTERVAL + 3.0,
       "up line written within %d intervals (+ slack) of the restore: %r"
       % (SUCCESS, up["line"]))
    # The samples behind it: about one failed round per second.
    ss = samples(w.d, "out1", "icmp")
    failed = [s for s in ss if not s["ok"]]
    inside = [s for s in ss if cut * 1000 <= s["ts_ms"] <= restore * 1000]
    between(len(failed), OUTAGE_S / INTERVAL - 2, OUTAGE_S / INTERVAL + 2,
            "failed ICMP samples of out1")
    ge(sum(1 for s in inside if not s["ok"]), OUTAGE_S / INTERVAL - 2,
       "failed samples inside the outage")
    eq([s for s in failed if not s["cause"]], [],
       "failed samples without a cause")
    ge(sum(1 for s in ss if s["ok"] and s["ts_ms"] > end * 1000), 1,
       "good samples after the outage")


# --- 5. maintenance ----------------------------------------------------------

@test(timeout=90)
def maintenance_by_hand_hides_outage(t):
    w = world()
    r = w.scen["mnt1"].wait(60)
    eq(r["ctl"].returncode, 0, "xanetctl maintenance start mnt1 --for 30s"
       "\n%s%s" % (r["ctl"].stdout, r["ctl"].stderr))
    eq(r["status_during"].get("state"), "maintenance",
       "status of mnt1 with its link down inside maintenance")
    import json
    ctl = r["ctl_status"]
    eq(ctl.returncode, 0, "xanetctl --json status exit\n" + ctl.stderr)
    devs = {x.get("key"): x for x in json.loads(ctl.stdout)["devices"]}
    eq(devs["mnt1"].get("state"), "maintenance",
       "xanetctl status --json state of mnt1")
    for f in ("since_ms", "degraded", "flapping", "rtt_ms", "loss_pct"):
        contains(devs["mnt1"], f, "xanetctl status --json device fields")
    starts = wait_alert(w.d, "mnt1", "maintenance-start", 5)
    eq(len(starts), 1, "maintenance-start lines of mnt1")
    a = starts[0]
    eq(a["severity"], "notice", "severity of %r" % a["line"])
    between(parse_iso(a["details"].get("until", "")), r["start"] + 30 - 2,
            r["start"] + 30 + 2, "until= of %r" % a["line"])
    contains(a["line"], "reason=", "maintenance-start line")
    contains(a["line"], "thay bộ phát", "the reason in the line")
    ends = wait_alert(w.d, "mnt1", "maintenance-end", 40)
    between(ends[0]["ts"], r["start"] + 30 - 2, r["start"] + 30 + 3,
            "maintenance-end of mnt1 30 s after it began: %r" %
            ends[0]["line"])
    wait_state(w.d, "mnt1", "up", 5, "after maintenance")
    al = device_alerts(w.d, "mnt1")
    eq(only(al, ("down", "up", "unreachable")), [],
       "down/up lines of mnt1 (outage inside maintenance):\n" + lines(al))
    rows = intervals(w.d, "mnt1")
    t.note(describe(rows))
    eq([x for x in rows if x["state"] == "down"], [],
       "down intervals of mnt1:\n" + describe(rows))
    m = [x for x in rows if x["state"] == "maintenance"]
    eq(len(m), 1, "maintenance intervals of mnt1:\n" + describe(rows))
    between(m[0]["start_ms"] / 1000.0, r["start"] - 0.5, r["start"] + 2.0,
            "maintenance interval start vs xanetctl maintenance start")
    between((m[0]["end_ms"] or 0) / 1000.0, r["start"] + 29,
            r["start"] + 33, "maintenance interval end")
    eq(rows[-1]["state"], "up", "state after maintenance:\n" +
       describe(rows))


@test(timeout=90)
def maintenance_ends_on_a_down_device(t):
    w = world()
    r = w.scen["mnt2"].wait(60)
    eq(r["ctl"].returncode, 0, "xanetctl maintenance start mnt2\n%s%s" %
       (r["ctl"].stdout, r["ctl"].stderr))
    rows = intervals(w.d, "mnt2")
    t.note(describe(rows))
    states = [x["state"] for x in rows]
    i = states.index("maintenance")
    eq(states[i:], ["maintenance", "down", "up"],
       "states from maintenance on:\n" + describe(rows))
    m, dn = rows[i], rows[i + 1]
    between(m["end_ms"] / 1000.0, r["start"] + 12 - 1, r["start"] + 12 + 3,
            "maintenance end (12 s)")
    eq(dn["start_ms"], m["end_ms"], "the outage is on record from the "
       "end of maintenance, not before")
    al = device_alerts(w.d, "mnt2")
    ev = [a["event"] for a in al]
    eq(sorted(ev), ["down", "maintenance-end", "maintenance-start", "up"],
       "alert lines of mnt2:\n" + lines(al))
    down = al[ev.index("down")]
    up = al[ev.index("up")]
    contains(CAUSES, down["details"].get("cause"), "cause= of %r" %
             down["line"])
    between(parse_iso(down["details"].get("since", "")),
            int(dn["start_ms"] / 1000.0) - 1.0, dn["start_ms"] / 1000.0 + 1,
            "since= of %r: the end of maintenance" % down["line"])
    outage = parse_duration(up["details"].get("outage", "-1"))
    between(outage, (dn["end_ms"] - dn["start_ms"]) / 1000.0 - 1,
            (dn["end_ms"] - dn["start_ms"]) / 1000.0 + 1,
            "outage= of %r" % up["line"])
    # Read with tail -f, the log must tell it in order: the maintenance
    # ended, then the device (still dead) is down.
    eq(ev, ["maintenance-start", "maintenance-end", "down", "up"],
       "order of mnt2's alert lines:\n" + lines(al))


@test(timeout=60)
def maintenance_stopped_by_hand(t):
    w = world()
    r = w.scen["mnt3"].wait(40)
    eq(r["ctl"].returncode, 0, "xanetctl maintenance start mnt3 --for 10m"
       "\n%s%s" % (r["ctl"].stdout, r["ctl"].stderr))
    eq(r["ctl_stop"].returncode, 0, "xanetctl maintenance stop mnt3\n%s%s"
       % (r["ctl_stop"].stdout, r["ctl_stop"].stderr))
    st = wait_state(w.d, "mnt3", "up", 3, "right after maintenance stop")
    ends = wait_alert(w.d, "mnt3", "maintenance-end", 3)
    eq(len(ends), 1, "maintenance-end lines of mnt3")
    between(ends[0]["ts"], r["stop"] - 1, r["stop"] + 2,
            "maintenance-end written when stopped: %r" % ends[0]["line"])
    starts = device_alerts(w.d, "mnt3", ("maintenance-start",))
    eq(len(starts), 1, "maintenance-start lines of mnt3")
    between(parse_iso(starts[0]["details"].get("until", "")),
            r["start"] + 600 - 2, r["start"] + 600 + 2,
            "until= of %r" % starts[0]["line"])
    rows = intervals(w.d, "mnt3")
    m = [x for x in rows if x["state"] == "maintenance"]
    eq(len(m), 1, "maintenance intervals:\n" + describe(rows))
    between((m[0]["end_ms"] - m[0]["start_ms"]) / 1000.0, 3.0, 5.5,
            "maintenance interval of mnt3 (stopped after 4 s)")
    eq(rows[-1]["state"], "up", "state after stop:\n" + describe(rows))
    ge(st.get("since_ms", 0), m[0]["end_ms"], "status since_ms of mnt3")


@test(timeout=60)
def maintenance_window_from_config(t):
    w = world()
    t.note("maintenance = %s; the host's link is down throughout" %
           w.window)
    st = wait_state(w.d, "mntw", "maintenance", 5, "configured window")
    # Long enough for fail_threshold rounds to have failed.
    time.sleep(max(0.0, w.t_ready + FAIL * INTERVAL + 3 - time.time()))
    starts = wait_alert(w.d, "mntw", "maintenance-start", 2)
    eq(len(starts), 1, "maintenance-start lines of mntw")
    eq(parse_iso(starts[0]["details"].get("until", "")), w.window_end,
       "until= of %r (the window ends %s)" %
       (starts[0]["line"], datetime.datetime.fromtimestamp(
           w.window_end, local_tz()).isoformat()))
    al = device_alerts(w.d, "mntw")
    eq(only(al, ("down", "up", "unreachable")), [],
       "down/up lines of mntw:\n" + lines(al))
    rows = intervals(w.d, "mntw")
    t.note(describe(rows))
    eq([x for x in rows if x["state"] not in ("maintenance", "unknown")],
       [], "mntw states other than maintenance:\n" + describe(rows))
    runs = w.d.query("SELECT * FROM monitor_run ORDER BY id")
    first_m = [x for x in rows if x["state"] == "maintenance"]
    ok(first_m, "a maintenance interval for mntw:\n" + describe(rows))
    le(first_m[0]["start_ms"], runs[-1]["start_ms"] + 1500,
       "mntw is in maintenance from the monitor's start (run start %s)\n%s"
       % (fmt_ms(runs[-1]["start_ms"]), describe(rows)))
    eq(first_m[-1]["end_ms"], None, "the maintenance interval is open")
    eq(wait_state(w.d, "mntw", "maintenance", 1)["state"], "maintenance",
       "status of mntw now")
    ge(st.get("since_ms") or 0, first_m[0]["start_ms"],
       "status since_ms of mntw")


# --- 2. loss and degraded ------------------------------------------------------

@test(timeout=230)
def loss_measured_matches_truth(t):
    w = world()
    r = w.scen["loss"].wait(220)
    for key, pct in LOSS.items():
        tot = r["totals"][key]
        measured = 100.0 * (1 - tot["received"] / tot["sent"])
        t.note("%s: %d sent, %d received in %d rounds: %.2f%% loss "
               "(nft drops %d%%)" % (key, tot["sent"], tot["received"],
                                     tot["n"], measured, pct))
        ge(tot["sent"], LOSS_ECHOES, "echoes sent to %s" % key)
        between(measured, pct - 3.0, pct + 3.0,
                "measured loss of %s (sum of sample.sent/received)" % key)
        ss = samples(w.d, key, "icmp")
        eq(sorted({s["sent"] for s in ss}), [20],
           "echoes per round for %s (icmp_count 20)" % key)
        eq([s for s in ss if not s["ok"]], [],
           "failed rounds of %s (a round fails only if all 20 are lost)" %
           key)
        rows = intervals(w.d, key)
        eq([x["state"] for x in rows if x["state"] != "unknown"], ["up"],
           "states of %s (degraded is not a state)" % key)


@test(timeout=60)
def degraded_above_loss_warn_only(t):
    w = world()
    r = w.scen["loss"].wait(60)
    st = r["status"]
    eq(st["loss30"].get("degraded"), True, "status degraded of loss30")
    eq(st["loss10"].get("degraded"), False, "status degraded of loss10")
    for key, pct in LOSS.items():
        lp = st[key].get("loss_pct")
        ok(isinstance(lp, (int, float)) and 0 <= lp <= 100,
           "status loss_pct of %s is a percentage: %r" % (key, lp))
        rtt = st[key].get("rtt_ms")
        ok(isinstance(rtt, (int, float)) and 0 <= rtt < 100,
           "status rtt_ms of %s on a veth: %r" % (key, rtt))
    al10 = device_alerts(w.d, "loss10")
    eq(only(al10, ("degraded", "recovered", "down", "up")), [],
       "alert lines of loss10 (10% < loss_warn 20):\n" + lines(al10))
    al30 = device_alerts(w.d, "loss30")
    deg = only(al30, ("degraded",))
    eq(len(deg), 1, "degraded lines of loss30:\n" + lines(al30))
    a = deg[0]
    eq(a["severity"], "warning", "severity of %r" % a["line"])
    loss = float(a["details"].get("loss", "-1").rstrip("%"))
    between(loss, 20.0, 45.0, "loss= of %r (30%% over a 10 s window)" %
            a["line"])
    eq(parse_duration(a["details"].get("window", "")), 10.0,
       "window= of %r" % a["line"])
    contains(a["details"], "rtt", "details of %r" % a["line"])
    first = samples(w.d, "loss30", "icmp")[0]["ts_ms"] / 1000.0
    between(a["ts"], first + 10 - 1.5, first + 10 + 5,
            "degraded only once the 10 s window is full (first sample %s): "
            "%r" % (fmt_ms(first * 1000), a["line"]))
    rec = r["recovered"]
    eq(len(rec), 1, "recovered lines of loss30:\n" + lines(al30))
    eq(rec[0]["severity"], "notice", "severity of %r" % rec[0]["line"])
    rloss = float(rec[0]["details"].get("loss", "-1").rstrip("%"))
    between(rloss, 0.0, 10.0, "loss= of %r (below loss_warn / 2)" %
            rec[0]["line"])
    between(rec[0]["ts"], r["lifted"], r["lifted"] + 10 + 5,
            "recovered within the window after the drop rule went: %r" %
            rec[0]["line"])
    eq(r["status_after"].get("degraded"), False,
       "status degraded of loss30 after recovering")
    eq(only(al30, ("down", "up")), [], "down/up lines of loss30:\n" +
       lines(al30))


# --- 4. flapping -----------------------------------------------------------------

@test(timeout=150)
def flapping_one_alert_then_quiet(t):
    w = world()
    r = w.scen["flap"].wait(60)
    toggles = r["toggles"]
    rows = intervals(w.d, "flap1")
    t.note(describe(rows))
    ud = [x for x in rows if x["state"] in ("up", "down")]
    downs = [x for x in ud if x["state"] == "down"]
    eq(len(downs), FLAP_CYCLES, "down intervals of flap1 (one per link "
       "cut, fail_threshold 1):\n" + describe(rows))
    # Transitions after the first up: 2 per cycle.
    eq(len(ud) - 1, 2 * FLAP_CYCLES, "up/down transitions recorded")
    for (what, at), dn in zip(toggles[0::2], downs):
        between(dn["start_ms"] / 1000.0, at - 1.0, at + INTERVAL + 1.0,
                "down interval start vs link cut at %s" % fmt_ms(at * 1000))
    al = device_alerts(w.d, "flap1")
    flaps = only(al, ("flapping",))
    eq(len(flaps), 1, "flapping lines of flap1:\n" + lines(al))
    f = flaps[0]
    eq(f["severity"], "warning", "severity of %r" % f["line"])
    eq(f["details"].get("transitions"), "4", "transitions= of %r "
       "(flap_count 4)" % f["line"])
    eq(parse_duration(f["details"].get("window", "")), 60.0,
       "window= of %r" % f["line"])
    # The fourth transition raises it: the 2nd up.
    fourth = ud[4]["start_ms"] / 1000.0
    # Alert-log times have whole seconds: allow the truncated second.
    between(f["ts"], fourth - 1.0, fourth + 2.5,
            "flapping written at the 4th transition (%s): %r" %
            (fmt_ms(fourth * 1000), f["line"]))
    i = al.index(f)
    before = only(al[:i], ("down", "up"))
    after = only(al[i + 1:], ("down", "up"))
    t.note("down/up lines before flapping: %d, after: %d" %
           (len(before), len(after)))
    ok(len(before) in (3, 4), "down/up lines before the flapping line "
       "(the 3 transitions before the 4th, and perhaps the 4th):\n" +
       lines(al))
    eq(after, [], "down/up lines after the flapping line (transitions are "
       "recorded, not alerted):\n" + lines(al))
    eq(r["status"].get("flapping"), True, "status flapping of flap1 2 s "
       "after the last transition")
    # Quiet for a whole window: stable.
    last = ud[-1]["start_ms"] / 1000.0
    stable = wait_alert(w.d, "flap1", "stable",
                        max(1.0, last + 60 + 6 - time.time()))
    eq(len(stable), 1, "stable lines")
    between(stable[0]["ts"], last + 60 - 1.5, last + 60 + 4,
            "stable one window (60 s) after the last transition (%s): %r" %
            (fmt_ms(last * 1000), stable[0]["line"]))
    eq(stable[0]["severity"], "notice", "severity of stable")
    eq(status_device(w.d, "flap1").get("flapping"), False,
       "status flapping after stable")
    al = device_alerts(w.d, "flap1")
    eq(only(al[al.index(flaps[0]) + 1:], ("down", "up")), [],
       "down/up lines after flapping:\n" + lines(al))


# --- 6. monitor downtime ---------------------------------------------------------

@test(timeout=150)
def monitor_downtime_is_unknown(t):
    w = world()
    r = w.scen["gap"].wait(140)
    g = w.g
    eq(r["exit1"], 0, "first run's exit status after SIGTERM")
    stop_ms = r["run1"]["stop_ms"]
    ok(stop_ms is not None, "monitor_run.stop_ms of the first run: %r" %
       r["run1"])
    runs = g.query("SELECT * FROM monitor_run ORDER BY id")
    eq(len(runs), 2, "monitor_run rows after a restart")
    gap = runs[1]["start_ms"] - stop_ms
    t.note("monitor stopped %s, restarted %s (%.1f s)" %
           (fmt_ms(stop_ms), fmt_ms(runs[1]["start_ms"]), gap / 1000.0))
    between(gap / 1000.0, GAP_S - 1, GAP_S + 10, "gap between the runs")
    for key in ("gapA", "gapB", "gapC"):
        rows = intervals(g, key)
        t.note("%s:\n%s" % (key, describe(rows)))
        gaps = [x for x in rows if x["state"] == "unknown" and
                x["cause"] == "monitor-stopped"]
        eq(len(gaps), 1, "unknown intervals with cause monitor-stopped of "
           "%s:\n%s" % (key, describe(rows)))
        iv = gaps[0]
        between(iv["start_ms"], stop_ms - 1000, stop_ms + 1000,
                "%s: the unknown interval starts at the previous run's "
                "stop (%s)" % (key, fmt_ms(stop_ms)))
        ok(iv["end_ms"] is not None, "%s: the unknown interval ended once "
           "probed again" % key)
        between((iv["end_ms"] - iv["start_ms"]) / 1000.0, GAP_S - 1,
                GAP_S + 8, "%s: length of the unknown interval (s)" % key)
        # Nothing else covers the gap: never up or down while stopped.
        for x in rows:
            if x is iv:
                continue
            end = x["end_ms"] if x["end_ms"] is not None else 2 ** 62
            ok(end <= iv["start_ms"] or x["start_ms"] >= iv["end_ms"],
               "%s: %s interval overlaps the monitor's downtime:\n%s" %
               (key, x["state"], describe(rows)))
        before = [x for x in rows if x["start_ms"] < iv["start_ms"]]
        ok(before and before[-1]["end_ms"] == iv["start_ms"],
           "%s: the first run's last interval ends where the gap begins:"
           "\n%s" % (key, describe(rows)))
        for x in rows:
            if x["state"] in ("up", "down") and x["start_ms"] > stop_ms:
                ge(x["start_ms"], runs[1]["start_ms"],
                   "%s: %s after the gap starts after the restart" %
                   (key, x["state"]))
    al = [parse_alert(x) for x in g.alerts()]
    ev = [(a["event"], a["key"]) for a in al if a["key"] == "-"]
    eq(ev, [("monitor-started", "-"), ("monitor-stopped", "-"),
            ("monitor-started", "-")], "monitor lines in the alert log")


# --- the end -----------------------------------------------------------------------

@test(timeout=60)
def alert_table_matches_alert_log(t):
    w = world()
    for s in w.scen.values():
        s.wait(30)
    def both():
        logged = {}
        for line in w.d.alerts():
            a = parse_alert(line)
            logged.setdefault((a["key"], a["event"]), []).append(a["ts"])
        rows = w.d.query("SELECT a.ts_ms, a.event, a.severity, "
                         "COALESCE(dv.key, '-') AS key FROM alert a "
                         "LEFT JOIN device dv ON dv.id = a.device_id "
                         "ORDER BY a.id")
        stored = {}
        for x in rows:
            stored.setdefault((x["key"], x["event"]), []).append(
                x["ts_ms"] / 1000.0)
        return logged, stored

    # The table is written in batches: give it a moment to catch up.
    deadline = time.monotonic() + 3
    logged, stored = both()
    def counts(x):
        return sorted((k, len(v)) for k, v in x.items())

    while counts(logged) != counts(stored) and time.monotonic() < deadline:
        time.sleep(0.2)
        logged, stored = both()
    eq(counts(stored), counts(logged),
       "(device, event) counts: alert table vs alert log")
    for k, ts in logged.items():
        for a, b in zip(sorted(ts), sorted(stored[k])):
            lt(abs(a - b), 1.01, "time of %s %s: log %s, table %s" %
               (k[0], k[1], fmt_ms(a * 1000), fmt_ms(b * 1000)))


@test(timeout=60)
def daemon_survives_and_stops_cleanly(t):
    w = world()
    d = w.d
    ok(d.alive(), "xanetd alive after every scenario\n" + d.log_tail())
    d.signal(signal.SIGTERM)
    eq(d.wait_exit(10), 0, "exit status after SIGTERM")
    last = parse_alert(d.alerts()[-1])
    eq((last["event"], last["details"].get("reason")),
       ("monitor-stopped", "signal"), "last alert line: %r" % last["line"])
    eq(d.sanitizer_report(), "", "sanitizer report in xanetd's stderr")
    open_rows = d.query("SELECT COUNT(*) AS n FROM state_interval "
                        "WHERE end_ms IS NULL")
    eq(open_rows[0]["n"], 0, "state_interval rows left open after a "
       "clean stop")
    gt(len(d.query("SELECT id FROM device")), 0, "devices")


run()
