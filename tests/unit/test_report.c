/* test_report.c - unit tests of the report model: indicators, scope, CSV quoting and BOM, local days around 00:00 +07. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "common/config.h"
#include "common/i18n.h"
#include "common/xtime.h"
#include "evidence/indicator.h"
#include "evidence/report.h"
#include "store/migrate.h"

#define SEC  1000LL
#define MIN  (60 * SEC)
#define HOUR (60 * MIN)
#define DAY  (24 * HOUR)

/* 2026Q3 in Vietnam: 2026-06-30T17:00Z to 2026-09-30T17:00Z, 92 days. */
#define Q3_FROM 1782838800000LL
#define Q3_TO   1790787600000LL

static struct report_device
dev(const char *key, const char *kind, const char *group, int64_t up,
    int64_t down)
{
	struct report_device d;

	memset(&d, 0, sizeof d);
	d.key = (char *)key;
	d.name = (char *)key;
	d.kind = (char *)kind;
	d.group = (char *)group;
	d.exists = true;
	d.up.up_ms = up;
	d.up.down_ms = down;
	d.up.uptime_pct =
	    up + down > 0 ? 100.0 * (double)up / (double)(up + down) : -1;
	return d;
}

static struct config_indicator
ind(const char *metric, const char *scope, double target)
{
	struct config_indicator c;

	memset(&c, 0, sizeof c);
	c.key = (char *)"k";
	c.title = (char *)"Tiêu đề";
	c.metric = (char *)metric;
	c.scope = (char *)scope;
	c.target = target;
	c.loss_max = 2;
	c.rtt_max_ms = 150;
	c.peak_from_h = 8;
	c.peak_to_h = 17;
	return c;
}

static void
ind_free(struct report_indicator *o)
{
	free(o->key);
	free(o->title);
	free(o->metric);
	free(o->scope);
	free(o->detail);
}

/* Three APs in two villages, a router: a small hand-built report. */
static struct report_device devs[4];

static void
small_report(struct report *r, const char *lang)
{
	memset(r, 0, sizeof *r);
	devs[0] = dev("ap-01", "wifi-ap", "Thôn Đông", 99 * HOUR, 1 * HOUR);
	devs[1] = dev("ap-02", "wifi-ap", "Thôn Bắc", 90 * HOUR, 10 * HOUR);
	devs[2] = dev("ap-03", "wifi-ap", "Thôn Bắc", 100 * HOUR, 0);
	devs[3] = dev("rt-01", "router", NULL, 50 * HOUR, 50 * HOUR);
	r->devices = devs;
	r->ndevices = 4;
	r->lang = (char *)lang;
	r->lan_coverage_pct = 97.5;
}

static void
test_scope(void **state)
{
	struct report r;

	small_report(&r, "vi");
	assert_int_equal(indicator_scope_kind(&r, NULL), SCOPE_ALL);
	assert_int_equal(indicator_scope_kind(&r, ""), SCOPE_ALL);
	assert_int_equal(indicator_scope_kind(&r, "wifi-ap"), SCOPE_KIND);
	assert_int_equal(indicator_scope_kind(&r, "Thôn Bắc"), SCOPE_GROUP);
	assert_int_equal(indicator_scope_kind(&r, "ap-02"), SCOPE_DEVICE);
	assert_true(indicator_scope_match(SCOPE_KIND, "wifi-ap", &devs[0]));
	assert_false(indicator_scope_match(SCOPE_KIND, "wifi-ap", &devs[3]));
	assert_true(indicator_scope_match(SCOPE_GROUP, "Thôn Bắc", &devs[1]));
	assert_false(indicator_scope_match(SCOPE_GROUP, "Thôn Bắc", &devs[0]));
	/* A device with no group never matches a group. */
	assert_false(indicator_scope_match(SCOPE_GROUP, "Thôn Bắc", &devs[3]));
	assert_true(indicator_scope_match(SCOPE_DEVICE, "ap-02", &devs[1]));
	assert_false(indicator_scope_match(SCOPE_DEVICE, "ap-02", &devs[2]));
	assert_true(indicator_scope_match(SCOPE_ALL, NULL, &devs[3]));
}

