/* http.c - the http:// and https:// probe: libcurl's multi interface on libev. */
#include <ctype.h>
#include <curl/curl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "common/config.h"
#include "common/log.h"
#include "common/util.h"
#include "probes/engine.h"
#include "probes/http.h"

#define HTTP_DEFAULT_TIMEOUT_MS 10000
/*
 * probes.c's deadline comes this long after curl's own timeout, so that
 * curl, which knows how far the transfer got, reports first.
 */
#define HTTP_DEADLINE_SLACK_MS 1000

struct http_sock;
struct http_round;

struct http_engine {
	struct ev_loop *loop;
	CURLM *multi;
	ev_timer timer; /* curl's one timeout (CURLMOPT_TIMERFUNCTION) */
	char *ca_file;  /* HTTP_CA_FILE_ENV, or NULL for the system's */
	/* Kept so that close() can free what curl never handed back. */
	struct http_sock *socks;
	struct http_round *rounds;
};

/* One socket curl asked us to watch (CURLMOPT_SOCKETFUNCTION). */
struct http_sock {
	ev_io io;
	struct http_engine *e;
	struct http_sock *prev, *next;
};

/* One round in flight; p->priv while it runs, freed when it ends. */
struct http_round {
	struct http_engine *e;
	struct probe *p;
	CURL *easy;
	char errbuf[CURL_ERROR_SIZE];
	char *body; /* HTTP_BODY_MAX bytes, only when the body is checked */
	size_t bodylen;
	size_t received;
	bool capped; /* we ended the transfer at HTTP_BODY_MAX */
	/* A setup failure is reported from the loop, never inside start(). */
	ev_timer defer;
	char defer_detail[96];
	struct http_round *prev, *next;
};

/*
 * Walk an accepted-status list ("200-399,401"): with ERR, check it; with
 * CODE > 0, set *MATCH when CODE is in it. -1 on a malformed list.
 */
static int
status_list_walk(
    const char *list, int code, bool *match, char *err, size_t errlen)
{
	const char *s = list;
	long lo, hi;
	char *end;

	if (match != NULL)
		*match = false;
	for (;;) {
		while (*s == ' ' || *s == '\t')
			s++;
		if (!isdigit((unsigned char)*s))
			goto bad;
		lo = strtol(s, &end, 10);
		s = end;
		while (*s == ' ' || *s == '\t')
			s++;
		hi = lo;
		if (*s == '-') {
			s++;
			while (*s == ' ' || *s == '\t')
				s++;
			if (!isdigit((unsigned char)*s))
				goto bad;
			hi = strtol(s, &end, 10);
			s = end;
			while (*s == ' ' || *s == '\t')
				s++;
		}
		if (lo < 100 || hi > 599 || lo > hi) {
			snprintf(err, errlen,
			    "http_status '%s': codes are 100-599, ranges "
			    "low-high",
			    list);
			return -1;
		}
		if (match != NULL && code >= lo && code <= hi)
			*match = true;
		if (*s == '\0')
			return 0;
		if (*s != ',')
			goto bad;
		s++;
	}
bad:
	snprintf(err, errlen,
	    "http_status '%s': expected codes and ranges, e.g. 200-399,401",
	    list);
	return -1;
}

static void
spec_clear(struct probe_spec *spec)
{
	free(spec->url);
	free(spec->http_status);
	free(spec->http_contains);
	memset(spec, 0, sizeof *spec);
}

static int
http_parse(const char *text, const struct config_device *dev,
    struct probe_spec *spec, char *err, size_t errlen)
{
	CURLU *u;
	CURLUcode uc;
	char *host = NULL, *port = NULL;
	const char *status;
	int rc = -1;

