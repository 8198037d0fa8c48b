/* cmd_uptime.c - xanetctl uptime: each device's figures over a period, and what status shares of them. */
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/table.h"
#include "cli/xanetctl.h"
#include "common/duration.h"
#include "common/util.h"
#include "common/strbuf.h"
#include "common/xtime.h"
#include "evidence/csv.h"
#include "evidence/uptime.h"
#include "store/device.h"
#include "store/interval.h"
#include "store/run.h"

#define UPTIME_USAGE                                                     \
	"usage: xanetctl uptime (--quarter YYYYQN | --from YYYY-MM-DD "  \
	"--to YYYY-MM-DD)\n"                                             \
	"                       [--group G] [--device KEY] [--outages] " \
	"[--csv|--json]\n"                                               \
	"  --outages: each outage too (with --csv, the outages alone)\n"

int64_t
ctl_watched_until(struct ctl *ctl, sqlite3 *db, int running, int64_t now_ms)
{
	const char *path;
	struct run_info ri;
	char err[256];
	json_t *o;

	if (running > 0 || run_last(db, &ri) != 0)
		return now_ms;
	if (ri.stop_ms >= 0)
		return ri.stop_ms;
	/*
	 * The newest run is still open: either xanetd is running (its open
	 * intervals go on until now) or it crashed, and then nothing proves
	 * the state after its last sign of life: a restart will close them
	 * there too (interval_open_gap).
	 */
	if (running < 0 && (path = ctl_socket_path(ctl)) != NULL &&
	    client_request(path, "ping", &o, err, sizeof err) == 0) {
		json_decref(o);
		return now_ms;
	}
	return ri.last_alive_ms;
}

int
ctl_intervals_load(sqlite3 *db, int64_t device_id, int64_t from_ms,
    int64_t to_ms, int64_t until_ms, struct interval **iv, size_t *n,
    bool *open)
{
	if (interval_load_until(
		db, device_id, from_ms, to_ms, until_ms, iv, n, open) == -1) {
		fprintf(stderr,
		    "xanetctl: cannot read the state intervals of device "
		    "%" PRId64 "\n",
		    device_id);
		return -1;
	}
	return 0;
}

int
ctl_period(const char *quarter, const char *from, const char *to,
    int64_t now_ms, const char *sep, int64_t *from_ms, int64_t *to_ms,
    char *label, size_t labellen)
{
	if (quarter != NULL) {
		if (period_quarter(quarter, from_ms, to_ms) == -1) {
			fprintf(stderr,
			    "xanetctl: bad quarter '%s': write it as YYYYQN, "
			    "e.g. 2026Q3 (Q1 to Q4)\n",
			    quarter);
			return CTL_USAGE;
		}
		snprintf(label, labellen, "%.4sQ%s", quarter, quarter + 5);
	} else {
		if (period_days(from, to, from_ms, to_ms) == -1) {
			fprintf(stderr,
			    "xanetctl: bad period --from '%s' --to '%s': "
			    "write dates as YYYY-MM-DD, from no later than "
			    "to\n",
			    from, to);
			return CTL_USAGE;
		}
		snprintf(label, labellen, "%s%s%s", from, sep, to);
	}
	if (*from_ms >= now_ms) {
		fprintf(stderr, "xanetctl: the period %s has not begun yet\n",
		    label);
		return CTL_USAGE;
	}
	/* Nothing is known about the future: the period so far. */
	if (*to_ms > now_ms)
		*to_ms = now_ms;
	return CTL_OK;
}

void
ctl_format_pct(double pct, int decimals, char *buf, size_t len)
{
	uptime_pct_text(pct, decimals, buf, len);
	if (pct < 0)
		snprintf(buf, len, "-");
}

void
ctl_format_duration(int64_t ms, char *buf, size_t len)
{
	int64_t unit;

	/* The two leading units are enough to read ("3d4h", "12m30s"). */
	if (ms >= 86400000)
		unit = 3600000;
	else if (ms >= 3600000)
		unit = 60000;
	else
		unit = 1000;
	if (ms > 0 && ms < 1000)
		unit = 1;
	duration_format((ms + unit / 2) / unit * unit, buf, len);
}

