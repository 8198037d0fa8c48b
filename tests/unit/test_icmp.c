/* test_icmp.c - the ICMP echo engine: reply parser on crafted bytes, and real rounds on loopback in a private network namespace (nft for loss and errors). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <ev.h>

#include "common/config.h"
#include "common/log.h"
#include "common/util.h"
#include "common/xtime.h"
#include "probes/engine.h"
#include "probes/icmp.h"

#define NFT_TABLE "xanet_test_icmp"
/* What each loopback address does, by the rules in env_nft(). */
#define ADDR_REJECT "127.0.0.5" /* echo requests rejected: host unreachable */
#define ADDR_DROP   "127.0.0.6" /* echo requests dropped on input */
#define ADDR_LOSSY  "127.0.0.7" /* 30% of echo requests dropped */
#define ADDR_NOSEND "127.0.0.8" /* dropped on output: the send fails */
#define ADDR_SILENT "127.0.0.9" /* dropped on input; the test answers */
#define SWEEP       2000

/* The test's world: root in a network namespace of its own, or not. */
static bool have_netns, have_nft, have_v6;
static char env_why[256] = "not root: cannot make a network namespace";

struct fixture {
	enum icmp_mode mode;
	struct ev_loop *loop;
	void *eng;
	struct probes_stats st;
	char why[256];
};
static struct fixture fx_raw = {.mode = ICMP_MODE_RAW};
static struct fixture fx_dgram = {.mode = ICMP_MODE_DGRAM};

struct collect {
	struct ev_loop *loop;
	int want; /* break the loop at this many results; 0: never */
	int got;
};

struct tprobe {
	struct probe p; /* first: on_done gets &tp->p */
	struct collect *col;
	struct probe_result r;
	int done;
	int64_t start_ms;
	int64_t done_ms;
};

static const struct probe_engine *E = &probe_engine_icmp;

static void
tp_done(struct probe *p, struct probe_result *r)
{
	struct tprobe *tp = (struct tprobe *)p;
	struct collect *col = p->on_done_arg;

	tp->r = *r;
	tp->done++;
	tp->done_ms = time_mono_ms();
	col->got++;
	if (col->want > 0 && col->got >= col->want)
		ev_break(col->loop, EVBREAK_ONE);
}

static void
tp_init(struct tprobe *tp, struct collect *col, const char *addr, int count,
    int64_t spacing_ms, int64_t timeout_ms)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)&tp->p.addr;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&tp->p.addr;

	memset(tp, 0, sizeof *tp);
	tp->col = col;
	tp->p.spec.kind = PROBE_ICMP;
	tp->p.spec.icmp_count = count;
	tp->p.spec.icmp_spacing_ms = spacing_ms;
	tp->p.timeout_ms = timeout_ms;
	tp->p.interval_ms = 60000;
	tp->p.on_done = tp_done;
	tp->p.on_done_arg = col;
	if (addr == NULL)
		return;
	if (inet_pton(AF_INET, addr, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		tp->p.addrlen = sizeof *sin;
	} else {
		assert_int_equal(
		    inet_pton(AF_INET6, addr, &sin6->sin6_addr), 1);
		sin6->sin6_family = AF_INET6;
		tp->p.addrlen = sizeof *sin6;
	}
}

static void
tp_start(struct fixture *fx, struct tprobe *tp)
{
	tp->start_ms = time_mono_ms();
	tp->p.start_mono_ms = tp->start_ms;
	E->start(fx->eng, &tp->p);
}

static void
guard_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	ev_break(loop, EVBREAK_ONE);
}

/* Run the loop until COL has WANT results or MAX_MS have passed. */
static bool
run_until(struct fixture *fx, struct collect *col, int want, int64_t max_ms)
{
	ev_timer guard;

	col->want = want;
	if (col->got < want) {
		ev_timer_init(&guard, guard_cb, max_ms / 1000.0, 0.);
		ev_timer_start(fx->loop, &guard);
		ev_run(fx->loop, 0);
		ev_timer_stop(fx->loop, &guard);
	}
	col->want = 0;
	return col->got >= want;
}

/* Run the loop for MS, whatever happens (late replies, stray results). */
static void
run_for(struct fixture *fx, int64_t ms)
{
	ev_timer guard;

	ev_timer_init(&guard, guard_cb, ms / 1000.0, 0.);
	ev_timer_start(fx->loop, &guard);
	ev_run(fx->loop, 0);
	ev_timer_stop(fx->loop, &guard);
}

static void
collect_init(struct collect *col, struct fixture *fx)
{
	memset(col, 0, sizeof *col);
	col->loop = fx->loop;
}

/*
 * Start one probe of ADDR (COUNT echoes SPACING_MS apart) and run the
 * loop until it reports or LIMIT_MS pass; true if it reported.
 */
static bool
tp_run(struct fixture *fx, struct tprobe *tp, struct collect *col,
    const char *addr, int count, int64_t spacing_ms, int64_t timeout_ms,
    int64_t limit_ms)
{
	collect_init(col, fx);
	tp_init(tp, col, addr, count, spacing_ms, timeout_ms);
	tp_start(fx, tp);
	return run_until(fx, col, 1, limit_ms);
}

/* ---- the world: namespace, loopback, nft ---- */

static int
write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd == -1)
		return -1;
	n = write(fd, text, strlen(text));
	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -1;
}

static int
lo_up(void)
{
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), rc = -1;

	if (fd == -1)
		return -1;
	memset(&ifr, 0, sizeof ifr);
	strcpy(ifr.ifr_name, "lo");
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) == 0) {
		ifr.ifr_flags |= IFF_UP;
		rc = ioctl(fd, SIOCSIFFLAGS, &ifr);
	}
	close(fd);
	return rc;
}

static int
nft_run(const char *script)
{
	FILE *f = popen("nft -f - 2>&1", "w");

	if (f == NULL)
		return -1;
	fputs(script, f);
	return pclose(f) == 0 ? 0 : -1;
}

static void
env_nft(void)
{
	if (nft_run("table inet " NFT_TABLE " {\n"
		    " chain input {\n"
		    "  type filter hook input priority 0; policy accept;\n"
		    "  ip daddr " ADDR_REJECT " icmp type echo-request"
		    " reject with icmp type host-unreachable\n"
		    "  ip daddr " ADDR_DROP " icmp type echo-request drop\n"
		    "  ip daddr " ADDR_LOSSY " icmp type echo-request"
		    " numgen random mod 100 < 30 drop\n"
		    "  ip daddr " ADDR_SILENT " icmp type echo-request drop\n"
		    " }\n"
		    " chain input6 {\n"
		    "  type filter hook input priority 1; policy accept;\n"
		    " }\n"
		    " chain output {\n"
		    "  type filter hook output priority 0; policy accept;\n"
		    "  ip daddr " ADDR_NOSEND " icmp type echo-request drop\n"
		    " }\n"
		    "}\n") == 0)
		have_nft = true;
	else
		snprintf(
		    env_why, sizeof env_why, "nft failed (install nftables)");
}

