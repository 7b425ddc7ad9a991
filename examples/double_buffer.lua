-- double_buffer: overlapping DMA with processing.  A stream of blocks
-- comes from a device; with one buffer the CPU waits for each block, then
-- processes it; with two, the DMA fills one buffer while the CPU processes
-- the other, so the slower of the two sets the pace.  (The device's own
-- 4 KiB FIFO already overlaps a little: it fills while the CPU works.)
--
--   dmasim sweep examples/double_buffer.lua -D work=1000..64000*2 --y single+double --plot double_buffer.svg
local drv = require "dmadrv"

local p = dmasim.params{ blocks = 8, block = "16KiB", work = 40000 }
local size = dmasim.size(p.block)

local function run(buffers)
  local sys = dmasim.system{}
  local mem = sys:memory{ size = "16MiB", latency = "20ns" }
  local cpu = sys:cpu{}
  local dev = sys:device{ size = size * p.blocks, rate = "400MB/s",
                          buffer = "4KiB" }
  local dma = sys:dma{ channels = 2, irq = cpu, burst = "256B" }
  local d = drv.new(cpu, dma):attach(sys)
  local buf = { 0x100000, 0x100000 + size }
  sys:spawn(function()
    local function fill(i)            -- block i into buffer (i mod n)
      local ch = (i - 1) % buffers
      d:copy(ch, dev.data, buf[ch + 1], size, { src_fixed = true })
    end
    fill(1)
    for i = 1, p.blocks do
      local ch = (i - 1) % buffers
      d:wait(ch)
      if buffers == 2 and i < p.blocks then fill(i + 1) end
      cpu:compute(p.work)             -- process block i
      if buffers == 1 and i < p.blocks then fill(i + 1) end
    end
  end)
  sys:run()
  return sys:now() / 1e6
end

local single, double = run(1), run(2)
dmasim.report("single", single, "us")
dmasim.report("double", double, "us")
dmasim.report("speedup", single / double)
