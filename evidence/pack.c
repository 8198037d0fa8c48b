/*
 * pack.c - evidence packs: writing the signed .zip of a report and
 * checking one offline.
 *
 * A pack is a zip archive (libarchive, deflate) whose entries come in
 * this order, all regular files, mode 0644, uid/gid 0, every mtime the
 * report's generated-at time (so that the same report packs to the same
 * bytes):
 *
 *   manifest.json  UTF-8 JSON, 2-space indent, keys in a fixed order,
 *                  ending in "\n" (see pack_manifest() for its fields)
 *   manifest.sig   the Ed25519 signature (RFC 8032, libsodium detached)
 *                  of the exact bytes of manifest.json, as one line of
 *                  standard padded base64 followed by "\n" (88 + 1
 *                  bytes), so that it survives mail and copy-paste
 *   FILE ...       the report's files, in the order the renderer gave
 *
 * The signature covers the manifest, and the manifest covers every other
 * file by name, size and SHA-256, so one signature check and one hash per
 * file prove the whole pack. manifest.json names the public key that
 * signed it; a checker who trusts that key only because the pack names
 * it has proved nothing against a forger, which is why verify says where
 * the key came from and offers --pubkey.
 *
 * Reading never extracts anything to disk: each entry is hashed as it
 * streams, only manifest.json and manifest.sig are kept in memory, and
 * the entry count, each entry's size and each name are bounded and
 * checked before use (no absolute paths, no "..", no duplicates). The
 * names in the zip's central directory (what unzip and Explorer list)
 * must be the names in the entries' own headers (what libarchive reads),
 * so that what verify passed is what the reader of the pack sees.
 */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <jansson.h>
#include <libgen.h>
#include <math.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/strbuf.h"
#include "common/util.h"
#include "common/xtime.h"
#include "evidence/pack.h"
#include "evidence/report.h"
#include "evidence/sigkey.h"

#define PACK_MANIFEST "manifest.json"
#define PACK_SIG      "manifest.sig"
#define PACK_SCHEMA   1
/* Bounds on what a pack may hold; a report has well under ten files. */
#define PACK_MAX_ENTRIES  64
#define PACK_MAX_ENTRY    (64LL * 1024 * 1024)
#define PACK_MAX_MANIFEST (1024 * 1024)
#define PACK_MAX_SIGFILE  1024
#define PACK_MAX_NAME     255
/* base64 of SIGKEY_SIG_LEN bytes, padded, without the NUL. */
#define PACK_SIG_B64                                           \
	(sodium_base64_ENCODED_LEN(                            \
	     SIGKEY_SIG_LEN, sodium_base64_VARIANT_ORIGINAL) - \
	    1)

