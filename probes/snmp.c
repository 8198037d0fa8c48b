/* snmp.c - the snmp probe: net-snmp sessions on the libev loop, one poll round per interval. */

/*
 * One net-snmp single session (snmp_sess_*) per polled device, each with
 * its own UDP socket watched by one ev_io, and one ev_timer that drives
 * net-snmp's retransmissions and timeouts (snmp_sess_timeout) at the
 * time snmp_sess_select_info2 asks for. Nothing here calls select() or
 * waits: requests go out with snmp_sess_async_send and answers come back
 * through the callback from snmp_sess_read2 when the socket is readable.
 *
 * Why a socket per session rather than one shared socket: net-snmp keeps
 * the request list, the USM engine ID/boots/time and the keys per
 * session and ties each session to its transport; sharing one socket
 * would mean a custom transport that demultiplexes datagrams by request
 * id and source into sessions, i.e. re-implementing what the kernel does
 * for free by port. A UDP socket costs one descriptor and a few KB of
 * kernel memory, so 1,000 agents cost 1,000 descriptors: the engine
 * raises RLIMIT_NOFILE to its hard limit when it opens. Reads stay O(1)
 * per datagram (the kernel finds the socket, libev the watcher).
 *
 * A round runs the profile's plan (probes/snmpdata.h): the scalars in GET PDUs of
 * at most 16 varbinds, and a walk of each column (GETBULK with [snmp]
 * max_repetitions, GETNEXT for v1), up to SNMP_INFLIGHT requests in
 * flight at once per agent. A walk stops when the answer leaves the
 * column, at endOfMibView, after SNMP_WALK_ROWS rows, or when the agent
 * returns an OID that does not increase (logged). The varbinds go to
 * snmp_devdata_update(), whose sink forwards to the daemon's hooks.
 *
 * Outcome of a round: any answer = ok (rtt = time to the first answer);
 * no answer = CAUSE_TIMEOUT; a usmStats report (wrong digest, unknown
 * user or engine ID, not in time window, decryption error, unsupported
 * security level) = CAUSE_MONITOR, which the state machine counts as
 * `unknown`, never as an outage, plus one monitoring-fault event per
 * episode through the hooks.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/library/large_fd_set.h>

#include "common/config.h"
#include "common/log.h"
#include "common/util.h"
#include "common/xtime.h"
#include "probes/engine.h"
#include "probes/snmp.h"
#include "probes/snmpdata.h"
#include "probes/snmpsess.h"

#define SNMP_INFLIGHT      4    /* requests in flight per agent */
#define SNMP_GET_MAX       16   /* varbinds per GET PDU */
#define SNMP_WALK_ROWS     2048 /* rows per column */
#define SNMP_ROUND_VARS    20000
#define SNMP_REQS_MAX      (SNMP_INFLIGHT + 2)
#define SNMP_FDSET_SIZE    65536
#define SNMP_NOFILE_WANTED 65536

/* What one outstanding request is for. */
enum req_kind {
	REQ_NONE,
	REQ_DISCOVER, /* v3 engine ID discovery */
	REQ_GET,      /* scalars [first, first + n) of the plan */
	REQ_WALK,     /* one page of column `col` */
};

struct snmp_req {
	int reqid;
	enum req_kind kind;
	size_t first, n; /* REQ_GET */
	uint32_t skip;   /* REQ_GET: bit i = scalar first+i left out (v1) */
	size_t col;      /* REQ_WALK */
};

struct walk {
	oid last[MAX_OID_LEN]; /* where the next page starts */
	size_t lastlen;
	size_t rows;
	bool busy, done;
};

/*
 * A round's plan and walk cursors: ~100 KB with net-snmp's 128-sub-id
 * OIDs, so allocated only while the round runs (a few of 1,000 sessions
 * at a time) rather than kept in every session.
 */
struct snmp_round {
	struct snmp_plan plan;
	struct walk walks[32];
};

struct snmp_engine {
	struct ev_loop *loop;
	struct probes_stats *stats;
	struct probes_stats own_stats; /* when the caller gave none */
	netsnmp_large_fd_set fds;      /* scratch for read2/select_info2 */
};

/* A device's session and the round in flight; p->priv. */
struct snmp_sess {
	struct snmp_engine *e;
	struct probe *p;
	void *sessp; /* net-snmp single session; NULL until opened */
	int fd;
	int version; /* CONFIG_SNMP_V* */
	ev_io io;
	ev_timer timer; /* net-snmp's retransmit/timeout schedule */
	ev_timer round_timer;
	bool discovered; /* v3: engine ID known, keys localized */
	struct snmp_devdata *dd;
	const struct snmp_profile *prof; /* NULL: not yet known (auto) */
	bool bootstrap;                  /* this phase reads sysObjectID */
	int max_rep;
	int retries;

	/* The round. */
	bool busy;
	struct snmp_round *rd; /* while a phase runs: plan and walks */
	size_t next_scalar;
	struct snmp_req reqs[SNMP_REQS_MAX];
	int inflight;
	netsnmp_variable_list *vars, *tail;
	size_t nvars;
	int64_t t0_us, first_us;
	int fault; /* SNMPERR_* from a report, 0 none */
	int timeouts;
	int answers;
	bool faulted;             /* a fault episode is open (event sent) */
	struct ratelimit warn_rl; /* this agent's misbehaviour lines */
	/* v3: our localized keys, as put in net-snmp's user table. */
	u_char kul_auth[128], kul_priv[128];
	size_t kul_auth_len, kul_priv_len;
	char fault_what[96];
};

