/*
 * auth.h - who may use the dashboard: password hashes (Argon2id through
 * libsodium), the server-side session table with its CSRF tokens, and
 * login rate limiting per client address and per user name.
 *
 * The session table and the limiter are shared by the web server's
 * threads: every function taking a struct auth locks it. Times are
 * monotonic milliseconds passed in by the caller (testable).
 */
#ifndef XANET_AUTH_H
#define XANET_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AUTH_PASSWORD_MIN 10   /* characters, not bytes */
#define AUTH_PASSWORD_MAX 1024 /* bytes */
#define AUTH_HASH_MAX     128  /* crypto_pwhash_STRBYTES */
#define AUTH_NAME_MAX     63   /* bytes of a user name */
#define AUTH_TOKEN_LEN    43   /* 32 random bytes, base64url, no padding */

/* Login failures before a lock-out, per user name and per address. */
#define AUTH_USER_TRIES 5
#define AUTH_IP_TRIES   20

/*
 * Argon2id with libsodium's INTERACTIVE limits (2 passes, 64 MiB): a
 * commune box has 2-4 GB and the web server at most two threads
 * verifying at once, so a login costs at most 128 MiB and ~0.1 s, while
 * an offline guess at a stolen hash costs the same 64 MiB each.
 * MODERATE (256 MiB, ~0.7 s) would let two login attempts take half the
 * memory of the smallest box. Writes the "$argon2id$..." string into OUT
 * (AUTH_HASH_MAX bytes). 0, or -1 (out of memory).
 */
int auth_password_hash(const char *password, char *out, size_t outlen);
/* true if PASSWORD matches HASH (constant time in the password). */
bool auth_password_verify(const char *password, const char *hash);
/*
 * The password policy: valid UTF-8 without control characters, at least
 * AUTH_PASSWORD_MIN characters and at most AUTH_PASSWORD_MAX bytes. 0,
 * or -1 with the reason (English) in ERR.
 */
int auth_password_acceptable(const char *password, char *err, size_t errlen);
/* A hash string as auth_password_hash makes (what the daemon accepts). */
bool auth_hash_valid(const char *hash);
/* A user name: 1..63 bytes of [A-Za-z0-9._@-], not starting with '-'. */
bool auth_name_valid(const char *name);
/* Base64url of 32 fresh random bytes into OUT (AUTH_TOKEN_LEN + 1). */
void auth_token_new(char *out);

struct auth;

struct auth_session {
	char id[AUTH_TOKEN_LEN + 1];
	char csrf[AUTH_TOKEN_LEN + 1];
	char user[AUTH_NAME_MAX + 1];
	bool admin;
};

/*
 * At most MAX_SESSIONS sessions live at once; a session unused for
 * IDLE_MS ends. When the table is full, the least recently used session
 * is ended (counted).
 */
struct auth *auth_new(int64_t idle_ms, size_t max_sessions);
void auth_free(struct auth *a);

/* A new session for USER into *OUT. 0, or -1 (no randomness...). */
int auth_session_new(struct auth *a, const char *user, bool admin,
    int64_t now_ms, struct auth_session *out);
/*
 * The live session with ID into *OUT (and it counts as used at NOW_MS):
 * 0, or -1 if there is none (unknown, malformed or idle too long).
 */
int auth_session_find(
    struct auth *a, const char *id, int64_t now_ms, struct auth_session *out);
/* End the session ID (logout); 0, or -1 if there was none. */
int auth_session_end(struct auth *a, const char *id);
/* End every session of USER (deleted, or password changed): how many. */
size_t auth_session_end_user(struct auth *a, const char *user);
/* Live sessions, and sessions pushed out by a full table. */
size_t auth_session_count(struct auth *a, int64_t now_ms);
uint64_t auth_session_evicted(struct auth *a);

/* TOKEN (may be NULL) equals S's CSRF token; constant time. */
bool auth_csrf_ok(const struct auth_session *s, const char *token);

/*
 * Login rate limiting. Before checking a password: 0 if a login from IP
 * as USER may be tried now, or the milliseconds until it may (answer
 * 429 with Retry-After, without checking the password). After: record
 * the outcome. A user name has AUTH_USER_TRIES failures, an address
 * AUTH_IP_TRIES (an office behind one NAT shares it), then each further
 * failure locks it out for 30 s, doubling up to 15 min; failures are
 * forgotten 15 min after the last one, and a success clears the name
 * and the address. The table is bounded: the stalest entry makes room.
 */
int64_t auth_login_wait(
    struct auth *a, const char *ip, const char *user, int64_t now_ms);
void auth_login_failed(
    struct auth *a, const char *ip, const char *user, int64_t now_ms);
void auth_login_succeeded(struct auth *a, const char *ip, const char *user);
/*
 * The hash to verify against when the user does not exist, so that an
 * unknown name takes as long as a wrong password (made on first use),
 * into OUT (AUTH_HASH_MAX bytes).
 */
void auth_dummy_hash(struct auth *a, char *out, size_t outlen);

#endif