/* One CSV record on stdout (evidence/csv.c: the reports' own rules). */
static void
uptime_csv_row(const char *const *cells, size_t n)
{
	struct strbuf sb = {0};

	csv_row(&sb, cells, n);
	fwrite(sb.s, 1, sb.len, stdout);
	strbuf_free(&sb);
}

struct uptime_dev {
	struct device_row row;
	struct uptime u;
	struct interval *outages;
	size_t noutages;
	bool ongoing; /* the last outage is still open */
};

struct uptime_run {
	sqlite3 *db;
	const char *group;  /* --group, or NULL */
	const char *device; /* --device, or NULL */
	int64_t from_ms, to_ms, until_ms;
	bool want_outages;
	bool to_is_now; /* the period is cut at now: it is not over */
	int matched;    /* devices that passed the filters */
	struct uptime_dev *devs;
	size_t ndevs;
	int failed;
};

static int
uptime_device_cb(const struct device_row *row, void *arg)
{
	struct uptime_run *r = arg;
	struct uptime_dev d = {.row = *row};
	struct interval *iv;
	size_t n;
	bool open;

	if (r->group != NULL && strcmp(row->group, r->group) != 0)
		return 0;
	if (r->device != NULL && strcmp(row->key, r->device) != 0)
		return 0;
	r->matched++;
	if (ctl_intervals_load(r->db, row->id, r->from_ms, r->to_ms,
		r->until_ms, &iv, &n, &open) == -1) {
		r->failed = 1;
		return 1;
	}
	if (uptime_compute(iv, n, r->from_ms, r->to_ms, row->added_ms,
		row->retired_ms, &d.u) == -1) {
		/* Not configured at any time in the period. */
		free(iv);
		return 0;
	}
	if (r->want_outages && n > 0) {
		d.outages = xreallocarray(NULL, n, sizeof *d.outages);
		d.noutages =
		    uptime_outages(iv, n, d.u.from_ms, d.u.to_ms, d.outages, n);
		/* Still down now, as far as a running xanetd says. */
		d.ongoing = open && r->to_is_now && r->until_ms >= r->to_ms &&
			    iv[n - 1].state == DEV_DOWN;
	}
	free(iv);
	r->devs = xreallocarray(r->devs, r->ndevs + 1, sizeof *r->devs);
	r->devs[r->ndevs++] = d;
	return 0;
}

/* A group's sums; uptime and coverage weighted by time, not averaged. */
struct uptime_total {
	const char *group;
	int ndevices;
	int64_t monitored_ms, up_ms, down_ms, unreachable_ms, maintenance_ms,
	    unknown_ms, longest_ms;
	int outages;
	double uptime_pct, coverage_pct;
};

static void
uptime_total_add(struct uptime_total *t, const struct uptime *u)
{
	t->ndevices++;
	t->monitored_ms += u->to_ms - u->from_ms;
	t->up_ms += u->up_ms;
	t->down_ms += u->down_ms;
	t->unreachable_ms += u->unreachable_ms;
	t->maintenance_ms += u->maintenance_ms;
	t->unknown_ms += u->unknown_ms;
	t->outages += u->outages;
	if (u->longest_outage_ms > t->longest_ms)
		t->longest_ms = u->longest_outage_ms;
	t->uptime_pct =
	    t->up_ms + t->down_ms > 0
		? 100.0 * (double)t->up_ms / (double)(t->up_ms + t->down_ms)
		: -1;
	t->coverage_pct = t->monitored_ms > 0
			      ? 100.0 *
				    (double)(t->monitored_ms - t->unknown_ms) /
				    (double)t->monitored_ms
			      : -1;
}

/* Devices come ordered by group: one total per run of equal groups. */
static struct uptime_total *
uptime_totals(const struct uptime_run *r, size_t *n)
{
	struct uptime_total *t = NULL;

	*n = 0;
	for (size_t i = 0; i < r->ndevs; i++) {
		if (*n == 0 ||
		    strcmp(t[*n - 1].group, r->devs[i].row.group) != 0) {
			t = xreallocarray(t, *n + 1, sizeof *t);
			t[*n] = (struct uptime_total){
			    .group = r->devs[i].row.group};
			(*n)++;
		}
		uptime_total_add(&t[*n - 1], &r->devs[i].u);
	}
	return t;
}

