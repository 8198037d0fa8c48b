#!/usr/bin/env python3
# test_daemon.py - xanetd as a process: config check, readiness, reload, stop, alert log, watchdog.
import datetime
import json
import os
import pwd
import re
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
from daemon import (Daemon, VERSION, device_section, line_of,  # noqa: E402
                    minimal_config, read_proc_status, xanetd_path)
from xtest import (contains, eq, fail, ge, is_root, le, lt,  # noqa: E402
                   matches, not_contains, ok, poll, require_root, run, skip,
                   test)

HEX64 = re.compile(r"^[0-9a-f]{64}$")
APP_ID = 0x58414e54

DEVICES = [
    ("ap-01", "Nhà văn hóa thôn Đông", "wifi-ap"),
    ("sw.office_1", "Switch phòng Văn hóa - Xã hội", "switch"),
    ("gw-01", "Tường lửa UBND xã — Ủy ban", "firewall"),
]


def config_with(devices, **kw):
    return minimal_config([device_section(k, n, kind) for k, n, kind in
                           devices], **kw)


def xanetd(*args, timeout=30):
    r = subprocess.run([xanetd_path()] + list(args), capture_output=True,
                       stdin=subprocess.DEVNULL, timeout=timeout)
    r.stdout = r.stdout.decode("utf-8", "replace")
    r.stderr = r.stderr.decode("utf-8", "replace")
    return r


def started(t, config, **kw):
    """A Daemon with CONFIG, started and READY; cleaned up after T."""
    d = Daemon(config, **kw)
    t.defer(d.close)
    d.start()
    d.wait_ready()
    return d


def device_rows(d):
    return d.query("SELECT key, name, kind, retired_ms FROM device "
                   "ORDER BY key")


def open_runs(d):
    return d.query("SELECT * FROM monitor_run WHERE stop_ms IS NULL")


def show(r):
    return "exit %s\nstdout:\n%s\nstderr:\n%s" % (r.returncode, r.stdout,
                                                  r.stderr)


# --- xanetd -V and -t ------------------------------------------------------

@test
def version_flag(t):
    r = xanetd("-V")
    eq(r.returncode, 0, "xanetd -V exit status\n" + show(r))
    eq(r.stdout.strip(), "xanetd " + VERSION, "xanetd -V output")


@test
def check_config_valid(t):
    d = Daemon(config_with(DEVICES))
    t.defer(d.close)
    r = xanetd("-t", "-c", d.conf)
    eq(r.returncode, 0, "xanetd -t on a valid config\n" + show(r))
    for key, _, _ in DEVICES:
        contains(r.stdout, key, "xanetd -t summary")
    ok(not os.path.exists(d.db_path),
       "xanetd -t must not create the database %s" % d.db_path)


@test
def check_config_with_inventory(t):
    csv = ("key,name,kind,group,address\n"
           "ap-thon-1,Nhà văn hóa thôn 1,wifi-ap,Thôn 1,127.0.0.1\n"
           "ap-thon-2,Nhà văn hóa thôn 2,wifi-ap,Thôn 2,127.0.0.2\n")
    d = Daemon(minimal_config(daemon_extra="inventory = devices.csv\n"),
               files={"devices.csv": csv})
    t.defer(d.close)
    r = xanetd("-t", "-c", d.conf)
    eq(r.returncode, 0, "xanetd -t with an inventory CSV\n" + show(r))
    for key in ("ap-01", "ap-thon-1", "ap-thon-2"):
        contains(r.stdout, key, "xanetd -t summary")


@test
def check_config_unknown_key(t):
    text = minimal_config(extra="[defaults]\nintervall = 60\n")
    d = Daemon(text)
    t.defer(d.close)
    n = line_of(d.config_text, "intervall")
    r = xanetd("-t", "-c", d.conf)
    eq(r.returncode, 1, "xanetd -t exit status on an unknown key\n" + show(r))
    matches(r"^%s:%d: unknown key 'intervall' in \[defaults\]" %
            (re.escape(d.conf), n), r.stderr, "xanetd -t stderr")


