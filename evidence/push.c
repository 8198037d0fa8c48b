/* push.c - the outbox delivered to the push targets with libcurl multi on the loop. */
#include <ctype.h>
#include <curl/curl.h>
#include <errno.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "common/config.h"
#include "common/log.h"
#include "common/util.h"
#include "common/xtime.h"
#include "evidence/push.h"
#include "store/snapshot.h"
#include "store/writer.h"

/* An attempt's lease outlives its timeout by this much (see outbox_lease). */
#define PUSH_LEASE_SLACK_MS 30000
/* Look at the outbox at least this often (backlog, clock steps). */
#define PUSH_SCAN_MAX_S 30.0
/* A target missing from the configuration is looked at again after this. */
#define PUSH_ORPHAN_RETRY_MS 3600000
/* A Retry-After longer than this is cut to it. */
#define PUSH_RETRY_AFTER_MAX_MS (7 * 86400000LL)
/* Connecting takes at most this much of an attempt. */
#define PUSH_CONNECT_MAX_MS 30000

struct push_sock {
	ev_io io;
	struct push *p;
	struct push_sock *prev, *next;
};

/* One attempt in flight. */
struct push_req {
	struct push *p;
	struct push_req *prev, *next;
	CURL *easy;
	struct curl_slist *headers;
	struct curl_slist *rcpt;
	curl_mime *mime;
	FILE *fp;
	struct outbox_item it;
	int type; /* enum push_type */
	char errbuf[CURL_ERROR_SIZE];
	bool has_retry_after;
	int64_t retry_after_ms;
};

struct push {
	struct ev_loop *loop;
	struct writer *w;
	const struct config *cfg;
	push_event_fn event;
	void *arg;
	CURLM *multi;
	ev_timer curl_timer; /* curl's one timeout */
	ev_timer scan_timer; /* the next due item */
	struct push_sock *socks;
	struct push_req *reqs;
	size_t ninflight;
	bool backlog; /* above outbox_max: alerted once per crossing */
	char *fpr;
	struct ratelimit log_rl;
};

enum push_verdict
push_classify(int type, int curlcode, long code)
{
	switch (curlcode) {
	case CURLE_OK:
		break;
	case CURLE_UNSUPPORTED_PROTOCOL:
	case CURLE_URL_MALFORMAT:
	case CURLE_READ_ERROR:
	case CURLE_FILE_COULDNT_READ_FILE:
		/* Trying again cannot help: the officer must look. */
		return PUSH_QUARANTINE;
	default:
		/* An SMTP server may refuse for good mid-dialogue. */
		if (type == PUSH_SMTP && code >= 500 && code < 600)
			return PUSH_QUARANTINE;
		/* Timeouts, refused or dropped connections, TLS trouble. */
		return PUSH_RETRY;
	}
	if (type == PUSH_SMTP)
		return PUSH_SENT;
	if (code >= 200 && code < 300)
		return PUSH_SENT;
	if (code == 429 || code == 408 || code >= 500 || code == 0)
		return PUSH_RETRY;
	return PUSH_QUARANTINE;
}

int64_t
push_backoff_ms(int attempts, int64_t base_ms, int64_t cap_ms, uint64_t rnd)
{
	int64_t ceiling;

	if (base_ms < 1)
		base_ms = 1;
	if (cap_ms < base_ms)
		cap_ms = base_ms;
	if (attempts < 0)
		attempts = 0;
	ceiling = base_ms;
	/* Doubling stops at the cap, long before it could overflow. */
	for (int i = 0; i < attempts && ceiling < cap_ms; i++)
		ceiling *= 2;
	if (ceiling > cap_ms)
		ceiling = cap_ms;
	return (int64_t)(rnd % ((uint64_t)ceiling + 1));
}

