/* resolve.c - the asynchronous resolver: c-ares sockets and timeouts on libev. */
#include <arpa/inet.h>
#include <ares.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "common/util.h"
#include "probes/resolve.h"

#define RESOLVE_TIMEOUT_MS   1500
#define RESOLVE_TRIES        2
#define RESOLVE_MAX_INFLIGHT 256
#define RESOLVE_MAX_SERVERS  16
#define RESOLVE_MAX_NAME     253 /* RFC 1035, without the final dot */

/* One socket c-ares asked us to watch. */
struct rsock {
	ev_io io;
	struct resolver *r;
	struct rsock *next;
};

struct resolve_query {
	struct resolver *r;
	resolve_cb cb;
	void *arg;
	int family; /* as asked */
	int asking; /* what the query at c-ares asks: AF_INET, then AF_INET6 */
	char *name; /* kept for the AAAA query that may follow the A one */
	bool cancelled;
	bool at_ares; /* c-ares still holds it: freed by its callback */
	/* The result, kept until the deliver timer hands it over. */
	int status;
	struct sockaddr_storage ss;
	socklen_t salen;
	int ttl_s;
	const char *errmsg; /* static */
	struct resolve_query *next;
};

struct resolver {
	struct ev_loop *loop;
	ares_channel channel;
	bool channel_ok;
	ev_timer timer;   /* c-ares's next retransmission or timeout */
	ev_timer deliver; /* results wait here for the next loop iteration */
	struct rsock *socks;
	struct resolve_query *done_head;
	struct resolve_query **done_tail;
	size_t inflight;
	size_t max_inflight;
	bool delivering;
	bool free_pending;
	bool destroying;
};

static void resolver_destroy(struct resolver *r);
static void query_submit(struct resolve_query *q);

static void
query_free(struct resolve_query *q)
{
	free(q->name);
	free(q);
}

static void
timer_update(struct resolver *r)
{
	struct timeval tv, *tvp;

	ev_timer_stop(r->loop, &r->timer);
	if (r->destroying)
		return;
	tvp = ares_timeout(r->channel, NULL, &tv);
	if (tvp == NULL)
		return;
	ev_timer_set(&r->timer, tvp->tv_sec + tvp->tv_usec / 1e6, 0.);
	ev_timer_start(r->loop, &r->timer);
}

static void
timer_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct resolver *r = w->data;

	ares_process_fd(r->channel, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
	timer_update(r);
}

static void
sock_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct rsock *s = w->data;
	struct resolver *r = s->r;
	int fd = w->fd;

	/* c-ares may close this socket (and free S through sock_state_cb). */
	ares_process_fd(r->channel, (revents & EV_READ) ? fd : ARES_SOCKET_BAD,
	    (revents & EV_WRITE) ? fd : ARES_SOCKET_BAD);
	timer_update(r);
}

static void
sock_state_cb(void *data, ares_socket_t fd, int readable, int writable)
{
	struct resolver *r = data;
	struct rsock *s, **sp;
	int events = (readable ? EV_READ : 0) | (writable ? EV_WRITE : 0);

	for (sp = &r->socks; (s = *sp) != NULL; sp = &s->next)
		if (s->io.fd == fd)
			break;
	if (events == 0) {
		if (s != NULL) {
			ev_io_stop(r->loop, &s->io);
			*sp = s->next;
			free(s);
		}
		return;
	}
	if (s == NULL) {
		s = xcalloc(1, sizeof *s);
		s->r = r;
		ev_io_init(&s->io, sock_cb, fd, events);
		s->io.data = s;
		s->next = r->socks;
		r->socks = s;
	} else {
		ev_io_stop(r->loop, &s->io);
		ev_io_set(&s->io, fd, events);
	}
	ev_io_start(r->loop, &s->io);
}

static void
deliver_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct resolver *r = w->data;
	struct resolve_query *q;

	/* A callback may start queries, cancel them, or free R. */
	r->delivering = true;
	while (!r->free_pending && (q = r->done_head) != NULL) {
		r->done_head = q->next;
		if (r->done_head == NULL)
			r->done_tail = &r->done_head;
		if (!q->cancelled)
			q->cb(q->arg, q->status,
			    q->status == 0 ? (struct sockaddr *)&q->ss : NULL,
			    q->salen, q->ttl_s, q->errmsg);
		query_free(q);
	}
	r->delivering = false;
	if (r->free_pending)
		resolver_destroy(r);
}

