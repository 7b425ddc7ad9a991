/* iodev: a paced I/O device with a FIFO data register.  See iodev.h. */
#include "iodev.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/alloc.h"
#include "kernel/base.h"
#include "kernel/trace.h"
#include "kernel/util.h"

/* Trace points (the mechanism: kernel/trace.h). */
static const struct trace_point tp_dev_level = {
	"level", TRACE_COUNTER, 0,
	"bytes ready in an input device's buffer, queued in an "
	"output's"
};

/* Units of a schedule that cover `bytes`. */
static uint64_t units_of(const struct iodev *dev, uint64_t bytes)
{
	return (bytes + dev->cfg.unit - 1) / dev->cfg.unit;
}

/* Extend the schedule to n units (a Poisson process draws them as
 * needed; a trace has them all).  False when out of memory. */
static bool sched_grow(struct iodev *dev, uint64_t n)
{
	double mean = (double)dev->cfg.unit * 1e12 / dev->cfg.rate;

	if (n > units_of(dev, dev->cfg.size))
		n = units_of(dev, dev->cfg.size);
	while (dev->nsched < n) {
		uint64_t last = dev->nsched ? dev->sched[dev->nsched - 1] : 0;

		if (dev->nsched == dev->capsched) {
			uint64_t cap = dev->capsched ? 2 * dev->capsched : 64;
			uint64_t *p = dm_realloc(dev->sched, cap * sizeof(*p));

			if (!p)
				return false;
			dev->sched = p;
			dev->capsched = cap;
		}
		dev->sched[dev->nsched++] = last + (uint64_t)ceil(
			-log(1.0 - rng_unit(&dev->rng)) * mean);
	}
	return true;
}

/* Time at which the device has done `bytes` of its work, ignoring the
 * buffer limit (flow control is applied by the callers). */
static uint64_t time_for(const struct iodev *dev, uint64_t bytes)
{
	uint64_t k;

	if (dev->cfg.arrival != IODEV_RATE) {
		k = units_of(dev, bytes);
		if (!k)
			return dev->start;
		if (k > dev->nsched &&
		    !sched_grow((struct iodev *)dev, k))
			return UINT64_MAX;	/* out of memory: never */
		if (k > dev->nsched)
			k = dev->nsched;
		return dev->start + dev->sched[k - 1];
	}
	if (!(dev->cfg.rate > 0))
		return dev->start;
	return dev->start + (uint64_t)ceil((double)bytes * 1e12 /
					   dev->cfg.rate);
}

uint64_t iodev_progress(const struct iodev *dev, uint64_t t)
{
	double done;

	if (dev->cfg.arrival != IODEV_RATE) {
		uint64_t lo = 0, hi, rel;

		if (t < dev->start)
			return 0;
		rel = t - dev->start;
		/* grow until the schedule passes t or covers the size */
		while (dev->nsched < units_of(dev, dev->cfg.size) &&
		       (!dev->nsched || dev->sched[dev->nsched - 1] <= rel))
			if (!sched_grow((struct iodev *)dev, dev->nsched + 64))
				break;
		hi = dev->nsched;
		while (lo < hi) {	/* units done by rel */
			uint64_t mid = (lo + hi) / 2;

			if (dev->sched[mid] <= rel)
				lo = mid + 1;
			else
				hi = mid;
		}
		return lo * dev->cfg.unit < dev->cfg.size ?
		       lo * dev->cfg.unit : dev->cfg.size;
	}
	if (!(dev->cfg.rate > 0) || t < dev->start)
		return t < dev->start ? 0 : dev->cfg.size;
	done = floor((double)(t - dev->start) * dev->cfg.rate / 1e12);
	return done > (double)dev->cfg.size ? dev->cfg.size : (uint64_t)done;
}

/*
 * Bytes ready to read (input) or free to write (output) now.  `start` is
 * kept so that the device's schedule from it is exact since the last
 * access (iodev_pause() moves it past any pause), and the buffer bounds
 * what a full producer or an empty consumer could have done.
 */
static uint64_t ready_bytes(const struct iodev *dev)
{
	uint64_t now = dev->sim->now;
	uint64_t p = iodev_progress(dev, now);

	if (!dev->cfg.output) {
		uint64_t avail = p > dev->moved ? p - dev->moved : 0;

		return avail < dev->cfg.buffer ? avail : dev->cfg.buffer;
	}
	/* Output: free space = buffer - (written - consumed). */
	{
		uint64_t queued = dev->moved > p ? dev->moved - p : 0;

		return queued < dev->cfg.buffer ? dev->cfg.buffer - queued : 0;
	}
}

/*
 * Before bytes move through DATA at the current time: an input producer
 * that filled the buffer (moved + buffer bytes) stood still from then
 * until now, and an output consumer that drained everything written so
 * far stood still from then until this write; shift the schedule by the
 * pause, so production (consumption) resumes now rather than having run
 * on unseen.
 */
