// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include "lib/addr.h"
#include "lib/inventory.h"

#define INV_SPACE	" \t\r\v\f"
#define INV_NAME_CHARS	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz" \
			"0123456789._-"
#define INV_KEY_CHARS	INV_NAME_CHARS "/"
/* name=, namespace= and labels: at most this many KEY=VALUE per line */
#define INV_MAX_PAIRS	32

struct inv_item {
	struct fm_inventory_entry e;
	unsigned int line;
};

struct inv_pair {
	const char *key;
	const char *value;
};

/* Non-empty, only @chars, shorter than FM_NAME_MAX. */
static bool inv_word_ok(const char *s, const char *chars)
{
	size_t n = strlen(s);

	return n && n < FM_NAME_MAX && strspn(s, chars) == n;
}

/* "ADDRESS[/PREFIX]" into @e; the reason in @msg when it is not one. */
static int inv_parse_prefix(char *tok, struct fm_inventory_entry *e,
			    char *msg, size_t msglen)
{
	char *slash = strchr(tok, '/'), text[FM_ADDR_STRLEN];
	unsigned int bits, max, prefix, i;
	uint8_t masked[16];

	if (slash)
		*slash = '\0';
	e->family = strchr(tok, ':') ? AF_INET6 : AF_INET;
	if (inet_pton(e->family, tok, e->addr) != 1) {
		snprintf(msg, msglen, "'%.64s' is not an IPv4 or IPv6 address",
			 tok);
		return -EINVAL;
	}
	bits = e->family == AF_INET ? 32 : 128;
	prefix = bits;
	if (slash) {
		const char *p = slash + 1;
		size_t n = strlen(p);

		/* at most three digits: no sign, no spaces, nothing after */
		if (!n || n > 3 || strspn(p, "0123456789") != n ||
		    (prefix = (unsigned int)atoi(p)) > bits) {
			snprintf(msg, msglen,
				 "prefix '/%.64s' is not a number from 0 to %u",
				 p, bits);
			return -EINVAL;
		}
	}
	e->prefix = (uint8_t)prefix;
	max = bits / 8;
	memcpy(masked, e->addr, max);
	for (i = 0; i < max; i++) {
		unsigned int keep = prefix > i * 8 ? prefix - i * 8 : 0;

		if (keep < 8)
			masked[i] &= (uint8_t)(0xff00 >> keep);
	}
	if (memcmp(masked, e->addr, max)) {
		fm_addr_str(e->family, masked, text, sizeof(text));
		snprintf(msg, msglen,
			 "host bits are set in %s/%u (the network is %s/%u)",
			 tok, prefix, text, prefix);
		return -EINVAL;
	}
	return 0;
}

static int inv_pair_cmp(const void *a, const void *b)
{
	const struct inv_pair *x = a, *y = b;

	return strcmp(x->key, y->key);
}

/* Labels, sorted by key, as "k=v,k=v". */
static int inv_labels(struct inv_pair *pairs, size_t n, char *out,
		      char *msg, size_t msglen)
{
	size_t len = 0, i;
	int w;

	qsort(pairs, n, sizeof(*pairs), inv_pair_cmp);
	out[0] = '\0';
	for (i = 0; i < n; i++) {
		w = snprintf(out + len, FM_LABELS_MAX - len, "%s%s=%s",
			     i ? "," : "", pairs[i].key, pairs[i].value);
		if (w < 0 || (size_t)w >= FM_LABELS_MAX - len) {
			snprintf(msg, msglen,
				 "labels longer than %d characters in all",
				 FM_LABELS_MAX - 1);
			return -EINVAL;
		}
		len += (size_t)w;
	}
	return 0;
}

/*
 * One line without its comment.  1 and @e filled for an entry, 0 for a
 * blank line, -EINVAL with the reason in @msg.
 */
