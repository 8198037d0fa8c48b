#!/usr/bin/env python3
# test_snmp_traps.py - the trap receiver: v1/v2c link and start traps become alert lines on the right device; unknown, wrong-community and flooding traps do not.
#
# xanetd listens for traps on 127.0.0.1:PORT ([snmp] trap_port,
# trap_communities = baocao, trap_rate = 10). Traps come from net-snmp's
# snmptrap with --clientaddr (the source address picks the device) and,
# for the flood, from tests/lib/snmpfake.py's encoder:
#   ta  127.0.0.21  polled over SNMP (an snmpd on 127.0.0.21 whose
#                   ifIndex 3 is ether3, so traps can name the interface)
#   tb  127.0.0.22  ICMP only
#   tc  127.0.0.23  ICMP only; the flood comes from here
import os
import re
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
from avail import alert_lines, device_alerts, wait_alert  # noqa: E402
from daemon import Daemon, device_section, minimal_config  # noqa: E402
from snmpd import (IF_ROOT, IFX_ROOT, Snmpd, client_env,  # noqa: E402
                   free_udp_port, iface, ifaces_values, require_snmpd)
from snmpfake import encode_trap_v2c  # noqa: E402
from xtest import (between, contains, eq, ge, le, matches, ok,  # noqa
                   poll, require_root, run, shared_fixture, test)

COMM = "baocao"
RATE = 10
LINK_DOWN, LINK_UP = "1.3.6.1.6.3.1.1.5.3", "1.3.6.1.6.3.1.1.5.4"
COLD, WARM = "1.3.6.1.6.3.1.1.5.1", "1.3.6.1.6.3.1.1.5.2"
IFINDEX, IFADMIN, IFOPER = ("1.3.6.1.2.1.2.2.1.1", "1.3.6.1.2.1.2.2.1.7",
                            "1.3.6.1.2.1.2.2.1.8")
UNKNOWN = "1.3.6.1.4.1.99999.0.7"


def build(s):
    require_root()
    require_snmpd()
    s.agent = Snmpd(host="127.0.0.21", community="public", sysname="ta",
                    pass_roots=[IF_ROOT, IFX_ROOT],
                    prefix="xtest-snmpd-trap-")
    s.closers.append(s.agent.close)
    s.agent.set_values(ifaces_values([iface(1, "ether1"),
                                      iface(3, "ether3")]))
    s.agent.start()
    s.agent.wait_ready()
    s.port = free_udp_port()
    s.env = client_env(s.agent.dir)
    devs = [
        device_section("ta", "Switch thôn Đông", kind="switch",
                       address="127.0.0.21", probes="snmp",
                       snmp_port=s.agent.port, snmp_community="public"),
        device_section("tb", "AP thôn Bắc", address="127.0.0.22",
                       probes="icmp"),
        device_section("tc", "AP thôn Nam", address="127.0.0.23",
                       probes="icmp"),
    ]
    extra = ("[defaults]\ninterval = 2s\ntimeout = 1s\nicmp_count = 1\n"
             "[snmp]\ntrap_port = %d\ntrap_listen = 127.0.0.1\n"
             "trap_communities = %s\ntrap_rate = %d\n" % (s.port, COMM,
                                                           RATE))
    s.d = Daemon(minimal_config(devs, extra=extra), prefix="xtest-trap-")
    s.closers.append(s.d.close)
    s.d.start()
    s.d.wait_ready()
    # The interface names come from a poll.
    poll(lambda: s.d.query(
        "SELECT 1 FROM snmp_iface i JOIN device dv ON dv.id = i.device_id "
        "WHERE dv.key = 'ta' AND i.if_index = 3 AND i.name = 'ether3'"),
        20, what="ether3 known from polling ta")


fixture = shared_fixture(build, "trap receiver")


def snmptrap(s, src, args, version="2c", community=COMM):
    argv = ["snmptrap", "-m", "", "--clientaddr=" + src, "-v" + version,
            "-c", community, "127.0.0.1:%d" % s.port] + list(args)
    r = subprocess.run(argv, capture_output=True, text=True, env=s.env,
                       timeout=20)
    eq(r.returncode, 0, "snmptrap %s: %s" % (" ".join(args), r.stderr))


def v2c_link(s, src, trap, ifindex, oper):
    snmptrap(s, src, ["", trap,
                      "%s.%d" % (IFINDEX, ifindex), "i", str(ifindex),
                      "%s.%d" % (IFADMIN, ifindex), "i", "1",
                      "%s.%d" % (IFOPER, ifindex), "i", str(oper)])


def v1_trap(s, src, generic, vbs=(), community=COMM):
    snmptrap(s, src, ["1.3.6.1.4.1.8072.3.2.10", src, str(generic), "0",
                      ""] + list(vbs), version="1", community=community)


