#!/usr/bin/env python3
# test_heartbeat.py - GET|POST /hb/TOKEN on a real xanetd over loopback: a silent device goes down, heartbeats bring it up, status=fail reports, unknown tokens are limited, the token is never logged.
#
# One xanetd (web on a free 127.0.0.1 port, no dashboard user at all: the
# heartbeat must work before the first user exists) with two heartbeat
# devices: hb-01 (interval 2 s, grace 2 s, down after 2 failed rounds, up
# after 1 good one) follows the state machine through timeout, up and
# reported; hb-02 serves the request-level cases. Heartbeats come from
# urllib/http.client; the guessing cases use their own 127.0.x.y source
# addresses so that their buckets do not touch the other cases.
import http.client
import json
import os
import secrets
import sys
import threading
import time
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
from avail import device_alerts, intervals, wait_state  # noqa: E402
from daemon import Daemon, device_section, minimal_config  # noqa: E402
from daemon import free_port  # noqa: E402
from xtest import (contains, eq, le, not_contains, ok,  # noqa: E402
                   poll, require_root, run, teardown, test)

MSG = "mất điện thôn Đoài, UPS hết pin"



def hb_device(key, name):
    return device_section(key, name, address=None, group="Thôn Đoài",
                          probes="heartbeat", interval="2s", timeout="1s",
                          heartbeat_grace="2s", fail_threshold="2",
                          success_threshold="1")


_shared = {}


def shared():
    require_root()
    d = _shared.get("d")
    if d is not None and d.alive():
        return d
    if d is not None:
        d.close()
    port = free_port()
    text = minimal_config([hb_device("hb-01", "Nhà văn hóa thôn Đoài"),
                           hb_device("hb-02", "Trạm y tế")],
                          log_level="debug")
    text = text.replace("[web]\nenabled = no\n",
                        "[web]\nenabled = yes\nlisten = 127.0.0.1\n"
                        "port = %d\n" % port)
    d = Daemon(text, prefix="xtest-hb-")
    d.port = port
    d.tokens = {}
    _shared["d"] = d
    d.start()
    d.wait_ready()
    d.wait_log("web: dashboard on http://127.0.0.1:%d/" % port)
    return d


@teardown
def _close_shared():
    if "d" in _shared:
        _shared.pop("d").close()


def token_of(d, key):
    if key not in d.tokens:
        r = d.ctl("--json", "heartbeat", "token", key)
        eq(r.returncode, 0, "xanetctl heartbeat token %s: %s" % (key,
                                                                r.stderr))
        tok = json.loads(r.stdout)["token"]
        eq(len(tok), 43, "token length")
        d.tokens[key] = tok
    return d.tokens[key]


class Resp:
    def __init__(self, r, body):
        self.status = r.status
        self.headers = r.getheaders()
        self.body = body.decode("utf-8", "replace")

    def header(self, name):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None


def beat(d, token, params=None, method="GET", body=None, src="127.0.0.1",
         headers=None):
    path = "/hb/" + token
    if params:
        path += "?" + urllib.parse.urlencode(params)
    h = dict(headers or {})
    if isinstance(body, dict):
        body = urllib.parse.urlencode(body)
        h.setdefault("Content-Type", "application/x-www-form-urlencoded")
    c = http.client.HTTPConnection("127.0.0.1", d.port, timeout=10,
                                   source_address=(src, 0))
    try:
        c.request(method, path, body=body, headers=h)
        r = c.getresponse()
        return Resp(r, r.read())
    finally:
        c.close()


class Beater:
    """Heartbeats every 1.1 s in a thread until stopped (the endpoint
    takes one a second per device)."""

    def __init__(self, d, token, params=None, method="GET", body=None):
        self.stop_ev = threading.Event()
        self.codes = []
        self.errors = []

        def loop():
            while not self.stop_ev.is_set():
                try:
                    self.codes.append(beat(d, token, params, method,
                                           body).status)
                except OSError as e:
                    self.errors.append(repr(e))
                self.stop_ev.wait(1.1)
        self.thread = threading.Thread(target=loop, daemon=True)
        self.thread.start()

    def stop(self):
        self.stop_ev.set()
        self.thread.join(15)


