#!/usr/bin/env python3
# startup.py - benchmark: exec to READY=1 of xanetd and its idle memory, beside a bare SQLite floor.
"""Time from exec to READY=1 of `xanetd -f` with the example config
(config/xanet.conf and config/devices.csv, state_dir in a temp dir), on a
fresh database and on an existing one; median of --runs runs (default 25);
then idle RSS (VmRSS and VmHWM from /proc, 5 s after READY).

The peer, in the same run: the floor any daemon of this kind pays - the
sqlite3 CLI opening the same database with
`PRAGMA journal_mode=WAL; PRAGMA quick_check;` (exec to exit), and its
memory while it holds the database open.
"""
import argparse
import codecs
import csv
import io
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

import _benchlib as benchlib

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.dirname(HERE)
GOAL_READY_MS = 200.0
GOAL_RSS_KB = 8 * 1024
PEER_SQL = "PRAGMA journal_mode=WAL; PRAGMA quick_check;"


def point_at(text, key, value):
    """Set [daemon] KEY = VALUE in TEXT (replacing an uncommented one)."""
    pat = re.compile(r"^[ \t]*%s[ \t]*=.*$" % re.escape(key), re.M)
    if pat.search(text):
        return pat.sub("%s = %s" % (key, value), text)
    return re.sub(r"^\[daemon\][ \t]*$", "[daemon]\n%s = %s" % (key, value),
                  text, count=1, flags=re.M)


class Setup:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="xanet-bench-")
        os.chmod(self.dir, 0o755)
        self.state = os.path.join(self.dir, "state")
        self.conf = os.path.join(self.dir, "xanet.conf")
        self.db = os.path.join(self.state, "xanet.db")
        with open(os.path.join(SRC, "config", "xanet.conf"),
                  encoding="utf-8") as f:
            text = f.read()
        text = point_at(text, "state_dir", self.state)
        # Keys the example may set to absolute paths outside STATE_DIR.
        for key, name in (("database", "xanet.db"),
                          ("control_socket", "xanetd.sock"),
                          ("alert_log", "alerts.log")):
            if re.search(r"^[ \t]*%s[ \t]*=" % key, text, re.M):
                text = point_at(text, key, os.path.join(self.state, name))
        # Every device on loopback: once probes run, a benchmark must not
        # send a packet off this machine.
        n = iter(range(1, 255))
        text = re.sub(r"^([ \t]*address[ \t]*=[ \t]*)\S.*$",
                      lambda m: "%s127.0.0.%d" % (m.group(1), next(n)),
                      text, flags=re.M)
        with open(self.conf, "w", encoding="utf-8") as f:
            f.write(text)
        with open(os.path.join(SRC, "config", "devices.csv"), "rb") as f:
            raw = f.read()
        bom = raw.startswith(codecs.BOM_UTF8)
        rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
        col = rows[0].index("address")
        for i, r in enumerate(rows[1:], 1):
            if len(r) > col and r[col]:
                r[col] = "127.0.1.%d" % (i % 250 + 1)
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows(rows)
        with open(os.path.join(self.dir, "devices.csv"), "wb") as f:
            f.write((codecs.BOM_UTF8 if bom else b"") +
                    out.getvalue().encode("utf-8"))
        for p in os.listdir(self.dir):
            os.chmod(os.path.join(self.dir, p), 0o644)
        self.notify = os.path.join(self.dir, "notify.sock")
        self.nsock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.nsock.bind(self.notify)
        os.chmod(self.notify, 0o666)

    def fresh(self):
        shutil.rmtree(self.state, ignore_errors=True)

    def close(self):
        self.nsock.close()
        shutil.rmtree(self.dir, ignore_errors=True)


def drain(sock):
    sock.setblocking(False)
    try:
        while True:
            sock.recv(65536)
    except BlockingIOError:
        pass


def start_xanetd(xanetd, s, timeout=30):
    """Start xanetd, wait for READY=1: (proc, seconds from exec)."""
    drain(s.nsock)
    s.nsock.setblocking(True)
    s.nsock.settimeout(timeout)
    env = dict(os.environ, NOTIFY_SOCKET=s.notify)
    for k in ("WATCHDOG_USEC", "WATCHDOG_PID"):
        env.pop(k, None)
    err = open(os.path.join(s.dir, "stderr.log"), "ab")
    t0 = time.perf_counter()
    p = subprocess.Popen([xanetd, "-f", "-c", s.conf], env=env,
                         stdin=subprocess.DEVNULL, stdout=err, stderr=err)
    err.close()
    while True:
        try:
            data = s.nsock.recv(65536)
        except socket.timeout:
            p.kill()
            p.wait()
            sys.exit("startup: no READY=1 from xanetd within %d s; see %s" %
                     (timeout, os.path.join(s.dir, "stderr.log")))
        if "READY=1" in data.decode("utf-8", "replace").split("\n"):
            return p, time.perf_counter() - t0


