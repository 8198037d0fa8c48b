#!/usr/bin/env python3
# test_lan_live.py - the LAN sampler live: a capture replayed over a veth pair gives the same findings as `xanetctl lan analyze`; hosts approve/block/forget through xanetd.
#
# One xanetd captures on the root end of a veth pair whose other end is
# in a namespace; tcpreplay sends a capture built here (lanpcap.py) from
# that namespace. The frames go only across the pair: their destinations
# are made-up MACs or broadcast, so the root namespace never forwards
# them. IPv6 is off on both ends, so that nothing but the replayed
# frames crosses the link.
#
# The capture: a gateway (10.9.0.1) and two PCs; PC B asks for an address
# (DHCP DISCOVER, hostname KETOAN-PC, vendor class MSFT 5.0) and a rogue
# server 10.9.0.66 answers (OFFER; only 10.9.0.1 is allowed); PC A looks up
# a blocklisted domain and sends SYNs to 40 ports of one host (scan_ports
# 20); PC B looks up a Kaspersky update server. learning_period = 0, so
# every host is new at once.
import json
import re
import os
import shutil
import signal
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
from daemon import Daemon, device_section, xanetctl_path  # noqa: E402
from lanpcap import (Pcap, arp_reply, arp_request, dhcp_discover,  # noqa: E402
                     dhcp_offer, dns_query, tcp_syn)
from netns import Net, sh  # noqa: E402
from xtest import (contains, eq, fail, ge, gt, ok, poll, run,  # noqa: E402
                   shared_fixture, skip, test)

A = "02:a1:00:00:00:0a"
B = "02:a1:00:00:00:0b"
GW = "02:a1:00:00:00:01"
ROGUE = "02:a1:00:00:00:66"
TARGET = "02:a1:00:00:00:14"
OURS = "02:a1:00:00:00:"
NFRAMES = 47

LAN = ("[lan]\n"
       "enabled = yes\n"
       "interfaces = %s\n"
       "learning_period = 0\n"
       "gateway_ip = 10.9.0.1\n"
       "dhcp_servers = 10.9.0.1\n"
       "scan_ports = %d\n"
       "blocklist_domains = *.bad.example\n")


def config(iface, scan_ports=20):
    return ("[site]\nname = Xã Thử Nghiệm\n"
            "[daemon]\nstate_dir = @STATE_DIR@\nlog_level = info\n"
            "[web]\nenabled = no\n" + LAN % (iface, scan_ports) +
            device_section("this-host", "Máy chủ", kind="server",
                           address="127.0.0.1", probes="icmp"))


def first_capture(path):
    w = Pcap()
    w.add(arp_request(GW, "10.9.0.1", "10.9.0.10"))
    w.add(arp_reply(A, "10.9.0.10", GW, "10.9.0.1"))
    w.add(dhcp_discover(B, 0x1111, hostname="KETOAN-PC", vendor="MSFT 5.0"))
    w.add(dhcp_offer(ROGUE, "10.9.0.66", B, 0x1111, "10.9.0.200"))
    w.add(arp_request(B, "10.9.0.11", "10.9.0.1"))
    w.add(dns_query(A, "10.9.0.10", GW, "10.9.0.1", "malware.bad.example"))
    w.add(dns_query(B, "10.9.0.11", GW, "10.9.0.1",
                    "dnl-01.geo.kaspersky.com"))
    for port in range(1, 41):
        w.add(tcp_syn(A, "10.9.0.10", TARGET, "10.9.0.20", 50000, port))
    eq(len(w.frames), NFRAMES, "frames in the capture")
    return w.write(path)


def second_capture(path):
    w = Pcap()
    w.add(dns_query(B, "10.9.0.11", GW, "10.9.0.1", "www.example.com",
                    qid=0x4321))
    return w.write(path)


