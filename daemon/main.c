/* main.c - xanetd: options, start-up order, the loop, orderly shutdown. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <malloc.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/alertlog.h"
#include "common/config.h"
#include "common/log.h"
#include "common/util.h"
#include "common/xtime.h"
#include "common/alertlog.h"
#include "daemon/control.h"
#include "daemon/ctlcmd.h"
#include "daemon/evidence.h"
#include "daemon/health.h"
#include "daemon/lan.h"
#include "daemon/monitor.h"
#include "daemon/inbox.h"
#include "daemon/notify.h"
#include "daemon/priv.h"
#include "daemon/web.h"
#include "daemon/xanetd.h"
#include "evidence/sigkey.h"
#include "probes/probe.h"
#include "store/alert.h"
#include "store/db.h"
#include "store/device.h"
#include "store/run.h"
#include "store/writer.h"

#define XANETD_ALIVE_S        10.0  /* monitor_run.last_alive_ms period */
#define XANETD_COMMIT_S       1.0   /* the longest a write waits for commit */
#define XANETD_BATCH_MAX      2000  /* rows that force a commit at once */
#define XANETD_STUCK_MS       10000 /* an open batch this old: unhealthy */
#define XANETD_DEFAULT_CONFIG XANET_SYSCONFDIR "/xanet.conf"

/* Set by -c or the default path; the root context owns the rest. */
static struct xanetd xanetd;
static int log_level_override = -1;

static void
usage(FILE *fp)
{
	fprintf(fp,
	    "usage: xanetd [-ftV] [-c FILE] [--log-level LEVEL]\n"
	    "  -c FILE   configuration (default " XANETD_DEFAULT_CONFIG ";\n"
	    "            the embedded default when that is absent)\n"
	    "  -f        stay in the foreground, log to stderr\n"
	    "  -t        check the configuration, print it, exit\n"
	    "  -V        print the version\n"
	    "  --log-level debug|info|notice|warning|err\n");
}

/* Print one configuration error per line to stderr. */
static void
report_config_errors(const char *what, const char *err)
{
	fprintf(stderr, "xanetd: %s\n%s%s", what, err,
	    err[0] != '\0' && err[strlen(err) - 1] != '\n' ? "\n" : "");
}

/* The configuration file (or the default) with every probe checked. */
static struct config *
load_config(const char *path, char *err, size_t errlen)
{
	struct config *cfg;

	err[0] = '\0';
	cfg = path != NULL ? config_load(path, err, errlen)
			   : config_default(err, errlen);
	if (cfg != NULL && probes_check_config(cfg, err, errlen) == -1) {
		config_free(cfg);
		return NULL;
	}
	return cfg;
}

void
xanetd_stop(struct xanetd *x, const char *reason)
{
	if (x->stop_reason == NULL)
		x->stop_reason = reason;
	ev_break(x->loop, EVBREAK_ALL);
}

static void
xanetd_commit(struct xanetd *x)
{
	ev_timer_stop(x->loop, &x->commit_timer);
	writer_commit(x->writer);
}

static void
commit_prepare_cb(struct ev_loop *loop, ev_prepare *w, int revents)
{
	struct xanetd *x = w->data;
	size_t pending = writer_pending(x->writer);

	if (pending >= XANETD_BATCH_MAX)
		xanetd_commit(x);
	else if (pending > 0 && !ev_is_active(&x->commit_timer)) {
		ev_timer_set(&x->commit_timer, XANETD_COMMIT_S, 0.);
		ev_timer_start(loop, &x->commit_timer);
	}
}

static void
commit_timer_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	xanetd_commit(w->data);
}

static void
alive_timer_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct xanetd *x = w->data;

	run_alive(x->writer, x->run_id, time_wall_ms());
}

static bool
xanetd_healthy(void *arg)
{
	struct xanetd *x = arg;
	int64_t began = writer_batch_started(x->writer);

	return began < 0 || time_mono_ms() - began < XANETD_STUCK_MS;
}

/* Settings that only a restart can change: keep the running ones. */
static void
reload_keep_restart_only(struct config *old, struct config *cfg)
{
	static const struct {
		const char *name;
		size_t off;
	} fields[] = {
	    {"state_dir", offsetof(struct config, daemon.state_dir)},
	    {"database", offsetof(struct config, daemon.database)},
	    {"control_socket", offsetof(struct config, daemon.control_socket)},
	    {"user", offsetof(struct config, daemon.user)},
	};

	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
		char **o = (char **)((char *)old + fields[i].off);
		char **n = (char **)((char *)cfg + fields[i].off);
		char *tmp;

		if ((*o == NULL && *n == NULL) ||
		    (*o != NULL && *n != NULL && strcmp(*o, *n) == 0))
			continue;
		log_warn("reload: [daemon] %s changed; it takes effect at the "
			 "next restart",
		    fields[i].name);
		tmp = *o;
		*o = *n;
		*n = tmp;
	}
}

