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
-- Each method moves the device's real bytes; the table gives the fraction
-- of the CPU left to other work over the transfer (B / R).
local drv = require "dmadrv"
local poll = require "poll"

local p = dmasim.params{ block = "4KiB", dev_rate = "10MB/s", unit = "64B",
                         poll_interval = "1us", poll_instr = 10,
                         pio_loop = 2, irq_entry = 100, irq_exit = 50,
                         handler_cycles = 200 }
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

local function build(intc_unit)
  local sys = dmasim.system{ bus = { clock = "1GHz", width = 8 } }
  local mem = sys:memory{ base = 0, size = "1MiB", latency = "20ns" }
  local cpu = sys:cpu{ clock = "1GHz", word = 8, pio_loop = p.pio_loop,
                       irq_entry = p.irq_entry, irq_exit = p.irq_exit }
  local ic = sys:intc{ lines = 4 }
  ic:route(1, cpu, 1)
  local dev = sys:device{ size = B, rate = p.dev_rate, latency = "30ns",
                          intc = intc_unit and ic or nil, irq_line = 1,
                          irq_unit = intc_unit }
  return sys, mem, cpu, dev, ic
end

local buf = 0x10000

-- 1. Polling on a fixed schedule (scenarios/lib/poll.lua), moving every
-- whole unit found ready.
local function polling()
  local sys, mem, cpu, dev = build()
  local pl = poll.new(sys, cpu, { cost = p.poll_instr, interval = I })
  sys:spawn(function() pl:read(dev, buf, B, { unit = U }) end)
  sys:run()
  assert(mem:read(buf, B) == dev:expected(0, B), "polling: wrong bytes")
  return { busy = cpu.busy_cycles, poll = pl.poll_ps / cyc, polls = pl.polls,
           elapsed = sys:now() / cyc }
end

-- 2. Interrupt-driven: a handler per unit.
local function interrupts()
  local sys, mem, cpu, dev, ic = build(U)
  local moved = 0
  cpu:on_irq(1, function()
    cpu:pio_read(dev.data, buf + moved, U)
    moved = moved + U
  end)
  sys:run()
  assert(mem:read(buf, B) == dev:expected(0, B), "interrupts: wrong bytes")
  return { busy = cpu.busy_cycles, irqs = ic:line(1).delivered,
           lost = ic:line(1).lost, elapsed = sys:now() / cyc }
end

-- 3. DMA: one programmed transfer and its completion interrupt.
local function dma()
  local sys, mem, cpu, dev = build()
  local eng = sys:dma{ irq = cpu, irq_line = 0, reg_latency = "10ns",
                       burst = U, mode = "cycle_stealing" }
  local d = drv.new(cpu, eng, { handler_cost = p.handler_cycles }):attach(sys)
  sys:spawn(function()
    d:copy(0, dev.data, buf, B, { src_fixed = true })
    d:wait(0)
  end)
  sys:run()
  assert(mem:read(buf, B) == dev:expected(0, B), "dma: wrong bytes")
  return { busy = cpu.busy_cycles, elapsed = sys:now() / cyc }
end

local po, it, dm = polling(), interrupts(), dma()
local function left(busy) return string.format("%.4f", 1 - busy / T) end
dmasim.table{ title = "Moving " .. p.block .. " from a " .. p.dev_rate
                      .. " device in units of " .. p.unit,
              columns = { "method", "cpu_cycles", "of_which_polling",
                          "events", "cpu_left" },
              rows = {
                { "polling", po.busy, string.format("%.0f", po.poll),
                  po.polls .. " polls", left(po.busy) },
                { "interrupts", it.busy, 0, it.irqs .. " irqs",
                  left(it.busy) },
                { "dma", dm.busy, 0, "1 irq", left(dm.busy) } } }
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
