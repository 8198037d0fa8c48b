/* test_api.c - unit tests of the API's time parameters and of the heartbeat endpoint's limits and message cleaning. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "common/xtime.h"
#include "web/api.h"
#include "web/heartbeat.h"

static void
test_parse_time(void **state)
{
	int64_t ms = 0;

	assert_int_equal(api_parse_time("1782869400000", &ms), 0);
	assert_int_equal(ms, 1782869400000LL);
	assert_int_equal(api_parse_time("2026-07-01T08:30:00+07:00", &ms), 0);
	assert_int_equal(ms, 1782869400000LL);
	assert_int_equal(api_parse_time("2026-07-01T01:30Z", &ms), 0);
	assert_int_equal(ms, 1782869400000LL);
	assert_int_equal(api_parse_time("2026-07-01T12:00:05Z", &ms), 0);
	assert_int_equal(ms, 1782907205000LL);
	assert_int_equal(api_parse_time("2026-07-01T00:00:00-01:30", &ms), 0);
	assert_int_equal(ms, 1782869400000LL);
	/* A local date: local midnight (Asia/Ho_Chi_Minh, UTC+7). */
	assert_int_equal(api_parse_time("2026-07-01", &ms), 0);
	assert_int_equal(ms, 1782838800000LL);
}

static void
test_parse_time_refused(void **state)
{
	static const char *const bad[] = {"", "yesterday", "2026-02-30",
	    "2026-02-30T00:00Z", "2026-07-01T25:00Z", "2026-07-01T08:30",
	    "2026-07-01T08:30:00+7", "2026-07-01T08:30:00+07:00x",
	    "1' OR 1=1 --", "2026-07-01T08:60Z", "1969-12-31T00:00Z",
	    "99999999999999999999", "-5", "2026-7-1"};
	int64_t ms = 42;

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (api_parse_time(bad[i], &ms) != -1)
			fail_msg("'%s' was accepted", bad[i]);
}

static void
test_unknown_token_bucket(void **state)
{
	struct hbweb *h = hbweb_new();
	int64_t t = 1000000;

	for (int i = 0; i < HBWEB_UNKNOWN_BURST; i++) {
		assert_int_equal(hbweb_addr_wait(h, "127.0.9.1", t), 0);
		hbweb_addr_unknown(h, "127.0.9.1", t);
	}
	/* The burst is spent: wait about one refill interval. */
	assert_true(hbweb_addr_wait(h, "127.0.9.1", t) > 0);
	assert_true(hbweb_addr_wait(h, "127.0.9.1", t) <=
		    HBWEB_UNKNOWN_INTERVAL_MS + 1);
	/* Another address has its own bucket. */
	assert_int_equal(hbweb_addr_wait(h, "127.0.9.2", t), 0);
	/* One interval later, one more guess, and no second. */
	t += HBWEB_UNKNOWN_INTERVAL_MS;
	assert_int_equal(hbweb_addr_wait(h, "127.0.9.1", t), 0);
	hbweb_addr_unknown(h, "127.0.9.1", t);
	assert_true(hbweb_addr_wait(h, "127.0.9.1", t) > 0);
	hbweb_free(h);
}

static void
test_address_table_bounded(void **state)
{
	struct hbweb *h = hbweb_new();
	struct hbweb_stats st;
	char ip[64];

	/* Far more addresses than the table holds: it stays bounded. */
	for (int i = 0; i < 3 * HBWEB_ADDRS_MAX; i++) {
		snprintf(ip, sizeof ip, "10.%d.%d.1", i / 256, i % 256);
		hbweb_addr_unknown(h, ip, 1000 + i);
	}
	hbweb_get_stats(h, &st);
	assert_int_equal(st.unknown, 3 * HBWEB_ADDRS_MAX);
	hbweb_free(h);
}

static void
test_device_once_a_second(void **state)
{
	struct hbweb *h = hbweb_new();
	struct hbweb_stats st;

	assert_int_equal(hbweb_device_wait(h, "ap-01", 5000), 0);
	assert_int_equal(hbweb_device_wait(h, "ap-01", 5400), 600);
	assert_int_equal(hbweb_device_wait(h, "ap-02", 5400), 0);
	assert_int_equal(hbweb_device_wait(h, "ap-01", 6000), 0);
	hbweb_get_stats(h, &st);
	assert_int_equal(st.accepted, 3);
	assert_int_equal(st.limited_device, 1);
	hbweb_free(h);
}

static void
test_msg_clean(void **state)
{
	char out[HBWEB_MSG_MAX + 1], in[400];

	assert_int_equal(
	    hbweb_msg_clean("mất điện\r\nthôn\tĐông\x7f", out, sizeof out), 0);
	assert_string_equal(out, "mất điệnthônĐông");
	/* U+0085 (NEL) is a C1 control: gone. */
	assert_int_equal(hbweb_msg_clean("a\xc2\x85"
					 "b",
			     out, sizeof out),
	    0);
	assert_string_equal(out, "ab");
	assert_int_equal(hbweb_msg_clean("\xff\xfe", out, sizeof out), -1);
	/* 100 two-byte characters: cut at 120 bytes, between characters. */
	in[0] = '\0';
	for (int i = 0; i < 100; i++)
		strcat(in, "đ");
	assert_int_equal(hbweb_msg_clean(in, out, sizeof out), 0);
	assert_int_equal(strlen(out), HBWEB_MSG_MAX);
	/* 3-byte characters: 40 of them fill 120 bytes exactly; 41 cut. */
	in[0] = '\0';
	for (int i = 0; i < 41; i++)
		strcat(in, "ệ");
	assert_int_equal(hbweb_msg_clean(in, out, sizeof out), 0);
	assert_int_equal(strlen(out), 120);
	strcpy(in, "x");
	for (int i = 0; i < 41; i++)
		strcat(in, "ệ");
	assert_int_equal(hbweb_msg_clean(in, out, sizeof out), 0);
	assert_int_equal(strlen(out), 118);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse_time),
	    cmocka_unit_test(test_parse_time_refused),
	    cmocka_unit_test(test_unknown_token_bucket),
	    cmocka_unit_test(test_address_table_bounded),
	    cmocka_unit_test(test_device_once_a_second),
	    cmocka_unit_test(test_msg_clean),
	};

	time_zone_set(XANET_DEFAULT_TZ);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
