/* test_snmp_engine.c - unit tests of the SNMP config keys, fault names and trap decoding. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

#include "common/config.h"
#include "common/util.h"
#include "probes/snmp.h"
#include "probes/snmpdata.h"
#include "probes/snmpsess.h"
#include "probes/snmptrap.h"
#include "tests/unit/testutil.h"

#define SITE                                                              \
	"[site]\nname = Xã Tân Phú\n[daemon]\nstate_dir = st\n[lan]\n" \
	"enabled = no\n"
#define DEV(key) "[device " key "]\nname = " key "\nkind = switch\n"

SCRATCH_GROUP("snmpengine")

static void
test_keys_parsed(void **state)
{
	char err[4096];
	struct config *cfg = load_text(SITE
	    "[snmp]\ntrap_port = 1162\ntrap_rate = 5\nmax_repetitions = 10\n"
	    "retries = 2\n"
	    "[snmp-profile my-ap]\nextends = unifi\nmatch = .1.3.6.1.4.1.9\n"
	    "oids = x:1.3.6.1.4.1.9.1.0:gauge\n"
	    "[defaults]\nprobes = snmp\nsnmp_community = chung\n" DEV(
		"sw-1") "address = 10.0.0.2\nsnmp_port = 1161\n"
			"snmp_important = ether1 , 24\n"
			"snmp_oids = temp : .1.3.6.1.4.1.2021.13.16.2.1.3.1 : "
			"gauge, "
			"c:1.3.6.1.4.1.9999.1.0:counter\n"
			"snmp_profile = my-ap\n" DEV(
			    "sw-3") "address = 10.0.0.3\n"
				    "snmp_version = 3\nsnmp_user = "
				    "quan-tri\nsnmp_auth = SHA256\n"
				    "snmp_auth_pass = "
				    "matkhau-xac-thuc\nsnmp_priv = aes256\n"
				    "snmp_priv_pass = matkhau-bi-mat\n",
	    err, sizeof err);
	const struct config_device *d;

	if (cfg == NULL)
		fail_msg("%s", err);
	assert_int_equal(cfg->snmp.trap_port, 1162);
	assert_string_equal(cfg->snmp.trap_listen, "0.0.0.0");
	assert_int_equal(cfg->snmp.trap_rate, 5);
	assert_int_equal(cfg->snmp.max_repetitions, 10);
	assert_int_equal(cfg->snmp.retries, 2);
	assert_int_equal(cfg->nsnmp_profiles, 1);
	assert_string_equal(cfg->snmp_profiles[0].key, "my-ap");
	assert_string_equal(cfg->snmp_profiles[0].extends, "unifi");
	assert_string_equal(cfg->snmp_profiles[0].match, "1.3.6.1.4.1.9");
	d = config_device_find(cfg, "sw-1");
	assert_non_null(d);
	assert_int_equal(d->snmp_version, CONFIG_SNMP_V2C);
	assert_int_equal(d->snmp_port, 1161);
	assert_string_equal(d->snmp_community, "chung"); /* inherited */
	assert_string_equal(d->snmp_important, "ether1,24");
	assert_string_equal(d->snmp_oids,
	    "temp:1.3.6.1.4.1.2021.13.16.2.1.3.1:gauge,"
	    "c:1.3.6.1.4.1.9999.1.0:counter");
	assert_string_equal(d->snmp_profile, "my-ap");
	d = config_device_find(cfg, "sw-3");
	assert_int_equal(d->snmp_version, CONFIG_SNMP_V3);
	assert_int_equal(d->snmp_port, 161);
	assert_int_equal(d->snmp_auth, CONFIG_SNMP_AUTH_SHA256);
	assert_int_equal(d->snmp_priv, CONFIG_SNMP_PRIV_AES256);
	assert_string_equal(d->snmp_profile, "auto");
	assert_string_equal(config_snmp_auth_name(d->snmp_auth), "sha256");
	assert_string_equal(config_snmp_priv_name(d->snmp_priv), "aes256");
	assert_string_equal(config_snmp_auth_name(99), "?");
	config_free(cfg);
}

