/* names.c - the stable names of probe kinds and failure causes (database, alert log). */
#include "probes/probe.h"

static const char *const kind_names[PROBE_NKINDS] = {
    [PROBE_ICMP] = "icmp",
    [PROBE_TCP] = "tcp",
    [PROBE_HTTP] = "http",
    [PROBE_HEARTBEAT] = "heartbeat",
    [PROBE_SNMP] = "snmp",
};

static const char *const cause_names[] = {
    [CAUSE_NONE] = "none",
    [CAUSE_TIMEOUT] = "timeout",
    [CAUSE_LOSS] = "loss",
    [CAUSE_DNS] = "dns",
    [CAUSE_UNREACHABLE] = "unreachable",
    [CAUSE_REFUSED] = "refused",
    [CAUSE_HTTP_STATUS] = "http-status",
    [CAUSE_HTTP_BODY] = "http-body",
    [CAUSE_TLS] = "tls",
    [CAUSE_NETWORK] = "network",
    [CAUSE_MONITOR] = "monitor",
    [CAUSE_REPORTED] = "reported",
};

const char *
probe_cause_name(enum probe_cause cause)
{
	if ((unsigned)cause >= sizeof cause_names / sizeof cause_names[0])
		return "unknown";
	return cause_names[cause];
}

const char *
probe_kind_name(enum probe_kind kind)
{
	if ((unsigned)kind >= PROBE_NKINDS)
		return "unknown";
	return kind_names[kind];
}
