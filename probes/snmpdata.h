/* snmpdata.h - SNMP device profiles, and what a poll's varbinds mean: metrics, events. */
#ifndef XANET_SNMPDATA_H
#define XANET_SNMPDATA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/types.h> /* oid, netsnmp_variable_list, netsnmp_session */

struct config;
struct config_device;

/* built in (generic, system, unifi, mikrotik, aruba) or [snmp-profile] */
struct snmp_profile;

/* Profile named NAME ("generic", ..., or a [snmp-profile NAME]); NULL if none. */
const struct snmp_profile *snmp_profile_find(
    const struct config *cfg, const char *name);
/* For snmp_profile = auto: by sysObjectID (match prefixes first, then enterprise numbers). */
const struct snmp_profile *snmp_profile_auto(
    const struct config *cfg, const oid *sysobj, size_t len);
const char *snmp_profile_name(const struct snmp_profile *p);
/* What the profile's `clients` instances are, e.g. "UniFi VAP"; "clients" if none. */
const char *snmp_profile_clients_label(const struct snmp_profile *p);

/*
 * What one poll asks for. Scalars go in GET PDUs (the engine splits them,
 * <= 16 varbinds per PDU); each column is walked (GETBULK, GETNEXT for
 * v1) until the answer leaves the column's subtree.
 */
struct snmp_oid {
	oid name[MAX_OID_LEN];
	size_t len;
};
struct snmp_plan {
	struct snmp_oid scalars[32];
	size_t nscalars;
	struct snmp_oid columns[32];
	size_t ncolumns;
};
/*
 * The plan for DEV under profile P (NULL: the bootstrap plan = system
 * group only, used until sysObjectID is known when the profile is auto).
 * Includes the device's custom snmp_oids.
 */
void snmp_plan_build(const struct snmp_profile *p,
    const struct config_device *dev, struct snmp_plan *plan);

/* Where the results of a poll go (the daemon writes them to the store / alert log). */
struct snmp_sysinfo {
	const char *name, *descr;
	char object_id[128];
	uint32_t uptime_cs;
	const char *profile;
};
struct snmp_ifinfo {
	uint32_t index;
	const char *name, *alias;
	int admin, oper; /* 1 up 2 down ... */
	uint64_t speed_bps;
	double in_bps, out_bps, in_errors, out_errors, in_discards,
	    out_discards; /* per s, <0 unknown */
	bool important;
};
struct snmp_sink {
	void *arg;
	void (*metric)(
	    void *arg, const char *name, const char *instance, double value);
	/* rebooted, link-down, link-up */
	void (*event)(void *arg, const char *event, const char *details);
	void (*system)(void *arg, const struct snmp_sysinfo *si);
	void (*iface)(void *arg, const struct snmp_ifinfo *ii);
	/* wrong type, 64 KB string, ...: for a rate-limited log line */
	void (*warn)(void *arg, const char *what);
	/*
	 * A custom OID of type string (LABEL:OID:string): its latest text,
	 * stored with snmp_text_upsert(). May be NULL (not stored then).
	 */
	void (*text)(void *arg, const char *label, const char *value);
};

/* Per-device memory between polls: last counters and their times, last sysUpTime, ifOperStatus. */
struct snmp_devdata;
struct snmp_devdata *snmp_devdata_new(void);
void snmp_devdata_free(struct snmp_devdata *d);
/*
 * One finished poll: all varbinds received (scalars and walked rows, any
 * order, possibly with exception types and wrong types: those are skipped
 * with sink->warn). NOW_MS is when the poll began (monotonic ms); a
 * varbind's `index` field holds when its answer arrived, in ms after
 * NOW_MS (0 when unknown), and counters are timed by it. Emits metrics,
 * system/iface info and events (rebooted with the previous uptime;
 * link-down/up for important interfaces on a change of ifOperStatus; the
 * first poll only sets the baseline). Counter32 wrap handled; a counter
 * going backwards with a non-wrap-looking delta or after a reboot = reset
 * (no rate that round). Any sink callback may be NULL.
 */
void snmp_devdata_update(struct snmp_devdata *d, const struct snmp_profile *p,
    const struct config_device *dev, const netsnmp_variable_list *vars,
    int64_t now_ms, const struct snmp_sink *sink);

/* Parse "1.3.6.1.2.1.1.3.0" (leading dot optional) into NAME; 0 or -1. */
int snmp_oid_parse(const char *text, oid *name, size_t *len);
/* Format NAME as "1.3.6..." (no leading dot) into BUF; returns BUF. */
char *snmp_oid_format(const oid *name, size_t len, char *buf, size_t buflen);

#endif
