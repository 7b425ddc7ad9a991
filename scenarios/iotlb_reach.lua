-- IOTLB reach: a device's reads slow down once its working set outgrows
-- what the IOMMU's TLB maps.
--
-- Published figures (Intel VT-d measurements; "IOMMU: Strategies for
-- Mitigating the IOTLB Bottleneck", Amit, Ben-Yehuda, Schuster and
-- Tsafrir, WIOSCA 2010, and later measurements of the same effect): an
-- IOTLB of 64 entries; a miss adds about 226 ns to a 600 ns 64-byte
-- device read; no penalty up to a 256 KiB window, the full penalty from
-- about 1-2 MiB (64 x 4 KiB pages of reach); with 2 MiB pages no drop at
-- a 64 MiB window.
--
-- The simulation: a device on the I/O bus reads 64 bytes at random
-- (seeded) 64-byte-aligned I/O addresses of a window of host memory
-- through a bridge (260 ns each way, a PCIe-like round trip) and the
-- IOMMU on it, by a DMA descriptor chain kept in the device's own memory;
-- host DRAM answers in 75 ns.  Nothing is charged for a miss: the penalty
-- is the IOMMU's page walk, three 8-byte reads of the I/O page table in
-- host DRAM (two for a 2 MiB page).  The model, from the parameters
-- alone: a read takes base + miss * walk, where walk = levels * (memory
-- latency + one beat) and the miss rate of uniform random reads over W
-- bytes with an LRU IOTLB of E entries of page size P is max(0, 1 - E P /
-- W).  Each window is warmed first (every page read once), then measured.
local iopt = require "iopt"

local p = dmasim.params{ reads = 300, entries = 64, mem_latency = "75ns",
                         crossing = "260ns", seed = 11 }
dmasim.expect(p.reads >= 50, "reads", p.reads, "50 or more")

local KiB, MiB = 1024, 1024 * 1024
local HOST, PT = 64 * MiB, 0x80000        -- the window's host memory; tables
local R = dmasim.dma_regs
local bus_ns = 1                          -- the memory bus: 1 GHz

-- Nanoseconds per 64-byte read over a window of w bytes, with pages of
-- `page` bytes behind the IOMMU (page = 0: IOMMU off).
local function measure(w, page)
  local sys = dmasim.system{ bus = { clock = "1GHz", width = 64 } }
  local io = sys:bus{ name = "io", clock = "1GHz", width = 16 }
  local mem = sys:memory{ size = "256MiB", latency = p.mem_latency }
  local cpu = sys:cpu{ clock = "2GHz" }
  local local_mem = sys:memory{ bus = io, name = "devmem", base = 0x60000000,
                                size = "16MiB" }
  local dma = sys:dma{ bus = io, base = 0x40000000, burst = 64 }
  local br = sys:bridge{ a = sys.system_bus, b = io, latency = p.crossing,
                         queue = 4, a_to_b = { { 0x40000000, "256MiB" } },
                         b_to_a = { { 0, "256MiB" } } }
  local mmu = sys:iommu{ bridge = br, entries = p.entries }
  local ch = dma:channel(0)
  math.randomseed(p.seed)
  local function chain(at, n, src_of)
    local parts = {}
    for i = 0, n - 1 do
      local next_desc = i < n - 1 and at + (i + 1) * 32 or 0
      parts[#parts + 1] = string.pack("<I8I8I4I4I8", src_of(i), 0x60800000 + (i % 1024) * 64,
                                      64, 0, next_desc)
    end
    local_mem:write(at, table.concat(parts))
  end
  local pages = w // math.max(page, 4096)
  local t_warm, t_end
  sys:spawn(function()
    local iova = 0
    if page > 0 then
      local pt = iopt.new(cpu, PT, 2 + (w // (2 * MiB)) + 1)
      if page == 4096 then pt:map(iova, HOST, w, "r")
      else for off = 0, w - 1, page do pt:map_large(iova + off, HOST + off, "r") end end
      mmu:attach(ch, mmu:domain{ root = pt.root })
      mmu:enable(true)
    else
      iova = HOST       -- no IOMMU: device addresses are physical
    end
    local function run_chain(at)
      cpu:write64(dma.base + R.DESC_LO, at)
      cpu:write32(dma.base + R.CTRL, R.CTRL_START | R.CTRL_CHAIN)
      cpu:read32(dma.base + R.STATUS)
      ch:wait()
    end
    -- warm: every page once; then the measured random reads
    chain(0x60000000, pages, function(i) return iova + i * math.max(page, 4096) end)
    run_chain(0x60000000)
    t_warm = ch.done_at
    chain(0x60400000, p.reads, function() return iova + (math.random(0, w // 64 - 1)) * 64 end)
    run_chain(0x60400000)
    t_end = ch.done_at
  end)
  sys:run()
  return (t_end - ch.started_at) / p.reads / 1000, mmu.misses
end

local base = measure(256 * KiB, 0)
local walk4k = 3 * (dmasim.time(p.mem_latency) / 1000 + bus_ns)
local walk2m = 2 * (dmasim.time(p.mem_latency) / 1000 + bus_ns)
local reach4k = p.entries * 4 * KiB
local function model(w, page, walk)
  return base + math.max(0, 1 - p.entries * page / w) * walk
end

local rows, worst = {}, 0
local t_big, t_big2m
local t_small = measure(reach4k, 4096)
for _, w in ipairs{ 64 * KiB, 256 * KiB, 512 * KiB, 1 * MiB, 2 * MiB, 8 * MiB, 64 * MiB } do
  local t = measure(w, 4096)
  local m = model(w, 4096, walk4k)
  worst = math.max(worst, math.abs(t - m) / m)
  if w == 64 * MiB then t_big = t end
  rows[#rows + 1] = { w // KiB, string.format("%.1f", t), string.format("%.1f", m),
                      string.format("%.1f", t - base) }
end
t_big2m = measure(64 * MiB, 2 * MiB)
dmasim.table{ title = "64-byte random reads through the IOMMU (4 KiB pages), ns per read",
              columns = { "window_KiB", "simulated", "model", "penalty" }, rows = rows }

dmasim.report("read_ns_no_iommu", base, "ns")
dmasim.report("read_ns_at_reach", t_small, "ns")
dmasim.report("read_ns_64MiB", t_big, "ns")
dmasim.report("read_ns_64MiB_2MiB_pages", t_big2m, "ns")
dmasim.report("miss_penalty_ns", t_big - base, "ns")
dmasim.report("walk_model_ns", walk4k, "ns")
dmasim.report("reach_KiB", reach4k // KiB, "KiB")

dmasim.claim{ id = "iotlb_reach.penalty",
  claim = "an IOTLB miss adds a page walk to a device read (published on 600 ns)",
  model = (1 - reach4k / (64 * MiB)) * walk4k, simulated = t_big - base,
  tolerance = 0.05, unit = "ns", published = 226 }
dmasim.claim{ id = "iotlb_reach.within_reach",
  claim = "no penalty while the window fits the IOTLB's reach (published: 256 KiB)",
  model = base, simulated = t_small, tolerance = 0.02, unit = "ns" }
dmasim.claim{ id = "iotlb_reach.large_pages",
  claim = "2 MiB pages reach 512x further (published: no drop at a 64 MiB window)",
  model = model(64 * MiB, 2 * MiB, walk2m), simulated = t_big2m, tolerance = 0.02,
  unit = "ns" }
dmasim.claim{ id = "iotlb_reach.curve",
  claim = "read time against window follows base + (1 - reach/W) * walk (worst relative error)",
  model = 0, simulated = worst, tolerance = 0.05 }
