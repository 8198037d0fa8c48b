/* snmptrap.c - the SNMP trap receiver: a UDP socket on the loop, v1/v2c traps into events. */

/*
 * A plain UDP socket, bound before the privilege drop (port 162), read on
 * the loop one datagram at a time. Messages are decoded with net-snmp's
 * own parsers (snmp_comstr_parse for the v1/v2c header, snmp_pdu_parse
 * for the PDU), which check every length against the datagram; we only
 * read the fields we need from the parsed PDU. No session is involved,
 * so nothing is ever sent back (an INFORM is read like a trap).
 *
 * Every source has a token bucket of [snmp] trap_rate traps a minute;
 * past it, traps are dropped and counted. The table of buckets is
 * bounded: the least recently seen source gives up its slot.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/library/snmp_impl.h>

#include "common/config.h"
#include "common/log.h"
#include "common/util.h"
#include "common/xtime.h"
#include "probes/snmpdata.h"
#include "probes/snmpsess.h"
#include "probes/snmptrap.h"

#define TRAP_MAX_BYTES 65535
#define TRAP_SOURCES   256
#define TRAP_COMM_MAX  64
#define TRAP_READS_MAX 64 /* datagrams per wakeup: others get a turn */

struct bucket {
	char source[64];
	double tokens;
	int64_t last_ms;
	uint64_t dropped;
};

struct snmptrap {
	struct ev_loop *loop;
	int fd;
	ev_io io;
	const struct config *cfg;
	snmptrap_fn fn;
	void *arg;
	int rate; /* a minute per source */
	struct bucket buckets[TRAP_SOURCES];
	struct snmptrap_stats stats;
	struct ratelimit log_rl;
	unsigned char buf[TRAP_MAX_BYTES + 1];
};

static const oid oid_trap_oid[] = {1, 3, 6, 1, 6, 3, 1, 1, 4, 1, 0};
static const oid oid_traps[] = {1, 3, 6, 1, 6, 3, 1, 1, 5};
static const oid oid_ifindex[] = {1, 3, 6, 1, 2, 1, 2, 2, 1, 1};
static const oid oid_ifdescr[] = {1, 3, 6, 1, 2, 1, 2, 2, 1, 2};
static const oid oid_ifname[] = {1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 1};

/* snmpTraps.N (and v1 generic-trap N-1) -> our event names. */
static const char *const trap_events[] = {
    NULL, "cold-start", "warm-start", "link-down", "link-up"};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static void
addr_text(const struct sockaddr *sa, char *out, size_t len)
{
	out[0] = '\0';
	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr,
		    out, (socklen_t)len);
	else if (sa->sa_family == AF_INET6) {
		const struct in6_addr *a =
		    &((const struct sockaddr_in6 *)sa)->sin6_addr;

		/* A v4 peer on a dual-stack socket is a v4 device. */
		if (IN6_IS_ADDR_V4MAPPED(a))
			inet_ntop(
			    AF_INET, &a->s6_addr[12], out, (socklen_t)len);
		else
			inet_ntop(AF_INET6, a, out, (socklen_t)len);
	}
}

/* An interface name from a trap varbind: printable bytes only. */
static void
octets_text(const netsnmp_variable_list *v, char *out, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < v->val_len && n + 1 < len; i++) {
		unsigned char c = v->val.string[i];

		out[n++] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
	}
	out[n] = '\0';
}

static bool
oid_under(const oid *name, size_t len, const oid *prefix, size_t plen)
{
	return len > plen && snmp_oid_compare(name, plen, prefix, plen) == 0;
}

/* The ifIndex and name a link trap carries. */
static void
varbinds_read(const netsnmp_variable_list *vars, struct snmptrap_info *info)
{
	for (const netsnmp_variable_list *v = vars; v != NULL;
	     v = v->next_variable) {
		if (oid_under(v->name, v->name_length, oid_ifindex,
			NELEM(oid_ifindex)) &&
		    v->type == ASN_INTEGER && info->if_index < 0)
			info->if_index = *v->val.integer;
		else if ((oid_under(v->name, v->name_length, oid_ifname,
			      NELEM(oid_ifname)) ||
			     (oid_under(v->name, v->name_length, oid_ifdescr,
				  NELEM(oid_ifdescr)) &&
				 info->if_name[0] == '\0')) &&
			 v->type == ASN_OCTET_STR)
			octets_text(v, info->if_name, sizeof info->if_name);
		/* Without an ifIndex varbind, the instance of ifAdmin/Oper. */
		if (info->if_index < 0 && v->name_length == 11 &&
		    oid_under(v->name, v->name_length, oid_ifindex, 9) &&
		    (v->name[9] == 7 || v->name[9] == 8))
			info->if_index = (long)v->name[10];
	}
}

int
snmptrap_decode(const unsigned char *data, size_t len,
    struct snmptrap_info *info, char *community, size_t communitylen)
{
	u_char comm[256];
	size_t commlen = sizeof comm - 1, left = len;
	long version = -1;
	u_char *p;
	netsnmp_pdu *pdu;
	int rc = -1;

