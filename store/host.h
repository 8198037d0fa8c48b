/*
 * host.h - the LAN tables: hosts and their approval, hourly traffic per
 * host and of the uplink, LAN events, and when each interface was watched.
 */
#ifndef XANET_HOST_H
#define XANET_HOST_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

struct writer;

/*
 * What the sampler knows of a host. Texts may be NULL or "" (stored as
 * NULL); MAC is "aa:bb:cc:dd:ee:ff". AV_LAST_MS <= 0: none seen.
 */
struct host_row {
	const char *mac;
	const char *ipv4, *ipv6;
	const char *name, *name_source;
	const char *vendor, *os_guess, *dhcp_fp;
	int64_t first_ms, last_ms;
	const char *av_product;
	int64_t av_last_ms;
};

/*
 * Insert or update host H (queued in the batch). Never touches status or
 * label, which only the administrator sets; first_ms only ever moves
 * back, last_ms and av_last_ms only forward. 0 or -1.
 */
int host_upsert(struct writer *w, const struct host_row *h);
/*
 * Set MAC's approval STATUS ("unknown", "approved", "blocked") and, when
 * LABEL is not NULL, its label; a MAC never seen is added (so that a
 * known PC can be approved before it is switched on). Committed at once.
 * 0 or -1.
 */
int host_set_status(struct writer *w, const char *mac, const char *status,
    const char *label, int64_t now_ms);
/*
 * Delete MAC and its traffic rows (its events stay, as history);
 * committed at once. 1 if it was there, 0 if not, -1 on error.
 */
int host_forget(struct writer *w, const char *mac);
/*
 * Add one host's traffic to the UTC hour HOUR_MS (summed with what the
 * hour already holds, so a restart in mid-hour adds up). A MAC not yet in
 * the host table gets a bare row first.
 */
int host_traffic_add(struct writer *w, const char *mac, int64_t hour_ms,
    uint64_t bytes_in, uint64_t bytes_out, uint64_t pkts_in, uint64_t pkts_out,
    bool estimated);
/* The uplink's hour: bytes summed, peaks the larger of old and new. */
int host_uplink_add(struct writer *w, int64_t hour_ms, uint64_t bytes_in,
    uint64_t bytes_out, double peak_in_bps, double peak_out_bps,
    bool estimated);
/* One LAN finding; MAC, IP may be NULL or "". */
int host_event_add(struct writer *w, int64_t ts_ms, const char *rule,
    const char *mac, const char *ip, const char *details);

/*
 * lan_capture rows: proof of when each interface was watched. Start
 * closes the rows a crash left open at their last sign of life, then
 * inserts and returns the new row's id (or -1); alive and stop record the
 * counters of pcap_stats.
 */
int64_t host_capture_start(struct writer *w, const char *iface, int64_t now_ms);
int host_capture_alive(struct writer *w, int64_t id, int64_t now_ms,
    uint64_t packets, uint64_t drops);
int host_capture_stop(struct writer *w, int64_t id, int64_t now_ms,
    uint64_t packets, uint64_t drops);

/* When LAN capture first began (the oldest lan_capture row), or -1. */
int64_t host_capture_first(sqlite3 *db);

/* A host as read back, with its traffic of the last 24 hours. */
struct host_info {
	int64_t id;
	char mac[18];
	char ipv4[16];
	char ipv6[46];
	char name[128];
	char name_source[16];
	char vendor[128];
	char os_guess[64];
	char dhcp_fp[256];
	char status[16]; /* "unknown", "approved", "blocked" */
	char label[256];
	char av_product[64];
	int64_t first_ms, last_ms;
	int64_t av_last_ms; /* -1 if none */
	uint64_t bytes_in_24h, bytes_out_24h;
};

/*
 * Every host (only those of status "unknown" with UNKNOWN_ONLY), most
 * recently seen first; traffic counted from NOW_MS - 24h. FN returning
 * non-zero stops the walk. Returns the number of hosts given, or -1.
 */
int host_each(sqlite3 *db, bool unknown_only, int64_t now_ms,
    int (*fn)(const struct host_info *h, void *arg), void *arg);
/* One host by MAC: 0, 1 if there is none, -1 on error. */
int host_get(sqlite3 *db, const char *mac, int64_t now_ms, struct host_info *h);
/*
 * The rows the daemon seeds its sampler with: MAC, status, first_ms and
 * label of every host. Returns the count, or -1.
 */
int host_each_known(sqlite3 *db,
    void (*fn)(void *arg, const char *mac, const char *status, int64_t first_ms,
	const char *label),
    void *arg);

struct host_event {
	int64_t id, ts_ms;
	char rule[32];
	char mac[18];
	char ip[46];
	char details[512];
};
/* LAN events since SINCE_MS, oldest first; count or -1 as host_each. */
int host_events(sqlite3 *db, int64_t since_ms,
    int (*fn)(const struct host_event *e, void *arg), void *arg);

#endif
