#!/usr/bin/env python3
# test_verify.py - the signing key xanetd makes, `xanetctl key show`, `xanetctl verify PACK.zip` against tampered packs, and `verify --db` against an edited row.
#
# One xanetd runs for a few seconds with a device that is up (ICMP to
# 127.0.0.1) and one that goes down (TCP to a closed port on 127.0.0.1),
# so that the database holds state intervals and alerts; then it stops
# and everything below works on its files. The pack is made by `xanetctl
# report --pack` when that command exists, else by tests/unit/pack_tool
# (the same pack_write); its tampered copies are rewritten with Python's
# zipfile, a zip writer that is not ours.
import glob
import os
import re
import shutil
import sqlite3
import stat
import subprocess
import sys
import tempfile
import time
import zipfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
from daemon import (Daemon, builddir, device_section,  # noqa: E402
                    minimal_config, xanetctl_path)
from xtest import (contains, eq, fail, gt, is_root, matches,  # noqa: E402
                   ok, poll, run, shared_fixture, skip, test)

FPR_RE = r"SHA256:[0-9a-f]{4}(?::[0-9a-f]{4}){15}"
SIG_LINE = ("manifest.sig: signature does not match manifest.json "
            "(manifest edited or wrong key)")
DEFAULTS = ("[defaults]\n"
            "interval = 1s\n"
            "timeout = 500ms\n"
            "fail_threshold = 2\n"
            "success_threshold = 2\n"
            "icmp_count = 3\n"
            "icmp_spacing = 100ms\n")


def show(r):
    return "exit %s\nstdout:\n%s\nstderr:\n%s" % (r.returncode, r.stdout,
                                                  r.stderr)


def ctl(args, conf=None, user=None, group="nogroup"):
    argv = [xanetctl_path()]
    if conf:
        argv += ["-c", conf]
    argv += list(args)
    if user:
        argv = ["setpriv", "--reuid=" + user, "--regid=" + group,
                "--clear-groups", "--"] + argv
    r = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True,
                       timeout=60)
    r.stdout = r.stdout.decode("utf-8", "replace")
    r.stderr = r.stderr.decode("utf-8", "replace")
    return r


def pack_tool():
    return os.path.join(builddir(), "tests", "unit", "pack_tool")


def build(s):
    d = Daemon(minimal_config(
        devices=[device_section("ap-01", "Nhà văn hóa thôn Đông",
                                probes="icmp"),
                 device_section("ap-02", "Nhà văn hóa thôn Bắc",
                                probes="tcp:1")],
        extra=DEFAULTS))
    s.closers.append(d.close)
    s.d = d
    d.start()
    d.wait_ready()
    # ap-02 goes down after two refused probes: a down interval and an
    # alert besides the monitor's own.
    poll(lambda: d.query("SELECT 1 FROM alert a JOIN device v ON "
                         "v.id = a.device_id WHERE v.key = 'ap-02'"),
         timeout=30, what="an alert for ap-02")
    poll(lambda: d.query("SELECT 1 FROM state_interval s JOIN device v ON "
                         "v.id = s.device_id WHERE v.key = 'ap-02' AND "
                         "s.state = 'down'"),
         timeout=30, what="a down interval for ap-02")
    d.signal(15)
    eq(d.wait_exit(20), 0, "xanetd exit status")
    s.key = os.path.join(d.state_dir, "signing.key")
    s.work = tempfile.mkdtemp(prefix="xtest-verify-")
    os.chmod(s.work, 0o755)
    s.closers.append(lambda: shutil.rmtree(s.work, ignore_errors=True))
    s.pack = make_pack(s)


