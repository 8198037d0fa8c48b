#!/usr/bin/env python3
# test_snmp.py - SNMP polling against real snmpd agents: v2c/v3 values, wrong credentials, reboots, counter rates, important links.
#
# One xanetd polls four real net-snmp agents on 127.0.0.1 high ports
# (tests/lib/snmpd.py), every 2 s:
#   mt     v2c, MikroTik sysObjectID; IF-MIB, HOST-RESOURCES and the
#          MikroTik client count served by tests/lib/snmp_pass.py from
#          values the test controls: ether1 (64-bit counters, 10 Mbit/s
#          in, important), ether2 (32-bit only, 1 Mbit/s, wraps ~10 s
#          after the start), wlan1 (32-bit only, reset by the test)
#   v3     v3 agent with a user for every auth/priv protocol combination;
#          one device per user, plus a wrong auth key and an unknown user
#   boot   v2c agent restarted by the test (sysUpTime starts again)
# plus a device asking `mt` with a wrong community (silence: an outage).
import json
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
from avail import (describe, device_alerts, intervals, open_state,  # noqa
                   samples, wait_alert, wait_state)
from daemon import Daemon, device_section, minimal_config  # noqa: E402
from snmpd import (HR_ROOT, IF_ROOT, IFX_ROOT, OID, Snmpd,  # noqa: E402
                   AUTH_PASS, PRIV_PASS, iface, ifaces_values,
                   require_snmpd, value)
from xtest import (between, contains, eq, fail, ge, gt, le, ok,  # noqa
                   poll, require_root, run, shared_fixture, test)

INTERVAL = 2.0
MT_OID = "1.3.6.1.4.1.14988.1"
MT_CLIENTS = "1.3.6.1.4.1.14988.1.1.1.3.1.6"
TEMP_OID = "1.3.6.1.4.1.14988.1.1.3.10.0"
RAM_TYPE = "1.3.6.1.2.1.25.2.1.2"
DISK_TYPE = "1.3.6.1.2.1.25.2.1.4"
ETHER1_BPS = 10e6		# in; out 2 Mbit/s
ETHER2_BPS = 1e6
WLAN1_BPS = 0.5e6
WRAP_AFTER_S = 10.0		# ether2's Counter32 wraps this long after start
TOL = 0.10			# rates within 10%

DEFAULTS = ("[defaults]\n"
            "interval = 2s\n"
            "timeout = 1s\n"
            "icmp_count = 1\n"
            "fail_threshold = 2\n"
            "success_threshold = 1\n")


def mt_values(s):
    v = ifaces_values(s.ifaces)
    e = "1.3.6.1.2.1.25.2.3.1"
    for i, typ, units, size, used in ((1, RAM_TYPE, 1024, 1000000, 250000),
                                      (2, DISK_TYPE, 4096, 100, 90)):
        v["%s.1.%d" % (e, i)] = value("integer", i)
        v["%s.2.%d" % (e, i)] = value("objectid", "." + typ)
        v["%s.3.%d" % (e, i)] = value("string", "mem" if i == 1 else "/")
        v["%s.4.%d" % (e, i)] = value("integer", units)
        v["%s.5.%d" % (e, i)] = value("integer", size)
        v["%s.6.%d" % (e, i)] = value("integer", used)
    v[OID["hrProcessorLoad"] + ".196608"] = value("integer", 30)
    v[OID["hrProcessorLoad"] + ".196609"] = value("integer", 50)
    v[MT_CLIENTS + ".3"] = value("integer", 7)
    v[TEMP_OID] = value("gauge", 47)
    return v