@test
def check_config_reports_every_problem(t):
    text = minimal_config(
        extra="[defaults]\nintervall = 60\n",
        devices=[device_section("ap-01", "Nhà văn hóa thôn Đông",
                                adress="10.0.0.1")])
    text += "this line is not INI\n"
    d = Daemon(text)
    t.defer(d.close)
    n1 = line_of(d.config_text, "intervall")
    n2 = line_of(d.config_text, "adress")
    n3 = line_of(d.config_text, "this line is not INI")
    r = xanetd("-t", "-c", d.conf)
    eq(r.returncode, 1, "xanetd -t exit status with three errors\n" +
       show(r))
    conf = re.escape(d.conf)
    matches(r"^%s:%d: unknown key 'intervall'" % (conf, n1), r.stderr,
            "problem 1 of 3 (unknown key in [defaults])")
    matches(r"^%s:%d: unknown key 'adress'" % (conf, n2), r.stderr,
            "problem 2 of 3 (unknown key in [device ap-01])")
    matches(r"^%s:%d: \S" % (conf, n3), r.stderr,
            "problem 3 of 3 (a line that is not INI)")


@test
def check_config_bad_values(t):
    text = minimal_config(devices=[
        device_section("ap-01", "Nhà văn hóa thôn Đông", kind="toaster"),
        device_section("bad key!", "Khóa sai"),
    ])
    d = Daemon(text)
    t.defer(d.close)
    n1 = line_of(d.config_text, "kind = toaster")
    n2 = line_of(d.config_text, "[device bad key!]")
    r = xanetd("-t", "-c", d.conf)
    eq(r.returncode, 1, "xanetd -t exit status on bad values\n" + show(r))
    conf = re.escape(d.conf)
    matches(r"^%s:%d: .*toaster" % (conf, n1), r.stderr,
            "unknown device kind names its line and value")
    matches(r"^%s:%d: .*bad key!" % (conf, n2), r.stderr,
            "invalid device key names its line and key")


@test
def check_config_bad_inventory_row(t):
    csv = ("key,name,kind,group,address\n"
           "ap-thon-1,Nhà văn hóa thôn 1,wifi-ap,Thôn 1,127.0.0.1\n"
           "ap-thon-2,Nhà văn hóa thôn 2,bogus-kind,Thôn 2,127.0.0.2\n")
    d = Daemon(minimal_config(daemon_extra="inventory = devices.csv\n"),
               files={"devices.csv": csv})
    t.defer(d.close)
    r = xanetd("-t", "-c", d.conf)
    eq(r.returncode, 1, "xanetd -t on a bad inventory row\n" + show(r))
    matches(r"^\S*devices\.csv:3: .*bogus-kind", r.stderr,
            "the CSV problem is reported as devices.csv:3:")


@test
def check_config_missing_file(t):
    r = xanetd("-t", "-c", "/nonexistent/xanet-test.conf")
    eq(r.returncode, 1, "xanetd -t on a missing file\n" + show(r))
    contains(r.stderr, "/nonexistent/xanet-test.conf", "stderr")


# --- startup -----------------------------------------------------------------

@test
def ready_only_after_database_migrated(t):
    d = Daemon(config_with(DEVICES), stop_on_ready=True)
    t.defer(d.close)
    d.start()
    i = d.wait_ready()
    ok(d.stopped_on_ready, "daemon frozen (SIGSTOP) as READY=1 arrived")
    ready = d.messages[i][1]
    for line in ready.split("\n"):
        if line:
            matches(r"^[A-Z_]+=", line, "READY datagram line")
    db = d.db()
    t.defer(db.close)
    ge(db.execute("PRAGMA user_version").fetchone()[0], 1,
       "PRAGMA user_version at READY")
    eq(db.execute("PRAGMA application_id").fetchone()[0], APP_ID,
       "PRAGMA application_id at READY")
    eq(db.execute("PRAGMA journal_mode").fetchone()[0], "wal",
       "PRAGMA journal_mode at READY")
    runs = [dict(r) for r in db.execute("SELECT * FROM monitor_run")]
    eq(len(runs), 1, "monitor_run rows on a fresh database: %r" % runs)
    run0 = runs[0]
    eq(run0["stop_ms"], None, "monitor_run.stop_ms of the open run")
    ok(HEX64.match(str(run0["config_hash"])),
       "monitor_run.config_hash is 64 lowercase hex: %r" %
       run0["config_hash"])
    eq(run0["version"], VERSION, "monitor_run.version")
    now = time.time() * 1000
    ok(abs(run0["start_ms"] - now) < 120000,
       "monitor_run.start_ms %r is near now (%d): UTC milliseconds" %
       (run0["start_ms"], now))
    rows = [tuple(r) for r in db.execute(
        "SELECT key, name, kind FROM device WHERE retired_ms IS NULL "
        "ORDER BY key")]
    eq(rows, sorted(DEVICES), "device table at READY")
    d.cont()


