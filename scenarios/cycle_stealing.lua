-- Cycle stealing: the CPU and a DMA engine share one bus.
--
-- Claims:
--  1. If DMA occupies a fraction f of bus time, the bandwidth left to the
--     CPU is (1 - f) * B.
--  2. If DMA holds the bus for t in every period T, a CPU that needs the
--     bus is stalled for a fraction t/T of the time.
--  3. The CPU's effective CPI rises during a transfer.  Model: a CPU with
--     base CPI 1 making m memory references per instruction computes for
--     g = 1/m cycles, then holds the bus r cycles: CPI0 = 1 + m*r alone.  A
--     DMA burst of t >= g cycles every T cycles (f = t/T) starts either
--     during a reference (probability r/(g+r): it waits for it, and the
--     CPU's next reference, g later, waits t - g) or during computation at
--     a uniform point (probability g/(g+r): the next reference waits
--     t - g/2 on average).  The CPU thus loses
--       s = (r*(t - g) + g*(t - g/2)) / (g + r)
--     cycles per burst, and CPI = CPI0 / (1 - s/T).
--  4. Transfer modes: in transparent mode the DMA uses only cycles the CPU
--     does not want, so the CPU runs exactly as fast as alone; in burst
--     mode the DMA finishes in its own bus time (plus at most one CPU
--     access), stalling the CPU meanwhile.
--
-- Claims 1 and 2 use a load that always wants the bus (a synthetic master
-- making access-M requests back to back, started as the CPU rings the
-- doorbell) against a device paced at a rate that makes the DMA take t
-- cycles every T = burst/rate.  Claims 3 and 4 use a CPU running
-- instructions (CPU clock = bus clock, so cycles are comparable).
local machine = require "machine"

local p = dmasim.params{ burst = "256B", bursts = 400, access = 2, mem_frac = 0.2,
                         instr = 200000, copy = "256KiB", cpi_mem_frac = 0.05,
                         cpi_f = 0.3 }
local burst = dmasim.size(p.burst)
dmasim.expect(burst >= 8 and burst <= 65536, "burst", p.burst, "8B to 64KiB")

local base = { cpu_clock = "1GHz", irq = false, burst = p.burst }
local function with(t)
  local q = {}
  for k, v in dmasim.sorted(base) do q[k] = v end
  for k, v in dmasim.sorted(t) do q[k] = v end
  return q
end
local model = machine.model(base)
local t_burst = model.burst_time(burst)          -- bus cycles (CPU = bus clock)
local bus_hz = dmasim.freq(machine.defaults.bus_clock)

-- 1 and 2: a saturating CPU against a DMA paced to occupy a fraction f.
local function share(f)
  local T = t_burst / f                            -- bus cycles per burst
  local rate = burst * bus_hz / T                  -- bytes per second
  local size = burst * p.bursts
  local m = machine.build(with{ dev_rate = rate, dev_size = size })
  local ch = m.dma:channel(0)
  -- The CPU's bus-hungry load: back-to-back accesses on the CPU's clock.
  local load = m.sys:traffic{ name = "load", clock = base.cpu_clock,
                              access = p.access }
  local t0
  m.sys:spawn(function()
    -- The CPU rings the doorbell, then the load starts.
    m.drv:copy(0, m.dev.data, 0x100000, size, { src_fixed = true })
    t0 = m.sys:now()
    load:start()
    ch:wait()
    load:stop()
  end)
  m.sys:run()
  local elapsed = m.sys:cycles(ch.done_at - t0)
  return { f = f, T = T,
           cpu_share = load.bus_cycles / elapsed,
           dma_share = ch.busy_cycles / elapsed,
           stall = load.wait_cycles / elapsed }
end

local rows = {}
local worst_share, worst_stall = 0, 0
for _, f in ipairs{ 0.02, 0.25, 0.5, 0.75, 0.9 } do
  local r = share(f)
  local e1 = math.abs(r.cpu_share - (1 - f))
  local e2 = math.abs(r.stall - f) / f
  worst_share = math.max(worst_share, e1)
  worst_stall = math.max(worst_stall, e2)
  rows[#rows + 1] = { f, string.format("%.0f", r.T), string.format("%.4f", r.dma_share),
                      string.format("%.4f", r.cpu_share), string.format("%.4f", 1 - f),
                      string.format("%.4f", r.stall), string.format("%.1e", e1) }
end
dmasim.table{ title = "Bus shares: saturating CPU against a DMA taking t = " ..
                      t_burst .. " cycles every T",
              columns = { "f=t/T", "T", "dma_share", "cpu_share", "1-f",
                          "cpu_stall", "|cpu-(1-f)|" },
              rows = rows }

-- 3 and 4: a CPU running instructions while the DMA copies a buffer.
local copy = dmasim.size(p.copy)
local function cpi_run(mode, f, mem_frac, size)
  local q = with{ dma_mode = mode or "cycle_stealing", mem_frac = mem_frac or p.mem_frac }
  local rate
  local copy = size or copy
  if f then
    rate = burst * bus_hz / (t_burst / f)
    q.dev_rate, q.dev_size = rate, copy
  end
  local m = machine.build(q)
  local ch = m.dma:channel(0)
  local t_cpu
  m.mem:fill(0x100000, copy, 3)
  m.sys:spawn(function()
    if mode then
      if f then
        m.drv:copy(0, m.dev.data, 0x800000, copy, { src_fixed = true })
      else
        m.drv:copy(0, 0x100000, 0x800000, copy)
      end
    end
    local i0, c0 = m.cpu.instructions, m.cpu.busy_cycles
    local t0 = m.sys:now()
    m.cpu:compute(p.instr)
    t_cpu = (m.sys:now() - t0) / m.cpu.period
  end)
  m.sys:run()
  local ok = (not mode) or f or m.mem:hash(0x800000, copy) == m.mem:hash(0x100000, copy)
  if not ok then error("the copy in " .. mode .. " mode delivered wrong bytes") end
  return { cpi = t_cpu / p.instr, dma = mode and m.sys:cycles(ch.done_at - ch.started_at),
           dma_busy = mode and ch.busy_cycles }
end

local r_ref = model.mem_access
local cpi0_model = 1 + p.mem_frac * r_ref
local alone = cpi_run(nil)
local m3, f3 = p.cpi_mem_frac, p.cpi_f
-- The paced transfer outlasts the computation, so every instruction runs
-- while the DMA steals cycles.
local stolen = cpi_run("cycle_stealing", f3, m3, 8 * copy)
local calm = cpi_run(nil, nil, m3)
local c0 = 1 + m3 * r_ref
local g = 1 / m3
local lost = (r_ref * (t_burst - g) + g * (t_burst - g / 2)) / (g + r_ref)
local cpi_model = c0 / (1 - lost / (t_burst / f3))
dmasim.expect(t_burst >= g, "cpi_mem_frac", m3,
              "a fraction with 1/m <= the burst's " .. t_burst .. " cycles")

local modes = {}
for _, mode in ipairs{ "burst", "cycle_stealing", "transparent" } do
  modes[mode] = cpi_run(mode)
end
local mrows = { { "none", string.format("%.4f", alone.cpi), "-", "-" } }
for _, mode in ipairs{ "burst", "cycle_stealing", "transparent" } do
  local r = modes[mode]
  mrows[#mrows + 1] = { mode, string.format("%.4f", r.cpi), r.dma, r.dma_busy }
end
dmasim.table{ title = "Copying " .. p.copy .. " while the CPU runs " ..
                      p.instr .. " instructions (mem_frac " .. p.mem_frac .. ")",
              columns = { "dma_mode", "cpu_cpi", "dma_cycles", "dma_bus_cycles" },
              rows = mrows }

local u_cpu = p.mem_frac * r_ref / cpi0_model     -- CPU's bus use alone
dmasim.report("t_burst", t_burst, "cycles")
dmasim.report("cpi_alone_model", cpi0_model)
dmasim.report("cpi_alone_simulated", alone.cpi)
dmasim.report("cpi_transfer_alone", calm.cpi)
dmasim.report("cpi_transfer_model", cpi_model)
dmasim.report("cpi_transfer_simulated", stolen.cpi)

-- The shares are measured from the doorbell to the last burst, so the
-- first period's start and the last one's end put them off 1 - f by up to
-- about t/(bursts*T) of the bus; 0.005 of bus time covers that, and a DMA
-- that took twice its share or none would miss by f.
dmasim.claim{
  id = "cycle_stealing.share",
  claim = "CPU bus share = 1 - f for the imposed f (worst |share - (1-f)|, f 0.02..0.9)",
  model = 0, simulated = worst_share, tolerance = 0.005,
}
dmasim.claim{
  id = "cycle_stealing.stall",
  claim = "CPU stalled t/T of the time (worst error)",
  model = 0, simulated = worst_stall, tolerance = 0.01,
}
dmasim.claim{
  id = "cycle_stealing.cpi",
  claim = "effective CPI during a transfer (f=" .. f3 .. ")",
  model = cpi_model, simulated = stolen.cpi, tolerance = 0.05,
}
dmasim.claim{
  id = "cycle_stealing.transparent_cpu",
  claim = "transparent DMA leaves the CPU's CPI unchanged",
  model = cpi0_model, simulated = modes.transparent.cpi, tolerance = 0.001,
}
-- Transparent DMA gets the 1 - u of the bus the CPU leaves while the CPU
-- runs (for CPI0 * instr cycles), and the whole bus after; the copy needs
-- `busy` bus cycles of its own (a read and a write burst per burst).
local t_cpu_alone = cpi0_model * p.instr
local busy = model.copy_time(copy)               -- the copy's own bus time
local t_transparent = busy / (1 - u_cpu)
if t_transparent > t_cpu_alone then
  t_transparent = t_cpu_alone + (busy - (1 - u_cpu) * t_cpu_alone)
end
dmasim.claim{
  id = "cycle_stealing.transparent_dma",
  claim = "transparent DMA uses only the cycles the CPU leaves",
  model = t_transparent,
  simulated = modes.transparent.dma, tolerance = 0.01, unit = "cycles",
}
dmasim.claim{
  id = "cycle_stealing.burst_dma",
  claim = "burst-mode DMA finishes in its own bus time",
  model = busy, simulated = modes.burst.dma,
  tolerance = (r_ref + 1) / busy, unit = "cycles",
}
