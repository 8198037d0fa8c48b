/* hosts.c - the LAN host table (open addressing by MAC, LRU list for eviction), names, DHCP OS guesses. */
#include <arpa/inet.h>
#include <sys/socket.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probes/lan/decode.h"
#include "probes/lan/hosts.h"
#include "probes/lan/sampler.h"

#define NIL   UINT32_MAX
#define EMPTY UINT64_MAX /* no MAC is 64 bits wide */

struct slot {
	uint64_t key; /* EMPTY when free */
	uint32_t idx; /* into the slab */
	uint32_t pad;
};
/* Move a host to the LRU head at most this often: exact to a second,
   without touching two neighbours on every frame. */
#define LRU_GRAIN_MS 1000

struct lan_hosts {
	struct lan_host *slab; /* max entries; free ones chained by lru_next */
	void *slab_mem;        /* SLAB before alignment to a cache line */
	/* Open addressing by key; the key is kept here so that a lookup
	   reads one cache line, not the slab too. */
	struct slot *index;
	uint32_t mask; /* index size - 1 (a power of two) */
	uint32_t max, count;
	uint32_t free_head;
	uint32_t lru_head, lru_tail; /* most / least recently seen */
	uint64_t evicted;
	void (*on_evict)(void *arg, struct lan_host *h);
	void *arg;
};

static inline uint32_t
hosts_hash(const struct lan_hosts *t, uint64_t key)
{
	return (uint32_t)((key * 0x9E3779B97F4A7C15ull) >> 32) & t->mask;
}

struct lan_hosts *
lan_hosts_new(
    size_t max_hosts, void (*on_evict)(void *, struct lan_host *), void *arg)
{
	struct lan_hosts *t;
	size_t slots = 16;

	if (max_hosts < 1)
		max_hosts = 1;
	if (max_hosts > (1u << 24))
		max_hosts = 1u << 24;
	/* At most half full: probes stay short. */
	while (slots < max_hosts * 2)
		slots <<= 1;
	if ((t = calloc(1, sizeof *t)) == NULL)
		return NULL;
	/* calloc: pages of the slab never used are never touched. */
	t->slab_mem = calloc(max_hosts + 1, sizeof *t->slab);
	t->slab =
	    (struct lan_host *)(((uintptr_t)t->slab_mem + 63) & ~(uintptr_t)63);
	t->index = malloc(slots * sizeof *t->index);
	if (t->slab_mem == NULL || t->index == NULL) {
		lan_hosts_free(t);
		return NULL;
	}
	memset(t->index, 0xff, slots * sizeof *t->index); /* EMPTY */
	t->mask = (uint32_t)slots - 1;
	t->max = (uint32_t)max_hosts;
	for (uint32_t i = 0; i < t->max; i++)
		t->slab[i].lru_next = i + 1 < t->max ? i + 1 : NIL;
	t->free_head = 0;
	t->lru_head = t->lru_tail = NIL;
	t->on_evict = on_evict;
	t->arg = arg;
	return t;
}

void
lan_hosts_free(struct lan_hosts *t)
{
	if (t == NULL)
		return;
	free(t->slab_mem);
	free(t->index);
	free(t);
}

static uint32_t
hosts_slot(const struct lan_hosts *t, uint64_t key)
{
	uint32_t i = hosts_hash(t, key);

	while (t->index[i].key != EMPTY && t->index[i].key != key)
		i = (i + 1) & t->mask;
	return i;
}

static inline uint32_t
slot_idx(const struct lan_hosts *t, uint32_t i)
{
	return t->index[i].idx;
}

void
lan_hosts_prefetch(const struct lan_hosts *t, const uint8_t mac[6])
{
	__builtin_prefetch(&t->index[hosts_hash(t, lan_mac_key(mac))]);
}

void
lan_hosts_prefetch_host(const struct lan_hosts *t, const uint8_t mac[6])
{
	const struct slot *e = &t->index[hosts_hash(t, lan_mac_key(mac))];

	/* The home slot only: a guess that is right for most keys. */
	if (e->key != EMPTY)
		__builtin_prefetch(&t->slab[e->idx], 1);
}

struct lan_host *
lan_hosts_find(struct lan_hosts *t, const uint8_t mac[6])
{
	uint32_t i = hosts_slot(t, lan_mac_key(mac));

	return t->index[i].key == EMPTY ? NULL : &t->slab[slot_idx(t, i)];
}

static void
lru_unlink(struct lan_hosts *t, uint32_t n)
{
	struct lan_host *h = &t->slab[n];

	if (h->lru_prev != NIL)
		t->slab[h->lru_prev].lru_next = h->lru_next;
	else
		t->lru_head = h->lru_next;
	if (h->lru_next != NIL)
		t->slab[h->lru_next].lru_prev = h->lru_prev;
	else
		t->lru_tail = h->lru_prev;
}

