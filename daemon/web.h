/* web.h - the daemon's side of the dashboard: socket, start, reload, stop. */
#ifndef XANET_DAEMON_WEB_H
#define XANET_DAEMON_WEB_H

struct web;
struct xanetd;

/*
 * Before privileges are dropped: bind [web] listen:port (a port below
 * 1024 needs root) and read the TLS certificate and key. Never NULL; a
 * web server that cannot be set up is logged and left off, because
 * watching the network matters more than showing it.
 */
struct web *web_open(struct xanetd *x);
/* After the drop (and the fork): start serving. */
void web_start(struct web *w);
/* After a reload: restart the server if any [web] setting changed. */
void web_reload(struct web *w);
/* NAME was deleted or got a new password: end their sessions. */
void web_user_changed(struct web *w, const char *name);
/* Stop serving (within the shutdown budget) and free. */
void web_free(struct web *w);

#endif
