/* test_lan_decode.c - unit tests of probes/lan/decode: hand-built frames for every layer, truncated at every byte. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "probes/lan/decode.h"

static const uint8_t MAC_A[6] = {0x00, 0x0c, 0x29, 0x59, 0xfd, 0x21};
static const uint8_t MAC_B[6] = {0x02, 0x42, 0xac, 0x11, 0x00, 0x02};
static const uint8_t IP_A[4] = {192, 168, 1, 10};
static const uint8_t IP_B[4] = {192, 168, 1, 5};
static const uint8_t IP6_A[16] = {0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0x02, 0x0c,
    0x29, 0xff, 0xfe, 0x59, 0xfd, 0x21};
static const uint8_t IP6_B[16] = {
    0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x53};

struct frame {
	uint8_t b[2048];
	size_t n;
};

static void
put(struct frame *f, const void *p, size_t n)
{
	assert_true(f->n + n <= sizeof f->b);
	memcpy(f->b + f->n, p, n);
	f->n += n;
}

static void
put8(struct frame *f, uint8_t v)
{
	put(f, &v, 1);
}

static void
put16(struct frame *f, uint16_t v)
{
	put8(f, (uint8_t)(v >> 8));
	put8(f, (uint8_t)v);
}

static void
put32(struct frame *f, uint32_t v)
{
	put16(f, (uint16_t)(v >> 16));
	put16(f, (uint16_t)v);
}

static void
set16(struct frame *f, size_t off, uint16_t v)
{
	f->b[off] = (uint8_t)(v >> 8);
	f->b[off + 1] = (uint8_t)v;
}

/* "www.Example.com" in wire form. */
static void
put_name(struct frame *f, const char *name)
{
	const char *dot;

	while (*name != '\0') {
		dot = strchr(name, '.');
		size_t l = dot ? (size_t)(dot - name) : strlen(name);
		put8(f, (uint8_t)l);
		put(f, name, l);
		name += l + (dot != NULL);
	}
	put8(f, 0);
}

static void
eth(struct frame *f, uint16_t type)
{
	f->n = 0;
	put(f, MAC_B, 6);
	put(f, MAC_A, 6);
	put16(f, type);
}

/* IPv4 header (IHL from OPTLEN); the total length is set by ip4_end(). */
static size_t
ip4(struct frame *f, uint8_t proto, const uint8_t *src, const uint8_t *dst,
    size_t optlen, uint16_t frag)
{
	size_t at = f->n, i;

	put8(f, (uint8_t)(0x40 | (5 + optlen / 4)));
	put8(f, 0);
	put16(f, 0);
	put16(f, 0x1234);
	put16(f, frag);
	put8(f, 64);
	put8(f, proto);
	put16(f, 0);
	put(f, src, 4);
	put(f, dst, 4);
	for (i = 0; i < optlen; i++)
		put8(f, 1); /* NOP */
	return at;
}

static void
ip4_end(struct frame *f, size_t at)
{
	set16(f, at + 2, (uint16_t)(f->n - at));
}

static size_t
ip6(struct frame *f, uint8_t nh, const uint8_t *src, const uint8_t *dst)
{
	size_t at = f->n;

	put32(f, 0x60000000);
	put16(f, 0);
	put8(f, nh);
	put8(f, 255);
	put(f, src, 16);
	put(f, dst, 16);
	return at;
}

static void
ip6_end(struct frame *f, size_t at)
{
	set16(f, at + 4, (uint16_t)(f->n - at - 40));
}

static size_t
udp(struct frame *f, uint16_t sp, uint16_t dp)
{
	size_t at = f->n;

	put16(f, sp);
	put16(f, dp);
	put16(f, 0);
	put16(f, 0);
	return at;
}

static void
udp_end(struct frame *f, size_t at)
{
	set16(f, at + 4, (uint16_t)(f->n - at));
}

/* The UDP and IPv4 lengths of a datagram begun with ip4() and udp(). */
static void
udp4_end(struct frame *f, size_t u, size_t ip)
{
	udp_end(f, u);
	ip4_end(f, ip);
}

static void
tcp(struct frame *f, uint16_t sp, uint16_t dp, uint8_t flags)
{
	put16(f, sp);
	put16(f, dp);
	put32(f, 1000);
	put32(f, 0);
	put8(f, 5 << 4);
	put8(f, flags);
	put16(f, 65535);
	put32(f, 0);
}

/* Decode F from a heap copy of exactly its bytes, so that ASan sees any overread. */
static int
decode(const uint8_t *b, size_t n, int linktype, struct lan_pkt *p)
{
	uint8_t *copy = malloc(n ? n : 1);
	int rc;

	assert_non_null(copy);
	if (n > 0)
		memcpy(copy, b, n);
	memset(p, 0xa5, sizeof *p); /* the decoder must not rely on zeroes */
	rc = lan_decode(copy, (uint32_t)n, (uint32_t)n, linktype, p);
	free(copy);
	return rc;
}

static int
decode_frame(const struct frame *f, struct lan_pkt *p)
{
	return decode(f->b, f->n, LAN_LINK_EN10MB, p);
}

/* F decodes with exactly WANT; a macro, so that a failure names the caller's line. */
#define assert_decodes(f, p, want)                           \
	do {                                                 \
		assert_int_equal(decode_frame((f), (p)), 0); \
		assert_int_equal((p)->flags, (want));        \
	} while (0)

/*
 * Every cut of F short of NEED bytes (the end of what the decoders
 * read) must say TRUNC, or fail on the link header below LINKHDR.
 */
static void
assert_trunc_all(
    const struct frame *f, size_t linkhdr, size_t need, int linktype)
{
	struct lan_pkt p;
	size_t cut;

	for (cut = 0; cut < need; cut++) {
		int rc = decode(f->b, cut, linktype, &p);

		if (cut < linkhdr) {
			assert_int_equal(rc, -1);
			assert_int_equal(p.flags, 0);
			continue;
		}
		assert_int_equal(rc, 0);
		if (!(p.flags & LAN_F_TRUNC))
			fail_msg("cut at %zu of %zu: flags %#x without TRUNC",
			    cut, need, p.flags);
	}
	/* And the whole frame is not truncated. */
	assert_int_equal(decode(f->b, f->n, linktype, &p), 0);
	assert_false(p.flags & (LAN_F_TRUNC | LAN_F_BAD));
}

