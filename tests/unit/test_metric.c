/* test_metric.c - unit tests of store/metric: inserts, hourly rollups, pruning, the SNMP tables and their reads. */
#include <setjmp.h>
#include <stdarg.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "common/util.h"
#include "probes/snmpdata.h"
#include "store/metric.h"
#include "store/writer.h"
#include "tests/unit/testutil.h"

#define H  INT64_C(3600000)
#define T0 INT64_C(1790787600000) /* the start of a UTC hour */

static void
add_devices(struct store_fixture *f)
{
	exec_ok(writer_db(f->w),
	    "INSERT INTO device (id, key, name, kind, added_ms) VALUES "
	    "(1, 'sw-1', 'Switch UBND', 'switch', 0), "
	    "(2, 'ap-1', 'AP thôn 1', 'wifi-ap', 0)");
}

struct hours {
	struct metric_hour h[8];
	int n;
};

static int
hours_cb(const struct metric_hour *h, void *arg)
{
	struct hours *hs = arg;

	if (hs->n < 8)
		hs->h[hs->n++] = *h;
	return 0;
}

static void
test_insert_rollup(void **state)
{
	struct store_fixture *f = *state;
	struct hours hs = {.n = 0};

	add_devices(f);
	assert_int_equal(
	    metric_insert(f->w, 1, "if_in_bps", "2", T0 + 1000, 1000.0), 0);
	assert_int_equal(
	    metric_insert(f->w, 1, "if_in_bps", "2", T0 + 61000, 3000.0), 0);
	assert_int_equal(
	    metric_insert(f->w, 1, "if_in_bps", "2", T0 + 3599999, 500.0), 0);
	assert_int_equal(
	    metric_insert(f->w, 1, "if_in_bps", "2", T0 + H, 42.0), 0);
	/* Other series do not mix in. */
	assert_int_equal(
	    metric_insert(f->w, 1, "if_in_bps", "3", T0 + 1000, 9e9), 0);
	assert_int_equal(
	    metric_insert(f->w, 2, "if_in_bps", "2", T0 + 1000, 9e9), 0);
	assert_int_equal(metric_insert(f->w, 1, "cpu_pct", NULL, T0, 7), 0);
	/* Not a number: refused, nothing stored. */
	assert_int_equal(metric_insert(f->w, 1, "cpu_pct", "", T0, NAN), -1);
	assert_int_equal(writer_commit(f->w), 0);

	assert_int_equal(query_int(f->r, "SELECT count(*) FROM metric"), 7);
	assert_int_equal(metric_hours(f->r, 1, "if_in_bps", "2", T0, T0 + 2 * H,
			     hours_cb, &hs),
	    2);
	assert_true(hs.h[0].hour_ms == T0);
	assert_int_equal(hs.h[0].count, 3);
	assert_float_equal(hs.h[0].min, 500.0, 1e-9);
	assert_float_equal(hs.h[0].max, 3000.0, 1e-9);
	assert_float_equal(hs.h[0].avg, 1500.0, 1e-9);
	assert_true(hs.h[1].hour_ms == T0 + H);
	assert_int_equal(hs.h[1].count, 1);
	assert_float_equal(hs.h[1].avg, 42.0, 1e-9);
	/* [from, to) */
	hs.n = 0;
	assert_int_equal(metric_hours(f->r, 1, "if_in_bps", "2", T0 + H,
			     T0 + 2 * H, hours_cb, &hs),
	    1);
	hs.n = 0;
	assert_int_equal(
	    metric_hours(f->r, 1, "cpu_pct", NULL, T0, T0 + H, hours_cb, &hs),
	    1);
	assert_float_equal(hs.h[0].avg, 7.0, 1e-9);
}

static void
test_prune(void **state)
{
	struct store_fixture *f = *state;
	int n, total = 0;

	add_devices(f);
	for (int i = 0; i < 25; i++)
		assert_int_equal(metric_insert(f->w, 1 + i % 2, "clients", "1",
				     T0 + i * 60000, i),
		    0);
	assert_int_equal(writer_commit(f->w), 0);
	assert_int_equal(metric_prune(f->w, T0, 0), -1);
	/* Older than T0 + 10 min: rows 0..9, in chunks of 4. */
	while ((n = metric_prune(f->w, T0 + 600000, 4)) > 0) {
		assert_true(n <= 4);
		total += n;
		assert_int_equal(writer_commit(f->w), 0);
	}
	assert_int_equal(n, 0);
	assert_int_equal(total, 10);
	assert_int_equal(query_int(f->r, "SELECT count(*) FROM metric"), 15);
	assert_int_equal(
	    query_int(f->r, "SELECT min(ts_ms) - 1790787600000 FROM metric"),
	    600000);
	/* The rollups stay. */
	assert_int_equal(
	    query_int(f->r, "SELECT sum(count) FROM metric_hour"), 25);
}

struct latest {
	char names[16][80];
	double v[16];
	int n;
};

static int
latest_cb(const struct metric_value *v, void *arg)
{
	struct latest *l = arg;

	if (l->n < 16) {
		snprintf(l->names[l->n], 80, "%s/%s", v->name, v->instance);
		l->v[l->n++] = v->value;
	}
	return 0;
}

