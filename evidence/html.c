/* html.c - report.html: the printable quarterly report, one self-contained file. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/i18n.h"
#include "common/strbuf.h"
#include "common/util.h"
#include "evidence/report.h"
#include "evidence/svg.h"

/*
 * What one file shows at most; the CSV files have everything, and a
 * note says how many rows were left out.
 */
#define HTML_MAX_OUTAGES 2000
#define HTML_MAX_ALERTS  300
#define HTML_MAX_EVENTS  40
#define HTML_MAX_HOSTS   1000
/* Up to this many strip cells, each day gets its own tooltip. */
#define HTML_CELL_TITLES_MAX 20000

struct html {
	struct strbuf sb;
	const struct report *r;
	enum i18n_lang lang;
	char point;            /* the decimal mark of LANG */
	char (*day_labels)[8]; /* "01/07" per local day */
	const char **day_label_ptrs;
	size_t *ticks; /* days that start a month */
	size_t nticks;
	int section;
};

static void html_word(
    struct html *h, const char *prefix, const char *word, int raw);

static const char *
html_t(const struct html *h, const char *key)
{
	return i18n_get(h->lang, key);
}

/* Catalogue text, escaped all the same: it is data to this file. */
static void
html_text(struct html *h, const char *key)
{
	strbuf_add_html(&h->sb, html_t(h, key));
}

static void
html_tag_text(struct html *h, const char *tag, const char *key)
{
	strbuf_printf(&h->sb, "<%s>", tag);
	html_text(h, key);
	strbuf_printf(&h->sb, "</%s>", tag);
}

static void
html_tm(int64_t ms, struct tm *tm)
{
	time_t t = (time_t)(ms / 1000);

	if (ms < 0 && ms % 1000 != 0)
		t--;
	localtime_r(&t, tm);
}

static void
html_date(struct html *h, int64_t ms)
{
	struct tm tm;

	html_tm(ms, &tm);
	if (h->lang == I18N_EN)
		strbuf_printf(&h->sb, "%04d-%02d-%02d", tm.tm_year + 1900,
		    tm.tm_mon + 1, tm.tm_mday);
	else
		strbuf_printf(&h->sb, "%02d/%02d/%04d", tm.tm_mday,
		    tm.tm_mon + 1, tm.tm_year + 1900);
}

/* Date and local time to the minute; WITH_OFFSET adds "+07:00". */
static void
html_datetime(struct html *h, int64_t ms, int with_offset)
{
	struct tm tm;
	long off;

	html_date(h, ms);
	html_tm(ms, &tm);
	strbuf_printf(&h->sb, " %02d:%02d", tm.tm_hour, tm.tm_min);
	if (with_offset) {
		off = tm.tm_gmtoff;
		strbuf_printf(&h->sb, ":%02d %c%02ld:%02ld", tm.tm_sec,
		    off < 0 ? '-' : '+', labs(off) / 3600,
		    (labs(off) % 3600) / 60);
	}
}

/* "3 ngày 4 giờ" / "3d 4h": the two largest units are enough to read. */
static void
html_duration(struct html *h, int64_t ms)
{
	static const char *const keys[] = {
	    "report.unit.d", "report.unit.h", "report.unit.m", "report.unit.s"};
	int64_t s = ms < 0 ? 0 : ms / 1000;
	int64_t v[4] = {s / 86400, s % 86400 / 3600, s % 3600 / 60, s % 60};
	int first = 0, shown = 0;

	while (first < 3 && v[first] == 0)
		first++;
	for (int i = first; i < 4 && i < first + 2; i++) {
		if (i > first && v[i] == 0)
			break;
		if (shown++)
			strbuf_addc(&h->sb, ' ');
		strbuf_printf(&h->sb, "%lld", (long long)v[i]);
		if (h->lang != I18N_EN)
			strbuf_addc(&h->sb, ' ');
		html_text(h, keys[i]);
	}
}

/* "99,95 %" truncated (never rounded up to 100), or "no data". */
static void
html_pct(struct html *h, double pct)
{
	if (!(pct >= 0)) {
		strbuf_add(&h->sb, "<span class=\"na\">");
		html_text(h, "report.nodata");
		strbuf_add(&h->sb, "</span>");
		return;
	}
	svg_number(&h->sb, pct, 2, h->point);
	strbuf_add(&h->sb, " %");
}

static void
html_section(struct html *h, const char *id, const char *key)
{
	strbuf_printf(
	    &h->sb, "<section id=\"%s\">\n<h2>%d. ", id, ++h->section);
	html_text(h, key);
	strbuf_add(&h->sb, "</h2>\n");
}

static void
html_note(struct html *h, const char *cls, const char *key)
{
	strbuf_printf(&h->sb, "<p class=\"%s\">", cls);
	html_text(h, key);
	strbuf_add(&h->sb, "</p>\n");
}

/* "N rows more are in FILE": nothing is cut silently. */
static void
html_cut_note(struct html *h, size_t cut, const char *file)
{
	if (cut == 0)
		return;
	strbuf_add(&h->sb, "<p class=\"note\">");
	strbuf_printf(&h->sb, "%zu ", cut);
	html_text(h, "report.cut");
	strbuf_add(&h->sb, " <code>");
	strbuf_add_html(&h->sb, file);
	strbuf_add(&h->sb, "</code>.</p>\n");
}

