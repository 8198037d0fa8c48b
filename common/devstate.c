/* devstate.c - the states a device can be in: names for logs and the database. */
#include <string.h>

#include "common/devstate.h"

static const char *const dev_state_names[DEV_NSTATES] = {
    "unknown",
    "up",
    "down",
    "unreachable",
    "maintenance",
};

const char *
dev_state_name(enum dev_state s)
{
	if ((unsigned)s >= DEV_NSTATES)
		return "unknown";
	return dev_state_names[s];
}

int
dev_state_parse(const char *name, enum dev_state *s)
{
	for (int i = 0; i < DEV_NSTATES; i++)
		if (strcmp(name, dev_state_names[i]) == 0) {
			*s = (enum dev_state)i;
			return 0;
		}
	return -1;
}
