/*
 * probe.h - the probes as the daemon sees them: configure, run, results.
 *
 * A device's `probes = icmp, tcp:443, http://host/path, https://...,
 * heartbeat` becomes one probe per entry. Each probe runs one round per
 * interval (spread over the interval by a hash of its device key, so
 * 10,000 targets never fire together), and every round ends in exactly
 * one struct probe_result, delivered on the loop thread.
 */
#ifndef XANET_PROBE_H
#define XANET_PROBE_H

#include <ev.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct config;
struct probes;

/* Why a round failed; names are stable (alert log, database). */
enum probe_cause {
	CAUSE_NONE,        /* it worked */
	CAUSE_TIMEOUT,     /* no answer in time ("timeout") */
	CAUSE_LOSS,        /* every echo of the round lost ("loss") */
	CAUSE_DNS,         /* the name did not resolve ("dns") */
	CAUSE_UNREACHABLE, /* ICMP host/net unreachable ("unreachable") */
	CAUSE_REFUSED,     /* TCP reset / port unreachable ("refused") */
	CAUSE_HTTP_STATUS, /* an unexpected HTTP status ("http-status") */
	CAUSE_HTTP_BODY,   /* body lacks the expected text ("http-body") */
	CAUSE_TLS,         /* TLS handshake or certificate ("tls") */
	CAUSE_NETWORK,     /* a local send/connect error ("network") */
	CAUSE_MONITOR,     /* the monitor could not probe ("monitor") */
	CAUSE_REPORTED, /* the device's heartbeat said it fails ("reported") */
};
const char *probe_cause_name(enum probe_cause cause);

enum probe_kind {
	PROBE_ICMP,
	PROBE_TCP,
	PROBE_HTTP,      /* http:// and https:// */
	PROBE_HEARTBEAT, /* pushed by the device; the web issue adds it */
	PROBE_SNMP,      /* polls the device's SNMP agent (probes/snmp.c) */
	PROBE_NKINDS,
};
const char *probe_kind_name(enum probe_kind kind);

struct probe_result {
	bool ok;
	enum probe_cause cause;
	char detail
	    [160]; /* for people: "HTTP 500", "host unreachable from 10.0.0.1" */
	int64_t start_wall_ms; /* when the round began (UTC ms) */
	int64_t rtt_us; /* avg echo RTT, connect time or HTTP total; -1 none */
	int64_t rtt_min_us; /* ICMP; -1 none */
	int64_t rtt_max_us;
	int64_t jitter_us; /* mean |difference| of consecutive RTTs; -1 none */
	int sent;          /* ICMP echoes sent; 1 for other kinds */
	int received;      /* answered echoes; 0/1 for other kinds */
	int http_status;   /* 0 if none */
	int cert_days;     /* days left on the TLS certificate; -1 none */
};

/* Loss of a round in percent (0 when nothing was sent). */
double probe_result_loss(const struct probe_result *r);

/*
 * Called on the loop thread when a round ends. DEVICE indexes the
 * config's devices, PROBE the device's probe list as written.
 */
typedef void (*probes_result_fn)(void *arg, size_t device, size_t probe,
    enum probe_kind kind, const struct probe_result *r);

/*
 * Check every device's probe list and probe settings in CFG (for xanetd
 * -t, reload and xanetctl check-config). Appends one "FILE:LINE: message"
 * line per problem to ERR, e.g. "xanet.conf:14: device 'ap-1': bad probe
 * 'tcp:99999': port must be 1-65535". Returns 0 or -1.
 */
int probes_check_config(const struct config *cfg, char *err, size_t errlen);

/*
 * Open what needs privilege (the ICMP sockets: an unprivileged datagram
 * socket where net.ipv4.ping_group_range allows it, else raw) and the
 * engines (resolver, libcurl multi). Call before dropping privileges.
 */
struct probes *probes_new(struct ev_loop *loop, probes_result_fn fn, void *arg,
    char *err, size_t errlen);
void probes_free(struct probes *ps);
/*
 * (Re)build the probe set from CFG, which must outlive it (until the next
 * call). Probes whose device key, spec and interval are unchanged keep
 * their schedule; a round in flight for a removed probe is cancelled
 * without a result.
 */
int probes_configure(
    struct probes *ps, const struct config *cfg, char *err, size_t errlen);

struct probes_stats {
	uint64_t rounds; /* rounds finished */
	uint64_t rounds_failed;
	uint64_t late_starts; /* rounds started > 1 s after their slot */
	int64_t max_lateness_ms;
	uint64_t icmp_sent;
	uint64_t icmp_received;
	uint64_t icmp_foreign; /* replies that matched no probe of ours */
	uint64_t icmp_malformed;
	size_t probes; /* configured */
	size_t in_flight;
	uint64_t snmp_polls;    /* SNMP rounds finished */
	uint64_t snmp_requests; /* PDUs sent (not counting retries) */
	uint64_t snmp_varbinds; /* varbinds received and kept */
	uint64_t snmp_timeouts; /* requests that got no answer */
	uint64_t snmp_faults;   /* rounds ended by a usmStats report */
	uint64_t snmp_dropped;  /* varbinds dropped by a bound */
	size_t snmp_sessions;   /* open net-snmp sessions */
};
void probes_get_stats(const struct probes *ps, struct probes_stats *st);
/*
 * What an SNMP poll learns besides up/down goes to the daemon through
 * these hooks (DEVICE indexes cfg->devices; see probes/snmpdata.h for
 * the structs). EVENT is rebooted, link-down, link-up or
 * monitoring-fault (the last once per fault episode). Without hooks,
 * the data is dropped. Set before probes_configure().
 */
struct snmp_sysinfo;
struct snmp_ifinfo;
struct probes_snmp_hooks {
	void *arg;
	void (*metric)(void *arg, size_t device, const char *name,
	    const char *instance, double value);
	void (*event)(
	    void *arg, size_t device, const char *event, const char *details);
	void (*system)(void *arg, size_t device, const struct snmp_sysinfo *si);
	void (*iface)(void *arg, size_t device, const struct snmp_ifinfo *ii);
	void (*warn)(void *arg, size_t device, const char *what);
	/* A custom OID of type string: its latest text. */
	void (*text)(
	    void *arg, size_t device, const char *label, const char *value);
};
void probes_set_snmp_hooks(
    struct probes *ps, const struct probes_snmp_hooks *hooks);

/*
 * A heartbeat from the device with key KEY arrived (the web server's
 * /hb/TOKEN, handed to the loop): OK false when the device reported a
 * failure, MSG its words (may be NULL). Its heartbeat probe's next round
 * judges it. 0, or -1 if KEY has no heartbeat probe.
 */
int probes_heartbeat(
    struct probes *ps, const char *key, bool ok, const char *msg);

/* "dgram" or "raw": which ICMP socket is in use (for the logs/status). */
const char *probes_icmp_mode(const struct probes *ps);

#endif
