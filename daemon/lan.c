/* lan.c - the LAN sampler in xanetd: captures on the loop, the sink into the store and alert log, host decisions. */
#include <inttypes.h>
#include <net/if.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "common/addr.h"
#include "common/config.h"
#include "common/log.h"
#include "common/sysnet.h"
#include "common/util.h"
#include "common/xtime.h"
#include "daemon/lan.h"
#include "daemon/monitor.h"
#include "daemon/xanetd.h"
#include "probes/lan/capture.h"
#include "probes/lan/sampler.h"
#include "store/host.h"
#include "store/writer.h"

#define LAN_TICK_S        5.0     /* sampler clock, pcap_stats */
#define LAN_ALIVE_TICKS   2       /* lan_capture.last_alive_ms every 10 s */
#define LAN_HOUR_MS       3600000 /* drop alerts at most once an hour */
#define LAN_DROP_PERMILLE 1       /* alert above 0.1% of frames dropped */
#define LAN_EVENTS_BURST  60      /* findings recorded at once ... */
#define LAN_EVENTS_MS     1000    /* ... then one a second */

struct lan_iface {
	char name[IF_NAMESIZE];
	struct lan_capture *cap; /* NULL: could not be opened */
	char error[256];
	int64_t row_id; /* lan_capture row, -1 if none */
	/* The window the drop ratio is judged over. */
	uint64_t base_recv, base_drop;
	int64_t base_ms;
	int64_t drop_alert_ms; /* last lan-capture-drops, 0 never */
	bool failed_reported;
	struct lan_capture_stats st; /* as of the last tick */
};

struct lan {
	struct xanetd *x;
	bool enabled;
	struct lan_sampler *s;
	struct lan_iface *ifs;
	size_t nifs;
	ev_timer tick;
	unsigned ticks;
	int64_t learning_start_ms;
	struct ratelimit events_rl;
	struct ratelimit store_log;
	uint64_t events, events_dropped, store_errors;
	uint64_t host_writes, traffic_writes;
};

static int
lan_mac_bytes(const char *s, uint8_t mac[6])
{
	char norm[18];

	if (addr_mac_norm(s, norm) == -1)
		return -1;
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)strtoul(norm + 3 * i, NULL, 16);
	return 0;
}

static void
lan_store_failed(struct lan *l, const char *what)
{
	l->store_errors++;
	if (ratelimit_allow(&l->store_log, time_mono_ms(), NULL))
		log_err("LAN: could not record %s", what);
}

/* The sink: what the sampler finds goes to the store and the alert log. */

/* The configured device at IP, if the finding is about one of ours. */
static const struct config_device *
lan_device_at(struct lan *l, const char *ip)
{
	const struct config *cfg = l->x->cfg;

	if (ip == NULL || ip[0] == '\0')
		return NULL;
	for (size_t i = 0; i < cfg->ndevices; i++)
		if (cfg->devices[i].address != NULL &&
		    strcmp(cfg->devices[i].address, ip) == 0)
			return &cfg->devices[i];
	return NULL;
}

/* Appends " WORD=VALUE" unless DETAILS already says it. */
static void
lan_detail_add(char *buf, size_t len, const char *details, const char *word,
    const char *value)
{
	char key[16];
	size_t off = strlen(buf);

	if (value == NULL || value[0] == '\0' || off + 1 >= len)
		return;
	snprintf(key, sizeof key, "%s=", word);
	if (details != NULL && strstr(details, key) != NULL)
		return;
	snprintf(
	    buf + off, len - off, "%s%s%s", off > 0 ? " " : "", key, value);
}

static void
lan_sink_event(void *arg, int64_t ts_ms, const char *rule, const char *mac,
    const char *ip, const char *details)
{
	struct lan *l = arg;
	const struct config_device *d;
	char full[512] = "";
	uint64_t suppressed = 0;
	int prio;

	/*
	 * The detectors already send one alert per rule and source; this
	 * bounds what a flood of distinct sources can write.
	 */
	if (!ratelimit_allow(&l->events_rl, time_mono_ms(), &suppressed)) {
		l->events_dropped++;
		return;
	}
	if (suppressed > 0)
		log_warn("LAN: %" PRIu64 " findings were not recorded (more "
			 "than %d at once)",
		    suppressed, LAN_EVENTS_BURST);
	l->events++;
	lan_detail_add(full, sizeof full, details, "rule", rule);
	lan_detail_add(full, sizeof full, details, "mac", mac);
	lan_detail_add(full, sizeof full, details, "ip", ip);
	if (details != NULL && details[0] != '\0') {
		size_t off = strlen(full);

		snprintf(full + off, sizeof full - off, "%s%s", off ? " " : "",
		    details);
	}
	if (host_event_add(l->x->writer, ts_ms, rule, mac, ip, full) == -1)
		lan_store_failed(l, "a LAN finding");
	prio = strcmp(rule, "lan-new-host") == 0 ? LOG_NOTICE : LOG_WARNING;
	d = lan_device_at(l, ip);
	monitor_event(
	    l->x, prio, rule, -1, d ? d->key : NULL, d ? d->name : NULL, full);
}

