/* test_sysnet.c - unit tests of the default route, DNS servers and the embedded default. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <sodium.h>

#include "common/config.h"
#include "common/sysnet.h"
#include "common/util.h"

/*
 * The route fixtures hold addresses as a little-endian machine writes
 * them in /proc/net/route (192.168.1.1 is 0101A8C0).
 */
static char *
fixture(const char *name)
{
	const char *src = getenv("XANET_SRCDIR");

	return xasprintf(
	    "%s/tests/unit/data/%s", src != NULL ? src : "..", name);
}

static void
test_route_lowest_metric(void **state)
{
	char *path = fixture("route-two-defaults"), err[256];
	struct sysnet_route rt;

	assert_int_equal(sysnet_default_route(path, &rt, err, sizeof err), 0);
	assert_string_equal(rt.ifname, "eth0");
	assert_string_equal(rt.gateway, "192.168.1.1");
	assert_int_equal(rt.metric, 100);
	free(path);
}

static void
test_route_without_gateway(void **state)
{
	char *path = fixture("route-ppp"), err[256];
	struct sysnet_route rt;

	/* eth1's route is not up; ppp0's goes straight out the link. */
	assert_int_equal(sysnet_default_route(path, &rt, err, sizeof err), 0);
	assert_string_equal(rt.ifname, "ppp0");
	assert_string_equal(rt.gateway, "");
	free(path);
}

static void
test_route_errors(void **state)
{
	char *path = fixture("route-no-default"), err[512], *want;
	struct sysnet_route rt;

	assert_int_equal(sysnet_default_route(path, &rt, err, sizeof err), -1);
	want = xasprintf("%s: no default route", path);
	assert_string_equal(err, want);
	free(want);
	free(path);
	assert_int_equal(
	    sysnet_default_route("/nonexistent/route", &rt, err, sizeof err),
	    -1);
	assert_string_equal(
	    err, "/nonexistent/route: cannot open: No such file or directory");
}

static void
test_resolvers_plain(void **state)
{
	char *path = fixture("resolv-plain.conf"), err[256];
	struct sysnet_resolvers res;

	/* Duplicates, names, comments and empty entries are left out. */
	assert_int_equal(
	    sysnet_resolvers(path, NULL, &res, err, sizeof err), 0);
	assert_int_equal(res.n, 3);
	assert_string_equal(res.addr[0], "203.0.113.53");
	assert_string_equal(res.addr[1], "198.51.100.53");
	assert_string_equal(res.addr[2], "127.0.0.1");
	assert_int_equal(res.used_stub, 0);
	free(path);
}

static void
test_resolvers_behind_stub(void **state)
{
	char *stub = fixture("resolv-stub.conf");
	char *up = fixture("resolved-upstream.conf"), err[256];
	struct sysnet_resolvers res;

	assert_int_equal(sysnet_resolvers(stub, up, &res, err, sizeof err), 0);
	assert_int_equal(res.used_stub, 1);
	assert_int_equal(res.n, 3);
	assert_string_equal(res.addr[0], "192.168.1.1");
	assert_string_equal(res.addr[1], "203.0.113.53");
	assert_string_equal(res.addr[2], "2001:db8::53");
	/* Without the second file, the stub alone gives nothing to watch. */
	assert_int_equal(
	    sysnet_resolvers(stub, NULL, &res, err, sizeof err), 0);
	assert_int_equal(res.n, 0);
	assert_int_equal(sysnet_resolvers(stub, "/nonexistent/resolv.conf",
			     &res, err, sizeof err),
	    -1);
	assert_string_equal(err,
	    "/nonexistent/resolv.conf: cannot open: No such file or directory");
	free(stub);
	free(up);
}

static void
test_resolvers_bounded(void **state)
{
	char *path = fixture("resolv-many.conf"), err[256];
	struct sysnet_resolvers res;

	assert_int_equal(
	    sysnet_resolvers(path, NULL, &res, err, sizeof err), 0);
	assert_int_equal(res.n, SYSNET_MAX_RESOLVERS);
	assert_string_equal(res.addr[SYSNET_MAX_RESOLVERS - 1], "192.0.2.8");
	free(path);
}