static void
test_uptime_group(void **state)
{
	struct config_indicator c = ind("uptime-group", "wifi-ap", 95);
	struct report_indicator o;
	struct report r;

	small_report(&r, "vi");
	/* (99 + 90 + 100) / 300 h = 96.33%. */
	indicator_judge(&r, &c, NULL, &o);
	assert_float_equal(o.value, 100.0 * 289 / 300, 1e-9);
	assert_int_equal(o.verdict, REPORT_MET);
	assert_string_equal(o.detail,
	    "3 thiết bị: hoạt động 289,0 giờ / (hoạt động + mất kết nối) "
	    "300,0 giờ");
	ind_free(&o);
	/* Group scope: ap-02 + ap-03 = 190 / 200 = 95%: met, just. */
	c = ind("uptime-group", "Thôn Bắc", 95);
	indicator_judge(&r, &c, NULL, &o);
	assert_float_equal(o.value, 95.0, 1e-9);
	assert_int_equal(o.verdict, REPORT_MET);
	ind_free(&o);
	c = ind("uptime-group", "Thôn Bắc", 95.5);
	indicator_judge(&r, &c, NULL, &o);
	assert_int_equal(o.verdict, REPORT_NOT_MET);
	ind_free(&o);
	/* All devices: 339 / 400. */
	c = ind("uptime-group", NULL, 90);
	indicator_judge(&r, &c, NULL, &o);
	assert_float_equal(o.value, 100.0 * 339 / 400, 1e-9);
	assert_int_equal(o.verdict, REPORT_NOT_MET);
	ind_free(&o);
	/* No target: the value shows, nothing is judged. */
	c = ind("uptime-group", "rt-01", -1);
	indicator_judge(&r, &c, NULL, &o);
	assert_float_equal(o.value, 50.0, 1e-9);
	assert_int_equal(o.verdict, REPORT_NO_DATA);
	ind_free(&o);
	/* At most: 50 <= 60 is met. */
	c = ind("uptime-group", "rt-01", 60);
	c.at_most = 1;
	indicator_judge(&r, &c, NULL, &o);
	assert_int_equal(o.verdict, REPORT_MET);
	assert_true(o.at_most);
	ind_free(&o);
	/* A scope with no device: no data. */
	c = ind("uptime-group", "nowhere", 95);
	indicator_judge(&r, &c, NULL, &o);
	assert_true(o.value < 0);
	assert_int_equal(o.verdict, REPORT_NO_DATA);
	ind_free(&o);
}

static void
test_uptime_device_min(void **state)
{
	struct config_indicator c = ind("uptime-device-min", "wifi-ap", 90);
	struct report_indicator o;
	struct report r;

	small_report(&r, "en");
	indicator_judge(&r, &c, NULL, &o);
	assert_float_equal(o.value, 90.0, 1e-9);
	assert_int_equal(o.verdict, REPORT_MET);
	assert_string_equal(o.detail, "Lowest: ap-02 (ap-02), of 3 devices");
	ind_free(&o);
	c.target = 91;
	indicator_judge(&r, &c, NULL, &o);
	assert_int_equal(o.verdict, REPORT_NOT_MET);
	ind_free(&o);
}

static void
test_lan_and_av(void **state)
{
	struct config_indicator c = ind("lan-coverage", NULL, 95);
	struct report_indicator o;
	struct report r;

	small_report(&r, "vi");
	indicator_judge(&r, &c, NULL, &o);
	assert_float_equal(o.value, 97.5, 1e-9);
	assert_int_equal(o.verdict, REPORT_MET);
	ind_free(&o);
	r.lan_coverage_pct = -1;
	indicator_judge(&r, &c, NULL, &o);
	assert_int_equal(o.verdict, REPORT_NO_DATA);
	assert_string_equal(o.detail, "Bộ lấy mẫu LAN chưa từng chạy");
	ind_free(&o);

	c = ind("av-coverage", "pc", 100);
	indicator_judge(&r, &c, NULL, &o);
	assert_true(o.value < 0);
	assert_int_equal(o.verdict, REPORT_NO_DATA);
	assert_non_null(strstr(o.detail, "diệt virus"));
	assert_non_null(strstr(o.detail, "Chưa đo"));
	ind_free(&o);
	r.lang = (char *)"en";
	indicator_judge(&r, &c, NULL, &o);
	assert_non_null(strstr(o.detail, "antivirus"));
	ind_free(&o);

	c = ind("frobnicate", NULL, 100);
	indicator_judge(&r, &c, NULL, &o);
	assert_int_equal(o.verdict, REPORT_NO_DATA);
	assert_string_equal(o.detail, "Unknown metric: frobnicate");
	ind_free(&o);
	assert_true(indicator_metric_known("av-coverage"));
	assert_false(indicator_metric_known("frobnicate"));
	assert_true(indicator_needs_hours("uplink-quality"));
	assert_false(indicator_needs_hours("uptime-group"));
}

