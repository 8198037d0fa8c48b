/* lantest.c - frame builders, pcap_dump writer and a collecting sink for the LAN unit tests. */
#include <arpa/inet.h>
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "probes/lan/offline.h"
#include "tests/unit/lantest.h"

static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

void
lp_open(struct lp *w)
{
	int fd;

	memset(w, 0, sizeof *w);
	snprintf(w->path, sizeof w->path, "/tmp/xanet-lan-XXXXXX");
	fd = mkstemp(w->path);
	assert_true(fd >= 0);
	close(fd);
	w->dead = pcap_open_dead(DLT_EN10MB, 65535);
	assert_non_null(w->dead);
	w->d = pcap_dump_open(w->dead, w->path);
	assert_non_null(w->d);
	w->ms = T0;
}

void
lp_finish(struct lp *w)
{
	if (w->d != NULL)
		pcap_dump_close(w->d);
	if (w->dead != NULL)
		pcap_close(w->dead);
	w->d = NULL;
	w->dead = NULL;
}

void
lp_remove(struct lp *w)
{
	lp_finish(w);
	unlink(w->path);
}

void
lp_frame(struct lp *w, const uint8_t *f, size_t len)
{
	struct pcap_pkthdr h;

	memset(&h, 0, sizeof h);
	h.ts.tv_sec = w->ms / 1000;
	h.ts.tv_usec = (w->ms % 1000) * 1000;
	h.caplen = h.len = (uint32_t)len;
	pcap_dump((u_char *)w->d, &h, f);
}

static size_t
eth(uint8_t *b, const uint8_t src[6], const uint8_t dst[6], uint16_t type)
{
	memcpy(b, dst, 6);
	memcpy(b + 6, src, 6);
	b[12] = (uint8_t)(type >> 8);
	b[13] = (uint8_t)type;
	return 14;
}

static void
ip_aton(const char *s, uint8_t out[4])
{
	assert_int_equal(inet_pton(AF_INET, s, out), 1);
}

size_t
lp_arp(uint8_t *buf, const uint8_t src[6], const uint8_t dst[6], int op,
    const char *spa, const uint8_t tha[6], const char *tpa)
{
	size_t n = eth(buf, src, dst, 0x0806);
	uint8_t *a = buf + n;

	a[0] = 0, a[1] = 1; /* Ethernet */
	a[2] = 8, a[3] = 0; /* IPv4 */
	a[4] = 6, a[5] = 4;
	a[6] = 0, a[7] = (uint8_t)op;
	memcpy(a + 8, src, 6);
	ip_aton(spa, a + 14);
	memcpy(a + 18, tha, 6);
	ip_aton(tpa, a + 24);
	memset(a + 28, 0, 18); /* padding to 60 bytes */
	return n + 46;
}