int
xanetd_reload(struct xanetd *x, char *err, size_t errlen)
{
	struct config *cfg, *old = x->cfg;
	char hash[65];

	notify_reloading(x->notify);
	if ((cfg = load_config(x->config_path, err, errlen)) == NULL) {
		char *copy = xstrdup(err), *line, *save = NULL;
		bool first = true;

		for (line = strtok_r(copy, "\n", &save); line != NULL;
		     line = strtok_r(NULL, "\n", &save)) {
			if (first)
				log_err("reload failed, keeping the current "
					"configuration: %s",
				    line);
			else
				log_err("reload failed: %s", line);
			first = false;
		}
		free(copy);
		notify_ready(x->notify, "reload failed; running the previous "
					"configuration");
		return -1;
	}
	reload_keep_restart_only(old, cfg);
	if (log_level_override < 0)
		log_set_level(cfg->daemon.log_level);
	time_zone_set(cfg->site.timezone);
	if (strcmp(old->daemon.alert_log, cfg->daemon.alert_log) != 0)
		alertlog_set_path(x->alertlog, cfg->daemon.alert_log);
	x->cfg = cfg;
	if (device_sync(x->writer, cfg, time_wall_ms()) == -1)
		log_err("reload: could not record the devices");
	/* The probes point into the old config until they follow the new. */
	if (monitor_reconfigure(x->monitor) == -1)
		log_err("reload: could not record the new devices' state");
	lan_reconfigure(x->lan);
	evidence_reconfigure(x->evidence);
	web_reload(x->web);
	config_free(old);
	xanetd_commit(x);
	config_hash_hex(cfg, hash);
	log_notice("configuration reloaded: %zu devices, config %.12s",
	    cfg->ndevices, hash);
	notify_ready(x->notify, "watching");
	return 0;
}

static void
signal_cb(struct ev_loop *loop, ev_signal *w, int revents)
{
	struct xanetd *x = w->data;
	char err[4096];

	switch (w->signum) {
	case SIGTERM:
	case SIGINT:
		log_notice("received %s, stopping", strsignal(w->signum));
		xanetd_stop(x, "signal");
		break;
	case SIGHUP:
		xanetd_reload(x, err, sizeof err);
		if (alertlog_reopen(x->alertlog) == 0)
			log_info("alert log reopened");
		break;
	case SIGUSR1:
		if (alertlog_reopen(x->alertlog) == 0)
			log_info("alert log reopened");
		break;
	}
}

static void
signal_start(struct xanetd *x, ev_signal *w, int signum)
{
	ev_signal_init(w, signal_cb, signum);
	w->data = x;
	ev_signal_start(x->loop, w);
}

/*
 * Without -f: fork, and let the parent exit only when the child is ready
 * (status 0) or has failed (status 1), so that a start script sees errors.
 */
static int
daemonize(void)
{
	int fds[2];
	pid_t pid;
	char c;

	if (pipe(fds) == -1)
		fatal("pipe: %s", strerror(errno));
	if ((pid = fork()) == -1)
		fatal("fork: %s", strerror(errno));
	if (pid > 0) {
		close(fds[1]);
		_exit(read(fds[0], &c, 1) == 1 ? 0 : 1);
	}
	close(fds[0]);
	setsid();
	if (chdir("/") == -1)
		fatal("chdir /: %s", strerror(errno));
	log_to_syslog();
	return fds[1];
}

static void
daemonize_done(int fd)
{
	int null;

	if (fd == -1)
		return;
	(void)!write(fd, "", 1);
	close(fd);
	if ((null = open("/dev/null", O_RDWR)) != -1) {
		dup2(null, STDIN_FILENO);
		dup2(null, STDOUT_FILENO);
		dup2(null, STDERR_FILENO);
		if (null > STDERR_FILENO)
			close(null);
	}
}

/*
 * The evidence signing key, made at the first start. Without it no pack
 * can be signed, but the monitoring must go on: an error, not fatal.
 */
static void
xanetd_open_key(struct xanetd *x, const struct priv_user *pup)
{
	char *path =
	    sigkey_path(x->cfg->evidence.key_file, x->cfg->daemon.state_dir);
	char err[1024], fpr[SIGKEY_FPR_LEN], *pub;

	x->sigkey = sigkey_load_or_create(path, err, sizeof err);
	if (x->sigkey == NULL) {
		log_err("no evidence signing key: %s", err);
		free(path);
		return;
	}
	if (pup != NULL) {
		pub = xasprintf("%s.pub", path);
		if (priv_own_file(path, pup) == -1)
			log_err("cannot chown %s to %s: %s", path, pup->name,
			    strerror(errno));
		priv_own_file(pub, pup);
		free(pub);
	}
	sigkey_fingerprint(sigkey_public(x->sigkey), fpr, sizeof fpr);
	log_info("evidence signing key %s: %s", path, fpr);
	free(path);
}