static int64_t
mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* What a report means, in the words of the alert ("" if not a fault). */
const char *
snmp_fault_name(int snmperr, const char **counter)
{
	const char *c = "", *what = "";

	switch (snmperr) {
	case SNMPERR_AUTHENTICATION_FAILURE:
	case SNMPERR_USM_AUTHENTICATIONFAILURE:
		what = "authentication failure";
		c = "usmStatsWrongDigests";
		break;
	case SNMPERR_UNKNOWN_USER_NAME:
	case SNMPERR_USM_UNKNOWNSECURITYNAME:
		what = "unknown user name";
		c = "usmStatsUnknownUserNames";
		break;
	case SNMPERR_UNKNOWN_ENG_ID:
	case SNMPERR_USM_UNKNOWNENGINEID:
		what = "unknown engine ID";
		c = "usmStatsUnknownEngineIDs";
		break;
	case SNMPERR_NOT_IN_TIME_WINDOW:
	case SNMPERR_USM_NOTINTIMEWINDOW:
		what = "not in time window";
		c = "usmStatsNotInTimeWindows";
		break;
	case SNMPERR_DECRYPTION_ERR:
	case SNMPERR_USM_DECRYPTIONERROR:
		what = "decryption error";
		c = "usmStatsDecryptionErrors";
		break;
	case SNMPERR_UNSUPPORTED_SEC_LEVEL:
	case SNMPERR_USM_UNSUPPORTEDSECURITYLEVEL:
		what = "unsupported security level";
		c = "usmStatsUnsupportedSecLevels";
		break;
	default:
		break;
	}
	if (counter != NULL)
		*counter = c;
	return what;
}

/* The sink snmpdata.c writes to: the daemon's hooks, for this device. */

static void
sink_metric(void *arg, const char *name, const char *instance, double value)
{
	struct snmp_sess *s = arg;
	const struct probes_snmp_hooks *h = probes_snmp_hooks_of(s->p);

	if (h != NULL && h->metric != NULL)
		h->metric(h->arg, s->p->device, name, instance, value);
}

static void
sink_event(void *arg, const char *event, const char *details)
{
	struct snmp_sess *s = arg;
	const struct probes_snmp_hooks *h = probes_snmp_hooks_of(s->p);

	if (h != NULL && h->event != NULL)
		h->event(h->arg, s->p->device, event, details);
}

static void
sink_system(void *arg, const struct snmp_sysinfo *si)
{
	struct snmp_sess *s = arg;
	const struct probes_snmp_hooks *h = probes_snmp_hooks_of(s->p);

	if (h != NULL && h->system != NULL)
		h->system(h->arg, s->p->device, si);
}

static void
sink_iface(void *arg, const struct snmp_ifinfo *ii)
{
	struct snmp_sess *s = arg;
	const struct probes_snmp_hooks *h = probes_snmp_hooks_of(s->p);

	if (h != NULL && h->iface != NULL)
		h->iface(h->arg, s->p->device, ii);
}

static void
sess_warn(struct snmp_sess *s, const char *what)
{
	const struct probes_snmp_hooks *h = probes_snmp_hooks_of(s->p);
	uint64_t suppressed = 0;

	/* Per agent: one bad agent must not silence the others' lines. */
	if (!ratelimit_allow(&s->warn_rl, time_mono_ms(), &suppressed))
		return;
	if (h != NULL && h->warn != NULL)
		h->warn(h->arg, s->p->device, what);
	else
		log_warn("snmp %s: %s", s->p->dev->key, what);
}

static void
sink_text(void *arg, const char *label, const char *value)
{
	struct snmp_sess *s = arg;
	const struct probes_snmp_hooks *h = probes_snmp_hooks_of(s->p);

	if (h != NULL && h->text != NULL)
		h->text(h->arg, s->p->device, label, value);
}

static void
sink_warn(void *arg, const char *what)
{
	sess_warn(arg, what);
}

/* The engine. */

static int
snmpe_parse(const char *text, const struct config_device *dev,
    struct probe_spec *spec, char *err, size_t errlen)
{
	if (strcmp(text, "snmp") != 0) {
		snprintf(err, errlen, "not an snmp probe");
		return -1;
	}
	/* config.c checked the credentials; this is the last line. */
	if (dev->snmp_version != CONFIG_SNMP_V3 &&
	    dev->snmp_community == NULL) {
		snprintf(err, errlen, "snmp needs snmp_community");
		return -1;
	}
	if (dev->snmp_version == CONFIG_SNMP_V3 && dev->snmp_user == NULL) {
		snprintf(err, errlen, "snmp v3 needs snmp_user");
		return -1;
	}
	spec->port = (uint16_t)dev->snmp_port;
	return 0;
}

