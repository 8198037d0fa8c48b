/* detect.c - the LAN detectors: rules, their bounded state, and alert suppression. */
/*
 * Every rule, its threshold ([lan] key) and what does NOT fire it. One
 * situation gives one alert: each alert is suppressed for suppress_ms
 * (1 h) per (rule, subject), the subject being the MAC, IP or pair named
 * below. Times are packet times.
 *
 * lan-new-host     A MAC never seen before sends a frame after the
 *                  learning period (learning_period, default 7d, counted
 *                  from the first capture). Inside it hosts are recorded
 *                  silently. Seeded (stored) hosts are never new.
 * lan-blocked-host A frame from a MAC whose status is blocked.
 * lan-arp-spoof    An ARP packet claims gateway_ip with a MAC other than
 *                  the gateway's (uplink_mac, else the first MAC seen
 *                  claiming it). If the old MAC has been silent since the
 *                  new one appeared and the new one keeps claiming for
 *                  60 s, the new MAC becomes the gateway: a replaced
 *                  router gives one alert, not one per ARP. Not when
 *                  uplink_mac is configured (then it is always spoofing).
 * lan-ip-change    An IPv4 address claimed by ARP moves to another MAC
 *                  while its previous owner claimed it within the last
 *                  10 minutes (flip-flop, conflict). An address that
 *                  moves after its old owner went quiet, or that a DHCP
 *                  ACK hands out, moves silently. The gateway's address
 *                  is left to lan-arp-spoof.
 * lan-many-ips     One MAC claims (ARP sender) more than ips_per_mac
 *                  (default 8) distinct IPv4 addresses within 10 minutes.
 * lan-garp-storm   One MAC sends more than garp_storm (default 30)
 *                  gratuitous ARPs (sender IP == target IP) within a
 *                  minute. ARP requests/replies that refresh caches are
 *                  not gratuitous and never count.
 * lan-rogue-dhcp   A DHCP OFFER or ACK from a server (option 54, else the
 *                  source IP) not in dhcp_servers; when that list is
 *                  empty the first server seen is learned as the allowed
 *                  one. Renewals (REQUEST/ACK with the allowed server)
 *                  never alert.
 * lan-port-scan    One source IP sends TCP SYNs (without ACK) to more than
 *                  scan_ports (default 100) distinct ports within
 *                  scan_window (default 60 s). The window opens at the
 *                  source's first SYN and restarts when it has passed.
 *                  Ports are counted modulo 1024 (a bitmap): exact for
 *                  scans of up to 1024 consecutive ports, at most an
 *                  undercount otherwise; so scan_ports is capped at 1000.
 * lan-host-sweep   One source IP sends SYNs to more than scan_hosts
 *                  (default 50) distinct LAN hosts (not through the
 *                  uplink MAC) within scan_window. Hosts are counted by
 *                  the low 10 bits of IPv4 (exact within a /22) or a hash
 *                  of IPv6; capped at 1000. Browsing the Internet does not
 *                  count. At most 1024 sources are tracked at once; when
 *                  all are live, the oldest window is dropped (counted).
 * lan-blocked-domain A DNS query (not mDNS) for a name in
 *                  blocklist_domains: "bad.example" matches that name,
 *                  "*.bad.example" it and every name under it.
 * lan-blocked-ip   An IP packet to or from an address in blocklist_ips
 *                  (IPv4, IPv6 or IPv4 CIDR); subject (MAC, address).
 * Bounded state: IP owners (as many as max_hosts; when full, new
 *                  addresses are not tracked, counted), scan sources.
 * AV update lookups (no alert): a DNS query matching av_domains (default:
 *                  Kaspersky *.kaspersky.com, *.kaspersky-labs.com;
 *                  Microsoft Defender *.update.microsoft.com,
 *                  definitionupdates.microsoft.com,
 *                  *.delivery.mp.microsoft.com; ESET *.eset.com; Bkav
 *                  *.bkav.com.vn) sets the host's AV product and last
 *                  update lookup time.
 * With 1-in-N sampling the counts above see only sampled frames; the
 * thresholds are not scaled.
 */
#include <arpa/inet.h>
#include <sys/socket.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "probes/lan/decode.h"
#include "probes/lan/detect.h"
#include "probes/lan/hosts.h"
#include "probes/lan/sampler.h"

