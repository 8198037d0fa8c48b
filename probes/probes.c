/*
 * probes.c - the probe scheduler: which probes exist, when each round
 * starts, address resolution, round deadlines, and delivery of results.
 *
 * Every probe has a fixed phase inside its interval (a hash of its device
 * key and entry), so that thousands of targets with the same interval are
 * spread evenly instead of firing together, and a reload that keeps a
 * probe keeps its phase. Rounds run on libev repeating timers, which are
 * anchored to the schedule rather than to when the callback ran, so the
 * schedule does not drift; lateness is measured and counted.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/config.h"
#include "common/duration.h"
#include "common/log.h"
#include "common/util.h"
#include "common/xtime.h"
#include "probes/engine.h"
#include "probes/icmp.h"
#include "probes/probe.h"
#include "probes/resolve.h"

/* A name is looked up again after this long (DDNS names move). */
#define PROBES_RESOLVE_TTL_MS (5 * 60 * 1000)
/* A round starting this much after its slot counts as late. */
#define PROBES_LATE_MS           1000
#define PROBES_ENTRIES_MAX       16
#define PROBES_DEADLINE_SLACK_MS 250

static const struct probe_engine *const probe_engines[PROBE_NKINDS] = {
    [PROBE_ICMP] = &probe_engine_icmp,
    [PROBE_TCP] = &probe_engine_tcp,
    [PROBE_HTTP] = &probe_engine_http,
    [PROBE_HEARTBEAT] = &probe_engine_heartbeat,
    [PROBE_SNMP] = &probe_engine_snmp,
};

/* One scheduled probe; `p` is what the engines see. */
struct sprobe {
	struct probe p;
	struct probes *ps;
	char *sig;  /* what must match for a reload to keep it */
	char *host; /* a name to resolve, or NULL for a literal */
	bool have_addr;
	int64_t resolved_mono_ms;
	struct resolve_query *query;
	bool busy;
	bool kept;           /* matched during a reload */
	int64_t due_mono_ms; /* when the current/next round is due */
	ev_timer tick;
	ev_timer deadline;
};

struct probes {
	struct ev_loop *loop;
	probes_result_fn fn;
	void *arg;
	void *engine[PROBE_NKINDS];
	char engine_err[PROBE_NKINDS][160];
	struct resolver *resolver;
	char resolver_err[160];
	struct sprobe **sp;
	size_t nsp;
	struct probes_stats stats;
	struct ratelimit late_log;
	struct probes_snmp_hooks snmp_hooks;
	bool have_snmp_hooks;
	const struct config *cfg; /* the last configure's */
	int snmp_max_repetitions; /* [snmp], from the last configure */
	int snmp_retries;
};

double
probe_result_loss(const struct probe_result *r)
{
	if (r->sent <= 0)
		return 0;
	return 100.0 * (r->sent - r->received) / r->sent;
}

/* The engine for entry TEXT ("icmp", "tcp:443", "https://..."), or NULL. */
static const struct probe_engine *
probes_engine_for(const char *text)
{
	if (strcmp(text, "icmp") == 0 || str_has_prefix(text, "icmp:"))
		return &probe_engine_icmp;
	if (str_has_prefix(text, "tcp:") || strcmp(text, "tcp") == 0)
		return &probe_engine_tcp;
	if (str_has_prefix(text, "http://") || str_has_prefix(text, "https://"))
		return &probe_engine_http;
	if (str_has_prefix(text, "heartbeat"))
		return &probe_engine_heartbeat;
	if (strcmp(text, "snmp") == 0)
		return &probe_engine_snmp;
	return NULL;
}

static void
probe_spec_clear(struct probe_spec *spec)
{
	free(spec->url);
	free(spec->http_status);
	free(spec->http_contains);
	memset(spec, 0, sizeof *spec);
}

/*
 * Split DEV's probe list into at most MAX trimmed entries (malloc'd
 * copy in *BUF). Returns the count, or -1 if there are too many.
 */
