-- The mapping API invalidating through the IOMMU's queue: a page mapped
-- for a device (strict mode), written by one DMA transfer, unmapped, then
-- written again at the same I/O address.  With `qi` the IOMMU has an OS
-- ring and the unmap's invalidation is descriptors, a tail write and
-- polls; without, it is `inval` cycles at once.  Either way the second
-- transfer must fault: the unmap left no translation behind.
local p = dmasim.params{ qi = true, lazy = false }
local sys = dmasim.system{}
local io = sys:bus{ name = "io", clock = "500MHz", width = 8 }
local mem = sys:memory{ size = "64MiB", latency = "50ns" }
local cpu = sys:cpu{ clock = "2GHz" }
local dma = sys:dma{ bus = io, base = 0x80000000, burst = 256 }
local br = sys:bridge{ a = sys.system_bus, b = io,
                       a_to_b = { { 0x80000000, "512MiB" } },
                       b_to_a = { { 0, "64MiB" } } }
local mmu = sys:iommu{ bridge = br, qi_base = 0x70000000,
                       qi_ring = p.qi and 0x60000 or nil }
local dev = sys:dma_device{ cpu = cpu }
local ch = dma:channel(0)
dev:use_iommu{ iommu = mmu, device = ch, memory = mem, pt_base = 0x80000,
               pt_size = "64KiB", lazy = p.lazy, flush_max = 2 }
mmu:enable(true)
mem:fill(0x1000000, 4096, 5)
local R = dmasim.dma_regs

local function write(src, dst, n)
  cpu:write64(dma.base + R.SRC_LO, src)
  cpu:write64(dma.base + R.DST_LO, dst)
  cpu:write32(dma.base + R.LEN, n)
  cpu:write32(dma.base + R.CTRL, R.CTRL_START)
  cpu:read32(dma.base + R.STATUS)
  ch:wait()
  cpu:read32(dma.base + R.STATUS)
end

sys:spawn(function()
  local src = dev:map_single(0x1000000, 256, "to_device")
  local t0 = sys:now()
  local dst = dev:map_single(0x300000, 4096, "from_device")
  local t1 = sys:now()
  write(src, dst, 256)
  local t2 = sys:now()
  dev:unmap_single(dst, 4096, "from_device")
  local t3 = sys:now()
  dmasim.report("map_ns", (t1 - t0) / 1000)
  dmasim.report("unmap_ns", (t3 - t2) / 1000)
  dmasim.report("written", mem:read(0x300000, 256) == mem:read(0x1000000, 256))
  mem:fill(0x300000, 256, 6)
  local before = mem:read(0x300000, 256)
  write(src, dst, 256)                  -- through the unmapped address
  dmasim.report("second_faults", mmu.faults)
  dmasim.report("untouched", mem:read(0x300000, 256) == before)
end)
sys:run()
dmasim.report("qi_submissions", mmu.qi_submissions)
dmasim.report("qi_descriptors", mmu.qi_descriptors)
dmasim.report("qi_waits", mmu.qi_waits)
dmasim.report("polls", dev.polls)
dmasim.report("invalidations", dev.iommu_invalidations)
