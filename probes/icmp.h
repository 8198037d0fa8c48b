/* icmp.h - the ICMP echo engine beyond engine.h: its socket mode, and its reply parser for tests. */
#ifndef XANET_ICMP_H
#define XANET_ICMP_H

#include <ev.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "probes/probe.h"

enum icmp_mode {
	ICMP_MODE_AUTO,  /* datagram where ping_group_range allows, else raw */
	ICMP_MODE_DGRAM, /* socket(..., SOCK_DGRAM, IPPROTO_ICMP{,V6}) */
	ICMP_MODE_RAW,   /* SOCK_RAW: root or CAP_NET_RAW */
};

/*
 * probe_engine_icmp.open() with the socket kind chosen by the caller
 * (tests and benchmarks run both kinds); open() itself is ICMP_MODE_AUTO.
 */
void *icmp_engine_open(struct ev_loop *loop, struct probes_stats *stats,
    enum icmp_mode mode, char *err, size_t errlen);
/* "dgram" or "raw": the sockets ENGINE uses. */
const char *icmp_engine_mode(void *engine);

/* Flags for icmp_parse_reply(). */
#define ICMP_PARSE_IPHDR 0x1 /* IPv4 raw socket: the IP header comes first */
#define ICMP_PARSE_CSUM  0x2 /* verify the ICMPv4 checksum (raw sockets) */

enum icmp_parse {
	ICMP_PARSE_MALFORMED = -1, /* truncated, bad checksum, bad type/code */
	ICMP_PARSE_OTHER,          /* well formed, but not about an echo */
	ICMP_PARSE_ECHO_REPLY,
	ICMP_PARSE_ERROR, /* an ICMP error quoting one of our echo requests */
};

/* The echo payload: a 64-bit cookie, then the send time (UTC ns). */
#define ICMP_PAYLOAD_LEN 16

struct icmp_reply {
	uint8_t type; /* of the message: echo reply or the error's */
	uint8_t code;
	uint16_t id; /* of the echo (replied to or quoted) */
	uint16_t seq;
	bool has_cookie; /* errors may quote only the 8-byte ICMP header */
	uint64_t cookie;
	bool has_time;
	int64_t sent_ns;
	/* Errors: where the quoted echo was going (AF_UNSPEC for replies). */
	struct sockaddr_storage target;
};

/*
 * Parse one received ICMP (FAMILY AF_INET) or ICMPv6 (AF_INET6) message
 * of LEN bytes: an echo reply, or an error quoting an echo request.
 * Never reads past LEN. Returns an enum icmp_parse.
 */
int icmp_parse_reply(
    int family, int flags, const void *buf, size_t len, struct icmp_reply *out);

/* "host unreachable", "TTL exceeded in transit", ... for TYPE and CODE. */
const char *icmp_error_text(int family, int type, int code);

#endif
