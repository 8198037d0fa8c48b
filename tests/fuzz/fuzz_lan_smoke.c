/* fuzz_lan_smoke.c - a short deterministic run of the LAN decoder fuzz entry point for `make check`. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <pcap/pcap.h>

#include "tests/fuzz/fuzz_lan_decode.h"

#define MAX_SEEDS    4096
#define MAX_FRAME    2048
#define FLIP_PREFIX  320 /* bit flips over the headers, not the payloads */
#define DEFAULT_SECS 3

struct seed {
	size_t len;
	uint8_t *b; /* link index byte, then the frame */
};

static struct seed seeds[MAX_SEEDS];
static size_t nseeds;
static unsigned long long runs;

static void
seed_add(const uint8_t *b, size_t len)
{
	struct seed *s;

	if (nseeds == MAX_SEEDS || len > MAX_FRAME + 1)
		return;
	s = &seeds[nseeds++];
	s->b = malloc(len);
	if (s->b == NULL)
		abort();
	memcpy(s->b, b, len);
	s->len = len;
}

static void
seeds_builtin(void)
{
	uint8_t buf[MAX_FRAME];
	size_t i;

	for (i = 0; i < fuzz_lan_nbuiltin; i++)
		seed_add(
		    buf, fuzz_lan_unhex(fuzz_lan_builtin[i], buf, sizeof buf));
}

static void
seeds_pcap(const char *path)
{
	char err[PCAP_ERRBUF_SIZE];
	uint8_t buf[MAX_FRAME + 1];
	struct pcap_pkthdr *h;
	const u_char *data;
	pcap_t *pc;
	int li;

	if ((pc = pcap_open_offline(path, err)) == NULL)
		return;
	li = fuzz_lan_link_index(pcap_datalink(pc));
	while (li >= 0 && pcap_next_ex(pc, &h, &data) == 1) {
		size_t n = h->caplen < MAX_FRAME ? h->caplen : MAX_FRAME;

		buf[0] = (uint8_t)li;
		memcpy(buf + 1, data, n);
		seed_add(buf, n + 1);
	}
	pcap_close(pc);
}

static void
seeds_dir(const char *dir)
{
	struct dirent *de;
	DIR *d;

	if ((d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		char path[4096];

		if (de->d_name[0] == '.')
			continue;
		if (snprintf(path, sizeof path, "%s/%s", dir, de->d_name) <
		    (int)sizeof path)
			seeds_pcap(path);
	}
	closedir(d);
}

/* Run BUF (LEN bytes) from an exact-size heap copy, so that ASan sees overreads. */
static void
run(const uint8_t *buf, size_t len)
{
	uint8_t *copy = malloc(len ? len : 1);

	if (copy == NULL)
		abort();
	memcpy(copy, buf, len);
	LLVMFuzzerTestOneInput(copy, len);
	free(copy);
	runs++;
}

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t
next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int
main(void)
{
	static const uint8_t interesting[] = {
	    0x00, 0xff, 0x7f, 0x80, 0xc0, 0x3f, 0x01, 0x20, 0x40, 0x05};
	const char *env = getenv("XANET_TESTDATA");
	const char *src = getenv("XANET_SRCDIR");
	const char *secs_env = getenv("XANET_FUZZ_SECONDS");
	char dir[4096];
	uint8_t buf[MAX_FRAME + 1];
	double secs = secs_env ? atof(secs_env) : DEFAULT_SECS, t_end;
	unsigned long long before;
	size_t i, k, cut, nfile;
	int l;

	printf("1..3\n");
	seeds_builtin();
	if (env != NULL && *env != '\0')
		snprintf(dir, sizeof dir, "%s/samples", env);
	else
		snprintf(dir, sizeof dir, "%s/../shared/testdata/pcap/samples",
		    src ? src : ".");
	seeds_dir(dir);
	nfile = nseeds - fuzz_lan_nbuiltin;
	if (nfile == 0)
		printf(
		    "# no sample captures in %s: built-in seeds only\n", dir);

	/* 1: every seed under every link type */
	for (i = 0; i < nseeds; i++)
		for (l = 0; l < FUZZ_LAN_NLINKS; l++) {
			memcpy(buf, seeds[i].b, seeds[i].len);
			buf[0] = (uint8_t)l;
			run(buf, seeds[i].len);
		}
	printf("ok 1 - %zu seeds (%zu from %s), %d link types\n", nseeds, nfile,
	    dir, FUZZ_LAN_NLINKS);

	/* 2: every truncation, every bit flip of the headers */
	before = runs;
	for (i = 0; i < nseeds; i++) {
		struct seed *s = &seeds[i];

		for (cut = 1; cut < s->len; cut++)
			run(s->b, cut);
		for (k = 1; k < s->len && k < FLIP_PREFIX; k++)
			for (l = 0; l < 8; l++) {
				memcpy(buf, s->b, s->len);
				buf[k] ^= (uint8_t)(1u << l);
				run(buf, s->len);
			}
	}
	printf("ok 2 - %llu truncations and bit flips\n", runs - before);

	/* 3: random byte mutations, deterministic, for a few seconds */
	before = runs;
	t_end = now_s() + secs;
	while (now_s() < t_end)
		for (k = 0; k < 1000; k++) {
			struct seed *s = &seeds[next_rand() % nseeds];
			size_t len = s->len, m, n = 1 + next_rand() % 8;

			memcpy(buf, s->b, len);
			for (m = 0; m < n && len > 1; m++) {
				size_t pos = 1 + next_rand() % (len - 1);
				uint64_t r = next_rand();

				buf[pos] =
				    (r & 1) ? (uint8_t)(r >> 8)
					    : interesting[(r >> 8) %
							  sizeof interesting];
			}
			if (next_rand() % 4 == 0)
				len = 1 + next_rand() % len;
			run(buf, len);
		}
	printf("ok 3 - %llu random mutations in %.0f s\n", runs - before, secs);
	printf("# %llu runs in all\n", runs);
	for (i = 0; i < nseeds; i++)
		free(seeds[i].b);
	return 0;
}
