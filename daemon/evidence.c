/* evidence.c - the snapshot scheduler: packs built off the loop, recorded with their outbox, pushed. */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/alertlog.h"
#include "common/config.h"
#include "common/log.h"
#include "common/util.h"
#include "common/xtime.h"
#include "daemon/evidence.h"
#include "daemon/xanetd.h"
#include "evidence/pack.h"
#include "evidence/push.h"
#include "evidence/report.h"
#include "evidence/schedule.h"
#include "evidence/sigkey.h"
#include "store/alert.h"
#include "store/db.h"
#include "store/snapshot.h"
#include "store/writer.h"

/* How often the schedule is looked at; a due snapshot waits at most this. */
#define EVIDENCE_CHECK_S 20.0
/* Snapshots waiting for the worker; more requests are refused. */
#define EVIDENCE_QUEUE_MAX 8
/* A scheduled snapshot that failed to build is tried again after this. */
#define EVIDENCE_FAIL_RETRY_MS 600000
/* Pack files pruned per look, so that a prune never holds the loop. */
#define EVIDENCE_PRUNE_BATCH 100
#define DAY_MS               86400000LL

struct evidence_job {
	char kind[16];
	char uid[SNAPSHOT_UID_LEN];
	int64_t from_ms, to_ms, created_ms;
	bool scheduled; /* by the schedule, not asked for */
	char *path;     /* the pack file */
	/* Filled by the worker. */
	int ok;
	int64_t size;
	char sha256[65], manifest_sha256[65];
	char err[512];
};

struct evidence {
	struct xanetd *x;
	struct push *push;
	ev_timer check_timer;
	ev_async done_async;
	/* The queue: jobs[0] is being built while busy. */
	struct evidence_job jobs[EVIDENCE_QUEUE_MAX];
	size_t njobs;
	bool busy;
	bool stopping;   /* evidence_free: nothing new is started */
	int worker_done; /* set by the worker (atomic) before its async */
	pthread_t thread;
	char fpr[SIGKEY_FPR_LEN];
	int64_t fail_until_ms; /* scheduled snapshots wait after a failure */
};

static void
evidence_event(
    void *arg, const char *severity, const char *event, const char *details)
{
	struct evidence *ev = arg;
	int64_t now = time_wall_ms();
	int prio = strcmp(severity, "error") == 0     ? LOG_ERR
		   : strcmp(severity, "warning") == 0 ? LOG_WARNING
						      : LOG_NOTICE;

	alertlog_write(
	    ev->x->alertlog, now, prio, event, NULL, "xanetd", "%s", details);
	alert_add(ev->x->writer, now, severity, event, -1, details);
}

/* A random UUID (version 4): the snapshot's Idempotency-Key. */
static void
evidence_uid(char *out)
{
	unsigned char b[16];
	char hex[33];

	randombytes_buf(b, sizeof b);
	b[6] = (b[6] & 0x0f) | 0x40;
	b[8] = (b[8] & 0x3f) | 0x80;
	hex_encode(b, sizeof b, hex);
	snprintf(out, SNAPSHOT_UID_LEN, "%.8s-%.4s-%.4s-%.4s-%.12s", hex,
	    hex + 8, hex + 12, hex + 16, hex + 20);
}

static bool
evidence_queued(const struct evidence *ev, const char *kind, int64_t from)
{
	for (size_t i = 0; i < ev->njobs; i++)
		if (ev->jobs[i].scheduled &&
		    strcmp(ev->jobs[i].kind, kind) == 0 &&
		    ev->jobs[i].from_ms == from)
			return true;
	return false;
}

static void evidence_next(struct evidence *ev);

