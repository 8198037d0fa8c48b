/* snmp_sweep.c - benchmark driver: SNMP polling rounds to N agents at once, through the snmp probe engine alone. */
/*
 * usage: snmp_sweep [-s] [-r ROUNDS] [-c COMMUNITY] [-t TIMEOUT_MS]
 *            [-i INTERVAL_MS] [-P PROFILE] [-o OIDS] HOST:PORT...
 *
 * What bench/snmp.py sets beside the ceiling loop (bench/snmp_ceiling.c):
 * probe_engine_snmp driven directly on a libev loop, as probes.c would
 * drive it, but with no scheduler, state machine, store or hooks. One
 * v2c device per HOST:PORT (the address numeric, as probes.c would have
 * resolved it); every device's round started at once; ROUNDS rounds back
 * to back after one unmeasured round that opens the sessions (the
 * ceiling opens its sessions before its clock starts too). With -s it
 * prints "warm" after that round and waits for a line on stdin, so that
 * the caller can read the agents' CPU time just before the measured
 * rounds.
 *
 * PROFILE must be built in: an engine driven alone has no configuration
 * (probes_config_of() is NULL), so a [snmp-profile] cannot be named. The
 * benchmark's `[snmp-profile bench] extends = system` with 3 custom OIDs
 * plus 3 on each device is the same plan as `system` with all 6 on the
 * device (snmp_plan_build: the system group, then the profile's customs,
 * then the device's); the line printed says the plan's size.
 *
 * Prints one line: "agents=N rounds=R scalars=S columns=C polls=P ok=K
 * requests=Q varbinds=V timeouts=T wall_s=W cpu_s=C rss_kb=S" for the
 * measured rounds (CPU: getrusage of this process).
 */
#include <sys/resource.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ev.h>

#include "common/config.h"
#include "common/log.h"
#include "common/util.h"
#include "common/xtime.h"
#include "probes/engine.h"
#include "probes/snmpdata.h"

struct sweep {
	struct ev_loop *loop;
	int n;
	int got;
	int ok;
};

static void
usage(void)
{
	fprintf(stderr,
	    "usage: snmp_sweep [-s] [-r ROUNDS] [-c COMMUNITY] "
	    "[-t TIMEOUT_MS] [-i INTERVAL_MS]\n"
	    "                  [-P PROFILE] [-o LABEL:OID:TYPE,...] "
	    "HOST:PORT...\n"
	    "  ROUNDS (default 3) rounds of the snmp engine to every agent "
	    "at once,\n"
	    "  after one unmeasured round; PROFILE is built in (default "
	    "system).\n"
	    "  -s: print \"warm\" after that round, wait for a line on "
	    "stdin.\n");
	exit(2);
}

static void
sweep_done(struct probe *p, struct probe_result *r)
{
	struct sweep *sw = p->on_done_arg;

	sw->got++;
	sw->ok += r->ok;
	if (sw->got == sw->n)
		ev_break(sw->loop, EVBREAK_ONE);
}

static void
guard_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	ev_break(loop, EVBREAK_ONE);
}

static double
cpu_s(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	       (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

/* One round to every probe; the number of results that came. */
static int
sweep_round(const struct probe_engine *e, void *eng, struct sweep *sw,
    struct probe *p, int n)
{
	int64_t t0 = time_mono_ms();
	ev_timer guard;

	sw->got = sw->ok = 0;
	/* A lost result must not hang the benchmark. */
	ev_timer_init(&guard, guard_cb, e->round_ms(&p[0]) / 1000.0 + 5, 0.);
	ev_timer_start(sw->loop, &guard);
	for (int i = 0; i < n; i++) {
		p[i].start_mono_ms = t0;
		p[i].start_wall_ms = time_wall_ms();
		e->start(eng, &p[i]);
	}
	if (sw->got < n)
		ev_run(sw->loop, 0);
	ev_timer_stop(sw->loop, &guard);
	return sw->got;
}

/* "HOST:PORT" (HOST numeric IPv4) into DEV's address and P's target. */
static int
target_parse(const char *text, struct config_device *dev, struct probe *p)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)&p->addr;
	const char *colon = strrchr(text, ':');
	char host[64];
	long port;
	char *end;

	if (colon == NULL || (size_t)(colon - text) >= sizeof host)
		return -1;
	memcpy(host, text, (size_t)(colon - text));
	host[colon - text] = '\0';
	port = strtol(colon + 1, &end, 10);
	if (*end != '\0' || port < 1 || port > 65535)
		return -1;
	sin->sin_family = AF_INET;
	if (inet_pton(AF_INET, host, &sin->sin_addr) != 1)
		return -1;
	sin->sin_port = htons((uint16_t)port);
	p->addrlen = sizeof *sin;
	dev->address = xstrdup(host);
	dev->snmp_port = (int)port;
	return 0;
}

