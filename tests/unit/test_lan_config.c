/* test_lan_config.c - unit tests of the [lan] keys: defaults, lists, every bad value. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "common/config.h"
#include "tests/unit/testutil.h"

SCRATCH_GROUP("lanconf")

#define SITE "[site]\nname = Xã Tân Phú\n[lan]\n"

static void
test_lan_defaults(void **state)
{
	char err[1024];
	struct config *cfg = load_text(SITE "enabled = yes\n", err, sizeof err);

	assert_non_null(cfg);
	assert_int_equal(cfg->lan.sample_rate, 1);
	assert_int_equal(cfg->lan.snaplen, 512);
	assert_int_equal(cfg->lan.buffer_mb, 8);
	assert_int_equal(cfg->lan.max_hosts, 4096);
	assert_int_equal(cfg->lan.learning_ms, 7 * 86400000LL);
	assert_null(cfg->lan.gateway_ip);
	assert_int_equal(cfg->lan.ndhcp_servers, 0);
	assert_int_equal(cfg->lan.scan_ports, 100);
	assert_int_equal(cfg->lan.scan_hosts, 50);
	assert_int_equal(cfg->lan.scan_window_ms, 60000);
	assert_int_equal(cfg->lan.ips_per_mac, 8);
	assert_int_equal(cfg->lan.garp_storm, 30);
	assert_int_equal(cfg->lan.nblocklist_domains, 0);
	assert_int_equal(cfg->lan.nblocklist_ips, 0);
	/* NULL: the built-in AV list. */
	assert_null(cfg->lan.av_domains);
	assert_null(cfg->lan.uplink_mac);
	config_free(cfg);
}

static void
test_lan_all_keys(void **state)
{
	char err[1024];
	struct config *cfg = load_text(SITE
	    "sample_rate = 10\nsnaplen = 600\nbuffer_mb = 16\n"
	    "max_hosts = 10000\nlearning_period = 0\n"
	    "gateway_ip = 192.168.1.1\n"
	    "dhcp_servers = 192.168.1.1, 192.168.1.2,192.168.1.1\n"
	    "scan_ports = 20\nscan_hosts = 10\nscan_window = 2m\n"
	    "ips_per_mac = 4\ngarp_storm = 12\n"
	    "blocklist_domains = Bad.Example, *.evil.example\n"
	    "blocklist_ips = 203.0.113.9, 2001:db8::66, 198.51.100.0/24\n"
	    "av_domains = *.kaspersky.com, Bkav Pro:*.BKAV.com.vn\n"
	    "uplink_mac = 00-11-22-AA-bb-CC\n",
	    err, sizeof err);

	if (cfg == NULL)
		fail_msg("rejected: %s", err);
	assert_int_equal(cfg->lan.sample_rate, 10);
	assert_int_equal(cfg->lan.snaplen, 600);
	assert_int_equal(cfg->lan.buffer_mb, 16);
	assert_int_equal(cfg->lan.max_hosts, 10000);
	assert_int_equal(cfg->lan.learning_ms, 0);
	assert_string_equal(cfg->lan.gateway_ip, "192.168.1.1");
	/* The duplicate is dropped. */
	assert_int_equal(cfg->lan.ndhcp_servers, 2);
	assert_string_equal(cfg->lan.dhcp_servers[0], "192.168.1.1");
	assert_string_equal(cfg->lan.dhcp_servers[1], "192.168.1.2");
	assert_int_equal(cfg->lan.scan_ports, 20);
	assert_int_equal(cfg->lan.scan_hosts, 10);
	assert_int_equal(cfg->lan.scan_window_ms, 120000);
	assert_int_equal(cfg->lan.ips_per_mac, 4);
	assert_int_equal(cfg->lan.garp_storm, 12);
	assert_int_equal(cfg->lan.nblocklist_domains, 2);
	/* Domains are kept lowercase, as the decoder gives names. */
	assert_string_equal(cfg->lan.blocklist_domains[0], "bad.example");
	assert_string_equal(cfg->lan.blocklist_domains[1], "*.evil.example");
	assert_int_equal(cfg->lan.nblocklist_ips, 3);
	assert_string_equal(cfg->lan.blocklist_ips[1], "2001:db8::66");
	assert_string_equal(cfg->lan.blocklist_ips[2], "198.51.100.0/24");
	assert_int_equal(cfg->lan.nav_domains, 2);
	assert_string_equal(cfg->lan.av_domains[0], "*.kaspersky.com");
	/* The product as written, the pattern lowercase. */
	assert_string_equal(cfg->lan.av_domains[1], "Bkav Pro:*.bkav.com.vn");
	assert_string_equal(cfg->lan.uplink_mac, "00:11:22:aa:bb:cc");
	config_free(cfg);
}

static void
test_lan_empty_av_list(void **state)
{
	char err[1024];
	struct config *cfg = load_text(SITE "av_domains =\n", err, sizeof err);

	assert_non_null(cfg);
	/* Empty but not NULL: AV tracking off, not the built-in list. */
	assert_non_null(cfg->lan.av_domains);
	assert_int_equal(cfg->lan.nav_domains, 0);
	config_free(cfg);
}

