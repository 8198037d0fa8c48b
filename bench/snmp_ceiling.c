/* snmp_ceiling.c - the SNMP benchmark's ceiling: a bare asynchronous net-snmp loop (snmp_sess_*, poll) polling N agents x K OIDs. */
/*
 * usage: snmp_ceiling [-r ROUNDS] [-c COMMUNITY] [-t TIMEOUT_MS]
 *            -o OID[,OID...] HOST:PORT...
 *
 * One single-session handle per agent, every agent's GET (all OIDs in one
 * PDU) sent at the start of a round, then poll() on the sessions' sockets
 * until every answer or timeout is in; ROUNDS rounds back to back. Prints
 * one line: "agents=N oids=K rounds=R varbinds=V errors=E wall_s=W
 * cpu_s=C rss_kb=S". No MIBs, no config files: what a tuned poller costs
 * with nothing of xanet around it.
 */
#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/library/large_fd_set.h>

#include <errno.h>
#include <stdint.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#define MAX_OIDS 32

struct agent {
	void *sess;
	int fd;
	int waiting;
};

struct tally {
	long varbinds;
	long errors;
	int outstanding;
};

static struct tally tally;

static int
agent_answer(
    int op, netsnmp_session *sp, int reqid, netsnmp_pdu *pdu, void *magic)
{
	struct agent *a = magic;
	netsnmp_variable_list *v;

	(void)sp;
	(void)reqid;
	if (op == NETSNMP_CALLBACK_OP_RECEIVED_MESSAGE && pdu != NULL &&
	    pdu->errstat == SNMP_ERR_NOERROR) {
		for (v = pdu->variables; v != NULL; v = v->next_variable)
			if (v->type != SNMP_NOSUCHOBJECT &&
			    v->type != SNMP_NOSUCHINSTANCE &&
			    v->type != SNMP_ENDOFMIBVIEW)
				tally.varbinds++;
	} else
		tally.errors++;
	if (a->waiting) {
		a->waiting = 0;
		tally.outstanding--;
	}
	return 1;
}

