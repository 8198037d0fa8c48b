/* svg.c - inline SVG charts (availability strips, bar/line charts) into a strbuf. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "common/i18n.h"
#include "common/strbuf.h"
#include "evidence/svg.h"

/* Geometry of svg_chart(), in viewBox units. */
#define CH_W      720
#define CH_H      250
#define CH_LEFT   60
#define CH_RIGHT  (CH_W - 60)
#define CH_TOP    12
#define CH_BOTTOM (CH_H - 62)
/* Grid lines: fifths of a 1, 2, 2.5, 5 × 10^k axis are round numbers. */
#define CH_GRID 5

/* The class of each bucket, in enum order. */
static const char *const bucket_class[SVG_NBUCKETS] = {
    "b0", "b1", "b2", "b3", "b4", "b5", "b6"};

enum svg_bucket
svg_bucket_of(double pct)
{
	if (pct == SVG_NONE)
		return SVG_B_NONE;
	if (!(pct >= 0))
		return SVG_B_NODATA;
	if (pct < 90)
		return SVG_B_LT90;
	if (pct < 95)
		return SVG_B_LT95;
	if (pct < 99)
		return SVG_B_LT99;
	if (pct < 99.9)
		return SVG_B_LT999;
	return SVG_B_TOP;
}

void
svg_number(struct strbuf *sb, double v, int decimals, char point)
{
	static const int64_t pow10[] = {
	    1, 10, 100, 1000, 10000, 100000, 1000000};
	int64_t scale, q;
	double a;

	if (decimals < 0)
		decimals = 0;
	if (decimals > 6)
		decimals = 6;
	scale = pow10[decimals];
	a = fabs(v);
	if (!isfinite(v) || a > 1e12) {
		strbuf_addc(sb, '?');
		return;
	}
	/*
	 * Truncate, but let a value that is exact in decimal and a hair
	 * below in binary (99.95 stored as 99.94999...) keep its digits.
	 */
	q = (int64_t)floor(a * (double)scale + 1e-6);
	if (v < 0 && q != 0)
		strbuf_addc(sb, '-');
	strbuf_printf(sb, "%lld", (long long)(q / scale));
	if (decimals > 0)
		strbuf_printf(
		    sb, "%c%0*lld", point, decimals, (long long)(q % scale));
}

void
svg_css(struct strbuf *sb)
{
	strbuf_add(sb,
	    ".strip{display:block;width:100%;height:10px}\n"
	    ".b0{fill:#eceff1}.b1{fill:#9e9e9e}.b2{fill:#b71c1c}"
	    ".b3{fill:#ef6c00}.b4{fill:#f9a825}.b5{fill:#9ccc65}"
	    ".b6{fill:#2e7d32}\n"
	    ".sw{display:inline-block;width:10px;height:10px;"
	    "vertical-align:middle;margin-right:3px;"
	    "outline:1px solid #999}\n"
	    ".chart{display:block;width:100%;height:auto}\n"
	    ".chart text{font-size:11px;fill:#333}\n"
	    ".chart .grid{stroke:#ddd;stroke-width:1;fill:none}\n"
	    ".chart .axis{stroke:#555;stroke-width:1;fill:none}\n"
	    ".s1{fill:#c62828}.s2{fill:#1565c0}.s3{fill:#6a1b9a}"
	    ".s4{fill:#00838f}\n"
	    ".l1,.l2,.l3,.l4{fill:none;stroke-width:1.6}"
	    ".l1{stroke:#c62828}.l2{stroke:#1565c0}.l3{stroke:#6a1b9a}"
	    ".l4{stroke:#00838f}\n"
	    ".legend{list-style:none;margin:4px 0;padding:0}"
	    ".legend li{display:inline-block;margin-right:12px;"
	    "font-size:9pt}\n");
}

/* "< 90 %", "99 – 99,9 %", "≥ 99,9 %", "không có dữ liệu", ... */
static void
svg_bucket_label(
    struct strbuf *sb, enum svg_bucket b, enum i18n_lang lang, char point)
{
	static const double lo[SVG_NBUCKETS] = {0, 0, 0, 90, 95, 99, 99.9};
	static const double hi[SVG_NBUCKETS] = {0, 0, 90, 95, 99, 99.9, 0};

	switch (b) {
	case SVG_B_NONE:
		strbuf_add_html(sb, i18n_get(lang, "report.svg.none"));
		return;
	case SVG_B_NODATA:
		strbuf_add_html(sb, i18n_get(lang, "report.svg.nodata"));
		return;
	case SVG_B_LT90:
		strbuf_add(sb, "&lt; ");
		break;
	case SVG_B_TOP:
		strbuf_add(sb, "\xe2\x89\xa5 "); /* ≥ */
		svg_number(sb, lo[b], 1, point);
		strbuf_add(sb, " %");
		return;
	default:
		svg_number(sb, lo[b], lo[b] == 99.9 ? 1 : 0, point);
		strbuf_add(sb, " \xe2\x80\x93 "); /* – */
		break;
	}
	svg_number(sb, hi[b], hi[b] == 99.9 ? 1 : 0, point);
	strbuf_add(sb, " %");
}

