/* cmd_maint.c - xanetctl maintenance: start and stop it through xanetd, list what is planned. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/table.h"
#include "cli/xanetctl.h"
#include "common/config.h"
#include "common/duration.h"
#include "common/maint.h"
#include "common/xtime.h"
#include "store/maintenance.h"

#define MAINT_USAGE                                                       \
	"usage: xanetctl maintenance start KEY --for DURATION [--reason " \
	"TEXT]\n"                                                         \
	"       xanetctl maintenance stop KEY\n"                          \
	"       xanetctl maintenance list [--json]\n"
/*
 * The daemon reads one request line of at most this many bytes, newline
 * included (daemon/control.h): a longer reason is cut to fit.
 */
#define MAINT_LINE_MAX 256

struct maint_sub {
	const char *name;
	int (*fn)(struct ctl *ctl, int argc, char **argv);
};

/* Keys are [A-Za-z0-9._-]: anything else would split the request line. */
static bool
maint_key_ok(const char *key)
{
	size_t len = strlen(key);

	return len > 0 && len < 64 &&
	       strspn(key,
		   "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		   "0123456789._-") == len;
}

/* Send REQUEST; on success *OUT is the daemon's answer. */
static int
maint_request(struct ctl *ctl, const char *request, json_t **out)
{
	return ctl_daemon_request(ctl, request,
	    "maintenance is started and stopped by the running daemon", out);
}

/*
 * Append REASON to LINE (of LEN bytes) with control characters made
 * spaces, cut at a character boundary to leave LEN - 1 bytes at most.
 * Returns true if it had to be cut.
 */
static bool
maint_append_reason(char *line, size_t len, const char *reason)
{
	size_t off = strlen(line), start = off;
	const unsigned char *p = (const unsigned char *)reason;
	bool cut = false;

	while (*p == ' ')
		p++;
	if (*p == '\0')
		return false;
	line[off++] = ' ';
	for (; *p != '\0'; p++) {
		if (off + 1 >= len) {
			cut = true;
			break;
		}
		line[off++] = *p < 0x20 || *p == 0x7f ? ' ' : (char)*p;
	}
	/*
	 * Never leave half a UTF-8 character (Vietnamese text): while the
	 * first byte left out continues a character, leave out its start too.
	 */
	if (cut)
		while (off > start + 1 && (*p & 0xc0) == 0x80) {
			off--;
			p--;
		}
	while (off > start + 1 && line[off - 1] == ' ')
		off--;
	line[off == start + 1 ? start : off] = '\0';
	return cut;
}

static int
maint_start(struct ctl *ctl, int argc, char **argv)
{
	const char *key = NULL, *dur = NULL, *reason = NULL, *until;
	char line[MAINT_LINE_MAX];
	int64_t ms, secs, id;
	size_t head;
	json_t *ans;
	int rc;

	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--for") == 0 && i + 1 < argc)
			dur = argv[++i];
		else if (strcmp(argv[i], "--reason") == 0 && i + 1 < argc)
			reason = argv[++i];
		else if (argv[i][0] != '-' && key == NULL)
			key = argv[i];
		else {
			fputs(MAINT_USAGE, stderr);
			return CTL_USAGE;
		}
	}
	if (key == NULL || dur == NULL) {
		fputs(MAINT_USAGE, stderr);
		return CTL_USAGE;
	}
	if (!maint_key_ok(key)) {
		fprintf(stderr, "xanetctl: bad device key '%s'\n", key);
		return CTL_USAGE;
	}
	if (duration_parse(dur, &ms) == -1 || ms <= 0) {
		fprintf(stderr,
		    "xanetctl: bad --for '%s': a duration such as 30m, 2h or "
		    "1d12h\n",
		    dur);
		return CTL_USAGE;
	}
	/* The daemon takes whole seconds: round up, never end early. */
	secs = ms / 1000 + (ms % 1000 != 0);
	/* The client adds the newline: LINE holds MAX - 1 bytes and a NUL. */
	snprintf(line, sizeof line, "maintenance start %s %lld", key,
	    (long long)secs);
	head = strlen(line) + 1;
	if (reason != NULL && maint_append_reason(line, sizeof line, reason))
		fprintf(stderr,
		    "xanetctl: warning: reason cut to its first %zu bytes: a "
		    "control request holds %d\n",
		    strlen(line) - head, MAINT_LINE_MAX);
	if ((rc = maint_request(ctl, line, &ans)) != CTL_OK)
		return rc;
	if (ctl->json)
		ctl_print_json(ans);
	else {
		id = json_integer_value(json_object_get(ans, "id"));
		until = json_string_value(json_object_get(ans, "until"));
		printf("maintenance of %s started (id %lld) for %s%s%s\n", key,
		    (long long)id, dur, until != NULL ? ", until " : "",
		    until != NULL ? until : "");
	}
	json_decref(ans);
	return CTL_OK;
}

static int
maint_stop(struct ctl *ctl, int argc, char **argv)
{
	char line[MAINT_LINE_MAX];
	json_int_t n;
	json_t *ans;
	int rc;

	if (argc != 3) {
		fputs(MAINT_USAGE, stderr);
		return CTL_USAGE;
	}
	if (!maint_key_ok(argv[2])) {
		fprintf(stderr, "xanetctl: bad device key '%s'\n", argv[2]);
		return CTL_USAGE;
	}
	snprintf(line, sizeof line, "maintenance stop %s", argv[2]);
	if ((rc = maint_request(ctl, line, &ans)) != CTL_OK)
		return rc;
	n = json_integer_value(json_object_get(ans, "stopped"));
	if (ctl->json)
		ctl_print_json(ans);
	else if (n == 0)
		printf("%s had no maintenance running\n", argv[2]);
	else
		printf("maintenance of %s stopped (%lld window%s ended)\n",
		    argv[2], (long long)n, n == 1 ? "" : "s");
	json_decref(ans);
	return CTL_OK;
}

