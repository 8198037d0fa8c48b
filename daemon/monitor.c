/*
 * monitor.c - availability in the daemon: probe results go to the state
 * machine and the samples; state events become intervals, alert rows and
 * alert-log lines; maintenance windows and retention run here too.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/alertlog.h"
#include "common/config.h"
#include "common/duration.h"
#include "common/log.h"
#include "common/maint.h"
#include "common/util.h"
#include "common/xtime.h"
#include "daemon/monitor.h"
#include "daemon/snmpwatch.h"
#include "daemon/state.h"
#include "daemon/xanetd.h"
#include "probes/probe.h"
#include "store/alert.h"
#include "store/device.h"
#include "store/hbtoken.h"
#include "store/interval.h"
#include "store/maintenance.h"
#include "store/metric.h"
#include "store/sample.h"
#include "store/writer.h"

#define MONITOR_MAINT_CHECK_S  1.0
#define MONITOR_RETENTION_S    3600.0
#define MONITOR_PRUNE_CHUNK    5000
#define MONITOR_PRUNE_CHUNKS   20
#define MONITOR_CERT_WARN_DAYS 14
#define MONITOR_MANUAL_MAX     256

/* Per configured device, in config order. */
struct mdev {
	int64_t id; /* device table id */
	struct maint_window *windows;
	size_t nwindows;
	bool in_maint;
	int64_t cert_warned_ms;
};

/* Maintenance started by hand; survives reloads (by key) and restarts. */
struct manual {
	char key[64];
	int64_t id;
	int64_t until_ms;
	char reason[128];
};

struct monitor {
	struct xanetd *x;
	struct probes *probes;
	struct snmpwatch *snmp;
	struct statemachine *sm;
	struct mdev *devs;
	size_t ndevs;
	struct manual manual[MONITOR_MANUAL_MAX];
	size_t nmanual;
	ev_timer maint_timer;
	ev_timer retention_timer;
	uint64_t results;
	uint64_t store_errors;
	struct ratelimit store_log;
};

static const struct config_device *
monitor_dev(struct monitor *m, size_t i)
{
	return &m->x->cfg->devices[i];
}

void
monitor_event(struct xanetd *x, int prio, const char *event, int64_t device_id,
    const char *key, const char *name, const char *details)
{
	int64_t now = time_wall_ms();

	/* One timestamp: the log line and its row must agree. */
	alertlog_write(x->alertlog, now, prio, event, key, name, "%s", details);
	if (alert_add(x->writer, now, alertlog_severity(prio), event, device_id,
		details) < 0)
		log_err("could not record the %s event", event);
}

