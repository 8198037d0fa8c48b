# snmpd.py - real net-snmp snmpd agents on 127.0.0.1 high ports for the SNMP tests: v1/v2c/v3 users, controlled values.
#
#     a = Snmpd(sysname="sw-core", sysobjectid="1.3.6.1.4.1.14988.1",
#               pass_roots=[IF_ROOT, IFX_ROOT])    # values via snmp_pass.py
#     t.defer(a.close)
#     a.set_values(ifaces_values([iface(1, "ether1", in_rate=1.25e6)]))
#     a.start(); a.wait_ready()
#     a.port, a.community, a.users["p_sha256_aes"]
#     a.snmpget(["1.3.6.1.2.1.1.5.0"])      # {"1.3.6.1.2.1.1.5.0": ...}
#     a.restart()                           # sysUpTime starts again at 0
#
# Each agent runs `snmpd -f -Lo -C -c CONF --persistentDir=DIR` from its
# own temp dir, with no MIB files loaded and no system or user config
# read (MIBDIRS, MIBS, SNMPCONFPATH point into the temp dir), listening on
# one or many `agentAddress udp:127.0.0.1:PORT` endpoints. Every USM
# user for every auth/priv protocol this net-snmp supports exists, named
# USER_NAMES: `nn` (noAuthNoPriv), `a_AUTH` (authNoPriv) and
# `p_AUTH_PRIV` (authPriv), with AUTH_PASS and PRIV_PASS. Subtrees listed
# in pass_roots are served by tests/lib/snmp_pass.py from values.json
# with priority 1, so they replace snmpd's own (host) values.
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

__all__ = [
    "Snmpd", "SnmpError", "require_snmpd", "free_udp_ports", "free_udp_port", "MAX_ENDPOINTS",
    "auth_protocols", "priv_protocols", "client_env", "snmp_cmd",
    "counter", "value", "iface", "ifaces_values", "AUTH_PASS", "PRIV_PASS",
    "IF_ROOT", "IFX_ROOT", "HR_ROOT", "SYS_OID", "OID",
]

HERE = os.path.dirname(os.path.abspath(__file__))
PASS = os.path.join(HERE, "snmp_pass.py")
AUTH_PASS = "xanet-auth-pass-1"
PRIV_PASS = "xanet-priv-pass-1"
IF_ROOT = "1.3.6.1.2.1.2"	# interfaces: ifNumber, ifTable
IFX_ROOT = "1.3.6.1.2.1.31"	# ifMIB: ifXTable (names, HC counters)
HR_ROOT = "1.3.6.1.2.1.25"	# HOST-RESOURCES: CPU load, storage

# Numeric OIDs the tests use.
OID = {
    "sysDescr": "1.3.6.1.2.1.1.1.0",
    "sysObjectID": "1.3.6.1.2.1.1.2.0",
    "sysUpTime": "1.3.6.1.2.1.1.3.0",
    "sysName": "1.3.6.1.2.1.1.5.0",
    "ifNumber": "1.3.6.1.2.1.2.1.0",
    "ifEntry": "1.3.6.1.2.1.2.2.1",
    "ifXEntry": "1.3.6.1.2.1.31.1.1.1",
    "hrProcessorLoad": "1.3.6.1.2.1.25.3.3.1.2",
    "hrStorageEntry": "1.3.6.1.2.1.25.2.3.1",
    "hrStorageRam": "1.3.6.1.2.1.25.2.1.2",
    "snmpInTotalReqVars": "1.3.6.1.2.1.11.13.0",
    "snmpInPkts": "1.3.6.1.2.1.11.1.0",
}
SYS_OID = OID

# ifEntry / ifXEntry columns.
IF_COL = {"index": 1, "descr": 2, "type": 3, "speed": 5, "admin": 7,
          "oper": 8, "in_octets": 10, "in_discards": 13, "in_errors": 14,
          "out_octets": 16, "out_discards": 19, "out_errors": 20}
IFX_COL = {"name": 1, "hc_in_octets": 6, "hc_out_octets": 10,
           "high_speed": 15, "alias": 18}

# snmpd answers on at most this many agentAddress endpoints (5.9.3: the
# 129th and later are silently ignored).
MAX_ENDPOINTS = 128

