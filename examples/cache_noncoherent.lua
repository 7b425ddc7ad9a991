-- cache_noncoherent: a CPU cache that DMA does not snoop.  A device writes
-- a receive buffer by DMA; the CPU had read the buffer before (it is in
-- its cache).  Reading it again without dma_sync_for_cpu returns the
-- stale cached copy; with the sync (an invalidate of the buffer's lines,
-- costing CPU cycles per line) it returns what the device wrote.  Run with
-- --check and the DMA sanitizer names the missing call.
--
--   dmasim run examples/cache_noncoherent.lua -D sync=false --check
local drv = require "dmadrv"

local p = dmasim.params{ size = "4KiB", sync = true, coherent = false }
local size = dmasim.size(p.size)

local sys = dmasim.system{}
local mem = sys:memory{ size = "16MiB", latency = "50ns" }
local cpu = sys:cpu{ clock = "2GHz" }
local l1 = sys:cache{ cpu = cpu, size = "32KiB", ways = 4, line = 64,
                      inval = 50, barrier = 100, coherent = p.coherent }
local dev = sys:dma_device{ cpu = cpu, cache = l1 }
local dma = sys:dma{ irq = cpu }
local d = drv.new(cpu, dma):attach(sys)
local src, rx = 0x200000, 0x100000
mem:fill(src, size, 9)              -- what the "device" will deliver

local right, sync_cycles
sys:spawn(function()
  local h = dev:map_single(rx, size, "from_device")
  assert(not dev:mapping_error(h), "mapping failed")
  cpu:load(rx, size)                -- an early peek: old lines now cached
  d:copy(0, src, h, size)
  d:wait(0)
  if p.sync then
    local t = sys:now()
    dev:sync_for_cpu(h, size, "from_device")
    sync_cycles = (sys:now() - t) // cpu.period
  end
  right = cpu:load(rx, size) == mem:read(src, size)
  dev:unmap_single(h, size, "from_device")
end)
sys:run()

dmasim.report("cpu_sees_new_data", right)
if sync_cycles then dmasim.report("sync_for_cpu", sync_cycles, "cpu cycles") end
dmasim.report("cache_hits", l1.hits)
