/* devstate.h - the states a device can be in: the backbone of the evidence. */
#ifndef XANET_DEVSTATE_H
#define XANET_DEVSTATE_H

enum dev_state {
	DEV_UNKNOWN, /* not watched, or could not be probed */
	DEV_UP,
	DEV_DOWN,
	DEV_UNREACHABLE, /* a parent is down */
	DEV_MAINTENANCE,
};
#define DEV_NSTATES 5

/* "unknown", "up", "down", "unreachable", "maintenance" */
const char *dev_state_name(enum dev_state s);
/* 0, or -1 if NAME is none of them. */
int dev_state_parse(const char *name, enum dev_state *s);

#endif
