/* cmd_report.c - xanetctl report: a period's evidence files (HTML, CSV, JSON) into a folder, and optionally its signed pack. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/xanetctl.h"
#include "common/config.h"
#include "common/util.h"
#include "common/xtime.h"
#include "evidence/pack.h"
#include "evidence/report.h"
#include "evidence/sigkey.h"
#include "evidence/uptime.h"

#define REPORT_USAGE                                                        \
	"usage: xanetctl report (--quarter YYYYQN | --from YYYY-MM-DD "     \
	"--to YYYY-MM-DD)\n"                                                \
	"                       [--group G] [--device KEY] [--lang vi|en] " \
	"--out DIR [--pack]\n"

/* mkdir -p DIR (0755). 0 or -1 with errno. */
static int
report_mkdirs(const char *dir)
{
	char *p = xstrdup(dir);
	int rc = 0;

	for (char *s = p + 1; rc == 0; s++) {
		char c = *s;

		if (c != '/' && c != '\0')
			continue;
		*s = '\0';
		if (mkdir(p, 0755) == -1 && errno != EEXIST)
			rc = -1;
		*s = c;
		if (c == '\0')
			break;
	}
	free(p);
	return rc;
}

/*
 * DIR/NAME written whole or not at all: a temporary file beside it,
 * synced, then renamed over.
 */
static int
report_write_file(const char *dir, const struct report_file *f)
{
	char *path = xasprintf("%s/%s", dir, f->name);
	char *tmp = xasprintf("%s/.%s.tmp", dir, f->name);
	size_t off = 0;
	int fd, rc = -1;

	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) ==
	    -1)
		goto out;
	while (off < f->len) {
		ssize_t w = write(fd, f->data + off, f->len - off);

		if (w == -1 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		off += (size_t)w;
	}
	if (off == f->len && fsync(fd) == 0 && close(fd) == 0) {
		fd = -1;
		rc = rename(tmp, path);
	}
	if (fd != -1)
		close(fd);
	if (rc == -1)
		unlink(tmp);
out:
	if (rc == -1)
		fprintf(stderr, "xanetctl: cannot write %s: %s\n", path,
		    strerror(errno));
	free(path);
	free(tmp);
	return rc;
}

/*
 * The signing key's fingerprint, printed in the report: from the key
 * file, or its public half beside it (xanetd may keep the secret to
 * itself). "" when neither can be read: the report says it is unsigned.
 */
static void
report_fingerprint(const char *path, char *fpr, size_t len)
{
	unsigned char pub[SIGKEY_PUBLIC_LEN];
	char err[512], *pubpath;
	struct sigkey *k;

	fpr[0] = '\0';
	if ((k = sigkey_load(path, err, sizeof err)) != NULL) {
		sigkey_fingerprint(sigkey_public(k), fpr, len);
		sigkey_free(k);
		return;
	}
	pubpath = xasprintf("%s.pub", path);
	if (sigkey_public_read(pubpath, pub, err, sizeof err) == 0)
		sigkey_fingerprint(pub, fpr, len);
	free(pubpath);
}

static int
report_pack(const char *dir, const char *label, const char *keypath,
    const struct report *r, const struct report_file *files, size_t nfiles)
{
	char err[1024], sha[65];
	struct sigkey *k;
	int64_t size;
	char *path;
	int rc;

	if ((k = sigkey_load(keypath, err, sizeof err)) == NULL) {
		fprintf(stderr, "xanetctl: cannot sign the pack: %s\n", err);
		return -1;
	}
	path = xasprintf("%s/evidence-%s.zip", dir, label);
	rc = pack_write(
	    path, r, files, nfiles, k, &size, sha, NULL, err, sizeof err);
	sigkey_free(k);
	if (rc == -1)
		fprintf(stderr, "xanetctl: cannot write %s: %s\n", path, err);
	else
		printf(
		    "%s\t%lld bytes\tsha256 %s\n", path, (long long)size, sha);
	free(path);
	return rc;
}

