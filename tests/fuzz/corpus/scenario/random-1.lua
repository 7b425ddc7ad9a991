-- random scenario 1 (tools/randscen)
local drv = require 'dmadrv'
local sys = dmasim.system{ bus = { clock = '1GHz', width = 8, arbitration = 'priority' } }
local mem = sys:memory{ base = 0, size = '64MiB', latency = '10ns' }
local cpu = sys:cpu{ clock = '2GHz', cpi = 3 }
local dma = sys:dma{ base = 0x40000000, channels = 1, irq = cpu, burst = '4KiB', mode = 'cycle_stealing' }
local d = drv.new(cpu, dma, {}):attach(sys)
local dev = sys:device{ base = 0x50000000, size = '64KiB', rate = '100MB/s', latency = '10ns', output = false }
mem:fill(0x10000, 0x10000, 119)
sys:spawn(function()
  cpu:write32(0x1c3c0, 63106)
  cpu:busy(1197)
  cpu:compute(108)
  cpu:busy(863)
end)
sys:spawn(function()
  cpu:compute(907)
  cpu:load(0x10f40, 451)
  cpu:load(0x12440, 362)
  cpu:write32(0x1edc0, 16623)
  cpu:write32(0x16b80, 8347)
end)
sys:run()
dmasim.report('now', sys:now(), 'ps')
dmasim.report('busy', sys:stat('bus.busy_cycles'), 'cycles')
dmasim.report('hash', mem:hash(0x10000, 0x200000))