static bool
v6_loopback(void)
{
	struct sockaddr_in6 sin6;
	int fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	bool ok;

	if (fd == -1)
		return false;
	memset(&sin6, 0, sizeof sin6);
	sin6.sin6_family = AF_INET6;
	sin6.sin6_port = htons(9);
	sin6.sin6_addr = in6addr_loopback;
	ok = connect(fd, (struct sockaddr *)&sin6, sizeof sin6) == 0;
	close(fd);
	return ok;
}

/*
 * A network namespace of our own: the nft rules and the foreign traffic
 * touch nobody else's tests, and ping_group_range can be set for the
 * datagram mode.
 */
static void
env_setup(void)
{
	if (geteuid() == 0 && unshare(CLONE_NEWNET) == 0) {
		if (lo_up() == -1) {
			snprintf(env_why, sizeof env_why,
			    "cannot bring lo up in the namespace: %s",
			    strerror(errno));
		} else {
			have_netns = true;
			(void)write_file("/proc/sys/net/ipv4/ping_group_range",
			    "0 2147483647");
			env_nft();
		}
	} else if (geteuid() == 0)
		snprintf(env_why, sizeof env_why,
		    "cannot make a network namespace: %s", strerror(errno));
	have_v6 = v6_loopback();
}

/*
 * Both engines share one loop: a socket nobody reads would pile up the
 * other engine's replies (a raw socket sees them all) until its next test.
 */
static void
fixture_open(struct fixture *fx, struct ev_loop *loop)
{
	fx->loop = loop;
	fx->eng = icmp_engine_open(
	    fx->loop, &fx->st, fx->mode, fx->why, sizeof fx->why);
}

static void
fixture_close(struct fixture *fx)
{
	if (fx->eng != NULL)
		E->close(fx->eng);
}

/* ---- packet crafting ---- */

static void
put16(uint8_t *b, uint16_t v)
{
	b[0] = v >> 8;
	b[1] = v & 0xff;
}

static void
put64(uint8_t *b, uint64_t v)
{
	for (int i = 7; i >= 0; i--, v >>= 8)
		b[i] = v & 0xff;
}

