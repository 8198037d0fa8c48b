/* test_pack.c - unit tests of evidence/sigkey and evidence/pack: keys, signatures, packs and their tampering. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <archive.h>
#include <archive_entry.h>
#include <cmocka.h>
#include <jansson.h>
#include <sodium.h>

#include "common/util.h"
#include "common/xtime.h"
#include "evidence/pack.h"
#include "evidence/report.h"
#include "evidence/sigkey.h"

struct fx {
	char dir[64];
	char keypath[128];
	struct sigkey *key;
	struct report r;
	struct report_file files[3];
	char pack[128];
};

static char *
fx_path(struct fx *f, const char *name)
{
	return xasprintf("%s/%s", f->dir, name);
}

static int
setup(void **state)
{
	struct fx *f = xcalloc(1, sizeof *f);
	char err[256];

	time_zone_set("Asia/Ho_Chi_Minh");
	strcpy(f->dir, "/tmp/test_pack.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->keypath, sizeof f->keypath, "%s/signing.key", f->dir);
	f->key = sigkey_load_or_create(f->keypath, err, sizeof err);
	assert_non_null(f->key);
	f->r.from_ms = 1782838800000LL; /* 2026-07-01 00:00 +07 */
	f->r.to_ms = 1790787600000LL;   /* 2026-10-01 00:00 +07 */
	f->r.generated_ms = 1790791200000LL;
	f->r.site_name = xstrdup("UBND xã Tân Phú");
	f->r.province = xstrdup("Đồng Nai");
	f->r.version = xstrdup("9.9.9");
	f->r.coverage_pct = 99.25;
	f->r.lan_coverage_pct = -1;
	str_copy(f->r.chain_state, "00ff", sizeof f->r.chain_state);
	str_copy(f->files[0].name, "report.html", sizeof f->files[0].name);
	f->files[0].data = xstrdup("<html><p>Nhà văn hóa thôn Đông</p></html>");
	str_copy(f->files[1].name, "uptime.csv", sizeof f->files[1].name);
	f->files[1].data = xstrdup("\xef\xbb\xbf"
				   "key,uptime\r\nap-01,99.5\r\n");
	str_copy(f->files[2].name, "data.json", sizeof f->files[2].name);
	f->files[2].data = xstrdup("{\"schema\": 1}\n");
	for (size_t i = 0; i < 3; i++)
		f->files[i].len = strlen(f->files[i].data);
	snprintf(f->pack, sizeof f->pack, "%s/pack.zip", f->dir);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;
	char *cmd = xasprintf("rm -rf '%s'", f->dir);

	assert_int_equal(system(cmd), 0);
	free(cmd);
	sigkey_free(f->key);
	free(f->r.site_name);
	free(f->r.province);
	free(f->r.version);
	for (size_t i = 0; i < 3; i++)
		free(f->files[i].data);
	free(f);
	return 0;
}

static void
write_pack(struct fx *f)
{
	char err[256], sha[65], msha[65];
	int64_t size = 0;

	assert_int_equal(pack_write(f->pack, &f->r, f->files, 3, f->key, &size,
			     sha, msha, err, sizeof err),
	    0);
	assert_true(size > 0);
	assert_int_equal(strlen(sha), 64);
	assert_int_equal(strlen(msha), 64);
}

/* pack_verify's verdict and its lines. */
static int
verify(const char *path, const unsigned char *pub, char *out, size_t len)
{
	char err[256];
	int rc = pack_verify(path, pub, out, len, err, sizeof err);

	if (rc == -1)
		snprintf(out, len, "ERR %s", err);
	return rc;
}

/* --- keys -------------------------------------------------------------- */

