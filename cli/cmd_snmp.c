/* cmd_snmp.c - xanetctl snmp: what was learned of a device over SNMP, and get/walk for diagnosis. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

#include "cli/table.h"
#include "cli/xanetctl.h"
#include "common/config.h"
#include "common/util.h"
#include "common/xtime.h"
#include "probes/snmpdata.h"
#include "probes/snmpsess.h"
#include "store/device.h"
#include "store/metric.h"

/* A walk of a diagnosis stops here: no agent makes us loop for ever. */
#define SNMP_WALK_MAX 100000

/* ---- xanetctl snmp DEVICE: from the database ---- */

struct snmp_find {
	const char *key;
	struct device_row row;
	bool found;
};

static int
snmp_find_cb(const struct device_row *r, void *arg)
{
	struct snmp_find *f = arg;

	if (strcmp(r->key, f->key) != 0)
		return 0;
	f->row = *r;
	f->found = true;
	return 0; /* non-zero would make device_each() fail */
}

/* A rate for a table cell: "-" when unknown. */
static void
snmp_fmt_rate(double v, const char *unit, char *buf, size_t len)
{
	static const char *const pfx[] = {"", "k", "M", "G", "T"};
	size_t i = 0;

	if (v < 0 || !isfinite(v)) {
		snprintf(buf, len, "-");
		return;
	}
	if (*unit == '\0') {
		snprintf(buf, len, "%.2f", v);
		return;
	}
	while (v >= 1000 && i + 1 < sizeof pfx / sizeof pfx[0]) {
		v /= 1000;
		i++;
	}
	snprintf(buf, len, "%.1f %s%s", v, pfx[i], unit);
}

/* JSON for a value: an integer when it is one (client counts), else a real. */
static json_t *
snmp_json_number(double v)
{
	if (isfinite(v) && v == floor(v) && fabs(v) < 9007199254740992.0)
		return json_integer((json_int_t)v);
	return json_real(v);
}

/* JSON for a rate: a number, or null when unknown. */
static json_t *
snmp_json_rate(double v)
{
	return v < 0 || !isfinite(v) ? json_null() : json_real(v);
}

struct snmp_show {
	struct ctl *ctl;
	const char *clients_label;
	struct table *ift, *clt, *cut;
	json_t *ifaces, *clients, *custom;
	double cpu, mem;
};

static int
snmp_iface_cb(const struct snmp_iface_row *r, void *arg)
{
	struct snmp_show *s = arg;
	char idx[16], name[136], speed[32], in[32], out[32], ie[24], oe[24],
	    id[24], od[24];
	json_t *o;

	if (s->ctl->json) {
		o = json_object();
		json_object_set_new(o, "index", json_integer(r->index));
		json_object_set_new(o, "name", json_string(r->name));
		json_object_set_new(o, "alias", json_string(r->alias));
		json_object_set_new(
		    o, "admin", json_string(snmp_ifstatus_name(r->admin)));
		json_object_set_new(
		    o, "oper", json_string(snmp_ifstatus_name(r->oper)));
		json_object_set_new(o, "speed_bps",
		    r->speed_bps >= 0 ? json_integer(r->speed_bps)
				      : json_null());
		json_object_set_new(o, "in_bps", snmp_json_rate(r->in_bps));
		json_object_set_new(o, "out_bps", snmp_json_rate(r->out_bps));
		json_object_set_new(
		    o, "in_errors", snmp_json_rate(r->in_errors));
		json_object_set_new(
		    o, "out_errors", snmp_json_rate(r->out_errors));
		json_object_set_new(
		    o, "in_discards", snmp_json_rate(r->in_discards));
		json_object_set_new(
		    o, "out_discards", snmp_json_rate(r->out_discards));
		json_object_set_new(o, "important", json_boolean(r->important));
		json_array_append_new(s->ifaces, o);
		return 0;
	}
	snprintf(idx, sizeof idx, "%" PRIu32, r->index);
	snprintf(name, sizeof name, "%s%s", r->name, r->important ? " *" : "");
	snmp_fmt_rate(r->speed_bps >= 0 ? (double)r->speed_bps : -1, "bit/s",
	    speed, sizeof speed);
	snmp_fmt_rate(r->in_bps, "bit/s", in, sizeof in);
	snmp_fmt_rate(r->out_bps, "bit/s", out, sizeof out);
	snmp_fmt_rate(r->in_errors, "", ie, sizeof ie);
	snmp_fmt_rate(r->out_errors, "", oe, sizeof oe);
	snmp_fmt_rate(r->in_discards, "", id, sizeof id);
	snmp_fmt_rate(r->out_discards, "", od, sizeof od);
	{
		const char *cells[] = {idx, name, r->alias,
		    snmp_ifstatus_name(r->admin), snmp_ifstatus_name(r->oper),
		    speed, in, out, ie, oe, id, od};

		table_add(s->ift, cells);
	}
	return 0;
}

