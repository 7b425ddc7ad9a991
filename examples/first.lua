-- first: the smallest useful scenario.  A CPU's memory traffic and a DMA
-- channel share a 1 GHz bus, both as synthetic bus masters (timing, no
-- data).  Try -D mode=burst and -D mode=transparent, and watch how much of
-- the bus the CPU keeps while the DMA runs.
--
--   dmasim run examples/first.lua -D mode=burst
local p = dmasim.params{ bursts = 1000, mode = "cycle_stealing" }

local sys = dmasim.system{ bus = { clock = "1GHz", arbitration = "round_robin" } }
-- 3 cycles off the bus, then an access of 4 bus cycles, until stopped
local cpu = sys:traffic{ name = "cpu", compute = 3, access = 4 }
-- p.bursts bursts of 8 bus cycles, asked for at once as a DMA channel does
local dma = sys:traffic{ name = "dma1", access = 8, count = p.bursts, mode = p.mode }

cpu:start()
dma:start()
sys:spawn(function()              -- software, in simulated time
  dma:wait()                      -- until the DMA has made its bursts
  cpu:stop()
end)
sys:run()

dmasim.report("dma_done", sys:cycles(dma.done_at), "cycles")
dmasim.report("cpu_accesses", cpu.accesses)
dmasim.report("cpu_wait", cpu.wait_cycles, "cycles")
-- Every bus cycle owned is someone's: the two masters' tenures add up.
assert(cpu.bus_cycles + dma.bus_cycles == sys:stat("bus.busy_cycles"))
