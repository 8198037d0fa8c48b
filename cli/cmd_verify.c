/* cmd_verify.c - xanetctl verify: an evidence pack offline, or the database's hash chains. */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/xanetctl.h"
#include "evidence/pack.h"
#include "evidence/sigkey.h"
#include "store/chain.h"

#define VERIFY_USAGE                                                    \
	"usage: xanetctl verify PACK.zip [--pubkey FILE]\n"             \
	"       xanetctl verify --db\n"                                 \
	"  PACK.zip: every file's SHA-256 and the signature, offline\n" \
	"  --pubkey FILE: check against this key (xanetctl key show "   \
	"--pubkey-out)\n"                                               \
	"  --db: re-walk the hash chains in the database\n"

/*
 * The chained tables, with their row counts as fixed statements (a
 * table name is never formatted into SQL).
 */
static const struct {
	const char *table;
	const char *count_sql;
} verify_chains[] = {
    {"state_interval", "SELECT count(*) FROM state_interval"},
    {"alert", "SELECT count(*) FROM alert"},
    {"snapshot", "SELECT count(*) FROM snapshot"},
};

static int64_t
verify_count(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	int64_t n = -1;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

static int
verify_db(struct ctl *ctl)
{
	char err[1024], prefix[128];
	const char *why;
	json_t *out = ctl->json ? json_object() : NULL;
	int exit_code = CTL_OK, rc;
	int64_t bad, n;
	sqlite3 *db;

	if ((db = ctl_open_db(ctl, &exit_code)) == NULL) {
		json_decref(out);
		return exit_code;
	}
	for (size_t i = 0; i < sizeof verify_chains / sizeof verify_chains[0];
	     i++) {
		const char *t = verify_chains[i].table;

		err[0] = '\0';
		bad = -1;
		/* Count in the same read transaction as the walk. */
		sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
		rc = chain_verify(db, t, &bad, err, sizeof err);
		n = verify_count(db, verify_chains[i].count_sql);
		sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
		/* chain.c's messages start "TABLE ID: "; the line names both. */
		why = err;
		snprintf(prefix, sizeof prefix, "%s %" PRId64 ": ", t, bad);
		if (rc == 1 && strncmp(err, prefix, strlen(prefix)) == 0)
			why = err + strlen(prefix);
		if (rc == 0) {
			if (out != NULL)
				json_object_set_new(out, t,
				    json_pack("{s:b, s:I}", "ok", 1, "rows",
					(json_int_t)n));
			else
				printf("%s: OK (%" PRId64 " rows)\n", t, n);
		} else if (rc == 1) {
			if (out != NULL)
				json_object_set_new(out, t,
				    json_pack("{s:b, s:I, s:I, s:s}", "ok", 0,
					"rows", (json_int_t)n, "broken_at",
					(json_int_t)bad, "why", why));
			else
				printf("%s: broken at row %" PRId64 ": %s\n", t,
				    bad, why);
			exit_code = CTL_ERROR;
		} else {
			if (out != NULL)
				json_object_set_new(out, t,
				    json_pack(
					"{s:b, s:s}", "ok", 0, "error", err));
			else
				printf("%s: cannot be checked: %s\n", t, err);
			exit_code = CTL_ERROR;
		}
	}
	sqlite3_close(db);
	if (out != NULL) {
		json_object_set_new(
		    out, "intact", json_boolean(exit_code == 0));
		ctl_print_json(out);
		json_decref(out);
	}
	return exit_code;
}

int
cmd_verify(struct ctl *ctl, int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"pubkey", required_argument, NULL, 'p'},
	    {"db", no_argument, NULL, 'd'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	unsigned char pub[SIGKEY_PUBLIC_LEN];
	const char *pubfile = NULL;
	bool db = false;
	char err[1024], *report;
	size_t reportlen = 64 * 1024;
	int ch, rc;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'p':
			pubfile = optarg;
			break;
		case 'd':
			db = true;
			break;
		case 'h':
			fputs(VERIFY_USAGE, stdout);
			return CTL_OK;
		default:
			fputs(VERIFY_USAGE, stderr);
			return CTL_USAGE;
		}
	}
	if (db) {
		if (optind != argc || pubfile != NULL) {
			fputs(VERIFY_USAGE, stderr);
			return CTL_USAGE;
		}
		return verify_db(ctl);
	}
	if (optind + 1 != argc) {
		fputs(VERIFY_USAGE, stderr);
		return CTL_USAGE;
	}
	if (pubfile != NULL &&
	    sigkey_public_read(pubfile, pub, err, sizeof err) == -1) {
		fprintf(stderr, "xanetctl: %s\n", err);
		return CTL_NO_DATABASE;
	}
	report = malloc(reportlen);
	if (report == NULL) {
		fprintf(stderr, "xanetctl: out of memory\n");
		return CTL_ERROR;
	}
	rc = pack_verify(argv[optind], pubfile != NULL ? pub : NULL, report,
	    reportlen, err, sizeof err);
	if (rc == -1) {
		fprintf(stderr, "xanetctl: %s\n", err);
		free(report);
		return CTL_NO_DATABASE;
	}
	if (ctl->json) {
		json_t *o = json_pack("{s:s, s:b, s:[]}", "pack", argv[optind],
		    "intact", rc == 0, "lines");
		char *line = report, *nl;

		while (*line != '\0') {
			nl = strchr(line, '\n');
			if (nl != NULL)
				*nl = '\0';
			json_array_append_new(
			    json_object_get(o, "lines"), json_string(line));
			if (nl == NULL)
				break;
			line = nl + 1;
		}
		ctl_print_json(o);
		json_decref(o);
	} else if (rc == 0)
		fputs(report, stdout);
	else
		printf("%s: NOT INTACT\n%s", argv[optind], report);
	free(report);
	return rc == 0 ? CTL_OK : CTL_ERROR;
}
