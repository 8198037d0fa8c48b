#!/usr/bin/env python3
# test_api.py - the JSON API /api/v1 over real HTTP on loopback: sessions, each endpoint's shape and values against the database, uptime equal to xanetctl uptime --json and report data.json, hostile parameters.
#
# The fixture is a real database: xanetd starts once (schema, device rows)
# and stops; the test writes a 2026Q3 history (state_interval,
# monitor_run, alert, host, snapshot and outbox rows) with sqlite3, then
# starts xanetd again with the dashboard on a free 127.0.0.1 port and
# makes a user. The uptime figures are then asked of the API, of
# xanetctl uptime --json and of xanetctl report (data.json): they must be
# the same numbers, and a few of them are checked by hand as well.
import datetime
import http.client
import json
import os
import re
import shutil
import signal
import sqlite3
import sys
import tempfile
import time
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
from daemon import (Daemon, device_section, free_port,  # noqa: E402
                    minimal_config)
from xtest import (contains, eq, fail, ge, not_contains, ok,  # noqa: E402
                   require_root, run, shared_fixture, test)

TZ = datetime.timezone(datetime.timedelta(hours=7))
ZERO = b"\0" * 32
S, M, H, D = 1000, 60000, 3600000, 86400000
XSS = "<script>alert(1)</script>"
PASSWORD = "mật khẩu rất dài 2026"
ADMIN = "canbo"


def L(y, mo, d, h=0, mi=0):
    """UTC ms of a local (UTC+7) time."""
    return int(datetime.datetime(y, mo, d, h, mi, tzinfo=TZ).timestamp()
               * 1000)


def iso_ms(text):
    """UTC ms of an ISO 8601 time with offset."""
    return int(datetime.datetime.fromisoformat(text).timestamp() * 1000)


QS, QE = L(2026, 7, 1), L(2026, 10, 1)
QPART = QE - QS

DEVICES = [
    ("ap-01", "Nhà văn hóa thôn Đông", "wifi-ap", "Thôn Đông", "127.0.0.1"),
    ("ap-xss", XSS, "wifi-ap", "Thôn Tây", "127.0.0.2"),
    ("rt-01", "Router VNPT", "router", "Văn phòng", "127.0.0.3"),
]

INDICATORS = """
[indicator wifi]
title = Wifi nhà văn hóa hoạt động ổn định
metric = uptime-group
scope = wifi-ap
target = 99.5
[indicator wifi-min]
title = Điểm wifi thấp nhất
metric = uptime-device-min
scope = wifi-ap
target = 99.99
"""