static uint16_t
csum(const uint8_t *p, size_t n)
{
	uint32_t s = 0;

	for (size_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		s += (uint32_t)(p[n - 1] << 8);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

static size_t
ip4(uint8_t *b, uint8_t proto, const char *sip, const char *dip, size_t l4len)
{
	size_t tot = 20 + l4len;
	uint16_t c;

	memset(b, 0, 20);
	b[0] = 0x45;
	b[2] = (uint8_t)(tot >> 8);
	b[3] = (uint8_t)tot;
	b[8] = 64;
	b[9] = proto;
	ip_aton(sip, b + 12);
	ip_aton(dip, b + 16);
	c = csum(b, 20);
	b[10] = (uint8_t)(c >> 8);
	b[11] = (uint8_t)c;
	return 20;
}

size_t
lp_udp4(uint8_t *buf, const uint8_t src[6], const uint8_t dst[6],
    const char *sip, const char *dip, uint16_t sport, uint16_t dport,
    const uint8_t *payload, size_t plen)
{
	size_t n = eth(buf, src, dst, 0x0800);
	uint8_t *u;

	n += ip4(buf + n, 17, sip, dip, 8 + plen);
	u = buf + n;
	u[0] = (uint8_t)(sport >> 8), u[1] = (uint8_t)sport;
	u[2] = (uint8_t)(dport >> 8), u[3] = (uint8_t)dport;
	u[4] = (uint8_t)((8 + plen) >> 8), u[5] = (uint8_t)(8 + plen);
	u[6] = u[7] = 0; /* no checksum: allowed over IPv4 */
	memcpy(u + 8, payload, plen);
	return n + 8 + plen;
}

size_t
lp_tcp4(uint8_t *buf, const uint8_t src[6], const uint8_t dst[6],
    const char *sip, const char *dip, uint16_t sport, uint16_t dport,
    uint8_t flags, size_t pad)
{
	size_t n = eth(buf, src, dst, 0x0800);
	uint8_t *t;

	n += ip4(buf + n, 6, sip, dip, 20 + pad);
	t = buf + n;
	memset(t, 0, 20 + pad);
	t[0] = (uint8_t)(sport >> 8), t[1] = (uint8_t)sport;
	t[2] = (uint8_t)(dport >> 8), t[3] = (uint8_t)dport;
	t[7] = 1;
	t[12] = 5 << 4;
	t[13] = flags;
	t[14] = 0xff, t[15] = 0xff;
	return n + 20 + pad;
}

size_t
lp_dhcp(uint8_t *b, int op, int msg_type, const uint8_t chaddr[6],
    const char *yiaddr, const char *server_id, const char *hostname,
    const char *vendor, const uint8_t *params, size_t nparams)
{
	size_t n = 240;

	memset(b, 0, 240);
	b[0] = (uint8_t)op;
	b[1] = 1, b[2] = 6;
	b[4] = 0x12, b[5] = 0x34, b[6] = 0x56, b[7] = 0x78;
	if (yiaddr != NULL)
		ip_aton(yiaddr, b + 16);
	memcpy(b + 28, chaddr, 6);
	b[236] = 99, b[237] = 130, b[238] = 83, b[239] = 99;
	b[n++] = 53, b[n++] = 1, b[n++] = (uint8_t)msg_type;
	if (server_id != NULL) {
		b[n++] = 54, b[n++] = 4;
		ip_aton(server_id, b + n);
		n += 4;
	}
	if (hostname != NULL && hostname[0] != '\0') {
		size_t l = strlen(hostname);
		b[n++] = 12, b[n++] = (uint8_t)l;
		memcpy(b + n, hostname, l);
		n += l;
	}
	if (vendor != NULL && vendor[0] != '\0') {
		size_t l = strlen(vendor);
		b[n++] = 60, b[n++] = (uint8_t)l;
		memcpy(b + n, vendor, l);
		n += l;
	}
	if (nparams > 0) {
		b[n++] = 55, b[n++] = (uint8_t)nparams;
		memcpy(b + n, params, nparams);
		n += nparams;
	}
	b[n++] = 255;
	return n;
}

size_t
lp_dns_query(uint8_t *b, uint16_t id, const char *name)
{
	size_t n = 12;
	const char *p = name;

	memset(b, 0, 12);
	b[0] = (uint8_t)(id >> 8), b[1] = (uint8_t)id;
	b[2] = 0x01; /* RD */
	b[5] = 1;    /* one question */
	while (*p != '\0') {
		const char *dot = strchr(p, '.');
		size_t l = dot ? (size_t)(dot - p) : strlen(p);
		b[n++] = (uint8_t)l;
		memcpy(b + n, p, l);
		n += l;
		p += l;
		if (*p == '.')
			p++;
	}
	b[n++] = 0;
	b[n++] = 0, b[n++] = 1; /* A */
	b[n++] = 0, b[n++] = 1; /* IN */
	return n;
}

void
lp_put_arp(struct lp *w, const uint8_t src[6], int op, const char *spa,
    const char *tpa)
{
	static const uint8_t zero[6];
	uint8_t f[128];
	size_t n = lp_arp(f, src, bcast, op, spa, op == 1 ? zero : src, tpa);

	lp_frame(w, f, n);
}

void
lp_put_syn(struct lp *w, const uint8_t src[6], const uint8_t dst[6],
    const char *sip, const char *dip, uint16_t dport)
{
	uint8_t f[128];

	lp_frame(w, f, lp_tcp4(f, src, dst, sip, dip, 40000, dport, 0x02, 0));
}

void
lp_put_dhcp(struct lp *w, const uint8_t src[6], const char *sip, int op,
    int msg_type, const uint8_t chaddr[6], const char *yiaddr,
    const char *server_id, const char *hostname, const char *vendor,
    const uint8_t *params, size_t nparams)
{
	uint8_t pl[600], f[1600];
	size_t pn = lp_dhcp(pl, op, msg_type, chaddr, yiaddr, server_id,
	    hostname, vendor, params, nparams);

	lp_frame(w, f,
	    lp_udp4(f, src, bcast, sip, "255.255.255.255", op == 1 ? 68 : 67,
		op == 1 ? 67 : 68, pl, pn));
}

void
lp_put_dns(struct lp *w, const uint8_t src[6], const uint8_t dst[6],
    const char *sip, const char *name)
{
	uint8_t pl[300], f[400];
	size_t pn = lp_dns_query(pl, 0x4242, name);

	lp_frame(
	    w, f, lp_udp4(f, src, dst, sip, "192.168.1.1", 53000, 53, pl, pn));
}

/* --- the collecting sink ---------------------------------------------- */

static void
lt_event(void *arg, int64_t ts, const char *rule, const char *mac,
    const char *ip, const char *details)
{
	struct lt *t = arg;

	if (t->nev >= LT_MAX)
		return;
	snprintf(t->ev[t->nev].rule, sizeof t->ev[0].rule, "%s", rule);
	snprintf(t->ev[t->nev].mac, sizeof t->ev[0].mac, "%s", mac);
	snprintf(t->ev[t->nev].ip, sizeof t->ev[0].ip, "%s", ip);
	snprintf(t->ev[t->nev].details, sizeof t->ev[0].details, "%s", details);
	t->ev[t->nev++].ts_ms = ts;
}

static void
lt_hostcb(void *arg, const struct lan_host_view *h)
{
	struct lt *t = arg;

	(void)h;
	t->nhost_reports++;
}

static void
lt_traffic(void *arg, const char *mac, int64_t hour, uint64_t bin,
    uint64_t bout, uint64_t pin, uint64_t pout, bool est)
{
	struct lt *t = arg;

	if (t->ntr >= LT_MAX)
		return;
	snprintf(t->tr[t->ntr].mac, 18, "%s", mac);
	t->tr[t->ntr].hour_ms = hour;
	t->tr[t->ntr].bin = bin;
	t->tr[t->ntr].bout = bout;
	t->tr[t->ntr].pin = pin;
	t->tr[t->ntr].pout = pout;
	t->tr[t->ntr++].est = est;
}

static void
lt_uplink(void *arg, int64_t hour, uint64_t bin, uint64_t bout, double pin,
    double pout, bool est)
{
	struct lt *t = arg;

	if (t->nup >= 64)
		return;
	t->up[t->nup].hour_ms = hour;
	t->up[t->nup].bin = bin;
	t->up[t->nup].bout = bout;
	t->up[t->nup].pin = pin;
	t->up[t->nup].pout = pout;
	t->up[t->nup++].est = est;
}

void
lt_opts(struct lan_opts *o)
{
	lan_opts_from_config(o, NULL);
}

void
lt_start(struct lt *t, const struct lan_opts *o)
{
	static struct lan_sink sink;

	memset(t, 0, sizeof *t);
	sink.arg = t;
	sink.event = lt_event;
	sink.host = lt_hostcb;
	sink.traffic_hour = lt_traffic;
	sink.uplink_hour = lt_uplink;
	t->s = lan_sampler_new(o, &sink, 0);
	assert_non_null(t->s);
}

void
lt_feed(struct lt *t, struct lp *w)
{
	struct lan_offline_info info;
	char err[256];

	lp_finish(w);
	if (lan_offline_run(t->s, w->path, &info, err, sizeof err) != 0)
		fail_msg("%s", err);
}

void
lt_run(struct lt *t, struct lp *w, const struct lan_opts *o)
{
	lt_start(t, o);
	lt_feed(t, w);
}

void
lt_free(struct lt *t)
{
	lan_sampler_free(t->s);
	t->s = NULL;
}

size_t
lt_count(const struct lt *t, const char *rule)
{
	size_t n = 0;

	for (size_t i = 0; i < t->nev; i++)
		if (rule == NULL || strcmp(t->ev[i].rule, rule) == 0)
			n++;
	return n;
}

const char *
lt_details(const struct lt *t, const char *rule)
{
	for (size_t i = 0; i < t->nev; i++)
		if (strcmp(t->ev[i].rule, rule) == 0)
			return t->ev[i].details;
	return NULL;
}

struct lt_find {
	const char *mac;
	struct lt_host *out;
	bool found;
	size_t n;
};

static void
lt_find_cb(void *arg, const struct lan_host_view *h)
{
	struct lt_find *f = arg;
	struct lt_host *o = f->out;

	f->n++;
	if (f->mac == NULL || strcmp(h->mac_s, f->mac) != 0)
		return;
	f->found = true;
	snprintf(o->mac, sizeof o->mac, "%s", h->mac_s);
	snprintf(o->ipv4, sizeof o->ipv4, "%s", h->ipv4);
	snprintf(o->name, sizeof o->name, "%s", h->name);
	snprintf(o->name_source, sizeof o->name_source, "%s", h->name_source);
	snprintf(o->vendor, sizeof o->vendor, "%s", h->vendor);
	snprintf(o->os, sizeof o->os, "%s", h->os_guess);
	snprintf(o->fp, sizeof o->fp, "%s", h->dhcp_fp);
	snprintf(o->av, sizeof o->av, "%s", h->av_product);
	o->av_last_ms = h->av_last_ms;
	o->first_ms = h->first_ms;
	o->last_ms = h->last_ms;
	o->bin = h->bytes_in;
	o->bout = h->bytes_out;
	o->pin = h->pkts_in;
	o->pout = h->pkts_out;
	o->est = h->estimated;
	o->status = h->status;
}

bool
lt_host(struct lt *t, const char *mac, struct lt_host *out)
{
	struct lt_find f = {mac, out, false, 0};

	memset(out, 0, sizeof *out);
	lan_sampler_each_host(t->s, lt_find_cb, &f);
	return f.found;
}

size_t
lt_nhosts(struct lt *t)
{
	struct lt_host h;
	struct lt_find f = {NULL, &h, false, 0};

	lan_sampler_each_host(t->s, lt_find_cb, &f);
	return f.n;
}
