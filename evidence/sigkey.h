/*
 * sigkey.h - the site's Ed25519 signing key (libsodium): created at the
 * daemon's first start with mode 0600, loaded by xanetd and xanetctl;
 * its fingerprint is printed in every report and by `xanetctl key show`.
 */
#ifndef XANET_SIGKEY_H
#define XANET_SIGKEY_H

#include <stddef.h>

#define SIGKEY_PUBLIC_LEN 32
#define SIGKEY_SIG_LEN    64
/* "SHA256:" and 64 hex digits grouped by 4 with ':' ... see sigkey.c */
#define SIGKEY_FPR_LEN 96

struct sigkey;

/*
 * Load PATH, or create it (0600, parent directory must exist). Either
 * way PATH.pub (0644, the sigkey_public_read format) is written if
 * missing, so that users who may not read the key can see its
 * fingerprint. NULL (ERR).
 */
struct sigkey *sigkey_load_or_create(
    const char *path, char *err, size_t errlen);
/* Load PATH; NULL (ERR) if missing, unreadable or malformed. */
struct sigkey *sigkey_load(const char *path, char *err, size_t errlen);
void sigkey_free(struct sigkey *k);
const unsigned char *sigkey_public(const struct sigkey *k);
/* The fingerprint of a public key, as printed (SIGKEY_FPR_LEN bytes). */
void sigkey_fingerprint(const unsigned char *pub, char *out, size_t outlen);
/* Detached Ed25519 signature of MSG into SIG (SIGKEY_SIG_LEN bytes). */
void sigkey_sign(
    const struct sigkey *k, const void *msg, size_t len, unsigned char *sig);
/* 0 if SIG is PUB's signature of MSG, else -1. */
int sigkey_check(const unsigned char *pub, const void *msg, size_t len,
    const unsigned char *sig);
/*
 * A public key file as `xanetctl key show --pubkey-out` writes it: one
 * line "xanet-ed25519 BASE64". 0 or -1 (ERR).
 */
int sigkey_public_read(
    const char *path, unsigned char *pub, char *err, size_t errlen);
/* Write PUB to PATH in that format (created or replaced). 0 or -1 (ERR). */
int sigkey_public_write(
    const unsigned char *pub, const char *path, char *err, size_t errlen);
/*
 * The key file to use, malloc'd: KEY_FILE ([evidence] key_file) when
 * set, else the documented default STATE_DIR/signing.key.
 */
char *sigkey_path(const char *key_file, const char *state_dir);

#endif
