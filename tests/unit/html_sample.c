/* html_sample.c - writes the hand-built sample report (17 cultural houses) as report.html, for the PDF test and the sample PNG. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/xtime.h"
#include "evidence/report.h"
#include "tests/unit/html_fixture.h"

int
main(int argc, char **argv)
{
	struct report *r;
	struct report_file f;
	size_t n = 17;
	FILE *fp;

	if (argc < 2 || argc > 4) {
		fprintf(
		    stderr, "usage: html_sample OUT.html [vi|en] [NDEVICES]\n");
		return 2;
	}
	if (argc == 4)
		n = (size_t)strtoul(argv[3], NULL, 10);
	time_zone_set("Asia/Ho_Chi_Minh");
	r = fixture_report(n, argc >= 3 ? argv[2] : "vi", 0);
	if (report_html(r, &f) < 0) {
		fprintf(stderr, "html_sample: report_html failed\n");
		return 1;
	}
	fp = fopen(argv[1], "w");
	if (fp == NULL || fwrite(f.data, 1, f.len, fp) != f.len ||
	    fclose(fp) != 0) {
		perror(argv[1]);
		return 1;
	}
	free(f.data);
	fixture_free(r);
	return 0;
}
