/* page_settings.c - the settings page: the running configuration read-only with secrets masked, and the dashboard's users (admin). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/config.h"
#include "common/log.h"
#include "common/util.h"
#include "daemon/inbox.h"
#include "store/user.h"
#include "web/auth.h"
#include "web/form.h"
#include "web/page.h"
#include "web/server.h"

/* What a secret shows as: set or not, never its text. */
#define SETTINGS_MASK "***"

static void
set_row(struct web_req *r, const char *name, const char *value)
{
	strbuf_add(&r->out, "<tr><th>");
	strbuf_add_html(&r->out, name);
	strbuf_add(&r->out, "</th><td>");
	strbuf_add_html(
	    &r->out, value != NULL && value[0] != '\0' ? value : "-");
	strbuf_add(&r->out, "</td></tr>\n");
}

static void
set_secret(struct web_req *r, const char *name, const char *value)
{
	set_row(
	    r, name, value != NULL && value[0] != '\0' ? SETTINGS_MASK : NULL);
}

static void
set_int(struct web_req *r, const char *name, long long v)
{
	char buf[32];

	snprintf(buf, sizeof buf, "%lld", v);
	set_row(r, name, buf);
}

static void
set_ms(struct web_req *r, const char *name, int64_t ms)
{
	struct strbuf sb = {0};

	if (ms <= 0)
		strbuf_add(&sb, "-");
	else
		page_duration(&sb, r, ms);
	set_row(r, name, sb.s);
	strbuf_free(&sb);
}

static void
set_minute(struct web_req *r, const char *name, int minute)
{
	char buf[16];

	if (minute < 0)
		snprintf(buf, sizeof buf, "off");
	else
		snprintf(
		    buf, sizeof buf, "%02d:%02d", minute / 60, minute % 60);
	set_row(r, name, buf);
}

static void
set_list(struct web_req *r, const char *name, char *const *v, size_t n)
{
	struct strbuf sb = {0};

	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			strbuf_add(&sb, ", ");
		strbuf_add(&sb, v[i]);
	}
	set_row(r, name, sb.s);
	strbuf_free(&sb);
}

/* A URL with its user:password@ part masked. */
static void
set_url(struct web_req *r, const char *name, const char *url)
{
	const char *scheme, *at, *slash;
	struct strbuf sb = {0};

	if (url == NULL || (scheme = strstr(url, "://")) == NULL) {
		set_row(r, name, url);
		return;
	}
	scheme += 3;
	slash = scheme + strcspn(scheme, "/?#");
	at = memchr(scheme, '@', (size_t)(slash - scheme));
	if (at == NULL) {
		set_row(r, name, url);
		return;
	}
	strbuf_addn(&sb, url, (size_t)(scheme - url));
	strbuf_add(&sb, SETTINGS_MASK);
	strbuf_add(&sb, at);
	set_row(r, name, sb.s);
	strbuf_free(&sb);
}

static void
set_section(struct web_req *r, const char *title, const char *key)
{
	strbuf_add(&r->out, "<h3>[");
	strbuf_add_html(&r->out, title);
	if (key != NULL) {
		strbuf_add(&r->out, " ");
		strbuf_add_html(&r->out, key);
	}
	strbuf_add(&r->out, "]</h3>\n<div class=\"box\"><table>\n");
}

static void
set_end(struct web_req *r)
{
	strbuf_add(&r->out, "</table></div>\n");
}

