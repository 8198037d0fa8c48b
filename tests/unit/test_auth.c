/* test_auth.c - unit tests of web/auth: passwords, sessions, CSRF tokens, login limits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "web/auth.h"

#define MIN 60000LL
#define T0  1000000LL /* a monotonic time */

static void
test_password_hash(void **state)
{
	char h1[AUTH_HASH_MAX], h2[AUTH_HASH_MAX];

	assert_int_equal(
	    auth_password_hash("mật khẩu dài 1", h1, sizeof h1), 0);
	assert_int_equal(
	    auth_password_hash("mật khẩu dài 1", h2, sizeof h2), 0);
	assert_true(strncmp(h1, "$argon2id$", 10) == 0);
	/* The INTERACTIVE limits: 64 MiB, 2 passes. */
	assert_non_null(strstr(h1, "m=65536,t=2"));
	assert_string_not_equal(h1, h2); /* salted */
	assert_true(auth_hash_valid(h1));
	assert_true(auth_password_verify("mật khẩu dài 1", h1));
	assert_true(auth_password_verify("mật khẩu dài 1", h2));
	assert_false(auth_password_verify("mật khẩu dài 2", h1));
	assert_false(auth_password_verify("", h1));
	assert_false(auth_password_verify("mật khẩu dài 1", "garbage"));
	assert_false(auth_password_verify("x", "$argon2id$v=19$bad"));
	assert_int_equal(auth_password_hash("x", h1, 16), -1);
}

static void
test_password_policy(void **state)
{
	char err[128], big[AUTH_PASSWORD_MAX + 2];

	assert_int_equal(
	    auth_password_acceptable("123456789", err, sizeof err), -1);
	assert_non_null(strstr(err, "at least 10"));
	assert_int_equal(
	    auth_password_acceptable("1234567890", err, sizeof err), 0);
	/* Characters, not bytes: 9 Vietnamese letters are 18+ bytes. */
	assert_int_equal(
	    auth_password_acceptable("đđđđđđđđđ", err, sizeof err), -1);
	assert_int_equal(
	    auth_password_acceptable("đđđđđđđđđđ", err, sizeof err), 0);
	assert_int_equal(
	    auth_password_acceptable("abcdefghij\x01", err, sizeof err), -1);
	assert_int_equal(
	    auth_password_acceptable("abcdefghij\xc3", err, sizeof err), -1);
	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	assert_int_equal(auth_password_acceptable(big, err, sizeof err), -1);
	big[AUTH_PASSWORD_MAX] = '\0';
	assert_int_equal(auth_password_acceptable(big, err, sizeof err), 0);
}

static void
test_names_and_hashes(void **state)
{
	assert_true(auth_name_valid("admin"));
	assert_true(auth_name_valid("can.bo_vh-2@xa"));
	assert_false(auth_name_valid(""));
	assert_false(auth_name_valid("-role"));
	assert_false(auth_name_valid("a b"));
	assert_false(auth_name_valid("x'; DROP TABLE web_user; --"));
	assert_false(auth_name_valid("<script>"));
	assert_false(auth_name_valid("Đông"));
	assert_true(auth_name_valid(
	    "a23456789012345678901234567890123456789012345678901234567890123"));
	assert_false(auth_name_valid("a2345678901234567890123456789012345678901"
				     "23456789012345678901234"));
	assert_false(auth_hash_valid(NULL));
	assert_false(
	    auth_hash_valid("$argon2i$v=19$m=65536,t=2,p=1$aaaa$bbbb"));
	assert_false(auth_hash_valid("$argon2id$v=19$m=65536,t=2,p=1$a a$b"));
	assert_true(
	    auth_hash_valid("$argon2id$v=19$m=65536,t=2,p=1$aaaa$bbbb"));
}

static void
test_tokens(void **state)
{
	char a[AUTH_TOKEN_LEN + 1], b[AUTH_TOKEN_LEN + 1];

	auth_token_new(a);
	auth_token_new(b);
	assert_int_equal(strlen(a), AUTH_TOKEN_LEN);
	assert_int_equal(strspn(a, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnop"
				   "qrstuvwxyz0123456789-_"),
	    AUTH_TOKEN_LEN);
	assert_string_not_equal(a, b);
}