@test(timeout=60)
def v1_link_down(t):
    s = fixture()
    v1_trap(s, "127.0.0.21", 2, ["%s.3" % IFINDEX, "i", "3",
                                 "%s.3" % IFOPER, "i", "2"])
    got = wait_alert(s.d, "ta", "link-down", 10)
    eq(len(got), 1, "one link-down line")
    a = got[0]
    contains(a["line"], "interface ether3 (ifIndex 3)", "link-down details")
    ok(a["line"].rstrip().endswith("(trap)"),
       "details end with (trap): %r" % a["line"])
    eq(device_alerts(s.d, "tb", ("link-down",)), [], "nothing on tb")


@test(timeout=60)
def v2c_link_up(t):
    s = fixture()
    v2c_link(s, "127.0.0.21", LINK_UP, 3, 1)
    got = wait_alert(s.d, "ta", "link-up", 10)
    contains(got[0]["line"], "interface ether3 (ifIndex 3)", "details")
    ok(got[0]["line"].rstrip().endswith("(trap)"), "ends with (trap)")
    v2c_link(s, "127.0.0.21", LINK_DOWN, 1, 2)
    got = wait_alert(s.d, "ta", "link-down", 10, count=2)
    contains(got[-1]["line"], "interface ether1 (ifIndex 1)",
             "v2c linkDown details")


@test(timeout=60)
def cold_and_warm_start(t):
    s = fixture()
    snmptrap(s, "127.0.0.22", ["", COLD])
    got = wait_alert(s.d, "tb", "cold-start", 10)
    eq(len(got), 1, "one cold-start on tb")
    v1_trap(s, "127.0.0.22", 1)
    got = wait_alert(s.d, "tb", "warm-start", 10)
    eq(len(got), 1, "one warm-start on tb")
    eq(device_alerts(s.d, "ta", ("cold-start", "warm-start")), [],
       "nothing on ta")


@test(timeout=60)
def unknown_and_foreign_traps_ignored(t):
    s = fixture()
    d = s.d
    n_alerts = len(d.alerts())
    mark = len(d.stderr_text())
    warm = len(device_alerts(d, "tb", ("warm-start",)))
    snmptrap(s, "127.0.0.22", ["", UNKNOWN, "1.3.6.1.4.1.99999.1.1.0", "s",
                               "xin chao"])
    # A wrong community and an unknown source: ignored too.
    snmptrap(s, "127.0.0.21", ["", COLD], community="sai-cong-dong")
    v1_trap(s, "127.0.0.21", 0, community="sai-cong-dong")
    snmptrap(s, "127.0.0.99", ["", COLD])
    # Then a good one, so we know the earlier ones were handled.
    snmptrap(s, "127.0.0.22", ["", WARM])
    wait_alert(d, "tb", "warm-start", 10, count=warm + 1)
    time.sleep(1.0)
    new = [a for a in alert_lines(d)][n_alerts:]
    eq([a["event"] for a in new if a["event"] != "warm-start"], [],
       "only the good trap made an alert line: %r" %
       [a["line"] for a in new])
    # (No alert row either: the store holds only what the log shows.)
    eq(d.query("SELECT count(*) AS n FROM alert a JOIN device dv ON "
               "dv.id = a.device_id WHERE dv.key = 'ta' AND a.event = "
               "'cold-start'")[0]["n"], 0, "no cold-start row for ta")
    log = d.stderr_text()[mark:]
    matches(re.escape(UNKNOWN), log, "the unknown trap logged")
    ok(d.alive(), "xanetd still running")


@test(timeout=60)
def flood_rate_limited(t):
    s = fixture()
    d = s.d
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    t.defer(sock.close)
    sock.bind(("127.0.0.23", 0))
    for i in range(300):
        sock.sendto(encode_trap_v2c(COMM, COLD, reqid=1000 + i),
                    ("127.0.0.1", s.port))
        if i % 50 == 49:
            time.sleep(0.05)
    time.sleep(2.0)
    got = device_alerts(d, "tc", ("cold-start",))
    between(len(got), 1, RATE, "cold-start lines for tc out of 300 traps")
    ok(d.alive(), "xanetd still running")
    log = d.stderr_text()
    ok([ln for ln in log.splitlines() if "127.0.0.23" in ln and
        re.search(r"(?i)drop|rate|limit", ln)],
       "a log line about dropped traps from 127.0.0.23:\n" +
       d.log_tail(20))
    # Another source is not limited by tc's flood.
    n = len(device_alerts(d, "tb", ("cold-start",)))
    snmptrap(s, "127.0.0.22", ["", COLD])
    wait_alert(d, "tb", "cold-start", 10, count=n + 1)
    # xanetctl status sums it up: the receiver is on and counted them.
    r = d.ctl("status")
    eq(r.returncode, 0, "xanetctl status\n" + r.stderr)
    m = re.search(r"^snmp: .*traps on \((\d+) received, (\d+) accepted\)$",
                  r.stdout, re.M)
    ok(m, "an snmp: line with the trap counts:\n" + r.stdout)
    ge(int(m.group(1)), 300, "traps received")
    le(int(m.group(2)), int(m.group(1)) - 250, "the flood was not accepted")


run()
