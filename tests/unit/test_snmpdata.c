/* test_snmpdata.c - unit tests of probes/snmpdata: profiles, plans, and varbinds into metrics and events. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

#include "common/config.h"
#include "common/util.h"
#include "probes/snmpdata.h"
#include "probes/snmpsess.h"

/* ---- a recording sink ---- */

struct rec_metric {
	char name[64], inst[64];
	double v;
};

struct rec {
	struct rec_metric m[256];
	size_t nm;
	char events[8][2][160];
	size_t nev;
	char warns[16][400];
	size_t nwarn;
	struct snmp_sysinfo si;
	char sysname[256], sysdescr[600];
	size_t sysdescr_len;
	int nsys;
	struct snmp_ifinfo ifs[16];
	char ifnames[16][64];
	size_t nif;
	char texts[4][2][64];
	size_t ntext;
};

static void
rec_metric(void *arg, const char *name, const char *inst, double v)
{
	struct rec *r = arg;

	assert_true(r->nm < 256);
	str_copy(r->m[r->nm].name, name, sizeof r->m[0].name);
	str_copy(r->m[r->nm].inst, inst, sizeof r->m[0].inst);
	r->m[r->nm++].v = v;
}

static void
rec_event(void *arg, const char *ev, const char *details)
{
	struct rec *r = arg;

	assert_true(r->nev < 8);
	str_copy(r->events[r->nev][0], ev, 160);
	str_copy(r->events[r->nev++][1], details, 160);
}

static void
rec_warn(void *arg, const char *what)
{
	struct rec *r = arg;

	if (r->nwarn < 16)
		str_copy(r->warns[r->nwarn++], what, 400);
}

static void
rec_system(void *arg, const struct snmp_sysinfo *si)
{
	struct rec *r = arg;

	r->si = *si;
	str_copy(r->sysname, si->name, sizeof r->sysname);
	str_copy(r->sysdescr, si->descr, sizeof r->sysdescr);
	r->sysdescr_len = strlen(si->descr);
	r->si.name = r->sysname;
	r->si.descr = r->sysdescr;
	r->nsys++;
}

static void
rec_iface(void *arg, const struct snmp_ifinfo *ii)
{
	struct rec *r = arg;

	assert_true(r->nif < 16);
	r->ifs[r->nif] = *ii;
	str_copy(r->ifnames[r->nif], ii->name, 64);
	r->ifs[r->nif].name = r->ifnames[r->nif];
	r->ifs[r->nif].alias = "";
	r->nif++;
}

static void
rec_text(void *arg, const char *label, const char *value)
{
	struct rec *r = arg;

	assert_true(r->ntext < 4);
	str_copy(r->texts[r->ntext][0], label, 64);
	str_copy(r->texts[r->ntext++][1], value, 64);
}

static struct snmp_sink
rec_sink(struct rec *r)
{
	struct snmp_sink s = {r, rec_metric, rec_event, rec_system, rec_iface,
	    rec_warn, rec_text};

	memset(r, 0, sizeof *r);
	return s;
}

/* The value of metric NAME/INST, or fail; -12345 if absent and OPTIONAL. */
static double
metric_of(const struct rec *r, const char *name, const char *inst)
{
	for (size_t i = 0; i < r->nm; i++)
		if (strcmp(r->m[i].name, name) == 0 &&
		    strcmp(r->m[i].inst, inst) == 0)
			return r->m[i].v;
	return -12345;
}

static bool
warned(const struct rec *r, const char *part)
{
	for (size_t i = 0; i < r->nwarn; i++)
		if (strstr(r->warns[i], part) != NULL)
			return true;
	return false;
}

/* ---- building varbind lists ---- */

static void
vb_add(netsnmp_variable_list **l, const char *oidtext, u_char type,
    const void *val, size_t len)
{
	oid name[MAX_OID_LEN];
	size_t nlen;

	assert_int_equal(snmp_oid_parse(oidtext, name, &nlen), 0);
	assert_non_null(snmp_varlist_add_variable(
	    l, name, nlen, type, (const u_char *)val, len));
}

static void
vb_long(netsnmp_variable_list **l, const char *o, u_char type, long v)
{
	vb_add(l, o, type, &v, sizeof v);
}

static void
vb_c64(netsnmp_variable_list **l, const char *o, uint64_t v)
{
	struct counter64 c = {(u_long)(v >> 32), (u_long)(v & 0xffffffffUL)};

	vb_add(l, o, ASN_COUNTER64, &c, sizeof c);
}

static void
vb_str(netsnmp_variable_list **l, const char *o, const char *s)
{
	vb_add(l, o, ASN_OCTET_STR, s, strlen(s));
}

static void
vb_oid(netsnmp_variable_list **l, const char *o, const char *value)
{
	oid v[MAX_OID_LEN];
	size_t vlen;

	assert_int_equal(snmp_oid_parse(value, v, &vlen), 0);
	vb_add(l, o, ASN_OBJECT_ID, v, vlen * sizeof(oid));
}

