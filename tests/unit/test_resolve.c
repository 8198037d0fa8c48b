/* test_resolve.c - the asynchronous resolver against a DNS server on loopback. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <cmocka.h>

#include "common/xtime.h"
#include "probes/resolve.h"
#include "tests/lib/peer.h"

struct fixture {
	struct ev_loop *loop;
	struct peer dns;
	char servers[64];
	struct resolver *r;
};

/* What one query's callback saw. */
struct answer {
	int calls;
	int status;
	char addr[INET6_ADDRSTRLEN];
	int family;
	int port;
	int ttl_s;
	char errmsg[64];
	int *counter;             /* shared by a batch of queries, or NULL */
	struct resolver *free_me; /* freed from inside the callback */
};

static void
on_answer(void *arg, int status, const struct sockaddr *sa, socklen_t salen,
    int ttl_s, const char *errmsg)
{
	struct answer *a = arg;

	a->calls++;
	a->status = status;
	a->ttl_s = ttl_s;
	a->addr[0] = '\0';
	a->family = 0;
	if (status == 0) {
		assert_non_null(sa);
		a->family = sa->sa_family;
		if (sa->sa_family == AF_INET) {
			const struct sockaddr_in *sin = (const void *)sa;

			assert_int_equal(salen, sizeof *sin);
			inet_ntop(
			    AF_INET, &sin->sin_addr, a->addr, sizeof a->addr);
			a->port = ntohs(sin->sin_port);
		} else {
			const struct sockaddr_in6 *sin6 = (const void *)sa;

			assert_int_equal(sa->sa_family, AF_INET6);
			assert_int_equal(salen, sizeof *sin6);
			inet_ntop(AF_INET6, &sin6->sin6_addr, a->addr,
			    sizeof a->addr);
			a->port = ntohs(sin6->sin6_port);
		}
	} else {
		assert_null(sa);
		assert_non_null(errmsg);
		snprintf(a->errmsg, sizeof a->errmsg, "%s", errmsg);
	}
	if (a->counter != NULL)
		(*a->counter)++;
	if (a->free_me != NULL)
		resolver_free(a->free_me);
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	struct resolver_opts opts = {.timeout_ms = 300, .tries = 1};
	char err[160];

	assert_non_null(f);
	f->loop = ev_loop_new(EVFLAG_AUTO);
	assert_int_equal(peer_start(&f->dns, "dnsd.py", NULL), 0);
	snprintf(
	    f->servers, sizeof f->servers, "127.0.0.1:%d", f->dns.ports[0]);
	f->r = resolver_new_opts(f->loop, f->servers, &opts, err, sizeof err);
	if (f->r == NULL)
		fail_msg("resolver_new: %s", err);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	resolver_free(f->r);
	peer_stop(&f->dns);
	ev_loop_destroy(f->loop);
	free(f);
	return 0;
}

/* Ask for NAME and run the loop until the answer (or 5 s). */
static void
ask(struct fixture *f, const char *name, int family, struct answer *a)
{
	memset(a, 0, sizeof *a);
	resolver_query(f->r, name, family, on_answer, a);
	/* Never from inside resolver_query(), whatever the name. */
	assert_int_equal(a->calls, 0);
	assert_true(loop_until(f->loop, &a->calls, 1, 5.0));
	assert_int_equal(a->calls, 1);
}

static void
test_name_to_address(void **state)
{
	struct fixture *f = *state;
	struct answer a;

	ask(f, "ap.test", AF_UNSPEC, &a);
	assert_int_equal(a.status, 0);
	assert_int_equal(a.family, AF_INET);
	assert_string_equal(a.addr, "127.0.0.5");
	assert_int_equal(a.port, 0);
	assert_int_equal(a.ttl_s, 300);
	/* Case does not matter in DNS. */
	ask(f, "AP.Test", AF_INET, &a);
	assert_int_equal(a.status, 0);
	assert_string_equal(a.addr, "127.0.0.5");
	assert_int_equal(resolver_inflight(f->r), 0);
}