def build(s):
    require_root()
    port = free_port()
    secs = [device_section(k, n, kind, address=a, group=g, probes="icmp",
                           interval="2s", timeout="500ms", icmp_count="2",
                           icmp_spacing="100ms")
            for k, n, kind, g, a in DEVICES]
    text = minimal_config(secs, extra=INDICATORS)
    text = text.replace("[web]\nenabled = no\n",
                        "[web]\nenabled = yes\nlisten = 127.0.0.1\n"
                        "port = %d\n" % port)
    d = Daemon(text, prefix="xtest-api-")
    s.closers.append(d.close)
    d.port = port
    d.start()
    d.wait_ready()
    d.signal(signal.SIGTERM)
    eq(d.wait_exit(10), 0, "xanetd exit status after SIGTERM")
    db = sqlite3.connect(d.db_path, timeout=10)
    ids = {k: i for k, i in db.execute("SELECT key, id FROM device")}
    for t in ("state_interval", "alert", "monitor_run", "host", "outbox",
              "snapshot"):
        db.execute("DELETE FROM " + t)
    db.execute("UPDATE device SET added_ms = ?", (L(2026, 5, 1),))

    def iv(key, rows):
        for start, end, state, *cause in rows:
            db.execute(
                "INSERT INTO state_interval (device_id, state, start_ms, "
                "end_ms, cause, prev_hash, hash) VALUES (?,?,?,?,?,?,?)",
                (ids[key], state, start, end, cause[0] if cause else None,
                 ZERO, ZERO))

    iv("ap-01", [
        (L(2026, 6, 1), L(2026, 7, 10), "up"),
        (L(2026, 7, 10), L(2026, 7, 10, 2), "down", "timeout"),
        (L(2026, 7, 10, 2), L(2026, 10, 5), "up"),
    ])
    iv("ap-xss", [
        (L(2026, 6, 1), L(2026, 8, 1), "up"),
        (L(2026, 8, 1), L(2026, 8, 1, 0, 30), "down", "link-down"),
        (L(2026, 8, 1, 0, 30), L(2026, 8, 1, 1), "maintenance", "manual"),
        (L(2026, 8, 1, 1), L(2026, 10, 5), "up"),
    ])
    iv("rt-01", [(L(2026, 6, 1), L(2026, 10, 5), "up")])
    db.execute("INSERT INTO monitor_run (start_ms, last_alive_ms, stop_ms, "
               "stop_reason, version, config_hash) VALUES "
               "(?,?,?,'stop','0.1','x')",
               (L(2026, 6, 1), L(2026, 10, 5), L(2026, 10, 5)))
    for ts, sev, ev, key, det in (
            (L(2026, 7, 10, 0, 1), "error", "down", "ap-01",
             "mất 3/3, \"ICMP\" thôn Đông"),
            (L(2026, 7, 10, 2), "notice", "up", "ap-01", "back"),
            (L(2026, 8, 1, 0, 1), "error", "down", "ap-xss", XSS),
            (L(2026, 8, 2), "notice", "up", "ap-01", "x' OR '1'='1")):
        db.execute("INSERT INTO alert (ts_ms, severity, event, device_id, "
                   "details, prev_hash, hash) VALUES (?,?,?,?,?,?,?)",
                   (ts, sev, ev, ids[key], det, ZERO, ZERO))
    for mac, name, status in (("aa:bb:cc:00:00:01", "Máy kế toán",
                                "approved"),
                               ("aa:bb:cc:00:00:02", XSS, "unknown")):
        db.execute("INSERT INTO host (mac, ipv4, name, first_ms, last_ms, "
                   "status) VALUES (?, '192.0.2.10', ?, ?, ?, ?)",
                   (mac, name, L(2026, 7, 2), L(2026, 8, 10), status))
    cur = db.execute(
        "INSERT INTO snapshot (uid, kind, period_from_ms, period_to_ms, "
        "created_ms, path, size, sha256, manifest_sha256, prev_hash, hash) "
        "VALUES ('0b7e4c2a-1111-4222-8333-444455556666', 'quarterly', ?, ?,"
        " ?, '/nonexistent/packs/xanet-2026Q3.zip', 1234, ?, ?, ?, ?)",
        (QS, QE, L(2026, 10, 1, 0, 10), "ab" * 32, "cd" * 32, ZERO, ZERO))
    s.snap_id = cur.lastrowid
    for target, state, sent in (("so-ttt", "sent", L(2026, 10, 1, 0, 11)),
                                ("huyen", "quarantined", None)):
        db.execute("INSERT INTO outbox (snapshot_id, target, state, "
                   "attempts, next_ms, last_ms, last_status, last_error, "
                   "sent_ms) VALUES (?, ?, ?, 1, ?, ?, ?, ?, ?)",
                   (s.snap_id, target, state, L(2026, 10, 1, 0, 11),
                    L(2026, 10, 1, 0, 11), 200 if sent else 403,
                    None if sent else "403 Forbidden", sent))
    db.commit()
    db.close()
    s.d = d
    mark = d.notify_mark()
    d.start()
    d.wait_ready(since=mark)
    d.wait_log("web: dashboard on http://127.0.0.1:%d/" % port)
    r = d.user_add(ADMIN, "viewer", PASSWORD)
    eq(r.returncode, 0, "xanetctl user add: %s" % r.stderr)
    resp = request(d, "POST", "/login", {"user": ADMIN,
                                         "password": PASSWORD})
    m = None
    for v in resp.all("Set-Cookie"):
        m = m or re.match(r"xanet_session=([^;]*)", v)
    ok(m is not None, "logged in (status %d)" % resp.status)
    s.cookie = "xanet_session=" + m.group(1)
    s.out = tempfile.mkdtemp(prefix="xtest-api-out-")
    s.closers.append(lambda: shutil.rmtree(s.out, ignore_errors=True))


