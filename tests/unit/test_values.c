/* test_values.c - unit tests of config values: durations and addresses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "common/addr.h"
#include "common/duration.h"

static void
test_duration_units(void **state)
{
	static const struct {
		const char *text;
		int64_t ms;
	} good[] = {
	    {"500ms", 500},
	    {"30s", 30000},
	    {"5m", 300000},
	    {"1h", 3600000},
	    {"2d", 172800000},
	    {"1h30m", 5400000},
	    {"2d3h", 183600000},
	    {"1m30s250ms", 90250},
	    {"90", 90000},
	    {"0", 0},
	    {"0s", 0},
	    {"007s", 7000},
	    {"1d1h1m1s1ms", 90061001},
	};

	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		int64_t ms = -1;

		assert_int_equal(duration_parse(good[i].text, &ms), 0);
		assert_int_equal(ms, good[i].ms);
	}
}

static void
test_duration_rejects(void **state)
{
	static const char *const bad[] = {
	    "",
	    "-5s",
	    "+5s",
	    " 5s",
	    "5s ",
	    "5 s",
	    "5x",
	    "s",
	    "ms",
	    "1.5s",
	    "5S",
	    "30m1h",
	    "1h1h",
	    "1h30",
	    "1m1ms1s",
	    "5sec",
	    "0x10",
	    "1h-30m",
	    /* 2^63 ms and friends: the sum or a product overflows. */
	    "9223372036854775808ms",
	    "9223372036854775807s",
	    "106751991168d",
	    "106751991167d8h",
	    "99999999999999999999999",
	};

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		int64_t ms = 42;

		if (duration_parse(bad[i], &ms) != -1)
			fail_msg("accepted \"%s\"", bad[i]);
		assert_int_equal(ms, 42);
	}
	/* The largest value still fits. */
	assert_int_equal(
	    duration_parse("9223372036854775807ms", &(int64_t){0}), 0);
	assert_int_equal(duration_parse("106751991167d7h", &(int64_t){0}), 0);
}

static void
test_duration_format(void **state)
{
	char buf[32];

	assert_int_equal(duration_format(5400000, buf, sizeof buf), 5);
	assert_string_equal(buf, "1h30m");
	duration_format(45000, buf, sizeof buf);
	assert_string_equal(buf, "45s");
	duration_format(500, buf, sizeof buf);
	assert_string_equal(buf, "500ms");
	duration_format(183600000, buf, sizeof buf);
	assert_string_equal(buf, "2d3h");
	duration_format(0, buf, sizeof buf);
	assert_string_equal(buf, "0s");
	duration_format(1500, buf, sizeof buf);
	assert_string_equal(buf, "1s500ms");
	duration_format(-30000, buf, sizeof buf);
	assert_string_equal(buf, "-30s");
	duration_format(INT64_MIN, buf, sizeof buf);
	assert_string_equal(buf, "-106751991167d7h12m55s808ms");
	/* Cut like snprintf, and says how much room the whole needed. */
	assert_int_equal(duration_format(5400000, buf, 4), 5);
	assert_string_equal(buf, "1h3");
}

static void
test_duration_round_trip(void **state)
{
	static const int64_t values[] = {
	    1, 999, 1000, 61001, 3599999, 86400000, 90061001, INT64_MAX};
	char buf[64];

	for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
		int64_t back = -1;

		duration_format(values[i], buf, sizeof buf);
		assert_int_equal(duration_parse(buf, &back), 0);
		assert_int_equal(back, values[i]);
	}
}

static void
test_addr_good(void **state)
{
	static const struct {
		const char *text;
		int kind;
	} good[] = {
	    {"192.0.2.1", ADDR_IPV4},
	    {"0.0.0.0", ADDR_IPV4},
	    {"255.255.255.255", ADDR_IPV4},
	    {"2001:db8::1", ADDR_IPV6},
	    {"::1", ADDR_IPV6},
	    {"::ffff:192.0.2.1", ADDR_IPV6},
	    {"fe80::1%eth0", ADDR_IPV6},
	    {"nvh-thon1.ddns.net", ADDR_HOSTNAME},
	    {"nvh-thon-trung.ddns.example", ADDR_HOSTNAME},
	    {"router", ADDR_HOSTNAME},
	    {"3com.example", ADDR_HOSTNAME},
	    {"ap01.example.", ADDR_HOSTNAME},
	    {"A.B-C.example", ADDR_HOSTNAME},
	};

	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		if (addr_classify(good[i].text) != good[i].kind)
			fail_msg("\"%s\": got %d, want %d", good[i].text,
			    addr_classify(good[i].text), good[i].kind);
	}
	assert_string_equal(addr_kind_name(ADDR_IPV6), "IPv6 address");
	assert_string_equal(addr_kind_name(ADDR_HOSTNAME), "host name");
}

static void
test_addr_lengths(void **state)
{
	char label63[64], label64[65], name253[254], name254[255];

	memset(label63, 'a', 63);
	label63[63] = '\0';
	memset(label64, 'a', 64);
	label64[64] = '\0';
	assert_int_equal(addr_classify(label63), ADDR_HOSTNAME);
	assert_int_equal(addr_classify(label64), -1);
	/* 63 + 1 + 63 + 1 + 63 + 1 + 61 = 253 bytes. */
	snprintf(name253, sizeof name253, "%s.%s.%s.%.61s", label63, label63,
	    label63, label63);
	assert_int_equal(strlen(name253), 253);
	assert_int_equal(addr_classify(name253), ADDR_HOSTNAME);
	snprintf(name254, sizeof name254, "%s.%s.%s.%.62s", label63, label63,
	    label63, label63);
	assert_int_equal(strlen(name254), 254);
	assert_int_equal(addr_classify(name254), -1);
}

static void
test_addr_bad(void **state)
{
	static const char *const bad[] = {
	    "",
	    "192.0.2.300",
	    "192.0.2",
	    "10.0.0.1.5",
	    "1.2.3.04",
	    "-router.example",
	    "router-.example",
	    "ap..example",
	    ".example",
	    "ap_01.example",
	    "nhà-văn-hóa.example",
	    "ap 01",
	    "2001:db8:::1",
	    "2001:db8::1%",
	    "fe80::1%bad/zone",
	    "fe80::1%abcdefghijklmnopq",
	    "http://ap01.example",
	    "ap01.example:80",
	    "[::1]",
	    "..",
	};

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (addr_classify(bad[i]) != -1)
			fail_msg("accepted \"%s\"", bad[i]);
	}
	assert_int_equal(addr_classify(NULL), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_duration_units),
	    cmocka_unit_test(test_duration_rejects),
	    cmocka_unit_test(test_duration_format),
	    cmocka_unit_test(test_duration_round_trip),
	    cmocka_unit_test(test_addr_good),
	    cmocka_unit_test(test_addr_lengths),
	    cmocka_unit_test(test_addr_bad),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
