-- priority: round-robin against priority arbitration.  A DMA channel that
-- always wants the bus and a CPU whose references need it.  Round-robin
-- gives the CPU a turn after each burst (with two masters, as much as
-- priority arbitration with the CPU above the channel gives it); priority
-- arbitration with the channel above the CPU starves the CPU until the
-- transfer ends, and the transfer ends sooner.
--
--   dmasim run examples/priority.lua -D arbitration=priority -D cpu_priority=2
local p = dmasim.params{ arbitration = "round_robin", dma_priority = 1,
                         cpu_priority = 0 }

local sys = dmasim.system{ bus = { arbitration = p.arbitration } }
local mem = sys:memory{ size = "16MiB", latency = "10ns" }
local cpu = sys:cpu{ mem_frac = 0.25, priority = p.cpu_priority,
                     data_addr = 0x800000 }
-- a channel always asking: count bursts of 32 bus cycles, no gap
local dma = sys:traffic{ name = "dma", access = 32, count = 2000,
                         priority = p.dma_priority }
local work_done_at
dma:start()
sys:spawn(function()
  cpu:compute(20000)
  work_done_at = sys:now()
end)
sys:run()

dmasim.report("cpu_work", sys:cycles(work_done_at), "bus cycles")
dmasim.report("cpu_bus_wait", cpu.wait_cycles, "bus cycles")
dmasim.report("dma_done", sys:cycles(dma.done_at), "bus cycles")
