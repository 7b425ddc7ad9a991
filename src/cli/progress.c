/* progress: the progress line on a terminal.  See progress.h. */
#include "progress.h"

#include <inttypes.h>
#include <stdarg.h>
#include <string.h>
#include <time.h>

#define PROGRESS_AFTER 1.0	/* s before the first line */
#define PROGRESS_EVERY 0.2	/* s between redraws */

double progress_clock(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void progress_init(struct progress *p, FILE *out, bool on)
{
	memset(p, 0, sizeof(*p));
	p->out = out;
	p->on = on;
	p->start = progress_clock();
}

char *progress_time(uint64_t ps, char *buf, size_t len)
{
	static const struct {
		double scale;
		const char *unit;
	} units[] = {
		{ 1e12, "s" }, { 1e9, "ms" }, { 1e6, "us" }, { 1e3, "ns" },
	};

	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if ((double)ps >= units[i].scale) {
			snprintf(buf, len, "%.4g %s", (double)ps / units[i].scale,
				 units[i].unit);
			return buf;
		}
	}
	snprintf(buf, len, "%" PRIu64 " ps", ps);
	return buf;
}

static void progress_vdraw(struct progress *p, double now, const char *fmt,
			   va_list ap)
{
	fputs("\r\033[K", p->out);
	vfprintf(p->out, fmt, ap);
	fflush(p->out);
	p->drawn = true;
	p->last_draw = now;
}

void progress_draw(struct progress *p, bool force, const char *fmt, ...)
{
	double now;
	va_list ap;

	if (!p->on)
		return;
	now = progress_clock();
	if (!force && (now - p->start < PROGRESS_AFTER ||
		       now - p->last_draw < PROGRESS_EVERY))
		return;
	va_start(ap, fmt);
	progress_vdraw(p, now, fmt, ap);
	va_end(ap);
}

void progress_run(void *ctx, const struct dmasim_progress *dp)
{
	struct progress *p = ctx;
	double now = progress_clock(), dt;
	char t[32], left[48] = "";
	double rate;

	if (!p->on)
		return;
	/* A new system, a new system:run(), or time restarted: rates are
	 * measured afresh. */
	if (dp->system != p->sys || dp->until != p->until ||
	    dp->now < p->last_now || dp->events < p->seg_events) {
		p->sys = dp->system;
		p->until = dp->until;
		p->seg_wall = now;
		p->seg_now = dp->now;
		p->seg_events = dp->events;
	}
	p->last_now = dp->now;
	if (now - p->start < PROGRESS_AFTER || now - p->last_draw <
	    PROGRESS_EVERY)
		return;
	dt = now - p->seg_wall;
	if (dt <= 0)
		return;
	rate = (double)(dp->events - p->seg_events) / dt;
	if (dp->until != UINT64_MAX && dp->until > dp->now &&
	    dp->now > p->seg_now) {
		double s = (double)(dp->until - dp->now) * dt /
			   (double)(dp->now - p->seg_now);

		snprintf(left, sizeof(left), ", %.0f s left", s);
	}
	progress_draw(p, true, "%s: %s simulated, %.3g M events/s%s",
		      dp->system, progress_time(dp->now, t, sizeof(t)),
		      rate / 1e6, left);
}

void progress_clear(struct progress *p)
{
	if (p->drawn) {
		fputs("\r\033[K", p->out);
		fflush(p->out);
		p->drawn = false;
	}
}
