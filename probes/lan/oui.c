/* oui.c - the IEEE OUI vendor table: parsed once with libcsv, looked up by binary search. */
#include <csv.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probes/lan/oui.h"

/* oui.csv is ~4 MB; a file far larger is not the IEEE list. */
#define OUI_MAX_FILE (64u * 1024 * 1024)
#define OUI_NAME_MAX 96

struct oui_entry {
	uint32_t prefix;
	uint32_t name; /* offset into the string pool */
};

struct lan_oui {
	struct oui_entry *v;
	size_t n, cap;
	char *pool;
	size_t pool_len, pool_cap;
};

/* Parser state: the fields of the current row that matter. */
struct oui_parse {
	struct lan_oui *o;
	int field;
	int is_mal;
	uint32_t prefix;
	int prefix_ok;
	char name[OUI_NAME_MAX];
	int failed;
};

static int
oui_hex_prefix(const char *s, size_t len, uint32_t *out)
{
	uint32_t v = 0;

	if (len != 6)
		return -1;
	for (size_t i = 0; i < 6; i++) {
		char c = s[i];
		int d;
		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else
			return -1;
		v = v << 4 | (uint32_t)d;
	}
	*out = v;
	return 0;
}

static void
oui_on_field(void *s, size_t len, void *arg)
{
	struct oui_parse *ps = arg;
	const char *f = s;

	switch (ps->field++) {
	case 0:
		ps->is_mal = len == 4 && memcmp(f, "MA-L", 4) == 0;
		break;
	case 1:
		ps->prefix_ok = oui_hex_prefix(f, len, &ps->prefix) == 0;
		break;
	case 2:
		if (len >= sizeof ps->name)
			len = sizeof ps->name - 1;
		memcpy(ps->name, f, len);
		ps->name[len] = '\0';
		/* Trailing blanks are common in the IEEE text. */
		while (len > 0 &&
		       (ps->name[len - 1] == ' ' || ps->name[len - 1] == '\t'))
			ps->name[--len] = '\0';
		break;
	default:
		break;
	}
}

static int
oui_add(struct lan_oui *o, uint32_t prefix, const char *name)
{
	size_t len = strlen(name) + 1;

	if (o->n == o->cap) {
		size_t cap = o->cap ? o->cap * 2 : 4096;
		void *v = realloc(o->v, cap * sizeof *o->v);
		if (v == NULL)
			return -1;
		o->v = v;
		o->cap = cap;
	}
	if (o->pool_len + len > o->pool_cap) {
		size_t cap = o->pool_cap ? o->pool_cap * 2 : 256 * 1024;
		while (cap < o->pool_len + len)
			cap *= 2;
		if (cap > UINT32_MAX)
			return -1;
		char *p = realloc(o->pool, cap);
		if (p == NULL)
			return -1;
		o->pool = p;
		o->pool_cap = cap;
	}
	memcpy(o->pool + o->pool_len, name, len);
	o->v[o->n].prefix = prefix;
	o->v[o->n].name = (uint32_t)o->pool_len;
	o->n++;
	o->pool_len += len;
	return 0;
}

static void
oui_on_row(int c, void *arg)
{
	struct oui_parse *ps = arg;

	(void)c;
	if (ps->field >= 3 && ps->is_mal && ps->prefix_ok &&
	    ps->name[0] != '\0' && oui_add(ps->o, ps->prefix, ps->name) < 0)
		ps->failed = 1;
	ps->field = 0;
	ps->is_mal = 0;
	ps->prefix_ok = 0;
	ps->name[0] = '\0';
}

static int
oui_cmp(const void *a, const void *b)
{
	const struct oui_entry *x = a, *y = b;

	return x->prefix < y->prefix ? -1 : x->prefix > y->prefix;
}

struct lan_oui *
lan_oui_load(const char *path, char *err, size_t errlen)
{
	struct lan_oui *o = NULL;
	struct oui_parse ps;
	struct csv_parser p;
	char buf[65536];
	size_t n, total = 0;
	FILE *fp;

	if (path == NULL)
		path = LAN_OUI_PATH;
	if ((fp = fopen(path, "r")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (csv_init(&p, CSV_APPEND_NULL) != 0) {
		fclose(fp);
		snprintf(err, errlen, "%s: out of memory", path);
		return NULL;
	}
	if ((o = calloc(1, sizeof *o)) == NULL)
		goto oom;
	memset(&ps, 0, sizeof ps);
	ps.o = o;
	while ((n = fread(buf, 1, sizeof buf, fp)) > 0) {
		total += n;
		if (total > OUI_MAX_FILE) {
			snprintf(err, errlen, "%s: larger than %u MB", path,
			    OUI_MAX_FILE >> 20);
			goto fail;
		}
		if (csv_parse(&p, buf, n, oui_on_field, oui_on_row, &ps) != n) {
			snprintf(err, errlen, "%s: %s", path,
			    csv_strerror(csv_error(&p)));
			goto fail;
		}
		if (ps.failed)
			goto oom;
	}
	if (ferror(fp)) {
		snprintf(err, errlen, "%s: read error", path);
		goto fail;
	}
	csv_fini(&p, oui_on_field, oui_on_row, &ps);
	if (ps.failed)
		goto oom;
	if (o->n == 0) {
		snprintf(err, errlen, "%s: no MA-L assignment found", path);
		goto fail;
	}
	qsort(o->v, o->n, sizeof *o->v, oui_cmp);
	csv_free(&p);
	fclose(fp);
	return o;
oom:
	snprintf(err, errlen, "%s: out of memory", path);
fail:
	csv_free(&p);
	fclose(fp);
	lan_oui_free(o);
	return NULL;
}

void
lan_oui_free(struct lan_oui *o)
{
	if (o == NULL)
		return;
	free(o->v);
	free(o->pool);
	free(o);
}

const char *
lan_oui_lookup(const struct lan_oui *o, const uint8_t mac[6])
{
	uint32_t key;
	size_t lo = 0, hi;

	if (o == NULL || (mac[0] & 0x02) != 0)
		return NULL;
	key = (uint32_t)mac[0] << 16 | (uint32_t)mac[1] << 8 | mac[2];
	hi = o->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (o->v[mid].prefix < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < o->n && o->v[lo].prefix == key)
		return o->pool + o->v[lo].name;
	return NULL;
}

size_t
lan_oui_count(const struct lan_oui *o)
{
	return o ? o->n : 0;
}
