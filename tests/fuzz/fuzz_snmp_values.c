/* fuzz_snmp_values.c - libFuzzer target: arbitrary varbinds through snmp_devdata_update(), with invariant checks on what comes out. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

#include "common/config.h"
#include "probes/snmpdata.h"
#include "tests/fuzz/fuzz_snmp_values.h"

/*
 * Input format (so that mutations reach the interesting code, not just
 * unknown OIDs):
 *   byte 0: profile (low 2 bits), bit 2: important interfaces set
 *   then records, each:
 *     0xff DT_HI DT_LO       end of a poll, next one DT*100 ms later
 *     SEL SLEN SUB*SLEN TYPE LEN_HI LEN_LO VALUE*LEN
 *       SEL picks an OID prefix from fuzz_prefixes (mod), SUB are the
 *       instance sub-ids (0xfe: a 32-bit one from the next 4 bytes),
 *       TYPE indexes fuzz_types (or is a raw type byte when >= 0x80),
 *       TYPE bit 0x40 on a string: LEN bytes of VALUE[0] (huge strings
 *       from a small input).
 * Everything is bounded: at most FUZZ_MAX_VARS varbinds per poll.
 */
#define FUZZ_MAX_VARS 512

static const char *const fuzz_prefixes[] = {
    "1.3.6.1.2.1.1.1",
    "1.3.6.1.2.1.1.2",
    "1.3.6.1.2.1.1.3",
    "1.3.6.1.2.1.1.5",
    "1.3.6.1.2.1.2.2.1.2",
    "1.3.6.1.2.1.2.2.1.5",
    "1.3.6.1.2.1.2.2.1.7",
    "1.3.6.1.2.1.2.2.1.8",
    "1.3.6.1.2.1.2.2.1.10",
    "1.3.6.1.2.1.2.2.1.13",
    "1.3.6.1.2.1.2.2.1.14",
    "1.3.6.1.2.1.2.2.1.16",
    "1.3.6.1.2.1.2.2.1.19",
    "1.3.6.1.2.1.2.2.1.20",
    "1.3.6.1.2.1.31.1.1.1.1",
    "1.3.6.1.2.1.31.1.1.1.6",
    "1.3.6.1.2.1.31.1.1.1.10",
    "1.3.6.1.2.1.31.1.1.1.15",
    "1.3.6.1.2.1.31.1.1.1.18",
    "1.3.6.1.2.1.25.3.3.1.2",
    "1.3.6.1.2.1.25.2.3.1.2",
    "1.3.6.1.2.1.25.2.3.1.4",
    "1.3.6.1.2.1.25.2.3.1.5",
    "1.3.6.1.2.1.25.2.3.1.6",
    "1.3.6.1.4.1.41112.1.6.1.2.1.8",
    "1.3.6.1.4.1.14988.1.1.1.3.1.6",
    "1.3.6.1.4.1.14823.2.3.3.1.2.2.1.21",
    "1.3.6.1.4.1.9999.1",
    "1.3.6.1.4.1.9999.2",
    "1.3.6.1.4.1.9999.3",
    "1.3.6.1.2.1.2.2",
    "1.3",
};
#define FUZZ_NPREFIX (sizeof fuzz_prefixes / sizeof fuzz_prefixes[0])

static const u_char fuzz_types[] = {ASN_INTEGER, ASN_OCTET_STR, ASN_OBJECT_ID,
    ASN_COUNTER, ASN_GAUGE, ASN_TIMETICKS, ASN_COUNTER64, SNMP_NOSUCHOBJECT,
    SNMP_NOSUCHINSTANCE, SNMP_ENDOFMIBVIEW, ASN_IPADDRESS, ASN_NULL, ASN_OPAQUE,
    ASN_UINTEGER};
#define FUZZ_NTYPES (sizeof fuzz_types / sizeof fuzz_types[0])

/* One varbind with room for whatever its value is. */
struct fuzz_var {
	netsnmp_variable_list vb;
	oid name[MAX_OID_LEN];
	long l;
	struct counter64 c64;
	oid objid[MAX_OID_LEN];
	u_char *str;
};

static bool
fuzz_suffix(const char *name, const char *suffix)
{
	size_t n = strlen(name), m = strlen(suffix);

	return n >= m && strcmp(name + n - m, suffix) == 0;
}

