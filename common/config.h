/* config.h - the daemon's configuration: INI file, inventory CSV, embedded default. */
#ifndef XANET_CONFIG_H
#define XANET_CONFIG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum device_kind {
	DEVICE_WIFI_AP,
	DEVICE_SWITCH,
	DEVICE_ROUTER,
	DEVICE_FIREWALL,
	DEVICE_SERVER,
	DEVICE_PC,
	DEVICE_PRINTER,
	DEVICE_OTHER,
};

/* "wifi-ap", "switch", ... */
const char *device_kind_name(enum device_kind kind);
int device_kind_parse(const char *name, enum device_kind *kind);

struct config_device {
	char *key;  /* stable key: [A-Za-z0-9._-], 1..63 bytes */
	char *name; /* display name, UTF-8 (Vietnamese) */
	enum device_kind kind;
	char *group;      /* e.g. the village; NULL if none */
	char *address;    /* IPv4, IPv6 or host name; NULL if none */
	char *parent;     /* key of the parent device, or NULL */
	int parent_index; /* index of the parent in config.devices, or -1 */
	char *isp;        /* ISP contract reference, or NULL */
	char *probes;     /* probe list as written, e.g. "icmp, tcp:443" */
	int64_t interval_ms;
	int64_t timeout_ms;
	int fail_threshold;
	int success_threshold;
	/* How the device is judged (inherited from [defaults] when unset). */
	int probe_rule;          /* PROBE_RULE_ANY (default) or _ALL */
	int icmp_count;          /* echoes per ICMP round, default 3 */
	int64_t icmp_spacing_ms; /* between the echoes of a round, default 1s */
	char *http_status;       /* accepted HTTP codes, default "200-399" */
	char *http_contains;     /* text the HTTP body must contain, or NULL */
	double loss_warn;        /* loss % that is `degraded`, default 20 */
	int64_t rtt_warn_ms;     /* average RTT that is `degraded`; 0 = off */
	int64_t degraded_after_ms; /* sustained this long, default 5m */
	int flap_count;            /* this many transitions ... default 6 */
	int64_t flap_window_ms;    /* ... within this window is flapping, 30m */
	char *maintenance;         /* windows as written; see common/maint.h */
	char *src_file; /* where it was defined: config file or CSV */
	int src_line;   /* its line, or the CSV row */
};

enum {
	PROBE_RULE_ANY, /* up while any probe succeeds */
	PROBE_RULE_ALL, /* up only while every probe succeeds */
};

struct config_indicator {
	char *key;
	char *title;
	char *metric;
	char *scope;
	double target; /* 0..100, or -1 when not set */
	char *src_file;
	int src_line;
};

struct config {
	char *path;             /* NULL for the embedded default */
	unsigned char hash[32]; /* SHA-256 of the config and inventory text */
	struct {
		char *name; /* commune, e.g. "UBND xã Tân Phú" */
		char *province;
		char *timezone; /* default Asia/Ho_Chi_Minh */
		char *lang;     /* "vi" (default) or "en" */
	} site;
	struct {
		char *state_dir;
		char *database;       /* default STATE_DIR/xanet.db */
		char *control_socket; /* default STATE_DIR/xanetd.sock */
		char *alert_log;      /* default STATE_DIR/alerts.log */
		char *user;         /* drop to this user when started as root */
		char *inventory;    /* CSV path, relative to the config file */
		int log_level;      /* syslog priority */
		int db_sync_full;   /* synchronous=FULL instead of NORMAL */
		int retention_days; /* raw samples kept, default 35 */
		char *
		    dns_servers; /* "IP[:PORT],..." for c-ares; NULL: resolv.conf */
	} daemon;
	struct {
		int enabled;
		char *listen; /* default 127.0.0.1 */
		int port;     /* default 8080 */
	} web;
	struct {
		int enabled;
		char **interfaces;
		size_t ninterfaces;
	} lan;
	/*
	 * Device settings that [defaults] can set for every device: the
	 * same fields, with the same meaning, as in struct config_device.
	 */
	struct config_device defaults;
	struct config_device *devices;
	size_t ndevices;
	struct config_indicator *indicators;
	size_t nindicators;
};

/*
 * Load and validate PATH (and the inventory it names). On error returns
 * NULL and writes one line per problem into ERR, each "FILE:LINE: what is
 * wrong"; nothing is half-configured.
 */
struct config *config_load(const char *path, char *err, size_t errlen);
/*
 * For tools that only need to find the daemon's files (xanetctl status
 * while the file has an error that a reload refused): like config_load,
 * but a file with errors still yields its [daemon] paths and site, with
 * no devices; ERR lists the errors. NULL only if the file is unreadable.
 */
struct config *config_load_paths(const char *path, char *err, size_t errlen);
/*
 * The embedded default: this host, the default gateway and the system's
 * DNS servers; the default-route interface; web on 127.0.0.1 only.
 */
struct config *config_default(char *err, size_t errlen);
/*
 * Where config_default() looks, so that tests can point it at fixtures:
 * /proc/net/route, /etc/resolv.conf and systemd-resolved's upstream list
 * (read when resolv.conf names only its 127.0.0.53 stub). A NULL
 * proc_route means no default route, a NULL resolv_conf no DNS servers,
 * a NULL hostname gethostname().
 */
struct config_sys {
	const char *proc_route;
	const char *resolv_conf;
	const char *resolved_conf;
	const char *hostname;
};
struct config *config_default_sys(
    const struct config_sys *sys, char *err, size_t errlen);
void config_free(struct config *cfg);
/* What xanetd -t prints: the effective configuration in short. */
void config_print_summary(const struct config *cfg, FILE *fp);
/* Lowercase hex of cfg->hash into OUT (65 bytes). */
void config_hash_hex(const struct config *cfg, char *out);
const struct config_device *config_device_find(
    const struct config *cfg, const char *key);

#endif
