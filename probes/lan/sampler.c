/* sampler.c - the LAN sampler core: decode, 1-in-N sampling, hosts, hourly traffic, detectors. */
#include <arpa/inet.h>
#include <sys/socket.h>

#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/config.h"
#include "common/log.h"
#include "common/sysnet.h"
#include "common/util.h"
#include "probes/lan/decode.h"
#include "probes/lan/detect.h"
#include "probes/lan/hosts.h"
#include "probes/lan/oui.h"
#include "probes/lan/sampler.h"

#define HOUR_MS      3600000
#define MINUTE_MS    60000
#define REPORT_MS    60000 /* host reports, unless something important */
#define DNS_SLOTS    2048  /* distinct names kept for `lan analyze` */
#define DNS_NAME_MAX 256

struct dns_name {
	uint64_t count;
	char name[DNS_NAME_MAX];
};

struct lan_sampler {
	struct lan_sink sink;
	struct lan_hosts *hosts;
	struct lan_detect *det;
	struct lan_oui *oui;
	int rate, skip;
	bool estimated;
	bool learning_set;
	bool fixed_uplink;
	uint64_t uplink_key; /* 0: unknown */
	int64_t start_ms;
	int64_t swept_ms; /* last report sweep */
	/* The open hour and minute (packet time); -1 before the first. */
	int64_t hour_ms, minute_ms;
	uint64_t up_h_in, up_h_out, up_m_in, up_m_out;
	double up_peak_in, up_peak_out;
	struct dns_name *dns; /* DNS_SLOTS */
	size_t ndns;
	struct lan_stats st;
	struct lan_pkt pkt; /* reused: no per-packet stack or heap work */
};

const char *
lan_host_status_name(int status)
{
	switch (status) {
	case LAN_HOST_APPROVED:
		return "approved";
	case LAN_HOST_BLOCKED:
		return "blocked";
	default:
		return "unknown";
	}
}

int
lan_host_status_parse(const char *s)
{
	if (strcmp(s, "unknown") == 0)
		return LAN_HOST_UNKNOWN;
	if (strcmp(s, "approved") == 0)
		return LAN_HOST_APPROVED;
	if (strcmp(s, "blocked") == 0)
		return LAN_HOST_BLOCKED;
	return -1;
}

int
lan_mac_parse(const char *s, uint8_t mac[6])
{
	for (int i = 0; i < 6; i++) {
		int v = 0;
		for (int j = 0; j < 2; j++) {
			char c = *s++;
			int d;
			if (c >= '0' && c <= '9')
				d = c - '0';
			else if (c >= 'a' && c <= 'f')
				d = c - 'a' + 10;
			else if (c >= 'A' && c <= 'F')
				d = c - 'A' + 10;
			else
				return -1;
			v = v << 4 | d;
		}
		mac[i] = (uint8_t)v;
		if (i < 5 && *s != ':' && *s != '-')
			return -1;
		if (i < 5)
			s++;
	}
	return *s == '\0' ? 0 : -1;
}

