/* config.c - the daemon's configuration: INI file, inventory CSV, embedded default. */

/*
 * config_load() collects every problem it finds (the first 50 by file and
 * line) and returns them one per line, without a trailing newline:
 *
 *   FILE:LINE: message	a problem on that line of FILE
 *   FILE: message	a problem with FILE as a whole
 *
 * FILE is the config path as given, or the inventory path as resolved
 * against the config file's directory. LINE counts from 1; for the CSV it
 * is the physical line a row starts on. The messages:
 *
 *   cannot open: <strerror>             cannot read: <strerror>
 *   too large: over N bytes
 *   line is too long (N bytes; at most 4096)
 *   not valid UTF-8 text: save the file as UTF-8
 *   the line contains a NUL byte
 *   syntax error: expected 'key = value', '[section]' or a comment
 *   syntax error: '[' without a closing ']'
 *   syntax error: text after ']': 'TEXT'
 *   syntax error: a key name is missing before '='
 *   key 'K' outside any section
 *   unknown section [S] (did you mean [T]?)
 *   section [S] takes no key (found [S K])
 *   section [device] needs a key, e.g. [device ap-thon-dong]
 *   duplicate section [S] (first defined at line N)
 *   invalid device key 'K': use 1 to 63 letters, digits, '.', '_' or '-'
 *   duplicate device 'K' (first defined at line N | at FILE:N)
 *   unknown key 'K' in [S] (did you mean 'L'?) | (it belongs in [T])
 *   duplicate key 'K' in [S] (first set at line N)
 *   bad K 'VALUE' in [S]: expected WHAT
 *   missing required key 'K' in [S]
 *   missing section [site]: it needs at least 'name = ...'
 *   bad maintenance window 'W' in [S]: what is wrong (see maint.c)
 *   timeout 5s must be shorter than interval 3s in [S]
 *   icmp round 7s (icmp_count 3, icmp_spacing 1s, timeout 5s) must be
 *     shorter than interval 5s in [S]
 *   unknown parent 'P' for device 'K' (did you mean 'Q'?)
 *   device 'K' is its own parent
 *   parent cycle: a -> b -> a
 *   control socket path is too long (N bytes; at most 107): ...
 *   N more errors not shown
 *
 * and for the inventory, besides those of inventory.c:
 *
 *   unknown column 'C' (did you mean 'D'?) | (columns: key, name, ...)
 *   missing column 'C' in the header row
 *   missing device key (column 'key')
 *   missing required value 'K' for device 'D'
 *   bad K 'VALUE' for device 'D': expected WHAT
 *   bad maintenance window 'W' for device 'D': what is wrong
 *
 * [defaults] and [device KEY] share one table of device settings; a
 * device takes each setting it leaves unset (or empty) from [defaults],
 * so a new setting is one line in that table.
 *
 * The INI syntax is inih's, read through our own line reader: it counts
 * lines (Debian builds inih without INI_HANDLER_LINENO), strips leading
 * white space so that an indented key is never taken for the continuation
 * of the previous value, sees section headers (inih does not report them)
 * and flags the lines inih would split or reject, so that every problem is
 * reported on its line rather than only the first.
 */
#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <limits.h>
#include <math.h>
#include <net/if.h>
#include <pwd.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/un.h>
#include <syslog.h>
#include <unistd.h>

#include "common/addr.h"
#include "common/config.h"
#include "common/duration.h"
#include "common/indicators_default.h"
#include "common/inventory.h"
#include "common/log.h"
#include "common/maint.h"
#include "common/sysnet.h"
#include "common/util.h"
#include "common/xtime.h"

#define ERR_MAX          50
#define CONFIG_MAX_BYTES (1024 * 1024)
#define INV_MAX_BYTES    (8 * 1024 * 1024)
#define KEY_MAX          63
#define MAX_KEYS         48
#define NAME_MAX_BYTES   200  /* the store keeps 255 */
#define LINE_MAX_BYTES   4096 /* an entry, with its continuation lines */
#define TEXT_MAX_BYTES   120  /* the store keeps 127 of a group */
#define ZONEINFO_DIR     "/usr/share/zoneinfo"
#define SUN_PATH_MAX     sizeof(((struct sockaddr_un *)0)->sun_path)

#define DEFAULT_INTERVAL_MS 30000
#define DEFAULT_TIMEOUT_MS  5000
#define DEFAULT_FAIL        3
#define DEFAULT_SUCCESS     2
#define DEFAULT_PROBES      "icmp"
#define DEFAULT_PORT        8080
#define DEFAULT_HTTP_STATUS "200-399"
#define DEFAULT_ICMP_COUNT  3
#define DEFAULT_SPACING_MS  1000
#define DEFAULT_LOSS_WARN   20
#define DEFAULT_DEGRADED_MS (5 * 60000)
#define DEFAULT_FLAP_COUNT  6
#define DEFAULT_FLAP_MS     (30 * 60000)
#define DEFAULT_RETENTION   35
#define MAINT_MAX_BYTES     1000 /* a CSV cell may list many windows */

enum { FILE_CONF, FILE_INV };

struct cerr {
	int file;
	int line;
	char *msg;
};

struct loader;
struct key_def;

/*
 * Parse VALUE into FIELD; -1 if it is not what key_def.expected says. A
 * parser that knows better may say what is wrong in ld->bad and ld->why.
 */
typedef int (*key_parse_fn)(
    struct loader *ld, const struct key_def *k, void *field, const char *value);

/*
 * The type of a device setting, which says how a device inherits it from
 * [defaults] and how the summary shows it; FT_NONE for every other key.
 */
enum field_type {
	FT_NONE,
	FT_INT,
	FT_MS, /* int64_t milliseconds; 0 reads "off" */
	FT_PCT,
	FT_STR,
	FT_RULE,
	FT_SNMP_VERSION, /* int: 1, 2c or 3 */
	FT_SNMP_AUTH,    /* int: snmp_auth_names */
	FT_SNMP_PRIV,    /* int: snmp_priv_names */
	FT_SECRET,       /* a text shown as *** */
};

struct key_def {
	const char *name;
	key_parse_fn parse;
	size_t offset; /* of the field in the section's struct */
	const char *expected;
	bool required;
	size_t max; /* text keys: longest value in bytes */
	enum field_type type;
	int64_t lo, hi; /* parse_int, parse_duration: the range allowed */
};

struct section_def {
	const char *name;
	const struct key_def *keys;
	size_t nkeys;
	const char *example; /* keyed sections: how a header looks */
	size_t base;         /* single sections: their struct in config */
};

/* A device while loading: where each key was set, and if it counts. */
struct ldev {
	struct config_device d;
	int lines[MAX_KEYS];
	bool set[MAX_KEYS]; /* given a value: not inherited from [defaults] */
	int file;
};

struct lind {
	struct config_indicator ind;
	int lines[MAX_KEYS];
};

struct lprof {
	struct config_snmp_profile prof;
	int lines[MAX_KEYS];
};

struct lpush {
	struct config_push push;
	int lines[MAX_KEYS];
};

enum {
	SECT_SITE,
	SECT_DAEMON,
	SECT_WEB,
	SECT_LAN,
	SECT_DEFAULTS,
	SECT_DEVICE,
	SECT_INDICATOR,
	SECT_SNMP,
	SECT_SNMP_PROFILE,
	SECT_EVIDENCE,
	SECT_PUSH,
	NSECT,
	SECT_NONE = -2,   /* before the first header */
	SECT_IGNORE = -1, /* inside a header already reported as wrong */
};

struct loader {
	struct config *cfg;
	const char *files[2];
	struct cerr errs[ERR_MAX]; /* the first ERR_MAX by file and line */
	size_t nerrs;
	size_t more;

	char *bad, *why; /* a parser's own account of a bad value */

	const char *data; /* the config file, for the line reader */
	size_t len, pos;
	int line;  /* where the entry being read begins */
	int phys;  /* the last physical line read */
	char *big; /* a value too long for inih's buffer (conf_reader) */

	int sect;
	int sect_line;
	char *sect_title; /* "[device ap-01]" */
	size_t cur;       /* the device or indicator being filled */

	int single_line[NSECT];
	int single_keys[NSECT][MAX_KEYS];
	struct ldev *devs;
	size_t ndevs;
	struct lind *inds;
	size_t ninds;
	struct lprof *profs;
	size_t nprofs;
	struct lpush *pushes;
	size_t npushes;
};

static const char *const kind_names[] = {
    [DEVICE_WIFI_AP] = "wifi-ap",
    [DEVICE_SWITCH] = "switch",
    [DEVICE_ROUTER] = "router",
    [DEVICE_FIREWALL] = "firewall",
    [DEVICE_SERVER] = "server",
    [DEVICE_PC] = "pc",
    [DEVICE_PRINTER] = "printer",
    [DEVICE_OTHER] = "other",
};
#define NKINDS (sizeof kind_names / sizeof kind_names[0])

static const char *const metric_names[] = {
    "uptime-group",
    "uptime-device-min",
    "lan-coverage",
    "uplink-quality",
    "av-coverage",
};

const char *
device_kind_name(enum device_kind kind)
{
	if ((size_t)kind >= NKINDS)
		return "other";
	return kind_names[kind];
}

int
device_kind_parse(const char *name, enum device_kind *kind)
{
	for (size_t i = 0; i < NKINDS; i++) {
		if (strcasecmp(name, kind_names[i]) == 0) {
			*kind = (enum device_kind)i;
			return 0;
		}
	}
	return -1;
}

/* Errors. */

static int
cerr_cmp(const struct cerr *a, const struct cerr *b)
{
	if (a->file != b->file)
		return a->file < b->file ? -1 : 1;
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	return 0;
}

static void lerr(struct loader *ld, int file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/*
 * Problems are found out of order (a missing key shows at the end of its
 * section, an unknown parent only once all devices are read): keep the
 * first ERR_MAX by file and line, in the order found among equals.
 */
static void
lerr(struct loader *ld, int file, int line, const char *fmt, ...)
{
	struct cerr e = {file, line, NULL};
	size_t pos = ld->nerrs;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&e.msg, fmt, ap) < 0)
		fatal("out of memory (config error)");
	va_end(ap);
	while (pos > 0 && cerr_cmp(&ld->errs[pos - 1], &e) > 0)
		pos--;
	if (ld->nerrs == ERR_MAX) {
		ld->more++;
		if (pos == ERR_MAX) {
			free(e.msg);
			return;
		}
		free(ld->errs[ERR_MAX - 1].msg);
		ld->nerrs--;
	}
	memmove(
	    &ld->errs[pos + 1], &ld->errs[pos], (ld->nerrs - pos) * sizeof e);
	ld->errs[pos] = e;
	ld->nerrs++;
}

static bool
lerr_any(const struct loader *ld)
{
	return ld->nerrs > 0;
}

/* Append LINE to ERR if it fits whole; the first line is cut if need be. */
static bool
err_append(char *err, size_t errlen, size_t *off, const char *line)
{
	size_t need = strlen(line) + (*off > 0 ? 1 : 0);

	if (errlen == 0)
		return false;
	if (*off + need >= errlen) {
		if (*off == 0)
			*off = str_copy(err, line, errlen);
		return false;
	}
	if (*off > 0)
		err[(*off)++] = '\n';
	memcpy(err + *off, line, strlen(line) + 1);
	*off += strlen(line);
	return true;
}

static void
lerr_format(struct loader *ld, char *err, size_t errlen)
{
	size_t off = 0;
	char *line;
	bool ok = true;

	if (errlen > 0)
		err[0] = '\0';
	for (size_t i = 0; i < ld->nerrs && ok; i++) {
		const struct cerr *e = &ld->errs[i];

		if (e->line > 0)
			line = xasprintf(
			    "%s:%d: %s", ld->files[e->file], e->line, e->msg);
		else
			line = xasprintf("%s: %s", ld->files[e->file], e->msg);
		ok = err_append(err, errlen, &off, line);
		free(line);
	}
	if (ok && ld->more > 0) {
		line = xasprintf("%s: %zu more errors not shown",
		    ld->files[FILE_CONF], ld->more);
		err_append(err, errlen, &off, line);
		free(line);
	}
}

/* Suggestions: optimal string alignment distance, case-insensitive. */

static size_t
edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t *d, r;

	if (la > 64 || lb > 64)
		return SIZE_MAX;
	d = xcalloc((la + 1) * (lb + 1), sizeof *d);
#define D(i, j) d[(i) * (lb + 1) + (j)]
	for (size_t i = 0; i <= la; i++)
		D(i, 0) = i;
	for (size_t j = 0; j <= lb; j++)
		D(0, j) = j;
	for (size_t i = 1; i <= la; i++) {
		for (size_t j = 1; j <= lb; j++) {
			int ca = tolower((unsigned char)a[i - 1]);
			int cb = tolower((unsigned char)b[j - 1]);
			size_t best = D(i - 1, j - 1) + (ca != cb);

			if (D(i - 1, j) + 1 < best)
				best = D(i - 1, j) + 1;
			if (D(i, j - 1) + 1 < best)
				best = D(i, j - 1) + 1;
			if (i > 1 && j > 1 &&
			    ca == tolower((unsigned char)b[j - 2]) &&
			    tolower((unsigned char)a[i - 2]) == cb &&
			    D(i - 2, j - 2) + 1 < best)
				best = D(i - 2, j - 2) + 1;
			D(i, j) = best;
		}
	}
	r = D(la, lb);
#undef D
	free(d);
	return r;
}

/* The closest of N candidates, if it is close enough to be the intent. */
static const char *
suggest(const char *word, const char *const *cands, size_t n)
{
	const char *best = NULL;
	size_t bestd = SIZE_MAX;

	for (size_t i = 0; i < n; i++) {
		size_t d;

		if (cands[i] == NULL)
			continue;
		d = edit_distance(word, cands[i]);
		if (d < bestd) {
			bestd = d;
			best = cands[i];
		}
	}
	if (best == NULL || bestd > 2 || 2 * bestd >= strlen(best) + 2)
		return NULL;
	return best;
}

/* Value parsers. */

#define FIELD(type, p) ((type *)(p))

static bool
key_valid(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > KEY_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			(c >= '0' && c <= '9') || c == '.' || c == '_' ||
			c == '-'))
			return false;
	}
	return true;
}

static bool
has_control(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	return false;
}

static void
set_str(char **field, const char *value)
{
	free(*field);
	*field = value != NULL ? xstrdup(value) : NULL;
}

/* An empty value means "none", as an empty CSV cell does: clear FIELD. */
static bool
set_none(void *field, const char *value)
{
	if (value[0] != '\0')
		return false;
	set_str(FIELD(char *, field), NULL);
	return true;
}

static int
parse_text(
    struct loader *ld, const struct key_def *k, void *field, const char *value)
{
	if (value[0] == '\0' || strlen(value) > k->max || has_control(value))
		return -1;
	set_str(FIELD(char *, field), value);
	return 0;
}

/* An optional text: empty means "none", as in an empty CSV cell. */
static int
parse_opt_text(
    struct loader *ld, const struct key_def *k, void *field, const char *value)
{
	if (set_none(field, value))
		return 0;
	return parse_text(ld, k, field, value);
}

static int
parse_path(
    struct loader *ld, const struct key_def *k, void *field, const char *value)
{
	if (value[0] == '\0' || strlen(value) >= PATH_MAX || has_control(value))
		return -1;
	set_str(FIELD(char *, field), value);
	return 0;
}

static int
parse_zone(
    struct loader *ld, const struct key_def *k, void *field, const char *value)
{
	char magic[4], *path;
	FILE *fp;
	size_t n;

	/* Only a name inside the zoneinfo tree, never a path out of it. */
	if (value[0] == '\0' || value[0] == '/' || strstr(value, "..") ||
	    strlen(value) > 64)
		return -1;
	for (const char *p = value; *p != '\0'; p++) {
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			(*p >= '0' && *p <= '9') || *p == '/' || *p == '_' ||
			*p == '-' || *p == '+'))
			return -1;
	}
	path = xasprintf("%s/%s", ZONEINFO_DIR, value);
	fp = fopen(path, "re");
	free(path);
	if (fp == NULL)
		return -1;
	n = fread(magic, 1, sizeof magic, fp);
	fclose(fp);
	if (n != sizeof magic || memcmp(magic, "TZif", 4) != 0)
		return -1;
	set_str(FIELD(char *, field), value);
	return 0;
}

static int
parse_lang(
    struct loader *ld, const struct key_def *k, void *field, const char *value)
{
	if (strcmp(value, "vi") != 0 && strcmp(value, "en") != 0)
		return -1;
	set_str(FIELD(char *, field), value);
	return 0;
}

static int
parse_user(
    struct loader *ld, const struct key_def *k, void *field, const char *value)
{
	size_t n = strlen(value);

	if (n == 0 || n > 32 || value[0] == '-')
		return -1;
	for (size_t i = 0; i < n; i++) {
		char c = value[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			(c >= '0' && c <= '9') || c == '_' || c == '-' ||
			c == '.'))
			return -1;
	}
	set_str(FIELD(char *, field), value);
	return 0;
}

static int
parse_log_level(
    struct loader *ld, const struct key_def *k, void *field, const char *value)
{
	int level = log_level_parse(value);

	if (level < 0)
		return -1;
	*FIELD(int, field) = level;
	return 0;
}

/*
 * VALUE (any case) as its index in NAMES into the int at FIELD: keys
 * whose value is one word of a fixed list. 0, or -1 if it is none.
 */
static int
set_choice(void *field, const char *value, const char *const *names, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (strcasecmp(value, names[i]) == 0) {
			*FIELD(int, field) = (int)i;
			return 0;
		}
	}
	return -1;
}

static int
parse_db_sync(
    struct loader *ld, const struct key_def *k, void *field, const char *value)
{
	static const char *const names[] = {"normal", "full"};

	return set_choice(field, value, names, 2);
}

static int
parse_bool(
    struct loader *ld, const struct key_def *k, void *field, const char *value)
{
	static const char *const yes[] = {"yes", "true", "on", "1"};
	static const char *const no[] = {"no", "false", "off", "0"};

	for (size_t i = 0; i < 4; i++) {
		if (strcasecmp(value, yes[i]) == 0) {
			*FIELD(int, field) = 1;
			return 0;
		}
		if (strcasecmp(value, no[i]) == 0) {
			*FIELD(int, field) = 0;
			return 0;
		}
	}
	return -1;
}

static int
int_parse(const char *value, long min, long max, long *out)
{
	char *end;
	long n;

	if (value[0] < '0' || value[0] > '9')
		return -1;
	errno = 0;
	n = strtol(value, &end, 10);
	if (errno != 0 || *end != '\0' || n < min || n > max)
		return -1;
	*out = n;
	return 0;
}

/* A whole-number key within the key's [lo, hi]. */
static int
parse_int(
    struct loader *ld, const struct key_def *k, void *field, const char *value)
{
	long n;

