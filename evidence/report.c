/* report.c - report_build/report_free: every row a report reads from the database and every figure computed from them. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/config.h"
#include "common/i18n.h"
#include "common/util.h"
#include "common/xtime.h"
#include "evidence/indicator.h"
#include "evidence/report.h"
#include "evidence/uptime.h"
#include "store/interval.h"

#define HOUR_MS 3600000LL

struct build {
	sqlite3 *db;
	const struct config *cfg;
	const struct report_opts *opts;
	struct report *r;
	char *err;
	size_t errlen;
	size_t outages_cap;
	int64_t newest_run_start; /* INT64_MAX: no run */
};

static int build_fail(struct build *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
build_fail(struct build *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(b->err, b->errlen, fmt, ap);
	va_end(ap);
	if (n >= 0 && (size_t)n < b->errlen && b->db != NULL)
		snprintf(b->err + n, b->errlen - (size_t)n, ": %s",
		    sqlite3_errmsg(b->db));
	return -1;
}

static char *
col_dup(sqlite3_stmt *st, int col)
{
	const unsigned char *s = sqlite3_column_text(st, col);

	return s != NULL ? xstrdup((const char *)s) : NULL;
}

/* NULL for NULL or "": optional texts are NULL when absent. */
static char *
col_dup_opt(sqlite3_stmt *st, int col)
{
	const unsigned char *s = sqlite3_column_text(st, col);

	return s != NULL && s[0] != '\0' ? xstrdup((const char *)s) : NULL;
}

/*
 * Room for element N of a list capped at MAX: grows *(T **)ARRP (ELEM
 * bytes each, *CAP of them) as needed. False, counted in *CUT, when the
 * cap is reached: a report's memory stays bounded.
 */
static bool
list_room(
    void *arrp, size_t n, size_t *cap, size_t elem, size_t max, size_t *cut)
{
	void **arr = arrp;

	if (n >= max) {
		(*cut)++;
		return false;
	}
	if (n == *cap) {
		*cap = *cap ? *cap * 2 : 64;
		*arr = xreallocarray(*arr, *cap, elem);
	}
	return true;
}

static int64_t
col_i64_or(sqlite3_stmt *st, int col, int64_t dflt)
{
	return sqlite3_column_type(st, col) == SQLITE_NULL
		   ? dflt
		   : sqlite3_column_int64(st, col);
}

static void
bind_opt_text(sqlite3_stmt *st, int col, const char *s)
{
	if (s == NULL)
		sqlite3_bind_null(st, col);
	else
		sqlite3_bind_text(st, col, s, -1, SQLITE_STATIC);
}

/*
 * Local midnights from FROM to TO. Each next day comes from mktime on
 * the calendar (tm_mday + 1), not from adding 24 h, so that a zone with
 * summer time would still split at its midnights.
 */
static void
report_days(struct report *r)
{
	size_t cap = 0;
	int64_t t = r->from_ms;

	while (t < r->to_ms) {
		time_t s = (time_t)(t / 1000);
		struct tm tm;
		int64_t next;

		if (r->ndays == cap) {
			cap = cap ? cap * 2 : 128;
			r->days_ms = xreallocarray(r->days_ms, cap, 8);
		}
		r->days_ms[r->ndays++] = t;
		if (localtime_r(&s, &tm) == NULL)
			break;
		tm.tm_mday++;
		tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
		tm.tm_isdst = -1;
		next = (int64_t)mktime(&tm) * 1000;
		if (next <= t) /* never loop on a broken zone */
			next = t + 86400000LL;
		t = next;
	}
}

/* The index of the local day holding T, or -1 if outside the period. */
static long
report_day_of(const struct report *r, int64_t t)
{
	size_t lo = 0, hi = r->ndays;

	if (r->ndays == 0 || t < r->days_ms[0] || t >= r->to_ms)
		return -1;
	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;

		if (r->days_ms[mid] <= t)
			lo = mid;
		else
			hi = mid;
	}
	return (long)lo;
}

static int64_t
day_end(const struct report *r, size_t i)
{
	return i + 1 < r->ndays ? r->days_ms[i + 1] : r->to_ms;
}

