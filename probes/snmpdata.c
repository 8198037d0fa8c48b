/* snmpdata.c - SNMP device profiles, poll plans, and turning a poll's varbinds into metrics and events. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

#include "common/config.h"
#include "common/util.h"
#include "probes/snmpdata.h"

/*
 * Bounds on what one poll can make us hold. The engine stops a walk at
 * 2,048 rows per column; these leave room and stop a hostile agent from
 * growing our memory without limit (what is dropped is counted and
 * reported through sink->warn).
 */
#define SD_MAX_ENTRIES 65536 /* table cells kept from one poll */
#define SD_MAX_IFS     4096  /* interfaces remembered per device */
#define SD_MAX_CUSTOM  28 /* custom OIDs: 32 GET slots less the system group */
#define SD_MAX_WARN    5  /* warn calls per poll; then one summary */
#define SD_LABEL_LEN   64
#define SD_NAME_LEN    256  /* sysName, ifName, ifAlias kept */
#define SD_DESCR_LEN   512  /* sysDescr kept */
#define SD_HUGE_STRING 4096 /* longer than any sane DisplayString: say so */

/* Where a varbind belongs: the columns and scalars we know. */
enum sd_col {
	C_NONE,
	/* system group (scalars, instance .0) */
	C_SYSDESCR,
	C_SYSOBJECTID,
	C_SYSUPTIME,
	C_SYSNAME,
	/* ifTable */
	C_IFDESCR,
	C_IFSPEED,
	C_IFADMIN,
	C_IFOPER,
	C_IFINOCTETS,
	C_IFINDISCARDS,
	C_IFINERRORS,
	C_IFOUTOCTETS,
	C_IFOUTDISCARDS,
	C_IFOUTERRORS,
	/* ifXTable */
	C_IFNAME,
	C_IFHCIN,
	C_IFHCOUT,
	C_IFHIGHSPEED,
	C_IFALIAS,
	/* HOST-RESOURCES */
	C_HRCPU,
	C_HRSTTYPE,
	C_HRSTUNITS,
	C_HRSTSIZE,
	C_HRSTUSED,
	/* the profile's wifi client count */
	C_CLIENTS,
	C_NCOLS
};

enum sd_table { T_IF, T_HRSTORAGE };

struct sd_known {
	enum sd_col col;
	const char *oid; /* numeric, without the instance */
};

static const struct sd_known sd_system[] = {
    {C_SYSDESCR, "1.3.6.1.2.1.1.1.0"},
    {C_SYSOBJECTID, "1.3.6.1.2.1.1.2.0"},
    {C_SYSUPTIME, "1.3.6.1.2.1.1.3.0"},
    {C_SYSNAME, "1.3.6.1.2.1.1.5.0"},
};

static const struct sd_known sd_columns[] = {
    {C_IFDESCR, "1.3.6.1.2.1.2.2.1.2"},
    {C_IFSPEED, "1.3.6.1.2.1.2.2.1.5"},
    {C_IFADMIN, "1.3.6.1.2.1.2.2.1.7"},
    {C_IFOPER, "1.3.6.1.2.1.2.2.1.8"},
    {C_IFINOCTETS, "1.3.6.1.2.1.2.2.1.10"},
    {C_IFINDISCARDS, "1.3.6.1.2.1.2.2.1.13"},
    {C_IFINERRORS, "1.3.6.1.2.1.2.2.1.14"},
    {C_IFOUTOCTETS, "1.3.6.1.2.1.2.2.1.16"},
    {C_IFOUTDISCARDS, "1.3.6.1.2.1.2.2.1.19"},
    {C_IFOUTERRORS, "1.3.6.1.2.1.2.2.1.20"},
    {C_IFNAME, "1.3.6.1.2.1.31.1.1.1.1"},
    {C_IFHCIN, "1.3.6.1.2.1.31.1.1.1.6"},
    {C_IFHCOUT, "1.3.6.1.2.1.31.1.1.1.10"},
    {C_IFHIGHSPEED, "1.3.6.1.2.1.31.1.1.1.15"},
    {C_IFALIAS, "1.3.6.1.2.1.31.1.1.1.18"},
    {C_HRCPU, "1.3.6.1.2.1.25.3.3.1.2"},
    {C_HRSTTYPE, "1.3.6.1.2.1.25.2.3.1.2"},
    {C_HRSTUNITS, "1.3.6.1.2.1.25.2.3.1.4"},
    {C_HRSTSIZE, "1.3.6.1.2.1.25.2.3.1.5"},
    {C_HRSTUSED, "1.3.6.1.2.1.25.2.3.1.6"},
};
#define SD_NCOLUMNS (sizeof sd_columns / sizeof sd_columns[0])

/* hrStorageRam: the hrStorageType of main memory. */
static const oid sd_hrstorage_ram[] = {1, 3, 6, 1, 2, 1, 25, 2, 1, 2};
/* 1.3.6.1.4.1: the vendors' subtree; the next sub-id is the enterprise. */
static const oid sd_enterprises[] = {1, 3, 6, 1, 4, 1};

/*
 * The built-in profiles. The client-count columns are from the vendors'
 * MIBs as documented (UNIFI-MIB unifiVapNumStations per VAP,
 * MIKROTIK-MIB mtxrWlApClientCount per wireless interface,
 * AI-AP-MIB aiRadioClientNum per radio); we have checked them only
 * against values served by snmpd, never a real device.
 */
struct snmp_profile {
	const char *name;
	bool walks; /* walks the IF-MIB and HOST-RESOURCES tables */
	unsigned long enterprise; /* for auto; 0 none */
	const char *clients_oid;  /* NULL: no client count */
	const char *clients_label;
};

static const struct snmp_profile sd_builtin[] = {
    {"generic", true, 0, NULL, NULL},
    /*
     * The system group and custom OIDs only: one GET a poll, for a device
     * whose tables are not wanted (a UPS, a printer, a weak AP's CPU).
     */
    {"system", false, 0, NULL, NULL},
    {"unifi", true, 41112, "1.3.6.1.4.1.41112.1.6.1.2.1.8", "UniFi VAP"},
    {"mikrotik", true, 14988, "1.3.6.1.4.1.14988.1.1.1.3.1.6", "MikroTik AP"},
    {"aruba", true, 14823, "1.3.6.1.4.1.14823.2.3.3.1.2.2.1.21", "Aruba radio"},
};
#define SD_NBUILTIN (sizeof sd_builtin / sizeof sd_builtin[0])

