/* render.c - report_render_all: every file of a report, each from its one renderer. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evidence/report.h"

struct renderer {
	const char *name;
	int (*fn)(const struct report *r, struct report_file *out);
	bool lan_only; /* only when the LAN sampler has data */
};

static const struct renderer renderers[] = {
    {"report.html", report_html, false},
    {"data.json", report_json, false},
    {"uptime.csv", report_csv_uptime, false},
    {"outages.csv", report_csv_outages, false},
    {"alerts.csv", report_csv_alerts, false},
    {"hosts.csv", report_csv_hosts, true},
};
#define NRENDERERS (sizeof renderers / sizeof renderers[0])

int
report_render_all(const struct report *r, struct report_file **files,
    size_t *nfiles, char *err, size_t errlen)
{
	struct report_file *f = calloc(NRENDERERS, sizeof *f);
	size_t n = 0;

	if (f == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (size_t i = 0; i < NRENDERERS; i++) {
		if (renderers[i].lan_only && !r->lan)
			continue;
		memset(&f[n], 0, sizeof f[n]);
		if (renderers[i].fn(r, &f[n]) == -1) {
			snprintf(
			    err, errlen, "cannot render %s", renderers[i].name);
			free(f[n].data);
			report_files_free(f, n);
			return -1;
		}
		/* The table names the file, whatever the renderer wrote. */
		snprintf(f[n].name, sizeof f[n].name, "%s", renderers[i].name);
		n++;
	}
	*files = f;
	*nfiles = n;
	return 0;
}

void
report_files_free(struct report_file *files, size_t nfiles)
{
	if (files == NULL)
		return;
	for (size_t i = 0; i < nfiles; i++)
		free(files[i].data);
	free(files);
}
