/* host.c - the LAN tables: hosts, hourly traffic, uplink hours, LAN events, capture coverage. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "common/addr.h"
#include "common/log.h"
#include "common/util.h"
#include "store/host.h"
#include "store/writer.h"

#define HOST_DAY_MS INT64_C(86400000)

/* TEXT, or NULL for a missing or empty one. */
static void
host_bind_text(sqlite3_stmt *st, int col, const char *text)
{
	if (text == NULL || text[0] == '\0')
		sqlite3_bind_null(st, col);
	else
		sqlite3_bind_text(st, col, text, -1, SQLITE_TRANSIENT);
}

/* Counters beyond INT64_MAX cannot come from one hour of one LAN. */
static int64_t
host_clamp(uint64_t v)
{
	return v > (uint64_t)INT64_MAX ? INT64_MAX : (int64_t)v;
}

int
host_upsert(struct writer *w, const struct host_row *h)
{
	sqlite3_stmt *st;
	char mac[18];

	if (addr_mac_norm(h->mac, mac) == -1) {
		log_err("host_upsert: bad MAC");
		return -1;
	}
	/*
	 * A field the sampler does not know now (an IPv6 never seen) keeps
	 * what the table had: coalesce(new, old).
	 */
	st = writer_prepare(w,
	    "INSERT INTO host (mac, ipv4, ipv6, name, name_source, vendor, "
	    "os_guess, dhcp_fp, first_ms, last_ms, av_product, av_last_ms) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) "
	    "ON CONFLICT (mac) DO UPDATE SET "
	    "ipv4 = coalesce(excluded.ipv4, ipv4), "
	    "ipv6 = coalesce(excluded.ipv6, ipv6), "
	    "name = coalesce(excluded.name, name), "
	    "name_source = coalesce(excluded.name_source, name_source), "
	    "vendor = coalesce(excluded.vendor, vendor), "
	    "os_guess = coalesce(excluded.os_guess, os_guess), "
	    "dhcp_fp = coalesce(excluded.dhcp_fp, dhcp_fp), "
	    "first_ms = min(first_ms, excluded.first_ms), "
	    "last_ms = max(last_ms, excluded.last_ms), "
	    "av_product = coalesce(excluded.av_product, av_product), "
	    "av_last_ms = max(coalesce(av_last_ms, 0), "
	    "coalesce(excluded.av_last_ms, 0))");
	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, mac, -1, SQLITE_TRANSIENT);
	host_bind_text(st, 2, h->ipv4);
	host_bind_text(st, 3, h->ipv6);
	host_bind_text(st, 4, h->name);
	host_bind_text(st, 5, h->name_source);
	host_bind_text(st, 6, h->vendor);
	host_bind_text(st, 7, h->os_guess);
	host_bind_text(st, 8, h->dhcp_fp);
	sqlite3_bind_int64(st, 9, h->first_ms);
	sqlite3_bind_int64(st, 10, h->last_ms);
	host_bind_text(st, 11, h->av_product);
	if (h->av_last_ms > 0)
		sqlite3_bind_int64(st, 12, h->av_last_ms);
	return writer_step(w, st);
}

int
host_set_status(struct writer *w, const char *mac_in, const char *status,
    const char *label, int64_t now_ms)
{
	sqlite3_stmt *st;
	char mac[18];

	if (addr_mac_norm(mac_in, mac) == -1 ||
	    (strcmp(status, "unknown") != 0 &&
		strcmp(status, "approved") != 0 &&
		strcmp(status, "blocked") != 0))
		return -1;
	st = writer_prepare(w,
	    "INSERT INTO host (mac, first_ms, last_ms, status, label) VALUES "
	    "(?1, ?2, ?2, ?3, ?4) ON CONFLICT (mac) DO UPDATE SET "
	    "status = excluded.status, "
	    "label = coalesce(excluded.label, label)");
	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, mac, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, now_ms);
	sqlite3_bind_text(st, 3, status, -1, SQLITE_TRANSIENT);
	host_bind_text(st, 4, label);
	if (writer_step(w, st) == -1)
		return -1;
	/* The administrator's decision is not left in a batch. */
	return writer_commit(w);
}

