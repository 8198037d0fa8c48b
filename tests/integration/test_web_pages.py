#!/usr/bin/env python3
# test_web_pages.py - the dashboard pages over real HTTP on loopback: sessions, roles, CSRF, escaping, device figures, ack, hosts, packs, settings.
#
# One xanetd serves every case: a device named <script>alert(1)</script>
# pinged on 127.0.0.1, and a device probed by TCP on a port this test
# listens on, so that closing the listener makes a real outage. Hosts are
# rows written with sqlite3 beside the running daemon (the LAN sampler is
# off, which the hosts page must say). Secrets in the config (a push
# token, an SNMP community, the /metrics token) must never show.
import datetime
import http.client
import json
import os
import re
import socket
import sqlite3
import sys
import tempfile
import threading
import time
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
from daemon import (Daemon, device_section, free_port,  # noqa: E402
                    minimal_config)
from xtest import (contains, eq, ge, le, not_contains, ok, poll,  # noqa: E402
                   require_root, run, teardown, test)

XSS = "<script>alert(1)</script>"
XSS_HTML = "&lt;script&gt;alert(1)&lt;/script&gt;"
XSS_HOST = "<img src=x onerror=alert(2)>"
XSS_HOST_HTML = "&lt;img src=x onerror=alert(2)&gt;"
PASSWORD = "mật khẩu rất dài 2026"
VIEWER_PW = "mật khẩu người xem 1"
ADMIN = "canbo"
VIEWER = "xem1"
SECRETS = ("SECRETtoken456abc", "SECRETcommunity123", "SECRETmetrics789")
MAC_XSS = "02:00:00:aa:bb:01"
MAC_B = "02:00:00:aa:bb:02"
MAC_C = "02:00:00:aa:bb:03"



class Listener:
    """A TCP port on 127.0.0.1 that the test opens and closes."""

    def __init__(self, port):
        self.port = port
        self.sock = None
        self.stop = False
        self.thread = None

    def open(self):
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", self.port))
        s.listen(64)
        s.settimeout(0.2)
        self.sock = s
        self.stop = False
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self):
        while not self.stop:
            try:
                c, _ = self.sock.accept()
                c.close()
            except OSError:
                continue

    def close(self):
        self.stop = True
        if self.thread:
            self.thread.join(2)
        if self.sock:
            self.sock.close()
        self.sock = None


def pages_config(port, tcp_port):
    devices = [
        device_section("ap-xss", XSS, address="127.0.0.1", group="Thôn Đông",
                       probes="icmp", interval="1s", timeout="500ms",
                       icmp_count="2", icmp_spacing="100ms"),
        device_section("sw-tcp", "Switch " + XSS, kind="switch",
                       address="127.0.0.1", group="UBND xã",
                       probes="tcp:%d" % tcp_port, interval="1s",
                       timeout="500ms", fail_threshold="2",
                       success_threshold="2"),
        device_section("ap-snmp", "AP có SNMP", address="127.0.0.1",
                       probes="icmp", interval="5s", timeout="1s",
                       snmp_community=SECRETS[1]),
    ]
    extra = ("[evidence]\ndaily = off\nquarterly_day = 0\n"
             "[push so-ttt]\ntype = http\nurl = http://127.0.0.1:9/up\n"
             "token = %s\nsnapshots = manual\n" % SECRETS[0])
    text = minimal_config(devices, extra=extra)
    return text.replace(
        "[web]\nenabled = no\n",
        "[web]\nenabled = yes\nlisten = 127.0.0.1\nport = %d\n"
        "max_connections = 256\nper_ip = 64\nmetrics_token = %s\n" %
        (port, SECRETS[2]))


_shared = {}


def shared():
    require_root()
    d = _shared.get("d")
    if d is not None and d.alive():
        return d
    if d is not None:
        d.close()
    port, tcp_port = free_port(), free_port()
    lst = Listener(tcp_port)
    lst.open()
    d = Daemon(pages_config(port, tcp_port), prefix="xtest-pages-")
    d.port = port
    d.listener = lst
    _shared["d"] = d
    d.start()
    d.wait_ready()
    d.wait_log("web: dashboard on http://127.0.0.1:%d/" % port)
    for name, role, pw in ((ADMIN, "admin", PASSWORD),
                           (VIEWER, "viewer", VIEWER_PW)):
        r = d.user_add(name, role, pw)
        eq(r.returncode, 0, "user add %s: %s" % (name, r.stderr))
    insert_hosts(d)
    return d


