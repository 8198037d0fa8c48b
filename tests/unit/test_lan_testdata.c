/* test_lan_testdata.c - the LAN decoders over every capture in the shared testdata, and the office samples' facts. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <cmocka.h>
#include <pcap/pcap.h>

#include "probes/lan/decode.h"

#define MAX_DEPTH 4

static char testdata[4096];

/* The testdata dir: $XANET_TESTDATA, else next to the source tree; "" when absent. */
static void
testdata_find(void)
{
	const char *env = getenv("XANET_TESTDATA");
	const char *src = getenv("XANET_SRCDIR");
	struct stat st;

	if (env != NULL && *env != '\0')
		snprintf(testdata, sizeof testdata, "%s", env);
	else
		snprintf(testdata, sizeof testdata,
		    "%s/../shared/testdata/pcap", src ? src : ".");
	if (stat(testdata, &st) != 0 || !S_ISDIR(st.st_mode))
		testdata[0] = '\0';
}

#define NEED_TESTDATA()                                                       \
	do {                                                                  \
		if (testdata[0] == '\0') {                                    \
			printf("# testdata not found (set XANET_TESTDATA or " \
			       "put it in "                                   \
			       "$XANET_SRCDIR/../shared/testdata/pcap)\n");   \
			skip();                                               \
		}                                                             \
	} while (0)

struct frame {
	int linktype;
	uint32_t caplen, wirelen;
	uint8_t *data; /* malloc'ed, exactly caplen bytes */
};

struct sweep {
	size_t files, opened;
	size_t nframes, cap;
	struct frame *frames;
	struct lan_decode_stats st;
};

static int
now_ns_diff(const struct timespec *a, const struct timespec *b, int64_t *out)
{
	*out = (int64_t)(b->tv_sec - a->tv_sec) * 1000000000 +
	       (b->tv_nsec - a->tv_nsec);
	return 0;
}

