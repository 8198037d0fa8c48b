/* icmp.c - the ICMP echo engine: one socket per family, batched sends, reply matching, round results. */
#include <sys/queue.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <arpa/inet.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <linux/errqueue.h>
#include <linux/icmp.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "common/config.h"
#include "common/log.h"
#include "common/util.h"
#include "common/xtime.h"
#include "probes/engine.h"
#include "probes/icmp.h"

#define ICMP_HDR_LEN   8
#define ICMP_ECHO_LEN  (ICMP_HDR_LEN + ICMP_PAYLOAD_LEN)
#define ICMP_MAX_COUNT 100
#define ICMP_SLOTS     65536
/*
 * 64 echoes per sendmmsg(): few syscalls for a sweep, yet the send time
 * taken before the call is off by at most 64 packets' worth of kernel
 * work, and the replies of one batch fit the smallest receive buffer.
 */
#define ICMP_SEND_BATCH 64
/* Larger, so that draining one batch's replies is a single short read. */
#define ICMP_RECV_BATCH 128
/* Ours are at most 60 + 8 + 60 + 8 + 16 bytes; more is someone else's. */
#define ICMP_RECV_LEN 512
/* Bound the work of one wakeup so that a flood cannot starve the loop. */
#define ICMP_READ_ROUNDS 64
#define ICMP_RCVBUF      (4 * 1024 * 1024)
#define ICMP_SNDBUF      (1024 * 1024)
#define ICMP_RETRY_S     0.002
#define ICMP_SLACK_MS    100

enum echo_state {
	ECHO_IDLE,
	ECHO_QUEUED, /* waiting for the next flush */
	ECHO_SENT,   /* holds its sequence slot */
	ECHO_ANSWERED,
	ECHO_UNSENT,  /* the send failed */
	ECHO_ERRORED, /* an ICMP error came back for it */
};

struct icmp_round;

struct icmp_echo {
	TAILQ_ENTRY(icmp_echo) entry; /* in its socket's send queue */
	struct icmp_round *round;
	uint64_t cookie;
	int64_t sent_rt_ns;   /* kernel receive stamps are in wall time */
	int64_t sent_mono_ns; /* bounds the RTT across a clock step */
	int64_t rtt_ns;
	uint16_t seq;
	uint8_t state;
};
TAILQ_HEAD(icmp_queue, icmp_echo);

struct icmp_engine;

struct icmp_sock {
	struct icmp_engine *eng;
	int family;
	int fd; /* -1: this family is unavailable (why in err) */
	bool raw;
	ev_io io;
	struct icmp_queue queue;
	char err[128];
};

struct icmp_round {
	struct icmp_engine *eng;
	struct probe *p;
	struct icmp_sock *sock;
	ev_timer timer; /* next echo, then the end of the round */
	LIST_ENTRY(icmp_round) active;
	struct sockaddr_storage addr;
	socklen_t addrlen;
	bool running;
	int count;
	int queued;    /* echoes handed to the send queue so far */
	int attempted; /* echoes whose send was tried */
	int resolved;  /* answered, failed to send or errored */
	int received;
	int unsent;
	int last_errno;
	int64_t spacing_ms;
	ev_tstamp start_at; /* echo k is due at start_at + k * spacing */
	int64_t timeout_ms;
	/* The first ICMP error of the round, for the detail text. */
	bool have_error;
	uint8_t err_type;
	uint8_t err_code;
	struct sockaddr_storage err_from;
	/* A failure known at start(), reported from the timer. */
	enum probe_cause fail_cause;
	char fail_detail[128];
	int capacity;
	struct icmp_echo echo[];
};

struct icmp_engine {
	struct ev_loop *loop;
	struct probes_stats *stats;
	struct probes_stats own_stats; /* when the caller keeps none */
	enum icmp_mode mode;
	struct icmp_sock sock[2]; /* AF_INET, AF_INET6 */
	ev_prepare flush;
	ev_timer retry;
	LIST_HEAD(, icmp_round) rounds;
	uint64_t rng;
	uint16_t ident; /* raw sockets; the kernel picks it for dgram ones */
	uint16_t next_seq;
	uint32_t slots_used;
	struct ratelimit send_log;
	struct ratelimit recv_log;
	/* Send batch. */
	struct mmsghdr smsg[ICMP_SEND_BATCH];
	struct iovec siov[ICMP_SEND_BATCH];
	struct icmp_echo *secho[ICMP_SEND_BATCH];
	uint8_t spkt[ICMP_SEND_BATCH][ICMP_ECHO_LEN];
	/* Receive batch. */
	struct mmsghdr rmsg[ICMP_RECV_BATCH];
	struct iovec riov[ICMP_RECV_BATCH];
	struct sockaddr_storage rname[ICMP_RECV_BATCH];
	uint8_t rbuf[ICMP_RECV_BATCH][ICMP_RECV_LEN];
	uint8_t rctl[ICMP_RECV_BATCH][64] __attribute__((aligned(8)));
	/* Error queue (datagram sockets). */
	uint8_t ebuf[ICMP_RECV_LEN];
	uint8_t ectl[256] __attribute__((aligned(8)));
	/* Indexed by sequence number: the echo waiting for that reply. */
	struct icmp_echo *slots[ICMP_SLOTS];
};

static void icmp_round_timer_cb(struct ev_loop *, ev_timer *, int);

static uint16_t
get16(const uint8_t *b)
{
	return (uint16_t)(b[0] << 8 | b[1]);
}

static void
put16(uint8_t *b, uint16_t v)
{
	b[0] = v >> 8;
	b[1] = v & 0xff;
}

static uint64_t
get64(const uint8_t *b)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | b[i];
	return v;
}

static void
put64(uint8_t *b, uint64_t v)
{
	for (int i = 7; i >= 0; i--) {
		b[i] = v & 0xff;
		v >>= 8;
	}
}