static int
snmp_value_cb(const struct metric_value *v, void *arg)
{
	struct snmp_show *s = arg;
	char val[64], label[160];
	json_t *o;

	if (strcmp(v->name, "cpu_pct") == 0 && v->instance[0] == '\0') {
		s->cpu = v->value;
		return 0;
	}
	if (strcmp(v->name, "mem_used_pct") == 0 && v->instance[0] == '\0') {
		s->mem = v->value;
		return 0;
	}
	if (strcmp(v->name, "uptime_s") == 0)
		return 0; /* shown from the system row */
	snprintf(val, sizeof val, "%.15g", v->value);
	if (strcmp(v->name, "clients") == 0) {
		snprintf(label, sizeof label, "%s %s", s->clients_label,
		    v->instance);
		if (s->ctl->json) {
			o = json_object();
			json_object_set_new(
			    o, "instance", json_string(v->instance));
			json_object_set_new(o, "label", json_string(label));
			json_object_set_new(
			    o, "value", snmp_json_number(v->value));
			json_array_append_new(s->clients, o);
		} else {
			const char *cells[] = {v->instance, label, val};

			table_add(s->clt, cells);
		}
		return 0;
	}
	if (s->ctl->json) {
		o = json_object();
		json_object_set_new(o, "label", json_string(v->name));
		json_object_set_new(o, "value", snmp_json_number(v->value));
		json_array_append_new(s->custom, o);
	} else {
		const char *cells[] = {v->name, val};

		table_add(s->cut, cells);
	}
	return 0;
}

static int
snmp_text_cb(const struct snmp_text_row *r, void *arg)
{
	struct snmp_show *s = arg;
	json_t *o;

	if (s->ctl->json) {
		o = json_object();
		json_object_set_new(o, "label", json_string(r->label));
		json_object_set_new(o, "value", json_string(r->value));
		json_array_append_new(s->custom, o);
	} else {
		const char *cells[] = {r->label, r->value};

		table_add(s->cut, cells);
	}
	return 0;
}

