#!/usr/bin/env python3
# test_report.py - xanetctl report: data.json and the CSVs against figures computed by hand from a fixture database.
#
# The fixture is a real database: xanetd starts once with a config of a
# few devices on 127.0.0.x and indicators (that makes the schema, the
# device rows and the signing key) and stops; then the test writes
# state_interval, monitor_run, lan_capture, host, sample_hour and alert
# rows with sqlite3 for a quarter whose figures are computed here by hand.
# Hash columns get zero blobs except the newest, whose hash is the chain
# head the report must name. Times are Asia/Ho_Chi_Minh (UTC+7).
import csv
import datetime
import io
import json
import math
import os
import signal
import sqlite3
import sys
import tempfile
import shutil
import zipfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
from daemon import Daemon, device_section, minimal_config  # noqa: E402
from xtest import (contains, eq, fail, ok, run, shared_fixture,  # noqa: E402
                   test)

TZ = datetime.timezone(datetime.timedelta(hours=7))
ZERO = b"\0" * 32
HEAD = bytes(range(32))  # the newest state_interval's hash
S, M, H, D = 1000, 60000, 3600000, 86400000


def L(y, mo, d, h=0, mi=0):
    """UTC ms of a local (UTC+7) time."""
    return int(datetime.datetime(y, mo, d, h, mi, tzinfo=TZ).timestamp()
               * 1000)


def local(ms):
    """The CSV's local time: '2026-07-01 00:00:00 +07:00'."""
    return datetime.datetime.fromtimestamp(ms // 1000, TZ).strftime(
        "%Y-%m-%d %H:%M:%S +07:00")


def trunc4(pct):
    return "%.4f" % (math.floor(pct * 1e4 + 1e-6) / 1e4)


def show(r):
    return "exit %s\nstdout:\n%s\nstderr:\n%s" % (r.returncode, r.stdout,
                                                  r.stderr)


def close(a, b, what, tol=1e-9):
    if a is None or b is None or abs(a - b) > tol:
        fail("%s: expected %r, got %r" % (what, b, a))


QS, QE = L(2026, 7, 1), L(2026, 10, 1)
QPART = QE - QS  # 92 days


def day(y, mo, d):
    """Index of a local day in 2026Q3."""
    return (L(y, mo, d) - QS) // D


