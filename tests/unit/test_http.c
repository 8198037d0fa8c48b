/* test_http.c - the tcp and http probe engines against real servers on loopback. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>

#include "common/config.h"
#include "common/xtime.h"
#include "probes/engine.h"
#include "probes/http.h"
#include "tests/lib/peer.h"

/* Ports of httpd.py, in the order it prints them. */
enum { PORT_HTTP, PORT_TLS_OK, PORT_TLS_EXPIRED, PORT_TLS_SELF };
#define HP(which) (f->httpd.ports[which])

struct fixture {
	struct ev_loop *loop;
	char certdir[64];
	struct peer httpd;
	void *tcp;
	void *http;
};

/* One probe and what its rounds delivered. */
struct run {
	struct probe p;
	struct probe_result r;
	int done;
	int *counter;
};

static void
on_done(struct probe *p, struct probe_result *r)
{
	struct run *ru = p->on_done_arg;

	ru->r = *r;
	ru->done++;
	if (ru->counter != NULL)
		(*ru->counter)++;
}

static void
run_init(struct run *ru, int64_t timeout_ms)
{
	memset(ru, 0, sizeof *ru);
	ru->p.on_done = on_done;
	ru->p.on_done_arg = ru;
	ru->p.timeout_ms = timeout_ms;
	ru->p.interval_ms = 60000;
}

static void
spec_free(struct probe_spec *spec)
{
	free(spec->url);
	free(spec->http_status);
	free(spec->http_contains);
	memset(spec, 0, sizeof *spec);
}

static void
addr_set(struct probe *p, const char *ip)
{
	memset(&p->addr, 0, sizeof p->addr);
	if (strchr(ip, ':') != NULL) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&p->addr;

		s6->sin6_family = AF_INET6;
		assert_int_equal(inet_pton(AF_INET6, ip, &s6->sin6_addr), 1);
		p->addrlen = sizeof *s6;
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&p->addr;

		s4->sin_family = AF_INET;
		assert_int_equal(inet_pton(AF_INET, ip, &s4->sin_addr), 1);
		p->addrlen = sizeof *s4;
	}
}

static int
group_setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	char cmd[512], arg[3][200], err[160];
	const char *args[7];
	static const char *const names[] = {"ok", "expired", "self"};

	assert_non_null(f);
	f->loop = ev_loop_new(EVFLAG_AUTO);
	snprintf(f->certdir, sizeof f->certdir, "/tmp/xanet-http-XXXXXX");
	assert_non_null(mkdtemp(f->certdir));
	snprintf(cmd, sizeof cmd, "sh '%s/tests/lib/mkcerts.sh' '%s'",
	    peer_srcdir(), f->certdir);
	if (system(cmd) != 0)
		fail_msg("mkcerts.sh failed");
	for (int i = 0; i < 3; i++) {
		snprintf(arg[i], sizeof arg[i], "%s/%s.pem:%s/%s.key",
		    f->certdir, names[i], f->certdir, names[i]);
		args[2 * i] = "--tls";
		args[2 * i + 1] = arg[i];
	}
	args[6] = NULL;
	assert_int_equal(peer_start(&f->httpd, "httpd.py", args), 0);
	assert_int_equal(f->httpd.nports, 4);

	/* The engine reads it as it opens: trust the CA mkcerts.sh made. */
	snprintf(cmd, sizeof cmd, "%s/ca.pem", f->certdir);
	setenv(HTTP_CA_FILE_ENV, cmd, 1);
	f->http = probe_engine_http.open(f->loop, NULL, err, sizeof err);
	unsetenv(HTTP_CA_FILE_ENV);
	if (f->http == NULL)
		fail_msg("http open: %s", err);
	f->tcp = probe_engine_tcp.open(f->loop, NULL, err, sizeof err);
	if (f->tcp == NULL)
		fail_msg("tcp open: %s", err);
	*state = f;
	return 0;
}

