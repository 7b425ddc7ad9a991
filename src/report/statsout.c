/* statsout: every statistic with its unit and meaning, and where the time
 * went.  See statsout.h. */
#include "statsout.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/alloc.h"
#include "kernel/stats.h"
#include "run.h"
#include "sys/process.h"
#include "sys/sys.h"

static int put_at(json_t *a, int i, json_t *v);

static json_t *num(double d)
{
	if (isfinite(d))
		return json_real(d);
	return json_string(isnan(d) ? "nan" : d > 0 ? "inf" : "-inf");
}

static json_t *stat_entry_json(const struct stat_entry *e, uint64_t now)
{
	json_t *o = json_object();

	json_object_set_new(o, "name", json_string(e->name));
	if (e->kind == STAT_COUNTER) {
		json_object_set_new(o, "value", json_integer((json_int_t)
				    stat_count(e)));
	} else if (e->kind == STAT_HIST) {
		const struct stat_hist *h = e->ptr;

		json_object_set_new(o, "value", num(stat_hist_mean(h)));
		json_object_set_new(o, "count", json_integer((json_int_t)
				    h->count));
		json_object_set_new(o, "min", json_integer((json_int_t)
				    (h->count ? h->min : 0)));
		json_object_set_new(o, "max", json_integer((json_int_t)h->max));
	} else {
		json_object_set_new(o, "value", num(stat_read(e, now)));
	}
	json_object_set_new(o, "unit", json_string(e->unit ? e->unit : ""));
	json_object_set_new(o, "kind", json_string(
		e->kind == STAT_COUNTER ? "counter" :
		e->kind == STAT_HIST ? "histogram" :
		e->kind == STAT_TAVG ? "time average" : "value"));
	json_object_set_new(o, "description", json_string(statdesc(e->name)));
	return o;
}

/* A statistic's value by prefix "." leaf, or -1 when there is none. */
static double stat_of(const struct sim *sim, const char *prefix,
		      const char *leaf)
{
	char name[512];
	const struct stat_entry *e;

	snprintf(name, sizeof(name), "%s.%s", prefix, leaf);
	e = stats_find(&sim->stats, name);
	return e ? stat_read(e, sim->now) : -1;
}

static double pct(double part, double whole)
{
	return whole > 0 ? 100.0 * part / whole : 0;
}

/* A time in ps in the unit that suits it. */
static const char *ptime(double ps, char *buf, size_t len)
{
	static const struct {
		double scale;
		const char *unit;
	} u[] = { { 1e12, "s" }, { 1e9, "ms" }, { 1e6, "us" }, { 1e3, "ns" } };

	for (size_t i = 0; i < sizeof(u) / sizeof(u[0]); i++)
		if (ps >= u[i].scale) {
			snprintf(buf, len, "%.4g %s", ps / u[i].scale,
				 u[i].unit);
			return buf;
		}
	snprintf(buf, len, "%.0f ps", ps);
	return buf;
}

/* The prefix of a statistic named prefix.leaf, into buf; NULL when the
 * name does not end in .leaf. */
static const char *prefix_of(const char *name, const char *leaf, char *buf,
			     size_t len)
{
	size_t n = strlen(name), l = strlen(leaf);

	if (n <= l + 1 || strcmp(name + n - l, leaf) || name[n - l - 1] != '.'
	    || n - l - 1 >= len)
		return NULL;
	memcpy(buf, name, n - l - 1);
	buf[n - l - 1] = '\0';
	return buf;
}

