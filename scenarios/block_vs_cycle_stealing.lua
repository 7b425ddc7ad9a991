-- Block (burst) mode against cycle stealing, from a slow device.
--
-- A device producing at rate R feeds a DMA channel in bursts of u bytes;
-- each burst, once the device has it, costs c bus cycles (a read of the
-- device's data register and a write of memory).  A second CPU ("app")
-- meanwhile runs instructions that all reference memory, so it wants the
-- bus all the time.
--
-- Claims (bus cycles; the device starts producing at 0):
--  1. Block mode holds the bus for the whole block, at the device's pace:
--     from the first burst (ready at u/R) to the last (ready at B/R, then
--     c): lock-out = (B - u)/R + c, in one grant.
--  2. The app CPU is locked out for that long: its stall is the lock-out.
--  3. and 4. Either way the transfer ends when the device has produced
--     the block and the last burst has moved: B/R + c (cycle stealing:
--     plus the app's reference in flight when the last burst is ready,
--     at most 21 cycles here).  Block mode buys nothing in transfer time
--     from a slow device; it only locks out.
--  5. Cycle stealing holds the bus c cycles per grant.
local machine = require "machine"

local p = dmasim.params{ block = "4KiB", dev_rate = "50MB/s", burst = "256B",
                         instr = 20000 }
local B, u = dmasim.size(p.block), dmasim.size(p.burst)
local R = dmasim.bandwidth(p.dev_rate)
dmasim.expect(B >= 2 * u and B % u == 0, "block", p.block,
              "a multiple of burst, two bursts or more")

local model = machine.model{ burst = p.burst }
local bus_ps = 1e12 / dmasim.freq(machine.defaults.bus_clock)
local c = model.burst_time(u) / model.r          -- bus cycles per burst
local function bus_cycles(bytes) return math.ceil(bytes / R * 1e12 / bus_ps) end
dmasim.expect(bus_cycles(u) > c, "dev_rate", p.dev_rate,
              "a device slower than the bus (a burst's bytes take longer "
              .. "to produce than to move)")

local function run(mode)
  local m = machine.build{ dma_mode = mode, dev_rate = p.dev_rate,
                           dev_size = B, burst = p.burst }
  local app = m.sys:cpu{ name = "app", clock = machine.defaults.cpu_clock,
                         mem_frac = 1 }
  local ch = m.dma:channel(0)
  local stall
  m.sys:spawn(function()
    m.drv:copy(0, m.dev.data, 0x100000, B, { src_fixed = true })
    -- the app's stall from when the first burst is ready (u/R) to the
    -- completion interrupt (a stall is counted when it ends: read it
    -- once the app has had the bus again); alone on the bus the app
    -- loses only its wait for a bus edge, half a bus cycle a reference
    m.sys:wait(math.max(0, bus_cycles(u) * bus_ps - m.sys:now()))
    local s0 = app.stall_cycles
    m.drv:wait(0)
    stall = app.stall_cycles - s0
  end)
  m.sys:spawn(function() app:compute(p.instr) end)
  m.sys:run()
  local ok = m.mem:read(0x100000, B) == m.dev:expected(0, B)
  if not ok then error(mode .. " mode delivered wrong bytes") end
  return { busy = ch.busy_cycles, grants = ch.grants,
           done = ch.done_at / bus_ps, stall = stall / model.r }
end

local blk, cs = run("burst"), run("cycle_stealing")
local lockout = bus_cycles(B) - bus_cycles(u) + c
local t_end = bus_cycles(B) + c

dmasim.table{ title = "A " .. p.block .. " block from a " .. p.dev_rate
                      .. " device (bus cycles)",
              columns = { "mode", "grants", "bus_held", "longest_hold",
                          "transfer_end", "app_stall" },
              rows = {
                { "block", blk.grants, blk.busy, blk.busy // blk.grants,
                  blk.done, string.format("%.0f", blk.stall) },
                { "cycle_stealing", cs.grants, cs.busy, cs.busy // cs.grants,
                  cs.done, string.format("%.0f", cs.stall) } } }
dmasim.report("block_grants", blk.grants)
dmasim.report("block_lockout", blk.busy, "cycles")
dmasim.report("cs_grants", cs.grants)
dmasim.report("app_stall_block", blk.stall, "cycles")
dmasim.report("app_stall_cs", cs.stall, "cycles")

dmasim.claim{
  id = "block_vs_cycle_stealing.lockout",
  claim = "block mode holds the bus (B - u)/R + c in one grant",
  model = lockout, simulated = blk.grants == 1 and blk.busy or math.huge,
  tolerance = 0.001, unit = "cycles",
}
dmasim.claim{
  id = "block_vs_cycle_stealing.cpu_locked_out",
  claim = "the CPU is locked out for the block's duration",
  model = lockout, simulated = blk.stall, tolerance = 0.01, unit = "cycles",
}
dmasim.claim{
  id = "block_vs_cycle_stealing.time_block",
  claim = "block mode ends at the device's pace, B/R + c",
  model = t_end, simulated = blk.done, tolerance = 0.001, unit = "cycles",
}
dmasim.claim{
  id = "block_vs_cycle_stealing.time_cycle_stealing",
  claim = "cycle stealing ends at the device's pace too, B/R + c",
  model = t_end, simulated = cs.done, tolerance = 0.005, unit = "cycles",
}
dmasim.claim{
  id = "block_vs_cycle_stealing.cs_hold",
  claim = "cycle stealing holds the bus c per grant",
  model = c, simulated = cs.busy / cs.grants, tolerance = 0.001,
  unit = "cycles",
}