/* The system group: uptime in centiseconds. */
static void
vb_system(netsnmp_variable_list **l, unsigned long uptime_cs)
{
	vb_str(l, "1.3.6.1.2.1.1.1.0", "Linux ap 5.10");
	vb_oid(l, "1.3.6.1.2.1.1.2.0", "1.3.6.1.4.1.8072.3.2.10");
	vb_long(l, "1.3.6.1.2.1.1.3.0", ASN_TIMETICKS, (long)uptime_cs);
	vb_str(l, "1.3.6.1.2.1.1.5.0", "ap-thon-1");
}

/* One interface row of ifTable (32-bit counters) and ifXTable names. */
static void
vb_if32(netsnmp_variable_list **l, int idx, const char *name, long oper,
    unsigned long in, unsigned long out)
{
	char o[64];

	snprintf(o, sizeof o, "1.3.6.1.2.1.2.2.1.2.%d", idx);
	vb_str(l, o, name);
	snprintf(o, sizeof o, "1.3.6.1.2.1.2.2.1.5.%d", idx);
	vb_long(l, o, ASN_GAUGE, 100000000);
	snprintf(o, sizeof o, "1.3.6.1.2.1.2.2.1.7.%d", idx);
	vb_long(l, o, ASN_INTEGER, 1);
	snprintf(o, sizeof o, "1.3.6.1.2.1.2.2.1.8.%d", idx);
	vb_long(l, o, ASN_INTEGER, oper);
	snprintf(o, sizeof o, "1.3.6.1.2.1.2.2.1.10.%d", idx);
	vb_long(l, o, ASN_COUNTER, (long)in);
	snprintf(o, sizeof o, "1.3.6.1.2.1.2.2.1.16.%d", idx);
	vb_long(l, o, ASN_COUNTER, (long)out);
}

static struct config_device
test_dev(const char *important, const char *oids)
{
	struct config_device d;

	memset(&d, 0, sizeof d);
	d.key = (char *)"ap-1";
	d.snmp_important = (char *)important;
	d.snmp_oids = (char *)oids;
	return d;
}

static const struct snmp_profile *
generic(void)
{
	return snmp_profile_find(NULL, "generic");
}

/* Run L through D for DEV with profile P at NOW_MS into R (cleared first); frees L. */
static void
update(struct snmp_devdata *d, const struct snmp_profile *p,
    const struct config_device *dev, netsnmp_variable_list *l, int64_t now_ms,
    struct rec *r)
{
	struct snmp_sink s = rec_sink(r);

	snmp_devdata_update(d, p, dev, l, now_ms, &s);
	snmp_free_varbind(l);
}

/* ---- profiles and plans ---- */

static void
test_profile_find_auto(void **state)
{
	struct config_snmp_profile cp[2] = {
	    {.key = (char *)"ubnt-switch",
		.extends = (char *)"generic",
		.match = (char *)"1.3.6.1.4.1.41112.1.2"},
	    {.key = (char *)"lab",
		.extends = (char *)"mikrotik",
		.oids = (char *)"temp:1.3.6.1.4.1.9.1.0:gauge"},
	};
	struct config cfg;
	oid uap[] = {1, 3, 6, 1, 4, 1, 41112, 1, 6};
	oid usw[] = {1, 3, 6, 1, 4, 1, 41112, 1, 2, 7};
	oid mt[] = {1, 3, 6, 1, 4, 1, 14988, 1};
	oid aruba[] = {1, 3, 6, 1, 4, 1, 14823, 1, 2, 66};
	oid netsnmp[] = {1, 3, 6, 1, 4, 1, 8072, 3, 2, 10};
	oid shortoid[] = {1, 3};

	memset(&cfg, 0, sizeof cfg);
	cfg.snmp_profiles = cp;
	cfg.nsnmp_profiles = 2;
	assert_string_equal(snmp_profile_name(generic()), "generic");
	assert_string_equal(
	    snmp_profile_name(snmp_profile_find(&cfg, "unifi")), "unifi");
	assert_string_equal(
	    snmp_profile_name(snmp_profile_find(&cfg, "lab")), "lab");
	assert_null(snmp_profile_find(&cfg, "nosuch"));
	assert_null(snmp_profile_find(&cfg, "auto"));
	assert_string_equal(
	    snmp_profile_name(snmp_profile_auto(&cfg, uap, 9)), "unifi");
	/* A configured match prefix beats the enterprise number. */
	assert_string_equal(
	    snmp_profile_name(snmp_profile_auto(&cfg, usw, 10)), "ubnt-switch");
	assert_string_equal(
	    snmp_profile_name(snmp_profile_auto(&cfg, mt, 8)), "mikrotik");
	assert_string_equal(
	    snmp_profile_name(snmp_profile_auto(NULL, aruba, 10)), "aruba");
	assert_string_equal(
	    snmp_profile_name(snmp_profile_auto(&cfg, netsnmp, 10)), "generic");
	assert_string_equal(
	    snmp_profile_name(snmp_profile_auto(&cfg, shortoid, 2)), "generic");
	assert_string_equal(
	    snmp_profile_clients_label(snmp_profile_find(&cfg, "lab")),
	    "MikroTik AP");
	assert_string_equal(snmp_profile_clients_label(generic()), "clients");
}

