/* test_lan_detect.c - every LAN detector, positive and negative, on captures made with pcap_dump. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "tests/unit/lantest.h"

static const uint8_t GW1[6] = {0x00, 0x1a, 0x2b, 0x00, 0x00, 0x01};
static const uint8_t GW2[6] = {0x00, 0x1a, 0x2b, 0x00, 0x00, 0x02};
static const uint8_t HA[6] = {0x00, 0x0c, 0x29, 0x00, 0x00, 0x0a};
static const uint8_t HB[6] = {0x00, 0x0c, 0x29, 0x00, 0x00, 0x0b};
static const uint8_t EVIL[6] = {0x02, 0x66, 0x66, 0x00, 0x00, 0x66};

static void
opts_gw(struct lan_opts *o)
{
	lt_opts(o);
	o->has_gateway = true;
	o->gateway_ip[0] = 192, o->gateway_ip[1] = 168;
	o->gateway_ip[2] = 1, o->gateway_ip[3] = 1;
}

/* Two hosts and the gateway refresh their ARP caches for 3 hours. */
static void
test_arp_refresh_quiet(void **state)
{
	struct lp w;
	struct lt t;
	struct lan_opts o;

	(void)state;
	lp_open(&w);
	for (int i = 0; i < 180; i++) {
		w.ms = T0 + MS(0, i, 0);
		lp_put_arp(&w, HA, 1, "192.168.1.10", "192.168.1.1");
		w.ms += 1;
		lp_put_arp(&w, GW1, 2, "192.168.1.1", "192.168.1.10");
		w.ms += 1;
		lp_put_arp(&w, HB, 1, "192.168.1.11", "192.168.1.10");
		w.ms += 1;
		lp_put_arp(&w, HA, 2, "192.168.1.10", "192.168.1.11");
	}
	opts_gw(&o);
	lt_run(&t, &w, &o);
	assert_int_equal(lt_count(&t, NULL), 0);
	char up[18];
	lan_sampler_uplink(t.s, up);
	assert_string_equal(up, "00:1a:2b:00:00:01");
	lt_free(&t);
	lp_remove(&w);
}

/* The router is replaced: the gateway IP moves once, then stays. */
static void
test_router_replaced_one_alert(void **state)
{
	struct lp w;
	struct lt t;
	struct lan_opts o;
	char up[18];

	(void)state;
	lp_open(&w);
	for (int i = 0; i < 20; i++) {
		w.ms = T0 + MS(0, 0, 30 * i);
		lp_put_arp(&w, GW1, 2, "192.168.1.1", "192.168.1.10");
	}
	/* 20 minutes later the new router answers, for 3 hours. */
	for (int i = 0; i < 360; i++) {
		w.ms = T0 + MS(0, 30, 30 * i);
		lp_put_arp(&w, GW2, 2, "192.168.1.1", "192.168.1.10");
		w.ms += 5;
		lp_put_arp(&w, GW2, 1, "192.168.1.1", "192.168.1.10");
	}
	opts_gw(&o);
	lt_run(&t, &w, &o);
	assert_int_equal(lt_count(&t, NULL), 1);
	assert_int_equal(lt_count(&t, "lan-arp-spoof"), 1);
	assert_string_equal(t.ev[0].mac, "00:1a:2b:00:00:02");
	assert_non_null(
	    strstr(t.ev[0].details, "gateway_mac=00:1a:2b:00:00:01"));
	lan_sampler_uplink(t.s, up);
	assert_string_equal(up, "00:1a:2b:00:00:02");
	lt_free(&t);
	lp_remove(&w);
}

