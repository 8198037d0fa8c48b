/* snmpwatch.c - SNMP in the daemon: poll results into the store and alert log, traps into events. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <syslog.h>

#include "common/config.h"
#include "common/log.h"
#include "common/util.h"
#include "common/xtime.h"
#include "daemon/monitor.h"
#include "daemon/snmpwatch.h"
#include "daemon/xanetd.h"
#include "probes/probe.h"
#include "probes/snmpdata.h"
#include "probes/snmptrap.h"
#include "store/metric.h"
#include "store/writer.h"

struct snmpwatch {
	struct xanetd *x;
	struct monitor *m;
	struct snmptrap *traps;
	int trap_port; /* what the receiver was bound to */
	char trap_listen[64];
	uint64_t store_errors;
	uint64_t traps_unmatched;
	struct ratelimit warn_log;
	struct ratelimit trap_log;
};

static const struct config_device *
sw_dev(struct snmpwatch *sw, size_t device)
{
	if (device >= sw->x->cfg->ndevices)
		return NULL;
	return &sw->x->cfg->devices[device];
}

static void
sw_store_failed(struct snmpwatch *sw, const char *what)
{
	uint64_t suppressed = 0;

	sw->store_errors++;
	if (ratelimit_allow(&sw->warn_log, time_mono_ms(), &suppressed))
		log_err("could not store SNMP %s", what);
}

/* The hooks the SNMP probe engine calls (probes/probe.h). */

static void
hook_metric(void *arg, size_t device, const char *name, const char *instance,
    double value)
{
	struct snmpwatch *sw = arg;
	int64_t id = monitor_device_id(sw->m, device);

	if (id < 0)
		return;
	if (metric_insert(
		sw->x->writer, id, name, instance, time_wall_ms(), value) == -1)
		sw_store_failed(sw, "metrics");
}

static int
event_prio(const char *event)
{
	if (strcmp(event, "link-up") == 0 || strcmp(event, "warm-start") == 0)
		return LOG_NOTICE;
	return LOG_WARNING;
}

static void
hook_event(void *arg, size_t device, const char *event, const char *details)
{
	struct snmpwatch *sw = arg;
	const struct config_device *d = sw_dev(sw, device);

	if (d == NULL)
		return;
	/*
	 * monitoring-fault comes once per episode, when it begins, whatever
	 * the device's other probes say (monitor.c leaves out the state
	 * machine's line for a fault whose detail starts "SNMP: ").
	 */
	monitor_event(sw->x, event_prio(event), event,
	    monitor_device_id(sw->m, device), d->key, d->name, details);
}

static void
hook_system(void *arg, size_t device, const struct snmp_sysinfo *si)
{
	struct snmpwatch *sw = arg;
	int64_t id = monitor_device_id(sw->m, device);

	if (id >= 0 &&
	    snmp_system_upsert(sw->x->writer, id, si, time_wall_ms()) == -1)
		sw_store_failed(sw, "system information");
}

static void
hook_iface(void *arg, size_t device, const struct snmp_ifinfo *ii)
{
	struct snmpwatch *sw = arg;
	int64_t id = monitor_device_id(sw->m, device);

	if (id >= 0 &&
	    snmp_iface_upsert(sw->x->writer, id, ii, time_wall_ms()) == -1)
		sw_store_failed(sw, "interfaces");
}

static void
hook_text(void *arg, size_t device, const char *label, const char *value)
{
	struct snmpwatch *sw = arg;
	int64_t id = monitor_device_id(sw->m, device);

	if (id >= 0 && snmp_text_upsert(sw->x->writer, id, label, value,
			   time_wall_ms()) == -1)
		sw_store_failed(sw, "custom values");
}

static void
hook_warn(void *arg, size_t device, const char *what)
{
	struct snmpwatch *sw = arg;
	const struct config_device *d = sw_dev(sw, device);
	uint64_t suppressed = 0;

	if (ratelimit_allow(&sw->warn_log, time_mono_ms(), &suppressed))
		log_warn("snmp %s: %s%s", d != NULL ? d->key : "?", what,
		    suppressed > 0 ? " (and more like it)" : "");
}

