/* sample.c - raw probe results and their hourly rollups. */
#include <inttypes.h>
#include <string.h>

#include "common/log.h"
#include "common/xtime.h"
#include "store/sample.h"
#include "store/writer.h"

/* Bind V, or NULL where the probe had no such figure (negative). */
static void
sample_bind_opt(sqlite3_stmt *st, int col, int64_t v)
{
	if (v < 0)
		sqlite3_bind_null(st, col);
	else
		sqlite3_bind_int64(st, col, v);
}

int
sample_add(struct writer *w, int64_t device_id, size_t probe,
    enum probe_kind kind, const struct probe_result *r)
{
	const char *kname;
	int64_t rtt_min, rtt_max;
	sqlite3_stmt *st;

	if ((unsigned)kind >= PROBE_NKINDS || r->sent < 0 || r->received < 0 ||
	    r->received > r->sent) {
		log_err("sample of device %" PRId64 ": bad kind %d or counts "
			"%d/%d",
		    device_id, (int)kind, r->received, r->sent);
		return -1;
	}
	kname = probe_kind_name(kind);
	st = writer_prepare(w,
	    "INSERT INTO sample (device_id, probe, kind, ts_ms, ok, cause, "
	    "rtt_us, rtt_min_us, rtt_max_us, jitter_us, sent, received, "
	    "http_status, cert_days) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, "
	    "?9, ?10, ?11, ?12, ?13, ?14)");
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, device_id);
	sqlite3_bind_int64(st, 2, (int64_t)probe);
	sqlite3_bind_text(st, 3, kname, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, r->start_wall_ms);
	sqlite3_bind_int(st, 5, r->ok ? 1 : 0);
	if (r->cause != CAUSE_NONE)
		sqlite3_bind_text(
		    st, 6, probe_cause_name(r->cause), -1, SQLITE_STATIC);
	sample_bind_opt(st, 7, r->rtt_us);
	sample_bind_opt(st, 8, r->rtt_min_us);
	sample_bind_opt(st, 9, r->rtt_max_us);
	sample_bind_opt(st, 10, r->jitter_us);
	sqlite3_bind_int(st, 11, r->sent);
	sqlite3_bind_int(st, 12, r->received);
	if (r->http_status > 0)
		sqlite3_bind_int(st, 13, r->http_status);
	sample_bind_opt(st, 14, r->cert_days);
	if (writer_step(w, st) == -1)
		return -1;

	/*
	 * The hour's RTT figures: the average is the mean of the rounds'
	 * own RTTs (rtt_sum / rtt_n); the extremes are the echoes' where
	 * ICMP gives them, else the round's one RTT.
	 */
	rtt_min = r->rtt_min_us >= 0 ? r->rtt_min_us : r->rtt_us;
	rtt_max = r->rtt_max_us >= 0 ? r->rtt_max_us : r->rtt_us;
	/* min()/max() of a NULL are NULL: a figure-less round changes none. */
	st = writer_prepare(w,
	    "INSERT INTO sample_hour (device_id, kind, hour_ms, count, ok, "
	    "sent, received, rtt_sum_us, rtt_n, rtt_min_us, rtt_max_us) "
	    "VALUES (?1, ?2, ?3, 1, ?4, ?5, ?6, ?7, ?8, ?9, ?10) "
	    "ON CONFLICT (device_id, kind, hour_ms) DO UPDATE SET "
	    "count = count + 1, ok = ok + excluded.ok, "
	    "sent = sent + excluded.sent, "
	    "received = received + excluded.received, "
	    "rtt_sum_us = rtt_sum_us + excluded.rtt_sum_us, "
	    "rtt_n = rtt_n + excluded.rtt_n, "
	    "rtt_min_us = min(ifnull(rtt_min_us, excluded.rtt_min_us), "
	    "ifnull(excluded.rtt_min_us, rtt_min_us)), "
	    "rtt_max_us = max(ifnull(rtt_max_us, excluded.rtt_max_us), "
	    "ifnull(excluded.rtt_max_us, rtt_max_us))");
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, device_id);
	sqlite3_bind_text(st, 2, kname, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, time_hour_floor(r->start_wall_ms));
	sqlite3_bind_int(st, 4, r->ok ? 1 : 0);
	sqlite3_bind_int(st, 5, r->sent);
	sqlite3_bind_int(st, 6, r->received);
	sqlite3_bind_int64(st, 7, r->rtt_us >= 0 ? r->rtt_us : 0);
	sqlite3_bind_int(st, 8, r->rtt_us >= 0 ? 1 : 0);
	sample_bind_opt(st, 9, rtt_min);
	sample_bind_opt(st, 10, rtt_max);
	return writer_step(w, st);
}

int
sample_prune(struct writer *w, int64_t before_ms, int limit)
{
	/*
	 * Device by device through (device_id, ts_ms), so that finding the
	 * old rows costs a seek per device, not a scan of every raw sample
	 * kept. CROSS JOIN makes SQLite keep that order without statistics.
	 */
	return writer_prune(w, "sample_prune",
	    "DELETE FROM sample WHERE id IN (SELECT s.id FROM device d "
	    "CROSS JOIN sample s ON s.device_id = d.id WHERE s.ts_ms < ?1 "
	    "LIMIT ?2)",
	    before_ms, limit);
}

int
sample_hours(sqlite3 *db, int64_t device_id, enum probe_kind kind,
    int64_t from_ms, int64_t to_ms,
    int (*fn)(const struct sample_hour *h, void *arg), void *arg)
{
	struct sample_hour h;
	sqlite3_stmt *st;
	int rc, n = 0;

	if ((unsigned)kind >= PROBE_NKINDS) {
		log_err("sample_hours: no probe kind %d", (int)kind);
		return -1;
	}
	if (sqlite3_prepare_v2(db,
		"SELECT hour_ms, count, ok, sent, received, rtt_sum_us, rtt_n, "
		"ifnull(rtt_min_us, -1), ifnull(rtt_max_us, -1) "
		"FROM sample_hour WHERE device_id = ?1 AND kind = ?2 "
		"AND hour_ms >= ?3 AND hour_ms < ?4 ORDER BY hour_ms",
		-1, &st, NULL) != SQLITE_OK) {
		log_err("cannot read hourly samples: %s", sqlite3_errmsg(db));
		return -1;
	}
	sqlite3_bind_int64(st, 1, device_id);
	sqlite3_bind_text(st, 2, probe_kind_name(kind), -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, from_ms);
	sqlite3_bind_int64(st, 4, to_ms);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t sum = sqlite3_column_int64(st, 5);
		int64_t rn = sqlite3_column_int64(st, 6);

		memset(&h, 0, sizeof h);
		h.hour_ms = sqlite3_column_int64(st, 0);
		h.count = sqlite3_column_int(st, 1);
		h.ok = sqlite3_column_int(st, 2);
		h.sent = sqlite3_column_int(st, 3);
		h.received = sqlite3_column_int(st, 4);
		/* Rounded to the nearest microsecond, not truncated. */
		h.rtt_avg_us = rn > 0 ? (sum + rn / 2) / rn : -1;
		h.rtt_min_us = sqlite3_column_int64(st, 7);
		h.rtt_max_us = sqlite3_column_int64(st, 8);
		n++;
		if (fn(&h, arg) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	if (rc != SQLITE_DONE) {
		log_err("cannot read hourly samples: %s", sqlite3_errmsg(db));
		n = -1;
	}
	sqlite3_finalize(st);
	return n;
}
