/*
 * sigkey.c - the site's Ed25519 signing key: its file, its fingerprint,
 * signing and checking (libsodium).
 *
 * The secret key file is one text line, mode 0600:
 *
 *   xanet-ed25519-secret BASE64
 *
 * where BASE64 (standard alphabet, padded) is libsodium's 64-byte secret
 * key (the 32-byte seed followed by the 32-byte public key). Beside it,
 * PATH.pub holds the public half, "xanet-ed25519 BASE64" (32 bytes), the
 * format `xanetctl key show --pubkey-out` writes and `xanetctl verify
 * --pubkey` reads: it lets an unprivileged user show the fingerprint.
 *
 * The fingerprint is "SHA256:" and the 64 lowercase hex digits of the
 * SHA-256 of the 32 public key bytes, in groups of 4 joined by ':'
 * ("SHA256:1a2b:3c4d:..."), short enough groups to read out on the phone.
 *
 * A key file that others can write is refused (whoever can write it can
 * sign in the commune's name); one that others can read is used with a
 * warning (the signatures it made are no longer worth much).
 */
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/log.h"
#include "common/util.h"
#include "evidence/sigkey.h"

#define SIGKEY_SECRET_TAG "xanet-ed25519-secret"
#define SIGKEY_PUBLIC_TAG "xanet-ed25519"
/* Generous for one line of base64: anything longer is not ours. */
#define SIGKEY_FILE_MAX 1024

struct sigkey {
	unsigned char sk[crypto_sign_SECRETKEYBYTES];
	unsigned char pk[crypto_sign_PUBLICKEYBYTES];
};

/*
 * Read the one line of a key file at PATH (at most SIGKEY_FILE_MAX
 * bytes) into BUF, with the mode checks for a secret file. 0 or -1.
 */
