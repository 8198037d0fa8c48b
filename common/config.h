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
	/* SNMP (the `snmp` probe entry; see probes/snmp.c). */
	int snmp_version;     /* CONFIG_SNMP_V1, _V2C (default) or _V3 */
	int snmp_port;        /* default 161 */
	char *snmp_community; /* v1/v2c; a secret: never print or log */
	char *snmp_user;      /* v3 securityName */
	int snmp_auth;        /* CONFIG_SNMP_AUTH_* */
	char *snmp_auth_pass; /* secret, >= 8 bytes */
	int snmp_priv;        /* CONFIG_SNMP_PRIV_* */
	char *snmp_priv_pass; /* secret, >= 8 bytes */
	char *snmp_profile;   /* "auto" (default), built-in or [snmp-profile] */
	/* Interfaces whose going down is an alert: "ether1,24" (ifName,
	 * ifDescr or ifIndex), kept trimmed and joined by ','; or NULL. */
	char *snmp_important;
	/* Custom OIDs "LABEL:OID:TYPE,..." (TYPE gauge|counter|string; OID
	 * without a leading dot), kept without spaces; or NULL. */
	char *snmp_oids;
	/* heartbeat: how late past its interval a heartbeat may be before
	 * the round fails; 0 (default): one more interval. */
	int64_t heartbeat_grace_ms;
	char *src_file; /* where it was defined: config file or CSV */
	int src_line;   /* its line, or the CSV row */
};

enum {
	PROBE_RULE_ANY, /* up while any probe succeeds */
	PROBE_RULE_ALL, /* up only while every probe succeeds */
};

/* config_device.snmp_version: the number people write ("2c" is 2). */
enum {
	CONFIG_SNMP_V1 = 1,
	CONFIG_SNMP_V2C = 2,
	CONFIG_SNMP_V3 = 3,
};
/* snmp_auth: none md5 sha sha224 sha256 sha384 sha512 (names in order). */
enum {
	CONFIG_SNMP_AUTH_NONE,
	CONFIG_SNMP_AUTH_MD5,
	CONFIG_SNMP_AUTH_SHA,
	CONFIG_SNMP_AUTH_SHA224,
	CONFIG_SNMP_AUTH_SHA256,
	CONFIG_SNMP_AUTH_SHA384,
	CONFIG_SNMP_AUTH_SHA512,
};
/* snmp_priv: none des aes aes192 aes256 (names in order). */
enum {
	CONFIG_SNMP_PRIV_NONE,
	CONFIG_SNMP_PRIV_DES,
	CONFIG_SNMP_PRIV_AES,
	CONFIG_SNMP_PRIV_AES192,
	CONFIG_SNMP_PRIV_AES256,
};
/* "none", "md5", ... / "none", "des", ...; "?" when out of range. */
const char *config_snmp_auth_name(int auth);
const char *config_snmp_priv_name(int priv);

/* [snmp-profile NAME]: a device profile extending a built-in one. */
struct config_snmp_profile {
	char *key;     /* NAME */
	char *extends; /* generic (default), unifi, mikrotik or aruba */
	char *match;   /* sysObjectID prefix "1.3.6.1.4.1.NNNN", or NULL */
	char *oids;    /* "LABEL:OID:TYPE,..." as snmp_oids, or NULL */
	char *src_file;
	int src_line;
};

struct config_indicator {
	char *key;
	char *title;
	char *metric;  /* uptime-group, uptime-device-min, lan-coverage, ... */
	char *scope;   /* a device kind, a group or a device key; or NULL */
	double target; /* 0..100, or -1 when not set */
	int at_most;   /* judge = at-most: met when value <= target */
	/* uplink-quality: an hour of the peak is good when its loss and
	 * average RTT are within these; the value is the share of good
	 * peak hours. Peak hours are local [peak_from_h, peak_to_h). */
	double loss_max;    /* percent, default 2 */
	int64_t rtt_max_ms; /* default 150 */
	int peak_from_h;    /* default 8 */
	int peak_to_h;      /* default 17 */
	char *src_file;
	int src_line;
};