	memset(spec, 0, sizeof *spec);
	if (strncasecmp(text, "http://", 7) != 0 &&
	    strncasecmp(text, "https://", 8) != 0) {
		snprintf(err, errlen, "not an http:// or https:// URL");
		return -1;
	}
	if ((u = curl_url()) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	uc = curl_url_set(u, CURLUPART_URL, text, 0);
	if (uc != CURLUE_OK) {
#if LIBCURL_VERSION_NUM >= 0x075000
		snprintf(err, errlen, "bad URL: %s", curl_url_strerror(uc));
#else
		snprintf(err, errlen, "bad URL");
#endif
		goto out;
	}
	/* curl reads "http:///x" as host "x"; a person meant no host. */
	if (strstr(text, "://")[3] == '/' ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK ||
	    host == NULL || *host == '\0') {
		snprintf(err, errlen, "bad URL: no host");
		goto out;
	}
	spec->kind = PROBE_HTTP;
	/* curl has checked the port is 0-65535; 0 means "the scheme's". */
	if (curl_url_get(u, CURLUPART_PORT, &port, 0) == CURLUE_OK &&
	    port != NULL)
		spec->port = (uint16_t)strtol(port, NULL, 10);
	status = dev != NULL && dev->http_status != NULL ? dev->http_status
							 : HTTP_STATUS_DEFAULT;
	if (status_list_walk(status, 0, NULL, err, errlen) == -1)
		goto out;
	spec->url = xstrdup(text);
	spec->http_status = xstrdup(status);
	if (dev != NULL && dev->http_contains != NULL &&
	    *dev->http_contains != '\0')
		spec->http_contains = xstrdup(dev->http_contains);
	rc = 0;
out:
	if (rc == -1)
		spec_clear(spec);
	curl_free(host);
	curl_free(port);
	curl_url_cleanup(u);
	return rc;
}

static void
round_unlink_free(struct http_round *h)
{
	struct http_engine *e = h->e;

	ev_timer_stop(e->loop, &h->defer);
	if (h->easy != NULL) {
		curl_multi_remove_handle(e->multi, h->easy);
		curl_easy_cleanup(h->easy);
	}
	if (h->prev != NULL)
		h->prev->next = h->next;
	else
		e->rounds = h->next;
	if (h->next != NULL)
		h->next->prev = h->prev;
	h->p->priv = NULL;
	free(h->body);
	free(h);
}

static void
result_init(struct probe_result *r)
{
	memset(r, 0, sizeof *r);
	r->rtt_us = -1;
	r->rtt_min_us = -1;
	r->rtt_max_us = -1;
	r->jitter_us = -1;
	r->sent = 1;
	r->cert_days = -1;
}

/* Whole days from now to the earliest "Expire date" of the chain, or -1. */
static int
cert_days_left(CURL *easy, bool *found)
{
	struct curl_certinfo *ci = NULL;
	struct curl_slist *sl;
	time_t now = time(NULL), t;
	long long d, best = 0;
	int i;

	*found = false;
	if (curl_easy_getinfo(easy, CURLINFO_CERTINFO, &ci) != CURLE_OK ||
	    ci == NULL)
		return -1;
	/* An intermediate that expires first breaks the site just the same. */
	for (i = 0; i < ci->num_of_certs; i++) {
		for (sl = ci->certinfo[i]; sl != NULL; sl = sl->next) {
			if (strncasecmp(sl->data, "Expire date:", 12) != 0)
				continue;
			t = curl_getdate(sl->data + 12, NULL);
			if (t == -1)
				continue;
			d = (long long)t - (long long)now;
			d = d >= 0 ? d / 86400 : -((-d + 86399) / 86400);
			if (!*found || d < best)
				best = d;
			*found = true;
		}
	}
	if (best > 100000)
		best = 100000;
	if (best < -100000)
		best = -100000;
	return (int)best;
}

/* Sort a failed transfer into a cause; the detail is curl's own words. */
static void
result_classify(struct http_round *h, CURLcode rc, struct probe_result *r)
{
	long oserr = 0;
	const char *msg =
	    h->errbuf[0] != '\0' ? h->errbuf : curl_easy_strerror(rc);

	str_copy(r->detail, msg, sizeof r->detail);
	switch (rc) {
	case CURLE_OPERATION_TIMEDOUT:
		r->cause = CAUSE_TIMEOUT;
		break;
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
		r->cause = CAUSE_DNS;
		break;
	case CURLE_COULDNT_CONNECT:
		curl_easy_getinfo(h->easy, CURLINFO_OS_ERRNO, &oserr);
		if (oserr == ECONNREFUSED) {
			r->cause = CAUSE_REFUSED;
			str_copy(
			    r->detail, "connection refused", sizeof r->detail);
		} else if (oserr == EHOSTUNREACH || oserr == ENETUNREACH) {
			r->cause = CAUSE_UNREACHABLE;
			str_copy(r->detail,
			    oserr == EHOSTUNREACH ? "host unreachable"
						  : "network unreachable",
			    sizeof r->detail);
		} else
			r->cause = CAUSE_NETWORK;
		break;
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_SHUTDOWN_FAILED:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_INVALIDCERTSTATUS:
	case CURLE_SSL_CLIENTCERT:
	case CURLE_USE_SSL_FAILED:
		r->cause = CAUSE_TLS;
		break;
	/*
	 * Our own TLS setup (a CA file that will not load, an engine) is a
	 * monitoring fault, not the device's: it must not count as downtime.
	 */
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_CRL_BADFILE:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_ENGINE_NOTFOUND:
	case CURLE_SSL_ENGINE_SETFAILED:
	case CURLE_SSL_ENGINE_INITFAILED:
	case CURLE_OUT_OF_MEMORY:
	case CURLE_FAILED_INIT:
		r->cause = CAUSE_MONITOR;
		break;
	default:
		r->cause = CAUSE_NETWORK;
		break;
	}
}

static bool
status_accepted(const struct probe *p, int code)
{
	bool match;
	char err[160];

	if (status_list_walk(p->spec.http_status != NULL ? p->spec.http_status
							 : HTTP_STATUS_DEFAULT,
		code, &match, err, sizeof err) == -1)
		return false; /* parse() let no bad list through */
	return match;
}

/* Copy at most SIZE-1 bytes of S, never half a UTF-8 character. */
static void
utf8_cut(char *dst, const char *s, size_t size)
{
	size_t n = strlen(s);

	if (n >= size) {
		n = size - 1;
		while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
	}
	memcpy(dst, s, n);
	dst[n] = '\0';
}

static void
round_end(struct http_round *h, CURLcode rc)
{
	struct probe *p = h->p;
	struct probe_result r;
	long code = 0;
	curl_off_t total = -1;
	bool has_cert;
	char want[64];
	int days;

	result_init(&r);
	curl_easy_getinfo(h->easy, CURLINFO_RESPONSE_CODE, &code);
	r.http_status = code > 0 && code < 1000 ? (int)code : 0;
	days = cert_days_left(h->easy, &has_cert);
	if (has_cert)
		r.cert_days = days;
	if (r.http_status != 0 &&
	    curl_easy_getinfo(h->easy, CURLINFO_TOTAL_TIME_T, &total) ==
		CURLE_OK)
		r.rtt_us = total;
	/* Ending the transfer at the body cap is ours, not a failure. */
	if (rc == CURLE_WRITE_ERROR && h->capped)
		rc = CURLE_OK;

	if (rc != CURLE_OK) {
		result_classify(h, rc, &r);
	} else if (!status_accepted(p, r.http_status)) {
		r.cause = CAUSE_HTTP_STATUS;
		snprintf(r.detail, sizeof r.detail, "HTTP %d", r.http_status);
	} else if (p->spec.http_contains != NULL &&
		   memmem(h->body, h->bodylen, p->spec.http_contains,
		       strlen(p->spec.http_contains)) == NULL) {
		r.cause = CAUSE_HTTP_BODY;
		utf8_cut(want, p->spec.http_contains, sizeof want);
		snprintf(r.detail, sizeof r.detail,
		    "HTTP %d, but the %sbody lacks \"%s\"", r.http_status,
		    h->capped ? "first 64 KB of the " : "", want);
	} else {
		r.ok = true;
		r.received = 1;
		snprintf(r.detail, sizeof r.detail, "HTTP %d", r.http_status);
	}
	/* Freed first: the receiver may start the next round of P at once. */
	round_unlink_free(h);
	probe_done(p, &r);
}

/* Hand curl's finished transfers back as results. */
static void
multi_drain(struct http_engine *e)
{
	CURLMsg *msg;
	int left;
	CURL *easy;
	CURLcode rc;
	char *priv;

	while ((msg = curl_multi_info_read(e->multi, &left)) != NULL) {
		if (msg->msg != CURLMSG_DONE)
			continue;
		/* MSG dies with the handle: copy what we need first. */
		easy = msg->easy_handle;
		rc = msg->data.result;
		priv = NULL;
		curl_easy_getinfo(easy, CURLINFO_PRIVATE, &priv);
		if (priv != NULL)
			round_end((struct http_round *)priv, rc);
	}
}

static void
sock_io_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct http_sock *hs = w->data;
	struct http_engine *e = hs->e;
	int running, action = 0;