int
cmd_report(struct ctl *ctl, int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"quarter", required_argument, NULL, 'q'},
	    {"from", required_argument, NULL, 'f'},
	    {"to", required_argument, NULL, 't'},
	    {"group", required_argument, NULL, 'g'},
	    {"device", required_argument, NULL, 'd'},
	    {"lang", required_argument, NULL, 'l'},
	    {"out", required_argument, NULL, 'o'},
	    {"pack", no_argument, NULL, 'p'},
	    {NULL, 0, NULL, 0},
	};
	const char *quarter = NULL, *from = NULL, *to = NULL, *out = NULL;
	struct report_opts o = {0};
	struct report *r = NULL;
	struct report_file *files = NULL;
	struct config *cfg;
	size_t nfiles = 0;
	char label[64], err[1024], fpr[SIGKEY_FPR_LEN];
	char *keypath = NULL;
	bool pack = false;
	int64_t now = time_wall_ms();
	int ch, exit_code;
	sqlite3 *db;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'q':
			quarter = optarg;
			break;
		case 'f':
			from = optarg;
			break;
		case 't':
			to = optarg;
			break;
		case 'g':
			o.group = optarg;
			break;
		case 'd':
			o.device = optarg;
			break;
		case 'l':
			o.lang = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		case 'p':
			pack = true;
			break;
		default:
			fputs(REPORT_USAGE, stderr);
			return CTL_USAGE;
		}
	}
	if (optind != argc || out == NULL ||
	    (quarter != NULL) == (from != NULL || to != NULL) ||
	    (quarter == NULL && (from == NULL || to == NULL)) ||
	    (o.lang != NULL && strcmp(o.lang, "vi") != 0 &&
		strcmp(o.lang, "en") != 0)) {
		fputs(REPORT_USAGE, stderr);
		return CTL_USAGE;
	}
	/* Indicators, site and time zone come from the configuration. */
	if ((cfg = ctl_config(ctl)) == NULL)
		return CTL_ERROR;
	if ((exit_code = ctl_period(quarter, from, to, now, "_", &o.from_ms,
		 &o.to_ms, label, sizeof label)) != CTL_OK)
		return exit_code;
	if (o.lang == NULL)
		o.lang = cfg->site.lang;
	o.now_ms = now;
	keypath = sigkey_path(cfg->evidence.key_file, cfg->daemon.state_dir);
	report_fingerprint(keypath, fpr, sizeof fpr);
	o.key_fingerprint = fpr[0] ? fpr : NULL;

	if ((db = ctl_open_db(ctl, &exit_code)) == NULL) {
		free(keypath);
		return exit_code;
	}
	o.watched_until_ms = ctl_watched_until(ctl, db, -1, now);
	exit_code = CTL_ERROR;
	if (report_build(db, cfg, &o, &r, err, sizeof err) == -1) {
		fprintf(stderr, "xanetctl: cannot build the report: %s\n", err);
		goto out;
	}
	if ((o.group != NULL || o.device != NULL) && r->ndevices == 0) {
		fprintf(stderr, "xanetctl: no device %s '%s' during %s\n",
		    o.device != NULL ? "with key" : "in group",
		    o.device != NULL ? o.device : o.group, label);
		goto out;
	}
	if (report_render_all(r, &files, &nfiles, err, sizeof err) == -1) {
		fprintf(stderr, "xanetctl: %s\n", err);
		goto out;
	}
	if (report_mkdirs(out) == -1) {
		fprintf(stderr, "xanetctl: cannot create %s: %s\n", out,
		    strerror(errno));
		goto out;
	}
	for (size_t i = 0; i < nfiles; i++) {
		if (report_write_file(out, &files[i]) == -1)
			goto out;
		printf("%s/%s\t%zu bytes\n", out, files[i].name, files[i].len);
	}
	if (pack && report_pack(out, label, keypath, r, files, nfiles) == -1)
		goto out;
	if (r->outages_cut > 0 || r->alerts_cut > 0 || r->hosts_cut > 0)
		fprintf(stderr,
		    "xanetctl: report cut to its bounds: %zu outages, %zu "
		    "alerts, %zu hosts left out (counted in data.json)\n",
		    r->outages_cut, r->alerts_cut, r->hosts_cut);
	exit_code = CTL_OK;
out:
	report_files_free(files, nfiles);
	report_free(r);
	sqlite3_close(db);
	free(keypath);
	return exit_code;
}
