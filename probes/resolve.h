/* resolve.h - the asynchronous resolver: host names to addresses on the loop. */
#ifndef XANET_RESOLVE_H
#define XANET_RESOLVE_H

#include <ev.h>
#include <stddef.h>
#include <sys/socket.h>

/*
 * c-ares driven by libev: every DNS socket is an ev_io and c-ares's
 * retransmissions one ev_timer, so that no lookup ever blocks the loop
 * (DESIGN §2). /etc/hosts is consulted before DNS, so "localhost" and
 * local names resolve without a server.
 */
struct resolver;
struct resolve_query;

/*
 * Called once per query on the loop thread, never from inside
 * resolver_query() (a literal or an error is delivered on the next loop
 * iteration), and never after resolver_cancel() or resolver_free().
 *
 * STATUS is 0 with SA/SALEN the address (port 0), or -1 with SA NULL and
 * ERRMSG a short reason for people: "no such host", "no address" (the
 * name exists, without an address of FAMILY), "timeout", "server
 * failure" (SERVFAIL, or no server reachable), "query refused", "bad
 * host name", "resolver busy". TTL_S is how many seconds the answer
 * may be kept: the DNS TTL, 0 for an /etc/hosts entry (read afresh each
 * time), -1 for an IP literal (it never changes).
 */
typedef void (*resolve_cb)(void *arg, int status, const struct sockaddr *sa,
    socklen_t salen, int ttl_s, const char *errmsg);

/* Tuning; a zero field means its default. */
struct resolver_opts {
	int timeout_ms;   /* first try's wait per server (default 1500) */
	int tries;        /* tries per server (default 2) */
	int max_inflight; /* queries at the servers at once (default 256) */
};

/*
 * A resolver on LOOP. SERVERS is "IP[:PORT],..." (IPv6 with a port as
 * "[IP]:PORT"; whitespace around commas ignored), or NULL to use
 * /etc/resolv.conf's. The search list and options of resolv.conf apply
 * either way. NULL with a reason in ERR on a bad server list.
 *
 * c-ares doubles the wait at each round of tries, so a silent server
 * costs timeout_ms * (2^tries - 1): 4.5 s with the defaults.
 */
struct resolver *resolver_new(
    struct ev_loop *loop, const char *servers, char *err, size_t errlen);
/* The same with OPTS (may be NULL). */
struct resolver *resolver_new_opts(struct ev_loop *loop, const char *servers,
    const struct resolver_opts *opts, char *err, size_t errlen);
/*
 * Free R and every query still open, without calling their callbacks.
 * Safe from inside a resolver callback.
 */
void resolver_free(struct resolver *r);

/*
 * Resolve NAME (a host name or an IPv4/IPv6 literal, which needs no
 * query) to one address of FAMILY: AF_INET, AF_INET6, or AF_UNSPEC for
 * its IPv4 address or, when it has none, its IPv6 one (AAAA is asked
 * only then: many cheap routers drop AAAA queries). CB gets the
 * result later (see resolve_cb). Never NULL: when max_inflight queries
 * are already out, the query fails at once with "resolver busy". The
 * handle is valid until CB runs or resolver_cancel() is called.
 */
struct resolve_query *resolver_query(
    struct resolver *r, const char *name, int family, resolve_cb cb, void *arg);
/*
 * Drop Q: its callback is never called. c-ares cannot abandon one
 * query, so a query already sent stays counted as in flight until its
 * answer or timeout, and is freed then.
 */
void resolver_cancel(struct resolve_query *q);

/* Queries at the servers now (cancelled ones included until they end). */
size_t resolver_inflight(const struct resolver *r);

#endif