	if (revents & EV_READ)
		action |= CURL_CSELECT_IN;
	if (revents & EV_WRITE)
		action |= CURL_CSELECT_OUT;
	/* HS may be freed in here (CURL_POLL_REMOVE). */
	curl_multi_socket_action(e->multi, w->fd, action, &running);
	multi_drain(e);
}

static void
timer_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct http_engine *e = w->data;
	int running;

	curl_multi_socket_action(e->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	multi_drain(e);
}

static int
multi_timer_fn(CURLM *multi, long timeout_ms, void *userp)
{
	struct http_engine *e = userp;

	/* curl forbids calling it back from here: a 0 s timer does it. */
	ev_timer_stop(e->loop, &e->timer);
	if (timeout_ms >= 0) {
		ev_timer_set(&e->timer, timeout_ms / 1000.0, 0.);
		ev_timer_start(e->loop, &e->timer);
	}
	return 0;
}

static void
sock_free(struct http_engine *e, struct http_sock *hs)
{
	ev_io_stop(e->loop, &hs->io);
	if (hs->prev != NULL)
		hs->prev->next = hs->next;
	else
		e->socks = hs->next;
	if (hs->next != NULL)
		hs->next->prev = hs->prev;
	free(hs);
}

static int
multi_socket_fn(
    CURL *easy, curl_socket_t s, int what, void *userp, void *socketp)
{
	struct http_engine *e = userp;
	struct http_sock *hs = socketp;
	int events = 0;

	if (what == CURL_POLL_REMOVE) {
		if (hs != NULL) {
			sock_free(e, hs);
			curl_multi_assign(e->multi, s, NULL);
		}
		return 0;
	}
	if (what & CURL_POLL_IN)
		events |= EV_READ;
	if (what & CURL_POLL_OUT)
		events |= EV_WRITE;
	if (hs == NULL) {
		hs = xcalloc(1, sizeof *hs);
		hs->e = e;
		ev_init(&hs->io, sock_io_cb);
		hs->io.data = hs;
		hs->next = e->socks;
		if (e->socks != NULL)
			e->socks->prev = hs;
		e->socks = hs;
		curl_multi_assign(e->multi, s, hs);
	} else
		ev_io_stop(e->loop, &hs->io);
	ev_io_set(&hs->io, s, events);
	ev_io_start(e->loop, &hs->io);
	return 0;
}

