-- Overlap: moving a stream of blocks while the CPU processes them.
--
-- Claim (the seed): delegating the transfers to DMA lets the CPU process
-- one block while the engine moves the next (double buffering); for a
-- 512 KiB block "the overall data processing throughput can be boosted by
-- a factor of 1.58 or more".  The seed gives no workload.  Here the
-- speed-up is predicted from stated parameters and their sources, and the
-- simulation says whether 1.58 follows from them.
--
-- Processing reads the block it processes.  The CPU has a coherent L1
-- (32 KiB, 64-byte lines; the DMA's writes snoop it, `snoop` bus cycles a
-- line, charged to the DMA, and invalidate what it holds, so the CPU sees
-- the new block without maintenance).  The software processes the block a
-- chunk (4 KiB) at a time: it loads the chunk through the cache (every line
-- misses: one bus transaction of a line each, a grant of its own that
-- competes with the DMA moving the next block) and then spends `w` cycles
-- per byte on it.  The data the CPU loaded is checked against what the
-- device sent (hashes); a stale or torn block makes the claims disagree.
-- (With blocks this much larger than the cache it never still holds a line
-- of the buffer the DMA refills, the other block having streamed through
-- it in between, so what coherence costs here is the snoops' bus time.)
--
-- Sources of the parameters:
--   w, cycles of processing per byte: a published throughput of a real
--   workload on a named CPU.  lzbench 1.8 on one core of an Intel Core
--   i7-8700K (inikep/lzbench, doc/lzbench18_sorted.md; silesia.tar, clang
--   9.0.1) compresses at 35 MB/s with zlib 1.2.11 -6 (zlib's and gzip's
--   default level: the default workload here), 119 MB/s with zlib -1,
--   480 MB/s with zstd 1.4.3 -1 and 737 MB/s with lz4 1.9.2; lzbench's MB
--   is 10^6 bytes (its speed is input bytes * 1000 / ns).  At the
--   i7-8700K's 4.7 GHz single-core turbo (Intel's specification) that is
--   4.7e9 / rate cycles per byte: 134.3, 39.5, 9.79 and 6.38.  This CPU is
--   taken to need the same cycles per byte (CPI 1, one instruction a
--   cycle) at its own 2 GHz.  The measured figures include the loads that
--   hit the measuring core's caches, so the simulated cache charges no
--   cycles for a hit (hit = 0) and only its line fills cost extra: the
--   i7's prefetchers hide those, this blocking cache does not.
--   PIO cost per word and the DMA's burst time: the reference machine's
--   stated latencies (scenarios/lib/machine.lua: DRAM 20 ns, the device's
--   data register 30 ns, an 8-byte bus at 1 GHz, a 2 GHz CPU), unchanged.
--
-- Model (CPU cycles; r CPU cycles a bus cycle; K blocks of B bytes, n words
-- of 4 bytes, c cycles a PIO word (loop, device read, memory write); the
-- block is m chunks of l lines; f = (mem latency + line beats) * r a line
-- fill; a = chunk * w the chunk's compute; b a DMA burst of 4 KiB with its
-- snoops, N = B / 4 KiB bursts, T = N * b the transfer; S = set-up +
-- completion as in pio_vs_dma):
--   alone, a block's processing:  Q = m * (a + l * f)
--   PIO: nothing overlaps:        T_pio = K * (n * c + Q)
--   DMA: block 0 is fetched alone, then each period sets up the next
--        transfer and processes the current block while it moves:
--        T_dma = setup + T + completion + (K - 1) * (S + X) + Q
--   X, the overlapped period: both masters share the bus, round robin, and
--   the DMA asks again as each burst ends, so while the DMA streams every
--   line fill waits for one burst: a chunk's fills wait W = l * b.  The
--   DMA holds the bus while the CPU computes and while it waits, a + W of
--   each chunk, so it ends after k = T / (a + W) chunks (fewer than m when
--   the DMA ends first); the CPU waited k * W in all, and the DMA's end
--   slipped by its k * l fills:
--        X = max(Q + min(k, m) * W, T + min(k, m) * l * f)
--   (the wait for the burst in progress when a chunk's fills begin is taken
--   as a whole burst: at most b per chunk, 1/l of W).
--   speed-up = T_pio / T_dma, from the parameters alone.
-- The sweep runs each sourced workload (and none) through the model and the
-- simulation; the claim is the default workload's speed-up, with the
-- seed's "1.58 or more" beside it.  The model holds within 1% for chunks
-- of 64 B to 16 KiB and blocks of 64 KiB up.
--
-- What it shows: zlib -6 processing (134 cycles a byte) gives about 1.19,
-- so the seed's 1.58 is not reproduced; of the sourced workloads only
-- zlib -1 (39.5 cycles a byte, 1.64) reaches it; the seed's figure needs a
-- workload of at most about 44 cycles a byte on this machine.  The line
-- fills' contention with the DMA is a few tenths of a per cent of a zlib
-- period, but sets the speed-up of the light workloads (lz4, none): the
-- sweep is the claim that a broken contention mechanism fails.
local machine = require "machine"

