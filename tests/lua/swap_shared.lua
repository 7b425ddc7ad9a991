-- An MMU and a program on another CPU share an address space whose pages
-- page through the disk (driven by the MMU's CPU): an MMU load that
-- finds a page the program's fault brought in, its entry not yet stored
-- by the program's CPU (its transfers may be on the way), leaves the CPU
-- until the entry is stored, then walks again.  Every load must return
-- the page's bytes, and the run must end: walking again at once, on the
-- CPU the driver needs, never would.
local KiB = 1024
local sys = dmasim.system{ bus = { clock = "1GHz", width = 8 } }
local mem = sys:memory{ size = "64MiB", latency = "20ns" }
local cpu = sys:cpu{ clock = "1GHz" }
local cpu1 = sys:cpu{ clock = "1GHz" }
local ic = sys:intc{ lines = 1 }
local disk = sys:disk{ base = 0x60000000, size = "1MiB", latency = "10us",
                       bandwidth = "2GB/s", intc = ic, irq_line = 0 }
local blk = sys:blkdev{ disk = disk, cpu = cpu, sq = 0x100000, cq = 0x101000,
                        prp = 0x110000 }
local vm = sys:vm{ memory = mem, base = 0x1000000, size = 16 * 4 * KiB,
                   swap = { blkdev = blk, slots = 64 } }
local as = vm:aspace{ size = 24 * 4 * KiB }
local mmu = sys:mmu{ cpu = cpu }
local function page_bytes(i)
  return string.rep(string.char(i, 0xa5, (i * 13) % 256, 0x3c), 1024)
end
local ok, w, done = true, nil, false
sys:spawn(function()
  assert(mmu:load(as, 23 * 4 * KiB, 8))
  for i = 0, 23 do as:write(i * 4 * KiB, page_bytes(i)) end
  w = vm:workload{ aspace = as, touches = 400, touch_cycles = 100, write_frac = 0,
                   cpu = cpu1, name = "other" }
  for round = 1, 4 do
    for i = 0, 23 do
      local got, err = mmu:load(as, i * 4 * KiB, 4 * KiB)
      assert(got, err)
      if got ~= page_bytes(i) then ok = false end
    end
  end
  w:wait()
  done = true
end)
sys:run("100ms")   -- a livelock would spin to here
dmasim.report("done", done)
dmasim.report("intact", ok)
dmasim.report("reads", disk.reads)
dmasim.report("faults", mmu.faults)