static int inv_parse_line(char *line, struct fm_inventory_entry *e,
			  char *msg, size_t msglen)
{
	struct inv_pair pairs[INV_MAX_PAIRS], labels[INV_MAX_PAIRS];
	char *save, *tok, *service;
	size_t npairs = 0, nlabels = 0, i;
	int err;

	memset(e, 0, sizeof(*e));
	tok = strtok_r(line, INV_SPACE, &save);
	if (!tok)
		return 0;
	err = inv_parse_prefix(tok, e, msg, msglen);
	if (err)
		return err;
	service = strtok_r(NULL, INV_SPACE, &save);
	if (!service) {
		snprintf(msg, msglen, "missing service after the address");
		return -EINVAL;
	}
	if (!inv_word_ok(service, INV_NAME_CHARS)) {
		snprintf(msg, msglen,
			 "service '%.64s' is not 1 to %d of A-Z a-z 0-9 . _ -",
			 service, FM_NAME_MAX - 1);
		return -EINVAL;
	}
	strcpy(e->id.service, service);

	while ((tok = strtok_r(NULL, INV_SPACE, &save))) {
		char *eq = strchr(tok, '=');
		const char *key = tok, *value;

		if (!eq) {
			snprintf(msg, msglen, "expected KEY=VALUE, got '%.64s'",
				 tok);
			return -EINVAL;
		}
		*eq = '\0';
		value = eq + 1;
		if (!inv_word_ok(key, INV_KEY_CHARS)) {
			snprintf(msg, msglen,
				 "key '%.64s' is not 1 to %d of A-Z a-z 0-9 . _ / -",
				 key, FM_NAME_MAX - 1);
			return -EINVAL;
		}
		if (!inv_word_ok(value, INV_NAME_CHARS)) {
			snprintf(msg, msglen,
				 "%s: value '%.64s' is not 1 to %d of A-Z a-z 0-9 . _ -",
				 key, value, FM_NAME_MAX - 1);
			return -EINVAL;
		}
		for (i = 0; i < npairs; i++) {
			if (!strcmp(pairs[i].key, key)) {
				snprintf(msg, msglen, "key '%s' given twice",
					 key);
				return -EINVAL;
			}
		}
		if (npairs == INV_MAX_PAIRS) {
			snprintf(msg, msglen, "more than %d KEY=VALUE on a line",
				 INV_MAX_PAIRS);
			return -EINVAL;
		}
		pairs[npairs].key = key;
		pairs[npairs++].value = value;
	}

	/* name and namespace have fields of their own; the rest are labels */
	for (i = 0; i < npairs; i++) {
		if (!strcmp(pairs[i].key, "name"))
			strcpy(e->id.name, pairs[i].value);
		else if (!strcmp(pairs[i].key, "namespace"))
			strcpy(e->id.namespace_, pairs[i].value);
		else
			labels[nlabels++] = pairs[i];
	}
	err = inv_labels(labels, nlabels, e->id.labels, msg, msglen);
	return err ? err : 1;
}

/* Most specific first; equal networks next to each other, first line first. */
static int inv_item_cmp(const void *a, const void *b)
{
	const struct inv_item *x = a, *y = b;
	int d;

	if (x->e.prefix != y->e.prefix)
		return x->e.prefix > y->e.prefix ? -1 : 1;
	if (x->e.family != y->e.family)
		return x->e.family < y->e.family ? -1 : 1;
	d = memcmp(x->e.addr, y->e.addr, sizeof(x->e.addr));
	if (d)
		return d;
	return x->line < y->line ? -1 : x->line > y->line;
}

static bool inv_same_network(const struct fm_inventory_entry *a,
			     const struct fm_inventory_entry *b)
{
	return a->prefix == b->prefix && a->family == b->family &&
	       !memcmp(a->addr, b->addr, sizeof(a->addr));
}

struct inv_dup {
	unsigned int line, first;
	const struct fm_inventory_entry *e;
};

static int inv_dup_cmp(const void *a, const void *b)
{
	const struct inv_dup *x = a, *y = b;

	return x->line < y->line ? -1 : x->line > y->line;
}

/* Reports networks given on more than one line, in line order. */
static int inv_check_dups(const struct inv_item *items, size_t n,
			  const char *name, FILE *errs)
{
	struct inv_dup *dups;
	size_t ndups = 0, i, first = 0;
	char text[FM_ADDR_STRLEN];

	for (i = 1; i < n; i++)
		ndups += inv_same_network(&items[i].e, &items[i - 1].e);
	if (!ndups)
		return 0;
	dups = calloc(ndups, sizeof(*dups));
	if (!dups)
		return -ENOMEM;
	ndups = 0;
	for (i = 1; i < n; i++) {
		if (!inv_same_network(&items[i].e, &items[first].e)) {
			first = i;
			continue;
		}
		dups[ndups].line = items[i].line;
		dups[ndups].first = items[first].line;
		dups[ndups++].e = &items[i].e;
	}
	qsort(dups, ndups, sizeof(*dups), inv_dup_cmp);
	for (i = 0; errs && i < ndups; i++) {
		fm_addr_str(dups[i].e->family, dups[i].e->addr, text,
			    sizeof(text));
		fprintf(errs, "%s:%u: %s/%u is already on line %u\n", name,
			dups[i].line, text, dups[i].e->prefix, dups[i].first);
	}
	free(dups);
	return -EINVAL;
}

