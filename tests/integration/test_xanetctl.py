#!/usr/bin/env python3
# test_xanetctl.py - xanetctl against a running, a stopped and a missing daemon.
import datetime
import json
import os
import pwd
import re
import signal
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
from daemon import (Daemon, VERSION, device_section,  # noqa: E402
                    minimal_config, xanetctl_path, xanetd_path)
from xtest import (contains, eq, matches, ok, require_root,  # noqa
                   run, skip, test)

DEVICES = [("ap-01", "Nhà văn hóa thôn Đông", "wifi-ap"),
           ("ap-02", "Nhà văn hóa thôn Bắc", "wifi-ap"),
           ("sw-01", "Switch phòng Văn hóa - Xã hội", "switch")]


def config():
    return minimal_config([device_section(k, n, kind) for k, n, kind in
                           DEVICES])


def show(r):
    return "exit %s\nstdout:\n%s\nstderr:\n%s" % (r.returncode, r.stdout,
                                                  r.stderr)


def both(r):
    return r.stdout + r.stderr


def bare(*args):
    r = subprocess.run([xanetctl_path()] + list(args), capture_output=True,
                       stdin=subprocess.DEVNULL, timeout=30)
    r.stdout = r.stdout.decode("utf-8", "replace")
    r.stderr = r.stderr.decode("utf-8", "replace")
    return r


def started(t):
    d = Daemon(config())
    t.defer(d.close)
    d.start()
    d.wait_ready()
    return d


def stopped(t):
    d = started(t)
    d.signal(signal.SIGTERM)
    eq(d.wait_exit(5), 0, "xanetd exit status after SIGTERM")
    return d


# --- no daemon needed ------------------------------------------------------

@test
def version(t):
    r = bare("version")
    eq(r.returncode, 0, "xanetctl version exit\n" + show(r))
    eq(r.stdout.strip(), "xanetctl " + VERSION, "xanetctl version output")


@test
def unknown_command_is_usage_error(t):
    r = bare("frobnicate")
    eq(r.returncode, 2, "xanetctl frobnicate exit\n" + show(r))
    matches(r"(?i)usage", both(r), "xanetctl frobnicate prints usage")


@test
def unknown_option_is_usage_error(t):
    r = bare("--no-such-option", "status")
    eq(r.returncode, 2, "xanetctl --no-such-option exit\n" + show(r))
    matches(r"(?i)usage", both(r), "xanetctl --no-such-option prints usage")


@test
def check_config_same_as_xanetd_t(t):
    d = Daemon(config())
    t.defer(d.close)
    bad = d.write_file("bad.conf", config() +
                       "[defaults]\nintervall = 60\nthis is not INI\n")
    for path in (d.conf, bad):
        c = subprocess.run([xanetd_path(), "-t", "-c", path],
                           capture_output=True, timeout=30)
        r = bare("check-config", path)
        what = "xanetctl check-config %s" % os.path.basename(path)
        eq(r.returncode, c.returncode, "%s exit = xanetd -t exit\n%s" %
           (what, show(r)))
        eq(r.stdout, c.stdout.decode("utf-8", "replace"),
           "%s stdout = xanetd -t stdout" % what)
        want = [x for x in c.stderr.decode("utf-8", "replace").splitlines()
                if x.startswith(path + ":")]
        got = [x for x in r.stderr.splitlines() if x.startswith(path + ":")]
        eq(got, want, "%s FILE:LINE problems = xanetd -t's" % what)
    eq(c.returncode, 1, "xanetd -t exit on the bad config")
    ok(len(want) >= 2, "both problems reported: %r" % want)


# --- running daemon --------------------------------------------------------

@test
def status_running_table(t):
    d = started(t)
    r = d.ctl("status")
    eq(r.returncode, 0, "xanetctl status exit\n" + show(r))
    contains(r.stdout, "running", "xanetctl status")
    matches(r"\b%d\b" % d.pid, r.stdout, "xanetctl status shows the pid")
    for key, name, _ in DEVICES:
        contains(r.stdout, key, "xanetctl status")
        contains(r.stdout, name, "xanetctl status")