/* The invariants of what snmp_devdata_update emits: else abort(). */
static void
fuzz_metric(void *arg, const char *name, const char *inst, double v)
{
	if (!isfinite(v) || strlen(inst) >= 128 || *name == '\0')
		abort();
	/* Rates, counts, uptime and percentages are never negative. */
	if (strncmp(name, "if_", 3) == 0 || strcmp(name, "c") == 0 ||
	    strcmp(name, "clients") == 0 || strcmp(name, "uptime_s") == 0 ||
	    strcmp(name, "cpu_pct") == 0 || strcmp(name, "mem_used_pct") == 0)
		if (v < 0)
			abort();
	if ((strcmp(name, "cpu_pct") == 0 ||
		strcmp(name, "mem_used_pct") == 0) &&
	    v > 100)
		abort();
	if (strncmp(name, "if_", 3) == 0 && !fuzz_suffix(name, "_bps") &&
	    !fuzz_suffix(name, "_errors") && !fuzz_suffix(name, "_discards"))
		abort();
}

static void
fuzz_event(void *arg, const char *event, const char *details)
{
	if (strcmp(event, "rebooted") != 0 && strcmp(event, "link-down") != 0 &&
	    strcmp(event, "link-up") != 0)
		abort();
	if (strlen(details) == 0 || strlen(details) > 400)
		abort();
}

static void
fuzz_system(void *arg, const struct snmp_sysinfo *si)
{
	if (strlen(si->name) >= 256 || strlen(si->descr) >= 512 ||
	    strlen(si->object_id) >= sizeof si->object_id ||
	    si->profile == NULL)
		abort();
}

static void
fuzz_iface(void *arg, const struct snmp_ifinfo *ii)
{
	double r[] = {ii->in_bps, ii->out_bps, ii->in_errors, ii->out_errors,
	    ii->in_discards, ii->out_discards};

	if (ii->name == NULL || ii->alias == NULL || strlen(ii->name) >= 256)
		abort();
	for (size_t i = 0; i < sizeof r / sizeof r[0]; i++)
		if (!isfinite(r[i]) || (r[i] < 0 && r[i] != -1))
			abort();
	if (ii->admin < 0 || ii->admin > 7 || ii->oper < 0 || ii->oper > 7)
		abort();
}

static void
fuzz_warn(void *arg, const char *what)
{
	int *n = arg;

	if (strlen(what) >= 400 || ++*n > 6)
		abort(); /* bounded: 5 and one summary per poll */
}

static void
fuzz_text(void *arg, const char *label, const char *value)
{
	if (strcmp(label, "s") != 0 || strlen(value) >= 256)
		abort();
}

/* Read N bytes at *P (bounded by END); false when the input ran out. */
static bool
fuzz_take(const uint8_t **p, const uint8_t *end, size_t n, const uint8_t **out)
{
	if ((size_t)(end - *p) < n)
		return false;
	*out = *p;
	*p += n;
	return true;
}