static void
set_pushes(struct web_req *r, const struct config *cfg)
{
	for (size_t i = 0; i < cfg->npushes; i++) {
		const struct config_push *p = &cfg->pushes[i];
		char kinds[64];

		snprintf(kinds, sizeof kinds, "%s%s%s",
		    p->kinds & SNAPSHOT_DAILY ? "daily " : "",
		    p->kinds & SNAPSHOT_QUARTERLY ? "quarterly " : "",
		    p->kinds & SNAPSHOT_MANUAL ? "manual" : "");
		set_section(r, "push", p->key);
		set_row(r, "type", config_push_type_name(p->type));
		set_url(r, "url", p->url);
		if (p->type == PUSH_HTTP)
			set_row(r, "put", p->put ? "yes" : "no");
		set_secret(r, "token", p->token);
		set_row(r, "user", p->user);
		set_secret(r, "password", p->password);
		set_secret(r, "access_key", p->access_key);
		set_secret(r, "secret_key", p->secret_key);
		set_row(r, "region", p->region);
		set_row(r, "client_cert", p->client_cert);
		set_row(r, "client_key", p->client_key);
		set_row(r, "ca_file", p->ca_file);
		set_row(r, "mail_from", p->mail_from);
		set_list(r, "mail_to", p->mail_to, p->nmail_to);
		set_ms(r, "timeout", p->timeout_ms);
		set_row(r, "kinds", kinds);
		set_end(r);
	}
}

static void
set_devices(struct web_req *r, const struct config *cfg)
{
	static const char *const cols[] = {"web.col.key", "web.col.name",
	    "web.col.kind", "web.col.group", "web.col.address",
	    "web.col.parent", "web.col.probes", "web.col.interval",
	    "web.col.snmp"};

	strbuf_add(&r->out, "<h3>");
	strbuf_add_html(&r->out, page_t(r, "web.settings.devices"));
	strbuf_add(&r->out, "</h3>\n");
	page_table_head(r, cols, sizeof cols / sizeof cols[0]);
	for (size_t i = 0; i < cfg->ndevices; i++) {
		const struct config_device *d = &cfg->devices[i];
		const char *cells[] = {d->key, d->name,
		    device_kind_name(d->kind), d->group, d->address, d->parent,
		    d->probes};

		strbuf_add(&r->out, "<tr>");
		for (size_t c = 0; c < sizeof cells / sizeof cells[0]; c++) {
			strbuf_add(&r->out, "<td>");
			strbuf_add_html(
			    &r->out, cells[c] != NULL ? cells[c] : "");
			strbuf_add(&r->out, "</td>");
		}
		strbuf_add(&r->out, "<td>");
		page_duration(&r->out, r, d->interval_ms);
		strbuf_add(&r->out, "</td><td>");
		/* SNMP credentials are secrets: shown as set, never read. */
		if (d->snmp_community != NULL || d->snmp_user != NULL) {
			strbuf_printf(&r->out, "v%s",
			    d->snmp_version == CONFIG_SNMP_V2C  ? "2c"
			    : d->snmp_version == CONFIG_SNMP_V3 ? "3"
								: "1");
			if (d->snmp_community != NULL)
				strbuf_add(
				    &r->out, " community " SETTINGS_MASK);
			if (d->snmp_user != NULL) {
				strbuf_add(&r->out, " user ");
				strbuf_add_html(&r->out, d->snmp_user);
				strbuf_printf(&r->out, " %s/%s",
				    config_snmp_auth_name(d->snmp_auth),
				    config_snmp_priv_name(d->snmp_priv));
				if (d->snmp_auth_pass != NULL ||
				    d->snmp_priv_pass != NULL)
					strbuf_add(
					    &r->out, " pass " SETTINGS_MASK);
			}
		}
		strbuf_add(&r->out, "</td></tr>\n");
	}
	strbuf_add(&r->out, "</table></div>\n");
}

