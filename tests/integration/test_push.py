#!/usr/bin/env python3
# test_push.py - snapshots and their push against real receivers on 127.0.0.1: retries, Retry-After, timeouts, restarts, quarantine, S3, SMTP, WebDAV.
#
# Each test starts its own xanetd (one device, ICMP to 127.0.0.1; the
# schedule off) and its own receivers, makes snapshots with `xanetctl
# snapshot now`, and checks what arrived against the snapshot rows and
# the pack files: every snapshot exactly once, bytes equal, the
# Idempotency-Key the snapshot's uid. Back-off is shortened to 1 s base,
# 4 s cap; a push attempt times out after 2 s.
import email
import email.header
import email.policy
import hashlib
import json
import mailbox
import os
import shutil
import signal
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
from daemon import Daemon, minimal_config  # noqa: E402
from daemon import free_port  # noqa: E402
from pushrecv import PushReceiver  # noqa: E402
from xtest import (contains, eq, fail, ge, le, not_contains, ok,  # noqa: E402
                   poll, require_root, run, skip, test)

TOKEN = "tok-Zq81-very-secret"
SECRET = "pw-Kx77-very-secret"
NPM_CACHE = "/var/cache/xanet-test/npm"

EVIDENCE = ("[evidence]\n"
            "retry_base = 1s\n"
            "retry_cap = 4s\n"
            "daily = off\n"
            "quarterly_day = 0\n")


def http_target(name, url, **extra):
    lines = ["[push %s]" % name, "type = http", "url = %s" % url,
             "token = %s" % TOKEN, "timeout = 2s"]
    lines += ["%s = %s" % kv for kv in extra.items()]
    return "\n".join(lines) + "\n"


def start_daemon(t, pushes, evidence=""):
    require_root()
    d = Daemon(minimal_config(extra=EVIDENCE + evidence + pushes))
    t.defer(d.close)
    d.start()
    d.wait_ready()
    return d


def snapshot(d, kind=None):
    args = ["snapshot", "now", "--json"]
    if kind:
        args += ["--kind", kind]
    r = d.ctl(*args, timeout=150)
    if r.returncode != 0:
        fail("xanetctl snapshot now: %d\n%s%s\nlog:\n%s" % (
            r.returncode, r.stdout, r.stderr, d.log_tail()))
    row = json.loads(r.stdout)
    with open(row["path"], "rb") as f:
        data = f.read()
    eq(hashlib.sha256(data).hexdigest(), row["sha256"],
       "pack file's SHA-256 vs the snapshot row")
    eq(len(data), row["size"], "pack size")
    row["data"] = data
    return row


def outbox(d):
    return d.query("SELECT o.*, s.uid FROM outbox o JOIN snapshot s "
                   "ON s.id = o.snapshot_id ORDER BY o.id")


def wait_states(d, want, timeout=60):
    """Wait until the outbox rows' states are WANT (a list, in id order)."""
    last = []

    def check():
        nonlocal last
        last = outbox(d)
        return [r["state"] for r in last] == want

    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            fail("outbox states: expected %s, got %s\nlog:\n%s" %
                 (want, [(r["target"], r["state"], r["attempts"],
                          r["last_error"]) for r in last], d.log_tail()))
        time.sleep(0.2)
    return last


def no_secrets(d):
    text = d.stderr_text() + "\n".join(d.alerts())
    rows = json.dumps(outbox(d))
    for s in (TOKEN, SECRET):
        not_contains(text, s, "xanetd's log and alert log")
        not_contains(rows, s, "outbox rows")