/* A spoofer claims the gateway while the real one still answers. */
static void
test_arp_spoof(void **state)
{
	struct lp w;
	struct lt t;
	struct lan_opts o;
	char up[18];

	(void)state;
	lp_open(&w);
	for (int i = 0; i < 120; i++) {
		w.ms = T0 + MS(0, 0, 10 * i);
		lp_put_arp(&w, GW1, 2, "192.168.1.1", "192.168.1.10");
		w.ms += 3;
		if (i >= 10)
			lp_put_arp(&w, EVIL, 2, "192.168.1.1", "192.168.1.10");
	}
	opts_gw(&o);
	lt_run(&t, &w, &o);
	assert_int_equal(lt_count(&t, "lan-arp-spoof"), 1);
	assert_string_equal(t.ev[0].mac, "02:66:66:00:00:66");
	assert_non_null(strstr(t.ev[0].details, "rule=lan-arp-spoof"));
	assert_non_null(strstr(t.ev[0].details, "ip=192.168.1.1"));
	lan_sampler_uplink(t.s, up);
	assert_string_equal(up, "00:1a:2b:00:00:01"); /* not adopted */
	lt_free(&t);
	lp_remove(&w);
}

static void
test_ip_flip(void **state)
{
	struct lp w;
	struct lt t;
	struct lan_opts o;

	(void)state;
	/* Positive: two MACs fight over .50 within minutes. */
	lp_open(&w);
	for (int i = 0; i < 6; i++) {
		w.ms = T0 + MS(0, i, 0);
		lp_put_arp(
		    &w, i % 2 ? HB : HA, 2, "192.168.1.50", "192.168.1.1");
	}
	opts_gw(&o);
	lt_run(&t, &w, &o);
	assert_int_equal(lt_count(&t, "lan-ip-change"), 1);
	assert_int_equal(lt_count(&t, NULL), 1);
	assert_non_null(
	    strstr(lt_details(&t, "lan-ip-change"), "ip=192.168.1.50"));
	lt_free(&t);
	lp_remove(&w);

	/* Negative: A went quiet 20 minutes ago; or the DHCP server handed
	   the address to B. */
	lp_open(&w);
	lp_put_arp(&w, HA, 2, "192.168.1.50", "192.168.1.1");
	w.ms = T0 + MS(0, 20, 0);
	lp_put_arp(&w, HB, 2, "192.168.1.50", "192.168.1.1");
	w.ms = T0 + MS(0, 21, 0);
	lp_put_arp(&w, HA, 2, "192.168.1.60", "192.168.1.1");
	w.ms += 1000;
	lp_put_dhcp(&w, GW1, "192.168.1.1", 2, 5, HB, "192.168.1.60",
	    "192.168.1.1", NULL, NULL, NULL, 0);
	w.ms += 1000;
	lp_put_arp(&w, HB, 2, "192.168.1.60", "192.168.1.1");
	lt_run(&t, &w, &o);
	assert_int_equal(lt_count(&t, NULL), 0);
	lt_free(&t);
	lp_remove(&w);
}

static void
many_ips(int n, size_t want)
{
	struct lp w;
	struct lt t;
	struct lan_opts o;
	char ip[32];

	lp_open(&w);
	for (int i = 0; i < n; i++) {
		w.ms = T0 + MS(0, 0, 20 * i);
		snprintf(ip, sizeof ip, "192.168.1.%d", 100 + i);
		lp_put_arp(&w, HA, 2, ip, "192.168.1.1");
	}
	opts_gw(&o);
	lt_run(&t, &w, &o);
	assert_int_equal(lt_count(&t, "lan-many-ips"), want);
	assert_int_equal(lt_count(&t, NULL), want);
	lt_free(&t);
	lp_remove(&w);
}

static void
test_many_ips(void **state)
{
	(void)state;
	many_ips(9, 1); /* more than 8 in 10 minutes */
	many_ips(8, 0);
	many_ips(20, 1); /* still one alert */
}

static void
garp(int n, int64_t spacing_ms, size_t want)
{
	struct lp w;
	struct lt t;
	struct lan_opts o;

	lp_open(&w);
	for (int i = 0; i < n; i++) {
		w.ms = T0 + spacing_ms * i;
		lp_put_arp(&w, HA, 1, "192.168.1.10", "192.168.1.10");
	}
	opts_gw(&o);
	lt_run(&t, &w, &o);
	assert_int_equal(lt_count(&t, "lan-garp-storm"), want);
	assert_int_equal(lt_count(&t, NULL), want);
	lt_free(&t);
	lp_remove(&w);
}

