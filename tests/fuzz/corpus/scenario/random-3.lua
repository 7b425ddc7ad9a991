-- random scenario 3 (tools/randscen)
local drv = require 'dmadrv'
local sys = dmasim.system{ bus = { clock = '1GHz', width = 4, arbitration = 'round_robin' } }
local mem = sys:memory{ base = 0, size = '32MiB', latency = '200ns' }
local cpu = sys:cpu{ clock = '100MHz', cpi = 1 }
local dma = sys:dma{ base = 0x40000000, channels = 1, irq = cpu, burst = '1KiB', mode = 'burst' }
local d = drv.new(cpu, dma, {}):attach(sys)
mem:fill(0x10000, 0x10000, 121)
sys:spawn(function()
  cpu:load(0x18140, 373)
  cpu:busy(284)
  cpu:load(0x1e2c0, 212)
  cpu:load(0x18b80, 348)
end)
sys:spawn(function()
  cpu:write32(0x15a40, 45287)
  cpu:compute(2708)
  cpu:store(0x1f300, string.rep('w', 365))
  cpu:write32(0x15b40, 61149)
  cpu:busy(111)
  cpu:busy(253)
end)
sys:run()
dmasim.report('now', sys:now(), 'ps')
dmasim.report('busy', sys:stat('bus.busy_cycles'), 'cycles')
dmasim.report('hash', mem:hash(0x10000, 0x200000))