def open_interval(d, key):
    rows = [r for r in intervals(d, key) if r["end_ms"] is None]
    return rows[-1] if rows else None


# --- the state machine -------------------------------------------------------

@test
def silent_device_goes_down_timeout(t):
    d = shared()
    # No user exists: the heartbeat endpoint does not need one.
    eq(d.query("SELECT count(*) AS n FROM web_user")[0]["n"], 0,
       "no dashboard user")
    token_of(d, "hb-01")
    # Window 4 s (monitor cause), then 2 failed 2-s rounds: ~8 s.
    wait_state(d, "hb-01", "down", 40, "silent heartbeat device")
    iv = open_interval(d, "hb-01")
    eq(iv["cause"], "timeout", "a silent device is down by timeout")


@test
def heartbeats_bring_it_up(t):
    d = shared()
    tok = token_of(d, "hb-01")
    b = Beater(d, tok)
    t.defer(b.stop)
    wait_state(d, "hb-01", "up", 30, "heartbeats every second")
    b.stop()
    ok(b.codes.count(200) >= 1, "heartbeats answered 200: %r" % b.codes)
    eq(b.errors, [], "no connection errors")
    le(len([c for c in b.codes if c not in (200, 429)]), 0,
       "only 200 (or 429 when two came within a second): %r" % b.codes)
    r = beat(d, tok)
    if r.status == 429:
        time.sleep(1.1)
        r = beat(d, tok)
    eq((r.status, r.body), (200, "ok\n"), "a heartbeat is answered ok")
    eq(r.header("Content-Type"), "text/plain; charset=utf-8", "type")


@test
def status_fail_reports_down_with_message(t):
    d = shared()
    tok = token_of(d, "hb-01")
    # POST with a urlencoded body; the message has a line break and a
    # tab that must not reach the alert log (a one-line format).
    b = Beater(d, tok, method="POST",
               body={"status": "fail", "msg": MSG + "\r\n\tinjected"})
    t.defer(b.stop)
    wait_state(d, "hb-01", "down", 30, "status=fail heartbeats")
    b.stop()
    eq(open_interval(d, "hb-01")["cause"], "reported",
       "down because the device said so (answers %r)" % b.codes)
    downs = poll(lambda: [a for a in device_alerts(d, "hb-01", ("down",))
                          if MSG in a["line"]], timeout=10,
                 what="a down alert with the device's message")
    line = downs[-1]["line"]
    contains(line, MSG + "injected", "message, control characters removed")
    rows = d.query("SELECT a.details FROM alert a JOIN device v ON "
                   "v.id = a.device_id WHERE v.key = 'hb-01' AND "
                   "a.event = 'down' ORDER BY a.id DESC LIMIT 1")
    contains(rows[0]["details"], MSG, "message in the alert row")
    # In a query string other control characters are removed too; in a
    # body the form parser refuses them (web/form.h): 400.
    time.sleep(1.1)
    r = beat(d, tok, params={"status": "fail", "msg": "a\x07\x1b[2Jb"})
    eq(r.status, 200, "query string with control characters")
    r = beat(d, tok, method="POST", body="status=fail&msg=a%00b")
    eq(r.status, 400, "a body with an encoded NUL")
    time.sleep(1.1)
    # GET with query parameters brings it back.
    b = Beater(d, tok, params={"status": "ok"})
    t.defer(b.stop)
    wait_state(d, "hb-01", "up", 30, "status=ok heartbeats (GET)")
    b.stop()


# --- the request ---------------------------------------------------------------

