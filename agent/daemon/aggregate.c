// SPDX-License-Identifier: GPL-2.0
/*
 * The aggregator: live flows by id and by connection, windows of edges by
 * (client, server) name pair and of routes by (client, server, protocol,
 * method, route), totals per edge.  All tables are chained
 * hash tables with the link inside the object, so an object leaves a
 * table without a search of the others and a table only ever allocates
 * when it grows.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include "daemon/aggregate.h"
#include "lib/record.h"

/* Route rows hold what the detectors report, NUL included. */
_Static_assert(FM_ROUTE_METHOD_MAX == FM_L7_METHOD_MAX, "method length");
_Static_assert(FM_ROUTE_PATH_MAX == FM_L7_ROUTE_MAX, "route length");

#define NS_PER_S	1000000000ull
#define HTAB_MIN_SLOTS	16

#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))

struct hlink {
	struct hlink *next;
	uint64_t hash;
};

/* Slots are a power of two and never fewer than the entries. */
struct htab {
	struct hlink **slot;
	size_t nslots;
	size_t len;
};

/* Connection identity without the namespace: the same flow seen twice. */
struct conn_key {
	uint8_t family;
	uint8_t proto;
	uint16_t client_port;
	uint16_t server_port;
	uint8_t client[16];
	uint8_t server[16];
};

struct flow {
	struct fm_live_flow lf;		/* what has been counted */
	uint64_t names_hash;		/* of its services: its edge's key */
	struct hlink by_id;
	struct hlink by_key;
	bool keyed;			/* owns its key in the key table */
	bool shadow;			/* a duplicate observation */
	bool dirty;			/* changed since the last flush */
	bool restored;			/* from a previous run ... */
	bool kept;			/* ... and the kernel still has it */
	/*
	 * Records of one flow sit in different CPUs' rings, so one can be
	 * drained after a newer one: last_ns is the time of the newest
	 * record counted, and an older record's totals are not counted
	 * again.  A closed flow stays until the flush after the one that
	 * wrote it, so that its stragglers (and its other views') are
	 * recognised too.
	 */
	uint64_t last_ns;
	bool closed;
	bool closed_flushed;		/* a flush has written its close */
	/*
	 * Started by an L7 request before any record: in the key table
	 * only (its flow id is not known yet) until a record takes it over.
	 */
	bool pending;
	uint64_t request_ns;		/* pending: its latest request */
};

struct edge {
	struct hlink link;
	struct fm_window_row row;
};

struct route {
	struct hlink link;
	struct fm_route_row row;
};

struct window {
	struct window *next;
	uint64_t start_s;
	struct htab edges;
	struct htab routes;
};

struct total {
	struct hlink link;
	struct fm_edge_totals t;
};

struct fm_aggregator {
	struct fm_agg_config cfg;
	const struct fm_identity_map *ids;
	struct fm_agg_counters c;
	struct htab flows;		/* struct flow by flow_id */
	struct htab keys;		/* owner flows by connection key */
	size_t npending;		/* pending flows, in keys only */
	struct window *windows;
	struct htab totals;		/* struct total by name pair */
	/* windows ending at or before this were handed over */
	uint64_t flushed_end_s;
	struct fm_flow_row *closed;	/* pending for the next flush */
	size_t nclosed, closed_cap;
	size_t nlinger;			/* closed flows still in the id table */
	uint64_t *gone;			/* flow ids to forget in the store */
	size_t ngone, gone_cap;
};

/* --- hash tables -------------------------------------------------------- */

