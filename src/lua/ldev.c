/*
 * ldev: I/O devices in the scenario language.
 *
 *   local dev = sys:device{ base = 0x50000000, size = "64KiB",
 *                           rate = "100MB/s" }
 *   dev:expected(0, n)   -- the pattern an input device sends (untimed)
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>

#include "hw/iodev.h"
#include "kernel/alloc.h"
#include "lfields.h"
#include "lrun.h"
#include "lsys.h"

#define check_addr lsys_check_addr
#define opt_table lsys_opt_table

/* ---- device ---- */

/* sys:device{name, bus, base, output, size, rate, buffer, latency, seed,
 *            intc, irq_line, irq_unit, arrival, unit, trace,
 *            fail_after} */
/*
 * A trace file: one time per line (a number of ps, or with a unit: 120ns,
 * 3.5us), blank lines and '#' comments skipped.  A relative name is
 * looked for from the working folder, then from the scenario's.  Leaves
 * the times (a userdata) on the stack; their count in *n.
 */
static uint64_t *trace_file(lua_State *L, const char *what, const char *name,
			    uint64_t *n)
{
	const char *scen = lrun_get(L)->scenario;
	const char *slash = scen ? strrchr(scen, '/') : NULL;
	char path[4096], line[256];
	uint64_t *t = NULL, cap = 0, lineno = 0;
	FILE *f = fopen(name, "r");

	if (!f && name[0] != '/' && slash) {
		snprintf(path, sizeof(path), "%.*s/%s", (int)(slash - scen),
			 scen, name);
		f = fopen(path, "r");
	}
	if (!f)
		lf_error(L, "%s: field 'trace': cannot read '%s': %s (expected "
			 "a file of one time per line, or a list of times)",
			 what, name, strerror(errno));
	*n = 0;
	while (fgets(line, sizeof(line), f)) {
		char *s = line + strspn(line, " \t");
		enum dmasim_unit unit;
		double v;

		lineno++;
		s[strcspn(s, "#\r\n")] = '\0';
		for (size_t k = strlen(s); k && (s[k - 1] == ' ' ||
						 s[k - 1] == '\t'); k--)
			s[k - 1] = '\0';
		if (!*s)
			continue;
		if (dmasim_parse_value(s, &unit, &v) ||
		    (unit != DMASIM_UNIT_NONE && unit != DMASIM_UNIT_TIME) ||
		    !(v >= 0) || !(v < 1.8e19)) {
			fclose(f);
			dm_free(t);
			return (uint64_t *)(uintptr_t)lf_error(L, "%s: trace "
				"file '%s', line %llu: '%s': expected a time "
				"(a number of ps, or 120ns, 3.5us)", what, name,
				(unsigned long long)lineno, s);
		}
		if (*n == cap) {
			uint64_t *g = dm_realloc(t, (cap = cap ? 2 * cap : 64) *
						 sizeof(*t));

			if (!g) {
				fclose(f);
				dm_free(t);
				return (uint64_t *)(uintptr_t)lf_error(L,
					"%s: out of memory", what);
			}
			t = g;
		}
		t[(*n)++] = (uint64_t)v;
	}
	fclose(f);
	/* into a userdata, so that the stack owns it (and a later error
	 * frees it) */
	{
		uint64_t *u = lua_newuserdatauv(L, (*n ? *n : 1) * sizeof(*u),
						0);

		if (*n)
			memcpy(u, t, *n * sizeof(*u));
		dm_free(t);
		return u;
	}
}