/*
 * The privileged part of start-up: everything that needs root is opened
 * here, handed to the daemon user, and then every privilege is dropped.
 */
static void
xanetd_open_privileged(struct xanetd *x)
{
	struct config *cfg = x->cfg;
	struct priv_user pu, *pup = NULL;
	char err[1024];
	sqlite3 *db;

	if (geteuid() == 0 && cfg->daemon.user != NULL &&
	    strcmp(cfg->daemon.user, "root") != 0) {
		if (priv_lookup(cfg->daemon.user, &pu, err, sizeof err) == -1)
			fatal("%s", err);
		pup = &pu;
	}
	if (priv_own_dir(cfg->daemon.state_dir, pup, err, sizeof err) == -1)
		fatal("%s", err);
	db = db_open_writer(
	    cfg->daemon.database, cfg->daemon.db_sync_full, err, sizeof err);
	if (db == NULL)
		fatal("%s", err);
	x->writer = writer_new(db);
	x->control = control_open(x->loop, cfg->daemon.control_socket,
	    ctlcmd_dispatch, x, err, sizeof err);
	if (x->control == NULL)
		fatal("%s", err);
	x->alertlog = alertlog_open(cfg->daemon.alert_log, err, sizeof err);
	if (x->alertlog == NULL)
		fatal("%s", err);
	if ((x->monitor = monitor_new(x, err, sizeof err)) == NULL)
		fatal("%s", err);
	x->inbox = inbox_new(x->loop, XANETD_INBOX_CAP, ctlcmd_dispatch, x);
	/* Capture needs CAP_NET_RAW; a LAN it cannot open is only logged. */
	x->lan = lan_new(x);
	xanetd_open_key(x, pup);
	/* The dashboard's port may be below 1024: bind it while root. */
	x->web = web_open(x);
	if (pup != NULL) {
		const char *files[] = {cfg->daemon.database,
		    cfg->daemon.control_socket, cfg->daemon.alert_log};
		char *side;

		for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
			if (priv_own_file(files[i], pup) == -1)
				fatal("cannot chown %s to %s: %s", files[i],
				    pup->name, strerror(errno));
		for (size_t i = 0; i < 2; i++) {
			side = xasprintf("%s-%s", cfg->daemon.database,
			    i == 0 ? "wal" : "shm");
			priv_own_file(side, pup);
			free(side);
		}
	}
	if (priv_drop(pup, err, sizeof err) == -1)
		fatal("%s", err);
	if (pup != NULL)
		log_info("dropped privileges: running as %s (uid %d), CapEff=0",
		    pup->name, (int)pup->uid);
	else
		log_info("running as uid %d with no capabilities (CapEff=0)",
		    (int)geteuid());
}

/* A monitor event: the alert log line and its alert row. */
static void xanetd_event(struct xanetd *x, const char *event, const char *fmt,
    ...) __attribute__((format(printf, 3, 4)));

static void
xanetd_event(struct xanetd *x, const char *event, const char *fmt, ...)
{
	char details[512];
	int64_t now = time_wall_ms();
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(details, sizeof details, fmt, ap);
	va_end(ap);
	alertlog_write(
	    x->alertlog, now, LOG_NOTICE, event, NULL, "xanetd", "%s", details);
	alert_add(x->writer, now, "notice", event, -1, details);
}

static void
xanetd_start(struct xanetd *x)
{
	struct config *cfg = x->cfg;
	char hash[65];
	int64_t now = time_wall_ms();

	struct run_info prev;
	int64_t gap_start = -1;

	config_hash_hex(cfg, hash);
	x->started_wall_ms = now;
	x->started_mono_ms = time_mono_ms();
	/* Where the last run left off: that gap is unknown time. */
	if (run_last(writer_db(x->writer), &prev) == 0)
		gap_start =
		    prev.stop_ms >= 0 ? prev.stop_ms : prev.last_alive_ms;
	x->run_id = run_start(x->writer, now, PACKAGE_VERSION, hash);
	if (x->run_id < 0)
		fatal("cannot record the monitor run in %s",
		    cfg->daemon.database);
	if (device_sync(x->writer, cfg, now) == -1 ||
	    monitor_start(x->monitor, gap_start) == -1 ||
	    writer_commit(x->writer) == -1)
		fatal("cannot record the devices in %s", cfg->daemon.database);
	xanetd_event(x, "monitor-started",
	    "version=%s devices=%zu config=%.12s", PACKAGE_VERSION,
	    cfg->ndevices, hash);
	if (lan_start(x->lan) == -1)
		log_err("LAN sampler: could not start everything (see above)");
	x->evidence = evidence_new(x);
	/* Before the web threads, which read it for /metrics. */
	x->health = health_new(x);
	web_start(x->web);

	signal(SIGPIPE, SIG_IGN);
	signal_start(x, &x->sig_term, SIGTERM);
	signal_start(x, &x->sig_int, SIGINT);
	signal_start(x, &x->sig_hup, SIGHUP);
	signal_start(x, &x->sig_usr1, SIGUSR1);
	ev_prepare_init(&x->commit_prepare, commit_prepare_cb);
	x->commit_prepare.data = x;
	ev_prepare_start(x->loop, &x->commit_prepare);
	ev_init(&x->commit_timer, commit_timer_cb);
	x->commit_timer.data = x;
	ev_timer_init(
	    &x->alive_timer, alive_timer_cb, XANETD_ALIVE_S, XANETD_ALIVE_S);
	x->alive_timer.data = x;
	ev_timer_start(x->loop, &x->alive_timer);
	x->notify = notify_new(x->loop, xanetd_healthy, x);
}