/*
 * A [snmp-profile NAME] is handed out as a pointer to its config entry
 * (cast to the opaque type): the config owns it and outlives every
 * plan, so no table of our own needs building or freeing. Built-in
 * profiles are recognised by address.
 */
static const struct snmp_profile *
sd_builtin_of(const struct snmp_profile *p)
{
	for (size_t i = 0; i < SD_NBUILTIN; i++)
		if (p == &sd_builtin[i])
			return p;
	return NULL;
}

static const struct snmp_profile *
sd_builtin_named(const char *name)
{
	if (name == NULL || *name == '\0')
		return &sd_builtin[0];
	for (size_t i = 0; i < SD_NBUILTIN; i++)
		if (strcmp(sd_builtin[i].name, name) == 0)
			return &sd_builtin[i];
	return NULL;
}

/* The built-in profile P is or extends. */
static const struct snmp_profile *
sd_base(const struct snmp_profile *p)
{
	const struct config_snmp_profile *cp;
	const struct snmp_profile *b;

	if (p == NULL)
		return NULL;
	if (sd_builtin_of(p) != NULL)
		return p;
	cp = (const struct config_snmp_profile *)(const void *)p;
	b = sd_builtin_named(cp->extends);
	return b != NULL ? b : &sd_builtin[0];
}

/* The profile's own custom OIDs (a [snmp-profile]'s `oids`), or NULL. */
static const char *
sd_profile_oids(const struct snmp_profile *p)
{
	if (p == NULL || sd_builtin_of(p) != NULL)
		return NULL;
	return ((const struct config_snmp_profile *)(const void *)p)->oids;
}

const struct snmp_profile *
snmp_profile_find(const struct config *cfg, const char *name)
{
	const struct snmp_profile *b;

	if (name == NULL)
		return NULL;
	if ((b = sd_builtin_named(name)) != NULL && *name != '\0')
		return b;
	if (cfg == NULL)
		return NULL;
	for (size_t i = 0; i < cfg->nsnmp_profiles; i++)
		if (strcmp(cfg->snmp_profiles[i].key, name) == 0)
			return (const struct snmp_profile *)(const void *)&cfg
			    ->snmp_profiles[i];
	return NULL;
}

const struct snmp_profile *
snmp_profile_auto(const struct config *cfg, const oid *sysobj, size_t len)
{
	const struct snmp_profile *best = NULL;
	size_t bestlen = 0;
	oid prefix[MAX_OID_LEN];
	size_t plen;

	/* The longest configured prefix wins: it is the most specific. */
	for (size_t i = 0; cfg != NULL && i < cfg->nsnmp_profiles; i++) {
		const char *m = cfg->snmp_profiles[i].match;

		if (m == NULL || snmp_oid_parse(m, prefix, &plen) == -1)
			continue;
		if (plen <= len && plen > bestlen &&
		    memcmp(prefix, sysobj, plen * sizeof(oid)) == 0) {
			best = (const struct snmp_profile *)(const void *)&cfg
				   ->snmp_profiles[i];
			bestlen = plen;
		}
	}
	if (best != NULL)
		return best;
	if (sysobj != NULL && len > 6 &&
	    memcmp(sysobj, sd_enterprises, sizeof sd_enterprises) == 0)
		for (size_t i = 0; i < SD_NBUILTIN; i++)
			if (sd_builtin[i].enterprise != 0 &&
			    sd_builtin[i].enterprise == sysobj[6])
				return &sd_builtin[i];
	return &sd_builtin[0];
}

const char *
snmp_profile_name(const struct snmp_profile *p)
{
	if (p == NULL)
		return "auto";
	if (sd_builtin_of(p) != NULL)
		return p->name;
	return ((const struct config_snmp_profile *)(const void *)p)->key;
}

const char *
snmp_profile_clients_label(const struct snmp_profile *p)
{
	const struct snmp_profile *b = sd_base(p);

	return b != NULL && b->clients_label != NULL ? b->clients_label
						     : "clients";
}

int
snmp_oid_parse(const char *text, oid *name, size_t *len)
{
	const char *s = text;
	size_t n = 0;

	if (s == NULL)
		return -1;
	if (*s == '.')
		s++;
	if (*s == '\0')
		return -1;
	for (;;) {
		unsigned long long v = 0;

		if (*s < '0' || *s > '9' || n == MAX_OID_LEN)
			return -1;
		while (*s >= '0' && *s <= '9') {
			v = v * 10 + (unsigned)(*s - '0');
			if (v > 0xffffffffULL)
				return -1;
			s++;
		}
		name[n++] = (oid)v;
		if (*s == '\0')
			break;
		if (*s != '.')
			return -1;
		s++;
	}
	/* Every OID starts 0, 1 or 2 and has at least two sub-ids. */
	if (n < 2 || name[0] > 2)
		return -1;
	*len = n;
	return 0;
}

char *
snmp_oid_format(const oid *name, size_t len, char *buf, size_t buflen)
{
	size_t off = 0;

	if (buflen == 0)
		return buf;
	buf[0] = '\0';
	for (size_t i = 0; i < len; i++) {
		int n = snprintf(buf + off, buflen - off, "%s%lu", i ? "." : "",
		    (unsigned long)name[i]);

		if (n < 0 || (size_t)n >= buflen - off) {
			/* Cut at a sub-id boundary, never mid-number. */
			buf[off] = '\0';
			break;
		}
		off += (size_t)n;
	}
	return buf;
}

/* One custom OID: LABEL:OID:TYPE. */
enum sd_ctype { CT_GAUGE, CT_COUNTER, CT_STRING };
struct sd_custom {
	char label[SD_LABEL_LEN];
	oid name[MAX_OID_LEN];
	size_t len;
	enum sd_ctype type;
};

/*
 * Parse a "LABEL:OID:TYPE, ..." list into OUT (from *N on, at most MAX).
 * The config checked the syntax when it loaded; what does not parse
 * here is skipped, never half-used.
 */