static void
test_garp_storm(void **state)
{
	(void)state;
	garp(31, 1000, 1);  /* 31 in 31 s */
	garp(30, 1000, 0);  /* 30 a minute is the limit */
	garp(3, 1000, 0);   /* a boot announces itself */
	garp(200, 3000, 0); /* 20 a minute, for 10 minutes */
	garp(300, 100, 1);  /* a storm is still one alert */
}

static const uint8_t win_params[] = {
    1, 3, 6, 15, 31, 33, 43, 44, 46, 47, 119, 121, 249, 252};

static void
test_rogue_dhcp_allowed_list(void **state)
{
	static const uint8_t ROGUE[6] = {0x00, 0x11, 0x22, 0x33, 0x44, 0x55};
	struct lp w;
	struct lt t;
	struct lan_opts o;

	(void)state;
	lp_open(&w);
	lp_put_dhcp(&w, HA, "0.0.0.0", 1, 1, HA, NULL, NULL, "pc1", "MSFT 5.0",
	    win_params, sizeof win_params);
	w.ms += 10;
	lp_put_dhcp(&w, GW1, "192.168.1.5", 2, 2, HA, "192.168.1.10",
	    "192.168.1.5", NULL, NULL, NULL, 0);
	w.ms += 10;
	lp_put_dhcp(&w, ROGUE, "192.168.1.66", 2, 2, HA, "192.168.1.99",
	    "192.168.1.66", NULL, NULL, NULL, 0);
	w.ms += 10;
	lp_put_dhcp(&w, ROGUE, "192.168.1.66", 2, 5, HA, "192.168.1.99",
	    "192.168.1.66", NULL, NULL, NULL, 0);
	opts_gw(&o);
	o.ndhcp_servers = 1;
	o.dhcp_servers[0][0] = 192, o.dhcp_servers[0][1] = 168;
	o.dhcp_servers[0][2] = 1, o.dhcp_servers[0][3] = 5;
	lt_run(&t, &w, &o);
	assert_int_equal(lt_count(&t, "lan-rogue-dhcp"), 1);
	assert_int_equal(lt_count(&t, NULL), 1);
	assert_string_equal(t.ev[0].ip, "192.168.1.66");
	assert_string_equal(t.ev[0].mac, "00:11:22:33:44:55");
	lt_free(&t);
	lp_remove(&w);
}

static void
test_rogue_dhcp_learn_first(void **state)
{
	static const uint8_t ROGUE[6] = {0x00, 0x11, 0x22, 0x33, 0x44, 0x55};
	struct lp w;
	struct lt t;
	struct lan_opts o;

	(void)state;
	lp_open(&w);
	/* A day of renewals every 30 minutes: never an alert. */
	for (int i = 0; i < 48; i++) {
		w.ms = T0 + MS(0, 30 * i, 0);
		lp_put_dhcp(&w, HA, "192.168.1.10", 1, 3, HA, NULL, NULL, "pc1",
		    "MSFT 5.0", win_params, sizeof win_params);
		w.ms += 5;
		lp_put_dhcp(&w, GW1, "192.168.1.1", 2, 5, HA, "192.168.1.10",
		    "192.168.1.1", NULL, NULL, NULL, 0);
	}
	opts_gw(&o);
	lt_run(&t, &w, &o);
	assert_int_equal(lt_count(&t, NULL), 0);
	lt_free(&t);
	w.ms = T0 + MS(25, 0, 0);
	/* lp_run closed the file: write a second one with a rogue added. */
	lp_remove(&w);
	lp_open(&w);
	lp_put_dhcp(&w, GW1, "192.168.1.1", 2, 5, HA, "192.168.1.10",
	    "192.168.1.1", NULL, NULL, NULL, 0);
	w.ms += 1000;
	lp_put_dhcp(&w, ROGUE, "10.0.0.1", 2, 2, HB, "10.0.0.50", "10.0.0.1",
	    NULL, NULL, NULL, 0);
	w.ms += 1000;
	lp_put_dhcp(&w, ROGUE, "10.0.0.1", 2, 2, HB, "10.0.0.50", "10.0.0.1",
	    NULL, NULL, NULL, 0);
	lt_run(&t, &w, &o);
	assert_int_equal(lt_count(&t, "lan-rogue-dhcp"), 1);
	assert_int_equal(lt_count(&t, NULL), 1);
	assert_string_equal(t.ev[0].ip, "10.0.0.1");
	lt_free(&t);
	lp_remove(&w);
}