static int
probes_split(
    const struct config_device *dev, char **buf, char **entries, int max)
{
	char *save = NULL, *tok;
	int n = 0;

	*buf = xstrdup(dev->probes != NULL ? dev->probes : "");
	for (tok = strtok_r(*buf, ",", &save); tok != NULL;
	     tok = strtok_r(NULL, ",", &save)) {
		str_trim(tok);
		if (*tok == '\0')
			continue;
		if (n == max)
			return -1;
		entries[n++] = tok;
	}
	return n;
}

/* Parse one entry of DEV; on error, the reason in ERR. */
static int
probes_parse_entry(const struct config_device *dev, const char *text,
    struct probe_spec *spec, char *err, size_t errlen)
{
	const struct probe_engine *e = probes_engine_for(text);
	char why[256];

	memset(spec, 0, sizeof *spec);
	if (e == NULL) {
		snprintf(err, errlen,
		    "unknown probe '%s' (use icmp, tcp:PORT, "
		    "http://..., https://..., snmp or heartbeat)",
		    text);
		return -1;
	}
	why[0] = '\0';
	if (e->parse(text, dev, spec, why, sizeof why) == -1) {
		snprintf(err, errlen, "bad probe '%s': %s", text, why);
		probe_spec_clear(spec);
		return -1;
	}
	spec->kind = e->kind;
	if (e->needs_address && dev->address == NULL) {
		snprintf(err, errlen, "probe '%s' needs an address", text);
		probe_spec_clear(spec);
		return -1;
	}
	return 0;
}

static void
err_append(char *err, size_t errlen, const char *line)
{
	size_t off = strlen(err);

	if (off + 1 >= errlen)
		return;
	snprintf(err + off, errlen - off, "%s%s", off > 0 ? "\n" : "", line);
}

int
probes_check_config(const struct config *cfg, char *err, size_t errlen)
{
	int rc = 0;

	for (size_t i = 0; i < cfg->ndevices; i++) {
		const struct config_device *dev = &cfg->devices[i];
		char *buf, *entries[PROBES_ENTRIES_MAX], why[320], line[512];
		struct probe_spec spec;
		int n = probes_split(dev, &buf, entries, PROBES_ENTRIES_MAX);

		if (n < 0) {
			snprintf(line, sizeof line,
			    "%s:%d: device '%s': more than %d probes",
			    dev->src_file, dev->src_line, dev->key,
			    PROBES_ENTRIES_MAX);
			err_append(err, errlen, line);
			rc = -1;
		}
		for (int k = 0; k < n; k++) {
			if (probes_parse_entry(
				dev, entries[k], &spec, why, sizeof why) == 0) {
				probe_spec_clear(&spec);
				continue;
			}
			snprintf(line, sizeof line, "%s:%d: device '%s': %s",
			    dev->src_file, dev->src_line, dev->key, why);
			err_append(err, errlen, line);
			rc = -1;
		}
		free(buf);
	}
	return rc;
}

struct probes *
probes_new(struct ev_loop *loop, probes_result_fn fn, void *arg, char *err,
    size_t errlen)
{
	struct probes *ps = xcalloc(1, sizeof *ps);

	ps->loop = loop;
	ps->fn = fn;
	ps->arg = arg;
	ratelimit_init(&ps->late_log, 60000, 3);
	for (int k = 0; k < PROBE_NKINDS; k++) {
		const struct probe_engine *e = probe_engines[k];

		if (e->open == NULL)
			continue;
		ps->engine[k] = e->open(loop, &ps->stats, ps->engine_err[k],
		    sizeof ps->engine_err[k]);
		/* A missing engine is a monitoring fault, not a fatal one. */
		if (ps->engine[k] == NULL)
			log_err("%s probes unavailable: %s", e->name,
			    ps->engine_err[k]);
	}
	if (ps->engine[PROBE_ICMP] != NULL)
		log_info("ICMP probes use %s sockets",
		    icmp_engine_mode(ps->engine[PROBE_ICMP]));
	return ps;
}