static void
sd_customs_parse(const char *list, struct sd_custom *out, size_t *n, size_t max)
{
	const char *s = list;

	while (s != NULL && *s != '\0' && *n < max) {
		const char *end = strchr(s, ',');
		size_t tlen = end ? (size_t)(end - s) : strlen(s);
		char tok[512], *c1, *c2, *label;
		struct sd_custom *c = &out[*n];

		if (tlen < sizeof tok) {
			memcpy(tok, s, tlen);
			tok[tlen] = '\0';
			label = str_trim(tok);
			c1 = strchr(label, ':');
			c2 = c1 ? strrchr(c1 + 1, ':') : NULL;
			if (c1 != NULL && c2 != NULL) {
				*c1 = *c2 = '\0';
				str_trim(label);
				c->type =
				    strcmp(str_trim(c2 + 1), "counter") == 0
					? CT_COUNTER
				    : strcmp(c2 + 1, "string") == 0 ? CT_STRING
								    : CT_GAUGE;
				if (*label != '\0' &&
				    strlen(label) < SD_LABEL_LEN &&
				    snmp_oid_parse(str_trim(c1 + 1), c->name,
					&c->len) == 0) {
					str_copy(
					    c->label, label, sizeof c->label);
					(*n)++;
				}
			}
		}
		s = end ? end + 1 : NULL;
	}
}

/* The profile's custom OIDs, then the device's (all of them, bounded). */
static size_t
sd_customs(const struct snmp_profile *p, const struct config_device *dev,
    struct sd_custom *out)
{
	size_t n = 0;

	sd_customs_parse(sd_profile_oids(p), out, &n, SD_MAX_CUSTOM);
	if (dev != NULL)
		sd_customs_parse(dev->snmp_oids, out, &n, SD_MAX_CUSTOM);
	return n;
}

static void
sd_plan_add(struct snmp_oid *arr, size_t *n, size_t max, const char *text)
{
	if (*n < max && snmp_oid_parse(text, arr[*n].name, &arr[*n].len) == 0)
		(*n)++;
}

void
snmp_plan_build(const struct snmp_profile *p, const struct config_device *dev,
    struct snmp_plan *plan)
{
	const struct snmp_profile *b = sd_base(p);
	struct sd_custom cust[SD_MAX_CUSTOM];
	size_t ncust;
	const size_t smax = sizeof plan->scalars / sizeof plan->scalars[0];
	const size_t cmax = sizeof plan->columns / sizeof plan->columns[0];

	/*
	 * Only the counts: entries are written whole as they are added, and
	 * the plan is ~66 KB (128-sub-id OIDs) built every poll.
	 */
	plan->nscalars = plan->ncolumns = 0;
	for (size_t i = 0; i < sizeof sd_system / sizeof sd_system[0]; i++)
		sd_plan_add(
		    plan->scalars, &plan->nscalars, smax, sd_system[i].oid);
	ncust = sd_customs(p, dev, cust);
	for (size_t i = 0; i < ncust && plan->nscalars < smax; i++) {
		memcpy(plan->scalars[plan->nscalars].name, cust[i].name,
		    cust[i].len * sizeof(oid));
		plan->scalars[plan->nscalars++].len = cust[i].len;
	}
	if (b == NULL)
		return; /* bootstrap: the system group tells which profile */
	if (!b->walks)
		return;
	for (size_t i = 0; i < SD_NCOLUMNS; i++)
		sd_plan_add(
		    plan->columns, &plan->ncolumns, cmax, sd_columns[i].oid);
	if (b->clients_oid != NULL)
		sd_plan_add(
		    plan->columns, &plan->ncolumns, cmax, b->clients_oid);
}

/* A counter's last reading. */
struct sd_ctr {
	uint64_t v;
	int64_t t_ms;
	uint8_t bits; /* 0: no reading; 32 or 64 */
};

struct sd_ifstate {
	uint32_t index;
	int oper; /* 0: not seen yet */
	struct sd_ctr in, out, in_err, out_err, in_disc, out_disc;
};

struct sd_custstate {
	char label[SD_LABEL_LEN];
	struct sd_ctr c;
};

struct snmp_devdata {
	bool have_uptime;
	uint32_t uptime_cs;
	struct sd_ifstate *ifs; /* sorted by index */
	size_t nifs;
	struct sd_custstate cust[SD_MAX_CUSTOM];
	size_t ncust;
};

struct snmp_devdata *
snmp_devdata_new(void)
{
	return xcalloc(1, sizeof(struct snmp_devdata));
}

void
snmp_devdata_free(struct snmp_devdata *d)
{
	if (d == NULL)
		return;
	free(d->ifs);
	free(d);
}

/* One table cell of this poll. */
struct sd_entry {
	uint8_t table; /* enum sd_table */
	uint8_t col;   /* enum sd_col */
	uint32_t index;
	const netsnmp_variable_list *vb;
};

/* What one update is working with. */
struct sd_poll {
	const struct snmp_sink *sink;
	int warned;
	unsigned long problems;
	unsigned long dropped;
};

