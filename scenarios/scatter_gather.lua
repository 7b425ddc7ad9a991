-- Scatter-gather DMA: the price of non-contiguous memory.
--
-- Claim: a scatter-gather transfer of n segments costs n*d + (n-1)*f more
-- than one contiguous transfer of the same size, where d is the cost of
-- one descriptor (the engine fetches it over the bus, processes it, and
-- writes its status back) and f the fence between segments.
--
-- Model, in bus cycles, from the machine's parameters:
--   d = (mem_latency + 32/width)          fetch of a 32-byte descriptor
--     + desc_cycles                       processing
--     + (mem_latency + 1)                 status write-back
--   f = fence_cycles
-- The simulation times the engine from doorbell to completion, once
-- programmed through its registers for one contiguous buffer and once
-- walking a chain of n descriptors over the same number of bytes.
--
-- Then the same buffer in a virtually contiguous user buffer on a
-- fragmented machine: a physically contiguous allocation of its size
-- fails, while the scatter-gather list built from its page tables (merging
-- physically adjacent frames) moves it intact.
local mm = require "mm"

local p = dmasim.params{ size = "256KiB", desc_cycles = 20, fence_cycles = 10,
                         segments = 64 }
local size = dmasim.size(p.size)
dmasim.expect(size % 4096 == 0 and size >= 4096 and size <= 4 * 1024 * 1024,
              "size", p.size, "4KiB to 4MiB, a multiple of 4KiB")
dmasim.expect(p.segments >= 1 and size % (p.segments * 256) == 0, "segments",
              p.segments, "a count dividing size into multiples of the 256B burst")

-- The engine's own parameters: machine.lua builds its DMA engine with no
-- descriptor or fence cost, so this scenario builds its own system.
local drv = require "dmadrv"
local function system(opts)
  local sys = dmasim.system{ bus = { clock = "1GHz", width = 8 } }
  local mem = sys:memory{ base = 0, size = "256MiB", latency = "20ns" }
  local cpu = sys:cpu{ clock = "2GHz" }
  local dma = sys:dma{ base = 0x40000000, channels = 1, irq = cpu, burst = "256B",
                       reg_latency = "10ns", desc_cycles = p.desc_cycles,
                       fence_cycles = p.fence_cycles }
  local dev = sys:device{ base = 0x50000000, size = 64 * size, latency = "30ns" }
  local d = drv.new(cpu, dma):attach(sys)
  local vm
  if opts and opts.vm then
    vm = sys:vm{ memory = mem, base = 0x1000000, size = "32MiB" }
  end
  return { sys = sys, mem = mem, cpu = cpu, dma = dma, dev = dev, drv = d, vm = vm }
end

-- DMA time (bus cycles) of moving `size` device bytes into `segs`.
local function dma_time(segs)
  local m = system()
  local ch = m.dma:channel(0)
  m.sys:spawn(function()
    if #segs == 0 then
      m.drv:copy(0, m.dev.data, 0x100000, size, { src_fixed = true })
    else
      local desc = mm.write_chain(m.cpu, 0x10000, m.dev.data, segs, true)
      m.drv:chain(0, desc)
    end
    m.drv:wait(0)
  end)
  m.sys:run()
  if not ch.done then error("the transfer failed: " .. ch.error) end
  -- every destination byte is the device's pattern, in order
  local off = 0
  local list = #segs > 0 and segs or { { pa = 0x100000, len = size } }
  for _, s in ipairs(list) do
    if m.mem:read(s.pa, s.len) ~= m.dev:expected(off, s.len) then
      error("scatter-gather delivered wrong bytes")
    end
    off = off + s.len
  end
  return m.sys:cycles(ch.done_at - ch.started_at)
end

local width, lat = 8, 20
local d = (lat + 32 // width) + p.desc_cycles + (lat + 1)
local f = p.fence_cycles
local contiguous = dma_time({})

local rows, worst = {}, 0
local ns = { 1, 2, 4, 8, 16, 32, 64 }
local function point(n)
  local seglen = size // n
  local segs = {}
  for i = 0, n - 1 do
    segs[#segs + 1] = { pa = 0x1000000 + i * 2 * seglen, len = seglen }  -- gaps between
  end
  local t = dma_time(segs)
  local extra, model = t - contiguous, n * d + (n - 1) * f
  return extra, model
end
for _, n in ipairs(ns) do
  if size % (n * 256) == 0 then
    local extra, model = point(n)
    worst = math.max(worst, math.abs(extra - model) / model)
    rows[#rows + 1] = { n, contiguous + extra, extra, model }
  end
end
dmasim.table{ title = "Scatter-gather overhead (bus cycles), " .. p.size .. " from a device",
              columns = { "segments", "dma_cycles", "extra", "model n*d+(n-1)*f" },
              rows = rows }

-- Fragmentation: a user buffer on a machine whose free memory is scattered.
local frows = {}
local sg_ok_all, contig_failed = true, false
for _, keep in ipairs{ 0.0, 0.5, 0.75, 0.9 } do
  local m = system{ vm = true }
  local vm = m.vm
  if keep > 0 then vm:fragment(1 - keep, 7) end
  local contig = vm:alloc_contig(size)
  local as = vm:aspace{ size = size }
  local segs = as:sg(0, size)
  local ch = m.dma:channel(0)
  m.sys:spawn(function()
    local desc = mm.write_chain(m.cpu, 0x10000, m.dev.data, segs, true)
    m.drv:chain(0, desc)
    m.drv:wait(0)
  end)
  m.sys:run()
  local intact = ch.done and as:read(0, size) == m.dev:expected(0, size)
  sg_ok_all = sg_ok_all and intact
  if keep >= 0.5 and not contig then contig_failed = true end
  frows[#frows + 1] = { string.format("%d%%", math.floor(keep * 100 + 0.5)),
                        vm.largest_free, contig and "yes" or "FAILED", #segs,
                        intact and "intact" or "CORRUPT",
                        m.sys:cycles(ch.done_at - ch.started_at) }
end
dmasim.table{ title = "A " .. p.size .. " buffer on a fragmented machine",
              columns = { "frames_held", "largest_free_block", "contiguous_alloc",
                          "sg_segments", "sg_transfer", "dma_cycles" },
              rows = frows }

dmasim.report("d_model", d, "cycles")
dmasim.report("f_model", f, "cycles")
dmasim.report("contiguous_cycles", contiguous, "cycles")
local extra, model = point(p.segments)
dmasim.report("extra_cycles", extra, "cycles")
dmasim.report("fragmented_contiguous_failed", contig_failed)
dmasim.report("fragmented_sg_intact", sg_ok_all)

dmasim.claim{
  id = "scatter_gather.overhead",
  claim = "SG of " .. p.segments .. " segments costs n*d + (n-1)*f more",
  model = model, simulated = extra, tolerance = 0.02, unit = "cycles",
}
dmasim.claim{
  id = "scatter_gather.sweep",
  claim = "SG overhead matches n*d + (n-1)*f, n = 1..64 (worst error)",
  model = 0, simulated = worst, tolerance = 0.02,
}
dmasim.claim{
  id = "scatter_gather.fragmented",
  kind = "check",
  claim = "fragmented: contiguous alloc fails and SG delivers intact",
  model = true, simulated = contig_failed and sg_ok_all,
}
