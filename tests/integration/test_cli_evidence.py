#!/usr/bin/env python3
# test_cli_evidence.py - xanetctl status/uptime/alerts/maintenance against known state intervals and alerts.
#
# The fixtures are real databases: xanetd starts once with a config of a
# few devices on 127.0.0.x (that makes the schema and the device rows) and
# stops; then the test writes state_interval and alert rows with sqlite3
# for outages whose figures are computed here by hand. Hash columns get
# zero blobs: uptime does not verify chains. Times are Asia/Ho_Chi_Minh
# (UTC+7, no summer time), the zone xanetctl uses by default.
import csv
import datetime
import io
import json
import math
import os
import select
import signal
import sqlite3
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
from daemon import (Daemon, device_section, minimal_config,  # noqa: E402
                    xanetctl_path)
from xtest import (between, contains, eq, fail, ok, run,  # noqa: E402
                   teardown, test)

TZ = datetime.timezone(datetime.timedelta(hours=7))
ZERO = b"\0" * 32
S, M, H, D = 1000, 60000, 3600000, 86400000
STATES = ("unknown", "up", "down", "unreachable", "maintenance")


def L(y, mo, d, h=0, mi=0):
    """UTC ms of a local (UTC+7) time."""
    return int(datetime.datetime(y, mo, d, h, mi, tzinfo=TZ).timestamp()
               * 1000)


