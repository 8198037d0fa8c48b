/*
 * svg.h - charts drawn as inline SVG into a strbuf: the daily
 * availability strip and the bar/line chart of the reports, reusable by
 * the web dashboard.
 *
 * Charts know nothing of devices or reports: a chart is a series of
 * (x label, value) with a negative value meaning "no data". Numbers are
 * written by svg_number() (integer maths, no locale), so the same input
 * always gives the same bytes. Colours come from shared CSS classes
 * (svg_css()), not inline styles, so that a thousand strips stay small.
 */
#ifndef XANET_SVG_H
#define XANET_SVG_H

#include <stddef.h>

#include "common/i18n.h"

struct strbuf;

/* A strip value: not applicable (e.g. the device did not exist yet). */
#define SVG_NONE (-2.0)
/* A value: no data. Any other negative value counts as this too. */
#define SVG_NODATA (-1.0)

/* Colour buckets of availability percentages, worst to best. */
enum svg_bucket {
	SVG_B_NONE,   /* not applicable */
	SVG_B_NODATA, /* nothing measured */
	SVG_B_LT90,
	SVG_B_LT95,
	SVG_B_LT99,
	SVG_B_LT999,
	SVG_B_TOP, /* >= 99.9 % */
	SVG_NBUCKETS,
};

/* The bucket of PCT (SVG_NONE, negative, or 0..100). */
enum svg_bucket svg_bucket_of(double pct);

/*
 * V with DECIMALS (0..6) decimals, truncated toward zero (99.999 gives
 * "99.99", never "100.00"), POINT as the decimal mark. Not finite or
 * beyond ±1e15 is written as "?".
 */
void svg_number(struct strbuf *sb, double v, int decimals, char point);

/* The CSS rules the charts' classes need (no <style> tag). */
void svg_css(struct strbuf *sb);

/*
 * The legend of the strip's buckets, as HTML (a <ul class="legend">),
 * labels in LANG with POINT as the decimal mark.
 */
void svg_legend(struct strbuf *sb, enum i18n_lang lang, char point);

struct svg_strip {
	const double *values; /* N percentages; SVG_NONE, SVG_NODATA */
	/*
	 * N labels ("01/07") for one tooltip per cell; NULL: one tooltip
	 * per colour (compact, for a thousand strips).
	 */
	const char *const *labels;
	size_t n;
	const char *title; /* the chart's own tooltip, e.g. a device */
	enum i18n_lang lang;
	char point;
};

/*
 * One row of N cells coloured by bucket, scaled to the width of its box
 * (class "strip"). Runs of equal cells are drawn as one shape.
 */
void svg_strip(struct strbuf *sb, const struct svg_strip *s);

enum svg_kind {
	SVG_BARS,
	SVG_LINE,
};

enum svg_axis {
	SVG_AXIS_LEFT,
	SVG_AXIS_RIGHT,
};

struct svg_series {
	const char *name;     /* legend text */
	const double *values; /* the chart's N values; negative: no data */
	enum svg_kind kind;
	enum svg_axis axis;
	const char *unit; /* after numbers, e.g. " %" or " ms" */
	int decimals;     /* in tooltips */
	int style;        /* colour 1..4 (CSS class "sN") */
};

#define SVG_MAX_SERIES 4

struct svg_chart {
	const char *title;         /* the chart's tooltip */
	const char *const *labels; /* N x labels, for tooltips */
	size_t n;
	const struct svg_series *series; /* at most SVG_MAX_SERIES */
	size_t nseries;
	/* X positions labelled under the axis (e.g. each month's first). */
	const size_t *ticks;
	size_t nticks;
	const char *nodata; /* text of a gap's tooltip */
	char point;
};

/*
 * A bar and/or line chart over N x positions, each series on the left
 * or right axis (each axis scaled from 0 to a round maximum), with a
 * legend; scales to the width of its box (class "chart"). 0, or -1
 * (nothing drawn) when N is 0 or there are too many series.
 */
int svg_chart(struct strbuf *sb, const struct svg_chart *c);

#endif
