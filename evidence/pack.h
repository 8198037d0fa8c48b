/*
 * pack.h - evidence packs: one .zip (libarchive) holding a report's files,
 * manifest.json (each file's name, size and SHA-256; period, site,
 * generator, coverage, the heads of the database's hash chains) and
 * manifest.sig (Ed25519 over manifest.json's exact bytes); and their
 * offline verification.
 */
#ifndef XANET_PACK_H
#define XANET_PACK_H

#include <stddef.h>
#include <stdint.h>

struct report;
struct report_file;
struct sigkey;

/*
 * Write the pack of report R (its rendered FILES) to PATH, signed with
 * KEY: written to a temporary file beside PATH, synced, then renamed, so
 * that PATH is whole or absent. On success *SIZE, SHA256_HEX (65 bytes:
 * of the zip) and MANIFEST_SHA256_HEX (65 bytes) are set (each may be
 * NULL). 0 or -1 (ERR).
 */
int pack_write(const char *path, const struct report *r,
    const struct report_file *files, size_t nfiles, const struct sigkey *key,
    int64_t *size, char *sha256_hex, char *manifest_sha256_hex, char *err,
    size_t errlen);

/*
 * Check the pack at PATH offline: every file listed with the right size
 * and hash, no file unlisted, and the signature valid for PUBKEY (32
 * bytes; NULL: the public key the manifest names, reported as such).
 * Returns 0 when all is well (REPORT: "OK: ..." with the period, site,
 * generator and the signing key's fingerprint and where it came from), 1
 * when the pack is not intact (each problem one line in REPORT; a
 * truncated or non-zip file is one of them), -1 when the file cannot be
 * opened at all (ERR).
 */
int pack_verify(const char *path, const unsigned char *pubkey, char *report,
    size_t reportlen, char *err, size_t errlen);

#endif
