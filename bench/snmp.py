#!/usr/bin/env python3
# snmp.py - benchmark: polling 1,000 SNMP agents x 10 OIDs: the xanet snmp engine and xanetd beside parallel snmpget (xargs -P 16) and a bare asynchronous net-snmp loop (the ceiling).
"""1,000 agents are agentAddress endpoints of 8 real snmpd processes on
127.0.0.1 (125 each: snmpd 5.9 serves at most 128). Four pollers ask
every agent for the same 10 scalar OIDs, one after the other, in one run:

  ceiling  bench/snmp_ceiling: one GET of 10 OIDs per agent per round,
           all sessions in flight at once (snmp_sess_* + poll), ROUNDS
           rounds back to back
  engine   bench/snmp_sweep: xanet's snmp probe engine (probes/snmp.c)
           driven alone on a libev loop, like bench/icmp_sweep: one
           device per agent (v2c, the built-in `system` profile plus the
           6 other OIDs as custom OIDs: the same plan as xanetd's below,
           10 scalars in one GET), every device's round started at once,
           ROUNDS rounds back to back after one unmeasured round that
           opens the sessions; no scheduler, state machine or store
  snmpget  `xargs -P 16 snmpget ...`: one process per agent per round
  xanetd+store
           the whole daemon: 1,000 devices with `probes = snmp`, a
           profile extending the built-in `system` profile (sysDescr,
           sysObjectID, sysUpTime, sysName: the first, second, third and
           fifth of the 10 OIDs) whose custom oids (3 in the profile, 3
           on each device) are the other 6: the same 10 OIDs in one
           GET; interval 10 s, measured over ROUNDS polling rounds after
           the first completed one, counted by the varbinds the agents
           served (snmpInTotalReqVars, read from every snmpd before and
           after, minus our own reads)

For each: wall time, CPU seconds (the poller only; snmpd's CPU is shown
apart, and when snmpd used more CPU than the wall time allows on this
machine's cores the line says that snmpd was the bottleneck), varbinds,
OIDs per CPU-second, and for xanetd its RSS with 1,000 sessions.
The xanetd+store row is whole-daemon CPU: besides polling, it stores
every result in SQLite, runs the state machine and its timers, so it is
not comparable with the ceiling loop; the engine row is.
Goal (checked on the engine row): >= 180,000 OIDs/CPU-s, or within 1.5x
of the ceiling.

The ceiling may come from any build (it is bare net-snmp); snmp_sweep is
built without sanitizers in the directory of --xanetd, else
$XANET_BENCH_BUILD (default /tmp/xanet-bench-build)."""
import argparse
import datetime
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time

import _benchlib as benchlib

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(SRC, "tests", "lib"))
from snmpd import MAX_ENDPOINTS, OID, Snmpd, client_env  # noqa: E402

GOAL = 180000
OIDS = ["1.3.6.1.2.1.1.1.0", "1.3.6.1.2.1.1.2.0", "1.3.6.1.2.1.1.3.0",
        "1.3.6.1.2.1.1.4.0", "1.3.6.1.2.1.1.5.0", "1.3.6.1.2.1.1.6.0",
        "1.3.6.1.2.1.1.8.0", "1.3.6.1.2.1.2.1.0", "1.3.6.1.2.1.11.1.0",
        "1.3.6.1.2.1.11.2.0"]


def build_ceiling(bdir):
    # As before: no sanitizer check (the ceiling is bare net-snmp), no -j.
    return benchlib.build(bdir, ["bench/snmp_ceiling"], "snmp", plain=False,
                          jobs=False)[0]


def build_sweep(bdir):
    # The engine is ours: a sanitized build would measure ASan.
    return benchlib.build(bdir, ["bench/snmp_sweep"], "snmp",
                          hint=" (use --xanetd from a plain configure)")[0]


def custom_oids():
    """The 6 OIDs of the 10 that the built-in `system` profile does not
    ask, as LABEL:OID:TYPE items: 3 for the profile, 3 for each device."""
    system = {"1.3.6.1.2.1.1.1.0", "1.3.6.1.2.1.1.2.0", "1.3.6.1.2.1.1.3.0",
              "1.3.6.1.2.1.1.5.0"}
    kinds = {"1.3.6.1.2.1.1.4.0": "string", "1.3.6.1.2.1.1.6.0": "string",
             "1.3.6.1.2.1.11.1.0": "counter", "1.3.6.1.2.1.11.2.0": "counter"}
    return ["o%d:%s:%s" % (i, o, kinds.get(o, "gauge"))
            for i, o in enumerate(OIDS) if o not in system]


def served(agents):
    """Sum of snmpInTotalReqVars over every snmpd (one read each)."""
    return sum(a.counter_value(OID["snmpInTotalReqVars"]) for a in agents)


def snmpd_cpu(agents):
    return sum(benchlib.cpu_seconds(a.proc.pid) for a in agents)