static json_t *
uptime_json_pct(double pct)
{
	return pct < 0 ? json_null() : json_real(pct);
}

static json_t *
uptime_json_time(int64_t ms)
{
	char buf[40];

	time_format_iso(ms, buf, sizeof buf);
	return json_string(buf);
}

static void
uptime_print_json(const struct uptime_run *r, const char *label,
    const struct uptime_total *tot, size_t ntot)
{
	json_t *o, *devs = json_array(), *groups = json_array(), *outs = NULL;

	for (size_t i = 0; i < r->ndevs; i++) {
		const struct uptime_dev *d = &r->devs[i];
		const struct uptime *u = &d->u;

		json_array_append_new(devs,
		    json_pack("{s:s, s:s, s:s, s:s?, s:o, s:o, s:I, s:I, s:I, "
			      "s:I, s:I, s:I, s:I, s:I, s:o, s:o, s:i, s:I, "
			      "s:b}",
			"key", d->row.key, "name", d->row.name, "kind",
			d->row.kind, "group",
			d->row.group[0] ? d->row.group : NULL, "from",
			uptime_json_time(u->from_ms), "to",
			uptime_json_time(u->to_ms), "from_ms",
			(json_int_t)u->from_ms, "to_ms", (json_int_t)u->to_ms,
			"monitored_ms", (json_int_t)(u->to_ms - u->from_ms),
			"up_ms", (json_int_t)u->up_ms, "down_ms",
			(json_int_t)u->down_ms, "unreachable_ms",
			(json_int_t)u->unreachable_ms, "maintenance_ms",
			(json_int_t)u->maintenance_ms, "unknown_ms",
			(json_int_t)u->unknown_ms, "uptime_pct",
			uptime_json_pct(u->uptime_pct), "coverage_pct",
			uptime_json_pct(u->coverage_pct), "outages", u->outages,
			"longest_outage_ms", (json_int_t)u->longest_outage_ms,
			"retired", d->row.retired_ms >= 0));
	}
	for (size_t i = 0; i < ntot; i++) {
		const struct uptime_total *t = &tot[i];

		json_array_append_new(groups,
		    json_pack("{s:s?, s:i, s:I, s:I, s:I, s:I, s:I, s:I, s:o, "
			      "s:o, s:i, s:I}",
			"group", t->group[0] ? t->group : NULL, "devices",
			t->ndevices, "monitored_ms",
			(json_int_t)t->monitored_ms, "up_ms",
			(json_int_t)t->up_ms, "down_ms", (json_int_t)t->down_ms,
			"unreachable_ms", (json_int_t)t->unreachable_ms,
			"maintenance_ms", (json_int_t)t->maintenance_ms,
			"unknown_ms", (json_int_t)t->unknown_ms, "uptime_pct",
			uptime_json_pct(t->uptime_pct), "coverage_pct",
			uptime_json_pct(t->coverage_pct), "outages", t->outages,
			"longest_outage_ms", (json_int_t)t->longest_ms));
	}
	o = json_pack("{s:b, s:s, s:o, s:o, s:I, s:I, s:b, s:s, s:o, s:o}",
	    "ok", 1, "period", label, "from", uptime_json_time(r->from_ms),
	    "to", uptime_json_time(r->to_ms), "from_ms", (json_int_t)r->from_ms,
	    "to_ms", (json_int_t)r->to_ms, "complete", !r->to_is_now, "method",
	    "uptime % = up / (up + down), maintenance and unreachable "
	    "excluded; coverage % = (monitored - unknown) / monitored; "
	    "from the state_interval table",
	    "devices", devs, "groups", groups);
	if (r->want_outages) {
		outs = json_array();
		for (size_t i = 0; i < r->ndevs; i++) {
			const struct uptime_dev *d = &r->devs[i];

			for (size_t k = 0; k < d->noutages; k++) {
				const struct interval *v = &d->outages[k];

				json_array_append_new(outs,
				    json_pack("{s:s, s:s, s:s?, s:o, s:o, s:I, "
					      "s:I, s:I, s:s?, s:b}",
					"key", d->row.key, "name", d->row.name,
					"group",
					d->row.group[0] ? d->row.group : NULL,
					"start", uptime_json_time(v->start_ms),
					"end", uptime_json_time(v->end_ms),
					"start_ms", (json_int_t)v->start_ms,
					"end_ms", (json_int_t)v->end_ms,
					"duration_ms",
					(json_int_t)(v->end_ms - v->start_ms),
					"cause", v->cause[0] ? v->cause : NULL,
					"ongoing",
					d->ongoing && k + 1 == d->noutages));
			}
		}
		json_object_set_new(o, "outages", outs);
	}
	ctl_print_json(o);
	json_decref(o);
}