static void sd_warn(struct sd_poll *P, const netsnmp_variable_list *vb,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void
sd_warn(
    struct sd_poll *P, const netsnmp_variable_list *vb, const char *fmt, ...)
{
	char oidbuf[256], msg[384];
	va_list ap;
	int n = 0;

	P->problems++;
	if (P->warned >= SD_MAX_WARN || P->sink->warn == NULL)
		return;
	P->warned++;
	if (vb != NULL) {
		size_t len =
		    vb->name_length <= MAX_OID_LEN ? vb->name_length : 0;

		snmp_oid_format(vb->name, vb->name != NULL ? len : 0, oidbuf,
		    sizeof oidbuf);
		n = snprintf(msg, sizeof msg, "%s: ", oidbuf);
		if (n < 0 || (size_t)n >= sizeof msg)
			n = 0;
	}
	va_start(ap, fmt);
	vsnprintf(msg + n, sizeof msg - (size_t)n, fmt, ap);
	va_end(ap);
	P->sink->warn(P->sink->arg, msg);
}

static const char *
sd_type_name(unsigned char t)
{
	switch (t) {
	case ASN_INTEGER:
		return "INTEGER";
	case ASN_OCTET_STR:
		return "OCTET STRING";
	case ASN_OBJECT_ID:
		return "OBJECT IDENTIFIER";
	case ASN_IPADDRESS:
		return "IpAddress";
	case ASN_COUNTER:
		return "Counter32";
	case ASN_GAUGE:
		return "Gauge32";
	case ASN_TIMETICKS:
		return "TimeTicks";
	case ASN_OPAQUE:
		return "Opaque";
	case ASN_COUNTER64:
		return "Counter64";
	case ASN_NULL:
		return "NULL";
	case SNMP_NOSUCHOBJECT:
		return "noSuchObject";
	case SNMP_NOSUCHINSTANCE:
		return "noSuchInstance";
	case SNMP_ENDOFMIBVIEW:
		return "endOfMibView";
	default:
		return "unknown type";
	}
}

/* A 32-bit value of an integer-like type (net-snmp keeps it in a long). */
static bool
sd_long(const netsnmp_variable_list *vb, long *out)
{
	if (vb->val.integer == NULL || vb->val_len != sizeof(long))
		return false;
	*out = *vb->val.integer;
	return true;
}

/*
 * An unsigned reading: Counter32/Gauge32/TimeTicks/Unsigned32 (BITS 32),
 * Counter64 (64), or a non-negative INTEGER (BITS 0: not a counter).
 */
static bool
sd_unsigned(const netsnmp_variable_list *vb, uint64_t *out, int *bits)
{
	long l;

	switch (vb->type) {
	case ASN_COUNTER:
	case ASN_GAUGE:
	case ASN_TIMETICKS:
	case ASN_UINTEGER:
		if (!sd_long(vb, &l))
			return false;
		*out = (uint64_t)((unsigned long)l & 0xffffffffUL);
		*bits = 32;
		return true;
	case ASN_COUNTER64:
		if (vb->val.counter64 == NULL ||
		    vb->val_len != sizeof(struct counter64))
			return false;
		*out =
		    ((uint64_t)(vb->val.counter64->high & 0xffffffffUL) << 32) |
		    (uint64_t)(vb->val.counter64->low & 0xffffffffUL);
		*bits = 64;
		return true;
	case ASN_INTEGER:
		if (!sd_long(vb, &l) || l < 0)
			return false;
		*out = (uint64_t)l;
		*bits = 0;
		return true;
	default:
		return false;
	}
}

static bool
sd_is_exception(const netsnmp_variable_list *vb)
{
	return vb->type == SNMP_NOSUCHOBJECT ||
	       vb->type == SNMP_NOSUCHINSTANCE || vb->type == SNMP_ENDOFMIBVIEW;
}

/*
 * Copy an OCTET STRING as printable UTF-8 text into BUF: control bytes
 * become spaces, invalid UTF-8 bytes '?'. Says so when it is absurdly
 * long. False (with a warning) if it is not a string.
 */
static bool
sd_text(struct sd_poll *P, const netsnmp_variable_list *vb, char *buf,
    size_t buflen, const char *what)
{
	size_t len = vb->val_len, n, i;

	buf[0] = '\0';
	if (vb->type != ASN_OCTET_STR || (vb->val.string == NULL && len > 0)) {
		sd_warn(P, vb,
		    "%s: wrong type %s (expected OCTET STRING), "
		    "skipped",
		    what, sd_type_name(vb->type));
		return false;
	}
	if (len > SD_HUGE_STRING)
		sd_warn(P, vb, "%s: OCTET STRING of %zu bytes, cut to %zu",
		    what, len, buflen - 1);
	n = len < buflen - 1 ? len : buflen - 1;
	memcpy(buf, vb->val.string, n);
	buf[n] = '\0';
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)buf[i];

		if (c < 0x20 || c == 0x7f)
			buf[i] = ' ';
	}
	if (!utf8_valid(buf, n)) {
		/* Keep ASCII, mark the rest: never store broken text. */
		for (i = 0; i < n; i++)
			if ((unsigned char)buf[i] >= 0x80)
				buf[i] = '?';
	} else if (n < len) {
		/* Do not end on half a character. */
		char tmp[SD_DESCR_LEN];

		if (buflen <= sizeof tmp) {
			str_copy_utf8(tmp, buf, buflen);
			memcpy(buf, tmp, buflen);
		}
	}
	return true;
}

/* When VB's answer arrived: the poll's start plus its offset (snmpdata.h). */
static int64_t
sd_vb_ms(const netsnmp_variable_list *vb, int64_t poll_ms)
{
	return poll_ms + (vb != NULL && vb->index > 0 ? vb->index : 0);
}

/*
 * The rate of counter C now at V (BITS wide) per second, or -1 when
 * there is none this round (first reading, a change of width, a reset,
 * a reboot). A Counter32 that went down by what looks like a wrap (the
 * wrapped delta is under half the range and, when MAX_PER_S > 0, no
 * faster than that) is a wrap; anything else going down is a reset.
 */
static double
sd_ctr_rate(struct sd_ctr *c, uint64_t v, int bits, int64_t now_ms, bool reset,
    double max_per_s)
{
	uint64_t delta;
	int64_t dt = now_ms - c->t_ms;
	bool have = c->bits == bits && !reset;
	double rate;

	if (have && dt <= 0)
		return -1; /* same instant: keep the older baseline */
	if (!have) {
		c->v = v;
		c->t_ms = now_ms;
		c->bits = (uint8_t)bits;
		return -1;
	}
	if (v >= c->v) {
		delta = v - c->v;
	} else if (bits == 32) {
		delta = v + (UINT64_C(1) << 32) - c->v;
		if (delta >= (UINT64_C(1) << 31) ||
		    (max_per_s > 0 &&
			(double)delta * 1000.0 / (double)dt > max_per_s)) {
			c->v = v;
			c->t_ms = now_ms;
			return -1;
		}
	} else {
		c->v = v;
		c->t_ms = now_ms;
		return -1;
	}
	rate = (double)delta * 1000.0 / (double)dt;
	c->v = v;
	c->t_ms = now_ms;
	return rate;
}

/* "3d4h", "2h5m", "7m30s", "45s": the two largest units, for people. */
static void
sd_uptime_text(uint64_t s, char *buf, size_t len)
{
	uint64_t d = s / 86400, h = s % 86400 / 3600, m = s % 3600 / 60;

	if (d > 0)
		snprintf(buf, len, "%" PRIu64 "d%" PRIu64 "h", d, h);
	else if (h > 0)
		snprintf(buf, len, "%" PRIu64 "h%" PRIu64 "m", h, m);
	else if (m > 0)
		snprintf(buf, len, "%" PRIu64 "m%" PRIu64 "s", m, s % 60);
	else
		snprintf(buf, len, "%" PRIu64 "s", s);
}

static bool
sd_oid_eq(const netsnmp_variable_list *vb, const oid *name, size_t len)
{
	return vb->name_length == len &&
	       memcmp(vb->name, name, len * sizeof(oid)) == 0;
}

