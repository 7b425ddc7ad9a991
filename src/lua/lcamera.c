/*
 * lcamera: cameras in the scenario language, V4L2 style.
 *
 *   local done = sys:completion()
 *   local cam = sys:camera{ bus = io, width = 1920, height = 1080,
 *                           format = "nv12", fps = 60, frames = 120,
 *                           buffers = 4, done = done }
 *   cam:buffer(0, 0x1000000, cam.frame_bytes); cam:qbuf(0)
 *   cam:streamon()
 *   done:wait(); local i, seq, at = cam:dqbuf()
 */
#include <string.h>

#include <lauxlib.h>

#include "lfields.h"
#include "lsys.h"

#define CAMERA_MT "dmasim.camera"

/* sys:camera{name, bus, base, width, height, format, fps, frames,
 *            buffers, burst, seed, intc, irq_line, msi, done} */
static int l_sys_camera(lua_State *L)
{
	static const char *const known[] = { "name", "bus", "base", "width",
		"height", "format", "fps", "frames", "buffers", "burst",
		"seed", "intc", "irq_line", "msi", "done", NULL };
	static const char *const formats[] = { "nv12", "yuyv", "rgb24",
		NULL };
	const char *what = "system:camera{}";
	struct lsys *ls = lsys_check(L, 1);
	struct dmasim_camera_config cfg;
	struct dmasim_camera *cam;
	struct dmasim_bus *bus;
	struct lcomp *c;

	lsys_opt_table(L, 2);
	lf_known(L, 2, what, known);
	dmasim_camera_config_init(&cfg);
	bus = lsys_opt_bus(L, 2, what);
	cfg.name = lf_string(L, 2, what, "name", NULL);
	lua_getfield(L, 2, "base");
	if (!lua_isnil(L, -1))
		cfg.base = lf_uint(L, 2, what, "base", UNIT_SIZE, 0, 0);
	lua_pop(L, 1);
	cfg.width = lf_u32(L, 2, what, "width", UNIT_NUMBER, 1920, 0);
	cfg.height = lf_u32(L, 2, what, "height", UNIT_NUMBER, 1080, 0);
	cfg.format = (enum dmasim_pixfmt)lf_enum(L, 2, what, "format",
						 formats, DMASIM_PIX_YUYV);
	cfg.fps = lf_value(L, 2, what, "fps", UNIT_NUMBER, 60, 0);
	cfg.frames = lf_uint(L, 2, what, "frames", UNIT_NUMBER, 0, 0);
	cfg.buffers = lf_u32(L, 2, what, "buffers", UNIT_NUMBER, 4, 0);
	cfg.burst = lf_u32(L, 2, what, "burst", UNIT_SIZE, 4096, 1);
	cfg.seed = lf_uint(L, 2, what, "seed", UNIT_NUMBER,
			   ls->sys->ncameras + 1, 0);
	lua_getfield(L, 2, "intc");
	if (!lua_isnil(L, -1)) {
		if (!(c = luaL_testudata(L, -1, INTC_MT)))
			return lf_error(L, "%s: field 'intc': expected an intc",
					what);
		cfg.intc = c->obj;
	}
	lua_pop(L, 1);
	cfg.irq_line = (unsigned)lf_uint(L, 2, what, "irq_line", UNIT_NUMBER,
					 0, 0);
	cfg.msi = lf_uint(L, 2, what, "msi", UNIT_SIZE, 0, 0);
	lua_getfield(L, 2, "done");
	if (!lua_isnil(L, -1)) {
		if (!(c = luaL_testudata(L, -1, "dmasim.completion")))
			return lf_error(L, "%s: field 'done': expected a "
					"completion", what);
		cfg.done = c->obj;
	}
	lua_pop(L, 1);
	if (dmasim_camera_new(ls->sys, bus, &cfg, &cam))
		return lsys_raise(L, ls, what);
	lsys_push_comp(L, 1, cam, CAMERA_MT);
	return 1;
}

static unsigned check_index(lua_State *L, int idx, const char *fn)
{
	lua_Integer i = luaL_checkinteger(L, idx);

	if (i < 0 || i >= 32)
		return (unsigned)lf_error(L, "%s: index %lld: expected 0 to 31",
					  fn, (long long)i);
	return (unsigned)i;
}