/*
 * A table's head: COLS column keys with their widths (percent; a fixed
 * layout keeps long names from widening the page). NUM marks right-
 * aligned numeric columns by bit.
 */
static void
html_thead(struct html *h, const char *cls, const char *const *keys,
    const int *widths, size_t ncols, unsigned num)
{
	strbuf_printf(&h->sb, "<table class=\"%s\"><colgroup>", cls);
	for (size_t i = 0; i < ncols; i++)
		strbuf_printf(&h->sb, "<col style=\"width:%d%%\">", widths[i]);
	strbuf_add(&h->sb, "</colgroup>\n<thead><tr>");
	for (size_t i = 0; i < ncols; i++) {
		strbuf_add(
		    &h->sb, num & (1u << i) ? "<th class=\"num\">" : "<th>");
		html_text(h, keys[i]);
		strbuf_add(&h->sb, "</th>");
	}
	strbuf_add(&h->sb, "</tr></thead>\n");
}

static const char html_css[] =
    "@page{size:A4;margin:15mm}\n"
    "*{box-sizing:border-box}\n"
    "html{-webkit-print-color-adjust:exact;print-color-adjust:exact}\n"
    "body{font-family:\"DejaVu Sans\",\"Noto Sans\",Arial,sans-serif;"
    "font-size:9pt;line-height:1.35;color:#111;margin:0 auto;"
    "max-width:180mm;padding:0}\n"
    "@media screen{body{padding:8mm 4mm}}\n"
    "h1{font-size:16pt;margin:0 0 1mm}\n"
    ".site{font-size:13pt;margin:0 0 3mm;font-weight:bold;"
    "overflow-wrap:anywhere}\n"
    "h2{font-size:12pt;margin:6mm 0 2mm;padding-bottom:1mm;"
    "border-bottom:1.5px solid #37474f;break-after:avoid}\n"
    "h3{font-size:10pt;margin:4mm 0 1mm;break-after:avoid;"
    "overflow-wrap:anywhere}\n"
    "p{margin:1.5mm 0}\n"
    "table{width:100%;border-collapse:collapse;table-layout:fixed;"
    "margin:2mm 0}\n"
    "th,td{border:1px solid #b0bec5;padding:0.8mm 1.5mm;text-align:left;"
    "vertical-align:top;overflow-wrap:anywhere}\n"
    "thead{display:table-header-group}\n"
    "tr{break-inside:avoid}\n"
    "th{background:#eceff1;font-weight:bold}\n"
    ".num{text-align:right}\n"
    "tr.grp th{background:#cfd8dc}\n"
    /* A village's heading stays with its first device. */
    "tr.grp{break-after:avoid}\n"
    ".key{color:#546e7a;font-size:7.5pt}\n"
    ".ok{color:#1b5e20;font-weight:bold}\n"
    ".bad{color:#b71c1c;font-weight:bold}\n"
    ".na{color:#616161;font-style:italic}\n"
    ".note{border-left:3px solid #f9a825;background:#fff8e1;"
    "padding:1.5mm 3mm}\n"
    ".missing{border-left:3px solid #b71c1c;background:#ffebee;"
    "padding:1.5mm 3mm;font-weight:bold}\n"
    "td .missing{display:block}\n"
    "table.meta th{width:30%}\n"
    "table.daily td,table.daily th{padding:0.4mm 1.5mm;font-size:8pt}\n"
    ".axis{position:relative;height:1.3em;overflow:hidden}\n"
    ".axis span{position:absolute;top:0;font-weight:normal;"
    "font-size:7.5pt}\n"
    "code{font-family:\"DejaVu Sans Mono\",monospace;font-size:7.5pt;"
    "overflow-wrap:anywhere}\n"
    "ul.method li{margin-bottom:1mm}\n"
    "svg{max-width:100%}\n"
    "footer{margin-top:6mm;font-size:8pt;color:#546e7a}\n";

static void
html_head(struct html *h)
{
	const struct report *r = h->r;

	strbuf_printf(&h->sb,
	    "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width\">\n"
	    "<meta name=\"generator\" content=\"xanet ",
	    i18n_lang_name(h->lang));
	strbuf_add_html(&h->sb, r->version);
	strbuf_add(&h->sb, "\">\n<title>");
	html_text(h, "report.title");
	strbuf_add(&h->sb, " \xe2\x80\x93 "); /* – */
	strbuf_add_html(&h->sb, r->site_name);
	strbuf_add(&h->sb, "</title>\n<style>\n");
	strbuf_add(&h->sb, html_css);
	svg_css(&h->sb);
	strbuf_add(&h->sb, "</style>\n</head>\n<body>\n");
}

static void
html_meta_row(struct html *h, const char *key)
{
	strbuf_add(&h->sb, "<tr><th>");
	html_text(h, key);
	strbuf_add(&h->sb, "</th><td>");
}

