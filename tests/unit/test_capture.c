/* test_capture.c - unit tests of probes/lan/capture: a live handle on lo, bounded snap length, counters, errors. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>
#include <ev.h>
#include <pcap/pcap.h>

#include "probes/lan/capture.h"

#define PORT    47811
#define NSEND   20
#define PAYLOAD 1400

struct seen {
	int frames;      /* ours: UDP to PORT */
	uint32_t caplen; /* of the last one */
	uint32_t len;
	int linktype;
	struct ev_loop *loop;
};

static void
frame_cb(
    void *arg, int linktype, const struct pcap_pkthdr *h, const uint8_t *data)
{
	struct seen *s = arg;
	/* lo is DLT_EN10MB with zero MACs: IPv4 at 14, UDP after it. */
	if (h->caplen < 14 + 20 + 8 || data[12] != 0x08 || data[13] != 0x00 ||
	    data[14 + 9] != IPPROTO_UDP)
		return;
	if (((data[14 + 20 + 2] << 8) | data[14 + 20 + 3]) != PORT)
		return;
	s->frames++;
	s->caplen = h->caplen;
	s->len = h->len;
	s->linktype = linktype;
	if (s->frames >= NSEND)
		ev_break(s->loop, EVBREAK_ALL);
}

static void
timeout_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	ev_break(loop, EVBREAK_ALL);
}

static void
test_capture_lo(void **state)
{
	struct seen s = {0};
	struct lan_capture *c;
	struct lan_capture_stats st;
	struct sockaddr_in to = {
	    .sin_family = AF_INET, .sin_port = htons(PORT)};
	char err[512], buf[PAYLOAD];
	ev_timer timeout;
	int fd;

	if (geteuid() != 0)
		skip();
	s.loop = ev_loop_new(EVFLAG_AUTO);
	c = lan_capture_open("lo", 512, 8, err, sizeof err);
	if (c == NULL)
		fail_msg("%s", err);
	assert_string_equal(lan_capture_iface(c), "lo");
	assert_int_equal(lan_capture_linktype(c), DLT_EN10MB);
	assert_int_equal(lan_capture_start(c, s.loop, frame_cb, &s), 0);

	fd = socket(AF_INET, SOCK_DGRAM, 0);
	assert_true(fd >= 0);
	inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
	memset(buf, 'x', sizeof buf);
	for (int i = 0; i < NSEND; i++)
		assert_int_equal(sendto(fd, buf, sizeof buf, 0,
				     (struct sockaddr *)&to, sizeof to),
		    sizeof buf);
	close(fd);
	/* Not immediate: frames come in blocks, at the latest after 100 ms. */
	ev_timer_init(&timeout, timeout_cb, 5.0, 0.);
	ev_timer_start(s.loop, &timeout);
	ev_run(s.loop, 0);
	assert_int_equal(s.frames, NSEND);
	/* The snap length bounds what is copied, not what the wire had. */
	assert_int_equal(s.caplen, 512);
	assert_int_equal(s.len, 14 + 20 + 8 + PAYLOAD);
	assert_int_equal(lan_capture_get_stats(c, &st), 0);
	assert_true(st.received >= NSEND);
	assert_int_equal(st.dropped, 0);
	assert_true(st.dispatched >= NSEND);
	assert_true(st.wakeups >= 1);
	assert_int_equal(st.failed, 0);
	assert_string_equal(lan_capture_error(c), "");
	lan_capture_stop(c);
	lan_capture_free(c);
	ev_loop_destroy(s.loop);
}

static void
test_capture_no_such_interface(void **state)
{
	char err[512];
	struct lan_capture *c;

	if (geteuid() != 0)
		skip();
	c = lan_capture_open("xnnope0", 512, 8, err, sizeof err);
	assert_null(c);
	assert_non_null(strstr(err, "xnnope0"));
	assert_non_null(strstr(err, "cannot capture"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_capture_lo),
	    cmocka_unit_test(test_capture_no_such_interface),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
