/* decode.c - the LAN sampler's packet decoders: link layer to DHCP/DNS/NetBIOS, bounds-checked, one pass. */
#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "probes/lan/decode.h"

#define ETH_HLEN   14
#define SLL_HLEN   16
#define SLL2_HLEN  20
#define NULL_HLEN  4
#define PPPOE_HLEN 8 /* PPPoE session header and the PPP protocol */
/* More tags than any real network stacks: beyond it, the frame is garbage. */
#define VLAN_MAX 8
/* Hop-by-hop, routing, fragment, destination options, AH: a real
 * packet has at most a few; the bound keeps a crafted chain cheap. */
#define IP6_EXT_MAX 8
/* One name rarely takes more than two jumps; more means a loop. */
#define DNS_PTR_MAX 16
/* Questions and records walked per message: enough for a CNAME chain
 * and its addresses, and a bound on the work a crafted message costs. */
#define DNS_REC_MAX  32
#define DNS_NAME_MAX 253 /* dotted, without the trailing dot */

#define ETHERTYPE_IP     0x0800
#define ETHERTYPE_ARP    0x0806
#define ETHERTYPE_IPV6   0x86dd
#define ETHERTYPE_PPPOES 0x8864

#define PROTO_ICMP   1
#define PROTO_TCP    6
#define PROTO_UDP    17
#define PROTO_ICMPV6 58

/* An L4 length the IP header cannot vouch for: a first fragment, or a
 * jumbogram or offloaded segment whose IP length field is 0. */
#define DECL_UNKNOWN UINT32_MAX

#define DHCP_FIXED_LEN 236
#define DHCP_COOKIE    0x63825363u

enum name_rc { NAME_OK = 0, NAME_TRUNC = -1, NAME_BAD = -2 };

static inline uint16_t
rd16(const uint8_t *b)
{
	return (uint16_t)(b[0] << 8 | b[1]);
}

static inline uint32_t
rd32(const uint8_t *b)
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	       (uint32_t)b[2] << 8 | b[3];
}

/* One byte of a name or text option as it may be stored and printed. */
static inline char
text_char(uint8_t c, int lower)
{
	if (c >= 'A' && c <= 'Z')
		return (char)(lower ? c + ('a' - 'A') : c);
	if (c < 0x20 || c > 0x7e)
		return '?';
	return (char)c;
}

/* Text option into DST (SIZE bytes, NUL-terminated); some clients count a trailing NUL. */
static void
text_copy(char *dst, size_t size, const uint8_t *src, size_t len)
{
	size_t i;

	while (len > 0 && src[len - 1] == '\0')
		len--;
	if (len > size - 1)
		len = size - 1;
	for (i = 0; i < len; i++)
		dst[i] = text_char(src[i], 0);
	dst[len] = '\0';
}

static void decode_ethertype(
    struct lan_pkt *p, uint16_t type, const uint8_t *d, uint32_t n);

/*
 * The DNS name at OFF of the message D (N bytes) into OUT (OUTSZ >=
 * DNS_NAME_MAX + 1), dotted, optionally lowercased; *NEXT is set to the
 * byte after the name where it starts. Pointers may go forward or back
 * as long as they stay inside the message; at most DNS_PTR_MAX jumps.
 */
static int
dns_name(const uint8_t *d, uint32_t n, uint32_t off, char *out, size_t outsz,
    int lower, uint32_t *next)
{
	uint32_t pos = off, l, i;
	size_t o = 0;
	int jumps = 0;

	*next = 0;
	out[0] = '\0';
	for (;;) {
		if (pos >= n)
			return NAME_TRUNC;
		l = d[pos];
		if (l == 0) {
			if (jumps == 0)
				*next = pos + 1;
			break;
		}
		if ((l & 0xc0) == 0xc0) {
			if (n - pos < 2)
				return NAME_TRUNC;
			if (jumps == 0)
				*next = pos + 2;
			if (++jumps > DNS_PTR_MAX)
				return NAME_BAD;
			pos = (l & 0x3f) << 8 | d[pos + 1];
			continue;
		}
		if (l & 0xc0) /* extended and reserved label types */
			return NAME_BAD;
		if (n - pos - 1 < l)
			return NAME_TRUNC;
		if (o + (o > 0) + l > DNS_NAME_MAX || o + (o > 0) + l >= outsz)
			return NAME_BAD;
		if (o > 0)
			out[o++] = '.';
		/* A dot inside a label would forge a different name. */
		for (i = 0; i < l; i++) {
			uint8_t c = d[pos + 1 + i];
			out[o++] = c == '.' ? '?' : text_char(c, lower);
		}
		pos += 1 + l;
	}
	out[o] = '\0';
	return NAME_OK;
}

