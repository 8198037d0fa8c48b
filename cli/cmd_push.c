/* cmd_push.c - xanetctl push (the outbox: status, retry, now) and xanetctl snapshot now. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/table.h"
#include "cli/xanetctl.h"
#include "common/util.h"
#include "common/xtime.h"
#include "store/db.h"
#include "store/snapshot.h"

#define PUSH_USAGE                                                   \
	"usage: xanetctl push status [--json]\n"                     \
	"       xanetctl push retry ID   (a quarantined or pending " \
	"item: due now)\n"                                           \
	"       xanetctl push now        (every pending item: due now)\n"
#define SNAPSHOT_USAGE                                                  \
	"usage: xanetctl snapshot now [--kind daily|quarterly|manual] " \
	"[--no-wait]\n"
/* How long `snapshot now` waits for the pack to be recorded. */
#define SNAPSHOT_WAIT_S 120

/* Send REQUEST; on success *OUT is the daemon's answer. */
static int
push_request(struct ctl *ctl, const char *request, json_t **out)
{
	return ctl_daemon_request(ctl, request,
	    "snapshots are made and pushed by the running daemon", out);
}

struct push_status {
	bool json;
	json_t *array;
	struct table *t;
};

static void
push_local(int64_t ms, char *buf, size_t len)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	localtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%d %H:%M", &tm);
}

static int
push_status_item(const struct outbox_item *it, void *arg)
{
	struct push_status *ps = arg;
	char id[24], attempts[16], from[32], to[32], period[80], next[40];
	char last[40];
	const char *cells[9];

	if (strcmp(it->state, "pending") == 0)
		time_format_local(it->next_ms, next, sizeof next);
	else
		str_copy(next, "-", sizeof next);
	if (ps->json) {
		if (it->last_ms >= 0)
			time_format_iso(it->last_ms, last, sizeof last);
		if (strcmp(it->state, "pending") == 0)
			time_format_iso(it->next_ms, next, sizeof next);
		time_format_iso(it->from_ms, from, sizeof from);
		time_format_iso(it->to_ms, to, sizeof to);
		json_array_append_new(ps->array,
		    json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:i, s:s?, "
			      "s:s?, s:i, s:s?, s:s, s:I, s:s}",
			"id", (json_int_t)it->id, "snapshot", it->uid, "kind",
			it->kind, "period_from", from, "period_to", to,
			"target", it->target, "state", it->state, "attempts",
			it->attempts, "next_try",
			strcmp(it->state, "pending") == 0 ? next : NULL,
			"last_try", it->last_ms >= 0 ? last : NULL,
			"last_status", it->last_status, "last_error",
			it->last_error[0] ? it->last_error : NULL, "path",
			it->path, "size", (json_int_t)it->size, "sha256",
			it->sha256));
		return 0;
	}
	snprintf(id, sizeof id, "%" PRId64, it->id);
	snprintf(attempts, sizeof attempts, "%d", it->attempts);
	push_local(it->from_ms, from, sizeof from);
	push_local(it->to_ms, to, sizeof to);
	snprintf(period, sizeof period, "%s - %s", from, to);
	cells[0] = id;
	cells[1] = it->uid;
	cells[2] = it->kind;
	cells[3] = period;
	cells[4] = it->target;
	cells[5] = it->state;
	cells[6] = attempts;
	cells[7] = next;
	cells[8] = it->last_error[0] ? it->last_error : "-";
	table_add(ps->t, cells);
	return 0;
}

static int
push_status(struct ctl *ctl, int argc, char **argv)
{
	static const char *const headers[] = {"ID", "SNAPSHOT", "KIND",
	    "PERIOD", "TARGET", "STATE", "ATTEMPTS", "NEXT TRY", "LAST ERROR"};
	struct push_status ps = {.json = ctl->json};
	int rc = CTL_OK, n;
	int64_t pending;
	sqlite3 *db;

	if (argc != 1) {
		fputs(PUSH_USAGE, stderr);
		return CTL_USAGE;
	}
	/* From the database: the outbox is there whether xanetd runs or not. */
	if ((db = ctl_open_db(ctl, &rc)) == NULL)
		return rc;
	if (ps.json)
		ps.array = json_array();
	else
		ps.t = table_new(9, headers);
	n = outbox_each(db, 0, push_status_item, &ps);
	pending = outbox_pending_count(db);
	db_close(db);
	if (n < 0) {
		fprintf(stderr, "xanetctl: cannot read the outbox\n");
		rc = CTL_ERROR;
	} else if (ps.json) {
		json_t *o = json_pack("{s:o, s:I}", "items", ps.array,
		    "pending", (json_int_t)pending);

		ps.array = NULL;
		ctl_print_json(o);
		json_decref(o);
	} else if (n == 0)
		printf("nothing in the outbox\n");
	else {
		table_print(ps.t, stdout);
		printf("%" PRId64 " pending\n", pending);
	}
	json_decref(ps.array);
	table_free(ps.t);
	return rc;
}

static int
push_retry(struct ctl *ctl, int argc, char **argv)
{
	char line[64], *end;
	long long id;
	json_t *o = NULL;
	int rc;

	if (argc != 2) {
		fputs(PUSH_USAGE, stderr);
		return CTL_USAGE;
	}
	id = strtoll(argv[1], &end, 10);
	if (*end != '\0' || id <= 0) {
		fprintf(stderr, "xanetctl: bad outbox id '%s'\n", argv[1]);
		return CTL_USAGE;
	}
	snprintf(line, sizeof line, "push-retry %lld", id);
	if ((rc = push_request(ctl, line, &o)) != CTL_OK)
		return rc;
	if (ctl->json)
		ctl_print_json(o);
	else
		printf("outbox item %lld is due now\n", id);
	json_decref(o);
	return CTL_OK;
}