const char *
probes_icmp_mode(const struct probes *ps)
{
	if (ps->engine[PROBE_ICMP] == NULL)
		return "unavailable";
	return icmp_engine_mode(ps->engine[PROBE_ICMP]);
}

static void
sprobe_free(struct sprobe *sp)
{
	struct probes *ps = sp->ps;
	const struct probe_engine *e = probe_engines[sp->p.spec.kind];
	void *eng = ps->engine[sp->p.spec.kind];

	ev_timer_stop(ps->loop, &sp->tick);
	ev_timer_stop(ps->loop, &sp->deadline);
	if (sp->query != NULL)
		resolver_cancel(sp->query);
	if (sp->busy && e->cancel != NULL && eng != NULL)
		e->cancel(eng, &sp->p);
	/* An engine with no open() (heartbeat) still keeps per-probe state. */
	if (sp->p.priv != NULL && e->release != NULL &&
	    (eng != NULL || e->open == NULL))
		e->release(eng, &sp->p);
	if (sp->busy)
		ps->stats.in_flight--;
	probe_spec_clear(&sp->p.spec);
	free(sp->sig);
	free(sp->host);
	free(sp);
}

void
probes_free(struct probes *ps)
{
	if (ps == NULL)
		return;
	for (size_t i = 0; i < ps->nsp; i++)
		sprobe_free(ps->sp[i]);
	free(ps->sp);
	for (int k = 0; k < PROBE_NKINDS; k++)
		if (ps->engine[k] != NULL && probe_engines[k]->close != NULL)
			probe_engines[k]->close(ps->engine[k]);
	resolver_free(ps->resolver);
	free(ps);
}

/* End the round of SP with R (fills in the start time), hand it on. */
static void
sprobe_finish(struct sprobe *sp, struct probe_result *r)
{
	struct probes *ps = sp->ps;

	ev_timer_stop(ps->loop, &sp->deadline);
	sp->busy = false;
	ps->stats.in_flight--;
	ps->stats.rounds++;
	if (!r->ok)
		ps->stats.rounds_failed++;
	r->start_wall_ms = sp->p.start_wall_ms;
	ps->fn(ps->arg, sp->p.device, sp->p.index, sp->p.spec.kind, r);
}

static void
sprobe_fail(struct sprobe *sp, enum probe_cause cause, const char *detail)
{
	struct probe_result r;

	memset(&r, 0, sizeof r);
	r.ok = false;
	r.cause = cause;
	r.rtt_us = r.rtt_min_us = r.rtt_max_us = r.jitter_us = -1;
	r.cert_days = -1;
	r.sent = 1;
	str_copy(r.detail, detail, sizeof r.detail);
	sprobe_finish(sp, &r);
}

static void
sprobe_on_done(struct probe *p, struct probe_result *r)
{
	sprobe_finish((struct sprobe *)p, r);
}

static void
sprobe_run_engine(struct sprobe *sp)
{
	enum probe_kind kind = sp->p.spec.kind;
	void *eng = sp->ps->engine[kind];

	if (eng == NULL && probe_engines[kind]->open != NULL) {
		sprobe_fail(sp, CAUSE_MONITOR, sp->ps->engine_err[kind]);
		return;
	}
	probe_engines[kind]->start(eng, &sp->p);
}

static void
sprobe_resolved(void *arg, int status, const struct sockaddr *sa,
    socklen_t salen, int ttl_s, const char *errmsg)
{
	struct sprobe *sp = arg;
	char detail[160];

	sp->query = NULL;
	if (status != 0 || salen > sizeof sp->p.addr) {
		sp->have_addr = false;
		snprintf(detail, sizeof detail, "cannot resolve %s: %s",
		    sp->host, errmsg != NULL ? errmsg : "failed");
		sprobe_fail(sp, CAUSE_DNS, detail);
		return;
	}
	memcpy(&sp->p.addr, sa, salen);
	sp->p.addrlen = salen;
	sp->have_addr = true;
	sp->resolved_mono_ms = time_mono_ms();
	sprobe_run_engine(sp);
}

