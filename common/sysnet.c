/* sysnet.c - the host's default route and DNS servers, read from given files. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/addr.h"
#include "common/sysnet.h"
#include "common/util.h"

#define RTF_UP_FLAG      0x0001
#define RTF_GATEWAY_FLAG 0x0002

static int
parse_hex(const char *s, unsigned long *out)
{
	char *end;

	errno = 0;
	*out = strtoul(s, &end, 16);
	return errno != 0 || end == s || *end != '\0' ? -1 : 0;
}

int
sysnet_default_route(const char *proc_route_path, struct sysnet_route *rt,
    char *err, size_t errlen)
{
	FILE *fp;
	char line[512];
	int found = 0, lineno = 0;

	if ((fp = fopen(proc_route_path, "re")) == NULL) {
		snprintf(err, errlen, "%s: cannot open: %s", proc_route_path,
		    strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof line, fp) != NULL) {
		char *field[8], *save = NULL, *tok;
		unsigned long dest, gw, flags, metric, mask;
		int n = 0;

		/* The first line is the column header. */
		if (lineno++ == 0)
			continue;
		for (tok = strtok_r(line, " \t\n", &save); tok != NULL && n < 8;
		     tok = strtok_r(NULL, " \t\n", &save))
			field[n++] = tok;
		/* Iface Destination Gateway Flags RefCnt Use Metric Mask */
		if (n < 8 || strlen(field[0]) >= IF_NAMESIZE ||
		    parse_hex(field[1], &dest) == -1 ||
		    parse_hex(field[2], &gw) == -1 ||
		    parse_hex(field[3], &flags) == -1 ||
		    parse_hex(field[7], &mask) == -1)
			continue;
		metric = strtoul(field[6], NULL, 10);
		if (dest != 0 || mask != 0 || !(flags & RTF_UP_FLAG))
			continue;
		if (found && metric >= rt->metric)
			continue;
		found = 1;
		str_copy(rt->ifname, field[0], sizeof rt->ifname);
		rt->metric = metric;
		rt->gateway[0] = '\0';
		if ((flags & RTF_GATEWAY_FLAG) && gw != 0) {
			/*
			 * The kernel prints the address as the 32-bit word it
			 * stores, in network byte order: copying the word back
			 * gives the bytes on the machine that wrote the file.
			 */
			struct in_addr in;
			uint32_t word = (uint32_t)gw;

			memcpy(&in, &word, sizeof word);
			inet_ntop(
			    AF_INET, &in, rt->gateway, sizeof rt->gateway);
		}
	}
	fclose(fp);
	if (!found) {
		snprintf(err, errlen, "%s: no default route", proc_route_path);
		return -1;
	}
	return 0;
}

/* Add the nameservers of PATH to RES; sets *STUB when the stub is listed. */
static int
read_resolv(const char *path, struct sysnet_resolvers *res, int *stub,
    char *err, size_t errlen)
{
	FILE *fp;
	char line[512];

	if ((fp = fopen(path, "re")) == NULL) {
		snprintf(
		    err, errlen, "%s: cannot open: %s", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof line, fp) != NULL) {
		char *save = NULL, *key, *val;
		int kind, dup = 0;

		key = strtok_r(line, " \t\r\n", &save);
		if (key == NULL || strcmp(key, "nameserver") != 0)
			continue;
		val = strtok_r(NULL, " \t\r\n", &save);
		if (val == NULL || strlen(val) >= SYSNET_ADDR_MAX)
			continue;
		kind = addr_classify(val);
		if (kind != ADDR_IPV4 && kind != ADDR_IPV6)
			continue;
		if (strcmp(val, SYSNET_RESOLVED_STUB) == 0) {
			*stub = 1;
			continue;
		}
		for (size_t i = 0; i < res->n; i++)
			dup |= strcmp(res->addr[i], val) == 0;
		if (dup || res->n == SYSNET_MAX_RESOLVERS)
			continue;
		str_copy(res->addr[res->n++], val, SYSNET_ADDR_MAX);
	}
	fclose(fp);
	return 0;
}

int
sysnet_resolvers(const char *resolv_conf_path, const char *resolved_path,
    struct sysnet_resolvers *res, char *err, size_t errlen)
{
	int stub = 0, ignored = 0;

	memset(res, 0, sizeof *res);
	if (read_resolv(resolv_conf_path, res, &stub, err, errlen) == -1)
		return -1;
	if (!stub || resolved_path == NULL)
		return 0;
	/*
	 * Behind the stub, the servers that answer are the ones resolved
	 * forwards to; those are the ones whose outage users notice.
	 */
	res->used_stub = 1;
	return read_resolv(resolved_path, res, &ignored, err, errlen);
}
