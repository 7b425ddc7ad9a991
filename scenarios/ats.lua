-- ATS: translations cached in the device, and the invalidation they need.
--
-- Claim (PCIe Address Translation Services): a device with a translation
-- cache of its own (an ATC) asks the IOMMU for a page's translation once
-- and then sends its requests already translated, so the IOMMU translates
-- once a page, not once a request.  The price: the IOMMU's invalidations
-- no longer reach every cached copy; the OS must also invalidate the
-- device's (a device-TLB invalidation, answered by the device's
-- completion), or a device keeps reaching a page after unmap.
--
-- The machine: a 2 GHz CPU and DRAM on the memory bus; a DMA engine on
-- the I/O bus behind a bridge whose IOMMU has an invalidation queue the
-- OS fills (system:iommu{qi_ring}).  The driver maps a `pages`-page
-- buffer for the device (ATS enabled), the engine reads it `passes` times
-- in bursts of `burst` bytes into an output FIFO, the driver unmaps it
-- (strict), the last page's next owner stores a secret there, and the
-- device reads its old I/O address once more.  It runs three times: without
-- ATS, with ATS and the device-TLB invalidation, with ATS and without it.
-- Models, from the parameters alone: the IOMMU translates
-- passes * pages * 4096 / burst requests without ATS; with it, one
-- translation request per page while the ATC holds the buffer
-- (atc >= pages), one per page each pass when it cannot (its LRU order
-- evicts every page before its next use); the device-TLB invalidation
-- drops min(pages, atc) entries.  The invalidation's round trip (from the
-- request the IOMMU writes down to the device's completion coming up) is
-- reported beside: two crossings and the two writes' bus cycles, plus
-- whatever the CPU's polling of the queue's status holds the memory bus.
local p = dmasim.params{ pages = 4, passes = 3, atc = 16, burst = 256,
                         crossing = "50ns", mem_latency = "50ns" }
dmasim.expect(p.pages >= 1 and p.pages <= 64, "pages", p.pages, "1 to 64")
dmasim.expect(p.passes >= 1, "passes", p.passes, "1 or more")
dmasim.expect(p.atc >= 1, "atc", p.atc, "1 or more")
dmasim.expect(4096 % p.burst == 0, "burst", p.burst, "a divisor of 4096")

local R = dmasim.dma_regs
local BUF, PT, N = 0x300000, 0x80000, p.pages * 4096
local IO_HZ = 500e6

