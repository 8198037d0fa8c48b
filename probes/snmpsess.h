/* snmpsess.h - net-snmp set up quietly, and sessions from a device's config. */
#ifndef XANET_SNMPSESS_H
#define XANET_SNMPSESS_H

#include <stddef.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/types.h>

struct config_device;

/*
 * Initialise net-snmp once per process, quietly: no MIB files, no
 * snmp.conf / per-user config, no persistent state, no log output about
 * missing MIBs; numeric OIDs when printing. Shared by xanetd and xanetctl.
 * Safe to call more than once.
 */
void snmp_quiet_init(const char *app);

/*
 * Fill OUT (after snmp_sess_init) from DEV's SNMP settings: peer
 * "udp:ADDRESS:PORT", version, community (v1/v2c), or v3 user, security
 * level, auth/priv protocols and keys (generate_Ku). The caller sets
 * timeout/retries/callback and opens it. Strings OUT points to are owned
 * by OUT (freed by snmp_session_clear). 0, or -1 with ERR (never naming a
 * secret).
 */
int snmp_session_from_device(const struct config_device *dev,
    netsnmp_session *out, char *err, size_t errlen);
/* Free what snmp_session_from_device allocated in S (not S itself). */
void snmp_session_clear(netsnmp_session *s);

#endif