void
lan_opts_from_config(struct lan_opts *o, const struct config *cfg)
{
	memset(o, 0, sizeof *o);
	o->sample_rate = 1;
	o->max_hosts = 4096;
	o->learning_ms = 7LL * 24 * HOUR_MS;
	o->scan_ports = 100;
	o->scan_hosts = 50;
	o->scan_window_ms = 60000;
	o->ips_per_mac = 8;
	o->ips_window_ms = 600000;
	o->garp_storm = 30;
	o->suppress_ms = HOUR_MS;
	if (cfg == NULL)
		return;
	if (cfg->lan.sample_rate > 0)
		o->sample_rate = cfg->lan.sample_rate;
	if (cfg->lan.max_hosts > 0)
		o->max_hosts = (size_t)cfg->lan.max_hosts;
	if (cfg->lan.learning_ms >= 0)
		o->learning_ms = cfg->lan.learning_ms;
	if (cfg->lan.scan_ports > 0)
		o->scan_ports = cfg->lan.scan_ports;
	if (cfg->lan.scan_hosts > 0)
		o->scan_hosts = cfg->lan.scan_hosts;
	if (cfg->lan.scan_window_ms > 0)
		o->scan_window_ms = cfg->lan.scan_window_ms;
	if (cfg->lan.ips_per_mac > 0)
		o->ips_per_mac = cfg->lan.ips_per_mac;
	if (cfg->lan.garp_storm > 0)
		o->garp_storm = cfg->lan.garp_storm;
	if (cfg->lan.gateway_ip != NULL) {
		o->has_gateway =
		    inet_pton(AF_INET, cfg->lan.gateway_ip, o->gateway_ip) == 1;
	} else {
		/* The default: the default route's gateway, when there is one. */
		struct sysnet_route rt;
		char err[128];
		if (sysnet_default_route(
			SYSNET_PROC_ROUTE, &rt, err, sizeof err) == 0 &&
		    rt.gateway[0] != '\0')
			o->has_gateway =
			    inet_pton(AF_INET, rt.gateway, o->gateway_ip) == 1;
	}
	for (size_t i = 0; i < cfg->lan.ndhcp_servers &&
			   o->ndhcp_servers < LAN_MAX_DHCP_SERVERS;
	     i++)
		if (inet_pton(AF_INET, cfg->lan.dhcp_servers[i],
			o->dhcp_servers[o->ndhcp_servers]) == 1)
			o->ndhcp_servers++;
	o->blocklist_domains = (const char *const *)cfg->lan.blocklist_domains;
	o->nblocklist_domains = cfg->lan.nblocklist_domains;
	o->blocklist_ips = (const char *const *)cfg->lan.blocklist_ips;
	o->nblocklist_ips = cfg->lan.nblocklist_ips;
	o->av_domains = (const char *const *)cfg->lan.av_domains;
	o->nav_domains = cfg->lan.nav_domains;
	if (cfg->lan.uplink_mac != NULL)
		o->has_uplink_mac =
		    lan_mac_parse(cfg->lan.uplink_mac, o->uplink_mac) == 0;
}

static void sampler_report(
    struct lan_sampler *s, struct lan_host *h, int64_t now);

static void
sampler_host_traffic(struct lan_sampler *s, struct lan_host *h)
{
	char mac[18];

	if (h->h_pkts_in == 0 && h->h_pkts_out == 0)
		return;
	if (s->sink.traffic_hour != NULL && s->hour_ms >= 0) {
		lan_mac_format(h->mac, mac);
		s->sink.traffic_hour(s->sink.arg, mac, s->hour_ms,
		    h->h_bytes_in, h->h_bytes_out, h->h_pkts_in, h->h_pkts_out,
		    s->estimated);
	}
	h->bytes_in += h->h_bytes_in;
	h->bytes_out += h->h_bytes_out;
	h->pkts_in += h->h_pkts_in;
	h->pkts_out += h->h_pkts_out;
	h->h_bytes_in = h->h_bytes_out = h->h_pkts_in = h->h_pkts_out = 0;
}

static void
sampler_on_evict(void *arg, struct lan_host *h)
{
	struct lan_sampler *s = arg;

	/* Nothing counted is lost: the partial hour and last state go out. */
	sampler_host_traffic(s, h);
	if (h->dirty)
		sampler_report(s, h, h->last_ms);
}

struct lan_sampler *
lan_sampler_new(
    const struct lan_opts *o, const struct lan_sink *sink, int64_t start_ms)
{
	struct lan_sampler *s = calloc(1, sizeof *s);
	char err[256];

	if (s == NULL)
		return NULL;
	if (sink != NULL)
		s->sink = *sink;
	s->rate = o->sample_rate > 1 ? o->sample_rate : 1;
	s->estimated = s->rate > 1;
	s->start_ms = start_ms;
	s->hour_ms = s->minute_ms = -1;
	s->hosts = lan_hosts_new(o->max_hosts, sampler_on_evict, s);
	s->det = lan_detect_new(o, &s->sink);
	s->dns = calloc(DNS_SLOTS, sizeof *s->dns);
	if (s->hosts == NULL || s->det == NULL || s->dns == NULL) {
		lan_sampler_free(s);
		return NULL;
	}
	if (o->learning_start_ms > 0 || start_ms > 0) {
		lan_detect_set_learning_start(s->det,
		    o->learning_start_ms > 0 ? o->learning_start_ms : start_ms);
		s->learning_set = true;
	}
	if (o->has_uplink_mac) {
		s->uplink_key = lan_mac_key(o->uplink_mac);
		s->fixed_uplink = true;
	}
	/* Vendors are a nicety: without the list hosts just have none. */
	if ((s->oui = lan_oui_load(o->oui_path, err, sizeof err)) == NULL)
		log_warn("lan: no MAC vendor names: %s", err);
	return s;
}