static void
test_uplink_quality(void **state)
{
	struct config_indicator c = ind("uplink-quality", "router", 75);
	struct indicator_hour h[48];
	struct indicator_hours hs = {Q3_FROM, 48, h};
	struct report_indicator o;
	struct report r;

	small_report(&r, "en");
	memset(h, 0, sizeof h);
	/*
	 * Day 1 local 08:00-17:00 is hours 8..16 (the period starts at local
	 * midnight). 9 peak hours: 6 good, 1 lossy, 1 slow, 1 with no
	 * samples (not counted). Off-peak hours are bad and never count.
	 */
	for (int i = 0; i < 48; i++)
		h[i] = (struct indicator_hour){100, 50, 50 * 900000LL, 50};
	for (int i = 8; i < 14; i++)
		h[i] = (struct indicator_hour){100, 98, 98 * 20000LL, 98};
	h[14] = (struct indicator_hour){100, 97, 97 * 20000LL, 97};
	h[15] = (struct indicator_hour){100, 100, 100 * 151000LL, 100};
	h[16] = (struct indicator_hour){0, 0, 0, 0};
	/* Day 2: one good peak hour, one where nothing answered. */
	for (int i = 32; i < 41; i++)
		h[i] = (struct indicator_hour){0, 0, 0, 0};
	h[32] = (struct indicator_hour){10, 10, 10 * 5000LL, 10};
	h[33] = (struct indicator_hour){10, 0, 0, 0};
	indicator_judge(&r, &c, &hs, &o);
	/* Counted 8 + 2 = 10, good 6 + 1 = 7. */
	assert_float_equal(o.value, 70.0, 1e-9);
	assert_int_equal(o.verdict, REPORT_NOT_MET);
	assert_string_equal(o.detail,
	    "7/10 peak hours (08:00-17:00) within the loss and latency "
	    "bounds");
	ind_free(&o);
	hs.n = 0;
	indicator_judge(&r, &c, &hs, &o);
	assert_int_equal(o.verdict, REPORT_NO_DATA);
	ind_free(&o);
}

/* The file's text after the BOM, checking that the BOM is there. */
static const char *
after_bom(const struct report_file *f)
{
	assert_true(f->len >= 3);
	assert_memory_equal(f->data, "\xEF\xBB\xBF", 3);
	return f->data + 3;
}

