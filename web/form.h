/*
 * form.h - application/x-www-form-urlencoded bodies (and query strings)
 * from untrusted clients: bounded, percent-decoded, UTF-8 checked.
 *
 * We parse these ourselves rather than through MHD's PostProcessor so
 * that every byte of an untrusted body goes through one small, tested,
 * bounded function (issue 7, item 1).
 */
#ifndef XANET_FORM_H
#define XANET_FORM_H

#include <stddef.h>

/* A form never has more fields than this (login: 3, settings: a few). */
#define FORM_FIELDS_MAX 64

struct form;

/*
 * Parse LEN bytes of TEXT ("a=1&b=x%20y+z"). At most MAX_FIELDS fields
 * (0: FORM_FIELDS_MAX). Refused (NULL, the reason in ERR): a bad percent
 * escape, an encoded NUL or control character other than tab, CR and
 * LF, text that is not UTF-8 after decoding, an empty name, too many
 * fields. Empty pieces ("a=1&&b=2") are skipped.
 */
struct form *form_parse(
    const char *text, size_t len, size_t max_fields, char *err, size_t errlen);
/* The first value of NAME, or NULL. */
const char *form_get(const struct form *f, const char *name);
/* The number of fields, and field I's name and value. */
size_t form_count(const struct form *f);
const char *form_name(const struct form *f, size_t i);
const char *form_value(const struct form *f, size_t i);
void form_free(struct form *f);

#endif
