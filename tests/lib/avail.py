# avail.py - reading availability evidence back from a running xanetd: alert lines, intervals, samples, status.
#
#     a = parse_alert(line)           # {"time", "ts", "severity", "event",
#                                     #  "key", "name", "details", "line"}
#     device_alerts(d, "ap1")         # parsed alert-log lines of a device
#     intervals(d, "ap1")             # state_interval rows, oldest first
#     samples(d, "ap1", "icmp")       # sample rows, oldest first
#     wait_state(d, "ap1", "down", 10)
#     parse_duration("1m02s") -> 62.0 (seconds)
import datetime
import json
import re
import time

from xtest import fail

__all__ = [
    "ALERT_RE", "parse_alert", "parse_iso", "parse_duration",
    "device_alerts", "alert_lines", "intervals", "samples", "device_id",
    "status_devices", "status_device", "wait_state", "wait_alert",
    "open_state",
    "local_tz", "iso_local", "fmt_ms", "describe",
]

ALERT_RE = re.compile(
    r'^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[+-]\d{2}:\d{2}|Z)) '
    r'(emerg|alert|crit|error|err|warning|notice|info|debug) (\S+) (\S+) '
    r'"((?:[^"\\]|\\.)*)"(?: (.*))?$')
DETAIL_RE = re.compile(r'([A-Za-z_][\w.-]*)=("(?:[^"\\]|\\.)*"|\S*)')


def local_tz():
    """The site's zone in these tests: Asia/Ho_Chi_Minh, UTC+7 all year."""
    return datetime.timezone(datetime.timedelta(hours=7))


def parse_iso(text):
    """Seconds since the epoch for an ISO 8601 time with an offset."""
    try:
        t = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        fail("not an ISO 8601 time: %r" % text)
    if t.tzinfo is None:
        fail("ISO time without an offset: %r" % text)
    return t.timestamp()


def iso_local(ts):
    return datetime.datetime.fromtimestamp(ts, local_tz()).isoformat(
        timespec="seconds")


def fmt_ms(ms):
    if ms is None:
        return "open"
    return datetime.datetime.fromtimestamp(ms / 1000.0, local_tz()).strftime(
        "%H:%M:%S.%f")[:-3]


_DUR_PART = re.compile(r"(\d+(?:\.\d+)?)(ms|d|h|m|s)")


def parse_duration(text):
    """Seconds (float) for a duration as the daemon writes it: "8s",
    "1m02s", "1h30m", "500ms", "8.2s", "00:01:02", "PT1M2S" or a bare
    number of seconds."""
    s = text.strip().strip('"')
    if re.fullmatch(r"\d+(\.\d+)?", s):
        return float(s)
    m = re.fullmatch(r"(?:(\d+)d)?(\d+):(\d{2}):(\d{2}(?:\.\d+)?)", s)
    if m:
        d, h, mi, se = m.groups()
        return int(d or 0) * 86400 + int(h) * 3600 + int(mi) * 60 + \
            float(se)
    m = re.fullmatch(r"P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?"
                     r"(?:(\d+(?:\.\d+)?)S)?)?", s, re.I)
    if m and s.upper() != "P":
        d, h, mi, se = m.groups()
        return (int(d or 0) * 86400 + int(h or 0) * 3600 +
                int(mi or 0) * 60 + float(se or 0))
    pos, total = 0, 0.0
    unit = {"d": 86400, "h": 3600, "m": 60, "s": 1, "ms": 0.001}
    for m in _DUR_PART.finditer(s):
        if m.start() != pos:
            break
        total += float(m.group(1)) * unit[m.group(2)]
        pos = m.end()
    if pos == len(s) and pos > 0:
        return total
    fail("not a duration: %r" % text)


def _unquote(v):
    if len(v) >= 2 and v[0] == '"' and v[-1] == '"':
        return re.sub(r'\\(.)', r'\1', v[1:-1])
    return v


def parse_alert(line):
    m = ALERT_RE.match(line)
    if not m:
        fail("alert log line does not have the format "
             "'TIME SEVERITY EVENT KEY \"NAME\" DETAILS': %r" % line)
    when, sev, event, key, name, details = m.groups()
    kv = {}
    for dm in DETAIL_RE.finditer(details or ""):
        kv[dm.group(1)] = _unquote(dm.group(2))
    return {"time": when, "ts": parse_iso(when), "severity": sev,
            "event": event, "key": key, "name": name, "details": kv,
            "line": line}