	if (int_parse(value, (long)k->lo, (long)k->hi, &n) == -1)
		return -1;
	*FIELD(int, field) = (int)n;
	return 0;
}

static int
parse_ip(
    struct loader *ld, const struct key_def *k, void *field, const char *value)
{
	int kind = addr_classify(value);

	if (kind != ADDR_IPV4 && kind != ADDR_IPV6)
		return -1;
	set_str(FIELD(char *, field), value);
	return 0;
}

static int
parse_address(
    struct loader *ld, const struct key_def *k, void *field, const char *value)
{
	if (set_none(field, value))
		return 0;
	if (addr_classify(value) < 0)
		return -1;
	set_str(FIELD(char *, field), value);
	return 0;
}

static int
parse_interfaces(
    struct loader *ld, const struct key_def *k, void *field, const char *value)
{
	struct config *cfg = ld->cfg;
	char *copy = xstrdup(value), *p = copy, *name;
	char **list = NULL;
	size_t n = 0;
	int rc = 0;

	if (*str_trim(copy) != '\0') {
		while ((name = strsep(&p, ",")) != NULL) {
			str_trim(name);
			/* The kernel's rules: IFNAMSIZ, no '/', ':' or space. */
			if (name[0] == '\0' || strlen(name) >= IF_NAMESIZE ||
			    strcmp(name, ".") == 0 || strcmp(name, "..") == 0 ||
			    strpbrk(name, "/: \t") != NULL ||
			    has_control(name)) {
				rc = -1;
				break;
			}
			for (size_t i = 0; i < n; i++)
				if (strcmp(list[i], name) == 0)
					rc = -1;
			if (rc == -1)
				break;
			list = xreallocarray(list, n + 1, sizeof *list);
			list[n++] = xstrdup(name);
		}
	}
	free(copy);
	if (rc == -1) {
		for (size_t i = 0; i < n; i++)
			free(list[i]);
		free(list);
		return -1;
	}
	for (size_t i = 0; i < cfg->lan.ninterfaces; i++)
		free(cfg->lan.interfaces[i]);
	free(cfg->lan.interfaces);
	cfg->lan.interfaces = list;
	cfg->lan.ninterfaces = n;
	return 0;
}

static int
parse_kind(
    struct loader *ld, const struct key_def *k, void *field, const char *value)
{
	return device_kind_parse(value, FIELD(enum device_kind, field));
}

static int
parse_parent(
    struct loader *ld, const struct key_def *k, void *field, const char *value)
{
	if (set_none(field, value))
		return 0;
	if (!key_valid(value))
		return -1;
	set_str(FIELD(char *, field), value);
	return 0;
}

static int
parse_metric(
    struct loader *ld, const struct key_def *k, void *field, const char *value)
{
	for (size_t i = 0; i < sizeof metric_names / sizeof metric_names[0];
	     i++) {
		if (strcmp(value, metric_names[i]) == 0) {
			set_str(FIELD(char *, field), value);
			return 0;
		}
	}
	return -1;
}

static int
parse_target(
    struct loader *ld, const struct key_def *k, void *field, const char *value)
{
	char *end;
	double t;

	if (value[0] == '\0' ||
	    !(value[0] == '.' || (value[0] >= '0' && value[0] <= '9')))
		return -1;
	errno = 0;
	t = strtod(value, &end);
	if (errno != 0 || *end != '\0' || !isfinite(t) || t < 0 || t > 100)
		return -1;
	*FIELD(double, field) = t;
	return 0;
}

static int
parse_rule(
    struct loader *ld, const struct key_def *k, void *field, const char *value)
{
	static const char *const names[] = {
	    [PROBE_RULE_ANY] = "any", [PROBE_RULE_ALL] = "all"};

	return set_choice(field, value, names, 2);
}

/* A duration key, in ms, within the key's [lo, hi]. */
static int
parse_duration(
    struct loader *ld, const struct key_def *k, void *field, const char *value)
{
	int64_t ms;

	if (duration_parse(value, &ms) == -1 || ms < k->lo || ms > k->hi)
		return -1;
	*FIELD(int64_t, field) = ms;
	return 0;
}

static int
parse_rtt_warn(
    struct loader *ld, const struct key_def *k, void *field, const char *value)
{
	if (strcasecmp(value, "off") == 0 || strcmp(value, "0") == 0) {
		*FIELD(int64_t, field) = 0;
		return 0;
	}
	return parse_duration(ld, k, field, value);
}

/* "20", "20%" or "12.5": a share of ICMP echoes lost. */
static int
parse_percent(
    struct loader *ld, const struct key_def *k, void *field, const char *value)
{
	char *end;
	double t;

	if (!(value[0] == '.' || (value[0] >= '0' && value[0] <= '9')))
		return -1;
	errno = 0;
	t = strtod(value, &end);
	if (*end == '%')
		end++;
	if (errno != 0 || *end != '\0' || !isfinite(t) || t < 1 || t > 100)
		return -1;
	*FIELD(double, field) = t;
	return 0;
}

/* A whole number LEN digits long, from MIN to MAX. */
static int
digits_in(const char *s, size_t len, long min, long max, long *out)
{
	char buf[8];

	if (len == 0 || len >= sizeof buf || strspn(s, "0123456789") < len)
		return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	return int_parse(buf, min, max, out);
}

/*
 * "200-399, 401": codes and ranges of codes, kept without the spaces
 * ("200-399,401") for the HTTP probe to read.
 */
static int
parse_http_status(
    struct loader *ld, const struct key_def *k, void *field, const char *value)
{
	char *copy, *rest, *item, *out;
	size_t n = 0, off = 0;
	int rc = 0;

	if (set_none(field, value))
		return 0;
	copy = rest = xstrdup(value);
	out = xcalloc(strlen(value) + 1, 1);
	while (rc == 0 && (item = strsep(&rest, ",")) != NULL) {
		size_t len = strlen(str_trim(item)), dash = strcspn(item, "-");
		long lo, hi;

		if (digits_in(item, dash, 100, 599, &lo) == -1)
			rc = -1;
		else if (dash == len)
			hi = lo;
		else if (digits_in(item + dash + 1, len - dash - 1, 100, 599,
			     &hi) == -1 ||
			 hi < lo)
			rc = -1;
		if (rc == 0)
			off += (size_t)sprintf(
			    out + off, "%s%s", n++ > 0 ? "," : "", item);
	}
	free(copy);
	if (rc == 0)
		set_str(FIELD(char *, field), out);
	free(out);
	return rc;
}

/*
 * DNS servers for c-ares: "IPv4[:PORT]", "IPv6" or "[IPv6]:PORT",
 * separated by commas and kept without the spaces. No zone: c-ares reads
 * none.
 */
static int
dns_server_valid(char *s)
{
	char *host = s, *port = NULL, *close;
	long n;

	if (s[0] == '[') {
		if ((close = strchr(s, ']')) == NULL)
			return -1;
		*close = '\0';
		host = s + 1;
		if (close[1] == ':')
			port = close + 2;
		else if (close[1] != '\0')
			return -1;
		if (addr_classify(host) != ADDR_IPV6)
			return -1;
	} else if (strchr(s, ':') != strrchr(s, ':')) {
		if (addr_classify(host) != ADDR_IPV6)
			return -1;
	} else {
		if ((port = strchr(s, ':')) != NULL)
			*port++ = '\0';
		if (addr_classify(host) != ADDR_IPV4)
			return -1;
	}
	if (strchr(host, '%') != NULL)
		return -1;
	if (port != NULL && int_parse(port, 1, 65535, &n) == -1)
		return -1;
	return 0;
}

static int
parse_dns_servers(
    struct loader *ld, const struct key_def *k, void *field, const char *value)
{
	char *copy = xstrdup(value), *rest = copy, *item, *out;
	size_t n = 0, off = 0;
	int rc = 0;

	if (*str_trim(copy) == '\0') {
		free(copy);
		set_str(FIELD(char *, field), NULL);
		return 0;
	}
	out = xcalloc(strlen(value) + 1, 1);
	while (rc == 0 && (item = strsep(&rest, ",")) != NULL) {
		char *check = xstrdup(str_trim(item));

		rc = dns_server_valid(check);
		free(check);
		if (rc == 0)
			off += (size_t)sprintf(
			    out + off, "%s%s", n++ > 0 ? "," : "", item);
	}
	free(copy);
	if (rc == 0)
		set_str(FIELD(char *, field), out);
	free(out);
	return rc;
}

/*
 * Windows as common/maint.h reads them, kept as written; "none" gives a
 * device no windows even when [defaults] has some.
 */
static int
parse_maintenance(
    struct loader *ld, const struct key_def *k, void *field, const char *value)
{
	struct maint_window *w;
	size_t n;
	char err[1200], *copy, *rest, *item;

	if (strcasecmp(value, "none") == 0) {
		set_str(FIELD(char *, field), NULL);
		return 0;
	}
	if (strlen(value) > k->max || has_control(value))
		return -1;
	if (maint_parse(value, &w, &n, err, sizeof err) == -1) {
		/*
		 * maint.c names the window: "bad maintenance window 'W':
		 * why". Put where it is between the two, as other keys have.
		 */
		copy = rest = xstrdup(value);
		while (
		    ld->why == NULL && (item = strsep(&rest, ";,")) != NULL) {
			char *head = xasprintf(
			    "bad maintenance window '%s': ", str_trim(item));

			if (str_has_prefix(err, head)) {
				ld->bad =
				    xasprintf("maintenance window '%s'", item);
				ld->why = xstrdup(err + strlen(head));
			}
			free(head);
		}
		free(copy);
		if (ld->why == NULL)
			ld->why = xstrdup(err);
		return -1;
	}
	maint_free(w);
	set_str(FIELD(char *, field), n > 0 ? value : NULL);
	return 0;
}

/* [lan]: lists kept one item per entry for the sampler. */

static int
parse_ipv4_opt(
    struct loader *ld, const struct key_def *k, void *field, const char *value)
{
	if (set_none(field, value))
		return 0;
	if (addr_classify(value) != ADDR_IPV4)
		return -1;
	set_str(FIELD(char *, field), value);
	return 0;
}

/* "aa:bb:cc:dd:ee:ff" (or with '-'), kept lowercase with ':'. */
static int
parse_mac_opt(
    struct loader *ld, const struct key_def *k, void *field, const char *value)
{
	char mac[18];

	if (set_none(field, value))
		return 0;
	if (addr_mac_norm(value, mac) == -1)
		return -1;
	set_str(FIELD(char *, field), mac);
	return 0;
}

/* A domain or "*.domain": labels of letters, digits, '-' and '_'. */
static bool
lan_domain_valid(char *s)
{
	const char *p = s;
	size_t label = 0;

	for (char *c = s; *c != '\0'; c++)
		*c = (char)tolower((unsigned char)*c);
	if (str_has_prefix(p, "*."))
		p += 2;
	if (*p == '\0' || strlen(s) > 253 || *p == '.')
		return false;
	for (; *p != '\0'; p++) {
		if (*p == '.') {
			if (label == 0)
				return false;
			label = 0;
		} else if ((*p >= 'a' && *p <= 'z') ||
			   (*p >= '0' && *p <= '9') || *p == '-' || *p == '_') {
			if (++label > 63)
				return false;
		} else
			return false;
	}
	return label > 0;
}

static bool
lan_ipv4_valid(char *s)
{
	return addr_classify(s) == ADDR_IPV4;
}

/* An address, or an IPv4 network as a.b.c.d/N. */
static bool
lan_ip_valid(char *s)
{
	char *slash = strchr(s, '/');
	long bits;
	int kind;

	if (slash != NULL) {
		*slash = '\0';
		kind = addr_classify(s);
		*slash = '/';
		return kind == ADDR_IPV4 &&
		       int_parse(slash + 1, 0, 32, &bits) == 0;
	}
	kind = addr_classify(s);
	return (kind == ADDR_IPV4 || kind == ADDR_IPV6) && !strchr(s, '%');
}

/* "Product:pattern" (the product as written) or a bare pattern. */
static bool
lan_av_valid(char *s)
{
	char *colon = strchr(s, ':');

	if (colon == NULL)
		return lan_domain_valid(s);
	if (colon == s || colon - s > 32)
		return false;
	for (char *p = s; p < colon; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			(*p >= '0' && *p <= '9') || *p == ' ' || *p == '_' ||
			*p == '-'))
			return false;
	return lan_domain_valid(colon + 1);
}

#define LAN_LIST_MAX 256

/*
 * A comma-separated list into *LIST and *N, each item checked (and
 * normalised) by VALID; duplicates are dropped. An empty value is an
 * empty list.
 */
static int
lan_list_parse(
    const char *value, bool (*valid)(char *), char ***listp, size_t *np)
{
	char *copy = xstrdup(value), *rest = copy, *item;
	char **list = NULL;
	size_t n = 0;
	int rc = 0;

	if (*str_trim(copy) != '\0') {
		while (rc == 0 && (item = strsep(&rest, ",")) != NULL) {
			bool dup = false;

			str_trim(item);
			if (n >= LAN_LIST_MAX || !valid(item)) {
				rc = -1;
				break;
			}
			for (size_t i = 0; i < n; i++)
				dup = dup || strcmp(list[i], item) == 0;
			if (dup)
				continue;
			list = xreallocarray(list, n + 1, sizeof *list);
			list[n++] = xstrdup(item);
		}
	}
	free(copy);
	if (rc == -1) {
		for (size_t i = 0; i < n; i++)
			free(list[i]);
		free(list);
		return -1;
	}
	for (size_t i = 0; i < *np; i++)
		free((*listp)[i]);
	free(*listp);
	*listp = list;
	*np = n;
	return 0;
}

static int
parse_dhcp_servers(
    struct loader *ld, const struct key_def *k, void *field, const char *value)
{
	return lan_list_parse(value, lan_ipv4_valid, &ld->cfg->lan.dhcp_servers,
	    &ld->cfg->lan.ndhcp_servers);
}

static int
parse_blocklist_domains(
    struct loader *ld, const struct key_def *k, void *field, const char *value)
{
	return lan_list_parse(value, lan_domain_valid,
	    &ld->cfg->lan.blocklist_domains, &ld->cfg->lan.nblocklist_domains);
}

static int
parse_blocklist_ips(
    struct loader *ld, const struct key_def *k, void *field, const char *value)
{
	return lan_list_parse(value, lan_ip_valid, &ld->cfg->lan.blocklist_ips,
	    &ld->cfg->lan.nblocklist_ips);
}

/*
 * An empty list still replaces the built-in one (no AV tracking), so the
 * field is set to an empty, non-NULL list.
 */
static int
parse_av_domains(
    struct loader *ld, const struct key_def *k, void *field, const char *value)
{
	struct config *cfg = ld->cfg;

	if (lan_list_parse(value, lan_av_valid, &cfg->lan.av_domains,
		&cfg->lan.nav_domains) == -1)
		return -1;
	if (cfg->lan.av_domains == NULL)
		cfg->lan.av_domains = xcalloc(1, sizeof *cfg->lan.av_domains);
	return 0;
}

/* SNMP: device credentials and what to poll, [snmp], [snmp-profile]. */

static const char *const snmp_auth_names[] = {
    "none", "md5", "sha", "sha224", "sha256", "sha384", "sha512"};
static const char *const snmp_priv_names[] = {
    "none", "des", "aes", "aes192", "aes256"};
#define SNMP_PROFILE_CHOICES                                                  \
	"auto, generic, system, unifi, mikrotik, aruba or an [snmp-profile] " \
	"name"
static const char *const snmp_profile_bases[] = {
    "generic", "system", "unifi", "mikrotik", "aruba"};
#define NELEM(a)           (sizeof(a) / sizeof((a)[0]))
#define SNMP_OIDS_MAX      16 /* custom OIDs per device or profile */
#define SNMP_LABEL_MAX     32
#define SNMP_OID_ARCS_MAX  64
#define SNMP_PASS_MIN      8  /* net-snmp refuses shorter passphrases */
#define SNMP_IMPORTANT_MAX 64 /* interfaces named in snmp_important */

const char *
config_snmp_auth_name(int auth)
{
	if (auth < 0 || (size_t)auth >= NELEM(snmp_auth_names))
		return "?";
	return snmp_auth_names[auth];
}

const char *
config_snmp_priv_name(int priv)
{
	if (priv < 0 || (size_t)priv >= NELEM(snmp_priv_names))
		return "?";
	return snmp_priv_names[priv];
}

static int
name_index(const char *value, const char *const *names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcasecmp(value, names[i]) == 0)
			return (int)i;
	return -1;
}

static int
parse_snmp_version(
    struct loader *ld, const struct key_def *k, void *field, const char *value)
{
	if (strcmp(value, "1") == 0)
		*FIELD(int, field) = CONFIG_SNMP_V1;
	else if (strcasecmp(value, "2c") == 0)
		*FIELD(int, field) = CONFIG_SNMP_V2C;
	else if (strcmp(value, "3") == 0)
		*FIELD(int, field) = CONFIG_SNMP_V3;
	else
		return -1;
	return 0;
}

static int
parse_snmp_auth(
    struct loader *ld, const struct key_def *k, void *field, const char *value)
{
	int i = name_index(value, snmp_auth_names, NELEM(snmp_auth_names));

	if (i < 0)
		return -1;
	*FIELD(int, field) = i;
	return 0;
}

static int
parse_snmp_priv(
    struct loader *ld, const struct key_def *k, void *field, const char *value)
{
	int i = name_index(value, snmp_priv_names, NELEM(snmp_priv_names));

	if (i < 0)
		return -1;
	*FIELD(int, field) = i;
	return 0;
}

/*
 * A secret (community, passphrase): the message must not repeat it, so
 * the parser says what is wrong itself, naming only the key.
 */
static int
secret_bad(struct loader *ld, const struct key_def *k, const char *why)
{
	ld->bad = xstrdup(k->name);
	ld->why = xstrdup(why);
	return -1;
}

static int
parse_secret(
    struct loader *ld, const struct key_def *k, void *field, const char *value)
{
	if (set_none(field, value))
		return 0;
	if (strlen(value) > k->max)
		return secret_bad(ld, k, "longer than 120 bytes");
	if (has_control(value))
		return secret_bad(ld, k, "contains a control character");
	set_str(FIELD(char *, field), value);
	return 0;
}

static int
parse_snmp_pass(
    struct loader *ld, const struct key_def *k, void *field, const char *value)
{
	if (value[0] != '\0' && strlen(value) < SNMP_PASS_MIN)
		return secret_bad(ld, k, "must be at least 8 characters");
	return parse_secret(ld, k, field, value);
}