static void
test_family_preference(void **state)
{
	struct fixture *f = *state;
	struct answer a;

	struct resolver *saved;
	struct resolver_opts slow = {.timeout_ms = 2000, .tries = 1};
	char err[160];
	int64_t t0;

	/* Both families: IPv4 first. */
	ask(f, "both.test", AF_UNSPEC, &a);
	assert_int_equal(a.status, 0);
	assert_string_equal(a.addr, "127.0.0.6");
	assert_int_equal(a.ttl_s, 60);
	ask(f, "both.test", AF_INET6, &a);
	assert_int_equal(a.status, 0);
	assert_int_equal(a.family, AF_INET6);
	assert_string_equal(a.addr, "::6");
	/* Only IPv6: AF_UNSPEC takes it, AF_INET has nothing. */
	ask(f, "v6only.test", AF_UNSPEC, &a);
	assert_int_equal(a.status, 0);
	assert_string_equal(a.addr, "::7");
	ask(f, "v6only.test", AF_INET, &a);
	assert_int_equal(a.status, -1);
	assert_string_equal(a.errmsg, "no address");
	ask(f, "ap.test", AF_INET6, &a);
	assert_int_equal(a.status, -1);
	assert_string_equal(a.errmsg, "no address");
	/*
	 * No AAAA is asked for a name with an A: a dropped one costs nothing
	 * (through a resolver that would wait 2 s for it).
	 */
	saved = f->r;
	f->r = resolver_new_opts(f->loop, f->servers, &slow, err, sizeof err);
	assert_non_null(f->r);
	t0 = time_mono_ms();
	ask(f, "noaaaa.test", AF_UNSPEC, &a);
	assert_true(time_mono_ms() - t0 < 1500);
	resolver_free(f->r);
	f->r = saved;
	assert_int_equal(a.status, 0);
	assert_string_equal(a.addr, "127.0.0.8");
	ask(f, "noaaaa.test", AF_INET6, &a);
	assert_int_equal(a.status, -1);
	assert_string_equal(a.errmsg, "timeout");
	/* A missing name is not asked again for AAAA either. */
	ask(f, "missing.test", AF_UNSPEC, &a);
	assert_string_equal(a.errmsg, "no such host");
}

static void
test_errors(void **state)
{
	struct fixture *f = *state;
	struct answer a;
	int64_t t0;
	char longname[300];

	ask(f, "missing.test", AF_UNSPEC, &a);
	assert_int_equal(a.status, -1);
	assert_string_equal(a.errmsg, "no such host");
	ask(f, "servfail.test", AF_INET, &a);
	assert_int_equal(a.status, -1);
	assert_string_equal(a.errmsg, "server failure");

	/* A silent server: one 300 ms try, then "timeout". */
	t0 = time_mono_ms();
	ask(f, "slow.test", AF_INET, &a);
	assert_int_equal(a.status, -1);
	assert_string_equal(a.errmsg, "timeout");
	assert_true(time_mono_ms() - t0 >= 250);
	assert_true(time_mono_ms() - t0 < 3000);

	ask(f, "", AF_UNSPEC, &a);
	assert_int_equal(a.status, -1);
	assert_string_equal(a.errmsg, "bad host name");
	memset(longname, 'a', sizeof longname - 1);
	longname[sizeof longname - 1] = '\0';
	ask(f, longname, AF_UNSPEC, &a);
	assert_int_equal(a.status, -1);
	assert_string_equal(a.errmsg, "bad host name");
	ask(f, "ap.test", 12345, &a);
	assert_int_equal(a.status, -1);
	assert_string_equal(a.errmsg, "bad address family");
	assert_int_equal(resolver_inflight(f->r), 0);
}