static void
test_eth_ipv4_tcp(void **state)
{
	struct frame f;
	struct lan_pkt p;
	size_t ip;

	eth(&f, 0x0800);
	ip = ip4(&f, 6, IP_A, IP_B, 0, 0);
	tcp(&f, 40000, 443, 0x02);
	ip4_end(&f, ip);
	assert_decodes(&f, &p, LAN_F_ETH | LAN_F_IPV4 | LAN_F_TCP);
	assert_memory_equal(p.src_mac, MAC_A, 6);
	assert_memory_equal(p.dst_mac, MAC_B, 6);
	assert_int_equal(p.nvlan, 0);
	assert_int_equal(p.ethertype, 0x0800);
	assert_int_equal(p.ip_family, 4);
	assert_memory_equal(p.src_ip, IP_A, 4);
	assert_memory_equal(p.dst_ip, IP_B, 4);
	assert_int_equal(p.src_ip[4], 0);
	assert_int_equal(p.ttl, 64);
	assert_int_equal(p.l4proto, 6);
	assert_int_equal(p.sport, 40000);
	assert_int_equal(p.dport, 443);
	assert_int_equal(p.tcp_flags, 0x02);
	assert_int_equal(p.caplen, f.n);
	assert_int_equal(p.wirelen, f.n);
	assert_trunc_all(&f, 14, f.n, LAN_LINK_EN10MB);

	/* SYN|ACK with padding up to the Ethernet minimum: still clean */
	eth(&f, 0x0800);
	ip = ip4(&f, 6, IP_A, IP_B, 0, 0);
	tcp(&f, 443, 40000, 0x12);
	ip4_end(&f, ip);
	put32(&f, 0);
	put16(&f, 0);
	assert_decodes(&f, &p, LAN_F_ETH | LAN_F_IPV4 | LAN_F_TCP);
	assert_int_equal(p.tcp_flags, 0x12);

	/* a data offset below 5 words */
	f.b[14 + 20 + 12] = 4 << 4;
	assert_int_equal(decode_frame(&f, &p), 0);
	assert_true(p.flags & LAN_F_TCP);
	assert_true(p.flags & LAN_F_BAD);
}

static void
test_vlan(void **state)
{
	struct frame f;
	struct lan_pkt p;
	size_t ip, u, i;

	/* 802.1ad outer 100, 802.1Q inner 200 */
	eth(&f, 0x88a8);
	put16(&f, 100);
	put16(&f, 0x8100);
	put16(&f, (3 << 13) | 200);
	put16(&f, 0x0800);
	ip = ip4(&f, 17, IP_A, IP_B, 0, 0);
	u = udp(&f, 1234, 9999);
	udp4_end(&f, u, ip);
	assert_decodes(&f, &p, LAN_F_ETH | LAN_F_IPV4 | LAN_F_UDP);
	assert_int_equal(p.nvlan, 2);
	assert_int_equal(p.vlan, 200);
	assert_int_equal(p.ethertype, 0x0800);
	assert_int_equal(p.sport, 1234);
	assert_int_equal(p.dport, 9999);
	assert_trunc_all(&f, 14, f.n, LAN_LINK_EN10MB);

	/* nine tags: garbage, not a network */
	eth(&f, 0x8100);
	for (i = 0; i < 9; i++) {
		put16(&f, (uint16_t)(i + 1));
		put16(&f, 0x8100);
	}
	put32(&f, 0);
	assert_int_equal(decode_frame(&f, &p), 0);
	assert_true(p.flags & LAN_F_BAD);
	assert_int_equal(p.nvlan, 8);
	assert_false(p.flags & LAN_F_IPV4);

	/* 802.3 + LLC/SNAP carrying ARP is decoded; plain LLC (STP) is not */
	eth(&f, 36);
	put8(&f, 0xaa);
	put8(&f, 0xaa);
	put8(&f, 0x03);
	put8(&f, 0);
	put16(&f, 0);
	put16(&f, 0x0806);
	put16(&f, 1);
	put16(&f, 0x0800);
	put8(&f, 6);
	put8(&f, 4);
	put16(&f, 1);
	put(&f, MAC_A, 6);
	put(&f, IP_A, 4);
	put(&f, MAC_B, 6);
	put(&f, IP_B, 4);
	assert_decodes(&f, &p, LAN_F_ETH | LAN_F_ARP);
	assert_int_equal(p.ethertype, 0x0806);
	eth(&f, 38);
	put8(&f, 0x42);
	put8(&f, 0x42);
	put8(&f, 0x03);
	put32(&f, 0);
	put32(&f, 0);
	assert_decodes(&f, &p, LAN_F_ETH);
	assert_int_equal(p.ethertype, 38);
}

static void
arp_frame(struct frame *f, uint16_t op, const uint8_t *sha, const uint8_t *spa,
    const uint8_t *tha, const uint8_t *tpa)
{
	eth(f, 0x0806);
	put16(f, 1);
	put16(f, 0x0800);
	put8(f, 6);
	put8(f, 4);
	put16(f, op);
	put(f, sha, 6);
	put(f, spa, 4);
	put(f, tha, 6);
	put(f, tpa, 4);
}

static void
test_arp(void **state)
{
	static const uint8_t zero[6];
	struct frame f;
	struct lan_pkt p;

	arp_frame(&f, 1, MAC_A, IP_A, zero, IP_B);
	assert_decodes(&f, &p, LAN_F_ETH | LAN_F_ARP);
	assert_int_equal(p.arp.op, 1);
	assert_memory_equal(p.arp.sha, MAC_A, 6);
	assert_memory_equal(p.arp.spa, IP_A, 4);
	assert_memory_equal(p.arp.tha, zero, 6);
	assert_memory_equal(p.arp.tpa, IP_B, 4);
	assert_trunc_all(&f, 14, f.n, LAN_LINK_EN10MB);

	/* reply, padded to 60 bytes */
	arp_frame(&f, 2, MAC_B, IP_B, MAC_A, IP_A);
	while (f.n < 60)
		put8(&f, 0);
	assert_decodes(&f, &p, LAN_F_ETH | LAN_F_ARP);
	assert_int_equal(p.arp.op, 2);
	assert_memory_equal(p.arp.sha, MAC_B, 6);
	assert_memory_equal(p.arp.tpa, IP_A, 4);

	/* Ethernet/IPv4 with wrong address lengths */
	f.b[14 + 4] = 8;
	assert_decodes(&f, &p, LAN_F_ETH | LAN_F_BAD);
	/* another hardware type: not ours, not malformed */
	f.b[14 + 4] = 6;
	f.b[14 + 1] = 6;
	assert_decodes(&f, &p, LAN_F_ETH);
}