int
push_retry_after_parse(const char *value, int64_t now_ms, int64_t *delay_ms)
{
	char buf[128];
	size_t len;
	time_t t;

	if (value == NULL)
		return -1;
	while (*value == ' ' || *value == '\t')
		value++;
	len = strlen(value);
	while (len > 0 && isspace((unsigned char)value[len - 1]))
		len--;
	if (len == 0 || len >= sizeof buf)
		return -1;
	memcpy(buf, value, len);
	buf[len] = '\0';
	if (strspn(buf, "0123456789") == len) {
		/* More than 9 digits is already beyond the cap. */
		if (len > 9)
			*delay_ms = PUSH_RETRY_AFTER_MAX_MS;
		else
			*delay_ms = strtoll(buf, NULL, 10) * 1000;
	} else {
		/* A date has letters; curl_getdate takes junk as "now". */
		if (strspn(buf, "0123456789+-. ") == len)
			return -1;
		if ((t = curl_getdate(buf, NULL)) == -1)
			return -1;
		*delay_ms = (int64_t)t * 1000 - now_ms;
		if (*delay_ms < 0)
			*delay_ms = 0;
	}
	if (*delay_ms > PUSH_RETRY_AFTER_MAX_MS)
		*delay_ms = PUSH_RETRY_AFTER_MAX_MS;
	return 0;
}

static void push_scan_soon(struct push *p, double after_s);