static void
test_literals_and_hosts_file(void **state)
{
	struct fixture *f = *state;
	struct answer a;
	struct resolver *dead;
	struct resolver *saved = f->r;
	char err[160];

	ask(f, "192.0.2.7", AF_UNSPEC, &a);
	assert_int_equal(a.status, 0);
	assert_string_equal(a.addr, "192.0.2.7");
	assert_int_equal(a.ttl_s, -1);
	ask(f, "2001:db8::1", AF_UNSPEC, &a);
	assert_int_equal(a.status, 0);
	assert_int_equal(a.family, AF_INET6);
	assert_string_equal(a.addr, "2001:db8::1");
	ask(f, "192.0.2.7", AF_INET6, &a);
	assert_int_equal(a.status, -1);
	assert_string_equal(a.errmsg, "not an IPv6 address");
	ask(f, "::1", AF_INET, &a);
	assert_int_equal(a.status, -1);
	assert_string_equal(a.errmsg, "not an IPv4 address");
	/* "10.1" is no address (inet_aton would say 10.0.0.1): a DNS name. */
	ask(f, "10.1", AF_INET, &a);
	assert_int_equal(a.status, -1);

	/*
	 * /etc/hosts comes before DNS: "localhost" resolves even when the
	 * only server is a port nobody listens on.
	 */
	dead = resolver_new(f->loop, "127.0.0.1:1", err, sizeof err);
	assert_non_null(dead);
	f->r = dead;
	ask(f, "localhost", AF_INET, &a);
	assert_int_equal(a.status, 0);
	assert_string_equal(a.addr, "127.0.0.1");
	assert_int_equal(a.ttl_s, 0);
	/* While a name that needs DNS fails at once: the port is closed. */
	ask(f, "ap.test", AF_INET, &a);
	f->r = saved;
	resolver_free(dead);
	assert_int_equal(a.status, -1);
	assert_string_equal(a.errmsg, "server failure");
}

static void
test_cancel(void **state)
{
	struct fixture *f = *state;
	struct answer a, b, c;
	struct resolve_query *q;
	struct resolver *r2;
	struct resolver_opts opts = {.timeout_ms = 2000, .tries = 1};
	char err[160];

	/* Cancelled before the timeout: no callback, freed when c-ares ends it. */
	memset(&a, 0, sizeof a);
	q = resolver_query(f->r, "slow.test", AF_INET, on_answer, &a);
	assert_int_equal(resolver_inflight(f->r), 1);
	loop_for(f->loop, 0.05);
	resolver_cancel(q);
	loop_for(f->loop, 0.6);
	assert_int_equal(a.calls, 0);
	assert_int_equal(resolver_inflight(f->r), 0);

	/* Cancelled after the answer came but before it was handed over. */
	memset(&b, 0, sizeof b);
	q = resolver_query(f->r, "10.0.0.1", AF_INET, on_answer, &b);
	resolver_cancel(q);
	loop_for(f->loop, 0.05);
	assert_int_equal(b.calls, 0);

	/* Cancelled, then the resolver freed with the query still out. */
	r2 = resolver_new_opts(f->loop, f->servers, &opts, err, sizeof err);
	assert_non_null(r2);
	memset(&c, 0, sizeof c);
	q = resolver_query(r2, "slow.test", AF_INET, on_answer, &c);
	resolver_query(r2, "slow.test", AF_INET6, on_answer, &c);
	resolver_query(r2, "192.0.2.1", AF_INET, on_answer, &c);
	loop_for(f->loop, 0.05);
	assert_int_equal(c.calls, 1); /* the literal */
	resolver_cancel(q);
	resolver_free(r2);
	loop_for(f->loop, 0.1);
	assert_int_equal(c.calls, 1);
}