/* "auto", a built-in profile or a [snmp-profile] (checked at the end). */
static int
parse_snmp_profile(
    struct loader *ld, const struct key_def *k, void *field, const char *value)
{
	if (set_none(field, value))
		return 0;
	if (!key_valid(value))
		return -1;
	set_str(FIELD(char *, field), value);
	return 0;
}

/* Items of a comma-separated list, trimmed, joined by ',' into *OUT. */
static int
list_each(
    const char *value, size_t max_items, int (*check)(const char *), char **out)
{
	char *copy = xstrdup(value), *rest = copy, *item, *buf;
	size_t n = 0, off = 0;
	int rc = 0;

	buf = xcalloc(strlen(value) + 1, 1);
	while (rc == 0 && (item = strsep(&rest, ",")) != NULL) {
		str_trim(item);
		if (++n > max_items || check(item) == -1)
			rc = -1;
		else
			off += (size_t)sprintf(
			    buf + off, "%s%s", n > 1 ? "," : "", item);
	}
	free(copy);
	if (rc == -1) {
		free(buf);
		return -1;
	}
	*out = buf;
	return 0;
}

static int
important_check(const char *item)
{
	if (item[0] == '\0' || strlen(item) > 64 || has_control(item))
		return -1;
	return 0;
}

static int
parse_snmp_important(
    struct loader *ld, const struct key_def *k, void *field, const char *value)
{
	char *out;

	if (set_none(field, value))
		return 0;
	if (strlen(value) > k->max ||
	    list_each(value, SNMP_IMPORTANT_MAX, important_check, &out) == -1)
		return -1;
	free(*FIELD(char *, field));
	*FIELD(char *, field) = out;
	return 0;
}

/* "1.3.6.1.2.1.1.3.0" (a leading dot allowed): 2 to 64 arcs < 2^32. */
static int
oid_check(const char *s, size_t len)
{
	size_t arcs = 0, i = 0;

	if (len > 0 && s[0] == '.')
		i = 1;
	while (i < len) {
		size_t start = i;
		unsigned long long v = 0;

		while (i < len && s[i] >= '0' && s[i] <= '9') {
			v = v * 10 + (unsigned)(s[i] - '0');
			if (v > 4294967295ULL)
				return -1;
			i++;
		}
		if (i == start || ++arcs > SNMP_OID_ARCS_MAX)
			return -1;
		if (i < len && (s[i] != '.' || i + 1 == len))
			return -1;
		i++;
	}
	return arcs >= 2 ? 0 : -1;
}

/* LABEL:OID:TYPE, kept with the OID's leading dot dropped. */
static int
oid_entry_check(const char *item)
{
	const char *c1 = strchr(item, ':'), *c2, *type;
	size_t llen;

	if (c1 == NULL || (c2 = strchr(c1 + 1, ':')) == NULL)
		return -1;
	llen = (size_t)(c1 - item);
	if (llen == 0 || llen > SNMP_LABEL_MAX)
		return -1;
	for (const char *p = item; p < c1; p++)
		if (!isalnum((unsigned char)*p) && *p != '_' && *p != '-' &&
		    *p != '.')
			return -1;
	if (oid_check(c1 + 1, (size_t)(c2 - c1 - 1)) == -1)
		return -1;
	type = c2 + 1;
	if (strcmp(type, "gauge") != 0 && strcmp(type, "counter") != 0 &&
	    strcmp(type, "string") != 0)
		return -1;
	return 0;
}

static int
parse_snmp_oids(
    struct loader *ld, const struct key_def *k, void *field, const char *value)
{
	char *out, *src, *dst;

	if (set_none(field, value))
		return 0;
	if (strlen(value) > k->max)
		return -1;
	/* "temp : .1.3.6 : gauge" reads as meant: spaces around ':' go. */
	src = xstrdup(value);
	for (dst = src, out = src; *out != '\0'; out++)
		if (*out != ' ' && *out != '\t')
			*dst++ = *out;
	*dst = '\0';
	if (list_each(src, SNMP_OIDS_MAX, oid_entry_check, &out) == -1) {
		free(src);
		return -1;
	}
	free(src);
	/* Drop the leading dots: ":.1.3" -> ":1.3". */
	for (src = dst = out; *src != '\0'; src++)
		if (!(*src == '.' && src > out && src[-1] == ':'))
			*dst++ = *src;
	*dst = '\0';
	free(*FIELD(char *, field));
	*FIELD(char *, field) = out;
	return 0;
}

static int
community_check(const char *item)
{
	if (item[0] == '\0' || strlen(item) > 120 || has_control(item))
		return -1;
	return 0;
}

static int
parse_trap_communities(
    struct loader *ld, const struct key_def *k, void *field, const char *value)
{
	char *out;

	if (set_none(field, value))
		return 0;
	if (list_each(value, 64, community_check, &out) == -1)
		return secret_bad(ld, k,
		    "expected communities separated by commas, at most 64, "
		    "each 1 to 120 bytes");
	free(*FIELD(char *, field));
	*FIELD(char *, field) = out;
	return 0;
}

static int
parse_profile_extends(
    struct loader *ld, const struct key_def *k, void *field, const char *value)
{
	if (name_index(value, snmp_profile_bases, NELEM(snmp_profile_bases)) <
	    0)
		return -1;
	set_str(FIELD(char *, field), value);
	return 0;
}

static int
parse_profile_match(
    struct loader *ld, const struct key_def *k, void *field, const char *value)
{
	const char *v = value[0] == '.' ? value + 1 : value;

	if (oid_check(v, strlen(v)) == -1)
		return -1;
	set_str(FIELD(char *, field), v);
	return 0;
}

/* Evidence, push and web keys. */

/* "23:55" as a minute of the day, or "off" (-1). */
static int
parse_time_of_day(
    struct loader *ld, const struct key_def *k, void *field, const char *value)
{
	unsigned h, m;
	char end;

	if (strcasecmp(value, "off") == 0) {
		*FIELD(int, field) = -1;
		return 0;
	}
	if (sscanf(value, "%2u:%2u%c", &h, &m, &end) != 2 || h > 23 || m > 59 ||
	    strlen(value) != 5)
		return -1;
	*FIELD(int, field) = (int)(h * 60 + m);
	return 0;
}

static int
parse_indicators_profile(
    struct loader *ld, const struct key_def *k, void *field, const char *value)
{
	if (strcmp(value, "default") != 0 && strcmp(value, "none") != 0)
		return -1;
	set_str(FIELD(char *, field), value);
	return 0;
}

static const char *const push_type_names[] = {
    [PUSH_HTTP] = "http",
    [PUSH_S3] = "s3",
    [PUSH_WEBDAV] = "webdav",
    [PUSH_SMTP] = "smtp",
};

const char *
config_push_type_name(enum push_type type)
{
	if ((size_t)type >= NELEM(push_type_names))
		return "http";
	return push_type_names[type];
}

static int
parse_push_type(
    struct loader *ld, const struct key_def *k, void *field, const char *value)
{
	return set_choice(
	    field, value, push_type_names, NELEM(push_type_names));
}

static int
parse_http_method(
    struct loader *ld, const struct key_def *k, void *field, const char *value)
{
	static const char *const names[] = {"post", "put"};

	return set_choice(field, value, names, 2);
}

/* A URL the push target can use: a scheme we speak, a host, no spaces. */
static int
parse_url(
    struct loader *ld, const struct key_def *k, void *field, const char *value)
{
	static const char *const schemes[] = {
	    "http://", "https://", "smtp://", "smtps://"};
	bool known = false;

	for (size_t i = 0; i < NELEM(schemes); i++)
		known = known ||
			strncasecmp(value, schemes[i], strlen(schemes[i])) == 0;
	if (!known || strlen(value) > 2000 || has_control(value) ||
	    strpbrk(value, " \t") != NULL || strstr(value, "://") == NULL ||
	    strstr(value, "://")[3] == '\0' || strstr(value, "://")[3] == '/')
		return -1;
	set_str(FIELD(char *, field), value);
	return 0;
}

/* "daily, quarterly, manual" or "all": which snapshots a target gets. */
static int
parse_kinds(
    struct loader *ld, const struct key_def *k, void *field, const char *value)
{
	static const char *const names[] = {"daily", "quarterly", "manual"};
	char *copy = xstrdup(value), *rest = copy, *item;
	int kinds = 0, rc = 0;

	while (rc == 0 && (item = strsep(&rest, ",")) != NULL) {
		int i;

		str_trim(item);
		if (strcasecmp(item, "all") == 0)
			kinds |= SNAPSHOT_DAILY | SNAPSHOT_QUARTERLY |
				 SNAPSHOT_MANUAL;
		else if ((i = name_index(item, names, NELEM(names))) >= 0)
			kinds |= 1 << i;
		else
			rc = -1;
	}
	free(copy);
	if (rc == -1 || kinds == 0)
		return -1;
	*FIELD(int, field) = kinds;
	return 0;
}

/* A mail address as SMTP needs it: local@domain, nothing to inject. */
static bool
mail_valid(char *s)
{
	const char *at = strchr(s, '@');

	return at != NULL && at != s && at[1] != '\0' &&
	       strchr(at + 1, '@') == NULL && strlen(s) <= 254 &&
	       strpbrk(s, " \t<>,;\"()[]\\") == NULL && !has_control(s);
}

static int
parse_mail_from(
    struct loader *ld, const struct key_def *k, void *field, const char *value)
{
	char *copy = xstrdup(value);
	bool ok = mail_valid(copy);

	free(copy);
	if (!ok)
		return -1;
	set_str(FIELD(char *, field), value);
	return 0;
}

static int
parse_mail_to(
    struct loader *ld, const struct key_def *k, void *field, const char *value)
{
	struct config_push *p = &ld->pushes[ld->cur].push;

	if (lan_list_parse(value, mail_valid, &p->mail_to, &p->nmail_to) ==
		-1 ||
	    p->nmail_to == 0)
		return -1;
	return 0;
}

static int
parse_metrics_allow(
    struct loader *ld, const struct key_def *k, void *field, const char *value)
{
	return lan_list_parse(value, lan_ip_valid, &ld->cfg->web.metrics_allow,
	    &ld->cfg->web.nmetrics_allow);
}

/* "8-17": local hours [from, to) of the peak, from < to. */
static int
parse_peak_hours(
    struct loader *ld, const struct key_def *k, void *field, const char *value)
{
	struct config_indicator *ind = &ld->inds[ld->cur].ind;
	unsigned from, to;
	char end;

	if (sscanf(value, "%2u-%2u%c", &from, &to, &end) != 2 || from >= to ||
	    to > 24)
		return -1;
	ind->peak_from_h = (int)from;
	ind->peak_to_h = (int)to;
	return 0;
}

static int
parse_judge(
    struct loader *ld, const struct key_def *k, void *field, const char *value)
{
	static const char *const names[] = {"at-least", "at-most"};

	return set_choice(field, value, names, 2);
}

/* The key tables: adding a key is one line here. */

#define TEXT_EXPECTED      "a non-empty text of at most 120 bytes"
#define NAME_EXPECTED      "a non-empty text of at most 200 bytes"
#define PATH_EXPECTED      "a file or directory path"
#define BOOL_EXPECTED      "yes or no (also true/false, on/off, 1/0)"
#define INTERVAL_EXPECTED  "a duration from 1s to 1d, such as 30s, 5m or 1h30m"
#define TIMEOUT_EXPECTED   "a duration from 10ms to 1h, such as 500ms, 5s or 1m"
#define THRESHOLD_EXPECTED "a whole number from 1 to 100"
#define PROBES_EXPECTED    "a list of probes such as icmp, tcp:443"
#define KIND_EXPECTED \
	"one of wifi-ap, switch, router, firewall, server, pc, printer, other"
#define SPACING_EXPECTED "a duration from 10ms to 10s, such as 200ms or 1s"
#define RTT_EXPECTED     "a duration from 1ms to 60s, such as 150ms, or off"
#define WINDOW_EXPECTED  "a duration from 1s to 1d, such as 5m or 30m"
#define HTTP_STATUS_EXPECTED                                                  \
	"HTTP status codes from 100 to 599 and ranges of them, separated by " \
	"commas, such as 200-399, 401"
#define DNS_EXPECTED                                                         \
	"IPv4 or IPv6 addresses separated by commas, each with an optional " \
	"port, such as 1.1.1.1, 8.8.8.8:53, 2001:db8::53 or [2001:db8::53]:53"

#define CFG(member) offsetof(struct config, member)
#define DEV(member) offsetof(struct config_device, member)
#define IND(member) offsetof(struct config_indicator, member)

static const struct key_def site_keys[] = {
    {"name", parse_text, CFG(site.name), TEXT_EXPECTED, true, TEXT_MAX_BYTES,
	FT_NONE, 0, 0},
    {"province", parse_opt_text, CFG(site.province), TEXT_EXPECTED, false,
	TEXT_MAX_BYTES, FT_NONE, 0, 0},
    {"timezone", parse_zone, CFG(site.timezone),
	"a time zone from " ZONEINFO_DIR ", such as Asia/Ho_Chi_Minh", false, 0,
	FT_NONE, 0, 0},
    {"lang", parse_lang, CFG(site.lang), "vi or en", false, 0, FT_NONE, 0, 0},
};

static const struct key_def daemon_keys[] = {
    {"state_dir", parse_path, CFG(daemon.state_dir), PATH_EXPECTED, false, 0,
	FT_NONE, 0, 0},
    {"database", parse_path, CFG(daemon.database), PATH_EXPECTED, false, 0,
	FT_NONE, 0, 0},
    {"control_socket", parse_path, CFG(daemon.control_socket), PATH_EXPECTED,
	false, 0, FT_NONE, 0, 0},
    {"alert_log", parse_path, CFG(daemon.alert_log), PATH_EXPECTED, false, 0,
	FT_NONE, 0, 0},
    {"user", parse_user, CFG(daemon.user),
	"a user name such as xanet (letters, digits, '_', '-', '.')", false, 0,
	FT_NONE, 0, 0},
    {"inventory", parse_path, CFG(daemon.inventory),
	"the path of a CSV file such as devices.csv", false, 0, FT_NONE, 0, 0},
    {"log_level", parse_log_level, CFG(daemon.log_level),
	"one of debug, info, notice, warning, err", false, 0, FT_NONE, 0, 0},
    {"db_sync", parse_db_sync, CFG(daemon.db_sync_full), "normal or full",
	false, 0, FT_NONE, 0, 0},
    {"retention_days", parse_int, CFG(daemon.retention_days),
	"a whole number of days from 1 to 3650", false, 0, FT_NONE, 1, 3650},
    {"dns_servers", parse_dns_servers, CFG(daemon.dns_servers), DNS_EXPECTED,
	false, 0, FT_NONE, 0, 0},
};

static const struct key_def web_keys[] = {
    {"enabled", parse_bool, CFG(web.enabled), BOOL_EXPECTED, false, 0, FT_NONE,
	0, 0},
    {"listen", parse_ip, CFG(web.listen),
	"an IPv4 or IPv6 address such as 127.0.0.1 or 0.0.0.0", false, 0,
	FT_NONE, 0, 0},
    {"port", parse_int, CFG(web.port), "a port number from 1 to 65535", false,
	0, FT_NONE, 1, 65535},
    {"tls_cert", parse_path, CFG(web.tls_cert),
	"the path of a PEM certificate file", false, 0, FT_NONE, 0, 0},
    {"tls_key", parse_path, CFG(web.tls_key),
	"the path of a PEM private key file", false, 0, FT_NONE, 0, 0},
    {"max_connections", parse_int, CFG(web.max_connections),
	"a whole number from 4 to 10000", false, 0, FT_NONE, 4, 10000},
    {"per_ip", parse_int, CFG(web.per_ip), "a whole number from 1 to 1000",
	false, 0, FT_NONE, 1, 1000},
    {"timeout", parse_duration, CFG(web.timeout_ms),
	"a duration from 1s to 10m, such as 30s", false, 0, FT_NONE, 1000,
	600000},
    {"body_max", parse_int, CFG(web.body_max),
	"a number of bytes from 1024 to 16777216", false, 0, FT_NONE, 1024,
	16777216},
    {"session_idle", parse_duration, CFG(web.session_idle_ms),
	"a duration from 1m to 7d, such as 30m", false, 0, FT_NONE, 60000,
	7 * 86400000LL},
    {"metrics_allow", parse_metrics_allow, CFG(web.metrics_allow),
	"addresses or networks separated by commas, such as 127.0.0.1, "
	"10.0.0.0/8, or empty for none",
	false, 0, FT_NONE, 0, 0},
    {"metrics_token", parse_secret, CFG(web.metrics_token),
	"a text of at most 120 bytes", false, 120, FT_SECRET, 0, 0},
};

#define EVD(member)  offsetof(struct config, evidence.member)
#define PUSH(member) offsetof(struct config_push, member)

static const struct key_def evidence_keys[] = {
    {"key_file", parse_path, EVD(key_file), PATH_EXPECTED, false, 0, FT_NONE, 0,
	0},
    {"pack_dir", parse_path, EVD(pack_dir), PATH_EXPECTED, false, 0, FT_NONE, 0,
	0},
    {"indicators", parse_indicators_profile, EVD(indicators),
	"default (the built-in profile) or none", false, 0, FT_NONE, 0, 0},
    {"daily", parse_time_of_day, EVD(daily_minute),
	"a local time of day such as 23:55, or off", false, 0, FT_NONE, 0, 0},
    {"quarterly_day", parse_int, EVD(quarterly_day),
	"a day of the month from 1 to 30, or 0 for none", false, 0, FT_NONE, 0,
	30},
    {"quarterly_time", parse_time_of_day, EVD(quarterly_minute),
	"a local time of day such as 23:55", false, 0, FT_NONE, 0, 0},
    {"outbox_max", parse_int, EVD(outbox_max),
	"a whole number from 10 to 1000000", false, 0, FT_NONE, 10, 1000000},
    {"retry_base", parse_duration, EVD(retry_base_ms),
	"a duration from 1s to 1h, such as 30s", false, 0, FT_NONE, 1000,
	3600000},
    {"retry_cap", parse_duration, EVD(retry_cap_ms),
	"a duration from 1s to 7d, such as 6h", false, 0, FT_NONE, 1000,
	7 * 86400000LL},
    {"keep_days", parse_int, EVD(keep_days),
	"a whole number of days from 1 to 3650", false, 0, FT_NONE, 1, 3650},
};

