/* peer.c - for unit tests: start a helper server script, run the loop until done. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/lib/peer.h"

const char *
peer_srcdir(void)
{
	const char *s = getenv("XANET_SRCDIR");

	return s != NULL && *s != '\0' ? s : XANET_TEST_SRCDIR;
}

int
peer_start(struct peer *pe, const char *script, const char *const *args)
{
	int in[2], out[2];
	char path[4096], line[256], *p, *end;
	const char *argv[32];
	size_t n = 0, len = 0;
	ssize_t got;
	long port;

	memset(pe, 0, sizeof *pe);
	pe->pid = -1;
	pe->stdin_fd = -1;
	snprintf(path, sizeof path, "%s/tests/lib/%s", peer_srcdir(), script);
	argv[n++] = XANET_PYTHON;
	argv[n++] = path;
	for (; args != NULL && *args != NULL && n < 31; args++)
		argv[n++] = *args;
	argv[n] = NULL;
	if (pipe2(in, O_CLOEXEC) == -1)
		return -1;
	if (pipe2(out, O_CLOEXEC) == -1) {
		close(in[0]);
		close(in[1]);
		return -1;
	}
	pe->pid = fork();
	if (pe->pid == 0) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	pe->stdin_fd = in[1];
	if (pe->pid == -1) {
		close(out[0]);
		peer_stop(pe);
		return -1;
	}
	/* The first line, "PORT [PORT...]", says it is listening. */
	while (len < sizeof line - 1 && memchr(line, '\n', len) == NULL) {
		struct pollfd pfd = {.fd = out[0], .events = POLLIN};

		if (poll(&pfd, 1, 20000) <= 0)
			break;
		got = read(out[0], line + len, sizeof line - 1 - len);
		if (got <= 0)
			break;
		len += (size_t)got;
	}
	close(out[0]);
	line[len] = '\0';
	for (p = line; pe->nports < PEER_MAX_PORTS;) {
		errno = 0;
		port = strtol(p, &end, 10);
		if (end == p || errno != 0 || port < 1 || port > 65535)
			break;
		pe->ports[pe->nports++] = (int)port;
		p = end;
	}
	if (pe->nports == 0) {
		fprintf(stderr, "# %s printed no port: '%s'\n", script, line);
		peer_stop(pe);
		return -1;
	}
	return 0;
}

void
peer_stop(struct peer *pe)
{
	if (pe->stdin_fd != -1)
		close(pe->stdin_fd);
	pe->stdin_fd = -1;
	if (pe->pid > 0) {
		kill(pe->pid, SIGTERM);
		waitpid(pe->pid, NULL, 0);
	}
	pe->pid = -1;
}

static void
guard_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	*(bool *)w->data = true;
}

bool
loop_until(struct ev_loop *loop, const int *count, int want, double limit_s)
{
	ev_timer guard;
	bool expired = false;

	ev_now_update(loop);
	ev_timer_init(&guard, guard_cb, limit_s, 0.);
	guard.data = &expired;
	ev_timer_start(loop, &guard);
	while ((count == NULL || *count < want) && !expired)
		ev_run(loop, EVRUN_ONCE);
	ev_timer_stop(loop, &guard);
	return count != NULL && *count >= want;
}

void
loop_for(struct ev_loop *loop, double seconds)
{
	loop_until(loop, NULL, 0, seconds);
}