static const char *
lan_text(const char *s)
{
	return s != NULL && s[0] != '\0' ? s : NULL;
}

static void
lan_host_store(struct lan *l, const struct lan_host_view *h)
{
	struct host_row r = {0};
	bool label =
	    h->name_source != NULL && strcmp(h->name_source, "label") == 0;

	r.mac = h->mac_s;
	r.ipv4 = lan_text(h->ipv4);
	r.ipv6 = lan_text(h->ipv6);
	/* The officer's label is kept in its own column, not as a name. */
	r.name = label ? NULL : lan_text(h->name);
	r.name_source = label ? NULL : lan_text(h->name_source);
	r.vendor = lan_text(h->vendor);
	r.os_guess = lan_text(h->os_guess);
	r.dhcp_fp = lan_text(h->dhcp_fp);
	r.first_ms = h->first_ms;
	r.last_ms = h->last_ms;
	r.av_product = lan_text(h->av_product);
	r.av_last_ms = h->av_last_ms;
	l->host_writes++;
	if (host_upsert(l->x->writer, &r) == -1)
		lan_store_failed(l, "a LAN host");
}

static void
lan_sink_host(void *arg, const struct lan_host_view *h)
{
	lan_host_store(arg, h);
}

static void
lan_sink_traffic(void *arg, const char *mac, int64_t hour_ms, uint64_t bytes_in,
    uint64_t bytes_out, uint64_t pkts_in, uint64_t pkts_out, bool estimated)
{
	struct lan *l = arg;

	l->traffic_writes++;
	if (host_traffic_add(l->x->writer, mac, hour_ms, bytes_in, bytes_out,
		pkts_in, pkts_out, estimated) == -1)
		lan_store_failed(l, "a host's hourly traffic");
}

static void
lan_sink_uplink(void *arg, int64_t hour_ms, uint64_t bytes_in,
    uint64_t bytes_out, double peak_in_bps, double peak_out_bps, bool estimated)
{
	struct lan *l = arg;

	if (host_uplink_add(l->x->writer, hour_ms, bytes_in, bytes_out,
		peak_in_bps, peak_out_bps, estimated) == -1)
		lan_store_failed(l, "the uplink's hourly traffic");
}

/* The sampler and its seeding from the store. */

static void
lan_seed_cb(void *arg, const char *mac_s, const char *status, int64_t first_ms,
    const char *label)
{
	struct lan *l = arg;
	uint8_t mac[6];
	int st = lan_host_status_parse(status);

	if (lan_mac_bytes(mac_s, mac) == 0 && st >= 0)
		lan_sampler_seed_host(l->s, mac, st, first_ms, label);
}

static struct lan_sampler *
lan_sampler_make(struct lan *l, int64_t now_ms)
{
	static const struct lan_sink sink_tmpl = {
	    .event = lan_sink_event,
	    .host = lan_sink_host,
	    .traffic_hour = lan_sink_traffic,
	    .uplink_hour = lan_sink_uplink,
	};
	struct lan_sink sink = sink_tmpl;
	struct lan_opts o;
	struct lan_sampler *s, *old = l->s;
	int n;

	lan_opts_from_config(&o, l->x->cfg);
	/* Learning runs from when LAN monitoring first began, not restarts. */
	o.learning_start_ms = l->learning_start_ms;
	sink.arg = l;
	if ((s = lan_sampler_new(&o, &sink, now_ms)) == NULL)
		return NULL;
	l->s = s;
	n = host_each_known(writer_db(l->x->writer), lan_seed_cb, l);
	l->s = old;
	if (n < 0)
		log_err("LAN: could not read the known hosts; all are new");
	else
		log_info("LAN: %d known hosts loaded", n);
	return s;
}

/* Captures. */

static void
lan_packet_cb(
    void *arg, int linktype, const struct pcap_pkthdr *h, const uint8_t *data)
{
	struct lan *l = arg;

	lan_sampler_packet(l->s, linktype, h, data);
}

