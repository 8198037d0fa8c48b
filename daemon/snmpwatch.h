/* snmpwatch.h - SNMP in the daemon: poll results into the store and alert log, traps into events. */
#ifndef XANET_SNMPWATCH_H
#define XANET_SNMPWATCH_H

#include <jansson.h>

struct config;
struct monitor;
struct probes;
struct snmpwatch;
struct xanetd;

/*
 * Privileged part (before the drop): bind the trap receiver if [snmp]
 * trap_port is set, hook PROBES' SNMP results up to the store, and warn
 * about config files that hold SNMP secrets and are readable by others.
 */
struct snmpwatch *snmpwatch_new(
    struct xanetd *x, struct monitor *m, struct probes *probes);
/* x->cfg is new (start or reload): follow it. */
void snmpwatch_configure(struct snmpwatch *sw);
void snmpwatch_free(struct snmpwatch *sw);
/* Counters for the status answer ("snmp" object). */
json_t *snmpwatch_stats_json(struct snmpwatch *sw, struct probes *probes);
/* Warn (once per call) about FILE holding SNMP secrets with a loose mode. */
void snmpwatch_check_secrets(const struct config *cfg);

#endif
