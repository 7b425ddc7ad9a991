-- random scenario 7 (tools/randscen)
local drv = require 'dmadrv'
local sys = dmasim.system{ bus = { clock = '100MHz', width = 8, arbitration = 'priority' } }
local mem = sys:memory{ base = 0, size = '32MiB', latency = '50ns' }
local cpu = sys:cpu{ clock = '500MHz', cpi = 3 }
local l1 = sys:cache{ cpu = cpu, size = '16KiB', ways = 2, line = 64, coherent = false }
local dma = sys:dma{ base = 0x40000000, channels = 2, irq = cpu, burst = '4KiB', mode = 'burst' }
local d = drv.new(cpu, dma, {}):attach(sys)
local dev = sys:device{ base = 0x50000000, size = '64KiB', rate = '0', latency = '200ns', output = false }
mem:fill(0x10000, 0x10000, 57)
sys:spawn(function()
  d:copy(0, 0x13b40, 0x113b40, 448)
  d:wait(0)
  cpu:busy(2048)
end)
sys:spawn(function()
  sys:wait('1532ns')
  sys:wait('1549ns')
  cpu:busy(971)
  cpu:load(0x14640, 441)
  cpu:store(0x16bc0, string.rep('h', 328))
  cpu:store(0x184c0, string.rep('h', 4))
  cpu:load(0x1d640, 45)
  cpu:load(0x19a00, 314)
end)
sys:spawn(function()
  sys:wait('571ns')
  sys:wait('1142ns')
  cpu:load(0x1d480, 484)
  cpu:store(0x16300, string.rep('y', 23))
  cpu:load(0x1dd40, 479)
  cpu:write32(0x12f40, 62363)
  sys:wait('643ns')
  cpu:store(0x12d80, string.rep('c', 240))
end)
sys:run()
dmasim.report('now', sys:now(), 'ps')
dmasim.report('busy', sys:stat('bus.busy_cycles'), 'cycles')
dmasim.report('hash', mem:hash(0x10000, 0x200000))