static void
fuzz_poll(struct snmp_devdata *d, const struct snmp_profile *prof,
    const struct config_device *dev, struct fuzz_var *vars, size_t n,
    int64_t now_ms)
{
	int warns = 0;
	struct snmp_sink sink = {&warns, fuzz_metric, fuzz_event, fuzz_system,
	    fuzz_iface, fuzz_warn, fuzz_text};

	for (size_t i = 0; i < n; i++)
		vars[i].vb.next_variable = i + 1 < n ? &vars[i + 1].vb : NULL;
	snmp_devdata_update(
	    d, prof, dev, n > 0 ? &vars[0].vb : NULL, now_ms, &sink);
	for (size_t i = 0; i < n; i++)
		free(vars[i].str);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const profiles[] = {
	    "generic", "unifi", "mikrotik", "aruba"};
	const uint8_t *p = data, *end = data + size, *b;
	struct config_device dev;
	const struct snmp_profile *prof;
	struct snmp_devdata *d;
	struct fuzz_var *vars;
	size_t n = 0;
	int64_t now_ms = 0;

	if (size < 1)
		return 0;
	memset(&dev, 0, sizeof dev);
	dev.key = (char *)"fuzz";
	dev.snmp_oids = (char *)"g:1.3.6.1.4.1.9999.1.0:gauge,"
				"c:1.3.6.1.4.1.9999.2.0:counter,"
				"s:1.3.6.1.4.1.9999.3.0:string";
	if (data[0] & 4)
		dev.snmp_important = (char *)"1, ether1,3";
	prof = snmp_profile_find(NULL, profiles[data[0] & 3]);
	p++;
	d = snmp_devdata_new();
	vars = calloc(FUZZ_MAX_VARS, sizeof *vars);
	if (vars == NULL)
		abort();
	while (p < end) {
		struct fuzz_var *v;
		oid prefix[MAX_OID_LEN];
		size_t plen, slen, len;
		u_char type;
		bool fill;

		if (*p == 0xff) {
			p++;
			if (!fuzz_take(&p, end, 2, &b))
				break;
			fuzz_poll(d, prof, &dev, vars, n, now_ms);
			memset(vars, 0, FUZZ_MAX_VARS * sizeof *vars);
			n = 0;
			now_ms += (int64_t)((b[0] << 8) | b[1]) * 100;
			continue;
		}
		if (n == FUZZ_MAX_VARS)
			break;
		v = &vars[n];
		if (snmp_oid_parse(fuzz_prefixes[*p++ % FUZZ_NPREFIX], prefix,
			&plen) == -1)
			abort();
		if (!fuzz_take(&p, end, 1, &b))
			break;
		slen = b[0] % 8;
		memcpy(v->name, prefix, plen * sizeof(oid));
		for (size_t i = 0; i < slen; i++) {
			if (!fuzz_take(&p, end, 1, &b))
				goto out;
			if (b[0] == 0xfe) {
				if (!fuzz_take(&p, end, 4, &b))
					goto out;
				v->name[plen + i] = ((oid)b[0] << 24) |
						    ((oid)b[1] << 16) |
						    ((oid)b[2] << 8) | b[3];
			} else {
				v->name[plen + i] = b[0];
			}
		}
		v->vb.name = v->name;
		v->vb.name_length = plen + slen;
		if (!fuzz_take(&p, end, 3, &b))
			break;
		type = b[0] >= 0x80 ? b[0]
				    : fuzz_types[(b[0] & 0x3f) % FUZZ_NTYPES];
		fill = (b[0] & 0x40) && b[0] < 0x80;
		len = ((size_t)b[1] << 8) | b[2];
		v->vb.type = type;
		switch (type) {
		case ASN_INTEGER:
		case ASN_COUNTER:
		case ASN_GAUGE:
		case ASN_TIMETICKS:
		case ASN_UINTEGER: {
			uint64_t x = 0;

			if (!fuzz_take(&p, end, len > 8 ? 8 : len, &b))
				goto out;
			for (size_t i = 0; i < (len > 8 ? 8 : len); i++)
				x = (x << 8) | b[i];
			v->l = (long)x;
			/* A length other than 8 tests the size checks. */
			v->vb.val.integer = &v->l;
			v->vb.val_len =
			    len == 8 || len == 4 ? sizeof(long) : len;
			if (type != ASN_INTEGER && len == 4)
				v->l &= 0xffffffffL;
			break;
		}
		case ASN_COUNTER64:
			if (!fuzz_take(&p, end, len > 8 ? 8 : len, &b))
				goto out;
			for (size_t i = 0; i < (len > 8 ? 8 : len); i++) {
				if (i < 4)
					v->c64.high = (v->c64.high << 8) | b[i];
				else
					v->c64.low = (v->c64.low << 8) | b[i];
			}
			v->vb.val.counter64 = &v->c64;
			v->vb.val_len =
			    len == 8 ? sizeof(struct counter64) : len;
			break;
		case ASN_OBJECT_ID: {
			size_t k = len > MAX_OID_LEN ? MAX_OID_LEN : len;

			if (!fuzz_take(&p, end, k, &b))
				goto out;
			for (size_t i = 0; i < k; i++)
				v->objid[i] = b[i];
			v->vb.val.objid = v->objid;
			v->vb.val_len = k * sizeof(oid);
			break;
		}
		default:
			/* Strings and everything else: LEN bytes. */
			if (fill) {
				if (!fuzz_take(&p, end, 1, &b))
					goto out;
				v->str = malloc(len + 1);
				if (v->str == NULL)
					abort();
				memset(v->str, b[0], len);
			} else {
				if (!fuzz_take(&p, end, len, &b))
					goto out;
				v->str = malloc(len + 1);
				if (v->str == NULL)
					abort();
				memcpy(v->str, b, len);
			}
			v->vb.val.string =
			    len > 0 || type == ASN_OCTET_STR ? v->str : NULL;
			v->vb.val_len = len;
			break;
		}
		n++;
	}
out:
	/* A record cut short is dropped whole, like a truncated packet. */
	if (n < FUZZ_MAX_VARS && vars[n].str != NULL) {
		free(vars[n].str);
		vars[n].str = NULL;
	}
	fuzz_poll(d, prof, &dev, vars, n, now_ms);
	free(vars);
	snmp_devdata_free(d);
	return 0;
}
