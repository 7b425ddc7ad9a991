-- Swap through the disk: 64 pages of distinct bytes in 16 frames, a
-- workload touching them at random (reads only) pages them out and back
-- by the disk's DMA; every page still holds its bytes afterwards.
local KiB = 1024
local sys = dmasim.system{ bus = { clock = "1GHz", width = 8 } }
local io = sys:bus{ name = "io", clock = "1GHz", width = 8 }
local mem = sys:memory{ size = "64MiB", latency = "20ns" }
local cpu = sys:cpu{ clock = "1GHz" }
local ic = sys:intc{ lines = 8 }
local disk = sys:disk{ bus = io, base = 0x60000000, size = "16MiB",
                       latency = "10us", bandwidth = "2GB/s", intc = ic,
                       irq_line = 2 }
sys:bridge{ a = sys.system_bus, b = io, latency = "100ns",
            a_to_b = { { 0x60000000, "1MiB" } }, b_to_a = { { 0, "64MiB" } } }
local blk = sys:blkdev{ disk = disk, cpu = cpu, sq = 0x100000, cq = 0x101000,
                        prp = 0x200000 }
local vm = sys:vm{ memory = mem, base = 0x1000000, size = 16 * 4 * KiB,
                   swap = { blkdev = blk, lba = 8192, slots = 256 } }
local as = vm:aspace{ size = 64 * 4 * KiB }
local function page_bytes(i)
  return string.rep(string.char(i % 251, (i * 7) % 256, 0x5a, i // 256), 1024)
end
for i = 0, 63 do as:write(i * 4 * KiB, page_bytes(i)) end
local setup_dma = disk.dma_xacts
local w = vm:workload{ aspace = as, touches = 400, write_frac = 0,
                       touch_cycles = 100, cpu = cpu, name = "w" }
local t_end
sys:spawn(function() w:wait(); t_end = sys:now() end)
sys:run()
assert(w.error == "", w.error)
local ok = true
for i = 0, 63 do
  if as:read(i * 4 * KiB, 4 * KiB) ~= page_bytes(i) then ok = false end
end
dmasim.report("intact", ok)
dmasim.report("setup_dma", setup_dma)
dmasim.report("dma_pages", disk.dma_xacts - setup_dma)
dmasim.report("disk_writes", disk.writes)
dmasim.report("disk_reads", disk.reads)
dmasim.report("major_faults", vm.major_faults)
dmasim.report("evictions", vm.evictions)
dmasim.report("elapsed", t_end)