/* The Internet checksum (RFC 1071): 0 over a packet that carries it. */
static uint16_t
inet_cksum(const uint8_t *b, size_t len)
{
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(b[i] << 8 | b[i + 1]);
	if (len & 1)
		sum += (uint32_t)b[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static int64_t
clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* splitmix64: cookies must differ between echoes, not resist an observer. */
static uint64_t
rng_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static bool
is_error_type(int family, int type)
{
	if (family == AF_INET)
		return type == ICMP_DEST_UNREACH ||
		       type == ICMP_TIME_EXCEEDED || type == ICMP_PARAMETERPROB;
	return type == ICMP6_DST_UNREACH || type == ICMP6_PACKET_TOO_BIG ||
	       type == ICMP6_TIME_EXCEEDED || type == ICMP6_PARAM_PROB;
}

/* The quoted packet of an error: where it went and its echo header. */
static int
parse_quoted(int family, const uint8_t *b, size_t len, struct icmp_reply *out)
{
	size_t hl;

	if (family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&out->target;

		if (len < 20 || b[0] >> 4 != 4)
			return ICMP_PARSE_MALFORMED;
		hl = (size_t)(b[0] & 0x0f) * 4;
		if (hl < 20 || hl > len)
			return ICMP_PARSE_MALFORMED;
		if (b[9] != IPPROTO_ICMP)
			return ICMP_PARSE_OTHER; /* about someone's UDP, TCP... */
		sin->sin_family = AF_INET;
		memcpy(&sin->sin_addr, b + 16, 4);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&out->target;

		if (len < 40 || b[0] >> 4 != 6)
			return ICMP_PARSE_MALFORMED;
		hl = 40;
		/* Ours carry no extension headers. */
		if (b[6] != IPPROTO_ICMPV6)
			return ICMP_PARSE_OTHER;
		sin6->sin6_family = AF_INET6;
		memcpy(&sin6->sin6_addr, b + 24, 16);
	}
	b += hl;
	len -= hl;
	if (len < ICMP_HDR_LEN)
		return ICMP_PARSE_MALFORMED;
	if (b[0] != (family == AF_INET ? ICMP_ECHO : ICMP6_ECHO_REQUEST))
		return ICMP_PARSE_OTHER;
	out->id = get16(b + 4);
	out->seq = get16(b + 6);
	if (len >= ICMP_HDR_LEN + 8) {
		out->has_cookie = true;
		out->cookie = get64(b + ICMP_HDR_LEN);
	}
	return ICMP_PARSE_ERROR;
}

int
icmp_parse_reply(
    int family, int flags, const void *buf, size_t len, struct icmp_reply *out)
{
	const uint8_t *b = buf;

	memset(out, 0, sizeof *out);
	out->target.ss_family = AF_UNSPEC;
	if (family != AF_INET && family != AF_INET6)
		return ICMP_PARSE_MALFORMED;
	if (family == AF_INET && (flags & ICMP_PARSE_IPHDR)) {
		size_t hl, tot;

		if (len < 20 || b[0] >> 4 != 4)
			return ICMP_PARSE_MALFORMED;
		hl = (size_t)(b[0] & 0x0f) * 4;
		if (hl < 20 || hl > len || b[9] != IPPROTO_ICMP)
			return ICMP_PARSE_MALFORMED;
		/* Link-layer padding may follow the datagram. */
		tot = get16(b + 2);
		if (tot >= hl && tot < len)
			len = tot;
		b += hl;
		len -= hl;
	}
	if (len < ICMP_HDR_LEN)
		return ICMP_PARSE_MALFORMED;
	/* ICMPv6 checksums cover a pseudo-header; the kernel checks those. */
	if (family == AF_INET && (flags & ICMP_PARSE_CSUM) &&
	    inet_cksum(b, len) != 0)
		return ICMP_PARSE_MALFORMED;
	out->type = b[0];
	out->code = b[1];
	if (b[0] == (family == AF_INET ? ICMP_ECHOREPLY : ICMP6_ECHO_REPLY)) {
		if (b[1] != 0 || len < ICMP_HDR_LEN + 8)
			return ICMP_PARSE_MALFORMED;
		out->id = get16(b + 4);
		out->seq = get16(b + 6);
		out->has_cookie = true;
		out->cookie = get64(b + ICMP_HDR_LEN);
		if (len >= ICMP_ECHO_LEN) {
			out->has_time = true;
			out->sent_ns = (int64_t)get64(b + ICMP_HDR_LEN + 8);
		}
		return ICMP_PARSE_ECHO_REPLY;
	}
	if (!is_error_type(family, b[0]))
		return ICMP_PARSE_MALFORMED; /* the socket filter lets no other in */
	return parse_quoted(family, b + ICMP_HDR_LEN, len - ICMP_HDR_LEN, out);
}

const char *
icmp_error_text(int family, int type, int code)
{
	static const char *const unreach4[] = {
	    "network unreachable",
	    "host unreachable",
	    "protocol unreachable",
	    "port unreachable",
	    "fragmentation needed",
	    "source route failed",
	    "destination network unknown",
	    "destination host unknown",
	    "source host isolated",
	    "network administratively prohibited",
	    "host administratively prohibited",
	    "network unreachable for TOS",
	    "host unreachable for TOS",
	    "communication administratively prohibited",
	    "host precedence violation",
	    "precedence cutoff in effect",
	};
	static const char *const unreach6[] = {
	    "no route to destination",
	    "communication administratively prohibited",
	    "beyond scope of source address",
	    "address unreachable",
	    "port unreachable",
	    "source address failed ingress/egress policy",
	    "reject route to destination",
	};

	if (family == AF_INET) {
		switch (type) {
		case ICMP_DEST_UNREACH:
			if (code >= 0 &&
			    (size_t)code < sizeof unreach4 / sizeof unreach4[0])
				return unreach4[code];
			return "destination unreachable";
		case ICMP_TIME_EXCEEDED:
			return code == 1 ? "fragment reassembly time exceeded"
					 : "TTL exceeded in transit";
		case ICMP_PARAMETERPROB:
			return "parameter problem";
		}
	} else {
		switch (type) {
		case ICMP6_DST_UNREACH:
			if (code >= 0 &&
			    (size_t)code < sizeof unreach6 / sizeof unreach6[0])
				return unreach6[code];
			return "destination unreachable";
		case ICMP6_PACKET_TOO_BIG:
			return "packet too big";
		case ICMP6_TIME_EXCEEDED:
			return code == 1 ? "fragment reassembly time exceeded"
					 : "hop limit exceeded in transit";
		case ICMP6_PARAM_PROB:
			return "parameter problem";
		}
	}
	return "ICMP error";
}

static const char *
addr_text(const struct sockaddr_storage *ss, char *buf, size_t len)
{
	const void *a;

	if (ss->ss_family == AF_INET)
		a = &((const struct sockaddr_in *)ss)->sin_addr;
	else if (ss->ss_family == AF_INET6)
		a = &((const struct sockaddr_in6 *)ss)->sin6_addr;
	else
		a = NULL;
	if (a == NULL ||
	    inet_ntop(ss->ss_family, a, buf, (socklen_t)len) == NULL)
		str_copy(buf, "?", len);
	return buf;
}

/* Same host? Ports and scopes do not matter to ICMP. */
static bool
addr_equal(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return false;
	if (a->ss_family == AF_INET)
		return ((const struct sockaddr_in *)a)->sin_addr.s_addr ==
		       ((const struct sockaddr_in *)b)->sin_addr.s_addr;
	if (a->ss_family == AF_INET6)
		return memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr,
			   &((const struct sockaddr_in6 *)b)->sin6_addr,
			   16) == 0;
	return false;
}

/*
 * Copy P's target into RD as the socket wants it: an IPv4-mapped IPv6
 * address goes out as IPv4, and the port is zero (raw IPv6 sockets take
 * a non-zero port for a protocol number).
 */
static int
round_set_addr(struct icmp_round *rd, const struct probe *p)
{
	memset(&rd->addr, 0, sizeof rd->addr);
	if (p->addr.ss_family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&rd->addr;

		sin->sin_family = AF_INET;
		sin->sin_addr =
		    ((const struct sockaddr_in *)&p->addr)->sin_addr;
		rd->addrlen = sizeof *sin;
		return AF_INET;
	}
	if (p->addr.ss_family == AF_INET6) {
		const struct sockaddr_in6 *src =
		    (const struct sockaddr_in6 *)&p->addr;
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&rd->addr;

		if (IN6_IS_ADDR_V4MAPPED(&src->sin6_addr)) {
			struct sockaddr_in *sin =
			    (struct sockaddr_in *)&rd->addr;

			sin->sin_family = AF_INET;
			memcpy(&sin->sin_addr, src->sin6_addr.s6_addr + 12, 4);
			rd->addrlen = sizeof *sin;
			return AF_INET;
		}
		sin6->sin6_family = AF_INET6;
		sin6->sin6_addr = src->sin6_addr;
		sin6->sin6_scope_id = src->sin6_scope_id;
		rd->addrlen = sizeof *sin6;
		return AF_INET6;
	}
	return AF_UNSPEC;
}

static int
slot_alloc(struct icmp_engine *eng, struct icmp_echo *e)
{
	if (eng->slots_used >= ICMP_SLOTS)
		return -1;
	while (eng->slots[eng->next_seq] != NULL)
		eng->next_seq++;
	e->seq = eng->next_seq++;
	eng->slots[e->seq] = e;
	eng->slots_used++;
	return 0;
}

static void
slot_free(struct icmp_engine *eng, struct icmp_echo *e)
{
	if (eng->slots[e->seq] == e) {
		eng->slots[e->seq] = NULL;
		eng->slots_used--;
	}
}

static void
round_arm(struct icmp_round *rd, int64_t after_ms)
{
	struct ev_loop *loop = rd->eng->loop;

	ev_timer_stop(loop, &rd->timer);
	ev_timer_set(&rd->timer, after_ms / 1000.0, 0.);
	ev_timer_start(loop, &rd->timer);
}

/*
 * Arm the timer for the next echo on the round's own grid, so that the
 * loop's timer coalescing (a few ms late per fire) never adds up over
 * the echoes of a round.
 */
static void
round_arm_echo(struct icmp_round *rd)
{
	struct ev_loop *loop = rd->eng->loop;
	ev_tstamp after =
	    rd->start_at +
	    (ev_tstamp)rd->queued * (ev_tstamp)rd->spacing_ms / 1000.0 -
	    ev_now(loop);

	ev_timer_stop(loop, &rd->timer);
	ev_timer_set(&rd->timer, after > 0 ? after : 0., 0.);
	ev_timer_start(loop, &rd->timer);
}

/* Stop RD without a result: timers, queued echoes, sequence slots. */
static void
round_stop(struct icmp_round *rd)
{
	struct icmp_engine *eng = rd->eng;

	if (!rd->running)
		return;
	rd->running = false;
	ev_timer_stop(eng->loop, &rd->timer);
	LIST_REMOVE(rd, active);
	for (int i = 0; i < rd->queued; i++) {
		struct icmp_echo *e = &rd->echo[i];

		if (e->state == ECHO_QUEUED)
			TAILQ_REMOVE(&rd->sock->queue, e, entry);
		else if (e->state == ECHO_SENT)
			slot_free(eng, e);
		e->state = ECHO_IDLE;
	}
}

/* Any IPv6 address here at all? Asked only when every send failed. */
static bool
host_has_ipv6(void)
{
	FILE *f = fopen("/proc/net/if_inet6", "re");
	bool any;

	if (f == NULL)
		return false;
	any = fgetc(f) != EOF;
	fclose(f);
	return any;
}

static void
round_result(struct icmp_round *rd, struct probe_result *r)
{
	int64_t sum = 0, jsum = 0, prev = -1;
	int64_t mn = INT64_MAX, mx = 0;
	int jn = 0;
	char from[INET6_ADDRSTRLEN];

	memset(r, 0, sizeof *r);
	r->rtt_us = r->rtt_min_us = r->rtt_max_us = r->jitter_us = -1;
	r->cert_days = -1;
	r->sent = rd->count;
	r->received = rd->received;
	for (int i = 0; i < rd->queued; i++) {
		int64_t rtt = rd->echo[i].rtt_ns;

		if (rd->echo[i].state != ECHO_ANSWERED)
			continue;
		sum += rtt;
		if (rtt < mn)
			mn = rtt;
		if (rtt > mx)
			mx = rtt;
		if (prev >= 0) {
			jsum += rtt > prev ? rtt - prev : prev - rtt;
			jn++;
		}
		prev = rtt;
	}
	if (rd->received > 0) {
		r->ok = true;
		r->cause = CAUSE_NONE;
		r->rtt_us = sum / rd->received / 1000;
		r->rtt_min_us = mn / 1000;
		r->rtt_max_us = mx / 1000;
		if (jn > 0)
			r->jitter_us = jsum / jn / 1000;
		snprintf(r->detail, sizeof r->detail, "%d/%d echoes answered",
		    rd->received, rd->count);
		return;
	}
	if (rd->have_error) {
		r->cause = CAUSE_UNREACHABLE;
		if (rd->err_from.ss_family != AF_UNSPEC)
			snprintf(r->detail, sizeof r->detail, "%s (from %s)",
			    icmp_error_text(
				rd->sock->family, rd->err_type, rd->err_code),
			    addr_text(&rd->err_from, from, sizeof from));
		else
			str_copy(r->detail,
			    icmp_error_text(
				rd->sock->family, rd->err_type, rd->err_code),
			    sizeof r->detail);
		return;
	}
	if (rd->unsent == rd->count) {
		/* Our own IPv6 is off: a monitoring fault, not the device's. */
		if (rd->sock->family == AF_INET6 &&
		    (rd->last_errno == EADDRNOTAVAIL ||
			rd->last_errno == ENETUNREACH) &&
		    !host_has_ipv6()) {
			r->cause = CAUSE_MONITOR;
			str_copy(r->detail,
			    "IPv6 is disabled on this host (no IPv6 address, "
			    "not even ::1)",
			    sizeof r->detail);
			return;
		}
		r->cause = CAUSE_NETWORK;
		snprintf(r->detail, sizeof r->detail, "cannot send: %s",
		    strerror(rd->last_errno));
		return;
	}
	r->cause = CAUSE_TIMEOUT;
	if (rd->unsent > 0)
		snprintf(r->detail, sizeof r->detail,
		    "0/%d echoes answered (%d not sent: %s)", rd->count,
		    rd->unsent, strerror(rd->last_errno));
	else
		snprintf(r->detail, sizeof r->detail, "0/%d echoes answered",
		    rd->count);
}

/* End RD's round with its result; nothing of RD may be used after. */
static void
round_finish(struct icmp_round *rd)
{
	struct probe *p = rd->p;
	struct probe_result r;

	if (rd->fail_cause != CAUSE_NONE) {
		memset(&r, 0, sizeof r);
		r.cause = rd->fail_cause;
		r.rtt_us = r.rtt_min_us = r.rtt_max_us = r.jitter_us = -1;
		r.cert_days = -1;
		r.sent = rd->count;
		str_copy(r.detail, rd->fail_detail, sizeof r.detail);
	} else
		round_result(rd, &r);
	round_stop(rd);
	probe_done(p, &r);
}

/* Every echo sent (or failed) and accounted for: no reason to wait. */
static bool
round_complete(const struct icmp_round *rd)
{
	return rd->attempted == rd->count && rd->resolved == rd->count;
}

/*
 * The last echo of RD has been tried: the round now ends TIMEOUT after it,
 * or at once (from the timer, so that no flush ever calls back) when
 * nothing is left to wait for.
 */
static void
round_last_tried(struct icmp_round *rd)
{
	round_arm(rd, round_complete(rd) ? 0 : rd->timeout_ms);
}

static void
round_queue_echo(struct icmp_round *rd)
{
	struct icmp_echo *e = &rd->echo[rd->queued++];

	memset(e, 0, sizeof *e);
	e->round = rd;
	e->state = ECHO_QUEUED;
	e->rtt_ns = -1;
	TAILQ_INSERT_TAIL(&rd->sock->queue, e, entry);
}

static void
echo_sent(struct icmp_echo *e)
{
	struct icmp_round *rd = e->round;

	e->state = ECHO_SENT;
	rd->eng->stats->icmp_sent++;
	if (++rd->attempted == rd->count)
		round_last_tried(rd);
}

static void
echo_unsent(struct icmp_echo *e, int err)
{
	struct icmp_round *rd = e->round;
	struct icmp_engine *eng = rd->eng;
	uint64_t suppressed = 0;
	char addr[INET6_ADDRSTRLEN];

	slot_free(eng, e);
	e->state = ECHO_UNSENT;
	rd->unsent++;
	rd->resolved++;
	rd->last_errno = err;
	if (ratelimit_allow(&eng->send_log, time_mono_ms(), &suppressed))
		log_warn("icmp: cannot send an echo to %s: %s%s",
		    addr_text(&rd->addr, addr, sizeof addr), strerror(err),
		    suppressed > 0 ? " (and similar, suppressed)" : "");
	if (++rd->attempted == rd->count)
		round_last_tried(rd);
}

static void
echo_answered(struct icmp_echo *e, int64_t rx_rt_ns, int64_t now_mono_ns)
{
	struct icmp_round *rd = e->round;
	int64_t rtt = rx_rt_ns - e->sent_rt_ns;
	int64_t bound = now_mono_ns - e->sent_mono_ns;

	/* A wall clock step between send and receive: trust the monotonic. */
	if (rtt < 0 || rtt > bound)
		rtt = bound;
	slot_free(rd->eng, e);
	e->state = ECHO_ANSWERED;
	e->rtt_ns = rtt;
	rd->received++;
	rd->resolved++;
	rd->eng->stats->icmp_received++;
	if (round_complete(rd))
		round_finish(rd);
}

static void
echo_errored(struct icmp_echo *e, int type, int code,
    const struct sockaddr_storage *from)
{
	struct icmp_round *rd = e->round;

	slot_free(rd->eng, e);
	e->state = ECHO_ERRORED;
	rd->resolved++;
	if (!rd->have_error) {
		rd->have_error = true;
		rd->err_type = (uint8_t)type;
		rd->err_code = (uint8_t)code;
		if (from != NULL)
			rd->err_from = *from;
		else
			rd->err_from.ss_family = AF_UNSPEC;
	}
	if (round_complete(rd))
		round_finish(rd);
}

/*
 * The echo waiting for sequence SEQ from TARGET, if REP is about it;
 * NULL (and counted foreign) for a late, stray or someone else's reply.
 */
static struct icmp_echo *
echo_match(struct icmp_sock *s, const struct icmp_reply *rep,
    const struct sockaddr_storage *target)
{
	struct icmp_engine *eng = s->eng;
	struct icmp_echo *e = eng->slots[rep->seq];

	if ((s->raw && rep->id != eng->ident) || e == NULL ||
	    e->state != ECHO_SENT || e->round->sock != s ||
	    (rep->has_cookie && rep->cookie != e->cookie) ||
	    (target != NULL && !addr_equal(target, &e->round->addr))) {
		eng->stats->icmp_foreign++;
		return NULL;
	}
	return e;
}

static void sock_read(struct icmp_sock *s);

/*
 * A datagram socket's error queue: ICMP errors for our echoes, each with
 * the offender's address and the start of the echo it quotes.
 */
static void
sock_read_errors(struct icmp_sock *s)
{
	struct icmp_engine *eng = s->eng;

	for (int k = 0; k < ICMP_READ_ROUNDS * ICMP_RECV_BATCH; k++) {
		struct sockaddr_storage name, from;
		struct iovec iov = {eng->ebuf, sizeof eng->ebuf};
		struct msghdr mh;
		struct cmsghdr *c;
		struct sock_extended_err ee;
		struct icmp_reply rep;
		struct icmp_echo *e;
		bool have_ee = false;
		ssize_t n;

		memset(&mh, 0, sizeof mh);
		memset(&name, 0, sizeof name);
		memset(&from, 0, sizeof from);
		mh.msg_name = &name;
		mh.msg_namelen = sizeof name;
		mh.msg_iov = &iov;
		mh.msg_iovlen = 1;
		mh.msg_control = eng->ectl;
		mh.msg_controllen = sizeof eng->ectl;
		n = recvmsg(s->fd, &mh, MSG_ERRQUEUE | MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return;
		}
		for (c = CMSG_FIRSTHDR(&mh); c != NULL;
		     c = CMSG_NXTHDR(&mh, c)) {
			size_t dlen = c->cmsg_len - CMSG_LEN(0);

			if (!((c->cmsg_level == SOL_IP &&
				  c->cmsg_type == IP_RECVERR) ||
				(c->cmsg_level == SOL_IPV6 &&
				    c->cmsg_type == IPV6_RECVERR)) ||
			    dlen < sizeof ee)
				continue;
			memcpy(&ee, CMSG_DATA(c), sizeof ee);
			have_ee = true;
			/* The offender's address follows the error. */
			dlen -= sizeof ee;
			if (dlen > sizeof from)
				dlen = sizeof from;
			memcpy(&from, CMSG_DATA(c) + sizeof ee, dlen);
			if (dlen < sizeof(sa_family_t) ||
			    (from.ss_family != AF_INET &&
				from.ss_family != AF_INET6))
				from.ss_family = AF_UNSPEC;
		}
		/* Local errors (e.g. EMSGSIZE) were reported by sendmmsg(). */
		if (!have_ee || (ee.ee_origin != SO_EE_ORIGIN_ICMP &&
				    ee.ee_origin != SO_EE_ORIGIN_ICMP6))
			continue;
		memset(&rep, 0, sizeof rep);
		if (n < ICMP_HDR_LEN) {
			eng->stats->icmp_malformed++;
			continue;
		}
		if (eng->ebuf[0] !=
		    (s->family == AF_INET ? ICMP_ECHO : ICMP6_ECHO_REQUEST)) {
			eng->stats->icmp_foreign++;
			continue;
		}
		rep.seq = get16(eng->ebuf + 6);
		if (n >= ICMP_HDR_LEN + 8) {
			rep.has_cookie = true;
			rep.cookie = get64(eng->ebuf + ICMP_HDR_LEN);
		}
		/* The kernel names the quoted echo's destination. */
		e = echo_match(s, &rep,
		    mh.msg_namelen >= sizeof(sa_family_t) &&
			    name.ss_family == s->family
			? &name
			: NULL);
		if (e != NULL)
			echo_errored(e, ee.ee_type, ee.ee_code, &from);
	}
}

static void
sock_handle(struct icmp_sock *s, int i, int64_t now_rt, int64_t now_mono)
{
	struct icmp_engine *eng = s->eng;
	struct mmsghdr *m = &eng->rmsg[i];
	struct msghdr *mh = &m->msg_hdr;
	struct sockaddr_storage *name = &eng->rname[i];
	struct icmp_reply rep;
	struct icmp_echo *e;
	struct cmsghdr *c;
	int64_t rx = now_rt;
	int flags = 0, rc;

	if (s->raw && s->family == AF_INET)
		flags |= ICMP_PARSE_IPHDR;
	/* A cut datagram cannot be checked, and cannot be one of ours. */
	if (s->raw && !(mh->msg_flags & MSG_TRUNC))
		flags |= ICMP_PARSE_CSUM;
	rc = icmp_parse_reply(s->family, flags, eng->rbuf[i], m->msg_len, &rep);
	if (rc == ICMP_PARSE_MALFORMED) {
		eng->stats->icmp_malformed++;
		return;
	}
	if (rc == ICMP_PARSE_OTHER) {
		eng->stats->icmp_foreign++;
		return;
	}
	if (mh->msg_namelen < sizeof(sa_family_t) ||
	    name->ss_family != s->family) {
		eng->stats->icmp_foreign++;
		return;
	}
	if (rc == ICMP_PARSE_ERROR) {
		e = echo_match(s, &rep, &rep.target);
		if (e != NULL)
			echo_errored(e, rep.type, rep.code, name);
		return;
	}
	e = echo_match(s, &rep, name);
	if (e == NULL)
		return;
	for (c = CMSG_FIRSTHDR(mh); c != NULL; c = CMSG_NXTHDR(mh, c)) {
		if (c->cmsg_level == SOL_SOCKET &&
		    c->cmsg_type == SCM_TIMESTAMPNS &&
		    c->cmsg_len >= CMSG_LEN(sizeof(struct timespec))) {
			struct timespec ts;

			memcpy(&ts, CMSG_DATA(c), sizeof ts);
			rx = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
		}
	}
	echo_answered(e, rx, now_mono);
}

/* Read until the socket is empty (or a bounded amount of work is done). */
static void
sock_read(struct icmp_sock *s)
{
	struct icmp_engine *eng = s->eng;
	int total = 0;

	for (int iter = 0; iter < ICMP_READ_ROUNDS; iter++) {
		int64_t now_rt, now_mono;
		int n;

		for (int i = 0; i < ICMP_RECV_BATCH; i++) {
			struct msghdr *mh = &eng->rmsg[i].msg_hdr;

			eng->riov[i].iov_base = eng->rbuf[i];
			eng->riov[i].iov_len = sizeof eng->rbuf[i];
			mh->msg_name = &eng->rname[i];
			mh->msg_namelen = sizeof eng->rname[i];
			mh->msg_iov = &eng->riov[i];
			mh->msg_iovlen = 1;
			mh->msg_control = eng->rctl[i];
			mh->msg_controllen = sizeof eng->rctl[i];
			mh->msg_flags = 0;
		}
		n = recvmmsg(
		    s->fd, eng->rmsg, ICMP_RECV_BATCH, MSG_DONTWAIT, NULL);
		if (n < 0) {
			uint64_t suppressed = 0;

			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			/*
			 * A datagram socket reports a pending ICMP error
			 * here; its details wait on the error queue.
			 */
			if (!s->raw) {
				sock_read_errors(s);
				total++;
				continue;
			}
			if (ratelimit_allow(
				&eng->recv_log, time_mono_ms(), &suppressed))
				log_warn("icmp: receive: %s", strerror(errno));
			break;
		}
		now_rt = clock_ns(CLOCK_REALTIME);
		now_mono = clock_ns(CLOCK_MONOTONIC);
		for (int i = 0; i < n; i++)
			sock_handle(s, i, now_rt, now_mono);
		total += n;
		/* A short batch drained the queue: skip the EAGAIN call. */
		if (n < ICMP_RECV_BATCH)
			break;
	}
	/*
	 * Woken with nothing to read: an error may wait on the error queue
	 * (its sk_err taken by a send), and would keep waking us.
	 */
	if (total == 0 && !s->raw)
		sock_read_errors(s);
}

static void
sock_io_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	sock_read(w->data);
}