static bool
sd_oid_under(const netsnmp_variable_list *vb, const oid *name, size_t len)
{
	return vb->name_length > len &&
	       memcmp(vb->name, name, len * sizeof(oid)) == 0;
}

/* The parsed OIDs of what an update recognises (parsed per call: cheap). */
struct sd_oids {
	struct snmp_oid sys[4];
	struct snmp_oid col[SD_NCOLUMNS + 1];
	enum sd_col colid[SD_NCOLUMNS + 1];
	size_t ncol;
};

static void
sd_oids_init(struct sd_oids *o, const struct snmp_profile *b)
{
	for (size_t i = 0; i < 4; i++)
		snmp_oid_parse(
		    sd_system[i].oid, o->sys[i].name, &o->sys[i].len);
	o->ncol = 0;
	if (b == NULL)
		return;
	for (size_t i = 0; i < SD_NCOLUMNS; i++) {
		snmp_oid_parse(sd_columns[i].oid, o->col[o->ncol].name,
		    &o->col[o->ncol].len);
		o->colid[o->ncol++] = sd_columns[i].col;
	}
	if (b->clients_oid != NULL &&
	    snmp_oid_parse(b->clients_oid, o->col[o->ncol].name,
		&o->col[o->ncol].len) == 0)
		o->colid[o->ncol++] = C_CLIENTS;
}

static int
sd_entry_cmp(const void *a, const void *b)
{
	const struct sd_entry *x = a, *y = b;

	if (x->table != y->table)
		return x->table < y->table ? -1 : 1;
	if (x->index != y->index)
		return x->index < y->index ? -1 : 1;
	if (x->col != y->col)
		return x->col < y->col ? -1 : 1;
	return 0;
}

/* The interface state for INDEX, created if new (NULL when full). */
static struct sd_ifstate *
sd_ifstate(struct snmp_devdata *d, uint32_t index)
{
	size_t lo = 0, hi = d->nifs;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (d->ifs[mid].index == index)
			return &d->ifs[mid];
		if (d->ifs[mid].index < index)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (d->nifs >= SD_MAX_IFS)
		return NULL;
	d->ifs = xreallocarray(d->ifs, d->nifs + 1, sizeof *d->ifs);
	memmove(&d->ifs[lo + 1], &d->ifs[lo], (d->nifs - lo) * sizeof *d->ifs);
	memset(&d->ifs[lo], 0, sizeof *d->ifs);
	d->ifs[lo].index = index;
	d->nifs++;
	return &d->ifs[lo];
}

/* Is the interface named in the device's snmp_important list? */
static bool
sd_important(const struct config_device *dev, uint32_t index, const char *name,
    const char *descr)
{
	const char *s = dev != NULL ? dev->snmp_important : NULL;
	char idx[16];

	snprintf(idx, sizeof idx, "%" PRIu32, index);
	while (s != NULL && *s != '\0') {
		const char *end = strchr(s, ',');
		size_t len = end ? (size_t)(end - s) : strlen(s);

		while (len > 0 && (*s == ' ' || *s == '\t')) {
			s++;
			len--;
		}
		while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
			len--;
		if (len > 0 &&
		    ((strlen(idx) == len && memcmp(s, idx, len) == 0) ||
			(name[0] != '\0' && strlen(name) == len &&
			    memcmp(s, name, len) == 0) ||
			(descr[0] != '\0' && strlen(descr) == len &&
			    memcmp(s, descr, len) == 0)))
			return true;
		s = end ? end + 1 : NULL;
	}
	return false;
}

static void
sd_metric(struct sd_poll *P, const char *name, const char *inst, double v)
{
	if (P->sink->metric != NULL && isfinite(v))
		P->sink->metric(P->sink->arg, name, inst, v);
}

/* A counter cell of an interface: its value, or false (warned). */
static bool
sd_if_counter(struct sd_poll *P, const netsnmp_variable_list *vb, uint64_t *v,
    int *bits, int want_bits)
{
	if (vb == NULL)
		return false;
	if (!sd_unsigned(vb, v, bits) || *bits != want_bits) {
		sd_warn(P, vb, "wrong type %s (expected %s), skipped",
		    sd_type_name(vb->type),
		    want_bits == 64 ? "Counter64" : "Counter32");
		return false;
	}
	return true;
}