void
lan_sampler_free(struct lan_sampler *s)
{
	if (s == NULL)
		return;
	lan_hosts_free(s->hosts);
	lan_detect_free(s->det);
	lan_oui_free(s->oui);
	free(s->dns);
	free(s);
}

static struct lan_host *
sampler_host_add(
    struct lan_sampler *s, const uint8_t mac[6], int64_t now, bool *created)
{
	struct lan_host *h = lan_hosts_get(s->hosts, mac, now, created);

	if (*created) {
		h->vendor = lan_oui_lookup(s->oui, mac);
		h->dirty = h->important = true;
	}
	return h;
}

void
lan_sampler_seed_host(struct lan_sampler *s, const uint8_t mac[6], int status,
    int64_t first_ms, const char *label)
{
	bool created;
	struct lan_host *h = sampler_host_add(s, mac, first_ms, &created);

	h->seeded = true;
	h->status = (uint8_t)status;
	if (first_ms > 0 && (created || first_ms < h->first_ms))
		h->first_ms = first_ms;
	if (label != NULL && label[0] != '\0') {
		snprintf(h->label, sizeof h->label, "%s", label);
		lan_host_set_name(h, label, LAN_NAME_LABEL);
	}
	/* The store already has it. */
	if (created)
		h->dirty = h->important = false;
}

void
lan_sampler_set_status(struct lan_sampler *s, const uint8_t mac[6], int status)
{
	struct lan_host *h = lan_hosts_find(s->hosts, mac);

	if (h == NULL) {
		lan_sampler_seed_host(s, mac, status, 0, NULL);
		return;
	}
	h->status = (uint8_t)status;
	h->seeded = true;
}

void
lan_sampler_forget(struct lan_sampler *s, const uint8_t mac[6])
{
	struct lan_host *h = lan_hosts_find(s->hosts, mac);

	if (h != NULL)
		lan_hosts_remove(s->hosts, h);
}

static void
sampler_report(struct lan_sampler *s, struct lan_host *h, int64_t now)
{
	struct lan_host_view v;

	h->dirty = h->important = false;
	h->reported_ms = now;
	if (s->sink.host == NULL)
		return;
	lan_host_view_fill(h, &v, s->estimated);
	s->sink.host(s->sink.arg, &v);
}

/* Close the open minute: its average rate may be the hour's peak. */
static void
sampler_close_minute(struct lan_sampler *s)
{
	double in = (double)s->up_m_in * 8 / 60.0;
	double out = (double)s->up_m_out * 8 / 60.0;

	if (in > s->up_peak_in)
		s->up_peak_in = in;
	if (out > s->up_peak_out)
		s->up_peak_out = out;
	s->up_m_in = s->up_m_out = 0;
}

static void
sampler_traffic_cb(void *arg, struct lan_host *h)
{
	sampler_host_traffic(arg, h);
}

static void
sampler_close_hour(struct lan_sampler *s)
{
	if (s->hour_ms < 0)
		return;
	sampler_close_minute(s);
	lan_hosts_each(s->hosts, sampler_traffic_cb, s);
	if (s->sink.uplink_hour != NULL && s->uplink_key != 0 &&
	    (s->up_h_in | s->up_h_out) != 0)
		s->sink.uplink_hour(s->sink.arg, s->hour_ms, s->up_h_in,
		    s->up_h_out, s->up_peak_in, s->up_peak_out, s->estimated);
	s->up_h_in = s->up_h_out = 0;
	s->up_peak_in = s->up_peak_out = 0;
}

static void
sampler_roll(struct lan_sampler *s, int64_t now)
{
	int64_t minute = now - now % MINUTE_MS;
	int64_t hour = now - now % HOUR_MS;

	if (s->minute_ms >= 0 && minute > s->minute_ms)
		sampler_close_minute(s);
	if (minute > s->minute_ms)
		s->minute_ms = minute;
	if (hour > s->hour_ms) {
		sampler_close_hour(s);
		s->hour_ms = hour;
	}
}