static int
push_now(struct ctl *ctl, int argc, char **argv)
{
	json_t *o = NULL;
	int rc;

	if (argc != 1) {
		fputs(PUSH_USAGE, stderr);
		return CTL_USAGE;
	}
	if ((rc = push_request(ctl, "push-now", &o)) != CTL_OK)
		return rc;
	if (ctl->json)
		ctl_print_json(o);
	else
		printf("%lld pending items are due now\n",
		    (long long)json_integer_value(json_object_get(o, "due")));
	json_decref(o);
	return CTL_OK;
}

int
cmd_push(struct ctl *ctl, int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "status") == 0)
		return push_status(ctl, argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "retry") == 0)
		return push_retry(ctl, argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "now") == 0)
		return push_now(ctl, argc - 1, argv + 1);
	fputs(PUSH_USAGE, stderr);
	return CTL_USAGE;
}

/* The row of snapshot UID once recorded: 1 found, 0 not yet, -1 error. */
static int
snapshot_lookup(sqlite3 *db, const char *uid, json_t **out)
{
	sqlite3_stmt *st;
	char from[40], to[40];
	int rc;

	if (sqlite3_prepare_v2(db,
		"SELECT id, kind, period_from_ms, period_to_ms, path, size, "
		"sha256, (SELECT count(*) FROM outbox WHERE snapshot_id = "
		"snapshot.id) FROM snapshot WHERE uid = ?1",
		-1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(st, 1, uid, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		time_format_iso(sqlite3_column_int64(st, 2), from, sizeof from);
		time_format_iso(sqlite3_column_int64(st, 3), to, sizeof to);
		*out = json_pack("{s:s, s:I, s:s, s:s, s:s, s:s, s:I, s:s, "
				 "s:I}",
		    "uid", uid, "id", (json_int_t)sqlite3_column_int64(st, 0),
		    "kind", (const char *)sqlite3_column_text(st, 1),
		    "period_from", from, "period_to", to, "path",
		    (const char *)sqlite3_column_text(st, 4), "size",
		    (json_int_t)sqlite3_column_int64(st, 5), "sha256",
		    (const char *)sqlite3_column_text(st, 6), "deliveries",
		    (json_int_t)sqlite3_column_int64(st, 7));
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

static int
snapshot_now(struct ctl *ctl, int argc, char **argv)
{
	const char *kind = "manual", *uid;
	char line[64];
	json_t *o = NULL, *row = NULL;
	bool wait = true;
	int rc, found = 0;
	sqlite3 *db;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--kind") == 0 && i + 1 < argc)
			kind = argv[++i];
		else if (strcmp(argv[i], "--no-wait") == 0)
			wait = false;
		else {
			fputs(SNAPSHOT_USAGE, stderr);
			return CTL_USAGE;
		}
	}
	if (strcmp(kind, "daily") != 0 && strcmp(kind, "quarterly") != 0 &&
	    strcmp(kind, "manual") != 0) {
		fputs(SNAPSHOT_USAGE, stderr);
		return CTL_USAGE;
	}
	snprintf(line, sizeof line, "snapshot-now %s", kind);
	if ((rc = push_request(ctl, line, &o)) != CTL_OK)
		return rc;
	uid = json_string_value(json_object_get(o, "uid"));
	if (uid == NULL) {
		fprintf(stderr, "xanetctl: xanetd gave no snapshot id\n");
		json_decref(o);
		return CTL_ERROR;
	}
	if (!wait) {
		if (ctl->json)
			ctl_print_json(o);
		else
			printf("snapshot %s requested\n", uid);
		json_decref(o);
		return CTL_OK;
	}
	/* The pack is built off the daemon's loop: wait for its row. */
	if ((db = ctl_open_db(ctl, &rc)) == NULL) {
		json_decref(o);
		return rc;
	}
	for (int i = 0; i < SNAPSHOT_WAIT_S * 5 && found == 0; i++) {
		found = snapshot_lookup(db, uid, &row);
		if (found == 0)
			usleep(200000);
	}
	db_close(db);
	if (found != 1) {
		fprintf(stderr,
		    "xanetctl: snapshot %s is not recorded after %d s; see "
		    "xanetd's log\n",
		    uid, SNAPSHOT_WAIT_S);
		json_decref(o);
		return CTL_ERROR;
	}
	if (ctl->json)
		ctl_print_json(row);
	else
		printf("snapshot %s (%s): %s, %lld bytes, sha256 %s, %lld "
		       "deliveries queued\n",
		    uid, kind, json_string_value(json_object_get(row, "path")),
		    (long long)json_integer_value(json_object_get(row, "size")),
		    json_string_value(json_object_get(row, "sha256")),
		    (long long)json_integer_value(
			json_object_get(row, "deliveries")));
	json_decref(row);
	json_decref(o);
	return CTL_OK;
}

int
cmd_snapshot(struct ctl *ctl, int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "now") == 0)
		return snapshot_now(ctl, argc - 1, argv + 1);
	fputs(SNAPSHOT_USAGE, stderr);
	return CTL_USAGE;
}
