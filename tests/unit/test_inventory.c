/* test_inventory.c - unit tests of the inventory CSV, alone and through config_load(). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "common/config.h"
#include "common/inventory.h"
#include "common/util.h"
#include "tests/unit/testutil.h"

/* Errors as "LINE: message" lines, to compare whole. */
struct errbuf {
	char text[4096];
};

static void
collect(void *arg, int line, const char *msg)
{
	struct errbuf *eb = arg;
	size_t off = strlen(eb->text);

	snprintf(eb->text + off, sizeof eb->text - off, "%d: %s\n", line, msg);
}

static struct inventory *
parse(const char *text, size_t len, struct errbuf *eb)
{
	eb->text[0] = '\0';
	return inventory_parse(text, len, collect, eb);
}

#define PARSE(text, eb) parse(text, sizeof text - 1, eb)

static void
test_plain(void **state)
{
	struct errbuf eb;
	struct inventory *inv = PARSE("key,name,kind\n"
				      "ap-1,Nhà văn hóa thôn Đông,wifi-ap\n"
				      "ap-2,  Thôn Trung  ,wifi-ap\n",
	    &eb);

	assert_string_equal(eb.text, "");
	assert_int_equal(inventory_delimiter(inv), ',');
	assert_int_equal(inventory_header_line(inv), 1);
	assert_int_equal(inventory_ncolumns(inv), 3);
	assert_string_equal(inventory_column(inv, 2), "kind");
	assert_int_equal(inventory_nrows(inv), 2);
	assert_int_equal(inventory_row_line(inv, 1), 3);
	assert_string_equal(inventory_cell(inv, 0, 1), "Nhà văn hóa thôn Đông");
	assert_string_equal(inventory_cell(inv, 1, 1), "Thôn Trung");
	assert_string_equal(inventory_cell(inv, 1, 3), "");
	assert_string_equal(inventory_cell(inv, 2, 0), "");
	inventory_free(inv);
}

static size_t
read_fixture(const char *name, char *buf, size_t size)
{
	const char *src = getenv("XANET_SRCDIR");
	char *path =
	    xasprintf("%s/tests/unit/data/%s", src != NULL ? src : "..", name);
	FILE *fp = fopen(path, "rb");
	size_t n;

	free(path);
	assert_non_null(fp);
	n = fread(buf, 1, size, fp);
	fclose(fp);
	return n;
}

/* Excel in a Vietnamese locale: BOM, ';', CRLF, quotes and line breaks. */
static void
test_excel_file(void **state)
{
	char buf[4096];
	size_t n = read_fixture("excel-vi.csv", buf, sizeof buf);
	struct errbuf eb;
	struct inventory *inv = parse(buf, n, &eb);

	assert_string_equal(eb.text, "");
	assert_int_equal(inventory_delimiter(inv), ';');
	/* "Key" lowercased, the two empty trailing columns dropped. */
	assert_int_equal(inventory_ncolumns(inv), 7);
	assert_string_equal(inventory_column(inv, 0), "key");
	assert_string_equal(inventory_column(inv, 6), "isp");
	assert_int_equal(inventory_nrows(inv), 4);
	assert_int_equal(inventory_row_line(inv, 0), 2);
	assert_int_equal(inventory_row_line(inv, 1), 4);
	assert_string_equal(
	    inventory_cell(inv, 1, 1), "Nhà văn hóa thôn Trung; điểm 2");
	assert_string_equal(
	    inventory_cell(inv, 1, 6), "Viettel \"HĐ\" 88/2026");
	/* A line break typed in a cell (Alt+Enter) becomes a space. */
	assert_int_equal(inventory_row_line(inv, 2), 5);
	assert_string_equal(inventory_cell(inv, 2, 1), "Nhà văn hóa thôn Đoài");
	assert_int_equal(inventory_row_line(inv, 3), 7);
	assert_string_equal(
	    inventory_cell(inv, 3, 1), "Nhà văn hóa thôn Nam, cũ");
	assert_string_equal(inventory_cell(inv, 3, 6), "");
	inventory_free(inv);
}

