# pushrecv.py - a real HTTP receiver of evidence pushes on 127.0.0.1, answering as a test tells it.
#
#     r = PushReceiver()                  # threading http.server, port 0
#     t.defer(r.close)
#     r.plan("/in", ["500", "500", "200"])  # next answers on paths under /in
#     r.default("/in", "200")             # once the plan is used up
#     ... r.requests (list of Request), r.ok("/in") ...
#     PushReceiver(tls=(CERT, KEY, CLIENT_CA))  # HTTPS; CLIENT_CA: a
#                                        # client certificate is required
#
# Answers ("actions"): "200" (or any 2xx), "400", "500", any status code;
# "429:3" (429 with Retry-After: 3; "429:D" with D a date string works
# too); "hang" (read the request, never answer until closed); "drop"
# (read the request, close the connection without a byte). Every request
# is recorded with its method, path, Idempotency-Key, Authorization,
# body SHA-256 and length, the action taken and when (monotonic). PUT
# bodies answered 2xx are kept by path, so that GET returns them.
# Python 3 standard library only.
import collections
import hashlib
import socket
import ssl
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

__all__ = ["PushReceiver", "Request"]

BODY_MAX = 64 * 1024 * 1024


class Request:
    def __init__(self, **kw):
        self.__dict__.update(kw)

    def __repr__(self):
        return "Request(%s %s key=%s action=%s t=%.2f)" % (
            self.method, self.path, self.key, self.action, self.t)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def _body(self):
        n = self.headers.get("Content-Length")
        if n is None:
            if "chunked" in (self.headers.get("Transfer-Encoding") or ""):
                data = b""
                while True:
                    size = int(self.rfile.readline().strip() or b"0", 16)
                    if size == 0:
                        self.rfile.readline()
                        return data
                    data += self.rfile.read(size)
                    self.rfile.readline()
                    if len(data) > BODY_MAX:
                        raise ValueError("body too large")
            return b""
        n = int(n)
        if n < 0 or n > BODY_MAX:
            raise ValueError("bad Content-Length %d" % n)
        return self.rfile.read(n)

    def _client_cn(self):
        if not isinstance(self.connection, ssl.SSLSocket):
            return None
        cert = self.connection.getpeercert() or {}
        for rdn in cert.get("subject", ()):
            for k, v in rdn:
                if k == "commonName":
                    return v
        return None

    def _answer(self):
        recv = self.server.recv
        body = self._body()
        action = recv._next_action(self.path)
        req = Request(
            t=time.monotonic(), method=self.command, path=self.path,
            key=self.headers.get("Idempotency-Key"),
            auth=self.headers.get("Authorization"),
            content_type=self.headers.get("Content-Type"),
            headers=dict(self.headers.items()),
            sha256=hashlib.sha256(body).hexdigest(), length=len(body),
            action=action, client_cn=self._client_cn())
        with recv.lock:
            recv.requests.append(req)
            recv.cv.notify_all()
        if action == "hang":
            # Hold the connection open until the client gives up.
            self.connection.settimeout(1.0)
            deadline = time.monotonic() + 120
            while not recv.closing and time.monotonic() < deadline:
                try:
                    if self.connection.recv(1) == b"":
                        break
                except socket.timeout:
                    continue
                except OSError:
                    break
            self.close_connection = True
            return
        if action == "drop":
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        code, _, arg = action.partition(":")
        code = int(code)
        headers = []
        if code == 429 or (arg and code >= 500):
            headers.append(("Retry-After", arg or "1"))
        if 200 <= code < 300 and self.command == "PUT":
            with recv.lock:
                recv.stored[self.path] = body
        text = ("%d\n" % code).encode()
        self.send_response(code)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(text)))
        self.end_headers()
        self.wfile.write(text)

    do_POST = _answer
    do_PUT = _answer

    def do_GET(self):
        recv = self.server.recv
        with recv.lock:
            data = recv.stored.get(self.path)
        if data is None:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


class PushReceiver:
    """An HTTP receiver on 127.0.0.1:PORT (0: any free port)."""

    def __init__(self, port=0, default="200", tls=None):
        self.lock = threading.Lock()
        self.cv = threading.Condition(self.lock)
        self.requests = []
        self.stored = {}
        self.closing = False
        self._plans = {}     # path prefix -> deque of actions
        self._defaults = {"": default}
        self.server = ThreadingHTTPServer(("127.0.0.1", port), _Handler)
        self.server.daemon_threads = True
        self.server.recv = self
        self.scheme = "http"
        if tls is not None:
            cert, key, client_ca = tls
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(cert, key)
            if client_ca:
                ctx.verify_mode = ssl.CERT_REQUIRED
                ctx.load_verify_locations(client_ca)
            self.server.socket = ctx.wrap_socket(self.server.socket,
                                                 server_side=True)
            self.scheme = "https"
        self.port = self.server.server_address[1]
        self._thread = threading.Thread(target=self.server.serve_forever,
                                        kwargs={"poll_interval": 0.1},
                                        daemon=True)
        self._thread.start()

    def url(self, path="/"):
        return "%s://127.0.0.1:%d%s" % (self.scheme, self.port, path)

    def plan(self, prefix, actions):
        """Answer the next requests under PREFIX with ACTIONS, in order."""
        with self.lock:
            self._plans.setdefault(prefix, collections.deque()).extend(
                actions)

    def default(self, prefix, action):
        """Answer requests under PREFIX with ACTION once the plan is out."""
        with self.lock:
            self._defaults[prefix] = action

    def _match(self, table, path):
        best = None
        for p in table:
            if path.startswith(p) and (best is None or len(p) > len(best)):
                best = p
        return best

    def _next_action(self, path):
        with self.lock:
            p = self._match([k for k, v in self._plans.items() if v], path)
            if p is not None:
                return self._plans[p].popleft()
            return self._defaults[self._match(self._defaults, path)]

    def under(self, prefix):
        with self.lock:
            return [r for r in self.requests if r.path.startswith(prefix)]

    def ok(self, prefix=""):
        """Requests under PREFIX answered 2xx."""
        return [r for r in self.under(prefix)
                if r.action[:1] == "2"]

    def wait(self, cond, timeout=30.0):
        """Wait until COND(requests) is true; its value, or None."""
        deadline = time.monotonic() + timeout
        with self.cv:
            while True:
                v = cond(list(self.requests))
                if v:
                    return v
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                self.cv.wait(min(left, 0.2))

    def close(self):
        self.closing = True
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(5)
