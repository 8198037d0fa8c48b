# daemon.py - start a real xanetd in a temp dir for a test, talk to it, clean up.
#
#     d = Daemon(minimal_config())      # temp dir, config written
#     t.defer(d.close)                  # kill and remove, even on failure
#     d.start()
#     d.wait_ready()
#     reply = d.control(b"ping\n")
#     with d.db() as db: ...
#
# The config text may use @DIR@ (the temp dir) and @STATE_DIR@ (DIR/state);
# a [daemon] section without state_dir gets one pointing at @STATE_DIR@.
# Files are left readable by others and the dirs traversable, because
# xanetd started as root drops to its own user and must still read its
# config and reach its state dir and our notify socket.
import json
import os
import pwd
import re
import shutil
import signal as _signal
import socket
import sqlite3
import subprocess
import tempfile
import threading
import time

__all__ = [
    "Daemon", "minimal_config", "device_section", "line_of", "builddir",
    "srcdir", "xanetd_path", "xanetctl_path", "ensure_user",
    "sanitizer_errors", "read_proc_status", "VERSION",
]

VERSION = "0.1.0"

SANITIZER_RE = re.compile(
    r"(ERROR: (Address|Leak|Thread|Memory)Sanitizer|runtime error:|"
    r"SUMMARY: (Address|Leak|Undefined)\w*Sanitizer)")


def srcdir():
    return os.environ.get("XANET_SRCDIR") or os.path.abspath(
        os.path.join(os.path.dirname(__file__), "..", ".."))


def builddir():
    return os.environ.get("XANET_BUILDDIR") or srcdir()


def xanetd_path():
    return os.environ.get("XANETD") or os.path.join(builddir(), "xanetd")


def xanetctl_path():
    return os.environ.get("XANETCTL") or os.path.join(builddir(), "xanetctl")


def device_section(key, name, kind="wifi-ap", address="127.0.0.1",
                   **extra):
    lines = ["[device %s]" % key, "name = %s" % name, "kind = %s" % kind]
    if address is not None:
        lines.append("address = %s" % address)
    for k, v in extra.items():
        lines.append("%s = %s" % (k, v))
    return "\n".join(lines) + "\n"


def minimal_config(devices=None, daemon_extra="", extra="",
                   site="Xã Thử Nghiệm", log_level="info"):
    """The spec's minimal config; DEVICES is a list of device_section()s."""
    if devices is None:
        devices = [device_section("ap-01", "Nhà văn hóa thôn Đông")]
    return (
        "[site]\n"
        "name = %s\n"
        "[daemon]\n"
        "state_dir = @STATE_DIR@\n"
        "log_level = %s\n"
        "%s"
        "[web]\n"
        "enabled = no\n"
        "[lan]\n"
        "enabled = no\n"
        "%s"
        "%s"
        "%s" % (site, log_level, daemon_extra, evidence_off(extra), extra,
                "".join(devices)))


def web_on(text, port, extra=""):
    """TEXT from minimal_config with the dashboard on 127.0.0.1:PORT."""
    return text.replace("[web]\nenabled = no\n",
                        "[web]\nenabled = yes\nlisten = 127.0.0.1\n"
                        "port = %d\n%s" % (port, extra))


def evidence_off(extra):
    """No scheduled snapshots unless EXTRA has its own [evidence]: a test
    that runs across 23:55 local must not get a daily pack it did not ask
    for."""
    if "[evidence]" in extra:
        return ""
    return "[evidence]\ndaily = off\nquarterly_day = 0\n"


def line_of(text, needle, start=1):
    """1-based number of the first line (from START) containing NEEDLE."""
    for n, line in enumerate(text.splitlines(), 1):
        if n >= start and needle in line:
            return n
    raise ValueError("%r not in config text" % needle)