static uint16_t
cksum(const uint8_t *b, size_t len)
{
	uint32_t sum = 0;

	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(b[i] << 8 | b[i + 1]);
	if (len & 1)
		sum += (uint32_t)b[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* An echo (reply or request) with our payload: 24 bytes. */
static size_t
make_echo(uint8_t *b, int type, int code, uint16_t id, uint16_t seq,
    uint64_t cookie, int64_t t)
{
	memset(b, 0, 24);
	b[0] = (uint8_t)type;
	b[1] = (uint8_t)code;
	put16(b + 4, id);
	put16(b + 6, seq);
	put64(b + 8, cookie);
	put64(b + 16, (uint64_t)t);
	put16(b + 2, cksum(b, 24));
	return 24;
}

/* An IPv4 header from SRC to DST before LEN bytes of PROTO at B+20. */
static size_t
make_ip4(uint8_t *b, const char *src, const char *dst, int proto, size_t len)
{
	memset(b, 0, 20);
	b[0] = 0x45;
	put16(b + 2, (uint16_t)(20 + len));
	b[8] = 64;
	b[9] = (uint8_t)proto;
	inet_pton(AF_INET, src, b + 12);
	inet_pton(AF_INET, dst, b + 16);
	put16(b + 10, cksum(b, 20));
	return 20 + len;
}

static size_t
make_ip6(uint8_t *b, const char *src, const char *dst, int nh, size_t len)
{
	memset(b, 0, 40);
	b[0] = 0x60;
	put16(b + 4, (uint16_t)len);
	b[6] = (uint8_t)nh;
	b[7] = 64;
	inet_pton(AF_INET6, src, b + 8);
	inet_pton(AF_INET6, dst, b + 24);
	return 40 + len;
}

/* ---- parse() and round_ms() ---- */

static void
test_parse_entry(void **state)
{
	struct config_device dev;
	struct probe_spec spec;
	struct probe p;
	char err[256];

	memset(&dev, 0, sizeof dev);
	assert_int_equal(E->parse("icmp", &dev, &spec, err, sizeof err), 0);
	assert_int_equal(spec.kind, PROBE_ICMP);
	assert_int_equal(spec.icmp_count, 3);
	assert_int_equal(spec.icmp_spacing_ms, 1000);
	assert_null(spec.url);
	assert_true(E->needs_address);
	assert_string_equal(E->name, "icmp");

	dev.icmp_count = 5;
	dev.icmp_spacing_ms = 200;
	assert_int_equal(E->parse("icmp", &dev, &spec, err, sizeof err), 0);
	assert_int_equal(spec.icmp_count, 5);
	assert_int_equal(spec.icmp_spacing_ms, 200);

	assert_int_equal(E->parse("icmp:3", &dev, &spec, err, sizeof err), -1);
	assert_non_null(strstr(err, "'icmp:3'"));
	assert_non_null(strstr(err, "no arguments"));
	assert_int_equal(E->parse("tcp:80", &dev, &spec, err, sizeof err), -1);
	assert_non_null(strstr(err, "'tcp:80'"));

	dev.icmp_count = 101;
	assert_int_equal(E->parse("icmp", &dev, &spec, err, sizeof err), -1);
	assert_string_equal(err, "icmp_count must be 1-100, not 101");
	dev.icmp_count = -1;
	assert_int_equal(E->parse("icmp", &dev, &spec, err, sizeof err), -1);
	dev.icmp_count = 100;
	dev.icmp_spacing_ms = -5;
	assert_int_equal(E->parse("icmp", &dev, &spec, err, sizeof err), -1);
	assert_non_null(strstr(err, "icmp_spacing"));

	/* The scheduler's hard deadline: spacing of the echoes + timeout. */
	memset(&p, 0, sizeof p);
	p.spec.icmp_count = 3;
	p.spec.icmp_spacing_ms = 1000;
	p.timeout_ms = 2000;
	assert_int_equal(E->round_ms(&p), 2 * 1000 + 2000 + 100);
	p.spec.icmp_count = 1;
	assert_int_equal(E->round_ms(&p), 2000 + 100);
}

/* ---- the reply parser on crafted bytes ---- */

static void
test_parse_reply_v4(void **state)
{
	uint8_t pkt[256], echo[24];
	struct icmp_reply r;
	size_t len;
	const int raw = ICMP_PARSE_IPHDR | ICMP_PARSE_CSUM;

	make_echo(echo, 0, 0, 0xbeef, 4242, 0x0123456789abcdefULL, 1234567);
	len = make_ip4(pkt, "127.0.0.2", "127.0.0.1", IPPROTO_ICMP, 24);
	memcpy(pkt + 20, echo, 24);
	assert_int_equal(icmp_parse_reply(AF_INET, raw, pkt, len, &r),
	    ICMP_PARSE_ECHO_REPLY);
	assert_int_equal(r.id, 0xbeef);
	assert_int_equal(r.seq, 4242);
	assert_true(r.has_cookie);
	assert_true(r.cookie == 0x0123456789abcdefULL);
	assert_true(r.has_time);
	assert_int_equal(r.sent_ns, 1234567);
	assert_int_equal(r.target.ss_family, AF_UNSPEC);

	/* Datagram sockets hand over the ICMP message alone. */
	assert_int_equal(
	    icmp_parse_reply(AF_INET, 0, echo, 24, &r), ICMP_PARSE_ECHO_REPLY);
	assert_int_equal(r.seq, 4242);

	/* Every truncation is refused, never read past. */
	for (size_t n = 0; n < len; n++) {
		uint8_t *cut = malloc(n > 0 ? n : 1);

		memcpy(cut, pkt, n);
		assert_int_equal(icmp_parse_reply(AF_INET, raw, cut, n, &r),
		    ICMP_PARSE_MALFORMED);
		free(cut);
	}
	/* Without the checksum, header + cookie is enough; the time is not. */
	assert_int_equal(
	    icmp_parse_reply(AF_INET, 0, echo, 16, &r), ICMP_PARSE_ECHO_REPLY);
	assert_false(r.has_time);
	assert_int_equal(
	    icmp_parse_reply(AF_INET, 0, echo, 15, &r), ICMP_PARSE_MALFORMED);

	/* Padding after the datagram's total length is ignored. */
	memset(pkt + len, 0xee, 6);
	assert_int_equal(icmp_parse_reply(AF_INET, raw, pkt, len + 6, &r),
	    ICMP_PARSE_ECHO_REPLY);

	/* A bad checksum counts only where we check it. */
	pkt[20 + 12] ^= 0x40;
	assert_int_equal(
	    icmp_parse_reply(AF_INET, raw, pkt, len, &r), ICMP_PARSE_MALFORMED);
	assert_int_equal(
	    icmp_parse_reply(AF_INET, ICMP_PARSE_IPHDR, pkt, len, &r),
	    ICMP_PARSE_ECHO_REPLY);
	pkt[20 + 12] ^= 0x40;

	/* Wrong code, wrong type. */
	make_echo(pkt + 20, 0, 3, 1, 2, 3, 4);
	assert_int_equal(
	    icmp_parse_reply(AF_INET, raw, pkt, len, &r), ICMP_PARSE_MALFORMED);
	make_echo(pkt + 20, 13, 0, 1, 2, 3, 4);
	assert_int_equal(
	    icmp_parse_reply(AF_INET, raw, pkt, len, &r), ICMP_PARSE_MALFORMED);

	/* A bad IP header: too long, not IPv4, not ICMP. */
	make_echo(pkt + 20, 0, 0, 1, 2, 3, 4);
	pkt[0] = 0x4f;
	assert_int_equal(
	    icmp_parse_reply(AF_INET, raw, pkt, len, &r), ICMP_PARSE_MALFORMED);
	pkt[0] = 0x65;
	assert_int_equal(
	    icmp_parse_reply(AF_INET, raw, pkt, len, &r), ICMP_PARSE_MALFORMED);
	make_ip4(pkt, "127.0.0.2", "127.0.0.1", IPPROTO_UDP, 24);
	assert_int_equal(
	    icmp_parse_reply(AF_INET, raw, pkt, len, &r), ICMP_PARSE_MALFORMED);
	assert_int_equal(
	    icmp_parse_reply(AF_UNIX, 0, echo, 24, &r), ICMP_PARSE_MALFORMED);
}

/* Outer IP, ICMP error TYPE/CODE, quoted IP to 127.0.0.5, QUOTED bytes. */
static size_t
make_error4(uint8_t *pkt, int type, int code, int inner_proto,
    const uint8_t *quoted, size_t qlen)
{
	uint8_t *icmp = pkt + 20, *inner = pkt + 28;
	size_t ilen = 8 + 20 + qlen;

	memset(icmp, 0, 8);
	icmp[0] = (uint8_t)type;
	icmp[1] = (uint8_t)code;
	make_ip4(inner, "127.0.0.1", ADDR_REJECT, inner_proto, 24);
	memcpy(inner + 20, quoted, qlen);
	put16(icmp + 2, cksum(icmp, ilen));
	return make_ip4(pkt, ADDR_REJECT, "127.0.0.1", IPPROTO_ICMP, ilen);
}

static void
test_parse_reply_v4_errors(void **state)
{
	uint8_t pkt[256], req[24];
	struct icmp_reply r;
	struct sockaddr_in *sin = (struct sockaddr_in *)&r.target;
	const int raw = ICMP_PARSE_IPHDR | ICMP_PARSE_CSUM;
	size_t len;
	char a[INET_ADDRSTRLEN];

	make_echo(req, 8, 0, 0x1234, 77, 0xfeedULL, 5);
	len = make_error4(pkt, 3, 1, IPPROTO_ICMP, req, 24);
	assert_int_equal(
	    icmp_parse_reply(AF_INET, raw, pkt, len, &r), ICMP_PARSE_ERROR);
	assert_int_equal(r.type, 3);
	assert_int_equal(r.code, 1);
	assert_int_equal(r.id, 0x1234);
	assert_int_equal(r.seq, 77);
	assert_true(r.has_cookie);
	assert_true(r.cookie == 0xfeedULL);
	assert_int_equal(r.target.ss_family, AF_INET);
	inet_ntop(AF_INET, &sin->sin_addr, a, sizeof a);
	assert_string_equal(a, ADDR_REJECT);

	/* RFC 792 routers quote only 8 bytes past the IP header. */
	len = make_error4(pkt, 11, 0, IPPROTO_ICMP, req, 8);
	assert_int_equal(
	    icmp_parse_reply(AF_INET, raw, pkt, len, &r), ICMP_PARSE_ERROR);
	assert_false(r.has_cookie);
	assert_int_equal(r.seq, 77);
	/* Fewer than that: malformed, at every length. */
	len = make_error4(pkt, 3, 1, IPPROTO_ICMP, req, 4);
	assert_int_equal(
	    icmp_parse_reply(AF_INET, raw, pkt, len, &r), ICMP_PARSE_MALFORMED);
	for (size_t n = 28; n < 20 + 8 + 20 + 8; n++) {
		len = make_error4(pkt, 3, 1, IPPROTO_ICMP, req, 24);
		put16(pkt + 2, (uint16_t)n);
		pkt[22] = pkt[23] = 0;
		put16(pkt + 22, cksum(pkt + 20, n - 20));
		assert_int_equal(icmp_parse_reply(AF_INET, raw, pkt, n, &r),
		    ICMP_PARSE_MALFORMED);
	}
	/* Errors about someone's UDP, or about an echo reply: not ours. */
	len = make_error4(pkt, 3, 3, IPPROTO_UDP, req, 8);
	assert_int_equal(
	    icmp_parse_reply(AF_INET, raw, pkt, len, &r), ICMP_PARSE_OTHER);
	make_echo(req, 0, 0, 0x1234, 77, 0xfeedULL, 5);
	len = make_error4(pkt, 3, 1, IPPROTO_ICMP, req, 24);
	assert_int_equal(
	    icmp_parse_reply(AF_INET, raw, pkt, len, &r), ICMP_PARSE_OTHER);

	assert_string_equal(icmp_error_text(AF_INET, 3, 1), "host unreachable");
	assert_string_equal(
	    icmp_error_text(AF_INET, 3, 0), "network unreachable");
	assert_string_equal(icmp_error_text(AF_INET, 3, 13),
	    "communication administratively prohibited");
	assert_string_equal(
	    icmp_error_text(AF_INET, 3, 99), "destination unreachable");
	assert_string_equal(
	    icmp_error_text(AF_INET, 11, 0), "TTL exceeded in transit");
	assert_string_equal(
	    icmp_error_text(AF_INET6, 1, 3), "address unreachable");
	assert_string_equal(
	    icmp_error_text(AF_INET6, 3, 0), "hop limit exceeded in transit");
}

static void
test_parse_reply_v6(void **state)
{
	uint8_t pkt[256], echo[24];
	struct icmp_reply r;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&r.target;
	size_t len;

	make_echo(echo, 129, 0, 7, 8, 9, 10);
	assert_int_equal(
	    icmp_parse_reply(AF_INET6, ICMP_PARSE_CSUM, echo, 24, &r),
	    ICMP_PARSE_ECHO_REPLY);
	assert_int_equal(r.id, 7);
	assert_int_equal(r.seq, 8);
	assert_true(r.cookie == 9);
	/* An ICMPv4 echo reply type means nothing in ICMPv6. */
	make_echo(echo, 0, 0, 7, 8, 9, 10);
	assert_int_equal(
	    icmp_parse_reply(AF_INET6, 0, echo, 24, &r), ICMP_PARSE_MALFORMED);

	/* Destination unreachable quoting our echo request to ::1. */
	memset(pkt, 0, 8);
	pkt[0] = 1;
	pkt[1] = 3;
	make_ip6(pkt + 8, "::1", "::1", IPPROTO_ICMPV6, 24);
	make_echo(pkt + 48, 128, 0, 7, 8, 9, 10);
	len = 8 + 40 + 24;
	assert_int_equal(
	    icmp_parse_reply(AF_INET6, 0, pkt, len, &r), ICMP_PARSE_ERROR);
	assert_int_equal(r.type, 1);
	assert_int_equal(r.code, 3);
	assert_int_equal(r.seq, 8);
	assert_true(r.has_cookie);
	assert_int_equal(r.target.ss_family, AF_INET6);
	assert_true(IN6_IS_ADDR_LOOPBACK(&sin6->sin6_addr));
	for (size_t n = 0; n < 8 + 40 + 8; n++)
		assert_int_equal(icmp_parse_reply(AF_INET6, 0, pkt, n, &r),
		    ICMP_PARSE_MALFORMED);
	/* Quoting a UDP datagram: someone else's. */
	pkt[8 + 6] = IPPROTO_UDP;
	assert_int_equal(
	    icmp_parse_reply(AF_INET6, 0, pkt, len, &r), ICMP_PARSE_OTHER);
}

/* Random bytes in every mode: any answer, but no crash (ASan watches). */
static void
test_parse_reply_garbage(void **state)
{
	struct icmp_reply r;
	uint64_t x = 88172645463325252ULL;

	for (int i = 0; i < 20000; i++) {
		size_t len = (size_t)(i % 600);
		int fam = i & 1 ? AF_INET : AF_INET6;
		int flags = (i >> 1) & 3, rc;
		uint8_t *b = malloc(len > 0 ? len : 1);

		for (size_t k = 0; k < len; k++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			b[k] = (uint8_t)x;
		}
		/* Make some of them look plausible, to reach deeper. */
		if (len > 0 && fam == AF_INET && (flags & ICMP_PARSE_IPHDR))
			b[0] = (uint8_t)(0x45 + (i % 3));
		if (len > 9 && fam == AF_INET)
			b[9] = IPPROTO_ICMP;
		if (len > 20 && i % 5 == 0)
			b[20] = 3;
		rc = icmp_parse_reply(fam, flags, b, len, &r);
		assert_in_range(rc + 1, 0, 3);
		free(b);
	}
}

/* ---- real rounds on loopback ---- */

static void
check_ok(struct tprobe *tp, int count)
{
	char want[64];

	assert_int_equal(tp->done, 1);
	assert_true(tp->r.ok);
	assert_int_equal(tp->r.cause, CAUSE_NONE);
	assert_int_equal(tp->r.sent, count);
	assert_int_equal(tp->r.received, count);
	snprintf(want, sizeof want, "%d/%d echoes answered", count, count);
	assert_string_equal(tp->r.detail, want);
	assert_in_range(tp->r.rtt_min_us, 0, tp->r.rtt_us);
	assert_in_range(tp->r.rtt_us, tp->r.rtt_min_us, tp->r.rtt_max_us);
	/* Loopback, even under ASan and a loaded machine. */
	assert_in_range(tp->r.rtt_max_us, 0, 200000);
	if (count > 1)
		assert_in_range(
		    tp->r.jitter_us, 0, tp->r.rtt_max_us - tp->r.rtt_min_us);
	else
		assert_int_equal(tp->r.jitter_us, -1);
}

static void
test_loopback(void **state)
{
	struct fixture *fx = *state;
	static const char *const addrs[] = {
	    "127.0.0.1", "127.0.0.2", "127.3.4.5", "127.255.255.254"};
	struct tprobe tp[4];
	struct collect col;
	struct probes_stats before;

	before = fx->st;
	collect_init(&col, fx);
	for (int i = 0; i < 4; i++) {
		tp_init(&tp[i], &col, addrs[i], 3, 50, 1000);
		tp_start(fx, &tp[i]);
	}
	assert_true(run_until(fx, &col, 4, 5000));
	for (int i = 0; i < 4; i++) {
		check_ok(&tp[i], 3);
		/* Ends with its last answer, not at the timeout. */
		assert_in_range(tp[i].done_ms - tp[i].start_ms, 90, 900);
		E->release(fx->eng, &tp[i].p);
		assert_null(tp[i].p.priv);
	}
	assert_int_equal(fx->st.icmp_sent - before.icmp_sent, 12);
	assert_int_equal(fx->st.icmp_received - before.icmp_received, 12);
	assert_int_equal(fx->st.icmp_malformed, before.icmp_malformed);
}

static void
test_ipv4_mapped(void **state)
{
	struct fixture *fx = *state;
	struct tprobe tp;
	struct collect col;

	/* An IPv4-mapped IPv6 address goes out as IPv4. */
	assert_true(
	    tp_run(fx, &tp, &col, "::ffff:127.0.0.1", 2, 20, 1000, 3000));
	check_ok(&tp, 2);
	E->release(fx->eng, &tp.p);
}

static void
test_ipv6_loopback(void **state)
{
	struct fixture *fx = *state;
	struct tprobe tp;
	struct collect col;

	assert_true(tp_run(fx, &tp, &col, "::1", 3, 30, 1000, 3000));
	check_ok(&tp, 3);
	E->release(fx->eng, &tp.p);
}

static void
test_drop_is_timeout(void **state)
{
	struct fixture *fx = *state;
	struct tprobe tp;
	struct collect col;
	int64_t took;

	assert_true(tp_run(fx, &tp, &col, ADDR_DROP, 2, 50, 300, 3000));
	assert_int_equal(tp.done, 1);
	assert_false(tp.r.ok);
	assert_int_equal(tp.r.cause, CAUSE_TIMEOUT);
	assert_int_equal(tp.r.sent, 2);
	assert_int_equal(tp.r.received, 0);
	assert_int_equal(tp.r.rtt_us, -1);
	assert_int_equal(tp.r.rtt_min_us, -1);
	assert_int_equal(tp.r.jitter_us, -1);
	assert_string_equal(tp.r.detail, "0/2 echoes answered");
	/* Last send (at 50 ms) + timeout, before the scheduler's deadline. */
	took = tp.done_ms - tp.start_ms;
	assert_in_range(took, 340, E->round_ms(&tp.p));
	E->release(fx->eng, &tp.p);
}

static void
test_reject_is_unreachable(void **state)
{
	struct fixture *fx = *state;
	struct tprobe tp;
	struct collect col;

	assert_true(tp_run(fx, &tp, &col, ADDR_REJECT, 3, 50, 2000, 5000));
	assert_false(tp.r.ok);
	assert_int_equal(tp.r.cause, CAUSE_UNREACHABLE);
	assert_int_equal(tp.r.received, 0);
	assert_int_equal(tp.r.sent, 3);
	assert_string_equal(
	    tp.r.detail, "host unreachable (from " ADDR_REJECT ")");
	/* Every echo got its error: no waiting for the timeout. */
	assert_in_range(tp.done_ms - tp.start_ms, 90, 1000);
	E->release(fx->eng, &tp.p);
}

static void
test_ipv6_reject(void **state)
{
	struct fixture *fx = *state;
	struct tprobe tp;
	struct collect col;

	assert_int_equal(nft_run("add rule inet " NFT_TABLE " input6"
				 " ip6 daddr ::1 icmpv6 type echo-request"
				 " reject with icmpv6 type addr-unreachable\n"),
	    0);
	tp_run(fx, &tp, &col, "::1", 2, 30, 2000, 5000);
	assert_int_equal(nft_run("flush chain inet " NFT_TABLE " input6\n"), 0);
	assert_int_equal(tp.done, 1);
	assert_int_equal(tp.r.cause, CAUSE_UNREACHABLE);
	assert_string_equal(tp.r.detail, "address unreachable (from ::1)");
	assert_in_range(tp.done_ms - tp.start_ms, 25, 1000);
	E->release(fx->eng, &tp.p);
}

/* With IPv6 off, ::1 is gone: our fault (monitor), not the device's. */
static void
test_ipv6_disabled(void **state)
{
	struct fixture *fx = *state;
	struct tprobe tp;
	struct collect col;
	const char *lo = "/proc/sys/net/ipv6/conf/lo/disable_ipv6";
	const char *all = "/proc/sys/net/ipv6/conf/all/disable_ipv6";

	assert_int_equal(write_file(all, "1"), 0);
	assert_int_equal(write_file(lo, "1"), 0);
	tp_run(fx, &tp, &col, "::1", 2, 10, 500, 3000);
	assert_int_equal(write_file(all, "0"), 0);
	assert_int_equal(write_file(lo, "0"), 0);
	assert_true(v6_loopback()); /* ::1 is back for the other tests */
	assert_int_equal(tp.done, 1);
	assert_false(tp.r.ok);
	assert_int_equal(tp.r.cause, CAUSE_MONITOR);
	assert_string_equal(tp.r.detail,
	    "IPv6 is disabled on this host (no IPv6 address, not even ::1)");
	E->release(fx->eng, &tp.p);
}

static void
test_send_error_is_network(void **state)
{
	struct fixture *fx = *state;
	struct tprobe tp;
	struct collect col;
	uint64_t sent = fx->st.icmp_sent;

	assert_true(tp_run(fx, &tp, &col, ADDR_NOSEND, 3, 20, 2000, 5000));
	assert_false(tp.r.ok);
	assert_int_equal(tp.r.cause, CAUSE_NETWORK);
	assert_int_equal(tp.r.sent, 3);
	assert_int_equal(tp.r.received, 0);
	assert_string_equal(
	    tp.r.detail, "cannot send: Operation not permitted");
	/* Nothing left to wait for once the last send failed. */
	assert_in_range(tp.done_ms - tp.start_ms, 35, 1000);
	assert_int_equal(fx->st.icmp_sent, sent);
	E->release(fx->eng, &tp.p);
}

static void
test_random_loss(void **state)
{
	struct fixture *fx = *state;
	struct tprobe tp;
	struct collect col;
	char want[64];
	double loss;

	assert_true(tp_run(fx, &tp, &col, ADDR_LOSSY, 100, 5, 300, 10000));
	assert_int_equal(tp.r.sent, 100);
	loss = probe_result_loss(&tp.r);
	print_message("# %s: %d/100 answered\n", ADDR_LOSSY, tp.r.received);
	assert_in_range((int)loss, 15, 45);
	assert_true(tp.r.ok);
	snprintf(want, sizeof want, "%d/100 echoes answered", tp.r.received);
	assert_string_equal(tp.r.detail, want);
	assert_in_range(tp.r.jitter_us, 0, tp.r.rtt_max_us);
	E->release(fx->eng, &tp.p);
}

/* Someone else's echoes while our round runs. */
struct pinger {
	ev_timer t;
	int fd;
	int sent;
	int max;
};

static void
pinger_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct pinger *pg = (struct pinger *)w;
	struct sockaddr_in to;
	uint8_t pkt[24];

	memset(&to, 0, sizeof to);
	to.sin_family = AF_INET;
	inet_pton(AF_INET, "127.0.0.2", &to.sin_addr);
	make_echo(pkt, 8, 0, 0x4242, (uint16_t)pg->sent, 0x5a5a5a5aULL, 0);
	if (sendto(pg->fd, pkt, sizeof pkt, 0, (struct sockaddr *)&to,
		sizeof to) == sizeof pkt)
		pg->sent++;
	if (pg->sent >= pg->max)
		ev_timer_stop(loop, w);
}

static void
test_foreign_replies(void **state)
{
	struct fixture *fx = *state;
	struct tprobe tp;
	struct collect col;
	struct pinger pg;
	struct probes_stats before;

	run_for(fx, 50); /* settle what earlier tests left on the sockets */
	memset(&pg, 0, sizeof pg);
	pg.max = 8;
	pg.fd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMP);
	assert_true(pg.fd >= 0);
	before = fx->st;
	collect_init(&col, fx);
	tp_init(&tp, &col, "127.0.0.1", 5, 40, 500);
	tp_start(fx, &tp);
	ev_timer_init(&pg.t, pinger_cb, 0.005, 0.02);
	ev_timer_start(fx->loop, &pg.t);
	assert_true(run_until(fx, &col, 1, 3000));
	run_for(fx, 100);
	ev_timer_stop(fx->loop, &pg.t);
	close(pg.fd);
	check_ok(&tp, 5);
	assert_int_equal(pg.sent, 8);
	/* A raw socket sees them all; a datagram socket only its own id. */
	if (fx->mode == ICMP_MODE_RAW)
		assert_int_equal(fx->st.icmp_foreign - before.icmp_foreign, 8);
	else
		assert_in_range(
		    fx->st.icmp_foreign - before.icmp_foreign, 0, 8);
	assert_int_equal(fx->st.icmp_malformed, before.icmp_malformed);
	assert_int_equal(fx->st.icmp_received - before.icmp_received, 5);
	E->release(fx->eng, &tp.p);
}