def build(s):
    for tool in ("tcpreplay",):
        if not shutil.which(tool):
            skip("needs %s (Debian package tcpreplay)" % tool)
    s.net = Net("lan")
    s.closers.append(s.net.close)
    s.h = s.net.host("pc")
    s.iface = s.h.upstream_if
    sh(["sysctl", "-qw", "net.ipv6.conf.%s.disable_ipv6=1" % s.iface])
    s.h.run(["sysctl", "-qw", "net.ipv6.conf.eth0.disable_ipv6=1"])
    s.d = Daemon(config(s.iface), prefix="xtest-lan-")
    s.closers.append(s.d.close)
    s.pcap1 = first_capture(os.path.join(s.d.dir, "first.pcap"))
    s.pcap2 = second_capture(os.path.join(s.d.dir, "second.pcap"))
    os.chmod(s.d.dir, 0o755)
    s.d.start()
    s.d.wait_ready()
    s.d.wait_log("LAN: capturing on %s" % s.iface)


fixture = shared_fixture(build, "the LAN test network and xanetd")


def replay(s, path):
    r = s.h.run(["tcpreplay", "--intf1=eth0", "--pps=500", path],
                check=False, timeout=60)
    if r.returncode != 0:
        fail("tcpreplay failed (%d): %s%s" % (r.returncode, r.stdout,
                                              r.stderr))


def key(rule, mac, ip):
    return (rule, mac or "", ip or "")


def analyze(s, path):
    r = s.d.ctl("lan", "analyze", path, "--json")
    eq(r.returncode, 0, "xanetctl lan analyze exit status\n" + r.stderr)
    return json.loads(r.stdout)


def live_events(s):
    return s.d.query("SELECT ts_ms, rule, mac, ip, details FROM lan_event "
                     "ORDER BY id")


@test(timeout=180)
def live_findings_match_offline(t):
    s = fixture()
    offline = analyze(s, s.pcap1)
    want = sorted(key(f["rule"], f["mac"], f["ip"])
                  for f in offline["findings"])
    rules = {k[0] for k in want}
    for rule in ("lan-new-host", "lan-rogue-dhcp", "lan-port-scan",
                 "lan-blocked-domain"):
        ok(rule in rules, "offline finds %s: %r" % (rule, want))
    replay(s, s.pcap1)

    def got_all():
        have = [key(e["rule"], e["mac"], e["ip"]) for e in live_events(s)]
        return have if len(have) >= len(want) else None
    have = poll(got_all, timeout=30, what="the live findings")
    time.sleep(2)  # nothing more should come
    have = sorted(key(e["rule"], e["mac"], e["ip"]) for e in live_events(s))
    eq(have, want, "live findings (rule, mac, ip) = lan analyze's")
    for e in live_events(s):
        contains(e["details"], "rule=" + e["rule"], "details name the rule")
        ok(e["mac"].startswith(OURS), "finding about our hosts: %r" % e)
    # Every finding is also an alert-log line with its rule and source.
    log = "\n".join(s.d.alerts())
    for rule, mac, ip in want:
        contains(log, rule, "alert log")
        contains(log, "mac=" + mac, "alert log")

    st = s.d.status()
    lan = st["lan"]
    eq(lan["enabled"], True, "status lan.enabled")
    eq(len(lan["interfaces"]), 1, "interfaces")
    f = lan["interfaces"][0]
    eq(f["name"], s.iface, "interface")
    eq(f["open"], True, "open")
    eq(f["drops"], 0, "pcap_stats drops")
    eq(lan["drops"], 0, "drops")
    ge(f["packets"], NFRAMES, "frames the kernel passed")
    ge(lan["sampled"], NFRAMES, "frames decoded")
    ge(lan["hosts"], 4, "hosts in the table")
    r = s.d.ctl("status", "--json")
    eq(r.returncode, 0, "xanetctl status --json\n" + r.stderr)
    eq(json.loads(r.stdout)["lan"]["interfaces"][0]["drops"], 0,
       "xanetctl status --json shows the LAN capture")
    r = s.d.ctl("status")
    eq(r.returncode, 0, "xanetctl status\n" + r.stderr)
    line = [ln for ln in r.stdout.splitlines() if ln.startswith("lan:")]
    eq(len(line), 1, "one lan: line in xanetctl status:\n" + r.stdout)
    m = re.match(r"lan: +%s: (\d+) hosts, " % re.escape(s.iface), line[0])
    ok(m and int(m.group(1)) >= 4,
       "the status line names the interface and counts hosts: %r" % line)
    contains(line[0], ", 0 dropped", "the status line shows no drops")
    t.note("live: %d frames received, %d drops, %d hosts, %d findings" %
           (f["packets"], f["drops"], lan["hosts"], len(have)))