def build(s):
    require_root()
    require_snmpd()
    s.t0 = time.time()
    s.ifaces = [
        iface(1, "ether1", alias="uplink VNPT", in_rate=ETHER1_BPS / 8,
              out_rate=250000, in_base=5 * 10**9),
        iface(2, "ether2", hc=False, in_rate=ETHER2_BPS / 8,
              in_base=2**32 - int(ETHER2_BPS / 8 * WRAP_AFTER_S)),
        iface(3, "wlan1", hc=False, in_rate=WLAN1_BPS / 8,
              in_base=10**9),
    ]
    s.wrap_at = s.ifaces[1]["t0"] + WRAP_AFTER_S
    s.mt = Snmpd(community="congdong", sysname="mt-thon-dong",
                 sysdescr="RouterOS RB951", sysobjectid=MT_OID,
                 pass_roots=[IF_ROOT, IFX_ROOT, HR_ROOT, MT_OID],
                 prefix="xtest-snmpd-mt-")
    s.closers.append(s.mt.close)
    s.mt.set_values(mt_values(s))
    s.v3 = Snmpd(community="khongdung", sysname="sw-v3",
                 sysdescr="switch v3", prefix="xtest-snmpd-v3-")
    s.closers.append(s.v3.close)
    s.boot = Snmpd(community="public", sysname="ap-boot",
                   prefix="xtest-snmpd-boot-")
    s.closers.append(s.boot.close)
    for a in (s.mt, s.v3, s.boot):
        a.start()
    for a in (s.mt, s.v3, s.boot):
        a.wait_ready()
    devs = [
        device_section("mt", "Router thôn Đông", kind="router",
                       probes="snmp", snmp_port=s.mt.port,
                       snmp_community="congdong", snmp_important="ether1",
                       snmp_oids="temp:%s:gauge" % TEMP_OID),
        device_section("badcomm", "Switch sai community", kind="switch",
                       probes="snmp", snmp_port=s.mt.port,
                       snmp_community="sai-roi"),
        device_section("boot", "AP khởi động lại", probes="snmp",
                       snmp_port=s.boot.port, snmp_community="public"),
    ]
    s.v3keys = []
    for name, u in sorted(s.v3.users.items()):
        key = "v3-" + name.replace("_", "-")
        extra = dict(probes="snmp", snmp_port=s.v3.port, snmp_version="3",
                     snmp_user=name, snmp_auth=u["auth"],
                     snmp_priv=u["priv"])
        if u["auth"] != "none":
            extra["snmp_auth_pass"] = AUTH_PASS
        if u["priv"] != "none":
            extra["snmp_priv_pass"] = PRIV_PASS
        devs.append(device_section(key, "Switch v3 %s" % name,
                                   kind="switch", **extra))
        s.v3keys.append((key, u))
    devs.append(device_section(
        "v3-badkey", "Switch v3 sai khóa", kind="switch", probes="snmp",
        snmp_port=s.v3.port, snmp_version="3", snmp_user="p_sha256_aes",
        snmp_auth="sha256", snmp_auth_pass="sai-khoa-xac-thuc",
        snmp_priv="aes", snmp_priv_pass=PRIV_PASS))
    devs.append(device_section(
        "v3-nouser", "Switch v3 sai tên", kind="switch", probes="snmp",
        snmp_port=s.v3.port, snmp_version="3", snmp_user="khong-co-ai",
        snmp_auth="sha", snmp_auth_pass=AUTH_PASS, snmp_priv="aes",
        snmp_priv_pass=PRIV_PASS))
    s.d = Daemon(minimal_config(devs, extra=DEFAULTS),
                 prefix="xtest-snmp-")
    s.closers.append(s.d.close)
    os.chmod(s.d.conf, 0o600)
    s.d.start()
    s.d.wait_ready()
    s.ready = time.time()


fixture = shared_fixture(build, "SNMP agents and xanetd")


def metrics(d, key, name, instance=""):
    return d.query(
        "SELECT m.ts_ms, m.value FROM metric m JOIN device dv ON "
        "dv.id = m.device_id WHERE dv.key = ? AND m.name = ? AND "
        "m.instance = ? ORDER BY m.ts_ms", (key, name, instance))


