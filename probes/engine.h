/*
 * engine.h - the contract between probes.c (schedule, deadlines, results)
 * and one file per probe kind (icmp.c, tcp.c, http.c, heartbeat).
 *
 * Adding a probe kind is one new file exporting a `const struct
 * probe_engine` and one entry in probes.c's table.
 */
#ifndef XANET_ENGINE_H
#define XANET_ENGINE_H

#include <ev.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "probes/probe.h"

struct config_device;

/* A parsed probe entry: what one round of this probe does. */
struct probe_spec {
	enum probe_kind kind;
	uint16_t port;  /* tcp: the port; http: from the URL or 0 */
	char *url;      /* http: the whole URL */
	int icmp_count; /* icmp: echoes per round */
	int64_t icmp_spacing_ms;
	char *http_status;   /* http: accepted codes, e.g. "200-399,401" */
	char *http_contains; /* http: required body text, or NULL */
};

/* One probe of one device, owned by probes.c; engines read it. */
struct probe {
	struct probes *owner;
	size_t device; /* index into cfg->devices */
	size_t index;  /* position in the device's probe list */
	const struct config_device *dev;
	struct probe_spec spec;
	/* The target, resolved by probes.c before start() is called. */
	struct sockaddr_storage addr;
	socklen_t addrlen;
	int64_t interval_ms;
	int64_t timeout_ms;    /* for the whole round (engines may use less) */
	int64_t start_mono_ms; /* when this round began */
	int64_t start_wall_ms;
	void *priv; /* the engine's per-probe state */
	/*
	 * Where the round's result goes: probes.c's scheduler, or a test or
	 * benchmark driving an engine directly.
	 */
	void (*on_done)(struct probe *p, struct probe_result *r);
	void *on_done_arg;
};

struct probe_engine {
	const char *name; /* "icmp", "tcp", ... */
	enum probe_kind kind;
	bool needs_address; /* probes.c resolves dev->address first */
	/*
	 * Parse the entry TEXT (e.g. "tcp:443", a URL) and the device's
	 * settings into SPEC; -1 with what is wrong in ERR.
	 */
	int (*parse)(const char *text, const struct config_device *dev,
	    struct probe_spec *spec, char *err, size_t errlen);
	/*
	 * Open the engine (privileged; before the drop). Returns its state
	 * or NULL with ERR (probes of this kind then fail with
	 * CAUSE_MONITOR). NULL open means the engine needs none. STATS
	 * (may be NULL) is where the engine counts what it sees.
	 */
	void *(*open)(struct ev_loop *loop, struct probes_stats *stats,
	    char *err, size_t errlen);
	void (*close)(void *engine);
	/*
	 * Begin one round of P. The engine later calls probe_done() exactly
	 * once, unless probes.c calls cancel() first (deadline or removal).
	 */
	void (*start)(void *engine, struct probe *p);
	void (*cancel)(void *engine, struct probe *p);
	/*
	 * How long a round of P may take before probes.c cancels it and
	 * reports CAUSE_TIMEOUT; NULL means p->timeout_ms. (ICMP: the
	 * spacing of its echoes plus the timeout of the last.)
	 */
	int64_t (*round_ms)(const struct probe *p);
	/*
	 * Free what the engine keeps per probe (p->priv) between rounds;
	 * NULL for an engine whose state lives only for a round (cancel()
	 * or the round's end frees it and clears p->priv).
	 */
	void (*release)(void *engine, struct probe *p);
};

/*
 * Report the end of P's round: on the loop thread, exactly once per round
 * (never after cancel()). The receiver fills in R->start_wall_ms.
 */
static inline void
probe_done(struct probe *p, struct probe_result *r)
{
	p->on_done(p, r);
}

extern const struct probe_engine probe_engine_icmp;
extern const struct probe_engine probe_engine_tcp;
extern const struct probe_engine probe_engine_http;
extern const struct probe_engine probe_engine_heartbeat;
extern const struct probe_engine probe_engine_snmp;

/* heartbeat.c: a heartbeat for P arrived now (probes_heartbeat). */
void heartbeat_seen(struct probe *p, bool ok, const char *msg);

/* The daemon's SNMP hooks of P's owner, or NULL (an engine driven alone). */
const struct probes_snmp_hooks *probes_snmp_hooks_of(const struct probe *p);
/* The configuration P comes from (NULL when driven alone). */
const struct config *probes_config_of(const struct probe *p);
/* [snmp] max_repetitions and retries for P (25 and 1 when driven alone). */
void probes_snmp_settings(
    const struct probe *p, int *max_repetitions, int *retries);

#endif
