/* test_config.c - unit tests of config_load(): every error message, the example config. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pwd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <syslog.h>
#include <unistd.h>
#include <cmocka.h>
#include <sodium.h>

#include "common/config.h"
#include "common/util.h"
#include "tests/unit/testutil.h"

/* Tests run inside a fresh directory, so that paths in messages are short. */
SCRATCH_GROUP("config")

#define SITE           "[site]\nname = Xã Tân Phú\n"
#define DEV(key, kind) "[device " key "]\nname = " key "\nkind = " kind "\n"

struct bad_case {
	const char *name;
	const char *text;
	const char *err;
};

static const struct bad_case bad_cases[] = {
    {"unknown section, close to [lan]", SITE "[lann]\nenabled = yes\n",
	"t.conf:3: unknown section [lann] (did you mean [lan]?)"},
    {"unknown section, nothing close", SITE "[backup]\ncommunity = public\n",
	"t.conf:3: unknown section [backup]"},
    {"unknown keyed section", SITE "[devise ap-1]\nname = A\n",
	"t.conf:3: unknown section [devise ap-1] (did you mean [device "
	"ap-1]?)"},
    {"unknown key, close to interval", SITE "[defaults]\nintervall = 30s\n",
	"t.conf:4: unknown key 'intervall' in [defaults] (did you mean "
	"'interval'?)"},
    {"key in the wrong section", SITE "[web]\ninterval = 30s\n",
	"t.conf:4: unknown key 'interval' in [web] (it belongs in "
	"[defaults] or [device KEY])"},
    {"unknown key, nothing close", SITE "[lan]\npromiscuous = yes\n",
	"t.conf:4: unknown key 'promiscuous' in [lan]"},
    {"bad duration", SITE "[defaults]\ninterval = 30 seconds\n",
	"t.conf:4: bad interval '30 seconds' in [defaults]: expected a "
	"duration from 1s to 1d, such as 30s, 5m or 1h30m"},
    {"interval below 1s", SITE "[defaults]\ninterval = 500ms\n",
	"t.conf:4: bad interval '500ms' in [defaults]: expected a "
	"duration from 1s to 1d, such as 30s, 5m or 1h30m"},
    {"bad boolean", SITE "[web]\nenabled = maybe\n",
	"t.conf:4: bad enabled 'maybe' in [web]: expected yes or no (also "
	"true/false, on/off, 1/0)"},
    {"port out of range", SITE "[web]\nport = 70000\n",
	"t.conf:4: bad port '70000' in [web]: expected a port number from "
	"1 to 65535"},
    {"listen on a name", SITE "[web]\nlisten = localhost\n",
	"t.conf:4: bad listen 'localhost' in [web]: expected an IPv4 or "
	"IPv6 address such as 127.0.0.1 or 0.0.0.0"},
    {"time zone not in tzdata", SITE "timezone = Asia/Hanoi\n",
	"t.conf:3: bad timezone 'Asia/Hanoi' in [site]: expected a time "
	"zone from /usr/share/zoneinfo, such as Asia/Ho_Chi_Minh"},
    {"time zone outside zoneinfo", SITE "timezone = ../../etc/passwd\n",
	"t.conf:3: bad timezone '../../etc/passwd' in [site]: expected a "
	"time zone from /usr/share/zoneinfo, such as Asia/Ho_Chi_Minh"},
    {"bad language", SITE "lang = fr\n",
	"t.conf:3: bad lang 'fr' in [site]: expected vi or en"},
    {"bad log level", SITE "[daemon]\nlog_level = verbose\n",
	"t.conf:4: bad log_level 'verbose' in [daemon]: expected one of "
	"debug, info, notice, warning, err"},
    {"bad db_sync", SITE "[daemon]\ndb_sync = off\n",
	"t.conf:4: bad db_sync 'off' in [daemon]: expected normal or full"},
    {"threshold of zero", SITE "[defaults]\nfail_threshold = 0\n",
	"t.conf:4: bad fail_threshold '0' in [defaults]: expected a whole "
	"number from 1 to 100"},
    {"bad interface name", SITE "[lan]\ninterfaces = eth0, br0/1\n",
	"t.conf:4: bad interfaces 'eth0, br0/1' in [lan]: expected "
	"interface names separated by commas, such as eth0, enp2s0"},
    {"bad device kind", SITE "[device ap-1]\nname = A\nkind = wifi\n",
	"t.conf:5: bad kind 'wifi' in [device ap-1]: expected one of "
	"wifi-ap, switch, router, firewall, server, pc, printer, other"},
    {"bad device address",
	SITE DEV("ap-1", "wifi-ap") "address = ap_1.example\n",
	"t.conf:6: bad address 'ap_1.example' in [device ap-1]: expected "
	"an IPv4 address, IPv6 address or host name"},
    {"bad indicator target",
	SITE "[indicator up]\ntitle = Wifi\nmetric = uptime-group\n"
	     "target = 101\n",
	"t.conf:6: bad target '101' in [indicator up]: expected a number "
	"from 0 to 100"},
    {"bad indicator metric",
	SITE "[indicator up]\ntitle = Wifi\nmetric = uptime\n",
	"t.conf:5: bad metric 'uptime' in [indicator up]: expected one of "
	"uptime-group, uptime-device-min, lan-coverage, uplink-quality, "
	"av-coverage"},
    {"duplicate key", "[site]\nname = A\nname = B\n",
	"t.conf:3: duplicate key 'name' in [site] (first set at line 2)"},
    {"duplicate section", SITE "[web]\n[site]\nname = B\n",
	"t.conf:4: duplicate section [site] (first defined at line 1)"},
    {"duplicate device", SITE DEV("ap-1", "wifi-ap") DEV("ap-1", "pc"),
	"t.conf:6: duplicate device 'ap-1' (first defined at line 3)"},
    {"duplicate indicator",
	SITE "[indicator up]\ntitle = A\nmetric = uptime-group\n"
	     "[indicator up]\ntitle = B\nmetric = uptime-group\n",
	"t.conf:6: duplicate indicator 'up' (first defined at line 3)"},
    {"unknown parent",
	SITE DEV("router", "router") DEV("ap-1", "wifi-ap") "parent = routr\n",
	"t.conf:9: unknown parent 'routr' for device 'ap-1' (did you mean "
	"'router'?)"},
    {"unknown parent, nothing close",
	SITE DEV("ap-1", "wifi-ap") "parent = core-switch\n",
	"t.conf:6: unknown parent 'core-switch' for device 'ap-1'"},
    {"parent cycle",
	SITE DEV("a", "switch") "parent = b\n" DEV(
	    "b", "switch") "parent = c\n" DEV("c", "switch") "parent = a\n",
	"t.conf:6: parent cycle: a -> b -> c -> a"},
    {"parent cycle found from outside it",
	SITE DEV("x", "pc") "parent = b\n" DEV(
	    "a", "switch") "parent = b\n" DEV("b", "switch") "parent = a\n",
	"t.conf:10: parent cycle: a -> b -> a"},
    {"own parent", SITE DEV("sw-1", "switch") "parent = sw-1\n",
	"t.conf:6: device 'sw-1' is its own parent"},
    {"missing device name", SITE "[device ap-1]\nkind = wifi-ap\n",
	"t.conf:3: missing required key 'name' in [device ap-1]"},
    {"missing kind and name", SITE "[device ap-1]\ngroup = Thôn Đông\n",
	"t.conf:3: missing required key 'name' in [device ap-1]\n"
	"t.conf:3: missing required key 'kind' in [device ap-1]"},
    {"missing indicator metric", SITE "[indicator up]\ntitle = Wifi\n",
	"t.conf:3: missing required key 'metric' in [indicator up]"},
    {"missing site name", "[site]\nprovince = Hưng Yên\n",
	"t.conf:1: missing required key 'name' in [site]"},
    {"missing [site]", "[web]\nport = 8080\n",
	"t.conf: missing section [site]: it needs at least 'name = ...'"},
    {"[device] without a key", SITE "[device]\nname = A\n",
	"t.conf:3: section [device] needs a key, e.g. [device ap-thon-dong]"},
    {"[indicator] without a key", SITE "[indicator]\n",
	"t.conf:3: section [indicator] needs a key, e.g. [indicator "
	"uptime-wifi]"},
    {"key on a single section", SITE "[web main]\nport = 80\n",
	"t.conf:3: section [web] takes no key (found [web main])"},
    {"invalid device key", SITE "[device nhà văn hóa]\nname = A\n",
	"t.conf:3: invalid device key 'nhà văn hóa': use 1 to 63 letters, "
	"digits, '.', '_' or '-'"},
    {"device key too long",
	SITE "[device "
	     "a234567890123456789012345678901234567890123456789012345678901"
	     "234]\n",
	"t.conf:3: invalid device key "
	"'a234567890123456789012345678901234567890123456789012345678901234'"
	": use 1 to 63 letters, digits, '.', '_' or '-'"},
    {"line without '='", SITE "name Xã Tân Phú\n",
	"t.conf:3: syntax error: expected 'key = value', '[section]' or a "
	"comment"},
    {"header without ']'", SITE "[web\nport = 80\n",
	"t.conf:3: syntax error: '[' without a closing ']'"},
    {"text after ']'", SITE "[web] port = 80\n",
	"t.conf:3: syntax error: text after ']': 'port = 80'"},
    {"no key name", SITE "= 30s\n",
	"t.conf:3: syntax error: a key name is missing before '='"},
    {"key before any section", "name = A\n" SITE,
	"t.conf:1: key 'name' outside any section"},
    {"timeout not below interval",
	SITE "[defaults]\ninterval = 10s\ntimeout = 10s\n",
	"t.conf:5: timeout 10s must be shorter than interval 10s in "
	"[defaults]"},
    {"device interval under the default timeout",
	SITE DEV("ap-1", "wifi-ap") "interval = 3s\n",
	"t.conf:6: timeout 5s must be shorter than interval 3s in [device "
	"ap-1]"},
    {"invalid UTF-8", SITE "province = H\xf9ng Y\xean\n",
	"t.conf:3: not valid UTF-8 text: save the file as UTF-8"},
    {"inventory that does not exist", SITE "[daemon]\ninventory = no.csv\n",
	"no.csv: cannot open: No such file or directory"},
    /* The device settings, in [defaults] and in [device KEY]. */
    {"bad probe_rule", SITE "[defaults]\nprobe_rule = most\n",
	"t.conf:4: bad probe_rule 'most' in [defaults]: expected any or all"},
    {"icmp_count of zero", SITE DEV("ap-1", "wifi-ap") "icmp_count = 0\n",
	"t.conf:6: bad icmp_count '0' in [device ap-1]: expected a whole "
	"number from 1 to 100"},
    {"icmp_count over 100", SITE "[defaults]\nicmp_count = 101\n",
	"t.conf:4: bad icmp_count '101' in [defaults]: expected a whole "
	"number from 1 to 100"},
    {"icmp_spacing below 10ms", SITE "[defaults]\nicmp_spacing = 5ms\n",
	"t.conf:4: bad icmp_spacing '5ms' in [defaults]: expected a "
	"duration from 10ms to 10s, such as 200ms or 1s"},
    {"icmp_spacing over 10s",
	SITE DEV("ap-1", "wifi-ap") "icmp_spacing = 11s\n",
	"t.conf:6: bad icmp_spacing '11s' in [device ap-1]: expected a "
	"duration from 10ms to 10s, such as 200ms or 1s"},
    {"http_status out of range", SITE "[defaults]\nhttp_status = 200-600\n",
	"t.conf:4: bad http_status '200-600' in [defaults]: expected HTTP "
	"status codes from 100 to 599 and ranges of them, separated by "
	"commas, such as 200-399, 401"},
    {"http_status range backwards",
	SITE DEV("ap-1", "wifi-ap") "http_status = 401, 399-200\n",
	"t.conf:6: bad http_status '401, 399-200' in [device ap-1]: expected "
	"HTTP status codes from 100 to 599 and ranges of them, separated by "
	"commas, such as 200-399, 401"},
    {"http_status with a hole", SITE "[defaults]\nhttp_status = 200,,301\n",
	"t.conf:4: bad http_status '200,,301' in [defaults]: expected HTTP "
	"status codes from 100 to 599 and ranges of them, separated by "
	"commas, such as 200-399, 401"},
    {"http_status not a code", SITE "[defaults]\nhttp_status = 2xx\n",
	"t.conf:4: bad http_status '2xx' in [defaults]: expected HTTP status "
	"codes from 100 to 599 and ranges of them, separated by commas, such "
	"as 200-399, 401"},
    {"http_contains too long",
	SITE "[defaults]\nhttp_contains = "
	     "0123456789012345678901234567890123456789012345678901234567890"
	     "123456789012345678901234567890123456789012345678901234567890\n",
	"t.conf:4: bad http_contains '"
	"0123456789012345678901234567890123456789012345678901234567890"
	"123456789012345678901234567890123456789012345678901234567890' in "
	"[defaults]: expected a non-empty text of at most 120 bytes"},
    {"loss_warn of zero", SITE "[defaults]\nloss_warn = 0\n",
	"t.conf:4: bad loss_warn '0' in [defaults]: expected a percentage "
	"from 1 to 100, such as 20 or 12.5"},
    {"loss_warn over 100", SITE DEV("ap-1", "wifi-ap") "loss_warn = 150%\n",
	"t.conf:6: bad loss_warn '150%' in [device ap-1]: expected a "
	"percentage from 1 to 100, such as 20 or 12.5"},
    {"rtt_warn over 60s", SITE "[defaults]\nrtt_warn = 2m\n",
	"t.conf:4: bad rtt_warn '2m' in [defaults]: expected a duration from "
	"1ms to 60s, such as 150ms, or off"},
    {"rtt_warn as a word", SITE DEV("ap-1", "wifi-ap") "rtt_warn = high\n",
	"t.conf:6: bad rtt_warn 'high' in [device ap-1]: expected a duration "
	"from 1ms to 60s, such as 150ms, or off"},
    {"degraded_after below 1s", SITE "[defaults]\ndegraded_after = 500ms\n",
	"t.conf:4: bad degraded_after '500ms' in [defaults]: expected a "
	"duration from 1s to 1d, such as 5m or 30m"},
    {"degraded_after over a day",
	SITE DEV("ap-1", "wifi-ap") "degraded_after = 2d\n",
	"t.conf:6: bad degraded_after '2d' in [device ap-1]: expected a "
	"duration from 1s to 1d, such as 5m or 30m"},
    {"flap_count of one", SITE "[defaults]\nflap_count = 1\n",
	"t.conf:4: bad flap_count '1' in [defaults]: expected a whole number "
	"from 2 to 100"},
    {"flap_window of zero", SITE DEV("ap-1", "wifi-ap") "flap_window = 0s\n",
	"t.conf:6: bad flap_window '0s' in [device ap-1]: expected a "
	"duration from 1s to 1d, such as 5m or 30m"},
    {"maintenance hour",
	SITE DEV("ap-1", "wifi-ap") "maintenance = Sun "
				    "25:00-26:00\n",
	"t.conf:6: bad maintenance window 'Sun 25:00-26:00' in [device ap-1]: "
	"hour must be 0-23"},
    {"maintenance, the second window",
	SITE "[defaults]\nmaintenance = daily 02:00-02:30;Sunday "
	     "22:00-23:00\n",
	"t.conf:4: bad maintenance window 'Sunday 22:00-23:00' in "
	"[defaults]: unknown day 'Sunday': use Mon, Tue, Wed, Thu, Fri, Sat, "
	"Sun, a range such as Mon-Fri, or daily"},
    {"maintenance one-off backwards",
	SITE DEV("ap-1", "wifi-ap") "maintenance = 2026-12-25 06:00 - "
				    "2026-12-24 22:00\n",
	"t.conf:6: bad maintenance window '2026-12-25 06:00 - 2026-12-24 "
	"22:00' in [device ap-1]: it ends before it starts"},
    {"icmp round too long in [defaults]",
	SITE "[defaults]\ninterval = 5s\ntimeout = 3s\n",
	"t.conf:5: icmp round 5s (icmp_count 3, icmp_spacing 1s, timeout 3s) "
	"must be shorter than interval 5s in [defaults]"},
    {"icmp round too long in a device",
	SITE DEV("ap-1", "wifi-ap") "icmp_count = 10\nicmp_spacing = 3s\n",
	"t.conf:7: icmp round 32s (icmp_count 10, icmp_spacing 3s, timeout "
	"5s) must be shorter than interval 30s in [device ap-1]"},
    {"icmp round too long through the device's probes",
	SITE "[defaults]\nprobes = tcp:80\ninterval = 5s\ntimeout = 4s\n" DEV(
	    "ap-1", "wifi-ap") "probes = tcp:80, icmp\n",
	"t.conf:10: icmp round 6s (icmp_count 3, icmp_spacing 1s, timeout "
	"4s) must be shorter than interval 5s in [device ap-1]"},
    /* [daemon] */
    {"retention_days of zero", SITE "[daemon]\nretention_days = 0\n",
	"t.conf:4: bad retention_days '0' in [daemon]: expected a whole "
	"number of days from 1 to 3650"},
    {"retention_days over ten years", SITE "[daemon]\nretention_days = 3651\n",
	"t.conf:4: bad retention_days '3651' in [daemon]: expected a whole "
	"number of days from 1 to 3650"},
    {"dns_servers with a name",
	SITE "[daemon]\ndns_servers = 1.1.1.1, "
	     "dns.google\n",
	"t.conf:4: bad dns_servers '1.1.1.1, dns.google' in [daemon]: "
	"expected IPv4 or IPv6 addresses separated by commas, each with an "
	"optional port, such as 1.1.1.1, 8.8.8.8:53, 2001:db8::53 or "
	"[2001:db8::53]:53"},
    {"dns_servers port out of range",
	SITE "[daemon]\ndns_servers = [2001:db8::53]:70000\n",
	"t.conf:4: bad dns_servers '[2001:db8::53]:70000' in [daemon]: "
	"expected IPv4 or IPv6 addresses separated by commas, each with an "
	"optional port, such as 1.1.1.1, 8.8.8.8:53, 2001:db8::53 or "
	"[2001:db8::53]:53"},
    {"dns_servers port zero", SITE "[daemon]\ndns_servers = 8.8.8.8:0\n",
	"t.conf:4: bad dns_servers '8.8.8.8:0' in [daemon]: expected IPv4 or "
	"IPv6 addresses separated by commas, each with an optional port, "
	"such as 1.1.1.1, 8.8.8.8:53, 2001:db8::53 or [2001:db8::53]:53"},
    {"dns_servers IPv4 in brackets",
	SITE "[daemon]\ndns_servers = [192.0.2.53]:53\n",
	"t.conf:4: bad dns_servers '[192.0.2.53]:53' in [daemon]: expected "
	"IPv4 or IPv6 addresses separated by commas, each with an optional "
	"port, such as 1.1.1.1, 8.8.8.8:53, 2001:db8::53 or "
	"[2001:db8::53]:53"},
    {"dns_servers with a zone", SITE "[daemon]\ndns_servers = fe80::1%eth0\n",
	"t.conf:4: bad dns_servers 'fe80::1%eth0' in [daemon]: expected IPv4 "
	"or IPv6 addresses separated by commas, each with an optional port, "
	"such as 1.1.1.1, 8.8.8.8:53, 2001:db8::53 or [2001:db8::53]:53"},
    {"dns_servers with an empty entry",
	SITE "[daemon]\ndns_servers = 1.1.1.1,,8.8.8.8\n",
	"t.conf:4: bad dns_servers '1.1.1.1,,8.8.8.8' in [daemon]: expected "
	"IPv4 or IPv6 addresses separated by commas, each with an optional "
	"port, such as 1.1.1.1, 8.8.8.8:53, 2001:db8::53 or "
	"[2001:db8::53]:53"},
    {"daily snapshot time out of range", SITE "[evidence]\ndaily = 24:00\n",
	"t.conf:4: bad daily '24:00' in [evidence]: expected a local time "
	"of day such as 23:55, or off"},
    {"push type unknown", SITE "[push so]\ntype = ftp\nurl = http://h/\n",
	"t.conf:4: bad type 'ftp' in [push so]: expected one of http, s3, "
	"webdav, smtp"},
    {"push without url", SITE "[push so]\ntype = http\n",
	"t.conf:3: missing required key 'url' in [push so]"},
    {"push url without a host",
	SITE "[push so]\ntype = http\nurl = http:///x\n",
	"t.conf:5: bad url 'http:///x' in [push so]: expected an http://, "
	"https://, smtp:// or smtps:// URL with a host"},
    {"push smtp with an http url",
	SITE "[push m]\ntype = smtp\nurl = https://h\nmail_from = a@b.vn\n"
	     "mail_to = c@d.vn\n",
	"t.conf:5: [push m]: type smtp needs an smtp:// or smtps:// URL"},
    {"push mail_to with an injected header",
	SITE "[push m]\ntype = smtp\nurl = smtp://h\nmail_from = a@b.vn\n"
	     "mail_to = c@d.vn>\n",
	"t.conf:7: bad mail_to 'c@d.vn>' in [push m]: expected mail addresses "
	"separated by commas"},
    {"push s3 without its secret",
	SITE "[push s]\ntype = s3\nurl = https://h/b\naccess_key = AK\n",
	"t.conf:3: [push s]: type s3 needs access_key and secret_key"},
    {"push client cert without key",
	SITE "[push s]\ntype = http\nurl = https://h/b\nclient_cert = c.pem\n",
	"t.conf:6: [push s]: client_cert and client_key go together"},
    {"push duplicate",
	SITE "[push s]\ntype = http\nurl = https://h/\n"
	     "[push s]\n",
	"t.conf:6: duplicate push target 's' (first defined at line 3)"},
    {"indicator peak hours reversed",
	SITE "[indicator i]\ntitle = I\nmetric = uplink-quality\n"
	     "peak_hours = 17-8\n",
	"t.conf:6: bad peak_hours '17-8' in [indicator i]: expected local "
	"hours FROM-TO with FROM < TO <= 24, such as 8-17"},
    {"web tls cert without key", SITE "[web]\ntls_cert = /etc/c.pem\n",
	"t.conf:3: [web]: tls_cert and tls_key go together"},
    {"socket path too long",
	SITE "[daemon]\nstate_dir = /srv/"
	     "xanet-state-directory-with-a-name-far-too-long-for-a-unix-"
	     "socket-path-because-sun-path-is-small\n",
	"t.conf:4: control socket path is too long (112 bytes; at most "
	"107): /srv/xanet-state-directory-with-a-name-far-too-long-for-a-"
	"unix-socket-path-because-sun-path-is-small/xanetd.sock"},
};

