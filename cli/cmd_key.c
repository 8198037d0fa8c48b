/* cmd_key.c - xanetctl key: the site's signing key as officers and checkers see it. */
#include <getopt.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/xanetctl.h"
#include "common/config.h"
#include "common/util.h"
#include "evidence/sigkey.h"

#define KEY_USAGE                                                      \
	"usage: xanetctl key show [--pubkey-out FILE]\n"               \
	"  the signing key's file, fingerprint and public key; with\n" \
	"  --pubkey-out, its public key written to FILE for "          \
	"xanetctl verify --pubkey\n"

static int
key_show(struct ctl *ctl, const char *pubout)
{
	unsigned char pub[SIGKEY_PUBLIC_LEN];
	char b64[sodium_base64_ENCODED_LEN(
	    SIGKEY_PUBLIC_LEN, sodium_base64_VARIANT_ORIGINAL)];
	char fpr[SIGKEY_FPR_LEN], err[1024], err2[1024];
	const char *source = NULL;
	struct config *cfg;
	struct sigkey *k;
	char *path, *pubpath;

	if ((cfg = ctl_config(ctl)) == NULL)
		return CTL_ERROR;
	path = sigkey_path(cfg->evidence.key_file, cfg->daemon.state_dir);
	pubpath = xasprintf("%s.pub", path);
	if ((k = sigkey_load(path, err, sizeof err)) != NULL) {
		memcpy(pub, sigkey_public(k), sizeof pub);
		sigkey_free(k);
	} else if (access(path, F_OK) == 0 && access(path, R_OK) != 0 &&
		   sigkey_public_read(pubpath, pub, err2, sizeof err2) == 0) {
		/* xanetd keeps the secret to itself; its public half is
		 * beside it for everyone. */
		source = pubpath;
	} else {
		fprintf(stderr, "xanetctl: %s\n", err);
		if (access(path, F_OK) != 0)
			fprintf(stderr, "xanetctl: xanetd creates the key at "
					"its first start\n");
		free(path);
		free(pubpath);
		return CTL_NO_DATABASE;
	}
	sigkey_fingerprint(pub, fpr, sizeof fpr);
	sodium_bin2base64(
	    b64, sizeof b64, pub, sizeof pub, sodium_base64_VARIANT_ORIGINAL);
	if (pubout != NULL &&
	    sigkey_public_write(pub, pubout, err, sizeof err) == -1) {
		fprintf(stderr, "xanetctl: %s\n", err);
		free(path);
		free(pubpath);
		return CTL_ERROR;
	}
	if (ctl->json) {
		json_t *o = json_pack("{s:s, s:s, s:s, s:s?, s:s?}", "file",
		    path, "fingerprint", fpr, "public", b64, "read_from",
		    source, "pubkey_out", pubout);

		ctl_print_json(o);
		json_decref(o);
	} else {
		printf("key file:    %s\n", path);
		if (source != NULL)
			printf("             (not readable by this user: the "
			       "public key was read from %s)\n",
			    source);
		printf("fingerprint: %s\n", fpr);
		printf("public key:  xanet-ed25519 %s\n", b64);
		if (pubout != NULL)
			printf("public key written to %s\n", pubout);
	}
	free(path);
	free(pubpath);
	return CTL_OK;
}

int
cmd_key(struct ctl *ctl, int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"pubkey-out", required_argument, NULL, 'o'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *pubout = NULL;
	int ch;

	if (argc < 2 || strcmp(argv[1], "show") != 0) {
		fputs(KEY_USAGE, stderr);
		return CTL_USAGE;
	}
	argc--;
	argv++;
	optind = 0;
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'o':
			pubout = optarg;
			break;
		case 'h':
			fputs(KEY_USAGE, stdout);
			return CTL_OK;
		default:
			fputs(KEY_USAGE, stderr);
			return CTL_USAGE;
		}
	}
	if (optind != argc) {
		fputs(KEY_USAGE, stderr);
		return CTL_USAGE;
	}
	return key_show(ctl, pubout);
}