static bool
plan_has(const struct snmp_oid *arr, size_t n, const char *text)
{
	oid o[MAX_OID_LEN];
	size_t len;

	assert_int_equal(snmp_oid_parse(text, o, &len), 0);
	for (size_t i = 0; i < n; i++)
		if (arr[i].len == len &&
		    memcmp(arr[i].name, o, len * sizeof(oid)) == 0)
			return true;
	return false;
}

static void
test_plan(void **state)
{
	struct config_snmp_profile cp = {.key = (char *)"lab",
	    .extends = (char *)"unifi",
	    .oids = (char *)"temp:1.3.6.1.4.1.2021.13.16.2.1.3.1:gauge"};
	struct config cfg;
	struct config_device dev =
	    test_dev(NULL, "clients2:1.3.6.1.4.1.9999.1.0:gauge,bad:x.y:gauge,"
			   "fw:.1.3.6.1.4.1.9999.2.0:string");
	struct snmp_plan plan;

	memset(&cfg, 0, sizeof cfg);
	cfg.snmp_profiles = &cp;
	cfg.nsnmp_profiles = 1;
	snmp_plan_build(NULL, &dev, &plan);
	assert_int_equal(plan.ncolumns, 0);
	assert_int_equal(plan.nscalars, 6); /* system group + 2 good customs */
	assert_true(plan_has(plan.scalars, plan.nscalars, "1.3.6.1.2.1.1.3.0"));
	assert_true(plan_has(plan.scalars, plan.nscalars, "1.3.6.1.2.1.1.2.0"));
	assert_true(
	    plan_has(plan.scalars, plan.nscalars, "1.3.6.1.4.1.9999.2.0"));

	snmp_plan_build(generic(), NULL, &plan);
	assert_int_equal(plan.nscalars, 4);
	assert_int_equal(plan.ncolumns, 20);
	assert_true(
	    plan_has(plan.columns, plan.ncolumns, "1.3.6.1.2.1.31.1.1.1.6"));
	assert_true(
	    plan_has(plan.columns, plan.ncolumns, "1.3.6.1.2.1.2.2.1.10"));
	assert_true(
	    plan_has(plan.columns, plan.ncolumns, "1.3.6.1.2.1.25.3.3.1.2"));
	assert_true(
	    plan_has(plan.columns, plan.ncolumns, "1.3.6.1.2.1.25.2.3.1.6"));

	snmp_plan_build(snmp_profile_find(&cfg, "lab"), &dev, &plan);
	assert_int_equal(plan.ncolumns, 21);
	assert_true(plan_has(
	    plan.columns, plan.ncolumns, "1.3.6.1.4.1.41112.1.6.1.2.1.8"));
	assert_int_equal(plan.nscalars, 7);
	assert_true(plan_has(
	    plan.scalars, plan.nscalars, "1.3.6.1.4.1.2021.13.16.2.1.3.1"));
	/* system: the system group and the customs in one GET, no walks. */
	snmp_plan_build(snmp_profile_find(&cfg, "system"), &dev, &plan);
	assert_int_equal(plan.ncolumns, 0);
	assert_int_equal(plan.nscalars, 6);
	assert_true(
	    plan_has(plan.scalars, plan.nscalars, "1.3.6.1.4.1.9999.2.0"));
	snmp_plan_build(snmp_profile_find(&cfg, "aruba"), NULL, &plan);
	assert_true(plan_has(
	    plan.columns, plan.ncolumns, "1.3.6.1.4.1.14823.2.3.3.1.2.2.1.21"));
}

static void
test_oid_parse(void **state)
{
	oid o[MAX_OID_LEN];
	size_t len;
	char buf[64];

	assert_int_equal(snmp_oid_parse(".1.3.6.1.2.1.1.3.0", o, &len), 0);
	assert_int_equal(len, 9);
	assert_string_equal(
	    snmp_oid_format(o, len, buf, sizeof buf), "1.3.6.1.2.1.1.3.0");
	assert_int_equal(snmp_oid_parse("1.3.4294967295", o, &len), 0);
	assert_int_equal(snmp_oid_parse("1.3.4294967296", o, &len), -1);
	assert_int_equal(snmp_oid_parse("1..3", o, &len), -1);
	assert_int_equal(snmp_oid_parse("1.3.", o, &len), -1);
	assert_int_equal(snmp_oid_parse("1", o, &len), -1);
	assert_int_equal(snmp_oid_parse("3.1", o, &len), -1);
	assert_int_equal(snmp_oid_parse("", o, &len), -1);
	assert_int_equal(snmp_oid_parse("1.3.a", o, &len), -1);
	/* Truncated at a sub-id boundary. */
	assert_int_equal(snmp_oid_parse("1.3.6.1.2.1.1.3.0", o, &len), 0);
	assert_string_equal(snmp_oid_format(o, len, buf, 8), "1.3.6.1");
}

