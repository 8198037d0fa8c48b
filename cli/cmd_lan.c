/* cmd_lan.c - xanetctl lan analyze: a capture file through the daemon's own LAN sampler. */
#include <arpa/inet.h>
#include <sys/socket.h>

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/table.h"
#include "cli/xanetctl.h"
#include "common/config.h"
#include "common/duration.h"
#include "common/util.h"
#include "common/xtime.h"
#include "probes/lan/offline.h"
#include "probes/lan/sampler.h"

#define LAN_USAGE                                                              \
	"usage: xanetctl lan analyze FILE [--json] [--gateway IP] "            \
	"[--uplink MAC]\n"                                                     \
	"         [--learning DURATION] [--dhcp-server IP] [--sample N] "      \
	"[--max-hosts N]\n"                                                    \
	"  FILE: a pcap or pcapng capture (tcpdump -w, Wireshark)\n"           \
	"  thresholds come from [lan] of -c FILE when given, else defaults;\n" \
	"  --learning 0 reports every host as new (default: 7d, none)\n"
/* Findings kept for printing; more are counted, not shown. */
#define LAN_MAX_FINDINGS 10000
#define LAN_TOP_NAMES    20

struct finding {
	int64_t ts_ms;
	char *rule, *mac, *ip, *details;
};

struct lan_out {
	struct finding *f;
	size_t nf;
	uint64_t dropped;
	struct table *hosts;
	json_t *jhosts, *jservers, *jnames;
	struct {
		char *name;
		uint64_t count;
	} * names;
	size_t nnames;
};

static void
lan_event(void *arg, int64_t ts_ms, const char *rule, const char *mac,
    const char *ip, const char *details)
{
	struct lan_out *o = arg;
	struct finding *f;

	if (o->nf >= LAN_MAX_FINDINGS) {
		o->dropped++;
		return;
	}
	o->f = xreallocarray(o->f, o->nf + 1, sizeof *o->f);
	f = &o->f[o->nf++];
	f->ts_ms = ts_ms;
	f->rule = xstrdup(rule);
	f->mac = xstrdup(mac);
	f->ip = xstrdup(ip);
	f->details = xstrdup(details);
}

static void
fmt_bytes(uint64_t b, char *buf, size_t len)
{
	if (b >= 10ull * 1024 * 1024 * 1024)
		snprintf(buf, len, "%.1f GB", (double)b / (1 << 30));
	else if (b >= 10ull * 1024 * 1024)
		snprintf(buf, len, "%.1f MB", (double)b / (1 << 20));
	else if (b >= 10ull * 1024)
		snprintf(buf, len, "%.1f kB", (double)b / 1024);
	else
		snprintf(buf, len, "%llu B", (unsigned long long)b);
}

static void
lan_host_cb(void *arg, const struct lan_host_view *h)
{
	struct lan_out *o = arg;
	char first[64] = "", last[64] = "", av[96] = "", in[32], out[32];

	time_format_local(h->first_ms, first, sizeof first);
	time_format_local(h->last_ms, last, sizeof last);
	if (h->av_product[0] != '\0') {
		char when[64];
		time_format_local(h->av_last_ms, when, sizeof when);
		snprintf(av, sizeof av, "%s %s", h->av_product, when);
	}
	if (o->jhosts != NULL) {
		json_array_append_new(o->jhosts,
		    json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, "
			      "s:s, s:I, s:I, s:s, s:s?, s:o?, s:I, s:I, s:I, "
			      "s:I, s:b}",
			"mac", h->mac_s, "ipv4", h->ipv4, "ipv6", h->ipv6,
			"name", h->name, "name_source", h->name_source,
			"vendor", h->vendor, "os_guess", h->os_guess, "dhcp_fp",
			h->dhcp_fp, "status", lan_host_status_name(h->status),
			"first_seen", first, "first_ms",
			(json_int_t)h->first_ms, "last_ms",
			(json_int_t)h->last_ms, "last_seen", last, "av_product",
			h->av_product[0] ? h->av_product : NULL, "av_last_ms",
			h->av_product[0] ? json_integer(h->av_last_ms) : NULL,
			"bytes_in", (json_int_t)h->bytes_in, "bytes_out",
			(json_int_t)h->bytes_out, "pkts_in",
			(json_int_t)h->pkts_in, "pkts_out",
			(json_int_t)h->pkts_out, "estimated", h->estimated));
		return;
	}
	fmt_bytes(h->bytes_in, in, sizeof in);
	fmt_bytes(h->bytes_out, out, sizeof out);
	const char *cells[] = {h->mac_s, h->ipv4, h->name, h->vendor,
	    h->os_guess, av, in, out, last};
	table_add(o->hosts, cells);
}

