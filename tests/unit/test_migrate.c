/* test_migrate.c - unit tests of store/migrate: every old schema reaches the latest. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "common/log.h"
#include "common/util.h"
#include "store/db.h"
#include "store/migrate.h"
#include "tests/unit/testutil.h"

/* The rows of each version that later versions keep as they are. */
#define ROWS_2                                                                    \
	"INSERT INTO monitor_run (id, start_ms, last_alive_ms, stop_ms, "         \
	"stop_reason, version, config_hash) VALUES "                              \
	"(1, 1790787600000, 1790791200000, 1790791200000, 'stop', '0.2.0', "      \
	"'9f86d081884c7d65');"                                                    \
	"INSERT INTO device (id, key, name, kind, grp, address, parent_id, "      \
	"isp, probes, interval_ms, added_ms, retired_ms) VALUES "                 \
	"(1, 'fw-ubnd', 'Tường lửa UBND', 'firewall', NULL, '192.168.1.1', " \
	"NULL, NULL, 'icmp', 30000, 1790787600000, NULL), "                       \
	"(2, 'ap-thon-1', 'Nhà văn hóa thôn 1', 'wifi-ap', 'Thôn 1', "       \
	"'thon1.ddns.net', 1, 'VNPT HD-0042', 'icmp, "                            \
	"https://thon1.ddns.net/', "                                              \
	"60000, 1790787600000, NULL);"                                            \
	"INSERT INTO sample (id, device_id, probe, kind, ts_ms, ok, cause, "      \
	"rtt_us, rtt_min_us, rtt_max_us, jitter_us, sent, received, "             \
	"http_status, cert_days) VALUES "                                         \
	"(1, 2, 0, 'icmp', 1790787601000, 1, NULL, 12000, 9000, 15000, 3000, "    \
	"3, 3, NULL, NULL), "                                                     \
	"(2, 2, 0, 'icmp', 1790787661000, 0, 'loss', NULL, NULL, NULL, NULL, "    \
	"3, 0, NULL, NULL), "                                                     \
	"(3, 2, 1, 'http', 1790787602000, 1, NULL, 250000, NULL, NULL, NULL, "    \
	"1, 1, 200, 41);"                                                         \
	"INSERT INTO sample_hour (device_id, kind, hour_ms, count, ok, sent, "    \
	"received, rtt_sum_us, rtt_n, rtt_min_us, rtt_max_us) VALUES "            \
	"(2, 'icmp', 1790787600000, 2, 1, 6, 3, 12000, 1, 9000, 15000), "         \
	"(2, 'http', 1790787600000, 1, 1, 1, 1, 250000, 1, 250000, 250000);"      \
	"INSERT INTO state_interval (id, device_id, state, start_ms, end_ms, "    \
	"cause, prev_hash, hash) VALUES "                                         \
	"(1, 2, 'unknown', 1790787600000, 1790787601000, 'monitor-stopped', "     \
	"X'00000000000000000000000000000000"                                      \
	"00000000000000000000000000000000', "                                     \
	"X'11111111111111111111111111111111"                                      \
	"11111111111111111111111111111111'), "                                    \
	"(2, 2, 'up', 1790787601000, 1790787661000, NULL, "                       \
	"X'11111111111111111111111111111111"                                      \
	"11111111111111111111111111111111', "                                     \
	"X'22222222222222222222222222222222"                                      \
	"22222222222222222222222222222222'), "                                    \
	"(3, 2, 'down', 1790787661000, NULL, 'loss', "                            \
	"X'22222222222222222222222222222222"                                      \
	"22222222222222222222222222222222', "                                     \
	"X'33333333333333333333333333333333"                                      \
	"33333333333333333333333333333333');"                                     \
	"INSERT INTO alert (id, ts_ms, severity, event, device_id, details, "     \
	"acked_ms, ack_note, prev_hash, hash) VALUES "                            \
	"(1, 1790787600000, 'notice', 'monitor-start', NULL, 'xanetd 0.2.0', "    \
	"NULL, NULL, "                                                            \
	"X'00000000000000000000000000000000"                                      \
	"00000000000000000000000000000000', "                                     \
	"X'11111111111111111111111111111111"                                      \
	"11111111111111111111111111111111'), "                                    \
	"(2, 1790787661000, 'error', 'down', 2, 'mất gói 100%', "              \
	"1790787700000, 'đã gọi VNPT', "                                      \
	"X'11111111111111111111111111111111"                                      \
	"11111111111111111111111111111111', "                                     \
	"X'22222222222222222222222222222222"                                      \
	"22222222222222222222222222222222');"                                     \
	"INSERT INTO maintenance (id, device_id, start_ms, end_ms, reason, "      \
	"created_ms) VALUES "                                                     \
	"(1, 1, 1790791200000, 1790794800000, 'thay tường lửa', "            \
	"1790787600000);"

