/*
 * server.h - the dashboard's HTTP server: libmicrohttpd in its own
 * threads, the route table, request bodies under our own cap, sessions
 * and CSRF checks, security headers, and per-thread read-only database
 * connections. Pages (web/page*.c) are handlers over struct web_req.
 *
 * The web threads never write the database: a change asked for from the
 * dashboard (ack an alert, decide on a host, add a user) goes to the loop
 * as a control command through the bounded queue + ev_async of
 * daemon/inbox.h (DESIGN §2, page_command()), never through a connection
 * of its own.
 */
#ifndef XANET_SERVER_H
#define XANET_SERVER_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/i18n.h"
#include "common/strbuf.h"
#include "web/auth.h"

struct MHD_Connection;
struct config;
struct form;
struct hbweb;
struct inbox;
struct metrics_health;
struct server;

/* Defaults for [web] settings left at 0 (see common/config.h). */
#define SERVER_MAX_CONNECTIONS 256
#define SERVER_PER_IP          32
#define SERVER_TIMEOUT_MS      30000
#define SERVER_BODY_MAX        (64 * 1024)
#define SERVER_SESSION_IDLE_MS (30 * 60000)
/* MHD's per-connection pool: request line, headers, read buffer. */
#define SERVER_MEMORY_LIMIT (64 * 1024)
#define SERVER_THREADS      2

struct server_config {
	int listen_fd;        /* from server_listen(); the server owns it */
	const char *tls_cert; /* PEM text; both set: HTTPS only */
	const char *tls_key;
	int max_connections;
	int per_ip;
	int64_t timeout_ms;
	size_t body_max;
	const char *db_path;   /* opened read-only, once per web thread */
	const char *site_name; /* shown in the page header; may be NULL */
	enum i18n_lang lang;   /* when the client has not chosen */
	struct auth *auth;     /* sessions: the caller's, outlive restarts */
	struct inbox *inbox;   /* changes go to the loop (daemon/inbox.h) */
	struct hbweb *hbweb;   /* /hb/ limits (web/heartbeat.h); the caller's */
	/* The running config (the loop's); swapped by server_set_config. */
	const struct config *cfg;
	/* /metrics: the daemon's health board (web/metrics.h); or NULL. */
	void (*health_fn)(void *arg, struct metrics_health *out);
	void *health_arg;
};

/* One request as a handler sees it, and the response it builds. */
struct web_req {
	struct server *srv;
	struct MHD_Connection *conn;
	const char *method; /* "GET" (HEAD too), "POST", ... */
	const char *path;   /* without the query string */
	const char *body;   /* NUL-terminated; body_len bytes */
	size_t body_len;
	struct form *form; /* a urlencoded body, parsed; or NULL */
	sqlite3 *db;       /* this thread's read-only connection */
	struct auth *auth;
	struct inbox *inbox; /* the loop's inbox, or NULL (tests) */
	struct hbweb *hbweb; /* heartbeat limits, or NULL (server_config) */
	/* The running config, or NULL; valid while the handler runs. */
	const struct config *cfg;
	/* The daemon's health for /metrics, or NULL (server_config). */
	void (*health_fn)(void *arg, struct metrics_health *out);
	void *health_arg;
	const char *site_name;
	enum i18n_lang lang;
	bool tls;
	char ip[64]; /* the client's address */
	bool has_session;
	struct auth_session sess;

	/* The response: 200 text/html from OUT unless a handler says. */
	int status;
	const char *content_type;
	struct strbuf out;
	char *location;   /* 303 See Other to this */
	char *cookies[4]; /* Set-Cookie values */
	size_t ncookies;
	int64_t retry_after_s; /* > 0: Retry-After */
	bool cacheable;        /* static assets; pages are no-store */
	/*
	 * A file instead of OUT (the evidence pack): the server sends
	 * FILE_SIZE bytes of FILE_FD and closes it. DISPOSITION: a
	 * Content-Disposition value, or NULL.
	 */
	bool has_file;
	int file_fd;
	uint64_t file_size;
	char *disposition;
};

/*
 * A listening TCP socket on ADDR:PORT (IPv4 or IPv6 literal), made
 * before privileges are dropped so that a port below 1024 works. The
 * fd, or -1 with the reason in ERR.
 */
int server_listen(const char *addr, int port, char *err, size_t errlen);
/*
 * Start serving on SC->listen_fd in the server's own threads (the
 * strings in SC are copied). NULL with the reason in ERR; the fd is then
 * still the caller's.
 */
struct server *server_start(
    const struct server_config *sc, char *err, size_t errlen);
/*
 * Stop: close every connection, wait for the threads (a request being
 * handled finishes first). With KEEP_FD the listening socket stays open
 * and is returned (for a restart on the same address); otherwise it is
 * closed and -1 returned.
 */
int server_stop(struct server *s, bool keep_fd);
/*
 * Loop thread, after a reload: handlers see CFG from now on. Returns
 * once no handler uses the previous config any more (it may be freed).
 */
void server_set_config(struct server *s, const struct config *cfg);

/* Request helpers for handlers. NULL when absent. */
const char *server_header(struct web_req *r, const char *name);
const char *server_query(struct web_req *r, const char *name);
const char *server_cookie(struct web_req *r, const char *name);
/*
 * Set cookie NAME=VALUE (VALUE of cookie-safe characters) for Path=/,
 * SameSite=Strict, Secure under TLS, HttpOnly if HTTP_ONLY; MAX_AGE_S
 * < 0: for the browser session; 0: delete it.
 */
void server_set_cookie(struct web_req *r, const char *name, const char *value,
    int64_t max_age_s, bool http_only);
/* Answer 303 See Other to LOCATION (a path of ours). */
void server_redirect(struct web_req *r, const char *location);

#endif