static void
test_ipv4_options_and_fragments(void **state)
{
	struct frame f;
	struct lan_pkt p;
	size_t ip, u;

	/* 8 bytes of options (IHL 7) */
	eth(&f, 0x0800);
	ip = ip4(&f, 17, IP_A, IP_B, 8, 0);
	u = udp(&f, 5000, 6000);
	put32(&f, 0xdeadbeef);
	udp4_end(&f, u, ip);
	assert_decodes(&f, &p, LAN_F_ETH | LAN_F_IPV4 | LAN_F_UDP);
	assert_int_equal(p.sport, 5000);
	assert_int_equal(p.dport, 6000);
	assert_trunc_all(&f, 14, 14 + 28 + 8, LAN_LINK_EN10MB);

	/* first fragment (MF, offset 0): L4 decoded */
	eth(&f, 0x0800);
	ip = ip4(&f, 17, IP_A, IP_B, 0, 0x2000);
	u = udp(&f, 5000, 6000);
	put32(&f, 0);
	udp4_end(&f, u, ip);
	assert_decodes(&f, &p, LAN_F_ETH | LAN_F_IPV4 | LAN_F_UDP);

	/* ... whose UDP length covers the whole datagram, not this fragment */
	set16(&f, u + 4, 1480);
	assert_decodes(&f, &p, LAN_F_ETH | LAN_F_IPV4 | LAN_F_UDP);
	set16(&f, 14 + 6, 0); /* the same lengths without MF are malformed */
	assert_int_equal(decode_frame(&f, &p), 0);
	assert_true(p.flags & LAN_F_BAD);
	set16(&f, 14 + 6, 0x2000);

	/* a later fragment: no L4, even if its bytes look like UDP */
	set16(&f, 14 + 6, 0x2000 | 185);
	assert_decodes(&f, &p, LAN_F_ETH | LAN_F_IPV4 | LAN_F_FRAG);
	assert_memory_equal(p.src_ip, IP_A, 4);
	set16(&f, 14 + 6, 10); /* the last one, MF clear */
	assert_decodes(&f, &p, LAN_F_ETH | LAN_F_IPV4 | LAN_F_FRAG);

	/* IHL below 5 and total length below IHL */
	set16(&f, 14 + 6, 0);
	f.b[14] = 0x44;
	assert_int_equal(decode_frame(&f, &p), 0);
	assert_true(p.flags & LAN_F_BAD);
	assert_false(p.flags & LAN_F_UDP);
	f.b[14] = 0x45;
	set16(&f, 14 + 2, 19);
	assert_int_equal(decode_frame(&f, &p), 0);
	assert_true(p.flags & LAN_F_BAD);
	assert_false(p.flags & LAN_F_UDP);
	/* not version 4 under the IPv4 ethertype */
	set16(&f, 14 + 2, (uint16_t)(f.n - 14));
	f.b[14] = 0x65;
	assert_decodes(&f, &p, LAN_F_ETH | LAN_F_BAD);
	/* total length 0 (segmentation offload): the capture's length */
	f.b[14] = 0x45;
	set16(&f, 14 + 2, 0);
	assert_decodes(&f, &p, LAN_F_ETH | LAN_F_IPV4 | LAN_F_UDP);
}

static void
test_udp_lengths(void **state)
{
	struct frame f;
	struct lan_pkt p;
	size_t ip, u;

	eth(&f, 0x0800);
	ip = ip4(&f, 17, IP_A, IP_B, 0, 0);
	u = udp(&f, 1, 2);
	put32(&f, 0);
	udp4_end(&f, u, ip);
	/* shorter than its own header */
	set16(&f, u + 4, 7);
	assert_decodes(&f, &p, LAN_F_ETH | LAN_F_IPV4 | LAN_F_UDP | LAN_F_BAD);
	/* longer than the IP datagram */
	set16(&f, u + 4, 13);
	assert_decodes(&f, &p, LAN_F_ETH | LAN_F_IPV4 | LAN_F_UDP | LAN_F_BAD);
	/* IP and UDP lengths 0 (BIG TCP, offload): the capture's length */
	set16(&f, u + 4, 0);
	set16(&f, 14 + 2, 0);
	assert_decodes(&f, &p, LAN_F_ETH | LAN_F_IPV4 | LAN_F_UDP);
	ip4_end(&f, ip);
	/* UDP length 0 with a real IP length is malformed */
	assert_int_equal(decode_frame(&f, &p), 0);
	assert_true(p.flags & LAN_F_BAD);
	/* longer than captured, but within the datagram: only the capture is short */
	set16(&f, u + 4, 12);
	assert_int_equal(decode(f.b, f.n - 2, LAN_LINK_EN10MB, &p), 0);
	assert_int_equal(p.flags, LAN_F_ETH | LAN_F_IPV4 | LAN_F_UDP);
}

static void
ext(struct frame *f, uint8_t nh, uint8_t len8)
{
	size_t i;

	put8(f, nh);
	put8(f, len8);
	for (i = 0; i < (size_t)len8 * 8 + 6; i++)
		put8(f, i == 0 ? 1 : 0); /* PadN, then zeroes */
}

static void
test_ipv6_ext(void **state)
{
	struct frame f;
	struct lan_pkt p;
	size_t ip, i;

	/* hop-by-hop, routing (24 bytes), destination options, fragment (first), TCP */
	eth(&f, 0x86dd);
	ip = ip6(&f, 0, IP6_A, IP6_B);
	ext(&f, 43, 0);
	ext(&f, 60, 2);
	ext(&f, 44, 0);
	put8(&f, 6);
	put8(&f, 0);
	put16(&f, 0x0001); /* offset 0, M */
	put32(&f, 0xabcdef01);
	tcp(&f, 50000, 22, 0x02);
	ip6_end(&f, ip);
	assert_decodes(&f, &p, LAN_F_ETH | LAN_F_IPV6 | LAN_F_TCP);
	assert_int_equal(p.ip_family, 6);
	assert_memory_equal(p.src_ip, IP6_A, 16);
	assert_memory_equal(p.dst_ip, IP6_B, 16);
	assert_int_equal(p.ttl, 255);
	assert_int_equal(p.l4proto, 6);
	assert_int_equal(p.dport, 22);
	assert_int_equal(p.tcp_flags, 0x02);
	assert_trunc_all(&f, 14, f.n, LAN_LINK_EN10MB);

	/* a later fragment */
	set16(&f, 14 + 40 + 8 + 24 + 8 + 2, 0x0008 | 1); /* offset 1, M */
	assert_decodes(&f, &p, LAN_F_ETH | LAN_F_IPV6 | LAN_F_FRAG);
	assert_int_equal(p.l4proto, 6);

	/* a chain of nine destination options: the walk stops */
	eth(&f, 0x86dd);
	ip = ip6(&f, 60, IP6_A, IP6_B);
	for (i = 0; i < 9; i++)
		ext(&f, 60, 0);
	ip6_end(&f, ip);
	assert_decodes(&f, &p, LAN_F_ETH | LAN_F_IPV6 | LAN_F_BAD);

	/* a jumbogram: payload length 0, UDP length 0 (RFC 2675) */
	eth(&f, 0x86dd);
	ip = ip6(&f, 0, IP6_A, IP6_B);
	put8(&f, 17);
	put8(&f, 0);
	put8(&f, 0xc2); /* jumbo payload option */
	put8(&f, 4);
	put32(&f, 70000);
	put16(&f, 4000);
	put16(&f, 4001);
	put32(&f, 0);
	put32(&f, 0x01020304);
	assert_decodes(&f, &p, LAN_F_ETH | LAN_F_IPV6 | LAN_F_UDP);
	assert_int_equal(p.l4proto, 17);
	assert_int_equal(p.dport, 4001);

	/* an extension header longer than the payload length says */
	eth(&f, 0x86dd);
	ip = ip6(&f, 0, IP6_A, IP6_B);
	ext(&f, 59, 1);
	ip6_end(&f, ip);
	set16(&f, ip + 4, 8);
	assert_decodes(&f, &p, LAN_F_ETH | LAN_F_IPV6 | LAN_F_TRUNC);
	/* no next header */
	set16(&f, ip + 4, 16);
	assert_decodes(&f, &p, LAN_F_ETH | LAN_F_IPV6);
	assert_int_equal(p.l4proto, 59);
}

