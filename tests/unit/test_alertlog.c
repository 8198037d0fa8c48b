/* test_alertlog.c - unit tests of the alert-log line format and file handling. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <syslog.h>
#include <cmocka.h>

#include "common/xtime.h"
#include "common/alertlog.h"

static void
test_format_line(void **state)
{
	char buf[256];
	size_t n;

	time_zone_set("Asia/Ho_Chi_Minh");
	n = alertlog_format(buf, sizeof buf, 1790787600000LL, LOG_ERR, "down",
	    "ap-03", "Nhà văn hóa thôn Đông",
	    "since=2026-10-01T00:00:00+07:00");
	assert_string_equal(buf,
	    "2026-10-01T00:00:00+07:00 error down ap-03 "
	    "\"Nhà văn hóa thôn Đông\" since=2026-10-01T00:00:00+07:00");
	assert_int_equal(n, strlen(buf));
}

static void
test_format_escapes(void **state)
{
	char buf[256];

	alertlog_format(buf, sizeof buf, 1790787600000LL, LOG_NOTICE,
	    "monitor-started", NULL, "a \"b\" \\c\nd", "x=1\ny=2");
	assert_string_equal(buf,
	    "2026-10-01T00:00:00+07:00 notice "
	    "monitor-started - \"a \\\"b\\\" \\\\c\\x0ad\" x=1 y=2");
}

static void
test_format_truncates(void **state)
{
	char buf[40];
	size_t n;

	n = alertlog_format(buf, sizeof buf, 1790787600000LL, LOG_WARNING,
	    "degraded", "sw-1", "Switch tầng 2", "loss=30%");
	/* The full length is returned; the buffer holds a terminated prefix. */
	assert_true(n > sizeof buf);
	assert_int_equal(strlen(buf), sizeof buf - 1);
	assert_memory_equal(buf, "2026-10-01T00:00:00+07:00 warning", 33);
}

static void
test_write_and_reopen(void **state)
{
	char dir[] = "/tmp/xanet-alertlog-XXXXXX", path[128], moved[128];
	char err[256], line[512];
	struct alertlog *al;
	FILE *fp;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/alerts.log", dir);
	snprintf(moved, sizeof moved, "%s/alerts.log.1", dir);
	al = alertlog_open(path, err, sizeof err);
	assert_non_null(al);
	alertlog_write(al, time_wall_ms(), LOG_NOTICE, "monitor-started", NULL,
	    "xanetd", "version=%s", "0.1.0");
	assert_int_equal(rename(path, moved), 0);
	assert_int_equal(alertlog_reopen(al), 0);
	alertlog_write(al, time_wall_ms(), LOG_NOTICE, "monitor-stopped", NULL,
	    "xanetd", "reason=%s", "signal");
	alertlog_free(al);

	fp = fopen(moved, "r");
	assert_non_null(fp);
	assert_non_null(fgets(line, sizeof line, fp));
	assert_non_null(strstr(line, " notice monitor-started - \"xanetd\" "
				     "version=0.1.0\n"));
	assert_null(fgets(line, sizeof line, fp));
	fclose(fp);
	fp = fopen(path, "r");
	assert_non_null(fp);
	assert_non_null(fgets(line, sizeof line, fp));
	assert_non_null(strstr(line, "monitor-stopped - \"xanetd\" "
				     "reason=signal\n"));
	fclose(fp);
	unlink(path);
	unlink(moved);
	rmdir(dir);
}

static void
test_open_failure_says_why(void **state)
{
	char err[256];

	assert_null(
	    alertlog_open("/nonexistent-dir/alerts.log", err, sizeof err));
	assert_string_equal(err,
	    "cannot open alert log "
	    "/nonexistent-dir/alerts.log: No such file or directory");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_format_line),
	    cmocka_unit_test(test_format_escapes),
	    cmocka_unit_test(test_format_truncates),
	    cmocka_unit_test(test_write_and_reopen),
	    cmocka_unit_test(test_open_failure_says_why),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
