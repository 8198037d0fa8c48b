/* test_host.c - unit tests of store/host: hosts, approval, traffic hours, LAN events, capture coverage. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "common/addr.h"
#include "store/host.h"
#include "store/writer.h"
#include "tests/unit/testutil.h"

#define T0   INT64_C(1790787600000) /* the start of a UTC hour */
#define HOUR INT64_C(3600000)

static const char *MAC1 = "00:0c:29:59:fd:21";
static const char *MAC2 = "3c:22:fb:00:00:01";

static void
test_mac_parse(void **state)
{
	char out[18];

	assert_int_equal(addr_mac_norm("00-0C-29-59-FD-21", out), 0);
	assert_string_equal(out, "00:0c:29:59:fd:21");
	assert_int_equal(addr_mac_norm("00:0c:29:59:fd:2", out), -1);
	assert_int_equal(addr_mac_norm("00:0c:29:59:fd:2g", out), -1);
	assert_int_equal(addr_mac_norm("00:0c:29:59:fd;21", out), -1);
	assert_int_equal(addr_mac_norm("00:0c:29:59:fd:210", out), -1);
	assert_int_equal(addr_mac_norm(NULL, out), -1);
}

static void
test_upsert_merges(void **state)
{
	struct store_fixture *f = *state;
	struct host_row r = {.mac = "00:0C:29:59:FD:21",
	    .ipv4 = "192.168.1.23",
	    .name = "KETOAN-PC",
	    .name_source = "dhcp",
	    .vendor = "VMware, Inc.",
	    .os_guess = "Windows",
	    .dhcp_fp = "55:1,3,6,15;60:MSFT 5.0",
	    .first_ms = T0 + 1000,
	    .last_ms = T0 + 2000};
	struct host_info h;

	assert_int_equal(host_upsert(f->w, &r), 0);
	/* Later: a new IPv4, no name known now, an AV lookup; an older
	 * first sighting (another interface) moves first_ms back. */
	memset(&r, 0, sizeof r);
	r.mac = MAC1;
	r.ipv4 = "192.168.1.24";
	r.ipv6 = "";
	r.first_ms = T0;
	r.last_ms = T0 + 5000;
	r.av_product = "Kaspersky";
	r.av_last_ms = T0 + 4000;
	assert_int_equal(host_upsert(f->w, &r), 0);
	/* A stale report never moves last_ms or av_last_ms back. */
	r.last_ms = T0 + 100;
	r.av_last_ms = T0 + 100;
	r.av_product = NULL;
	assert_int_equal(host_upsert(f->w, &r), 0);
	assert_int_equal(writer_commit(f->w), 0);

	assert_int_equal(host_get(f->r, MAC1, T0, &h), 0);
	assert_string_equal(h.mac, MAC1);
	assert_string_equal(h.ipv4, "192.168.1.24");
	assert_string_equal(h.ipv6, "");
	assert_string_equal(h.name, "KETOAN-PC");
	assert_string_equal(h.name_source, "dhcp");
	assert_string_equal(h.vendor, "VMware, Inc.");
	assert_string_equal(h.os_guess, "Windows");
	assert_string_equal(h.dhcp_fp, "55:1,3,6,15;60:MSFT 5.0");
	assert_string_equal(h.status, "unknown");
	assert_string_equal(h.av_product, "Kaspersky");
	assert_int_equal(h.first_ms, T0);
	assert_int_equal(h.last_ms, T0 + 5000);
	assert_int_equal(h.av_last_ms, T0 + 4000);
	assert_int_equal(query_int(f->r, "SELECT count(*) FROM host"), 1);
	assert_int_equal(host_get(f->r, MAC2, T0, &h), 1);
	assert_int_equal(host_get(f->r, "nonsense", T0, &h), 1);
}

static void
test_status_and_label(void **state)
{
	struct store_fixture *f = *state;
	struct host_row r = {.mac = MAC1, .first_ms = T0, .last_ms = T0};
	struct host_info h;

	/* A MAC never seen can be approved ahead of time. */
	assert_int_equal(
	    host_set_status(f->w, MAC2, "approved", "PC kế toán", T0), 0);
	/* Committed at once: the reader sees it without a commit here. */
	assert_int_equal(host_get(f->r, MAC2, T0, &h), 0);
	assert_string_equal(h.status, "approved");
	assert_string_equal(h.label, "PC kế toán");
	/* Blocking keeps the label. */
	assert_int_equal(host_set_status(f->w, MAC2, "blocked", NULL, T0), 0);
	assert_int_equal(host_get(f->r, MAC2, T0, &h), 0);
	assert_string_equal(h.status, "blocked");
	assert_string_equal(h.label, "PC kế toán");
	/* The sampler's upserts never undo the officer's decision. */
	r.mac = MAC2;
	r.last_ms = T0 + 60000;
	assert_int_equal(host_upsert(f->w, &r), 0);
	assert_int_equal(writer_commit(f->w), 0);
	assert_int_equal(host_get(f->r, MAC2, T0, &h), 0);
	assert_string_equal(h.status, "blocked");
	assert_int_equal(h.last_ms, T0 + 60000);
	assert_int_equal(host_set_status(f->w, MAC2, "trusted", NULL, T0), -1);
	assert_int_equal(host_set_status(f->w, "zz", "approved", NULL, T0), -1);
}