static void
test_evidence_push(void **state)
{
	char err[2048];
	struct config *cfg = load_text(SITE
	    "[daemon]\nstate_dir = /srv/x\n"
	    "[evidence]\ndaily = off\nquarterly_day = 15\n"
	    "retry_base = 5s\nretry_cap = 1h\npack_dir = evidence\n"
	    "[push so-ttt]\ntype = http\nurl = https://so.example.vn/in\n"
	    "method = put\ntoken = t0ps3cret\nsnapshots = quarterly\n"
	    "timeout = 30s\n"
	    "[push mail]\ntype = smtp\nurl = smtps://mail.example.vn\n"
	    "mail_from = xanet@xa.vn\nmail_to = a@b.vn, c@d.vn, a@b.vn\n"
	    "[web]\nmetrics_allow =\nsession_idle = 10m\n",
	    err, sizeof err);

	assert_non_null(cfg);
	assert_int_equal(cfg->evidence.daily_minute, -1);
	assert_int_equal(cfg->evidence.quarterly_day, 15);
	assert_int_equal(cfg->evidence.quarterly_minute, 23 * 60 + 55);
	assert_int_equal(cfg->evidence.retry_base_ms, 5000);
	assert_int_equal(cfg->evidence.retry_cap_ms, 3600000);
	assert_string_equal(cfg->evidence.key_file, "/srv/x/signing.key");
	assert_string_equal(cfg->evidence.pack_dir, "/srv/x/evidence");
	assert_int_equal(cfg->npushes, 2);
	assert_string_equal(cfg->pushes[0].key, "so-ttt");
	assert_int_equal(cfg->pushes[0].type, PUSH_HTTP);
	assert_int_equal(cfg->pushes[0].put, 1);
	assert_string_equal(cfg->pushes[0].token, "t0ps3cret");
	assert_int_equal(cfg->pushes[0].kinds, SNAPSHOT_QUARTERLY);
	assert_int_equal(cfg->pushes[0].timeout_ms, 30000);
	assert_int_equal(cfg->pushes[1].type, PUSH_SMTP);
	assert_int_equal(cfg->pushes[1].nmail_to, 2);
	assert_string_equal(cfg->pushes[1].mail_to[1], "c@d.vn");
	assert_int_equal(cfg->pushes[1].kinds,
	    SNAPSHOT_DAILY | SNAPSHOT_QUARTERLY | SNAPSHOT_MANUAL);
	assert_int_equal(cfg->pushes[1].timeout_ms, 120000);
	/* Set empty: /metrics open to nobody, not the default. */
	assert_int_equal(cfg->web.nmetrics_allow, 0);
	assert_int_equal(cfg->web.session_idle_ms, 600000);
	assert_int_equal(cfg->web.body_max, 65536);
	config_free(cfg);
}