static void
pack_sha256_hex(const void *data, size_t len, char hex[65])
{
	unsigned char h[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(h, data, len);
	hex_encode(h, sizeof h, hex);
}

/* A percentage for the manifest: 4 decimals, null when there is none. */
static json_t *
pack_pct(double pct)
{
	if (pct < 0 || isnan(pct))
		return json_null();
	return json_real(round(pct * 1e4) / 1e4);
}

static json_t *
pack_str(const char *s)
{
	return s != NULL ? json_string(s) : json_null();
}

static json_t *
pack_time(int64_t ms)
{
	char buf[64];

	time_format_iso(ms, buf, sizeof buf);
	return json_string(buf);
}

/*
 * manifest.json's text, malloc'd, or NULL (ERR). Fields, in order:
 * schema, generator, site {name, province}, period {from, to, from_ms,
 * to_ms} (ISO local times with offset, and UTC ms), generated_at,
 * generated_at_ms, scope {group, device}, coverage_pct,
 * lan_coverage_pct (null: never ran), chain_heads {state_interval,
 * alert, snapshot} (hex, "" for an empty table), key {fingerprint,
 * public (base64)}, files [{name, size, sha256}].
 */
static char *
pack_manifest(const struct report *r, const struct report_file *files,
    size_t nfiles, const struct sigkey *key, size_t *len, char *err,
    size_t errlen)
{
	char fpr[SIGKEY_FPR_LEN], hex[65];
	char pub64[sodium_base64_ENCODED_LEN(
	    SIGKEY_PUBLIC_LEN, sodium_base64_VARIANT_ORIGINAL)];
	json_t *m, *list;
	char *gen, *text, *out;

	sigkey_fingerprint(sigkey_public(key), fpr, sizeof fpr);
	sodium_bin2base64(pub64, sizeof pub64, sigkey_public(key),
	    SIGKEY_PUBLIC_LEN, sodium_base64_VARIANT_ORIGINAL);
	gen = xasprintf(
	    "xanet %s", r->version != NULL ? r->version : PACKAGE_VERSION);
	list = json_array();
	for (size_t i = 0; i < nfiles; i++) {
		pack_sha256_hex(files[i].data, files[i].len, hex);
		json_array_append_new(
		    list, json_pack("{s:s, s:I, s:s}", "name", files[i].name,
			      "size", (json_int_t)files[i].len, "sha256", hex));
	}
	m = json_pack("{s:i, s:s, s:{s:o, s:o}, s:{s:o, s:o, s:I, s:I}, "
		      "s:o, s:I, s:{s:o, s:o}, s:o, s:o, s:{s:s, s:s, s:s}, "
		      "s:{s:s, s:s}, s:o}",
	    "schema", PACK_SCHEMA, "generator", gen, "site", "name",
	    pack_str(r->site_name), "province", pack_str(r->province), "period",
	    "from", pack_time(r->from_ms), "to", pack_time(r->to_ms), "from_ms",
	    (json_int_t)r->from_ms, "to_ms", (json_int_t)r->to_ms,
	    "generated_at", pack_time(r->generated_ms), "generated_at_ms",
	    (json_int_t)r->generated_ms, "scope", "group",
	    pack_str(r->scope_group), "device", pack_str(r->scope_device),
	    "coverage_pct", pack_pct(r->coverage_pct), "lan_coverage_pct",
	    pack_pct(r->lan_coverage_pct), "chain_heads", "state_interval",
	    r->chain_state, "alert", r->chain_alert, "snapshot",
	    r->chain_snapshot, "key", "fingerprint", fpr, "public", pub64,
	    "files", list);
	free(gen);
	if (m == NULL) {
		/* Only invalid UTF-8 in a name gets here. */
		snprintf(err, errlen,
		    "cannot build manifest.json (text that is not UTF-8?)");
		return NULL;
	}
	text = json_dumps(
	    m, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(12));
	json_decref(m);
	if (text == NULL) {
		snprintf(err, errlen, "cannot build manifest.json");
		return NULL;
	}
	out = xasprintf("%s\n", text);
	free(text);
	*len = strlen(out);
	return out;
}

/* Where libarchive's output goes: the file, hashed as it is written. */
struct pack_out {
	int fd;
	crypto_hash_sha256_state sha;
	int64_t size;
};

static la_ssize_t
pack_out_write(struct archive *a, void *arg, const void *buf, size_t len)
{
	struct pack_out *o = arg;
	const char *p = buf;
	size_t left = len;
	ssize_t n;

	while (left > 0) {
		n = write(o->fd, p, left);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			archive_set_error(a, errno, "%s", strerror(errno));
			return -1;
		}
		p += n;
		left -= (size_t)n;
	}
	crypto_hash_sha256_update(&o->sha, buf, len);
	o->size += (int64_t)len;
	return (la_ssize_t)len;
}

static int
pack_add(struct archive *a, const char *name, const void *data, size_t len,
    int64_t mtime_ms)
{
	struct archive_entry *e = archive_entry_new();
	int ok;

	archive_entry_set_pathname(e, name);
	archive_entry_set_size(e, (la_int64_t)len);
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0644);
	archive_entry_set_uid(e, 0);
	archive_entry_set_gid(e, 0);
	archive_entry_set_mtime(e, (time_t)(mtime_ms / 1000), 0);
	ok = archive_write_header(a, e) == ARCHIVE_OK &&
	     (len == 0 || archive_write_data(a, data, len) == (la_ssize_t)len);
	archive_entry_free(e);
	return ok ? 0 : -1;
}

/* Names a pack may hold: plain, relative, no directories. */
static bool
pack_name_ok(const char *name)
{
	size_t len = strlen(name);

	return len > 0 && len <= PACK_MAX_NAME && strchr(name, '/') == NULL &&
	       strchr(name, '\\') == NULL && strcmp(name, ".") != 0 &&
	       strcmp(name, "..") != 0 && utf8_valid(name, len);
}