static void
sprobe_deadline_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct sprobe *sp = w->data;
	const struct probe_engine *e = probe_engines[sp->p.spec.kind];
	void *eng = sp->ps->engine[sp->p.spec.kind];
	char detail[64], dur[32];

	duration_format(time_mono_ms() - sp->p.start_mono_ms, dur, sizeof dur);
	if (sp->query != NULL) {
		resolver_cancel(sp->query);
		sp->query = NULL;
		snprintf(detail, sizeof detail, "cannot resolve %s within %s",
		    sp->host, dur);
		sprobe_fail(sp, CAUSE_DNS, detail);
		return;
	}
	if (e->cancel != NULL && eng != NULL)
		e->cancel(eng, &sp->p);
	snprintf(detail, sizeof detail, "no answer within %s", dur);
	sprobe_fail(sp, CAUSE_TIMEOUT, detail);
}

static int64_t
sprobe_round_ms(const struct sprobe *sp)
{
	const struct probe_engine *e = probe_engines[sp->p.spec.kind];

	/*
	 * A backstop only: the engines end their own rounds first. The
	 * slack covers the loop's timer coalescing and a busy moment.
	 */
	return (e->round_ms != NULL ? e->round_ms(&sp->p) : sp->p.timeout_ms) +
	       PROBES_DEADLINE_SLACK_MS;
}

static void
sprobe_tick_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct sprobe *sp = w->data;
	struct probes *ps = sp->ps;
	int64_t now = time_mono_ms(), late = now - sp->due_mono_ms;

	sp->due_mono_ms += sp->p.interval_ms;
	if (late > ps->stats.max_lateness_ms)
		ps->stats.max_lateness_ms = late;
	if (late > PROBES_LATE_MS) {
		ps->stats.late_starts++;
		if (ratelimit_allow(&ps->late_log, now, NULL))
			log_warn("probe round of %s started %lld ms late",
			    sp->p.dev->key, (long long)late);
	}
	if (sp->busy)
		return; /* a round never outlives its interval; be safe */
	sp->busy = true;
	ps->stats.in_flight++;
	sp->p.start_mono_ms = now;
	sp->p.start_wall_ms = time_wall_ms();
	ev_timer_set(&sp->deadline, sprobe_round_ms(sp) / 1000.0, 0.);
	ev_timer_start(loop, &sp->deadline);
	if (!probe_engines[sp->p.spec.kind]->needs_address ||
	    sp->host == NULL ||
	    (sp->have_addr &&
		now - sp->resolved_mono_ms < PROBES_RESOLVE_TTL_MS)) {
		sprobe_run_engine(sp);
		return;
	}
	if (ps->resolver == NULL) {
		sprobe_fail(sp, CAUSE_MONITOR, ps->resolver_err);
		return;
	}
	sp->query = resolver_query(
	    ps->resolver, sp->host, AF_UNSPEC, sprobe_resolved, sp);
}

