-- random scenario 11 (tools/randscen)
local drv = require 'dmadrv'
local sys = dmasim.system{ bus = { clock = '100MHz', width = 4, arbitration = 'round_robin' } }
local mem = sys:memory{ base = 0, size = '16MiB', latency = '200ns' }
local cpu = sys:cpu{ clock = '500MHz', cpi = 1 }
local dma = sys:dma{ base = 0x40000000, channels = 1, irq = cpu, burst = '64', mode = 'cycle_stealing' }
local d = drv.new(cpu, dma, {}):attach(sys)
local dev = sys:device{ base = 0x50000000, size = '64KiB', rate = '0', latency = '200ns', output = true }
mem:fill(0x10000, 0x10000, 20)
sys:spawn(function()
  cpu:compute(2867)
  cpu:store(0x117c0, string.rep('k', 277))
  cpu:compute(2364)
  sys:wait('1177ns')
  cpu:write32(0x15300, 26942)
end)
sys:spawn(function()
  cpu:busy(791)
  sys:wait('1241ns')
  cpu:compute(3690)
  cpu:load(0x14880, 270)
  cpu:store(0x12cc0, string.rep('q', 496))
end)
sys:run()
dmasim.report('now', sys:now(), 'ps')
dmasim.report('busy', sys:stat('bus.busy_cycles'), 'cycles')
dmasim.report('hash', mem:hash(0x10000, 0x200000))