@teardown
def _close_shared():
    if "d" in _shared:
        d = _shared.pop("d")
        d.listener.close()
        d.close()


def insert_hosts(d):
    now = int(time.time() * 1000)
    db = sqlite3.connect(d.db_path, timeout=30)
    try:
        with db:
            for mac, name, ip in ((MAC_XSS, XSS_HOST, "192.168.1.10"),
                                  (MAC_B, "PC-KETOAN", "192.168.1.11"),
                                  (MAC_C, "PC-VANTHU", "192.168.1.12")):
                db.execute(
                    "INSERT INTO host (mac, ipv4, name, vendor, os_guess, "
                    "first_ms, last_ms) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (mac, ip, name, "Dell' OR 1=1 --", "Windows",
                     now - 3600000, now))
    finally:
        db.close()


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


def request(d, method, path, body=None, cookie=None, timeout=30):
    c = http.client.HTTPConnection("127.0.0.1", d.port, timeout=timeout)
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


def login(d, user, password):
    r = request(d, "POST", "/login", {"user": user, "password": password})
    for k, v in r.headers:
        m = re.match(r"xanet_session=([^;]+)", v) if k.lower() == \
            "set-cookie" else None
        if m:
            cookie = "xanet_session=%s" % m.group(1)
            page = request(d, "GET", "/", cookie=cookie)
            eq(page.status, 200, "logged in as %s" % user)
            return cookie, csrf_of(page.body)
    raise AssertionError("login as %s failed: %d %s" % (user, r.status,
                                                        r.body[:300]))


def csrf_of(body):
    m = re.search(r'name="csrf" value="([^"]+)"', body)
    return m.group(1) if m else None


_sessions = {}


def admin(d):
    if "admin" not in _sessions:
        _sessions["admin"] = login(d, ADMIN, PASSWORD)
    return _sessions["admin"]


def viewer(d):
    if "viewer" not in _sessions:
        _sessions["viewer"] = login(d, VIEWER, VIEWER_PW)
    return _sessions["viewer"]


PAGES = ("/", "/devices/ap-xss", "/alerts", "/alerts?unacked=1",
         "/hosts", "/hosts?filter=unknown", "/reports", "/settings")
POSTS = ("/alerts/1/ack", "/hosts/%s/approve" % MAC_B,
         "/hosts/%s/block" % MAC_B, "/hosts/%s/forget" % MAC_B,
         "/settings/users", "/settings/users/%s/delete" % VIEWER)


def wait_state(d, key, state, timeout=30):
    def check():
        rows = d.query("SELECT si.state FROM state_interval si JOIN device "
                       "dv ON dv.id = si.device_id WHERE dv.key = ? AND "
                       "si.end_ms IS NULL", (key,))
        return rows and rows[0]["state"] == state
    poll(check, timeout=timeout, what="%s %s" % (key, state))


# --- access -------------------------------------------------------------

@test
def pages_refuse_without_session(t):
    d = shared()
    for path in PAGES + ("/reports/pack",):
        r = request(d, "GET", path)
        ok(r.status in (303, 405), "GET %s without a session: %d" %
           (path, r.status))
        if r.status == 303:
            eq(r.header("Location"), "/login", "GET %s to login" % path)
        not_contains(r.body, "ap-xss", "nothing shown for %s" % path)
    for path in POSTS + ("/reports/pack",):
        r = request(d, "POST", path, {"csrf": "x", "name": "a"})
        eq(r.status, 303, "POST %s without a session" % path)
        eq(r.header("Location"), "/login", "POST %s to login" % path)
    eq(len(d.query("SELECT * FROM host WHERE status <> 'unknown'")), 0,
       "no host changed")


