# snmpfake.py - a small hostile SNMP v1/v2c agent in pure Python (hand-written BER) for the robustness tests, and trap encoders.
#
#     f = FakeAgent("loop")              # 127.0.0.1, a free UDP port
#     t.defer(f.close)
#     f.start(); f.port; f.stats()       # {"requests": N, "get": .., ...}
#
# Modes (what every answer looks like):
#   normal      correct answers from a small MIB (system group, 2 ifaces)
#   wrongtypes  every value with a wrong type (uptime as a string,
#               ifOperStatus as an OID, counters as strings, ...)
#   exceptions  GET: noSuchObject / noSuchInstance; walks: endOfMibView
#   bigstring   sysDescr and ifDescr are ~64,000-byte OCTET STRINGs
#   loop        walks answer the OID that was asked (never increasing)
#   backwards   walks answer an OID before the one asked
#   endless     walks never leave the column: index+1, forever
#   truncated   every answer cut to half its length
#   badlen      answers whose lengths claim more bytes than there are
#   garbage     random bytes
#   wrongid     answers with another request-id
#   silent      no answer at all
# Also: encode_trap_v1(), encode_trap_v2c() for trap floods, and the
# BER encoder/decoder they share. Python 3 standard library only.
import os
import random
import socket
import struct
import threading

__all__ = ["FakeAgent", "MODES", "encode_trap_v1", "encode_trap_v2c",
           "encode_message", "decode_message", "oid_encode", "oid_decode",
           "T"]

MODES = ("normal", "wrongtypes", "exceptions", "bigstring", "loop",
         "backwards", "endless", "truncated", "badlen", "garbage",
         "wrongid", "silent")


class T:
    """BER tags."""
    INTEGER = 0x02
    OCTETS = 0x04
    NULL = 0x05
    OID = 0x06
    SEQ = 0x30
    IPADDR = 0x40
    COUNTER32 = 0x41
    GAUGE32 = 0x42
    TIMETICKS = 0x43
    COUNTER64 = 0x46
    NOSUCHOBJECT = 0x80
    NOSUCHINSTANCE = 0x81
    ENDOFMIBVIEW = 0x82
    GET = 0xA0
    GETNEXT = 0xA1
    RESPONSE = 0xA2
    SET = 0xA3
    TRAP_V1 = 0xA4
    GETBULK = 0xA5
    TRAP_V2 = 0xA7


# --- BER ------------------------------------------------------------------

def enc_len(n):
    if n < 0x80:
        return bytes([n])
    b = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(b)]) + b


def tlv(tag, body):
    return bytes([tag]) + enc_len(len(body)) + body


