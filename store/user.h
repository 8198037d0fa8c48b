/*
 * user.h - web_user rows: the dashboard's users, their role and password
 * hash. Writes go through the writer (the daemon's loop, asked by
 * xanetctl over the control socket); reads use any connection.
 */
#ifndef XANET_USER_H
#define XANET_USER_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct writer;

struct user_row {
	int64_t id;
	char name[64];
	char role[8];   /* "admin" or "viewer" */
	char hash[128]; /* Argon2id string (web/auth.h) */
	int64_t created_ms;
	int64_t changed_ms;
};

/* "admin" or "viewer". */
bool user_role_valid(const char *role);

/*
 * Add NAME with ROLE and password HASH (already checked by the caller),
 * in the writer's batch. 0; 1 if NAME exists; -1 on error (logged).
 */
int user_add(struct writer *w, const char *name, const char *role,
    const char *hash, int64_t now_ms);
/* Replace NAME's hash: 0; 1 if there is no such user; -1 on error. */
int user_passwd(
    struct writer *w, const char *name, const char *hash, int64_t now_ms);
/* Delete NAME: 0; 1 if there is no such user; -1 on error. */
int user_del(struct writer *w, const char *name);

/* NAME's row into *OUT: 0; 1 if there is none; -1 on error. */
int user_find(sqlite3 *db, const char *name, struct user_row *out);
/* The number of users, or -1. */
int user_count(sqlite3 *db);
/*
 * FN for each user by name (hash left empty: listing never needs it).
 * The number of rows, or -1.
 */
int user_each(
    sqlite3 *db, int (*fn)(const struct user_row *u, void *arg), void *arg);

#endif