static void
test_key_roundtrip(void **state)
{
	struct fx *f = *state;
	unsigned char sig[SIGKEY_SIG_LEN], pub[SIGKEY_PUBLIC_LEN];
	const char msg[] = "manifest bytes";
	struct sigkey *again;
	struct stat sb;
	char err[256], *pubpath;

	assert_int_equal(stat(f->keypath, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	sigkey_sign(f->key, msg, sizeof msg - 1, sig);
	assert_int_equal(
	    sigkey_check(sigkey_public(f->key), msg, sizeof msg - 1, sig), 0);
	/* One changed byte of the message, or of the signature. */
	assert_int_equal(
	    sigkey_check(sigkey_public(f->key), "manifest bytez", 14, sig), -1);
	sig[10] ^= 1;
	assert_int_equal(
	    sigkey_check(sigkey_public(f->key), msg, sizeof msg - 1, sig), -1);

	/* Loaded again, not made again: the same key. */
	again = sigkey_load_or_create(f->keypath, err, sizeof err);
	assert_non_null(again);
	assert_memory_equal(
	    sigkey_public(again), sigkey_public(f->key), SIGKEY_PUBLIC_LEN);
	sigkey_free(again);

	/* The public half beside it, and --pubkey-out's format. */
	pubpath = fx_path(f, "signing.key.pub");
	assert_int_equal(sigkey_public_read(pubpath, pub, err, sizeof err), 0);
	assert_memory_equal(pub, sigkey_public(f->key), SIGKEY_PUBLIC_LEN);
	free(pubpath);
	pubpath = fx_path(f, "out.pub");
	assert_int_equal(sigkey_public_write(
			     sigkey_public(f->key), pubpath, err, sizeof err),
	    0);
	memset(pub, 0, sizeof pub);
	assert_int_equal(sigkey_public_read(pubpath, pub, err, sizeof err), 0);
	assert_memory_equal(pub, sigkey_public(f->key), SIGKEY_PUBLIC_LEN);
	/* A secret key file is not a public key file. */
	assert_int_equal(
	    sigkey_public_read(f->keypath, pub, err, sizeof err), -1);
	free(pubpath);
}

static void
test_key_fingerprint(void **state)
{
	unsigned char zero[SIGKEY_PUBLIC_LEN] = {0};
	char fpr[SIGKEY_FPR_LEN];
	struct fx *f = *state;

	(void)state;
	/* SHA-256 of 32 zero bytes, by Python's hashlib. */
	sigkey_fingerprint(zero, fpr, sizeof fpr);
	assert_string_equal(fpr, "SHA256:6668:7aad:f862:bd77:6c8f:c18b:8e9f:"
				 "8e20:0897:1485:6ee2:33b3:902a:591d:0d5f:"
				 "2925");
	sigkey_fingerprint(sigkey_public(f->key), fpr, sizeof fpr);
	assert_int_equal(strlen(fpr), 7 + 64 + 15);
	assert_true(strncmp(fpr, "SHA256:", 7) == 0);
	for (size_t i = 7; fpr[i] != '\0'; i++)
		if ((i - 7) % 5 == 4)
			assert_int_equal(fpr[i], ':');
		else
			assert_non_null(strchr("0123456789abcdef", fpr[i]));
}

static void
write_text(const char *path, const char *text, mode_t mode)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
	assert_int_equal(chmod(path, mode), 0);
}

static void
test_key_refused(void **state)
{
	struct fx *f = *state;
	char err[256], *p = fx_path(f, "bad.key");
	char *text, *q = fx_path(f, "other.key");
	struct sigkey *k;
	FILE *fp;
	size_t n;

	/* Anyone may write it: refused, whatever it holds. */
	fp = fopen(f->keypath, "r");
	assert_non_null(fp);
	text = xcalloc(1, 1024);
	n = fread(text, 1, 1023, fp);
	fclose(fp);
	assert_true(n > 20);
	write_text(q, text, 0666);
	assert_null(sigkey_load(q, err, sizeof err));
	assert_non_null(strstr(err, "anyone can write"));
	/* Readable by others: used (a warning is logged). */
	assert_int_equal(chmod(q, 0644), 0);
	k = sigkey_load(q, err, sizeof err);
	assert_non_null(k);
	sigkey_free(k);

	/* A damaged key is an error, never silently replaced. */
	write_text(p, "xanet-ed25519-secret AAAA\n", 0600);
	assert_null(sigkey_load_or_create(p, err, sizeof err));
	assert_non_null(strstr(err, "not 64 bytes"));
	write_text(p, "hello\n", 0600);
	assert_null(sigkey_load_or_create(p, err, sizeof err));
	assert_non_null(strstr(err, "not a key file"));
	fp = fopen(p, "r");
	assert_non_null(fp);
	assert_non_null(fgets(text, 1024, fp));
	fclose(fp);
	assert_string_equal(text, "hello\n");
	/* The seed and the public half must agree. */
	{
		unsigned char sk[64];
		char b64[100], *line;

		memset(sk, 0, 32);
		memset(sk + 32, 1, 32);
		sodium_bin2base64(b64, sizeof b64, sk, sizeof sk,
		    sodium_base64_VARIANT_ORIGINAL);
		line = xasprintf("xanet-ed25519-secret %s\n", b64);
		write_text(p, line, 0600);
		free(line);
		assert_null(sigkey_load(p, err, sizeof err));
		assert_non_null(strstr(err, "damaged"));
	}
	free(text);
	free(p);
	free(q);
}

/* --- packs ------------------------------------------------------------- */

static void
test_pack_ok(void **state)
{
	struct fx *f = *state;
	char out[4096], fpr[SIGKEY_FPR_LEN], err[256], sha1[65], sha2[65];
	int64_t s1, s2;

	write_pack(f);
	assert_int_equal(verify(f->pack, NULL, out, sizeof out), 0);
	assert_non_null(strstr(out, "OK: 3 files intact, period "
				    "2026-07-01T00:00:00+07:00 to "
				    "2026-10-01T00:00:00+07:00, site UBND xã "
				    "Tân Phú (Đồng Nai)\n"));
	sigkey_fingerprint(sigkey_public(f->key), fpr, sizeof fpr);
	assert_non_null(strstr(out, fpr));
	assert_non_null(strstr(out, "from the manifest"));
	assert_int_equal(
	    verify(f->pack, sigkey_public(f->key), out, sizeof out), 0);
	assert_non_null(strstr(out, "given with --pubkey"));

	/* The same report packs to the same bytes. */
	assert_int_equal(pack_write(f->pack, &f->r, f->files, 3, f->key, &s1,
			     sha1, NULL, err, sizeof err),
	    0);
	assert_int_equal(pack_write(f->pack, &f->r, f->files, 3, f->key, &s2,
			     sha2, NULL, err, sizeof err),
	    0);
	assert_int_equal(s1, s2);
	assert_string_equal(sha1, sha2);
}

/* An entry of a pack, read back to be rewritten. */
struct ent {
	char name[300];
	char *data;
	size_t len;
};

static size_t
read_entries(const char *path, struct ent *e, size_t max)
{
	struct archive *a = archive_read_new();
	struct archive_entry *ae;
	size_t n = 0;

	archive_read_support_format_zip(a);
	assert_int_equal(archive_read_open_filename(a, path, 4096), ARCHIVE_OK);
	while (archive_read_next_header(a, &ae) == ARCHIVE_OK) {
		assert_true(n < max);
		str_copy(
		    e[n].name, archive_entry_pathname(ae), sizeof e[n].name);
		e[n].len = (size_t)archive_entry_size(ae);
		e[n].data = xmalloc(e[n].len + 1);
		assert_int_equal(archive_read_data(a, e[n].data, e[n].len),
		    (la_ssize_t)e[n].len);
		e[n].data[e[n].len] = '\0';
		n++;
	}
	archive_read_free(a);
	return n;
}

static void
write_entries(const char *path, struct ent *e, size_t n)
{
	struct archive *a = archive_write_new();
	struct archive_entry *ae;

	archive_write_set_format_zip(a);
	assert_int_equal(archive_write_open_filename(a, path), ARCHIVE_OK);
	for (size_t i = 0; i < n; i++) {
		ae = archive_entry_new();
		archive_entry_set_pathname(ae, e[i].name);
		archive_entry_set_size(ae, (la_int64_t)e[i].len);
		archive_entry_set_filetype(ae, AE_IFREG);
		archive_entry_set_perm(ae, 0644);
		assert_int_equal(archive_write_header(a, ae), ARCHIVE_OK);
		assert_int_equal(archive_write_data(a, e[i].data, e[i].len),
		    (la_ssize_t)e[i].len);
		archive_entry_free(ae);
	}
	assert_int_equal(archive_write_close(a), ARCHIVE_OK);
	archive_write_free(a);
}

static void
free_entries(struct ent *e, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(e[i].data);
}

static struct ent *
find(struct ent *e, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(e[i].name, name) == 0)
			return &e[i];
	fail_msg("no %s in the pack", name);
	return NULL;
}

