/* test_html.c - unit tests of report.html and the SVG charts: escaping, sections, formats, no data, size. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "common/i18n.h"
#include "common/strbuf.h"
#include "common/util.h"
#include "common/xtime.h"
#include "evidence/report.h"
#include "evidence/svg.h"
#include "tests/unit/html_fixture.h"

static char *
render(const struct report *r, size_t *len)
{
	struct report_file f;

	assert_int_equal(report_html(r, &f), 0);
	assert_string_equal(f.name, "report.html");
	assert_non_null(f.data);
	assert_int_equal(strlen(f.data), f.len);
	if (len != NULL)
		*len = f.len;
	return f.data;
}

static void
assert_has(const char *hay, const char *needle)
{
	if (strstr(hay, needle) == NULL)
		fail_msg("missing from the output: %s", needle);
}

static void
assert_lacks(const char *hay, const char *needle)
{
	const char *p = strstr(hay, needle);

	if (p != NULL)
		fail_msg("unexpected in the output: %.80s", p);
}

static size_t
count(const char *hay, const char *needle)
{
	size_t n = 0;

	for (const char *p = hay; (p = strstr(p, needle)) != NULL;
	     p += strlen(needle))
		n++;
	return n;
}

static void
replace(char **field, const char *s)
{
	free(*field);
	*field = xstrdup(s);
}

static void
test_xss_inert(void **state)
{
	struct report *r = fixture_report(17, "vi", 1);
	char *html;

	(void)state;
	replace(&r->devices[1].name, "<script>alert(1)</script>");
	replace(&r->devices[2].group, "\"><img src=x onerror=alert(2)>");
	replace(&r->site_name, "Xã <b>Tân</b> & 'Hòa'");
	replace(&r->indicators[0].title, "<iframe src=//x>");
	replace(&r->indicators[0].detail, "</td><script>x</script>");
	replace(&r->alerts[0].details, "<svg onload=alert(3)>");
	replace(&r->alerts[0].event, "<i>ev</i>");
	replace(&r->hosts[0].name, "<style>body{display:none}</style>");
	replace(&r->version, "1\"><script>");
	r->key_fingerprint = xstrdup("<u>fp</u>");
	html = render(r, NULL);
	assert_lacks(html, "<script");
	assert_lacks(html, "<img");
	assert_lacks(html, "<iframe");
	assert_lacks(html, "<svg onload");
	assert_lacks(html, "<b>");
	assert_lacks(html, "<i>");
	assert_lacks(html, "<u>");
	assert_lacks(html, "<style>body");
	assert_has(html, "&lt;script&gt;alert(1)&lt;/script&gt;");
	assert_has(html, "&quot;&gt;&lt;img src=x onerror=alert(2)&gt;");
	assert_has(html, "Xã &lt;b&gt;Tân&lt;/b&gt; &amp; &#39;Hòa&#39;");
	/* The odd cause of the fixture's open outage is shown raw, escaped. */
	assert_has(html, "&lt;b&gt;odd&lt;/b&gt;");
	assert_has(html, "&lt;u&gt;fp&lt;/u&gt;");
	/* Only our own style sheet. */
	assert_int_equal(count(html, "<style>"), 1);
	free(html);
	fixture_free(r);
}

