/*
 * heartbeat.c - the heartbeat probe kind: devices behind carrier NAT that
 * the server cannot reach push "I am alive" instead. The pushing side (the
 * web server's /hb/TOKEN endpoint) arrives with the web issue; until then
 * a heartbeat device is accepted in the config and has no rounds, so its
 * state stays unknown (never up, never down).
 */
#include <stdio.h>
#include <string.h>

#include "common/config.h"
#include "probes/engine.h"

static int
heartbeat_parse(const char *text, const struct config_device *dev,
    struct probe_spec *spec, char *err, size_t errlen)
{
	if (strcmp(text, "heartbeat") != 0) {
		snprintf(err, errlen, "'heartbeat' takes no arguments");
		return -1;
	}
	spec->kind = PROBE_HEARTBEAT;
	return 0;
}

/* start == NULL: the scheduler runs no rounds for a passive kind. */
const struct probe_engine probe_engine_heartbeat = {
    .name = "heartbeat",
    .kind = PROBE_HEARTBEAT,
    .needs_address = false,
    .parse = heartbeat_parse,
};
