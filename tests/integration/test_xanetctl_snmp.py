#!/usr/bin/env python3
# test_xanetctl_snmp.py - `xanetctl snmp get|walk DEVICE OID` against a real snmpd with the device's configured credentials; timeouts and auth failures exit 1 with a clear message.
import json
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
from daemon import Daemon, device_section, minimal_config  # noqa: E402
from snmpd import (AUTH_PASS, IFX_ROOT, PRIV_PASS, Snmpd,  # noqa: E402
                   free_udp_port, iface, ifaces_values, require_snmpd)
from xtest import (contains, eq, matches, ok, require_root,  # noqa: E402
                   run, shared_fixture, test)

SYSNAME = "1.3.6.1.2.1.1.5.0"
SYSOBJ = "1.3.6.1.2.1.1.2.0"
IFNAME = "1.3.6.1.2.1.31.1.1.1.1"


def build(s):
    require_root()
    require_snmpd()
    s.a = Snmpd(community="cong-dong-xa", sysname="sw-ctl",
                sysobjectid="1.3.6.1.4.1.41112.1.6",
                pass_roots=[IFX_ROOT], prefix="xtest-snmpd-ctl-")
    s.closers.append(s.a.close)
    s.a.set_values(ifaces_values([iface(1, "ether1"), iface(2, "ether2")]))
    s.a.start()
    s.a.wait_ready()
    s.silent_port = free_udp_port()
    devs = [
        device_section("sw", "Switch xã", kind="switch", probes="snmp",
                       snmp_port=s.a.port, snmp_community="cong-dong-xa"),
        device_section("sw3", "Switch xã v3", kind="switch", probes="snmp",
                       snmp_port=s.a.port, snmp_version="3",
                       snmp_user="p_sha256_aes", snmp_auth="sha256",
                       snmp_auth_pass=AUTH_PASS, snmp_priv="aes",
                       snmp_priv_pass=PRIV_PASS),
        device_section("sw3bad", "Switch xã sai khóa", kind="switch",
                       probes="snmp", snmp_port=s.a.port,
                       snmp_version="3", snmp_user="p_sha256_aes",
                       snmp_auth="sha256", snmp_auth_pass="khoa-sai-roi-1",
                       snmp_priv="aes", snmp_priv_pass=PRIV_PASS),
        device_section("mute", "Thiết bị im lặng", kind="other",
                       probes="snmp", snmp_port=s.silent_port,
                       snmp_community="cong-dong-xa"),
    ]
    extra = "[defaults]\ninterval = 5s\ntimeout = 1s\n[snmp]\nretries = 0\n"
    s.d = Daemon(minimal_config(devs, extra=extra), prefix="xtest-ctlsnmp-")
    s.closers.append(s.d.close)
    s.d.start()
    s.d.wait_ready()


fixture = shared_fixture(build, "snmpd and xanetd")


def ctl(s, *args):
    return s.d.ctl("--db", s.d.db_path, "snmp", *args, timeout=60)


def show(r):
    return "exit %d\nstdout:\n%s\nstderr:\n%s" % (r.returncode, r.stdout,
                                                  r.stderr)


def no_secrets(r):
    for secret in ("cong-dong-xa", AUTH_PASS, PRIV_PASS, "khoa-sai-roi-1"):
        ok(secret not in r.stdout + r.stderr, "secret %r not printed" %
           secret)


@test
def get_v2c(t):
    s = fixture()
    r = ctl(s, "get", "sw", SYSNAME, SYSOBJ)
    eq(r.returncode, 0, "exit status\n" + show(r))
    lines = r.stdout.strip().splitlines()
    eq(len(lines), 2, "one line per varbind\n" + show(r))
    matches(r'^\.?1\.3\.6\.1\.2\.1\.1\.5\.0 = STRING: "?sw-ctl"?$',
            lines[0], "sysName line")
    matches(r'^\.?1\.3\.6\.1\.2\.1\.1\.2\.0 = OID: '
            r'\.?1\.3\.6\.1\.4\.1\.41112\.1\.6$', lines[1], "sysObjectID")
    no_secrets(r)


@test
def get_json(t):
    s = fixture()
    r = ctl(s, "get", "sw", SYSNAME, "--json")
    eq(r.returncode, 0, "exit status\n" + show(r))
    j = json.loads(r.stdout)
    eq(len(j), 1, "one varbind")
    eq(j[0]["oid"].lstrip("."), SYSNAME, "oid")
    matches(r"(?i)string", j[0]["type"], "type")
    eq(j[0]["value"], "sw-ctl", "value")


@test
def walk_v2c(t):
    s = fixture()
    r = ctl(s, "walk", "sw", IFNAME)
    eq(r.returncode, 0, "exit status\n" + show(r))
    lines = r.stdout.strip().splitlines()
    eq(len(lines), 2, "the column's rows only\n" + show(r))
    matches(r'^\.?%s\.1 = STRING: "?ether1"?$' % re.escape(IFNAME),
            lines[0], "row 1")
    matches(r'^\.?%s\.2 = STRING: "?ether2"?$' % re.escape(IFNAME),
            lines[1], "row 2")


@test
def get_v3_authpriv(t):
    s = fixture()
    r = ctl(s, "get", "sw3", SYSNAME)
    eq(r.returncode, 0, "exit status\n" + show(r))
    matches(r'= STRING: "?sw-ctl"?$', r.stdout.strip(), "v3 sysName")
    no_secrets(r)


@test
def timeout_exit_1(t):
    s = fixture()
    r = ctl(s, "get", "mute", SYSNAME)
    eq(r.returncode, 1, "exit status\n" + show(r))
    matches(r"(?i)timeout|timed out", r.stdout + r.stderr, "message")
    r = ctl(s, "walk", "mute", IFNAME)
    eq(r.returncode, 1, "walk exit status\n" + show(r))
    matches(r"(?i)timeout|timed out", r.stdout + r.stderr, "walk message")


@test
def auth_failure_exit_1(t):
    s = fixture()
    r = ctl(s, "get", "sw3bad", SYSNAME)
    eq(r.returncode, 1, "exit status\n" + show(r))
    matches(r"(?i)authentication", r.stdout + r.stderr, "message")
    no_secrets(r)


@test
def unknown_device_exit_1(t):
    s = fixture()
    r = ctl(s, "get", "khong-co", SYSNAME)
    eq(r.returncode, 1, "exit status\n" + show(r))
    contains(r.stdout + r.stderr, "khong-co", "message names the device")


run()