/* Per local day figures of D from its intervals IV (sorted). */
static void
report_device_days(struct report *r, struct report_device *d,
    const struct interval *iv, size_t n)
{
	size_t j = 0;

	d->days = xcalloc(r->ndays, sizeof *d->days);
	for (size_t k = 0; k < r->ndays; k++) {
		int64_t ds = r->days_ms[k], de = day_end(r, k);
		struct uptime u;
		size_t m = 0;

		/* Intervals are sorted and disjoint: a sweep, not a search. */
		while (j < n && iv[j].end_ms <= ds)
			j++;
		while (j + m < n && iv[j + m].start_ms < de)
			m++;
		if (uptime_compute(iv + j, m, ds, de, d->added_ms,
			d->retired_ms, &u) == -1) {
			d->days[k].uptime_pct = -1;
			d->days[k].coverage_pct = -1;
			continue;
		}
		d->days[k].uptime_pct = u.uptime_pct;
		d->days[k].coverage_pct = u.coverage_pct;
	}
}

/* D's outages (clipped to its part of the period) into R, up to the cap. */
static void
report_device_outages(
    struct build *b, size_t di, const struct interval *iv, size_t n)
{
	struct report *r = b->r;
	struct report_device *d = &r->devices[di];
	struct interval *tmp;
	size_t k;

	d->first_outage = r->noutages;
	if (n == 0)
		return;
	tmp = xreallocarray(NULL, n, sizeof *tmp);
	k = uptime_outages(iv, n, d->up.from_ms, d->up.to_ms, tmp, n);
	for (size_t i = 0; i < k; i++) {
		struct report_outage *o;
		bool open = false;

		if (!list_room(&r->outages, r->noutages, &b->outages_cap,
			sizeof *r->outages, REPORT_MAX_OUTAGES,
			&r->outages_cut))
			continue;
		/* Going on when the part ended: its interval runs past it. */
		for (size_t x = 0; x < n; x++)
			if (iv[x].state == DEV_DOWN &&
			    iv[x].start_ms <= tmp[i].start_ms &&
			    iv[x].end_ms > tmp[i].start_ms)
				open = iv[x].end_ms >= d->up.to_ms &&
				       tmp[i].end_ms == d->up.to_ms;
		o = &r->outages[r->noutages++];
		memset(o, 0, sizeof *o);
		o->device = di;
		o->start_ms = tmp[i].start_ms;
		o->end_ms = tmp[i].end_ms;
		o->open = open;
		snprintf(o->cause, sizeof o->cause, "%s", tmp[i].cause);
		d->noutages++;
	}
	free(tmp);
}

static int
report_devices(struct build *b)
{
	const struct report_opts *o = b->opts;
	struct report *r = b->r;
	sqlite3_stmt *st;
	size_t cap = 0, cut = 0;
	int rc;

	/* Devices whose [added, retired) overlaps the period. */
	if (sqlite3_prepare_v2(b->db,
		"SELECT d.id, d.key, d.name, d.kind, d.grp, d.address, p.key, "
		"d.isp, d.added_ms, d.retired_ms FROM device d "
		"LEFT JOIN device p ON p.id = d.parent_id "
		"WHERE d.added_ms < ?2 AND (d.retired_ms IS NULL OR "
		"d.retired_ms > ?1) AND (?3 IS NULL OR d.grp = ?3) "
		"AND (?4 IS NULL OR d.key = ?4) "
		"ORDER BY ifnull(d.grp, ''), d.key",
		-1, &st, NULL) != SQLITE_OK)
		return build_fail(b, "cannot read the devices");
	sqlite3_bind_int64(st, 1, r->from_ms);
	sqlite3_bind_int64(st, 2, r->to_ms);
	bind_opt_text(st, 3, o->group);
	bind_opt_text(st, 4, o->device);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct report_device *d;

		if (!list_room(&r->devices, r->ndevices, &cap,
			sizeof *r->devices, SIZE_MAX, &cut))
			continue;
		d = &r->devices[r->ndevices++];
		memset(d, 0, sizeof *d);
		d->id = sqlite3_column_int64(st, 0);
		d->key = col_dup(st, 1);
		d->name = col_dup(st, 2);
		d->kind = col_dup(st, 3);
		d->group = col_dup_opt(st, 4);
		d->address = col_dup_opt(st, 5);
		d->parent_key = col_dup_opt(st, 6);
		d->isp = col_dup_opt(st, 7);
		d->added_ms = sqlite3_column_int64(st, 8);
		d->retired_ms = col_i64_or(st, 9, -1);
		if (d->key == NULL || d->name == NULL || d->kind == NULL) {
			sqlite3_finalize(st);
			snprintf(b->err, b->errlen,
			    "device %" PRId64 " has no key, name or kind",
			    d->id);
			return -1;
		}
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return build_fail(b, "cannot read the devices");

	/* One device's intervals in memory at a time: memory stays bounded. */
	for (size_t i = 0; i < r->ndevices; i++) {
		struct report_device *d = &r->devices[i];
		struct interval *iv;
		size_t n;

		if (interval_load_until(b->db, d->id, r->from_ms, r->to_ms,
			o->watched_until_ms, &iv, &n, NULL) == -1)
			return build_fail(
			    b, "cannot read the state intervals of %s", d->key);
		d->exists = uptime_compute(iv, n, r->from_ms, r->to_ms,
				d->added_ms, d->retired_ms, &d->up) == 0;
		report_device_days(r, d, iv, n);
		if (d->exists)
			report_device_outages(b, i, iv, n);
		else
			d->first_outage = r->noutages;
		free(iv);
	}
	return 0;
}