/* The echo E into PKT; returns its length. */
static size_t
echo_build(struct icmp_engine *eng, struct icmp_sock *s, struct icmp_echo *e,
    uint8_t *pkt, int64_t now_rt)
{
	memset(pkt, 0, ICMP_ECHO_LEN);
	pkt[0] = s->family == AF_INET ? ICMP_ECHO : ICMP6_ECHO_REQUEST;
	/* Datagram sockets put in their own identifier and checksum. */
	put16(pkt + 4, eng->ident);
	put16(pkt + 6, e->seq);
	e->cookie = rng_next(&eng->rng);
	put64(pkt + ICMP_HDR_LEN, e->cookie);
	put64(pkt + ICMP_HDR_LEN + 8, (uint64_t)now_rt);
	/* The kernel checksums ICMPv6 (it needs the addresses). */
	if (s->raw && s->family == AF_INET)
		put16(pkt + 2, inet_cksum(pkt, ICMP_ECHO_LEN));
	return ICMP_ECHO_LEN;
}

/* Put the unsent tail of the batch back at the head of the queue. */
static void
sock_requeue(struct icmp_sock *s, int from, int n)
{
	struct icmp_engine *eng = s->eng;

	for (int i = n - 1; i >= from; i--) {
		struct icmp_echo *e = eng->secho[i];

		slot_free(eng, e);
		e->state = ECHO_QUEUED;
		TAILQ_INSERT_HEAD(&s->queue, e, entry);
	}
}

