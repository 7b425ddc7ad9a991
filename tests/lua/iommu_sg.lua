-- A scatter-gather list mapped through an IOMMU: three scattered pages
-- (the first entry starting mid-page) become one contiguous I/O address
-- range that a plain (non-chained) DMA transfer fills in one go.
local sys = dmasim.system{}
local io = sys:bus{ name = "io", clock = "500MHz" }
local mem = sys:memory{ size = "64MiB", latency = "50ns" }
local cpu = sys:cpu{ clock = "2GHz" }
local dma = sys:dma{ bus = io, base = 0x80000000, burst = 512 }
local br = sys:bridge{ a = sys.system_bus, b = io, a_to_b = { { 0x80000000, "512MiB" } },
                       b_to_a = { { 0, "64MiB" } } }
local mmu = sys:iommu{ bridge = br }
local dev = sys:dma_device{ cpu = cpu }
local ch = dma:channel(0)
dev:use_iommu{ iommu = mmu, device = ch, memory = mem, pt_base = 0x80000, pt_size = "64KiB" }
mmu:enable(true)
mem:fill(0x1000000, 12288, 3)
local R = dmasim.dma_regs
local ok
sys:spawn(function()
  -- three scattered pages, the first entry starting mid-page
  local dmas, n = dev:map_sg({ { 0x300800, 2048 }, { 0x500000, 4096 }, { 0x200000, 1000 } }, "from_device")
  dmasim.report("n", n)
  dmasim.report("contig", dmas[2] == dmas[1] + 2048 and dmas[3] == dmas[2] + 4096)
  local src = dev:map_single(0x1000000, 7144, "to_device")
  cpu:write64(dma.base + R.SRC_LO, src)
  cpu:write64(dma.base + R.DST_LO, dmas[1])
  cpu:write32(dma.base + R.LEN, 2048 + 4096 + 1000)
  cpu:write32(dma.base + R.CTRL, R.CTRL_START)
  cpu:read32(dma.base + R.STATUS)
  ch:wait()
  cpu:read32(dma.base + R.STATUS)
  dev:unmap_sg(dmas, n, "from_device")
end)
sys:run()
local src = mem:read(0x1000000, 7144)
dmasim.report("intact", mem:read(0x300800, 2048) .. mem:read(0x500000, 4096) .. mem:read(0x200000, 1000) == src)
dmasim.report("faults", mmu.faults)
local f = mmu:fault(1)
if f then dmasim.report("fault", string.format("%#x %s %s", f.iova, tostring(f.write), f.reason)) end
