-- two_buses: a memory bus and a slower I/O bus joined by a bridge, as a
-- PCI host bridge or an AHB-to-APB bridge joins them.  The CPU and DRAM
-- are on the memory bus; a network device and the DMA engine on the I/O
-- bus.  The DMA moves a packet from the device into DRAM: each write
-- crosses the bridge.  The CPU computes from DRAM meanwhile, and meets
-- the DMA only on the memory bus, where the bridge forwards the writes.
--
--   dmasim run examples/two_buses.lua -D io_clock=33MHz -D posted=false
local drv = require "dmadrv"

local p = dmasim.params{ packet = "16KiB", io_clock = "100MHz", posted = true }
local size = dmasim.size(p.packet)

local sys = dmasim.system{ bus = { clock = "1GHz", width = 8 } }
local io = sys:bus{ name = "io", clock = p.io_clock, width = 4 }
local mem = sys:memory{ size = "64MiB", latency = "20ns" }       -- memory bus
local cpu = sys:cpu{ mem_frac = 0.3, data_addr = 0x2000000 }    -- memory bus
local nic = sys:device{ name = "nic", bus = io, size = size }
local dma = sys:dma{ bus = io, burst = "128B", irq = cpu }
-- the CPU reaches the I/O bus's registers; the DMA reaches DRAM
sys:bridge{ a = sys.system_bus, b = io, latency = "30ns", posted = p.posted,
            a_to_b = { { 0x40000000, "1MiB" }, { 0x50000000, "1MiB" } },
            b_to_a = { { 0, "64MiB" } } }
local d = drv.new(cpu, dma):attach(sys)

local done = false
sys:spawn(function()
  d:copy(0, nic.data, 0x100000, size, { src_fixed = true })
  d:wait(0)
  done = true
end)
sys:spawn(function()
  while not done do cpu:compute(1000) end
end)
sys:run()

local ch = dma:channel(0)
assert(ch.done, ch.error)
assert(mem:read(0x100000, size) == nic:expected(0, size), "the packet differs")
dmasim.report("transfer", (ch.done_at - ch.started_at) / 1e6, "us")
dmasim.report("cpu_cpi", cpu.cpi)
dmasim.report("bridge_writes_to_dram", sys:stat("bridge0.b2a.writes"))
dmasim.report("bridge_stalls", sys:stat("bridge0.b2a.stalls"))
dmasim.report("io_bus_busy", io.busy_cycles, "io cycles")