/*
 * Send everything queued on S, ICMP_SEND_BATCH echoes per sendmmsg().
 * Never calls a probe back while it holds a batch (rounds whose last echo
 * was tried end from their timer), so callbacks cannot free its echoes.
 */
static void
sock_flush(struct icmp_sock *s)
{
	struct icmp_engine *eng = s->eng;

	while (!TAILQ_EMPTY(&s->queue)) {
		int64_t now_rt = clock_ns(CLOCK_REALTIME);
		int64_t now_mono = clock_ns(CLOCK_MONOTONIC);
		bool retried = false, errors = false;
		struct icmp_echo *e;
		int n = 0, done = 0;

		while (n < ICMP_SEND_BATCH &&
		       (e = TAILQ_FIRST(&s->queue)) != NULL) {
			struct msghdr *mh = &eng->smsg[n].msg_hdr;

			TAILQ_REMOVE(&s->queue, e, entry);
			if (slot_alloc(eng, e) == -1) {
				/* 65,536 echoes in flight: this one is lost. */
				echo_unsent(e, EBUSY);
				continue;
			}
			eng->siov[n].iov_base = eng->spkt[n];
			eng->siov[n].iov_len =
			    echo_build(eng, s, e, eng->spkt[n], now_rt);
			e->sent_rt_ns = now_rt;
			e->sent_mono_ns = now_mono;
			memset(mh, 0, sizeof *mh);
			mh->msg_name = &e->round->addr;
			mh->msg_namelen = e->round->addrlen;
			mh->msg_iov = &eng->siov[n];
			mh->msg_iovlen = 1;
			eng->secho[n++] = e;
		}
		if (n == 0)
			continue;
		/* Round timers armed below count from the actual send. */
		ev_now_update(eng->loop);
		while (done < n) {
			int r = sendmmsg(
			    s->fd, eng->smsg + done, (unsigned)(n - done), 0);
			int err;

			if (r > 0) {
				for (int i = done; i < done + r; i++)
					echo_sent(eng->secho[i]);
				done += r;
				retried = false;
				continue;
			}
			err = r < 0 ? errno : EIO;
			if (err == EINTR)
				continue;
			if (err == EAGAIN || err == EWOULDBLOCK ||
			    err == ENOBUFS) {
				/* The send buffer or device queue is full. */
				sock_requeue(s, done, n);
				if (!ev_is_active(&eng->retry)) {
					ev_timer_set(
					    &eng->retry, ICMP_RETRY_S, 0.);
					ev_timer_start(eng->loop, &eng->retry);
				}
				if (errors)
					sock_read_errors(s);
				return;
			}
			/*
			 * A datagram socket with IP_RECVERR fails the next
			 * send with the errno of an ICMP error that arrived
			 * for any earlier echo: try once more before blaming
			 * this one, and read that error from the queue.
			 */
			if (!s->raw) {
				errors = true;
				if (!retried) {
					retried = true;
					continue;
				}
			}
			echo_unsent(eng->secho[done], err);
			done++;
			retried = false;
		}
		if (errors)
			sock_read_errors(s);
		/* Replies of a big sweep must not overflow the receive buffer. */
		if (!TAILQ_EMPTY(&s->queue))
			sock_read(s);
	}
}

