/*
 * page.h - the dashboard's pages: the common frame (head, navigation,
 * language switch, phone-friendly style sheet) and every page handler.
 * All text from the database or the client goes through
 * strbuf_add_html (common/strbuf.h), the one HTML escaper.
 */
#ifndef XANET_PAGE_H
#define XANET_PAGE_H

#include <stddef.h>
#include <stdint.h>

#include "common/strbuf.h"

struct web_req;

/* The message KEY in the request's language (common/msg_web.c). */
const char *page_t(const struct web_req *r, const char *key);
/* <!doctype>, <head> with TITLE, the header and navigation, <main>. */
void page_begin(struct web_req *r, const char *title);
/* </main> and the end of the document. */
void page_end(struct web_req *r);
/* A duration in the request's language: "3 ngày 4 giờ", "12m 30s". */
void page_duration(struct strbuf *sb, const struct web_req *r, int64_t ms);
/* A wall time (UTC ms) as local "YYYY-MM-DD HH:MM". */
void page_time(struct strbuf *sb, int64_t wall_ms);

/* STATE ("up", "down", ...) as a coloured badge in the request's language. */
void page_badge(struct web_req *r, const char *state);
/* The hidden CSRF field of a form that changes something. */
void page_csrf_field(struct web_req *r);
/* <div class="box"><table> with a header row of message KEYS. */
void page_table_head(struct web_req *r, const char *const *keys, size_t n);
/* <p class="CLS"> (CLS may be NULL) with message KEY. */
void page_para(struct web_req *r, const char *cls, const char *key);
/*
 * Run control command LINE on the loop (daemon/inbox.h, up to 5 s):
 * 0 when it answered ok, -1 with the reason in ERR.
 */
int page_command(struct web_req *r, const char *line, char *err, size_t errlen);
/* Local midnight DAYS_BACK days before the day of WALL_MS. */
int64_t page_local_midnight(int64_t wall_ms, int days_back);

/* Handlers (a struct route's fn): 0, or -1 for a 500. */
int page_static(struct web_req *r);  /* GET /static/... */
int page_healthz(struct web_req *r); /* GET /healthz: "ok" */
int page_setup(struct web_req *r);   /* no user yet: how to make one */
int page_login_get(struct web_req *r);
int page_login_post(struct web_req *r);
int page_logout_post(struct web_req *r);
int page_overview(struct web_req *r);          /* GET / */
int page_device(struct web_req *r);            /* GET /devices/KEY */
int page_alerts(struct web_req *r);            /* GET /alerts */
int page_alert_ack(struct web_req *r);         /* POST /alerts/ID/ack */
int page_hosts(struct web_req *r);             /* GET /hosts */
int page_host_post(struct web_req *r);         /* POST /hosts/MAC/ACTION */
int page_reports(struct web_req *r);           /* GET /reports */
int page_report_pack(struct web_req *r);       /* POST /reports/pack */
int page_settings(struct web_req *r);          /* GET /settings */
int page_settings_user_add(struct web_req *r); /* POST /settings/users */
int page_settings_user_del(struct web_req *r); /* POST .../NAME/delete */
/* An error page with STATUS and the message KEY. Always 0. */
int page_error(struct web_req *r, int status, const char *key);

#endif