/*
 * Watches lo for our echo requests to ADDR_SILENT (dropped before they
 * are answered) and answers them itself, rightly or wrongly.
 */
struct sniff {
	ev_io io;
	int pfd;  /* AF_PACKET on lo */
	int ifd;  /* raw ICMP bound to ADDR_SILENT, for the answers */
	int seen; /* distinct echo requests */
	uint8_t last_seq[2];
	struct fixture *fx;
	struct tprobe *tp;
	bool cancel_first; /* cancel the round, then answer rightly */
};

static void
inject(struct sniff *sn, const uint8_t *icmp, size_t len)
{
	struct sockaddr_in to;

	memset(&to, 0, sizeof to);
	to.sin_family = AF_INET;
	inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
	assert_int_equal(
	    sendto(sn->ifd, icmp, len, 0, (struct sockaddr *)&to, sizeof to),
	    (ssize_t)len);
}

/* Q, the sniffed request, turned into a reply: TYPE 0, fresh checksum. */
static size_t
reply_of(uint8_t *b, const uint8_t *q, size_t len, int code)
{
	memcpy(b, q, len);
	b[0] = 0;
	b[1] = (uint8_t)code;
	b[2] = b[3] = 0;
	put16(b + 2, cksum(b, len));
	return len;
}

static void
sniff_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct sniff *sn = (struct sniff *)w;
	uint8_t pkt[512], b[64];
	struct sockaddr_ll ll;
	socklen_t ll_len = sizeof ll;
	struct in_addr silent;
	ssize_t n;
	const uint8_t *q;

	n = recvfrom(
	    sn->pfd, pkt, sizeof pkt, 0, (struct sockaddr *)&ll, &ll_len);
	if (n < 20 + 24 || pkt[0] != 0x45 || pkt[9] != IPPROTO_ICMP)
		return;
	inet_pton(AF_INET, ADDR_SILENT, &silent);
	q = pkt + 20;
	if (memcmp(pkt + 16, &silent, 4) != 0 || q[0] != 8)
		return;
	/* lo may show a packet both going out and coming in. */
	if (sn->seen > 0 && memcmp(q + 6, sn->last_seq, 2) == 0)
		return;
	memcpy(sn->last_seq, q + 6, 2);
	if (sn->seen++ > 0)
		return; /* the first echo of the round only */
	if (sn->cancel_first) {
		E->cancel(sn->fx->eng, &sn->tp->p);
		inject(sn, b, reply_of(b, q, 24, 0));
		return;
	}
	inject(sn, b, reply_of(b, q, 12, 0)); /* truncated */
	inject(sn, b, reply_of(b, q, 24, 3)); /* wrong code */
	reply_of(b, q, 24, 0);
	b[2] ^= 0x5a; /* bad checksum */
	inject(sn, b, 24);
	reply_of(b, q, 24, 0);
	b[10] ^= 1; /* not our cookie */
	put16(b + 2, 0);
	put16(b + 2, cksum(b, 24));
	inject(sn, b, 24);
	inject(sn, b, reply_of(b, q, 24, 0)); /* right */
	inject(sn, b, reply_of(b, q, 24, 0)); /* its duplicate */
}