@test(timeout=180)
def http_outage_every_snapshot_once(t):
    recv = PushReceiver()
    t.defer(recv.close)
    recv.plan("/in", ["500"] * 4)
    d = start_daemon(t, http_target("so-ttt", recv.url("/in")))
    snaps = [snapshot(d), snapshot(d)]
    rows = wait_states(d, ["sent", "sent"], 90)
    oks = recv.ok("/in")
    eq(sorted(r.key for r in oks), sorted(s["uid"] for s in snaps),
       "Idempotency-Keys answered 200: one per snapshot, once each")
    eq(len([r for r in recv.under("/in") if r.action == "500"]), 4,
       "500s answered")
    eq(sum(r["attempts"] for r in rows), 6, "attempts over both items")
    by_uid = {s["uid"]: s for s in snaps}
    for r in oks:
        s = by_uid[r.key]
        eq(r.sha256, s["sha256"], "body SHA-256 vs snapshot.sha256")
        eq(r.length, len(s["data"]), "body length")
        eq(r.method, "POST", "method")
        eq(r.auth, "Bearer " + TOKEN, "Authorization")
        eq(r.content_type, "application/zip", "Content-Type")
    # Every failed try carried the same key as the success.
    for r in recv.under("/in"):
        ok(r.key in by_uid, "key %r is a snapshot uid" % r.key)
    no_secrets(d)


@test(timeout=120)
def retry_after_is_honoured(t):
    recv = PushReceiver()
    t.defer(recv.close)
    recv.plan("/in", ["429:3"])
    d = start_daemon(t, http_target("so", recv.url("/in"), method="PUT"))
    s = snapshot(d)
    wait_states(d, ["sent"], 60)
    reqs = recv.under("/in")
    eq([r.action for r in reqs], ["429:3", "200"], "answers")
    gap = reqs[1].t - reqs[0].t
    t.note("retry %.2f s after the 429" % gap)
    ge(gap, 2.95, "seconds between the 429 and the retry")
    le(gap, 15, "seconds between the 429 and the retry")
    eq(reqs[1].method, "PUT", "method")
    eq(reqs[1].key, s["uid"], "Idempotency-Key")
    eq(reqs[1].sha256, s["sha256"], "body")


@test(timeout=150)
def hang_and_drop_are_retried(t):
    recv = PushReceiver()
    t.defer(recv.close)
    recv.plan("/in", ["hang", "drop"])
    d = start_daemon(t, http_target("so", recv.url("/in")))
    s = snapshot(d)
    rows = wait_states(d, ["sent"], 90)
    reqs = recv.under("/in")
    eq([r.action for r in reqs], ["hang", "drop", "200"], "answers")
    gap = reqs[1].t - reqs[0].t
    t.note("hang -> next attempt %.2f s" % gap)
    # 2 s timeout, then a back-off of at most 1 s (base, attempt 1).
    ge(gap, 1.9, "the hung attempt lasted its timeout")
    le(gap, 10, "and was retried soon after")
    eq(rows[0]["attempts"], 3, "attempts")
    eq({r.key for r in reqs}, {s["uid"]}, "one key throughout")
    eq(len(recv.ok("/in")), 1, "delivered once")
    eq(recv.ok("/in")[0].sha256, s["sha256"], "body")


@test(timeout=200)
def restart_mid_outage_loses_nothing(t):
    port = free_port()
    d = start_daemon(t, http_target("so", "http://127.0.0.1:%d/in" % port))
    snaps = [snapshot(d), snapshot(d)]
    # Both fail at least once against the closed port.
    poll(lambda: all(r["attempts"] >= 1 and r["state"] == "pending"
                     for r in outbox(d)) and len(outbox(d)) == 2,
         30, what="both items tried and pending")
    d.signal(signal.SIGTERM)
    eq(d.wait_exit(30), 0, "xanetd exit status")
    rows = outbox(d)
    eq([r["state"] for r in rows], ["pending", "pending"], "after stop")
    recv = PushReceiver(port=port)
    t.defer(recv.close)
    d.start()
    d.wait_ready()
    wait_states(d, ["sent", "sent"], 90)
    eq(sorted(r.key for r in recv.ok("/in")),
       sorted(s["uid"] for s in snaps), "each snapshot arrived once")
    eq(len(recv.under("/in")), 2, "no duplicate deliveries")
    for r in recv.ok("/in"):
        eq(r.sha256, {s["uid"]: s["sha256"] for s in snaps}[r.key],
           "body")