/* ---- rates ---- */

static void
test_rates_hc_and_errors(void **state)
{
	struct snmp_devdata *d = snmp_devdata_new();
	struct config_device dev = test_dev(NULL, NULL);
	struct rec r;
	netsnmp_variable_list *l = NULL;

	vb_system(&l, 100000);
	vb_if32(&l, 2, "eth0", 1, 111, 222);
	vb_c64(&l, "1.3.6.1.2.1.31.1.1.1.6.2", UINT64_C(5000000000));
	vb_c64(&l, "1.3.6.1.2.1.31.1.1.1.10.2", UINT64_C(7000000000));
	vb_long(&l, "1.3.6.1.2.1.2.2.1.14.2", ASN_COUNTER, 10);
	vb_long(&l, "1.3.6.1.2.1.2.2.1.19.2", ASN_COUNTER, 0);
	vb_str(&l, "1.3.6.1.2.1.31.1.1.1.1.2", "ether1");
	update(d, generic(), &dev, l, 1000000, &r);
	/* The first poll is the baseline: no rates yet. */
	assert_int_equal(r.nsys, 1);
	assert_string_equal(r.sysname, "ap-thon-1");
	assert_string_equal(r.si.object_id, "1.3.6.1.4.1.8072.3.2.10");
	assert_int_equal(r.si.uptime_cs, 100000);
	assert_string_equal(r.si.profile, "generic");
	assert_true(metric_of(&r, "if_in_bps", "2") == -12345);
	assert_true(metric_of(&r, "uptime_s", "") == 1000.0);
	assert_int_equal(r.nif, 1);
	assert_string_equal(r.ifnames[0], "ether1"); /* ifName over ifDescr */
	assert_int_equal(r.ifs[0].speed_bps, 100000000);
	assert_true(r.ifs[0].in_bps < 0);
	assert_int_equal(r.nwarn, 0);

	l = NULL;
	vb_system(&l, 101000);
	vb_if32(&l, 2, "eth0", 1, 999, 999); /* ignored: HC counters win */
	vb_c64(&l, "1.3.6.1.2.1.31.1.1.1.6.2", UINT64_C(5001250000));
	vb_c64(&l, "1.3.6.1.2.1.31.1.1.1.10.2", UINT64_C(7000125000));
	vb_long(&l, "1.3.6.1.2.1.2.2.1.14.2", ASN_COUNTER, 30);
	vb_long(&l, "1.3.6.1.2.1.2.2.1.19.2", ASN_COUNTER, 5);
	update(d, generic(), &dev, l, 1010000, &r);
	assert_float_equal(metric_of(&r, "if_in_bps", "2"), 1000000.0, 1e-6);
	assert_float_equal(metric_of(&r, "if_out_bps", "2"), 100000.0, 1e-6);
	assert_float_equal(metric_of(&r, "if_in_errors", "2"), 2.0, 1e-9);
	assert_float_equal(metric_of(&r, "if_out_discards", "2"), 0.5, 1e-9);
	assert_float_equal(r.ifs[0].in_bps, 1000000.0, 1e-6);
	assert_float_equal(r.ifs[0].in_errors, 2.0, 1e-9);
	assert_int_equal(r.nev, 0);
	snmp_devdata_free(d);
}

/* Poll with only ifInOctets of ifIndex 1 at IN (Counter32), at T_MS. */
static void
poll32(struct snmp_devdata *d, struct rec *r, unsigned long in,
    unsigned long uptime, int64_t t_ms)
{
	struct config_device dev = test_dev(NULL, NULL);
	netsnmp_variable_list *l = NULL;

	vb_system(&l, uptime);
	vb_if32(&l, 1, "eth0", 1, in, 0);
	update(d, generic(), &dev, l, t_ms, r);
}

