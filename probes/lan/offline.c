/* offline.c - a capture file through the LAN sampler, exactly as live frames go. */
#include <pcap/pcap.h>
#include <stdio.h>
#include <string.h>

#include "probes/lan/decode.h"
#include "probes/lan/offline.h"
#include "probes/lan/sampler.h"

/* Frames per pcap_dispatch: the sampler is ticked between batches. */
#define OFFLINE_BATCH 4096

struct offline_ctx {
	struct lan_sampler *s;
	struct lan_offline_info *info;
};

int
lan_linktype(int dlt)
{
	switch (dlt) {
	case DLT_EN10MB:
		return LAN_LINK_EN10MB;
	case DLT_LINUX_SLL:
		return LAN_LINK_LINUX_SLL;
#ifdef DLT_LINUX_SLL2
	case DLT_LINUX_SLL2:
		return LAN_LINK_LINUX_SLL2;
#endif
	case DLT_RAW:
	case LAN_LINK_RAW:
		return LAN_LINK_RAW;
	default:
		return -1;
	}
}

static void
offline_cb(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
	struct offline_ctx *c = (struct offline_ctx *)user;
	int64_t ms = (int64_t)h->ts.tv_sec * 1000 + h->ts.tv_usec / 1000;

	if (c->info->packets++ == 0)
		c->info->first_ms = ms;
	if (ms > c->info->last_ms)
		c->info->last_ms = ms;
	lan_sampler_packet(c->s, c->info->linktype, h, bytes);
}

int
lan_offline_run(struct lan_sampler *s, const char *path,
    struct lan_offline_info *info, char *err, size_t errlen)
{
	char perr[PCAP_ERRBUF_SIZE] = "";
	struct offline_ctx c = {s, info};
	pcap_t *p;
	int n, rc = 0;

	memset(info, 0, sizeof *info);
	if ((p = pcap_open_offline(path, perr)) == NULL) {
		snprintf(err, errlen, "%s: %s", path, perr);
		return -1;
	}
	info->linktype = lan_linktype(pcap_datalink(p));
	if (info->linktype < 0) {
		const char *name = pcap_datalink_val_to_name(pcap_datalink(p));
		snprintf(err, errlen, "%s: unsupported link type %s (%d)", path,
		    name ? name : "?", pcap_datalink(p));
		pcap_close(p);
		return -1;
	}
	while (
	    (n = pcap_dispatch(p, OFFLINE_BATCH, offline_cb, (u_char *)&c)) > 0)
		lan_sampler_tick(s, info->last_ms, false);
	if (n < 0) {
		snprintf(err, errlen, "%s: %s", path, pcap_geterr(p));
		rc = -1;
	}
	lan_sampler_tick(s, info->last_ms, true);
	pcap_close(p);
	return rc;
}