/* Step *OFF over the name there, without following pointers. */
static int
dns_skip(const uint8_t *d, uint32_t n, uint32_t *off)
{
	uint32_t pos = *off, l;

	for (;;) {
		if (pos >= n)
			return NAME_TRUNC;
		l = d[pos];
		if (l == 0) {
			*off = pos + 1;
			return NAME_OK;
		}
		if ((l & 0xc0) == 0xc0) {
			if (n - pos < 2)
				return NAME_TRUNC;
			*off = pos + 2;
			return NAME_OK;
		}
		if (l & 0xc0)
			return NAME_BAD;
		pos += 1 + l;
	}
}

static inline void
name_fail(struct lan_pkt *p, int rc)
{
	p->flags |= rc == NAME_BAD ? LAN_F_BAD : LAN_F_TRUNC;
}

/* "MyPC.local" -> "MyPC": the owner of an mDNS address record names its host. */
static void
mdns_hint(struct lan_pkt *p, const uint8_t *d, uint32_t n, uint32_t off)
{
	char name[DNS_NAME_MAX + 1];
	uint32_t next;
	size_t len;

	if (dns_name(d, n, off, name, sizeof name, 0, &next) != NAME_OK)
		return;
	len = strlen(name);
	if (len > 6 && strcasecmp(name + len - 6, ".local") == 0)
		len -= 6;
	if (len == 0)
		return;
	if (len > sizeof p->name_hint - 1)
		len = sizeof p->name_hint - 1;
	memcpy(p->name_hint, name, len);
	p->name_hint[len] = '\0';
	p->flags |= LAN_F_NAME;
}

static void
decode_dns(struct lan_pkt *p, const uint8_t *d, uint32_t n, int mdns)
{
	struct lan_dns *q = &p->dns;
	uint32_t off = 12, nrec, i, next, rdlen;
	uint16_t fl, qd, an, type;
	int rc;

	if (n < 12) {
		p->flags |= LAN_F_TRUNC;
		return;
	}
	fl = rd16(d + 2);
	q->id = rd16(d);
	q->response = fl >> 15;
	q->mdns = mdns;
	q->rcode = fl & 0x0f;
	q->qname[0] = '\0';
	q->qtype = 0;
	q->nanswers = 0;
	p->flags |= LAN_F_DNS;

	qd = rd16(d + 4);
	an = rd16(d + 6);
	for (i = 0; i < qd; i++) {
		if (i == DNS_REC_MAX)
			return;
		if (i == 0) {
			rc = dns_name(
			    d, n, off, q->qname, sizeof q->qname, 1, &next);
			if (rc != NAME_OK)
				q->qname[0] = '\0';
			off = next;
		} else
			rc = dns_skip(d, n, &off);
		if (rc != NAME_OK) {
			name_fail(p, rc);
			return;
		}
		if (n - off < 4) {
			p->flags |= LAN_F_TRUNC;
			return;
		}
		if (i == 0)
			q->qtype = rd16(d + off);
		off += 4;
	}
	if (!q->response)
		return;
	/* mDNS hosts announce their addresses in any section. */
	nrec = an;
	if (mdns)
		nrec += (uint32_t)rd16(d + 8) + rd16(d + 10);
	if (nrec > DNS_REC_MAX - (uint32_t)qd) /* qd < DNS_REC_MAX here */
		nrec = DNS_REC_MAX - qd;
	for (i = 0; i < nrec; i++) {
		uint32_t owner = off;

		if ((rc = dns_skip(d, n, &off)) != NAME_OK) {
			name_fail(p, rc);
			return;
		}
		if (n - off < 10) {
			p->flags |= LAN_F_TRUNC;
			return;
		}
		type = rd16(d + off);
		rdlen = rd16(d + off + 8);
		if (n - off - 10 < rdlen) {
			p->flags |= LAN_F_TRUNC;
			return;
		}
		if ((type == 1 && rdlen == 4) || (type == 28 && rdlen == 16)) {
			if (i < an && q->nanswers < LAN_DNS_MAX_ANSWERS) {
				uint8_t k = q->nanswers++;

				q->answers[k].family = type == 1 ? 4 : 6;
				q->answers[k].ttl = rd32(d + off + 4);
				memset(q->answers[k].addr, 0, 16);
				memcpy(q->answers[k].addr, d + off + 10, rdlen);
			}
			if (mdns && !(p->flags & LAN_F_NAME))
				mdns_hint(p, d, n, owner);
		}
		off += 10 + rdlen;
	}
}

