-- ATS: a DMA engine with a translation cache of its own (atc entries)
-- behind an IOMMU that answers its translation requests.  A 4-page buffer
-- mapped for the device is read twice into an output FIFO (the first pass
-- asks for each page's translation, the second finds them cached), then
-- unmapped (strict); the page gets a new owner's secret, and the device
-- reads the old I/O address once more.  With `inval` the OS's unmap sends
-- the device a device-TLB invalidation through the IOMMU's queue and the
-- read faults; without, the device's own cache still translates it and
-- the secret leaks.  (ring = false: no OS ring for the invalidation;
-- window = false: no way up for its completion; both are refused.)
local p = dmasim.params{ inval = true, atc = 16, ring = true, window = true }
local sys = dmasim.system{}
local io = sys:bus{ name = "io", clock = "500MHz", width = 8 }
local mem = sys:memory{ size = "64MiB", latency = "50ns" }
local cpu = sys:cpu{ clock = "2GHz" }
local dma = sys:dma{ bus = io, base = 0x80000000, burst = 256, atc = p.atc }
local out = sys:device{ bus = io, base = 0x90000000, output = true,
                        size = 3 * 16384 }
local br = sys:bridge{ a = sys.system_bus, b = io, latency = "50ns",
                       a_to_b = { { 0x80000000, "512MiB" } },
                       b_to_a = { { 0, "64MiB" },
                                  p.window and { 0x70000000, "4KiB" } or nil } }
local mmu = sys:iommu{ bridge = br, qi_base = 0x70000000,
                       qi_ring = p.ring and 0x60000 or nil }
local dev = sys:dma_device{ cpu = cpu, name = "nic" }
local ch = dma:channel(0)
dev:use_iommu{ iommu = mmu, device = ch, memory = mem, pt_base = 0x80000,
               pt_size = "64KiB", ats = true,
               ats_inval = p.inval and dma.ats_inval or nil }
mmu:enable(true)
local BUF, N = 0x300000, 16384
mem:fill(BUF, N, 4)
local want = mem:read(BUF, N)
local R = dmasim.dma_regs

local function send(src, n)
  cpu:write64(dma.base + R.SRC_LO, src)
  cpu:write64(dma.base + R.DST_LO, out.data)
  cpu:write32(dma.base + R.LEN, n)
  cpu:write32(dma.base + R.CTRL, R.CTRL_START | R.CTRL_DST_FIXED)
  cpu:read32(dma.base + R.STATUS)
  ch:wait()
  return cpu:read32(dma.base + R.STATUS)
end

local passes = {}
sys:spawn(function()
  local h = dev:map_single(BUF, N, "to_device")
  for k = 1, 2 do
    local w0, t0 = mmu.walk_reads, sys:now()
    send(h, N)
    passes[k] = { ns = (sys:now() - t0) / 1000, walks = mmu.walk_reads - w0,
                  hits = dma.atc_hits, requests = dma.ats_requests }
  end
  dev:unmap_single(h, N, "to_device")
  cpu:store(BUF, string.rep("S", 64))    -- the page's next owner
  local status = send(h, 64)             -- the device, once more
  dmasim.report("late_error", (status & 4) ~= 0)
end)
sys:run()
dmasim.report("pass1_ns", passes[1].ns)
dmasim.report("pass2_ns", passes[2].ns)
dmasim.report("pass1_walks", passes[1].walks)
dmasim.report("pass2_walks", passes[2].walks)
dmasim.report("pass1_requests", passes[1].requests)
dmasim.report("pass2_hits", passes[2].hits - passes[1].hits)
dmasim.report("requests", dma.ats_requests)
dmasim.report("iommu_ats_requests", mmu.ats_requests)
dmasim.report("atc_invalidations", dma.atc_invalidations)
dmasim.report("devtlbs", mmu.qi_devtlbs)
dmasim.report("faults", mmu.faults)
dmasim.report("intact", out:received(0, N) == want and
  out:received(N, N) == want)
dmasim.report("leaked", out:received(2 * N, 64) == string.rep("S", 64))
