/* lan_run.c - bench/lan.py's driver: the full LAN sampler over a file, as xanetctl lan analyze runs it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "probes/lan/offline.h"
#include "probes/lan/sampler.h"

struct counts {
	unsigned long long events, hosts, traffic, uplink;
};

static void
on_event(void *arg, int64_t ts, const char *rule, const char *mac,
    const char *ip, const char *details)
{
	(void)ts, (void)rule, (void)mac, (void)ip, (void)details;
	((struct counts *)arg)->events++;
}

static void
on_host(void *arg, const struct lan_host_view *h)
{
	(void)h;
	((struct counts *)arg)->hosts++;
}

static void
on_traffic(void *arg, const char *mac, int64_t hour, uint64_t bi, uint64_t bo,
    uint64_t pi, uint64_t po, bool est)
{
	(void)mac, (void)hour, (void)bi, (void)bo, (void)pi, (void)po,
	    (void)est;
	((struct counts *)arg)->traffic++;
}

static void
on_uplink(void *arg, int64_t hour, uint64_t bi, uint64_t bo, double pi,
    double po, bool est)
{
	(void)hour, (void)bi, (void)bo, (void)pi, (void)po, (void)est;
	((struct counts *)arg)->uplink++;
}

/* The peak RSS of this program: VmHWM, not ru_maxrss, which keeps the
   parent's high-water mark across the fork and exec that started us. */
static long
peak_rss_kb(void)
{
	char line[256];
	long kb = -1;
	FILE *fp = fopen("/proc/self/status", "r");

	if (fp == NULL)
		return -1;
	while (fgets(line, sizeof line, fp) != NULL)
		if (sscanf(line, "VmHWM: %ld kB", &kb) == 1)
			break;
	fclose(fp);
	return kb;
}

int
main(int argc, char **argv)
{
	struct counts c = {0};
	struct lan_sink sink = {&c, on_event, on_host, on_traffic, on_uplink};
	struct lan_offline_info info;
	struct lan_opts o;
	struct lan_stats st;
	struct lan_sampler *s;
	struct timespec a, b;
	char err[512];

	if (argc < 2) {
		fprintf(
		    stderr, "usage: lan_run FILE [MAX_HOSTS [SAMPLE_RATE]]\n");
		return 2;
	}
	lan_opts_from_config(&o, NULL);
	o.has_gateway = true;
	o.gateway_ip[0] = 10, o.gateway_ip[3] = 1;
	if (argc > 2)
		o.max_hosts = strtoul(argv[2], NULL, 10);
	if (argc > 3)
		o.sample_rate = atoi(argv[3]);
	clock_gettime(CLOCK_MONOTONIC, &a);
	if ((s = lan_sampler_new(&o, &sink, 0)) == NULL) {
		fprintf(stderr, "lan_run: out of memory\n");
		return 1;
	}
	if (lan_offline_run(s, argv[1], &info, err, sizeof err) < 0) {
		fprintf(stderr, "lan_run: %s\n", err);
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	lan_sampler_get_stats(s, &st);
	double sec =
	    (double)(b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9;
	printf(
	    "packets=%llu seconds=%.3f pps=%.0f hosts=%llu evicted=%llu "
	    "events=%llu host_reports=%llu traffic_rows=%llu uplink_rows=%llu "
	    "maxrss_kb=%ld\n",
	    (unsigned long long)st.packets, sec, st.packets / sec,
	    (unsigned long long)st.hosts, (unsigned long long)st.hosts_evicted,
	    c.events, c.hosts, c.traffic, c.uplink, peak_rss_kb());
	lan_sampler_free(s);
	return 0;
}