@test
def every_page_answers_with_nav(t):
    d = shared()
    cookie, _ = admin(d)
    for path in PAGES:
        r = request(d, "GET", path, cookie=cookie)
        eq(r.status, 200, "GET %s" % path)
        for word in ("Tổng quan", "Cảnh báo", "Máy trong LAN", "Báo cáo",
                     "Cài đặt"):
            contains(r.body, word, "navigation on %s" % path)
    r = request(d, "GET", "/settings?lang=en", cookie=cookie)
    for word in ("Overview", "Alerts", "LAN hosts", "Reports", "Settings"):
        contains(r.body, ">%s<" % word, "English navigation")
    request(d, "GET", "/?lang=vi", cookie=cookie)
    r = request(d, "GET", "/devices/no-such-device", cookie=cookie)
    eq(r.status, 404, "unknown device")
    contains(r.body, "Không có thiết bị này", "404 page says so")
    r = request(d, "GET", "/devices/..%2Fetc", cookie=cookie)
    eq(r.status, 404, "a key that is not a key")
    r = request(d, "GET", "/static/refresh.js")
    eq(r.status, 200, "refresh script")
    contains(r.header("Content-Type"), "javascript", "script type")
    contains(r.body, "30000", "every 30 s")


@test
def viewer_cannot_post_admin_forms(t):
    d = shared()
    cookie, csrf = viewer(d)
    ok(csrf, "a viewer has a CSRF token (logout form)")
    for path in POSTS:
        r = request(d, "POST", path, {"csrf": csrf, "name": "x",
                                      "note": "x", "role": "admin",
                                      "password": PASSWORD,
                                      "password2": PASSWORD},
                    cookie=cookie)
        eq(r.status, 403, "viewer POST %s" % path)
    r = request(d, "GET", "/alerts", cookie=cookie)
    not_contains(r.body, "/ack\"", "viewer sees no ack form")
    r = request(d, "GET", "/hosts", cookie=cookie)
    not_contains(r.body, 'data-test="approve-', "viewer sees no approve")
    r = request(d, "GET", "/settings", cookie=cookie)
    not_contains(r.body, 'data-test="user-add"', "viewer sees no users")
    eq(len(d.query("SELECT * FROM host WHERE status <> 'unknown'")), 0,
       "no host changed")
    eq(len(d.query("SELECT * FROM web_user")), 2, "no user changed")


@test
def missing_or_wrong_csrf_refused(t):
    d = shared()
    cookie, csrf = admin(d)
    for path in POSTS + ("/reports/pack",):
        r = request(d, "POST", path, {"name": "x", "quarter": "2026Q1"},
                    cookie=cookie)
        eq(r.status, 403, "POST %s without CSRF" % path)
        r = request(d, "POST", path, {"csrf": csrf[:-2] + "xx",
                                      "quarter": "2026Q1"}, cookie=cookie)
        eq(r.status, 403, "POST %s with a wrong CSRF" % path)
    eq(len(d.query("SELECT * FROM host WHERE status <> 'unknown'")), 0,
       "no host changed")


# --- overview and device ------------------------------------------------

@test
def overview_rows_and_bars(t):
    d = shared()
    cookie, _ = admin(d)
    wait_state(d, "ap-xss", "up")
    r = request(d, "GET", "/", cookie=cookie)
    for key in ("ap-xss", "sw-tcp", "ap-snmp"):
        m = re.search(r'<tr data-test="device-%s" data-state="([a-z]+)">'
                      r'<td><a href="/devices/%s">' % (key, key), r.body)
        ok(m, "row of %s with its link" % key)
        ok(m.group(1) in ("up", "down", "unreachable", "maintenance",
                          "unknown"), "data-state of %s" % key)
    ok(re.search(r'data-test="device-ap-xss" data-state="up"', r.body),
       "ap-xss is up")
    eq(r.body.count('<svg class="strip"'), 3, "one 7-day bar per device")
    contains(r.body, 'data-refresh', "live refresh region")
    contains(r.body, '<script src="/static/refresh.js"', "refresh script")


def local_today():
    """Today in the site's zone (UTC+7), as xanetctl and the pages count
    days; the machine's own zone may be UTC."""
    return datetime.datetime.now(
        datetime.timezone(datetime.timedelta(hours=7))).date()


def uptime_json(d, key):
    today = local_today()
    frm = today - datetime.timedelta(days=6)
    r = d.ctl("uptime", "--from", frm.isoformat(), "--to",
              today.isoformat(), "--device", key, "--json")
    eq(r.returncode, 0, "xanetctl uptime: %s" % r.stderr)
    return json.loads(r.stdout)


