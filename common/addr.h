/* addr.h - what kind of address a config value is: IPv4, IPv6 or host name; MAC addresses in their one written form. */
#ifndef XANET_ADDR_H
#define XANET_ADDR_H

enum addr_kind {
	ADDR_IPV4 = 1,
	ADDR_IPV6,
	ADDR_HOSTNAME,
};

/*
 * ADDR_IPV4 for dotted quads, ADDR_IPV6 (optionally with a %zone, for
 * link-local addresses), ADDR_HOSTNAME for RFC 1123 names such as DDNS
 * names ("nvh-thon1.ddns.net"), or -1 for anything else.
 */
int addr_classify(const char *s);
/* "IPv4 address", "IPv6 address", "host name". */
const char *addr_kind_name(int kind);
/*
 * Normalise MAC ("AA-BB-...", "aa:bb:...") into OUT (18 bytes) as
 * lowercase with ':', the form the store and the config keep; 0 or -1.
 */
int addr_mac_norm(const char *mac, char out[18]);

#endif