class Resp:
    def __init__(self, r, body):
        self.status = r.status
        self.headers = r.getheaders()
        self.raw = body
        self.body = body.decode("utf-8", "replace")

    def header(self, name):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None

    def all(self, name):
        return [v for k, v in self.headers if k.lower() == name.lower()]

    def json(self):
        try:
            return json.loads(self.body)
        except ValueError:
            fail("not JSON (status %d): %r" % (self.status, self.body[:500]))


def request(d, method, path, body=None, cookie=None):
    c = http.client.HTTPConnection("127.0.0.1", d.port, timeout=60)
    h = {}
    if cookie:
        h["Cookie"] = cookie
    if isinstance(body, dict):
        body = urllib.parse.urlencode(body)
        h["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        c.request(method, path, body=body, headers=h)
        r = c.getresponse()
        return Resp(r, r.read())
    finally:
        c.close()


fixture = shared_fixture(build, "the API fixture")


def api(s, path, params=None, status=200):
    if params:
        path += "?" + urllib.parse.urlencode(params)
    r = request(s.d, "GET", path, cookie=s.cookie)
    eq(r.status, status, "GET %s: %s" % (path, r.body[:500]))
    eq(r.header("Content-Type"), "application/json; charset=utf-8",
       "Content-Type of %s" % path)
    eq(r.header("Access-Control-Allow-Origin"), None, "no CORS")
    return r.json()


def ctl_json(s, *args):
    r = s.d.ctl("--json", *args)
    eq(r.returncode, 0, "xanetctl --json %s: %s" % (" ".join(args),
                                                    r.stderr))
    return json.loads(r.stdout)


def report_data(s, name, *args):
    out = os.path.join(s.out, name)
    r = s.d.ctl("report", "--out", out, *args)
    eq(r.returncode, 0, "xanetctl report %s: %s" % (" ".join(args),
                                                    r.stderr))
    with open(os.path.join(out, "data.json"), encoding="utf-8") as f:
        return json.load(f)


def close(a, b, what, tol=1e-9):
    if (a is None) != (b is None) or (a is not None and abs(a - b) > tol):
        fail("%s: API %r, expected %r" % (what, a, b))


# --- sessions ---------------------------------------------------------------

PATHS = ["/api/v1/devices", "/api/v1/devices/ap-01",
         "/api/v1/uptime?quarter=2026Q3", "/api/v1/alerts",
         "/api/v1/hosts", "/api/v1/snapshots", "/api/v1/nope"]


@test
def refused_without_session(t):
    s = fixture()
    for path in PATHS:
        for cookie in (None, "xanet_session=" + "A" * 43):
            r = request(s.d, "GET", path, cookie=cookie)
            eq(r.status, 401, "GET %s without a (valid) session" % path)
            eq(r.json(), {"error": "login required"}, "401 body")
            not_contains(r.body, "ap-01", "nothing of the data")
    r = request(s.d, "GET", "/api/v1/nope", cookie=s.cookie)
    eq(r.status, 404, "an unknown API path with a session")
    ok("error" in r.json(), "404 as JSON")


# --- devices ----------------------------------------------------------------

@test
def devices_list(t):
    s = fixture()
    j = api(s, "/api/v1/devices")
    rows = s.d.query(
        "SELECT d.key, d.name, d.kind, d.grp, d.address, d.probes, "
        "d.interval_ms, si.state, si.start_ms, si.cause FROM device d "
        "LEFT JOIN state_interval si ON si.device_id = d.id AND "
        "si.end_ms IS NULL WHERE d.retired_ms IS NULL")
    byk = {x["key"]: x for x in j["devices"]}
    eq(sorted(byk), sorted(r["key"] for r in rows), "device keys")
    for r in rows:
        x = byk[r["key"]]
        for f, col in (("name", "name"), ("kind", "kind"), ("group", "grp"),
                       ("address", "address"), ("probes", "probes"),
                       ("interval_ms", "interval_ms"), ("cause", "cause")):
            eq(x[f], r[col], "%s of %s" % (f, r["key"]))
        eq(x["state"], r["state"] or "unknown", "state of %s" % r["key"])
        if r["start_ms"] is not None:
            eq(iso_ms(x["since"]), r["start_ms"] // 1000 * 1000,
               "since of %s" % r["key"])
            eq(x["since_ms"], r["start_ms"], "since_ms")
            ok(x["since"].endswith("+07:00"), "since in local time: %s" %
               x["since"])
        eq(x["parent"], None, "no parent")
    eq(byk["ap-xss"]["name"], XSS, "the XSS name as a plain JSON string")
    r = request(s.d, "GET", "/api/v1/devices", cookie=s.cookie)
    not_contains(r.body, "&lt;", "no HTML escaping in JSON")
    eq(r.header("X-Content-Type-Options"), "nosniff", "nosniff")
    # SQLite's BINARY order is code point order, as Python's.
    eq([x["key"] for x in j["devices"]],
       [k for g, k in sorted((r["grp"], r["key"]) for r in rows)],
       "ordered by group, then key")


@test
def one_device(t):
    s = fixture()
    j = api(s, "/api/v1/devices/ap-01")["device"]
    eq(j["key"], "ap-01", "key")
    eq(j["name"], "Nhà văn hóa thôn Đông", "name")
    rows = s.d.query(
        "SELECT si.state, si.start_ms FROM state_interval si JOIN device d "
        "ON d.id = si.device_id WHERE d.key = 'ap-01' AND si.end_ms IS NULL")
    if rows:
        eq(j["interval"]["state"], rows[0]["state"], "open interval state")
        eq(j["interval"]["start_ms"], rows[0]["start_ms"], "its start")
    ok(isinstance(j["samples"], list) and len(j["samples"]) <= 20,
       "at most 20 samples")
    srows = s.d.query(
        "SELECT s.ts_ms, s.ok, s.kind FROM sample s JOIN device d ON "
        "d.id = s.device_id WHERE d.key = 'ap-01' ORDER BY s.ts_ms DESC, "
        "s.id DESC LIMIT 20")
    # Samples arrive while we look: the API's newest is one of the DB's.
    if j["samples"]:
        ok(j["samples"][0]["ts_ms"] in [r["ts_ms"] for r in srows] or
           j["samples"][0]["ts_ms"] <= srows[0]["ts_ms"],
           "newest sample from the database")
        eq(j["samples"][0]["kind"], "icmp", "sample kind")
        ts = [x["ts_ms"] for x in j["samples"]]
        eq(ts, sorted(ts, reverse=True), "newest first")
    x = api(s, "/api/v1/devices/ap-xss")["device"]
    eq(x["name"], XSS, "XSS name verbatim")
    for key in ("nope", "x' OR '1'='1", "ap-01; DROP TABLE device",
                "a" * 200):
        e = api(s, "/api/v1/devices/" + urllib.parse.quote(key),
                status=404)
        ok(isinstance(e.get("error"), str), "404 JSON error for %r" % key)
    eq(len(s.d.query("SELECT key FROM device")), 3, "devices intact")


# --- uptime -----------------------------------------------------------------

FIGS = ("up_ms", "down_ms", "unreachable_ms", "maintenance_ms",
        "unknown_ms", "outages", "longest_outage_ms", "from_ms", "to_ms",
        "monitored_ms")


@test
def uptime_quarter_same_as_xanetctl(t):
    s = fixture()
    t0 = time.monotonic()
    j = api(s, "/api/v1/uptime", {"quarter": "2026Q3"})
    t.note("GET /api/v1/uptime?quarter=2026Q3 (3 devices): %.1f ms" %
           ((time.monotonic() - t0) * 1000))
    eq(j["complete"], True, "a past quarter is complete")
    eq(j["period"]["from_ms"], QS, "period start")
    eq(j["period"]["to_ms"], QE, "period end")
    byk = {x["key"]: x for x in j["devices"]}
    eq(sorted(byk), ["ap-01", "ap-xss", "rt-01"], "devices")
    # By hand.
    a = byk["ap-01"]
    eq(a["down_ms"], 2 * H, "ap-01 down 2 h")
    eq(a["up_ms"], QPART - 2 * H, "ap-01 up")
    close(a["uptime_pct"], 100.0 * (QPART - 2 * H) / QPART, "ap-01 uptime")
    x = byk["ap-xss"]
    eq((x["down_ms"], x["maintenance_ms"]), (30 * M, 30 * M),
       "ap-xss down and maintenance")
    eq(x["name"], XSS, "XSS name verbatim")
    # xanetctl uptime --json: the same numbers.
    u = ctl_json(s, "uptime", "--quarter", "2026Q3")
    ubyk = {x["key"]: x for x in u["devices"]}
    eq(sorted(ubyk), sorted(byk), "same devices as xanetctl uptime")
    for k, x in byk.items():
        for f in FIGS:
            eq(x[f], ubyk[k][f], "%s %s: API vs xanetctl uptime" % (k, f))
        for f in ("uptime_pct", "coverage_pct"):
            close(x[f], ubyk[k][f], "%s %s: API vs xanetctl uptime" % (k, f))
    # xanetctl report data.json: the same document, field for field.
    rep = report_data(s, "q3", "--quarter", "2026Q3")
    eq(j["devices"], rep["devices"], "devices equal to data.json's")
    eq(j["indicators"], rep["indicators"], "indicators equal to data.json's")
    eq(j["outages"], rep["outages"], "outages equal to data.json's")
    eq(j["monitor"], rep["monitor"], "monitor coverage equal")
    eq(j["period"], rep["period"], "period equal")
    ind = {i["key"]: i for i in j["indicators"]}
    eq(ind["wifi"]["verdict"], "met", "wifi indicator met")
    eq(ind["wifi-min"]["verdict"], "not-met", "wifi-min not met (ap-01)")
    ok("alerts" not in j and "hosts" not in j,
       "alerts and hosts have their own endpoints")


@test
def uptime_days_and_filters(t):
    s = fixture()
    p = {"from": "2026-07-10", "to": "2026-07-10"}
    j = api(s, "/api/v1/uptime", p)
    u = ctl_json(s, "uptime", "--from", "2026-07-10", "--to", "2026-07-10")
    byk = {x["key"]: x for x in j["devices"]}
    for x in u["devices"]:
        for f in FIGS:
            eq(byk[x["key"]][f], x[f], "%s %s one day" % (x["key"], f))
    eq(byk["ap-01"]["down_ms"], 2 * H, "ap-01's outage that day")
    close(byk["ap-01"]["uptime_pct"], 100.0 * 22 / 24, "ap-01 that day")
    j = api(s, "/api/v1/uptime", {"quarter": "2026Q3",
                                  "group": "Thôn Đông"})
    eq([x["key"] for x in j["devices"]], ["ap-01"], "group filter")
    rep = report_data(s, "grp", "--quarter", "2026Q3", "--group",
                      "Thôn Đông")
    eq(j["devices"], rep["devices"], "group filter equal to data.json")
    j = api(s, "/api/v1/uptime", {"quarter": "2026q3", "device": "ap-xss"})
    eq([x["key"] for x in j["devices"]], ["ap-xss"], "device filter")
    # This quarter: cut at now, not complete.
    now = datetime.datetime.now(TZ)
    q = "%dQ%d" % (now.year, (now.month - 1) // 3 + 1)
    j = api(s, "/api/v1/uptime", {"quarter": q})
    eq(j["complete"], False, "the current quarter is not complete")


@test
def uptime_bad_parameters(t):
    s = fixture()
    for params, why in (
            ({}, "quarter"),
            ({"quarter": "2026Q5"}, "quarter"),
            ({"quarter": "26Q1"}, "quarter"),
            ({"quarter": "2026Q3", "from": "2026-07-01"}, "quarter"),
            ({"from": "2026-07-01"}, "to="),
            ({"from": "2026-02-30", "to": "2026-03-01"}, "YYYY-MM-DD"),
            ({"from": "2026-08-01", "to": "2026-07-01"}, "no later"),
            ({"from": "1/7/2026", "to": "2026-07-02"}, "YYYY-MM-DD"),
            ({"quarter": "2099Q1"}, "not begun"),
            ({"quarter": "2026Q3'; DROP TABLE device; --"}, "quarter"),
            ({"quarter": "2026Q3", "group": "x" * 500}, "group")):
        e = api(s, "/api/v1/uptime", params, status=400)
        contains(e.get("error", ""), why, "400 for %r says why" % params)
    # SQL in a filter is only a name that matches nothing.
    for f in ("group", "device"):
        e = api(s, "/api/v1/uptime",
                {"quarter": "2026Q3", f: "x' OR '1'='1"}, status=404)
        contains(e["error"], "no device", "404 for SQL in %s" % f)
    eq(len(s.d.query("SELECT key FROM device")), 3, "devices intact")


# --- alerts, hosts, snapshots ---------------------------------------------

@test
def alerts_endpoint(t):
    s = fixture()
    j = api(s, "/api/v1/alerts", {"since": str(QS), "device": "ap-01"})
    rows = s.d.query(
        "SELECT a.id, a.ts_ms, a.event, a.details, a.severity FROM alert a "
        "JOIN device d ON d.id = a.device_id WHERE d.key = 'ap-01' AND "
        "a.ts_ms >= ? ORDER BY a.id", (QS,))
    eq([a["id"] for a in j["alerts"]], [r["id"] for r in rows],
       "ap-01's alerts since the quarter, oldest first")
    for a, r in zip(j["alerts"], rows):
        eq((a["ts_ms"], a["event"], a["details"], a["severity"],
            a["device"]), (r["ts_ms"], r["event"], r["details"],
                           r["severity"], "ap-01"), "alert %d" % r["id"])
        eq(iso_ms(a["time"]), r["ts_ms"] // 1000 * 1000, "time")
    # ISO with an offset and the ms form agree.
    j2 = api(s, "/api/v1/alerts", {"since": "2026-07-01T00:00:00+07:00",
                                   "device": "ap-01"})
    eq(j2["alerts"], j["alerts"], "since as ISO 8601")
    j3 = api(s, "/api/v1/alerts", {"since": "2026-07-01",
                                   "device": "ap-01"})
    eq(j3["alerts"], j["alerts"], "since as a local date")
    x = api(s, "/api/v1/alerts", {"since": str(QS), "device": "ap-xss"})
    eq([a["details"] for a in x["alerts"]], [XSS], "XSS details verbatim")
    eq(x["alerts"][0]["name"], XSS, "device name verbatim")
    # Paging.
    p = api(s, "/api/v1/alerts", {"since": str(QS), "device": "ap-01",
                                  "limit": "1"})
    eq(len(p["alerts"]), 1, "limit 1")
    eq(p["more"], True, "more to come")
    eq(p["next_after"], rows[0]["id"], "next_after")
    p2 = api(s, "/api/v1/alerts", {"since": str(QS), "device": "ap-01",
                                   "limit": "1000",
                                   "after": str(p["next_after"])})
    eq([a["id"] for a in p2["alerts"]], [r["id"] for r in rows[1:]],
       "the rest after next_after")
    eq(p2["more"], False, "no more")
    # Hostile and bad parameters.
    e = api(s, "/api/v1/alerts", {"since": str(QS),
                                  "device": "x' OR '1'='1"})
    eq(e["alerts"], [], "SQL in device matches nothing")
    for params, why in (({"limit": "0"}, "limit"), ({"limit": "1001"},
                                                      "limit"),
                        ({"limit": "-1"}, "limit"),
                        ({"limit": "10; DROP TABLE alert"}, "limit"),
                        ({"since": "yesterday"}, "since"),
                        ({"since": "2026-02-30"}, "since"),
                        ({"since": "2026-07-01T08:00"}, "since"),
                        ({"after": "x"}, "after")):
        e = api(s, "/api/v1/alerts", params, status=400)
        contains(e["error"], why, "400 for %r" % params)
    ge(len(s.d.query("SELECT id FROM alert")), 4, "alerts intact")


@test
def hosts_endpoint(t):
    s = fixture()
    j = api(s, "/api/v1/hosts")
    rows = s.d.query("SELECT mac, name, status, ipv4, first_ms, last_ms "
                     "FROM host ORDER BY last_ms DESC")
    eq(sorted(h["mac"] for h in j["hosts"]), sorted(r["mac"] for r in rows),
       "every host")
    byk = {h["mac"]: h for h in j["hosts"]}
    for r in rows:
        h = byk[r["mac"]]
        eq((h["name"], h["status"], h["ipv4"]), (r["name"], r["status"],
                                                 r["ipv4"]), r["mac"])
        eq(iso_ms(h["last_seen"]), r["last_ms"] // 1000 * 1000, "last_seen")
    eq(byk["aa:bb:cc:00:00:02"]["name"], XSS, "XSS host name verbatim")
    u = api(s, "/api/v1/hosts", {"status": "unknown"})
    eq([h["mac"] for h in u["hosts"]],
       [r["mac"] for r in rows if r["status"] == "unknown"], "unknown only")
    e = api(s, "/api/v1/hosts", {"status": "x' OR 1=1"}, status=400)
    contains(e["error"], "status", "bad status filter")


@test
def snapshots_endpoint(t):
    s = fixture()
    j = api(s, "/api/v1/snapshots")
    rows = s.d.query("SELECT id, uid, kind, sha256 FROM snapshot "
                     "ORDER BY id DESC")
    eq([x["id"] for x in j["snapshots"]], [r["id"] for r in rows][:100],
       "snapshots newest first")
    snap = [x for x in j["snapshots"] if x["id"] == s.snap_id]
    eq(len(snap), 1, "the fixture's snapshot")
    snap = snap[0]
    eq((snap["uid"], snap["kind"], snap["sha256"], snap["size"]),
       ("0b7e4c2a-1111-4222-8333-444455556666", "quarterly", "ab" * 32,
        1234), "snapshot fields")
    eq(snap["file"], "xanet-2026Q3.zip", "file name only, no server path")
    not_contains(json.dumps(j), "/nonexistent/packs", "no server path")
    eq(iso_ms(snap["from"]), QS, "period start")
    dl = {x["target"]: x for x in snap["deliveries"]}
    eq(sorted(dl), ["huyen", "so-ttt"], "deliveries")
    orows = {r["target"]: r for r in s.d.query(
        "SELECT target, state, attempts, last_error FROM outbox WHERE "
        "snapshot_id = ?", (s.snap_id,))}
    for tgt, x in dl.items():
        eq((x["state"], x["attempts"], x["last_error"]),
           (orows[tgt]["state"], orows[tgt]["attempts"],
            orows[tgt]["last_error"]), "delivery to %s" % tgt)
    api(s, "/api/v1/snapshots", {"limit": "0"}, status=400)
    api(s, "/api/v1/snapshots", {"limit": "5000"}, status=400)


@test
def no_sanitizer_reports(t):
    s = fixture()
    ok(s.d.alive(), "xanetd still running")
    eq(s.d.sanitizer_report(), "", "sanitizer reports in xanetd's log")


run()