def latest_metrics(d, key):
    rows = d.query(
        "SELECT m.name, m.instance, m.value FROM metric m JOIN device dv ON "
        "dv.id = m.device_id WHERE dv.key = ? ORDER BY m.ts_ms", (key,))
    out = {}
    for r in rows:
        out[(r["name"], r["instance"])] = r["value"]
    return out


def snmp_json(d, key):
    r = d.ctl("--db", d.db_path, "snmp", key, "--json")
    if r.returncode != 0:
        fail("xanetctl snmp %s --json: exit %d\n%s%s" %
             (key, r.returncode, r.stdout, r.stderr))
    try:
        return json.loads(r.stdout)
    except ValueError:
        fail("xanetctl snmp %s --json is not JSON: %r" % (key, r.stdout))


def near(v, want, what, tol=TOL):
    between(v, want * (1 - tol), want * (1 + tol), what)


def system_row(d, key):
    rows = d.query(
        "SELECT s.* FROM snmp_system s JOIN device dv ON "
        "dv.id = s.device_id WHERE dv.key = ?", (key,))
    return rows[0] if rows else None


@test(timeout=90)
def v2c_poll_values(t):
    s = fixture()
    d = s.d
    wait_state(d, "mt", "up", 20, "v2c device")
    # Rates need two polls after the interfaces are known.
    poll(lambda: len(metrics(d, "mt", "if_in_bps", "1")) >= 2, 20,
         what="two if_in_bps values for ether1")
    row = system_row(d, "mt")
    ok(row, "snmp_system row for mt")
    eq(row["sys_name"], "mt-thon-dong", "snmp_system.sys_name")
    eq(row["sys_descr"], "RouterOS RB951", "snmp_system.sys_descr")
    eq(row["sys_object_id"].lstrip("."), MT_OID, "snmp_system.sys_object_id")
    eq(row["profile"], "mikrotik", "profile chosen by sysObjectID")
    j = snmp_json(d, "mt")
    eq(j.get("device"), "mt", "json device")
    sysj = j["system"]
    eq(sysj["name"], "mt-thon-dong", "json system.name")
    eq(sysj["descr"], "RouterOS RB951", "json system.descr")
    eq(sysj["object_id"].lstrip("."), MT_OID, "json system.object_id")
    eq(sysj["profile"], "mikrotik", "json system.profile")
    between(sysj["uptime_s"], 0, time.time() - s.t0 + 5, "json uptime_s")
    ifs = {i["index"]: i for i in j["interfaces"]}
    eq(sorted(ifs), [1, 2, 3], "json interface indexes")
    eq([ifs[i]["name"] for i in (1, 2, 3)], ["ether1", "ether2", "wlan1"],
       "json interface names")
    eq(ifs[1]["alias"], "uplink VNPT", "ether1 alias")
    eq(ifs[1]["important"], True, "ether1 marked important")
    eq(ifs[2]["important"], False, "ether2 not important")
    eq(ifs[1]["oper"], "up", "ether1 oper")
    eq(ifs[1]["admin"], "up", "ether1 admin")
    eq(ifs[1]["speed_bps"], 100000000, "ether1 speed")
    near(ifs[1]["in_bps"], ETHER1_BPS, "json ether1 in_bps")
    near(ifs[1]["out_bps"], 2e6, "json ether1 out_bps")
    eq(ifs[1]["in_errors"], 0, "ether1 in_errors per second")
    clients = [(c["instance"], c["value"]) for c in j["clients"]]
    eq(clients, [("3", 7)], "json clients (MikroTik per interface)")
    custom = {c["label"]: c["value"] for c in j["custom"]}
    eq(custom.get("temp"), 47, "json custom temp")
    lm = latest_metrics(d, "mt")
    near(lm[("if_in_bps", "1")], ETHER1_BPS, "metric if_in_bps ether1")
    near(lm[("if_out_bps", "1")], 2e6, "metric if_out_bps ether1")
    eq(lm.get(("clients", "3")), 7.0, "metric clients instance 3")
    eq(lm.get(("temp", "")), 47.0, "metric temp (custom gauge)")
    eq(lm.get(("mem_used_pct", "")), 25.0,
       "mem_used_pct: hrStorageRam 250000/1000000 (the disk ignored)")
    cpu = sorted(v for (n, i), v in lm.items() if n == "cpu_pct")
    ok(cpu in ([40.0], [30.0, 50.0]),
       "cpu_pct: the mean (40) or per processor (30, 50): %r" % cpu)
    ge(lm.get(("uptime_s", ""), -1), 0, "uptime_s metric")
    sm = samples(d, "mt", "snmp")
    ok(sm and all(r["ok"] == 1 for r in sm), "every snmp sample of mt ok")


