/* page_reports.c - the reports page: the evidence pack of a chosen period, built and signed in the web thread, and the snapshots with their push status. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/config.h"
#include "common/log.h"
#include "common/util.h"
#include "common/xtime.h"
#include "evidence/pack.h"
#include "evidence/report.h"
#include "evidence/sigkey.h"
#include "evidence/uptime.h"
#include "store/snapshot.h"
#include "web/auth.h"
#include "web/form.h"
#include "web/page.h"
#include "web/server.h"

#define REPORTS_SNAPSHOTS 50  /* listed, newest first */
#define REPORTS_OUTBOX    200 /* deliveries read for them */
#define REPORTS_LABEL_MAX 32  /* "2026Q3", "2026-07-01_2026-07-31" */

/* The quarter of WALL_MS as "2026Q3", local time. */
static void
reports_quarter_now(int64_t wall_ms, char *out, size_t len)
{
	time_t t = (time_t)(wall_ms / 1000);
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL)
		memset(&tm, 0, sizeof tm);
	/* Years 0-9999 and quarters 1-4 only: 6 bytes, never cut. */
	snprintf(out, len, "%04dQ%d", (tm.tm_year + 1900) % 10000,
	    (tm.tm_mon % 12) / 3 + 1);
}

static void
reports_field(struct web_req *r, const char *key, const char *name,
    const char *type, const char *value, const char *placeholder)
{
	strbuf_add(&r->out, "<label>");
	strbuf_add_html(&r->out, page_t(r, key));
	strbuf_printf(
	    &r->out, "<input type=\"%s\" name=\"%s\" value=\"", type, name);
	strbuf_add_html(&r->out, value != NULL ? value : "");
	strbuf_add(&r->out, "\"");
	if (placeholder != NULL) {
		strbuf_add(&r->out, " placeholder=\"");
		strbuf_add_html(&r->out, placeholder);
		strbuf_add(&r->out, "\"");
	}
	strbuf_add(&r->out, "></label>");
}

static void
reports_form(struct web_req *r)
{
	const char *quarter = server_query(r, "quarter");
	const char *lang = server_query(r, "lang");
	char q[16];

	reports_quarter_now(time_wall_ms(), q, sizeof q);
	if (lang == NULL ||
	    (strcmp(lang, "vi") != 0 && strcmp(lang, "en") != 0))
		lang = i18n_lang_name(r->lang);
	strbuf_add(&r->out, "<form class=\"filters\" method=\"post\" "
			    "action=\"/reports/pack\">");
	page_csrf_field(r);
	reports_field(r, "web.reports.quarter", "quarter", "text",
	    quarter != NULL ? quarter : q, "2026Q3");
	reports_field(r, "web.reports.from", "from", "date",
	    server_query(r, "from"), "YYYY-MM-DD");
	reports_field(r, "web.reports.to", "to", "date", server_query(r, "to"),
	    "YYYY-MM-DD");
	reports_field(r, "web.reports.group", "group", "text",
	    server_query(r, "group"), NULL);
	strbuf_add(&r->out, "<label>");
	strbuf_add_html(&r->out, page_t(r, "web.reports.lang"));
	strbuf_printf(&r->out,
	    "<select name=\"lang\"><option value=\"vi\"%s>Tiếng Việt</option>"
	    "<option value=\"en\"%s>English</option></select></label>",
	    strcmp(lang, "vi") == 0 ? " selected" : "",
	    strcmp(lang, "en") == 0 ? " selected" : "");
	strbuf_add(&r->out, "<button class=\"act\" type=\"submit\" "
			    "data-test=\"pack-download\">");
	strbuf_add_html(&r->out, page_t(r, "web.reports.download"));
	strbuf_add(&r->out, "</button></form>\n<p class=\"muted\">");
	strbuf_add_html(&r->out, page_t(r, "web.reports.hint"));
	strbuf_add(&r->out, "</p>\n");
}

struct reports_walk {
	struct web_req *r;
	struct outbox_item *items;
	size_t nitems;
	int n;
};

static int
reports_item_cb(const struct outbox_item *it, void *arg)
{
	struct reports_walk *w = arg;

	if (w->nitems == REPORTS_OUTBOX)
		return 1;
	w->items[w->nitems++] = *it;
	return 0;
}

static void
reports_size(struct strbuf *sb, int64_t size)
{
	if (size >= 1024 * 1024)
		strbuf_printf(sb, "%.1f MiB", (double)size / (1024.0 * 1024.0));
	else
		strbuf_printf(sb, "%.1f KiB", (double)size / 1024.0);
}