/* One interface's cells (sorted by column) -> iface info, metrics, events. */
static void
sd_do_iface(struct sd_poll *P, struct snmp_devdata *d,
    const struct config_device *dev, uint32_t index,
    const netsnmp_variable_list *cell[C_NCOLS], int64_t now_ms, bool reset,
    bool first)
{
	char name[SD_NAME_LEN], descr[SD_NAME_LEN], alias[SD_NAME_LEN];
	char inst[16], details[SD_NAME_LEN + 64];
	struct snmp_ifinfo ii;
	struct sd_ifstate *st;
	const netsnmp_variable_list *vb;
	uint64_t v;
	int bits;
	long l;
	double max_bytes = -1;
	struct {
		enum sd_col col;
		size_t off;
		const char *metric;
	} errs[] = {
	    {C_IFINERRORS, offsetof(struct sd_ifstate, in_err), "if_in_errors"},
	    {C_IFOUTERRORS, offsetof(struct sd_ifstate, out_err),
		"if_out_errors"},
	    {C_IFINDISCARDS, offsetof(struct sd_ifstate, in_disc),
		"if_in_discards"},
	    {C_IFOUTDISCARDS, offsetof(struct sd_ifstate, out_disc),
		"if_out_discards"},
	};
	double *errout[] = {
	    &ii.in_errors, &ii.out_errors, &ii.in_discards, &ii.out_discards};

	memset(&ii, 0, sizeof ii);
	ii.index = index;
	name[0] = descr[0] = alias[0] = '\0';
	if (cell[C_IFNAME] != NULL)
		sd_text(P, cell[C_IFNAME], name, sizeof name, "ifName");
	if (cell[C_IFDESCR] != NULL)
		sd_text(P, cell[C_IFDESCR], descr, sizeof descr, "ifDescr");
	if (cell[C_IFALIAS] != NULL)
		sd_text(P, cell[C_IFALIAS], alias, sizeof alias, "ifAlias");
	ii.name = name[0] != '\0' ? name : descr;
	ii.alias = alias;
	if (cell[C_IFADMIN] != NULL) {
		if (cell[C_IFADMIN]->type == ASN_INTEGER &&
		    sd_long(cell[C_IFADMIN], &l) && l >= 1 && l <= 7)
			ii.admin = (int)l;
		else
			sd_warn(P, cell[C_IFADMIN],
			    "ifAdminStatus: bad %s value, skipped",
			    sd_type_name(cell[C_IFADMIN]->type));
	}
	if (cell[C_IFOPER] != NULL) {
		if (cell[C_IFOPER]->type == ASN_INTEGER &&
		    sd_long(cell[C_IFOPER], &l) && l >= 1 && l <= 7)
			ii.oper = (int)l;
		else
			sd_warn(P, cell[C_IFOPER],
			    "ifOperStatus: bad %s value, skipped",
			    sd_type_name(cell[C_IFOPER]->type));
	}
	/* ifSpeed tops out at 4.29 Gbit/s; ifHighSpeed (Mbit/s) beyond. */
	if (cell[C_IFSPEED] != NULL &&
	    sd_unsigned(cell[C_IFSPEED], &v, &bits) && bits != 64 &&
	    v < UINT64_C(0xffffffff))
		ii.speed_bps = v;
	if ((ii.speed_bps == 0 || cell[C_IFSPEED] == NULL) &&
	    cell[C_IFHIGHSPEED] != NULL &&
	    sd_unsigned(cell[C_IFHIGHSPEED], &v, &bits) && bits != 64)
		ii.speed_bps = v * UINT64_C(1000000);
	if (ii.speed_bps > 0)
		/* Twice line rate in bytes/s: a "wrap" faster is a reset. */
		max_bytes = (double)ii.speed_bps / 4.0;
	ii.important = sd_important(dev, index, name, descr);

	st = sd_ifstate(d, index);
	if (st == NULL) {
		P->dropped++;
		return;
	}
	snprintf(inst, sizeof inst, "%" PRIu32, index);
	ii.in_bps = ii.out_bps = -1;
	/* The 64-bit counters where the agent has them, else 32-bit. */
	vb = cell[C_IFHCIN] != NULL ? cell[C_IFHCIN] : cell[C_IFINOCTETS];
	if (vb != NULL &&
	    sd_if_counter(P, vb, &v, &bits, vb == cell[C_IFHCIN] ? 64 : 32)) {
		double r = sd_ctr_rate(
		    &st->in, v, bits, sd_vb_ms(vb, now_ms), reset, max_bytes);

		ii.in_bps = r >= 0 ? r * 8 : -1;
	}
	vb = cell[C_IFHCOUT] != NULL ? cell[C_IFHCOUT] : cell[C_IFOUTOCTETS];
	if (vb != NULL &&
	    sd_if_counter(P, vb, &v, &bits, vb == cell[C_IFHCOUT] ? 64 : 32)) {
		double r = sd_ctr_rate(
		    &st->out, v, bits, sd_vb_ms(vb, now_ms), reset, max_bytes);

		ii.out_bps = r >= 0 ? r * 8 : -1;
	}
	for (size_t i = 0; i < sizeof errs / sizeof errs[0]; i++) {
		*errout[i] = -1;
		if (sd_if_counter(P, cell[errs[i].col], &v, &bits, 32))
			*errout[i] = sd_ctr_rate(
			    (struct sd_ctr *)(void *)((char *)st + errs[i].off),
			    v, bits, sd_vb_ms(cell[errs[i].col], now_ms), reset,
			    -1);
	}
	if (ii.in_bps >= 0)
		sd_metric(P, "if_in_bps", inst, ii.in_bps);
	if (ii.out_bps >= 0)
		sd_metric(P, "if_out_bps", inst, ii.out_bps);
	for (size_t i = 0; i < sizeof errs / sizeof errs[0]; i++)
		if (*errout[i] >= 0)
			sd_metric(P, errs[i].metric, inst, *errout[i]);

	/* Link events: important interfaces, a change seen by two polls. */
	if (ii.oper != 0) {
		if (!first && ii.important && st->oper != 0 &&
		    (st->oper == 1) != (ii.oper == 1) &&
		    P->sink->event != NULL) {
			snprintf(details, sizeof details,
			    "interface %s (ifIndex %" PRIu32 ")",
			    ii.name[0] != '\0' ? ii.name : "?", index);
			P->sink->event(P->sink->arg,
			    ii.oper == 1 ? "link-up" : "link-down", details);
		}
		st->oper = ii.oper;
	}
	if (P->sink->iface != NULL)
		P->sink->iface(P->sink->arg, &ii);
}

/* hrStorage rows: memory used % over the RAM rows. */
struct sd_mem {
	double used, size;
};

static void
sd_do_storage(struct sd_poll *P, const netsnmp_variable_list *cell[C_NCOLS],
    struct sd_mem *mem)
{
	const netsnmp_variable_list *t = cell[C_HRSTTYPE];
	long size, used, units;

	if (t == NULL || t->type != ASN_OBJECT_ID || t->val.objid == NULL ||
	    t->val_len != sizeof sd_hrstorage_ram ||
	    memcmp(t->val.objid, sd_hrstorage_ram, sizeof sd_hrstorage_ram) !=
		0)
		return;
	if (cell[C_HRSTSIZE] == NULL || cell[C_HRSTUSED] == NULL)
		return;
	if (cell[C_HRSTSIZE]->type != ASN_INTEGER ||
	    cell[C_HRSTUSED]->type != ASN_INTEGER ||
	    !sd_long(cell[C_HRSTSIZE], &size) ||
	    !sd_long(cell[C_HRSTUSED], &used) || size < 0 || used < 0 ||
	    used > size) {
		sd_warn(P, cell[C_HRSTSIZE],
		    "hrStorage RAM: bad size/used, "
		    "skipped");
		return;
	}
	units = 1;
	if (cell[C_HRSTUNITS] != NULL &&
	    (cell[C_HRSTUNITS]->type != ASN_INTEGER ||
		!sd_long(cell[C_HRSTUNITS], &units) || units <= 0))
		units = 1;
	mem->used += (double)used * (double)units;
	mem->size += (double)size * (double)units;
}