static void
test_busy_and_batch(void **state)
{
	struct fixture *f = *state;
	struct resolver *r;
	struct resolver_opts opts = {
	    .timeout_ms = 300, .tries = 1, .max_inflight = 2};
	struct answer a[3], many[50];
	int done = 0;
	char err[160];

	r = resolver_new_opts(f->loop, f->servers, &opts, err, sizeof err);
	assert_non_null(r);
	memset(a, 0, sizeof a);
	for (int i = 0; i < 3; i++) {
		a[i].counter = &done;
		resolver_query(r, "slow.test", AF_INET, on_answer, &a[i]);
	}
	assert_int_equal(resolver_inflight(r), 2);
	/* The third fails at once, long before the others time out. */
	loop_for(f->loop, 0.05);
	assert_int_equal(done, 1);
	assert_string_equal(a[2].errmsg, "resolver busy");
	assert_true(loop_until(f->loop, &done, 3, 3.0));
	assert_string_equal(a[0].errmsg, "timeout");
	assert_string_equal(a[1].errmsg, "timeout");
	resolver_free(r);

	/* Fifty at once through the default bound. */
	done = 0;
	memset(many, 0, sizeof many);
	for (int i = 0; i < 50; i++) {
		many[i].counter = &done;
		resolver_query(f->r, i % 2 ? "ap.test" : "missing.test",
		    AF_INET, on_answer, &many[i]);
	}
	assert_true(loop_until(f->loop, &done, 50, 5.0));
	for (int i = 0; i < 50; i++) {
		assert_int_equal(many[i].calls, 1);
		if (i % 2)
			assert_string_equal(many[i].addr, "127.0.0.5");
		else
			assert_string_equal(many[i].errmsg, "no such host");
	}
}

static void
test_free_from_callback(void **state)
{
	struct fixture *f = *state;
	struct resolver *r;
	struct answer a, b;
	char err[160];

	r = resolver_new(f->loop, f->servers, err, sizeof err);
	assert_non_null(r);
	memset(&a, 0, sizeof a);
	memset(&b, 0, sizeof b);
	a.free_me = r;
	/* Both finish in the same loop iteration; A frees R, B never runs. */
	resolver_query(r, "192.0.2.1", AF_INET, on_answer, &a);
	resolver_query(r, "192.0.2.2", AF_INET, on_answer, &b);
	loop_for(f->loop, 0.05);
	assert_int_equal(a.calls, 1);
	assert_int_equal(b.calls, 0);
}

static void
test_server_lists(void **state)
{
	struct fixture *f = *state;
	struct resolver *r;
	char err[160];
	static const char *const good[] = {
	    "127.0.0.1",
	    "127.0.0.1:5353",
	    " 127.0.0.1:53 , 127.0.0.2 ",
	    "::1",
	    "[::1]:5353",
	    "2001:db8::53,192.0.2.53:53",
	};
	static const struct {
		const char *list, *err;
	} bad[] = {
	    {"", "empty DNS server list"},
	    {" , ", "empty DNS server list"},
	    {"1.2.3", "bad DNS server '1.2.3': not an IP address"},
	    {"ns.example", "bad DNS server 'ns.example': not an IP address"},
	    {"1.2.3.4:0", "bad DNS server port '0': must be 1-65535"},
	    {"1.2.3.4:70000", "bad DNS server port '70000': must be 1-65535"},
	    {"1.2.3.4:5x", "bad DNS server port '5x': must be 1-65535"},
	    {"[::1", "bad DNS server '[::1': expected [IPv6]:PORT"},
	};

	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		r = resolver_new(f->loop, good[i], err, sizeof err);
		if (r == NULL)
			fail_msg("'%s' refused: %s", good[i], err);
		resolver_free(r);
	}
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		err[0] = '\0';
		r = resolver_new(f->loop, bad[i].list, err, sizeof err);
		assert_null(r);
		assert_string_equal(err, bad[i].err);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(
		test_name_to_address, setup, teardown),
	    cmocka_unit_test_setup_teardown(
		test_family_preference, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
	    cmocka_unit_test_setup_teardown(
		test_literals_and_hosts_file, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_cancel, setup, teardown),
	    cmocka_unit_test_setup_teardown(
		test_busy_and_batch, setup, teardown),
	    cmocka_unit_test_setup_teardown(
		test_free_from_callback, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_server_lists, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