# snmpd modules serving the subtrees that pass_roots can take over.
OWN_MODULES = {
    IF_ROOT: ("interfaces", "ifTable"),
    IFX_ROOT: ("ifXTable",),
    HR_ROOT: ("hr_device", "hr_disk", "hr_network", "hr_other",
              "hr_partition", "hr_print", "hr_proc", "hr_system",
              "hrh_filesys", "hrh_storage", "hr_storage", "hr_filesys",
              "hrSWInstalledTable", "hrSWRunTable", "hrSWRunPerfTable",
              "host"),
}

# Config names (xanet.conf) -> net-snmp's names for createUser and -a/-x.
AUTH_NAMES = {"md5": "MD5", "sha": "SHA", "sha224": "SHA-224",
              "sha256": "SHA-256", "sha384": "SHA-384", "sha512": "SHA-512"}
PRIV_NAMES = {"des": "DES", "aes": "AES", "aes192": "AES-192",
              "aes256": "AES-256"}


class SnmpError(AssertionError):
    pass


def require_snmpd():
    """Skip the calling test (xtest.Skip) unless snmpd and the tools exist."""
    from xtest import skip
    for tool in ("snmpd", "snmpget", "snmpwalk", "snmptrap"):
        if not shutil.which(tool) and not os.path.exists(
                "/usr/sbin/" + tool):
            skip("%s not installed (apt-get install snmpd snmp)" % tool)


def snmpd_path():
    return shutil.which("snmpd") or "/usr/sbin/snmpd"