void
svg_legend(struct strbuf *sb, enum i18n_lang lang, char point)
{
	strbuf_add(sb, "<ul class=\"legend\">");
	for (int b = SVG_NBUCKETS - 1; b >= 0; b--) {
		strbuf_printf(sb,
		    "<li><svg class=\"sw\" viewBox=\"0 0 1 1\">"
		    "<rect width=\"1\" height=\"1\" class=\"%s\"/></svg>",
		    bucket_class[b]);
		svg_bucket_label(sb, (enum svg_bucket)b, lang, point);
		strbuf_add(sb, "</li>");
	}
	strbuf_add(sb, "</ul>\n");
}

/* One tooltip per cell: exact values for small reports. */
static void
svg_strip_cells(struct strbuf *sb, const struct svg_strip *s)
{
	for (size_t i = 0; i < s->n; i++) {
		enum svg_bucket b = svg_bucket_of(s->values[i]);

		strbuf_printf(sb,
		    "<rect x=\"%zu\" width=\"1\" height=\"1\" class=\"%s\">"
		    "<title>",
		    i, bucket_class[b]);
		strbuf_add_html(sb, s->labels[i]);
		strbuf_add(sb, ": ");
		if (b == SVG_B_NONE || b == SVG_B_NODATA)
			svg_bucket_label(sb, b, s->lang, s->point);
		else {
			svg_number(sb, s->values[i], 2, s->point);
			strbuf_add(sb, " %");
		}
		strbuf_add(sb, "</title></rect>");
	}
}

/* One path per colour, runs merged: a few dozen bytes per strip. */
static void
svg_strip_runs(struct strbuf *sb, const struct svg_strip *s)
{
	for (int b = 0; b < SVG_NBUCKETS; b++) {
		size_t days = 0;

		for (size_t i = 0; i < s->n;) {
			size_t j = i;

			while (j < s->n && svg_bucket_of(s->values[j]) ==
					       (enum svg_bucket)b)
				j++;
			if (j == i) {
				i++;
				continue;
			}
			if (days == 0)
				strbuf_printf(sb, "<path class=\"%s\" d=\"",
				    bucket_class[b]);
			strbuf_printf(
			    sb, "M%zu 0h%zuv1h-%zuz", i, j - i, j - i);
			days += j - i;
			i = j;
		}
		if (days == 0)
			continue;
		strbuf_add(sb, "\"><title>");
		svg_bucket_label(sb, (enum svg_bucket)b, s->lang, s->point);
		strbuf_printf(sb, ": %zu ", days);
		strbuf_add_html(sb, i18n_get(s->lang, "report.svg.days"));
		strbuf_add(sb, "</title></path>");
	}
}

void
svg_strip(struct strbuf *sb, const struct svg_strip *s)
{
	strbuf_printf(sb,
	    "<svg class=\"strip\" viewBox=\"0 0 %zu 1\" "
	    "preserveAspectRatio=\"none\" shape-rendering=\"crispEdges\" "
	    "role=\"img\">",
	    s->n ? s->n : 1);
	if (s->title != NULL) {
		strbuf_add(sb, "<title>");
		strbuf_add_html(sb, s->title);
		strbuf_add(sb, "</title>");
	}
	if (s->labels != NULL)
		svg_strip_cells(sb, s);
	else
		svg_strip_runs(sb, s);
	strbuf_add(sb, "</svg>");
}

/* A round maximum >= M for an axis: 1, 2, 2.5 or 5 times a power of 10. */
static double
svg_axis_max(double m)
{
	static const double steps[] = {1, 2, 2.5, 5, 10};
	double p;

	if (!(m > 0))
		return 1;
	p = pow(10, floor(log10(m)));
	for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++)
		if (m <= steps[i] * p * (1 + 1e-9))
			return steps[i] * p;
	return 10 * p;
}

/* Decimals needed to write multiples of STEP exactly (0..3). */
static int
svg_step_decimals(double step)
{
	for (int d = 0; d < 3; d++) {
		double s = step * pow(10, d);

		if (fabs(s - floor(s + 0.5)) < 1e-6)
			return d;
	}
	return 3;
}

/* A coordinate: one decimal is plenty at this size. */
static void
svg_coord(struct strbuf *sb, double v)
{
	svg_number(sb, floor(v * 10 + 0.5) / 10, 1, '.');
}

