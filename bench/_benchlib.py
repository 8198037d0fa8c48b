# _benchlib.py - what the benchmarks share: the plain build they use, a process's CPU and RSS, the xanet user.
"""Imported by bench/NAME.py; bench/run skips it (a leading '_' is not a
benchmark)."""
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