@test
def starts_without_notify_socket(t):
    d = Daemon(minimal_config())
    t.defer(d.close)
    d.start(notify=False)

    def pinged():
        ok(d.alive(), "xanetd alive without NOTIFY_SOCKET\n" + d.log_tail())
        try:
            return d.control_json(b"ping\n", timeout=5)
        except OSError:
            return None
    eq(poll(pinged, 30, 0.2, "ping answered"), {"ok": True, "pong": True},
       "ping reply")
    d.signal(signal.SIGTERM)
    eq(d.wait_exit(5), 0, "exit status after SIGTERM")


@test
def start_with_bad_config_fails(t):
    d = Daemon(minimal_config(extra="[defaults]\nintervall = 60\n"))
    t.defer(d.close)
    n = line_of(d.config_text, "intervall")
    d.start()
    eq(d.wait_exit(10), 1, "xanetd -f exit status with a bad config")
    matches(r"%s:%d: unknown key 'intervall'" % (re.escape(d.conf), n),
            d.stderr_text(), "stderr")
    eq([m for m in d.notify_lines() if "READY=1" in m[1].split("\n")], [],
       "READY=1 sent with a bad config")


def premade_db(d, setup):
    """Put a database made by SETUP(conn) where xanetd will look."""
    import sqlite3
    os.makedirs(d.state_dir)
    db = sqlite3.connect(d.db_path)
    setup(db)
    db.commit()
    db.close()
    if is_root():
        # Owned as xanetd's own files would be, so that a refusal is about
        # the contents, not about permissions.
        uid, gid = xanet_ids("xanet")
        for p in (d.state_dir, d.db_path):
            os.chown(p, uid, gid)
    with open(d.db_path, "rb") as f:
        return f.read()


def refused_db(t, setup, what):
    d = Daemon(minimal_config())
    t.defer(d.close)
    before = premade_db(d, setup)
    d.start()
    status = d.wait_exit(15)
    ok(status != 0, "xanetd must refuse %s; exit status %s\n%s" %
       (what, status, d.log_tail()))
    eq([m for m in d.notify_lines() if "READY=1" in m[1].split("\n")], [],
       "READY=1 sent with %s" % what)
    with open(d.db_path, "rb") as f:
        ok(f.read() == before, "%s left byte for byte as it was" % what)
    contains(d.stderr_text(), d.db_path, "the refusal names the database")


@test
def refuses_foreign_database(t):
    refused_db(t, lambda db: db.executescript(
        "PRAGMA application_id = 1234; CREATE TABLE accounts(x);"
        "INSERT INTO accounts VALUES (42);"), "another program's database")


@test
def refuses_database_without_id(t):
    refused_db(t, lambda db: db.executescript(
        "CREATE TABLE accounts(x); INSERT INTO accounts VALUES (42);"),
        "a database with tables but no application_id")


@test
def refuses_newer_schema(t):
    refused_db(t, lambda db: db.executescript(
        "PRAGMA application_id = %d; PRAGMA user_version = 9999;"
        "CREATE TABLE future(x);" % APP_ID),
        "a database of a newer schema")


def xanet_ids(user):
    pw = pwd.getpwnam(user)
    return pw.pw_uid, pw.pw_gid


def check_dropped(d, user):
    uid, gid = xanet_ids(user)
    st = os.stat(d.state_dir)
    eq(st.st_uid, uid, "owner of STATE_DIR %s (user %s)" % (d.state_dir,
                                                           user))
    eq(os.stat(d.db_path).st_uid, uid, "owner of the database")
    ps = read_proc_status(d.pid)
    eq(ps["Uid"].split(), [str(uid)] * 4, "xanetd real/effective/saved/fs "
       "uid after the drop")
    eq(ps["Gid"].split(), [str(gid)] * 4, "xanetd gids after the drop")
    not_contains(ps["Groups"].split(), "0",
                 "supplementary groups of xanetd")
    eq(int(ps["CapEff"], 16), 0, "xanetd effective capabilities")
    eq(int(ps["CapPrm"], 16), 0, "xanetd permitted capabilities")


