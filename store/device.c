/* device.c - the device table, kept in step with the configuration. */
#include <stdlib.h>
#include <string.h>

#include "common/config.h"
#include "common/log.h"
#include "common/util.h"
#include "store/device.h"
#include "store/writer.h"

static void
device_bind_text(sqlite3_stmt *st, int col, const char *s)
{
	if (s == NULL)
		sqlite3_bind_null(st, col);
	else
		sqlite3_bind_text(st, col, s, -1, SQLITE_STATIC);
}

static int
device_query_int(struct writer *w, const char *sql, int64_t *n)
{
	sqlite3_stmt *st = writer_prepare(w, sql);
	int rc;

	if (st == NULL)
		return -1;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*n = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : -1;
}

/* Retired devices named one by one in the log; the rest are counted. */
#define DEVICE_RETIRE_NAMED 10

/* Per configured device, for the summary line. */
#define DEVICE_TOUCHED 0x1
#define DEVICE_NEW     0x2

/*
 * Insert or update one device by key. The WHERE clause keeps unchanged
 * rows untouched, so a reload that changes nothing writes nothing, and
 * a retired key that comes back is un-retired.
 */
static int
device_upsert(struct writer *w, const struct config_device *d, int64_t now_ms,
    unsigned char *flags)
{
	/* The CHECK constraint in the schema pins these names. */
	const char *kind = device_kind_name(d->kind);
	sqlite3_stmt *st;

	if (d->key == NULL || d->name == NULL) {
		log_err(
		    "device %s: no key or name", d->key != NULL ? d->key : "?");
		return -1;
	}
	if ((unsigned)d->kind > DEVICE_OTHER) {
		log_err("device %s: unknown kind %d", d->key, (int)d->kind);
		return -1;
	}
	st = writer_prepare(w,
	    "INSERT INTO device (key, name, kind, grp, address, isp, probes, "
	    "interval_ms, added_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, "
	    "?9) "
	    "ON CONFLICT (key) DO UPDATE SET name = excluded.name, "
	    "kind = excluded.kind, grp = excluded.grp, "
	    "address = excluded.address, isp = excluded.isp, "
	    "probes = excluded.probes, interval_ms = excluded.interval_ms, "
	    "retired_ms = NULL "
	    "WHERE name IS NOT excluded.name OR kind IS NOT excluded.kind "
	    "OR grp IS NOT excluded.grp OR address IS NOT excluded.address "
	    "OR isp IS NOT excluded.isp OR probes IS NOT excluded.probes "
	    "OR interval_ms IS NOT excluded.interval_ms "
	    "OR retired_ms IS NOT NULL");
	if (st == NULL)
		return -1;
	device_bind_text(st, 1, d->key);
	device_bind_text(st, 2, d->name);
	device_bind_text(st, 3, kind);
	device_bind_text(st, 4, d->group);
	device_bind_text(st, 5, d->address);
	device_bind_text(st, 6, d->isp);
	device_bind_text(st, 7, d->probes);
	/* Zero means "not set": the config's defaults apply. */
	if (d->interval_ms > 0)
		sqlite3_bind_int64(st, 8, d->interval_ms);
	else
		sqlite3_bind_null(st, 8);
	sqlite3_bind_int64(st, 9, now_ms);
	if (writer_step(w, st) == -1)
		return -1;
	if (sqlite3_changes(writer_db(w)) > 0)
		*flags |= DEVICE_TOUCHED;
	return 0;
}

/*
 * Point D at its parent, by key; run after every device is in the table.
 * Rows with an id above MAXID were inserted by this sync.
 */
