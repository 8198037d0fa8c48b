/* auth.c - password hashing, the session table with CSRF tokens, and login rate limiting. */
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/util.h"
#include "web/auth.h"

#define AUTH_LIMITS_MAX    1024         /* rate-limit entries */
#define AUTH_LOCK_BASE_MS  (30 * 1000)  /* first lock-out */
#define AUTH_LOCK_CAP_MS   (15 * 60000) /* longest lock-out */
#define AUTH_FORGET_MS     (15 * 60000) /* failures forgotten after */
#define AUTH_LIMIT_KEY_MAX (AUTH_NAME_MAX + 8)

struct auth_slot {
	struct auth_session s;
	int64_t last_ms; /* 0: free */
};

struct auth_limit {
	char key[AUTH_LIMIT_KEY_MAX + 1]; /* "u:NAME" or "a:ADDRESS" */
	int fails;
	int64_t last_fail_ms;
	int64_t locked_until_ms;
};

struct auth {
	pthread_mutex_t lock;
	int64_t idle_ms;
	struct auth_slot *slots;
	size_t nslots;
	uint64_t evicted;
	struct auth_limit *limits;
	size_t nlimits;
	uint64_t limits_evicted;
	char dummy[AUTH_HASH_MAX];
};

int
auth_password_hash(const char *password, char *out, size_t outlen)
{
	if (outlen < crypto_pwhash_STRBYTES || sodium_init() < 0)
		return -1;
	return crypto_pwhash_str(out, password, strlen(password),
		   crypto_pwhash_OPSLIMIT_INTERACTIVE,
		   crypto_pwhash_MEMLIMIT_INTERACTIVE) == 0
		   ? 0
		   : -1;
}

bool
auth_password_verify(const char *password, const char *hash)
{
	if (sodium_init() < 0 || !auth_hash_valid(hash))
		return false;
	return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
}

int
auth_password_acceptable(const char *password, char *err, size_t errlen)
{
	size_t len = strlen(password), chars = 0;

	if (len > AUTH_PASSWORD_MAX) {
		snprintf(err, errlen, "password longer than %d bytes",
		    AUTH_PASSWORD_MAX);
		return -1;
	}
	if (!utf8_valid(password, len)) {
		snprintf(err, errlen, "password is not valid UTF-8");
		return -1;
	}
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)password[i];

		if (c < 0x20 || c == 0x7f) {
			snprintf(err, errlen,
			    "password contains a control character");
			return -1;
		}
		if ((c & 0xc0) != 0x80)
			chars++;
	}
	if (chars < AUTH_PASSWORD_MIN) {
		snprintf(err, errlen,
		    "password too short: at least %d characters",
		    AUTH_PASSWORD_MIN);
		return -1;
	}
	return 0;
}

bool
auth_hash_valid(const char *hash)
{
	size_t len;

	if (hash == NULL)
		return false;
	len = strlen(hash);
	/* What crypto_pwhash_str writes: printable ASCII, no spaces. */
	if (len < 20 || len >= AUTH_HASH_MAX ||
	    strncmp(hash, crypto_pwhash_STRPREFIX,
		strlen(crypto_pwhash_STRPREFIX)) != 0)
		return false;
	for (size_t i = 0; i < len; i++)
		if (hash[i] <= ' ' || hash[i] > '~')
			return false;
	return true;
}

