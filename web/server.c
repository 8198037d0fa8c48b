/* server.c - the HTTP server: libmicrohttpd threads, routes, body cap, sessions, CSRF, headers. */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/log.h"
#include "common/util.h"
#include "common/xtime.h"
#include "store/db.h"
#include "store/user.h"
#include "web/api.h"
#include "web/form.h"
#include "web/heartbeat.h"
#include "web/metrics.h"
#include "web/page.h"
#include "web/server.h"

/* What a route needs before its handler runs. */
enum {
	ROUTE_SESSION = 1, /* a logged-in user */
	ROUTE_ADMIN = 2,   /* ... with the admin role */
	ROUTE_WRITE = 4,   /* state-changing: the session's CSRF token */
	ROUTE_ALWAYS = 8,  /* served even before the first user exists */
	ROUTE_PREFIX = 16, /* PATH is a prefix ("/static/") */
	ROUTE_DB = 32,     /* ROUTE_ALWAYS, with the thread's database */
};

struct route {
	const char *method;
	const char *path;
	int flags;
	int (*fn)(struct web_req *r);
};

/*
 * Everything but /login, /healthz and the static assets needs a
 * session; a path no route serves is answered as if it needed one, so
 * that nobody learns which paths exist without logging in.
 */
static const struct route routes[] = {
    {"GET", "/healthz", ROUTE_ALWAYS, page_healthz},
    {"GET", "/static/", ROUTE_ALWAYS | ROUTE_PREFIX, page_static},
    /* A scraper has no session: page_metrics checks address or token. */
    {"GET", "/metrics", ROUTE_ALWAYS | ROUTE_DB, page_metrics},
    {"GET", "/login", 0, page_login_get},
    /* No session yet, so no CSRF token: page_login_post checks Origin. */
    {"POST", "/login", 0, page_login_post},
    {"POST", "/logout", ROUTE_SESSION | ROUTE_WRITE, page_logout_post},
    {"GET", "/", ROUTE_SESSION, page_overview},
    {"GET", "/devices/", ROUTE_SESSION | ROUTE_PREFIX, page_device},
    {"GET", "/alerts", ROUTE_SESSION, page_alerts},
    {"POST", "/alerts/",
	ROUTE_SESSION | ROUTE_ADMIN | ROUTE_WRITE | ROUTE_PREFIX,
	page_alert_ack},
    {"GET", "/hosts", ROUTE_SESSION, page_hosts},
    {"POST", "/hosts/",
	ROUTE_SESSION | ROUTE_ADMIN | ROUTE_WRITE | ROUTE_PREFIX,
	page_host_post},
    {"GET", "/reports", ROUTE_SESSION, page_reports},
    {"POST", "/reports/pack", ROUTE_SESSION | ROUTE_WRITE, page_report_pack},
    {"GET", "/settings", ROUTE_SESSION, page_settings},
    {"POST", "/settings/users", ROUTE_SESSION | ROUTE_ADMIN | ROUTE_WRITE,
	page_settings_user_add},
    {"POST", "/settings/users/",
	ROUTE_SESSION | ROUTE_ADMIN | ROUTE_WRITE | ROUTE_PREFIX,
	page_settings_user_del},
    {"GET", "/api/v1/devices", ROUTE_SESSION, api_devices},
    {"GET", "/api/v1/devices/", ROUTE_SESSION | ROUTE_PREFIX, api_device},
    {"GET", "/api/v1/uptime", ROUTE_SESSION, api_uptime},
    {"GET", "/api/v1/alerts", ROUTE_SESSION, api_alerts},
    {"GET", "/api/v1/hosts", ROUTE_SESSION, api_hosts},
    {"GET", "/api/v1/snapshots", ROUTE_SESSION, api_snapshots},
    /* Devices have no session: the token is the secret (web/heartbeat.h). */
    {"GET", "/hb/", ROUTE_ALWAYS | ROUTE_DB | ROUTE_PREFIX, hbweb_handle},
    {"POST", "/hb/", ROUTE_ALWAYS | ROUTE_DB | ROUTE_PREFIX, hbweb_handle},
};
#define NROUTES (sizeof routes / sizeof routes[0])

