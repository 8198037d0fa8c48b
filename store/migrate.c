/* migrate.c - the numbered schema migrations and the code that applies them. */
#include <stdio.h>
#include <string.h>

#include "store/migrate.h"

/*
 * Migration N (1-based) is migrations[N - 1]. Append only: a migration
 * that has shipped is never edited, because databases in the field have
 * already run it. Times are UTC milliseconds since the epoch (INTEGER).
 */
static const char *const migrations[] = {
    /* 1: when the monitor ran, and the configured devices. */
    "CREATE TABLE monitor_run (\n"
    "	id INTEGER PRIMARY KEY,\n"
    "	start_ms INTEGER NOT NULL,\n"
    "	last_alive_ms INTEGER NOT NULL,\n"
    "	stop_ms INTEGER,\n"
    "	stop_reason TEXT,\n"
    "	version TEXT NOT NULL,\n"
    "	config_hash TEXT NOT NULL\n"
    ");\n"
    /* Coverage reports look runs up by time. */
    "CREATE INDEX monitor_run_start ON monitor_run (start_ms);\n"
    /* Startup closes the runs a crash left open: few rows, found fast. */
    "CREATE INDEX monitor_run_open ON monitor_run (id)\n"
    "	WHERE stop_ms IS NULL;\n"
    "CREATE TABLE device (\n"
    "	id INTEGER PRIMARY KEY,\n"
    "	key TEXT NOT NULL UNIQUE,\n"
    "	name TEXT NOT NULL,\n"
    "	kind TEXT NOT NULL CHECK (kind IN ('wifi-ap', 'switch',\n"
    "	    'router', 'firewall', 'server', 'pc', 'printer', 'other')),\n"
    "	grp TEXT,\n"
    "	address TEXT,\n"
    "	parent_id INTEGER REFERENCES device (id),\n"
    "	isp TEXT,\n"
    "	probes TEXT,\n"
    "	interval_ms INTEGER,\n"
    "	added_ms INTEGER NOT NULL,\n"
    "	retired_ms INTEGER\n"
    ");\n"
    /* Every device list is shown by village (group), then key. */
    "CREATE INDEX device_grp_key ON device (grp, key);\n"
    /* Foreign key checks on a parent's id, and "children of X". */
    "CREATE INDEX device_parent ON device (parent_id);\n",
    /*
     * 2: probe results and their hourly rollups, state intervals,
     * alerts, manual maintenance. Hashes are SHA-256 (store/chain.c).
     */
    "CREATE TABLE sample (\n"
    "	id INTEGER PRIMARY KEY,\n"
    "	device_id INTEGER NOT NULL REFERENCES device (id),\n"
    "	probe INTEGER NOT NULL CHECK (probe >= 0),\n"
    "	kind TEXT NOT NULL,\n"
    "	ts_ms INTEGER NOT NULL,\n"
    "	ok INTEGER NOT NULL CHECK (ok IN (0, 1)),\n"
    "	cause TEXT,\n"
    "	rtt_us INTEGER,\n"
    "	rtt_min_us INTEGER,\n"
    "	rtt_max_us INTEGER,\n"
    "	jitter_us INTEGER,\n"
    "	sent INTEGER NOT NULL CHECK (sent >= 0),\n"
    "	received INTEGER NOT NULL CHECK (received BETWEEN 0 AND sent),\n"
    "	http_status INTEGER,\n"
    "	cert_days INTEGER\n"
    ");\n"
    /* Device pages by time, and pruning per device (sample_prune). */
    "CREATE INDEX sample_device_ts ON sample (device_id, ts_ms);\n"
    /* Kept for years: the key is the only access path, so no rowid. */
    "CREATE TABLE sample_hour (\n"
    "	device_id INTEGER NOT NULL REFERENCES device (id),\n"
    "	kind TEXT NOT NULL,\n"
    "	hour_ms INTEGER NOT NULL,\n"
    "	count INTEGER NOT NULL,\n"
    "	ok INTEGER NOT NULL,\n"
    "	sent INTEGER NOT NULL,\n"
    "	received INTEGER NOT NULL,\n"
    "	rtt_sum_us INTEGER NOT NULL,\n"
    "	rtt_n INTEGER NOT NULL,\n"
    "	rtt_min_us INTEGER,\n"
    "	rtt_max_us INTEGER,\n"
    "	PRIMARY KEY (device_id, kind, hour_ms)\n"
    ") WITHOUT ROWID;\n"
    "CREATE TABLE state_interval (\n"
    "	id INTEGER PRIMARY KEY,\n"
    "	device_id INTEGER NOT NULL REFERENCES device (id),\n"
    "	state TEXT NOT NULL CHECK (state IN ('unknown', 'up', 'down',\n"
    "	    'unreachable', 'maintenance')),\n"
    "	start_ms INTEGER NOT NULL,\n"
    "	end_ms INTEGER CHECK (end_ms >= start_ms),\n"
    "	cause TEXT,\n"
    "	prev_hash BLOB NOT NULL CHECK (length(prev_hash) = 32),\n"
    "	hash BLOB NOT NULL CHECK (length(hash) = 32)\n"
    ");\n"
    "CREATE INDEX state_interval_device ON state_interval\n"
    "	(device_id, start_ms);\n"
    /* A device is in one state at a time: at most one open interval. */
    "CREATE UNIQUE INDEX state_interval_open ON state_interval (device_id)\n"
    "	WHERE end_ms IS NULL;\n"
    "CREATE TABLE alert (\n"
    "	id INTEGER PRIMARY KEY,\n"
    "	ts_ms INTEGER NOT NULL,\n"
    "	severity TEXT NOT NULL,\n"
    "	event TEXT NOT NULL,\n"
    "	device_id INTEGER REFERENCES device (id),\n"
    "	details TEXT NOT NULL,\n"
    "	acked_ms INTEGER,\n"
    "	ack_note TEXT,\n"
    "	prev_hash BLOB NOT NULL CHECK (length(prev_hash) = 32),\n"
    "	hash BLOB NOT NULL CHECK (length(hash) = 32)\n"
    ");\n"
    /* xanetctl alerts --since, and a device page's alerts. */
    "CREATE INDEX alert_ts ON alert (ts_ms);\n"
    "CREATE INDEX alert_device ON alert (device_id, ts_ms);\n"
    "CREATE TABLE maintenance (\n"
    "	id INTEGER PRIMARY KEY,\n"
    "	device_id INTEGER NOT NULL REFERENCES device (id),\n"
    "	start_ms INTEGER NOT NULL,\n"
    "	end_ms INTEGER NOT NULL CHECK (end_ms >= start_ms),\n"
    "	reason TEXT,\n"
    "	created_ms INTEGER NOT NULL\n"
    ");\n"
    /* Windows still to come or running: found by their end. */
    "CREATE INDEX maintenance_end ON maintenance (end_ms);\n"
    "CREATE INDEX maintenance_device ON maintenance (device_id, end_ms);\n",
    /*
     * 3: the LAN sampler: hosts seen on the LAN and their approval,
     * hourly traffic per host and of the uplink, LAN findings, and when
     * each interface was captured (LAN monitoring coverage).
     */
    "CREATE TABLE host (\n"
    "	id INTEGER PRIMARY KEY,\n"
    "	mac TEXT NOT NULL UNIQUE CHECK (length(mac) = 17),\n"
    "	ipv4 TEXT,\n"
    "	ipv6 TEXT,\n"
    "	name TEXT,\n"
    "	name_source TEXT,\n"
    "	vendor TEXT,\n"
    "	os_guess TEXT,\n"
    "	dhcp_fp TEXT,\n"
    "	first_ms INTEGER NOT NULL,\n"
    "	last_ms INTEGER NOT NULL,\n"
    "	status TEXT NOT NULL DEFAULT 'unknown' CHECK (status IN\n"
    "	    ('unknown', 'approved', 'blocked')),\n"
    "	label TEXT,\n"
    "	av_product TEXT,\n"
    "	av_last_ms INTEGER\n"
    ");\n"
    /* xanetctl hosts: most recently seen first. */
    "CREATE INDEX host_last ON host (last_ms);\n"
    "CREATE TABLE host_traffic_hour (\n"
    "	host_id INTEGER NOT NULL REFERENCES host (id) ON DELETE CASCADE,\n"
    "	hour_ms INTEGER NOT NULL,\n"
    "	bytes_in INTEGER NOT NULL CHECK (bytes_in >= 0),\n"
    "	bytes_out INTEGER NOT NULL CHECK (bytes_out >= 0),\n"
    "	pkts_in INTEGER NOT NULL CHECK (pkts_in >= 0),\n"
    "	pkts_out INTEGER NOT NULL CHECK (pkts_out >= 0),\n"
    "	estimated INTEGER NOT NULL CHECK (estimated IN (0, 1)),\n"
    "	PRIMARY KEY (host_id, hour_ms)\n"
    ") WITHOUT ROWID;\n"
    /* Top talkers of an hour. */
    "CREATE INDEX host_traffic_hour_hour ON host_traffic_hour (hour_ms);\n"
    "CREATE TABLE uplink_hour (\n"
    "	hour_ms INTEGER PRIMARY KEY,\n"
    "	bytes_in INTEGER NOT NULL CHECK (bytes_in >= 0),\n"
    "	bytes_out INTEGER NOT NULL CHECK (bytes_out >= 0),\n"
    "	peak_in_bps REAL NOT NULL,\n"
    "	peak_out_bps REAL NOT NULL,\n"
    "	estimated INTEGER NOT NULL CHECK (estimated IN (0, 1))\n"
    ");\n"
    "CREATE TABLE lan_event (\n"
    "	id INTEGER PRIMARY KEY,\n"
    "	ts_ms INTEGER NOT NULL,\n"
    "	rule TEXT NOT NULL,\n"
    "	mac TEXT,\n"
    "	ip TEXT,\n"
    "	details TEXT NOT NULL\n"
    ");\n"
    "CREATE INDEX lan_event_ts ON lan_event (ts_ms);\n"
    "CREATE INDEX lan_event_mac ON lan_event (mac, ts_ms);\n"
    "CREATE TABLE lan_capture (\n"
    "	id INTEGER PRIMARY KEY,\n"
    "	iface TEXT NOT NULL,\n"
    "	start_ms INTEGER NOT NULL,\n"
    "	last_alive_ms INTEGER NOT NULL,\n"
    "	stop_ms INTEGER CHECK (stop_ms >= start_ms),\n"
    "	packets INTEGER NOT NULL DEFAULT 0,\n"
    "	drops INTEGER NOT NULL DEFAULT 0\n"
    ");\n"
    /* Coverage reports look captures up by time. */
    "CREATE INDEX lan_capture_start ON lan_capture (start_ms);\n"
    "CREATE INDEX lan_capture_open ON lan_capture (id)\n"
    "	WHERE stop_ms IS NULL;\n",
    /*
     * 4: SNMP: raw metrics (pruned with the samples' retention) and
     * their hourly rollups (kept for years), the system group and the
     * interfaces last learned, custom string values.
     */
    "CREATE TABLE metric (\n"
    "	id INTEGER PRIMARY KEY,\n"
    "	device_id INTEGER NOT NULL REFERENCES device (id),\n"
    "	name TEXT NOT NULL,\n"
    "	instance TEXT NOT NULL DEFAULT '',\n"
    "	ts_ms INTEGER NOT NULL,\n"
    "	value REAL NOT NULL\n"
    ");\n"
    /* A series by time, the latest value, and pruning per device. */
    "CREATE INDEX metric_device_name_ts ON metric\n"
    "	(device_id, name, instance, ts_ms);\n"
    "CREATE INDEX metric_device_ts ON metric (device_id, ts_ms);\n"
    "CREATE TABLE metric_hour (\n"
    "	device_id INTEGER NOT NULL REFERENCES device (id),\n"
    "	name TEXT NOT NULL,\n"
    "	instance TEXT NOT NULL DEFAULT '',\n"
    "	hour_ms INTEGER NOT NULL,\n"
    "	count INTEGER NOT NULL CHECK (count > 0),\n"
    "	sum REAL NOT NULL,\n"
    "	min REAL NOT NULL,\n"
    "	max REAL NOT NULL,\n"
    "	PRIMARY KEY (device_id, name, instance, hour_ms)\n"
    ") WITHOUT ROWID;\n"
    "CREATE TABLE snmp_system (\n"
    "	device_id INTEGER PRIMARY KEY REFERENCES device (id),\n"
    "	sys_name TEXT,\n"
    "	sys_descr TEXT,\n"
    "	sys_object_id TEXT,\n"
    "	uptime_cs INTEGER,\n"
    "	profile TEXT,\n"
    "	updated_ms INTEGER NOT NULL\n"
    ");\n"
    "CREATE TABLE snmp_iface (\n"
    "	device_id INTEGER NOT NULL REFERENCES device (id),\n"
    "	if_index INTEGER NOT NULL CHECK (if_index >= 0),\n"
    "	name TEXT,\n"
    "	alias TEXT,\n"
    "	admin INTEGER,\n"
    "	oper INTEGER,\n"
    "	speed_bps INTEGER,\n"
    "	in_bps REAL,\n"
    "	out_bps REAL,\n"
    "	in_errors REAL,\n"
    "	out_errors REAL,\n"
    "	in_discards REAL,\n"
    "	out_discards REAL,\n"
    "	important INTEGER NOT NULL DEFAULT 0 CHECK (important IN (0, 1)),\n"
    "	updated_ms INTEGER NOT NULL,\n"
    "	PRIMARY KEY (device_id, if_index)\n"
    ") WITHOUT ROWID;\n"
    "CREATE TABLE snmp_text (\n"
    "	device_id INTEGER NOT NULL REFERENCES device (id),\n"
    "	label TEXT NOT NULL,\n"
    "	value TEXT NOT NULL,\n"
    "	updated_ms INTEGER NOT NULL,\n"
    "	PRIMARY KEY (device_id, label)\n"
    ") WITHOUT ROWID;\n",
    /*
     * 5: evidence: the packs made (hash-chained like state intervals
     * and alerts) and their delivery to each push target. An outbox row
     * is written in the same transaction as its snapshot.
     */
    "CREATE TABLE snapshot (\n"
    "	id INTEGER PRIMARY KEY,\n"
    "	uid TEXT NOT NULL UNIQUE,\n"
    "	kind TEXT NOT NULL CHECK (kind IN ('daily', 'quarterly',\n"
    "	    'manual')),\n"
    "	period_from_ms INTEGER NOT NULL,\n"
    "	period_to_ms INTEGER NOT NULL CHECK (period_to_ms > period_from_ms),\n"
    "	created_ms INTEGER NOT NULL,\n"
    "	path TEXT NOT NULL,\n"
    "	size INTEGER NOT NULL CHECK (size >= 0),\n"
    "	sha256 TEXT NOT NULL,\n"
    "	manifest_sha256 TEXT NOT NULL,\n"
    "	prev_hash BLOB NOT NULL CHECK (length(prev_hash) = 32),\n"
    "	hash BLOB NOT NULL CHECK (length(hash) = 32)\n"
    ");\n"
    /* The scheduler asks whether a period already has its snapshot. */
    "CREATE INDEX snapshot_kind_period ON snapshot (kind, period_from_ms);\n"
    "CREATE TABLE outbox (\n"
    "	id INTEGER PRIMARY KEY,\n"
    "	snapshot_id INTEGER NOT NULL REFERENCES snapshot (id),\n"
    "	target TEXT NOT NULL,\n"
    "	state TEXT NOT NULL CHECK (state IN ('pending', 'sent',\n"
    "	    'quarantined')),\n"
    "	attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),\n"
    "	next_ms INTEGER NOT NULL,\n"
    "	last_ms INTEGER,\n"
    "	last_status INTEGER,\n"
    "	last_error TEXT,\n"
    "	sent_ms INTEGER,\n"
    "	UNIQUE (snapshot_id, target)\n"
    ");\n"
    /* Delivery picks the pending rows that are due. */
    "CREATE INDEX outbox_due ON outbox (next_ms) WHERE state = 'pending';\n",
    /*
     * 6: the web: dashboard users (Argon2id hashes from libsodium) and
     * heartbeat tokens (only their SHA-256 is kept).
     */
    "CREATE TABLE web_user (\n"
    "	id INTEGER PRIMARY KEY,\n"
    "	name TEXT NOT NULL UNIQUE,\n"
    "	role TEXT NOT NULL CHECK (role IN ('admin', 'viewer')),\n"
    "	pw_hash TEXT NOT NULL,\n"
    "	created_ms INTEGER NOT NULL,\n"
    "	changed_ms INTEGER NOT NULL\n"
    ");\n"
    "CREATE TABLE heartbeat_token (\n"
    "	device_id INTEGER PRIMARY KEY REFERENCES device (id),\n"
    "	token_sha256 BLOB NOT NULL UNIQUE CHECK (length(token_sha256) = 32),\n"
    "	created_ms INTEGER NOT NULL\n"
    ");\n",
};