static void
test_icmp(void **state)
{
	struct frame f;
	struct lan_pkt p;
	size_t ip;

	eth(&f, 0x0800);
	ip = ip4(&f, 1, IP_A, IP_B, 0, 0);
	put8(&f, 8);
	put8(&f, 0);
	put16(&f, 0);
	put32(&f, 0x00010001);
	put32(&f, 0x12345678);
	ip4_end(&f, ip);
	assert_decodes(&f, &p, LAN_F_ETH | LAN_F_IPV4 | LAN_F_ICMP);
	assert_int_equal(p.icmp_type, 8);
	assert_int_equal(p.icmp_code, 0);
	assert_trunc_all(&f, 14, 14 + 20 + 4, LAN_LINK_EN10MB);

	/* ICMPv6 under IPv4 is not ICMP */
	f.b[14 + 9] = 58;
	assert_decodes(&f, &p, LAN_F_ETH | LAN_F_IPV4);

	/* ICMPv6 echo request */
	eth(&f, 0x86dd);
	ip = ip6(&f, 58, IP6_A, IP6_B);
	put8(&f, 128);
	put8(&f, 0);
	put16(&f, 0);
	put32(&f, 0);
	ip6_end(&f, ip);
	assert_decodes(&f, &p, LAN_F_ETH | LAN_F_IPV6 | LAN_F_ICMP);
	assert_int_equal(p.icmp_type, 128);
}

static void
nd_frame(struct frame *f, uint8_t type, int opt, uint8_t optlen8)
{
	size_t ip, i;

	eth(f, 0x86dd);
	ip = ip6(f, 58, IP6_A, IP6_B);
	put8(f, type);
	put8(f, 0);
	put16(f, 0);
	put32(f, type == 136 ? 0x60000000 : 0);
	put(f, IP6_B, 16);
	if (opt > 0) {
		/* a nonce option first, to be stepped over */
		put8(f, 14);
		put8(f, 1);
		put(f, "\1\2\3\4\5\6", 6);
		put8(f, (uint8_t)opt);
		put8(f, optlen8);
		put(f, MAC_A, 6);
		for (i = 8; i < (size_t)optlen8 * 8; i++)
			put8(f, 0);
	}
	ip6_end(f, ip);
}

static void
test_icmp6_nd(void **state)
{
	struct frame f;
	struct lan_pkt p;

	/* solicitation with the source link-layer address */
	nd_frame(&f, 135, 1, 1);
	assert_decodes(&f, &p, LAN_F_ETH | LAN_F_IPV6 | LAN_F_ICMP | LAN_F_ND);
	assert_int_equal(p.nd.type, 135);
	assert_memory_equal(p.nd.target, IP6_B, 16);
	assert_true(p.nd.has_lladdr);
	assert_memory_equal(p.nd.lladdr, MAC_A, 6);
	assert_trunc_all(&f, 14, f.n, LAN_LINK_EN10MB);

	/* advertisement with the target link-layer address */
	nd_frame(&f, 136, 2, 1);
	assert_decodes(&f, &p, LAN_F_ETH | LAN_F_IPV6 | LAN_F_ICMP | LAN_F_ND);
	assert_int_equal(p.nd.type, 136);
	assert_true(p.nd.has_lladdr);
	assert_memory_equal(p.nd.lladdr, MAC_A, 6);

	/* a source address option in an advertisement is not the target's */
	nd_frame(&f, 136, 1, 1);
	assert_int_equal(decode_frame(&f, &p), 0);
	assert_true(p.flags & LAN_F_ND);
	assert_false(p.nd.has_lladdr);

	/* no option (duplicate address detection) */
	nd_frame(&f, 135, 0, 0);
	assert_decodes(&f, &p, LAN_F_ETH | LAN_F_IPV6 | LAN_F_ICMP | LAN_F_ND);
	assert_false(p.nd.has_lladdr);

	/* an option of length 0 would never end */
	nd_frame(&f, 135, 1, 0);
	assert_int_equal(decode_frame(&f, &p), 0);
	assert_true(p.flags & LAN_F_ND);
	assert_true(p.flags & LAN_F_BAD);
	assert_false(p.nd.has_lladdr);
}

/* BOOTP fixed part + cookie for a message from MAC_A. */
static void
dhcp_head(struct frame *f, uint8_t op, size_t *ip, size_t *u)
{
	static const uint8_t zero[236];
	size_t at;

	eth(f, 0x0800);
	*ip = ip4(f, 17, op == 1 ? (const uint8_t *)"\0\0\0\0" : IP_B,
	    op == 1 ? (const uint8_t *)"\xff\xff\xff\xff" : IP_A, 0, 0);
	*u = udp(f, op == 1 ? 68 : 67, op == 1 ? 67 : 68);
	at = f->n;
	put(f, zero, sizeof zero);
	f->b[at] = op;
	f->b[at + 1] = 1;
	f->b[at + 2] = 6;
	memcpy(f->b + at + 4, "\x3d\x1d\x9e\xa1", 4);
	if (op == 2)
		memcpy(f->b + at + 16, IP_A, 4);
	memcpy(f->b + at + 28, MAC_A, 6);
	put32(f, 0x63825363);
}

static void
dhcp_end(struct frame *f, size_t ip, size_t u)
{
	put8(f, 255);
	udp4_end(f, u, ip);
}

static void
opt(struct frame *f, uint8_t code, const void *v, size_t len)
{
	put8(f, code);
	put8(f, (uint8_t)len);
	put(f, v, len);
}