static void
engine_flush(struct icmp_engine *eng)
{
	for (int i = 0; i < 2; i++)
		if (eng->sock[i].fd >= 0)
			sock_flush(&eng->sock[i]);
}

static void
engine_prepare_cb(struct ev_loop *loop, ev_prepare *w, int revents)
{
	engine_flush(w->data);
}

static void
engine_retry_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	engine_flush(w->data);
}

static void
sock_set_buf(int fd, int force, int plain, int size)
{
	/* FORCE passes net.core.*mem_max, when we are privileged. */
	if (setsockopt(fd, SOL_SOCKET, force, &size, sizeof size) == -1)
		(void)setsockopt(fd, SOL_SOCKET, plain, &size, sizeof size);
}

/* Open S's socket of kind RAW; -1 with errno. */
static int
sock_open(struct icmp_sock *s, bool raw)
{
	int proto = s->family == AF_INET ? IPPROTO_ICMP : IPPROTO_ICMPV6;
	int one = 1, fd, saved;

	fd = socket(s->family,
	    (raw ? SOCK_RAW : SOCK_DGRAM) | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    proto);
	if (fd == -1)
		return -1;
	sock_set_buf(fd, SO_RCVBUFFORCE, SO_RCVBUF, ICMP_RCVBUF);
	sock_set_buf(fd, SO_SNDBUFFORCE, SO_SNDBUF, ICMP_SNDBUF);
	/* Without kernel stamps, RTTs fall back to the clock at recv. */
	(void)setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof one);
	if (!raw) {
		/* ICMP errors for our echoes, with who sent them. */
		if (s->family == AF_INET
			? setsockopt(fd, SOL_IP, IP_RECVERR, &one, sizeof one)
			: setsockopt(
			      fd, SOL_IPV6, IPV6_RECVERR, &one, sizeof one))
			goto fail;
	} else if (s->family == AF_INET) {
		/* A raw socket sees all ICMP: let in replies and errors. */
		struct icmp_filter f;

		f.data = ~((1U << ICMP_ECHOREPLY) | (1U << ICMP_DEST_UNREACH) |
			   (1U << ICMP_TIME_EXCEEDED) |
			   (1U << ICMP_PARAMETERPROB));
		if (setsockopt(fd, SOL_RAW, ICMP_FILTER, &f, sizeof f) == -1)
			goto fail;
	} else {
		struct icmp6_filter f;

		ICMP6_FILTER_SETBLOCKALL(&f);
		ICMP6_FILTER_SETPASS(ICMP6_ECHO_REPLY, &f);
		ICMP6_FILTER_SETPASS(ICMP6_DST_UNREACH, &f);
		ICMP6_FILTER_SETPASS(ICMP6_PACKET_TOO_BIG, &f);
		ICMP6_FILTER_SETPASS(ICMP6_TIME_EXCEEDED, &f);
		ICMP6_FILTER_SETPASS(ICMP6_PARAM_PROB, &f);
		if (setsockopt(
			fd, IPPROTO_ICMPV6, ICMP6_FILTER, &f, sizeof f) == -1)
			goto fail;
	}
	s->fd = fd;
	s->raw = raw;
	return 0;
