#!/usr/bin/env python3
# test_control.py - xanetd's control socket: commands, replies, bad clients.
import datetime
import os
import random
import re
import select
import socket
import stat
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
from daemon import (Daemon, VERSION, device_section, line_of,  # noqa: E402
                    minimal_config, read_all)
from xtest import (between, eq, fail, ge, is_json_line, le,  # noqa
                   ok, poll, run, test, teardown)

PONG = {"ok": True, "pong": True}
HEX64 = re.compile(r"^[0-9a-f]{64}$")

DEVICES = [
    device_section("gw-01", "Tường lửa UBND xã", kind="firewall",
                   address="127.0.0.1", group="Văn phòng"),
    device_section("sw-01", "Switch tầng 2", kind="switch",
                   address="127.0.0.2", group="Văn phòng", parent="gw-01"),
    device_section("ap-01", "Nhà văn hóa thôn Đông", kind="wifi-ap",
                   address="127.0.0.3", group="Thôn Đông", parent="sw-01"),
]

# One daemon serves the read-only cases; the ones that reload or stop it
# start their own.
_shared = {}


def shared():
    d = _shared.get("d")
    if d is None or not d.alive():
        if d is not None:
            d.close()
        d = Daemon(minimal_config(DEVICES))
        _shared["d"] = d
        d.start()
        d.wait_ready()
    return d


@teardown
def _close_shared():
    if "d" in _shared:
        _shared.pop("d").close()


def own(t, config=None):
    d = Daemon(config or minimal_config(DEVICES))
    t.defer(d.close)
    d.start()
    d.wait_ready()
    return d


def reply(d, request, what=None):
    data = d.control(request)
    return is_json_line(data, what or "reply to %r" % request[:60])


def still_pongs(d, what):
    ok(d.alive(), "xanetd alive %s\n%s" % (what, d.log_tail()))
    eq(reply(d, b"ping\n"), PONG, "ping %s" % what)


# --- commands ------------------------------------------------------------

@test
def socket_mode_0660(t):
    d = shared()
    st = os.lstat(d.sock_path)
    ok(stat.S_ISSOCK(st.st_mode), "%s is a socket" % d.sock_path)
    eq(oct(stat.S_IMODE(st.st_mode)), oct(0o660), "control socket mode")


@test
def ping(t):
    d = shared()
    eq(reply(d, b"ping\n"), PONG, "reply to ping")


@test
def one_line_answered_then_closed(t):
    d = shared()
    # A second line in the same write is not a second request.
    data = d.control(b"ping\nping\n")
    eq(is_json_line(data, "reply to two lines"), PONG, "reply")


@test
def status_object(t):
    d = shared()
    t0 = time.time()
    st = reply(d, b"status\n")
    eq(st.get("ok"), True, "status ok: %r" % st)
    eq(st.get("pid"), d.pid, "status pid")
    eq(st.get("version"), VERSION, "status version")
    runs = d.query("SELECT id, config_hash FROM monitor_run "
                   "WHERE stop_ms IS NULL")
    eq(len(runs), 1, "open monitor_run rows")
    eq(st.get("run_id"), runs[0]["id"], "status run_id is the open run")
    try:
        started = datetime.datetime.fromisoformat(st.get("started"))
    except (TypeError, ValueError):
        fail("status started is not an ISO time: %r" % st.get("started"))
    ok(started.tzinfo is not None, "status started has an offset: %r" %
       st.get("started"))
    between(started.timestamp(), d.started_wall - 2, t0 + 2,
            "status started (as a timestamp)")
    ok(isinstance(st.get("uptime_s"), (int, float)),
       "status uptime_s is a number: %r" % st.get("uptime_s"))
    between(st["uptime_s"], 0, time.monotonic() - d.started_at + 2,
            "status uptime_s")
    eq(st.get("config"), d.conf, "status config")
    ok(HEX64.match(str(st.get("config_hash"))),
       "status config_hash is 64 hex: %r" % st.get("config_hash"))
    eq(st["config_hash"], runs[0]["config_hash"],
       "status config_hash = monitor_run.config_hash")
    eq(st.get("database"), d.db_path, "status database")
    ok(isinstance(st.get("writer"), dict), "status writer is an object: %r" %
       st.get("writer"))
    devs = st.get("devices")
    ok(isinstance(devs, list), "status devices is a list: %r" % devs)
    by_key = {x.get("key"): x for x in devs}
    eq(sorted(by_key), ["ap-01", "gw-01", "sw-01"], "status device keys")
    for x in devs:
        for field in ("key", "name", "kind", "group", "address", "parent",
                      "probes"):
            ok(field in x, "status device %r has %r" % (x.get("key"), field))
    ap = by_key["ap-01"]
    eq((ap["name"], ap["kind"], ap["group"], ap["address"], ap["parent"]),
       ("Nhà văn hóa thôn Đông", "wifi-ap", "Thôn Đông", "127.0.0.3",
        "sw-01"), "status device ap-01")
    gw = by_key["gw-01"]
    eq((gw["name"], gw["kind"], gw["group"], gw["address"]),
       ("Tường lửa UBND xã", "firewall", "Văn phòng", "127.0.0.1"),
       "status device gw-01")
    ok(gw["parent"] in (None, ""), "gw-01 has no parent: %r" % gw["parent"])