static void
test_summary_masks_secrets(void **state)
{
	char err[4096], *buf = NULL;
	size_t len = 0;
	FILE *fp;
	struct config *cfg = load_text(SITE
	    "[snmp]\ntrap_port = 162\ntrap_communities = bay-mat, khac\n"
	    "[defaults]\nprobes = snmp\nsnmp_community = cong-dong-1\n" DEV(
		"sw-1") "address = 10.0.0.2\nsnmp_community = "
			"rieng-tu-2\n" DEV("sw-3") "address = "
						   "10.0.0.3\nsnmp_version "
						   "= 3\n"
						   "snmp_user = "
						   "u\nsnmp_auth = "
						   "sha\nsnmp_auth_pass = "
						   "pass-xac-thuc\n"
						   "snmp_priv = "
						   "aes\nsnmp_priv_pass = "
						   "pass-bi-mat\n",
	    err, sizeof err);

	if (cfg == NULL)
		fail_msg("%s", err);
	fp = open_memstream(&buf, &len);
	config_print_summary(cfg, fp);
	fclose(fp);
	assert_null(strstr(buf, "cong-dong-1"));
	assert_null(strstr(buf, "rieng-tu-2"));
	assert_null(strstr(buf, "bay-mat"));
	assert_null(strstr(buf, "pass-xac-thuc"));
	assert_null(strstr(buf, "pass-bi-mat"));
	assert_non_null(strstr(buf, "snmp_community ***"));
	assert_non_null(strstr(buf, "snmp_auth_pass ***"));
	assert_non_null(strstr(buf, "traps on 0.0.0.0:162 (communities ***"));
	free(buf);
	config_free(cfg);
}

struct bad_case {
	const char *name;
	const char *text;
	const char *want;   /* one line of the error text */
	const char *secret; /* must not appear in the error */
};

static const struct bad_case bad_cases[] = {
    {"no community", SITE DEV("sw-1") "address = 10.0.0.2\nprobes = snmp\n",
	"t.conf:11: missing snmp_community in [device sw-1]: SNMP v2c needs "
	"one (there is no default community)",
	NULL},
    {"v1 no community from defaults",
	SITE "[defaults]\nprobes = icmp, snmp\n" DEV(
	    "sw-1") "address = 10.0.0.2\nsnmp_version = 1\n",
	"t.conf:9: missing snmp_community in [device sw-1]: SNMP v1 needs one "
	"(there is no default community)",
	NULL},
    {"bad version", SITE DEV("sw-1") "snmp_version = 2\n",
	"t.conf:10: bad snmp_version '2' in [device sw-1]: expected 1, 2c or 3",
	NULL},
    {"bad auth", SITE DEV("sw-1") "snmp_auth = sha3\n",
	"t.conf:10: bad snmp_auth 'sha3' in [device sw-1]: expected one of "
	"none, md5, sha, sha224, sha256, sha384, sha512",
	NULL},
    {"bad priv", SITE DEV("sw-1") "snmp_priv = 3des\n",
	"t.conf:10: bad snmp_priv '3des' in [device sw-1]: expected one of "
	"none, des, aes, aes192, aes256",
	NULL},
    {"short pass", SITE DEV("sw-1") "snmp_auth_pass = ngan7ch\n",
	"t.conf:10: bad snmp_auth_pass in [device sw-1]: must be at least 8 "
	"characters",
	"ngan7ch"},
    {"v3 without user",
	SITE DEV("sw-1") "address = 10.0.0.2\nprobes = snmp\n"
			 "snmp_version = 3\n",
	"t.conf:12: missing snmp_user in [device sw-1]: SNMP v3 needs a user",
	NULL},
    {"auth without pass",
	SITE DEV("sw-1") "address = 10.0.0.2\nprobes = snmp\n"
			 "snmp_version = 3\nsnmp_user = u\nsnmp_auth = md5\n",
	"t.conf:14: missing snmp_auth_pass in [device sw-1]: snmp_auth md5 "
	"needs a passphrase",
	NULL},
    {"priv without auth",
	SITE DEV("sw-1") "address = 10.0.0.2\nprobes = snmp\n"
			 "snmp_version = 3\nsnmp_user = u\nsnmp_priv = aes\n"
			 "snmp_priv_pass = 12345678\n",
	"t.conf:14: snmp_priv aes in [device sw-1] needs snmp_auth too (SNMP "
	"v3 has no privacy without authentication)",
	"12345678"},
    {"unknown profile", SITE DEV("sw-1") "snmp_profile = cisco\n",
	"t.conf:10: unknown snmp_profile 'cisco' in [device sw-1] (use auto, "
	"generic, system, unifi, mikrotik, aruba or an [snmp-profile] name)",
	NULL},
    {"bad oids", SITE DEV("sw-1") "snmp_oids = temp:1.3.6.x:gauge\n",
	"t.conf:10: bad snmp_oids 'temp:1.3.6.x:gauge' in [device sw-1]: "
	"expected LABEL:OID:TYPE entries",
	NULL},
    {"bad oid type", SITE DEV("sw-1") "snmp_oids = t:1.3.6.1:float\n",
	"t.conf:10: bad snmp_oids 't:1.3.6.1:float'", NULL},
    {"trap port", SITE "[snmp]\ntrap_port = 70000\n",
	"t.conf:8: bad trap_port '70000' in [snmp]: expected a port number "
	"from 1 to 65535, or 0 for no trap receiver",
	NULL},
    {"max repetitions", SITE "[snmp]\nmax_repetitions = 0\n",
	"t.conf:8: bad max_repetitions '0' in [snmp]", NULL},
    {"profile named like a built-in", SITE "[snmp-profile unifi]\n",
	"t.conf:7: [snmp-profile unifi]: 'unifi' is a built-in name", NULL},
    {"profile bad extends", SITE "[snmp-profile x]\nextends = cisco\n",
	"t.conf:8: bad extends 'cisco' in [snmp-profile x]: expected one of "
	"generic, system, unifi, mikrotik, aruba",
	NULL},
    {"profile bad match", SITE "[snmp-profile x]\nmatch = enterprises\n",
	"t.conf:8: bad match 'enterprises' in [snmp-profile x]", NULL},
    {"control char community", SITE DEV("sw-1") "snmp_community = a\x01b\n",
	"t.conf:10: bad snmp_community in [device sw-1]: contains a control "
	"character",
	"a\x01b"},
};