AP2_NAME = 'Nhà văn hóa thôn "Bắc", xóm 2'
AP2_GROUP = "Thôn Bắc, Tây"
DEVICES = [
    # key, name, kind, group, extra
    ("ap-01", "Nhà văn hóa thôn Đông", "wifi-ap", "Thôn Đông", {}),
    ("ap-02", AP2_NAME, "wifi-ap", AP2_GROUP, {}),
    ("rt-01", "Router VNPT", "router", "Văn phòng", {"isp": "VNPT-123"}),
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
target = 99.9
[indicator lan]
title = Mạng LAN được giám sát
metric = lan-coverage
target = 40
[indicator internet]
title = Chất lượng Internet giờ cao điểm
metric = uplink-quality
scope = router
target = 75
loss_max = 2
rtt_max = 150ms
peak_hours = 8-17
[indicator av]
title = Máy tính có phần mềm diệt virus
metric = av-coverage
scope = pc
target = 100
"""

E = {}  # expected figures, by hand


def build(s):
    secs = [device_section(k, n, kind, address="127.0.0.%d" % i,
                           group=g, **x)
            for i, (k, n, kind, g, x) in enumerate(DEVICES, 1)]
    d = Daemon(minimal_config(secs, extra=INDICATORS),
               prefix="xtest-report-")
    s.closers.append(d.close)
    d.start()
    d.wait_ready()
    d.signal(signal.SIGTERM)
    eq(d.wait_exit(10), 0, "xanetd exit status after SIGTERM")
    s.d = d
    db = sqlite3.connect(d.db_path, timeout=10)
    s.closers.append(db.close)
    ids = {k: i for k, i in db.execute("SELECT key, id FROM device")}
    for t in ("state_interval", "alert", "maintenance", "monitor_run",
              "lan_capture", "sample_hour", "host_traffic_hour", "host"):
        db.execute("DELETE FROM " + t)
    db.execute("UPDATE device SET added_ms = ?", (L(2026, 5, 1),))
    # ap-02 is added mid-quarter.
    db.execute("UPDATE device SET added_ms = ?, name = ? WHERE key = "
               "'ap-02'", (L(2026, 8, 15), AP2_NAME))

    def iv(key, rows):
        for start, end, state, *cause in rows:
            db.execute(
                "INSERT INTO state_interval (device_id, state, start_ms, "
                "end_ms, cause, prev_hash, hash) VALUES (?,?,?,?,?,?,?)",
                (ids[key], state, start, end, cause[0] if cause else None,
                 ZERO, ZERO))

    # ap-01: an outage across the quarter's start (2 h inside), an
    # outage interrupted by maintenance, monitor downtime (1 h unknown
    # in the gap between two monitor runs), an outage across the
    # quarter's end (1 h inside, still going on when it ended).
    iv("ap-01", [
        (L(2026, 6, 1), L(2026, 6, 30, 22), "up"),
        (L(2026, 6, 30, 22), L(2026, 7, 1, 2), "down", "timeout"),
        (L(2026, 7, 1, 2), L(2026, 8, 1), "up"),
        (L(2026, 8, 1), L(2026, 8, 1, 0, 30), "down", "timeout"),
        (L(2026, 8, 1, 0, 30), L(2026, 8, 1, 1), "maintenance", "manual"),
        (L(2026, 8, 1, 1), L(2026, 8, 1, 1, 20), "down", "http-status"),
        (L(2026, 8, 1, 1, 20), L(2026, 9, 10, 6), "up"),
        (L(2026, 9, 10, 6), L(2026, 9, 10, 7), "unknown",
         "monitor-stopped"),
        (L(2026, 9, 10, 7), L(2026, 9, 30, 23), "up"),
        (L(2026, 9, 30, 23), L(2026, 10, 1, 1), "down", "timeout"),
        (L(2026, 10, 1, 1), L(2026, 10, 5), "up"),
    ])
    down = 2 * H + 30 * M + 20 * M + 1 * H
    E["ap-01"] = dict(part=QPART, down=down, maint=30 * M, unknown=H,
                      unreach=0, outages=4, longest=2 * H, from_ms=QS,
                      to_ms=QE)
    E["ap-01"]["outage_list"] = [
        (QS, L(2026, 7, 1, 2), "timeout", False),
        (L(2026, 8, 1), L(2026, 8, 1, 0, 30), "timeout", False),
        (L(2026, 8, 1, 1), L(2026, 8, 1, 1, 20), "http-status", False),
        (L(2026, 9, 30, 23), QE, "timeout", True),
    ]
    # Per local day: (index, uptime %, coverage %).
    E["ap-01"]["days"] = [
        (0, 100.0 * 22 / 24, 100.0),
        (1, 100.0, 100.0),
        (day(2026, 8, 1), 100.0 * (1440 - 80) / (1440 - 30), 100.0),
        (day(2026, 9, 10), 100.0, 100.0 * 23 / 24),
        (91, 100.0 * 23 / 24, 100.0),
    ]
    # ap-02: added 15 August; 5 min unknown first; an outage across
    # local midnight 20/21 August: 30 min on the 20th, 45 on the 21st.
    iv("ap-02", [
        (L(2026, 8, 15), L(2026, 8, 15, 0, 5), "unknown", "starting"),
        (L(2026, 8, 15, 0, 5), L(2026, 8, 20, 23, 30), "up"),
        (L(2026, 8, 20, 23, 30), L(2026, 8, 21, 0, 45), "down",
         "link-down"),
        (L(2026, 8, 21, 0, 45), L(2026, 10, 5), "up"),
    ])
    part = QE - L(2026, 8, 15)
    E["ap-02"] = dict(part=part, down=75 * M, maint=0, unknown=5 * M,
                      unreach=0, outages=1, longest=75 * M,
                      from_ms=L(2026, 8, 15), to_ms=QE)
    E["ap-02"]["outage_list"] = [
        (L(2026, 8, 20, 23, 30), L(2026, 8, 21, 0, 45), "link-down",
         False)]
    E["ap-02"]["days"] = [
        (0, None, None), (day(2026, 8, 14), None, None),
        (day(2026, 8, 15), 100.0, 100.0 * 1435 / 1440),
        (day(2026, 8, 20), 100.0 * 1410 / 1440, 100.0),
        (day(2026, 8, 21), 100.0 * 1395 / 1440, 100.0),
    ]
    iv("rt-01", [(L(2026, 6, 1), L(2026, 10, 5), "up")])
    E["rt-01"] = dict(part=QPART, down=0, maint=0, unknown=0, unreach=0,
                      outages=0, longest=0, from_ms=QS, to_ms=QE,
                      outage_list=[], days=[(0, 100.0, 100.0)])
    for e in E.values():
        e["up"] = e["part"] - e["down"] - e["maint"] - e["unknown"] - \
            e["unreach"]
        e["uptime"] = 100.0 * e["up"] / (e["up"] + e["down"])
        e["coverage"] = 100.0 * (e["part"] - e["unknown"]) / e["part"]
    # The newest interval's hash is the chain head.
    db.execute("UPDATE state_interval SET hash = ? WHERE id = "
               "(SELECT max(id) FROM state_interval)", (HEAD,))

    # The monitor: stopped 10 Sep 06:00 - 07:00 (the 1 h of unknown).
    for start, alive, stop in ((L(2026, 6, 1), L(2026, 9, 10, 6),
                                L(2026, 9, 10, 6)),
                               (L(2026, 9, 10, 7), L(2026, 10, 5),
                                L(2026, 10, 5))):
        db.execute("INSERT INTO monitor_run (start_ms, last_alive_ms, "
                   "stop_ms, stop_reason, version, config_hash) VALUES "
                   "(?,?,?,'stop','0.1','x')", (start, alive, stop))
    E["monitor_coverage"] = 100.0 * (QPART - H) / QPART
    # The LAN sampler ran 46 of 92 days: 50%.
    db.execute("INSERT INTO lan_capture (iface, start_ms, last_alive_ms, "
               "stop_ms) VALUES ('eth0', ?, ?, ?)",
               (L(2026, 7, 1), L(2026, 8, 16), L(2026, 8, 16)))
    E["lan_coverage"] = 50.0
    for mac, name, first, last in (
            ("aa:bb:cc:00:00:01", "Máy kế toán, tầng 2", L(2026, 7, 2),
             L(2026, 8, 10)),
            ("aa:bb:cc:00:00:02", 'PC "chủ tịch"', L(2026, 6, 1),
             L(2026, 7, 20)),
            ("aa:bb:cc:00:00:03", "old", L(2026, 1, 1), L(2026, 2, 1))):
        cur = db.execute("INSERT INTO host (mac, ipv4, name, first_ms, "
                         "last_ms, status) VALUES (?, '192.0.2.10', ?, ?, "
                         "?, 'approved')", (mac, name, first, last))
        db.execute("INSERT INTO host_traffic_hour VALUES (?,?,?,?,1,1,0)",
                   (cur.lastrowid, L(2026, 7, 5, 10), 1000, 2000))
        db.execute("INSERT INTO host_traffic_hour VALUES (?,?,?,?,1,1,0)",
                   (cur.lastrowid, L(2026, 6, 5, 10), 5, 5))

    # rt-01's probes on 1 July: 9 peak hours (08-17 local), 7 good, one
    # lossy, one slow; off-peak hours are bad and must not count.
    sent_day = recv_day = rtt_sum = rtt_n = 0
    for h in range(24):
        sent, recv, rtt_ms = 120, 60, 20          # off peak: 50% loss
        if 8 <= h < 17:
            sent, recv = 120, 120
        if h == 9:
            recv = 110                            # 8.3% loss
        if h == 12:
            rtt_ms = 200                          # slow
        db.execute("INSERT INTO sample_hour VALUES (?, 'icmp', ?, ?, ?, ?,"
                   " ?, ?, ?, NULL, NULL)",
                   (ids["rt-01"], L(2026, 7, 1, h), sent // 3, recv // 3,
                    sent, recv, recv * rtt_ms * 1000, recv))
        sent_day += sent
        recv_day += recv
        rtt_sum += recv * rtt_ms * 1000
        rtt_n += recv
    E["uplink_day0"] = (100.0 * (1 - recv_day / sent_day),
                        rtt_sum / rtt_n / 1000)
    E["uplink_quality"] = 100.0 * 7 / 9

    # Alerts: two in the quarter (one with comma, quotes, Vietnamese),
    # one of ap-02, one before the quarter.
    for ts, sev, ev, key, det in (
            (L(2026, 7, 1, 0, 5), "error", "down", "ap-01",
             'mất 3/3, "ICMP" thôn Đông'),
            (L(2026, 8, 20, 23, 31), "error", "down", "ap-02", "link"),
            (L(2026, 6, 1), "notice", "up", "ap-01", "before")):
        db.execute("INSERT INTO alert (ts_ms, severity, event, device_id, "
                   "details, prev_hash, hash) VALUES (?,?,?,?,?,?,?)",
                   (ts, sev, ev, ids[key], det, ZERO, ZERO))
    db.commit()
    s.out = tempfile.mkdtemp(prefix="xtest-report-out-")
    s.closers.append(lambda: shutil.rmtree(s.out, ignore_errors=True))


fixture = shared_fixture(build, "the report fixture")


def report(s, name, *args):
    out = os.path.join(s.out, name)
    r = s.d.ctl("report", "--quarter", "2026Q3", "--out", out, *args)
    eq(r.returncode, 0, "xanetctl report %s\n%s" % (" ".join(args), show(r)))
    return out, r


def load_json(out):
    with open(os.path.join(out, "data.json"), encoding="utf-8") as f:
        return json.load(f)


def read_csv(out, name):
    with open(os.path.join(out, name), "rb") as f:
        raw = f.read()
    ok(raw.startswith(b"\xef\xbb\xbf"), name + " starts with a UTF-8 BOM")
    text = raw.decode("utf-8-sig")
    ok(text.endswith("\r\n"), name + " records end in CRLF")
    return raw, list(csv.reader(io.StringIO(text, newline="")))


@test
def report_files(t):
    s = fixture()
    out, r = report(s, "all")
    for name in ("data.json", "uptime.csv", "outages.csv", "alerts.csv",
                 "hosts.csv", "report.html"):
        ok(os.path.getsize(os.path.join(out, name)) > 0, name + " written")
        contains(r.stdout, os.path.join(out, name), "printed " + name)
    j = load_json(out)
    eq(j["schema_version"], 1, "schema_version")
    eq((j["period"]["from_ms"], j["period"]["to_ms"]), (QS, QE), "period")
    eq(j["period"]["from"], "2026-07-01T00:00:00+07:00", "period from")
    eq(j["site"]["name"], "Xã Thử Nghiệm", "site name")
    eq(j["lang"], "vi", "default language")
    eq(len(j["days"]), 92, "92 local days")
    eq(j["days"][0], "2026-07-01", "first day")
    eq(j["days"][91], "2026-09-30", "last day")
    eq(j["days_ms"][31], L(2026, 8, 1), "day 31 starts 1 August 00:00 +07")
    eq(j["chain_heads"]["state_interval"], HEAD.hex(), "chain head")
    eq(j["chain_heads"]["snapshot"], "", "no snapshot yet")
    ok(j["key_fingerprint"], "the signing key's fingerprint is printed")


@test
def report_devices_json(t):
    s = fixture()
    out, _ = report(s, "all")
    j = load_json(out)
    devs = {d["key"]: d for d in j["devices"]}
    eq([d["key"] for d in j["devices"]], ["ap-02", "ap-01", "rt-01"],
       "devices by group (Thôn Bắc, Tây < Thôn Đông < Văn phòng), key")
    for key in ("ap-01", "ap-02", "rt-01"):
        e = E[key]
        d = devs[key]
        for field, k in (("monitored_ms", "part"), ("up_ms", "up"),
                         ("down_ms", "down"), ("maintenance_ms", "maint"),
                         ("unknown_ms", "unknown"), ("outages", "outages"),
                         ("longest_outage_ms", "longest"),
                         ("from_ms", "from_ms"), ("to_ms", "to_ms")):
            eq(d[field], e[k], "%s %s" % (key, field))
        close(d["uptime_pct"], e["uptime"], key + " uptime_pct")
        close(d["coverage_pct"], e["coverage"], key + " coverage_pct")
        for i, up, cov in e["days"]:
            if up is None:
                eq(d["days_uptime_pct"][i], None, "%s day %d uptime" %
                   (key, i))
                eq(d["days_coverage_pct"][i], None, "%s day %d coverage"
                   % (key, i))
                continue
            close(d["days_uptime_pct"][i], up, "%s day %d uptime" %
                  (key, i))
            close(d["days_coverage_pct"][i], cov, "%s day %d coverage" %
                  (key, i))
        got = [(o["start_ms"], o["end_ms"], o["cause"], o["ongoing"])
               for o in j["outages"] if o["key"] == key]
        eq(got, e["outage_list"], key + " outages")
    eq(devs["ap-02"]["name"], AP2_NAME, "UTF-8 name with quotes")
    close(j["monitor"]["coverage_pct"], E["monitor_coverage"],
          "monitor coverage")
    close(j["monitor"]["lan_coverage_pct"], E["lan_coverage"],
          "LAN coverage")
    eq(j["monitor"]["lan"], True, "LAN data present")


@test
def report_uplink_and_indicators(t):
    s = fixture()
    out, _ = report(s, "all")
    j = load_json(out)
    eq([u["key"] for u in j["uplinks"]], ["rt-01"], "uplinks")
    u = j["uplinks"][0]
    # Rounded to 0.0001 % and 0.001 ms (the data's own precision).
    close(u["days_loss_pct"][0], E["uplink_day0"][0], "uplink day 0 loss",
          tol=5e-5)
    close(u["days_rtt_avg_ms"][0], E["uplink_day0"][1], "uplink day 0 rtt",
          tol=5e-4)
    eq(u["days_loss_pct"][1], None, "no samples on day 1")
    inds = {i["key"]: i for i in j["indicators"]}
    eq(sorted(inds), ["av", "internet", "lan", "wifi", "wifi-min"],
       "indicators")
    ap1, ap2 = E["ap-01"], E["ap-02"]
    wifi = 100.0 * (ap1["up"] + ap2["up"]) / (
        ap1["up"] + ap2["up"] + ap1["down"] + ap2["down"])
    close(inds["wifi"]["value"], wifi, "wifi uptime-group")
    eq(inds["wifi"]["verdict"], "met" if wifi >= 99.5 else "not-met",
       "wifi verdict")
    ok(wifi >= 99.5, "fixture: the wifi group meets 99.5%")
    worst = min(ap1["uptime"], ap2["uptime"])
    close(inds["wifi-min"]["value"], worst, "lowest device uptime")
    eq(inds["wifi-min"]["verdict"], "not-met", "wifi-min verdict")
    contains(inds["wifi-min"]["detail"],
             "ap-01" if ap1["uptime"] < ap2["uptime"] else "ap-02",
             "the lowest device is named")
    close(inds["lan"]["value"], 50.0, "lan-coverage value")
    eq(inds["lan"]["verdict"], "met", "lan verdict")
    close(inds["internet"]["value"], E["uplink_quality"], "uplink quality")
    eq(inds["internet"]["verdict"], "met", "internet verdict (7/9 >= 75)")
    contains(inds["internet"]["detail"], "7/9", "internet detail")
    eq(inds["av"]["value"], None, "av-coverage has no value")
    eq(inds["av"]["verdict"], "no-data", "av-coverage verdict")
    contains(inds["av"]["detail"], "diệt virus", "av detail says why")


@test
def report_uptime_csv(t):
    s = fixture()
    out, _ = report(s, "all")
    raw, rows = read_csv(out, "uptime.csv")
    contains(raw.decode("utf-8-sig"), '"Nhà văn hóa thôn ""Bắc"", xóm 2"',
             "quotes doubled, the field quoted")
    eq(rows[0][:3], ["Ngày", "Mã thiết bị", "Tên thiết bị"],
       "Vietnamese header")
    period = {r[1]: r for r in rows[1:] if r[0] == "Cả kỳ"}
    eq(sorted(period), ["ap-01", "ap-02", "rt-01"],
       "one whole-period row per device")
    for key in ("ap-01", "ap-02", "rt-01"):
        e = E[key]
        row = period[key]
        eq(row[5:7], [local(e["from_ms"]), local(e["to_ms"])],
           key + " part, local time with offset")
        eq(row[7:13], [str(e[k] // 1000) for k in
                       ("part", "up", "down", "unreach", "maint",
                        "unknown")], key + " durations (s)")
        eq(row[13:15], [trunc4(e["uptime"]), trunc4(e["coverage"])],
           key + " percentages")
        eq(row[15:17], [str(e["outages"]), str(e["longest"] // 1000)],
           key + " outages")
        days = {r[0]: r for r in rows[1:] if r[1] == key and r[0] != "Cả kỳ"}
        for i, up, cov in e["days"]:
            date = (datetime.datetime(2026, 7, 1) +
                    datetime.timedelta(days=i)).strftime("%Y-%m-%d")
            if up is None:
                ok(date not in days, "%s has no row for %s" % (key, date))
                continue
            eq(days[date][13:15], [trunc4(up), trunc4(cov)],
               "%s %s uptime, coverage" % (key, date))
    eq(period["ap-02"][2], AP2_NAME, "name round-trips")
    eq(period["ap-02"][4], AP2_GROUP, "group with a comma round-trips")
    eq(len([r for r in rows[1:] if r[1] == "ap-02"]),
       1 + (QE - L(2026, 8, 15)) // D, "ap-02: period row + its 47 days")


@test
def report_other_csvs(t):
    s = fixture()
    out, _ = report(s, "all")
    _, rows = read_csv(out, "outages.csv")
    got = [(r[0], r[3], r[4], r[5], r[6], r[8]) for r in rows[1:]]
    want = []
    for key in ("ap-02", "ap-01"):
        for st, en, cause, ongoing in E[key]["outage_list"]:
            want.append((key, local(st), local(en), str((en - st) // 1000),
                         cause, "Có" if ongoing else "Không"))
    eq(got, want, "outages.csv rows")
    eq(rows[1][7], "Cổng mạng bị ngắt", "cause in words")
    _, rows = read_csv(out, "alerts.csv")
    eq([(r[1], r[4], r[5]) for r in rows[1:]],
       [(local(L(2026, 7, 1, 0, 5)), "ap-01", 'mất 3/3, "ICMP" thôn Đông'),
        (local(L(2026, 8, 20, 23, 31)), "ap-02", "link")],
       "alerts in the quarter, details round-trip")
    _, rows = read_csv(out, "hosts.csv")
    eq([(r[0], r[2], r[8], r[9]) for r in rows[1:]],
       [("aa:bb:cc:00:00:01", "Máy kế toán, tầng 2", "1000", "2000"),
        ("aa:bb:cc:00:00:02", 'PC "chủ tịch"', "1000", "2000")],
       "hosts seen in the quarter, traffic of the quarter only")


@test
def report_filters_and_lang(t):
    s = fixture()
    out, _ = report(s, "grp", "--group", AP2_GROUP, "--lang", "en")
    j = load_json(out)
    eq([d["key"] for d in j["devices"]], ["ap-02"], "--group")
    eq(j["scope"]["group"], AP2_GROUP, "scope in data.json")
    eq([a["device"] for a in j["alerts"]], ["ap-02"], "--group alerts")
    eq(j["lang"], "en", "--lang en")
    _, rows = read_csv(out, "uptime.csv")
    eq(rows[0][:3], ["Day", "Device key", "Device name"], "English header")
    eq(rows[1][0], "Whole period", "English period row")
    _, rows = read_csv(out, "outages.csv")
    eq(rows[1][7:9], ["Link down", "No"], "English cause and ongoing")
    out, _ = report(s, "dev", "--device", "ap-01")
    j = load_json(out)
    eq([d["key"] for d in j["devices"]], ["ap-01"], "--device")
    eq({o["key"] for o in j["outages"]}, {"ap-01"}, "--device outages")
    r = s.d.ctl("report", "--quarter", "2026Q3", "--out",
                os.path.join(s.out, "none"), "--device", "nope")
    eq(r.returncode, 1, "unknown device\n" + show(r))
    contains(r.stderr, "nope", "the unknown device is named")
    for args in ((), ("--quarter", "2026Q5", "--out", s.out),
                 ("--quarter", "2026Q3"),
                 ("--quarter", "2026Q3", "--out", s.out, "--lang", "fr"),
                 ("--from", "2026-07-01", "--out", s.out)):
        r = s.d.ctl("report", *args)
        eq(r.returncode, 2, "usage error for %r\n%s" % (args, show(r)))


@test
def report_custom_period(t):
    s = fixture()
    out = os.path.join(s.out, "days")
    r = s.d.ctl("report", "--from", "2026-08-20", "--to", "2026-08-21",
                "--device", "ap-02", "--out", out)
    eq(r.returncode, 0, "report --from --to\n" + show(r))
    j = load_json(out)
    eq(j["days"], ["2026-08-20", "2026-08-21"], "two local days")
    d = j["devices"][0]
    eq(d["down_ms"], 75 * M, "the outage across midnight, whole")
    close(d["days_uptime_pct"][0], 100.0 * 1410 / 1440, "20 Aug")
    close(d["days_uptime_pct"][1], 100.0 * 1395 / 1440, "21 Aug")


@test
def report_pack(t):
    s = fixture()
    out, r = report(s, "pack", "--pack")
    path = os.path.join(out, "evidence-2026Q3.zip")
    ok(os.path.exists(path), "pack written\n" + show(r))
    with zipfile.ZipFile(path) as z:
        names = set(z.namelist())
        for name in ("data.json", "uptime.csv", "report.html",
                     "manifest.json", "manifest.sig"):
            ok(name in names, name + " in the pack")
        eq(z.read("data.json"), open(os.path.join(out, "data.json"),
                                     "rb").read(), "data.json in the pack")
    r = s.d.ctl("verify", path)
    eq(r.returncode, 0, "xanetctl verify of the pack\n" + show(r))


run()
