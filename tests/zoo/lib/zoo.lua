-- zoo: the shared machine of the bug zoo's drivers.  Each driver in
-- tests/zoo/ commits exactly one misuse of the DMA mapping API (its file
-- name is the sanitizer class it must provoke, in lower case); the ok_*
-- drivers commit none.  tests/test_zoo.c runs them with checking on.
--
--   local zoo = require "zoo"
--   local z = zoo.new{ coherent = false }
--   z:run(function() ... end)      -- the driver, as a process on the CPU
--   z:dev_write(dma, len)          -- the device writes len bytes at dma
--   z:dev_read(dma, len)           -- the device reads them (to a sink)

-- The reference machine lives with the scenarios.
local dir = package.path:match("^(.-)/%?%.lua;")
package.path = package.path .. ";" .. dir .. "/../../scenarios/lib/?.lua"
local machine = require "machine"

local M = {}
M.__index = M

M.SRC = 0x100000     -- what the device delivers (never cached)
M.SINK = 0x180000    -- where the device's reads land (never cached)
M.BUF = 0x200000     -- the driver's buffers start here
M.LEN = 4096

function M.new(o)
  o = o or {}
  local m = machine.build{}
  local l1 = m.sys:cache{ cpu = m.cpu, size = o.cache_size or "32KiB",
                          ways = 4, line = 64,
                          coherent = o.coherent or false }
  local dev = m.sys:dma_device{ cpu = m.cpu, cache = l1, name = "zoo",
    mask = o.mask, bounce_base = o.bounce_base, bounce_size = o.bounce_size,
    pool_base = 0x800000, pool_size = "64KiB" }
  m.mem:fill(M.SRC, 64 * 1024, 0x5a)
  return setmetatable({ m = m, sys = m.sys, cpu = m.cpu, mem = m.mem,
                        l1 = l1, dev = dev }, M)
end

-- The device writes len bytes of SRC into bus address dma.
function M:dev_write(dma, len)
  self.m.drv:copy(0, M.SRC, dma, len)
  self.m.drv:wait(0)
end

-- The device reads len bytes at bus address dma.
function M:dev_read(dma, len)
  self.m.drv:copy(0, dma, M.SINK, len)
  self.m.drv:wait(0)
end

-- Is what the CPU sees at addr what the device delivered?
function M:cpu_sees_src(addr, len)
  return dmasim.hash(self.cpu:load(addr, len)) == self.mem:hash(M.SRC, len)
end

function M:run(fn)
  self.sys:spawn(fn)
  self.sys:run()
end

return M