def _help_protocols(flag):
    try:
        r = subprocess.run(["snmpget", "-h"], capture_output=True,
                           text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return []
    m = re.search(r"^\s*%s PROTOCOL\s.*\(([^)]*)\)" % re.escape(flag),
                  r.stdout + r.stderr, re.M)
    return m.group(1).split("|") if m else []


def auth_protocols():
    """Config names of the auth protocols this net-snmp supports."""
    have = set(_help_protocols("-a"))
    return [k for k, v in AUTH_NAMES.items() if v in have]


def priv_protocols():
    """Config names of the privacy protocols this net-snmp supports."""
    have = set(_help_protocols("-x"))
    return [k for k, v in PRIV_NAMES.items() if v in have]


def free_udp_port(host="127.0.0.1"):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((host, 0))
    port = s.getsockname()[1]
    s.close()
    return port


_GIVEN = set()


def _ephemeral_low():
    """The first port of the kernel's ephemeral range (32768 if unknown)."""
    try:
        with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
            return int(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768


def free_udp_ports(n, host="127.0.0.1", lo=10000, hi=None):
    """N consecutive free UDP ports on HOST (checked by binding each),
    below the ephemeral range: between the check and snmpd's bind, a
    client (snmpget, xanetd's sessions) could otherwise be handed one of
    them as its source port."""
    import random
    if hi is None:
        hi = _ephemeral_low()
    rnd = random.Random(os.getpid() ^ int(time.time() * 1000))
    for _ in range(200):
        base = rnd.randrange(lo, hi - n)
        want = set(range(base, base + n))
        # Handed out earlier in this process to an snmpd that may not have
        # bound them yet.
        if want & _GIVEN:
            continue
        socks = []
        try:
            for p in range(base, base + n):
                s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                socks.append(s)
                s.bind((host, p))
            _GIVEN.update(want)
            return list(range(base, base + n))
        except OSError:
            continue
        finally:
            for s in socks:
                s.close()
    raise SnmpError("no %d consecutive free UDP ports on %s" % (n, host))


def client_env(home):
    """Environment for net-snmp tools: no MIBs, no system/user config,
    their persistent files (v3 engine cache) under HOME."""
    e = dict(os.environ)
    mibs = os.path.join(home, "mibs")
    os.makedirs(mibs, exist_ok=True)
    e.update({"MIBDIRS": mibs, "MIBS": "", "SNMPCONFPATH": home,
              "SNMP_PERSISTENT_DIR": os.path.join(home, "persist"),
              "HOME": home})
    return e


def snmp_cmd(tool, target, args, version="2c", community="public",
             user=None, auth=None, auth_pass=AUTH_PASS, priv=None,
             priv_pass=PRIV_PASS, timeout=1, retries=0, home=None):
    """argv for a net-snmp TOOL (snmpget, snmpwalk, snmptrap, ...)."""
    argv = [tool, "-On", "-m", "", "-t", str(timeout), "-r", str(retries)]
    if tool == "snmptrap":
        argv = [tool, "-m", "", "-t", str(timeout), "-r", str(retries)]
    if version == "3":
        level = "noAuthNoPriv"
        argv += ["-v3", "-u", user]
        if auth and auth != "none":
            level = "authNoPriv"
            argv += ["-a", AUTH_NAMES[auth], "-A", auth_pass]
            if priv and priv != "none":
                level = "authPriv"
                argv += ["-x", PRIV_NAMES[priv], "-X", priv_pass]
        argv += ["-l", level]
    else:
        argv += ["-v" + version, "-c", community]
    return argv + [target] + list(args)


# --- values for snmp_pass.py ----------------------------------------------

def value(typ, v):
    return {"type": typ, "value": v}


def counter(rate, base=0, typ="counter", t0=None):
    """A counter growing by RATE per second from BASE (at T0, default now)."""
    return {"type": typ, "rate": rate, "base": base,
            "t0": time.time() if t0 is None else t0}


def iface(index, name, descr=None, alias="", speed=100000000, admin=1,
          oper=1, in_rate=0, out_rate=0, hc=True, in_base=0, out_base=0,
          errors=0, discards=0):
    """One interface for ifaces_values(): a dict the test may change."""
    return {"index": index, "name": name, "descr": descr or name,
            "alias": alias, "speed": speed, "admin": admin, "oper": oper,
            "in_rate": in_rate, "out_rate": out_rate, "hc": hc,
            "in_base": in_base, "out_base": out_base, "errors": errors,
            "discards": discards, "t0": time.time()}


def ifaces_values(ifaces):
    """snmp_pass.py values for ifNumber, ifTable and ifXTable. An iface
    with hc=False has no ifHCIn/OutOctets (32-bit counters only); the
    32-bit ifIn/OutOctets always follow the same counter modulo 2^32."""
    v = {OID["ifNumber"]: value("integer", len(ifaces))}
    e, x = OID["ifEntry"], OID["ifXEntry"]
    for f in ifaces:
        i = f["index"]

        def put(root, col, val, i=i):
            v["%s.%d.%d" % (root, col, i)] = val

        put(e, IF_COL["index"], value("integer", i))
        put(e, IF_COL["descr"], value("string", f["descr"]))
        put(e, IF_COL["type"], value("integer", 6))
        put(e, IF_COL["speed"], value("gauge", min(f["speed"], 4294967295)))
        put(e, IF_COL["admin"], value("integer", f["admin"]))
        put(e, IF_COL["oper"], value("integer", f["oper"]))
        put(e, IF_COL["in_octets"],
            counter(f["in_rate"], f["in_base"], "counter", f["t0"]))
        put(e, IF_COL["out_octets"],
            counter(f["out_rate"], f["out_base"], "counter", f["t0"]))
        for k in ("in_errors", "out_errors"):
            put(e, IF_COL[k], value("counter", f["errors"]))
        for k in ("in_discards", "out_discards"):
            put(e, IF_COL[k], value("counter", f["discards"]))
        put(x, IFX_COL["name"], value("string", f["name"]))
        put(x, IFX_COL["alias"], value("string", f["alias"] or ""))
        put(x, IFX_COL["high_speed"], value("gauge", f["speed"] // 1000000))
        if f["hc"]:
            put(x, IFX_COL["hc_in_octets"],
                counter(f["in_rate"], f["in_base"], "counter64", f["t0"]))
            put(x, IFX_COL["hc_out_octets"],
                counter(f["out_rate"], f["out_base"], "counter64", f["t0"]))
    return v


# --- the agent --------------------------------------------------------------

class Snmpd:
    """One snmpd process in its own temp dir."""

    def __init__(self, ports=None, nports=1, community="public",
                 sysname="xanet-test", sysdescr="xanet test agent",
                 sysobjectid="1.3.6.1.4.1.8072.3.2.10", pass_roots=(),
                 values=None, users=True, extra_conf="", host="127.0.0.1",
                 prefix="xtest-snmpd-"):
        self.dir = tempfile.mkdtemp(prefix=prefix)
        os.chmod(self.dir, 0o755)
        self.host = host
        self.ports = list(ports) if ports else free_udp_ports(nports, host)
        if len(self.ports) > MAX_ENDPOINTS:
            raise SnmpError("snmpd serves at most %d agentAddress endpoints"
                            % MAX_ENDPOINTS)
        self.port = self.ports[0]
        self.community = community
        self.sysname = sysname
        self.sysdescr = sysdescr
        self.sysobjectid = sysobjectid
        self.pass_roots = list(pass_roots)
        self.values_path = os.path.join(self.dir, "values.json")
        self.conf = os.path.join(self.dir, "snmpd.conf")
        self.log_path = os.path.join(self.dir, "snmpd.log")
        self.persist = os.path.join(self.dir, "persist")
        self.users = {}
        if users:
            self.users["nn"] = dict(user="nn", auth="none", priv="none")
            for a in auth_protocols():
                self.users["a_" + a] = dict(user="a_" + a, auth=a,
                                            priv="none")
                for p in priv_protocols():
                    n = "p_%s_%s" % (a, p)
                    self.users[n] = dict(user=n, auth=a, priv=p)
        self.extra_conf = extra_conf
        self.proc = None
        self._log = None
        self.set_values(values or {})
        self.write_conf()

    def target(self, i=0):
        return "udp:%s:%d" % (self.host, self.ports[i])

    def write_conf(self):
        lines = [
            "# generated by tests/lib/snmpd.py",
            "rocommunity %s 127.0.0.0/8" % self.community,
            "sysName %s" % self.sysname,
            "sysDescr %s" % self.sysdescr,
            "sysObjectID .%s" % self.sysobjectid,
            "sysLocation Nha van hoa thon Dong",
            "sysContact can-bo-cntt@xa.example",
            "dontLogTCPWrappersConnects yes",
            "maxGetbulkRepeats 100",
            "leave_pidfile no",
        ]
        # snmpd reads lines of up to 1 KB; it appends repeated
        # agentAddress lines to one list.
        for i in range(0, len(self.ports), 32):
            lines.append("agentAddress " + ",".join(
                "udp:%s:%d" % (self.host, p) for p in self.ports[i:i + 32]))
        for name, u in self.users.items():
            if u["auth"] == "none":
                lines.append("createUser %s" % name)
                lines.append("rouser %s noauth" % name)
            elif u["priv"] == "none":
                lines.append("createUser %s %s %s" % (
                    name, AUTH_NAMES[u["auth"]], AUTH_PASS))
                lines.append("rouser %s auth" % name)
            else:
                lines.append("createUser %s %s %s %s %s" % (
                    name, AUTH_NAMES[u["auth"]], AUTH_PASS,
                    PRIV_NAMES[u["priv"]].replace("-", ""), PRIV_PASS))
                lines.append("rouser %s priv" % name)
        for root in self.pass_roots:
            lines.append("pass_persist -p 1 .%s %s %s .%s %s" % (
                root, sys.executable, PASS, root, self.values_path))
        if self.extra_conf:
            lines.append(self.extra_conf)
        with open(self.conf, "w") as f:
            f.write("\n".join(lines) + "\n")

    def set_values(self, values):
        """Replace what snmp_pass.py serves (atomically)."""
        self.values = dict(values)
        tmp = self.values_path + ".tmp"
        with open(tmp, "w") as f:
            json.dump(self.values, f)
        os.chmod(tmp, 0o644)
        os.replace(tmp, self.values_path)
        # snmp_pass.py re-reads on a changed mtime; make sure it changes
        # even when two writes fall in the same clock tick.
        t = time.time()
        os.utime(self.values_path, (t, t))

    def env(self):
        return client_env(self.dir)

    def start(self):
        os.makedirs(self.persist, exist_ok=True)
        self._log = open(self.log_path, "ab")
        argv = [snmpd_path(), "-f", "-Lo", "-C", "-c", self.conf,
                "--persistentDir=" + self.persist, "-M",
                os.path.join(self.dir, "mibs"), "-m", ""]
        # snmpd's own modules for the subtrees the test controls must not
        # answer first (its registry prefers the longer registered OID,
        # whatever pass_persist's priority).
        # Nor smux: its fixed TCP port 199 is one per machine.
        off = sorted({m for r in self.pass_roots
                      for m in OWN_MODULES.get(r, ())} | {"smux"})
        argv += ["-I", "-" + ",".join(off)]
        self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                                     stdout=self._log, stderr=self._log,
                                     env=self.env(), start_new_session=True)
        return self

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def wait_ready(self, timeout=20, all_ports=False):
        """Poll with snmpget until the agent answers (on every port if
        ALL_PORTS; else on the first and the last)."""
        ports = self.ports if all_ports else sorted({self.ports[0],
                                                     self.ports[-1]})
        deadline = time.monotonic() + timeout
        for p in ports:
            while True:
                if not self.alive():
                    raise SnmpError("snmpd exited (%s) before answering:\n%s"
                                    % (self.proc.returncode,
                                       self.log_tail()))
                r = subprocess.run(
                    snmp_cmd("snmpget", "udp:%s:%d" % (self.host, p),
                             [OID["sysUpTime"]], community=self.community,
                             timeout=0.5),
                    capture_output=True, text=True, env=self.env())
                if r.returncode == 0 and "Timeticks" in r.stdout:
                    break
                if time.monotonic() > deadline:
                    raise SnmpError("snmpd on port %d not answering within "
                                    "%.0f s: %s\n%s" % (
                                        p, timeout, r.stderr.strip(),
                                        self.log_tail()))
                time.sleep(0.1)
        if self.pass_roots:
            # pass_persist programs start on the first request under them.
            self.wait_values()
        return self

    def wait_values(self, timeout=10):
        oids = [k for k in self.values]
        if not oids:
            return
        deadline = time.monotonic() + timeout
        while True:
            got = self.snmpget(oids[:1], check=False)
            if got:
                return
            if time.monotonic() > deadline:
                raise SnmpError("pass_persist values not served within "
                                "%.0f s:\n%s" % (timeout, self.log_tail()))
            time.sleep(0.1)

    def stop(self, sig=signal.SIGTERM):
        if self.alive():
            try:
                os.killpg(self.proc.pid, sig)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)
        if self._log:
            self._log.close()
            self._log = None

    def kill(self):
        self.stop(signal.SIGKILL)

    def restart(self, ready=True):
        """Stop and start again: sysUpTime starts again from 0, the v3
        engine boots counter goes up."""
        self.stop()
        self.start()
        if ready:
            self.wait_ready()
        return self

    def log_tail(self, n=30):
        try:
            with open(self.log_path, "rb") as f:
                lines = f.read().decode("utf-8", "replace").splitlines()
        except FileNotFoundError:
            return ""
        return "\n".join(lines[-n:])

    def close(self):
        self.stop()
        if os.environ.get("XTEST_KEEP"):
            print("# kept %s" % self.dir)
        else:
            shutil.rmtree(self.dir, ignore_errors=True)

    # --- asking it ----------------------------------------------------------

    def run_tool(self, tool, args, port=None, timeout=1, retries=1, **kw):
        kw.setdefault("community", self.community)
        target = "udp:%s:%d" % (self.host, port or self.port)
        r = subprocess.run(snmp_cmd(tool, target, args, timeout=timeout,
                                    retries=retries, **kw),
                           capture_output=True, text=True, env=self.env(),
                           timeout=60)
        return r

    def snmpget(self, oids, check=True, port=None, **kw):
        """{oid: "TYPE: value"} from snmpget -On (without the dots)."""
        r = self.run_tool("snmpget", oids, port=port, **kw)
        if r.returncode != 0:
            if check:
                raise SnmpError("snmpget %s failed: %s" % (oids, r.stderr))
            return {}
        return parse_varbinds(r.stdout)

    def counter_value(self, oid, port=None, **kw):
        """The integer value of OID now (a counter, gauge or integer)."""
        got = self.snmpget([oid], port=port, **kw)
        text = got.get(oid, "")
        m = re.search(r"\((\d+)\)", text) or re.search(r"(-?\d+)\s*$", text)
        if not m:
            raise SnmpError("no number in %r for %s" % (text, oid))
        return int(m.group(1))


def parse_varbinds(text):
    out = {}
    for line in text.splitlines():
        m = re.match(r"^\.?([\d.]+) = (.*)$", line)
        if m:
            out[m.group(1)] = m.group(2)
    return out