static void
set_indicators(struct web_req *r, const struct config *cfg)
{
	static const char *const cols[] = {"web.col.key", "web.col.name",
	    "web.col.metric", "web.col.scope", "web.col.target"};

	if (cfg->nindicators == 0)
		return;
	strbuf_add(&r->out, "<h3>");
	strbuf_add_html(&r->out, page_t(r, "web.settings.indicators"));
	strbuf_add(&r->out, "</h3>\n");
	page_table_head(r, cols, sizeof cols / sizeof cols[0]);
	for (size_t i = 0; i < cfg->nindicators; i++) {
		const struct config_indicator *in = &cfg->indicators[i];

		strbuf_add(&r->out, "<tr><td>");
		strbuf_add_html(&r->out, in->key);
		strbuf_add(&r->out, "</td><td>");
		strbuf_add_html(&r->out, in->title != NULL ? in->title : "");
		strbuf_add(&r->out, "</td><td>");
		strbuf_add_html(&r->out, in->metric != NULL ? in->metric : "");
		strbuf_add(&r->out, "</td><td>");
		strbuf_add_html(&r->out, in->scope != NULL ? in->scope : "");
		strbuf_add(&r->out, "</td><td>");
		if (in->target >= 0)
			strbuf_printf(&r->out, "%s %.2f %%",
			    in->at_most ? "&le;" : "&ge;", in->target);
		strbuf_add(&r->out, "</td></tr>\n");
	}
	strbuf_add(&r->out, "</table></div>\n");
}

/* The running configuration, section by section, secrets masked. */
static void
set_config(struct web_req *r, const struct config *cfg)
{
	char hash[65];

	config_hash_hex(cfg, hash);
	strbuf_add(&r->out, "<p class=\"muted\">");
	strbuf_add_html(&r->out, page_t(r, "web.settings.file"));
	strbuf_add(&r->out, " <code>");
	strbuf_add_html(&r->out,
	    cfg->path != NULL ? cfg->path : page_t(r, "web.settings.embedded"));
	strbuf_add(&r->out, "</code> &middot; <code>");
	strbuf_addn(&r->out, hash, 12);
	strbuf_add(&r->out, "</code></p>\n");

	set_section(r, "site", NULL);
	set_row(r, "name", cfg->site.name);
	set_row(r, "province", cfg->site.province);
	set_row(r, "timezone", cfg->site.timezone);
	set_row(r, "lang", cfg->site.lang);
	set_end(r);

	set_section(r, "daemon", NULL);
	set_row(r, "state_dir", cfg->daemon.state_dir);
	set_row(r, "database", cfg->daemon.database);
	set_row(r, "control_socket", cfg->daemon.control_socket);
	set_row(r, "alert_log", cfg->daemon.alert_log);
	set_row(r, "user", cfg->daemon.user);
	set_row(r, "inventory", cfg->daemon.inventory);
	set_int(r, "retention_days", cfg->daemon.retention_days);
	set_row(r, "dns_servers", cfg->daemon.dns_servers);
	set_end(r);

	set_section(r, "web", NULL);
	set_row(r, "enabled", cfg->web.enabled ? "yes" : "no");
	set_row(r, "listen", cfg->web.listen);
	set_int(r, "port", cfg->web.port);
	set_row(r, "tls_cert", cfg->web.tls_cert);
	set_row(r, "tls_key", cfg->web.tls_key);
	set_int(r, "max_connections", cfg->web.max_connections);
	set_int(r, "per_ip", cfg->web.per_ip);
	set_ms(r, "timeout", cfg->web.timeout_ms);
	set_int(r, "body_max", cfg->web.body_max);
	set_ms(r, "session_idle", cfg->web.session_idle_ms);
	set_list(r, "metrics_allow", cfg->web.metrics_allow,
	    cfg->web.nmetrics_allow);
	set_secret(r, "metrics_token", cfg->web.metrics_token);
	set_end(r);

	set_section(r, "lan", NULL);
	set_row(r, "enabled", cfg->lan.enabled ? "yes" : "no");
	set_list(r, "interfaces", cfg->lan.interfaces, cfg->lan.ninterfaces);
	set_int(r, "sample_rate", cfg->lan.sample_rate);
	set_int(r, "max_hosts", cfg->lan.max_hosts);
	set_ms(r, "learning", cfg->lan.learning_ms);
	set_row(r, "gateway_ip", cfg->lan.gateway_ip);
	set_list(
	    r, "dhcp_servers", cfg->lan.dhcp_servers, cfg->lan.ndhcp_servers);
	set_end(r);

	set_section(r, "snmp", NULL);
	set_int(r, "trap_port", cfg->snmp.trap_port);
	set_row(r, "trap_listen", cfg->snmp.trap_listen);
	set_secret(r, "trap_communities", cfg->snmp.trap_communities);
	set_int(r, "retries", cfg->snmp.retries);
	set_end(r);

	set_section(r, "evidence", NULL);
	set_row(r, "key_file", cfg->evidence.key_file);
	set_row(r, "pack_dir", cfg->evidence.pack_dir);
	set_row(r, "indicators", cfg->evidence.indicators);
	set_minute(r, "daily", cfg->evidence.daily_minute);
	set_int(r, "quarterly_day", cfg->evidence.quarterly_day);
	set_minute(r, "quarterly_time", cfg->evidence.quarterly_minute);
	set_int(r, "outbox_max", cfg->evidence.outbox_max);
	set_int(r, "keep_days", cfg->evidence.keep_days);
	set_end(r);

	set_pushes(r, cfg);
	set_devices(r, cfg);
	set_indicators(r, cfg);
}