int
host_forget(struct writer *w, const char *mac_in)
{
	sqlite3_stmt *st;
	char mac[18];
	int n;

	if (addr_mac_norm(mac_in, mac) == -1)
		return -1;
	st = writer_prepare(w, "DELETE FROM host_traffic_hour WHERE host_id = "
			       "(SELECT id FROM host WHERE mac = ?1)");
	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, mac, -1, SQLITE_TRANSIENT);
	if (writer_step(w, st) == -1)
		return -1;
	st = writer_prepare(w, "DELETE FROM host WHERE mac = ?1");
	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, mac, -1, SQLITE_TRANSIENT);
	if (writer_step(w, st) == -1)
		return -1;
	n = sqlite3_changes(writer_db(w));
	if (writer_commit(w) == -1)
		return -1;
	return n > 0 ? 1 : 0;
}

int
host_traffic_add(struct writer *w, const char *mac_in, int64_t hour_ms,
    uint64_t bytes_in, uint64_t bytes_out, uint64_t pkts_in, uint64_t pkts_out,
    bool estimated)
{
	sqlite3_stmt *st;
	char mac[18];

	if (addr_mac_norm(mac_in, mac) == -1)
		return -1;
	st = writer_prepare(w,
	    "INSERT INTO host (mac, first_ms, last_ms) VALUES (?1, ?2, ?2) "
	    "ON CONFLICT (mac) DO NOTHING");
	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, mac, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, hour_ms);
	if (writer_step(w, st) == -1)
		return -1;
	st = writer_prepare(w,
	    "INSERT INTO host_traffic_hour (host_id, hour_ms, bytes_in, "
	    "bytes_out, pkts_in, pkts_out, estimated) SELECT id, ?2, ?3, ?4, "
	    "?5, ?6, ?7 FROM host WHERE mac = ?1 "
	    "ON CONFLICT (host_id, hour_ms) DO UPDATE SET "
	    "bytes_in = bytes_in + excluded.bytes_in, "
	    "bytes_out = bytes_out + excluded.bytes_out, "
	    "pkts_in = pkts_in + excluded.pkts_in, "
	    "pkts_out = pkts_out + excluded.pkts_out, "
	    "estimated = max(estimated, excluded.estimated)");
	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, mac, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, hour_ms);
	sqlite3_bind_int64(st, 3, host_clamp(bytes_in));
	sqlite3_bind_int64(st, 4, host_clamp(bytes_out));
	sqlite3_bind_int64(st, 5, host_clamp(pkts_in));
	sqlite3_bind_int64(st, 6, host_clamp(pkts_out));
	sqlite3_bind_int(st, 7, estimated ? 1 : 0);
	return writer_step(w, st);
}

int
host_uplink_add(struct writer *w, int64_t hour_ms, uint64_t bytes_in,
    uint64_t bytes_out, double peak_in_bps, double peak_out_bps, bool estimated)
{
	sqlite3_stmt *st = writer_prepare(w,
	    "INSERT INTO uplink_hour (hour_ms, bytes_in, bytes_out, "
	    "peak_in_bps, peak_out_bps, estimated) VALUES (?1, ?2, ?3, ?4, "
	    "?5, ?6) ON CONFLICT (hour_ms) DO UPDATE SET "
	    "bytes_in = bytes_in + excluded.bytes_in, "
	    "bytes_out = bytes_out + excluded.bytes_out, "
	    "peak_in_bps = max(peak_in_bps, excluded.peak_in_bps), "
	    "peak_out_bps = max(peak_out_bps, excluded.peak_out_bps), "
	    "estimated = max(estimated, excluded.estimated)");

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, hour_ms);
	sqlite3_bind_int64(st, 2, host_clamp(bytes_in));
	sqlite3_bind_int64(st, 3, host_clamp(bytes_out));
	sqlite3_bind_double(st, 4, peak_in_bps >= 0 ? peak_in_bps : 0);
	sqlite3_bind_double(st, 5, peak_out_bps >= 0 ? peak_out_bps : 0);
	sqlite3_bind_int(st, 6, estimated ? 1 : 0);
	return writer_step(w, st);
}

int
host_event_add(struct writer *w, int64_t ts_ms, const char *rule,
    const char *mac, const char *ip, const char *details)
{
	sqlite3_stmt *st = writer_prepare(w,
	    "INSERT INTO lan_event (ts_ms, rule, mac, ip, details) VALUES "
	    "(?1, ?2, ?3, ?4, ?5)");

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, ts_ms);
	sqlite3_bind_text(st, 2, rule, -1, SQLITE_TRANSIENT);
	host_bind_text(st, 3, mac);
	host_bind_text(st, 4, ip);
	sqlite3_bind_text(
	    st, 5, details != NULL ? details : "", -1, SQLITE_TRANSIENT);
	return writer_step(w, st);
}