def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def ensure_user(name="xanet"):
    """As root: create the system user xanetd drops to, if missing."""
    try:
        return pwd.getpwnam(name)
    except KeyError:
        pass
    if os.geteuid() != 0:
        return None
    subprocess.run(["useradd", "--system", "--no-create-home", "--shell",
                    "/usr/sbin/nologin", name], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return pwd.getpwnam(name)


def sanitizer_errors(text):
    """The sanitizer reports in TEXT (a captured stderr), or ''."""
    m = SANITIZER_RE.search(text)
    if not m:
        return ""
    start = text.rfind("\n", 0, max(0, m.start() - 200)) + 1
    return text[start:start + 6000]


def read_proc_status(pid):
    out = {}
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            k, _, v = line.partition(":")
            out[k] = v.strip()
    return out


class DaemonError(AssertionError):
    pass


class Daemon:
    """One xanetd under test, in its own temp dir."""

    def __init__(self, config=None, files=None, prefix="xtest-",
                 stop_on_ready=False):
        self.dir = tempfile.mkdtemp(prefix=prefix)
        os.chmod(self.dir, 0o755)
        self.state_dir = os.path.join(self.dir, "state")
        self.conf = os.path.join(self.dir, "xanet.conf")
        self.db_path = os.path.join(self.state_dir, "xanet.db")
        self.sock_path = os.path.join(self.state_dir, "xanetd.sock")
        self.alert_log = os.path.join(self.state_dir, "alerts.log")
        self.stderr_path = os.path.join(self.dir, "stderr.log")
        self.stdout_path = os.path.join(self.dir, "stdout.log")
        self.notify_path = os.path.join(self.dir, "notify.sock")
        self.proc = None
        self.stop_on_ready = stop_on_ready
        self.stopped_on_ready = False
        self.messages = []	# (monotonic time, text) from NOTIFY_SOCKET
        self._cv = threading.Condition()
        self._nsock = None
        self._reader = None
        self._closing = False
        self._err = None
        self._out = None
        for name, text in (files or {}).items():
            self.write_file(name, text)
        if config is not None:
            self.write_config(config)

    # --- files -----------------------------------------------------------

    def expand(self, text):
        return text.replace("@STATE_DIR@", self.state_dir).replace(
            "@DIR@", self.dir)

    def write_file(self, name, text, mode=0o644):
        """Write NAME (relative to the temp dir) atomically; returns path."""
        path = name if os.path.isabs(name) else os.path.join(self.dir, name)
        tmp = path + ".tmp%d" % os.getpid()
        data = self.expand(text).encode("utf-8") if isinstance(
            text, str) else text
        with open(tmp, "wb") as f:
            f.write(data)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
        return path

    def write_config(self, text):
        text = self.expand(text)
        if "[daemon]" in text and not re.search(r"^\s*state_dir\s*=", text,
                                                re.M):
            text = text.replace("[daemon]\n",
                                "[daemon]\nstate_dir = %s\n" %
                                self.state_dir, 1)
        self.config_text = text
        return self.write_file(self.conf, text)

    def stderr_text(self):
        try:
            with open(self.stderr_path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except FileNotFoundError:
            return ""

    def stdout_text(self):
        try:
            with open(self.stdout_path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except FileNotFoundError:
            return ""

    def log_tail(self, n=40):
        lines = self.stderr_text().splitlines()
        return "\n".join(lines[-n:])

    def alerts(self, path=None):
        """Lines of the alert log (or PATH), [] if it does not exist."""
        try:
            with open(path or self.alert_log, "rb") as f:
                return f.read().decode("utf-8", "replace").splitlines()
        except FileNotFoundError:
            return []

    # --- process ---------------------------------------------------------

    def _notify_socket(self):
        if self._nsock is not None:
            return
        s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        s.bind(self.notify_path)
        # xanetd started as root sends from its dropped user.
        os.chmod(self.notify_path, 0o666)
        s.settimeout(0.2)
        self._nsock = s
        self._reader = threading.Thread(target=self._read_notify,
                                        daemon=True)
        self._reader.start()

    def _read_notify(self):
        while not self._closing:
            try:
                data = self._nsock.recv(65536)
            except socket.timeout:
                continue
            except OSError:
                return
            text = data.decode("utf-8", "replace")
            lines = text.split("\n")
            if (self.stop_on_ready and not self.stopped_on_ready and
                    "READY=1" in lines and self.proc is not None):
                # Freeze it at the very moment it says READY, so that the
                # test sees the state it announced, not a later one.
                try:
                    os.kill(self.proc.pid, _signal.SIGSTOP)
                    self.stopped_on_ready = True
                except ProcessLookupError:
                    pass
            with self._cv:
                self.messages.append((time.monotonic(), text))
                self._cv.notify_all()

    def command(self, *extra):
        return [xanetd_path(), "-f", "-c", self.conf] + list(extra)

    def start(self, args=None, env=None, notify=True, wrapper=None,
              user_check=True):
        """Start xanetd -f -c CONF (or ARGS); WRAPPER(argv) -> argv."""
        if os.geteuid() == 0 and user_check:
            ensure_user("xanet")
        e = dict(os.environ)
        for k in ("NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID",
                  "LISTEN_FDS", "LISTEN_PID"):
            e.pop(k, None)
        e.setdefault("ASAN_OPTIONS", "detect_leaks=1:abort_on_error=0")
        e.setdefault("UBSAN_OPTIONS", "print_stacktrace=1")
        if notify:
            self._notify_socket()
            e["NOTIFY_SOCKET"] = self.notify_path
        if env:
            e.update(env)
        argv = args if args is not None else self.command()
        if not os.access(argv[0], os.X_OK):
            raise DaemonError("no xanetd at %s (build it first; "
                              "XANET_BUILDDIR=%s)" % (argv[0], builddir()))
        if wrapper:
            argv = wrapper(argv)
        self._err = open(self.stderr_path, "ab")
        self._out = open(self.stdout_path, "ab")
        self.started_at = time.monotonic()
        self.started_wall = time.time()
        self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                                     stdout=self._out, stderr=self._err,
                                     env=e, start_new_session=True)
        self.stopped_on_ready = False
        return self.proc

    @property
    def pid(self):
        return self.proc.pid if self.proc else None

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def signal(self, sig):
        self.proc.send_signal(sig)

    def cont(self):
        """Resume a daemon frozen by stop_on_ready."""
        if self.stopped_on_ready and self.alive():
            os.kill(self.proc.pid, _signal.SIGCONT)
        self.stopped_on_ready = False

    def wait_exit(self, timeout=10):
        """Wait for exit; returns the status (negative: killed by signal)."""
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            raise DaemonError("xanetd (pid %d) still running after %.1f s\n"
                              "stderr tail:\n%s" %
                              (self.proc.pid, timeout, self.log_tail()))

    def kill(self):
        if self.alive():
            try:
                os.killpg(self.proc.pid, _signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.proc.wait(10)

    # --- notifications ----------------------------------------------------

    def notify_mark(self):
        with self._cv:
            return len(self.messages)

    def notify_lines(self, since=0):
        with self._cv:
            return [m for m in self.messages[since:]]

    def wait_notify(self, line, timeout=30, since=0):
        """Index of the first datagram from SINCE with LINE as a line."""
        deadline = time.monotonic() + timeout
        with self._cv:
            while True:
                for i in range(since, len(self.messages)):
                    if line in self.messages[i][1].split("\n"):
                        return i
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                if self.proc is not None and self.proc.poll() is not None:
                    # One last look: the datagram may still be in flight.
                    self._cv.wait(0.3)
                    for i in range(since, len(self.messages)):
                        if line in self.messages[i][1].split("\n"):
                            return i
                    raise DaemonError(
                        "xanetd exited with status %s before sending %s\n"
                        "notifications: %r\nstderr tail:\n%s" %
                        (self.proc.returncode, line,
                         [m[1] for m in self.messages[since:]],
                         self.log_tail()))
                self._cv.wait(min(left, 0.2))
        raise DaemonError("no %s from xanetd within %.1f s\n"
                          "notifications: %r\nstderr tail:\n%s" %
                          (line, timeout,
                           [m[1] for m in self.messages[since:]],
                           self.log_tail()))

    def wait_ready(self, timeout=30, since=0):
        return self.wait_notify("READY=1", timeout, since)

    def wait_log(self, needle, timeout=10, since=0):
        """Wait until stderr (from char SINCE) contains NEEDLE; its index."""
        deadline = time.monotonic() + timeout
        while True:
            text = self.stderr_text()
            i = text.find(needle, since)
            if i >= 0:
                return i
            if time.monotonic() > deadline:
                raise DaemonError("xanetd did not log %r within %.1f s\n"
                                  "stderr tail:\n%s" %
                                  (needle, timeout, self.log_tail()))
            time.sleep(0.05)

    # --- clients ----------------------------------------------------------

    def ctl(self, *args, user=None, conf=True, timeout=30, env=None,
            stdin=None):
        """Run xanetctl [-c CONF] ARGS; USER runs it unprivileged; STDIN
        (text) is its input."""
        argv = [xanetctl_path()]
        if conf:
            argv += ["-c", self.conf]
        argv += list(args)
        if user:
            argv = ["setpriv", "--reuid=" + user, "--regid=nogroup",
                    "--clear-groups", "--"] + argv
        e = dict(os.environ)
        e.pop("NOTIFY_SOCKET", None)
        if env:
            e.update(env)
        if stdin is None:
            r = subprocess.run(argv, stdin=subprocess.DEVNULL,
                               capture_output=True, timeout=timeout, env=e)
        else:
            r = subprocess.run(argv, input=stdin.encode("utf-8"),
                               capture_output=True, timeout=timeout, env=e)
        r.stdout = r.stdout.decode("utf-8", "replace")
        r.stderr = r.stderr.decode("utf-8", "replace")
        return r

    def user_add(self, name, role, password, *extra):
        """xanetctl user add NAME --role ROLE, the password on stdin."""
        return self.ctl("user", "add", name, "--role", role,
                        "--password-stdin", *extra, stdin=password + "\n",
                        timeout=60)

    def connect(self, timeout=10):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(timeout)
        s.connect(self.sock_path)
        return s

    def control(self, request, timeout=10, shut=False):
        """Send REQUEST (bytes) on the control socket; all bytes read back
        until the daemon closes. SHUT: half-close our side after sending."""
        if isinstance(request, str):
            request = request.encode("utf-8")
        s = self.connect(timeout)
        try:
            try:
                s.sendall(request)
            except (BrokenPipeError, ConnectionResetError):
                pass  # it may answer and close before reading it all
            if shut:
                s.shutdown(socket.SHUT_WR)
            return read_all(s, timeout)
        finally:
            s.close()

    def control_json(self, request, timeout=10):
        data = self.control(request, timeout)
        try:
            return json.loads(data.decode("utf-8"))
        except ValueError:
            raise DaemonError("control reply to %r is not JSON: %r" %
                              (request, data))

    def status(self):
        return self.control_json(b"status\n")

    def db(self):
        """A read-only sqlite3 connection to the daemon's database."""
        if not os.path.exists(self.db_path):
            raise DaemonError("no database at %s" % self.db_path)
        db = sqlite3.connect("file:%s?mode=ro" % self.db_path, uri=True,
                             timeout=10)
        db.row_factory = sqlite3.Row
        return db

    def query(self, sql, args=()):
        db = self.db()
        try:
            return [dict(r) for r in db.execute(sql, args).fetchall()]
        finally:
            db.close()

    # --- the end ----------------------------------------------------------

    def sanitizer_report(self):
        return sanitizer_errors(self.stderr_text())

    def close(self, keep=None):
        """Kill what is left, remove the temp dir; raise on a sanitizer
        report in the daemon's stderr (that is a bug even if the test
        passed)."""
        self.cont()
        self.kill()
        self._closing = True
        if self._nsock is not None:
            self._nsock.close()
        if self._reader is not None:
            self._reader.join(2)
        for f in (self._err, self._out):
            if f:
                f.close()
        report = self.sanitizer_report()
        if keep or os.environ.get("XTEST_KEEP"):
            print("# kept %s" % self.dir)
        else:
            shutil.rmtree(self.dir, ignore_errors=True)
        if report:
            raise DaemonError("sanitizer report in xanetd's stderr:\n" +
                              report)


def read_all(s, timeout=10):
    """Read from socket S until EOF (or reset); raise on timeout."""
    s.settimeout(timeout)
    deadline = time.monotonic() + timeout
    chunks = []
    while True:
        try:
            data = s.recv(65536)
        except ConnectionResetError:
            break
        except socket.timeout:
            raise DaemonError("no EOF on control socket within %.1f s; got %r"
                              % (timeout, b"".join(chunks)))
        if not data:
            break
        chunks.append(data)
        if time.monotonic() > deadline:
            raise DaemonError("control socket kept sending for %.1f s" %
                              timeout)
    return b"".join(chunks)