#define NMIGRATIONS ((int)(sizeof migrations / sizeof migrations[0]))

int
migrate_latest(void)
{
	return NMIGRATIONS;
}

/* One integer-valued pragma, or -1 (with sqlite's message in ERR). */
static int
pragma_int(sqlite3 *db, const char *sql, int *value, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s", sqlite3_errmsg(db));
		return -1;
	}
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*value = sqlite3_column_int(st, 0);
	else if (rc == SQLITE_DONE)
		*value = 0;
	else
		snprintf(err, errlen, "%s", sqlite3_errmsg(db));
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

/*
 * Table rebuilds (the only way to change a column in SQLite) need
 * foreign keys off, and that pragma is a no-op inside a transaction. So
 * migrations run with them off, and each one proves before it commits
 * that it left no dangling reference.
 */
static int
migrate_fk_check(sqlite3 *db, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(db, "PRAGMA foreign_key_check", -1, &st, NULL) !=
	    SQLITE_OK) {
		snprintf(err, errlen, "%s", sqlite3_errmsg(db));
		return -1;
	}
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		snprintf(err, errlen,
		    "foreign key check failed: row %lld of %s refers to a "
		    "missing row of %s",
		    (long long)sqlite3_column_int64(st, 1),
		    (const char *)sqlite3_column_text(st, 0),
		    (const char *)sqlite3_column_text(st, 2));
	else if (rc != SQLITE_DONE)
		snprintf(err, errlen, "%s", sqlite3_errmsg(db));
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/*
 * Apply migration VERSION inside the caller's transaction. The version
 * is our own loop counter, never outside input, and PRAGMA takes no
 * bound parameters, so it is formatted in.
 */