/*
 * A NetBIOS name in first-level encoding at OFF (the 32-byte label)
 * into OUT (16 bytes): returns its suffix byte, or a NAME_* code.
 */
static int
nbns_name(const uint8_t *d, uint32_t n, uint32_t off, char out[16])
{
	uint32_t i;
	int len;

	if (n - off < 33)
		return NAME_TRUNC;
	if (d[off] != 32)
		return NAME_BAD;
	for (i = 0; i < 16; i++) {
		uint8_t hi = d[off + 1 + 2 * i] - 'A';
		uint8_t lo = d[off + 2 + 2 * i] - 'A';

		if (hi > 15 || lo > 15)
			return NAME_BAD;
		out[i] = (char)(hi << 4 | lo);
	}
	len = 15;
	while (len > 0 && out[len - 1] == ' ')
		len--;
	for (i = 0; i < (uint32_t)len; i++)
		out[i] = text_char((uint8_t)out[i], 0);
	i = (uint8_t)out[15];
	out[len] = '\0';
	return (int)i;
}

/*
 * NetBIOS name service (first level only): a unique workstation or
 * server name that the sender registers, refreshes or answers for,
 * with its own address in the record; anything else names somebody else.
 */
static void
decode_nbns(struct lan_pkt *p, const uint8_t *d, uint32_t n)
{
	char name[16];
	uint32_t off = 12, rdlen;
	uint16_t fl, qd, an, ar;
	int suffix, opcode, rc;

	if (n < 12) {
		p->flags |= LAN_F_TRUNC;
		return;
	}
	fl = rd16(d + 2);
	opcode = fl >> 11 & 0x0f;
	qd = rd16(d + 4);
	an = rd16(d + 6);
	ar = rd16(d + 10);
	if (fl & 0x8000) { /* response: the answer names the responder */
		if (opcode != 0 || (fl & 0x0f) != 0 || an == 0 || qd != 0)
			return;
	} else if ((opcode == 5 || opcode == 8 || opcode == 9) && qd == 1 &&
		   ar >= 1) {
		/* Registration or refresh: question, then the record as additional. */
	} else
		return;
	suffix = nbns_name(d, n, off, name);
	if (suffix < 0) {
		name_fail(p, suffix);
		return;
	}
	if ((rc = dns_skip(d, n, &off)) != NAME_OK) {
		name_fail(p, rc);
		return;
	}
	if (!(fl & 0x8000)) {
		if (n - off < 4) {
			p->flags |= LAN_F_TRUNC;
			return;
		}
		off += 4;
		if ((rc = dns_skip(d, n, &off)) != NAME_OK) {
			name_fail(p, rc);
			return;
		}
	}
	/* type, class, TTL, rdlength; then NB_FLAGS and the address */
	if (n - off < 10) {
		p->flags |= LAN_F_TRUNC;
		return;
	}
	rdlen = rd16(d + off + 8);
	off += 10;
	if (rdlen < 6) {
		p->flags |= LAN_F_BAD;
		return;
	}
	if (n - off < 6) {
		p->flags |= LAN_F_TRUNC;
		return;
	}
	if (rd16(d + off) & 0x8000) /* group name: the workgroup */
		return;
	if (suffix != 0x00 && suffix != 0x20)
		return;
	if (name[0] == '\0' || name[0] == '*')
		return;
	if (!(p->flags & LAN_F_IPV4) || memcmp(d + off + 2, p->src_ip, 4) != 0)
		return;
	memcpy(p->name_hint, name, strlen(name) + 1);
	p->flags |= LAN_F_NAME;
}

