/* lan_bare.c - the peer of bench/lan.py: a bare pcap_dispatch loop with an empty callback. */
#include <pcap/pcap.h>
#include <stdio.h>
#include <time.h>

static void
empty(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
	(void)user, (void)h, (void)bytes;
}

int
main(int argc, char **argv)
{
	char err[PCAP_ERRBUF_SIZE];
	unsigned long long n = 0;
	struct timespec a, b;
	pcap_t *p;
	int r;

	if (argc != 2) {
		fprintf(stderr, "usage: lan_bare FILE\n");
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &a);
	if ((p = pcap_open_offline(argv[1], err)) == NULL) {
		fprintf(stderr, "lan_bare: %s\n", err);
		return 1;
	}
	/* Same batch size as the sampler's offline path. */
	while ((r = pcap_dispatch(p, 4096, empty, NULL)) > 0)
		n += (unsigned long long)r;
	if (r < 0) {
		fprintf(stderr, "lan_bare: %s\n", pcap_geterr(p));
		return 1;
	}
	pcap_close(p);
	clock_gettime(CLOCK_MONOTONIC, &b);
	double s =
	    (double)(b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9;
	printf("packets=%llu seconds=%.3f pps=%.0f\n", n, s, n / s);
	return 0;
}