static void
xanetd_finish(struct xanetd *x)
{
	const char *reason = x->stop_reason ? x->stop_reason : "stop";

	notify_stopping(x->notify);
	/* First: its threads may be in a request; the budget is 2 s. */
	web_free(x->web);
	health_free(x->health);
	xanetd_event(x, "monitor-stopped", "reason=%s", reason);
	monitor_stop(x->monitor);
	lan_stop(x->lan);
	/* Before run_stop: a pack being built is recorded in this run. */
	evidence_free(x->evidence);
	run_stop(x->writer, x->run_id, time_wall_ms(), reason);
	inbox_free(x->inbox);
	monitor_free(x->monitor);
	lan_free(x->lan);
	sigkey_free(x->sigkey);
	control_free(x->control);
	writer_free(x->writer);
	alertlog_free(x->alertlog);
	notify_free(x->notify);
	config_free(x->cfg);
	free(x->config_path);
	log_notice("stopped (%s)", reason);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"log-level", required_argument, NULL, 'L'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct xanetd *x = &xanetd;
	bool foreground = false, check = false;
	const char *path = NULL;
	char err[8192], status[128];
	int ch, ready_fd = -1;

	log_init("xanetd", LOG_INFO);
	while ((ch = getopt_long(argc, argv, "c:ftVh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			path = optarg;
			break;
		case 'f':
			foreground = true;
			break;
		case 't':
			check = true;
			break;
		case 'V':
			printf("xanetd %s\n", PACKAGE_VERSION);
			return 0;
		case 'L':
			if ((log_level_override = log_level_parse(optarg)) <
			    0) {
				fprintf(stderr,
				    "xanetd: unknown log level "
				    "'%s'\n",
				    optarg);
				return 2;
			}
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	if (path == NULL && access(XANETD_DEFAULT_CONFIG, F_OK) == 0)
		path = XANETD_DEFAULT_CONFIG;
	if ((x->cfg = load_config(path, err, sizeof err)) == NULL) {
		report_config_errors(
		    check ? "configuration has errors:"
			  : "not starting: configuration has errors:",
		    err);
		return 1;
	}
	x->config_path = path != NULL ? xstrdup(path) : NULL;
	if (check) {
		config_print_summary(x->cfg, stdout);
		printf("configuration OK\n");
		config_free(x->cfg);
		free(x->config_path);
		return 0;
	}
	log_set_level(log_level_override >= 0 ? log_level_override
					      : x->cfg->daemon.log_level);
	if (time_zone_set(x->cfg->site.timezone) == -1)
		log_warn("time zone %s not found in tzdata: using UTC+07:00",
		    x->cfg->site.timezone);
	if (!foreground)
		ready_fd = daemonize();

	x->loop = ev_default_loop(EVFLAG_AUTO);
	/*
	 * Thousands of probe timers and replies a second: let the loop
	 * gather them instead of waking once per event. RTTs come from
	 * kernel receive timestamps, so a few ms of collection cost no
	 * accuracy; a round's start moves by at most 10 ms.
	 */
	ev_set_io_collect_interval(x->loop, 0.002);
	ev_set_timeout_collect_interval(x->loop, 0.010);
	xanetd_open_privileged(x);
	xanetd_start(x);
	snprintf(
	    status, sizeof status, "watching %zu devices", x->cfg->ndevices);
	log_notice("xanetd %s started: %s, config %s, database %s",
	    PACKAGE_VERSION, status, path ? path : "(embedded default)",
	    x->cfg->daemon.database);
	notify_ready(x->notify, status);
	daemonize_done(ready_fd);
	/* Start-up parsed and synced everything once; give that back. */
	malloc_trim(0);

	ev_run(x->loop, 0);

	xanetd_finish(x);
	return 0;
}
