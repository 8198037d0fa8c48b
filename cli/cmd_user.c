/* cmd_user.c - xanetctl user: add, passwd, del, list the dashboard's users. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cli/table.h"
#include "cli/xanetctl.h"
#include "common/xtime.h"
#include "store/user.h"
#include "web/auth.h"

#define USER_USAGE                                                           \
	"usage: xanetctl user add NAME --role admin|viewer "                 \
	"[--password-stdin]\n"                                               \
	"       xanetctl user passwd NAME [--password-stdin]\n"              \
	"       xanetctl user del NAME\n"                                    \
	"       xanetctl user list [--json]\n"                               \
	"The password is asked twice on the terminal (not shown), or read\n" \
	"as one line from standard input with --password-stdin; it is "      \
	"never\ntaken from the command line.\n"

/* One line from FP into BUF (SIZE), without its newline. 0 or -1. */
static int
user_read_line(FILE *fp, char *buf, size_t size)
{
	size_t len;

	if (fgets(buf, (int)size, fp) == NULL)
		return -1;
	len = strlen(buf);
	if (len > 0 && buf[len - 1] == '\n')
		buf[--len] = '\0';
	else if (len == size - 1 && !feof(fp)) {
		/* Longer than any password we accept. */
		explicit_bzero(buf, size);
		return -2;
	}
	if (len > 0 && buf[len - 1] == '\r')
		buf[--len] = '\0';
	return 0;
}

/* PROMPT on the terminal, read a line with echo off. 0 or -1. */
static int
user_prompt(FILE *tty, const char *prompt, char *buf, size_t size)
{
	struct termios old, quiet;
	int fd = fileno(tty), rc;

	fputs(prompt, tty);
	fflush(tty);
	if (tcgetattr(fd, &old) == -1)
		return -1;
	quiet = old;
	quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
	quiet.c_lflag |= ICANON;
	if (tcsetattr(fd, TCSAFLUSH, &quiet) == -1)
		return -1;
	rc = user_read_line(tty, buf, size);
	tcsetattr(fd, TCSAFLUSH, &old);
	fputc('\n', tty);
	return rc;
}

/*
 * The new password into BUF: from stdin (one line) or asked twice on
 * the terminal; checked against the policy. 0, or an exit code.
 */
static int
user_password(bool from_stdin, char *buf, size_t size)
{
	char again[AUTH_PASSWORD_MAX + 2], err[128];
	FILE *tty;
	int rc;

	if (from_stdin) {
		rc = user_read_line(stdin, buf, size);
		if (rc == -2) {
			fprintf(stderr,
			    "xanetctl: password longer than %d "
			    "bytes\n",
			    AUTH_PASSWORD_MAX);
			return CTL_USAGE;
		}
		if (rc == -1) {
			fprintf(stderr,
			    "xanetctl: no password on standard input\n");
			return CTL_USAGE;
		}
	} else {
		if ((tty = fopen("/dev/tty", "r+e")) == NULL) {
			fprintf(stderr,
			    "xanetctl: no terminal to ask the password on "
			    "(%s): use --password-stdin\n",
			    strerror(errno));
			return CTL_USAGE;
		}
		rc = user_prompt(tty, "New password: ", buf, size);
		if (rc == 0)
			rc = user_prompt(
			    tty, "Repeat the password: ", again, sizeof again);
		fclose(tty);
		if (rc != 0) {
			fprintf(stderr, "xanetctl: could not read the "
					"password\n");
			explicit_bzero(again, sizeof again);
			return CTL_ERROR;
		}
		rc = strcmp(buf, again);
		explicit_bzero(again, sizeof again);
		if (rc != 0) {
			fprintf(stderr, "xanetctl: the passwords differ; "
					"nothing changed\n");
			return CTL_USAGE;
		}
	}
	if (auth_password_acceptable(buf, err, sizeof err) == -1) {
		fprintf(stderr, "xanetctl: %s\n", err);
		return CTL_USAGE;
	}
	return 0;
}

/* Send REQUEST to xanetd; print the outcome. An exit code. */
static int
user_request(struct ctl *ctl, const char *request, const char *done)
{
	json_t *ans;
	int rc = ctl_daemon_request(
	    ctl, request, "users are stored by the running daemon", &ans);

	if (rc != CTL_OK)
		return rc;
	if (ctl->json)
		ctl_print_json(ans);
	else
		printf("%s\n", done);
	json_decref(ans);
	return CTL_OK;
}

