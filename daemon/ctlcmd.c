/* ctlcmd.c - the control socket's command table: ping, status, reload, stop. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "autoconf.h"
#include "common/config.h"
#include "common/util.h"
#include "common/xtime.h"
#include "daemon/control.h"
#include "daemon/ctlcmd.h"
#include "daemon/xanetd.h"
#include "store/writer.h"

struct ctlcmd {
	const char *name;
	json_t *(*fn)(struct xanetd *x, char *err, size_t errlen);
};

static json_t *
ctlcmd_ping(struct xanetd *x, char *err, size_t errlen)
{
	return json_pack("{s:b}", "pong", 1);
}

static json_t *
ctlcmd_devices(const struct config *cfg)
{
	json_t *a = json_array();

	for (size_t i = 0; i < cfg->ndevices; i++) {
		const struct config_device *d = &cfg->devices[i];

		json_array_append_new(a,
		    json_pack("{s:s, s:s, s:s, s:s?, s:s?, "
			      "s:s?, s:s?, s:I}",
			"key", d->key, "name", d->name, "kind",
			device_kind_name(d->kind), "group", d->group, "address",
			d->address, "parent", d->parent, "probes", d->probes,
			"interval_ms", (json_int_t)d->interval_ms));
	}
	return a;
}

static json_t *
ctlcmd_status(struct xanetd *x, char *err, size_t errlen)
{
	struct writer_stats st;
	char started[40], hash[65];

	writer_get_stats(x->writer, &st);
	time_format_iso(x->started_wall_ms, started, sizeof started);
	config_hash_hex(x->cfg, hash);
	return json_pack("{s:I, s:s, s:I, s:s, s:I, s:s, s:s, s:s, s:s, s:o, "
			 "s:{s:I, s:I, s:I, s:I, s:I, s:I}}",
	    "pid", (json_int_t)getpid(), "version", PACKAGE_VERSION, "run_id",
	    (json_int_t)x->run_id, "started", started, "uptime_s",
	    (json_int_t)((time_mono_ms() - x->started_mono_ms) / 1000),
	    "config", x->config_path ? x->config_path : "(embedded default)",
	    "config_hash", hash, "site",
	    x->cfg->site.name ? x->cfg->site.name : "", "database",
	    x->cfg->daemon.database, "devices", ctlcmd_devices(x->cfg),
	    "writer", "commits", (json_int_t)st.commits, "rows",
	    (json_int_t)st.rows, "pending",
	    (json_int_t)writer_pending(x->writer), "failed_commits",
	    (json_int_t)st.failed_commits, "rows_lost",
	    (json_int_t)st.rows_lost, "last_commit_us",
	    (json_int_t)st.last_commit_us);
}

static json_t *
ctlcmd_reload(struct xanetd *x, char *err, size_t errlen)
{
	if (xanetd_reload(x, err, errlen) == -1)
		return NULL;
	return json_object();
}

static json_t *
ctlcmd_stop(struct xanetd *x, char *err, size_t errlen)
{
	xanetd_stop(x, "control");
	return json_object();
}

static const struct ctlcmd ctlcmd_table[] = {
    {"ping", ctlcmd_ping},
    {"status", ctlcmd_status},
    {"reload", ctlcmd_reload},
    {"stop", ctlcmd_stop},
};

char *
ctlcmd_dispatch(void *arg, const char *request)
{
	struct xanetd *x = arg;
	char err[1024], msg[128];
	json_t *o;
	char *s;

	for (size_t i = 0; i < sizeof ctlcmd_table / sizeof ctlcmd_table[0];
	     i++) {
		if (strcmp(request, ctlcmd_table[i].name) != 0)
			continue;
		err[0] = '\0';
		if ((o = ctlcmd_table[i].fn(x, err, sizeof err)) == NULL)
			return control_error(err[0] ? err : "failed");
		json_object_set_new(o, "ok", json_true());
		s = json_dumps(o, JSON_COMPACT);
		json_decref(o);
		return s;
	}
	/* REQUEST is validated printable ASCII of bounded length. */
	snprintf(msg, sizeof msg, "unknown command '%.64s'", request);
	return control_error(msg);
}
