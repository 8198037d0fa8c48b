/* control.c - the unix control socket used by xanetctl: framing and limits. */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/log.h"
#include "common/util.h"
#include "common/xtime.h"
#include "daemon/control.h"

struct control_conn {
	struct control *c;
	int fd;
	ev_io io;
	ev_timer timeout;
	char in[CONTROL_REQUEST_MAX + 1]; /* + NUL */
	size_t inlen;
	char *out; /* response being written, with its newline */
	size_t outlen;
	size_t outoff;
	struct control_conn *next;
};

struct control {
	struct ev_loop *loop;
	char *path;
	int fd;
	ev_io accept_io;
	control_dispatch_fn dispatch;
	void *arg;
	struct control_conn *conns;
	int nconns;
	struct ratelimit refused_log;
};

char *
control_error(const char *msg)
{
	json_t *o = json_pack("{s:b, s:s}", "ok", 0, "error", msg);
	char *s = json_dumps(o, JSON_COMPACT);

	json_decref(o);
	return s;
}

static void
control_conn_free(struct control_conn *cc)
{
	struct control *c = cc->c;
	struct control_conn **pp;

	for (pp = &c->conns; *pp != NULL; pp = &(*pp)->next)
		if (*pp == cc) {
			*pp = cc->next;
			break;
		}
	ev_io_stop(c->loop, &cc->io);
	ev_timer_stop(c->loop, &cc->timeout);
	close(cc->fd);
	free(cc->out);
	free(cc);
	c->nconns--;
}

/* Write what the socket takes; true when the whole response is out. */
static bool
control_conn_flush(struct control_conn *cc)
{
	while (cc->outoff < cc->outlen) {
		ssize_t n = send(cc->fd, cc->out + cc->outoff,
		    cc->outlen - cc->outoff, MSG_NOSIGNAL);

		if (n > 0) {
			cc->outoff += (size_t)n;
			continue;
		}
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return false;
		/* The client went away: nothing more to say to it. */
		cc->outoff = cc->outlen;
	}
	return true;
}

static void
control_conn_write_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct control_conn *cc = w->data;

	if (control_conn_flush(cc))
		control_conn_free(cc);
}

/* Queue RESPONSE (malloc'd, no newline; taken over) and start sending. */
static void
control_conn_respond(struct control_conn *cc, char *response)
{
	size_t n = strlen(response);

	cc->out = xreallocarray(response, n + 2, 1);
	cc->out[n] = '\n';
	cc->out[n + 1] = '\0';
	cc->outlen = n + 1;
	ev_io_stop(cc->c->loop, &cc->io);
	if (control_conn_flush(cc)) {
		control_conn_free(cc);
		return;
	}
	ev_io_set(&cc->io, cc->fd, EV_WRITE);
	cc->io.cb = control_conn_write_cb;
	ev_io_start(cc->c->loop, &cc->io);
}

/* NULL if REQ (LEN bytes before the newline) is well formed. */
static const char *
control_validate(const char *req, size_t len)
{
	if (len == 0)
		return "empty request";
	if (memchr(req, '\0', len) != NULL)
		return "malformed request: NUL byte";
	/* Words are ASCII; a free-text reason may be Vietnamese. */
	if (!utf8_valid(req, len))
		return "malformed request: not valid UTF-8";
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)req[i];

		if (ch < 0x20 || ch == 0x7f)
			return "malformed request: control character";
	}
	return NULL;
}

static void
control_conn_request(struct control_conn *cc, size_t len)
{
	const char *bad;

	cc->in[len] = '\0';
	if (len > 0 && cc->in[len - 1] == '\r')
		cc->in[--len] = '\0';
	if ((bad = control_validate(cc->in, len)) != NULL) {
		control_conn_respond(cc, control_error(bad));
		return;
	}
	control_conn_respond(cc, cc->c->dispatch(cc->c->arg, cc->in));
}

static void
control_conn_read_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct control_conn *cc = w->data;
	ssize_t n;
	char *nl;

	n = recv(
	    cc->fd, cc->in + cc->inlen, CONTROL_REQUEST_MAX - cc->inlen, 0);
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		control_conn_free(cc);
		return;
	}
	nl = memchr(cc->in + cc->inlen, '\n', (size_t)n);
	cc->inlen += (size_t)n;
	if (nl != NULL) {
		control_conn_request(cc, (size_t)(nl - cc->in));
		return;
	}
	if (cc->inlen >= CONTROL_REQUEST_MAX)
		control_conn_respond(cc, control_error("request too long"));
}

