/* page_login.c - the login form, password check with rate limiting, logout. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "common/log.h"
#include "common/util.h"
#include "common/xtime.h"
#include "store/user.h"
#include "web/auth.h"
#include "web/form.h"
#include "web/page.h"
#include "web/server.h"

static void
login_form(struct web_req *r, const char *error_key)
{
	page_begin(r, page_t(r, "web.login.title"));
	if (error_key != NULL) {
		strbuf_add(&r->out, "<p class=\"error\">");
		strbuf_add_html(&r->out, page_t(r, error_key));
		strbuf_add(&r->out, "</p>\n");
	}
	strbuf_add(&r->out, "<form class=\"login\" method=\"post\" "
			    "action=\"/login\">\n<label for=\"user\">");
	strbuf_add_html(&r->out, page_t(r, "web.login.user"));
	strbuf_add(&r->out,
	    "</label>\n<input id=\"user\" name=\"user\" "
	    "autocomplete=\"username\" autocapitalize=\"none\" required>\n"
	    "<label for=\"password\">");
	strbuf_add_html(&r->out, page_t(r, "web.login.password"));
	strbuf_add(&r->out,
	    "</label>\n<input id=\"password\" name=\"password\" "
	    "type=\"password\" "
	    "autocomplete=\"current-password\" required>\n"
	    "<button type=\"submit\">");
	strbuf_add_html(&r->out, page_t(r, "web.login.button"));
	strbuf_add(&r->out, "</button>\n</form>\n");
	page_end(r);
}

int
page_login_get(struct web_req *r)
{
	const char *sid = server_cookie(r, "xanet_session");
	struct auth_session s;

	if (sid != NULL &&
	    auth_session_find(r->auth, sid, time_mono_ms(), &s) == 0) {
		server_redirect(r, "/");
		return 0;
	}
	login_form(r, NULL);
	return 0;
}

/*
 * The login form has no session to carry a CSRF token; a browser names
 * the page a cross-site POST came from in Origin, which must be us.
 */
static bool
login_origin_ok(struct web_req *r)
{
	const char *origin = server_header(r, "Origin");
	const char *host = server_header(r, "Host");
	const char *scheme = r->tls ? "https://" : "http://";
	size_t sl = strlen(scheme);

	if (origin == NULL)
		return true;
	return host != NULL && strncasecmp(origin, scheme, sl) == 0 &&
	       strcasecmp(origin + sl, host) == 0;
}

int
page_login_post(struct web_req *r)
{
	const char *user = form_get(r->form, "user");
	const char *password = form_get(r->form, "password");
	char hash[AUTH_HASH_MAX];
	struct user_row u;
	struct auth_session s;
	int64_t wait;
	bool known, good;
	int rc;

	if (!login_origin_ok(r)) {
		log_notice("web: login from %s refused: foreign Origin", r->ip);
		return page_error(r, 403, "web.error.403");
	}
	if (user == NULL || password == NULL || user[0] == '\0') {
		r->status = 400;
		login_form(r, "web.login.failed");
		return 0;
	}
	/* Names we could never have stored are logged as such, not as typed. */
	known = auth_name_valid(user);
	wait = auth_login_wait(r->auth, r->ip, user, time_mono_ms());
	if (wait > 0) {
		r->status = 429;
		r->retry_after_s = (wait + 999) / 1000;
		login_form(r, "web.login.slow");
		return 0;
	}
	rc = known ? user_find(r->db, user, &u) : 1;
	if (rc == -1)
		return -1;
	if (rc == 0)
		str_copy(hash, u.hash, sizeof hash);
	else
		auth_dummy_hash(r->auth, hash, sizeof hash);
	/* Unknown names cost a full check too: no timing oracle. */
	good = auth_password_verify(password, hash) && rc == 0;
	explicit_bzero(hash, sizeof hash);
	if (!good) {
		auth_login_failed(r->auth, r->ip, user, time_mono_ms());
		log_notice("web: failed login as %s from %s",
		    known ? user : "(an invalid name)", r->ip);
		r->status = 403;
		login_form(r, "web.login.failed");
		return 0;
	}
	auth_login_succeeded(r->auth, r->ip, user);
	if (auth_session_new(r->auth, u.name, strcmp(u.role, "admin") == 0,
		time_mono_ms(), &s) == -1)
		return -1;
	log_info("web: %s logged in from %s", u.name, r->ip);
	server_set_cookie(r, "xanet_session", s.id, -1, true);
	server_redirect(r, "/");
	return 0;
}

int
page_logout_post(struct web_req *r)
{
	auth_session_end(r->auth, r->sess.id);
	log_info("web: %s logged out from %s", r->sess.user, r->ip);
	server_set_cookie(r, "xanet_session", "", 0, true);
	server_redirect(r, "/login");
	return 0;
}