/* An event about device DEV, details formatted from FMT. */
static void monitor_alert(struct monitor *m, size_t dev, int prio,
    const char *event, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static void
monitor_alert(struct monitor *m, size_t dev, int prio, const char *event,
    const char *fmt, ...)
{
	const struct config_device *d = monitor_dev(m, dev);
	char details[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(details, sizeof details, fmt, ap);
	va_end(ap);
	monitor_event(
	    m->x, prio, event, m->devs[dev].id, d->key, d->name, details);
}

static void
monitor_store_failed(struct monitor *m, const char *what)
{
	m->store_errors++;
	if (ratelimit_allow(&m->store_log, time_mono_ms(), NULL))
		log_err("could not record %s", what);
}

/* "a,b,c" of the children's keys, cut to fit a log line. */
static void
monitor_children(
    struct monitor *m, const struct state_event *ev, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < ev->nchildren && off + 1 < len; i++) {
		int n = snprintf(buf + off, len - off, "%s%s", i ? "," : "",
		    monitor_dev(m, ev->children[i])->key);

		if (n < 0 || (size_t)n >= len - off) {
			snprintf(buf + off, len - off, ",...");
			break;
		}
		off += (size_t)n;
	}
}

/* The cause recorded with an interval: why the device is in that state. */
static void
monitor_interval_cause(
    struct monitor *m, const struct state_event *ev, char *buf, size_t len)
{
	const struct config_device *d = monitor_dev(m, ev->device);

	if (ev->to == DEV_UNREACHABLE && d->parent != NULL)
		snprintf(buf, len, "parent:%s", d->parent);
	else if (ev->to == DEV_MAINTENANCE)
		snprintf(buf, len, "maintenance");
	else
		snprintf(buf, len, "%s", probe_cause_name(ev->cause));
}

static void
monitor_transition(struct monitor *m, const struct state_event *ev)
{
	const struct config_device *d = monitor_dev(m, ev->device);
	char since[40], cause[64], dur[32], children[512];

	monitor_interval_cause(m, ev, cause, sizeof cause);
	if (interval_transition(m->x->writer, m->devs[ev->device].id, ev->to,
		ev->at_ms, cause) == -1)
		monitor_store_failed(m, "a state change");
	time_format_iso(ev->at_ms, since, sizeof since);
	log_info("%s: %s -> %s since %s (%s)", d->key, dev_state_name(ev->from),
	    dev_state_name(ev->to), since, cause);
	if (!ev->alert)
		return;
	switch (ev->to) {
	case DEV_DOWN:
		monitor_children(m, ev, children, sizeof children);
		if (ev->nchildren > 0)
			monitor_alert(m, ev->device, LOG_ERR, "down",
			    "since=%s cause=%s detail=\"%s\" unreachable=%zu "
			    "children=%s",
			    since, probe_cause_name(ev->cause), ev->detail,
			    ev->nchildren, children);
		else
			monitor_alert(m, ev->device, LOG_ERR, "down",
			    "since=%s cause=%s detail=\"%s\"", since,
			    probe_cause_name(ev->cause), ev->detail);
		break;
	case DEV_UP:
		if (ev->from == DEV_DOWN) {
			duration_format(ev->outage_ms, dur, sizeof dur);
			time_format_iso(
			    ev->at_ms - ev->outage_ms, since, sizeof since);
			monitor_alert(m, ev->device, LOG_NOTICE, "up",
			    "outage=%s since=%s", dur, since);
		} else
			monitor_alert(m, ev->device, LOG_NOTICE, "up",
			    "was=%s since=%s", dev_state_name(ev->from), since);
		break;
	case DEV_UNREACHABLE:
		monitor_alert(m, ev->device, LOG_WARNING, "unreachable",
		    "parent=%s since=%s", d->parent != NULL ? d->parent : "-",
		    since);
		break;
	case DEV_UNKNOWN:
		/* The SNMP engine wrote its own, when the fault began. */
		if (ev->cause == CAUSE_MONITOR &&
		    !str_has_prefix(ev->detail, "SNMP: "))
			monitor_alert(m, ev->device, LOG_WARNING,
			    "monitoring-fault", "since=%s detail=\"%s\"", since,
			    ev->detail);
		break;
	case DEV_MAINTENANCE:
		/* maintenance-start/-end lines come from monitor_maint_apply. */
		break;
	}
}

static void
monitor_event_cb(void *arg, const struct state_event *ev)
{
	struct monitor *m = arg;
	const struct config_device *d = monitor_dev(m, ev->device);
	char window[32];

	duration_format(d->degraded_after_ms, window, sizeof window);
	switch (ev->type) {
	case SEV_TRANSITION:
		monitor_transition(m, ev);
		break;
	case SEV_DEGRADED:
		monitor_alert(m, ev->device, LOG_WARNING, "degraded",
		    "loss=%.1f%% rtt=%.1fms window=%s", ev->loss_pct,
		    ev->rtt_us / 1000.0, window);
		break;
	case SEV_RECOVERED:
		monitor_alert(m, ev->device, LOG_NOTICE, "recovered",
		    "loss=%.1f%% rtt=%.1fms window=%s", ev->loss_pct,
		    ev->rtt_us / 1000.0, window);
		break;
	case SEV_FLAPPING:
		duration_format(d->flap_window_ms, window, sizeof window);
		monitor_alert(m, ev->device, LOG_WARNING, "flapping",
		    "transitions=%d window=%s", d->flap_count, window);
		break;
	case SEV_STABLE:
		monitor_alert(m, ev->device, LOG_NOTICE, "stable", "state=%s",
		    dev_state_name(ev->to));
		break;
	}
}

/* A TLS certificate close to its end: warn once a day per device. */
static void
monitor_cert_check(struct monitor *m, size_t dev, const struct probe_result *r)
{
	struct mdev *md = &m->devs[dev];
	int64_t now = time_wall_ms();

	if (r->cert_days < 0 || r->cert_days >= MONITOR_CERT_WARN_DAYS)
		return;
	if (md->cert_warned_ms != 0 && now - md->cert_warned_ms < 86400000)
		return;
	md->cert_warned_ms = now;
	monitor_alert(m, dev, LOG_WARNING, "cert-expiring", "days=%d url=%s",
	    r->cert_days,
	    monitor_dev(m, dev)->probes != NULL ? monitor_dev(m, dev)->probes
						: "-");
}

static void
monitor_result_cb(void *arg, size_t device, size_t probe, enum probe_kind kind,
    const struct probe_result *r)
{
	struct monitor *m = arg;

	if (device >= m->ndevs)
		return;
	m->results++;
	if (sample_add(m->x->writer, m->devs[device].id, probe, kind, r) == -1)
		monitor_store_failed(m, "a probe sample");
	if (kind == PROBE_HTTP)
		monitor_cert_check(m, device, r);
	state_result(m->sm, device, probe, r, time_wall_ms());
}

static struct manual *
monitor_manual_find(struct monitor *m, const char *key)
{
	for (size_t i = 0; i < m->nmanual; i++)
		if (strcmp(m->manual[i].key, key) == 0)
			return &m->manual[i];
	return NULL;
}

static void
monitor_manual_remove(struct monitor *m, struct manual *mm)
{
	*mm = m->manual[--m->nmanual];
}

/* Put every device in or out of maintenance as its windows say now. */
static void
monitor_maint_apply(struct monitor *m)
{
	int64_t now = time_wall_ms();

	for (size_t i = 0; i < m->nmanual; i++)
		if (m->manual[i].until_ms <= now)
			monitor_manual_remove(m, &m->manual[i--]);
	for (size_t i = 0; i < m->ndevs; i++) {
		struct mdev *md = &m->devs[i];
		const struct config_device *d = monitor_dev(m, i);
		struct manual *mm = monitor_manual_find(m, d->key);
		bool on =
		    mm != NULL || maint_active(md->windows, md->nwindows, now);
		char until[40];

		if (on == md->in_maint)
			continue;
		md->in_maint = on;
		if (!on) {
			/* The end first: what the probes say follows it. */
			monitor_alert(m, i, LOG_NOTICE, "maintenance-end",
			    "reason=\"%s\"",
			    mm != NULL ? mm->reason : "window over");
			state_maintenance(m->sm, i, false, now);
			continue;
		}
		state_maintenance(m->sm, i, true, now);
		if (mm != NULL) {
			time_format_iso(mm->until_ms, until, sizeof until);
			monitor_alert(m, i, LOG_NOTICE, "maintenance-start",
			    "until=%s reason=\"%s\"", until, mm->reason);
		} else {
			time_format_iso(
			    maint_next_change(md->windows, md->nwindows, now),
			    until, sizeof until);
			monitor_alert(m, i, LOG_NOTICE, "maintenance-start",
			    "until=%s reason=\"%s\"", until,
			    "configured window");
		}
	}
}

static void
monitor_maint_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	monitor_maint_apply(w->data);
}