static void
svg_chart_tooltip(struct strbuf *sb, const struct svg_chart *c,
    const struct svg_series *s, size_t i)
{
	strbuf_add(sb, "<title>");
	strbuf_add_html(sb, c->labels[i]);
	strbuf_add(sb, " \xe2\x80\x93 "); /* – */
	strbuf_add_html(sb, s->name);
	strbuf_add(sb, ": ");
	if (s->values[i] >= 0) {
		svg_number(sb, s->values[i], s->decimals, c->point);
		strbuf_add_html(sb, s->unit);
	} else
		strbuf_add_html(sb, c->nodata);
	strbuf_add(sb, "</title>");
}

static void
svg_chart_axis(struct strbuf *sb, const struct svg_chart *c, enum svg_axis axis,
    double max)
{
	const char *unit = "";
	double step = max / CH_GRID;
	int dec = svg_step_decimals(step);

	for (size_t k = 0; k < c->nseries; k++)
		if (c->series[k].axis == axis) {
			unit = c->series[k].unit;
			break;
		}
	for (int t = 0; t <= CH_GRID; t++) {
		double y =
		    CH_BOTTOM - (CH_BOTTOM - CH_TOP) * t / (double)CH_GRID;

		if (axis == SVG_AXIS_LEFT) {
			strbuf_printf(sb, "<text x=\"%d\" y=\"", CH_LEFT - 4);
			svg_coord(sb, y + 4);
			strbuf_add(sb, "\" text-anchor=\"end\">");
		} else {
			strbuf_printf(sb, "<text x=\"%d\" y=\"", CH_RIGHT + 4);
			svg_coord(sb, y + 4);
			strbuf_add(sb, "\">");
		}
		svg_number(sb, step * t, dec, c->point);
		strbuf_add_html(sb, unit);
		strbuf_add(sb, "</text>");
	}
}

static void
svg_chart_bars(struct strbuf *sb, const struct svg_chart *c,
    const struct svg_series *s, double max, size_t slot, size_t nslots)
{
	double step = (double)(CH_RIGHT - CH_LEFT) / (double)c->n;
	double w = step * 0.8 / (double)nslots;

	strbuf_printf(sb, "<g class=\"s%d\">", s->style);
	for (size_t i = 0; i < c->n; i++) {
		double v = s->values[i], h;

		if (!(v >= 0))
			continue;
		h = (CH_BOTTOM - CH_TOP) * (v > max ? 1 : v / max);
		strbuf_add(sb, "<rect x=\"");
		svg_coord(sb,
		    CH_LEFT + step * (double)i + step * 0.1 + w * (double)slot);
		strbuf_add(sb, "\" y=\"");
		svg_coord(sb, CH_BOTTOM - h);
		strbuf_add(sb, "\" width=\"");
		svg_coord(sb, w);
		strbuf_add(sb, "\" height=\"");
		/* A zero still shows as a hairline, so it has a tooltip. */
		svg_coord(sb, h < 0.5 ? 0.5 : h);
		strbuf_add(sb, "\">");
		svg_chart_tooltip(sb, c, s, i);
		strbuf_add(sb, "</rect>");
	}
	strbuf_add(sb, "</g>");
}

static void
svg_chart_line(struct strbuf *sb, const struct svg_chart *c,
    const struct svg_series *s, double max)
{
	double step = (double)(CH_RIGHT - CH_LEFT) / (double)c->n;
	int pen = 0, any = 0;

	/* The line, broken at gaps: no data is not drawn as a value. */
	for (size_t i = 0; i < c->n; i++) {
		double v = s->values[i];

		if (!(v >= 0)) {
			pen = 0;
			continue;
		}
		if (!any)
			strbuf_printf(sb, "<path class=\"l%d\" d=\"", s->style);
		any = 1;
		strbuf_addc(sb, pen ? 'L' : 'M');
		svg_coord(sb, CH_LEFT + step * ((double)i + 0.5));
		strbuf_addc(sb, ' ');
		svg_coord(sb,
		    CH_BOTTOM - (CH_BOTTOM - CH_TOP) * (v > max ? 1 : v / max));
		pen = 1;
	}
	if (any)
		strbuf_add(sb, "\"/>");
	strbuf_printf(sb, "<g class=\"s%d\">", s->style);
	for (size_t i = 0; i < c->n; i++) {
		double v = s->values[i];

		if (!(v >= 0))
			continue;
		strbuf_add(sb, "<circle cx=\"");
		svg_coord(sb, CH_LEFT + step * ((double)i + 0.5));
		strbuf_add(sb, "\" cy=\"");
		svg_coord(sb,
		    CH_BOTTOM - (CH_BOTTOM - CH_TOP) * (v > max ? 1 : v / max));
		strbuf_add(sb, "\" r=\"1.8\">");
		svg_chart_tooltip(sb, c, s, i);
		strbuf_add(sb, "</circle>");
	}
	strbuf_add(sb, "</g>");
}

