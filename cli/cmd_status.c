/* cmd_status.c - xanetctl status: is the daemon running, and what it watches. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/table.h"
#include "cli/xanetctl.h"
#include "common/config.h"
#include "common/duration.h"
#include "common/xtime.h"
#include "store/device.h"
#include "store/run.h"

static const char *const status_headers[] = {
    "KEY",
    "NAME",
    "KIND",
    "GROUP",
    "ADDRESS",
    "PARENT",
};

static const char *
status_str(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s != NULL ? s : "";
}

static void
status_print_running(json_t *st)
{
	struct table *t = table_new(6, status_headers);
	char up[32];
	size_t i;
	json_t *d;

	duration_format(
	    json_integer_value(json_object_get(st, "uptime_s")) * 1000, up,
	    sizeof up);
	printf("xanetd is running (pid %lld, version %s, up %s since %s)\n",
	    (long long)json_integer_value(json_object_get(st, "pid")),
	    status_str(st, "version"), up, status_str(st, "started"));
	printf("site:      %s\n", status_str(st, "site"));
	printf("config:    %s (%.12s)\n", status_str(st, "config"),
	    status_str(st, "config_hash"));
	printf("database:  %s\n\n", status_str(st, "database"));
	json_array_foreach(json_object_get(st, "devices"), i, d)
	{
		const char *row[6] = {status_str(d, "key"),
		    status_str(d, "name"), status_str(d, "kind"),
		    status_str(d, "group"), status_str(d, "address"),
		    status_str(d, "parent")};

		table_add(t, row);
	}
	table_print(t, stdout);
	printf("\n%zu devices watched\n", table_rows(t));
	table_free(t);
}

static int
status_device_cb(const struct device_row *r, void *arg)
{
	json_t *a = arg;

	json_array_append_new(
	    a, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "key", r->key,
		   "name", r->name, "kind", r->kind, "group", r->group,
		   "address", r->address, "parent", r->parent));
	return 0;
}

/* The daemon is down: say since when, from the database it left. */
static int
status_not_running(struct ctl *ctl, const char *why)
{
	struct run_info ri;
	json_t *devices, *o;
	char when[40];
	int rc, exit_code;
	sqlite3 *db = ctl_open_db(ctl, &exit_code);

	if (db == NULL)
		return exit_code;
	devices = json_array();
	device_each(db, 0, status_device_cb, devices);
	rc = run_last(db, &ri);
	sqlite3_close(db);
	if (ctl->json) {
		o = json_pack("{s:b, s:b, s:s, s:o}", "ok", 1, "running", 0,
		    "database", ctl_db_path(ctl), "devices", devices);
		if (rc == 0)
			json_object_set_new(o, "last_run",
			    json_pack("{s:I, s:I, s:I, s:s}", "id",
				(json_int_t)ri.id, "start_ms",
				(json_int_t)ri.start_ms, "stop_ms",
				(json_int_t)(ri.stop_ms >= 0
						 ? ri.stop_ms
						 : ri.last_alive_ms),
				"stop_reason",
				ri.stop_ms >= 0 ? ri.stop_reason : "unknown"));
		ctl_print_json(o);
		json_decref(o);
		return CTL_NOT_RUNNING;
	}
	printf("xanetd is not running (%s)\n", why);
	if (rc == 0) {
		time_format_local(
		    ri.stop_ms >= 0 ? ri.stop_ms : ri.last_alive_ms, when,
		    sizeof when);
		if (ri.stop_ms < 0)
			printf("last run: last seen alive at %s\n", when);
		else if (strcmp(ri.stop_reason, "crash") == 0)
			printf(
			    "last run: crashed; last seen alive at %s\n", when);
		else
			printf("last run: stopped at %s (%s)\n", when,
			    ri.stop_reason);
	} else
		printf("it has never run with this database\n");
	printf("%zu devices configured in %s\n", json_array_size(devices),
	    ctl_db_path(ctl));
	json_decref(devices);
	return CTL_NOT_RUNNING;
}

int
cmd_status(struct ctl *ctl, int argc, char **argv)
{
	const char *path = ctl_socket_path(ctl);
	char err[512];
	json_t *st;
	int rc;

	if (argc != 1) {
		fprintf(stderr, "usage: xanetctl status [--json]\n");
		return CTL_USAGE;
	}
	if (path == NULL)
		return CTL_ERROR;
	rc = client_request(path, "status", &st, err, sizeof err);
	if (rc == -1)
		return status_not_running(ctl, err);
	if (rc < 0) {
		fprintf(stderr, "xanetctl: %s\n", err);
		return rc == -3 ? CTL_NO_DATABASE : CTL_ERROR;
	}
	if (ctl->json) {
		json_object_set_new(st, "running", json_true());
		ctl_print_json(st);
	} else
		status_print_running(st);
	json_decref(st);
	return CTL_OK;
}
