/* page_alerts.c - the alerts page: filters, newest first, paged, and acknowledging an alert with a note (admin). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/util.h"
#include "daemon/inbox.h"
#include "store/alert.h"
#include "store/device.h"
#include "web/auth.h"
#include "web/form.h"
#include "web/page.h"
#include "web/server.h"

#define ALERTS_PAGE 100
/*
 * A note travels as the rest of one control line (INBOX_LINE_MAX with
 * "alert-ack ID USER "): longer notes are cut at a character boundary.
 */
#define ALERTS_NOTE_MAX 150

static const char *const alerts_severities[] = {
    "error", "warning", "notice", "info"};

struct alerts_walk {
	struct web_req *r;
	int n;
	int64_t last_id;
};

/* SEVERITY is one we know: anything else is not a filter. */
static const char *
alerts_severity(const char *s)
{
	for (size_t i = 0; s != NULL && i < sizeof alerts_severities /
						sizeof *alerts_severities;
	     i++)
		if (strcmp(s, alerts_severities[i]) == 0)
			return alerts_severities[i];
	return NULL;
}

static int
alerts_device_option(const struct device_row *d, void *arg)
{
	struct alerts_walk *w = arg;
	const char *sel = server_query(w->r, "device");

	strbuf_add(&w->r->out, "<option value=\"");
	strbuf_add_html(&w->r->out, d->key);
	strbuf_add(&w->r->out, "\"");
	if (sel != NULL && strcmp(sel, d->key) == 0)
		strbuf_add(&w->r->out, " selected");
	strbuf_add(&w->r->out, ">");
	strbuf_add_html(&w->r->out, d->name);
	strbuf_add(&w->r->out, " (");
	strbuf_add_html(&w->r->out, d->key);
	strbuf_add(&w->r->out, ")</option>");
	return 0;
}

static int
alerts_filters(struct web_req *r)
{
	struct alerts_walk w = {.r = r};
	const char *sev = alerts_severity(server_query(r, "severity"));
	const char *un = server_query(r, "unacked");

	strbuf_add(&r->out, "<form class=\"filters\" method=\"get\" "
			    "action=\"/alerts\"><label>");
	strbuf_add_html(&r->out, page_t(r, "web.col.device"));
	strbuf_add(&r->out, "<select name=\"device\"><option value=\"\">");
	strbuf_add_html(&r->out, page_t(r, "web.alerts.all"));
	strbuf_add(&r->out, "</option>");
	if (device_each(r->db, 1, alerts_device_option, &w) == -1)
		return -1;
	strbuf_add(&r->out, "</select></label><label>");
	strbuf_add_html(&r->out, page_t(r, "web.col.severity"));
	strbuf_add(&r->out, "<select name=\"severity\"><option value=\"\">");
	strbuf_add_html(&r->out, page_t(r, "web.alerts.all"));
	strbuf_add(&r->out, "</option>");
	for (size_t i = 0;
	     i < sizeof alerts_severities / sizeof *alerts_severities; i++)
		strbuf_printf(&r->out, "<option value=\"%s\"%s>%s</option>",
		    alerts_severities[i],
		    sev == alerts_severities[i] ? " selected" : "",
		    alerts_severities[i]);
	strbuf_add(&r->out, "</select></label><label>");
	strbuf_add_html(&r->out, page_t(r, "web.alerts.unacked"));
	strbuf_printf(&r->out,
	    "<input type=\"checkbox\" name=\"unacked\" value=\"1\"%s>"
	    "</label><button class=\"act\" type=\"submit\" "
	    "data-test=\"alerts-filter\">",
	    un != NULL && strcmp(un, "1") == 0 ? " checked" : "");
	strbuf_add_html(&r->out, page_t(r, "web.alerts.filter"));
	strbuf_add(&r->out, "</button></form>\n");
	return 0;
}

static int
alerts_row(const struct alert_row *a, void *arg)
{
	struct alerts_walk *w = arg;
	struct web_req *r = w->r;

	w->n++;
	w->last_id = a->id;
	strbuf_printf(&r->out,
	    "<tr data-test=\"alert-%" PRId64 "\" data-acked=\"%d\"><td>", a->id,
	    a->acked_ms >= 0);
	page_time(&r->out, a->ts_ms);
	strbuf_add(&r->out, "</td><td>");
	strbuf_add_html(&r->out, a->severity);
	strbuf_add(&r->out, "</td><td>");
	if (a->device_key[0] != '\0') {
		strbuf_add(&r->out, "<a href=\"/devices/");
		strbuf_add_html(&r->out, a->device_key);
		strbuf_add(&r->out, "\">");
		strbuf_add_html(&r->out, a->device_name);
		strbuf_add(&r->out, "</a>");
	} else
		strbuf_add(&r->out, "xanetd");
	strbuf_add(&r->out, "</td><td>");
	strbuf_add_html(&r->out, a->event);
	strbuf_add(&r->out, "</td><td>");
	strbuf_add_html(&r->out, a->details);
	strbuf_add(&r->out, "</td><td>");
	if (a->acked_ms >= 0) {
		strbuf_add(&r->out, "&#10003; ");
		page_time(&r->out, a->acked_ms);
		strbuf_add(&r->out, "<br><span class=\"muted\">");
		strbuf_add_html(&r->out, a->ack_note);
		strbuf_add(&r->out, "</span>");
	} else if (r->sess.admin) {
		strbuf_printf(&r->out,
		    "<form class=\"inline\" method=\"post\" "
		    "action=\"/alerts/%" PRId64 "/ack\">",
		    a->id);
		page_csrf_field(r);
		strbuf_printf(&r->out,
		    "<textarea name=\"note\" maxlength=\"%d\" placeholder=\"",
		    ALERTS_NOTE_MAX);
		strbuf_add_html(&r->out, page_t(r, "web.alerts.note"));
		strbuf_printf(&r->out,
		    "\"></textarea><button class=\"act\" type=\"submit\" "
		    "data-test=\"ack-%" PRId64 "\">",
		    a->id);
		strbuf_add_html(&r->out, page_t(r, "web.alerts.ack"));
		strbuf_add(&r->out, "</button></form>");
	}
	strbuf_add(&r->out, "</td></tr>\n");
	return 0;
}