bool
auth_name_valid(const char *name)
{
	size_t len = strlen(name);

	return len > 0 && len <= AUTH_NAME_MAX && name[0] != '-' &&
	       strspn(name,
		   "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		   "0123456789._@-") == len;
}

void
auth_token_new(char *out)
{
	unsigned char raw[32];

	if (sodium_init() < 0)
		fatal("libsodium: cannot initialise");
	randombytes_buf(raw, sizeof raw);
	sodium_bin2base64(out, AUTH_TOKEN_LEN + 1, raw, sizeof raw,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof raw);
}

struct auth *
auth_new(int64_t idle_ms, size_t max_sessions)
{
	struct auth *a = xcalloc(1, sizeof *a);

	if (sodium_init() < 0)
		fatal("libsodium: cannot initialise");
	pthread_mutex_init(&a->lock, NULL);
	a->idle_ms = idle_ms > 0 ? idle_ms : 30 * 60000;
	a->nslots = max_sessions > 0 ? max_sessions : 256;
	a->slots = xcalloc(a->nslots, sizeof *a->slots);
	a->limits = xcalloc(AUTH_LIMITS_MAX, sizeof *a->limits);
	return a;
}

void
auth_free(struct auth *a)
{
	if (a == NULL)
		return;
	sodium_memzero(a->slots, a->nslots * sizeof *a->slots);
	free(a->slots);
	free(a->limits);
	pthread_mutex_destroy(&a->lock);
	free(a);
}

static bool
auth_slot_live(const struct auth *a, const struct auth_slot *sl, int64_t now)
{
	return sl->last_ms != 0 && now - sl->last_ms < a->idle_ms;
}

int
auth_session_new(struct auth *a, const char *user, bool admin, int64_t now_ms,
    struct auth_session *out)
{
	struct auth_slot *pick = NULL;

	if (strlen(user) > AUTH_NAME_MAX)
		return -1;
	if (now_ms <= 0)
		now_ms = 1; /* 0 marks a free slot */
	pthread_mutex_lock(&a->lock);
	for (size_t i = 0; i < a->nslots; i++) {
		struct auth_slot *sl = &a->slots[i];

		if (!auth_slot_live(a, sl, now_ms)) {
			pick = sl;
			break;
		}
		if (pick == NULL || sl->last_ms < pick->last_ms)
			pick = sl;
	}
	if (auth_slot_live(a, pick, now_ms)) {
		a->evicted++;
		log_warn("web: session table full (%zu): ended the least "
			 "recently used session of %s",
		    a->nslots, pick->s.user);
	}
	memset(pick, 0, sizeof *pick);
	auth_token_new(pick->s.id);
	auth_token_new(pick->s.csrf);
	str_copy(pick->s.user, user, sizeof pick->s.user);
	pick->s.admin = admin;
	pick->last_ms = now_ms;
	*out = pick->s;
	pthread_mutex_unlock(&a->lock);
	return 0;
}

/* The slot of ID, or NULL; the caller holds the lock. */
static struct auth_slot *
auth_slot_find(struct auth *a, const char *id)
{
	struct auth_slot *found = NULL;

	if (id == NULL || strlen(id) != AUTH_TOKEN_LEN)
		return NULL;
	/* Compare with every slot, each in constant time. */
	for (size_t i = 0; i < a->nslots; i++)
		if (a->slots[i].last_ms != 0 &&
		    sodium_memcmp(a->slots[i].s.id, id, AUTH_TOKEN_LEN) == 0)
			found = &a->slots[i];
	return found;
}

int
auth_session_find(
    struct auth *a, const char *id, int64_t now_ms, struct auth_session *out)
{
	struct auth_slot *sl;
	int rc = -1;

	pthread_mutex_lock(&a->lock);
	if ((sl = auth_slot_find(a, id)) != NULL) {
		if (auth_slot_live(a, sl, now_ms)) {
			sl->last_ms = now_ms > 0 ? now_ms : 1;
			*out = sl->s;
			rc = 0;
		} else
			memset(sl, 0, sizeof *sl);
	}
	pthread_mutex_unlock(&a->lock);
	return rc;
}

int
auth_session_end(struct auth *a, const char *id)
{
	struct auth_slot *sl;

	pthread_mutex_lock(&a->lock);
	if ((sl = auth_slot_find(a, id)) != NULL)
		sodium_memzero(sl, sizeof *sl);
	pthread_mutex_unlock(&a->lock);
	return sl != NULL ? 0 : -1;
}

size_t
auth_session_end_user(struct auth *a, const char *user)
{
	size_t n = 0;

	pthread_mutex_lock(&a->lock);
	for (size_t i = 0; i < a->nslots; i++)
		if (a->slots[i].last_ms != 0 &&
		    strcmp(a->slots[i].s.user, user) == 0) {
			sodium_memzero(&a->slots[i], sizeof a->slots[i]);
			n++;
		}
	pthread_mutex_unlock(&a->lock);
	return n;
}

size_t
auth_session_count(struct auth *a, int64_t now_ms)
{
	size_t n = 0;

	pthread_mutex_lock(&a->lock);
	for (size_t i = 0; i < a->nslots; i++)
		n += auth_slot_live(a, &a->slots[i], now_ms);
	pthread_mutex_unlock(&a->lock);
	return n;
}

uint64_t
auth_session_evicted(struct auth *a)
{
	uint64_t n;

	pthread_mutex_lock(&a->lock);
	n = a->evicted;
	pthread_mutex_unlock(&a->lock);
	return n;
}

bool
auth_csrf_ok(const struct auth_session *s, const char *token)
{
	if (token == NULL || strlen(token) != AUTH_TOKEN_LEN)
		return false;
	return sodium_memcmp(s->csrf, token, AUTH_TOKEN_LEN) == 0;
}

/*
 * The entry of KIND ('u' or 'a') and WHAT, or NULL; with CREATE, a new
 * one (the stalest entry makes room). The caller holds the lock.
 */
static struct auth_limit *
auth_limit_get(
    struct auth *a, char kind, const char *what, int64_t now, bool create)
{
	char key[AUTH_LIMIT_KEY_MAX + 1];
	struct auth_limit *l, *stalest = NULL, *unused = NULL;

	snprintf(key, sizeof key, "%c:%.*s", kind, AUTH_NAME_MAX,
	    what != NULL ? what : "");
	for (size_t i = 0; i < a->nlimits; i++) {
		l = &a->limits[i];
		if (l->key[0] == '\0') {
			if (unused == NULL)
				unused = l;
			continue;
		}
		if (strcmp(l->key, key) == 0) {
			if (now - l->last_fail_ms > AUTH_FORGET_MS &&
			    now >= l->locked_until_ms)
				l->fails = 0;
			return l;
		}
		/* A lock-out in force is never what makes room: else a
		 * flood of fresh names would lift it. */
		if (l->locked_until_ms <= now &&
		    (stalest == NULL ||
			l->last_fail_ms < stalest->last_fail_ms))
			stalest = l;
	}
	if (!create)
		return NULL;
	if (unused != NULL)
		l = unused;
	else if (a->nlimits < AUTH_LIMITS_MAX)
		l = &a->limits[a->nlimits++];
	else {
		/* Every entry locked: the oldest lock goes. */
		if (stalest == NULL)
			for (size_t i = 0; i < a->nlimits; i++)
				if (stalest == NULL ||
				    a->limits[i].locked_until_ms <
					stalest->locked_until_ms)
					stalest = &a->limits[i];
		l = stalest;
		if (a->limits_evicted++ % 1000 == 0)
			log_warn("web: login limiter full (%d entries): "
				 "forgetting the stalest (%llu so far)",
			    AUTH_LIMITS_MAX,
			    (unsigned long long)a->limits_evicted);
	}
	memset(l, 0, sizeof *l);
	str_copy(l->key, key, sizeof l->key);
	return l;
}

int64_t
auth_login_wait(
    struct auth *a, const char *ip, const char *user, int64_t now_ms)
{
	struct auth_limit *l;
	int64_t wait = 0;

	pthread_mutex_lock(&a->lock);
	if ((l = auth_limit_get(a, 'u', user, now_ms, false)) != NULL &&
	    l->locked_until_ms > now_ms)
		wait = l->locked_until_ms - now_ms;
	if ((l = auth_limit_get(a, 'a', ip, now_ms, false)) != NULL &&
	    l->locked_until_ms - now_ms > wait)
		wait = l->locked_until_ms - now_ms;
	pthread_mutex_unlock(&a->lock);
	return wait;
}

static void
auth_limit_fail(struct auth_limit *l, int tries, int64_t now)
{
	int64_t lock = AUTH_LOCK_BASE_MS;

	l->fails++;
	l->last_fail_ms = now;
	if (l->fails < tries)
		return;
	for (int i = tries; i < l->fails && lock < AUTH_LOCK_CAP_MS; i++)
		lock *= 2;
	if (lock > AUTH_LOCK_CAP_MS)
		lock = AUTH_LOCK_CAP_MS;
	l->locked_until_ms = now + lock;
}

void
auth_login_failed(
    struct auth *a, const char *ip, const char *user, int64_t now_ms)
{
	pthread_mutex_lock(&a->lock);
	auth_limit_fail(auth_limit_get(a, 'u', user, now_ms, true),
	    AUTH_USER_TRIES, now_ms);
	auth_limit_fail(
	    auth_limit_get(a, 'a', ip, now_ms, true), AUTH_IP_TRIES, now_ms);
	pthread_mutex_unlock(&a->lock);
}

void
auth_login_succeeded(struct auth *a, const char *ip, const char *user)
{
	struct auth_limit *l;

	pthread_mutex_lock(&a->lock);
	if ((l = auth_limit_get(a, 'u', user, 0, false)) != NULL)
		memset(l, 0, sizeof *l);
	if ((l = auth_limit_get(a, 'a', ip, 0, false)) != NULL)
		memset(l, 0, sizeof *l);
	pthread_mutex_unlock(&a->lock);
}

void
auth_dummy_hash(struct auth *a, char *out, size_t outlen)
{
	char pw[AUTH_TOKEN_LEN + 1], hash[AUTH_HASH_MAX];
	bool have;

	pthread_mutex_lock(&a->lock);
	have = a->dummy[0] != '\0';
	pthread_mutex_unlock(&a->lock);
	/* Hashed outside the lock: it takes ~0.1 s and 64 MiB. */
	if (!have) {
		auth_token_new(pw);
		if (auth_password_hash(pw, hash, sizeof hash) == 0) {
			pthread_mutex_lock(&a->lock);
			if (a->dummy[0] == '\0')
				str_copy(a->dummy, hash, sizeof a->dummy);
			pthread_mutex_unlock(&a->lock);
		}
	}
	pthread_mutex_lock(&a->lock);
	str_copy(out, a->dummy, outlen);
	pthread_mutex_unlock(&a->lock);
}