/* Cells of one device or total row, shared by the table and the CSV. */
struct uptime_cells {
	char mon[32], up[32], down[32], unr[32], maint[32], unk[32];
	char upt[16], cov[16], nout[16], longest[32];
};

static void
uptime_fill(struct uptime_cells *c, bool csv, int64_t mon, int64_t up,
    int64_t down, int64_t unr, int64_t maint, int64_t unk, double upt,
    double cov, int nout, int64_t longest)
{
	void (*fmt)(int64_t, char *, size_t) =
	    csv ? csv_seconds : ctl_format_duration;

	fmt(mon, c->mon, sizeof c->mon);
	fmt(up, c->up, sizeof c->up);
	fmt(down, c->down, sizeof c->down);
	fmt(unr, c->unr, sizeof c->unr);
	fmt(maint, c->maint, sizeof c->maint);
	fmt(unk, c->unk, sizeof c->unk);
	fmt(longest, c->longest, sizeof c->longest);
	ctl_format_pct(upt, csv ? 4 : 2, c->upt, sizeof c->upt);
	ctl_format_pct(cov, csv ? 4 : 2, c->cov, sizeof c->cov);
	if (csv && upt < 0)
		c->upt[0] = '\0';
	if (csv && cov < 0)
		c->cov[0] = '\0';
	snprintf(c->nout, sizeof c->nout, "%d", nout);
}

static void
uptime_print_csv(const struct uptime_run *r, const struct uptime_total *tot)
{
	static const char *const head[] = {"row", "key", "name", "group",
	    "from", "to", "monitored_s", "up_s", "down_s", "unreachable_s",
	    "maintenance_s", "unknown_s", "uptime_pct", "coverage_pct",
	    "outages", "longest_outage_s"};
	static const char *const ohead[] = {"key", "name", "group", "start",
	    "end", "duration_s", "cause", "ongoing"};
	struct uptime_cells c;
	char from[40], to[40], dur[32];

	if (r->want_outages) {
		/* One table per file: the outages alone. */
		uptime_csv_row(ohead, 8);
		for (size_t i = 0; i < r->ndevs; i++) {
			const struct uptime_dev *d = &r->devs[i];

			for (size_t k = 0; k < d->noutages; k++) {
				const struct interval *v = &d->outages[k];
				const char *row[8] = {d->row.key, d->row.name,
				    d->row.group, from, to, dur, v->cause,
				    d->ongoing && k + 1 == d->noutages
					? "true"
					: "false"};

				time_format_iso(v->start_ms, from, sizeof from);
				time_format_iso(v->end_ms, to, sizeof to);
				csv_seconds(
				    v->end_ms - v->start_ms, dur, sizeof dur);
				uptime_csv_row(row, 8);
			}
		}
		return;
	}
	uptime_csv_row(head, 16);
	for (size_t i = 0, g = 0; i < r->ndevs; i++) {
		const struct uptime_dev *d = &r->devs[i];
		const struct uptime *u = &d->u;
		const char *row[16] = {"device", d->row.key, d->row.name,
		    d->row.group, from, to, c.mon, c.up, c.down, c.unr, c.maint,
		    c.unk, c.upt, c.cov, c.nout, c.longest};

		time_format_iso(u->from_ms, from, sizeof from);
		time_format_iso(u->to_ms, to, sizeof to);
		uptime_fill(&c, true, u->to_ms - u->from_ms, u->up_ms,
		    u->down_ms, u->unreachable_ms, u->maintenance_ms,
		    u->unknown_ms, u->uptime_pct, u->coverage_pct, u->outages,
		    u->longest_outage_ms);
		uptime_csv_row(row, 16);
		if (i + 1 < r->ndevs &&
		    strcmp(r->devs[i + 1].row.group, d->row.group) == 0)
			continue;
		/* The last device of its group: the group's total. */
		{
			const struct uptime_total *t = &tot[g++];
			const char *trow[16] = {"group", "", "", t->group, from,
			    to, c.mon, c.up, c.down, c.unr, c.maint, c.unk,
			    c.upt, c.cov, c.nout, c.longest};

			time_format_iso(r->from_ms, from, sizeof from);
			time_format_iso(r->to_ms, to, sizeof to);
			uptime_fill(&c, true, t->monitored_ms, t->up_ms,
			    t->down_ms, t->unreachable_ms, t->maintenance_ms,
			    t->unknown_ms, t->uptime_pct, t->coverage_pct,
			    t->outages, t->longest_ms);
			uptime_csv_row(trow, 16);
		}
	}
}