static void
test_sections_in_order(void **state)
{
	static const char *const ids[] = {"<header>", "id=\"summary\"",
	    "id=\"coverage\"", "id=\"devices\"", "id=\"daily\"",
	    "id=\"uplink\"", "id=\"outages\"", "id=\"alerts\"", "id=\"hosts\"",
	    "id=\"antivirus\"", "id=\"method\"", "<footer>"};
	struct report *r = fixture_report(17, "vi", 1);
	char *html = render(r, NULL);
	const char *p = html;

	(void)state;
	for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
		const char *q = strstr(p, ids[i]);

		if (q == NULL)
			fail_msg("section %s missing or out of order", ids[i]);
		p = q;
	}
	assert_true(
	    str_has_prefix(html, "<!DOCTYPE html>\n<html lang=\"vi\">"));
	assert_has(html, "<meta charset=\"utf-8\">");
	assert_has(html, "@page{size:A4;margin:15mm}");
	assert_has(html, "thead{display:table-header-group}");
	assert_has(html, "tr{break-inside:avoid}");
	assert_has(html, "table-layout:fixed");
	assert_has(html, "overflow-wrap:anywhere");
	/* Self-contained: nothing is fetched, nothing runs. */
	assert_lacks(html, "<script");
	assert_lacks(html, "src=");
	assert_lacks(html, "href=");
	assert_lacks(html, "url(");
	assert_lacks(html, "@import");
	/* Every word came from the catalogue: no key shows as itself. */
	assert_lacks(html, "report.");
	/* Headings and table heads, in Vietnamese. */
	assert_has(html, "<h1>Báo cáo giám sát mạng</h1>");
	assert_has(html, "<p class=\"site\">UBND xã Tân Hòa</p>");
	assert_has(html, "Tỉnh Đắk Lắk");
	assert_has(html, "<h2>1. Tóm tắt các chỉ tiêu</h2>");
	assert_has(html, "<h2>10. Cách tính các số liệu</h2>");
	assert_has(html, "<th class=\"num\">Thời gian hoạt động</th>");
	assert_has(html, "<th>Nguyên nhân</th>");
	assert_has(html, "Nhà văn hóa thôn Đông Hưng");
	assert_has(html, "Nhóm (thôn): Thôn Đông Hưng (");
	assert_has(html, "Chưa xây dựng");
	assert_has(html, "xanetctl verify --db");
	assert_has(html,
	    "<code>"
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "</code>");
	assert_has(html, "<code>(trống)</code>");
	assert_has(html, "chưa ký");
	/* Causes in words, the open outage marked. */
	assert_has(html, "Hết thời gian chờ (không phản hồi)");
	assert_has(html, "Thiết bị cấp trên mất kết nối");
	assert_has(html, "Máy giám sát ngừng chạy");
	assert_has(html, "đang diễn ra");
	/* Alerts: counted by event, listed with words for codes. */
	assert_has(html, "<td>Mất kết nối <span class=\"key\">down</span></td>"
			 "<td class=\"num\">16</td>");
	assert_has(
	    html, "<td>Lỗi</td><td>Mất kết nối</td><td>router-ubnd</td>");
	assert_has(html, "<td>Thông báo</td><td>Hoạt động trở lại</td>");
	/* Verdicts. */
	assert_has(html, "Đạt: 3");
	assert_has(html, "Không đạt: 1");
	/* One strip per device, one chart per uplink. */
	assert_int_equal(count(html, "<svg class=\"strip\""), 18);
	assert_int_equal(count(html, "<svg class=\"chart\""), 1);
	/* LAN hosts shown. */
	assert_has(html, "02:00:00:00:00:01");
	assert_has(html, "pc-văn-thư");
	assert_has(html, "123,4 MB");
	free(html);
	fixture_free(r);
}

static void
test_formats_vi(void **state)
{
	struct report *r = fixture_report(17, "vi", 0);
	char *html;

	(void)state;
	r->devices[1].up.uptime_pct = 99.999;
	r->devices[2].up.uptime_pct = 99.95;
	r->devices[3].up.uptime_pct = 100;
	r->devices[4].up.down_ms = (3 * 24 + 4) * 3600000LL + 59000;
	r->devices[6].up.down_ms = 45 * 60000LL + 30000;
	r->devices[7].up.down_ms = 12000;
	r->key_fingerprint = xstrdup("SHA256:abcdef");
	html = render(r, NULL);
	assert_has(html, "01/07/2026 \xe2\x80\x93 30/09/2026 (92 ngày)");
	assert_has(html, "01/10/2026 03:02:05 +07:00");
	assert_has(html, ">99,99 %<");
	assert_has(html, ">99,95 %<");
	assert_has(html, ">100,00 %<");
	assert_has(html, ">3 ngày 4 giờ<");
	assert_has(html, ">45 phút 30 giây<");
	assert_has(html, ">12 giây<");
	assert_has(html, "<code>SHA256:abcdef</code>");
	/* Indicator values and targets. */
	assert_has(html, ">99,12 %<");
	assert_has(html, ">\xe2\x89\xa5 95,00 %<");
	/* An outage time (fixture: timeouts start on 11/07). */
	assert_has(html, "<td>11/07/2026 ");
	/* Month labels and day tooltips are local too. */
	assert_has(html, ">07/2026<");
	assert_has(html, "<title>01/07: ");
	assert_lacks(html, "99.99 %");
	free(html);
	fixture_free(r);
}