#define ROWS_3_LAN                                                             \
                                                                               \
	"INSERT INTO host (id, mac, ipv4, ipv6, name, name_source, vendor, "   \
	"os_guess, dhcp_fp, first_ms, last_ms, status, label, av_product, "    \
	"av_last_ms) VALUES "                                                  \
	"(1, '00:0c:29:59:fd:21', '192.168.1.23', NULL, 'KETOAN-PC', 'dhcp', " \
	"'VMware, Inc.', 'Windows', '55:1,3,6,15;60:MSFT 5.0', "               \
	"1790787600000, "                                                      \
	"1790791200000, 'approved', 'PC kế toán', 'Kaspersky', "            \
	"1790790000000), "                                                     \
	"(2, '3c:22:fb:00:00:01', NULL, NULL, NULL, NULL, NULL, NULL, NULL, "  \
	"1790787700000, 1790787700000, 'unknown', NULL, NULL, NULL);"          \
	"INSERT INTO host_traffic_hour (host_id, hour_ms, bytes_in, "          \
	"bytes_out, pkts_in, pkts_out, estimated) VALUES "                     \
	"(1, 1790787600000, 1200000, 340000, 1500, 900, 0);"                   \
	"INSERT INTO uplink_hour (hour_ms, bytes_in, bytes_out, peak_in_bps, " \
	"peak_out_bps, estimated) VALUES "                                     \
	"(1790787600000, 9000000, 1200000, 8000000.5, 900000, 1);"             \
	"INSERT INTO lan_event (id, ts_ms, rule, mac, ip, details) VALUES "    \
	"(1, 1790787700000, 'lan-new-host', '3c:22:fb:00:00:01', NULL, "       \
	"'mac=3c:22:fb:00:00:01 rule=lan-new-host');"                          \
	"INSERT INTO lan_capture (id, iface, start_ms, last_alive_ms, "        \
	"stop_ms, "                                                            \
	"packets, drops) VALUES "                                              \
	"(1, 'eth0', 1790787600000, 1790791200000, 1790791200000, 52000, 0), " \
	"(2, 'eth0', 1790791260000, 1790794860000, NULL, 1000, 2);"

#define ROWS_4_SNMP                                                            \
                                                                               \
	"INSERT INTO metric (id, device_id, name, instance, ts_ms, value) "    \
	"VALUES (1, 2, 'if_in_bps', '2', 1790787601000, 1500000.5), "          \
	"(2, 2, 'cpu_pct', '', 1790787601000, 12), "                           \
	"(3, 2, 'clients', '1', 1790787601000, 7);"                            \
	"INSERT INTO metric_hour (device_id, name, instance, hour_ms, count, " \
	"sum, min, max) VALUES "                                               \
	"(2, 'if_in_bps', '2', 1790787600000, 2, 3000000, 1000000, 2000000), " \
	"(2, 'cpu_pct', '', 1790787600000, 1, 12, 12, 12);"                    \
	"INSERT INTO snmp_system (device_id, sys_name, sys_descr, "            \
	"sys_object_id, uptime_cs, profile, updated_ms) VALUES "               \
	"(2, 'ap-thon-1', 'UAP-AC-Lite 6.5.28', '1.3.6.1.4.1.41112', "         \
	"27648000, 'unifi', 1790787601000);"                                   \
	"INSERT INTO snmp_iface (device_id, if_index, name, alias, admin, "    \
	"oper, speed_bps, in_bps, out_bps, in_errors, out_errors, "            \
	"in_discards, out_discards, important, updated_ms) VALUES "            \
	"(2, 2, 'eth0', 'uplink VNPT', 1, 1, 1000000000, 1500000.5, 20000, "   \
	"0, 0, 0.1, 0, 1, 1790787601000), "                                    \
	"(2, 3, 'ath0', '', 1, 2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, "  \
	"0, 1790787601000);"                                                   \
	"INSERT INTO snmp_text (device_id, label, value, updated_ms) VALUES "  \
	"(2, 'firmware', 'v6.5.28', 1790787601000);"

