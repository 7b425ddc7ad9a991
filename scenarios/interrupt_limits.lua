-- Interrupt limits: the largest interrupt rate a CPU sustains, and what
-- coalescing buys.
--
-- Each interrupt costs the CPU h = entry + handler + exit cycles (the
-- handler here is fixed work, no bus traffic).  A CPU of clock f:
--  1. spends a share lambda * h / f of its time on interrupts arriving at
--     rate lambda; other work gets the rest;
--  2. sustains at most f / h interrupts per second: beyond that, each
--     interrupt waits longer than the one before and nothing else runs.
-- Coalescing (the device interrupts once per k units, the handler then
-- moving k units: base + k * per_unit cycles):
--  3. the share at a unit rate lambda_u is (lambda_u / k) *
--     (entry + exit + base + k * per_unit) / f;
--  4. the largest unit rate rises to k * f / (entry + exit + base +
--     k * per_unit).
-- The simulation raises the CPU's line from a periodic timer through the
-- interrupt controller; the handler is a Lua function on the CPU's line.
-- Shares are measured on a background computation of W instructions (as
-- many as `irqs` timer periods would take at CPI 1): 1 - W / (its
-- completion time in cycles).  The sustainable limit is
-- the shortest timer period (whole ns) at which no interrupt waits beyond
-- its entry cycles.
local p = dmasim.params{ cpu_clock = "1GHz", irq_entry = 100, irq_exit = 50,
                         base = 400, per_unit = 100, unit_rate = "500kHz",
                         irqs = 1000 }
local f = dmasim.freq(p.cpu_clock)
local lambda_u = dmasim.freq(p.unit_rate)
dmasim.expect(f % 1e9 == 0 or 1e12 % (1e12 / f) == 0, "cpu_clock", p.cpu_clock,
              "a clock of a whole number of ps")
local cyc_ps = 1e12 / f

local function h(k) return p.irq_entry + p.irq_exit + p.base + k * p.per_unit end

-- Run the CPU with a timer of period_ps, handlers of k units.  With work,
-- the background computation's completion time (cycles); else run
-- `count` interrupts.  Returns that time and the line's statistics.
local function run(period_ps, k, work, count)
  local sys = dmasim.system{ bus = { clock = p.cpu_clock, width = 8 } }
  local cpu = sys:cpu{ clock = p.cpu_clock, irq_entry = p.irq_entry,
                       irq_exit = p.irq_exit }
  local ic = sys:intc{ lines = 1 }
  ic:route(0, cpu, 1)
  local t = sys:timer{ intc = ic, line = 0 }
  cpu:on_irq(0, function() cpu:busy(p.base + k * p.per_unit) end)
  local done
  sys:spawn(function()
    t:start(period_ps, true)
    if work then
      cpu:compute(work)
      done = sys:now() / cyc_ps
    else
      sys:wait(period_ps * count)
    end
    t:stop()
  end)
  sys:run()
  return done, ic:line(0)
end

-- 1 and 3: the share interrupts take at the unit rate, k units each.
local function share(k)
  local period = math.floor(k * 1e12 / lambda_u + 0.5)
  local work = math.floor(p.irqs * period / cyc_ps)
  local t = run(period, k, work)
  return 1 - work / t, (1e12 / period) * h(k) / f
end

-- 2 and 4: the shortest sustainable timer period (ns), by bisection.
local function limit(k)
  local function ok(ns)
    local _, l = run(ns * 1000, k, nil, 20)
    return l.delivered > 0 and l.lost == 0 and
           l.latency_max <= p.irq_entry * cyc_ps
  end
  local lo, hi = 1, 4 * h(k) * cyc_ps / 1000
  while not ok(hi) do hi = hi * 2 end
  while lo < hi do
    local mid = (lo + hi) // 2
    if ok(mid) then hi = mid else lo = mid + 1 end
  end
  return lo
end

local rows, claims = {}, {}
for _, k in ipairs{ 1, 4, 16 } do
  local s_sim, s_model = share(k)
  local ns = limit(k)
  local max_sim = k * 1e9 / ns                     -- units per second
  local max_model = k * f / h(k)
  rows[#rows + 1] = { k, h(k), string.format("%.4f", s_model),
                      string.format("%.4f", s_sim),
                      string.format("%.0f", max_model),
                      string.format("%.0f", max_sim) }
  claims[k] = { s_sim = s_sim, s_model = s_model, max_sim = max_sim,
                max_model = max_model }
end
dmasim.table{ title = "Interrupts at " .. p.unit_rate .. " units/s, k units each",
              columns = { "k", "cycles_per_irq", "cpu_share_model",
                          "cpu_share_sim", "max_units_per_s_model",
                          "max_units_per_s_sim" },
              rows = rows }

dmasim.claim{
  id = "interrupt_limits.share",
  claim = "interrupts take lambda * h / f of the CPU (one per unit)",
  model = claims[1].s_model, simulated = claims[1].s_sim, tolerance = 0.01,
}
dmasim.claim{
  id = "interrupt_limits.max_rate",
  claim = "a CPU sustains at most f / h interrupts per second",
  model = claims[1].max_model, simulated = claims[1].max_sim,
  tolerance = 0.002, unit = "1/s",
}
dmasim.claim{
  id = "interrupt_limits.coalesced_share",
  claim = "coalescing 16 units per interrupt: the share it leaves",
  model = claims[16].s_model, simulated = claims[16].s_sim, tolerance = 0.01,
}
dmasim.claim{
  id = "interrupt_limits.coalesced_max_rate",
  claim = "coalescing 16: at most 16 f / (e + x + base + 16 u) units/s",
  model = claims[16].max_model, simulated = claims[16].max_sim,
  tolerance = 0.002, unit = "1/s",
}