static void
test_latest(void **state)
{
	struct store_fixture *f = *state;
	struct latest l = {.n = 0};

	add_devices(f);
	metric_insert(f->w, 2, "clients", "10", T0, 1);
	metric_insert(f->w, 2, "clients", "2", T0, 5);
	metric_insert(f->w, 2, "clients", "2", T0 + 60000, 6);
	metric_insert(f->w, 2, "clients", "2", T0 - 60000, 4);
	metric_insert(f->w, 2, "cpu_pct", "", T0, 12.5);
	metric_insert(f->w, 2, "if_in_bps", "2", T0, 100);
	metric_insert(f->w, 2, "temp", "", T0, 41);
	metric_insert(f->w, 1, "temp", "", T0, 99);
	assert_int_equal(writer_commit(f->w), 0);
	assert_int_equal(metric_latest(f->r, 2, latest_cb, &l), 4);
	/* By name, numeric instances in numeric order, no interface rates. */
	assert_string_equal(l.names[0], "clients/2");
	assert_float_equal(l.v[0], 6, 0);
	assert_string_equal(l.names[1], "clients/10");
	assert_string_equal(l.names[2], "cpu_pct/");
	assert_string_equal(l.names[3], "temp/");
	assert_float_equal(l.v[3], 41, 0);
}

struct ifs {
	struct snmp_iface_row r[4];
	int n;
};

static int
ifs_cb(const struct snmp_iface_row *r, void *arg)
{
	struct ifs *i = arg;

	if (i->n < 4)
		i->r[i->n++] = *r;
	return 0;
}

static int
text_cb(const struct snmp_text_row *r, void *arg)
{
	char *out = arg;

	snprintf(out, 64, "%s=%s", r->label, r->value);
	return 0;
}

static void
test_system_iface_text(void **state)
{
	struct store_fixture *f = *state;
	struct snmp_sysinfo si = {.name = "ap-thon-1",
	    .descr = "UAP-AC-Lite 6.5.28",
	    .object_id = "1.3.6.1.4.1.41112",
	    .uptime_cs = 27648000,
	    .profile = "unifi"};
	struct snmp_ifinfo ii = {.index = 2,
	    .name = "eth0",
	    .alias = "uplink VNPT",
	    .admin = 1,
	    .oper = 2,
	    .speed_bps = 1000000000,
	    .in_bps = 1500.5,
	    .out_bps = -1,
	    .in_errors = 0,
	    .out_errors = -1,
	    .in_discards = 0.25,
	    .out_discards = -1,
	    .important = true};
	struct snmp_system_row row;
	struct ifs is = {.n = 0};
	char text[64] = "";

	add_devices(f);
	assert_int_equal(snmp_system_get(f->r, 2, &row), 0);
	assert_int_equal(snmp_system_upsert(f->w, 2, &si, T0), 0);
	si.uptime_cs = 100;
	assert_int_equal(snmp_system_upsert(f->w, 2, &si, T0 + 1000), 0);
	assert_int_equal(snmp_iface_upsert(f->w, 2, &ii, T0), 0);
	ii.index = 1;
	ii.name = "lo";
	ii.alias = "";
	ii.important = false;
	ii.oper = 1;
	ii.speed_bps = 0;
	assert_int_equal(snmp_iface_upsert(f->w, 2, &ii, T0), 0);
	ii.in_bps = 9;
	assert_int_equal(snmp_iface_upsert(f->w, 2, &ii, T0 + 1000), 0);
	assert_int_equal(snmp_text_upsert(f->w, 2, "fw", "v1", T0), 0);
	assert_int_equal(snmp_text_upsert(f->w, 2, "fw", "v2", T0 + 1), 0);
	assert_int_equal(writer_commit(f->w), 0);

	assert_int_equal(snmp_system_get(f->r, 2, &row), 1);
	assert_string_equal(row.name, "ap-thon-1");
	assert_string_equal(row.descr, "UAP-AC-Lite 6.5.28");
	assert_string_equal(row.object_id, "1.3.6.1.4.1.41112");
	assert_int_equal(row.uptime_cs, 100);
	assert_string_equal(row.profile, "unifi");
	assert_true(row.updated_ms == T0 + 1000);
	assert_int_equal(snmp_system_get(f->r, 1, &row), 0);

	assert_int_equal(snmp_ifaces(f->r, 2, ifs_cb, &is), 2);
	assert_int_equal(is.r[0].index, 1);
	assert_string_equal(is.r[0].name, "lo");
	assert_true(is.r[0].speed_bps == -1);
	assert_float_equal(is.r[0].in_bps, 9, 0);
	assert_false(is.r[0].important);
	assert_int_equal(is.r[1].index, 2);
	assert_string_equal(is.r[1].alias, "uplink VNPT");
	assert_string_equal(snmp_ifstatus_name(is.r[1].oper), "down");
	assert_string_equal(snmp_ifstatus_name(is.r[1].admin), "up");
	assert_true(is.r[1].speed_bps == 1000000000);
	assert_float_equal(is.r[1].in_bps, 1500.5, 1e-9);
	assert_true(is.r[1].out_bps < 0);
	assert_float_equal(is.r[1].in_discards, 0.25, 1e-9);
	assert_true(is.r[1].important);

	/* Interfaces the agent no longer lists are forgotten. */
	assert_int_equal(snmp_iface_forget(f->w, 2, T0 + 1000), 1);
	assert_int_equal(writer_commit(f->w), 0);
	is.n = 0;
	assert_int_equal(snmp_ifaces(f->r, 2, ifs_cb, &is), 1);
	assert_int_equal(is.r[0].index, 1);

	assert_int_equal(snmp_texts(f->r, 2, text_cb, text), 1);
	assert_string_equal(text, "fw=v2");
	assert_string_equal(snmp_ifstatus_name(7), "lowerLayerDown");
	assert_string_equal(snmp_ifstatus_name(99), "?");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    STORE_TEST(test_insert_rollup, open, "metric"),
	    STORE_TEST(test_prune, open, "metric"),
	    STORE_TEST(test_latest, open, "metric"),
	    STORE_TEST(test_system_iface_text, open, "metric"),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
