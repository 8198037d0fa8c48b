#!/usr/bin/env python3
# snmp_pass.py - an snmpd pass_persist program serving test-controlled values (counters, statuses, uptime) from a JSON file.
#
#     pass_persist -p 1 .1.3.6.1.2.1.2 /usr/bin/python3 snmp_pass.py \
#         .1.3.6.1.2.1.2 /tmp/dir/values.json
#
# Serves every OID of the JSON file under ROOT (the registered subtree;
# snmpd only asks about OIDs under it). The file maps numeric OIDs
# (no leading dot) to a value:
#
#     {"1.3.6.1.2.1.2.2.1.8.1": {"type": "integer", "value": 1},
#      "1.3.6.1.2.1.31.1.1.1.6.1": {"type": "counter64", "base": 5000,
#          "rate": 1250000, "t0": 1700000000.0, "mod": 18446744073709551616}}
#
# A value with "rate" is a counter that grows by RATE per second of wall
# time from BASE at T0, modulo MOD (default 2^32 for counter, 2^64 for
# counter64): the test sets a rate and the counter wraps or resets (a new
# BASE and T0) when the test says, exactly as a device's would. Types are
# snmpd's pass types: integer, gauge, counter, counter64, timeticks,
# ipaddress, objectid, string, octet. The file is re-read whenever its
# modification time or size changes, so a test rewrites it (atomically)
# to change what the agent answers. Python 3 standard library only.
import json
import os
import sys
import time

MODS = {"counter": 1 << 32, "counter64": 1 << 64, "gauge": 1 << 32,
        "timeticks": 1 << 32}


def oid_key(text):
    return tuple(int(x) for x in text.strip().strip(".").split(".") if x)


class Values:
    def __init__(self, root, path):
        self.root = oid_key(root)
        self.path = path
        self.stamp = None
        self.table = {}
        self.order = []

    def load(self):
        try:
            st = os.stat(self.path)
        except OSError:
            return
        stamp = (st.st_mtime_ns, st.st_size, st.st_ino)
        if stamp == self.stamp:
            return
        try:
            with open(self.path) as f:
                data = json.load(f)
        except (OSError, ValueError):
            return  # mid-write by a careless writer: keep the old table
        table = {}
        n = len(self.root)
        for k, v in data.items():
            key = oid_key(k)
            if key[:n] == self.root and isinstance(v, dict):
                table[key] = v
        self.table = table
        self.order = sorted(table)
        self.stamp = stamp

    def render(self, key):
        v = self.table[key]
        typ = v.get("type", "integer")
        if "rate" in v:
            mod = int(v.get("mod", MODS.get(typ, 1 << 32)))
            now = time.time()
            val = int(v.get("base", 0) + v["rate"] * (now - v.get("t0", now)))
            val %= mod
        else:
            val = v.get("value", 0)
        return ".%s\n%s\n%s\n" % (".".join(map(str, key)), typ, val)

    def get(self, key):
        if key in self.table:
            return self.render(key)
        return "NONE\n"

    def getnext(self, key):
        # The first OID strictly after KEY in lexicographic OID order.
        lo, hi = 0, len(self.order)
        while lo < hi:
            mid = (lo + hi) // 2
            if self.order[mid] <= key:
                lo = mid + 1
            else:
                hi = mid
        if lo < len(self.order):
            return self.render(self.order[lo])
        return "NONE\n"


def main():
    if len(sys.argv) != 3:
        sys.stderr.write("usage: snmp_pass.py ROOT VALUES.json\n")
        return 2
    vals = Values(sys.argv[1], sys.argv[2])
    out = sys.stdout
    while True:
        line = sys.stdin.readline()
        if not line:
            return 0
        cmd = line.strip().lower()
        if cmd == "ping":
            out.write("PONG\n")
        elif cmd in ("get", "getnext"):
            oid = sys.stdin.readline()
            if not oid:
                return 0
            vals.load()
            try:
                key = oid_key(oid)
            except ValueError:
                out.write("NONE\n")
            else:
                out.write(vals.get(key) if cmd == "get" else
                          vals.getnext(key))
        elif cmd == "set":
            sys.stdin.readline()
            sys.stdin.readline()
            out.write("not-writable\n")
        elif cmd == "":
            continue
        else:
            out.write("NONE\n")
        out.flush()


if __name__ == "__main__":
    sys.exit(main())
