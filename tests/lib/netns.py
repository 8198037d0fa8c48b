# netns.py - hosts in network namespaces for the integration tests: links, loss, servers, routers.
#
#     net = Net("avail")                # skips (xtest.Skip) without root/ip/nft
#     t.defer(net.close)                # everything removed, even on failure
#     h = net.host("ap1")               # namespace + veth to the root namespace
#     h.addr                            # 10.200.N.2 (root side is 10.200.N.1)
#     h.link(False); h.link(True)       # outage: root side of the link down/up
#     h.loss(30)                        # drop 30% of incoming echo requests
#     h.reject_icmp()                   # answer everything with host-unreachable
#     h.serve_http(8080)                # /ok /status/500 /hang /close /body/TEXT
#     h.listen_tcp(2222)
#     r = net.router("rt", ["c1", "c2"])  # root <-> rt <-> c1, c2
#     r.link(False)                     # uplink down: rt and every child gone
#     r.children["c1"].addr
#
# Addresses: every link is a 10.200.N.0/30 (upstream side .1, host side
# .2). N is allocated under a lock file shared by every test process on
# the machine, from a registry of "N pid" lines, skipping anything the
# root namespace already routes, so parallel runs never collide; entries
# of dead processes are reclaimed (and their leftovers removed) on the way.
#
# Each link also gets a fallback `unreachable` route of low priority on
# its upstream side, so that while a link is down its addresses answer
# "host unreachable" there instead of following the default route out to
# the real network. A link taken down on the root side loses its routes
# (the kernel flushes them); link(True) puts them back.
import atexit
import fcntl
import os
import re
import shutil
import subprocess
import sys
import time

__all__ = ["Net", "Host", "Router", "NetError", "require_net"]

HERE = os.path.dirname(os.path.abspath(__file__))
SERVE = os.path.join(HERE, "nsserve.py")
FALLBACK_METRIC = 4242
LOCK_DIR = "/run/lock" if os.path.isdir("/run/lock") else "/tmp"
LOCK_PATH = os.path.join(LOCK_DIR, "xanet-test-netns.lock")
REGISTRY = os.path.join(LOCK_DIR, "xanet-test-netns.alloc")
NS_RE = re.compile(r"^xanet-(\d+)-")
LINK_RE = re.compile(r"^xn(\d+)h\d+$")


class NetError(AssertionError):
    pass


def _skip(reason):
    try:
        from xtest import Skip
    except ImportError:  # used outside the test runner
        raise NetError(reason)
    raise Skip(reason)


def require_net():
    """Skip (TAP) unless we are root and have ip, nft and namespaces."""
    if os.geteuid() != 0:
        _skip("needs root for network namespaces (run make check as root)")
    for tool in ("ip", "nft"):
        if not shutil.which(tool):
            _skip("needs the '%s' tool (iproute2 / nftables) for network "
                  "namespaces" % tool)
    name = "xanet-%d-probe" % os.getpid()
    r = subprocess.run(["ip", "netns", "add", name], capture_output=True)
    if r.returncode != 0:
        _skip("cannot create a network namespace here: %s" %
              r.stderr.decode("utf-8", "replace").strip())
    r = subprocess.run(["ip", "netns", "exec", name, "nft", "list",
                        "tables"], capture_output=True)
    subprocess.run(["ip", "netns", "del", name], capture_output=True)
    if r.returncode != 0:
        _skip("nft does not work inside a network namespace here: %s" %
              r.stderr.decode("utf-8", "replace").strip())


def _pid_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def sh(argv, check=True, input=None, timeout=30, ns=None):
    """Run ARGV (list) in the root namespace, or in namespace NS."""
    if ns is not None:
        argv = ["ip", "netns", "exec", ns] + list(argv)
    r = subprocess.run(argv, input=input, capture_output=True,
                       timeout=timeout)
    r.stdout = r.stdout.decode("utf-8", "replace")
    r.stderr = r.stderr.decode("utf-8", "replace")
    if check and r.returncode != 0:
        raise NetError("command failed (exit %d): %s\n%s%s" %
                       (r.returncode, " ".join(argv), r.stdout, r.stderr))
    return r


