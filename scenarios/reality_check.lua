-- Reality check: the same experiments on this host and in simulation.
--
-- `dmasim calibrate -o host.lua` measures the host and runs the seed's
-- overlap experiment for real: 16 blocks are copied and each processed
-- (a dependent multiply-add per 8 bytes), either by one thread that
-- copies then processes, or with the copies offloaded to a second thread
-- (a software DMA engine) and double buffering.  It also times the
-- cache maintenance of a 256 KiB range of dirty lines.
--
-- Here the same experiments run in simulation on a machine built from
-- those figures alone (machine.load): the CPU at the measured clock, main
-- memory at the measured latency, a bus carrying twice the measured copy
-- rate (a copy reads and writes every byte).  The processing is the
-- measured cost per byte, spent as CPU work with no bus traffic (the
-- block is in the cache); the offload pays the measured hand-off (the
-- worker's wake-up) before each copy, and a waiting submitter the
-- measured wake-up latency.  In simulation the programmed copy is the CPU
-- loading and storing the block (one bus transaction each way), the
-- offloaded copy a DMA engine, programmed by the second CPU, moving it in
-- 4 KiB bursts.  The maintenance is the cache flushing each line at the
-- measured cost of a clean line, each dirty line's write-back a bus
-- transaction.
--
-- Each row: measured, simulated, model (from the figures alone), and
-- whether simulated and model agree (a claim, as everywhere in the tour)
-- and whether the simulation reproduces the measurement within 15% (the
-- measurement stands where a source's published figure would).  Where it
-- does not, the mechanism the simulation leaves out is named in the row's
-- note.  Without a calibration file the scenario reports only how to make
-- one, so the tour runs it everywhere.
--
--   dmasim calibrate -o host.lua
--   dmasim run scenarios/reality_check.lua -D calibration=host.lua
local machine = require "machine"

local p = dmasim.params{ calibration = "host.lua", burst = "4KiB" }
local burst = dmasim.size(p.burst)
dmasim.expect(burst >= 64 and burst <= 1024 * 1024, "burst", p.burst,
              "64B to 1MiB")

local probe, why = dmasim.data(p.calibration)
if probe == nil and why:find("^cannot read") then
  dmasim.report("calibration", "none: run `dmasim calibrate -o " .. p.calibration
                .. "` first (" .. why .. ")")
  return
end
local host = machine.load(p.calibration)
local hp = host.params

local cpu_hz = dmasim.freq(hp.cpu_clock)
local bus_hz = dmasim.freq(hp.bus_clock)
local width = hp.bus_width
local bus_ps = math.floor(1e12 / bus_hz)   -- the bus's period, as it keeps it
local cpu_ps = 1e12 / cpu_hz
local mem_ps = dmasim.time(hp.mem_latency)
local lat = math.ceil(mem_ps / bus_ps)     -- memory latency in bus cycles
local function beats(n) return math.ceil(n / width) end
local function ns(cycles, period) return cycles * period / 1000 end

local handoff = host.offload.handoff_ns
local wakeup = host.wakeup_ns
local P_per_byte = host.process_ns_per_byte

-- ---- the closed-form model, from the figures alone (ns) ----
local model = {}
-- one memory transaction of n bytes on the bus
function model.xact(n) return ns(lat + beats(n), bus_ps) end
-- the CPU's programmed copy: a load of the block, then a store of it
function model.cpu_copy(B) return 2 * model.xact(B) end
-- a DMA copy in bursts: each a read of the source and a write
function model.dma_copy(B)
  local full, last = B // burst, B % burst
  return full * 2 * model.xact(burst) + (last > 0 and 2 * model.xact(last) or 0)
end
-- programming the engine: source and destination (64-bit), length and
-- control (32-bit), each a bus transaction to the registers
model.program = 2 * ns(beats(8), bus_ps) + 2 * ns(beats(4), bus_ps)
function model.process(B) return math.ceil(P_per_byte * B * cpu_hz / 1e9) * cpu_ps / 1000 end
function model.serial(B, K) return K * (model.cpu_copy(B) + model.process(B)) end
-- The offload: a copy is ready D after its submission; a submitter that
-- finishes processing first waits for it and wakes `wakeup` later.
function model.offload(B, K)
  local D = handoff + model.program + model.dma_copy(B)
  local P = model.process(B)
  local period = P >= D and P or D + wakeup
  return (D + wakeup) + (K - 1) * period + P
end

-- ---- the simulation ----
local DMA = 0x40000000
local R = dmasim.dma_regs

local function build()
  local sys = dmasim.system{ bus = { clock = bus_hz, width = width } }
  sys:memory{ size = "64MiB", latency = hp.mem_latency }
  local cpu = sys:cpu{ name = "main", clock = cpu_hz }
  local worker = sys:cpu{ name = "worker", clock = cpu_hz }
  local dma = sys:dma{ base = DMA, burst = burst, mode = "burst" }
  return sys, cpu, worker, dma
end

local SRC, BUF = 0x100000, 0x2000000

local function simulate_serial(B, K)
  local sys, cpu = build()
  local t_end
  sys:spawn(function()
    for k = 0, K - 1 do
      local data = cpu:load(SRC + k * B, B)
      cpu:store(BUF, data)
      cpu:busy(math.ceil(P_per_byte * B * cpu_hz / 1e9))
    end
    t_end = sys:now()
  end)
  sys:run()
  return t_end / 1000
end

local function simulate_offload(B, K)
  local sys, cpu, worker, dma = build()
  local ch = dma:channel(0)
  local job, done = sys:completion(), sys:completion()
  local finished, t_end = 0, nil
  local next_job = 0
  -- the worker: woken `handoff` after a submission, programs the engine,
  -- waits for the copy
  sys:spawn(function()
    for k = 0, K - 1 do
      job:wait()
      sys:wait(string.format("%.3fns", handoff))
      worker:write64(DMA + R.SRC_LO, SRC + k * B)
      worker:write64(DMA + R.DST_LO, BUF + (k % 2) * B)
      worker:write32(DMA + R.LEN, B)
      worker:write32(DMA + R.CTRL, R.CTRL_START)
      ch:wait()
      finished = k + 1
      done:complete()
    end
  end)
  sys:spawn(function()
    local function wait_copy(k)
      if finished < k + 1 then
        done:wait()
        sys:wait(string.format("%.3fns", wakeup))
      else
        done:wait()     -- already completed: consumed at once
      end
    end
    job:complete()
    wait_copy(0)
    for k = 0, K - 1 do
      if k + 1 < K then job:complete() end
      cpu:busy(math.ceil(P_per_byte * B * cpu_hz / 1e9))
      if k + 1 < K then wait_copy(k + 1) end
    end
    t_end = sys:now()
  end)
  sys:run()
  return t_end / 1000
end

local rows, worst = {}, 0
local function row(what, measured, sim, mod, note)
  local err = math.abs(sim - mod) / mod
  worst = math.max(worst, err)
  local off = math.abs(sim - measured) / measured
  rows[#rows + 1] = { what, string.format("%.3g", measured), string.format("%.3g", sim),
                      string.format("%.3g", mod),
                      off <= 0.15 and "yes" or string.format("no (%+.0f%%)", 100 * (sim - measured) / measured),
                      off <= 0.15 and "" or note }
  return off
end

for _, o in ipairs(host.overlap) do
  local B, K = o.block, o.blocks
  local kib = B // 1024
  local ts, to = simulate_serial(B, K), simulate_offload(B, K)
  local gbs = function(t) return K * B / t end       -- bytes per ns = GB/s
  local ms, mo = o.serial_bytes_per_s / 1e9, o.offload_bytes_per_s / 1e9
  local s_serial, s_off = gbs(ts), gbs(to)
  local m_serial, m_off = gbs(model.serial(B, K)), gbs(model.offload(B, K))
  row(string.format("serial %d KiB, GB/s", kib), ms, s_serial, m_serial,
      "the host's copy is faster from its caches than the bus model's")
  row(string.format("offload %d KiB, GB/s", kib), mo, s_off, m_off,
      "two threads share memory bandwidth and a core's caches")
  dmasim.claim{ id = string.format("reality_check.overlap_%dk", kib),
    claim = string.format("offloaded copies with double buffering, %d KiB blocks (GB/s; "
                          .. "published: this host, measured)", kib),
    model = m_off, simulated = s_off, tolerance = 0.15, unit = "GB/s",
    published = mo }
end

-- ---- cache maintenance of 256 KiB of dirty lines ----
local maint
for _, m in ipairs(host.maint) do
  if m.clean_ns and not maint then maint = m end
end
if maint and host.maint_range.dirty_ns then
  local size, line = host.maint_range.size, 64
  local lines = size // line
  local flush = math.ceil(maint.clean_ns * cpu_hz / 1e9)   -- CPU cycles per line
  local sys = dmasim.system{ bus = { clock = bus_hz, width = width } }
  sys:memory{ size = "64MiB", latency = hp.mem_latency }
  local cpu = sys:cpu{ clock = cpu_hz }
  local cache = sys:cache{ cpu = cpu, size = 2 * size, ways = 8, line = line,
                           flush = flush, barrier = 0 }
  local t0, t1
  sys:spawn(function()
    for a = BUF, BUF + size - 1, line do cpu:write64(a, a) end
    t0 = sys:now()
    cache:flush(BUF, size)
    t1 = sys:now()
  end)
  sys:run()
  local sim = (t1 - t0) / 1000
  local mod = lines * flush * cpu_ps / 1000 + lines * model.xact(line)
  local off = row(string.format("flush 256 KiB dirty (%s), ns", maint.insn),
                  host.maint_range.dirty_ns, sim, mod,
                  "write-backs overlap on the host; here each waits for memory")
  dmasim.report("maint_sim_ns", sim, "ns")
  dmasim.report("maint_measured_ns", host.maint_range.dirty_ns, "ns")
  dmasim.report("maint_off", off)
end

dmasim.table{ title = "This host, measured and simulated (" .. p.calibration .. ")",
              columns = { "experiment", "measured", "simulated", "model",
                          "within 15%", "missing mechanism" }, rows = rows }
dmasim.claim{ id = "reality_check.consistent",
  claim = "every simulated row follows the model of the same figures (worst relative error)",
  model = 0, simulated = worst, tolerance = 0.05 }