static void
uptime_print_table(const struct uptime_run *r, const char *label,
    const struct uptime_total *tot)
{
	static const char *const head[] = {"KEY", "NAME", "GROUP", "MONITORED",
	    "UP", "DOWN", "UNREACHABLE", "MAINTENANCE", "UNKNOWN", "UPTIME %",
	    "COVERAGE %", "OUTAGES", "LONGEST"};
	static const char *const ohead[] = {
	    "KEY", "NAME", "START", "END", "DURATION", "CAUSE"};
	struct table *t = table_new(13, head);
	struct uptime_cells c;
	char from[40], to[40], name[64];
	size_t g = 0;

	time_format_local(r->from_ms, from, sizeof from);
	time_format_local(r->to_ms, to, sizeof to);
	printf("uptime %s: %s to %s%s\n\n", label, from, to,
	    r->to_is_now ? " (the period so far)" : "");
	for (size_t i = 0; i < r->ndevs; i++) {
		const struct uptime_dev *d = &r->devs[i];
		const struct uptime *u = &d->u;
		const char *row[13] = {d->row.key, d->row.name,
		    d->row.group[0] ? d->row.group : "-", c.mon, c.up, c.down,
		    c.unr, c.maint, c.unk, c.upt, c.cov, c.nout, c.longest};

		uptime_fill(&c, false, u->to_ms - u->from_ms, u->up_ms,
		    u->down_ms, u->unreachable_ms, u->maintenance_ms,
		    u->unknown_ms, u->uptime_pct, u->coverage_pct, u->outages,
		    u->longest_outage_ms);
		table_add(t, row);
		if (i + 1 < r->ndevs &&
		    strcmp(r->devs[i + 1].row.group, d->row.group) == 0)
			continue;
		{
			const struct uptime_total *tt = &tot[g++];
			const char *trow[13] = {"TOTAL", name,
			    tt->group[0] ? tt->group : "-", c.mon, c.up, c.down,
			    c.unr, c.maint, c.unk, c.upt, c.cov, c.nout,
			    c.longest};

			snprintf(name, sizeof name, "%d device%s", tt->ndevices,
			    tt->ndevices == 1 ? "" : "s");
			uptime_fill(&c, false, tt->monitored_ms, tt->up_ms,
			    tt->down_ms, tt->unreachable_ms, tt->maintenance_ms,
			    tt->unknown_ms, tt->uptime_pct, tt->coverage_pct,
			    tt->outages, tt->longest_ms);
			table_add(t, trow);
		}
	}
	table_print(t, stdout);
	table_free(t);
	printf("\nuptime %% = up / (up + down): maintenance and unreachable "
	       "time are excluded;\ncoverage %% = time watched / the device's "
	       "part of the period (unknown is not watched).\n");
	if (!r->want_outages)
		return;
	t = table_new(6, ohead);
	for (size_t i = 0; i < r->ndevs; i++) {
		const struct uptime_dev *d = &r->devs[i];

		for (size_t k = 0; k < d->noutages; k++) {
			const struct interval *v = &d->outages[k];
			bool ongoing = d->ongoing && k + 1 == d->noutages;
			char dur[32];
			const char *row[6] = {d->row.key, d->row.name, from,
			    ongoing ? "(ongoing)" : to, dur,
			    v->cause[0] ? v->cause : "-"};

			time_format_local(v->start_ms, from, sizeof from);
			time_format_local(v->end_ms, to, sizeof to);
			ctl_format_duration(
			    v->end_ms - v->start_ms, dur, sizeof dur);
			table_add(t, row);
		}
	}
	printf("\noutages (%zu):\n", table_rows(t));
	table_print(t, stdout);
	table_free(t);
}

