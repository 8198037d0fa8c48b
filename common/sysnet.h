/* sysnet.h - the host's default route and DNS servers, read from given files. */
#ifndef XANET_SYSNET_H
#define XANET_SYSNET_H

#include <net/if.h>
#include <stddef.h>

#define SYSNET_PROC_ROUTE    "/proc/net/route"
#define SYSNET_RESOLV_CONF   "/etc/resolv.conf"
#define SYSNET_RESOLVED_CONF "/run/systemd/resolve/resolv.conf"
/* systemd-resolved's local stub; it is not a server worth watching. */
#define SYSNET_RESOLVED_STUB "127.0.0.53"

#define SYSNET_MAX_RESOLVERS 8
#define SYSNET_ADDR_MAX      64 /* an IPv6 address with a %zone */

struct sysnet_route {
	char ifname[IF_NAMESIZE];
	char gateway[SYSNET_ADDR_MAX]; /* "" for a route straight out a link */
	unsigned long metric;
};

struct sysnet_resolvers {
	char addr[SYSNET_MAX_RESOLVERS][SYSNET_ADDR_MAX];
	size_t n;
	int used_stub; /* RESOLV_CONF named the stub; servers came from
			  the second file */
};

/*
 * The IPv4 default route with the lowest metric in PROC_ROUTE_PATH (the
 * format of /proc/net/route). Returns -1 with a reason in ERR if the file
 * cannot be read or has no default route.
 */
int sysnet_default_route(const char *proc_route_path, struct sysnet_route *rt,
    char *err, size_t errlen);
/*
 * The "nameserver" addresses in RESOLV_CONF_PATH, in order, without
 * duplicates and without the resolved stub. When the file names the stub
 * and RESOLVED_PATH is not NULL, the servers come from RESOLVED_PATH (the
 * upstream list systemd-resolved writes). Returns -1 with a reason in ERR
 * if a file cannot be read.
 */
int sysnet_resolvers(const char *resolv_conf_path, const char *resolved_path,
    struct sysnet_resolvers *res, char *err, size_t errlen);

#endif