static int
migrate_step(sqlite3 *db, int version, char *err, size_t errlen)
{
	char sql[64];

	if (sqlite3_exec(db, migrations[version - 1], NULL, NULL, NULL) !=
	    SQLITE_OK) {
		snprintf(err, errlen, "%s", sqlite3_errmsg(db));
		return -1;
	}
	snprintf(sql, sizeof sql, "PRAGMA user_version = %d", version);
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s", sqlite3_errmsg(db));
		return -1;
	}
	return migrate_fk_check(db, err, errlen);
}

int
migrate_to(sqlite3 *db, int target, char *err, size_t errlen)
{
	char why[512];
	int version, fk, rc = 0;

	if (target < 0 || target > NMIGRATIONS) {
		snprintf(err, errlen,
		    "no schema version %d (this xanet knows 0 to %d)", target,
		    NMIGRATIONS);
		return -1;
	}
	if (pragma_int(db, "PRAGMA foreign_keys", &fk, why, sizeof why) == -1 ||
	    sqlite3_exec(db, "PRAGMA foreign_keys = OFF", NULL, NULL, NULL) !=
		SQLITE_OK) {
		snprintf(err, errlen, "cannot prepare migrations: %s",
		    sqlite3_errmsg(db));
		return -1;
	}
	for (;;) {
		/*
		 * The version is read inside the write transaction, so two
		 * processes racing to migrate cannot apply a step twice.
		 */
		if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) !=
		    SQLITE_OK) {
			snprintf(err, errlen, "cannot begin migration: %s",
			    sqlite3_errmsg(db));
			rc = -1;
			break;
		}
		if (pragma_int(db, "PRAGMA user_version", &version, why,
			sizeof why) == -1) {
			snprintf(
			    err, errlen, "cannot read schema version: %s", why);
			sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
			rc = -1;
			break;
		}
		if (version > NMIGRATIONS) {
			snprintf(err, errlen,
			    "database schema version %d is newer than this "
			    "xanet knows (%d); upgrade xanet",
			    version, NMIGRATIONS);
			sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
			rc = -1;
			break;
		}
		if (version > target) {
			snprintf(err, errlen,
			    "database schema version %d cannot be taken back "
			    "to %d",
			    version, target);
			sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
			rc = -1;
			break;
		}
		if (version == target) {
			sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
			break;
		}
		rc = migrate_step(db, version + 1, why, sizeof why);
		if (rc == 0 &&
		    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
			snprintf(why, sizeof why, "%s", sqlite3_errmsg(db));
			rc = -1;
		}
		if (rc == -1) {
			snprintf(err, errlen, "migration %d failed: %s",
			    version + 1, why);
			/* A failed COMMIT may already have rolled back. */
			if (!sqlite3_get_autocommit(db))
				sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
			break;
		}
	}
	if (fk)
		sqlite3_exec(db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL);
	return rc;
}