static void
test_indicators_builtin(void **state)
{
	char err[2048];
	struct config *cfg = load_text(SITE, err, sizeof err);
	const struct config_indicator *net = NULL;

	/* No [indicator] of its own: the built-in commune profile. */
	assert_non_null(cfg);
	assert_int_equal(cfg->nindicators, 5);
	for (size_t i = 0; i < cfg->nindicators; i++)
		if (strcmp(cfg->indicators[i].metric, "uplink-quality") == 0)
			net = &cfg->indicators[i];
	assert_non_null(net);
	assert_int_equal(net->peak_from_h, 8);
	assert_int_equal(net->peak_to_h, 17);
	assert_int_equal(net->rtt_max_ms, 150);
	assert_true(net->loss_max == 2);
	assert_string_equal(cfg->indicators[0].title,
	    "Wifi miễn phí tại các nhà văn hóa thôn hoạt động ổn định");
	assert_int_equal(cfg->web.nmetrics_allow, 2);
	config_free(cfg);

	/* Any indicator of its own replaces the profile; none, none. */
	cfg = load_text(SITE "[indicator a]\ntitle = A\nmetric = lan-coverage\n"
			     "judge = at-most\ntarget = 5\n",
	    err, sizeof err);
	assert_non_null(cfg);
	assert_int_equal(cfg->nindicators, 1);
	assert_int_equal(cfg->indicators[0].at_most, 1);
	config_free(cfg);
	cfg =
	    load_text(SITE "[evidence]\nindicators = none\n", err, sizeof err);
	assert_non_null(cfg);
	assert_int_equal(cfg->nindicators, 0);
	config_free(cfg);
}

