-- random scenario 4 (tools/randscen)
local drv = require 'dmadrv'
local sys = dmasim.system{ bus = { clock = '2GHz', width = 16, arbitration = 'round_robin' } }
local mem = sys:memory{ base = 0, size = '16MiB', latency = '200ns' }
local cpu = sys:cpu{ clock = '2GHz', cpi = 2 }
local l1 = sys:cache{ cpu = cpu, size = '4KiB', ways = 2, line = 64, coherent = false }
local dma = sys:dma{ base = 0x40000000, channels = 3, irq = cpu, burst = '1KiB', mode = 'transparent' }
local d = drv.new(cpu, dma, {}):attach(sys)
mem:fill(0x10000, 0x10000, 218)
sys:spawn(function()
  d:copy(0, 0x15580, 0x115580, 3840)
  d:wait(0)
  sys:wait('647ns')
  cpu:busy(1086)
  sys:wait('735ns')
  cpu:compute(1799)
  cpu:store(0x11bc0, string.rep('m', 162))
end)
sys:spawn(function()
  cpu:store(0x1e9c0, string.rep('k', 273))
  sys:wait('1408ns')
  cpu:load(0x1ea40, 7)
  cpu:store(0x13080, string.rep('i', 321))
end)
sys:run()
dmasim.report('now', sys:now(), 'ps')
dmasim.report('busy', sys:stat('bus.busy_cycles'), 'cycles')
dmasim.report('hash', mem:hash(0x10000, 0x200000))