static int
snmp_show(struct ctl *ctl, const char *key)
{
	static const char *const if_headers[] = {"INDEX", "NAME", "ALIAS",
	    "ADMIN", "OPER", "SPEED", "IN", "OUT", "IN-ERR/S", "OUT-ERR/S",
	    "IN-DISC/S", "OUT-DISC/S"};
	static const char *const cl_headers[] = {
	    "INSTANCE", "LABEL", "CLIENTS"};
	static const char *const cu_headers[] = {"LABEL", "VALUE"};
	struct snmp_find f = {.key = key};
	struct snmp_system_row sys;
	struct snmp_show s = {.ctl = ctl, .cpu = -1, .mem = -1};
	const struct snmp_profile *p;
	struct config *cfg;
	char updated[64], up[32], pct[32];
	int exit_code = CTL_ERROR, has_sys, nif = 0;
	sqlite3 *db;
	json_t *j = NULL, *sj;

	if ((db = ctl_open_db(ctl, &exit_code)) == NULL)
		return exit_code;
	if (device_each(db, 1, snmp_find_cb, &f) == -1) {
		sqlite3_close(db);
		return CTL_ERROR;
	}
	if (!f.found) {
		fprintf(stderr, "xanetctl: no device '%s'\n", key);
		sqlite3_close(db);
		return CTL_ERROR;
	}
	has_sys = snmp_system_get(db, f.row.id, &sys);
	if (has_sys == -1) {
		sqlite3_close(db);
		return CTL_ERROR;
	}
	/* The configuration only names what the clients count; optional. */
	cfg = ctl->config_path != NULL ? ctl_config(ctl) : NULL;
	p = snmp_profile_find(cfg, has_sys ? sys.profile : "generic");
	s.clients_label = snmp_profile_clients_label(p);
	if (ctl->json) {
		s.ifaces = json_array();
		s.clients = json_array();
		s.custom = json_array();
	} else {
		s.ift = table_new(
		    sizeof if_headers / sizeof if_headers[0], if_headers);
		s.clt = table_new(
		    sizeof cl_headers / sizeof cl_headers[0], cl_headers);
		s.cut = table_new(
		    sizeof cu_headers / sizeof cu_headers[0], cu_headers);
	}
	if ((nif = snmp_ifaces(db, f.row.id, snmp_iface_cb, &s)) == -1 ||
	    metric_latest(db, f.row.id, snmp_value_cb, &s) == -1 ||
	    snmp_texts(db, f.row.id, snmp_text_cb, &s) == -1)
		goto out;
	if (!has_sys && nif == 0) {
		fprintf(
		    stderr, "xanetctl: no SNMP data for device '%s'\n", key);
		goto out;
	}
	if (has_sys)
		time_format_iso(sys.updated_ms, updated, sizeof updated);
	if (ctl->json) {
		j = json_object();
		json_object_set_new(j, "device", json_string(f.row.key));
		sj = json_object();
		if (has_sys) {
			json_object_set_new(sj, "name", json_string(sys.name));
			json_object_set_new(
			    sj, "descr", json_string(sys.descr));
			json_object_set_new(
			    sj, "object_id", json_string(sys.object_id));
			json_object_set_new(sj, "uptime_s",
			    sys.uptime_cs >= 0
				? json_integer(sys.uptime_cs / 100)
				: json_null());
			json_object_set_new(
			    sj, "profile", json_string(sys.profile));
			json_object_set_new(
			    sj, "updated", json_string(updated));
		}
		json_object_set_new(
		    sj, "cpu_pct", s.cpu >= 0 ? json_real(s.cpu) : json_null());
		json_object_set_new(sj, "mem_used_pct",
		    s.mem >= 0 ? json_real(s.mem) : json_null());
		json_object_set_new(j, "system", sj);
		json_object_set_new(j, "interfaces", s.ifaces);
		json_object_set_new(j, "clients", s.clients);
		json_object_set_new(j, "custom", s.custom);
		s.ifaces = s.clients = s.custom = NULL;
		ctl_print_json(j);
		json_decref(j);
		exit_code = CTL_OK;
		goto out;
	}
	printf("Device:    %s \"%s\"\n", f.row.key, f.row.name);
	if (has_sys) {
		ctl_format_duration(
		    sys.uptime_cs >= 0 ? sys.uptime_cs * 10 : 0, up, sizeof up);
		printf("sysName:   %s\nsysDescr:  %s\nObjectID:  %s\n"
		       "Uptime:    %s\nProfile:   %s\nUpdated:   %s\n",
		    sys.name, sys.descr, sys.object_id, up, sys.profile,
		    updated);
	}
	snmp_fmt_rate(s.cpu, "", pct, sizeof pct);
	printf("CPU:       %s%s\n", pct, s.cpu >= 0 ? " %" : "");
	snmp_fmt_rate(s.mem, "", pct, sizeof pct);
	printf("Memory:    %s%s\n", pct, s.mem >= 0 ? " % used" : "");
	if (table_rows(s.ift) > 0) {
		printf("\nInterfaces (* = important):\n");
		table_print(s.ift, stdout);
	}
	if (table_rows(s.clt) > 0) {
		printf("\nWi-Fi clients:\n");
		table_print(s.clt, stdout);
	}
	if (table_rows(s.cut) > 0) {
		printf("\nCustom values:\n");
		table_print(s.cut, stdout);
	}
	exit_code = CTL_OK;
out:
	if (s.ift != NULL) {
		table_free(s.ift);
		table_free(s.clt);
		table_free(s.cut);
	}
	json_decref(s.ifaces);
	json_decref(s.clients);
	json_decref(s.custom);
	sqlite3_close(db);
	return exit_code;
}

/* ---- xanetctl snmp get|walk DEVICE OID: live, with the device's credentials ---- */