static void
scan(int nports, int64_t spacing_ms, size_t want)
{
	struct lp w;
	struct lt t;
	struct lan_opts o;

	lp_open(&w);
	for (int i = 0; i < nports; i++) {
		w.ms = T0 + spacing_ms * i;
		lp_put_syn(&w, EVIL, HA, "192.168.1.66", "192.168.1.10",
		    (uint16_t)(1 + i));
	}
	opts_gw(&o);
	lt_run(&t, &w, &o);
	assert_int_equal(lt_count(&t, "lan-port-scan"), want);
	assert_int_equal(lt_count(&t, NULL), want);
	if (want)
		assert_non_null(
		    strstr(lt_details(&t, "lan-port-scan"), "ip=192.168.1.66"));
	lt_free(&t);
	lp_remove(&w);
}

static void
test_port_scan(void **state)
{
	(void)state;
	scan(101, 50, 1);   /* 101 ports in 5 s */
	scan(100, 50, 0);   /* the threshold itself */
	scan(200, 2000, 0); /* slow: 30 a minute for 400 s */
	scan(1000, 10, 1);  /* a fast full scan is still one alert */
}

static void
sweep(int nhosts, bool via_uplink, size_t want)
{
	struct lp w;
	struct lt t;
	struct lan_opts o;
	char ip[32];

	lp_open(&w);
	lp_put_arp(&w, GW1, 2, "192.168.1.1", "192.168.1.10");
	for (int i = 0; i < nhosts; i++) {
		w.ms = T0 + 1000 + 100 * i;
		if (via_uplink)
			snprintf(ip, sizeof ip, "93.184.%d.%d", i / 200,
			    1 + i % 200);
		else
			snprintf(ip, sizeof ip, "192.168.1.%d", 2 + i);
		lp_put_syn(
		    &w, HA, via_uplink ? GW1 : HB, "192.168.1.10", ip, 445);
	}
	opts_gw(&o);
	lt_run(&t, &w, &o);
	assert_int_equal(lt_count(&t, "lan-host-sweep"), want);
	assert_int_equal(lt_count(&t, NULL), want);
	lt_free(&t);
	lp_remove(&w);
}

static void
test_host_sweep(void **state)
{
	(void)state;
	sweep(51, false, 1);
	sweep(50, false, 0);
	sweep(300, true, 0); /* browsing the Internet is not a sweep */
}

static void
test_blocked_domain(void **state)
{
	static const char *const bl[] = {"bad.example", "*.malware.test"};
	struct lp w;
	struct lt t;
	struct lan_opts o;

	(void)state;
	lp_open(&w);
	lp_put_dns(&w, HA, GW1, "192.168.1.10", "good.example");
	lp_put_dns(&w, HA, GW1, "192.168.1.10", "notbad.example");
	lp_put_dns(&w, HA, GW1, "192.168.1.10", "www.bad.example");
	lp_put_dns(&w, HA, GW1, "192.168.1.10", "malware.test.org");
	w.ms += 1000;
	lp_put_dns(&w, HA, GW1, "192.168.1.10", "bad.example");
	lp_put_dns(&w, HA, GW1, "192.168.1.10", "bad.example");
	lp_put_dns(&w, HB, GW1, "192.168.1.11", "cdn.x.malware.test");
	lp_put_dns(&w, HB, GW1, "192.168.1.11", "MALWARE.test");
	opts_gw(&o);
	o.blocklist_domains = bl;
	o.nblocklist_domains = 2;
	lt_run(&t, &w, &o);
	assert_int_equal(lt_count(&t, "lan-blocked-domain"), 3);
	assert_int_equal(lt_count(&t, NULL), 3);
	assert_non_null(strstr(t.ev[0].details, "domain=bad.example"));
	assert_string_equal(t.ev[0].mac, "00:0c:29:00:00:0a");
	assert_string_equal(t.ev[0].ip, "192.168.1.10");
	assert_non_null(strstr(t.ev[1].details, "domain=cdn.x.malware.test"));
	assert_non_null(strstr(t.ev[2].details, "domain=malware.test"));
	lt_free(&t);
	lp_remove(&w);
}

