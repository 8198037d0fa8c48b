#!/usr/bin/env python3
# web.py - benchmark: the dashboard's overview and /metrics with 1,000 devices beside /healthz, and probe lateness under wrk load.
"""xanetd with N devices (default 1,000) on 127.0.0.0/8, ICMP every
--interval (default 30 s), the dashboard on a free 127.0.0.1 port, one
admin user and its session cookie. The database is seeded first with
--history-hours of samples per device (default 6 h at the interval) and
--intervals closed up/down state intervals per device over the
--interval-days before (default 50 over 365 days: an outage a fortnight), so
that the newest-sample lookups and the up/down sums of /metrics (and the
overview's queries) run against tables of a realistic size.

1. Server time of GET / (the overview) and GET /metrics: median and p95
   of --requests (default 200) sequential requests over one keep-alive
   http.client connection, beside the peer: GET /healthz on the same
   server (the fixed cost of an HTTP exchange with libmicrohttpd and the
   client). "net" is a page's time minus the peer's median.
2. Probe-schedule lateness (the daemon's own late_starts and
   max_lateness_ms from `xanetctl status --json`) over --load-seconds
   (default 20) idle, then over the same span while `wrk -t2 -c50`
   loads the overview with the session cookie.
Goals: overview <= 100 ms, /metrics <= 50 ms, lateness does not grow.
"""
import argparse
import http.client
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.parse

import _benchlib as benchlib

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "tests", "lib"))
from daemon import free_port  # noqa: E402

GOAL_OVERVIEW_MS = 100.0
GOAL_METRICS_MS = 50.0
PASSWORD = "mật khẩu đo hiệu năng 2026"


def targets(n):
    out = []
    for b in range(0, 256):
        for c in range(1, 255):
            out.append("127.1.%d.%d" % (b, c))
            if len(out) == n:
                return out
    return out



def write_config(d, addrs, interval, port):
    groups = ["Thôn %d" % (i + 1) for i in range(20)]
    rows = ["key,name,kind,group,address"]
    rows += ["ap-%04d,Nhà văn hóa %d,wifi-ap,%s,%s" % (
        i, i, groups[i % len(groups)], a) for i, a in enumerate(addrs)]
    with open(os.path.join(d, "devices.csv"), "w") as f:
        f.write("\n".join(rows) + "\n")
    conf = os.path.join(d, "xanet.conf")
    with open(conf, "w") as f:
        f.write("[site]\nname = Bench\n[daemon]\nstate_dir = %s/state\n"
                "inventory = devices.csv\nlog_level = notice\n"
                "[web]\nenabled = yes\nlisten = 127.0.0.1\nport = %d\n"
                "per_ip = 128\nmax_connections = 512\n"
                "[lan]\nenabled = no\n"
                "[defaults]\ninterval = %ds\ntimeout = 2s\n" %
                (d, port, interval))
    for p in os.listdir(d):
        os.chmod(os.path.join(d, p), 0o644)
    return conf


class Xanetd:
    def __init__(self, xanetd, conf, d):
        self.xanetd, self.conf, self.d = xanetd, conf, d
        self.p = None
        self.err = None

    def start(self, port=None):
        self.err = open(os.path.join(self.d, "stderr.log"), "ab")
        self.p = subprocess.Popen([self.xanetd, "-f", "-c", self.conf],
                                  stdout=self.err, stderr=self.err)
        if port is None:
            return
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                c.request("GET", "/healthz")
                if c.getresponse().status == 200:
                    c.close()
                    return
            except OSError:
                pass
            if self.p.poll() is not None:
                sys.exit("web: xanetd exited (see %s/stderr.log)" % self.d)
            time.sleep(0.2)
        sys.exit("web: the dashboard did not answer within 60 s")

    def stop(self):
        if self.p is not None and self.p.poll() is None:
            self.p.send_signal(signal.SIGTERM)
            self.p.wait(60)
        if self.err:
            self.err.close()


def ctl(xanetctl, conf, *args, stdin=None):
    return subprocess.run([xanetctl, "-c", conf] + list(args), input=stdin,
                          capture_output=True, timeout=120)