static void
sniff_open(struct sniff *sn, struct fixture *fx, struct tprobe *tp)
{
	struct sockaddr_ll ll;
	struct sockaddr_in me;
	uint8_t drain[2048];

	memset(sn, 0, sizeof *sn);
	sn->fx = fx;
	sn->tp = tp;
	sn->pfd = socket(AF_PACKET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    htons(ETH_P_IP));
	assert_true(sn->pfd >= 0);
	memset(&ll, 0, sizeof ll);
	ll.sll_family = AF_PACKET;
	ll.sll_protocol = htons(ETH_P_IP);
	ll.sll_ifindex = (int)if_nametoindex("lo");
	assert_int_equal(bind(sn->pfd, (struct sockaddr *)&ll, sizeof ll), 0);
	while (recv(sn->pfd, drain, sizeof drain, 0) > 0)
		;
	sn->ifd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMP);
	assert_true(sn->ifd >= 0);
	memset(&me, 0, sizeof me);
	me.sin_family = AF_INET;
	inet_pton(AF_INET, ADDR_SILENT, &me.sin_addr);
	assert_int_equal(bind(sn->ifd, (struct sockaddr *)&me, sizeof me), 0);
	ev_io_init(&sn->io, sniff_cb, sn->pfd, EV_READ);
	ev_io_start(fx->loop, &sn->io);
}

