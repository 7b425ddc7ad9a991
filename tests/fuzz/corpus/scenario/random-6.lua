-- random scenario 6 (tools/randscen)
local drv = require 'dmadrv'
local sys = dmasim.system{ bus = { clock = '500MHz', width = 4, arbitration = 'priority' } }
local mem = sys:memory{ base = 0, size = '128MiB', latency = '200ns' }
local cpu = sys:cpu{ clock = '500MHz', cpi = 1 }
local dma = sys:dma{ base = 0x40000000, channels = 2, irq = cpu, burst = '4KiB', mode = 'burst' }
local d = drv.new(cpu, dma, {}):attach(sys)
mem:fill(0x10000, 0x10000, 134)
sys:spawn(function()
  cpu:write32(0x1ad00, 28105)
  cpu:write32(0x15480, 3473)
  cpu:load(0x17280, 34)
  cpu:write32(0x18440, 25234)
  cpu:store(0x1b5c0, string.rep('y', 418))
  cpu:store(0x14bc0, string.rep('h', 399))
end)
sys:run()
dmasim.report('now', sys:now(), 'ps')
dmasim.report('busy', sys:stat('bus.busy_cycles'), 'cycles')
dmasim.report('hash', mem:hash(0x10000, 0x200000))