def find_device(o, key):
    for dev in o.get("devices", []):
        if dev.get("key") == key:
            return dev
    raise AssertionError("no %s in %s" % (key, json.dumps(o)[:500]))


@test(timeout=180)
def device_page_matches_xanetctl_uptime(t):
    d = shared()
    cookie, _ = admin(d)
    wait_state(d, "sw-tcp", "up")
    # A real outage: the port closes, then opens again.
    time.sleep(2)
    d.listener.close()
    wait_state(d, "sw-tcp", "down")
    time.sleep(3)
    d.listener.open()
    wait_state(d, "sw-tcp", "up")
    r = request(d, "GET", "/devices/sw-tcp", cookie=cookie)
    u = find_device(uptime_json(d, "sw-tcp"), "sw-tcp")
    eq(r.status, 200, "device page")
    m = re.search(r'<tr data-test="uptime-7d" data-up-ms="(\d+)" '
                  r'data-down-ms="(\d+)" data-unknown-ms="(\d+)" '
                  r'data-outages="(\d+)">.*?data-test="uptime-pct">'
                  r'([0-9,-]+) %', r.body)
    ok(m, "7-day figures on the page")
    up, down, unknown, outages = (int(m.group(i)) for i in range(1, 5))
    pct = float(m.group(5).replace(",", "."))  # Vietnamese decimal comma
    eq(outages, u["outages"], "outages as xanetctl uptime")
    eq(outages, 1, "the one outage")
    le(abs(down - u["down_ms"]), 1000, "down time as xanetctl uptime "
       "(%d vs %d)" % (down, u["down_ms"]))
    ge(down, 2000, "the outage lasted seconds")
    le(abs(up - u["up_ms"]), 5000, "up time as xanetctl uptime")
    le(abs(unknown - u["unknown_ms"]), 5000, "unknown as xanetctl uptime")
    le(abs(pct - float(u["uptime_pct"])), 0.5, "uptime %% (%s vs %s)" %
       (pct, u["uptime_pct"]))
    ok(pct < 100.0, "an outage shows below 100 %")
    eq(r.body.count('<tr data-test="outage">'), 1, "one outage listed")
    contains(r.body, 'data-test="timeline"', "state timeline")
    contains(r.body, '<svg class="strip"', "timeline drawn as a strip")
    contains(r.body, 'data-test="rtt-chart"', "RTT/loss chart")
    contains(r.body, '<svg class="chart"', "chart drawn")
    ok(re.search(r'data-test="device-state" data-state="up"', r.body),
       "current state up")
    not_contains(r.body, "Lưu lượng các cổng", "no SNMP: no traffic part")
    not_contains(r.body, "Số máy khách", "no SNMP: no clients part")


# --- alerts -------------------------------------------------------------

@test(timeout=120)
def admin_acknowledges_an_alert(t):
    d = shared()
    cookie, csrf = admin(d)
    poll(lambda: d.query("SELECT id FROM alert WHERE acked_ms IS NULL"),
         timeout=60, what="an unacknowledged alert")
    aid = d.query("SELECT id FROM alert WHERE acked_ms IS NULL "
                  "ORDER BY id DESC LIMIT 1")[0]["id"]
    r = request(d, "GET", "/alerts?unacked=1", cookie=cookie)
    contains(r.body, 'action="/alerts/%d/ack"' % aid, "the ack form")
    contains(r.body, 'data-test="ack-%d"' % aid, "the ack button")
    note = "Đã khởi động lại <b>bộ phát</b> ' OR 1=1"
    r = request(d, "POST", "/alerts/%d/ack" % aid,
                {"csrf": csrf, "note": note}, cookie=cookie)
    eq(r.status, 303, "ack answered: %s" % r.body[:200])
    eq(r.header("Location"), "/alerts", "back to the alerts")
    row = d.query("SELECT acked_ms, ack_note FROM alert WHERE id = ?",
                  (aid,))[0]
    ok(row["acked_ms"] is not None, "acked_ms set")
    eq(row["ack_note"], "%s: %s" % (ADMIN, note), "the note, with the user")
    r = request(d, "GET", "/alerts", cookie=cookie)
    contains(r.body, "Đã khởi động lại &lt;b&gt;bộ phát&lt;/b&gt;",
             "the note shown, escaped")
    ok(re.search(r'data-test="alert-%d" data-acked="1"' % aid, r.body),
       "shown as acknowledged")
    r = request(d, "GET", "/alerts?unacked=1", cookie=cookie)
    not_contains(r.body, 'data-test="alert-%d"' % aid, "filtered out")
    r = request(d, "POST", "/alerts/%d/ack" % aid,
                {"csrf": csrf, "note": "again"}, cookie=cookie)
    eq(r.status, 409, "a second acknowledgement is refused")
    eq(d.query("SELECT ack_note FROM alert WHERE id = ?", (aid,))[0]
       ["ack_note"], "%s: %s" % (ADMIN, note), "the first note stays")
    r = request(d, "POST", "/alerts/999999/ack", {"csrf": csrf},
                cookie=cookie)
    eq(r.status, 409, "no such alert")
    # The chain still verifies: the ack is outside the hash.
    v = d.ctl("verify", "--db")
    eq(v.returncode, 0, "chains intact after an ack: %s %s" %
       (v.stdout, v.stderr))


