/* cmd_config.c - xanetctl check-config and version. */
#include <stdio.h>
#include <string.h>

#include "cli/xanetctl.h"
#include "common/config.h"
#include "probes/probe.h"

int
cmd_check_config(struct ctl *ctl, int argc, char **argv)
{
	char err[8192];
	struct config *cfg;
	const char *path;

	if (argc > 2) {
		fprintf(stderr, "usage: xanetctl check-config [FILE]\n");
		return CTL_USAGE;
	}
	path = argc == 2 ? argv[1] : ctl->config_path;
	if (path == NULL) {
		fprintf(stderr, "xanetctl: name a FILE, or use -c FILE\n");
		return CTL_USAGE;
	}
	err[0] = '\0';
	cfg = config_load(path, err, sizeof err);
	if (cfg != NULL && probes_check_config(cfg, err, sizeof err) == -1) {
		config_free(cfg);
		cfg = NULL;
	}
	if (cfg == NULL) {
		fprintf(stderr, "xanetctl: configuration has errors:\n%s%s",
		    err, err[0] && err[strlen(err) - 1] != '\n' ? "\n" : "");
		return CTL_ERROR;
	}
	config_print_summary(cfg, stdout);
	printf("configuration OK\n");
	config_free(cfg);
	return CTL_OK;
}

int
cmd_version(struct ctl *ctl, int argc, char **argv)
{
	printf("xanetctl %s\n", PACKAGE_VERSION);
	return CTL_OK;
}