static size_t
write_cb(char *ptr, size_t size, size_t nmemb, void *userdata)
{
	struct http_round *h = userdata;
	size_t n = size * nmemb, take;

	if (h->body != NULL) {
		take = HTTP_BODY_MAX - h->bodylen;
		if (take > n)
			take = n;
		memcpy(h->body + h->bodylen, ptr, take);
		h->bodylen += take;
	}
	h->received += n;
	/* Bounded: a large download must not hold the round or the memory. */
	if (h->received >= HTTP_BODY_MAX) {
		h->capped = true;
		return 0;
	}
	return n;
}

static void *
http_open(
    struct ev_loop *loop, struct probes_stats *stats, char *err, size_t errlen)
{
	struct http_engine *e;
	curl_version_info_data *vi;
	const char *ca;

	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		snprintf(err, errlen, "libcurl: global init failed");
		return NULL;
	}
	vi = curl_version_info(CURLVERSION_NOW);
	if (!(vi->features & CURL_VERSION_ASYNCHDNS))
		log_warn("libcurl %s resolves host names synchronously: an "
			 "http probe of a name can stall every probe; use IP "
			 "addresses in URLs or a libcurl with the threaded "
			 "resolver",
		    vi->version);
	e = xcalloc(1, sizeof *e);
	e->loop = loop;
	e->multi = curl_multi_init();
	if (e->multi == NULL) {
		snprintf(err, errlen, "libcurl: cannot create a multi handle");
		free(e);
		curl_global_cleanup();
		return NULL;
	}
	ev_init(&e->timer, timer_cb);
	e->timer.data = e;
	curl_multi_setopt(e->multi, CURLMOPT_SOCKETFUNCTION, multi_socket_fn);
	curl_multi_setopt(e->multi, CURLMOPT_SOCKETDATA, e);
	curl_multi_setopt(e->multi, CURLMOPT_TIMERFUNCTION, multi_timer_fn);
	curl_multi_setopt(e->multi, CURLMOPT_TIMERDATA, e);
	ca = getenv(HTTP_CA_FILE_ENV);
	if (ca != NULL && *ca != '\0') {
		e->ca_file = xstrdup(ca);
		log_notice("https probes trust only the CAs in %s (%s is set)",
		    ca, HTTP_CA_FILE_ENV);
	}
	return e;
}

