/* page.c - the page frame (head, navigation, language switch), the style sheet, and the small pages. */
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/i18n.h"
#include "common/strbuf.h"
#include "common/util.h"
#include "common/xtime.h"
#include "daemon/inbox.h"
#include "evidence/svg.h"
#include "web/page.h"
#include "web/server.h"

/*
 * The one style sheet, served as a file: the Content-Security-Policy
 * (default-src 'self') refuses inline styles. Phone first: one column,
 * tables scroll sideways inside their box.
 */
static const char page_css_text[] =
    "*{box-sizing:border-box}\n"
    "body{margin:0;font-family:'DejaVu Sans',system-ui,sans-serif;"
    "font-size:16px;line-height:1.4;color:#1b1f23;background:#f4f6f8}\n"
    "header{background:#0b4f6c;color:#fff;padding:.5rem 1rem;display:flex;"
    "flex-wrap:wrap;gap:.5rem 1rem;align-items:center}\n"
    "header a{color:#fff}\n"
    "header .site{font-weight:bold;margin-right:auto}\n"
    "header form{display:inline;margin:0}\n"
    "header button{background:none;border:1px solid #fff;color:#fff;"
    "border-radius:4px;padding:.2rem .6rem;font-size:.9rem}\n"
    "main{max-width:70rem;margin:0 auto;padding:1rem}\n"
    "h1{font-size:1.4rem;margin:.5rem 0 1rem}\n"
    "h2{font-size:1.15rem;margin:1.5rem 0 .5rem}\n"
    ".counts{display:flex;flex-wrap:wrap;gap:.5rem}\n"
    ".count{flex:1 1 7rem;background:#fff;border-radius:6px;padding:.6rem;"
    "border-left:6px solid #999}\n"
    ".count b{display:block;font-size:1.8rem}\n"
    ".st-up{border-color:#2e7d32}.st-down{border-color:#c62828}\n"
    ".st-degraded{border-color:#ef6c00}.st-unknown{border-color:#757575}\n"
    ".badge{display:inline-block;padding:.05rem .5rem;border-radius:3px;"
    "color:#fff;background:#757575;font-size:.9rem;white-space:nowrap}\n"
    ".badge.st-up{background:#2e7d32}.badge.st-down{background:#c62828}\n"
    ".badge.st-degraded{background:#ef6c00}"
    ".badge.st-maintenance{background:#1565c0}\n"
    ".badge.st-unreachable{background:#6a1b9a}\n"
    ".box{background:#fff;border-radius:6px;padding:.5rem;overflow-x:auto;"
    "margin-bottom:1rem}\n"
    "table{border-collapse:collapse;width:100%}\n"
    "th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid "
    "#e1e4e8;vertical-align:top}\n"
    "code,pre{background:#eef1f4;padding:.1rem .3rem;border-radius:3px;"
    "font-size:.95rem}\n"
    "pre{padding:.6rem;overflow-x:auto}\n"
    "form.login{background:#fff;border-radius:6px;padding:1rem;"
    "max-width:22rem}\n"
    "form.login label{display:block;margin:.5rem 0 .2rem}\n"
    "form.login input{width:100%;padding:.5rem;font-size:1rem}\n"
    "form.login button{margin-top:1rem;padding:.5rem 1.2rem;font-size:1rem;"
    "background:#0b4f6c;color:#fff;border:0;border-radius:4px}\n"
    ".error{color:#c62828;font-weight:bold}\n"
    /* The dashboard pages (alerts, hosts, reports, settings). */
    "nav a{margin-right:.8rem}\n"
    ".filters{display:flex;flex-wrap:wrap;gap:.5rem;align-items:end;"
    "background:#fff;border-radius:6px;padding:.5rem;margin-bottom:1rem}\n"
    ".filters label{display:flex;flex-direction:column;font-size:.9rem}\n"
    "input,select,textarea,button{font-size:1rem;padding:.3rem}\n"
    "form.inline{display:flex;flex-wrap:wrap;gap:.3rem;margin:.2rem 0}\n"
    "form.inline textarea{width:100%;min-height:2.2rem}\n"
    "button.act{background:#0b4f6c;color:#fff;border:0;border-radius:4px;"
    "padding:.3rem .8rem}\n"
    "button.danger{background:#c62828}\n"
    ".muted{color:#5f6b76;font-size:.9rem}\n"
    ".notice{background:#fff8e1;border-left:6px solid #ef6c00;"
    "padding:.5rem;margin-bottom:1rem}\n"
    "td.num,th.num{text-align:right;white-space:nowrap}\n"
    "td.bar{min-width:8rem}\n"
    "svg.strip,svg.chart{width:100%;height:auto;display:block}\n";

/*
 * Live refresh without inline script (the CSP forbids it): the element
 * marked data-refresh is replaced by the same element of a fresh copy of
 * the page every 30 s, unless the user is typing in a form.
 */
