/* pack_tool.c - test helper: packs the given files, signed with a given key, as xanet does. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "common/xtime.h"
#include "evidence/pack.h"
#include "evidence/report.h"
#include "evidence/sigkey.h"

/*
 * usage: pack_tool KEYFILE OUT.zip FILE...
 * KEYFILE is created when missing. The report is 2026Q3 of a made-up
 * commune; each FILE is packed under its base name. Prints the pack's
 * size, SHA-256 and the manifest's SHA-256.
 */
static char *
slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *buf;
	long n;

	if (fp == NULL || fseek(fp, 0, SEEK_END) != 0 || (n = ftell(fp)) < 0 ||
	    fseek(fp, 0, SEEK_SET) != 0) {
		perror(path);
		exit(1);
	}
	buf = xmalloc((size_t)n + 1);
	if (fread(buf, 1, (size_t)n, fp) != (size_t)n) {
		perror(path);
		exit(1);
	}
	fclose(fp);
	*len = (size_t)n;
	return buf;
}

int
main(int argc, char **argv)
{
	struct report r;
	struct report_file *files;
	struct sigkey *k;
	char err[1024], fpr[SIGKEY_FPR_LEN], sha[65], msha[65];
	int64_t size;
	size_t n;

	if (argc < 3) {
		fprintf(stderr, "usage: pack_tool KEYFILE OUT.zip FILE...\n");
		return 2;
	}
	time_zone_set(NULL);
	if ((k = sigkey_load_or_create(argv[1], err, sizeof err)) == NULL) {
		fprintf(stderr, "pack_tool: %s\n", err);
		return 1;
	}
	sigkey_fingerprint(sigkey_public(k), fpr, sizeof fpr);
	memset(&r, 0, sizeof r);
	r.from_ms = 1782838800000LL; /* 2026-07-01 00:00 +07 */
	r.to_ms = 1790787600000LL;   /* 2026-10-01 00:00 +07 */
	r.generated_ms = 1790791200000LL;
	r.site_name = "UBND xã Tân Phú";
	r.province = "Đồng Nai";
	r.version = PACKAGE_VERSION;
	r.key_fingerprint = fpr;
	r.coverage_pct = 99.5;
	r.lan_coverage_pct = -1;
	str_copy(r.chain_state, "ab", sizeof r.chain_state);
	n = (size_t)(argc - 3);
	files = xcalloc(n + 1, sizeof *files);
	for (size_t i = 0; i < n; i++) {
		const char *base = strrchr(argv[3 + i], '/');

		str_copy(files[i].name, base ? base + 1 : argv[3 + i],
		    sizeof files[i].name);
		files[i].data = slurp(argv[3 + i], &files[i].len);
	}
	if (pack_write(argv[2], &r, files, n, k, &size, sha, msha, err,
		sizeof err) == -1) {
		fprintf(stderr, "pack_tool: %s\n", err);
		return 1;
	}
	printf("size %lld\nsha256 %s\nmanifest %s\nkey %s\n", (long long)size,
	    sha, msha, fpr);
	for (size_t i = 0; i < n; i++)
		free(files[i].data);
	free(files);
	sigkey_free(k);
	return 0;
}
