/* snmpsess.c - net-snmp set up quietly, and sessions from a device's config (xanetd and xanetctl). */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

#include "common/config.h"
#include "common/util.h"
#include "probes/snmpsess.h"

void
snmp_quiet_init(const char *app)
{
	/*
	 * No MIB files (numeric OIDs throughout), no snmp.conf or per-user
	 * config, no persistent engine state in /var/lib/snmp: the daemon
	 * must behave the same on every box and print nothing of its own.
	 * init_snmp() reads MIBS/MIBDIRS, so they are emptied first.
	 */
	static bool done; /* process-wide by nature: net-snmp's own state */

	if (done)
		return;
	done = true;
	setenv("MIBS", "", 1);
	setenv("MIBDIRS", "", 1);
	snmp_disable_log();
	netsnmp_ds_set_boolean(
	    NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_READ_CONFIGS, 1);
	netsnmp_ds_set_boolean(
	    NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_LOAD, 1);
	netsnmp_ds_set_boolean(
	    NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_SAVE, 1);
	netsnmp_ds_set_boolean(
	    NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_LOAD_HOST_FILES, 1);
	netsnmp_ds_set_int(
	    NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_MIB_WARNINGS, 0);
	netsnmp_ds_set_int(NETSNMP_DS_LIBRARY_ID,
	    NETSNMP_DS_LIB_OID_OUTPUT_FORMAT, NETSNMP_OID_OUTPUT_NUMERIC);
	init_snmp(app != NULL ? app : "xanet");
}

/*
 * The config's names for snmp_auth / snmp_priv (same order as its
 * enums), kept here so that the fuzz build needs no config parser.
 */
static const char *
sd_auth_name(int auth)
{
	static const char *const n[] = {
	    "none", "md5", "sha", "sha224", "sha256", "sha384", "sha512"};

	return auth >= 0 && auth < (int)(sizeof n / sizeof n[0]) ? n[auth]
								 : "?";
}

static const char *
sd_priv_name(int priv)
{
	static const char *const n[] = {
	    "none", "des", "aes", "aes192", "aes256"};

	return priv >= 0 && priv < (int)(sizeof n / sizeof n[0]) ? n[priv]
								 : "?";
}

static oid *
sd_dup_oid(const oid *o, size_t len)
{
	oid *r = xmalloc(len * sizeof(oid));

	memcpy(r, o, len * sizeof(oid));
	return r;
}