static void
test_quoted_commas_and_newlines(void **state)
{
	struct errbuf eb;
	struct inventory *inv = PARSE("\n  \nkey,name,isp\n"
				      "ap-1,\"Thôn Đông, điểm 1\",\"A\n\nB\"\n"
				      ",,\n"
				      "ap-2,\"Say \"\"hi\"\"\",\n",
	    &eb);

	assert_string_equal(eb.text, "");
	assert_int_equal(inventory_header_line(inv), 3);
	assert_int_equal(inventory_nrows(inv), 2);
	assert_string_equal(inventory_cell(inv, 0, 1), "Thôn Đông, điểm 1");
	assert_string_equal(inventory_cell(inv, 0, 2), "A B");
	assert_int_equal(inventory_row_line(inv, 1), 8);
	assert_string_equal(inventory_cell(inv, 1, 1), "Say \"hi\"");
	inventory_free(inv);
}

/* Old Mac line ends (CR alone) still count as lines. */
static void
test_cr_only(void **state)
{
	struct errbuf eb;
	struct inventory *inv = PARSE("key,name\rap-1,A\r\rap-2,B\r", &eb);

	assert_string_equal(eb.text, "");
	assert_int_equal(inventory_nrows(inv), 2);
	assert_int_equal(inventory_row_line(inv, 0), 2);
	assert_int_equal(inventory_row_line(inv, 1), 4);
	inventory_free(inv);
}

static void
test_csv_errors(void **state)
{
	struct errbuf eb;
	struct inventory *inv = PARSE("key,Name,name,\n"
				      "ap-1,A,B,extra\n"
				      "ap-2,Nhà \"văn\" hóa,C\n"
				      "ap-3,D,E,,,\n"
				      "ap-4,\"F\n",
	    &eb);

	assert_string_equal(eb.text,
	    "1: duplicate column 'name' (columns 2 and 3)\n"
	    "2: value 'extra' in column 4, which has no name in the header "
	    "row\n"
	    "3: misplaced '\"': quote a whole cell, and write a quote inside "
	    "it as \"\"\n"
	    "5: a quoted cell is never closed: a '\"' is missing\n");
	/* The broken rows are dropped; the ones around them are kept. */
	assert_int_equal(inventory_nrows(inv), 2);
	assert_string_equal(inventory_cell(inv, 0, 0), "ap-1");
	assert_string_equal(inventory_cell(inv, 1, 0), "ap-3");
	assert_int_equal(inventory_row_line(inv, 1), 4);
	inventory_free(inv);
}

static void
test_encodings(void **state)
{
	struct errbuf eb;
	struct inventory *inv;
	const char utf16[] = "\xff\xfek\0e\0y\0";
	char latin[1024];
	size_t n = read_fixture("win1258.csv", latin, sizeof latin);

	inv = parse(utf16, sizeof utf16 - 1, &eb);
	assert_string_equal(eb.text,
	    "0: the file is UTF-16 text: in Excel, save it as \"CSV UTF-8 "
	    "(Comma delimited)\"\n");
	assert_int_equal(inventory_nrows(inv), 0);
	inventory_free(inv);

	/*
	 * Excel's "CSV (Comma delimited)" is Windows-1258 in Vietnam: every
	 * row is wrong, so say it once, where it starts.
	 */
	inv = parse(latin, n, &eb);
	assert_string_equal(eb.text,
	    "2: not valid UTF-8 text: in Excel, save the file as \"CSV UTF-8 "
	    "(Comma delimited)\"\n");
	inventory_free(inv);

	inv = PARSE("\xef\xbb\xbf\r\n;;\r\n", &eb);
	assert_string_equal(eb.text,
	    "0: no header row: the first row must name the columns, e.g. "
	    "key,name,kind,address\n");
	assert_int_equal(inventory_header_line(inv), 0);
	assert_int_equal(inventory_ncolumns(inv), 0);
	inventory_free(inv);
}

static void
test_utf8_valid(void **state)
{
	assert_true(utf8_valid(
	    "Nhà văn hóa thôn Đông", strlen("Nhà văn hóa thôn Đông")));
	assert_true(utf8_valid("\xf0\x9f\x93\xb6", 4));
	assert_false(utf8_valid("\xc0\xaf", 2));     /* overlong '/' */
	assert_false(utf8_valid("\xed\xa0\x80", 3)); /* a surrogate */
	assert_false(utf8_valid("\xe1\xbb", 2));     /* cut short */
	assert_false(utf8_valid("a\0b", 3));
	assert_false(utf8_valid("\xf4\x90\x80\x80", 4)); /* past U+10FFFF */
}