#define ROWS_5_EVIDENCE                                                       \
	"INSERT INTO snapshot (id, uid, kind, period_from_ms, period_to_ms, " \
	"created_ms, path, size, sha256, manifest_sha256, prev_hash, hash) "  \
	"VALUES (1, '6f1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e', 'daily', "            \
	"1790787600000, 1790874000000, 1790873700000, "                       \
	"'/var/lib/xanet/packs/x.zip', 20480, 'ab', 'cd', zeroblob(32), "     \
	"zeroblob(32));"                                                      \
	"INSERT INTO outbox (id, snapshot_id, target, state, attempts, "      \
	"next_ms, last_ms, last_status, last_error, sent_ms) VALUES "         \
	"(1, 1, 'so-ttt', 'sent', 1, 1790873700000, 1790873701000, 200, "     \
	"NULL, 1790873701000), "                                              \
	"(2, 1, 's3-tinh', 'pending', 3, 1790873900000, 1790873800000, 503, " \
	"'HTTP 503', NULL);"

#define ROWS_6_WEB                                                            \
	"INSERT INTO web_user (id, name, role, pw_hash, created_ms, "         \
	"changed_ms) VALUES (1, 'canbo', 'admin', '$argon2id$v=19$m=65536', " \
	"1790787600000, 1790787600000);"                                      \
	"INSERT INTO heartbeat_token (device_id, token_sha256, created_ms) "  \
	"VALUES (2, zeroblob(32), 1790787600000);"

/*
 * Rows valid at each schema version: fixtures[V] is run on a database at
 * version V. When you add migration N, add fixtures[N] with rows for
 * every table as it stands at N; the generic test below then proves that
 * those rows survive every later migration.
 */
static const char *const fixtures[] = {
    /* 0: an empty database. */
    "",
    /* 1 */
    "INSERT INTO monitor_run (id, start_ms, last_alive_ms, stop_ms, "
    "stop_reason, version, config_hash) VALUES "
    "(1, 1790787600000, 1790791200000, 1790791200000, 'crash', '0.1.0', "
    "'9f86d081884c7d65'), "
    "(2, 1790791260000, 1790794860000, NULL, NULL, '0.1.0', "
    "'9f86d081884c7d65');"
    "INSERT INTO device (id, key, name, kind, grp, address, parent_id, "
    "isp, probes, interval_ms, added_ms, retired_ms) VALUES "
    "(1, 'fw-ubnd', 'Tường lửa UBND', 'firewall', NULL, '192.168.1.1', "
    "NULL, NULL, 'icmp', 30000, 1790787600000, NULL), "
    "(2, 'ap-thon-1', 'Nhà văn hóa thôn 1', 'wifi-ap', 'Thôn 1', "
    "'thon1.ddns.net', 1, 'VNPT HD-0042', 'icmp, http', 60000, "
    "1790787600000, NULL), "
    "(3, 'pc-ketoan', 'Máy kế toán', 'pc', 'UBND', NULL, 1, NULL, NULL, "
    "NULL, 1790787600000, 1790791200000);",
    /* 2: hashes are placeholders; migrations do not verify chains. */
    ROWS_2,
    /* 3: the rows of 2, and the LAN tables. */
    ROWS_2 ROWS_3_LAN,
    /* 4: the rows of 3, and the SNMP tables. */
    ROWS_2 ROWS_3_LAN ROWS_4_SNMP,
    /* 5: the rows of 4, and the snapshots with their outbox. */
    ROWS_2 ROWS_3_LAN ROWS_4_SNMP ROWS_5_EVIDENCE,
    /* 6: the rows of 5, and the web's users and heartbeat tokens. */
    ROWS_2 ROWS_3_LAN ROWS_4_SNMP ROWS_5_EVIDENCE ROWS_6_WEB,
};

#define NFIXTURES ((int)(sizeof fixtures / sizeof fixtures[0]))

