/* test_i18n.c - every catalogue sorted, unique, in both languages; lookups and fallbacks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "common/i18n.h"
#include "common/util.h"

static void
test_catalogues_sorted_and_complete(void **state)
{
	size_t n;
	const struct i18n_catalogue *const *cats = i18n_catalogues(&n);

	assert_true(n >= 3);
	for (size_t c = 0; c < n; c++) {
		const struct i18n_catalogue *cat = cats[c];

		assert_true(cat->nmsgs > 0);
		for (size_t i = 0; i < cat->nmsgs; i++) {
			const struct i18n_msg *m = &cat->msgs[i];

			/* bsearch needs strictly increasing keys. */
			if (i > 0 && strcmp(cat->msgs[i - 1].key, m->key) >= 0)
				fail_msg("%s: '%s' after '%s'", cat->name,
				    m->key, cat->msgs[i - 1].key);
			/* Each area keeps to its own prefix. */
			if (strncmp(m->key, cat->name, strlen(cat->name)) !=
				0 ||
			    m->key[strlen(cat->name)] != '.')
				fail_msg("%s: key '%s' outside its area",
				    cat->name, m->key);
			for (int l = 0; l < I18N_NLANGS; l++)
				if (m->text[l] == NULL ||
				    m->text[l][0] == '\0' ||
				    !utf8_valid(m->text[l], strlen(m->text[l])))
					fail_msg("%s: '%s' lacks language %d",
					    cat->name, m->key, l);
			assert_true(i18n_has(m->key));
		}
	}
}

static void
test_lookup(void **state)
{
	assert_string_equal(i18n_get(I18N_VI, "report.cause.timeout"),
	    "Hết thời gian chờ (không phản hồi)");
	assert_string_equal(i18n_get(I18N_EN, "web.nav.overview"), "Overview");
	/* A missing key shows as itself, so that a test can find it. */
	assert_string_equal(i18n_get(I18N_VI, "web.no.such"), "web.no.such");
	assert_string_equal(i18n_word(I18N_EN, "report.cause", "refused"),
	    "Connection refused");
	assert_string_equal(
	    i18n_word(I18N_EN, "report.cause", "new-code"), "new-code");
	assert_int_equal(i18n_lang("en-US"), I18N_EN);
	assert_int_equal(i18n_lang("english"), I18N_VI);
	assert_int_equal(i18n_lang(NULL), I18N_VI);
	assert_string_equal(i18n_lang_name(I18N_EN), "en");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_catalogues_sorted_and_complete),
	    cmocka_unit_test(test_lookup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