static void
http_close(void *engine)
{
	struct http_engine *e = engine;

	if (e == NULL)
		return;
	while (e->rounds != NULL)
		round_unlink_free(e->rounds);
	curl_multi_cleanup(e->multi);
	/* curl drops its socket table without REMOVE calls on cleanup. */
	while (e->socks != NULL)
		sock_free(e, e->socks);
	ev_timer_stop(e->loop, &e->timer);
	free(e->ca_file);
	free(e);
	curl_global_cleanup();
}

static void
defer_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct http_round *h = w->data;
	struct probe *p = h->p;
	struct probe_result r;

	result_init(&r);
	r.cause = CAUSE_MONITOR;
	str_copy(r.detail, h->defer_detail, sizeof r.detail);
	round_unlink_free(h);
	probe_done(p, &r);
}

static void
round_fail_soon(struct http_round *h, const char *detail)
{
	if (h->easy != NULL) {
		curl_easy_cleanup(h->easy);
		h->easy = NULL;
	}
	str_copy(h->defer_detail, detail, sizeof h->defer_detail);
	ev_timer_set(&h->defer, 0., 0.);
	ev_timer_start(h->e->loop, &h->defer);
}

static void
http_start(void *engine, struct probe *p)
{
	struct http_engine *e = engine;
	struct http_round *h;
	CURL *c;
	long timeout_ms;

	/* A round still open: the caller broke the contract; end it. */
	if (p->priv != NULL)
		round_unlink_free(p->priv);
	h = xcalloc(1, sizeof *h);
	h->e = e;
	h->p = p;
	ev_init(&h->defer, defer_cb);
	h->defer.data = h;
	h->next = e->rounds;
	if (e->rounds != NULL)
		e->rounds->prev = h;
	e->rounds = h;
	p->priv = h;
	if (p->spec.http_contains != NULL)
		h->body = xmalloc(HTTP_BODY_MAX);
	if (p->spec.url == NULL) {
		round_fail_soon(h, "no URL");
		return;
	}
	if ((c = h->easy = curl_easy_init()) == NULL) {
		round_fail_soon(h, "libcurl: cannot create a handle");
		return;
	}
	timeout_ms =
	    p->timeout_ms > 0 ? (long)p->timeout_ms : HTTP_DEFAULT_TIMEOUT_MS;
	curl_easy_setopt(c, CURLOPT_URL, p->spec.url);
	curl_easy_setopt(c, CURLOPT_PRIVATE, h);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, h->errbuf);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, write_cb);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, h);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "xanet/" PACKAGE_VERSION);
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
#else
	curl_easy_setopt(
	    c, CURLOPT_PROTOCOLS, CURLPROTO_HTTP | CURLPROTO_HTTPS);
#endif
	/*
	 * Every round as a first visitor: a reused connection would hide a
	 * dead listener, a resumed TLS session would hide the certificate
	 * (and CURLINFO_CERTINFO with it), a cached name a DNS outage.
	 */
	curl_easy_setopt(c, CURLOPT_FORBID_REUSE, 1L);
	curl_easy_setopt(c, CURLOPT_FRESH_CONNECT, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_SESSIONID_CACHE, 0L);
	curl_easy_setopt(c, CURLOPT_DNS_CACHE_TIMEOUT, 0L);
	curl_easy_setopt(c, CURLOPT_CERTINFO, 1L);
	if (e->ca_file != NULL)
		curl_easy_setopt(c, CURLOPT_CAINFO, e->ca_file);
	if (curl_multi_add_handle(e->multi, c) != CURLM_OK) {
		round_fail_soon(h, "libcurl: cannot add a transfer");
		return;
	}
}

static void
http_cancel(void *engine, struct probe *p)
{
	if (p->priv != NULL)
		round_unlink_free(p->priv);
}

static int64_t
http_round_ms(const struct probe *p)
{
	return (p->timeout_ms > 0 ? p->timeout_ms : HTTP_DEFAULT_TIMEOUT_MS) +
	       HTTP_DEADLINE_SLACK_MS;
}

const struct probe_engine probe_engine_http = {
    .name = "http",
    .kind = PROBE_HTTP,
    .needs_address = false,
    .parse = http_parse,
    .open = http_open,
    .close = http_close,
    .start = http_start,
    .cancel = http_cancel,
    .round_ms = http_round_ms,
};
