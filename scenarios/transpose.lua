-- A matrix transposed by a DMA engine's 2-D strided descriptor, against
-- the CPU transposing it through its cache.
--
-- An n x n matrix of e-byte elements lies row-major at S; its transpose
-- goes to D.  The DMA engine does it with one 2-D descriptor (the
-- interleaved-template shape of Linux's struct dma_interleaved_template:
-- frames of chunks, each side with its own strides; see src/hw/dma.h):
-- a chunk is one element, a frame is a source row (n chunks, source
-- stride e, destination stride n e: down a column), and n frames (the
-- source's next row, n e on; the destination's next column, e on).  The
-- CPU does it with the textbook double loop, D[j][i] = S[i][j], each
-- element a load and a store through a write-back, write-allocate data
-- cache.  Both must produce the same bytes.
--
-- The machine: a `cpu_clock` CPU (r CPU cycles per bus cycle) on a 1 GHz
-- bus of w = 8 bytes, DRAM with `mem_latency` (l bus cycles); a
-- `cache_size` cache of `line` (L) byte lines, `ways`-way; a DMA engine
-- whose registers answer in 10 ns.
--
-- Models, from the parameters alone:
--  1. DMA time: every element is a read and a write of e bytes on the bus,
--     2 (l + ceil(e / w)) bus cycles, never merged across chunks:
--       T_dma = n^2 * 2 (l + ceil(e/w)) + 2 (l + 32/w) + (l + 1)
--     the last two terms the descriptor's two fetches and its status
--     write-back (the register set-up and interrupt come on top, a few
--     hundred cycles).
--  2. DMA bus traffic: exactly the matrix twice (read and written), plus
--     the 64-byte descriptor and its 4-byte status: 2 n^2 e + 68 bytes.
--  3. CPU transpose: the source is read row by row, one line fill per L/e
--     elements.  The destination is written down columns, lines n e
--     apart; with a cache of `sets` sets, those lines fall in
--     sets / gcd(sets, n e / L) of them.  When a column has more lines
--     than those sets have ways, LRU over that cyclic walk keeps none
--     long enough: every store misses, filling its line and writing a
--     dirty victim back (fills = n^2 e / L + n^2, write-backs = n^2).
--     When both matrices fit the cache, fills = 2 n^2 e / L and nothing
--     is written back.  Each line transaction is l + L/w bus cycles, and
--     each access a hit of `hit` cycles first:
--       C_cpu = n^2 (2 hit) + (fills + write-backs)(l + L/w) r
--     and the bus carries (fills + write-backs) L bytes.  (Other sizes
--     fall between the two regimes and are refused.)
--  4. CPU cycles freed: the DMA run's CPU spends only the driver's work
--     (the descriptor's stores, a clean of its line, two register writes,
--     the interrupt, a few hundred cycles), so the cycles freed are C_cpu
--     less that.
-- The data check compares each result's hash with the transpose computed
-- in Lua from the source bytes.
local drv = require "dmadrv"

local p = dmasim.params{ n = 512, elem = 4, cpu_clock = "2GHz",
                         mem_latency = "20ns", cache_size = "32KiB",
                         line = 64, ways = 8, hit = 1,
                         dma_mode = "burst" }
local n, e, L = p.n, p.elem, p.line
dmasim.expect(math.type(n) == "integer" and n >= 2 and n <= 4096, "n", n,
              "an integer from 2 to 4096")
dmasim.expect(e == 1 or e == 2 or e == 4 or e == 8, "elem", e,
              "1, 2, 4 or 8 bytes")
local w = 8
local bus_ps = 1000
local cpu_ps = 1e12 / dmasim.freq(p.cpu_clock)
local r = bus_ps / cpu_ps
local l = math.ceil(dmasim.time(p.mem_latency) / bus_ps)
local bytes = n * n * e
local S, D, DESC = 0x100000, 0x100000 + bytes + 0x10000, 0x8000

local function build()
  local sys = dmasim.system{ bus = { clock = "1GHz", width = w } }
  local mem = sys:memory{ name = "dram", base = 0, size = "256MiB",
                          latency = p.mem_latency }
  local cpu = sys:cpu{ clock = p.cpu_clock, word = 8 }
  local cache = sys:cache{ cpu = cpu, size = p.cache_size, line = L,
                           ways = p.ways, word = 8, hit = p.hit }
  mem:fill(S, bytes, 1)
  return sys, mem, cpu, cache
end