static void push_log(struct push *p, int prio, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Repeated failures (a target down for days) are logged with a limit. */
static void
push_log(struct push *p, int prio, const char *fmt, ...)
{
	uint64_t suppressed = 0;
	char msg[768];
	va_list ap;

	if (!ratelimit_allow(&p->log_rl, time_mono_ms(), &suppressed))
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (suppressed > 0)
		log_msg(prio, "%s (%" PRIu64 " similar messages not logged)",
		    msg, suppressed);
	else
		log_msg(prio, "%s", msg);
}

static const struct config_push *
push_target(const struct push *p, const char *key)
{
	for (size_t i = 0; i < p->cfg->npushes; i++)
		if (strcmp(p->cfg->pushes[i].key, key) == 0)
			return &p->cfg->pushes[i];
	return NULL;
}

static void
req_free(struct push_req *r)
{
	struct push *p = r->p;

	if (r->easy != NULL) {
		curl_multi_remove_handle(p->multi, r->easy);
		curl_easy_cleanup(r->easy);
	}
	curl_slist_free_all(r->headers);
	curl_slist_free_all(r->rcpt);
	curl_mime_free(r->mime);
	if (r->fp != NULL)
		fclose(r->fp);
	if (r->prev != NULL)
		r->prev->next = r->next;
	else
		p->reqs = r->next;
	if (r->next != NULL)
		r->next->prev = r->prev;
	p->ninflight--;
	free(r);
}

static size_t
req_read_cb(char *buf, size_t size, size_t nmemb, void *userdata)
{
	struct push_req *r = userdata;
	size_t n = fread(buf, size, nmemb, r->fp);

	if (n == 0 && ferror(r->fp))
		return CURL_READFUNC_ABORT;
	return n;
}

/* Digest and NTLM logins send the body twice: rewind it. */
static int
req_seek_cb(void *userdata, curl_off_t offset, int origin)
{
	struct push_req *r = userdata;

	if (fseeko(r->fp, (off_t)offset, origin) == -1)
		return CURL_SEEKFUNC_FAIL;
	return CURL_SEEKFUNC_OK;
}

/* The answer's body is not needed; reading it keeps the connection sane. */
static size_t
req_write_cb(char *ptr, size_t size, size_t nmemb, void *userdata)
{
	return size * nmemb;
}

static size_t
req_header_cb(char *buf, size_t size, size_t nitems, void *userdata)
{
	static const char name[] = "retry-after:";
	struct push_req *r = userdata;
	size_t n = size * nitems;
	char value[128];
	int64_t delay;

	/* A new response (after 100 Continue or a redirect) starts over. */
	if (n >= 5 && strncmp(buf, "HTTP/", 5) == 0)
		r->has_retry_after = false;
	if (n > sizeof name - 1 && n - (sizeof name - 1) < sizeof value &&
	    strncasecmp(buf, name, sizeof name - 1) == 0) {
		memcpy(value, buf + sizeof name - 1, n - (sizeof name - 1));
		value[n - (sizeof name - 1)] = '\0';
		if (push_retry_after_parse(value, time_wall_ms(), &delay) ==
		    0) {
			r->has_retry_after = true;
			r->retry_after_ms = delay;
		}
	}
	return n;
}

/* The pack's name on the target: the file's own name. */
static const char *
req_object_name(const struct outbox_item *it)
{
	const char *slash = strrchr(it->path, '/');

	return slash != NULL ? slash + 1 : it->path;
}

static char *
req_join_url(const char *base, const char *name)
{
	size_t len = strlen(base);

	return xasprintf(
	    "%s%s%s", base, len > 0 && base[len - 1] == '/' ? "" : "/", name);
}

static void req_header(struct push_req *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
req_header(struct push_req *r, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	r->headers = curl_slist_append(r->headers, line);
	/* The line may hold a token: wipe the stack copy. */
	sodium_memzero(line, sizeof line);
}

static void
req_local_day(int64_t ms, char *buf, size_t len)
{
	struct tm tm;
	time_t t = (time_t)(ms / 1000);

	localtime_r(&t, &tm);
	strftime(buf, len, "%d/%m/%Y %H:%M", &tm);
}

/* RFC 2047 "encoded-word" of UTF-8 TEXT for a mail header. */
static char *
req_mime_word(const char *text)
{
	size_t len = strlen(text);
	size_t blen =
	    sodium_base64_ENCODED_LEN(len, sodium_base64_VARIANT_ORIGINAL);
	char *b64 = xmalloc(blen), *out;

	sodium_bin2base64(b64, blen, (const unsigned char *)text, len,
	    sodium_base64_VARIANT_ORIGINAL);
	out = xasprintf("=?UTF-8?B?%s?=", b64);
	free(b64);
	return out;
}

/* The mail: a short Vietnamese text and the pack attached. */
static int
req_smtp(struct push_req *r, const struct config_push *t)
{
	const struct config *cfg = r->p->cfg;
	const struct outbox_item *it = &r->it;
	const char *site = cfg->site.name ? cfg->site.name : "xanet";
	char from[32], to[32], *subject, *word, *body;
	curl_mimepart *part;

	if (t->mail_from == NULL || t->nmail_to == 0)
		return -1;
	req_local_day(it->from_ms, from, sizeof from);
	req_local_day(it->to_ms, to, sizeof to);
	curl_easy_setopt(r->easy, CURLOPT_MAIL_FROM, t->mail_from);
	for (size_t i = 0; i < t->nmail_to; i++)
		r->rcpt = curl_slist_append(r->rcpt, t->mail_to[i]);
	curl_easy_setopt(r->easy, CURLOPT_MAIL_RCPT, r->rcpt);
	if (str_has_prefix(t->url, "smtp://"))
		curl_easy_setopt(
		    r->easy, CURLOPT_USE_SSL, (long)CURLUSESSL_TRY);

	subject = xasprintf("Tài liệu kiểm chứng %s: %s – %s", site, from, to);
	word = req_mime_word(subject);
	req_header(r, "Subject: %s", word);
	free(word);
	free(subject);
	req_header(r, "From: %s", t->mail_from);
	for (size_t i = 0; i < t->nmail_to; i++)
		req_header(r, "To: %s", t->mail_to[i]);
	req_header(r, "Message-ID: <%s.%s@xanet>", it->uid, t->key);
	req_header(r, "Idempotency-Key: %s", it->uid);

	body = xasprintf("Kính gửi,\r\n\r\n"
			 "Đính kèm là gói tài liệu kiểm chứng của %s.\r\n"
			 "Kỳ báo cáo: %s – %s (giờ địa phương).\r\n"
			 "Loại: %s. Mã gói: %s.\r\n"
			 "SHA-256 của gói: %s\r\n"
			 "Vân tay khóa ký: %s\r\n\r\n"
			 "Kiểm tra gói: xanetctl verify %s\r\n"
			 "-- \r\nxanet " PACKAGE_VERSION "\r\n",
	    site, from, to, it->kind, it->uid, it->sha256,
	    r->p->fpr != NULL ? r->p->fpr : "(không có)", req_object_name(it));
	r->mime = curl_mime_init(r->easy);
	part = curl_mime_addpart(r->mime);
	curl_mime_data(part, body, CURL_ZERO_TERMINATED);
	curl_mime_type(part, "text/plain; charset=utf-8");
	curl_mime_encoder(part, "quoted-printable");
	free(body);
	part = curl_mime_addpart(r->mime);
	if (curl_mime_filedata(part, it->path) != CURLE_OK)
		return -1;
	curl_mime_filename(part, req_object_name(it));
	curl_mime_type(part, "application/zip");
	curl_mime_encoder(part, "base64");
	curl_easy_setopt(r->easy, CURLOPT_MIMEPOST, r->mime);
	return 0;
}

/* The body: the pack file, streamed. */
static void
req_body(struct push_req *r, bool put)
{
	curl_easy_setopt(r->easy, CURLOPT_READFUNCTION, req_read_cb);
	curl_easy_setopt(r->easy, CURLOPT_READDATA, r);
	curl_easy_setopt(r->easy, CURLOPT_SEEKFUNCTION, req_seek_cb);
	curl_easy_setopt(r->easy, CURLOPT_SEEKDATA, r);
	if (put) {
		curl_easy_setopt(r->easy, CURLOPT_UPLOAD, 1L);
		curl_easy_setopt(
		    r->easy, CURLOPT_INFILESIZE_LARGE, (curl_off_t)r->it.size);
	} else {
		curl_easy_setopt(r->easy, CURLOPT_POST, 1L);
		curl_easy_setopt(r->easy, CURLOPT_POSTFIELDSIZE_LARGE,
		    (curl_off_t)r->it.size);
	}
	req_header(r, "Content-Type: application/zip");
	/*
	 * No 100-continue round trip: receivers answer the whole request.
	 * Not for S3: curl would sign the empty header it then leaves out.
	 */
	if (r->type != PUSH_S3)
		req_header(r, "Expect:");
	req_header(r, "Idempotency-Key: %s", r->it.uid);
	req_header(r, "X-Xanet-Sha256: %s", r->it.sha256);
	req_header(r, "X-Xanet-Kind: %s", r->it.kind);
}

/* Set up R's request for target T; 0, or -1 with why in R->errbuf. */
static int
req_setup(struct push_req *r, const struct config_push *t)
{
	CURL *e = r->easy;
	char *url = NULL;
	char sigv4[128];

	curl_easy_setopt(e, CURLOPT_PRIVATE, r);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, r->errbuf);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)t->timeout_ms);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS,
	    (long)(t->timeout_ms < PUSH_CONNECT_MAX_MS ? t->timeout_ms
						       : PUSH_CONNECT_MAX_MS));
	curl_easy_setopt(e, CURLOPT_USERAGENT, "xanet/" PACKAGE_VERSION);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, req_header_cb);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, r);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, req_write_cb);
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
	/* A fresh connection per attempt: a half-dead one is not reused. */
	curl_easy_setopt(e, CURLOPT_FORBID_REUSE, 1L);
	if (t->ca_file != NULL)
		curl_easy_setopt(e, CURLOPT_CAINFO, t->ca_file);
	if (t->client_cert != NULL)
		curl_easy_setopt(e, CURLOPT_SSLCERT, t->client_cert);
	if (t->client_key != NULL)
		curl_easy_setopt(e, CURLOPT_SSLKEY, t->client_key);

	switch (t->type) {
	case PUSH_HTTP:
		curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
		url = xstrdup(t->url);
		req_body(r, t->put);
		if (t->token != NULL)
			req_header(r, "Authorization: Bearer %s", t->token);
		break;
	case PUSH_S3:
		curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
		url = req_join_url(t->url, req_object_name(&r->it));
		req_body(r, true);
		snprintf(sigv4, sizeof sigv4, "aws:amz:%s:s3",
		    t->region != NULL ? t->region : "us-east-1");
		curl_easy_setopt(e, CURLOPT_AWS_SIGV4, sigv4);
		curl_easy_setopt(e, CURLOPT_USERNAME,
		    t->access_key != NULL ? t->access_key : "");
		curl_easy_setopt(e, CURLOPT_PASSWORD,
		    t->secret_key != NULL ? t->secret_key : "");
		/* The pack's hash is known: S3 checks the body against it. */
		req_header(r, "x-amz-content-sha256: %s", r->it.sha256);
		break;
	case PUSH_WEBDAV:
		curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
		url = req_join_url(t->url, req_object_name(&r->it));
		req_body(r, true);
		if (t->user != NULL) {
			curl_easy_setopt(e, CURLOPT_USERNAME, t->user);
			curl_easy_setopt(e, CURLOPT_PASSWORD,
			    t->password != NULL ? t->password : "");
			curl_easy_setopt(e, CURLOPT_HTTPAUTH,
			    (long)(CURLAUTH_BASIC | CURLAUTH_DIGEST));
		}
		break;
	case PUSH_SMTP:
		curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
		url = xstrdup(t->url);
		if (t->user != NULL) {
			curl_easy_setopt(e, CURLOPT_USERNAME, t->user);
			curl_easy_setopt(e, CURLOPT_PASSWORD,
			    t->password != NULL ? t->password : "");
		}
		if (req_smtp(r, t) == -1) {
			snprintf(r->errbuf, sizeof r->errbuf,
			    "mail_from, mail_to or the pack file missing");
			free(url);
			return -1;
		}
		break;
	default:
		snprintf(r->errbuf, sizeof r->errbuf, "unknown target type");
		return -1;
	}
	curl_easy_setopt(e, CURLOPT_URL, url);
	free(url);
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, r->headers);
	return 0;
}