/* 1,000 sessions are 1,000 sockets: more than the usual soft limit. */
static void
nofile_raise(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return;
	if (rl.rlim_cur >= SNMP_NOFILE_WANTED || rl.rlim_cur == rl.rlim_max)
		return;
	rl.rlim_cur =
	    rl.rlim_max < SNMP_NOFILE_WANTED ? rl.rlim_max : SNMP_NOFILE_WANTED;
	if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
		log_warn(
		    "cannot raise the open-files limit: %s", strerror(errno));
}

static void *
snmpe_open(
    struct ev_loop *loop, struct probes_stats *stats, char *err, size_t errlen)
{
	struct snmp_engine *e = xcalloc(1, sizeof *e);

	snmp_quiet_init("xanetd");
	nofile_raise();
	e->loop = loop;
	e->stats = stats != NULL ? stats : &e->own_stats;
	netsnmp_large_fd_set_init(&e->fds, SNMP_FDSET_SIZE);
	return e;
}

static void
snmpe_close(void *engine)
{
	struct snmp_engine *e = engine;

	if (e == NULL)
		return;
	netsnmp_large_fd_set_cleanup(&e->fds);
	free(e);
}

static void sess_timer_arm(struct snmp_sess *s);
static void round_pump(struct snmp_sess *s);
static void round_end(struct snmp_sess *s);

static void
round_free(struct snmp_sess *s)
{
	free(s->rd);
	s->rd = NULL;
}

static void
vars_free(struct snmp_sess *s)
{
	if (s->vars != NULL)
		snmp_free_varbind(s->vars);
	s->vars = s->tail = NULL;
	s->nvars = 0;
}

/* Keep V (detached) in the round's list, within the round's bound. */
static void
vars_keep(struct snmp_sess *s, netsnmp_variable_list *v)
{
	v->next_variable = NULL;
	if (s->nvars >= SNMP_ROUND_VARS) {
		s->e->stats->snmp_dropped++;
		snmp_free_var(v);
		return;
	}
	/*
	 * When the answer carrying it arrived, in ms after the round began:
	 * counters read by different requests of a round get their own
	 * times, so a slow walk does not skew the rates (snmpdata.h). The
	 * field is free in our detached copies.
	 */
	v->index = (int)((mono_us() - s->t0_us) / 1000);
	if (s->tail != NULL)
		s->tail->next_variable = v;
	else
		s->vars = v;
	s->tail = v;
	s->nvars++;
	s->e->stats->snmp_varbinds++;
}

static struct snmp_req *
req_find(struct snmp_sess *s, int reqid)
{
	for (int i = 0; i < SNMP_REQS_MAX; i++)
		if (s->reqs[i].kind != REQ_NONE && s->reqs[i].reqid == reqid)
			return &s->reqs[i];
	return NULL;
}

static void
reqs_clear(struct snmp_sess *s)
{
	memset(s->reqs, 0, sizeof s->reqs);
	s->inflight = 0;
}

static int sess_callback(
    int op, netsnmp_session *sess, int reqid, netsnmp_pdu *pdu, void *magic);

/*
 * net-snmp keeps v3 users in one process-wide table keyed by engine ID
 * and user name, and encodes and checks every v3 message with the keys
 * it finds there, not the session's. Two devices that answer with the
 * same engine ID and user name but different passphrases (or a
 * passphrase changed by a reload) would share one entry and one set of
 * keys. So before each send and each read, this session's keys are put
 * there if the entry holds others: a lookup and a compare when they
 * already match, which is the usual case.
 */
static int
usm_keys_install(struct snmp_sess *s)
{
	netsnmp_session *ss;
	struct usmUser *u;

	if (s->version != CONFIG_SNMP_V3 || s->sessp == NULL)
		return 0;
	ss = snmp_sess_session(s->sessp);
	if (ss->securityEngineIDLen == 0 || ss->securityName == NULL)
		return 0;
	u = usm_get_user(
	    ss->securityEngineID, ss->securityEngineIDLen, ss->securityName);
	if (u != NULL && s->kul_auth_len == u->authKeyLen &&
	    s->kul_priv_len == u->privKeyLen &&
	    (u->authKeyLen == 0 ||
		memcmp(s->kul_auth, u->authKey, u->authKeyLen) == 0) &&
	    (u->privKeyLen == 0 ||
		memcmp(s->kul_priv, u->privKey, u->privKeyLen) == 0))
		return 0;
	if (u != NULL) {
		usm_remove_user(u);
		usm_free_user(u);
	}
	/* Once per session otherwise: net-snmp marks it done. */
	ss->flags &= ~SNMP_FLAGS_USER_CREATED;
	if (create_user_from_session(ss) != SNMPERR_SUCCESS)
		return -1;
	u = usm_get_user(
	    ss->securityEngineID, ss->securityEngineIDLen, ss->securityName);
	if (u == NULL || u->authKeyLen > sizeof s->kul_auth ||
	    u->privKeyLen > sizeof s->kul_priv)
		return -1;
	if (u->authKeyLen > 0)
		memcpy(s->kul_auth, u->authKey, u->authKeyLen);
	if (u->privKeyLen > 0)
		memcpy(s->kul_priv, u->privKey, u->privKeyLen);
	s->kul_auth_len = u->authKeyLen;
	s->kul_priv_len = u->privKeyLen;
	return 0;
}