/* Raw rows kept retention_days; their hourly rollups stay for years. */
static const struct {
	const char *what;
	int (*prune)(struct writer *w, int64_t before_ms, int limit);
} monitor_prunes[] = {
    {"raw samples", sample_prune},
    {"SNMP metric samples", metric_prune},
};

static void
monitor_retention_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct monitor *m = w->data;
	int64_t before = time_wall_ms() -
			 (int64_t)m->x->cfg->daemon.retention_days * 86400000;

	for (size_t p = 0; p < sizeof monitor_prunes / sizeof monitor_prunes[0];
	     p++) {
		int total = 0, n;

		/* Bounded per run so a long backlog never stalls the loop. */
		for (int i = 0; i < MONITOR_PRUNE_CHUNKS; i++) {
			n = monitor_prunes[p].prune(
			    m->x->writer, before, MONITOR_PRUNE_CHUNK);
			if (n <= 0)
				break;
			total += n;
			writer_commit(m->x->writer);
		}
		if (total > 0)
			log_info("retention: removed %d %s older than %d days",
			    total, monitor_prunes[p].what,
			    m->x->cfg->daemon.retention_days);
	}
}

struct monitor *
monitor_new(struct xanetd *x, char *err, size_t errlen)
{
	struct monitor *m = xcalloc(1, sizeof *m);

	m->x = x;
	ratelimit_init(&m->store_log, 60000, 3);
	m->probes = probes_new(x->loop, monitor_result_cb, m, err, errlen);
	if (m->probes == NULL) {
		free(m);
		return NULL;
	}
	m->snmp = snmpwatch_new(x, m, m->probes);
	return m;
}