static void
push_quarantine(
    struct push *p, const struct outbox_item *it, int status, const char *error)
{
	char details[512];

	outbox_quarantine(p->w, it->id, time_wall_ms(), status, error);
	snprintf(details, sizeof details,
	    "outbox=%" PRId64 " target=%s snapshot=%s status=%d error=%s",
	    it->id, it->target, it->uid, status, error);
	log_warn("push: %s", details);
	if (p->event != NULL)
		p->event(p->arg, "warning", "push-quarantined", details);
}

/* Start one attempt for IT (already leased). */
static void
push_start(struct push *p, const struct outbox_item *it)
{
	const struct config_push *t = push_target(p, it->target);
	struct push_req *r;
	char why[1200];

	if (t == NULL) {
		/* Kept, never dropped: the target may come back on reload. */
		push_log(p, LOG_WARNING,
		    "push: outbox item %" PRId64 " is for target %s, which "
		    "the configuration no longer has; kept pending",
		    it->id, it->target);
		outbox_lease(
		    p->w, it->id, time_wall_ms() + PUSH_ORPHAN_RETRY_MS);
		return;
	}
	r = xcalloc(1, sizeof *r);
	r->p = p;
	r->it = *it;
	r->type = t->type;
	r->next = p->reqs;
	if (p->reqs != NULL)
		p->reqs->prev = r;
	p->reqs = r;
	p->ninflight++;
	if (t->type != PUSH_SMTP && (r->fp = fopen(it->path, "rb")) == NULL) {
		snprintf(why, sizeof why, "cannot open the pack %s: %s",
		    it->path[0] ? it->path : "(pruned)", strerror(errno));
		push_quarantine(p, it, 0, why);
		req_free(r);
		return;
	}
	if ((r->easy = curl_easy_init()) == NULL) {
		outbox_failed(p->w, it->id, time_wall_ms(), 0,
		    "libcurl: cannot create a handle",
		    time_wall_ms() + p->cfg->evidence.retry_base_ms);
		req_free(r);
		return;
	}
	if (req_setup(r, t) == -1) {
		push_quarantine(p, it, 0, r->errbuf);
		req_free(r);
		return;
	}
	if (curl_multi_add_handle(p->multi, r->easy) != CURLM_OK) {
		curl_easy_cleanup(r->easy);
		r->easy = NULL;
		outbox_failed(p->w, it->id, time_wall_ms(), 0,
		    "libcurl: cannot start the transfer",
		    time_wall_ms() + p->cfg->evidence.retry_base_ms);
		req_free(r);
		return;
	}
	log_debug("push: snapshot %s to %s (attempt %d)", it->uid, it->target,
	    it->attempts + 1);
}

