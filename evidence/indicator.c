/* indicator.c - the indicator metrics table and the verdict of each indicator over a built report. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/config.h"
#include "common/i18n.h"
#include "common/strbuf.h"
#include "common/util.h"
#include "evidence/indicator.h"
#include "evidence/report.h"
#include "evidence/svg.h"

#define HOUR_MS 3600000LL

/* A metric's figure: VALUE (-1: no data) and a one-line DETAIL. */
typedef void (*metric_fn)(const struct report *r,
    const struct config_indicator *ci, const struct indicator_hours *hours,
    enum i18n_lang lang, double *value, char **detail);

struct metric {
	const char *name;
	metric_fn fn;
	bool needs_hours;
};

/*
 * TMPL from the catalogue with {1}, {2}, {3} replaced by A1..A3 (NULL:
 * ""). The catalogue's text is never a printf format: -Wformat=2 would
 * (rightly) refuse it, and a translator's stray '%' must not matter.
 */
static char *
ind_fmt(const char *tmpl, const char *a1, const char *a2, const char *a3)
{
	const char *args[3] = {a1, a2, a3};
	struct strbuf sb = {0};

	for (const char *p = tmpl; *p != '\0'; p++) {
		if (p[0] == '{' && p[1] >= '1' && p[1] <= '3' && p[2] == '}') {
			const char *a = args[p[1] - '1'];

			if (a != NULL)
				strbuf_add(&sb, a);
			p += 2;
			continue;
		}
		strbuf_addc(&sb, *p);
	}
	return strbuf_detach(&sb, NULL);
}

enum indicator_scope_kind
indicator_scope_kind(const struct report *r, const char *scope)
{
	enum device_kind k;

	if (scope == NULL || scope[0] == '\0')
		return SCOPE_ALL;
	if (device_kind_parse(scope, &k) == 0)
		return SCOPE_KIND;
	for (size_t i = 0; i < r->ndevices; i++)
		if (r->devices[i].group != NULL &&
		    strcmp(r->devices[i].group, scope) == 0)
			return SCOPE_GROUP;
	return SCOPE_DEVICE;
}

bool
indicator_scope_match(enum indicator_scope_kind kind, const char *scope,
    const struct report_device *d)
{
	switch (kind) {
	case SCOPE_ALL:
		return true;
	case SCOPE_KIND:
		return d->kind != NULL && strcmp(d->kind, scope) == 0;
	case SCOPE_GROUP:
		return d->group != NULL && strcmp(d->group, scope) == 0;
	case SCOPE_DEVICE:
	default:
		return d->key != NULL && strcmp(d->key, scope) == 0;
	}
}

/* MS in hours, one decimal, the language's decimal mark ("8808,7"). */
static void
hours_text(int64_t ms, enum i18n_lang lang, char *buf, size_t len)
{
	struct strbuf sb = {0};

	svg_number(&sb, (double)ms / HOUR_MS, 1, lang == I18N_EN ? '.' : ',');
	str_copy(buf, sb.s != NULL ? sb.s : "", len);
	strbuf_free(&sb);
}

/* uptime-group: Σup / Σ(up + down) over the devices in scope. */
static void
metric_uptime_group(const struct report *r, const struct config_indicator *ci,
    const struct indicator_hours *hours, enum i18n_lang lang, double *value,
    char **detail)
{
	enum indicator_scope_kind sk = indicator_scope_kind(r, ci->scope);
	int64_t up = 0, down = 0;
	size_t n = 0;
	char a[32], b[32], c[32];

	for (size_t i = 0; i < r->ndevices; i++) {
		const struct report_device *d = &r->devices[i];

		if (!d->exists || !indicator_scope_match(sk, ci->scope, d))
			continue;
		n++;
		up += d->up.up_ms;
		down += d->up.down_ms;
	}
	*value = up + down > 0 ? 100.0 * (double)up / (double)(up + down) : -1;
	snprintf(a, sizeof a, "%zu", n);
	/* Hours with one decimal: what an officer can check by hand. */
	hours_text(up, lang, b, sizeof b);
	hours_text(up + down, lang, c, sizeof c);
	*detail = ind_fmt(i18n_get(lang, n == 0 ? "data.ind.no_device"
						: "data.ind.uptime_group"),
	    a, b, c);
}

/* uptime-device-min: the lowest uptime of a device in scope. */
static void
metric_uptime_device_min(const struct report *r,
    const struct config_indicator *ci, const struct indicator_hours *hours,
    enum i18n_lang lang, double *value, char **detail)
{
	enum indicator_scope_kind sk = indicator_scope_kind(r, ci->scope);
	const struct report_device *worst = NULL;
	size_t n = 0;
	char a[32];

	for (size_t i = 0; i < r->ndevices; i++) {
		const struct report_device *d = &r->devices[i];

		if (!d->exists || !indicator_scope_match(sk, ci->scope, d))
			continue;
		n++;
		if (d->up.uptime_pct < 0)
			continue;
		if (worst == NULL || d->up.uptime_pct < worst->up.uptime_pct)
			worst = d;
	}
	if (worst == NULL) {
		*value = -1;
		snprintf(a, sizeof a, "%zu", n);
		*detail = ind_fmt(
		    i18n_get(lang, "data.ind.no_device"), a, NULL, NULL);
		return;
	}
	*value = worst->up.uptime_pct;
	snprintf(a, sizeof a, "%zu", n);
	*detail = ind_fmt(
	    i18n_get(lang, "data.ind.uptime_min"), worst->name, worst->key, a);
}

