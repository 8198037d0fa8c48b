/* detect.h - the LAN detectors: each rule fed by the sampler, one alert per situation. */
#ifndef XANET_LAN_DETECT_H
#define XANET_LAN_DETECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct lan_host;
struct lan_opts;
struct lan_pkt;
struct lan_sink;

struct lan_detect;

/* Copies what it needs of O; SINK must outlive the detector. NULL: no memory. */
struct lan_detect *lan_detect_new(
    const struct lan_opts *o, const struct lan_sink *sink);
void lan_detect_free(struct lan_detect *d);
/* When learning began (new hosts alert from LEARNING_START + learning_ms). */
void lan_detect_set_learning_start(struct lan_detect *d, int64_t start_ms);

/* A host just added to the table (not seeded from the store). */
void lan_detect_host_new(struct lan_detect *d, struct lan_host *h, int64_t now);
/* A frame from a host whose status is blocked. */
void lan_detect_host_blocked(
    struct lan_detect *d, const struct lan_host *h, int64_t now);
/* Per protocol; SRC is the frame's sender (may be NULL without Ethernet). */
void lan_detect_arp(struct lan_detect *d, const struct lan_pkt *p,
    struct lan_host *src, int64_t now);
void lan_detect_dhcp(struct lan_detect *d, const struct lan_pkt *p,
    const struct lan_host *src, int64_t now);
/* DNS queries: blocklisted names, AV update lookups (sets SRC's av_*).
   Returns true if SRC changed. */
bool lan_detect_dns(struct lan_detect *d, const struct lan_pkt *p,
    struct lan_host *src, int64_t now);
/* A TCP SYN without ACK; LOCAL: its destination is on the LAN. */
void lan_detect_syn(struct lan_detect *d, const struct lan_pkt *p,
    const struct lan_host *src, bool local, int64_t now);
/* Any IP packet, when a blocklist of addresses is configured. */
bool lan_detect_has_ip_blocklist(const struct lan_detect *d);
void lan_detect_ip(struct lan_detect *d, const struct lan_pkt *p,
    const struct lan_host *src, int64_t now);

/* The gateway's MAC as configured (uplink_mac) or learned by ARP;
   false until known. */
bool lan_detect_gateway_mac(const struct lan_detect *d, uint8_t mac[6]);
void lan_detect_each_dhcp_server(struct lan_detect *d,
    void (*fn)(void *arg, const char *ip, const char *mac, bool allowed,
	uint64_t replies),
    void *arg);

struct lan_detect_stats {
	uint64_t events, suppressed;
	uint64_t
	    scan_sources_replaced; /* scan table full: a live window lost */
	uint64_t ip_table_full;    /* IP-owner table full: claim ignored */
};
void lan_detect_get_stats(
    const struct lan_detect *d, struct lan_detect_stats *st);

#endif
