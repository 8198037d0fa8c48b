#!/usr/bin/env python3
# test_snmp_scale.py - 100 SNMP agents going silent at once make 100 outages, while a control device keeps being polled on schedule.
#
# One snmpd answers on 100 agentAddress endpoints (127.0.0.1, 100
# consecutive high ports: 100 devices); a second snmpd answers for the
# control device. Everything is polled every 2 s. Once all 101 are up,
# the test kills the first snmpd (SIGKILL: silence on all 100 ports at
# once) and expects exactly one `down` line per device, cause timeout,
# while the control device's polls keep their 2 s spacing.
import os
import signal
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
from avail import (device_alerts, intervals, open_state,  # noqa: E402
                   samples, status_devices)
from daemon import Daemon, device_section, minimal_config  # noqa: E402
from snmpd import Snmpd, require_snmpd  # noqa: E402
from xtest import (eq, fail, ge, le, ok, poll, require_root,  # noqa: E402
                   run, test)

N = 100
INTERVAL = 2.0


@test(timeout=150)
def hundred_silent_agents(t):
    require_root()
    require_snmpd()
    many = Snmpd(nports=N, sysname="many", prefix="xtest-snmpd-many-")
    t.defer(many.close)
    ctl = Snmpd(sysname="control", prefix="xtest-snmpd-ctl-")
    t.defer(ctl.close)
    many.start()
    ctl.start()
    many.wait_ready(all_ports=True)
    ctl.wait_ready()
    keys = ["ap-%03d" % i for i in range(N)]
    devs = [device_section("control", "Switch đối chứng", kind="switch",
                           probes="snmp", snmp_port=ctl.port,
                           snmp_community="public")]
    for k, p in zip(keys, many.ports):
        devs.append(device_section(k, "Điểm phát %s" % k, probes="snmp",
                                   snmp_port=p, snmp_community="public"))
    extra = ("[defaults]\ninterval = 2s\ntimeout = 1s\nicmp_count = 1\n"
             "fail_threshold = 2\nsuccess_threshold = 1\n")
    d = Daemon(minimal_config(devs, extra=extra), prefix="xtest-scale-")
    t.defer(d.close)
    d.start()
    d.wait_ready()

    def all_up():
        st = status_devices(d)
        return sum(1 for k in keys + ["control"]
                   if st.get(k, {}).get("state") == "up") == N + 1

    poll(all_up, 30, 0.5, "all 101 devices up")
    time.sleep(INTERVAL)
    cut = time.time()
    many.stop(signal.SIGKILL)
    t.note("killed the 100-port snmpd at %.3f" % cut)

    def downs():
        return sum(1 for k in keys if device_alerts(d, k, ("down",)))

    n = poll(lambda: downs() == N and downs(), 30, 0.5,
             "down lines for all 100 devices")
    took = time.time() - cut
    t.note("100 down lines %.1f s after the kill" % took)
    eq(n, N, "devices with a down line")
    time.sleep(INTERVAL * 2)
    end = time.time()
    for k in keys:
        got = device_alerts(d, k, ("down",))
        eq(len(got), 1, "%s down lines" % k)
        eq(open_state(d, k), "down", "%s state" % k)
        rows = [r for r in intervals(d, k) if r["state"] == "down"]
        eq(rows[-1]["cause"], "timeout", "%s cause" % k)
        le(rows[-1]["start_ms"] - cut * 1000, 2 * INTERVAL * 1000 + 1500,
           "%s outage starts at the first failed probe" % k)
    # The control device, on another agent, kept its schedule.
    ts = [r["ts_ms"] for r in samples(d, "control", "snmp")
          if (cut - 2 * INTERVAL) * 1000 <= r["ts_ms"] <= end * 1000]
    gaps = [b - a for a, b in zip(ts, ts[1:])]
    t.note("control gaps around the kill (ms): %s" % gaps)
    ge(len(ts), int((end - cut) / INTERVAL), "control polls")
    le(max(gaps), INTERVAL * 1000 * 1.5, "largest control gap")
    ok(all(r["ok"] for r in samples(d, "control", "snmp")),
       "every control poll ok")
    eq(open_state(d, "control"), "up", "control state")
    if not d.alive():
        fail("xanetd died:\n" + d.log_tail())


run()