local function run(ats, inval)
  local sys = dmasim.system{ name = not ats and "no_ats" or
                             inval and "ats" or "ats_no_inval" }
  local io = sys:bus{ name = "io", clock = IO_HZ, width = 8 }
  local mem = sys:memory{ size = "64MiB", latency = p.mem_latency }
  local cpu = sys:cpu{ clock = "2GHz" }
  local dma = sys:dma{ bus = io, base = 0x80000000, burst = p.burst,
                       atc = ats and p.atc or 0 }
  local out = sys:device{ bus = io, base = 0x90000000, output = true,
                          size = p.passes * N + 64 }
  local br = sys:bridge{ a = sys.system_bus, b = io, latency = p.crossing,
                         a_to_b = { { 0x80000000, "512MiB" } },
                         b_to_a = { { 0, "64MiB" }, { 0x70000000, "4KiB" } } }
  local mmu = sys:iommu{ bridge = br, qi_base = 0x70000000, qi_ring = 0x60000 }
  local dev = sys:dma_device{ cpu = cpu, name = "dev" }
  local ch = dma:channel(0)
  dev:use_iommu{ iommu = mmu, device = ch, memory = mem, pt_base = PT,
                 pt_size = "64KiB", ats = ats,
                 ats_inval = inval and dma.ats_inval or nil }
  mmu:enable(true)
  mem:fill(BUF, N, 7)
  local r = { want = mem:read(BUF, N) }
  local at = 0
  local function send(src, n)
    cpu:write64(dma.base + R.SRC_LO, src)
    cpu:write64(dma.base + R.DST_LO, out.data)
    cpu:write32(dma.base + R.LEN, n)
    cpu:write32(dma.base + R.CTRL, R.CTRL_START | R.CTRL_DST_FIXED)
    cpu:read32(dma.base + R.STATUS)
    ch:wait()
    at = at + n
    return cpu:read32(dma.base + R.STATUS)
  end
  sys:spawn(function()
    local h = dev:map_single(BUF, N, "to_device")
    local t0 = mmu.hits + mmu.misses
    for _ = 1, p.passes do send(h, N) end
    r.lookups = mmu.hits + mmu.misses - t0     -- the IOMMU's translations
    r.requests = dma.ats_requests
    local u0 = sys:now()
    dev:unmap_single(h, N, "to_device")
    r.unmap_ns = (sys:now() - u0) / 1000
    local last = N - 4096                  -- the page used last
    cpu:store(BUF + last, string.rep("S", 64))   -- its next owner
    r.late_error = (send(h + last, 64) & R.STATUS_ERROR) ~= 0
  end)
  sys:run()
  r.intact = true
  for k = 0, p.passes - 1 do
    r.intact = r.intact and out:received(k * N, N) == r.want
  end
  r.leaked = out:received(p.passes * N, 64) == string.rep("S", 64)
  r.faults = mmu.faults
  r.devtlbs, r.hits = mmu.qi_devtlbs, dma.atc_hits
  r.devtlb_ns = mmu.qi_devtlb_time / 1000
  r.atc_dropped = dma.atc_invalidations
  return r
end

local plain, ats, stale = run(false, false), run(true, true), run(true, false)

local per_pass = N // p.burst
local requests_model = p.atc >= p.pages and p.pages or p.pages * p.passes
dmasim.report("iommu_translations_without_ats", plain.lookups)
dmasim.report("iommu_translations_with_ats", ats.lookups)
dmasim.report("ats_translation_requests", ats.requests)
dmasim.report("atc_hits", ats.hits)
dmasim.report("unmap_without_devtlb", stale.unmap_ns, "ns")
dmasim.report("unmap_with_devtlb", ats.unmap_ns, "ns")
dmasim.report("devtlb_invalidations", ats.devtlbs)
dmasim.report("devtlb_round_trip", ats.devtlb_ns, "ns")
dmasim.report("late_read_faulted", ats.late_error)
dmasim.report("stale_atc_leaked", stale.leaked)

dmasim.claim{ id = "ats.requests",
  claim = "with ATS the device asks once a page while its ATC holds the buffer",
  model = requests_model, simulated = ats.requests, tolerance = 0,
  unit = "requests" }
dmasim.claim{ id = "ats.iommu_saved",
  claim = "so the IOMMU translates that many times fewer (the rest come translated)",
  model = p.passes * per_pass / requests_model,
  simulated = plain.lookups / ats.lookups, tolerance = 0, unit = "x" }
dmasim.claim{ id = "ats.intact",
  kind = "check",
  claim = "every pass delivers the buffer's bytes, with ATS and without",
  model = true, simulated = plain.intact and ats.intact and stale.intact }
dmasim.claim{ id = "ats.devtlb",
  claim = "the device-TLB invalidation drops the unmapped pages from the ATC",
  model = math.min(p.pages, p.atc), simulated = ats.atc_dropped, tolerance = 0,
  unit = "entries" }
dmasim.claim{ id = "ats.invalidated",
  kind = "check",
  claim = "with it, the device's late read faults and nothing leaks",
  model = true, simulated = ats.late_error and not ats.leaked and
    ats.devtlbs == 1 }
dmasim.claim{ id = "ats.stale_atc",
  kind = "check",
  claim = "without it, the stale ATC entry leaks the page's new owner's secret",
  model = true, simulated = stale.leaked and not stale.late_error and
    stale.faults == 0 }