/* [push NAME]: where evidence snapshots are delivered. */
enum push_type {
	PUSH_HTTP,   /* POST or PUT of the pack */
	PUSH_S3,     /* S3-compatible PUT, AWS SigV4 */
	PUSH_WEBDAV, /* PUT, basic or digest login */
	PUSH_SMTP,   /* a mail with the pack attached */
};
/* Snapshot kinds, as a bit mask for config_push.kinds. */
enum {
	SNAPSHOT_DAILY = 1,
	SNAPSHOT_QUARTERLY = 2,
	SNAPSHOT_MANUAL = 4,
};
struct config_push {
	char *key;
	enum push_type type;
	/* http(s)://host/path; S3: https://host[:port]/bucket[/prefix];
	 * WebDAV: the collection URL; SMTP: smtp[s]://host[:port] */
	char *url;
	int put;                        /* http: PUT instead of POST */
	char *token;                    /* secret: Authorization: Bearer */
	char *user;                     /* WebDAV and SMTP login */
	char *password;                 /* secret */
	char *access_key;               /* S3 */
	char *secret_key;               /* secret */
	char *region;                   /* S3, default us-east-1 */
	char *client_cert, *client_key; /* TLS client certificate (PEM) */
	char *ca_file;                  /* CA bundle instead of the system's */
	char *mail_from;                /* SMTP */
	char **mail_to;
	size_t nmail_to;
	int64_t timeout_ms; /* a whole attempt, default 120 s */
	int kinds;          /* SNAPSHOT_* pushed, default all */
	char *src_file;
	int src_line;
};
const char *config_push_type_name(enum push_type type);

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
		char *listen;   /* default 127.0.0.1 */
		int port;       /* default 8080 */
		char *tls_cert; /* PEM paths; both set: HTTPS only */
		char *tls_key;
		int max_connections;     /* default 256 */
		int per_ip;              /* connections per client IP, 32 */
		int64_t timeout_ms;      /* idle connection, default 30 s */
		int body_max;            /* request body cap, default 64 KiB */
		int64_t session_idle_ms; /* login session idle expiry, 30 min */
		char **metrics_allow;    /* CIDRs open to /metrics */
		size_t nmetrics_allow;   /* default 127.0.0.0/8, ::1/128 */
		char *metrics_token;     /* secret: or Bearer this token */
	} web;
	struct {
		int enabled;
		char **interfaces;
		size_t ninterfaces;
		int sample_rate;     /* 1-in-N, default 1 (every packet) */
		int snaplen;         /* bytes captured per frame, default 512 */
		int buffer_mb;       /* kernel ring buffer, default 8 */
		int max_hosts;       /* host table bound, default 4096 */
		int64_t learning_ms; /* no new-host alerts before, default 7d */
		char *gateway_ip;    /* NULL: the default route's gateway */
		char **dhcp_servers; /* allowed; none: learn the first seen */
		size_t ndhcp_servers;
		int scan_ports; /* distinct ports from one source ... */
		int scan_hosts; /* ... or distinct hosts ... */
		int64_t
		    scan_window_ms; /* ... within this window, default 60s */
		int ips_per_mac;    /* IPs claimed by one MAC in 10 min */
		int garp_storm;     /* gratuitous ARPs a minute from a MAC */
		char **blocklist_domains; /* "*.bad.example" or "bad.example" */
		size_t nblocklist_domains;
		char **blocklist_ips;
		size_t nblocklist_ips;
		char **av_domains; /* NULL: the built-in list */
		size_t nav_domains;
		char *uplink_mac; /* NULL: learned from gateway_ip by ARP */
	} lan;
	struct {
		int trap_port;     /* UDP; 0 (default) = no trap receiver */
		char *trap_listen; /* default 0.0.0.0 */
		/* Accepted v1/v2c trap communities "a,b" (secrets); NULL:
		 * those configured on devices. */
		char *trap_communities;
		int trap_rate;       /* per source per minute, default 60 */
		int max_repetitions; /* GETBULK, default 25 */
		int retries;         /* default 1 */
	} snmp;
	struct {
		char *
		    key_file; /* Ed25519 signing key, default STATE_DIR/signing.key */
		char *pack_dir; /* default STATE_DIR/packs */
		/* "default": the built-in profile (config/indicators/default.conf)
		 * when the file has no [indicator]; "none": no indicators. */
		char *indicators;
		int daily_minute; /* local minute of day, default 23:55; -1 off */
		int quarterly_day; /* of the quarter's last month, default 20; 0 off */
		int quarterly_minute; /* default 23:55 */
		int outbox_max; /* pending deliveries before an alert, 1000 */
		int64_t retry_base_ms; /* back-off base, default 30 s */
		int64_t retry_cap_ms;  /* back-off cap, default 6 h */
		int keep_days;         /* pack files kept, default 400 */
	} evidence;
	struct config_push *pushes;
	size_t npushes;
	struct config_snmp_profile *snmp_profiles;
	size_t nsnmp_profiles;
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