-- lzbench 1.8, one core of an i7-8700K (see above): compression MB/s.
local WORKLOADS = {
  { name = "zlib-6", mbps = 35 },
  { name = "zlib-1", mbps = 119 },
  { name = "zstd-1", mbps = 480 },
  { name = "lz4", mbps = 737 },
}
local SOURCE_HZ = 4.7e9            -- i7-8700K single-core turbo
local function cycles_per_byte(w) return SOURCE_HZ / (w.mbps * 1e6) end

local p = dmasim.params{ block = "512KiB", blocks = 3, workload = "zlib-6",
                         work_per_byte = -1.0, chunk = "4KiB", snoop = 1,
                         sweep = true }
local block = dmasim.size(p.block)
local chunk = dmasim.size(p.chunk)
local LINE, CACHE = 64, 32 * 1024
local known = {}
for _, w in ipairs(WORKLOADS) do known[w.name] = w end
dmasim.expect(known[p.workload] ~= nil, "workload", p.workload,
              "one of zlib-6, zlib-1, zstd-1, lz4")
dmasim.expect(chunk >= LINE and chunk <= 64 * 1024 and chunk % LINE == 0,
              "chunk", p.chunk, "64B to 64KiB, a multiple of 64 bytes")
-- The CPU's PIO stores are bus writes that bypass its own cache, so a
-- block no larger than the cache could be read stale from the previous
-- one; from twice its size every line of the last block has been evicted.
dmasim.expect(block >= 2 * CACHE and block % chunk == 0 and block % 4096 == 0,
              "block", p.block,
              "a size >= 64KiB (twice the 32 KiB cache), a multiple of chunk and of 4KiB")
dmasim.expect(math.type(p.blocks) == "integer" and p.blocks >= 2, "blocks",
              p.blocks, "an integer >= 2")
dmasim.expect(p.work_per_byte == -1 or p.work_per_byte >= 0, "work_per_byte",
              p.work_per_byte, "cycles per byte >= 0, or -1 for the workload's")
dmasim.expect(math.type(p.snoop) == "integer" and p.snoop >= 0, "snoop",
              p.snoop, "bus cycles per line, an integer >= 0")
local default_w = p.work_per_byte >= 0 and p.work_per_byte
                  or cycles_per_byte(known[p.workload])

local q = { dev_size = block * p.blocks, burst = "4KiB" }
local model = machine.model(q)
local word = machine.defaults.word
local n = block // word
local bufs = { 0x1000000, 0x2000000 }

