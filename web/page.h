/*
 * page.h - the dashboard's pages: the common frame (head, navigation,
 * language switch, phone-friendly style sheet) and every page handler.
 * All text from the database or the client goes through
 * strbuf_add_html (common/strbuf.h), the one HTML escaper.
 */
#ifndef XANET_PAGE_H
#define XANET_PAGE_H

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

/* Handlers (a struct route's fn): 0, or -1 for a 500. */
int page_static(struct web_req *r);  /* GET /static/... */
int page_healthz(struct web_req *r); /* GET /healthz: "ok" */
int page_setup(struct web_req *r);   /* no user yet: how to make one */
int page_login_get(struct web_req *r);
int page_login_post(struct web_req *r);
int page_logout_post(struct web_req *r);
int page_overview(struct web_req *r); /* GET / */
/* An error page with STATUS and the message KEY. Always 0. */
int page_error(struct web_req *r, int status, const char *key);

#endif
