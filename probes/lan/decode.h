/* decode.h - bounds-checked decoders for the LAN sampler's hot path. */
#ifndef XANET_LAN_DECODE_H
#define XANET_LAN_DECODE_H

#include <stdbool.h>
#include <stdint.h>

/* DLT_* values accepted. */
enum {
	LAN_LINK_EN10MB = 1,
	LAN_LINK_LINUX_SLL = 113,
	LAN_LINK_LINUX_SLL2 = 276,
	LAN_LINK_RAW = 101,
	/* pcap_datalink() reports LINKTYPE_RAW files as DLT_RAW: 12 (14 on OpenBSD). */
	LAN_LINK_DLT_RAW = 12,
	LAN_LINK_DLT_RAW_OPENBSD = 14,
	/* BSD loopback: a 4-byte address family, host order; LOOP: network order. */
	LAN_LINK_NULL = 0,
	LAN_LINK_LOOP = 108,
};

/* Which parts of struct lan_pkt are valid; nothing outside a set flag may be read. */
enum lan_flag {
	/* src_mac, dst_mac valid */
	LAN_F_ETH = 1u << 0,
	LAN_F_ARP = 1u << 1,
	LAN_F_IPV4 = 1u << 2,
	LAN_F_IPV6 = 1u << 3,
	LAN_F_TCP = 1u << 4,
	LAN_F_UDP = 1u << 5,
	/* ICMP or ICMPv6 */
	LAN_F_ICMP = 1u << 6,
	/* ICMPv6 neighbour solicitation/advertisement: nd.* */
	LAN_F_ND = 1u << 7,
	LAN_F_DHCP = 1u << 8,
	/* DNS or mDNS (mdns flag in dns) */
	LAN_F_DNS = 1u << 9,
	/* name_hint: from mDNS answer / NetBIOS name service */
	LAN_F_NAME = 1u << 10,
	/* IPv4/IPv6 non-first fragment: no L4 */
	LAN_F_FRAG = 1u << 11,
	/*
	 * A layer was cut short by caplen or its own length: decoding stopped
	 * there. Set only when something the decoders read is missing (a
	 * header, a DHCP/DNS/NetBIOS/ND body), not for a cut TCP payload.
	 */
	LAN_F_TRUNC = 1u << 12,
	/* A layer was malformed (bad header length, pointer loop, ...). */
	LAN_F_BAD = 1u << 13,
	/* Beyond the agreed interface: a cooked capture (LINUX_SLL/SLL2)
	 * gives src_mac only (dst_mac zeroed); LAN_F_ETH is not set. */
	LAN_F_SRCMAC = 1u << 14,
};

struct lan_arp {
	uint16_t op;
	uint8_t sha[6], tha[6];
	uint8_t spa[4], tpa[4];
};

struct lan_nd {
	uint8_t type; /* 135 NS, 136 NA */
	uint8_t target[16];
	/* The source (NS) or target (NA) link-layer address option. */
	uint8_t lladdr[6];
	bool has_lladdr;
};

struct lan_dhcp {
	uint8_t op, msg_type; /* msg_type: option 53, 0 if absent */
	uint32_t xid;
	uint8_t chaddr[6];
	uint8_t ciaddr[4], yiaddr[4];
	uint8_t server_id[4];
	bool has_server_id; /* option 54 */
	uint8_t requested_ip[4];
	bool has_requested_ip; /* option 50 */
	uint8_t client_id[32];
	uint8_t client_id_len; /* option 61, truncated to 32 */
	/* Option 12, NUL-terminated, "" if absent; non-printables replaced by '?'. */
	char hostname[64];
	char vendor_class[64]; /* option 60, the same way */
	/* Option 81 name (wire or ASCII form), "" if absent. */
	char fqdn[128];
	uint8_t params[64];
	uint8_t nparams; /* option 55 in order */
};

#define LAN_DNS_MAX_ANSWERS 8

struct lan_dns {
	uint16_t id;
	bool response;
	bool mdns;
	uint8_t rcode;
	/* First question, lowercased dotted, no trailing dot; "" if none.
	 * Non-printables and dots inside a label read '?'. */
	char qname[256];
	uint16_t qtype;
	/* A/AAAA answers of a response kept, at most 8 */
	uint8_t nanswers;
	struct {
		uint8_t family; /* 4 or 6 */
		uint8_t addr[16];
		uint32_t ttl;
	} answers[LAN_DNS_MAX_ANSWERS];
};

struct lan_pkt {
	uint32_t flags; /* enum lan_flag */
	int64_t ts_us;  /* set by the caller from the pcap header */
	uint32_t caplen, wirelen;
	uint8_t src_mac[6], dst_mac[6];
	uint16_t vlan;      /* innermost VLAN id */
	uint8_t nvlan;      /* number of tags */
	uint16_t ethertype; /* after the tags */
	struct lan_arp arp;
	uint8_t ip_family;              /* 4 or 6 */
	uint8_t src_ip[16], dst_ip[16]; /* IPv4 in the first 4 bytes, rest 0 */
	uint8_t ttl;                    /* TTL / hop limit */
	uint8_t l4proto; /* IPPROTO_*, after IPv6 extension headers */
	uint16_t sport, dport;
	/* TH_SYN 0x02, TH_ACK 0x10, TH_RST 0x04, TH_FIN 0x01 */
	uint8_t tcp_flags;
	uint8_t icmp_type, icmp_code;
	struct lan_nd nd;
	/* Valid with LAN_F_DHCP (UDP 67/68, BOOTP magic cookie). */
	struct lan_dhcp dhcp;
	/* Valid with LAN_F_DNS (UDP 53 or 5353). */
	struct lan_dns dns;
	/* Valid with LAN_F_NAME: the sender's own name, from the owner of
	 * an mDNS A/AAAA answer ("pc.local" -> "pc") or a unique NetBIOS
	 * workstation/server name it registers or answers for with its
	 * own IPv4 address. */
	char name_hint[64];
};

/*
 * Decode one frame of link type LINKTYPE (DLT_*). Fills only what FLAGS
 * says; never reads past CAPLEN bytes of DATA; never allocates. Returns 0,
 * or -1 if the link type is unsupported or the frame is too short for its
 * link header (flags then 0). For speed it does not memset the whole
 * struct: each layer initialises the fields it owns before setting its
 * flag. DHCP and DNS are decoded only on UDP 67/68 and 53/5353, NetBIOS
 * names on UDP 137.
 */
int lan_decode(const uint8_t *data, uint32_t caplen, uint32_t wirelen,
    int linktype, struct lan_pkt *p);

/* Counters of what the decoders saw, for /metrics and `lan analyze`. */
struct lan_decode_stats {
	uint64_t frames, trunc, bad, unsupported;
	uint64_t arp, ipv4, ipv6, tcp, udp, icmp, nd, dhcp, dns, name, frag;
};
/* Add P's outcome (RC: lan_decode()'s return) to ST. */
void lan_decode_count(
    struct lan_decode_stats *st, int rc, const struct lan_pkt *p);

/* "aa:bb:cc:dd:ee:ff" into OUT (18 bytes). */
void lan_mac_format(const uint8_t mac[6], char out[18]);

/*
 * Dotted name matching, case-insensitive, trailing dots ignored.
 * "*.kaspersky.com" matches "a.b.kaspersky.com" and "kaspersky.com" but
 * not "notkaspersky.com"; a pattern without "*." is the exact name; "*"
 * matches any non-empty name.
 */
bool lan_name_match(const char *name, const char *pattern);

#endif
