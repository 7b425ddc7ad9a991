-- One contiguous I/O address range, or a scatter-gather list, for the
-- same scattered buffer.
--
-- Claim (the seed): a buffer scattered over physical memory reaches a
-- device either as a scatter-gather list (the device fetches a descriptor
-- per fragment) or, more elegantly, through the IOMMU, which maps the
-- scattered pages to one contiguous I/O virtual range, so that a device
-- without scatter-gather moves it in one transfer and the IOMMU does the
-- scattering.  Each has its price: a descriptor fetch per fragment against
-- an IOTLB miss (a page walk) per page.  Linux's dma-iommu does the same
-- (iommu_dma_map_sg: a list whose boundaries fall on pages becomes one
-- IOVA range).
--
-- The machine (as iotlb_reach.lua): host DRAM (75 ns) on a 1 GHz memory
-- bus; a DMA engine on a 1 GHz I/O bus behind a bridge of 260 ns each way
-- with the IOMMU on it.  The engine reads a `size`-byte buffer, scattered
-- in fragments of `frag` pages with a page's gap between them, into a
-- device's output FIFO (a transmit):
--   sg    the IOMMU off; a chain of one descriptor per fragment, in host
--         memory, written by the CPU; the engine fetches each across the
--         bridge;
--   iova  dma_device:map_sg through the IOMMU: one contiguous I/O range;
--         one transfer programmed in the engine's registers; each page's
--         first read misses in the IOTLB and waits for a walk.
-- Both against the same bytes read from a physically contiguous buffer
-- with the IOMMU off (base).  The model, from the parameters alone:
--   walk W = levels * (memory latency + one memory-bus beat), per page
--   descriptor D = 2 * crossing + memory latency + 32-byte read beats
--                  (I/O bus) + one memory-bus beat + desc_cycles
--   write-back B = memory latency + one memory-bus beat: the previous
--                  descriptor's status write reaches the memory just
--                  ahead of the next fetch, which waits for it
-- so iova costs base + pages * W and sg base + fragments * D +
-- (fragments - 1) * B, and the contiguous range wins while a fragment
-- holds fewer than about (D + B) / W pages.
local p = dmasim.params{ size = "64KiB", mem_latency = "75ns", crossing = "260ns",
                         desc_cycles = 20 }
local size = dmasim.size(p.size)
dmasim.expect(size % (16 * 4096) == 0 and size <= 4 * 1024 * 1024, "size", p.size,
              "a multiple of 64KiB up to 4MiB")

local PAGE = 4096
local R = dmasim.dma_regs
local BUF, DESC, PT, IOVA0 = 0x1000000, 0x800000, 0x80000, 0x100000
local io_width = 16

