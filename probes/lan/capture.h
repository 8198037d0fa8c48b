/* capture.h - live pcap handles on the libev loop: opened before the privilege drop, feeding the sampler. */
#ifndef XANET_LAN_CAPTURE_H
#define XANET_LAN_CAPTURE_H

#include <ev.h>
#include <stddef.h>
#include <stdint.h>

struct pcap_pkthdr;
struct lan_capture;

/* Frames handed over per wakeup at most, so that probes are not starved. */
#define LAN_CAPTURE_BATCH 2048

/* One captured frame; LINKTYPE is the handle's DLT_*. */
typedef void (*lan_capture_fn)(
    void *arg, int linktype, const struct pcap_pkthdr *h, const uint8_t *data);

/*
 * Open IFACE for capture: SNAPLEN bytes a frame, a kernel ring of
 * BUFFER_MB megabytes, promiscuous, not immediate (frames are delivered
 * in blocks, at the latest after 100 ms), non-blocking. Needs
 * CAP_NET_RAW: call before the privilege drop. NULL with the reason in
 * ERR if the interface cannot be opened.
 */
struct lan_capture *lan_capture_open(
    const char *iface, int snaplen, int buffer_mb, char *err, size_t errlen);
/* Watch the handle on LOOP: FN gets every frame. 0 or -1. */
int lan_capture_start(
    struct lan_capture *c, struct ev_loop *loop, lan_capture_fn fn, void *arg);
void lan_capture_stop(struct lan_capture *c);
void lan_capture_free(struct lan_capture *c);
const char *lan_capture_iface(const struct lan_capture *c);
int lan_capture_linktype(const struct lan_capture *c);

struct lan_capture_stats {
	uint64_t received;     /* frames the kernel passed to the handle */
	uint64_t dropped;      /* frames lost because the ring was full */
	uint64_t ifdropped;    /* frames the interface itself dropped */
	uint64_t dispatched;   /* frames handed to FN */
	uint64_t wakeups;      /* readable events */
	uint64_t full_batches; /* wakeups that hit LAN_CAPTURE_BATCH */
	int failed;            /* the handle failed (interface gone): stopped */
};
/* Counters since the handle was opened (pcap_stats, cumulative). 0 or -1. */
int lan_capture_get_stats(struct lan_capture *c, struct lan_capture_stats *st);
/* Why the handle failed, "" while it works. */
const char *lan_capture_error(const struct lan_capture *c);

#endif