static void
lru_push(struct lan_hosts *t, uint32_t n)
{
	struct lan_host *h = &t->slab[n];

	h->lru_prev = NIL;
	h->lru_next = t->lru_head;
	if (t->lru_head != NIL)
		t->slab[t->lru_head].lru_prev = n;
	t->lru_head = n;
	if (t->lru_tail == NIL)
		t->lru_tail = n;
}

/* Linear probing with backward-shift deletion: no tombstones to age. */
static void
index_delete(struct lan_hosts *t, uint32_t i)
{
	uint32_t j = i;

	for (;;) {
		j = (j + 1) & t->mask;
		if (t->index[j].key == EMPTY)
			break;
		uint32_t home = hosts_hash(t, t->index[j].key);
		/* Move J back to I unless its home lies cyclically in (I, J]. */
		if ((j > i && (home <= i || home > j)) ||
		    (j < i && (home <= i && home > j))) {
			t->index[i] = t->index[j];
			i = j;
		}
	}
	t->index[i].key = EMPTY;
}

void
lan_hosts_remove(struct lan_hosts *t, struct lan_host *h)
{
	uint32_t n = (uint32_t)(h - t->slab);
	uint32_t i = hosts_slot(t, h->key);

	if (t->index[i].key == EMPTY || slot_idx(t, i) != n)
		return;
	index_delete(t, i);
	lru_unlink(t, n);
	memset(h, 0, sizeof *h);
	h->lru_next = t->free_head;
	t->free_head = n;
	t->count--;
}

struct lan_host *
lan_hosts_get(
    struct lan_hosts *t, const uint8_t mac[6], int64_t now_ms, bool *created)
{
	uint64_t key = lan_mac_key(mac);
	uint32_t i = hosts_slot(t, key), n;
	struct lan_host *h;

	if (t->index[i].key != EMPTY) {
		n = slot_idx(t, i);
		h = &t->slab[n];
		if (now_ms > h->last_ms) {
			h->last_ms = now_ms;
			if (now_ms - h->lru_ms >= LRU_GRAIN_MS &&
			    t->lru_head != n) {
				lru_unlink(t, n);
				lru_push(t, n);
				h->lru_ms = now_ms;
			}
		}
		*created = false;
		return h;
	}
	if (t->free_head == NIL) {
		struct lan_host *old = &t->slab[t->lru_tail];
		if (t->on_evict != NULL)
			t->on_evict(t->arg, old);
		lan_hosts_remove(t, old);
		t->evicted++;
		i = hosts_slot(t, key); /* the shift may have moved it */
	}
	n = t->free_head;
	h = &t->slab[n];
	t->free_head = h->lru_next;
	memset(h, 0, sizeof *h);
	h->key = key;
	memcpy(h->mac, mac, 6);
	h->first_ms = h->last_ms = h->lru_ms = now_ms;
	t->index[i].key = key;
	t->index[i].idx = n;
	lru_push(t, n);
	t->count++;
	*created = true;
	return h;
}

void
lan_hosts_each(
    struct lan_hosts *t, void (*fn)(void *arg, struct lan_host *h), void *arg)
{
	/* Most recently seen first; FN must not add or remove hosts. */
	for (uint32_t n = t->lru_head; n != NIL; n = t->slab[n].lru_next)
		fn(arg, &t->slab[n]);
}

size_t
lan_hosts_count(const struct lan_hosts *t)
{
	return t->count;
}

uint64_t
lan_hosts_evicted(const struct lan_hosts *t)
{
	return t->evicted;
}

/*
 * DHCP fingerprints, first match wins. Heuristics from the clients'
 * documented or observed defaults; a guess, shown as such:
 *   option 60 "MSFT 5.0"/"MSFT 98"  Windows (2000 and later / 9x)
 *   option 60 "android-dhcp-*"      Android
 *   option 60 "dhcpcd-*"            Linux (dhcpcd; older Android too)
 *   option 60 "udhcp*"              Linux (BusyBox: routers, cameras)
 *   55 = 1,3,6,15,31,33,43,44,46,47,119,121,249,252 ...  Windows (10/11
 *        send no option 60 when the vendor class is off)
 *   55 starts 1,121,3,6,15,119,252  Apple macOS / iOS
 *   55 starts 1,28,2,3,15,6,119,12  Linux (ISC dhclient: Debian, Ubuntu)
 *   55 starts 1,3,12,15,6           Linux (systemd-networkd)
 *   55 starts 1,3,6,15,119,252      Apple (older macOS / iOS)
 *   55 starts 1,33,3,6,15,28,51,58,59  Android (older, dhcpcd)
 */
struct os_rule {
	const char *vendor_prefix; /* NULL: match on option 55 */
	const uint8_t *params;
	size_t nparams;
	const char *os;
};

static const uint8_t fp_win10[] = {
    1, 3, 6, 15, 31, 33, 43, 44, 46, 47, 119, 121, 249, 252};
static const uint8_t fp_apple[] = {1, 121, 3, 6, 15, 119, 252};
static const uint8_t fp_dhclient[] = {1, 28, 2, 3, 15, 6, 119, 12};
static const uint8_t fp_networkd[] = {1, 3, 12, 15, 6};
static const uint8_t fp_apple_old[] = {1, 3, 6, 15, 119, 252};
static const uint8_t fp_android_old[] = {1, 33, 3, 6, 15, 28, 51, 58, 59};