static int
reports_snapshot_cb(const struct snapshot_row *s, void *arg)
{
	struct reports_walk *w = arg;
	struct web_req *r = w->r;
	int shown = 0;

	w->n++;
	strbuf_printf(
	    &r->out, "<tr data-test=\"snapshot-%" PRId64 "\"><td>", s->id);
	strbuf_add_html(
	    &r->out, i18n_word(r->lang, "web.reports.kind", s->kind));
	strbuf_add(&r->out, "</td><td>");
	page_time(&r->out, s->from_ms);
	strbuf_add(&r->out, " &ndash; ");
	page_time(&r->out, s->to_ms);
	strbuf_add(&r->out, "</td><td>");
	page_time(&r->out, s->created_ms);
	strbuf_add(&r->out, "</td><td class=\"num\">");
	reports_size(&r->out, s->size);
	if (s->pruned) {
		strbuf_add(&r->out, "<br><span class=\"muted\">");
		strbuf_add_html(&r->out, page_t(r, "web.reports.pruned"));
		strbuf_add(&r->out, "</span>");
	}
	strbuf_add(&r->out, "</td><td>");
	for (size_t i = 0; i < w->nitems; i++) {
		const struct outbox_item *it = &w->items[i];

		if (it->snapshot_id != s->id)
			continue;
		if (shown++ > 0)
			strbuf_add(&r->out, "<br>");
		strbuf_add(&r->out, "<b>");
		strbuf_add_html(&r->out, it->target);
		strbuf_add(&r->out, "</b>: ");
		strbuf_add(&r->out, "<span data-test=\"push-state\">");
		strbuf_add_html(
		    &r->out, i18n_word(r->lang, "web.reports.push", it->state));
		strbuf_printf(&r->out, "</span> (%d ", it->attempts);
		strbuf_add_html(&r->out, page_t(r, "web.reports.attempts"));
		strbuf_add(&r->out, ")");
		/* Error texts carry status codes and hosts, never secrets
		 * (evidence/push.c), so everyone may read them. */
		if (it->last_error[0] != '\0' &&
		    strcmp(it->state, "sent") != 0) {
			strbuf_add(&r->out, "<br><span class=\"error\">");
			if (it->last_status > 0)
				strbuf_printf(&r->out, "%d ", it->last_status);
			strbuf_add_html(&r->out, it->last_error);
			strbuf_add(&r->out, "</span>");
		}
	}
	if (shown == 0)
		strbuf_add_html(&r->out, page_t(r, "web.reports.nopush"));
	strbuf_add(&r->out, "</td></tr>\n");
	return 0;
}

int
page_reports(struct web_req *r)
{
	static const char *const cols[] = {"web.col.kind", "web.col.period",
	    "web.col.created", "web.col.size", "web.col.push"};
	struct reports_walk w = {.r = r};

	w.items = xcalloc(REPORTS_OUTBOX, sizeof *w.items);
	if (outbox_each(r->db, REPORTS_OUTBOX, reports_item_cb, &w) == -1) {
		free(w.items);
		return -1;
	}
	page_begin(r, page_t(r, "web.reports.title"));
	strbuf_add(&r->out, "<h2>");
	strbuf_add_html(&r->out, page_t(r, "web.reports.pack"));
	strbuf_add(&r->out, "</h2>\n");
	reports_form(r);
	strbuf_add(&r->out, "<h2>");
	strbuf_add_html(&r->out, page_t(r, "web.reports.snapshots"));
	strbuf_add(&r->out, "</h2>\n");
	page_table_head(r, cols, sizeof cols / sizeof cols[0]);
	if (snapshot_each(r->db, REPORTS_SNAPSHOTS, reports_snapshot_cb, &w) ==
	    -1) {
		free(w.items);
		return -1;
	}
	strbuf_add(&r->out, "</table></div>\n");
	if (w.n == 0)
		page_para(r, NULL, "web.reports.nosnapshots");
	page_end(r);
	free(w.items);
	return 0;
}

/* The period of the form: a quarter, else a pair of dates. */
static int
reports_period(struct web_req *r, int64_t now, int64_t *from, int64_t *to,
    char *label, size_t labellen)
{
	const char *q = form_get(r->form, "quarter");
	const char *f = form_get(r->form, "from");
	const char *t = form_get(r->form, "to");

	/* Dates win when both are given: the quarter field has a default. */
	if (f != NULL && t != NULL && f[0] != '\0' && t[0] != '\0') {
		if (strlen(f) != 10 || strlen(t) != 10 ||
		    period_days(f, t, from, to) == -1)
			return -1;
		snprintf(label, labellen, "%s_%s", f, t);
	} else if (q != NULL && strlen(q) == 6) {
		if (period_quarter(q, from, to) == -1)
			return -1;
		snprintf(label, labellen, "%.4sQ%c", q, q[5]);
	} else
		return -1;
	if (*from >= now)
		return -1;
	/* Nothing is known about the future: the period so far. */
	if (*to > now)
		*to = now;
	return 0;
}