static void
test_traffic_adds_up(void **state)
{
	struct store_fixture *f = *state;
	struct host_info h;

	/* A MAC with traffic but no host report yet gets a bare row. */
	assert_int_equal(
	    host_traffic_add(f->w, MAC1, T0, 1000, 200, 10, 2, false), 0);
	/* The same hour again (a restart in mid-hour) adds up. */
	assert_int_equal(
	    host_traffic_add(f->w, MAC1, T0, 500, 100, 5, 1, true), 0);
	assert_int_equal(
	    host_traffic_add(f->w, MAC1, T0 - 30 * HOUR, 7, 7, 1, 1, false), 0);
	assert_int_equal(writer_commit(f->w), 0);
	assert_int_equal(
	    query_int(f->r, "SELECT bytes_in FROM host_traffic_hour WHERE "
			    "hour_ms = 1790787600000"),
	    1500);
	assert_int_equal(
	    query_int(f->r, "SELECT pkts_out FROM host_traffic_hour WHERE "
			    "hour_ms = 1790787600000"),
	    3);
	/* Once estimated, the hour stays estimated. */
	assert_int_equal(
	    query_int(f->r, "SELECT estimated FROM host_traffic_hour WHERE "
			    "hour_ms = 1790787600000"),
	    1);
	/* The last 24 hours only: the hour 30 h back is not counted. */
	assert_int_equal(host_get(f->r, MAC1, T0 + HOUR, &h), 0);
	assert_int_equal(h.bytes_in_24h, 1500);
	assert_int_equal(h.bytes_out_24h, 300);

	assert_int_equal(
	    host_uplink_add(f->w, T0, 100, 10, 800.0, 90.0, false), 0);
	assert_int_equal(
	    host_uplink_add(f->w, T0, 50, 5, 400.0, 120.0, false), 0);
	assert_int_equal(writer_commit(f->w), 0);
	assert_int_equal(
	    query_int(f->r, "SELECT bytes_in FROM uplink_hour"), 150);
	assert_int_equal(
	    query_int(
		f->r, "SELECT CAST(peak_in_bps AS INTEGER) FROM uplink_hour"),
	    800);
	assert_int_equal(query_int(f->r, "SELECT CAST(peak_out_bps AS INTEGER) "
					 "FROM uplink_hour"),
	    120);
}

static void
test_forget(void **state)
{
	struct store_fixture *f = *state;

	assert_int_equal(
	    host_traffic_add(f->w, MAC1, T0, 1000, 200, 10, 2, false), 0);
	assert_int_equal(host_event_add(f->w, T0, "lan-new-host", MAC1, NULL,
			     "rule=lan-new-host mac=00:0c:29:59:fd:21"),
	    0);
	assert_int_equal(writer_commit(f->w), 0);
	assert_int_equal(host_forget(f->w, MAC1), 1);
	assert_int_equal(query_int(f->r, "SELECT count(*) FROM host"), 0);
	assert_int_equal(
	    query_int(f->r, "SELECT count(*) FROM host_traffic_hour"), 0);
	/* Its events are history and stay. */
	assert_int_equal(query_int(f->r, "SELECT count(*) FROM lan_event"), 1);
	assert_int_equal(host_forget(f->w, MAC1), 0);
	assert_int_equal(host_forget(f->w, "bad"), -1);
}

struct listed {
	int n;
	char macs[4][18];
};

static int
list_cb(const struct host_info *h, void *arg)
{
	struct listed *l = arg;

	if (l->n < 4)
		memcpy(l->macs[l->n], h->mac, sizeof l->macs[0]);
	l->n++;
	return 0;
}

static void
test_each(void **state)
{
	struct store_fixture *f = *state;
	struct host_row r = {.mac = MAC1, .first_ms = T0, .last_ms = T0};
	struct listed l = {0};

	assert_int_equal(host_upsert(f->w, &r), 0);
	r.mac = MAC2;
	r.last_ms = T0 + 10;
	assert_int_equal(host_upsert(f->w, &r), 0);
	assert_int_equal(writer_commit(f->w), 0);
	assert_int_equal(host_each(f->r, false, T0, list_cb, &l), 2);
	/* Most recently seen first. */
	assert_string_equal(l.macs[0], MAC2);
	assert_string_equal(l.macs[1], MAC1);
	assert_int_equal(host_set_status(f->w, MAC2, "approved", NULL, T0), 0);
	memset(&l, 0, sizeof l);
	assert_int_equal(host_each(f->r, true, T0, list_cb, &l), 1);
	assert_string_equal(l.macs[0], MAC1);
}