/* A growing string. */
struct buf {
	char *s;
	size_t len, cap;
};

static void
buf_add(struct buf *b, const char *s)
{
	size_t n = strlen(s);

	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->s = xreallocarray(b->s, b->cap, 1);
	}
	memcpy(b->s + b->len, s, n + 1);
	b->len += n;
}

/* SQL with runs of white space folded to one space. */
static void
buf_add_normalised(struct buf *b, const char *sql)
{
	char *copy = xstrdup(sql), *out = copy;
	int space = 0;

	for (const char *p = sql; *p != '\0'; p++) {
		if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') {
			space = 1;
			continue;
		}
		if (space && out != copy)
			*out++ = ' ';
		space = 0;
		*out++ = *p;
	}
	*out = '\0';
	buf_add(b, copy);
	free(copy);
}

/* Every schema object, in a fixed order, SQL normalised. */
static char *
schema_dump(sqlite3 *db)
{
	struct buf b = {0};
	sqlite3_stmt *st;

	buf_add(&b, "");
	assert_int_equal(sqlite3_prepare_v2(db,
			     "SELECT type, name, tbl_name, sql FROM "
			     "sqlite_schema ORDER BY type, name",
			     -1, &st, NULL),
	    SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		for (int i = 0; i < 3; i++) {
			buf_add(&b, (const char *)sqlite3_column_text(st, i));
			buf_add(&b, "|");
		}
		if (sqlite3_column_type(st, 3) != SQLITE_NULL)
			buf_add_normalised(
			    &b, (const char *)sqlite3_column_text(st, 3));
		buf_add(&b, "\n");
	}
	sqlite3_finalize(st);
	return b.s;
}

/* Table and column names of TABLES' current columns, for data_dump. */
struct table_cols {
	char *table;
	char *select; /* SELECT quote(a) || '|' || ... FROM "t" ORDER BY 1 */
};

static void
add_ident(struct buf *b, const char *name)
{
	buf_add(b, "\"");
	for (const char *p = name; *p != '\0'; p++) {
		char c[3] = {*p, *p == '"' ? '"' : '\0', '\0'};

		buf_add(b, c);
	}
	buf_add(b, "\"");
}

/* The user tables of DB and a query for the columns each has now. */
static struct table_cols *
tables_now(sqlite3 *db, size_t *n)
{
	struct table_cols *t = NULL;
	sqlite3_stmt *st, *cols;

	*n = 0;
	assert_int_equal(sqlite3_prepare_v2(db,
			     "SELECT name FROM sqlite_schema WHERE type = "
			     "'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE "
			     "'\\' ORDER BY name",
			     -1, &st, NULL),
	    SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db,
			     "SELECT name FROM pragma_table_info(?1) ORDER BY "
			     "cid",
			     -1, &cols, NULL),
	    SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 0);
		struct buf q = {0};
		int first = 1;

		buf_add(&q, "SELECT ");
		sqlite3_bind_text(cols, 1, name, -1, SQLITE_TRANSIENT);
		while (sqlite3_step(cols) == SQLITE_ROW) {
			if (!first)
				buf_add(&q, " || '|' || ");
			first = 0;
			buf_add(&q, "quote(");
			add_ident(
			    &q, (const char *)sqlite3_column_text(cols, 0));
			buf_add(&q, ")");
		}
		sqlite3_reset(cols);
		buf_add(&q, " FROM ");
		add_ident(&q, name);
		/* By the row's text: WITHOUT ROWID tables have no rowid. */
		buf_add(&q, " ORDER BY 1");
		t = xreallocarray(t, *n + 1, sizeof *t);
		t[*n].table = xstrdup(name);
		t[*n].select = q.s;
		(*n)++;
	}
	sqlite3_finalize(cols);
	sqlite3_finalize(st);
	return t;
}

static char *
data_dump(sqlite3 *db, const struct table_cols *t, size_t n)
{
	struct buf b = {0};
	sqlite3_stmt *st;

	buf_add(&b, "");
	for (size_t i = 0; i < n; i++) {
		int rc = sqlite3_prepare_v2(db, t[i].select, -1, &st, NULL);

		if (rc != SQLITE_OK)
			fail_msg("%s: %s", t[i].select, sqlite3_errmsg(db));
		buf_add(&b, t[i].table);
		buf_add(&b, ":\n");
		while (sqlite3_step(st) == SQLITE_ROW) {
			buf_add(&b, (const char *)sqlite3_column_text(st, 0));
			buf_add(&b, "\n");
		}
		sqlite3_finalize(st);
	}
	return b.s;
}