/*
 * The union of [start, end) runs of TABLE (monitor_run or lan_capture)
 * within the period. A run with no stop ends at the watched-until time if
 * it belongs to the newest monitor run (it may still be going), else at
 * its last sign of life (a crash). *ANY: the table has rows at all.
 */
static int
report_watched(struct build *b, const char *table, int64_t *watched, bool *any)
{
	struct report *r = b->r;
	sqlite3_stmt *st;
	char sql[256];
	int64_t cur_s = 0, cur_e = 0, total = 0;
	bool have = false;
	int rc;

	/* TABLE is one of our two literals, never outside input. */
	snprintf(sql, sizeof sql,
	    "SELECT start_ms, last_alive_ms, stop_ms FROM %s "
	    "WHERE start_ms < ?1 ORDER BY start_ms",
	    table);
	*any = false;
	if (sqlite3_prepare_v2(b->db, sql, -1, &st, NULL) != SQLITE_OK)
		return build_fail(b, "cannot read %s", table);
	sqlite3_bind_int64(st, 1, r->to_ms);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t s = sqlite3_column_int64(st, 0);
		int64_t alive = sqlite3_column_int64(st, 1);
		int64_t e = col_i64_or(st, 2, -1);

		*any = true;
		if (e < 0)
			e = s >= b->newest_run_start &&
				    b->opts->watched_until_ms > alive
				? b->opts->watched_until_ms
				: alive;
		if (s < r->from_ms)
			s = r->from_ms;
		if (e > r->to_ms)
			e = r->to_ms;
		if (e <= s)
			continue;
		if (have && s <= cur_e) {
			if (e > cur_e)
				cur_e = e;
			continue;
		}
		if (have)
			total += cur_e - cur_s;
		cur_s = s;
		cur_e = e;
		have = true;
	}
	if (rc == SQLITE_DONE && !*any) {
		/* No run before the period's end: any later ones? */
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, INT64_MAX);
		*any = sqlite3_step(st) == SQLITE_ROW;
		rc = SQLITE_DONE;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return build_fail(b, "cannot read %s", table);
	if (have)
		total += cur_e - cur_s;
	*watched = total;
	return 0;
}

static int
report_coverage(struct build *b)
{
	struct report *r = b->r;
	int64_t period = r->to_ms - r->from_ms, lan_ms;
	sqlite3_stmt *st;
	bool any;

	b->newest_run_start = INT64_MAX;
	if (sqlite3_prepare_v2(b->db,
		"SELECT start_ms FROM monitor_run ORDER BY id DESC LIMIT 1", -1,
		&st, NULL) != SQLITE_OK)
		return build_fail(b, "cannot read monitor_run");
	if (sqlite3_step(st) == SQLITE_ROW)
		b->newest_run_start = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);

	if (report_watched(b, "monitor_run", &r->watched_ms, &any) == -1)
		return -1;
	r->coverage_pct =
	    period > 0 ? 100.0 * (double)r->watched_ms / (double)period : -1;
	if (report_watched(b, "lan_capture", &lan_ms, &any) == -1)
		return -1;
	r->lan_coverage_pct =
	    any && period > 0 ? 100.0 * (double)lan_ms / (double)period : -1;

	if (sqlite3_prepare_v2(b->db, "SELECT EXISTS (SELECT 1 FROM host)", -1,
		&st, NULL) != SQLITE_OK)
		return build_fail(b, "cannot read host");
	r->lan =
	    sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) != 0;
	sqlite3_finalize(st);
	return 0;
}

