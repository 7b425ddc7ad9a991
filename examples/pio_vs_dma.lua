-- pio_vs_dma: moving a block from a device into memory, by programmed I/O
-- (the CPU reads the data register word by word and stores each word)
-- and by DMA (the CPU writes four registers and takes one interrupt).
-- Programmed I/O costs the CPU every word; DMA a fixed setup, so DMA wins
-- above a break-even size.  Sweep it:
--
--   dmasim sweep examples/pio_vs_dma.lua -D size=16..16384*2 --y pio_cpu+dma_cpu --plot pio_vs_dma.svg
local drv = require "dmadrv"

local p = dmasim.params{ size = 1024 }

local function machine()
  local sys = dmasim.system{ bus = { clock = "100MHz", width = 4 } }
  local mem = sys:memory{ size = "1MiB", latency = "20ns" }
  local cpu = sys:cpu{ clock = "400MHz", word = 4, pio_loop = 3 }
  local dev = sys:device{ size = p.size }
  local dma = sys:dma{ irq = cpu }
  return sys, mem, cpu, dev, drv.new(cpu, dma):attach(sys)
end

-- PIO: CPU cycles from start to the last word stored
local sys, mem, cpu, dev = machine()
sys:spawn(function() cpu:pio_read(dev.data, 0x1000, p.size) end)
sys:run()
assert(mem:read(0x1000, p.size) == dev:expected(0, p.size))
dmasim.report("pio_cpu", cpu.busy_cycles, "cpu cycles")

-- DMA: CPU cycles of programming, interrupt and handler
local sys2, mem2, cpu2, dev2, d = machine()
sys2:spawn(function()
  d:copy(0, dev2.data, 0x1000, p.size, { src_fixed = true })
  d:wait(0)
end)
sys2:run()
assert(mem2:read(0x1000, p.size) == dev2:expected(0, p.size))
dmasim.report("dma_cpu", cpu2.busy_cycles, "cpu cycles")