/* What went wrong, in the words the alert log uses; never a secret. */
static const char *
snmp_why(int snmperr)
{
	switch (snmperr) {
	case SNMPERR_TIMEOUT:
		return "timeout";
	case SNMPERR_AUTHENTICATION_FAILURE:
		return "authentication failure";
	case SNMPERR_UNKNOWN_USER_NAME:
		return "unknown user name";
	case SNMPERR_NOT_IN_TIME_WINDOW:
		return "not in time window";
	case SNMPERR_UNKNOWN_ENG_ID:
		return "unknown engine ID";
	case SNMPERR_DECRYPTION_ERR:
		return "decryption error (wrong privacy key?)";
	case SNMPERR_UNSUPPORTED_SEC_LEVEL:
		return "unsupported security level";
	default:
		return snmp_api_errstring(snmperr);
	}
}

static const char *
snmp_json_type(u_char t)
{
	switch (t) {
	case ASN_INTEGER:
		return "INTEGER";
	case ASN_OCTET_STR:
		return "STRING";
	case ASN_OBJECT_ID:
		return "OID";
	case ASN_IPADDRESS:
		return "IpAddress";
	case ASN_COUNTER:
		return "Counter32";
	case ASN_GAUGE:
		return "Gauge32";
	case ASN_TIMETICKS:
		return "Timeticks";
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
		return "unknown";
	}
}

static json_t *
snmp_json_value(const netsnmp_variable_list *v)
{
	char buf[MAX_OID_LEN * 11 + 1];

	switch (v->type) {
	case ASN_INTEGER:
		return v->val.integer ? json_integer(*v->val.integer)
				      : json_null();
	case ASN_COUNTER:
	case ASN_GAUGE:
	case ASN_TIMETICKS:
	case ASN_UINTEGER:
		return v->val.integer
			   ? json_integer(
				 (json_int_t)(*(unsigned long *)v->val.integer &
					      0xffffffffUL))
			   : json_null();
	case ASN_COUNTER64:
		if (v->val.counter64 == NULL)
			return json_null();
		{
			uint64_t x = ((uint64_t)v->val.counter64->high << 32) |
				     (v->val.counter64->low & 0xffffffffUL);

			/* JSON numbers past 2^53 lose digits: text then. */
			if (x < (UINT64_C(1) << 53))
				return json_integer((json_int_t)x);
			snprintf(buf, sizeof buf, "%" PRIu64, x);
			return json_string(buf);
		}
	case ASN_OCTET_STR:
		if (v->val_len == 0)
			return json_string("");
		if (utf8_valid((const char *)v->val.string, v->val_len))
			return json_stringn(
			    (const char *)v->val.string, v->val_len);
		{
			/* Binary (a MAC address, say): hex, as snmpget does. */
			char *hex = xmalloc(v->val_len * 2 + 1);
			json_t *j;

			hex_encode(v->val.string, v->val_len, hex);
			j = json_string(hex);
			free(hex);
			return j;
		}
	case ASN_OBJECT_ID:
		return json_string(snmp_oid_format(
		    v->val.objid, v->val_len / sizeof(oid), buf, sizeof buf));
	case ASN_IPADDRESS:
		if (v->val_len != 4)
			return json_null();
		snprintf(buf, sizeof buf, "%u.%u.%u.%u", v->val.string[0],
		    v->val.string[1], v->val.string[2], v->val.string[3]);
		return json_string(buf);
	default:
		return json_null();
	}
}

/* One varbind: "OID = TYPE: VALUE" (net-snmp's value text), or to J. */
static void
snmp_print_var(const netsnmp_variable_list *v, json_t *j)
{
	char name[MAX_OID_LEN * 11 + 1];
	u_char *buf = NULL;
	size_t buflen = 0, outlen = 0;
	json_t *o;

	snmp_oid_format(v->name, v->name_length, name, sizeof name);
	if (j != NULL) {
		o = json_object();
		json_object_set_new(o, "oid", json_string(name));
		json_object_set_new(
		    o, "type", json_string(snmp_json_type(v->type)));
		json_object_set_new(o, "value", snmp_json_value(v));
		json_array_append_new(j, o);
		return;
	}
	if (sprint_realloc_value(&buf, &buflen, &outlen, 1, v->name,
		v->name_length, (netsnmp_variable_list *)(uintptr_t)v) &&
	    buf != NULL)
		printf("%s = %s\n", name, (char *)buf);
	else
		printf(
		    "%s = %s: (cannot print)\n", name, snmp_json_type(v->type));
	free(buf);
}