/* Sums of sample_hour rows: one hour of one device, or of many. */
static void
sums_add(struct indicator_hour *to, const struct indicator_hour *h)
{
	to->sent += h->sent;
	to->received += h->received;
	to->rtt_sum_us += h->rtt_sum_us;
	to->rtt_n += h->rtt_n;
}

static double
sums_loss(const struct indicator_hour *h)
{
	return h->sent > 0
		   ? 100.0 * (1.0 - (double)h->received / (double)h->sent)
		   : -1;
}

static double
sums_rtt_ms(const struct indicator_hour *h)
{
	return h->rtt_n > 0 ? (double)h->rtt_sum_us / (double)h->rtt_n / 1000.0
			    : -1;
}

/* An indicator judged hour by hour, and its scope's hourly sums. */
struct hourly {
	const struct config_indicator *ci;
	enum indicator_scope_kind sk;
	struct indicator_hours hs;
};

/* What the sample pass fills: uplinks by day, indicators by hour. */
struct samples {
	struct hourly *hourly; /* one per cfg indicator (unused: hs.h NULL) */
	size_t nhourly;
	struct indicator_hour *days; /* the current uplink's, r->ndays */
	struct indicator_hour total;
};

static bool
report_is_uplink(const struct build *b, const struct samples *sp,
    const struct report_device *d)
{
	if ((strcmp(d->kind, "router") == 0 ||
		strcmp(d->kind, "firewall") == 0) &&
	    d->isp != NULL)
		return true;
	for (size_t i = 0; i < sp->nhourly; i++) {
		const struct hourly *h = &sp->hourly[i];

		if (h->hs.h != NULL &&
		    strcmp(h->ci->metric, "uplink-quality") == 0 &&
		    indicator_scope_match(h->sk, h->ci->scope, d))
			return true;
	}
	return false;
}

/*
 * Device D's sample_hour rows of the period, read once for everything
 * that needs them: the uplink's days (UPLINK) and the hourly sums of each
 * indicator whose scope holds D (IN[i]). Rows of the same hour (probe
 * kinds) simply add up, so no GROUP BY: the primary key's order is read
 * as it is.
 */
static int
report_device_samples(struct build *b, sqlite3_stmt *st,
    const struct report_device *d, struct samples *sp, bool uplink,
    const bool *in)
{
	const struct report *r = b->r;
	long day = -1;
	int64_t day_end_ms = INT64_MIN;
	int rc;

	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, d->id);
	sqlite3_bind_int64(st, 2, r->from_ms);
	sqlite3_bind_int64(st, 3, r->to_ms);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t hour = sqlite3_column_int64(st, 0);
		struct indicator_hour h = {
		    .sent = sqlite3_column_int64(st, 1),
		    .received = sqlite3_column_int64(st, 2),
		    .rtt_sum_us = sqlite3_column_int64(st, 3),
		    .rtt_n = sqlite3_column_int64(st, 4),
		};

		if (uplink) {
			/* Rows come by kind, then hour: search on a miss. */
			if (day < 0 || hour < r->days_ms[day] ||
			    hour >= day_end_ms) {
				day = report_day_of(r, hour);
				if (day >= 0)
					day_end_ms = day_end(r, (size_t)day);
			}
			if (day >= 0) {
				sums_add(&sp->days[day], &h);
				sums_add(&sp->total, &h);
			}
		}
		for (size_t i = 0; i < sp->nhourly; i++) {
			struct indicator_hours *hs = &sp->hourly[i].hs;
			int64_t k;

			if (!in[i] || hour < hs->from_ms)
				continue;
			k = (hour - hs->from_ms) / HOUR_MS;
			if ((uint64_t)k < hs->n)
				sums_add(&hs->h[k], &h);
		}
	}
	return rc == SQLITE_DONE ? 0 : -1;
}