def enc_int(v, tag=T.INTEGER):
    n = max(1, (v.bit_length() + 8) // 8)
    return tlv(tag, v.to_bytes(n, "big", signed=True))


def enc_uint(v, tag):
    # Unsigned application types: a leading 0 byte when the top bit is set.
    b = v.to_bytes(max(1, (v.bit_length() + 7) // 8), "big")
    if b[0] & 0x80:
        b = b"\x00" + b
    return tlv(tag, b)


def oid_encode(text):
    parts = [int(x) for x in str(text).strip(".").split(".")]
    if len(parts) < 2:
        parts = parts + [0] * (2 - len(parts))
    out = bytearray([parts[0] * 40 + parts[1]])
    for p in parts[2:]:
        chunk = [p & 0x7F]
        p >>= 7
        while p:
            chunk.append(0x80 | (p & 0x7F))
            p >>= 7
        out.extend(reversed(chunk))
    return bytes(out)


def oid_decode(b):
    if not b:
        return ""
    parts = [b[0] // 40, b[0] % 40] if b[0] < 80 else [2, b[0] - 80]
    v = 0
    for c in b[1:]:
        v = (v << 7) | (c & 0x7F)
        if not c & 0x80:
            parts.append(v)
            v = 0
    return ".".join(map(str, parts))


def oid_key(text):
    return tuple(int(x) for x in str(text).strip(".").split(".") if x)


def enc_value(typ, v):
    """(typ, v) -> BER. typ: int, str, bytes, oid, null, counter32,
    gauge32, timeticks, counter64, ipaddr, nosuchobject, ..."""
    if typ == "int":
        return enc_int(v)
    if typ == "str":
        return tlv(T.OCTETS, v.encode() if isinstance(v, str) else v)
    if typ == "oid":
        return tlv(T.OID, oid_encode(v))
    if typ == "null":
        return tlv(T.NULL, b"")
    if typ == "counter32":
        return enc_uint(v, T.COUNTER32)
    if typ == "gauge32":
        return enc_uint(v, T.GAUGE32)
    if typ == "timeticks":
        return enc_uint(v, T.TIMETICKS)
    if typ == "counter64":
        return enc_uint(v, T.COUNTER64)
    if typ == "ipaddr":
        return tlv(T.IPADDR, socket.inet_aton(v))
    if typ == "nosuchobject":
        return tlv(T.NOSUCHOBJECT, b"")
    if typ == "nosuchinstance":
        return tlv(T.NOSUCHINSTANCE, b"")
    if typ == "endofmibview":
        return tlv(T.ENDOFMIBVIEW, b"")
    raise ValueError(typ)


def enc_varbinds(vbs):
    """VBS: [(oid, typ, value)] -> SEQUENCE OF VarBind."""
    return tlv(T.SEQ, b"".join(
        tlv(T.SEQ, tlv(T.OID, oid_encode(o)) + enc_value(t, v))
        for o, t, v in vbs))


def encode_message(version, community, pdu_tag, reqid, vbs, err=0, idx=0):
    pdu = tlv(pdu_tag, enc_int(reqid) + enc_int(err) + enc_int(idx) +
              enc_varbinds(vbs))
    c = community.encode() if isinstance(community, str) else community
    return tlv(T.SEQ, enc_int(version) + tlv(T.OCTETS, c) + pdu)


def encode_trap_v2c(community, trap_oid, vbs=(), uptime=12345, reqid=1):
    """An SNMPv2-Trap: sysUpTime.0, snmpTrapOID.0, then VBS."""
    head = [("1.3.6.1.2.1.1.3.0", "timeticks", uptime),
            ("1.3.6.1.6.3.1.1.4.1.0", "oid", trap_oid)]
    return encode_message(1, community, T.TRAP_V2, reqid, head + list(vbs))


def encode_trap_v1(community, enterprise, agent_addr, generic, specific=0,
                   vbs=(), uptime=12345):
    pdu = tlv(T.TRAP_V1, tlv(T.OID, oid_encode(enterprise)) +
              tlv(T.IPADDR, socket.inet_aton(agent_addr)) +
              enc_int(generic) + enc_int(specific) +
              enc_uint(uptime, T.TIMETICKS) + enc_varbinds(vbs))
    c = community.encode() if isinstance(community, str) else community
    return tlv(T.SEQ, enc_int(0) + tlv(T.OCTETS, c) + pdu)


class BerError(ValueError):
    pass


def dec_tlv(b, pos):
    """(tag, body start, body end) of the TLV at POS, bounds checked."""
    if pos + 2 > len(b):
        raise BerError("short")
    tag = b[pos]
    n = b[pos + 1]
    pos += 2
    if n & 0x80:
        k = n & 0x7F
        if k == 0 or k > 4 or pos + k > len(b):
            raise BerError("bad length")
        n = int.from_bytes(b[pos:pos + k], "big")
        pos += k
    if pos + n > len(b):
        raise BerError("truncated")
    return tag, pos, pos + n


def dec_int(b, pos, tag=T.INTEGER):
    t, s, e = dec_tlv(b, pos)
    if t != tag:
        raise BerError("expected tag %#x, got %#x" % (tag, t))
    return int.from_bytes(b[s:e], "big", signed=True), e


def decode_message(b):
    """A request: {"version", "community", "pdu", "reqid", "a", "b",
    "oids"} (a, b: error-status/index, or non-repeaters/max-repetitions)."""
    t, s, e = dec_tlv(b, 0)
    if t != T.SEQ:
        raise BerError("not a sequence")
    version, pos = dec_int(b, s)
    t, cs, ce = dec_tlv(b, pos)
    if t != T.OCTETS:
        raise BerError("no community")
    community = bytes(b[cs:ce])
    pdu, ps, pe = dec_tlv(b, ce)
    reqid, pos = dec_int(b, ps)
    a, pos = dec_int(b, pos)
    bb, pos = dec_int(b, pos)
    t, vs, ve = dec_tlv(b, pos)
    if t != T.SEQ:
        raise BerError("no varbind list")
    oids = []
    pos = vs
    while pos < ve:
        t, s1, e1 = dec_tlv(b, pos)
        t2, os_, oe = dec_tlv(b, s1)
        if t2 != T.OID:
            raise BerError("varbind without OID")
        oids.append(oid_decode(b[os_:oe]))
        pos = e1
    return {"version": version, "community": community, "pdu": pdu,
            "reqid": reqid, "a": a, "b": bb, "oids": oids}


# --- the agent --------------------------------------------------------------

def default_mib(mode):
    big = "B" * 64000 if mode == "bigstring" else None
    m = {
        "1.3.6.1.2.1.1.1.0": ("str", big or "fake agent (%s)" % mode),
        "1.3.6.1.2.1.1.2.0": ("oid", "1.3.6.1.4.1.99999.1"),
        "1.3.6.1.2.1.1.3.0": ("timeticks", 4242),
        "1.3.6.1.2.1.1.5.0": ("str", "fake-%s" % mode),
        "1.3.6.1.2.1.2.1.0": ("int", 2),
    }
    for i in (1, 2):
        e = "1.3.6.1.2.1.2.2.1"
        x = "1.3.6.1.2.1.31.1.1.1"
        m["%s.1.%d" % (e, i)] = ("int", i)
        m["%s.2.%d" % (e, i)] = ("str", big or "port%d" % i)
        m["%s.5.%d" % (e, i)] = ("gauge32", 100000000)
        m["%s.7.%d" % (e, i)] = ("int", 1)
        m["%s.8.%d" % (e, i)] = ("int", 1)
        m["%s.10.%d" % (e, i)] = ("counter32", 1000 * i)
        m["%s.16.%d" % (e, i)] = ("counter32", 2000 * i)
        m["%s.1.%d" % (x, i)] = ("str", "port%d" % i)
        m["%s.6.%d" % (x, i)] = ("counter64", 1000 * i)
        m["%s.10.%d" % (x, i)] = ("counter64", 2000 * i)
    if mode == "wrongtypes":
        wrong = {"int": ("str", "up"), "str": ("counter32", 7),
                 "oid": ("int", 41112), "timeticks": ("str", "mot ngay"),
                 "counter32": ("str", "nhieu"), "gauge32": ("oid", "1.3"),
                 "counter64": ("ipaddr", "10.0.0.1")}
        m = {k: wrong.get(t, ("null", None)) for k, (t, v) in m.items()}
    return m


class FakeAgent:
    def __init__(self, mode="normal", community="public", host="127.0.0.1",
                 port=0, seed=None):
        if mode not in MODES:
            raise ValueError("mode %r not in %s" % (mode, MODES))
        self.mode = mode
        self.community = community.encode()
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind((host, port))
        self.sock.settimeout(0.2)
        self.host, self.port = self.sock.getsockname()
        self.mib = default_mib(mode)
        self.order = sorted(self.mib, key=oid_key)
        self.rnd = random.Random(seed if seed is not None else os.getpid())
        self.lock = threading.Lock()
        self.counts = {"requests": 0, "get": 0, "getnext": 0, "getbulk": 0,
                       "bad": 0, "varbinds_out": 0}
        self.max_oid_asked = {}
        self._stop = False
        self.thread = threading.Thread(target=self._serve, daemon=True)

    def start(self):
        self.thread.start()
        return self

    def close(self):
        self._stop = True
        if self.thread.is_alive():
            self.thread.join(2)
        self.sock.close()

    def stats(self):
        with self.lock:
            return dict(self.counts)

    # what follows OID in the MIB, by mode
    def _next(self, oid):
        k = oid_key(oid)
        if self.mode == "loop":
            return (oid, "int", 1)
        if self.mode == "backwards":
            # Inside the column, but going down: 5, 3, 1, 5, 3, ...
            p = list(k)
            if len(p) <= 10:
                p.append(5)
            else:
                p[-1] = p[-1] - 2 if p[-1] > 2 else 5
            return (".".join(map(str, p)), "int", 1)
        if self.mode == "endless":
            # Stay in the column: a walk from the column's root gets
            # index 1, then index+1 forever.
            p = list(k)
            if len(p) <= 10:  # a column root like 1.3.6.1.2.1.2.2.1.N
                return (".".join(map(str, p + [1])), "counter32", 1)
            p[-1] += 1
            return (".".join(map(str, p)), "counter32", p[-1])
        if self.mode == "exceptions":
            return (oid, "endofmibview", None)
        for o in self.order:
            if oid_key(o) > k:
                t, v = self.mib[o]
                return (o, t, v)
        return (oid, "endofmibview", None)

    def _get(self, oid):
        if self.mode == "exceptions":
            return (oid, "nosuchinstance" if oid.endswith(".3.0") else
                    "nosuchobject", None)
        if oid in self.mib:
            t, v = self.mib[oid]
            return (oid, t, v)
        return (oid, "nosuchobject", None)

    def answer(self, req):
        pdu = req["pdu"]
        vbs = []
        if pdu == T.GET:
            vbs = [self._get(o) for o in req["oids"]]
        elif pdu == T.GETNEXT:
            vbs = [self._next(o) for o in req["oids"]]
        elif pdu == T.GETBULK:
            nonrep = max(0, req["a"])
            maxrep = max(0, min(req["b"], 200))
            oids = req["oids"]
            vbs = [self._next(o) for o in oids[:nonrep]]
            cur = list(oids[nonrep:])
            for _ in range(maxrep):
                row = [self._next(o) for o in cur]
                vbs.extend(row)
                cur = [r[0] for r in row]
                if all(r[1] == "endofmibview" for r in row):
                    break
        else:
            return None
        msg = encode_message(req["version"], req["community"], T.RESPONSE,
                             req["reqid"], vbs)
        # Like a real agent: a GETBULK answer shrinks to fit a datagram.
        while len(msg) > 65000 and len(vbs) > 1:
            vbs = vbs[:max(1, len(vbs) // 2)]
            msg = encode_message(req["version"], req["community"],
                                 T.RESPONSE, req["reqid"], vbs)
        with self.lock:
            self.counts["varbinds_out"] += len(vbs)
        return msg

    def _mangle(self, msg, req):
        if self.mode == "truncated":
            return msg[:max(1, len(msg) // 2)]
        if self.mode == "badlen":
            # The outer SEQUENCE claims 4 GB; then an inner one overruns.
            b = bytearray(msg)
            return bytes([0x30, 0x84, 0x7F, 0xFF, 0xFF, 0xFF]) + bytes(
                b[2 if b[1] < 0x80 else 2 + (b[1] & 0x7F):])
        if self.mode == "garbage":
            return bytes(self.rnd.getrandbits(8)
                         for _ in range(self.rnd.randrange(1, 300)))
        if self.mode == "wrongid":
            return encode_message(req["version"], req["community"],
                                  T.RESPONSE, req["reqid"] + 1,
                                  [(o, "int", 1) for o in req["oids"]])
        return msg

    def _serve(self):
        while not self._stop:
            try:
                data, peer = self.sock.recvfrom(65535)
            except socket.timeout:
                continue
            except OSError:
                return
            try:
                req = decode_message(data)
            except (BerError, IndexError, ValueError):
                with self.lock:
                    self.counts["bad"] += 1
                continue
            with self.lock:
                self.counts["requests"] += 1
                name = {T.GET: "get", T.GETNEXT: "getnext",
                        T.GETBULK: "getbulk"}.get(req["pdu"])
                if name:
                    self.counts[name] += 1
            if req["community"] != self.community or self.mode == "silent":
                continue
            msg = self.answer(req)
            if msg is None:
                continue
            msg = self._mangle(msg, req)
            try:
                self.sock.sendto(msg, peer)
            except OSError:
                pass


def main():
    import argparse
    import time
    ap = argparse.ArgumentParser(description="a hostile SNMP agent")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--community", default="public")
    ap.add_argument("mode", choices=MODES)
    args = ap.parse_args()
    f = FakeAgent(args.mode, args.community, port=args.port).start()
    print(f.port, flush=True)
    try:
        while True:
            time.sleep(1)
    except KeyboardInterrupt:
        f.close()


if __name__ == "__main__":
    main()