fail:
	saved = errno;
	close(fd);
	errno = saved;
	return -1;
}

/* Open S in MODE (AUTO: datagram, else raw); -1 with S->err. */
static int
sock_open_mode(struct icmp_sock *s, enum icmp_mode mode)
{
	const char *fam = s->family == AF_INET ? "IPv4" : "IPv6";
	int derr = 0;

	if (mode != ICMP_MODE_RAW) {
		if (sock_open(s, false) == 0)
			return 0;
		derr = errno;
		if (mode == ICMP_MODE_DGRAM || derr == EAFNOSUPPORT) {
			snprintf(s->err, sizeof s->err,
			    "%s ICMP datagram socket: %s%s", fam,
			    strerror(derr),
			    derr == EACCES ? " (net.ipv4.ping_group_range)"
					   : "");
			return -1;
		}
	}
	if (sock_open(s, true) == 0)
		return 0;
	if (derr != 0)
		snprintf(s->err, sizeof s->err,
		    "%s ICMP socket: datagram: %s (net.ipv4.ping_group_range); "
		    "raw: %s (needs root or CAP_NET_RAW)",
		    fam, strerror(derr), strerror(errno));
	else
		snprintf(s->err, sizeof s->err, "%s raw ICMP socket: %s", fam,
		    strerror(errno));
	return -1;
}