/*
 * Send PDU and wait. On failure prints "xanetctl: KEY: why" and returns
 * -1; a response with an error status is a failure too, except
 * noSuchName when V1_END (how SNMPv1 ends a walk): 1, nothing printed.
 */
static int
snmp_exchange(void *sess, const char *key, netsnmp_pdu *pdu, netsnmp_pdu **resp,
    bool v1_end)
{
	int status, liberr = 0, snmperr = 0;
	char *msg = NULL;

	*resp = NULL;
	status = snmp_sess_synch_response(sess, pdu, resp);
	if (status == STAT_TIMEOUT) {
		fprintf(stderr, "xanetctl: %s: timeout (no answer)\n", key);
		return -1;
	}
	if (status != STAT_SUCCESS || *resp == NULL) {
		snmp_sess_error(sess, &liberr, &snmperr, &msg);
		fprintf(stderr, "xanetctl: %s: %s\n", key, snmp_why(snmperr));
		free(msg);
		if (*resp != NULL)
			snmp_free_pdu(*resp);
		*resp = NULL;
		return -1;
	}
	if (v1_end && (*resp)->errstat == SNMP_ERR_NOSUCHNAME) {
		snmp_free_pdu(*resp);
		*resp = NULL;
		return 1;
	}
	if ((*resp)->errstat != SNMP_ERR_NOERROR) {
		fprintf(stderr,
		    "xanetctl: %s: agent answered %s (varbind %ld)\n", key,
		    snmp_errstring((int)(*resp)->errstat), (*resp)->errindex);
		snmp_free_pdu(*resp);
		*resp = NULL;
		return -1;
	}
	return 0;
}

