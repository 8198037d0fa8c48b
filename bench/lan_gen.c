/* lan_gen.c - writes a synthetic office capture for bench/lan.py: realistic size mix, many hosts. */
#include <pcap/pcap.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * usage: lan_gen FILE PACKETS HOSTS [SNAPLEN]
 *
 * Hosts 10.0.0.2... behind a gateway 10.0.0.1 (00:1a:2b:00:00:01), at
 * 20,000 frames a second of packet time (a busy 100 Mbit/s office LAN),
 * starting 3 minutes before an hour so that an hour closes mid-file. Hosts
 * are picked uniformly at random for every frame: no flow locality, the
 * worst case for the host table's caches. The mix, per 1000 frames: 400 full-size
 * (1514 B) TCP segments, 350 ACKs of 60-100 B, 100 mid-size segments,
 * 50 DNS queries and 40 answers, 20 ARP, 20 LAN SMB, 10 SYNs, 9 QUIC/UDP,
 * 1 DHCP. Frames are cut at SNAPLEN (default 512, the daemon's default).
 */

#define GW_IP 0x0a000001u

static uint64_t rng = 0x9E3779B97F4A7C15ull;

static uint32_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 11);
}

static const uint8_t gw_mac[6] = {0x00, 0x1a, 0x2b, 0x00, 0x00, 0x01};
/* A few real vendor prefixes, so that OUI lookups do work. */
static const uint8_t ouis[][3] = {{0x00, 0x0c, 0x29}, {0x3c, 0x52, 0x82},
    {0xf4, 0x8e, 0x38}, {0x00, 0x16, 0xce}, {0xc4, 0xb3, 0x01},
    {0x00, 0x13, 0x46}};
static const char *const names[] = {"www.google.com", "facebook.com", "zalo.me",
    "vnexpress.net", "dichvucong.gov.vn", "mail.google.com",
    "dnl-01.geo.kaspersky.com", "fe2.update.microsoft.com", "www.bkav.com.vn",
    "youtube.com", "tiktok.com", "thuvienphapluat.vn", "ocsp.digicert.com",
    "update.eset.com", "login.microsoftonline.com", "cdn.example.net"};

static void
host_mac(uint32_t h, uint8_t mac[6])
{
	memcpy(mac, ouis[h % (sizeof ouis / sizeof ouis[0])], 3);
	mac[3] = (uint8_t)(h >> 16);
	mac[4] = (uint8_t)(h >> 8);
	mac[5] = (uint8_t)h;
}

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8), p[3] = (uint8_t)v;
}

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8), p[1] = (uint8_t)v;
}

static size_t
eth(uint8_t *f, const uint8_t *src, const uint8_t *dst, uint16_t type)
{
	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	put16(f + 12, type);
	return 14;
}

/* IPv4 + L4 header; the payload stays zero. LEN is the frame length. */
static void
ip(uint8_t *f, uint32_t sip, uint32_t dip, uint8_t proto, size_t len)
{
	uint8_t *h = f + 14;

	memset(h, 0, 20);
	h[0] = 0x45;
	put16(h + 2, (uint16_t)(len - 14));
	h[8] = 64;
	h[9] = proto;
	put32(h + 12, sip);
	put32(h + 16, dip);
}

static size_t
tcp(uint8_t *f, const uint8_t *smac, const uint8_t *dmac, uint32_t sip,
    uint32_t dip, uint16_t sport, uint16_t dport, uint8_t flags, size_t len)
{
	uint8_t *t = f + 34;

	eth(f, smac, dmac, 0x0800);
	ip(f, sip, dip, 6, len);
	memset(t, 0, 20);
	put16(t, sport);
	put16(t + 2, dport);
	t[12] = 5 << 4;
	t[13] = flags;
	put16(t + 14, 65535);
	return len;
}

static size_t
udp(uint8_t *f, const uint8_t *smac, const uint8_t *dmac, uint32_t sip,
    uint32_t dip, uint16_t sport, uint16_t dport, size_t plen)
{
	uint8_t *u = f + 34;

	eth(f, smac, dmac, 0x0800);
	ip(f, sip, dip, 17, 42 + plen);
	put16(u, sport);
	put16(u + 2, dport);
	put16(u + 4, (uint16_t)(8 + plen));
	put16(u + 6, 0);
	return 42 + plen;
}

static size_t
dns(uint8_t *f, const uint8_t *hmac, uint32_t hip, bool answer)
{
	uint8_t *d = f + 42;
	const char *name = names[rnd() % (sizeof names / sizeof names[0])];
	size_t n = 12;

	memset(d, 0, 12);
	put16(d, (uint16_t)rnd());
	d[2] = answer ? 0x81 : 0x01;
	d[3] = answer ? 0x80 : 0;
	d[5] = 1;
	d[7] = answer ? 1 : 0;
	for (const char *p = name; *p;) {
		const char *dot = strchr(p, '.');
		size_t l = dot ? (size_t)(dot - p) : strlen(p);
		d[n++] = (uint8_t)l;
		memcpy(d + n, p, l);
		n += l;
		p += l + (dot != NULL);
	}
	d[n++] = 0;
	put16(d + n, 1), put16(d + n + 2, 1);
	n += 4;
	if (answer) {
		d[n++] = 0xc0, d[n++] = 12;
		put16(d + n, 1), put16(d + n + 2, 1);
		put32(d + n + 4, 300);
		put16(d + n + 8, 4);
		put32(d + n + 10, 0x5db8d822u + rnd() % 64);
		n += 14;
	}
	if (answer)
		return udp(f, gw_mac, hmac, GW_IP, hip, 53, 53000, n);
	return udp(f, hmac, gw_mac, hip, GW_IP, 53000, 53, n);
}