/* Every frame of PATH, decoded in place and from an exact-size heap copy. */
static void
sweep_file(struct sweep *sw, const char *path)
{
	char err[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *data;
	struct lan_pkt p, q;
	pcap_t *pc;
	int linktype, rc, rc2;

	sw->files++;
	pc = pcap_open_offline(path, err);
	if (pc == NULL)
		return; /* a few of tcpdump's tests are deliberately not captures */
	sw->opened++;
	linktype = pcap_datalink(pc);
	while ((rc = pcap_next_ex(pc, &h, &data)) == 1) {
		struct frame *f;

		rc = lan_decode(data, h->caplen, h->len, linktype, &p);
		if (sw->nframes == sw->cap) {
			sw->cap = sw->cap ? 2 * sw->cap : 4096;
			sw->frames = realloc(sw->frames, sw->cap * sizeof *f);
			assert_non_null(sw->frames);
		}
		f = &sw->frames[sw->nframes++];
		f->linktype = linktype;
		f->caplen = h->caplen;
		f->wirelen = h->len;
		f->data = malloc(h->caplen ? h->caplen : 1);
		assert_non_null(f->data);
		memcpy(f->data, data, h->caplen);
		rc2 = lan_decode(f->data, f->caplen, f->wirelen, linktype, &q);
		/* The same bytes decode the same wherever they are. */
		assert_int_equal(rc, rc2);
		assert_int_equal(p.flags, q.flags);
		lan_decode_count(&sw->st, rc2, &q);
	}
	pcap_close(pc);
}

static void
sweep_dir(struct sweep *sw, const char *dir, int depth)
{
	struct dirent *de;
	DIR *d;

	if (depth > MAX_DEPTH || (d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		char path[4096];
		struct stat st;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
		if (lstat(path, &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode))
			sweep_dir(sw, path, depth + 1);
		else if (S_ISREG(st.st_mode))
			sweep_file(sw, path);
	}
	closedir(d);
}

static void
test_sweep(void **state)
{
	struct sweep sw;
	struct timespec t0, t1;
	struct lan_pkt p;
	int64_t ns;
	size_t i, r, rounds = 20;
	uint64_t sink = 0;

	NEED_TESTDATA();
	memset(&sw, 0, sizeof sw);
	sweep_dir(&sw, testdata, 0);
	printf("# %zu files, %zu opened, %llu frames: %llu unsupported link, "
	       "%llu trunc, %llu bad\n",
	    sw.files, sw.opened, (unsigned long long)sw.st.frames,
	    (unsigned long long)sw.st.unsupported,
	    (unsigned long long)sw.st.trunc, (unsigned long long)sw.st.bad);
	printf("# arp %llu ipv4 %llu ipv6 %llu tcp %llu udp %llu icmp %llu "
	       "nd %llu dhcp %llu dns %llu name %llu frag %llu\n",
	    (unsigned long long)sw.st.arp, (unsigned long long)sw.st.ipv4,
	    (unsigned long long)sw.st.ipv6, (unsigned long long)sw.st.tcp,
	    (unsigned long long)sw.st.udp, (unsigned long long)sw.st.icmp,
	    (unsigned long long)sw.st.nd, (unsigned long long)sw.st.dhcp,
	    (unsigned long long)sw.st.dns, (unsigned long long)sw.st.name,
	    (unsigned long long)sw.st.frag);
	/* tcpdump's suite is 800-odd captures of many protocols */
	assert_true(sw.files >= 800);
	assert_true(sw.opened >= 780);
	assert_true(sw.st.frames >= 10000);
	assert_true(sw.st.ipv4 >= 1000 && sw.st.ipv6 >= 100);
	assert_true(sw.st.tcp > 0 && sw.st.udp > 0 && sw.st.arp > 0);
	assert_true(sw.st.dhcp > 0 && sw.st.dns > 0 && sw.st.nd > 0);
	assert_true(sw.st.name > 0 && sw.st.frag > 0);

	/* Speed (with whatever sanitizers this build has). */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (r = 0; r < rounds; r++)
		for (i = 0; i < sw.nframes; i++) {
			struct frame *f = &sw.frames[i];

			sink += (uint64_t)lan_decode(
			    f->data, f->caplen, f->wirelen, f->linktype, &p);
			sink += p.flags;
		}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	now_ns_diff(&t0, &t1, &ns);
	printf("# decode: %.1f ns/frame over %zu frames x %zu (sink %llu)\n",
	    (double)ns / (double)(sw.nframes * rounds), sw.nframes, rounds,
	    (unsigned long long)sink);

	for (i = 0; i < sw.nframes; i++)
		free(sw.frames[i].data);
	free(sw.frames);
}

typedef void (*frame_fn)(void *arg, size_t idx, const struct lan_pkt *p);

/* Decode every frame of samples/NAME through FN; returns the frame count. */
static size_t
sample_each(const char *name, frame_fn fn, void *arg)
{
	char path[4096], err[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *data;
	struct lan_pkt p;
	pcap_t *pc;
	size_t n = 0;

	if (snprintf(path, sizeof path, "%s/samples/%s", testdata, name) >=
	    (int)sizeof path)
		fail_msg("path too long");
	pc = pcap_open_offline(path, err);
	if (pc == NULL)
		fail_msg("%s: %s", path, err);
	while (pcap_next_ex(pc, &h, &data) == 1) {
		assert_int_equal(
		    lan_decode(data, h->caplen, h->len, pcap_datalink(pc), &p),
		    0);
		assert_false(p.flags & (LAN_F_TRUNC | LAN_F_BAD));
		fn(arg, n++, &p);
	}
	pcap_close(pc);
	return n;
}

struct dhcp_seen {
	uint8_t types[8];
	size_t n;
};

static void
on_dhcp(void *arg, size_t idx, const struct lan_pkt *p)
{
	static const uint8_t prl[] = {
	    1, 28, 2, 3, 15, 6, 119, 12, 44, 47, 26, 121, 42};
	struct dhcp_seen *s = arg;
	char mac[18];

	assert_true(p->flags & LAN_F_DHCP);
	lan_mac_format(p->dhcp.chaddr, mac);
	printf("# dhcp %zu: type %u chaddr %s server %u.%u.%u.%u\n", idx,
	    p->dhcp.msg_type, mac, p->dhcp.server_id[0], p->dhcp.server_id[1],
	    p->dhcp.server_id[2], p->dhcp.server_id[3]);
	assert_string_equal(mac, "00:0c:29:59:fd:21");
	assert_int_equal(p->dhcp.xid, 0x696ddc66);
	if (s->n < 8)
		s->types[s->n++] = p->dhcp.msg_type;
	if (p->dhcp.op == 1) {
		lan_mac_format(p->src_mac, mac);
		assert_string_equal(mac, "00:0c:29:59:fd:21");
		assert_string_equal(p->dhcp.hostname, "ubuntu2");
		assert_true(p->dhcp.has_requested_ip);
		assert_int_equal(p->dhcp.nparams, sizeof prl);
		assert_memory_equal(p->dhcp.params, prl, sizeof prl);
		assert_string_equal(p->dhcp.vendor_class, "");
	} else {
		assert_int_equal(p->sport, 67);
		assert_true(p->dhcp.has_server_id);
		assert_memory_equal(p->dhcp.server_id, "\xc0\xa8\x01\x05", 4);
		assert_memory_equal(p->src_ip, "\xc0\xa8\x01\x05", 4);
		assert_memory_equal(p->dhcp.yiaddr, "\xc0\xa8\x01\x0a", 4);
	}
	if (p->dhcp.msg_type == 1)
		assert_memory_equal(
		    p->dhcp.requested_ip, "\xc0\xa8\x64\x81", 4);
	if (p->dhcp.msg_type == 3) {
		assert_memory_equal(
		    p->dhcp.requested_ip, "\xc0\xa8\x01\x0a", 4);
		assert_true(p->dhcp.has_server_id);
		assert_memory_equal(p->dhcp.server_id, "\xc0\xa8\x01\x05", 4);
	}
}

static void
test_sample_dhcp(void **state)
{
	struct dhcp_seen s = {.n = 0};

	NEED_TESTDATA();
	assert_int_equal(
	    sample_each("dhcp_nolease_initialization.pcapng", on_dhcp, &s), 4);
	/* DISCOVER, OFFER, REQUEST, ACK */
	assert_int_equal(s.n, 4);
	assert_memory_equal(s.types, "\x01\x02\x03\x05", 4);
}

static void
on_arp(void *arg, size_t idx, const struct lan_pkt *p)
{
	char sha[18], tha[18];

	assert_true(p->flags & LAN_F_ARP);
	lan_mac_format(p->arp.sha, sha);
	lan_mac_format(p->arp.tha, tha);
	printf("# arp %zu: op %u %s %u.%u.%u.%u -> %s %u.%u.%u.%u\n", idx,
	    p->arp.op, sha, p->arp.spa[0], p->arp.spa[1], p->arp.spa[2],
	    p->arp.spa[3], tha, p->arp.tpa[0], p->arp.tpa[1], p->arp.tpa[2],
	    p->arp.tpa[3]);
	if (idx == 0) { /* who-has 192.168.0.1 tell 192.168.0.114 */
		assert_int_equal(p->arp.op, 1);
		assert_string_equal(sha, "00:16:ce:6e:8b:24");
		assert_memory_equal(p->arp.spa, "\xc0\xa8\x00\x72", 4);
		assert_memory_equal(p->arp.tpa, "\xc0\xa8\x00\x01", 4);
	} else { /* 192.168.0.1 is-at 00:13:46:0b:22:ba */
		assert_int_equal(p->arp.op, 2);
		assert_string_equal(sha, "00:13:46:0b:22:ba");
		assert_memory_equal(p->arp.spa, "\xc0\xa8\x00\x01", 4);
		assert_string_equal(tha, "00:16:ce:6e:8b:24");
		assert_memory_equal(p->arp.tpa, "\xc0\xa8\x00\x72", 4);
	}
}

static void
test_sample_arp(void **state)
{
	NEED_TESTDATA();
	assert_int_equal(sample_each("arp_resolution.pcapng", on_arp, NULL), 2);
}

struct dns_expect {
	const char *const *names;
	size_t n;
	size_t seen;
	int rcode_last;
	uint16_t qtype;
	const char *const
	    *addrs; /* per frame: the first A answer, 4 bytes, or NULL */
};

static void
on_dns(void *arg, size_t idx, const struct lan_pkt *p)
{
	struct dns_expect *e = arg;

	assert_true(p->flags & LAN_F_DNS);
	printf("# dns %zu: %s %s qtype %u rcode %u answers %u\n", idx,
	    p->dns.response ? "response" : "query", p->dns.qname, p->dns.qtype,
	    p->dns.rcode, p->dns.nanswers);
	assert_true(idx < e->n);
	assert_string_equal(p->dns.qname, e->names[idx]);
	assert_int_equal(p->dns.qtype, e->qtype);
	if (e->addrs != NULL && e->addrs[idx] != NULL) {
		assert_true(p->dns.response);
		assert_true(p->dns.nanswers >= 1);
		assert_int_equal(p->dns.answers[0].family, 4);
		assert_memory_equal(p->dns.answers[0].addr, e->addrs[idx], 4);
	}
	e->rcode_last = p->dns.rcode;
	e->seen++;
}

static void
test_sample_dns(void **state)
{
	static const char *const espn[] = {"www.espn.com", "espn.go.com",
	    "cdn.optimizely.com", "a1.espncdn.com", "assets.espn.go.com",
	    "a2.espncdn.com", "a4.espncdn.com"};
	static const char *const ws[] = {"wireshark.org", "wireshark.org"};
	static const char *const nx[] = {
	    "12498283719301382971974.net", "12498283719301382971974.net"};
	static const char *const rev[] = {
	    "25.206.119.75.in-addr.arpa", "25.206.119.75.in-addr.arpa"};
	/* the first A after the CNAMEs, as tcpdump prints them */
	static const char *const espn_a[] = {"\x44\x47\xd4\x9e",
	    "\xc7\xb5\x85\x3d", "\x48\x15\x5b\x08", "\x48\xf6\x38\x23",
	    "\x45\x1f\x4b\xc2", "\x48\xf6\x38\x53", "\x48\xf6\x38\x23"};
	static const char *const ws_a[] = {NULL, "\x80\x79\x32\x7a"};
	struct dns_expect e;

	NEED_TESTDATA();
	e = (struct dns_expect){
	    .names = espn, .n = 7, .qtype = 1, .addrs = espn_a};
	assert_int_equal(sample_each("dns.pcap", on_dns, &e), 7);

	e = (struct dns_expect){.names = ws,
	    .n = 2,
	    .qtype = 1,
	    .addrs = ws_a}; /* 128.121.50.122 */
	assert_int_equal(
	    sample_each("dns_query_response.pcapng", on_dns, &e), 2);
	assert_int_equal(e.rcode_last, 0);

	e = (struct dns_expect){.names = nx, .n = 2, .qtype = 1};
	assert_int_equal(
	    sample_each("dns_query_nonexistent.pcapng", on_dns, &e), 2);
	assert_int_equal(e.rcode_last, 3); /* NXDOMAIN */

	e = (struct dns_expect){.names = rev, .n = 2, .qtype = 12};
	assert_int_equal(
	    sample_each("dns_reverse_lookup.pcapng", on_dns, &e), 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sweep),
	    cmocka_unit_test(test_sample_dhcp),
	    cmocka_unit_test(test_sample_arp),
	    cmocka_unit_test(test_sample_dns),
	};

	testdata_find();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