@test
def status_running_json(t):
    d = started(t)
    r = d.ctl("--json", "status")
    eq(r.returncode, 0, "xanetctl --json status exit\n" + show(r))
    try:
        got = json.loads(r.stdout)
    except ValueError as e:
        ok(False, "xanetctl --json status is not JSON (%s): %r" %
           (e, r.stdout))
    want = d.status()
    for k in ("ok", "pid", "version", "run_id", "started", "config",
              "config_hash", "database", "devices"):
        eq(got.get(k), want.get(k), "xanetctl --json status %r = the "
           "daemon's status" % k)
    eq(got.get("pid"), d.pid, "pid")


@test
def status_with_db_and_socket_options(t):
    d = started(t)
    r = d.ctl("--db", d.db_path, "--socket", d.sock_path, "--json", "status",
              conf=False)
    eq(r.returncode, 0, "xanetctl --db --socket --json status exit\n" +
       show(r))
    eq(json.loads(r.stdout).get("pid"), d.pid, "pid")


# --- stopped daemon --------------------------------------------------------

def local_stamps(ms):
    """Ways a program may write MS in Asia/Ho_Chi_Minh, to the minute."""
    tz = datetime.timezone(datetime.timedelta(hours=7))
    out = set()
    for v in (ms // 1000, (ms + 999) // 1000):
        dt = datetime.datetime.fromtimestamp(v, tz)
        out.add(dt.strftime("%Y-%m-%d %H:%M"))
        out.add(dt.strftime("%Y-%m-%dT%H:%M"))
    return out


@test
def status_stopped_exit_3(t):
    d = stopped(t)
    runs = d.query("SELECT stop_ms FROM monitor_run ORDER BY id DESC "
                   "LIMIT 1")
    for args in (("status",), ("--json", "status")):
        r = d.ctl(*args)
        eq(r.returncode, 3, "xanetctl %s with xanetd stopped\n%s" %
           (" ".join(args), show(r)))
    r = d.ctl("status")
    contains(both(r), "xanetd is not running", "xanetctl status")
    stamps = local_stamps(runs[0]["stop_ms"])
    relative = re.search(r"(?i)\b\d+ ?(s|sec|seconds?|min|minutes?|giây|"
                         r"phút)\b.*(ago|trước)", both(r))
    ok(any(s in both(r) for s in stamps) or relative,
       "xanetctl status says when the last run stopped (one of %s, or "
       "'N s ago'):\n%s" % (sorted(stamps), show(r)))


@test
def status_after_kill9_exit_3(t):
    d = started(t)
    d.kill()
    ok(os.path.exists(d.db_path), "database left behind")
    r = d.ctl("status")
    eq(r.returncode, 3, "xanetctl status after kill -9\n" + show(r))
    contains(both(r), "xanetd is not running", "xanetctl status")


@test
def status_no_database_exit_4(t):
    d = Daemon(config())
    t.defer(d.close)
    r = d.ctl("status")
    eq(r.returncode, 4, "xanetctl status without a database\n" + show(r))
    contains(both(r), "no database at %s" % d.db_path, "xanetctl status")
    other = os.path.join(d.dir, "nothing-here.db")
    r = d.ctl("--db", other, "status", conf=False)
    eq(r.returncode, 4, "xanetctl --db MISSING status\n" + show(r))
    contains(both(r), "no database at %s" % other, "xanetctl status")


@test
def status_unreadable_database_exit_4(t):
    require_root()
    try:
        pwd.getpwnam("nobody")
    except KeyError:
        skip("no user 'nobody'")
    d = stopped(t)
    # The file is there but nobody may not read it.
    os.chmod(d.state_dir, 0o755)
    for p in os.listdir(d.state_dir):
        os.chmod(os.path.join(d.state_dir, p), 0o600)
    r = d.ctl("status", user="nobody")
    eq(r.returncode, 4, "xanetctl status as nobody, database mode 0600\n" +
       show(r))
    contains(both(r), "Permission denied", "xanetctl status as nobody")
    # Nor may it enter the directory.
    os.chmod(d.state_dir, 0o700)
    r = d.ctl("status", user="nobody")
    eq(r.returncode, 4, "xanetctl status as nobody, state dir mode 0700\n" +
       show(r))
    contains(both(r), "Permission denied", "xanetctl status as nobody")


run()