@test
def root_drops_to_xanet_user(t):
    require_root()
    d = started(t, minimal_config())
    check_dropped(d, "xanet")


@test
def root_drops_to_configured_user(t):
    require_root()
    try:
        pwd.getpwnam("nobody")
    except KeyError:
        skip("no user 'nobody' on this machine")
    d = started(t, minimal_config(daemon_extra="user = nobody\n"))
    check_dropped(d, "nobody")


# --- reload ------------------------------------------------------------------

V1 = [("ap-01", "Nhà văn hóa thôn Đông", "wifi-ap"),
      ("ap-02", "Nhà văn hóa thôn Bắc", "wifi-ap"),
      ("sw-01", "Switch tầng 2", "switch")]
V2 = [("ap-01", "Nhà văn hóa thôn Tây", "wifi-ap"),
      ("sw-01", "Switch tầng 2", "switch"),
      ("ap-03", "Nhà văn hóa thôn Nam", "wifi-ap")]


def expect_v2(d):
    rows = {r["key"]: r for r in device_rows(d)}
    want_live = {k: (n, kind) for k, n, kind in V2}
    live = {k: (r["name"], r["kind"]) for k, r in rows.items()
            if r["retired_ms"] is None}
    return (live == want_live and "ap-02" in rows and
            rows["ap-02"]["retired_ms"] is not None), rows


def wait_v2(d, what):
    last = {}
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        good, last = expect_v2(d)
        if good:
            return last
        time.sleep(0.1)
    fail("%s: not as expected within 5 s; rows: %r" % (what, last))


@test
def sighup_reloads_config(t):
    d = started(t, config_with(V1))
    before = d.status()
    mark = d.notify_mark()
    logpos = len(d.stderr_text())
    d.write_config(config_with(V2))
    d.signal(signal.SIGHUP)
    i = d.wait_notify("RELOADING=1", 10, mark)
    d.wait_notify("READY=1", 10, i + 1)
    d.wait_log("configuration reloaded", 10, logpos)
    rows = wait_v2(d, "device table after reload (ap-01 renamed, ap-02 "
                   "retired, ap-03 added)")
    eq(rows["ap-02"]["name"], "Nhà văn hóa thôn Bắc",
       "the retired device keeps its row and name")
    after = d.status()
    ok(after.get("config_hash") != before.get("config_hash"),
       "status config_hash changes after a good reload (was %r, now %r)" %
       (before.get("config_hash"), after.get("config_hash")))
    eq(sorted(x["key"] for x in after.get("devices", [])),
       sorted(k for k, _, _ in V2), "status devices after reload")


@test
def sighup_unchanged_config_is_quiet(t):
    # A reload of the very same file changes nothing and warns of nothing.
    d = started(t, config_with(V1))
    before = d.status()
    rows = d.query("SELECT * FROM device ORDER BY key")
    logpos = len(d.stderr_text())
    d.signal(signal.SIGHUP)
    d.wait_log("configuration reloaded", 10, logpos)
    time.sleep(0.3)
    eq(d.query("SELECT * FROM device ORDER BY key"), rows,
       "device rows after reloading an unchanged config")
    eq(d.status()["config_hash"], before["config_hash"], "config_hash")
    warnings = [x for x in d.stderr_text()[logpos:].splitlines()
                if re.match(r"^<[0-4]>", x)]
    eq(warnings, [], "warnings logged when reloading an unchanged config")


