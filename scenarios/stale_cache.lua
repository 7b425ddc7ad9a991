-- stale_cache: a device writes a receive buffer by DMA on a non-coherent
-- system; the CPU, which had read the buffer after mapping it, reads it again
-- without invalidating and computes a wrong checksum (run with --check and
-- the sanitizer says why: STALE_CPU_READ).  With dma_sync_for_cpu the
-- checksum is right; on a coherent system it is right either way.
local machine = require "machine"

local p = dmasim.params{ size = "4KiB", sync = true, coherent = false }
local size = dmasim.size(p.size)

local function run(sync, coherent)
  local m = machine.build{}
  local l1 = m.sys:cache{ cpu = m.cpu, size = "32KiB", ways = 4, line = 64,
                          coherent = coherent }
  local dev = m.sys:dma_device{ cpu = m.cpu, cache = l1 }
  local src, rx = 0x100000, 0x200000
  local sum
  m.mem:fill(src, size, 7)           -- what the device will deliver
  m.sys:spawn(function()
    local h = dev:map_single(rx, size, "from_device")
    if dev:mapping_error(h) then error("mapping failed") end
    m.cpu:load(rx, size)             -- polled early: old contents cached
    m.drv:copy(0, src, h, size)
    m.drv:wait(0)
    if sync then dev:sync_for_cpu(h, size, "from_device") end
    sum = dmasim.hash(m.cpu:load(rx, size))
    if sync then dev:unmap_single(h, size, "from_device") end
  end)
  m.sys:run()
  return sum == m.mem:hash(src, size) and 1 or 0
end

-- Each case runs once (with --check, the missing sync is reported once).
local nosync, sync, coherent = run(false, false), run(true, false), run(false, true)
if p.sync then
  dmasim.report("checksum_right_noncoherent_sync", sync)
end
dmasim.report("checksum_right_noncoherent_nosync", nosync)
dmasim.report("checksum_right_coherent_nosync", coherent)
dmasim.claim{ id = "stale_cache.nosync_wrong",
  kind = "check", claim = "non-coherent, no sync: the CPU's checksum is right",
  model = false, simulated = nosync }
dmasim.claim{ id = "stale_cache.sync_right",
  kind = "check", claim = "non-coherent with sync_for_cpu: the checksum is right",
  model = true, simulated = sync }
dmasim.claim{ id = "stale_cache.coherent_right",
  kind = "check", claim = "coherent interconnect, no sync: the checksum is right",
  model = true, simulated = coherent }