/* Through config_load(): in a fresh directory, for short paths. */

SCRATCH_GROUP("inventory")

#define CONF                                  \
	"[site]\nname = Xã Tân Phú\n"      \
	"[daemon]\ninventory = devices.csv\n" \
	"[device router]\nname = Router\nkind = router\n"

static struct config *
load(const char *conf, const char *csv, char *err, size_t errlen)
{
	write_file("devices.csv", csv);
	return load_text(conf, err, errlen);
}

static void
test_config_joins_csv(void **state)
{
	char err[2048];
	struct config *cfg = load(CONF "[device sw-1]\nname = Switch\n"
				       "kind = switch\nparent = ap-1\n",
	    "\xef\xbb\xbfKEY;Name;Kind;Parent;Interval;Timeout;Fail_"
	    "Threshold\r\n"
	    "ap-1;\"Nhà văn hóa thôn Đông; cũ\";wifi-ap;router;1m;;\r\n"
	    "ap-2;Nhà văn hóa thôn Trung;wifi-ap;ap-1;;2s;4\r\n",
	    err, sizeof err);
	const struct config_device *d;

	if (cfg == NULL)
		fail_msg("%s", err);
	assert_int_equal(cfg->ndevices, 4);
	assert_string_equal(cfg->daemon.inventory, "devices.csv");
	d = config_device_find(cfg, "ap-1");
	assert_ptr_equal(d, &cfg->devices[2]);
	assert_string_equal(d->name, "Nhà văn hóa thôn Đông; cũ");
	assert_string_equal(d->src_file, "devices.csv");
	assert_int_equal(d->src_line, 2);
	assert_int_equal(d->parent_index, 0);
	assert_int_equal(d->interval_ms, 60000);
	assert_int_equal(d->timeout_ms, 5000);
	d = config_device_find(cfg, "ap-2");
	assert_int_equal(d->parent_index, 2);
	assert_int_equal(d->interval_ms, 30000);
	assert_int_equal(d->timeout_ms, 2000);
	assert_int_equal(d->fail_threshold, 4);
	/* A device in the config file may hang below one from the CSV. */
	assert_int_equal(config_device_find(cfg, "sw-1")->parent_index, 2);
	config_free(cfg);
}

struct csv_case {
	const char *name;
	const char *conf;
	const char *csv;
	const char *err;
};

