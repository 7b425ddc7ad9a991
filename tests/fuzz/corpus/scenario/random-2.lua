-- random scenario 2 (tools/randscen)
local drv = require 'dmadrv'
local sys = dmasim.system{ bus = { clock = '500MHz', width = 8, arbitration = 'round_robin' } }
local mem = sys:memory{ base = 0, size = '16MiB', latency = '200ns' }
local cpu = sys:cpu{ clock = '500MHz', cpi = 1 }
local l1 = sys:cache{ cpu = cpu, size = '16KiB', ways = 4, line = 64, coherent = true }
local dma = sys:dma{ base = 0x40000000, channels = 3, irq = cpu, burst = '4KiB', mode = 'cycle_stealing' }
local d = drv.new(cpu, dma, {}):attach(sys)
mem:fill(0x10000, 0x10000, 22)
sys:spawn(function()
  cpu:write32(0x10d80, 33274)
  cpu:load(0x11e40, 70)
  sys:wait('412ns')
end)
sys:spawn(function()
  cpu:store(0x1e280, string.rep('k', 406))
end)
sys:spawn(function()
  cpu:store(0x11540, string.rep('d', 225))
  cpu:load(0x1e440, 414)
  sys:wait('882ns')
  cpu:store(0x1bb00, string.rep('x', 495))
  cpu:write32(0x11600, 57089)
end)
sys:run()
dmasim.report('now', sys:now(), 'ps')
dmasim.report('busy', sys:stat('bus.busy_cycles'), 'cycles')
dmasim.report('hash', mem:hash(0x10000, 0x200000))
