/* sampler.h - the LAN sampler: packets in, hosts, traffic and findings out (no I/O, no loop). */
#ifndef XANET_LAN_SAMPLER_H
#define XANET_LAN_SAMPLER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct config;
struct pcap_pkthdr;

/* Approval state of a host (stored as "unknown", "approved", "blocked"). */
enum lan_host_status {
	LAN_HOST_UNKNOWN = 0,
	LAN_HOST_APPROVED = 1,
	LAN_HOST_BLOCKED = 2,
};
const char *lan_host_status_name(int status);
/* "unknown"/"approved"/"blocked" to the enum; -1 for anything else. */
int lan_host_status_parse(const char *s);

#define LAN_MAX_DHCP_SERVERS 16

/* "aa:bb:cc:dd:ee:ff" (or with '-') into MAC; 0 or -1. */
int lan_mac_parse(const char *s, uint8_t mac[6]);

/*
 * Every threshold of the sampler and its detectors. Filled from [lan] by
 * lan_opts_from_config(); the string lists are borrowed from the config
 * and copied by lan_sampler_new(), so the config may go after that.
 */
struct lan_opts {
	int sample_rate;     /* 1-in-N; 1 = every packet */
	size_t max_hosts;    /* host table bound; least recently seen evicted */
	int64_t learning_ms; /* no lan-new-host alerts this long after ... */
	int64_t learning_start_ms; /* ... this (0: the first packet's time) */
	uint8_t gateway_ip[4];
	bool has_gateway;
	uint8_t dhcp_servers[LAN_MAX_DHCP_SERVERS][4]; /* allowed servers */
	size_t ndhcp_servers;   /* 0: the first server seen is learned */
	int scan_ports;         /* distinct ports from one source ... */
	int scan_hosts;         /* ... or distinct hosts ... */
	int64_t scan_window_ms; /* ... within this window */
	int ips_per_mac;        /* distinct IPv4s claimed by one MAC ... */
	int64_t ips_window_ms;  /* ... within this window (10 min) */
	int garp_storm;         /* gratuitous ARPs a minute from one MAC */
	int64_t suppress_ms;    /* one alert per (rule, source) this long */
	const char *const
	    *blocklist_domains; /* "bad.example", "*.bad.example" */
	size_t nblocklist_domains;
	const char *const *blocklist_ips; /* IPv4/IPv6 addresses or v4 CIDR */
	size_t nblocklist_ips;
	/* "Product:pattern" or "pattern"; NULL = the built-in list */
	const char *const *av_domains;
	size_t nav_domains;
	uint8_t uplink_mac[6];
	bool has_uplink_mac;  /* false: learned from the gateway's ARP */
	const char *oui_path; /* NULL: /usr/share/ieee-data/oui.csv */
};

/* Defaults when CFG is NULL; the gateway falls back to the default route. */
void lan_opts_from_config(struct lan_opts *o, const struct config *cfg);

/* One host as the sinks and callers see it; valid during the call only. */
struct lan_host_view {
	const uint8_t *mac;
	char mac_s[18];
	char ipv4[16]; /* "" if none seen */
	char ipv6[46];
	const char *name;        /* "" if none */
	const char *name_source; /* "dhcp", "mdns", "netbios", "label", "" */
	const char *vendor;      /* from the OUI list, "" if unknown */
	const char *os_guess;    /* from the DHCP fingerprint, "" if none */
	const char *dhcp_fp;     /* "55:1,3,6,15;60:MSFT 5.0", "" if none */
	int64_t first_ms, last_ms;
	int status; /* enum lan_host_status */
	const char *label;
	const char *av_product; /* "" if no AV update lookup seen */
	int64_t av_last_ms;
	uint64_t bytes_in, bytes_out, pkts_in, pkts_out; /* since start */
	bool estimated; /* counts scaled by the sample rate */
};

struct lan_sink {
	void *arg;
	/* A finding: RULE is e.g. "lan-port-scan"; MAC or IP may be "". */
	void (*event)(void *arg, int64_t ts_ms, const char *rule,
	    const char *mac, const char *ip, const char *details);
	/* A new or changed host (at most once a minute per host unless
	   something important changed: new IP, name, status). */
	void (*host)(void *arg, const struct lan_host_view *h);
	/* Per host and hour; called again for the same (mac, hour) when an
	   evicted host comes back within it: add, do not replace. */
	void (*traffic_hour)(void *arg, const char *mac, int64_t hour_ms,
	    uint64_t bytes_in, uint64_t bytes_out, uint64_t pkts_in,
	    uint64_t pkts_out, bool estimated);
	void (*uplink_hour)(void *arg, int64_t hour_ms, uint64_t bytes_in,
	    uint64_t bytes_out, double peak_in_bps, double peak_out_bps,
	    bool estimated);
};

struct lan_sampler;

/* START_MS: learning start when opts->learning_start_ms is 0 (0: first
   packet). NULL if out of memory. Any sink callback may be NULL. */
struct lan_sampler *lan_sampler_new(
    const struct lan_opts *o, const struct lan_sink *sink, int64_t start_ms);
void lan_sampler_free(struct lan_sampler *s);
/* Known hosts and their approval state, loaded from the store at start
   (so that learning and approval survive restarts). */
void lan_sampler_seed_host(struct lan_sampler *s, const uint8_t mac[6],
    int status, int64_t first_ms, const char *label);
void lan_sampler_set_status(
    struct lan_sampler *s, const uint8_t mac[6], int status);
/* Forget a host (xanetctl hosts forget): it is new again when next seen. */
void lan_sampler_forget(struct lan_sampler *s, const uint8_t mac[6]);
/* One captured frame (the time is the pcap header's). */
void lan_sampler_packet(struct lan_sampler *s, int linktype,
    const struct pcap_pkthdr *h, const uint8_t *data);
/* Time passes (every few seconds, and with FLUSH at the end of a file):
   closes hours (traffic sinks), expires windows. */
void lan_sampler_tick(struct lan_sampler *s, int64_t now_ms, bool flush);
void lan_sampler_each_host(struct lan_sampler *s,
    void (*fn)(void *arg, const struct lan_host_view *h), void *arg);
/* DHCP servers seen answering (OFFER/ACK), with whether they are allowed. */
void lan_sampler_each_dhcp_server(struct lan_sampler *s,
    void (*fn)(void *arg, const char *ip, const char *mac, bool allowed,
	uint64_t replies),
    void *arg);
/* DNS names looked up (bounded table; most counted first is not implied). */
void lan_sampler_each_dns_name(struct lan_sampler *s,
    void (*fn)(void *arg, const char *name, uint64_t count), void *arg);
/* The uplink MAC in use ("" until known). */
void lan_sampler_uplink(const struct lan_sampler *s, char mac_s[18]);

struct lan_stats {
	uint64_t packets; /* frames offered */
	uint64_t sampled; /* frames decoded (packets / sample_rate) */
	uint64_t bytes;   /* wire bytes of all frames offered */
	uint64_t decode_unsupported, decode_trunc, decode_bad;
	uint64_t hosts; /* in the table now */
	uint64_t hosts_evicted;
	uint64_t events, events_suppressed;
	uint64_t dns_names_dropped; /* DNS name table full */
	uint64_t uplink_bytes_in, uplink_bytes_out;
	int sample_rate;
};
void lan_sampler_get_stats(const struct lan_sampler *s, struct lan_stats *st);

#endif