static const struct csv_case csv_cases[] = {
    {"unknown column, close to address", CONF,
	"key,name,kind,adress\nap-1,A,wifi-ap,192.0.2.1\n",
	"devices.csv:1: unknown column 'adress' (did you mean "
	"'address'?)"},
    {"unknown column, nothing close", CONF,
	"key,name,kind,serial number\nap-1,A,wifi-ap,X1\n",
	"devices.csv:1: unknown column 'serial number' (columns: key, "
	"name, kind, group, address, parent, isp, probes, interval, "
	"timeout, fail_threshold, success_threshold, probe_rule, "
	"icmp_count, icmp_spacing, http_status, http_contains, loss_warn, "
	"rtt_warn, degraded_after, flap_count, flap_window, maintenance, "
	"snmp_version, snmp_port, "
	"snmp_community, snmp_user, snmp_auth, snmp_auth_pass, snmp_priv, "
	"snmp_priv_pass, snmp_profile, snmp_important, snmp_oids, "
	"heartbeat_grace)"},
    {"unknown column, close to a new one", CONF,
	"key,name,kind,maintenace\nap-1,A,wifi-ap,Sun 22:00-23:00\n",
	"devices.csv:1: unknown column 'maintenace' (did you mean "
	"'maintenance'?)"},
    {"bad new settings", CONF,
	"key,name,kind,probe_rule,icmp_count,icmp_spacing,http_status,"
	"loss_warn,rtt_warn,degraded_after,flap_count,flap_window\n"
	"ap-1,A,wifi-ap,some,0,1ms,99,0,61s,0s,1,25h\n",
	"devices.csv:2: bad probe_rule 'some' for device 'ap-1': expected "
	"any or all\n"
	"devices.csv:2: bad icmp_count '0' for device 'ap-1': expected a "
	"whole number from 1 to 100\n"
	"devices.csv:2: bad icmp_spacing '1ms' for device 'ap-1': expected "
	"a duration from 10ms to 10s, such as 200ms or 1s\n"
	"devices.csv:2: bad http_status '99' for device 'ap-1': expected "
	"HTTP status codes from 100 to 599 and ranges of them, separated by "
	"commas, such as 200-399, 401\n"
	"devices.csv:2: bad loss_warn '0' for device 'ap-1': expected a "
	"percentage from 1 to 100, such as 20 or 12.5\n"
	"devices.csv:2: bad rtt_warn '61s' for device 'ap-1': expected a "
	"duration from 1ms to 60s, such as 150ms, or off\n"
	"devices.csv:2: bad degraded_after '0s' for device 'ap-1': expected "
	"a duration from 1s to 1d, such as 5m or 30m\n"
	"devices.csv:2: bad flap_count '1' for device 'ap-1': expected a "
	"whole number from 2 to 100\n"
	"devices.csv:2: bad flap_window '25h' for device 'ap-1': expected a "
	"duration from 1s to 1d, such as 5m or 30m"},
    {"bad maintenance window", CONF,
	"key,name,kind,maintenance\n"
	"ap-1,A,wifi-ap,\"daily 02:00-02:30, Mon-Fri 12:00-13:70\"\n",
	"devices.csv:2: bad maintenance window 'Mon-Fri 12:00-13:70' for "
	"device 'ap-1': minute must be 0-59"},
    {"icmp round longer than the interval", CONF,
	"key,name,kind,interval,icmp_count,icmp_spacing\n"
	"ap-1,A,wifi-ap,10s,6,1s\n",
	"devices.csv:2: icmp round 10s (icmp_count 6, icmp_spacing 1s, "
	"timeout 5s) must be shorter than interval 10s for device 'ap-1'"},
    {"missing columns", CONF, "\n\nname,address\nA,192.0.2.1\n",
	"devices.csv:3: missing column 'key' in the header row\n"
	"devices.csv:3: missing column 'kind' in the header row"},
    {"row without a key", CONF, "key,name,kind\n,A,wifi-ap\n",
	"devices.csv:2: missing device key (column 'key')"},
    {"invalid key", CONF, "key,name,kind\nap 1,A,wifi-ap\n",
	"devices.csv:2: invalid device key 'ap 1': use 1 to 63 letters, "
	"digits, '.', '_' or '-'"},
    {"device also in the config file", CONF, "key,name,kind\nrouter,R,router\n",
	"devices.csv:2: duplicate device 'router' (first defined at "
	"t.conf:5)"},
    {"device twice in the CSV", CONF,
	"key,name,kind\nap-1,A,wifi-ap\n\"ap-1\",B,wifi-ap\n",
	"devices.csv:3: duplicate device 'ap-1' (first defined at line 2)"},
    {"bad values", CONF,
	"key,name,kind,address,interval\nap-1,A,wifi,192.0.2.300,5x\n",
	"devices.csv:2: bad kind 'wifi' for device 'ap-1': expected one of "
	"wifi-ap, switch, router, firewall, server, pc, printer, other\n"
	"devices.csv:2: bad address '192.0.2.300' for device 'ap-1': "
	"expected an IPv4 address, IPv6 address or host name\n"
	"devices.csv:2: bad interval '5x' for device 'ap-1': expected a "
	"duration from 1s to 1d, such as 30s, 5m or 1h30m"},
    {"missing required values", CONF,
	"key;name;kind\r\nap-1;;wifi-ap\r\nap-2;B;\r\n",
	"devices.csv:2: missing required value 'name' for device 'ap-1'\n"
	"devices.csv:3: missing required value 'kind' for device 'ap-2'"},
    {"timeout not below the interval", CONF,
	"key,name,kind,interval,timeout\nap-1,A,wifi-ap,10s,10s\n",
	"devices.csv:2: timeout 10s must be shorter than interval 10s for "
	"device 'ap-1'"},
    {"unknown parent in the CSV", CONF,
	"key,name,kind,parent\nap-1,A,wifi-ap,routr\n",
	"devices.csv:2: unknown parent 'routr' for device 'ap-1' (did you "
	"mean 'router'?)"},
    {"config device with a parent missing from the CSV",
	CONF "[device sw-1]\nname = S\nkind = switch\nparent = ap-3\n",
	"key,name,kind\nap-1,A,wifi-ap\n",
	"t.conf:11: unknown parent 'ap-3' for device 'sw-1' (did you mean "
	"'ap-1'?)"},
    {"cycle across both files",
	CONF "[device sw-1]\nname = S\nkind = switch\nparent = ap-1\n",
	"key,name,kind,parent\nap-1,A,wifi-ap,sw-1\n",
	"t.conf:11: parent cycle: sw-1 -> ap-1 -> sw-1"},
    {"a device of its own in the CSV", CONF,
	"key,name,kind,parent\nap-1,A,wifi-ap,ap-1\n",
	"devices.csv:2: device 'ap-1' is its own parent"},
    {"quote in the middle of a cell", CONF,
	"key,name,kind\nap-1,Nhà \"A\",wifi-ap\nap-2,B,wifi-ap\n",
	"devices.csv:2: misplaced '\"': quote a whole cell, and write a "
	"quote inside it as \"\""},
    {"Excel's ANSI export", CONF,
	"key,name,kind\nap-1,Nh\xe0 v\xe3n h\xf3"
	"a,wifi-ap\n",
	"devices.csv:2: not valid UTF-8 text: in Excel, save the file as "
	"\"CSV UTF-8 (Comma delimited)\""},
    {"empty inventory", CONF, "",
	"devices.csv: no header row: the first row must name the columns, "
	"e.g. key,name,kind,address"},
};