/* Send PDU for R (copied into a free slot); -1 frees PDU. */
static int
req_send(struct snmp_sess *s, netsnmp_pdu *pdu, const struct snmp_req *r)
{
	struct snmp_req *slot = NULL;
	int reqid;

	for (int i = 0; i < SNMP_REQS_MAX && slot == NULL; i++)
		if (s->reqs[i].kind == REQ_NONE)
			slot = &s->reqs[i];
	if (slot == NULL) {
		snmp_free_pdu(pdu);
		return -1;
	}
	usm_keys_install(s);
	reqid = snmp_sess_async_send(s->sessp, pdu, sess_callback, s);
	if (reqid == 0) {
		int liberr = 0, syserr = 0;
		char *msg = NULL;
		char line[200];

		snmp_sess_error(s->sessp, &liberr, &syserr, &msg);
		snprintf(line, sizeof line, "cannot send a request: %s",
		    msg != NULL ? msg : "unknown error");
		free(msg);
		sess_warn(s, line);
		snmp_free_pdu(pdu);
		return -1;
	}
	*slot = *r;
	slot->reqid = reqid;
	s->inflight++;
	s->e->stats->snmp_requests++;
	return 0;
}

static netsnmp_pdu *
pdu_new(struct snmp_sess *s, int type)
{
	return snmp_pdu_create(type);
}

static void
walk_send(struct snmp_sess *s, size_t col)
{
	struct walk *w = &s->rd->walks[col];
	netsnmp_pdu *pdu;
	struct snmp_req r = {.kind = REQ_WALK, .col = col};

	if (s->version == CONFIG_SNMP_V1)
		pdu = pdu_new(s, SNMP_MSG_GETNEXT);
	else {
		pdu = pdu_new(s, SNMP_MSG_GETBULK);
		pdu->non_repeaters = 0;
		pdu->max_repetitions = s->max_rep;
	}
	snmp_add_null_var(pdu, w->last, w->lastlen);
	if (req_send(s, pdu, &r) == -1)
		w->done = true;
	else
		w->busy = true;
}

static void
get_send(struct snmp_sess *s, size_t first, size_t n)
{
	netsnmp_pdu *pdu = pdu_new(s, SNMP_MSG_GET);
	struct snmp_req r = {.kind = REQ_GET, .first = first, .n = n};

	for (size_t i = first; i < first + n; i++)
		snmp_add_null_var(pdu, s->rd->plan.scalars[i].name,
		    s->rd->plan.scalars[i].len);
	req_send(s, pdu, &r);
}

/* Send what the plan still needs, up to SNMP_INFLIGHT at once. */
static void
round_pump(struct snmp_sess *s)
{
	/* No plan before v3 discovery ends: nothing to send yet. */
	if (s->rd == NULL)
		goto out;
	while (s->inflight < SNMP_INFLIGHT &&
	       s->next_scalar < s->rd->plan.nscalars) {
		size_t n = s->rd->plan.nscalars - s->next_scalar;

		if (n > SNMP_GET_MAX)
			n = SNMP_GET_MAX;
		get_send(s, s->next_scalar, n);
		s->next_scalar += n;
	}
	for (size_t c = 0;
	     c < s->rd->plan.ncolumns && s->inflight < SNMP_INFLIGHT; c++) {
		struct walk *w = &s->rd->walks[c];

		if (!w->busy && !w->done)
			walk_send(s, c);
	}
out:
	sess_timer_arm(s);
	if (s->inflight == 0)
		round_end(s);
}

static void
phase_begin(struct snmp_sess *s)
{
	s->bootstrap = s->prof == NULL;
	if (s->rd == NULL)
		s->rd = xmalloc(sizeof *s->rd);
	snmp_plan_build(s->prof, s->p->dev, &s->rd->plan);
	if (s->rd->plan.ncolumns > sizeof s->rd->walks / sizeof s->rd->walks[0])
		s->rd->plan.ncolumns =
		    sizeof s->rd->walks / sizeof s->rd->walks[0];
	s->next_scalar = 0;
	/* Only the cursors in use: the whole array is 33 KB. */
	memset(s->rd->walks, 0, s->rd->plan.ncolumns * sizeof s->rd->walks[0]);
	for (size_t c = 0; c < s->rd->plan.ncolumns; c++) {
		memcpy(s->rd->walks[c].last, s->rd->plan.columns[c].name,
		    s->rd->plan.columns[c].len * sizeof(oid));
		s->rd->walks[c].lastlen = s->rd->plan.columns[c].len;
	}
	round_pump(s);
}

/*
 * The profile of an `auto` device, from the sysObjectID the bootstrap
 * phase read; generic when the agent did not say.
 */
static void
profile_pick(struct snmp_sess *s)
{
	static const oid sysobj[] = {1, 3, 6, 1, 2, 1, 1, 2, 0};
	const struct probes_snmp_hooks *h = probes_snmp_hooks_of(s->p);
	const struct config *cfg = h != NULL ? probes_config_of(s->p) : NULL;

	for (netsnmp_variable_list *v = s->vars; v != NULL;
	     v = v->next_variable) {
		if (v->type == ASN_OBJECT_ID &&
		    snmp_oid_compare(v->name, v->name_length, sysobj, 9) == 0) {
			s->prof = snmp_profile_auto(
			    cfg, v->val.objid, v->val_len / sizeof(oid));
			break;
		}
	}
	if (s->prof == NULL)
		s->prof = snmp_profile_find(cfg, "generic");
}