@test(timeout=150)
def bad_request_quarantines_one_item(t):
    recv = PushReceiver()
    t.defer(recv.close)
    recv.default("/bad", "400")
    d = start_daemon(t, http_target("bad", recv.url("/bad")) +
                     http_target("good", recv.url("/good")))
    s = snapshot(d)
    rows = wait_states(d, ["quarantined", "sent"], 60)
    eq(rows[0]["target"], "bad", "quarantined target")
    eq(rows[0]["last_status"], 400, "last status")
    eq(rows[0]["attempts"], 1, "a 400 is not retried")
    eq(len(recv.ok("/good")), 1, "the other target got it")
    eq(recv.ok("/good")[0].sha256, s["sha256"], "body")
    line = poll(lambda: [x for x in d.alerts() if " push-quarantined " in x],
                10, what="push-quarantined in alerts.log")
    contains(line[0], "warning", "severity")
    contains(line[0], s["uid"], "alert names the snapshot")
    contains(line[0], "target=bad", "alert names the target")
    r = d.ctl("push", "status")
    eq(r.returncode, 0, "push status exit")
    contains(r.stdout, "quarantined", "push status")
    contains(r.stdout, "HTTP 400", "push status last error")
    j = json.loads(d.ctl("push", "status", "--json").stdout)
    eq(sorted((i["target"], i["state"]) for i in j["items"]),
       [("bad", "quarantined"), ("good", "sent")], "push status --json")
    eq(j["pending"], 0, "pending")
    # Nothing more was tried while quarantined.
    time.sleep(3)
    eq(len(recv.under("/bad")), 1, "requests to the bad target")
    recv.default("/bad", "200")
    r = d.ctl("push", "retry", str(rows[0]["id"]))
    eq(r.returncode, 0, "push retry exit: %s" % r.stderr)
    wait_states(d, ["sent", "sent"], 30)
    eq([x.key for x in recv.ok("/bad")], [s["uid"]], "delivered after retry")
    r = d.ctl("push", "retry", str(rows[0]["id"]))
    eq(r.returncode, 1, "retry of a sent item is refused")
    no_secrets(d)


@test(timeout=150)
def push_now_makes_items_due(t):
    port = free_port()
    d = start_daemon(t, http_target("so", "http://127.0.0.1:%d/in" % port))
    snapshot(d)
    poll(lambda: outbox(d) and outbox(d)[0]["attempts"] >= 1, 30,
         what="first attempt failed")
    recv = PushReceiver(port=port)
    t.defer(recv.close)
    r = d.ctl("push", "now")
    eq(r.returncode, 0, "push now exit: %s" % r.stderr)
    wait_states(d, ["sent"], 10)


@test(timeout=200)
def backlog_alerts_once_and_keeps_everything(t):
    port = free_port()
    # outbox_max is 10 (its minimum): the 11th pending item crosses it.
    d = start_daemon(t, http_target("so", "http://127.0.0.1:%d/in" % port),
                     evidence="outbox_max = 10\n")
    for _ in range(10):
        snapshot(d)
    time.sleep(1.5)
    eq([x for x in d.alerts() if " push-backlog " in x], [],
       "no backlog alert at 10 pending")
    snapshot(d)
    lines = poll(lambda: [x for x in d.alerts() if " push-backlog " in x],
                 45, what="push-backlog alert")
    contains(lines[0], "pending=11", "alert details")
    snapshot(d)
    time.sleep(2)
    eq(len([x for x in d.alerts() if " push-backlog " in x]), 1,
       "one alert per crossing")
    eq(len(outbox(d)), 12, "nothing dropped")
    recv = PushReceiver(port=port)
    t.defer(recv.close)
    eq(d.ctl("push", "now").returncode, 0, "push now")
    wait_states(d, ["sent"] * 12, 60)
    eq(len({r.key for r in recv.ok("/in")}), 12, "every snapshot arrived")
    eq(len(recv.ok("/in")), 12, "each once")
    d.wait_log("outbox back under its bound", 35)