static void
test_bad(void **state)
{
	for (size_t i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++) {
		const struct bad_case *c = &bad_cases[i];
		char err[4096];
		struct config *cfg = load_text(c->text, err, sizeof err);

		if (cfg != NULL)
			fail_msg("%s: loaded", c->name);
		if (strstr(err, c->want) == NULL)
			fail_msg(
			    "%s: got\n%s\nwant\n%s", c->name, err, c->want);
		if (c->secret != NULL && strstr(err, c->secret) != NULL)
			fail_msg("%s: the secret is in\n%s", c->name, err);
	}
}

static void
test_fault_names(void **state)
{
	const char *c;

	assert_string_equal(snmp_fault_name(SNMPERR_AUTHENTICATION_FAILURE, &c),
	    "authentication failure");
	assert_string_equal(c, "usmStatsWrongDigests");
	assert_string_equal(snmp_fault_name(SNMPERR_UNKNOWN_USER_NAME, &c),
	    "unknown user name");
	assert_string_equal(c, "usmStatsUnknownUserNames");
	assert_string_equal(
	    snmp_fault_name(SNMPERR_UNKNOWN_ENG_ID, &c), "unknown engine ID");
	assert_string_equal(c, "usmStatsUnknownEngineIDs");
	assert_string_equal(snmp_fault_name(SNMPERR_NOT_IN_TIME_WINDOW, &c),
	    "not in time window");
	assert_string_equal(c, "usmStatsNotInTimeWindows");
	assert_string_equal(
	    snmp_fault_name(SNMPERR_DECRYPTION_ERR, &c), "decryption error");
	assert_string_equal(c, "usmStatsDecryptionErrors");
	assert_string_equal(snmp_fault_name(SNMPERR_UNSUPPORTED_SEC_LEVEL, &c),
	    "unsupported security level");
	assert_string_equal(snmp_fault_name(SNMPERR_TIMEOUT, &c), "");
	assert_string_equal(c, "");
}

