/* heartbeat.c - GET|POST /hb/TOKEN: token lookup, brute-force limits, the heartbeat handed to the loop. */
#include <inttypes.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/util.h"
#include "common/xtime.h"
#include "daemon/inbox.h"
#include "store/hbtoken.h"
#include "web/form.h"
#include "web/heartbeat.h"
#include "web/server.h"

struct hbweb_addr {
	char ip[64];
	double tokens; /* unknown tokens it may still send */
	int64_t last_ms;
};

struct hbweb_device {
	char key[64];
	int64_t last_ms;
};

struct hbweb {
	pthread_mutex_t lock;
	struct hbweb_addr *addrs;
	size_t naddrs;
	struct hbweb_device *devs;
	size_t ndevs;
	struct hbweb_stats stats;
	struct ratelimit log_rl; /* unknown-token complaints */
};

struct hbweb *
hbweb_new(void)
{
	struct hbweb *h = xcalloc(1, sizeof *h);

	pthread_mutex_init(&h->lock, NULL);
	h->addrs = xcalloc(HBWEB_ADDRS_MAX, sizeof *h->addrs);
	h->devs = xcalloc(HBWEB_DEVICES_MAX, sizeof *h->devs);
	ratelimit_init(&h->log_rl, 60000, 5);
	return h;
}

void
hbweb_free(struct hbweb *h)
{
	if (h == NULL)
		return;
	pthread_mutex_destroy(&h->lock);
	free(h->addrs);
	free(h->devs);
	free(h);
}

/* IP's bucket, refilled up to NOW_MS; a new or the stalest slot. Locked. */
static struct hbweb_addr *
hbweb_addr_get(struct hbweb *h, const char *ip, int64_t now_ms)
{
	struct hbweb_addr *a = NULL, *stalest = NULL;

	for (size_t i = 0; i < h->naddrs; i++) {
		if (strcmp(h->addrs[i].ip, ip) == 0) {
			a = &h->addrs[i];
			break;
		}
		if (stalest == NULL || h->addrs[i].last_ms < stalest->last_ms)
			stalest = &h->addrs[i];
	}
	if (a == NULL) {
		/*
		 * A full table forgets its stalest address: a guesser with
		 * many addresses gets a fresh bucket per address anyway, and
		 * the table stays bounded.
		 */
		a = h->naddrs < HBWEB_ADDRS_MAX ? &h->addrs[h->naddrs++]
						: stalest;
		str_copy(a->ip, ip, sizeof a->ip);
		a->tokens = HBWEB_UNKNOWN_BURST;
		a->last_ms = now_ms;
		return a;
	}
	if (now_ms > a->last_ms) {
		a->tokens +=
		    (double)(now_ms - a->last_ms) / HBWEB_UNKNOWN_INTERVAL_MS;
		if (a->tokens > HBWEB_UNKNOWN_BURST)
			a->tokens = HBWEB_UNKNOWN_BURST;
		a->last_ms = now_ms;
	}
	return a;
}

int64_t
hbweb_addr_wait(struct hbweb *h, const char *ip, int64_t now_ms)
{
	struct hbweb_addr *a;
	int64_t wait = 0;

	pthread_mutex_lock(&h->lock);
	a = hbweb_addr_get(h, ip, now_ms);
	if (a->tokens < 1) {
		wait =
		    (int64_t)((1 - a->tokens) * HBWEB_UNKNOWN_INTERVAL_MS) + 1;
		h->stats.limited_addr++;
	}
	pthread_mutex_unlock(&h->lock);
	return wait;
}

void
hbweb_addr_unknown(struct hbweb *h, const char *ip, int64_t now_ms)
{
	struct hbweb_addr *a;
	uint64_t suppressed = 0;
	bool say;

	pthread_mutex_lock(&h->lock);
	a = hbweb_addr_get(h, ip, now_ms);
	a->tokens = a->tokens >= 1 ? a->tokens - 1 : 0;
	h->stats.unknown++;
	say = ratelimit_allow(&h->log_rl, now_ms, &suppressed);
	pthread_mutex_unlock(&h->lock);
	if (say && suppressed > 0)
		log_notice("web: unknown heartbeat token from %s (and %" PRIu64
			   " not logged)",
		    ip, suppressed);
	else if (say)
		log_notice("web: unknown heartbeat token from %s", ip);
}

int64_t
hbweb_device_wait(struct hbweb *h, const char *key, int64_t now_ms)
{
	struct hbweb_device *d = NULL, *stalest = NULL;
	int64_t wait = 0;

	pthread_mutex_lock(&h->lock);
	for (size_t i = 0; i < h->ndevs; i++) {
		if (strcmp(h->devs[i].key, key) == 0) {
			d = &h->devs[i];
			break;
		}
		if (stalest == NULL || h->devs[i].last_ms < stalest->last_ms)
			stalest = &h->devs[i];
	}
	if (d == NULL) {
		d = h->ndevs < HBWEB_DEVICES_MAX ? &h->devs[h->ndevs++]
						 : stalest;
		str_copy(d->key, key, sizeof d->key);
	} else if (now_ms - d->last_ms < HBWEB_DEVICE_MIN_MS) {
		wait = HBWEB_DEVICE_MIN_MS - (now_ms - d->last_ms);
		h->stats.limited_device++;
		pthread_mutex_unlock(&h->lock);
		return wait;
	}
	d->last_ms = now_ms;
	h->stats.accepted++;
	pthread_mutex_unlock(&h->lock);
	return 0;
}