@test
def alerts_filters_and_paging(t):
    d = shared()
    cookie, _ = admin(d)
    r = request(d, "GET", "/alerts?device=sw-tcp", cookie=cookie)
    eq(r.status, 200, "device filter")
    ids = [int(x) for x in re.findall(r'data-test="alert-(\d+)"', r.body)]
    want = [row["id"] for row in d.query(
        "SELECT a.id FROM alert a JOIN device dv ON dv.id = a.device_id "
        "WHERE dv.key = 'sw-tcp' ORDER BY a.id DESC LIMIT 100")]
    eq(ids, want, "the device's alerts, newest first")
    r = request(d, "GET", "/alerts?before=%d" % (max(want) if want else 1),
                cookie=cookie)
    ids = [int(x) for x in re.findall(r'data-test="alert-(\d+)"', r.body)]
    ok(all(i < max(want or [1]) for i in ids), "before=ID pages back")
    eq(request(d, "GET", "/alerts?before=abc", cookie=cookie).status, 400,
       "a bad before")


# --- escaping -----------------------------------------------------------

@test
def xss_names_render_inert(t):
    d = shared()
    cookie, _ = admin(d)
    # sw-tcp's outage (an earlier case) put its name on /alerts.
    poll(lambda: d.query("SELECT 1 FROM alert a JOIN device dv ON dv.id = "
                         "a.device_id WHERE dv.key = 'sw-tcp'"),
         timeout=30, what="an alert of sw-tcp")
    for path in ("/", "/devices/ap-xss", "/devices/sw-tcp", "/alerts",
                 "/alerts?device=sw-tcp", "/settings"):
        r = request(d, "GET", path, cookie=cookie)
        eq(r.status, 200, path)
        not_contains(r.body, XSS, "raw device name on %s" % path)
        contains(r.body, XSS_HTML, "escaped device name on %s" % path)
    for path in ("/hosts", "/hosts?filter=unknown"):
        r = request(d, "GET", path, cookie=cookie)
        not_contains(r.body, XSS_HOST, "raw host name on %s" % path)
        contains(r.body, XSS_HOST_HTML, "escaped host name on %s" % path)
        contains(r.body, "Dell&#39; OR 1=1 --", "quote escaped")
    # Quotes and SQL in filters are only text.
    r = request(d, "GET", "/alerts?device=" + urllib.parse.quote(
        "x' OR '1'='1") + "&severity=" + urllib.parse.quote(XSS),
        cookie=cookie)
    eq(r.status, 200, "SQL in a filter")
    not_contains(r.body, XSS, "filter echoed raw")
    contains(r.body, "Chưa có cảnh báo", "an unknown device has no alerts")


# --- LAN hosts ----------------------------------------------------------