@test
def rows_while_running(t):
    s = fixture()

    def hosts():
        rows = s.d.query("SELECT mac FROM host WHERE mac LIKE ?",
                         (OURS + "%",))
        macs = {r["mac"] for r in rows}
        return macs if {A, B, GW, ROGUE} <= macs else None
    poll(hosts, timeout=30, what="host rows for every MAC seen")
    rows = s.d.query("SELECT * FROM lan_capture")
    eq(len(rows), 1, "lan_capture rows")
    c = rows[0]
    eq(c["iface"], s.iface, "lan_capture.iface")
    eq(c["stop_ms"], None, "open while capturing")
    now = time.time() * 1000
    ok(now - 60000 < c["start_ms"] <= now, "start_ms is recent: %r" % c)
    # Signs of life every 10 s, with the counters.
    row = poll(lambda: [r for r in s.d.query("SELECT * FROM lan_capture")
                        if r["last_alive_ms"] > r["start_ms"] and
                        r["packets"] >= NFRAMES],
               timeout=30, what="lan_capture.last_alive_ms moving")[0]
    eq(row["drops"], 0, "lan_capture.drops")


@test
def approve_through_daemon(t):
    s = fixture()
    r = s.d.ctl("hosts", "approve", A.upper(), "--name", "PC kế toán")
    eq(r.returncode, 0, "hosts approve exit status\n" + r.stderr)
    contains(r.stdout, "approved", "hosts approve output")
    r = s.d.ctl("hosts", "--json")
    eq(r.returncode, 0, "hosts --json\n" + r.stderr)
    hosts = {h["mac"]: h for h in json.loads(r.stdout)["hosts"]}
    eq(hosts[A]["status"], "approved", "A's status")
    eq(hosts[A]["label"], "PC kế toán", "A's label")
    eq(hosts[B]["status"], "unknown", "B's status")
    r = s.d.ctl("hosts", "--unknown", "--json")
    unknown = {h["mac"] for h in json.loads(r.stdout)["hosts"]}
    ok(A not in unknown and B in unknown, "--unknown: %r" % unknown)
    r = s.d.ctl("hosts")
    eq(r.returncode, 0, "hosts table")
    contains(r.stdout, "PC kế toán", "the table shows the label")
    contains(r.stdout, "approved", "the table shows the status")
    # Bad input is refused by xanetctl, then by the daemon itself.
    r = s.d.ctl("hosts", "approve", "02:a1:00:00:00")
    eq(r.returncode, 2, "bad MAC: usage error")
    reply = s.d.control_json("host-approve nonsense\n")
    eq(reply["ok"], False, "daemon refuses a bad MAC")


@test
def block_alerts_when_seen(t):
    s = fixture()
    r = s.d.ctl("hosts", "block", B)
    eq(r.returncode, 0, "hosts block exit status\n" + r.stderr)
    eq(s.d.query("SELECT status FROM host WHERE mac = ?", (B,))[0]["status"],
       "blocked", "B's status in the database")
    replay(s, s.pcap2)
    ev = poll(lambda: s.d.query("SELECT * FROM lan_event WHERE rule = "
                                "'lan-blocked-host' AND mac = ?", (B,)),
              timeout=30, what="lan-blocked-host for B")
    eq(len(ev), 1, "one lan-blocked-host")
    poll(lambda: any("lan-blocked-host" in line and B in line
                     for line in s.d.alerts()),
         timeout=10, what="lan-blocked-host in the alert log")


