#!/usr/bin/env python3
# icmp.py - benchmark: one ICMP round to 10,000 loopback targets, xanet's engine beside fping.
"""Sweep N loopback targets (127.0.x.y, default 10,000) with one echo each
and a 500 ms timeout: bench/icmp_sweep (the xanet ICMP engine driven
directly) beside `fping -i 0 -r 0 -t 500 -f LIST` on the same list, the two
alternated, --runs times each (default 7) after one warm-up; prints the
median wall time (exec to exit), CPU time, loss and the ratio xanet/fping.

icmp_sweep is built without sanitizers (`configure -q`) in the directory
of --xanetd, else $XANET_BENCH_BUILD (default /tmp/xanet-bench-build).
Needs root (raw sockets) or a ping_group_range that allows datagram ones.

--rps runs both in a private network namespace whose lo hands received
packets to another CPU (RPS): the kernel's echo responder then runs beside
the pinger, as a real target would, instead of inside its send calls.
"""
import argparse
import ctypes
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import _benchlib as benchlib

GOAL_RATIO = 0.5
NETNS = "xanet-bench-icmp"


def build_sweep(bdir):
    return benchlib.build(bdir, ["bench/icmp_sweep"], "icmp",
                          hint=" (use --build DIR with a plain configure)")[0]


def need_fping():
    if shutil.which("fping"):
        return
    if os.geteuid() != 0:
        sys.exit("icmp: the peer needs fping (apt-get install fping)")
    print("icmp: installing fping", flush=True)
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(["apt-get", "install", "-y", "-qq", "fping"], env=env,
                   check=True)


def enter_rps_netns():
    """Move this process into a fresh netns with RPS on lo (CPU 1)."""
    if os.geteuid() != 0 or (os.cpu_count() or 1) < 2:
        sys.exit("icmp: --rps needs root and 2 CPUs")
    subprocess.run(["ip", "netns", "del", NETNS], stderr=subprocess.DEVNULL)
    subprocess.run(["ip", "netns", "add", NETNS], check=True)
    # ip netns exec mounts the namespace's own /sys for the write.
    subprocess.run(["ip", "netns", "exec", NETNS, "sh", "-c",
                    "ip link set lo up && "
                    "echo 2 > /sys/class/net/lo/queues/rx-0/rps_cpus"],
                   check=True)
    libc = ctypes.CDLL(None, use_errno=True)
    fd = os.open("/run/netns/" + NETNS, os.O_RDONLY)
    if libc.setns(fd, 0x40000000) != 0:  # CLONE_NEWNET
        sys.exit("icmp: setns: %s" % os.strerror(ctypes.get_errno()))
    os.close(fd)


def timed(cmd):
    """Run CMD; return (wall s, CPU s, stdout, stderr)."""
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True)
    wall = time.perf_counter() - t0
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
    return p.returncode, wall, cpu, p.stdout, p.stderr


def run_xanet(sweep, n, mode):
    rc, wall, cpu, out, err = timed([sweep, "-n", str(n), "-c", "1",
                                     "-t", "500", "-m", mode])
    kv = dict(re.findall(r"^(\w+): (\S+)$", out, re.M))
    if rc != 0 or "sent" not in kv:
        sys.exit("icmp: icmp_sweep failed (%d): %s%s" % (rc, out, err))
    sent, recv = int(kv["sent"]), int(kv["received"])
    return {"wall": wall, "cpu": cpu, "sent": sent, "received": recv,
            "inner": float(kv["wall_ms"]) / 1000, "mode": kv["mode"]}


def run_fping(listfile):
    # fping exits 1 when some target is unreachable: loss, not failure.
    rc, wall, cpu, out, err = timed(["fping", "-q", "-s", "-i", "0", "-r",
                                     "0", "-t", "500", "-f", listfile])
    sent = re.search(r"(\d+) ICMP Echos sent", err)
    recv = re.search(r"(\d+) ICMP Echo Replies received", err)
    if rc not in (0, 1) or not sent or not recv:
        sys.exit("icmp: fping failed (%d): %s%s" % (rc, out, err))
    return {"wall": wall, "cpu": cpu, "sent": int(sent.group(1)),
            "received": int(recv.group(1))}