static void
test_blocked_ip(void **state)
{
	static const char *const bl[] = {"203.0.113.7", "198.51.100.0/24"};
	struct lp w;
	struct lt t;
	struct lan_opts o;
	uint8_t f[1600];

	(void)state;
	lp_open(&w);
	lp_put_syn(&w, HA, GW1, "192.168.1.10", "8.8.8.8", 443);
	lp_put_syn(&w, HA, GW1, "192.168.1.10", "198.51.101.9", 443);
	lp_put_syn(&w, HA, GW1, "192.168.1.10", "203.0.113.7", 443);
	w.ms += 10;
	lp_frame(&w, f,
	    lp_tcp4(f, GW1, HA, "203.0.113.7", "192.168.1.10", 443, 40000, 0x12,
		0));
	lp_put_syn(&w, HB, GW1, "192.168.1.11", "198.51.100.9", 80);
	opts_gw(&o);
	o.blocklist_ips = bl;
	o.nblocklist_ips = 2;
	lt_run(&t, &w, &o);
	assert_int_equal(lt_count(&t, "lan-blocked-ip"), 2);
	assert_int_equal(lt_count(&t, NULL), 2);
	assert_non_null(strstr(t.ev[0].details, "blocked_ip=203.0.113.7"));
	assert_string_equal(t.ev[0].ip, "192.168.1.10");
	assert_non_null(strstr(t.ev[1].details, "blocked_ip=198.51.100.9"));
	lt_free(&t);
	lp_remove(&w);
}

static void
test_learning_period(void **state)
{
	struct lp w;
	struct lt t;
	struct lan_opts o;

	(void)state;
	lp_open(&w);
	lp_put_arp(&w, HA, 1, "192.168.1.10", "192.168.1.1");
	w.ms = T0 + MS(0, 50, 0);
	lp_put_arp(&w, HB, 1, "192.168.1.11", "192.168.1.1");
	w.ms = T0 + MS(2, 0, 0);
	lp_put_arp(&w, HA, 1, "192.168.1.10", "192.168.1.1");
	lp_put_arp(&w, HB, 1, "192.168.1.11", "192.168.1.1");
	lp_put_arp(&w, GW2, 2, "192.168.1.77", "192.168.1.10");
	w.ms += 1000;
	lp_put_arp(&w, GW2, 2, "192.168.1.77", "192.168.1.10");
	opts_gw(&o);
	o.learning_ms = MS(1, 0, 0);
	lt_run(&t, &w, &o);
	assert_int_equal(lt_count(&t, "lan-new-host"), 1);
	assert_int_equal(lt_count(&t, NULL), 1);
	assert_string_equal(t.ev[0].mac, "00:1a:2b:00:00:02");
	assert_string_equal(t.ev[0].ip, "192.168.1.77");
	lt_free(&t);
	lp_remove(&w);

	/* Learning counts from when the store says it began. */
	lp_open(&w);
	lp_put_arp(&w, GW2, 2, "192.168.1.77", "192.168.1.10");
	o.learning_start_ms = T0 - MS(48, 0, 0);
	lt_run(&t, &w, &o);
	assert_int_equal(lt_count(&t, "lan-new-host"), 1);
	lt_free(&t);
	lp_remove(&w);
}

