/* web.c - the dashboard in xanetd: bind before the privilege drop, start, restart on reload, stop. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/config.h"
#include "common/log.h"
#include "common/util.h"
#include "daemon/health.h"
#include "daemon/web.h"
#include "daemon/xanetd.h"
#include "web/auth.h"
#include "web/heartbeat.h"
#include "web/server.h"

/* A certificate or key file larger than this is not PEM we want. */
#define WEB_PEM_MAX (256 * 1024)

struct web {
	struct xanetd *x;
	struct auth *auth;   /* sessions survive a restart on reload */
	struct hbweb *hbweb; /* so do the heartbeat token limits */
	struct server *srv;
	int fd;         /* bound, not yet served; or -1 */
	char *bound;    /* "listen port" of FD or of the server's socket */
	char *settings; /* the [web] settings the server runs with */
	char *cert, *key;
};

/* Every [web] setting in one string: a reload compares them. */
static char *
web_settings(const struct config *cfg)
{
	struct strbuf sb = {0};

	strbuf_printf(&sb, "%d|%s|%d|%s|%s|%d|%d|%lld|%d|%lld|%s",
	    cfg->web.enabled, cfg->web.listen, cfg->web.port,
	    cfg->web.tls_cert ? cfg->web.tls_cert : "",
	    cfg->web.tls_key ? cfg->web.tls_key : "", cfg->web.max_connections,
	    cfg->web.per_ip, (long long)cfg->web.timeout_ms, cfg->web.body_max,
	    (long long)cfg->web.session_idle_ms,
	    cfg->site.lang ? cfg->site.lang : "");
	return strbuf_detach(&sb, NULL);
}

static char *
web_read_pem(const char *path, char *err, size_t errlen)
{
	struct strbuf sb = {0};
	char buf[4096];
	size_t n;
	FILE *fp;

	if ((fp = fopen(path, "re")) == NULL) {
		snprintf(err, errlen, "web: cannot read %s: %s", path,
		    strerror(errno));
		return NULL;
	}
	while ((n = fread(buf, 1, sizeof buf, fp)) > 0) {
		if (sb.len + n > WEB_PEM_MAX) {
			snprintf(err, errlen, "web: %s is larger than %d KiB",
			    path, WEB_PEM_MAX / 1024);
			fclose(fp);
			strbuf_free(&sb);
			return NULL;
		}
		strbuf_addn(&sb, buf, n);
	}
	fclose(fp);
	return strbuf_detach(&sb, NULL);
}

static void
web_forget_pem(struct web *w)
{
	if (w->key != NULL)
		explicit_bzero(w->key, strlen(w->key));
	free(w->key);
	free(w->cert);
	w->key = w->cert = NULL;
}

/* Bind (unless FD is already bound there) and read the PEM files. */
static int
web_prepare(struct web *w)
{
	const struct config *cfg = w->x->cfg;
	char err[512], *bound;

	bound = xasprintf("%s %d", cfg->web.listen, cfg->web.port);
	if (w->fd == -1 || w->bound == NULL || strcmp(bound, w->bound) != 0) {
		if (w->fd != -1)
			close(w->fd);
		w->fd = server_listen(
		    cfg->web.listen, cfg->web.port, err, sizeof err);
		if (w->fd == -1) {
			log_err("%s: the dashboard is off", err);
			free(bound);
			return -1;
		}
	}
	free(w->bound);
	w->bound = bound;
	web_forget_pem(w);
	if (cfg->web.tls_cert != NULL && cfg->web.tls_key != NULL) {
		if ((w->cert = web_read_pem(
			 cfg->web.tls_cert, err, sizeof err)) == NULL ||
		    (w->key = web_read_pem(
			 cfg->web.tls_key, err, sizeof err)) == NULL) {
			log_err("%s: the dashboard is off", err);
			web_forget_pem(w);
			return -1;
		}
	}
	return 0;
}

struct web *
web_open(struct xanetd *x)
{
	struct web *w = xcalloc(1, sizeof *w);

	w->x = x;
	w->fd = -1;
	w->settings = web_settings(x->cfg);
	w->auth = auth_new(x->cfg->web.session_idle_ms > 0
			       ? x->cfg->web.session_idle_ms
			       : SERVER_SESSION_IDLE_MS,
	    256);
	w->hbweb = hbweb_new();
	if (x->cfg->web.enabled)
		web_prepare(w);
	return w;
}

void
web_start(struct web *w)
{
	const struct config *cfg = w->x->cfg;
	struct server_config sc;
	char err[512];

	if (!cfg->web.enabled || w->fd == -1 || w->srv != NULL)
		return;
	memset(&sc, 0, sizeof sc);
	sc.listen_fd = w->fd;
	sc.tls_cert = w->cert;
	sc.tls_key = w->key;
	sc.max_connections = cfg->web.max_connections;
	sc.per_ip = cfg->web.per_ip;
	sc.timeout_ms = cfg->web.timeout_ms;
	sc.body_max = cfg->web.body_max > 0 ? (size_t)cfg->web.body_max : 0;
	sc.db_path = cfg->daemon.database;
	sc.site_name = cfg->site.name;
	sc.lang = i18n_lang(cfg->site.lang);
	sc.auth = w->auth;
	sc.hbweb = w->hbweb;
	sc.inbox = w->x->inbox;
	sc.health_fn = health_read;
	sc.health_arg = w->x->health;
	sc.cfg = cfg;
	if ((w->srv = server_start(&sc, err, sizeof err)) == NULL) {
		log_err("%s: the dashboard is off", err);
		return;
	}
	/* The server owns the socket now. */
	w->fd = -1;
	web_forget_pem(w);
	log_notice("web: dashboard on %s://%s%s%s:%d/",
	    sc.tls_cert != NULL || cfg->web.tls_cert != NULL ? "https" : "http",
	    strchr(cfg->web.listen, ':') ? "[" : "", cfg->web.listen,
	    strchr(cfg->web.listen, ':') ? "]" : "", cfg->web.port);
}

void
web_reload(struct web *w)
{
	const struct config *cfg = w->x->cfg;
	char *settings = web_settings(cfg);

	/* Before the caller frees the old config: no handler reads it. */
	server_set_config(w->srv, cfg);
	if (strcmp(settings, w->settings) == 0) {
		free(settings);
		return;
	}
	free(w->settings);
	w->settings = settings;
	log_notice("web: [web] changed: restarting the dashboard");
	if (w->srv != NULL) {
		/* Keep the socket: after the drop, a port below 1024 could
		 * not be bound again. */
		w->fd = server_stop(w->srv, true);
		w->srv = NULL;
	}
	if (!cfg->web.enabled) {
		if (w->fd != -1)
			close(w->fd);
		w->fd = -1;
		return;
	}
	if (web_prepare(w) == 0)
		web_start(w);
}

void
web_user_changed(struct web *w, const char *name)
{
	size_t n = auth_session_end_user(w->auth, name);

	if (n > 0)
		log_info("web: ended %zu session(s) of %s", n, name);
}

void
web_free(struct web *w)
{
	if (w == NULL)
		return;
	server_stop(w->srv, false);
	if (w->fd != -1)
		close(w->fd);
	web_forget_pem(w);
	free(w->bound);
	free(w->settings);
	auth_free(w->auth);
	hbweb_free(w->hbweb);
	free(w);
}
