/*
 * metrics.h - GET /metrics in the Prometheus text format (0.0.4): every
 * device's state, up, RTT, loss and up/down seconds, SNMP interface rates
 * and client counts, LAN host counts, and the daemon's own health, which
 * the loop publishes (daemon/health.c) and a web thread only copies.
 *
 * Open without a session only to the networks in [web] metrics_allow or
 * to a client presenting `Authorization: Bearer` [web] metrics_token; a
 * dashboard session does not grant it (a scraper has none).
 */
#ifndef XANET_METRICS_H
#define XANET_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct web_req;

/* The daemon's health as the loop last saw it (once a second). */
struct metrics_health {
	bool valid;            /* false until the first update */
	int64_t start_wall_ms; /* when this xanetd started */
	int64_t updated_wall_ms;
	/* Probes: configured, running, rounds and how late they start. */
	uint64_t probes, in_flight;
	double probes_per_second; /* rounds finished, over the last tick */
	uint64_t rounds, rounds_failed, late_starts;
	int64_t max_lateness_ms;
	uint64_t icmp_sent, icmp_received;
	/* The inbox from the web threads to the loop. */
	uint64_t inbox_depth, inbox_cap, inbox_refused, inbox_timeouts;
	/* The one writer. */
	uint64_t db_commits, db_rows, db_failed_commits, db_rows_lost;
	uint64_t db_pending; /* rows in the open batch */
	int64_t db_last_commit_us, db_max_commit_us;
	/* LAN capture, summed over interfaces. */
	bool lan_enabled;
	uint64_t pcap_packets, pcap_drops, lan_hosts_evicted;
	/* SNMP. */
	uint64_t snmp_polls, snmp_requests, snmp_timeouts, snmp_faults,
	    snmp_dropped, snmp_sessions, snmp_traps;
};

/* Copies the latest health into OUT; called on a web thread. */
typedef void (*metrics_health_fn)(void *arg, struct metrics_health *out);

struct config;

/*
 * Whether a client at IP (text, as the server writes it) presenting
 * AUTHORIZATION (the header, may be NULL) may read /metrics under CFG:
 * IP inside one of [web] metrics_allow (addresses, or IPv4/IPv6 networks
 * "a/len"), or "Bearer" [web] metrics_token, compared in constant time.
 */
bool metrics_allowed(
    const struct config *cfg, const char *ip, const char *authorization);

/* GET /metrics; r->cfg, r->db and r->health_fn set by the server. */
int page_metrics(struct web_req *r);

#endif