def bad_reload(t, bad_text, needle):
    d = started(t, config_with(V1))
    before = d.status()
    rows_before = device_rows(d)
    mark = d.notify_mark()
    logpos = len(d.stderr_text())
    d.write_config(bad_text)
    line = line_of(d.config_text, needle)
    d.signal(signal.SIGHUP)
    i = d.wait_log("reload failed", 10, logpos)
    text = d.stderr_text()
    after_msg = "\n".join(text[i:].split("\n")[:3])
    matches(r"%s:%d: \S" % (re.escape(d.conf), line), after_msg,
            "the reason logged after 'reload failed'")
    time.sleep(1.0)
    ok(d.alive(), "xanetd still running after a bad reload\n" + d.log_tail())
    eq(d.control_json(b"ping\n"), {"ok": True, "pong": True},
       "ping after a bad reload")
    eq(device_rows(d), rows_before, "device table after a bad reload")
    eq(d.status().get("config_hash"), before["config_hash"],
       "status config_hash (control socket) after a bad reload")
    # Checked now, asserted at the end, so that the rest is checked too.
    ctl_failure = None
    r = d.ctl("--json", "status")
    try:
        eq(r.returncode, 0, "xanetctl -c CONF --json status exit while the "
           "file has errors but xanetd runs\n" + show(r))
        eq(json.loads(r.stdout).get("config_hash"), before["config_hash"],
           "xanetctl status --json config_hash after a bad reload")
    except (AssertionError, ValueError) as e:
        ctl_failure = e
    msgs = [m[1].split("\n") for m in d.notify_lines(mark)]
    reloading = [k for k, m in enumerate(msgs) if "RELOADING=1" in m]
    if reloading:
        ok(any("READY=1" in m for m in msgs[reloading[0] + 1:]),
           "RELOADING=1 was sent, so READY=1 must follow (else systemd "
           "waits for the reload forever): %r" % msgs)
    # Fixing the file and reloading again must work.
    logpos = len(d.stderr_text())
    d.write_config(config_with(V2))
    d.signal(signal.SIGHUP)
    d.wait_log("configuration reloaded", 10, logpos)
    wait_v2(d, "device table after fixing the config and reloading")
    if ctl_failure is not None:
        raise ctl_failure


@test
def sighup_bad_syntax_keeps_old_config(t):
    bad = config_with(V2) + "[device ap-09\nname = Thiếu ngoặc\n"
    bad_reload(t, bad, "[device ap-09")


@test
def sighup_bad_value_keeps_old_config(t):
    bad = minimal_config([device_section(k, n, kind) for k, n, kind in V2] +
                         [device_section("ap-09", "Máy nướng bánh",
                                         kind="toaster")])
    bad_reload(t, bad, "kind = toaster")


# --- stop --------------------------------------------------------------------

def graceful_stop(t, sig, reason):
    d = started(t, minimal_config())
    mark = d.notify_mark()
    t0 = time.monotonic()
    d.signal(sig)
    try:
        status = d.proc.wait(2.0)
    except subprocess.TimeoutExpired:
        fail("xanetd still running 2 s after %s\n%s" %
             (signal.Signals(sig).name, d.log_tail()))
    elapsed = time.monotonic() - t0
    t.note("exited %.3f s after %s" % (elapsed, signal.Signals(sig).name))
    eq(status, 0, "exit status after %s\n%s" % (signal.Signals(sig).name,
                                                d.log_tail()))
    d.wait_notify("STOPPING=1", 2, mark)
    runs = d.query("SELECT * FROM monitor_run")
    eq(len(runs), 1, "monitor_run rows")
    ok(runs[0]["stop_ms"] is not None, "monitor_run.stop_ms set: %r" %
       runs[0])
    ge(runs[0]["stop_ms"], runs[0]["start_ms"], "stop_ms >= start_ms")
    eq(runs[0]["stop_reason"], reason, "monitor_run.stop_reason")
    return d


@test
def sigterm_stops_cleanly(t):
    graceful_stop(t, signal.SIGTERM, "signal")


@test
def sigint_stops_cleanly(t):
    graceful_stop(t, signal.SIGINT, "signal")


# --- alert log -----------------------------------------------------------------

ALERT_RE = re.compile(
    r'^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}) '
    r'(emerg|alert|crit|err|warning|notice|info|debug) (\S+) (\S+) '
    r'"([^"]*)"(?: (.*))?$')


def parse_alert(line):
    m = ALERT_RE.match(line)
    if not m:
        fail("alert log line does not have the format "
             "'TIME SEVERITY EVENT KEY \"NAME\" DETAILS': %r" % line)
    when, sev, event, key, name, details = m.groups()
    kv = {}
    for tok in (details or "").split():
        k, _, v = tok.partition("=")
        kv[k] = v
    return {"time": when, "severity": sev, "event": event, "key": key,
            "name": name, "details": kv, "line": line}


def check_time(a, t_lo, t_hi):
    matches(r"\+07:00$", a["time"], "alert time offset (Asia/Ho_Chi_Minh)")
    when = datetime.datetime.fromisoformat(a["time"]).timestamp()
    ok(t_lo - 2 <= when <= t_hi + 2,
       "alert time %s within the test's run (%s .. %s)" %
       (a["time"], time.strftime("%FT%T", time.localtime(t_lo)),
        time.strftime("%FT%T", time.localtime(t_hi))))


