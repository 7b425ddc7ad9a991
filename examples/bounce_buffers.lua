-- bounce_buffers: a device that can address only the low 16 MiB (its DMA
-- mask) given a buffer above it.  The mapping API (as Linux's swiotlb)
-- maps the buffer to a bounce slot in low memory and, on unmap, the CPU
-- copies the data out of it by loads and stores through its cache (so
-- the data lands in the cache, and the CPU reads it from there); a buffer
-- in reach maps directly.  Both arrive intact; compare what each costs.
--
--   dmasim run examples/bounce_buffers.lua -D buffer=0x100000
local drv = require "dmadrv"

local p = dmasim.params{ buffer = 0x2000000, size = 2048 }

local sys = dmasim.system{}
local mem = sys:memory{ size = "64MiB", latency = "20ns" }
local cpu = sys:cpu{}
local l1 = sys:cache{ cpu = cpu }
local dev = sys:dma_device{ cpu = cpu, cache = l1, mask = "16MiB",
                            bounce_base = 0xE00000, bounce_size = "1MiB" }
local nic = sys:device{ name = "nic", size = p.size }
local dma = sys:dma{ irq = cpu }
local d = drv.new(cpu, dma):attach(sys)

local handle, t0, t1, got
sys:spawn(function()
  t0 = sys:now()
  handle = dev:map_single(p.buffer, p.size, "from_device")
  assert(not dev:mapping_error(handle), "mapping failed")
  d:copy(0, nic.data, handle, p.size, { src_fixed = true })
  d:wait(0)
  dev:unmap_single(handle, p.size, "from_device")   -- copies back if bounced
  t1 = sys:now()
  got = cpu:load(p.buffer, p.size)                  -- what the CPU sees
end)
sys:run()

assert(got == nic:expected(0, p.size), "data differs")
dmasim.report("dma_address", string.format("0x%x", handle))
dmasim.report("bounced", dev.bounces > 0)
dmasim.report("receive", (t1 - t0) // cpu.period, "cpu cycles")