static int
monitor_manual_load_cb(const struct maint_row *row, void *arg)
{
	struct monitor *m = arg;
	struct manual *mm;

	if (m->nmanual == MONITOR_MANUAL_MAX)
		return 1;
	mm = &m->manual[m->nmanual++];
	str_copy(mm->key, row->device_key, sizeof mm->key);
	str_copy(mm->reason, row->reason, sizeof mm->reason);
	mm->id = row->id;
	mm->until_ms = row->end_ms;
	return 0;
}

/* Per-device runtime data for x->cfg: ids, windows, fresh intervals. */
static int
monitor_devices(struct monitor *m, int64_t now)
{
	const struct config *cfg = m->x->cfg;
	struct mdev *old = m->devs;
	size_t nold = m->ndevs;
	int64_t *ids = xcalloc(cfg->ndevices, sizeof *ids);
	char err[256];
	int rc = 0;

	if (device_ids(writer_db(m->x->writer), cfg, ids) == -1)
		rc = -1;
	m->devs = xcalloc(cfg->ndevices, sizeof *m->devs);
	m->ndevs = cfg->ndevices;
	for (size_t i = 0; i < cfg->ndevices; i++) {
		const struct config_device *d = &cfg->devices[i];
		struct mdev *md = &m->devs[i];
		enum dev_state st;
		int64_t since;
		char cause[32];

		md->id = ids[i];
		if (md->id < 0) {
			/* device_sync() failed for it; logged there. */
			rc = -1;
			continue;
		}
		if (d->maintenance != NULL &&
		    maint_parse(d->maintenance, &md->windows, &md->nwindows,
			err, sizeof err) == -1)
			log_err("%s: %s", d->key, err);
		/* Carry the maintenance flag over a reload by key. */
		for (size_t k = 0; k < nold; k++)
			if (old[k].id == md->id) {
				md->in_maint = old[k].in_maint;
				md->cert_warned_ms = old[k].cert_warned_ms;
			}
		/* A device new to the table starts unknown now. */
		if (interval_current(writer_db(m->x->writer), md->id, &st,
			&since, cause, sizeof cause) == 1 &&
		    interval_transition(m->x->writer, md->id, DEV_UNKNOWN, now,
			"new-device") == -1)
			rc = -1;
	}
	for (size_t k = 0; k < nold; k++)
		maint_free(old[k].windows);
	free(old);
	free(ids);
	return rc;
}