int
pack_write(const char *path, const struct report *r,
    const struct report_file *files, size_t nfiles, const struct sigkey *key,
    int64_t *size, char *sha256_hex, char *manifest_sha256_hex, char *err,
    size_t errlen)
{
	unsigned char sig[SIGKEY_SIG_LEN], h[crypto_hash_sha256_BYTES];
	char sig64[PACK_SIG_B64 + 2];
	struct pack_out o = {.fd = -1};
	struct archive *a = NULL;
	char *manifest, *tmp, *dir, *dcopy;
	size_t mlen;
	int ret = -1, dfd;

	if (nfiles + 2 > PACK_MAX_ENTRIES) {
		snprintf(
		    err, errlen, "too many files for one pack (%zu)", nfiles);
		return -1;
	}
	for (size_t i = 0; i < nfiles; i++) {
		if (!pack_name_ok(files[i].name) ||
		    strcmp(files[i].name, PACK_MANIFEST) == 0 ||
		    strcmp(files[i].name, PACK_SIG) == 0) {
			snprintf(err, errlen, "'%s' cannot be a pack file name",
			    files[i].name);
			return -1;
		}
		for (size_t j = 0; j < i; j++)
			if (strcmp(files[i].name, files[j].name) == 0) {
				snprintf(err, errlen, "%s twice in one pack",
				    files[i].name);
				return -1;
			}
		if ((int64_t)files[i].len > PACK_MAX_ENTRY) {
			snprintf(err, errlen,
			    "%s is larger than a pack may hold (%lld MB)",
			    files[i].name, PACK_MAX_ENTRY / (1024 * 1024));
			return -1;
		}
	}
	manifest = pack_manifest(r, files, nfiles, key, &mlen, err, errlen);
	if (manifest == NULL)
		return -1;
	sigkey_sign(key, manifest, mlen, sig);
	sodium_bin2base64(sig64, sizeof sig64, sig, sizeof sig,
	    sodium_base64_VARIANT_ORIGINAL);
	strcat(sig64, "\n");

	tmp = xasprintf("%s.tmpXXXXXX", path);
	if ((o.fd = mkstemp(tmp)) == -1) {
		snprintf(
		    err, errlen, "cannot create %s: %s", tmp, strerror(errno));
		free(tmp);
		free(manifest);
		return -1;
	}
	/* A pack holds no secret: it is made to be handed out. */
	fchmod(o.fd, 0644);
	crypto_hash_sha256_init(&o.sha);
	a = archive_write_new();
	if (archive_write_set_format_zip(a) != ARCHIVE_OK ||
	    archive_write_set_options(a, "zip:compression=deflate") !=
		ARCHIVE_OK ||
	    archive_write_set_bytes_in_last_block(a, 1) != ARCHIVE_OK ||
	    archive_write_open2(a, &o, NULL, pack_out_write, NULL, NULL) !=
		ARCHIVE_OK)
		goto fail_archive;
	if (pack_add(a, PACK_MANIFEST, manifest, mlen, r->generated_ms) == -1 ||
	    pack_add(a, PACK_SIG, sig64, strlen(sig64), r->generated_ms) == -1)
		goto fail_archive;
	for (size_t i = 0; i < nfiles; i++)
		if (pack_add(a, files[i].name, files[i].data, files[i].len,
			r->generated_ms) == -1)
			goto fail_archive;
	if (archive_write_close(a) != ARCHIVE_OK)
		goto fail_archive;
	if (fsync(o.fd) == -1 || close(o.fd) == -1) {
		o.fd = -1;
		snprintf(
		    err, errlen, "cannot write %s: %s", tmp, strerror(errno));
		goto fail;
	}
	o.fd = -1;
	if (rename(tmp, path) == -1) {
		snprintf(err, errlen, "cannot rename %s to %s: %s", tmp, path,
		    strerror(errno));
		goto fail;
	}
	/* The rename itself must survive a power cut. */
	dcopy = xstrdup(path);
	dir = dirname(dcopy);
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) != -1) {
		fsync(dfd);
		close(dfd);
	}
	free(dcopy);
	if (size != NULL)
		*size = o.size;
	if (sha256_hex != NULL) {
		crypto_hash_sha256_final(&o.sha, h);
		hex_encode(h, sizeof h, sha256_hex);
	}
	if (manifest_sha256_hex != NULL)
		pack_sha256_hex(manifest, mlen, manifest_sha256_hex);
	ret = 0;
	goto done;