/* A trap as snmptrap(1) would send it, encoded by net-snmp. */
static size_t
trap_build(int version, int command, const char *community, const char *trapoid,
    long ifindex, unsigned char *out, size_t outlen)
{
	netsnmp_session ss;
	netsnmp_pdu *pdu = snmp_pdu_create(command);
	oid name[MAX_OID_LEN], val[MAX_OID_LEN];
	size_t nlen = MAX_OID_LEN, vlen = MAX_OID_LEN;
	u_char *pkt = xmalloc(4096);
	size_t pkt_len = 4096, offset = 0, n;

	snmp_sess_init(&ss);
	ss.version = version;
	ss.community = (u_char *)xstrdup(community);
	ss.community_len = strlen(community);
	pdu->version = version;
	pdu->community = (u_char *)xstrdup(community);
	pdu->community_len = strlen(community);
	if (command == SNMP_MSG_TRAP) {
		static const oid ent[] = {1, 3, 6, 1, 4, 1, 8072};

		pdu->enterprise = snmp_duplicate_objid(ent, 7);
		pdu->enterprise_length = 7;
		pdu->trap_type = 2; /* linkDown */
		pdu->specific_type = 0;
		pdu->agent_addr[0] = 10;
		pdu->agent_addr[3] = 7;
	} else {
		long up = 1234;

		snmp_oid_parse("1.3.6.1.2.1.1.3.0", name, &nlen);
		snmp_pdu_add_variable(
		    pdu, name, nlen, ASN_TIMETICKS, (u_char *)&up, sizeof up);
		nlen = MAX_OID_LEN;
		snmp_oid_parse("1.3.6.1.6.3.1.1.4.1.0", name, &nlen);
		snmp_oid_parse(trapoid, val, &vlen);
		snmp_pdu_add_variable(pdu, name, nlen, ASN_OBJECT_ID,
		    (u_char *)val, vlen * sizeof(oid));
	}
	if (ifindex >= 0) {
		nlen = MAX_OID_LEN;
		snmp_oid_parse("1.3.6.1.2.1.2.2.1.1.0", name, &nlen);
		name[nlen - 1] = (oid)ifindex;
		snmp_pdu_add_variable(pdu, name, nlen, ASN_INTEGER,
		    (u_char *)&ifindex, sizeof ifindex);
	}
	assert_int_equal(snmp_build(&pkt, &pkt_len, &offset, &ss, pdu), 0);
	n = offset;
#ifdef NETSNMP_USE_REVERSE_ASNENCODING
	memcpy(out, pkt + pkt_len - offset, n);
#else
	memcpy(out, pkt, n);
#endif
	assert_true(n <= outlen);
	free(pkt);
	free(ss.community);
	snmp_free_pdu(pdu);
	return n;
}

static void
test_trap_decode(void **state)
{
	unsigned char buf[4096];
	struct snmptrap_info ti;
	char comm[64];
	size_t n;

	n = trap_build(SNMP_VERSION_2c, SNMP_MSG_TRAP2, "bay-mat",
	    "1.3.6.1.6.3.1.1.5.3", 2, buf, sizeof buf);
	memset(&ti, 0, sizeof ti);
	assert_int_equal(snmptrap_decode(buf, n, &ti, comm, sizeof comm), 0);
	assert_string_equal(comm, "bay-mat");
	assert_string_equal(ti.event, "link-down");
	assert_int_equal(ti.if_index, 2);
	assert_int_equal(ti.version, 2);
	assert_string_equal(ti.trap_oid, "1.3.6.1.6.3.1.1.5.3");

	n = trap_build(SNMP_VERSION_2c, SNMP_MSG_TRAP2, "c",
	    "1.3.6.1.6.3.1.1.5.1", -1, buf, sizeof buf);
	assert_int_equal(snmptrap_decode(buf, n, &ti, comm, sizeof comm), 0);
	assert_string_equal(ti.event, "cold-start");
	assert_int_equal(ti.if_index, -1);

	n = trap_build(SNMP_VERSION_2c, SNMP_MSG_TRAP2, "c",
	    "1.3.6.1.4.1.9999.0.1", -1, buf, sizeof buf);
	assert_int_equal(snmptrap_decode(buf, n, &ti, comm, sizeof comm), 0);
	assert_null(ti.event);
	assert_string_equal(ti.trap_oid, "1.3.6.1.4.1.9999.0.1");

	n = trap_build(
	    SNMP_VERSION_1, SNMP_MSG_TRAP, "v1c", NULL, 5, buf, sizeof buf);
	assert_int_equal(snmptrap_decode(buf, n, &ti, comm, sizeof comm), 0);
	assert_string_equal(ti.event, "link-down");
	assert_string_equal(ti.agent, "10.0.0.7");
	assert_int_equal(ti.if_index, 5);
	assert_int_equal(ti.version, 1);

	/* Every truncation of a good trap is refused or read, never past. */
	n = trap_build(SNMP_VERSION_2c, SNMP_MSG_TRAP2, "bay-mat",
	    "1.3.6.1.6.3.1.1.5.4", 3, buf, sizeof buf);
	for (size_t cut = 0; cut < n; cut++) {
		unsigned char *copy = xmalloc(cut + 1);

		memcpy(copy, buf, cut);
		(void)snmptrap_decode(copy, cut, &ti, comm, sizeof comm);
		free(copy);
	}
	assert_int_equal(snmptrap_decode(buf, 0, &ti, comm, sizeof comm), -1);
	memcpy(buf, "\x30\x03\x02\x01\x03", 5); /* v3: not ours */
	assert_int_equal(snmptrap_decode(buf, 5, &ti, comm, sizeof comm), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_keys_parsed),
	    cmocka_unit_test(test_summary_masks_secrets),
	    cmocka_unit_test(test_bad),
	    cmocka_unit_test(test_fault_names),
	    cmocka_unit_test(test_trap_decode),
	};

	snmp_quiet_init("test");
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
