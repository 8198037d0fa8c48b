/* user.c - web_user rows: add, change password, delete, find, list. */
#include <string.h>

#include "common/log.h"
#include "common/util.h"
#include "store/user.h"
#include "store/writer.h"

bool
user_role_valid(const char *role)
{
	return role != NULL &&
	       (strcmp(role, "admin") == 0 || strcmp(role, "viewer") == 0);
}

static void
user_text(char *dst, size_t size, sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);

	str_copy(dst, t != NULL ? (const char *)t : "", size);
}

static void
user_row_read(sqlite3_stmt *st, struct user_row *u, bool with_hash)
{
	memset(u, 0, sizeof *u);
	u->id = sqlite3_column_int64(st, 0);
	user_text(u->name, sizeof u->name, st, 1);
	user_text(u->role, sizeof u->role, st, 2);
	if (with_hash)
		user_text(u->hash, sizeof u->hash, st, 3);
	u->created_ms = sqlite3_column_int64(st, 4);
	u->changed_ms = sqlite3_column_int64(st, 5);
}

#define USER_COLUMNS "id, name, role, pw_hash, created_ms, changed_ms"

int
user_find(sqlite3 *db, const char *name, struct user_row *out)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(db,
		"SELECT " USER_COLUMNS " FROM web_user WHERE name = ?1", -1,
		&st, NULL) != SQLITE_OK) {
		log_err("web_user: %s", sqlite3_errmsg(db));
		return -1;
	}
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		user_row_read(st, out, true);
	else if (rc != SQLITE_DONE)
		log_err("web_user: %s", sqlite3_errmsg(db));
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? 1 : -1;
}

int
user_count(sqlite3 *db)
{
	sqlite3_stmt *st;
	int n = -1;

	if (sqlite3_prepare_v2(db, "SELECT count(*) FROM web_user", -1, &st,
		NULL) != SQLITE_OK) {
		log_err("web_user: %s", sqlite3_errmsg(db));
		return -1;
	}
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	else
		log_err("web_user: %s", sqlite3_errmsg(db));
	sqlite3_finalize(st);
	return n;
}

int
user_each(
    sqlite3 *db, int (*fn)(const struct user_row *u, void *arg), void *arg)
{
	struct user_row u;
	sqlite3_stmt *st;
	int rc, n = 0;

	if (sqlite3_prepare_v2(db,
		"SELECT " USER_COLUMNS " FROM web_user ORDER BY name", -1, &st,
		NULL) != SQLITE_OK) {
		log_err("web_user: %s", sqlite3_errmsg(db));
		return -1;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		user_row_read(st, &u, false);
		n++;
		if (fn(&u, arg) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	if (rc != SQLITE_DONE) {
		log_err("web_user: %s", sqlite3_errmsg(db));
		n = -1;
	}
	sqlite3_finalize(st);
	return n;
}

int
user_add(struct writer *w, const char *name, const char *role, const char *hash,
    int64_t now_ms)
{
	struct user_row u;
	sqlite3_stmt *st;
	int rc;

	/* The writer's own connection sees its open batch. */
	if ((rc = user_find(writer_db(w), name, &u)) != 1)
		return rc == 0 ? 1 : -1;
	st = writer_prepare(w,
	    "INSERT INTO web_user (name, role, pw_hash, created_ms, "
	    "changed_ms) VALUES (?1, ?2, ?3, ?4, ?4)");
	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, role, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, hash, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 4, now_ms);
	if (writer_step(w, st) == -1) {
		log_err("cannot add web user %s", name);
		return -1;
	}
	return 0;
}

int
user_passwd(
    struct writer *w, const char *name, const char *hash, int64_t now_ms)
{
	sqlite3_stmt *st;

	st = writer_prepare(w, "UPDATE web_user SET pw_hash = ?2, "
			       "changed_ms = ?3 WHERE name = ?1");
	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, hash, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 3, now_ms);
	if (writer_step(w, st) == -1) {
		log_err("cannot change the password of web user %s", name);
		return -1;
	}
	return sqlite3_changes(writer_db(w)) > 0 ? 0 : 1;
}

int
user_del(struct writer *w, const char *name)
{
	sqlite3_stmt *st;

	st = writer_prepare(w, "DELETE FROM web_user WHERE name = ?1");
	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
	if (writer_step(w, st) == -1) {
		log_err("cannot delete web user %s", name);
		return -1;
	}
	return sqlite3_changes(writer_db(w)) > 0 ? 0 : 1;
}