static void
html_header(struct html *h)
{
	const struct report *r = h->r;

	strbuf_add(&h->sb, "<header>\n");
	html_tag_text(h, "h1", "report.title");
	strbuf_add(&h->sb, "\n<p class=\"site\">");
	strbuf_add_html(&h->sb, r->site_name);
	strbuf_add(&h->sb, "</p>\n<table class=\"meta\">\n");
	html_meta_row(h, "report.province");
	if (r->province != NULL && *r->province != '\0')
		strbuf_add_html(&h->sb, r->province);
	else
		strbuf_add(&h->sb, "\xe2\x80\x94"); /* — */
	strbuf_add(&h->sb, "</td></tr>\n");
	html_meta_row(h, "report.period");
	html_date(h, r->from_ms);
	strbuf_add(&h->sb, " \xe2\x80\x93 ");
	/* TO is exclusive: the period's last day is the one before it. */
	html_date(h, r->to_ms > r->from_ms ? r->to_ms - 1 : r->to_ms);
	strbuf_printf(&h->sb, " (%zu ", r->ndays);
	html_text(h, "report.svg.days");
	strbuf_add(&h->sb, ")</td></tr>\n");
	if (r->scope_group != NULL || r->scope_device != NULL) {
		html_meta_row(h, "report.scope");
		if (r->scope_group != NULL) {
			html_text(h, "report.group");
			strbuf_add(&h->sb, ": ");
			strbuf_add_html(&h->sb, r->scope_group);
			strbuf_add(&h->sb, " ");
		}
		if (r->scope_device != NULL) {
			html_text(h, "report.device");
			strbuf_add(&h->sb, ": ");
			strbuf_add_html(&h->sb, r->scope_device);
		}
		strbuf_add(&h->sb, "</td></tr>\n");
	}
	html_meta_row(h, "report.generated");
	html_datetime(h, r->generated_ms, 1);
	strbuf_add(&h->sb, "</td></tr>\n");
	html_meta_row(h, "report.version");
	strbuf_add(&h->sb, "xanet ");
	strbuf_add_html(&h->sb, r->version);
	strbuf_add(&h->sb, "</td></tr>\n");
	html_meta_row(h, "report.key");
	if (r->key_fingerprint != NULL && *r->key_fingerprint != '\0') {
		strbuf_add(&h->sb, "<code>");
		strbuf_add_html(&h->sb, r->key_fingerprint);
		strbuf_add(&h->sb, "</code>");
	} else {
		strbuf_add(&h->sb, "<span class=\"na\">");
		html_text(h, "report.unsigned");
		strbuf_add(&h->sb, "</span>");
	}
	strbuf_add(&h->sb, "</td></tr>\n</table>\n");
	html_note(h, "tz", "report.times_local");
	strbuf_add(&h->sb, "</header>\n");
}

/* A value of an indicator: percentages, or milliseconds for latency. */
static void
html_indicator_value(
    struct html *h, const struct report_indicator *ind, double v)
{
	int ms =
	    ind->metric != NULL && (strstr(ind->metric, "rtt") != NULL ||
				       strstr(ind->metric, "latency") != NULL);

	if (!(v >= 0)) {
		strbuf_add(&h->sb, "<span class=\"na\">");
		html_text(h, "report.nodata");
		strbuf_add(&h->sb, "</span>");
	} else if (ms) {
		svg_number(&h->sb, v, 1, h->point);
		strbuf_add(&h->sb, " ms");
	} else
		html_pct(h, v);
}

static void
html_summary(struct html *h)
{
	static const char *const cols[] = {"report.col.indicator",
	    "report.col.value", "report.col.target", "report.col.verdict",
	    "report.col.detail"};
	static const int widths[] = {34, 14, 13, 15, 24};
	const struct report *r = h->r;
	size_t n[3] = {0, 0, 0};

	html_section(h, "summary", "report.sec.summary");
	if (r->nindicators == 0) {
		html_note(h, "note", "report.no_indicators");
		strbuf_add(&h->sb, "</section>\n");
		return;
	}
	for (size_t i = 0; i < r->nindicators; i++)
		if ((unsigned)r->indicators[i].verdict < 3)
			n[r->indicators[i].verdict]++;
	strbuf_add(&h->sb, "<p><span class=\"ok\">");
	html_text(h, "report.verdict.met");
	strbuf_printf(&h->sb, ": %zu</span> \xc2\xb7 <span class=\"bad\">",
	    n[REPORT_MET]);
	html_text(h, "report.verdict.not_met");
	strbuf_printf(&h->sb, ": %zu</span> \xc2\xb7 <span class=\"na\">",
	    n[REPORT_NOT_MET]);
	html_text(h, "report.verdict.no_data");
	strbuf_printf(&h->sb, ": %zu</span></p>\n", n[REPORT_NO_DATA]);

	html_thead(h, "indicators", cols, widths, 5, 0x6);
	strbuf_add(&h->sb, "<tbody>\n");
	for (size_t i = 0; i < r->nindicators; i++) {
		const struct report_indicator *ind = &r->indicators[i];

		strbuf_add(&h->sb, "<tr><td>");
		strbuf_add_html(
		    &h->sb, ind->title != NULL ? ind->title : ind->key);
		strbuf_add(&h->sb, "<br><span class=\"key\">");
		strbuf_add_html(&h->sb, ind->key);
		strbuf_add(&h->sb, "</span></td><td class=\"num\">");
		html_indicator_value(h, ind, ind->value);
		strbuf_add(&h->sb, "</td><td class=\"num\">");
		if (ind->target >= 0) {
			/* ≤ or ≥ */
			strbuf_add(&h->sb,
			    ind->at_most ? "\xe2\x89\xa4 " : "\xe2\x89\xa5 ");
			html_indicator_value(h, ind, ind->target);
		} else
			strbuf_add(&h->sb, "\xe2\x80\x94");
		strbuf_add(&h->sb, "</td><td>");
		switch (ind->verdict) {
		case REPORT_MET:
			strbuf_add(&h->sb, "<span class=\"ok\">\xe2\x9c\x93 ");
			html_text(h, "report.verdict.met");
			break;
		case REPORT_NOT_MET:
			strbuf_add(&h->sb, "<span class=\"bad\">\xe2\x9c\x97 ");
			html_text(h, "report.verdict.not_met");
			break;
		default:
			strbuf_add(&h->sb, "<span class=\"na\">");
			html_text(h, "report.verdict.no_data");
			break;
		}
		strbuf_add(&h->sb, "</span></td><td>");
		strbuf_add_html(&h->sb, ind->detail);
		strbuf_add(&h->sb, "</td></tr>\n");
	}
	strbuf_add(&h->sb, "</tbody></table>\n</section>\n");
}