static int
evidence_queue(struct evidence *ev, const char *kind, int64_t from, int64_t to,
    bool scheduled, char *uid)
{
	struct evidence_job *j;

	if (ev->njobs >= EVIDENCE_QUEUE_MAX)
		return -1;
	j = &ev->jobs[ev->njobs++];
	memset(j, 0, sizeof *j);
	str_copy(j->kind, kind, sizeof j->kind);
	evidence_uid(j->uid);
	j->from_ms = from;
	j->to_ms = to > from ? to : from + 1000;
	j->scheduled = scheduled;
	if (uid != NULL)
		str_copy(uid, j->uid, SNAPSHOT_UID_LEN);
	log_info("evidence: %s snapshot %s queued", kind, j->uid);
	evidence_next(ev);
	return 0;
}

/* Whether the monitor ran before T_MS: a missed time was really missed. */
static bool
evidence_ran_before(struct evidence *ev, int64_t t_ms)
{
	sqlite3_stmt *st;
	bool ran = false;

	st = writer_prepare(ev->x->writer,
	    "SELECT 1 FROM monitor_run WHERE start_ms < ?1 LIMIT 1");
	if (st == NULL)
		return false;
	sqlite3_bind_int64(st, 1, t_ms);
	ran = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_reset(st);
	return ran;
}

/*
 * A scheduled snapshot of KIND for [FROM, TO) due at DUE: queued if the
 * time has come and it was not made yet. PREVIOUS: a past period, made
 * only if the monitor was running before its time (a restart after a
 * missed time), never for a database that did not exist then.
 */
static void
evidence_consider(struct evidence *ev, const char *kind, int64_t from,
    int64_t to, int64_t due, int64_t now, bool previous)
{
	int rc;

	if (now < due || evidence_queued(ev, kind, from))
		return;
	rc = snapshot_exists(writer_db(ev->x->writer), kind, from);
	if (rc != 0)
		return;
	if (previous && !evidence_ran_before(ev, due))
		return;
	if (evidence_queue(ev, kind, from, to < now ? to : now, true, NULL) ==
	    -1)
		log_warn("evidence: the snapshot queue is full; the %s "
			 "snapshot waits",
		    kind);
}

static void
evidence_schedule(struct evidence *ev)
{
	const struct config *cfg = ev->x->cfg;
	struct schedule_slot slots[SCHEDULE_SLOTS_MAX];
	int64_t now = time_wall_ms();
	size_t n;

	if (now < ev->fail_until_ms)
		return;
	n = schedule_slots(now, cfg->evidence.daily_minute,
	    cfg->evidence.quarterly_day, cfg->evidence.quarterly_minute, slots);
	for (size_t i = 0; i < n; i++)
		evidence_consider(ev, slots[i].kind, slots[i].from_ms,
		    slots[i].to_ms, slots[i].due_ms, now, slots[i].previous);
}

/* Build one pack: runs in the worker thread, reads only. */
static void *
evidence_worker(void *arg)
{
	struct evidence *ev = arg;
	struct evidence_job *j = &ev->jobs[0];
	const struct config *cfg = ev->x->cfg;
	struct report_opts opts = {0};
	struct report_file *files = NULL;
	struct report *r = NULL;
	size_t nfiles = 0;
	sqlite3 *db;

	if (ev->x->sigkey == NULL) {
		snprintf(j->err, sizeof j->err,
		    "no signing key (see the log at start-up)");
		goto done;
	}
	if (mkdir(cfg->evidence.pack_dir, 0750) == -1 && errno != EEXIST) {
		snprintf(j->err, sizeof j->err, "cannot create %s: %s",
		    cfg->evidence.pack_dir, strerror(errno));
		goto done;
	}
	db = db_open_reader(cfg->daemon.database, j->err, sizeof j->err);
	if (db == NULL)
		goto done;
	opts.from_ms = j->from_ms;
	opts.to_ms = j->to_ms;
	opts.lang = cfg->site.lang;
	opts.now_ms = j->created_ms;
	opts.watched_until_ms = j->created_ms;
	opts.key_fingerprint = ev->fpr;
	if (report_build(db, cfg, &opts, &r, j->err, sizeof j->err) == -1) {
		db_close(db);
		goto done;
	}
	db_close(db);
	if (report_render_all(r, &files, &nfiles, j->err, sizeof j->err) == -1)
		goto done;
	if (pack_write(j->path, r, files, nfiles, ev->x->sigkey, &j->size,
		j->sha256, j->manifest_sha256, j->err, sizeof j->err) == -1)
		goto done;
	j->ok = 1;
done:
	report_files_free(files, nfiles);
	report_free(r);
	__atomic_store_n(&ev->worker_done, 1, __ATOMIC_RELEASE);
	ev_async_send(ev->x->loop, &ev->done_async);
	return NULL;
}

