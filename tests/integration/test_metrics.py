#!/usr/bin/env python3
# test_metrics.py - /metrics over real HTTP on loopback: families and values, label escaping, promtool, who may read it, a real Prometheus scraping it.
#
# One xanetd (web on a free 127.0.0.1 port) watches three devices on
# 127.0.0.1: one up (ICMP), one down (TCP to a closed port) and one with
# the XSS name, quotes and a backslash in its name and group. The access
# rules are changed by rewriting the config and reloading (SIGHUP), as an
# officer would. A real Prometheus (Debian `prometheus`) started by the
# test scrapes it every second and is asked for a device's up series.
import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
from daemon import (VERSION, Daemon, device_section,  # noqa: E402
                    free_port, minimal_config)
from xtest import (between, contains, eq, fail, ge, gt, le, lt,  # noqa: E402
                   not_contains, ok, poll, require_root, run, skip,
                   teardown, test)

XSS = "<script>alert(1)</script>"
QUOTED = 'Trạm "Đông" \\ số 1'
GROUP = 'Thôn "Tây"'
TOKEN = "xanet-scrape-0123456789abcdef"
PASSWORD = "mật khẩu rất dài 2026"



def config_text(port, web_extra=""):
    devs = [
        device_section("ap-up", "Nhà văn hóa thôn Đông", address="127.0.0.1",
                       group="Thôn Đông", probes="icmp", interval="1s",
                       timeout="500ms", icmp_count="2",
                       icmp_spacing="100ms"),
        device_section("ap-down", "Nhà văn hóa thôn Bắc", address="127.0.0.1",
                       group="Thôn Bắc", probes="tcp:1", interval="1s",
                       timeout="500ms"),
        device_section("ap-xss", XSS, address="127.0.0.1", group=GROUP,
                       probes="icmp", interval="1s", timeout="500ms",
                       icmp_count="2", icmp_spacing="100ms"),
        device_section("ap-quote", QUOTED, kind="switch",
                       address="127.0.0.1", probes="icmp", interval="1s",
                       timeout="500ms", icmp_count="2",
                       icmp_spacing="100ms"),
    ]
    text = minimal_config(devs)
    return text.replace(
        "[web]\nenabled = no\n",
        "[web]\nenabled = yes\nlisten = 127.0.0.1\nport = %d\n%s" %
        (port, web_extra))


_shared = {}


def shared():
    require_root()
    d = _shared.get("d")
    if d is not None and d.alive():
        return d
    if d is not None:
        d.close()
    port = free_port()
    d = Daemon(config_text(port), prefix="xtest-metrics-")
    d.port = port
    _shared["d"] = d
    d.start()
    d.wait_ready()
    d.wait_log("web: dashboard on http://127.0.0.1:%d/" % port)
    return d


@teardown
def _close_shared():
    if "d" in _shared:
        _shared.pop("d").close()


def get(d, path="/metrics", headers=None, src="127.0.0.1"):
    c = http.client.HTTPConnection("127.0.0.1", d.port, timeout=10,
                                   source_address=(src, 0))
    try:
        c.request("GET", path, headers=headers or {})
        r = c.getresponse()
        return r.status, r.getheader("Content-Type"), \
            r.read().decode("utf-8")
    finally:
        c.close()


# name{labels} value -> {(name, frozenset(labels.items())): value}
SAMPLE_RE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$')
LABEL_RE = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


def unescape(v):
    return re.sub(r'\\(.)', lambda m: "\n" if m.group(1) == "n"
                  else m.group(1), v)


def parse(text):
    out = {}
    for line in text.splitlines():
        if line.startswith("#") or not line:
            continue
        m = SAMPLE_RE.match(line)
        ok(m is not None, "sample line parses: %r" % line)
        labels = {k: unescape(v) for k, v in LABEL_RE.findall(m.group(3) or "")}
        out[(m.group(1), frozenset(labels.items()))] = float(m.group(4))
    return out


def series(samples, metric, **labels):
    """The value of the one series METRIC whose labels include LABELS."""
    found = [v for (n, ls), v in samples.items()
             if n == metric and set(labels.items()) <= set(ls)]
    return found[0] if len(found) == 1 else None


def wait_states(d):
    """Until ap-up, ap-xss and ap-quote are up and ap-down is down."""
    want = {"ap-up": "up", "ap-down": "down", "ap-xss": "up",
            "ap-quote": "up"}

    def states():
        rows = d.query("SELECT d.key, si.state FROM device d JOIN "
                       "state_interval si ON si.device_id = d.id "
                       "AND si.end_ms IS NULL")
        got = {r["key"]: r["state"] for r in rows}
        return got if all(got.get(k) == v for k, v in want.items()) \
            else None
    poll(states, timeout=30, interval=0.5, what="device states")


