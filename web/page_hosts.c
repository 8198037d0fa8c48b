/* page_hosts.c - the LAN hosts page: hosts by approval status, and approve / block / forget (admin). */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/util.h"
#include "common/xtime.h"
#include "daemon/inbox.h"
#include "store/host.h"
#include "web/form.h"
#include "web/page.h"
#include "web/server.h"

/* A host name given with an approval: one short line. */
#define HOSTS_NAME_MAX 100

static const char *const hosts_filters[] = {
    "all", "unknown", "approved", "blocked"};

struct hosts_walk {
	struct web_req *r;
	const char *filter;
	int n;
};

/* The filter asked for, one of hosts_filters; "all" otherwise. */
static const char *
hosts_filter(struct web_req *r, const char *q)
{
	for (size_t i = 0;
	     q != NULL && i < sizeof hosts_filters / sizeof *hosts_filters; i++)
		if (strcmp(q, hosts_filters[i]) == 0)
			return hosts_filters[i];
	return hosts_filters[0];
}

/* MAC is "aa:bb:cc:dd:ee:ff", lowercase: the form the table keeps. */
static bool
hosts_mac_valid(const char *mac)
{
	for (int i = 0; i < 17; i++) {
		if (i % 3 == 2 ? mac[i] != ':'
			       : !isxdigit((unsigned char)mac[i]) ||
				     isupper((unsigned char)mac[i]))
			return false;
	}
	return mac[17] == '\0';
}

static void
hosts_button(struct web_req *r, const char *mac, const char *action,
    const char *cls, const char *key, bool with_name, const char *name)
{
	strbuf_add(&r->out, "<form class=\"inline\" method=\"post\" "
			    "action=\"/hosts/");
	strbuf_add_html(&r->out, mac);
	strbuf_printf(&r->out, "/%s\">", action);
	page_csrf_field(r);
	strbuf_add(&r->out, "<input type=\"hidden\" name=\"back\" value=\"");
	strbuf_add_html(&r->out, hosts_filter(r, server_query(r, "filter")));
	strbuf_add(&r->out, "\">");
	if (with_name) {
		strbuf_printf(&r->out,
		    "<input name=\"name\" maxlength=\"%d\" value=\"",
		    HOSTS_NAME_MAX);
		strbuf_add_html(&r->out, name);
		strbuf_add(&r->out, "\" placeholder=\"");
		strbuf_add_html(&r->out, page_t(r, "web.hosts.name"));
		strbuf_add(&r->out, "\">");
	}
	strbuf_printf(&r->out,
	    "<button class=\"act%s\" type=\"submit\" "
	    "data-test=\"%s-",
	    cls, action);
	strbuf_add_html(&r->out, mac);
	strbuf_add(&r->out, "\">");
	strbuf_add_html(&r->out, page_t(r, key));
	strbuf_add(&r->out, "</button></form>");
}

static int
hosts_row(const struct host_info *h, void *arg)
{
	struct hosts_walk *w = arg;
	struct web_req *r = w->r;

	if (strcmp(w->filter, "all") != 0 && strcmp(w->filter, h->status) != 0)
		return 0;
	w->n++;
	strbuf_add(&r->out, "<tr data-test=\"host-");
	strbuf_add_html(&r->out, h->mac);
	strbuf_add(&r->out, "\" data-status=\"");
	strbuf_add_html(&r->out, h->status);
	strbuf_add(&r->out, "\"><td><code>");
	strbuf_add_html(&r->out, h->mac);
	strbuf_add(&r->out, "</code></td><td>");
	strbuf_add_html(&r->out, h->ipv4);
	if (h->ipv4[0] != '\0' && h->ipv6[0] != '\0')
		strbuf_add(&r->out, "<br>");
	strbuf_add_html(&r->out, h->ipv6);
	strbuf_add(&r->out, "</td><td>");
	if (h->label[0] != '\0') {
		strbuf_add(&r->out, "<b>");
		strbuf_add_html(&r->out, h->label);
		strbuf_add(&r->out, "</b>");
		if (h->name[0] != '\0')
			strbuf_add(&r->out, "<br>");
	}
	strbuf_add_html(&r->out, h->name);
	strbuf_add(&r->out, "</td><td>");
	strbuf_add_html(&r->out, h->vendor);
	strbuf_add(&r->out, "</td><td>");
	strbuf_add_html(&r->out, h->os_guess);
	strbuf_add(&r->out, "</td><td>");
	if (h->first_ms > 0)
		page_time(&r->out, h->first_ms);
	strbuf_add(&r->out, "</td><td>");
	if (h->last_ms > 0)
		page_time(&r->out, h->last_ms);
	strbuf_add(&r->out, "</td><td>");
	strbuf_add_html(&r->out, i18n_word(r->lang, "web.hosts.st", h->status));
	strbuf_add(&r->out, "</td>");
	if (r->sess.admin) {
		strbuf_add(&r->out, "<td>");
		if (strcmp(h->status, "approved") != 0)
			hosts_button(r, h->mac, "approve", "",
			    "web.hosts.approve", true,
			    h->label[0] != '\0' ? h->label : h->name);
		if (strcmp(h->status, "blocked") != 0)
			hosts_button(r, h->mac, "block", " danger",
			    "web.hosts.block", false, NULL);
		hosts_button(r, h->mac, "forget", " danger", "web.hosts.forget",
		    false, NULL);
		strbuf_add(&r->out, "</td>");
	}
	strbuf_add(&r->out, "</tr>\n");
	return 0;
}

