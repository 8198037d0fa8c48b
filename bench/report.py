#!/usr/bin/env python3
# report.py - benchmark: xanetctl report --quarter (and --pack) over 1,000 devices and 92 days, beside a bare sqlite3 read of the same rows.
"""A quarterly report for 1,000 devices (20 villages, each a router with
an ISP line and 49 access points): 92 days of state intervals as 30 s
probes would leave them (about one outage a week per device, lognormal
lengths; weekly maintenance on one device in ten; two monitor stops),
a sample_hour row for every device-hour, an alert for each outage's start
and end. Indicators: the built-in profile's four plus an uplink-quality
indicator over every access point, so that the report reads every
sample_hour row of the quarter, as the peer does.

Measured, median of --runs (default 3): `xanetctl report --quarter 2026Q3
--out DIR` and the same with --pack, exec to exit; peak RSS of each
(GNU time's %M); the size of what it wrote.

The peer, on the same file: the sqlite3 CLI reading the same rows with
one query each over state_interval (clipped sums) and sample_hour (sums
per hour) - the least any tool must read to produce the figures.
"""
import argparse
import os
import random
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(SRC, "tests", "lib"))
sys.dont_write_bytecode = True

import _benchlib as benchlib  # noqa: E402

GOAL_S = 2.0
GOAL_PACK_MB = 5.0
NDEV = 1000
GROUPS = 20
TZ, S, M, H, D, PROBE = (benchlib.TZ, benchlib.S, benchlib.M, benchlib.H,
                         benchlib.D, benchlib.PROBE)
L, QS, QE, GAPS = benchlib.L, benchlib.QS, benchlib.QE, benchlib.GAPS
HS, HE = QS - 2 * D, QE + 1 * D

INDICATORS = """
[indicator wifi-nha-van-hoa]
title = Wifi miễn phí tại các nhà văn hóa thôn hoạt động ổn định
metric = uptime-group
scope = wifi-ap
target = 95
[indicator wifi-diem-thap-nhat]
title = Điểm wifi nhà văn hóa có thời gian hoạt động thấp nhất
metric = uptime-device-min
scope = wifi-ap
target = 90
[indicator lan-giam-sat]
title = Mạng LAN cơ quan được bảo vệ và giám sát
metric = lan-coverage
target = 95
[indicator internet]
title = Chất lượng kết nối Internet trong giờ cao điểm
metric = uplink-quality
scope = router
target = 90
[indicator wifi-chat-luong]
title = Chất lượng đường truyền tới các điểm wifi
metric = uplink-quality
scope = wifi-ap
target = 90
"""

PEER_SQL = """
SELECT count(*),
  sum(min(ifnull(end_ms, {to}), {to}) - max(start_ms, {fr})),
  sum(CASE WHEN state = 'down' THEN
      min(ifnull(end_ms, {to}), {to}) - max(start_ms, {fr}) ELSE 0 END)
FROM state_interval WHERE start_ms < {to} AND (end_ms IS NULL OR
  end_ms > {fr});
SELECT hour_ms, sum(sent), sum(received), sum(rtt_sum_us), sum(rtt_n)
FROM sample_hour WHERE hour_ms >= {fr} AND hour_ms < {to}
GROUP BY hour_ms;
""".format(fr=QS, to=QE)


def incidents(rng, maint_weekly):
    return benchlib.incidents(
        rng, HS, HE, (0, 1, 1, 2),
        ("timeout", "refused", "http-status", "link-down"), maint_weekly,
        "manual")



