/* test_lan_hosts.c - the LAN host table, OS guesses, vendors, sampling and hourly traffic. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "probes/lan/hosts.h"
#include "probes/lan/offline.h"
#include "probes/lan/oui.h"
#include "tests/unit/lantest.h"

static const uint8_t GW[6] = {0x00, 0x1a, 0x2b, 0x00, 0x00, 0x01};
static const uint8_t HA[6] = {0x00, 0x0c, 0x29, 0x00, 0x00, 0x0a};
static const uint8_t HB[6] = {0x00, 0x0c, 0x29, 0x00, 0x00, 0x0b};

struct fp_case {
	const char *vendor;
	uint8_t params[20];
	size_t n;
	const char *os;
};

static void
test_dhcp_os_guess(void **state)
{
	static const struct fp_case cases[] = {
	    {"MSFT 5.0", {1, 15, 3, 6, 44, 46, 47, 31, 33, 121, 249, 43}, 12,
		"Windows"},
	    {"", {1, 3, 6, 15, 31, 33, 43, 44, 46, 47, 119, 121, 249, 252}, 14,
		"Windows"},
	    {"android-dhcp-13", {1, 3, 6, 15, 26, 28, 51, 58, 59, 43}, 10,
		"Android"},
	    {"", {1, 121, 3, 6, 15, 119, 252, 95, 44, 46}, 10,
		"Apple macOS/iOS"},
	    {"", {1, 28, 2, 3, 15, 6, 119, 12, 44, 47, 26, 121, 42}, 13,
		"Linux (dhclient)"},
	    {"", {1, 3, 12, 15, 6, 42, 119, 121}, 8,
		"Linux (systemd-networkd)"},
	    {"udhcp 1.36.1", {1, 3, 6, 12, 15, 28, 42}, 7, "Linux (BusyBox)"},
	    {"", {1, 3, 6}, 3, ""},
	};
	struct lp w;
	struct lt t;
	struct lan_opts o;
	struct lt_host h;
	uint8_t mac[6] = {0x00, 0x50, 0x56, 0x00, 0x00, 0x00};
	char ms[18];

	(void)state;
	lp_open(&w);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		mac[5] = (uint8_t)i;
		w.ms += 1000;
		lp_put_dhcp(&w, mac, "0.0.0.0", 1, 1, mac, NULL, NULL, "pc",
		    cases[i].vendor, cases[i].params, cases[i].n);
	}
	lt_opts(&o);
	lt_run(&t, &w, &o);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		snprintf(ms, sizeof ms, "00:50:56:00:00:%02zx", i);
		assert_true(lt_host(&t, ms, &h));
		assert_string_equal(h.os, cases[i].os);
		assert_string_equal(h.name, "pc");
		assert_string_equal(h.name_source, "dhcp");
	}
	assert_true(lt_host(&t, "00:50:56:00:00:00", &h));
	assert_string_equal(
	    h.fp, "55:1,15,3,6,44,46,47,31,33,121,249,43;60:MSFT 5.0");
	assert_non_null(strstr(h.vendor, "VMware"));
	lt_free(&t);
	lp_remove(&w);
	/* The table itself, without captures. */
	assert_string_equal(lan_os_guess("MSFT 98", NULL, 0), "Windows 9x");
	assert_null(lan_os_guess("", NULL, 0));
}

static void
test_oui_vendor(void **state)
{
	static const uint8_t vmw[6] = {0x00, 0x0c, 0x29, 0x59, 0xfd, 0x21};
	static const uint8_t local[6] = {0x02, 0x0c, 0x29, 0x59, 0xfd, 0x21};
	static const uint8_t none[6] = {0xfc, 0xff, 0xff, 0x00, 0x00, 0x01};
	struct lan_oui *o;
	char err[256];
	const char *v;

	(void)state;
	if (access(LAN_OUI_PATH, R_OK) != 0)
		skip(); /* ieee-data not installed */
	o = lan_oui_load(NULL, err, sizeof err);
	assert_non_null(o);
	assert_true(lan_oui_count(o) > 10000);
	v = lan_oui_lookup(o, vmw);
	assert_non_null(v);
	assert_string_equal(v, "VMware, Inc.");
	assert_null(lan_oui_lookup(o, local));
	assert_null(lan_oui_lookup(o, none));
	lan_oui_free(o);
	assert_null(lan_oui_load("/nonexistent/oui.csv", err, sizeof err));
	assert_non_null(strstr(err, "/nonexistent/oui.csv"));
}

/* Random adds, finds and removes against a plain array. */
static void
test_table_ops(void **state)
{
	struct lan_hosts *t = lan_hosts_new(512, NULL, NULL);
	static uint8_t present[2048];
	uint8_t mac[6] = {0x00, 0x11, 0x22, 0, 0, 0};
	bool created;
	size_t n = 0;

	(void)state;
	srand(7);
	for (int i = 0; i < 200000; i++) {
		unsigned k = (unsigned)rand() % 700; /* < 2048: no eviction? */
		mac[4] = (uint8_t)(k >> 8);
		mac[5] = (uint8_t)k;
		struct lan_host *h = lan_hosts_find(t, mac);
		assert_true((h != NULL) == (present[k] != 0));
		if (rand() % 3 == 0 && h != NULL) {
			lan_hosts_remove(t, h);
			present[k] = 0;
			n--;
		} else if (h == NULL && n < 512) {
			h = lan_hosts_get(t, mac, i, &created);
			assert_true(created);
			assert_memory_equal(h->mac, mac, 6);
			present[k] = 1;
			n++;
		}
		assert_int_equal(lan_hosts_count(t), n);
	}
	assert_int_equal(lan_hosts_evicted(t), 0);
	lan_hosts_free(t);
}