#define MIN_MS        60000
#define GW_ADOPT_MS   60000
#define SUPP_SETS     1024 /* x 4 ways */
#define SCAN_BITS     1024
#define SCAN_SETS     256 /* x 4 ways: 1024 sources */
#define MAX_CIDR      256
#define MAX_V6        256
#define MAX_AV        64
#define MAX_DHCP_SEEN 16

struct supp {
	uint64_t key;
	int64_t ms;
};

struct scan_src {
	uint8_t ip[16];
	uint8_t family; /* 0: free */
	bool ports_alerted, hosts_alerted;
	int64_t start_ms, last_ms;
	uint16_t nports, nhosts;
	uint64_t ports[SCAN_BITS / 64];
	uint64_t hosts[SCAN_BITS / 64];
};

struct ip_owner {
	uint32_t ip; /* 0: free */
	uint64_t mac;
	int64_t ms;
};

/* An open-addressing set of strings (names are hashed, never parsed). */
struct strset {
	char **v;
	size_t mask, n;
};

struct av_pat {
	char *product;
	char *pattern;
};

struct dhcp_seen {
	uint8_t ip[4];
	uint8_t mac[6];
	bool allowed;
	uint64_t replies;
};

struct lan_detect {
	const struct lan_sink *sink;
	int64_t learning_ms, learning_start_ms, suppress_ms;
	int scan_ports, scan_hosts, ips_per_mac, garp_storm;
	int64_t scan_window_ms, ips_window_ms;
	/* gateway */
	bool has_gateway, gw_known, gw_fixed;
	uint8_t gateway_ip[4];
	uint8_t gw_mac[6];
	int64_t gw_last_ms;
	bool has_cand;
	uint8_t cand_mac[6];
	int64_t cand_since_ms;
	/* DHCP */
	uint8_t allowed[LAN_MAX_DHCP_SERVERS][4];
	size_t nallowed;
	bool learned_dhcp;
	struct dhcp_seen seen[MAX_DHCP_SEEN];
	size_t nseen;
	/* blocklists */
	struct strset bl_exact, bl_suffix;
	uint32_t *bl_v4; /* sorted */
	size_t nbl_v4;
	struct {
		uint32_t net, mask;
	} bl_cidr[MAX_CIDR];
	size_t nbl_cidr;
	uint8_t bl_v6[MAX_V6][16];
	size_t nbl_v6;
	struct av_pat av[MAX_AV];
	size_t nav;
	/* bounded state */
	struct supp supp[SUPP_SETS * 4];
	struct scan_src *scan; /* SCAN_SETS * 4 */
	struct ip_owner *ipt;  /* IPv4 owners (lan-ip-change), linear probing */
	size_t ipt_mask, ipt_max, nipt;
	struct lan_detect_stats st;
};

static const struct {
	const char *product, *pattern;
} av_builtin[] = {
    {"Kaspersky", "*.kaspersky.com"},
    {"Kaspersky", "*.kaspersky-labs.com"},
    {"Microsoft Defender", "*.update.microsoft.com"},
    {"Microsoft Defender", "definitionupdates.microsoft.com"},
    {"Microsoft Defender", "*.delivery.mp.microsoft.com"},
    {"ESET", "*.eset.com"},
    {"Bkav", "*.bkav.com.vn"},
};

static uint32_t
v4(const uint8_t *a)
{
	return (uint32_t)a[0] << 24 | (uint32_t)a[1] << 16 |
	       (uint32_t)a[2] << 8 | a[3];
}