local function run(way, frag)
  local sys = dmasim.system{ bus = { clock = "1GHz", width = 64 } }
  local io = sys:bus{ name = "io", clock = "1GHz", width = io_width }
  local mem = sys:memory{ size = "256MiB", latency = p.mem_latency }
  local cpu = sys:cpu{ clock = "2GHz" }
  local dma = sys:dma{ bus = io, base = 0x40000000, burst = 256,
                       desc_cycles = p.desc_cycles }
  local out = sys:device{ bus = io, base = 0x50000000, size = size, output = true }
  local br = sys:bridge{ a = sys.system_bus, b = io, latency = p.crossing,
                         queue = 4, a_to_b = { { 0x40000000, "256MiB" } },
                         b_to_a = { { 0, "256MiB" } } }
  local mmu = sys:iommu{ bridge = br }
  local dev = sys:dma_device{ cpu = cpu, name = "tx" }
  local ch = dma:channel(0)
  -- the buffer: fragments of `frag` pages, a page apart (contiguous: base)
  local segs, pages = {}, size // PAGE
  for i = 0, pages // frag - 1 do
    local pa = way == "base" and BUF + i * frag * PAGE or BUF + i * (frag + 1) * PAGE
    segs[#segs + 1] = { pa, frag * PAGE }
    mem:fill(pa, frag * PAGE, 100 + i)
  end
  local expect = {}
  for _, s in ipairs(segs) do expect[#expect + 1] = mem:read(s[1], s[2]) end
  expect = table.concat(expect)
  if way == "iova" then
    dev:use_iommu{ iommu = mmu, device = ch, memory = mem, pt_base = PT,
                   pt_size = "256KiB", iova_base = IOVA0 }
    mmu:enable(true)
  end
  local cpu_cycles
  sys:spawn(function()
    local c0 = cpu.busy_cycles
    if way == "sg" then
      local blob = {}
      for i, s in ipairs(segs) do
        local next_desc = i < #segs and DESC + i * R.DESC_SIZE or 0
        blob[#blob + 1] = string.pack("<I8I8I4I4I8", s[1], out.data, s[2],
                                      R.DESC_DST_FIXED, next_desc)
      end
      cpu:store(DESC, table.concat(blob))
      cpu_cycles = cpu.busy_cycles - c0
      cpu:write64(dma.base + R.DESC_LO, DESC)
      cpu:write32(dma.base + R.CTRL, R.CTRL_START | R.CTRL_CHAIN)
    else
      local src = segs[1][1]
      if way == "iova" then
        local dmas, n = dev:map_sg(segs, "to_device")
        if n ~= #segs then error("map_sg failed") end
        src = dmas[1]
      end
      cpu_cycles = cpu.busy_cycles - c0
      cpu:write64(dma.base + R.SRC_LO, src)
      cpu:write64(dma.base + R.DST_LO, out.data)
      cpu:write32(dma.base + R.LEN, size)
      cpu:write32(dma.base + R.CTRL, R.CTRL_START | R.CTRL_DST_FIXED)
    end
    cpu:read32(dma.base + R.STATUS)
    ch:wait()
  end)
  sys:run()
  return { ns = (ch.done_at - ch.started_at) / 1000, cpu = cpu_cycles,
           intact = out:received(0, size) == expect, misses = mmu.misses,
           frags = #segs, pages = pages }
end

local mem_ns = dmasim.time(p.mem_latency) / 1000
local W = 3 * (mem_ns + 1)
local D = 2 * dmasim.time(p.crossing) / 1000 + mem_ns + 32 // io_width + 1 + p.desc_cycles
local B = mem_ns + 1
local function sg_model(frags) return frags * D + (frags - 1) * B end
local base = run("base", 1)
local rows, worst_w, worst_d, all_intact, winners_agree = {}, 0, 0, base.intact, true
local per = {}
for _, frag in ipairs{ 1, 2, 4, 8, 16 } do
  local sg, iova = run("sg", frag), run("iova", frag)
  all_intact = all_intact and sg.intact and iova.intact
  local w = (iova.ns - base.ns) / iova.pages
  local d = (sg.ns - base.ns) / sg.frags
  worst_w = math.max(worst_w, math.abs(w - W) / W)
  worst_d = math.max(worst_d, math.abs(sg.ns - base.ns - sg_model(sg.frags)) / sg_model(sg.frags))
  local model_winner = sg_model(sg.frags) > iova.pages * W and "iova" or "sg"
  local winner = iova.ns < sg.ns and "iova" or "sg"
  winners_agree = winners_agree and model_winner == winner
  per[frag] = { sg = sg, iova = iova }
  rows[#rows + 1] = { frag, sg.frags, string.format("%.0f", sg.ns), string.format("%.0f", iova.ns),
                      string.format("%.0f", d), string.format("%.0f", w), iova.misses,
                      sg.cpu, iova.cpu, winner }
end
dmasim.table{ title = string.format("Reading a scattered %d KiB buffer: descriptors against IOTLB misses (base %.0f ns)",
                                    size // 1024, base.ns),
  columns = { "frag_pages", "fragments", "sg_ns", "iova_ns", "ns_per_descriptor",
              "ns_per_page_walk", "iotlb_misses", "sg_cpu_cycles", "iova_cpu_cycles", "faster" },
  rows = rows }
-- By buffer size, at the two ends of fragmentation (the run's own size
-- aside): the sizes change the totals, not which way wins.
local srows = {}
for _, sz in ipairs{ 64 * 1024, 256 * 1024, 1024 * 1024 } do
  size = sz
  local b0 = run("base", 1)
  for _, frag in ipairs{ 1, 16 } do
    local sg, iova = run("sg", frag), run("iova", frag)
    all_intact = all_intact and b0.intact and sg.intact and iova.intact
    local m_sg, m_iova = sg_model(sg.frags), iova.pages * W
    srows[#srows + 1] = { sz // 1024, frag, string.format("%.0f", sg.ns - b0.ns),
                          string.format("%.0f", m_sg), string.format("%.0f", iova.ns - b0.ns),
                          string.format("%.0f", m_iova), iova.ns < sg.ns and "iova" or "sg" }
    winners_agree = winners_agree and ((m_sg > m_iova) == (iova.ns < sg.ns))
  end
end
size = dmasim.size(p.size)
dmasim.table{ title = "By buffer size: ns over the contiguous base, simulated and model",
  columns = { "size_KiB", "frag_pages", "sg_extra", "sg_model", "iova_extra", "iova_model", "faster" },
  rows = srows }
dmasim.report("base_ns", base.ns, "ns")
dmasim.report("walk_model_ns", W, "ns")
dmasim.report("descriptor_model_ns", D, "ns")
dmasim.report("writeback_model_ns", B, "ns")
dmasim.report("crossover_pages_model", (D + B) / W, "pages")

dmasim.claim{ id = "iova_vs_sg.walk_per_page",
  claim = "the contiguous I/O range costs one page walk per page (worst relative error over fragment sizes)",
  model = 0, simulated = worst_w, tolerance = 0.05 }
dmasim.claim{ id = "iova_vs_sg.desc_per_fragment",
  claim = "the scatter-gather list costs a descriptor fetch across the bridge and a status write-back per fragment (worst relative error)",
  model = 0, simulated = worst_d, tolerance = 0.05 }
dmasim.claim{ id = "iova_vs_sg.one_page_fragments",
  claim = "with one-page fragments the contiguous I/O range is faster by the descriptors' cost less the walks'",
  model = sg_model(size // PAGE) - (size // PAGE) * W, simulated = per[1].sg.ns - per[1].iova.ns,
  tolerance = 0.05, unit = "ns" }
dmasim.claim{ id = "iova_vs_sg.crossover",
  kind = "check",
  claim = "the faster way at each fragment size is the one the model predicts",
  model = true, simulated = winners_agree }
dmasim.claim{ id = "iova_vs_sg.intact",
  kind = "check",
  claim = "every way delivers the buffer's bytes in order",
  model = true, simulated = all_intact }