/* An attempt ended: record what it means, free it, look for more. */
static void
push_done(struct push_req *r, CURLcode rc)
{
	struct push *p = r->p;
	const struct outbox_item *it = &r->it;
	enum push_verdict v;
	int64_t now = time_wall_ms(), delay;
	char error[512];
	long code = 0;

	curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &code);
	v = push_classify(r->type, rc, code);
	if (rc != CURLE_OK)
		snprintf(error, sizeof error, "%s",
		    r->errbuf[0] ? r->errbuf : curl_easy_strerror(rc));
	else
		snprintf(error, sizeof error, "%s %ld",
		    r->type == PUSH_SMTP ? "SMTP" : "HTTP", code);
	switch (v) {
	case PUSH_SENT:
		outbox_sent(p->w, it->id, now, (int)code);
		log_notice("push: snapshot %s delivered to %s (%s %ld, "
			   "attempt %d)",
		    it->uid, it->target, r->type == PUSH_SMTP ? "SMTP" : "HTTP",
		    code, it->attempts + 1);
		break;
	case PUSH_RETRY:
		delay = push_backoff_ms(it->attempts,
		    p->cfg->evidence.retry_base_ms,
		    p->cfg->evidence.retry_cap_ms,
		    ((uint64_t)randombytes_random() << 32) |
			randombytes_random());
		/* The server's own word is a lower bound, not the answer. */
		if (r->has_retry_after && r->retry_after_ms > delay)
			delay = r->retry_after_ms;
		outbox_failed(p->w, it->id, now, (int)code, error, now + delay);
		push_log(p, LOG_WARNING,
		    "push: snapshot %s to %s failed (%s); attempt %d, next "
		    "in %.1f s",
		    it->uid, it->target, error, it->attempts + 1,
		    (double)delay / 1000.0);
		break;
	case PUSH_QUARANTINE:
		push_quarantine(p, it, (int)code, error);
		break;
	}
	req_free(r);
	push_scan_soon(p, 0.);
}