int
svg_chart(struct strbuf *sb, const struct svg_chart *c)
{
	double max[2] = {0, 0};
	int used[2] = {0, 0};
	size_t nbars = 0, slot = 0;
	double step;

	if (c->n == 0 || c->nseries == 0 || c->nseries > SVG_MAX_SERIES)
		return -1;
	for (size_t k = 0; k < c->nseries; k++) {
		const struct svg_series *s = &c->series[k];
		int a = s->axis == SVG_AXIS_RIGHT;

		used[a] = 1;
		if (s->kind == SVG_BARS)
			nbars++;
		for (size_t i = 0; i < c->n; i++)
			if (s->values[i] > max[a] && isfinite(s->values[i]))
				max[a] = s->values[i];
	}
	max[0] = svg_axis_max(max[0]);
	max[1] = svg_axis_max(max[1]);
	step = (double)(CH_RIGHT - CH_LEFT) / (double)c->n;

	strbuf_printf(sb,
	    "<svg class=\"chart\" viewBox=\"0 0 %d %d\" role=\"img\">", CH_W,
	    CH_H);
	if (c->title != NULL) {
		strbuf_add(sb, "<title>");
		strbuf_add_html(sb, c->title);
		strbuf_add(sb, "</title>");
	}
	/* Grid at fifths of the axes, then the axes themselves. */
	strbuf_add(sb, "<path class=\"grid\" d=\"");
	for (int t = 1; t <= CH_GRID; t++) {
		strbuf_printf(sb, "M%d ", CH_LEFT);
		svg_coord(
		    sb, CH_BOTTOM - (CH_BOTTOM - CH_TOP) * t / (double)CH_GRID);
		strbuf_printf(sb, "H%d", CH_RIGHT);
	}
	strbuf_printf(sb, "\"/><path class=\"axis\" d=\"M%d %dV%dH%d", CH_LEFT,
	    CH_TOP, CH_BOTTOM, CH_RIGHT);
	if (used[1])
		strbuf_printf(sb, "V%d", CH_TOP);
	strbuf_add(sb, "\"/>");
	if (used[0])
		svg_chart_axis(sb, c, SVG_AXIS_LEFT, max[0]);
	if (used[1])
		svg_chart_axis(sb, c, SVG_AXIS_RIGHT, max[1]);
	for (size_t t = 0; t < c->nticks; t++) {
		size_t i = c->ticks[t];

		if (i >= c->n)
			continue;
		strbuf_add(sb, "<path class=\"axis\" d=\"M");
		svg_coord(sb, CH_LEFT + step * (double)i);
		strbuf_printf(sb, " %dv4\"/><text x=\"", CH_BOTTOM);
		svg_coord(sb, CH_LEFT + step * (double)i);
		strbuf_printf(
		    sb, "\" y=\"%d\" text-anchor=\"middle\">", CH_BOTTOM + 16);
		strbuf_add_html(sb, c->labels[i]);
		strbuf_add(sb, "</text>");
	}
	for (size_t k = 0; k < c->nseries; k++) {
		const struct svg_series *s = &c->series[k];
		double m = max[s->axis == SVG_AXIS_RIGHT];

		if (s->kind == SVG_BARS)
			svg_chart_bars(sb, c, s, m, slot++, nbars);
		else
			svg_chart_line(sb, c, s, m);
	}
	/* Legend under the axis labels. */
	for (size_t k = 0; k < c->nseries; k++) {
		const struct svg_series *s = &c->series[k];
		int x = CH_LEFT + 220 * (int)k;

		if (s->kind == SVG_BARS)
			strbuf_printf(sb,
			    "<rect x=\"%d\" y=\"%d\" width=\"12\" "
			    "height=\"10\" "
			    "class=\"s%d\"/>",
			    x, CH_H - 22, s->style);
		else
			strbuf_printf(sb,
			    "<path class=\"l%d\" d=\"M%d %dh12\"/>", s->style,
			    x, CH_H - 17);
		strbuf_printf(
		    sb, "<text x=\"%d\" y=\"%d\">", x + 16, CH_H - 13);
		strbuf_add_html(sb, s->name);
		if (s->axis == SVG_AXIS_RIGHT && used[0])
			strbuf_add(sb, " \xe2\x86\x92"); /* → the right axis */
		strbuf_add(sb, "</text>");
	}
	strbuf_add(sb, "</svg>");
	return 0;
}