def seed_samples(db_path, interval, hours):
    """HOURS of one-a-round ICMP samples per device, before now."""
    db = sqlite3.connect(db_path, timeout=30)
    ids = [r[0] for r in db.execute(
        "SELECT id FROM device WHERE retired_ms IS NULL")]
    now = int(time.time() * 1000)
    n = int(hours * 3600 / interval)
    t0 = time.monotonic()
    with db:
        for i in range(n, 0, -1):
            ts = now - i * interval * 1000
            db.executemany(
                "INSERT INTO sample (device_id, probe, kind, ts_ms, ok, "
                "rtt_us, rtt_min_us, rtt_max_us, jitter_us, sent, received)"
                " VALUES (?, 0, 'icmp', ?, 1, 80, 60, 120, 10, 3, 3)",
                [(dev, ts + (dev % 1000)) for dev in ids])
    db.close()
    return len(ids) * n, time.monotonic() - t0


def seed_intervals(db_path, days, per_device):
    """PER_DEVICE closed up/down intervals per device over the DAYS
    before its first recorded one (unchained: a benchmark's history)."""
    db = sqlite3.connect(db_path, timeout=30)
    first = dict(db.execute("SELECT device_id, MIN(start_ms) FROM "
                            "state_interval GROUP BY device_id"))
    ids = [r[0] for r in db.execute(
        "SELECT id FROM device WHERE retired_ms IS NULL")]
    span = int(days * 86400 * 1000)
    rows = []
    for dev in ids:
        end = first.get(dev) or int(time.time() * 1000)
        step = span // per_device
        for k in range(per_device):
            a = end - span + k * step
            rows.append((dev, "up" if k % 2 == 0 else "down", a, a + step,
                         b"\0" * 32, b"\0" * 32))
    with db:
        db.executemany(
            "INSERT INTO state_interval (device_id, state, start_ms, end_ms,"
            " prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?)", rows)
    db.close()
    return len(rows)


def login(port):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    c.request("POST", "/login",
              body=urllib.parse.urlencode({"user": "bench",
                                           "password": PASSWORD}),
              headers={"Content-Type": "application/x-www-form-urlencoded"})
    r = c.getresponse()
    r.read()
    for k, v in r.getheaders():
        m = re.match(r"(xanet_session=[^;]+)", v)
        if k.lower() == "set-cookie" and m:
            return m.group(1)
    sys.exit("web: login failed (status %d)" % r.status)