/* Judge the drop ratio over about an hour; alert at most once an hour. */
static void
lan_drops_check(struct lan *l, struct lan_iface *f, int64_t now)
{
	uint64_t recv = f->st.received - f->base_recv;
	uint64_t drop = f->st.dropped - f->base_drop;
	char details[256];

	if (drop > 0 && drop * 1000 > recv * LAN_DROP_PERMILLE &&
	    (f->drop_alert_ms == 0 || now - f->drop_alert_ms >= LAN_HOUR_MS)) {
		snprintf(details, sizeof details,
		    "rule=lan-capture-drops iface=%s dropped=%" PRIu64
		    " received=%" PRIu64 " pct=%.3f",
		    f->name, drop, recv,
		    recv ? 100.0 * (double)drop / (double)recv : 100.0);
		l->events++;
		if (host_event_add(l->x->writer, now, "lan-capture-drops", NULL,
			NULL, details) == -1)
			lan_store_failed(l, "a LAN finding");
		monitor_event(l->x, LOG_WARNING, "lan-capture-drops", -1, NULL,
		    NULL, details);
		f->drop_alert_ms = now;
	} else if (now - f->base_ms < LAN_HOUR_MS)
		return;
	f->base_recv = f->st.received;
	f->base_drop = f->st.dropped;
	f->base_ms = now;
}

static void
lan_tick_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct lan *l = w->data;
	int64_t now = time_wall_ms();
	bool alive = ++l->ticks % LAN_ALIVE_TICKS == 0;

	if (l->s != NULL)
		lan_sampler_tick(l->s, now, false);
	for (size_t i = 0; i < l->nifs; i++) {
		struct lan_iface *f = &l->ifs[i];

		if (f->cap == NULL ||
		    lan_capture_get_stats(f->cap, &f->st) == -1)
			continue;
		lan_drops_check(l, f, now);
		if (f->st.failed && !f->failed_reported) {
			char details[320];

			f->failed_reported = true;
			str_copy(f->error, lan_capture_error(f->cap),
			    sizeof f->error);
			snprintf(details, sizeof details,
			    "rule=lan-capture-drops iface=%s stopped: %s",
			    f->name, f->error);
			monitor_event(l->x, LOG_ERR, "lan-capture-drops", -1,
			    NULL, NULL, details);
			host_capture_stop(l->x->writer, f->row_id, now,
			    f->st.received, f->st.dropped);
			f->row_id = -1;
			continue;
		}
		if (alive && f->row_id >= 0 &&
		    host_capture_alive(l->x->writer, f->row_id, now,
			f->st.received, f->st.dropped) == -1)
			lan_store_failed(l, "the capture's sign of life");
	}
}

/* Lifecycle. */

struct lan *
lan_new(struct xanetd *x)
{
	const struct config *cfg = x->cfg;
	struct lan *l = xcalloc(1, sizeof *l);
	struct sysnet_route rt;
	char err[512];

	l->x = x;
	l->enabled = cfg->lan.enabled != 0;
	ratelimit_init(&l->events_rl, LAN_EVENTS_MS, LAN_EVENTS_BURST);
	ratelimit_init(&l->store_log, 60000, 3);
	if (!l->enabled) {
		log_info("LAN sampler off ([lan] enabled = no)");
		return l;
	}
	if (cfg->lan.ninterfaces > 0) {
		l->ifs = xcalloc(cfg->lan.ninterfaces, sizeof *l->ifs);
		for (size_t i = 0; i < cfg->lan.ninterfaces; i++)
			str_copy(l->ifs[l->nifs++].name, cfg->lan.interfaces[i],
			    sizeof l->ifs[0].name);
	} else if (sysnet_default_route(
		       SYSNET_PROC_ROUTE, &rt, err, sizeof err) == 0) {
		l->ifs = xcalloc(1, sizeof *l->ifs);
		str_copy(l->ifs[0].name, rt.ifname, sizeof l->ifs[0].name);
		l->nifs = 1;
	} else
		log_err("LAN: no interface to watch: %s", err);
	for (size_t i = 0; i < l->nifs; i++) {
		struct lan_iface *f = &l->ifs[i];

		f->row_id = -1;
		f->cap = lan_capture_open(f->name, cfg->lan.snaplen,
		    cfg->lan.buffer_mb, f->error, sizeof f->error);
		if (f->cap == NULL)
			log_err("LAN: %s; this LAN is not watched, the rest of "
				"xanetd runs on",
			    f->error);
		else
			log_info("LAN: capturing on %s (snaplen %d, buffer "
				 "%d MB, link type %d)",
			    f->name, cfg->lan.snaplen, cfg->lan.buffer_mb,
			    lan_capture_linktype(f->cap));
	}
	return l;
}