static void
tables_free(struct table_cols *t, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(t[i].table);
		free(t[i].select);
	}
	free(t);
}

static void
test_fixture_for_every_version(void **state)
{
	/* Adding a migration without its fixture fails here, on purpose. */
	assert_int_equal(NFIXTURES, migrate_latest() + 1);
	assert_true(migrate_latest() >= 1);
}

static void
test_every_version_migrates_to_latest(void **state)
{
	struct store_fixture *f = *state;
	char err[512] = "", path[256];
	char *fresh_schema, *schema, *before, *after;
	struct table_cols *tables;
	size_t ntables;
	sqlite3 *db;
	int latest = migrate_latest();

	if (NFIXTURES <= latest)
		fail_msg("no fixture for schema version %d", NFIXTURES);
	/* The reference: a new database migrated straight to the latest. */
	db = raw_open(f->path);
	assert_int_equal(migrate_to(db, latest, err, sizeof err), 0);
	assert_int_equal(db_schema_version(db), latest);
	exec_ok(db, "PRAGMA foreign_keys = ON");
	exec_ok(db, fixtures[latest]);
	fresh_schema = schema_dump(db);
	sqlite3_close(db);

	for (int v = 0; v < latest; v++) {
		snprintf(path, sizeof path, "%s/v%d.db", f->dir, v);
		db = raw_open(path);
		assert_int_equal(migrate_to(db, v, err, sizeof err), 0);
		assert_int_equal(db_schema_version(db), v);
		exec_ok(db, fixtures[v]);
		tables = tables_now(db, &ntables);
		before = data_dump(db, tables, ntables);

		if (migrate_to(db, latest, err, sizeof err) != 0)
			fail_msg("from version %d: %s", v, err);
		assert_int_equal(db_schema_version(db), latest);
		schema = schema_dump(db);
		assert_string_equal(schema, fresh_schema);
		after = data_dump(db, tables, ntables);
		assert_string_equal(after, before);
		assert_int_equal(query_int(db, "SELECT count(*) FROM "
					       "pragma_foreign_key_check"),
		    0);

		free(schema);
		free(before);
		free(after);
		tables_free(tables, ntables);
		sqlite3_close(db);
	}
	free(fresh_schema);
}

static void
test_each_step_lands_on_its_version(void **state)
{
	struct store_fixture *f = *state;
	char err[512] = "";
	sqlite3 *db = raw_open(f->path);

	exec_ok(db, "PRAGMA foreign_keys = ON");
	for (int v = 0; v <= migrate_latest(); v++) {
		assert_int_equal(migrate_to(db, v, err, sizeof err), 0);
		assert_int_equal(db_schema_version(db), v);
		/* Foreign keys are off only while migrating. */
		assert_int_equal(query_int(db, "PRAGMA foreign_keys"), 1);
		assert_int_equal(sqlite3_get_autocommit(db), 1);
	}
	/* Already there: nothing to do. */
	assert_int_equal(migrate_to(db, migrate_latest(), err, sizeof err), 0);
	sqlite3_close(db);
}

/* F's database at schema version V, foreign keys on, holding fixtures[V]. */
static sqlite3 *
open_at(const struct store_fixture *f, int v)
{
	char err[512] = "";
	sqlite3 *db = raw_open(f->path);

	assert_int_equal(migrate_to(db, v, err, sizeof err), 0);
	exec_ok(db, "PRAGMA foreign_keys = ON");
	exec_ok(db, fixtures[v]);
	return db;
}

/* SQL must fail with the extended result code WANT. */
static void
exec_refused(sqlite3 *db, const char *sql, int want)
{
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK)
		fail_msg("accepted: %s", sql);
	assert_int_equal(sqlite3_extended_errcode(db), want);
}