def stop(p):
    p.send_signal(signal.SIGTERM)
    try:
        p.wait(10)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()


def run_peer(db):
    t0 = time.perf_counter()
    r = subprocess.run(["sqlite3", db, PEER_SQL], stdin=subprocess.DEVNULL,
                       capture_output=True)
    dt = time.perf_counter() - t0
    if r.returncode != 0 or b"ok" not in r.stdout:
        sys.exit("startup: sqlite3 peer failed: %r %r" % (r.stdout,
                                                          r.stderr))
    return dt


def proc_mem(pid):
    out = {}
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            k, _, v = line.partition(":")
            if k in ("VmRSS", "VmHWM"):
                out[k] = int(v.split()[0])
    return out


def idle_mem_peer(db, settle):
    p = subprocess.Popen(["sqlite3", db], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    p.stdin.write((PEER_SQL + "\n").encode())
    p.stdin.flush()
    time.sleep(settle)
    m = proc_mem(p.pid)
    p.stdin.close()
    p.wait()
    return m


def ms(v):
    return v * 1000.0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--xanetd", required=True)
    ap.add_argument("--runs", type=int, default=25)
    ap.add_argument("--settle", type=float, default=5.0,
                    help="seconds after READY before reading memory")
    args = ap.parse_args()
    if shutil.which("sqlite3") is None:
        sys.exit("startup: the peer needs the sqlite3 CLI (apt-get install "
                 "sqlite3)")
    benchlib.ensure_user()
    s = Setup()
    try:
        res = {"x_fresh": [], "x_exist": [], "p_fresh": [], "p_exist": []}
        # Warm the page cache and the dynamic loader once for both.
        s.fresh()
        p, _ = start_xanetd(args.xanetd, s)
        stop(p)
        run_peer(os.path.join(s.dir, "warm.db"))
        for _ in range(args.runs):
            # Alternate the two programs so that drift hits both alike.
            s.fresh()
            p, dt = start_xanetd(args.xanetd, s)
            res["x_fresh"].append(dt)
            stop(p)
            p, dt = start_xanetd(args.xanetd, s)
            res["x_exist"].append(dt)
            stop(p)
            peer_db = os.path.join(s.dir, "peer.db")
            for suffix in ("", "-wal", "-shm"):
                try:
                    os.unlink(peer_db + suffix)
                except FileNotFoundError:
                    pass
            res["p_fresh"].append(run_peer(peer_db))
            # The peer's "existing database" is xanetd's own.
            res["p_exist"].append(run_peer(s.db))
        p, _ = start_xanetd(args.xanetd, s)
        time.sleep(args.settle)
        xm = proc_mem(p.pid)
        stop(p)
        pm = idle_mem_peer(s.db, args.settle)
        ndev = sum(1 for _ in open(os.path.join(s.dir, "devices.csv"),
                                   encoding="utf-8-sig")) - 1
    finally:
        s.close()

    def row(name, x, p, unit, goal):
        ratio = x / p if p else float("inf")
        g = ""
        if goal is not None:
            g = "%s (goal <= %g)" % ("ok" if x <= goal else "OVER", goal)
        print("| %-30s | %10.1f | %10.1f | %7.1fx | %-20s |" %
              (name + " " + unit, x, p, ratio, g))

    med = {k: ms(statistics.median(v)) for k, v in res.items()}
    print("startup: %d runs each, median; example config (devices.csv: %d "
          "rows); xanetd %s" % (args.runs, ndev, args.xanetd))
    print("| %-30s | %10s | %10s | %8s | %-20s |" %
          ("metric", "xanetd", "peer", "ratio", "goal"))
    print("|%s|%s|%s|%s|%s|" % ("-" * 32, "-" * 12, "-" * 12, "-" * 10,
                                 "-" * 22))
    row("to READY, fresh db", med["x_fresh"], med["p_fresh"], "(ms)",
        GOAL_READY_MS)
    row("to READY, existing db", med["x_exist"], med["p_exist"], "(ms)",
        GOAL_READY_MS)
    row("idle VmRSS", xm["VmRSS"] / 1024, pm["VmRSS"] / 1024, "(MB)",
        GOAL_RSS_KB / 1024)
    row("idle VmHWM", xm["VmHWM"] / 1024, pm["VmHWM"] / 1024, "(MB)",
        GOAL_RSS_KB / 1024)
    for k, label in (("x_fresh", "xanetd fresh"), ("x_exist",
                                                   "xanetd existing"),
                     ("p_fresh", "peer fresh"), ("p_exist", "peer existing")):
        v = sorted(ms(x) for x in res[k])
        print("  %-16s min %.1f  median %.1f  max %.1f ms" %
              (label, v[0], statistics.median(v), v[-1]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