def reload_with(d, web_extra):
    d.write_config(config_text(d.port, web_extra))
    rep = d.control_json(b"reload\n")
    eq(rep.get("ok"), True, "reload: %r" % rep)


@test
def families_and_values(t):
    d = shared()
    wait_states(d)
    # No dashboard user exists: /metrics does not need one.
    eq(d.query("SELECT COUNT(*) AS n FROM web_user")[0]["n"], 0, "no user")
    # Let a few rounds and a health tick pass with the states settled.
    time.sleep(2.5)
    status, ctype, body = get(d)
    eq(status, 200, "GET /metrics from 127.0.0.1")
    contains(ctype or "", "text/plain; version=0.0.4", "Content-Type")
    s = parse(body)
    eq(series(s, "xanet_build_info", version=VERSION), 1.0, "build info")
    eq(series(s, "xanet_device_up", device="ap-up",
              name="Nhà văn hóa thôn Đông", group="Thôn Đông",
              kind="wifi-ap"), 1.0, "ap-up is up, with its labels")
    eq(series(s, "xanet_device_up", device="ap-down"), 0.0, "ap-down: 0")
    for key, state in (("ap-up", "up"), ("ap-down", "down")):
        for st in ("up", "down", "unreachable", "maintenance", "unknown"):
            eq(series(s, "xanet_device_state", device=key, state=st),
               1.0 if st == state else 0.0, "%s state=%s" % (key, st))
    rtt = series(s, "xanet_device_rtt_seconds", device="ap-up")
    ok(rtt is not None, "ap-up has an RTT")
    between(rtt, 0.0, 0.1, "loopback RTT in seconds")
    eq(series(s, "xanet_device_rtt_seconds", device="ap-down"), None,
       "a failed round has no RTT series")
    eq(series(s, "xanet_device_loss_ratio", device="ap-up"), 0.0,
       "no loss on loopback")
    eq(series(s, "xanet_device_loss_ratio", device="ap-down"), 1.0,
       "all lost to a closed port")
    # The counters agree with the database's intervals.
    rows = d.query("SELECT COALESCE(SUM(COALESCE(end_ms, "
                   "CAST(strftime('%s','now') AS INTEGER) * 1000) "
                   "- start_ms), 0) AS ms FROM state_interval si JOIN "
                   "device d ON d.id = si.device_id WHERE d.key = 'ap-up' "
                   "AND si.state = 'up'")
    up_s = series(s, "xanet_device_up_seconds_total", device="ap-up")
    gt(up_s, 0.5, "ap-up has up time")
    le(abs(up_s - rows[0]["ms"] / 1000.0), 3.0,
       "up seconds match the intervals (%r)" % rows)
    gt(series(s, "xanet_device_down_seconds_total", device="ap-down"), 0.0,
       "ap-down has down time")
    eq(series(s, "xanet_device_down_seconds_total", device="ap-up"), 0.0,
       "ap-up was never down")
    # LAN hosts: the sampler is off here, so all zero but present.
    for st in ("unknown", "approved", "blocked"):
        eq(series(s, "xanet_lan_hosts", status=st), 0.0, "lan hosts %s" % st)
    # The daemon's own health.
    eq(series(s, "xanet_probes"), 4.0, "four probes configured")
    between(series(s, "xanet_probes_per_second"), 1.0, 10.0,
            "about four rounds a second")
    ge(series(s, "xanet_probe_rounds_total"), 8.0, "rounds so far")
    between(series(s, "xanet_probes_in_flight"), 0.0, 4.0, "in flight")
    eq(series(s, "xanet_inbox_depth"), 0.0, "inbox empty")
    eq(series(s, "xanet_inbox_capacity"), 1024.0, "inbox capacity")
    ge(series(s, "xanet_db_commits_total"), 1.0, "commits")
    eq(series(s, "xanet_db_failed_commits_total"), 0.0, "no failed commit")
    between(series(s, "xanet_db_commit_max_seconds"), 0.0, 5.0, "commit max")
    eq(series(s, "xanet_pcap_drops_total"), 0.0, "no capture, no drops")
    eq(series(s, "xanet_outbox_pending"), 0.0, "nothing to push")
    start = series(s, "xanet_start_time_seconds")
    between(time.time() - start, 0.0, 120.0, "start time is this run's")
    between(time.time() - series(s, "xanet_health_updated_seconds"),
            -1.0, 5.0, "health published within the last seconds")
    # Every family has HELP and TYPE once, before its samples.
    names = set(n for n, _ in s)
    for n in names:
        eq(body.count("# TYPE %s " % n), 1, "one TYPE for %s" % n)
        eq(body.count("# HELP %s " % n), 1, "one HELP for %s" % n)