int
monitor_start(struct monitor *m, int64_t gap_start_ms)
{
	struct xanetd *x = m->x;
	int64_t now = time_wall_ms();
	char err[512];

	if (gap_start_ms >= 0 && interval_open_gap(x->writer, gap_start_ms))
		return -1;
	if (monitor_devices(m, now) == -1)
		return -1;
	maint_store_each(writer_db(x->writer), now, monitor_manual_load_cb, m);
	m->sm = state_new(x->cfg, monitor_event_cb, m, now);
	err[0] = '\0';
	probes_configure(m->probes, x->cfg, err, sizeof err);
	snmpwatch_configure(m->snmp);
	monitor_maint_apply(m);
	ev_timer_init(&m->maint_timer, monitor_maint_cb, MONITOR_MAINT_CHECK_S,
	    MONITOR_MAINT_CHECK_S);
	m->maint_timer.data = m;
	ev_timer_start(x->loop, &m->maint_timer);
	/* The first retention pass soon after start, then hourly. */
	ev_timer_init(&m->retention_timer, monitor_retention_cb, 60.,
	    MONITOR_RETENTION_S);
	m->retention_timer.data = m;
	ev_timer_start(x->loop, &m->retention_timer);
	return 0;
}

int
monitor_reconfigure(struct monitor *m)
{
	int64_t now = time_wall_ms();
	char err[512];
	int rc;

	rc = monitor_devices(m, now);
	state_reconfigure(m->sm, m->x->cfg, now);
	err[0] = '\0';
	probes_configure(m->probes, m->x->cfg, err, sizeof err);
	snmpwatch_configure(m->snmp);
	/* Flags moved with their devices; apply only what changed. */
	monitor_maint_apply(m);
	return rc;
}

void
monitor_stop(struct monitor *m)
{
	ev_timer_stop(m->x->loop, &m->maint_timer);
	ev_timer_stop(m->x->loop, &m->retention_timer);
	if (interval_close_all(m->x->writer, time_wall_ms()) == -1)
		log_err("could not close the state intervals");
}

void
monitor_free(struct monitor *m)
{
	if (m == NULL)
		return;
	probes_free(m->probes);
	snmpwatch_free(m->snmp);
	state_free(m->sm);
	for (size_t i = 0; i < m->ndevs; i++)
		maint_free(m->devs[i].windows);
	free(m->devs);
	free(m);
}

void
monitor_device_json(struct monitor *m, size_t i, json_t *obj)
{
	struct state_info info;
	char since[40];

	if (m->sm == NULL || i >= m->ndevs)
		return;
	state_get(m->sm, i, &info);
	time_format_iso(info.since_ms, since, sizeof since);
	json_object_set_new(
	    obj, "state", json_string(dev_state_name(info.state)));
	json_object_set_new(obj, "since", json_string(since));
	json_object_set_new(obj, "since_ms", json_integer(info.since_ms));
	json_object_set_new(
	    obj, "cause", json_string(probe_cause_name(info.last_cause)));
	json_object_set_new(obj, "degraded", json_boolean(info.degraded));
	json_object_set_new(obj, "flapping", json_boolean(info.flapping));
	json_object_set_new(obj, "rtt_ms",
	    info.last_rtt_us >= 0 ? json_real(info.last_rtt_us / 1000.0)
				  : json_null());
	json_object_set_new(obj, "loss_pct",
	    info.last_loss_pct >= 0 ? json_real(info.last_loss_pct)
				    : json_null());
}

int64_t
monitor_device_id(struct monitor *m, size_t i)
{
	if (i >= m->ndevs)
		return -1;
	return m->devs[i].id;
}

json_t *
monitor_stats_json(struct monitor *m)
{
	struct probes_stats st;
	json_t *o;

	probes_get_stats(m->probes, &st);
	o = json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, "
		      "s:s, s:I}",
	    "probes", (json_int_t)st.probes, "in_flight",
	    (json_int_t)st.in_flight, "rounds", (json_int_t)st.rounds,
	    "rounds_failed", (json_int_t)st.rounds_failed, "late_starts",
	    (json_int_t)st.late_starts, "max_lateness_ms",
	    (json_int_t)st.max_lateness_ms, "icmp_sent",
	    (json_int_t)st.icmp_sent, "icmp_received",
	    (json_int_t)st.icmp_received, "icmp_foreign",
	    (json_int_t)st.icmp_foreign, "icmp_malformed",
	    (json_int_t)st.icmp_malformed, "icmp_mode",
	    probes_icmp_mode(m->probes), "store_errors",
	    (json_int_t)m->store_errors);
	if (o != NULL)
		json_object_set_new(
		    o, "snmp", snmpwatch_stats_json(m->snmp, m->probes));
	return o;
}