@test(timeout=90)
def v3_every_protocol(t):
    s = fixture()
    d = s.d
    t.note("v3 users: %s" % ", ".join(k for k, _ in s.v3keys))
    ge(len(s.v3keys), 1 + 2 * 2, "v3 users (noAuth, auth, priv combos)")
    for key, u in s.v3keys:
        wait_state(d, key, "up", 25, "v3 %s/%s" % (u["auth"], u["priv"]))
    for key, u in s.v3keys:
        row = poll(lambda: system_row(d, key), 10,
                   what="snmp_system row for %s" % key)
        eq(row["sys_name"], "sw-v3", "%s sys_name" % key)
    j = snmp_json(d, "v3-p-sha256-aes")
    eq(j["system"]["name"], "sw-v3", "v3 authPriv SHA-256/AES via xanetctl")
    gt(j["system"]["uptime_s"], -1, "v3 uptime")


@test(timeout=60)
def wrong_community_is_outage(t):
    s = fixture()
    d = s.d
    wait_state(d, "badcomm", "down", 20, "silence from a wrong community")
    rows = intervals(d, "badcomm")
    downs = [r for r in rows if r["state"] == "down"]
    ok(downs, "a down interval:\n" + describe(rows))
    eq(downs[-1]["cause"], "timeout", "cause of the outage")
    sm = [r for r in samples(d, "badcomm", "snmp") if not r["ok"]]
    ok(sm, "failed snmp samples")
    eq({r["cause"] for r in sm}, {"timeout"}, "failed sample causes")
    eq(device_alerts(d, "badcomm", ("monitoring-fault",)), [],
       "no monitoring-fault for silence")
    wait_alert(d, "badcomm", "down", 10)


@test(timeout=60)
def wrong_v3_key_is_monitoring_fault(t):
    s = fixture()
    d = s.d
    for key, stat in (("v3-badkey", "usmStatsWrongDigests"),
                      ("v3-nouser", "usmStatsUnknownUserNames")):
        got = wait_alert(d, key, "monitoring-fault", 20)
        a = got[0]
        contains(a["line"], stat, "%s monitoring-fault names the report" %
                 key)
        contains(a["line"], "SNMP", "%s details" % key)
        for secret in (AUTH_PASS, PRIV_PASS, "sai-khoa-xac-thuc"):
            ok(secret not in a["line"], "no secret in the alert line")
        # Give it a few more rounds: still never down.
        time.sleep(2 * INTERVAL)
        rows = intervals(d, key)
        eq([r for r in rows if r["state"] == "down"], [],
           "%s: no down interval\n%s" % (key, describe(rows)))
        eq(open_state(d, key), "unknown", "%s open state" % key)
        eq(device_alerts(d, key, ("down",)), [], "%s: no down alert" % key)
        sm = [r for r in samples(d, key, "snmp") if not r["ok"]]
        ok(sm, "%s: failed samples" % key)
        eq({r["cause"] for r in sm}, {"monitor"}, "%s sample causes" % key)
    log = d.stderr_text() + "\n".join(d.alerts())
    for secret in (AUTH_PASS, PRIV_PASS, "sai-khoa-xac-thuc", "congdong"):
        ok(secret not in log, "secret %r never logged" % secret)


