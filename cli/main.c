/* main.c - xanetctl: global options and the command table. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/xanetctl.h"
#include "common/config.h"
#include "common/util.h"
#include "common/xtime.h"
#include "store/db.h"

#define CTL_DEFAULT_CONFIG XANET_SYSCONFDIR "/xanet.conf"

static const struct ctl_command ctl_commands[] = {
    {"status", "status [--json]", cmd_status},
    {"alerts", "alerts [-f] [--since T] [--device KEY] [--json]", cmd_alerts},
    {"uptime",
	"uptime (--quarter YYYYQN | --from YYYY-MM-DD --to YYYY-MM-DD)\n"
	"                  [--group G] [--device KEY] [--outages] "
	"[--csv|--json]",
	cmd_uptime},
    {"maintenance",
	"maintenance start KEY --for DURATION [--reason TEXT]\n"
	"  xanetctl maintenance stop KEY\n"
	"  xanetctl maintenance list [--json]",
	cmd_maintenance},
    {"lan", "lan analyze FILE [--json] [--gateway IP] [--uplink MAC] ...",
	cmd_lan},
    {"snmp",
	"snmp DEVICE [--json]\n"
	"  xanetctl snmp get DEVICE OID [OID...] [--json]\n"
	"  xanetctl snmp walk DEVICE OID [--json]",
	cmd_snmp},
    {"check-config", "check-config [FILE]", cmd_check_config},
    {"version", "version", cmd_version},
    {"hosts",
	"hosts [--unknown] [--json]\n"
	"  xanetctl hosts approve MAC [--name TEXT]\n"
	"  xanetctl hosts block MAC | hosts forget MAC",
	cmd_hosts},
    {"heartbeat", "heartbeat token DEVICE", cmd_heartbeat},
    {"verify", "verify PACK.zip [--pubkey FILE] | verify --db", cmd_verify},
    {"key", "key show [--pubkey-out FILE]", cmd_key},
    {"report",
	"report (--quarter YYYYQN | --from YYYY-MM-DD --to YYYY-MM-DD)\n"
	"                  [--group G] [--device KEY] [--lang vi|en] "
	"--out DIR [--pack]",
	cmd_report},
    {"push", "push status [--json] | push retry ID | push now", cmd_push},
    {"snapshot", "snapshot now [--kind daily|quarterly|manual] [--no-wait]",
	cmd_snapshot},
    {"user",
	"user add NAME --role admin|viewer [--password-stdin]\n"
	"  xanetctl user passwd NAME [--password-stdin]\n"
	"  xanetctl user del NAME | user list [--json]",
	cmd_user},
};

static void
usage(FILE *fp)
{
	fprintf(fp, "usage: xanetctl [-c FILE] [--db PATH] [--socket PATH] "
		    "[--json] COMMAND [ARGS]\ncommands:\n");
	for (size_t i = 0; i < sizeof ctl_commands / sizeof ctl_commands[0];
	     i++)
		fprintf(fp, "  xanetctl %s\n", ctl_commands[i].usage);
	fprintf(fp, "exit status: 0 ok, 1 error, 2 usage, 3 xanetd not "
		    "running, 4 database or socket missing or not readable\n");
}

struct config *
ctl_config(struct ctl *ctl)
{
	char err[8192];
	const char *path = ctl->config_path;

	if (ctl->cfg != NULL)
		return ctl->cfg;
	if (path == NULL && access(CTL_DEFAULT_CONFIG, F_OK) == 0)
		path = CTL_DEFAULT_CONFIG;
	err[0] = '\0';
	/*
	 * Only the daemon's file locations are needed here: an error in a
	 * device section (one that a reload refused, say) must not hide the
	 * running daemon. check-config reports such errors in full.
	 */
	ctl->cfg = path != NULL ? config_load_paths(path, err, sizeof err)
				: config_default(err, sizeof err);
	if (ctl->cfg == NULL)
		fprintf(stderr, "xanetctl: configuration has errors:\n%s%s",
		    err, err[0] && err[strlen(err) - 1] != '\n' ? "\n" : "");
	else if (err[0] != '\0')
		fprintf(stderr,
		    "xanetctl: warning: %s has errors (see "
		    "xanetctl check-config); using its [daemon] paths\n",
		    path);
	if (ctl->cfg == NULL)
		return NULL;
	if (path == NULL && geteuid() != 0 &&
	    access(XANET_STATEDIR, F_OK) == 0) {
		/*
		 * The embedded default keeps its files under the system state
		 * directory when xanetd runs as root (the usual case): look
		 * there rather than in this user's own state directory.
		 */
		free(ctl->cfg->daemon.database);
		free(ctl->cfg->daemon.control_socket);
		ctl->cfg->daemon.database = xstrdup(XANET_STATEDIR "/xanet.db");
		ctl->cfg->daemon.control_socket =
		    xstrdup(XANET_STATEDIR "/xanetd.sock");
	}
	time_zone_set(ctl->cfg->site.timezone);
	return ctl->cfg;
}

const char *
ctl_db_path(struct ctl *ctl)
{
	struct config *cfg;

	if (ctl->db_path != NULL)
		return ctl->db_path;
	return (cfg = ctl_config(ctl)) != NULL ? cfg->daemon.database : NULL;
}

const char *
ctl_socket_path(struct ctl *ctl)
{
	struct config *cfg;

	if (ctl->socket_path != NULL)
		return ctl->socket_path;
	return (cfg = ctl_config(ctl)) != NULL ? cfg->daemon.control_socket
					       : NULL;
}

sqlite3 *
ctl_open_db(struct ctl *ctl, int *exit_code)
{
	const char *path = ctl_db_path(ctl);
	char err[1024];
	sqlite3 *db;

	if (path == NULL) {
		*exit_code = CTL_ERROR;
		return NULL;
	}
	if ((db = db_open_reader(path, err, sizeof err)) == NULL) {
		fprintf(stderr, "xanetctl: %s\n", err);
		*exit_code = CTL_NO_DATABASE;
	}
	return db;
}

void
ctl_print_json(json_t *j)
{
	json_dumpf(j, stdout, JSON_INDENT(2));
	fputc('\n', stdout);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"db", required_argument, NULL, 'd'},
	    {"socket", required_argument, NULL, 's'},
	    {"json", no_argument, NULL, 'j'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct ctl ctl = {0};
	int ch, rc;

	time_zone_set(NULL);
	/* "+": options after the command word belong to the command. */
	while ((ch = getopt_long(argc, argv, "+c:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			ctl.config_path = optarg;
			break;
		case 'd':
			ctl.db_path = optarg;
			break;
		case 's':
			ctl.socket_path = optarg;
			break;
		case 'j':
			ctl.json = true;
			break;
		case 'h':
			usage(stdout);
			return CTL_OK;
		default:
			usage(stderr);
			return CTL_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 0) {
		usage(stderr);
		return CTL_USAGE;
	}
	/* Accept --json after the command too: "xanetctl status --json". */
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--json") == 0) {
			ctl.json = true;
			memmove(&argv[i], &argv[i + 1],
			    (size_t)(argc - i) * sizeof *argv);
			argc--;
			i--;
		}
	for (size_t i = 0; i < sizeof ctl_commands / sizeof ctl_commands[0];
	     i++) {
		if (strcmp(argv[0], ctl_commands[i].name) != 0)
			continue;
		rc = ctl_commands[i].fn(&ctl, argc, argv);
		config_free(ctl.cfg);
		return rc;
	}
	fprintf(stderr, "xanetctl: unknown command '%s'\n", argv[0]);
	usage(stderr);
	return CTL_USAGE;
}
