# httpd.py - an HTTP(S) server on 127.0.0.1 whose paths misbehave on purpose.
#
#     python3 httpd.py [--tls CERT:KEY]...
#
# Listens on one plain HTTP port and one HTTPS port per --tls, prints the
# ports on one line in that order, then serves until its standard input
# closes (the test that started it holds it). Paths:
#   /ok            200, a small HTML body with "xanet-ok" in it
#   /status/NNN    status NNN (301/302 with Location: /ok)
#   /hang          reads the request, never answers
#   /close         reads the request, closes without a byte
#   /slow          200 with a 5-part body, 0.3 s between the parts
#   /big           200 with 1 MiB of body; "needle" only in its last bytes
#   /delay/MS      waits MS milliseconds, then 200 "ok"
# Python 3 standard library only.
import ssl
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

OK_BODY = "<html><body>xanet-ok: Nhà văn hóa thôn Đông</body></html>\n"


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"

    def log_message(self, fmt, *args):
        pass

    def reply(self, code, body, headers=()):
        data = body.encode() if isinstance(body, str) else body
        self.send_response(code)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        path = self.path
        if path == "/ok":
            self.reply(200, OK_BODY)
        elif path.startswith("/status/"):
            code = int(path[len("/status/"):])
            headers = [("Location", "/ok")] if code in (301, 302) else []
            self.reply(code, "status %d\n" % code, headers)
        elif path == "/hang":
            time.sleep(60)
            self.close_connection = True
        elif path == "/close":
            self.close_connection = True
        elif path == "/slow":
            parts = [b"part-%d;" % i for i in range(5)]
            self.send_response(200)
            self.send_header("Content-Length", str(sum(map(len, parts))))
            self.end_headers()
            for p in parts:
                self.wfile.write(p)
                self.wfile.flush()
                time.sleep(0.3)
        elif path == "/big":
            body = b"x" * (1024 * 1024 - 6) + b"needle"
            self.reply(200, body)
        elif path.startswith("/delay/"):
            time.sleep(int(path[len("/delay/"):]) / 1000.0)
            self.reply(200, "ok\n")
        else:
            self.reply(404, "not found\n")


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # 20 rounds connect at once

    def handle_error(self, request, client_address):
        pass  # clients that hang up are the point of some tests


class TLSServer(Server):
    def __init__(self, addr, ctx):
        super().__init__(addr, Handler)
        self.ctx = ctx

    def get_request(self):
        sock, addr = self.socket.accept()
        # The handshake runs in the request's thread, not the accept loop.
        return (self.ctx.wrap_socket(sock, server_side=True,
                                     do_handshake_on_connect=False), addr)

    def finish_request(self, request, client_address):
        try:
            request.settimeout(10)
            request.do_handshake()
            request.settimeout(None)
        except (ssl.SSLError, OSError):
            return  # the client refused our certificate
        super().finish_request(request, client_address)


def main():
    args = sys.argv[1:]
    servers = [Server(("127.0.0.1", 0), Handler)]
    while args:
        if args[0] != "--tls" or len(args) < 2:
            sys.exit("usage: httpd.py [--tls CERT:KEY]...")
        cert, key = args[1].split(":", 1)
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(cert, key)
        servers.append(TLSServer(("127.0.0.1", 0), ctx))
        args = args[2:]
    for s in servers:
        threading.Thread(target=s.serve_forever, daemon=True).start()
    print(" ".join(str(s.server_address[1]) for s in servers), flush=True)
    sys.stdin.buffer.read()


if __name__ == "__main__":
    main()