/* What config_default() hashes: the same text as a config file would be. */
static const char canonical[] =
    "[site]\nname = ubnd-tanphu\ntimezone = Asia/Ho_Chi_Minh\nlang = vi\n"
    "[web]\nenabled = yes\nlisten = 127.0.0.1\nport = 8080\n"
    "[lan]\nenabled = yes\ninterfaces = eth0\n"
    "[defaults]\ninterval = 30s\ntimeout = 5s\nfail_threshold = 3\n"
    "success_threshold = 2\nprobes = icmp\n"
    "[device this-host]\nname = Máy chủ xanet\nkind = server\n"
    "address = 127.0.0.1\n"
    "[device gateway]\nname = Cổng mặc định\nkind = router\n"
    "address = 192.168.1.1\n"
    "[device dns-1]\nname = Máy chủ DNS 1\nkind = server\n"
    "address = 203.0.113.53\nparent = gateway\n"
    "[device dns-2]\nname = Máy chủ DNS 2\nkind = server\n"
    "address = 2001:db8::53\nparent = gateway\n";

static void
test_default_full(void **state)
{
	char *route = fixture("route-two-defaults");
	char *stub = fixture("resolv-stub.conf");
	char *up = fixture("resolved-upstream.conf"), err[512];
	char tmp[] = "/tmp/xanet-default-XXXXXX";
	const struct config_sys sys = {route, stub, up, "ubnd-tanphu"};
	struct config *cfg = config_default_sys(&sys, err, sizeof err), *same;
	unsigned char hash[32];
	FILE *fp;
	int fd;

	if (cfg == NULL)
		fail_msg("%s", err);
	assert_null(cfg->path);
	assert_string_equal(cfg->site.name, "ubnd-tanphu");
	assert_string_equal(cfg->web.listen, "127.0.0.1");
	assert_int_equal(cfg->web.enabled, 1);
	assert_int_equal(cfg->lan.ninterfaces, 1);
	assert_string_equal(cfg->lan.interfaces[0], "eth0");
	/* The router also answers DNS: it is watched once, as the gateway. */
	assert_int_equal(cfg->ndevices, 4);
	assert_string_equal(cfg->devices[0].key, "this-host");
	assert_string_equal(cfg->devices[0].name, "Máy chủ xanet");
	assert_int_equal(cfg->devices[0].kind, DEVICE_SERVER);
	assert_string_equal(cfg->devices[0].address, "127.0.0.1");
	assert_string_equal(cfg->devices[1].key, "gateway");
	assert_string_equal(cfg->devices[1].name, "Cổng mặc định");
	assert_int_equal(cfg->devices[1].kind, DEVICE_ROUTER);
	assert_string_equal(cfg->devices[1].address, "192.168.1.1");
	assert_string_equal(cfg->devices[2].key, "dns-1");
	assert_string_equal(cfg->devices[2].name, "Máy chủ DNS 1");
	assert_string_equal(cfg->devices[2].address, "203.0.113.53");
	assert_string_equal(cfg->devices[2].parent, "gateway");
	assert_int_equal(cfg->devices[2].parent_index, 1);
	assert_string_equal(cfg->devices[3].key, "dns-2");
	assert_string_equal(cfg->devices[3].address, "2001:db8::53");
	assert_int_equal(cfg->devices[3].interval_ms, 30000);
	assert_int_equal(cfg->devices[3].timeout_ms, 5000);
	assert_string_equal(cfg->devices[3].probes, "icmp");

	crypto_hash_sha256(
	    hash, (const unsigned char *)canonical, strlen(canonical));
	assert_memory_equal(cfg->hash, hash, sizeof hash);
	/* Written out, the canonical text loads as the same configuration. */
	fd = mkstemp(tmp);
	assert_true(fd >= 0);
	fp = fdopen(fd, "w");
	fputs(canonical, fp);
	fclose(fp);
	same = config_load(tmp, err, sizeof err);
	unlink(tmp);
	if (same == NULL)
		fail_msg("%s", err);
	assert_memory_equal(same->hash, cfg->hash, sizeof hash);
	assert_int_equal(same->ndevices, cfg->ndevices);
	for (size_t i = 0; i < cfg->ndevices; i++) {
		assert_string_equal(same->devices[i].key, cfg->devices[i].key);
		assert_string_equal(
		    same->devices[i].name, cfg->devices[i].name);
		assert_int_equal(same->devices[i].parent_index,
		    cfg->devices[i].parent_index);
	}
	config_free(same);
	config_free(cfg);
	free(route);
	free(stub);
	free(up);
}

