/* metrics.c - GET /metrics: who may read it, and every family in the Prometheus text format. */
#include <arpa/inet.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/config.h"
#include "common/log.h"
#include "common/util.h"
#include "common/xtime.h"
#include "store/snapshot.h"
#include "web/metrics.h"
#include "web/page.h"
#include "web/server.h"

/* One allowed network, IPv4 kept as IPv4-mapped IPv6. */
struct metrics_net {
	unsigned char addr[16];
	int bits; /* of the 128 */
};

/* The stored device states, in the order of xanet_device_state. */
static const char *const metrics_states[] = {
    "up", "down", "unreachable", "maintenance", "unknown"};
#define METRICS_NSTATES (sizeof metrics_states / sizeof metrics_states[0])

/* SNMP figures older than this many intervals (at least 10 min) are stale. */
#define METRICS_STALE_INTERVALS 3
#define METRICS_STALE_MIN_MS    600000

/* Per device: open state and newest sample (one index probe each). */
static const char devices_sql[] =
    "SELECT d.key, d.name, d.grp, d.kind, si.state, s.rtt_us, s.sent, "
    "s.received, d.id "
    "FROM device d "
    "LEFT JOIN state_interval si ON si.device_id = d.id AND si.end_ms IS NULL "
    "LEFT JOIN sample s ON s.id = (SELECT s2.id FROM sample s2 "
    "WHERE s2.device_id = d.id ORDER BY s2.ts_ms DESC LIMIT 1) "
    "WHERE d.retired_ms IS NULL ORDER BY d.key";

/*
 * Up and down time per device is the sum over every state interval,
 * years of them: summed once per web thread, then only the rows added
 * since (by id) and the open ones that closed. A closed interval never
 * changes again (store/interval.c sets end_ms once), so that is exact.
 */
static const char iv_max_sql[] = "SELECT MAX(id) FROM state_interval";
static const char iv_new_sql[] =
    "SELECT id, device_id, state, start_ms, end_ms FROM state_interval "
    "WHERE id > ?1 AND id <= ?2 AND state IN ('up', 'down') ORDER BY id";
static const char iv_end_sql[] =
    "SELECT end_ms FROM state_interval WHERE id = ?1";

/* Device ids beyond this are not summed (ids are dense from 1). */
#define METRICS_DEV_MAX (1 << 20)

/* An open up/down interval: summed up to now until it closes. */
struct metrics_open {
	int64_t id, dev, start_ms;
	bool up;
};

struct metrics_cache {
	sqlite3 *db; /* the connection the sums were read on */
	int64_t max_id;
	int64_t *up_ms, *down_ms; /* by device id, closed intervals */
	size_t ndev;
	struct metrics_open *open;
	size_t nopen, capopen;
	uint64_t skipped; /* rows with a device id over METRICS_DEV_MAX */
};

static pthread_once_t metrics_once = PTHREAD_ONCE_INIT;
static pthread_key_t metrics_key;

static void
metrics_cache_free(void *p)
{
	struct metrics_cache *c = p;

	if (c == NULL)
		return;
	free(c->up_ms);
	free(c->down_ms);
	free(c->open);
	free(c);
}

static void
metrics_key_make(void)
{
	if (pthread_key_create(&metrics_key, metrics_cache_free) != 0)
		fatal("web: metrics: pthread_key_create failed");
}

static void
metrics_cache_reset(struct metrics_cache *c, sqlite3 *db)
{
	free(c->up_ms);
	free(c->down_ms);
	free(c->open);
	memset(c, 0, sizeof *c);
	c->db = db;
}

/* This thread's sums for DB. */
static struct metrics_cache *
metrics_cache_get(sqlite3 *db)
{
	struct metrics_cache *c;

	pthread_once(&metrics_once, metrics_key_make);
	if ((c = pthread_getspecific(metrics_key)) == NULL) {
		c = xcalloc(1, sizeof *c);
		pthread_setspecific(metrics_key, c);
	}
	if (c->db != db)
		metrics_cache_reset(c, db);
	return c;
}

