/* tcp.c - the tcp:PORT probe: one non-blocking connect per round, timed. */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "common/util.h"
#include "common/xtime.h"
#include "probes/engine.h"

#define TCP_DEFAULT_TIMEOUT_MS 10000
/*
 * probes.c's deadline comes this long after our own connect timeout, so
 * that the engine, which knows what it was waiting for, reports first.
 */
#define TCP_DEADLINE_SLACK_MS 1000

struct tcp_engine {
	struct ev_loop *loop;
	struct ratelimit rl; /* socket() failures: EMFILE repeats per probe */
};

/* One round in flight; p->priv while it runs, freed when it ends. */
struct tcp_round {
	struct tcp_engine *e;
	struct probe *p;
	ev_io io;
	/* The connect timeout, or 0 s to report a result known at once. */
	ev_timer timer;
	int fd;
	int64_t t0_us;
	int64_t rtt_us;
	/* A result decided inside start(), handed over by the timer. */
	bool decided;
	int decided_errno; /* 0: connected */
	enum probe_cause decided_cause;
};

static int64_t
mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int
tcp_parse(const char *text, const struct config_device *dev,
    struct probe_spec *spec, char *err, size_t errlen)
{
	const char *s;
	long port = 0;

	if (strncasecmp(text, "tcp", 3) != 0 ||
	    (text[3] != ':' && text[3] != '\0')) {
		snprintf(err, errlen, "not a tcp:PORT probe");
		return -1;
	}
	if (text[3] == '\0' || text[4] == '\0') {
		snprintf(err, errlen, "tcp needs a port, e.g. tcp:443");
		return -1;
	}
	for (s = text + 4; *s != '\0'; s++) {
		if (*s < '0' || *s > '9' || port > 65535) {
			snprintf(err, errlen, "port must be 1-65535");
			return -1;
		}
		port = port * 10 + (*s - '0');
	}
	if (port < 1 || port > 65535) {
		snprintf(err, errlen, "port must be 1-65535");
		return -1;
	}
	memset(spec, 0, sizeof *spec);
	spec->kind = PROBE_TCP;
	spec->port = (uint16_t)port;
	return 0;
}

static void *
tcp_open(
    struct ev_loop *loop, struct probes_stats *stats, char *err, size_t errlen)
{
	struct tcp_engine *e = xcalloc(1, sizeof *e);

	e->loop = loop;
	ratelimit_init(&e->rl, 60000, 3);
	return e;
}

static void
tcp_close(void *engine)
{
	free(engine);
}

static void
round_free(struct tcp_round *t)
{
	ev_io_stop(t->e->loop, &t->io);
	ev_timer_stop(t->e->loop, &t->timer);
	if (t->fd != -1)
		close(t->fd);
	t->p->priv = NULL;
	free(t);
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

/* End the round: ERR 0 is a connection, else why there was none. */
static void
round_end(struct tcp_round *t, int err, enum probe_cause cause)
{
	struct probe *p = t->p;
	struct probe_result r;

	result_init(&r);
	if (err == 0 && cause == CAUSE_NONE) {
		r.ok = true;
		r.received = 1;
		r.rtt_us = t->rtt_us;
	} else if (cause != CAUSE_NONE) {
		r.cause = cause;
		if (cause == CAUSE_TIMEOUT)
			snprintf(r.detail, sizeof r.detail,
			    "no answer to connect in %lld ms",
			    (long long)(p->timeout_ms > 0
					    ? p->timeout_ms
					    : TCP_DEFAULT_TIMEOUT_MS));
		else if (err != 0)
			snprintf(r.detail, sizeof r.detail, "socket: %s",
			    strerror(err));
		else
			str_copy(r.detail, "no address to connect to",
			    sizeof r.detail);
	} else {
		switch (err) {
		case ECONNREFUSED:
			r.cause = CAUSE_REFUSED;
			str_copy(
			    r.detail, "connection refused", sizeof r.detail);
			break;
		case EHOSTUNREACH:
			r.cause = CAUSE_UNREACHABLE;
			str_copy(r.detail, "host unreachable", sizeof r.detail);
			break;
		case ENETUNREACH:
			r.cause = CAUSE_UNREACHABLE;
			str_copy(
			    r.detail, "network unreachable", sizeof r.detail);
			break;
		case ETIMEDOUT:
			r.cause = CAUSE_TIMEOUT;
			str_copy(
			    r.detail, "connect timed out", sizeof r.detail);
			break;
		default:
			r.cause = CAUSE_NETWORK;
			snprintf(
			    r.detail, sizeof r.detail, "%s", strerror(err));
			break;
		}
	}
	/* Freed first: the receiver may start the next round of P at once. */
	round_free(t);
	probe_done(p, &r);
}

static void
io_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct tcp_round *t = w->data;
	int soerr = 0;
	socklen_t len = sizeof soerr;

	t->rtt_us = mono_us() - t->t0_us;
	if (getsockopt(t->fd, SOL_SOCKET, SO_ERROR, &soerr, &len) == -1)
		soerr = errno;
	round_end(t, soerr, CAUSE_NONE);
}