@test
def up_time_follows_the_intervals(t):
    d = shared()
    wait_states(d)

    def up_ms(key):
        return d.query(
            "SELECT COALESCE(SUM(COALESCE(si.end_ms, CAST((julianday('now')"
            " - 2440587.5) * 86400000 AS INTEGER)) - si.start_ms), 0) AS ms"
            " FROM state_interval si JOIN device d ON d.id = si.device_id "
            "WHERE d.key = ? AND si.state = 'up'", (key,))[0]["ms"] / 1e3

    s1 = parse(get(d)[2])
    a = series(s1, "xanet_device_up_seconds_total", device="ap-xss")
    time.sleep(2)
    s2 = parse(get(d)[2])
    b = series(s2, "xanet_device_up_seconds_total", device="ap-xss")
    between(b - a, 1.0, 4.0, "an open up interval grows with time")
    le(abs(b - up_ms("ap-xss")), 1.0, "and matches the database")
    # Maintenance closes the up interval: the counter stops there.
    r = d.ctl("maintenance", "start", "ap-xss", "--for", "10m")
    eq(r.returncode, 0, "maintenance start: %s%s" % (r.stdout, r.stderr))
    t.defer(d.ctl, "maintenance", "stop", "ap-xss")

    def in_maint():
        s = parse(get(d)[2])
        return s if series(s, "xanet_device_state", device="ap-xss",
                           state="maintenance") == 1.0 else None
    s3 = poll(in_maint, timeout=15, interval=0.5, what="ap-xss maintenance")
    eq(series(s3, "xanet_device_up", device="ap-xss"), None,
       "no up series in maintenance")
    c = series(s3, "xanet_device_up_seconds_total", device="ap-xss")
    le(abs(c - up_ms("ap-xss")), 1.0, "closed up time as in the database")
    time.sleep(2)
    s4 = parse(get(d)[2])
    eq(series(s4, "xanet_device_up_seconds_total", device="ap-xss"), c,
       "the counter holds while the device is in maintenance")
    r = d.ctl("maintenance", "stop", "ap-xss")
    eq(r.returncode, 0, "maintenance stop: %s%s" % (r.stdout, r.stderr))

    def back_up():
        s = parse(get(d)[2])
        return s if series(s, "xanet_device_up", device="ap-xss") == 1.0 \
            else None
    s5 = poll(back_up, timeout=20, interval=0.5, what="ap-xss up again")
    ge(series(s5, "xanet_device_up_seconds_total", device="ap-xss"), c,
       "the counter goes on from where it stopped")
    le(abs(series(s5, "xanet_device_up_seconds_total", device="ap-xss") -
           up_ms("ap-xss")), 1.0, "and still matches the database")


@test
def label_escaping(t):
    d = shared()
    wait_states(d)
    status, _, body = get(d)
    eq(status, 200, "GET /metrics")
    # Quotes and backslashes escaped per the text format, nothing else.
    contains(body, 'name="Trạm \\"Đông\\" \\\\ số 1"',
             "quotes and backslash escaped in a name")
    contains(body, 'name="<script>alert(1)</script>",group="Thôn \\"Tây\\""',
             "XSS name as plain text (not HTML-escaped), group escaped")
    s = parse(body)
    eq(series(s, "xanet_device_up", device="ap-quote", name=QUOTED,
              kind="switch"), 1.0, "the escaped name round-trips")
    eq(series(s, "xanet_device_up", device="ap-xss", name=XSS,
              group=GROUP), 1.0, "XSS device by its exact name")


@test
def promtool_check(t):
    d = shared()
    wait_states(d)
    promtool = shutil.which("promtool")
    if promtool is None:
        fail("promtool not installed (Debian package prometheus)")
    status, _, body = get(d)
    eq(status, 200, "GET /metrics")
    r = subprocess.run([promtool, "check", "metrics"], input=body.encode(),
                       capture_output=True, timeout=60)
    eq((r.returncode, r.stdout.decode() + r.stderr.decode()), (0, ""),
       "promtool check metrics passes, with no lint complaint")
    # And it can fail: a broken exposition is refused.
    bad = body.replace("# TYPE xanet_device_up gauge",
                       "# TYPE xanet_device_up gauge\n"
                       "# TYPE xanet_device_up counter")
    r = subprocess.run([promtool, "check", "metrics"], input=bad.encode(),
                       capture_output=True, timeout=60)
    ok(r.returncode != 0, "promtool refuses a doubled TYPE line")


