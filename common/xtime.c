/* xtime.c - monotonic and wall clocks, local-time formatting. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/xtime.h"

#define TIME_HOUR_MS INT64_C(3600000)

int64_t
time_mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t
time_hour_floor(int64_t t_ms)
{
	int64_t h = t_ms / TIME_HOUR_MS;

	if (t_ms % TIME_HOUR_MS < 0)
		h--;
	return h * TIME_HOUR_MS;
}

int64_t
time_wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int
time_zone_set(const char *name)
{
	char path[256];
	int rc = 0;

	if (name == NULL || *name == '\0')
		name = XANET_DEFAULT_TZ;
	snprintf(path, sizeof path, "/usr/share/zoneinfo/%s", name);
	if (strstr(name, "..") == NULL && access(path, R_OK) == 0)
		setenv("TZ", name, 1);
	else {
		/* Without tzdata, Vietnam's fixed offset is still right. */
		setenv("TZ", "<+07>-7", 1);
		rc = -1;
	}
	tzset();
	return rc;
}

static size_t
time_format(int64_t wall_ms, char *buf, size_t len, int iso)
{
	struct tm tm;
	time_t t = (time_t)(wall_ms / 1000);
	char date[32];
	long off;
	int n;

	if (wall_ms < 0 && wall_ms % 1000 != 0)
		t--;
	localtime_r(&t, &tm);
	if (iso)
		strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S", &tm);
	else
		strftime(date, sizeof date, "%Y-%m-%d %H:%M:%S ", &tm);
	off = tm.tm_gmtoff;
	n = snprintf(buf, len, "%s%c%02ld:%02ld", date, off < 0 ? '-' : '+',
	    labs(off) / 3600, (labs(off) % 3600) / 60);
	return n < 0 ? 0 : (size_t)n;
}

size_t
time_format_local(int64_t wall_ms, char *buf, size_t len)
{
	return time_format(wall_ms, buf, len, 0);
}

size_t
time_format_iso(int64_t wall_ms, char *buf, size_t len)
{
	return time_format(wall_ms, buf, len, 1);
}
