# _benchlib.py - what the benchmarks share: the plain build they use, a process's CPU and RSS, the xanet user.
"""Imported by bench/NAME.py; bench/run skips it (a leading '_' is not a
benchmark)."""
import datetime
import os
import pwd
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.dirname(HERE)
CLK = os.sysconf("SC_CLK_TCK")


def build_dir(xanetd):
    """The build of --xanetd if it has one, else $XANET_BENCH_BUILD."""
    if xanetd:
        d = os.path.dirname(os.path.abspath(xanetd))
        if os.path.exists(os.path.join(d, "Makefile")):
            return d
    return os.environ.get("XANET_BENCH_BUILD", "/tmp/xanet-bench-build")


def build(bdir, targets, who, plain=True, jobs=True, hint=""):
    """Configure BDIR if it is not yet, then make TARGETS there.

    PLAIN refuses a sanitized build (it would measure ASan), saying HINT
    too; WHO prefixes the messages. JOBS runs make in parallel. Returns
    the targets' paths.
    """
    os.makedirs(bdir, exist_ok=True)
    mk = os.path.join(bdir, "Makefile")
    if not os.path.exists(mk):
        print("%s: configuring a plain build in %s" % (who, bdir), flush=True)
        subprocess.run([os.path.join(SRC, "configure"), "-q"], cwd=bdir,
                       check=True)
    if plain:
        with open(mk) as f:
            if "-fsanitize" in f.read():
                sys.exit("%s: %s is a sanitized build; it would measure ASan%s"
                         % (who, bdir, hint))
    cmd = ["make", "-s"]
    if jobs:
        cmd.append("-j%d" % (os.cpu_count() or 2))
    subprocess.run(cmd + list(targets), cwd=bdir, check=True)
    return [os.path.join(bdir, t) for t in targets]


def cpu_seconds(pid):
    """User + system CPU seconds of PID so far."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK


def rss_kb(pid):
    """Resident set size of PID in kB (0 once it is gone)."""
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def ensure_user():
    """As root, create the system user xanetd drops to if it is missing."""
    if os.geteuid() != 0:
        return
    try:
        pwd.getpwnam("xanet")
    except KeyError:
        subprocess.run(["useradd", "--system", "--no-create-home", "--shell",
                        "/usr/sbin/nologin", "xanet"], check=True)


# The quarter the evidence benchmarks (uptime, report) build their
# history around: 2026Q3 in local time (UTC+7), on the 30 s probe grid,
# with two monitor stops during which every device is unknown.
TZ = datetime.timezone(datetime.timedelta(hours=7))
S, M, H, D = 1000, 60000, 3600000, 86400000
PROBE = 30 * S


def L(y, mo, d, h=0, mi=0):
    """UTC ms of a local (UTC+7) time."""
    return int(datetime.datetime(y, mo, d, h, mi, tzinfo=TZ).timestamp()
               * 1000)


QS, QE = L(2026, 7, 1), L(2026, 10, 1)
GAPS = [(L(2026, 8, 12, 2), L(2026, 8, 12, 2, 25)),
        (L(2026, 9, 3, 14, 10), L(2026, 9, 3, 16, 10))]


def snap(ms):
    """Onto the 30 s probe grid."""
    return ms - ms % PROBE


def incidents(rng, hs, he, per_week, causes, maint_weekly, maint_cause,
              unreachable_p=None):
    """One device's sorted, non-overlapping (start, end, state, cause)
    over [HS, HE): PER_WEEK (a choice) outages a week of lognormal length
    with a cause from CAUSES, now and then (UNREACHABLE_P a week) a parent
    outage, weekly maintenance on Sundays 22:00-23:00 if MAINT_WEEKLY; the
    monitor stops (GAPS) win over anything that overlaps them."""
    inc = []
    week = hs
    while week < he:
        for _ in range(rng.choice(per_week)):
            s = snap(week + rng.randrange(7 * D))
            n = max(2, int(rng.lognormvariate(3.0, 1.2)))
            inc.append((s, s + n * PROBE, "down", rng.choice(causes)))
        if unreachable_p is not None and rng.random() < unreachable_p:
            s = snap(week + rng.randrange(7 * D))
            inc.append((s, s + rng.randrange(20, 120) * PROBE,
                        "unreachable", "parent-down"))
        week += 7 * D
    if maint_weekly:
        t = L(2026, 6, 21, 22)  # 2026-06-21 was a Sunday
        while t < he:
            if t >= hs:
                inc.append((t, t + H, "maintenance", maint_cause))
            t += 7 * D
    for g in GAPS:
        inc.append((g[0], g[1], "unknown", "monitor-stopped"))
    inc.sort()
    out, cur = [], hs
    for s, e, state, cause in inc:
        if s < cur or e > he or (state != "unknown" and any(
                s < g[1] and e > g[0] for g in GAPS)):
            continue
        out.append((s, e, state, cause))
        cur = e
    return out
