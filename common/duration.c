/* duration.c - durations as people write them in the config: 30s, 5m, 1h30m. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "common/duration.h"

static const struct {
	const char *name;
	int64_t ms;
} units[] = {
    {"d", 86400000},
    {"h", 3600000},
    {"m", 60000},
    {"s", 1000},
    {"ms", 1},
};
#define NUNITS (sizeof units / sizeof units[0])

int
duration_parse(const char *s, int64_t *ms)
{
	const char *p = s;
	int64_t total = 0;
	size_t next_unit = 0;
	bool any = false;

	while (*p != '\0') {
		int64_t n = 0, part;
		size_t u, ulen;

		if (*p < '0' || *p > '9')
			return -1;
		while (*p >= '0' && *p <= '9') {
			if (__builtin_mul_overflow(n, 10, &n) ||
			    __builtin_add_overflow(n, *p - '0', &n))
				return -1;
			p++;
		}
		if (*p == '\0') {
			/* "90" alone is seconds; "1h30" is ambiguous. */
			if (any)
				return -1;
			if (__builtin_mul_overflow(n, 1000, &total))
				return -1;
			*ms = total;
			return 0;
		}
		ulen = 0;
		while (p[ulen] >= 'a' && p[ulen] <= 'z')
			ulen++;
		for (u = 0; u < NUNITS; u++) {
			if (strlen(units[u].name) == ulen &&
			    strncmp(p, units[u].name, ulen) == 0)
				break;
		}
		/* Largest unit first, each once: "30m1h" is a typo, not 1h30m. */
		if (u == NUNITS || u < next_unit)
			return -1;
		if (__builtin_mul_overflow(n, units[u].ms, &part) ||
		    __builtin_add_overflow(total, part, &total))
			return -1;
		next_unit = u + 1;
		any = true;
		p += ulen;
	}
	if (!any)
		return -1;
	*ms = total;
	return 0;
}

size_t
duration_format(int64_t ms, char *buf, size_t len)
{
	char tmp[64];
	size_t off = 0;
	uint64_t left;

	if (ms < 0) {
		tmp[off++] = '-';
		left = (uint64_t)(-(ms + 1)) + 1;
	} else
		left = (uint64_t)ms;
	if (left == 0)
		off += (size_t)snprintf(tmp + off, sizeof tmp - off, "0s");
	for (size_t u = 0; u < NUNITS && left > 0; u++) {
		uint64_t n = left / (uint64_t)units[u].ms;

		if (n == 0)
			continue;
		off += (size_t)snprintf(tmp + off, sizeof tmp - off, "%llu%s",
		    (unsigned long long)n, units[u].name);
		left -= n * (uint64_t)units[u].ms;
	}
	if (len > 0) {
		size_t c = off < len - 1 ? off : len - 1;

		memcpy(buf, tmp, c);
		buf[c] = '\0';
	}
	return off;
}
