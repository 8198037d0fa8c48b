/* hosts.h - the LAN host table: one record per MAC seen, bounded, least recently seen evicted. */
#ifndef XANET_LAN_HOSTS_H
#define XANET_LAN_HOSTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct lan_dhcp;
struct lan_host_view;

/* IPv4s remembered per MAC for the many-IPs rule (ips_per_mac < this). */
#define LAN_HOST_IPS 16

enum lan_name_source {
	LAN_NAME_NONE,
	LAN_NAME_NETBIOS,
	LAN_NAME_MDNS,
	LAN_NAME_DHCP,
	LAN_NAME_LABEL, /* given by the officer: wins over the rest */
};

/*
 * Shared by the sampler and the detectors (the sampler core's record);
 * the table owns the memory. Pointers stay valid until the host is
 * evicted or forgotten.
 */
struct lan_host {
	/* Hot: every frame touches these, and only these: one cache line. */
	uint64_t key; /* the MAC as a 48-bit number */
	uint32_t lru_prev, lru_next;
	int64_t last_ms;
	int64_t lru_ms; /* last_ms when last moved to the LRU head */
	/* The open hour; added to the totals when the sampler closes it. */
	uint64_t h_bytes_in, h_bytes_out, h_pkts_in, h_pkts_out;
	/* Cold. */
	uint64_t bytes_in, bytes_out, pkts_in, pkts_out; /* closed hours */
	uint8_t status; /* enum lan_host_status */
	bool dirty;     /* changed since the last report */
	bool important; /* ... in a way worth reporting at once */
	bool has_ipv4, has_ipv6, seeded;
	uint8_t name_source; /* enum lan_name_source */
	uint8_t nips;
	uint8_t mac[6];
	uint8_t ipv4[4];
	uint8_t ipv6[16];
	int64_t first_ms;
	int64_t reported_ms;
	const char *vendor;     /* NULL: unknown */
	const char *os_guess;   /* NULL: no guess */
	const char *av_product; /* NULL: no AV update lookup seen */
	int64_t av_last_ms;
	/* Detector state: recent IPv4 claims (ARP) and gratuitous ARPs. */
	uint32_t garp_n;
	int64_t garp_start_ms;
	uint32_t ips[LAN_HOST_IPS];
	int64_t ips_ms[LAN_HOST_IPS];
	char name[64];
	char label[64];
	char dhcp_fp[96];
} __attribute__((aligned(64)));

struct lan_hosts;

/* ON_EVICT (may be NULL) sees a host just before the bound pushes it out. */
struct lan_hosts *lan_hosts_new(size_t max_hosts,
    void (*on_evict)(void *arg, struct lan_host *h), void *arg);
void lan_hosts_free(struct lan_hosts *t);
struct lan_host *lan_hosts_find(struct lan_hosts *t, const uint8_t mac[6]);
/* Start loading MAC's index slot: the sampler calls it before decoding. */
void lan_hosts_prefetch(const struct lan_hosts *t, const uint8_t mac[6]);
/* Then (once the slot is in) start loading the host record itself. */
void lan_hosts_prefetch_host(const struct lan_hosts *t, const uint8_t mac[6]);
/* Find or add MAC (last seen NOW_MS); *CREATED says which. */
struct lan_host *lan_hosts_get(
    struct lan_hosts *t, const uint8_t mac[6], int64_t now_ms, bool *created);
void lan_hosts_remove(struct lan_hosts *t, struct lan_host *h);
void lan_hosts_each(
    struct lan_hosts *t, void (*fn)(void *arg, struct lan_host *h), void *arg);
size_t lan_hosts_count(const struct lan_hosts *t);
uint64_t lan_hosts_evicted(const struct lan_hosts *t);

static inline uint64_t
lan_mac_key(const uint8_t mac[6])
{
	return (uint64_t)mac[0] << 40 | (uint64_t)mac[1] << 32 |
	       (uint64_t)mac[2] << 24 | (uint64_t)mac[3] << 16 |
	       (uint64_t)mac[4] << 8 | mac[5];
}

/*
 * The OS guessed from a DHCP fingerprint (option 60 vendor class, option
 * 55 parameter list in order); NULL when nothing in the table matches.
 */
const char *lan_os_guess(
    const char *vendor_class, const uint8_t *params, size_t nparams);
/* Record D's fingerprint on H ("55:1,3,6;60:MSFT 5.0") and its guess;
   returns true if either changed. */
bool lan_host_set_dhcp(struct lan_host *h, const struct lan_dhcp *d);
/* Set the name if SRC ranks at least as high as the current one. */
bool lan_host_set_name(struct lan_host *h, const char *name, int src);
const char *lan_name_source_name(int src);
/* Fill V from H (strings point into H or static storage). */
void lan_host_view_fill(
    const struct lan_host *h, struct lan_host_view *v, bool estimated);

#endif