int
page_hosts(struct web_req *r)
{
	static const char *const cols[] = {"web.col.mac", "web.col.ips",
	    "web.col.name", "web.col.vendor", "web.col.os", "web.col.first",
	    "web.col.last", "web.col.status", "web.col.actions"};
	struct hosts_walk w = {.r = r};
	char key[40];
	int64_t first;

	w.filter = hosts_filter(r, server_query(r, "filter"));
	page_begin(r, page_t(r, "web.hosts.title"));
	if ((first = host_capture_first(r->db)) < 0)
		page_para(r, "notice", "web.hosts.never");
	strbuf_add(&r->out, "<p class=\"filters\">");
	for (size_t i = 0; i < sizeof hosts_filters / sizeof *hosts_filters;
	     i++) {
		snprintf(key, sizeof key, "web.hosts.f.%s", hosts_filters[i]);
		strbuf_printf(&r->out,
		    "<a href=\"/hosts?filter=%s\" data-test=\"filter-%s\"%s>",
		    hosts_filters[i], hosts_filters[i],
		    w.filter == hosts_filters[i] ? " aria-current=\"page\""
						 : "");
		strbuf_add_html(&r->out, page_t(r, key));
		strbuf_add(&r->out, "</a>");
	}
	strbuf_add(&r->out, "</p>\n");
	page_table_head(
	    r, cols, sizeof cols / sizeof cols[0] - (r->sess.admin ? 0 : 1));
	if (host_each(r->db, false, time_wall_ms(), hosts_row, &w) == -1)
		return -1;
	strbuf_add(&r->out, "</table></div>\n");
	if (w.n == 0)
		page_para(r, NULL, "web.hosts.none");
	page_end(r);
	return 0;
}

int
page_host_post(struct web_req *r)
{
	const char *p = r->path + strlen("/hosts/");
	char mac[18], name[HOSTS_NAME_MAX + 1], line[INBOX_LINE_MAX];
	char err[256], *back;
	const char *action, *cmd, *n;

	/* /hosts/aa:bb:cc:dd:ee:ff/ACTION */
	if (strlen(p) < 19 || p[17] != '/')
		return page_error(r, 404, "web.error.404");
	memcpy(mac, p, 17);
	mac[17] = '\0';
	action = p + 18;
	if (!hosts_mac_valid(mac))
		return page_error(r, 404, "web.error.404");
	if (strcmp(action, "approve") == 0)
		cmd = "host-approve";
	else if (strcmp(action, "block") == 0)
		cmd = "host-block";
	else if (strcmp(action, "forget") == 0)
		cmd = "host-forget";
	else
		return page_error(r, 404, "web.error.404");
	name[0] = '\0';
	if ((n = form_get(r->form, "name")) != NULL &&
	    strcmp(action, "approve") == 0) {
		char *t;

		str_copy_utf8(name, n, sizeof name);
		for (char *c = name; *c != '\0'; c++)
			if ((unsigned char)*c < ' ')
				*c = ' ';
		t = str_trim(name);
		memmove(name, t, strlen(t) + 1);
	}
	snprintf(line, sizeof line, "%s %s%s%s", cmd, mac,
	    name[0] != '\0' ? " " : "", name);
	if (page_command(r, line, err, sizeof err) == -1) {
		log_notice(
		    "web: %s: %s %s refused: %s", r->sess.user, cmd, mac, err);
		return page_error(r, 409, "web.hosts.failed");
	}
	log_info("web: %s: %s %s", r->sess.user, cmd, mac);
	back = xasprintf(
	    "/hosts?filter=%s", hosts_filter(r, form_get(r->form, "back")));
	server_redirect(r, back);
	free(back);
	return 0;
}