static void
fmt_v4(const uint8_t *a, char out[16])
{
	snprintf(out, 16, "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
}

static void
fmt_ip(uint8_t family, const uint8_t *a, char out[46])
{
	if (family == 4)
		fmt_v4(a, out);
	else if (inet_ntop(AF_INET6, a, out, 46) == NULL)
		out[0] = '\0';
}

/* --- string sets ------------------------------------------------------ */

static int
strset_add(struct strset *s, const char *str)
{
	size_t i;

	if (s->n * 2 >= s->mask) {
		size_t nm = s->mask ? (s->mask + 1) * 2 - 1 : 63;
		char **nv = calloc(nm + 1, sizeof *nv);
		if (nv == NULL)
			return -1;
		for (size_t j = 0; s->v != NULL && j <= s->mask; j++) {
			if (s->v[j] == NULL)
				continue;
			i = hash_fnv(s->v[j], strlen(s->v[j]), HASH_FNV_INIT) &
			    nm;
			while (nv[i] != NULL)
				i = (i + 1) & nm;
			nv[i] = s->v[j];
		}
		free(s->v);
		s->v = nv;
		s->mask = nm;
	}
	i = hash_fnv(str, strlen(str), HASH_FNV_INIT) & s->mask;
	while (s->v[i] != NULL) {
		if (strcmp(s->v[i], str) == 0)
			return 0;
		i = (i + 1) & s->mask;
	}
	if ((s->v[i] = strdup(str)) == NULL)
		return -1;
	s->n++;
	return 0;
}

static bool
strset_has(const struct strset *s, const char *str)
{
	size_t i;

	if (s->n == 0)
		return false;
	i = hash_fnv(str, strlen(str), HASH_FNV_INIT) & s->mask;
	while (s->v[i] != NULL) {
		if (strcmp(s->v[i], str) == 0)
			return true;
		i = (i + 1) & s->mask;
	}
	return false;
}

static void
strset_free(struct strset *s)
{
	for (size_t j = 0; s->v != NULL && j <= s->mask; j++)
		free(s->v[j]);
	free(s->v);
}

/* NAME is blocklisted: exact, or NAME or a parent in the suffix set. */
static bool
bl_name_match(const struct lan_detect *d, const char *name)
{
	if (strset_has(&d->bl_exact, name))
		return true;
	if (d->bl_suffix.n == 0)
		return false;
	for (const char *p = name; p != NULL && *p != '\0';) {
		if (strset_has(&d->bl_suffix, p))
			return true;
		p = strchr(p, '.');
		if (p != NULL)
			p++;
	}
	return false;
}

static int
u32cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static void
bl_add_ip(struct lan_detect *d, const char *s, size_t *v4cap)
{
	char buf[64];
	char *slash;
	uint8_t a[16];

	snprintf(buf, sizeof buf, "%s", s);
	if ((slash = strchr(buf, '/')) != NULL) {
		char *end;
		long bits = strtol(slash + 1, &end, 10);
		*slash = '\0';
		if (*end != '\0' || bits < 0 || bits > 32 ||
		    inet_pton(AF_INET, buf, a) != 1 || d->nbl_cidr == MAX_CIDR)
			return; /* the config check rejects these */
		uint32_t mask = bits ? 0xffffffffu << (32 - bits) : 0;
		d->bl_cidr[d->nbl_cidr].mask = mask;
		d->bl_cidr[d->nbl_cidr++].net = v4(a) & mask;
	} else if (inet_pton(AF_INET, buf, a) == 1) {
		if (d->nbl_v4 == *v4cap) {
			size_t cap = *v4cap ? *v4cap * 2 : 64;
			uint32_t *nv = realloc(d->bl_v4, cap * sizeof *nv);
			if (nv == NULL)
				return;
			d->bl_v4 = nv;
			*v4cap = cap;
		}
		d->bl_v4[d->nbl_v4++] = v4(a);
	} else if (inet_pton(AF_INET6, buf, a) == 1 && d->nbl_v6 < MAX_V6) {
		memcpy(d->bl_v6[d->nbl_v6++], a, 16);
	}
}

static bool
bl_ip_match(const struct lan_detect *d, uint8_t family, const uint8_t *a)
{
	if (family == 4) {
		uint32_t x = v4(a);
		if (d->nbl_v4 > 0 &&
		    bsearch(&x, d->bl_v4, d->nbl_v4, sizeof x, u32cmp) != NULL)
			return true;
		for (size_t i = 0; i < d->nbl_cidr; i++)
			if ((x & d->bl_cidr[i].mask) == d->bl_cidr[i].net)
				return true;
		return false;
	}
	for (size_t i = 0; i < d->nbl_v6; i++)
		if (memcmp(d->bl_v6[i], a, 16) == 0)
			return true;
	return false;
}

/* --- setup ------------------------------------------------------------ */

struct lan_detect *
lan_detect_new(const struct lan_opts *o, const struct lan_sink *sink)
{
	struct lan_detect *d = calloc(1, sizeof *d);
	size_t v4cap = 0;

	if (d == NULL)
		return NULL;
	d->sink = sink;
	d->learning_ms = o->learning_ms;
	d->learning_start_ms = o->learning_start_ms;
	d->suppress_ms = o->suppress_ms > 0 ? o->suppress_ms : 3600000;
	d->scan_ports = o->scan_ports > 1000 ? 1000 : o->scan_ports;
	d->scan_hosts = o->scan_hosts > 1000 ? 1000 : o->scan_hosts;
	d->scan_window_ms = o->scan_window_ms;
	d->ips_per_mac =
	    o->ips_per_mac >= LAN_HOST_IPS ? LAN_HOST_IPS - 1 : o->ips_per_mac;
	d->ips_window_ms = o->ips_window_ms > 0 ? o->ips_window_ms : 600000;
	d->garp_storm = o->garp_storm;
	d->has_gateway = o->has_gateway;
	memcpy(d->gateway_ip, o->gateway_ip, 4);
	if (o->has_uplink_mac) {
		memcpy(d->gw_mac, o->uplink_mac, 6);
		d->gw_known = d->gw_fixed = true;
	}
	d->nallowed = o->ndhcp_servers > LAN_MAX_DHCP_SERVERS
			  ? LAN_MAX_DHCP_SERVERS
			  : o->ndhcp_servers;
	memcpy(d->allowed, o->dhcp_servers, d->nallowed * 4);
	for (size_t i = 0; i < o->nblocklist_domains; i++) {
		const char *n = o->blocklist_domains[i];
		int rc = strncmp(n, "*.", 2) == 0
			     ? strset_add(&d->bl_suffix, n + 2)
			     : strset_add(&d->bl_exact, n);
		if (rc < 0)
			goto fail;
	}
	for (size_t i = 0; i < o->nblocklist_ips; i++)
		bl_add_ip(d, o->blocklist_ips[i], &v4cap);
	if (d->nbl_v4 > 0)
		qsort(d->bl_v4, d->nbl_v4, sizeof *d->bl_v4, u32cmp);
	if (o->av_domains == NULL) {
		for (size_t i = 0; i < sizeof av_builtin / sizeof av_builtin[0];
		     i++) {
			d->av[i].product = strdup(av_builtin[i].product);
			d->av[i].pattern = strdup(av_builtin[i].pattern);
			d->nav++;
			if (d->av[i].product == NULL ||
			    d->av[i].pattern == NULL)
				goto fail;
		}
	} else {
		for (size_t i = 0; i < o->nav_domains && d->nav < MAX_AV; i++) {
			const char *s = o->av_domains[i];
			const char *colon = strchr(s, ':');
			struct av_pat *a = &d->av[d->nav++];
			if (colon != NULL) {
				a->product = strndup(s, (size_t)(colon - s));
				a->pattern = strdup(colon + 1);
			} else {
				a->product = strdup(s);
				a->pattern = strdup(s);
			}
			if (a->product == NULL || a->pattern == NULL)
				goto fail;
		}
	}
	d->scan = calloc(SCAN_SETS * 4, sizeof *d->scan);
	/* As many owners as hosts, the table at most half full. */
	d->ipt_mask = 1023;
	while (d->ipt_mask + 1 < o->max_hosts * 2)
		d->ipt_mask = d->ipt_mask * 2 + 1;
	d->ipt_max = (d->ipt_mask + 1) / 2;
	d->ipt = calloc(d->ipt_mask + 1, sizeof *d->ipt);
	if (d->scan == NULL || d->ipt == NULL)
		goto fail;
	return d;
fail:
	lan_detect_free(d);
	return NULL;
}

void
lan_detect_free(struct lan_detect *d)
{
	if (d == NULL)
		return;
	strset_free(&d->bl_exact);
	strset_free(&d->bl_suffix);
	free(d->bl_v4);
	for (size_t i = 0; i < d->nav; i++) {
		free(d->av[i].product);
		free(d->av[i].pattern);
	}
	free(d->scan);
	free(d->ipt);
	free(d);
}

void
lan_detect_set_learning_start(struct lan_detect *d, int64_t start_ms)
{
	d->learning_start_ms = start_ms;
}

void
lan_detect_get_stats(const struct lan_detect *d, struct lan_detect_stats *st)
{
	*st = d->st;
}

bool
lan_detect_gateway_mac(const struct lan_detect *d, uint8_t mac[6])
{
	if (!d->gw_known)
		return false;
	memcpy(mac, d->gw_mac, 6);
	return true;
}

/* --- emitting with suppression ---------------------------------------- */

/*
 * Emit RULE about SUBJECT unless the same (rule, subject) was emitted in
 * the last suppress_ms. The table is 4-way set associative: when a set is
 * full its oldest entry goes, which at worst repeats an old alert.
 */
static void
emit(struct lan_detect *d, int64_t now, const char *rule, const char *subject,
    const char *mac, const char *ip, const char *extra)
{
	uint64_t key = hash_fnv(subject, strlen(subject),
	    hash_fnv(rule, strlen(rule), HASH_FNV_INIT));
	struct supp *set, *victim;
	char details[512];

	key |= 1; /* 0 marks a free entry */
	set = &d->supp[(key >> 8) % SUPP_SETS * 4];
	victim = &set[0];
	for (int i = 0; i < 4; i++) {
		if (set[i].key == key) {
			if (now - set[i].ms < d->suppress_ms) {
				d->st.suppressed++;
				return;
			}
			victim = &set[i];
			break;
		}
		if (set[i].key == 0 || set[i].ms < victim->ms)
			victim = &set[i];
		if (set[i].key == 0)
			break;
	}
	victim->key = key;
	victim->ms = now;
	d->st.events++;
	snprintf(details, sizeof details, "rule=%s%s%s%s%s%s%s", rule,
	    mac[0] ? " mac=" : "", mac, ip[0] ? " ip=" : "", ip,
	    extra[0] ? " " : "", extra);
	if (d->sink != NULL && d->sink->event != NULL)
		d->sink->event(d->sink->arg, now, rule, mac, ip, details);
}

static void
host_strs(const struct lan_host *h, char mac[18], char ip[16])
{
	lan_mac_format(h->mac, mac);
	if (h->has_ipv4)
		fmt_v4(h->ipv4, ip);
	else
		ip[0] = '\0';
}

/* --- host rules ------------------------------------------------------- */

void
lan_detect_host_new(struct lan_detect *d, struct lan_host *h, int64_t now)
{
	char mac[18], ip[16], extra[128] = "";

	if (h->status != LAN_HOST_UNKNOWN ||
	    now < d->learning_start_ms + d->learning_ms)
		return;
	host_strs(h, mac, ip);
	if (h->vendor != NULL)
		snprintf(extra, sizeof extra, "vendor=\"%s\"", h->vendor);
	emit(d, now, "lan-new-host", mac, mac, ip, extra);
}

void
lan_detect_host_blocked(
    struct lan_detect *d, const struct lan_host *h, int64_t now)
{
	char mac[18], ip[16];

	host_strs(h, mac, ip);
	emit(d, now, "lan-blocked-host", mac, mac, ip, "status=blocked");
}

/* --- ARP: gateway, IP owners, many IPs, gratuitous storms --------------- */

static struct ip_owner *
ipt_slot(struct lan_detect *d, uint32_t ip)
{
	size_t i = (size_t)((ip * 0x9E3779B1u) >> 8) & d->ipt_mask;

	while (d->ipt[i].ip != 0 && d->ipt[i].ip != ip)
		i = (i + 1) & d->ipt_mask;
	return &d->ipt[i];
}

/* Record that MAC owns IP now; returns the previous owner if it differs
   and was active within the window. */
static bool
ipt_claim(struct lan_detect *d, uint32_t ip, uint64_t mac, int64_t now,
    uint64_t *prev)
{
	struct ip_owner *o = ipt_slot(d, ip);
	bool flip = false;

	if (o->ip == 0) {
		if (d->nipt >= d->ipt_max) {
			d->st.ip_table_full++;
			return false;
		}
		o->ip = ip;
		d->nipt++;
	} else if (o->mac != mac) {
		flip = now - o->ms < d->ips_window_ms;
		*prev = o->mac;
	}
	o->mac = mac;
	o->ms = now;
	return flip;
}

static void
key_mac(uint64_t k, uint8_t mac[6])
{
	for (int i = 5; i >= 0; i--, k >>= 8)
		mac[i] = (uint8_t)k;
}

static void
arp_gateway(struct lan_detect *d, const struct lan_arp *a, int64_t now)
{
	char mac[18], old[18], ip[16], extra[96];

	if (!d->gw_known) {
		memcpy(d->gw_mac, a->sha, 6);
		d->gw_known = true;
		d->gw_last_ms = now;
		return;
	}
	if (memcmp(a->sha, d->gw_mac, 6) == 0) {
		d->gw_last_ms = now;
		return;
	}
	lan_mac_format(a->sha, mac);
	lan_mac_format(d->gw_mac, old);
	fmt_v4(a->spa, ip);
	snprintf(extra, sizeof extra, "gateway_mac=%s", old);
	emit(d, now, "lan-arp-spoof", mac, mac, ip, extra);
	if (d->gw_fixed)
		return;
	if (!d->has_cand || memcmp(d->cand_mac, a->sha, 6) != 0) {
		memcpy(d->cand_mac, a->sha, 6);
		d->has_cand = true;
		d->cand_since_ms = now;
	} else if (now - d->cand_since_ms >= GW_ADOPT_MS &&
		   d->gw_last_ms < d->cand_since_ms) {
		/* The old router has been silent all along: replaced. */
		memcpy(d->gw_mac, a->sha, 6);
		d->gw_last_ms = now;
		d->has_cand = false;
	}
}

static void
arp_many_ips(struct lan_detect *d, struct lan_host *h, uint32_t ip, int64_t now)
{
	int n = 0, slot = -1, oldest = 0;
	char mac[18], ips[16], extra[64];

	for (int i = 0; i < h->nips; i++) {
		if (h->ips[i] == ip)
			slot = i;
		if (h->ips_ms[i] < h->ips_ms[oldest])
			oldest = i;
	}
	if (slot < 0) {
		slot = h->nips < LAN_HOST_IPS ? h->nips++ : oldest;
		h->ips[slot] = ip;
	}
	h->ips_ms[slot] = now;
	for (int i = 0; i < h->nips; i++)
		if (now - h->ips_ms[i] < d->ips_window_ms)
			n++;
	if (d->ips_per_mac > 0 && n > d->ips_per_mac) {
		host_strs(h, mac, ips);
		snprintf(extra, sizeof extra, "ips=%d window=%llds", n,
		    (long long)(d->ips_window_ms / 1000));
		emit(d, now, "lan-many-ips", mac, mac, ips, extra);
	}
}

void
lan_detect_arp(struct lan_detect *d, const struct lan_pkt *p,
    struct lan_host *src, int64_t now)
{
	const struct lan_arp *a = &p->arp;
	uint32_t spa = v4(a->spa);
	uint64_t prev = 0;
	char mac[18], ip[16], extra[64], pm[18];
	uint8_t pmac[6];

	if (spa == 0 || (a->op != 1 && a->op != 2))
		return; /* ARP probes claim nothing */
	if (d->has_gateway && memcmp(a->spa, d->gateway_ip, 4) == 0)
		arp_gateway(d, a, now);
	else if (ipt_claim(d, spa, lan_mac_key(a->sha), now, &prev)) {
		lan_mac_format(a->sha, mac);
		fmt_v4(a->spa, ip);
		key_mac(prev, pmac);
		lan_mac_format(pmac, pm);
		snprintf(extra, sizeof extra, "previous_mac=%s", pm);
		emit(d, now, "lan-ip-change", ip, mac, ip, extra);
	}
	if (src == NULL || memcmp(src->mac, a->sha, 6) != 0)
		return;
	arp_many_ips(d, src, spa, now);
	if (memcmp(a->spa, a->tpa, 4) == 0) {
		if (now - src->garp_start_ms >= MIN_MS) {
			src->garp_start_ms = now;
			src->garp_n = 0;
		}
		if (++src->garp_n > (uint32_t)d->garp_storm &&
		    d->garp_storm > 0) {
			host_strs(src, mac, ip);
			snprintf(extra, sizeof extra, "garps=%u window=60s",
			    src->garp_n);
			emit(d, now, "lan-garp-storm", mac, mac, ip, extra);
		}
	}
}

/* --- DHCP ------------------------------------------------------------- */

void
lan_detect_dhcp(struct lan_detect *d, const struct lan_pkt *p,
    const struct lan_host *src, int64_t now)
{
	const struct lan_dhcp *dh = &p->dhcp;
	uint8_t server[4];
	struct dhcp_seen *s = NULL;
	bool allowed = false;
	char mac[18] = "", ip[16], extra[64];
	uint64_t prev;

	if (dh->op != 2)
		return;
	/* An ACK hands out an address: its owner moves silently. */
	if (dh->msg_type == 5 && v4(dh->yiaddr) != 0)
		(void)ipt_claim(
		    d, v4(dh->yiaddr), lan_mac_key(dh->chaddr), now, &prev);
	if (dh->msg_type != 2 && dh->msg_type != 5)
		return;
	if (dh->has_server_id)
		memcpy(server, dh->server_id, 4);
	else if ((p->flags & LAN_F_IPV4) != 0)
		memcpy(server, p->src_ip, 4);
	else
		return;
	for (size_t i = 0; i < d->nallowed; i++)
		if (memcmp(d->allowed[i], server, 4) == 0)
			allowed = true;
	if (d->nallowed == 0 && !d->learned_dhcp) {
		memcpy(d->allowed[0], server, 4);
		d->nallowed = 1;
		d->learned_dhcp = true;
		allowed = true;
	}
	for (size_t i = 0; i < d->nseen; i++)
		if (memcmp(d->seen[i].ip, server, 4) == 0)
			s = &d->seen[i];
	if (s == NULL && d->nseen < MAX_DHCP_SEEN) {
		s = &d->seen[d->nseen++];
		memcpy(s->ip, server, 4);
		if (src != NULL)
			memcpy(s->mac, src->mac, 6);
	}
	if (s != NULL) {
		s->allowed = allowed;
		s->replies++;
	}
	if (allowed)
		return;
	if (src != NULL)
		lan_mac_format(src->mac, mac);
	fmt_v4(server, ip);
	snprintf(extra, sizeof extra, "dhcp_type=%s",
	    dh->msg_type == 2 ? "offer" : "ack");
	emit(d, now, "lan-rogue-dhcp", ip, mac, ip, extra);
}

void
lan_detect_each_dhcp_server(struct lan_detect *d,
    void (*fn)(void *, const char *, const char *, bool, uint64_t), void *arg)
{
	char ip[16], mac[18];

	for (size_t i = 0; i < d->nseen; i++) {
		fmt_v4(d->seen[i].ip, ip);
		lan_mac_format(d->seen[i].mac, mac);
		fn(arg, ip, mac, d->seen[i].allowed, d->seen[i].replies);
	}
}

/* --- DNS -------------------------------------------------------------- */

bool
lan_detect_dns(struct lan_detect *d, const struct lan_pkt *p,
    struct lan_host *src, int64_t now)
{
	const char *q = p->dns.qname;
	char mac[18] = "", ip[46] = "", extra[300], subj[300];
	bool changed = false;

	if (p->dns.response || p->dns.mdns || q[0] == '\0')
		return false;
	if (src != NULL) {
		for (size_t i = 0; i < d->nav; i++) {
			if (!lan_name_match(q, d->av[i].pattern))
				continue;
			if (src->av_product == NULL ||
			    strcmp(src->av_product, d->av[i].product) != 0)
				changed = true;
			src->av_product = d->av[i].product;
			src->av_last_ms = now;
			break;
		}
	}
	if (!bl_name_match(d, q))
		return changed;
	if (src != NULL)
		lan_mac_format(src->mac, mac);
	if ((p->flags & (LAN_F_IPV4 | LAN_F_IPV6)) != 0)
		fmt_ip(p->ip_family, p->src_ip, ip);
	snprintf(extra, sizeof extra, "domain=%s", q);
	snprintf(subj, sizeof subj, "%s %s %s", mac, ip, q);
	emit(d, now, "lan-blocked-domain", subj, mac, ip, extra);
	return changed;
}

/* --- scans ------------------------------------------------------------ */

static inline bool
bit_set(uint64_t *bits, unsigned i)
{
	uint64_t m = 1ull << (i & 63);
	bool was = (bits[i >> 6] & m) != 0;

	bits[i >> 6] |= m;
	return !was;
}

static struct scan_src *
scan_find(struct lan_detect *d, const struct lan_pkt *p, int64_t now)
{
	size_t alen = p->ip_family == 4 ? 4 : 16;
	uint64_t h = hash_fnv(p->src_ip, alen, HASH_FNV_INIT);
	struct scan_src *set = &d->scan[(h >> 7) % SCAN_SETS * 4], *victim;

	victim = &set[0];
	for (int i = 0; i < 4; i++) {
		struct scan_src *e = &set[i];
		if (e->family == p->ip_family &&
		    memcmp(e->ip, p->src_ip, alen) == 0)
			return e;
		if (e->family == 0 ||
		    (victim->family != 0 && e->last_ms < victim->last_ms))
			victim = e;
	}
	if (victim->family != 0 && now - victim->start_ms < d->scan_window_ms)
		d->st.scan_sources_replaced++;
	memset(victim, 0, sizeof *victim);
	victim->family = p->ip_family;
	memcpy(victim->ip, p->src_ip, alen);
	victim->start_ms = now;
	return victim;
}

void
lan_detect_syn(struct lan_detect *d, const struct lan_pkt *p,
    const struct lan_host *src, bool local, int64_t now)
{
	struct scan_src *e = scan_find(d, p, now);
	char mac[18] = "", ip[46], extra[64];
	unsigned hi;

	if (now - e->start_ms >= d->scan_window_ms) {
		uint8_t fam = e->family;
		uint8_t ipc[16];
		memcpy(ipc, e->ip, 16);
		memset(e, 0, sizeof *e);
		e->family = fam;
		memcpy(e->ip, ipc, 16);
		e->start_ms = now;
	}
	e->last_ms = now;
	if (bit_set(e->ports, p->dport % SCAN_BITS))
		e->nports++;
	if (local) {
		if (p->ip_family == 4)
			hi = (unsigned)(p->dst_ip[2] << 8 | p->dst_ip[3]);
		else
			hi = (unsigned)hash_fnv(p->dst_ip, 16, HASH_FNV_INIT);
		if (bit_set(e->hosts, hi % SCAN_BITS))
			e->nhosts++;
	}
	if (!e->ports_alerted && d->scan_ports > 0 &&
	    e->nports > d->scan_ports) {
		e->ports_alerted = true;
		if (src != NULL)
			lan_mac_format(src->mac, mac);
		fmt_ip(p->ip_family, p->src_ip, ip);
		snprintf(extra, sizeof extra, "ports=%u window=%llds",
		    e->nports, (long long)(d->scan_window_ms / 1000));
		emit(d, now, "lan-port-scan", ip, mac, ip, extra);
	}
	if (!e->hosts_alerted && d->scan_hosts > 0 &&
	    e->nhosts > d->scan_hosts) {
		e->hosts_alerted = true;
		if (src != NULL)
			lan_mac_format(src->mac, mac);
		fmt_ip(p->ip_family, p->src_ip, ip);
		snprintf(extra, sizeof extra, "hosts=%u window=%llds",
		    e->nhosts, (long long)(d->scan_window_ms / 1000));
		emit(d, now, "lan-host-sweep", ip, mac, ip, extra);
	}
}

/* --- blocklisted addresses -------------------------------------------- */

bool
lan_detect_has_ip_blocklist(const struct lan_detect *d)
{
	return d->nbl_v4 + d->nbl_cidr + d->nbl_v6 > 0;
}

void
lan_detect_ip(struct lan_detect *d, const struct lan_pkt *p,
    const struct lan_host *src, int64_t now)
{
	const uint8_t *hit;
	const char *dir;
	char mac[18] = "", ip[46], bad[46], extra[80], subj[80];

	if (bl_ip_match(d, p->ip_family, p->dst_ip)) {
		hit = p->dst_ip;
		dir = "to";
	} else if (bl_ip_match(d, p->ip_family, p->src_ip)) {
		hit = p->src_ip;
		dir = "from";
	} else {
		return;
	}
	if (src != NULL)
		lan_mac_format(src->mac, mac);
	fmt_ip(p->ip_family, hit, bad);
	fmt_ip(p->ip_family, hit == p->dst_ip ? p->src_ip : p->dst_ip, ip);
	snprintf(extra, sizeof extra, "blocked_ip=%s direction=%s", bad, dir);
	snprintf(subj, sizeof subj, "%s %s", ip, bad);
	emit(d, now, "lan-blocked-ip", subj, mac, ip, extra);
}