static void
test_formats_en(void **state)
{
	struct report *r = fixture_report(17, "en", 0);
	char *html;

	(void)state;
	r->devices[1].up.uptime_pct = 99.999;
	r->devices[4].up.down_ms = (3 * 24 + 4) * 3600000LL;
	html = render(r, NULL);
	assert_true(
	    str_has_prefix(html, "<!DOCTYPE html>\n<html lang=\"en\">"));
	assert_has(html, "2026-07-01 \xe2\x80\x93 2026-09-30 (92 days)");
	assert_has(html, "2026-10-01 03:02:05 +07:00");
	assert_has(html, ">99.99 %<");
	assert_has(html, ">3d 4h<");
	assert_has(html, "<h1>Network monitoring report</h1>");
	assert_has(html, "<th class=\"num\">Uptime</th>");
	assert_has(html, "Timeout (no answer)");
	assert_has(html, ">ongoing<");
	assert_has(html, "not signed");
	assert_has(html, ">2026-07<");
	assert_has(html, "<title>07-01: ");
	assert_lacks(html, "99,99 %");
	assert_lacks(html, "report.");
	/* Data stays as it is: Vietnamese names in an English report. */
	assert_has(html, "Nhà văn hóa thôn Đông Hưng");
	free(html);
	fixture_free(r);
}

static void
test_no_data(void **state)
{
	struct report *r = fixture_report(3, "vi", 0);
	char *html;

	(void)state;
	/* Nothing to judge, nothing measured, nothing happened. */
	r->nindicators = 0;
	r->nuplinks = 0;
	r->nalerts = 0;
	r->noutages = 0;
	for (size_t i = 0; i < r->ndevices; i++)
		r->devices[i].noutages = 0;
	r->devices[1].up.uptime_pct = -1;
	r->devices[1].up.outages = 0;
	r->devices[2].exists = 0;
	r->coverage_pct = -1;
	for (size_t k = 0; k < r->ndays; k++)
		r->devices[1].days[k].uptime_pct = -1;
	html = render(r, NULL);
	assert_has(html, "Chưa cấu hình chỉ tiêu nào.");
	assert_has(html, "Không có thiết bị đường truyền Internet (uplink)");
	assert_has(html, "Không có cảnh báo nào trong kỳ.");
	assert_has(html, "Không có sự cố mất kết nối nào trong kỳ.");
	assert_has(html, "<p class=\"missing\">Chưa có dữ liệu LAN");
	assert_has(html, "<span class=\"missing\">Không có số liệu: bộ lấy mẫu "
			 "LAN chưa chạy");
	assert_has(html, "<p class=\"missing\">Chưa xây dựng");
	assert_has(html, "<span class=\"na\">không có dữ liệu</span>");
	assert_has(html, "Thiết bị không tồn tại trong kỳ này");
	/* A day with no data is grey, with its own tooltip. */
	assert_has(html, "<rect x=\"91\" width=\"1\" height=\"1\" "
			 "class=\"b1\"><title>30/09: không có dữ liệu</title>");
	assert_lacks(html, "<svg class=\"chart\"");
	assert_lacks(html, "report.");
	/* The fixture's memory is freed by count: put the counts back. */
	r->nindicators = 4;
	r->nuplinks = 1;
	r->nalerts = 40;
	free(html);
	fixture_free(r);
}

static char *
strip(const double *v, size_t n, const char *const *labels)
{
	struct strbuf sb = {0};
	struct svg_strip s = {v, labels, n, "A<b>", I18N_VI, ','};

	svg_strip(&sb, &s);
	return strbuf_detach(&sb, NULL);
}