static void
lan_server_cb(
    void *arg, const char *ip, const char *mac, bool allowed, uint64_t replies)
{
	struct lan_out *o = arg;

	if (o->jservers != NULL) {
		json_array_append_new(o->jservers,
		    json_pack("{s:s, s:s, s:b, s:I}", "ip", ip, "mac", mac,
			"allowed", allowed, "replies", (json_int_t)replies));
		return;
	}
	printf("  %-15s  %s  %s, %llu replies\n", ip, mac,
	    allowed ? "allowed" : "NOT ALLOWED", (unsigned long long)replies);
}

static void
lan_name_cb(void *arg, const char *name, uint64_t count)
{
	struct lan_out *o = arg;

	o->names = xreallocarray(o->names, o->nnames + 1, sizeof *o->names);
	o->names[o->nnames].name = xstrdup(name);
	o->names[o->nnames++].count = count;
}

static int
lan_name_cmp(const void *a, const void *b)
{
	const struct {
		char *name;
		uint64_t count;
	} *x = a, *y = b;

	if (x->count != y->count)
		return x->count < y->count ? 1 : -1;
	return strcmp(x->name, y->name);
}

static int
lan_analyze(struct ctl *ctl, int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"gateway", required_argument, NULL, 'g'},
	    {"uplink", required_argument, NULL, 'u'},
	    {"learning", required_argument, NULL, 'l'},
	    {"dhcp-server", required_argument, NULL, 'D'},
	    {"sample", required_argument, NULL, 'n'},
	    {"max-hosts", required_argument, NULL, 'm'},
	    {NULL, 0, NULL, 0},
	};
	struct lan_out o = {0};
	struct lan_sink sink = {.arg = &o, .event = lan_event};
	struct lan_offline_info info;
	struct lan_opts opts;
	struct lan_stats st;
	struct lan_sampler *s;
	struct config *cfg = NULL;
	const char *gateway = NULL, *uplink = NULL, *learning = NULL;
	const char *dhcp = NULL, *sample = NULL, *maxh = NULL;
	char err[1024], a[64], b[64], up[18];
	int ch, rc;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'g':
			gateway = optarg;
			break;
		case 'u':
			uplink = optarg;
			break;
		case 'l':
			learning = optarg;
			break;
		case 'D':
			dhcp = optarg;
			break;
		case 'n':
			sample = optarg;
			break;
		case 'm':
			maxh = optarg;
			break;
		default:
			fputs(LAN_USAGE, stderr);
			return CTL_USAGE;
		}
	}
	if (optind + 1 != argc) {
		fputs(LAN_USAGE, stderr);
		return CTL_USAGE;
	}
	if (ctl->config_path != NULL) {
		err[0] = '\0';
		if ((cfg = config_load(ctl->config_path, err, sizeof err)) ==
		    NULL) {
			fprintf(stderr,
			    "xanetctl: configuration has errors:\n%s", err);
			return CTL_ERROR;
		}
		time_zone_set(cfg->site.timezone);
	}
	/* Without -c the file is from elsewhere: this host's default route
	   says nothing about its gateway, so only --gateway sets one. */
	lan_opts_from_config(&opts, cfg);
	if (gateway != NULL) {
		if (inet_pton(AF_INET, gateway, opts.gateway_ip) != 1) {
			fprintf(
			    stderr, "xanetctl: bad --gateway '%s'\n", gateway);
			goto usage;
		}
		opts.has_gateway = true;
	}
	if (uplink != NULL) {
		if (lan_mac_parse(uplink, opts.uplink_mac) < 0) {
			fprintf(
			    stderr, "xanetctl: bad --uplink '%s'\n", uplink);
			goto usage;
		}
		opts.has_uplink_mac = true;
	}
	if (learning != NULL &&
	    duration_parse(learning, &opts.learning_ms) < 0) {
		fprintf(stderr, "xanetctl: bad --learning '%s'\n", learning);
		goto usage;
	}
	if (dhcp != NULL) {
		if (inet_pton(AF_INET, dhcp, opts.dhcp_servers[0]) != 1) {
			fprintf(
			    stderr, "xanetctl: bad --dhcp-server '%s'\n", dhcp);
			goto usage;
		}
		opts.ndhcp_servers = 1;
	}
	if (sample != NULL && (opts.sample_rate = atoi(sample)) < 1) {
		fprintf(stderr, "xanetctl: bad --sample '%s'\n", sample);
		goto usage;
	}
	if (maxh != NULL) {
		int m = atoi(maxh);
		if (m < 1) {
			fprintf(
			    stderr, "xanetctl: bad --max-hosts '%s'\n", maxh);
			goto usage;
		}
		opts.max_hosts = (size_t)m;
	}
	if ((s = lan_sampler_new(&opts, &sink, 0)) == NULL) {
		fprintf(stderr, "xanetctl: out of memory\n");
		config_free(cfg);
		return CTL_ERROR;
	}
	rc = lan_offline_run(s, argv[optind], &info, err, sizeof err);
	config_free(cfg);
	if (rc < 0) {
		fprintf(stderr, "xanetctl: cannot analyze %s\n", err);
		lan_sampler_free(s);
		goto out;
	}
	lan_sampler_get_stats(s, &st);
	lan_sampler_uplink(s, up);
	lan_sampler_each_dns_name(s, lan_name_cb, &o);
	if (o.nnames > 0)
		qsort(o.names, o.nnames, sizeof *o.names, lan_name_cmp);
	time_format_local(info.first_ms, a, sizeof a);
	time_format_local(info.last_ms, b, sizeof b);
	if (ctl->json) {
		json_t *j = json_object(), *jf = json_array();
		o.jhosts = json_array();
		o.jservers = json_array();
		o.jnames = json_array();
		lan_sampler_each_host(s, lan_host_cb, &o);
		lan_sampler_each_dhcp_server(s, lan_server_cb, &o);
		for (size_t i = 0; i < o.nnames; i++)
			json_array_append_new(o.jnames,
			    json_pack("{s:s, s:I}", "name", o.names[i].name,
				"count", (json_int_t)o.names[i].count));
		for (size_t i = 0; i < o.nf; i++) {
			char when[64];
			time_format_local(o.f[i].ts_ms, when, sizeof when);
			json_array_append_new(jf,
			    json_pack("{s:s, s:I, s:s, s:s, s:s, s:s}", "time",
				when, "ts_ms", (json_int_t)o.f[i].ts_ms, "rule",
				o.f[i].rule, "mac", o.f[i].mac, "ip", o.f[i].ip,
				"details", o.f[i].details));
		}
		json_object_set_new(j, "file", json_string(argv[optind]));
		json_object_set_new(
		    j, "packets", json_integer((json_int_t)st.packets));
		json_object_set_new(
		    j, "sampled", json_integer((json_int_t)st.sampled));
		json_object_set_new(
		    j, "sample_rate", json_integer(st.sample_rate));
		json_object_set_new(
		    j, "bytes", json_integer((json_int_t)st.bytes));
		json_object_set_new(j, "first", json_string(a));
		json_object_set_new(j, "last", json_string(b));
		json_object_set_new(j, "hosts", o.jhosts);
		json_object_set_new(j, "hosts_evicted",
		    json_integer((json_int_t)st.hosts_evicted));
		json_object_set_new(j, "dhcp_servers", o.jservers);
		json_object_set_new(j, "dns_names", o.jnames);
		json_object_set_new(j, "findings", jf);
		json_object_set_new(j, "findings_suppressed",
		    json_integer((json_int_t)st.events_suppressed));
		json_object_set_new(
		    j, "findings_dropped", json_integer((json_int_t)o.dropped));
		json_object_set_new(j, "uplink_mac", json_string(up));
		json_object_set_new(j, "uplink_bytes_in",
		    json_integer((json_int_t)st.uplink_bytes_in));
		json_object_set_new(j, "uplink_bytes_out",
		    json_integer((json_int_t)st.uplink_bytes_out));
		json_object_set_new(j, "decode",
		    json_pack("{s:I, s:I, s:I}", "truncated",
			(json_int_t)st.decode_trunc, "malformed",
			(json_int_t)st.decode_bad, "unsupported",
			(json_int_t)st.decode_unsupported));
		ctl_print_json(j);
		json_decref(j);
	} else {
		static const char *const hh[] = {"MAC", "IPV4", "NAME",
		    "VENDOR", "OS", "AV UPDATE", "IN", "OUT", "LAST SEEN"};
		char tot[32], uin[32], uout[32];
		fmt_bytes(st.bytes, tot, sizeof tot);
		printf("%s: %llu packets, %s, %s - %s%s\n", argv[optind],
		    (unsigned long long)st.packets, tot, a, b,
		    st.sample_rate > 1 ? " (sampled: counts are estimates)"
				       : "");
		o.hosts = table_new(sizeof hh / sizeof hh[0], hh);
		lan_sampler_each_host(s, lan_host_cb, &o);
		printf("\nHosts: %zu", table_rows(o.hosts));
		if (st.hosts_evicted > 0)
			printf(" (%llu more evicted: table full)",
			    (unsigned long long)st.hosts_evicted);
		printf("\n");
		table_print(o.hosts, stdout);
		table_free(o.hosts);
		printf("\nDHCP servers:\n");
		lan_sampler_each_dhcp_server(s, lan_server_cb, &o);
		printf("\nDNS names looked up (top %d of %zu):\n",
		    LAN_TOP_NAMES, o.nnames);
		for (size_t i = 0; i < o.nnames && i < LAN_TOP_NAMES; i++)
			printf("  %6llu  %s\n",
			    (unsigned long long)o.names[i].count,
			    o.names[i].name);
		printf("\nFindings: %zu", o.nf);
		if (st.events_suppressed > 0)
			printf(" (%llu repeats suppressed)",
			    (unsigned long long)st.events_suppressed);
		printf("\n");
		for (size_t i = 0; i < o.nf; i++) {
			char when[64];
			time_format_local(o.f[i].ts_ms, when, sizeof when);
			printf("  %s  %-18s  %s\n", when, o.f[i].rule,
			    o.f[i].details);
		}
		if (o.dropped > 0)
			printf("  (%llu more findings not shown)\n",
			    (unsigned long long)o.dropped);
		fmt_bytes(st.uplink_bytes_in, uin, sizeof uin);
		fmt_bytes(st.uplink_bytes_out, uout, sizeof uout);
		printf("\nTraffic: %s total", tot);
		if (up[0] != '\0')
			printf("; uplink %s: %s in, %s out", up, uin, uout);
		else
			printf("; uplink unknown (give --gateway or --uplink)");
		printf("\nDecoder: %llu truncated, %llu malformed, %llu "
		       "unsupported frames\n",
		    (unsigned long long)st.decode_trunc,
		    (unsigned long long)st.decode_bad,
		    (unsigned long long)st.decode_unsupported);
	}
	lan_sampler_free(s);
out:
	for (size_t i = 0; i < o.nf; i++) {
		free(o.f[i].rule);
		free(o.f[i].mac);
		free(o.f[i].ip);
		free(o.f[i].details);
	}
	free(o.f);
	for (size_t i = 0; i < o.nnames; i++)
		free(o.names[i].name);
	free(o.names);
	return rc < 0 ? CTL_ERROR : CTL_OK;
usage:
	config_free(cfg);
	fputs(LAN_USAGE, stderr);
	return CTL_USAGE;
}

int
cmd_lan(struct ctl *ctl, int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "analyze") == 0)
		return lan_analyze(ctl, argc - 1, argv + 1);
	fputs(LAN_USAGE, stderr);
	return CTL_USAGE;
}