def build(db_path):
    rng = random.Random(20260701)
    db = sqlite3.connect(db_path)
    db.execute("PRAGMA synchronous = OFF")
    for t in ("state_interval", "alert", "sample_hour", "monitor_run"):
        db.execute("DELETE FROM " + t)
    db.execute("DELETE FROM device WHERE key != 'd0000'")
    db.execute("UPDATE device SET added_ms = ?, kind = 'router', "
               "isp = 'VNPT-0', grp = 'Thôn 00' WHERE key = 'd0000'", (HS,))
    for i in range(1, NDEV):
        router = i % 50 == 0
        db.execute("INSERT INTO device (key, name, kind, grp, address, isp,"
                   " added_ms) VALUES (?, ?, ?, ?, '127.0.0.1', ?, ?)",
                   ("d%04d" % i, ("Router thôn %d" if router else
                                  "Nhà văn hóa thôn %d") % i,
                    "router" if router else "wifi-ap",
                    "Thôn %02d" % (i // 50),
                    "VNPT-%d" % i if router else None, HS))
    zero = b"\0" * 32
    ivs, alerts, hours = [], [], []
    for dev_id, in db.execute("SELECT id FROM device").fetchall():
        cur = HS
        for s, e, state, cause in incidents(rng, rng.random() < 0.1):
            if s > cur:
                ivs.append((dev_id, "up", cur, s, None, zero, zero))
            ivs.append((dev_id, state, s, e, cause, zero, zero))
            if state == "down":
                alerts.append((s, "error", "down", dev_id, cause, zero,
                               zero))
                alerts.append((e, "notice", "up", dev_id, "", zero, zero))
            cur = e
        ivs.append((dev_id, "up", cur, HE, None, zero, zero))
        # 30 s probes of 3 echoes: 120 rounds, 360 echoes an hour.
        h = QS - D
        while h < QE + D:
            recv = 360 - (rng.randrange(40) if rng.random() < 0.05 else 0)
            hours.append((dev_id, "icmp", h, 120, 120, 360, recv,
                          recv * rng.randrange(5000, 60000), recv, 1000,
                          200000))
            h += H
    db.executemany("INSERT INTO state_interval (device_id, state, start_ms, "
                   "end_ms, cause, prev_hash, hash) VALUES (?,?,?,?,?,?,?)",
                   ivs)
    db.executemany("INSERT INTO alert (ts_ms, severity, event, device_id, "
                   "details, prev_hash, hash) VALUES (?,?,?,?,?,?,?)",
                   sorted(alerts))
    db.executemany("INSERT INTO sample_hour VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                   hours)
    # The monitor ran the whole quarter but for the two gaps.
    cur = HS
    for s, e in GAPS + [(HE, HE)]:
        db.execute("INSERT INTO monitor_run (start_ms, last_alive_ms, "
                   "stop_ms, stop_reason, version, config_hash) VALUES "
                   "(?, ?, ?, 'stop', 'bench', 'x')", (cur, s, s))
        cur = e
    db.commit()
    db.close()
    return len(ivs), len(alerts), len(hours)


def timed(argv, rss=True):
    """Wall seconds, CPU seconds and peak RSS (kB) of ARGV to its exit.

    The RSS is GNU time's %M: wait4's ru_maxrss would carry this Python
    process's own high-water mark (the generated rows) over fork+exec.
    """
    if rss:
        argv = ["/usr/bin/time", "-f", "XANET-RSS %M"] + argv
    t = time.perf_counter()
    p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         stdin=subprocess.DEVNULL)
    out, err = p.communicate()
    dt = time.perf_counter() - t
    if p.returncode != 0:
        sys.exit("report: %s failed (%d): %s" % (" ".join(argv[:6]),
                                                 p.returncode, err.decode()))
    kb = 0
    for line in err.decode("utf-8", "replace").splitlines():
        if line.startswith("XANET-RSS "):
            kb = int(line.split()[1])
    return dt, kb, out.decode("utf-8")


def dir_size(path):
    return sum(os.path.getsize(os.path.join(path, f))
               for f in os.listdir(path) if not f.endswith(".zip"))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--xanetd", required=True)
    ap.add_argument("--xanetctl", default=None,
                    help="default: xanetctl next to --xanetd")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    xanetctl = args.xanetctl or os.path.join(
        os.path.dirname(os.path.abspath(args.xanetd)), "xanetctl")
    if not os.access("/usr/bin/time", os.X_OK):
        sys.exit("report: peak RSS needs GNU time (apt-get install time)")
    if shutil.which("sqlite3") is None:
        sys.exit("report: the peer needs the sqlite3 CLI (apt-get install "
                 "sqlite3)")
    if not os.access(xanetctl, os.X_OK):
        sys.exit("report: no xanetctl at %s" % xanetctl)
    os.environ["XANETD"] = os.path.abspath(args.xanetd)
    from daemon import Daemon, device_section, minimal_config

    d = Daemon(minimal_config([device_section("d0000", "Router thôn 0",
                                              kind="router",
                                              address="127.0.0.1")],
                              extra=INDICATORS),
               prefix="xanet-bench-report-")
    out = tempfile.mkdtemp(prefix="xanet-bench-report-out-")
    try:
        d.start()
        d.wait_ready()
        d.signal(signal.SIGTERM)
        d.wait_exit(10)
        t = time.perf_counter()
        nivs, nalerts, nhours = build(d.db_path)
        gen_s = time.perf_counter() - t
        size = os.path.getsize(d.db_path)
        base = [xanetctl, "-c", d.conf, "--db", d.db_path, "report",
                "--quarter", "2026Q3"]
        xargv = base + ["--out", os.path.join(out, "r")]
        kargv = base + ["--out", os.path.join(out, "p"), "--pack"]
        pargv = ["sqlite3", "-readonly", "-csv", d.db_path, PEER_SQL]
        # Warm the page cache and the loader for all three.
        timed(xargv)
        timed(kargv)
        timed(pargv, rss=False)
        xt, kt, pt, xr, kr = [], [], [], [], []
        for _ in range(args.runs):
            dt, rss, _ = timed(xargv)
            xt.append(dt)
            xr.append(rss)
            dt, rss, _ = timed(kargv)
            kt.append(dt)
            kr.append(rss)
            pt.append(timed(pargv, rss=False)[0])
        files = dir_size(os.path.join(out, "r"))
        pack = os.path.getsize(os.path.join(out, "p",
                                            "evidence-2026Q3.zip"))
    finally:
        d.close()
        shutil.rmtree(out, ignore_errors=True)
    x, k, p = (statistics.median(v) * 1000 for v in (xt, kt, pt))
    print("report: %d devices, 2026Q3 (92 days): %d state intervals, %d "
          "alerts, %d sample_hour rows (%.1f MB database, generated in "
          "%.1f s); median of %d runs" % (NDEV, nivs, nalerts, nhours,
                                          size / 1e6, gen_s, args.runs))
    print("| %-34s | %10s | %10s | %8s | %-20s |" %
          ("metric", "xanetctl", "peer", "ratio", "goal"))
    print("|%s|%s|%s|%s|%s|" % ("-" * 36, "-" * 12, "-" * 12, "-" * 10,
                                 "-" * 22))
    okx, okk = x <= GOAL_S * 1000, k <= GOAL_S * 1000
    okp = pack <= GOAL_PACK_MB * 1e6
    print("| %-34s | %10.0f | %10.0f | %7.1fx | %-20s |" %
          ("report --quarter (ms)", x, p, x / p,
           "%s (<= %g s)" % ("ok" if okx else "OVER", GOAL_S)))
    print("| %-34s | %10.0f | %10.0f | %7.1fx | %-20s |" %
          ("report --quarter --pack (ms)", k, p, k / p,
           "%s (<= %g s)" % ("ok" if okk else "OVER", GOAL_S)))
    print("| %-34s | %10.1f | %10s | %8s | %-20s |" %
          ("peak RSS, report (MB)", max(xr) / 1024, "", "", ""))
    print("| %-34s | %10.1f | %10s | %8s | %-20s |" %
          ("peak RSS, report --pack (MB)", max(kr) / 1024, "", "", ""))
    print("| %-34s | %10.2f | %10s | %8s | %-20s |" %
          ("files written (MB)", files / 1e6, "", "", ""))
    print("| %-34s | %10.2f | %10s | %8s | %-20s |" %
          ("pack (MB)", pack / 1e6, "", "", "%s (<= %g MB)" %
           ("ok" if okp else "OVER", GOAL_PACK_MB)))
    return 0 if okx and okk and okp else 1


if __name__ == "__main__":
    sys.exit(main())