static void
test_dhcp(void **state)
{
	static const uint8_t params[] = {
	    1, 3, 6, 15, 31, 33, 43, 44, 46, 47, 119, 121, 249, 252};
	struct frame f;
	struct lan_pkt p;
	size_t ip, u, end;

	dhcp_head(&f, 1, &ip, &u);
	opt(&f, 53, "\x03", 1);
	put8(&f, 0); /* pad */
	opt(&f, 61, "\x01\x00\x0c\x29\x59\xfd\x21", 7);
	opt(&f, 50, IP_A, 4);
	opt(&f, 12, "PC-Ke\x01Toan\0", 11);
	opt(&f, 81, "\x04\0\0\x06ketoan\x05xanet\x02vn\0", 20);
	opt(&f, 60, "MSFT 5.0", 8);
	opt(&f, 55, params, sizeof params);
	dhcp_end(&f, ip, u);
	end = f.n;
	while (f.n < end + 20)
		put8(&f, 0); /* trailing pad after END, as clients send */
	udp4_end(&f, u, ip);

	assert_decodes(&f, &p, LAN_F_ETH | LAN_F_IPV4 | LAN_F_UDP | LAN_F_DHCP);
	assert_int_equal(p.sport, 68);
	assert_int_equal(p.dhcp.op, 1);
	assert_int_equal(p.dhcp.msg_type, 3);
	assert_int_equal(p.dhcp.xid, 0x3d1d9ea1);
	assert_memory_equal(p.dhcp.chaddr, MAC_A, 6);
	assert_int_equal(p.dhcp.client_id_len, 7);
	assert_memory_equal(
	    p.dhcp.client_id, "\x01\x00\x0c\x29\x59\xfd\x21", 7);
	assert_true(p.dhcp.has_requested_ip);
	assert_memory_equal(p.dhcp.requested_ip, IP_A, 4);
	assert_false(p.dhcp.has_server_id);
	assert_string_equal(p.dhcp.hostname, "PC-Ke?Toan");
	assert_string_equal(p.dhcp.fqdn, "ketoan.xanet.vn");
	assert_string_equal(p.dhcp.vendor_class, "MSFT 5.0");
	assert_int_equal(p.dhcp.nparams, sizeof params);
	assert_memory_equal(p.dhcp.params, params, sizeof params);
	assert_trunc_all(&f, 14, end, LAN_LINK_EN10MB);

	/* OFFER from the server, FQDN in ASCII form, long client id */
	dhcp_head(&f, 2, &ip, &u);
	opt(&f, 53, "\x02", 1);
	opt(&f, 54, IP_B, 4);
	opt(&f, 61, "0123456789abcdef0123456789abcdef0123456789", 42);
	opt(&f, 81, "\x01\0\0pc1.lan", 10);
	dhcp_end(&f, ip, u);
	assert_decodes(&f, &p, LAN_F_ETH | LAN_F_IPV4 | LAN_F_UDP | LAN_F_DHCP);
	assert_int_equal(p.dhcp.op, 2);
	assert_int_equal(p.dhcp.msg_type, 2);
	assert_true(p.dhcp.has_server_id);
	assert_memory_equal(p.dhcp.server_id, IP_B, 4);
	assert_memory_equal(p.dhcp.yiaddr, IP_A, 4);
	assert_int_equal(p.dhcp.client_id_len, 32);
	assert_string_equal(p.dhcp.fqdn, "pc1.lan");
	assert_string_equal(p.dhcp.hostname, "");
	assert_int_equal(p.dhcp.nparams, 0);
	assert_false(p.dhcp.has_requested_ip);

	/* a server id of the wrong length is malformed, not an address */
	dhcp_head(&f, 2, &ip, &u);
	opt(&f, 54, IP_B, 3);
	dhcp_end(&f, ip, u);
	assert_int_equal(decode_frame(&f, &p), 0);
	assert_true(p.flags & LAN_F_DHCP);
	assert_true(p.flags & LAN_F_BAD);
	assert_false(p.dhcp.has_server_id);

	/* option overload: the message type lives in the file field */
	dhcp_head(&f, 1, &ip, &u);
	opt(&f, 52, "\x01", 1);
	dhcp_end(&f, ip, u);
	memcpy(f.b + u + 8 + 108, "\x35\x01\x01\x0c\x03pc2\xff", 9);
	assert_decodes(&f, &p, LAN_F_ETH | LAN_F_IPV4 | LAN_F_UDP | LAN_F_DHCP);
	assert_int_equal(p.dhcp.msg_type, 1);
	assert_string_equal(p.dhcp.hostname, "pc2");

	/* BOOTP without the cookie: not DHCP */
	dhcp_head(&f, 1, &ip, &u);
	dhcp_end(&f, ip, u);
	f.b[u + 8 + 236] = 0;
	assert_decodes(&f, &p, LAN_F_ETH | LAN_F_IPV4 | LAN_F_UDP);

	/* DHCP is only looked for on its ports */
	dhcp_head(&f, 1, &ip, &u);
	dhcp_end(&f, ip, u);
	set16(&f, u, 6800);
	set16(&f, u + 2, 6700);
	assert_decodes(&f, &p, LAN_F_ETH | LAN_F_IPV4 | LAN_F_UDP);
}

static size_t
dns_head(struct frame *f, uint16_t sport, uint16_t dport, uint16_t flags,
    uint16_t qd, uint16_t an, size_t *ip)
{
	size_t u;

	eth(f, 0x0800);
	*ip = ip4(f, 17, IP_A, IP_B, 0, 0);
	u = udp(f, sport, dport);
	put16(f, 0xbeef);
	put16(f, flags);
	put16(f, qd);
	put16(f, an);
	put16(f, 0);
	put16(f, 0);
	return u;
}

/* A question for the A record of NAME. */
static void
put_question(struct frame *f, const char *name)
{
	put_name(f, name);
	put16(f, 1);
	put16(f, 1);
}

static void
rr(struct frame *f, uint16_t type, uint32_t ttl, const void *rdata,
    uint16_t rdlen)
{
	put16(f, type);
	put16(f, 1);
	put32(f, ttl);
	put16(f, rdlen);
	put(f, rdata, rdlen);
}

