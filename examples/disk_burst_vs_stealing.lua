-- disk_burst_vs_stealing: a disk controller hands a block from its track
-- buffer (on-board RAM on the bus) to main memory by DMA while the CPU
-- computes with memory references on the same bus.  The engine moves data in bursts of `burst` bytes; the
-- transfer mode decides how many bursts one bus grant covers:
--   burst           all of them: the CPU waits out the whole block;
--   cycle_stealing  one: the CPU gets the bus between bursts.
-- The figures: the transfer's time, and the CPU's work during it (its
-- effective CPI and the instructions it got done).
--
-- The track buffer is a memory, not a `device`: a DMA from a device's data
-- register asks for the bus burst by burst as the device has data (its
-- request line), whatever the mode, so the mode shows only when the data
-- is all there (docs/model.md).
--
--   dmasim run examples/disk_burst_vs_stealing.lua -D burst=512
local drv = require "dmadrv"

local p = dmasim.params{ block = "64KiB", burst = "64B" }
local block, burst = dmasim.size(p.block), dmasim.size(p.burst)

local function run(mode)
  local sys = dmasim.system{ bus = { clock = "100MHz", width = 8 } }
  local mem = sys:memory{ size = "16MiB", latency = "20ns" }
  -- a CPU whose every fifth instruction references memory over the bus
  local cpu = sys:cpu{ clock = "400MHz", cpi = 1, mem_frac = 0.2,
                       data_addr = 0x800000 }
  -- the disk's track buffer, holding the block read from the platter
  local track = sys:memory{ name = "track", base = 0x60000000, size = "1MiB",
                            latency = "40ns" }
  track:fill(track.base, block, 42)
  local dma = sys:dma{ burst = burst, mode = mode, irq = cpu }
  local d = drv.new(cpu, dma):attach(sys)
  local ch = dma:channel(0)
  local done, insns = false, 0
  sys:spawn(function()            -- the application, in slices so that
    while not done do             -- the driver's operations get the CPU
      cpu:compute(200)
      insns = insns + 200
    end
  end)
  sys:spawn(function()            -- the driver
    d:copy(0, track.base, 0x100000, block)
    d:wait(0)
    done = true
  end)
  sys:run()
  assert(ch.done, ch.error)
  assert(mem:hash(0x100000, block) == track:hash(track.base, block),
         "the block arrived changed")
  return sys:cycles(ch.done_at - ch.started_at), insns, cpu.cpi
end

for _, mode in ipairs{ "burst", "cycle_stealing" } do
  local cycles, insns, cpi = run(mode)
  dmasim.report(mode .. ".transfer", cycles, "bus cycles")
  dmasim.report(mode .. ".cpu_instructions", insns)
  dmasim.report(mode .. ".cpu_cpi", cpi)
end
