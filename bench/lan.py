#!/usr/bin/env python3
# lan.py - benchmark: the LAN sampler over a 5-million-frame capture, beside a bare pcap loop and tcpdump.
"""Generates (once, cached in --dir) a capture of --packets frames
(default 5,000,000) from --hosts hosts (default 5,000) with bench/lan_gen:
40% full-size segments, 35% 60-100 B ACKs, DNS, ARP, SMB, DHCP, 20,000
frames a second of packet time, cut at 512 bytes (the daemon's snaplen).
Then, pinned to one CPU, alternated --runs times (default 5), best run
kept (the machine is shared; the best run is the least disturbed):
  sampler  bench/lan_run: the full LAN sampler (decode, hosts, traffic,
           detectors) through lan_offline_run(), as `xanetctl lan analyze`
  bare     bench/lan_bare: pcap_dispatch with an empty callback
  tcpdump  tcpdump -r FILE -w /dev/null
and prints frames/s and the ratios. Last, the RSS of the sampler over a
capture with 10,000 hosts (max_hosts 10240).

Goals: >= 1.5 M frames/s, >= 60% of the bare loop, RSS <= 16 MB.
The programs are built without sanitizers in the directory of --xanetd,
else $XANET_BENCH_BUILD (default /tmp/xanet-bench-build).
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import time

import _benchlib as benchlib

GOAL_PPS = 1.5e6
GOAL_RATIO = 0.6
GOAL_RSS_KB = 16 * 1024


def build(bdir):
    names = ("lan_gen", "lan_bare", "lan_run")
    paths = benchlib.build(bdir, ["bench/" + n for n in names], "lan")
    return dict(zip(names, paths))


def capture(progs, d, packets, hosts):
    path = os.path.join(d, "xanet-lan-%d-%d.pcap" % (packets, hosts))
    if not os.path.exists(path):
        print("lan: writing %s" % path, flush=True)
        tmp = path + ".tmp"
        subprocess.run([progs["lan_gen"], tmp, str(packets), str(hosts)],
                       check=True)
        os.rename(tmp, path)
    return path


def pinned(cmd, cpu):
    if shutil.which("taskset") and cpu is not None:
        return ["taskset", "-c", str(cpu)] + cmd
    return cmd


def timed(cmd):
    """Wall time of CMD (exec to exit)."""
    t = time.monotonic()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   check=True)
    return time.monotonic() - t


def field(out, name):
    m = re.search(r"\b%s=([0-9.]+)" % name, out)
    if not m:
        sys.exit("lan: no %s= in %r" % (name, out))
    return float(m.group(1))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--xanetd", default=os.environ.get("XANETD"))
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--packets", type=int, default=5000000)
    ap.add_argument("--hosts", type=int, default=5000)
    ap.add_argument("--dir", default=os.environ.get("TMPDIR", "/tmp"))
    ap.add_argument("--cpu", type=int, default=(os.cpu_count() or 1) - 1)
    args = ap.parse_args()

    progs = build(benchlib.build_dir(args.xanetd))
    f = capture(progs, args.dir, args.packets, args.hosts)
    size = os.path.getsize(f)
    print("lan: %s, %d frames, %d hosts, %.0f MB" % (
        f, args.packets, args.hosts, size / 1e6), flush=True)
    # Warm the page cache so that every contender reads from memory.
    subprocess.run(["cat", f], stdout=subprocess.DEVNULL, check=True)
    best = {"sampler": None, "bare": None, "tcpdump": None}
    extra = ""
    tcpdump = shutil.which("tcpdump")
    for i in range(args.runs):
        # max_hosts above the host count: no eviction in the timed runs.
        out = subprocess.run(pinned([progs["lan_run"], f, "16384"], args.cpu),
                             capture_output=True, text=True, check=True)
        s = field(out.stdout, "seconds")
        if best["sampler"] is None or s < best["sampler"]:
            best["sampler"] = s
            extra = out.stdout.strip()
        out = subprocess.run(pinned([progs["lan_bare"], f], args.cpu),
                             capture_output=True, text=True, check=True)
        s = field(out.stdout, "seconds")
        if best["bare"] is None or s < best["bare"]:
            best["bare"] = s
        if tcpdump:
            s = timed(pinned([tcpdump, "-r", f, "-w", "/dev/null"],
                                args.cpu))
            if best["tcpdump"] is None or s < best["tcpdump"]:
                best["tcpdump"] = s
    n = args.packets
    print("\n%-9s %10s %12s %10s" % ("", "seconds", "frames/s", "vs bare"))
    for k in ("sampler", "bare", "tcpdump"):
        if best[k] is None:
            print("%-9s %10s (not installed)" % (k, "-"))
            continue
        print("%-9s %10.3f %12.0f %9.0f%%" % (k, best[k], n / best[k],
                                            100 * best["bare"] / best[k]))
    print("sampler: %s" % extra)
    pps = n / best["sampler"]
    ratio = best["bare"] / best["sampler"]

    f10 = capture(progs, args.dir, 1000000, 10000)
    out = subprocess.run([progs["lan_run"], f10, "10240"],
                         capture_output=True, text=True, check=True).stdout
    rss = field(out, "maxrss_kb")
    print("RSS with %d hosts: %.1f MB (%s)" % (field(out, "hosts"),
                                              rss / 1024, out.strip()))
    print("goals: %.2f M frames/s (>= %.1f) %s; %.0f%% of bare (>= %.0f%%) "
          "%s; RSS %.1f MB (<= %d) %s" % (
              pps / 1e6, GOAL_PPS / 1e6, "met" if pps >= GOAL_PPS else
              "MISSED", 100 * ratio, 100 * GOAL_RATIO,
              "met" if ratio >= GOAL_RATIO else "MISSED", rss / 1024,
              GOAL_RSS_KB // 1024, "met" if rss <= GOAL_RSS_KB else
              "MISSED"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
