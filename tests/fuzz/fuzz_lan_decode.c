/* fuzz_lan_decode.c - libFuzzer target for the LAN decoder chain: one frame, the first byte picks the link type. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "probes/lan/decode.h"
#include "tests/fuzz/fuzz_lan_decode.h"

const int fuzz_lan_links[FUZZ_LAN_NLINKS] = {LAN_LINK_EN10MB,
    LAN_LINK_LINUX_SLL, LAN_LINK_LINUX_SLL2, LAN_LINK_RAW, LAN_LINK_NULL,
    LAN_LINK_LOOP};

/* Hand-built seeds for what the testdata lacks (mDNS, NetBIOS, cooked v2). */
const char *const fuzz_lan_builtin[] = {
    /* Ethernet ARP request */
    "00ffffffffffff000c2959fd2108060001080006040001000c2959fd21c0a8010a"
    "000000000000c0a80105",
    /* Ethernet 802.1Q IPv4 UDP DNS response: www.example.com CNAME + A */
    "00000c2959fd210242000000028100006408004500005f0000000040118000c0a8"
    "0101c0a8010a0035d431004b000012348180000100020000000003777777076578"
    "616d706c6503636f6d0000010001c00c00050001000000100006036364"
    "6ec010"
    "c02d000100010000003c00045db8d822",
    /* Ethernet IPv6 ICMPv6 neighbour solicitation with source lladdr */
    "003333ff000001000c2959fd2186dd6000000000203aff"
    "fe80000000000000020c29fffe59fd21ff0200000000000000000001ff000001"
    "870000000000000020010db8000000000000000000000001"
    "0101000c2959fd21",
    /* Ethernet IPv4 mDNS announcement: PTR, then A and AAAA of May-Ke-Toan.local */
    "0001005e0000fb000c2959fd2108004500008e00000000ff110000c0a8010ae0"
    "0000fb14e914e9007a00000000840000000002000000010c5f776f726b737461"
    "74696f6e045f746370056c6f63616c00000c0001000011940006046162636400"
    "0b4d61792d4b652d546f616e056c6f63616c0000018001000000780004c0a801"
    "0ac035001c8001000000780010fe800000000000000000000000000001",
    /* Ethernet IPv4 NetBIOS name registration of KETOAN-PC<00> */
    "00ffffffffffff000c2959fd2108004500006000000000ff110000c0a8010ac0"
    "a801ff00890089004c000012342910000100000000000120454c454646454550"
    "4542454f434e4641454443414341434143414341434141410000200001c00c00"
    "200001000493e000060000c0a8010a",
    /* Linux cooked v2, IPv6 hop-by-hop + first fragment, UDP DNS query */
    "0286dd00000000000200010006000c2959fd210000600000000039004020010d"
    "b800000000000000000000000220010db80000000000000000000000532c0001"
    "0400000000110000010000002a9c400035002900000007010000010000000000"
    "0006757064617465046573657403636f6d00001c0001",
};
const size_t fuzz_lan_nbuiltin =
    sizeof fuzz_lan_builtin / sizeof fuzz_lan_builtin[0];

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return 0;
}

size_t
fuzz_lan_unhex(const char *hex, uint8_t *out, size_t size)
{
	size_t n = 0;

	for (; hex[0] != '\0' && hex[1] != '\0' && n < size; hex += 2)
		out[n++] = (uint8_t)(hexval(hex[0]) << 4 | hexval(hex[1]));
	return n;
}

int
fuzz_lan_link_index(int linktype)
{
	int i;

	if (linktype == LAN_LINK_DLT_RAW ||
	    linktype == LAN_LINK_DLT_RAW_OPENBSD)
		linktype = LAN_LINK_RAW;
	for (i = 0; i < FUZZ_LAN_NLINKS; i++)
		if (fuzz_lan_links[i] == linktype)
			return i;
	return -1;
}

/* A string field must end inside its buffer. */
static void
check_str(const char *s, size_t size)
{
	if (memchr(s, '\0', size) == NULL)
		__builtin_trap();
}

/* Results a caller relies on, beyond "no crash, no overread". */
static void
check_pkt(int rc, const struct lan_pkt *p, uint32_t caplen)
{
	char mac[18];

	if (rc != 0) {
		if (p->flags != 0)
			__builtin_trap();
		return;
	}
	if (p->caplen != caplen)
		__builtin_trap();
	if (p->flags & (LAN_F_ETH | LAN_F_SRCMAC)) {
		lan_mac_format(p->src_mac, mac);
		if (strlen(mac) != 17)
			__builtin_trap();
	}
	if ((p->flags & (LAN_F_IPV4 | LAN_F_IPV6)) &&
	    p->ip_family != ((p->flags & LAN_F_IPV4) ? 4 : 6))
		__builtin_trap();
	if ((p->flags & (LAN_F_TCP | LAN_F_UDP | LAN_F_ICMP)) &&
	    !(p->flags & (LAN_F_IPV4 | LAN_F_IPV6)))
		__builtin_trap();
	if ((p->flags & LAN_F_FRAG) && (p->flags & (LAN_F_TCP | LAN_F_UDP)))
		__builtin_trap();
	if (p->flags & LAN_F_DHCP) {
		check_str(p->dhcp.hostname, sizeof p->dhcp.hostname);
		check_str(p->dhcp.vendor_class, sizeof p->dhcp.vendor_class);
		check_str(p->dhcp.fqdn, sizeof p->dhcp.fqdn);
		if (p->dhcp.client_id_len > 32 || p->dhcp.nparams > 64)
			__builtin_trap();
	}
	if (p->flags & LAN_F_DNS) {
		check_str(p->dns.qname, sizeof p->dns.qname);
		if (strlen(p->dns.qname) > 253 ||
		    p->dns.nanswers > LAN_DNS_MAX_ANSWERS)
			__builtin_trap();
		/* what the detectors do with every name */
		(void)lan_name_match(p->dns.qname, "*.kaspersky.com");
		(void)lan_name_match(
		    p->dns.qname, "definitionupdates.microsoft.com");
	}
	if (p->flags & LAN_F_NAME)
		check_str(p->name_hint, sizeof p->name_hint);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lan_pkt p;
	char name[80], pattern[80];
	size_t half;
	int rc;

	if (size < 1)
		return 0;
	rc = lan_decode(data + 1, (uint32_t)(size - 1), (uint32_t)(size - 1),
	    fuzz_lan_links[data[0] % FUZZ_LAN_NLINKS], &p);
	check_pkt(rc, &p, (uint32_t)(size - 1));

	/* The same bytes as a name and a pattern. */
	half = (size - 1) / 2;
	if (half > sizeof name - 1)
		half = sizeof name - 1;
	memcpy(name, data + 1, half);
	name[half] = '\0';
	memcpy(pattern, data + 1 + half, half);
	pattern[half] = '\0';
	(void)lan_name_match(name, pattern);
	return 0;
}