int fm_inventory_parse(FILE *in, const char *name, struct fm_inventory *out,
		       FILE *errs)
{
	struct inv_item *items = NULL, *grown;
	size_t n = 0, cap = 0, bufsize = 0, i;
	unsigned int lineno = 0;
	bool bad = false, full = false;
	char *buf = NULL, msg[256];
	ssize_t len;
	int err = 0, r;

	while ((len = getline(&buf, &bufsize, in)) >= 0) {
		struct fm_inventory_entry e;
		char *hash;

		lineno++;
		if (len && buf[len - 1] == '\n')
			buf[--len] = '\0';
		if ((size_t)len >= FM_INVENTORY_LINE_MAX) {
			snprintf(msg, sizeof(msg),
				 "line longer than %d characters",
				 FM_INVENTORY_LINE_MAX - 1);
			r = -EINVAL;
		} else if (strlen(buf) != (size_t)len) {
			snprintf(msg, sizeof(msg), "NUL byte in the line");
			r = -EINVAL;
		} else {
			hash = strchr(buf, '#');
			if (hash)
				*hash = '\0';
			r = inv_parse_line(buf, &e, msg, sizeof(msg));
		}
		if (r > 0 && n == FM_INVENTORY_MAX_ENTRIES) {
			if (full)
				continue;	/* said once is enough */
			full = true;
			snprintf(msg, sizeof(msg), "more than %d entries",
				 FM_INVENTORY_MAX_ENTRIES);
			r = -EINVAL;
		}
		if (r < 0) {
			if (errs)
				fprintf(errs, "%s:%u: %s\n", name, lineno, msg);
			bad = true;
			continue;
		}
		if (!r)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			grown = realloc(items, cap * sizeof(*items));
			if (!grown) {
				err = -ENOMEM;
				goto out;
			}
			items = grown;
		}
		items[n].e = e;
		items[n++].line = lineno;
	}
	if (ferror(in)) {
		err = -EIO;
		goto out;
	}

	if (n)
		qsort(items, n, sizeof(*items), inv_item_cmp);
	err = inv_check_dups(items, n, name, errs);
	if (err == -ENOMEM)
		goto out;
	if (err || bad) {
		err = -EINVAL;
		goto out;
	}

	fm_inventory_free(out);
	out->v = malloc((n ? n : 1) * sizeof(*out->v));
	if (!out->v) {
		err = -ENOMEM;
		goto out;
	}
	for (i = 0; i < n; i++)
		out->v[i] = items[i].e;
	out->len = out->cap = n;
out:
	free(items);
	free(buf);
	return err;
}

int fm_inventory_load(const char *path, struct fm_inventory *out, FILE *errs)
{
	FILE *f = fopen(path, "re");
	int err;

	if (!f)
		return -errno;
	err = fm_inventory_parse(f, path, out, errs);
	fclose(f);
	return err;
}

void fm_inventory_free(struct fm_inventory *inv)
{
	free(inv->v);
	memset(inv, 0, sizeof(*inv));
}

static bool inv_match(const struct fm_inventory_entry *e, const uint8_t *addr)
{
	unsigned int full = e->prefix / 8, rest = e->prefix % 8;
	uint8_t mask = (uint8_t)(0xff00 >> rest);

	if (memcmp(e->addr, addr, full))
		return false;
	return !rest || !((e->addr[full] ^ addr[full]) & mask);
}

/*
 * Entries are sorted most specific first, so the first match is the
 * longest prefix.  A linear scan, kept for its simplicity: even at the
 * FM_INVENTORY_MAX_ENTRIES cap it is 65536 short comparisons, tens of
 * microseconds per lookup.
 */
static bool inv_lookup(void *ctx, uint8_t family, const uint8_t *addr,
		       struct fm_identity *out)
{
	const struct fm_inventory *inv = ctx;
	size_t i;

	for (i = 0; i < inv->len; i++) {
		const struct fm_inventory_entry *e = &inv->v[i];

		if (e->family == family && inv_match(e, addr)) {
			*out = e->id;
			return true;
		}
	}
	return false;
}

void fm_inventory_source(struct fm_inventory *inv,
			 struct fm_identity_source *src)
{
	src->kind = "inventory";
	src->lookup = inv_lookup;
	src->ctx = inv;
}