def loss(rs):
    sent = sum(r["sent"] for r in rs)
    recv = sum(r["received"] for r in rs)
    return 100.0 * (sent - recv) / sent if sent else 0.0


def machine():
    model = "?"
    try:
        with open("/proc/cpuinfo") as f:
            m = re.search(r"^model name\s*:\s*(.*)$", f.read(), re.M)
            if m:
                model = m.group(1)
    except OSError:
        pass
    return "%d CPUs (%s), Linux %s" % (os.cpu_count() or 0, model,
                                       platform.release())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--xanetd", help="its build dir holds icmp_sweep")
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--targets", type=int, default=10000)
    ap.add_argument("--mode", default="auto", choices=["auto", "raw",
                                                       "dgram"])
    ap.add_argument("--build", help="build dir (plain configure)")
    ap.add_argument("--sweep", help="a built icmp_sweep to use as is")
    ap.add_argument("--rps", action="store_true",
                    help="private netns, lo's receive work on another CPU")
    args = ap.parse_args()

    need_fping()
    sweep = os.path.abspath(args.sweep) if args.sweep else \
        build_sweep(args.build or benchlib.build_dir(args.xanetd))
    tmp = tempfile.mkdtemp(prefix="xanet-bench-icmp-")
    listfile = os.path.join(tmp, "targets")
    subprocess.run([sweep, "-n", str(args.targets), "-l", listfile],
                   check=True)
    if args.rps:
        enter_rps_netns()
    try:
        run_xanet(sweep, args.targets, args.mode)  # warm-up
        run_fping(listfile)
        xs, fs = [], []
        for i in range(args.runs):
            # Alternate, so that drift and neighbours hit both alike.
            if i % 2 == 0:
                xs.append(run_xanet(sweep, args.targets, args.mode))
                fs.append(run_fping(listfile))
            else:
                fs.append(run_fping(listfile))
                xs.append(run_xanet(sweep, args.targets, args.mode))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        if args.rps:
            subprocess.run(["ip", "netns", "del", NETNS])

    def med(rs, k):
        return statistics.median(r[k] for r in rs) * 1000

    xw, fw = med(xs, "wall"), med(fs, "wall")
    xc, fc = med(xs, "cpu"), med(fs, "cpu")
    xl, fl = loss(xs), loss(fs)
    ratio = xw / fw
    print("icmp: %d loopback targets, 1 echo each, timeout 500 ms; %d runs "
          "each, median%s" % (args.targets, args.runs,
                              "; netns with RPS on lo" if args.rps else ""))
    print("machine: %s; xanet socket mode: %s" % (machine(), xs[0]["mode"]))
    print("| %-28s | %10s | %10s | %7s | %-18s |" %
          ("metric", "xanet", "fping", "ratio", "goal"))
    print("|%s|%s|%s|%s|%s|" % ("-" * 30, "-" * 12, "-" * 12, "-" * 9,
                                "-" * 20))
    print("| %-28s | %7.1f ms | %7.1f ms | %6.2fx | %-18s |" %
          ("wall, exec to exit", xw, fw, ratio, "<= %.1fx: %s" %
           (GOAL_RATIO, "ok" if ratio <= GOAL_RATIO else "MISSED")))
    print("| %-28s | %7.1f ms | %10s | %7s | %-18s |" %
          ("wall, first send to last", med(xs, "inner"), "-", "", ""))
    print("| %-28s | %7.1f ms | %7.1f ms | %6.2fx | %-18s |" %
          ("CPU, user + system", xc, fc, xc / fc if fc else 0, ""))
    print("| %-28s | %9.2f%% | %9.2f%% | %7s | %-18s |" %
          ("loss", xl, fl, "", "0%%: %s" % ("ok" if xl == 0 else "MISSED")))
    for name, rs in (("xanet", xs), ("fping", fs)):
        w = sorted(r["wall"] * 1000 for r in rs)
        print("  %-6s wall min %.1f  median %.1f  max %.1f ms" %
              (name, w[0], statistics.median(w), w[-1]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