static int
device_set_parent(struct writer *w, const struct config_device *d,
    int64_t maxid, unsigned char *flags)
{
	sqlite3_stmt *st;
	int64_t id = 0, old = -1, parent = -1;
	int rc;

	st = writer_prepare(w,
	    "SELECT d.id, ifnull(d.parent_id, -1), "
	    "ifnull((SELECT p.id FROM device p WHERE p.key = ?2), -1) "
	    "FROM device d WHERE d.key = ?1");
	if (st == NULL)
		return -1;
	device_bind_text(st, 1, d->key);
	device_bind_text(st, 2, d->parent);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		id = sqlite3_column_int64(st, 0);
		old = sqlite3_column_int64(st, 1);
		parent = sqlite3_column_int64(st, 2);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW)
		return -1;
	if (id > maxid)
		*flags |= DEVICE_NEW;
	/* The config loader refuses this; a hand-made config may not. */
	if (d->parent != NULL && parent == -1)
		log_warn("device %s: parent %s is not a configured device; "
			 "kept without a parent",
		    d->key, d->parent);
	if (parent == old)
		return 0;

	st =
	    writer_prepare(w, "UPDATE device SET parent_id = ?2 WHERE id = ?1");
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	if (parent != -1)
		sqlite3_bind_int64(st, 2, parent);
	else
		sqlite3_bind_null(st, 2);
	if (writer_step(w, st) == -1)
		return -1;
	*flags |= DEVICE_TOUCHED;
	return 0;
}

static int
device_key_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/*
 * Mark devices that are no longer configured as retired. Their history
 * is evidence, so the rows stay. Keys to retire are collected first so
 * that the table is not updated under a running SELECT.
 */
static int
device_retire(struct writer *w, const struct config *cfg, int64_t now_ms,
    size_t *nretired)
{
	const char **keys;
	char **gone = NULL;
	size_t ngone = 0, cap = 0;
	sqlite3_stmt *st;
	int rc, ret = -1;

	keys = xreallocarray(NULL, cfg->ndevices, sizeof *keys);
	for (size_t i = 0; i < cfg->ndevices; i++)
		keys[i] = cfg->devices[i].key;
	qsort(keys, cfg->ndevices, sizeof *keys, device_key_cmp);

	st = writer_prepare(
	    w, "SELECT key FROM device WHERE retired_ms IS NULL");
	if (st == NULL)
		goto out;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *key = (const char *)sqlite3_column_text(st, 0);

		if (key == NULL || bsearch(&key, keys, cfg->ndevices,
				       sizeof *keys, device_key_cmp) != NULL)
			continue;
		if (ngone == cap) {
			cap = cap ? cap * 2 : 16;
			gone = xreallocarray(gone, cap, sizeof *gone);
		}
		gone[ngone++] = xstrdup(key);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		goto out;

	for (size_t i = 0; i < ngone; i++) {
		st = writer_prepare(
		    w, "UPDATE device SET retired_ms = ?2 WHERE key = ?1");
		if (st == NULL)
			goto out;
		device_bind_text(st, 1, gone[i]);
		sqlite3_bind_int64(st, 2, now_ms);
		if (writer_step(w, st) == -1)
			goto out;
		/* Name a few; an inventory swap may retire thousands. */
		if (i < DEVICE_RETIRE_NAMED)
			log_info("device %s is no longer configured: retired",
			    gone[i]);
	}
	if (ngone > DEVICE_RETIRE_NAMED)
		log_info("... and %zu more devices retired",
		    ngone - DEVICE_RETIRE_NAMED);
	*nretired = ngone;
	ret = 0;
out:
	for (size_t i = 0; i < ngone; i++)
		free(gone[i]);
	free(gone);
	free(keys);
	return ret;
}