static const char page_js_text[] =
    "(function(){\n"
    "var el=document.querySelector('[data-refresh]');\n"
    "if(!el||!window.fetch||!window.DOMParser)return;\n"
    "function busy(){var a=document.activeElement;\n"
    "return a&&(a.tagName==='INPUT'||a.tagName==='TEXTAREA'||"
    "a.tagName==='SELECT');}\n"
    "function tick(){if(busy())return;\n"
    "fetch(location.href,{credentials:'same-origin',redirect:'manual'})"
    ".then(function(r){if(!r.ok)throw r.status;return r.text();})\n"
    ".then(function(t){var d=new DOMParser().parseFromString(t,'text/html');\n"
    "var n=d.querySelector('[data-refresh]');var o=document.querySelector("
    "'[data-refresh]');\n"
    "if(n&&o){o.replaceWith(document.importNode(n,true));"
    "document.body.setAttribute('data-refreshed',String(Date.now()));}})\n"
    ".catch(function(){});}\n"
    "setInterval(tick,30000);\n"
    "})();\n";

const char *
page_t(const struct web_req *r, const char *key)
{
	return i18n_get(r->lang, key);
}

void
page_begin(struct web_req *r, const char *title)
{
	struct strbuf *sb = &r->out;

	strbuf_printf(sb,
	    "<!doctype html>\n<html lang=\"%s\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width, "
	    "initial-scale=1\">\n"
	    "<link rel=\"stylesheet\" href=\"/static/style.css\">\n<title>",
	    i18n_lang_name(r->lang));
	strbuf_add_html(sb, title);
	strbuf_add(sb, " - ");
	strbuf_add_html(sb, r->site_name != NULL && r->site_name[0] != '\0'
				? r->site_name
				: page_t(r, "web.title"));
	strbuf_add(sb, "</title>\n</head>\n<body>\n<header>\n"
		       "<span class=\"site\">");
	strbuf_add_html(sb, r->site_name != NULL && r->site_name[0] != '\0'
				? r->site_name
				: page_t(r, "web.title"));
	strbuf_add(sb, "</span>\n");
	if (r->has_session) {
		static const char *const nav[][2] = {
		    {"/", "web.nav.overview"},
		    {"/alerts", "web.nav.alerts"},
		    {"/hosts", "web.nav.hosts"},
		    {"/reports", "web.nav.reports"},
		    {"/settings", "web.nav.settings"},
		};

		strbuf_add(sb, "<nav>");
		for (size_t i = 0; i < sizeof nav / sizeof nav[0]; i++) {
			strbuf_printf(sb, "<a href=\"%s\">", nav[i][0]);
			strbuf_add_html(sb, page_t(r, nav[i][1]));
			strbuf_add(sb, "</a>");
		}
		strbuf_add(sb, "</nav>\n<span class=\"user\">");
		strbuf_add_html(sb, r->sess.user);
		strbuf_add(sb, "</span>\n<form method=\"post\" "
			       "action=\"/logout\"><input type=\"hidden\" "
			       "name=\"csrf\" value=\"");
		strbuf_add_html(sb, r->sess.csrf);
		strbuf_add(sb, "\"><button type=\"submit\">");
		strbuf_add_html(sb, page_t(r, "web.logout"));
		strbuf_add(sb, "</button></form>\n");
	}
	/* A relative link keeps the page and changes only the language. */
	strbuf_printf(sb, "<a class=\"lang\" href=\"?lang=%s\">",
	    r->lang == I18N_EN ? "vi" : "en");
	strbuf_add_html(sb, page_t(r, "web.lang.other"));
	strbuf_add(sb, "</a>\n</header>\n<main>\n<h1>");
	strbuf_add_html(sb, title);
	strbuf_add(sb, "</h1>\n");
}

void
page_end(struct web_req *r)
{
	strbuf_add(&r->out, "</main>\n</body>\n</html>\n");
}

void
page_duration(struct strbuf *sb, const struct web_req *r, int64_t ms)
{
	static const struct {
		int64_t ms;
		const char *unit[I18N_NLANGS];
	} units[] = {
	    {86400000, {" ngày", "d"}},
	    {3600000, {" giờ", "h"}},
	    {60000, {" phút", "m"}},
	    {1000, {" giây", "s"}},
	};
	int shown = 0;

	if (ms < 1000) {
		strbuf_add(sb, r->lang == I18N_EN ? "0s" : "0 giây");
		return;
	}
	/* The two leading units: "3 ngày 4 giờ", "12m 30s". */
	for (size_t i = 0; i < sizeof units / sizeof units[0] && shown < 2;
	     i++) {
		int64_t n = ms / units[i].ms;

		if (n == 0 && shown == 0)
			continue;
		ms -= n * units[i].ms;
		if (n == 0) {
			shown++;
			continue;
		}
		strbuf_printf(sb, "%s%" PRId64 "%s", shown ? " " : "", n,
		    units[i].unit[r->lang == I18N_EN]);
		shown++;
	}
}

void
page_time(struct strbuf *sb, int64_t wall_ms)
{
	char buf[64];

	time_format_local(wall_ms, buf, sizeof buf);
	strbuf_add_html(sb, buf);
}

