/* test_web_form.c - unit tests of web/form: the urlencoded parser's decoding and bounds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "common/i18n.h"
#include "web/form.h"

static struct form *
parse(const char *text, size_t max)
{
	char err[128];

	return form_parse(text, strlen(text), max, err, sizeof err);
}

static void
refused(const char *text, const char *why)
{
	char err[128] = "";
	struct form *f = form_parse(text, strlen(text), 0, err, sizeof err);

	if (f != NULL)
		fail_msg("'%s' was accepted", text);
	if (strstr(err, why) == NULL)
		fail_msg("'%s': reason '%s' lacks '%s'", text, err, why);
}

static void
test_basic(void **state)
{
	struct form *f = parse("user=an&password=a+b%20c%26d%3D&csrf=x", 0);

	assert_non_null(f);
	assert_int_equal(form_count(f), 3);
	assert_string_equal(form_get(f, "user"), "an");
	assert_string_equal(form_get(f, "password"), "a b c&d=");
	assert_string_equal(form_get(f, "csrf"), "x");
	assert_null(form_get(f, "missing"));
	assert_string_equal(form_name(f, 1), "password");
	assert_null(form_name(f, 3));
	form_free(f);
}

static void
test_shapes(void **state)
{
	/* Empty pieces skipped; a name without '=' has an empty value;
	 * the first of repeated names wins; an encoded name decodes. */
	struct form *f = parse("&&a=1&&b&a=2&c%5B%5D=3&d=&", 0);

	assert_non_null(f);
	assert_int_equal(form_count(f), 5);
	assert_string_equal(form_get(f, "a"), "1");
	assert_string_equal(form_get(f, "b"), "");
	assert_string_equal(form_get(f, "c[]"), "3");
	assert_string_equal(form_get(f, "d"), "");
	form_free(f);
	f = parse("", 0);
	assert_non_null(f);
	assert_int_equal(form_count(f), 0);
	form_free(f);
}

static void
test_utf8(void **state)
{
	/* "Nhà văn hóa" percent-encoded, and raw UTF-8 too. */
	struct form *f = parse("n=Nh%C3%A0+v%C4%83n+h%C3%B3a&r=Đông", 0);

	assert_non_null(f);
	assert_string_equal(form_get(f, "n"), "Nhà văn hóa");
	assert_string_equal(form_get(f, "r"), "Đông");
	form_free(f);
	refused("n=%C3%28", "UTF-8");       /* bad continuation */
	refused("n=%C0%AF", "UTF-8");       /* overlong '/' */
	refused("n=%ED%A0%80", "UTF-8");    /* a UTF-16 surrogate */
	refused("n=%F4%90%80%80", "UTF-8"); /* above U+10FFFF */
	refused("n=%E1%BB", "UTF-8");       /* cut short */
	refused("%FF=1", "UTF-8");
}

static void
test_escapes(void **state)
{
	refused("a=%", "truncated");
	refused("a=%4", "truncated");
	refused("a=%zz", "bad");
	refused("a=%4g", "bad");
	refused("a=x%00y", "control");
	refused("a=%1b[31m", "control");
	refused("a=%7F", "control");
	refused("=1", "name");
}

static void
test_bounds(void **state)
{
	char buf[64 * 4 + 16], err[128];
	struct form *f;
	size_t len = 0;

	for (int i = 0; i < 64; i++)
		len += (size_t)snprintf(buf + len, sizeof buf - len, "a=1&");
	f = form_parse(buf, len, 0, err, sizeof err);
	assert_non_null(f);
	assert_int_equal(form_count(f), FORM_FIELDS_MAX);
	form_free(f);
	len += (size_t)snprintf(buf + len, sizeof buf - len, "b=2");
	assert_null(form_parse(buf, len, 0, err, sizeof err));
	assert_non_null(strstr(err, "more than 64"));
	assert_null(parse("a=1&b=2&c=3", 2));
	/* Only LEN bytes are read: no NUL needed, none beyond looked at. */
	f = form_parse("x=12345&y=zzz", 5, 0, err, sizeof err);
	assert_non_null(f);
	assert_int_equal(form_count(f), 1);
	assert_string_equal(form_get(f, "x"), "123");
	form_free(f);
}

/* The catalogue "web": sorted (bsearch), both languages, the states. */
static void
test_catalogue(void **state)
{
	static const char *const states[] = {
	    "up", "down", "degraded", "unknown", "unreachable", "maintenance"};
	const struct i18n_catalogue *const *cats;
	char key[64];
	size_t n;

	cats = i18n_catalogues(&n);
	for (size_t c = 0; c < n; c++) {
		if (strcmp(cats[c]->name, "web") != 0)
			continue;
		for (size_t i = 0; i < cats[c]->nmsgs; i++) {
			assert_non_null(cats[c]->msgs[i].text[I18N_VI]);
			assert_non_null(cats[c]->msgs[i].text[I18N_EN]);
			assert_true(
			    strncmp(cats[c]->msgs[i].key, "web.", 4) == 0);
			if (i > 0)
				assert_true(strcmp(cats[c]->msgs[i - 1].key,
						cats[c]->msgs[i].key) < 0);
		}
		for (size_t i = 0; i < sizeof states / sizeof states[0]; i++) {
			snprintf(key, sizeof key, "web.state.%s", states[i]);
			assert_true(i18n_has(key));
		}
		assert_string_equal(
		    i18n_get(I18N_VI, "web.state.down"), "Mất kết nối");
		assert_string_equal(
		    i18n_get(I18N_EN, "web.state.down"), "Down");
		return;
	}
	fail_msg("no catalogue 'web'");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_basic),
	    cmocka_unit_test(test_shapes),
	    cmocka_unit_test(test_utf8),
	    cmocka_unit_test(test_escapes),
	    cmocka_unit_test(test_bounds),
	    cmocka_unit_test(test_catalogue),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