static void
html_coverage(struct html *h)
{
	static const char *const cols[] = {
	    "report.col.what", "report.col.coverage", "report.col.detail"};
	static const int widths[] = {35, 18, 47};
	const struct report *r = h->r;

	html_section(h, "coverage", "report.sec.coverage");
	html_thead(h, "coverage", cols, widths, 3, 0x2);
	strbuf_add(&h->sb, "<tbody>\n<tr><td>");
	html_text(h, "report.cov.monitor");
	strbuf_add(&h->sb, "</td><td class=\"num\">");
	html_pct(h, r->coverage_pct);
	strbuf_add(&h->sb, "</td><td>");
	html_text(h, "report.cov.watched");
	strbuf_add(&h->sb, " ");
	html_duration(h, r->watched_ms);
	strbuf_add(&h->sb, "</td></tr>\n<tr><td>");
	html_text(h, "report.cov.lan");
	strbuf_add(&h->sb, "</td><td class=\"num\">");
	html_pct(h, r->lan_coverage_pct);
	strbuf_add(&h->sb, "</td><td>");
	if (r->lan_coverage_pct >= 0)
		html_text(h, "report.cov.lan_detail");
	else {
		strbuf_add(&h->sb, "<span class=\"missing\">");
		html_text(h, "report.cov.lan_none");
		strbuf_add(&h->sb, "</span>");
	}
	strbuf_add(&h->sb, "</td></tr>\n</tbody></table>\n</section>\n");
}

static const char *
html_group_of(const struct report_device *d)
{
	return d->group != NULL ? d->group : "";
}

/* A group's heading row: its name (or "no group") and its size. */
static void
html_group_row(struct html *h, size_t first, size_t ncols)
{
	const struct report *r = h->r;
	const char *g = html_group_of(&r->devices[first]);
	size_t n = 0;

	for (size_t j = first;
	     j < r->ndevices && strcmp(html_group_of(&r->devices[j]), g) == 0;
	     j++)
		n++;
	strbuf_printf(&h->sb, "<tr class=\"grp\"><th colspan=\"%zu\">", ncols);
	html_text(h, "report.group");
	strbuf_add(&h->sb, ": ");
	if (*g != '\0')
		strbuf_add_html(&h->sb, g);
	else
		html_text(h, "report.group.none");
	strbuf_printf(&h->sb, " (%zu)</th></tr>\n", n);
}

static int
html_new_group(const struct report *r, size_t i)
{
	return i == 0 || strcmp(html_group_of(&r->devices[i - 1]),
			     html_group_of(&r->devices[i])) != 0;
}

static void
html_device_name(struct html *h, const struct report_device *d)
{
	strbuf_add_html(&h->sb, d->name != NULL && *d->name ? d->name : d->key);
	strbuf_add(&h->sb, "<br><span class=\"key\">");
	strbuf_add_html(&h->sb, d->key);
	strbuf_add(&h->sb, "</span>");
}

static void
html_devices(struct html *h)
{
	static const char *const cols[] = {"report.col.device",
	    "report.col.kind", "report.col.uptime", "report.col.coverage",
	    "report.col.downtime", "report.col.outages", "report.col.longest"};
	static const int widths[] = {27, 10, 13, 12, 14, 9, 15};
	const struct report *r = h->r;

	html_section(h, "devices", "report.sec.devices");
	if (r->ndevices == 0) {
		html_note(h, "note", "report.no_devices");
		strbuf_add(&h->sb, "</section>\n");
		return;
	}
	html_thead(h, "devices", cols, widths, 7, 0x7c);
	for (size_t i = 0; i < r->ndevices; i++) {
		const struct report_device *d = &r->devices[i];

		if (html_new_group(r, i)) {
			strbuf_add(
			    &h->sb, i ? "</tbody>\n<tbody>\n" : "<tbody>\n");
			html_group_row(h, i, 7);
		}
		strbuf_add(&h->sb, "<tr><td>");
		html_device_name(h, d);
		strbuf_add(&h->sb, "</td><td>");
		strbuf_add_html(&h->sb, d->kind);
		if (!d->exists) {
			strbuf_add(
			    &h->sb, "</td><td colspan=\"5\" class=\"na\">");
			html_text(h, "report.not_in_period");
			strbuf_add(&h->sb, "</td></tr>\n");
			continue;
		}
		strbuf_add(&h->sb, "</td><td class=\"num\">");
		html_pct(h, d->up.uptime_pct);
		strbuf_add(&h->sb, "</td><td class=\"num\">");
		html_pct(h, d->up.coverage_pct);
		strbuf_add(&h->sb, "</td><td class=\"num\">");
		html_duration(h, d->up.down_ms);
		strbuf_printf(&h->sb,
		    "</td><td class=\"num\">%d</td><td class=\"num\">",
		    d->up.outages);
		if (d->up.outages > 0)
			html_duration(h, d->up.longest_outage_ms);
		else
			strbuf_add(&h->sb, "\xe2\x80\x94");
		strbuf_add(&h->sb, "</td></tr>\n");
	}
	strbuf_add(&h->sb, "</tbody></table>\n</section>\n");
}