-- Closed-form costs of the processing and of the overlap, in CPU cycles.
local mp = machine.build(q).p
local bus_ps = 1e12 / dmasim.freq(mp.bus_clock)
local mem_lat = math.ceil(dmasim.time(mp.mem_latency) / bus_ps)
local fill = (mem_lat + math.ceil(LINE / mp.bus_width)) * model.r
local lines = chunk // LINE                    -- l
local chunks = block // chunk                  -- m
local bursts = block // 4096                   -- N
local burst = model.burst_time(4096) + (4096 // LINE) * p.snoop * model.r
local T = bursts * burst

local function model_times(w)
  local a = chunk * w
  local Q = chunks * (a + lines * fill)
  local W = lines * burst
  local k = math.min(T / (a + W), chunks)
  local X = math.max(Q + k * W, T + k * lines * fill)
  local t_pio = p.blocks * (n * model.c + Q)
  local t_dma = model.setup + T + model.completion
                + (p.blocks - 1) * (model.S + X) + Q
  return t_pio, t_dma, X
end

-- Run the stream one way with w cycles of processing per byte; returns
-- the elapsed CPU cycles and whether the CPU read every block intact.
local function simulate(how, w)
  local m = machine.build(q)
  m.sys:cache{ cpu = m.cpu, size = CACHE, ways = 4, line = LINE, hit = 0,
               coherent = true, snoop = p.snoop }
  local ok = true
  local elapsed
  local per_chunk = math.floor(chunk * w + 0.5)
  local function process(i, buf)
    local got = {}
    for off = 0, block - 1, chunk do
      got[#got + 1] = m.cpu:load(buf + off, chunk)
      m.cpu:compute(per_chunk)
    end
    if dmasim.hash(table.concat(got)) ~=
       dmasim.hash(m.dev:expected(i * block, block)) then
      ok = false
    end
  end
  m.sys:spawn(function()
    local t0 = m.sys:now()
    if how == "pio" then
      for i = 0, p.blocks - 1 do
        m.cpu:pio_read(m.dev.data, bufs[1], block)
        process(i, bufs[1])
      end
    else
      local function start(i)
        m.cpu:compute(machine.defaults.setup_instr)
        m.drv:copy(0, m.dev.data, bufs[i % 2 + 1], block, { src_fixed = true })
      end
      start(0)
      m.drv:wait(0)
      for i = 0, p.blocks - 1 do
        if i + 1 < p.blocks then start(i + 1) end
        process(i, bufs[i % 2 + 1])
        if i + 1 < p.blocks then m.drv:wait(0) end
      end
    end
    elapsed = (m.sys:now() - t0) / m.cpu.period
  end)
  m.sys:run()
  return elapsed, ok
end

local function point(w)
  local mp_, md = model_times(w)
  local sp, okp = simulate("pio", w)
  local sd, okd = simulate("dma", w)
  -- a corrupted or stale block makes the claims disagree (intact = false)
  return { w = w, model = mp_ / md, sim = sp / sd, sp = sp, sd = sd,
           intact = okp and okd }
end

local main = point(default_w)
local rows, worst, all_intact = {}, 0, true
local points = { { name = p.work_per_byte >= 0 and "given" or p.workload,
                   w = default_w, r = main } }
if p.sweep then
  points[#points + 1] = { name = "none", w = 0 }
  for _, wl in ipairs(WORKLOADS) do
    if wl.name ~= p.workload or p.work_per_byte >= 0 then
      points[#points + 1] = { name = wl.name, w = cycles_per_byte(wl) }
    end
  end
  table.sort(points, function(x, y) return x.w < y.w end)
end
for _, pt in ipairs(points) do
  local r = pt.r or point(pt.w)
  local err = math.abs(r.sim - r.model) / r.model
  if err > worst then worst = err end
  all_intact = all_intact and r.intact
  rows[#rows + 1] = { pt.name, string.format("%.2f", pt.w),
                      string.format("%.0f", r.sp), string.format("%.0f", r.sd),
                      string.format("%.3f", r.model), string.format("%.3f", r.sim),
                      string.format("%.2f%%", 100 * err) }
end
dmasim.table{ title = "Speed-up of DMA with double buffering over PIO (" ..
                      p.blocks .. " blocks of " .. p.block .. "; processing " ..
                      "from lzbench 1.8 on an i7-8700K)",
              columns = { "workload", "cycles_per_byte", "pio_cycles",
                          "dma_cycles", "model", "simulated", "error" },
              rows = rows }
dmasim.report("pio_cycles_per_word", model.c, "cycles")
dmasim.report("dma_transfer_cycles_per_block", T, "cycles")
dmasim.report("line_fill_cycles", fill, "cycles")
dmasim.report("processing_cycles_per_byte", default_w, "cycles")
dmasim.report("speedup_model", main.model)
dmasim.report("speedup_simulated", main.sim)
dmasim.report("sweep_worst_error", worst)

dmasim.claim{
  id = "overlap.speedup",
  claim = "double-buffered DMA speed-up over PIO (" ..
          (p.work_per_byte >= 0 and string.format("%g cycles/byte", default_w)
           or p.workload .. " processing") .. ")",
  model = main.model, simulated = main.sim, tolerance = 0.02,
  published = 1.58, published_is = "over", intact = main.intact,
}
if p.sweep then
  dmasim.claim{
    id = "overlap.sweep",
    claim = "speed-up matches the model across the sourced workloads",
    model = 0, simulated = worst, tolerance = 0.02, intact = all_intact,
  }
end
