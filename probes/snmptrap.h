/* snmptrap.h - the SNMP trap receiver: a UDP socket on the loop, v1/v2c traps into events. */
#ifndef XANET_SNMPTRAP_H
#define XANET_SNMPTRAP_H

#include <ev.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

struct config;
struct snmptrap;

/* One accepted trap, as the daemon needs it to find the device. */
struct snmptrap_info {
	const struct sockaddr *src; /* where the datagram came from */
	socklen_t srclen;
	char source[64]; /* SRC's address as text */
	char agent[64];  /* v1 agent-addr as text, or "" */
	/* link-down, link-up, cold-start, warm-start; NULL: not one of ours */
	const char *event;
	char trap_oid[160]; /* snmpTrapOID (v2c) or the v1 equivalent */
	long if_index;      /* from 1.3.6.1.2.1.2.2.1.1.N, or -1 */
	char if_name[64];   /* ifName/ifDescr if the trap carried one */
	int version;        /* 1 or 2 (v2c) */
};

typedef void (*snmptrap_fn)(void *arg, const struct snmptrap_info *ti);

/*
 * Bind the UDP socket LISTEN:PORT (PORT 162 needs privilege: call before
 * the drop). NULL with the reason in ERR.
 */
struct snmptrap *snmptrap_open(struct ev_loop *loop, const char *listen,
    int port, char *err, size_t errlen);
/*
 * Which communities are accepted (cfg->snmp.trap_communities, else every
 * device's snmp_community), the per-source rate, and where traps go.
 * CFG must outlive the receiver until the next call. Starts reading.
 */
void snmptrap_configure(
    struct snmptrap *t, const struct config *cfg, snmptrap_fn fn, void *arg);
void snmptrap_free(struct snmptrap *t);

struct snmptrap_stats {
	uint64_t received;
	uint64_t accepted;
	uint64_t bad_community;
	uint64_t malformed;
	uint64_t rate_dropped;
	uint64_t unknown;     /* not linkDown/linkUp/coldStart/warmStart */
	uint64_t unsupported; /* v3 and other versions */
};
void snmptrap_get_stats(const struct snmptrap *t, struct snmptrap_stats *st);

/*
 * Decode one datagram (for the receiver and the tests): 0 and INFO
 * filled, with the community copied into COMMUNITY (never logged); -1 if
 * it is not a v1/v2c trap we can read.
 */
int snmptrap_decode(const unsigned char *data, size_t len,
    struct snmptrap_info *info, char *community, size_t communitylen);

#endif