int
device_sync(struct writer *w, const struct config *cfg, int64_t now_ms)
{
	unsigned char *flags = xcalloc(cfg->ndevices, 1);
	size_t added = 0, changed = 0, nretired = 0;
	int64_t maxid;

	if (device_query_int(
		w, "SELECT ifnull(max(id), 0) FROM device", &maxid) == -1)
		goto fail;
	/* All rows first, so that a parent may come after its children. */
	for (size_t i = 0; i < cfg->ndevices; i++)
		if (device_upsert(w, &cfg->devices[i], now_ms, &flags[i]) == -1)
			goto fail;
	for (size_t i = 0; i < cfg->ndevices; i++)
		if (device_set_parent(w, &cfg->devices[i], maxid, &flags[i]) ==
		    -1)
			goto fail;
	if (device_retire(w, cfg, now_ms, &nretired) == -1)
		goto fail;
	for (size_t i = 0; i < cfg->ndevices; i++) {
		if (flags[i] & DEVICE_NEW)
			added++;
		else if (flags[i] & DEVICE_TOUCHED)
			changed++;
	}
	if (added > 0 || changed > 0 || nretired > 0)
		log_info("devices: %zu added, %zu changed, %zu retired, %zu "
			 "configured",
		    added, changed, nretired, cfg->ndevices);
	free(flags);
	return 0;

fail:
	/* The writer has logged what failed; say what it was for. */
	log_err("cannot bring the device table in step with the config");
	free(flags);
	return -1;
}

int
device_each(sqlite3 *db, int include_retired,
    int (*fn)(const struct device_row *row, void *arg), void *arg)
{
	struct device_row row;
	sqlite3_stmt *st;
	int rc, n = 0;

	if (sqlite3_prepare_v2(db,
		"SELECT d.id, d.key, d.name, d.kind, d.grp, d.address, p.key, "
		"d.added_ms, ifnull(d.retired_ms, -1) "
		"FROM device d LEFT JOIN device p ON p.id = d.parent_id "
		"WHERE ?1 OR d.retired_ms IS NULL ORDER BY d.grp, d.key",
		-1, &st, NULL) != SQLITE_OK) {
		log_err("cannot read devices: %s", sqlite3_errmsg(db));
		return -1;
	}
	sqlite3_bind_int(st, 1, include_retired != 0);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		row.id = sqlite3_column_int64(st, 0);
		str_copy_utf8(row.key, (const char *)sqlite3_column_text(st, 1),
		    sizeof row.key);
		str_copy_utf8(row.name,
		    (const char *)sqlite3_column_text(st, 2), sizeof row.name);
		str_copy_utf8(row.kind,
		    (const char *)sqlite3_column_text(st, 3), sizeof row.kind);
		str_copy_utf8(row.group,
		    (const char *)sqlite3_column_text(st, 4), sizeof row.group);
		str_copy_utf8(row.address,
		    (const char *)sqlite3_column_text(st, 5),
		    sizeof row.address);
		str_copy_utf8(row.parent,
		    (const char *)sqlite3_column_text(st, 6),
		    sizeof row.parent);
		row.added_ms = sqlite3_column_int64(st, 7);
		row.retired_ms = sqlite3_column_int64(st, 8);
		n++;
		if (fn(&row, arg) != 0) {
			rc = SQLITE_DONE;
			n = -1;
			break;
		}
	}
	if (rc != SQLITE_DONE) {
		log_err("cannot read devices: %s", sqlite3_errmsg(db));
		n = -1;
	}
	sqlite3_finalize(st);
	return n;
}

int
device_ids(sqlite3 *db, const struct config *cfg, int64_t *ids)
{
	sqlite3_stmt *st;
	int rc = SQLITE_DONE;

	if (sqlite3_prepare_v2(db, "SELECT id FROM device WHERE key = ?1", -1,
		&st, NULL) != SQLITE_OK) {
		log_err("cannot read devices: %s", sqlite3_errmsg(db));
		return -1;
	}
	for (size_t i = 0; i < cfg->ndevices; i++) {
		device_bind_text(st, 1, cfg->devices[i].key);
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW)
			ids[i] = sqlite3_column_int64(st, 0);
		else if (rc == SQLITE_DONE)
			ids[i] = -1;
		else
			break;
		sqlite3_reset(st);
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		log_err("cannot read devices: %s", sqlite3_errmsg(db));
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}