fail_archive:
	snprintf(err, errlen, "cannot write %s: %s", path,
	    archive_error_string(a) ? archive_error_string(a)
				    : "libarchive error");
fail:
	if (o.fd != -1)
		close(o.fd);
	unlink(tmp);
done:
	if (a != NULL)
		archive_write_free(a);
	free(tmp);
	free(manifest);
	sodium_memzero(sig, sizeof sig);
	return ret;
}

/* --- verification ---------------------------------------------------- */

struct pack_entry {
	char name[PACK_MAX_NAME + 1];
	int64_t size;
	char sha256[65];
	bool listed; /* named by the manifest */
};

struct pack_check {
	const char *label; /* the pack as the user named it */
	struct pack_entry entries[PACK_MAX_ENTRIES];
	size_t nentries;
	/* Every name libarchive gave, refused ones too, in its order. */
	char seen[PACK_MAX_ENTRIES][PACK_MAX_NAME + 1];
	size_t nseen;
	char *manifest; /* kept whole: the signature covers its bytes */
	size_t manifest_len;
	char *sig;
	size_t sig_len;
	struct strbuf out; /* one line per problem */
	int problems;
};

static void pack_problem(struct pack_check *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
pack_problem(struct pack_check *c, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	strbuf_add(&c->out, line);
	strbuf_addc(&c->out, '\n');
	c->problems++;
}

/* A name from the archive, made printable for a problem line. */
static void
pack_printable(const char *name, char *out, size_t outlen)
{
	size_t o = 0;

	for (const unsigned char *p = (const unsigned char *)name;
	     *p != '\0' && o + 5 < outlen; p++) {
		if (*p < 0x20 || *p == 0x7f)
			o += (size_t)snprintf(
			    out + o, outlen - o, "\\x%02x", *p);
		else
			out[o++] = (char)*p;
	}
	out[o] = '\0';
}

/* Why a name cannot be in a pack, or NULL if it can. */
static const char *
pack_name_problem(const char *name)
{
	size_t len = strlen(name);

	if (len == 0)
		return "empty name";
	if (len > PACK_MAX_NAME)
		return "name too long";
	if (name[0] == '/' || name[0] == '\\' || (len >= 2 && name[1] == ':'))
		return "absolute path";
	if (strcmp(name, "..") == 0 || strncmp(name, "../", 3) == 0 ||
	    strstr(name, "/../") != NULL || strstr(name, "\\..") != NULL ||
	    strstr(name, "..\\") != NULL ||
	    (len >= 3 && strcmp(name + len - 3, "/..") == 0))
		return "path with '..'";
	if (strchr(name, '/') != NULL || strchr(name, '\\') != NULL)
		return "path with a directory (packs are flat)";
	if (!utf8_valid(name, len))
		return "name is not UTF-8";
	return NULL;
}

/*
 * Stream the current entry's data: hash it, count it, keep it in *KEEP
 * (up to KEEP_MAX bytes) when KEEP is not NULL. 0; 1 too large (stopped
 * reading); -1 archive error (ERR).
 */
static int
pack_read_entry(struct archive *a, struct pack_entry *pe, char **keep,
    size_t *keep_len, size_t keep_max, int64_t max)
{
	unsigned char buf[65536], h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256_state sha;
	struct strbuf sb = {0};
	la_ssize_t n;

	crypto_hash_sha256_init(&sha);
	pe->size = 0;
	while ((n = archive_read_data(a, buf, sizeof buf)) > 0) {
		pe->size += n;
		if (pe->size > max ||
		    (keep != NULL && (size_t)pe->size > keep_max)) {
			strbuf_free(&sb);
			return 1;
		}
		crypto_hash_sha256_update(&sha, buf, (size_t)n);
		if (keep != NULL)
			strbuf_addn(&sb, (const char *)buf, (size_t)n);
	}
	if (n < 0) {
		strbuf_free(&sb);
		return -1;
	}
	crypto_hash_sha256_final(&sha, h);
	hex_encode(h, sizeof h, pe->sha256);
	if (keep != NULL)
		*keep = strbuf_detach(&sb, keep_len);
	return 0;
}

/*
 * Read every entry of the archive on FD. 0 when the archive could be read
 * to its end (problems with single entries are recorded), 1 when it is
 * not a readable zip (recorded), -1 never (I/O errors show as 1 too:
 * libarchive does not tell them apart).
 */
static int
pack_read(struct pack_check *c, int fd)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	char shown[PACK_MAX_NAME * 4 + 1];
	const char *why, *name;
	int rc, ret = 0;

	/*
	 * Seekable only: it reads the central directory at the end, so a
	 * cut-off file fails here instead of streaming its first entries as
	 * if they were all.
	 */
	archive_read_support_format_zip_seekable(a);
	if (archive_read_open_fd(a, fd, 65536) != ARCHIVE_OK) {
		pack_problem(c, "%s: truncated or not a zip archive (%s)",
		    c->label, archive_error_string(a));
		archive_read_free(a);
		return 1;
	}
	for (;;) {
		struct pack_entry *pe;

		rc = archive_read_next_header(a, &e);
		if (rc == ARCHIVE_EOF)
			break;
		if (rc < ARCHIVE_WARN) {
			pack_problem(c,
			    "%s: truncated or not a zip archive (%s)", c->label,
			    archive_error_string(a));
			ret = 1;
			break;
		}
		name = archive_entry_pathname(e);
		if (name == NULL)
			name = "";
		pack_printable(name, shown, sizeof shown);
		if (c->nseen == PACK_MAX_ENTRIES ||
		    c->nentries == PACK_MAX_ENTRIES) {
			pack_problem(c,
			    "%s: more than %d entries (not a pack made by "
			    "xanet; the rest was not read)",
			    c->label, PACK_MAX_ENTRIES);
			ret = 1;
			break;
		}
		str_copy(c->seen[c->nseen++], name, sizeof c->seen[0]);
		if ((why = pack_name_problem(name)) != NULL) {
			pack_problem(c, "%s: refused: %s", shown, why);
			continue;
		}
		if (archive_entry_filetype(e) != AE_IFREG) {
			pack_problem(
			    c, "%s: not a regular file (refused)", shown);
			continue;
		}
		if (archive_entry_is_encrypted(e)) {
			pack_problem(c, "%s: encrypted (refused)", shown);
			continue;
		}
		for (size_t i = 0; i < c->nentries; i++)
			if (strcmp(c->entries[i].name, name) == 0) {
				pack_problem(c,
				    "%s: appears twice in the archive (file "
				    "added)",
				    shown);
				name = NULL;
				break;
			}
		if (name == NULL)
			continue;
		if (archive_entry_size_is_set(e) &&
		    archive_entry_size(e) > PACK_MAX_ENTRY) {
			pack_problem(c, "%s: larger than %lld MB (refused)",
			    shown, PACK_MAX_ENTRY / (1024 * 1024));
			continue;
		}
		pe = &c->entries[c->nentries];
		memset(pe, 0, sizeof *pe);
		str_copy(pe->name, name, sizeof pe->name);
		if (strcmp(name, PACK_MANIFEST) == 0)
			rc = pack_read_entry(a, pe, &c->manifest,
			    &c->manifest_len, PACK_MAX_MANIFEST,
			    PACK_MAX_ENTRY);
		else if (strcmp(name, PACK_SIG) == 0)
			rc = pack_read_entry(a, pe, &c->sig, &c->sig_len,
			    PACK_MAX_SIGFILE, PACK_MAX_ENTRY);
		else
			rc = pack_read_entry(
			    a, pe, NULL, NULL, 0, PACK_MAX_ENTRY);
		if (rc == 1) {
			pack_problem(c, "%s: too large (refused)", shown);
			continue;
		}
		if (rc == -1) {
			pack_problem(c, "%s: damaged in the archive (%s)",
			    shown, archive_error_string(a));
			ret = 1;
			break;
		}
		c->nentries++;
	}
	archive_read_free(a);
	return ret;
}