static void
result_init(struct probe_result *r)
{
	memset(r, 0, sizeof *r);
	r->rtt_us = r->rtt_min_us = r->rtt_max_us = r->jitter_us = -1;
	r->cert_days = -1;
	r->sent = 1;
}

static void
fault_event(struct snmp_sess *s, const char *details)
{
	const struct probes_snmp_hooks *h = probes_snmp_hooks_of(s->p);

	if (h != NULL && h->event != NULL)
		h->event(h->arg, s->p->device, "monitoring-fault", details);
}

static void
round_end(struct snmp_sess *s)
{
	struct probe_result r;
	struct snmp_sink sink = {.arg = s,
	    .metric = sink_metric,
	    .event = sink_event,
	    .system = sink_system,
	    .iface = sink_iface,
	    .warn = sink_warn,
	    .text = sink_text};

	if (!s->busy)
		return;
	/* An auto device: now that its profile is known, the real poll. */
	if (s->fault == 0 && s->answers > 0 && s->bootstrap) {
		profile_pick(s);
		vars_free(s);
		if (s->prof != NULL) {
			phase_begin(s);
			return;
		}
	}
	s->busy = false;
	ev_timer_stop(s->e->loop, &s->round_timer);
	result_init(&r);
	s->e->stats->snmp_polls++;
	if (s->fault != 0) {
		const char *counter,
		    *what = snmp_fault_name(s->fault, &counter);
		char details[160];

		s->e->stats->snmp_faults++;
		if (what[0] != '\0')
			snprintf(details, sizeof details, "SNMP: %s (%s)", what,
			    counter);
		else
			snprintf(
			    details, sizeof details, "SNMP: %s", s->fault_what);
		r.ok = false;
		r.cause = CAUSE_MONITOR;
		str_copy(r.detail, details, sizeof r.detail);
		if (!s->faulted) {
			s->faulted = true;
			fault_event(s, details);
		}
	} else if (s->answers == 0) {
		r.ok = false;
		r.cause = CAUSE_TIMEOUT;
		snprintf(r.detail, sizeof r.detail, "no SNMP answer from %s",
		    s->p->dev->address != NULL ? s->p->dev->address : "?");
	} else {
		r.ok = true;
		r.received = 1;
		r.rtt_us = r.rtt_min_us = r.rtt_max_us = s->first_us - s->t0_us;
		if (s->faulted) {
			s->faulted = false;
			log_info("snmp %s: answers again", s->p->dev->key);
		}
		if (s->timeouts > 0)
			snprintf(r.detail, sizeof r.detail,
			    "%d SNMP requests unanswered", s->timeouts);
		if (s->prof != NULL || s->bootstrap)
			snmp_devdata_update(s->dd, s->prof, s->p->dev, s->vars,
			    s->t0_us / 1000, &sink);
	}
	vars_free(s);
	reqs_clear(s);
	round_free(s);
	probe_done(s->p, &r);
}

/* A GET answer: keep every varbind (snmpdata.c skips exceptions). */
static void
got_get(struct snmp_sess *s, const struct snmp_req *r, netsnmp_pdu *pdu)
{
	netsnmp_variable_list *v = pdu->variables, *next;

	/*
	 * v1 fails the whole PDU for one missing OID (noSuchName, with its
	 * position among those sent): ask again without it.
	 */
	if (pdu->errstat == SNMP_ERR_NOSUCHNAME && pdu->errindex > 0) {
		struct snmp_req r2 = *r;
		long pos = 0;
		bool any = false;
		netsnmp_pdu *again;

		for (size_t i = 0; i < r->n; i++) {
			if (r->skip & (1u << i))
				continue;
			if (++pos == pdu->errindex)
				r2.skip |= 1u << i;
			else
				any = true;
		}
		if (!any || r2.skip == r->skip)
			return;
		again = pdu_new(s, SNMP_MSG_GET);
		for (size_t i = 0; i < r->n; i++)
			if (!(r2.skip & (1u << i)))
				snmp_add_null_var(again,
				    s->rd->plan.scalars[r->first + i].name,
				    s->rd->plan.scalars[r->first + i].len);
		req_send(s, again, &r2);
		return;
	}
	if (pdu->errstat != SNMP_ERR_NOERROR)
		return;
	pdu->variables = NULL;
	for (; v != NULL; v = next) {
		next = v->next_variable;
		vars_keep(s, v);
	}
}

