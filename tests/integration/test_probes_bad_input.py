#!/usr/bin/env python3
# test_probes_bad_input.py - every way a probe can fail ends in the right cause, and the daemon keeps probing the rest on time.
#
# One xanetd, one device per failure, next to healthy devices. Hosts live
# in namespaces (an HTTP server that answers 500, hangs or hangs up; a
# host that answers with ICMP host-unreachable; one that drops all); the
# names resolve through tests/lib/dnsd.py on 127.0.0.1 (dns_servers),
# which answers ap.test with 127.0.0.5 and NXDOMAIN for every name it does
# not know, so no real DNS server is ever asked (and dns-ok being up shows
# that the daemon asked ours: no real server knows ap.test).
import os
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
from avail import (describe, device_alerts, intervals, samples,  # noqa: E402
                   status_devices, wait_state)
from daemon import Daemon, device_section, minimal_config  # noqa: E402
from netns import Net  # noqa: E402
from xtest import (between, contains, eq, ge, le, ok,  # noqa: E402
                   run, shared_fixture, test)

INTERVAL = 1.0
FAIL = 2
RUN_S = 14.0		# how long everything runs before the checks
NX_NAME = "khong-co.xanet.test"
OK_NAME = "ap.test"	# dnsd.py: A 127.0.0.5
DNSD = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib",
                    "dnsd.py")

DEFAULTS = ("[defaults]\n"
            "interval = 1s\n"
            "timeout = 500ms\n"
            "fail_threshold = %d\n"
            "success_threshold = 1\n"
            "icmp_count = 3\n"
            "icmp_spacing = 100ms\n" % FAIL)



def build(s):
    net = Net("bad")
    s.closers.append(net.close)
    web = net.host("web")
    web.serve_http(8080)
    web.listen_tcp(7000)
    unr = net.host("unr")
    unr.reject_icmp()
    filt = net.host("filt")
    filt.drop_all()
    steady = net.host("steady")
    dns = subprocess.Popen([sys.executable, DNSD], stdin=subprocess.PIPE,
                           stdout=subprocess.PIPE)
    s.closers.append(lambda: stop_dnsd(dns))
    port = dns.stdout.readline().decode().strip()
    ok(port.isdigit(), "dnsd.py printed its port: %r" % port)
    s.dns_server = "127.0.0.1:%s" % port
    url = "http://%s:8080" % web.addr
    # key -> (device section, probe kind, expected cause or None for up)
    s.expect = {
        "dns-nx": ("icmp", "dns", dict(address=NX_NAME, probes="icmp")),
        "dns-ok": ("icmp", None, dict(address=OK_NAME, probes="icmp")),
        "unreach": ("icmp", "unreachable",
                    dict(address=unr.addr, probes="icmp")),
        "tcp-refused": ("tcp", "refused",
                        dict(address=web.addr, probes="tcp:7")),
        "tcp-filtered": ("tcp", "timeout",
                         dict(address=filt.addr, probes="tcp:7000")),
        "tcp-ok": ("tcp", None, dict(address=web.addr, probes="tcp:7000")),
        "http-500": ("http", "http-status",
                     dict(address=web.addr, probes=url + "/status/500")),
        "http-hang": ("http", "timeout",
                      dict(address=web.addr, probes=url + "/hang")),
        "http-close": ("http", "network",
                       dict(address=web.addr, probes=url + "/close")),
        "http-body": ("http", "http-body",
                      dict(address=web.addr, probes=url + "/body/xin-chao",
                           http_contains="xanet-ok")),
        "http-ok": ("http", None,
                    dict(address=web.addr, probes=url + "/ok",
                         http_contains="xanet-ok")),
        "steady": ("icmp", None, dict(address=steady.addr, probes="icmp")),
    }
    devs = []
    for i, (key, (_, _, kw)) in enumerate(sorted(s.expect.items()), 1):
        devs.append(device_section(key, "Thiết bị thử %d" % i, **kw))
    d = s.d = Daemon(minimal_config(
        devs, extra=DEFAULTS,
        daemon_extra="dns_servers = %s\n" % s.dns_server),
        prefix="xtest-bad-")
    s.closers.append(d.close)
    # libcurl must never go through a proxy from our environment.
    d.start(env={"no_proxy": "*", "NO_PROXY": "*"})
    d.wait_ready()
    s.t_ready = time.time()
    deadline = time.monotonic() + 20
    for key, (_, cause, _) in s.expect.items():
        wait_state(d, key, "down" if cause else "up",
                   max(1.0, deadline - time.monotonic()), "settling")
    time.sleep(max(0.0, s.t_ready + RUN_S - time.time()))
    s.t_check = time.time()
    s.status = status_devices(d)
    s.alive = d.alive()


scene = shared_fixture(build, "setting up")


def stop_dnsd(p):
    p.stdin.close()
    try:
        p.wait(5)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait(5)
    p.stdout.close()