static void
test_blocked_host(void **state)
{
	struct lp w;
	struct lt t;
	struct lan_opts o;
	struct lt_host h;

	(void)state;
	lp_open(&w);
	for (int i = 0; i < 100; i++) {
		w.ms = T0 + MS(0, 0, 10 * i);
		lp_put_arp(&w, HA, 1, "192.168.1.10", "192.168.1.1");
		lp_put_arp(&w, HB, 1, "192.168.1.11", "192.168.1.1");
	}
	opts_gw(&o);
	lt_start(&t, &o);
	/* As the daemon does from the store. */
	lan_sampler_seed_host(t.s, HA, LAN_HOST_BLOCKED, T0 - 1000, "lạ");
	lan_sampler_seed_host(
	    t.s, HB, LAN_HOST_APPROVED, T0 - 1000, "PC kế toán");
	lt_feed(&t, &w);
	assert_int_equal(lt_count(&t, "lan-blocked-host"), 1);
	assert_int_equal(lt_count(&t, NULL), 1);
	assert_string_equal(t.ev[0].mac, "00:0c:29:00:00:0a");
	assert_true(lt_host(&t, "00:0c:29:00:00:0b", &h));
	assert_string_equal(h.name, "PC kế toán");
	assert_string_equal(h.name_source, "label");
	assert_int_equal(h.status, LAN_HOST_APPROVED);
	assert_int_equal(h.first_ms, T0 - 1000);
	assert_true(lt_host(&t, "00:0c:29:00:00:0a", &h));
	assert_int_equal(h.status, LAN_HOST_BLOCKED);
	/* Forgetting a host drops it from the table. */
	lan_sampler_forget(t.s, HB);
	assert_false(lt_host(&t, "00:0c:29:00:00:0b", &h));
	assert_int_equal(lt_nhosts(&t), 1);
	lt_free(&t);

	/* Without the seed, nothing: both are learned hosts. */
	lt_run(&t, &w, &o);
	assert_int_equal(lt_count(&t, NULL), 0);
	lt_free(&t);
	lp_remove(&w);
}

static void
test_av_lookups(void **state)
{
	struct lp w;
	struct lt t;
	struct lan_opts o;
	struct lt_host h;

	(void)state;
	lp_open(&w);
	lp_put_dns(&w, HA, GW1, "192.168.1.10", "dnl-01.geo.kaspersky.com");
	w.ms = T0 + MS(1, 0, 0);
	lp_put_dns(&w, HA, GW1, "192.168.1.10", "dnl-07.geo.kaspersky.com");
	lp_put_dns(&w, HB, GW1, "192.168.1.11", "go.microsoft.com");
	lp_put_dns(&w, GW2, GW1, "192.168.1.12", "fe2.update.microsoft.com");
	w.ms += 5000;
	lp_put_dns(&w, GW2, GW1, "192.168.1.12", "www.bkav.com.vn");
	opts_gw(&o);
	lt_run(&t, &w, &o);
	assert_int_equal(lt_count(&t, NULL), 0);
	assert_true(lt_host(&t, "00:0c:29:00:00:0a", &h));
	assert_string_equal(h.av, "Kaspersky");
	assert_int_equal(h.av_last_ms, T0 + MS(1, 0, 0));
	assert_true(lt_host(&t, "00:0c:29:00:00:0b", &h));
	assert_string_equal(h.av, "");
	assert_true(lt_host(&t, "00:1a:2b:00:00:02", &h));
	assert_string_equal(h.av, "Bkav");
	assert_int_equal(h.av_last_ms, T0 + MS(1, 0, 5));
	lt_free(&t);
	lp_remove(&w);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_arp_refresh_quiet),
	    cmocka_unit_test(test_router_replaced_one_alert),
	    cmocka_unit_test(test_arp_spoof),
	    cmocka_unit_test(test_ip_flip),
	    cmocka_unit_test(test_many_ips),
	    cmocka_unit_test(test_garp_storm),
	    cmocka_unit_test(test_rogue_dhcp_allowed_list),
	    cmocka_unit_test(test_rogue_dhcp_learn_first),
	    cmocka_unit_test(test_port_scan),
	    cmocka_unit_test(test_host_sweep),
	    cmocka_unit_test(test_blocked_domain),
	    cmocka_unit_test(test_blocked_ip),
	    cmocka_unit_test(test_learning_period),
	    cmocka_unit_test(test_blocked_host),
	    cmocka_unit_test(test_av_lookups),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