int
lan_start(struct lan *l)
{
	struct xanetd *x = l->x;
	int64_t now = time_wall_ms(), first;
	int rc = 0;

	if (!l->enabled)
		return 0;
	first = host_capture_first(writer_db(x->writer));
	l->learning_start_ms = first > 0 ? first : now;
	if ((l->s = lan_sampler_make(l, now)) == NULL) {
		log_err("LAN: out of memory for the sampler");
		return -1;
	}
	for (size_t i = 0; i < l->nifs; i++) {
		struct lan_iface *f = &l->ifs[i];

		if (f->cap == NULL)
			continue;
		f->row_id = host_capture_start(x->writer, f->name, now);
		if (f->row_id < 0)
			rc = -1;
		f->base_ms = now;
		if (lan_capture_start(f->cap, x->loop, lan_packet_cb, l) ==
		    -1) {
			log_err("LAN: cannot watch %s", f->name);
			rc = -1;
		}
	}
	ev_timer_init(&l->tick, lan_tick_cb, LAN_TICK_S, LAN_TICK_S);
	l->tick.data = l;
	ev_timer_start(x->loop, &l->tick);
	return rc;
}

static void
lan_host_flush_cb(void *arg, const struct lan_host_view *h)
{
	lan_host_store(arg, h);
}

/* Write what the sampler holds: open hours and every host. */
static void
lan_flush(struct lan *l, int64_t now)
{
	if (l->s == NULL)
		return;
	lan_sampler_tick(l->s, now, true);
	lan_sampler_each_host(l->s, lan_host_flush_cb, l);
}

static bool
lan_ifaces_changed(const struct lan *l, const struct config *cfg)
{
	if (!cfg->lan.enabled)
		return l->enabled;
	if (!l->enabled)
		return true;
	if (cfg->lan.ninterfaces == 0)
		return false; /* still the default route's, as far as we know */
	if (cfg->lan.ninterfaces != l->nifs)
		return true;
	for (size_t i = 0; i < l->nifs; i++)
		if (strcmp(cfg->lan.interfaces[i], l->ifs[i].name) != 0)
			return true;
	return false;
}

int
lan_reconfigure(struct lan *l)
{
	const struct config *cfg = l->x->cfg;
	int64_t now = time_wall_ms();
	struct lan_sampler *s;

	/* Opening a capture needs the privileges dropped at start. */
	if (lan_ifaces_changed(l, cfg))
		log_warn(
		    "reload: [lan] enabled or interfaces changed; it takes "
		    "effect at the next restart");
	if (!l->enabled)
		return 0;
	/*
	 * The sampler takes its thresholds once: a new one replaces it. The
	 * old one's hours and hosts are written first, so nothing is lost;
	 * the new one knows every host and decision from the store.
	 */
	lan_flush(l, now);
	if ((s = lan_sampler_make(l, now)) == NULL) {
		log_err("reload: out of memory for the LAN sampler; keeping "
			"the old thresholds");
		return -1;
	}
	lan_sampler_free(l->s);
	l->s = s;
	log_info("LAN: new thresholds applied");
	return 0;
}

void
lan_stop(struct lan *l)
{
	int64_t now = time_wall_ms();

	if (!l->enabled)
		return;
	ev_timer_stop(l->x->loop, &l->tick);
	for (size_t i = 0; i < l->nifs; i++) {
		struct lan_iface *f = &l->ifs[i];

		if (f->cap == NULL)
			continue;
		/* What is still in the ring counts too. */
		lan_capture_get_stats(f->cap, &f->st);
		lan_capture_stop(f->cap);
		if (f->row_id >= 0)
			host_capture_stop(l->x->writer, f->row_id, now,
			    f->st.received, f->st.dropped);
		f->row_id = -1;
	}
	lan_flush(l, now);
	writer_commit(l->x->writer);
}

void
lan_free(struct lan *l)
{
	if (l == NULL)
		return;
	for (size_t i = 0; i < l->nifs; i++)
		lan_capture_free(l->ifs[i].cap);
	free(l->ifs);
	lan_sampler_free(l->s);
	free(l);
}