@test
def forget_and_reload(t):
    s = fixture()
    r = s.d.ctl("hosts", "forget", ROGUE)
    eq(r.returncode, 0, "hosts forget exit status\n" + r.stderr)
    eq(s.d.query("SELECT count(*) AS n FROM host WHERE mac = ?",
                 (ROGUE,))[0]["n"], 0, "forgotten host's row")
    r = s.d.ctl("hosts", "forget", ROGUE)
    eq(r.returncode, 1, "forgetting it again fails")
    contains(r.stderr, "no host", "why")
    # New thresholds on SIGHUP; the decisions survive the new sampler.
    mark = len(s.d.stderr_text())
    s.d.write_config(config(s.iface, scan_ports=10))
    s.d.signal(signal.SIGHUP)
    s.d.wait_log("LAN: new thresholds applied", since=mark)
    r = s.d.ctl("hosts", "--json")
    hosts = {h["mac"]: h for h in json.loads(r.stdout)["hosts"]}
    eq(hosts[A]["status"], "approved", "A still approved after reload")
    eq(hosts[B]["status"], "blocked", "B still blocked after reload")


@test
def stop_closes_rows(t):
    s = fixture()
    s.d.signal(signal.SIGTERM)
    eq(s.d.wait_exit(30), 0, "xanetd exit status")
    rows = s.d.query("SELECT * FROM lan_capture")
    eq(len(rows), 1, "lan_capture rows")
    c = rows[0]
    ok(c["stop_ms"] is not None and c["stop_ms"] >= c["start_ms"],
       "capture closed: %r" % c)
    ge(c["packets"], NFRAMES + 1, "packets")
    eq(c["drops"], 0, "drops")
    b = s.d.query("SELECT * FROM host WHERE mac = ?", (B,))[0]
    eq(b["name"], "KETOAN-PC", "B's DHCP host name")
    eq(b["os_guess"], "Windows", "B's OS from the DHCP fingerprint")
    eq(b["av_product"], "Kaspersky", "B's antivirus")
    ok(b["av_last_ms"] and b["av_last_ms"] > 0, "B's last AV lookup")
    eq(b["ipv4"], "10.9.0.11", "B's IPv4")
    eq(b["label"], None, "B has no label")
    tr = s.d.query("SELECT h.mac, t.* FROM host_traffic_hour t JOIN host h "
                   "ON h.id = t.host_id WHERE h.mac = ?", (A,))
    ok(tr, "A's hourly traffic written at stop")
    gt(sum(r["bytes_out"] for r in tr), 40 * 54, "A's bytes out")
    eq(sum(r["pkts_out"] for r in tr), 42, "A's frames out")
    # Without a daemon, decisions cannot be taken; the list still works.
    r = s.d.ctl("hosts", "approve", B)
    eq(r.returncode, 3, "approve without xanetd\n" + r.stderr)
    contains(r.stderr, "not running", "why")
    r = s.d.ctl("hosts", "--json")
    eq(r.returncode, 0, "hosts from the database alone")


@test(timeout=180)
def restart_remembers_hosts(t):
    """A new xanetd on the same database knows every host and decision:
    the same capture again gives no lan-new-host except for the host that
    was forgotten, and the blocked one is reported."""
    s = fixture()
    before = s.d.query("SELECT max(id) AS id FROM lan_event")[0]["id"]
    mark = len(s.d.stderr_text())
    s.d.start()
    s.d.wait_ready()
    # A, B and the gateway; the rogue server was forgotten.
    s.d.wait_log("LAN: 3 known hosts loaded", since=mark)
    replay(s, s.pcap1)
    poll(lambda: s.d.query("SELECT * FROM lan_event WHERE id > ? AND rule "
                           "= 'lan-port-scan'", (before,)),
         timeout=30, what="the scan found again")
    time.sleep(2)
    new = s.d.query("SELECT rule, mac FROM lan_event WHERE id > ? AND rule "
                    "= 'lan-new-host'", (before,))
    eq(sorted(r["mac"] for r in new), [ROGUE], "new hosts after restart")
    blocked = s.d.query("SELECT mac FROM lan_event WHERE id > ? AND rule = "
                        "'lan-blocked-host'", (before,))
    eq({r["mac"] for r in blocked}, {B}, "the blocked host is reported")
    caps = s.d.query("SELECT * FROM lan_capture ORDER BY id")
    eq(len(caps), 2, "one lan_capture row per run")
    ok(caps[0]["stop_ms"] is not None and caps[1]["stop_ms"] is None,
       "the first closed, the second open: %r" % caps)
    s.d.signal(signal.SIGTERM)
    eq(s.d.wait_exit(30), 0, "xanetd exit status")