static void
test_counter32_wrap_and_reset(void **state)
{
	struct snmp_devdata *d = snmp_devdata_new();
	struct rec r;

	poll32(d, &r, 4294967000UL, 1000, 0);
	assert_true(metric_of(&r, "if_in_bps", "1") == -12345);
	/* 4294967000 -> 1000 over 10 s: a wrap of 1296 bytes. */
	poll32(d, &r, 1000, 2000, 10000);
	assert_float_equal(
	    metric_of(&r, "if_in_bps", "1"), 1296 * 8 / 10.0, 1e-9);
	/* 5,000,000 then 100: far from a wrap, a reset: no rate. */
	poll32(d, &r, 5000000, 3000, 20000);
	assert_float_equal(
	    metric_of(&r, "if_in_bps", "1"), (5000000 - 1000) * 8 / 10.0, 1e-6);
	poll32(d, &r, 100, 4000, 30000);
	assert_true(metric_of(&r, "if_in_bps", "1") == -12345);
	assert_true(r.ifs[0].in_bps < 0);
	/* And the reset value is the new baseline. */
	poll32(d, &r, 1100, 5000, 40000);
	assert_float_equal(metric_of(&r, "if_in_bps", "1"), 800.0, 1e-9);
	/* A "wrap" faster than twice the line rate (100 Mbit/s) is a reset. */
	poll32(d, &r, 4294000000UL, 6000, 50000);
	poll32(d, &r, 2000000000UL, 7000, 50010);
	assert_true(metric_of(&r, "if_in_bps", "1") == -12345);
	assert_int_equal(r.nev, 0);
	snmp_devdata_free(d);
}

static void
test_reboot_once(void **state)
{
	struct snmp_devdata *d = snmp_devdata_new();
	struct rec r;

	poll32(d, &r, 1000, 27647000, 0);
	poll32(d, &r, 2000, 27648000, 10000);
	assert_int_equal(r.nev, 0);
	assert_float_equal(metric_of(&r, "if_in_bps", "1"), 800.0, 1e-9);
	/* The agent restarted: uptime down, counters restarted. */
	poll32(d, &r, 3000, 500, 20000);
	assert_int_equal(r.nev, 1);
	assert_string_equal(r.events[0][0], "rebooted");
	assert_string_equal(
	    r.events[0][1], "previous uptime 3d4h (sysUpTime 27648000)");
	/* No rate across a reboot, even one that looks fine. */
	assert_true(metric_of(&r, "if_in_bps", "1") == -12345);
	poll32(d, &r, 4000, 1500, 30000);
	assert_int_equal(r.nev, 0);
	assert_float_equal(metric_of(&r, "if_in_bps", "1"), 800.0, 1e-9);
	/* TimeTicks wrapping after 497 days is not a reboot. */
	poll32(d, &r, 5000, 4294967000UL, 40000);
	poll32(d, &r, 6000, 200, 50000);
	assert_int_equal(r.nev, 0);
	snmp_devdata_free(d);
}

/* Round ROUND of test_link_events: ether1, ether2 and wlan1 with OPER. */
static void
link_round(struct snmp_devdata *d, const struct config_device *dev,
    struct rec *r, int round, const long oper[3])
{
	netsnmp_variable_list *l = NULL;

	vb_system(&l, 1000 + (unsigned long)round * 1000);
	vb_if32(&l, 2, "ether1", oper[0], 0, 0);
	vb_if32(&l, 3, "ether2", oper[1], 0, 0);
	vb_if32(&l, 7, "wlan1", oper[2], 0, 0);
	update(d, generic(), dev, l, round * 10000, r);
}

static void
test_link_events(void **state)
{
	struct snmp_devdata *d = snmp_devdata_new();
	struct config_device dev = test_dev("ether1, 7", NULL);
	struct rec r;
	long oper[][3] = {{1, 1, 1}, {2, 2, 1}, {1, 2, 2}, {1, 2, 2}};

	for (int round = 0; round < 4; round++) {
		link_round(d, &dev, &r, round, oper[round]);
		assert_int_equal(r.nif, 3);
		assert_true(r.ifs[0].important);
		assert_false(r.ifs[1].important);
		assert_true(r.ifs[2].important); /* by ifIndex */
		if (round == 0)
			assert_int_equal(r.nev, 0);
	}
	/* Round 3 changed nothing; check the rounds' events by replay. */
	snmp_devdata_free(d);

	d = snmp_devdata_new();
	for (int round = 0; round < 3; round++) {
		link_round(d, &dev, &r, round, oper[round]);
		if (round == 1) {
			assert_int_equal(r.nev, 1);
			assert_string_equal(r.events[0][0], "link-down");
			assert_string_equal(
			    r.events[0][1], "interface ether1 (ifIndex 2)");
		}
		if (round == 2) {
			assert_int_equal(r.nev, 2);
			assert_string_equal(r.events[0][0], "link-up");
			assert_string_equal(
			    r.events[0][1], "interface ether1 (ifIndex 2)");
			assert_string_equal(r.events[1][0], "link-down");
			assert_string_equal(
			    r.events[1][1], "interface wlan1 (ifIndex 7)");
		}
	}
	snmp_devdata_free(d);
}

/* ---- hostile and odd values ---- */