static void
report_uplink_add(struct report *r, size_t di, const struct samples *sp)
{
	struct report_uplink *u;

	r->uplinks =
	    xreallocarray(r->uplinks, r->nuplinks + 1, sizeof *r->uplinks);
	u = &r->uplinks[r->nuplinks++];
	u->device = di;
	u->days = xcalloc(r->ndays ? r->ndays : 1, sizeof *u->days);
	for (size_t k = 0; k < r->ndays; k++) {
		u->days[k].loss_pct = sums_loss(&sp->days[k]);
		u->days[k].rtt_avg_ms = sums_rtt_ms(&sp->days[k]);
		u->days[k].samples = sp->days[k].sent;
	}
	u->loss_pct = sums_loss(&sp->total);
	u->rtt_avg_ms = sums_rtt_ms(&sp->total);
}

/*
 * The uplinks' daily loss and latency and the indicators' verdicts. The
 * hourly sums of an indicator are bounded by the period's hours, not by
 * its devices.
 */
static int
report_samples_and_indicators(struct build *b)
{
	const struct config *cfg = b->cfg;
	struct report *r = b->r;
	struct samples sp = {0};
	sqlite3_stmt *st = NULL;
	bool *in = NULL;
	int rc = -1;

	sp.nhourly = cfg != NULL ? cfg->nindicators : 0;
	sp.hourly = xcalloc(sp.nhourly ? sp.nhourly : 1, sizeof *sp.hourly);
	in = xcalloc(sp.nhourly ? sp.nhourly : 1, sizeof *in);
	sp.days = xcalloc(r->ndays ? r->ndays : 1, sizeof *sp.days);
	for (size_t i = 0; i < sp.nhourly; i++) {
		struct hourly *h = &sp.hourly[i];

		h->ci = &cfg->indicators[i];
		if (!indicator_needs_hours(h->ci->metric))
			continue;
		h->sk = indicator_scope_kind(r, h->ci->scope);
		h->hs.from_ms = time_hour_floor(r->from_ms);
		h->hs.n = (size_t)((r->to_ms - h->hs.from_ms + HOUR_MS - 1) /
				   HOUR_MS);
		h->hs.h = xcalloc(h->hs.n ? h->hs.n : 1, sizeof *h->hs.h);
	}
	if (sqlite3_prepare_v2(b->db,
		"SELECT hour_ms, sent, received, rtt_sum_us, rtt_n "
		"FROM sample_hour WHERE device_id = ?1 AND hour_ms >= ?2 "
		"AND hour_ms < ?3",
		-1, &st, NULL) != SQLITE_OK) {
		build_fail(b, "cannot read sample_hour");
		goto out;
	}
	for (size_t i = 0; i < r->ndevices; i++) {
		const struct report_device *d = &r->devices[i];
		bool uplink, any = false;

		if (!d->exists)
			continue;
		uplink = report_is_uplink(b, &sp, d);
		for (size_t k = 0; k < sp.nhourly; k++) {
			in[k] = sp.hourly[k].hs.h != NULL &&
				indicator_scope_match(
				    sp.hourly[k].sk, sp.hourly[k].ci->scope, d);
			any = any || in[k];
		}
		if (!uplink && !any)
			continue;
		memset(sp.days, 0, r->ndays * sizeof *sp.days);
		memset(&sp.total, 0, sizeof sp.total);
		if (report_device_samples(b, st, d, &sp, uplink, in) == -1) {
			build_fail(b, "cannot read sample_hour of %s", d->key);
			goto out;
		}
		if (uplink)
			report_uplink_add(r, i, &sp);
	}
	if (sp.nhourly > 0)
		r->indicators = xcalloc(sp.nhourly, sizeof *r->indicators);
	for (size_t i = 0; i < sp.nhourly; i++)
		indicator_judge(r, sp.hourly[i].ci, &sp.hourly[i].hs,
		    &r->indicators[r->nindicators++]);
	rc = 0;
out:
	sqlite3_finalize(st);
	for (size_t i = 0; i < sp.nhourly; i++)
		free(sp.hourly[i].hs.h);
	free(sp.hourly);
	free(sp.days);
	free(in);
	return rc;
}

