-- zoo_iommu: the bug zoo's machine with an IOMMU.  A CPU and DRAM on the
-- memory bus; on an I/O bus a DMA engine (the device), an input device
-- (what it delivers) and an output device (where its reads go); the I/O
-- bus reaches DRAM through a bridge with an IOMMU on that way.  The
-- driver maps through the IOMMU (dma_device:use_iommu).
--
--   local zoo = require "zoo_iommu"
--   local z = zoo.new{ lazy = true, untrusted = false, ats = false,
--                      ats_inval = false }
--   z:run(function() ... end)      -- the driver, as a process on the CPU
--   z:dev_write(dma, len)          -- the device writes len bytes at dma
--   z:dev_read(dma, len)           -- the device reads len bytes at dma
local M = {}
M.__index = M

M.BUF = 0x200000     -- the driver's buffers start here
M.LEN = 4096
M.PT = 0x80000       -- the I/O page tables
M.BOUNCE = 0x600000  -- bounce slots (untrusted)

local R = dmasim.dma_regs

function M.new(o)
  o = o or {}
  local sys = dmasim.system{ name = "zoo_iommu" }
  local io = sys:bus{ name = "io", clock = "500MHz", width = 8 }
  local mem = sys:memory{ size = "64MiB", latency = "50ns" }
  local cpu = sys:cpu{ clock = "2GHz" }
  local dma = sys:dma{ bus = io, base = 0x80000000, burst = 256,
                       atc = o.ats and 16 or 0 }
  local src = sys:device{ bus = io, base = 0x90000000, size = 64 * 1024, seed = 5 }
  local sink = sys:device{ bus = io, base = 0x90100000, size = 64 * 1024, output = true }
  local br = sys:bridge{ a = sys.system_bus, b = io, latency = "50ns",
                         a_to_b = { { 0x80000000, "512MiB" } },
                         b_to_a = { { 0, "64MiB" }, { 0x70000000, "4KiB" } } }
  local mmu = sys:iommu{ bridge = br, qi_base = o.ats_inval and 0x70000000 or nil,
                         qi_ring = o.ats_inval and 0x60000 or nil }
  local dev = sys:dma_device{ cpu = cpu, name = "zoo", bounce_base = M.BOUNCE,
                              bounce_size = "64KiB", bounce_slot = 4096 }
  local ch = dma:channel(0)
  dev:use_iommu{ iommu = mmu, device = ch, memory = mem, pt_base = M.PT,
                 pt_size = "64KiB", lazy = o.lazy, untrusted = o.untrusted,
                 ats = o.ats, ats_inval = o.ats_inval and dma.ats_inval or nil }
  mmu:enable(true)
  return setmetatable({ sys = sys, cpu = cpu, mem = mem, dma = dma, ch = ch,
                        src = src, sink = sink, mmu = mmu, dev = dev }, M)
end

function M:copy(s, d, len, flags)
  local cpu, base = self.cpu, self.dma.base
  cpu:write64(base + R.SRC_LO, s)
  cpu:write64(base + R.DST_LO, d)
  cpu:write32(base + R.LEN, len)
  cpu:write32(base + R.CTRL, R.CTRL_START | flags)
  cpu:read32(base + R.STATUS)
  self.ch:wait()
  cpu:read32(base + R.STATUS)
end

-- The device writes len bytes it delivers at bus address dma.
function M:dev_write(dma, len)
  self:copy(self.src.data, dma, len, R.CTRL_SRC_FIXED)
end

-- The device reads len bytes at bus address dma (to its output).
function M:dev_read(dma, len)
  self:copy(dma, self.sink.data, len, R.CTRL_DST_FIXED)
end

function M:run(fn)
  self.sys:spawn(fn)
  self.sys:run()
end

return M