def alert_lines(d):
    """Every alert-log line of daemon D, parsed."""
    return [parse_alert(x) for x in d.alerts() if x.strip()]


def device_alerts(d, key, events=None):
    """Parsed alert-log lines of device KEY (only EVENTS if given)."""
    out = []
    for a in alert_lines(d):
        if a["key"] == key and (events is None or a["event"] in events):
            out.append(a)
    return out


def device_id(d, key):
    rows = d.query("SELECT id FROM device WHERE key = ?", (key,))
    if not rows:
        fail("no device %r in the database" % key)
    return rows[0]["id"]


def intervals(d, key):
    """KEY's state_interval rows, oldest first (end_ms None: open)."""
    return d.query(
        "SELECT si.state, si.start_ms, si.end_ms, si.cause FROM "
        "state_interval si JOIN device dv ON dv.id = si.device_id "
        "WHERE dv.key = ? ORDER BY si.start_ms, si.id", (key,))


def samples(d, key, kind=None, since_ms=None):
    sql = ("SELECT s.* FROM sample s JOIN device dv ON dv.id = s.device_id "
           "WHERE dv.key = ?")
    args = [key]
    if kind is not None:
        sql += " AND s.kind = ?"
        args.append(kind)
    if since_ms is not None:
        sql += " AND s.ts_ms >= ?"
        args.append(since_ms)
    return d.query(sql + " ORDER BY s.ts_ms, s.id", tuple(args))


def describe(rows):
    """Intervals as one readable line each, for failure messages."""
    out = []
    for r in rows:
        dur = "" if r["end_ms"] is None else " (%.1f s)" % (
            (r["end_ms"] - r["start_ms"]) / 1000.0)
        out.append("%s %s..%s%s cause=%s" % (
            r["state"], fmt_ms(r["start_ms"]), fmt_ms(r["end_ms"]), dur,
            r.get("cause")))
    return "\n".join(out)


def status_devices(d):
    """{key: device} from the control socket's status reply."""
    st = d.status()
    devs = st.get("devices")
    if not isinstance(devs, list):
        fail("status reply has no device list: %s" %
             json.dumps(st)[:2000])
    return {x.get("key"): x for x in devs}


def status_device(d, key):
    devs = status_devices(d)
    if key not in devs:
        fail("device %r not in status: %r" % (key, sorted(devs)))
    return devs[key]


def open_state(d, key):
    """The state of KEY's open interval in the database, or None."""
    rows = d.query(
        "SELECT si.state FROM state_interval si JOIN device dv ON "
        "dv.id = si.device_id WHERE dv.key = ? AND si.end_ms IS NULL "
        "ORDER BY si.start_ms DESC, si.id DESC LIMIT 1", (key,))
    return rows[0]["state"] if rows else None


def wait_state(d, key, state, timeout, what=None):
    """Poll until KEY is in STATE both in the status reply and in the
    database (whose writes are batched); the device's status."""
    deadline = time.monotonic() + timeout
    last = None
    while True:
        if not d.alive():
            fail("xanetd died while waiting for %s to be %s\n%s" %
                 (key, state, d.log_tail()))
        try:
            last = status_device(d, key)
        except (OSError, ValueError) as e:
            last = repr(e)
        if isinstance(last, dict) and last.get("state") == state and \
                open_state(d, key) == state:
            return last
        if time.monotonic() > deadline:
            try:
                rows = describe(intervals(d, key))
            except Exception as e:  # noqa: BLE001 - diagnostics only
                rows = repr(e)
            fail("%s: %s not %s within %.1f s; status %r\nintervals:\n%s" %
                 (what or "state", key, state, timeout, last, rows))
        time.sleep(0.1)


def wait_alert(d, key, event, timeout, count=1):
    """Poll the alert log until KEY has COUNT lines of EVENT; them."""
    deadline = time.monotonic() + timeout
    while True:
        got = device_alerts(d, key, (event,))
        if len(got) >= count:
            return got
        if time.monotonic() > deadline:
            fail("no %s alert for %s within %.1f s; its lines:\n%s" %
                 (event, key, timeout,
                  "\n".join(a["line"] for a in device_alerts(d, key))))
        time.sleep(0.1)