def make_pack(s):
    """The pack under test: xanetctl report --pack if it exists."""
    r = ctl(["report", "--help"], conf=s.d.conf)
    if "--pack" in r.stdout + r.stderr:
        out = os.path.join(s.work, "report")
        r = ctl(["report", "--quarter", quarter_now(), "--out", out,
                 "--pack"], conf=s.d.conf)
        eq(r.returncode, 0, "xanetctl report --pack\n" + show(r))
        packs = glob.glob(os.path.join(out, "*.zip"))
        eq(len(packs), 1, "packs written by report --pack")
        s.made_by = "xanetctl report --pack"
        return packs[0]
    files = []
    for name, text in (("report.html",
                        "<html><body><h1>Báo cáo quý: Xã Thử Nghiệm"
                        "</h1></body></html>\n"),
                       ("uptime.csv",
                        "\ufeffkey,name,uptime_pct\r\n"
                        "ap-01,\"Nhà văn hóa thôn Đông\",99.5\r\n"),
                       ("data.json", '{"schema": 1}\n')):
        p = os.path.join(s.work, name)
        with open(p, "w", encoding="utf-8", newline="") as f:
            f.write(text)
        files.append(p)
    pack = os.path.join(s.work, "evidence-2026Q3.zip")
    r = subprocess.run([pack_tool(), s.key, pack] + files,
                       capture_output=True, text=True, timeout=60)
    eq(r.returncode, 0, "pack_tool: %s%s" % (r.stdout, r.stderr))
    s.made_by = "pack_tool"
    return pack