/* A literal address goes straight into the probe; a name waits for DNS. */
static void
sprobe_set_address(struct sprobe *sp, const char *address)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)&sp->p.addr;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&sp->p.addr;

	if (address == NULL)
		return;
	if (inet_pton(AF_INET, address, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sp->p.addrlen = sizeof *sin;
	} else if (inet_pton(AF_INET6, address, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sp->p.addrlen = sizeof *sin6;
	} else
		sp->host = xstrdup(address);
}

static uint64_t
probes_hash(const char *s)
{
	return hash_fnv(s, strlen(s), HASH_FNV_INIT);
}

void
probes_set_snmp_hooks(struct probes *ps, const struct probes_snmp_hooks *hooks)
{
	ps->snmp_hooks = *hooks;
	ps->have_snmp_hooks = true;
}

const struct probes_snmp_hooks *
probes_snmp_hooks_of(const struct probe *p)
{
	if (p->owner == NULL || !p->owner->have_snmp_hooks)
		return NULL;
	return &p->owner->snmp_hooks;
}

const struct config *
probes_config_of(const struct probe *p)
{
	return p->owner != NULL ? p->owner->cfg : NULL;
}

void
probes_snmp_settings(const struct probe *p, int *max_repetitions, int *retries)
{
	*max_repetitions = 25;
	*retries = 1;
	if (p->owner != NULL && p->owner->snmp_max_repetitions > 0) {
		*max_repetitions = p->owner->snmp_max_repetitions;
		*retries = p->owner->snmp_retries;
	}
}

/*
 * An SNMP probe also depends on the device's credentials and what it
 * polls: a change must give it a new session. The text stays in memory
 * only (it holds secrets); it is never logged.
 */
static char *
probes_snmp_signature(const struct config_device *dev)
{
	return xasprintf("|%d|%d|%s|%s|%d|%s|%d|%s|%s|%s|%s", dev->snmp_version,
	    dev->snmp_port, dev->snmp_community ? dev->snmp_community : "",
	    dev->snmp_user ? dev->snmp_user : "", dev->snmp_auth,
	    dev->snmp_auth_pass ? dev->snmp_auth_pass : "", dev->snmp_priv,
	    dev->snmp_priv_pass ? dev->snmp_priv_pass : "",
	    dev->snmp_profile ? dev->snmp_profile : "",
	    dev->snmp_important ? dev->snmp_important : "",
	    dev->snmp_oids ? dev->snmp_oids : "");
}

/* Everything about a probe that a reload must see unchanged to keep it. */
static char *
probes_signature(const struct config_device *dev, const char *entry)
{
	if (strcmp(entry, "snmp") == 0) {
		char *snmp = probes_snmp_signature(dev);
		char *sig = xasprintf("%s|%s|%s|%lld|%lld%s", dev->key, entry,
		    dev->address != NULL ? dev->address : "",
		    (long long)dev->interval_ms, (long long)dev->timeout_ms,
		    snmp);

		free(snmp);
		return sig;
	}
	return xasprintf("%s|%s|%s|%lld|%lld|%d|%lld|%s|%s", dev->key, entry,
	    dev->address != NULL ? dev->address : "",
	    (long long)dev->interval_ms, (long long)dev->timeout_ms,
	    dev->icmp_count, (long long)dev->icmp_spacing_ms,
	    dev->http_status != NULL ? dev->http_status : "",
	    dev->http_contains != NULL ? dev->http_contains : "");
}

static struct sprobe *
sprobe_new(struct probes *ps, const struct config_device *dev, char *sig,
    struct probe_spec *spec)
{
	struct sprobe *sp = xcalloc(1, sizeof *sp);
	int64_t phase;

	sp->ps = ps;
	sp->sig = sig;
	sp->p.owner = ps;
	sp->p.spec = *spec;
	sp->p.interval_ms = dev->interval_ms;
	sp->p.timeout_ms = dev->timeout_ms;
	sp->p.on_done = sprobe_on_done;
	sprobe_set_address(sp, dev->address);
	ev_init(&sp->deadline, sprobe_deadline_cb);
	sp->deadline.data = sp;
	ev_init(&sp->tick, sprobe_tick_cb);
	sp->tick.data = sp;
	if (probe_engines[spec->kind]->start == NULL)
		return sp; /* passive: no rounds of ours */
	/* The phase inside the interval: stable across reloads and restarts. */
	phase = (int64_t)(probes_hash(sig) % (uint64_t)dev->interval_ms);
	sp->due_mono_ms = time_mono_ms() + phase;
	ev_timer_set(&sp->tick, phase / 1000.0, dev->interval_ms / 1000.0);
	ev_timer_start(ps->loop, &sp->tick);
	return sp;
}

static int
probes_sig_cmp(const void *a, const void *b)
{
	const struct sprobe *x = *(struct sprobe *const *)a;
	const struct sprobe *y = *(struct sprobe *const *)b;

	return strcmp(x->sig, y->sig);
}

/*
 * The first old probe not yet kept whose signature is SIG; OLD is sorted
 * by signature, so duplicates (the same entry twice) sit together.
 */
static struct sprobe *
probes_take(struct sprobe **old, size_t nold, const char *sig)
{
	size_t lo = 0, hi = nold;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(old[mid]->sig, sig) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < nold && strcmp(old[lo]->sig, sig) == 0; lo++)
		if (!old[lo]->kept) {
			old[lo]->kept = true;
			return old[lo];
		}
	return NULL;
}

