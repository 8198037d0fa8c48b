/* html_fixture.c - a hand-built report (17 cultural houses, or N devices) for the HTML tests and the sample. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "tests/unit/html_fixture.h"

static const char *const houses[17] = {"Nhà văn hóa thôn Đông Hưng",
    "Nhà văn hóa thôn Tây Sơn", "Nhà văn hóa thôn Bắc Hà",
    "Nhà văn hóa buôn Ea Sô", "Nhà văn hóa thôn Phước Lộc",
    "Nhà văn hóa thôn Hòa Bình", "Nhà văn hóa thôn Quyết Thắng",
    "Nhà văn hóa thôn Thống Nhất", "Nhà văn hóa thôn Tân Lập",
    "Nhà văn hóa thôn Xuân Mỹ", "Nhà văn hóa thôn Đồng Tâm",
    "Nhà văn hóa thôn Hiệp Đức", "Nhà văn hóa thôn Ngọc Lãng",
    "Nhà văn hóa thôn Sơn Thủy", "Nhà văn hóa buôn Kô Siêr",
    "Nhà văn hóa thôn Trường Xuân", "Nhà văn hóa thôn Lạc Thiện"};

static uint32_t
fix_rand(uint32_t *s)
{
	*s = *s * 1103515245u + 12345u;
	return (*s >> 8) & 0xffffff;
}

static void
fix_indicator(struct report_indicator *ind, const char *key, const char *title,
    const char *metric, double target, double value, enum report_verdict v,
    const char *detail)
{
	ind->key = xstrdup(key);
	ind->title = xstrdup(title);
	ind->metric = xstrdup(metric);
	ind->scope = NULL;
	ind->target = target;
	ind->at_most = 0;
	ind->value = value;
	ind->verdict = v;
	ind->detail = xstrdup(detail);
}

struct report *
fixture_report(size_t ndevices, const char *lang, int lan)
{
	struct report *r = xcalloc(1, sizeof *r);
	uint32_t seed = 42;
	size_t nd = (size_t)((FIX_Q3_TO - FIX_Q3_FROM) / FIX_DAY);
	size_t maxout = ndevices * 4 + 8;

	r->from_ms = FIX_Q3_FROM;
	r->to_ms = FIX_Q3_TO;
	r->generated_ms = FIX_Q3_TO + 3 * 3600000LL + 125000;
	r->lang = xstrdup(lang);
	r->site_name = xstrdup("UBND xã Tân Hòa");
	r->province = xstrdup("Tỉnh Đắk Lắk");
	r->version = xstrdup(PACKAGE_VERSION);
	r->key_fingerprint = NULL;
	memset(r->chain_state, 'a', 64);
	memset(r->chain_alert, 'b', 64);
	r->chain_snapshot[0] = '\0';
	r->ndays = nd;
	r->days_ms = xcalloc(nd, sizeof *r->days_ms);
	for (size_t i = 0; i < nd; i++)
		r->days_ms[i] = FIX_Q3_FROM + (int64_t)i * FIX_DAY;
	r->watched_ms = (FIX_Q3_TO - FIX_Q3_FROM) - 5 * 3600000LL;
	r->coverage_pct =
	    100.0 * (double)r->watched_ms / (double)(FIX_Q3_TO - FIX_Q3_FROM);
	r->lan_coverage_pct = lan ? 97.5 : -1;
	r->lan = lan != 0;

	/* The uplink router first, in the commune office's group. */
	r->ndevices = ndevices + 1;
	r->devices = xcalloc(r->ndevices, sizeof *r->devices);
	r->outages = xcalloc(maxout, sizeof *r->outages);
	for (size_t i = 0; i < r->ndevices; i++) {
		struct report_device *d = &r->devices[i];
		char buf[128];
		int64_t down = 0;

		d->id = (int64_t)i + 1;
		if (i == 0) {
			d->key = xstrdup("router-ubnd");
			d->name = xstrdup("Bộ định tuyến UBND xã");
			d->kind = xstrdup("router");
			d->group = xstrdup("Trụ sở UBND xã");
			d->isp = xstrdup("VNPT");
		} else {
			size_t k = i - 1;
			const char *v;

			snprintf(buf, sizeof buf, "ap-%03zu", k + 1);
			d->key = xstrdup(buf);
			if (k < 17)
				d->name = xstrdup(houses[k]);
			else {
				snprintf(buf, sizeof buf,
				    "Điểm phát wifi công cộng số %zu", k + 1);
				d->name = xstrdup(buf);
			}
			d->kind = xstrdup("ap");
			/*
			 * One village per cultural house, in order, so the
			 * list is grouped: "Nhà văn hóa thôn X" is in
			 * "Thôn X".
			 */
			v = houses[k * 17 / ndevices] + strlen("Nhà văn hóa ");
			snprintf(
			    buf, sizeof buf, "%c%s", v[0] - 'a' + 'A', v + 1);
			d->group = xstrdup(buf);
		}
		d->address = xstrdup("127.0.0.1");
		d->added_ms = FIX_Q3_FROM - 30 * FIX_DAY;
		d->retired_ms = -1;
		d->exists = 1;
		d->days = xcalloc(nd, sizeof *d->days);
		for (size_t k = 0; k < nd; k++) {
			uint32_t x = fix_rand(&seed) % 100;

			d->days[k].coverage_pct = 99.5;
			if (x < 70)
				d->days[k].uptime_pct = 100;
			else if (x < 80)
				d->days[k].uptime_pct = 99.95;
			else if (x < 88)
				d->days[k].uptime_pct = 97.2;
			else if (x < 94)
				d->days[k].uptime_pct = 92.5;
			else if (x < 98)
				d->days[k].uptime_pct = 61.25;
			else
				d->days[k].uptime_pct = -1;
		}
		/* Device 5 was added on 15/08: nothing before. */
		if (i == 5) {
			d->added_ms = FIX_Q3_FROM + 45 * FIX_DAY;
			for (size_t k = 0; k < 45; k++)
				d->days[k].coverage_pct = -1;
		}
		d->first_outage = r->noutages;
		for (int o = 0; o < (int)(i % 3) + 1 && r->noutages < maxout;
		     o++) {
			struct report_outage *out = &r->outages[r->noutages++];
			int64_t start =
			    FIX_Q3_FROM + (int64_t)(10 + o * 25) * FIX_DAY +
			    (int64_t)(fix_rand(&seed) % 80000) * 1000;
			int64_t len =
			    (int64_t)(fix_rand(&seed) % 20000 + 120) * 1000;

			out->device = i;
			out->start_ms = start;
			out->end_ms = start + len;
			out->open = 0;
			snprintf(out->cause, sizeof out->cause, "%s",
			    o == 0   ? "timeout"
			    : o == 1 ? "parent-down"
				     : "monitor-stopped");
			down += len;
			d->up.outages++;
			if (len > d->up.longest_outage_ms)
				d->up.longest_outage_ms = len;
		}
		d->noutages = r->noutages - d->first_outage;
		d->up.from_ms =
		    d->added_ms > FIX_Q3_FROM ? d->added_ms : FIX_Q3_FROM;
		d->up.to_ms = FIX_Q3_TO;
		d->up.down_ms = down;
		d->up.up_ms = (d->up.to_ms - d->up.from_ms) - down - 3600000;
		d->up.unknown_ms = 3600000;
		d->up.uptime_pct =
		    100.0 * (double)d->up.up_ms / (double)(d->up.up_ms + down);
		d->up.coverage_pct =
		    100.0 * (double)(d->up.to_ms - d->up.from_ms - 3600000) /
		    (double)(d->up.to_ms - d->up.from_ms);
	}
	/* The last device's outage is still going on. */
	if (r->noutages > 0) {
		struct report_outage *o = &r->outages[r->noutages - 1];

		o->open = 1;
		o->end_ms = FIX_Q3_TO;
		snprintf(o->cause, sizeof o->cause, "%s", "<b>odd</b>");
	}

	r->nuplinks = 1;
	r->uplinks = xcalloc(1, sizeof *r->uplinks);
	r->uplinks[0].device = 0;
	r->uplinks[0].days = xcalloc(nd, sizeof *r->uplinks[0].days);
	for (size_t k = 0; k < nd; k++) {
		struct report_uplink_day *u = &r->uplinks[0].days[k];

		if (k == 20 || k == 21) {
			u->loss_pct = u->rtt_avg_ms = -1;
			continue;
		}
		u->loss_pct = (double)(fix_rand(&seed) % 400) / 100.0;
		u->rtt_avg_ms = 25 + (double)(fix_rand(&seed) % 900) / 10.0;
		u->samples = 2880;
	}
	r->uplinks[0].loss_pct = 1.37;
	r->uplinks[0].rtt_avg_ms = 68.4;

	r->nindicators = 4;
	r->indicators = xcalloc(4, sizeof *r->indicators);
	fix_indicator(&r->indicators[0], "wifi-nvh",
	    "Wifi miễn phí tại 17 nhà văn hóa hoạt động ổn định",
	    "uptime-group", 95, 99.12, REPORT_MET, "17/17 nhà văn hóa");
	fix_indicator(&r->indicators[1], "wifi-min",
	    "Mỗi điểm wifi đạt tối thiểu 99 %", "uptime-device-min", 99, 97.31,
	    REPORT_NOT_MET, "15/17");
	fix_indicator(&r->indicators[2], "lan-monitored",
	    "Mạng LAN được giám sát", "lan-coverage", 90, lan ? 97.5 : -1,
	    lan ? REPORT_MET : REPORT_NO_DATA, "");
	fix_indicator(&r->indicators[3], "internet",
	    "Chất lượng kết nối Internet giờ cao điểm", "uplink-quality", 90,
	    93.4, REPORT_MET, "430/460 giờ");

	r->nalerts = 40;
	r->alerts = xcalloc(r->nalerts, sizeof *r->alerts);
	for (size_t i = 0; i < r->nalerts; i++) {
		struct report_alert *a = &r->alerts[i];

		a->id = (int64_t)i + 1;
		a->ts_ms = FIX_Q3_FROM + (int64_t)i * 2 * FIX_DAY + 3600000;
		a->severity = xstrdup(i % 2 ? "notice" : "error");
		a->event = xstrdup(i % 2         ? "up"
				   : i % 10 == 4 ? "flapping"
						 : "down");
		a->device_key = xstrdup(r->devices[i % r->ndevices].key);
		a->details = xstrdup(i % 2 ? "state=up" : "cause=timeout");
		a->acked_ms = -1;
	}

	if (lan) {
		r->nhosts = 3;
		r->hosts = xcalloc(3, sizeof *r->hosts);
		for (size_t i = 0; i < 3; i++) {
			struct report_host *o = &r->hosts[i];

			snprintf(o->mac, sizeof o->mac, "02:00:00:00:00:%02zx",
			    i + 1);
			o->ips = xstrdup("192.0.2.10");
			o->name =
			    xstrdup(i == 0 ? "may-ke-toan" : "pc-văn-thư");
			o->vendor = xstrdup("Dell");
			o->os = xstrdup("Windows");
			o->status = xstrdup(i == 2 ? "new" : "approved");
			o->first_ms = FIX_Q3_FROM;
			o->last_ms = FIX_Q3_TO - 3600000;
			o->bytes_in = 123456789;
			o->bytes_out = 4567;
		}
	}
	return r;
}

/* Every field is malloc'd as report_build makes it: freed the same way. */
void
fixture_free(struct report *r)
{
	report_free(r);
}