struct set_users {
	struct web_req *r;
	int n;
};

static int
set_user_cb(const struct user_row *u, void *arg)
{
	struct set_users *w = arg;
	struct web_req *r = w->r;

	w->n++;
	strbuf_add(&r->out, "<tr data-test=\"user-");
	strbuf_add_html(&r->out, u->name);
	strbuf_add(&r->out, "\"><td>");
	strbuf_add_html(&r->out, u->name);
	strbuf_add(&r->out, "</td><td>");
	strbuf_add_html(&r->out, u->role);
	strbuf_add(&r->out, "</td><td>");
	page_time(&r->out, u->created_ms);
	strbuf_add(&r->out, "</td><td>");
	if (strcmp(u->name, r->sess.user) != 0) {
		strbuf_add(&r->out, "<form class=\"inline\" method=\"post\" "
				    "action=\"/settings/users/");
		strbuf_add_html(&r->out, u->name);
		strbuf_add(&r->out, "/delete\">");
		page_csrf_field(r);
		strbuf_add(&r->out, "<button class=\"act danger\" "
				    "type=\"submit\" data-test=\"user-del-");
		strbuf_add_html(&r->out, u->name);
		strbuf_add(&r->out, "\">");
		strbuf_add_html(&r->out, page_t(r, "web.settings.delete"));
		strbuf_add(&r->out, "</button></form>");
	}
	strbuf_add(&r->out, "</td></tr>\n");
	return 0;
}

static void
set_input(
    struct web_req *r, const char *key, const char *name, const char *type)
{
	strbuf_add(&r->out, "<label>");
	strbuf_add_html(&r->out, page_t(r, key));
	strbuf_printf(&r->out,
	    "<input type=\"%s\" name=\"%s\" required autocomplete=\"%s\">"
	    "</label>",
	    type, name, strcmp(type, "password") == 0 ? "new-password" : "off");
}

static int
set_users(struct web_req *r)
{
	static const char *const cols[] = {"web.col.name", "web.col.role",
	    "web.col.created", "web.col.actions"};
	struct set_users w = {.r = r};

	strbuf_add(&r->out, "<h2>");
	strbuf_add_html(&r->out, page_t(r, "web.settings.users"));
	strbuf_add(&r->out, "</h2>\n");
	page_table_head(r, cols, sizeof cols / sizeof cols[0]);
	if (user_each(r->db, set_user_cb, &w) == -1)
		return -1;
	strbuf_add(&r->out, "</table></div>\n<form class=\"filters\" "
			    "method=\"post\" action=\"/settings/users\">");
	page_csrf_field(r);
	set_input(r, "web.col.name", "name", "text");
	strbuf_add(&r->out, "<label>");
	strbuf_add_html(&r->out, page_t(r, "web.col.role"));
	strbuf_add(&r->out, "<select name=\"role\"><option value=\"viewer\">"
			    "viewer</option><option value=\"admin\">admin"
			    "</option></select></label>");
	set_input(r, "web.login.password", "password", "password");
	set_input(r, "web.settings.password2", "password2", "password");
	strbuf_add(&r->out, "<button class=\"act\" type=\"submit\" "
			    "data-test=\"user-add\">");
	strbuf_add_html(&r->out, page_t(r, "web.settings.add"));
	strbuf_add(&r->out, "</button></form>\n");
	return 0;
}