class _Lock:
    def __enter__(self):
        self.f = open(LOCK_PATH, "a+")
        fcntl.flock(self.f, fcntl.LOCK_EX)
        return self

    def __exit__(self, *exc):
        fcntl.flock(self.f, fcntl.LOCK_UN)
        self.f.close()


def _read_registry():
    out = []
    try:
        with open(REGISTRY) as f:
            for line in f:
                parts = line.split()
                if len(parts) == 2 and parts[0].isdigit() and \
                        parts[1].isdigit():
                    out.append((int(parts[0]), int(parts[1])))
    except FileNotFoundError:
        pass
    return out


def _write_registry(entries):
    tmp = REGISTRY + ".tmp"
    with open(tmp, "w") as f:
        for n, pid in entries:
            f.write("%d %d\n" % (n, pid))
    os.replace(tmp, REGISTRY)


def _reclaim_dead():
    """Under the lock: remove what dead test processes left behind."""
    entries = _read_registry()
    live = [(n, p) for n, p in entries if _pid_alive(p)]
    dead = [(n, p) for n, p in entries if not _pid_alive(p)]
    r = sh(["ip", "netns", "list"], check=False)
    for line in r.stdout.splitlines():
        name = line.split()[0] if line.split() else ""
        m = NS_RE.match(name)
        if m and not _pid_alive(int(m.group(1))):
            # Servers a dead run left inside keep the namespace alive.
            pids = sh(["ip", "netns", "pids", name], check=False)
            for p in pids.stdout.split():
                try:
                    os.kill(int(p), 9)
                except (ValueError, ProcessLookupError):
                    pass
            sh(["ip", "netns", "del", name], check=False)
    r = sh(["ip", "-o", "link", "show"], check=False)
    for line in r.stdout.splitlines():
        parts = line.split(":")
        if len(parts) > 1:
            name = parts[1].strip().split("@")[0]
            m = LINK_RE.match(name)
            if m and not _pid_alive(int(m.group(1))):
                sh(["ip", "link", "del", name], check=False)
    for n, _ in dead:
        _del_routes(n)
    if dead:
        _write_registry(live)


def _del_routes(n):
    prefix = "10.200.%d.0/30" % n
    for _ in range(4):
        r = sh(["ip", "route", "del", prefix], check=False)
        if r.returncode != 0:
            break


def _used_subnets():
    used = set()
    for argv in (["ip", "-4", "-o", "addr", "show"],
                 ["ip", "-4", "route", "show", "table", "all"]):
        r = sh(argv, check=False)
        for m in re.finditer(r"\b10\.200\.(\d+)\.\d+", r.stdout):
            used.add(int(m.group(1)))
        if re.search(r"\b10\.200\.0\.0/(1[0-6]|[0-9])\b", r.stdout):
            raise NetError("the root namespace routes all of 10.200.0.0/16 "
                           "already; refusing to use it:\n" + r.stdout)
    return used