static void
test_dns(void **state)
{
	static const uint8_t v6[16] = {
	    0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
	struct frame f;
	struct lan_pkt p;
	size_t ip, u, q;

	/* query, mixed case */
	u = dns_head(&f, 33333, 53, 0x0100, 1, 0, &ip);
	put_question(&f, "Update.Kaspersky.COM");
	udp4_end(&f, u, ip);
	assert_decodes(&f, &p, LAN_F_ETH | LAN_F_IPV4 | LAN_F_UDP | LAN_F_DNS);
	assert_int_equal(p.dns.id, 0xbeef);
	assert_false(p.dns.response);
	assert_false(p.dns.mdns);
	assert_string_equal(p.dns.qname, "update.kaspersky.com");
	assert_int_equal(p.dns.qtype, 1);
	assert_int_equal(p.dns.nanswers, 0);
	assert_trunc_all(&f, 14, f.n, LAN_LINK_EN10MB);

	/* response: CNAME, A and AAAA, names compressed backwards */
	u = dns_head(&f, 53, 33333, 0x8180, 1, 3, &ip);
	q = f.n - (u + 8);
	put_question(&f, "www.example.com");
	put16(&f, (uint16_t)(0xc000 | q));
	rr(&f, 5, 300,
	    "\x03"
	    "cdn\xc0\x10",
	    6); /* cdn.example.com */
	put16(&f, 0xc000 | (uint16_t)(f.n - 6 - (u + 8)));
	rr(&f, 1, 60, "\x5d\xb8\xd8\x22", 4);
	put16(&f, 0xc000 | 0x0c);
	rr(&f, 28, 120, v6, 16);
	udp4_end(&f, u, ip);
	assert_decodes(&f, &p, LAN_F_ETH | LAN_F_IPV4 | LAN_F_UDP | LAN_F_DNS);
	assert_true(p.dns.response);
	assert_int_equal(p.dns.rcode, 0);
	assert_string_equal(p.dns.qname, "www.example.com");
	assert_int_equal(p.dns.nanswers, 2);
	assert_int_equal(p.dns.answers[0].family, 4);
	assert_memory_equal(p.dns.answers[0].addr, "\x5d\xb8\xd8\x22", 4);
	assert_int_equal(p.dns.answers[0].ttl, 60);
	assert_int_equal(p.dns.answers[1].family, 6);
	assert_memory_equal(p.dns.answers[1].addr, v6, 16);
	assert_int_equal(p.dns.answers[1].ttl, 120);
	assert_trunc_all(&f, 14, f.n, LAN_LINK_EN10MB);

	/* NXDOMAIN */
	set16(&f, u + 8 + 2, 0x8183);
	assert_int_equal(decode_frame(&f, &p), 0);
	assert_int_equal(p.dns.rcode, 3);

	/* a forward pointer: the question's name is stored after it */
	u = dns_head(&f, 53, 33333, 0x8180, 1, 0, &ip);
	put16(&f, 0xc000 | 18); /* 12 + 2 + 4: right after the question */
	put16(&f, 1);
	put16(&f, 1);
	put_name(&f, "forward.example");
	udp4_end(&f, u, ip);
	assert_decodes(&f, &p, LAN_F_ETH | LAN_F_IPV4 | LAN_F_UDP | LAN_F_DNS);
	assert_string_equal(p.dns.qname, "forward.example");
	assert_int_equal(p.dns.qtype, 1);
	assert_trunc_all(&f, 14, f.n, LAN_LINK_EN10MB);

	/* a pointer loop: a label, then a pointer back to it */
	u = dns_head(&f, 53, 33333, 0x8180, 1, 0, &ip);
	put8(&f, 1);
	put8(&f, 'a');
	put16(&f, 0xc000 | 12);
	put16(&f, 1);
	put16(&f, 1);
	udp4_end(&f, u, ip);
	assert_int_equal(decode_frame(&f, &p), 0);
	assert_true(p.flags & LAN_F_DNS);
	assert_true(p.flags & LAN_F_BAD);
	assert_string_equal(p.dns.qname, "");
	/* a pointer to itself */
	set16(&f, u + 8 + 12, 0xc000 | 12);
	assert_int_equal(decode_frame(&f, &p), 0);
	assert_true(p.flags & LAN_F_BAD);
	/* a pointer past the end */
	set16(&f, u + 8 + 12, 0xc000 | 0x3fff);
	assert_int_equal(decode_frame(&f, &p), 0);
	assert_true(p.flags & LAN_F_TRUNC);
	assert_string_equal(p.dns.qname, "");
	/* an extended label type */
	f.b[u + 8 + 12] = 0x41;
	assert_int_equal(decode_frame(&f, &p), 0);
	assert_true(p.flags & LAN_F_BAD);

	/* a name longer than 253 characters */
	u = dns_head(&f, 53, 33333, 0x0100, 1, 0, &ip);
	for (q = 0; q < 5; q++) {
		put8(&f, 63);
		for (size_t i = 0; i < 63; i++)
			put8(&f, 'a');
	}
	put8(&f, 0);
	put16(&f, 1);
	put16(&f, 1);
	udp4_end(&f, u, ip);
	assert_int_equal(decode_frame(&f, &p), 0);
	assert_true(p.flags & LAN_F_BAD);
	assert_string_equal(p.dns.qname, "");

	/* nine A records: eight kept */
	u = dns_head(&f, 53, 33333, 0x8180, 1, 9, &ip);
	put_question(&f, "many.example");
	for (q = 0; q < 9; q++) {
		uint8_t a[4] = {10, 0, 0, (uint8_t)q};

		put16(&f, 0xc00c);
		rr(&f, 1, 5, a, 4);
	}
	udp4_end(&f, u, ip);
	assert_int_equal(decode_frame(&f, &p), 0);
	assert_false(p.flags & (LAN_F_TRUNC | LAN_F_BAD));
	assert_int_equal(p.dns.nanswers, 8);
	assert_int_equal(p.dns.answers[7].addr[3], 7);

	/* the record walk is bounded: 40 answers, the first 8 kept, no error */
	u = dns_head(&f, 53, 33333, 0x8180, 1, 40, &ip);
	put_question(&f, "bound.example");
	for (q = 0; q < 40; q++) {
		uint8_t a[4] = {10, 0, 1, (uint8_t)q};

		put16(&f, 0xc00c);
		rr(&f, 1, 5, a, 4);
	}
	udp4_end(&f, u, ip);
	assert_decodes(&f, &p, LAN_F_ETH | LAN_F_IPV4 | LAN_F_UDP | LAN_F_DNS);
	assert_int_equal(p.dns.nanswers, 8);
	/* ... and so is the question walk: the answers read as questions
	 * until the bound stops it, the first question still kept */
	set16(&f, u + 8 + 4, 0xffff);
	assert_decodes(&f, &p, LAN_F_ETH | LAN_F_IPV4 | LAN_F_UDP | LAN_F_DNS);
	assert_string_equal(p.dns.qname, "bound.example");
	assert_int_equal(p.dns.nanswers, 0);

	/* a label with a dot inside cannot pass for two labels */
	u = dns_head(&f, 33333, 53, 0x0100, 1, 0, &ip);
	put8(&f, 9);
	put(&f, "evil.bkav", 9);
	put_question(&f, "com");
	udp4_end(&f, u, ip);
	assert_int_equal(decode_frame(&f, &p), 0);
	assert_string_equal(p.dns.qname, "evil?bkav.com");
}

static void
test_mdns(void **state)
{
	struct frame f;
	struct lan_pkt p;
	size_t ip, u;

	/* an announcement: no question, PTR then the host's A record */
	u = dns_head(&f, 5353, 5353, 0x8400, 0, 2, &ip);
	put_name(&f, "_workstation._tcp.local");
	put16(&f, 12);
	put16(&f, 1);
	put32(&f, 4500);
	put16(&f, 2 + 4);
	put8(&f, 4);
	put(&f, "abcd", 4);
	put8(&f, 0);
	put_name(&f, "May-Ke-Toan.local");
	put16(&f, 1);
	put16(&f, 0x8001); /* cache flush */
	put32(&f, 120);
	put16(&f, 4);
	put(&f, IP_A, 4);
	udp4_end(&f, u, ip);
	assert_decodes(&f, &p,
	    LAN_F_ETH | LAN_F_IPV4 | LAN_F_UDP | LAN_F_DNS | LAN_F_NAME);
	assert_true(p.dns.mdns);
	assert_true(p.dns.response);
	assert_string_equal(p.dns.qname, "");
	assert_string_equal(p.name_hint, "May-Ke-Toan");
	assert_int_equal(p.dns.nanswers, 1);
	assert_memory_equal(p.dns.answers[0].addr, IP_A, 4);
	assert_trunc_all(&f, 14, f.n, LAN_LINK_EN10MB);

	/* a query names what is looked for, not the sender */
	u = dns_head(&f, 5353, 5353, 0x0000, 1, 0, &ip);
	put_question(&f, "printer.local");
	udp4_end(&f, u, ip);
	assert_decodes(&f, &p, LAN_F_ETH | LAN_F_IPV4 | LAN_F_UDP | LAN_F_DNS);
	assert_true(p.dns.mdns);
	assert_string_equal(p.dns.qname, "printer.local");
}

/* First-level encoding of NAME padded to 15 with SUFFIX. */
static void
put_nbname(struct frame *f, const char *name, uint8_t suffix)
{
	char raw[16];
	size_t i;

	memset(raw, ' ', 15);
	memcpy(raw, name, strlen(name));
	raw[15] = (char)suffix;
	put8(f, 32);
	for (i = 0; i < 16; i++) {
		put8(f, (uint8_t)('A' + ((uint8_t)raw[i] >> 4)));
		put8(f, (uint8_t)('A' + (raw[i] & 0x0f)));
	}
	put8(f, 0);
}

static void
nbns_reg(struct frame *f, const char *name, uint8_t suffix, uint16_t nbflags,
    const uint8_t *addr)
{
	size_t ip, u;

	eth(f, 0x0800);
	ip = ip4(f, 17, IP_A, (const uint8_t *)"\xc0\xa8\x01\xff", 0, 0);
	u = udp(f, 137, 137);
	put16(f, 0x1234);
	put16(f, 0x2910); /* registration, RD, broadcast */
	put16(f, 1);
	put16(f, 0);
	put16(f, 0);
	put16(f, 1);
	put_nbname(f, name, suffix);
	put16(f, 0x20);
	put16(f, 1);
	put16(f, 0xc00c);
	put16(f, 0x20);
	put16(f, 1);
	put32(f, 300000);
	put16(f, 6);
	put16(f, nbflags);
	put(f, addr, 4);
	udp4_end(f, u, ip);
}

static void
test_nbns(void **state)
{
	struct frame f;
	struct lan_pkt p;
	size_t ip, u;

	nbns_reg(&f, "KETOAN-PC", 0x00, 0x0000, IP_A);
	assert_decodes(&f, &p, LAN_F_ETH | LAN_F_IPV4 | LAN_F_UDP | LAN_F_NAME);
	assert_string_equal(p.name_hint, "KETOAN-PC");
	assert_trunc_all(&f, 14, f.n, LAN_LINK_EN10MB);

	/* the workgroup (a group name) names nobody */
	nbns_reg(&f, "WORKGROUP", 0x00, 0x8000, IP_A);
	assert_decodes(&f, &p, LAN_F_ETH | LAN_F_IPV4 | LAN_F_UDP);
	/* a domain master browser name is not a host name */
	nbns_reg(&f, "KETOAN-PC", 0x1b, 0x0000, IP_A);
	assert_int_equal(decode_frame(&f, &p), 0);
	assert_false(p.flags & LAN_F_NAME);
	/* registering an address that is not the sender's (a WINS proxy) */
	nbns_reg(&f, "KETOAN-PC", 0x00, 0x0000, IP_B);
	assert_int_equal(decode_frame(&f, &p), 0);
	assert_false(p.flags & LAN_F_NAME);
	/* a label that is not first-level encoding */
	nbns_reg(&f, "KETOAN-PC", 0x00, 0x0000, IP_A);
	f.b[14 + 20 + 8 + 12 + 3] = 'Z';
	assert_decodes(&f, &p, LAN_F_ETH | LAN_F_IPV4 | LAN_F_UDP | LAN_F_BAD);

	/* a positive query response from the owner */
	eth(&f, 0x0800);
	ip = ip4(&f, 17, IP_B, IP_A, 0, 0);
	u = udp(&f, 137, 137);
	put16(&f, 0x1234);
	put16(&f, 0x8500);
	put16(&f, 0);
	put16(&f, 1);
	put16(&f, 0);
	put16(&f, 0);
	put_nbname(&f, "SERVER", 0x20);
	put16(&f, 0x20);
	put16(&f, 1);
	put32(&f, 0);
	put16(&f, 6);
	put16(&f, 0);
	put(&f, IP_B, 4);
	udp4_end(&f, u, ip);
	assert_decodes(&f, &p, LAN_F_ETH | LAN_F_IPV4 | LAN_F_UDP | LAN_F_NAME);
	assert_string_equal(p.name_hint, "SERVER");
	assert_trunc_all(&f, 14, f.n, LAN_LINK_EN10MB);
}

static void
test_link_types(void **state)
{
	struct frame f, g;
	struct lan_pkt p;
	size_t ip, u;

	/* the same IPv4/UDP packet under every link type */
	f.n = 0;
	ip = ip4(&f, 17, IP_A, IP_B, 0, 0);
	u = udp(&f, 1, 53);
	put16(&f, 7);
	put16(&f, 0x0100);
	put32(&f, 0);
	put32(&f, 0);
	udp4_end(&f, u, ip);

	assert_int_equal(decode(f.b, f.n, LAN_LINK_RAW, &p), 0);
	assert_int_equal(p.flags, LAN_F_IPV4 | LAN_F_UDP | LAN_F_DNS);
	assert_int_equal(decode(f.b, f.n, LAN_LINK_DLT_RAW, &p), 0);
	assert_int_equal(p.flags, LAN_F_IPV4 | LAN_F_UDP | LAN_F_DNS);
	assert_int_equal(p.dns.id, 7);
	assert_trunc_all(&f, 1, f.n, LAN_LINK_RAW);

	/* Linux cooked v1: packet type, ARPHRD_ETHER, address length, address, protocol */
	g.n = 0;
	put16(&g, 0);
	put16(&g, 1);
	put16(&g, 6);
	put(&g, MAC_A, 6);
	put16(&g, 0);
	put16(&g, 0x0800);
	put(&g, f.b, f.n);
	assert_int_equal(decode(g.b, g.n, LAN_LINK_LINUX_SLL, &p), 0);
	assert_int_equal(
	    p.flags, LAN_F_SRCMAC | LAN_F_IPV4 | LAN_F_UDP | LAN_F_DNS);
	assert_memory_equal(p.src_mac, MAC_A, 6);
	assert_trunc_all(&g, 16, g.n, LAN_LINK_LINUX_SLL);

	/* cooked v2: protocol, reserved, ifindex, ARPHRD, type, address length, address */
	g.n = 0;
	put16(&g, 0x0800);
	put16(&g, 0);
	put32(&g, 2);
	put16(&g, 1);
	put8(&g, 4);
	put8(&g, 6);
	put(&g, MAC_A, 6);
	put16(&g, 0);
	put(&g, f.b, f.n);
	assert_int_equal(decode(g.b, g.n, LAN_LINK_LINUX_SLL2, &p), 0);
	assert_int_equal(
	    p.flags, LAN_F_SRCMAC | LAN_F_IPV4 | LAN_F_UDP | LAN_F_DNS);
	assert_memory_equal(p.src_mac, MAC_A, 6);
	assert_trunc_all(&g, 20, g.n, LAN_LINK_LINUX_SLL2);
	/* not an Ethernet address (a tunnel): no MAC */
	g.b[9] = 0xff;
	assert_int_equal(decode(g.b, g.n, LAN_LINK_LINUX_SLL2, &p), 0);
	assert_int_equal(p.flags, LAN_F_IPV4 | LAN_F_UDP | LAN_F_DNS);

	/* BSD loopback, either byte order */
	g.n = 0;
	put32(&g, 0x02000000);
	put(&g, f.b, f.n);
	assert_int_equal(decode(g.b, g.n, LAN_LINK_NULL, &p), 0);
	assert_int_equal(p.flags, LAN_F_IPV4 | LAN_F_UDP | LAN_F_DNS);
	set16(&g, 0, 0);
	set16(&g, 2, 2);
	assert_int_equal(decode(g.b, g.n, LAN_LINK_LOOP, &p), 0);
	assert_int_equal(p.flags, LAN_F_IPV4 | LAN_F_UDP | LAN_F_DNS);

	/* PPPoE session carrying IPv4 */
	eth(&g, 0x8864);
	put8(&g, 0x11);
	put8(&g, 0);
	put16(&g, 0x0001);
	put16(&g, (uint16_t)(f.n + 2));
	put16(&g, 0x0021);
	put(&g, f.b, f.n);
	assert_decodes(&g, &p, LAN_F_ETH | LAN_F_IPV4 | LAN_F_UDP | LAN_F_DNS);
	assert_int_equal(p.ethertype, 0x8864);
	assert_trunc_all(&g, 14, g.n, LAN_LINK_EN10MB);

	/* raw: neither version */
	f.b[0] = 0x55;
	assert_int_equal(decode(f.b, f.n, LAN_LINK_RAW, &p), 0);
	assert_int_equal(p.flags, LAN_F_BAD);
	/* unsupported link types */
	assert_int_equal(decode(f.b, f.n, 105 /* 802.11 */, &p), -1);
	assert_int_equal(p.flags, 0);
	assert_int_equal(decode(f.b, f.n, -1, &p), -1);
	assert_int_equal(decode(NULL, 0, LAN_LINK_EN10MB, &p), -1);
}

static void
test_count(void **state)
{
	struct lan_decode_stats st;
	struct frame f;
	struct lan_pkt p;
	int rc;

	memset(&st, 0, sizeof st);
	arp_frame(&f, 1, MAC_A, IP_A, MAC_B, IP_B);
	rc = decode_frame(&f, &p);
	lan_decode_count(&st, rc, &p);
	rc = decode(f.b, 20, LAN_LINK_EN10MB, &p);
	lan_decode_count(&st, rc, &p);
	rc = decode(f.b, 10, LAN_LINK_EN10MB, &p);
	lan_decode_count(&st, rc, &p);
	assert_int_equal(st.frames, 3);
	assert_int_equal(st.arp, 1);
	assert_int_equal(st.trunc, 1);
	assert_int_equal(st.unsupported, 1);
	assert_int_equal(st.ipv4, 0);
}

static void
test_mac_format(void **state)
{
	static const uint8_t m[6] = {0x00, 0x0c, 0x29, 0xab, 0xcd, 0xef};
	char out[18];

	memset(out, 'x', sizeof out);
	lan_mac_format(m, out);
	assert_string_equal(out, "00:0c:29:ab:cd:ef");
}

static void
test_name_match(void **state)
{
	assert_true(
	    lan_name_match("dnl-01.geo.kaspersky.com", "*.kaspersky.com"));
	assert_true(lan_name_match("kaspersky.com", "*.kaspersky.com"));
	assert_true(lan_name_match("KASPERSKY.COM.", "*.kaspersky.com"));
	assert_false(lan_name_match("notkaspersky.com", "*.kaspersky.com"));
	assert_false(
	    lan_name_match("kaspersky.com.evil.vn", "*.kaspersky.com"));
	assert_false(lan_name_match("com", "*.kaspersky.com"));
	assert_true(lan_name_match("definitionupdates.microsoft.com",
	    "definitionupdates.microsoft.com"));
	/* without "*." a pattern is the exact name */
	assert_false(lan_name_match("x.definitionupdates.microsoft.com",
	    "definitionupdates.microsoft.com"));
	assert_true(lan_name_match("upd.bkav.com.vn", "*.bkav.com.vn"));
	assert_true(lan_name_match("anything.example", "*"));
	assert_false(lan_name_match("", "*"));
	assert_false(lan_name_match("", "*.eset.com"));
	assert_false(lan_name_match("eset.com", ""));
	assert_false(lan_name_match("eset.com", "*."));
	assert_false(lan_name_match(NULL, "*.eset.com"));
	assert_false(lan_name_match("eset.com", NULL));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_eth_ipv4_tcp),
	    cmocka_unit_test(test_vlan),
	    cmocka_unit_test(test_arp),
	    cmocka_unit_test(test_ipv4_options_and_fragments),
	    cmocka_unit_test(test_udp_lengths),
	    cmocka_unit_test(test_ipv6_ext),
	    cmocka_unit_test(test_icmp),
	    cmocka_unit_test(test_icmp6_nd),
	    cmocka_unit_test(test_dhcp),
	    cmocka_unit_test(test_dns),
	    cmocka_unit_test(test_mdns),
	    cmocka_unit_test(test_nbns),
	    cmocka_unit_test(test_link_types),
	    cmocka_unit_test(test_count),
	    cmocka_unit_test(test_mac_format),
	    cmocka_unit_test(test_name_match),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