	info->event = NULL;
	info->trap_oid[0] = info->agent[0] = info->if_name[0] = '\0';
	info->if_index = -1;
	if (len == 0 || len > TRAP_MAX_BYTES)
		return -1;
	p = snmp_comstr_parse((u_char *)data, &left, comm, &commlen, &version);
	if (p == NULL ||
	    (version != SNMP_VERSION_1 && version != SNMP_VERSION_2c))
		return -1;
	comm[commlen < sizeof comm ? commlen : sizeof comm - 1] = '\0';
	str_copy(community, (const char *)comm, communitylen);
	pdu = snmp_pdu_create(0);
	pdu->version = version;
	if (snmp_pdu_parse(pdu, p, &left) != SNMP_ERR_NOERROR)
		goto out;
	info->version = version == SNMP_VERSION_1 ? 1 : 2;
	if (pdu->command == SNMP_MSG_TRAP && version == SNMP_VERSION_1) {
		struct in_addr a;

		memcpy(&a, pdu->agent_addr, 4);
		inet_ntop(AF_INET, &a, info->agent, sizeof info->agent);
		if (pdu->trap_type >= 0 && pdu->trap_type <= 3) {
			info->event = trap_events[pdu->trap_type + 1];
			snprintf(info->trap_oid, sizeof info->trap_oid,
			    "1.3.6.1.6.3.1.1.5.%ld", pdu->trap_type + 1);
		} else if (pdu->enterprise != NULL &&
			   pdu->enterprise_length <= MAX_OID_LEN) {
			char e[140];

			snmp_oid_format(pdu->enterprise, pdu->enterprise_length,
			    e, sizeof e);
			snprintf(info->trap_oid, sizeof info->trap_oid,
			    "%s.0.%ld (generic %ld)", e, pdu->specific_type,
			    pdu->trap_type);
		}
		varbinds_read(pdu->variables, info);
		rc = 0;
	} else if ((pdu->command == SNMP_MSG_TRAP2 ||
		       pdu->command == SNMP_MSG_INFORM) &&
		   version == SNMP_VERSION_2c) {
		for (const netsnmp_variable_list *v = pdu->variables; v != NULL;
		     v = v->next_variable) {
			if (v->type != ASN_OBJECT_ID ||
			    snmp_oid_compare(v->name, v->name_length,
				oid_trap_oid, NELEM(oid_trap_oid)) != 0)
				continue;
			snmp_oid_format(v->val.objid, v->val_len / sizeof(oid),
			    info->trap_oid, sizeof info->trap_oid);
			if (v->val_len / sizeof(oid) == NELEM(oid_traps) + 1 &&
			    snmp_oid_compare(v->val.objid, NELEM(oid_traps),
				oid_traps, NELEM(oid_traps)) == 0 &&
			    v->val.objid[NELEM(oid_traps)] >= 1 &&
			    v->val.objid[NELEM(oid_traps)] <= 4)
				info->event =
				    trap_events[v->val.objid[NELEM(oid_traps)]];
			break;
		}
		if (info->trap_oid[0] == '\0')
			goto out; /* a v2 trap must say which */
		varbinds_read(pdu->variables, info);
		rc = 0;
	}
out:
	snmp_free_pdu(pdu);
	return rc;
}

