/*
 * calibrate: `dmasim calibrate`: measure the host (hostmeasure.c) and write
 * the figures as a Lua machine description that scenarios load with
 * machine.load() (scenarios/lib/machine.lua), each figure's method
 * recorded beside it.
 */
#include "calibrate.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "hostmeasure.h"

static const char *prog = "dmasim";

static void calibrate_usage(FILE *out)
{
	fprintf(out,
"usage: dmasim calibrate [-o FILE.lua] [--quick] [-q]\n"
"\n"
"Measure the machine dmasim runs on (memory copy bandwidth and load\n"
"latency by size, the cache levels, strided copies, cache-line flush and\n"
"clean costs, page pinning and first-touch faults, a copy offloaded to a\n"
"thread, thread wake-up latency, and the overlap experiment run for real)\n"
"and write the figures as a Lua machine description, each with the method\n"
"that measured it.  Scenarios load it with\n"
"    local host = require(\"machine\").load(\"host.lua\")\n"
"and scenarios/reality_check.lua runs the same experiments in simulation\n"
"beside the measurements.  A full run takes about half a minute; keep the\n"
"machine otherwise idle while it runs.\n"
"\n"
"Options:\n"
"  -o FILE.lua  write the description to FILE.lua and a summary to the\n"
"               standard output (default: the description to the\n"
"               standard output)\n"
"  --quick      small sizes and few repetitions: a few seconds, for tests\n"
"               (the caches' sizes beyond 8 MiB are not seen)\n"
"  -q, --quiet  no progress line\n"
"  -h, --help   this help\n");
}

static void progress(void *ctx, const char *step, int k, int n)
{
	FILE *out = ctx;

	if (!out)
		return;
	fprintf(out, "\rcalibrate: [%d/%d] %-24s", k, n, step);
	fflush(out);
}

/* A number, or false when it was not measured (< 0 or not finite). */
static void num(FILE *f, double v)
{
	if (v < 0 || !isfinite(v))
		fprintf(f, "false");
	else
		fprintf(f, "%.6g", v);
}

/* A Lua string literal (the methods and reasons are plain ASCII). */
static void str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', f);
		if ((unsigned char)*s >= 0x20 && *s != 0x7f)
			fputc(*s, f);
	}
	fputc('"', f);
}

static void curve(FILE *f, const char *name, const struct host_curve *c,
		  const char *xname, const char *yname)
{
	fprintf(f, "  %s = {\n", name);
	for (size_t i = 0; i < c->n; i++) {
		fprintf(f, "    { %s = %llu, %s = ", xname,
			(unsigned long long)c->p[i].x, yname);
		num(f, c->p[i].y);
		fprintf(f, " },\n");
	}
	fprintf(f, "  },\n");
}

static const char *const method_names[] = {
	"cpu_hz", "copy", "latency", "levels", "stride", "maint",
	"maint_range", "fault_ns", "mlock_fresh_ns", "mlock_resident_ns",
	"populate_ns", "offload", "wakeup_ns", "overlap",
	"process_ns_per_byte",
};

static int write_lua(FILE *f, const struct host_cal *c)
{
	struct utsname u;
	char when[32] = "unknown";
	time_t t = time(NULL);
	struct tm tm;

	if (gmtime_r(&t, &tm))
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (uname(&u))
		strcpy(u.machine, "unknown");
	fprintf(f,
"-- A machine description measured by `dmasim calibrate`%s.\n"
"-- Load it in a scenario:\n"
"--   local host = require(\"machine\").load(\"this-file.lua\")\n"
"-- Sizes in bytes, times in ns, rates in bytes per second; false: not\n"
"-- measured on this host (see `why`).  `method` says how each figure was\n"
"-- measured.\n"
"return {\n"
"  calibration = 1,\n", c->quick ? " --quick (small sizes)" : "");
	fprintf(f, "  arch = ");
	str(f, u.machine);
	fprintf(f, ",\n  measured_at = \"%s\",\n  quick = %s,\n", when,
		c->quick ? "true" : "false");
	fprintf(f, "  cpu_hz = ");
	num(f, c->cpu_hz);
	fprintf(f, ",\n");
	curve(f, "copy", &c->copy, "size", "bytes_per_s");
	curve(f, "latency", &c->latency, "size", "ns");
	fprintf(f, "  levels = {\n");
	for (size_t i = 0; i < c->nlevels; i++) {
		fprintf(f, "    { size = %llu, ns = ",
			(unsigned long long)c->level[i].x);
		num(f, c->level[i].y);
		fprintf(f, " },\n");
	}
	fprintf(f, "  },\n");
	curve(f, "stride", &c->stride, "stride", "ns");
	fprintf(f, "  maint = {\n");
	for (size_t i = 0; i < c->nmaint; i++) {
		const struct host_maint *m = &c->maint[i];

		fprintf(f, "    { insn = ");
		str(f, m->insn);
		fprintf(f, ", clean_ns = ");
		num(f, m->have ? m->clean_ns : -1);
		fprintf(f, ", dirty_ns = ");
		num(f, m->have ? m->dirty_ns : -1);
		fprintf(f, " },\n");
	}
	fprintf(f, "  },\n  maint_range = { size = 262144, clean_ns = ");
	num(f, c->maint_range_clean_ns);
	fprintf(f, ", dirty_ns = ");
	num(f, c->maint_range_dirty_ns);
	fprintf(f, " },\n  fault_ns = ");
	num(f, c->fault_ns);
	fprintf(f, ",\n  mlock_fresh_ns = ");
	num(f, c->mlock_fresh_ns);
	fprintf(f, ",\n  mlock_resident_ns = ");
	num(f, c->mlock_resident_ns);
	fprintf(f, ",\n  populate_ns = ");
	num(f, c->populate_ns);
	fprintf(f, ",\n  offload = { handoff_ns = ");
	num(f, c->offload_handoff_ns);
	fprintf(f, ", bytes_per_s = ");
	num(f, c->offload_bps);
	fprintf(f, ", compute_kept = ");
	num(f, c->offload_compute_kept);
	fprintf(f, " },\n  wakeup_ns = ");
	num(f, c->wakeup_ns);
	fprintf(f, ",\n  process_ns_per_byte = ");
	num(f, c->process_ns_per_byte);
	fprintf(f, ",\n  overlap = {\n");
	for (size_t i = 0; i < c->noverlap; i++) {
		const struct host_overlap *o = &c->overlap[i];

		fprintf(f, "    { block = %llu, blocks = 16, serial_bytes_per_s = ",
			(unsigned long long)o->block);
		num(f, o->serial_bps);
		fprintf(f, ", offload_bytes_per_s = ");
		num(f, o->offload_bps);
		fprintf(f, " },\n");
	}
	fprintf(f, "  },\n  why = { pin = ");
	str(f, c->pin_why);
	fprintf(f, " },\n  method = {\n");
	for (size_t i = 0; i < sizeof(method_names) / sizeof(*method_names);
	     i++) {
		fprintf(f, "    %s = ", method_names[i]);
		str(f, host_method(method_names[i]));
		fprintf(f, ",\n");
	}
	fprintf(f, "  },\n}\n");
	return ferror(f) ? -1 : 0;
}