def iso(ms):
    return datetime.datetime.fromtimestamp(ms // 1000, TZ).isoformat()


def show(r):
    return "exit %s\nstdout:\n%s\nstderr:\n%s" % (r.returncode, r.stdout,
                                                  r.stderr)


def trunc(pct, decimals):
    """What xanetctl prints: truncated, never rounded up to 100."""
    scale = 10 ** decimals
    return "%.*f" % (decimals, math.floor(pct * scale + 1e-6) / scale)


def close(a, b, what, tol=1e-9):
    if a is None or b is None or abs(a - b) > tol:
        fail("%s: expected %r, got %r" % (what, b, a))


QS, QE = L(2026, 7, 1), L(2026, 10, 1)  # 2026Q3, local midnights
QPART = QE - QS                          # 92 days

DEVICES = [
    # key, name, kind, group, parent
    ("ap-01", "Nhà văn hóa thôn Đông", "wifi-ap", "Thôn", None),
    ("ap-02", "Nhà văn hóa thôn Bắc", "wifi-ap", "Thôn", "sw-01"),
    ("ap-03", "Nhà văn hóa thôn Nam", "wifi-ap", "Thôn", None),
    ("sw-01", "Switch lõi", "switch", "Văn phòng, UBND", None),
]
# A name with quotes, set in the database, for CSV quoting.
SW_NAME = 'Switch "lõi" UBND'


def config(extra=None):
    secs = []
    for i, (key, name, kind, group, parent) in enumerate(DEVICES, 1):
        kw = {"group": group}
        if parent:
            kw["parent"] = parent
        kw.update((extra or {}).get(key, {}))
        secs.append(device_section(key, name, kind,
                                   address="127.0.0.%d" % i, **kw))
    return minimal_config(secs)


class Fixture:
    """A stopped xanetd's database, opened for writing."""

    def __init__(self, extra=None):
        self.d = Daemon(config(extra), prefix="xtest-ev-")
        try:
            self.d.start()
            self.d.wait_ready()
            self.d.signal(signal.SIGTERM)
            eq(self.d.wait_exit(10), 0, "xanetd exit status after SIGTERM")
        except BaseException:
            self.d.close()
            raise
        self.db = sqlite3.connect(self.d.db_path, timeout=10)
        self.ids = {k: i for k, i in self.db.execute(
            "SELECT key, id FROM device")}
        self.stop_ms = self.db.execute(
            "SELECT stop_ms FROM monitor_run ORDER BY id DESC LIMIT 1"
        ).fetchone()[0]
        # Only the rows written here count.
        self.db.execute("DELETE FROM state_interval")
        self.db.execute("DELETE FROM alert")
        self.db.execute("DELETE FROM maintenance")
        self.db.commit()

    def intervals(self, key, rows):
        for start, end, state, *cause in rows:
            self.db.execute(
                "INSERT INTO state_interval (device_id, state, start_ms, "
                "end_ms, cause, prev_hash, hash) VALUES (?,?,?,?,?,?,?)",
                (self.ids[key], state, start, end,
                 cause[0] if cause else None, ZERO, ZERO))
        self.db.commit()

    def alert(self, ts, severity, event, key, details):
        cur = self.db.execute(
            "INSERT INTO alert (ts_ms, severity, event, device_id, details, "
            "prev_hash, hash) VALUES (?,?,?,?,?,?,?)",
            (ts, severity, event, self.ids[key] if key else None, details,
             ZERO, ZERO))
        self.db.commit()
        return cur.lastrowid

    def delete_alert(self, rid):
        self.db.execute("DELETE FROM alert WHERE id = ?", (rid,))
        self.db.commit()

    def ctl(self, *args, **kw):
        return self.d.ctl(*args, **kw)

    def close(self):
        self.db.close()
        self.d.close()


# --- the 2026Q3 fixture ----------------------------------------------------

# Expected figures per device over 2026Q3, by hand.
Q3 = {}


def q3_build(f):
    f.db.execute("UPDATE device SET added_ms = ? WHERE key IN "
                 "('ap-01', 'ap-02', 'sw-01')", (QS - 30 * D,))
    f.db.execute("UPDATE device SET added_ms = ? WHERE key = 'ap-03'",
                 (L(2026, 8, 15),))
    f.db.execute("UPDATE device SET name = ? WHERE key = 'sw-01'",
                 (SW_NAME,))
    # Retired during the quarter, and before it (must not show).
    for key, added, retired in (("ap-old", L(2026, 1, 1), L(2026, 7, 10)),
                                ("ap-gone", L(2025, 1, 1),
                                 L(2026, 5, 1))):
        f.db.execute("INSERT INTO device (key, name, kind, grp, address, "
                     "added_ms, retired_ms) VALUES (?,?,?,?,?,?,?)",
                     (key, "Điểm cũ " + key, "wifi-ap", "Thôn",
                      "127.0.0.9", added, retired))
        f.ids[key] = f.db.execute("SELECT id FROM device WHERE key = ?",
                                  (key,)).fetchone()[0]
    f.db.commit()

    # ap-01: an outage across the quarter's start (2 h of it inside),
    # maintenance begun during an outage that goes on after it, a 6 h
    # gap with no interval and 1 h of unknown.
    f.intervals("ap-01", [
        (L(2026, 6, 1), L(2026, 6, 30, 22), "up"),
        (L(2026, 6, 30, 22), L(2026, 7, 1, 2), "down", "icmp-timeout"),
        (L(2026, 7, 1, 2), L(2026, 8, 1), "up"),
        (L(2026, 8, 1), L(2026, 8, 1, 0, 30), "down", "icmp-timeout"),
        (L(2026, 8, 1, 0, 30), L(2026, 8, 1, 1), "maintenance", "manual"),
        (L(2026, 8, 1, 1), L(2026, 8, 1, 1, 20), "down", "http-status"),
        (L(2026, 8, 1, 1, 20), L(2026, 9, 10), "up"),
        (L(2026, 9, 10, 6), L(2026, 9, 10, 7), "unknown",
         "monitor-stopped"),
        (L(2026, 9, 10, 7), L(2026, 10, 1, 3), "up"),
    ])
    down, maint, unknown = 2 * H + 50 * M, 30 * M, 7 * H
    Q3["ap-01"] = dict(part=QPART, down=down, maint=maint, unknown=unknown,
                       unreach=0, up=QPART - down - maint - unknown,
                       outages=3, longest=2 * H, from_ms=QS, to_ms=QE)
    # sw-01: one outage over local midnight (for --from/--to), one of 2 h
    # that makes its child ap-02 unreachable.
    f.intervals("sw-01", [
        (L(2026, 6, 1), L(2026, 7, 1, 23, 30), "up"),
        (L(2026, 7, 1, 23, 30), L(2026, 7, 2, 0, 30), "down",
         "icmp-timeout"),
        (L(2026, 7, 2, 0, 30), L(2026, 7, 15, 10), "up"),
        (L(2026, 7, 15, 10), L(2026, 7, 15, 12), "down", "link-down"),
        (L(2026, 7, 15, 12), L(2026, 10, 5), "up"),
    ])
    Q3["sw-01"] = dict(part=QPART, down=3 * H, maint=0, unknown=0,
                       unreach=0, up=QPART - 3 * H, outages=2,
                       longest=2 * H, from_ms=QS, to_ms=QE)
    f.intervals("ap-02", [
        (L(2026, 6, 1), L(2026, 7, 15, 10), "up"),
        (L(2026, 7, 15, 10), L(2026, 7, 15, 12), "unreachable",
         "parent-down"),
        (L(2026, 7, 15, 12), L(2026, 9, 1), "up"),
        (L(2026, 9, 1), L(2026, 9, 2), "down", "link-down"),
        (L(2026, 9, 2), L(2026, 10, 5), "up"),
    ])
    Q3["ap-02"] = dict(part=QPART, down=D, maint=0, unknown=0,
                       unreach=2 * H, up=QPART - D - 2 * H, outages=1,
                       longest=D, from_ms=QS, to_ms=QE)
    # ap-03: added on 15 August; 5 minutes unknown while it was first
    # probed.
    f.intervals("ap-03", [
        (L(2026, 8, 15), L(2026, 8, 15, 0, 5), "unknown", "starting"),
        (L(2026, 8, 15, 0, 5), L(2026, 10, 5), "up"),
    ])
    part = QE - L(2026, 8, 15)
    Q3["ap-03"] = dict(part=part, down=0, maint=0, unknown=5 * M,
                       unreach=0, up=part - 5 * M, outages=0, longest=0,
                       from_ms=L(2026, 8, 15), to_ms=QE)
    # ap-old: retired on 10 July, one outage before.
    f.intervals("ap-old", [
        (L(2026, 1, 1), L(2026, 7, 5, 8), "up"),
        (L(2026, 7, 5, 8), L(2026, 7, 5, 9), "down", "power"),
        (L(2026, 7, 5, 9), L(2026, 7, 10), "up"),
    ])
    part = L(2026, 7, 10) - QS
    Q3["ap-old"] = dict(part=part, down=H, maint=0, unknown=0, unreach=0,
                        up=part - H, outages=1, longest=H, from_ms=QS,
                        to_ms=L(2026, 7, 10))
    for e in Q3.values():
        e["uptime"] = 100.0 * e["up"] / (e["up"] + e["down"])
        e["coverage"] = 100.0 * (e["part"] - e["unknown"]) / e["part"]


# Alerts, in id order: (ts, severity, event, key, details).
ALERTS = []
NAMES = {k: n for k, n, _, _, _ in DEVICES}
NAMES["sw-01"] = SW_NAME


def alerts_build(f):
    now = int(time.time() * 1000)
    rows = []
    for i in range(60):
        even = i % 2 == 0
        rows.append((L(2026, 7, 1) + i * H, "error" if even else "notice",
                     "down" if even else "up", "ap-01" if even else "ap-02",
                     "lần %d: ICMP 3/3 mất" % i))
    rows.append((L(2026, 7, 31, 23, 59), "notice", "monitor-start", None,
                 "version 0.1.0 started"))
    rows.append((L(2026, 8, 1), "warning", "degraded", "sw-01",
                 "loss 25% over 5m"))
    rows.append((now - 3 * H, "notice", "up", "sw-01", "old"))
    rows.append((now - 1 * H, "crit", "down", "sw-01", "recent"))
    for r in rows:
        f.alert(*r)
        ALERTS.append(r)


def log_line(ts, severity, event, key, details):
    """The alert log's line (common/alertlog.c), built independently."""
    name = NAMES.get(key, "xanetd") if key else "xanetd"
    q = "".join("\\" + c if c in '"\\' else
                ("\\x%02x" % ord(c) if ord(c) < 0x20 or ord(c) == 0x7f
                 else c) for c in name)
    line = '%s %s %s %s "%s"' % (iso(ts), severity, event, key or "-", q)
    return line + (" " + details if details else "")


_fixtures = {}


def q3():
    if "q3" not in _fixtures:
        f = Fixture()
        try:
            q3_build(f)
            alerts_build(f)
        except BaseException:
            f.close()
            raise
        _fixtures["q3"] = f
    return _fixtures["q3"]


@teardown
def _close_fixtures():
    for f in _fixtures.values():
        f.close()


def uptime_json(f, *args):
    r = f.ctl("uptime", *args, "--json")
    eq(r.returncode, 0, "xanetctl uptime %s --json\n%s" %
       (" ".join(args), show(r)))
    try:
        return json.loads(r.stdout)
    except ValueError as e:
        fail("xanetctl uptime --json is not JSON (%s):\n%s" % (e, r.stdout))


def check_device(got, key, e, what):
    eq(got["key"], key, what + " key")
    for field, k in (("monitored_ms", "part"), ("up_ms", "up"),
                     ("down_ms", "down"), ("maintenance_ms", "maint"),
                     ("unreachable_ms", "unreach"),
                     ("unknown_ms", "unknown"), ("outages", "outages"),
                     ("longest_outage_ms", "longest"), ("from_ms", "from_ms"),
                     ("to_ms", "to_ms")):
        eq(got[field], e[k], "%s %s %s" % (what, key, field))
    close(got["uptime_pct"], e["uptime"], "%s %s uptime_pct" % (what, key))
    close(got["coverage_pct"], e["coverage"], "%s %s coverage_pct" %
          (what, key))


# --- uptime ----------------------------------------------------------------

@test
def uptime_quarter_json(t):
    f = q3()
    j = uptime_json(f, "--quarter", "2026Q3")
    eq(j["from"], "2026-07-01T00:00:00+07:00", "period from")
    eq(j["to"], "2026-10-01T00:00:00+07:00", "period to")
    eq((j["from_ms"], j["to_ms"]), (QS, QE), "period in ms")
    eq(j["complete"], True, "a past quarter is complete")
    keys = [d["key"] for d in j["devices"]]
    # By group, then key; ap-gone retired before the quarter.
    eq(keys, ["ap-01", "ap-02", "ap-03", "ap-old", "sw-01"], "devices")
    for d in j["devices"]:
        check_device(d, d["key"], Q3[d["key"]], "2026Q3")
    eq([d["retired"] for d in j["devices"]],
       [False, False, False, True, False], "retired flags")
    eq(j["devices"][0]["name"], NAMES["ap-01"], "UTF-8 name")
    # Group totals: sums, uptime = sum up / sum (up + down).
    groups = {g["group"]: g for g in j["groups"]}
    eq(sorted(groups), ["Thôn", "Văn phòng, UBND"], "groups")
    th = [Q3[k] for k in ("ap-01", "ap-02", "ap-03", "ap-old")]
    g = groups["Thôn"]
    eq(g["devices"], 4, "Thôn devices")
    for field, k in (("monitored_ms", "part"), ("up_ms", "up"),
                     ("down_ms", "down"), ("unknown_ms", "unknown"),
                     ("maintenance_ms", "maint"),
                     ("unreachable_ms", "unreach"), ("outages", "outages")):
        eq(g[field], sum(e[k] for e in th), "Thôn total " + field)
    eq(g["longest_outage_ms"], D, "Thôn longest outage")
    up, down = sum(e["up"] for e in th), sum(e["down"] for e in th)
    close(g["uptime_pct"], 100.0 * up / (up + down), "Thôn uptime_pct")
    close(groups["Văn phòng, UBND"]["uptime_pct"], Q3["sw-01"]["uptime"],
          "Văn phòng uptime_pct")
    ok("outages" not in j, "no outage list without --outages")


@test
def uptime_quarter_outages(t):
    f = q3()
    j = uptime_json(f, "--quarter", "2026Q3", "--outages", "--device",
                    "ap-01")
    eq([d["key"] for d in j["devices"]], ["ap-01"], "--device ap-01")
    got = [(o["key"], o["start_ms"], o["end_ms"], o["duration_ms"],
            o["cause"], o["ongoing"]) for o in j["outages"]]
    eq(got, [
        # Clipped at the quarter's start.
        ("ap-01", QS, L(2026, 7, 1, 2), 2 * H, "icmp-timeout", False),
        ("ap-01", L(2026, 8, 1), L(2026, 8, 1, 0, 30), 30 * M,
         "icmp-timeout", False),
        ("ap-01", L(2026, 8, 1, 1), L(2026, 8, 1, 1, 20), 20 * M,
         "http-status", False),
    ], "ap-01 outages")
    eq(j["outages"][0]["start"], "2026-07-01T00:00:00+07:00",
       "outage start, ISO local")
    r = f.ctl("uptime", "--quarter", "2026Q3", "--outages", "--device",
              "ap-01")
    eq(r.returncode, 0, "uptime --outages table\n" + show(r))
    contains(r.stdout, "2026-08-01 01:00:00 +07:00", "outage start")
    contains(r.stdout, "http-status", "outage cause")


@test
def uptime_quarter_csv(t):
    f = q3()
    r = f.ctl("uptime", "--quarter", "2026Q3", "--csv")
    eq(r.returncode, 0, "xanetctl uptime --csv\n" + show(r))
    ok(r.stdout.endswith("\r\n"), "CSV records end in CRLF")
    contains(r.stdout, '"Văn phòng, UBND"', "a comma is quoted")
    contains(r.stdout, '"Switch ""lõi"" UBND"', "a quote is doubled")
    rows = list(csv.reader(io.StringIO(r.stdout, newline="")))
    eq(rows[0], ["row", "key", "name", "group", "from", "to", "monitored_s",
                 "up_s", "down_s", "unreachable_s", "maintenance_s",
                 "unknown_s", "uptime_pct", "coverage_pct", "outages",
                 "longest_outage_s"], "CSV header")
    devs = {row[1]: row for row in rows[1:] if row[0] == "device"}
    eq(sorted(devs), sorted(Q3), "CSV device rows")
    for key, e in Q3.items():
        row = devs[key]
        eq(row[2], NAMES.get(key, "Điểm cũ " + key), key + " name")
        eq(row[4:6], [iso(e["from_ms"]), iso(e["to_ms"])], key + " part")
        eq(row[6:12], [str(e[k] // 1000) for k in
                       ("part", "up", "down", "unreach", "maint",
                        "unknown")], key + " durations (s)")
        eq(row[12:14], [trunc(e["uptime"], 4), trunc(e["coverage"], 4)],
           key + " percentages")
        eq(row[14:16], [str(e["outages"]), str(e["longest"] // 1000)],
           key + " outages")
    groups = [row for row in rows[1:] if row[0] == "group"]
    eq([g[3] for g in groups], ["Thôn", "Văn phòng, UBND"], "CSV groups")
    # Each group's total follows its last device.
    eq([row[1] or row[3] for row in rows[1:]],
       ["ap-01", "ap-02", "ap-03", "ap-old", "Thôn", "sw-01",
        "Văn phòng, UBND"], "CSV row order")
    r = f.ctl("uptime", "--quarter", "2026Q3", "--csv", "--outages",
              "--group", "Văn phòng, UBND")
    eq(r.returncode, 0, "xanetctl uptime --csv --outages\n" + show(r))
    rows = list(csv.reader(io.StringIO(r.stdout, newline="")))
    eq(rows, [["key", "name", "group", "start", "end", "duration_s",
               "cause", "ongoing"],
              ["sw-01", SW_NAME, "Văn phòng, UBND",
               "2026-07-01T23:30:00+07:00", "2026-07-02T00:30:00+07:00",
               "3600", "icmp-timeout", "false"],
              ["sw-01", SW_NAME, "Văn phòng, UBND",
               "2026-07-15T10:00:00+07:00", "2026-07-15T12:00:00+07:00",
               "7200", "link-down", "false"]], "CSV outages of sw-01")


@test
def uptime_quarter_table(t):
    f = q3()
    r = f.ctl("uptime", "--quarter", "2026Q3")
    eq(r.returncode, 0, "xanetctl uptime\n" + show(r))
    lines = r.stdout.splitlines()
    head = [x for x in lines if x.startswith("KEY")]
    eq(len(head), 1, "one header line")
    eq(head[0].split(), ["KEY", "NAME", "GROUP", "MONITORED", "UP", "DOWN",
                         "UNREACHABLE", "MAINTENANCE", "UNKNOWN", "UPTIME",
                         "%", "COVERAGE", "%", "OUTAGES", "LONGEST"],
       "columns")
    row = [x for x in lines if x.startswith("ap-01 ")]
    eq(len(row), 1, "one ap-01 row")
    # 91d13h40m up reads 91d14h; 2h50m down; 30m; 7h unknown.
    cells = row[0].split()
    e = Q3["ap-01"]
    eq(cells[-10:], ["92d", "91d14h", "2h50m", "0s", "30m", "7h",
                     trunc(e["uptime"], 2), trunc(e["coverage"], 2), "3",
                     "2h"], "ap-01 row")
    totals = [x for x in lines if x.startswith("TOTAL")]
    eq(len(totals), 2, "a total line per group")
    contains(totals[1], "1 device", "Văn phòng total")
    contains(r.stdout, "uptime % = up / (up + down)", "the method")


@test
def uptime_local_days(t):
    f = q3()
    j = uptime_json(f, "--from", "2026-07-01", "--to", "2026-07-01")
    eq((j["from"], j["to"]), ("2026-07-01T00:00:00+07:00",
                              "2026-07-02T00:00:00+07:00"),
       "one local day, TO included")
    d = {x["key"]: x for x in j["devices"]}
    # Local days: the 23:30-00:30 outage gives 30 min to 1 July.
    eq((d["sw-01"]["down_ms"], d["sw-01"]["up_ms"]), (30 * M, D - 30 * M),
       "sw-01 on 1 July")
    eq((d["ap-01"]["down_ms"], d["ap-01"]["up_ms"]), (2 * H, D - 2 * H),
       "ap-01 on 1 July")
    j = uptime_json(f, "--from", "2026-07-01", "--to", "2026-07-02",
                    "--device", "sw-01")
    eq(j["to"], "2026-07-03T00:00:00+07:00", "two local days")
    eq(j["devices"][0]["down_ms"], H, "sw-01 on 1-2 July")
    eq(j["devices"][0]["outages"], 1, "one outage over midnight")


@test
def uptime_bad_periods(t):
    f = q3()
    for args, needle in ((("--quarter", "2026Q5"), "2026Q5"),
                         (("--quarter", "26Q1"), "26Q1"),
                         (("--from", "2026-07-10", "--to", "2026-07-01"),
                          "2026-07-10"),
                         (("--from", "2026-02-30", "--to", "2026-03-01"),
                          "2026-02-30"),
                         (("--from", "2026-07-01"), "usage"),
                         (("--quarter", "2026Q3", "--from", "2026-07-01",
                           "--to", "2026-07-02"), "usage"),
                         (("--quarter", "2026Q3", "--csv", "--json"),
                          "usage"),
                         (("--quarter", "2099Q1"), "not begun"),
                         ((), "usage")):
        r = f.ctl("uptime", *args)
        eq(r.returncode, 2, "xanetctl uptime %s\n%s" % (" ".join(args),
                                                       show(r)))
        contains(r.stderr, needle, "xanetctl uptime %s" % " ".join(args))
    r = f.ctl("uptime", "--quarter", "2026Q3", "--device", "nope")
    eq(r.returncode, 1, "unknown device\n" + show(r))
    contains(r.stderr, "nope", "unknown device named")


# --- alerts ----------------------------------------------------------------

def alert_lines(rows):
    return [log_line(*r) for r in rows]


@test
def alerts_default_last_50(t):
    f = q3()
    r = f.ctl("alerts")
    eq(r.returncode, 0, "xanetctl alerts\n" + show(r))
    eq(r.stdout.splitlines(), alert_lines(ALERTS[-50:]),
       "the last 50, oldest first, as the alert log writes them")


@test
def alerts_by_device(t):
    f = q3()
    r = f.ctl("alerts", "--device", "ap-02")
    eq(r.returncode, 0, "xanetctl alerts --device ap-02\n" + show(r))
    eq(r.stdout.splitlines(),
       alert_lines([a for a in ALERTS if a[3] == "ap-02"]), "ap-02's alerts")
    r = f.ctl("alerts", "--device", "nope")
    eq(r.returncode, 1, "alerts --device nope\n" + show(r))
    contains(r.stderr, "nope", "unknown device named")


@test
def alerts_since(t):
    f = q3()
    for since, first in (("2026-08-01", L(2026, 8, 1)),
                         ("2026-07-31 23:59", L(2026, 7, 31, 23, 59)),
                         ("2026-07-01 05:00", L(2026, 7, 1, 5)),
                         ("2h", None)):
        r = f.ctl("alerts", "--since", since)
        eq(r.returncode, 0, "alerts --since %s\n%s" % (since, show(r)))
        if first is None:
            want = [a for a in ALERTS if a[4] == "recent"]
        else:
            want = [a for a in ALERTS if a[0] >= first]
        eq(r.stdout.splitlines(), alert_lines(want), "--since " + since)
    for bad in ("2026-02-30", "yesterday", "2026-07-01 25:00", "-2h"):
        r = f.ctl("alerts", "--since", bad)
        eq(r.returncode, 2, "alerts --since %s\n%s" % (bad, show(r)))
        contains(r.stderr, bad, "bad --since named")


@test
def alerts_json(t):
    f = q3()
    r = f.ctl("alerts", "--device", "sw-01", "--json")
    eq(r.returncode, 0, "alerts --json\n" + show(r))
    got = json.loads(r.stdout)
    want = [a for a in ALERTS if a[3] == "sw-01"]
    eq(len(got), len(want), "sw-01 alerts")
    for g, w in zip(got, want):
        eq((g["ts_ms"], g["severity"], g["event"], g["device"], g["name"],
            g["details"], g["acked"], g["time"], g["line"]),
           (w[0], w[1], w[2], "sw-01", SW_NAME, w[4], None, iso(w[0]),
            log_line(*w)), "alert %s" % g.get("id"))


class Follow:
    """xanetctl alerts -f, read line by line with a timeout."""

    def __init__(self, f, *args):
        self.p = subprocess.Popen(
            [xanetctl_path(), "-c", f.d.conf, "alerts", "-f"] + list(args),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL)
        self.buf = b""

    def line(self, timeout=5.0):
        deadline = time.monotonic() + timeout
        while b"\n" not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.p.stdout], [], [],
                                              left)[0]:
                fail("no line from alerts -f within %.1f s; got %r" %
                     (timeout, self.buf))
            data = os.read(self.p.stdout.fileno(), 65536)
            if not data:
                fail("alerts -f closed its output (exit %s): %s" %
                     (self.p.wait(), self.p.stderr.read()))
            self.buf += data
        line, _, self.buf = self.buf.partition(b"\n")
        return line.decode("utf-8")

    def close(self):
        if self.p.poll() is None:
            self.p.kill()
            self.p.wait()
        self.p.stdout.close()
        self.p.stderr.close()


@test
def alerts_follow(t):
    f = q3()
    for sig in (signal.SIGTERM, signal.SIGINT):
        fo = Follow(f, "--since", "2h")
        t.defer(fo.close)
        eq(fo.line(), log_line(*ALERTS[-1]), "alerts -f prints the past")
        time.sleep(0.3)
        row = (int(time.time() * 1000), "error", "down", "ap-01",
               "after -f started (%s)" % sig.name)
        rid = f.alert(*row)
        t.defer(f.delete_alert, rid)
        line = fo.line(3.0)
        # Gone before the next round's -f starts: only the fixture's rows.
        f.delete_alert(rid)
        eq(line, log_line(*row), "alerts -f prints a new row")
        fo.p.send_signal(sig)
        try:
            rc = fo.p.wait(5)
        except subprocess.TimeoutExpired:
            fail("alerts -f still running 5 s after %s" % sig.name)
        eq(rc, 0, "alerts -f exit after %s (stderr %r)" %
           (sig.name, fo.p.stderr.read()))


@test
def alerts_follow_closed_pipe(t):
    f = q3()
    # "| head -1": the reader goes away; -f must end by itself, status 0.
    p = subprocess.Popen(
        "set -o pipefail; %s -c %s alerts -f --since 2h | head -1" %
        (xanetctl_path(), f.d.conf),
        shell=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        executable="/bin/bash")
    t.defer(lambda: p.poll() is None and (p.kill(), p.wait()))
    time.sleep(0.5)
    rid = f.alert(int(time.time() * 1000), "notice", "up", "ap-01",
                  "wakes -f up after head left")
    t.defer(f.delete_alert, rid)
    try:
        out, err = p.communicate(timeout=8)
    except subprocess.TimeoutExpired:
        fail("alerts -f | head -1 did not end within 8 s")
    eq(out.decode().splitlines(), [log_line(*ALERTS[-1])], "head -1")
    eq(p.returncode, 0, "alerts -f exit status once its reader left "
       "(pipefail; stderr %r)" % err)


@test
def alerts_match_the_alert_log(t):
    # What xanetd itself wrote: the log file and the rows must read alike.
    d = Daemon(config(), prefix="xtest-al-")
    t.defer(d.close)
    d.start()
    d.wait_ready()
    time.sleep(2.5)  # first probe rounds: devices leave unknown
    d.signal(signal.SIGTERM)
    eq(d.wait_exit(10), 0, "xanetd exit status after SIGTERM")
    log = d.alerts()
    ok(len(log) >= 2, "xanetd wrote its start and stop: %r" % log)
    r = d.ctl("alerts")
    eq(r.returncode, 0, "xanetctl alerts\n" + show(r))
    eq(r.stdout.splitlines(), log[-50:], "xanetctl alerts = alerts.log")


# --- status ----------------------------------------------------------------

def status_history(f, base):
    """Known history before BASE for ap-01 and sw-01: figures that do not
    depend on when xanetctl runs (window edges fall in unknown time)."""
    f.db.execute("UPDATE device SET added_ms = ? WHERE key = 'sw-01'",
                 (base - 40 * D,))
    f.db.execute("UPDATE device SET added_ms = ? WHERE key = 'ap-01'",
                 (base - 3 * H,))
    f.db.commit()
    f.intervals("sw-01", [
        (base - 40 * D, base - 29 * D, "unknown"),
        (base - 29 * D, base - 20 * D, "up"),
        (base - 20 * D, base - 19 * D, "down", "icmp-timeout"),
        (base - 19 * D, base - 6 * D, "unknown"),
        (base - 6 * D, base - 3 * D, "up"),
        (base - 3 * D, base - 2 * D, "down", "icmp-timeout"),
        (base - 2 * D, base - 20 * H, "unknown"),
        (base - 20 * H, base - 2 * H, "up"),
        (base - 2 * H, base - 1 * H, "down", "icmp-timeout"),
        (base - 1 * H, base, "up"),
    ])
    return {"24h": 100.0 * 19 / 20, "7d": 100.0 * 91 / 116,
            "30d": 100.0 * 307 / 356}


@test
def status_stopped_uptime(t):
    f = Fixture()
    t.defer(f.close)
    s = f.stop_ms
    want = status_history(f, s)
    # ap-01: down since an hour before the stop, left open (a crash does
    # that): counted until the run's end, not until now.
    f.intervals("ap-01", [(s - 3 * H, s - 1 * H, "up"),
                          (s - 1 * H, None, "down", "icmp-timeout")])
    time.sleep(1.2)  # now is well after the stop
    r = f.ctl("status", "--json")
    eq(r.returncode, 3, "status --json with xanetd stopped\n" + show(r))
    j = json.loads(r.stdout)
    d = {x["key"]: x for x in j["devices"]}
    for w, v in want.items():
        close(j["uptime"]["sw-01"][w], v, "sw-01 uptime " + w)
    for w in ("24h", "7d", "30d"):
        close(j["uptime"]["ap-01"][w], 100.0 * 2 / 3, "ap-01 uptime " + w)
        eq(j["uptime"]["ap-02"][w], None, "ap-02 (no intervals) " + w)
    eq((d["ap-01"]["state"], d["ap-01"]["since_ms"], d["ap-01"]["cause"]),
       ("down", s - H, "icmp-timeout"), "ap-01 state as last recorded")
    eq((d["sw-01"]["state"], d["sw-01"]["since_ms"]), ("unknown", s),
       "sw-01: unknown since the stop")
    eq(d["sw-01"]["rtt_ms"], None, "no RTT without the daemon")
    r = f.ctl("status")
    eq(r.returncode, 3, "status with xanetd stopped\n" + show(r))
    lines = r.stdout.splitlines()
    head = [x for x in lines if x.startswith("GROUP")]
    eq(len(head), 1, "status table header\n" + r.stdout)
    eq(head[0].split(), ["GROUP", "KEY", "NAME", "STATE", "SINCE", "RTT",
                         "LOSS", "24H", "7D", "30D"], "status columns")
    row = [x for x in lines if " sw-01 " in x]
    eq(row[0].split()[-3:], ["95.00%", trunc(want["7d"], 2) + "%",
                             trunc(want["30d"], 2) + "%"], "sw-01 row")
    row = [x for x in lines if " ap-01 " in x]
    contains(row[0], " down ", "ap-01 row")
    eq(row[0].split()[-3:], ["66.66%"] * 3, "ap-01 row")


def restart(d):
    # Its first run's READY=1 is already in the list: wait for a new one.
    mark = d.notify_mark()
    d.start()
    d.wait_ready(since=mark)


@test
def crash_open_interval_ends_at_last_alive(t):
    # A crash leaves the run and the intervals open: nothing proves the
    # state after the run's last sign of life, so it is not counted.
    f = Fixture()
    t.defer(f.close)
    a = f.stop_ms
    f.db.execute("UPDATE monitor_run SET stop_ms = NULL, stop_reason = NULL,"
                 " last_alive_ms = ?", (a,))
    f.db.execute("UPDATE device SET added_ms = ? WHERE key = 'ap-01'",
                 (a - 2 * H,))
    f.db.commit()
    f.intervals("ap-01", [(a - 2 * H, a - H, "up"),
                          (a - H, None, "down", "icmp-timeout")])
    time.sleep(1.2)
    day = datetime.datetime.fromtimestamp(a / 1000, TZ).date()
    j = uptime_json(f, "--from", str(day - datetime.timedelta(days=1)),
                    "--to", str(day), "--device", "ap-01", "--outages")
    eq(j["complete"], False, "today's period is not over")
    dev = j["devices"][0]
    eq((dev["up_ms"], dev["down_ms"], dev["outages"]), (H, H, 1),
       "up and down until the last sign of life only")
    eq(dev["unknown_ms"], dev["monitored_ms"] - 2 * H, "the rest unknown")
    eq([(o["start_ms"], o["end_ms"], o["ongoing"]) for o in j["outages"]],
       [(a - H, a, False)], "the outage as far as it is known")
    r = f.ctl("status", "--json")
    eq(r.returncode, 3, "status after a crash\n" + show(r))
    j = json.loads(r.stdout)
    dev = {x["key"]: x for x in j["devices"]}["ap-01"]
    eq((dev["state"], dev["since_ms"]), ("down", a - H),
       "the state last recorded")
    close(j["uptime"]["ap-01"]["24h"], 50.0, "ap-01 uptime 24h")


@test
def status_running_uptime(t):
    f = Fixture()
    t.defer(f.close)
    want = status_history(f, f.stop_ms)
    restart(f.d)
    r = f.ctl("status", "--json")
    eq(r.returncode, 0, "status --json, xanetd running\n" + show(r))
    j = json.loads(r.stdout)
    d = {x["key"]: x for x in j["devices"]}
    # Up to a few seconds of the live run may add to "up".
    between(j["uptime"]["sw-01"]["24h"], want["24h"], want["24h"] + 0.01,
            "sw-01 uptime 24h")
    between(j["uptime"]["sw-01"]["7d"], want["7d"], want["7d"] + 0.01,
            "sw-01 uptime 7d")
    between(j["uptime"]["sw-01"]["30d"], want["30d"], want["30d"] + 0.01,
            "sw-01 uptime 30d")
    r = f.ctl("status")
    eq(r.returncode, 0, "status, xanetd running\n" + show(r))
    contains(r.stdout, "xanetd is running", "status")
    row = [x for x in r.stdout.splitlines() if " sw-01 " in x]
    eq(len(row), 1, "an sw-01 row\n" + r.stdout)
    ok(row[0].split()[-3][:5] == "95.00", "sw-01 24h in the table: %r" %
       row[0])


@test
def status_running_device_state(t):
    # The daemon's part of status: each device's state, since, RTT...
    f = Fixture()
    t.defer(f.close)
    restart(f.d)
    r = f.ctl("status", "--json")
    eq(r.returncode, 0, "status --json\n" + show(r))
    for dev in json.loads(r.stdout)["devices"]:
        for k in ("state", "since", "since_ms", "cause", "degraded",
                  "flapping", "rtt_ms", "loss_pct"):
            ok(k in dev, "device %s has %r in xanetd's status: %r" %
               (dev.get("key"), k, dev))
        ok(dev["state"] in STATES, "state %r" % dev["state"])


# --- maintenance -----------------------------------------------------------

def maint_daemon(t):
    d = Daemon(config({"ap-02": {"maintenance": "Sun 22:00-23:00"}}),
               prefix="xtest-mt-")
    t.defer(d.close)
    d.start()
    d.wait_ready()
    return d


def maint_ok(r, what):
    if r.returncode != 0 and "unknown command 'maintenance'" in r.stderr:
        fail("%s: xanetd has no 'maintenance' control command yet\n%s" %
             (what, show(r)))
    eq(r.returncode, 0, "%s\n%s" % (what, show(r)))


def maint_list(d):
    r = d.ctl("maintenance", "list", "--json")
    eq(r.returncode, 0, "maintenance list --json\n" + show(r))
    return json.loads(r.stdout)


@test
def maintenance_start_stop(t):
    d = maint_daemon(t)
    before = int(time.time() * 1000)
    r = d.ctl("maintenance", "start", "ap-01", "--for", "30m", "--reason",
              "replace the router")
    maint_ok(r, "maintenance start ap-01 --for 30m")
    contains(r.stdout, "ap-01", "maintenance start")
    j = maint_list(d)
    eq([(m["key"], m["reason"], m["active"]) for m in j["manual"]],
       [("ap-01", "replace the router", True)], "the manual window")
    m = j["manual"][0]
    eq(m["end_ms"] - m["start_ms"], 30 * M, "30 minutes")
    between(m["start_ms"], before - 1000, int(time.time() * 1000) + 1000,
            "started now")
    r = d.ctl("maintenance", "list")
    eq(r.returncode, 0, "maintenance list\n" + show(r))
    contains(r.stdout, "replace the router", "maintenance list")
    contains(r.stdout, "Sun 22:00-23:00", "config windows listed")
    eq([(c["key"], c["windows"]) for c in j["config"]],
       [("ap-02", "Sun 22:00-23:00")], "config windows")
    r = d.ctl("maintenance", "stop", "ap-01")
    maint_ok(r, "maintenance stop ap-01")
    contains(r.stdout, "stopped", "maintenance stop")
    time.sleep(0.05)
    eq(maint_list(d)["manual"], [], "no window after stop")
    r = d.ctl("maintenance", "stop", "ap-01", "--json")
    maint_ok(r, "maintenance stop ap-01 again")
    eq(json.loads(r.stdout).get("stopped"), 0, "nothing left to stop")


@test
def maintenance_reason_utf8_and_cut(t):
    d = maint_daemon(t)
    r = d.ctl("maintenance", "start", "ap-01", "--for", "1h", "--reason",
              "Thay bộ phát wifi thôn Đông")
    maint_ok(r, "maintenance start with a Vietnamese reason")
    eq([m["reason"] for m in maint_list(d)["manual"]],
       ["Thay bộ phát wifi thôn Đông"], "UTF-8 reason kept")
    maint_ok(d.ctl("maintenance", "stop", "ap-01"), "stop")
    long_reason = "đ" * 200  # 400 bytes
    r = d.ctl("maintenance", "start", "ap-01", "--for", "90s", "--reason",
              long_reason)
    maint_ok(r, "maintenance start with a 400-byte reason")
    contains(r.stderr, "cut", "the cut is said")
    # The request line holds 256 bytes with its newline; whole characters.
    room = 255 - len(b"maintenance start ap-01 90 ")
    want = long_reason.encode()[:room - room % 2].decode()
    eq([m["reason"] for m in maint_list(d)["manual"]], [want],
       "reason cut to fit the control line")


@test
def maintenance_errors(t):
    d = maint_daemon(t)
    r = d.ctl("maintenance", "start", "nope", "--for", "1h")
    if "unknown command 'maintenance'" in r.stderr:
        fail("xanetd has no 'maintenance' control command yet\n" + show(r))
    eq(r.returncode, 1, "maintenance start nope\n" + show(r))
    contains(r.stderr, "unknown device 'nope'", "the daemon's reason")
    for args in (("start", "ap-01"), ("start", "ap-01", "--for", "soon"),
                 ("start", "ap 01", "--for", "1h"), ("stop",), ("frob",),
                 ()):
        r = d.ctl("maintenance", *args)
        eq(r.returncode, 2, "maintenance %s\n%s" % (" ".join(args),
                                                   show(r)))
    d.signal(signal.SIGTERM)
    eq(d.wait_exit(10), 0, "xanetd stops")
    r = d.ctl("maintenance", "start", "ap-01", "--for", "1h")
    eq(r.returncode, 3, "maintenance start, xanetd stopped\n" + show(r))
    contains(r.stderr, "not running", "maintenance start, xanetd stopped")
    r = d.ctl("maintenance", "list")
    eq(r.returncode, 0, "maintenance list works from the database\n" +
       show(r))


run()