int64_t
host_capture_start(struct writer *w, const char *iface, int64_t now_ms)
{
	sqlite3_stmt *st;
	int64_t id;

	/*
	 * As with monitor runs: a capture still open died with its process,
	 * and was watching only until its last sign of life.
	 */
	st = writer_prepare(w, "UPDATE lan_capture SET stop_ms = last_alive_ms "
			       "WHERE stop_ms IS NULL AND iface = ?1");
	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, iface, -1, SQLITE_TRANSIENT);
	if (writer_step(w, st) == -1)
		return -1;
	if (sqlite3_changes(writer_db(w)) > 0)
		log_warn("closed %d capture(s) of %s left open by a crash",
		    sqlite3_changes(writer_db(w)), iface);
	st = writer_prepare(w, "INSERT INTO lan_capture (iface, start_ms, "
			       "last_alive_ms) VALUES (?1, ?2, ?2)");
	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, iface, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, now_ms);
	if (writer_step(w, st) == -1)
		return -1;
	id = sqlite3_last_insert_rowid(writer_db(w));
	if (writer_commit(w) == -1)
		return -1;
	return id;
}

static int
host_capture_update(struct writer *w, int64_t id, int64_t now_ms,
    uint64_t packets, uint64_t drops, bool stop)
{
	sqlite3_stmt *st = writer_prepare(w,
	    stop ? "UPDATE lan_capture SET last_alive_ms = max(last_alive_ms, "
		   "?2), stop_ms = max(start_ms, ?2), packets = ?3, drops = ?4 "
		   "WHERE id = ?1 AND stop_ms IS NULL"
		 : "UPDATE lan_capture SET last_alive_ms = max(last_alive_ms, "
		   "?2), packets = ?3, drops = ?4 WHERE id = ?1 AND stop_ms IS "
		   "NULL");

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, now_ms);
	sqlite3_bind_int64(st, 3, host_clamp(packets));
	sqlite3_bind_int64(st, 4, host_clamp(drops));
	if (writer_step(w, st) == -1)
		return -1;
	return stop ? writer_commit(w) : 0;
}

int
host_capture_alive(struct writer *w, int64_t id, int64_t now_ms,
    uint64_t packets, uint64_t drops)
{
	return host_capture_update(w, id, now_ms, packets, drops, false);
}

int
host_capture_stop(struct writer *w, int64_t id, int64_t now_ms,
    uint64_t packets, uint64_t drops)
{
	return host_capture_update(w, id, now_ms, packets, drops, true);
}

int64_t
host_capture_first(sqlite3 *db)
{
	sqlite3_stmt *st;
	int64_t first = -1;

	if (sqlite3_prepare_v2(db, "SELECT min(start_ms) FROM lan_capture", -1,
		&st, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW &&
	    sqlite3_column_type(st, 0) != SQLITE_NULL)
		first = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return first;
}

/* Column I as text into BUF (LEN bytes), "" for NULL. */
static void
host_col(sqlite3_stmt *st, int i, char *buf, size_t len)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	str_copy(buf, t != NULL ? (const char *)t : "", len);
}

#define HOST_SELECT                                                           \
	"SELECT h.id, h.mac, h.ipv4, h.ipv6, h.name, h.name_source, "         \
	"h.vendor, h.os_guess, h.dhcp_fp, h.status, h.label, h.av_product, "  \
	"h.first_ms, h.last_ms, coalesce(h.av_last_ms, -1), "                 \
	"(SELECT coalesce(sum(bytes_in), 0) FROM host_traffic_hour t WHERE "  \
	"t.host_id = h.id AND t.hour_ms >= ?1), "                             \
	"(SELECT coalesce(sum(bytes_out), 0) FROM host_traffic_hour t WHERE " \
	"t.host_id = h.id AND t.hour_ms >= ?1) FROM host h "

static void
host_row_read(sqlite3_stmt *st, struct host_info *h)
{
	memset(h, 0, sizeof *h);
	h->id = sqlite3_column_int64(st, 0);
	host_col(st, 1, h->mac, sizeof h->mac);
	host_col(st, 2, h->ipv4, sizeof h->ipv4);
	host_col(st, 3, h->ipv6, sizeof h->ipv6);
	host_col(st, 4, h->name, sizeof h->name);
	host_col(st, 5, h->name_source, sizeof h->name_source);
	host_col(st, 6, h->vendor, sizeof h->vendor);
	host_col(st, 7, h->os_guess, sizeof h->os_guess);
	host_col(st, 8, h->dhcp_fp, sizeof h->dhcp_fp);
	host_col(st, 9, h->status, sizeof h->status);
	host_col(st, 10, h->label, sizeof h->label);
	host_col(st, 11, h->av_product, sizeof h->av_product);
	h->first_ms = sqlite3_column_int64(st, 12);
	h->last_ms = sqlite3_column_int64(st, 13);
	h->av_last_ms = sqlite3_column_int64(st, 14);
	if (h->av_last_ms == 0)
		h->av_last_ms = -1;
	h->bytes_in_24h = (uint64_t)sqlite3_column_int64(st, 15);
	h->bytes_out_24h = (uint64_t)sqlite3_column_int64(st, 16);
}