static long
monitor_device_index(struct monitor *m, const char *key)
{
	for (size_t i = 0; i < m->ndevs; i++)
		if (strcmp(monitor_dev(m, i)->key, key) == 0)
			return (long)i;
	return -1;
}

int64_t
monitor_maint_start(struct monitor *m, const char *key, int64_t seconds,
    const char *reason, int64_t *until_ms, char *err, size_t errlen)
{
	long i = monitor_device_index(m, key);
	int64_t now = time_wall_ms(), id;
	struct manual *mm;

	if (i < 0) {
		snprintf(err, errlen, "unknown device '%s'", key);
		return -1;
	}
	if (seconds <= 0 || seconds > 366LL * 86400) {
		snprintf(err, errlen, "duration must be 1 s to 366 days");
		return -1;
	}
	if ((mm = monitor_manual_find(m, key)) == NULL &&
	    m->nmanual == MONITOR_MANUAL_MAX) {
		snprintf(err, errlen, "too many manual maintenance windows");
		return -1;
	}
	id = maint_store_start(
	    m->x->writer, m->devs[i].id, now, now + seconds * 1000, reason);
	if (id < 0 || writer_commit(m->x->writer) == -1) {
		snprintf(err, errlen, "could not record the maintenance");
		return -1;
	}
	if (mm == NULL)
		mm = &m->manual[m->nmanual++];
	str_copy(mm->key, key, sizeof mm->key);
	str_copy(mm->reason, reason, sizeof mm->reason);
	mm->id = id;
	mm->until_ms = now + seconds * 1000;
	*until_ms = mm->until_ms;
	if (m->devs[i].in_maint) {
		/* Already in maintenance: only the end moved; say so. */
		char until[40];

		time_format_iso(mm->until_ms, until, sizeof until);
		monitor_alert(m, (size_t)i, LOG_NOTICE, "maintenance-start",
		    "until=%s reason=\"%s\"", until, mm->reason);
	} else
		monitor_maint_apply(m);
	return id;
}

int
monitor_maint_stop(struct monitor *m, const char *key, char *err, size_t errlen)
{
	long i = monitor_device_index(m, key);
	struct manual *mm;
	int n;

	if (i < 0) {
		snprintf(err, errlen, "unknown device '%s'", key);
		return -1;
	}
	n = maint_store_stop(m->x->writer, m->devs[i].id, time_wall_ms());
	if (n < 0 || writer_commit(m->x->writer) == -1) {
		snprintf(
		    err, errlen, "could not record the end of maintenance");
		return -1;
	}
	if ((mm = monitor_manual_find(m, key)) != NULL)
		monitor_manual_remove(m, mm);
	monitor_maint_apply(m);
	return n;
}

int
monitor_heartbeat(struct monitor *m, const char *key, bool ok, const char *msg)
{
	return probes_heartbeat(m->probes, key, ok, msg);
}

int
monitor_heartbeat_token(struct monitor *m, const char *key,
    const unsigned char hash[32], char *err, size_t errlen)
{
	long i = monitor_device_index(m, key);
	const struct config_device *d;

	if (i < 0) {
		snprintf(err, errlen, "unknown device '%s'", key);
		return -1;
	}
	d = &m->x->cfg->devices[i];
	if (d->probes == NULL || strstr(d->probes, "heartbeat") == NULL) {
		snprintf(err, errlen,
		    "device '%s' has no heartbeat probe (probes = heartbeat)",
		    key);
		return -1;
	}
	if (hbtoken_set(m->x->writer, m->devs[i].id, hash, time_wall_ms()) ==
		-1 ||
	    writer_commit(m->x->writer) == -1) {
		snprintf(err, errlen, "could not record the heartbeat token");
		return -1;
	}
	return 0;
}