/* lan-coverage: the share of the period the LAN sampler captured. */
static void
metric_lan_coverage(const struct report *r, const struct config_indicator *ci,
    const struct indicator_hours *hours, enum i18n_lang lang, double *value,
    char **detail)
{
	*value = r->lan_coverage_pct;
	*detail = xstrdup(
	    i18n_get(lang, r->lan_coverage_pct < 0 ? "data.ind.lan_never"
						   : "data.ind.lan_coverage"));
}

/*
 * uplink-quality: of the local peak hours [peak_from_h, peak_to_h) that
 * have samples, the share whose loss and average RTT were within bounds.
 */
static void
metric_uplink_quality(const struct report *r, const struct config_indicator *ci,
    const struct indicator_hours *hours, enum i18n_lang lang, double *value,
    char **detail)
{
	size_t counted = 0, good = 0;
	char a[32], b[32], c[64];

	for (size_t i = 0; hours != NULL && i < hours->n; i++) {
		const struct indicator_hour *h = &hours->h[i];
		time_t t =
		    (time_t)((hours->from_ms + (int64_t)i * HOUR_MS) / 1000);
		struct tm tm;
		double loss, rtt_ms;

		if (h->sent <= 0 || localtime_r(&t, &tm) == NULL)
			continue;
		if (tm.tm_hour < ci->peak_from_h || tm.tm_hour >= ci->peak_to_h)
			continue;
		counted++;
		loss = 100.0 * (1.0 - (double)h->received / (double)h->sent);
		rtt_ms = h->rtt_n > 0
			     ? (double)h->rtt_sum_us / (double)h->rtt_n / 1000.0
			     : 0;
		/* An hour where nothing answered has no RTT: never good. */
		if (loss <= ci->loss_max + 1e-9 && h->rtt_n > 0 &&
		    rtt_ms <= (double)ci->rtt_max_ms)
			good++;
	}
	*value = counted > 0 ? 100.0 * (double)good / (double)counted : -1;
	snprintf(a, sizeof a, "%zu", good);
	snprintf(b, sizeof b, "%zu", counted);
	snprintf(
	    c, sizeof c, "%02d:00-%02d:00", ci->peak_from_h, ci->peak_to_h);
	*detail = ind_fmt(i18n_get(lang, counted > 0 ? "data.ind.uplink"
						     : "data.ind.uplink_none"),
	    a, b, c);
}

/* av-coverage: measured by a later issue; until then, said so. */
static void
metric_av_coverage(const struct report *r, const struct config_indicator *ci,
    const struct indicator_hours *hours, enum i18n_lang lang, double *value,
    char **detail)
{
	*value = -1;
	*detail = xstrdup(i18n_get(lang, "data.ind.av_not_measured"));
}

static const struct metric metrics[] = {
    {"uptime-group", metric_uptime_group, false},
    {"uptime-device-min", metric_uptime_device_min, false},
    {"lan-coverage", metric_lan_coverage, false},
    {"uplink-quality", metric_uplink_quality, true},
    {"av-coverage", metric_av_coverage, false},
};
#define NMETRICS (sizeof metrics / sizeof metrics[0])

static const struct metric *
metric_find(const char *name)
{
	for (size_t i = 0; name != NULL && i < NMETRICS; i++)
		if (strcmp(metrics[i].name, name) == 0)
			return &metrics[i];
	return NULL;
}

bool
indicator_metric_known(const char *name)
{
	return metric_find(name) != NULL;
}

bool
indicator_needs_hours(const char *metric)
{
	const struct metric *m = metric_find(metric);

	return m != NULL && m->needs_hours;
}

void
indicator_judge(const struct report *r, const struct config_indicator *ci,
    const struct indicator_hours *hours, struct report_indicator *out)
{
	const struct metric *m = metric_find(ci->metric);
	enum i18n_lang lang = i18n_lang(r->lang);

	memset(out, 0, sizeof *out);
	out->key = xstrdup(ci->key != NULL ? ci->key : "");
	out->title = xstrdup(ci->title != NULL ? ci->title : "");
	out->metric = xstrdup(ci->metric != NULL ? ci->metric : "");
	out->scope = ci->scope != NULL ? xstrdup(ci->scope) : NULL;
	out->target = ci->target;
	out->at_most = ci->at_most != 0;
	out->value = -1;
	if (m == NULL) {
		out->verdict = REPORT_NO_DATA;
		out->detail = ind_fmt(i18n_get(lang, "data.ind.unknown_metric"),
		    out->metric, NULL, NULL);
		return;
	}
	m->fn(r, ci, hours, lang, &out->value, &out->detail);
	/* Judged only with both a target and a value; else shown. */
	if (out->target < 0 || out->value < 0)
		out->verdict = REPORT_NO_DATA;
	else if (out->at_most)
		out->verdict = out->value <= out->target + 1e-9
				   ? REPORT_MET
				   : REPORT_NOT_MET;
	else
		out->verdict = out->value + 1e-9 >= out->target
				   ? REPORT_MET
				   : REPORT_NOT_MET;
}
