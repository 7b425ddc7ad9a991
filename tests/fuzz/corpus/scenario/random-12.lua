-- random scenario 12 (tools/randscen)
local drv = require 'dmadrv'
local sys = dmasim.system{ bus = { clock = '1GHz', width = 1e9, arbitration = 'round_robin' } }
local mem = sys:memory{ base = 0, size = '32MiB', latency = '200ns' }
local cpu = sys:cpu{ clock = '100MHz', cpi = 2 }
local dma = sys:dma{ base = 0x40000000, channels = 3, irq = cpu, burst = '4KiB', mode = 'transparent' }
local d = drv.new(cpu, dma, {}):attach(sys)
local dev = sys:device{ base = 0x50000000, size = '64KiB', rate = '0', latency = '10ns', output = false }
local t = sys:traffic{ compute = 9, access = 7, count = 102, mode = 'cycle_stealing' }
t:start()
mem:fill(0x10000, 0x10000, 25)
sys:spawn(function()
  cpu:store(0x1d880, string.rep('l', 116))
  cpu:busy(768)
end)
sys:run()
t:stop()
dmasim.report('now', sys:now(), 'ps')
dmasim.report('busy', sys:stat('bus.busy_cycles'), 'cycles')
dmasim.report('hash', mem:hash(0x10000, 0x200000))