@test(timeout=150)
def reload_follows_targets(t):
    recv = PushReceiver()
    t.defer(recv.close)
    d = start_daemon(t, http_target("a", recv.url("/a")))
    s1 = snapshot(d)
    wait_states(d, ["sent"], 30)
    d.write_config(d.config_text.replace("[push a]", "[push b]").replace(
        "/a\n", "/b\n"))
    mark = len(d.stderr_text())
    d.signal(signal.SIGHUP)
    d.wait_log("configuration reloaded", 10, since=mark)
    s2 = snapshot(d)
    rows = wait_states(d, ["sent", "sent"], 30)
    eq([(r["target"], r["uid"]) for r in rows],
       [("a", s1["uid"]), ("b", s2["uid"])], "targets per snapshot")
    eq([r.key for r in recv.ok("/a")], [s1["uid"]], "/a")
    eq([r.key for r in recv.ok("/b")], [s2["uid"]], "/b")


@test(timeout=120)
def failed_snapshot_is_an_alert(t):
    # The pack directory cannot exist (under /dev/null): no pack can be
    # written. Evidence that cannot be made must show in alerts.log, not
    # only in the daemon's log.
    d = start_daemon(t, "", evidence="pack_dir = /dev/null/packs\n")
    a = d.control_json("snapshot-now\n")
    eq(a.get("ok"), True, "snapshot-now accepted: %r" % a)
    poll(lambda: any("snapshot-failed" in x for x in d.alerts()), 60,
         what="a snapshot-failed alert")
    line = [x for x in d.alerts() if "snapshot-failed" in x][0]
    contains(line, "kind=manual", "which snapshot")
    eq(d.query("SELECT count(*) AS n FROM snapshot")[0]["n"], 0,
       "nothing recorded")
    # The row follows within the writer's next commit (a second).
    poll(lambda: d.query("SELECT count(*) AS n FROM alert WHERE event = "
                         "'snapshot-failed'")[0]["n"] == 1, 10,
         what="the alert as a row too")