def timed(port, path, n, cookie=None):
    """Milliseconds of N sequential GETs of PATH on one connection."""
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    h = {"Cookie": cookie} if cookie else {}
    out, size = [], 0
    for i in range(n + 5):
        t0 = time.perf_counter()
        c.request("GET", path, headers=h)
        r = c.getresponse()
        body = r.read()
        dt = (time.perf_counter() - t0) * 1000.0
        if r.status != 200:
            sys.exit("web: GET %s: status %d" % (path, r.status))
        if i >= 5:  # the first few warm the thread's connection and cache
            out.append(dt)
        size = len(body)
    c.close()
    out.sort()
    return out[len(out) // 2], out[int(len(out) * 0.95) - 1], size


def lateness(xanetctl, conf):
    st = json.loads(ctl(xanetctl, conf, "status", "--json").stdout)
    mon = st.get("monitor", {})
    return (mon.get("late_starts", 0), mon.get("max_lateness_ms", 0),
            mon.get("rounds", 0))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--xanetd", required=True)
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--devices", type=int, default=1000)
    ap.add_argument("--interval", type=int, default=30)
    ap.add_argument("--requests", type=int, default=200)
    ap.add_argument("--history-hours", type=float, default=6.0)
    ap.add_argument("--load-seconds", type=int, default=20)
    ap.add_argument("--intervals", type=int, default=50,
                    help="closed state intervals seeded per device")
    ap.add_argument("--interval-days", type=int, default=365,
                    help="the span those intervals cover")
    args = ap.parse_args()
    if os.geteuid() != 0:
        sys.exit("web: needs root (raw ICMP)")
    if shutil.which("wrk") is None:
        sys.exit("web: needs wrk (Debian package wrk)")
    benchlib.ensure_user()
    xanetctl = os.path.join(os.path.dirname(args.xanetd), "xanetctl")
    addrs = targets(args.devices)
    d = tempfile.mkdtemp(prefix="xanet-bench-web-")
    os.chmod(d, 0o755)
    port = free_port()
    conf = write_config(d, addrs, args.interval, port)
    x = Xanetd(args.xanetd, conf, d)
    try:
        # First run: schema and devices; then history behind its back.
        x.start(port)
        time.sleep(2)
        x.stop()
        nrows, secs = seed_samples(os.path.join(d, "state", "xanet.db"),
                                   args.interval, args.history_hours)
        nint = seed_intervals(os.path.join(d, "state", "xanet.db"),
                              args.interval_days, args.intervals)
        print("web: %d devices every %d s; seeded %d samples (%.0f h) in "
              "%.1f s and %d state intervals (%d days)" % (
                  len(addrs), args.interval, nrows, args.history_hours,
                  secs, nint, args.interval_days), flush=True)
        x.start(port)
        # Users are stored by the running daemon.
        r = ctl(xanetctl, conf, "user", "add", "bench", "--role", "admin",
                "--password-stdin", stdin=(PASSWORD + "\n").encode())
        if r.returncode != 0:
            sys.exit("web: user add: %s" % r.stderr.decode())
        # Two rounds: every device has a state and a fresh sample.
        time.sleep(2 * args.interval + 5)
        cookie = login(port)
        rows = []
        for _ in range(args.runs):
            peer = timed(port, "/healthz", args.requests)
            ov = timed(port, "/", args.requests, cookie)
            me = timed(port, "/metrics", args.requests)
            rows.append((peer, ov, me))
        peer, ov, me = rows[-1]
        print("| %-26s | %9s | %9s | %9s | %9s |" % (
            "", "median ms", "p95 ms", "net ms", "bytes"))
        for name, (med, p95, size) in (("GET /healthz (peer)", peer),
                                       ("GET / (overview)", ov),
                                       ("GET /metrics", me)):
            print("| %-26s | %9.2f | %9.2f | %9.2f | %9d |" % (
                name, med, p95, med - peer[0], size))
        print("ratio overview/healthz: %.1f   metrics/healthz: %.1f   "
              "goals: overview <= %.0f ms, /metrics <= %.0f ms" % (
                  ov[0] / peer[0], me[0] / peer[0], GOAL_OVERVIEW_MS,
                  GOAL_METRICS_MS))

        # Lateness: idle span, then the same span under wrk.
        l0 = lateness(xanetctl, conf)
        time.sleep(args.load_seconds)
        l1 = lateness(xanetctl, conf)
        w = subprocess.run(
            ["wrk", "-t2", "-c50", "-d%ds" % args.load_seconds,
             "-H", "Cookie: " + cookie, "http://127.0.0.1:%d/" % port],
            capture_output=True, text=True, timeout=args.load_seconds + 60)
        l2 = lateness(xanetctl, conf)
        rps = re.search(r"Requests/sec:\s+([\d.]+)", w.stdout)
        lat = re.search(r"Latency\s+(\S+)\s+(\S+)\s+(\S+)", w.stdout)
        non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", w.stdout)
        print("wrk -t2 -c50 -d%ds GET /: %s req/s, latency avg %s, max %s"
              "%s" % (args.load_seconds, rps.group(1) if rps else "?",
                      lat.group(1) if lat else "?",
                      lat.group(3) if lat else "?",
                      ", non-2xx %s" % non2xx.group(1) if non2xx else ""))
        print("| %-26s | %11s | %15s | %8s |" % (
            "", "late starts", "max lateness ms", "rounds"))
        print("| %-26s | %11d | %15d | %8d |" % (
            "idle %d s" % args.load_seconds, l1[0] - l0[0], l1[1],
            l1[2] - l0[2]))
        print("| %-26s | %11d | %15d | %8d |" % (
            "under wrk %d s" % args.load_seconds, l2[0] - l1[0], l2[1],
            l2[2] - l1[2]))
        grew = (l2[0] - l1[0]) > (l1[0] - l0[0]) or l2[1] > l1[1]
        print("lateness %s under load" % ("GREW" if grew else "did not grow"))
    finally:
        x.stop()
        shutil.rmtree(d, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