static double
now_s(int clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
parse_oids(char *list, oid names[][MAX_OID_LEN], size_t *lens)
{
	int n = 0;
	char *save = NULL;

	for (char *p = strtok_r(list, ",", &save); p != NULL;
	     p = strtok_r(NULL, ",", &save)) {
		if (n == MAX_OIDS) {
			fprintf(stderr, "snmp_ceiling: at most %d OIDs\n",
			    MAX_OIDS);
			return -1;
		}
		lens[n] = MAX_OID_LEN;
		if (read_objid(p, names[n], &lens[n]) == 0) {
			fprintf(stderr, "snmp_ceiling: bad OID %s\n", p);
			return -1;
		}
		n++;
	}
	return n;
}

int
main(int argc, char **argv)
{
	static oid names[MAX_OIDS][MAX_OID_LEN];
	size_t lens[MAX_OIDS];
	const char *community = "public";
	char *oidlist = NULL;
	int rounds = 1, timeout_ms = 1000, noids, nagents, c;
	struct agent *agents;
	struct pollfd *pfd;
	struct rlimit rl;
	struct rusage ru;
	netsnmp_large_fd_set lfs;
	double w0, c0;

	while ((c = getopt(argc, argv, "r:c:t:o:")) != -1) {
		switch (c) {
		case 'r':
			rounds = atoi(optarg);
			break;
		case 'c':
			community = optarg;
			break;
		case 't':
			timeout_ms = atoi(optarg);
			break;
		case 'o':
			oidlist = optarg;
			break;
		default:
			return 2;
		}
	}
	nagents = argc - optind;
	if (oidlist == NULL || nagents <= 0 || rounds <= 0) {
		fprintf(stderr,
		    "usage: snmp_ceiling [-r ROUNDS] [-c COMMUNITY] "
		    "[-t MS] -o OID,... HOST:PORT...\n");
		return 2;
	}
	/* One socket per agent: lift the soft descriptor limit. */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	setenv("MIBS", "", 1);
	setenv("MIBDIRS", "/nonexistent", 1);
	netsnmp_ds_set_boolean(
	    NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_READ_CONFIGS, 1);
	netsnmp_ds_set_boolean(
	    NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_LOAD, 1);
	netsnmp_ds_set_boolean(
	    NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_SAVE, 1);
	netsnmp_ds_set_int(
	    NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_MIB_WARNINGS, 0);
	init_snmp("snmp_ceiling");
	noids = parse_oids(oidlist, names, lens);
	if (noids <= 0)
		return 2;
	agents = calloc((size_t)nagents, sizeof(*agents));
	pfd = calloc((size_t)nagents, sizeof(*pfd));
	if (agents == NULL || pfd == NULL)
		return 1;
	netsnmp_large_fd_set_init(&lfs, FD_SETSIZE);
	for (int i = 0; i < nagents; i++) {
		netsnmp_session s;
		netsnmp_transport *t;

		snmp_sess_init(&s);
		s.version = SNMP_VERSION_2c;
		s.peername = argv[optind + i];
		s.community = (u_char *)(uintptr_t)community;
		s.community_len = strlen(community);
		s.timeout = timeout_ms * 1000L;
		s.retries = 0;
		s.callback = agent_answer;
		s.callback_magic = &agents[i];
		agents[i].sess = snmp_sess_open(&s);
		if (agents[i].sess == NULL) {
			fprintf(stderr, "snmp_ceiling: cannot open %s\n",
			    argv[optind + i]);
			return 1;
		}
		t = snmp_sess_transport(agents[i].sess);
		agents[i].fd = t->sock;
		if (t->sock >= (int)FD_SETSIZE)
			netsnmp_large_fd_set_resize(&lfs, t->sock + 1);
	}
	w0 = now_s(CLOCK_MONOTONIC);
	c0 = now_s(CLOCK_PROCESS_CPUTIME_ID);
	for (int r = 0; r < rounds; r++) {
		for (int i = 0; i < nagents; i++) {
			netsnmp_pdu *pdu = snmp_pdu_create(SNMP_MSG_GET);

			for (int k = 0; k < noids; k++)
				snmp_add_null_var(pdu, names[k], lens[k]);
			if (snmp_sess_send(agents[i].sess, pdu) == 0) {
				snmp_free_pdu(pdu);
				tally.errors++;
				continue;
			}
			agents[i].waiting = 1;
			tally.outstanding++;
		}
		while (tally.outstanding > 0) {
			int n = 0, got;

			for (int i = 0; i < nagents; i++)
				if (agents[i].waiting) {
					pfd[n].fd = agents[i].fd;
					pfd[n].events = POLLIN;
					pfd[n].revents = 0;
					n++;
				}
			got = poll(pfd, (nfds_t)n, 50);
			if (got < 0 && errno != EINTR)
				return 1;
			for (int i = 0, j = 0; i < nagents && got > 0; i++) {
				if (!agents[i].waiting)
					continue;
				if (pfd[j].revents & POLLIN) {
					NETSNMP_LARGE_FD_ZERO(&lfs);
					NETSNMP_LARGE_FD_SET(
					    agents[i].fd, &lfs);
					snmp_sess_read2(agents[i].sess, &lfs);
				}
				j++;
			}
			if (got == 0)
				for (int i = 0; i < nagents; i++)
					if (agents[i].waiting)
						snmp_sess_timeout(
						    agents[i].sess);
		}
	}
	getrusage(RUSAGE_SELF, &ru);
	printf("agents=%d oids=%d rounds=%d varbinds=%ld errors=%ld "
	       "wall_s=%.4f cpu_s=%.4f rss_kb=%ld\n",
	    nagents, noids, rounds, tally.varbinds, tally.errors,
	    now_s(CLOCK_MONOTONIC) - w0, now_s(CLOCK_PROCESS_CPUTIME_ID) - c0,
	    ru.ru_maxrss);
	for (int i = 0; i < nagents; i++)
		snmp_sess_close(agents[i].sess);
	netsnmp_large_fd_set_cleanup(&lfs);
	free(agents);
	free(pfd);
	return 0;
}