struct server {
	struct MHD_Daemon *mhd;
	uint64_t dropped; /* connections closed for a body too big */
	int listen_fd;
	bool tls;
	char *tls_cert, *tls_key;
	char *db_path;
	char *site_name;
	enum i18n_lang lang;
	size_t body_max;
	struct auth *auth;
	struct inbox *inbox;
	struct hbweb *hbweb;
	/*
	 * The loop's config: handlers hold the read side while they run, so
	 * that a reload frees the old one only when no handler reads it.
	 */
	pthread_rwlock_t cfg_lock;
	const struct config *cfg;
	void (*health_fn)(void *arg, struct metrics_health *out);
	void *health_arg;
	pthread_key_t db_key; /* each web thread's read-only connection */
	pthread_mutex_t log_lock;
	struct ratelimit log_rl; /* MHD's own complaints */
};

/* The state MHD keeps for us across a request's calls. */
struct server_conn {
	char *body;
	size_t len;
	bool too_big;     /* over the cap: the rest is thrown away */
	size_t discarded; /* bytes thrown away */
	bool responded;   /* answered before the body was read */
};

/* Bytes of a too-big chunked body thrown away before hanging up. */
#define SERVER_DISCARD_MAX (1024 * 1024)

static void server_log_drop(struct server *s, const char *url);

static const char *const security_headers[][2] = {
    /* Pages use no inline script or style: only our own files. */
    {"Content-Security-Policy",
	"default-src 'self'; frame-ancestors 'none'; form-action 'self'; "
	"base-uri 'none'"},
    {"X-Frame-Options", "DENY"},
    {"X-Content-Type-Options", "nosniff"},
    {"Referrer-Policy", "same-origin"},
};