class Net:
    """A set of namespaces and links owned by this test process."""

    def __init__(self, prefix="t"):
        require_net()
        self.pid = os.getpid()
        self.prefix = re.sub(r"[^A-Za-z0-9]", "", prefix)[:8] or "t"
        self.hosts = []		# every Host, in creation order
        self.routers = []
        self.subnets = []	# the N we allocated
        self.procs = []		# servers we started
        self._links = 0
        self._closed = False
        self._nsnames = []
        with _Lock():
            _reclaim_dead()
        # Also on an exit the test runner did not expect (cleanups are
        # idempotent); a run killed outright is reclaimed by the next one.
        atexit.register(self._close_quietly)

    def _close_quietly(self):
        try:
            self.close()
        except Exception:  # noqa: BLE001 - at exit, nobody to tell
            pass

    # --- allocation -------------------------------------------------------

    def _alloc(self):
        with _Lock():
            entries = _read_registry()
            taken = {n for n, _ in entries} | _used_subnets()
            for n in range(1, 255):
                if n not in taken:
                    entries.append((n, self.pid))
                    _write_registry(entries)
                    self.subnets.append(n)
                    return n
        raise NetError("no free 10.200.N.0/30 left (254 in use)")

    def _nsname(self, name):
        clean = re.sub(r"[^A-Za-z0-9_.-]", "-", name)
        ns = "xanet-%d-%s-%s" % (self.pid, self.prefix, clean)
        if ns in self._nsnames:
            raise NetError("host name %r used twice" % name)
        self._nsnames.append(ns)
        return ns

    def _linkname(self):
        self._links += 1
        name = "xn%dh%d" % (self.pid, self._links)
        if len(name) > 15:
            raise NetError("interface name %r too long" % name)
        return name

    # --- building -----------------------------------------------------------

    def _new_ns(self, name):
        ns = self._nsname(name)
        sh(["ip", "netns", "add", ns])
        sh(["ip", "-n", ns, "link", "set", "lo", "up"])
        return ns

    def host(self, name):
        """A namespace NAME linked to the root namespace."""
        ns = self._new_ns(name)
        n = self._alloc()
        h = Host(self, name, ns, n, upstream_ns=None,
                 upstream_if=self._linkname())
        self.hosts.append(h)
        h._create_link()
        return h

    def router(self, name, children):
        """A router namespace NAME behind the root namespace, and behind
        it one namespace per name in CHILDREN; the root namespace routes
        to every child through the router."""
        r = Router(self, name, children)
        self.routers.append(r)
        return r

    def ping(self, addr, timeout=1.0, ns=None):
        """One ICMP echo from the root namespace (or NS): True if answered.
        For the harness' own checks; the daemon under test does its own."""
        code = ("import socket,struct,sys,time,os\n"
                "s=socket.socket(socket.AF_INET,socket.SOCK_RAW,1)\n"
                "s.settimeout(%r)\n"
                "ident=os.getpid()&0xffff\n"
                "def ck(b):\n"
                "  b=b+b'\\0'*(len(b)%%2);v=sum(struct.unpack('!%%dH'%%(len(b)//2),b))\n"
                "  v=(v>>16)+(v&0xffff);v+=v>>16;return ~v&0xffff\n"
                "h=struct.pack('!BBHHH',8,0,0,ident,1)+b'xanet'\n"
                "h=h[:2]+struct.pack('!H',ck(h))+h[4:]\n"
                "try:\n"
                "  s.sendto(h,(%r,0))\n"
                "except OSError as e:\n"
                "  print('send',e.errno);sys.exit(2)\n"
                "end=time.monotonic()+%r\n"
                "while time.monotonic()<end:\n"
                "  try: d,a=s.recvfrom(2048)\n"
                "  except socket.timeout: break\n"
                "  ihl=(d[0]&15)*4;t,c=d[ihl],d[ihl+1]\n"
                "  if t==0 and struct.unpack('!H',d[ihl+4:ihl+6])[0]==ident:\n"
                "    print('reply');sys.exit(0)\n"
                "  if t==3: print('unreach',c,a[0]);sys.exit(3)\n"
                "print('timeout');sys.exit(1)\n" % (timeout, addr, timeout))
        r = sh([sys.executable, "-c", code], check=False, ns=ns,
               timeout=timeout + 10)
        self.last_ping = r.stdout.strip()
        return r.returncode == 0

    # --- the end ------------------------------------------------------------

    def close(self):
        if self._closed:
            return
        self._closed = True
        errors = []
        for p in self.procs:
            _stop_proc(p)
        # Root-side links first: deleting a namespace frees its veth
        # asynchronously, and a stale link would keep its subnet routed.
        for h in self.hosts:
            if h.upstream_ns is None:
                sh(["ip", "link", "del", h.upstream_if], check=False)
        for r in self.routers:
            sh(["ip", "link", "del", r.uplink.upstream_if], check=False)
        for ns in reversed(self._nsnames):
            r = sh(["ip", "netns", "del", ns], check=False)
            if r.returncode != 0 and "No such file" not in r.stderr:
                errors.append(r.stderr.strip())
        with _Lock():
            for n in self.subnets:
                _del_routes(n)
            entries = [(n, p) for n, p in _read_registry()
                       if p != self.pid]
            _write_registry(entries)
        # Wait for the kernel to finish removing our links.
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            r = sh(["ip", "-o", "link", "show"], check=False)
            if ("xn%dh" % self.pid) not in r.stdout:
                break
            time.sleep(0.05)
        else:
            errors.append("links left behind: %s" % r.stdout)
        if errors:
            raise NetError("net.close: " + "; ".join(errors))


