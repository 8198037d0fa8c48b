# lanpcap.py - build small Ethernet captures (pcap format) for the LAN sampler tests: ARP, DHCP, DNS, TCP SYNs.
#
#     w = Pcap()
#     w.add(arp_request(MAC_A, "10.9.0.10", "10.9.0.1"))
#     w.add(dns_query(MAC_A, "10.9.0.10", MAC_GW, "10.9.0.1", "x.example"))
#     w.write("/tmp/x.pcap")
#
# Frames get timestamps STEP_US apart from START (seconds). Checksums are
# right (IPv4 header, UDP and TCP over the pseudo-header), so any reader,
# the kernel included, sees well-formed packets.
import socket
import struct

__all__ = ["Pcap", "mac_bytes", "arp_request", "arp_reply", "dhcp_offer",
           "dhcp_discover", "dns_query", "tcp_syn", "BROADCAST"]

BROADCAST = "ff:ff:ff:ff:ff:ff"


def mac_bytes(mac):
    return bytes(int(x, 16) for x in mac.split(":"))


def _csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    s = (s >> 16) + (s & 0xffff)
    s += s >> 16
    return ~s & 0xffff


def _eth(dst, src, etype, payload):
    return mac_bytes(dst) + mac_bytes(src) + struct.pack("!H", etype) + \
        payload


def _ipv4(src, dst, proto, payload, ttl=64, ident=1):
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), ident,
                      0x4000, ttl, proto, 0, socket.inet_aton(src),
                      socket.inet_aton(dst))
    hdr = hdr[:10] + struct.pack("!H", _csum(hdr)) + hdr[12:]
    return hdr + payload


def _l4sum(src, dst, proto, seg):
    pseudo = socket.inet_aton(src) + socket.inet_aton(dst) + \
        struct.pack("!BBH", 0, proto, len(seg))
    return _csum(pseudo + seg)


def _udp(src, dst, sport, dport, payload):
    seg = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
    c = _l4sum(src, dst, 17, seg) or 0xffff
    return seg[:6] + struct.pack("!H", c) + seg[8:]


def arp_request(sha, spa, tpa):
    body = struct.pack("!HHBBH", 1, 0x0800, 6, 4, 1) + mac_bytes(sha) + \
        socket.inet_aton(spa) + b"\0" * 6 + socket.inet_aton(tpa)
    return _eth(BROADCAST, sha, 0x0806, body)


def arp_reply(sha, spa, tha, tpa):
    body = struct.pack("!HHBBH", 1, 0x0800, 6, 4, 2) + mac_bytes(sha) + \
        socket.inet_aton(spa) + mac_bytes(tha) + socket.inet_aton(tpa)
    return _eth(tha, sha, 0x0806, body)


def _dhcp(op, msg_type, xid, chaddr, yiaddr, options, ciaddr="0.0.0.0"):
    bootp = struct.pack("!BBBBIHH4s4s4s4s", op, 1, 6, 0, xid, 0, 0x8000,
                        socket.inet_aton(ciaddr), socket.inet_aton(yiaddr),
                        b"\0" * 4, b"\0" * 4)
    bootp += mac_bytes(chaddr) + b"\0" * 10 + b"\0" * 64 + b"\0" * 128
    opts = b"\x63\x82\x53\x63" + bytes([53, 1, msg_type])
    for code, value in options:
        opts += bytes([code, len(value)]) + value
    return bootp + opts + b"\xff"


def dhcp_discover(mac, xid, hostname=None, params=(1, 3, 6, 15),
                  vendor=None):
    options = [(55, bytes(params))]
    if hostname:
        options.append((12, hostname.encode()))
    if vendor:
        options.append((60, vendor.encode()))
    payload = _dhcp(1, 1, xid, mac, "0.0.0.0", options)
    return _eth(BROADCAST, mac, 0x0800,
                _ipv4("0.0.0.0", "255.255.255.255", 17,
                      _udp("0.0.0.0", "255.255.255.255", 68, 67, payload)))


def dhcp_offer(server_mac, server_ip, client_mac, xid, yiaddr):
    options = [(54, socket.inet_aton(server_ip)),
               (51, struct.pack("!I", 86400)),
               (1, socket.inet_aton("255.255.255.0"))]
    payload = _dhcp(2, 2, xid, client_mac, yiaddr, options)
    return _eth(BROADCAST, server_mac, 0x0800,
                _ipv4(server_ip, "255.255.255.255", 17,
                      _udp(server_ip, "255.255.255.255", 67, 68, payload)))


def dns_query(smac, sip, dmac, dip, name, qid=0x1234, sport=40000):
    q = struct.pack("!HHHHHH", qid, 0x0100, 1, 0, 0, 0)
    for label in name.split("."):
        q += bytes([len(label)]) + label.encode()
    q += b"\0" + struct.pack("!HH", 1, 1)
    return _eth(dmac, smac, 0x0800,
                _ipv4(sip, dip, 17, _udp(sip, dip, sport, 53, q)))


def tcp_syn(smac, sip, dmac, dip, sport, dport):
    seg = struct.pack("!HHIIBBHHH", sport, dport, 1000, 0, 5 << 4, 0x02,
                      64240, 0, 0)
    c = _l4sum(sip, dip, 6, seg)
    seg = seg[:16] + struct.pack("!H", c) + seg[18:]
    return _eth(dmac, smac, 0x0800, _ipv4(sip, dip, 6, seg))


class Pcap:
    """Frames in order, written as a classic pcap file (DLT_EN10MB)."""

    def __init__(self, start=1790787600.0, step_us=1000):
        self.frames = []
        self.t_us = int(start * 1e6)
        self.step_us = step_us

    def add(self, frame):
        # The shortest Ethernet frame: what a NIC would pad to.
        if len(frame) < 60:
            frame += b"\0" * (60 - len(frame))
        self.frames.append((self.t_us, frame))
        self.t_us += self.step_us

    def write(self, path):
        with open(path, "wb") as f:
            f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535,
                                1))
            for t, fr in self.frames:
                f.write(struct.pack("<IIII", t // 1000000, t % 1000000,
                                    len(fr), len(fr)))
                f.write(fr)
        return path