static int
group_teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[128];

	probe_engine_http.close(f->http);
	probe_engine_tcp.close(f->tcp);
	peer_stop(&f->httpd);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->certdir);
	if (system(cmd) != 0)
		fprintf(stderr, "# could not remove %s\n", f->certdir);
	ev_loop_destroy(f->loop);
	free(f);
	return 0;
}

/* ---- tcp ---------------------------------------------------------------- */

static void
test_tcp_parse(void **state)
{
	struct probe_spec spec;
	char err[160];
	static const struct {
		const char *text, *err;
	} bad[] = {
	    {"tcp:0", "port must be 1-65535"},
	    {"tcp:65536", "port must be 1-65535"},
	    {"tcp:99999", "port must be 1-65535"},
	    {"tcp:99999999999999999999", "port must be 1-65535"},
	    {"tcp:-1", "port must be 1-65535"},
	    {"tcp:80x", "port must be 1-65535"},
	    {"tcp: 80", "port must be 1-65535"},
	    {"tcp:", "tcp needs a port, e.g. tcp:443"},
	    {"tcp", "tcp needs a port, e.g. tcp:443"},
	    {"tcpx:80", "not a tcp:PORT probe"},
	};

	assert_int_equal(
	    probe_engine_tcp.parse("tcp:443", NULL, &spec, err, sizeof err), 0);
	assert_int_equal(spec.kind, PROBE_TCP);
	assert_int_equal(spec.port, 443);
	assert_null(spec.url);
	assert_int_equal(
	    probe_engine_tcp.parse("tcp:65535", NULL, &spec, err, sizeof err),
	    0);
	assert_int_equal(spec.port, 65535);
	assert_int_equal(
	    probe_engine_tcp.parse("tcp:1", NULL, &spec, err, sizeof err), 0);
	assert_int_equal(spec.port, 1);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		err[0] = '\0';
		assert_int_equal(probe_engine_tcp.parse(
				     bad[i].text, NULL, &spec, err, sizeof err),
		    -1);
		assert_string_equal(err, bad[i].err);
	}
	assert_true(probe_engine_tcp.needs_address);
}

/* A listening socket on loopback; its port in *PORT. */
static int
listener(const char *ip, int backlog, int *port)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd, one = 1;

	memset(&ss, 0, sizeof ss);
	if (strchr(ip, ':') != NULL) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

		s6->sin6_family = AF_INET6;
		inet_pton(AF_INET6, ip, &s6->sin6_addr);
		len = sizeof *s6;
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

		s4->sin_family = AF_INET;
		inet_pton(AF_INET, ip, &s4->sin_addr);
		len = sizeof *s4;
	}
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (bind(fd, (struct sockaddr *)&ss, len) == -1 ||
	    listen(fd, backlog) == -1) {
		close(fd);
		return -1;
	}
	getsockname(fd, (struct sockaddr *)&ss, &len);
	*port = ntohs(ss.ss_family == AF_INET
			  ? ((struct sockaddr_in *)&ss)->sin_port
			  : ((struct sockaddr_in6 *)&ss)->sin6_port);
	return fd;
}

static void
tcp_round(struct fixture *f, struct run *ru, const char *ip, int port)
{
	addr_set(&ru->p, ip);
	ru->p.spec.kind = PROBE_TCP;
	ru->p.spec.port = (uint16_t)port;
	probe_engine_tcp.start(f->tcp, &ru->p);
	/* Never from inside start(). */
	assert_int_equal(ru->done, 0);
	assert_true(loop_until(f->loop, &ru->done, 1, 5.0));
	assert_int_equal(ru->done, 1);
	assert_null(ru->p.priv);
}

static void
test_tcp_open_port(void **state)
{
	struct fixture *f = *state;
	struct run ru;
	int port, fd = listener("127.0.0.1", 16, &port);

	assert_true(fd >= 0);
	run_init(&ru, 2000);
	tcp_round(f, &ru, "127.0.0.1", port);
	assert_true(ru.r.ok);
	assert_int_equal(ru.r.cause, CAUSE_NONE);
	assert_int_equal(ru.r.sent, 1);
	assert_int_equal(ru.r.received, 1);
	assert_true(ru.r.rtt_us >= 0);
	assert_true(ru.r.rtt_us < 1000000);
	assert_int_equal(ru.r.http_status, 0);
	assert_int_equal(ru.r.cert_days, -1);
	assert_int_equal(ru.r.rtt_min_us, -1);
	close(fd);
}

