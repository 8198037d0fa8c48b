/* health.c - the board of the daemon's own health: filled by the loop every second, read by /metrics. */
#include <jansson.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "common/xtime.h"
#include "daemon/health.h"
#include "daemon/inbox.h"
#include "daemon/lan.h"
#include "daemon/monitor.h"
#include "daemon/xanetd.h"
#include "store/writer.h"

#define HEALTH_TICK_S 1.0

struct health {
	struct xanetd *x;
	ev_timer tick;
	/* The rate is the rounds' delta between two ticks. */
	uint64_t last_rounds;
	int64_t last_mono_ms;
	pthread_mutex_t lock;
	struct metrics_health board; /* under LOCK */
};

static uint64_t
health_uint(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_integer(v) && json_integer_value(v) > 0
		   ? (uint64_t)json_integer_value(v)
		   : 0;
}

/* Probe and SNMP counters, from the same answer as xanetctl status. */
static void
health_probes(struct health *h, struct metrics_health *b, int64_t now_mono)
{
	json_t *o = monitor_stats_json(h->x->monitor), *snmp, *traps;

	if (o == NULL)
		return;
	b->probes = health_uint(o, "probes");
	b->in_flight = health_uint(o, "in_flight");
	b->rounds = health_uint(o, "rounds");
	b->rounds_failed = health_uint(o, "rounds_failed");
	b->late_starts = health_uint(o, "late_starts");
	b->max_lateness_ms = (int64_t)health_uint(o, "max_lateness_ms");
	b->icmp_sent = health_uint(o, "icmp_sent");
	b->icmp_received = health_uint(o, "icmp_received");
	snmp = json_object_get(o, "snmp");
	b->snmp_polls = health_uint(snmp, "polls");
	b->snmp_requests = health_uint(snmp, "requests");
	b->snmp_timeouts = health_uint(snmp, "timeouts");
	b->snmp_faults = health_uint(snmp, "faults");
	b->snmp_dropped = health_uint(snmp, "dropped");
	b->snmp_sessions = health_uint(snmp, "sessions");
	traps = json_object_get(snmp, "traps");
	b->snmp_traps = health_uint(traps, "received");
	json_decref(o);
	if (h->last_mono_ms > 0 && now_mono > h->last_mono_ms &&
	    b->rounds >= h->last_rounds)
		b->probes_per_second = (double)(b->rounds - h->last_rounds) *
				       1000.0 /
				       (double)(now_mono - h->last_mono_ms);
	h->last_rounds = b->rounds;
	h->last_mono_ms = now_mono;
}

static void
health_lan(struct health *h, struct metrics_health *b)
{
	json_t *o = lan_stats_json(h->x->lan);

	if (o == NULL)
		return;
	b->lan_enabled = json_is_true(json_object_get(o, "enabled"));
	b->pcap_packets = health_uint(o, "packets");
	b->pcap_drops = health_uint(o, "drops");
	b->lan_hosts_evicted = health_uint(o, "hosts_evicted");
	json_decref(o);
}

static void
health_update(struct health *h)
{
	struct xanetd *x = h->x;
	struct metrics_health b;
	struct inbox_stats is;
	struct writer_stats ws;
	int64_t now_mono = time_mono_ms();

	/* Gathered outside the lock: a reader waits for a copy only. */
	memset(&b, 0, sizeof b);
	b.valid = true;
	b.start_wall_ms = x->started_wall_ms;
	b.updated_wall_ms = time_wall_ms();
	health_probes(h, &b, now_mono);
	if (x->inbox != NULL) {
		inbox_get_stats(x->inbox, &is);
		b.inbox_depth = is.depth;
		b.inbox_cap = is.cap;
		b.inbox_refused = is.refused;
		b.inbox_timeouts = is.timeouts;
	}
	writer_get_stats(x->writer, &ws);
	b.db_commits = ws.commits;
	b.db_rows = ws.rows;
	b.db_failed_commits = ws.failed_commits;
	b.db_rows_lost = ws.rows_lost;
	b.db_last_commit_us = ws.last_commit_us;
	b.db_max_commit_us = ws.max_commit_us;
	b.db_pending = writer_pending(x->writer);
	if (x->lan != NULL)
		health_lan(h, &b);
	pthread_mutex_lock(&h->lock);
	h->board = b;
	pthread_mutex_unlock(&h->lock);
}

static void
health_tick_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	health_update(w->data);
}

struct health *
health_new(struct xanetd *x)
{
	struct health *h = xcalloc(1, sizeof *h);

	h->x = x;
	pthread_mutex_init(&h->lock, NULL);
	health_update(h);
	ev_timer_init(&h->tick, health_tick_cb, HEALTH_TICK_S, HEALTH_TICK_S);
	h->tick.data = h;
	ev_timer_start(x->loop, &h->tick);
	return h;
}

void
health_free(struct health *h)
{
	if (h == NULL)
		return;
	ev_timer_stop(h->x->loop, &h->tick);
	pthread_mutex_destroy(&h->lock);
	free(h);
}

void
health_read(void *arg, struct metrics_health *out)
{
	struct health *h = arg;

	if (h == NULL) {
		memset(out, 0, sizeof *out);
		return;
	}
	pthread_mutex_lock(&h->lock);
	*out = h->board;
	pthread_mutex_unlock(&h->lock);
}