struct bad_case {
	const char *text;
	const char *err;
};

static const struct bad_case bad_cases[] = {
    {SITE "sample_rate = 0\n",
	"t.conf:4: bad sample_rate '0' in [lan]: expected a whole number N "
	"from 1 to 10000 (1 in N packets)"},
    {SITE "snaplen = 64\n", "t.conf:4: bad snaplen '64' in [lan]: expected "
			    "a number of bytes from 256 to 65535"},
    {SITE "buffer_mb = 2\n", "t.conf:4: bad buffer_mb '2' in [lan]: expected "
			     "a number of megabytes from 8 to 1024"},
    {SITE "max_hosts = 5\n", "t.conf:4: bad max_hosts '5' in [lan]: expected "
			     "a whole number from 16 to 1000000"},
    {SITE "learning_period = -1d\n",
	"t.conf:4: bad learning_period '-1d' in [lan]: expected a duration "
	"from 0 to 366d, such as 7d or 0"},
    {SITE "gateway_ip = fe80::1\n",
	"t.conf:4: bad gateway_ip 'fe80::1' in [lan]: expected an IPv4 "
	"address such as 192.168.1.1"},
    {SITE "dhcp_servers = 192.168.1.1, router\n",
	"t.conf:4: bad dhcp_servers '192.168.1.1, router' in [lan]: expected "
	"IPv4 addresses separated by commas"},
    {SITE "scan_ports = 1\n", "t.conf:4: bad scan_ports '1' in [lan]: "
			      "expected a whole number from 2 to 65535"},
    {SITE "scan_window = 500ms\n",
	"t.conf:4: bad scan_window '500ms' in [lan]: expected a duration from "
	"1s to 1h, such as 60s"},
    {SITE "blocklist_domains = bad..example\n",
	"t.conf:4: bad blocklist_domains 'bad..example' in [lan]: expected "
	"domains separated by commas, such as bad.example, *.bad.example"},
    {SITE "blocklist_domains = *.\n",
	"t.conf:4: bad blocklist_domains '*.' in [lan]: expected "
	"domains separated by commas, such as bad.example, *.bad.example"},
    {SITE "blocklist_ips = 10.0.0.1, evil.example\n",
	"t.conf:4: bad blocklist_ips '10.0.0.1, evil.example' in [lan]: "
	"expected IPv4 or IPv6 addresses or IPv4 networks (a.b.c.d/N) "
	"separated by commas"},
    {SITE "blocklist_ips = 10.0.0.0/33\n",
	"t.conf:4: bad blocklist_ips '10.0.0.0/33' in [lan]: "
	"expected IPv4 or IPv6 addresses or IPv4 networks (a.b.c.d/N) "
	"separated by commas"},
    {SITE "av_domains = *.eset.com, x y\n",
	"t.conf:4: bad av_domains '*.eset.com, x y' in [lan]: expected "
	"domains, each with an optional product, separated by commas, such "
	"as Kaspersky:*.kaspersky.com, ESET:*.eset.com"},
    {SITE "av_domains = :*.eset.com\n",
	"t.conf:4: bad av_domains ':*.eset.com' in [lan]: expected "
	"domains, each with an optional product, separated by commas, such "
	"as Kaspersky:*.kaspersky.com, ESET:*.eset.com"},
    {SITE "uplink_mac = 00:11:22:33:44\n",
	"t.conf:4: bad uplink_mac '00:11:22:33:44' in [lan]: expected a MAC "
	"address such as 00:11:22:33:44:55"},
    {SITE "uplink_mac = 00:11:22:33:44:zz\n",
	"t.conf:4: bad uplink_mac '00:11:22:33:44:zz' in [lan]: expected a "
	"MAC address such as 00:11:22:33:44:55"},
};

static void
test_lan_bad(void **state)
{
	for (size_t i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++)
		assert_load_fails(bad_cases[i].text, bad_cases[i].err);
}

/* The embedded default watches the default-route interface and its gateway. */
static void
test_lan_embedded_default(void **state)
{
	char err[1024];
	struct config_sys sys = {0};
	struct config *cfg;

	write_file("route",
	    "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask"
	    "\t\tMTU\tWindow\tIRTT\n"
	    "enp1s0\t00000000\t0101A8C0\t0003\t0\t0\t100\t00000000\t0\t0\t0\n");
	sys.proc_route = "route";
	sys.hostname = "xa";
	cfg = config_default_sys(&sys, err, sizeof err);
	assert_non_null(cfg);
	assert_int_equal(cfg->lan.ninterfaces, 1);
	assert_string_equal(cfg->lan.interfaces[0], "enp1s0");
	assert_non_null(cfg->lan.gateway_ip);
	assert_string_equal(cfg->lan.gateway_ip, "192.168.1.1");
	assert_int_equal(cfg->lan.snaplen, 512);
	config_free(cfg);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_lan_defaults),
	    cmocka_unit_test(test_lan_all_keys),
	    cmocka_unit_test(test_lan_empty_av_list),
	    cmocka_unit_test(test_lan_bad),
	    cmocka_unit_test(test_lan_embedded_default),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