/* An empty file in the pack directory for the pack; its path, or NULL. */
static char *
reports_tmp(const char *dir, char *err, size_t errlen)
{
	char *path;
	int fd;

	if (mkdir(dir, 0750) == -1 && errno != EEXIST) {
		snprintf(
		    err, errlen, "cannot create %s: %s", dir, strerror(errno));
		return NULL;
	}
	path = xasprintf("%s/web-XXXXXX.zip", dir);
	if ((fd = mkstemps(path, 4)) == -1) {
		snprintf(err, errlen, "cannot create a file in %s: %s", dir,
		    strerror(errno));
		free(path);
		return NULL;
	}
	close(fd);
	return path;
}

int
page_report_pack(struct web_req *r)
{
	const struct config *cfg = r->cfg;
	const char *lang = form_get(r->form, "lang");
	const char *group = form_get(r->form, "group");
	char label[REPORTS_LABEL_MAX], err[1024], fpr[SIGKEY_FPR_LEN];
	char *keypath = NULL, *dir = NULL, *path = NULL;
	struct report_opts o = {0};
	struct report *rep = NULL;
	struct report_file *files = NULL;
	size_t nfiles = 0;
	struct sigkey *k = NULL;
	struct stat sb;
	int64_t now = time_wall_ms();
	int fd = -1, rc = -1;

	if (cfg == NULL)
		return -1;
	if (reports_period(r, now, &o.from_ms, &o.to_ms, label, sizeof label) ==
	    -1)
		return page_error(r, 400, "web.reports.badperiod");
	if (lang == NULL ||
	    (strcmp(lang, "vi") != 0 && strcmp(lang, "en") != 0))
		lang = i18n_lang_name(r->lang);
	o.lang = lang;
	o.group = group != NULL && group[0] != '\0' ? group : NULL;
	o.now_ms = now;
	/* xanetd is running (it serves this page): open intervals end now. */
	o.watched_until_ms = now;
	keypath = sigkey_path(cfg->evidence.key_file, cfg->daemon.state_dir);
	if ((k = sigkey_load(keypath, err, sizeof err)) == NULL) {
		log_err("web: evidence pack: %s", err);
		goto out;
	}
	sigkey_fingerprint(sigkey_public(k), fpr, sizeof fpr);
	o.key_fingerprint = fpr;
	if (report_build(r->db, cfg, &o, &rep, err, sizeof err) == -1) {
		log_err("web: evidence pack: %s", err);
		goto out;
	}
	if (o.group != NULL && rep->ndevices == 0) {
		rc = page_error(r, 404, "web.reports.nogroup");
		goto out;
	}
	if (report_render_all(rep, &files, &nfiles, err, sizeof err) == -1) {
		log_err("web: evidence pack: %s", err);
		goto out;
	}
	dir = cfg->evidence.pack_dir != NULL
		  ? xstrdup(cfg->evidence.pack_dir)
		  : xasprintf("%s/packs", cfg->daemon.state_dir);
	if ((path = reports_tmp(dir, err, sizeof err)) == NULL ||
	    pack_write(path, rep, files, nfiles, k, NULL, NULL, NULL, err,
		sizeof err) == -1) {
		log_err("web: evidence pack: %s", err);
		goto out;
	}
	/* Open, then unlink: the file lives only as long as the answer. */
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1 ||
	    fstat(fd, &sb) == -1) {
		log_err("web: evidence pack: %s: %s", path, strerror(errno));
		goto out;
	}
	r->has_file = true;
	r->file_fd = fd;
	r->file_size = (uint64_t)sb.st_size;
	fd = -1;
	r->content_type = "application/zip";
	r->disposition =
	    xasprintf("attachment; filename=\"evidence-%s.zip\"", label);
	log_info("web: %s downloaded the evidence pack %s (%lld bytes)",
	    r->sess.user, label, (long long)sb.st_size);
	rc = 0;
out:
	if (path != NULL)
		unlink(path);
	if (fd != -1)
		close(fd);
	free(path);
	free(dir);
	free(keypath);
	sigkey_free(k);
	report_files_free(files, nfiles);
	report_free(rep);
	return rc;
}
