-- sg_fragmented: a user buffer that is contiguous in virtual memory but
-- scattered in physical memory, filled by one DMA through a
-- scatter-gather chain of descriptors.
--
-- The memory manager's free memory is fragmented first (vm:fragment frees
-- a random `free_frac` of single frames it had taken), so a physically
-- contiguous allocation of the buffer's size fails.  as:sg() gives the
-- buffer's physical segments (adjacent pages merged); the driver writes
-- one descriptor per segment and the engine walks the chain, paying a
-- fetch, `desc_cycles` and a write-back per descriptor.
--
--   dmasim run examples/sg_fragmented.lua -D free_frac=0.9
local drv = require "dmadrv"
local mm = require "mm"

local p = dmasim.params{ size = "128KiB", free_frac = 0.5 }
local size = dmasim.size(p.size)

local sys = dmasim.system{ bus = { clock = "1GHz", width = 8 } }
local mem = sys:memory{ size = "64MiB", latency = "20ns" }
local cpu = sys:cpu{}
local dma = sys:dma{ burst = "256B", irq = cpu, desc_cycles = 20, fence_cycles = 10 }
local nic = sys:device{ name = "nic", size = size }
local vm = sys:vm{ memory = mem, base = "16MiB", size = "8MiB" }
local d = drv.new(cpu, dma):attach(sys)

vm:fragment(1 - p.free_frac, 7)   -- keep 1 - free_frac of the filler
local as = vm:aspace{ size = size }
local contig = vm:alloc_contig(size)
sys:spawn(function()
  mm.pin(sys, cpu, as, 0, size)   -- the pages stay put during the DMA
  local segs = as:sg(0, size)     -- { {pa = ..., len = ...}, ... }
  dmasim.report("segments", #segs)
  local chain = mm.write_chain(cpu, 0x10000, nic.data, segs, true)
  d:chain(0, chain)
  d:wait(0)
  mm.unpin(cpu, as, 0, size)
end)
sys:run()

local ch = dma:channel(0)
assert(ch.done, ch.error)
assert(as:read(0, size) == nic:expected(0, size), "the buffer differs")
dmasim.report("contiguous_allocation", contig and "succeeded" or "failed")
dmasim.report("largest_free_block", vm.largest_free, "bytes")
dmasim.report("descriptors_fetched", ch.desc_fetches)
dmasim.report("transfer", sys:cycles(ch.done_at - ch.started_at), "bus cycles")