/* More MACs than the bound: the least recently seen go, counted. */
static void
test_bound_evicts_lru(void **state)
{
	struct lp w;
	struct lt t;
	struct lan_opts o;
	struct lt_host h;
	uint8_t mac[6] = {0x00, 0x0c, 0x29, 0x10, 0x00, 0x00};
	char ip[32];
	struct lan_stats st;

	(void)state;
	lp_open(&w);
	for (int i = 0; i < 40; i++) {
		mac[5] = (uint8_t)i;
		w.ms = T0 + MS(0, 0, i);
		snprintf(ip, sizeof ip, "10.0.0.%d", i + 1);
		lp_put_arp(&w, mac, 1, ip, "10.0.0.254");
		/* Host 0 keeps talking: it must survive. */
		mac[5] = 0;
		lp_put_arp(&w, mac, 1, "10.0.0.1", "10.0.0.254");
	}
	lt_opts(&o);
	o.max_hosts = 16;
	lt_run(&t, &w, &o);
	lan_sampler_get_stats(t.s, &st);
	assert_int_equal(st.hosts, 16);
	assert_int_equal(lt_nhosts(&t), 16);
	assert_int_equal(st.hosts_evicted, 24);
	assert_true(lt_host(&t, "00:0c:29:10:00:00", &h));
	assert_int_equal(h.pout, 41);
	assert_true(lt_host(&t, "00:0c:29:10:00:27", &h));  /* 39: newest */
	assert_true(lt_host(&t, "00:0c:29:10:00:19", &h));  /* 25 */
	assert_false(lt_host(&t, "00:0c:29:10:00:18", &h)); /* 24: evicted */
	assert_false(lt_host(&t, "00:0c:29:10:00:01", &h));
	/* Evicted hosts' traffic was handed to the sink, not lost. */
	uint64_t pkts = 0;
	for (size_t i = 0; i < t.ntr; i++)
		pkts += t.tr[i].pout;
	assert_int_equal(pkts, 80);
	lt_free(&t);
	lp_remove(&w);
}

static void
test_hourly_traffic(void **state)
{
	struct lp w;
	struct lt t;
	struct lan_opts o;
	uint8_t f[1600];
	struct lt_host h;

	(void)state;
	lp_open(&w);
	/* Only senders become hosts: both say hello first (60 B each). */
	w.ms = T0 + MS(0, 9, 0);
	lp_put_arp(&w, HA, 1, "192.168.1.10", "192.168.1.11");
	lp_put_arp(&w, HB, 1, "192.168.1.11", "192.168.1.10");
	/* Hour 0: A sends 10 x 1000 B to B, B answers 10 x 100 B. */
	for (int i = 0; i < 10; i++) {
		w.ms = T0 + MS(0, 10, i);
		lp_frame(&w, f,
		    lp_tcp4(f, HA, HB, "192.168.1.10", "192.168.1.11", 5000,
			445, 0x18, 1000 - 54));
		lp_frame(&w, f,
		    lp_tcp4(f, HB, HA, "192.168.1.11", "192.168.1.10", 445,
			5000, 0x10, 100 - 54));
	}
	/* Hour 2: A sends 5 x 500 B to B. */
	for (int i = 0; i < 5; i++) {
		w.ms = T0 + MS(2, 30, i);
		lp_frame(&w, f,
		    lp_tcp4(f, HA, HB, "192.168.1.10", "192.168.1.11", 5000,
			445, 0x18, 500 - 54));
	}
	lt_opts(&o);
	lt_run(&t, &w, &o);
	assert_int_equal(t.ntr, 4);
	for (size_t i = 0; i < t.ntr; i++) {
		bool a = strcmp(t.tr[i].mac, "00:0c:29:00:00:0a") == 0;
		assert_false(t.tr[i].est);
		if (t.tr[i].hour_ms == T0) {
			assert_int_equal(t.tr[i].bout, a ? 10060 : 1060);
			assert_int_equal(t.tr[i].bin, a ? 1000 : 10000);
			assert_int_equal(t.tr[i].pout, 11);
			assert_int_equal(t.tr[i].pin, 10);
		} else {
			assert_int_equal(t.tr[i].hour_ms, T0 + MS(2, 0, 0));
			assert_int_equal(t.tr[i].bout, a ? 2500 : 0);
			assert_int_equal(t.tr[i].bin, a ? 0 : 2500);
		}
	}
	assert_true(lt_host(&t, "00:0c:29:00:00:0a", &h));
	assert_int_equal(h.bout, 12560);
	assert_int_equal(h.bin, 1000);
	assert_string_equal(h.ipv4, "192.168.1.10");
	assert_int_equal(h.first_ms, T0 + MS(0, 9, 0));
	assert_int_equal(h.last_ms, T0 + MS(2, 30, 4));
	assert_true(t.nhost_reports >= 2);
	assert_int_equal(t.nup, 0); /* no uplink known */
	lt_free(&t);
	lp_remove(&w);
}

