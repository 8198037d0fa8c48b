/*
 * i18n.h - the one message catalogue of xanet, shared by the reports, the
 * web pages and xanetctl: Vietnamese (the default) and English.
 *
 * Messages are looked up by a dotted key ("report.title"). Each area keeps
 * its messages in its own table (common/msg_*.c), sorted by key, which a
 * unit test checks along with both languages being present.
 */
#ifndef XANET_I18N_H
#define XANET_I18N_H

#include <stddef.h>

enum i18n_lang {
	I18N_VI,
	I18N_EN,
	I18N_NLANGS,
};

struct i18n_msg {
	const char *key;
	const char *text[I18N_NLANGS];
};

struct i18n_catalogue {
	const char *name; /* "report", "data", "web", ... */
	const struct i18n_msg *msgs;
	size_t nmsgs;
};

/* "vi" or "en" (any case, "vi-VN" too); NULL and unknown give I18N_VI. */
enum i18n_lang i18n_lang(const char *name);
/* "vi" or "en". */
const char *i18n_lang_name(enum i18n_lang lang);
/*
 * The text of KEY in LANG; a key missing from every catalogue is
 * returned as itself, so that it shows (and a test can find it).
 */
const char *i18n_get(enum i18n_lang lang, const char *key);
/*
 * A code word shown in words: the text of "PREFIX.WORD" (e.g.
 * "report.cause.timeout") in LANG, or WORD itself when the catalogue has
 * no such key (a code from a newer version, a custom event).
 */
const char *i18n_word(
    enum i18n_lang lang, const char *prefix, const char *word);
/* 1 if KEY is in a catalogue, 0 if not. */
int i18n_has(const char *key);
/* Every catalogue, for the unit test. */
const struct i18n_catalogue *const *i18n_catalogues(size_t *n);

#endif