static void
test_csv_case(void **state)
{
	const struct csv_case *c = *state;
	char err[2048];
	struct config *cfg = load(c->conf, c->csv, err, sizeof err);

	if (cfg != NULL) {
		config_free(cfg);
		fail_msg("accepted: %s", c->csv);
	}
	assert_string_equal(err, c->err);
}

/*
 * The device settings as optional columns: a cell sets one, an empty
 * cell leaves [defaults]' value. Excel quotes a cell holding the ';' it
 * separates cells with.
 */
static void
test_csv_settings(void **state)
{
	char err[2048];
	struct config *cfg = load(CONF "[defaults]\nprobe_rule = all\n"
				       "maintenance = daily 02:00-02:30\n"
				       "http_contains = Xin chào\n",
	    "key;name;kind;probes;probe_rule;icmp_count;icmp_spacing;"
	    "http_status;http_contains;loss_warn;rtt_warn;degraded_after;"
	    "flap_count;flap_window;maintenance\r\n"
	    "ap-1;A;wifi-ap;icmp, https://192.0.2.1/;any;5;200ms;"
	    "200-299, 302;Đăng nhập;35%;300ms;2m;8;1h;"
	    "\"Sun 22:00-23:00; 2026-12-24 22:00 - 2026-12-25 06:00\"\r\n"
	    "ap-2;B;wifi-ap;;;;;;;;;;;;\r\n"
	    "ap-3;C;wifi-ap;;;;;;;;;;;;none\r\n",
	    err, sizeof err);
	const struct config_device *d;

	if (cfg == NULL)
		fail_msg("%s", err);
	d = config_device_find(cfg, "ap-1");
	assert_string_equal(d->probes, "icmp, https://192.0.2.1/");
	assert_int_equal(d->probe_rule, PROBE_RULE_ANY);
	assert_int_equal(d->icmp_count, 5);
	assert_int_equal(d->icmp_spacing_ms, 200);
	assert_string_equal(d->http_status, "200-299,302");
	assert_string_equal(d->http_contains, "Đăng nhập");
	assert_true(d->loss_warn == 35);
	assert_int_equal(d->rtt_warn_ms, 300);
	assert_int_equal(d->degraded_after_ms, 120000);
	assert_int_equal(d->flap_count, 8);
	assert_int_equal(d->flap_window_ms, 3600000);
	assert_string_equal(d->maintenance,
	    "Sun 22:00-23:00; 2026-12-24 22:00 - 2026-12-25 06:00");
	d = config_device_find(cfg, "ap-2");
	assert_string_equal(d->probes, "icmp");
	assert_int_equal(d->probe_rule, PROBE_RULE_ALL);
	assert_int_equal(d->icmp_count, 3);
	assert_int_equal(d->icmp_spacing_ms, 1000);
	assert_string_equal(d->http_status, "200-399");
	assert_string_equal(d->http_contains, "Xin chào");
	assert_true(d->loss_warn == 20);
	assert_int_equal(d->rtt_warn_ms, 0);
	assert_int_equal(d->degraded_after_ms, 300000);
	assert_int_equal(d->flap_count, 6);
	assert_int_equal(d->flap_window_ms, 1800000);
	assert_string_equal(d->maintenance, "daily 02:00-02:30");
	assert_null(config_device_find(cfg, "ap-3")->maintenance);
	config_free(cfg);
}