json_t *
lan_stats_json(struct lan *l)
{
	json_t *o = json_object(), *a = json_array();
	uint64_t packets = 0, drops = 0;
	struct lan_stats st;

	json_object_set_new(o, "enabled", json_boolean(l->enabled));
	for (size_t i = 0; i < l->nifs; i++) {
		struct lan_iface *f = &l->ifs[i];
		json_t *fi = json_pack("{s:s, s:b}", "name", f->name, "open",
		    f->cap != NULL && !f->st.failed);

		if (f->cap != NULL) {
			lan_capture_get_stats(f->cap, &f->st);
			json_object_set_new(fi, "packets",
			    json_integer((json_int_t)f->st.received));
			json_object_set_new(fi, "drops",
			    json_integer((json_int_t)f->st.dropped));
			json_object_set_new(fi, "ifdrops",
			    json_integer((json_int_t)f->st.ifdropped));
			json_object_set_new(fi, "dispatched",
			    json_integer((json_int_t)f->st.dispatched));
			json_object_set_new(fi, "wakeups",
			    json_integer((json_int_t)f->st.wakeups));
			packets += f->st.received;
			drops += f->st.dropped;
		}
		if (f->error[0] != '\0')
			json_object_set_new(fi, "error", json_string(f->error));
		json_array_append_new(a, fi);
	}
	json_object_set_new(o, "interfaces", a);
	json_object_set_new(o, "packets", json_integer((json_int_t)packets));
	json_object_set_new(o, "drops", json_integer((json_int_t)drops));
	memset(&st, 0, sizeof st);
	if (l->s != NULL)
		lan_sampler_get_stats(l->s, &st);
	json_object_set_new(o, "hosts", json_integer((json_int_t)st.hosts));
	json_object_set_new(
	    o, "hosts_evicted", json_integer((json_int_t)st.hosts_evicted));
	json_object_set_new(o, "sampled", json_integer((json_int_t)st.sampled));
	json_object_set_new(o, "sample_rate", json_integer(st.sample_rate));
	json_object_set_new(
	    o, "decode_trunc", json_integer((json_int_t)st.decode_trunc));
	json_object_set_new(
	    o, "decode_bad", json_integer((json_int_t)st.decode_bad));
	json_object_set_new(o, "events", json_integer((json_int_t)l->events));
	json_object_set_new(o, "events_suppressed",
	    json_integer((json_int_t)st.events_suppressed));
	json_object_set_new(
	    o, "events_dropped", json_integer((json_int_t)l->events_dropped));
	json_object_set_new(
	    o, "store_errors", json_integer((json_int_t)l->store_errors));
	return o;
}

int
lan_host_decide(struct lan *l, const char *mac_in, const char *status,
    const char *label, char *err, size_t errlen)
{
	uint8_t mac[6];
	char mac_s[18];
	int st = -1, rc;

	if (addr_mac_norm(mac_in, mac_s) == -1 ||
	    lan_mac_bytes(mac_s, mac) == -1) {
		snprintf(err, errlen,
		    "bad MAC address '%.40s': expected aa:bb:cc:dd:ee:ff",
		    mac_in);
		return -1;
	}
	if (status != NULL && (st = lan_host_status_parse(status)) < 0) {
		snprintf(err, errlen, "bad host status '%.20s'", status);
		return -1;
	}
	if (label != NULL && (strlen(label) > 200 || label[0] == '\0')) {
		snprintf(err, errlen, "the name must be 1 to 200 bytes");
		return -1;
	}
	if (status == NULL) {
		rc = host_forget(l->x->writer, mac_s);
		if (rc == 0) {
			snprintf(err, errlen, "no host %s is known", mac_s);
			return -1;
		}
		if (rc == 1 && l->s != NULL)
			lan_sampler_forget(l->s, mac);
	} else {
		rc = host_set_status(
		    l->x->writer, mac_s, status, label, time_wall_ms());
		if (rc == 0 && l->s != NULL) {
			/* The label reaches the sampler through a re-seed. */
			if (label != NULL) {
				struct host_info hi;

				if (host_get(writer_db(l->x->writer), mac_s,
					time_wall_ms(), &hi) == 0)
					lan_sampler_seed_host(
					    l->s, mac, st, hi.first_ms, label);
			}
			lan_sampler_set_status(l->s, mac, st);
		}
	}
	if (rc < 0) {
		snprintf(
		    err, errlen, "could not record the decision on %s", mac_s);
		return -1;
	}
	log_notice("LAN: host %s %s%s%s", mac_s,
	    status != NULL ? status : "forgotten", label ? ", named " : "",
	    label ? label : "");
	return 0;
}