int
server_listen(const char *addr, int port, char *err, size_t errlen)
{
	struct sockaddr_storage ss;
	socklen_t sslen;
	int fd, on = 1;

	memset(&ss, 0, sizeof ss);
	if (inet_pton(AF_INET, addr, &((struct sockaddr_in *)&ss)->sin_addr) ==
	    1) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)port);
		sslen = sizeof *sin;
	} else if (inet_pton(AF_INET6, addr,
		       &((struct sockaddr_in6 *)&ss)->sin6_addr) == 1) {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)port);
		sslen = sizeof *sin6;
	} else {
		snprintf(err, errlen,
		    "web: listen address '%s' is not an IP "
		    "address",
		    addr);
		return -1;
	}
	fd =
	    socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd == -1) {
		snprintf(err, errlen, "web: socket: %s", strerror(errno));
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
	if (ss.ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof on);
	if (bind(fd, (struct sockaddr *)&ss, sslen) == -1 ||
	    listen(fd, 128) == -1) {
		snprintf(err, errlen, "web: cannot listen on %s port %d: %s",
		    addr, port, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

static void
server_db_close(void *db)
{
	db_close(db);
}

/* This thread's read-only connection, opened on first use; or NULL. */
static sqlite3 *
server_db(struct server *s)
{
	sqlite3 *db = pthread_getspecific(s->db_key);
	char err[512];

	if (db != NULL)
		return db;
	if ((db = db_open_reader(s->db_path, err, sizeof err)) == NULL) {
		log_err("web: %s", err);
		return NULL;
	}
	pthread_setspecific(s->db_key, db);
	return db;
}

const char *
server_header(struct web_req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

const char *
server_query(struct web_req *r, const char *name)
{
	return MHD_lookup_connection_value(
	    r->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *
server_cookie(struct web_req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, name);
}

void
server_set_cookie(struct web_req *r, const char *name, const char *value,
    int64_t max_age_s, bool http_only)
{
	struct strbuf sb = {0};

	if (r->ncookies == sizeof r->cookies / sizeof r->cookies[0])
		fatal(
		    "web: more than %zu cookies in one response", r->ncookies);
	strbuf_printf(&sb, "%s=%s; Path=/; SameSite=Strict", name, value);
	if (max_age_s >= 0)
		strbuf_printf(&sb, "; Max-Age=%" PRId64, max_age_s);
	if (http_only)
		strbuf_add(&sb, "; HttpOnly");
	if (r->tls)
		strbuf_add(&sb, "; Secure");
	r->cookies[r->ncookies++] = strbuf_detach(&sb, NULL);
}

void
server_redirect(struct web_req *r, const char *location)
{
	free(r->location);
	r->location = xstrdup(location);
	r->status = 303;
}

/* Queue R's response; MHD_YES or MHD_NO (the connection is closed). */
static enum MHD_Result
server_respond(struct web_req *r)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;
	char num[32];
	size_t len;
	char *body = strbuf_detach(&r->out, &len);

	if (r->has_file) {
		/* MHD owns the fd from here, and closes it. */
		r->has_file = false;
		free(body);
		resp = MHD_create_response_from_fd(r->file_size, r->file_fd);
		if (resp == NULL) {
			close(r->file_fd);
			return MHD_NO;
		}
	} else
		resp = MHD_create_response_from_buffer(
		    len, body, MHD_RESPMEM_MUST_FREE);
	if (resp == NULL) {
		free(body);
		return MHD_NO;
	}
	if (r->disposition != NULL)
		MHD_add_response_header(
		    resp, MHD_HTTP_HEADER_CONTENT_DISPOSITION, r->disposition);
	for (size_t i = 0;
	     i < sizeof security_headers / sizeof *security_headers; i++)
		MHD_add_response_header(
		    resp, security_headers[i][0], security_headers[i][1]);
	if (r->tls)
		MHD_add_response_header(
		    resp, "Strict-Transport-Security", "max-age=31536000");
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
	    r->content_type != NULL ? r->content_type
				    : "text/html; charset=utf-8");
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL,
	    r->cacheable ? "max-age=3600" : "no-store");
	if (r->location != NULL)
		MHD_add_response_header(
		    resp, MHD_HTTP_HEADER_LOCATION, r->location);
	for (size_t i = 0; i < r->ncookies; i++)
		MHD_add_response_header(
		    resp, MHD_HTTP_HEADER_SET_COOKIE, r->cookies[i]);
	if (r->retry_after_s > 0) {
		snprintf(num, sizeof num, "%" PRId64, r->retry_after_s);
		MHD_add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER, num);
	}
	ret = MHD_queue_response(r->conn, (unsigned)r->status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static void
server_req_free(struct web_req *r)
{
	strbuf_free(&r->out);
	form_free(r->form);
	free(r->location);
	free(r->disposition);
	if (r->has_file)
		close(r->file_fd);
	for (size_t i = 0; i < r->ncookies; i++)
		free(r->cookies[i]);
}

/* The request's language: ?lang= (remembered in a cookie), else the cookie. */
static void
server_req_lang(struct server *s, struct web_req *r)
{
	const char *q = server_query(r, "lang"), *c;

	if (q != NULL && (strcmp(q, "vi") == 0 || strcmp(q, "en") == 0)) {
		r->lang = i18n_lang(q);
		server_set_cookie(r, "xanet_lang", q, 365 * 86400, false);
	} else if ((c = server_cookie(r, "xanet_lang")) != NULL &&
		   (strcmp(c, "vi") == 0 || strcmp(c, "en") == 0))
		r->lang = i18n_lang(c);
	else
		r->lang = s->lang;
}

static void
server_req_ip(struct web_req *r)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(
	    r->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = ci != NULL ? ci->client_addr : NULL;

	str_copy(r->ip, "?", sizeof r->ip);
	if (sa == NULL)
		return;
	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr,
		    r->ip, sizeof r->ip);
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6,
		    &((const struct sockaddr_in6 *)sa)->sin6_addr, r->ip,
		    sizeof r->ip);
}

static const struct route *
server_route(const char *method, const char *path, bool *path_known)
{
	*path_known = false;
	if (strcmp(method, "HEAD") == 0)
		method = "GET";
	for (size_t i = 0; i < NROUTES; i++) {
		const struct route *rt = &routes[i];
		bool match = (rt->flags & ROUTE_PREFIX)
				 ? str_has_prefix(path, rt->path)
				 : strcmp(path, rt->path) == 0;

		if (!match)
			continue;
		*path_known = true;
		if (strcmp(method, rt->method) == 0)
			return rt;
	}
	return NULL;
}

/* No session: 401 JSON for the API, else to the login page. */
static void
server_deny(struct web_req *r)
{
	if (str_has_prefix(r->path, "/api/")) {
		r->status = 401;
		r->content_type = "application/json";
		strbuf_add(&r->out, "{\"error\":\"login required\"}\n");
	} else
		server_redirect(r, "/login");
}

/* The CSRF token of a state-changing request: form field, or header. */
static bool
server_csrf_ok(struct web_req *r)
{
	const char *token = form_get(r->form, "csrf");

	if (token == NULL)
		token = server_header(r, "X-CSRF-Token");
	return auth_csrf_ok(&r->sess, token);
}

static bool
server_is_form(struct web_req *r)
{
	const char *ct = server_header(r, MHD_HTTP_HEADER_CONTENT_TYPE);

	return ct != NULL &&
	       strncasecmp(ct, "application/x-www-form-urlencoded", 33) == 0 &&
	       (ct[33] == '\0' || ct[33] == ';' || ct[33] == ' ');
}

/* Route R, check what its route needs, run its handler. */
static void
server_dispatch(struct server *s, struct web_req *r)
{
	const struct route *rt;
	const char *sid;
	bool known;
	char err[128];
	int users;

	server_req_lang(s, r);
	rt = server_route(r->method, r->path, &known);
	if (rt != NULL && (rt->flags & ROUTE_ALWAYS)) {
		if ((rt->flags & ROUTE_DB) && (r->db = server_db(s)) == NULL) {
			page_error(r, 500, "web.error.500");
			return;
		}
		if (rt->fn(r) == -1)
			page_error(r, 500, "web.error.500");
		return;
	}
	if ((r->db = server_db(s)) == NULL) {
		page_error(r, 500, "web.error.500");
		return;
	}
	if ((users = user_count(r->db)) == -1) {
		page_error(r, 500, "web.error.500");
		return;
	}
	if (users == 0) {
		/* No default password: say how to make the first user. */
		page_setup(r);
		return;
	}
	sid = server_cookie(r, "xanet_session");
	r->has_session = sid != NULL && auth_session_find(r->auth, sid,
					    time_mono_ms(), &r->sess) == 0;
	if (rt == NULL && !r->has_session) {
		server_deny(r);
		return;
	}
	if (rt == NULL) {
		page_error(r, known ? 405 : 404,
		    known ? "web.error.405" : "web.error.404");
		return;
	}
	if ((rt->flags & ROUTE_SESSION) && !r->has_session) {
		server_deny(r);
		return;
	}
	if ((rt->flags & ROUTE_ADMIN) && !r->sess.admin) {
		page_error(r, 403, "web.error.403");
		return;
	}
	if (r->body_len > 0 && server_is_form(r)) {
		r->form = form_parse(r->body, r->body_len, 0, err, sizeof err);
		if (r->form == NULL) {
			log_info("web: %s: bad form from %s: %s", r->path,
			    r->ip, err);
			page_error(r, 400, "web.error.400");
			return;
		}
	}
	if ((rt->flags & ROUTE_WRITE) && !server_csrf_ok(r)) {
		log_notice("web: %s %s from %s (user %s): CSRF token missing "
			   "or wrong",
		    r->method, r->path, r->ip, r->sess.user);
		page_error(r, 403, "web.error.csrf");
		return;
	}
	if (rt->fn(r) == -1)
		page_error(r, 500, "web.error.500");
}

/* A bare error answer outside dispatch (413 while a body arrives). */
static enum MHD_Result
server_reject(struct server *s, struct MHD_Connection *conn, const char *url,
    const char *method, int status, const char *key)
{
	struct web_req r;
	enum MHD_Result ret;

	memset(&r, 0, sizeof r);
	r.srv = s;
	r.conn = conn;
	r.method = method;
	r.path = url;
	r.tls = s->tls;
	r.site_name = s->site_name;
	r.auth = s->auth;
	server_req_lang(s, &r);
	page_error(&r, status, key);
	ret = server_respond(&r);
	server_req_free(&r);
	return ret;
}

/* Content-Length VALUE is over MAX (or not a number: refused too). */
static bool
server_length_over(const char *value, size_t max)
{
	unsigned long long n;
	char *end;

	errno = 0;
	n = strtoull(value, &end, 10);
	return end == value || *end != '\0' || errno != 0 || n > max;
}

static enum MHD_Result
server_access(void *cls, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, const char *upload_data,
    size_t *upload_data_size, void **con_cls)
{
	struct server *s = cls;
	struct server_conn *sc = *con_cls;
	struct web_req r;
	enum MHD_Result ret;
	const char *cl;

	if (sc == NULL) {
		/* Headers only so far: refuse a body announced too big
		 * before a byte of it is read. */
		sc = xcalloc(1, sizeof *sc);
		*con_cls = sc;
		cl = MHD_lookup_connection_value(
		    conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (cl != NULL && server_length_over(cl, s->body_max)) {
			sc->responded = true;
			return server_reject(
			    s, conn, url, method, 413, "web.error.413");
		}
		return MHD_YES;
	}
	if (*upload_data_size > 0) {
		if (sc->responded) {
			*upload_data_size = 0;
			return MHD_NO;
		}
		/*
		 * A chunked body is counted as it arrives. libmicrohttpd
		 * 0.9.x cannot answer in the middle of a body: past the cap
		 * the rest is thrown away unread up to SERVER_DISCARD_MAX
		 * (so a body a little too big still gets its 413 at the
		 * end), and beyond that the connection is closed.
		 */
		if (sc->too_big || *upload_data_size > s->body_max - sc->len) {
			sc->too_big = true;
			free(sc->body);
			sc->body = NULL;
			sc->len = 0;
			sc->discarded += *upload_data_size;
			*upload_data_size = 0;
			if (sc->discarded > SERVER_DISCARD_MAX) {
				server_log_drop(s, url);
				return MHD_NO;
			}
			return MHD_YES;
		}
		sc->body =
		    xreallocarray(sc->body, sc->len + *upload_data_size + 1, 1);
		memcpy(sc->body + sc->len, upload_data, *upload_data_size);
		sc->len += *upload_data_size;
		sc->body[sc->len] = '\0';
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (sc->responded)
		return MHD_NO;
	if (sc->too_big) {
		sc->responded = true;
		return server_reject(
		    s, conn, url, method, 413, "web.error.413");
	}

	memset(&r, 0, sizeof r);
	r.srv = s;
	r.conn = conn;
	r.method = method;
	r.path = url;
	r.body = sc->body != NULL ? sc->body : "";
	r.body_len = sc->len;
	r.auth = s->auth;
	r.site_name = s->site_name;
	r.tls = s->tls;
	r.status = 200;
	r.inbox = s->inbox;
	r.hbweb = s->hbweb;
	r.health_fn = s->health_fn;
	r.health_arg = s->health_arg;
	server_req_ip(&r);
	pthread_rwlock_rdlock(&s->cfg_lock);
	r.cfg = s->cfg;
	server_dispatch(s, &r);
	r.cfg = NULL;
	pthread_rwlock_unlock(&s->cfg_lock);
	ret = server_respond(&r);
	server_req_free(&r);
	return ret;
}

static void
server_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct server_conn *sc = *con_cls;

	if (sc == NULL)
		return;
	free(sc->body);
	free(sc);
	*con_cls = NULL;
}

static void
server_mhd_log(void *cls, const char *fmt, va_list ap)
{
	struct server *s = cls;
	char msg[256];
	bool allow;
	size_t n;

	pthread_mutex_lock(&s->log_lock);
	allow = ratelimit_allow(&s->log_rl, time_mono_ms(), NULL);
	pthread_mutex_unlock(&s->log_lock);
	if (!allow)
		return;
	vsnprintf(msg, sizeof msg, fmt, ap);
	n = strlen(msg);
	while (n > 0 && msg[n - 1] == '\n')
		msg[--n] = '\0';
	log_info("web: %s", msg);
}

/* A chunked body far over the cap: count it, say so now and then. */
static void
server_log_drop(struct server *s, const char *url)
{
	char path[65];
	bool allow;
	uint64_t n;
	size_t i;

	pthread_mutex_lock(&s->log_lock);
	n = ++s->dropped;
	allow = ratelimit_allow(&s->log_rl, time_mono_ms(), NULL);
	pthread_mutex_unlock(&s->log_lock);
	if (!allow)
		return;
	/* The path is the client's: printable ASCII only, cut short. */
	for (i = 0; url[i] != '\0' && i < sizeof path - 1; i++)
		path[i] = url[i] > ' ' && url[i] < 0x7f ? url[i] : '?';
	path[i] = '\0';
	/* A heartbeat path holds its secret token: never logged. */
	if (str_has_prefix(path, "/hb/"))
		path[4] = '\0';
	log_notice("web: %s: chunked body over %zu bytes, connection closed "
		   "(%" PRIu64 " so far)",
	    path, s->body_max, n);
}

/* A reload must not wait behind a stream of readers. */
static void
server_cfg_lock_init(struct server *s)
{
	pthread_rwlockattr_t attr;

	pthread_rwlockattr_init(&attr);
	pthread_rwlockattr_setkind_np(
	    &attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	pthread_rwlock_init(&s->cfg_lock, &attr);
	pthread_rwlockattr_destroy(&attr);
}

void
server_set_config(struct server *s, const struct config *cfg)
{
	if (s == NULL)
		return;
	pthread_rwlock_wrlock(&s->cfg_lock);
	s->cfg = cfg;
	pthread_rwlock_unlock(&s->cfg_lock);
}

static void
server_free(struct server *s)
{
	if (s->tls_key != NULL)
		explicit_bzero(s->tls_key, strlen(s->tls_key));
	free(s->tls_cert);
	free(s->tls_key);
	free(s->db_path);
	free(s->site_name);
	pthread_mutex_destroy(&s->log_lock);
	pthread_rwlock_destroy(&s->cfg_lock);
	free(s);
}

struct server *
server_start(const struct server_config *sc, char *err, size_t errlen)
{
	struct server *s = xcalloc(1, sizeof *s);
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
			 MHD_USE_ITC | MHD_USE_ERROR_LOG;
	int64_t timeout_ms =
	    sc->timeout_ms > 0 ? sc->timeout_ms : SERVER_TIMEOUT_MS;
	unsigned timeout_s = (unsigned)((timeout_ms + 999) / 1000);
	int maxconn = sc->max_connections > 0 ? sc->max_connections
					      : SERVER_MAX_CONNECTIONS;
	int per_ip = sc->per_ip > 0 ? sc->per_ip : SERVER_PER_IP;

	s->listen_fd = sc->listen_fd;
	s->db_path = xstrdup(sc->db_path);
	s->site_name = sc->site_name != NULL ? xstrdup(sc->site_name) : NULL;
	s->lang = sc->lang;
	s->body_max = sc->body_max > 0 ? sc->body_max : SERVER_BODY_MAX;
	s->auth = sc->auth;
	s->inbox = sc->inbox;
	s->hbweb = sc->hbweb;
	s->cfg = sc->cfg;
	s->health_fn = sc->health_fn;
	s->health_arg = sc->health_arg;
	server_cfg_lock_init(s);
	pthread_mutex_init(&s->log_lock, NULL);
	ratelimit_init(&s->log_rl, 60000, 10);
	if (sc->tls_cert != NULL && sc->tls_key != NULL) {
		if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
			snprintf(err, errlen,
			    "web: this libmicrohttpd has no "
			    "TLS support");
			server_free(s);
			return NULL;
		}
		s->tls = true;
		s->tls_cert = xstrdup(sc->tls_cert);
		s->tls_key = xstrdup(sc->tls_key);
		flags |= MHD_USE_TLS;
	}
	if (pthread_key_create(&s->db_key, server_db_close) != 0) {
		snprintf(err, errlen, "web: pthread_key_create failed");
		server_free(s);
		return NULL;
	}
	/*
	 * Two threads: a slow page or a password check (~0.1 s) in one
	 * still leaves the other answering, and at most two Argon2 checks
	 * (64 MiB each) run at once. The limits are split between them.
	 */
	s->mhd = MHD_start_daemon(flags, 0, NULL, NULL, server_access, s,
	    MHD_OPTION_EXTERNAL_LOGGER, server_mhd_log, s,
	    MHD_OPTION_LISTEN_SOCKET, s->listen_fd, MHD_OPTION_THREAD_POOL_SIZE,
	    (unsigned)SERVER_THREADS, MHD_OPTION_CONNECTION_LIMIT,
	    (unsigned)maxconn, MHD_OPTION_PER_IP_CONNECTION_LIMIT,
	    (unsigned)per_ip, MHD_OPTION_CONNECTION_TIMEOUT, timeout_s,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)SERVER_MEMORY_LIMIT,
	    MHD_OPTION_NOTIFY_COMPLETED, server_completed, s,
	    s->tls ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, s->tls_cert,
	    MHD_OPTION_HTTPS_MEM_KEY, s->tls_key, MHD_OPTION_END);
	if (s->mhd == NULL) {
		snprintf(err, errlen,
		    "web: libmicrohttpd would not start%s (see the log)",
		    s->tls ? " (is the TLS certificate and key pair valid?)"
			   : "");
		pthread_key_delete(s->db_key);
		server_free(s);
		return NULL;
	}
	return s;
}

int
server_stop(struct server *s, bool keep_fd)
{
	int fd = -1;

	if (s == NULL)
		return -1;
	if (keep_fd)
		fd = MHD_quiesce_daemon(s->mhd);
	/* Waits for the threads; each closes its database on exit. */
	MHD_stop_daemon(s->mhd);
	pthread_key_delete(s->db_key);
	server_free(s);
	return fd;
}