/* Month labels over the strips, placed at each month's first day. */
static void
html_axis(struct html *h)
{
	const struct report *r = h->r;
	size_t last = 0;
	int any = 0;

	strbuf_add(&h->sb, "<div class=\"axis\">");
	for (size_t t = 0; t < h->nticks; t++) {
		size_t i = h->ticks[t];
		struct tm tm;
		size_t pos = r->ndays ? i * 1000 / r->ndays : 0;

		/* Labels too close to the previous one or the end overlap. */
		if ((any && (i - last) * 10 < r->ndays) || pos > 880)
			continue;
		html_tm(r->days_ms[i], &tm);
		strbuf_printf(&h->sb, "<span style=\"left:%zu.%zu%%\">",
		    pos / 10, pos % 10);
		if (h->lang == I18N_EN)
			strbuf_printf(&h->sb, "%04d-%02d", tm.tm_year + 1900,
			    tm.tm_mon + 1);
		else
			strbuf_printf(&h->sb, "%02d/%04d", tm.tm_mon + 1,
			    tm.tm_year + 1900);
		strbuf_add(&h->sb, "</span>");
		last = i;
		any = 1;
	}
	strbuf_add(&h->sb, "</div>");
}

static void
html_daily(struct html *h)
{
	const struct report *r = h->r;
	double *vals;
	int cells = r->ndevices * r->ndays <= HTML_CELL_TITLES_MAX;

	html_section(h, "daily", "report.sec.daily");
	if (r->ndevices == 0 || r->ndays == 0) {
		html_note(h, "note", "report.no_devices");
		strbuf_add(&h->sb, "</section>\n");
		return;
	}
	html_note(h, "help", "report.daily_help");
	svg_legend(&h->sb, h->lang, h->point);
	strbuf_add(&h->sb, "<table class=\"daily\"><colgroup>"
			   "<col style=\"width:28%\"><col style=\"width:72%\">"
			   "</colgroup>\n<thead><tr><th>");
	html_text(h, "report.col.device");
	strbuf_add(&h->sb, "</th><th>");
	html_axis(h);
	strbuf_add(&h->sb, "</th></tr></thead>\n");
	vals = xreallocarray(NULL, r->ndays, sizeof *vals);
	for (size_t i = 0; i < r->ndevices; i++) {
		const struct report_device *d = &r->devices[i];
		struct svg_strip s = {
		    .values = vals,
		    .labels = cells ? h->day_label_ptrs : NULL,
		    .n = r->ndays,
		    .title = d->name != NULL && *d->name ? d->name : d->key,
		    .lang = h->lang,
		    .point = h->point,
		};

		if (html_new_group(r, i)) {
			strbuf_add(
			    &h->sb, i ? "</tbody>\n<tbody>\n" : "<tbody>\n");
			html_group_row(h, i, 2);
		}
		for (size_t k = 0; k < r->ndays; k++) {
			const struct report_day *day =
			    d->days != NULL ? &d->days[k] : NULL;

			if (day == NULL || day->coverage_pct < 0)
				vals[k] = SVG_NONE;
			else
				vals[k] = day->uptime_pct >= 0 ? day->uptime_pct
							       : SVG_NODATA;
		}
		strbuf_add(&h->sb, "<tr><td>");
		strbuf_add_html(&h->sb, s.title);
		strbuf_add(&h->sb, "</td><td>");
		svg_strip(&h->sb, &s);
		strbuf_add(&h->sb, "</td></tr>\n");
	}
	free(vals);
	strbuf_add(&h->sb, "</tbody></table>\n</section>\n");
}