static void
test_tcp_ipv6(void **state)
{
	struct fixture *f = *state;
	struct run ru;
	int port, fd = listener("::1", 16, &port);

	if (fd < 0)
		skip(); /* no IPv6 loopback here */
	run_init(&ru, 2000);
	tcp_round(f, &ru, "::1", port);
	assert_true(ru.r.ok);
	assert_int_equal(ru.r.received, 1);
	close(fd);
}

static void
test_tcp_refused(void **state)
{
	struct fixture *f = *state;
	struct run ru;
	int port, fd = listener("127.0.0.1", 1, &port);

	/* A port that was just free: nobody listens once it is closed. */
	assert_true(fd >= 0);
	close(fd);
	run_init(&ru, 2000);
	tcp_round(f, &ru, "127.0.0.1", port);
	assert_false(ru.r.ok);
	assert_int_equal(ru.r.cause, CAUSE_REFUSED);
	assert_string_equal(ru.r.detail, "connection refused");
	assert_int_equal(ru.r.sent, 1);
	assert_int_equal(ru.r.received, 0);
}

static void
test_tcp_no_address(void **state)
{
	struct fixture *f = *state;
	struct run ru;

	run_init(&ru, 2000);
	ru.p.spec.kind = PROBE_TCP;
	ru.p.spec.port = 80;
	probe_engine_tcp.start(f->tcp, &ru.p);
	assert_int_equal(ru.done, 0);
	assert_true(loop_until(f->loop, &ru.done, 1, 1.0));
	assert_int_equal(ru.r.cause, CAUSE_MONITOR);
	assert_string_equal(ru.r.detail, "no address to connect to");
}

/*
 * A listener whose accept queue is full drops further SYNs, so a connect
 * to it hangs. Returns the listener, or -1 if this kernel answers anyway.
 */
static int
stuck_listener(int *port, int fillers[8], int *nfill)
{
	struct sockaddr_in sin;
	int fd = listener("127.0.0.1", 0, port);

	*nfill = 0;
	if (fd < 0)
		return -1;
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)*port);
	inet_pton(AF_INET, "127.0.0.1", &sin.sin_addr);
	/* Connect until one does not complete within 200 ms. */
	while (*nfill < 8) {
		int c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
		struct pollfd pfd = {.fd = c, .events = POLLOUT};
		int rc = connect(c, (struct sockaddr *)&sin, sizeof sin);

		if (rc == -1 && errno == EINPROGRESS &&
		    poll(&pfd, 1, 200) == 0) {
			close(c);
			return fd;
		}
		fillers[(*nfill)++] = c;
	}
	while (*nfill > 0)
		close(fillers[--*nfill]);
	close(fd);
	return -1;
}

static void
test_tcp_timeout_and_cancel(void **state)
{
	struct fixture *f = *state;
	struct run ru;
	int port, fillers[8], nfill, fd;
	int64_t t0;

	fd = stuck_listener(&port, fillers, &nfill);
	if (fd < 0)
		skip();

	/* Our own connect timeout. */
	run_init(&ru, 300);
	addr_set(&ru.p, "127.0.0.1");
	ru.p.spec.kind = PROBE_TCP;
	ru.p.spec.port = (uint16_t)port;
	assert_int_equal(probe_engine_tcp.round_ms(&ru.p), 1300);
	t0 = time_mono_ms();
	probe_engine_tcp.start(f->tcp, &ru.p);
	assert_true(loop_until(f->loop, &ru.done, 1, 3.0));
	assert_int_equal(ru.r.cause, CAUSE_TIMEOUT);
	assert_string_equal(ru.r.detail, "no answer to connect in 300 ms");
	assert_true(time_mono_ms() - t0 >= 250);
	assert_true(time_mono_ms() - t0 < 2000);

	/* Cancelled mid-connect: no result, ever; nothing left open. */
	run_init(&ru, 400);
	addr_set(&ru.p, "127.0.0.1");
	ru.p.spec.kind = PROBE_TCP;
	ru.p.spec.port = (uint16_t)port;
	probe_engine_tcp.start(f->tcp, &ru.p);
	loop_for(f->loop, 0.1);
	assert_int_equal(ru.done, 0);
	assert_non_null(ru.p.priv);
	probe_engine_tcp.cancel(f->tcp, &ru.p);
	assert_null(ru.p.priv);
	loop_for(f->loop, 0.6);
	assert_int_equal(ru.done, 0);
	/* Nothing kept between rounds: cancel() freed it all. */
	assert_null(probe_engine_tcp.release);

	while (nfill > 0)
		close(fillers[--nfill]);
	close(fd);
}