static uint32_t
pack_le16(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static uint32_t
pack_le32(const unsigned char *p)
{
	return pack_le16(p) | pack_le16(p + 2) << 16;
}

/*
 * The names in the zip's central directory: what unzip and Explorer
 * list. libarchive takes each entry's name from its local header, so an
 * archive whose two copies of a name disagree would show one name to
 * verify and another to whoever opens the pack. Only the end record and
 * the fixed part of each central header are read, every offset checked
 * against what was read. Returns how many names (at most MAX; MAX + 1
 * when there are more), or -1 if there is no readable directory.
 */
static int
pack_central_names(
    int fd, off_t fsize, char names[][PACK_MAX_NAME + 1], size_t max)
{
	size_t tail = fsize < 22 + 65535 ? (size_t)fsize : 22 + 65535;
	unsigned char *buf = NULL, *cd = NULL, *p, *end;
	uint32_t n, cdsize, cdoff;
	size_t eocd = SIZE_MAX, got = 0;
	int ret = -1;

	if (tail < 22)
		return -1;
	buf = xmalloc(tail);
	if (pread(fd, buf, tail, fsize - (off_t)tail) != (ssize_t)tail)
		goto out;
	/* The end record is the last one whose comment ends the file. */
	for (size_t i = tail - 22 + 1; i-- > 0;)
		if (pack_le32(buf + i) == 0x06054b50 &&
		    i + 22 + pack_le16(buf + i + 20) == tail) {
			eocd = i;
			break;
		}
	if (eocd == SIZE_MAX)
		goto out;
	n = pack_le16(buf + eocd + 10);
	cdsize = pack_le32(buf + eocd + 12);
	cdoff = pack_le32(buf + eocd + 16);
	/* Zip64 markers: never in a pack, which stays far below 4 GB. */
	if (n == 0xffff || cdsize == 0xffffffff || cdoff == 0xffffffff ||
	    cdsize > PACK_MAX_MANIFEST ||
	    (off_t)cdoff + cdsize > fsize - (off_t)tail + (off_t)eocd)
		goto out;
	cd = xmalloc(cdsize + 1);
	if (pread(fd, cd, cdsize, cdoff) != (ssize_t)cdsize)
		goto out;
	p = cd;
	end = cd + cdsize;
	for (uint32_t i = 0; i < n; i++) {
		size_t nlen, skip;

		if (end - p < 46 || pack_le32(p) != 0x02014b50)
			goto out;
		nlen = pack_le16(p + 28);
		skip = 46 + nlen + pack_le16(p + 30) + pack_le16(p + 32);
		/*
		 * Stored or deflated, not encrypted (flag bits 0, 6, 13):
		 * what every zip reader opens as it is.
		 */
		if ((size_t)(end - p) < skip ||
		    (pack_le16(p + 10) != 0 && pack_le16(p + 10) != 8) ||
		    (pack_le16(p + 8) & 0x2041) != 0)
			goto out;
		if (got == max) {
			got = max + 1;
			break;
		}
		if (nlen > PACK_MAX_NAME)
			nlen = PACK_MAX_NAME;
		memcpy(names[got], p + 46, nlen);
		names[got][nlen] = '\0';
		got++;
		p += skip;
	}
	ret = (int)got;
out:
	free(buf);
	free(cd);
	return ret;
}

/* Each central-directory name that no entry header carries. */
static void
pack_check_central(struct pack_check *c, int fd)
{
	char(*names)[PACK_MAX_NAME + 1] =
	    xcalloc(PACK_MAX_ENTRIES, sizeof *names);
	char shown[PACK_MAX_NAME * 4 + 1];
	bool used[PACK_MAX_ENTRIES] = {false};
	struct stat sb;
	int n = -1;

	if (fstat(fd, &sb) == 0)
		n = pack_central_names(fd, sb.st_size, names, PACK_MAX_ENTRIES);
	if (n < 0 || (size_t)n != c->nseen) {
		pack_problem(c,
		    "%s: the zip's central directory does not match its "
		    "entries (archive edited)",
		    c->label);
		free(names);
		return;
	}
	for (int i = 0; i < n; i++) {
		size_t j;

		for (j = 0; j < c->nseen; j++)
			if (!used[j] && strcmp(c->seen[j], names[i]) == 0)
				break;
		if (j < c->nseen) {
			used[j] = true;
			continue;
		}
		pack_printable(names[i], shown, sizeof shown);
		pack_problem(c,
		    "%s: the zip's central directory gives an entry this "
		    "name, its own header another (archive edited)",
		    shown);
	}
	free(names);
}

static struct pack_entry *
pack_find(struct pack_check *c, const char *name)
{
	for (size_t i = 0; i < c->nentries; i++)
		if (strcmp(c->entries[i].name, name) == 0)
			return &c->entries[i];
	return NULL;
}

/*
 * Check the signature and every file against the parsed manifest M.
 * *PUBLIC gets the key the manifest names (if it names a valid one).
 */
static void
pack_check_manifest(struct pack_check *c, json_t *m,
    const unsigned char *pubkey, unsigned char *named, bool *have_named)
{
	unsigned char sig[SIGKEY_SIG_LEN];
	const char *pub64, *name, *sha;
	char shown[PACK_MAX_NAME * 4 + 1];
	size_t binlen, idx, slen;
	json_t *files, *f, *sz;
	struct pack_entry *pe;

	*have_named = false;
	pub64 = json_string_value(
	    json_object_get(json_object_get(m, "key"), "public"));
	if (pub64 != NULL &&
	    sodium_base642bin(named, SIGKEY_PUBLIC_LEN, pub64, strlen(pub64),
		NULL, &binlen, NULL, sodium_base64_VARIANT_ORIGINAL) == 0 &&
	    binlen == SIGKEY_PUBLIC_LEN)
		*have_named = true;

	/* The signature first: if it fails, nothing else can be trusted. */
	slen = c->sig_len;
	while (
	    slen > 0 && (c->sig[slen - 1] == '\n' || c->sig[slen - 1] == '\r' ||
			    c->sig[slen - 1] == ' '))
		slen--;
	if (pubkey == NULL && !*have_named)
		pack_problem(c,
		    "manifest.json: names no valid signing key (key.public), "
		    "so the signature cannot be checked without --pubkey");
	else if (sodium_base642bin(sig, sizeof sig, c->sig, slen, NULL, &binlen,
		     NULL, sodium_base64_VARIANT_ORIGINAL) != 0 ||
		 binlen != sizeof sig)
		pack_problem(c, "manifest.sig: not a base64 Ed25519 "
				"signature (file changed)");
	else if (sigkey_check(pubkey != NULL ? pubkey : named, c->manifest,
		     c->manifest_len, sig) != 0)
		pack_problem(c, "manifest.sig: signature does not match "
				"manifest.json (manifest edited or wrong key)");
	if (pubkey != NULL && *have_named &&
	    memcmp(pubkey, named, SIGKEY_PUBLIC_LEN) != 0) {
		char a[SIGKEY_FPR_LEN], b[SIGKEY_FPR_LEN];

		sigkey_fingerprint(named, a, sizeof a);
		sigkey_fingerprint(pubkey, b, sizeof b);
		pack_problem(c,
		    "manifest.json: names key %s, not the key given with "
		    "--pubkey (%s)",
		    a, b);
	}

	files = json_object_get(m, "files");
	if (!json_is_array(files)) {
		pack_problem(c, "manifest.json: has no list of files");
		return;
	}
	json_array_foreach(files, idx, f)
	{
		name = json_string_value(json_object_get(f, "name"));
		sha = json_string_value(json_object_get(f, "sha256"));
		sz = json_object_get(f, "size");
		if (name == NULL || sha == NULL || !json_is_integer(sz)) {
			pack_problem(c,
			    "manifest.json: file %zu has no name, size or "
			    "sha256",
			    idx + 1);
			continue;
		}
		pack_printable(name, shown, sizeof shown);
		if (pack_name_problem(name) != NULL ||
		    strcmp(name, PACK_MANIFEST) == 0 ||
		    strcmp(name, PACK_SIG) == 0) {
			pack_problem(c,
			    "manifest.json: lists a file that cannot be in a "
			    "pack (%s)",
			    shown);
			continue;
		}
		if ((pe = pack_find(c, name)) == NULL) {
			pack_problem(
			    c, "%s: listed in the manifest but missing", shown);
			continue;
		}
		if (pe->listed) {
			pack_problem(c, "manifest.json: lists %s twice", shown);
			continue;
		}
		pe->listed = true;
		if (strcasecmp(pe->sha256, sha) != 0)
			pack_problem(c,
			    "%s: SHA-256 does not match the manifest (file "
			    "changed)",
			    shown);
		else if (pe->size != json_integer_value(sz))
			pack_problem(c,
			    "%s: size %" PRId64 " does not match the "
			    "manifest's %" PRId64 " (file changed)",
			    shown, pe->size, (int64_t)json_integer_value(sz));
	}
	for (size_t i = 0; i < c->nentries; i++) {
		pe = &c->entries[i];
		if (pe->listed || strcmp(pe->name, PACK_MANIFEST) == 0 ||
		    strcmp(pe->name, PACK_SIG) == 0)
			continue;
		pack_printable(pe->name, shown, sizeof shown);
		pack_problem(
		    c, "%s: not listed in the manifest (file added)", shown);
	}
}

/* What an intact pack says about itself, for the OK lines. */
static void
pack_summary(struct pack_check *c, json_t *m, const unsigned char *pubkey,
    const unsigned char *named, size_t nfiles)
{
	json_t *site = json_object_get(m, "site");
	json_t *period = json_object_get(m, "period");
	const char *name = json_string_value(json_object_get(site, "name"));
	const char *prov = json_string_value(json_object_get(site, "province"));
	const char *from = json_string_value(json_object_get(period, "from"));
	const char *to = json_string_value(json_object_get(period, "to"));
	const char *gen = json_string_value(json_object_get(m, "generator"));
	char fpr[SIGKEY_FPR_LEN];

	if (prov != NULL && prov[0] == '\0')
		prov = NULL;
	sigkey_fingerprint(pubkey != NULL ? pubkey : named, fpr, sizeof fpr);
	strbuf_printf(&c->out,
	    "OK: %zu files intact, period %s to %s, site %s%s%s%s\n", nfiles,
	    from ? from : "?", to ? to : "?", name ? name : "?",
	    prov ? " (" : "", prov ? prov : "", prov ? ")" : "");
	if (gen != NULL)
		strbuf_printf(&c->out, "generated by %s\n", gen);
	if (pubkey != NULL)
		strbuf_printf(&c->out,
		    "signed by key %s (the key given with --pubkey)\n", fpr);
	else
		strbuf_printf(&c->out,
		    "signed by key %s (from the manifest \xe2\x80\x94 compare "
		    "it with the fingerprint printed in the report / given "
		    "by the commune)\n",
		    fpr);
}

int
pack_verify(const char *path, const unsigned char *pubkey, char *report,
    size_t reportlen, char *err, size_t errlen)
{
	struct pack_check *c;
	unsigned char named[SIGKEY_PUBLIC_LEN];
	bool have_named = false;
	json_error_t jerr;
	json_t *m = NULL;
	struct stat sb;
	size_t nfiles = 0;
	char *text;
	int fd, ret, rc;

	if (sodium_init() < 0) {
		snprintf(err, errlen, "libsodium cannot initialise");
		return -1;
	}
	if ((fd = file_open_regular(path, 0, &sb, err, errlen)) == -1)
		return -1;
	c = xcalloc(1, sizeof *c);
	c->label = path;
	rc = pack_read(c, fd);
	if (rc == 0)
		pack_check_central(c, fd);
	close(fd);
	/* An archive that cannot be read to its end says nothing more. */
	if (rc == 0) {
		if (c->manifest == NULL)
			pack_problem(c,
			    "manifest.json: missing (not a xanet evidence "
			    "pack, or the manifest was removed)");
		else if (c->sig == NULL)
			pack_problem(c, "manifest.sig: missing (the pack is "
					"not signed, or the signature was "
					"removed)");
		else if ((m = json_loadb(c->manifest, c->manifest_len,
			      JSON_REJECT_DUPLICATES, &jerr)) == NULL ||
			 !json_is_object(m))
			pack_problem(c,
			    "manifest.json: not valid JSON (line %d: %s)",
			    jerr.line, m == NULL ? jerr.text : "not an object");
		else if (json_integer_value(json_object_get(m, "schema")) !=
			 PACK_SCHEMA)
			pack_problem(c,
			    "manifest.json: schema is not %d (made by a "
			    "newer xanet?)",
			    PACK_SCHEMA);
		else {
			pack_check_manifest(c, m, pubkey, named, &have_named);
			nfiles = json_array_size(json_object_get(m, "files"));
		}
	}
	ret = c->problems > 0 ? 1 : 0;
	if (ret == 0)
		pack_summary(c, m, pubkey, named, nfiles);
	text = c->out.s != NULL ? c->out.s : "";
	if (reportlen > 0 && strlen(text) >= reportlen && ret == 1) {
		/* Keep whole lines, and say that some were left out. */
		str_copy(report, text, reportlen);
		char *nl = strrchr(report, '\n');
		if (nl != NULL)
			nl[1] = '\0';
		if (strlen(report) + 40 < reportlen)
			strcat(report, "(more problems not shown)\n");
	} else if (reportlen > 0)
		str_copy(report, text, reportlen);
	json_decref(m);
	strbuf_free(&c->out);
	free(c->manifest);
	free(c->sig);
	free(c);
	return ret;
}
