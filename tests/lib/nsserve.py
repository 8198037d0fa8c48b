#!/usr/bin/env python3
# nsserve.py - the servers netns.py runs inside a namespace: HTTP with misbehaving paths, a bare TCP listener.
#
#     nsserve.py http PORT    /ok -> 200 "xanet-ok"; /status/N -> N;
#                             /hang -> read the request, never answer;
#                             /close -> read the request, close, no reply;
#                             /slow/MS -> 200 after MS ms; /body/TEXT -> 200
#     nsserve.py tcp PORT     accept, close
#
# Prints "ready" on stdout once listening; each request is logged on
# stderr. Runs until killed. Hung connections are dropped after 60 s so
# that a long test does not pile up threads.
import os
import socket
import sys
import threading
import time
import urllib.parse

HANG_S = 60


def read_request(conn):
    conn.settimeout(10)
    data = b""
    while b"\r\n\r\n" not in data and len(data) < 65536:
        chunk = conn.recv(4096)
        if not chunk:
            break
        data += chunk
    return data


def reply(conn, status, body, reason="X"):
    body = body.encode("utf-8") if isinstance(body, str) else body
    head = ("HTTP/1.1 %d %s\r\nContent-Type: text/plain\r\n"
            "Content-Length: %d\r\nConnection: close\r\n\r\n" %
            (status, reason, len(body)))
    conn.sendall(head.encode("ascii") + body)


def handle_http(conn):
    try:
        req = read_request(conn)
        line = req.split(b"\r\n", 1)[0].decode("latin-1")
        parts = line.split()
        path = parts[1] if len(parts) >= 2 else "/"
        sys.stderr.write("%.3f %s\n" % (time.time(), line))
        sys.stderr.flush()
        if path == "/ok" or path == "/":
            reply(conn, 200, "xanet-ok\n", "OK")
        elif path.startswith("/status/"):
            code = int(path.split("/")[2])
            reply(conn, code, "status %d\n" % code)
        elif path == "/hang":
            time.sleep(HANG_S)
        elif path == "/close":
            pass
        elif path.startswith("/slow/"):
            time.sleep(int(path.split("/")[2]) / 1000.0)
            reply(conn, 200, "xanet-ok\n", "OK")
        elif path.startswith("/body/"):
            reply(conn, 200, urllib.parse.unquote(path[6:]) + "\n", "OK")
        else:
            reply(conn, 404, "not found\n", "Not Found")
    except (OSError, ValueError) as e:
        sys.stderr.write("error: %s\n" % e)
    finally:
        try:
            conn.close()
        except OSError:
            pass


def handle_tcp(conn):
    conn.close()


def orphan_watch():
    """Exit when the test that started us is gone, whatever killed it."""
    parent = os.getppid()
    while True:
        time.sleep(0.5)
        if os.getppid() != parent:
            os._exit(0)


def main():
    threading.Thread(target=orphan_watch, daemon=True).start()
    mode, port = sys.argv[1], int(sys.argv[2])
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("0.0.0.0", port))
    s.listen(128)
    handler = handle_http if mode == "http" else handle_tcp
    print("ready", flush=True)
    while True:
        conn, _ = s.accept()
        threading.Thread(target=handler, args=(conn,), daemon=True).start()


if __name__ == "__main__":
    main()