/* Exactly one problem line, LINE, and the pack is not intact. */
static void
expect_one(const char *path, const unsigned char *pub, const char *line)
{
	char out[4096];

	assert_int_equal(verify(path, pub, out, sizeof out), 1);
	assert_string_equal(out, line);
}

static void
test_pack_changed_file(void **state)
{
	struct fx *f = *state;
	struct ent e[8], *x;
	size_t n;

	write_pack(f);
	n = read_entries(f->pack, e, 8);
	assert_int_equal(n, 5);
	assert_string_equal(e[0].name, "manifest.json");
	assert_string_equal(e[1].name, "manifest.sig");
	assert_string_equal(e[2].name, "report.html");
	x = find(e, n, "uptime.csv");
	x->data[x->len - 3] = '6'; /* 99.5 -> 99.6, same size */
	write_entries(f->pack, e, n);
	expect_one(f->pack, NULL,
	    "uptime.csv: SHA-256 does not match the manifest (file "
	    "changed)\n");
	free_entries(e, n);
}

static void
test_pack_added_file(void **state)
{
	struct fx *f = *state;
	struct ent e[8];
	size_t n;

	write_pack(f);
	n = read_entries(f->pack, e, 7);
	str_copy(e[n].name, "extra.txt", sizeof e[n].name);
	e[n].data = xstrdup("thêm vào\n");
	e[n].len = strlen(e[n].data);
	n++;
	write_entries(f->pack, e, n);
	expect_one(f->pack, NULL,
	    "extra.txt: not listed in the manifest (file added)\n");
	/* The same name twice: the second copy is an added file too. */
	free(e[n - 1].data);
	e[n - 1] = e[2];
	e[n - 1].data = xstrdup("<html>autre</html>");
	e[n - 1].len = strlen(e[n - 1].data);
	write_entries(f->pack, e, n);
	expect_one(f->pack, NULL,
	    "report.html: appears twice in the archive (file added)\n");
	free_entries(e, n);
}