/* The query string of the current filters, for the next page's link. */
static void
alerts_next_link(struct web_req *r, int64_t before)
{
	const char *dev = server_query(r, "device");
	const char *sev = alerts_severity(server_query(r, "severity"));
	const char *un = server_query(r, "unacked");

	strbuf_printf(&r->out,
	    "<p><a data-test=\"alerts-next\" href=\"/alerts?before=%" PRId64,
	    before);
	if (dev != NULL && dev[0] != '\0' && auth_name_valid(dev)) {
		/* Device keys are [A-Za-z0-9._-]: nothing to encode. */
		strbuf_add(&r->out, "&amp;device=");
		strbuf_add_html(&r->out, dev);
	}
	if (sev != NULL)
		strbuf_printf(&r->out, "&amp;severity=%s", sev);
	if (un != NULL && strcmp(un, "1") == 0)
		strbuf_add(&r->out, "&amp;unacked=1");
	strbuf_add(&r->out, "\">");
	strbuf_add_html(&r->out, page_t(r, "web.alerts.older"));
	strbuf_add(&r->out, "</a></p>\n");
}

int
page_alerts(struct web_req *r)
{
	static const char *const cols[] = {"web.col.time", "web.col.severity",
	    "web.col.device", "web.col.event", "web.col.details",
	    "web.col.ack"};
	struct alerts_walk w = {.r = r};
	struct alert_filter f = {.limit = ALERTS_PAGE};
	const char *dev = server_query(r, "device");
	const char *before = server_query(r, "before");
	const char *un = server_query(r, "unacked");
	char *end;

	f.device_key = dev != NULL && dev[0] != '\0' ? dev : NULL;
	f.severity = alerts_severity(server_query(r, "severity"));
	f.unacked_only = un != NULL && strcmp(un, "1") == 0;
	if (before != NULL) {
		f.before_id = strtoll(before, &end, 10);
		if (*end != '\0' || f.before_id < 0)
			return page_error(r, 400, "web.error.400");
	}
	page_begin(r, page_t(r, "web.alerts.title"));
	if (alerts_filters(r) == -1)
		return -1;
	page_table_head(r, cols, sizeof cols / sizeof cols[0]);
	if (alert_list(r->db, &f, alerts_row, &w) == -1)
		return -1;
	strbuf_add(&r->out, "</table></div>\n");
	if (w.n == 0)
		page_para(r, NULL, "web.alerts.none");
	else if (w.n == ALERTS_PAGE)
		alerts_next_link(r, w.last_id);
	page_end(r);
	return 0;
}

/* NOTE made one line of at most ALERTS_NOTE_MAX bytes, whole characters. */
static void
alerts_note(const char *note, char *out, size_t outlen)
{
	char *t;

	str_copy_utf8(out, note, outlen);
	for (char *p = out; *p != '\0'; p++)
		if ((unsigned char)*p < ' ')
			*p = ' ';
	t = str_trim(out);
	memmove(out, t, strlen(t) + 1);
}

int
page_alert_ack(struct web_req *r)
{
	char note[ALERTS_NOTE_MAX + 1], line[INBOX_LINE_MAX], err[256];
	const char *p = r->path + strlen("/alerts/");
	long long id;
	char *end;

	id = strtoll(p, &end, 10);
	if (end == p || id <= 0 || strcmp(end, "/ack") != 0)
		return page_error(r, 404, "web.error.404");
	alerts_note(form_get(r->form, "note"), note, sizeof note);
	snprintf(
	    line, sizeof line, "alert-ack %lld %s %s", id, r->sess.user, note);
	if (page_command(r, line, err, sizeof err) == -1) {
		log_notice("web: %s: alert %lld not acknowledged: %s",
		    r->sess.user, id, err);
		return page_error(r, 409, "web.alerts.ackfailed");
	}
	log_info("web: %s acknowledged alert %lld", r->sess.user, id);
	server_redirect(r, "/alerts");
	return 0;
}
