/* util.h - allocation that cannot fail silently, small string helpers, opening a regular file. */
#ifndef XANET_UTIL_H
#define XANET_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Out of memory is a broken invariant for a daemon this size: fatal(). */
void *xmalloc(size_t size);
void *xcalloc(size_t n, size_t size);
void *xreallocarray(void *ptr, size_t n, size_t size);
char *xstrdup(const char *s);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Copy with truncation; always NUL-terminates; returns strlen(src). */
size_t str_copy(char *dst, const char *src, size_t size);
/*
 * Like str_copy, but never cuts a UTF-8 sequence in two: names and
 * details are Vietnamese, and half a character is not text. SRC NULL
 * copies "".
 */
void str_copy_utf8(char *dst, const char *src, size_t size);
/* Strip leading and trailing ASCII white space in place; returns S. */
char *str_trim(char *s);
bool str_has_prefix(const char *s, const char *prefix);

/*
 * Columns S takes on a terminal: UTF-8 code points, less combining marks
 * (Vietnamese typed in decomposed form), so tables line up.
 */
size_t utf8_width(const char *s);

/* True if LEN bytes of S are well-formed UTF-8 with no NUL. */
bool utf8_valid(const char *s, size_t len);

struct stat;
/*
 * Open PATH read-only (FLAGS added, e.g. O_NOFOLLOW) and check that it is
 * a regular file, its stat in *SB. The fd, or -1 with why in ERR.
 */
int file_open_regular(
    const char *path, int flags, struct stat *sb, char *err, size_t errlen);
/* Lowercase hex of LEN bytes into OUT (2*LEN+1 bytes). */
void hex_encode(const unsigned char *in, size_t len, char *out);

/*
 * FNV-1a over N bytes at P, continuing from H (HASH_FNV_INIT to start):
 * for spreading schedules and open-addressing tables, never for
 * anything an attacker must not steer. Inline: the LAN sampler hashes
 * several keys per frame.
 */
#define HASH_FNV_INIT 0xcbf29ce484222325ull
static inline uint64_t
hash_fnv(const void *p, size_t n, uint64_t h)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 0x100000001b3ull;
	return h;
}

#endif