static void
test_sessions(void **state)
{
	struct auth *a = auth_new(30 * MIN, 4);
	struct auth_session s1, s2, got;
	char wrong[AUTH_TOKEN_LEN + 1];

	assert_int_equal(auth_session_new(a, "an", true, T0, &s1), 0);
	assert_int_equal(auth_session_new(a, "binh", false, T0, &s2), 0);
	assert_string_not_equal(s1.id, s2.id);
	assert_string_not_equal(s1.id, s1.csrf);
	assert_int_equal(auth_session_find(a, s1.id, T0 + MIN, &got), 0);
	assert_string_equal(got.user, "an");
	assert_true(got.admin);
	assert_int_equal(auth_session_find(a, s2.id, T0 + MIN, &got), 0);
	assert_false(got.admin);
	/* Unknown, truncated, empty, NULL ids. */
	auth_token_new(wrong);
	assert_int_equal(auth_session_find(a, wrong, T0, &got), -1);
	assert_int_equal(auth_session_find(a, "", T0, &got), -1);
	assert_int_equal(auth_session_find(a, NULL, T0, &got), -1);
	memcpy(wrong, s1.id, AUTH_TOKEN_LEN);
	wrong[AUTH_TOKEN_LEN - 1] = '\0';
	assert_int_equal(auth_session_find(a, wrong, T0, &got), -1);
	/* Idle expiry counts from the last use. */
	assert_int_equal(auth_session_find(a, s1.id, T0 + 29 * MIN, &got), 0);
	assert_int_equal(auth_session_find(a, s1.id, T0 + 58 * MIN, &got), 0);
	assert_int_equal(auth_session_find(a, s2.id, T0 + 31 * MIN, &got), -1);
	assert_int_equal(auth_session_find(a, s2.id, T0 + 32 * MIN, &got), -1);
	assert_int_equal(auth_session_count(a, T0 + 58 * MIN), 1);
	/* Logout. */
	assert_int_equal(auth_session_end(a, s1.id), 0);
	assert_int_equal(auth_session_end(a, s1.id), -1);
	assert_int_equal(auth_session_find(a, s1.id, T0 + 58 * MIN, &got), -1);
	/* A user deleted: all their sessions end. */
	auth_session_new(a, "an", true, T0, &s1);
	auth_session_new(a, "an", true, T0, &s2);
	auth_session_new(a, "binh", false, T0, &got);
	assert_int_equal(auth_session_end_user(a, "an"), 2);
	assert_int_equal(auth_session_find(a, s1.id, T0, &s2), -1);
	assert_int_equal(auth_session_count(a, T0), 1);
	auth_free(a);
}

static void
test_session_table_bound(void **state)
{
	struct auth *a = auth_new(30 * MIN, 3);
	struct auth_session s[5], got;

	for (int i = 0; i < 3; i++)
		auth_session_new(a, "u", false, T0 + i, &s[i]);
	auth_session_find(a, s[0].id, T0 + 10, &got); /* s[1]: LRU */
	assert_int_equal(auth_session_evicted(a), 0);
	auth_session_new(a, "u", false, T0 + 11, &s[3]);
	assert_int_equal(auth_session_evicted(a), 1);
	assert_int_equal(auth_session_find(a, s[1].id, T0 + 12, &got), -1);
	assert_int_equal(auth_session_find(a, s[0].id, T0 + 12, &got), 0);
	assert_int_equal(auth_session_find(a, s[3].id, T0 + 12, &got), 0);
	assert_int_equal(auth_session_count(a, T0 + 12), 3);
	/* An idle slot is reused before a live one is pushed out. */
	auth_session_new(a, "u", false, T0 + 40 * MIN, &s[4]);
	assert_int_equal(auth_session_evicted(a), 1);
	auth_free(a);
}

static void
test_csrf(void **state)
{
	struct auth *a = auth_new(0, 0);
	struct auth_session s, other;
	char copy[AUTH_TOKEN_LEN + 1];

	auth_session_new(a, "an", true, T0, &s);
	auth_session_new(a, "an", true, T0, &other);
	assert_true(auth_csrf_ok(&s, s.csrf));
	assert_false(auth_csrf_ok(&s, other.csrf));
	assert_false(auth_csrf_ok(&s, NULL));
	assert_false(auth_csrf_ok(&s, ""));
	assert_false(auth_csrf_ok(&s, s.id));
	memcpy(copy, s.csrf, sizeof copy);
	copy[0] = copy[0] == 'A' ? 'B' : 'A';
	assert_false(auth_csrf_ok(&s, copy));
	auth_free(a);
}