static int
sigkey_read_line(const char *path, int secret, char *buf, size_t buflen,
    char *err, size_t errlen)
{
	struct stat sb;
	ssize_t n;
	size_t len = 0;
	int fd;

	if ((fd = file_open_regular(path, O_NOFOLLOW, &sb, err, errlen)) == -1)
		return -1;
	if (secret && (sb.st_mode & S_IWOTH)) {
		snprintf(err, errlen,
		    "refusing %s: anyone can write it (chmod 600 it, and make "
		    "a new key if it may have been replaced)",
		    path);
		close(fd);
		return -1;
	}
	if (secret && (sb.st_mode & (S_IRGRP | S_IROTH | S_IWGRP)))
		log_warn("signing key %s is readable or writable by others "
			 "(mode %03o): chmod 600 it",
		    path, (unsigned)(sb.st_mode & 0777));
	while (len < buflen - 1) {
		n = read(fd, buf + len, buflen - 1 - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			snprintf(err, errlen, "cannot read %s: %s", path,
			    strerror(errno));
			close(fd);
			return -1;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	if (len == buflen - 1) {
		snprintf(err, errlen, "%s is too long to be a key file", path);
		return -1;
	}
	buf[len] = '\0';
	return 0;
}

/*
 * Parse "TAG BASE64\n" into OUT (exactly OUTLEN bytes). 0 or -1.
 */
static int
sigkey_parse(const char *path, char *line, const char *tag, unsigned char *out,
    size_t outlen, char *err, size_t errlen)
{
	size_t taglen = strlen(tag), binlen;
	char *b64;

	str_trim(line);
	if (strcmp(tag, SIGKEY_PUBLIC_TAG) == 0 &&
	    str_has_prefix(line, SIGKEY_SECRET_TAG " ")) {
		snprintf(err, errlen,
		    "%s is the secret signing key, not a public key file "
		    "(give %s.pub, or what xanetctl key show --pubkey-out "
		    "writes)",
		    path, path);
		return -1;
	}
	if (strncmp(line, tag, taglen) != 0 || line[taglen] != ' ') {
		snprintf(err, errlen,
		    "%s: not a key file (expected \"%s ...\")", path, tag);
		return -1;
	}
	b64 = str_trim(line + taglen + 1);
	if (sodium_base642bin(out, outlen, b64, strlen(b64), NULL, &binlen,
		NULL, sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    binlen != outlen) {
		snprintf(err, errlen, "%s: the key is not %zu bytes of base64",
		    path, outlen);
		return -1;
	}
	return 0;
}

struct sigkey *
sigkey_load(const char *path, char *err, size_t errlen)
{
	char line[SIGKEY_FILE_MAX];
	struct sigkey *k;

	if (sodium_init() < 0) {
		snprintf(err, errlen, "libsodium cannot initialise");
		return NULL;
	}
	if (sigkey_read_line(path, 1, line, sizeof line, err, errlen) == -1)
		return NULL;
	k = xcalloc(1, sizeof *k);
	if (sigkey_parse(path, line, SIGKEY_SECRET_TAG, k->sk, sizeof k->sk,
		err, errlen) == -1) {
		sodium_memzero(line, sizeof line);
		sigkey_free(k);
		return NULL;
	}
	sodium_memzero(line, sizeof line);
	/* The stored public half must be the one the seed gives. */
	{
		unsigned char seed[crypto_sign_SEEDBYTES];
		unsigned char sk2[crypto_sign_SECRETKEYBYTES];

		crypto_sign_ed25519_sk_to_seed(seed, k->sk);
		crypto_sign_seed_keypair(k->pk, sk2, seed);
		sodium_memzero(seed, sizeof seed);
		sodium_memzero(sk2, sizeof sk2);
	}
	if (sodium_memcmp(k->pk, k->sk + crypto_sign_SEEDBYTES, sizeof k->pk) !=
	    0) {
		snprintf(err, errlen,
		    "%s: damaged (its public half does not belong to its seed)",
		    path);
		sigkey_free(k);
		return NULL;
	}
	return k;
}

/* Write all of BUF to FD. 0 or -1 (errno). */
static int
sigkey_write_all(int fd, const char *buf, size_t len)
{
	ssize_t n;

	while (len > 0) {
		n = write(fd, buf, len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * Write TEXT to PATH, which must not exist: through a temporary file
 * (mode MODE, synced) linked into place, so that PATH is either whole or
 * absent and an existing key is never replaced. 0, or -1 (ERR; errno
 * EEXIST when someone else made PATH first).
 */
static int
sigkey_write_new(
    const char *path, const char *text, mode_t mode, char *err, size_t errlen)
{
	char *tmp = xasprintf("%s.tmpXXXXXX", path);
	int fd, saved;

	if ((fd = mkstemp(tmp)) == -1) {
		saved = errno;
		snprintf(
		    err, errlen, "cannot create %s: %s", tmp, strerror(errno));
		free(tmp);
		errno = saved;
		return -1;
	}
	if (fchmod(fd, mode) == -1 ||
	    sigkey_write_all(fd, text, strlen(text)) == -1 || fsync(fd) == -1) {
		saved = errno;
		snprintf(
		    err, errlen, "cannot write %s: %s", tmp, strerror(errno));
		close(fd);
		unlink(tmp);
		free(tmp);
		errno = saved;
		return -1;
	}
	close(fd);
	if (link(tmp, path) == -1) {
		saved = errno;
		snprintf(
		    err, errlen, "cannot create %s: %s", path, strerror(errno));
		unlink(tmp);
		free(tmp);
		errno = saved;
		return -1;
	}
	unlink(tmp);
	free(tmp);
	return 0;
}

/* "TAG BASE64\n" of LEN bytes, malloc'd. */
static char *
sigkey_line(const char *tag, const unsigned char *bin, size_t len)
{
	size_t b64len =
	    sodium_base64_ENCODED_LEN(len, sodium_base64_VARIANT_ORIGINAL);
	char *b64 = xmalloc(b64len), *line;

	sodium_bin2base64(
	    b64, b64len, bin, len, sodium_base64_VARIANT_ORIGINAL);
	line = xasprintf("%s %s\n", tag, b64);
	sodium_memzero(b64, b64len);
	free(b64);
	return line;
}

/* PATH.pub, when missing: best effort, for unprivileged readers. */
static void
sigkey_write_pub(const char *path, const struct sigkey *k)
{
	char *pub = xasprintf("%s.pub", path);
	char *line = sigkey_line(SIGKEY_PUBLIC_TAG, k->pk, sizeof k->pk);
	char err[512];

	if (access(pub, F_OK) != 0 &&
	    sigkey_write_new(pub, line, 0644, err, sizeof err) == -1 &&
	    errno != EEXIST)
		log_warn("%s", err);
	free(line);
	free(pub);
}

struct sigkey *
sigkey_load_or_create(const char *path, char *err, size_t errlen)
{
	struct sigkey *k;
	char *line;

	if (sodium_init() < 0) {
		snprintf(err, errlen, "libsodium cannot initialise");
		return NULL;
	}
	if (access(path, F_OK) == 0 || errno != ENOENT) {
		/* Never replace a key that exists, even a damaged one. */
		if ((k = sigkey_load(path, err, errlen)) != NULL)
			sigkey_write_pub(path, k);
		return k;
	}
	k = xcalloc(1, sizeof *k);
	crypto_sign_keypair(k->pk, k->sk);
	line = sigkey_line(SIGKEY_SECRET_TAG, k->sk, sizeof k->sk);
	if (sigkey_write_new(path, line, 0600, err, errlen) == -1) {
		sodium_memzero(line, strlen(line));
		free(line);
		sigkey_free(k);
		/* Another process made it between our look and our link. */
		if (errno == EEXIST)
			return sigkey_load(path, err, errlen);
		return NULL;
	}
	sodium_memzero(line, strlen(line));
	free(line);
	sigkey_write_pub(path, k);
	return k;
}

void
sigkey_free(struct sigkey *k)
{
	if (k == NULL)
		return;
	sodium_memzero(k, sizeof *k);
	free(k);
}

const unsigned char *
sigkey_public(const struct sigkey *k)
{
	return k->pk;
}

void
sigkey_fingerprint(const unsigned char *pub, char *out, size_t outlen)
{
	unsigned char h[crypto_hash_sha256_BYTES];
	char hex[2 * crypto_hash_sha256_BYTES + 1];
	char buf[SIGKEY_FPR_LEN];
	size_t o;

	crypto_hash_sha256(h, pub, SIGKEY_PUBLIC_LEN);
	hex_encode(h, sizeof h, hex);
	o = (size_t)snprintf(buf, sizeof buf, "SHA256:");
	for (size_t i = 0; i < 2 * sizeof h; i += 4) {
		if (i > 0)
			buf[o++] = ':';
		memcpy(buf + o, hex + i, 4);
		o += 4;
	}
	buf[o] = '\0';
	str_copy(out, buf, outlen);
}

void
sigkey_sign(
    const struct sigkey *k, const void *msg, size_t len, unsigned char *sig)
{
	crypto_sign_detached(sig, NULL, msg, len, k->sk);
}

int
sigkey_check(const unsigned char *pub, const void *msg, size_t len,
    const unsigned char *sig)
{
	if (sodium_init() < 0)
		return -1;
	return crypto_sign_verify_detached(sig, msg, len, pub) == 0 ? 0 : -1;
}

int
sigkey_public_read(
    const char *path, unsigned char *pub, char *err, size_t errlen)
{
	char line[SIGKEY_FILE_MAX];

	int rc;

	if (sigkey_read_line(path, 0, line, sizeof line, err, errlen) == -1)
		return -1;
	rc = sigkey_parse(
	    path, line, SIGKEY_PUBLIC_TAG, pub, SIGKEY_PUBLIC_LEN, err, errlen);
	/* It may have been the secret key, given by mistake. */
	sodium_memzero(line, sizeof line);
	return rc;
}

int
sigkey_public_write(
    const unsigned char *pub, const char *path, char *err, size_t errlen)
{
	char *line = sigkey_line(SIGKEY_PUBLIC_TAG, pub, SIGKEY_PUBLIC_LEN);
	FILE *fp;
	int ret = 0;

	if ((fp = fopen(path, "we")) == NULL) {
		snprintf(
		    err, errlen, "cannot create %s: %s", path, strerror(errno));
		free(line);
		return -1;
	}
	if (fputs(line, fp) == EOF)
		ret = -1;
	if (fclose(fp) == EOF)
		ret = -1;
	if (ret == -1)
		snprintf(
		    err, errlen, "cannot write %s: %s", path, strerror(errno));
	free(line);
	return ret;
}

char *
sigkey_path(const char *key_file, const char *state_dir)
{
	if (key_file != NULL && key_file[0] != '\0')
		return xstrdup(key_file);
	return xasprintf("%s/signing.key", state_dir != NULL ? state_dir : ".");
}