int
page_settings(struct web_req *r)
{
	page_begin(r, page_t(r, "web.settings.title"));
	if (r->sess.admin && set_users(r) == -1)
		return -1;
	strbuf_add(&r->out, "<h2>");
	strbuf_add_html(&r->out, page_t(r, "web.settings.config"));
	strbuf_add(&r->out, "</h2>\n");
	page_para(r, "muted", "web.settings.readonly");
	if (r->cfg != NULL)
		set_config(r, r->cfg);
	page_end(r);
	return 0;
}

int
page_settings_user_add(struct web_req *r)
{
	const char *name = form_get(r->form, "name");
	const char *role = form_get(r->form, "role");
	const char *pw = form_get(r->form, "password");
	const char *pw2 = form_get(r->form, "password2");
	char hash[AUTH_HASH_MAX], line[INBOX_LINE_MAX], err[256];

	if (name == NULL || !auth_name_valid(name))
		return page_error(r, 400, "web.settings.badname");
	if (role == NULL || !user_role_valid(role))
		return page_error(r, 400, "web.error.400");
	if (pw == NULL || pw2 == NULL || strcmp(pw, pw2) != 0)
		return page_error(r, 400, "web.settings.mismatch");
	if (auth_password_acceptable(pw, err, sizeof err) == -1)
		return page_error(r, 400, "web.settings.weak");
	/* Argon2id here, in the web thread: the loop only stores it. */
	if (auth_password_hash(pw, hash, sizeof hash) == -1)
		return -1;
	snprintf(line, sizeof line, "user-add %s %s %s", name, role, hash);
	explicit_bzero(hash, sizeof hash);
	if (page_command(r, line, err, sizeof err) == -1) {
		explicit_bzero(line, sizeof line);
		log_notice("web: %s: user-add %s refused: %s", r->sess.user,
		    name, err);
		return page_error(r, 409, "web.settings.failed");
	}
	explicit_bzero(line, sizeof line);
	log_notice("web: %s added user %s (%s)", r->sess.user, name, role);
	server_redirect(r, "/settings");
	return 0;
}

int
page_settings_user_del(struct web_req *r)
{
	const char *p = r->path + strlen("/settings/users/");
	const char *slash = strchr(p, '/');
	char name[AUTH_NAME_MAX + 1], line[INBOX_LINE_MAX], err[256];
	size_t n;

	if (slash == NULL || strcmp(slash, "/delete") != 0 ||
	    (n = (size_t)(slash - p)) == 0 || n > AUTH_NAME_MAX)
		return page_error(r, 404, "web.error.404");
	memcpy(name, p, n);
	name[n] = '\0';
	if (!auth_name_valid(name))
		return page_error(r, 404, "web.error.404");
	/* Keep at least the admin who is deleting. */
	if (strcmp(name, r->sess.user) == 0)
		return page_error(r, 409, "web.settings.self");
	snprintf(line, sizeof line, "user-del %s", name);
	if (page_command(r, line, err, sizeof err) == -1) {
		log_notice("web: %s: user-del %s refused: %s", r->sess.user,
		    name, err);
		return page_error(r, 409, "web.settings.failed");
	}
	/* The loop ended the user's sessions (web_user_changed). */
	log_notice("web: %s deleted user %s", r->sess.user, name);
	server_redirect(r, "/settings");
	return 0;
}