@test
def hosts_approve_block_forget(t):
    d = shared()
    cookie, csrf = admin(d)
    r = request(d, "GET", "/hosts", cookie=cookie)
    contains(r.body, "chưa chạy lần nào", "the sampler never ran: said")
    for mac in (MAC_XSS, MAC_B, MAC_C):
        contains(r.body, 'data-test="approve-%s"' % mac, "approve " + mac)
        contains(r.body, 'data-test="block-%s"' % mac, "block " + mac)
        contains(r.body, 'data-test="forget-%s"' % mac, "forget " + mac)
    r = request(d, "POST", "/hosts/%s/approve" % MAC_B,
                {"csrf": csrf, "name": "Máy kế toán", "back": "all"},
                cookie=cookie)
    eq(r.status, 303, "approve: %s" % r.body[:200])
    eq(r.header("Location"), "/hosts?filter=all", "back to the list")
    row = d.query("SELECT status, label FROM host WHERE mac = ?", (MAC_B,))
    eq((row[0]["status"], row[0]["label"]), ("approved", "Máy kế toán"),
       "approved with its name")
    r = request(d, "POST", "/hosts/%s/block" % MAC_C, {"csrf": csrf},
                cookie=cookie)
    eq(r.status, 303, "block")
    eq(d.query("SELECT status FROM host WHERE mac = ?", (MAC_C,))[0]
       ["status"], "blocked", "blocked")
    r = request(d, "GET", "/hosts?filter=blocked", cookie=cookie)
    contains(r.body, 'data-test="host-%s"' % MAC_C, "in the blocked list")
    not_contains(r.body, 'data-test="host-%s"' % MAC_B, "approved is not")
    r = request(d, "GET", "/hosts?filter=approved", cookie=cookie)
    contains(r.body, "Máy kế toán", "the name in the approved list")
    r = request(d, "POST", "/hosts/%s/forget" % MAC_C, {"csrf": csrf},
                cookie=cookie)
    eq(r.status, 303, "forget")
    eq(d.query("SELECT * FROM host WHERE mac = ?", (MAC_C,)), [],
       "the row is gone")
    r = request(d, "POST", "/hosts/02:00:00:AA:BB:01/approve",
                {"csrf": csrf}, cookie=cookie)
    eq(r.status, 404, "an uppercase MAC is not our form")
    r = request(d, "POST", "/hosts/%s/approve" % MAC_XSS,
                {"csrf": csrf, "name": "a\nstop"}, cookie=cookie)
    eq(r.status, 303, "a name with a newline: one line")
    ok(d.alive(), "no second command ran")
    eq(d.query("SELECT label FROM host WHERE mac = ?", (MAC_XSS,))[0]
       ["label"], "a stop", "the newline became a space")


# --- reports ------------------------------------------------------------

@test(timeout=180)
def pack_download_verifies(t):
    d = shared()
    cookie, csrf = admin(d)
    r = request(d, "GET", "/reports", cookie=cookie)
    eq(r.status, 200, "reports page")
    contains(r.body, 'action="/reports/pack"', "the pack form")
    contains(r.body, 'data-test="pack-download"', "the button")
    today = local_today()
    q = "%dQ%d" % (today.year, (today.month - 1) // 3 + 1)
    r = request(d, "POST", "/reports/pack",
                {"csrf": csrf, "quarter": q, "lang": "vi"}, cookie=cookie,
                timeout=120)
    eq(r.status, 200, "pack answered: %s" % r.body[:300])
    eq(r.header("Content-Type"), "application/zip", "zip")
    eq(r.header("Content-Disposition"),
       'attachment; filename="evidence-%s.zip"' % q, "download name")
    ok(r.raw[:2] == b"PK", "a zip file")
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "evidence-%s.zip" % q)
        with open(path, "wb") as f:
            f.write(r.raw)
        v = d.ctl("verify", path)
        eq(v.returncode, 0, "xanetctl verify: %s %s" % (v.stdout, v.stderr))
        contains(v.stdout, "OK", "verified")
        for s in SECRETS:
            not_contains(r.raw.decode("latin-1"), s, "no secret in the pack")
    packdir = os.path.join(d.state_dir, "packs")
    left = [n for n in os.listdir(packdir) if n.startswith("web-")] \
        if os.path.isdir(packdir) else []
    eq(left, [], "the temporary pack is removed")
    # Dates instead of a quarter, English.
    frm = (today - datetime.timedelta(days=2)).isoformat()
    r = request(d, "POST", "/reports/pack",
                {"csrf": csrf, "quarter": q, "from": frm,
                 "to": today.isoformat(), "lang": "en"}, cookie=cookie,
                timeout=120)
    eq(r.status, 200, "pack by dates")
    eq(r.header("Content-Disposition"),
       'attachment; filename="evidence-%s_%s.zip"' % (frm, today.isoformat()),
       "download name by dates")
    r = request(d, "POST", "/reports/pack",
                {"csrf": csrf, "quarter": "2026Q5"}, cookie=cookie)
    eq(r.status, 400, "a bad quarter")
    # Viewers may download too.
    vc, vcsrf = viewer(d)
    r = request(d, "POST", "/reports/pack",
                {"csrf": vcsrf, "quarter": q}, cookie=vc, timeout=120)
    eq(r.status, 200, "a viewer downloads a pack")


