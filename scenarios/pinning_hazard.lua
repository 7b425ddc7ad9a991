-- Pinning: why a DMA buffer's pages must not move during a transfer.
--
-- Claim: if the OS migrates a page of a DMA buffer in the middle of a
-- transfer, the device keeps writing to the old physical frame: the data
-- lands there, the program's page (now in another frame) misses it, and
-- whoever gets the old frame next is corrupted.  Pinning the buffer for the
-- duration makes the OS refuse (or defer) the migration, and the data
-- arrives intact.
--
-- The run: a program's 64 KiB buffer, a slow device filling it by
-- scatter-gather DMA, the OS compacting memory (migrating one page of the
-- buffer) mid-transfer, and a second program allocating pages right after.
-- Both outcomes are checked end to end with checksums, and the OS's DMA
-- watch names the page, the time and the missing pin.
--
-- The migration is the CPU's work: migrate_cycles of handler (3000 at
-- 2 GHz: 1.5 us), then the page copied line by line, each 64-byte line a
-- load from the old frame and a store into the new (20 + 8 ns each on
-- this bus, more while the device's bursts hold it: about 5 us in all),
-- then the page switched to the new frame.  The device's writes are lost
-- only where they land in the old frame after the copy has passed them,
-- so the claim's domain: the copy reaches the page before the device has
-- finished writing it (the default moves page 5 from 30 us, the device
-- writing it from 32 to 38.4 us).  A page the device has finished, or
-- whose copy trails the device's writes all the way (page 0 from 5 us),
-- moves intact, as it would on a real machine.
local mm = require "mm"
local drv = require "dmadrv"

local p = dmasim.params{ size = "64KiB", rate = "640MB/s", migrate_at = "30us",
                         page = 5 }
local size = dmasim.size(p.size)
dmasim.expect(size % 4096 == 0 and size >= 8192, "size", p.size,
              "a multiple of 4KiB, at least 8KiB")
dmasim.expect(p.page >= 0 and p.page < size // 4096, "page", p.page,
              "a page of the buffer (0 to " .. size // 4096 - 1 .. ")")

local function run(pinned)
  local sys = dmasim.system{ bus = { clock = "1GHz", width = 8 } }
  local mem = sys:memory{ base = 0, size = "64MiB", latency = "20ns" }
  local cpu = sys:cpu{ clock = "2GHz" }
  local dma = sys:dma{ base = 0x40000000, channels = 1, irq = cpu, burst = "256B",
                       reg_latency = "10ns" }
  local dev = sys:device{ base = 0x50000000, size = size, rate = p.rate,
                          latency = "30ns" }
  local vm = sys:vm{ memory = mem, base = 0x1000000, size = "8MiB" }
  local d = drv.new(cpu, dma):attach(sys)
  local a = vm:aspace{ size = size }          -- the program with the buffer
  local b = vm:aspace{ size = "64KiB" }        -- the frame's next owner
  local secret = string.rep("B's data ", 512):sub(1, 4096)
  local moved, refused, b_pa = false, nil, {}
  a:write(0, string.rep("\0", size))           -- the buffer is resident
  local ch = dma:channel(0)

  sys:spawn(function()                         -- the driver
    if pinned then mm.pin(sys, cpu, a, 0, size) end
    local segs = a:sg(0, size, true)           -- watched for the hazard
    local desc = mm.write_chain(cpu, 0x10000, dev.data, segs, true)
    d:chain(0, desc)
    d:wait(0)
    if pinned then mm.unpin(cpu, a, 0, size) end
  end)
  sys:spawn(function()                         -- the OS compacts memory
    sys:wait(p.migrate_at)
    local va = p.page * 4096
    local ok, why = a:migrate(va, cpu)    -- its loads and stores copy it
    moved, refused = ok ~= nil, why
    -- program B allocates and fills pages, and gets the freed frame
    for i = 0, 15 do
      b:write(i * 4096, secret)
      b_pa[#b_pa + 1] = b:pa(i * 4096)
    end
  end)
  sys:run()

  local a_ok = a:read(0, size) == dev:expected(0, size)
  local b_ok = true
  for i = 0, 15 do
    if b:read(i * 4096, 4096) ~= secret then b_ok = false end
  end
  return { moved = moved, refused = refused, a_ok = a_ok, b_ok = b_ok,
           hazards = vm:hazards(), dma_ok = ch.done,
           time = sys:cycles(ch.done_at - ch.started_at) }
end

local bad, good = run(false), run(true)

local rows = {}
for _, h in ipairs(bad.hazards) do
  rows[#rows + 1] = {
    string.format("%.3f us", h.time / 1e6), string.format("%#x", h.pa),
    string.format("aspace %d va %#x", h.aspace, h.va),
    string.format("%.3f us", h.moved_at / 1e6),
    h.now_pa and string.format("%#x", h.now_pa) or "swapped",
    "pin the buffer (aspace:pin) before building its SG list" }
end
dmasim.table{ title = "DMA hazard reports (unpinned run)",
              columns = { "dma_write_at", "frame", "page", "page_moved_at",
                          "page_now_at", "missing" },
              rows = rows }
dmasim.table{ title = "Outcomes",
              columns = { "run", "migration", "buffer", "next_owner", "hazards" },
              rows = {
                { "unpinned", bad.moved and "done" or "refused",
                  bad.a_ok and "intact" or "MISSING DATA",
                  bad.b_ok and "intact" or "CORRUPTED", #bad.hazards },
                { "pinned", good.moved and "done" or ("refused (" .. tostring(good.refused) .. ")"),
                  good.a_ok and "intact" or "MISSING DATA",
                  good.b_ok and "intact" or "CORRUPTED", #good.hazards },
              } }

dmasim.report("unpinned_buffer_intact", bad.a_ok)
dmasim.report("unpinned_next_owner_intact", bad.b_ok)
dmasim.report("unpinned_hazards", #bad.hazards)
dmasim.report("pinned_buffer_intact", good.a_ok)
dmasim.report("pinned_migration", good.moved and "done" or "refused")

dmasim.claim{
  id = "pinning_hazard.unpinned",
  kind = "check",
  claim = "unpinned: data lost, next owner corrupted, hazard reported",
  model = true,
  simulated = not bad.a_ok and not bad.b_ok and #bad.hazards > 0,
}
dmasim.claim{
  id = "pinning_hazard.pinned",
  kind = "check",
  claim = "pinned: migration refused, data intact, no report",
  model = true,
  simulated = not good.moved and good.a_ok and good.b_ok and #good.hazards == 0,
}
