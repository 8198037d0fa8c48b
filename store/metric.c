/* metric.c - SNMP metrics and their hourly rollups, and the snmp_system / snmp_iface / snmp_text rows. */
#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "common/log.h"
#include "common/util.h"
#include "common/xtime.h"
#include "probes/snmpdata.h"
#include "store/metric.h"
#include "store/writer.h"

int
metric_insert(struct writer *w, int64_t device_id, const char *name,
    const char *instance, int64_t ts_ms, double value)
{
	sqlite3_stmt *st;

	if (name == NULL || *name == '\0' || !isfinite(value)) {
		log_err("metric of device %" PRId64 ": no name or a value "
			"that is not a number",
		    device_id);
		return -1;
	}
	if (instance == NULL)
		instance = "";
	st = writer_prepare(w,
	    "INSERT INTO metric (device_id, name, instance, ts_ms, value) "
	    "VALUES (?1, ?2, ?3, ?4, ?5)");
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, device_id);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, instance, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, ts_ms);
	sqlite3_bind_double(st, 5, value);
	if (writer_step(w, st) == -1)
		return -1;
	st = writer_prepare(w,
	    "INSERT INTO metric_hour (device_id, name, instance, hour_ms, "
	    "count, sum, min, max) VALUES (?1, ?2, ?3, ?4, 1, ?5, ?5, ?5) "
	    "ON CONFLICT (device_id, name, instance, hour_ms) DO UPDATE SET "
	    "count = count + 1, sum = sum + excluded.sum, "
	    "min = min(min, excluded.min), max = max(max, excluded.max)");
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, device_id);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, instance, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, time_hour_floor(ts_ms));
	sqlite3_bind_double(st, 5, value);
	return writer_step(w, st);
}

int
metric_prune(struct writer *w, int64_t before_ms, int limit)
{
	/* As sample_prune: a seek per device through (device_id, ts_ms). */
	return writer_prune(w, "metric_prune",
	    "DELETE FROM metric WHERE id IN (SELECT m.id FROM device d "
	    "CROSS JOIN metric m ON m.device_id = d.id WHERE m.ts_ms < ?1 "
	    "LIMIT ?2)",
	    before_ms, limit);
}

/* Bind text, or NULL for a NULL or empty string. */
static void
metric_bind_text(sqlite3_stmt *st, int col, const char *s)
{
	if (s == NULL || *s == '\0')
		sqlite3_bind_null(st, col);
	else
		sqlite3_bind_text(st, col, s, -1, SQLITE_STATIC);
}

/* Bind a rate, or NULL when unknown (negative or not a number). */
static void
metric_bind_rate(sqlite3_stmt *st, int col, double v)
{
	if (v < 0 || !isfinite(v))
		sqlite3_bind_null(st, col);
	else
		sqlite3_bind_double(st, col, v);
}

int
snmp_system_upsert(struct writer *w, int64_t device_id,
    const struct snmp_sysinfo *si, int64_t ts_ms)
{
	sqlite3_stmt *st;

	st = writer_prepare(w,
	    "INSERT INTO snmp_system (device_id, sys_name, sys_descr, "
	    "sys_object_id, uptime_cs, profile, updated_ms) VALUES (?1, ?2, "
	    "?3, ?4, ?5, ?6, ?7) ON CONFLICT (device_id) DO UPDATE SET "
	    "sys_name = excluded.sys_name, sys_descr = excluded.sys_descr, "
	    "sys_object_id = excluded.sys_object_id, "
	    "uptime_cs = excluded.uptime_cs, profile = excluded.profile, "
	    "updated_ms = excluded.updated_ms");
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, device_id);
	metric_bind_text(st, 2, si->name);
	metric_bind_text(st, 3, si->descr);
	metric_bind_text(st, 4, si->object_id);
	sqlite3_bind_int64(st, 5, (int64_t)si->uptime_cs);
	metric_bind_text(st, 6, si->profile);
	sqlite3_bind_int64(st, 7, ts_ms);
	return writer_step(w, st);
}