static void summary(FILE *f, const struct host_cal *c)
{
	fprintf(f, "clock            %.2f GHz\n", c->cpu_hz / 1e9);
	for (size_t i = 0; i < c->nlevels; i++)
		fprintf(f, "%-16s %.1f ns up to %llu KiB\n",
			i + 1 < c->nlevels ? "cache level" : "memory",
			c->level[i].y,
			(unsigned long long)(c->level[i].x / 1024));
	if (c->copy.n)
		fprintf(f, "copy             %.2f GB/s at %llu KiB, %.2f GB/s "
			"at %llu MiB\n", c->copy.p[0].y / 1e9,
			(unsigned long long)(c->copy.p[0].x / 1024),
			c->copy.p[c->copy.n - 1].y / 1e9,
			(unsigned long long)(c->copy.p[c->copy.n - 1].x >> 20));
	for (size_t i = 0; i < c->nmaint; i++)
		if (c->maint[i].have)
			fprintf(f, "%-16s %.1f ns/line clean, %.1f dirty\n",
				c->maint[i].insn, c->maint[i].clean_ns,
				c->maint[i].dirty_ns);
	fprintf(f, "first touch      %.0f ns/page\n", c->fault_ns);
	if (c->mlock_fresh_ns >= 0)
		fprintf(f, "mlock            %.0f ns/page fresh, %.0f resident\n",
			c->mlock_fresh_ns, c->mlock_resident_ns);
	else
		fprintf(f, "mlock            not measured: %s\n", c->pin_why);
	fprintf(f, "offload hand-off %.0f ns; wake-up %.0f ns\n",
		c->offload_handoff_ns, c->wakeup_ns);
	for (size_t i = 0; i < c->noverlap; i++)
		fprintf(f, "overlap %7llu B  serial %.2f GB/s, offloaded %.2f "
			"GB/s\n", (unsigned long long)c->overlap[i].block,
			c->overlap[i].serial_bps / 1e9,
			c->overlap[i].offload_bps / 1e9);
}

int calibrate_main(int argc, char **argv)
{
	const char *out = NULL;
	bool quick = false, quiet = false;
	struct host_cal c;
	char why[160];
	FILE *f;

	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			calibrate_usage(stdout);
			return 0;
		} else if (!strcmp(a, "-o")) {
			if (i + 1 >= argc) {
				fprintf(stderr, "%s calibrate: -o needs a file "
					"name (see dmasim calibrate --help)\n",
					prog);
				return EXIT_USAGE;
			}
			out = argv[++i];
		} else if (!strcmp(a, "--quick")) {
			quick = true;
		} else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
			quiet = true;
		} else {
			fprintf(stderr, "%s calibrate: unexpected argument "
				"'%s': expected -o FILE.lua, --quick or -q (see "
				"dmasim calibrate --help)\n", prog, a);
			return EXIT_USAGE;
		}
	}
	if (host_measure(&c, quick, progress,
			 quiet || !isatty(fileno(stderr)) ? NULL : stderr,
			 why, sizeof(why))) {
		fprintf(stderr, "\n%s calibrate: %s\n", prog, why);
		return EXIT_SCENARIO;
	}
	if (!quiet && isatty(fileno(stderr)))
		fprintf(stderr, "\r%60s\r", "");
	if (!out)
		return write_lua(stdout, &c) ? EXIT_IO : 0;
	if (!(f = fopen(out, "w"))) {
		fprintf(stderr, "%s calibrate: cannot write '%s': %s\n", prog,
			out, strerror(errno));
		return EXIT_IO;
	}
	if (write_lua(f, &c) | fclose(f)) {
		fprintf(stderr, "%s calibrate: writing '%s' failed\n", prog,
			out);
		return EXIT_IO;
	}
	summary(stdout, &c);
	printf("written to %s\n", out);
	return 0;
}