static int l_sys_device(lua_State *L)
{
	static const char *const known[] = { "name", "bus", "base", "output",
		"size", "rate", "buffer", "latency", "seed", "intc", "irq_line",
		"irq_unit", "arrival", "unit", "trace", "fail_after", NULL };
	static const char *const arrivals[] = { "deterministic", "poisson",
		"trace", NULL };
	uint64_t *trace = NULL;
	int err;
	const char *what = "system:device{}";
	struct lsys *ls = lsys_check(L, 1);
	struct dmasim_device_config cfg;
	struct dmasim_device *dev;
	struct dmasim_bus *bus;

	opt_table(L, 2);
	lf_known(L, 2, what, known);
	dmasim_device_config_init(&cfg);
	bus = lsys_opt_bus(L, 2, what);
	cfg.name = lf_string(L, 2, what, "name", NULL);
	cfg.base = lf_uint(L, 2, what, "base", UNIT_SIZE, 0x50000000ull +
			   IODEV_WINDOW * (uint64_t)ls->sys->ndevs, 0);
	lua_getfield(L, 2, "output");
	cfg.output = lua_toboolean(L, -1);
	lua_pop(L, 1);
	cfg.size = lf_uint(L, 2, what, "size", UNIT_SIZE, 1u << 20, 1);
	cfg.rate = lf_value(L, 2, what, "rate", UNIT_BANDWIDTH, 0, 0);
	cfg.buffer = lf_uint(L, 2, what, "buffer", UNIT_SIZE, cfg.size, 1);
	cfg.latency = lf_uint(L, 2, what, "latency", UNIT_TIME, 0, 0);
	cfg.seed = lf_uint(L, 2, what, "seed", UNIT_NUMBER,
			   ls->sys->ndevs + 1, 0);
	lua_getfield(L, 2, "intc");
	if (!lua_isnil(L, -1)) {
		struct lcomp *c = luaL_testudata(L, -1, INTC_MT);

		if (!c)
			return lf_error(L, "%s: field 'intc': expected an intc",
					what);
		cfg.intc = c->obj;
	}
	lua_pop(L, 1);
	cfg.irq_line = (unsigned)lf_uint(L, 2, what, "irq_line", UNIT_NUMBER,
					 0, 0);
	cfg.irq_unit = lf_uint(L, 2, what, "irq_unit", UNIT_SIZE, 0, 0);
	cfg.arrival = (enum dmasim_arrival)lf_enum(L, 2, what, "arrival",
						   arrivals, 0);
	cfg.unit = lf_uint(L, 2, what, "unit", UNIT_SIZE, 0, 0);
	cfg.fail_after = lf_uint(L, 2, what, "fail_after", UNIT_SIZE, 0, 0);
	lua_getfield(L, 2, "trace");
	if (lua_type(L, -1) == LUA_TSTRING) {	/* a trace file */
		trace = trace_file(L, what, lua_tostring(L, -1),
				   &cfg.ntrace);
		cfg.trace = trace;
	} else if (!lua_isnil(L, -1)) {
		lua_Integer n;

		if (!lua_istable(L, -1))
			return lf_error(L, "%s: field 'trace': expected a list "
					"of times, or the name of a file of one "
					"time per line", what);
		n = (lua_Integer)lua_rawlen(L, -1);
		trace = lua_newuserdatauv(L, (size_t)(n ? n : 1) *
					  sizeof(*trace), 0);
		for (lua_Integer i = 1; i <= n; i++) {
			double t;

			lua_rawgeti(L, -2, i);
			if (lf_to_value(L, -1, UNIT_TIME, &t) || !(t >= 0))
				return lf_error(L, "%s: trace[%lld]: expected "
						"a time", what, (long long)i);
			trace[i - 1] = (uint64_t)t;
			lua_pop(L, 1);
		}
		cfg.trace = trace;
		cfg.ntrace = (uint64_t)n;
	}
	err = dmasim_device_new(ls->sys, bus, &cfg, &dev);
	lua_settop(L, 2);
	if (err)
		return lsys_raise(L, ls, what);
	lsys_push_comp(L, 1, dev, DEV_MT);
	return 1;
}

/* [off, +len) lies inside the device (no signed overflow of off + len). */
static bool dev_span(const struct iodev *dev, lua_Integer off, lua_Integer len)
{
	return off >= 0 && len >= 0 && (uint64_t)off <= dev->cfg.size &&
	       (uint64_t)len <= dev->cfg.size - (uint64_t)off;
}

/* dev:expected(offset, len) -> the pattern bytes an input device sends */
static int l_dev_expected(lua_State *L)
{
	struct iodev *dev = lsys_check_comp(L, 1, DEV_MT);
	lua_Integer off = luaL_checkinteger(L, 2), len = luaL_checkinteger(L, 3);
	luaL_Buffer b;
	char *p;

	if (!dev_span(dev, off, len))
		return lf_error(L, "device:expected: [%lld, +%lld) is outside the "
				  "device's %llu bytes", (long long)off, (long long)len,
				  (unsigned long long)dev->cfg.size);
	p = luaL_buffinitsize(L, &b, (size_t)len);
	for (lua_Integer i = 0; i < len; i++)
		p[i] = (char)iodev_pattern(dev, (uint64_t)(off + i));
	luaL_pushresultsize(&b, (size_t)len);
	return 1;
}

/* dev:received(offset, len) -> what an output device has received */
static int l_dev_received(lua_State *L)
{
	struct iodev *dev = lsys_check_comp(L, 1, DEV_MT);
	lua_Integer off = luaL_checkinteger(L, 2), len = luaL_checkinteger(L, 3);

	if (!dev->cfg.output)
		return luaL_error(L, "device:received: '%s' is an input device",
				  dev->name);
	if (!dev_span(dev, off, len))
		return lf_error(L, "device:received: [%lld, +%lld) is outside "
				  "the device's %llu bytes", (long long)off,
				  (long long)len, (unsigned long long)dev->cfg.size);
	lua_pushlstring(L, (const char *)dev->received + off, (size_t)len);
	return 1;
}

static int l_dev_index(lua_State *L)
{
	struct iodev *dev = lsys_check_comp(L, 1, DEV_MT);
	const char *k = luaL_checkstring(L, 2);
	const struct lsys_field f[] = {
		{ "base", dev->tgt.base },
		{ "data", dev->tgt.base + IODEV_DATA },
		{ "status_reg", dev->tgt.base + IODEV_STATUS },
		{ "moved", dev->moved },
		{ "underruns", dev->underruns },
		{ "overruns", dev->overruns },
		{ "access_cycles", dev->lat_cycles + 1 },
		{ "irqs", dev->irqs },
	};

	if (lsys_index(L, 1, k, f, LSYS_NFIELDS(f)))
		return 1;
	if (!strcmp(k, "name")) {
		lua_pushstring(L, dev->name);
		return 1;
	}
	return luaL_error(L, "device has no field '%s'", k);
}

const luaL_Reg ldev_sys_methods[] = {
	{ "device", l_sys_device },
	{ NULL, NULL }
};

void ldev_open(lua_State *L)
{
	static const luaL_Reg dev_methods[] = {
		{ "expected", l_dev_expected },
		{ "received", l_dev_received },
		{ NULL, NULL }
	};

	lsys_class(L, DEV_MT, dev_methods, l_dev_index, NULL);
}
