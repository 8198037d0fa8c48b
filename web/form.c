/* form.c - the urlencoded form parser: bounded, percent-decoding, UTF-8 checked. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "web/form.h"

struct form_field {
	char *name;
	char *value;
};

struct form {
	struct form_field *fields;
	size_t n;
	/* One allocation holds every decoded string (decoding only shrinks). */
	char *text;
};

static int
form_hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Decode IN[0..LEN) into OUT (at least LEN + 1 bytes), NUL-terminated.
 * Returns 0, or -1 with the reason in ERR.
 */
static int
form_decode(const char *in, size_t len, char *out, char *err, size_t errlen)
{
	size_t o = 0;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)in[i];
		int hi, lo;

		if (c == '+')
			c = ' ';
		else if (c == '%') {
			if (i + 2 >= len) {
				snprintf(err, errlen, "truncated %% escape");
				return -1;
			}
			hi = form_hexval((unsigned char)in[i + 1]);
			lo = form_hexval((unsigned char)in[i + 2]);
			if (hi < 0 || lo < 0) {
				snprintf(err, errlen, "bad %% escape");
				return -1;
			}
			c = (unsigned char)(hi << 4 | lo);
			i += 2;
		}
		/* Names and values end up in SQL parameters and HTML: no
		 * NUL (it would cut a C string) and no control characters
		 * but those a text area sends. */
		if ((c < 0x20 && c != '\t' && c != '\r' && c != '\n') ||
		    c == 0x7f) {
			snprintf(err, errlen, "control character 0x%02x", c);
			return -1;
		}
		out[o++] = (char)c;
	}
	out[o] = '\0';
	if (!utf8_valid(out, o)) {
		snprintf(err, errlen, "not valid UTF-8");
		return -1;
	}
	return 0;
}

struct form *
form_parse(
    const char *text, size_t len, size_t max_fields, char *err, size_t errlen)
{
	struct form *f;
	size_t pos = 0, cap = 0, out = 0;

	if (max_fields == 0 || max_fields > FORM_FIELDS_MAX)
		max_fields = FORM_FIELDS_MAX;
	f = xcalloc(1, sizeof *f);
	/* Each piece decodes into at most its own length plus a NUL. */
	f->text = xmalloc(len + 2 * (max_fields + 1) + 1);
	while (pos < len) {
		const char *piece = text + pos, *amp, *eq;
		size_t plen, nlen, vlen;
		char *name, *value;

		amp = memchr(piece, '&', len - pos);
		plen = amp != NULL ? (size_t)(amp - piece) : len - pos;
		pos += plen + (amp != NULL);
		if (plen == 0)
			continue;
		if (f->n == max_fields) {
			snprintf(
			    err, errlen, "more than %zu fields", max_fields);
			goto fail;
		}
		eq = memchr(piece, '=', plen);
		nlen = eq != NULL ? (size_t)(eq - piece) : plen;
		vlen = eq != NULL ? plen - nlen - 1 : 0;
		if (nlen == 0) {
			snprintf(err, errlen, "a field without a name");
			goto fail;
		}
		name = f->text + out;
		if (form_decode(piece, nlen, name, err, errlen) == -1)
			goto fail;
		out += strlen(name) + 1;
		value = f->text + out;
		if (form_decode(eq != NULL ? eq + 1 : "", vlen, value, err,
			errlen) == -1)
			goto fail;
		out += strlen(value) + 1;
		if (f->n == cap) {
			cap = cap ? cap * 2 : 8;
			f->fields =
			    xreallocarray(f->fields, cap, sizeof *f->fields);
		}
		f->fields[f->n].name = name;
		f->fields[f->n].value = value;
		f->n++;
	}
	return f;
fail:
	form_free(f);
	return NULL;
}

const char *
form_get(const struct form *f, const char *name)
{
	for (size_t i = 0; f != NULL && i < f->n; i++)
		if (strcmp(f->fields[i].name, name) == 0)
			return f->fields[i].value;
	return NULL;
}

size_t
form_count(const struct form *f)
{
	return f != NULL ? f->n : 0;
}

const char *
form_name(const struct form *f, size_t i)
{
	return i < form_count(f) ? f->fields[i].name : NULL;
}

const char *
form_value(const struct form *f, size_t i)
{
	return i < form_count(f) ? f->fields[i].value : NULL;
}

void
form_free(struct form *f)
{
	if (f == NULL)
		return;
	free(f->fields);
	free(f->text);
	free(f);
}