int
cmd_uptime(struct ctl *ctl, int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"quarter", required_argument, NULL, 'q'},
	    {"from", required_argument, NULL, 'f'},
	    {"to", required_argument, NULL, 't'},
	    {"group", required_argument, NULL, 'g'},
	    {"device", required_argument, NULL, 'd'},
	    {"outages", no_argument, NULL, 'o'},
	    {"csv", no_argument, NULL, 'c'},
	    {NULL, 0, NULL, 0},
	};
	const char *quarter = NULL, *from = NULL, *to = NULL;
	struct uptime_run r = {0};
	struct uptime_total *tot;
	char label[64];
	bool csv = false;
	int64_t now = time_wall_ms();
	size_t ntot;
	int ch, exit_code;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'q':
			quarter = optarg;
			break;
		case 'f':
			from = optarg;
			break;
		case 't':
			to = optarg;
			break;
		case 'g':
			r.group = optarg;
			break;
		case 'd':
			r.device = optarg;
			break;
		case 'o':
			r.want_outages = true;
			break;
		case 'c':
			csv = true;
			break;
		default:
			fputs(UPTIME_USAGE, stderr);
			return CTL_USAGE;
		}
	}
	if (optind != argc ||
	    (quarter != NULL) == (from != NULL || to != NULL) ||
	    (quarter == NULL && (from == NULL || to == NULL)) ||
	    (csv && ctl->json)) {
		fputs(UPTIME_USAGE, stderr);
		return CTL_USAGE;
	}
	/* Periods are local days: the site's time zone must be in force. */
	if (ctl_config(ctl) == NULL && ctl->db_path == NULL)
		return CTL_ERROR;
	if ((exit_code = ctl_period(quarter, from, to, now, " to ", &r.from_ms,
		 &r.to_ms, label, sizeof label)) != CTL_OK)
		return exit_code;
	r.to_is_now = r.to_ms == now;
	if ((r.db = ctl_open_db(ctl, &exit_code)) == NULL)
		return exit_code;
	r.until_ms = ctl_watched_until(ctl, r.db, -1, now);
	if (device_each(r.db, 1, uptime_device_cb, &r) == -1 || r.failed) {
		if (!r.failed)
			fprintf(stderr,
			    "xanetctl: cannot read the devices of "
			    "%s\n",
			    ctl_db_path(ctl));
		exit_code = CTL_ERROR;
		goto out;
	}
	exit_code = CTL_OK;
	if (r.matched == 0 && (r.device != NULL || r.group != NULL)) {
		fprintf(stderr, "xanetctl: no device %s '%s' in %s\n",
		    r.device != NULL ? "with key" : "in group",
		    r.device != NULL ? r.device : r.group, ctl_db_path(ctl));
		exit_code = CTL_ERROR;
		goto out;
	}
	tot = uptime_totals(&r, &ntot);
	if (ctl->json)
		uptime_print_json(&r, label, tot, ntot);
	else if (csv)
		uptime_print_csv(&r, tot);
	else
		uptime_print_table(&r, label, tot);
	free(tot);
	if (r.ndevs == 0 && !ctl->json && !csv)
		fprintf(stderr,
		    "xanetctl: no device was configured during "
		    "%s\n",
		    label);
out:
	for (size_t i = 0; i < r.ndevs; i++)
		free(r.devs[i].outages);
	free(r.devs);
	sqlite3_close(r.db);
	return exit_code;
}