static void iodev_pause(struct iodev *dev)
{
	uint64_t now = dev->sim->now, idle_from;

	if (!(dev->cfg.rate > 0) && dev->cfg.arrival == IODEV_RATE)
		return;
	if (!dev->cfg.output) {
		if (dev->moved + dev->cfg.buffer >= dev->cfg.size)
			return;		/* it can finish without pausing */
		idle_from = time_for(dev, dev->moved + dev->cfg.buffer);
	} else {
		idle_from = time_for(dev, dev->moved);
	}
	if (now > idle_from)
		dev->start += now - idle_from;
}

/* The request line covers at most the buffer: a longer transfer moves in
 * pieces, each waiting for the device.  Registers other than DATA, and
 * the wrong direction, are always ready (the access then answers). */
static uint64_t dev_ready(struct bus_target *t, uint64_t off, uint64_t *plen,
			  bool write)
{
	struct iodev *dev = (struct iodev *)t;
	uint64_t len;

	if (off >= IODEV_DATA_SIZE || write != dev->cfg.output)
		return 0;
	if (*plen > dev->cfg.buffer)
		*plen = dev->cfg.buffer;
	len = *plen;
	if (!dev->cfg.output)
		return time_for(dev, dev->moved + len);
	/* Room for len more: the consumer must have taken moved + len -
	 * buffer bytes. */
	if (dev->moved + len <= dev->cfg.buffer)
		return 0;
	return time_for(dev, dev->moved + len - dev->cfg.buffer);
}

/*
 * Interrupt-driven I/O: the next raise.  Input: when irq_next bytes have
 * been produced (at most moved + buffer can be, so a raise beyond waits
 * for a read: iodev_arm() again from dev_access).  Output: when the
 * consumer has taken irq_next - buffer bytes, opening room for a unit
 * more (only for bytes written: room beyond what was written waits for
 * a write).
 */
static void iodev_irq_event(struct sim *sim, struct event *ev);

static void iodev_arm(struct iodev *dev)
{
	uint64_t need, at;
	struct event *ev;

	if (!dev->irq.raise || !dev->cfg.irq_unit || dev->irq_ev.ev ||
	    dev->irq_next > dev->cfg.size + (dev->cfg.output ?
					     dev->cfg.buffer : 0))
		return;
	if (!dev->cfg.output) {
		if (dev->irq_next > dev->moved + dev->cfg.buffer)
			return;		/* the buffer must drain first */
		need = dev->irq_next;
	} else {
		if (dev->irq_next - dev->cfg.buffer > dev->moved)
			return;		/* nothing written to consume yet */
		need = dev->irq_next - dev->cfg.buffer;
	}
	at = time_for(dev, need);
	if (at < dev->sim->now)
		at = dev->sim->now;
	ev = sim_at(dev->sim, at, PHASE_REQUEST, iodev_irq_event, dev, NULL, 0);
	if (ev)
		dev->irq_ev = evq_handle(ev);
}

static void iodev_irq_event(struct sim *sim, struct event *ev)
{
	struct iodev *dev = ev->obj;
	uint64_t cap = dev->cfg.output ? dev->cfg.size + dev->cfg.buffer :
		       dev->cfg.size;

	(void)sim;
	dev->irq_ev.ev = NULL;
	dev->irq_next += dev->cfg.irq_unit;
	if (dev->irq_next > cap && dev->irq_next - dev->cfg.irq_unit < cap)
		dev->irq_next = cap;	/* the remainder */
	dev->irqs++;
	dev->irq.raise(dev->irq.ctx, dev->irq.line);
	iodev_arm(dev);
}

void iodev_set_irq(struct iodev *dev, struct irq_sink irq)
{
	uint64_t cap = dev->cfg.output ? dev->cfg.size + dev->cfg.buffer :
		       dev->cfg.size;

	dev->irq = irq;
	dev->irq_next = dev->cfg.output ? dev->cfg.buffer : 0;
	dev->irq_next += dev->cfg.irq_unit;
	if (dev->irq_next > cap)
		dev->irq_next = cap;
	iodev_arm(dev);
}

static uint64_t dev_cycles(struct bus_target *t, uint64_t off, uint64_t len,
			   bool write)
{
	struct iodev *dev = (struct iodev *)t;

	(void)off;
	(void)write;
#ifdef DMASIM_MUTATE_IODEV_NO_LATENCY
	return bus_beats(dev->bus, len);	/* the registers' latency left out */
#endif
	return dev->lat_cycles + bus_beats(dev->bus, len);
}