int
snmp_iface_upsert(struct writer *w, int64_t device_id,
    const struct snmp_ifinfo *ii, int64_t ts_ms)
{
	sqlite3_stmt *st;

	st = writer_prepare(w,
	    "INSERT INTO snmp_iface (device_id, if_index, name, alias, admin, "
	    "oper, speed_bps, in_bps, out_bps, in_errors, out_errors, "
	    "in_discards, out_discards, important, updated_ms) VALUES (?1, "
	    "?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15) "
	    "ON CONFLICT (device_id, if_index) DO UPDATE SET "
	    "name = excluded.name, alias = excluded.alias, "
	    "admin = excluded.admin, oper = excluded.oper, "
	    "speed_bps = excluded.speed_bps, in_bps = excluded.in_bps, "
	    "out_bps = excluded.out_bps, in_errors = excluded.in_errors, "
	    "out_errors = excluded.out_errors, "
	    "in_discards = excluded.in_discards, "
	    "out_discards = excluded.out_discards, "
	    "important = excluded.important, updated_ms = excluded.updated_ms");
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, device_id);
	sqlite3_bind_int64(st, 2, (int64_t)ii->index);
	metric_bind_text(st, 3, ii->name);
	metric_bind_text(st, 4, ii->alias);
	if (ii->admin > 0)
		sqlite3_bind_int(st, 5, ii->admin);
	if (ii->oper > 0)
		sqlite3_bind_int(st, 6, ii->oper);
	/* SQLite integers are signed: a speed beyond that is not real. */
	if (ii->speed_bps > 0 && ii->speed_bps <= (uint64_t)INT64_MAX)
		sqlite3_bind_int64(st, 7, (int64_t)ii->speed_bps);
	metric_bind_rate(st, 8, ii->in_bps);
	metric_bind_rate(st, 9, ii->out_bps);
	metric_bind_rate(st, 10, ii->in_errors);
	metric_bind_rate(st, 11, ii->out_errors);
	metric_bind_rate(st, 12, ii->in_discards);
	metric_bind_rate(st, 13, ii->out_discards);
	sqlite3_bind_int(st, 14, ii->important ? 1 : 0);
	sqlite3_bind_int64(st, 15, ts_ms);
	return writer_step(w, st);
}

int
snmp_iface_forget(struct writer *w, int64_t device_id, int64_t before_ms)
{
	sqlite3_stmt *st;

	st = writer_prepare(w, "DELETE FROM snmp_iface WHERE device_id = ?1 "
			       "AND updated_ms < ?2");
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, device_id);
	sqlite3_bind_int64(st, 2, before_ms);
	if (writer_step(w, st) == -1)
		return -1;
	return sqlite3_changes(writer_db(w));
}

int
snmp_text_upsert(struct writer *w, int64_t device_id, const char *label,
    const char *value, int64_t ts_ms)
{
	sqlite3_stmt *st;

	if (label == NULL || *label == '\0' || value == NULL)
		return -1;
	st = writer_prepare(w,
	    "INSERT INTO snmp_text (device_id, label, value, updated_ms) "
	    "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (device_id, label) DO UPDATE "
	    "SET value = excluded.value, updated_ms = excluded.updated_ms");
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, device_id);
	sqlite3_bind_text(st, 2, label, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, value, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, ts_ms);
	return writer_step(w, st);
}

static int
metric_prepare(sqlite3 *db, const char *sql, sqlite3_stmt **st)
{
	if (sqlite3_prepare_v2(db, sql, -1, st, NULL) != SQLITE_OK) {
		log_err("metric query: %s", sqlite3_errmsg(db));
		return -1;
	}
	return 0;
}

/* Finish a read loop: -1 if sqlite stopped on an error, else N. */
static int
metric_done(sqlite3 *db, sqlite3_stmt *st, int rc, int n)
{
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		log_err("metric query: %s", sqlite3_errmsg(db));
		n = -1;
	}
	sqlite3_finalize(st);
	return n;
}

int
metric_hours(sqlite3 *db, int64_t device_id, const char *name,
    const char *instance, int64_t from_ms, int64_t to_ms,
    int (*fn)(const struct metric_hour *h, void *arg), void *arg)
{
	struct metric_hour h;
	sqlite3_stmt *st;
	int rc, n = 0;

	if (metric_prepare(db,
		"SELECT hour_ms, count, sum, min, max FROM metric_hour WHERE "
		"device_id = ?1 AND name = ?2 AND instance = ?3 AND hour_ms "
		">= ?4 AND hour_ms < ?5 ORDER BY hour_ms",
		&st) == -1)
		return -1;
	sqlite3_bind_int64(st, 1, device_id);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, instance ? instance : "", -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, from_ms);
	sqlite3_bind_int64(st, 5, to_ms);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		h.hour_ms = sqlite3_column_int64(st, 0);
		h.count = sqlite3_column_int(st, 1);
		h.avg =
		    h.count > 0 ? sqlite3_column_double(st, 2) / h.count : 0;
		h.min = sqlite3_column_double(st, 3);
		h.max = sqlite3_column_double(st, 4);
		n++;
		if (fn(&h, arg) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	return metric_done(db, st, rc, n);
}