static void summary_buses(FILE *f, struct dmasim_sys *sys)
{
	const struct sim *sim = &sys->sim;
	double now = (double)sim->now;
	char a[32], b[32];

	for (size_t i = 0; i < sys->nbuses; i++) {
		const struct bus *bus = &sys->buses[i]->bus;
		double period = (double)bus->clk.period;
		double busy = stat_of(sim, bus->name, "busy_cycles") * period;
		double arb = stat_of(sim, bus->name, "arb_cycles") * period;

		fprintf(f, "  bus %s: busy %s of %s (%.1f%%), %.0f tenures, "
			"%.2f masters waiting on average\n", bus->name,
			ptime(busy, a, sizeof(a)), ptime(now, b, sizeof(b)),
			pct(busy, now), stat_of(sim, bus->name, "grants"),
			stat_of(sim, bus->name, "queue_depth"));
		if (arb > 0)
			fprintf(f, "    arbitration: %s\n",
				ptime(arb, a, sizeof(a)));
		for (unsigned m = 0; m < bus->n; m++) {
			char pre[80];
			double held, wait;

			snprintf(pre, sizeof(pre), "%s.%s", bus->name,
				 bus->m[m]->name);
			held = stat_of(sim, pre, "busy_cycles") * period;
			wait = stat_of(sim, pre, "wait_ps");
			if (held <= 0 && wait <= 0)
				continue;	/* never asked for it */
			fprintf(f, "    %-12s held it %s (%.1f%% of the run, "
				"%.1f%% of its busy time), waited %s\n",
				bus->m[m]->name, ptime(held, a, sizeof(a)),
				pct(held, now), pct(held, busy),
				ptime(wait, b, sizeof(b)));
		}
	}
}

static void summary_parts(FILE *f, struct dmasim_sys *sys, int *warnings)
{
	const struct sim *sim = &sys->sim;
	double now = (double)sim->now;
	char a[32], b[32], c[32], d[32], pre[128];

	for (size_t k = 0; k < sim->stats.len; k++) {
		const char *name = sim->stats.v[k].name;

		if (prefix_of(name, "busy_ps", pre, sizeof(pre)) &&
		    stat_of(sim, pre, "stall_ps") >= 0) {
			double busy = stat_of(sim, pre, "busy_ps");
			double stall = stat_of(sim, pre, "stall_ps");
			double irq = stat_of(sim, pre, "irq_ps");

			if (irq < 0)
				irq = 0;
			fprintf(f, "  cpu %s: busy %s (%.1f%%), of which "
				"stalled on the bus %s and in interrupts %s; "
				"idle %s (%.1f%%)\n", pre,
				ptime(busy, a, sizeof(a)), pct(busy, now),
				ptime(stall, b, sizeof(b)),
				ptime(irq, c, sizeof(c)),
				ptime(now - busy, d, sizeof(d)),
				pct(now - busy, now));
		} else if (prefix_of(name, "desc_fetches", pre, sizeof(pre))) {
			double bytes = stat_of(sim, pre, "bytes");
			double xfers = stat_of(sim, pre, "transfers");
			double held = 0;

			for (size_t i = 0; i < sys->nbuses; i++) {
				const struct bus *bus = &sys->buses[i]->bus;
				char bp[200];
				double cy;

				snprintf(bp, sizeof(bp), "%s.%s", bus->name,
					 pre);
				cy = stat_of(sim, bp, "busy_cycles");
				if (cy > 0)
					held += cy * (double)bus->clk.period;
			}
			fprintf(f, "  dma %s: %.0f bytes in %.0f transfers, "
				"%.0f bursts, held the bus %s (%.1f%%)", pre,
				bytes, xfers, stat_of(sim, pre, "bursts"),
				ptime(held, a, sizeof(a)), pct(held, now));
			if (held > 0)
				fprintf(f, ", %.3g bytes/ns while holding it",
					bytes / (held / 1e3));
			fprintf(f, "\n");
			if (xfers == 0 && bytes == 0) {
				fprintf(f, "  note: channel %s never started "
					"a transfer\n", pre);
				++*warnings;
			}
		} else if (prefix_of(name, "raised", pre, sizeof(pre)) &&
			   stat_of(sim, pre, "delivered") >= 0) {
			double raised = stat_of(sim, pre, "raised");
			double deliv = stat_of(sim, pre, "delivered");

			if (raised <= 0)
				continue;

			fprintf(f, "  irq %s: raised %.0f, handled %.0f, "
				"merged %.0f, in handlers %s\n", pre, raised,
				deliv, stat_of(sim, pre, "lost"),
				ptime(stat_of(sim, pre, "handler_ps"), a,
				      sizeof(a)));
			if (raised > 0 && deliv == 0) {
				fprintf(f, "  note: interrupt %s was raised "
					"but no handler ever ran\n", pre);
				++*warnings;
			}
		}
	}
}