static void
test_wrong_types_exceptions_huge(void **state)
{
	struct snmp_devdata *d = snmp_devdata_new();
	struct config_device dev = test_dev(NULL, NULL);
	struct rec r;
	netsnmp_variable_list *l = NULL;
	char *big = xmalloc(65536 + 1);
	long x = 5;

	memset(big, 'A', 65536);
	big[65536] = '\0';
	big[10] = '\n'; /* control bytes become spaces */
	vb_add(&l, "1.3.6.1.2.1.1.1.0", ASN_OCTET_STR, big, 65536);
	vb_add(&l, "1.3.6.1.2.1.1.5.0", SNMP_NOSUCHOBJECT, NULL, 0);
	vb_str(&l, "1.3.6.1.2.1.1.3.0", "not ticks");
	vb_add(&l, "1.3.6.1.2.1.2.2.1.10.1", ASN_OCTET_STR, "12", 2);
	vb_add(&l, "1.3.6.1.2.1.2.2.1.20", SNMP_ENDOFMIBVIEW, NULL, 0);
	vb_add(&l, "1.3.6.1.2.1.25.3.3.1.2.1", ASN_INTEGER, &x, sizeof x);
	update(d, generic(), &dev, l, 0, &r);
	free(big);
	assert_int_equal(r.nsys, 1);
	assert_true(r.sysdescr_len > 0 && r.sysdescr_len < 512);
	assert_int_equal(r.sysdescr[10], ' ');
	assert_string_equal(r.sysname, "");
	assert_true(warned(&r, "OCTET STRING of 65536 bytes"));
	assert_true(warned(&r, "1.3.6.1.2.1.1.5.0: noSuchObject"));
	assert_true(warned(&r, "sysUpTime: wrong type OCTET STRING"));
	assert_true(warned(&r, "1.3.6.1.2.1.2.2.1.10.1: wrong type OCTET "
			       "STRING (expected Counter32)"));
	assert_int_equal(r.nwarn, 4); /* endOfMibView is a normal end */
	/* The CPU row was fine. */
	assert_float_equal(metric_of(&r, "cpu_pct", ""), 5.0, 1e-9);
	assert_int_equal(r.nif, 1);

	/* Many bad cells: at most 5 warnings and one summary. */
	l = NULL;
	vb_add(&l, "1.3.6.1.2.1.2.2.1.16.1", SNMP_NOSUCHINSTANCE, NULL, 0);
	vb_add(&l, "1.3.6.1.2.1.2.2.1.8.1", ASN_GAUGE, &x, sizeof x);
	for (int i = 0; i < 20; i++) {
		char o[64];

		snprintf(o, sizeof o, "1.3.6.1.2.1.2.2.1.8.1.%d", i);
		vb_add(&l, o, ASN_INTEGER, &x, sizeof x);
	}
	vb_add(&l, "1.3.6.1.2.1.2.2.1.8.0", ASN_INTEGER, &x, sizeof x);
	update(d, generic(), &dev, l, 1000, &r);
	assert_int_equal(r.nwarn, 6);
	assert_true(warned(&r, "1.3.6.1.2.1.2.2.1.16.1: noSuchInstance"));
	assert_true(warned(&r, "not a table row index"));
	assert_true(warned(&r, "18 more problems in this poll"));
	assert_int_equal(r.nif, 1);
	assert_int_equal(r.ifs[0].oper, 0);
	snmp_devdata_free(d);
}

static void
test_hc_fallback_32(void **state)
{
	struct snmp_devdata *d = snmp_devdata_new();
	struct rec r;

	/* No ifXTable (an old switch): the 32-bit counters serve. */
	poll32(d, &r, 100, 100, 0);
	poll32(d, &r, 1100, 200, 1000);
	assert_float_equal(metric_of(&r, "if_in_bps", "1"), 8000.0, 1e-9);
	snmp_devdata_free(d);
}

/* ---- HOST-RESOURCES, clients, custom ---- */

static void
test_cpu_mem(void **state)
{
	struct snmp_devdata *d = snmp_devdata_new();
	struct config_device dev = test_dev(NULL, NULL);
	struct rec r;
	netsnmp_variable_list *l = NULL;

	vb_long(&l, "1.3.6.1.2.1.25.3.3.1.2.196608", ASN_INTEGER, 10);
	vb_long(&l, "1.3.6.1.2.1.25.3.3.1.2.196609", ASN_INTEGER, 35);
	/* RAM row 1 (4 KB units), a disk row 31, virtual memory row 3. */
	vb_oid(&l, "1.3.6.1.2.1.25.2.3.1.2.1", "1.3.6.1.2.1.25.2.1.2");
	vb_oid(&l, "1.3.6.1.2.1.25.2.3.1.2.3", "1.3.6.1.2.1.25.2.1.3");
	vb_oid(&l, "1.3.6.1.2.1.25.2.3.1.2.31", "1.3.6.1.2.1.25.2.1.4");
	vb_long(&l, "1.3.6.1.2.1.25.2.3.1.4.1", ASN_INTEGER, 4096);
	vb_long(&l, "1.3.6.1.2.1.25.2.3.1.4.3", ASN_INTEGER, 1024);
	vb_long(&l, "1.3.6.1.2.1.25.2.3.1.4.31", ASN_INTEGER, 4096);
	vb_long(&l, "1.3.6.1.2.1.25.2.3.1.5.1", ASN_INTEGER, 2000);
	vb_long(&l, "1.3.6.1.2.1.25.2.3.1.5.3", ASN_INTEGER, 9000);
	vb_long(&l, "1.3.6.1.2.1.25.2.3.1.5.31", ASN_INTEGER, 100000);
	vb_long(&l, "1.3.6.1.2.1.25.2.3.1.6.1", ASN_INTEGER, 500);
	vb_long(&l, "1.3.6.1.2.1.25.2.3.1.6.3", ASN_INTEGER, 9000);
	vb_long(&l, "1.3.6.1.2.1.25.2.3.1.6.31", ASN_INTEGER, 99000);
	update(d, generic(), &dev, l, 0, &r);
	assert_float_equal(metric_of(&r, "cpu_pct", ""), 22.5, 1e-9);
	assert_float_equal(metric_of(&r, "mem_used_pct", ""), 25.0, 1e-9);
	assert_int_equal(r.nsys, 0); /* no system group in this poll */
	assert_int_equal(r.nwarn, 0);
	snmp_devdata_free(d);
}

