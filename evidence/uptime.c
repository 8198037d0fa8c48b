/* uptime.c - uptime maths over state intervals and the periods reports cover. */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "evidence/uptime.h"

static int64_t
max64(int64_t a, int64_t b)
{
	return a > b ? a : b;
}

static int64_t
min64(int64_t a, int64_t b)
{
	return a < b ? a : b;
}

/* The length of IV inside [FROM, TO), 0 if it lies outside. */
static int64_t
uptime_clip(const struct interval *iv, int64_t from_ms, int64_t to_ms,
    int64_t *start, int64_t *end)
{
	int64_t s = max64(iv->start_ms, from_ms);
	int64_t e = min64(iv->end_ms, to_ms);

	if (e <= s)
		return 0;
	if (start != NULL)
		*start = s;
	if (end != NULL)
		*end = e;
	return e - s;
}

int
uptime_compute(const struct interval *iv, size_t n, int64_t from_ms,
    int64_t to_ms, int64_t added_ms, int64_t retired_ms, struct uptime *out)
{
	int64_t part_from = from_ms, part_to = to_ms, part, covered = 0;

	memset(out, 0, sizeof *out);
	out->uptime_pct = -1;
	out->coverage_pct = -1;
	if (added_ms >= 0)
		part_from = max64(from_ms, added_ms);
	if (retired_ms >= 0)
		part_to = min64(to_ms, retired_ms);
	if (part_to <= part_from)
		return -1;
	out->from_ms = part_from;
	out->to_ms = part_to;
	part = part_to - part_from;

	for (size_t i = 0; i < n; i++) {
		int64_t len =
		    uptime_clip(&iv[i], part_from, part_to, NULL, NULL);

		if (len == 0)
			continue;
		covered += len;
		switch (iv[i].state) {
		case DEV_UP:
			out->up_ms += len;
			break;
		case DEV_DOWN:
			out->down_ms += len;
			out->outages++;
			if (len > out->longest_outage_ms)
				out->longest_outage_ms = len;
			break;
		case DEV_UNREACHABLE:
			out->unreachable_ms += len;
			break;
		case DEV_MAINTENANCE:
			out->maintenance_ms += len;
			break;
		case DEV_UNKNOWN:
		default:
			out->unknown_ms += len;
			break;
		}
	}
	/*
	 * Time no interval covers is time nobody watched. Overlapping input
	 * (a broken contract) could cover more than the part: never let
	 * that make the gaps negative.
	 */
	if (covered < part)
		out->unknown_ms += part - covered;

	if (out->up_ms + out->down_ms > 0)
		out->uptime_pct = 100.0 * (double)out->up_ms /
				  (double)(out->up_ms + out->down_ms);
	if (out->unknown_ms > part)
		out->unknown_ms = part;
	out->coverage_pct =
	    100.0 * (double)(part - out->unknown_ms) / (double)part;
	return 0;
}

size_t
uptime_outages(const struct interval *iv, size_t n, int64_t from_ms,
    int64_t to_ms, struct interval *out, size_t max)
{
	size_t k = 0;

	for (size_t i = 0; i < n && k < max; i++) {
		int64_t s, e;

		if (iv[i].state != DEV_DOWN ||
		    uptime_clip(&iv[i], from_ms, to_ms, &s, &e) == 0)
			continue;
		out[k] = iv[i];
		out[k].start_ms = s;
		out[k].end_ms = e;
		k++;
	}
	return k;
}

/* Exactly N decimal digits at S into *V. */
static bool
period_digits(const char *s, int n, int *v)
{
	*v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		*v = *v * 10 + (s[i] - '0');
	}
	return true;
}

/*
 * Local midnight at the start of Y-M-D (M 1-based; D may run past the
 * month: mktime normalises, which is how "the day after TO" is found).
 */
static int
period_midnight(int y, int m, int d, int64_t *ms)
{
	struct tm tm;
	time_t t;

	memset(&tm, 0, sizeof tm);
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	tm.tm_isdst = -1;
	t = mktime(&tm);
	if (t == (time_t)-1)
		return -1;
	*ms = (int64_t)t * 1000;
	return 0;
}

/* Years a report can cover: from the epoch, four digits. */
static bool
period_year_ok(int y)
{
	return y >= 1970 && y <= 9999;
}

int
period_quarter(const char *text, int64_t *from_ms, int64_t *to_ms)
{
	int64_t from, to;
	int y, q;

	if (text == NULL || strlen(text) != 6 || !period_digits(text, 4, &y) ||
	    (text[4] != 'Q' && text[4] != 'q') ||
	    !period_digits(text + 5, 1, &q) || q < 1 || q > 4 ||
	    !period_year_ok(y))
		return -1;
	if (period_midnight(y, 3 * (q - 1) + 1, 1, &from) == -1 ||
	    period_midnight(
		q == 4 ? y + 1 : y, q == 4 ? 1 : 3 * q + 1, 1, &to) == -1)
		return -1;
	*from_ms = from;
	*to_ms = to;
	return 0;
}

static int
period_date(const char *s, int *y, int *m, int *d)
{
	static const int mdays[12] = {
	    31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int last;

	if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-' ||
	    !period_digits(s, 4, y) || !period_digits(s + 5, 2, m) ||
	    !period_digits(s + 8, 2, d) || !period_year_ok(*y) || *m < 1 ||
	    *m > 12)
		return -1;
	last = mdays[*m - 1];
	if (*m == 2 && ((*y % 4 == 0 && *y % 100 != 0) || *y % 400 == 0))
		last = 29;
	if (*d < 1 || *d > last)
		return -1;
	return 0;
}

int
period_days(const char *from, const char *to, int64_t *from_ms, int64_t *to_ms)
{
	int fy, fm, fd, ty, tm, td;
	int64_t f, t;

	if (period_date(from, &fy, &fm, &fd) == -1 ||
	    period_date(to, &ty, &tm, &td) == -1)
		return -1;
	if (fy * 10000 + fm * 100 + fd > ty * 10000 + tm * 100 + td)
		return -1;
	/* TO is included: the period ends at the next local midnight. */
	if (period_midnight(fy, fm, fd, &f) == -1 ||
	    period_midnight(ty, tm, td + 1, &t) == -1)
		return -1;
	*from_ms = f;
	*to_ms = t;
	return 0;
}

void
uptime_pct_text(double pct, int decimals, char *buf, size_t len)
{
	double scale = pow(10, decimals);

	if (pct < 0) {
		if (len > 0)
			buf[0] = '\0';
		return;
	}
	snprintf(buf, len, "%.*f", decimals, floor(pct * scale + 1e-6) / scale);
}
