/* cmd_hosts.c - xanetctl hosts: the LAN's hosts from the database; approve, block, forget through xanetd. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/table.h"
#include "cli/xanetctl.h"
#include "common/addr.h"
#include "common/util.h"
#include "common/xtime.h"
#include "store/host.h"

#define HOSTS_USAGE                                         \
	"usage: xanetctl hosts [--unknown] [--json]\n"      \
	"       xanetctl hosts approve MAC [--name TEXT]\n" \
	"       xanetctl hosts block MAC\n"                 \
	"       xanetctl hosts forget MAC\n"
/* The daemon reads one request line of at most this many bytes (control.h). */
#define HOSTS_LINE_MAX 256
/* The label the daemon accepts, in bytes. */
#define HOSTS_LABEL_MAX 200

/* "1.2 MB": bytes for a table cell. */
static void
hosts_bytes(uint64_t n, char *buf, size_t len)
{
	static const char *const unit[] = {"B", "kB", "MB", "GB", "TB"};
	double v = (double)n;
	size_t u = 0;

	while (v >= 1000 && u + 1 < sizeof unit / sizeof unit[0]) {
		v /= 1000;
		u++;
	}
	if (u == 0)
		snprintf(buf, len, "%llu B", (unsigned long long)n);
	else
		snprintf(buf, len, "%.1f %s", v, unit[u]);
}

struct hosts_list {
	struct table *t;
	json_t *a;
	int64_t now_ms;
};

static int
hosts_list_cb(const struct host_info *h, void *arg)
{
	struct hosts_list *l = arg;
	char last[40], first[40], in[24], out[24], av[40] = "";
	const char *name = h->label[0] ? h->label : h->name;

	time_format_local(h->last_ms, last, sizeof last);
	time_format_local(h->first_ms, first, sizeof first);
	if (l->a != NULL) {
		char lasti[40], firsti[40], avi[40] = "";

		time_format_iso(h->last_ms, lasti, sizeof lasti);
		time_format_iso(h->first_ms, firsti, sizeof firsti);
		if (h->av_last_ms > 0)
			time_format_iso(h->av_last_ms, avi, sizeof avi);
		json_array_append_new(l->a,
		    json_pack("{s:s, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, "
			      "s:s?, s:s, s:s?, s:s, s:s, s:I, s:I, s:s?, "
			      "s:I, s:I}",
			"mac", h->mac, "ipv4", h->ipv4[0] ? h->ipv4 : NULL,
			"ipv6", h->ipv6[0] ? h->ipv6 : NULL, "name",
			h->name[0] ? h->name : NULL, "name_source",
			h->name_source[0] ? h->name_source : NULL, "vendor",
			h->vendor[0] ? h->vendor : NULL, "os_guess",
			h->os_guess[0] ? h->os_guess : NULL, "dhcp_fp",
			h->dhcp_fp[0] ? h->dhcp_fp : NULL, "label",
			h->label[0] ? h->label : NULL, "status", h->status,
			"av_product", h->av_product[0] ? h->av_product : NULL,
			"first_seen", firsti, "last_seen", lasti, "first_ms",
			(json_int_t)h->first_ms, "last_ms",
			(json_int_t)h->last_ms, "av_last_update",
			avi[0] ? avi : NULL, "bytes_in_24h",
			(json_int_t)h->bytes_in_24h, "bytes_out_24h",
			(json_int_t)h->bytes_out_24h));
		return 0;
	}
	hosts_bytes(h->bytes_in_24h, in, sizeof in);
	hosts_bytes(h->bytes_out_24h, out, sizeof out);
	if (h->av_last_ms > 0) {
		char t[40];

		time_format_local(h->av_last_ms, t, sizeof t);
		snprintf(av, sizeof av, "%.12s %.16s",
		    h->av_product[0] ? h->av_product : "?", t);
	}
	{
		const char *cells[] = {h->mac, h->ipv4, name, h->vendor,
		    h->os_guess, h->status, last, in, out, av};

		table_add(l->t, cells);
	}
	return 0;
}