static void
html_uplinks(struct html *h)
{
	const struct report *r = h->r;
	double *loss, *rtt;

	html_section(h, "uplink", "report.sec.uplink");
	if (r->nuplinks == 0 || r->ndays == 0) {
		html_note(h, "note", "report.no_uplinks");
		strbuf_add(&h->sb, "</section>\n");
		return;
	}
	html_note(h, "help", "report.uplink_help");
	loss = xreallocarray(NULL, r->ndays, sizeof *loss);
	rtt = xreallocarray(NULL, r->ndays, sizeof *rtt);
	for (size_t u = 0; u < r->nuplinks; u++) {
		const struct report_uplink *up = &r->uplinks[u];
		const struct report_device *d =
		    up->device < r->ndevices ? &r->devices[up->device] : NULL;
		const char *name = d == NULL                     ? "?"
				   : d->name != NULL && *d->name ? d->name
								 : d->key;
		struct svg_series series[2] = {
		    {html_t(h, "report.uplink.loss"), loss, SVG_BARS,
			SVG_AXIS_LEFT, " %", 2, 1},
		    {html_t(h, "report.uplink.rtt"), rtt, SVG_LINE,
			SVG_AXIS_RIGHT, " ms", 1, 2},
		};
		struct svg_chart c = {
		    .title = name,
		    .labels = h->day_label_ptrs,
		    .n = r->ndays,
		    .series = series,
		    .nseries = 2,
		    .ticks = h->ticks,
		    .nticks = h->nticks,
		    .nodata = html_t(h, "report.nodata"),
		    .point = h->point,
		};

		for (size_t k = 0; k < r->ndays; k++) {
			loss[k] = up->days != NULL ? up->days[k].loss_pct : -1;
			rtt[k] = up->days != NULL ? up->days[k].rtt_avg_ms : -1;
		}
		strbuf_add(&h->sb, "<h3>");
		strbuf_add_html(&h->sb, name);
		if (d != NULL && d->isp != NULL && *d->isp != '\0') {
			strbuf_add(&h->sb, " (");
			strbuf_add_html(&h->sb, d->isp);
			strbuf_add(&h->sb, ")");
		}
		strbuf_add(&h->sb, "</h3>\n<p>");
		html_text(h, "report.uplink.loss");
		strbuf_add(&h->sb, ": ");
		html_pct(h, up->loss_pct);
		strbuf_add(&h->sb, " \xc2\xb7 ");
		html_text(h, "report.uplink.rtt");
		strbuf_add(&h->sb, ": ");
		if (up->rtt_avg_ms >= 0) {
			svg_number(&h->sb, up->rtt_avg_ms, 1, h->point);
			strbuf_add(&h->sb, " ms");
		} else
			html_pct(h, -1);
		strbuf_add(&h->sb, "</p>\n<figure style=\"margin:0\">");
		svg_chart(&h->sb, &c);
		strbuf_add(&h->sb, "</figure>\n");
	}
	free(loss);
	free(rtt);
	strbuf_add(&h->sb, "</section>\n");
}

static void
html_outages(struct html *h)
{
	static const char *const cols[] = {"report.col.device",
	    "report.col.start", "report.col.end", "report.col.duration",
	    "report.col.cause"};
	static const int widths[] = {28, 17, 17, 14, 24};
	const struct report *r = h->r;
	size_t n =
	    r->noutages < HTML_MAX_OUTAGES ? r->noutages : HTML_MAX_OUTAGES;

	html_section(h, "outages", "report.sec.outages");
	if (r->noutages == 0) {
		html_note(h, "note", "report.no_outages");
		html_cut_note(h, r->outages_cut, "outages.csv");
		strbuf_add(&h->sb, "</section>\n");
		return;
	}
	html_thead(h, "outages", cols, widths, 5, 0x8);
	strbuf_add(&h->sb, "<tbody>\n");
	for (size_t i = 0; i < n; i++) {
		const struct report_outage *o = &r->outages[i];

		strbuf_add(&h->sb, "<tr><td>");
		if (o->device < r->ndevices)
			html_device_name(h, &r->devices[o->device]);
		strbuf_add(&h->sb, "</td><td>");
		html_datetime(h, o->start_ms, 0);
		strbuf_add(&h->sb, "</td><td>");
		if (o->open) {
			strbuf_add(&h->sb, "<span class=\"bad\">");
			html_text(h, "report.ongoing");
			strbuf_add(&h->sb, "</span>");
		} else
			html_datetime(h, o->end_ms, 0);
		strbuf_add(&h->sb, "</td><td class=\"num\">");
		html_duration(h, o->end_ms - o->start_ms);
		strbuf_add(&h->sb, "</td><td>");
		if (o->cause[0] == '\0')
			strbuf_add(&h->sb, "\xe2\x80\x94");
		else
			html_word(h, "report.cause", o->cause, 0);
		strbuf_add(&h->sb, "</td></tr>\n");
	}
	strbuf_add(&h->sb, "</tbody></table>\n");
	html_cut_note(h, r->noutages - n + r->outages_cut, "outages.csv");
	strbuf_add(&h->sb, "</section>\n");
}

struct html_event {
	const char *event;
	size_t count;
};

static int
html_str_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Most frequent first; ties by name, so the order is always the same. */
static int
html_event_cmp(const void *a, const void *b)
{
	const struct html_event *x = a, *y = b;

	if (x->count != y->count)
		return x->count < y->count ? 1 : -1;
	return strcmp(x->event, y->event);
}

/*
 * PREFIX.WORD in the catalogue's words where it knows WORD (with the
 * recorded word after it when RAW), else WORD as recorded, escaped.
 */
static void
html_word(struct html *h, const char *prefix, const char *word, int raw)
{
	const char *text;

	if (word == NULL)
		return;
	text = strlen(word) < 48 ? i18n_word(h->lang, prefix, word) : word;
	strbuf_add_html(&h->sb, text);
	if (raw && text != word) {
		strbuf_add(&h->sb, " <span class=\"key\">");
		strbuf_add_html(&h->sb, word);
		strbuf_add(&h->sb, "</span>");
	}
}

