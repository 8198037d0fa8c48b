/* snmp_smoke.c - make-check run of the SNMP values fuzz target: seed inputs and deterministic mutations (TAP). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/fuzz/fuzz_snmp_values.h"

#define SMOKE_MUTATIONS 4000

/* Selectors into fuzz_prefixes and fuzz_types (see fuzz_snmp_values.c). */
enum {
	S_DESCR,
	S_OBJID,
	S_UPTIME,
	S_NAME,
	S_IFDESCR,
	S_IFSPEED,
	S_IFADMIN,
	S_IFOPER,
	S_IFIN,
	S_IFINDISC,
	S_IFINERR,
	S_IFOUT,
	S_IFOUTDISC,
	S_IFOUTERR,
	S_IFNAME,
	S_IFHCIN,
	S_IFHCOUT,
	S_IFHIGH,
	S_IFALIAS,
	S_CPU,
	S_STTYPE,
	S_STUNITS,
	S_STSIZE,
	S_STUSED,
	S_UNIFI,
	S_MIKROTIK,
	S_ARUBA,
	S_CUSTOM_G,
	S_CUSTOM_C,
	S_CUSTOM_S
};
enum {
	T_INT,
	T_STR,
	T_OID,
	T_C32,
	T_GAUGE,
	T_TICKS,
	T_C64,
	T_NSO,
	T_NSI,
	T_EOM
};

struct seed {
	uint8_t b[4096];
	size_t n;
};

static void
put(struct seed *s, const uint8_t *b, size_t n)
{
	if (n > 0 && s->n + n <= sizeof s->b) {
		memcpy(s->b + s->n, b, n);
		s->n += n;
	}
}

/* One varbind: prefix SEL, instance sub-ids, TYPE and a VALUE of LEN bytes. */
static void
var(struct seed *s, int sel, const uint8_t *sub, size_t nsub, int type,
    const uint8_t *val, size_t len)
{
	uint8_t h[3] = {(uint8_t)type, (uint8_t)(len >> 8), (uint8_t)len};
	uint8_t hd[2] = {(uint8_t)sel, (uint8_t)nsub};

	put(s, hd, 2);
	put(s, sub, nsub);
	put(s, h, 3);
	put(s, val, len);
}

static void
var_u(struct seed *s, int sel, uint8_t idx, int type, uint64_t x, int bytes)
{
	uint8_t v[8];

	for (int i = 0; i < bytes; i++)
		v[i] = (uint8_t)(x >> (8 * (bytes - 1 - i)));
	var(s, sel, &idx, sel <= S_NAME ? 0 : 1, type, v, (size_t)bytes);
}

static void
end_poll(struct seed *s, unsigned dt100)
{
	uint8_t b[3] = {0xff, (uint8_t)(dt100 >> 8), (uint8_t)dt100};

	put(s, b, 3);
}

/* Three polls of a plausible agent: rates, a wrap, a reboot, link down. */
static void
seed_agent(struct seed *s, uint8_t profile)
{
	uint64_t in[] = {4294967000u, 1000, 2000};
	uint32_t up[] = {100000, 101000, 50};
	long oper[] = {1, 2, 1};

	s->n = 0;
	put(s, &profile, 1);
	for (int r = 0; r < 3; r++) {
		uint8_t ram[] = {1, 3, 6, 1, 2, 1, 25, 2, 1, 2};

		var(s, S_DESCR, NULL, 0, T_STR, (const uint8_t *)"Linux", 5);
		var_u(s, S_UPTIME, 0, T_TICKS, up[r], 4);
		var(s, S_NAME, NULL, 0, T_STR, (const uint8_t *)"ap", 2);
		var(s, S_IFNAME, (const uint8_t *)"\1", 1, T_STR,
		    (const uint8_t *)"ether1", 6);
		var_u(s, S_IFOPER, 1, T_INT, (uint64_t)oper[r], 8);
		var_u(s, S_IFSPEED, 1, T_GAUGE, 100000000, 4);
		var_u(s, S_IFIN, 1, T_C32, in[r], 4);
		var_u(s, S_IFOUT, 1, T_C32, in[r] / 2, 4);
		var_u(s, S_IFHCIN, 2, T_C64, in[r] * 1000, 8);
		var_u(s, S_IFINERR, 1, T_C32, (uint64_t)r * 7, 4);
		var_u(s, S_CPU, 1, T_INT, 30, 8);
		var(s, S_STTYPE, (const uint8_t *)"\1", 1, T_OID, ram,
		    sizeof ram);
		var_u(s, S_STSIZE, 1, T_INT, 1000, 8);
		var_u(s, S_STUSED, 1, T_INT, 250, 8);
		var_u(s, S_UNIFI, 1, T_INT, 5, 8);
		var_u(s, S_MIKROTIK, 1, T_C32, 5, 4);
		var_u(s, S_CUSTOM_G, 0, T_GAUGE, 41, 4);
		var_u(s, S_CUSTOM_C, 0, T_C32, in[r], 4);
		var(s, S_CUSTOM_S, NULL, 0, T_STR, (const uint8_t *)"v1", 2);
		end_poll(s, 100);
	}
}