static void
test_bad_case(void **state)
{
	const struct bad_case *c = *state;

	assert_load_fails(c->text, c->err);
}

static void
test_cannot_open(void **state)
{
	char err[256];

	assert_null(config_load("nowhere/xanet.conf", err, sizeof err));
	assert_string_equal(
	    err, "nowhere/xanet.conf: cannot open: No such file or directory");
	assert_null(config_load(".", err, sizeof err));
	assert_string_equal(err, ".: cannot read: Is a directory");
}

/*
 * Lines up to 4096 bytes, and values longer than inih's 200-byte buffer
 * (kept aside by the reader); a value ending in a comma goes on over the
 * indented lines after it, and line numbers stay physical.
 */
static void
test_long_line(void **state)
{
	char text[9000], err[512], want[256];
	struct config *cfg;
	int n;

	n = snprintf(text, sizeof text, SITE "#%04094d\r\n", 0);
	assert_int_equal(n, 28 + 4095 + 2);
	write_file("long.conf", text);
	cfg = config_load("long.conf", err, sizeof err);
	assert_non_null(cfg);
	config_free(cfg);
	snprintf(text, sizeof text, SITE "#%04096d\n[web]\nport = 0\n", 0);
	write_file("long.conf", text);
	assert_null(config_load("long.conf", err, sizeof err));
	assert_string_equal(err,
	    "long.conf:3: line is too long (4097 bytes; at most 4096)\n"
	    "long.conf:5: bad port '0' in [web]: expected a port number from 1 "
	    "to 65535");

	/* 40 domains on one line: far over inih's buffer. */
	n = snprintf(text, sizeof text, SITE "[lan]\nblocklist_domains = ");
	for (int i = 0; i < 40; i++)
		n += snprintf(text + n, sizeof text - (size_t)n,
		    "%sblocked-%02d.example", i ? ", " : "", i);
	snprintf(text + n, sizeof text - (size_t)n, "\n");
	write_file("long.conf", text);
	cfg = config_load("long.conf", err, sizeof err);
	if (cfg == NULL)
		fail_msg("%s", err);
	assert_int_equal(cfg->lan.nblocklist_domains, 40);
	assert_string_equal(
	    cfg->lan.blocklist_domains[39], "blocked-39.example");
	config_free(cfg);

	/* Continued over indented lines, with a comment in between. */
	write_file("long.conf", SITE "[lan]\n"
				     "blocklist_domains = a.example,\n"
				     "    b.example, ; the second\n"
				     "\tc.example\n"
				     "scan_ports = 5\n"
				     "[web]\nport = 0\n");
	cfg = config_load("long.conf", err, sizeof err);
	assert_null(cfg);
	snprintf(want, sizeof want,
	    "long.conf:9: bad port '0' in [web]: expected a port number from 1 "
	    "to 65535");
	assert_string_equal(err, want);
	write_file("long.conf", SITE "[lan]\n"
				     "blocklist_domains = a.example,\n"
				     "    b.example, ; the second\n"
				     "\tc.example\n"
				     "scan_ports = 5\n");
	cfg = config_load("long.conf", err, sizeof err);
	if (cfg == NULL)
		fail_msg("%s", err);
	assert_int_equal(cfg->lan.nblocklist_domains, 3);
	assert_string_equal(cfg->lan.blocklist_domains[2], "c.example");
	assert_int_equal(cfg->lan.scan_ports, 5);
	config_free(cfg);

	/* A bad item on a continuation line is blamed on the entry's line. */
	write_file("long.conf", SITE "[lan]\n"
				     "blocklist_ips = 192.0.2.1,\n"
				     "    not-an-ip\n");
	assert_null(config_load("long.conf", err, sizeof err));
	assert_non_null(strstr(err, "long.conf:4: bad blocklist_ips"));
}