/* ---- http --------------------------------------------------------------- */

static void
test_http_parse(void **state)
{
	struct probe_spec spec;
	struct config_device dev;
	char err[160];
	static const struct {
		const char *text, *err;
	} bad[] = {
	    {"ftp://x/", "not an http:// or https:// URL"},
	    {"http:/x", "not an http:// or https:// URL"},
	    {"http://", "bad URL: "},
	    {"http:///path", "bad URL: "},
	    {"http://a b/", "bad URL: "},
	    {"http://host:99999/", "bad URL: "},
	};
	static const struct {
		const char *status;
		bool ok;
	} lists[] = {
	    {"200", true},
	    {"200-399,401", true},
	    {" 200 - 299 , 301 ", true},
	    {"100-599", true},
	    {"", false},
	    {"200,", false},
	    {"2xx", false},
	    {"99", false},
	    {"600", false},
	    {"399-200", false},
	    {"200;301", false},
	    {"200--300", false},
	};

	memset(&dev, 0, sizeof dev);
	assert_int_equal(
	    probe_engine_http.parse("https://ap-1.example:8443/s?x=1", &dev,
		&spec, err, sizeof err),
	    0);
	assert_int_equal(spec.kind, PROBE_HTTP);
	assert_string_equal(spec.url, "https://ap-1.example:8443/s?x=1");
	assert_int_equal(spec.port, 8443);
	assert_string_equal(spec.http_status, HTTP_STATUS_DEFAULT);
	assert_null(spec.http_contains);
	spec_free(&spec);

	dev.http_status = "200,204";
	dev.http_contains = "Đông";
	assert_int_equal(probe_engine_http.parse(
			     "HTTP://192.0.2.1/", &dev, &spec, err, sizeof err),
	    0);
	assert_int_equal(spec.port, 0);
	assert_string_equal(spec.http_status, "200,204");
	assert_string_equal(spec.http_contains, "Đông");
	spec_free(&spec);
	assert_int_equal(probe_engine_http.parse("http://[2001:db8::1]:81/",
			     NULL, &spec, err, sizeof err),
	    0);
	assert_int_equal(spec.port, 81);
	spec_free(&spec);

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		err[0] = '\0';
		assert_int_equal(probe_engine_http.parse(
				     bad[i].text, NULL, &spec, err, sizeof err),
		    -1);
		if (strncmp(err, bad[i].err, strlen(bad[i].err)) != 0)
			fail_msg("'%s': got '%s'", bad[i].text, err);
		assert_null(spec.url);
	}
	dev.http_contains = NULL;
	for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++) {
		dev.http_status = (char *)lists[i].status;
		err[0] = '\0';
		if (probe_engine_http.parse("http://h/", &dev, &spec, err,
			sizeof err) != (lists[i].ok ? 0 : -1))
			fail_msg("http_status '%s': %s", lists[i].status, err);
		if (!lists[i].ok) {
			assert_non_null(strstr(err, "http_status"));
			assert_null(spec.url);
			assert_null(spec.http_status);
		}
		spec_free(&spec);
	}
	assert_false(probe_engine_http.needs_address);
}