def flood(h, path):
    r = h.run(["tcpreplay", "--intf1=eth0", "--topspeed", path],
              check=False, timeout=90)
    if r.returncode != 0:
        fail("tcpreplay failed (%d): %s%s" % (r.returncode, r.stdout,
                                              r.stderr))


@test(timeout=240)
def drops_alert_once(t):
    """While xanetd is stopped (SIGSTOP) the 8 MB ring fills and the
    kernel drops the rest: one lan-capture-drops, not one per flood."""
    s = fixture()
    h = s.net.host("flood")
    sh(["sysctl", "-qw", "net.ipv6.conf.%s.disable_ipv6=1" % h.upstream_if])
    h.run(["sysctl", "-qw", "net.ipv6.conf.eth0.disable_ipv6=1"])
    d = Daemon(config(h.upstream_if), prefix="xtest-lan-")
    t.defer(d.close)
    w = Pcap(step_us=1)
    frame = tcp_syn(A, "10.9.0.10", TARGET, "10.9.0.20", 50000, 80)
    for _ in range(300000):
        w.add(frame)
    path = w.write(os.path.join(d.dir, "flood.pcap"))
    d.start()
    d.wait_ready()
    d.wait_log("LAN: capturing on %s" % h.upstream_if)
    for round_ in range(2):
        d.signal(signal.SIGSTOP)
        try:
            flood(h, path)
        finally:
            d.signal(signal.SIGCONT)
        st = poll(lambda: (lambda f: f if f["drops"] > 0 else None)(
            d.status()["lan"]["interfaces"][0]), timeout=30,
            what="drops counted after flood %d" % (round_ + 1))
        t.note("flood %d: %d received, %d dropped" %
               (round_ + 1, st["packets"], st["drops"]))
        ev = poll(lambda: d.query("SELECT * FROM lan_event WHERE rule = "
                                  "'lan-capture-drops'"),
                  timeout=30, what="lan-capture-drops")
        time.sleep(6)  # a tick more: no second alert
        ev = d.query("SELECT * FROM lan_event WHERE rule = "
                     "'lan-capture-drops'")
        eq(len(ev), 1, "lan-capture-drops alerts after flood %d" %
           (round_ + 1))
    contains(ev[0]["details"], "iface=" + h.upstream_if, "details")
    contains(ev[0]["details"], "dropped=", "details")
    ok(any("lan-capture-drops" in line for line in d.alerts()),
       "lan-capture-drops in the alert log")
    gt(d.status()["lan"]["drops"], 0, "status lan.drops")


@test
def missing_interface_keeps_running(t):
    if os.geteuid() != 0:
        skip("needs root to open captures")
    d = Daemon(config("xnbogus0"), prefix="xtest-lan-")
    t.defer(d.close)
    d.start()
    d.wait_ready()
    d.wait_log("this LAN is not watched")
    st = d.status()
    f = st["lan"]["interfaces"][0]
    eq(f["name"], "xnbogus0", "interface")
    eq(f["open"], False, "not open")
    contains(f.get("error", ""), "xnbogus0", "error names it")
    eq(d.control_json("ping\n").get("pong"), True, "still answers")
    eq(d.query("SELECT count(*) AS n FROM lan_capture")[0]["n"], 0,
       "no coverage claimed")


run()
