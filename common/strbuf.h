/*
 * strbuf.h - a growing string for renderers (reports, web pages, CSV):
 * appends never fail (allocation failure is fatal, as in util.h), and
 * the HTML appender is the one place text is escaped for HTML.
 */
#ifndef XANET_STRBUF_H
#define XANET_STRBUF_H

#include <stddef.h>

struct strbuf {
	char *s; /* NUL-terminated once anything was added; may be NULL */
	size_t len, cap;
};

void strbuf_addn(struct strbuf *sb, const char *s, size_t n);
void strbuf_add(struct strbuf *sb, const char *s);
void strbuf_addc(struct strbuf *sb, char c);
void strbuf_printf(struct strbuf *sb, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/*
 * S with & < > " ' escaped, safe in element text and quoted attribute
 * values; NULL adds nothing.
 */
void strbuf_add_html(struct strbuf *sb, const char *s);
/* The string, handed over to the caller (never NULL); SB is emptied. */
char *strbuf_detach(struct strbuf *sb, size_t *len);
void strbuf_free(struct strbuf *sb);

#endif
