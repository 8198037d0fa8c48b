/* hbtoken.c - heartbeat tokens: generated, hashed, stored and looked up. */
#include <sodium.h>
#include <string.h>

#include "common/log.h"
#include "common/util.h"
#include "store/hbtoken.h"
#include "store/writer.h"

void
hbtoken_hash(const char *token, unsigned char hash[HBTOKEN_HASH])
{
	crypto_hash_sha256(hash, (const unsigned char *)token, strlen(token));
}

void
hbtoken_generate(char *token, unsigned char hash[HBTOKEN_HASH])
{
	unsigned char raw[32];

	randombytes_buf(raw, sizeof raw);
	sodium_bin2base64(token, HBTOKEN_LEN + 1, raw, sizeof raw,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof raw);
	hbtoken_hash(token, hash);
}

int
hbtoken_set(struct writer *w, int64_t device_id,
    const unsigned char hash[HBTOKEN_HASH], int64_t now_ms)
{
	sqlite3_stmt *st = writer_prepare(w,
	    "INSERT INTO heartbeat_token (device_id, token_sha256, "
	    "created_ms) VALUES (?1, ?2, ?3) ON CONFLICT (device_id) DO "
	    "UPDATE SET token_sha256 = excluded.token_sha256, "
	    "created_ms = excluded.created_ms");

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, device_id);
	sqlite3_bind_blob(st, 2, hash, HBTOKEN_HASH, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, now_ms);
	return writer_step(w, st);
}

int
hbtoken_find(sqlite3 *db, const unsigned char hash[HBTOKEN_HASH], char *key,
    size_t keylen)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(db,
		"SELECT d.key FROM heartbeat_token t JOIN device d ON "
		"d.id = t.device_id WHERE t.token_sha256 = ?1 AND "
		"d.retired_ms IS NULL",
		-1, &st, NULL) != SQLITE_OK) {
		log_err("heartbeat token lookup: %s", sqlite3_errmsg(db));
		return -1;
	}
	sqlite3_bind_blob(st, 1, hash, HBTOKEN_HASH, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		str_copy(key, (const char *)sqlite3_column_text(st, 0), keylen);
		rc = 0;
	} else if (rc == SQLITE_DONE)
		rc = 1;
	else {
		log_err("heartbeat token lookup: %s", sqlite3_errmsg(db));
		rc = -1;
	}
	sqlite3_finalize(st);
	return rc;
}