void
hbweb_get_stats(struct hbweb *h, struct hbweb_stats *st)
{
	pthread_mutex_lock(&h->lock);
	*st = h->stats;
	pthread_mutex_unlock(&h->lock);
}

int
hbweb_msg_clean(const char *in, char *out, size_t outlen)
{
	char buf[4 * HBWEB_MSG_MAX + 1];
	size_t n = 0;
	const unsigned char *p = (const unsigned char *)in;

	if (!utf8_valid(in, strlen(in)))
		return -1;
	for (; *p != '\0' && n < sizeof buf - 1; p++) {
		if (*p < 0x20 || *p == 0x7f)
			continue;
		/* C1 controls, U+0080..U+009F: C2 80..C2 9F. */
		if (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) {
			p++;
			continue;
		}
		buf[n++] = (char)*p;
	}
	buf[n] = '\0';
	/* A cut in the middle of a character is left to str_copy_utf8. */
	str_copy_utf8(out, str_trim(buf),
	    outlen < HBWEB_MSG_MAX + 1 ? outlen : HBWEB_MSG_MAX + 1);
	if (!utf8_valid(out, strlen(out)))
		out[0] = '\0';
	return 0;
}

/* 43 characters of base64url: what hbtoken_generate makes. */
static bool
hbweb_token_ok(const char *t)
{
	size_t n = 0;

	for (; t[n] != '\0'; n++) {
		char c = t[n];

		if (n >= HBTOKEN_LEN ||
		    !((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
			(c >= '0' && c <= '9') || c == '-' || c == '_'))
			return false;
	}
	return n == HBTOKEN_LEN;
}

static int
hbweb_answer(struct web_req *r, int status, const char *text)
{
	r->status = status;
	r->content_type = "text/plain; charset=utf-8";
	strbuf_add(&r->out, text);
	return 0;
}

/* A parameter from the body (a POST form) first, else the query string. */
static const char *
hbweb_param(struct web_req *r, const struct form *f, const char *name)
{
	const char *v = f != NULL ? form_get(f, name) : NULL;

	return v != NULL ? v : server_query(r, name);
}

int
hbweb_handle(struct web_req *r)
{
	const char *token = r->path + strlen("/hb/"), *status, *msg;
	unsigned char hash[HBTOKEN_HASH];
	char key[64], clean[HBWEB_MSG_MAX + 1], line[INBOX_LINE_MAX + 1];
	char err[128];
	struct form *f = NULL;
	int64_t now = time_mono_ms(), wait;
	int rc;

	if (r->hbweb == NULL || r->inbox == NULL || r->db == NULL)
		return hbweb_answer(
		    r, 503, "heartbeats are not taken here now\n");
	if ((wait = hbweb_addr_wait(r->hbweb, r->ip, now)) > 0) {
		r->retry_after_s = (wait + 999) / 1000;
		return hbweb_answer(
		    r, 429, "too many unknown tokens from this address\n");
	}
	if (!hbweb_token_ok(token)) {
		hbweb_addr_unknown(r->hbweb, r->ip, now);
		return hbweb_answer(r, 404, "unknown token\n");
	}
	hbtoken_hash(token, hash);
	rc = hbtoken_find(r->db, hash, key, sizeof key);
	explicit_bzero(hash, sizeof hash);
	if (rc == -1)
		return -1; /* logged by hbtoken_find */
	if (rc == 1) {
		hbweb_addr_unknown(r->hbweb, r->ip, now);
		return hbweb_answer(r, 404, "unknown token\n");
	}
	/* Parameters in a POST body (curl -d, MikroTik http-data). */
	if (r->body_len > 0 && (f = form_parse(r->body, r->body_len, 8, err,
				    sizeof err)) == NULL) {
		log_info(
		    "web: heartbeat from device %s: bad body: %s", key, err);
		return hbweb_answer(r, 400,
		    "bad body: send status=ok|fail&msg=TEXT, url-encoded\n");
	}
	status = hbweb_param(r, f, "status");
	msg = hbweb_param(r, f, "msg");
	if (status == NULL || status[0] == '\0')
		status = "ok";
	if (strcmp(status, "ok") != 0 && strcmp(status, "fail") != 0) {
		form_free(f);
		return hbweb_answer(r, 400, "status must be ok or fail\n");
	}
	clean[0] = '\0';
	if (msg != NULL && hbweb_msg_clean(msg, clean, sizeof clean) == -1) {
		form_free(f);
		return hbweb_answer(r, 400, "msg must be UTF-8 text\n");
	}
	status = strcmp(status, "ok") == 0 ? "ok" : "fail";
	form_free(f);
	if ((wait = hbweb_device_wait(r->hbweb, key, now)) > 0) {
		r->retry_after_s = (wait + 999) / 1000;
		return hbweb_answer(
		    r, 429, "one heartbeat per second is enough\n");
	}
	snprintf(line, sizeof line, "heartbeat %s %s%s%s", key, status,
	    clean[0] != '\0' ? " " : "", clean);
	if (inbox_post(r->inbox, line) == -1) {
		/* Counted by the inbox; the device simply calls again. */
		r->retry_after_s = 1;
		return hbweb_answer(r, 503, "busy, try again\n");
	}
	if (strcmp(status, "ok") == 0)
		log_debug("web: heartbeat from device %s", key);
	else
		log_info("web: heartbeat from device %s: fail", key);
	return hbweb_answer(r, 200, "ok\n");
}