/* Start building the head of the queue, if idle. */
static void
evidence_next(struct evidence *ev)
{
	struct evidence_job *j = &ev->jobs[0];
	char stamp[32];
	time_t t;
	struct tm tm;
	int rc;

	if (ev->busy || ev->stopping || ev->njobs == 0)
		return;
	j->created_ms = time_wall_ms();
	if (j->to_ms > j->created_ms && j->created_ms > j->from_ms)
		j->to_ms = j->created_ms;
	t = (time_t)(j->created_ms / 1000);
	localtime_r(&t, &tm);
	strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
	free(j->path);
	j->path = xasprintf("%s/xanet-%s-%s-%.8s.zip",
	    ev->x->cfg->evidence.pack_dir, j->kind, stamp, j->uid);
	ev->busy = true;
	ev->worker_done = 0;
	rc = pthread_create(&ev->thread, NULL, evidence_worker, ev);
	if (rc != 0) {
		log_err("evidence: cannot start the pack builder: %s",
		    strerror(rc));
		ev->busy = false;
		free(j->path);
		j->path = NULL;
		memmove(&ev->jobs[0], &ev->jobs[1],
		    (ev->njobs - 1) * sizeof ev->jobs[0]);
		ev->njobs--;
	}
}

static void
evidence_prune_one(int64_t id, const char *path, void *arg)
{
	int64_t *ids = arg;

	(void)path;
	if (ids[0] < EVIDENCE_PRUNE_BATCH)
		ids[1 + ids[0]++] = id;
}

/*
 * Pack files older than keep_days whose every delivery is sent: removed
 * (their rows stay, with an empty path). Undelivered evidence stays.
 */
static void
evidence_prune(struct evidence *ev)
{
	const struct config *cfg = ev->x->cfg;
	int64_t ids[1 + EVIDENCE_PRUNE_BATCH] = {0};
	int64_t before =
	    time_wall_ms() - (int64_t)cfg->evidence.keep_days * DAY_MS;
	sqlite3 *db = writer_db(ev->x->writer);
	sqlite3_stmt *st;

	if (snapshot_prunable(
		db, before, EVIDENCE_PRUNE_BATCH, evidence_prune_one, ids) <= 0)
		return;
	for (int64_t i = 0; i < ids[0]; i++) {
		if (sqlite3_prepare_v2(db,
			"SELECT path FROM snapshot WHERE id = ?1", -1, &st,
			NULL) != SQLITE_OK)
			return;
		sqlite3_bind_int64(st, 1, ids[1 + i]);
		if (sqlite3_step(st) == SQLITE_ROW) {
			const char *p =
			    (const char *)sqlite3_column_text(st, 0);

			if (p != NULL && unlink(p) == -1 && errno != ENOENT)
				log_warn("evidence: cannot remove %s: %s", p,
				    strerror(errno));
			else
				log_info("evidence: pruned %s (older than %d "
					 "days, delivered)",
				    p, cfg->evidence.keep_days);
		}
		sqlite3_finalize(st);
		snapshot_pruned(ev->x->writer, ids[1 + i]);
	}
}

/*
 * The worker is done (or about to be: this waits for it): record the
 * snapshot and its outbox in one commit, start the next.
 */
/*
 * A snapshot that could not be made or recorded is evidence missing: an
 * alert the officer sees in alerts.log, not only a line in the log.
 */
static void
evidence_failed(
    struct evidence *ev, const struct evidence_job *j, const char *why)
{
	char details[768];

