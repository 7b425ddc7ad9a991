-- Swap through the disk from the timed paths other than a workload: a
-- fault through the MMU (via=mmu), a pin a CPU runs (via=pin), and a
-- migration a CPU runs (via=migrate).  The block driver runs on the same
-- CPU, so a call that waited on the CPU for its page would never get it.
-- With busy=true a program pages on the same CPU meanwhile.  With
-- via=shared a program on another CPU touches the same pages while the
-- MMU loads them 4 times over: a load that finds a page the program's
-- fault brought in, its entry not yet stored by the program's CPU, waits
-- off the CPU for that store (walking again at once, on the CPU the
-- driver needs, would never end); the run is limited to 100 ms.
-- 24 pages of distinct bytes in 16 frames: they are written untimed
-- (the first 8 go to the disk at once); the call then needs the disk's
-- commands, and every page must still hold its bytes.
local p = dmasim.params{ via = "mmu", busy = false }
local KiB = 1024
local sys = dmasim.system{ bus = { clock = "1GHz", width = 8 } }
local mem = sys:memory{ size = "64MiB", latency = "20ns" }
local cpu = sys:cpu{ clock = "1GHz" }
local ic = sys:intc{ lines = 1 }
local disk = sys:disk{ base = 0x60000000, size = "1MiB", latency = "10us",
                       bandwidth = "2GB/s", intc = ic, irq_line = 0 }
local blk = sys:blkdev{ disk = disk, cpu = cpu, sq = 0x100000, cq = 0x101000,
                        prp = 0x110000 }
local vm = sys:vm{ memory = mem, base = 0x1000000, size = 16 * 4 * KiB,
                   swap = { blkdev = blk, slots = 64 } }
local as = vm:aspace{ size = 24 * 4 * KiB }
local mmu = (p.via == "mmu" or p.via == "shared") and sys:mmu{ cpu = cpu }
            or nil
local cpu1 = p.via == "shared" and sys:cpu{ clock = "1GHz" } or nil
-- with busy=true a program pages at the same time, on the same CPU, its
-- faults' transfers in the disk's queue among the call's
local busy_as = p.busy and vm:aspace{ size = 12 * 4 * KiB } or nil
local w
local function page_bytes(i)
  return string.rep(string.char(i, 0xa5, (i * 13) % 256, 0x3c), 1024)
end
local reads0, writes0, major0, major, t0, t_end
local ok, done = true, false
sys:spawn(function()
  -- the MMU's page tables first, while frames are free for them
  if mmu then assert(mmu:load(as, 23 * 4 * KiB, 8)) end
  for i = 0, 23 do as:write(i * 4 * KiB, page_bytes(i)) end
  if busy_as then
    w = vm:workload{ aspace = busy_as, touches = 300, touch_cycles = 100,
                     cpu = cpu, name = "busy" }
    -- while its first page moves, an untimed call that must page is
    -- refused (its transfers would overtake the disk's queue)
    sys:wait(5000)
    local ok_w, e = pcall(as.write, as, 0, "x")
    dmasim.report("untimed_refused", not ok_w and
                  e:find("cannot page while the swap disk") ~= nil)
  end
  reads0, writes0, major0, t0 = disk.reads, disk.writes, vm.major_faults,
                                sys:now()
  if p.via == "mmu" then
    for i = 0, 7 do
      local got, err = mmu:load(as, i * 4 * KiB, 4 * KiB)
      assert(got, err)
      if got ~= page_bytes(i) then ok = false end
    end
  elseif p.via == "shared" then
    local other = vm:workload{ aspace = as, touches = 400, write_frac = 0,
                               touch_cycles = 100, cpu = cpu1,
                               name = "other" }
    for _ = 1, 4 do
      for i = 0, 23 do
        local got, err = mmu:load(as, i * 4 * KiB, 4 * KiB)
        assert(got, err)
        if got ~= page_bytes(i) then ok = false end
      end
    end
    other:wait()
  elseif p.via == "pin" then
    as:pin(0, 8 * 4 * KiB, cpu)
  else
    assert(as:pa(0) == nil and as:pa(23 * 4 * KiB))
    assert(as:migrate(23 * 4 * KiB, cpu))
  end
  t_end = sys:now() - t0
  major = vm.major_faults - major0
  if w then w:wait(); assert(w.error == "", w.error) end
  done = true
end)
sys:run("100ms")
for i = 0, 23 do
  if as:read(i * 4 * KiB, 4 * KiB) ~= page_bytes(i) then ok = false end
end
dmasim.report("done", done)
dmasim.report("intact", ok)
dmasim.report("setup_commands", reads0 + writes0)
dmasim.report("disk_reads", disk.reads - reads0)
dmasim.report("disk_writes", disk.writes - writes0)
dmasim.report("major_faults", major)
dmasim.report("elapsed", t_end)