@test
def who_may_read(t):
    d = shared()
    try:
        # Only one address, then a network: loopback sources differ.
        reload_with(d, "metrics_allow = 127.0.0.2\n")
        eq(get(d)[0], 403, "127.0.0.1 is not listed")
        eq(get(d, src="127.0.0.2")[0], 200, "127.0.0.2 is listed")
        reload_with(d, "metrics_allow = 127.0.0.0/30\n")
        eq(get(d, src="127.0.0.3")[0], 200, "127.0.0.3 in 127.0.0.0/30")
        eq(get(d, src="127.0.0.4")[0], 403, "127.0.0.4 outside /30")
        # No network: the token alone opens it.
        reload_with(d, "metrics_allow =\nmetrics_token = %s\n" % TOKEN)
        status, _, body = get(d)
        eq(status, 403, "no token")
        not_contains(body, "xanet_device_up", "nothing leaks in a 403")
        eq(get(d, headers={"Authorization": "Bearer wrong"})[0], 403,
           "wrong token")
        eq(get(d, headers={"Authorization": "Bearer " + TOKEN[:-1]})[0],
           403, "a prefix of the token")
        eq(get(d, headers={"Authorization": "Bearer " + TOKEN + "x"})[0],
           403, "the token and more")
        eq(get(d, headers={"Authorization": "Basic " + TOKEN})[0], 403,
           "another scheme")
        status, _, body = get(d, headers={"Authorization": "Bearer " +
                                          TOKEN})
        eq(status, 200, "right token")
        contains(body, 'xanet_device_up{device="ap-up"', "metrics served")
        eq(get(d, headers={"Authorization": "bearer " + TOKEN})[0], 200,
           "the scheme is case-insensitive")
        # A dashboard session does not open it.
        r = d.user_add("canbo", "admin", PASSWORD)
        eq(r.returncode, 0, "user add: %s" % r.stderr)
        c = http.client.HTTPConnection("127.0.0.1", d.port, timeout=10)
        c.request("POST", "/login",
                  body=urllib.parse.urlencode({"user": "canbo",
                                               "password": PASSWORD}),
                  headers={"Content-Type":
                           "application/x-www-form-urlencoded"})
        r = c.getresponse()
        r.read()
        cookie = None
        for k, v in r.getheaders():
            m = re.match(r"(xanet_session=[^;]+)", v)
            if k.lower() == "set-cookie" and m:
                cookie = m.group(1)
        c.close()
        ok(cookie is not None, "logged in")
        eq(get(d, headers={"Cookie": cookie})[0], 403,
           "a session is not a scrape credential")
        not_contains(d.stderr_text(), TOKEN, "the token is never logged")
    finally:
        reload_with(d, "")
    eq(get(d)[0], 200, "the default (loopback) is back after a reload")


MT_OID = "1.3.6.1.4.1.14988.1"
MT_CLIENTS = "1.3.6.1.4.1.14988.1.1.1.3.1.6"


