#!/usr/bin/env python3
# sustained.py - benchmark: xanetd watching 10,000 loopback targets every 10 s, beside fping in loop mode.
"""xanetd with N devices (default 10,000) on 127.0.0.0/8, ICMP every
--interval (default 10 s, the default 3 echoes a round), for --duration
seconds (default 300): CPU % of one core (utime + stime from /proc over
the measured span, after a warm-up of one interval), RSS at the end, and
how late rounds started (the daemon's own counters).

The peer, in the same run and on the same targets: fping in loop mode
(`fping -l -p INTERVAL -Q ...`), which sends one echo per target per
period and does nothing else - no database, no state machine.
"""
import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import json

import _benchlib as benchlib

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.dirname(HERE)
GOAL_CPU_PCT = 5.0
GOAL_RSS_MB = 32.0


def targets(n):
    out = []
    for b in range(0, 256):
        for c in range(1, 255):
            out.append("127.%d.%d.%d" % (1 + len(out) // 64516, b, c))
            if len(out) == n:
                return out
    return out


def measure(pid, warmup, duration):
    time.sleep(warmup)
    c0, t0 = benchlib.cpu_seconds(pid), time.monotonic()
    time.sleep(duration)
    c1, t1 = benchlib.cpu_seconds(pid), time.monotonic()
    return 100.0 * (c1 - c0) / (t1 - t0), benchlib.rss_kb(pid) / 1024.0


def run_xanetd(xanetd, xanetctl, addrs, interval, warmup, duration):
    d = tempfile.mkdtemp(prefix="xanet-sustained-")
    os.chmod(d, 0o755)
    conf = os.path.join(d, "xanet.conf")
    rows = ["key,name,kind,address"]
    rows += ["t%d,Target %d,wifi-ap,%s" % (i, i, a)
             for i, a in enumerate(addrs)]
    with open(os.path.join(d, "devices.csv"), "w") as f:
        f.write("\n".join(rows) + "\n")
    with open(conf, "w") as f:
        f.write("[site]\nname = Bench\n[daemon]\nstate_dir = %s/state\n"
                "inventory = devices.csv\nlog_level = notice\n"
                "[web]\nenabled = no\n[lan]\nenabled = no\n"
                "[defaults]\ninterval = %ds\ntimeout = 2s\n" % (d, interval))
    for p in os.listdir(d):
        os.chmod(os.path.join(d, p), 0o644)
    err = open(os.path.join(d, "stderr.log"), "wb")
    p = subprocess.Popen([xanetd, "-f", "-c", conf], stdout=err, stderr=err)
    try:
        cpu, rss = measure(p.pid, warmup, duration)
        st = json.loads(subprocess.run(
            [xanetctl, "-c", conf, "status", "--json"], capture_output=True,
            check=True).stdout)
        mon = st.get("monitor", {})
        up = sum(1 for x in st["devices"] if x.get("state") == "up")
    finally:
        p.send_signal(signal.SIGTERM)
        p.wait(30)
        err.close()
        shutil.rmtree(d, ignore_errors=True)
    return cpu, rss, mon, up


def run_fping(addrs, interval, warmup, duration):
    fd, path = tempfile.mkstemp(prefix="xanet-fping-")
    with os.fdopen(fd, "w") as f:
        f.write("\n".join(addrs) + "\n")
    p = subprocess.Popen(["fping", "-l", "-p", str(interval * 1000), "-Q",
                          str(interval * 10), "-f", path],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        return measure(p.pid, warmup, duration)
    finally:
        p.send_signal(signal.SIGINT)
        p.wait(30)
        os.unlink(path)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--xanetd", required=True)
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--targets", type=int, default=10000)
    ap.add_argument("--interval", type=int, default=10)
    ap.add_argument("--duration", type=int, default=300)
    args = ap.parse_args()
    if os.geteuid() != 0:
        sys.exit("sustained: needs root (raw ICMP for both sides)")
    if shutil.which("fping") is None:
        subprocess.run(["apt-get", "install", "-y", "-qq", "fping"],
                       check=True)
    benchlib.ensure_user()
    xanetctl = os.path.join(os.path.dirname(args.xanetd), "xanetctl")
    addrs = targets(args.targets)
    warmup = 2 * args.interval
    print("sustained: %d targets every %d s, %d s measured after %d s "
          "warm-up" % (len(addrs), args.interval, args.duration, warmup),
          flush=True)
    xcpu, xrss, mon, up = run_xanetd(args.xanetd, xanetctl, addrs,
                                     args.interval, warmup, args.duration)
    fcpu, frss = run_fping(addrs, args.interval, warmup, args.duration)
    print("| %-34s | %9s | %9s |" % ("", "xanetd", "fping -l"))
    print("| %-34s | %8.2f%% | %8.2f%% |" % ("CPU, % of one core", xcpu,
                                             fcpu))
    print("| %-34s | %6.1f MB | %6.1f MB |" % ("RSS at the end", xrss, frss))
    print("ratio CPU xanetd/fping: %.2f   goal: <= %.0f%% CPU, <= %.0f MB"
          % (xcpu / fcpu if fcpu > 0 else float("inf"), GOAL_CPU_PCT,
             GOAL_RSS_MB))
    print("xanetd: %d/%d devices up; rounds %s, failed %s, late starts %s, "
          "max lateness %s ms, icmp sent %s received %s" % (
              up, len(addrs), mon.get("rounds"), mon.get("rounds_failed"),
              mon.get("late_starts"), mon.get("max_lateness_ms"),
              mon.get("icmp_sent"), mon.get("icmp_received")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