static void
sampler_dns_name(struct lan_sampler *s, const char *name)
{
	size_t i =
	    hash_fnv(name, strlen(name), HASH_FNV_INIT) & (DNS_SLOTS - 1);

	for (size_t n = 0; n < DNS_SLOTS; n++, i = (i + 1) & (DNS_SLOTS - 1)) {
		struct dns_name *d = &s->dns[i];
		if (d->count == 0) {
			/* Half full at most, so lookups stay short. */
			if (s->ndns >= DNS_SLOTS / 2)
				break;
			snprintf(d->name, sizeof d->name, "%s", name);
			d->count = 1;
			s->ndns++;
			return;
		}
		if (strcmp(d->name, name) == 0) {
			d->count++;
			return;
		}
	}
	s->st.dns_names_dropped++;
}

static bool
is_private_v4(const uint8_t *a)
{
	return a[0] == 10 || (a[0] == 172 && (a[1] & 0xf0) == 16) ||
	       (a[0] == 192 && a[1] == 168) || (a[0] == 169 && a[1] == 254);
}

static bool
is_local_ip(const struct lan_pkt *p)
{
	if (p->ip_family == 4)
		return is_private_v4(p->dst_ip);
	/* fc00::/7 unique local, fe80::/10 link-local */
	return (p->dst_ip[0] & 0xfe) == 0xfc ||
	       (p->dst_ip[0] == 0xfe && (p->dst_ip[1] & 0xc0) == 0x80);
}

static void
sampler_set_ipv4(struct lan_host *h, const uint8_t *ip)
{
	if (!h->has_ipv4 || memcmp(h->ipv4, ip, 4) != 0) {
		memcpy(h->ipv4, ip, 4);
		h->has_ipv4 = true;
		h->dirty = h->important = true;
	}
}

static void
sampler_ipv6(struct lan_host *h, const uint8_t *ip)
{
	static const uint8_t zero[16];
	bool ll = ip[0] == 0xfe && (ip[1] & 0xc0) == 0x80;
	bool cur_ll = h->ipv6[0] == 0xfe && (h->ipv6[1] & 0xc0) == 0x80;

	if (memcmp(ip, zero, 16) == 0 || ip[0] == 0xff)
		return;
	/* Keep one address: a global one wins over link-local. */
	if (!h->has_ipv6 || (cur_ll && !ll)) {
		memcpy(h->ipv6, ip, 16);
		h->has_ipv6 = true;
		h->dirty = h->important = true;
	}
}

static void
sampler_dhcp(struct lan_sampler *s, const struct lan_pkt *p,
    struct lan_host *src, int64_t now)
{
	const struct lan_dhcp *d = &p->dhcp;
	struct lan_host *c;

	c = src != NULL && memcmp(src->mac, d->chaddr, 6) == 0
		? src
		: lan_hosts_find(s->hosts, d->chaddr);
	if (c != NULL && d->op == 1) {
		if (lan_host_set_dhcp(c, d))
			c->dirty = c->important = true;
		if (lan_host_set_name(c, d->hostname, LAN_NAME_DHCP))
			c->dirty = c->important = true;
	} else if (c != NULL && d->op == 2 && d->msg_type == 5) {
		static const uint8_t zero[4];
		if (memcmp(d->yiaddr, zero, 4) != 0)
			sampler_set_ipv4(c, d->yiaddr);
	}
	lan_detect_dhcp(s->det, p, src, now);
}