def row(name, wall, cpu, vbs, dcpu, ncpu):
    rate = vbs / cpu if cpu > 0 else float("inf")
    bott = " (snmpd-bound)" if dcpu >= 0.9 * wall * max(1, ncpu - 1) else ""
    print("%-12s %8.2f %8.2f %10d %12.0f %8.2f%s" % (
        name, wall, cpu, vbs, rate, dcpu, bott), flush=True)
    return rate


def run_ceiling(ceiling, agents, targets, rounds):
    c0, s0 = snmpd_cpu(agents), served(agents)
    r = subprocess.run([ceiling, "-r", str(rounds), "-o", ",".join(OIDS)] +
                       targets, capture_output=True, text=True, check=True)
    kv = dict(x.split("=") for x in r.stdout.split())
    return (float(kv["wall_s"]), float(kv["cpu_s"]), int(kv["varbinds"]),
            snmpd_cpu(agents) - c0, served(agents) - s0 - len(agents),
            int(kv["rss_kb"]))


def run_engine(sweep, agents, targets, rounds, interval):
    """The snmp engine alone: (wall, cpu, varbinds, snmpd cpu, fields)."""
    p = subprocess.Popen([sweep, "-s", "-r", str(rounds), "-t", "2000",
                          "-i", str(interval * 1000), "-P", "system",
                          "-o", ",".join(custom_oids())] + targets,
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    # After its unmeasured first round (sessions opened): snmpd's CPU
    # from here on is the measured rounds'.
    warm = p.stdout.readline()
    c0 = snmpd_cpu(agents)
    out, err = p.communicate("go\n")
    dcpu = snmpd_cpu(agents) - c0
    if warm.strip() != "warm" or p.returncode not in (0, 1) or \
            "wall_s=" not in out:
        sys.exit("snmp: snmp_sweep failed (%s): %s%s%s" % (
            p.returncode, warm, out, err))
    kv = dict(x.split("=") for x in out.split())
    if int(kv["scalars"]) != len(OIDS) or int(kv["columns"]) != 0:
        sys.exit("snmp: snmp_sweep's plan is not the %d scalars: %s" % (
            len(OIDS), out))
    return (float(kv["wall_s"]), float(kv["cpu_s"]), int(kv["varbinds"]),
            dcpu, kv)


def run_snmpget(agents, targets, rounds, home):
    lst = os.path.join(home, "targets")
    with open(lst, "w") as f:
        f.write("\n".join(targets) + "\n")
    c0 = snmpd_cpu(agents)
    ru0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    vbs = 0
    for _ in range(rounds):
        r = subprocess.run(
            "xargs -P 16 -I{} snmpget -v2c -c public -On -m '' -t 1 -r 0 "
            "{} %s < %s" % (" ".join(OIDS), lst), shell=True,
            capture_output=True, text=True, env=client_env(home))
        vbs += sum(1 for ln in r.stdout.splitlines() if " = " in ln and
                   "No Such" not in ln)
    wall = time.monotonic() - t0
    ru1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (ru1.ru_utime - ru0.ru_utime) + (ru1.ru_stime - ru0.ru_stime)
    return wall, cpu, vbs, snmpd_cpu(agents) - c0


def run_xanetd(xanetd, agents, rounds, home, interval=10):
    sys.path.insert(0, os.path.join(SRC, "tests", "lib"))
    from daemon import Daemon, device_section, minimal_config
    # The system profile asks for 4 of the 10; the other 6 are custom
    # (config lines are at most ~200 bytes: 3 in the profile, 3 on
    # each device).
    items = custom_oids()
    prof_oids, dev_oids = ",".join(items[:3]), ",".join(items[3:])
    devs = []
    n = 0
    for a in agents:
        for p in a.ports:
            devs.append(device_section("ap-%04d" % n, "AP %d" % n,
                                       probes="snmp", snmp_port=p,
                                       snmp_community="public",
                                       snmp_profile="bench",
                                       snmp_oids=dev_oids))
            n += 1
    extra = ("[defaults]\ninterval = %ds\ntimeout = 2s\nicmp_count = 1\n"
             "fail_threshold = 3\n[snmp-profile bench]\nextends = system\n"
             "oids = %s\n" % (interval, prof_oids))
    os.environ["XANETD"] = xanetd
    d = Daemon(minimal_config(devs, extra=extra, log_level="notice"),
               prefix="xbench-snmp-")
    try:
        d.start()
        d.wait_ready(60)
        # Warm up: one full round of samples.
        deadline = time.monotonic() + 4 * interval
        while time.monotonic() < deadline:
            got = d.query("SELECT count(DISTINCT device_id) AS n FROM "
                          "sample WHERE kind = 'snmp'")[0]["n"]
            if got >= n:
                break
            time.sleep(1)
        time.sleep(interval / 2)
        c0, s0, d0 = benchlib.cpu_seconds(d.pid), served(agents), snmpd_cpu(agents)
        w0 = time.monotonic()
        ms0 = int(time.time() * 1000)
        time.sleep(rounds * interval)
        wall = time.monotonic() - w0
        c1, s1, d1 = benchlib.cpu_seconds(d.pid), served(agents), snmpd_cpu(agents)
        ms1 = int(time.time() * 1000)
        rss = benchlib.rss_kb(d.pid)
        rows = d.query("SELECT count(*) AS n, sum(ok) AS ok FROM sample "
                       "WHERE kind = 'snmp' AND ts_ms BETWEEN ? AND ?",
                       (ms0, ms1))[0]
        return (wall, c1 - c0, s1 - s0 - len(agents), d1 - d0, rss,
                rows["n"], rows["ok"] or 0)
    finally:
        d.close(keep=False)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--xanetd", default=os.environ.get("XANETD"))
    ap.add_argument("--runs", type=int, default=5, help="rounds per poller")
    ap.add_argument("--agents", type=int, default=1000)
    ap.add_argument("--interval", type=int, default=10)
    args = ap.parse_args()
    if os.geteuid() != 0:
        sys.exit("snmp: run as root (xanetd drops to its user)")
    if not shutil.which("snmpd"):
        sys.exit("snmp: needs snmpd and snmp (apt-get install snmpd snmp)")
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    bdir = benchlib.build_dir(args.xanetd)
    ceiling = build_ceiling(bdir)
    sweep = build_sweep(bdir)
    xanetd = args.xanetd or os.path.join(bdir, "xanetd")
    home = tempfile.mkdtemp(prefix="xbench-snmp-")
    agents = []
    try:
        left = args.agents
        while left > 0:
            k = min(left, MAX_ENDPOINTS - 3)
            a = Snmpd(nports=k, users=False, prefix="xbench-snmpd-")
            agents.append(a)
            a.start()
            left -= k
        for a in agents:
            a.wait_ready(60, all_ports=True)
        targets = ["127.0.0.1:%d" % p for a in agents for p in a.ports]
        got = agents[0].snmpget(OIDS)
        if len(got) != len(OIDS) or any("No Such" in v
                                        for v in got.values()):
            sys.exit("snmp: snmpd does not answer every OID: %r" % got)
        ncpu = os.cpu_count() or 1
        print("# %s, %s, %d CPUs, %d agents on %d snmpd x %d OIDs, "
              "%d rounds" % (datetime.date.today(), platform.node(), ncpu,
                             len(targets), len(agents), len(OIDS),
                             args.runs))
        print("%-12s %8s %8s %10s %12s %8s" % (
            "poller", "wall_s", "cpu_s", "varbinds", "OIDs/CPU-s",
            "snmpd_s"))
        w, c, v, dc, sv, rss_c = run_ceiling(ceiling, agents, targets,
                                             args.runs)
        ceil_rate = row("ceiling", w, c, v, dc, ncpu)
        w, c, v, dc, ekv = run_engine(sweep, agents, targets, args.runs,
                                      args.interval)
        e_rate = row("engine", w, c, v, dc, ncpu)
        w, c, v, dc = run_snmpget(agents, targets, args.runs, home)
        row("snmpget", w, c, v, dc, ncpu)
        w, c, sv, dc, rss, ns, nok = run_xanetd(xanetd, agents, args.runs,
                                                home, args.interval)
        x_rate = row("xanetd+store", w, c, sv, dc, ncpu)
        print("# engine: %s polls (%s ok), %s requests, %s timeouts, RSS "
              "%s kB with %s sessions (every round buffer at once)" % (
                  ekv["polls"], ekv["ok"], ekv["requests"],
                  ekv["timeouts"], ekv["rss_kb"], ekv["agents"]))
        print("# xanetd+store: whole-daemon CPU over %d scheduled rounds "
              "(SQLite writes, state machine, timers included): %d polls "
              "(%d ok) in the window, RSS %d kB with %d sessions; ceiling "
              "RSS %d kB" % (args.runs, ns, nok, rss, len(targets), rss_c))
        clauses = (("%d OIDs/CPU-s" % GOAL, e_rate >= GOAL),
                   ("1/1.5 of the ceiling", e_rate * 1.5 >= ceil_rate))
        met = [what for what, ok in clauses if ok]
        print("# engine/ceiling OIDs per CPU-s: %.2f (goal, on the engine "
              "row: >= %d or >= 1/1.5 of the ceiling: %s)" % (
                  e_rate / ceil_rate, GOAL,
                  "met (>= %s)" % " and ".join(met) if met else "NOT met"))
        print("# xanetd+store/ceiling OIDs per CPU-s: %.2f (for "
              "information: not comparable with the ceiling loop)" % (
                  x_rate / ceil_rate))
    finally:
        for a in agents:
            a.close()
        shutil.rmtree(home, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