int
snmp_session_from_device(const struct config_device *dev, netsnmp_session *out,
    char *err, size_t errlen)
{
	const oid *ap = NULL, *pp = NULL;
	size_t aplen = 0, pplen = 0;
	const char *addr = dev->address;

	snmp_sess_init(out);
	if (addr == NULL || *addr == '\0') {
		snprintf(err, errlen, "device '%s' has no address", dev->key);
		return -1;
	}
	/* An IPv6 literal needs brackets to keep its colons from the port. */
	if (strchr(addr, ':') != NULL)
		out->peername = xasprintf("udp6:[%s]:%d", addr,
		    dev->snmp_port > 0 ? dev->snmp_port : 161);
	else
		out->peername = xasprintf("udp:%s:%d", addr,
		    dev->snmp_port > 0 ? dev->snmp_port : 161);
	switch (dev->snmp_version) {
	case CONFIG_SNMP_V1:
	case CONFIG_SNMP_V2C:
	case 0:
		out->version = dev->snmp_version == CONFIG_SNMP_V1
				   ? SNMP_VERSION_1
				   : SNMP_VERSION_2c;
		if (dev->snmp_community == NULL) {
			snprintf(err, errlen,
			    "device '%s' has no snmp_community", dev->key);
			snmp_session_clear(out);
			return -1;
		}
		out->community = (u_char *)xstrdup(dev->snmp_community);
		out->community_len = strlen(dev->snmp_community);
		return 0;
	case CONFIG_SNMP_V3:
		break;
	default:
		snprintf(err, errlen, "device '%s': unknown SNMP version %d",
		    dev->key, dev->snmp_version);
		snmp_session_clear(out);
		return -1;
	}
	out->version = SNMP_VERSION_3;
	if (dev->snmp_user == NULL || *dev->snmp_user == '\0') {
		snprintf(err, errlen, "device '%s' has no snmp_user", dev->key);
		snmp_session_clear(out);
		return -1;
	}
	out->securityName = xstrdup(dev->snmp_user);
	out->securityNameLen = strlen(dev->snmp_user);
	/* The engine ID is discovered (RFC 5414 probe) by snmp_open. */
	switch (dev->snmp_auth) {
	case CONFIG_SNMP_AUTH_NONE:
		break;
	case CONFIG_SNMP_AUTH_MD5:
		ap = usmHMACMD5AuthProtocol;
		aplen = OID_LENGTH(usmHMACMD5AuthProtocol);
		break;
	case CONFIG_SNMP_AUTH_SHA:
		ap = usmHMACSHA1AuthProtocol;
		aplen = OID_LENGTH(usmHMACSHA1AuthProtocol);
		break;
#ifdef HAVE_EVP_SHA224
	case CONFIG_SNMP_AUTH_SHA224:
		ap = usmHMAC128SHA224AuthProtocol;
		aplen = OID_LENGTH(usmHMAC128SHA224AuthProtocol);
		break;
	case CONFIG_SNMP_AUTH_SHA256:
		ap = usmHMAC192SHA256AuthProtocol;
		aplen = OID_LENGTH(usmHMAC192SHA256AuthProtocol);
		break;
#endif
#ifdef HAVE_EVP_SHA384
	case CONFIG_SNMP_AUTH_SHA384:
		ap = usmHMAC256SHA384AuthProtocol;
		aplen = OID_LENGTH(usmHMAC256SHA384AuthProtocol);
		break;
	case CONFIG_SNMP_AUTH_SHA512:
		ap = usmHMAC384SHA512AuthProtocol;
		aplen = OID_LENGTH(usmHMAC384SHA512AuthProtocol);
		break;
#endif
	default:
		snprintf(err, errlen,
		    "device '%s': snmp_auth %s is not supported by this "
		    "net-snmp",
		    dev->key, sd_auth_name(dev->snmp_auth));
		snmp_session_clear(out);
		return -1;
	}
	switch (dev->snmp_priv) {
	case CONFIG_SNMP_PRIV_NONE:
		break;
#ifndef NETSNMP_DISABLE_DES
	case CONFIG_SNMP_PRIV_DES:
		pp = usmDESPrivProtocol;
		pplen = OID_LENGTH(usmDESPrivProtocol);
		break;
#endif
#ifdef HAVE_AES
	case CONFIG_SNMP_PRIV_AES:
		pp = usmAESPrivProtocol;
		pplen = OID_LENGTH(usmAESPrivProtocol);
		break;
#ifdef NETSNMP_DRAFT_BLUMENTHAL_AES_04
	case CONFIG_SNMP_PRIV_AES192:
		pp = usmAES192PrivProtocol;
		pplen = OID_LENGTH(usmAES192PrivProtocol);
		break;
	case CONFIG_SNMP_PRIV_AES256:
		pp = usmAES256PrivProtocol;
		pplen = OID_LENGTH(usmAES256PrivProtocol);
		break;
#endif
#endif
	default:
		snprintf(err, errlen,
		    "device '%s': snmp_priv %s is not supported by this "
		    "net-snmp",
		    dev->key, sd_priv_name(dev->snmp_priv));
		snmp_session_clear(out);
		return -1;
	}
	if (pp != NULL && ap == NULL) {
		snprintf(err, errlen,
		    "device '%s': snmp_priv needs snmp_auth (USM has no "
		    "privacy without authentication)",
		    dev->key);
		snmp_session_clear(out);
		return -1;
	}
	if (ap == NULL) {
		out->securityLevel = SNMP_SEC_LEVEL_NOAUTH;
		return 0;
	}
	out->securityLevel =
	    pp != NULL ? SNMP_SEC_LEVEL_AUTHPRIV : SNMP_SEC_LEVEL_AUTHNOPRIV;
	out->securityAuthProto = sd_dup_oid(ap, aplen);
	out->securityAuthProtoLen = aplen;
	out->securityAuthKeyLen = USM_AUTH_KU_LEN;
	if (dev->snmp_auth_pass == NULL ||
	    generate_Ku(out->securityAuthProto,
		(u_int)out->securityAuthProtoLen,
		(const u_char *)dev->snmp_auth_pass,
		strlen(dev->snmp_auth_pass), out->securityAuthKey,
		&out->securityAuthKeyLen) != SNMPERR_SUCCESS) {
		snprintf(err, errlen,
		    "device '%s': cannot derive the SNMPv3 authentication key "
		    "(snmp_auth_pass missing or shorter than 8 characters?)",
		    dev->key);
		snmp_session_clear(out);
		return -1;
	}
	if (pp == NULL)
		return 0;
	out->securityPrivProto = sd_dup_oid(pp, pplen);
	out->securityPrivProtoLen = pplen;
	out->securityPrivKeyLen = USM_PRIV_KU_LEN;
	/* The privacy key is hashed with the authentication protocol. */
	if (dev->snmp_priv_pass == NULL ||
	    generate_Ku(out->securityAuthProto,
		(u_int)out->securityAuthProtoLen,
		(const u_char *)dev->snmp_priv_pass,
		strlen(dev->snmp_priv_pass), out->securityPrivKey,
		&out->securityPrivKeyLen) != SNMPERR_SUCCESS) {
		snprintf(err, errlen,
		    "device '%s': cannot derive the SNMPv3 privacy key "
		    "(snmp_priv_pass missing or shorter than 8 characters?)",
		    dev->key);
		snmp_session_clear(out);
		return -1;
	}
	return 0;
}

void
snmp_session_clear(netsnmp_session *s)
{
	free(s->peername);
	s->peername = NULL;
	if (s->community != NULL)
		/* Secrets do not linger in freed memory. */
		explicit_bzero(s->community, s->community_len);
	free(s->community);
	s->community = NULL;
	s->community_len = 0;
	free(s->securityName);
	s->securityName = NULL;
	free(s->securityAuthProto);
	s->securityAuthProto = NULL;
	free(s->securityPrivProto);
	s->securityPrivProto = NULL;
	explicit_bzero(s->securityAuthKey, sizeof s->securityAuthKey);
	explicit_bzero(s->securityPrivKey, sizeof s->securityPrivKey);
}