static void
got_walk(struct snmp_sess *s, const struct snmp_req *r, netsnmp_pdu *pdu)
{
	struct walk *w = &s->rd->walks[r->col];
	const struct snmp_oid *col = &s->rd->plan.columns[r->col];
	netsnmp_variable_list *v = pdu->variables, *next;
	char buf[160], line[256];

	w->busy = false;
	if (pdu->errstat == SNMP_ERR_TOOBIG && s->max_rep > 1) {
		s->max_rep /= 2; /* and the page is asked again */
		return;
	}
	if (pdu->errstat != SNMP_ERR_NOERROR || v == NULL) {
		w->done = true; /* v1 noSuchName: the end of the MIB */
		return;
	}
	pdu->variables = NULL;
	for (; v != NULL; v = next) {
		next = v->next_variable;
		v->next_variable = NULL;
		if (w->done || v->type == SNMP_ENDOFMIBVIEW ||
		    v->name_length < col->len ||
		    snmp_oidtree_compare(
			col->name, col->len, v->name, v->name_length) != 0) {
			w->done = true;
			snmp_free_var(v);
			continue;
		}
		if (snmp_oid_compare(
			v->name, v->name_length, w->last, w->lastlen) <= 0) {
			snmp_oid_format(col->name, col->len, buf, sizeof buf);
			snprintf(line, sizeof line,
			    "walk of %s: the agent returned an OID that does "
			    "not increase; column skipped",
			    buf);
			sess_warn(s, line);
			w->done = true;
			snmp_free_var(v);
			continue;
		}
		if (++w->rows > SNMP_WALK_ROWS) {
			snmp_oid_format(col->name, col->len, buf, sizeof buf);
			snprintf(line, sizeof line,
			    "walk of %s: more than %d rows; the rest ignored",
			    buf, SNMP_WALK_ROWS);
			sess_warn(s, line);
			w->done = true;
			snmp_free_var(v);
			continue;
		}
		if (v->name_length > MAX_OID_LEN) {
			w->done = true;
			snmp_free_var(v);
			continue;
		}
		memcpy(w->last, v->name, v->name_length * sizeof(oid));
		w->lastlen = v->name_length;
		vars_keep(s, v);
	}
}

static void
got_discovery(struct snmp_sess *s, netsnmp_pdu *pdu)
{
	netsnmp_session *ss = snmp_sess_session(s->sessp);

	/* The report carries the agent's engine ID: localize the keys. */
	if (pdu != NULL && pdu->securityEngineIDLen > 0 &&
	    ss->securityEngineIDLen == 0) {
		ss->securityEngineID = netsnmp_memdup(
		    pdu->securityEngineID, pdu->securityEngineIDLen);
		ss->securityEngineIDLen = pdu->securityEngineIDLen;
	}
	if (ss->securityEngineIDLen == 0) {
		str_copy(s->fault_what, "no engine ID in the discovery answer",
		    sizeof s->fault_what);
		s->fault = SNMPERR_UNKNOWN_ENG_ID;
		return;
	}
	if (ss->contextEngineIDLen == 0) {
		ss->contextEngineID = netsnmp_memdup(
		    ss->securityEngineID, ss->securityEngineIDLen);
		ss->contextEngineIDLen = ss->securityEngineIDLen;
	}
	s->kul_auth_len = s->kul_priv_len = 0;
	if (usm_keys_install(s) == -1) {
		str_copy(s->fault_what, "cannot set up the v3 user",
		    sizeof s->fault_what);
		s->fault = SNMPERR_USM_GENERICERROR;
		return;
	}
	s->discovered = true;
}

static int
sess_callback(
    int op, netsnmp_session *sess, int reqid, netsnmp_pdu *pdu, void *magic)
{
	struct snmp_sess *s = magic;
	struct snmp_req *rp = req_find(s, reqid), r;

	/*
	 * An agent that cannot authenticate or decrypt a request cannot
	 * read its request id either: its usmStats report comes with id 0.
	 * It came to this session's socket, so it is about this session.
	 */
	if (rp == NULL && op == NETSNMP_CALLBACK_OP_RECEIVED_MESSAGE &&
	    pdu != NULL && pdu->command == SNMP_MSG_REPORT && s->busy &&
	    s->discovered) {
		int rep = snmpv3_get_report_type(pdu);

		if (snmp_fault_name(rep, NULL)[0] != '\0') {
			s->fault = rep;
			reqs_clear(s);
			round_end(s);
		}
		return 1;
	}
	if (rp == NULL)
		return 1; /* from a cancelled round */
	/*
	 * net-snmp reports a usmStats report twice: first as a security
	 * error, then the report itself as a received message. Note the
	 * first and decide on the second (or on the request's timeout).
	 */
	if (op == NETSNMP_CALLBACK_OP_SEC_ERROR) {
		if (rp->kind != REQ_DISCOVER && s->fault == 0 &&
		    sess->s_snmp_errno != 0)
			s->fault = sess->s_snmp_errno;
		return 1;
	}
	r = *rp;
	memset(rp, 0, sizeof *rp);
	s->inflight--;
	if (op == NETSNMP_CALLBACK_OP_RECEIVED_MESSAGE && pdu != NULL) {
		int rep = pdu->command == SNMP_MSG_REPORT
			      ? snmpv3_get_report_type(pdu)
			      : 0;

		if (r.kind == REQ_DISCOVER) {
			if (s->answers++ == 0)
				s->first_us = mono_us();
			got_discovery(s, pdu);
			if (s->discovered)
				phase_begin(s);
			else
				round_pump(s);
			return 1;
		}
		if (pdu->command == SNMP_MSG_REPORT) {
			/* net-snmp retried notInTimeWindow itself already. */
			s->fault = rep != 0 ? rep : SNMPERR_USM_GENERICERROR;
			if (snmp_fault_name(s->fault, NULL)[0] == '\0')
				snprintf(s->fault_what, sizeof s->fault_what,
				    "report %s", snmp_api_errstring(s->fault));
			/* Nothing more in this round will be different. */
			reqs_clear(s);
			round_end(s);
			return 1;
		}
		if (s->answers++ == 0)
			s->first_us = mono_us();
		if (r.kind == REQ_GET)
			got_get(s, &r, pdu);
		else if (r.kind == REQ_WALK)
			got_walk(s, &r, pdu);
	} else if (op == NETSNMP_CALLBACK_OP_TIMED_OUT) {
		s->timeouts++;
		s->e->stats->snmp_timeouts++;
		if (r.kind == REQ_WALK)
			s->rd->walks[r.col].done = true;
		if (r.kind == REQ_DISCOVER) {
			reqs_clear(s);
			round_end(s);
			return 1;
		}
		/* A silent agent: stop asking once nothing was answered. */
		if (s->answers == 0 && s->rd != NULL) {
			s->next_scalar = s->rd->plan.nscalars;
			for (size_t c = 0; c < s->rd->plan.ncolumns; c++)
				s->rd->walks[c].done = true;
		}
	} else {
		if (r.kind == REQ_WALK)
			s->rd->walks[r.col].done = true;
	}
	if (s->busy)
		round_pump(s);
	return 1;
}