static int
report_alerts(struct build *b)
{
	struct report *r = b->r;
	sqlite3_stmt *st;
	size_t cap = 0;
	int rc;

	if (sqlite3_prepare_v2(b->db,
		"SELECT a.id, a.ts_ms, a.severity, a.event, d.key, a.details, "
		"a.acked_ms FROM alert a LEFT JOIN device d ON d.id = "
		"a.device_id WHERE a.ts_ms >= ?1 AND a.ts_ms < ?2 AND "
		"(?3 IS NULL OR d.grp = ?3) AND (?4 IS NULL OR d.key = ?4) "
		"ORDER BY a.ts_ms, a.id",
		-1, &st, NULL) != SQLITE_OK)
		return build_fail(b, "cannot read the alerts");
	sqlite3_bind_int64(st, 1, r->from_ms);
	sqlite3_bind_int64(st, 2, r->to_ms);
	bind_opt_text(st, 3, b->opts->group);
	bind_opt_text(st, 4, b->opts->device);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct report_alert *a;

		if (!list_room(&r->alerts, r->nalerts, &cap, sizeof *r->alerts,
			REPORT_MAX_ALERTS, &r->alerts_cut))
			continue;
		a = &r->alerts[r->nalerts++];
		a->id = sqlite3_column_int64(st, 0);
		a->ts_ms = sqlite3_column_int64(st, 1);
		a->severity = col_dup(st, 2);
		a->event = col_dup(st, 3);
		a->device_key = col_dup_opt(st, 4);
		a->details = col_dup(st, 5);
		a->acked_ms = col_i64_or(st, 6, -1);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : build_fail(b, "cannot read the alerts");
}

static int
report_hosts(struct build *b)
{
	struct report *r = b->r;
	sqlite3_stmt *st;
	size_t cap = 0;
	int rc;

	if (!r->lan)
		return 0;
	if (sqlite3_prepare_v2(b->db,
		"SELECT h.mac, h.ipv4, h.ipv6, h.name, h.vendor, h.os_guess, "
		"h.status, h.first_ms, h.last_ms, ifnull(t.bi, 0), "
		"ifnull(t.bo, 0) FROM host h LEFT JOIN (SELECT host_id, "
		"sum(bytes_in) AS bi, sum(bytes_out) AS bo FROM "
		"host_traffic_hour WHERE hour_ms >= ?1 AND hour_ms < ?2 "
		"GROUP BY host_id) t ON t.host_id = h.id "
		"WHERE h.first_ms < ?2 AND h.last_ms >= ?1 "
		"ORDER BY h.last_ms DESC, h.id",
		-1, &st, NULL) != SQLITE_OK)
		return build_fail(b, "cannot read the LAN hosts");
	sqlite3_bind_int64(st, 1, r->from_ms);
	sqlite3_bind_int64(st, 2, r->to_ms);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct report_host *h;
		const unsigned char *mac = sqlite3_column_text(st, 0);
		const unsigned char *v4 = sqlite3_column_text(st, 1);
		const unsigned char *v6 = sqlite3_column_text(st, 2);

		if (!list_room(&r->hosts, r->nhosts, &cap, sizeof *r->hosts,
			REPORT_MAX_HOSTS, &r->hosts_cut))
			continue;
		h = &r->hosts[r->nhosts++];
		memset(h, 0, sizeof *h);
		snprintf(h->mac, sizeof h->mac, "%s",
		    mac != NULL ? (const char *)mac : "");
		if (v4 != NULL && v4[0] && v6 != NULL && v6[0])
			h->ips = xasprintf("%s %s", v4, v6);
		else
			h->ips =
			    xstrdup(v4 != NULL && v4[0]   ? (const char *)v4
				    : v6 != NULL && v6[0] ? (const char *)v6
							  : "");
		h->name = col_dup_opt(st, 3);
		h->vendor = col_dup_opt(st, 4);
		h->os = col_dup_opt(st, 5);
		h->status = col_dup(st, 6);
		h->first_ms = sqlite3_column_int64(st, 7);
		h->last_ms = sqlite3_column_int64(st, 8);
		h->bytes_in = sqlite3_column_int64(st, 9);
		h->bytes_out = sqlite3_column_int64(st, 10);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0
				 : build_fail(b, "cannot read the LAN hosts");
}