static void
test_version_one_schema(void **state)
{
	sqlite3 *db = open_at(*state, 1);

	assert_int_equal(query_int(db, "SELECT count(*) FROM device"), 3);
	assert_int_equal(query_int(db, "SELECT count(*) FROM monitor_run"), 2);
	/* Kinds are the eight the design names. */
	exec_refused(db,
	    "INSERT INTO device (key, name, kind, added_ms) VALUES ('x', 'x', "
	    "'toaster', 1)",
	    SQLITE_CONSTRAINT_CHECK);
	/* Keys are unique. */
	exec_refused(db,
	    "INSERT INTO device (key, name, kind, added_ms) VALUES ('fw-ubnd', "
	    "'x', 'pc', 1)",
	    SQLITE_CONSTRAINT_UNIQUE);
	/* A parent must exist. */
	exec_refused(db,
	    "INSERT INTO device (key, name, kind, parent_id, added_ms) VALUES "
	    "('y', 'y', 'pc', 99, 1)",
	    SQLITE_CONSTRAINT_FOREIGNKEY);
	/* Runs need their version and config hash. */
	exec_refused(db,
	    "INSERT INTO monitor_run (start_ms, last_alive_ms, config_hash) "
	    "VALUES (1, 1, 'h')",
	    SQLITE_CONSTRAINT_NOTNULL);
	/* The indexes that the list and crash-closing queries rely on. */
	assert_int_equal(
	    query_int(db, "SELECT count(*) FROM sqlite_schema WHERE type = "
			  "'index' AND name IN ('device_grp_key', "
			  "'device_parent', 'monitor_run_start', "
			  "'monitor_run_open')"),
	    4);
	sqlite3_close(db);
}

static void
test_version_two_schema(void **state)
{
	sqlite3 *db = open_at(*state, 2);

	/* The five states, and no other. */
	exec_refused(db,
	    "UPDATE state_interval SET state = 'sideways' WHERE id = 1",
	    SQLITE_CONSTRAINT_CHECK);
	/* One open interval per device. */
	exec_refused(db,
	    "INSERT INTO state_interval (device_id, state, start_ms, "
	    "prev_hash, hash) VALUES (2, 'up', 1790787700000, "
	    "zeroblob(32), zeroblob(32))",
	    SQLITE_CONSTRAINT_UNIQUE);
	exec_ok(db, "INSERT INTO state_interval (device_id, state, start_ms, "
		    "prev_hash, hash) VALUES (1, 'up', 1790787700000, "
		    "zeroblob(32), zeroblob(32))");
	/* An interval cannot end before it starts; hashes are SHA-256. */
	exec_refused(db,
	    "UPDATE state_interval SET end_ms = start_ms - 1 WHERE id = 4",
	    SQLITE_CONSTRAINT_CHECK);
	exec_refused(db,
	    "UPDATE state_interval SET hash = zeroblob(31) WHERE id = 4",
	    SQLITE_CONSTRAINT_CHECK);
	exec_refused(db, "UPDATE alert SET prev_hash = NULL WHERE id = 1",
	    SQLITE_CONSTRAINT_NOTNULL);
	/* Rows belong to devices that exist. */
	exec_refused(db,
	    "INSERT INTO sample (device_id, probe, kind, ts_ms, ok, sent, "
	    "received) VALUES (9, 0, 'icmp', 1, 1, 1, 1)",
	    SQLITE_CONSTRAINT_FOREIGNKEY);
	exec_refused(db,
	    "INSERT INTO sample (device_id, probe, kind, ts_ms, ok, sent, "
	    "received) VALUES (2, 0, 'icmp', 1, 1, 3, 4)",
	    SQLITE_CONSTRAINT_CHECK);
	exec_refused(db,
	    "INSERT INTO sample_hour (device_id, kind, hour_ms, count, ok, "
	    "sent, received, rtt_sum_us, rtt_n) VALUES (2, 'icmp', "
	    "1790787600000, 1, 1, 1, 1, 0, 0)",
	    SQLITE_CONSTRAINT_PRIMARYKEY);
	exec_refused(db,
	    "INSERT INTO maintenance (device_id, start_ms, end_ms, "
	    "created_ms) VALUES (1, 10, 9, 1)",
	    SQLITE_CONSTRAINT_CHECK);
	assert_int_equal(
	    query_int(db, "SELECT count(*) FROM sqlite_schema WHERE type = "
			  "'index' AND name IN ('sample_device_ts', "
			  "'state_interval_device', 'state_interval_open', "
			  "'alert_ts', 'alert_device', 'maintenance_end', "
			  "'maintenance_device')"),
	    7);
	/* Rollups are kept for years: no rowid next to the key. */
	assert_int_equal(query_int(db, "SELECT count(*) FROM "
				       "pragma_index_list('sample_hour') "
				       "WHERE origin = 'pk'"),
	    1);
	assert_int_equal(query_int(db, "SELECT sql LIKE '%WITHOUT ROWID' "
				       "FROM sqlite_schema WHERE name = "
				       "'sample_hour'"),
	    1);
	sqlite3_close(db);
}