static size_t
arp(uint8_t *f, const uint8_t *smac, uint32_t sip, uint32_t tip, int op)
{
	static const uint8_t bc[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	uint8_t *a = f + 14;

	eth(f, smac, bc, 0x0806);
	memset(a, 0, 46);
	put16(a, 1);
	put16(a + 2, 0x0800);
	a[4] = 6, a[5] = 4;
	put16(a + 6, (uint16_t)op);
	memcpy(a + 8, smac, 6);
	put32(a + 14, sip);
	put32(a + 24, tip);
	return 60;
}

static size_t
dhcp(uint8_t *f, const uint8_t *hmac, uint32_t hip)
{
	static const uint8_t prl[] = {
	    1, 3, 6, 15, 31, 33, 43, 44, 46, 47, 119, 121, 249, 252};
	uint8_t *b = f + 42;
	size_t n = 240;

	memset(b, 0, 300);
	b[0] = 1, b[1] = 1, b[2] = 6;
	put32(b + 12, hip);
	memcpy(b + 28, hmac, 6);
	b[236] = 99, b[237] = 130, b[238] = 83, b[239] = 99;
	b[n++] = 53, b[n++] = 1, b[n++] = 3;
	b[n++] = 12, b[n++] = 6;
	memcpy(b + n, "PC-KT1", 6);
	n += 6;
	b[n++] = 60, b[n++] = 8;
	memcpy(b + n, "MSFT 5.0", 8);
	n += 8;
	b[n++] = 55, b[n++] = sizeof prl;
	memcpy(b + n, prl, sizeof prl);
	n += sizeof prl;
	b[n++] = 255;
	return udp(f, hmac, gw_mac, hip, GW_IP, 68, 67, n);
}

int
main(int argc, char **argv)
{
	static uint8_t f[2048];
	struct pcap_pkthdr h;
	pcap_t *dead;
	pcap_dumper_t *d;
	unsigned long long npk;
	uint32_t nhosts, snap;
	const int64_t t0_us = (1767571200LL + 57 * 60) * 1000000;

	if (argc < 4) {
		fprintf(
		    stderr, "usage: lan_gen FILE PACKETS HOSTS [SNAPLEN]\n");
		return 2;
	}
	npk = strtoull(argv[2], NULL, 10);
	nhosts = (uint32_t)strtoul(argv[3], NULL, 10);
	snap = argc > 4 ? (uint32_t)strtoul(argv[4], NULL, 10) : 512;
	if (npk == 0 || nhosts == 0 || nhosts > 1u << 22) {
		fprintf(stderr, "lan_gen: bad PACKETS or HOSTS\n");
		return 2;
	}
	dead = pcap_open_dead(DLT_EN10MB, (int)snap);
	if ((d = pcap_dump_open(dead, argv[1])) == NULL) {
		fprintf(stderr, "lan_gen: %s\n", pcap_geterr(dead));
		return 1;
	}
	for (unsigned long long i = 0; i < npk; i++) {
		/* Every host talks early, so all HOSTS are in the capture. */
		uint32_t hi = i < nhosts ? (uint32_t)i : rnd() % nhosts;
		uint32_t hip = 0x0a000002u + hi,
			 oip = 0x5db8d800u + rnd() % 4096;
		uint32_t r = rnd() % 1000;
		uint8_t hm[6], om[6];
		size_t len;

		host_mac(hi, hm);
		if (i < nhosts)
			len = arp(f, hm, hip, GW_IP, 1);
		else if (r < 400)
			len = r < 280 ? tcp(f, gw_mac, hm, oip, hip, 443, 50000,
					    0x10, 1514)
				      : tcp(f, hm, gw_mac, hip, oip, 50000, 443,
					    0x10, 1514);
		else if (r < 750)
			len = r < 600 ? tcp(f, hm, gw_mac, hip, oip, 50000, 443,
					    0x10, 60 + rnd() % 41)
				      : tcp(f, gw_mac, hm, oip, hip, 443, 50000,
					    0x10, 60 + rnd() % 41);
		else if (r < 850)
			len = tcp(f, gw_mac, hm, oip, hip, 80, 50001, 0x18,
			    200 + rnd() % 700);
		else if (r < 900)
			len = dns(f, hm, hip, false);
		else if (r < 940)
			len = dns(f, hm, hip, true);
		else if (r < 960)
			len = r < 950 ? arp(f, hm, hip, GW_IP, 1)
				      : arp(f, gw_mac, GW_IP, hip, 2);
		else if (r < 980) {
			uint32_t oh = rnd() % nhosts;
			host_mac(oh, om);
			len = tcp(f, hm, om, hip, 0x0a000002u + oh, 50002, 445,
			    0x18, 100 + rnd() % 1400);
		} else if (r < 990)
			len =
			    tcp(f, hm, gw_mac, hip, oip, 50003, 443, 0x02, 74);
		else if (r < 999)
			len = udp(f, hm, gw_mac, hip, oip, 50004, 443, 1200);
		else
			len = dhcp(f, hm, hip);
		int64_t ts = t0_us + (int64_t)i * 50; /* 20,000 a second */
		h.ts.tv_sec = ts / 1000000;
		h.ts.tv_usec = ts % 1000000;
		h.len = (uint32_t)len;
		h.caplen = h.len < snap ? h.len : snap;
		pcap_dump((u_char *)d, &h, f);
	}
	pcap_dump_close(d);
	pcap_close(dead);
	return 0;
}