static uint64_t hash_bytes(uint64_t h, const void *data, size_t len)
{
	const uint8_t *p = data;
	size_t i;

	/* FNV-1a */
	for (i = 0; i < len; i++) {
		h ^= p[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

#define HASH_SEED 0xcbf29ce484222325ull

static uint64_t hash_id(uint64_t id)
{
	/* splitmix64's finaliser: ids are often sequential */
	id ^= id >> 30;
	id *= 0xbf58476d1ce4e5b9ull;
	id ^= id >> 27;
	id *= 0x94d049bb133111ebull;
	return id ^ (id >> 31);
}

static uint64_t hash_names(const char *client, const char *server)
{
	/* the NUL keeps ("ab", "c") apart from ("a", "bc") */
	uint64_t h = hash_bytes(HASH_SEED, client, strlen(client) + 1);

	return hash_bytes(h, server, strlen(server) + 1);
}

static void conn_key_of(struct conn_key *k, const struct fm_live_flow *lf)
{
	memset(k, 0, sizeof(*k));
	k->family = lf->family;
	k->proto = lf->proto;
	k->client_port = lf->client_port;
	k->server_port = lf->server_port;
	memcpy(k->client, lf->client, sizeof(k->client));
	memcpy(k->server, lf->server, sizeof(k->server));
}

static uint64_t hash_route(const struct fm_route_row *r)
{
	uint64_t h = hash_names(r->client, r->server);

	h = hash_bytes(h, r->protocol, strlen(r->protocol) + 1);
	h = hash_bytes(h, r->method, strlen(r->method) + 1);
	return hash_bytes(h, r->route, strlen(r->route) + 1);
}

static uint64_t hash_key(const struct conn_key *k)
{
	return hash_bytes(HASH_SEED, k, sizeof(*k));
}

static struct hlink *htab_first(const struct htab *t, uint64_t hash)
{
	struct hlink *l;

	if (!t->nslots)
		return NULL;
	for (l = t->slot[hash & (t->nslots - 1)]; l; l = l->next)
		if (l->hash == hash)
			return l;
	return NULL;
}

static struct hlink *htab_next(const struct hlink *l)
{
	uint64_t hash = l->hash;

	for (l = l->next; l; l = l->next)
		if (l->hash == hash)
			return (struct hlink *)l;
	return NULL;
}

/* Room for one more entry: 0 or -ENOMEM (the table is then unchanged). */
static int htab_reserve(struct htab *t)
{
	struct hlink **slot, *l, *next;
	size_t n, i;

	if (t->len < t->nslots)
		return 0;
	n = t->nslots ? t->nslots * 2 : HTAB_MIN_SLOTS;
	slot = calloc(n, sizeof(*slot));
	if (!slot)
		return -ENOMEM;
	for (i = 0; i < t->nslots; i++) {
		for (l = t->slot[i]; l; l = next) {
			next = l->next;
			l->next = slot[l->hash & (n - 1)];
			slot[l->hash & (n - 1)] = l;
		}
	}
	free(t->slot);
	t->slot = slot;
	t->nslots = n;
	return 0;
}

/* After htab_reserve() succeeded. */
static void htab_insert(struct htab *t, struct hlink *l, uint64_t hash)
{
	struct hlink **head = &t->slot[hash & (t->nslots - 1)];

	l->hash = hash;
	l->next = *head;
	*head = l;
	t->len++;
}

static void htab_remove(struct htab *t, struct hlink *l)
{
	struct hlink **p = &t->slot[l->hash & (t->nslots - 1)];

	while (*p != l)
		p = &(*p)->next;
	*p = l->next;
	t->len--;
}

/* Calls @fn on every entry; @fn may free the entry, not others. */
static void htab_each(struct htab *t, void (*fn)(struct hlink *l, void *data),
		      void *data)
{
	struct hlink *l, *next;
	size_t i;

	for (i = 0; i < t->nslots; i++) {
		for (l = t->slot[i]; l; l = next) {
			next = l->next;
			fn(l, data);
		}
	}
}

static void htab_free(struct htab *t)
{
	free(t->slot);
	memset(t, 0, sizeof(*t));
}

/* --- flows -------------------------------------------------------------- */

static struct flow *flow_find(const struct fm_aggregator *agg, uint64_t id)
{
	struct hlink *l;

	for (l = htab_first(&agg->flows, hash_id(id)); l; l = htab_next(l)) {
		struct flow *f = container_of(l, struct flow, by_id);

		if (f->lf.flow_id == id)
			return f;
	}
	return NULL;
}

static struct flow *flow_find_key(const struct fm_aggregator *agg,
				  const struct conn_key *k)
{
	struct conn_key fk;
	struct hlink *l;

	for (l = htab_first(&agg->keys, hash_key(k)); l; l = htab_next(l)) {
		struct flow *f = container_of(l, struct flow, by_key);

		conn_key_of(&fk, &f->lf);
		if (!memcmp(&fk, k, sizeof(fk)))
			return f;
	}
	return NULL;
}

/*
 * Pending flows take a place among the max_flows too; closed flows kept
 * for their stragglers (at most a flush interval's closes) do not.
 */
static bool flows_full(const struct fm_aggregator *agg)
{
	return agg->flows.len - agg->nlinger + agg->npending >=
	       agg->cfg.max_flows;
}

static void count_live(struct fm_aggregator *agg)
{
	agg->c.live_flows = agg->flows.len + agg->npending - agg->nlinger;
}

/*
 * Enters @f in the id table and, when @key_free, the key table.  Both
 * tables are reserved first so that a failure leaves neither changed.
 */
static int flow_insert(struct fm_aggregator *agg, struct flow *f,
		       bool key_free)
{
	struct conn_key k;

	if (htab_reserve(&agg->flows) || (key_free && htab_reserve(&agg->keys)))
		return -ENOMEM;
	htab_insert(&agg->flows, &f->by_id, hash_id(f->lf.flow_id));
	if (key_free) {
		conn_key_of(&k, &f->lf);
		htab_insert(&agg->keys, &f->by_key, hash_key(&k));
		f->keyed = true;
	}
	count_live(agg);
	return 0;
}

static void flow_remove(struct fm_aggregator *agg, struct flow *f)
{
	htab_remove(&agg->flows, &f->by_id);
	if (f->keyed)
		htab_remove(&agg->keys, &f->by_key);
	count_live(agg);
	free(f);
}

static void pending_remove(struct fm_aggregator *agg, struct flow *f)
{
	htab_remove(&agg->keys, &f->by_key);
	agg->npending--;
	count_live(agg);
	free(f);
}

static int grow(void **arr, size_t *cap, size_t len, size_t size)
{
	size_t n;
	void *p;

	if (len < *cap)
		return 0;
	n = *cap ? *cap * 2 : 16;
	p = realloc(*arr, n * size);
	if (!p)
		return -ENOMEM;
	*arr = p;
	*cap = n;
	return 0;
}

/* The store forgets @id at the next flush. */
static int schedule_gone(struct fm_aggregator *agg, uint64_t id)
{
	if (grow((void **)&agg->gone, &agg->gone_cap, agg->ngone,
		 sizeof(*agg->gone)))
		return -ENOMEM;
	agg->gone[agg->ngone++] = id;
	return 0;
}

/* Without sources, fm_identity_resolve() names an address by its text. */
static const struct fm_identity_map no_sources;

static void name_addr(const struct fm_aggregator *agg, uint8_t family,
		      const uint8_t *addr, char *name)
{
	struct fm_identity id;

	fm_identity_resolve(agg->ids ? agg->ids : &no_sources, family, addr,
			    &id);
	snprintf(name, FM_NAME_MAX, "%s", id.service);
}

/* A flow's services are named once: its records look their edge up by it. */
static void flow_hash_names(struct flow *f)
{
	f->names_hash = hash_names(f->lf.client_service, f->lf.server_service);
}

/* Who @rec is about; counters untouched. */
static void lf_identity(struct fm_live_flow *lf,
			const struct flowmesh_record *rec)
{
	lf->flow_id = rec->flow_id;
	lf->netns = rec->netns;
	lf->family = rec->family;
	lf->proto = rec->proto;
	lf->client_port = rec->client_port;
	lf->server_port = rec->server_port;
	memcpy(lf->client, rec->client, sizeof(lf->client));
	memcpy(lf->server, rec->server, sizeof(lf->server));
}

static struct flow *flow_new(const struct flowmesh_record *rec)
{
	struct flow *f = calloc(1, sizeof(*f));

	if (!f)
		return NULL;
	lf_identity(&f->lf, rec);
	if (rec->type == FLOWMESH_REC_OPEN)
		f->lf.opened_ns = rec->time_ns;
	return f;
}

/* --- windows and totals ------------------------------------------------- */

static struct window *window_find(const struct fm_aggregator *agg,
				  uint64_t start_s)
{
	struct window *w;

	for (w = agg->windows; w; w = w->next)
		if (w->start_s == start_s)
			return w;
	return NULL;
}

static void edge_free(struct hlink *l, void *data)
{
	struct edge *e = container_of(l, struct edge, link);

	(void)data;
	fm_hist_free(&e->row.latency);
	fm_hist_free(&e->row.rtt);
	free(e);
}

static void route_free(struct hlink *l, void *data)
{
	struct route *r = container_of(l, struct route, link);

	(void)data;
	fm_hist_free(&r->row.latency);
	free(r);
}

static void window_free(struct window *w)
{
	htab_each(&w->edges, edge_free, NULL);
	htab_free(&w->edges);
	htab_each(&w->routes, route_free, NULL);
	htab_free(&w->routes);
	free(w);
}

static struct window *window_get(struct fm_aggregator *agg, uint64_t start_s)
{
	struct window *w = window_find(agg, start_s);

	if (w)
		return w;
	w = calloc(1, sizeof(*w));
	if (!w)
		return NULL;
	w->start_s = start_s;
	w->next = agg->windows;
	agg->windows = w;
	agg->c.open_windows++;
	return w;
}

/* The edge of @f in @w; NULL with 0 when max_series are there already. */
static int edge_get(struct fm_aggregator *agg, struct window *w,
		    const struct flow *f, struct edge **out)
{
	const struct fm_live_flow *lf = &f->lf;
	uint64_t hash = f->names_hash;
	struct hlink *l;
	struct edge *e;

	*out = NULL;
	for (l = htab_first(&w->edges, hash); l; l = htab_next(l)) {
		e = container_of(l, struct edge, link);
		if (!strcmp(e->row.client, lf->client_service) &&
		    !strcmp(e->row.server, lf->server_service)) {
			*out = e;
			return 0;
		}
	}
	if (w->edges.len >= agg->cfg.max_series)
		return 0;
	if (htab_reserve(&w->edges))
		return -ENOMEM;
	e = calloc(1, sizeof(*e));
	if (!e)
		return -ENOMEM;
	e->row.res_s = agg->cfg.window_s;
	e->row.start_s = w->start_s;
	memcpy(e->row.client, lf->client_service, FM_NAME_MAX);
	memcpy(e->row.server, lf->server_service, FM_NAME_MAX);
	htab_insert(&w->edges, &e->link, hash);
	*out = e;
	return 0;
}

/* Like edge_get(), for the totals since start. */
static int total_get(struct fm_aggregator *agg, const struct flow *f,
		     struct total **out)
{
	const struct fm_live_flow *lf = &f->lf;
	uint64_t hash = f->names_hash;
	struct hlink *l;
	struct total *t;

	*out = NULL;
	for (l = htab_first(&agg->totals, hash); l; l = htab_next(l)) {
		t = container_of(l, struct total, link);
		if (!strcmp(t->t.client, lf->client_service) &&
		    !strcmp(t->t.server, lf->server_service)) {
			*out = t;
			return 0;
		}
	}
	if (agg->totals.len >= agg->cfg.max_series)
		return 0;
	if (htab_reserve(&agg->totals))
		return -ENOMEM;
	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	memcpy(t->t.client, lf->client_service, FM_NAME_MAX);
	memcpy(t->t.server, lf->server_service, FM_NAME_MAX);
	htab_insert(&agg->totals, &t->link, hash);
	*out = t;
	return 0;
}

/* --- records ------------------------------------------------------------ */

/* A total below what was counted is a new incarnation: all of it is new. */
static uint64_t delta(uint64_t total, uint64_t counted)
{
	return total >= counted ? total - counted : total;
}

static void count_type(struct fm_aggregator *agg, uint8_t type)
{
	switch (type) {
	case FLOWMESH_REC_OPEN:
		agg->c.opens++;
		break;
	case FLOWMESH_REC_UPDATE:
		agg->c.updates++;
		break;
	case FLOWMESH_REC_CLOSE:
		agg->c.closes++;
		break;
	case FLOWMESH_REC_RTT:
		agg->c.rtt_samples++;
		break;
	case FLOWMESH_REC_RESPONSE:
		agg->c.response_samples++;
		break;
	}
}

static int nomem(struct fm_aggregator *agg)
{
	agg->c.alloc_failures++;
	return -ENOMEM;
}

/*
 * A flow whose connection another live flow already reports, seen from
 * another namespace: counted nothing, remembered until its own CLOSE so
 * that none of its records counts even once the owner is gone.
 */
static int duplicate(struct fm_aggregator *agg,
		     const struct flowmesh_record *rec, struct flow *shadow)
{
	agg->c.duplicates++;
	if (shadow) {
		if (rec->type == FLOWMESH_REC_CLOSE)
			flow_remove(agg, shadow);
		return 0;
	}
	if (rec->type == FLOWMESH_REC_CLOSE)
		return 0;
	if (flows_full(agg)) {
		agg->c.flows_overflow++;
		return 0;
	}
	shadow = flow_new(rec);
	if (!shadow)
		return nomem(agg);
	shadow->shadow = true;
	if (flow_insert(agg, shadow, false)) {
		free(shadow);
		return nomem(agg);
	}
	return 0;
}

/*
 * The first record of a connection that a request of the same namespace
 * started: the flow takes over the pending state (names, ownership) and
 * counts from zero, like any flow first seen.
 */
static int adopt(struct fm_aggregator *agg, struct flow *p,
		 const struct flowmesh_record *rec, struct flow **f)
{
	if (htab_reserve(&agg->flows))
		return nomem(agg);
	p->lf.flow_id = rec->flow_id;
	if (rec->type == FLOWMESH_REC_OPEN)
		p->lf.opened_ns = rec->time_ns;
	p->pending = false;
	agg->npending--;
	htab_insert(&agg->flows, &p->by_id, hash_id(p->lf.flow_id));
	count_live(agg);
	*f = p;
	return 0;
}

/*
 * The flow of @rec, created on first sight.  *@f is NULL when the record
 * was fully dealt with here (a duplicate, or no room).
 */
static int flow_of(struct fm_aggregator *agg,
		   const struct flowmesh_record *rec, struct flow **f,
		   bool *first)
{
	struct fm_live_flow seen = { 0 };
	struct flow *owner;
	struct conn_key k;
	int err;

	*first = false;
	*f = flow_find(agg, rec->flow_id);
	if (*f && (*f)->shadow) {
		err = duplicate(agg, rec, *f);
		*f = NULL;
		return err;
	}
	if (*f) {
		/* a record is the kernel's word that it still has the flow */
		(*f)->kept = true;
		count_type(agg, rec->type);
		if ((*f)->closed || rec->time_ns < (*f)->last_ns)
			agg->c.stale++;
		return 0;
	}
	lf_identity(&seen, rec);
	conn_key_of(&k, &seen);
	owner = flow_find_key(agg, &k);
	/* a connection opened after a closed one on the same key is new */
	if (owner && owner->closed && rec->type == FLOWMESH_REC_OPEN &&
	    rec->time_ns > owner->last_ns) {
		htab_remove(&agg->keys, &owner->by_key);
		owner->keyed = false;
		owner = NULL;
	}
	if (owner && !(owner->pending && owner->lf.netns == rec->netns))
		return duplicate(agg, rec, NULL);

	count_type(agg, rec->type);
	if (owner) {
		err = adopt(agg, owner, rec, f);
		*first = !err;
		return err;
	}
	if (flows_full(agg)) {
		agg->c.flows_overflow++;
		return 0;
	}
	/*
	 * A flow first seen after its OPEN (the agent started later, or
	 * the OPEN was lost) starts from zero: its totals so far happened
	 * and go to the window of this record, though it was not opened
	 * there.
	 */
	*f = flow_new(rec);
	if (!*f)
		return nomem(agg);
	name_addr(agg, rec->family, rec->client, (*f)->lf.client_service);
	name_addr(agg, rec->family, rec->server, (*f)->lf.server_service);
	flow_hash_names(*f);
	if (flow_insert(agg, *f, true)) {
		free(*f);
		*f = NULL;
		return nomem(agg);
	}
	*first = true;
	return 0;
}

/* Where the record goes; NULL edge/total when there is no room for one. */
struct target {
	struct edge *edge;
	struct total *total;
	bool late;			/* its window was handed over */
};

static int target_of(struct fm_aggregator *agg,
		     const struct flowmesh_record *rec, const struct flow *f,
		     struct target *t)
{
	uint64_t start_s = rec->time_ns / NS_PER_S / agg->cfg.window_s *
			   agg->cfg.window_s;
	struct window *w;
	int err;

	w = window_get(agg, start_s);
	if (!w)
		return -ENOMEM;
	err = edge_get(agg, w, f, &t->edge);
	if (!err)
		err = total_get(agg, f, &t->total);
	if (err)
		return err;
	t->late = start_s + agg->cfg.window_s <= agg->flushed_end_s;
	return 0;
}

/* Adds what @rec says happened since @f was last counted. */
static void apply_deltas(struct flow *f, const struct flowmesh_record *rec,
			 const struct target *t)
{
	struct fm_live_flow *lf = &f->lf;
	uint64_t tx_bytes, rx_bytes, exchanges;

	/* older than what was counted: its totals are in already */
	if (f->closed || rec->time_ns < f->last_ns)
		return;
	f->last_ns = rec->time_ns;
	tx_bytes = delta(rec->tx_bytes, lf->tx_bytes);
	rx_bytes = delta(rec->rx_bytes, lf->rx_bytes);
	exchanges = delta(rec->response_count, lf->response_count);
	if (t->edge) {
		struct fm_window_row *row = &t->edge->row;

		row->tx_bytes += tx_bytes;
		row->rx_bytes += rx_bytes;
		row->tx_packets += delta(rec->tx_packets, lf->tx_packets);
		row->rx_packets += delta(rec->rx_packets, lf->rx_packets);
		row->retransmits += delta(rec->retransmits, lf->retransmits);
		row->exchanges += exchanges;
	}
	if (t->total) {
		t->total->t.tx_bytes += tx_bytes;
		t->total->t.rx_bytes += rx_bytes;
		t->total->t.exchanges += exchanges;
	}
	lf->tx_bytes = rec->tx_bytes;
	lf->rx_bytes = rec->rx_bytes;
	lf->tx_packets = rec->tx_packets;
	lf->rx_packets = rec->rx_packets;
	lf->retransmits = rec->retransmits;
	lf->response_count = rec->response_count;
	f->dirty = true;
}

/* After the closed and gone arrays have room for one more. */
static void close_flow(struct fm_aggregator *agg,
		       const struct flowmesh_record *rec, struct flow *f)
{
	struct fm_flow_row *row = &agg->closed[agg->nclosed];

	memset(row, 0, sizeof(*row));
	row->rec = *rec;
	row->opened_ns = f->lf.opened_ns;
	memcpy(row->client_service, f->lf.client_service, FM_NAME_MAX);
	memcpy(row->server_service, f->lf.server_service, FM_NAME_MAX);
	agg->nclosed++;
	agg->gone[agg->ngone++] = f->lf.flow_id;
	/*
	 * It keeps its key while it lingers: another namespace's view of
	 * the connection drained after this CLOSE is then a duplicate, not
	 * a second connection; an OPEN newer than the close starts a new
	 * one (flow_of()).
	 */
	f->closed = true;
	f->dirty = false;
	agg->nlinger++;
	count_live(agg);
}

int fm_agg_record(struct fm_aggregator *agg, const struct flowmesh_record *rec)
{
	struct target t = { NULL, NULL, false };
	struct flow *f;
	bool first, opens;
	int err;

	agg->c.records++;
	if (!fm_record_type_name(rec->type)) {
		agg->c.unknown_type++;
		return 0;
	}
	err = flow_of(agg, rec, &f, &first);
	if (err || !f)
		return err;

	/* everything that can fail, before anything is counted */
	if (target_of(agg, rec, f, &t))
		return nomem(agg);
	if (rec->type == FLOWMESH_REC_CLOSE &&
	    (grow((void **)&agg->closed, &agg->closed_cap, agg->nclosed,
		  sizeof(*agg->closed)) ||
	     grow((void **)&agg->gone, &agg->gone_cap, agg->ngone,
		  sizeof(*agg->gone))))
		return nomem(agg);
	if (t.edge && (rec->type == FLOWMESH_REC_RTT ||
		       rec->type == FLOWMESH_REC_RESPONSE) &&
	    fm_hist_add(rec->type == FLOWMESH_REC_RTT ? &t.edge->row.rtt :
			&t.edge->row.latency, rec->value_us, 1))
		return nomem(agg);

	if (t.late)
		agg->c.late++;
	if (!t.edge)
		agg->c.series_overflow++;
	if (!t.total)
		agg->c.totals_overflow++;
	/*
	 * A flow's records can sit in different CPUs' rings, so its OPEN
	 * may come after another of its records: the opening counts when
	 * the OPEN comes, once.
	 */
	opens = rec->type == FLOWMESH_REC_OPEN && (first || !f->lf.opened_ns);
	if (opens)
		f->lf.opened_ns = rec->time_ns;
	apply_deltas(f, rec, &t);
	if (opens) {
		if (t.edge)
			t.edge->row.opened++;
		if (t.total)
			t.total->t.opened++;
	}
	if (rec->type == FLOWMESH_REC_CLOSE && !f->closed) {
		if (t.edge)
			t.edge->row.closed++;
		if (t.total)
			t.total->t.closed++;
		close_flow(agg, rec, f);
	}
	return 0;
}

/* --- restore ------------------------------------------------------------ */

int fm_agg_restore(struct fm_aggregator *agg, const struct fm_live_flow *lf)
{
	struct conn_key k;
	struct flow *f;

	if (flow_find(agg, lf->flow_id))
		return -EEXIST;
	if (flows_full(agg)) {
		agg->c.flows_overflow++;
		return -ENOSPC;
	}
	f = calloc(1, sizeof(*f));
	if (!f)
		return nomem(agg);
	f->lf = *lf;
	f->lf.client_service[FM_NAME_MAX - 1] = '\0';
	f->lf.server_service[FM_NAME_MAX - 1] = '\0';
	flow_hash_names(f);
	f->restored = true;
	conn_key_of(&k, lf);
	/* two stored flows of one connection: both counted, one keyed */
	if (flow_insert(agg, f, !flow_find_key(agg, &k))) {
		free(f);
		return nomem(agg);
	}
	return 0;
}

void fm_agg_restore_keep(struct fm_aggregator *agg, uint64_t flow_id)
{
	struct flow *f = flow_find(agg, flow_id);

	if (f)
		f->kept = true;
}

static void drop_unkept(struct hlink *l, void *data)
{
	struct flow *f = container_of(l, struct flow, by_id);
	struct fm_aggregator *agg = data;

	if (!f->restored || f->kept)
		return;
	/*
	 * Without room to schedule its removal the flow stays: the store
	 * then keeps a stale row until the id reappears or closes.
	 */
	if (schedule_gone(agg, f->lf.flow_id)) {
		agg->c.alloc_failures++;
		return;
	}
	flow_remove(agg, f);
}

void fm_agg_restore_done(struct fm_aggregator *agg)
{
	htab_each(&agg->flows, drop_unkept, agg);
}

/* --- flush -------------------------------------------------------------- */

static bool window_due(const struct fm_aggregator *agg,
		       const struct window *w, uint64_t now_s, bool all)
{
	return all || w->start_s + agg->cfg.window_s + agg->cfg.grace_s <=
		      now_s;
}

static int flush_window(const struct window *w, const struct fm_agg_sink *sink)
{
	struct hlink *l;
	size_t i;
	int err;

	for (i = 0; i < w->edges.nslots; i++) {
		for (l = w->edges.slot[i]; l; l = l->next) {
			err = sink->window(sink->ctx,
					   &container_of(l, struct edge,
							 link)->row);
			if (err)
				return err;
		}
	}
	for (i = 0; i < w->routes.nslots; i++) {
		for (l = w->routes.slot[i]; l; l = l->next) {
			err = sink->route(sink->ctx,
					  &container_of(l, struct route,
							link)->row);
			if (err)
				return err;
		}
	}
	return 0;
}

static int flush_live(const struct fm_aggregator *agg,
		      const struct fm_agg_sink *sink)
{
	struct hlink *l;
	size_t i;
	int err;

	for (i = 0; i < agg->flows.nslots; i++) {
		for (l = agg->flows.slot[i]; l; l = l->next) {
			struct flow *f = container_of(l, struct flow, by_id);

			/* shadows count nothing, so they are never dirty */
			if (!f->dirty || f->closed)
				continue;
			err = sink->live(sink->ctx, &f->lf);
			if (err)
				return err;
		}
	}
	return 0;
}

/* After a flush: nothing is dirty; closed flows go a flush later. */
static void clean(struct hlink *l, void *data)
{
	struct fm_aggregator *agg = data;
	struct flow *f = container_of(l, struct flow, by_id);

	f->dirty = false;
	if (!f->closed)
		return;
	if (!f->closed_flushed) {
		f->closed_flushed = true;
		return;
	}
	agg->nlinger--;
	flow_remove(agg, f);
}

struct pending_expiry {
	struct fm_aggregator *agg;
	uint64_t before_ns;
};

/*
 * A pending flow no record took over while its requests' windows were
 * open (its records were lost, or never come): forgotten, so it holds
 * neither memory nor the ownership of its connection.
 */
static void expire_pending(struct hlink *l, void *data)
{
	struct flow *f = container_of(l, struct flow, by_key);
	struct pending_expiry *e = data;

	if (f->pending && f->request_ns < e->before_ns)
		pending_remove(e->agg, f);
}

int fm_agg_flush(struct fm_aggregator *agg, uint64_t now_ns, bool all,
		 const struct fm_agg_sink *sink)
{
	uint64_t now_s = now_ns / NS_PER_S, end_s, keep_ns;
	struct window *w, **pw;
	size_t i;
	int err;

	for (w = agg->windows; w; w = w->next) {
		if (!window_due(agg, w, now_s, all))
			continue;
		err = flush_window(w, sink);
		if (err)
			return err;
	}
	for (i = 0; i < agg->nclosed; i++) {
		err = sink->flow_closed(sink->ctx, &agg->closed[i]);
		if (err)
			return err;
	}
	/* forgotten first: an id that came back is then stored again */
	for (i = 0; i < agg->ngone; i++) {
		err = sink->live_gone(sink->ctx, agg->gone[i]);
		if (err)
			return err;
	}
	err = flush_live(agg, sink);
	if (err)
		return err;

	/* all handed over: now forget it */
	for (pw = &agg->windows; (w = *pw);) {
		if (!window_due(agg, w, now_s, all)) {
			pw = &w->next;
			continue;
		}
		end_s = w->start_s + agg->cfg.window_s;
		if (end_s > agg->flushed_end_s)
			agg->flushed_end_s = end_s;
		*pw = w->next;
		window_free(w);
		agg->c.open_windows--;
	}
	if (!all && now_s >= agg->cfg.grace_s &&
	    now_s - agg->cfg.grace_s > agg->flushed_end_s)
		agg->flushed_end_s = now_s - agg->cfg.grace_s;
	agg->nclosed = 0;
	agg->ngone = 0;
	htab_each(&agg->flows, clean, agg);
	keep_ns = ((uint64_t)agg->cfg.window_s + agg->cfg.grace_s) * NS_PER_S;
	if (agg->npending && now_ns > keep_ns) {
		struct pending_expiry e = { agg, now_ns - keep_ns };

		htab_each(&agg->keys, expire_pending, &e);
	}
	return 0;
}

/* --- the rest ----------------------------------------------------------- */

int fm_agg_new(struct fm_aggregator **out, const struct fm_agg_config *cfg,
	       const struct fm_identity_map *ids)
{
	struct fm_aggregator *agg;

	*out = NULL;
	if (!cfg->window_s)
		return -EINVAL;
	agg = calloc(1, sizeof(*agg));
	if (!agg)
		return -ENOMEM;
	agg->cfg = *cfg;
	agg->ids = ids;
	*out = agg;
	return 0;
}

static void flow_free(struct hlink *l, void *data)
{
	(void)data;
	free(container_of(l, struct flow, by_id));
}

static void total_free(struct hlink *l, void *data)
{
	(void)data;
	free(container_of(l, struct total, link));
}

/* Pending flows are in the key table only: freed from there. */
static void pending_free(struct hlink *l, void *data)
{
	struct flow *f = container_of(l, struct flow, by_key);

	(void)data;
	if (f->pending)
		free(f);
}

void fm_agg_free(struct fm_aggregator *agg)
{
	struct window *w;

	if (!agg)
		return;
	while ((w = agg->windows)) {
		agg->windows = w->next;
		window_free(w);
	}
	htab_each(&agg->keys, pending_free, NULL);
	htab_each(&agg->flows, flow_free, NULL);
	htab_free(&agg->flows);
	htab_free(&agg->keys);
	htab_each(&agg->totals, total_free, NULL);
	htab_free(&agg->totals);
	free(agg->closed);
	free(agg->gone);
	free(agg);
}

const struct fm_agg_counters *fm_agg_counters(const struct fm_aggregator *agg)
{
	return &agg->c;
}

static int totals_cmp(const void *a, const void *b)
{
	const struct fm_edge_totals *x = a, *y = b;
	int c = strcmp(x->client, y->client);

	return c ? c : strcmp(x->server, y->server);
}

int fm_agg_totals(const struct fm_aggregator *agg,
		  struct fm_edge_totals **out, size_t *len)
{
	struct fm_edge_totals *v;
	struct hlink *l;
	size_t i, n = 0;

	*out = NULL;
	*len = 0;
	if (!agg->totals.len)
		return 0;
	v = malloc(agg->totals.len * sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (i = 0; i < agg->totals.nslots; i++)
		for (l = agg->totals.slot[i]; l; l = l->next)
			v[n++] = container_of(l, struct total, link)->t;
	/* sorted, so that what is exported from it is stable */
	qsort(v, n, sizeof(*v), totals_cmp);
	*out = v;
	*len = n;
	return 0;
}

/* --- L7 requests -------------------------------------------------------- */

static void request_key(struct conn_key *k, const struct fm_agg_request *r)
{
	memset(k, 0, sizeof(*k));
	k->family = r->family;
	k->proto = r->proto;
	k->client_port = r->client_port;
	k->server_port = r->server_port;
	memcpy(k->client, r->client, sizeof(k->client));
	memcpy(k->server, r->server, sizeof(k->server));
}

/*
 * The state of a connection whose records were not drained yet, keyed
 * by connection so that its first record finds it; *@out NULL when
 * max_flows are there already.
 */
static int pending_new(struct fm_aggregator *agg, const struct fm_agg_request *r,
		       const struct conn_key *k, struct flow **out)
{
	struct flow *f;

	*out = NULL;
	if (flows_full(agg))
		return 0;
	if (htab_reserve(&agg->keys))
		return -ENOMEM;
	f = calloc(1, sizeof(*f));
	if (!f)
		return -ENOMEM;
	f->lf.netns = r->netns;
	f->lf.family = r->family;
	f->lf.proto = r->proto;
	f->lf.client_port = r->client_port;
	f->lf.server_port = r->server_port;
	memcpy(f->lf.client, r->client, sizeof(f->lf.client));
	memcpy(f->lf.server, r->server, sizeof(f->lf.server));
	name_addr(agg, r->family, r->client, f->lf.client_service);
	name_addr(agg, r->family, r->server, f->lf.server_service);
	flow_hash_names(f);
	f->pending = true;
	f->keyed = true;
	htab_insert(&agg->keys, &f->by_key, hash_key(k));
	agg->npending++;
	count_live(agg);
	*out = f;
	return 0;
}

/* A detector's text, cut at its NUL or its array's end. */
static void copy_text(char *dst, size_t len, const char *src, size_t src_len)
{
	size_t n = strnlen(src, src_len);

	if (n >= len)
		n = len - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* The route of @key in @w; NULL with 0 when max_series are there. */
static int route_get(struct fm_aggregator *agg, struct window *w,
		     const struct fm_route_row *key, struct route **out)
{
	uint64_t hash = hash_route(key);
	struct hlink *l;
	struct route *r;

	*out = NULL;
	for (l = htab_first(&w->routes, hash); l; l = htab_next(l)) {
		r = container_of(l, struct route, link);
		if (!strcmp(r->row.client, key->client) &&
		    !strcmp(r->row.server, key->server) &&
		    !strcmp(r->row.protocol, key->protocol) &&
		    !strcmp(r->row.method, key->method) &&
		    !strcmp(r->row.route, key->route)) {
			*out = r;
			return 0;
		}
	}
	if (w->routes.len >= agg->cfg.max_series)
		return 0;
	if (htab_reserve(&w->routes))
		return -ENOMEM;
	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->row = *key;
	r->row.latency = (struct fm_hist)FM_HIST_INIT;
	htab_insert(&w->routes, &r->link, hash);
	*out = r;
	return 0;
}

static void route_key(struct fm_route_row *key, const struct flow *f,
		      const struct fm_agg_request *r, uint64_t start_s,
		      uint32_t res_s)
{
	memset(key, 0, sizeof(*key));
	key->res_s = res_s;
	key->start_s = start_s;
	memcpy(key->client, f->lf.client_service, FM_NAME_MAX);
	memcpy(key->server, f->lf.server_service, FM_NAME_MAX);
	snprintf(key->protocol, sizeof(key->protocol), "%s",
		 fm_l7_proto_name(r->l7_proto));
	copy_text(key->method, sizeof(key->method), r->req.method,
		  sizeof(r->req.method));
	copy_text(key->route, sizeof(key->route), r->req.route,
		  sizeof(r->req.route));
	/* lowered by every request's own rate */
	key->sample_rate = 1.0;
}

int fm_agg_request(struct fm_aggregator *agg, const struct fm_agg_request *r)
{
	uint64_t start_s = r->time_ns / NS_PER_S / agg->cfg.window_s *
			   agg->cfg.window_s;
	uint64_t failed = r->req.failed ? r->one_in : 0;
	struct fm_route_row key;
	struct route *route = NULL;
	struct total *total = NULL;
	struct edge *edge = NULL;
	struct conn_key k;
	struct window *w;
	struct flow *f;
	double rate;

	agg->c.requests++;
	if (!r->one_in)
		return -EINVAL;
	rate = 1.0 / r->one_in;
	request_key(&k, r);
	f = flow_find_key(agg, &k);
	if (f && f->lf.netns != r->netns) {
		agg->c.request_duplicates++;
		return 0;
	}
	if (!f && pending_new(agg, r, &k, &f))
		return nomem(agg);
	if (!f) {
		agg->c.request_overflow++;
		return 0;
	}
	if (f->pending && r->time_ns > f->request_ns)
		f->request_ns = r->time_ns;

	/* everything that can fail, before anything is counted */
	w = window_get(agg, start_s);
	if (!w)
		return nomem(agg);
	route_key(&key, f, r, start_s, agg->cfg.window_s);
	if (edge_get(agg, w, f, &edge) ||
	    total_get(agg, f, &total) ||
	    route_get(agg, w, &key, &route) ||
	    (route && fm_hist_add(&route->row.latency,
				  r->req.latency_ns / 1000, 1)))
		return nomem(agg);

	if (edge) {
		struct fm_window_row *row = &edge->row;

		row->sample_rate = row->l7 && row->sample_rate < rate ?
				   row->sample_rate : rate;
		row->l7 = true;
		row->requests += r->one_in;
		row->failures += failed;
	} else {
		agg->c.request_overflow++;
	}
	if (total) {
		total->t.requests += r->one_in;
		total->t.failures += failed;
	}
	if (route) {
		if (rate < route->row.sample_rate)
			route->row.sample_rate = rate;
		route->row.requests += r->one_in;
		route->row.failures += failed;
	} else {
		agg->c.routes_overflow++;
	}
	return 0;
}
