/*
 * gather (report): a run on several ranks (dmasim_run_set_comm()).  Every
 * rank runs the whole scenario; the nodes of a split cluster are
 * simulated by one rank each, which alone has their statistics.  Every
 * rank reserves a slot for every system in the same order (a node of
 * another rank too), so a system's slot, and its place in the results,
 * is that of a run alone; at the end the ranks give their nodes' entries
 * to rank 0, whose results are then those of a run alone.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/alloc.h"
#include "kernel/vec.h"
#include "run.h"

void dmasim_run_set_comm(struct dmasim_run *run,
			 const struct dmasim_comm *comm)
{
	run->comm = comm && comm->ranks > 1 ? comm : NULL;
}

static int set_rank(struct dmasim_run *run, int slot, int rank)
{
	while (run->nslot_rank <= (size_t)slot) {
		VEC_RESERVE(run->slot_rank, run->nslot_rank,
			    run->capslot_rank, return DMASIM_ENOMEM);
		run->slot_rank[run->nslot_rank++] = -1;
	}
	run->slot_rank[slot] = rank;
	return 0;
}

int run_slot_rank(struct dmasim_run *run, int rank)
{
	size_t n = json_array_size(run->res.systems);

	return n ? set_rank(run, (int)n - 1, rank) : DMASIM_EINVAL;
}

int run_remote_slot(struct dmasim_run *run, int rank)
{
	int slot = results_reserve_system(&run->res);

	return slot < 0 ? DMASIM_ENOMEM : set_rank(run, slot, rank);
}

/* This rank's systems, as records: slot and length (uint32 each), then
 * the JSON text of [entry, statistics, summary]. */
static int pack_mine(struct dmasim_run *run, char **buf, size_t *len)
{
	size_t cap = 0;

	*buf = NULL;
	*len = 0;
	for (size_t s = 0; s < run->nslot_rank; s++) {
		json_t *rec;
		char *text;
		uint32_t h[2];
		size_t need;

		if (run->slot_rank[s] != run->comm->rank)
			continue;
		rec = json_pack("[O?O?O?]",
				json_array_get(run->res.systems, s),
				json_array_get(run->stats_out, s),
				json_array_get(run->summary, s));
		text = rec ? json_dumps(rec, JSON_COMPACT | JSON_ENCODE_ANY) :
			     NULL;
		json_decref(rec);
		if (!text)
			return DMASIM_ENOMEM;
		h[0] = (uint32_t)s;
		h[1] = (uint32_t)strlen(text);
		need = *len + sizeof(h) + h[1];
		if (need > cap) {
			char *p = dm_realloc(*buf, cap = 2 * need);

			if (!p) {
				dm_free(text);
				return DMASIM_ENOMEM;
			}
			*buf = p;
		}
		memcpy(*buf + *len, h, sizeof(h));
		memcpy(*buf + *len + sizeof(h), text, h[1]);
		*len = need;
		dm_free(text);
	}
	return 0;
}

/* Rank 0: put the records of [p, end) in their slots. */
static int unpack(struct dmasim_run *run, const char *p, const char *end)
{
	while (p < end) {
		uint32_t h[2];
		json_t *rec;

		if ((size_t)(end - p) < sizeof(h))
			return DMASIM_EIO;
		memcpy(h, p, sizeof(h));
		p += sizeof(h);
		if ((size_t)(end - p) < h[1] ||
		    h[0] >= json_array_size(run->res.systems))
			return DMASIM_EIO;
		rec = json_loadb(p, h[1], JSON_DECODE_ANY, NULL);
		if (!json_is_array(rec) || json_array_size(rec) != 3) {
			json_decref(rec);
			return DMASIM_EIO;
		}
		p += h[1];
		if (json_array_set(run->res.systems, h[0],
				   json_array_get(rec, 0)) ||
		    statsout_put(run, (int)h[0],
				 json_incref(json_array_get(rec, 1)),
				 json_incref(json_array_get(rec, 2)))) {
			json_decref(rec);
			return DMASIM_ENOMEM;
		}
		json_decref(rec);
	}
	return 0;
}

int run_gather(struct dmasim_run *run)
{
	const struct dmasim_comm *c = run->comm;
	uint64_t *hs = NULL, *hr = NULL;
	void **sb = NULL, **rb = NULL;
	size_t *sl = NULL, *rl = NULL, len = 0;
	char *mine = NULL, diff[256] = "";
	int rc = DMASIM_ENOMEM;

	if (!c)
		return 0;
	/* to rank 0: the bytes of this rank's systems, and how many systems
	 * it made (every rank must make the same, in the same order) */
	hs = dm_calloc(2 * (size_t)c->ranks, sizeof(*hs));
	hr = dm_calloc(2 * (size_t)c->ranks, sizeof(*hr));
	sb = dm_calloc((size_t)c->ranks, sizeof(*sb));
	rb = dm_calloc((size_t)c->ranks, sizeof(*rb));
	sl = dm_calloc((size_t)c->ranks, sizeof(*sl));
	rl = dm_calloc((size_t)c->ranks, sizeof(*rl));
	if (!hs || !hr || !sb || !rb || !sl || !rl)
		goto out;
	if (c->rank && pack_mine(run, &mine, &len))
		goto out;
	hs[0] = len;
	hs[1] = json_array_size(run->res.systems);
	rc = DMASIM_EIO;
	if (c->alltoall(c->ctx, hs, hr, 2))
		goto out;
	for (int r = 1; r < c->ranks && !c->rank; r++) {
		if (hr[2 * r + 1] == hs[1])
			continue;
		snprintf(diff, sizeof(diff), "rank %d made %llu systems and "
			 "rank 0 %llu: expected every rank to make the same "
			 "systems in the same order (a split cluster's other "
			 "nodes included, as cluster:node(i) does)", r,
			 (unsigned long long)hr[2 * r + 1],
			 (unsigned long long)hs[1]);
		rc = DMASIM_ESCENARIO;
		goto out;
	}
	sb[0] = mine;
	sl[0] = len;
	for (int r = 1; r < c->ranks && !c->rank; r++) {
		rl[r] = hr[2 * r];
		if (!(rb[r] = dm_malloc(rl[r] ? rl[r] : 1))) {
			rc = DMASIM_ENOMEM;
			goto out;
		}
	}
	if (c->exchange(c->ctx, sb, sl, rb, rl))
		goto out;
	rc = 0;
	for (int r = 1; r < c->ranks && !c->rank && !rc; r++)
		rc = unpack(run, rb[r], (const char *)rb[r] + rl[r]);
out:
	for (int r = 0; rb && r < c->ranks; r++)
		dm_free(rb[r]);
	dm_free(mine);
	dm_free(hs);
	dm_free(hr);
	dm_free(sb);
	dm_free(rb);
	dm_free(sl);
	dm_free(rl);
	if (rc)
		return run_fail(run, rc, *diff ? diff : rc == DMASIM_ENOMEM ?
				"out of memory gathering the ranks' results" :
				"the ranks could not gather their results");
	return 0;
}