static void
test_clients(void **state)
{
	struct snmp_devdata *d = snmp_devdata_new();
	struct config_device dev = test_dev(NULL, NULL);
	struct rec r;
	netsnmp_variable_list *l = NULL;

	vb_long(&l, "1.3.6.1.4.1.41112.1.6.1.2.1.8.1", ASN_INTEGER, 5);
	vb_long(&l, "1.3.6.1.4.1.41112.1.6.1.2.1.8.2", ASN_GAUGE, 3);
	/* Not the profile's: a MikroTik column on a UniFi is ignored. */
	vb_long(&l, "1.3.6.1.4.1.14988.1.1.1.3.1.6.4", ASN_COUNTER, 9);
	update(d, snmp_profile_find(NULL, "unifi"), &dev, l, 0, &r);
	assert_float_equal(metric_of(&r, "clients", "1"), 5, 0);
	assert_float_equal(metric_of(&r, "clients", "2"), 3, 0);
	assert_true(metric_of(&r, "clients", "4") == -12345);

	l = NULL;
	vb_long(&l, "1.3.6.1.4.1.14988.1.1.1.3.1.6.4", ASN_COUNTER, 9);
	update(d, snmp_profile_find(NULL, "mikrotik"), &dev, l, 0, &r);
	assert_float_equal(metric_of(&r, "clients", "4"), 9, 0);

	/* Aruba: per radio, indexed by the AP's MAC and the radio. */
	l = NULL;
	vb_long(&l, "1.3.6.1.4.1.14823.2.3.3.1.2.2.1.21.0.11.134.1.2.3.0",
	    ASN_GAUGE, 12);
	vb_long(&l, "1.3.6.1.4.1.14823.2.3.3.1.2.2.1.21.0.11.134.1.2.3.1",
	    ASN_GAUGE, 4);
	vb_str(&l, "1.3.6.1.4.1.14823.2.3.3.1.2.2.1.21.0.11.134.1.2.3.2", "x");
	update(d, snmp_profile_find(NULL, "aruba"), &dev, l, 0, &r);
	assert_float_equal(metric_of(&r, "clients", "0.11.134.1.2.3.0"), 12, 0);
	assert_float_equal(metric_of(&r, "clients", "0.11.134.1.2.3.1"), 4, 0);
	assert_true(warned(&r, "client count: wrong type OCTET STRING"));
	snmp_devdata_free(d);
}

static void
test_custom(void **state)
{
	struct snmp_devdata *d = snmp_devdata_new();
	struct config_device dev =
	    test_dev(NULL, "temp:1.3.6.1.4.1.2021.13.16.2.1.3.1:gauge,"
			   "pkts:1.3.6.1.4.1.9999.1.0:counter,"
			   "load:1.3.6.1.4.1.2021.10.1.3.1:gauge,"
			   "fw:1.3.6.1.4.1.9999.2.0:string,"
			   "gone:1.3.6.1.4.1.9999.3.0:gauge");
	struct rec r;
	netsnmp_variable_list *l = NULL;

	vb_long(&l, "1.3.6.1.4.1.2021.13.16.2.1.3.1", ASN_GAUGE, 41000);
	vb_long(&l, "1.3.6.1.4.1.9999.1.0", ASN_COUNTER, 4294967290L);
	vb_str(&l, "1.3.6.1.4.1.2021.10.1.3.1", "0.15");
	vb_str(&l, "1.3.6.1.4.1.9999.2.0", "v6.5.28");
	vb_add(&l, "1.3.6.1.4.1.9999.3.0", SNMP_NOSUCHINSTANCE, NULL, 0);
	update(d, NULL, &dev, l, 0, &r);
	assert_float_equal(metric_of(&r, "temp", ""), 41000, 0);
	assert_float_equal(metric_of(&r, "load", ""), 0.15, 1e-12);
	assert_true(metric_of(&r, "pkts", "") == -12345);
	assert_int_equal(r.ntext, 1);
	assert_string_equal(r.texts[0][0], "fw");
	assert_string_equal(r.texts[0][1], "v6.5.28");
	assert_true(warned(&r, "custom 'gone': noSuchInstance"));

	l = NULL;
	vb_long(&l, "1.3.6.1.4.1.9999.1.0", ASN_COUNTER, 94); /* wrapped */
	update(d, NULL, &dev, l, 20000, &r);
	assert_float_equal(metric_of(&r, "pkts", ""), 5.0, 1e-12);
	snmp_devdata_free(d);
}