void *
icmp_engine_open(struct ev_loop *loop, struct probes_stats *stats,
    enum icmp_mode mode, char *err, size_t errlen)
{
	struct icmp_engine *eng = xcalloc(1, sizeof *eng);
	uint64_t seed;

	eng->loop = loop;
	eng->stats = stats != NULL ? stats : &eng->own_stats;
	if (getrandom(&seed, sizeof seed, GRND_NONBLOCK) != sizeof seed)
		seed = (uint64_t)clock_ns(CLOCK_REALTIME) ^
		       ((uint64_t)getpid() << 32);
	eng->rng = seed;
	eng->ident = (uint16_t)rng_next(&eng->rng);
	/* A restarted daemon must not reuse the sequence numbers it had. */
	eng->next_seq = (uint16_t)rng_next(&eng->rng);
	ratelimit_init(&eng->send_log, 60000, 5);
	ratelimit_init(&eng->recv_log, 60000, 5);
	LIST_INIT(&eng->rounds);
	for (int i = 0; i < 2; i++) {
		struct icmp_sock *s = &eng->sock[i];

		s->eng = eng;
		s->family = i == 0 ? AF_INET : AF_INET6;
		s->fd = -1;
		TAILQ_INIT(&s->queue);
		/* IPv6 follows the kind IPv4 got, so both behave alike. */
		if (i == 1 && eng->sock[0].fd >= 0)
			mode =
			    eng->sock[0].raw ? ICMP_MODE_RAW : ICMP_MODE_DGRAM;
		if (sock_open_mode(s, mode) == -1)
			continue;
		ev_io_init(&s->io, sock_io_cb, s->fd, EV_READ);
		s->io.data = s;
		ev_io_start(loop, &s->io);
		/* The sockets alone must not keep a loop running. */
		ev_unref(loop);
	}
	if (eng->sock[0].fd < 0 && eng->sock[1].fd < 0) {
		snprintf(
		    err, errlen, "%s; %s", eng->sock[0].err, eng->sock[1].err);
		free(eng);
		return NULL;
	}
	eng->mode = eng->sock[eng->sock[0].fd >= 0 ? 0 : 1].raw
			? ICMP_MODE_RAW
			: ICMP_MODE_DGRAM;
	for (int i = 0; i < 2; i++)
		if (eng->sock[i].fd < 0)
			log_notice("icmp: %s probes will fail: %s",
			    i == 0 ? "IPv4" : "IPv6", eng->sock[i].err);
	ev_prepare_init(&eng->flush, engine_prepare_cb);
	eng->flush.data = eng;
	ev_prepare_start(loop, &eng->flush);
	ev_unref(loop);
	ev_init(&eng->retry, engine_retry_cb);
	eng->retry.data = eng;
	return eng;
}

const char *
icmp_engine_mode(void *engine)
{
	struct icmp_engine *eng = engine;

	if (eng == NULL)
		return "unavailable";
	return eng->mode == ICMP_MODE_RAW ? "raw" : "dgram";
}

