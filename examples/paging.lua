-- paging: programs sharing a CPU and a memory too small for their working
-- sets.  Pinning frames for DMA buffers leaves fewer frames to page with;
-- once the programs' pages exceed what is left, they fault to the swap
-- disk and their run time jumps: each fault then waits for the disk's DMA
-- of a victim out and the page back in, driven by a block driver on the
-- programs' CPU.
--
--   dmasim sweep examples/paging.lua -D pinned=0..192+64 --y elapsed --plot paging.svg
local p = dmasim.params{ pinned = 64, pages = 96, programs = 2 }

local sys = dmasim.system{}
local mem = sys:memory{ size = "64MiB" }
local cpu = sys:cpu{ clock = "1GHz" }
-- a slow swap disk on the system bus, its driver on the same CPU
local ic = sys:intc{ lines = 1 }
local disk = sys:disk{ base = 0x60000000, size = "4MiB", latency = "50us",
                       bandwidth = "200MB/s", intc = ic, irq_line = 0 }
local blk = sys:blkdev{ disk = disk, cpu = cpu, sq = 0x100000, cq = 0x101000,
                        prp = 0x110000 }
-- 256 frames (1 MiB) of memory managed, swapping to the disk's first MiB
local vm = sys:vm{ memory = mem, base = "16MiB", size = "1MiB",
                   swap = { blkdev = blk, lba = 0, slots = 256 } }

-- a driver pins `pinned` frames' worth of DMA buffers
local io = vm:aspace{ size = math.max(p.pinned, 1) * 4096 }
if p.pinned > 0 then io:pin(0, p.pinned * 4096) end

local works = {}
for i = 1, p.programs do
  local as = vm:aspace{ size = p.pages * 4096 }
  works[i] = vm:workload{ aspace = as, name = "prog" .. i, touches = 20000,
                          touch_cycles = 50, cpu = cpu }
end
sys:spawn(function()
  for _, w in ipairs(works) do w:wait() end
end)
sys:run()

local faults = 0
for _, w in ipairs(works) do
  assert(w.error == "", w.error)
  faults = faults + w.faults
end
dmasim.report("frames_left", vm.frames - p.pinned, "frames")
dmasim.report("faults", faults)
dmasim.report("swap_commands", disk.reads + disk.writes)
dmasim.report("elapsed", sys:now() / 1e9, "ms")
