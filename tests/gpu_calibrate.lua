-- Read a machine description written by tools/gpu-calibrate (the module
-- named by -D module, found through DMASIM_PATH) and report its figures
-- for tests/gpu_calibrate.sh.
local p = dmasim.params{ module = "gpu-calibration" }
local c = require(p.module)
local M = 16 * 1024 * 1024
dmasim.report("gen", c.gen)
dmasim.report("lanes", c.lanes)
dmasim.report("call_ns", c.call * 1e9)
dmasim.report("pinned_h2d", c.pinned_h2d[M] / 1e9)
dmasim.report("pinned_d2h", c.pinned_d2h[M] / 1e9)
dmasim.report("pageable_h2d", c.pageable_h2d[M] / 1e9)
dmasim.report("pageable_d2h", c.pageable_d2h[M] / 1e9)
dmasim.report("kernel_rate", c.kernel_rate / 1e9)
dmasim.report("memcpy_rate", c.memcpy_rate / 1e9)
dmasim.report("pipeline", c.pipeline.rate / 1e9)