#define FP(a) a, sizeof(a)
static const struct os_rule os_rules[] = {
    {"MSFT 98", NULL, 0, "Windows 9x"},
    {"MSFT", NULL, 0, "Windows"},
    {"android-dhcp-", NULL, 0, "Android"},
    {"dhcpcd-", NULL, 0, "Linux (dhcpcd)"},
    {"udhcp", NULL, 0, "Linux (BusyBox)"},
    {NULL, FP(fp_win10), "Windows"},
    {NULL, FP(fp_apple), "Apple macOS/iOS"},
    {NULL, FP(fp_dhclient), "Linux (dhclient)"},
    {NULL, FP(fp_networkd), "Linux (systemd-networkd)"},
    {NULL, FP(fp_apple_old), "Apple macOS/iOS"},
    {NULL, FP(fp_android_old), "Android"},
};
#undef FP

const char *
lan_os_guess(const char *vendor_class, const uint8_t *params, size_t nparams)
{
	for (size_t i = 0; i < sizeof os_rules / sizeof os_rules[0]; i++) {
		const struct os_rule *r = &os_rules[i];
		if (r->vendor_prefix != NULL) {
			if (vendor_class != NULL &&
			    strncmp(vendor_class, r->vendor_prefix,
				strlen(r->vendor_prefix)) == 0)
				return r->os;
		} else if (nparams >= r->nparams &&
			   memcmp(params, r->params, r->nparams) == 0) {
			return r->os;
		}
	}
	return NULL;
}

bool
lan_host_set_dhcp(struct lan_host *h, const struct lan_dhcp *d)
{
	char fp[sizeof h->dhcp_fp];
	size_t len = 0;
	const char *os;
	bool changed = false;

	if (d->nparams == 0 && d->vendor_class[0] == '\0')
		return false;
	fp[0] = '\0';
	if (d->nparams > 0) {
		len = (size_t)snprintf(fp, sizeof fp, "55:");
		for (size_t i = 0; i < d->nparams && len < sizeof fp; i++)
			len += (size_t)snprintf(fp + len, sizeof fp - len,
			    "%s%u", i ? "," : "", d->params[i]);
	}
	if (d->vendor_class[0] != '\0' && len < sizeof fp)
		snprintf(fp + len, sizeof fp - len, "%s60:%s", len ? ";" : "",
		    d->vendor_class);
	if (strcmp(fp, h->dhcp_fp) != 0) {
		snprintf(h->dhcp_fp, sizeof h->dhcp_fp, "%s", fp);
		changed = true;
	}
	os = lan_os_guess(d->vendor_class, d->params, d->nparams);
	if (os != NULL && os != h->os_guess) {
		h->os_guess = os;
		changed = true;
	}
	return changed;
}

bool
lan_host_set_name(struct lan_host *h, const char *name, int src)
{
	if (name[0] == '\0' || src < h->name_source)
		return false;
	if (src == h->name_source && strcmp(name, h->name) == 0)
		return false;
	snprintf(h->name, sizeof h->name, "%s", name);
	h->name_source = (uint8_t)src;
	return true;
}

const char *
lan_name_source_name(int src)
{
	switch (src) {
	case LAN_NAME_NETBIOS:
		return "netbios";
	case LAN_NAME_MDNS:
		return "mdns";
	case LAN_NAME_DHCP:
		return "dhcp";
	case LAN_NAME_LABEL:
		return "label";
	default:
		return "";
	}
}

void
lan_host_view_fill(
    const struct lan_host *h, struct lan_host_view *v, bool estimated)
{
	memset(v, 0, sizeof *v);
	v->mac = h->mac;
	lan_mac_format(h->mac, v->mac_s);
	if (h->has_ipv4)
		snprintf(v->ipv4, sizeof v->ipv4, "%u.%u.%u.%u", h->ipv4[0],
		    h->ipv4[1], h->ipv4[2], h->ipv4[3]);
	if (h->has_ipv6)
		inet_ntop(AF_INET6, h->ipv6, v->ipv6, sizeof v->ipv6);
	v->name = h->name;
	v->name_source = lan_name_source_name(h->name_source);
	v->vendor = h->vendor ? h->vendor : "";
	v->os_guess = h->os_guess ? h->os_guess : "";
	v->dhcp_fp = h->dhcp_fp;
	v->first_ms = h->first_ms;
	v->last_ms = h->last_ms;
	v->status = h->status;
	v->label = h->label;
	v->av_product = h->av_product ? h->av_product : "";
	v->av_last_ms = h->av_last_ms;
	v->bytes_in = h->bytes_in + h->h_bytes_in;
	v->bytes_out = h->bytes_out + h->h_bytes_out;
	v->pkts_in = h->pkts_in + h->h_pkts_in;
	v->pkts_out = h->pkts_out + h->h_pkts_out;
	v->estimated = estimated;
}
