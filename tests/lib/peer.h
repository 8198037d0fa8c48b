/* peer.h - for unit tests: start a helper server script, run the loop until done. */
#ifndef XANET_TEST_PEER_H
#define XANET_TEST_PEER_H

#include <ev.h>
#include <stdbool.h>
#include <sys/types.h>

#define PEER_MAX_PORTS 8

/* A helper from tests/lib/ running as a child, and the ports it printed. */
struct peer {
	pid_t pid;
	int stdin_fd; /* the child serves until this closes */
	int ports[PEER_MAX_PORTS];
	int nports;
};

/* The source tree: $XANET_SRCDIR (set by make check), else the build's. */
const char *peer_srcdir(void);
/*
 * Run tests/lib/SCRIPT (Python) with ARGS (NULL-terminated, may be NULL)
 * and read the first line it prints: its ports. -1 if it fails to start
 * or prints nothing within 20 s.
 */
int peer_start(struct peer *pe, const char *script, const char *const *args);
void peer_stop(struct peer *pe);

/*
 * Run LOOP until *COUNT reaches WANT or LIMIT_S seconds pass; true if it
 * got there.
 */
bool loop_until(
    struct ev_loop *loop, const int *count, int want, double limit_s);
/* Run LOOP for SECONDS whatever happens. */
void loop_for(struct ev_loop *loop, double seconds);

#endif