/* One round of BASE:PORT/PATH, e.g. "http://127.0.0.1", 8080, "/ok". */
static void
http_round(struct fixture *f, struct run *ru, const char *base, int port,
    const char *path, const char *status, const char *contains)
{
	struct config_device dev;
	char url[256], err[160];

	memset(&dev, 0, sizeof dev);
	dev.http_status = (char *)status;
	dev.http_contains = (char *)contains;
	snprintf(url, sizeof url, "%s:%d%s", base, port, path);
	if (probe_engine_http.parse(url, &dev, &ru->p.spec, err, sizeof err))
		fail_msg("%s: %s", url, err);
	probe_engine_http.start(f->http, &ru->p);
	assert_int_equal(ru->done, 0);
	assert_true(
	    loop_until(f->loop, &ru->done, 1, ru->p.timeout_ms / 1000.0 + 5.0));
	assert_int_equal(ru->done, 1);
	assert_null(ru->p.priv);
	spec_free(&ru->p.spec);
}

static void
test_http_status(void **state)
{
	struct fixture *f = *state;
	struct run ru;

	run_init(&ru, 5000);
	http_round(
	    f, &ru, "http://127.0.0.1", HP(PORT_HTTP), "/ok", NULL, NULL);
	assert_true(ru.r.ok);
	assert_int_equal(ru.r.http_status, 200);
	assert_string_equal(ru.r.detail, "HTTP 200");
	assert_true(ru.r.rtt_us > 0);
	assert_true(ru.r.rtt_us < 5000000);
	assert_int_equal(ru.r.sent, 1);
	assert_int_equal(ru.r.received, 1);
	assert_int_equal(ru.r.cert_days, -1);

	run_init(&ru, 5000);
	http_round(f, &ru, "http://127.0.0.1", HP(PORT_HTTP), "/status/500",
	    NULL, NULL);
	assert_false(ru.r.ok);
	assert_int_equal(ru.r.cause, CAUSE_HTTP_STATUS);
	assert_string_equal(ru.r.detail, "HTTP 500");
	assert_int_equal(ru.r.http_status, 500);
	assert_int_equal(ru.r.received, 0);
	assert_true(ru.r.rtt_us > 0);

	run_init(&ru, 5000);
	http_round(f, &ru, "http://127.0.0.1", HP(PORT_HTTP), "/status/404",
	    NULL, NULL);
	assert_int_equal(ru.r.cause, CAUSE_HTTP_STATUS);
	assert_string_equal(ru.r.detail, "HTTP 404");
	/* ... unless the device accepts it. */
	run_init(&ru, 5000);
	http_round(f, &ru, "http://127.0.0.1", HP(PORT_HTTP), "/status/404",
	    "200-299, 404", NULL);
	assert_true(ru.r.ok);
	assert_int_equal(ru.r.http_status, 404);

	/* A redirect is judged, not followed. */
	run_init(&ru, 5000);
	http_round(f, &ru, "http://127.0.0.1", HP(PORT_HTTP), "/status/301",
	    NULL, NULL);
	assert_true(ru.r.ok);
	assert_int_equal(ru.r.http_status, 301);
	run_init(&ru, 5000);
	http_round(f, &ru, "http://127.0.0.1", HP(PORT_HTTP), "/status/301",
	    "200", NULL);
	assert_int_equal(ru.r.cause, CAUSE_HTTP_STATUS);
	assert_string_equal(ru.r.detail, "HTTP 301");

	/* A name from /etc/hosts, resolved by libcurl off the loop. */
	run_init(&ru, 5000);
	http_round(
	    f, &ru, "http://localhost", HP(PORT_HTTP), "/ok", NULL, NULL);
	assert_true(ru.r.ok);
}