@test
def unknown_command(t):
    d = shared()
    eq(reply(d, b"xyz\n"), {"ok": False, "error": "unknown command 'xyz'"},
       "reply to xyz")


@test
def request_too_long_without_newline(t):
    d = shared()
    eq(reply(d, b"a" * 300), {"ok": False, "error": "request too long"},
       "reply to 300 bytes without a newline")
    still_pongs(d, "after a long request")


@test
def line_length_boundary(t):
    d = shared()
    r = reply(d, b"a" * 255 + b"\n")
    eq(r.get("ok"), False, "reply to a 256-byte line (incl. newline)")
    ok(str(r.get("error", "")).startswith("unknown command"),
       "a 256-byte line is within the limit, so it is an unknown command, "
       "not too long: %r" % r)
    eq(reply(d, b"a" * 256 + b"\n"),
       {"ok": False, "error": "request too long"},
       "reply to a 257-byte line")
    # Huge and still sending: it must answer and not read forever.
    s = d.connect()
    try:
        s.setblocking(False)
        sent = 0
        deadline = time.monotonic() + 10
        data = b""
        while time.monotonic() < deadline:
            try:
                sent += s.send(b"b" * 4096)
            except BlockingIOError:
                pass
            except (BrokenPipeError, ConnectionResetError):
                break
            r, _, _ = select.select([s], [], [], 0.01)
            if r:
                try:
                    chunk = s.recv(4096)
                except ConnectionResetError:
                    break
                if not chunk:
                    break
                data += chunk
            if sent > 16 * 1024 * 1024:
                break
        le(sent, 16 * 1024 * 1024, "bytes it kept reading without "
           "answering")
        if data:
            eq(is_json_line(data, "reply to a flood"),
               {"ok": False, "error": "request too long"},
               "reply to a flood")
    finally:
        s.close()
    still_pongs(d, "after long requests")


@test
def bad_bytes(t):
    d = shared()
    for req in (b"pi\x00ng\n", b"\x00\n", b"\xff\xfe\n", b"ping\xc3\n",
                b"\xed\xa0\x80\n", b"\n"):
        r = reply(d, req)
        eq(r.get("ok"), False, "ok in the reply to %r" % req)
        ok(isinstance(r.get("error"), str) and r["error"],
           "reply to %r has an error message: %r" % (req, r))
    still_pongs(d, "after bad bytes")


@test
def random_garbage(t):
    d = shared()
    rng = random.Random(20261122)
    for n in range(60):
        size = rng.choice([1, 2, 5, 20, 100, 255, 256, 257, 600])
        req = bytes(rng.randrange(256) for _ in range(size))
        req = req.replace(b"\n", b"")
        line = rng.random() < 0.7
        if line:
            req += b"\n"
        what = "garbage %d %r%s" % (n, req[:40], "" if line else
                                    " (no newline, then EOF)")
        try:
            # Without a newline the request ends at our EOF: an error
            # reply or just closing are both fine, unless it is too long.
            data = d.control(req, timeout=10, shut=not line)
        except ConnectionRefusedError:
            fail("control socket refused connection %d" % n)
        if not line and len(req) > 256:
            eq(is_json_line(data, "reply to " + what),
               {"ok": False, "error": "request too long"},
               "reply to " + what)
        elif line or data:
            r = is_json_line(data, "reply to " + what)
            eq(r.get("ok"), False, "ok in the reply to " + what)
    still_pongs(d, "after 60 garbage requests")


@test(timeout=60)
def silent_client_dropped(t):
    d = shared()
    silent = d.connect()
    t.defer(silent.close)
    partial = d.connect()
    t.defer(partial.close)
    partial.sendall(b"pi")
    t0 = time.monotonic()
    # Others are served while these two sit there.
    for _ in range(3):
        t1 = time.monotonic()
        eq(reply(d, b"ping\n"), PONG, "ping while a silent client waits")
        le(time.monotonic() - t1, 2.0, "seconds to answer ping while a "
           "silent client waits")
    for s, what in ((silent, "silent client"), (partial, "client that sent "
                                                 "'pi' and stopped")):
        data = read_all(s, 8)
        took = time.monotonic() - t0
        t.note("%s dropped after %.2f s (got %r)" % (what, took, data))
        le(took, 5.0 + 1.0, "seconds until the %s is dropped (<= 5 s)" %
           what)
        if data:
            eq(is_json_line(data, "reply to the %s" % what).get("ok"), False,
               "a reply to the %s, if any, is an error" % what)
    still_pongs(d, "after dropping silent clients")