static void
test_null_sink_members(void **state)
{
	struct snmp_devdata *d = snmp_devdata_new();
	struct config_device dev = test_dev("1", "x:1.3.6.1.4.1.1.0:string");
	struct snmp_sink s = {0};
	netsnmp_variable_list *l = NULL;

	vb_system(&l, 100);
	vb_if32(&l, 1, "eth0", 1, 0, 0);
	vb_str(&l, "1.3.6.1.4.1.1.0", "t");
	snmp_devdata_update(d, generic(), &dev, l, 0, &s);
	snmp_devdata_update(d, generic(), &dev, l, 1000, &s);
	snmp_free_varbind(l);
	snmp_devdata_free(d);
	snmp_devdata_free(NULL);
}

/* ---- sessions from the config ---- */

static void
test_session_from_device(void **state)
{
	struct config_device dev;
	netsnmp_session s;
	char err[256];

	snmp_quiet_init("test");
	memset(&dev, 0, sizeof dev);
	dev.key = (char *)"sw-1";
	dev.address = (char *)"127.0.0.1";
	dev.snmp_port = 16100;
	dev.snmp_version = CONFIG_SNMP_V2C;
	dev.snmp_community = (char *)"c0mmunity";
	assert_int_equal(
	    snmp_session_from_device(&dev, &s, err, sizeof err), 0);
	assert_string_equal(s.peername, "udp:127.0.0.1:16100");
	assert_int_equal(s.version, SNMP_VERSION_2c);
	assert_int_equal(s.community_len, 9);
	snmp_session_clear(&s);

	dev.address = (char *)"::1";
	dev.snmp_version = CONFIG_SNMP_V3;
	dev.snmp_user = (char *)"xanet";
	dev.snmp_auth = CONFIG_SNMP_AUTH_SHA256;
	dev.snmp_auth_pass = (char *)"authpass123";
	dev.snmp_priv = CONFIG_SNMP_PRIV_AES;
	dev.snmp_priv_pass = (char *)"privpass123";
	assert_int_equal(
	    snmp_session_from_device(&dev, &s, err, sizeof err), 0);
	assert_string_equal(s.peername, "udp6:[::1]:16100");
	assert_int_equal(s.version, SNMP_VERSION_3);
	assert_int_equal(s.securityLevel, SNMP_SEC_LEVEL_AUTHPRIV);
	assert_true(s.securityAuthKeyLen > 0);
	assert_true(s.securityPrivKeyLen > 0);
	snmp_session_clear(&s);

	dev.snmp_auth = CONFIG_SNMP_AUTH_NONE;
	assert_int_equal(
	    snmp_session_from_device(&dev, &s, err, sizeof err), -1);
	assert_non_null(strstr(err, "snmp_priv needs snmp_auth"));
	/* Never the secret in the message. */
	assert_null(strstr(err, "privpass123"));
	dev.snmp_priv = CONFIG_SNMP_PRIV_NONE;
	assert_int_equal(
	    snmp_session_from_device(&dev, &s, err, sizeof err), 0);
	assert_int_equal(s.securityLevel, SNMP_SEC_LEVEL_NOAUTH);
	snmp_session_clear(&s);
	dev.snmp_user = NULL;
	assert_int_equal(
	    snmp_session_from_device(&dev, &s, err, sizeof err), -1);
	assert_non_null(strstr(err, "snmp_user"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_profile_find_auto),
	    cmocka_unit_test(test_plan),
	    cmocka_unit_test(test_oid_parse),
	    cmocka_unit_test(test_rates_hc_and_errors),
	    cmocka_unit_test(test_counter32_wrap_and_reset),
	    cmocka_unit_test(test_reboot_once),
	    cmocka_unit_test(test_link_events),
	    cmocka_unit_test(test_wrong_types_exceptions_huge),
	    cmocka_unit_test(test_hc_fallback_32),
	    cmocka_unit_test(test_cpu_mem),
	    cmocka_unit_test(test_clients),
	    cmocka_unit_test(test_custom),
	    cmocka_unit_test(test_null_sink_members),
	    cmocka_unit_test(test_session_from_device),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
