/* lantest.h - for the LAN unit tests: frames built by hand, written with pcap_dump, run offline. */
#ifndef XANET_TEST_LANTEST_H
#define XANET_TEST_LANTEST_H

#include <pcap/pcap.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "probes/lan/sampler.h"

/* A capture being written to a temporary file. */
struct lp {
	pcap_t *dead;
	pcap_dumper_t *d;
	char path[64];
	int64_t ms; /* time of the next frame */
};

void lp_open(struct lp *w);
void lp_finish(struct lp *w); /* closes the file (keeps it) */
void lp_remove(struct lp *w);
void lp_frame(struct lp *w, const uint8_t *f, size_t len);

/* Frame builders into BUF (>= 1600 bytes); return the length. IPs are dotted. */
size_t lp_arp(uint8_t *buf, const uint8_t src[6], const uint8_t dst[6], int op,
    const char *spa, const uint8_t tha[6], const char *tpa);
size_t lp_udp4(uint8_t *buf, const uint8_t src[6], const uint8_t dst[6],
    const char *sip, const char *dip, uint16_t sport, uint16_t dport,
    const uint8_t *payload, size_t plen);
/* A TCP segment with FLAGS and PAD bytes of payload. */
size_t lp_tcp4(uint8_t *buf, const uint8_t src[6], const uint8_t dst[6],
    const char *sip, const char *dip, uint16_t sport, uint16_t dport,
    uint8_t flags, size_t pad);
/* A BOOTP/DHCP payload; NULL/"" leaves an option out. */
size_t lp_dhcp(uint8_t *buf, int op, int msg_type, const uint8_t chaddr[6],
    const char *yiaddr, const char *server_id, const char *hostname,
    const char *vendor, const uint8_t *params, size_t nparams);
size_t lp_dns_query(uint8_t *buf, uint16_t id, const char *name);

/* Convenience: whole frames straight into W. */
void lp_put_arp(struct lp *w, const uint8_t src[6], int op, const char *spa,
    const char *tpa);
void lp_put_syn(struct lp *w, const uint8_t src[6], const uint8_t dst[6],
    const char *sip, const char *dip, uint16_t dport);
void lp_put_dhcp(struct lp *w, const uint8_t src[6], const char *sip, int op,
    int msg_type, const uint8_t chaddr[6], const char *yiaddr,
    const char *server_id, const char *hostname, const char *vendor,
    const uint8_t *params, size_t nparams);
void lp_put_dns(struct lp *w, const uint8_t src[6], const uint8_t dst[6],
    const char *sip, const char *name);

#define LT_MAX 512
/* What the sampler's sink saw. */
struct lt {
	struct {
		char rule[32], mac[18], ip[46], details[256];
		int64_t ts_ms;
	} ev[LT_MAX];
	size_t nev;
	struct {
		char mac[18];
		int64_t hour_ms;
		uint64_t bin, bout, pin, pout;
		bool est;
	} tr[LT_MAX];
	size_t ntr;
	struct {
		int64_t hour_ms;
		uint64_t bin, bout;
		double pin, pout;
		bool est;
	} up[64];
	size_t nup;
	size_t nhost_reports;
	struct lan_sampler *s;
};

/* Default options with learning off unless LEARNING_MS >= 0 says. */
void lt_opts(struct lan_opts *o);
/* A new sampler with O, collecting into T (kept in T->s until lt_free). */
void lt_start(struct lt *t, const struct lan_opts *o);
/* Close W and run its file through T's sampler (lan_offline_run). */
void lt_feed(struct lt *t, struct lp *w);
/* Both. */
void lt_run(struct lt *t, struct lp *w, const struct lan_opts *o);
void lt_free(struct lt *t);
size_t lt_count(const struct lt *t, const char *rule);
/* The first event of RULE, or NULL. */
const char *lt_details(const struct lt *t, const char *rule);
/* Copy of the host view of MAC (strings copied to static storage); false if absent. */
struct lt_host {
	char mac[18], ipv4[16], name[64], name_source[16], vendor[128], os[64],
	    fp[96], av[64];
	int64_t av_last_ms, first_ms, last_ms;
	uint64_t bin, bout, pin, pout;
	bool est;
	int status;
};
bool lt_host(struct lt *t, const char *mac, struct lt_host *out);
size_t lt_nhosts(struct lt *t);

#define MS(h, m, s) \
	((int64_t)(h)*3600000 + (int64_t)(m)*60000 + (int64_t)(s)*1000)
/* 2026-01-05 00:00:00 UTC: a base time for the captures. */
#define T0 1767571200000LL

#endif