static void
test_csv_quoting(void **state)
{
	struct report r;
	struct report_outage out[1];
	struct report_alert al[1];
	struct report_file f;
	int64_t days[1] = {Q3_FROM};

	small_report(&r, "en");
	devs[0].name = (char *)"Nhà văn hóa \"Đông\", thôn 1";
	devs[0].group = (char *)"Thôn\r\nĐông";
	devs[0].up.from_ms = Q3_FROM;
	devs[0].up.to_ms = Q3_FROM + DAY;
	devs[0].up.uptime_pct = 99.99999;
	devs[0].up.coverage_pct = 100;
	r.ndevices = 1;
	r.ndays = 0;
	r.days_ms = days;
	r.from_ms = Q3_FROM;
	r.to_ms = Q3_FROM + DAY;
	assert_int_equal(report_csv_uptime(&r, &f), 0);
	assert_string_equal(f.name, "uptime.csv");
	assert_string_equal(after_bom(&f),
	    "Day,Device key,Device name,Kind,Group (village),From,To,"
	    "Period part (s),Up (s),Down (s),Unreachable (s),"
	    "Maintenance (s),Not watched (s),Uptime (%),Coverage (%),"
	    "Outages,Longest outage (s)\r\n"
	    "Whole period,ap-01,\"Nhà văn hóa \"\"Đông\"\", thôn 1\","
	    "wifi-ap,\"Thôn\r\nĐông\",2026-07-01 00:00:00 +07:00,"
	    "2026-07-02 00:00:00 +07:00,86400,356400,3600,0,0,0,99.9999,"
	    "100.0000,0,0\r\n");
	free(f.data);

	memset(out, 0, sizeof out);
	out[0].device = 0;
	out[0].start_ms = Q3_FROM + 23 * HOUR;
	out[0].end_ms = Q3_FROM + 25 * HOUR + 500;
	out[0].open = true;
	strcpy(out[0].cause, "timeout");
	r.outages = out;
	r.noutages = 1;
	r.lang = (char *)"vi";
	assert_int_equal(report_csv_outages(&r, &f), 0);
	assert_string_equal(after_bom(&f),
	    "Mã thiết bị,Tên thiết bị,Nhóm (thôn),Bắt đầu,Kết thúc,"
	    "Thời lượng (giây),Mã nguyên nhân,Nguyên nhân,Còn tiếp diễn\r\n"
	    "ap-01,\"Nhà văn hóa \"\"Đông\"\", thôn 1\",\"Thôn\r\nĐông\","
	    "2026-07-01 23:00:00 +07:00,2026-07-02 01:00:00 +07:00,"
	    "7200.500,timeout,Không phản hồi,Có\r\n");
	free(f.data);

	memset(al, 0, sizeof al);
	al[0].id = 7;
	al[0].ts_ms = Q3_FROM;
	al[0].severity = (char *)"error";
	al[0].event = (char *)"down";
	al[0].device_key = NULL;
	al[0].details = (char *)"mất 3/3, \"ICMP\"";
	al[0].acked_ms = -1;
	r.alerts = al;
	r.nalerts = 1;
	r.lang = (char *)"en";
	assert_int_equal(report_csv_alerts(&r, &f), 0);
	assert_string_equal(after_bom(&f),
	    "Id,Time,Severity,Event,Device key,Details,Acknowledged at\r\n"
	    "7,2026-07-01 00:00:00 +07:00,error,down,,"
	    "\"mất 3/3, \"\"ICMP\"\"\",\r\n");
	free(f.data);

	/* A LAN-supplied text that Excel would run as a formula is defused. */
	al[0].details = (char *)"=HYPERLINK(\"http://x\",\"y\")";
	al[0].device_key = (char *)"@x";
	assert_int_equal(report_csv_alerts(&r, &f), 0);
	assert_non_null(strstr(after_bom(&f),
	    "error,down,'@x,\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",\r\n"));
	free(f.data);
}

/* The catalogue of this area is sorted (bsearch) and has both languages. */
static void
test_catalogue(void **state)
{
	size_t n;
	const struct i18n_catalogue *const *cats = i18n_catalogues(&n);

	for (size_t c = 0; c < n; c++) {
		if (strcmp(cats[c]->name, "data") != 0)
			continue;
		for (size_t i = 0; i < cats[c]->nmsgs; i++) {
			assert_non_null(cats[c]->msgs[i].text[I18N_VI]);
			assert_non_null(cats[c]->msgs[i].text[I18N_EN]);
			if (i > 0)
				assert_true(strcmp(cats[c]->msgs[i - 1].key,
						cats[c]->msgs[i].key) < 0);
		}
		return;
	}
	fail_msg("no catalogue 'data'");
}

static void
exec_ok(sqlite3 *db, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", sql, msg);
}

/*
 * report_build on a real schema in memory: an outage across local
 * midnight (23:00 +07 to 01:00 +07 = 16:00Z to 18:00Z) counts one hour
 * on each local day; the quarter has 92 local days starting at 00:00 +07.
 */
static void
test_build_local_days(void **state)
{
	struct report_opts o = {0};
	struct report *r = NULL;
	char err[256], sql[1024];
	sqlite3 *db;

	assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
	assert_int_equal(migrate_to(db, migrate_latest(), err, sizeof err), 0);
	snprintf(sql, sizeof sql,
	    "INSERT INTO device (id, key, name, kind, grp, added_ms) VALUES "
	    "(1, 'ap-01', 'Nhà văn hóa', 'wifi-ap', 'Thôn', %lld);"
	    "INSERT INTO state_interval (device_id, state, start_ms, end_ms, "
	    "prev_hash, hash) VALUES "
	    "(1, 'up', %lld, %lld, zeroblob(32), zeroblob(32)),"
	    "(1, 'down', %lld, %lld, zeroblob(32), zeroblob(32)),"
	    "(1, 'up', %lld, NULL, zeroblob(32), randomblob(32));"
	    "INSERT INTO monitor_run (start_ms, last_alive_ms, stop_ms, "
	    "version, config_hash) VALUES (%lld, %lld, NULL, 'x', 'y');",
	    (long long)(Q3_FROM - DAY), (long long)(Q3_FROM - DAY),
	    (long long)(Q3_FROM + 23 * HOUR), (long long)(Q3_FROM + 23 * HOUR),
	    (long long)(Q3_FROM + 25 * HOUR), (long long)(Q3_FROM + 25 * HOUR),
	    (long long)(Q3_FROM - DAY), (long long)(Q3_FROM + 10 * DAY));
	exec_ok(db, sql);
	o.from_ms = Q3_FROM;
	o.to_ms = Q3_TO;
	o.now_ms = Q3_TO + DAY;
	/* The open interval and the open run end here. */
	o.watched_until_ms = Q3_FROM + 46 * DAY;
	assert_int_equal(report_build(db, NULL, &o, &r, err, sizeof err), 0);
	assert_int_equal(r->ndays, 92);
	assert_true(r->days_ms[0] == Q3_FROM);
	assert_true(r->days_ms[1] == Q3_FROM + DAY);
	assert_true(r->days_ms[91] == Q3_TO - DAY);
	assert_int_equal(r->ndevices, 1);
	/* 23/24 up on each of the first two local days. */
	assert_float_equal(
	    r->devices[0].days[0].uptime_pct, 100.0 * 23 / 24, 1e-9);
	assert_float_equal(
	    r->devices[0].days[1].uptime_pct, 100.0 * 23 / 24, 1e-9);
	assert_float_equal(r->devices[0].days[2].uptime_pct, 100.0, 1e-9);
	assert_float_equal(r->devices[0].days[2].coverage_pct, 100.0, 1e-9);
	/* Watched until day 46: day 46 on has no up or down time. */
	assert_float_equal(r->devices[0].days[45].coverage_pct, 100.0, 1e-9);
	assert_float_equal(r->devices[0].days[46].coverage_pct, 0.0, 1e-9);
	assert_true(r->devices[0].days[46].uptime_pct < 0);
	assert_true(r->devices[0].up.unknown_ms == 46 * DAY);
	assert_int_equal(r->noutages, 1);
	assert_true(r->outages[0].start_ms == Q3_FROM + 23 * HOUR);
	assert_true(r->outages[0].end_ms == Q3_FROM + 25 * HOUR);
	assert_false(r->outages[0].open);
	/* The open run is the newest: it ends at watched_until. */
	assert_true(r->watched_ms == 46 * DAY);
	assert_float_equal(r->coverage_pct, 50.0, 1e-9);
	assert_true(r->lan_coverage_pct < 0);
	assert_false(r->lan);
	/* The chain head is the newest row's hash, lowercase hex. */
	assert_int_equal(strlen(r->chain_state), 64);
	assert_string_equal(r->chain_alert, "");
	report_free(r);
	sqlite3_close(db);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_scope),
	    cmocka_unit_test(test_uptime_group),
	    cmocka_unit_test(test_uptime_device_min),
	    cmocka_unit_test(test_lan_and_av),
	    cmocka_unit_test(test_uplink_quality),
	    cmocka_unit_test(test_csv_quoting),
	    cmocka_unit_test(test_catalogue),
	    cmocka_unit_test(test_build_local_days),
	};

	time_zone_set("Asia/Ho_Chi_Minh");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
