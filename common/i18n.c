/* i18n.c - message lookup over the per-area catalogues (common/msg_*.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/i18n.h"

/* One line per catalogue: adding an area is one file and one entry. */
extern const struct i18n_catalogue i18n_msg_data;
extern const struct i18n_catalogue i18n_msg_report;
extern const struct i18n_catalogue i18n_msg_web;

static const struct i18n_catalogue *const catalogues[] = {
    &i18n_msg_data,
    &i18n_msg_report,
    &i18n_msg_web,
};
#define NCATALOGUES (sizeof catalogues / sizeof catalogues[0])

enum i18n_lang
i18n_lang(const char *name)
{
	if (name != NULL && strncasecmp(name, "en", 2) == 0 &&
	    (name[2] == '\0' || name[2] == '-' || name[2] == '_'))
		return I18N_EN;
	return I18N_VI;
}

const char *
i18n_lang_name(enum i18n_lang lang)
{
	return lang == I18N_EN ? "en" : "vi";
}

static int
msg_cmp(const void *key, const void *elem)
{
	return strcmp(key, ((const struct i18n_msg *)elem)->key);
}

static const struct i18n_msg *
i18n_find(const char *key)
{
	for (size_t i = 0; i < NCATALOGUES; i++) {
		const struct i18n_msg *m = bsearch(key, catalogues[i]->msgs,
		    catalogues[i]->nmsgs, sizeof *catalogues[i]->msgs, msg_cmp);

		if (m != NULL)
			return m;
	}
	return NULL;
}

/* M's text in LANG, Vietnamese where it has none. */
static const char *
msg_text(const struct i18n_msg *m, enum i18n_lang lang)
{
	if ((unsigned)lang >= I18N_NLANGS || m->text[lang] == NULL)
		return m->text[I18N_VI];
	return m->text[lang];
}

const char *
i18n_get(enum i18n_lang lang, const char *key)
{
	const struct i18n_msg *m = i18n_find(key);

	if (m == NULL)
		return key;
	return msg_text(m, lang);
}

const char *
i18n_word(enum i18n_lang lang, const char *prefix, const char *word)
{
	char key[128];
	int n = snprintf(key, sizeof key, "%s.%s", prefix, word);
	const struct i18n_msg *m;

	if (n < 0 || (size_t)n >= sizeof key || (m = i18n_find(key)) == NULL)
		return word;
	return msg_text(m, lang);
}

int
i18n_has(const char *key)
{
	return i18n_find(key) != NULL;
}

const struct i18n_catalogue *const *
i18n_catalogues(size_t *n)
{
	*n = NCATALOGUES;
	return catalogues;
}