static void
test_pack_missing_file(void **state)
{
	struct fx *f = *state;
	struct ent e[8];
	size_t n;

	write_pack(f);
	n = read_entries(f->pack, e, 8);
	free(e[n - 1].data); /* data.json, the last one */
	write_entries(f->pack, e, n - 1);
	expect_one(
	    f->pack, NULL, "data.json: listed in the manifest but missing\n");
	free_entries(e, n - 1);
}

static void
test_pack_edited_manifest(void **state)
{
	struct fx *f = *state;
	struct ent e[8], *m;
	char *p;
	size_t n;

	write_pack(f);
	n = read_entries(f->pack, e, 8);
	m = find(e, n, "manifest.json");
	/* 99.25 -> 99.95: the coverage a forger would like. */
	p = strstr(m->data, "99.25");
	assert_non_null(p);
	p[3] = '9';
	write_entries(f->pack, e, n);
	expect_one(f->pack, NULL,
	    "manifest.sig: signature does not match manifest.json (manifest "
	    "edited or wrong key)\n");
	free_entries(e, n);
}

static void
test_pack_wrong_key(void **state)
{
	struct fx *f = *state;
	char err[256], out[4096], *p = fx_path(f, "other.key");
	struct sigkey *other = sigkey_load_or_create(p, err, sizeof err);
	char fa[SIGKEY_FPR_LEN], fb[SIGKEY_FPR_LEN], *want;

	assert_non_null(other);
	write_pack(f);
	sigkey_fingerprint(sigkey_public(f->key), fa, sizeof fa);
	sigkey_fingerprint(sigkey_public(other), fb, sizeof fb);
	want = xasprintf("manifest.sig: signature does not match "
			 "manifest.json (manifest edited or wrong key)\n"
			 "manifest.json: names key %s, not the key given "
			 "with --pubkey (%s)\n",
	    fa, fb);
	assert_int_equal(
	    verify(f->pack, sigkey_public(other), out, sizeof out), 1);
	assert_string_equal(out, want);
	free(want);

	/*
	 * A forger who re-signs an edited manifest with his own key and
	 * puts his key in it passes without --pubkey (the output says whose
	 * key it is), and fails with the commune's.
	 */
	{
		struct fx g = *f;
		char fo[SIGKEY_FPR_LEN];

		g.key = other;
		g.r.coverage_pct = 100;
		write_pack(&g);
		sigkey_fingerprint(sigkey_public(other), fo, sizeof fo);
		assert_int_equal(verify(f->pack, NULL, out, sizeof out), 0);
		assert_non_null(strstr(out, fo));
		assert_int_equal(
		    verify(f->pack, sigkey_public(f->key), out, sizeof out), 1);
	}
	sigkey_free(other);
	free(p);
}

