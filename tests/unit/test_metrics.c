/* test_metrics.c - unit tests of web/metrics: who may read /metrics (networks, addresses, the bearer token). */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "common/config.h"
#include "web/metrics.h"

static struct config *
cfg_with(char **allow, size_t n, char *token)
{
	static struct config cfg;

	memset(&cfg, 0, sizeof cfg);
	cfg.web.metrics_allow = allow;
	cfg.web.nmetrics_allow = n;
	cfg.web.metrics_token = token;
	return &cfg;
}

static void
test_networks(void **state)
{
	char *allow[] = {"127.0.0.0/8", "::1", "10.1.0.0/16", "192.0.2.7",
	    "fd00::/8", "172.16.0.0/12"};
	struct config *cfg = cfg_with(allow, 6, NULL);

	assert_true(metrics_allowed(cfg, "127.0.0.1", NULL));
	assert_true(metrics_allowed(cfg, "127.255.255.254", NULL));
	assert_true(metrics_allowed(cfg, "::1", NULL));
	assert_true(metrics_allowed(cfg, "10.1.200.3", NULL));
	assert_false(metrics_allowed(cfg, "10.2.0.1", NULL));
	assert_true(metrics_allowed(cfg, "192.0.2.7", NULL));
	assert_false(metrics_allowed(cfg, "192.0.2.8", NULL));
	assert_true(metrics_allowed(cfg, "fd12:3456::1", NULL));
	assert_false(metrics_allowed(cfg, "fe80::1", NULL));
	assert_false(metrics_allowed(cfg, "::2", NULL));
	/* /12 ends inside a byte: 172.16-172.31 only. */
	assert_true(metrics_allowed(cfg, "172.31.255.1", NULL));
	assert_false(metrics_allowed(cfg, "172.32.0.1", NULL));
	assert_false(metrics_allowed(cfg, "172.15.255.255", NULL));
	/* An IPv4-mapped peer is its IPv4 address; no other IPv6 form is. */
	assert_true(metrics_allowed(cfg, "::ffff:127.0.0.1", NULL));
	assert_false(metrics_allowed(cfg, "::7f00:1", NULL));
	/* Not an address: never allowed by a network. */
	assert_false(metrics_allowed(cfg, "?", NULL));
	assert_false(metrics_allowed(cfg, "", NULL));
	assert_false(metrics_allowed(cfg, NULL, NULL));
	assert_false(metrics_allowed(NULL, "127.0.0.1", NULL));
}

static void
test_bad_entries(void **state)
{
	/* A malformed entry (the config refuses it; still never a match). */
	char *allow[] = {
	    "127.0.0.0/33", "10.0.0.0/x", "::1/129", "nope", "/8", "0.0.0.0/0"};
	struct config *cfg = cfg_with(allow, 5, NULL);

	assert_false(metrics_allowed(cfg, "127.0.0.1", NULL));
	assert_false(metrics_allowed(cfg, "10.0.0.1", NULL));
	assert_false(metrics_allowed(cfg, "::1", NULL));
	/* 0.0.0.0/0 is every IPv4 peer, and no IPv6 one. */
	cfg = cfg_with(allow, 6, NULL);
	assert_true(metrics_allowed(cfg, "203.0.113.9", NULL));
	assert_false(metrics_allowed(cfg, "2001:db8::1", NULL));
}

static void
test_token(void **state)
{
	struct config *cfg = cfg_with(NULL, 0, "s3cret-Token_42");

	assert_false(metrics_allowed(cfg, "127.0.0.1", NULL));
	assert_true(
	    metrics_allowed(cfg, "127.0.0.1", "Bearer s3cret-Token_42"));
	assert_true(
	    metrics_allowed(cfg, "203.0.113.9", "bearer s3cret-Token_42"));
	assert_true(metrics_allowed(cfg, "::1", "BEARER  s3cret-Token_42"));
	assert_false(
	    metrics_allowed(cfg, "127.0.0.1", "Bearer s3cret-Token_4"));
	assert_false(
	    metrics_allowed(cfg, "127.0.0.1", "Bearer s3cret-Token_42x"));
	assert_false(
	    metrics_allowed(cfg, "127.0.0.1", "Bearer S3CRET-TOKEN_42"));
	assert_false(
	    metrics_allowed(cfg, "127.0.0.1", "Basic s3cret-Token_42"));
	assert_false(metrics_allowed(cfg, "127.0.0.1", "s3cret-Token_42"));
	assert_false(metrics_allowed(cfg, "127.0.0.1", "Bearer "));
	assert_false(metrics_allowed(cfg, "127.0.0.1", ""));
	/* No token configured: no header opens it, not even an empty one. */
	cfg = cfg_with(NULL, 0, NULL);
	assert_false(metrics_allowed(cfg, "127.0.0.1", "Bearer "));
	cfg = cfg_with(NULL, 0, "");
	assert_false(metrics_allowed(cfg, "127.0.0.1", "Bearer "));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_networks),
	    cmocka_unit_test(test_bad_entries),
	    cmocka_unit_test(test_token),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
