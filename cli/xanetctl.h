/* xanetctl.h - what every xanetctl command group shares: options, exits. */
#ifndef XANET_XANETCTL_H
#define XANET_XANETCTL_H

#include <jansson.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Exit codes; the README documents them. */
enum ctl_exit {
	CTL_OK = 0,
	CTL_ERROR = 1,
	CTL_USAGE = 2,
	CTL_NOT_RUNNING = 3,
	CTL_NO_DATABASE = 4,
};

struct ctl {
	const char *config_path; /* -c, or NULL */
	const char *db_path;     /* --db, or from the configuration */
	const char *socket_path; /* --socket, or from the configuration */
	bool json;
	struct config *cfg; /* loaded on demand by ctl_config() */
};

struct ctl_command {
	const char *name;
	const char *usage;
	/* ARGV[0] is the command name. Returns an enum ctl_exit. */
	int (*fn)(struct ctl *ctl, int argc, char **argv);
};

/* The configuration in force (-c, the default file, or embedded); NULL on error (printed). */
struct config *ctl_config(struct ctl *ctl);
/* The database path and control socket path to use; NULL on error. */
const char *ctl_db_path(struct ctl *ctl);
const char *ctl_socket_path(struct ctl *ctl);
/* Open the database read-only; on failure prints why and sets *EXIT. */
sqlite3 *ctl_open_db(struct ctl *ctl, int *exit_code);

/*
 * Send REQUEST to the daemon, parse its one-line JSON answer into *OUT.
 * Returns 0; -1 if the daemon is not running (nothing listening, with
 * ERR saying so); -3 if permission to the socket is denied; -2 for any
 * other failure (timeout, malformed answer).
 */
int client_request(const char *path, const char *request, json_t **out,
    char *err, size_t errlen);

/*
 * Send REQUEST to the running xanetd. On success returns CTL_OK with
 * the {"ok":true,...} answer in *OUT (may be NULL: dropped); otherwise
 * prints why (WHY says what needs the daemon, e.g. "maintenance is
 * started by the running daemon") and returns the exit code.
 */
int ctl_daemon_request(
    struct ctl *ctl, const char *request, const char *why, json_t **out);

/* Print a json value to stdout, indented, with a newline. */
void ctl_print_json(json_t *j);

struct interval;

/*
 * Shared by status and uptime (cmd_uptime.c). The time up to which the
 * database proves the monitor was watching: NOW_MS when xanetd runs
 * (RUNNING 1; -1: not known, ask the control socket), else the newest
 * run's stop or, after a crash, its last sign of life.
 */
int64_t ctl_watched_until(
    struct ctl *ctl, sqlite3 *db, int running, int64_t now_ms);
/*
 * interval_load(), with the open interval ended at UNTIL_MS so that time
 * nobody watched is never counted as up or down; *OPEN (may be NULL)
 * says whether one was open. Prints why on failure. 0 or -1.
 */
int ctl_intervals_load(sqlite3 *db, int64_t device_id, int64_t from_ms,
    int64_t to_ms, int64_t until_ms, struct interval **iv, size_t *n,
    bool *open);
/*
 * The period of --quarter QUARTER, or --from FROM --to TO (local days),
 * into *FROM_MS and *TO_MS, its end clipped to NOW_MS; LABEL names it
 * ("2026Q3", or FROM SEP TO). Prints why and returns CTL_USAGE for a
 * malformed period or one not begun yet; else CTL_OK.
 */
int ctl_period(const char *quarter, const char *from, const char *to,
    int64_t now_ms, const char *sep, int64_t *from_ms, int64_t *to_ms,
    char *label, size_t labellen);
/* PCT truncated to DECIMALS (2 or 4) places, "-" when negative. */
void ctl_format_pct(double pct, int decimals, char *buf, size_t len);
/* MS rounded to its two leading units: "3d4h", "12m30s", "45s". */
void ctl_format_duration(int64_t ms, char *buf, size_t len);

int cmd_status(struct ctl *ctl, int argc, char **argv);
int cmd_alerts(struct ctl *ctl, int argc, char **argv);
int cmd_uptime(struct ctl *ctl, int argc, char **argv);
int cmd_maintenance(struct ctl *ctl, int argc, char **argv);
int cmd_check_config(struct ctl *ctl, int argc, char **argv);
int cmd_lan(struct ctl *ctl, int argc, char **argv);
int cmd_version(struct ctl *ctl, int argc, char **argv);
int cmd_snmp(struct ctl *ctl, int argc, char **argv);
int cmd_hosts(struct ctl *ctl, int argc, char **argv);
int cmd_heartbeat(struct ctl *ctl, int argc, char **argv);
int cmd_verify(struct ctl *ctl, int argc, char **argv);
int cmd_key(struct ctl *ctl, int argc, char **argv);
int cmd_push(struct ctl *ctl, int argc, char **argv);
int cmd_snapshot(struct ctl *ctl, int argc, char **argv);
int cmd_report(struct ctl *ctl, int argc, char **argv);
int cmd_user(struct ctl *ctl, int argc, char **argv);

#endif