/* Traps. */

struct iface_find {
	long index;
	char name[128];
};

static int
iface_find_cb(const struct snmp_iface_row *r, void *arg)
{
	struct iface_find *f = arg;

	if ((long)r->index != f->index)
		return 0;
	str_copy(f->name, r->name, sizeof f->name);
	return 1;
}

/* The device a trap is about: the v1 agent-addr, else the sender. */
static long
trap_device(struct snmpwatch *sw, const struct snmptrap_info *ti)
{
	const struct config *cfg = sw->x->cfg;

	for (int pass = 0; pass < 2; pass++) {
		const char *want = pass == 0 ? ti->agent : ti->source;

		if (want[0] == '\0' || strcmp(want, "0.0.0.0") == 0)
			continue;
		for (size_t i = 0; i < cfg->ndevices; i++)
			if (cfg->devices[i].address != NULL &&
			    strcmp(cfg->devices[i].address, want) == 0)
				return (long)i;
	}
	return -1;
}

static void
trap_cb(void *arg, const struct snmptrap_info *ti)
{
	struct snmpwatch *sw = arg;
	long dev = trap_device(sw, ti);
	const struct config_device *d;
	uint64_t suppressed = 0;
	char details[256];
	int64_t id;

	if (ti->event == NULL)
		return; /* logged by the receiver */
	if (dev < 0) {
		sw->traps_unmatched++;
		if (ratelimit_allow(&sw->trap_log, time_mono_ms(), &suppressed))
			log_info("snmp trap %s from %s matches no device",
			    ti->event, ti->source);
		return;
	}
	d = &sw->x->cfg->devices[dev];
	id = monitor_device_id(sw->m, (size_t)dev);
	if (strcmp(ti->event, "link-down") == 0 ||
	    strcmp(ti->event, "link-up") == 0) {
		struct iface_find f = {.index = ti->if_index};

		str_copy(f.name, ti->if_name, sizeof f.name);
		if (f.name[0] == '\0' && ti->if_index >= 0 && id >= 0)
			snmp_ifaces(
			    writer_db(sw->x->writer), id, iface_find_cb, &f);
		if (ti->if_index >= 0 && f.name[0] != '\0')
			snprintf(details, sizeof details,
			    "interface %s (ifIndex %ld) (trap)", f.name,
			    ti->if_index);
		else if (ti->if_index >= 0)
			snprintf(details, sizeof details,
			    "interface ifIndex %ld (ifIndex %ld) (trap)",
			    ti->if_index, ti->if_index);
		else
			snprintf(details, sizeof details,
			    "interface unknown (trap)");
	} else
		snprintf(details, sizeof details, "%s trap from %s (trap)",
		    strcmp(ti->event, "cold-start") == 0 ? "coldStart"
							 : "warmStart",
		    ti->source);
	monitor_event(sw->x, event_prio(ti->event), ti->event, id, d->key,
	    d->name, details);
}

/* Secrets on disk. */

static void
secrets_file_check(const char *path)
{
	struct stat st;

	if (path == NULL || stat(path, &st) != 0)
		return;
	/*
	 * Group read is how the daemon, running as user xanet, re-reads a
	 * root-owned file on reload (root:xanet 0640), so only "others" is
	 * a leak.
	 */
	if ((st.st_mode & S_IROTH) != 0)
		log_warn("%s holds SNMP secrets and is readable by every user "
			 "(mode %04o): chmod o-r, e.g. root:xanet 0640",
		    path, (unsigned)(st.st_mode & 07777));
}

static bool
dev_has_secret(const struct config_device *d)
{
	return d->snmp_community != NULL || d->snmp_auth_pass != NULL ||
	       d->snmp_priv_pass != NULL;
}