static void
control_conn_timeout_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	control_conn_free(w->data);
}

static void
control_accept_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct control *c = w->data;
	struct control_conn *cc;
	int fd;

	fd = accept4(c->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd == -1) {
		if (errno != EAGAIN && errno != EINTR &&
		    ratelimit_allow(&c->refused_log, time_mono_ms(), NULL))
			log_warn("control socket: accept: %s", strerror(errno));
		return;
	}
	if (c->nconns >= CONTROL_CLIENTS_MAX) {
		/* Bounded: say so and hang up rather than queue without end. */
		char *msg = control_error("busy: too many control clients");

		(void)!send(fd, msg, strlen(msg), MSG_NOSIGNAL | MSG_DONTWAIT);
		(void)!send(fd, "\n", 1, MSG_NOSIGNAL | MSG_DONTWAIT);
		free(msg);
		close(fd);
		if (ratelimit_allow(&c->refused_log, time_mono_ms(), NULL))
			log_warn("control socket: refused a client, %d busy",
			    c->nconns);
		return;
	}
	cc = xcalloc(1, sizeof *cc);
	cc->c = c;
	cc->fd = fd;
	ev_io_init(&cc->io, control_conn_read_cb, fd, EV_READ);
	cc->io.data = cc;
	ev_timer_init(
	    &cc->timeout, control_conn_timeout_cb, CONTROL_TIMEOUT_S, 0.);
	cc->timeout.data = cc;
	ev_io_start(loop, &cc->io);
	ev_timer_start(loop, &cc->timeout);
	cc->next = c->conns;
	c->conns = cc;
	c->nconns++;
}

/* Remove a stale socket from a crashed daemon; refuse a live one. */
static int
control_clear_stale(const char *path, char *err, size_t errlen)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	struct stat st;
	int fd, rc;

	if (lstat(path, &st) == -1)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISSOCK(st.st_mode)) {
		snprintf(err, errlen,
		    "control socket %s exists and is not a "
		    "socket",
		    path);
		return -1;
	}
	str_copy(sun.sun_path, path, sizeof sun.sun_path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return -1;
	rc = connect(fd, (struct sockaddr *)&sun, sizeof sun);
	close(fd);
	if (rc == 0) {
		snprintf(
		    err, errlen, "another xanetd is running: %s answers", path);
		return -1;
	}
	unlink(path);
	return 0;
}

struct control *
control_open(struct ev_loop *loop, const char *path, control_dispatch_fn fn,
    void *arg, char *err, size_t errlen)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	struct control *c;
	int fd;

	if (strlen(path) >= sizeof sun.sun_path) {
		snprintf(err, errlen, "control socket path too long: %s", path);
		return NULL;
	}
	err[0] = '\0';
	if (control_clear_stale(path, err, errlen) == -1) {
		if (err[0] == '\0')
			snprintf(err, errlen, "control socket %s: %s", path,
			    strerror(errno));
		return NULL;
	}
	str_copy(sun.sun_path, path, sizeof sun.sun_path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1 || bind(fd, (struct sockaddr *)&sun, sizeof sun) == -1 ||
	    chmod(path, 0660) == -1 || listen(fd, 64) == -1) {
		snprintf(err, errlen, "control socket %s: %s", path,
		    strerror(errno));
		if (fd != -1)
			close(fd);
		return NULL;
	}
	c = xcalloc(1, sizeof *c);
	c->loop = loop;
	c->path = xstrdup(path);
	c->fd = fd;
	c->dispatch = fn;
	c->arg = arg;
	ratelimit_init(&c->refused_log, 60000, 5);
	ev_io_init(&c->accept_io, control_accept_cb, fd, EV_READ);
	c->accept_io.data = c;
	ev_io_start(loop, &c->accept_io);
	return c;
}

void
control_free(struct control *c)
{
	if (c == NULL)
		return;
	while (c->conns != NULL)
		control_conn_free(c->conns);
	ev_io_stop(c->loop, &c->accept_io);
	close(c->fd);
	unlink(c->path);
	free(c->path);
	free(c);
}

const char *
control_path(const struct control *c)
{
	return c->path;
}
