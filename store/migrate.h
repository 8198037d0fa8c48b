/* migrate.h - numbered schema migrations, applied through PRAGMA user_version. */
#ifndef XANET_MIGRATE_H
#define XANET_MIGRATE_H

#include <sqlite3.h>
#include <stddef.h>

/* The newest schema version this build knows. */
int migrate_latest(void);
/*
 * Bring DB from its user_version up to TARGET, each migration in its own
 * transaction (schema change and user_version bump commit together).
 * Returns 0, or -1 with the reason in ERR (and the database left at the
 * last version that committed).
 */
int migrate_to(sqlite3 *db, int target, char *err, size_t errlen);

#endif
