#!/usr/bin/env python3
# test_crash.py - kill -9 of xanetd in the middle of a write burst, then restart.
#
# The burst: an inventory of 5,000 devices, rewritten between two versions
# with different names, and SIGHUP in a tight loop, so that most of the time
# a reload is rewriting thousands of device rows when the kill lands. Each
# round kills, restarts on the same database and checks it; the rounds
# share one database on purpose (crash after crash).
import os
import random
import signal
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
from daemon import Daemon, minimal_config  # noqa: E402
from xtest import eq, fail, ge, ok, run, teardown, test  # noqa: E402

NDEV = 5000
ROUNDS = 4
READY_TIMEOUT = 120
BURST_LIMIT = 90
rng = random.Random(int(os.environ.get("XTEST_SEED", "84")))


def inventory(version):
    rows = ["key,name,kind,group,address"]
    for i in range(NDEV):
        if version == "A":
            name = "Nhà văn hóa thôn %d" % i
        else:
            name = "Điểm wifi công cộng số %d" % i
        rows.append("ap-%05d,%s,wifi-ap,Thôn %d,127.0.%d.%d" %
                    (i, name, i % 20, i // 250, i % 250 + 1))
    return "\n".join(rows) + "\n"


CSV = {"A": inventory("A"), "B": inventory("B")}
state = {"d": None, "version": "A", "rounds": 0}


def daemon():
    d = state["d"]
    if d is None:
        d = Daemon(minimal_config(
            devices=[], daemon_extra="inventory = devices.csv\n"),
            files={"devices.csv": CSV["A"]})
        state["d"] = d
    if not d.alive():
        mark = d.notify_mark()
        d.start()
        d.wait_ready(READY_TIMEOUT, mark)
    return d


@teardown
def _close():
    if state["d"] is not None:
        state["d"].close()


def check_after_restart(d, killed_runs):
    db = d.db()
    try:
        eq([tuple(r) for r in db.execute("PRAGMA integrity_check")],
           [("ok",)],
           "PRAGMA integrity_check after kill -9 and restart")
        runs = [dict(r) for r in db.execute(
            "SELECT * FROM monitor_run ORDER BY id")]
        eq(len(runs), killed_runs + 1,
           "monitor_run rows after %d kills: %r" % (killed_runs, runs))
        prev, cur = runs[-2], runs[-1]
        ok(prev["last_alive_ms"] is not None and
           prev["last_alive_ms"] >= prev["start_ms"],
           "killed run's last_alive_ms is set and >= start_ms: %r" % prev)
        eq(prev["stop_ms"], prev["last_alive_ms"],
           "killed run's stop_ms = its last_alive_ms (run %r)" % prev)
        eq(prev["stop_reason"], "crash", "killed run's stop_reason")
        eq(cur["stop_ms"], None, "the new run is open: %r" % cur)
        ge(cur["start_ms"], prev["stop_ms"], "new run starts after the "
           "killed run's stop")
        for r in runs[:-1]:
            ok(r["stop_ms"] is not None and r["stop_reason"] == "crash",
               "every earlier run closed as a crash: %r" % r)
        # At READY the device table matches the inventory on disk.
        want = "Nhà văn hóa thôn %d" if state["version"] == "A" else \
            "Điểm wifi công cộng số %d"
        rows = db.execute("SELECT key, name, retired_ms FROM device "
                          "ORDER BY key").fetchall()
        eq(len(rows), NDEV, "device rows")
        bad = [tuple(r) for i, r in enumerate(rows)
               if (r[0], r[1], r[2]) != ("ap-%05d" % i, want % i, None)]
        eq(bad[:5], [], "device rows differing from inventory version %s "
           "(%d in all)" % (state["version"], len(bad)))
    finally:
        db.close()


def one_round(t):
    d = daemon()
    logpos = len(d.stderr_text())
    before = d.stderr_text().count("configuration reloaded")
    # Keep reloading until a few reloads have gone through (a reload of
    # 5,000 devices can take seconds under the sanitizers), then a random
    # while longer, and kill: most likely in the middle of the next one.
    want = rng.randint(1, 3)
    extra = rng.uniform(0.0, 1.5)
    t0 = time.monotonic()
    t_enough = None
    hups = reloads = 0
    while True:
        now = time.monotonic()
        if t_enough is None:
            reloads = d.stderr_text().count("configuration reloaded") - before
            if reloads >= want:
                t_enough = now
        elif now - t_enough >= extra:
            break
        if now - t0 > BURST_LIMIT:
            fail("only %d of %d reloads completed in a %d s burst of %d "
                 "SIGHUPs\n%s" % (reloads, want, BURST_LIMIT, hups,
                                   d.stderr_text()[logpos:][-3000:]))
        if not d.alive():
            fail("xanetd died during the reload burst (status %s)\n%s" %
                 (d.proc.returncode, d.log_tail()))
        state["version"] = "B" if state["version"] == "A" else "A"
        d.write_file("devices.csv", CSV[state["version"]])
        d.signal(signal.SIGHUP)
        hups += 1
        time.sleep(rng.uniform(0.0, 0.05))
    ok(d.alive(), "xanetd alive at the end of the burst\n" + d.log_tail())
    d.kill()
    state["rounds"] += 1
    reloads = d.stderr_text().count("configuration reloaded") - before
    t.note("round %d: %d SIGHUPs in %.2f s, %d reloads completed, killed "
           "%.2f s after reload %d, inventory version %s on disk" %
           (state["rounds"], hups, time.monotonic() - t0, reloads, extra,
            want, state["version"]))
    daemon()  # restart
    check_after_restart(d, state["rounds"])


for n in range(1, ROUNDS + 1):
    test(one_round, name="kill9_mid_burst_round_%d" % n, timeout=300)


@test
def graceful_stop_after_crashes(t):
    d = daemon()
    d.signal(signal.SIGTERM)
    eq(d.wait_exit(5), 0, "exit status after SIGTERM")
    runs = d.query("SELECT stop_ms, stop_reason FROM monitor_run "
                   "ORDER BY id DESC LIMIT 1")
    ok(runs[0]["stop_ms"] is not None, "last run closed")
    eq(runs[0]["stop_reason"], "signal", "last run stop_reason")
    eq(d.query("PRAGMA integrity_check"), [{"integrity_check": "ok"}],
       "integrity_check after the graceful stop")


run()