int
page_static(struct web_req *r)
{
	if (strcmp(r->path, "/static/refresh.js") == 0) {
		r->content_type = "text/javascript; charset=utf-8";
		r->cacheable = true;
		strbuf_addn(&r->out, page_js_text, sizeof page_js_text - 1);
		return 0;
	}
	if (strcmp(r->path, "/static/style.css") != 0)
		return page_error(r, 404, "web.error.404");
	r->content_type = "text/css; charset=utf-8";
	r->cacheable = true;
	strbuf_addn(&r->out, page_css_text, sizeof page_css_text - 1);
	/* The charts' colours: the same classes as the reports. */
	svg_css(&r->out);
	return 0;
}

void
page_badge(struct web_req *r, const char *state)
{
	static const char *const known[] = {
	    "up", "down", "degraded", "unknown", "unreachable", "maintenance"};
	char key[40];
	size_t i;

	for (i = 0; i < sizeof known / sizeof known[0]; i++)
		if (state != NULL && strcmp(state, known[i]) == 0)
			break;
	if (i == sizeof known / sizeof known[0])
		i = 3; /* unknown */
	snprintf(key, sizeof key, "web.state.%s", known[i]);
	strbuf_printf(&r->out, "<span class=\"badge st-%s\">", known[i]);
	strbuf_add_html(&r->out, page_t(r, key));
	strbuf_add(&r->out, "</span>");
}

void
page_csrf_field(struct web_req *r)
{
	strbuf_add(&r->out, "<input type=\"hidden\" name=\"csrf\" value=\"");
	strbuf_add_html(&r->out, r->sess.csrf);
	strbuf_add(&r->out, "\">");
}

void
page_table_head(struct web_req *r, const char *const *keys, size_t n)
{
	strbuf_add(&r->out, "<div class=\"box\"><table>\n<tr>");
	for (size_t i = 0; i < n; i++) {
		strbuf_add(&r->out, "<th>");
		strbuf_add_html(&r->out, page_t(r, keys[i]));
		strbuf_add(&r->out, "</th>");
	}
	strbuf_add(&r->out, "</tr>\n");
}

void
page_para(struct web_req *r, const char *cls, const char *key)
{
	if (cls != NULL)
		strbuf_printf(&r->out, "<p class=\"%s\">", cls);
	else
		strbuf_add(&r->out, "<p>");
	strbuf_add_html(&r->out, page_t(r, key));
	strbuf_add(&r->out, "</p>\n");
}

int
page_command(struct web_req *r, const char *line, char *err, size_t errlen)
{
	json_t *o;
	char *ans;
	int rc;

	if (r->inbox == NULL) {
		snprintf(err, errlen, "xanetd is not running this server");
		return -1;
	}
	/* One control line: a newline would start a second command. */
	if (strpbrk(line, "\r\n") != NULL || strlen(line) >= INBOX_LINE_MAX) {
		snprintf(err, errlen, "command too long or not one line");
		return -1;
	}
	if ((ans = inbox_call(r->inbox, line, 5000, err, errlen)) == NULL)
		return -1;
	o = json_loads(ans, 0, NULL);
	free(ans);
	rc = json_is_true(json_object_get(o, "ok")) ? 0 : -1;
	if (rc == -1)
		snprintf(err, errlen, "%s",
		    json_string_value(json_object_get(o, "error")) != NULL
			? json_string_value(json_object_get(o, "error"))
			: "refused");
	json_decref(o);
	return rc;
}

int64_t
page_local_midnight(int64_t wall_ms, int days_back)
{
	time_t t = (time_t)(wall_ms / 1000);
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL)
		return wall_ms - wall_ms % 86400000;
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	tm.tm_mday -= days_back;
	tm.tm_isdst = -1;
	return (int64_t)mktime(&tm) * 1000;
}

int
page_healthz(struct web_req *r)
{
	r->content_type = "text/plain; charset=utf-8";
	strbuf_add(&r->out, "ok\n");
	return 0;
}

int
page_setup(struct web_req *r)
{
	page_begin(r, page_t(r, "web.setup.title"));
	strbuf_add(&r->out, "<p>");
	strbuf_add_html(&r->out, page_t(r, "web.setup.intro"));
	strbuf_add(&r->out, "</p>\n<pre>sudo xanetctl user add ");
	strbuf_add_html(&r->out, page_t(r, "web.setup.name"));
	strbuf_add(&r->out, " --role admin</pre>\n<p>");
	strbuf_add_html(&r->out, page_t(r, "web.setup.after"));
	strbuf_add(&r->out, "</p>\n");
	page_end(r);
	return 0;
}

int
page_error(struct web_req *r, int status, const char *key)
{
	/* Whatever the handler had written is not shown. */
	strbuf_free(&r->out);
	r->status = status;
	r->content_type = NULL;
	if (str_has_prefix(r->path, "/api/")) {
		r->content_type = "application/json";
		strbuf_printf(&r->out, "{\"error\":%d}\n", status);
		return 0;
	}
	page_begin(r, page_t(r, "web.error.title"));
	strbuf_add(&r->out, "<p class=\"error\">");
	strbuf_add_html(&r->out, page_t(r, key));
	strbuf_add(&r->out, "</p>\n");
	page_end(r);
	return 0;
}
