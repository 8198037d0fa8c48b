/* capture.c - live pcap handles on the libev loop: open, dispatch in bounded batches, count drops. */
#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/util.h"
#include "probes/lan/capture.h"

struct lan_capture {
	pcap_t *p;
	char iface[64];
	int linktype;
	struct ev_loop *loop;
	ev_io io;
	lan_capture_fn fn;
	void *arg;
	/* pcap_stats counters are 32-bit and wrap: kept here in 64 bits. */
	unsigned int last_recv, last_drop, last_ifdrop;
	uint64_t received, dropped, ifdropped;
	uint64_t dispatched, wakeups, full_batches;
	int failed;
	char error[PCAP_ERRBUF_SIZE];
};

struct lan_capture *
lan_capture_open(
    const char *iface, int snaplen, int buffer_mb, char *err, size_t errlen)
{
	char ebuf[PCAP_ERRBUF_SIZE] = "";
	struct lan_capture *c;
	pcap_t *p;
	int rc;

	if ((p = pcap_create(iface, ebuf)) == NULL) {
		snprintf(err, errlen, "cannot capture on %s: %s", iface, ebuf);
		return NULL;
	}
	/*
	 * Not immediate: the kernel fills ring blocks and wakes us once a
	 * block is full or 100 ms old, so a busy LAN costs a few wakeups a
	 * second, not one per frame.
	 */
	if (pcap_set_snaplen(p, snaplen) != 0 || pcap_set_promisc(p, 1) != 0 ||
	    pcap_set_buffer_size(p, buffer_mb * 1024 * 1024) != 0 ||
	    pcap_set_immediate_mode(p, 0) != 0 ||
	    pcap_set_timeout(p, 100) != 0) {
		snprintf(err, errlen, "cannot capture on %s: %s", iface,
		    pcap_geterr(p));
		pcap_close(p);
		return NULL;
	}
	rc = pcap_activate(p);
	if (rc < 0) {
		/* PCAP_ERROR_NO_SUCH_DEVICE, _PERM_DENIED, _IFACE_NOT_UP... */
		snprintf(err, errlen, "cannot capture on %s: %s%s%s", iface,
		    pcap_statustostr(rc), pcap_geterr(p)[0] ? ": " : "",
		    pcap_geterr(p));
		pcap_close(p);
		return NULL;
	}
	if (rc > 0)
		log_warn("capture on %s: %s: %s", iface, pcap_statustostr(rc),
		    pcap_geterr(p));
	if (pcap_setnonblock(p, 1, ebuf) != 0 ||
	    pcap_get_selectable_fd(p) < 0) {
		snprintf(err, errlen, "cannot capture on %s: %s", iface,
		    ebuf[0] ? ebuf : "no selectable descriptor");
		pcap_close(p);
		return NULL;
	}
	c = xcalloc(1, sizeof *c);
	c->p = p;
	str_copy(c->iface, iface, sizeof c->iface);
	c->linktype = pcap_datalink(p);
	return c;
}

static void
lan_capture_handler(
    u_char *user, const struct pcap_pkthdr *h, const u_char *data)
{
	struct lan_capture *c = (struct lan_capture *)user;

	c->dispatched++;
	c->fn(c->arg, c->linktype, h, data);
}

static void
lan_capture_io_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct lan_capture *c = w->data;
	int n;

	c->wakeups++;
	/*
	 * A bounded batch: if more is buffered the descriptor stays
	 * readable (level-triggered) and the loop comes back after it has
	 * served the timers and sockets of the probes.
	 */
	n = pcap_dispatch(
	    c->p, LAN_CAPTURE_BATCH, lan_capture_handler, (u_char *)c);
	if (n == LAN_CAPTURE_BATCH)
		c->full_batches++;
	if (n == PCAP_ERROR) {
		/* The interface went away or down: say so once, and stop. */
		str_copy(c->error, pcap_geterr(c->p), sizeof c->error);
		if (c->error[0] == '\0')
			str_copy(c->error, "capture failed", sizeof c->error);
		log_err("capture on %s stopped: %s", c->iface, c->error);
		c->failed = 1;
		ev_io_stop(loop, w);
	}
}

int
lan_capture_start(
    struct lan_capture *c, struct ev_loop *loop, lan_capture_fn fn, void *arg)
{
	int fd = pcap_get_selectable_fd(c->p);

	if (fd < 0)
		return -1;
	c->loop = loop;
	c->fn = fn;
	c->arg = arg;
	ev_io_init(&c->io, lan_capture_io_cb, fd, EV_READ);
	c->io.data = c;
	ev_io_start(loop, &c->io);
	return 0;
}

void
lan_capture_stop(struct lan_capture *c)
{
	if (c != NULL && c->loop != NULL && ev_is_active(&c->io))
		ev_io_stop(c->loop, &c->io);
}

void
lan_capture_free(struct lan_capture *c)
{
	if (c == NULL)
		return;
	lan_capture_stop(c);
	pcap_close(c->p);
	free(c);
}

const char *
lan_capture_iface(const struct lan_capture *c)
{
	return c->iface;
}

int
lan_capture_linktype(const struct lan_capture *c)
{
	return c->linktype;
}

const char *
lan_capture_error(const struct lan_capture *c)
{
	return c->error;
}

int
lan_capture_get_stats(struct lan_capture *c, struct lan_capture_stats *st)
{
	struct pcap_stat ps;

	memset(st, 0, sizeof *st);
	if (!c->failed && pcap_stats(c->p, &ps) == 0) {
		/* Unsigned differences are right across a 32-bit wrap. */
		c->received += (unsigned int)(ps.ps_recv - c->last_recv);
		c->dropped += (unsigned int)(ps.ps_drop - c->last_drop);
		c->ifdropped += (unsigned int)(ps.ps_ifdrop - c->last_ifdrop);
		c->last_recv = ps.ps_recv;
		c->last_drop = ps.ps_drop;
		c->last_ifdrop = ps.ps_ifdrop;
	} else if (!c->failed) {
		log_warn("pcap_stats on %s: %s", c->iface, pcap_geterr(c->p));
		return -1;
	}
	st->received = c->received;
	st->dropped = c->dropped;
	st->ifdropped = c->ifdropped;
	st->dispatched = c->dispatched;
	st->wakeups = c->wakeups;
	st->full_batches = c->full_batches;
	st->failed = c->failed;
	return 0;
}