int
probes_configure(
    struct probes *ps, const struct config *cfg, char *err, size_t errlen)
{
	struct sprobe **old = ps->sp, **sp = NULL;
	size_t nold = ps->nsp, n = 0, cap = 0, kept = 0;

	if (ps->resolver == NULL) {
		/*
		 * Short tries: a lookup shares the round's deadline, and a
		 * name that cannot be resolved in time is a dns failure.
		 */
		struct resolver_opts ro = {.timeout_ms = 1000, .tries = 2};

		ps->resolver =
		    resolver_new_opts(ps->loop, cfg->daemon.dns_servers, &ro,
			ps->resolver_err, sizeof ps->resolver_err);
		if (ps->resolver == NULL)
			log_err("name resolution unavailable: %s",
			    ps->resolver_err);
	}
	ps->cfg = cfg;
	ps->snmp_max_repetitions = cfg->snmp.max_repetitions;
	ps->snmp_retries = cfg->snmp.retries;
	if (nold > 0)
		qsort(old, nold, sizeof *old, probes_sig_cmp);
	for (size_t i = 0; i < nold; i++)
		old[i]->kept = false;
	for (size_t i = 0; i < cfg->ndevices; i++) {
		const struct config_device *dev = &cfg->devices[i];
		char *buf, *entries[PROBES_ENTRIES_MAX], why[320];
		int ne = probes_split(dev, &buf, entries, PROBES_ENTRIES_MAX);

		for (int k = 0; k < ne; k++) {
			struct probe_spec spec;
			struct sprobe *s;
			char *sig;

			if (probes_parse_entry(dev, entries[k], &spec, why,
				sizeof why) == -1) {
				/* probes_check_config() ran first; be safe. */
				snprintf(err, errlen, "device '%s': %s",
				    dev->key, why);
				continue;
			}
			sig = probes_signature(dev, entries[k]);
			if ((s = probes_take(old, nold, sig)) != NULL) {
				free(sig);
				probe_spec_clear(&spec);
				kept++;
			} else
				s = sprobe_new(ps, dev, sig, &spec);
			s->p.device = i;
			s->p.index = (size_t)k;
			s->p.dev = dev;
			if (n == cap) {
				cap = cap ? 2 * cap : 64;
				sp = xreallocarray(sp, cap, sizeof *sp);
			}
			sp[n++] = s;
		}
		free(buf);
	}
	for (size_t i = 0; i < nold; i++)
		if (!old[i]->kept)
			sprobe_free(old[i]);
	free(old);
	ps->sp = sp;
	ps->nsp = n;
	ps->stats.probes = n;
	log_info("probes: %zu configured (%zu kept, %zu new, %zu removed)", n,
	    kept, n - kept, nold - kept);
	return 0;
}

int
probes_heartbeat(struct probes *ps, const char *key, bool ok, const char *msg)
{
	int found = -1;

	for (size_t i = 0; i < ps->nsp; i++) {
		struct sprobe *sp = ps->sp[i];

		if (sp->p.spec.kind == PROBE_HEARTBEAT &&
		    strcmp(sp->p.dev->key, key) == 0) {
			heartbeat_seen(&sp->p, ok, msg);
			found = 0;
		}
	}
	return found;
}

void
probes_get_stats(const struct probes *ps, struct probes_stats *st)
{
	*st = ps->stats;
}
