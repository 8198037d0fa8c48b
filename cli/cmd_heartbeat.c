/* cmd_heartbeat.c - xanetctl heartbeat token: a device's secret heartbeat URL. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/xanetctl.h"
#include "common/config.h"
#include "common/util.h"
#include "store/hbtoken.h"

#define HEARTBEAT_USAGE "usage: xanetctl heartbeat token DEVICE\n"

/*
 * The token is made here and shown once; the daemon keeps only its
 * SHA-256, so a lost token is replaced, never recovered.
 */
static int
heartbeat_token(struct ctl *ctl, const char *key)
{
	struct config *cfg = ctl_config(ctl);
	char token[HBTOKEN_LEN + 1], hex[2 * HBTOKEN_HASH + 1], *req;
	unsigned char hash[HBTOKEN_HASH];
	const char *host;
	json_t *ans;
	int rc;

	if (cfg == NULL)
		return CTL_ERROR;
	if (strlen(key) > 63 || strpbrk(key, " \t\r\n") != NULL) {
		fprintf(stderr, "xanetctl: bad device key '%s'\n", key);
		return CTL_USAGE;
	}
	hbtoken_generate(token, hash);
	hex_encode(hash, sizeof hash, hex);
	req = xasprintf("heartbeat-token %s %s", key, hex);
	rc = ctl_daemon_request(ctl, req,
	    "heartbeat tokens are recorded by the running daemon", &ans);
	free(req);
	json_decref(ans);
	if (rc != CTL_OK) {
		sodium_memzero(token, sizeof token);
		return rc;
	}
	host = cfg->web.listen;
	if (strcmp(host, "0.0.0.0") == 0 || strcmp(host, "::") == 0)
		host = "ADDRESS-OF-THIS-SERVER";
	if (ctl->json) {
		json_t *o =
		    json_pack("{s:s, s:s}", "device", key, "token", token);

		ctl_print_json(o);
		json_decref(o);
	} else {
		printf("heartbeat token for %s (shown once; a new one replaces "
		       "it):\n  %s\n",
		    key, token);
		printf(
		    "the device calls, every interval:\n  %s://%s%s%s:%d/hb/%s"
		    "\n  (optional: ?status=fail&msg=TEXT)\n",
		    cfg->web.tls_cert != NULL ? "https" : "http",
		    strchr(host, ':') != NULL ? "[" : "", host,
		    strchr(host, ':') != NULL ? "]" : "", cfg->web.port, token);
	}
	sodium_memzero(token, sizeof token);
	return CTL_OK;
}

int
cmd_heartbeat(struct ctl *ctl, int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "token") == 0)
		return heartbeat_token(ctl, argv[2]);
	fputs(HEARTBEAT_USAGE, stderr);
	return CTL_USAGE;
}