/* Hostile answers: exceptions, wrong types, a 64 KB string (filled). */
static void
seed_hostile(struct seed *s)
{
	uint8_t b = 'A';

	s->n = 0;
	put(s, (const uint8_t *)"\1", 1);
	var(s, S_DESCR, NULL, 0, T_STR | 0x40, &b, 0xffff);
	var(s, S_NAME, NULL, 0, T_NSO, NULL, 0);
	var(s, S_UPTIME, NULL, 0, T_STR, (const uint8_t *)"x", 1);
	var(s, S_IFIN, (const uint8_t *)"\1", 1, T_STR, (const uint8_t *)"12",
	    2);
	var(s, S_IFOUT, (const uint8_t *)"\1", 1, T_NSI, NULL, 0);
	var(s, S_IFOPER, (const uint8_t *)"\1\2", 2, T_INT,
	    (const uint8_t *)"\0\0\0\0\0\0\0\1", 8);
	var(s, S_IFHCIN, (const uint8_t *)"\1", 1, T_C64, (const uint8_t *)"\1",
	    1);
	var(s, S_UNIFI, NULL, 0, T_EOM, NULL, 0);
	var(s, S_OBJID, NULL, 0, T_OID, (const uint8_t *)"\1\3\6", 3);
	end_poll(s, 0);
	var(s, S_UPTIME, NULL, 0, T_TICKS, (const uint8_t *)"\0\0\0\1", 4);
}

/* xorshift64*: the same "random" mutations on every run. */
static uint64_t
rnd(uint64_t *st)
{
	*st ^= *st >> 12;
	*st ^= *st << 25;
	*st ^= *st >> 27;
	return *st * UINT64_C(2685821657736338717);
}

/* --seeds DIR: write the seed inputs as files, a libFuzzer corpus. */
static int
write_seeds(const char *dir, const struct seed *seeds, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char path[4096];
		FILE *fp;

		snprintf(path, sizeof path, "%s/seed-%zu", dir, i);
		if ((fp = fopen(path, "wb")) == NULL ||
		    fwrite(seeds[i].b, 1, seeds[i].n, fp) != seeds[i].n ||
		    fclose(fp) != 0) {
			perror(path);
			return 1;
		}
	}
	return 0;
}

int
main(int argc, char **argv)
{
	static struct seed seeds[6], m;
	uint64_t st = 0x9e3779b97f4a7c15ULL;
	size_t nseeds = 0;

	for (uint8_t prof = 0; prof < 4; prof++)
		seed_agent(&seeds[nseeds++], (uint8_t)(prof | 4));
	seed_hostile(&seeds[nseeds++]);
	seeds[nseeds].n = 0; /* the empty input */
	nseeds++;
	if (argc == 3 && strcmp(argv[1], "--seeds") == 0)
		return write_seeds(argv[2], seeds, nseeds - 1);
	printf("1..2\n");
	for (size_t i = 0; i < nseeds; i++)
		LLVMFuzzerTestOneInput(seeds[i].b, seeds[i].n);
	printf("ok 1 - %zu seed inputs\n", nseeds);
	fflush(stdout);
	for (int i = 0; i < SMOKE_MUTATIONS; i++) {
		const struct seed *s = &seeds[rnd(&st) % (nseeds - 1)];
		int edits = 1 + (int)(rnd(&st) % 8);

		m = *s;
		for (int e = 0; e < edits && m.n > 0; e++) {
			size_t at = rnd(&st) % m.n;

			switch (rnd(&st) % 4) {
			case 0: /* flip a byte */
				m.b[at] ^= (uint8_t)(1 + rnd(&st) % 255);
				break;
			case 1: /* an extreme byte */
				m.b[at] = (rnd(&st) & 1) ? 0xff : 0;
				break;
			case 2: /* truncate: a packet cut short */
				m.n = at;
				break;
			default: /* duplicate a run of bytes */
				if (m.n + 32 <= sizeof m.b) {
					size_t len = 1 + rnd(&st) % 32;

					if (at + len > m.n)
						len = m.n - at;
					memmove(
					    m.b + at + len, m.b + at, m.n - at);
					m.n += len;
				}
				break;
			}
		}
		LLVMFuzzerTestOneInput(m.b, m.n);
	}
	printf("ok 2 - %d deterministic mutations, no invariant broken\n",
	    SMOKE_MUTATIONS);
	return 0;
}
