# dnsd.py - a tiny DNS server on 127.0.0.1 for the resolver's unit tests.
#
#     python3 dnsd.py          prints its UDP port on one line, then serves
#                              until its standard input closes
#
# Answers, by name (case-insensitive):
#   ap.test        A 127.0.0.5 (TTL 300), AAAA: no data
#   both.test      A 127.0.0.6 and AAAA ::6 (TTL 60)
#   v6only.test    AAAA ::7, A: no data
#   noaaaa.test    A 127.0.0.8; AAAA never answered (a broken home router)
#   servfail.test  SERVFAIL
#   slow.*         never answered (the client must time out)
#   anything else  NXDOMAIN
# Python 3 standard library only; the loopback only, so a test never asks
# a real server.
import socket
import struct
import sys
import threading

QTYPE_A = 1
QTYPE_AAAA = 28

RECORDS = {
    "ap.test": {QTYPE_A: ["127.0.0.5"]},
    "both.test": {QTYPE_A: ["127.0.0.6"], QTYPE_AAAA: ["::6"]},
    "v6only.test": {QTYPE_AAAA: ["::7"]},
    "noaaaa.test": {QTYPE_A: ["127.0.0.8"]},
}
TTL = {"ap.test": 300}


def parse_question(data):
    """Return (name, qtype, end offset of the question) or None."""
    if len(data) < 12:
        return None
    qdcount = struct.unpack("!H", data[4:6])[0]
    if qdcount != 1:
        return None
    off = 12
    labels = []
    while True:
        if off >= len(data):
            return None
        n = data[off]
        if n == 0:
            off += 1
            break
        if n & 0xC0:
            return None
        labels.append(data[off + 1:off + 1 + n].decode("ascii", "replace"))
        off += 1 + n
    if off + 4 > len(data):
        return None
    qtype = struct.unpack("!H", data[off:off + 2])[0]
    return ".".join(labels).lower(), qtype, off + 4


def answer(data):
    q = parse_question(data)
    if q is None:
        return None
    name, qtype, end = q
    if name.startswith("slow.") or (name == "noaaaa.test" and
                                     qtype == QTYPE_AAAA):
        return None
    qid, qflags = struct.unpack("!HH", data[:4])
    rcode = 0
    answers = []
    if name == "servfail.test":
        rcode = 2
    elif name in RECORDS:
        ttl = TTL.get(name, 60)
        for addr in RECORDS[name].get(qtype, []):
            if qtype == QTYPE_A:
                rdata = socket.inet_pton(socket.AF_INET, addr)
            else:
                rdata = socket.inet_pton(socket.AF_INET6, addr)
            answers.append(struct.pack("!HHHIH", 0xC00C, qtype, 1, ttl,
                                       len(rdata)) + rdata)
    else:
        rcode = 3
    # QR, AA, RA; the query's opcode and RD bits echoed.
    flags = 0x8000 | (qflags & 0x7900) | 0x0400 | 0x0080 | rcode
    header = struct.pack("!HHHHHH", qid, flags, 1, len(answers), 0, 0)
    return header + data[12:end] + b"".join(answers)


def main():
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    print(sock.getsockname()[1], flush=True)

    def serve():
        while True:
            data, peer = sock.recvfrom(4096)
            reply = answer(data)
            if reply is not None:
                sock.sendto(reply, peer)

    threading.Thread(target=serve, daemon=True).start()
    # The test holds our standard input: when it ends, so do we.
    sys.stdin.buffer.read()


if __name__ == "__main__":
    main()