-- The reference: the transpose done in Lua from the source's bytes.
local function reference(mem)
  local src, out = mem:read(S, bytes), {}
  for j = 0, n - 1 do
    for i = 0, n - 1 do
      local k = (i * n + j) * e
      out[#out + 1] = src:sub(k + 1, k + e)
    end
  end
  return dmasim.hash(table.concat(out))
end

local function dram(sys)
  return sys:stat("dram.bytes_read") + sys:stat("dram.bytes_written")
end

-- The CPU: D[j][i] = S[i][j], a load and a store per element.  Its
-- cycles and lines are counted when the loop ends; the clean after it
-- only brings the result to memory for the check.
local function by_cpu()
  local sys, mem, cpu, cache = build()
  local want = reference(mem)
  local res = {}
  sys:spawn(function()
    for i = 0, n - 1 do
      local row = S + i * n * e
      for j = 0, n - 1 do
        cpu:store(D + (j * n + i) * e, cpu:load(row + j * e, e))
      end
    end
    res.time = sys:now() / bus_ps
    res.cycles = cpu.busy_cycles
    res.misses, res.writebacks = cache.misses, cache.writebacks
    res.traffic = (cache.misses + cache.writebacks) * L
    cache:clean(D, bytes)
  end)
  sys:run()
  res.intact = mem:hash(D, bytes) == want
  return res
end

-- The DMA: one 2-D descriptor, written by the CPU and cleaned to memory,
-- then the chain started; the CPU sleeps until the interrupt.  Bus
-- traffic is the memory's bytes from the doorbell to the interrupt.
local function by_dma()
  local sys, mem, cpu, cache = build()
  local want = reference(mem)
  local eng = sys:dma{ base = 0x40000000, channels = 1, irq = cpu,
                       reg_latency = "10ns", burst = "256B",
                       mode = p.dma_mode }
  local d = drv.new(cpu, eng, {}):attach(sys)
  local res = {}
  sys:spawn(function()
    cpu:store(DESC, drv.descriptor_2d{
      src = S, dst = D, chunk = e, rows = n, frames = n,
      src_stride = e, dst_stride = n * e,
      src_frame_stride = n * e, dst_frame_stride = e })
    cache:clean(DESC, 64)
    local b0 = dram(sys)
    d:chain(0, DESC)
    d:wait(0)
    res.traffic = dram(sys) - b0
  end)
  sys:run()
  local ch = eng:channel(0)
  res.time = (ch.done_at - ch.started_at) / bus_ps
  res.cycles = cpu.busy_cycles
  res.failed = ch.failed
  res.intact = mem:hash(D, bytes) == want
  return res
end

-- Which regime the model covers: both matrices fit the cache, or a
-- column's lines overflow the ways of the sets they fall in, so every
-- store misses (LRU over a cyclic walk longer than it holds).
local function gcd(a, b) while b ~= 0 do a, b = b, a % b end return a end
local csize = dmasim.size(p.cache_size)
local sets = csize // (L * p.ways)
local col_sets = sets // gcd(sets, (n * e // L) % sets)
local fits = 2 * bytes <= csize
dmasim.expect(fits or ((n * e) % L == 0 and n > col_sets * p.ways), "n", n,
              "a matrix pair that fits the cache, or columns whose lines " ..
              "overflow their sets (n e a multiple of the line and n > " ..
              "ways x the sets a column touches)")

local cp, dm = by_cpu(), by_dma()

-- Models (see the header).
local t_dma = n * n * 2 * (l + math.ceil(e / w)) + 2 * (l + 32 // w) + (l + 1)
local x = l + L // w                              -- a line transaction
local fills, wbs
if fits then
  fills, wbs = 2 * bytes / L, 0
else
  fills, wbs = n * n * e / L + n * n, n * n
end
local c_cpu = n * n * 2 * p.hit + (fills + wbs) * x * r
local b_cpu = (fills + wbs) * L

dmasim.table{
  title = string.format("Transposing a %dx%d matrix of %d-byte elements",
                        n, n, e),
  columns = { "by", "time_bus_cycles", "cpu_cycles", "bus_bytes",
              "data_intact" },
  rows = {
    { "cpu", cp.time, cp.cycles, cp.traffic, tostring(cp.intact) },
    { "dma_2d", dm.time, dm.cycles, dm.traffic, tostring(dm.intact) } } }
dmasim.report("cpu_cache_misses", cp.misses)
dmasim.report("cpu_cache_writebacks", cp.writebacks)
dmasim.report("cycles_freed", cp.cycles - dm.cycles)

dmasim.claim{
  id = "transpose.dma_time",
  claim = "strided DMA takes n^2 element moves of 2 (l + ceil(e/w)) bus " ..
          "cycles each, plus the descriptor",
  model = t_dma, simulated = dm.time, tolerance = 0.001, unit = "cycles",
  intact = dm.intact and not dm.failed,
}
dmasim.claim{
  id = "transpose.dma_traffic",
  claim = "strided DMA moves the matrix over the bus exactly twice, " ..
          "plus the 64-byte descriptor and its status",
  model = 2 * bytes + 68, simulated = dm.traffic, tolerance = 0,
  unit = "bytes", intact = dm.intact,
}
dmasim.claim{
  id = "transpose.cpu_cycles",
  claim = "the CPU's transpose through its cache: n^2 (2 hit) + " ..
          "(fills + write-backs)(l + L/w) r cycles",
  model = c_cpu, simulated = cp.cycles, tolerance = 0.01, unit = "cycles",
  intact = cp.intact,
}
dmasim.claim{
  id = "transpose.cpu_traffic",
  claim = "the CPU moves its fills and write-backs over the bus, a line each",
  model = b_cpu, simulated = cp.traffic, tolerance = 0.01, unit = "bytes",
  intact = cp.intact,
}
dmasim.claim{
  id = "transpose.cycles_freed",
  claim = "the DMA frees the CPU of the transpose's cycles, all but the " ..
          "driver's few hundred",
  model = c_cpu, simulated = cp.cycles - dm.cycles, tolerance = 0.02,
  unit = "cycles", intact = dm.intact and cp.intact,
}
dmasim.claim{
  id = "transpose.same_bytes", kind = "check",
  claim = "the CPU's and the DMA's transposes are the same bytes",
  model = true, simulated = cp.intact and dm.intact,
}