@test(timeout=90)
def counter_rates_wrap_and_reset(t):
    s = fixture()
    d = s.d
    # Wait until ether2's Counter32 has wrapped and two more polls ran.
    left = s.wrap_at + 2 * INTERVAL + 1 - time.time()
    if left > 0:
        time.sleep(left)
    n_before = len(metrics(d, "mt", "if_in_bps", "1"))
    ge(n_before, 2, "ether1 rates before the reset")
    reset_at = time.time()
    for f in (s.ifaces[0], s.ifaces[2]):	# ether1 (64-bit), wlan1 (32-bit)
        f["in_base"], f["out_base"], f["t0"] = 0, 0, reset_at
    s.mt.set_values(mt_values(s))
    time.sleep(3 * INTERVAL + 1)
    for inst, want, what in (("1", ETHER1_BPS, "ether1 (Counter64)"),
                             ("2", ETHER2_BPS, "ether2 (Counter32)"),
                             ("3", WLAN1_BPS, "wlan1 (Counter32)")):
        rows = metrics(d, "mt", "if_in_bps", inst)
        t.note("%s: %s" % (what, [round(r["value"]) for r in rows]))
        ge(len(rows), 3, "%s rates" % what)
        for r in rows:
            near(r["value"], want, "%s if_in_bps at %d" % (what, r["ts_ms"]))
    # The wrap itself gave a rate: a value right after it, no gap.
    wrap_ms = s.wrap_at * 1000
    after = [r["ts_ms"] for r in metrics(d, "mt", "if_in_bps", "2")
             if r["ts_ms"] > wrap_ms]
    ok(after, "ether2 rates after its wrap")
    le(after[0] - wrap_ms, (INTERVAL + 1.5) * 1000,
       "first ether2 rate after the wrap comes from the poll across it")
    # The reset round gave no rate, then rates come back.
    for inst in ("1", "3"):
        after = [r for r in metrics(d, "mt", "if_in_bps", inst)
                 if r["ts_ms"] > reset_at * 1000]
        ge(len(after), 1, "ifIndex %s rates after its reset" % inst)


@test(timeout=60)
def restart_is_one_reboot(t):
    s = fixture()
    d = s.d
    wait_state(d, "boot", "up", 20, "before the restart")
    poll(lambda: len(samples(d, "boot", "snmp")) >= 3, 15,
         what="three polls before the restart")
    time.sleep(1.0)
    before = s.boot.counter_value(OID["sysUpTime"])
    s.boot.restart()
    time.sleep(4 * INTERVAL)
    got = device_alerts(d, "boot", ("rebooted",))
    eq(len(got), 1, "rebooted lines: %r" % [a["line"] for a in got])
    contains(got[0]["line"], "previous uptime", "rebooted details")
    eq(device_alerts(d, "boot", ("down",)), [], "no outage for a reboot")
    t.note("uptime before restart: %d cs; line: %s" % (before,
                                                       got[0]["line"]))


@test(timeout=60)
def important_link_down_and_up(t):
    s = fixture()
    d = s.d
    wait_state(d, "mt", "up", 20, "mt")
    s.ifaces[0]["oper"] = 2
    s.mt.set_values(mt_values(s))
    got = wait_alert(d, "mt", "link-down", 4 * INTERVAL + 2)
    eq(len(got), 1, "one link-down line")
    contains(got[0]["line"], "interface ether1 (ifIndex 1)", "details")
    s.ifaces[1]["oper"] = 2	# not important: no alert
    s.ifaces[0]["oper"] = 1
    s.mt.set_values(mt_values(s))
    got = wait_alert(d, "mt", "link-up", 4 * INTERVAL + 2)
    contains(got[0]["line"], "interface ether1 (ifIndex 1)", "details")
    time.sleep(INTERVAL)
    downs = device_alerts(d, "mt", ("link-down",))
    eq(len(downs), 1, "link-down lines (ether2 is not important): %r" %
       [a["line"] for a in downs])
    s.ifaces[1]["oper"] = 1
    s.mt.set_values(mt_values(s))
    eq(open_state(d, "mt"), "up", "a link down is not a device outage")


run()