/* A custom OID's value: gauge, counter rate or text. */
static void
sd_do_custom(struct sd_poll *P, struct snmp_devdata *d,
    const struct sd_custom *c, const netsnmp_variable_list *vb, int64_t now_ms,
    bool reset)
{
	char text[SD_NAME_LEN];
	uint64_t v;
	int bits;
	long l;

	if (sd_is_exception(vb)) {
		sd_warn(
		    P, vb, "custom '%s': %s", c->label, sd_type_name(vb->type));
		return;
	}
	if (c->type == CT_STRING) {
		if (vb->type == ASN_OCTET_STR) {
			sd_text(P, vb, text, sizeof text, c->label);
		} else if (vb->type == ASN_INTEGER && sd_long(vb, &l)) {
			snprintf(text, sizeof text, "%ld", l);
		} else if (sd_unsigned(vb, &v, &bits)) {
			snprintf(text, sizeof text, "%" PRIu64, v);
		} else {
			sd_warn(P, vb, "custom '%s': wrong type %s, skipped",
			    c->label, sd_type_name(vb->type));
			return;
		}
		if (P->sink->text != NULL)
			P->sink->text(P->sink->arg, c->label, text);
		return;
	}
	if (c->type == CT_COUNTER) {
		struct sd_custstate *cs = NULL;
		double r;

		if (!sd_unsigned(vb, &v, &bits)) {
			sd_warn(P, vb,
			    "custom '%s': wrong type %s (expected "
			    "a counter), skipped",
			    c->label, sd_type_name(vb->type));
			return;
		}
		for (size_t i = 0; i < d->ncust; i++)
			if (strcmp(d->cust[i].label, c->label) == 0)
				cs = &d->cust[i];
		if (cs == NULL) {
			if (d->ncust == SD_MAX_CUSTOM)
				return;
			cs = &d->cust[d->ncust++];
			memset(cs, 0, sizeof *cs);
			str_copy(cs->label, c->label, sizeof cs->label);
		}
		/* A gauge-typed "counter" never wraps: treat it as 64-bit. */
		r = sd_ctr_rate(&cs->c, v,
		    bits == 32 && vb->type == ASN_COUNTER ? 32 : 64,
		    sd_vb_ms(vb, now_ms), reset, -1);
		if (r >= 0)
			sd_metric(P, c->label, "", r);
		return;
	}
	/* gauge: any number, also one an agent serves as text ("0.15") */
	if (vb->type == ASN_INTEGER && sd_long(vb, &l)) {
		sd_metric(P, c->label, "", (double)l);
	} else if (sd_unsigned(vb, &v, &bits)) {
		sd_metric(P, c->label, "", (double)v);
	} else if (vb->type == ASN_OCTET_STR && vb->val.string != NULL &&
		   vb->val_len > 0 && vb->val_len < 64) {
		char num[64], *end;
		double x;

		memcpy(num, vb->val.string, vb->val_len);
		num[vb->val_len] = '\0';
		errno = 0;
		x = strtod(num, &end);
		if (end != num && *str_trim(end) == '\0' && errno == 0 &&
		    isfinite(x))
			sd_metric(P, c->label, "", x);
		else
			sd_warn(P, vb, "custom '%s': text is not a number",
			    c->label);
	} else {
		sd_warn(P, vb, "custom '%s': wrong type %s, skipped", c->label,
		    sd_type_name(vb->type));
	}
}