/* Binary junk and runaway files are refused, not half read. */
static void
test_binary_and_huge(void **state)
{
	static const char nul[] = "[site]\nname = A\nprovince = B\0C\n";
	char err[256];
	FILE *fp = fopen("t.conf", "w");

	assert_non_null(fp);
	assert_int_equal(fwrite(nul, 1, sizeof nul - 1, fp), sizeof nul - 1);
	fclose(fp);
	assert_null(config_load("t.conf", err, sizeof err));
	assert_string_equal(err, "t.conf:3: the line contains a NUL byte");
	fp = fopen("big.conf", "w");
	assert_non_null(fp);
	fputs(SITE, fp);
	for (int i = 0; i < 1024 * 1024 / 64; i++)
		fprintf(fp, "# %061d\n", i);
	fclose(fp);
	assert_null(config_load("big.conf", err, sizeof err));
	assert_string_equal(err, "big.conf: too large: over 1048576 bytes");
}

/* Every problem is reported, in line order, not just the first. */
static void
test_all_errors_in_order(void **state)
{
	char err[4096];

	assert_null(load_text("[site]\n"
			      "[lann]\n"
			      "[defaults]\n"
			      "interval = soon\n"
			      "[device ap-1]\n"
			      "name = A\n"
			      "kind = wifi-ap\n"
			      "parent = ap-9\n"
			      "[device ap-2]\n"
			      "nme = B\n",
	    err, sizeof err));
	assert_string_equal(err,
	    "t.conf:1: missing required key 'name' in [site]\n"
	    "t.conf:2: unknown section [lann] (did you mean [lan]?)\n"
	    "t.conf:4: bad interval 'soon' in [defaults]: expected a duration "
	    "from 1s to 1d, such as 30s, 5m or 1h30m\n"
	    "t.conf:8: unknown parent 'ap-9' for device 'ap-1' (did you mean "
	    "'ap-2'?)\n"
	    "t.conf:9: missing required key 'name' in [device ap-2]\n"
	    "t.conf:9: missing required key 'kind' in [device ap-2]\n"
	    "t.conf:10: unknown key 'nme' in [device ap-2] (did you mean "
	    "'name'?)");
}

/* At most 50 lines, then a count; a small buffer gets whole lines only. */
static void
test_error_cap(void **state)
{
	char *text = xstrdup(SITE "[defaults]\n"), *t, err[8192], small[100];

	for (int i = 0; i < 60; i++) {
		t = xasprintf("%sbogus%d = 1\n", text, i);
		free(text);
		text = t;
	}
	write_file("many.conf", text);
	free(text);
	assert_null(config_load("many.conf", err, sizeof err));
	t = strrchr(err, '\n');
	assert_non_null(t);
	assert_string_equal(t + 1, "many.conf: 10 more errors not shown");
	assert_true(str_has_prefix(
	    err, "many.conf:4: unknown key 'bogus0' in [defaults]\n"));
	*t = '\0';
	t = strrchr(err, '\n');
	assert_string_equal(
	    t + 1, "many.conf:53: unknown key 'bogus49' in [defaults]");
	assert_null(config_load("many.conf", small, sizeof small));
	assert_string_equal(small,
	    "many.conf:4: unknown key 'bogus0' in [defaults]\n"
	    "many.conf:5: unknown key 'bogus1' in [defaults]");
}

/* What a hand-edited file looks like: indents, comments, quotes, CRLF. */
static void
test_lenient_syntax(void **state)
{
	char err[1024];
	struct config *cfg =
	    load_text("\xef\xbb\xbf# xanet\r\n"
		      "[Site]\r\n"
		      "  Name = \"Xã Tân Phú\"\r\n"
		      "    province = tỉnh Hưng Yên ; the new province\r\n"
		      "[web]\r\n"
		      "\tenabled = Off\r\n"
		      "\tport = 8081\r\n"
		      "[lan]\n"
		      "interfaces = eth0 , enp2s0\n"
		      "[device ap-1]\n"
		      "  name: Nhà văn hóa thôn Đông;cũ\n"
		      "  kind = WIFI-AP\n"
		      "  isp = VNPT HĐ #12\n"
		      "  group =\n",
		err, sizeof err);

	if (cfg == NULL)
		fail_msg("%s", err);
	assert_string_equal(cfg->site.name, "Xã Tân Phú");
	assert_string_equal(cfg->site.province, "tỉnh Hưng Yên");
	assert_int_equal(cfg->web.enabled, 0);
	assert_int_equal(cfg->web.port, 8081);
	assert_int_equal(cfg->lan.ninterfaces, 2);
	assert_string_equal(cfg->lan.interfaces[0], "eth0");
	assert_string_equal(cfg->lan.interfaces[1], "enp2s0");
	assert_int_equal(cfg->ndevices, 1);
	assert_string_equal(cfg->devices[0].name, "Nhà văn hóa thôn Đông;cũ");
	assert_int_equal(cfg->devices[0].kind, DEVICE_WIFI_AP);
	assert_string_equal(cfg->devices[0].isp, "VNPT HĐ #12");
	assert_null(cfg->devices[0].group);
	config_free(cfg);
}

static void
test_defaults(void **state)
{
	char err[1024], want[512];
	const char *home = getenv("HOME");
	struct config *cfg =
	    load_text(SITE DEV("gw", "router") "[device ap-1]\nname = A\nkind "
					       "= wifi-ap\nparent = gw\n"
					       "interval = 1m\nfail_threshold "
					       "= 5\nprobes = icmp, tcp:80\n",
		err, sizeof err);

	if (cfg == NULL)
		fail_msg("%s", err);
	assert_string_equal(cfg->path, "t.conf");
	assert_string_equal(cfg->site.timezone, "Asia/Ho_Chi_Minh");
	assert_string_equal(cfg->site.lang, "vi");
	assert_null(cfg->site.province);
	if (geteuid() == 0) {
		assert_string_equal(cfg->daemon.state_dir, XANET_STATEDIR);
		assert_string_equal(cfg->daemon.user, "xanet");
	} else {
		const char *xdg = getenv("XDG_STATE_HOME");

		if (xdg != NULL && xdg[0] == '/')
			snprintf(want, sizeof want, "%s/xanet", xdg);
		else
			snprintf(
			    want, sizeof want, "%s/.local/state/xanet", home);
		assert_string_equal(cfg->daemon.state_dir, want);
		assert_null(cfg->daemon.user);
	}
	snprintf(want, sizeof want, "%s/xanet.db", cfg->daemon.state_dir);
	assert_string_equal(cfg->daemon.database, want);
	snprintf(want, sizeof want, "%s/xanetd.sock", cfg->daemon.state_dir);
	assert_string_equal(cfg->daemon.control_socket, want);
	snprintf(want, sizeof want, "%s/alerts.log", cfg->daemon.state_dir);
	assert_string_equal(cfg->daemon.alert_log, want);
	assert_null(cfg->daemon.inventory);
	assert_int_equal(cfg->daemon.log_level, LOG_INFO);
	assert_int_equal(cfg->daemon.db_sync_full, 0);
	assert_int_equal(cfg->web.enabled, 1);
	assert_string_equal(cfg->web.listen, "127.0.0.1");
	assert_int_equal(cfg->web.port, 8080);
	assert_int_equal(cfg->lan.enabled, 1);
	assert_int_equal(cfg->lan.ninterfaces, 0);
	assert_int_equal(cfg->defaults.interval_ms, 30000);
	assert_int_equal(cfg->defaults.timeout_ms, 5000);
	assert_int_equal(cfg->defaults.fail_threshold, 3);
	assert_int_equal(cfg->defaults.success_threshold, 2);
	assert_string_equal(cfg->defaults.probes, "icmp");

	/* Unset device values come from [defaults]; set ones stay. */
	assert_int_equal(cfg->ndevices, 2);
	assert_int_equal(cfg->devices[0].parent_index, -1);
	assert_int_equal(cfg->devices[0].interval_ms, 30000);
	assert_string_equal(cfg->devices[0].probes, "icmp");
	assert_int_equal(cfg->devices[1].parent_index, 0);
	assert_string_equal(cfg->devices[1].parent, "gw");
	assert_int_equal(cfg->devices[1].interval_ms, 60000);
	assert_int_equal(cfg->devices[1].timeout_ms, 5000);
	assert_int_equal(cfg->devices[1].fail_threshold, 5);
	assert_int_equal(cfg->devices[1].success_threshold, 2);
	assert_string_equal(cfg->devices[1].probes, "icmp, tcp:80");
	assert_string_equal(cfg->devices[1].src_file, "t.conf");
	assert_int_equal(cfg->devices[1].src_line, 6);
	assert_ptr_equal(config_device_find(cfg, "ap-1"), &cfg->devices[1]);
	assert_null(config_device_find(cfg, "ap-2"));
	config_free(cfg);
}