int
host_each(sqlite3 *db, bool unknown_only, int64_t now_ms,
    int (*fn)(const struct host_info *h, void *arg), void *arg)
{
	sqlite3_stmt *st;
	struct host_info h;
	int n = 0, rc;

	if (sqlite3_prepare_v2(db,
		unknown_only ? HOST_SELECT "WHERE h.status = 'unknown' "
					   "ORDER BY h.last_ms DESC, h.mac"
			     : HOST_SELECT "ORDER BY h.last_ms DESC, h.mac",
		-1, &st, NULL) != SQLITE_OK) {
		log_err("hosts: %s", sqlite3_errmsg(db));
		return -1;
	}
	sqlite3_bind_int64(st, 1, now_ms - HOST_DAY_MS);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		host_row_read(st, &h);
		n++;
		if (fn(&h, arg) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	if (rc != SQLITE_DONE)
		log_err("hosts: %s", sqlite3_errmsg(db));
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? n : -1;
}

int
host_get(sqlite3 *db, const char *mac_in, int64_t now_ms, struct host_info *h)
{
	sqlite3_stmt *st;
	char mac[18];
	int rc;

	if (addr_mac_norm(mac_in, mac) == -1)
		return 1;
	if (sqlite3_prepare_v2(db, HOST_SELECT "WHERE h.mac = ?2", -1, &st,
		NULL) != SQLITE_OK) {
		log_err("host: %s", sqlite3_errmsg(db));
		return -1;
	}
	sqlite3_bind_int64(st, 1, now_ms - HOST_DAY_MS);
	sqlite3_bind_text(st, 2, mac, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		host_row_read(st, h);
	else if (rc != SQLITE_DONE)
		log_err("host: %s", sqlite3_errmsg(db));
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? 1 : -1;
}

int
host_each_known(sqlite3 *db,
    void (*fn)(void *arg, const char *mac, const char *status, int64_t first_ms,
	const char *label),
    void *arg)
{
	sqlite3_stmt *st;
	int n = 0, rc;

	if (sqlite3_prepare_v2(db,
		"SELECT mac, status, first_ms, label FROM host ORDER BY id", -1,
		&st, NULL) != SQLITE_OK) {
		log_err("hosts: %s", sqlite3_errmsg(db));
		return -1;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const unsigned char *label = sqlite3_column_text(st, 3);

		fn(arg, (const char *)sqlite3_column_text(st, 0),
		    (const char *)sqlite3_column_text(st, 1),
		    sqlite3_column_int64(st, 2), (const char *)label);
		n++;
	}
	if (rc != SQLITE_DONE)
		log_err("hosts: %s", sqlite3_errmsg(db));
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? n : -1;
}

int
host_events(sqlite3 *db, int64_t since_ms,
    int (*fn)(const struct host_event *e, void *arg), void *arg)
{
	sqlite3_stmt *st;
	struct host_event e;
	int n = 0, rc;

	if (sqlite3_prepare_v2(db,
		"SELECT id, ts_ms, rule, mac, ip, details FROM lan_event WHERE "
		"ts_ms >= ?1 ORDER BY ts_ms, id",
		-1, &st, NULL) != SQLITE_OK) {
		log_err("lan events: %s", sqlite3_errmsg(db));
		return -1;
	}
	sqlite3_bind_int64(st, 1, since_ms);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&e, 0, sizeof e);
		e.id = sqlite3_column_int64(st, 0);
		e.ts_ms = sqlite3_column_int64(st, 1);
		host_col(st, 2, e.rule, sizeof e.rule);
		host_col(st, 3, e.mac, sizeof e.mac);
		host_col(st, 4, e.ip, sizeof e.ip);
		host_col(st, 5, e.details, sizeof e.details);
		n++;
		if (fn(&e, arg) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	if (rc != SQLITE_DONE)
		log_err("lan events: %s", sqlite3_errmsg(db));
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? n : -1;
}