static void
test_newer_version_refused(void **state)
{
	struct store_fixture *f = *state;
	char err[512] = "", want[256], sql[64];
	sqlite3 *db = raw_open(f->path);

	snprintf(
	    sql, sizeof sql, "PRAGMA user_version = %d", migrate_latest() + 1);
	exec_ok(db, sql);
	assert_int_equal(migrate_to(db, migrate_latest(), err, sizeof err), -1);
	snprintf(want, sizeof want,
	    "database schema version %d is newer than this xanet knows (%d); "
	    "upgrade xanet",
	    migrate_latest() + 1, migrate_latest());
	assert_string_equal(err, want);
	assert_int_equal(db_schema_version(db), migrate_latest() + 1);
	assert_int_equal(
	    query_int(db, "SELECT count(*) FROM sqlite_schema"), 0);
	sqlite3_close(db);
}

static void
test_failed_migration_keeps_previous_version(void **state)
{
	struct store_fixture *f = *state;
	char err[512] = "";
	sqlite3 *db = raw_open(f->path);

	/* Someone's table in the way of migration 1. */
	exec_ok(db, "CREATE TABLE device (x TEXT);"
		    "INSERT INTO device VALUES ('keep me');");
	assert_int_equal(migrate_to(db, migrate_latest(), err, sizeof err), -1);
	assert_string_equal(
	    err, "migration 1 failed: table device already exists");
	assert_int_equal(db_schema_version(db), 0);
	assert_int_equal(sqlite3_get_autocommit(db), 1);
	/* Migration 1 created monitor_run before it failed: rolled back. */
	assert_int_equal(query_int(db, "SELECT count(*) FROM sqlite_schema "
				       "WHERE name = 'monitor_run'"),
	    0);
	assert_int_equal(query_int(db, "SELECT count(*) FROM "
				       "pragma_table_info('device')"),
	    1);
	assert_int_equal(query_int(db, "SELECT count(*) FROM device WHERE "
				       "x = 'keep me'"),
	    1);
	sqlite3_close(db);
}

static void
test_bad_targets_refused(void **state)
{
	struct store_fixture *f = *state;
	char err[512] = "", want[256];
	sqlite3 *db = raw_open(f->path);

	assert_int_equal(
	    migrate_to(db, migrate_latest() + 1, err, sizeof err), -1);
	snprintf(want, sizeof want,
	    "no schema version %d (this xanet knows 0 to %d)",
	    migrate_latest() + 1, migrate_latest());
	assert_string_equal(err, want);
	assert_int_equal(migrate_to(db, -1, err, sizeof err), -1);

	assert_int_equal(migrate_to(db, migrate_latest(), err, sizeof err), 0);
	assert_int_equal(migrate_to(db, 0, err, sizeof err), -1);
	snprintf(want, sizeof want,
	    "database schema version %d cannot be taken back to 0",
	    migrate_latest());
	assert_string_equal(err, want);
	assert_int_equal(db_schema_version(db), migrate_latest());
	sqlite3_close(db);
}

int
main(void)
{
#define T(fn) STORE_TEST(fn, empty, "migrate")
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_fixture_for_every_version),
	    T(test_every_version_migrates_to_latest),
	    T(test_each_step_lands_on_its_version),
	    T(test_version_one_schema),
	    T(test_version_two_schema),
	    T(test_newer_version_refused),
	    T(test_failed_migration_keeps_previous_version),
	    T(test_bad_targets_refused),
	};
#undef T

	log_set_level(LOG_WARNING);

	return cmocka_run_group_tests(tests, NULL, NULL);
}