int
main(int argc, char **argv)
{
	const struct probe_engine *e = &probe_engine_snmp;
	const char *community = "public", *profile = "system", *oids = NULL;
	int rounds = 3, n, ch, got = 0, ok = 0, sync = 0;
	int64_t timeout = 2000, interval = 10000;
	struct probes_stats st, st0;
	struct config_device *devs;
	struct snmp_plan plan;
	struct sweep sw;
	struct probe *p;
	struct ev_loop *loop;
	struct rusage ru;
	char err[512];
	double c0, c1;
	int64_t w0, w1;
	void *eng;

	while ((ch = getopt(argc, argv, "sr:c:t:i:P:o:")) != -1) {
		switch (ch) {
		case 's':
			sync = 1;
			break;
		case 'r':
			rounds = atoi(optarg);
			break;
		case 'c':
			community = optarg;
			break;
		case 't':
			timeout = atoll(optarg);
			break;
		case 'i':
			interval = atoll(optarg);
			break;
		case 'P':
			profile = optarg;
			break;
		case 'o':
			oids = optarg;
			break;
		default:
			usage();
		}
	}
	n = argc - optind;
	if (n < 1 || rounds < 1 || timeout < 1 || interval < timeout)
		usage();
	if (snmp_profile_find(NULL, profile) == NULL) {
		fprintf(stderr,
		    "snmp_sweep: %s is not a built-in profile (an engine "
		    "driven alone has no [snmp-profile])\n",
		    profile);
		return 2;
	}
	log_init("snmp_sweep", LOG_WARNING);
	memset(&st, 0, sizeof st);
	loop = ev_loop_new(EVFLAG_AUTO);
	eng = e->open(loop, &st, err, sizeof err);
	if (eng == NULL) {
		fprintf(stderr, "snmp_sweep: %s\n", err);
		return 1;
	}
	devs = xcalloc((size_t)n, sizeof *devs);
	p = xcalloc((size_t)n, sizeof *p);
	memset(&sw, 0, sizeof sw);
	sw.loop = loop;
	sw.n = n;
	for (int i = 0; i < n; i++) {
		struct config_device *d = &devs[i];

		d->key = xasprintf("ap-%04d", i);
		d->name = xstrdup(d->key);
		d->parent_index = -1;
		d->probes = xstrdup("snmp");
		d->interval_ms = interval;
		d->timeout_ms = timeout;
		d->snmp_version = CONFIG_SNMP_V2C;
		d->snmp_community = xstrdup(community);
		d->snmp_profile = xstrdup(profile);
		d->snmp_oids = oids != NULL ? xstrdup(oids) : NULL;
		if (target_parse(argv[optind + i], d, &p[i]) == -1) {
			fprintf(stderr, "snmp_sweep: %s: not IPV4:PORT\n",
			    argv[optind + i]);
			return 2;
		}
		p[i].device = (size_t)i;
		p[i].dev = d;
		if (e->parse("snmp", d, &p[i].spec, err, sizeof err) == -1) {
			fprintf(stderr, "snmp_sweep: %s\n", err);
			return 2;
		}
		p[i].spec.kind = PROBE_SNMP;
		p[i].interval_ms = interval;
		p[i].timeout_ms = timeout;
		p[i].on_done = sweep_done;
		p[i].on_done_arg = &sw;
	}
	snmp_plan_build(snmp_profile_find(NULL, profile), &devs[0], &plan);
	/* Warm-up: opens the n sessions (sockets), as the ceiling does first. */
	if (sweep_round(e, eng, &sw, p, n) < n)
		fprintf(stderr, "snmp_sweep: warm-up: %d of %d results\n",
		    sw.got, n);
	if (sync) {
		char line[16];

		printf("warm\n");
		fflush(stdout);
		if (fgets(line, sizeof line, stdin) == NULL)
			return 1;
	}
	st0 = st;
	c0 = cpu_s();
	w0 = time_mono_ms();
	for (int r = 0; r < rounds; r++) {
		got += sweep_round(e, eng, &sw, p, n);
		ok += sw.ok;
	}
	w1 = time_mono_ms();
	c1 = cpu_s();
	getrusage(RUSAGE_SELF, &ru);
	printf("agents=%d rounds=%d scalars=%zu columns=%zu polls=%d ok=%d "
	       "requests=%llu varbinds=%llu timeouts=%llu wall_s=%.4f "
	       "cpu_s=%.4f rss_kb=%ld\n",
	    n, rounds, plan.nscalars, plan.ncolumns, got, ok,
	    (unsigned long long)(st.snmp_requests - st0.snmp_requests),
	    (unsigned long long)(st.snmp_varbinds - st0.snmp_varbinds),
	    (unsigned long long)(st.snmp_timeouts - st0.snmp_timeouts),
	    (double)(w1 - w0) / 1e3, c1 - c0, ru.ru_maxrss);
	for (int i = 0; i < n; i++) {
		struct config_device *d = &devs[i];

		e->release(eng, &p[i]);
		free(d->key);
		free(d->name);
		free(d->address);
		free(d->probes);
		free(d->snmp_community);
		free(d->snmp_profile);
		free(d->snmp_oids);
	}
	free(p);
	free(devs);
	e->close(eng);
	ev_loop_destroy(loop);
	return got == rounds * n ? 0 : 1;
}