static void
push_drain(struct push *p)
{
	struct push_req *r;
	CURLMsg *msg;
	CURLcode rc;
	int left;

	while ((msg = curl_multi_info_read(p->multi, &left)) != NULL) {
		if (msg->msg != CURLMSG_DONE)
			continue;
		rc = msg->data.result;
		r = NULL;
		curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &r);
		if (r != NULL)
			push_done(r, rc);
	}
}

static void
sock_io_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct push_sock *ps = w->data;
	struct push *p = ps->p;
	int running, action = 0;

	if (revents & EV_READ)
		action |= CURL_CSELECT_IN;
	if (revents & EV_WRITE)
		action |= CURL_CSELECT_OUT;
	/* PS may be freed in here (CURL_POLL_REMOVE). */
	curl_multi_socket_action(p->multi, w->fd, action, &running);
	push_drain(p);
}

static void
curl_timer_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct push *p = w->data;
	int running;

	curl_multi_socket_action(p->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	push_drain(p);
}

static int
multi_timer_fn(CURLM *multi, long timeout_ms, void *userp)
{
	struct push *p = userp;

	/* curl forbids calling it back from here: a 0 s timer does it. */
	ev_timer_stop(p->loop, &p->curl_timer);
	if (timeout_ms >= 0) {
		ev_timer_set(&p->curl_timer, timeout_ms / 1000.0, 0.);
		ev_timer_start(p->loop, &p->curl_timer);
	}
	return 0;
}

static void
sock_free(struct push *p, struct push_sock *ps)
{
	ev_io_stop(p->loop, &ps->io);
	if (ps->prev != NULL)
		ps->prev->next = ps->next;
	else
		p->socks = ps->next;
	if (ps->next != NULL)
		ps->next->prev = ps->prev;
	free(ps);
}

static int
multi_socket_fn(
    CURL *easy, curl_socket_t s, int what, void *userp, void *socketp)
{
	struct push *p = userp;
	struct push_sock *ps = socketp;
	int events = 0;

	if (what == CURL_POLL_REMOVE) {
		if (ps != NULL) {
			sock_free(p, ps);
			curl_multi_assign(p->multi, s, NULL);
		}
		return 0;
	}
	if (what & CURL_POLL_IN)
		events |= EV_READ;
	if (what & CURL_POLL_OUT)
		events |= EV_WRITE;
	if (ps == NULL) {
		ps = xcalloc(1, sizeof *ps);
		ps->p = p;
		ev_init(&ps->io, sock_io_cb);
		ps->io.data = ps;
		ps->next = p->socks;
		if (p->socks != NULL)
			p->socks->prev = ps;
		p->socks = ps;
		curl_multi_assign(p->multi, s, ps);
	} else
		ev_io_stop(p->loop, &ps->io);
	ev_io_set(&ps->io, s, events);
	ev_io_start(p->loop, &ps->io);
	return 0;
}