/* The summary of one system, kept as the run's slot'th. */
static int summarise(struct dmasim_run *run, int slot, struct dmasim_sys *sys)
{
	char *text = NULL, a[32];
	size_t len = 0;
	unsigned waiting = 0, sleeping = 0;
	int warnings = 0, err;
	/* the C library's buffer (freed with its free(), not the
	 * library's allocator) */
	FILE *f = open_memstream(&text, &len);

	if (!f)
		return DMASIM_ENOMEM;
	fprintf(f, "Where the time went in %s (system %d of the run; %s "
		"simulated, %" PRIu64 " events):\n", sys->name, slot + 1,
		ptime((double)sys->sim.now, a, sizeof(a)), sys->sim.events);
	if (!sys->sim.events && sys->ncomps) {
		fprintf(f, "  note: the system was built but never run (no "
			"sys:run() call, or nothing to do)\n");
		warnings++;
	}
	if (sys->sim.events) {
		summary_buses(f, sys);
		summary_parts(f, sys, &warnings);
	}
	for (const struct dmasim_proc *p = sys->procs; p; p = p->next) {
		if (p->p.state == PROC_WAITING)
			waiting++;
		else if (p->p.state == PROC_SLEEPING)
			sleeping++;
	}
	if (waiting) {
		fprintf(f, "  note: %u process%s still waiting on an event "
			"that never came (a completion, an interrupt, a "
			"device) when the run ended\n", waiting,
			waiting == 1 ? " was" : "es were");
		warnings++;
	}
	if (sleeping)
		fprintf(f, "  note: %u process%s still sleeping when the run "
			"stopped (sys:run(until) ended first)\n", sleeping,
			sleeping == 1 ? " was" : "es were");
	if (!warnings)
		fprintf(f, "  nothing left unfinished\n");
	if (fclose(f)) {
		free(text);
		return DMASIM_ENOMEM;
	}
	err = put_at(run->summary, slot, json_string(text));
	free(text);
	return err;
}

/* Put v (taken) at index i of a, growing it with nulls. */
static int put_at(json_t *a, int i, json_t *v)
{
	while (v && json_array_size(a) <= (size_t)i)
		if (json_array_append_new(a, json_null()))
			break;
	if (!v || json_array_set_new(a, (size_t)i, v))
		return DMASIM_ENOMEM;
	return 0;
}

int statsout_put(struct dmasim_run *run, int slot, json_t *stats,
		 json_t *summary)
{
	if ((!run->stats_out && !(run->stats_out = json_array())) ||
	    (!run->summary && !(run->summary = json_array()))) {
		json_decref(stats);
		json_decref(summary);
		return DMASIM_ENOMEM;
	}
	if (put_at(run->stats_out, slot, stats)) {
		json_decref(summary);
		return DMASIM_ENOMEM;
	}
	return put_at(run->summary, slot, summary);
}

int statsout_capture(struct dmasim_run *run, int slot, struct dmasim_sys *sys)
{
	const struct sim *sim = &sys->sim;
	json_t *list, *o;

	if (!run->stats_out && !(run->stats_out = json_array()))
		return DMASIM_ENOMEM;
	if (!run->summary && !(run->summary = json_array()))
		return DMASIM_ENOMEM;
	if (run->no_stats)
		return summarise(run, slot, sys);
	list = json_array();
	o = json_pack("{ss sI sI so}", "name", sys->name, "time_ps",
		      (json_int_t)sim->now, "events", (json_int_t)sim->events,
		      "stats", list);
	if (put_at(run->stats_out, slot, o))
		return DMASIM_ENOMEM;
	for (size_t k = 0; k < sim->stats.len; k++)
		if (json_array_append_new(list, stat_entry_json(
				&sim->stats.v[k], sim->now)))
			return DMASIM_ENOMEM;
	return summarise(run, slot, sys);
}

void statsout_free(struct dmasim_run *run)
{
	json_decref(run->stats_out);
	run->stats_out = NULL;
	json_decref(run->summary);
	run->summary = NULL;
}