/* Hand Q's result over on the next loop iteration. */
static void
query_finish(struct resolve_query *q)
{
	struct resolver *r = q->r;

	q->next = NULL;
	*r->done_tail = q;
	r->done_tail = &q->next;
	if (!ev_is_active(&r->deliver)) {
		ev_timer_set(&r->deliver, 0., 0.);
		ev_timer_start(r->loop, &r->deliver);
	}
}

static void
query_fail(struct resolve_query *q, const char *errmsg)
{
	q->status = -1;
	q->errmsg = errmsg;
	query_finish(q);
}

static const char *
status_message(int status)
{
	switch (status) {
	case ARES_ENOTFOUND:
		return "no such host";
	case ARES_ENODATA:
		return "no address";
	case ARES_ETIMEOUT:
		return "timeout";
	/*
	 * c-ares 1.18 ends a query that every server answered with SERVFAIL
	 * with ECONNREFUSED, as it does when none could be reached at all.
	 */
	case ARES_ESERVFAIL:
	case ARES_ECONNREFUSED:
		return "server failure";
	case ARES_EREFUSED:
		return "query refused";
	case ARES_EBADNAME:
		return "bad host name";
	case ARES_EFORMERR:
	case ARES_EBADRESP:
		return "bad response";
	case ARES_ENOMEM:
		return "out of memory";
	default:
		return ares_strerror(status);
	}
}

static void
ares_done(void *arg, int status, int timeouts, struct ares_addrinfo *res)
{
	struct resolve_query *q = arg;
	struct resolver *r = q->r;
	struct ares_addrinfo_node *n, *pick = NULL;

	q->at_ares = false;
	r->inflight--;
	if (q->cancelled || r->destroying || status == ARES_EDESTRUCTION ||
	    status == ARES_ECANCELLED) {
		ares_freeaddrinfo(res);
		query_free(q);
		return;
	}
	for (n = status == ARES_SUCCESS && res != NULL ? res->nodes : NULL;
	     n != NULL && pick == NULL; n = n->ai_next)
		if (n->ai_family == q->asking && n->ai_addr != NULL &&
		    n->ai_addrlen <= sizeof q->ss)
			pick = n;
	if (pick == NULL && q->family == AF_UNSPEC && q->asking == AF_INET &&
	    (status == ARES_SUCCESS || status == ARES_ENODATA)) {
		/* The name is there, without IPv4: now its IPv6 address. */
		ares_freeaddrinfo(res);
		q->asking = AF_INET6;
		query_submit(q);
		return;
	}
	if (pick == NULL) {
		ares_freeaddrinfo(res);
		query_fail(q, status == ARES_SUCCESS ? "no address"
						     : status_message(status));
		return;
	}
	memset(&q->ss, 0, sizeof q->ss);
	memcpy(&q->ss, pick->ai_addr, pick->ai_addrlen);
	q->salen = pick->ai_addrlen;
	q->ttl_s = pick->ai_ttl > 0 ? pick->ai_ttl : 0;
	q->status = 0;
	q->errmsg = NULL;
	ares_freeaddrinfo(res);
	query_finish(q);
}

/* Hand Q to c-ares, asking for q->asking. */
static void
query_submit(struct resolve_query *q)
{
	struct ares_addrinfo_hints hints;

	memset(&hints, 0, sizeof hints);
	/* No RFC 6724 sort: it opens a socket per address; we pick by family. */
	hints.ai_flags = ARES_AI_NOSORT;
	hints.ai_family = q->asking;
	hints.ai_socktype = SOCK_STREAM;
	/* Counted first: c-ares answers /etc/hosts names inside the call. */
	q->at_ares = true;
	q->r->inflight++;
	ares_getaddrinfo(q->r->channel, q->name, NULL, &hints, ares_done, q);
}

