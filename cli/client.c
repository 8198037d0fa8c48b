/* client.c - xanetctl's side of the control socket protocol (daemon/control.h). */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "cli/xanetctl.h"
#include "common/util.h"

#define CLIENT_TIMEOUT_MS 10000
#define CLIENT_ANSWER_MAX (16 * 1024 * 1024)

static int
client_connect(const char *path, char *err, size_t errlen)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	int fd;

	if (strlen(path) >= sizeof sun.sun_path) {
		snprintf(err, errlen, "control socket path too long: %s", path);
		return -2;
	}
	str_copy(sun.sun_path, path, sizeof sun.sun_path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return -2;
	}
	if (connect(fd, (struct sockaddr *)&sun, sizeof sun) == 0)
		return fd;
	close(fd);
	if (errno == ENOENT || errno == ECONNREFUSED) {
		snprintf(err, errlen,
		    "nothing listens "
		    "on %s",
		    path);
		return -1;
	}
	snprintf(err, errlen, "cannot reach xanetd at %s: %s", path,
	    strerror(errno));
	return errno == EACCES || errno == EPERM ? -3 : -2;
}

/* Read until EOF into a growing buffer; the daemon closes after answering. */
static char *
client_read_all(int fd, char *err, size_t errlen)
{
	size_t len = 0, cap = 4096;
	char *buf = xmalloc(cap);
	struct pollfd pfd = {.fd = fd, .events = POLLIN};

	for (;;) {
		ssize_t n;

		if (poll(&pfd, 1, CLIENT_TIMEOUT_MS) <= 0) {
			snprintf(err, errlen,
			    "xanetd did not answer within "
			    "%d s",
			    CLIENT_TIMEOUT_MS / 1000);
			break;
		}
		if (len + 1 >= cap) {
			if (cap >= CLIENT_ANSWER_MAX) {
				snprintf(err, errlen, "answer too long");
				break;
			}
			cap *= 2;
			buf = xreallocarray(buf, cap, 1);
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n == -1 && errno == EINTR)
			continue;
		if (n < 0) {
			snprintf(err, errlen, "read: %s", strerror(errno));
			break;
		}
		if (n == 0) {
			buf[len] = '\0';
			return buf;
		}
		len += (size_t)n;
	}
	free(buf);
	return NULL;
}

int
client_request(const char *path, const char *request, json_t **out, char *err,
    size_t errlen)
{
	json_error_t jerr;
	char *answer;
	int fd;

	*out = NULL;
	if ((fd = client_connect(path, err, errlen)) < 0)
		return fd;
	if (dprintf(fd, "%s\n", request) < 0) {
		snprintf(err, errlen, "write to %s: %s", path, strerror(errno));
		close(fd);
		return -2;
	}
	answer = client_read_all(fd, err, errlen);
	close(fd);
	if (answer == NULL)
		return -2;
	*out = json_loads(answer, 0, &jerr);
	free(answer);
	if (*out == NULL || !json_is_object(*out)) {
		snprintf(err, errlen, "malformed answer from xanetd: %s",
		    *out == NULL ? jerr.text : "not an object");
		json_decref(*out);
		*out = NULL;
		return -2;
	}
	return 0;
}

int
ctl_daemon_request(
    struct ctl *ctl, const char *request, const char *why, json_t **out)
{
	const char *path = ctl_socket_path(ctl), *e;
	char err[512];
	json_t *ans = NULL;
	int rc;

	if (out != NULL)
		*out = NULL;
	if (path == NULL)
		return CTL_ERROR;
	rc = client_request(path, request, &ans, err, sizeof err);
	if (rc == -1) {
		fprintf(stderr, "xanetctl: xanetd is not running (%s): %s\n",
		    err, why);
		return CTL_NOT_RUNNING;
	}
	if (rc < 0) {
		fprintf(stderr, "xanetctl: %s\n", err);
		return rc == -3 ? CTL_NO_DATABASE : CTL_ERROR;
	}
	if (!json_is_true(json_object_get(ans, "ok"))) {
		e = json_string_value(json_object_get(ans, "error"));
		fprintf(stderr, "xanetctl: xanetd refused: %s\n",
		    e != NULL ? e : "no reason given");
		json_decref(ans);
		return CTL_ERROR;
	}
	if (out != NULL)
		*out = ans;
	else
		json_decref(ans);
	return CTL_OK;
}