/* What a device gets when nothing sets the new settings. */
static void
test_builtin_settings(void **state)
{
	char err[1024];
	struct config *cfg =
	    load_text(SITE DEV("ap-1", "wifi-ap"), err, sizeof err);
	const struct config_device *dv[2];

	if (cfg == NULL)
		fail_msg("%s", err);
	assert_int_equal(cfg->daemon.retention_days, 35);
	assert_null(cfg->daemon.dns_servers);
	dv[0] = &cfg->defaults;
	dv[1] = &cfg->devices[0];
	for (size_t i = 0; i < 2; i++) {
		const struct config_device *d = dv[i];

		assert_int_equal(d->probe_rule, PROBE_RULE_ANY);
		assert_int_equal(d->icmp_count, 3);
		assert_int_equal(d->icmp_spacing_ms, 1000);
		assert_string_equal(d->http_status, "200-399");
		assert_null(d->http_contains);
		assert_true(d->loss_warn == 20);
		assert_int_equal(d->rtt_warn_ms, 0);
		assert_int_equal(d->degraded_after_ms, 300000);
		assert_int_equal(d->flap_count, 6);
		assert_int_equal(d->flap_window_ms, 1800000);
		assert_null(d->maintenance);
	}
	/* Distinct copies: freeing the config frees each once. */
	assert_ptr_not_equal(dv[0]->http_status, dv[1]->http_status);
	config_free(cfg);
}

/*
 * [defaults] sets every setting; a device takes each one it leaves unset
 * (or empty) and keeps each one it sets.
 */
static void
test_settings_inherited(void **state)
{
	char err[2048];
	struct config *cfg = load_text(SITE
	    "[defaults]\n"
	    "probes = icmp, http://192.0.2.1/\n"
	    "interval = 1m\ntimeout = 10s\n"
	    "fail_threshold = 4\nsuccess_threshold = 3\n"
	    "probe_rule = all\nicmp_count = 5\nicmp_spacing = 200ms\n"
	    "http_status = 200-299, 301,302\n"
	    "http_contains = \"Đăng nhập\"\n"
	    "loss_warn = 12.5%\nrtt_warn = 150ms\ndegraded_after = 10m\n"
	    "flap_count = 4\nflap_window = 1h\n"
	    "maintenance = Sun 22:00-23:00\n"
	    "[device plain]\nname = P\nkind = wifi-ap\n"
	    "[device own]\nname = O\nkind = switch\n"
	    "probes = icmp\ninterval = 2m\ntimeout = 3s\n"
	    "fail_threshold = 2\nsuccess_threshold = 1\n"
	    "probe_rule = ANY\nicmp_count = 1\nicmp_spacing = 1s\n"
	    "http_status = 200\nhttp_contains = OK\nloss_warn = 50\n"
	    "rtt_warn = off\ndegraded_after = 1s\nflap_count = 100\n"
	    "flap_window = 1d\nmaintenance = none\n"
	    "[device empty]\nname = E\nkind = pc\n"
	    "probes =\nhttp_status =\nhttp_contains =\nmaintenance =\n",
	    err, sizeof err);
	const struct config_device *d;

	if (cfg == NULL)
		fail_msg("%s", err);
	assert_string_equal(cfg->defaults.http_status, "200-299,301,302");
	for (size_t i = 0; i < 3; i += 2) {
		d = &cfg->devices[i];
		assert_string_equal(d->probes, "icmp, http://192.0.2.1/");
		assert_int_equal(d->interval_ms, 60000);
		assert_int_equal(d->timeout_ms, 10000);
		assert_int_equal(d->fail_threshold, 4);
		assert_int_equal(d->success_threshold, 3);
		assert_int_equal(d->probe_rule, PROBE_RULE_ALL);
		assert_int_equal(d->icmp_count, 5);
		assert_int_equal(d->icmp_spacing_ms, 200);
		assert_string_equal(d->http_status, "200-299,301,302");
		assert_string_equal(d->http_contains, "Đăng nhập");
		assert_true(d->loss_warn == 12.5);
		assert_int_equal(d->rtt_warn_ms, 150);
		assert_int_equal(d->degraded_after_ms, 600000);
		assert_int_equal(d->flap_count, 4);
		assert_int_equal(d->flap_window_ms, 3600000);
		assert_string_equal(d->maintenance, "Sun 22:00-23:00");
	}
	d = config_device_find(cfg, "own");
	assert_string_equal(d->probes, "icmp");
	assert_int_equal(d->interval_ms, 120000);
	assert_int_equal(d->timeout_ms, 3000);
	assert_int_equal(d->fail_threshold, 2);
	assert_int_equal(d->success_threshold, 1);
	assert_int_equal(d->probe_rule, PROBE_RULE_ANY);
	assert_int_equal(d->icmp_count, 1);
	assert_int_equal(d->icmp_spacing_ms, 1000);
	assert_string_equal(d->http_status, "200");
	assert_string_equal(d->http_contains, "OK");
	assert_true(d->loss_warn == 50);
	assert_int_equal(d->rtt_warn_ms, 0);
	assert_int_equal(d->degraded_after_ms, 1000);
	assert_int_equal(d->flap_count, 100);
	assert_int_equal(d->flap_window_ms, 86400000);
	/* "none" takes away the windows of [defaults]. */
	assert_null(d->maintenance);
	config_free(cfg);
}

/* Good values at the edges of what each setting accepts. */
static void
test_settings_good(void **state)
{
	char err[2048];
	struct config *cfg = load_text(SITE
	    "[daemon]\nretention_days = 3650\n"
	    "dns_servers = 1.1.1.1, 8.8.8.8:5353 ,2001:db8::53,"
	    "[2001:db8::54]:53\n"
	    "[defaults]\nicmp_count = 100\nicmp_spacing = 10ms\n"
	    "rtt_warn = 1ms\nloss_warn = 100\nflap_count = 2\n"
	    "http_status = 100-599\n"
	    "maintenance = Mon-Fri 12:00-13:00; 2026-12-24 22:00 - "
	    "2026-12-25 06:00,daily 0:00-24:00\n"
	    "[device ap-1]\nname = A\nkind = wifi-ap\nrtt_warn = 60s\n"
	    "icmp_spacing = 10s\nicmp_count = 1\nloss_warn = 1\n",
	    err, sizeof err);

	if (cfg == NULL)
		fail_msg("%s", err);
	assert_int_equal(cfg->daemon.retention_days, 3650);
	/* Kept without the spaces, as c-ares reads them. */
	assert_string_equal(cfg->daemon.dns_servers,
	    "1.1.1.1,8.8.8.8:5353,2001:db8::53,[2001:db8::54]:53");
	assert_int_equal(cfg->defaults.icmp_count, 100);
	assert_int_equal(cfg->defaults.icmp_spacing_ms, 10);
	assert_int_equal(cfg->defaults.rtt_warn_ms, 1);
	assert_int_equal(cfg->defaults.flap_count, 2);
	assert_string_equal(cfg->defaults.http_status, "100-599");
	assert_string_equal(cfg->devices[0].maintenance,
	    "Mon-Fri 12:00-13:00; 2026-12-24 22:00 - 2026-12-25 "
	    "06:00,daily 0:00-24:00");
	assert_int_equal(cfg->devices[0].rtt_warn_ms, 60000);
	assert_int_equal(cfg->devices[0].icmp_spacing_ms, 10000);
	assert_true(cfg->devices[0].loss_warn == 1);
	config_free(cfg);
}