struct seeded {
	int n;
	char status[16];
	char label[64];
	int64_t first_ms;
};

static void
seed_cb(void *arg, const char *mac, const char *status, int64_t first_ms,
    const char *label)
{
	struct seeded *s = arg;

	s->n++;
	if (strcmp(mac, MAC2) == 0) {
		snprintf(s->status, sizeof s->status, "%s", status);
		snprintf(s->label, sizeof s->label, "%s", label ? label : "");
		s->first_ms = first_ms;
	}
}

static void
test_each_known(void **state)
{
	struct store_fixture *f = *state;
	struct host_row r = {.mac = MAC1, .first_ms = T0, .last_ms = T0};
	struct seeded s = {0};

	assert_int_equal(host_upsert(f->w, &r), 0);
	assert_int_equal(
	    host_set_status(f->w, MAC2, "blocked", "Lạ", T0 + 5), 0);
	assert_int_equal(host_each_known(f->r, seed_cb, &s), 2);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.status, "blocked");
	assert_string_equal(s.label, "Lạ");
	assert_int_equal(s.first_ms, T0 + 5);
}

static int
event_cb(const struct host_event *e, void *arg)
{
	int *n = arg;

	if (*n == 0) {
		assert_string_equal(e->rule, "lan-rogue-dhcp");
		assert_string_equal(e->mac, "");
		assert_string_equal(e->ip, "192.168.1.66");
	} else
		assert_string_equal(e->rule, "lan-port-scan");
	(*n)++;
	return 0;
}

static void
test_events(void **state)
{
	struct store_fixture *f = *state;
	int n = 0;

	assert_int_equal(
	    host_event_add(f->w, T0 - 1, "lan-new-host", MAC1, NULL, "old"), 0);
	assert_int_equal(host_event_add(f->w, T0 + 2, "lan-port-scan", MAC1,
			     "192.168.1.23", "ports=120"),
	    0);
	assert_int_equal(host_event_add(f->w, T0 + 1, "lan-rogue-dhcp", "",
			     "192.168.1.66", "server=192.168.1.66"),
	    0);
	assert_int_equal(writer_commit(f->w), 0);
	assert_int_equal(host_events(f->r, T0, event_cb, &n), 2);
	assert_int_equal(n, 2);
}

static void
test_capture_rows(void **state)
{
	struct store_fixture *f = *state;
	int64_t id1, id2, id3;

	assert_int_equal(host_capture_first(f->r), -1);
	id1 = host_capture_start(f->w, "eth0", T0);
	assert_true(id1 > 0);
	assert_int_equal(host_capture_alive(f->w, id1, T0 + 10000, 500, 1), 0);
	assert_int_equal(writer_commit(f->w), 0);
	/* A second start of eth0 (after a crash) closes the first at its
	 * last sign of life; another interface's capture is left alone. */
	id3 = host_capture_start(f->w, "eth1", T0 + 15000);
	id2 = host_capture_start(f->w, "eth0", T0 + 20000);
	assert_true(id2 > id1);
	assert_int_equal(query_int(f->r, "SELECT stop_ms FROM lan_capture "
					 "WHERE id = 1"),
	    T0 + 10000);
	assert_int_equal(query_int(f->r, "SELECT packets FROM lan_capture "
					 "WHERE id = 1"),
	    500);
	assert_int_equal(query_int(f->r, "SELECT count(*) FROM lan_capture "
					 "WHERE stop_ms IS NULL"),
	    2);
	/* A clean stop is committed at once, with the final counters. */
	assert_int_equal(host_capture_stop(f->w, id2, T0 + 30000, 900, 0), 0);
	assert_int_equal(query_int(f->r, "SELECT stop_ms FROM lan_capture "
					 "WHERE id = 3"),
	    T0 + 30000);
	assert_int_equal(query_int(f->r, "SELECT packets FROM lan_capture "
					 "WHERE id = 3"),
	    900);
	/* A stopped capture is not revived. */
	assert_int_equal(host_capture_alive(f->w, id2, T0 + 40000, 1000, 0), 0);
	assert_int_equal(writer_commit(f->w), 0);
	assert_int_equal(
	    query_int(f->r, "SELECT last_alive_ms FROM lan_capture "
			    "WHERE id = 3"),
	    T0 + 30000);
	assert_int_equal(host_capture_first(f->r), T0);
	(void)id3;
}

#define T(fn) STORE_TEST(fn, open, "host")

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_mac_parse),
	    T(test_upsert_merges),
	    T(test_status_and_label),
	    T(test_traffic_adds_up),
	    T(test_forget),
	    T(test_each),
	    T(test_each_known),
	    T(test_events),
	    T(test_capture_rows),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
