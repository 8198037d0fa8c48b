/*
 * control.h - the unix control socket used by xanetctl.
 *
 * Protocol: a client connects, sends one request line of at most
 * CONTROL_REQUEST_MAX bytes including the '\n' (a command word, e.g.
 * "status"), and receives one line of JSON, always an object with "ok";
 * when "ok" is false, "error" says why. Then the daemon closes the
 * connection. A client that sends nothing is dropped after
 * CONTROL_TIMEOUT_S seconds.
 */
#ifndef XANET_CONTROL_H
#define XANET_CONTROL_H

#include <ev.h>
#include <stddef.h>

#define CONTROL_REQUEST_MAX 256
#define CONTROL_TIMEOUT_S   5
#define CONTROL_CLIENTS_MAX 32

struct control;

/*
 * Called with the request line (no newline; valid UTF-8 without control
 * characters);
 * returns the response JSON as a malloc'd string without newline.
 */
typedef char *(*control_dispatch_fn)(void *arg, const char *request);

/*
 * Listen on PATH (mode 0660). A stale socket left by a crash is replaced;
 * a live one (another xanetd answers) or a non-socket file is an error.
 */
struct control *control_open(struct ev_loop *loop, const char *path,
    control_dispatch_fn fn, void *arg, char *err, size_t errlen);
void control_free(struct control *c);
const char *control_path(const struct control *c);

/* A malloc'd {"ok":false,"error":MSG} line, shared with the dispatchers. */
char *control_error(const char *msg);

#endif