static void
test_pack_truncated(void **state)
{
	struct fx *f = *state;
	char out[4096], *cut = fx_path(f, "cut.zip"), *want;
	struct stat sb;

	write_pack(f);
	assert_int_equal(stat(f->pack, &sb), 0);
	assert_int_equal(truncate(f->pack, sb.st_size - 10), 0);
	assert_int_equal(verify(f->pack, NULL, out, sizeof out), 1);
	want = xasprintf("%s: truncated or not a zip archive (", f->pack);
	assert_true(strncmp(out, want, strlen(want)) == 0);
	assert_non_null(strchr(out, '\n'));
	assert_int_equal(strchr(out, '\n')[1], '\0');
	free(want);
	/* Not a zip at all; and a file that is not there. */
	write_text(cut, "PK not really\n", 0644);
	assert_int_equal(verify(cut, NULL, out, sizeof out), 1);
	assert_non_null(strstr(out, "truncated or not a zip archive"));
	assert_int_equal(unlink(cut), 0);
	assert_int_equal(verify(cut, NULL, out, sizeof out), -1);
	assert_non_null(strstr(out, "cannot open"));
	free(cut);
}

/*
 * The central directory (what unzip lists) renames an entry whose own
 * header keeps its name: verify must not pass what others show
 * differently.
 */
static void
test_pack_central_rename(void **state)
{
	struct fx *f = *state;
	char *buf, *p = NULL;
	struct stat sb;
	FILE *fp;

	write_pack(f);
	assert_int_equal(stat(f->pack, &sb), 0);
	buf = xmalloc((size_t)sb.st_size);
	fp = fopen(f->pack, "r+b");
	assert_non_null(fp);
	assert_int_equal(fread(buf, 1, (size_t)sb.st_size, fp), sb.st_size);
	/* The last copy of the name is the central directory's. */
	for (char *q = buf; (q = memmem(q, (size_t)(buf + sb.st_size - q),
				 "manifest.sig", 12)) != NULL;
	     q++)
		p = q;
	assert_non_null(p);
	p[5] = '~';
	assert_int_equal(fseek(fp, 0, SEEK_SET), 0);
	assert_int_equal(fwrite(buf, 1, (size_t)sb.st_size, fp), sb.st_size);
	fclose(fp);
	free(buf);
	expect_one(f->pack, NULL,
	    "manif~st.sig: the zip's central directory gives an entry this "
	    "name, its own header another (archive edited)\n");
}

static void
test_pack_hostile_names(void **state)
{
	struct fx *f = *state;
	struct ent e[80];
	char out[8192];
	size_t n;

	write_pack(f);
	n = read_entries(f->pack, e, 8);
	str_copy(e[n].name, "../evil.sh", sizeof e[n].name);
	e[n].data = xstrdup("rm -rf /\n");
	e[n].len = strlen(e[n].data);
	str_copy(e[n + 1].name, "/etc/passwd", sizeof e[n + 1].name);
	e[n + 1].data = xstrdup("root::0:0\n");
	e[n + 1].len = strlen(e[n + 1].data);
	write_entries(f->pack, e, n + 2);
	assert_int_equal(verify(f->pack, NULL, out, sizeof out), 1);
	assert_string_equal(out, "../evil.sh: refused: path with '..'\n"
				 "/etc/passwd: refused: absolute path\n");
	free_entries(e, n + 2);

	/* More entries than any pack has: refused, reading stops. */
	n = read_entries(f->pack, e, 8);
	for (size_t i = n; i < 70; i++) {
		snprintf(e[i].name, sizeof e[i].name, "f%zu.txt", i);
		e[i].data = xstrdup("x");
		e[i].len = 1;
	}
	write_entries(f->pack, e, 70);
	assert_int_equal(verify(f->pack, NULL, out, sizeof out), 1);
	assert_non_null(strstr(out, "more than 64 entries"));
	free_entries(e, 70);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(
		test_key_roundtrip, setup, teardown),
	    cmocka_unit_test_setup_teardown(
		test_key_fingerprint, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_key_refused, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_pack_ok, setup, teardown),
	    cmocka_unit_test_setup_teardown(
		test_pack_changed_file, setup, teardown),
	    cmocka_unit_test_setup_teardown(
		test_pack_added_file, setup, teardown),
	    cmocka_unit_test_setup_teardown(
		test_pack_missing_file, setup, teardown),
	    cmocka_unit_test_setup_teardown(
		test_pack_edited_manifest, setup, teardown),
	    cmocka_unit_test_setup_teardown(
		test_pack_wrong_key, setup, teardown),
	    cmocka_unit_test_setup_teardown(
		test_pack_truncated, setup, teardown),
	    cmocka_unit_test_setup_teardown(
		test_pack_hostile_names, setup, teardown),
	    cmocka_unit_test_setup_teardown(
		test_pack_central_rename, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