def check_cause(t, key):
    s = scene()
    kind, cause, _ = s.expect[key]
    d = s.d
    eq(s.status[key].get("state"), "down", "status state of %s" % key)
    rows = intervals(d, key)
    t.note("%s:\n%s" % (key, describe(rows)))
    downs = [x for x in rows if x["state"] == "down"]
    eq(len(downs), 1, "down intervals of %s:\n%s" % (key, describe(rows)))
    eq(downs[0]["cause"], cause, "cause of %s's down interval" % key)
    eq(rows[-1]["state"], "down", "%s's last interval" % key)
    al = device_alerts(d, key)
    dl = [a for a in al if a["event"] == "down"]
    eq(len(dl), 1, "down lines of %s:\n%s" %
       (key, "\n".join(a["line"] for a in al)))
    eq(dl[0]["details"].get("cause"), cause, "cause= of %r" % dl[0]["line"])
    ok(dl[0]["details"].get("detail"), "a detail= for people in %r" %
       dl[0]["line"])
    ss = samples(d, key, kind)
    ge(len(ss), RUN_S / INTERVAL - 3, "%s samples of %s" % (kind, key))
    bad = [x for x in ss if x["ok"] or x["cause"] != cause]
    eq(bad, [], "%s samples of %s that are not failures with cause %s" %
       (kind, key, cause))
    return dl[0], ss


@test(timeout=90)
def unresolvable_name_is_dns(t):
    check_cause(t, "dns-nx")


@test
def resolvable_name_is_up(t):
    s = scene()
    eq(s.status["dns-ok"].get("state"), "up", "status of dns-ok (%s, "
       "which only our dnsd.py resolves)" % OK_NAME)


@test
def icmp_host_unreachable(t):
    a, _ = check_cause(t, "unreach")
    t.note(a["line"])


@test
def tcp_closed_port_refused(t):
    check_cause(t, "tcp-refused")


@test
def tcp_silent_port_times_out(t):
    check_cause(t, "tcp-filtered")


@test
def http_500_is_status(t):
    a, ss = check_cause(t, "http-500")
    contains(a["details"].get("detail", ""), "500",
             "detail= of %r" % a["line"])
    if "http_status" in ss[-1]:
        eq(ss[-1]["http_status"], 500, "sample.http_status")


@test
def http_hang_is_timeout(t):
    check_cause(t, "http-hang")


@test
def http_close_early_is_network(t):
    check_cause(t, "http-close")


@test
def http_body_without_text(t):
    check_cause(t, "http-body")


@test
def healthy_devices_stay_up(t):
    s = scene()
    for key, (kind, cause, _) in sorted(s.expect.items()):
        if cause is not None:
            continue
        eq(s.status[key].get("state"), "up", "status of %s" % key)
        rows = intervals(s.d, key)
        eq([x["state"] for x in rows if x["state"] != "unknown"], ["up"],
           "states of %s:\n%s" % (key, describe(rows)))
        eq([a["line"] for a in device_alerts(s.d, key)], [],
           "alert lines of %s" % key)


@test
def others_probed_on_schedule(t):
    s = scene()
    ok(s.alive, "xanetd alive after every bad input\n" + s.d.log_tail())
    t0, t1 = s.t_ready * 1000, s.t_check * 1000
    for key, (kind, _, _) in sorted(s.expect.items()):
        ss = [x for x in samples(s.d, key, kind) if t0 <= x["ts_ms"] <= t1]
        ge(len(ss), 3, "samples of %s" % key)
        span = (ss[-1]["ts_ms"] - ss[0]["ts_ms"]) / 1000.0
        want = span / INTERVAL + 1
        between(len(ss), want - 1, want + 1,
                "%s: rounds over %.1f s at interval 1s" % (key, span))
        gaps = [(b["ts_ms"] - a["ts_ms"]) / 1000.0
                for a, b in zip(ss, ss[1:])]
        le(max(gaps), INTERVAL + 0.5, "%s: longest gap between rounds "
           "(s)" % key)
        ge(min(gaps), INTERVAL - 0.5, "%s: shortest gap between rounds "
           "(s)" % key)
        le(ss[0]["ts_ms"] / 1000.0, s.t_ready + 2 * INTERVAL,
           "%s: first round within 2 intervals of READY" % key)
    st = s.status["steady"]
    rtt = st.get("rtt_ms")
    ok(isinstance(rtt, (int, float)) and 0 <= rtt < 100,
       "status rtt_ms of steady: %r" % rtt)
    eq(st.get("loss_pct"), 0, "status loss_pct of steady")


@test
def daemon_stops_cleanly(t):
    s = scene()
    s.d.signal(signal.SIGTERM)
    eq(s.d.wait_exit(10), 0, "exit status after SIGTERM")
    eq(s.d.sanitizer_report(), "", "sanitizer report in xanetd's stderr")


run()