/* Option 81's name: wire form (RFC 4702 E bit) into dotted text. */
static void
dhcp_fqdn(struct lan_pkt *p, const uint8_t *v, uint32_t len)
{
	char *out = p->dhcp.fqdn;
	size_t o = 0, max = sizeof p->dhcp.fqdn - 1;
	uint32_t i = 0, l, k;

	if (!(v[0] & 0x04)) {
		text_copy(out, sizeof p->dhcp.fqdn, v + 3, len - 3);
		return;
	}
	for (i = 3; i < len; i += 1 + l) {
		l = v[i];
		if (l == 0)
			break;
		if (l > 63 || len - i - 1 < l) {
			p->flags |= LAN_F_BAD;
			break;
		}
		if (o > 0 && o < max)
			out[o++] = '.';
		for (k = 0; k < l && o < max; k++) {
			uint8_t c = v[i + 1 + k];
			out[o++] = c == '.' ? '?' : text_char(c, 0);
		}
	}
	out[o] = '\0';
}

/*
 * The options in D (N bytes). Returns the option overload value (52)
 * when END was reached, -1 when the options ran out before it.
 */
static int
dhcp_options(struct lan_pkt *p, const uint8_t *d, uint32_t n)
{
	struct lan_dhcp *h = &p->dhcp;
	uint32_t off = 0, len;
	int over = 0;

	while (off < n) {
		const uint8_t *v;
		uint8_t code = d[off];

		if (code == 0) {
			off++;
			continue;
		}
		if (code == 255)
			return over;
		if (n - off < 2 || n - off - 2 < d[off + 1])
			return -1;
		len = d[off + 1];
		v = d + off + 2;
		switch (code) {
		case 53:
			if (len >= 1)
				h->msg_type = v[0];
			break;
		case 54:
		case 50:
			if (len != 4) {
				p->flags |= LAN_F_BAD;
				break;
			}
			if (code == 54) {
				memcpy(h->server_id, v, 4);
				h->has_server_id = true;
			} else {
				memcpy(h->requested_ip, v, 4);
				h->has_requested_ip = true;
			}
			break;
		case 61:
			h->client_id_len = len < 32 ? len : 32;
			memcpy(h->client_id, v, h->client_id_len);
			break;
		case 12:
			text_copy(h->hostname, sizeof h->hostname, v, len);
			break;
		case 60:
			text_copy(
			    h->vendor_class, sizeof h->vendor_class, v, len);
			break;
		case 81:
			if (len >= 3)
				dhcp_fqdn(p, v, len);
			break;
		case 55:
			h->nparams = len < 64 ? len : 64;
			memcpy(h->params, v, h->nparams);
			break;
		case 52:
			if (len >= 1)
				over = v[0] & 3;
			break;
		}
		off += 2 + len;
	}
	return -1;
}

static void
decode_dhcp(struct lan_pkt *p, const uint8_t *d, uint32_t n)
{
	struct lan_dhcp *h = &p->dhcp;
	int over;

	if (n < DHCP_FIXED_LEN + 4) {
		p->flags |= LAN_F_TRUNC;
		return;
	}
	if (rd32(d + DHCP_FIXED_LEN) != DHCP_COOKIE)
		return; /* plain BOOTP: nothing the sampler uses */
	/* DHCP is rare: clearing it all is cheaper than getting a field wrong. */
	memset(h, 0, sizeof *h);
	h->op = d[0];
	h->xid = rd32(d + 4);
	memcpy(h->ciaddr, d + 12, 4);
	memcpy(h->yiaddr, d + 16, 4);
	memcpy(h->chaddr, d + 28, 6);
	p->flags |= LAN_F_DHCP;
	over = dhcp_options(p, d + DHCP_FIXED_LEN + 4, n - DHCP_FIXED_LEN - 4);
	if (over < 0) {
		p->flags |= LAN_F_TRUNC;
		return;
	}
	/* RFC 2131 overload: more options in the file, then the sname field. */
	if (over & 1)
		(void)dhcp_options(p, d + 108, 128);
	if (over & 2)
		(void)dhcp_options(p, d + 44, 64);
}