/* 1-in-4 sampling: counts scaled by 4 and marked estimated. */
static void
test_sampling_scales(void **state)
{
	struct lp w;
	struct lt t;
	struct lan_opts o;
	uint8_t f[1600];
	struct lt_host h;
	struct lan_stats st;

	(void)state;
	lp_open(&w);
	for (int i = 0; i < 400; i++) {
		w.ms = T0 + i * 10;
		lp_frame(&w, f,
		    lp_tcp4(f, HA, HB, "192.168.1.10", "192.168.1.11", 5000,
			445, 0x18, 100 - 54));
	}
	lt_opts(&o);
	o.sample_rate = 4;
	lt_run(&t, &w, &o);
	lan_sampler_get_stats(t.s, &st);
	assert_int_equal(st.packets, 400);
	assert_int_equal(st.sampled, 100);
	assert_int_equal(st.sample_rate, 4);
	assert_true(lt_host(&t, "00:0c:29:00:00:0a", &h));
	assert_int_equal(h.pout, 400);
	assert_int_equal(h.bout, 40000);
	assert_true(h.est);
	assert_int_equal(t.ntr, 1);
	assert_true(t.tr[0].est);
	assert_int_equal(t.tr[0].bout, 40000);
	lt_free(&t);
	lp_remove(&w);
}

/* Uplink: through the gateway's MAC; peak = the busiest minute's average. */
static void
test_uplink_peak(void **state)
{
	struct lp w;
	struct lt t;
	struct lan_opts o;
	uint8_t f[1600];

	(void)state;
	lp_open(&w);
	/* Minute 0: 600 x 1000 B out; minute 1: 60 x 1000 B out, 30 in. */
	for (int i = 0; i < 600; i++) {
		w.ms = T0 + i * 50;
		lp_frame(&w, f,
		    lp_tcp4(f, HA, GW, "192.168.1.10", "1.1.1.1", 5000, 443,
			0x18, 1000 - 54));
	}
	for (int i = 0; i < 60; i++) {
		w.ms = T0 + MS(0, 1, 0) + i * 500;
		lp_frame(&w, f,
		    lp_tcp4(f, HA, GW, "192.168.1.10", "1.1.1.1", 5000, 443,
			0x18, 1000 - 54));
		if (i % 2 == 0)
			lp_frame(&w, f,
			    lp_tcp4(f, GW, HA, "1.1.1.1", "192.168.1.10", 443,
				5000, 0x18, 1000 - 54));
	}
	/* Next hour, a little. */
	w.ms = T0 + MS(1, 0, 30);
	lp_frame(&w, f,
	    lp_tcp4(f, HA, GW, "192.168.1.10", "1.1.1.1", 5000, 443, 0x18,
		1000 - 54));
	lt_opts(&o);
	o.has_uplink_mac = true;
	memcpy(o.uplink_mac, GW, 6);
	lt_run(&t, &w, &o);
	assert_int_equal(t.nup, 2);
	assert_int_equal(t.up[0].hour_ms, T0);
	assert_int_equal(t.up[0].bout, 660000);
	assert_int_equal(t.up[0].bin, 30000);
	assert_true(t.up[0].pout > 79999.0 && t.up[0].pout < 80001.0);
	assert_true(t.up[0].pin > 3999.0 && t.up[0].pin < 4001.0);
	assert_false(t.up[0].est);
	assert_int_equal(t.up[1].hour_ms, T0 + MS(1, 0, 0));
	assert_int_equal(t.up[1].bout, 1000);
	lt_free(&t);
	lp_remove(&w);
}

static void
test_offline_errors(void **state)
{
	struct lt t;
	struct lan_opts o;
	struct lan_offline_info info;
	char err[256], path[] = "/tmp/xanet-lan-bad-XXXXXX";
	int fd;

	(void)state;
	lt_opts(&o);
	lt_start(&t, &o);
	assert_int_equal(
	    lan_offline_run(t.s, "/nonexistent.pcap", &info, err, sizeof err),
	    -1);
	assert_non_null(strstr(err, "/nonexistent.pcap"));
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "not a capture at all, sorry", 27), 27);
	close(fd);
	assert_int_equal(
	    lan_offline_run(t.s, path, &info, err, sizeof err), -1);
	assert_non_null(strstr(err, path));
	unlink(path);
	lt_free(&t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_dhcp_os_guess),
	    cmocka_unit_test(test_oui_vendor),
	    cmocka_unit_test(test_table_ops),
	    cmocka_unit_test(test_bound_evicts_lru),
	    cmocka_unit_test(test_hourly_traffic),
	    cmocka_unit_test(test_sampling_scales),
	    cmocka_unit_test(test_uplink_peak),
	    cmocka_unit_test(test_offline_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