static void
metrics_cache_add(struct metrics_cache *c, int64_t dev, bool up, int64_t ms)
{
	size_t n;

	if (dev < 0 || dev >= METRICS_DEV_MAX) {
		c->skipped++;
		return;
	}
	if ((size_t)dev >= c->ndev) {
		n = (size_t)dev + 1 > 2 * c->ndev ? (size_t)dev + 1
						  : 2 * c->ndev;
		c->up_ms = xreallocarray(c->up_ms, n, sizeof *c->up_ms);
		c->down_ms = xreallocarray(c->down_ms, n, sizeof *c->down_ms);
		memset(c->up_ms + c->ndev, 0, (n - c->ndev) * sizeof *c->up_ms);
		memset(c->down_ms + c->ndev, 0,
		    (n - c->ndev) * sizeof *c->down_ms);
		c->ndev = n;
	}
	if (ms > 0)
		(up ? c->up_ms : c->down_ms)[dev] += ms;
}

/* Open intervals that closed since: into the sums. */
static int
metrics_cache_closed(struct metrics_cache *c, sqlite3 *db)
{
	sqlite3_stmt *st;
	size_t i = 0;
	bool failed = false;
	int rc;

	if (c->nopen == 0)
		return 0;
	if (sqlite3_prepare_v2(db, iv_end_sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	while (i < c->nopen) {
		struct metrics_open *o = &c->open[i];

		sqlite3_bind_int64(st, 1, o->id);
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW &&
		    sqlite3_column_type(st, 0) == SQLITE_NULL) {
			sqlite3_reset(st);
			i++;
			continue;
		}
		if (rc == SQLITE_ROW)
			metrics_cache_add(c, o->dev, o->up,
			    sqlite3_column_int64(st, 0) - o->start_ms);
		else if (rc != SQLITE_DONE) {
			failed = true;
			break;
		}
		/* Closed (or gone): no longer open. */
		*o = c->open[--c->nopen];
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	return failed ? -1 : 0;
}

/* Bring C up to date with DB's state intervals. */
static int
metrics_cache_update(struct metrics_cache *c, sqlite3 *db)
{
	sqlite3_stmt *st;
	int64_t max_id = 0;
	int rc;

	if (sqlite3_prepare_v2(db, iv_max_sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		max_id = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return -1;
	/* Fewer rows than summed: another database; start again. */
	if (max_id < c->max_id)
		metrics_cache_reset(c, db);
	if (metrics_cache_closed(c, db) == -1)
		return -1;
	if (max_id == c->max_id)
		return 0;
	if (sqlite3_prepare_v2(db, iv_new_sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(st, 1, c->max_id);
	sqlite3_bind_int64(st, 2, max_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *state = (const char *)sqlite3_column_text(st, 2);
		bool up = state != NULL && strcmp(state, "up") == 0;
		int64_t dev = sqlite3_column_int64(st, 1);
		int64_t start = sqlite3_column_int64(st, 3);

		if (sqlite3_column_type(st, 4) != SQLITE_NULL) {
			metrics_cache_add(
			    c, dev, up, sqlite3_column_int64(st, 4) - start);
			continue;
		}
		/* Sized for the device, summed up to now per request. */
		metrics_cache_add(c, dev, up, 0);
		if (c->nopen == c->capopen) {
			c->capopen = c->capopen ? 2 * c->capopen : 64;
			c->open =
			    xreallocarray(c->open, c->capopen, sizeof *c->open);
		}
		c->open[c->nopen++] = (struct metrics_open){
		    .id = sqlite3_column_int64(st, 0),
		    .dev = dev,
		    .start_ms = start,
		    .up = up,
		};
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return -1;
	c->max_id = max_id;
	return 0;
}

/* Interfaces of devices still polled, with rates fresh enough. */
static const char ifaces_sql[] =
    "SELECT d.key, COALESCE(i.name, CAST(i.if_index AS TEXT)), i.in_bps, "
    "i.out_bps, i.oper "
    "FROM snmp_iface i JOIN device d ON d.id = i.device_id "
    "WHERE d.retired_ms IS NULL AND i.updated_ms >= ?1 - MAX(?2, "
    "?3 * COALESCE(d.interval_ms, 0)) "
    "ORDER BY d.key, i.if_index";

/*
 * The newest `clients` value of each instance of each SNMP device. The
 * instances are found by skipping along the (device, name, instance, ts)
 * index, so that 35 days of rows are never scanned.
 */
static const char clients_sql[] =
    "WITH RECURSIVE inst(dev, i) AS ("
    "SELECT sy.device_id, (SELECT MIN(instance) FROM metric "
    "WHERE device_id = sy.device_id AND name = 'clients') FROM snmp_system sy "
    "UNION ALL SELECT dev, (SELECT MIN(instance) FROM metric "
    "WHERE device_id = dev AND name = 'clients' AND instance > i) "
    "FROM inst WHERE i IS NOT NULL) "
    "SELECT d.key, inst.i, m.value FROM inst JOIN device d ON d.id = inst.dev "
    "JOIN metric m ON m.id = (SELECT id FROM metric WHERE device_id = inst.dev "
    "AND name = 'clients' AND instance = inst.i ORDER BY ts_ms DESC LIMIT 1) "
    "WHERE inst.i IS NOT NULL AND d.retired_ms IS NULL "
    "AND m.ts_ms >= ?1 - MAX(?2, ?3 * COALESCE(d.interval_ms, 0)) "
    "ORDER BY d.key, inst.i";

static const char hosts_sql[] =
    "SELECT status, COUNT(*) FROM host GROUP BY status";

/* "a.b.c.d", "a.b.c.d/len", "v6" or "v6/len" into N. */
static int
metrics_net_parse(const char *s, struct metrics_net *n)
{
	char buf[INET6_ADDRSTRLEN + 8], *slash, *end;
	struct in_addr a4;
	long bits = -1;

	if (str_copy(buf, s, sizeof buf) >= sizeof buf)
		return -1;
	if ((slash = strchr(buf, '/')) != NULL) {
		*slash = '\0';
		bits = strtol(slash + 1, &end, 10);
		if (end == slash + 1 || *end != '\0' || bits < 0)
			return -1;
	}
	memset(n, 0, sizeof *n);
	if (inet_pton(AF_INET, buf, &a4) == 1) {
		if (bits > 32)
			return -1;
		n->addr[10] = n->addr[11] = 0xff;
		memcpy(n->addr + 12, &a4, 4);
		n->bits = 96 + (bits < 0 ? 32 : (int)bits);
		return 0;
	}
	if (inet_pton(AF_INET6, buf, n->addr) == 1) {
		if (bits > 128)
			return -1;
		n->bits = bits < 0 ? 128 : (int)bits;
		return 0;
	}
	return -1;
}

static bool
metrics_net_match(const struct metrics_net *n, const unsigned char a[16])
{
	int full = n->bits / 8, rest = n->bits % 8;

	if (memcmp(n->addr, a, (size_t)full) != 0)
		return false;
	if (rest == 0)
		return true;
	return ((n->addr[full] ^ a[full]) & (0xff00 >> rest)) == 0;
}

/* TOKEN as presented equals WANT, in time independent of the contents. */
static bool
metrics_token_ok(const char *token, const char *want)
{
	unsigned char a[crypto_generichash_BYTES], b[crypto_generichash_BYTES];
	bool ok;

	/* Hashing first gives equal lengths for sodium_memcmp. */
	crypto_generichash(
	    a, sizeof a, (const unsigned char *)token, strlen(token), NULL, 0);
	crypto_generichash(
	    b, sizeof b, (const unsigned char *)want, strlen(want), NULL, 0);
	ok = sodium_memcmp(a, b, sizeof a) == 0;
	sodium_memzero(b, sizeof b);
	return ok;
}

bool
metrics_allowed(
    const struct config *cfg, const char *ip, const char *authorization)
{
	struct metrics_net net;
	unsigned char a[16];
	struct in_addr a4;
	const char *p;

	if (cfg == NULL)
		return false;
	memset(a, 0, sizeof a);
	if (ip != NULL && inet_pton(AF_INET, ip, &a4) == 1) {
		a[10] = a[11] = 0xff;
		memcpy(a + 12, &a4, 4);
	} else if (ip == NULL || inet_pton(AF_INET6, ip, a) != 1)
		goto token;
	/* A few entries, parsed per request: a reload needs no hook. */
	for (size_t i = 0; i < cfg->web.nmetrics_allow; i++)
		if (metrics_net_parse(cfg->web.metrics_allow[i], &net) == 0 &&
		    metrics_net_match(&net, a))
			return true;
token:
	if (cfg->web.metrics_token == NULL ||
	    cfg->web.metrics_token[0] == '\0' || authorization == NULL ||
	    strncasecmp(authorization, "Bearer ", 7) != 0)
		return false;
	for (p = authorization + 7; *p == ' '; p++)
		;
	return metrics_token_ok(p, cfg->web.metrics_token);
}

/* A label value: \ " and newline escaped; bytes of invalid UTF-8 as '?'. */
static void
metrics_label(struct strbuf *sb, const char *s)
{
	bool utf8;

	if (s == NULL)
		return;
	utf8 = utf8_valid(s, strlen(s));
	for (; *s != '\0'; s++) {
		if (*s == '\\')
			strbuf_add(sb, "\\\\");
		else if (*s == '"')
			strbuf_add(sb, "\\\"");
		else if (*s == '\n')
			strbuf_add(sb, "\\n");
		else if (!utf8 && (unsigned char)*s >= 0x80)
			strbuf_addc(sb, '?');
		else
			strbuf_addc(sb, *s);
	}
}

static void
metrics_head(
    struct strbuf *sb, const char *name, const char *type, const char *help)
{
	strbuf_printf(
	    sb, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* NAME{device="KEY"} VALUE, VALUE already formatted. */
static void
metrics_dev(
    struct strbuf *sb, const char *name, const char *key, const char *value)
{
	strbuf_printf(sb, "%s{device=\"", name);
	metrics_label(sb, key);
	strbuf_printf(sb, "\"} %s\n", value);
}

/* The families that are one series per device, in output order. */
enum {
	FAM_UP,
	FAM_STATE,
	FAM_RTT,
	FAM_LOSS,
	FAM_UP_S,
	FAM_DOWN_S,
	FAM_N,
};

static const char *
metrics_col(sqlite3_stmt *st, int col)
{
	return (const char *)sqlite3_column_text(st, col);
}

static int
metrics_devices(struct web_req *r, int64_t now)
{
	struct strbuf fam[FAM_N];
	struct metrics_cache *c;
	int64_t *open_up, *open_down;
	sqlite3_stmt *st;
	char num[64];
	int rc;

	c = metrics_cache_get(r->db);
	if (metrics_cache_update(c, r->db) == -1 ||
	    sqlite3_prepare_v2(r->db, devices_sql, -1, &st, NULL) !=
		SQLITE_OK) {
		log_err("web: metrics: %s", sqlite3_errmsg(r->db));
		/* Whatever was half read is not trusted: sum again. */
		metrics_cache_reset(c, NULL);
		return -1;
	}
	/* The open intervals, up to now, on top of the closed sums. */
	open_up = xcalloc(c->ndev + 1, sizeof *open_up);
	open_down = xcalloc(c->ndev + 1, sizeof *open_down);
	for (size_t i = 0; i < c->nopen; i++)
		if (c->open[i].dev >= 0 && (size_t)c->open[i].dev < c->ndev)
			(c->open[i].up ? open_up : open_down)[c->open[i].dev] +=
			    now > c->open[i].start_ms
				? now - c->open[i].start_ms
				: 0;
	memset(fam, 0, sizeof fam);
	metrics_head(&fam[FAM_UP], "xanet_device_up", "gauge",
	    "1 if the device is up, 0 if down; absent while unknown, "
	    "unreachable or in maintenance (see xanet_device_state).");
	metrics_head(&fam[FAM_STATE], "xanet_device_state", "gauge",
	    "1 for the device's current state, 0 for the others.");
	metrics_head(&fam[FAM_RTT], "xanet_device_rtt_seconds", "gauge",
	    "Round-trip time of the device's newest probe round.");
	metrics_head(&fam[FAM_LOSS], "xanet_device_loss_ratio", "gauge",
	    "Share of probes lost in the device's newest round (0..1).");
	metrics_head(&fam[FAM_UP_S], "xanet_device_up_seconds_total", "counter",
	    "Time the device was up, from its state intervals.");
	metrics_head(&fam[FAM_DOWN_S], "xanet_device_down_seconds_total",
	    "counter", "Time the device was down, from its state intervals.");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *key = metrics_col(st, 0);
		const char *state = metrics_col(st, 4);
		int64_t dev = sqlite3_column_int64(st, 8), up_ms = 0,
			down_ms = 0;

		if (key == NULL)
			continue;
		if (state == NULL)
			state = "unknown";
		if (strcmp(state, "up") == 0 || strcmp(state, "down") == 0) {
			struct strbuf *sb = &fam[FAM_UP];

			strbuf_add(sb, "xanet_device_up{device=\"");
			metrics_label(sb, key);
			strbuf_add(sb, "\",name=\"");
			metrics_label(sb, metrics_col(st, 1));
			strbuf_add(sb, "\",group=\"");
			metrics_label(sb, metrics_col(st, 2));
			strbuf_add(sb, "\",kind=\"");
			metrics_label(sb, metrics_col(st, 3));
			strbuf_printf(
			    sb, "\"} %d\n", strcmp(state, "up") == 0 ? 1 : 0);
		}
		for (size_t i = 0; i < METRICS_NSTATES; i++) {
			strbuf_add(
			    &fam[FAM_STATE], "xanet_device_state{device=\"");
			metrics_label(&fam[FAM_STATE], key);
			strbuf_printf(&fam[FAM_STATE], "\",state=\"%s\"} %d\n",
			    metrics_states[i],
			    strcmp(state, metrics_states[i]) == 0 ? 1 : 0);
		}
		/* A failed round has no RTT: no series rather than a 0. */
		if (sqlite3_column_type(st, 5) != SQLITE_NULL) {
			snprintf(num, sizeof num, "%.6f",
			    (double)sqlite3_column_int64(st, 5) / 1e6);
			metrics_dev(&fam[FAM_RTT], "xanet_device_rtt_seconds",
			    key, num);
		}
		if (sqlite3_column_type(st, 6) != SQLITE_NULL &&
		    sqlite3_column_int64(st, 6) > 0) {
			int64_t sent = sqlite3_column_int64(st, 6);
			int64_t recv = sqlite3_column_int64(st, 7);

			snprintf(num, sizeof num, "%.4f",
			    (double)(sent - recv) / (double)sent);
			metrics_dev(&fam[FAM_LOSS], "xanet_device_loss_ratio",
			    key, num);
		}
		if (dev >= 0 && (size_t)dev < c->ndev) {
			up_ms = c->up_ms[dev] + open_up[dev];
			down_ms = c->down_ms[dev] + open_down[dev];
		}
		snprintf(num, sizeof num, "%.3f", (double)up_ms / 1e3);
		metrics_dev(
		    &fam[FAM_UP_S], "xanet_device_up_seconds_total", key, num);
		snprintf(num, sizeof num, "%.3f", (double)down_ms / 1e3);
		metrics_dev(&fam[FAM_DOWN_S], "xanet_device_down_seconds_total",
		    key, num);
	}
	if (rc != SQLITE_DONE)
		log_err("web: metrics: %s", sqlite3_errmsg(r->db));
	sqlite3_finalize(st);
	free(open_up);
	free(open_down);
	for (int i = 0; i < FAM_N; i++) {
		if (rc == SQLITE_DONE)
			strbuf_addn(&r->out, fam[i].s, fam[i].len);
		strbuf_free(&fam[i]);
	}
	return rc == SQLITE_DONE ? 0 : -1;
}

static int
metrics_ifaces(struct web_req *r, int64_t now)
{
	struct strbuf bps = {0}, oper = {0};
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(r->db, ifaces_sql, -1, &st, NULL) != SQLITE_OK) {
		log_err("web: metrics: %s", sqlite3_errmsg(r->db));
		return -1;
	}
	/* Bytes, not bits: Prometheus' base unit (promtool insists). */
	metrics_head(&bps, "xanet_snmp_interface_bytes_per_second", "gauge",
	    "An SNMP interface's traffic over the last poll, in bytes per "
	    "second (bits / 8).");
	metrics_head(&oper, "xanet_snmp_interface_oper_up", "gauge",
	    "1 if an SNMP interface's ifOperStatus is up.");
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int64(st, 2, METRICS_STALE_MIN_MS);
	sqlite3_bind_int(st, 3, METRICS_STALE_INTERVALS);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		for (int dir = 0; dir < 2; dir++) {
			if (sqlite3_column_type(st, 2 + dir) == SQLITE_NULL)
				continue;
			strbuf_add(&bps,
			    "xanet_snmp_interface_bytes_per_second{device=\"");
			metrics_label(&bps, metrics_col(st, 0));
			strbuf_add(&bps, "\",interface=\"");
			metrics_label(&bps, metrics_col(st, 1));
			strbuf_printf(&bps, "\",direction=\"%s\"} %.17g\n",
			    dir == 0 ? "in" : "out",
			    sqlite3_column_double(st, 2 + dir) / 8.0);
		}
		if (sqlite3_column_type(st, 4) != SQLITE_NULL) {
			strbuf_add(
			    &oper, "xanet_snmp_interface_oper_up{device=\"");
			metrics_label(&oper, metrics_col(st, 0));
			strbuf_add(&oper, "\",interface=\"");
			metrics_label(&oper, metrics_col(st, 1));
			strbuf_printf(&oper, "\"} %d\n",
			    sqlite3_column_int(st, 4) == 1 ? 1 : 0);
		}
	}
	if (rc != SQLITE_DONE)
		log_err("web: metrics: %s", sqlite3_errmsg(r->db));
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE) {
		strbuf_addn(&r->out, bps.s, bps.len);
		strbuf_addn(&r->out, oper.s, oper.len);
	}
	strbuf_free(&bps);
	strbuf_free(&oper);
	return rc == SQLITE_DONE ? 0 : -1;
}

static int
metrics_clients(struct web_req *r, int64_t now)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(r->db, clients_sql, -1, &st, NULL) !=
	    SQLITE_OK) {
		log_err("web: metrics: %s", sqlite3_errmsg(r->db));
		return -1;
	}
	metrics_head(&r->out, "xanet_snmp_clients", "gauge",
	    "Wireless clients an SNMP access point reports, per instance "
	    "(radio or SSID) of its profile.");
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int64(st, 2, METRICS_STALE_MIN_MS);
	sqlite3_bind_int(st, 3, METRICS_STALE_INTERVALS);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		strbuf_add(&r->out, "xanet_snmp_clients{device=\"");
		metrics_label(&r->out, metrics_col(st, 0));
		strbuf_add(&r->out, "\",instance=\"");
		metrics_label(&r->out, metrics_col(st, 1));
		strbuf_printf(
		    &r->out, "\"} %.17g\n", sqlite3_column_double(st, 2));
	}
	if (rc != SQLITE_DONE)
		log_err("web: metrics: %s", sqlite3_errmsg(r->db));
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

static int
metrics_hosts(struct web_req *r)
{
	static const char *const status[] = {"unknown", "approved", "blocked"};
	int64_t n[3] = {0, 0, 0};
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(r->db, hosts_sql, -1, &st, NULL) != SQLITE_OK) {
		log_err("web: metrics: %s", sqlite3_errmsg(r->db));
		return -1;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *s = metrics_col(st, 0);

		for (int i = 0; i < 3; i++)
			if (s != NULL && strcmp(s, status[i]) == 0)
				n[i] = sqlite3_column_int64(st, 1);
	}
	if (rc != SQLITE_DONE)
		log_err("web: metrics: %s", sqlite3_errmsg(r->db));
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return -1;
	metrics_head(&r->out, "xanet_lan_hosts", "gauge",
	    "LAN hosts known, by the officer's decision.");
	for (int i = 0; i < 3; i++)
		strbuf_printf(&r->out,
		    "xanet_lan_hosts{status=\"%s\"} %" PRId64 "\n", status[i],
		    n[i]);
	return 0;
}

/* A one-series family without labels. */
static void metrics_one(struct strbuf *sb, const char *name, const char *type,
    const char *help, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static void
metrics_one(struct strbuf *sb, const char *name, const char *type,
    const char *help, const char *fmt, ...)
{
	char value[64];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(value, sizeof value, fmt, ap);
	va_end(ap);
	metrics_head(sb, name, type, help);
	strbuf_printf(sb, "%s %s\n", name, value);
}

static void
metrics_health(struct web_req *r)
{
	struct metrics_health h;
	struct strbuf *sb = &r->out;

	memset(&h, 0, sizeof h);
	if (r->health_fn != NULL)
		r->health_fn(r->health_arg, &h);
	if (!h.valid)
		return;
	metrics_one(sb, "xanet_start_time_seconds", "gauge",
	    "When this xanetd started (Unix time).", "%.3f",
	    (double)h.start_wall_ms / 1e3);
	metrics_one(sb, "xanet_health_updated_seconds", "gauge",
	    "When the loop last published these health figures (Unix time).",
	    "%.3f", (double)h.updated_wall_ms / 1e3);
	metrics_one(sb, "xanet_probes", "gauge", "Probes configured.",
	    "%" PRIu64, h.probes);
	metrics_one(sb, "xanet_probes_per_second", "gauge",
	    "Probe rounds finished per second over the last second.", "%.3f",
	    h.probes_per_second);
	metrics_one(sb, "xanet_probes_in_flight", "gauge",
	    "Probe rounds running now.", "%" PRIu64, h.in_flight);
	metrics_one(sb, "xanet_probe_rounds_total", "counter",
	    "Probe rounds finished.", "%" PRIu64, h.rounds);
	metrics_one(sb, "xanet_probe_rounds_failed_total", "counter",
	    "Probe rounds that failed.", "%" PRIu64, h.rounds_failed);
	metrics_one(sb, "xanet_probe_late_starts_total", "counter",
	    "Probe rounds started more than 1 s after their slot.", "%" PRIu64,
	    h.late_starts);
	metrics_one(sb, "xanet_probe_max_lateness_seconds", "gauge",
	    "The latest start of a probe round after its slot, this run.",
	    "%.3f", (double)h.max_lateness_ms / 1e3);
	metrics_one(sb, "xanet_icmp_sent_total", "counter",
	    "ICMP echo requests sent.", "%" PRIu64, h.icmp_sent);
	metrics_one(sb, "xanet_icmp_received_total", "counter",
	    "ICMP echo replies matched to a probe.", "%" PRIu64,
	    h.icmp_received);
	metrics_one(sb, "xanet_inbox_depth", "gauge",
	    "Requests from the web threads waiting for the loop.", "%" PRIu64,
	    h.inbox_depth);
	metrics_one(sb, "xanet_inbox_capacity", "gauge",
	    "Requests the inbox holds before refusing.", "%" PRIu64,
	    h.inbox_cap);
	metrics_one(sb, "xanet_inbox_refused_total", "counter",
	    "Requests refused because the inbox was full.", "%" PRIu64,
	    h.inbox_refused);
	metrics_one(sb, "xanet_db_pending_rows", "gauge",
	    "Rows in the writer's open batch.", "%" PRIu64, h.db_pending);
	metrics_one(sb, "xanet_db_commit_last_seconds", "gauge",
	    "How long the newest database commit took.", "%.6f",
	    (double)h.db_last_commit_us / 1e6);
	metrics_one(sb, "xanet_db_commit_max_seconds", "gauge",
	    "The longest database commit of this run.", "%.6f",
	    (double)h.db_max_commit_us / 1e6);
	metrics_one(sb, "xanet_db_commits_total", "counter",
	    "Database commits.", "%" PRIu64, h.db_commits);
	metrics_one(sb, "xanet_db_rows_total", "counter",
	    "Rows written to the database.", "%" PRIu64, h.db_rows);
	metrics_one(sb, "xanet_db_failed_commits_total", "counter",
	    "Database commits that failed and were rolled back.", "%" PRIu64,
	    h.db_failed_commits);
	metrics_one(sb, "xanet_db_rows_lost_total", "counter",
	    "Rows lost with failed commits.", "%" PRIu64, h.db_rows_lost);
	metrics_one(sb, "xanet_lan_capture_enabled", "gauge",
	    "1 if the LAN sampler is on.", "%d", h.lan_enabled ? 1 : 0);
	metrics_one(sb, "xanet_pcap_packets_total", "counter",
	    "Packets the LAN captures received (all interfaces).", "%" PRIu64,
	    h.pcap_packets);
	metrics_one(sb, "xanet_pcap_drops_total", "counter",
	    "Packets the kernel dropped before the LAN sampler saw them.",
	    "%" PRIu64, h.pcap_drops);
	metrics_one(sb, "xanet_lan_hosts_evicted_total", "counter",
	    "Hosts evicted from the full LAN host table.", "%" PRIu64,
	    h.lan_hosts_evicted);
	metrics_one(sb, "xanet_snmp_polls_total", "counter",
	    "SNMP poll rounds finished.", "%" PRIu64, h.snmp_polls);
	metrics_one(sb, "xanet_snmp_requests_total", "counter",
	    "SNMP requests sent (not counting retries).", "%" PRIu64,
	    h.snmp_requests);
	metrics_one(sb, "xanet_snmp_timeouts_total", "counter",
	    "SNMP requests that got no answer.", "%" PRIu64, h.snmp_timeouts);
	metrics_one(sb, "xanet_snmp_faults_total", "counter",
	    "SNMP rounds ended by an authentication or other agent fault.",
	    "%" PRIu64, h.snmp_faults);
	metrics_one(sb, "xanet_snmp_dropped_total", "counter",
	    "SNMP values dropped by a bound.", "%" PRIu64, h.snmp_dropped);
	metrics_one(sb, "xanet_snmp_sessions", "gauge", "Open SNMP sessions.",
	    "%" PRIu64, h.snmp_sessions);
	metrics_one(sb, "xanet_snmp_traps_received_total", "counter",
	    "SNMP traps received.", "%" PRIu64, h.snmp_traps);
}

int
page_metrics(struct web_req *r)
{
	int64_t now = time_wall_ms(), pending;

	if (!metrics_allowed(
		r->cfg, r->ip, server_header(r, "Authorization"))) {
		/* Plain text: a scraper shows it as the scrape error. */
		r->status = 403;
		r->content_type = "text/plain; charset=utf-8";
		strbuf_add(&r->out, "forbidden\n");
		return 0;
	}
	if (r->db == NULL)
		return -1;
	r->content_type = "text/plain; version=0.0.4; charset=utf-8";
	metrics_head(&r->out, "xanet_build_info", "gauge",
	    "Always 1; the version of xanetd in a label.");
	strbuf_add(&r->out, "xanet_build_info{version=\"");
	metrics_label(&r->out, PACKAGE_VERSION);
	strbuf_add(&r->out, "\"} 1\n");
	/* One read transaction: every figure from the same moment. */
	if (sqlite3_exec(r->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
		log_err("web: metrics: %s", sqlite3_errmsg(r->db));
		return -1;
	}
	if (metrics_devices(r, now) == -1 || metrics_ifaces(r, now) == -1 ||
	    metrics_clients(r, now) == -1 || metrics_hosts(r) == -1 ||
	    (pending = outbox_pending_count(r->db)) < 0) {
		sqlite3_exec(r->db, "ROLLBACK", NULL, NULL, NULL);
		strbuf_free(&r->out);
		r->content_type = NULL;
		return -1;
	}
	sqlite3_exec(r->db, "COMMIT", NULL, NULL, NULL);
	metrics_one(&r->out, "xanet_outbox_pending", "gauge",
	    "Evidence deliveries waiting to be pushed.", "%" PRId64, pending);
	metrics_health(r);
	return 0;
}