struct maint_list {
	int64_t now_ms;
	json_t *manual;
};

static int
maint_list_cb(const struct maint_row *m, void *arg)
{
	struct maint_list *l = arg;
	char start[40], end[40];

	time_format_iso(m->start_ms, start, sizeof start);
	time_format_iso(m->end_ms, end, sizeof end);
	json_array_append_new(l->manual,
	    json_pack("{s:I, s:s, s:s, s:s, s:I, s:I, s:s, s:b}", "id",
		(json_int_t)m->id, "key", m->device_key, "start", start, "end",
		end, "start_ms", (json_int_t)m->start_ms, "end_ms",
		(json_int_t)m->end_ms, "reason", m->reason, "active",
		m->start_ms <= l->now_ms && l->now_ms < m->end_ms));
	return 0;
}

/* Each configured device's windows as written, and whether one is on. */
static json_t *
maint_config(const struct config *cfg, int64_t now_ms)
{
	json_t *a = json_array();

	for (size_t i = 0; cfg != NULL && i < cfg->ndevices; i++) {
		const struct config_device *d = &cfg->devices[i];
		struct maint_window *w;
		char err[256];
		size_t n;
		json_t *active;

		if (d->maintenance == NULL || d->maintenance[0] == '\0')
			continue;
		/* The daemon refused such a config; say so, do not guess. */
		if (maint_parse(d->maintenance, &w, &n, err, sizeof err) == -1)
			active = json_null();
		else {
			active = json_boolean(maint_active(w, n, now_ms));
			maint_free(w);
		}
		json_array_append_new(a,
		    json_pack("{s:s, s:s, s:s, s:o}", "key", d->key, "name",
			d->name, "windows", d->maintenance, "active", active));
	}
	return a;
}

static int
maint_list(struct ctl *ctl, int argc, char **argv)
{
	static const char *const mhead[] = {
	    "ID", "KEY", "START", "END", "NOW", "REASON"};
	static const char *const chead[] = {"KEY", "NAME", "NOW", "WINDOWS"};
	struct maint_list l = {.now_ms = time_wall_ms()};
	struct config *cfg;
	struct table *t;
	json_t *conf, *v;
	sqlite3 *db;
	int exit_code;
	size_t i;

	if (argc != 2) {
		fputs(MAINT_USAGE, stderr);
		return CTL_USAGE;
	}
	cfg = ctl_config(ctl);
	if (cfg == NULL && ctl->db_path == NULL)
		return CTL_ERROR;
	if ((db = ctl_open_db(ctl, &exit_code)) == NULL)
		return exit_code;
	l.manual = json_array();
	if (maint_store_each(db, l.now_ms, maint_list_cb, &l) == -1) {
		fprintf(stderr, "xanetctl: cannot read maintenance from %s\n",
		    ctl_db_path(ctl));
		json_decref(l.manual);
		sqlite3_close(db);
		return CTL_ERROR;
	}
	sqlite3_close(db);
	conf = maint_config(cfg, l.now_ms);
	if (ctl->json) {
		json_t *o = json_pack("{s:b, s:o, s:o}", "ok", 1, "manual",
		    l.manual, "config", conf);

		ctl_print_json(o);
		json_decref(o);
		return CTL_OK;
	}
	t = table_new(6, mhead);
	json_array_foreach(l.manual, i, v)
	{
		char id[24], start[40], end[40];
		const char *row[6] = {id,
		    json_string_value(json_object_get(v, "key")), start, end,
		    json_is_true(json_object_get(v, "active")) ? "on" : "ahead",
		    json_string_value(json_object_get(v, "reason"))};

		snprintf(id, sizeof id, "%lld",
		    (long long)json_integer_value(json_object_get(v, "id")));
		time_format_local(
		    json_integer_value(json_object_get(v, "start_ms")), start,
		    sizeof start);
		time_format_local(
		    json_integer_value(json_object_get(v, "end_ms")), end,
		    sizeof end);
		table_add(t, row);
	}
	printf("started by hand (xanetctl maintenance start), running or "
	       "ahead: %zu\n",
	    table_rows(t));
	if (table_rows(t) > 0)
		table_print(t, stdout);
	table_free(t);
	t = table_new(4, chead);
	json_array_foreach(conf, i, v)
	{
		json_t *act = json_object_get(v, "active");
		const char *row[4] = {
		    json_string_value(json_object_get(v, "key")),
		    json_string_value(json_object_get(v, "name")),
		    json_is_null(act)   ? "?"
		    : json_is_true(act) ? "on"
					: "off",
		    json_string_value(json_object_get(v, "windows"))};

		table_add(t, row);
	}
	printf("\nwindows in the configuration%s%s: %zu\n",
	    cfg != NULL && cfg->path != NULL ? " " : "",
	    cfg != NULL && cfg->path != NULL ? cfg->path : "", table_rows(t));
	if (table_rows(t) > 0)
		table_print(t, stdout);
	table_free(t);
	json_decref(l.manual);
	json_decref(conf);
	return CTL_OK;
}

static const struct maint_sub maint_subs[] = {
    {"start", maint_start},
    {"stop", maint_stop},
    {"list", maint_list},
};

int
cmd_maintenance(struct ctl *ctl, int argc, char **argv)
{
	for (size_t i = 0;
	     argc >= 2 && i < sizeof maint_subs / sizeof maint_subs[0]; i++)
		if (strcmp(argv[1], maint_subs[i].name) == 0)
			return maint_subs[i].fn(ctl, argc, argv);
	fputs(MAINT_USAGE, stderr);
	return CTL_USAGE;
}