int
metric_latest(sqlite3 *db, int64_t device_id,
    int (*fn)(const struct metric_value *v, void *arg), void *arg)
{
	struct metric_value v;
	sqlite3_stmt *st;
	int rc, n = 0;

	/*
	 * SQLite takes the bare column `value` from the row that max()
	 * picked: the newest of each series, walked along the index on
	 * (device_id, name, instance, ts_ms).
	 */
	if (metric_prepare(db,
		"SELECT name, instance, max(ts_ms), value FROM metric WHERE "
		"device_id = ?1 AND name NOT LIKE 'if\\_%' ESCAPE '\\' "
		"GROUP BY name, instance ORDER BY name, length(instance), "
		"instance",
		&st) == -1)
		return -1;
	sqlite3_bind_int64(st, 1, device_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		v.name = (const char *)sqlite3_column_text(st, 0);
		v.instance = (const char *)sqlite3_column_text(st, 1);
		v.ts_ms = sqlite3_column_int64(st, 2);
		v.value = sqlite3_column_double(st, 3);
		if (v.name == NULL || v.instance == NULL)
			continue;
		n++;
		if (fn(&v, arg) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	return metric_done(db, st, rc, n);
}

int
snmp_texts(sqlite3 *db, int64_t device_id,
    int (*fn)(const struct snmp_text_row *r, void *arg), void *arg)
{
	struct snmp_text_row r;
	sqlite3_stmt *st;
	int rc, n = 0;

	if (metric_prepare(db,
		"SELECT label, value, updated_ms FROM snmp_text WHERE "
		"device_id = ?1 ORDER BY label",
		&st) == -1)
		return -1;
	sqlite3_bind_int64(st, 1, device_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		r.label = (const char *)sqlite3_column_text(st, 0);
		r.value = (const char *)sqlite3_column_text(st, 1);
		r.updated_ms = sqlite3_column_int64(st, 2);
		if (r.label == NULL || r.value == NULL)
			continue;
		n++;
		if (fn(&r, arg) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	return metric_done(db, st, rc, n);
}

static void
metric_col_text(sqlite3_stmt *st, int col, char *buf, size_t len)
{
	str_copy_utf8(buf, (const char *)sqlite3_column_text(st, col), len);
}

int
snmp_system_get(sqlite3 *db, int64_t device_id, struct snmp_system_row *out)
{
	sqlite3_stmt *st;
	int rc, found = 0;

	if (metric_prepare(db,
		"SELECT sys_name, sys_descr, sys_object_id, uptime_cs, "
		"profile, updated_ms FROM snmp_system WHERE device_id = ?1",
		&st) == -1)
		return -1;
	sqlite3_bind_int64(st, 1, device_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		memset(out, 0, sizeof *out);
		metric_col_text(st, 0, out->name, sizeof out->name);
		metric_col_text(st, 1, out->descr, sizeof out->descr);
		metric_col_text(st, 2, out->object_id, sizeof out->object_id);
		out->uptime_cs = sqlite3_column_type(st, 3) == SQLITE_NULL
				     ? -1
				     : sqlite3_column_int64(st, 3);
		metric_col_text(st, 4, out->profile, sizeof out->profile);
		out->updated_ms = sqlite3_column_int64(st, 5);
		found = 1;
	}
	return metric_done(db, st, rc, found);
}

/* A nullable REAL column: -1 when NULL (unknown). */
static double
metric_col_rate(sqlite3_stmt *st, int col)
{
	return sqlite3_column_type(st, col) == SQLITE_NULL
		   ? -1
		   : sqlite3_column_double(st, col);
}

int
snmp_ifaces(sqlite3 *db, int64_t device_id,
    int (*fn)(const struct snmp_iface_row *r, void *arg), void *arg)
{
	struct snmp_iface_row r;
	sqlite3_stmt *st;
	int rc, n = 0;

	if (metric_prepare(db,
		"SELECT if_index, name, alias, admin, oper, speed_bps, in_bps, "
		"out_bps, in_errors, out_errors, in_discards, out_discards, "
		"important, updated_ms FROM snmp_iface WHERE device_id = ?1 "
		"ORDER BY if_index",
		&st) == -1)
		return -1;
	sqlite3_bind_int64(st, 1, device_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&r, 0, sizeof r);
		r.index = (uint32_t)sqlite3_column_int64(st, 0);
		metric_col_text(st, 1, r.name, sizeof r.name);
		metric_col_text(st, 2, r.alias, sizeof r.alias);
		r.admin = sqlite3_column_int(st, 3);
		r.oper = sqlite3_column_int(st, 4);
		r.speed_bps = sqlite3_column_type(st, 5) == SQLITE_NULL
				  ? -1
				  : sqlite3_column_int64(st, 5);
		r.in_bps = metric_col_rate(st, 6);
		r.out_bps = metric_col_rate(st, 7);
		r.in_errors = metric_col_rate(st, 8);
		r.out_errors = metric_col_rate(st, 9);
		r.in_discards = metric_col_rate(st, 10);
		r.out_discards = metric_col_rate(st, 11);
		r.important = sqlite3_column_int(st, 12) != 0;
		r.updated_ms = sqlite3_column_int64(st, 13);
		n++;
		if (fn(&r, arg) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	return metric_done(db, st, rc, n);
}

const char *
snmp_ifstatus_name(int status)
{
	/* IF-MIB's ifAdminStatus / ifOperStatus enumerations. */
	static const char *const names[] = {"?", "up", "down", "testing",
	    "unknown", "dormant", "notPresent", "lowerLayerDown"};

	if (status < 0 || status >= (int)(sizeof names / sizeof names[0]))
		return "?";
	return names[status];
}
