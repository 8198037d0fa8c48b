/* lan_seeds.c - writes every frame of every capture under a dir as a LAN decoder fuzz seed (link index byte + frame). */
#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <pcap/pcap.h>

#include "tests/fuzz/fuzz_lan_decode.h"

#define MAX_DEPTH 4

static unsigned long files, frames, written;
static const char *outdir;

static void
seeds_file(const char *path)
{
	char err[PCAP_ERRBUF_SIZE], out[4096];
	struct pcap_pkthdr *h;
	const u_char *data;
	unsigned long n = 0;
	pcap_t *pc;
	FILE *f;
	int li;

	if ((pc = pcap_open_offline(path, err)) == NULL)
		return;
	files++;
	li = fuzz_lan_link_index(pcap_datalink(pc));
	while (li >= 0 && pcap_next_ex(pc, &h, &data) == 1) {
		uint8_t b = (uint8_t)li;

		frames++;
		if (snprintf(out, sizeof out, "%s/f%05lu-%04lu", outdir, files,
			n++) >= (int)sizeof out)
			continue;
		if ((f = fopen(out, "wb")) == NULL)
			continue;
		if (fwrite(&b, 1, 1, f) == 1 &&
		    fwrite(data, 1, h->caplen, f) == h->caplen)
			written++;
		fclose(f);
	}
	pcap_close(pc);
}

static void
seeds_builtin(void)
{
	uint8_t buf[4096];
	char out[4096];
	size_t i, n;
	FILE *f;

	for (i = 0; i < fuzz_lan_nbuiltin; i++) {
		n = fuzz_lan_unhex(fuzz_lan_builtin[i], buf, sizeof buf);
		if (snprintf(out, sizeof out, "%s/builtin-%02zu", outdir, i) >=
			(int)sizeof out ||
		    (f = fopen(out, "wb")) == NULL)
			continue;
		if (fwrite(buf, 1, n, f) == n)
			written++;
		fclose(f);
	}
}

static void
seeds_dir(const char *dir, int depth)
{
	struct dirent *de;
	DIR *d;

	if (depth > MAX_DEPTH || (d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		char path[4096];
		struct stat st;

		if (de->d_name[0] == '.' ||
		    snprintf(path, sizeof path, "%s/%s", dir, de->d_name) >=
			(int)sizeof path ||
		    lstat(path, &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode))
			seeds_dir(path, depth + 1);
		else if (S_ISREG(st.st_mode))
			seeds_file(path);
	}
	closedir(d);
}

int
main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: %s PCAPDIR OUTDIR\n", argv[0]);
		return 2;
	}
	outdir = argv[2];
	seeds_builtin();
	seeds_dir(argv[1], 0);
	printf("%lu captures, %lu frames of supported link types, %lu seeds "
	       "written to %s\n",
	    files, frames, written, outdir);
	return written > 0 ? 0 : 1;
}