def local_now():
    import datetime
    import zoneinfo
    return datetime.datetime.now(zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh"))


@test(timeout=150)
def daily_schedule_missed_time_made_once(t):
    import datetime
    now = local_now()
    if now.hour == 0 and now.minute < 5:
        skip("too close to local midnight for a daily time in the past")
    due = now - datetime.timedelta(minutes=2)
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    recv = PushReceiver()
    t.defer(recv.close)
    pushes = (http_target("daily", recv.url("/daily"), snapshots="daily") +
              http_target("manual", recv.url("/manual"),
                          snapshots="manual"))
    require_root()
    d = Daemon(minimal_config(extra=EVIDENCE.replace(
        "daily = off", "daily = %s" % due.strftime("%H:%M")) + pushes))
    t.defer(d.close)
    d.start()
    d.wait_ready()
    # The time has passed today and there is no daily snapshot: made.
    snaps = poll(lambda: d.query("SELECT * FROM snapshot"), 60,
                 what="the day's snapshot")
    eq(len(snaps), 1, "snapshots")
    eq(snaps[0]["kind"], "daily", "kind")
    eq(snaps[0]["period_from_ms"], int(midnight.timestamp() * 1000),
       "period starts at local midnight")
    le(snaps[0]["period_to_ms"], int(time.time() * 1000) + 1000,
       "period ends when it was made")
    rows = wait_states(d, ["sent"], 30)
    eq(rows[0]["target"], "daily", "only the daily target gets it")
    eq([r.key for r in recv.ok("/daily")], [snaps[0]["uid"]], "delivered")
    # A restart does not make it again.
    d.signal(signal.SIGTERM)
    eq(d.wait_exit(30), 0, "exit")
    mark = len(d.stderr_text())
    d.start()
    d.wait_ready()
    d.wait_log("started", 10, since=mark)
    time.sleep(3)
    eq(len(d.query("SELECT * FROM snapshot")), 1, "still one snapshot")
    eq(recv.under("/manual"), [], "nothing for the manual-only target")


def make_certs(t):
    """A test CA, a server certificate for 127.0.0.1 and a client one."""
    import tempfile
    d = tempfile.mkdtemp(prefix="xtest-certs-")
    t.defer(shutil.rmtree, d, True)
    os.chmod(d, 0o755)
    subprocess.run(["sh", os.path.join(os.path.dirname(
        os.path.abspath(__file__)), "..", "lib", "mkcerts.sh"), d],
        check=True, capture_output=True)
    with open(os.path.join(d, "client.cnf"), "w") as f:
        f.write("[leaf]\nbasicConstraints = CA:FALSE\nkeyUsage = critical,"
                "digitalSignature\nextendedKeyUsage = clientAuth\n")
    subprocess.run(["openssl", "req", "-new", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:prime256v1", "-nodes", "-keyout",
                    "client.key", "-out", "client.csr", "-subj",
                    "/CN=xa-thu-nghiem"], cwd=d, check=True,
                   capture_output=True)
    subprocess.run(["openssl", "x509", "-req", "-in", "client.csr", "-CA",
                    "ca.pem", "-CAkey", "ca.key", "-set_serial", "9",
                    "-days", "30", "-extfile", "client.cnf", "-extensions",
                    "leaf", "-out", "client.pem"], cwd=d, check=True,
                   capture_output=True)
    for f in os.listdir(d):
        os.chmod(os.path.join(d, f), 0o644)  # xanetd runs as xanet
    return d


@test(timeout=150)
def https_client_certificate_and_ca_file(t):
    require_root()
    c = make_certs(t)
    p = lambda name: os.path.join(c, name)  # noqa: E731
    recv = PushReceiver(tls=(p("ok.pem"), p("ok.key"), p("ca.pem")))
    t.defer(recv.close)
    d = start_daemon(t, http_target("tls", recv.url("/in"),
                                    ca_file=p("ca.pem"),
                                    client_cert=p("client.pem"),
                                    client_key=p("client.key")) +
                     http_target("nocert", recv.url("/nocert"),
                                 ca_file=p("ca.pem")) +
                     http_target("noca", recv.url("/noca"),
                                 client_cert=p("client.pem"),
                                 client_key=p("client.key")))
    s = snapshot(d)
    poll(lambda: [r["state"] for r in outbox(d)][0] == "sent" and
         all(r["attempts"] >= 1 for r in outbox(d)), 30,
         what="the TLS target sent, the others tried")
    rows = outbox(d)
    eq([r["state"] for r in rows], ["sent", "pending", "pending"],
       "a TLS failure is retried, never counted as sent")
    r = recv.ok("/in")[0]
    eq(r.client_cn, "xa-thu-nghiem", "client certificate presented")
    eq(r.sha256, s["sha256"], "body over HTTPS")
    eq(recv.under("/nocert") + recv.under("/noca"), [],
       "no request got through without a client certificate or with an "
       "unknown CA")
    t.note("without client cert: %s; unknown CA: %s" % (
        rows[1]["last_error"], rows[2]["last_error"]))


def s3rver_bin():
    path = os.path.join(NPM_CACHE, "node_modules", ".bin", "s3rver")
    if os.path.exists(path):
        return path
    if shutil.which("npm") is None:
        skip("npm is missing: cannot install s3rver")
    os.makedirs(NPM_CACHE, exist_ok=True)
    r = subprocess.run(["npm", "install", "--no-audit", "--no-fund",
                        "--prefix", NPM_CACHE, "s3rver@3"],
                       capture_output=True, timeout=300)
    if r.returncode != 0 or not os.path.exists(path):
        skip("npm install s3rver@3 failed: %s" %
             r.stderr.decode()[-300:])
    return path


def start_s3rver(t, tmp):
    port = free_port()
    data = os.path.join(tmp, "s3")
    os.makedirs(data)
    p = subprocess.Popen([s3rver_bin(), "--directory", data, "--address",
                          "127.0.0.1", "--port", str(port),
                          "--configure-bucket", "packs", "--silent"],
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                         start_new_session=True)

    def stop():
        try:
            os.killpg(p.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        p.wait(10)
    t.defer(stop)

    def up():
        try:
            socket.create_connection(("127.0.0.1", port), 0.5).close()
            return True
        except OSError:
            return False
    poll(up, 30, what="s3rver listening")
    return port, data


def s3_target(name, port, access="S3RVER", secret="S3RVER", prefix=""):
    return ("[push %s]\ntype = s3\nurl = http://127.0.0.1:%d/packs%s\n"
            "access_key = %s\nsecret_key = %s\nregion = us-east-1\n"
            "timeout = 5s\n" % (name, port, prefix, access, secret))


def s3_object(data_dir, bucket, key):
    """The object's bytes as s3rver stores them on disk, or None."""
    for root, dirs, files in os.walk(os.path.join(data_dir, bucket)):
        for f in files:
            rel = os.path.relpath(os.path.join(root, f),
                                  os.path.join(data_dir, bucket))
            if rel in (key + "._S3rver_object", key):
                with open(os.path.join(root, f), "rb") as fh:
                    return fh.read()
    return None


@test(timeout=400)
def s3_put_with_sigv4(t):
    require_root()
    import tempfile
    tmp = tempfile.mkdtemp(prefix="xtest-s3-")
    t.defer(shutil.rmtree, tmp, True)
    port, data = start_s3rver(t, tmp)
    # s3rver 3.7 checks the access key but not V4 signatures (its
    # authentication.js: "Signature version 4 calculation is
    # unimplemented"): the signature is checked by s3_sigv4_signature.
    d = start_daemon(t, s3_target("s3ok", port) +
                     s3_target("s3bad", port, access="NOSUCHKEY",
                               secret=SECRET, prefix="/bad"))
    s = snapshot(d)
    rows = wait_states(d, ["sent", "quarantined"], 60)
    name = os.path.basename(s["path"])
    got = s3_object(data, "packs", name)
    ok(got is not None, "object %s stored by s3rver (files: %s)" % (
        name, [f for _, _, fs in os.walk(data) for f in fs]))
    eq(hashlib.sha256(got).hexdigest(), s["sha256"], "object bytes")
    eq(rows[1]["target"], "s3bad", "unknown access key target")
    eq(rows[1]["last_status"], 403, "an unknown access key is refused, "
       "not reported as sent")
    eq(s3_object(data, "packs", "bad/" + name), None,
       "nothing stored with the wrong secret")
    no_secrets(d)


def sigv4_check(req, secret):
    """Recompute the AWS SigV4 signature of recorded request REQ with
    SECRET: (True if it matches, the parsed credential scope)."""
    import hmac
    auth = req.headers.get("Authorization", "")
    m = __import__("re").match(
        r"AWS4-HMAC-SHA256 Credential=([^/]+)/(\d{8})/([^/]+)/([^/]+)/"
        r"aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$",
        auth)
    if not m:
        fail("not a SigV4 Authorization header: %r" % auth)
    access, day, region, service, signed, sig = m.groups()
    lower = {k.lower(): v for k, v in req.headers.items()}
    canon_headers = "".join("%s:%s\n" % (h, " ".join(lower[h].split()))
                            for h in signed.split(";"))
    path, _, query = req.path.partition("?")
    creq = "\n".join([req.method, path, query, canon_headers, signed,
                      lower["x-amz-content-sha256"]])
    scope = "%s/%s/%s/aws4_request" % (day, region, service)
    sts = "\n".join(["AWS4-HMAC-SHA256", lower["x-amz-date"], scope,
                     hashlib.sha256(creq.encode()).hexdigest()])
    key = ("AWS4" + secret).encode()
    for part in (day, region, service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    calc = hmac.new(key, sts.encode(), hashlib.sha256).hexdigest()
    return calc == sig, (access, region, service)


@test(timeout=120)
def s3_sigv4_signature(t):
    recv = PushReceiver()
    t.defer(recv.close)
    d = start_daemon(t, "[push s3]\ntype = s3\nurl = %s\naccess_key = "
                     "AKXANET\nsecret_key = %s\nregion = ap-southeast-1\n"
                     "timeout = 5s\n" % (recv.url("/packs/xa"), SECRET))
    s = snapshot(d)
    wait_states(d, ["sent"], 60)
    r = recv.ok("/packs")[0]
    eq(r.method, "PUT", "method")
    eq(r.path, "/packs/xa/" + os.path.basename(s["path"]), "object path")
    eq(r.headers.get("x-amz-content-sha256"), s["sha256"],
       "payload hash header = the pack's SHA-256")
    eq(r.sha256, s["sha256"], "body")
    good, scope = sigv4_check(r, SECRET)
    eq(scope, ("AKXANET", "ap-southeast-1", "s3"), "credential scope")
    ok(good, "signature verifies with the configured secret")
    bad, _ = sigv4_check(r, "S3RVER")
    ok(not bad, "signature does not verify with another secret")
    no_secrets(d)


def smtp_python():
    for py in (sys.executable, "/usr/bin/python3"):
        r = subprocess.run([py, "-c", "import aiosmtpd"],
                           capture_output=True)
        if r.returncode == 0:
            return py
    skip("aiosmtpd is not installed (apt-get install python3-aiosmtpd)")


@test(timeout=150)
def smtp_mail_with_the_pack(t):
    require_root()
    import tempfile
    py = smtp_python()
    tmp = tempfile.mkdtemp(prefix="xtest-smtp-")
    t.defer(shutil.rmtree, tmp, True)
    maildir = os.path.join(tmp, "Maildir")
    port = free_port()
    p = subprocess.Popen([py, "-m", "aiosmtpd", "-n", "-l",
                          "127.0.0.1:%d" % port, "-c",
                          "aiosmtpd.handlers.Mailbox", maildir],
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                         start_new_session=True)

    def stop():
        try:
            os.killpg(p.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        p.wait(10)
    t.defer(stop)

    def up():
        try:
            socket.create_connection(("127.0.0.1", port), 0.5).close()
            return True
        except OSError:
            return False
    poll(up, 20, what="aiosmtpd listening")
    d = start_daemon(t, "[push mail]\ntype = smtp\nurl = smtp://127.0.0.1:"
                     "%d\nmail_from = xanet@xa-thu.gov.vn\nmail_to = "
                     "so-ttt@example.vn, vp@example.vn\ntimeout = 10s\n"
                     % port)
    s = snapshot(d)
    wait_states(d, ["sent"], 60)
    box = mailbox.Maildir(maildir, factory=None, create=False)
    msgs = [email.message_from_bytes(box.get_bytes(k),
                                     policy=email.policy.default)
            for k in box.keys()]
    eq(len(msgs), 1, "mails received")
    m = msgs[0]
    eq(m["Idempotency-Key"], s["uid"], "Idempotency-Key header")
    subject = str(m["Subject"])
    contains(subject, "Tài liệu kiểm chứng", "subject (decoded)")
    contains(subject, "Xã Thử Nghiệm", "subject names the site")
    body = m.get_body(("plain",)).get_content()
    contains(body, "Kỳ báo cáo", "Vietnamese body")
    contains(body, s["sha256"], "body quotes the pack's SHA-256")
    contains(body, "SHA256:", "body quotes the key fingerprint")
    atts = list(m.iter_attachments())
    eq(len(atts), 1, "attachments")
    eq(atts[0].get_filename(), os.path.basename(s["path"]), "file name")
    eq(atts[0].get_content_type(), "application/zip", "attachment type")
    eq(hashlib.sha256(atts[0].get_content()).hexdigest(), s["sha256"],
       "attachment bytes = the pack")


def lighttpd_webdav(t, tmp, user, password):
    """A real WebDAV server: lighttpd with mod_webdav, basic auth."""
    lighttpd = shutil.which("lighttpd") or "/usr/sbin/lighttpd"
    moddir = "/usr/lib/lighttpd"
    if not os.path.exists(lighttpd) or not os.path.exists(
            os.path.join(moddir, "mod_webdav.so")):
        return None
    root = os.path.join(tmp, "dav")
    os.makedirs(os.path.join(root, "packs"))
    os.chmod(tmp, 0o755)
    # lighttpd drops to www-data before it opens its log.
    shutil.chown(tmp, "www-data", "www-data")
    shutil.chown(root, "www-data", "www-data")
    shutil.chown(os.path.join(root, "packs"), "www-data", "www-data")
    with open(os.path.join(tmp, "users"), "w") as f:
        f.write("%s:%s\n" % (user, password))
    port = free_port()
    conf = os.path.join(tmp, "lighttpd.conf")
    with open(conf, "w") as f:
        f.write('server.document-root = "%s"\n'
                'server.port = %d\n'
                'server.bind = "127.0.0.1"\n'
                'server.modules = ("mod_auth", "mod_authn_file", '
                '"mod_webdav")\n'
                'server.username = "www-data"\n'
                'server.groupname = "www-data"\n'
                'server.pid-file = "%s/lighttpd.pid"\n'
                'server.errorlog = "%s/error.log"\n'
                'webdav.activate = "enable"\n'
                'auth.backend = "plain"\n'
                'auth.backend.plain.userfile = "%s/users"\n'
                'auth.require = ("/" => ("method" => "basic", '
                '"realm" => "xanet", "require" => "valid-user"))\n'
                % (root, port, tmp, tmp, tmp))
    p = subprocess.Popen([lighttpd, "-D", "-f", conf, "-m", moddir],
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                         start_new_session=True)

    def stop():
        try:
            os.killpg(p.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        p.wait(10)
    t.defer(stop)

    def up():
        try:
            socket.create_connection(("127.0.0.1", port), 0.5).close()
            return True
        except OSError:
            return p.poll() is not None
    poll(up, 20, what="lighttpd listening")
    if p.poll() is not None:
        fail("lighttpd exited: %s" % p.stderr.read().decode())
    return port, os.path.join(root, "packs")


@test(timeout=150)
def webdav_put(t):
    require_root()
    import tempfile
    tmp = tempfile.mkdtemp(prefix="xtest-dav-")
    t.defer(shutil.rmtree, tmp, True)
    dav = lighttpd_webdav(t, tmp, "xa", SECRET)
    if dav is None:
        # No WebDAV server installed: PUT against the receiver.
        t.note("lighttpd-mod-webdav missing: WebDAV PUT checked against "
               "pushrecv.py")
        recv = PushReceiver()
        t.defer(recv.close)
        d = start_daemon(t, "[push dav]\ntype = webdav\nurl = %s\nuser = xa"
                         "\npassword = %s\ntimeout = 5s\n"
                         % (recv.url("/dav/packs/"), SECRET))
        s = snapshot(d)
        wait_states(d, ["sent"], 60)
        r = recv.ok("/dav")[0]
        eq(r.path, "/dav/packs/" + os.path.basename(s["path"]), "path")
        eq(r.method, "PUT", "method")
        eq(r.sha256, s["sha256"], "body")
        return
    port, folder = dav
    d = start_daemon(t, "[push dav]\ntype = webdav\nurl = http://127.0.0.1:"
                     "%d/packs\nuser = xa\npassword = %s\ntimeout = 5s\n"
                     "[push davbad]\ntype = webdav\nurl = http://127.0.0.1:"
                     "%d/packs\nuser = xa\npassword = wrong\ntimeout = 5s\n"
                     % (port, SECRET, port))
    s = snapshot(d)
    rows = wait_states(d, ["sent", "quarantined"], 60)
    with open(os.path.join(folder, os.path.basename(s["path"])), "rb") as f:
        eq(hashlib.sha256(f.read()).hexdigest(), s["sha256"],
           "file stored by the WebDAV server")
    eq(rows[1]["last_status"], 401, "wrong password refused")
    no_secrets(d)


run()