static void
sniff_close(struct sniff *sn)
{
	ev_io_stop(sn->fx->loop, &sn->io);
	close(sn->pfd);
	close(sn->ifd);
}

static void
test_crafted_replies(void **state)
{
	struct fixture *fx = *state;
	struct tprobe tp;
	struct collect col;
	struct sniff sn;
	struct probes_stats before;

	before = fx->st;
	collect_init(&col, fx);
	tp_init(&tp, &col, ADDR_SILENT, 2, 200, 300);
	sniff_open(&sn, fx, &tp);
	tp_start(fx, &tp);
	assert_true(run_until(fx, &col, 1, 3000));
	sniff_close(&sn);
	assert_int_equal(sn.seen, 2);
	/* The right answer counts once; the second echo got none. */
	assert_true(tp.r.ok);
	assert_int_equal(tp.r.sent, 2);
	assert_int_equal(tp.r.received, 1);
	assert_string_equal(tp.r.detail, "1/2 echoes answered");
	assert_int_equal(fx->st.icmp_received - before.icmp_received, 1);
	/* Wrong cookie, duplicate: foreign. */
	assert_int_equal(fx->st.icmp_foreign - before.icmp_foreign, 2);
	/* Truncated, wrong code; a bad checksum reaches raw sockets only. */
	assert_int_equal(fx->st.icmp_malformed - before.icmp_malformed,
	    fx->mode == ICMP_MODE_RAW ? 3 : 2);
	E->release(fx->eng, &tp.p);
}