static int
hosts_list(struct ctl *ctl, int argc, char **argv)
{
	static const char *const headers[] = {"MAC", "IPV4", "NAME", "VENDOR",
	    "OS", "STATUS", "LAST SEEN", "IN 24H", "OUT 24H", "ANTIVIRUS"};
	struct hosts_list l = {.now_ms = time_wall_ms()};
	bool unknown = false;
	int exit_code, n;
	sqlite3 *db;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--unknown") == 0)
			unknown = true;
		else {
			fputs(HOSTS_USAGE, stderr);
			return CTL_USAGE;
		}
	}
	if ((db = ctl_open_db(ctl, &exit_code)) == NULL)
		return exit_code;
	if (ctl->json)
		l.a = json_array();
	else
		l.t = table_new(sizeof headers / sizeof headers[0], headers);
	n = host_each(db, unknown, l.now_ms, hosts_list_cb, &l);
	sqlite3_close(db);
	if (n < 0) {
		fprintf(stderr, "xanetctl: cannot read the hosts\n");
		json_decref(l.a);
		table_free(l.t);
		return CTL_ERROR;
	}
	if (ctl->json) {
		json_t *o = json_pack("{s:b, s:o}", "ok", 1, "hosts", l.a);

		ctl_print_json(o);
		json_decref(o);
		return CTL_OK;
	}
	if (n == 0)
		printf(unknown ? "No unknown hosts.\n"
			       : "No hosts seen on the LAN yet.\n");
	else
		table_print(l.t, stdout);
	table_free(l.t);
	return CTL_OK;
}

/* Send REQUEST to xanetd; prints why and returns the exit code on failure. */
static int
hosts_request(struct ctl *ctl, const char *request)
{
	json_t *ans;
	int rc = ctl_daemon_request(ctl, request,
	    "hosts are approved, blocked and forgotten by the running daemon",
	    &ans);

	if (rc == CTL_OK && ctl->json)
		ctl_print_json(ans);
	json_decref(ans);
	return rc;
}

/* Control characters would end or split the request line. */
static bool
hosts_label_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > HOSTS_LABEL_MAX)
		return false;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return false;
	return s[0] != ' ';
}

static int
hosts_decide(struct ctl *ctl, int argc, char **argv)
{
	const char *verb = argv[1], *mac_in = NULL, *name = NULL;
	char mac[18], line[HOSTS_LINE_MAX];
	int rc;

	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--name") == 0 && i + 1 < argc &&
		    strcmp(verb, "approve") == 0)
			name = argv[++i];
		else if (argv[i][0] != '-' && mac_in == NULL)
			mac_in = argv[i];
		else {
			fputs(HOSTS_USAGE, stderr);
			return CTL_USAGE;
		}
	}
	if (mac_in == NULL) {
		fputs(HOSTS_USAGE, stderr);
		return CTL_USAGE;
	}
	if (addr_mac_norm(mac_in, mac) == -1) {
		fprintf(stderr,
		    "xanetctl: bad MAC address '%s': expected "
		    "aa:bb:cc:dd:ee:ff\n",
		    mac_in);
		return CTL_USAGE;
	}
	if (name != NULL && !hosts_label_ok(name)) {
		fprintf(stderr,
		    "xanetctl: bad --name: 1 to %d bytes of text, without "
		    "control characters\n",
		    HOSTS_LABEL_MAX);
		return CTL_USAGE;
	}
	if (strcmp(verb, "approve") == 0)
		snprintf(line, sizeof line, "host-approve %s%s%s", mac,
		    name ? " " : "", name ? name : "");
	else
		snprintf(line, sizeof line, "host-%s %s", verb, mac);
	if ((rc = hosts_request(ctl, line)) != CTL_OK)
		return rc;
	if (!ctl->json) {
		if (strcmp(verb, "approve") == 0)
			printf("Host %s approved%s%s.\n", mac,
			    name ? " as " : "", name ? name : "");
		else if (strcmp(verb, "block") == 0)
			printf("Host %s blocked: it is reported whenever it "
			       "is seen.\n",
			    mac);
		else
			printf("Host %s forgotten: it is new again when next "
			       "seen.\n",
			    mac);
	}
	return CTL_OK;
}

int
cmd_hosts(struct ctl *ctl, int argc, char **argv)
{
	if (argc >= 2 &&
	    (strcmp(argv[1], "approve") == 0 || strcmp(argv[1], "block") == 0 ||
		strcmp(argv[1], "forget") == 0))
		return hosts_decide(ctl, argc, argv);
	if (argc >= 2 && argv[1][0] != '-') {
		fputs(HOSTS_USAGE, stderr);
		return CTL_USAGE;
	}
	return hosts_list(ctl, argc, argv);
}
