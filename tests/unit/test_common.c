/* test_common.c - unit tests of common/: rate limits, local time, strings. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "common/log.h"
#include "common/util.h"
#include "common/xtime.h"

static void
test_ratelimit_burst_then_interval(void **state)
{
	struct ratelimit rl;
	uint64_t sup = 99;

	ratelimit_init(&rl, 1000, 3);
	assert_true(ratelimit_allow(&rl, 0, &sup));
	assert_int_equal(sup, 0);
	assert_true(ratelimit_allow(&rl, 1, NULL));
	assert_true(ratelimit_allow(&rl, 2, NULL));
	/* Burst spent: the next ones inside the interval are counted. */
	assert_false(ratelimit_allow(&rl, 3, NULL));
	assert_false(ratelimit_allow(&rl, 999, NULL));
	assert_true(ratelimit_allow(&rl, 1000, &sup));
	assert_int_equal(sup, 2);
	assert_false(ratelimit_allow(&rl, 1500, NULL));
	/* A long quiet spell refills the whole burst, no more. */
	for (int i = 0; i < 3; i++)
		assert_true(ratelimit_allow(&rl, 100000, NULL));
	assert_false(ratelimit_allow(&rl, 100000, NULL));
}

static void
test_local_time_is_utc_plus_7(void **state)
{
	char buf[64];

	time_zone_set("Asia/Ho_Chi_Minh");
	/* 2026-09-30 17:00:00 UTC is midnight on 1 October in Vietnam. */
	time_format_local(1790787600000LL, buf, sizeof buf);
	assert_string_equal(buf, "2026-10-01 00:00:00 +07:00");
	time_format_iso(1790787600999LL, buf, sizeof buf);
	assert_string_equal(buf, "2026-10-01T00:00:00+07:00");
}

static void
test_zone_fallback(void **state)
{
	char buf[64];

	assert_int_equal(time_zone_set("No/Such_Zone"), -1);
	time_format_iso(0, buf, sizeof buf);
	assert_string_equal(buf, "1970-01-01T07:00:00+07:00");
	/* A time before the epoch still rounds down to the right second. */
	time_format_iso(-1, buf, sizeof buf);
	assert_string_equal(buf, "1970-01-01T06:59:59+07:00");
	assert_int_equal(time_zone_set("../../etc/passwd"), -1);
}

static void
test_str_helpers(void **state)
{
	char s[32] = "  \t Nhà văn hóa \r\n";
	char small[5];
	char hex[9];
	const unsigned char bytes[] = {0x00, 0xab, 0x7f, 0xff};

	assert_string_equal(str_trim(s), "Nhà văn hóa");
	assert_int_equal(str_copy(small, "abcdefgh", sizeof small), 8);
	assert_string_equal(small, "abcd");
	assert_true(str_has_prefix("wifi-ap", "wifi"));
	assert_false(str_has_prefix("wi", "wifi"));
	assert_int_equal(utf8_width("Nhà văn hóa thôn Đông"), 21);
	/* "hóa" with a combining acute accent (NFD) is still 3 columns. */
	assert_int_equal(utf8_width("ho\xcc\x81"
				    "a"),
	    3);
	assert_int_equal(utf8_width(""), 0);
	hex_encode(bytes, sizeof bytes, hex);
	assert_string_equal(hex, "00ab7fff");
}

static void
test_level_names(void **state)
{
	assert_int_equal(log_level_parse("debug"), LOG_DEBUG);
	assert_int_equal(log_level_parse("warning"), LOG_WARNING);
	assert_int_equal(log_level_parse("warn"), LOG_WARNING);
	assert_int_equal(log_level_parse("loud"), -1);
	assert_string_equal(log_level_name(LOG_NOTICE), "notice");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ratelimit_burst_then_interval),
	    cmocka_unit_test(test_local_time_is_utc_plus_7),
	    cmocka_unit_test(test_zone_fallback),
	    cmocka_unit_test(test_str_helpers),
	    cmocka_unit_test(test_level_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