def _stop_proc(p):
    if p.poll() is None:
        try:
            os.killpg(p.pid, 9)
        except ProcessLookupError:
            pass
        try:
            p.wait(5)
        except subprocess.TimeoutExpired:
            pass
    for f in (p.stdout, p.stderr):
        if f:
            try:
                f.close()
            except OSError:
                pass


class Server:
    """A server process running inside a namespace (see nsserve.py)."""

    def __init__(self, host, proc, port):
        self.host = host
        self.proc = proc
        self.port = port

    def url(self, path="/"):
        return "http://%s:%d%s" % (self.host.addr, self.port, path)

    def stop(self):
        _stop_proc(self.proc)

    def alive(self):
        return self.proc.poll() is None


class Host:
    """One namespace with one link upstream (to the root ns or a router).

    gw/addr: the upstream side and this side of 10.200.N.0/30; ns: the
    namespace's name; upstream_if: the link's name on the upstream side.
    """

    def __init__(self, net, name, ns, n, upstream_ns, upstream_if):
        self.net = net
        self.name = name
        self.ns = ns
        self.n = n
        self.gw = "10.200.%d.1" % n
        self.addr = "10.200.%d.2" % n
        self.subnet = "10.200.%d.0/30" % n
        self.upstream_ns = upstream_ns
        self.upstream_if = upstream_if
        self.up = True
        self.routes = []	# extra upstream routes: lists for ip route add
        self._tables = set()

    def __repr__(self):
        return "<Host %s %s>" % (self.name, self.addr)

    def _up_argv(self, *argv):
        if self.upstream_ns is None:
            return list(argv)
        return ["ip", "-n", self.upstream_ns] + list(argv[1:])

    def _create_link(self):
        if self.upstream_ns is None:
            sh(["ip", "link", "add", self.upstream_if, "type", "veth",
                "peer", "name", "eth0", "netns", self.ns])
        else:
            sh(["ip", "-n", self.upstream_ns, "link", "add",
                self.upstream_if, "type", "veth", "peer", "name", "eth0",
                "netns", self.ns])
        sh(self._up_argv("ip", "route", "add", "unreachable", self.subnet,
                         "metric", str(FALLBACK_METRIC)))
        sh(self._up_argv("ip", "addr", "add", self.gw + "/30", "dev",
                         self.upstream_if))
        sh(self._up_argv("ip", "link", "set", self.upstream_if, "up"))
        sh(["ip", "-n", self.ns, "addr", "add", self.addr + "/30", "dev",
            "eth0"])
        sh(["ip", "-n", self.ns, "link", "set", "eth0", "up"])
        sh(["ip", "-n", self.ns, "route", "add", "default", "via", self.gw])

    def link(self, up, side="upstream"):
        """Take the link down (False) or up (True). SIDE "upstream" (the
        root namespace or the router: the host's addresses become
        unreachable there at once) or "host" (the host's own end: the
        upstream side keeps its routes and sees silence, then ARP
        failure)."""
        if side == "host":
            sh(["ip", "-n", self.ns, "link", "set", "eth0",
                "up" if up else "down"])
            if up:
                sh(["ip", "-n", self.ns, "route", "replace", "default",
                    "via", self.gw])
            self.up = up
            return
        sh(self._up_argv("ip", "link", "set", self.upstream_if,
                         "up" if up else "down"))
        if up:
            # Routes through this link were flushed when it went down.
            for argv in self.routes:
                sh(self._up_argv(*argv))
        self.up = up

    def run(self, cmd, check=True, input=None, timeout=30):
        """Run CMD (a list, or a string for sh -c) inside the namespace."""
        if isinstance(cmd, str):
            cmd = ["sh", "-c", cmd]
        if isinstance(input, str):
            input = input.encode("utf-8")
        return sh(cmd, check=check, input=input, timeout=timeout, ns=self.ns)

    def popen(self, argv, **kw):
        """Start ARGV inside the namespace; killed by net.close()."""
        p = subprocess.Popen(["ip", "netns", "exec", self.ns] + list(argv),
                             stdin=subprocess.DEVNULL,
                             start_new_session=True, **kw)
        self.net.procs.append(p)
        return p

    def nft(self, table, rules):
        """Install (RULES text) or remove (None) nft table TABLE (family
        ip) inside the namespace."""
        if table in self._tables:
            self.run(["nft", "delete", "table", "ip", table])
            self._tables.discard(table)
        if rules is None:
            return
        self.run(["nft", "-f", "-"],
                 input="table ip %s {\n%s\n}\n" % (table, rules))
        self._tables.add(table)

    def loss(self, pct):
        """Drop incoming ICMP echo requests with probability PCT/100
        (nft numgen random); 0 removes the rule."""
        pct = int(pct)
        if not 0 <= pct <= 100:
            raise ValueError("loss percent %r" % pct)
        match = "" if pct == 100 else "numgen random mod 100 < %d " % pct
        self.nft("xanet_loss", None if pct == 0 else (
            "  chain input {\n"
            "    type filter hook input priority 0; policy accept;\n"
            "    icmp type echo-request %sdrop\n"
            "  }" % match))

    def reject_icmp(self, on=True):
        """Answer every incoming IPv4 packet with ICMP host-unreachable."""
        self.nft("xanet_reject", None if not on else (
            "  chain input {\n"
            "    type filter hook input priority 0; policy accept;\n"
            "    iifname \"eth0\" reject with icmp type host-unreachable\n"
            "  }"))

    def drop_all(self, on=True):
        """Silently drop every incoming packet (a host that hangs)."""
        self.nft("xanet_drop", None if not on else (
            "  chain input {\n"
            "    type filter hook input priority 0; policy accept;\n"
            "    iifname \"eth0\" drop\n"
            "  }"))

    def _serve(self, args, port):
        p = self.popen([sys.executable, SERVE] + args,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        line = p.stdout.readline().decode("utf-8", "replace").strip()
        if line != "ready":
            err = p.stderr.read().decode("utf-8", "replace") \
                if p.poll() is not None else ""
            _stop_proc(p)
            raise NetError("server in %s did not start (%r): %s" %
                           (self.ns, line, err))
        return Server(self, p, port)

    def serve_http(self, port=8080):
        """An HTTP server in the namespace. Paths: /ok (200 "xanet-ok"),
        /status/N (status N), /hang (reads the request, never answers),
        /close (reads the request, closes without a reply), /slow/MS
        (answers 200 after MS ms), /body/TEXT (200 with TEXT)."""
        return self._serve(["http", str(port)], port)

    def listen_tcp(self, port):
        """A TCP listener that accepts and closes each connection."""
        return self._serve(["tcp", str(port)], port)


class Router:
    """root <-> router namespace <-> one namespace per child.

    uplink: the router's own Host (its link to the root namespace);
    children: {name: Host}, each on its own link from the router. The
    root namespace routes each child's subnet via the router, the router
    forwards; link(False) takes the uplink down on the root side, which
    makes the router and every child unreachable for real.
    """

    def __init__(self, net, name, children):
        self.net = net
        self.name = name
        self.uplink = net.host(name)
        self.ns = self.uplink.ns
        self.addr = self.uplink.addr
        sh(["ip", "netns", "exec", self.ns, "sysctl", "-qw",
            "net.ipv4.ip_forward=1"])
        self.children = {}
        for i, cname in enumerate(children, 1):
            ns = net._new_ns(cname)
            n = net._alloc()
            h = Host(net, cname, ns, n, upstream_ns=self.ns,
                     upstream_if="c%d" % i)
            net.hosts.append(h)
            h._create_link()
            via = ["ip", "route", "add", h.subnet, "via", self.uplink.addr]
            sh(["ip", "route", "add", "unreachable", h.subnet, "metric",
                str(FALLBACK_METRIC)])
            sh(via)
            self.uplink.routes.append(via)
            self.children[cname] = h

    def link(self, up, side="upstream"):
        self.uplink.link(up, side)

    def run(self, cmd, **kw):
        return self.uplink.run(cmd, **kw)
