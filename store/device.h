/* device.h - the device and probe tables, kept in step with the config. */
#ifndef XANET_DEVICE_H
#define XANET_DEVICE_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

struct config;
struct writer;

/*
 * Make the device table match CFG: insert new devices, update changed
 * ones, mark devices no longer configured as retired (their history is
 * evidence and is kept). Queued in the current batch. 0 or -1.
 */
int device_sync(struct writer *w, const struct config *cfg, int64_t now_ms);

struct device_row {
	int64_t id;
	char key[64];
	char name[256];
	char kind[16];
	char group[128];
	char address[256];
	char parent[64];
	int64_t added_ms;
	int64_t retired_ms; /* -1 if still configured */
};
/*
 * Call FN for each device (retired ones only if INCLUDE_RETIRED), ordered
 * by group then key. Returns the number of rows, or -1.
 */
int device_each(sqlite3 *db, int include_retired,
    int (*fn)(const struct device_row *row, void *arg), void *arg);

/*
 * The database id of each of CFG's devices, in config order, into IDS
 * (cfg->ndevices entries); -1 for a device not in the table. 0 or -1.
 */
int device_ids(sqlite3 *db, const struct config *cfg, int64_t *ids);

#endif