static void
html_alert_counts(struct html *h)
{
	static const char *const cols[] = {
	    "report.col.event", "report.col.count"};
	static const int widths[] = {70, 30};
	const struct report *r = h->r;
	const char **ev = xreallocarray(NULL, r->nalerts, sizeof *ev);
	struct html_event *counts =
	    xreallocarray(NULL, r->nalerts, sizeof *counts);
	size_t n = 0;

	for (size_t i = 0; i < r->nalerts; i++)
		ev[i] = r->alerts[i].event != NULL ? r->alerts[i].event : "";
	qsort(ev, r->nalerts, sizeof *ev, html_str_cmp);
	for (size_t i = 0; i < r->nalerts; i++) {
		if (n > 0 && strcmp(counts[n - 1].event, ev[i]) == 0)
			counts[n - 1].count++;
		else
			counts[n++] = (struct html_event){ev[i], 1};
	}
	qsort(counts, n, sizeof *counts, html_event_cmp);
	html_thead(h, "alert-counts", cols, widths, 2, 0x2);
	strbuf_add(&h->sb, "<tbody>\n");
	for (size_t i = 0; i < n && i < HTML_MAX_EVENTS; i++) {
		strbuf_add(&h->sb, "<tr><td>");
		html_word(h, "report.event", counts[i].event, 1);
		strbuf_printf(&h->sb, "</td><td class=\"num\">%zu</td></tr>\n",
		    counts[i].count);
	}
	strbuf_add(&h->sb, "</tbody></table>\n");
	if (n > HTML_MAX_EVENTS)
		html_cut_note(h, n - HTML_MAX_EVENTS, "alerts.csv");
	free(counts);
	free(ev);
}

static void
html_alerts(struct html *h)
{
	static const char *const cols[] = {"report.col.time",
	    "report.col.severity", "report.col.event", "report.col.device",
	    "report.col.detail"};
	static const int widths[] = {17, 11, 18, 18, 36};
	const struct report *r = h->r;
	/* The newest ones: the list ends at the report's end. */
	size_t first =
	    r->nalerts > HTML_MAX_ALERTS ? r->nalerts - HTML_MAX_ALERTS : 0;

	html_section(h, "alerts", "report.sec.alerts");
	if (r->nalerts == 0) {
		html_note(h, "note", "report.no_alerts");
		html_cut_note(h, r->alerts_cut, "alerts.csv");
		strbuf_add(&h->sb, "</section>\n");
		return;
	}
	html_tag_text(h, "h3", "report.alerts.by_event");
	html_alert_counts(h);
	html_tag_text(h, "h3", "report.alerts.list");
	html_thead(h, "alerts", cols, widths, 5, 0);
	strbuf_add(&h->sb, "<tbody>\n");
	for (size_t i = first; i < r->nalerts; i++) {
		const struct report_alert *a = &r->alerts[i];

		strbuf_add(&h->sb, "<tr><td>");
		html_datetime(h, a->ts_ms, 0);
		strbuf_add(&h->sb, "</td><td>");
		html_word(h, "report.severity", a->severity, 0);
		strbuf_add(&h->sb, "</td><td>");
		html_word(h, "report.event", a->event, 0);
		strbuf_add(&h->sb, "</td><td>");
		strbuf_add_html(&h->sb, a->device_key);
		strbuf_add(&h->sb, "</td><td>");
		strbuf_add_html(&h->sb, a->details);
		strbuf_add(&h->sb, "</td></tr>\n");
	}
	strbuf_add(&h->sb, "</tbody></table>\n");
	html_cut_note(h, first + r->alerts_cut, "alerts.csv");
	strbuf_add(&h->sb, "</section>\n");
}

/* Bytes as "12,3 MB": the officer reads orders of magnitude. */
static void
html_bytes(struct html *h, int64_t b)
{
	static const char *const units[] = {"B", "kB", "MB", "GB", "TB"};
	double v = (double)(b < 0 ? 0 : b);
	size_t u = 0;

	while (v >= 1000 && u + 1 < sizeof units / sizeof units[0]) {
		v /= 1000;
		u++;
	}
	svg_number(&h->sb, v, u == 0 ? 0 : 1, h->point);
	strbuf_printf(&h->sb, " %s", units[u]);
}

static void
html_hosts(struct html *h)
{
	static const char *const cols[] = {"report.col.mac", "report.col.ip",
	    "report.col.name", "report.col.vendor", "report.col.status",
	    "report.col.last_seen", "report.col.traffic"};
	static const int widths[] = {16, 14, 16, 14, 11, 15, 14};
	const struct report *r = h->r;
	size_t n = r->nhosts < HTML_MAX_HOSTS ? r->nhosts : HTML_MAX_HOSTS;

	html_section(h, "hosts", "report.sec.hosts");
	if (!r->lan) {
		html_note(h, "missing", "report.no_lan");
		strbuf_add(&h->sb, "</section>\n");
		return;
	}
	html_thead(h, "hosts", cols, widths, 7, 0x40);
	strbuf_add(&h->sb, "<tbody>\n");
	for (size_t i = 0; i < n; i++) {
		const struct report_host *o = &r->hosts[i];
		char mac[sizeof o->mac + 1];

		str_copy(mac, o->mac, sizeof mac);
		strbuf_add(&h->sb, "<tr><td><code>");
		strbuf_add_html(&h->sb, mac);
		strbuf_add(&h->sb, "</code></td><td>");
		strbuf_add_html(&h->sb, o->ips);
		strbuf_add(&h->sb, "</td><td>");
		strbuf_add_html(&h->sb, o->name);
		strbuf_add(&h->sb, "</td><td>");
		strbuf_add_html(&h->sb, o->vendor);
		strbuf_add(&h->sb, "</td><td>");
		strbuf_add_html(&h->sb, o->status);
		strbuf_add(&h->sb, "</td><td>");
		html_datetime(h, o->last_ms, 0);
		strbuf_add(&h->sb, "</td><td class=\"num\">\xe2\x86\x93 ");
		html_bytes(h, o->bytes_in);
		strbuf_add(&h->sb, "<br>\xe2\x86\x91 ");
		html_bytes(h, o->bytes_out);
		strbuf_add(&h->sb, "</td></tr>\n");
	}
	strbuf_add(&h->sb, "</tbody></table>\n");
	html_cut_note(h, r->nhosts - n + r->hosts_cut, "hosts.csv");
	strbuf_add(&h->sb, "</section>\n");
}