static void
test_default_sparse(void **state)
{
	char *route = fixture("route-no-default"), err[512];
	char *ppp = fixture("route-ppp"), *plain = fixture("resolv-plain.conf");
	const struct config_sys bare = {route, NULL, NULL, "xa"};
	const struct config_sys link = {ppp, plain, NULL, "xa"};
	struct config *cfg = config_default_sys(&bare, err, sizeof err);
	unsigned char first[32];

	/* No network at all: still this host, and a hash to record. */
	if (cfg == NULL)
		fail_msg("%s", err);
	assert_int_equal(cfg->ndevices, 1);
	assert_string_equal(cfg->devices[0].key, "this-host");
	assert_int_equal(cfg->lan.ninterfaces, 0);
	memcpy(first, cfg->hash, sizeof first);
	config_free(cfg);

	/* No gateway address: DNS servers hang off nothing, or this host. */
	cfg = config_default_sys(&link, err, sizeof err);
	if (cfg == NULL)
		fail_msg("%s", err);
	assert_string_equal(cfg->lan.interfaces[0], "ppp0");
	assert_int_equal(cfg->ndevices, 4);
	assert_string_equal(cfg->devices[1].key, "dns-1");
	assert_string_equal(cfg->devices[1].address, "203.0.113.53");
	assert_null(cfg->devices[1].parent);
	assert_int_equal(cfg->devices[1].parent_index, -1);
	assert_string_equal(cfg->devices[3].key, "dns-3");
	assert_string_equal(cfg->devices[3].name, "Máy chủ DNS 3");
	assert_string_equal(cfg->devices[3].address, "127.0.0.1");
	assert_string_equal(cfg->devices[3].parent, "this-host");
	assert_int_equal(cfg->devices[3].parent_index, 0);
	assert_memory_not_equal(cfg->hash, first, sizeof first);
	config_free(cfg);
	free(route);
	free(ppp);
	free(plain);
}

static void
test_default_summary(void **state)
{
	char *route = fixture("route-two-defaults"), err[512], *out = NULL;
	const struct config_sys sys = {route, NULL, NULL, "ubnd-tanphu"};
	struct config *cfg = config_default_sys(&sys, err, sizeof err);
	size_t len = 0;
	FILE *fp = open_memstream(&out, &len);

	if (cfg == NULL)
		fail_msg("%s", err);
	config_print_summary(cfg, fp);
	fclose(fp);
	assert_true(str_has_prefix(out, "config:     (embedded default)\n"));
	assert_non_null(strstr(out, "\nsite:       ubnd-tanphu "
				    "(Asia/Ho_Chi_Minh, vi)\n"));
	assert_non_null(strstr(out, "\nweb:        http://127.0.0.1:8080/\n"));
	assert_non_null(strstr(out, "\nlan:        on, eth0\n"));
	assert_non_null(strstr(out, "\n  gateway    router  -      192.168.1.1 "
				    " -       icmp    30s\n"));
	free(out);
	config_free(cfg);
	free(route);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_route_lowest_metric),
	    cmocka_unit_test(test_route_without_gateway),
	    cmocka_unit_test(test_route_errors),
	    cmocka_unit_test(test_resolvers_plain),
	    cmocka_unit_test(test_resolvers_behind_stub),
	    cmocka_unit_test(test_resolvers_bounded),
	    cmocka_unit_test(test_default_full),
	    cmocka_unit_test(test_default_sparse),
	    cmocka_unit_test(test_default_summary),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