void
lan_sampler_packet(struct lan_sampler *s, int linktype,
    const struct pcap_pkthdr *ph, const uint8_t *data)
{
	struct lan_pkt *p = &s->pkt;
	struct lan_host *src = NULL, *dst = NULL;
	uint64_t skey = 0, dkey = 0, bytes;
	bool created = false;
	int64_t now;

	s->st.packets++;
	s->st.bytes += ph->len;
	if (s->rate > 1) {
		if (++s->skip < s->rate)
			return;
		s->skip = 0;
	}
	s->st.sampled++;
	now = (int64_t)ph->ts.tv_sec * 1000 + ph->ts.tv_usec / 1000;
	if (!s->learning_set) {
		lan_detect_set_learning_start(s->det, now);
		s->learning_set = true;
	}
	if (now >= s->minute_ms + MINUTE_MS)
		sampler_roll(s, now);
	/* Both hosts' slots load while the frame decodes. */
	if (linktype == LAN_LINK_EN10MB && ph->caplen >= 12) {
		lan_hosts_prefetch(s->hosts, data);
		lan_hosts_prefetch(s->hosts, data + 6);
	}
	if (lan_decode(data, ph->caplen, ph->len, linktype, p) < 0) {
		s->st.decode_unsupported++;
		return;
	}
	p->ts_us = (int64_t)ph->ts.tv_sec * 1000000 + ph->ts.tv_usec;
	if (p->flags & LAN_F_TRUNC)
		s->st.decode_trunc++;
	if (p->flags & LAN_F_BAD)
		s->st.decode_bad++;
	bytes = (uint64_t)ph->len * (uint64_t)s->rate;
	if (p->flags & LAN_F_ETH) {
		skey = lan_mac_key(p->src_mac);
		dkey = lan_mac_key(p->dst_mac);
		/* Both records load at once rather than one after the other. */
		lan_hosts_prefetch_host(s->hosts, p->dst_mac);
		lan_hosts_prefetch_host(s->hosts, p->src_mac);
		/* Group addresses are not hosts. */
		if ((p->dst_mac[0] & 1) == 0 && dkey != 0 &&
		    (dst = lan_hosts_find(s->hosts, p->dst_mac)) != NULL)
			__builtin_prefetch(&dst->h_bytes_in, 1);
		if ((p->src_mac[0] & 1) == 0 && skey != 0) {
			src = sampler_host_add(s, p->src_mac, now, &created);
			src->h_bytes_out += bytes;
			src->h_pkts_out += (uint64_t)s->rate;
			/* Adding SRC may have evicted DST from its slot. */
			if (created && dst != NULL && dst->key != dkey)
				dst = NULL;
		}
		if (dst != NULL) {
			dst->h_bytes_in += bytes;
			dst->h_pkts_in += (uint64_t)s->rate;
		}
		if (s->uplink_key != 0) {
			if (dkey == s->uplink_key) {
				s->up_h_out += bytes;
				s->up_m_out += bytes;
				s->st.uplink_bytes_out += bytes;
			} else if (skey == s->uplink_key) {
				s->up_h_in += bytes;
				s->up_m_in += bytes;
				s->st.uplink_bytes_in += bytes;
			}
		}
	}
	if (p->flags & LAN_F_ARP) {
		if (src != NULL && memcmp(p->arp.sha, p->src_mac, 6) == 0 &&
		    (p->arp.spa[0] | p->arp.spa[1] | p->arp.spa[2] |
			p->arp.spa[3]) != 0)
			sampler_set_ipv4(src, p->arp.spa);
		lan_detect_arp(s->det, p, src, now);
		if (!s->fixed_uplink) {
			uint8_t gw[6];
			if (lan_detect_gateway_mac(s->det, gw))
				s->uplink_key = lan_mac_key(gw);
		}
	} else if (p->flags & (LAN_F_IPV4 | LAN_F_IPV6)) {
		if (src != NULL && skey != s->uplink_key) {
			if (p->ip_family == 4) {
				/* A router forwards others' addresses:
				   only a private one is surely its own. */
				if (!src->has_ipv4 && is_private_v4(p->src_ip))
					sampler_set_ipv4(src, p->src_ip);
			} else {
				sampler_ipv6(src, p->src_ip);
			}
		}
		if (p->flags & LAN_F_DHCP)
			sampler_dhcp(s, p, src, now);
		if (p->flags & LAN_F_DNS) {
			if (!p->dns.response && !p->dns.mdns &&
			    p->dns.qname[0] != '\0')
				sampler_dns_name(s, p->dns.qname);
			/* A PC with Kaspersky still asks Microsoft: the
			   product may alternate, so it waits for the sweep. */
			if (lan_detect_dns(s->det, p, src, now) && src != NULL)
				src->dirty = true;
		}
		if ((p->flags & LAN_F_NAME) && src != NULL &&
		    lan_host_set_name(src, p->name_hint,
			(p->flags & LAN_F_DNS) ? LAN_NAME_MDNS
					       : LAN_NAME_NETBIOS))
			src->dirty = src->important = true;
		if ((p->flags & LAN_F_TCP) &&
		    (p->tcp_flags & (0x02 | 0x10)) == 0x02) {
			bool local = s->uplink_key != 0 && dkey != 0
					 ? dkey != s->uplink_key
					 : is_local_ip(p);
			lan_detect_syn(s->det, p, src, local, now);
		}
		if (lan_detect_has_ip_blocklist(s->det))
			lan_detect_ip(s->det, p, src, now);
	}
	if (src == NULL)
		return;
	if (created) {
		if (!src->seeded)
			lan_detect_host_new(s->det, src, now);
	} else {
		src->dirty = true;
	}
	if (src->status == LAN_HOST_BLOCKED)
		lan_detect_host_blocked(s->det, src, now);
	/* Important changes go out now; the rest with the next sweep. */
	if (src->important)
		sampler_report(s, src, now);
}