static void
test_http_body(void **state)
{
	struct fixture *f = *state;
	struct run ru;

	run_init(&ru, 5000);
	http_round(f, &ru, "http://127.0.0.1", HP(PORT_HTTP), "/ok", NULL,
	    "Nhà văn hóa");
	assert_true(ru.r.ok);
	run_init(&ru, 5000);
	http_round(f, &ru, "http://127.0.0.1", HP(PORT_HTTP), "/ok", NULL,
	    "Đăng nhập");
	assert_false(ru.r.ok);
	assert_int_equal(ru.r.cause, CAUSE_HTTP_BODY);
	assert_int_equal(ru.r.http_status, 200);
	assert_string_equal(
	    ru.r.detail, "HTTP 200, but the body lacks \"Đăng nhập\"");

	/* A long expected text is cut in the detail, never inside a letter. */
	run_init(&ru, 5000);
	http_round(f, &ru, "http://127.0.0.1", HP(PORT_HTTP), "/ok", NULL,
	    "xxTrang quản trị của điểm truy cập wifi nhà văn hóa thôn Đông "
	    "Bắc");
	assert_int_equal(ru.r.cause, CAUSE_HTTP_BODY);
	assert_string_equal(ru.r.detail,
	    "HTTP 200, but the body lacks \"xxTrang quản trị của điểm truy "
	    "cập wifi nhà văn h\"");

	/* A status failure wins over the body. */
	run_init(&ru, 5000);
	http_round(f, &ru, "http://127.0.0.1", HP(PORT_HTTP), "/status/500",
	    NULL, "status");
	assert_int_equal(ru.r.cause, CAUSE_HTTP_STATUS);

	/* 1 MiB: only the first 64 KB is read, checked or waited for. */
	run_init(&ru, 5000);
	http_round(
	    f, &ru, "http://127.0.0.1", HP(PORT_HTTP), "/big", NULL, NULL);
	assert_true(ru.r.ok);
	run_init(&ru, 5000);
	http_round(
	    f, &ru, "http://127.0.0.1", HP(PORT_HTTP), "/big", NULL, "xxxx");
	assert_true(ru.r.ok);
	run_init(&ru, 5000);
	http_round(
	    f, &ru, "http://127.0.0.1", HP(PORT_HTTP), "/big", NULL, "needle");
	assert_int_equal(ru.r.cause, CAUSE_HTTP_BODY);
	assert_string_equal(ru.r.detail,
	    "HTTP 200, but the first 64 KB of the body lacks \"needle\"");
}

static void
test_http_network_failures(void **state)
{
	struct fixture *f = *state;
	struct run ru;
	int64_t t0;
	int port, fd;

	/* Accepts, reads, never answers: curl's own timeout. */
	run_init(&ru, 700);
	assert_int_equal(probe_engine_http.round_ms(&ru.p), 1700);
	t0 = time_mono_ms();
	http_round(
	    f, &ru, "http://127.0.0.1", HP(PORT_HTTP), "/hang", NULL, NULL);
	assert_int_equal(ru.r.cause, CAUSE_TIMEOUT);
	assert_non_null(strstr(ru.r.detail, "timed out"));
	assert_int_equal(ru.r.http_status, 0);
	assert_int_equal(ru.r.rtt_us, -1);
	assert_true(time_mono_ms() - t0 >= 600);
	assert_true(time_mono_ms() - t0 < 3000);

	/* Closes right after the request. */
	run_init(&ru, 5000);
	http_round(
	    f, &ru, "http://127.0.0.1", HP(PORT_HTTP), "/close", NULL, NULL);
	assert_int_equal(ru.r.cause, CAUSE_NETWORK);
	if (strstr(ru.r.detail, "Empty reply") == NULL &&
	    strstr(ru.r.detail, "Recv failure") == NULL)
		fail_msg("detail: %s", ru.r.detail);

	/*
	 * A host name with a 64-byte label: the system resolver refuses it
	 * before building a query, so nothing leaves the machine.
	 */
	run_init(&ru, 5000);
	http_round(f, &ru,
	    "http://"
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    ".test",
	    HP(PORT_HTTP), "/", NULL, NULL);
	assert_int_equal(ru.r.cause, CAUSE_DNS);
	assert_non_null(strstr(ru.r.detail, "resolve"));

	/* Nothing listens. */
	fd = listener("127.0.0.1", 1, &port);
	assert_true(fd >= 0);
	close(fd);
	run_init(&ru, 5000);
	http_round(f, &ru, "http://127.0.0.1", port, "/", NULL, NULL);
	assert_int_equal(ru.r.cause, CAUSE_REFUSED);
	assert_string_equal(ru.r.detail, "connection refused");
}

