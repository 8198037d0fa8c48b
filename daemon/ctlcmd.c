/* ctlcmd.c - the control socket's command table: ping, status, reload, stop, maintenance. */
#include <jansson.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "autoconf.h"
#include "common/config.h"
#include "common/util.h"
#include "common/xtime.h"
#include "daemon/control.h"
#include "daemon/ctlcmd.h"
#include "daemon/evidence.h"
#include "daemon/lan.h"
#include "daemon/monitor.h"
#include "daemon/web.h"
#include "daemon/xanetd.h"
#include "store/alert.h"
#include "store/snapshot.h"
#include "store/user.h"
#include "store/writer.h"
#include "web/auth.h"

#define CTLCMD_ARGS_MAX 5

struct ctlcmd {
	const char *name;
	int min_args; /* words after the command name */
	int max_args;
	json_t *(*fn)(
	    struct xanetd *x, int argc, char **argv, char *err, size_t errlen);
};

static json_t *
ctlcmd_ping(struct xanetd *x, int argc, char **argv, char *err, size_t errlen)
{
	return json_pack("{s:b}", "pong", 1);
}

static json_t *
ctlcmd_devices(struct xanetd *x)
{
	const struct config *cfg = x->cfg;
	json_t *a = json_array();

	for (size_t i = 0; i < cfg->ndevices; i++) {
		const struct config_device *d = &cfg->devices[i];
		json_t *o = json_pack("{s:s, s:s, s:s, s:s?, s:s?, s:s?, s:s?, "
				      "s:I}",
		    "key", d->key, "name", d->name, "kind",
		    device_kind_name(d->kind), "group", d->group, "address",
		    d->address, "parent", d->parent, "probes", d->probes,
		    "interval_ms", (json_int_t)d->interval_ms);

		monitor_device_json(x->monitor, i, o);
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *
ctlcmd_status(struct xanetd *x, int argc, char **argv, char *err, size_t errlen)
{
	struct writer_stats st;
	char started[40], hash[65];
	json_t *o;

	writer_get_stats(x->writer, &st);
	time_format_iso(x->started_wall_ms, started, sizeof started);
	config_hash_hex(x->cfg, hash);
	o = json_pack("{s:I, s:s, s:I, s:s, s:I, s:s, s:s, s:s, s:s, s:o, "
		      "s:{s:I, s:I, s:I, s:I, s:I, s:I}, s:o}",
	    "pid", (json_int_t)getpid(), "version", PACKAGE_VERSION, "run_id",
	    (json_int_t)x->run_id, "started", started, "uptime_s",
	    (json_int_t)((time_mono_ms() - x->started_mono_ms) / 1000),
	    "config", x->config_path ? x->config_path : "(embedded default)",
	    "config_hash", hash, "site",
	    x->cfg->site.name ? x->cfg->site.name : "", "database",
	    x->cfg->daemon.database, "devices", ctlcmd_devices(x), "writer",
	    "commits", (json_int_t)st.commits, "rows", (json_int_t)st.rows,
	    "pending", (json_int_t)writer_pending(x->writer), "failed_commits",
	    (json_int_t)st.failed_commits, "rows_lost",
	    (json_int_t)st.rows_lost, "last_commit_us",
	    (json_int_t)st.last_commit_us, "monitor",
	    monitor_stats_json(x->monitor));
	if (o != NULL && x->lan != NULL)
		json_object_set_new(o, "lan", lan_stats_json(x->lan));
	return o;
}

static json_t *
ctlcmd_reload(struct xanetd *x, int argc, char **argv, char *err, size_t errlen)
{
	if (xanetd_reload(x, err, errlen) == -1)
		return NULL;
	return json_object();
}

static json_t *
ctlcmd_stop(struct xanetd *x, int argc, char **argv, char *err, size_t errlen)
{
	xanetd_stop(x, "control");
	return json_object();
}

/* maintenance start KEY SECONDS [REASON...] | maintenance stop KEY */
static json_t *
ctlcmd_maintenance(
    struct xanetd *x, int argc, char **argv, char *err, size_t errlen)
{
	char until[40], *end;
	int64_t until_ms, id;
	long long secs;
	int n;

	if (strcmp(argv[0], "stop") == 0 && argc == 2) {
		n = monitor_maint_stop(x->monitor, argv[1], err, errlen);
		if (n < 0)
			return NULL;
		return json_pack("{s:i}", "stopped", n);
	}
	if (strcmp(argv[0], "start") != 0 || argc < 3) {
		snprintf(err, errlen,
		    "usage: maintenance start KEY SECONDS "
		    "[REASON] | maintenance stop KEY");
		return NULL;
	}
	secs = strtoll(argv[2], &end, 10);
	if (*end != '\0') {
		snprintf(err, errlen, "bad duration '%s': seconds expected",
		    argv[2]);
		return NULL;
	}
	id = monitor_maint_start(x->monitor, argv[1], secs,
	    argc > 3 ? argv[3] : "", &until_ms, err, errlen);
	if (id < 0)
		return NULL;
	time_format_iso(until_ms, until, sizeof until);
	return json_pack("{s:I, s:s}", "id", (json_int_t)id, "until", until);
}

/*
 * host-approve MAC [NAME...] | host-block MAC | host-forget MAC: the
 * officer's decision on a LAN host (xanetctl hosts).
 */
static json_t *
ctlcmd_host(struct xanetd *x, const char *mac, const char *status,
    const char *label, char *err, size_t errlen)
{
	if (lan_host_decide(x->lan, mac, status, label, err, errlen) == -1)
		return NULL;
	return json_pack("{s:s, s:s}", "mac", mac, "status",
	    status != NULL ? status : "forgotten");
}

static json_t *
ctlcmd_host_approve(
    struct xanetd *x, int argc, char **argv, char *err, size_t errlen)
{
	return ctlcmd_host(
	    x, argv[0], "approved", argc > 1 ? argv[1] : NULL, err, errlen);
}

static json_t *
ctlcmd_host_block(
    struct xanetd *x, int argc, char **argv, char *err, size_t errlen)
{
	return ctlcmd_host(x, argv[0], "blocked", NULL, err, errlen);
}

static json_t *
ctlcmd_host_forget(
    struct xanetd *x, int argc, char **argv, char *err, size_t errlen)
{
	return ctlcmd_host(x, argv[0], NULL, NULL, err, errlen);
}

/* heartbeat-token KEY HEX: the SHA-256 of KEY's new heartbeat token. */
static json_t *
ctlcmd_heartbeat_token(
    struct xanetd *x, int argc, char **argv, char *err, size_t errlen)
{
	unsigned char hash[32];
	size_t n;

	if (sodium_hex2bin(hash, sizeof hash, argv[1], strlen(argv[1]), NULL,
		&n, NULL) != 0 ||
	    n != sizeof hash) {
		snprintf(err, errlen, "bad token hash: 64 hex digits expected");
		return NULL;
	}
	if (monitor_heartbeat_token(x->monitor, argv[0], hash, err, errlen) ==
	    -1)
		return NULL;
	return json_pack("{s:s}", "device", argv[0]);
}

/* Evidence: push-status | push-retry ID | push-now | snapshot-now [KIND]. */
static json_t *
ctlcmd_push_status(
    struct xanetd *x, int argc, char **argv, char *err, size_t errlen)
{
	json_t *o;

	if (x->evidence == NULL) {
		snprintf(err, errlen, "evidence snapshots are not running");
		return NULL;
	}
	if ((o = evidence_push_status(x->evidence, 500)) == NULL)
		snprintf(err, errlen, "cannot read the outbox");
	return o;
}

static json_t *
ctlcmd_push_retry(
    struct xanetd *x, int argc, char **argv, char *err, size_t errlen)
{
	char *end;
	long long id = strtoll(argv[0], &end, 10);

	if (*end != '\0' || id <= 0) {
		snprintf(err, errlen, "bad outbox id '%.32s'", argv[0]);
		return NULL;
	}
	if (x->evidence == NULL) {
		snprintf(err, errlen, "evidence snapshots are not running");
		return NULL;
	}
	if (evidence_push_retry(x->evidence, id, err, errlen) == -1)
		return NULL;
	return json_pack("{s:I}", "id", (json_int_t)id);
}

static json_t *
ctlcmd_push_now(
    struct xanetd *x, int argc, char **argv, char *err, size_t errlen)
{
	int n;

	if (x->evidence == NULL) {
		snprintf(err, errlen, "evidence snapshots are not running");
		return NULL;
	}
	if ((n = evidence_push_now(x->evidence)) < 0) {
		snprintf(err, errlen, "cannot update the outbox");
		return NULL;
	}
	return json_pack("{s:i}", "due", n);
}

static json_t *
ctlcmd_snapshot_now(
    struct xanetd *x, int argc, char **argv, char *err, size_t errlen)
{
	const char *kind = argc > 0 ? argv[0] : "manual";
	char uid[SNAPSHOT_UID_LEN];

	if (x->evidence == NULL) {
		snprintf(err, errlen, "evidence snapshots are not running");
		return NULL;
	}
	if (evidence_snapshot_now(x->evidence, kind, uid, err, errlen) == -1)
		return NULL;
	return json_pack("{s:s, s:s}", "uid", uid, "kind", kind);
}

/*
 * user-add NAME ROLE HASH | user-passwd NAME HASH | user-del NAME: the
 * dashboard's users (xanetctl user). xanetctl hashes the password; only
 * the Argon2id string comes here, and the one writer stores it.
 */
static json_t *
ctlcmd_user(struct xanetd *x, const char *op, const char *name,
    const char *role, const char *hash, char *err, size_t errlen)
{
	int rc;

	if (!auth_name_valid(name)) {
		snprintf(err, errlen,
		    "bad user name: 1-%d of A-Z a-z 0-9 . _ @ -",
		    AUTH_NAME_MAX);
		return NULL;
	}
	if (role != NULL && !user_role_valid(role)) {
		snprintf(err, errlen, "bad role: admin or viewer");
		return NULL;
	}
	if (hash != NULL && !auth_hash_valid(hash)) {
		snprintf(err, errlen, "bad password hash: Argon2id expected");
		return NULL;
	}
	if (strcmp(op, "add") == 0)
		rc = user_add(x->writer, name, role, hash, time_wall_ms());
	else if (strcmp(op, "passwd") == 0)
		rc = user_passwd(x->writer, name, hash, time_wall_ms());
	else
		rc = user_del(x->writer, name);
	/* Committed now, so that xanetctl's answer means it is stored. */
	if (rc == -1 || writer_commit(x->writer) == -1) {
		snprintf(err, errlen, "could not store the user (see the log)");
		return NULL;
	}
	if (rc == 1) {
		snprintf(err, errlen,
		    strcmp(op, "add") == 0 ? "user %s exists already"
					   : "no user %s",
		    name);
		return NULL;
	}
	if (strcmp(op, "add") != 0)
		web_user_changed(x->web, name);
	return json_pack("{s:s}", "user", name);
}

static json_t *
ctlcmd_user_add(
    struct xanetd *x, int argc, char **argv, char *err, size_t errlen)
{
	return ctlcmd_user(x, "add", argv[0], argv[1], argv[2], err, errlen);
}

static json_t *
ctlcmd_user_passwd(
    struct xanetd *x, int argc, char **argv, char *err, size_t errlen)
{
	return ctlcmd_user(x, "passwd", argv[0], NULL, argv[1], err, errlen);
}

static json_t *
ctlcmd_user_del(
    struct xanetd *x, int argc, char **argv, char *err, size_t errlen)
{
	return ctlcmd_user(x, "del", argv[0], NULL, NULL, err, errlen);
}

/*
 * heartbeat KEY ok|fail [MSG...]: device KEY called in (the web server's
 * /hb/TOKEN, through the inbox; or a local script).
 */
static json_t *
ctlcmd_heartbeat(
    struct xanetd *x, int argc, char **argv, char *err, size_t errlen)
{
	bool ok = strcmp(argv[1], "ok") == 0;

	if (!ok && strcmp(argv[1], "fail") != 0) {
		snprintf(err, errlen, "usage: heartbeat KEY ok|fail [MESSAGE]");
		return NULL;
	}
	if (monitor_heartbeat(
		x->monitor, argv[0], ok, argc > 2 ? argv[2] : "") == -1) {
		snprintf(
		    err, errlen, "device '%s' has no heartbeat probe", argv[0]);
		return NULL;
	}
	return json_pack("{s:s}", "device", argv[0]);
}

/*
 * alert-ack ID USER [NOTE...]: USER (a dashboard user) has seen alert
 * ID; stored as acked_ms and ack_note "USER: NOTE", outside the hash
 * chain. Committed now, so that the answer means it is stored.
 */
static json_t *
ctlcmd_alert_ack(
    struct xanetd *x, int argc, char **argv, char *err, size_t errlen)
{
	char *end, *note;
	long long id = strtoll(argv[0], &end, 10);
	int rc;

	if (*end != '\0' || id <= 0) {
		snprintf(err, errlen, "bad alert id '%.32s'", argv[0]);
		return NULL;
	}
	if (!auth_name_valid(argv[1])) {
		snprintf(err, errlen, "bad user name");
		return NULL;
	}
	note = xasprintf("%s: %s", argv[1], argc > 2 ? argv[2] : "");
	rc = alert_ack(x->writer, id, note, time_wall_ms());
	free(note);
	if (rc == -1 || writer_commit(x->writer) == -1) {
		snprintf(err, errlen, "could not store the acknowledgement");
		return NULL;
	}
	if (rc == 0) {
		snprintf(err, errlen,
		    "no alert %lld, or it is acknowledged already", id);
		return NULL;
	}
	return json_pack("{s:I}", "id", (json_int_t)id);
}

static const struct ctlcmd ctlcmd_table[] = {
    {"ping", 0, 0, ctlcmd_ping},
    {"status", 0, 0, ctlcmd_status},
    {"reload", 0, 0, ctlcmd_reload},
    {"stop", 0, 0, ctlcmd_stop},
    {"maintenance", 2, 4, ctlcmd_maintenance},
    {"host-approve", 1, 2, ctlcmd_host_approve},
    {"host-block", 1, 1, ctlcmd_host_block},
    {"host-forget", 1, 1, ctlcmd_host_forget},
    {"heartbeat-token", 2, 2, ctlcmd_heartbeat_token},
    {"heartbeat", 2, 3, ctlcmd_heartbeat},
    {"push-status", 0, 0, ctlcmd_push_status},
    {"push-retry", 1, 1, ctlcmd_push_retry},
    {"push-now", 0, 0, ctlcmd_push_now},
    {"snapshot-now", 0, 1, ctlcmd_snapshot_now},
    {"user-add", 3, 3, ctlcmd_user_add},
    {"user-passwd", 2, 2, ctlcmd_user_passwd},
    {"user-del", 1, 1, ctlcmd_user_del},
    {"alert-ack", 2, 3, ctlcmd_alert_ack},
};

/*
 * Split LINE in place into at most MAX words; the last word keeps the
 * rest of the line (a free-text reason). Returns the count.
 */
static int
ctlcmd_split(char *line, char **argv, int max)
{
	int n = 0;

	while (n < max) {
		while (*line == ' ')
			*line++ = '\0';
		if (*line == '\0')
			break;
		argv[n++] = line;
		if (n == max)
			break;
		while (*line != '\0' && *line != ' ')
			line++;
	}
	return n;
}

char *
ctlcmd_dispatch(void *arg, const char *request)
{
	struct xanetd *x = arg;
	char err[1024], msg[128], line[CONTROL_REQUEST_MAX + 1];
	char *argv[CTLCMD_ARGS_MAX + 1];
	json_t *o;
	char *s;
	int argc;

	str_copy(line, request, sizeof line);
	argc = ctlcmd_split(line, argv, 2);
	for (size_t i = 0;
	     argc > 0 && i < sizeof ctlcmd_table / sizeof ctlcmd_table[0];
	     i++) {
		const struct ctlcmd *c = &ctlcmd_table[i];

		if (strcmp(argv[0], c->name) != 0)
			continue;
		/* The command's own words; its last keeps the rest. */
		if (argc == 2 && c->max_args > 0)
			argc = 1 + ctlcmd_split(argv[1], argv + 1, c->max_args);
		if (argc - 1 < c->min_args || argc - 1 > c->max_args) {
			snprintf(msg, sizeof msg,
			    "wrong number of arguments for '%s'", c->name);
			return control_error(msg);
		}
		err[0] = '\0';
		o = c->fn(x, argc - 1, argv + 1, err, sizeof err);
		if (o == NULL)
			return control_error(err[0] ? err : "failed");
		json_object_set_new(o, "ok", json_true());
		s = json_dumps(o, JSON_COMPACT);
		json_decref(o);
		return s;
	}
	/* REQUEST is validated text of bounded length. */
	snprintf(msg, sizeof msg, "unknown command '%.64s'", request);
	return control_error(msg);
}