static const struct key_def push_keys[] = {
    {"type", parse_push_type, PUSH(type), "one of http, s3, webdav, smtp", true,
	0, FT_NONE, 0, 0},
    {"url", parse_url, PUSH(url),
	"an http://, https://, smtp:// or smtps:// URL with a host", true, 0,
	FT_NONE, 0, 0},
    {"method", parse_http_method, PUSH(put), "POST or PUT", false, 0, FT_NONE,
	0, 0},
    {"token", parse_secret, PUSH(token), "a text of at most 120 bytes", false,
	120, FT_SECRET, 0, 0},
    {"user", parse_opt_text, PUSH(user), TEXT_EXPECTED, false, TEXT_MAX_BYTES,
	FT_NONE, 0, 0},
    {"password", parse_secret, PUSH(password), "a text of at most 120 bytes",
	false, 120, FT_SECRET, 0, 0},
    {"access_key", parse_opt_text, PUSH(access_key), TEXT_EXPECTED, false,
	TEXT_MAX_BYTES, FT_NONE, 0, 0},
    {"secret_key", parse_secret, PUSH(secret_key),
	"a text of at most 120 bytes", false, 120, FT_SECRET, 0, 0},
    {"region", parse_opt_text, PUSH(region), TEXT_EXPECTED, false,
	TEXT_MAX_BYTES, FT_NONE, 0, 0},
    {"client_cert", parse_path, PUSH(client_cert), PATH_EXPECTED, false, 0,
	FT_NONE, 0, 0},
    {"client_key", parse_path, PUSH(client_key), PATH_EXPECTED, false, 0,
	FT_NONE, 0, 0},
    {"ca_file", parse_path, PUSH(ca_file), PATH_EXPECTED, false, 0, FT_NONE, 0,
	0},
    {"mail_from", parse_mail_from, PUSH(mail_from),
	"a mail address such as xanet@xa-tanphu.gov.vn", false, 0, FT_NONE, 0,
	0},
    {"mail_to", parse_mail_to, PUSH(mail_to),
	"mail addresses separated by commas", false, 0, FT_NONE, 0, 0},
    {"timeout", parse_duration, PUSH(timeout_ms),
	"a duration from 1s to 1h, such as 2m", false, 0, FT_NONE, 1000,
	3600000},
    {"snapshots", parse_kinds, PUSH(kinds),
	"daily, quarterly, manual or all, separated by commas", false, 0,
	FT_NONE, 0, 0},
};

static const struct key_def lan_keys[] = {
    {"enabled", parse_bool, CFG(lan.enabled), BOOL_EXPECTED, false, 0, FT_NONE,
	0, 0},
    {"interfaces", parse_interfaces, CFG(lan.interfaces),
	"interface names separated by commas, such as eth0, enp2s0", false, 0,
	FT_NONE, 0, 0},
    {"sample_rate", parse_int, CFG(lan.sample_rate),
	"a whole number N from 1 to 10000 (1 in N packets)", false, 0, FT_NONE,
	1, 10000},
    /* Enough for DHCP (a full 576-byte packet fits in 600) and DNS. */
    {"snaplen", parse_int, CFG(lan.snaplen),
	"a number of bytes from 256 to 65535", false, 0, FT_NONE, 256, 65535},
    /* At least 8 MB: a burst at line rate must not overflow the ring. */
    {"buffer_mb", parse_int, CFG(lan.buffer_mb),
	"a number of megabytes from 8 to 1024", false, 0, FT_NONE, 8, 1024},
    {"max_hosts", parse_int, CFG(lan.max_hosts),
	"a whole number from 16 to 1000000", false, 0, FT_NONE, 16, 1000000},
    /* 0 turns learning off: every new host is reported at once. */
    {"learning_period", parse_duration, CFG(lan.learning_ms),
	"a duration from 0 to 366d, such as 7d or 0", false, 0, FT_NONE, 0,
	366LL * 86400000},
    {"gateway_ip", parse_ipv4_opt, CFG(lan.gateway_ip),
	"an IPv4 address such as 192.168.1.1", false, 0, FT_NONE, 0, 0},
    {"dhcp_servers", parse_dhcp_servers, CFG(lan.dhcp_servers),
	"IPv4 addresses separated by commas", false, 0, FT_NONE, 0, 0},
    {"scan_ports", parse_int, CFG(lan.scan_ports),
	"a whole number from 2 to 65535", false, 0, FT_NONE, 2, 65535},
    {"scan_hosts", parse_int, CFG(lan.scan_hosts),
	"a whole number from 2 to 65535", false, 0, FT_NONE, 2, 65535},
    {"scan_window", parse_duration, CFG(lan.scan_window_ms),
	"a duration from 1s to 1h, such as 60s", false, 0, FT_NONE, 1000,
	3600000},
    {"ips_per_mac", parse_int, CFG(lan.ips_per_mac),
	"a whole number from 2 to 65535", false, 0, FT_NONE, 2, 65535},
    {"garp_storm", parse_int, CFG(lan.garp_storm),
	"a whole number from 2 to 65535", false, 0, FT_NONE, 2, 65535},
    {"blocklist_domains", parse_blocklist_domains, CFG(lan.blocklist_domains),
	"domains separated by commas, such as bad.example, *.bad.example",
	false, 0, FT_NONE, 0, 0},
    {"blocklist_ips", parse_blocklist_ips, CFG(lan.blocklist_ips),
	"IPv4 or IPv6 addresses or IPv4 networks (a.b.c.d/N) separated by "
	"commas",
	false, 0, FT_NONE, 0, 0},
    {"av_domains", parse_av_domains, CFG(lan.av_domains),
	"domains, each with an optional product, separated by commas, such "
	"as Kaspersky:*.kaspersky.com, ESET:*.eset.com",
	false, 0, FT_NONE, 0, 0},
    {"uplink_mac", parse_mac_opt, CFG(lan.uplink_mac),
	"a MAC address such as 00:11:22:33:44:55", false, 0, FT_NONE, 0, 0},
};

/*
 * [device KEY] and the inventory's columns: who the device is, then the
 * device settings. [defaults] is the table's tail from SETTINGS_FIRST,
 * with offsets into cfg->defaults: a device takes from it each setting it
 * does not set itself. An empty text or list means "not set", as an
 * empty CSV cell does; in [defaults], the built-in default.
 */
static const struct key_def device_keys[] = {
    {"name", parse_text, DEV(name), NAME_EXPECTED, true, NAME_MAX_BYTES,
	FT_NONE, 0, 0},
    {"kind", parse_kind, DEV(kind), KIND_EXPECTED, true, 0, FT_NONE, 0, 0},
    {"group", parse_opt_text, DEV(group), TEXT_EXPECTED, false, TEXT_MAX_BYTES,
	FT_NONE, 0, 0},
    {"address", parse_address, DEV(address),
	"an IPv4 address, IPv6 address or host name", false, 0, FT_NONE, 0, 0},
    {"parent", parse_parent, DEV(parent), "a device key", false, 0, FT_NONE, 0,
	0},
    {"isp", parse_opt_text, DEV(isp), TEXT_EXPECTED, false, TEXT_MAX_BYTES,
	FT_NONE, 0, 0},
    /* SETTINGS_FIRST: each with a type, for inheriting and the summary. */
    {"probes", parse_opt_text, DEV(probes), PROBES_EXPECTED, false,
	TEXT_MAX_BYTES, FT_STR, 0, 0},
    {"interval", parse_duration, DEV(interval_ms), INTERVAL_EXPECTED, false, 0,
	FT_MS, 1000, 86400000},
    {"timeout", parse_duration, DEV(timeout_ms), TIMEOUT_EXPECTED, false, 0,
	FT_MS, 10, 3600000},
    {"fail_threshold", parse_int, DEV(fail_threshold), THRESHOLD_EXPECTED,
	false, 0, FT_INT, 1, 100},
    {"success_threshold", parse_int, DEV(success_threshold), THRESHOLD_EXPECTED,
	false, 0, FT_INT, 1, 100},
    {"probe_rule", parse_rule, DEV(probe_rule), "any or all", false, 0, FT_RULE,
	0, 0},
    {"icmp_count", parse_int, DEV(icmp_count), THRESHOLD_EXPECTED, false, 0,
	FT_INT, 1, 100},
    {"icmp_spacing", parse_duration, DEV(icmp_spacing_ms), SPACING_EXPECTED,
	false, 0, FT_MS, 10, 10000},
    {"http_status", parse_http_status, DEV(http_status), HTTP_STATUS_EXPECTED,
	false, 0, FT_STR, 0, 0},
    {"http_contains", parse_opt_text, DEV(http_contains), TEXT_EXPECTED, false,
	TEXT_MAX_BYTES, FT_STR, 0, 0},
    {"loss_warn", parse_percent, DEV(loss_warn),
	"a percentage from 1 to 100, such as 20 or 12.5", false, 0, FT_PCT, 0,
	0},
    {"rtt_warn", parse_rtt_warn, DEV(rtt_warn_ms), RTT_EXPECTED, false, 0,
	FT_MS, 1, 60000},
    /* Windows down to 1s, so that a test can watch one fill in seconds. */
    {"degraded_after", parse_duration, DEV(degraded_after_ms), WINDOW_EXPECTED,
	false, 0, FT_MS, 1000, 86400000},
    {"flap_count", parse_int, DEV(flap_count), "a whole number from 2 to 100",
	false, 0, FT_INT, 2, 100},
    {"flap_window", parse_duration, DEV(flap_window_ms), WINDOW_EXPECTED, false,
	0, FT_MS, 1000, 86400000},
    {"maintenance", parse_maintenance, DEV(maintenance),
	"windows such as Sun 22:00-23:00; 2026-12-01 08:00-12:00, or none",
	false, MAINT_MAX_BYTES, FT_STR, 0, 0},
    {"snmp_version", parse_snmp_version, DEV(snmp_version), "1, 2c or 3", false,
	0, FT_SNMP_VERSION, 0, 0},
    {"snmp_port", parse_int, DEV(snmp_port), "a port number from 1 to 65535",
	false, 0, FT_INT, 1, 65535},
    {"snmp_community", parse_secret, DEV(snmp_community), TEXT_EXPECTED, false,
	TEXT_MAX_BYTES, FT_SECRET, 0, 0},
    {"snmp_user", parse_opt_text, DEV(snmp_user), "an SNMPv3 user name", false,
	32, FT_STR, 0, 0},
    {"snmp_auth", parse_snmp_auth, DEV(snmp_auth),
	"one of none, md5, sha, sha224, sha256, sha384, sha512", false, 0,
	FT_SNMP_AUTH, 0, 0},
    {"snmp_auth_pass", parse_snmp_pass, DEV(snmp_auth_pass),
	"a passphrase of 8 to 120 bytes", false, TEXT_MAX_BYTES, FT_SECRET, 0,
	0},
    {"snmp_priv", parse_snmp_priv, DEV(snmp_priv),
	"one of none, des, aes, aes192, aes256", false, 0, FT_SNMP_PRIV, 0, 0},
    {"snmp_priv_pass", parse_snmp_pass, DEV(snmp_priv_pass),
	"a passphrase of 8 to 120 bytes", false, TEXT_MAX_BYTES, FT_SECRET, 0,
	0},
    {"snmp_profile", parse_snmp_profile, DEV(snmp_profile),
	"auto, generic, system, unifi, mikrotik, aruba or the name of an "
	"[snmp-profile NAME] section",
	false, 0, FT_STR, 0, 0},
    {"snmp_important", parse_snmp_important, DEV(snmp_important),
	"interface names or ifIndex numbers separated by commas, such as "
	"ether1, 24",
	false, 1000, FT_STR, 0, 0},
    {"snmp_oids", parse_snmp_oids, DEV(snmp_oids),
	"LABEL:OID:TYPE entries separated by commas (TYPE gauge, counter or "
	"string; at most 16), such as "
	"temp:1.3.6.1.4.1.2021.13.16.2.1.3.1:gauge",
	false, 1000, FT_STR, 0, 0},
    {"heartbeat_grace", parse_duration, DEV(heartbeat_grace_ms),
	"a duration from 1s to 1d, such as 5m", false, 0, FT_MS, 1000,
	86400000},
};
#define SETTINGS_FIRST 6
#define NDEVICE_KEYS   (sizeof device_keys / sizeof device_keys[0])

static const struct key_def indicator_keys[] = {
    {"title", parse_text, IND(title), NAME_EXPECTED, true, NAME_MAX_BYTES,
	FT_NONE, 0, 0},
    {"metric", parse_metric, IND(metric),
	"one of uptime-group, uptime-device-min, lan-coverage, "
	"uplink-quality, av-coverage",
	true, 0, FT_NONE, 0, 0},
    {"scope", parse_opt_text, IND(scope), TEXT_EXPECTED, false, TEXT_MAX_BYTES,
	FT_NONE, 0, 0},
    {"target", parse_target, IND(target), "a number from 0 to 100", false, 0,
	FT_NONE, 0, 0},
    {"judge", parse_judge, IND(at_most),
	"at-least (met when the value reaches the target) or at-most", false, 0,
	FT_NONE, 0, 0},
    {"loss_max", parse_target, IND(loss_max),
	"a packet loss percentage from 0 to 100", false, 0, FT_NONE, 0, 0},
    {"rtt_max", parse_duration, IND(rtt_max_ms),
	"a duration from 1ms to 60s, such as 150ms", false, 0, FT_NONE, 1,
	60000},
    {"peak_hours", parse_peak_hours, IND(peak_from_h),
	"local hours FROM-TO with FROM < TO <= 24, such as 8-17", false, 0,
	FT_NONE, 0, 0},
};

#define KEYS(t) t, sizeof t / sizeof t[0]

#define SNMP(member) offsetof(struct config, snmp.member)
#define PROF(member) offsetof(struct config_snmp_profile, member)

static const struct key_def snmp_keys[] = {
    {"trap_port", parse_int, SNMP(trap_port),
	"a port number from 1 to 65535, or 0 for no trap receiver", false, 0,
	FT_NONE, 0, 65535},
    {"trap_listen", parse_ip, SNMP(trap_listen),
	"an IPv4 or IPv6 address such as 0.0.0.0", false, 0, FT_NONE, 0, 0},
    {"trap_communities", parse_trap_communities, SNMP(trap_communities),
	"communities separated by commas", false, 0, FT_NONE, 0, 0},
    {"trap_rate", parse_int, SNMP(trap_rate),
	"a whole number of traps per minute from 1 to 100000", false, 0,
	FT_NONE, 1, 100000},
    {"max_repetitions", parse_int, SNMP(max_repetitions),
	"a whole number from 1 to 200", false, 0, FT_NONE, 1, 200},
    {"retries", parse_int, SNMP(retries), "a whole number from 0 to 10", false,
	0, FT_NONE, 0, 10},
};

static const struct key_def snmp_profile_keys[] = {
    {"extends", parse_profile_extends, PROF(extends),
	"one of generic, system, unifi, mikrotik, aruba", false, 0, FT_NONE, 0,
	0},
    {"match", parse_profile_match, PROF(match),
	"a sysObjectID prefix such as 1.3.6.1.4.1.41112", false, 0, FT_NONE, 0,
	0},
    {"oids", parse_snmp_oids, PROF(oids),
	"LABEL:OID:TYPE entries separated by commas (TYPE gauge, counter or "
	"string; at most 16)",
	false, 1000, FT_NONE, 0, 0},
};

static const struct section_def sections[NSECT] = {
    [SECT_SITE] = {"site", KEYS(site_keys), NULL, 0},
    [SECT_DAEMON] = {"daemon", KEYS(daemon_keys), NULL, 0},
    [SECT_WEB] = {"web", KEYS(web_keys), NULL, 0},
    [SECT_LAN] = {"lan", KEYS(lan_keys), NULL, 0},
    [SECT_DEFAULTS] = {"defaults", device_keys + SETTINGS_FIRST,
	NDEVICE_KEYS - SETTINGS_FIRST, NULL, CFG(defaults)},
    [SECT_DEVICE] = {"device", KEYS(device_keys), "[device ap-thon-dong]", 0},
    [SECT_INDICATOR] = {"indicator", KEYS(indicator_keys),
	"[indicator uptime-wifi]", 0},
    [SECT_SNMP] = {"snmp", KEYS(snmp_keys), NULL, 0},
    [SECT_SNMP_PROFILE] = {"snmp-profile", KEYS(snmp_profile_keys),
	"[snmp-profile my-ap]", 0},
    [SECT_EVIDENCE] = {"evidence", KEYS(evidence_keys), NULL, 0},
    [SECT_PUSH] = {"push", KEYS(push_keys), "[push so-ttt]", 0},
};

_Static_assert(sizeof device_keys / sizeof device_keys[0] <= MAX_KEYS,
    "device_keys outgrew MAX_KEYS");
_Static_assert(sizeof daemon_keys / sizeof daemon_keys[0] <= MAX_KEYS,
    "daemon_keys outgrew MAX_KEYS");

