-- random scenario 10 (tools/randscen)
local drv = require 'dmadrv'
local sys = dmasim.system{ bus = { clock = '2GHz', width = 4, arbitration = 'priority' } }
local mem = sys:memory{ base = 0, size = '32MiB', latency = '0ns' }
local cpu = sys:cpu{ clock = '1GHz', cpi = 1 }
local l1 = sys:cache{ cpu = cpu, size = '8KiB', ways = 4, line = 64, coherent = true }
local dma = sys:dma{ base = 0x40000000, channels = 2, irq = cpu, burst = '64', mode = 'cycle_stealing' }
local d = drv.new(cpu, dma, {}):attach(sys)
local t = sys:traffic{ compute = 3, access = 4, count = 13, mode = 'cycle_stealing' }
t:start()
mem:fill(0x10000, 0x10000, 186)
sys:spawn(function()
  cpu:busy(240)
  d:copy(0, 0x195c0, 0x1195c0, 3264)
  d:wait(0)
end)
sys:run()
t:stop()
dmasim.report('now', sys:now(), 'ps')
dmasim.report('busy', sys:stat('bus.busy_cycles'), 'cycles')
dmasim.report('hash', mem:hash(0x10000, 0x200000))