static void
test_http_slow_body(void **state)
{
	struct fixture *f = *state;
	struct run ru;

	/* Five parts 0.3 s apart: slow but whole within 5 s. */
	run_init(&ru, 5000);
	http_round(f, &ru, "http://127.0.0.1", HP(PORT_HTTP), "/slow", NULL,
	    "part-4;");
	assert_true(ru.r.ok);
	assert_true(ru.r.rtt_us >= 1000000);
	/* The same against a 500 ms limit: the body never ends in time. */
	run_init(&ru, 500);
	http_round(
	    f, &ru, "http://127.0.0.1", HP(PORT_HTTP), "/slow", NULL, NULL);
	assert_int_equal(ru.r.cause, CAUSE_TIMEOUT);
	assert_int_equal(ru.r.http_status, 200);
}

static void
test_https(void **state)
{
	struct fixture *f = *state;
	struct run ru;

	/* From the test CA, 30 days: ok, and the days are counted. */
	run_init(&ru, 5000);
	http_round(f, &ru, "https://127.0.0.1", HP(PORT_TLS_OK), "/ok", NULL,
	    "xanet-ok");
	if (!ru.r.ok)
		fail_msg("https: %s", ru.r.detail);
	assert_int_equal(ru.r.http_status, 200);
	assert_true(ru.r.cert_days >= 29 && ru.r.cert_days <= 30);
	/* The same certificate by name: its SAN has "localhost". */
	run_init(&ru, 5000);
	http_round(
	    f, &ru, "https://localhost", HP(PORT_TLS_OK), "/ok", NULL, NULL);
	assert_true(ru.r.ok);

	run_init(&ru, 5000);
	http_round(f, &ru, "https://127.0.0.1", HP(PORT_TLS_EXPIRED), "/ok",
	    NULL, NULL);
	assert_false(ru.r.ok);
	assert_int_equal(ru.r.cause, CAUSE_TLS);
	assert_non_null(strstr(ru.r.detail, "expired"));
	assert_int_equal(ru.r.http_status, 0);

	run_init(&ru, 5000);
	http_round(
	    f, &ru, "https://127.0.0.1", HP(PORT_TLS_SELF), "/ok", NULL, NULL);
	assert_false(ru.r.ok);
	assert_int_equal(ru.r.cause, CAUSE_TLS);
	assert_non_null(strstr(ru.r.detail, "self-signed"));

	/* Plain HTTP spoken to a TLS port. */
	run_init(&ru, 5000);
	http_round(
	    f, &ru, "https://127.0.0.1", HP(PORT_HTTP), "/ok", NULL, NULL);
	assert_int_equal(ru.r.cause, CAUSE_TLS);
}

static void
test_http_concurrent(void **state)
{
	struct fixture *f = *state;
	struct run *ru = calloc(20, sizeof *ru);
	struct config_device dev;
	char url[128], err[160];
	int done = 0;
	int64_t t0 = time_mono_ms();

	assert_non_null(ru);
	memset(&dev, 0, sizeof dev);
	for (int i = 0; i < 20; i++) {
		run_init(&ru[i], 10000);
		ru[i].counter = &done;
		snprintf(url, sizeof url, "http%s://127.0.0.1:%d/delay/400",
		    i % 2 ? "s" : "",
		    f->httpd.ports[i % 2 ? PORT_TLS_OK : PORT_HTTP]);
		assert_int_equal(probe_engine_http.parse(
				     url, &dev, &ru[i].p.spec, err, sizeof err),
		    0);
		probe_engine_http.start(f->http, &ru[i].p);
	}
	assert_true(loop_until(f->loop, &done, 20, 15.0));
	for (int i = 0; i < 20; i++) {
		assert_int_equal(ru[i].done, 1);
		if (!ru[i].r.ok)
			fail_msg("round %d: %s", i, ru[i].r.detail);
		spec_free(&ru[i].p.spec);
	}
	/* In parallel: twenty 400 ms answers one after another take 8 s. */
	assert_true(time_mono_ms() - t0 < 5000);
	free(ru);
}