static void
test_svg_strip(void **state)
{
	const double v[] = {100, 100, -1, 100, SVG_NONE, 50, 99.95, 99.9};
	const char *const labels[] = {"01/07", "02/07", "03/07", "04/07",
	    "05/07", "06/07", "07/07", "<8>"};
	char *s;

	(void)state;
	assert_int_equal(svg_bucket_of(SVG_NONE), SVG_B_NONE);
	assert_int_equal(svg_bucket_of(-1), SVG_B_NODATA);
	assert_int_equal(svg_bucket_of(NAN), SVG_B_NODATA);
	assert_int_equal(svg_bucket_of(0), SVG_B_LT90);
	assert_int_equal(svg_bucket_of(94.99), SVG_B_LT95);
	assert_int_equal(svg_bucket_of(95), SVG_B_LT99);
	assert_int_equal(svg_bucket_of(99.89), SVG_B_LT999);
	assert_int_equal(svg_bucket_of(99.9), SVG_B_TOP);

	/* Compact: one path per colour, runs merged. */
	s = strip(v, 8, NULL);
	assert_has(s, "viewBox=\"0 0 8 1\"");
	assert_has(s, "<title>A&lt;b&gt;</title>");
	assert_has(s, "<path class=\"b0\" d=\"M4 0h1v1h-1z\"><title>chưa theo "
		      "dõi: 1 ngày</title></path>");
	assert_has(s, "<path class=\"b1\" d=\"M2 0h1v1h-1z\">");
	assert_has(s, "<path class=\"b2\" d=\"M5 0h1v1h-1z\">");
	assert_has(s,
	    "<path class=\"b6\" d=\"M0 0h2v1h-2zM3 0h1v1h-1zM6 0h2v1h-2z\">"
	    "<title>\xe2\x89\xa5 99,9 %: 5 ngày</title>");
	assert_lacks(s, "<rect");
	free(s);

	/* Per cell, with exact values and escaped labels. */
	s = strip(v, 8, labels);
	assert_int_equal(count(s, "<rect "), 8);
	assert_has(s, "<rect x=\"2\" width=\"1\" height=\"1\" class=\"b1\">"
		      "<title>03/07: không có dữ liệu</title></rect>");
	assert_has(s, "<rect x=\"6\" width=\"1\" height=\"1\" class=\"b6\">"
		      "<title>07/07: 99,95 %</title></rect>");
	assert_has(s, "<title>&lt;8&gt;: 99,90 %</title>");
	free(s);

	/* Empty strip: still a valid element. */
	s = strip(v, 0, NULL);
	assert_string_equal(s, "<svg class=\"strip\" viewBox=\"0 0 1 1\" "
			       "preserveAspectRatio=\"none\" "
			       "shape-rendering=\"crispEdges\" role=\"img\">"
			       "<title>A&lt;b&gt;</title></svg>");
	free(s);
}

static void
test_svg_chart(void **state)
{
	const double loss[] = {1, -1, 2.5, 0};
	const double rtt[] = {10, 20, -1, 30};
	const double none[] = {-1, -1, -1, -1};
	const char *const labels[] = {"01/07", "02/07", "03/07", "<04>"};
	const size_t ticks[] = {0, 9};
	struct svg_series series[2] = {
	    {"Mất gói", loss, SVG_BARS, SVG_AXIS_LEFT, " %", 2, 1},
	    {"Độ trễ", rtt, SVG_LINE, SVG_AXIS_RIGHT, " ms", 1, 2},
	};
	struct svg_chart c = {"Bộ <định> tuyến", labels, 4, series, 2, ticks, 2,
	    "không có dữ liệu", ','};
	struct strbuf sb = {0};
	char *s;

	(void)state;
	assert_int_equal(svg_chart(&sb, &c), 0);
	s = strbuf_detach(&sb, NULL);
	assert_has(s, "<title>Bộ &lt;định&gt; tuyến</title>");
	/* Three bars (the gap has none) and the legend's swatch. */
	assert_int_equal(count(s, "<rect x="), 4);
	assert_has(s, "<title>01/07 \xe2\x80\x93 Mất gói: 1,00 %</title>");
	assert_has(s, "<title>&lt;04&gt; \xe2\x80\x93 Mất gói: 0,00 %</title>");
	/* The line breaks at the gap: two pen-downs. */
	assert_int_equal(count(s, "<circle "), 3);
	assert_has(s, "<path class=\"l2\" d=\"M");
	{
		const char *p = strstr(s, "<path class=\"l2\" d=\"");
		const char *e = strchr(p + 20, '"');
		size_t m = 0;

		for (const char *q = p + 20; q < e; q++)
			m += *q == 'M';
		assert_int_equal(m, 2);
	}
	/* Axes: loss up to 2,5 % (left), latency up to 50 ms (right). */
	assert_has(s, ">2,5 %</text>");
	assert_has(s, ">50 ms</text>");
	/* The tick beyond N is ignored, the first one labelled. */
	assert_int_equal(count(s, "text-anchor=\"middle\""), 1);
	free(s);

	/* Only gaps: axes and legend, no marks. */
	series[0].values = none;
	series[1].values = none;
	assert_int_equal(svg_chart(&sb, &c), 0);
	s = strbuf_detach(&sb, NULL);
	assert_int_equal(count(s, "<rect x="), 1); /* the legend's swatch */
	assert_lacks(s, "<circle");
	assert_int_equal(count(s, "<path class=\"l2\""), 1); /* the legend */
	free(s);

	c.n = 0;
	assert_int_equal(svg_chart(&sb, &c), -1);
	assert_int_equal(sb.len, 0);
}