/* Alert once each time the pending deliveries cross the bound. */
static void
push_check_backlog(struct push *p)
{
	int64_t n = outbox_pending_count(writer_db(p->w));
	char details[128];

	if (n < 0)
		return;
	if (n > p->cfg->evidence.outbox_max && !p->backlog) {
		p->backlog = true;
		snprintf(details, sizeof details,
		    "pending=%" PRId64 " max=%d (nothing is dropped)", n,
		    p->cfg->evidence.outbox_max);
		log_warn("push: outbox backlog: %s", details);
		if (p->event != NULL)
			p->event(p->arg, "warning", "push-backlog", details);
	} else if (n <= p->cfg->evidence.outbox_max && p->backlog) {
		p->backlog = false;
		log_notice("push: outbox back under its bound (%" PRId64
			   " pending)",
		    n);
	}
}

static void
scan_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct push *p = w->data;
	struct outbox_item items[PUSH_CONCURRENCY];
	int64_t now = time_wall_ms(), next;
	const struct config_push *t;
	double after = PUSH_SCAN_MAX_S;
	int n;

	push_check_backlog(p);
	if (p->ninflight < PUSH_CONCURRENCY) {
		n = outbox_due(
		    p->w, now, items, PUSH_CONCURRENCY - p->ninflight);
		for (int i = 0; i < n; i++) {
			t = push_target(p, items[i].target);
			outbox_lease(p->w, items[i].id,
			    now + (t != NULL ? t->timeout_ms : 0) +
				PUSH_LEASE_SLACK_MS);
			push_start(p, &items[i]);
		}
	}
	/* Completions rescan at once; otherwise wake for the next due. */
	if (p->ninflight < PUSH_CONCURRENCY &&
	    outbox_next_due(p->w, &next) == 0) {
		if (next <= now)
			after = 0.05;
		else if ((double)(next - now) / 1000.0 < after)
			after = (double)(next - now) / 1000.0;
	}
	push_scan_soon(p, after);
}

static void
push_scan_soon(struct push *p, double after_s)
{
	ev_timer_stop(p->loop, &p->scan_timer);
	ev_timer_set(&p->scan_timer, after_s, 0.);
	ev_timer_start(p->loop, &p->scan_timer);
}

struct push *
push_new(struct ev_loop *loop, struct writer *w, const struct config *cfg,
    push_event_fn event, void *arg)
{
	struct push *p;

	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		log_err("push: libcurl global init failed");
		return NULL;
	}
	p = xcalloc(1, sizeof *p);
	p->loop = loop;
	p->w = w;
	p->cfg = cfg;
	p->event = event;
	p->arg = arg;
	ratelimit_init(&p->log_rl, 60000, 10);
	if ((p->multi = curl_multi_init()) == NULL) {
		log_err("push: libcurl cannot create a multi handle");
		free(p);
		curl_global_cleanup();
		return NULL;
	}
	curl_multi_setopt(p->multi, CURLMOPT_SOCKETFUNCTION, multi_socket_fn);
	curl_multi_setopt(p->multi, CURLMOPT_SOCKETDATA, p);
	curl_multi_setopt(p->multi, CURLMOPT_TIMERFUNCTION, multi_timer_fn);
	curl_multi_setopt(p->multi, CURLMOPT_TIMERDATA, p);
	ev_init(&p->curl_timer, curl_timer_cb);
	p->curl_timer.data = p;
	ev_init(&p->scan_timer, scan_cb);
	p->scan_timer.data = p;
	push_scan_soon(p, 0.);
	return p;
}

void
push_reconfigure(struct push *p, const struct config *cfg)
{
	p->cfg = cfg;
	push_scan_soon(p, 0.);
}

void
push_set_fingerprint(struct push *p, const char *fpr)
{
	free(p->fpr);
	p->fpr = fpr != NULL ? xstrdup(fpr) : NULL;
}

void
push_kick(struct push *p)
{
	push_scan_soon(p, 0.);
}

size_t
push_inflight(const struct push *p)
{
	return p->ninflight;
}

void
push_free(struct push *p)
{
	int64_t now = time_wall_ms();

	if (p == NULL)
		return;
	/* Interrupted attempts are due again at the next start, not later. */
	while (p->reqs != NULL) {
		outbox_lease(p->w, p->reqs->it.id, now);
		req_free(p->reqs);
	}
	curl_multi_cleanup(p->multi);
	while (p->socks != NULL)
		sock_free(p, p->socks);
	ev_timer_stop(p->loop, &p->curl_timer);
	ev_timer_stop(p->loop, &p->scan_timer);
	free(p->fpr);
	free(p);
	curl_global_cleanup();
}
