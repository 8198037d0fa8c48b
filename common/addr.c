/* addr.c - what kind of address a config value is: IPv4, IPv6 or host name; MAC addresses in their one written form. */
#include <arpa/inet.h>
#include <ctype.h>
#include <net/if.h>
#include <stdbool.h>
#include <string.h>

#include "common/addr.h"

#define HOSTNAME_MAX 253
#define LABEL_MAX    63

static bool
is_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9');
}

static bool
is_hostname(const char *s)
{
	size_t len = strlen(s), label = 0;
	bool all_digits = true;

	/* One trailing dot makes a name absolute; it is not part of it. */
	if (len > 0 && s[len - 1] == '.')
		len--;
	if (len == 0 || len > HOSTNAME_MAX)
		return false;
	for (size_t i = 0; i <= len; i++) {
		char c = i < len ? s[i] : '.';

		if (c == '.') {
			if (label == 0 || label > LABEL_MAX || s[i - 1] == '-')
				return false;
			label = 0;
			continue;
		}
		if (label == 0) {
			if (c == '-')
				return false;
			all_digits = true;
		}
		if (!is_alnum(c) && c != '-')
			return false;
		if (c < '0' || c > '9')
			all_digits = false;
		label++;
	}
	/*
	 * RFC 1123 2.1: a top-level label is never all digits, so "10.0.0.300"
	 * is a mistyped address, not a name.
	 */
	return !all_digits;
}

static bool
is_ipv6(const char *s)
{
	char buf[INET6_ADDRSTRLEN + IF_NAMESIZE + 1];
	unsigned char bin[16];
	const char *zone = strchr(s, '%');
	size_t n = zone != NULL ? (size_t)(zone - s) : strlen(s);

	if (n >= INET6_ADDRSTRLEN)
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (zone != NULL) {
		size_t zl = strlen(zone + 1);

		if (zl == 0 || zl >= IF_NAMESIZE || strchr(zone + 1, '/') ||
		    strchr(zone + 1, ' '))
			return false;
	}
	return inet_pton(AF_INET6, buf, bin) == 1;
}

int
addr_classify(const char *s)
{
	unsigned char bin[16];

	if (s == NULL || *s == '\0')
		return -1;
	if (inet_pton(AF_INET, s, bin) == 1)
		return ADDR_IPV4;
	if (strchr(s, ':') != NULL)
		return is_ipv6(s) ? ADDR_IPV6 : -1;
	if (is_hostname(s))
		return ADDR_HOSTNAME;
	return -1;
}

const char *
addr_kind_name(int kind)
{
	switch (kind) {
	case ADDR_IPV4:
		return "IPv4 address";
	case ADDR_IPV6:
		return "IPv6 address";
	case ADDR_HOSTNAME:
		return "host name";
	default:
		return "invalid address";
	}
}

int
addr_mac_norm(const char *mac, char out[18])
{
	if (mac == NULL || strlen(mac) != 17)
		return -1;
	for (size_t i = 0; i < 17; i++) {
		char c = (char)tolower((unsigned char)mac[i]);

		if (i % 3 == 2) {
			if (c != ':' && c != '-')
				return -1;
			c = ':';
		} else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return -1;
		out[i] = c;
	}
	out[17] = '\0';
	return 0;
}
