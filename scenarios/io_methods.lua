-- The three I/O methods: one device moving a block by polling, by
-- interrupt-driven I/O and by DMA, and the CPU each one costs.
--
-- The machine: CPU and bus at 1 GHz (cycles of both coincide), 8-byte
-- bus, DRAM with 20 ns latency; the device's registers answer in 30 ns
-- and it produces `block` bytes at `dev_rate`; PIO moves 8-byte words
-- (per word: `pio_loop` instructions, the device read 30 + 1 cycles and
-- the memory write 20 + 1: w cycles); a DMA engine's registers answer in
-- 10 ns (11 cycles a 4- or 8-byte access).
--
-- Claims, from the parameters alone (f: the clock, R: the device's rate,
-- U: the unit of data, I: the poll interval):
--  1. Polling: the CPU reads STATUS every I (a register read, 31 cycles,
--     plus `poll_instr` instructions: c_poll); the share of the CPU spent
--     polling is (1/I) * c_poll / f, counted apart from moving the data.
--  2. Interrupt-driven: the device interrupts per U bytes; the handler
--     moves them by PIO: a share (R/U) * (entry + exit + (U/8) w) / f.
--  3. DMA: the CPU pays once per block: set-up (four register writes) and
--     completion (entry, STATUS read and clear, the handler's work, exit).
-- Each method moves the device's real bytes.  The first table gives the
-- fraction of the CPU left to other work over the transfer (B / R): as
-- 1 - busy/T, and as measured by a background process that computes in
-- slices of `bg_slice` cycles on the same CPU for as long as the transfer
-- lasts (run apart, so that the claims' runs are the method alone; its
-- slices wait for the method's work, and the method's for a slice, so the
-- two figures differ by that sharing).  The second sweeps the device's
-- rate and the unit (sweep = false: leave it out), each method's CPU
-- share simulated against its model (the poll interval at least a poll
-- and a unit's PIO).
local drv = require "dmadrv"
local poll = require "poll"

local p = dmasim.params{ block = "4KiB", dev_rate = "10MB/s", unit = "64B",
                         poll_interval = "1us", poll_instr = 10,
                         pio_loop = 2, irq_entry = 100, irq_exit = 50,
                         handler_cycles = 200, bg_slice = 50,
                         sweep = true }
local B, U = dmasim.size(p.block), dmasim.size(p.unit)
local R = dmasim.bandwidth(p.dev_rate)
local I = dmasim.time(p.poll_interval)             -- ps
dmasim.expect(U >= 8 and U % 8 == 0 and B % U == 0, "unit", p.unit,
              "a multiple of 8 bytes dividing the block")
local f = 1e9
local cyc = 1000                                   -- ps per cycle

-- The model's costs, in cycles.
local w = p.pio_loop + (30 + 1) + (20 + 1)
local c_poll = (30 + 1) + p.poll_instr
local c_irq = p.irq_entry + p.irq_exit + (U // 8) * w
local c_dma = 4 * 11 + p.irq_entry + 2 * 11 + p.handler_cycles + p.irq_exit
local T = B / R * f                                -- the transfer, cycles
dmasim.expect(c_poll + (U // 8) * w <= I / cyc, "poll_interval",
              p.poll_interval, "at least a poll and a unit's PIO ("
              .. (c_poll + (U // 8) * w) .. " cycles): polls then keep "
              .. "their schedule")

local function build(intc_unit, rate)
  local sys = dmasim.system{ bus = { clock = "1GHz", width = 8 } }
  local mem = sys:memory{ base = 0, size = "1MiB", latency = "20ns" }
  local cpu = sys:cpu{ clock = "1GHz", word = 8, pio_loop = p.pio_loop,
                       irq_entry = p.irq_entry, irq_exit = p.irq_exit }
  local ic = sys:intc{ lines = 4 }
  ic:route(1, cpu, 1)
  local dev = sys:device{ size = B, rate = rate or p.dev_rate,
                          latency = "30ns", intc = intc_unit and ic or nil,
                          irq_line = 1, irq_unit = intc_unit }
  return sys, mem, cpu, dev, ic
end

-- Other work on the same CPU: slices of bg_slice cycles until done();
-- returns a function giving the cycles done.
local function background(sys, cpu, done)
  local work = 0
  sys:spawn(function()
    while not done() do
      cpu:compute(p.bg_slice)
      work = work + p.bg_slice
    end
  end)
  return function() return work end
end

local buf = 0x10000

-- 1. Polling on a fixed schedule (scenarios/lib/poll.lua), moving every
-- whole unit found ready.
local function polling(bg, rate, unit, interval)
  local sys, mem, cpu, dev = build(nil, rate)
  local pl = poll.new(sys, cpu, { cost = p.poll_instr,
                                  interval = interval or I })
  local fin, work = false
  sys:spawn(function()
    pl:read(dev, buf, B, { unit = unit or U })
    fin = sys:now()
  end)
  if bg then work = background(sys, cpu, function() return fin end) end
  sys:run()
  assert(mem:read(buf, B) == dev:expected(0, B), "polling: wrong bytes")
  return { busy = cpu.busy_cycles, poll = pl.poll_ps / cyc, polls = pl.polls,
           elapsed = (fin or sys:now()) / cyc, work = work and work() }
end

-- 2. Interrupt-driven: a handler per unit.
local function interrupts(bg, rate, unit)
  unit = unit or U
  local sys, mem, cpu, dev, ic = build(unit, rate)
  local moved, fin, work = 0
  cpu:on_irq(1, function()
    cpu:pio_read(dev.data, buf + moved, unit)
    moved = moved + unit
    if moved >= B then fin = sys:now() end
  end)
  if bg then work = background(sys, cpu, function() return fin end) end
  sys:run()
  assert(mem:read(buf, B) == dev:expected(0, B), "interrupts: wrong bytes")
  return { busy = cpu.busy_cycles, irqs = ic:line(1).delivered,
           lost = ic:line(1).lost, elapsed = (fin or sys:now()) / cyc,
           work = work and work() }
end

-- 3. DMA: one programmed transfer and its completion interrupt.
local function dma(bg, rate, unit)
  local sys, mem, cpu, dev = build(nil, rate)
  local eng = sys:dma{ irq = cpu, irq_line = 0, reg_latency = "10ns",
                       burst = unit or U, mode = "cycle_stealing" }
  local d = drv.new(cpu, eng, { handler_cost = p.handler_cycles }):attach(sys)
  local fin, work = false
  sys:spawn(function()
    d:copy(0, dev.data, buf, B, { src_fixed = true })
    d:wait(0)
    fin = sys:now()
  end)
  if bg then work = background(sys, cpu, function() return fin end) end
  sys:run()
  assert(mem:read(buf, B) == dev:expected(0, B), "dma: wrong bytes")
  return { busy = cpu.busy_cycles, elapsed = (fin or sys:now()) / cyc,
           work = work and work() }
end

local po, it, dm = polling(), interrupts(), dma()
local pb, ib, db = polling(true), interrupts(true), dma(true)
local function left(busy) return string.format("%.4f", 1 - busy / T) end
local function measured(r) return string.format("%.4f", r.work / r.elapsed) end
dmasim.table{ title = "Moving " .. p.block .. " from a " .. p.dev_rate
                      .. " device in units of " .. p.unit,
              columns = { "method", "cpu_cycles", "of_which_polling",
                          "events", "cpu_left", "left_measured" },
              rows = {
                { "polling", po.busy, string.format("%.0f", po.poll),
                  po.polls .. " polls", left(po.busy), measured(pb) },
                { "interrupts", it.busy, 0, it.irqs .. " irqs",
                  left(it.busy), measured(ib) },
                { "dma", dm.busy, 0, "1 irq", left(dm.busy),
                  measured(db) } } }

-- The sweep: each method's CPU share against its model, by device rate
-- and unit (interrupts past a share of 1 saturate the CPU: lost ones).
if p.sweep then
  local rows = {}
  for _, rate in ipairs({ "1MB/s", "10MB/s", "50MB/s" }) do
    for _, unit in ipairs({ 8, 64, 256 }) do
      local r = dmasim.bandwidth(rate)
      local t = B / r * f
      local ci = p.irq_entry + p.irq_exit + (unit // 8) * w
      local need = (c_poll + (unit // 8) * w) * cyc
      local iv = math.max(I, math.ceil(need / 1e6) * 1e6)
      local pp = polling(false, rate, unit, iv)
      local ii = (r / unit) * ci / f < 1 and interrupts(false, rate, unit)
      local dd = dma(false, rate, unit)
      rows[#rows + 1] = {
        rate, unit .. "B", string.format("%gus", iv / 1e6),
        string.format("%.4f", pp.poll / pp.elapsed),
        string.format("%.4f", c_poll * cyc / iv),
        ii and string.format("%.4f", ii.busy / t) or "saturated",
        string.format("%.4f", (r / unit) * ci / f),
        string.format("%.5f", dd.busy / t),
        string.format("%.5f", c_dma / t) }
    end
  end
  dmasim.table{ title = "CPU share by device rate and unit (" .. p.block
                        .. " each)",
                columns = { "rate", "unit", "poll_every", "polling",
                            "model", "interrupts", "model", "dma",
                            "model" },
                rows = rows }
end
dmasim.report("polls", po.polls)
dmasim.report("irqs", it.irqs)
dmasim.report("irqs_lost", it.lost)

dmasim.claim{
  id = "io_methods.polling_share",
  claim = "polling takes (1/I) * c_poll / f of the CPU",
  model = c_poll * cyc / I, simulated = po.poll / po.elapsed,
  tolerance = 0.02,
  formula = string.format("c_poll / (I f) = (31 + %d) cycles / %g cycles"
                          .. " = %g", p.poll_instr, I / cyc,
                          c_poll * cyc / I),
  explain = "the CPU reads the device's STATUS register over the bus "
            .. "(a 30 ns register access, 31 bus cycles) and runs the poll "
            .. "loop's instructions once per interval; the simulated share "
            .. "is the time those reads and instructions took, measured "
            .. "around each poll, over the whole run; it agrees because "
            .. "nothing else contends for the bus while the CPU polls",
}
dmasim.claim{
  id = "io_methods.interrupt_share",
  claim = "interrupt-driven I/O takes (R/U)(entry + exit + PIO(U)) / f",
  model = (R / U) * c_irq / f, simulated = it.busy / T, tolerance = 0.01,
  formula = string.format("(R/U) (entry + exit + (U/8) w) / f = (%g / %d)"
                          .. " (%d + %d + %d * %d) / 1e9 = %g", R, U,
                          p.irq_entry, p.irq_exit, U // 8, w,
                          (R / U) * c_irq / f),
  explain = "the device raises its interrupt line each time U bytes are "
            .. "ready; the CPU takes it (entry cycles), the handler reads "
            .. "the data register word by word and writes memory (PIO, w "
            .. "cycles a word) and returns (exit cycles); the simulated "
            .. "share is the CPU's busy cycles over the transfer's length "
            .. "B/R",
}
dmasim.claim{
  id = "io_methods.dma_cpu",
  claim = "DMA costs the CPU set-up + completion per block",
  model = c_dma, simulated = dm.busy, tolerance = 0.01, unit = "cycles",
  formula = string.format("4 * 11 + entry + 2 * 11 + handler + exit = 44 +"
                          .. " %d + 22 + %d + %d = %d", p.irq_entry,
                          p.handler_cycles, p.irq_exit, c_dma),
  explain = "the driver programs the controller with four register writes "
            .. "(11 cycles each), the controller moves the block by "
            .. "cycle stealing without the CPU, and one completion "
            .. "interrupt costs entry, a STATUS read and clear, the "
            .. "handler's work and exit; the simulated value is the CPU's "
            .. "busy cycles over the whole run",
}