static int
user_set(struct ctl *ctl, int argc, char **argv, bool add)
{
	const char *name = NULL, *role = NULL;
	char password[AUTH_PASSWORD_MAX + 2], hash[AUTH_HASH_MAX];
	char line[512], done[160];
	bool from_stdin = false;
	int rc;

	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--password-stdin") == 0)
			from_stdin = true;
		else if (add && strcmp(argv[i], "--role") == 0 && i + 1 < argc)
			role = argv[++i];
		else if (strncmp(argv[i], "--role=", 7) == 0 && add)
			role = argv[i] + 7;
		else if (argv[i][0] == '-' || name != NULL) {
			fputs(USER_USAGE, stderr);
			return CTL_USAGE;
		} else
			name = argv[i];
	}
	if (name == NULL || (add && role == NULL)) {
		fputs(USER_USAGE, stderr);
		return CTL_USAGE;
	}
	if (!auth_name_valid(name)) {
		fprintf(stderr,
		    "xanetctl: bad user name '%s': 1-%d characters of A-Z a-z "
		    "0-9 . _ @ -\n",
		    name, AUTH_NAME_MAX);
		return CTL_USAGE;
	}
	if (add && !user_role_valid(role)) {
		fprintf(
		    stderr, "xanetctl: bad role '%s': admin or viewer\n", role);
		return CTL_USAGE;
	}
	if ((rc = user_password(from_stdin, password, sizeof password)) != 0) {
		explicit_bzero(password, sizeof password);
		return rc;
	}
	/* Hashed here: the password itself never leaves this process. */
	rc = auth_password_hash(password, hash, sizeof hash);
	explicit_bzero(password, sizeof password);
	if (rc == -1) {
		fprintf(stderr, "xanetctl: cannot hash the password (out of "
				"memory?)\n");
		return CTL_ERROR;
	}
	if (add) {
		snprintf(
		    line, sizeof line, "user-add %s %s %s", name, role, hash);
		snprintf(done, sizeof done, "user %s added (%s)", name, role);
	} else {
		snprintf(line, sizeof line, "user-passwd %s %s", name, hash);
		snprintf(done, sizeof done,
		    "password of %s changed; their sessions ended", name);
	}
	return user_request(ctl, line, done);
}

static int
user_add_cmd(struct ctl *ctl, int argc, char **argv)
{
	return user_set(ctl, argc, argv, true);
}

static int
user_passwd_cmd(struct ctl *ctl, int argc, char **argv)
{
	return user_set(ctl, argc, argv, false);
}

static int
user_del_cmd(struct ctl *ctl, int argc, char **argv)
{
	char line[128], done[128];

	if (argc != 3) {
		fputs(USER_USAGE, stderr);
		return CTL_USAGE;
	}
	if (!auth_name_valid(argv[2])) {
		fprintf(stderr, "xanetctl: bad user name '%s'\n", argv[2]);
		return CTL_USAGE;
	}
	snprintf(line, sizeof line, "user-del %s", argv[2]);
	snprintf(done, sizeof done, "user %s deleted", argv[2]);
	return user_request(ctl, line, done);
}

struct user_list {
	json_t *json;
	struct table *t;
};

static int
user_list_cb(const struct user_row *u, void *arg)
{
	struct user_list *l = arg;
	char created[40], changed[40];
	const char *cells[4];

	time_format_iso(u->created_ms, created, sizeof created);
	time_format_iso(u->changed_ms, changed, sizeof changed);
	if (l->json != NULL)
		json_array_append_new(
		    l->json, json_pack("{s:s, s:s, s:s, s:s}", "name", u->name,
				 "role", u->role, "created", created,
				 "password_changed", changed));
	else {
		cells[0] = u->name;
		cells[1] = u->role;
		cells[2] = created;
		cells[3] = changed;
		table_add(l->t, cells);
	}
	return 0;
}

static int
user_list_cmd(struct ctl *ctl, int argc, char **argv)
{
	static const char *const head[] = {
	    "NAME", "ROLE", "CREATED", "PASSWORD CHANGED"};
	struct user_list l = {0};
	sqlite3 *db;
	int exit_code, n;

	if (argc != 2) {
		fputs(USER_USAGE, stderr);
		return CTL_USAGE;
	}
	if ((db = ctl_open_db(ctl, &exit_code)) == NULL)
		return exit_code;
	if (ctl->json)
		l.json = json_array();
	else
		l.t = table_new(4, head);
	n = user_each(db, user_list_cb, &l);
	sqlite3_close(db);
	if (n == -1) {
		fprintf(stderr, "xanetctl: cannot read users from %s\n",
		    ctl_db_path(ctl));
		json_decref(l.json);
		table_free(l.t);
		return CTL_ERROR;
	}
	if (l.json != NULL) {
		ctl_print_json(l.json);
		json_decref(l.json);
	} else {
		if (n == 0)
			printf("no dashboard users yet: create one with "
			       "xanetctl user add NAME --role admin\n");
		else
			table_print(l.t, stdout);
		table_free(l.t);
	}
	return CTL_OK;
}

int
cmd_user(struct ctl *ctl, int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(struct ctl *ctl, int argc, char **argv);
	} subs[] = {
	    {"add", user_add_cmd},
	    {"passwd", user_passwd_cmd},
	    {"del", user_del_cmd},
	    {"list", user_list_cmd},
	};

	for (size_t i = 0; argc >= 2 && i < sizeof subs / sizeof subs[0]; i++)
		if (strcmp(argv[1], subs[i].name) == 0)
			return subs[i].fn(ctl, argc, argv);
	fputs(USER_USAGE, stderr);
	return CTL_USAGE;
}