static void
decode_udp(struct lan_pkt *p, const uint8_t *d, uint32_t n, uint32_t decl)
{
	uint32_t ulen;
	uint16_t sp, dp;

	if (n < 8) {
		p->flags |= LAN_F_TRUNC;
		return;
	}
	sp = p->sport = rd16(d);
	dp = p->dport = rd16(d + 2);
	p->flags |= LAN_F_UDP;
	ulen = rd16(d + 4);
	if (ulen == 0 && decl == DECL_UNKNOWN)
		ulen = n; /* RFC 2675: a jumbogram's UDP length is 0 */
	if (ulen < 8 || (ulen > decl && decl != DECL_UNKNOWN)) {
		p->flags |= LAN_F_BAD;
		if (ulen < 8)
			return;
	} else if (n > ulen)
		n = ulen;
	d += 8;
	n -= 8;
	if (sp == 67 || sp == 68 || dp == 67 || dp == 68)
		decode_dhcp(p, d, n);
	else if (sp == 5353 || dp == 5353)
		decode_dns(p, d, n, 1);
	else if (sp == 53 || dp == 53)
		decode_dns(p, d, n, 0);
	else if (sp == 137 || dp == 137)
		decode_nbns(p, d, n);
}

static void
decode_tcp(struct lan_pkt *p, const uint8_t *d, uint32_t n)
{
	uint32_t doff;

	if (n < 14) {
		p->flags |= LAN_F_TRUNC;
		return;
	}
	p->sport = rd16(d);
	p->dport = rd16(d + 2);
	p->tcp_flags = d[13];
	p->flags |= LAN_F_TCP;
	doff = (uint32_t)(d[12] >> 4) * 4;
	if (doff < 20)
		p->flags |= LAN_F_BAD;
	else if (n < doff)
		p->flags |= LAN_F_TRUNC;
}

static void
decode_icmp6(struct lan_pkt *p, const uint8_t *d, uint32_t n, uint32_t decl)
{
	struct lan_nd *nd = &p->nd;
	uint32_t off, olen;

	if (p->icmp_type != 135 && p->icmp_type != 136)
		return;
	if (n < 24) {
		p->flags |= LAN_F_TRUNC;
		return;
	}
	nd->type = p->icmp_type;
	memcpy(nd->target, d + 8, 16);
	nd->has_lladdr = false;
	p->flags |= LAN_F_ND;
	/* Source link-layer address in a solicitation, target's in an advertisement. */
	for (off = 24; off < n; off += olen) {
		if (n - off < 2) {
			p->flags |= LAN_F_TRUNC;
			return;
		}
		olen = (uint32_t)d[off + 1] * 8;
		if (olen == 0) {
			p->flags |= LAN_F_BAD;
			return;
		}
		if (n - off < olen) {
			p->flags |= LAN_F_TRUNC;
			return;
		}
		if (d[off] == (nd->type == 135 ? 1 : 2) && !nd->has_lladdr) {
			memcpy(nd->lladdr, d + off + 2, 6);
			nd->has_lladdr = true;
		}
	}
	/* Cut at an option boundary: the address may be in what is missing. */
	if (n < decl && decl != DECL_UNKNOWN && !nd->has_lladdr)
		p->flags |= LAN_F_TRUNC;
}

static void
decode_l4(struct lan_pkt *p, uint8_t proto, const uint8_t *d, uint32_t n,
    uint32_t decl)
{
	switch (proto) {
	case PROTO_TCP:
		decode_tcp(p, d, n);
		break;
	case PROTO_UDP:
		decode_udp(p, d, n, decl);
		break;
	case PROTO_ICMP:
	case PROTO_ICMPV6:
		if ((proto == PROTO_ICMP) != (p->ip_family == 4))
			break;
		if (n < 4) {
			p->flags |= LAN_F_TRUNC;
			break;
		}
		p->icmp_type = d[0];
		p->icmp_code = d[1];
		p->flags |= LAN_F_ICMP;
		if (proto == PROTO_ICMPV6)
			decode_icmp6(p, d, n, decl);
		break;
	}
}