/* An IP literal needs no query: 0 when NAME was one (Q then finished). */
static int
query_literal(struct resolve_query *q, const char *name)
{
	struct addrinfo hints, *res;
	struct sockaddr_in *sin = (struct sockaddr_in *)&q->ss;

	memset(&q->ss, 0, sizeof q->ss);
	/* Strict dotted quads only: inet_aton's "10.1" is a typo here. */
	if (inet_pton(AF_INET, name, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		q->salen = sizeof *sin;
	} else if (strchr(name, ':') != NULL) {
		memset(&hints, 0, sizeof hints);
		/*
		 * getaddrinfo for the "%eth0" zone of link-local addresses;
		 * AI_NUMERICHOST keeps it a parser that never goes out.
		 */
		hints.ai_flags = AI_NUMERICHOST;
		hints.ai_family = AF_INET6;
		hints.ai_socktype = SOCK_STREAM;
		if (getaddrinfo(name, NULL, &hints, &res) != 0)
			return -1;
		if (res->ai_addrlen > sizeof q->ss) {
			freeaddrinfo(res);
			return -1;
		}
		memcpy(&q->ss, res->ai_addr, res->ai_addrlen);
		q->salen = res->ai_addrlen;
		freeaddrinfo(res);
	} else
		return -1;
	if (q->family != AF_UNSPEC && q->ss.ss_family != q->family) {
		query_fail(q, q->family == AF_INET ? "not an IPv4 address"
						   : "not an IPv6 address");
		return 0;
	}
	q->ttl_s = -1;
	q->status = 0;
	query_finish(q);
	return 0;
}

struct resolve_query *
resolver_query(
    struct resolver *r, const char *name, int family, resolve_cb cb, void *arg)
{
	struct resolve_query *q = xcalloc(1, sizeof *q);
	size_t len = name != NULL ? strlen(name) : 0;

	q->r = r;
	q->cb = cb;
	q->arg = arg;
	q->family = family;
	q->ttl_s = 0;
	if (family != AF_UNSPEC && family != AF_INET && family != AF_INET6) {
		query_fail(q, "bad address family");
		return q;
	}
	if (len == 0 || len > RESOLVE_MAX_NAME + 1 ||
	    (len == RESOLVE_MAX_NAME + 1 && name[len - 1] != '.')) {
		query_fail(q, "bad host name");
		return q;
	}
	if (query_literal(q, name) == 0)
		return q;
	if (r->inflight >= r->max_inflight) {
		query_fail(q, "resolver busy");
		return q;
	}
	/*
	 * AF_UNSPEC asks for A alone first, and AAAA only for a name without
	 * one: cheap home routers that drop AAAA queries must not make every
	 * lookup wait out a timeout.
	 */
	q->name = xstrdup(name);
	q->asking = family == AF_INET6 ? AF_INET6 : AF_INET;
	query_submit(q);
	timer_update(r);
	return q;
}

void
resolver_cancel(struct resolve_query *q)
{
	if (q == NULL)
		return;
	/*
	 * Whether still at c-ares or waiting on the done list, the owner of
	 * Q frees it; the flag only keeps the callback from running.
	 */
	q->cancelled = true;
	q->cb = NULL;
	q->arg = NULL;
}

size_t
resolver_inflight(const struct resolver *r)
{
	return r->inflight;
}

/* Parse one "IP", "IP:PORT" or "[IPv6]:PORT" of a server list. */
static int
server_parse(
    const char *tok, struct ares_addr_port_node *node, char *err, size_t errlen)
{
	char host[INET6_ADDRSTRLEN + 1];
	const char *port = NULL, *end, *colon;
	size_t hlen;
	char *ep;
	long p = 53;

	if (tok[0] == '[') {
		end = strchr(tok, ']');
		if (end == NULL || (end[1] != '\0' && end[1] != ':')) {
			snprintf(err, errlen,
			    "bad DNS server '%s': expected [IPv6]:PORT", tok);
			return -1;
		}
		hlen = (size_t)(end - tok - 1);
		tok++;
		if (end[1] == ':')
			port = end + 2;
	} else {
		colon = strchr(tok, ':');
		/* Two colons or more: a bare IPv6 address, no port. */
		if (colon != NULL && strchr(colon + 1, ':') == NULL) {
			hlen = (size_t)(colon - tok);
			port = colon + 1;
		} else
			hlen = strlen(tok);
	}
	if (hlen == 0 || hlen >= sizeof host) {
		snprintf(
		    err, errlen, "bad DNS server '%s': not an IP address", tok);
		return -1;
	}
	memcpy(host, tok, hlen);
	host[hlen] = '\0';
	if (inet_pton(AF_INET, host, &node->addr.addr4) == 1)
		node->family = AF_INET;
	else if (inet_pton(AF_INET6, host, &node->addr.addr6) == 1)
		node->family = AF_INET6;
	else {
		snprintf(err, errlen, "bad DNS server '%s': not an IP address",
		    host);
		return -1;
	}
	if (port != NULL) {
		errno = 0;
		p = strtol(port, &ep, 10);
		if (*port < '0' || *port > '9' || *ep != '\0' || errno != 0 ||
		    p < 1 || p > 65535) {
			snprintf(err, errlen,
			    "bad DNS server port '%s': must be 1-65535", port);
			return -1;
		}
	}
	node->udp_port = (int)p;
	node->tcp_port = (int)p;
	return 0;
}

static int
servers_set(struct resolver *r, const char *servers, char *err, size_t errlen)
{
	struct ares_addr_port_node nodes[RESOLVE_MAX_SERVERS];
	char *copy = xstrdup(servers), *tok, *save = NULL;
	size_t n = 0;
	int rc;

	memset(nodes, 0, sizeof nodes);
	for (tok = strtok_r(copy, ",", &save); tok != NULL;
	     tok = strtok_r(NULL, ",", &save)) {
		tok = str_trim(tok);
		if (*tok == '\0')
			continue;
		if (n == RESOLVE_MAX_SERVERS) {
			snprintf(err, errlen, "more than %d DNS servers",
			    RESOLVE_MAX_SERVERS);
			free(copy);
			return -1;
		}
		if (server_parse(tok, &nodes[n], err, errlen) == -1) {
			free(copy);
			return -1;
		}
		if (n > 0)
			nodes[n - 1].next = &nodes[n];
		n++;
	}
	free(copy);
	if (n == 0) {
		snprintf(err, errlen, "empty DNS server list");
		return -1;
	}
	rc = ares_set_servers_ports(r->channel, nodes);
	if (rc != ARES_SUCCESS) {
		snprintf(err, errlen, "DNS servers: %s", ares_strerror(rc));
		return -1;
	}
	return 0;
}

struct resolver *
resolver_new_opts(struct ev_loop *loop, const char *servers,
    const struct resolver_opts *opts, char *err, size_t errlen)
{
	struct resolver *r;
	struct ares_options ao;
	int rc, optmask;

	rc = ares_library_init(ARES_LIB_INIT_ALL);
	if (rc != ARES_SUCCESS) {
		snprintf(err, errlen, "c-ares: %s", ares_strerror(rc));
		return NULL;
	}
	r = xcalloc(1, sizeof *r);
	r->loop = loop;
	r->done_tail = &r->done_head;
	r->max_inflight = opts != NULL && opts->max_inflight > 0
			      ? (size_t)opts->max_inflight
			      : RESOLVE_MAX_INFLIGHT;
	ev_init(&r->timer, timer_cb);
	r->timer.data = r;
	ev_init(&r->deliver, deliver_cb);
	r->deliver.data = r;

	memset(&ao, 0, sizeof ao);
	ao.sock_state_cb = sock_state_cb;
	ao.sock_state_cb_data = r;
	ao.timeout = opts != NULL && opts->timeout_ms > 0 ? opts->timeout_ms
							  : RESOLVE_TIMEOUT_MS;
	ao.tries =
	    opts != NULL && opts->tries > 0 ? opts->tries : RESOLVE_TRIES;
	optmask = ARES_OPT_SOCK_STATE_CB | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES;
	rc = ares_init_options(&r->channel, &ao, optmask);
	if (rc != ARES_SUCCESS) {
		snprintf(err, errlen, "c-ares: %s", ares_strerror(rc));
		free(r);
		ares_library_cleanup();
		return NULL;
	}
	r->channel_ok = true;
	if (servers != NULL && servers_set(r, servers, err, errlen) == -1) {
		resolver_destroy(r);
		return NULL;
	}
	return r;
}

struct resolver *
resolver_new(
    struct ev_loop *loop, const char *servers, char *err, size_t errlen)
{
	return resolver_new_opts(loop, servers, NULL, err, errlen);
}

static void
resolver_destroy(struct resolver *r)
{
	struct resolve_query *q;
	struct rsock *s;

	r->destroying = true;
	ev_timer_stop(r->loop, &r->timer);
	ev_timer_stop(r->loop, &r->deliver);
	/* Ends every open query through ares_done, which frees them. */
	if (r->channel_ok)
		ares_destroy(r->channel);
	while ((s = r->socks) != NULL) {
		ev_io_stop(r->loop, &s->io);
		r->socks = s->next;
		free(s);
	}
	while ((q = r->done_head) != NULL) {
		r->done_head = q->next;
		query_free(q);
	}
	free(r);
	ares_library_cleanup();
}

void
resolver_free(struct resolver *r)
{
	if (r == NULL)
		return;
	if (r->delivering) {
		r->free_pending = true;
		return;
	}
	resolver_destroy(r);
}