static int
key_index(const struct section_def *sd, const char *name)
{
	for (size_t i = 0; i < sd->nkeys; i++)
		if (strcasecmp(sd->keys[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* Parse VALUE for key K into BASE; CTX says where, for the message. */
static int
value_apply(struct loader *ld, const struct key_def *k, void *base,
    const char *value, int file, int line, const char *ctx)
{
	if (k->parse(ld, k, (char *)base + k->offset, value) == 0)
		return 0;
	if (ld->bad != NULL && ld->why != NULL)
		lerr(ld, file, line, "bad %s %s: %s", ld->bad, ctx, ld->why);
	else if (ld->why != NULL)
		lerr(ld, file, line, "bad %s '%s' %s: %s", k->name, value, ctx,
		    ld->why);
	else
		lerr(ld, file, line, "bad %s '%s' %s: expected %s", k->name,
		    value, ctx, k->expected);
	free(ld->bad);
	free(ld->why);
	ld->bad = ld->why = NULL;
	return -1;
}

/* Sections. */

static struct config *
config_new(void)
{
	struct config *cfg = xcalloc(1, sizeof *cfg);

	cfg->daemon.log_level = LOG_INFO;
	cfg->web.enabled = 1;
	cfg->web.port = DEFAULT_PORT;
	cfg->lan.enabled = 1;
	cfg->lan.sample_rate = 1;
	cfg->lan.snaplen = 512;
	cfg->lan.buffer_mb = 8;
	cfg->lan.max_hosts = 4096;
	cfg->lan.learning_ms = 7 * 86400000LL;
	cfg->lan.scan_ports = 100;
	cfg->lan.scan_hosts = 50;
	cfg->lan.scan_window_ms = 60000;
	cfg->lan.ips_per_mac = 8;
	cfg->lan.garp_storm = 30;
	cfg->daemon.retention_days = DEFAULT_RETENTION;
	cfg->defaults.parent_index = -1;
	cfg->defaults.interval_ms = DEFAULT_INTERVAL_MS;
	cfg->defaults.timeout_ms = DEFAULT_TIMEOUT_MS;
	cfg->defaults.fail_threshold = DEFAULT_FAIL;
	cfg->defaults.success_threshold = DEFAULT_SUCCESS;
	cfg->defaults.probe_rule = PROBE_RULE_ANY;
	cfg->defaults.icmp_count = DEFAULT_ICMP_COUNT;
	cfg->defaults.icmp_spacing_ms = DEFAULT_SPACING_MS;
	cfg->defaults.loss_warn = DEFAULT_LOSS_WARN;
	cfg->defaults.rtt_warn_ms = 0; /* off */
	cfg->defaults.degraded_after_ms = DEFAULT_DEGRADED_MS;
	cfg->defaults.flap_count = DEFAULT_FLAP_COUNT;
	cfg->defaults.flap_window_ms = DEFAULT_FLAP_MS;
	cfg->defaults.snmp_version = CONFIG_SNMP_V2C;
	cfg->defaults.snmp_port = 161;
	cfg->snmp.trap_rate = 60;
	cfg->snmp.max_repetitions = 25;
	cfg->snmp.retries = 1;
	cfg->web.max_connections = 256;
	cfg->web.per_ip = 32;
	cfg->web.timeout_ms = 30000;
	cfg->web.body_max = 64 * 1024;
	cfg->web.session_idle_ms = 30 * 60000;
	cfg->evidence.daily_minute = 23 * 60 + 55;
	cfg->evidence.quarterly_day = 20;
	cfg->evidence.quarterly_minute = 23 * 60 + 55;
	cfg->evidence.outbox_max = 1000;
	cfg->evidence.retry_base_ms = 30000;
	cfg->evidence.retry_cap_ms = 6 * 3600000LL;
	cfg->evidence.keep_days = 400;
	return cfg;
}

static struct ldev *
ldev_add(struct loader *ld, const char *key, int file, int line)
{
	struct ldev *ldv;

	ld->devs = xreallocarray(ld->devs, ld->ndevs + 1, sizeof *ld->devs);
	ldv = &ld->devs[ld->ndevs++];
	memset(ldv, 0, sizeof *ldv);
	ldv->d.key = xstrdup(key);
	ldv->d.kind = DEVICE_OTHER;
	ldv->d.parent_index = -1;
	ldv->d.src_file = xstrdup(ld->files[file]);
	ldv->d.src_line = line;
	ldv->file = file;
	return ldv;
}

static const struct ldev *
ldev_find(const struct loader *ld, const char *key)
{
	for (size_t i = 0; i < ld->ndevs; i++)
		if (strcmp(ld->devs[i].d.key, key) == 0)
			return &ld->devs[i];
	return NULL;
}

/* "line 12" in the same file, "config/xanet.conf:12" across files. */
static char *
where(const struct loader *ld, int first_file, int first_line, int file)
{
	if (first_file == file)
		return xasprintf("line %d", first_line);
	return xasprintf("%s:%d", ld->files[first_file], first_line);
}

static void
section_end(struct loader *ld)
{
	const struct section_def *sd;
	int *lines;

	if (ld->sect < 0)
		return;
	sd = &sections[ld->sect];
	if (ld->sect == SECT_DEVICE)
		lines = ld->devs[ld->cur].lines;
	else if (ld->sect == SECT_INDICATOR)
		lines = ld->inds[ld->cur].lines;
	else if (ld->sect == SECT_SNMP_PROFILE)
		lines = ld->profs[ld->cur].lines;
	else if (ld->sect == SECT_PUSH)
		lines = ld->pushes[ld->cur].lines;
	else
		lines = ld->single_keys[ld->sect];
	for (size_t i = 0; i < sd->nkeys; i++) {
		if (sd->keys[i].required && lines[i] == 0)
			lerr(ld, FILE_CONF, ld->sect_line,
			    "missing required key '%s' in %s", sd->keys[i].name,
			    ld->sect_title);
	}
}

/* A new [snmp-profile NAME]: not a built-in's name, not seen before. */
static int
lprof_begin(struct loader *ld, const char *name)
{
	struct lprof *lp;

	if (strcasecmp(name, "auto") == 0 ||
	    name_index(name, snmp_profile_bases, NELEM(snmp_profile_bases)) >=
		0) {
		lerr(ld, FILE_CONF, ld->line,
		    "[snmp-profile %s]: '%s' is a built-in name; choose "
		    "another, and 'extends = ...' to build on a built-in "
		    "profile",
		    name, name);
		return -1;
	}
	for (size_t i = 0; i < ld->nprofs; i++) {
		if (strcmp(ld->profs[i].prof.key, name) == 0) {
			lerr(ld, FILE_CONF, ld->line,
			    "duplicate snmp-profile '%s' (first defined at "
			    "line %d)",
			    name, ld->profs[i].prof.src_line);
			return -1;
		}
	}
	ld->profs = xreallocarray(ld->profs, ld->nprofs + 1, sizeof *ld->profs);
	lp = &ld->profs[ld->nprofs++];
	memset(lp, 0, sizeof *lp);
	lp->prof.key = xstrdup(name);
	lp->prof.src_file = xstrdup(ld->files[FILE_CONF]);
	lp->prof.src_line = ld->line;
	ld->cur = ld->nprofs - 1;
	return 0;
}

/* A new [push NAME], not seen before. */
static int
lpush_begin(struct loader *ld, const char *name)
{
	struct lpush *lp;

	for (size_t i = 0; i < ld->npushes; i++) {
		if (strcmp(ld->pushes[i].push.key, name) == 0) {
			lerr(ld, FILE_CONF, ld->line,
			    "duplicate push target '%s' (first defined at "
			    "line %d)",
			    name, ld->pushes[i].push.src_line);
			return -1;
		}
	}
	ld->pushes =
	    xreallocarray(ld->pushes, ld->npushes + 1, sizeof *ld->pushes);
	lp = &ld->pushes[ld->npushes++];
	memset(lp, 0, sizeof *lp);
	lp->push.key = xstrdup(name);
	lp->push.timeout_ms = 120000;
	lp->push.kinds = SNAPSHOT_DAILY | SNAPSHOT_QUARTERLY | SNAPSHOT_MANUAL;
	lp->push.src_file = xstrdup(ld->files[FILE_CONF]);
	lp->push.src_line = ld->line;
	ld->cur = ld->npushes - 1;
	return 0;
}

static void
section_begin(struct loader *ld, char *header)
{
	char *type = header, *arg;
	const struct section_def *sd = NULL;
	int s;

	section_end(ld);
	ld->sect = SECT_IGNORE;
	ld->sect_line = ld->line;
	free(ld->sect_title);
	ld->sect_title = NULL;

	str_trim(type);
	arg = type + strcspn(type, " \t");
	if (*arg != '\0') {
		*arg++ = '\0';
		str_trim(arg);
	}
	for (s = 0; s < NSECT; s++) {
		if (strcasecmp(type, sections[s].name) == 0) {
			sd = &sections[s];
			break;
		}
	}
	if (sd == NULL) {
		const char *names[NSECT], *hint;

		for (int i = 0; i < NSECT; i++)
			names[i] = sections[i].name;
		hint = suggest(type, names, NSECT);
		if (hint != NULL)
			lerr(ld, FILE_CONF, ld->line,
			    "unknown section [%s%s%s] (did you mean [%s%s%s]?)",
			    type, *arg ? " " : "", arg, hint, *arg ? " " : "",
			    arg);
		else
			lerr(ld, FILE_CONF, ld->line,
			    "unknown section [%s%s%s]", type, *arg ? " " : "",
			    arg);
		return;
	}
	if (sd->example == NULL) {
		if (*arg != '\0') {
			lerr(ld, FILE_CONF, ld->line,
			    "section [%s] takes no key (found [%s %s])",
			    sd->name, sd->name, arg);
			return;
		}
		if (ld->single_line[s] != 0) {
			lerr(ld, FILE_CONF, ld->line,
			    "duplicate section [%s] (first defined at line %d)",
			    sd->name, ld->single_line[s]);
			return;
		}
		ld->single_line[s] = ld->line;
		ld->sect = s;
		ld->sect_title = xasprintf("[%s]", sd->name);
		return;
	}
	if (*arg == '\0') {
		lerr(ld, FILE_CONF, ld->line,
		    "section [%s] needs a key, e.g. %s", sd->name, sd->example);
		return;
	}
	if (!key_valid(arg)) {
		lerr(ld, FILE_CONF, ld->line,
		    "invalid %s key '%s': use 1 to 63 letters, digits, '.', "
		    "'_' or '-'",
		    sd->name, arg);
		return;
	}
	if (s == SECT_DEVICE) {
		const struct ldev *first = ldev_find(ld, arg);

		if (first != NULL) {
			lerr(ld, FILE_CONF, ld->line,
			    "duplicate device '%s' (first defined at line %d)",
			    arg, first->d.src_line);
			return;
		}
		ldev_add(ld, arg, FILE_CONF, ld->line);
		ld->cur = ld->ndevs - 1;
	} else if (s == SECT_SNMP_PROFILE) {
		if (lprof_begin(ld, arg) == -1)
			return;
	} else if (s == SECT_PUSH) {
		if (lpush_begin(ld, arg) == -1)
			return;
	} else {
		struct lind *li;

		for (size_t i = 0; i < ld->ninds; i++) {
			if (strcmp(ld->inds[i].ind.key, arg) == 0) {
				lerr(ld, FILE_CONF, ld->line,
				    "duplicate indicator '%s' (first defined "
				    "at line %d)",
				    arg, ld->inds[i].ind.src_line);
				return;
			}
		}
		ld->inds =
		    xreallocarray(ld->inds, ld->ninds + 1, sizeof *ld->inds);
		li = &ld->inds[ld->ninds++];
		memset(li, 0, sizeof *li);
		li->ind.key = xstrdup(arg);
		li->ind.target = -1;
		li->ind.loss_max = 2;
		li->ind.rtt_max_ms = 150;
		li->ind.peak_from_h = 8;
		li->ind.peak_to_h = 17;
		li->ind.src_file = xstrdup(ld->files[FILE_CONF]);
		li->ind.src_line = ld->line;
		ld->cur = ld->ninds - 1;
	}
	ld->sect = s;
	ld->sect_title = xasprintf("[%s %s]", sd->name, arg);
}

/* Where a key named NAME belongs, when it is not in the current section. */
static char *
key_home(int sect, const char *name)
{
	char *out = NULL;

	for (int s = 0; s < NSECT; s++) {
		char *prev = out;

		if (s == sect || key_index(&sections[s], name) < 0)
			continue;
		out = xasprintf("%s%s[%s%s]", prev ? prev : "",
		    prev ? " or " : "", sections[s].name,
		    sections[s].example ? " KEY" : "");
		free(prev);
	}
	return out;
}

static void
unknown_key(struct loader *ld, const struct section_def *sd, const char *name)
{
	const char *names[MAX_KEYS], *hint;
	char *home;

	for (size_t i = 0; i < sd->nkeys; i++)
		names[i] = sd->keys[i].name;
	if ((hint = suggest(name, names, sd->nkeys)) != NULL) {
		lerr(ld, FILE_CONF, ld->line,
		    "unknown key '%s' in %s (did you mean '%s'?)", name,
		    ld->sect_title, hint);
	} else if ((home = key_home(ld->sect, name)) != NULL) {
		lerr(ld, FILE_CONF, ld->line,
		    "unknown key '%s' in %s (it belongs in %s)", name,
		    ld->sect_title, home);
		free(home);
	} else
		lerr(ld, FILE_CONF, ld->line, "unknown key '%s' in %s", name,
		    ld->sect_title);
}

static int
conf_handler(
    void *user, const char *section, const char *name, const char *value)
{
	struct loader *ld = user;
	const struct section_def *sd;
	void *base;
	int *lines, k;
	char *ctx, *v;
	size_t vlen;

	/* The reader tracks sections itself: inih truncates long names. */
	(void)section;
	if (name[0] == '\0') {
		lerr(ld, FILE_CONF, ld->line,
		    "syntax error: a key name is missing before '='");
		return 1;
	}
	if (ld->sect == SECT_NONE) {
		lerr(ld, FILE_CONF, ld->line, "key '%s' outside any section",
		    name);
		return 1;
	}
	if (ld->sect == SECT_IGNORE)
		return 1;
	sd = &sections[ld->sect];
	if (ld->sect == SECT_DEVICE) {
		base = &ld->devs[ld->cur].d;
		lines = ld->devs[ld->cur].lines;
	} else if (ld->sect == SECT_INDICATOR) {
		base = &ld->inds[ld->cur].ind;
		lines = ld->inds[ld->cur].lines;
	} else if (ld->sect == SECT_SNMP_PROFILE) {
		base = &ld->profs[ld->cur].prof;
		lines = ld->profs[ld->cur].lines;
	} else if (ld->sect == SECT_PUSH) {
		base = &ld->pushes[ld->cur].push;
		lines = ld->pushes[ld->cur].lines;
	} else {
		base = (char *)ld->cfg + sd->base;
		lines = ld->single_keys[ld->sect];
	}
	if ((k = key_index(sd, name)) < 0) {
		unknown_key(ld, sd, name);
		return 1;
	}
	if (lines[k] != 0) {
		lerr(ld, FILE_CONF, ld->line,
		    "duplicate key '%s' in %s (first set at line %d)",
		    sd->keys[k].name, ld->sect_title, lines[k]);
		return 1;
	}
	lines[k] = ld->line;
	if (strcmp(value, "\x01") == 0 && ld->big != NULL) {
		v = ld->big; /* the long value conf_reader kept aside */
		ld->big = NULL;
	} else
		v = xstrdup(value);
	/* name = "Nhà văn hóa" reads as people mean it: without the quotes. */
	vlen = strlen(v);
	if (vlen >= 2 && v[0] == '"' && v[vlen - 1] == '"') {
		memmove(v, v + 1, vlen - 2);
		v[vlen - 2] = '\0';
	}
	ctx = xasprintf("in %s", ld->sect_title);
	/* A bad value is reported once: the device keeps the default. */
	if (value_apply(ld, &sd->keys[k], base, v, FILE_CONF, ld->line, ctx) ==
		0 &&
	    ld->sect == SECT_DEVICE && v[0] != '\0')
		ld->devs[ld->cur].set[k] = true;
	free(ctx);
	free(v);
	return 1;
}

/*
 * inih's own scan for a delimiter: it stops at the first of CHARS or at an
 * inline comment (';' after white space). Mirrored so that the lines we
 * flag are exactly the ones inih would reject.
 */
static const char *
find_chars_or_comment(const char *s, const char *chars)
{
	bool was_space = false;

	while (*s != '\0' && (chars == NULL || strchr(chars, *s) == NULL) &&
	       !(was_space && *s == ';')) {
		was_space = *s == ' ' || *s == '\t' || *s == '\r' ||
			    *s == '\n' || *s == '\v' || *s == '\f';
		s++;
	}
	return s;
}

static void
reader_header(struct loader *ld, char *line)
{
	const char *end = find_chars_or_comment(line + 1, "]");
	char *rest, *header;

	if (*end != ']') {
		section_end(ld);
		ld->sect = SECT_IGNORE;
		lerr(ld, FILE_CONF, ld->line,
		    "syntax error: '[' without a closing ']'");
		return;
	}
	rest = str_trim(xstrdup(end + 1));
	if (rest[0] != '\0' && rest[0] != ';' && rest[0] != '#') {
		section_end(ld);
		ld->sect = SECT_IGNORE;
		lerr(ld, FILE_CONF, ld->line,
		    "syntax error: text after ']': '%s'", rest);
		free(rest);
		return;
	}
	free(rest);
	header = xmalloc((size_t)(end - line));
	memcpy(header, line + 1, (size_t)(end - line - 1));
	header[end - line - 1] = '\0';
	section_begin(ld, header);
	free(header);
}

/*
 * An ini_reader: hands inih one physical line at a time, trimmed, or an
 * empty line in place of one already reported as wrong.
 */
/*
 * The next physical line, without its newline (and CR, and a BOM on line
 * 1), checked for NUL bytes and UTF-8; NULL at the end. A bad line is
 * reported and read as empty.
 */
static char *
reader_physical(struct loader *ld)
{
	const char *start, *nl;
	size_t n;
	char *line;

	if (ld->pos >= ld->len)
		return NULL;
	start = ld->data + ld->pos;
	nl = memchr(start, '\n', ld->len - ld->pos);
	n = nl != NULL ? (size_t)(nl - start) : ld->len - ld->pos;
	ld->pos += n + (nl != NULL);
	ld->phys++;
	if (n > 0 && start[n - 1] == '\r')
		n--;
	if (ld->phys == 1 && n >= 3 && memcmp(start, "\xef\xbb\xbf", 3) == 0) {
		start += 3;
		n -= 3;
	}
	if (memchr(start, '\0', n) != NULL) {
		lerr(ld, FILE_CONF, ld->phys, "the line contains a NUL byte");
		n = 0;
	} else if (n > LINE_MAX_BYTES) {
		lerr(ld, FILE_CONF, ld->phys,
		    "line is too long (%zu bytes; at most %d)", n,
		    LINE_MAX_BYTES);
		n = 0;
	} else if (!utf8_valid(start, n)) {
		lerr(ld, FILE_CONF, ld->phys,
		    "not valid UTF-8 text: save the file as UTF-8");
		n = 0;
	}
	line = xmalloc(n + 1);
	memcpy(line, start, n);
	line[n] = '\0';
	return line;
}

/* Whether the next physical line is indented text: a continuation. */
static bool
reader_continues(const struct loader *ld)
{
	const char *p = ld->data + ld->pos, *end = ld->data + ld->len;

	if (p >= end || (*p != ' ' && *p != '\t'))
		return false;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	return p < end && *p != '\n' && *p != '\r' && *p != ';' && *p != '#';
}

/*
 * An ini_reader: hands inih one entry at a time, trimmed, or an empty
 * line in place of one already reported as wrong. A value that ends in a
 * comma goes on over the indented lines that follow, so that long lists
 * (blocklists, custom OIDs) stay readable:
 *
 *   blocklist_domains = example.com, *.bad.example,
 *       other.example
 *
 * inih's line buffer is fixed at build time (200 bytes in Debian's), so
 * a longer entry reaches it as "key=\x01" with the value kept in ld->big
 * for conf_handler.
 */
static char *
conf_reader(char *str, int num, void *stream)
{
	struct loader *ld = stream;
	size_t limit = num > 3 ? (size_t)num - 3 : 0;
	char *line, *next, *joined;
	const char *end;

	if (num < 2 || (line = reader_physical(ld)) == NULL)
		return NULL;
	ld->line = ld->phys;
	str[0] = '\n';
	str[1] = '\0';
	str_trim(line);
	if (line[0] == '[') {
		/* Sections are ours (reader_header); inih sees a blank. */
		reader_header(ld, line);
		free(line);
		return str;
	}
	if (line[0] == '\0' || line[0] == ';' || line[0] == '#') {
		free(line);
		return str;
	}
	end = find_chars_or_comment(line, "=:");
	if (*end != '=' && *end != ':') {
		lerr(ld, FILE_CONF, ld->line,
		    "syntax error: expected 'key = value', '[section]' "
		    "or a comment");
		free(line);
		return str;
	}
	/* Inline comments go now, so that a trailing comma is seen. */
	*(char *)find_chars_or_comment(end + 1, NULL) = '\0';
	str_trim(line);
	while (line[strlen(line) - 1] == ',' && reader_continues(ld)) {
		next = reader_physical(ld);
		*(char *)find_chars_or_comment(next, NULL) = '\0';
		joined = xasprintf("%s %s", line, str_trim(next));
		free(next);
		free(line);
		line = joined;
		if (strlen(line) > LINE_MAX_BYTES) {
			lerr(ld, FILE_CONF, ld->line,
			    "entry is too long (over %d bytes)",
			    LINE_MAX_BYTES);
			free(line);
			return str;
		}
	}
	if (strlen(line) > limit) {
		size_t klen =
		    (size_t)(find_chars_or_comment(line, "=:") - line);

		if (klen + 3 > limit) {
			lerr(ld, FILE_CONF, ld->line,
			    "key name is too long (%zu bytes)", klen);
			free(line);
			return str;
		}
		free(ld->big);
		ld->big = xstrdup(str_trim(line + klen + 1));
		snprintf(str, (size_t)num, "%.*s=\x01\n", (int)klen, line);
		free(line);
		return str;
	}
	snprintf(str, (size_t)num, "%s\n", line);
	free(line);
	return str;
}

/* Files. */

/* Read PATH whole, at most MAX bytes; errors go to ld under FILE. */
static char *
file_read(
    struct loader *ld, int file, const char *path, size_t max, size_t *lenp)
{
	FILE *fp;
	char *buf;
	size_t len = 0, cap = 4096;

	if ((fp = fopen(path, "re")) == NULL) {
		lerr(ld, file, 0, "cannot open: %s", strerror(errno));
		return NULL;
	}
	buf = xmalloc(cap);
	for (;;) {
		size_t n;

		if (len == cap) {
			cap *= 2;
			buf = xreallocarray(buf, cap, 1);
		}
		n = fread(buf + len, 1, cap - len, fp);
		len += n;
		if (n == 0)
			break;
		if (len > max)
			break;
	}
	if (ferror(fp)) {
		lerr(ld, file, 0, "cannot read: %s", strerror(errno));
		fclose(fp);
		free(buf);
		return NULL;
	}
	fclose(fp);
	if (len > max) {
		lerr(ld, file, 0, "too large: over %zu bytes", max);
		free(buf);
		return NULL;
	}
	*lenp = len;
	return buf;
}

/* DIR of PATH with its slash ("config/"), or "" for a bare file name. */
static char *
dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	size_t n = slash != NULL ? (size_t)(slash - path) + 1 : 0;
	char *dir = xmalloc(n + 1);

	memcpy(dir, path, n);
	dir[n] = '\0';
	return dir;
}

/* The inventory CSV. */

static void
inv_error(void *arg, int line, const char *msg)
{
	struct loader *ld = arg;

	lerr(ld, FILE_INV, line, "%s", msg);
}

static void
inventory_load(struct loader *ld, const char *data, size_t len)
{
	const struct section_def *sd = &sections[SECT_DEVICE];
	struct inventory *inv = inventory_parse(data, len, inv_error, ld);
	size_t ncol = inventory_ncolumns(inv);
	int hline = inventory_header_line(inv);
	int map[INVENTORY_MAX_COLUMNS];
	int key_col = -1, have[MAX_KEYS] = {0};
	bool missing[MAX_KEYS] = {false};

	for (size_t c = 0; c < ncol; c++) {
		const char *col = inventory_column(inv, c);
		const char *names[MAX_KEYS + 1], *hint;

		map[c] = -1;
		if (col[0] == '\0')
			continue;
		if (strcmp(col, "key") == 0) {
			key_col = (int)c;
			continue;
		}
		if ((map[c] = key_index(sd, col)) >= 0) {
			have[map[c]] = 1;
			continue;
		}
		names[0] = "key";
		for (size_t i = 0; i < sd->nkeys; i++)
			names[i + 1] = sd->keys[i].name;
		if ((hint = suggest(col, names, sd->nkeys + 1)) != NULL)
			lerr(ld, FILE_INV, hline,
			    "unknown column '%s' (did you mean '%s'?)", col,
			    hint);
		else {
			char *list = xstrdup("key");

			for (size_t i = 0; i < sd->nkeys; i++) {
				char *l =
				    xasprintf("%s, %s", list, sd->keys[i].name);

				free(list);
				list = l;
			}
			lerr(ld, FILE_INV, hline,
			    "unknown column '%s' (columns: %s)", col, list);
			free(list);
		}
	}
	if (hline > 0 && key_col < 0)
		lerr(ld, FILE_INV, hline,
		    "missing column 'key' in the header row");
	for (size_t i = 0; i < sd->nkeys; i++) {
		if (hline > 0 && sd->keys[i].required && !have[i]) {
			lerr(ld, FILE_INV, hline,
			    "missing column '%s' in the header row",
			    sd->keys[i].name);
			missing[i] = true;
		}
	}
	for (size_t r = 0; r < inventory_nrows(inv) && key_col >= 0; r++) {
		int line = inventory_row_line(inv, r);
		const char *key = inventory_cell(inv, r, (size_t)key_col);
		const struct ldev *first;
		struct ldev *ldv;
		char *ctx;

		if (key[0] == '\0') {
			lerr(ld, FILE_INV, line,
			    "missing device key (column 'key')");
			continue;
		}
		if (!key_valid(key)) {
			lerr(ld, FILE_INV, line,
			    "invalid device key '%s': use 1 to 63 letters, "
			    "digits, '.', '_' or '-'",
			    key);
			continue;
		}
		if ((first = ldev_find(ld, key)) != NULL) {
			char *w =
			    where(ld, first->file, first->d.src_line, FILE_INV);

			lerr(ld, FILE_INV, line,
			    "duplicate device '%s' (first defined at %s)", key,
			    w);
			free(w);
			continue;
		}
		ldv = ldev_add(ld, key, FILE_INV, line);
		ctx = xasprintf("for device '%s'", key);
		for (size_t c = 0; c < ncol; c++) {
			const char *v = inventory_cell(inv, r, c);

			if (map[c] < 0 || v[0] == '\0')
				continue;
			ldv->lines[map[c]] = line;
			ldv->set[map[c]] =
			    value_apply(ld, &sd->keys[map[c]], &ldv->d, v,
				FILE_INV, line, ctx) == 0;
		}
		free(ctx);
		for (size_t i = 0; i < sd->nkeys; i++) {
			if (sd->keys[i].required && !missing[i] &&
			    ldv->lines[i] == 0)
				lerr(ld, FILE_INV, line,
				    "missing required value '%s' for device "
				    "'%s'",
				    sd->keys[i].name, key);
		}
	}
	inventory_free(inv);
}

/* Checks that need the whole configuration. */

static char *
dev_ctx(const struct ldev *ldv)
{
	if (ldv->file == FILE_INV)
		return xasprintf("for device '%s'", ldv->d.key);
	return xasprintf("in [device %s]", ldv->d.key);
}

/* Does the probe list run an ICMP round? */
static bool
probes_icmp(const char *probes)
{
	char *copy, *rest, *item;
	bool found = false;

	if (probes == NULL)
		return false;
	copy = rest = xstrdup(probes);
	while (!found && (item = strsep(&rest, ",")) != NULL) {
		str_trim(item);
		found = strcasecmp(item, "icmp") == 0 ||
			strncasecmp(item, "icmp:", 5) == 0;
	}
	free(copy);
	return found;
}

/*
 * A round must end before the next one starts: the timeout, and for ICMP
 * the echoes sent icmp_spacing apart before the last one's timeout. LINES
 * say where section SD set its keys: only what it sets itself is checked,
 * so that a mistake in [defaults] is reported once, there, and not again
 * for every device that inherits it.
 */
static void
round_check(struct loader *ld, int file, const struct section_def *sd,
    const int *lines, const struct config_device *d, const char *ctx)
{
	static const char *const keys[] = {
	    "interval", "timeout", "icmp_count", "icmp_spacing", "probes"};
	int line[5], last = 0;
	char iv[32], to[32], sp[32], rd[32];
	int64_t round;

	for (size_t i = 0; i < 5; i++) {
		line[i] = lines[key_index(sd, keys[i])];
		if (line[i] > last)
			last = line[i];
	}
	duration_format(d->interval_ms, iv, sizeof iv);
	duration_format(d->timeout_ms, to, sizeof to);
	if (d->timeout_ms >= d->interval_ms) {
		if (line[0] > 0 || line[1] > 0)
			lerr(ld, file, line[1] > 0 ? line[1] : line[0],
			    "timeout %s must be shorter than interval %s %s",
			    to, iv, ctx);
		return;
	}
	if (last == 0 || !probes_icmp(d->probes))
		return;
	round =
	    (int64_t)(d->icmp_count - 1) * d->icmp_spacing_ms + d->timeout_ms;
	if (round < d->interval_ms)
		return;
	duration_format(d->icmp_spacing_ms, sp, sizeof sp);
	duration_format(round, rd, sizeof rd);
	lerr(ld, file, last,
	    "icmp round %s (icmp_count %d, icmp_spacing %s, timeout %s) must "
	    "be shorter than interval %s %s",
	    rd, d->icmp_count, sp, to, iv, ctx);
}

/* Copy the device setting K from FROM to TO. */
static void
setting_copy(const struct key_def *k, struct config_device *to,
    const struct config_device *from)
{
	const char *src = (const char *)from + k->offset;
	char *dst = (char *)to + k->offset;

	switch (k->type) {
	case FT_INT:
	case FT_RULE:
	case FT_SNMP_VERSION:
	case FT_SNMP_AUTH:
	case FT_SNMP_PRIV:
		memcpy(dst, src, sizeof(int));
		break;
	case FT_MS:
		memcpy(dst, src, sizeof(int64_t));
		break;
	case FT_PCT:
		memcpy(dst, src, sizeof(double));
		break;
	case FT_STR:
	case FT_SECRET:
		set_str(
		    (char **)(void *)dst, *(char *const *)(const void *)src);
		break;
	case FT_NONE:
		break;
	}
}

/* Every device setting SET does not mark (NULL: all) from [defaults]. */
static void
device_inherit(
    struct config_device *d, const struct config_device *defs, const bool *set)
{
	const struct section_def *sd = &sections[SECT_DEVICE];

	for (size_t i = 0; i < sd->nkeys; i++)
		if (sd->keys[i].type != FT_NONE && (set == NULL || !set[i]))
			setting_copy(&sd->keys[i], d, defs);
}

static void
devices_inherit(struct loader *ld)
{
	const struct section_def *sd = &sections[SECT_DEVICE];

	for (size_t i = 0; i < ld->ndevs; i++) {
		struct ldev *ldv = &ld->devs[i];
		char *ctx;

		device_inherit(&ldv->d, &ld->cfg->defaults, ldv->set);
		ctx = dev_ctx(ldv);
		round_check(ld, ldv->file, sd, ldv->lines, &ldv->d, ctx);
		free(ctx);
	}
}

/* Does the probe list poll SNMP? */
static bool
probes_snmp(const char *probes)
{
	char *copy, *rest, *item;
	bool found = false;

	if (probes == NULL)
		return false;
	copy = rest = xstrdup(probes);
	while (!found && (item = strsep(&rest, ",")) != NULL)
		found = strcasecmp(str_trim(item), "snmp") == 0;
	free(copy);
	return found;
}

static bool
snmp_profile_known(const struct loader *ld, const char *name)
{
	if (name == NULL || strcasecmp(name, "auto") == 0 ||
	    name_index(name, snmp_profile_bases, NELEM(snmp_profile_bases)) >=
		0)
		return true;
	for (size_t i = 0; i < ld->nprofs; i++)
		if (strcmp(ld->profs[i].prof.key, name) == 0)
			return true;
	return false;
}

/* Where LDV set KEY, or its header/row when it inherited KEY. */
static int
ldev_line(const struct ldev *ldv, const char *key)
{
	int k = key_index(&sections[SECT_DEVICE], key);

	return ldv->lines[k] > 0 ? ldv->lines[k] : ldv->d.src_line;
}

/*
 * What an SNMP poll needs: credentials that fit the version (there is no
 * default community: guessing "public" would be polling with a secret
 * nobody chose), and a profile that exists. Messages name keys, never
 * their values.
 */
static void
snmp_check(struct loader *ld)
{
	int pk = key_index(&sections[SECT_DEVICE], "snmp_profile");
	int dpk = key_index(&sections[SECT_DEFAULTS], "snmp_profile");
	const char *dp = ld->cfg->defaults.snmp_profile;

	if (!snmp_profile_known(ld, dp))
		lerr(ld, FILE_CONF, ld->single_keys[SECT_DEFAULTS][dpk],
		    "unknown snmp_profile '%s' in [defaults] (use %s)", dp,
		    SNMP_PROFILE_CHOICES);
	for (size_t i = 0; i < ld->ndevs; i++) {
		const struct ldev *ldv = &ld->devs[i];
		const struct config_device *d = &ldv->d;
		char *ctx = dev_ctx(ldv);

		if (ldv->set[pk] && !snmp_profile_known(ld, d->snmp_profile))
			lerr(ld, ldv->file, ldv->lines[pk],
			    "unknown snmp_profile '%s' %s (use %s)",
			    d->snmp_profile, ctx, SNMP_PROFILE_CHOICES);
		if (!probes_snmp(d->probes)) {
			free(ctx);
			continue;
		}
		if (d->snmp_version != CONFIG_SNMP_V3 &&
		    d->snmp_community == NULL)
			lerr(ld, ldv->file, ldev_line(ldv, "probes"),
			    "missing snmp_community %s: SNMP v%s needs one "
			    "(there is no default community)",
			    ctx,
			    d->snmp_version == CONFIG_SNMP_V1 ? "1" : "2c");
		if (d->snmp_version != CONFIG_SNMP_V3) {
			free(ctx);
			continue;
		}
		if (d->snmp_user == NULL)
			lerr(ld, ldv->file, ldev_line(ldv, "snmp_version"),
			    "missing snmp_user %s: SNMP v3 needs a user", ctx);
		if (d->snmp_auth != CONFIG_SNMP_AUTH_NONE &&
		    d->snmp_auth_pass == NULL)
			lerr(ld, ldv->file, ldev_line(ldv, "snmp_auth"),
			    "missing snmp_auth_pass %s: snmp_auth %s needs a "
			    "passphrase",
			    ctx, config_snmp_auth_name(d->snmp_auth));
		if (d->snmp_priv != CONFIG_SNMP_PRIV_NONE &&
		    d->snmp_auth == CONFIG_SNMP_AUTH_NONE)
			lerr(ld, ldv->file, ldev_line(ldv, "snmp_priv"),
			    "snmp_priv %s %s needs snmp_auth too (SNMP v3 has "
			    "no privacy without authentication)",
			    config_snmp_priv_name(d->snmp_priv), ctx);
		else if (d->snmp_priv != CONFIG_SNMP_PRIV_NONE &&
			 d->snmp_priv_pass == NULL)
			lerr(ld, ldv->file, ldev_line(ldv, "snmp_priv"),
			    "missing snmp_priv_pass %s: snmp_priv %s needs a "
			    "passphrase",
			    ctx, config_snmp_priv_name(d->snmp_priv));
		free(ctx);
	}
}

static void
parents_resolve(struct loader *ld)
{
	int pk = key_index(&sections[SECT_DEVICE], "parent");
	const char **keys = xcalloc(ld->ndevs, sizeof *keys);

	for (size_t i = 0; i < ld->ndevs; i++)
		keys[i] = ld->devs[i].d.key;
	for (size_t i = 0; i < ld->ndevs; i++) {
		struct ldev *ldv = &ld->devs[i];
		struct config_device *d = &ldv->d;
		const char *hint;
		const struct ldev *p;

		if (d->parent == NULL)
			continue;
		if (strcmp(d->parent, d->key) == 0) {
			lerr(ld, ldv->file, ldv->lines[pk],
			    "device '%s' is its own parent", d->key);
			continue;
		}
		if ((p = ldev_find(ld, d->parent)) != NULL) {
			d->parent_index = (int)(p - ld->devs);
			continue;
		}
		/* Never suggest the device itself. */
		keys[i] = NULL;
		hint = suggest(d->parent, keys, ld->ndevs);
		keys[i] = d->key;
		if (hint != NULL)
			lerr(ld, ldv->file, ldv->lines[pk],
			    "unknown parent '%s' for device '%s' (did you mean "
			    "'%s'?)",
			    d->parent, d->key, hint);
		else
			lerr(ld, ldv->file, ldv->lines[pk],
			    "unknown parent '%s' for device '%s'", d->parent,
			    d->key);
	}
	free(keys);
}

/* A cycle would make every device in it wait on another to be "up". */
static void
parents_cycles(struct loader *ld)
{
	int pk = key_index(&sections[SECT_DEVICE], "parent");
	unsigned char *color = xcalloc(ld->ndevs, 1);

	for (size_t i = 0; i < ld->ndevs; i++) {
		int j = (int)i, k;

		/* 1: on the walk from i; 2: known to reach a root or cycle. */
		while (j >= 0 && color[j] == 0) {
			color[j] = 1;
			j = ld->devs[j].d.parent_index;
		}
		if (j >= 0 && color[j] == 1) {
			int first = j;
			char *msg, *m;

			for (k = ld->devs[j].d.parent_index; k != j;
			     k = ld->devs[k].d.parent_index)
				if (k < first)
					first = k;
			msg = xstrdup(ld->devs[first].d.key);
			k = first;
			do {
				k = ld->devs[k].d.parent_index;
				m = xasprintf(
				    "%s -> %s", msg, ld->devs[k].d.key);
				free(msg);
				msg = m;
			} while (k != first);
			lerr(ld, ld->devs[first].file,
			    ld->devs[first].lines[pk], "parent cycle: %s", msg);
			free(msg);
		}
		for (k = (int)i; k >= 0 && color[k] == 1;
		     k = ld->devs[k].d.parent_index)
			color[k] = 2;
	}
	free(color);
}

/*
 * Root gets the system defaults, and so does the daemon user itself
 * (USER, or "xanet"): xanetd rereads its config on SIGHUP after dropping
 * to that user, and its paths must not move under it.
 */
static bool
system_instance(const char *user)
{
	struct passwd pw, *res = NULL;
	char buf[4096];

	if (geteuid() == 0)
		return true;
	/* A reload may run beside the web thread: the reentrant lookup. */
	if (getpwnam_r(user != NULL ? user : "xanet", &pw, buf, sizeof buf,
		&res) != 0 ||
	    res == NULL)
		return false;
	return pw.pw_uid == geteuid();
}

/*
 * Where state goes when [daemon] state_dir is absent: the system's state
 * directory for the daemon, the XDG one for a user trying xanet out.
 */
static char *
state_dir_default(bool system)
{
	const char *xdg = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
	struct passwd pw, *res = NULL;
	char buf[4096];

	if (system)
		return xstrdup(XANET_STATEDIR);
	if (xdg != NULL && xdg[0] == '/')
		return xasprintf("%s/xanet", xdg);
	if ((home == NULL || home[0] != '/') &&
	    getpwuid_r(geteuid(), &pw, buf, sizeof buf, &res) == 0 &&
	    res != NULL)
		home = pw.pw_dir;
	if (home == NULL || home[0] != '/')
		return NULL;
	return xasprintf("%s/.local/state/xanet", home);
}

/* PATH as it is, if absolute; else under DIR, made absolute from the cwd. */
static char *
path_resolve(const char *dir, const char *path)
{
	char *joined, cwd[PATH_MAX];

	if (path[0] == '/')
		return xstrdup(path);
	joined = xasprintf("%s%s", dir, path);
	if (joined[0] != '/' && getcwd(cwd, sizeof cwd) != NULL) {
		char *abs =
		    xasprintf("%s/%s", strcmp(cwd, "/") ? cwd : "", joined);

		free(joined);
		return abs;
	}
	return joined;
}

static void
state_paths(struct loader *ld, const char *dir)
{
	struct config *cfg = ld->cfg;
	int *lines = ld->single_keys[SECT_DAEMON];
	const struct section_def *sd = &sections[SECT_DAEMON];
	int sdl = lines[key_index(sd, "state_dir")];
	int sockl = lines[key_index(sd, "control_socket")];
	struct {
		char **field;
		const char *def;
	} files[] = {
	    {&cfg->daemon.database, "xanet.db"},
	    {&cfg->daemon.control_socket, "xanetd.sock"},
	    {&cfg->daemon.alert_log, "alerts.log"},
	    {&cfg->evidence.key_file, "signing.key"},
	    {&cfg->evidence.pack_dir, "packs"},
	};
	bool system = system_instance(cfg->daemon.user);
	char *p;

	if (cfg->daemon.state_dir != NULL) {
		p = path_resolve(dir, cfg->daemon.state_dir);
		free(cfg->daemon.state_dir);
		cfg->daemon.state_dir = p;
	} else if ((cfg->daemon.state_dir = state_dir_default(system)) ==
		   NULL) {
		lerr(ld, FILE_CONF, 0,
		    "cannot choose a state directory: HOME is not set; set "
		    "state_dir in [daemon]");
		return;
	}
	if (cfg->daemon.user == NULL && system)
		cfg->daemon.user = xstrdup("xanet");
	/* Files named without a directory live in the state directory. */
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		if (*files[i].field == NULL)
			p = xasprintf(
			    "%s/%s", cfg->daemon.state_dir, files[i].def);
		else if ((*files[i].field)[0] != '/')
			p = xasprintf(
			    "%s/%s", cfg->daemon.state_dir, *files[i].field);
		else
			continue;
		free(*files[i].field);
		*files[i].field = p;
	}
	if ((cfg->web.tls_cert == NULL) != (cfg->web.tls_key == NULL))
		lerr(ld, FILE_CONF, ld->single_line[SECT_WEB],
		    "[web]: tls_cert and tls_key go together");
	if (strlen(cfg->daemon.control_socket) >= SUN_PATH_MAX)
		lerr(ld, FILE_CONF, sockl ? sockl : sdl,
		    "control socket path is too long (%zu bytes; at most %zu): "
		    "%s",
		    strlen(cfg->daemon.control_socket), SUN_PATH_MAX - 1,
		    cfg->daemon.control_socket);
}

/* /metrics is open to this host only unless [web] says otherwise. */
static void
defaults_web(struct config *cfg)
{
	if (cfg->web.metrics_allow != NULL || cfg->web.nmetrics_allow > 0)
		return;
	cfg->web.metrics_allow = xcalloc(2, sizeof *cfg->web.metrics_allow);
	cfg->web.metrics_allow[0] = xstrdup("127.0.0.0/8");
	cfg->web.metrics_allow[1] = xstrdup("::1");
	cfg->web.nmetrics_allow = 2;
}

static void
defaults_fill(struct config *cfg)
{
	if (cfg->site.timezone == NULL)
		cfg->site.timezone = xstrdup(XANET_DEFAULT_TZ);
	if (cfg->site.lang == NULL)
		cfg->site.lang = xstrdup("vi");
	if (cfg->web.listen == NULL)
		cfg->web.listen = xstrdup("127.0.0.1");
	if (cfg->defaults.probes == NULL)
		cfg->defaults.probes = xstrdup(DEFAULT_PROBES);
	if (cfg->defaults.http_status == NULL)
		cfg->defaults.http_status = xstrdup(DEFAULT_HTTP_STATUS);
	if (cfg->defaults.snmp_profile == NULL)
		cfg->defaults.snmp_profile = xstrdup("auto");
	if (cfg->snmp.trap_listen == NULL)
		cfg->snmp.trap_listen = xstrdup("0.0.0.0");
}

static void
device_free(struct config_device *d)
{
	free(d->key);
	free(d->name);
	free(d->group);
	free(d->address);
	free(d->parent);
	free(d->isp);
	free(d->probes);
	free(d->http_status);
	free(d->http_contains);
	free(d->maintenance);
	free(d->snmp_community);
	free(d->snmp_user);
	free(d->snmp_auth_pass);
	free(d->snmp_priv_pass);
	free(d->snmp_profile);
	free(d->snmp_important);
	free(d->snmp_oids);
	free(d->src_file);
}

static void
snmp_profile_free(struct config_snmp_profile *p)
{
	free(p->key);
	free(p->extends);
	free(p->match);
	free(p->oids);
	free(p->src_file);
}

static void
push_free(struct config_push *p)
{
	free(p->key);
	free(p->url);
	free(p->token);
	free(p->user);
	free(p->password);
	free(p->access_key);
	free(p->secret_key);
	free(p->region);
	free(p->client_cert);
	free(p->client_key);
	free(p->ca_file);
	free(p->mail_from);
	for (size_t i = 0; i < p->nmail_to; i++)
		free(p->mail_to[i]);
	free(p->mail_to);
	free(p->src_file);
}

static void
indicator_free(struct config_indicator *ind)
{
	free(ind->key);
	free(ind->title);
	free(ind->metric);
	free(ind->scope);
	free(ind->src_file);
}

/* The line of key NAME in the push target being checked, or its header's. */
static int
lpush_line(const struct lpush *lp, const char *name)
{
	int k = key_index(&sections[SECT_PUSH], name);

	return k >= 0 && lp->lines[k] != 0 ? lp->lines[k] : lp->push.src_line;
}

static bool
lpush_has(const struct lpush *lp, const char *name)
{
	return lp->lines[key_index(&sections[SECT_PUSH], name)] != 0;
}

/*
 * What each push type needs, checked once every key is read: the URL's
 * scheme fits the type, the login the type uses is complete.
 */
static void
pushes_check(struct loader *ld)
{
	for (size_t i = 0; i < ld->npushes; i++) {
		const struct lpush *lp = &ld->pushes[i];
		const struct config_push *p = &lp->push;
		bool mail =
		    p->url != NULL && strncasecmp(p->url, "smtp", 4) == 0;
		const char *type = config_push_type_name(p->type);

		if (p->url == NULL)
			continue; /* reported as missing already */
		if ((p->type == PUSH_SMTP) != mail)
			lerr(ld, FILE_CONF, lpush_line(lp, "url"),
			    "[push %s]: type %s needs %s URL", p->key, type,
			    p->type == PUSH_SMTP ? "an smtp:// or smtps://"
						 : "an http:// or https://");
		/* A key given with a bad value was reported already. */
		if (p->type == PUSH_S3 && (!lpush_has(lp, "access_key") ||
					      !lpush_has(lp, "secret_key")))
			lerr(ld, FILE_CONF, p->src_line,
			    "[push %s]: type s3 needs access_key and "
			    "secret_key",
			    p->key);
		if (p->type == PUSH_SMTP &&
		    (!lpush_has(lp, "mail_from") || !lpush_has(lp, "mail_to")))
			lerr(ld, FILE_CONF, p->src_line,
			    "[push %s]: type smtp needs mail_from and mail_to",
			    p->key);
		if ((p->user == NULL) != (p->password == NULL) &&
		    p->type != PUSH_HTTP)
			lerr(ld, FILE_CONF,
			    lpush_line(lp, p->user ? "user" : "password"),
			    "[push %s]: user and password go together", p->key);
		if ((p->client_cert == NULL) != (p->client_key == NULL))
			lerr(ld, FILE_CONF,
			    lpush_line(lp,
				p->client_cert ? "client_cert" : "client_key"),
			    "[push %s]: client_cert and client_key go together",
			    p->key);
		if (p->type != PUSH_HTTP &&
		    lp->lines[key_index(&sections[SECT_PUSH], "method")])
			lerr(ld, FILE_CONF, lpush_line(lp, "method"),
			    "[push %s]: method applies to type http only",
			    p->key);
	}
}

/*
 * The built-in indicator profile (config/indicators/default.conf, compiled
 * in), read through the same reader when the config names none of its
 * own. Its errors would name that file: a unit test keeps it clean.
 */
static void
indicators_builtin(struct loader *ld)
{
	const char *file = ld->files[FILE_CONF], *data = ld->data;
	size_t len = ld->len, pos = ld->pos;
	int line = ld->line, phys = ld->phys, rc;

	if (ld->ninds > 0 ||
	    (ld->cfg->evidence.indicators != NULL &&
		strcmp(ld->cfg->evidence.indicators, "none") == 0))
		return;
	ld->files[FILE_CONF] = "config/indicators/default.conf (built in)";
	ld->data = indicators_default_conf;
	ld->len = strlen(indicators_default_conf);
	ld->pos = 0;
	ld->line = ld->phys = 0;
	ld->sect = SECT_NONE;
	rc = ini_parse_stream(conf_reader, ld, conf_handler, ld);
	section_end(ld);
	if (rc != 0)
		lerr(ld, FILE_CONF, rc,
		    "the built-in indicator profile does "
		    "not parse");
	ld->files[FILE_CONF] = file;
	ld->data = data;
	ld->len = len;
	ld->pos = pos;
	ld->line = line;
	ld->phys = phys;
	ld->sect = SECT_NONE;
}

/* Hand the devices and indicators over to the config, or free them. */
static void
loader_finish(struct loader *ld, bool keep)
{
	struct config *cfg = ld->cfg;

	if (keep) {
		cfg->devices = xcalloc(ld->ndevs, sizeof *cfg->devices);
		for (size_t i = 0; i < ld->ndevs; i++)
			cfg->devices[cfg->ndevices++] = ld->devs[i].d;
		cfg->indicators = xcalloc(ld->ninds, sizeof *cfg->indicators);
		for (size_t i = 0; i < ld->ninds; i++)
			cfg->indicators[cfg->nindicators++] = ld->inds[i].ind;
		cfg->snmp_profiles =
		    xcalloc(ld->nprofs, sizeof *cfg->snmp_profiles);
		for (size_t i = 0; i < ld->nprofs; i++)
			cfg->snmp_profiles[cfg->nsnmp_profiles++] =
			    ld->profs[i].prof;
		cfg->pushes = xcalloc(ld->npushes, sizeof *cfg->pushes);
		for (size_t i = 0; i < ld->npushes; i++)
			cfg->pushes[cfg->npushes++] = ld->pushes[i].push;
	} else {
		for (size_t i = 0; i < ld->ndevs; i++)
			device_free(&ld->devs[i].d);
		for (size_t i = 0; i < ld->ninds; i++)
			indicator_free(&ld->inds[i].ind);
		for (size_t i = 0; i < ld->nprofs; i++)
			snmp_profile_free(&ld->profs[i].prof);
		for (size_t i = 0; i < ld->npushes; i++)
			push_free(&ld->pushes[i].push);
	}
	free(ld->pushes);
	free(ld->devs);
	free(ld->inds);
	free(ld->profs);
	free(ld->sect_title);
	for (size_t i = 0; i < ld->nerrs; i++)
		free(ld->errs[i].msg);
}

/*
 * The whole load. With PATHS_ONLY, a configuration with errors elsewhere
 * is still returned, devices dropped, for the files it names.
 */
static struct config *
config_load_mode(const char *path, bool paths_only, char *err, size_t errlen)
{
	struct loader ld = {0};
	struct config *cfg;
	crypto_hash_sha256_state sha;
	char *data, *inv_data = NULL, *dir;
	size_t len, inv_len = 0;
	int rc;

	if (errlen > 0)
		err[0] = '\0';
	ld.files[FILE_CONF] = path;
	ld.files[FILE_INV] = path;
	if ((data = file_read(&ld, FILE_CONF, path, CONFIG_MAX_BYTES, &len)) ==
	    NULL) {
		lerr_format(&ld, err, errlen);
		loader_finish(&ld, false);
		return NULL;
	}
	cfg = ld.cfg = config_new();
	cfg->path = xstrdup(path);
	ld.data = data;
	ld.len = len;
	ld.sect = SECT_NONE;
	rc = ini_parse_stream(conf_reader, &ld, conf_handler, &ld);
	free(ld.big); /* kept aside for a key that was then refused */
	ld.big = NULL;
	section_end(&ld);
	/* The reader rejects what inih would; this is the safety net. */
	if (rc > 0 && !lerr_any(&ld))
		lerr(&ld, FILE_CONF, rc, "syntax error");
	else if (rc < 0)
		lerr(&ld, FILE_CONF, 0, "cannot parse (inih error %d)", rc);
	if (ld.single_line[SECT_SITE] == 0)
		lerr(&ld, FILE_CONF, 0,
		    "missing section [site]: it needs at least 'name = ...'");
	defaults_fill(cfg);
	round_check(&ld, FILE_CONF, &sections[SECT_DEFAULTS],
	    ld.single_keys[SECT_DEFAULTS], &cfg->defaults, "in [defaults]");

	dir = dir_of(path);
	if (cfg->daemon.inventory != NULL) {
		char *inv_path =
		    cfg->daemon.inventory[0] == '/'
			? xstrdup(cfg->daemon.inventory)
			: xasprintf("%s%s", dir, cfg->daemon.inventory);

		free(cfg->daemon.inventory);
		cfg->daemon.inventory = inv_path;
		ld.files[FILE_INV] = inv_path;
		inv_data =
		    file_read(&ld, FILE_INV, inv_path, INV_MAX_BYTES, &inv_len);
		if (inv_data != NULL)
			inventory_load(&ld, inv_data, inv_len);
	}
	devices_inherit(&ld);
	snmp_check(&ld);
	parents_resolve(&ld);
	parents_cycles(&ld);
	pushes_check(&ld);
	indicators_builtin(&ld);
	if (ld.single_keys[SECT_WEB][key_index(
		&sections[SECT_WEB], "metrics_allow")] == 0)
		defaults_web(cfg);
	state_paths(&ld, dir);
	free(dir);

	crypto_hash_sha256_init(&sha);
	crypto_hash_sha256_update(&sha, (const unsigned char *)data, len);
	if (inv_data != NULL)
		crypto_hash_sha256_update(
		    &sha, (const unsigned char *)inv_data, inv_len);
	crypto_hash_sha256_final(&sha, cfg->hash);
	free(data);
	free(inv_data);

	if (lerr_any(&ld)) {
		lerr_format(&ld, err, errlen);
		loader_finish(&ld, false);
		if (paths_only && cfg->daemon.state_dir != NULL)
			return cfg;
		config_free(cfg);
		return NULL;
	}
	loader_finish(&ld, true);
	return cfg;
}

struct config *
config_load(const char *path, char *err, size_t errlen)
{
	return config_load_mode(path, false, err, errlen);
}

struct config *
config_load_paths(const char *path, char *err, size_t errlen)
{
	return config_load_mode(path, true, err, errlen);
}

/* The embedded default. */

static void
dev_push(struct config *cfg, const char *key, const char *name,
    enum device_kind kind, const char *address, const char *parent)
{
	struct config_device *d;

	cfg->devices = xreallocarray(
	    cfg->devices, cfg->ndevices + 1, sizeof *cfg->devices);
	d = &cfg->devices[cfg->ndevices++];
	memset(d, 0, sizeof *d);
	d->key = xstrdup(key);
	d->name = xstrdup(name);
	d->kind = kind;
	d->address = xstrdup(address);
	d->parent = parent != NULL ? xstrdup(parent) : NULL;
	d->parent_index = -1;
	if (parent != NULL) {
		for (size_t i = 0; i + 1 < cfg->ndevices; i++)
			if (strcmp(cfg->devices[i].key, parent) == 0)
				d->parent_index = (int)i;
	}
	device_inherit(d, &cfg->defaults, NULL);
}

static bool
is_loopback(const char *addr)
{
	return str_has_prefix(addr, "127.") || strcmp(addr, "::1") == 0;
}

/*
 * The default as INI text: what the hash covers, so that two hosts with
 * the same gateway and servers run "the same configuration".
 */
static char *
canonical_text(const struct config *cfg)
{
	char *buf = NULL, iv[32], to[32];
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	if (fp == NULL)
		fatal("out of memory (open_memstream)");
	duration_format(cfg->defaults.interval_ms, iv, sizeof iv);
	duration_format(cfg->defaults.timeout_ms, to, sizeof to);
	fprintf(fp, "[site]\nname = %s\ntimezone = %s\nlang = %s\n",
	    cfg->site.name, cfg->site.timezone, cfg->site.lang);
	fprintf(fp, "[web]\nenabled = %s\nlisten = %s\nport = %d\n",
	    cfg->web.enabled ? "yes" : "no", cfg->web.listen, cfg->web.port);
	fprintf(fp, "[lan]\nenabled = %s\ninterfaces = ",
	    cfg->lan.enabled ? "yes" : "no");
	for (size_t i = 0; i < cfg->lan.ninterfaces; i++)
		fprintf(fp, "%s%s", i ? ", " : "", cfg->lan.interfaces[i]);
	fprintf(fp,
	    "\n[defaults]\ninterval = %s\ntimeout = %s\nfail_threshold = %d\n"
	    "success_threshold = %d\nprobes = %s\n",
	    iv, to, cfg->defaults.fail_threshold,
	    cfg->defaults.success_threshold, cfg->defaults.probes);
	for (size_t i = 0; i < cfg->ndevices; i++) {
		const struct config_device *d = &cfg->devices[i];

		fprintf(fp, "[device %s]\nname = %s\nkind = %s\naddress = %s\n",
		    d->key, d->name, device_kind_name(d->kind), d->address);
		if (d->parent != NULL)
			fprintf(fp, "parent = %s\n", d->parent);
	}
	if (fclose(fp) != 0)
		fatal("out of memory (open_memstream)");
	return buf;
}

struct config *
config_default_sys(const struct config_sys *sys, char *err, size_t errlen)
{
	struct loader ld = {0};
	struct config *cfg = config_new();
	struct sysnet_route rt;
	struct sysnet_resolvers res;
	char host[256], why[256], *text;
	bool gateway;
	size_t ndns = 0;

	if (errlen > 0)
		err[0] = '\0';
	ld.cfg = cfg;
	ld.files[FILE_CONF] = ld.files[FILE_INV] = "(embedded default)";
	if (sys->hostname != NULL)
		str_copy(host, sys->hostname, sizeof host);
	else if (gethostname(host, sizeof host) != 0 || host[0] == '\0')
		str_copy(host, "xanet", sizeof host);
	host[sizeof host - 1] = '\0';
	cfg->site.name = xstrdup(host);
	defaults_fill(cfg);

	dev_push(cfg, "this-host", "Máy chủ xanet", DEVICE_SERVER, "127.0.0.1",
	    NULL);
	memset(&rt, 0, sizeof rt);
	if (sys->proc_route != NULL &&
	    sysnet_default_route(sys->proc_route, &rt, why, sizeof why) == 0) {
		cfg->lan.interfaces = xcalloc(1, sizeof *cfg->lan.interfaces);
		cfg->lan.interfaces[0] = xstrdup(rt.ifname);
		cfg->lan.ninterfaces = 1;
	} else if (sys->proc_route != NULL)
		log_info("embedded default: %s", why);
	gateway = rt.gateway[0] != '\0';
	if (gateway)
		dev_push(cfg, "gateway", "Cổng mặc định", DEVICE_ROUTER,
		    rt.gateway, NULL);
	if (gateway && addr_classify(rt.gateway) == ADDR_IPV4)
		cfg->lan.gateway_ip = xstrdup(rt.gateway);
	if (sys->resolv_conf != NULL &&
	    sysnet_resolvers(sys->resolv_conf, sys->resolved_conf, &res, why,
		sizeof why) == 0) {
		for (size_t i = 0; i < res.n; i++) {
			char key[32], name[64];
			const char *parent = NULL;

			/* The router that also answers DNS is one device. */
			if (gateway && strcmp(res.addr[i], rt.gateway) == 0)
				continue;
			if (is_loopback(res.addr[i]))
				parent = "this-host";
			else if (gateway)
				parent = "gateway";
			ndns++;
			snprintf(key, sizeof key, "dns-%zu", ndns);
			snprintf(name, sizeof name, "Máy chủ DNS %zu", ndns);
			dev_push(
			    cfg, key, name, DEVICE_SERVER, res.addr[i], parent);
		}
	} else if (sys->resolv_conf != NULL)
		log_info("embedded default: %s", why);
	defaults_web(cfg);

	indicators_builtin(&ld);
	state_paths(&ld, "");
	text = canonical_text(cfg);
	crypto_hash_sha256(
	    cfg->hash, (const unsigned char *)text, strlen(text));
	free(text);
	if (lerr_any(&ld)) {
		lerr_format(&ld, err, errlen);
		loader_finish(&ld, false);
		config_free(cfg);
		return NULL;
	}
	loader_finish(&ld, false);
	return cfg;
}

struct config *
config_default(char *err, size_t errlen)
{
	const struct config_sys sys = {
	    .proc_route = SYSNET_PROC_ROUTE,
	    .resolv_conf = SYSNET_RESOLV_CONF,
	    .resolved_conf = SYSNET_RESOLVED_CONF,
	    .hostname = NULL,
	};

	return config_default_sys(&sys, err, errlen);
}

static void
strv_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void
config_free(struct config *cfg)
{
	if (cfg == NULL)
		return;
	free(cfg->path);
	free(cfg->site.name);
	free(cfg->site.province);
	free(cfg->site.timezone);
	free(cfg->site.lang);
	free(cfg->daemon.state_dir);
	free(cfg->daemon.database);
	free(cfg->daemon.control_socket);
	free(cfg->daemon.alert_log);
	free(cfg->daemon.user);
	free(cfg->daemon.inventory);
	free(cfg->daemon.dns_servers);
	free(cfg->web.listen);
	free(cfg->web.tls_cert);
	free(cfg->web.tls_key);
	strv_free(cfg->web.metrics_allow, cfg->web.nmetrics_allow);
	free(cfg->web.metrics_token);
	free(cfg->evidence.key_file);
	free(cfg->evidence.pack_dir);
	free(cfg->evidence.indicators);
	for (size_t i = 0; i < cfg->npushes; i++)
		push_free(&cfg->pushes[i]);
	free(cfg->pushes);
	for (size_t i = 0; i < cfg->lan.ninterfaces; i++)
		free(cfg->lan.interfaces[i]);
	free(cfg->lan.interfaces);
	free(cfg->lan.gateway_ip);
	free(cfg->lan.uplink_mac);
	strv_free(cfg->lan.dhcp_servers, cfg->lan.ndhcp_servers);
	strv_free(cfg->lan.blocklist_domains, cfg->lan.nblocklist_domains);
	strv_free(cfg->lan.blocklist_ips, cfg->lan.nblocklist_ips);
	strv_free(cfg->lan.av_domains, cfg->lan.nav_domains);
	device_free(&cfg->defaults);
	for (size_t i = 0; i < cfg->ndevices; i++)
		device_free(&cfg->devices[i]);
	free(cfg->devices);
	for (size_t i = 0; i < cfg->nindicators; i++)
		indicator_free(&cfg->indicators[i]);
	free(cfg->indicators);
	free(cfg->snmp.trap_listen);
	free(cfg->snmp.trap_communities);
	for (size_t i = 0; i < cfg->nsnmp_profiles; i++)
		snmp_profile_free(&cfg->snmp_profiles[i]);
	free(cfg->snmp_profiles);
	free(cfg);
}

/* The summary. */

static void
cell_print(FILE *fp, const char *s, size_t width, bool last)
{
	const char *v = s != NULL && s[0] != '\0' ? s : "-";

	fputs(v, fp);
	if (last)
		return;
	for (size_t w = utf8_width(v); w < width + 2; w++)
		fputc(' ', fp);
}

/* The setting K of D as the summary shows it, e.g. "30s", "20%", "any". */
static void
setting_format(const struct key_def *k, const struct config_device *d,
    char *buf, size_t len)
{
	const char *src = (const char *)d + k->offset, *str;
	int64_t ms;
	double pct;
	int n;

	buf[0] = '\0';
	switch (k->type) {
	case FT_INT:
		memcpy(&n, src, sizeof n);
		snprintf(buf, len, "%d", n);
		break;
	case FT_RULE:
		memcpy(&n, src, sizeof n);
		str_copy(buf, n == PROBE_RULE_ALL ? "all" : "any", len);
		break;
	case FT_SNMP_VERSION:
		memcpy(&n, src, sizeof n);
		str_copy(buf,
		    n == CONFIG_SNMP_V2C  ? "2c"
		    : n == CONFIG_SNMP_V3 ? "3"
					  : "1",
		    len);
		break;
	case FT_SNMP_AUTH:
		memcpy(&n, src, sizeof n);
		str_copy(buf, config_snmp_auth_name(n), len);
		break;
	case FT_SNMP_PRIV:
		memcpy(&n, src, sizeof n);
		str_copy(buf, config_snmp_priv_name(n), len);
		break;
	case FT_SECRET:
		/* Never the secret itself: only that one is set. */
		memcpy(&str, src, sizeof str);
		if (str != NULL)
			str_copy(buf, "***", len);
		break;
	case FT_MS:
		memcpy(&ms, src, sizeof ms);
		if (ms == 0)
			str_copy(buf,
			    k->offset == DEV(heartbeat_grace_ms)
				? "one interval"
				: "off",
			    len);
		else
			duration_format(ms, buf, len);
		break;
	case FT_PCT:
		memcpy(&pct, src, sizeof pct);
		snprintf(buf, len, "%g%%", pct);
		break;
	case FT_STR:
		memcpy(&str, src, sizeof str);
		/* Quoted where a list separator would run into the next. */
		if (str != NULL && strpbrk(str, " ,;") != NULL)
			snprintf(buf, len, "\"%s\"", str);
		else if (str != NULL)
			str_copy(buf, str, len);
		break;
	case FT_NONE:
		break;
	}
}

/*
 * "name value" for each device setting of D not in SKIP, and only those
 * that differ from DEFS unless DEFS is NULL; wrapped under INDENT.
 */
static void
settings_print(FILE *fp, const struct config_device *d,
    const struct config_device *defs, const char *const *skip,
    const char *first, const char *indent)
{
	const struct section_def *sd = &sections[SECT_DEVICE];
	size_t col = 0, n = 0;
	char val[1100], dval[1100];

	for (size_t i = 0; i < sd->nkeys; i++) {
		const struct key_def *k = &sd->keys[i];
		bool skipped = k->type == FT_NONE;
		char *item;
		size_t w;

		for (size_t j = 0; skip[j] != NULL && !skipped; j++)
			skipped = strcmp(skip[j], k->name) == 0;
		if (skipped)
			continue;
		setting_format(k, d, val, sizeof val);
		if (defs != NULL) {
			setting_format(k, defs, dval, sizeof dval);
			if (strcmp(val, dval) == 0)
				continue;
		}
		/* A device's "maintenance = none" against [defaults]' windows. */
		if (val[0] == '\0' && defs == NULL)
			continue;
		if (val[0] == '\0')
			str_copy(val, "none", sizeof val);
		item = xasprintf("%s %s", k->name, val);
		w = utf8_width(item);
		if (n == 0) {
			fputs(first, fp);
			col = utf8_width(first);
		} else if (col + 2 + w > 78) {
			fprintf(fp, ",\n%s", indent);
			col = utf8_width(indent);
		} else {
			fputs(", ", fp);
			col += 2;
		}
		fputs(item, fp);
		col += w;
		n++;
		free(item);
	}
	if (n > 0)
		fputc('\n', fp);
}

#define NCOLS 7

void
config_print_summary(const struct config *cfg, FILE *fp)
{
	static const char *const heads[NCOLS] = {
	    "KEY", "KIND", "GROUP", "ADDRESS", "PARENT", "PROBES", "INTERVAL"};
	/* Shown on the first defaults line, or as columns of the table. */
	static const char *const first_line[] = {"probes", "interval",
	    "timeout", "fail_threshold", "success_threshold", NULL};
	static const char *const columns[] = {"probes", "interval", NULL};
	const char *indent = "            ";
	size_t width[NCOLS];
	char hex[65], iv[32], to[32];

	config_hash_hex(cfg, hex);
	fprintf(fp, "config:     %s\n",
	    cfg->path != NULL ? cfg->path : "(embedded default)");
	fprintf(fp, "hash:       %s\n", hex);
	fprintf(fp, "site:       %s", cfg->site.name);
	if (cfg->site.province != NULL)
		fprintf(fp, ", %s", cfg->site.province);
	fprintf(fp, " (%s, %s)\n", cfg->site.timezone, cfg->site.lang);
	fprintf(fp, "database:   %s\n", cfg->daemon.database);
	fprintf(fp, "socket:     %s\n", cfg->daemon.control_socket);
	fprintf(fp, "alert log:  %s\n", cfg->daemon.alert_log);
	if (cfg->daemon.inventory != NULL)
		fprintf(fp, "inventory:  %s\n", cfg->daemon.inventory);
	fprintf(fp, "retention:  %d days of raw samples\n",
	    cfg->daemon.retention_days);
	fputs("dns:        ", fp);
	if (cfg->daemon.dns_servers == NULL)
		fputs("the system's resolvers", fp);
	/* Kept as "a,b" for c-ares; shown as people write lists. */
	for (const char *p = cfg->daemon.dns_servers; p != NULL && *p; p++) {
		if (*p == ',')
			fputs(", ", fp);
		else
			fputc(*p, fp);
	}
	fputc('\n', fp);
	if (!cfg->web.enabled)
		fprintf(fp, "web:        off\n");
	else if (strchr(cfg->web.listen, ':') != NULL)
		fprintf(fp, "web:        http://[%s]:%d/\n", cfg->web.listen,
		    cfg->web.port);
	else
		fprintf(fp, "web:        http://%s:%d/\n", cfg->web.listen,
		    cfg->web.port);
	if (!cfg->lan.enabled)
		fprintf(fp, "lan:        off\n");
	else if (cfg->lan.ninterfaces == 0)
		fprintf(fp, "lan:        on, the default-route interface\n");
	else {
		fprintf(fp, "lan:        on, ");
		for (size_t i = 0; i < cfg->lan.ninterfaces; i++)
			fprintf(
			    fp, "%s%s", i ? ", " : "", cfg->lan.interfaces[i]);
		fputc('\n', fp);
	}
	/* Trap communities are secrets: only whether any are set. */
	if (cfg->snmp.trap_port == 0)
		fprintf(fp, "snmp:       no trap receiver");
	else
		fprintf(fp,
		    "snmp:       traps on %s%s%s:%d (%s, %d a minute "
		    "per source)",
		    strchr(cfg->snmp.trap_listen, ':') ? "[" : "",
		    cfg->snmp.trap_listen,
		    strchr(cfg->snmp.trap_listen, ':') ? "]" : "",
		    cfg->snmp.trap_port,
		    cfg->snmp.trap_communities != NULL
			? "communities ***"
			: "the devices' communities",
		    cfg->snmp.trap_rate);
	fprintf(fp, ", max_repetitions %d, retries %d\n",
	    cfg->snmp.max_repetitions, cfg->snmp.retries);
	for (size_t i = 0; i < cfg->nsnmp_profiles; i++) {
		const struct config_snmp_profile *sp = &cfg->snmp_profiles[i];

		fprintf(fp, "  snmp-profile %s: extends %s", sp->key,
		    sp->extends != NULL ? sp->extends : "generic");
		if (sp->match != NULL)
			fprintf(fp, ", match %s", sp->match);
		if (sp->oids != NULL)
			fprintf(fp, ", oids %s", sp->oids);
		fputc('\n', fp);
	}
	duration_format(cfg->defaults.interval_ms, iv, sizeof iv);
	duration_format(cfg->defaults.timeout_ms, to, sizeof to);
	fprintf(fp,
	    "defaults:   interval %s, timeout %s, fail %d, success %d, "
	    "probes %s\n",
	    iv, to, cfg->defaults.fail_threshold,
	    cfg->defaults.success_threshold, cfg->defaults.probes);
	settings_print(fp, &cfg->defaults, NULL, first_line, indent, indent);
	fprintf(fp, "devices:    %zu\n", cfg->ndevices);
	for (size_t c = 0; c < NCOLS; c++)
		width[c] = strlen(heads[c]);
	for (size_t i = 0; i < cfg->ndevices; i++) {
		const struct config_device *d = &cfg->devices[i];
		const char *v[NCOLS] = {d->key, device_kind_name(d->kind),
		    d->group, d->address, d->parent, d->probes, NULL};

		duration_format(d->interval_ms, iv, sizeof iv);
		v[6] = iv;
		for (size_t c = 0; c < NCOLS; c++) {
			size_t w =
			    utf8_width(v[c] != NULL && v[c][0] ? v[c] : "-");

			if (w > width[c])
				width[c] = w;
		}
	}
	if (cfg->ndevices > 0) {
		fputs("  ", fp);
		for (size_t c = 0; c < NCOLS; c++)
			cell_print(fp, heads[c], width[c], c == NCOLS - 1);
		fputc('\n', fp);
	}
	for (size_t i = 0; i < cfg->ndevices; i++) {
		const struct config_device *d = &cfg->devices[i];
		const char *v[NCOLS] = {d->key, device_kind_name(d->kind),
		    d->group, d->address, d->parent, d->probes, NULL};

		duration_format(d->interval_ms, iv, sizeof iv);
		v[6] = iv;
		fputs("  ", fp);
		for (size_t c = 0; c < NCOLS; c++)
			cell_print(fp, v[c], width[c], c == NCOLS - 1);
		fputc('\n', fp);
		/* What the table has no column for, where it is not [defaults]. */
		settings_print(fp, d, &cfg->defaults, columns, "    ", "    ");
	}
	if (cfg->nindicators > 0)
		fprintf(fp, "indicators: %zu\n", cfg->nindicators);
	for (size_t i = 0; i < cfg->nindicators; i++) {
		const struct config_indicator *ind = &cfg->indicators[i];

		fprintf(fp, "  %s: %s (%s", ind->key, ind->title, ind->metric);
		if (ind->scope != NULL)
			fprintf(fp, ", scope %s", ind->scope);
		if (ind->target >= 0)
			fprintf(fp, ", %s %g%%",
			    ind->at_most ? "at most" : "target", ind->target);
		fprintf(fp, ")\n");
	}
	fprintf(fp, "evidence: key %s, packs in %s\n", cfg->evidence.key_file,
	    cfg->evidence.pack_dir);
	if (cfg->evidence.daily_minute >= 0)
		fprintf(fp, "  daily snapshot at %02d:%02d",
		    cfg->evidence.daily_minute / 60,
		    cfg->evidence.daily_minute % 60);
	else
		fprintf(fp, "  no daily snapshot");
	if (cfg->evidence.quarterly_day > 0)
		fprintf(fp,
		    "; quarterly pack on day %d of a quarter's last month at "
		    "%02d:%02d\n",
		    cfg->evidence.quarterly_day,
		    cfg->evidence.quarterly_minute / 60,
		    cfg->evidence.quarterly_minute % 60);
	else
		fprintf(fp, "; no quarterly pack\n");
	for (size_t i = 0; i < cfg->npushes; i++) {
		const struct config_push *p = &cfg->pushes[i];

		/* The URL may carry a login: only its scheme and host show. */
		const char *host = strstr(p->url, "://") + 3;
		size_t hlen = strcspn(host, "/?#");
		const char *at = memchr(host, '@', hlen);

		if (at != NULL) {
			hlen -= (size_t)(at + 1 - host);
			host = at + 1;
		}
		fprintf(fp, "push %s: %s to %.*s%.*s%s\n", p->key,
		    config_push_type_name(p->type),
		    (int)(strstr(p->url, "://") + 3 - p->url), p->url,
		    (int)hlen, host,
		    p->token || p->password || p->secret_key ? " (secret ***)"
							     : "");
	}
}

void
config_hash_hex(const struct config *cfg, char *out)
{
	hex_encode(cfg->hash, sizeof cfg->hash, out);
}

const struct config_device *
config_device_find(const struct config *cfg, const char *key)
{
	for (size_t i = 0; i < cfg->ndevices; i++)
		if (strcmp(cfg->devices[i].key, key) == 0)
			return &cfg->devices[i];
	return NULL;
}