static void
decode_ipv4(struct lan_pkt *p, const uint8_t *d, uint32_t n)
{
	uint32_t hl, tot;

	if (n < 20) {
		p->flags |= LAN_F_TRUNC;
		return;
	}
	if (d[0] >> 4 != 4) {
		p->flags |= LAN_F_BAD;
		return;
	}
	p->ip_family = 4;
	memcpy(p->src_ip, d + 12, 4);
	memset(p->src_ip + 4, 0, 12);
	memcpy(p->dst_ip, d + 16, 4);
	memset(p->dst_ip + 4, 0, 12);
	p->ttl = d[8];
	p->l4proto = d[9];
	p->flags |= LAN_F_IPV4;
	hl = (uint32_t)(d[0] & 0x0f) * 4;
	tot = rd16(d + 2);
	if (hl < 20 || (tot != 0 && tot < hl)) {
		p->flags |= LAN_F_BAD;
		return;
	}
	/* Total length 0: segmentation offload on the capturing host. */
	if (tot != 0 && n > tot)
		n = tot; /* Ethernet padding */
	if (n < hl) {
		p->flags |= LAN_F_TRUNC;
		return;
	}
	if (rd16(d + 6) & 0x1fff) {
		p->flags |= LAN_F_FRAG;
		return;
	}
	/* More fragments: the L4 length covers the whole datagram. */
	decode_l4(p, d[9], d + hl, n - hl,
	    tot == 0 || (rd16(d + 6) & 0x2000) ? DECL_UNKNOWN : tot - hl);
}

static void
decode_ipv6(struct lan_pkt *p, const uint8_t *d, uint32_t n)
{
	uint32_t off = 40, decl, elen;
	uint8_t nh;
	int i;

	if (n < 40) {
		p->flags |= LAN_F_TRUNC;
		return;
	}
	if (d[0] >> 4 != 6) {
		p->flags |= LAN_F_BAD;
		return;
	}
	p->ip_family = 6;
	memcpy(p->src_ip, d + 8, 16);
	memcpy(p->dst_ip, d + 24, 16);
	p->ttl = d[7];
	p->l4proto = nh = d[6];
	p->flags |= LAN_F_IPV6;
	decl = rd16(d + 4);
	if (decl == 0) /* jumbogram, or offload: the capture says */
		decl = DECL_UNKNOWN;
	else if (n - 40 > decl)
		n = 40 + decl;
	for (i = 0;; i++) {
		switch (nh) {
		case 0:  /* hop-by-hop */
		case 43: /* routing */
		case 44: /* fragment */
		case 51: /* AH */
		case 60: /* destination options */
			break;
		default:
			p->l4proto = nh;
			decode_l4(p, nh, d + off, n - off,
			    decl == DECL_UNKNOWN ? decl : decl - (off - 40));
			return;
		}
		if (i == IP6_EXT_MAX) {
			p->flags |= LAN_F_BAD;
			return;
		}
		if (n - off < 8) {
			p->flags |= LAN_F_TRUNC;
			return;
		}
		if (nh == 44) {
			p->l4proto = d[off];
			if (rd16(d + off + 2) & 0xfff8) {
				p->flags |= LAN_F_FRAG;
				return;
			}
			if (rd16(d + off + 2) & 1)
				decl = DECL_UNKNOWN;
			elen = 8;
		} else if (nh == 51)
			elen = ((uint32_t)d[off + 1] + 2) * 4;
		else
			elen = ((uint32_t)d[off + 1] + 1) * 8;
		if (n - off < elen) {
			p->flags |= LAN_F_TRUNC;
			return;
		}
		nh = d[off];
		p->l4proto = nh;
		off += elen;
	}
}

static void
decode_arp(struct lan_pkt *p, const uint8_t *d, uint32_t n)
{
	struct lan_arp *a = &p->arp;

	if (n < 8) {
		p->flags |= LAN_F_TRUNC;
		return;
	}
	if (rd16(d) != 1 || rd16(d + 2) != ETHERTYPE_IP)
		return; /* not Ethernet/IPv4: nothing for the host table */
	if (d[4] != 6 || d[5] != 4) {
		p->flags |= LAN_F_BAD;
		return;
	}
	if (n < 28) {
		p->flags |= LAN_F_TRUNC;
		return;
	}
	a->op = rd16(d + 6);
	memcpy(a->sha, d + 8, 6);
	memcpy(a->spa, d + 14, 4);
	memcpy(a->tha, d + 18, 6);
	memcpy(a->tpa, d + 24, 4);
	p->flags |= LAN_F_ARP;
}