static int dev_access(struct bus_target *t, uint64_t off, void *data,
		      uint64_t len, bool write)
{
	struct iodev *dev = (struct iodev *)t;
	uint8_t *p = data;
	uint64_t short_by = 0;	/* bytes that did not move */

	dev->accesses++;
	if (off >= IODEV_DATA_SIZE) {
		uint8_t v[8] = { 0 };

		if (write || off + len > IODEV_COUNT + 4)
			return BUS_ERR_SLAVE;
		util_le_put(v, ready_bytes(dev), 4);
		util_le_put(v + 4, dev->moved, 4);
		memcpy(p, v + (off - IODEV_STATUS), len);
		return 0;
	}
	if (write != dev->cfg.output)
		return BUS_ERR_SLAVE;	/* wrong direction for this device */
	if (dev->cfg.fail_after && dev->moved + len > dev->cfg.fail_after) {
		dev->errors++;		/* it failed: nothing moves */
		return BUS_ERR_SLAVE;
	}
	iodev_pause(dev);
	{
		uint64_t ready = ready_bytes(dev);
		uint64_t ok = len < ready ? len : ready;

		if (!dev->cfg.output) {
			for (uint64_t i = 0; i < ok; i++)
				p[i] = iodev_pattern(dev, dev->moved + i);
			memset(p + ok, 0, len - ok);
			dev->underruns += len - ok;
			dev->moved += ok;
		} else {
			uint64_t room = dev->cfg.size - dev->moved;

			if (ok > room)
				ok = room;
			memcpy(dev->received + dev->moved, p, ok);
			dev->overruns += len - ok;
			dev->moved += ok;
		}
		short_by = len - ok;
	}
	if (dev->irq.raise && !dev->irq_ev.ev)
		iodev_arm(dev);
	if (trace_on(dev->sim))
		trace_counter(dev->sim, dev->track, &tp_dev_level,
			      (double)(dev->cfg.output ? dev->cfg.buffer -
				       ready_bytes(dev) : ready_bytes(dev)));
	return short_by ? BUS_ERR_SHORT : 0;
}

static const struct bus_target_ops iodev_ops = {
	.cycles = dev_cycles,
	.access = dev_access,
	.ready = dev_ready,
};

int iodev_init(struct iodev *dev, struct sim *sim, struct bus *bus,
	       const char *name, uint64_t base, const struct iodev_config *cfg)
{
	uint64_t period = bus->clk.period;
	int err;

	if (!cfg->size || !cfg->buffer || cfg->rate < 0 ||
	    (cfg->arrival != IODEV_RATE && !cfg->unit) ||
	    (cfg->arrival == IODEV_POISSON && !(cfg->rate > 0)) ||
	    (cfg->arrival == IODEV_TRACE &&
	     (!cfg->trace || cfg->ntrace < (cfg->size + cfg->unit - 1) /
					    cfg->unit)))
		return DMASIM_EINVAL;
	for (uint64_t i = 1; cfg->arrival == IODEV_TRACE && i < cfg->ntrace;
	     i++)
		if (cfg->trace[i] < cfg->trace[i - 1])
			return DMASIM_EINVAL;
	memset(dev, 0, sizeof(*dev));
	dev->cfg = *cfg;
	dev->cfg.trace = NULL;
	rng_seed(&dev->rng, sim->seed ^ cfg->seed, name);
	if (cfg->arrival == IODEV_TRACE) {
		dev->sched = dm_malloc(cfg->ntrace * sizeof(*dev->sched));
		if (!dev->sched)
			return DMASIM_ENOMEM;
		memcpy(dev->sched, cfg->trace, cfg->ntrace * sizeof(*dev->sched));
		dev->nsched = dev->capsched = cfg->ntrace;
	}
	dev->sim = sim;
	dev->bus = bus;
	dev->start = sim->now;
	snprintf(dev->name, sizeof(dev->name), "%s", name);
	dev->track = trace_track(sim, NULL, dev->name);
	dev->tgt.ops = &iodev_ops;
	dev->tgt.name = dev->name;
	dev->lat_cycles = (cfg->latency + period - 1) / period;
	if (cfg->output) {
		dev->received = dm_calloc(1, cfg->size);
		if (!dev->received)
			return DMASIM_ENOMEM;
	}
	err = bus_map(bus, &dev->tgt, base, IODEV_WINDOW);
	if (err)
		return err;
	if (stats_add(&sim->stats, dev->name, "moved", STAT_COUNTER, "bytes",
		      &dev->moved) ||
	    stats_add(&sim->stats, dev->name, "underruns", STAT_COUNTER,
		      "bytes", &dev->underruns) ||
	    stats_add(&sim->stats, dev->name, "overruns", STAT_COUNTER,
		      "bytes", &dev->overruns) ||
	    stats_add(&sim->stats, dev->name, "accesses", STAT_COUNTER, "",
		      &dev->accesses) ||
	    (cfg->irq_unit &&
	     stats_add(&sim->stats, dev->name, "irqs", STAT_COUNTER, "",
		       &dev->irqs)) ||
	    (cfg->fail_after &&
	     stats_add(&sim->stats, dev->name, "errors", STAT_COUNTER, "",
		       &dev->errors)))
		return DMASIM_ENOMEM;
	return 0;
}

void iodev_fini(struct iodev *dev)
{
	dm_free(dev->received);
	dm_free(dev->sched);
	dev->received = NULL;
	dev->sched = NULL;
}