void
snmp_devdata_update(struct snmp_devdata *d, const struct snmp_profile *p,
    const struct config_device *dev, const netsnmp_variable_list *vars,
    int64_t now_ms, const struct snmp_sink *sink)
{
	const struct snmp_profile *b = sd_base(p);
	struct sd_poll P = {.sink = sink};
	struct sd_oids o;
	struct sd_custom cust[SD_MAX_CUSTOM];
	size_t ncust;
	const netsnmp_variable_list *sys[4] = {NULL, NULL, NULL, NULL};
	struct sd_entry *ent = NULL;
	size_t nent = 0, aent = 0, last = 0;
	double cpu_sum = 0;
	unsigned long cpu_n = 0;
	struct sd_mem mem = {0, 0};
	bool first, reset = false, have_if = false;
	char sysname[SD_NAME_LEN], sysdescr[SD_DESCR_LEN];
	struct snmp_sysinfo si;
	uint32_t up = 0;
	bool have_up = false;
	long l;

	sd_oids_init(&o, b);
	ncust = sd_customs(p, dev, cust);
	first = !d->have_uptime && d->nifs == 0 && d->ncust == 0;

	for (const netsnmp_variable_list *vb = vars; vb != NULL;
	     vb = vb->next_variable) {
		bool matched = false;

		if (vb->name == NULL || vb->name_length == 0 ||
		    vb->name_length > MAX_OID_LEN) {
			sd_warn(&P, NULL, "varbind with a bad name, skipped");
			continue;
		}
		for (size_t i = 0; i < 4 && !matched; i++)
			if (sd_oid_eq(vb, o.sys[i].name, o.sys[i].len)) {
				sys[i] = vb;
				matched = true;
			}
		for (size_t i = 0; i < ncust && !matched; i++)
			if (sd_oid_eq(vb, cust[i].name, cust[i].len)) {
				sd_do_custom(
				    &P, d, &cust[i], vb, now_ms, false);
				matched = true;
			}
		if (matched)
			continue;
		/* Walks come a column at a time: try the last one first. */
		for (size_t k = 0; k < o.ncol; k++) {
			size_t i = (last + k) % o.ncol;
			enum sd_col col = o.colid[i];
			size_t sfx;

			if (!sd_oid_under(vb, o.col[i].name, o.col[i].len))
				continue;
			last = i;
			matched = true;
			if (vb->type == SNMP_ENDOFMIBVIEW)
				break; /* the normal end of a walk */
			if (sd_is_exception(vb)) {
				sd_warn(&P, vb, "%s, skipped",
				    sd_type_name(vb->type));
				break;
			}
			sfx = vb->name_length - o.col[i].len;
			if (col == C_CLIENTS) {
				char inst[128];
				uint64_t v;
				int bits;

				snmp_oid_format(vb->name + o.col[i].len, sfx,
				    inst, sizeof inst);
				if (vb->type == ASN_INTEGER &&
				    sd_long(vb, &l) && l >= 0)
					sd_metric(
					    &P, "clients", inst, (double)l);
				else if (vb->type != ASN_INTEGER &&
					 sd_unsigned(vb, &v, &bits) &&
					 bits == 32)
					sd_metric(
					    &P, "clients", inst, (double)v);
				else
					sd_warn(&P, vb,
					    "client count: wrong "
					    "type %s, skipped",
					    sd_type_name(vb->type));
				break;
			}
			if (sfx != 1 || vb->name[o.col[i].len] == 0 ||
			    vb->name[o.col[i].len] > 0x7fffffffUL) {
				sd_warn(&P, vb,
				    "not a table row index, "
				    "skipped");
				break;
			}
			if (col == C_HRCPU) {
				if (vb->type == ASN_INTEGER &&
				    sd_long(vb, &l) && l >= 0 && l <= 100) {
					cpu_sum += (double)l;
					cpu_n++;
				} else {
					sd_warn(&P, vb,
					    "hrProcessorLoad: bad "
					    "%s value, skipped",
					    sd_type_name(vb->type));
				}
				break;
			}
			if (nent == aent) {
				if (aent >= SD_MAX_ENTRIES) {
					P.dropped++;
					break;
				}
				aent = aent ? aent * 2 : 256;
				ent = xreallocarray(ent, aent, sizeof *ent);
			}
			ent[nent].table =
			    col >= C_HRSTTYPE ? T_HRSTORAGE : T_IF;
			ent[nent].col = (uint8_t)col;
			ent[nent].index = (uint32_t)vb->name[o.col[i].len];
			ent[nent].vb = vb;
			nent++;
			break;
		}
	}

	/* System group; a sysUpTime that went down is a reboot. */
	if (sys[2] != NULL) {
		if (sys[2]->type == ASN_TIMETICKS && sd_long(sys[2], &l)) {
			up = (uint32_t)((unsigned long)l & 0xffffffffUL);
			have_up = true;
		} else {
			sd_warn(&P, sys[2], "sysUpTime: wrong type %s, skipped",
			    sd_type_name(sys[2]->type));
		}
	}
	if (have_up) {
		/*
		 * TimeTicks wrap after 497 days: from the top eighth of the
		 * range down is a wrap, anything else that goes down is
		 * the agent starting over.
		 */
		if (d->have_uptime && up < d->uptime_cs &&
		    d->uptime_cs < UINT32_C(0xe0000000)) {
			char txt[32], details[96];

			reset = true;
			sd_uptime_text(d->uptime_cs / 100, txt, sizeof txt);
			snprintf(details, sizeof details,
			    "previous uptime %s (sysUpTime %" PRIu32 ")", txt,
			    d->uptime_cs);
			if (sink->event != NULL)
				sink->event(sink->arg, "rebooted", details);
		}
		d->uptime_cs = up;
		d->have_uptime = true;
		sd_metric(&P, "uptime_s", "", (double)up / 100.0);
	}
	if (sys[0] != NULL || sys[1] != NULL || sys[3] != NULL || have_up) {
		memset(&si, 0, sizeof si);
		sysname[0] = sysdescr[0] = '\0';
		if (sys[3] != NULL && !sd_is_exception(sys[3]))
			sd_text(&P, sys[3], sysname, sizeof sysname, "sysName");
		if (sys[0] != NULL && !sd_is_exception(sys[0]))
			sd_text(
			    &P, sys[0], sysdescr, sizeof sysdescr, "sysDescr");
		if (sys[1] != NULL && !sd_is_exception(sys[1])) {
			if (sys[1]->type == ASN_OBJECT_ID &&
			    sys[1]->val.objid != NULL &&
			    sys[1]->val_len % sizeof(oid) == 0 &&
			    sys[1]->val_len <= MAX_OID_LEN * sizeof(oid))
				snmp_oid_format(sys[1]->val.objid,
				    sys[1]->val_len / sizeof(oid), si.object_id,
				    sizeof si.object_id);
			else
				sd_warn(&P, sys[1],
				    "sysObjectID: wrong type "
				    "%s, skipped",
				    sd_type_name(sys[1]->type));
		}
		for (size_t i = 0; i < 4; i++)
			if (sys[i] != NULL && sd_is_exception(sys[i]))
				sd_warn(&P, sys[i], "%s",
				    sd_type_name(sys[i]->type));
		si.name = sysname;
		si.descr = sysdescr;
		si.uptime_cs = up;
		si.profile = snmp_profile_name(p);
		if (sink->system != NULL)
			sink->system(sink->arg, &si);
	}
	/* Counters of custom OIDs restart with the agent too. */
	if (reset)
		for (size_t i = 0; i < d->ncust; i++)
			d->cust[i].c.bits = 0;

	/* Tables: group the cells by row. */
	if (nent > 0)
		qsort(ent, nent, sizeof *ent, sd_entry_cmp);
	for (size_t i = 0; i < nent;) {
		const netsnmp_variable_list *cell[C_NCOLS];
		size_t j = i;

		memset(cell, 0, sizeof cell);
		while (j < nent && ent[j].table == ent[i].table &&
		       ent[j].index == ent[i].index) {
			cell[ent[j].col] = ent[j].vb;
			j++;
		}
		if (ent[i].table == T_IF) {
			have_if = true;
			sd_do_iface(&P, d, dev, ent[i].index, cell, now_ms,
			    reset, first);
		} else {
			sd_do_storage(&P, cell, &mem);
		}
		i = j;
	}
	/* Forget interfaces the agent no longer lists. */
	if (have_if) {
		size_t k = 0;

		for (size_t i = 0; i < d->nifs; i++) {
			bool seen = false;

			for (size_t lo = 0, hi = nent; lo < hi;) {
				size_t mid = lo + (hi - lo) / 2;

				if (ent[mid].table != T_IF ||
				    ent[mid].index > d->ifs[i].index) {
					hi = mid;
				} else if (ent[mid].index < d->ifs[i].index) {
					lo = mid + 1;
				} else {
					seen = true;
					break;
				}
			}
			if (seen)
				d->ifs[k++] = d->ifs[i];
		}
		d->nifs = k;
	}
	if (cpu_n > 0)
		sd_metric(&P, "cpu_pct", "", cpu_sum / (double)cpu_n);
	if (mem.size > 0)
		sd_metric(&P, "mem_used_pct", "", 100.0 * mem.used / mem.size);
	if (P.dropped > 0)
		sd_warn(&P, NULL, "%lu table cells over our bounds dropped",
		    P.dropped);
	if (P.warned >= SD_MAX_WARN && P.problems > (unsigned long)P.warned &&
	    sink->warn != NULL) {
		char msg[96];

		snprintf(msg, sizeof msg, "%lu more problems in this poll",
		    P.problems - (unsigned long)P.warned);
		sink->warn(sink->arg, msg);
	}
	free(ent);
}