	snprintf(details, sizeof details, "kind=%s snapshot=%s reason=\"%s\"",
	    j->kind, j->uid, why);
	evidence_event(ev, "error", "snapshot-failed", details);
}

static void
evidence_finish(struct evidence *ev)
{
	struct evidence_job *j = &ev->jobs[0];
	struct snapshot_new s;
	size_t ntargets = 0;
	int64_t id;

	pthread_join(ev->thread, NULL);
	ev->busy = false;
	ev->worker_done = 0;
	if (j->ok) {
		s.uid = j->uid;
		s.kind = j->kind;
		s.from_ms = j->from_ms;
		s.to_ms = j->to_ms;
		s.created_ms = j->created_ms;
		s.path = j->path;
		s.size = j->size;
		s.sha256 = j->sha256;
		s.manifest_sha256 = j->manifest_sha256;
		/* The batch so far goes first: the snapshot commits alone. */
		writer_commit(ev->x->writer);
		id = snapshot_add(ev->x->writer, ev->x->cfg, &s, &ntargets);
		if (id < 0 || writer_commit(ev->x->writer) == -1) {
			log_err("evidence: could not record snapshot %s; the "
				"pack %s stays on disk",
			    j->uid, j->path);
			evidence_failed(
			    ev, j, "the database refused the record");
			if (j->scheduled)
				ev->fail_until_ms =
				    time_wall_ms() + EVIDENCE_FAIL_RETRY_MS;
		} else {
			log_notice("evidence: %s snapshot %s made: %s (%" PRId64
				   " bytes, sha256 %.16s...), %zu deliveries",
			    j->kind, j->uid, j->path, j->size, j->sha256,
			    ntargets);
			if (ev->push != NULL)
				push_kick(ev->push);
		}
	} else {
		log_err("evidence: the %s snapshot %s failed: %s", j->kind,
		    j->uid, j->err);
		evidence_failed(ev, j, j->err);
		unlink(j->path);
		if (j->scheduled)
			ev->fail_until_ms =
			    time_wall_ms() + EVIDENCE_FAIL_RETRY_MS;
	}
	free(j->path);
	memmove(
	    &ev->jobs[0], &ev->jobs[1], (ev->njobs - 1) * sizeof ev->jobs[0]);
	ev->njobs--;
	evidence_prune(ev);
	evidence_next(ev);
}

static void
done_async_cb(struct ev_loop *loop, ev_async *w, int revents)
{
	struct evidence *ev = w->data;

	/* An async sent for a job that evidence_finish already took. */
	if (ev->busy && __atomic_load_n(&ev->worker_done, __ATOMIC_ACQUIRE))
		evidence_finish(ev);
}

static void
check_timer_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	evidence_schedule(w->data);
}

struct evidence *
evidence_new(struct xanetd *x)
{
	struct evidence *ev;

	if (sodium_init() < 0) {
		log_err("evidence: libsodium cannot start");
		return NULL;
	}
	ev = xcalloc(1, sizeof *ev);
	ev->x = x;
	if (x->sigkey != NULL)
		sigkey_fingerprint(
		    sigkey_public(x->sigkey), ev->fpr, sizeof ev->fpr);
	ev->push = push_new(x->loop, x->writer, x->cfg, evidence_event, ev);
	if (ev->push == NULL)
		log_err("evidence: packs are made but not pushed (see above)");
	else if (x->sigkey != NULL)
		push_set_fingerprint(ev->push, ev->fpr);
	ev_async_init(&ev->done_async, done_async_cb);
	ev->done_async.data = ev;
	ev_async_start(x->loop, &ev->done_async);
	/* The first look at once: a snapshot missed while stopped. */
	ev_timer_init(&ev->check_timer, check_timer_cb, 0., EVIDENCE_CHECK_S);
	ev->check_timer.data = ev;
	ev_timer_start(x->loop, &ev->check_timer);
	return ev;
}