static void *
engine_open(
    struct ev_loop *loop, struct probes_stats *stats, char *err, size_t errlen)
{
	return icmp_engine_open(loop, stats, ICMP_MODE_AUTO, err, errlen);
}

/* Rounds still running end without a result (probes.c cancels first). */
static void
engine_close(void *engine)
{
	struct icmp_engine *eng = engine;
	struct icmp_round *rd;

	if (eng == NULL)
		return;
	while ((rd = LIST_FIRST(&eng->rounds)) != NULL)
		round_stop(rd);
	for (int i = 0; i < 2; i++) {
		if (eng->sock[i].fd < 0)
			continue;
		ev_ref(eng->loop);
		ev_io_stop(eng->loop, &eng->sock[i].io);
		close(eng->sock[i].fd);
	}
	ev_ref(eng->loop);
	ev_prepare_stop(eng->loop, &eng->flush);
	ev_timer_stop(eng->loop, &eng->retry);
	free(eng);
}

static int
engine_parse(const char *text, const struct config_device *dev,
    struct probe_spec *spec, char *err, size_t errlen)
{
	int count = dev != NULL ? dev->icmp_count : 0;
	int64_t spacing = dev != NULL ? dev->icmp_spacing_ms : 0;

	if (strcasecmp(text, "icmp") != 0) {
		if (strncasecmp(text, "icmp", 4) == 0)
			snprintf(err, errlen,
			    "bad probe '%s': icmp takes no arguments (set "
			    "icmp_count and icmp_spacing instead)",
			    text);
		else
			snprintf(err, errlen, "bad probe '%s': not icmp", text);
		return -1;
	}
	if (count == 0)
		count = 3;
	if (count < 1 || count > ICMP_MAX_COUNT) {
		snprintf(err, errlen, "icmp_count must be 1-%d, not %d",
		    ICMP_MAX_COUNT, count);
		return -1;
	}
	if (spacing == 0)
		spacing = 1000;
	if (spacing < 1 || spacing > 60000) {
		snprintf(err, errlen,
		    "icmp_spacing must be 1 ms to 60 s, not %lld ms",
		    (long long)spacing);
		return -1;
	}
	memset(spec, 0, sizeof *spec);
	spec->kind = PROBE_ICMP;
	spec->icmp_count = count;
	spec->icmp_spacing_ms = spacing;
	return 0;
}

static int
round_count(const struct probe *p)
{
	int count = p->spec.icmp_count > 0 ? p->spec.icmp_count : 3;

	return count > ICMP_MAX_COUNT ? ICMP_MAX_COUNT : count;
}

static int64_t
round_spacing(const struct probe *p)
{
	return p->spec.icmp_spacing_ms > 0 ? p->spec.icmp_spacing_ms : 1000;
}

static int64_t
round_timeout(const struct probe *p)
{
	return p->timeout_ms > 0 ? p->timeout_ms : 1000;
}

static int64_t
engine_round_ms(const struct probe *p)
{
	return (round_count(p) - 1) * round_spacing(p) + round_timeout(p) +
	       ICMP_SLACK_MS;
}

static void
icmp_round_timer_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct icmp_round *rd = w->data;

	if (rd->fail_cause != CAUSE_NONE || rd->queued == rd->count) {
		round_finish(rd);
		return;
	}
	round_queue_echo(rd);
	/* After the last one, wait TIMEOUT (re-armed when it is sent). */
	if (rd->queued < rd->count)
		round_arm_echo(rd);
	else
		round_arm(rd, rd->timeout_ms);
}

static void
engine_start(void *engine, struct probe *p)
{
	struct icmp_engine *eng = engine;
	struct icmp_round *rd = p->priv;
	int count = round_count(p), family;

	if (rd != NULL && rd->running)
		round_stop(rd); /* probes.c never overlaps rounds; be safe */
	/*
	 * The spacing counts from now, even when start() is called outside
	 * a callback (a benchmark, a test) or late in a long one.
	 */
	ev_now_update(eng->loop);
	if (rd == NULL || rd->capacity < count) {
		free(rd);
		rd =
		    xcalloc(1, sizeof *rd + (size_t)count * sizeof rd->echo[0]);
		rd->capacity = count;
		p->priv = rd;
	}
	rd->eng = eng;
	rd->p = p;
	rd->count = count;
	rd->spacing_ms = round_spacing(p);
	rd->timeout_ms = round_timeout(p);
	rd->queued = rd->attempted = rd->resolved = 0;
	rd->received = rd->unsent = rd->last_errno = 0;
	rd->have_error = false;
	rd->fail_cause = CAUSE_NONE;
	rd->fail_detail[0] = '\0';
	ev_init(&rd->timer, icmp_round_timer_cb);
	rd->timer.data = rd;
	family = round_set_addr(rd, p);
	rd->sock = &eng->sock[family == AF_INET6 ? 1 : 0];
	rd->running = true;
	LIST_INSERT_HEAD(&eng->rounds, rd, active);
	/* Failures known now are reported from the loop, not from start(). */
	if (family == AF_UNSPEC) {
		rd->fail_cause = CAUSE_MONITOR;
		str_copy(rd->fail_detail, "no address to ping",
		    sizeof rd->fail_detail);
		round_arm(rd, 0);
		return;
	}
	if (rd->sock->fd < 0) {
		rd->fail_cause = CAUSE_MONITOR;
		str_copy(
		    rd->fail_detail, rd->sock->err, sizeof rd->fail_detail);
		round_arm(rd, 0);
		return;
	}
	rd->start_at = ev_now(eng->loop);
	round_queue_echo(rd);
	if (count > 1)
		round_arm_echo(rd);
	else
		round_arm(rd, rd->timeout_ms);
}

static void
engine_cancel(void *engine, struct probe *p)
{
	if (p->priv != NULL)
		round_stop(p->priv);
}

static void
engine_release(void *engine, struct probe *p)
{
	if (p->priv == NULL)
		return;
	round_stop(p->priv);
	free(p->priv);
	p->priv = NULL;
}

const struct probe_engine probe_engine_icmp = {
    .name = "icmp",
    .kind = PROBE_ICMP,
    .needs_address = true,
    .parse = engine_parse,
    .open = engine_open,
    .close = engine_close,
    .start = engine_start,
    .cancel = engine_cancel,
    .round_ms = engine_round_ms,
    .release = engine_release,
};
