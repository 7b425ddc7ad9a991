-- random scenario 9 (tools/randscen)
local drv = require 'dmadrv'
local sys = dmasim.system{ bus = { clock = '1GHz', width = 16, arbitration = 'round_robin' } }
local mem = sys:memory{ base = 0, size = '64MiB', latency = '200ns' }
local cpu = sys:cpu{ clock = '500MHz', cpi = 1 }
local l1 = sys:cache{ cpu = cpu, size = '16KiB', ways = 2, line = 64, coherent = true }
local dma = sys:dma{ base = 0x40000000, channels = 1, irq = cpu, burst = '256', mode = 'burst' }
local d = drv.new(cpu, dma, {}):attach(sys)
mem:fill(0x10000, 0x10000, 30)
sys:spawn(function()
  d:copy(0, 0x1a200, 0x11a200, 3328)
  d:wait(0)
  d:copy(0, 0x1c380, 0x11c380, 3776)
  d:wait(0)
  cpu:busy(1565)
end)
sys:spawn(function()
  cpu:write32(0x17b40, 18476)
  cpu:compute(3157)
  sys:wait('1557ns')
end)
sys:spawn(function()
  cpu:busy(1726)
  cpu:write32(0x14d00, 34239)
  cpu:compute(3426)
  cpu:busy(2983)
  cpu:load(0x16f40, 199)
  cpu:busy(1235)
end)
sys:run()
dmasim.report('now', sys:now(), 'ps')
dmasim.report('busy', sys:stat('bus.busy_cycles'), 'cycles')
dmasim.report('hash', mem:hash(0x10000, 0x200000))