void
evidence_reconfigure(struct evidence *ev)
{
	if (ev == NULL)
		return;
	/* The builder reads the old configuration: let it finish. */
	if (ev->busy)
		evidence_finish(ev);
	if (ev->push != NULL)
		push_reconfigure(ev->push, ev->x->cfg);
	ev->fail_until_ms = 0;
	evidence_schedule(ev);
}

int
evidence_snapshot_now(
    struct evidence *ev, const char *kind, char *uid, char *err, size_t errlen)
{
	int64_t now = time_wall_ms(), from, to;

	if (strcmp(kind, "quarterly") == 0)
		schedule_quarter(now, 0, &from, &to);
	else if (strcmp(kind, "daily") == 0 || strcmp(kind, "manual") == 0)
		from = schedule_midnight(now, 0);
	else {
		snprintf(err, errlen,
		    "unknown snapshot kind '%.32s': daily, quarterly or manual",
		    kind);
		return -1;
	}
	if (evidence_queue(ev, kind, from, now, false, uid) == -1) {
		snprintf(err, errlen,
		    "%d snapshots are already waiting; try again later",
		    EVIDENCE_QUEUE_MAX);
		return -1;
	}
	return 0;
}

int
evidence_push_retry(struct evidence *ev, int64_t id, char *err, size_t errlen)
{
	int rc = outbox_retry(ev->x->writer, id, time_wall_ms());

	if (rc < 0) {
		snprintf(err, errlen, "cannot update the outbox");
		return -1;
	}
	if (rc == 0) {
		snprintf(err, errlen,
		    "no pending or quarantined outbox item %" PRId64, id);
		return -1;
	}
	writer_commit(ev->x->writer);
	if (ev->push != NULL)
		push_kick(ev->push);
	return 0;
}

int
evidence_push_now(struct evidence *ev)
{
	int n = outbox_retry_all(ev->x->writer, time_wall_ms());

	if (n >= 0)
		writer_commit(ev->x->writer);
	if (ev->push != NULL)
		push_kick(ev->push);
	return n;
}

static int
evidence_status_item(const struct outbox_item *it, void *arg)
{
	json_t *a = arg;
	char next[40] = "", last[40] = "";

	if (strcmp(it->state, "pending") == 0)
		time_format_iso(it->next_ms, next, sizeof next);
	if (it->last_ms >= 0)
		time_format_iso(it->last_ms, last, sizeof last);
	json_array_append_new(a,
	    json_pack("{s:I, s:s, s:s, s:I, s:I, s:s, s:s, s:i, s:s?, s:s?, "
		      "s:i, s:s}",
		"id", (json_int_t)it->id, "snapshot", it->uid, "kind", it->kind,
		"from_ms", (json_int_t)it->from_ms, "to_ms",
		(json_int_t)it->to_ms, "target", it->target, "state", it->state,
		"attempts", it->attempts, "next_try", next[0] ? next : NULL,
		"last_try", last[0] ? last : NULL, "last_status",
		it->last_status, "last_error", it->last_error));
	return 0;
}

json_t *
evidence_push_status(struct evidence *ev, int limit)
{
	json_t *a = json_array();

	if (outbox_each(
		writer_db(ev->x->writer), limit, evidence_status_item, a) < 0) {
		json_decref(a);
		return NULL;
	}
	return json_pack("{s:o, s:I, s:i}", "items", a, "pending",
	    (json_int_t)outbox_pending_count(writer_db(ev->x->writer)),
	    "inflight", ev->push != NULL ? (int)push_inflight(ev->push) : 0);
}

void
evidence_free(struct evidence *ev)
{
	if (ev == NULL)
		return;
	/* A pack being built is waited for and recorded; no new one. */
	ev->stopping = true;
	if (ev->busy)
		evidence_finish(ev);
	for (size_t i = 0; i < ev->njobs; i++)
		free(ev->jobs[i].path);
	ev_timer_stop(ev->x->loop, &ev->check_timer);
	ev_async_stop(ev->x->loop, &ev->done_async);
	push_free(ev->push);
	free(ev);
}