@test(timeout=120)
def snapshots_listed_with_push_state(t):
    d = shared()
    cookie, _ = admin(d)
    rep = d.control_json(b"snapshot-now manual\n")
    eq(rep.get("ok"), True, "snapshot-now: %s" % rep)
    poll(lambda: d.query("SELECT 1 FROM outbox WHERE attempts > 0"),
         timeout=60, what="a push attempt")
    r = request(d, "GET", "/reports", cookie=cookie)
    sid = d.query("SELECT id FROM snapshot ORDER BY id DESC LIMIT 1")[0]["id"]
    contains(r.body, 'data-test="snapshot-%d"' % sid, "the snapshot listed")
    contains(r.body, "so-ttt", "its push target")
    contains(r.body, 'data-test="push-state"', "its state")
    for s in SECRETS:
        not_contains(r.body, s, "no secret on /reports")


# --- settings -----------------------------------------------------------

@test
def settings_never_show_a_secret(t):
    d = shared()
    for who in (admin, viewer):
        cookie, _ = who(d)
        r = request(d, "GET", "/settings", cookie=cookie)
        eq(r.status, 200, "settings")
        for s in SECRETS:
            not_contains(r.body, s, "secret on /settings")
        contains(r.body, "community ***", "the community is masked")
        ok(re.search(r"<th>token</th><td>\*\*\*</td>", r.body),
           "the push token is masked")
        ok(re.search(r"<th>metrics_token</th><td>\*\*\*</td>", r.body),
           "the metrics token is masked")
        contains(r.body, "http://127.0.0.1:9/up", "the push URL")
        contains(r.body, "sw-tcp", "the devices")


@test(timeout=120)
def admin_adds_and_deletes_a_user(t):
    d = shared()
    cookie, csrf = admin(d)
    r = request(d, "POST", "/settings/users",
                {"csrf": csrf, "name": "moi", "role": "viewer",
                 "password": "mật khẩu mới 12345",
                 "password2": "mật khẩu khác 12345"}, cookie=cookie)
    eq(r.status, 400, "passwords differ")
    r = request(d, "POST", "/settings/users",
                {"csrf": csrf, "name": "moi", "role": "viewer",
                 "password": "ngắn", "password2": "ngắn"}, cookie=cookie)
    eq(r.status, 400, "too short")
    r = request(d, "POST", "/settings/users",
                {"csrf": csrf, "name": "x'; DROP TABLE web_user;--",
                 "role": "viewer", "password": "mật khẩu mới 12345",
                 "password2": "mật khẩu mới 12345"}, cookie=cookie)
    eq(r.status, 400, "SQL as a name")
    r = request(d, "POST", "/settings/users",
                {"csrf": csrf, "name": "moi", "role": "viewer",
                 "password": "mật khẩu mới 12345",
                 "password2": "mật khẩu mới 12345"}, cookie=cookie,
                timeout=60)
    eq(r.status, 303, "user added: %s" % r.body[:200])
    eq(r.header("Location"), "/settings", "back to settings")
    rows = d.query("SELECT role, pw_hash FROM web_user WHERE name = 'moi'")
    eq(len(rows), 1, "the user row")
    eq(rows[0]["role"], "viewer", "its role")
    ok(rows[0]["pw_hash"].startswith("$argon2id$"), "Argon2id hash")
    not_contains(d.stderr_text(), "mật khẩu mới", "password not logged")
    mc, _ = login(d, "moi", "mật khẩu mới 12345")
    r = request(d, "POST", "/settings/users/moi/delete", {"csrf": csrf},
                cookie=cookie)
    eq(r.status, 303, "user deleted")
    eq(d.query("SELECT * FROM web_user WHERE name = 'moi'"), [], "row gone")
    r = request(d, "GET", "/", cookie=mc)
    eq(r.status, 303, "the deleted user's session ended")
    r = request(d, "POST", "/settings/users/%s/delete" % ADMIN,
                {"csrf": csrf}, cookie=cookie)
    eq(r.status, 409, "an admin cannot delete themself")