static void
html_antivirus(struct html *h)
{
	html_section(h, "antivirus", "report.sec.antivirus");
	html_note(h, "missing", "report.antivirus_missing");
	strbuf_add(&h->sb, "</section>\n");
}

static void
html_chain_row(struct html *h, const char *key, const char *head)
{
	strbuf_add(&h->sb, "<tr><td>");
	html_text(h, key);
	strbuf_add(&h->sb, "</td><td><code>");
	if (head != NULL && *head != '\0')
		strbuf_add_html(&h->sb, head);
	else
		html_text(h, "report.chain.empty");
	strbuf_add(&h->sb, "</code></td></tr>\n");
}

static void
html_method(struct html *h)
{
	static const char *const items[] = {"report.method.uptime",
	    "report.method.maintenance", "report.method.unreachable",
	    "report.method.coverage", "report.method.outage",
	    "report.method.daily", "report.method.uplink",
	    "report.method.percent", "report.method.chain"};
	static const char *const cols[] = {
	    "report.col.chain", "report.col.head"};
	static const int widths[] = {25, 75};
	const struct report *r = h->r;
	char head[3][65];

	html_section(h, "method", "report.sec.method");
	strbuf_add(&h->sb, "<ul class=\"method\">\n");
	for (size_t i = 0; i < sizeof items / sizeof items[0]; i++) {
		strbuf_add(&h->sb, "<li>");
		html_text(h, items[i]);
		strbuf_add(&h->sb, "</li>\n");
	}
	strbuf_add(&h->sb, "</ul>\n");
	/* The struct's arrays need not be terminated when full. */
	memcpy(head[0], r->chain_state, 64);
	memcpy(head[1], r->chain_alert, 64);
	memcpy(head[2], r->chain_snapshot, 64);
	head[0][64] = head[1][64] = head[2][64] = '\0';
	html_thead(h, "chains", cols, widths, 2, 0);
	strbuf_add(&h->sb, "<tbody>\n");
	html_chain_row(h, "report.chain.state", head[0]);
	html_chain_row(h, "report.chain.alert", head[1]);
	html_chain_row(h, "report.chain.snapshot", head[2]);
	strbuf_add(&h->sb, "</tbody></table>\n<p>");
	html_text(h, "report.verify");
	strbuf_add(&h->sb, "</p>\n<p><code>xanetctl verify --db</code><br>"
			   "<code>xanetctl verify PACK.zip</code></p>\n"
			   "</section>\n");
}

static void
html_footer(struct html *h)
{
	strbuf_add(&h->sb, "<footer>");
	html_text(h, "report.footer");
	strbuf_add(&h->sb, " xanet ");
	strbuf_add_html(&h->sb, h->r->version);
	strbuf_add(&h->sb, "</footer>\n</body>\n</html>\n");
}

/* Day labels and month ticks, shared by every chart of the report. */
static void
html_days(struct html *h)
{
	const struct report *r = h->r;

	h->day_labels =
	    xreallocarray(NULL, r->ndays + 1, sizeof *h->day_labels);
	h->day_label_ptrs =
	    xreallocarray(NULL, r->ndays + 1, sizeof *h->day_label_ptrs);
	h->ticks = xreallocarray(NULL, r->ndays + 1, sizeof *h->ticks);
	h->nticks = 0;
	for (size_t i = 0; i < r->ndays; i++) {
		struct tm tm;

		html_tm(r->days_ms[i], &tm);
		if (h->lang == I18N_EN)
			snprintf(h->day_labels[i], sizeof h->day_labels[i],
			    "%02d-%02d", (tm.tm_mon + 1) % 100, tm.tm_mday);
		else
			snprintf(h->day_labels[i], sizeof h->day_labels[i],
			    "%02d/%02d", tm.tm_mday, (tm.tm_mon + 1) % 100);
		h->day_label_ptrs[i] = h->day_labels[i];
		if (i == 0 || tm.tm_mday == 1)
			h->ticks[h->nticks++] = i;
	}
}

int
report_html(const struct report *r, struct report_file *out)
{
	struct html h;

	if (r == NULL || out == NULL || (r->ndays > 0 && r->days_ms == NULL))
		return -1;
	memset(&h, 0, sizeof h);
	h.r = r;
	h.lang = i18n_lang(r->lang);
	h.point = h.lang == I18N_EN ? '.' : ',';
	html_days(&h);

	html_head(&h);
	html_header(&h);
	html_summary(&h);
	html_coverage(&h);
	html_devices(&h);
	html_daily(&h);
	html_uplinks(&h);
	html_outages(&h);
	html_alerts(&h);
	html_hosts(&h);
	html_antivirus(&h);
	html_method(&h);
	html_footer(&h);

	free(h.day_labels);
	free(h.day_label_ptrs);
	free(h.ticks);
	memset(out, 0, sizeof *out);
	str_copy(out->name, "report.html", sizeof out->name);
	out->data = strbuf_detach(&h.sb, &out->len);
	return 0;
}