/* A statistic's value as text: integers whole, others to 6 digits. */
static void value_text(json_t *v, char *buf, size_t len)
{
	if (json_is_integer(v))
		snprintf(buf, len, "%" JSON_INTEGER_FORMAT,
			 json_integer_value(v));
	else if (json_is_real(v))
		snprintf(buf, len, "%.6g", json_real_value(v));
	else
		snprintf(buf, len, "%s", json_is_string(v) ?
			 json_string_value(v) : "-");
}

static void stats_text(json_t *all, FILE *out)
{
	size_t i, k;
	json_t *sys, *st;

	json_array_foreach(all, i, sys) {
		const char *sname;

		if (!json_is_object(sys))
			continue;
		sname = json_string_value(json_object_get(sys,
								      "name"));

		fprintf(out, "---------- statistics of system %s ----------\n",
			sname);
		fprintf(out, "%-44s %16" JSON_INTEGER_FORMAT " %-8s # %s\n",
			"time_ps", json_integer_value(json_object_get(sys,
			"time_ps")), "ps", "simulated time at the end");
		fprintf(out, "%-44s %16" JSON_INTEGER_FORMAT " %-8s # %s\n",
			"events", json_integer_value(json_object_get(sys,
			"events")), "", "events the simulation ran");
		json_array_foreach(json_object_get(sys, "stats"), k, st) {
			const char *name = json_string_value(
				json_object_get(st, "name"));
			const char *unit = json_string_value(
				json_object_get(st, "unit"));
			const char *desc = json_string_value(
				json_object_get(st, "description"));
			char v[48];

			value_text(json_object_get(st, "value"), v, sizeof(v));
			if (json_object_get(st, "count")) {
				fprintf(out, "%-44s %16s %-8s # %s (mean)\n",
					name, v, unit, desc);
				fprintf(out, "%s.count%*s %16" JSON_INTEGER_FORMAT
					" %-8s # samples\n", name,
					(int)(strlen(name) < 38 ? 38 -
					      strlen(name) : 0), "",
					json_integer_value(json_object_get(
						st, "count")), "");
				fprintf(out, "%s.min%*s %16" JSON_INTEGER_FORMAT
					" %-8s # smallest sample\n", name,
					(int)(strlen(name) < 40 ? 40 -
					      strlen(name) : 0), "",
					json_integer_value(json_object_get(
						st, "min")), unit);
				fprintf(out, "%s.max%*s %16" JSON_INTEGER_FORMAT
					" %-8s # largest sample\n", name,
					(int)(strlen(name) < 40 ? 40 -
					      strlen(name) : 0), "",
					json_integer_value(json_object_get(
						st, "max")), unit);
				continue;
			}
			fprintf(out, "%-44s %16s %-8s # %s\n", name, v, unit,
				desc);
		}
		fprintf(out, "---------- end of system %s ----------\n\n",
			sname);
	}
}

void dmasim_run_set_stats(struct dmasim_run *run, int keep)
{
	run->no_stats = !keep;
}

int dmasim_run_write_stats(const struct dmasim_run *run, FILE *out,
			   int json)
{
	json_t *all = run->stats_out;
	json_t *empty = NULL;
	int err = 0;

	if (!out)
		return DMASIM_EINVAL;
	if (!all)
		all = empty = json_array();
	if (!all)
		return DMASIM_ENOMEM;
	if (json) {
		json_t *root = json_pack("{sO}", "systems", all);

		if (!root || json_dumpf(root, out, JSON_INDENT(2) |
				JSON_REAL_PRECISION(17)))
			err = DMASIM_EIO;
		fputc('\n', out);
		json_decref(root);
	} else {
		stats_text(all, out);
	}
	json_decref(empty);
	if (ferror(out))
		err = DMASIM_EIO;
	return err;
}

int dmasim_run_print_summary(const struct dmasim_run *run, FILE *out)
{
	size_t i;
	json_t *v;

	json_array_foreach(run->summary, i, v)
		if (json_is_string(v) && fputs(json_string_value(v), out) == EOF)
			return DMASIM_EIO;
	return 0;
}