static char *
num(double v, int d, char point)
{
	struct strbuf sb = {0};

	svg_number(&sb, v, d, point);
	return strbuf_detach(&sb, NULL);
}

static void
test_svg_number(void **state)
{
	static const struct {
		double v;
		int d;
		char point;
		const char *want;
	} cases[] = {
	    {99.999, 2, ',', "99,99"},
	    {99.95, 2, ',', "99,95"},
	    {99.95, 2, '.', "99.95"},
	    {100, 2, ',', "100,00"},
	    {0, 2, ',', "0,00"},
	    {0.005, 2, '.', "0.00"},
	    {-1.5, 2, '.', "-1.50"},
	    {-0.001, 2, '.', "0.00"},
	    {2.5, 0, '.', "2"},
	    {1234567.891, 1, '.', "1234567.8"},
	    {NAN, 2, '.', "?"},
	    {INFINITY, 2, '.', "?"},
	    {1e13, 2, '.', "?"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *s = num(cases[i].v, cases[i].d, cases[i].point);

		assert_string_equal(s, cases[i].want);
		free(s);
	}
}

static void
test_deterministic(void **state)
{
	struct report *a = fixture_report(40, "vi", 1);
	struct report *b = fixture_report(40, "vi", 1);
	size_t la, lb, lc;
	char *ha = render(a, &la), *hb = render(b, &lb), *hc = render(a, &lc);

	(void)state;
	assert_int_equal(la, lb);
	assert_int_equal(la, lc);
	assert_memory_equal(ha, hb, la);
	assert_memory_equal(ha, hc, la);
	free(ha);
	free(hb);
	free(hc);
	fixture_free(a);
	fixture_free(b);
}

static void
test_size_1000_devices(void **state)
{
	struct report *r = fixture_report(1000, "vi", 1);
	size_t len;
	int64_t t0 = time_mono_ms(), ms;
	char *html = render(r, &len);

	(void)state;
	ms = time_mono_ms() - t0;
	print_message("# 1001 devices x %zu days: %zu bytes in %lld ms\n",
	    r->ndays, len, (long long)ms);
	assert_int_equal(r->ndays, 92);
	assert_true(len < 4 * 1024 * 1024);
	/* Well under 0.5 s in a normal build; sanitizers slow it down. */
	assert_true(ms < 1500);
	assert_int_equal(count(html, "<svg class=\"strip\""), 1001);
	/* Compact strips: per-colour tooltips, not one per cell. */
	assert_lacks(html, "<title>01/07: ");
	free(html);
	fixture_free(r);
}

static void
test_catalogue(void **state)
{
	const struct i18n_catalogue *const *cats;
	size_t n;
	int found = 0;

	(void)state;
	cats = i18n_catalogues(&n);
	for (size_t c = 0; c < n; c++) {
		if (strcmp(cats[c]->name, "report") != 0)
			continue;
		found = 1;
		for (size_t i = 0; i < cats[c]->nmsgs; i++) {
			const struct i18n_msg *m = &cats[c]->msgs[i];

			assert_true(str_has_prefix(m->key, "report."));
			assert_non_null(m->text[I18N_VI]);
			assert_non_null(m->text[I18N_EN]);
			assert_true(utf8_valid(
			    m->text[I18N_VI], strlen(m->text[I18N_VI])));
			if (i > 0 &&
			    strcmp(cats[c]->msgs[i - 1].key, m->key) >= 0)
				fail_msg("not sorted at %s", m->key);
		}
	}
	assert_true(found);
	assert_string_equal(
	    i18n_get(I18N_VI, "report.col.uptime"), "Thời gian hoạt động");
	assert_string_equal(
	    i18n_get(I18N_VI, "report.sec.method"), "Cách tính các số liệu");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_xss_inert),
	    cmocka_unit_test(test_sections_in_order),
	    cmocka_unit_test(test_formats_vi),
	    cmocka_unit_test(test_formats_en),
	    cmocka_unit_test(test_no_data),
	    cmocka_unit_test(test_svg_strip),
	    cmocka_unit_test(test_svg_chart),
	    cmocka_unit_test(test_svg_number),
	    cmocka_unit_test(test_deterministic),
	    cmocka_unit_test(test_size_1000_devices),
	    cmocka_unit_test(test_catalogue),
	};

	time_zone_set("Asia/Ho_Chi_Minh");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