static void
test_http_cancel(void **state)
{
	struct fixture *f = *state;
	struct run a, b;
	struct config_device dev;
	char url[128], err[160];

	memset(&dev, 0, sizeof dev);
	dev.http_contains = "never";
	run_init(&a, 5000);
	run_init(&b, 5000);
	snprintf(url, sizeof url, "http://127.0.0.1:%d/hang",
	    f->httpd.ports[PORT_HTTP]);
	assert_int_equal(
	    probe_engine_http.parse(url, &dev, &a.p.spec, err, sizeof err), 0);
	assert_int_equal(
	    probe_engine_http.parse(url, &dev, &b.p.spec, err, sizeof err), 0);
	/* A cancelled before curl even connects, B mid-request. */
	probe_engine_http.start(f->http, &a.p);
	probe_engine_http.cancel(f->http, &a.p);
	assert_null(a.p.priv);
	probe_engine_http.start(f->http, &b.p);
	loop_for(f->loop, 0.3);
	assert_int_equal(b.done, 0);
	probe_engine_http.cancel(f->http, &b.p);
	assert_null(b.p.priv);
	assert_null(probe_engine_http.release);
	loop_for(f->loop, 0.3);
	assert_int_equal(a.done, 0);
	assert_int_equal(b.done, 0);

	/* Cancelled while libcurl's resolver thread looks up the name. */
	spec_free(&a.p.spec);
	run_init(&a, 5000);
	snprintf(url, sizeof url, "http://localhost:%d/hang",
	    f->httpd.ports[PORT_HTTP]);
	assert_int_equal(
	    probe_engine_http.parse(url, &dev, &a.p.spec, err, sizeof err), 0);
	probe_engine_http.start(f->http, &a.p);
	ev_run(f->loop, EVRUN_NOWAIT);
	probe_engine_http.cancel(f->http, &a.p);
	loop_for(f->loop, 0.2);
	assert_int_equal(a.done, 0);

	/* A round again on the same probe works as before. */
	spec_free(&a.p.spec);
	run_init(&a, 5000);
	http_round(f, &a, "http://127.0.0.1", HP(PORT_HTTP), "/ok", NULL, NULL);
	assert_true(a.r.ok);
	spec_free(&b.p.spec);
}

static void
test_http_close_with_rounds(void **state)
{
	struct fixture *f = *state;
	struct run ru;
	void *e;
	char url[128], err[160];

	/* An engine closed with a round still out frees it, calls nothing. */
	e = probe_engine_http.open(f->loop, NULL, err, sizeof err);
	assert_non_null(e);
	run_init(&ru, 5000);
	snprintf(url, sizeof url, "http://127.0.0.1:%d/hang",
	    f->httpd.ports[PORT_HTTP]);
	assert_int_equal(
	    probe_engine_http.parse(url, NULL, &ru.p.spec, err, sizeof err), 0);
	probe_engine_http.start(e, &ru.p);
	loop_for(f->loop, 0.2);
	probe_engine_http.close(e);
	assert_null(ru.p.priv);
	loop_for(f->loop, 0.2);
	assert_int_equal(ru.done, 0);
	spec_free(&ru.p.spec);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_tcp_parse),
	    cmocka_unit_test(test_tcp_open_port),
	    cmocka_unit_test(test_tcp_ipv6),
	    cmocka_unit_test(test_tcp_refused),
	    cmocka_unit_test(test_tcp_no_address),
	    cmocka_unit_test(test_tcp_timeout_and_cancel),
	    cmocka_unit_test(test_http_parse),
	    cmocka_unit_test(test_http_status),
	    cmocka_unit_test(test_http_body),
	    cmocka_unit_test(test_http_network_failures),
	    cmocka_unit_test(test_http_slow_body),
	    cmocka_unit_test(test_https),
	    cmocka_unit_test(test_http_concurrent),
	    cmocka_unit_test(test_http_cancel),
	    cmocka_unit_test(test_http_close_with_rounds),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
