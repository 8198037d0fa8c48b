/*
 * hbtoken.h - heartbeat tokens: one per heartbeat device, only its
 * SHA-256 stored, so that a copy of the database cannot forge heartbeats.
 */
#ifndef XANET_HBTOKEN_H
#define XANET_HBTOKEN_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#define HBTOKEN_LEN  43 /* 32 random bytes, base64url without padding */
#define HBTOKEN_HASH 32

struct writer;

/* A new random token (HBTOKEN_LEN + 1 bytes) and its hash. */
void hbtoken_generate(char *token, unsigned char hash[HBTOKEN_HASH]);
/* HASH of TOKEN as stored. */
void hbtoken_hash(const char *token, unsigned char hash[HBTOKEN_HASH]);
/* Set DEVICE_ID's token (replacing any). Queued in the batch. 0 or -1. */
int hbtoken_set(struct writer *w, int64_t device_id,
    const unsigned char hash[HBTOKEN_HASH], int64_t now_ms);
/*
 * The key of the (not retired) device whose token hashes to HASH into
 * KEY: 0; 1 if none; -1 on a database error.
 */
int hbtoken_find(sqlite3 *db, const unsigned char hash[HBTOKEN_HASH], char *key,
    size_t keylen);

#endif
