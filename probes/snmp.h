/* snmp.h - the snmp probe engine's helpers shared with the trap receiver and tests. */
#ifndef XANET_SNMP_H
#define XANET_SNMP_H

/*
 * What a usmStats report (net-snmp's SNMPERR_* for it) means, in the
 * words of the monitoring-fault alert ("authentication failure"), with
 * the counter's name in *COUNTER ("usmStatsWrongDigests"); "" for any
 * other error.
 */
const char *snmp_fault_name(int snmperr, const char **counter);

#endif