void
snmpwatch_check_secrets(const struct config *cfg)
{
	bool in_conf = dev_has_secret(&cfg->defaults) ||
		       cfg->snmp.trap_communities != NULL;
	bool in_inv = false;

	for (size_t i = 0; i < cfg->ndevices; i++) {
		const struct config_device *d = &cfg->devices[i];

		if (!dev_has_secret(d))
			continue;
		if (cfg->daemon.inventory != NULL && d->src_file != NULL &&
		    strcmp(d->src_file, cfg->daemon.inventory) == 0)
			in_inv = true;
		else
			in_conf = true;
	}
	if (in_conf)
		secrets_file_check(cfg->path);
	if (in_inv)
		secrets_file_check(cfg->daemon.inventory);
}

struct snmpwatch *
snmpwatch_new(struct xanetd *x, struct monitor *m, struct probes *probes)
{
	struct snmpwatch *sw = xcalloc(1, sizeof *sw);
	const struct config *cfg = x->cfg;
	struct probes_snmp_hooks h = {
	    .arg = sw,
	    .metric = hook_metric,
	    .event = hook_event,
	    .system = hook_system,
	    .iface = hook_iface,
	    .warn = hook_warn,
	    .text = hook_text,
	};
	char err[256];

	sw->x = x;
	sw->m = m;
	/* The engine limits each agent's lines; this bounds them all. */
	ratelimit_init(&sw->warn_log, 60000, 200);
	ratelimit_init(&sw->trap_log, 60000, 10);
	probes_set_snmp_hooks(probes, &h);
	snmpwatch_check_secrets(cfg);
	if (cfg->snmp.trap_port > 0) {
		sw->traps = snmptrap_open(x->loop, cfg->snmp.trap_listen,
		    cfg->snmp.trap_port, err, sizeof err);
		if (sw->traps == NULL)
			log_err("snmp traps: %s", err);
		else
			log_info("listening for SNMP traps on %s port %d",
			    cfg->snmp.trap_listen, cfg->snmp.trap_port);
		sw->trap_port = cfg->snmp.trap_port;
		str_copy(sw->trap_listen, cfg->snmp.trap_listen,
		    sizeof sw->trap_listen);
	}
	return sw;
}

void
snmpwatch_configure(struct snmpwatch *sw)
{
	const struct config *cfg = sw->x->cfg;

	/* The port was bound with privileges we no longer have. */
	if (cfg->snmp.trap_port != sw->trap_port ||
	    (sw->trap_port > 0 &&
		strcmp(cfg->snmp.trap_listen, sw->trap_listen) != 0))
		log_warn("snmp: trap_port/trap_listen changes take effect at "
			 "the next restart");
	if (sw->traps != NULL)
		snmptrap_configure(sw->traps, cfg, trap_cb, sw);
}

void
snmpwatch_free(struct snmpwatch *sw)
{
	if (sw == NULL)
		return;
	snmptrap_free(sw->traps);
	free(sw);
}

json_t *
snmpwatch_stats_json(struct snmpwatch *sw, struct probes *probes)
{
	struct probes_stats st;
	struct snmptrap_stats ts;
	json_t *o;

	probes_get_stats(probes, &st);
	memset(&ts, 0, sizeof ts);
	if (sw != NULL && sw->traps != NULL)
		snmptrap_get_stats(sw->traps, &ts);
	o = json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "polls",
	    (json_int_t)st.snmp_polls, "requests", (json_int_t)st.snmp_requests,
	    "varbinds", (json_int_t)st.snmp_varbinds, "timeouts",
	    (json_int_t)st.snmp_timeouts, "faults", (json_int_t)st.snmp_faults,
	    "dropped", (json_int_t)st.snmp_dropped, "sessions",
	    (json_int_t)st.snmp_sessions, "store_errors",
	    (json_int_t)(sw != NULL ? sw->store_errors : 0));
	json_object_set_new(o, "traps",
	    json_pack("{s:b, s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "listening",
		sw != NULL && sw->traps != NULL, "received",
		(json_int_t)ts.received, "accepted", (json_int_t)ts.accepted,
		"bad_community", (json_int_t)ts.bad_community, "malformed",
		(json_int_t)ts.malformed, "rate_dropped",
		(json_int_t)ts.rate_dropped, "unknown", (json_int_t)ts.unknown,
		"unmatched",
		(json_int_t)(sw != NULL ? sw->traps_unmatched : 0)));
	return o;
}