/* PPPoE session: a DSL modem's side of the LAN. */
static void
decode_pppoe(struct lan_pkt *p, const uint8_t *d, uint32_t n)
{
	uint32_t len;
	uint16_t proto;

	if (n < PPPOE_HLEN) {
		p->flags |= LAN_F_TRUNC;
		return;
	}
	if (d[0] != 0x11 || d[1] != 0) {
		p->flags |= LAN_F_BAD;
		return;
	}
	len = rd16(d + 4);
	if (len < 2) {
		p->flags |= LAN_F_BAD;
		return;
	}
	if (n - 6 > len)
		n = 6 + len;
	proto = rd16(d + 6);
	if (proto == 0x0021)
		decode_ipv4(p, d + PPPOE_HLEN, n - PPPOE_HLEN);
	else if (proto == 0x0057)
		decode_ipv6(p, d + PPPOE_HLEN, n - PPPOE_HLEN);
}

/* TYPE's payload D (N bytes), after any VLAN tags. */
static void
decode_ethertype(struct lan_pkt *p, uint16_t type, const uint8_t *d, uint32_t n)
{
	uint32_t off = 0;

	while (type == 0x8100 || type == 0x88a8 || type == 0x9100 ||
	       type == 0x9200) {
		if (p->nvlan == VLAN_MAX) {
			p->flags |= LAN_F_BAD;
			break;
		}
		if (n - off < 4) {
			p->flags |= LAN_F_TRUNC;
			break;
		}
		p->vlan = rd16(d + off) & 0x0fff;
		p->nvlan++;
		type = rd16(d + off + 2);
		off += 4;
	}
	/* 802.3 length and LLC: only SNAP with the Ethernet OUI carries IP. */
	if (type <= 1500 && n - off >= 8 && d[off] == 0xaa &&
	    d[off + 1] == 0xaa && d[off + 2] == 0x03 && d[off + 3] == 0 &&
	    d[off + 4] == 0 && d[off + 5] == 0) {
		type = rd16(d + off + 6);
		off += 8;
	}
	p->ethertype = type;
	if (p->flags & (LAN_F_BAD | LAN_F_TRUNC))
		return;
	d += off;
	n -= off;
	switch (type) {
	case ETHERTYPE_IP:
		decode_ipv4(p, d, n);
		break;
	case ETHERTYPE_IPV6:
		decode_ipv6(p, d, n);
		break;
	case ETHERTYPE_ARP:
		decode_arp(p, d, n);
		break;
	case ETHERTYPE_PPPOES:
		decode_pppoe(p, d, n);
		break;
	}
}

/* The sender's address of a cooked capture, when it is an Ethernet one. */
static void
sll_addr(struct lan_pkt *p, uint16_t hatype, uint8_t halen, const uint8_t *a)
{
	memset(p->dst_mac, 0, 6);
	if (hatype == 1 && halen == 6) {
		memcpy(p->src_mac, a, 6);
		p->flags |= LAN_F_SRCMAC;
	} else
		memset(p->src_mac, 0, 6);
}

int
lan_decode(const uint8_t *data, uint32_t caplen, uint32_t wirelen, int linktype,
    struct lan_pkt *p)
{
	uint32_t fam;