/* cam:buffer(i, addr, len) */
static int l_cam_buffer(lua_State *L)
{
	struct dmasim_camera *cam = lsys_check_comp(L, 1, CAMERA_MT);
	unsigned i = check_index(L, 2, "camera:buffer");
	uint64_t addr = lsys_check_addr(L, 3, "camera:buffer");
	uint64_t len = lsys_check_addr(L, 4, "camera:buffer");

	if (dmasim_camera_buffer(cam, i, addr, len))
		return lsys_raise(L, lsys_of(L, 1), "camera:buffer()");
	return 0;
}

/* cam:qbuf(i) */
static int l_cam_qbuf(lua_State *L)
{
	struct dmasim_camera *cam = lsys_check_comp(L, 1, CAMERA_MT);

	if (dmasim_camera_qbuf(cam, check_index(L, 2, "camera:qbuf")))
		return lsys_raise(L, lsys_of(L, 1), "camera:qbuf()");
	return 0;
}

/* cam:dqbuf() -> index, sequence, time; or nil when none is done */
static int l_cam_dqbuf(lua_State *L)
{
	struct dmasim_camera *cam = lsys_check_comp(L, 1, CAMERA_MT);
	uint64_t seq, at;
	int i = dmasim_camera_dqbuf(cam, &seq, &at);

	if (i < 0) {
		lua_pushnil(L);
		return 1;
	}
	lua_pushinteger(L, i);
	lua_pushinteger(L, (lua_Integer)seq);
	lua_pushinteger(L, (lua_Integer)at);
	return 3;
}

static int l_cam_streamon(lua_State *L)
{
	dmasim_camera_streamon(lsys_check_comp(L, 1, CAMERA_MT));
	return 0;
}

/* cam:expected(seq, off, n) -> the bytes the camera sends */
static int l_cam_expected(lua_State *L)
{
	struct dmasim_camera *cam = lsys_check_comp(L, 1, CAMERA_MT);
	uint64_t seq = lsys_check_addr(L, 2, "camera:expected");
	uint64_t off = lsys_check_addr(L, 3, "camera:expected");
	uint64_t n = lsys_check_addr(L, 4, "camera:expected");
	luaL_Buffer b;
	char *p;

	if (n > (1u << 26))
		return lf_error(L, "camera:expected: %llu bytes: expected at "
				"most 64 MiB", (unsigned long long)n);
	p = luaL_buffinitsize(L, &b, (size_t)n);
	if (dmasim_camera_expected(cam, seq, off, p, n))
		return lsys_raise(L, lsys_of(L, 1), "camera:expected()");
	luaL_pushresultsize(&b, (size_t)n);
	return 1;
}

static int l_cam_index(lua_State *L)
{
	struct dmasim_camera *cam = lsys_check_comp(L, 1, CAMERA_MT);
	const char *k = luaL_checkstring(L, 2);
	struct dmasim_camera_info i;

	dmasim_camera_info(cam, &i);
	{
		const struct lsys_field f[] = {
			{ "frame_bytes", i.frame_bytes },
			{ "period", i.period },
			{ "frames", i.frames },
			{ "captured", i.captured },
			{ "drops", i.drops },
			{ "overruns", i.overruns },
			{ "bytes", i.bytes },
			{ "queued", i.queued },
			{ "done", i.done },
			{ "guest_errors", i.guest_errors },
		};

		if (lsys_index(L, 1, k, f, LSYS_NFIELDS(f)))
			return 1;
	}
	if (!strcmp(k, "base")) {
		if (i.base == DMASIM_DEFAULT)
			lua_pushnil(L);
		else
			lua_pushinteger(L, (lua_Integer)i.base);
		return 1;
	}
	if (!strcmp(k, "name")) {
		lua_pushstring(L, i.name);
		return 1;
	}
	return luaL_error(L, "camera has no field '%s'", k);
}

const luaL_Reg lcamera_sys_methods[] = {
	{ "camera", l_sys_camera },
	{ NULL, NULL }
};

void lcamera_open(lua_State *L)
{
	static const luaL_Reg methods[] = {
		{ "buffer", l_cam_buffer },
		{ "qbuf", l_cam_qbuf },
		{ "dqbuf", l_cam_dqbuf },
		{ "streamon", l_cam_streamon },
		{ "expected", l_cam_expected },
		{ NULL, NULL }
	};

	lsys_class(L, CAMERA_MT, methods, l_cam_index, NULL);
}