static void
test_cancel(void **state)
{
	struct fixture *fx = *state;
	struct tprobe tp;
	struct collect col;
	struct sniff sn;
	struct probes_stats before;

	/* Before anything was sent: nothing goes out, nothing comes back. */
	before = fx->st;
	collect_init(&col, fx);
	tp_init(&tp, &col, "127.0.0.1", 3, 10, 200);
	tp_start(fx, &tp);
	E->cancel(fx->eng, &tp.p);
	E->cancel(fx->eng, &tp.p);
	run_for(fx, 100);
	assert_int_equal(tp.done, 0);
	assert_int_equal(fx->st.icmp_sent, before.icmp_sent);
	/* The same probe runs its next round as usual. */
	tp_start(fx, &tp);
	assert_true(run_until(fx, &col, 1, 3000));
	check_ok(&tp, 3);
	E->release(fx->eng, &tp.p);

	/* Mid-round: the reply that comes after is someone else's. */
	before = fx->st;
	collect_init(&col, fx);
	tp_init(&tp, &col, ADDR_SILENT, 1, 100, 300);
	sniff_open(&sn, fx, &tp);
	sn.cancel_first = true;
	tp_start(fx, &tp);
	run_for(fx, 600);
	sniff_close(&sn);
	assert_int_equal(sn.seen, 1);
	assert_int_equal(tp.done, 0);
	assert_int_equal(fx->st.icmp_sent - before.icmp_sent, 1);
	assert_int_equal(fx->st.icmp_received, before.icmp_received);
	assert_int_equal(fx->st.icmp_foreign - before.icmp_foreign, 1);
	E->release(fx->eng, &tp.p);
	E->release(fx->eng, &tp.p);
}

static void
test_sweep(void **state)
{
	struct fixture *fx = *state;
	struct tprobe *tp = calloc(SWEEP, sizeof *tp);
	struct collect col;
	struct probes_stats before;
	char addr[32];
	int64_t t0;

	assert_non_null(tp);
	before = fx->st;
	collect_init(&col, fx);
	for (int i = 0; i < SWEEP; i++) {
		snprintf(
		    addr, sizeof addr, "127.1.%d.%d", i / 250, i % 250 + 1);
		tp_init(&tp[i], &col, addr, 1, 1000, 2000);
	}
	t0 = time_mono_ms();
	for (int i = 0; i < SWEEP; i++)
		tp_start(fx, &tp[i]);
	assert_true(run_until(fx, &col, SWEEP, 10000));
	print_message("# %d targets in %lld ms\n", SWEEP,
	    (long long)(time_mono_ms() - t0));
	for (int i = 0; i < SWEEP; i++) {
		check_ok(&tp[i], 1);
		E->release(fx->eng, &tp[i].p);
	}
	assert_int_equal(fx->st.icmp_sent - before.icmp_sent, SWEEP);
	assert_int_equal(fx->st.icmp_received - before.icmp_received, SWEEP);
	free(tp);
}

static void
test_no_address(void **state)
{
	struct fixture *fx = *state;
	struct tprobe tp;
	struct collect col;

	collect_init(&col, fx);
	tp_init(&tp, &col, NULL, 3, 10, 200);
	tp_start(fx, &tp);
	/* Reported from the loop, never from inside start(). */
	assert_int_equal(tp.done, 0);
	assert_true(run_until(fx, &col, 1, 1000));
	assert_false(tp.r.ok);
	assert_int_equal(tp.r.cause, CAUSE_MONITOR);
	assert_string_equal(tp.r.detail, "no address to ping");
	E->release(fx->eng, &tp.p);
}