static void
timer_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct tcp_round *t = w->data;

	if (t->decided)
		round_end(t, t->decided_errno, t->decided_cause);
	else
		round_end(t, 0, CAUSE_TIMEOUT);
}

/* Report a result decided inside start() on the next loop iteration. */
static void
round_decide(struct tcp_round *t, int err, enum probe_cause cause)
{
	t->decided = true;
	t->decided_errno = err;
	t->decided_cause = cause;
	ev_timer_stop(t->e->loop, &t->timer);
	ev_timer_set(&t->timer, 0., 0.);
	ev_timer_start(t->e->loop, &t->timer);
}

static void
tcp_start(void *engine, struct probe *p)
{
	struct tcp_engine *e = engine;
	struct tcp_round *t;
	struct sockaddr_storage ss;
	int64_t timeout_ms;
	uint64_t suppressed;

	/* A round still open: the caller broke the contract; end it. */
	if (p->priv != NULL)
		round_free(p->priv);
	t = xcalloc(1, sizeof *t);
	t->e = e;
	t->p = p;
	t->fd = -1;
	p->priv = t;
	ev_init(&t->io, io_cb);
	t->io.data = t;
	ev_init(&t->timer, timer_cb);
	t->timer.data = t;

	memset(&ss, 0, sizeof ss);
	if (p->addrlen == 0 || p->addrlen > sizeof ss ||
	    (p->addr.ss_family != AF_INET && p->addr.ss_family != AF_INET6)) {
		round_decide(t, 0, CAUSE_MONITOR);
		return;
	}
	memcpy(&ss, &p->addr, p->addrlen);
	if (ss.ss_family == AF_INET)
		((struct sockaddr_in *)&ss)->sin_port = htons(p->spec.port);
	else
		((struct sockaddr_in6 *)&ss)->sin6_port = htons(p->spec.port);

	t->fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    IPPROTO_TCP);
	if (t->fd == -1) {
		/* Out of descriptors is the monitor's fault, not the device's. */
		int err = errno;

		if (ratelimit_allow(&e->rl, time_mono_ms(), &suppressed))
			log_warn("tcp probe: socket: %s (%llu more not logged)",
			    strerror(err), (unsigned long long)suppressed);
		round_decide(t, err, CAUSE_MONITOR);
		return;
	}
	t->t0_us = mono_us();
	if (connect(t->fd, (struct sockaddr *)&ss, p->addrlen) == 0) {
		t->rtt_us = mono_us() - t->t0_us;
		round_decide(t, 0, CAUSE_NONE);
		return;
	}
	if (errno != EINPROGRESS) {
		round_decide(t, errno, CAUSE_NONE);
		return;
	}
	ev_io_set(&t->io, t->fd, EV_WRITE);
	ev_io_start(e->loop, &t->io);
	/*
	 * ev_now() is when this loop iteration began; after slow callbacks
	 * before us it is stale, and the timeout would fire early.
	 */
	ev_now_update(e->loop);
	timeout_ms = p->timeout_ms > 0 ? p->timeout_ms : TCP_DEFAULT_TIMEOUT_MS;
	ev_timer_set(&t->timer, timeout_ms / 1000.0, 0.);
	ev_timer_start(e->loop, &t->timer);
}

static void
tcp_cancel(void *engine, struct probe *p)
{
	if (p->priv != NULL)
		round_free(p->priv);
}

static int64_t
tcp_round_ms(const struct probe *p)
{
	return (p->timeout_ms > 0 ? p->timeout_ms : TCP_DEFAULT_TIMEOUT_MS) +
	       TCP_DEADLINE_SLACK_MS;
}

const struct probe_engine probe_engine_tcp = {
    .name = "tcp",
    .kind = PROBE_TCP,
    .needs_address = true,
    .parse = tcp_parse,
    .open = tcp_open,
    .close = tcp_close,
    .start = tcp_start,
    .cancel = tcp_cancel,
    .round_ms = tcp_round_ms,
};