/* The inventory's errors come after those of the config file. */
static void
test_errors_in_both_files(void **state)
{
	char err[2048];

	assert_null(load(CONF "[web]\nport = 0\n", "key,name,kind\nap-1,A,ap\n",
	    err, sizeof err));
	assert_string_equal(err,
	    "t.conf:9: bad port '0' in [web]: expected a port number from 1 "
	    "to 65535\n"
	    "devices.csv:2: bad kind 'ap' for device 'ap-1': expected one of "
	    "wifi-ap, switch, router, firewall, server, pc, printer, other");
}

static void
test_inventory_beside_config(void **state)
{
	char err[2048], *dir = xasprintf("%s/sub", tmpdir);
	struct config *cfg;

	assert_int_equal(mkdir(dir, 0700), 0);
	write_file("sub/devices.csv", "key,name,kind\nap-1,A,wifi-ap\n");
	write_file("sub/x.conf", CONF);
	/* Relative to the config file, not to the working directory. */
	cfg = config_load("sub/x.conf", err, sizeof err);
	if (cfg == NULL)
		fail_msg("%s", err);
	assert_string_equal(cfg->daemon.inventory, "sub/devices.csv");
	assert_string_equal(cfg->devices[1].src_file, "sub/devices.csv");
	config_free(cfg);
	write_file("sub/devices.csv", "key,name,kind\nap-1,A,ap\n");
	assert_null(config_load("sub/x.conf", err, sizeof err));
	assert_string_equal(err,
	    "sub/devices.csv:2: bad kind 'ap' for device 'ap-1': expected one "
	    "of wifi-ap, switch, router, firewall, server, pc, printer, other");
	unlink("sub/devices.csv");
	unlink("sub/x.conf");
	rmdir(dir);
	free(dir);
}

int
main(void)
{
	const struct CMUnitTest fixed[] = {
	    cmocka_unit_test(test_plain),
	    cmocka_unit_test(test_excel_file),
	    cmocka_unit_test(test_quoted_commas_and_newlines),
	    cmocka_unit_test(test_cr_only),
	    cmocka_unit_test(test_csv_errors),
	    cmocka_unit_test(test_encodings),
	    cmocka_unit_test(test_utf8_valid),
	    cmocka_unit_test(test_config_joins_csv),
	    cmocka_unit_test(test_csv_settings),
	    cmocka_unit_test(test_errors_in_both_files),
	    cmocka_unit_test(test_inventory_beside_config),
	};
	size_t ncsv = sizeof csv_cases / sizeof csv_cases[0];
	size_t nfixed = sizeof fixed / sizeof fixed[0];
	struct CMUnitTest *tests = xcalloc(ncsv + nfixed, sizeof *tests);
	int rc;

	memcpy(tests, fixed, sizeof fixed);
	for (size_t i = 0; i < ncsv; i++) {
		tests[nfixed + i].name = csv_cases[i].name;
		tests[nfixed + i].test_func = test_csv_case;
		tests[nfixed + i].initial_state = (void *)&csv_cases[i];
	}
	rc = _cmocka_run_group_tests("test_inventory", tests, ncsv + nfixed,
	    group_setup, group_teardown);
	free(tests);
	return rc;
}