/*
 * The ICMP round counts only where ICMP runs, and only just fits: 2
 * echoes 1s apart and a 3s timeout take 4s of a 4001ms interval.
 */
static void
test_icmp_round_fits(void **state)
{
	char err[2048];
	struct config *cfg = load_text(SITE
	    "[defaults]\nprobes = tcp:80\ninterval = 5s\ntimeout = 4s\n"
	    "[device web]\nname = W\nkind = server\nicmp_count = 50\n"
	    "[device ap-1]\nname = A\nkind = wifi-ap\nprobes = icmp\n"
	    "icmp_count = 2\ntimeout = 3s\ninterval = 4001ms\n",
	    err, sizeof err);

	if (cfg == NULL)
		fail_msg("%s", err);
	assert_int_equal(cfg->devices[1].interval_ms, 4001);
	config_free(cfg);
	/* A millisecond less and it does not. */
	assert_null(load_text(SITE
	    "[device ap-1]\nname = A\nkind = wifi-ap\nprobes = icmp\n"
	    "icmp_count = 2\ntimeout = 3s\ninterval = 4s\n",
	    err, sizeof err));
	assert_string_equal(err,
	    "t.conf:9: icmp round 4s (icmp_count 2, icmp_spacing 1s, timeout "
	    "3s) must be shorter than interval 4s in [device ap-1]");
}

/*
 * xanetd rereads its config on SIGHUP after dropping to its user: the
 * defaults it gets there must be those it started with as root.
 */