static void
sess_read_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct snmp_sess *s = w->data;
	struct snmp_engine *e = s->e;

	usm_keys_install(s);
	NETSNMP_LARGE_FD_SET(s->fd, &e->fds);
	snmp_sess_read2(s->sessp, &e->fds);
	NETSNMP_LARGE_FD_CLR(s->fd, &e->fds);
	sess_timer_arm(s);
}

static void
sess_timer_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct snmp_sess *s = w->data;

	snmp_sess_timeout(s->sessp);
	sess_timer_arm(s);
}

/* Wake up when net-snmp next needs to retransmit or time out. */
static void
sess_timer_arm(struct snmp_sess *s)
{
	struct snmp_engine *e = s->e;
	struct timeval tv = {0, 0};
	int numfds = 0, block = 1;

	if (s->sessp == NULL)
		return;
	ev_timer_stop(e->loop, &s->timer);
	snmp_sess_select_info2(s->sessp, &numfds, &e->fds, &tv, &block);
	NETSNMP_LARGE_FD_CLR(s->fd, &e->fds);
	if (block)
		return; /* nothing outstanding */
	ev_timer_set(&s->timer, tv.tv_sec + tv.tv_usec / 1e6 + 0.001, 0.);
	ev_timer_start(e->loop, &s->timer);
}

static void
round_timer_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct snmp_sess *s = w->data;

	/* Out of time: end with what came, forget what did not. */
	reqs_clear(s);
	round_end(s);
}

static void
sess_close(struct snmp_sess *s)
{
	struct snmp_engine *e = s->e;

	if (s->sessp == NULL)
		return;
	ev_io_stop(e->loop, &s->io);
	ev_timer_stop(e->loop, &s->timer);
	reqs_clear(s); /* callbacks during close find nothing */
	snmp_sess_close(s->sessp);
	s->sessp = NULL;
	s->discovered = false;
	if (e->stats->snmp_sessions > 0)
		e->stats->snmp_sessions--;
}

/* Per-request timeout: the device's timeout covers all the retries. */
static int
sess_open(struct snmp_sess *s, char *err, size_t errlen)
{
	struct probe *p = s->p;
	netsnmp_session ss;
	netsnmp_transport *t;
	int retries, maxrep;
	char addr[INET6_ADDRSTRLEN + 16];

	probes_snmp_settings(p, &maxrep, &retries);
	s->max_rep = maxrep;
	s->retries = retries;
	snmp_sess_init(&ss);
	if (snmp_session_from_device(p->dev, &ss, err, errlen) == -1) {
		snmp_session_clear(&ss);
		return -1;
	}
	/* The resolved address, not the name: no lookup on the loop. */
	if (p->addrlen > 0) {
		char host[INET6_ADDRSTRLEN];
		const void *a =
		    p->addr.ss_family == AF_INET6
			? (const void *)&((struct sockaddr_in6 *)&p->addr)
			      ->sin6_addr
			: (const void *)&((struct sockaddr_in *)&p->addr)
			      ->sin_addr;

		inet_ntop(p->addr.ss_family, a, host, sizeof host);
		if (p->addr.ss_family == AF_INET6)
			snprintf(addr, sizeof addr, "udp6:[%s]:%d", host,
			    p->dev->snmp_port);
		else
			snprintf(addr, sizeof addr, "udp:%s:%d", host,
			    p->dev->snmp_port);
		free(ss.peername);
		ss.peername = xstrdup(addr);
	}
	ss.retries = retries;
	ss.timeout = (long)(p->timeout_ms * 1000 / (retries + 1));
	/* Discovery is ours, asynchronous: net-snmp's would block. */
	ss.flags |= SNMP_FLAGS_DONT_PROBE;
	s->sessp = snmp_sess_open(&ss);
	snmp_session_clear(&ss);
	if (s->sessp == NULL) {
		snprintf(err, errlen, "cannot open an SNMP session: %s",
		    snmp_api_errstring(snmp_errno));
		return -1;
	}
	t = snmp_sess_transport(s->sessp);
	s->fd = t != NULL ? t->sock : -1;
	if (s->fd < 0) {
		snmp_sess_close(s->sessp);
		s->sessp = NULL;
		snprintf(err, errlen, "SNMP session without a socket");
		return -1;
	}
	s->version = p->dev->snmp_version;
	s->discovered = s->version != CONFIG_SNMP_V3;
	ev_io_init(&s->io, sess_read_cb, s->fd, EV_READ);
	s->io.data = s;
	ev_io_start(s->e->loop, &s->io);
	s->e->stats->snmp_sessions++;
	return 0;
}

