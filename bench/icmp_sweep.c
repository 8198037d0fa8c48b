/* icmp_sweep.c - benchmark driver: one ICMP round to each of N loopback targets at once, through the engine. */
#include <sys/resource.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ev.h>

#include "common/log.h"
#include "common/util.h"
#include "common/xtime.h"
#include "probes/engine.h"
#include "probes/icmp.h"

/* 127.0.x.y with y in 1..254: no network or broadcast-looking address. */
#define SWEEP_MAX (256 * 254)

struct sweep {
	struct ev_loop *loop;
	int n;
	int got;
	int ok;
	long long sent;
	long long received;
	int64_t last_ms;
};

static void
usage(void)
{
	fprintf(stderr,
	    "usage: icmp_sweep [-n TARGETS] [-c COUNT] [-s SPACING_MS] "
	    "[-t TIMEOUT_MS]\n"
	    "                  [-m auto|raw|dgram] [-l FILE]\n"
	    "  One round to each of TARGETS (default 10000) loopback "
	    "addresses\n"
	    "  127.0.x.y at once; prints wall and CPU time, sent, received.\n"
	    "  -l FILE writes the target list (for fping -f) and exits.\n");
	exit(2);
}

static void
target_name(int i, char *buf, size_t len)
{
	snprintf(buf, len, "127.0.%d.%d", i / 254, i % 254 + 1);
}

static void
sweep_done(struct probe *p, struct probe_result *r)
{
	struct sweep *sw = p->on_done_arg;

	sw->got++;
	sw->ok += r->ok;
	sw->sent += r->sent;
	sw->received += r->received;
	if (sw->got == sw->n) {
		sw->last_ms = time_mono_ms();
		ev_break(sw->loop, EVBREAK_ONE);
	}
}

static void
guard_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	ev_break(loop, EVBREAK_ONE);
}

static double
cpu_ms(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
	       (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
}

int
main(int argc, char **argv)
{
	const struct probe_engine *e = &probe_engine_icmp;
	enum icmp_mode mode = ICMP_MODE_AUTO;
	int n = 10000, count = 1, ch;
	int64_t spacing = 1000, timeout = 500, t0;
	const char *list = NULL;
	struct probes_stats st;
	struct sweep sw;
	struct probe *p;
	struct ev_loop *loop;
	ev_timer guard;
	char err[512], name[32];
	double cpu0;
	void *eng;

	while ((ch = getopt(argc, argv, "n:c:s:t:m:l:")) != -1) {
		switch (ch) {
		case 'n':
			n = atoi(optarg);
			break;
		case 'c':
			count = atoi(optarg);
			break;
		case 's':
			spacing = atoll(optarg);
			break;
		case 't':
			timeout = atoll(optarg);
			break;
		case 'm':
			if (strcmp(optarg, "raw") == 0)
				mode = ICMP_MODE_RAW;
			else if (strcmp(optarg, "dgram") == 0)
				mode = ICMP_MODE_DGRAM;
			else if (strcmp(optarg, "auto") != 0)
				usage();
			break;
		case 'l':
			list = optarg;
			break;
		default:
			usage();
		}
	}
	if (n < 1 || n > SWEEP_MAX || count < 1 || count > 100 || spacing < 1 ||
	    timeout < 1)
		usage();
	if (list != NULL) {
		FILE *f = fopen(list, "w");

		if (f == NULL) {
			fprintf(stderr, "icmp_sweep: %s: %s\n", list,
			    strerror(errno));
			return 1;
		}
		for (int i = 0; i < n; i++) {
			target_name(i, name, sizeof name);
			fprintf(f, "%s\n", name);
		}
		return fclose(f) == 0 ? 0 : 1;
	}
	log_init("icmp_sweep", LOG_WARNING);
	memset(&st, 0, sizeof st);
	loop = ev_loop_new(EVFLAG_AUTO);
	eng = icmp_engine_open(loop, &st, mode, err, sizeof err);
	if (eng == NULL) {
		fprintf(stderr, "icmp_sweep: %s\n", err);
		return 1;
	}
	memset(&sw, 0, sizeof sw);
	sw.loop = loop;
	sw.n = n;
	p = xcalloc((size_t)n, sizeof *p);
	for (int i = 0; i < n; i++) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&p[i].addr;

		target_name(i, name, sizeof name);
		sin->sin_family = AF_INET;
		inet_pton(AF_INET, name, &sin->sin_addr);
		p[i].addrlen = sizeof *sin;
		p[i].spec.kind = PROBE_ICMP;
		p[i].spec.icmp_count = count;
		p[i].spec.icmp_spacing_ms = spacing;
		p[i].timeout_ms = timeout;
		p[i].on_done = sweep_done;
		p[i].on_done_arg = &sw;
	}
	/* A lost result must not hang the benchmark. */
	ev_timer_init(&guard, guard_cb, e->round_ms(&p[0]) / 1000.0 + 5, 0.);
	ev_timer_start(loop, &guard);
	cpu0 = cpu_ms();
	t0 = time_mono_ms();
	for (int i = 0; i < n; i++) {
		p[i].start_mono_ms = t0;
		e->start(eng, &p[i]);
	}
	ev_run(loop, 0);
	printf("mode: %s\n", icmp_engine_mode(eng));
	printf("targets: %d\n", n);
	printf("results: %d\n", sw.got);
	printf("ok: %d\n", sw.ok);
	printf("sent: %lld\n", sw.sent);
	printf("received: %lld\n", sw.received);
	printf("loss_pct: %.2f\n",
	    sw.sent > 0
		? 100.0 * (double)(sw.sent - sw.received) / (double)sw.sent
		: 0.0);
	printf("wall_ms: %lld\n", (long long)(sw.last_ms - t0));
	printf("cpu_ms: %.1f\n", cpu_ms() - cpu0);
	printf("foreign: %llu\n", (unsigned long long)st.icmp_foreign);
	{
		struct rusage ru;

		/* Voluntary: the loop waited; involuntary: the CPU was taken. */
		getrusage(RUSAGE_SELF, &ru);
		printf("ctx_switches: %ld voluntary, %ld involuntary\n",
		    ru.ru_nvcsw, ru.ru_nivcsw);
	}
	for (int i = 0; i < n; i++)
		e->release(eng, &p[i]);
	free(p);
	e->close(eng);
	ev_loop_destroy(loop);
	return sw.got == n ? 0 : 1;
}