@test(timeout=120)
def snmp_families(t):
    require_root()
    from snmpd import (IF_ROOT, IFX_ROOT, Snmpd, iface, ifaces_values,
                       require_snmpd, value)
    require_snmpd()
    a = Snmpd(community="congdong", sysname="mt-thon-dong",
              sysdescr="RouterOS RB951", sysobjectid=MT_OID,
              pass_roots=[IF_ROOT, IFX_ROOT, MT_OID],
              prefix="xtest-metrics-snmpd-")
    t.defer(a.close)
    v = ifaces_values([iface(1, "ether1", in_rate=10e6 / 8, out_rate=250000,
                             in_base=5 * 10**9),
                       iface(2, 'wlan "1"', oper=2)])
    v[MT_CLIENTS + ".3"] = value("integer", 7)
    a.set_values(v)
    a.start()
    a.wait_ready()
    port = free_port()
    text = minimal_config(
        [device_section("mt", "Router thôn Đông", kind="router",
                        probes="snmp", snmp_port=a.port,
                        snmp_community="congdong", interval="2s",
                        timeout="1s")]).replace(
        "[web]\nenabled = no\n",
        "[web]\nenabled = yes\nlisten = 127.0.0.1\nport = %d\n" % port)
    d = Daemon(text, prefix="xtest-metrics-snmp-")
    t.defer(d.close)
    os.chmod(d.conf, 0o600)
    d.port = port
    d.start()
    d.wait_ready()
    d.wait_log("web: dashboard on http://127.0.0.1:%d/" % port)

    def scraped():
        status, _, body = get(d)
        if status != 200:
            return None
        s = parse(body)
        rate = series(s, "xanet_snmp_interface_bytes_per_second",
                      device="mt", interface="ether1", direction="in")
        return (s, body) if rate and series(
            s, "xanet_snmp_clients", device="mt") is not None else None
    s, body = poll(scraped, timeout=40, interval=1,
                   what="SNMP rates and clients in /metrics")
    between(series(s, "xanet_snmp_interface_bytes_per_second", device="mt",
                   interface="ether1", direction="in"), 9e6 / 8, 11e6 / 8,
            "ether1 in: 10 Mbit/s in bytes")
    between(series(s, "xanet_snmp_interface_bytes_per_second", device="mt",
                   interface="ether1", direction="out"), 1.8e6 / 8, 2.2e6 / 8,
            "ether1 out: 2 Mbit/s in bytes")
    eq(series(s, "xanet_snmp_interface_oper_up", device="mt",
              interface="ether1"), 1.0, "ether1 oper up")
    eq(series(s, "xanet_snmp_interface_oper_up", device="mt",
              interface='wlan "1"'), 0.0, "the quoted interface is down")
    contains(body, 'interface="wlan \\"1\\""', "interface name escaped")
    eq(series(s, "xanet_snmp_clients", device="mt", instance="3"), 7.0,
       "MikroTik clients on interface 3")
    ge(series(s, "xanet_snmp_polls_total"), 2.0, "SNMP polls counted")
    eq(series(s, "xanet_snmp_sessions"), 1.0, "one SNMP session")
    r = subprocess.run(["promtool", "check", "metrics"], input=body.encode(),
                       capture_output=True, timeout=60)
    eq((r.returncode, r.stdout.decode() + r.stderr.decode()), (0, ""),
       "promtool check metrics with SNMP families")


@test(timeout=150)
def prometheus_scrapes(t):
    d = shared()
    wait_states(d)
    prom = shutil.which("prometheus")
    if prom is None:
        fail("prometheus not installed (Debian package prometheus)")
    tmp = tempfile.mkdtemp(prefix="xtest-prom-")
    t.defer(shutil.rmtree, tmp, ignore_errors=True)
    port = free_port()
    with open(os.path.join(tmp, "prometheus.yml"), "w") as f:
        f.write("global:\n"
                "  scrape_interval: 1s\n"
                "  scrape_timeout: 1s\n"
                "  evaluation_interval: 1s\n"
                "scrape_configs:\n"
                "  - job_name: xanet\n"
                "    metrics_path: /metrics\n"
                "    static_configs:\n"
                "      - targets: ['127.0.0.1:%d']\n" % d.port)
    log = open(os.path.join(tmp, "prometheus.log"), "w")
    p = subprocess.Popen(
        [prom, "--config.file=" + os.path.join(tmp, "prometheus.yml"),
         "--storage.tsdb.path=" + os.path.join(tmp, "data"),
         "--web.listen-address=127.0.0.1:%d" % port],
        stdout=log, stderr=subprocess.STDOUT)

    def stop():
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
            try:
                p.wait(20)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        log.close()
    t.defer(stop)

    def query(q):
        url = "http://127.0.0.1:%d/api/v1/query?%s" % (
            port, urllib.parse.urlencode({"query": q}))
        try:
            with urllib.request.urlopen(url, timeout=5) as r:
                return json.loads(r.read().decode())
        except (OSError, ValueError):
            return None

    def value(q):
        ok(p.poll() is None, "prometheus is running")
        rep = query(q)
        if not rep or rep.get("status") != "success":
            return None
        res = rep["data"]["result"]
        return res[0]["value"][1] if len(res) == 1 else None

    try:
        eq(poll(lambda: value('xanet_device_up{device="ap-up"}'),
                timeout=60, interval=1, what="ap-up scraped"), "1",
           "Prometheus has ap-up = 1")
        eq(poll(lambda: value('xanet_device_up{device="ap-down"}'),
                timeout=20, interval=1, what="ap-down scraped"), "0",
           "Prometheus has ap-down = 0")
        eq(value('up{job="xanet"}'), "1", "the scrape target is healthy")
        # The escaped label round-trips through a real parser.
        eq(value('xanet_device_up{name=%s}' % json.dumps(QUOTED, ensure_ascii=False)), "1",
           "the quoted name as Prometheus stored it")
        rep = query('xanet_device_up{device="ap-xss"}')
        eq(rep["data"]["result"][0]["metric"]["name"], XSS,
           "the XSS name as a plain label value")
    except AssertionError:
        with open(os.path.join(tmp, "prometheus.log")) as f:
            t.note(f.read()[-3000:])
        raise


if __name__ == "__main__":
    run()