@test
def get_and_post_both_work(t):
    d = shared()
    tok = token_of(d, "hb-02")
    r = beat(d, tok)
    eq((r.status, r.body), (200, "ok\n"), "GET /hb/TOKEN")
    time.sleep(1.1)
    r = beat(d, tok, method="POST", body={"status": "ok", "msg": "chào"})
    eq((r.status, r.body), (200, "ok\n"), "POST /hb/TOKEN with a body")
    time.sleep(1.1)
    r = beat(d, tok, method="POST", body="")
    eq(r.status, 200, "POST with no body")
    time.sleep(1.1)
    r = beat(d, tok, params={"status": "maybe"})
    eq(r.status, 400, "status other than ok|fail")
    contains(r.body, "ok or fail", "says why")
    # Percent-encoded bytes that are not UTF-8:
    c = http.client.HTTPConnection("127.0.0.1", d.port, timeout=10)
    c.request("GET", "/hb/%s?msg=%%ff%%fe" % tok)
    r2 = c.getresponse()
    r2.read()
    c.close()
    eq(r2.status, 400, "a message that is not UTF-8")
    # The device is known to the loop: the heartbeat arrived.
    st = [x for x in d.status().get("devices", []) if x.get("key") ==
          "hb-02"]
    ok(st, "hb-02 in status")


@test
def known_device_limited_to_one_a_second(t):
    d = shared()
    tok = token_of(d, "hb-02")
    time.sleep(1.1)
    first = beat(d, tok)
    second = beat(d, tok)
    eq(first.status, 200, "first heartbeat")
    eq(second.status, 429, "a second one within the second")
    eq(second.header("Retry-After"), "1", "Retry-After")
    time.sleep(1.1)
    eq(beat(d, tok).status, 200, "a second later it is taken again")


@test
def unknown_tokens_404_then_429(t):
    d = shared()
    src = "127.0.0.77"
    codes = []
    for i in range(10):
        guess = secrets.token_urlsafe(32)[:43]
        if i == 3:
            guess = "short"
        if i == 4:
            guess = "..%2f..%2fetc%2fpasswd"
        codes.append(beat(d, guess, src=src).status)
    eq(codes, [404] * 10, "ten unknown tokens: 404 each")
    r = beat(d, secrets.token_urlsafe(32)[:43], src=src)
    eq(r.status, 429, "the eleventh within a minute")
    ra = r.header("Retry-After")
    ok(ra is not None and ra.isdigit() and 1 <= int(ra) <= 10,
       "Retry-After in seconds: %r" % ra)
    # While the address is limited, even a real token waits: a guesser
    # learns nothing from it.
    r = beat(d, token_of(d, "hb-02"), src=src)
    eq(r.status, 429, "the limited address cannot look tokens up")
    # Other addresses are not affected.
    time.sleep(1.1)
    eq(beat(d, token_of(d, "hb-02"), src="127.0.0.1").status, 200,
       "another address still works")
    # Forty guesses at once do not answer 404 forty times.
    n404 = sum(beat(d, secrets.token_urlsafe(32)[:43],
                    src="127.0.0.78").status == 404 for _ in range(40))
    le(n404, 11, "404s out of 40 fast guesses from one address")


@test
def new_token_replaces_old(t):
    d = shared()
    old = token_of(d, "hb-02")
    d.tokens.pop("hb-02")
    new = token_of(d, "hb-02")
    ok(new != old, "a new token")
    time.sleep(1.1)
    eq(beat(d, old, src="127.0.0.79").status, 404, "the old one is gone")
    eq(beat(d, new, src="127.0.0.79").status, 200, "the new one works")


@test
def token_never_logged(t):
    d = shared()
    ok(d.tokens, "tokens were used")
    text = d.stderr_text()
    contains(text, "heartbeat from device hb-01", "heartbeats are logged "
             "by device key")
    alerts = "\n".join(d.alerts())
    for key, tok in d.tokens.items():
        not_contains(text, tok, "token of %s in xanetd's log" % key)
        not_contains(alerts, tok, "token of %s in alerts.log" % key)
    not_contains(text, "/hb/", "no heartbeat path in the log")
    rows = d.query("SELECT details FROM alert")
    for row in rows:
        for tok in d.tokens.values():
            not_contains(row["details"], tok, "token in an alert row")


run()