def quarter_now():
    t = time.localtime()
    return "%dQ%d" % (t.tm_year, (t.tm_mon - 1) // 3 + 1)


fixture = shared_fixture(build, "xanetd run for the verify tests")


def entries(path):
    with zipfile.ZipFile(path) as z:
        return [(i.filename, z.read(i.filename)) for i in z.infolist()]


def rewrite(src, dst, fn):
    """DST = SRC's entries passed through FN(list of (name, bytes))."""
    ents = fn(entries(src))
    with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in ents:
            z.writestr(name, data)
    return dst


def verify(s, path, *extra):
    return ctl(["verify", path] + list(extra), conf=s.d.conf)


def not_intact(r, path, lines):
    """Exit 1, the NOT INTACT header, and exactly LINES as problems."""
    eq(r.returncode, 1, "exit status\n" + show(r))
    eq(r.stdout, "%s: NOT INTACT\n%s" % (path, "".join(l + "\n"
                                                       for l in lines)),
       "verify's output")


@test
def key_created_0600_by_daemon_user(t):
    s = fixture()
    st = os.stat(s.key)
    eq(stat.S_IMODE(st.st_mode), 0o600, "signing key mode")
    if is_root():
        import pwd
        eq(pwd.getpwuid(st.st_uid).pw_name, "xanet", "signing key owner")
    with open(s.key) as f:
        matches(r"^xanet-ed25519-secret [A-Za-z0-9+/]{86}==\n$", f.read(),
                "key file")
    with open(s.key + ".pub") as f:
        matches(r"^xanet-ed25519 [A-Za-z0-9+/]{43}=\n$", f.read(),
                "public key file")
    eq(stat.S_IMODE(os.stat(s.key + ".pub").st_mode), 0o644, ".pub mode")


@test
def key_show_matches_daemon_log(t):
    s = fixture()
    m = matches(r"evidence signing key (\S+): (%s)" % FPR_RE,
                s.d.stderr_text(), "xanetd's log")
    eq(m.group(1), s.key, "key path logged")
    r = ctl(["key", "show"], conf=s.d.conf)
    eq(r.returncode, 0, "key show\n" + show(r))
    contains(r.stdout, "key file:    %s\n" % s.key, "key show")
    contains(r.stdout, "fingerprint: %s\n" % m.group(2), "key show")
    with open(s.key + ".pub") as f:
        contains(r.stdout, "public key:  " + f.read(), "key show")
    before = open(s.key).read()
    # An officer who is not root (but in the daemon's group, which may
    # enter its state directory) reads the public half.
    if is_root():
        r = ctl(["key", "show"], conf=s.d.conf, user="nobody",
                group="xanet")
        eq(r.returncode, 0, "key show as nobody\n" + show(r))
        contains(r.stdout, "fingerprint: %s\n" % m.group(2),
                 "key show as nobody")
        contains(r.stdout, "public key was read from %s.pub" % s.key,
                 "key show as nobody")
    eq(open(s.key).read(), before, "key file unchanged")


@test
def key_show_pubkey_out(t):
    s = fixture()
    out = os.path.join(s.work, "commune.pub")
    r = ctl(["key", "show", "--pubkey-out", out], conf=s.d.conf)
    eq(r.returncode, 0, "key show --pubkey-out\n" + show(r))
    eq(open(out).read(), open(s.key + ".pub").read(), "public key file")
    eq(ctl(["key", "list"], conf=s.d.conf).returncode, 2, "key list: usage")


@test
def pack_intact(t):
    s = fixture()
    t.note("pack made by " + s.made_by)
    names = [n for n, _ in entries(s.pack)]
    eq(names[:2], ["manifest.json", "manifest.sig"], "first entries")
    ok("report.html" in names, "report.html in the pack")
    fpr = matches(r"fingerprint: (%s)" % FPR_RE,
                  ctl(["key", "show"], conf=s.d.conf).stdout,
                  "key show").group(1)
    r = verify(s, s.pack)
    eq(r.returncode, 0, "verify an intact pack\n" + show(r))
    # The current quarter's report ends now, not at a midnight.
    matches(r"^OK: %d files intact, period \d{4}-\d\d-\d\dT00:00:00\+07:00 "
            r"to \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00, site Xã Thử Nghiệm\n"
            % (len(names) - 2), r.stdout, "OK line")
    contains(r.stdout, "signed by key %s (from the manifest \u2014 compare "
             "it with the fingerprint printed in the report / given by the "
             "commune)\n" % fpr, "key line")
    # With the commune's public key, from key show --pubkey-out.
    pub = os.path.join(s.work, "ok.pub")
    eq(ctl(["key", "show", "--pubkey-out", pub], conf=s.d.conf).returncode,
       0, "key show --pubkey-out")
    r = verify(s, s.pack, "--pubkey", pub)
    eq(r.returncode, 0, "verify --pubkey\n" + show(r))
    contains(r.stdout, "signed by key %s (the key given with --pubkey)" % fpr,
             "key line")
    # zipfile rewriting the same entries is still intact: the check is
    # on the contents, not on our zip writer's bytes.
    same = rewrite(s.pack, os.path.join(s.work, "same.zip"), lambda e: e)
    eq(verify(s, same).returncode, 0, "pack rewritten unchanged")


@test
def pack_changed_file(t):
    s = fixture()
    p = os.path.join(s.work, "changed.zip")

    def change(ents):
        return [(n, d.replace(b"</html>", b"<p>99,99%</p></html>")
                 if n == "report.html" else d) for n, d in ents]
    rewrite(s.pack, p, change)
    ne_ = [d for n, d in entries(p) if n == "report.html"][0]
    ok(b"99,99%" in ne_, "report.html was changed")
    not_intact(verify(s, p), p, [
        "report.html: SHA-256 does not match the manifest (file changed)"])


@test
def pack_added_file(t):
    s = fixture()
    p = rewrite(s.pack, os.path.join(s.work, "added.zip"),
                lambda e: e + [("extra.txt", "thêm\n".encode())])
    not_intact(verify(s, p), p, [
        "extra.txt: not listed in the manifest (file added)"])


@test
def pack_missing_file(t):
    s = fixture()
    last = entries(s.pack)[-1][0]
    p = rewrite(s.pack, os.path.join(s.work, "missing.zip"),
                lambda e: [x for x in e if x[0] != last])
    not_intact(verify(s, p), p, [
        "%s: listed in the manifest but missing" % last])


@test
def pack_edited_manifest(t):
    s = fixture()
    p = os.path.join(s.work, "edited.zip")

    def edit(ents):
        out = []
        for n, d in ents:
            if n == "manifest.json":
                new = re.sub(rb'"coverage_pct": [0-9.]+',
                             b'"coverage_pct": 100', d, count=1)
                if new == d:
                    fail("no coverage_pct in the manifest: %r" % d[:400])
                d = new
            out.append((n, d))
        return out
    rewrite(s.pack, p, edit)
    not_intact(verify(s, p), p, [SIG_LINE])


@test
def pack_wrong_key(t):
    s = fixture()
    other = os.path.join(s.work, "other.key")
    r = subprocess.run([pack_tool(), other, os.path.join(s.work, "o.zip")],
                       capture_output=True, text=True, timeout=60)
    eq(r.returncode, 0, "pack_tool made another key: " + r.stderr)
    ofpr = matches(r"key (%s)" % FPR_RE, r.stdout, "pack_tool").group(1)
    fpr = matches(r"fingerprint: (%s)" % FPR_RE,
                  ctl(["key", "show"], conf=s.d.conf).stdout,
                  "key show").group(1)
    r = verify(s, s.pack, "--pubkey", other + ".pub")
    not_intact(r, s.pack, [
        SIG_LINE,
        "manifest.json: names key %s, not the key given with --pubkey (%s)"
        % (fpr, ofpr)])


@test
def pack_truncated(t):
    s = fixture()
    p = os.path.join(s.work, "truncated.zip")
    data = open(s.pack, "rb").read()
    with open(p, "wb") as f:
        f.write(data[:len(data) * 2 // 3])
    r = verify(s, p)
    eq(r.returncode, 1, "exit status\n" + show(r))
    matches(r"\A%s: NOT INTACT\n%s: truncated or not a zip archive \(.+\)\n"
            r"\Z" % (re.escape(p), re.escape(p)), r.stdout, "verify")


@test
def verify_usage_and_unreadable(t):
    s = fixture()
    r = verify(s, os.path.join(s.work, "no-such.zip"))
    eq(r.returncode, 4, "missing pack\n" + show(r))
    contains(r.stderr, "cannot open", "missing pack")
    r = verify(s, s.pack, "--pubkey", os.path.join(s.work, "no.pub"))
    eq(r.returncode, 4, "missing public key file\n" + show(r))
    eq(ctl(["verify"], conf=s.d.conf).returncode, 2, "no argument")
    eq(ctl(["verify", "a.zip", "b.zip"], conf=s.d.conf).returncode, 2,
       "two packs")
    eq(ctl(["verify", "--db", "a.zip"], conf=s.d.conf).returncode, 2,
       "--db and a pack")


def db_copy(s, name):
    """A copy of the stopped daemon's database, WAL folded in."""
    dst = os.path.join(s.work, name)
    src = sqlite3.connect("file:%s?mode=ro" % s.d.db_path, uri=True)
    out = sqlite3.connect(dst)
    src.backup(out)
    src.close()
    out.close()
    return dst


def counts(path):
    db = sqlite3.connect(path)
    try:
        return {t: db.execute("SELECT count(*) FROM %s" % t).fetchone()[0]
                for t in ("state_interval", "alert", "snapshot")}
    finally:
        db.close()


@test
def verify_db_intact(t):
    s = fixture()
    path = db_copy(s, "intact.db")
    n = counts(path)
    gt(n["state_interval"], 1, "state intervals written")
    gt(n["alert"], 1, "alerts written")
    r = ctl(["--db", path, "verify", "--db"], conf=s.d.conf)
    eq(r.returncode, 0, "verify --db\n" + show(r))
    eq(r.stdout, "state_interval: OK (%d rows)\nalert: OK (%d rows)\n"
       "snapshot: OK (%d rows)\n" % (n["state_interval"], n["alert"],
                                     n["snapshot"]), "verify --db")
    # The daemon's own database, through its config.
    r = ctl(["verify", "--db"], conf=s.d.conf)
    eq(r.returncode, 0, "verify --db on the daemon's database\n" + show(r))


def sqlite3_cli(path, sql):
    if shutil.which("sqlite3") is None:
        skip("no sqlite3 command-line tool (apt-get install sqlite3)")
    r = subprocess.run(["sqlite3", path, sql], capture_output=True,
                       text=True, timeout=30)
    eq(r.returncode, 0, "sqlite3 %s: %s" % (sql, r.stderr))
    return r.stdout


@test
def verify_db_edited_interval(t):
    s = fixture()
    path = db_copy(s, "edited-interval.db")
    # The down interval becomes up: what a forger would do.
    row = int(sqlite3_cli(path, "SELECT s.id FROM state_interval s JOIN "
                          "device d ON d.id = s.device_id WHERE d.key = "
                          "'ap-02' AND s.state = 'down' ORDER BY s.id "
                          "LIMIT 1;").strip())
    sqlite3_cli(path, "UPDATE state_interval SET state = 'up' WHERE id = %d;"
                % row)
    r = ctl(["--db", path, "verify", "--db"], conf=s.d.conf)
    eq(r.returncode, 1, "verify --db\n" + show(r))
    n = counts(path)
    eq(r.stdout, "state_interval: broken at row %d: hash mismatch\n"
       "alert: OK (%d rows)\nsnapshot: OK (%d rows)\n"
       % (row, n["alert"], n["snapshot"]), "verify --db")


@test
def verify_db_edited_alert(t):
    s = fixture()
    path = db_copy(s, "edited-alert.db")
    row = int(sqlite3_cli(path, "SELECT a.id FROM alert a JOIN device d ON "
                          "d.id = a.device_id WHERE d.key = 'ap-02' "
                          "ORDER BY a.id LIMIT 1;").strip())
    sqlite3_cli(path, "UPDATE alert SET details = 'nothing happened' "
                "WHERE id = %d;" % row)
    r = ctl(["--db", path, "verify", "--db", "--json"], conf=s.d.conf)
    eq(r.returncode, 1, "verify --db --json\n" + show(r))
    import json
    j = json.loads(r.stdout)
    eq(j["alert"], {"ok": False, "rows": counts(path)["alert"],
                    "broken_at": row, "why": "hash mismatch"}, "alert")
    eq(j["state_interval"]["ok"], True, "state_interval")
    eq(j["intact"], False, "intact")


@test
def key_kept_across_restart(t):
    s = fixture()
    before = open(s.key).read()
    fprs = re.findall(r"evidence signing key \S+: (%s)" % FPR_RE,
                      s.d.stderr_text())
    eq(len(fprs), 1, "fingerprints logged by the first run")
    s.d.start()
    s.d.wait_ready(since=s.d.notify_mark())
    s.d.signal(15)
    eq(s.d.wait_exit(20), 0, "xanetd exit status")
    again = re.findall(r"evidence signing key \S+: (%s)" % FPR_RE,
                       s.d.stderr_text())
    eq(again, fprs * 2, "fingerprints logged by both runs")
    eq(open(s.key).read(), before, "key file after a restart")


@test
def unusable_key_does_not_stop_monitoring(t):
    # A key anyone may write is refused: an error in the log, no pack can
    # be signed, but the devices are still watched.
    d = Daemon(minimal_config(extra=DEFAULTS))
    t.defer(d.close)
    os.makedirs(d.state_dir, 0o750, exist_ok=True)
    key = os.path.join(d.state_dir, "signing.key")
    r = subprocess.run([pack_tool(), key, os.path.join(d.dir, "x.zip")],
                       capture_output=True, text=True, timeout=60)
    eq(r.returncode, 0, "pack_tool made a key: " + r.stderr)
    os.chmod(key, 0o666)
    d.start()
    d.wait_ready()
    d.wait_log("no evidence signing key: refusing %s: anyone can write it"
               % key)
    poll(lambda: d.query("SELECT 1 FROM state_interval s JOIN device v ON "
                         "v.id = s.device_id WHERE v.key = 'ap-01' AND "
                         "s.state = 'up'"),
         timeout=30, what="ap-01 still watched (up interval)")
    ok(d.alive(), "xanetd still running")
    eq(stat.S_IMODE(os.stat(key).st_mode), 0o666, "the key was not replaced")


run()