/* AUTO takes datagram sockets where ping_group_range allows, else raw. */
static void
test_auto_mode(void **state)
{
	const char *path = "/proc/sys/net/ipv4/ping_group_range";
	struct ev_loop *loop;
	char err[256];
	void *eng;

	loop = ev_loop_new(EVFLAG_AUTO);
	assert_int_equal(write_file(path, "1 0"), 0);
	eng = E->open(loop, NULL, err, sizeof err);
	assert_non_null(eng);
	assert_string_equal(icmp_engine_mode(eng), "raw");
	/* An idle engine does not keep the loop running. */
	assert_false(ev_run(loop, EVRUN_NOWAIT));
	E->close(eng);
	assert_int_equal(write_file(path, "0 2147483647"), 0);
	eng = E->open(loop, NULL, err, sizeof err);
	assert_non_null(eng);
	assert_string_equal(icmp_engine_mode(eng), "dgram");
	E->close(eng);
	assert_string_equal(icmp_engine_mode(NULL), "unavailable");
	/* Only watchers of its own were left: the loop has nothing to run. */
	assert_false(ev_run(loop, EVRUN_NOWAIT));
	ev_loop_destroy(loop);
}

/* What a test needs from its world; without it, it is reported skipped. */
enum {
	NEED_ENGINE = 1, /* its fixture's engine opened */
	NEED_NFT = 2,    /* root in our own namespace, with nft rules */
	NEED_V6 = 4,     /* ::1 */
	NEED_NETNS = 8,
};

struct tdef {
	const char *name;
	CMUnitTestFunction fn;
	int need;
};

static const struct tdef common_tests[] = {
    {"test_parse_entry", test_parse_entry, 0},
    {"test_parse_reply_v4", test_parse_reply_v4, 0},
    {"test_parse_reply_v4_errors", test_parse_reply_v4_errors, 0},
    {"test_parse_reply_v6", test_parse_reply_v6, 0},
    {"test_parse_reply_garbage", test_parse_reply_garbage, 0},
    {"test_auto_mode", test_auto_mode, NEED_NETNS},
};

/* Each of these runs once per socket kind. */
static const struct tdef mode_tests[] = {
    {"test_loopback", test_loopback, NEED_ENGINE},
    {"test_ipv4_mapped", test_ipv4_mapped, NEED_ENGINE},
    {"test_ipv6_loopback", test_ipv6_loopback, NEED_ENGINE | NEED_V6},
    {"test_drop_is_timeout", test_drop_is_timeout, NEED_ENGINE | NEED_NFT},
    {"test_reject_is_unreachable", test_reject_is_unreachable,
	NEED_ENGINE | NEED_NFT},
    {"test_ipv6_reject", test_ipv6_reject, NEED_ENGINE | NEED_NFT | NEED_V6},
    {"test_ipv6_disabled", test_ipv6_disabled,
	NEED_ENGINE | NEED_NETNS | NEED_V6},
    {"test_send_error_is_network", test_send_error_is_network,
	NEED_ENGINE | NEED_NFT},
    {"test_random_loss", test_random_loss, NEED_ENGINE | NEED_NFT},
    {"test_foreign_replies", test_foreign_replies, NEED_ENGINE | NEED_NFT},
    {"test_crafted_replies", test_crafted_replies, NEED_ENGINE | NEED_NFT},
    {"test_cancel", test_cancel, NEED_ENGINE | NEED_NFT},
    {"test_sweep", test_sweep, NEED_ENGINE},
    {"test_no_address", test_no_address, NEED_ENGINE},
};

static void
test_skipped(void **state)
{
}

/* Why T cannot run with FX here, or NULL if it can. */
static const char *
tdef_missing(const struct tdef *t, const struct fixture *fx)
{
	if ((t->need & NEED_NETNS) && !have_netns)
		return env_why;
	if ((t->need & NEED_ENGINE) && fx->eng == NULL)
		return fx->why;
	if ((t->need & NEED_NFT) && !have_nft)
		return env_why;
	if ((t->need & NEED_V6) && !have_v6)
		return "no IPv6 loopback (::1) here";
	return NULL;
}

/*
 * cmocka 1.1's skip() prints "not ok # SKIP", which automake's TAP driver
 * counts as a failure: a test that cannot run here becomes an empty one
 * named "NAME # SKIP why", printed as "ok N - NAME # SKIP why".
 */
static void
tdef_add(struct CMUnitTest *out, size_t *n, const struct tdef *t,
    struct fixture *fx, const char *suffix)
{
	const char *why = tdef_missing(t, fx);
	struct CMUnitTest *u = &out[(*n)++];
	char *name;

	memset(u, 0, sizeof *u);
	u->initial_state = fx;
	if (why == NULL) {
		name = xasprintf("%s%s", t->name, suffix);
		u->test_func = t->fn;
	} else {
		name = xasprintf("%s%s # SKIP %s", t->name, suffix, why);
		u->test_func = test_skipped;
	}
	u->name = name;
}

int
main(void)
{
	size_t nc = sizeof common_tests / sizeof common_tests[0];
	size_t nm = sizeof mode_tests / sizeof mode_tests[0];
	struct CMUnitTest *tests = xcalloc(nc + 2 * nm, sizeof *tests);
	struct fixture none = {.why = "no engine"};
	struct ev_loop *loop;
	size_t n = 0;
	int rc;

	log_init("test_icmp", LOG_WARNING);
	env_setup();
	loop = ev_loop_new(EVFLAG_AUTO);
	fixture_open(&fx_raw, loop);
	fixture_open(&fx_dgram, loop);
	for (size_t i = 0; i < nc; i++)
		tdef_add(tests, &n, &common_tests[i], &none, "");
	for (size_t i = 0; i < nm; i++) {
		tdef_add(tests, &n, &mode_tests[i], &fx_raw, " (raw)");
		tdef_add(tests, &n, &mode_tests[i], &fx_dgram, " (dgram)");
	}
	rc = _cmocka_run_group_tests("test_icmp", tests, n, NULL, NULL);
	fixture_close(&fx_raw);
	fixture_close(&fx_dgram);
	ev_loop_destroy(loop);
	if (have_nft)
		(void)nft_run("delete table inet " NFT_TABLE "\n");
	for (size_t i = 0; i < n; i++)
		free((char *)tests[i].name);
	free(tests);
	return rc;
}