@test
def alert_log_start_and_stop(t):
    t_lo = time.time()
    d = started(t, config_with(DEVICES))
    hash12 = d.status()["config_hash"][:12]
    d.signal(signal.SIGTERM)
    eq(d.wait_exit(5), 0, "exit status")
    t_hi = time.time()
    lines = d.alerts()
    ge(len(lines), 2, "alert log lines: %r" % lines)
    alerts = [parse_alert(x) for x in lines]
    first, last = alerts[0], alerts[-1]
    eq((first["severity"], first["event"], first["key"], first["name"]),
       ("notice", "monitor-started", "-", "xanetd"),
       "first alert line: %r" % first["line"])
    eq(first["details"].get("version"), VERSION, "monitor-started version=")
    eq(first["details"].get("devices"), str(len(DEVICES)),
       "monitor-started devices=")
    eq(first["details"].get("config"), hash12, "monitor-started config=")
    eq((last["severity"], last["event"], last["key"], last["name"]),
       ("notice", "monitor-stopped", "-", "xanetd"),
       "last alert line: %r" % last["line"])
    eq(last["details"].get("reason"), "signal", "monitor-stopped reason=")
    for a in alerts:
        check_time(a, t_lo, t_hi)


@test
def alert_log_configured_path(t):
    d = Daemon(minimal_config(daemon_extra="alert_log = @DIR@/custom.log\n"))
    t.defer(d.close)
    d.start()
    d.wait_ready()
    d.signal(signal.SIGTERM)
    eq(d.wait_exit(5), 0, "exit status")
    lines = d.alerts(os.path.join(d.dir, "custom.log"))
    events = [parse_alert(x)["event"] for x in lines]
    eq(events[:1] + events[-1:], ["monitor-started", "monitor-stopped"],
       "events in the configured alert_log")
    ok(not os.path.exists(d.alert_log),
       "no alert log at the default path when alert_log is set")


@test
def sigusr1_reopens_alert_log(t):
    d = started(t, minimal_config())
    poll(lambda: d.alerts(), 5, 0.1, "alerts.log written after READY")
    os.rename(d.alert_log, d.alert_log + ".1")
    d.signal(signal.SIGUSR1)
    try:
        poll(lambda: os.path.exists(d.alert_log), 3, 0.05)
    except AssertionError:
        pass  # reopening lazily, at the next event, is fine too
    ok(d.alive(), "xanetd alive after SIGUSR1\n" + d.log_tail())
    d.signal(signal.SIGTERM)
    eq(d.wait_exit(5), 0, "exit status")
    new = [parse_alert(x)["event"] for x in d.alerts()]
    old = [parse_alert(x)["event"] for x in d.alerts(d.alert_log + ".1")]
    contains(new, "monitor-stopped", "events in the reopened alerts.log")
    not_contains(new, "monitor-started", "events in the reopened alerts.log")
    contains(old, "monitor-started", "events in alerts.log.1")
    not_contains(old, "monitor-stopped", "events in alerts.log.1")


# --- watchdog --------------------------------------------------------------

@test
def watchdog_pings(t):
    d = Daemon(minimal_config())
    t.defer(d.close)
    d.start(env={"WATCHDOG_USEC": "2000000"},
            wrapper=lambda argv: ["sh", "-c", 'WATCHDOG_PID=$$ exec "$@"',
                                  "sh"] + argv)
    i = d.wait_ready()
    t_ready = d.messages[i][0]
    time.sleep(5.0)
    ok(d.alive(), "xanetd alive\n" + d.log_tail())
    stamps = [when for when, text in d.notify_lines(0)
              if "WATCHDOG=1" in text.split("\n") and when >= t_ready]
    t.note("%d WATCHDOG=1 in the 5 s after READY" % len(stamps))
    ge(len(stamps), 3, "WATCHDOG=1 messages in 5 s (about one a second)")
    le(len(stamps), 50, "WATCHDOG=1 messages in 5 s (not a busy loop)")
    gaps = [b - a for a, b in zip([t_ready] + stamps, stamps)]
    lt(max(gaps), 2.0, "longest gap between watchdog pings (s) with "
       "WATCHDOG_USEC=2000000")


run()