static void
test_login_limits(void **state)
{
	struct auth *a = auth_new(0, 0);
	int64_t t = T0;

	/* Per user: 5 failures, then locked 30 s, doubling. */
	for (int i = 0; i < AUTH_USER_TRIES - 1; i++) {
		assert_int_equal(auth_login_wait(a, "10.0.0.1", "an", t), 0);
		auth_login_failed(a, "10.0.0.1", "an", t);
		t += 1000;
	}
	assert_int_equal(auth_login_wait(a, "10.0.0.1", "an", t), 0);
	auth_login_failed(a, "10.0.0.1", "an", t);
	assert_int_equal(auth_login_wait(a, "10.0.0.1", "an", t), 30000);
	/* The same name from elsewhere is locked too; another name is not. */
	assert_int_equal(auth_login_wait(a, "10.0.0.2", "an", t + 1000), 29000);
	assert_int_equal(auth_login_wait(a, "10.0.0.1", "binh", t), 0);
	t += 30000;
	assert_int_equal(auth_login_wait(a, "10.0.0.1", "an", t), 0);
	auth_login_failed(a, "10.0.0.1", "an", t);
	assert_int_equal(auth_login_wait(a, "10.0.0.1", "an", t), 60000);
	t += 60000;
	auth_login_failed(a, "10.0.0.1", "an", t);
	assert_int_equal(auth_login_wait(a, "10.0.0.1", "an", t), 120000);
	/* A success clears the name and the address. */
	auth_login_succeeded(a, "10.0.0.1", "an");
	assert_int_equal(auth_login_wait(a, "10.0.0.1", "an", t), 0);
	/* Failures are forgotten 15 min after the last. */
	for (int i = 0; i < AUTH_USER_TRIES - 1; i++)
		auth_login_failed(a, "10.0.0.3", "chi", t);
	t += 16 * MIN;
	auth_login_failed(a, "10.0.0.3", "chi", t);
	assert_int_equal(auth_login_wait(a, "10.0.0.3", "chi", t), 0);
	/* Per address: 20 failures across many names. */
	for (int i = 0; i < AUTH_IP_TRIES; i++) {
		char name[16];

		snprintf(name, sizeof name, "u%d", i);
		auth_login_failed(a, "10.9.9.9", name, t);
	}
	assert_int_equal(auth_login_wait(a, "10.9.9.9", "fresh", t), 30000);
	assert_int_equal(auth_login_wait(a, "10.9.9.8", "fresh", t), 0);
	/* The cap. */
	for (int i = 0; i < 40; i++)
		auth_login_failed(a, "10.0.0.4", "dung", t);
	assert_int_equal(auth_login_wait(a, "10.0.0.4", "dung", t), 15 * MIN);
	auth_free(a);
}

static void
test_limiter_bounded(void **state)
{
	struct auth *a = auth_new(0, 0);
	char name[32];

	/* A locked name survives a flood of fresh names from many places. */
	for (int i = 0; i < AUTH_USER_TRIES; i++)
		auth_login_failed(a, "10.1.1.9", "victim", T0);
	/* Far more names than the table holds: no growth, still limits. */
	for (int i = 0; i < 5000; i++) {
		char ip[32];

		snprintf(name, sizeof name, "n%d", i);
		snprintf(ip, sizeof ip, "10.2.%d.%d", i / 250, i % 250);
		auth_login_failed(a, ip, name, T0 + i);
	}
	assert_true(auth_login_wait(a, "10.1.1.4", "victim", T0 + 5000) > 0);
	for (int i = 0; i < AUTH_USER_TRIES; i++)
		auth_login_failed(a, "10.1.1.2", "target", T0 + 6000);
	assert_true(auth_login_wait(a, "10.1.1.3", "target", T0 + 6000) > 0);
	auth_free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_password_hash),
	    cmocka_unit_test(test_password_policy),
	    cmocka_unit_test(test_names_and_hashes),
	    cmocka_unit_test(test_tokens),
	    cmocka_unit_test(test_sessions),
	    cmocka_unit_test(test_session_table_bound),
	    cmocka_unit_test(test_csrf),
	    cmocka_unit_test(test_login_limits),
	    cmocka_unit_test(test_limiter_bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