def fd_count(pid):
    return len(os.listdir("/proc/%d/fd" % pid))


@test(timeout=90)
def two_hundred_concurrent_clients(t):
    d = shared()
    base_fds = fd_count(d.pid)
    socks, refused, why = [], 0, ""
    for _ in range(200):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.setblocking(False)
        try:
            s.connect(d.sock_path)
            socks.append(s)
        except (BlockingIOError, ConnectionRefusedError) as e:
            refused += 1
            why = e.strerror
            s.close()
    t.defer(lambda: [s.close() for s in socks])
    for s in socks:
        try:
            s.send(b"ping\n")
        except (BrokenPipeError, ConnectionResetError, BlockingIOError):
            pass
    pending = {s: b"" for s in socks}
    answered, dropped, busy, busy_msg = 0, 0, 0, None
    deadline = time.monotonic() + 30
    while pending and time.monotonic() < deadline:
        r, _, _ = select.select(list(pending), [], [], 0.5)
        for s in r:
            try:
                chunk = s.recv(4096)
            except ConnectionResetError:
                chunk = b""
            if chunk:
                pending[s] += chunk
                continue
            data = pending.pop(s)
            if data:
                got = is_json_line(data, "reply to a concurrent ping")
                if got == PONG:
                    answered += 1
                else:
                    eq(got.get("ok"), False, "a reply that is not a pong "
                       "is a clean refusal: %r" % got)
                    busy += 1
                    busy_msg = got.get("error")
            else:
                dropped += 1
    t.note("200 clients: %d answered, %d refused at connect (%s), %d "
           "refused with an error reply (%s), %d closed without a reply" %
           (answered, refused, why or "-", busy, busy_msg or "-", dropped))
    eq(len(pending), 0, "clients neither answered nor closed after 30 s")
    ge(answered, 1, "concurrent clients answered")
    eq(answered + refused + busy + dropped, 200,
       "every client accounted for")
    for s in socks:
        s.close()
    socks.clear()
    still_pongs(d, "after 200 concurrent clients")
    poll(lambda: fd_count(d.pid) <= base_fds + 2, 10, 0.2,
         "xanetd's open fds back to about %d (now %d)" %
         (base_fds, fd_count(d.pid)))


# --- commands that change the daemon -------------------------------------

@test
def reload_command(t):
    d = own(t)
    before = reply(d, b"status\n")
    new = minimal_config(DEVICES + [device_section("ap-02", "Nhà văn hóa "
                                                   "thôn Bắc")])
    mark = d.notify_mark()
    d.write_config(new)
    eq(reply(d, b"reload\n"), {"ok": True}, "reply to reload")
    i = d.wait_notify("RELOADING=1", 10, mark)
    d.wait_notify("READY=1", 10, i + 1)

    def synced():
        return d.query("SELECT name FROM device WHERE key = 'ap-02' AND "
                       "retired_ms IS NULL")
    eq(poll(synced, 5, 0.1, "ap-02 in the device table after reload"),
       [{"name": "Nhà văn hóa thôn Bắc"}], "ap-02 row")
    after = reply(d, b"status\n")
    ok(after["config_hash"] != before["config_hash"],
       "config_hash changed after reload")


@test
def reload_command_bad_config(t):
    d = own(t)
    before = reply(d, b"status\n")
    bad = minimal_config(DEVICES, extra="[defaults]\nintervall = 60\n")
    d.write_config(bad)
    n = line_of(d.config_text, "intervall")
    r = reply(d, b"reload\n")
    eq(r.get("ok"), False, "ok in the reply to reload of a bad config: %r" %
       r)
    ok(str(r.get("error", "")).startswith("%s:%d: unknown key 'intervall'" %
                                          (d.conf, n)),
       "reload error names FILE:LINE and the problem: %r" % r)
    time.sleep(0.5)
    still_pongs(d, "after a failed reload")
    eq(reply(d, b"status\n")["config_hash"], before["config_hash"],
       "config_hash after a failed reload")


@test
def stop_command(t):
    d = own(t)
    mark = d.notify_mark()
    eq(reply(d, b"stop\n"), {"ok": True}, "reply to stop")
    eq(d.wait_exit(2.0), 0, "exit status after stop")
    d.wait_notify("STOPPING=1", 2, mark)
    runs = d.query("SELECT * FROM monitor_run")
    eq([(r["stop_ms"] is not None, r["stop_reason"]) for r in runs],
       [(True, "control")], "monitor_run after stop")
    lines = d.alerts()
    ok(lines and "monitor-stopped" in lines[-1] and
       lines[-1].endswith("reason=control"),
       "last alert line is monitor-stopped reason=control: %r" %
       lines[-1:])


run()