static void
discover_send(struct snmp_sess *s)
{
	netsnmp_pdu *pdu = snmp_pdu_create(SNMP_MSG_GET);
	struct snmp_req r = {.kind = REQ_DISCOVER};

	/* RFC 3414 4: an empty noAuthNoPriv request draws a report. */
	pdu->version = SNMP_VERSION_3;
	pdu->securityModel = SNMP_SEC_MODEL_USM;
	pdu->securityLevel = SNMP_SEC_LEVEL_NOAUTH;
	pdu->securityName = xstrdup("");
	pdu->securityNameLen = 0;
	pdu->flags &= ~UCD_MSG_FLAG_FORCE_PDU_COPY;
	if (req_send(s, pdu, &r) == -1) {
		str_copy(s->fault_what, "cannot send the engine ID discovery",
		    sizeof s->fault_what);
		s->fault = SNMPERR_UNKNOWN_ENG_ID;
	}
	sess_timer_arm(s);
}

static int64_t
snmpe_round_ms(const struct probe *p)
{
	int64_t ms = 3 * p->timeout_ms;

	if (ms > p->interval_ms - 1000)
		ms = p->interval_ms - 1000;
	return ms < p->timeout_ms ? p->timeout_ms : ms;
}

static void
snmpe_start(void *engine, struct probe *p)
{
	struct snmp_engine *e = engine;
	struct snmp_sess *s = p->priv;
	char err[200];

	if (s == NULL) {
		s = p->priv = xcalloc(1, sizeof *s);
		s->e = e;
		s->p = p;
		s->fd = -1;
		s->dd = snmp_devdata_new();
		ratelimit_init(&s->warn_rl, 60000, 5);
		ev_init(&s->timer, sess_timer_cb);
		s->timer.data = s;
		ev_init(&s->round_timer, round_timer_cb);
		s->round_timer.data = s;
		if (strcmp(p->dev->snmp_profile != NULL ? p->dev->snmp_profile
							: "auto",
			"auto") != 0)
			s->prof = snmp_profile_find(
			    probes_config_of(p), p->dev->snmp_profile);
	}
	s->p = p;
	s->busy = true;
	s->fault = 0;
	s->fault_what[0] = '\0';
	s->timeouts = s->answers = 0;
	s->t0_us = mono_us();
	vars_free(s);
	reqs_clear(s);
	ev_timer_set(&s->round_timer, (snmpe_round_ms(p) - 100) / 1000.0, 0.);
	ev_timer_start(e->loop, &s->round_timer);
	if (s->sessp == NULL && sess_open(s, err, sizeof err) == -1) {
		struct probe_result r;

		/* A setting this net-snmp cannot use: a monitoring fault. */
		s->busy = false;
		ev_timer_stop(e->loop, &s->round_timer);
		result_init(&r);
		r.cause = CAUSE_MONITOR;
		str_copy(r.detail, "SNMP: ", sizeof r.detail);
		str_copy(r.detail + 6, err, sizeof r.detail - 6);
		if (!s->faulted) {
			s->faulted = true;
			fault_event(s, r.detail);
		}
		probe_done(p, &r);
		return;
	}
	if (!s->discovered) {
		discover_send(s);
		if (s->inflight == 0)
			round_end(s);
		return;
	}
	phase_begin(s);
}

static void
snmpe_cancel(void *engine, struct probe *p)
{
	struct snmp_sess *s = p->priv;

	if (s == NULL)
		return;
	s->busy = false;
	ev_timer_stop(s->e->loop, &s->round_timer);
	reqs_clear(s);
	vars_free(s);
	round_free(s);
}

static void
snmpe_release(void *engine, struct probe *p)
{
	struct snmp_sess *s = p->priv;

	if (s == NULL)
		return;
	snmpe_cancel(engine, p);
	sess_close(s);
	snmp_devdata_free(s->dd);
	free(s);
	p->priv = NULL;
}

const struct probe_engine probe_engine_snmp = {
    .name = "snmp",
    .kind = PROBE_SNMP,
    .needs_address = true,
    .parse = snmpe_parse,
    .open = snmpe_open,
    .close = snmpe_close,
    .start = snmpe_start,
    .cancel = snmpe_cancel,
    .round_ms = snmpe_round_ms,
    .release = snmpe_release,
};