static int
snmp_live(struct ctl *ctl, bool walk, const char *key, int noids, char **oids)
{
	struct config *cfg = ctl_config(ctl);
	const struct config_device *dev;
	netsnmp_session s;
	oid root[MAX_OID_LEN], cur[MAX_OID_LEN];
	size_t rootlen = 0, curlen = 0;
	char err[512];
	void *sess;
	netsnmp_pdu *pdu, *resp;
	json_t *j = ctl->json ? json_array() : NULL;
	int rc = CTL_ERROR;
	long rows = 0;
	bool done = false;

	if (cfg == NULL)
		goto out_json;
	if ((dev = config_device_find(cfg, key)) == NULL) {
		fprintf(stderr, "xanetctl: no device '%s' in %s\n", key,
		    cfg->path != NULL ? cfg->path : "the configuration");
		goto out_json;
	}
	for (int i = 0; i < noids; i++) {
		oid tmp[MAX_OID_LEN];
		size_t tlen;

		if (snmp_oid_parse(oids[i], tmp, &tlen) == -1) {
			fprintf(stderr,
			    "xanetctl: '%s' is not a numeric OID "
			    "(e.g. 1.3.6.1.2.1.1.3.0)\n",
			    oids[i]);
			rc = CTL_USAGE;
			goto out_json;
		}
	}
	snmp_quiet_init("xanetctl");
	if (snmp_session_from_device(dev, &s, err, sizeof err) == -1) {
		fprintf(stderr, "xanetctl: %s\n", err);
		goto out_json;
	}
	s.timeout = (long)(dev->timeout_ms > 0 ? dev->timeout_ms : 2000) * 1000;
	s.retries = cfg->snmp.retries >= 0 ? cfg->snmp.retries : 1;
	sess = snmp_sess_open(&s);
	if (sess == NULL) {
		int liberr, snmperr;
		char *msg = NULL;

		snmp_error(&s, &liberr, &snmperr, &msg);
		fprintf(stderr, "xanetctl: %s: %s\n", key, snmp_why(snmperr));
		free(msg);
		snmp_session_clear(&s);
		goto out_json;
	}
	if (!walk) {
		pdu = snmp_pdu_create(SNMP_MSG_GET);
		for (int i = 0; i < noids; i++) {
			snmp_oid_parse(oids[i], cur, &curlen);
			snmp_add_null_var(pdu, cur, curlen);
		}
		if (snmp_exchange(sess, key, pdu, &resp, false) == 0) {
			for (netsnmp_variable_list *v = resp->variables;
			     v != NULL; v = v->next_variable)
				snmp_print_var(v, j);
			snmp_free_pdu(resp);
			rc = CTL_OK;
		}
		goto out;
	}
	snmp_oid_parse(oids[0], root, &rootlen);
	memcpy(cur, root, rootlen * sizeof(oid));
	curlen = rootlen;
	while (!done) {
		if (s.version == SNMP_VERSION_1) {
			pdu = snmp_pdu_create(SNMP_MSG_GETNEXT);
		} else {
			pdu = snmp_pdu_create(SNMP_MSG_GETBULK);
			pdu->non_repeaters = 0;
			pdu->max_repetitions = cfg->snmp.max_repetitions > 0
						   ? cfg->snmp.max_repetitions
						   : 25;
		}
		snmp_add_null_var(pdu, cur, curlen);
		switch (snmp_exchange(
		    sess, key, pdu, &resp, s.version == SNMP_VERSION_1)) {
		case -1:
			goto out;
		case 1:
			/* v1 ends a walk with noSuchName past the last OID. */
			done = true;
			continue;
		}
		if (resp->variables == NULL)
			done = true;
		for (netsnmp_variable_list *v = resp->variables;
		     v != NULL && !done; v = v->next_variable) {
			if (v->type == SNMP_ENDOFMIBVIEW ||
			    v->type == SNMP_NOSUCHOBJECT ||
			    v->type == SNMP_NOSUCHINSTANCE ||
			    v->name_length <= rootlen ||
			    memcmp(v->name, root, rootlen * sizeof(oid)) != 0) {
				done = true;
				break;
			}
			if (snmp_oid_compare(
				v->name, v->name_length, cur, curlen) <= 0) {
				fprintf(stderr,
				    "xanetctl: %s: OID not increasing in the "
				    "walk; agent is broken, stopped\n",
				    key);
				snmp_free_pdu(resp);
				goto out;
			}
			snmp_print_var(v, j);
			memcpy(cur, v->name, v->name_length * sizeof(oid));
			curlen = v->name_length;
			if (++rows >= SNMP_WALK_MAX) {
				fprintf(stderr,
				    "xanetctl: %s: stopped after %d rows\n",
				    key, SNMP_WALK_MAX);
				done = true;
			}
		}
		snmp_free_pdu(resp);
	}
	if (rows == 0) {
		/* Walking a scalar finds nothing under it: show the scalar. */
		pdu = snmp_pdu_create(SNMP_MSG_GET);
		snmp_add_null_var(pdu, root, rootlen);
		switch (snmp_exchange(sess, key, pdu, &resp, true)) {
		case -1:
			goto out;
		case 1: /* v1: no such variable, nothing to show */
			rc = CTL_OK;
			goto out;
		}
		for (netsnmp_variable_list *v = resp->variables; v != NULL;
		     v = v->next_variable)
			if (v->type != SNMP_NOSUCHOBJECT &&
			    v->type != SNMP_NOSUCHINSTANCE &&
			    v->type != SNMP_ENDOFMIBVIEW)
				snmp_print_var(v, j);
		snmp_free_pdu(resp);
	}
	rc = CTL_OK;
out:
	snmp_sess_close(sess);
	snmp_session_clear(&s);
out_json:
	if (j != NULL) {
		if (rc == CTL_OK)
			ctl_print_json(j);
		json_decref(j);
	}
	return rc;
}

int
cmd_snmp(struct ctl *ctl, int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "get") == 0) {
		if (argc < 4) {
			fprintf(stderr,
			    "usage: xanetctl snmp get DEVICE OID [OID...]\n");
			return CTL_USAGE;
		}
		if (argc - 3 > 64) {
			fprintf(stderr, "xanetctl: at most 64 OIDs at once\n");
			return CTL_USAGE;
		}
		return snmp_live(ctl, false, argv[2], argc - 3, argv + 3);
	}
	if (argc >= 2 && strcmp(argv[1], "walk") == 0) {
		if (argc != 4) {
			fprintf(
			    stderr, "usage: xanetctl snmp walk DEVICE OID\n");
			return CTL_USAGE;
		}
		return snmp_live(ctl, true, argv[2], 1, argv + 3);
	}
	if (argc != 2) {
		fprintf(stderr, "usage: xanetctl snmp DEVICE [--json]\n"
				"       xanetctl snmp get DEVICE OID [OID...]\n"
				"       xanetctl snmp walk DEVICE OID\n");
		return CTL_USAGE;
	}
	return snmp_show(ctl, argv[1]);
}