# --- SNMP on the device page --------------------------------------------

MT_OID = "1.3.6.1.4.1.14988.1"             # MikroTik: clients per interface
MT_CLIENTS = "1.3.6.1.4.1.14988.1.1.1.3.1.6"


@test(timeout=180)
def device_page_shows_snmp_traffic_and_clients(t):
    require_root()
    from snmpd import (IF_ROOT, IFX_ROOT, Snmpd, iface,  # noqa: E402
                       ifaces_values, require_snmpd, value)
    require_snmpd()
    ifaces = [iface(1, "ether1", alias="<b>uplink</b> VNPT",
                    in_rate=1250000, out_rate=250000),
              iface(2, "wlan1", in_rate=12500, oper=2)]
    a = Snmpd(community="congdong", sysname="mt-web", sysobjectid=MT_OID,
              pass_roots=[IF_ROOT, IFX_ROOT, MT_OID],
              prefix="xtest-snmpd-web-")
    t.defer(a.close)
    v = ifaces_values(ifaces)
    v[MT_CLIENTS + ".1"] = value("integer", 7)
    v[MT_CLIENTS + ".2"] = value("integer", 5)
    a.set_values(v)
    a.start()
    a.wait_ready()
    port = free_port()
    text = minimal_config([device_section(
        "mt", "Router " + XSS, kind="router", probes="snmp",
        snmp_port=a.port, snmp_community="congdong",
        snmp_important="ether1", interval="2s", timeout="1s")])
    text = text.replace("[web]\nenabled = no\n",
                        "[web]\nenabled = yes\nlisten = 127.0.0.1\n"
                        "port = %d\n" % port)
    d = Daemon(text, prefix="xtest-pages-snmp-")
    d.port = port
    t.defer(d.close)
    d.start()
    d.wait_ready()
    r = d.user_add(ADMIN, "admin", PASSWORD)
    eq(r.returncode, 0, "user add")
    poll(lambda: d.query(
        "SELECT 1 FROM metric WHERE name = 'if_in_bps' AND instance = '1'")
        and d.query("SELECT 1 FROM metric WHERE name = 'clients'"),
        timeout=60, what="interface rates and clients stored")
    cookie, _ = login(d, ADMIN, PASSWORD)
    r = request(d, "GET", "/devices/mt", cookie=cookie)
    eq(r.status, 200, "SNMP device page")
    not_contains(r.body, XSS, "raw device name")
    contains(r.body, XSS_HTML, "escaped device name")
    contains(r.body, "Lưu lượng các cổng", "traffic section")
    contains(r.body, 'data-test="iface-1"', "ether1 listed")
    contains(r.body, 'data-test="iface-2"', "wlan1 listed")
    contains(r.body, "&lt;b&gt;uplink&lt;/b&gt; VNPT", "alias escaped")
    m = re.search(r'data-test="iface-1">.*?</tr>', r.body)
    ok(m and "Mbit/s" in m.group(0), "ether1 rate in Mbit/s")
    contains(r.body, 'data-test="traffic-1"', "ether1 traffic chart")
    not_contains(r.body, 'data-test="traffic-2"',
                 "no chart for a down, unimportant port")
    contains(r.body, "Số máy khách kết nối", "clients section")
    m = re.search(r'data-test="clients-total"><b>(\d+)</b>', r.body)
    ok(m, "clients total")
    eq(int(m.group(1)), 12, "7 + 5 clients")
    contains(r.body, 'data-test="clients-chart"', "clients chart")
    r = request(d, "GET", "/devices/mt?lang=en", cookie=cookie)
    contains(r.body, "Interface traffic", "English heading")


if __name__ == "__main__":
    run()