struct tick_ctx {
	struct lan_sampler *s;
	int64_t now;
	bool flush;
};

static void
sampler_tick_host(void *arg, struct lan_host *h)
{
	struct tick_ctx *t = arg;

	if (h->dirty && (t->flush || t->now - h->reported_ms >= REPORT_MS))
		sampler_report(t->s, h, h->last_ms);
}

void
lan_sampler_tick(struct lan_sampler *s, int64_t now_ms, bool flush)
{
	struct tick_ctx t = {s, now_ms, flush};

	if (s->minute_ms >= 0 && now_ms >= s->minute_ms + MINUTE_MS)
		sampler_roll(s, now_ms);
	/* Hosts that changed a little are reported by this sweep, once a
	   REPORT_MS: a per-frame check would cost every frame. */
	if (flush || now_ms - s->swept_ms >= REPORT_MS) {
		lan_hosts_each(s->hosts, sampler_tick_host, &t);
		s->swept_ms = now_ms;
	}
	if (flush) {
		/* The open hour goes out as it is; more may follow for it. */
		sampler_close_hour(s);
		s->up_m_in = s->up_m_out = 0;
	}
}

struct each_ctx {
	struct lan_sampler *s;
	void (*fn)(void *, const struct lan_host_view *);
	void *arg;
};

static void
sampler_each_cb(void *arg, struct lan_host *h)
{
	struct each_ctx *c = arg;
	struct lan_host_view v;

	lan_host_view_fill(h, &v, c->s->estimated);
	c->fn(c->arg, &v);
}

void
lan_sampler_each_host(struct lan_sampler *s,
    void (*fn)(void *arg, const struct lan_host_view *h), void *arg)
{
	struct each_ctx c = {s, fn, arg};

	lan_hosts_each(s->hosts, sampler_each_cb, &c);
}

void
lan_sampler_each_dhcp_server(struct lan_sampler *s,
    void (*fn)(void *, const char *, const char *, bool, uint64_t), void *arg)
{
	lan_detect_each_dhcp_server(s->det, fn, arg);
}

void
lan_sampler_each_dns_name(struct lan_sampler *s,
    void (*fn)(void *arg, const char *name, uint64_t count), void *arg)
{
	for (size_t i = 0; i < DNS_SLOTS; i++)
		if (s->dns[i].count > 0)
			fn(arg, s->dns[i].name, s->dns[i].count);
}

void
lan_sampler_uplink(const struct lan_sampler *s, char mac_s[18])
{
	uint8_t mac[6];
	uint64_t k = s->uplink_key;

	if (k == 0) {
		mac_s[0] = '\0';
		return;
	}
	for (int i = 5; i >= 0; i--, k >>= 8)
		mac[i] = (uint8_t)k;
	lan_mac_format(mac, mac_s);
}

void
lan_sampler_get_stats(const struct lan_sampler *s, struct lan_stats *st)
{
	struct lan_detect_stats ds;

	*st = s->st;
	lan_detect_get_stats(s->det, &ds);
	st->hosts = lan_hosts_count(s->hosts);
	st->hosts_evicted = lan_hosts_evicted(s->hosts);
	st->events = ds.events;
	st->events_suppressed = ds.suppressed;
	st->sample_rate = s->rate;
}
