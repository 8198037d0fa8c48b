/* offline.h - run the LAN sampler over a capture file: the path `xanetctl lan analyze` and the tests share. */
#ifndef XANET_LAN_OFFLINE_H
#define XANET_LAN_OFFLINE_H

#include <stddef.h>
#include <stdint.h>

struct lan_sampler;

struct lan_offline_info {
	uint64_t packets;
	int linktype;              /* as given to lan_decode() */
	int64_t first_ms, last_ms; /* packet times; 0 if no packet */
};

/* libpcap's DLT for a file or handle to the link type lan_decode() takes. */
int lan_linktype(int dlt);

/*
 * Feed every frame of PATH (pcap or pcapng) to S with pcap_dispatch, tick
 * it as packet time passes and flush it at the end. Returns 0, or -1 with
 * a reason in ERR (unreadable, not a capture, unsupported link type,
 * truncated or corrupt); frames read before a corruption were fed.
 */
int lan_offline_run(struct lan_sampler *s, const char *path,
    struct lan_offline_info *info, char *err, size_t errlen);

#endif