struct snmptrap *
snmptrap_open(struct ev_loop *loop, const char *listen, int port, char *err,
    size_t errlen)
{
	struct sockaddr_storage ss;
	socklen_t sslen;
	struct snmptrap *t;
	int fd, one = 1;

	memset(&ss, 0, sizeof ss);
	if (inet_pton(
		AF_INET, listen, &((struct sockaddr_in *)&ss)->sin_addr) == 1) {
		((struct sockaddr_in *)&ss)->sin_family = AF_INET;
		((struct sockaddr_in *)&ss)->sin_port = htons((uint16_t)port);
		sslen = sizeof(struct sockaddr_in);
	} else if (inet_pton(AF_INET6, listen,
		       &((struct sockaddr_in6 *)&ss)->sin6_addr) == 1) {
		((struct sockaddr_in6 *)&ss)->sin6_family = AF_INET6;
		((struct sockaddr_in6 *)&ss)->sin6_port = htons((uint16_t)port);
		sslen = sizeof(struct sockaddr_in6);
	} else {
		snprintf(err, errlen, "bad trap_listen address %s", listen);
		return NULL;
	}
	fd = socket(ss.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return NULL;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (bind(fd, (struct sockaddr *)&ss, sslen) != 0) {
		snprintf(err, errlen,
		    "cannot listen for traps on %s port %d: %s", listen, port,
		    strerror(errno));
		close(fd);
		return NULL;
	}
	snmp_quiet_init("xanetd");
	t = xcalloc(1, sizeof *t);
	t->loop = loop;
	t->fd = fd;
	t->rate = 60;
	ratelimit_init(&t->log_rl, 60000, 10);
	return t;
}

/* Is COMM accepted? The list, or any device's community. */
static bool
community_ok(const struct snmptrap *t, const char *comm)
{
	const struct config *cfg = t->cfg;

	if (cfg == NULL)
		return false;
	if (cfg->snmp.trap_communities != NULL) {
		const char *p = cfg->snmp.trap_communities;
		size_t n = strlen(comm);

		while (*p != '\0') {
			size_t len = strcspn(p, ",");

			if (len == n && memcmp(p, comm, n) == 0)
				return true;
			p += len;
			if (*p == ',')
				p++;
		}
		return false;
	}
	for (size_t i = 0; i < cfg->ndevices; i++)
		if (cfg->devices[i].snmp_community != NULL &&
		    strcmp(cfg->devices[i].snmp_community, comm) == 0)
			return true;
	return false;
}

/* Token bucket of SOURCE: may one more trap through? */
static bool
rate_allow(struct snmptrap *t, const char *source, int64_t now)
{
	struct bucket *b = NULL, *oldest = &t->buckets[0];

	for (size_t i = 0; i < TRAP_SOURCES; i++) {
		struct bucket *c = &t->buckets[i];

		if (strcmp(c->source, source) == 0) {
			b = c;
			break;
		}
		if (c->last_ms < oldest->last_ms)
			oldest = c;
	}
	if (b == NULL) {
		b = oldest;
		str_copy(b->source, source, sizeof b->source);
		b->tokens = t->rate;
		b->last_ms = now;
		b->dropped = 0;
	}
	b->tokens += (double)(now - b->last_ms) * t->rate / 60000.0;
	if (b->tokens > t->rate)
		b->tokens = t->rate;
	b->last_ms = now;
	if (b->tokens < 1) {
		if (b->dropped++ == 0)
			log_warn("snmp traps from %s: more than %d a minute; "
				 "dropping",
			    source, t->rate);
		t->stats.rate_dropped++;
		return false;
	}
	b->tokens -= 1;
	b->dropped = 0;
	return true;
}

static void
trap_one(struct snmptrap *t, const unsigned char *data, size_t len,
    const struct sockaddr *src, socklen_t srclen)
{
	struct snmptrap_info info;
	char comm[256];
	int64_t now = time_mono_ms();
	uint64_t suppressed = 0;

	memset(&info, 0, sizeof info);
	info.src = src;
	info.srclen = srclen;
	addr_text(src, info.source, sizeof info.source);
	t->stats.received++;
	if (!rate_allow(t, info.source, now))
		return;
	if (snmptrap_decode(data, len, &info, comm, sizeof comm) == -1) {
		/* v3 is not configured: not malformed, but not ours to read. */
		if (len > 4 && data[0] == 0x30)
			t->stats.malformed++;
		if (ratelimit_allow(&t->log_rl, now, &suppressed))
			log_info("snmp trap from %s: not a v1/v2c trap we can "
				 "read (%zu bytes)",
			    info.source, len);
		return;
	}
	if (!community_ok(t, comm)) {
		t->stats.bad_community++;
		if (ratelimit_allow(&t->log_rl, now, &suppressed))
			log_info("snmp trap from %s: community not accepted",
			    info.source);
		return;
	}
	explicit_bzero(comm, sizeof comm);
	t->stats.accepted++;
	if (info.event == NULL) {
		t->stats.unknown++;
		if (ratelimit_allow(&t->log_rl, now, &suppressed))
			log_info("snmp trap from %s: %s (not one we act on)",
			    info.source, info.trap_oid);
	}
	if (t->fn != NULL)
		t->fn(t->arg, &info);
}

static void
trap_read_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct snmptrap *t = w->data;

	for (int i = 0; i < TRAP_READS_MAX; i++) {
		struct sockaddr_storage src;
		socklen_t srclen = sizeof src;
		ssize_t n = recvfrom(t->fd, t->buf, sizeof t->buf, MSG_TRUNC,
		    (struct sockaddr *)&src, &srclen);

		if (n < 0)
			return; /* EAGAIN, or an error ICMP left behind */
		if ((size_t)n > TRAP_MAX_BYTES) {
			t->stats.malformed++;
			continue;
		}
		trap_one(t, t->buf, (size_t)n, (struct sockaddr *)&src, srclen);
	}
}

void
snmptrap_configure(
    struct snmptrap *t, const struct config *cfg, snmptrap_fn fn, void *arg)
{
	t->cfg = cfg;
	t->fn = fn;
	t->arg = arg;
	t->rate = cfg->snmp.trap_rate > 0 ? cfg->snmp.trap_rate : 60;
	if (!ev_is_active(&t->io)) {
		ev_io_init(&t->io, trap_read_cb, t->fd, EV_READ);
		t->io.data = t;
		ev_io_start(t->loop, &t->io);
	}
}

void
snmptrap_free(struct snmptrap *t)
{
	if (t == NULL)
		return;
	ev_io_stop(t->loop, &t->io);
	close(t->fd);
	free(t);
}

void
snmptrap_get_stats(const struct snmptrap *t, struct snmptrap_stats *st)
{
	*st = t->stats;
}