	p->flags = 0;
	p->caplen = caplen;
	p->wirelen = wirelen;
	p->vlan = 0;
	p->nvlan = 0;
	p->ethertype = 0;
	switch (linktype) {
	case LAN_LINK_EN10MB:
		if (caplen < ETH_HLEN)
			return -1;
		memcpy(p->dst_mac, data, 6);
		memcpy(p->src_mac, data + 6, 6);
		p->flags = LAN_F_ETH;
		decode_ethertype(
		    p, rd16(data + 12), data + ETH_HLEN, caplen - ETH_HLEN);
		return 0;
	case LAN_LINK_LINUX_SLL:
		if (caplen < SLL_HLEN)
			return -1;
		sll_addr(
		    p, rd16(data + 2), rd16(data + 4) == 6 ? 6 : 0, data + 6);
		decode_ethertype(
		    p, rd16(data + 14), data + SLL_HLEN, caplen - SLL_HLEN);
		return 0;
	case LAN_LINK_LINUX_SLL2:
		if (caplen < SLL2_HLEN)
			return -1;
		sll_addr(p, rd16(data + 8), data[11], data + 12);
		decode_ethertype(
		    p, rd16(data), data + SLL2_HLEN, caplen - SLL2_HLEN);
		return 0;
	case LAN_LINK_RAW:
	case LAN_LINK_DLT_RAW:
	case LAN_LINK_DLT_RAW_OPENBSD:
		if (caplen < 1)
			return -1;
		if (data[0] >> 4 == 4) {
			p->ethertype = ETHERTYPE_IP;
			decode_ipv4(p, data, caplen);
		} else if (data[0] >> 4 == 6) {
			p->ethertype = ETHERTYPE_IPV6;
			decode_ipv6(p, data, caplen);
		} else
			p->flags |= LAN_F_BAD;
		return 0;
	case LAN_LINK_NULL:
	case LAN_LINK_LOOP:
		if (caplen < NULL_HLEN)
			return -1;
		/* The capturing host's order, which need not be ours: both. */
		fam = rd32(data);
		if (fam > 0xffff)
			fam = (uint32_t)data[0] | (uint32_t)data[1] << 8;
		/* AF_INET is 2 everywhere; AF_INET6 is 10, 24, 28 or 30. */
		if (fam == 2) {
			p->ethertype = ETHERTYPE_IP;
			decode_ipv4(p, data + NULL_HLEN, caplen - NULL_HLEN);
		} else if (fam == 10 || fam == 24 || fam == 28 || fam == 30) {
			p->ethertype = ETHERTYPE_IPV6;
			decode_ipv6(p, data + NULL_HLEN, caplen - NULL_HLEN);
		}
		return 0;
	default:
		return -1;
	}
}

void
lan_decode_count(struct lan_decode_stats *st, int rc, const struct lan_pkt *p)
{
	uint32_t f;

	st->frames++;
	if (rc != 0) {
		st->unsupported++;
		return;
	}
	f = p->flags;
	st->trunc += !!(f & LAN_F_TRUNC);
	st->bad += !!(f & LAN_F_BAD);
	st->arp += !!(f & LAN_F_ARP);
	st->ipv4 += !!(f & LAN_F_IPV4);
	st->ipv6 += !!(f & LAN_F_IPV6);
	st->tcp += !!(f & LAN_F_TCP);
	st->udp += !!(f & LAN_F_UDP);
	st->icmp += !!(f & LAN_F_ICMP);
	st->nd += !!(f & LAN_F_ND);
	st->dhcp += !!(f & LAN_F_DHCP);
	st->dns += !!(f & LAN_F_DNS);
	st->name += !!(f & LAN_F_NAME);
	st->frag += !!(f & LAN_F_FRAG);
}

void
lan_mac_format(const uint8_t mac[6], char out[18])
{
	static const char hex[] = "0123456789abcdef";
	int i;

	for (i = 0; i < 6; i++) {
		out[3 * i] = hex[mac[i] >> 4];
		out[3 * i + 1] = hex[mac[i] & 0x0f];
		out[3 * i + 2] = i < 5 ? ':' : '\0';
	}
}

bool
lan_name_match(const char *name, const char *pattern)
{
	size_t nl, pl;
	bool wild = false;

	if (name == NULL || pattern == NULL)
		return false;
	if (strcmp(pattern, "*") == 0)
		return name[0] != '\0';
	if (pattern[0] == '*' && pattern[1] == '.') {
		wild = true;
		pattern += 2;
	}
	nl = strlen(name);
	pl = strlen(pattern);
	/* "example.com." is "example.com" */
	while (nl > 0 && name[nl - 1] == '.')
		nl--;
	while (pl > 0 && pattern[pl - 1] == '.')
		pl--;
	if (nl == 0 || pl == 0)
		return false;
	if (nl == pl)
		return strncasecmp(name, pattern, pl) == 0;
	if (!wild || nl < pl + 1 || name[nl - pl - 1] != '.')
		return false;
	return strncasecmp(name + nl - pl, pattern, pl) == 0;
}