/* The hash of TABLE's newest row, lowercase hex; "" when it has none. */
static int
report_chain_head(struct build *b, const char *table, char *out)
{
	sqlite3_stmt *st;
	char sql[128];
	int rc;

	out[0] = '\0';
	snprintf(sql, sizeof sql,
	    "SELECT lower(hex(hash)) FROM %s ORDER BY id DESC LIMIT 1", table);
	if (sqlite3_prepare_v2(b->db, sql, -1, &st, NULL) != SQLITE_OK)
		return build_fail(b, "cannot read the chain of %s", table);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_text(st, 0) != NULL)
		snprintf(
		    out, 65, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return build_fail(b, "cannot read the chain of %s", table);
	return 0;
}

int
report_build(sqlite3 *db, const struct config *cfg,
    const struct report_opts *opts, struct report **out, char *err,
    size_t errlen)
{
	struct build b = {db, cfg, opts, NULL, err, errlen, 0, INT64_MAX};
	struct report *r;
	int rc = -1;

	if (opts->to_ms <= opts->from_ms) {
		snprintf(err, errlen, "the period is empty");
		return -1;
	}
	r = b.r = xcalloc(1, sizeof *r);
	r->from_ms = opts->from_ms;
	r->to_ms = opts->to_ms;
	r->generated_ms = opts->now_ms;
	r->lang = xstrdup(i18n_lang_name(i18n_lang(opts->lang)));
	r->site_name = xstrdup(
	    cfg != NULL && cfg->site.name != NULL ? cfg->site.name : "");
	r->province = xstrdup(cfg != NULL && cfg->site.province != NULL
				  ? cfg->site.province
				  : "");
	r->version = xstrdup(PACKAGE_VERSION);
	r->key_fingerprint = opts->key_fingerprint != NULL
				 ? xstrdup(opts->key_fingerprint)
				 : NULL;
	r->scope_group = opts->group != NULL ? xstrdup(opts->group) : NULL;
	r->scope_device = opts->device != NULL ? xstrdup(opts->device) : NULL;
	report_days(r);

	/* One snapshot of the database for every figure of the report. */
	if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
		build_fail(&b, "cannot begin a read transaction");
		report_free(r);
		return -1;
	}
	if (report_devices(&b) == -1 || report_coverage(&b) == -1 ||
	    report_samples_and_indicators(&b) == -1 ||
	    report_alerts(&b) == -1 || report_hosts(&b) == -1 ||
	    report_chain_head(&b, "state_interval", r->chain_state) == -1 ||
	    report_chain_head(&b, "alert", r->chain_alert) == -1 ||
	    report_chain_head(&b, "snapshot", r->chain_snapshot) == -1)
		goto out;
	rc = 0;
out:
	sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	if (rc == -1) {
		report_free(r);
		return -1;
	}
	*out = r;
	return 0;
}

void
report_free(struct report *r)
{
	if (r == NULL)
		return;
	free(r->lang);
	free(r->site_name);
	free(r->province);
	free(r->version);
	free(r->key_fingerprint);
	free(r->scope_group);
	free(r->scope_device);
	free(r->days_ms);
	for (size_t i = 0; i < r->ndevices; i++) {
		struct report_device *d = &r->devices[i];

		free(d->key);
		free(d->name);
		free(d->kind);
		free(d->group);
		free(d->address);
		free(d->parent_key);
		free(d->isp);
		free(d->days);
	}
	free(r->devices);
	free(r->outages);
	for (size_t i = 0; i < r->nuplinks; i++)
		free(r->uplinks[i].days);
	free(r->uplinks);
	for (size_t i = 0; i < r->nindicators; i++) {
		struct report_indicator *ind = &r->indicators[i];

		free(ind->key);
		free(ind->title);
		free(ind->metric);
		free(ind->scope);
		free(ind->detail);
	}
	free(r->indicators);
	for (size_t i = 0; i < r->nalerts; i++) {
		free(r->alerts[i].severity);
		free(r->alerts[i].event);
		free(r->alerts[i].device_key);
		free(r->alerts[i].details);
	}
	free(r->alerts);
	for (size_t i = 0; i < r->nhosts; i++) {
		free(r->hosts[i].ips);
		free(r->hosts[i].name);
		free(r->hosts[i].vendor);
		free(r->hosts[i].os);
		free(r->hosts[i].status);
	}
	free(r->hosts);
	free(r);
}