static void
test_defaults_after_privilege_drop(void **state)
{
	char path[] = "/tmp/xanet-drop-XXXXXX", err[512];
	struct passwd *pw = getpwnam("xanet");
	int fd, status;
	pid_t pid;
	FILE *fp;

	if (geteuid() != 0 || pw == NULL) {
		skip();
		return;
	}
	fd = mkstemp(path);
	assert_true(fd >= 0);
	fp = fdopen(fd, "w");
	fputs(SITE, fp);
	fclose(fp);
	assert_int_equal(chmod(path, 0644), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct config *cfg;
		int same;

		if (setgid(pw->pw_gid) != 0 || setuid(pw->pw_uid) != 0)
			_exit(2);
		cfg = config_load(path, err, sizeof err);
		same = cfg != NULL &&
		       strcmp(cfg->daemon.state_dir, XANET_STATEDIR) == 0 &&
		       cfg->daemon.user != NULL &&
		       strcmp(cfg->daemon.user, "xanet") == 0;
		config_free(cfg);
		_exit(same ? 0 : 1);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	unlink(path);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

/* Relative state paths: state_dir from the config's directory. */
static void
test_relative_paths(void **state)
{
	char err[1024], want[1200], cwd[1024];
	struct config *cfg = load_text(SITE "[daemon]\nstate_dir = state\n"
					    "database = db/x.db\n"
					    "alert_log = /var/log/xanet.log\n"
					    "user = nobody\nlog_level = debug\n"
					    "db_sync = full\n",
	    err, sizeof err);

	if (cfg == NULL)
		fail_msg("%s", err);
	assert_non_null(getcwd(cwd, sizeof cwd));
	snprintf(want, sizeof want, "%s/state", cwd);
	assert_string_equal(cfg->daemon.state_dir, want);
	snprintf(want, sizeof want, "%s/state/db/x.db", cwd);
	assert_string_equal(cfg->daemon.database, want);
	assert_string_equal(cfg->daemon.alert_log, "/var/log/xanet.log");
	assert_string_equal(cfg->daemon.user, "nobody");
	assert_int_equal(cfg->daemon.log_level, LOG_DEBUG);
	assert_int_equal(cfg->daemon.db_sync_full, 1);
	config_free(cfg);
}

static void
test_summary(void **state)
{
	char err[1024], hex[65], *out = NULL, *want;
	size_t outlen = 0;
	FILE *fp;
	struct config *cfg = load_text(SITE
	    "province = tỉnh Hưng Yên\n"
	    "[daemon]\nstate_dir = /srv/xanet\ndatabase = db/xanet.db\n"
	    "retention_days = 400\ndns_servers = 192.0.2.53, "
	    "[2001:db8::53]:53\n"
	    "[web]\nlisten = ::1\nport = 8443\n"
	    "[lan]\ninterfaces = eth0, eth1\n"
	    "[defaults]\ninterval = 1m\ntimeout = 2s\n"
	    "probes = icmp, tcp:22\nrtt_warn = 200ms\n"
	    "maintenance = daily 02:00-02:30\n"
	    "[device gw]\nname = Cổng\nkind = router\n"
	    "address = 192.0.2.1\nmaintenance = none\n"
	    "[device ap-dong]\nname = Nhà văn hóa thôn Đông\n"
	    "kind = wifi-ap\ngroup = Thôn Đông\n"
	    "address = nvh-dong.ddns.example\nparent = gw\n"
	    "interval = 90s\ntimeout = 3s\nprobe_rule = all\n"
	    "http_contains = Xin chào\nloss_warn = 30\n"
	    "maintenance = Sun 22:00-23:00; 2026-12-01 08:00-12:00\n"
	    "[indicator up]\ntitle = Wifi\nmetric = uptime-group\n"
	    "target = 99.5\n",
	    err, sizeof err);

	if (cfg == NULL)
		fail_msg("%s", err);
	fp = open_memstream(&out, &outlen);
	assert_non_null(fp);
	config_print_summary(cfg, fp);
	fclose(fp);
	config_hash_hex(cfg, hex);
	want = xasprintf(
	    "config:     t.conf\n"
	    "hash:       %s\n"
	    "site:       Xã Tân Phú, tỉnh Hưng Yên (Asia/Ho_Chi_Minh, vi)\n"
	    "database:   /srv/xanet/db/xanet.db\n"
	    "socket:     /srv/xanet/xanetd.sock\n"
	    "alert log:  /srv/xanet/alerts.log\n"
	    "retention:  400 days of raw samples\n"
	    "dns:        192.0.2.53, [2001:db8::53]:53\n"
	    "web:        http://[::1]:8443/\n"
	    "lan:        on, eth0, eth1\n"
	    "snmp:       no trap receiver, max_repetitions 25, retries 1\n"
	    "defaults:   interval 1m, timeout 2s, fail 3, success 2, probes "
	    "icmp, tcp:22\n"
	    "            probe_rule any, icmp_count 3, icmp_spacing 1s, "
	    "http_status 200-399,\n"
	    "            loss_warn 20%%, rtt_warn 200ms, degraded_after 5m, "
	    "flap_count 6,\n"
	    "            flap_window 30m, maintenance \"daily 02:00-02:30\", "
	    "snmp_version 2c,\n"
	    "            snmp_port 161, snmp_auth none, snmp_priv none, "
	    "snmp_profile auto,\n"
	    "            heartbeat_grace one interval\n"
	    "devices:    2\n"
	    "  KEY      KIND     GROUP      ADDRESS                PARENT  "
	    "PROBES        INTERVAL\n"
	    "  gw       router   -          192.0.2.1              -       "
	    "icmp, tcp:22  1m\n"
	    "    maintenance none\n"
	    "  ap-dong  wifi-ap  Thôn Đông  nvh-dong.ddns.example  gw      "
	    "icmp, tcp:22  1m30s\n"
	    /* Only what differs from [defaults] and has no column. */
	    "    timeout 3s, probe_rule all, http_contains \"Xin chào\", "
	    "loss_warn 30%%,\n"
	    "    maintenance \"Sun 22:00-23:00; 2026-12-01 08:00-12:00\"\n"
	    "indicators: 1\n"
	    "  up: Wifi (uptime-group, target 99.5%%)\n"
	    "evidence: key /srv/xanet/signing.key, packs in /srv/xanet/packs\n"
	    "  daily snapshot at 23:55; quarterly pack on day 20 of a "
	    "quarter's last month at 23:55\n",
	    hex);
	assert_string_equal(out, want);
	free(want);
	free(out);
	config_free(cfg);
}

static void
test_kind_names(void **state)
{
	enum device_kind k = DEVICE_OTHER;

	assert_string_equal(device_kind_name(DEVICE_WIFI_AP), "wifi-ap");
	assert_string_equal(device_kind_name(DEVICE_PRINTER), "printer");
	assert_int_equal(device_kind_parse("firewall", &k), 0);
	assert_int_equal(k, DEVICE_FIREWALL);
	assert_int_equal(device_kind_parse("Switch", &k), 0);
	assert_int_equal(k, DEVICE_SWITCH);
	assert_int_equal(device_kind_parse("ap", &k), -1);
	assert_int_equal(k, DEVICE_SWITCH);
}

static char *
slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *buf = xmalloc(1 << 20);

	assert_non_null(fp);
	*len = fread(buf, 1, 1 << 20, fp);
	fclose(fp);
	return buf;
}

/* The shipped example: 6 devices in the file, 17 access points in CSV. */
static void
test_example_config(void **state)
{
	const char *src = getenv("XANET_SRCDIR");
	char *conf = xasprintf("%s/config/xanet.conf", src ? src : "..");
	char *csv = xasprintf("%s/config/devices.csv", src ? src : "..");
	char err[4096];
	struct config *cfg = config_load(conf, err, sizeof err);
	const struct config_device *d, *router;
	unsigned char hash[32];
	crypto_hash_sha256_state sha;
	char *bytes;
	size_t n, wifi = 0;

	if (cfg == NULL)
		fail_msg("%s", err);
	assert_string_equal(cfg->site.name, "UBND xã Đông Hòa");
	assert_string_equal(cfg->daemon.inventory, csv);
	assert_int_equal(cfg->ndevices, 23);
	assert_int_equal(cfg->nindicators, 3);
	router = config_device_find(cfg, "router");
	assert_non_null(router);
	assert_int_equal(router->kind, DEVICE_ROUTER);
	for (size_t i = 0; i < cfg->ndevices; i++) {
		d = &cfg->devices[i];
		if (d->kind != DEVICE_WIFI_AP)
			continue;
		wifi++;
		assert_string_equal(d->src_file, csv);
		assert_string_equal(d->parent, "router");
		assert_ptr_equal(&cfg->devices[d->parent_index], router);
	}
	assert_int_equal(wifi, 17);
	d = config_device_find(cfg, "ap-trung-2");
	assert_non_null(d);
	assert_string_equal(d->name, "Nhà văn hóa thôn Trung, điểm 2 (chợ)");
	assert_string_equal(d->group, "Thôn Trung");
	assert_string_equal(d->isp, "Viettel HĐ 88/2026");
	assert_int_equal(d->src_line, 5);
	d = config_device_find(cfg, "ap-cau-hoa");
	assert_string_equal(d->name, "Nhà văn hóa thôn \"Cầu Hòa\" (cũ)");
	d = config_device_find(cfg, "ap-trung");
	assert_string_equal(d->probes, "icmp, tcp:80");
	assert_int_equal(d->interval_ms, 60000);
	assert_int_equal(d->timeout_ms, 10000);
	d = config_device_find(cfg, "printer-vp");
	assert_int_equal(d->interval_ms, 300000);
	assert_int_equal(d->fail_threshold, 5);
	assert_null(d->maintenance);
	d = config_device_find(cfg, "server");
	assert_string_equal(d->maintenance, "Sun 22:00-23:30");
	/* The documented defaults are the built-in ones. */
	assert_int_equal(cfg->daemon.retention_days, 35);
	assert_null(cfg->daemon.dns_servers);
	assert_int_equal(d->probe_rule, PROBE_RULE_ANY);
	assert_int_equal(d->icmp_count, 3);
	assert_int_equal(d->icmp_spacing_ms, 1000);
	assert_string_equal(d->http_status, "200-399");
	assert_null(d->http_contains);
	assert_true(d->loss_warn == 20);
	assert_int_equal(d->rtt_warn_ms, 0);
	assert_int_equal(d->degraded_after_ms, 300000);
	assert_int_equal(d->flap_count, 6);
	assert_int_equal(d->flap_window_ms, 1800000);
	assert_string_equal(config_device_find(cfg, "sw-tang2")->name,
	    "Switch tầng 2 - Văn phòng HĐND và UBND");

	/* The hash covers the config file, then the inventory. */
	crypto_hash_sha256_init(&sha);
	bytes = slurp(conf, &n);
	crypto_hash_sha256_update(&sha, (unsigned char *)bytes, n);
	free(bytes);
	bytes = slurp(csv, &n);
	crypto_hash_sha256_update(&sha, (unsigned char *)bytes, n);
	free(bytes);
	crypto_hash_sha256_final(&sha, hash);
	assert_memory_equal(cfg->hash, hash, sizeof hash);
	config_free(cfg);
	free(conf);
	free(csv);
}

/* xanetctl finds a running daemon even when its file has since gone bad. */
static void
test_load_paths_despite_errors(void **state)
{
	char err[1024];
	struct config *cfg;
	const char *text = SITE
	    "[daemon]\nstate_dir = /tmp/xanet-paths\n" DEV("ap-1", "toaster");

	assert_null(load_text(text, err, sizeof err));
	cfg = config_load_paths("t.conf", err, sizeof err);
	assert_non_null(cfg);
	assert_non_null(strstr(err, "t.conf:"));
	assert_string_equal(cfg->daemon.database, "/tmp/xanet-paths/xanet.db");
	assert_string_equal(
	    cfg->daemon.control_socket, "/tmp/xanet-paths/xanetd.sock");
	assert_int_equal(cfg->ndevices, 0);
	config_free(cfg);
	/* A file that cannot be read still yields nothing. */
	assert_null(config_load_paths("no-such.conf", err, sizeof err));
	assert_string_equal(err, "no-such.conf: cannot open: No such file or "
				 "directory");
}

int
main(void)
{
	const struct CMUnitTest fixed[] = {
	    cmocka_unit_test(test_cannot_open),
	    cmocka_unit_test(test_long_line),
	    cmocka_unit_test(test_binary_and_huge),
	    cmocka_unit_test(test_all_errors_in_order),
	    cmocka_unit_test(test_error_cap),
	    cmocka_unit_test(test_lenient_syntax),
	    cmocka_unit_test(test_defaults),
	    cmocka_unit_test(test_builtin_settings),
	    cmocka_unit_test(test_settings_inherited),
	    cmocka_unit_test(test_settings_good),
	    cmocka_unit_test(test_icmp_round_fits),
	    cmocka_unit_test(test_defaults_after_privilege_drop),
	    cmocka_unit_test(test_relative_paths),
	    cmocka_unit_test(test_summary),
	    cmocka_unit_test(test_evidence_push),
	    cmocka_unit_test(test_indicators_builtin),
	    cmocka_unit_test(test_kind_names),
	    cmocka_unit_test(test_example_config),
	    cmocka_unit_test(test_load_paths_despite_errors),
	};
	size_t nbad = sizeof bad_cases / sizeof bad_cases[0];
	size_t nfixed = sizeof fixed / sizeof fixed[0];
	struct CMUnitTest *tests = xcalloc(nbad + nfixed, sizeof *tests);
	int rc;

	/* One TAP line per bad config, named after what is wrong in it. */
	for (size_t i = 0; i < nbad; i++) {
		tests[i].name = bad_cases[i].name;
		tests[i].test_func = test_bad_case;
		tests[i].initial_state = (void *)&bad_cases[i];
	}
	memcpy(tests + nbad, fixed, sizeof fixed);
	rc = _cmocka_run_group_tests(
	    "test_config", tests, nbad + nfixed, group_setup, group_teardown);
	free(tests);
	return rc;
}
